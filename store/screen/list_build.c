/*
 * The builder and reading context the list readers share (list_build.h):
 * text cleaning into the arena, the party's arrays and their limits, and
 * the record loop of the CSV formats with its counting and reporting.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "country.h"
#include "csv.h"
#include "lcn_err.h"
#include "list_build.h"

#define CHUNK_SIZE	(64 * 1024)	/* of the builder's arena */
#define PROGRESS_STEP	(64 * 1024)

/* The length of the longest valid UTF-8 prefix of s[0..n). */
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

void
builder_init(struct builder *b)
{
	arena_init(&b->ar, CHUNK_SIZE, NULL, 0);
}

void
builder_reset(struct builder *b)
{
	arena_reset(&b->ar);
	memset(&b->p, 0, sizeof(b->p));
	memset(&b->denial, 0, sizeof(b->denial));
	b->naliases = b->naddrs = b->nidents = b->ncountries = 0;
	b->why = NULL;
}

void
builder_free(struct builder *b)
{
	arena_free(&b->ar);
	free(b->aliases);
	free(b->addrs);
	free(b->idents);
}

const char *
builder_clean(struct builder *b, const char *s, size_t n)
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

const char *
builder_cleanz(struct builder *b, const char *s)
{
	return s == NULL ? NULL : builder_clean(b, s, strlen(s));
}

const char *
builder_join(struct builder *b, const char *sep, const char *const *v, size_t n)
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

int
list_grow(void **v, size_t *cap, size_t n, size_t size, size_t max)
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

int
builder_add_country_name(struct builder *b, const char *name)
{
	char iso[3];

	if (name == NULL || list_country_iso2(name, iso) != 0)
		return 0;
	return add_country(b, iso);
}

int
builder_add_alias(struct builder *b, const char *name,
    enum list_alias_type type, int weak)
{
	int r;

	if (name == NULL)
		return 0;
	if ((r = list_grow((void **)&b->aliases, &b->aliases_cap, b->naliases,
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

int
builder_add_address(struct builder *b, const char *text,
    const char *country_name, const char *iso_or_null)
{
	struct list_address *a;
	char iso[3];
	int r;

	if (text == NULL && country_name == NULL)
		return 0;
	if ((r = list_grow((void **)&b->addrs, &b->addrs_cap, b->naddrs,
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
	a->country = builder_cleanz(b, iso);
	return 0;
}

int
builder_add_ident(struct builder *b, const char *type, const char *value,
    const char *country_name)
{
	struct list_ident *id;
	char iso[3];
	int r;

	if (value == NULL)
		return 0;
	if ((r = list_grow((void **)&b->idents, &b->idents_cap, b->nidents,
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
		id->country = builder_cleanz(b, iso);
	return 0;
}

void
ctx_bad_row(struct ctx *x, const char *file, unsigned long line,
    const char *reason)
{
	x->st->bad_rows++;
	if (x->st->first_bad[0] == '\0')
		snprintf(x->st->first_bad, sizeof(x->st->first_bad),
		    "%s:%lu: %s", file, line, reason);
	if (x->ops->bad_row != NULL)
		x->ops->bad_row(file, line, reason, x->ops->arg);
}

void
ctx_progress(struct ctx *x, uint64_t done, int last)
{
	x->st->bytes_read = done;
	if (x->ops->progress == NULL)
		return;
	if (last || done >= x->next_progress) {
		x->ops->progress(done, x->st->bytes_total, x->ops->arg);
		x->next_progress = done + PROGRESS_STEP;
	}
}

void
ctx_seterr(struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->err == NULL || x->errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(x->err, x->errsz, fmt, ap);
	va_end(ap);
}

int
ctx_emit(struct ctx *x, const char *file, unsigned long line)
{
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	int r;

	if (b->nomem) {
		ctx_seterr(x, "%s:%lu: out of memory", file, line);
		return LCN_ENOMEM;
	}
	if (b->why != NULL) {
		ctx_bad_row(x, file, line, b->why);
		return 0;
	}
	if (p->name == NULL) {
		ctx_bad_row(x, file, line, "no name");
		return 0;
	}
	if (p->ref == NULL) {
		ctx_bad_row(x, file, line, "no reference");
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
		ctx_seterr(x, "%s:%lu: import stopped by the caller (%d)", file,
		    line, r);
	return r;
}

const char *
builder_row_ref(struct builder *b, const char *prefix, const char *const *v,
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
	return builder_cleanz(b, buf);
}

const char *
builder_field(struct builder *b, const struct csv *c, int i)
{
	const char *f = csv_field(c, i);

	return f == NULL ? NULL : builder_clean(b, f, c->flen[i]);
}

int
ctx_open_csv(struct ctx *x, struct csv *c, const char *path, char delim,
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
		ctx_seterr(x, "%s: empty file", path);
		return LCN_EPROTO;
	}
	if (r == LCN_EIO) {
		ctx_seterr(x, "%s: %s", path, strerror(c->rerr));
		return r;
	}
	if (r < 0) {
		ctx_seterr(x, "%s:%lu: bad header: %s", path, c->rec_line, why);
		return LCN_EPROTO;
	}
	for (i = 0; i < ncols; i++)
		names[i] = cols[i][0] == '*' ? cols[i] + 1 : cols[i];
	csv_header(c, names, ncols, idx);
	for (i = 0; i < ncols; i++) {
		if (cols[i][0] == '*' && idx[i] == -1) {
			ctx_seterr(x, "%s:%lu: header has no column \"%s\"",
			    path, c->rec_line, names[i]);
			return LCN_EPROTO;
		}
	}
	return 0;
}

int
ctx_each_row(struct ctx *x, struct csv *c, size_t nf, int need_rows,
    int (*fn)(struct ctx *, struct csv *, void *), void *arg)
{
	const char *why;
	char reason[96];
	int r;

	for (;;) {
		r = csv_next(c, &why);
		ctx_progress(x, c->bytes, 0);
		if (r == 0)
			break;
		if (r == LCN_EIO) {
			ctx_seterr(x, "%s: %s", c->path, strerror(c->rerr));
			return r;
		}
		x->st->rows++;
		if (r < 0) {
			ctx_bad_row(x, c->path, c->rec_line, why);
			continue;
		}
		if (c->nf != nf) {
			snprintf(reason, sizeof(reason), "%zu fields, "
			    "expected %zu", c->nf, nf);
			ctx_bad_row(x, c->path, c->rec_line, reason);
			continue;
		}
		builder_reset(&x->b);
		if ((r = fn(x, c, arg)) != 0)
			return r;
	}
	ctx_progress(x, c->bytes, 1);
	if (x->st->parties == 0 && x->st->bad_rows > 0) {
		ctx_seterr(x, "%s: no record could be read (first: %s)",
		    c->path, x->st->first_bad);
		return LCN_EPROTO;
	}
	/* Without a header, only records can show this is the format. */
	if (x->st->rows == 0 && need_rows) {
		ctx_seterr(x, "%s: no records", c->path);
		return LCN_EPROTO;
	}
	return 0;
}

int
builder_split(struct builder *b, const char *s, const char *sep,
    int (*fn)(struct builder *, const char *, void *), void *arg)
{
	const char *e, *piece;
	size_t sl = strlen(sep);
	int r;

	while (s != NULL && *s != '\0') {
		e = strstr(s, sep);
		piece = builder_clean(b, s, e ? (size_t)(e - s) : strlen(s));
		if (piece != NULL && (r = fn(b, piece, arg)) != 0)
			return r;
		s = e ? e + sl : NULL;
	}
	return 0;
}
