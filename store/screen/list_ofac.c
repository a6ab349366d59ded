/*
 * The OFAC SDN reader: the legacy CSV files of the Specially Designated
 * Nationals list (sdn.csv, header-less, with alt.csv for aliases and
 * add.csv for addresses joined by ent_num; the same layout for the
 * consolidated non-SDN list, cons_prim.csv), with the identifiers and
 * nationalities that OFAC writes into the remarks column.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lcn_err.h"
#include "list_build.h"

/* OFAC's "-0-" (often "-0- ") is an empty field. */
static const char *
ofld(struct builder *b, const struct csv *c, int i)
{
	const char *s = builder_field(b, c, i);

	return s != NULL && strcmp(s, "-0-") == 0 ? NULL : s;
}

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
			ctx_seterr(x, "%s: %s", path, strerror(c.rerr));
			goto out;
		}
		if (r < 0) {
			ctx_bad_row(x, path, c.rec_line, why);
			continue;
		}
		if (c.nf != nf) {
			snprintf(reason, sizeof(reason), "%zu fields, "
			    "expected %zu", c.nf, nf);
			ctx_bad_row(x, path, c.rec_line, reason);
			continue;
		}
		if ((r = list_grow((void **)&af->v, &af->cap, af->n, sizeof(*a),
		    SIZE_MAX / sizeof(*a))) != 0) {
			ctx_seterr(x, "%s: out of memory", path);
			goto out;
		}
		a = &af->v[af->n];
		memset(a, 0, sizeof(*a));
		if (parse_ent(ofld(&af->mem, &c, 0), &a->ent) != 0) {
			ctx_bad_row(x, path, c.rec_line, "bad ent_num");
			continue;
		}
		a->seq = af->n;
		if (isalt) {
			a->a = ofld(&af->mem, &c, ALT_TYPE);
			a->b = ofld(&af->mem, &c, ALT_NAME);
			if (a->b == NULL) {
				ctx_bad_row(x, path, c.rec_line, "no alt_name");
				continue;
			}
		} else {
			a->a = ofld(&af->mem, &c, ADD_ADDRESS);
			a->b = ofld(&af->mem, &c, ADD_CITY);
			a->c = ofld(&af->mem, &c, ADD_COUNTRY);
		}
		if (af->mem.nomem) {
			ctx_seterr(x, "%s: out of memory", path);
			r = LCN_ENOMEM;
			goto out;
		}
		af->n++;
	}
	/* qsort's pointer may not be NULL, even for no rows. */
	if (af->n > 1)
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
		return builder_add_country_name(b, part + 12);
	if (strncasecmp(part, "citizen ", 8) == 0)
		return builder_add_country_name(b, part + 8);
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
		country = builder_clean(b, paren + 2, strcspn(paren + 2, ")"));
	}
	return builder_add_ident(b, label, builder_clean(b, v, l), country);
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
		ctx_bad_row(x, c->path, c->rec_line, "bad ent_num");
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
		    builder_clean(b, remarks, l - 1) : remarks;

		if (builder_split(b, r2, "; ", ofac_remark, NULL) == LCN_ENOMEM)
			b->nomem = 1;
	}
	if ((v[0] = ofld(b, c, SDN_CALL_SIGN)) != NULL)
		builder_add_ident(b, "Call Sign", v[0], NULL);
	for (a = aux_first(&o->alt, ent); a != NULL &&
	    a < o->alt.v + o->alt.n && a->ent == ent; a++) {
		enum list_alias_type t = LIST_AKA;

		if (a->a != NULL && strcasecmp(a->a, "fka") == 0)
			t = LIST_FKA;
		else if (a->a != NULL && strcasecmp(a->a, "nka") == 0)
			t = LIST_NKA;
		a->used = 1;
		if (builder_add_alias(b, a->b, t, 0) == LCN_ENOMEM)
			b->nomem = 1;
	}
	for (a = aux_first(&o->add, ent); a != NULL &&
	    a < o->add.v + o->add.n && a->ent == ent; a++) {
		a->used = 1;
		v[0] = a->a;
		v[1] = a->b;
		if (builder_add_address(b, builder_join(b, ", ", v, 2), a->c,
		    NULL) == LCN_ENOMEM)
			b->nomem = 1;
	}
	return ctx_emit(x, c->path, c->rec_line);
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

int
ofac_read(struct ctx *x, const char *path)
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
		ctx_seterr(x, "%s: path too long", path);
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
	if ((r = ctx_each_row(x, &c, SDN_NF, 1, ofac_row, &o)) != 0)
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
