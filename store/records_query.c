/*
 * Queries of the records' derived state (records.h): listing denials and
 * alerts through the cheapest index a filter allows, one record with its
 * history and receipts, the control matrix, split views and ref use.
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
#include "util.h"

/* Catches the index up, then a read transaction; 0 or an error. */
static int
query_begin(struct store *s, MDB_txn **txn)
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

static void
info_fill(const struct rec *r, const char *origin, const char *ref,
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

static int
entry_within(const char *prefix, const char *entry)
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
	if (cx->regime[0] != '\0' && strcasecmp(cx->regime, r->regime) != 0)
		return 0;
	if (cx->country[0] != '\0' && strcmp(cx->country, r->country) != 0)
		return 0;
	if (cx->entry[0] != '\0') {
		for (i = 0; i < r->ncontrols; i++)
			if (entry_within(cx->entry, r->controls[i]))
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
	info_fill(cx->r, origin, ref, cx->at_ms, &cx->fn, &cx->out[cx->n++]);
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
	for (i = 0; i < ks->n && r == 0; i++) {
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
 * The record keys of rindex keys starting with pre (plen bytes) and then
 * the record key after the NUL that ends the indexed value; with
 * boundary, values that only extend pre at a sub-item ('.') count too.
 */
static int
index_scan(MDB_txn *txn, MDB_dbi dbi, const uint8_t *pre, size_t plen,
    int boundary, struct keyset *ks)
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
		if ((nul = memchr(p + plen, '\0', k.mv_size - plen)) == NULL)
			continue;
		r = keyset_add(ks, nul + 1, k.mv_size - (size_t)(nul + 1 - p));
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rindex cursor", rc);
	mdb_cursor_close(c);
	return r;
}

/* 'S' keys of one structural state: kind, state, be64 until, key. */
static int
state_scan(MDB_txn *txn, MDB_dbi dbi, uint8_t kind, uint8_t state,
    struct keyset *ks)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	uint8_t		 pre[3] = { 'S', kind, state };
	int		 rc, r = 0;

	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_lmdb_err("rindex cursor", rc);
	k.mv_data = pre;
	k.mv_size = 3;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0 && r == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size <= 11 || memcmp(k.mv_data, pre, 3) != 0)
			break;
		r = keyset_add(ks, (const uint8_t *)k.mv_data + 11,
		    k.mv_size - 11);
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
	if ((r = query_begin(s, &txn)) != 0 ||
	    (r = feed_names_load(s, txn, &cx.fn)) != 0)
		goto out;
	pre[1] = (uint8_t)kind;
	if (f->party != NULL && f->party[0] != '\0') {
		r = party_scan(s, txn, &cx, &ks);
	} else if (cx.entry[0] != '\0') {
		pre[0] = 'E';
		plen = strlen(cx.entry);
		memcpy(pre + 2, cx.entry, plen);
		r = index_scan(txn, s->screen->rindex, pre, 2 + plen, 1, &ks);
	} else if (cx.country[0] != '\0') {
		pre[0] = 'C';
		plen = strlen(cx.country);
		memcpy(pre + 2, cx.country, plen);
		r = index_scan(txn, s->screen->rindex, pre, 2 + plen, 0, &ks);
	} else if (f->state != NULL && f->state[0] != '\0' &&
	    strcmp(f->state, "all") != 0) {
		/* The structural state holding the one asked for. */
		r = state_scan(txn, s->screen->rindex, (uint8_t)kind,
		    strcmp(f->state, "suspended") == 0 ?
		    DOMAIN_DENIAL_SUSPENDED : strcmp(f->state, "revoked") == 0 ?
		    DOMAIN_DENIAL_REVOKED : strcmp(f->state, "withdrawn") == 0 ?
		    DOMAIN_ALERT_WITHDRAWN : DOMAIN_DENIAL_ACTIVE, &ks);
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

/* ------------------------------------------------------------ show */

static Lcn__Entry *
entry_get(struct store *s, MDB_txn *txn, uint32_t feedno, uint64_t seq)
{
	Lcn__SignedEntry	*se;
	Lcn__Entry		*e;
	uint8_t			 key[ENTRY_KEY_LEN];
	MDB_val			 k, d;

	store_entry_key(key, feedno, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if (mdb_get(txn, s->entries, &k, &d) != 0 ||
	    (se = lcn__signed_entry__unpack(NULL, d.mv_size, d.mv_data)) ==
	    NULL)
		return NULL;
	e = lcn__entry__unpack(NULL, se->entry.len, se->entry.data);
	lcn__signed_entry__free_unpacked(se, NULL);
	return e;
}

/* An event of the record's history, with its entry's own words. */
static int
event_add(struct store *s, MDB_txn *txn, const struct feed_names *fn,
    struct record_show *sh, uint32_t feedno, uint64_t seq, int action,
    int ignored, const char *agency)
{
	struct record_event	*ev, *nv;
	Lcn__Entry		*e;
	const char		*why = NULL;

	if ((nv = realloc(sh->events, (sh->nevents + 1) * sizeof(*nv))) ==
	    NULL)
		return LCN_ENOMEM;
	sh->events = nv;
	ev = &nv[sh->nevents++];
	memset(ev, 0, sizeof(*ev));
	feed_names_get(fn, feedno, &ev->feed);
	ev->seq = seq;
	ev->action = action;
	ev->ignored = ignored;
	str_copy(ev->agency, sizeof(ev->agency), agency);
	if ((e = entry_get(s, txn, feedno, seq)) == NULL)
		return 0;
	ev->created_ms = e->created_ms;
	ev->body = (int)e->body_case;
	if (e->body_case == LCN__ENTRY__BODY_DENIAL_UPDATE)
		why = e->denial_update->reason;
	else if (e->body_case == LCN__ENTRY__BODY_ALERT_UPDATE)
		why = e->alert_update->reason;
	str_copy(ev->reason, sizeof(ev->reason), why != NULL ? why : "");
	lcn__entry__free_unpacked(e, NULL);
	return 0;
}

static int
event_cmp(const void *a, const void *b)
{
	const struct record_event *x = a, *y = b;
	int c;

	if (x->created_ms != y->created_ms)
		return x->created_ms < y->created_ms ? -1 : 1;
	if ((c = strcmp(x->feed.origin, y->feed.origin)) != 0 ||
	    (c = strcmp(x->feed.group, y->feed.group)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Finds the record key of ref: in origin's namespace, else any origin's. */
static int
find_record(struct store *s, MDB_txn *txn, const char *origin,
    const char *ref, uint8_t *rk, size_t *rklen, MDB_val *val)
{
	char		 o[AGENCY_ID_MAX + 1], kr[RECORD_REF_MAX + 1];
	MDB_cursor	*c;
	MDB_val		 k;
	int		 rc;

	if (origin == NULL && domain_ref_origin(ref, o, sizeof(o)) == 0)
		origin = o;
	if (origin != NULL) {
		k.mv_data = rk;
		k.mv_size = *rklen = record_key(origin, ref, rk);
		if ((rc = mdb_get(txn, s->screen->rrecs, &k, val)) == 0)
			return 0;
		if (rc != MDB_NOTFOUND)
			return store_lmdb_err("rrecs get", rc);
		if (origin != o)
			return LCN_ENOTFOUND;
	}
	/* A ref outside any namespace: the one record that carries it. */
	if ((rc = mdb_cursor_open(txn, s->screen->rrecs, &c)) != 0)
		return store_lmdb_err("rrecs cursor", rc);
	for (rc = mdb_cursor_get(c, &k, val, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, val, MDB_NEXT))
		if (record_key_parse(k.mv_data, k.mv_size, o, kr) == 0 &&
		    strcmp(kr, ref) == 0)
			break;
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("rrecs cursor", rc);
	memcpy(rk, k.mv_data, k.mv_size);
	*rklen = k.mv_size;
	return 0;
}

/* The receipts of feed (origin/group) for a record at seq. */
static int
receipts_txn(struct store *s, MDB_txn *txn, const struct feed_names *fn,
    const struct feed_id *feed, uint64_t seq, struct record_receipt **out,
    size_t *n)
{
	struct record_receipt	*v = NULL, *nv, *rc_;
	MDB_cursor		*c;
	MDB_val			 k, d;
	char			 fname[FEED_NAME_MAX + 2];
	char			 agency[AGENCY_ID_MAX + 2];
	uint8_t			 key[1 + FEED_NAME_MAX + 2 + AGENCY_ID_MAX +
				     2 + 8];
	const uint8_t		*p, *nul;
	size_t			 plen, alen, nv_n = 0;
	int			 rc, r = 0;

	*out = NULL;
	*n = 0;
	snprintf(fname, sizeof(fname), "%s/%s", feed->origin, feed->group);
	if ((rc = mdb_cursor_open(txn, s->screen->rattest, &c)) != 0)
		return store_lmdb_err("rattest cursor", rc);
	key[0] = 'r';
	plen = strlen(fname);
	memcpy(key + 1, fname, plen + 1);
	plen += 2;
	agency[0] = '\0';
	for (;;) {
		/* The next agency after the last: its name then 0x01. */
		alen = strlen(agency);
		memcpy(key + plen, agency, alen);
		key[plen + alen] = alen ? 1 : 0;
		k.mv_data = key;
		k.mv_size = plen + (alen ? alen + 1 : 0);
		if ((rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE)) != 0)
			break;
		p = k.mv_data;
		if (k.mv_size < plen + 10 || memcmp(p, key, plen) != 0 ||
		    (nul = memchr(p + plen, '\0', k.mv_size - plen)) == NULL ||
		    (size_t)(nul - p) - plen > AGENCY_ID_MAX)
			break;
		alen = (size_t)(nul - p) - plen;
		memcpy(agency, p + plen, alen);
		agency[alen] = '\0';
		if ((nv = realloc(v, (nv_n + 1) * sizeof(*nv))) == NULL) {
			r = LCN_ENOMEM;
			goto out;
		}
		v = nv;
		rc_ = &v[nv_n++];
		memset(rc_, 0, sizeof(*rc_));
		str_copy(rc_->agency, sizeof(rc_->agency), agency);
		/* The first attested seq at or past the record's: since. */
		memcpy(key + plen, agency, alen + 1);
		store_be64(key + plen + alen + 1, seq);
		k.mv_data = key;
		k.mv_size = plen + alen + 9;
		if ((rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE)) == 0 &&
		    k.mv_size == plen + alen + 9 &&
		    memcmp(k.mv_data, key, plen + alen + 1) == 0 &&
		    d.mv_size == 20) {
			p = d.mv_data;
			rc_->holds = 1;
			rc_->since_ms = load_be64(p);
			feed_names_get(fn, load_be32(p + 8), &rc_->proof_feed);
			rc_->proof_seq = load_be64(p + 12);
		}
		/* The highest: the last key of this agency. */
		store_be64(key + plen + alen + 1, UINT64_MAX);
		k.mv_data = key;
		k.mv_size = plen + alen + 9;
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		if (rc == 0 && k.mv_size == plen + alen + 9 &&
		    memcmp(k.mv_data, key, plen + alen + 9) == 0)
			;	/* seq UINT64_MAX itself */
		else if (rc == 0 || rc == MDB_NOTFOUND)
			rc = rc == 0 ? mdb_cursor_get(c, &k, &d, MDB_PREV) :
			    mdb_cursor_get(c, &k, &d, MDB_LAST);
		if (rc == 0 && k.mv_size == plen + alen + 9 &&
		    memcmp(k.mv_data, key, plen + alen + 1) == 0 &&
		    d.mv_size == 20) {
			rc_->head_seq = load_be64((const uint8_t *)k.mv_data +
			    plen + alen + 1);
			rc_->head_as_of_ms = load_be64(d.mv_data);
		}
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rattest cursor", rc);
 out:
	mdb_cursor_close(c);
	if (r != 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = nv_n;
	return 0;
}

/* The ignored entries naming record rk, as events. */
static int
ignored_events(struct store *s, MDB_txn *txn, const struct feed_names *fn,
    const uint8_t *rk, size_t rklen, struct record_show *sh)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	uint8_t		 pre[REC_KEY_MAX + 2];
	char		 agency[AGENCY_ID_MAX + 1];
	const uint8_t	*p, *v;
	int		 rc, r = 0;

	memcpy(pre, rk, rklen);
	pre[rklen] = '\0';
	if ((rc = mdb_cursor_open(txn, s->screen->rignored, &c)) != 0)
		return store_lmdb_err("rignored cursor", rc);
	k.mv_data = pre;
	k.mv_size = rklen + 1;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0 && r == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		p = k.mv_data;
		v = d.mv_data;
		if (k.mv_size != rklen + 13 || memcmp(p, pre, rklen + 1) != 0)
			break;
		if (d.mv_size < 4 || d.mv_size - 4 != v[3] ||
		    v[3] > AGENCY_ID_MAX)
			continue;
		memcpy(agency, v + 4, v[3]);
		agency[v[3]] = '\0';
		r = event_add(s, txn, fn, sh, load_be32(p + rklen + 1),
		    load_be64(p + rklen + 5), v[2], v[0], agency);
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rignored cursor", rc);
	mdb_cursor_close(c);
	return r;
}

void
records_show_free(struct record_show *sh)
{
	if (sh == NULL)
		return;
	free(sh->events);
	free(sh->receipts);
	memset(sh, 0, sizeof(*sh));
}

int
records_show(struct store *s, const char *origin, const char *ref,
    uint64_t at_ms, struct record_show *sh)
{
	struct feed_names	 fn;
	struct rec		*r = NULL;
	MDB_txn			*txn = NULL;
	MDB_val			 d;
	uint8_t			 rk[REC_KEY_MAX + 1];
	char			 o[AGENCY_ID_MAX + 1], kr[RECORD_REF_MAX + 1];
	const uint8_t		*h;
	size_t			 rklen = 0, i;
	int			 rv;

	memset(sh, 0, sizeof(*sh));
	memset(&fn, 0, sizeof(fn));
	if (ref == NULL)
		return LCN_EINVAL;
	if ((r = malloc(sizeof(*r))) == NULL)
		return LCN_ENOMEM;
	if ((rv = query_begin(s, &txn)) != 0 ||
	    (rv = feed_names_load(s, txn, &fn)) != 0 ||
	    (rv = find_record(s, txn, origin, ref, rk, &rklen, &d)) != 0 ||
	    (rv = rec_decode(d.mv_data, d.mv_size, r)) != 0 ||
	    (rv = record_key_parse(rk, rklen, o, kr)) != 0)
		goto out;
	info_fill(r, o, kr, at_ms, &fn, &sh->info);
	if ((rv = event_add(s, txn, &fn, sh, r->feedno, r->seq, 0, 0, o)) != 0)
		goto out;
	for (i = 0, h = r->hist; i < r->nhist; i++, h += REC_HIST_LEN)
		if ((rv = event_add(s, txn, &fn, sh, load_be32(h),
		    load_be64(h + 4), h[12], 0, o)) != 0)
			goto out;
	if ((rv = ignored_events(s, txn, &fn, rk, rklen, sh)) != 0)
		goto out;
	if (sh->nevents > 1)
		qsort(sh->events, sh->nevents, sizeof(*sh->events), event_cmp);
	rv = receipts_txn(s, txn, &fn, &sh->info.feed, r->seq, &sh->receipts,
	    &sh->nreceipts);
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	feed_names_free(&fn);
	free(r);
	if (rv != 0)
		records_show_free(sh);
	return rv;
}

int
records_receipts(struct store *s, const char *origin, const char *ref,
    struct record_receipt **out, size_t *n)
{
	struct feed_names	 fn;
	struct feed_id		 feed;
	struct rec		*r = NULL;
	MDB_txn			*txn = NULL;
	MDB_val			 d;
	uint8_t			 rk[REC_KEY_MAX + 1];
	size_t			 rklen = 0;
	int			 rv;

	*out = NULL;
	*n = 0;
	memset(&fn, 0, sizeof(fn));
	if (ref == NULL)
		return LCN_EINVAL;
	if ((r = malloc(sizeof(*r))) == NULL)
		return LCN_ENOMEM;
	if ((rv = query_begin(s, &txn)) != 0 ||
	    (rv = feed_names_load(s, txn, &fn)) != 0 ||
	    (rv = find_record(s, txn, origin, ref, rk, &rklen, &d)) != 0 ||
	    (rv = rec_decode(d.mv_data, d.mv_size, r)) != 0)
		goto out;
	feed_names_get(&fn, r->feedno, &feed);
	rv = receipts_txn(s, txn, &fn, &feed, r->seq, out, n);
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	feed_names_free(&fn);
	free(r);
	return rv;
}

/* ------------------------------------------------------------ controls */

int
records_controls(struct store *s, const char *regime, const char *entry,
    int stage, struct control_cell **out, size_t *n)
{
	struct feed_names	 fn;
	struct control_cell	*v = NULL, *nv, *cc;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL;
	MDB_val			 k, d;
	char			 rg[RECORD_REGIME_MAX + 1] = "";
	char			 en[DOMAIN_CONTROL_MAX + 1] = "";
	const char		*kp[3];
	const uint8_t		*p, *end, *nul;
	size_t			 nv_n = 0, cap = 0, i, l;
	int			 rc, r;

	*out = NULL;
	*n = 0;
	memset(&fn, 0, sizeof(fn));
	if (regime != NULL && regime[0] != '\0')
		rec_regime(regime, rg);
	if (entry != NULL && entry[0] != '\0')
		rec_control(entry, en);
	if ((r = query_begin(s, &txn)) != 0 ||
	    (r = feed_names_load(s, txn, &fn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, s->screen->rcontrol, &c)) != 0) {
		r = store_lmdb_err("rcontrol cursor", rc);
		goto out;
	}
	k.mv_data = rg;
	k.mv_size = rg[0] != '\0' ? strlen(rg) + 1 : 0;
	rc = k.mv_size ? mdb_cursor_get(c, &k, &d, MDB_SET_RANGE) :
	    mdb_cursor_get(c, &k, &d, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		char	 parts[3][AGENCY_ID_MAX + DOMAIN_CONTROL_MAX + 2];

		/* regime NUL entry NUL agency */
		p = k.mv_data;
		end = p + k.mv_size;
		for (i = 0; i < 3; i++) {
			nul = i < 2 ? memchr(p, '\0', (size_t)(end - p)) : end;
			if (nul == NULL || (l = (size_t)(nul - p)) >=
			    sizeof(parts[i]))
				break;
			memcpy(parts[i], p, l);
			parts[i][l] = '\0';
			kp[i] = parts[i];
			p = nul + (i < 2);
		}
		if (i < 3 || d.mv_size < 29)
			continue;
		if (rg[0] != '\0' && strcmp(kp[0], rg) != 0)
			break;	/* past the regime */
		if (en[0] != '\0' && !entry_within(en, kp[1]))
			continue;
		p = d.mv_data;
		if (stage != 0 && p[0] != stage)
			continue;
		if (nv_n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*nv))) == NULL) {
				r = LCN_ENOMEM;
				goto out;
			}
			v = nv;
		}
		cc = &v[nv_n++];
		memset(cc, 0, sizeof(*cc));
		str_copy(cc->regime, sizeof(cc->regime), kp[0]);
		str_copy(cc->entry, sizeof(cc->entry), kp[1]);
		str_copy(cc->agency, sizeof(cc->agency), kp[2]);
		cc->stage = p[0];
		cc->effective_ms = load_be64(p + 1);
		cc->created_ms = load_be64(p + 9);
		feed_names_get(&fn, load_be32(p + 17), &cc->feed);
		cc->seq = load_be64(p + 21);
		l = d.mv_size - 29 > RECORD_REF_MAX ? RECORD_REF_MAX :
		    d.mv_size - 29;
		memcpy(cc->ref, p + 29, l);
		cc->ref[l] = '\0';
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rcontrol cursor", rc);
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (txn != NULL)
		mdb_txn_abort(txn);
	feed_names_free(&fn);
	if (r != 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = nv_n;
	return 0;
}

/* ------------------------------------------------------------ splits */

int
records_splits(struct store *s, struct split_view **out, size_t *n)
{
	struct feed_names	 fn;
	struct split_view	*v = NULL, *nv, *sv;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL, *h = NULL;
	MDB_val			 k, d, hk, hd;
	uint8_t			 pre[1 + FEED_NAME_MAX + 1 + 8];
	const uint8_t		*p;
	size_t			 nv_n = 0, fl, j;
	int			 rc, r;

	*out = NULL;
	*n = 0;
	memset(&fn, 0, sizeof(fn));
	if ((r = query_begin(s, &txn)) != 0 ||
	    (r = feed_names_load(s, txn, &fn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, s->screen->rattest, &c)) != 0 ||
	    (rc = mdb_cursor_open(txn, s->screen->rattest, &h)) != 0) {
		r = store_lmdb_err("rattest cursor", rc);
		goto out;
	}
	k.mv_data = (void *)"s";
	k.mv_size = 1;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		p = k.mv_data;
		if (k.mv_size < 11 || p[0] != 's')
			break;
		fl = k.mv_size - 10;	/* feed name, without the NUL */
		if (fl > FEED_NAME_MAX || p[1 + fl] != '\0')
			continue;
		if ((nv = realloc(v, (nv_n + 1) * sizeof(*nv))) == NULL) {
			r = LCN_ENOMEM;
			goto out;
		}
		v = nv;
		sv = &v[nv_n];
		memset(sv, 0, sizeof(*sv));
		{
			char	 name[FEED_NAME_MAX + 1];

			memcpy(name, p + 1, fl);
			name[fl] = '\0';
			if (store_feed_key_parse(name, fl, &sv->feed) != 0)
				continue;
		}
		sv->seq = load_be64(p + 2 + fl);
		memcpy(pre, p, k.mv_size);
		pre[0] = 'h';
		hk.mv_data = pre;
		hk.mv_size = k.mv_size;
		j = 0;
		for (rc = mdb_cursor_get(h, &hk, &hd, MDB_SET_RANGE);
		    rc == 0 && j < 2; rc = mdb_cursor_get(h, &hk, &hd,
		    MDB_NEXT)) {
			if (hk.mv_size != k.mv_size + HASH_LEN ||
			    memcmp(hk.mv_data, pre, k.mv_size) != 0 ||
			    hd.mv_size != 12)
				break;
			memcpy(sv->proof[j].leaf_hash, (const uint8_t *)
			    hk.mv_data + k.mv_size, HASH_LEN);
			feed_names_get(&fn, load_be32(hd.mv_data),
			    &sv->proof[j].feed);
			sv->proof[j].seq = load_be64((const uint8_t *)
			    hd.mv_data + 4);
			str_copy(sv->proof[j].agency,
			    sizeof(sv->proof[j].agency),
			    sv->proof[j].feed.origin);
			j++;
		}
		if (rc != 0 && rc != MDB_NOTFOUND) {
			r = store_lmdb_err("rattest cursor", rc);
			goto out;
		}
		nv_n++;
		rc = 0;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rattest cursor", rc);
 out:
	if (h != NULL)
		mdb_cursor_close(h);
	if (c != NULL)
		mdb_cursor_close(c);
	if (txn != NULL)
		mdb_txn_abort(txn);
	feed_names_free(&fn);
	if (r != 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = nv_n;
	return 0;
}

/* ------------------------------------------------------------ refs */

int
records_ref_used(struct store *s, const char *origin, const char *ref,
    struct feed_id *feed, uint64_t *seq)
{
	struct feed_names	 fn;
	MDB_txn			*txn = NULL;
	MDB_val			 k, d;
	uint8_t			 key[1 + REC_KEY_MAX + 1];
	int			 rc, r;

	if (feed != NULL)
		memset(feed, 0, sizeof(*feed));
	if (seq != NULL)
		*seq = 0;
	if (origin == NULL || ref == NULL || ref[0] == '\0' ||
	    strlen(origin) > AGENCY_ID_MAX)
		return LCN_EINVAL;
	memset(&fn, 0, sizeof(fn));
	if ((r = query_begin(s, &txn)) != 0)
		return r;
	key[0] = 'u';
	k.mv_data = key;
	k.mv_size = 1 + record_key(origin, ref, key + 1);
	if ((rc = mdb_get(txn, s->screen->rrefs, &k, &d)) == MDB_NOTFOUND)
		r = LCN_ENOTFOUND;
	else if (rc != 0)
		r = store_lmdb_err("rrefs get", rc);
	else if (d.mv_size != 12)
		r = LCN_ESTORE;
	else if ((r = feed_names_load(s, txn, &fn)) == 0) {
		if (feed != NULL)
			feed_names_get(&fn, load_be32(d.mv_data), feed);
		if (seq != NULL)
			*seq = load_be64((const uint8_t *)d.mv_data + 4);
	}
	mdb_txn_abort(txn);
	feed_names_free(&fn);
	return r;
}

int
records_ref_max(struct store *s, const char *origin, const char *kind,
    unsigned year, uint64_t *number)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k, d;
	uint8_t	 key[1 + AGENCY_ID_MAX + 1 + 16 + 4];
	size_t	 ol, kl;
	int	 rc, r;

	*number = 0;
	if (origin == NULL || kind == NULL ||
	    (ol = strlen(origin)) > AGENCY_ID_MAX || (kl = strlen(kind)) > 15)
		return LCN_EINVAL;
	if ((r = query_begin(s, &txn)) != 0)
		return r;
	key[0] = 'n';
	memcpy(key + 1, origin, ol + 1);
	memcpy(key + 2 + ol, kind, kl + 1);
	store_be32(key + 3 + ol + kl, year);
	k.mv_data = key;
	k.mv_size = 7 + ol + kl;
	if ((rc = mdb_get(txn, s->screen->rrefs, &k, &d)) == 0 &&
	    d.mv_size == 8)
		*number = load_be64(d.mv_data);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rrefs get", rc);
	mdb_txn_abort(txn);
	return r;
}
