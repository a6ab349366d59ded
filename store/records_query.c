/*
 * Queries of the records' derived state (records.h): listing denials and
 * alerts through the cheapest index a filter allows, and the helpers every
 * query shares. One record with its history and receipts is shown by
 * records_show.c; the control matrix, split views and ref use are in
 * records_controls.c.
 * Every query first indexes what lies beyond the marks, then reads in one
 * read transaction; states are evaluated at the time passed in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "log.h"
#include "records_int.h"
#include "records_query_int.h"
#include "util.h"

int
records_query_begin(struct store *s, MDB_txn **txn)
{
	int r;

	*txn = NULL;
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = screen_catch_up_all(s)) != 0)
		return r;
	return store_txn_begin(s, 1, txn);
}

/* ------------------------------------------------------------ list */

struct list_ctx {
	enum record_kind	 kind;
	const struct record_filter *f;
	uint64_t		 at_ms;
	char			 regime[RECORD_REGIME_MAX + 1];
	char			 country[RECORD_COUNTRY_MAX + 1];
	char			 entry[DOMAIN_CONTROL_MAX + 1];
	struct feed_names	 fn;
	struct record_info	*out;
	size_t			 n, cap, limit;
	int			 more;
	struct rec		*r;	/* scratch */
};

static int
state_known(enum record_kind kind, const char *state)
{
	static const char *const dn[] = { "active", "review-due",
	    "suspended", "revoked" };
	static const char *const al[] = { "active", "not-yet-valid",
	    "expired", "withdrawn" };
	const char *const *v = kind == RECORD_DENIAL ? dn : al;
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(state, v[i]) == 0)
			return 1;
	return 0;
}

void
records_info_fill(const struct rec *r, const char *origin, const char *ref,
    uint64_t at_ms, const struct feed_names *fn, struct record_info *ri)
{
	size_t i;

	memset(ri, 0, sizeof(*ri));
	ri->kind = (enum record_kind)r->kind;
	str_copy(ri->origin, sizeof(ri->origin), origin);
	str_copy(ri->ref, sizeof(ri->ref), ref);
	ri->state_code = rec_state_at(r, at_ms);
	ri->state = rec_state_name(r, ri->state_code);
	feed_names_get(fn, r->feedno, &ri->feed);
	ri->seq = r->seq;
	feed_names_get(fn, r->body_feedno, &ri->body_feed);
	ri->body_seq = r->body_seq;
	ri->created_ms = r->created_ms;
	ri->from_ms = r->from_ms;
	ri->until_ms = r->until_ms;
	str_copy(ri->regime, sizeof(ri->regime), r->regime);
	str_copy(ri->country, sizeof(ri->country), r->country);
	for (i = 0; i < r->ncontrols && i < RECORD_CONTROLS_SHOWN; i++)
		str_copy(ri->controls[i], sizeof(ri->controls[i]),
		    r->controls[i]);
	ri->ncontrols = r->ncontrols;
	ri->nupdates = r->nhist;
}

int
records_entry_within(const char *prefix, const char *entry)
{
	return strcmp(prefix, entry) == 0 ||
	    domain_control_within(prefix, entry);
}

/* Whether record r (key origin/ref) passes every filter but the party. */
static int
passes(struct list_ctx *cx, const struct rec *r, const char *origin)
{
	const struct record_filter *f = cx->f;
	size_t	i;

	if (r->kind != cx->kind)
		return 0;
	if (f->from != NULL && f->from[0] != '\0' &&
	    strcmp(f->from, origin) != 0)
		return 0;
	if (f->since_ms != 0 && r->created_ms < f->since_ms)
		return 0;
	if (f->until_max != 0 && (r->until_ms == 0 ||
	    r->until_ms > f->until_max))
		return 0;
	if (cx->regime[0] != '\0' && strcasecmp(cx->regime, r->regime) != 0)
		return 0;
	if (cx->country[0] != '\0' && strcmp(cx->country, r->country) != 0)
		return 0;
	if (cx->entry[0] != '\0') {
		for (i = 0; i < r->ncontrols; i++)
			if (records_entry_within(cx->entry, r->controls[i]))
				break;
		if (i == r->ncontrols)
			return 0;
	}
	if (f->state != NULL && f->state[0] != '\0' &&
	    strcmp(f->state, "all") != 0 && strcmp(f->state,
	    rec_state_name(r, rec_state_at(r, cx->at_ms))) != 0)
		return 0;
	return 1;
}

/* One candidate, its record's value in val: kept if it passes. */
static int
consider(struct list_ctx *cx, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	char			 origin[AGENCY_ID_MAX + 1];
	char			 ref[RECORD_REF_MAX + 1];
	struct record_info	*nv;

	if (record_key_parse(key, klen, origin, ref) != 0 ||
	    rec_decode(val, vlen, cx->r) != 0 || !passes(cx, cx->r, origin))
		return 0;
	if (cx->n == cx->limit) {
		cx->more = 1;
		return 0;
	}
	if (cx->n == cx->cap) {
		cx->cap = cx->cap ? cx->cap * 2 : 64;
		if ((nv = realloc(cx->out, cx->cap * sizeof(*nv))) == NULL)
			return LCN_ENOMEM;
		cx->out = nv;
	}
	records_info_fill(cx->r, origin, ref, cx->at_ms, &cx->fn,
	    &cx->out[cx->n++]);
	return 0;
}

/* Record keys gathered from an index, then read in key order. */
struct keyset {
	uint8_t		**v;
	size_t		 *len;
	size_t		  n, cap;
};

static int
keyset_add(struct keyset *ks, const void *k, size_t len)
{
	uint8_t	**nv;
	size_t	 *nl;

	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 64;
		if ((nv = realloc(ks->v, ks->cap * sizeof(*nv))) == NULL)
			return LCN_ENOMEM;
		ks->v = nv;
		if ((nl = realloc(ks->len, ks->cap * sizeof(*nl))) == NULL)
			return LCN_ENOMEM;
		ks->len = nl;
	}
	if ((ks->v[ks->n] = malloc(len ? len : 1)) == NULL)
		return LCN_ENOMEM;
	memcpy(ks->v[ks->n], k, len);
	ks->len[ks->n++] = len;
	return 0;
}

static void
keyset_free(struct keyset *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		free(ks->v[i]);
	free(ks->v);
	free(ks->len);
	memset(ks, 0, sizeof(*ks));
}

static const struct keyset *sort_ks;

static int
keyidx_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;
	size_t	lx = sort_ks->len[x], ly = sort_ks->len[y];
	int	c;

	c = memcmp(sort_ks->v[x], sort_ks->v[y], lx < ly ? lx : ly);
	if (c != 0)
		return c;
	return lx < ly ? -1 : lx > ly;
}

/* Reads every record of ks once, in key order. */
static int
keyset_consider(struct list_ctx *cx, MDB_txn *txn, struct store *s,
    struct keyset *ks)
{
	size_t	*ix, i;
	MDB_val	 k, d;
	int	 rc, r = 0;

	if (ks->n == 0)
		return 0;
	if ((ix = malloc(ks->n * sizeof(*ix))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < ks->n; i++)
		ix[i] = i;
	sort_ks = ks;	/* the writer thread's alone, like every query */
	qsort(ix, ks->n, sizeof(*ix), keyidx_cmp);
	/* Past the limit the answer only says "more": read no further. */
	for (i = 0; i < ks->n && r == 0 && !cx->more; i++) {
		if (i > 0 && keyidx_cmp(&ix[i - 1], &ix[i]) == 0)
			continue;
		k.mv_data = ks->v[ix[i]];
		k.mv_size = ks->len[ix[i]];
		if ((rc = mdb_get(txn, s->screen->rrecs, &k, &d)) ==
		    MDB_NOTFOUND)
			continue;
		if (rc != 0)
			r = store_lmdb_err("rrecs get", rc);
		else
			r = consider(cx, k.mv_data, k.mv_size, d.mv_data,
			    d.mv_size);
	}
	free(ix);
	return r;
}

/*
 * Whether record key k (origin NUL ref) is of origin from (NULL or "":
 * any): checked on the index key, before the record is read.
 */
static int
key_of(const char *from, const uint8_t *k, size_t len)
{
	size_t l;

	if (from == NULL || from[0] == '\0')
		return 1;
	l = strlen(from);
	return len > l && memcmp(k, from, l) == 0 && k[l] == '\0';
}

/*
 * The record keys of rindex keys starting with pre (plen bytes) and then
 * the record key after the NUL that ends the indexed value; with
 * boundary, values that only extend pre at a sub-item ('.') count too.
 * Only records of origin from (NULL: any).
 */
static int
index_scan(MDB_txn *txn, MDB_dbi dbi, const uint8_t *pre, size_t plen,
    int boundary, const char *from, struct keyset *ks)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	const uint8_t	*p, *nul;
	int		 rc, r = 0;

	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_lmdb_err("rindex cursor", rc);
	k.mv_data = (void *)pre;
	k.mv_size = plen;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0 && r == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		p = k.mv_data;
		if (k.mv_size <= plen || memcmp(p, pre, plen) != 0)
			break;
		if (p[plen] != '\0' && (!boundary || p[plen] != '.'))
			continue;
		if ((nul = memchr(p + plen, '\0', k.mv_size - plen)) == NULL ||
		    !key_of(from, nul + 1, k.mv_size - (size_t)(nul + 1 - p)))
			continue;
		r = keyset_add(ks, nul + 1, k.mv_size - (size_t)(nul + 1 - p));
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rindex cursor", rc);
	mdb_cursor_close(c);
	return r;
}

/*
 * 'S' keys of one structural state: kind, state, be64 until (0 stored as
 * UINT64_MAX), key; only those with until in [lo, hi], which the keys'
 * order gives without reading the rest, and of origin from (NULL: any).
 */
static int
state_scan(MDB_txn *txn, MDB_dbi dbi, uint8_t kind, uint8_t state,
    uint64_t lo, uint64_t hi, const char *from, struct keyset *ks)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	uint8_t		 pre[11] = { 'S', kind, state };
	const uint8_t	*p;
	int		 rc, r = 0;

	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_lmdb_err("rindex cursor", rc);
	store_be64(pre + 3, lo);
	k.mv_data = pre;
	k.mv_size = sizeof(pre);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0 && r == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		p = k.mv_data;
		if (k.mv_size <= 11 || memcmp(p, pre, 3) != 0 ||
		    load_be64(p + 3) > hi)
			break;
		if (key_of(from, p + 11, k.mv_size - 11))
			r = keyset_add(ks, p + 11, k.mv_size - 11);
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rindex cursor", rc);
	mdb_cursor_close(c);
	return r;
}

/* The records whose party (as they stand) screens to f->party. */
static int
party_scan(struct store *s, MDB_txn *txn, struct list_ctx *cx,
    struct keyset *ks)
{
	struct screen_hit	*hits = NULL;
	uint8_t			 rk[REC_KEY_MAX + 1];
	MDB_val			 k, d;
	size_t			 nh, i, rklen;
	double			 min = cx->f->party_min > 0 ?
				     cx->f->party_min : RECORD_PARTY_MIN;
	int			 rc, r;

	if ((r = screen_txn(s, txn, cx->f->party, NULL, NULL, min,
	    SCREEN_LIMIT_MAX, cx->at_ms, 1, &hits, &nh)) != 0)
		return r;
	for (i = 0; i < nh && r == 0; i++) {
		if ((int)hits[i].source != (int)cx->kind)
			continue;
		rklen = record_key(hits[i].agency, hits[i].ref, rk);
		k.mv_data = rk;
		k.mv_size = rklen;
		if ((rc = mdb_get(txn, s->screen->rrecs, &k, &d)) != 0) {
			if (rc != MDB_NOTFOUND)
				r = store_lmdb_err("rrecs get", rc);
			continue;
		}
		/*
		 * The name must be in the record as it stands: a party of
		 * the notice an amendment replaced, or of an ignored entry,
		 * is not (the hit's entry is the body's, by origin and seq).
		 */
		if (rec_decode(d.mv_data, d.mv_size, cx->r) != 0 ||
		    cx->r->body_seq != hits[i].seq)
			continue;
		r = keyset_add(ks, rk, rklen);
	}
	free(hits);
	return r;
}

/*
 * The 'S' keys that can hold records in state f->state at at_ms (any
 * state: every structural one), with until_max, gathered by state_scan.
 * The state's dates bound the until a scan reads (the states'
 * definitions are domain_denial_track_state and domain_alert_track_state;
 * passes() checks every record again): a denial under review has
 * 0 < until <= at, an active one until > at (or none); an alert that is
 * active has until > at (or none), an expired one until <= at.
 */
static int
state_scans(MDB_txn *txn, MDB_dbi dbi, enum record_kind kind,
    const struct record_filter *f, uint64_t at_ms, struct keyset *ks)
{
	static const uint8_t dn[] = { DOMAIN_DENIAL_ACTIVE,
	    DOMAIN_DENIAL_SUSPENDED, DOMAIN_DENIAL_REVOKED };
	static const uint8_t al[] = { DOMAIN_ALERT_ACTIVE,
	    DOMAIN_ALERT_WITHDRAWN };
	const char	*st = f->state != NULL && f->state[0] != '\0' &&
			    strcmp(f->state, "all") != 0 ? f->state : NULL;
	const uint8_t	*v = kind == RECORD_DENIAL ? dn : al;
	size_t		 nv = kind == RECORD_DENIAL ? sizeof(dn) : sizeof(al);
	uint64_t	 lo = 0, hi = UINT64_MAX;
	size_t		 i;
	int		 r = 0;

	if (st != NULL) {
		/* The structural state holding the one asked for. */
		v = strcmp(st, "suspended") == 0 ? &dn[1] :
		    strcmp(st, "revoked") == 0 ? &dn[2] :
		    strcmp(st, "withdrawn") == 0 ? &al[1] : &dn[0];
		nv = 1;
		if (strcmp(st, "review-due") == 0 ||
		    strcmp(st, "expired") == 0)
			hi = at_ms;
		else if (strcmp(st, "active") == 0 && at_ms < UINT64_MAX)
			lo = at_ms + 1;
	}
	if (f->until_max != 0 && f->until_max < hi)
		hi = f->until_max;
	for (i = 0; i < nv && r == 0; i++)
		r = state_scan(txn, dbi, (uint8_t)kind, v[i], lo, hi,
		    f->from, ks);
	return r;
}

int
records_list(struct store *s, enum record_kind kind,
    const struct record_filter *f, uint64_t at_ms, struct record_info **out,
    size_t *n, int *more)
{
	struct list_ctx	 cx;
	struct keyset	 ks;
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	MDB_val		 k, d;
	uint8_t		 pre[2 + DOMAIN_CONTROL_MAX + 1 + REC_KEY_MAX];
	size_t		 plen;
	int		 r, rc;

	*out = NULL;
	*n = 0;
	*more = 0;
	memset(&cx, 0, sizeof(cx));
	memset(&ks, 0, sizeof(ks));
	if ((kind != RECORD_DENIAL && kind != RECORD_ALERT) ||
	    (f->state != NULL && f->state[0] != '\0' &&
	    strcmp(f->state, "all") != 0 && !state_known(kind, f->state)))
		return LCN_EINVAL;
	cx.kind = kind;
	cx.f = f;
	cx.at_ms = at_ms;
	cx.limit = f->limit == 0 || f->limit > RECORD_LIMIT_MAX ?
	    RECORD_LIMIT_MAX : f->limit;
	if (f->regime != NULL && f->regime[0] != '\0')
		rec_regime(f->regime, cx.regime);
	if (f->country != NULL && f->country[0] != '\0')
		rec_country(f->country, cx.country);
	if (f->entry != NULL && f->entry[0] != '\0')
		rec_control(f->entry, cx.entry);
	if ((cx.r = malloc(sizeof(*cx.r))) == NULL)
		return LCN_ENOMEM;
	if ((r = records_query_begin(s, &txn)) != 0 ||
	    (r = feed_names_load(s, txn, &cx.fn)) != 0)
		goto out;
	pre[1] = (uint8_t)kind;
	if (f->party != NULL && f->party[0] != '\0') {
		r = party_scan(s, txn, &cx, &ks);
	} else if (cx.entry[0] != '\0') {
		pre[0] = 'E';
		plen = strlen(cx.entry);
		memcpy(pre + 2, cx.entry, plen);
		r = index_scan(txn, s->screen->rindex, pre, 2 + plen, 1,
		    f->from, &ks);
	} else if (cx.country[0] != '\0') {
		pre[0] = 'C';
		plen = strlen(cx.country);
		memcpy(pre + 2, cx.country, plen);
		r = index_scan(txn, s->screen->rindex, pre, 2 + plen, 0,
		    f->from, &ks);
	} else if ((f->state != NULL && f->state[0] != '\0' &&
	    strcmp(f->state, "all") != 0) || f->until_max != 0) {
		r = state_scans(txn, s->screen->rindex, kind, f, at_ms, &ks);
	} else {
		/* Every record (of one origin): the table in key order. */
		if ((rc = mdb_cursor_open(txn, s->screen->rrecs, &c)) != 0) {
			r = store_lmdb_err("rrecs cursor", rc);
			goto out;
		}
		plen = 0;
		if (f->from != NULL && f->from[0] != '\0') {
			plen = strlen(f->from) + 1;
			if (plen > AGENCY_ID_MAX + 1)
				goto out;
			memcpy(pre, f->from, plen);
		}
		k.mv_data = pre;
		k.mv_size = plen;
		rc = plen ? mdb_cursor_get(c, &k, &d, MDB_SET_RANGE) :
		    mdb_cursor_get(c, &k, &d, MDB_FIRST);
		for (; rc == 0 && r == 0 && !cx.more;
		    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
			if (k.mv_size < plen || memcmp(k.mv_data, pre, plen))
				break;
			r = consider(&cx, k.mv_data, k.mv_size, d.mv_data,
			    d.mv_size);
		}
		if (r == 0 && rc != 0 && rc != MDB_NOTFOUND && !cx.more)
			r = store_lmdb_err("rrecs cursor", rc);
		goto out;
	}
	if (r == 0)
		r = keyset_consider(&cx, txn, s, &ks);
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (txn != NULL)
		mdb_txn_abort(txn);
	keyset_free(&ks);
	feed_names_free(&cx.fn);
	free(cx.r);
	if (r != 0) {
		free(cx.out);
		return r;
	}
	*out = cx.out;
	*n = cx.n;
	*more = cx.more;
	return 0;
}

