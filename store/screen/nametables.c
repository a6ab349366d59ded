/*
 * Name tables: libyaml parsing of the rigour tables (store/tables/SOURCES.md)
 * into string maps, and the ICU folding of any script to ASCII.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>
#include <yaml.h>

#include "lcn_err.h"
#include "nametables.h"
#include "names.h"

#define MAP_VALS	NAME_SYMS_MAX

/* Prefix classes in the prefix map. */
#define PREFIX_PERSON	0x1u
#define PREFIX_ORG	0x2u
#define PREFIX_OBJ	0x4u

struct ment {
	char		*key;		/* NULL: free slot */
	uint32_t	 vals[MAP_VALS];
	uint8_t		 nvals;
};

/* Open addressing, linear probing, power-of-two capacity, never deleted. */
struct strmap {
	struct ment	*ents;
	size_t		 cap;
	size_t		 n;
};

struct legal_form {
	char	*compare;	/* one token */
	char	*generic;	/* one token or "" */
};

struct nametables {
	UTransliterator		*trans;		/* "Any-Latin; Latin-ASCII" */
	UTransliterator		*cyr;		/* BGN/PCGN for Cyrillic */
	const UNormalizer2	*nfkd;		/* owned by ICU */
	struct strmap		 legal;		/* phrase -> index in forms */
	struct legal_form	*forms;
	size_t			 nforms;
	struct strmap		 prefix;	/* phrase -> PREFIX_* bits */
	struct strmap		 symbols;	/* token -> group ids */
	struct strmap		 common;	/* token -> 1 */
	uint32_t		 ngroups;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return h;
}

static struct ment *
map_find(const struct strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = hash_str(key) & (m->cap - 1); m->ents[i].key != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->ents[i].key, key) == 0)
			return &m->ents[i];
	return NULL;
}

static int
map_grow(struct strmap *m)
{
	struct ment *old = m->ents, *e;
	size_t oldcap = m->cap, i, j;
	size_t cap = oldcap == 0 ? 1024 : oldcap * 2;

	if ((m->ents = calloc(cap, sizeof(*m->ents))) == NULL) {
		m->ents = old;
		return LCN_ENOMEM;
	}
	m->cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = hash_str(old[i].key) & (cap - 1);
		    m->ents[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		e = &m->ents[j];
		*e = old[i];
	}
	free(old);
	return 0;
}

/*
 * Adds val to key's values (a value already there is not repeated; beyond
 * MAP_VALS values the rest are dropped: a word in more than four symbol
 * groups is noise anyway).
 */
static int
map_add(struct strmap *m, const char *key, uint32_t val)
{
	struct ment *e;
	size_t i;
	int r;

	if ((e = map_find(m, key)) == NULL) {
		if ((m->n + 1) * 2 > m->cap && (r = map_grow(m)) != 0)
			return r;
		for (i = hash_str(key) & (m->cap - 1); m->ents[i].key != NULL;
		    i = (i + 1) & (m->cap - 1))
			;
		e = &m->ents[i];
		if ((e->key = strdup(key)) == NULL)
			return LCN_ENOMEM;
		e->nvals = 0;
		m->n++;
	}
	for (i = 0; i < e->nvals; i++)
		if (e->vals[i] == val)
			return 0;
	if (e->nvals < MAP_VALS)
		e->vals[e->nvals++] = val;
	return 0;
}

static void
map_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->ents[i].key);
	free(m->ents);
	memset(m, 0, sizeof(*m));
}

const char *
nametables_default_dir(void)
{
	const char *env = getenv(NAMETABLES_ENV);
	struct stat st;

	if (env != NULL && *env != '\0')
		return env;
#ifdef LCN_TABLES_DIR
	if (stat(LCN_TABLES_DIR "/org_types.yml", &st) == 0)
		return LCN_TABLES_DIR;
#endif
#ifdef LCN_SOURCE_TABLES_DIR
	return LCN_SOURCE_TABLES_DIR;
#else
	(void)st;
	return "store/tables";
#endif
}

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/*
 * Spells a table entry as names are spelled: tokens joined by one space.
 * Returns 0, or the names_tokenise() error (an entry the tokeniser rejects
 * is skipped by the caller, not fatal: the tables hold a few entries made
 * of punctuation only).
 */
static int
spell(const struct nametables *t, const char *text, size_t len, char *out,
    size_t outsz, size_t *ntok)
{
	struct name_norm n;
	size_t i, off = 0;
	int r;

	if ((r = names_tokenise(t, text, len, &n)) != 0)
		return r;
	out[0] = '\0';
	for (i = 0; i < n.ntokens; i++) {
		if (off + n.tokens[i].len + 2 > outsz)
			return LCN_EPROTO;
		if (i > 0)
			out[off++] = ' ';
		memcpy(out + off, n.tokens[i].text, n.tokens[i].len);
		off += n.tokens[i].len;
		out[off] = '\0';
	}
	*ntok = n.ntokens;
	return 0;
}

/* Joins the tokens of a spelled phrase into one token ("co ltd" -> "coltd"). */
static void
squash(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++)
		if (*s != ' ')
			*w++ = *s;
	*w = '\0';
}

struct yfile {
	const char	*path;
	yaml_document_t	 doc;
	int		 loaded;
};

static int
yfile_load(struct yfile *y, const char *dir, const char *name, char *path,
    size_t pathsz, char *err, size_t errsz)
{
	yaml_parser_t p;
	FILE *fp;
	int r = 0;

	y->loaded = 0;
	snprintf(path, pathsz, "%s/%s", dir, name);
	y->path = path;
	if ((fp = fopen(path, "rb")) == NULL) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		return LCN_EIO;
	}
	if (!yaml_parser_initialize(&p)) {
		fclose(fp);
		return LCN_ENOMEM;
	}
	yaml_parser_set_input_file(&p, fp);
	if (!yaml_parser_load(&p, &y->doc)) {
		seterr(err, errsz, "%s:%zu: YAML: %s", path,
		    (size_t)p.problem_mark.line + 1,
		    p.problem != NULL ? p.problem : "parse error");
		r = p.error == YAML_MEMORY_ERROR ? LCN_ENOMEM : LCN_EPROTO;
	} else if (yaml_document_get_root_node(&y->doc) == NULL) {
		seterr(err, errsz, "%s: empty YAML document", path);
		yaml_document_delete(&y->doc);
		r = LCN_EPROTO;
	} else
		y->loaded = 1;
	yaml_parser_delete(&p);
	fclose(fp);
	return r;
}

static void
yfile_close(struct yfile *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = 0;
}

static yaml_node_t *
ynode(struct yfile *y, int idx)
{
	return yaml_document_get_node(&y->doc, idx);
}

static int
yshape(struct yfile *y, yaml_node_t *n, yaml_node_type_t want, const char *what,
    char *err, size_t errsz)
{
	static const char *const names[] = { "nothing", "scalar", "sequence",
	    "mapping" };

	if (n != NULL && n->type == want)
		return 0;
	seterr(err, errsz, "%s:%zu: %s: expected a %s, got %s", y->path,
	    n != NULL ? (size_t)n->start_mark.line + 1 : (size_t)0, what,
	    names[want], n != NULL && n->type <= YAML_MAPPING_NODE ?
	    names[n->type] : "nothing");
	return LCN_EPROTO;
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *
yget(struct yfile *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		k = ynode(y, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    k->data.scalar.length == strlen(key) &&
		    memcmp(k->data.scalar.value, key,
		    k->data.scalar.length) == 0)
			return ynode(y, p->value);
	}
	return NULL;
}

static int
add_form(struct nametables *t, const char *compare, const char *generic)
{
	struct legal_form *f;

	f = realloc(t->forms, (t->nforms + 1) * sizeof(*t->forms));
	if (f == NULL)
		return LCN_ENOMEM;
	t->forms = f;
	f = &t->forms[t->nforms];
	f->compare = strdup(compare);
	f->generic = strdup(generic);
	if (f->compare == NULL || f->generic == NULL) {
		free(f->compare);
		free(f->generic);
		return LCN_ENOMEM;
	}
	t->nforms++;
	return 0;
}

/* Spells one scalar and, if it tokenises, adds it to m with val. */
static int
add_scalar(struct nametables *t, struct strmap *m, yaml_node_t *s,
    uint32_t val, int single)
{
	char buf[NAME_FOLD_MAX];
	size_t ntok;

	if (s == NULL || s->type != YAML_SCALAR_NODE)
		return 0;
	if (spell(t, (const char *)s->data.scalar.value, s->data.scalar.length,
	    buf, sizeof(buf), &ntok) != 0 || ntok == 0 ||
	    ntok > NAMETABLES_PHRASE_MAX || (single && ntok != 1))
		return 0;
	return map_add(m, buf, val);
}

static int
load_org_types(struct nametables *t, struct yfile *y, char *err, size_t errsz)
{
	yaml_node_t *root, *types, *ty, *al, *c, *g;
	yaml_node_item_t *it, *ai;
	char cmp[NAME_FOLD_MAX], gen[NAME_FOLD_MAX];
	size_t ntok;
	uint32_t idx;
	int r;

	root = yaml_document_get_root_node(&y->doc);
	if ((r = yshape(y, root, YAML_MAPPING_NODE, "document", err,
	    errsz)) != 0)
		return r;
	types = yget(y, root, "types");
	if ((r = yshape(y, types, YAML_SEQUENCE_NODE, "types", err,
	    errsz)) != 0)
		return r;
	for (it = types->data.sequence.items.start;
	    it < types->data.sequence.items.top; it++) {
		ty = ynode(y, *it);
		if ((r = yshape(y, ty, YAML_MAPPING_NODE, "type", err,
		    errsz)) != 0)
			return r;
		al = yget(y, ty, "aliases");
		if ((r = yshape(y, al, YAML_SEQUENCE_NODE, "aliases", err,
		    errsz)) != 0)
			return r;
		/* The compare form, else the display form, else generic. */
		gen[0] = cmp[0] = '\0';
		if ((g = yget(y, ty, "generic")) != NULL &&
		    g->type == YAML_SCALAR_NODE)
			(void)spell(t, (const char *)g->data.scalar.value,
			    g->data.scalar.length, gen, sizeof(gen), &ntok);
		if (((c = yget(y, ty, "compare")) == NULL ||
		    c->type != YAML_SCALAR_NODE) &&
		    ((c = yget(y, ty, "display")) == NULL ||
		    c->type != YAML_SCALAR_NODE))
			c = g;
		if (c == NULL || spell(t, (const char *)c->data.scalar.value,
		    c->data.scalar.length, cmp, sizeof(cmp), &ntok) != 0 ||
		    ntok == 0)
			continue;
		squash(cmp);
		squash(gen);
		idx = (uint32_t)t->nforms;
		if ((r = add_form(t, cmp, gen)) != 0)
			return r;
		/* The display and compare spellings are aliases too. */
		if ((r = add_scalar(t, &t->legal, yget(y, ty, "display"), idx,
		    0)) != 0 ||
		    (r = add_scalar(t, &t->legal, yget(y, ty, "compare"), idx,
		    0)) != 0)
			return r;
		for (ai = al->data.sequence.items.start;
		    ai < al->data.sequence.items.top; ai++)
			if ((r = add_scalar(t, &t->legal, ynode(y, *ai), idx,
			    0)) != 0)
				return r;
	}
	return 0;
}

static int
load_symbols(struct nametables *t, struct yfile *y, char *err, size_t errsz)
{
	static const struct {
		const char	*section;
		uint32_t	 class;
	} secs[] = {
		{ "org_symbols", NAMETABLES_SYM_ORG },
		{ "org_domains", NAMETABLES_SYM_DOMAIN },
		{ "person_symbols", NAMETABLES_SYM_PERSON },
		{ "person_nick", NAMETABLES_SYM_PERSON },
		{ "person_name_parts", NAMETABLES_SYM_PERSON },
	};
	yaml_node_t *root, *sec, *seq;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	uint32_t id;
	size_t i;
	int r;

	root = yaml_document_get_root_node(&y->doc);
	if ((r = yshape(y, root, YAML_MAPPING_NODE, "document", err,
	    errsz)) != 0)
		return r;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		sec = yget(y, root, secs[i].section);
		if ((r = yshape(y, sec, YAML_MAPPING_NODE, secs[i].section, err,
		    errsz)) != 0)
			return r;
		for (p = sec->data.mapping.pairs.start;
		    p < sec->data.mapping.pairs.top; p++) {
			seq = ynode(y, p->value);
			if ((r = yshape(y, seq, YAML_SEQUENCE_NODE,
			    secs[i].section, err, errsz)) != 0)
				return r;
			id = secs[i].class | ++t->ngroups;
			if (t->ngroups >= 0x00ffffffu)
				return LCN_EPROTO;
			/* The group's key is a member too ("co"). */
			if ((r = add_scalar(t, &t->symbols,
			    ynode(y, p->key), id, 1)) != 0)
				return r;
			for (it = seq->data.sequence.items.start;
			    it < seq->data.sequence.items.top; it++)
				if ((r = add_scalar(t, &t->symbols,
				    ynode(y, *it), id, 1)) != 0)
					return r;
		}
	}
	return 0;
}

static int
load_stopwords(struct nametables *t, struct yfile *y, char *err, size_t errsz)
{
	static const struct {
		const char	*section;
		uint32_t	 class;
	} secs[] = {
		{ "PERSON_NAME_PREFIXES", PREFIX_PERSON },
		{ "ORG_NAME_PREFIXES", PREFIX_ORG },
		{ "OBJ_NAME_PREFIXES", PREFIX_OBJ },
	};
	yaml_node_t *root, *seq, *s;
	yaml_node_item_t *it;
	struct ment *e;
	char buf[NAME_FOLD_MAX];
	size_t i, ntok;
	int r;

	root = yaml_document_get_root_node(&y->doc);
	if ((r = yshape(y, root, YAML_MAPPING_NODE, "document", err,
	    errsz)) != 0)
		return r;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		seq = yget(y, root, secs[i].section);
		if ((r = yshape(y, seq, YAML_SEQUENCE_NODE, secs[i].section,
		    err, errsz)) != 0)
			return r;
		for (it = seq->data.sequence.items.start;
		    it < seq->data.sequence.items.top; it++) {
			s = ynode(y, *it);
			if (s == NULL || s->type != YAML_SCALAR_NODE ||
			    spell(t, (const char *)s->data.scalar.value,
			    s->data.scalar.length, buf, sizeof(buf),
			    &ntok) != 0 || ntok == 0 ||
			    ntok > NAMETABLES_PHRASE_MAX)
				continue;
			/* Classes accumulate in one value: OR them. */
			if ((e = map_find(&t->prefix, buf)) != NULL)
				e->vals[0] |= secs[i].class;
			else if ((r = map_add(&t->prefix, buf,
			    secs[i].class)) != 0)
				return r;
		}
	}
	/* Only one-word generic names: "abu ali" is not a common word. */
	seq = yget(y, root, "GENERIC_PERSON_NAMES");
	if ((r = yshape(y, seq, YAML_SEQUENCE_NODE, "GENERIC_PERSON_NAMES",
	    err, errsz)) != 0)
		return r;
	for (it = seq->data.sequence.items.start;
	    it < seq->data.sequence.items.top; it++)
		if ((r = add_scalar(t, &t->common, ynode(y, *it), 1, 1)) != 0)
			return r;
	return 0;
}

int
nametables_load(const char *dir, struct nametables **out, char *err,
    size_t errsz)
{
	struct nametables *t;
	struct yfile y;
	UErrorCode st = U_ZERO_ERROR;
	UChar id[64];
	char path[4096];
	int r;

	*out = NULL;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (dir == NULL)
		dir = nametables_default_dir();
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return LCN_ENOMEM;
	t->nfkd = unorm2_getNFKDInstance(&st);
	u_uastrcpy(id, "Any-Latin; Latin-ASCII");
	if (U_SUCCESS(st))
		t->trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL,
		    &st);
	/*
	 * Cyrillic goes through BGN/PCGN first ("Сергей Викторович" ->
	 * "Sergey Viktorovich", as English-language lists spell it) rather
	 * than ISO 9 ("Sergej Viktorovič"). A filter at the head of a
	 * compound ID filters the whole compound, hence a second object.
	 */
	u_uastrcpy(id, "[:Cyrillic:] Russian-Latin/BGN");
	if (U_SUCCESS(st))
		t->cyr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL,
		    &st);
	if (U_FAILURE(st)) {
		seterr(err, errsz, "ICU: %s", u_errorName(st));
		nametables_free(t);
		return LCN_EINVAL;
	}

	if ((r = yfile_load(&y, dir, "org_types.yml", path, sizeof(path), err,
	    errsz)) != 0)
		goto out;
	r = load_org_types(t, &y, err, errsz);
	yfile_close(&y);
	if (r != 0)
		goto out;
	if ((r = yfile_load(&y, dir, "symbols.yml", path, sizeof(path), err,
	    errsz)) != 0)
		goto out;
	r = load_symbols(t, &y, err, errsz);
	yfile_close(&y);
	if (r != 0)
		goto out;
	if ((r = yfile_load(&y, dir, "stopwords.yml", path, sizeof(path), err,
	    errsz)) != 0)
		goto out;
	r = load_stopwords(t, &y, err, errsz);
	yfile_close(&y);
 out:
	if (r != 0) {
		if (r == LCN_ENOMEM && err != NULL && errsz > 0 &&
		    err[0] == '\0')
			seterr(err, errsz, "%s: out of memory", dir);
		nametables_free(t);
		return r;
	}
	*out = t;
	return 0;
}

void
nametables_free(struct nametables *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->trans != NULL)
		utrans_close(t->trans);
	if (t->cyr != NULL)
		utrans_close(t->cyr);
	map_free(&t->legal);
	map_free(&t->prefix);
	map_free(&t->symbols);
	map_free(&t->common);
	for (i = 0; i < t->nforms; i++) {
		free(t->forms[i].compare);
		free(t->forms[i].generic);
	}
	free(t->forms);
	free(t);
}

/* Script of a word, for the markers nametables_fold() writes. */
#define WORD_ABJAD	0x1
#define WORD_SYLLABIC	0x2
#define WORD_CYRILLIC	0x4

static int
word_script(UChar32 c)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode s = uscript_getScript(c, &st);

	if (U_FAILURE(st))
		return 0;
	switch (s) {
	case USCRIPT_ARABIC:
	case USCRIPT_HEBREW:
	case USCRIPT_SYRIAC:
	case USCRIPT_THAANA:
		return WORD_ABJAD;
	case USCRIPT_HAN:
	case USCRIPT_HANGUL:
	case USCRIPT_HIRAGANA:
	case USCRIPT_KATAKANA:
		return WORD_SYLLABIC;
	case USCRIPT_CYRILLIC:
		return WORD_CYRILLIC;
	default:
		return 0;
	}
}

/* NFKD, then drops combining marks. Returns the new length or -1. */
static int32_t
decompose(const struct nametables *t, const UChar *in, int32_t n, UChar *out,
    int32_t cap)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t len, i, j;
	UChar32 c;

	len = unorm2_normalize(t->nfkd, in, n, out, cap, &st);
	if (U_FAILURE(st) || len >= cap)
		return -1;
	for (i = j = 0; i < len; ) {
		int32_t start = i;

		U16_NEXT(out, i, len, c);
		if (u_charType(c) == U_NON_SPACING_MARK ||
		    u_charType(c) == U_ENCLOSING_MARK ||
		    u_charType(c) == U_COMBINING_SPACING_MARK)
			continue;
		while (start < i)
			out[j++] = out[start++];
	}
	return j;
}

/* Runs one transliterator over w in place: the new length, or -1. */
static int32_t
translit(UTransliterator *tr, UChar *w, int32_t n, int32_t cap)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t len = n, limit = n;

	utrans_transUChars(tr, w, &len, cap, 0, &limit, &st);
	if (U_FAILURE(st) || len >= cap)
		return -1;
	return len;
}

static int
is_ascii(const UChar *w, int32_t n)
{
	int32_t i;

	for (i = 0; i < n; i++)
		if (w[i] > 0x7f)
			return 0;
	return 1;
}

/* Characters that join a word rather than split it: apostrophes, the
 * BGN disambiguation dot, modifier letters. */
static int
is_joiner(UChar32 c)
{
	return c == '\'' || c == '`' || c == 0x2019 || c == 0x2018 ||
	    c == 0x02bc || c == 0x02bb || c == 0x02be || c == 0x02bf ||
	    c == 0x00b4 || c == 0x00b7 || c == 0x02cc || c == 0x02b9 ||
	    c == 0x02ba;
}

int
nametables_fold(const struct nametables *t, const char *utf8, size_t len,
    char *out, size_t outsz, size_t *outlen)
{
	UChar src[NAME_FOLD_MAX], fold[NAME_FOLD_MAX], word[NAME_FOLD_MAX];
	UChar dec[NAME_FOLD_MAX];
	UErrorCode st = U_ZERO_ERROR;
	int32_t n, i, ws, wn, k;
	size_t o = 0;
	UChar32 c;
	int script;
	char mark;

	*outlen = 0;
	if (outsz > 0)
		out[0] = '\0';
	if (len > NAME_INPUT_MAX)
		return LCN_EPROTO;
	u_strFromUTF8(src, NAME_FOLD_MAX, &n, utf8, (int32_t)len, &st);
	if (U_FAILURE(st) || n >= NAME_FOLD_MAX)
		return LCN_EPROTO;
	st = U_ZERO_ERROR;
	n = u_strFoldCase(fold, NAME_FOLD_MAX, src, n, U_FOLD_CASE_DEFAULT,
	    &st);
	if (U_FAILURE(st) || n >= NAME_FOLD_MAX)
		return LCN_EPROTO;

	/*
	 * Word by word, so that each keeps its script. A word that NFKD
	 * and mark stripping leave non-ASCII is transliterated from its
	 * composed form: stripping first would drop marks that are letters
	 * elsewhere (the kana voicing mark: "バ" is "ba", not "ha").
	 */
	for (i = 0; i < n; ) {
		while (i < n && u_isUWhiteSpace(fold[i]))
			i++;
		if (i >= n)
			break;
		ws = i;
		script = 0;
		while (i < n) {
			int32_t at = i;

			U16_NEXT(fold, i, n, c);
			if (u_isUWhiteSpace(c)) {
				i = at;
				break;
			}
			script |= word_script(c);
		}
		wn = i - ws;
		memcpy(word, fold + ws, wn * sizeof(UChar));
		if ((k = decompose(t, word, wn, dec, NAME_FOLD_MAX)) < 0)
			return LCN_EPROTO;
		if (!is_ascii(dec, k)) {
			if ((script & WORD_CYRILLIC) && (wn = translit(t->cyr,
			    word, wn, NAME_FOLD_MAX)) < 0)
				return LCN_EPROTO;
			if ((wn = translit(t->trans, word, wn,
			    NAME_FOLD_MAX)) < 0 ||
			    (k = decompose(t, word, wn, dec,
			    NAME_FOLD_MAX)) < 0)
				return LCN_EPROTO;
		}
		wn = k;
		mark = script & WORD_ABJAD ? NAMES_MARK_ABJAD :
		    (script & WORD_SYLLABIC ? NAMES_MARK_SYLLABIC : 0);
		if (o + 3 > outsz)
			return LCN_EPROTO;
		if (o > 0)
			out[o++] = ' ';
		if (mark != 0)
			out[o++] = mark;
		for (k = 0; k < wn; k++) {
			c = dec[k];
			if (is_joiner(c))
				c = '\'';
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (o + 3 > outsz)
				return LCN_EPROTO;
			out[o++] = c > 0x02 && c <= 0x7f ? (char)c : ' ';
			/* Transliteration may split a word ("习近平" ->
			 * "xi jin ping"): each part keeps the mark. */
			if (mark != 0 && out[o - 1] == ' ')
				out[o++] = mark;
		}
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

const char *
nametables_legal(const struct nametables *t, const char *phrase,
    const char **generic)
{
	const struct ment *e = map_find(&t->legal, phrase);

	if (e == NULL)
		return NULL;
	if (generic != NULL)
		*generic = t->forms[e->vals[0]].generic;
	return t->forms[e->vals[0]].compare;
}

int
nametables_prefix(const struct nametables *t, const char *phrase,
    enum name_kind kind)
{
	const struct ment *e = map_find(&t->prefix, phrase);
	uint32_t want;

	if (e == NULL)
		return 0;
	switch (kind) {
	case NAME_PERSON:
		want = PREFIX_PERSON;
		break;
	case NAME_ORG:
		want = PREFIX_ORG | PREFIX_OBJ;
		break;
	default:
		want = PREFIX_PERSON | PREFIX_ORG | PREFIX_OBJ;
		break;
	}
	return (e->vals[0] & want) != 0;
}

size_t
nametables_symbols(const struct nametables *t, const char *token,
    enum name_kind kind, uint32_t *ids, size_t max)
{
	const struct ment *e = map_find(&t->symbols, token);
	uint32_t want;
	size_t i, n = 0;

	if (e == NULL)
		return 0;
	switch (kind) {
	case NAME_PERSON:
		want = NAMETABLES_SYM_PERSON;
		break;
	case NAME_ORG:
		want = NAMETABLES_SYM_ORG | NAMETABLES_SYM_DOMAIN;
		break;
	default:
		want = NAMETABLES_SYM_CLASS;
		break;
	}
	for (i = 0; i < e->nvals && n < max; i++)
		if ((e->vals[i] & want) != 0)
			ids[n++] = e->vals[i];
	return n;
}

int
nametables_common(const struct nametables *t, const char *token)
{
	return map_find(&t->common, token) != NULL;
}
