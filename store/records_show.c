/*
 * One record of the derived state shown whole (records_show): its
 * current information, its history of updates and ignored updates in
 * ledger order, and the receipts partners gave for its entries
 * (records_receipts). Reads in one read transaction, like every query.
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
	if ((rv = records_query_begin(s, &txn)) != 0 ||
	    (rv = feed_names_load(s, txn, &fn)) != 0 ||
	    (rv = find_record(s, txn, origin, ref, rk, &rklen, &d)) != 0 ||
	    (rv = rec_decode(d.mv_data, d.mv_size, r)) != 0 ||
	    (rv = record_key_parse(rk, rklen, o, kr)) != 0)
		goto out;
	records_info_fill(r, o, kr, at_ms, &fn, &sh->info);
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
	if ((rv = records_query_begin(s, &txn)) != 0 ||
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

