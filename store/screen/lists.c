/*
 * Screening list readers (lists.h). Each format is read as a stream of
 * records; a record becomes one struct list_party in a builder whose memory
 * (an arena, arena.h) is reset between parties.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "arena.h"
#include "country.h"
#include "csv.h"
#include "lcn_err.h"
#include "lists.h"

#define CHUNK_SIZE	(64 * 1024)	/* of the builder's arena */
#define PROGRESS_STEP	(64 * 1024)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* ------------------------------------------------------------------ */
/* Text: trimmed, white space collapsed, valid UTF-8. */

static size_t
utf8_valid_len(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			cp = s[i] & 0x07;
		} else
			return i;
		if (n - i < len)
			return i;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += len;
	}
	return n;
}

struct builder;
static const char *clean(struct builder *, const char *, size_t);

/* ------------------------------------------------------------------ */
/* Party builder. */

struct builder {
	struct arena		 ar;
	struct list_party	 p;
	struct list_alias	*aliases;
	size_t			 naliases, aliases_cap;
	struct list_address	*addrs;
	size_t			 naddrs, addrs_cap;
	struct list_ident	*idents;
	size_t			 nidents, idents_cap;
	const char		*countries[LIST_COUNTRIES_MAX];
	char			 codes[LIST_COUNTRIES_MAX][3];
	size_t			 ncountries;
	struct list_denial	 denial;
	const char		*why;	/* first limit hit, or NULL */
	int			 nomem;
	size_t			 recoded;
};

/* On a zeroed builder. */
static void
builder_init(struct builder *b)
{
	arena_init(&b->ar, CHUNK_SIZE, NULL, 0);
}

static void
builder_reset(struct builder *b)
{
	arena_reset(&b->ar);
	memset(&b->p, 0, sizeof(b->p));
	memset(&b->denial, 0, sizeof(b->denial));
	b->naliases = b->naddrs = b->nidents = b->ncountries = 0;
	b->why = NULL;
}

static void
builder_free(struct builder *b)
{
	arena_free(&b->ar);
	free(b->aliases);
	free(b->addrs);
	free(b->idents);
}

/*
 * Copy s[0..n) into the arena: ASCII white space trimmed and its runs
 * collapsed to one space, invalid UTF-8 taken as Latin-1. Returns NULL for
 * an empty result (or on allocation failure, with b->nomem set).
 */
static const char *
clean(struct builder *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out, *o;
	size_t i;
	int latin1, sp = 0;

	if (s == NULL)
		return NULL;
	while (n > 0 && csv_is_space(u[0])) {
		u++;
		n--;
	}
	while (n > 0 && csv_is_space(u[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	latin1 = utf8_valid_len(u, n) != n;
	if (latin1)
		b->recoded++;
	if ((out = arena_alloc(&b->ar, latin1 ? 2 * n + 1 : n + 1)) == NULL) {
		b->nomem = 1;
		return NULL;
	}
	for (o = out, i = 0; i < n; i++) {
		if (csv_is_space(u[i])) {
			sp = 1;
			continue;
		}
		if (sp) {
			*o++ = ' ';
			sp = 0;
		}
		if (latin1 && u[i] >= 0x80) {
			*o++ = (char)(0xc0 | (u[i] >> 6));
			*o++ = (char)(0x80 | (u[i] & 0x3f));
		} else
			*o++ = (char)u[i];
	}
	*o = '\0';
	return out;
}

static const char *
cleanz(struct builder *b, const char *s)
{
	return s == NULL ? NULL : clean(b, s, strlen(s));
}

/* Join up to n strings with sep, skipping NULLs; NULL if all are. */
static const char *
join(struct builder *b, const char *sep, const char *const *v, size_t n)
{
	size_t i, len = 0, sl = strlen(sep);
	char *out, *o;

	for (i = 0; i < n; i++)
		if (v[i] != NULL)
			len += strlen(v[i]) + sl;
	if (len == 0)
		return NULL;
	if ((out = arena_alloc(&b->ar, len + 1)) == NULL) {
		b->nomem = 1;
		return NULL;
	}
	for (o = out, i = 0; i < n; i++) {
		if (v[i] == NULL)
			continue;
		if (o != out) {
			memcpy(o, sep, sl);
			o += sl;
		}
		memcpy(o, v[i], strlen(v[i]));
		o += strlen(v[i]);
	}
	*o = '\0';
	return out;
}

static int
grow(void **v, size_t *cap, size_t n, size_t size, size_t max)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	if (n >= max)
		return LCN_EPROTO;
	ncap = *cap == 0 ? 16 : *cap * 2;
	if (ncap > max)
		ncap = max;
	if ((nv = reallocarray(*v, ncap, size)) == NULL)
		return LCN_ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int
add_country(struct builder *b, const char *iso2)
{
	size_t i;

	if (iso2 == NULL || iso2[0] == '\0')
		return 0;
	for (i = 0; i < b->ncountries; i++)
		if (strcmp(b->codes[i], iso2) == 0)
			return 0;
	if (b->ncountries == LIST_COUNTRIES_MAX) {
		if (b->why == NULL)
			b->why = "more than LIST_COUNTRIES_MAX countries";
		return LCN_EPROTO;
	}
	memcpy(b->codes[b->ncountries], iso2, 3);
	b->countries[b->ncountries] = b->codes[b->ncountries];
	b->ncountries++;
	return 0;
}

static int
add_country_name(struct builder *b, const char *name)
{
	char iso[3];

	if (name == NULL || list_country_iso2(name, iso) != 0)
		return 0;
	return add_country(b, iso);
}

static int
add_alias(struct builder *b, const char *name, enum list_alias_type type,
    int weak)
{
	int r;

	if (name == NULL)
		return 0;
	if ((r = grow((void **)&b->aliases, &b->aliases_cap, b->naliases,
	    sizeof(*b->aliases), LIST_ALIASES_MAX)) != 0) {
		if (r == LCN_EPROTO && b->why == NULL)
			b->why = "more than LIST_ALIASES_MAX aliases";
		return r;
	}
	b->aliases[b->naliases].name = name;
	b->aliases[b->naliases].type = type;
	b->aliases[b->naliases].weak = weak;
	b->naliases++;
	return 0;
}

/* Both text and country_name cleaned already; either may be NULL. */
static int
add_address(struct builder *b, const char *text, const char *country_name,
    const char *iso_or_null)
{
	struct list_address *a;
	char iso[3];
	int r;

	if (text == NULL && country_name == NULL)
		return 0;
	if ((r = grow((void **)&b->addrs, &b->addrs_cap, b->naddrs,
	    sizeof(*b->addrs), LIST_ADDRESSES_MAX)) != 0) {
		if (r == LCN_EPROTO && b->why == NULL)
			b->why = "more than LIST_ADDRESSES_MAX addresses";
		return r;
	}
	a = &b->addrs[b->naddrs++];
	a->text = text;
	a->country_name = country_name;
	a->country = NULL;
	if (iso_or_null != NULL)
		memcpy(iso, iso_or_null, 3);
	else if (country_name == NULL ||
	    list_country_iso2(country_name, iso) != 0)
		return 0;
	if ((r = add_country(b, iso)) != 0)
		return r;
	a->country = cleanz(b, iso);
	return 0;
}

static int
add_ident(struct builder *b, const char *type, const char *value,
    const char *country_name)
{
	struct list_ident *id;
	char iso[3];
	int r;

	if (value == NULL)
		return 0;
	if ((r = grow((void **)&b->idents, &b->idents_cap, b->nidents,
	    sizeof(*b->idents), LIST_IDENTS_MAX)) != 0) {
		if (r == LCN_EPROTO && b->why == NULL)
			b->why = "more than LIST_IDENTS_MAX identifiers";
		return r;
	}
	id = &b->idents[b->nidents++];
	id->type = type;
	id->value = value;
	id->country = NULL;
	if (country_name != NULL && list_country_iso2(country_name, iso) == 0)
		id->country = cleanz(b, iso);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shared reading context. */

struct ctx {
	const struct list_ops	*ops;
	struct list_stats	*st;
	struct builder		 b;
	char			*err;
	size_t			 errsz;
	uint64_t		 next_progress;
};

static void
report_bad(struct ctx *x, const char *file, unsigned long line,
    const char *reason)
{
	x->st->bad_rows++;
	if (x->st->first_bad[0] == '\0')
		snprintf(x->st->first_bad, sizeof(x->st->first_bad),
		    "%s:%lu: %s", file, line, reason);
	if (x->ops->bad_row != NULL)
		x->ops->bad_row(file, line, reason, x->ops->arg);
}

static void
progress(struct ctx *x, uint64_t done, int last)
{
	x->st->bytes_read = done;
	if (x->ops->progress == NULL)
		return;
	if (last || done >= x->next_progress) {
		x->ops->progress(done, x->st->bytes_total, x->ops->arg);
		x->next_progress = done + PROGRESS_STEP;
	}
}

static void
seterr(struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->err == NULL || x->errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errsz, fmt, ap);
	va_end(ap);
}

/*
 * Hand the built party to the caller, or count it as bad if a limit was
 * hit or it has no name. Returns 0, LCN_ENOMEM or the callback's value.
 */
static int
emit(struct ctx *x, const char *file, unsigned long line)
{
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	int r;

	if (b->nomem) {
		seterr(x, "%s:%lu: out of memory", file, line);
		return LCN_ENOMEM;
	}
	if (b->why != NULL) {
		report_bad(x, file, line, b->why);
		return 0;
	}
	if (p->name == NULL) {
		report_bad(x, file, line, "no name");
		return 0;
	}
	if (p->ref == NULL) {
		report_bad(x, file, line, "no reference");
		return 0;
	}
	p->line = line;
	p->aliases = b->aliases;
	p->naliases = b->naliases;
	p->addresses = b->addrs;
	p->naddresses = b->naddrs;
	p->idents = b->idents;
	p->nidents = b->nidents;
	p->countries = b->countries;
	p->ncountries = b->ncountries;
	p->country = b->ncountries > 0 ? b->countries[0] : NULL;
	x->st->parties++;
	x->st->aliases += b->naliases;
	x->st->addresses += b->naddrs;
	if ((r = x->ops->party(p, x->ops->arg)) != 0)
		seterr(x, "%s:%lu: import stopped by the caller (%d)", file,
		    line, r);
	return r;
}

/* FNV-1a over fields, for rows that carry no id of their own. */
static const char *
row_ref(struct builder *b, const char *prefix, const char *const *v,
    size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *s;
	char buf[48];
	size_t i;

	for (i = 0; i < n; i++) {
		for (s = (const unsigned char *)(v[i] ? v[i] : ""); *s; s++) {
			h ^= *s;
			h *= 0x100000001b3ULL;
		}
		h ^= 0x1f;
		h *= 0x100000001b3ULL;
	}
	snprintf(buf, sizeof(buf), "%s:%016llx", prefix,
	    (unsigned long long)h);
	return cleanz(b, buf);
}

static const char *
fld(struct builder *b, const struct csv *c, int i)
{
	const char *f = csv_field(c, i);

	return f == NULL ? NULL : clean(b, f, c->flen[i]);
}

/* OFAC's "-0-" (often "-0- ") is an empty field. */
static const char *
ofld(struct builder *b, const struct csv *c, int i)
{
	const char *s = fld(b, c, i);

	return s != NULL && strcmp(s, "-0-") == 0 ? NULL : s;
}

/*
 * Open a CSV or TSV, read its header and map the columns. Columns whose
 * name starts with '*' are required. Returns 0, LCN_EIO or LCN_EPROTO.
 */
static int
open_with_header(struct ctx *x, struct csv *c, const char *path, char delim,
    const char *const *cols, int *idx, size_t ncols)
{
	const char *names[LIST_FIELDS_MAX], *why;
	struct stat sb;
	size_t i;
	int r;

	if ((r = csv_open(c, path, delim, x->err, x->errsz)) != 0)
		return r;
	if (fstat(c->fd, &sb) == 0)
		x->st->bytes_total = (uint64_t)sb.st_size;
	r = csv_next(c, &why);
	if (r == 0) {
		seterr(x, "%s: empty file", path);
		return LCN_EPROTO;
	}
	if (r == LCN_EIO) {
		seterr(x, "%s: %s", path, strerror(c->rerr));
		return r;
	}
	if (r < 0) {
		seterr(x, "%s:%lu: bad header: %s", path, c->rec_line, why);
		return LCN_EPROTO;
	}
	for (i = 0; i < ncols; i++)
		names[i] = cols[i][0] == '*' ? cols[i] + 1 : cols[i];
	csv_header(c, names, ncols, idx);
	for (i = 0; i < ncols; i++) {
		if (cols[i][0] == '*' && idx[i] == -1) {
			seterr(x, "%s:%lu: header has no column \"%s\"", path,
			    c->rec_line, names[i]);
			return LCN_EPROTO;
		}
	}
	return 0;
}

/*
 * Read each data record of c, check its field count against the header's
 * and call fn to build and emit it.
 */
static int
each_row(struct ctx *x, struct csv *c, size_t nf, int need_rows,
    int (*fn)(struct ctx *, struct csv *, void *), void *arg)
{
	const char *why;
	char reason[96];
	int r;

	for (;;) {
		r = csv_next(c, &why);
		progress(x, c->bytes, 0);
		if (r == 0)
			break;
		if (r == LCN_EIO) {
			seterr(x, "%s: %s", c->path, strerror(c->rerr));
			return r;
		}
		x->st->rows++;
		if (r < 0) {
			report_bad(x, c->path, c->rec_line, why);
			continue;
		}
		if (c->nf != nf) {
			snprintf(reason, sizeof(reason), "%zu fields, "
			    "expected %zu", c->nf, nf);
			report_bad(x, c->path, c->rec_line, reason);
			continue;
		}
		builder_reset(&x->b);
		if ((r = fn(x, c, arg)) != 0)
			return r;
	}
	progress(x, c->bytes, 1);
	if (x->st->parties == 0 && x->st->bad_rows > 0) {
		seterr(x, "%s: no record could be read (first: %s)", c->path,
		    x->st->first_bad);
		return LCN_EPROTO;
	}
	/* Without a header, only records can show this is the format. */
	if (x->st->rows == 0 && need_rows) {
		seterr(x, "%s: no records", c->path);
		return LCN_EPROTO;
	}
	return 0;
}

/* Split s on sep, cleaning each piece; calls fn for non-empty pieces. */
static int
split(struct builder *b, const char *s, const char *sep,
    int (*fn)(struct builder *, const char *, void *), void *arg)
{
	const char *e, *piece;
	size_t sl = strlen(sep);
	int r;

	while (s != NULL && *s != '\0') {
		e = strstr(s, sep);
		piece = clean(b, s, e ? (size_t)(e - s) : strlen(s));
		if (piece != NULL && (r = fn(b, piece, arg)) != 0)
			return r;
		s = e ? e + sl : NULL;
	}
	return 0;
}

/* Dates "MM/DD/YYYY" become "YYYY-MM-DD"; others are kept as written. */
static const char *
us_date(struct builder *b, const char *s)
{
	char buf[16];
	unsigned m, d, y;
	char tail;

	if (s == NULL || sscanf(s, "%u/%u/%u%c", &m, &d, &y, &tail) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999)
		return s;
	snprintf(buf, sizeof(buf), "%04u-%02u-%02u", y, m, d);
	return cleanz(b, buf);
}

/* ------------------------------------------------------------------ */
/* OFAC SDN: sdn.csv, with alt.csv and add.csv joined by ent_num. */

enum { SDN_ENT, SDN_NAME, SDN_TYPE, SDN_PROGRAM, SDN_TITLE, SDN_CALL_SIGN,
	SDN_VESSEL_TYPE, SDN_TONNAGE, SDN_GRT, SDN_VESSEL_FLAG,
	SDN_VESSEL_OWNER, SDN_REMARKS, SDN_NF };
enum { ALT_ENT, ALT_NUM, ALT_TYPE, ALT_NAME, ALT_REMARKS, ALT_NF };
enum { ADD_ENT, ADD_NUM, ADD_ADDRESS, ADD_CITY, ADD_COUNTRY, ADD_REMARKS,
	ADD_NF };

struct aux {
	long		 ent;
	size_t		 seq;		/* file order */
	const char	*a, *b, *c;	/* alt: type, name; add: address,
					   city, country */
	int		 used;
};

struct auxfile {
	struct aux	*v;
	size_t		 n, cap;
	struct builder	 mem;		/* strings, for the whole read */
};

static int
parse_ent(const char *s, long *ent)
{
	char *end;
	long v;

	if (s == NULL)
		return LCN_EPROTO;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return LCN_EPROTO;
	*ent = v;
	return 0;
}

static int
aux_cmp(const void *a, const void *b)
{
	const struct aux *x = a, *y = b;

	if (x->ent != y->ent)
		return x->ent < y->ent ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Read alt.csv or add.csv whole. A missing file is fine (returns 0 with
 * nothing read); one that cannot be read is an error.
 */
static int
aux_load(struct ctx *x, const char *path, int isalt, struct auxfile *af)
{
	struct csv c;
	struct aux *a;
	const char *why;
	char reason[96];
	size_t nf = isalt ? ALT_NF : ADD_NF;
	int r;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if ((r = csv_open(&c, path, ',', x->err, x->errsz)) != 0)
		goto out;
	x->st->aux_files++;
	for (;;) {
		if ((r = csv_next(&c, &why)) == 0)
			break;
		if (r == LCN_EIO) {
			seterr(x, "%s: %s", path, strerror(c.rerr));
			goto out;
		}
		if (r < 0) {
			report_bad(x, path, c.rec_line, why);
			continue;
		}
		if (c.nf != nf) {
			snprintf(reason, sizeof(reason), "%zu fields, "
			    "expected %zu", c.nf, nf);
			report_bad(x, path, c.rec_line, reason);
			continue;
		}
		if ((r = grow((void **)&af->v, &af->cap, af->n, sizeof(*a),
		    SIZE_MAX / sizeof(*a))) != 0) {
			seterr(x, "%s: out of memory", path);
			goto out;
		}
		a = &af->v[af->n];
		memset(a, 0, sizeof(*a));
		if (parse_ent(ofld(&af->mem, &c, 0), &a->ent) != 0) {
			report_bad(x, path, c.rec_line, "bad ent_num");
			continue;
		}
		a->seq = af->n;
		if (isalt) {
			a->a = ofld(&af->mem, &c, ALT_TYPE);
			a->b = ofld(&af->mem, &c, ALT_NAME);
			if (a->b == NULL) {
				report_bad(x, path, c.rec_line, "no alt_name");
				continue;
			}
		} else {
			a->a = ofld(&af->mem, &c, ADD_ADDRESS);
			a->b = ofld(&af->mem, &c, ADD_CITY);
			a->c = ofld(&af->mem, &c, ADD_COUNTRY);
		}
		if (af->mem.nomem) {
			seterr(x, "%s: out of memory", path);
			r = LCN_ENOMEM;
			goto out;
		}
		af->n++;
	}
	qsort(af->v, af->n, sizeof(*af->v), aux_cmp);
	r = 0;
 out:
	csv_close(&c);
	return r;
}

static struct aux *
aux_first(struct auxfile *af, long ent)
{
	size_t lo = 0, hi = af->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (af->v[mid].ent < ent)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < af->n && af->v[lo].ent == ent ? &af->v[lo] : NULL;
}

/*
 * Identifier labels in OFAC remarks ("Passport 1084010 (Egypt)"). Longer
 * labels that start with a shorter one come first.
 */
static const char *const ofac_id_labels[] = {
	"Aircraft Manufacturer's Serial Number (MSN)",
	"Aircraft Tail Number",
	"BIK (RU)",
	"Business Registration Document #",
	"Business Registration Number",
	"C.R. No.",
	"C.U.R.P.",
	"Cedula No.",
	"Chamber of Commerce Number",
	"Commercial Registry Number",
	"Company Number",
	"Credencial electoral",
	"D.N.I.",
	"Diplomatic Passport",
	"Driver's License No.",
	"Electoral Registry No.",
	"Folio Mercantil No.",
	"Government Gazette Number",
	"I.F.E.",
	"Identification Number",
	"Italian Fiscal Code",
	"Legal Entity Number",
	"MMSI",
	"Matricula Mercantil No",
	"National Foreign ID Number",
	"National ID No.",
	"NIT #",
	"Passport",
	"Personal ID Card",
	"Public Registration Number",
	"R.F.C.",
	"RFC",
	"RUC #",
	"Registration ID",
	"Registration Number",
	"Residency Number",
	"SSN",
	"SWIFT/BIC",
	"Tax ID No.",
	"Trade License No.",
	"UK Company Number",
	"US FEIN",
	"V.A.T. Number",
	"Vessel Registration Identification",
};

static int
ofac_remark(struct builder *b, const char *part, void *arg)
{
	const char *label = NULL, *v, *paren, *country = NULL;
	size_t i, l, best = 0;

	(void)arg;
	if (strncmp(part, "alt. ", 5) == 0)
		part += 5;
	if (strncasecmp(part, "nationality ", 12) == 0)
		return add_country_name(b, part + 12);
	if (strncasecmp(part, "citizen ", 8) == 0)
		return add_country_name(b, part + 8);
	for (i = 0; i < sizeof(ofac_id_labels) / sizeof(*ofac_id_labels);
	    i++) {
		l = strlen(ofac_id_labels[i]);
		if (l > best && strncmp(part, ofac_id_labels[i], l) == 0 &&
		    part[l] == ' ') {
			label = ofac_id_labels[i];
			best = l;
		}
	}
	if (label == NULL)
		return 0;
	v = part + best + 1;
	if (strpbrk(v, "0123456789") == NULL)
		return 0;
	l = strlen(v);
	if ((paren = strstr(v, " (")) != NULL) {
		l = (size_t)(paren - v);
		country = clean(b, paren + 2, strcspn(paren + 2, ")"));
	}
	return add_ident(b, label, clean(b, v, l), country);
}

struct ofac {
	struct auxfile	 alt, add;
	const char	*source;
};

static int
ofac_row(struct ctx *x, struct csv *c, void *arg)
{
	struct ofac *o = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	struct aux *a;
	const char *type, *remarks, *v[2];
	long ent;

	p->source = o->source;
	p->ref = ofld(b, c, SDN_ENT);
	if (parse_ent(p->ref, &ent) != 0) {
		report_bad(x, c->path, c->rec_line, "bad ent_num");
		return 0;
	}
	p->name = ofld(b, c, SDN_NAME);
	type = ofld(b, c, SDN_TYPE);
	if (type == NULL)
		p->kind = LIST_KIND_ENTITY;
	else if (strcasecmp(type, "individual") == 0)
		p->kind = LIST_KIND_PERSON;
	else if (strcasecmp(type, "vessel") == 0)
		p->kind = LIST_KIND_VESSEL;
	else if (strcasecmp(type, "aircraft") == 0)
		p->kind = LIST_KIND_AIRCRAFT;
	else
		p->kind = LIST_KIND_UNKNOWN;
	/* Programs come as "SDGT] [IFSR". */
	if ((p->programs = ofld(b, c, SDN_PROGRAM)) != NULL) {
		char *s = (char *)p->programs, *d = s;

		for (; *s; s++) {
			if (s[0] == ']' && s[1] == ' ' && s[2] == '[') {
				*d++ = ';';
				*d++ = ' ';
				s += 2;
			} else if (*s != '[' && *s != ']')
				*d++ = *s;
		}
		*d = '\0';
	}
	remarks = ofld(b, c, SDN_REMARKS);
	p->remarks = remarks;
	if (remarks != NULL) {
		/* Drop the final full stop so the last part parses too. */
		size_t l = strlen(remarks);
		const char *r2 = l > 1 && remarks[l - 1] == '.' ?
		    clean(b, remarks, l - 1) : remarks;

		if (split(b, r2, "; ", ofac_remark, NULL) == LCN_ENOMEM)
			b->nomem = 1;
	}
	if ((v[0] = ofld(b, c, SDN_CALL_SIGN)) != NULL)
		add_ident(b, "Call Sign", v[0], NULL);
	for (a = aux_first(&o->alt, ent); a != NULL &&
	    a < o->alt.v + o->alt.n && a->ent == ent; a++) {
		enum list_alias_type t = LIST_AKA;

		if (a->a != NULL && strcasecmp(a->a, "fka") == 0)
			t = LIST_FKA;
		else if (a->a != NULL && strcasecmp(a->a, "nka") == 0)
			t = LIST_NKA;
		a->used = 1;
		if (add_alias(b, a->b, t, 0) == LCN_ENOMEM)
			b->nomem = 1;
	}
	for (a = aux_first(&o->add, ent); a != NULL &&
	    a < o->add.v + o->add.n && a->ent == ent; a++) {
		a->used = 1;
		v[0] = a->a;
		v[1] = a->b;
		if (add_address(b, join(b, ", ", v, 2), a->c, NULL) ==
		    LCN_ENOMEM)
			b->nomem = 1;
	}
	return emit(x, c->path, c->rec_line);
}

static size_t
aux_orphans(const struct auxfile *af)
{
	size_t i, n = 0;

	for (i = 0; i < af->n; i++)
		if (!af->v[i].used)
			n++;
	return n;
}

/* "dir/sdn.csv" -> "dir/alt.csv"; "dir/cons_prim.csv" -> "dir/cons_alt.csv". */
static int
aux_path(const char *path, const char *what, char *out, size_t outsz)
{
	const char *base = strrchr(path, '/'), *m;
	size_t dirlen;
	int n;

	base = base ? base + 1 : path;
	dirlen = (size_t)(base - path);
	if ((m = strstr(base, "prim")) != NULL || (m = strstr(base, "sdn")) !=
	    NULL || (m = strstr(base, "SDN")) != NULL)
		n = snprintf(out, outsz, "%.*s%s%s", (int)(m - path), path,
		    what, m + (strncmp(m, "prim", 4) == 0 ? 4 : 3));
	else
		n = snprintf(out, outsz, "%.*s%s.csv", (int)dirlen, path, what);
	return n < 0 || (size_t)n >= outsz ? LCN_EINVAL : 0;
}

static int
read_ofac(struct ctx *x, const char *path)
{
	struct ofac o;
	struct csv c;
	struct stat sb;
	char alt[4096], add[4096];
	const char *base;
	int r;

	memset(&o, 0, sizeof(o));
	builder_init(&o.alt.mem);
	builder_init(&o.add.mem);
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	o.source = strstr(base, "cons") ? "OFAC Consolidated" : "OFAC SDN";
	if (aux_path(path, "alt", alt, sizeof(alt)) != 0 ||
	    aux_path(path, "add", add, sizeof(add)) != 0) {
		seterr(x, "%s: path too long", path);
		r = LCN_EINVAL;
		goto out;
	}
	if ((r = csv_open(&c, path, ',', x->err, x->errsz)) != 0)
		goto out;
	if (fstat(c.fd, &sb) == 0)
		x->st->bytes_total = (uint64_t)sb.st_size;
	if ((r = aux_load(x, alt, 1, &o.alt)) != 0 ||
	    (r = aux_load(x, add, 0, &o.add)) != 0)
		goto out;
	x->b.recoded += o.alt.mem.recoded + o.add.mem.recoded;
	if ((r = each_row(x, &c, SDN_NF, 1, ofac_row, &o)) != 0)
		goto out;
	x->st->orphans = aux_orphans(&o.alt) + aux_orphans(&o.add);
 out:
	csv_close(&c);
	free(o.alt.v);
	free(o.add.v);
	builder_free(&o.alt.mem);
	builder_free(&o.add.mem);
	return r;
}

/* ------------------------------------------------------------------ */
/* BIS Denied Persons List, tab-separated with a header. */

enum { DPL_NAME, DPL_STREET, DPL_CITY, DPL_STATE, DPL_COUNTRY, DPL_POSTAL,
	DPL_EFFECTIVE, DPL_EXPIRATION, DPL_STANDARD_ORDER, DPL_LAST_UPDATE,
	DPL_ACTION, DPL_FR, DPL_NCOLS };

static const char *const dpl_cols[DPL_NCOLS] = {
	"*Name", "Street_Address", "City", "State", "Country", "Postal_Code",
	"Effective_Date", "Expiration_Date", "Standard_Order", "Last_Update",
	"Action", "FR_Citation",
};

struct hdr {
	int	 idx[LIST_FIELDS_MAX];
	size_t	 nf;
};

static int
dpl_row(struct ctx *x, struct csv *c, void *arg)
{
	struct hdr *h = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	const char *v[DPL_NCOLS], *addr[4];
	int i, r;

	for (i = 0; i < DPL_NCOLS; i++)
		v[i] = fld(b, c, h->idx[i]);
	p->source = "BIS DPL";
	p->name = v[DPL_NAME];
	p->kind = LIST_KIND_UNKNOWN;
	addr[0] = v[DPL_STREET];
	addr[1] = v[DPL_CITY];
	addr[2] = v[DPL_STATE];
	addr[3] = v[DPL_POSTAL];
	if ((r = add_address(b, join(b, ", ", addr, 4), v[DPL_COUNTRY],
	    NULL)) == LCN_ENOMEM)
		b->nomem = 1;
	p->start_date = us_date(b, v[DPL_EFFECTIVE]);
	p->end_date = us_date(b, v[DPL_EXPIRATION]);
	p->legal_basis = v[DPL_FR];
	p->remarks = v[DPL_ACTION];
	/*
	 * The whole row: a ref names the row, not the person, who may have
	 * several rows. A row repeated byte for byte (dpl.txt has 2) is
	 * delivered twice with the same ref.
	 */
	p->ref = row_ref(b, "dpl", v, DPL_NCOLS);
	return emit(x, c->path, c->rec_line);
}

static int
read_dpl(struct ctx *x, const char *path)
{
	struct hdr h;
	struct csv c;
	int r;

	if ((r = open_with_header(x, &c, path, '\t', dpl_cols, h.idx,
	    DPL_NCOLS)) == 0) {
		h.nf = c.nf;
		r = each_row(x, &c, c.nf, 0, dpl_row, &h);
	}
	csv_close(&c);
	return r;
}

/* ------------------------------------------------------------------ */
/* trade.gov Consolidated Screening List CSV. */

enum { CSL_SOURCE, CSL_ENTITY_NUMBER, CSL_TYPE, CSL_PROGRAMS, CSL_NAME,
	CSL_ADDRESSES, CSL_FR, CSL_START, CSL_END, CSL_CALL_SIGN, CSL_REMARKS,
	CSL_ALT_NAMES, CSL_CITIZENSHIPS, CSL_NATIONALITIES, CSL_IDS,
	CSL_NCOLS };

static const char *const csl_cols[CSL_NCOLS] = {
	"*source", "entity_number", "type", "programs", "*name", "addresses",
	"federal_register_notice", "start_date", "end_date", "call_sign",
	"remarks", "alt_names", "citizenships", "nationalities", "ids",
};

static int
csl_alias(struct builder *b, const char *name, void *arg)
{
	(void)arg;
	return add_alias(b, name, LIST_AKA, 0);
}

static int
csl_country(struct builder *b, const char *name, void *arg)
{
	(void)arg;
	return add_country_name(b, name);
}

static int
is_iso_code(const char *s)
{
	char iso[3];

	return s != NULL && strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]) && list_country_iso2(s, iso) == 0;
}

/* "street, city, postal, CC" or just "CC". */
static int
csl_address(struct builder *b, const char *a, void *arg)
{
	const char *comma = strrchr(a, ','), *cc;

	(void)arg;
	cc = comma ? cleanz(b, comma + 1) : a;
	if (!is_iso_code(cc))
		return add_address(b, a, NULL, NULL);
	return add_address(b, comma ? clean(b, a, (size_t)(comma - a)) : NULL,
	    cc, cc);
}

/* "CC, number, type", "number, type" or "IMO 123, Vessel ...". */
static int
csl_ident(struct builder *b, const char *s, void *arg)
{
	const char *first, *last, *cc = NULL, *value, *type;

	(void)arg;
	first = strchr(s, ',');
	last = strrchr(s, ',');
	if (first == NULL)
		return 0;
	type = cleanz(b, last + 1);
	/* "Subject to Secondary Sanctions, ... -" is a note, not an id. */
	if (type == NULL || type[strlen(type) - 1] == '-' ||
	    type[strlen(type) - 1] == ':')
		return 0;
	if (first != last) {
		cc = clean(b, s, (size_t)(first - s));
		if (is_iso_code(cc))
			s = first + 1;
		else
			cc = NULL;
	}
	value = clean(b, s, (size_t)(last - s));
	/* "Panama, Former Vessel Flag" is no identifier either. */
	if (value == NULL || (strpbrk(value, "0123456789") == NULL &&
	    strncasecmp(type, "Website", 7) != 0 &&
	    strncasecmp(type, "Email", 5) != 0))
		return 0;
	return add_ident(b, type, value, cc);
}

static int
csl_row(struct ctx *x, struct csv *c, void *arg)
{
	struct hdr *h = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	const char *v[CSL_NCOLS], *t;
	int i, r = 0;

	for (i = 0; i < CSL_NCOLS; i++)
		v[i] = fld(b, c, h->idx[i]);
	p->source = "CSL";
	p->list = v[CSL_SOURCE];
	p->name = v[CSL_NAME];
	t = v[CSL_TYPE];
	if (t == NULL)
		p->kind = LIST_KIND_UNKNOWN;
	else if (strcasecmp(t, "Individual") == 0)
		p->kind = LIST_KIND_PERSON;
	else if (strcasecmp(t, "Entity") == 0)
		p->kind = LIST_KIND_ENTITY;
	else if (strcasecmp(t, "Vessel") == 0)
		p->kind = LIST_KIND_VESSEL;
	else if (strcasecmp(t, "Aircraft") == 0)
		p->kind = LIST_KIND_AIRCRAFT;
	p->programs = v[CSL_PROGRAMS];
	p->remarks = v[CSL_REMARKS];
	p->legal_basis = v[CSL_FR];
	p->start_date = v[CSL_START];
	p->end_date = v[CSL_END];
	if (r == 0)
		r = split(b, v[CSL_CITIZENSHIPS], ";", csl_country, NULL);
	if (r == 0)
		r = split(b, v[CSL_NATIONALITIES], ";", csl_country, NULL);
	if (r == 0)
		r = split(b, v[CSL_ADDRESSES], "; ", csl_address, NULL);
	if (r == 0)
		r = split(b, v[CSL_ALT_NAMES], "; ", csl_alias, NULL);
	if (r == 0)
		r = split(b, v[CSL_IDS], "; ", csl_ident, NULL);
	if (r == 0 && v[CSL_CALL_SIGN] != NULL)
		r = add_ident(b, "Call Sign", v[CSL_CALL_SIGN], NULL);
	if (r == LCN_ENOMEM)
		b->nomem = 1;
	if (v[CSL_ENTITY_NUMBER] != NULL)
		p->ref = v[CSL_ENTITY_NUMBER];
	else {
		const char *k[4] = { v[CSL_SOURCE], v[CSL_NAME],
		    v[CSL_ADDRESSES], v[CSL_FR] };

		p->ref = row_ref(b, "csl", k, 4);
	}
	return emit(x, c->path, c->rec_line);
}

static int
read_csl(struct ctx *x, const char *path)
{
	struct hdr h;
	struct csv c;
	int r;

	if ((r = open_with_header(x, &c, path, ',', csl_cols, h.idx,
	    CSL_NCOLS)) == 0)
		r = each_row(x, &c, c.nf, 0, csl_row, &h);
	csv_close(&c);
	return r;
}

/* ------------------------------------------------------------------ */
/* UK LITE partner denials (denial_valid.csv layout). */

enum { LITE_REFERENCE, LITE_REGIME_REF, LITE_GOVERNMENT, LITE_CODES,
	LITE_DESCRIPTION, LITE_END_USE, LITE_REASON, LITE_NAME, LITE_ADDRESS,
	LITE_COUNTRY, LITE_CONSIGNEE_NAME, LITE_SPIRE_ID, LITE_END_USER_FLAG,
	LITE_CONSIGNEE_FLAG, LITE_OTHER_ROLE, LITE_NCOLS };

static const char *const lite_cols[LITE_NCOLS] = {
	"*reference", "regime_reg_ref", "notifying_government",
	"item_list_codes", "item_description", "end_use",
	"reason_for_refusal", "*name", "address", "country",
	"consignee_name", "spire_entity_id", "end_user_flag",
	"consignee_flag", "other_role",
};

/* Returns 0 or 1, or -1 when s is not a boolean. Empty is false. */
static int
parse_flag(const char *s)
{
	static const char *const t[] = { "true", "t", "yes", "y", "1" };
	static const char *const f[] = { "false", "f", "no", "n", "0" };
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		if (strcasecmp(s, t[i]) == 0)
			return 1;
		if (strcasecmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

static int
lite_row(struct ctx *x, struct csv *c, void *arg)
{
	struct hdr *h = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	struct list_denial *d = &b->denial;
	const char *v[LITE_NCOLS];
	int i;

	for (i = 0; i < LITE_NCOLS; i++)
		v[i] = fld(b, c, h->idx[i]);
	p->source = "LITE";
	p->ref = v[LITE_REFERENCE];
	p->name = v[LITE_NAME];
	p->kind = LIST_KIND_UNKNOWN;
	p->list = v[LITE_GOVERNMENT];
	if (add_address(b, v[LITE_ADDRESS], v[LITE_COUNTRY], NULL) ==
	    LCN_ENOMEM)
		b->nomem = 1;
	d->reference = v[LITE_REFERENCE];
	d->regime_ref = v[LITE_REGIME_REF];
	d->notifying_government = v[LITE_GOVERNMENT];
	d->item_list_codes = v[LITE_CODES];
	d->catch_all = v[LITE_CODES] != NULL &&
	    strcasecmp(v[LITE_CODES], "catch all") == 0;
	d->item_description = v[LITE_DESCRIPTION];
	d->end_use = v[LITE_END_USE];
	d->reason = v[LITE_REASON];
	d->consignee_name = v[LITE_CONSIGNEE_NAME];
	d->spire_entity_id = v[LITE_SPIRE_ID];
	d->other_role = v[LITE_OTHER_ROLE];
	if ((d->end_user = parse_flag(v[LITE_END_USER_FLAG])) == -1 ||
	    (d->consignee = parse_flag(v[LITE_CONSIGNEE_FLAG])) == -1) {
		report_bad(x, c->path, c->rec_line,
		    "end_user_flag or consignee_flag is not TRUE or FALSE");
		return 0;
	}
	p->denial = d;
	return emit(x, c->path, c->rec_line);
}

static int
read_lite(struct ctx *x, const char *path)
{
	struct hdr h;
	struct csv c;
	int r;

	if ((r = open_with_header(x, &c, path, ',', lite_cols, h.idx,
	    LITE_NCOLS)) == 0)
		r = each_row(x, &c, c.nf, 0, lite_row, &h);
	csv_close(&c);
	return r;
}

/* ------------------------------------------------------------------ */
/* UN Security Council consolidated list (XML), streamed one party at a
 * time: the reader expands each INDIVIDUAL or ENTITY into a small tree,
 * which is walked and then released by xmlTextReaderNext. */

struct xerr {
	char	msg[LIST_ERR_MAX];
	int	line;
};

static void
xml_error(void *arg, xmlErrorPtr e)
{
	struct xerr *xe = arg;
	size_t l;

	if (xe->msg[0] != '\0' || e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(xe->msg, sizeof(xe->msg), "%s", e->message ? e->message :
	    "XML error");
	l = strlen(xe->msg);
	while (l > 0 && csv_is_space((unsigned char)xe->msg[l - 1]))
		xe->msg[--l] = '\0';
	xe->line = e->line;
}

static int
xname(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The cleaned text of n, or NULL. */
static const char *
xtext(struct builder *b, const xmlNode *n)
{
	xmlChar *s;
	const char *r;

	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return NULL;
	r = cleanz(b, (const char *)s);
	xmlFree(s);
	return r;
}

static const xmlNode *
xchild(const xmlNode *n, const char *name)
{
	for (n = n->children; n != NULL; n = n->next)
		if (xname(n, name))
			return n;
	return NULL;
}

static const char *
xchild_text(struct builder *b, const xmlNode *n, const char *name)
{
	return xtext(b, xchild(n, name));
}

static int
un_party(struct ctx *x, const char *path, const xmlNode *e, int person)
{
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	const xmlNode *n, *k;
	const char *names[4], *v[4], *q, *dataid = NULL;
	int r = 0;

	builder_reset(b);
	p->source = "UN";
	p->kind = person ? LIST_KIND_PERSON : LIST_KIND_ENTITY;
	memset(names, 0, sizeof(names));
	for (n = e->children; n != NULL && r != LCN_ENOMEM; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xname(n, "DATAID"))
			dataid = xtext(b, n);
		else if (xname(n, "FIRST_NAME"))
			names[0] = xtext(b, n);
		else if (xname(n, "SECOND_NAME"))
			names[1] = xtext(b, n);
		else if (xname(n, "THIRD_NAME"))
			names[2] = xtext(b, n);
		else if (xname(n, "FOURTH_NAME"))
			names[3] = xtext(b, n);
		else if (xname(n, "NAME_ORIGINAL_SCRIPT"))
			p->name_local = xtext(b, n);
		else if (xname(n, "UN_LIST_TYPE"))
			p->list = p->programs = xtext(b, n);
		else if (xname(n, "REFERENCE_NUMBER"))
			p->ref = xtext(b, n);
		else if (xname(n, "LISTED_ON"))
			p->start_date = xtext(b, n);
		else if (xname(n, "COMMENTS1"))
			p->remarks = xtext(b, n);
		else if (xname(n, "NATIONALITY")) {
			for (k = n->children; k != NULL; k = k->next)
				if (xname(k, "VALUE"))
					r = add_country_name(b, xtext(b, k));
		} else if (xname(n, "INDIVIDUAL_ALIAS") ||
		    xname(n, "ENTITY_ALIAS")) {
			enum list_alias_type t = LIST_AKA;

			q = xchild_text(b, n, "QUALITY");
			if (q != NULL && strcasecmp(q, "f.k.a.") == 0)
				t = LIST_FKA;
			else if (q != NULL && strcasecmp(q, "n.k.a.") == 0)
				t = LIST_NKA;
			r = add_alias(b, xchild_text(b, n, "ALIAS_NAME"), t,
			    q != NULL && strcasecmp(q, "Low") == 0);
		} else if (xname(n, "INDIVIDUAL_ADDRESS") ||
		    xname(n, "ENTITY_ADDRESS")) {
			v[0] = xchild_text(b, n, "STREET");
			v[1] = xchild_text(b, n, "CITY");
			v[2] = xchild_text(b, n, "STATE_PROVINCE");
			v[3] = xchild_text(b, n, "ZIP_CODE");
			/* NOTE ("as of early 2016") is not part of it. */
			r = add_address(b, join(b, ", ", v, 4),
			    xchild_text(b, n, "COUNTRY"), NULL);
		} else if (xname(n, "INDIVIDUAL_DOCUMENT")) {
			q = xchild_text(b, n, "ISSUING_COUNTRY");
			if (q == NULL)
				q = xchild_text(b, n, "COUNTRY_OF_ISSUE");
			r = add_ident(b, xchild_text(b, n, "TYPE_OF_DOCUMENT"),
			    xchild_text(b, n, "NUMBER"), q);
		}
	}
	if (r == LCN_ENOMEM)
		b->nomem = 1;
	p->name = join(b, " ", names, 4);
	if (p->ref == NULL)
		p->ref = dataid;
	return emit(x, path, (unsigned long)xmlGetLineNo(e));
}

static int
read_un(struct ctx *x, const char *path)
{
	xmlTextReaderPtr rd = NULL;
	struct xerr xe;
	struct stat sb;
	const xmlChar *nm;
	xmlNode *e;
	int r = 0, rv, depth, seen_root = 0, fd;

	memset(&xe, 0, sizeof(xe));
	/* Open it ourselves first, for an errno that names the problem. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		seterr(x, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return LCN_EIO;
	}
	x->st->bytes_total = (uint64_t)sb.st_size;
	/* No network, no entity expansion, no DTD loading. */
	rd = xmlReaderForFd(fd, path, NULL, XML_PARSE_NONET);
	if (rd == NULL) {
		close(fd);
		seterr(x, "%s: cannot start the XML reader", path);
		return LCN_ENOMEM;
	}
	xmlTextReaderSetStructuredErrorHandler(rd, xml_error, &xe);
	rv = xmlTextReaderRead(rd);
	while (rv == 1) {
		if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT) {
			rv = xmlTextReaderRead(rd);
			continue;
		}
		nm = xmlTextReaderConstLocalName(rd);
		depth = xmlTextReaderDepth(rd);
		if (!seen_root) {
			if (nm == NULL || strcmp((const char *)nm,
			    "CONSOLIDATED_LIST") != 0) {
				seterr(x, "%s: root element <%s>, expected "
				    "<CONSOLIDATED_LIST>", path,
				    nm ? (const char *)nm : "?");
				r = LCN_EPROTO;
				goto out;
			}
			seen_root = 1;
		}
		if (depth == 2 && (strcmp((const char *)nm, "INDIVIDUAL") ==
		    0 || strcmp((const char *)nm, "ENTITY") == 0)) {
			int person = nm[0] == 'I';

			x->st->rows++;
			if ((e = xmlTextReaderExpand(rd)) == NULL)
				break;
			if ((r = un_party(x, path, e, person)) != 0)
				goto out;
			rv = xmlTextReaderNext(rd);
			progress(x, (uint64_t)xmlTextReaderByteConsumed(rd),
			    0);
			continue;
		}
		rv = xmlTextReaderRead(rd);
	}
	if (rv != 0 || xe.msg[0] != '\0') {
		seterr(x, "%s:%d: malformed XML: %s", path, xe.line,
		    xe.msg[0] ? xe.msg : "read error");
		r = LCN_EPROTO;
		goto out;
	}
	if (!seen_root) {
		seterr(x, "%s: empty file", path);
		r = LCN_EPROTO;
		goto out;
	}
	progress(x, x->st->bytes_total, 1);
 out:
	xmlFreeTextReader(rd);
	close(fd);
	return r;
}

/* ------------------------------------------------------------------ */

static const struct {
	const char		*name;
	enum list_format	 fmt;
} formats[] = {
	{ "ofac-sdn", LIST_OFAC_SDN },
	{ "un-xml", LIST_UN_XML },
	{ "bis-dpl", LIST_BIS_DPL },
	{ "csl", LIST_CSL },
	{ "lite-denials", LIST_LITE_DENIALS },
	{ "ofac", LIST_OFAC_SDN },
	{ "sdn", LIST_OFAC_SDN },
	{ "un", LIST_UN_XML },
	{ "dpl", LIST_BIS_DPL },
	{ "lite", LIST_LITE_DENIALS },
};

int
list_format_parse(const char *name, enum list_format *fmt)
{
	size_t i;

	if (name == NULL || fmt == NULL)
		return LCN_EINVAL;
	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		if (strcasecmp(name, formats[i].name) == 0) {
			*fmt = formats[i].fmt;
			return 0;
		}
	}
	return LCN_EINVAL;
}

const char *
list_format_name(enum list_format fmt)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(*formats); i++)
		if (formats[i].fmt == fmt)
			return formats[i].name;
	return "unknown";
}

int
list_read(enum list_format fmt, const char *path, const struct list_ops *ops,
    struct list_stats *stats, char *err, size_t errsz)
{
	struct list_stats local;
	struct ctx x;
	int r;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	memset(&x, 0, sizeof(x));
	builder_init(&x.b);
	x.ops = ops;
	x.st = stats;
	x.err = err;
	x.errsz = errsz;
	if (path == NULL || ops == NULL || ops->party == NULL) {
		seterr(&x, "list_read: no path or no party callback");
		return LCN_EINVAL;
	}
	/* libxml2 wants this once, before any use from several threads. */
	pthread_once(&xml_once, xmlInitParser);
	switch (fmt) {
	case LIST_OFAC_SDN:
		r = read_ofac(&x, path);
		break;
	case LIST_UN_XML:
		r = read_un(&x, path);
		break;
	case LIST_BIS_DPL:
		r = read_dpl(&x, path);
		break;
	case LIST_CSL:
		r = read_csl(&x, path);
		break;
	case LIST_LITE_DENIALS:
		r = read_lite(&x, path);
		break;
	default:
		seterr(&x, "%s: unknown list format %d", path, (int)fmt);
		r = LCN_EINVAL;
		break;
	}
	stats->recoded = x.b.recoded;
	builder_free(&x.b);
	return r;
}
