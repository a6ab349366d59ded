/*
 * What the list readers share (internal to store/screen/, not part of
 * lists.h): the builder that collects one party's fields in arena memory,
 * the reading context that counts records, reports bad ones and progress
 * and hands each built party to the caller, and the entry point of each
 * format's reader (list_ofac.c, list_dpl.c, list_csl.c, list_lite.c,
 * list_un.c). A reader fills x->b for a record and calls ctx_emit();
 * lists.c's list_read() picks the reader and owns the context.
 */
#ifndef LCN_LIST_BUILD_H
#define LCN_LIST_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "csv.h"
#include "lists.h"

/*
 * One party being built. Strings live in ar, which builder_reset() empties
 * between parties; the arrays are malloc'd and reused. The add functions
 * record the first limit a record exceeds in why (the record is then bad),
 * and an allocation failure in nomem (the read then stops).
 */
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
	size_t			 recoded;	/* fields taken as Latin-1 */
};

/* One list_read(): the caller's callbacks, its stats and error buffer. */
struct ctx {
	const struct list_ops	*ops;
	struct list_stats	*st;
	struct builder		 b;
	char			*err;
	size_t			 errsz;
	uint64_t		 next_progress;	/* bytes */
};

/* A header's column indices (-1: absent), for the readers with a header. */
struct hdr {
	int	 idx[LIST_FIELDS_MAX];
	size_t	 nf;
};

/* On a zeroed builder; allocates nothing. */
void	 builder_init(struct builder *b);
/* Empty the builder for the next party; b->recoded and nomem stay. */
void	 builder_reset(struct builder *b);
void	 builder_free(struct builder *b);

/*
 * Copy s[0..n) into the arena: ASCII white space trimmed and its runs
 * collapsed to one space, invalid UTF-8 taken as Latin-1. Returns NULL for
 * an empty result (or on allocation failure, with b->nomem set).
 */
const char *builder_clean(struct builder *b, const char *s, size_t n);
/* builder_clean() of a NUL-terminated s; NULL for NULL. */
const char *builder_cleanz(struct builder *b, const char *s);
/* Join up to n strings with sep, skipping NULLs; NULL if all are. */
const char *builder_join(struct builder *b, const char *sep,
	    const char *const *v, size_t n);
/* Field i of the current record of c, cleaned; NULL if absent or empty. */
const char *builder_field(struct builder *b, const struct csv *c, int i);
/*
 * "prefix:" and 16 hex digits of an FNV-1a hash over the n fields, for
 * rows that carry no id of their own.
 */
const char *builder_row_ref(struct builder *b, const char *prefix,
	    const char *const *v, size_t n);
/*
 * Split s on sep, cleaning each piece; calls fn for each non-empty piece
 * and stops at its first non-zero return, which it returns.
 */
int	 builder_split(struct builder *b, const char *s, const char *sep,
	    int (*fn)(struct builder *, const char *, void *), void *arg);

/*
 * The add functions take strings already cleaned into the arena, and
 * ignore a NULL one. Each returns 0, LCN_ENOMEM, or LCN_EPROTO when the
 * party is over a LIST_ limit (b->why then says which).
 */
/* The ISO code of a country name, if it has one, to the countries. */
int	 builder_add_country_name(struct builder *b, const char *name);
int	 builder_add_alias(struct builder *b, const char *name,
	    enum list_alias_type type, int weak);
/*
 * text or country_name may be NULL (both: nothing is added). iso_or_null
 * is the country's code if the caller knows it; otherwise it is looked up
 * from country_name. A code found joins the party's countries too.
 */
int	 builder_add_address(struct builder *b, const char *text,
	    const char *country_name, const char *iso_or_null);
int	 builder_add_ident(struct builder *b, const char *type,
	    const char *value, const char *country_name);

/*
 * Make room for element n of an array of size-byte elements that may hold
 * max: 0, LCN_EPROTO (n is max already) or LCN_ENOMEM; *v is unchanged on
 * error.
 */
int	 list_grow(void **v, size_t *cap, size_t n, size_t size, size_t max);

/*
 * Count a bad record in x->st (keeping the first as first_bad) and tell
 * ops->bad_row.
 */
void	 ctx_bad_row(struct ctx *x, const char *file, unsigned long line,
	    const char *reason);
/* Record done bytes; tell ops->progress every PROGRESS_STEP and at last. */
void	 ctx_progress(struct ctx *x, uint64_t done, int last);
/* The message of list_read's error, into its err buffer. */
void	 ctx_seterr(struct ctx *x, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Hand the built party to the caller, or count it as bad if a limit was
 * hit or it has no name or no ref. Returns 0, LCN_ENOMEM or the callback's
 * value.
 */
int	 ctx_emit(struct ctx *x, const char *file, unsigned long line);
/*
 * Open a CSV or TSV, read its header and map the ncols columns into idx.
 * Columns whose name starts with '*' are required. Returns 0, LCN_EIO,
 * LCN_ENOMEM or LCN_EPROTO, with the message set. csv_close() c after.
 */
int	 ctx_open_csv(struct ctx *x, struct csv *c, const char *path,
	    char delim, const char *const *cols, int *idx, size_t ncols);
/*
 * Read each data record of c, check its field count against nf and call
 * fn to build and emit it (with x->b reset). need_rows: a file without a
 * record is not the format. Returns 0, LCN_EIO, LCN_EPROTO (no record
 * could be read) or fn's first non-zero return.
 */
int	 ctx_each_row(struct ctx *x, struct csv *c, size_t nf, int need_rows,
	    int (*fn)(struct ctx *, struct csv *, void *), void *arg);

/*
 * The readers, one per format: each reads path whole, setting
 * x->st->bytes_total, and returns as list_read() does.
 */
int	 ofac_read(struct ctx *x, const char *path);
int	 dpl_read(struct ctx *x, const char *path);
int	 csl_read(struct ctx *x, const char *path);
int	 lite_read(struct ctx *x, const char *path);
int	 un_read(struct ctx *x, const char *path);

#endif
