/*
 * Applying one ledger entry to the records' tables (records_int.h): the
 * state transition of its record (domain.c's tracks, one update at a
 * time) and the table writes, in the transaction of the catch-up step
 * that indexes the entry (screen_mark.c).
 *
 * What a table holds depends only on which entries the ledger holds, not
 * on the order in which feeds were indexed, so that a rebuild gives the
 * same bytes as the entry-by-entry catch-up: an update applies only to
 * the record whose notice is in its own feed (ordered by seq there); a
 * receipt, a ref's first use and an attested head keep the least entry
 * naming them, a ref number the highest. The one exception is a ref used
 * by two notices in two groups of one origin (which the origin's own
 * validation refuses): the notice indexed first stands.
 */
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "log.h"
#include "records_consult_int.h"
#include "records_int.h"
#include "util.h"

/* The entry being applied. */
struct apply {
	struct store		*s;
	MDB_txn			*txn;
	const struct feed_id	*f;
	uint32_t		 feedno;
	uint64_t		 seq;
	const Lcn__Entry	*e;
	uint8_t			*held;	/* REC_VAL_MAX: a record read */
};

static int
loc_less(uint32_t fa, uint64_t sa, uint32_t fb, uint64_t sb)
{
	return fa != fb ? fa < fb : sa < sb;
}

/* ------------------------------------------------------------ refs */

int
records_ref_note(struct store *s, MDB_txn *txn, const char *origin,
    uint32_t feedno, uint64_t seq, const char *ref)
{
	struct screen		*sc = s->screen;
	struct domain_ref	 dr;
	uint8_t			 key[1 + REC_KEY_MAX + 16], val[12];
	MDB_val			 k, d;
	size_t			 l;
	int			 rc;

	if (ref == NULL || ref[0] == '\0')
		return 0;
	key[0] = 'u';
	k.mv_data = key;
	k.mv_size = 1 + record_key(origin, ref, key + 1);
	rc = mdb_get(txn, sc->rrefs, &k, &d);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("rrefs get", rc);
	if (rc == MDB_NOTFOUND || d.mv_size != 12 ||
	    loc_less(feedno, seq, load_be32(d.mv_data),
	    load_be64((const uint8_t *)d.mv_data + 4))) {
		store_be32(val, feedno);
		store_be64(val + 4, seq);
		d.mv_data = val;
		d.mv_size = 12;
		if ((rc = screen_row_put(s, txn, sc->rrefs, &k, &d)) != 0)
			return store_lmdb_err("rrefs put", rc);
	}
	/* Numbers count in the origin's own namespace only. */
	if (domain_ref_parse(ref, &dr) != 0 || strcmp(dr.origin, origin) != 0)
		return 0;
	key[0] = 'n';
	l = strlen(dr.origin);
	memcpy(key + 1, dr.origin, l + 1);
	memcpy(key + 2 + l, dr.kind, strlen(dr.kind) + 1);
	l += 2 + strlen(dr.kind) + 1;
	store_be32(key + l, dr.year);
	k.mv_data = key;
	k.mv_size = l + 4;
	rc = mdb_get(txn, sc->rrefs, &k, &d);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("rrefs get", rc);
	if (rc == 0 && d.mv_size == 8 && load_be64(d.mv_data) >= dr.number)
		return 0;
	store_be64(val, dr.number);
	d.mv_data = val;
	d.mv_size = 8;
	if ((rc = screen_row_put(s, txn, sc->rrefs, &k, &d)) != 0)
		return store_lmdb_err("rrefs put", rc);
	return 0;
}

const char *
records_entry_ref(const void *entry)
{
	const Lcn__Entry *e = entry;

	switch (e->body_case) {
	case LCN__ENTRY__BODY_DENIAL_NOTICE:
		return e->denial_notice->ref;
	case LCN__ENTRY__BODY_DENIAL_UPDATE:
		return e->denial_update->ref;
	case LCN__ENTRY__BODY_END_USER_ALERT:
		return e->end_user_alert->ref;
	case LCN__ENTRY__BODY_ALERT_UPDATE:
		return e->alert_update->ref;
	case LCN__ENTRY__BODY_CONTROL_STATUS:
		return e->control_status->ref;
	case LCN__ENTRY__BODY_HEADS_ATTESTATION:
		return e->heads_attestation->ref;
	case LCN__ENTRY__BODY_CONSULTATION_REQUEST:
		return e->consultation_request->ref;
	case LCN__ENTRY__BODY_CONSULTATION_REPLY:
		return e->consultation_reply->ref;
	case LCN__ENTRY__BODY_CONSULTATION_INFO:
		return e->consultation_info->ref;
	case LCN__ENTRY__BODY_LICENCE_DECISION:
		return e->licence_decision->ref;
	default:
		return NULL;
	}
}

/* ------------------------------------------------------------ records */

/* Records an entry that had no effect on the record origin/ref. */
static int
ignore(struct apply *a, const char *origin, const char *ref, int reason,
    int action)
{
	uint8_t	key[REC_KEY_MAX + 1 + 12], val[IGN_VAL_LEN];
	MDB_val	k, d;
	size_t	l;
	int	rc;

	l = record_key(origin, ref, key);
	key[l++] = '\0';
	store_be32(key + l, a->feedno);
	store_be64(key + l + 4, a->seq);
	k.mv_data = key;
	k.mv_size = l + 12;
	val[0] = (uint8_t)reason;
	val[1] = (uint8_t)a->e->body_case;
	val[2] = (uint8_t)action;
	l = strlen(a->f->origin);
	val[3] = (uint8_t)l;
	memcpy(val + 4, a->f->origin, l);
	d.mv_data = val;
	d.mv_size = 4 + l;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rignored, &k,
	    &d)) != 0)
		return store_lmdb_err("rignored put", rc);
	return 0;
}

static void
fill_denial(const Lcn__DenialNotice *n, struct rec *r)
{
	size_t i;

	rec_regime(n->regime, r->regime);
	rec_country(n->destination_country, r->country);
	r->from_ms = n->decision_date_ms;
	for (i = 0; i < n->n_items && i < REPEATED_MAX; i++)
		rec_control(n->items[i]->control_entry, r->controls[i]);
	r->ncontrols = i;
}

static void
fill_alert(const Lcn__EndUserAlert *al, struct rec *r)
{
	size_t i;

	rec_country(al->via_country, r->country);
	for (i = 0; i < al->n_control_entries && i < REPEATED_MAX; i++)
		rec_control(al->control_entries[i], r->controls[i]);
	r->ncontrols = i;
}

static struct rec *
rec_new(void)
{
	return malloc(sizeof(struct rec));
}

/*
 * Writes record rk: its value (with one more history item if extra) and
 * its index keys, replacing old's (NULL for a new record).
 */
static int
rec_put(struct apply *a, const uint8_t *rk, size_t rklen,
    const struct rec *old, const struct rec *r, const uint8_t *extra)
{
	struct screen	*sc = a->s->screen;
	uint8_t		(*keys)[REC_INDEX_KEY_MAX] = NULL, *buf = NULL;
	size_t		 lens[REC_INDEX_KEYS_MAX], n, i;
	MDB_val		 k, d;
	int		 rc, r2 = 0;

	/* As many keys as either record has (usually 3), not the most. */
	n = (old != NULL && old->ncontrols > r->ncontrols ? old->ncontrols :
	    r->ncontrols) + 2;
	if ((keys = malloc(n * sizeof(*keys))) == NULL ||
	    (buf = malloc(REC_VAL_MAX)) == NULL) {
		r2 = LCN_ENOMEM;
		goto out;
	}
	d.mv_data = NULL;
	d.mv_size = 0;
	if (old != NULL) {
		n = rec_index_keys(old, rk, rklen, keys, lens);
		for (i = 0; i < n; i++) {
			k.mv_data = keys[i];
			k.mv_size = lens[i];
			if ((rc = screen_row_del(a->s, a->txn, sc->rindex,
			    &k)) != 0 &&
			    rc != MDB_NOTFOUND) {
				r2 = store_lmdb_err("rindex del", rc);
				goto out;
			}
		}
	}
	n = rec_index_keys(r, rk, rklen, keys, lens);
	for (i = 0; i < n; i++) {
		k.mv_data = keys[i];
		k.mv_size = lens[i];
		d.mv_data = NULL;
		d.mv_size = 0;
		if ((rc = screen_row_put(a->s, a->txn, sc->rindex, &k,
		    &d)) != 0) {
			r2 = store_lmdb_err("rindex put", rc);
			goto out;
		}
	}
	k.mv_data = (void *)rk;
	k.mv_size = rklen;
	d.mv_data = buf;
	d.mv_size = rec_encode(r, extra, buf);
	if ((rc = screen_row_put(a->s, a->txn, sc->rrecs, &k, &d)) != 0)
		r2 = store_lmdb_err("rrecs put", rc);
 out:
	free(keys);
	free(buf);
	return r2;
}

/* Reads record rk into *r; 0, LCN_ENOTFOUND or an error. */
static int
rec_get(struct apply *a, const uint8_t *rk, size_t rklen, struct rec *r)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)rk;
	k.mv_size = rklen;
	if ((rc = mdb_get(a->txn, a->s->screen->rrecs, &k, &d)) ==
	    MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("rrecs get", rc);
	/* A value read in a write txn lasts only until the next write. */
	if (d.mv_size > REC_VAL_MAX)
		return rec_decode(d.mv_data, 0, r);
	memcpy(a->held, d.mv_data, d.mv_size);
	return rec_decode(a->held, d.mv_size, r);
}

/* A DenialNotice or an EndUserAlert: a new record, or an ignored one. */
static int
apply_notice(struct apply *a, enum record_kind kind, const char *ref)
{
	struct domain_denial_track	 dt;
	struct domain_denial		 dd;
	struct rec			*r;
	uint8_t				 rk[REC_KEY_MAX + 1];
	size_t				 rklen;
	int				 rv;

	if (ref == NULL || ref[0] == '\0')
		return 0;	/* nothing could ever name it */
	if ((r = rec_new()) == NULL)
		return LCN_ENOMEM;
	rklen = record_key(a->f->origin, ref, rk);
	if ((rv = rec_get(a, rk, rklen, r)) == 0) {
		/* A ref's identity is (origin, ref): the first stands. */
		rv = ignore(a, a->f->origin, ref,
		    RECORD_IGNORED_DUPLICATE_REF, 0);
		goto out;
	}
	if (rv != LCN_ENOTFOUND && rv != LCN_ESTORE)
		goto out;
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->feedno = r->body_feedno = a->feedno;
	r->seq = r->body_seq = a->seq;
	r->created_ms = a->e->created_ms;
	if (kind == RECORD_DENIAL) {
		const Lcn__DenialNotice *n = a->e->denial_notice;

		r->state = DOMAIN_DENIAL_ACTIVE;
		fill_denial(n, r);
		memset(&dd, 0, sizeof(dd));
		dd.decision_ms = n->decision_date_ms;
		dd.review_ms = n->review_date_ms;
		domain_denial_track_init(&dd, &dt);
		r->until_ms = dt.review_ms;
	} else {
		const Lcn__EndUserAlert *al = a->e->end_user_alert;

		r->state = DOMAIN_ALERT_ACTIVE;
		/* An alert names no regime: the group it went to is one. */
		rec_regime(a->f->group, r->regime);
		fill_alert(al, r);
		r->from_ms = al->valid_from_ms;
		r->until_ms = al->valid_until_ms;
	}
	rv = rec_put(a, rk, rklen, NULL, r, NULL);
 out:
	free(r);
	return rv;
}

/*
 * A DenialUpdate or an AlertUpdate of target_ref: the record's next
 * state, or an ignored entry with the reason.
 */
static int
apply_update(struct apply *a, enum record_kind kind, const char *target_ref,
    int action)
{
	struct domain_denial_track	 dt;
	struct domain_alert_track	 at;
	struct domain_denial_update	 du;
	struct domain_alert_update	 au;
	struct domain_denial		 dd;
	struct domain_alert		 da;
	struct rec			*old = NULL, *r = NULL;
	enum domain_step		 step;
	char				 origin[AGENCY_ID_MAX + 1];
	uint8_t				 rk[REC_KEY_MAX + 1];
	uint8_t				 extra[REC_HIST_LEN];
	size_t				 rklen;
	int				 rv, why = 0;

	if (target_ref == NULL || target_ref[0] == '\0')
		return 0;
	/* The record named: in its ref's namespace, else the signer's. */
	if (domain_ref_origin(target_ref, origin, sizeof(origin)) != 0)
		str_copy(origin, sizeof(origin), a->f->origin);
	if (strcmp(origin, a->f->origin) != 0)
		return ignore(a, origin, target_ref,
		    RECORD_IGNORED_OTHER_ORIGIN, action);
	if ((old = rec_new()) == NULL || (r = rec_new()) == NULL) {
		rv = LCN_ENOMEM;
		goto out;
	}
	rklen = record_key(origin, target_ref, rk);
	if ((rv = rec_get(a, rk, rklen, old)) == LCN_ENOTFOUND ||
	    rv == LCN_ESTORE || (rv == 0 && old->feedno != a->feedno)) {
		/* Only in its own feed is an update ordered after it. */
		rv = ignore(a, origin, target_ref, RECORD_IGNORED_UNKNOWN_REF,
		    action);
		goto out;
	}
	if (rv != 0)
		goto out;
	if (old->kind != kind)
		why = RECORD_IGNORED_WRONG_KIND;
	else if (old->nhist >= REC_HIST_MAX)
		why = RECORD_IGNORED_INVALID;
	if (why != 0) {
		rv = ignore(a, origin, target_ref, why, action);
		goto out;
	}
	memcpy(r, old, sizeof(*r));
	if (kind == RECORD_DENIAL) {
		const Lcn__DenialUpdate *u = a->e->denial_update;

		dt.review_ms = old->until_ms;
		dt.suspended = old->state == DOMAIN_DENIAL_SUSPENDED;
		dt.revoked = old->state == DOMAIN_DENIAL_REVOKED;
		memset(&du, 0, sizeof(du));
		du.action = (enum domain_denial_action)u->action;
		du.new_review_ms = u->new_review_date_ms;
		if (u->amended != NULL) {
			memset(&dd, 0, sizeof(dd));
			dd.decision_ms = u->amended->decision_date_ms;
			dd.review_ms = u->amended->review_date_ms;
			du.amended = &dd;
		}
		step = domain_denial_track_step(&dt, &du);
		if (step == DOMAIN_STEP_APPLIED) {
			r->until_ms = dt.review_ms;
			r->state = dt.revoked ? DOMAIN_DENIAL_REVOKED :
			    dt.suspended ? DOMAIN_DENIAL_SUSPENDED :
			    DOMAIN_DENIAL_ACTIVE;
			if (du.action == DOMAIN_DENIAL_AMEND)
				fill_denial(u->amended, r);
		}
	} else {
		const Lcn__AlertUpdate *u = a->e->alert_update;

		at.valid_from_ms = old->from_ms;
		at.valid_until_ms = old->until_ms;
		at.withdrawn = old->state == DOMAIN_ALERT_WITHDRAWN;
		memset(&au, 0, sizeof(au));
		au.action = (enum domain_alert_action)u->action;
		au.valid_until_ms = u->valid_until_ms;
		if (u->amended != NULL) {
			memset(&da, 0, sizeof(da));
			da.valid_from_ms = u->amended->valid_from_ms;
			da.valid_until_ms = u->amended->valid_until_ms;
			au.amended = &da;
		}
		step = domain_alert_track_step(&at, &au);
		if (step == DOMAIN_STEP_APPLIED) {
			r->from_ms = at.valid_from_ms;
			r->until_ms = at.valid_until_ms;
			r->state = at.withdrawn ? DOMAIN_ALERT_WITHDRAWN :
			    DOMAIN_ALERT_ACTIVE;
			if (au.action == DOMAIN_ALERT_AMEND)
				fill_alert(u->amended, r);
		}
	}
	if (step != DOMAIN_STEP_APPLIED) {
		rv = ignore(a, origin, target_ref, step == DOMAIN_STEP_TERMINAL ?
		    RECORD_IGNORED_TERMINAL : RECORD_IGNORED_INVALID, action);
		goto out;
	}
	if ((kind == RECORD_DENIAL && action == DOMAIN_DENIAL_AMEND) ||
	    (kind == RECORD_ALERT && action == DOMAIN_ALERT_AMEND)) {
		r->body_feedno = a->feedno;
		r->body_seq = a->seq;
	}
	store_be32(extra, a->feedno);
	store_be64(extra + 4, a->seq);
	extra[12] = (uint8_t)action;
	rv = rec_put(a, rk, rklen, old, r, extra);
 out:
	free(old);
	free(r);
	return rv;
}

/* ------------------------------------------------------------ control */

/*
 * rcontrol value: u8 stage, be64 effective, be64 created, be32 feed,
 * be64 seq, the ref's bytes. An agency's latest word on an entry is the
 * highest (created_ms, feed number, seq).
 */
static int
apply_control(struct apply *a)
{
	const Lcn__ControlStatus *cs = a->e->control_status;
	char		 regime[RECORD_REGIME_MAX + 1];
	char		 entry[DOMAIN_CONTROL_MAX + 1];
	uint8_t		 key[RECORD_REGIME_MAX + DOMAIN_CONTROL_MAX +
			     AGENCY_ID_MAX + 3];
	uint8_t		 val[29 + RECORD_REF_MAX];
	const uint8_t	*p;
	MDB_val		 k, d;
	size_t		 l, n = 0;
	int		 rc;

	rec_regime(cs->regime, regime);
	rec_control(cs->control_entry, entry);
	if (entry[0] == '\0')
		return 0;
	l = strlen(regime);
	memcpy(key, regime, l + 1);
	n = l + 1;
	l = strlen(entry);
	memcpy(key + n, entry, l + 1);
	n += l + 1;
	l = strlen(a->f->origin);
	memcpy(key + n, a->f->origin, l);
	n += l;
	k.mv_data = key;
	k.mv_size = n;
	rc = mdb_get(a->txn, a->s->screen->rcontrol, &k, &d);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("rcontrol get", rc);
	if (rc == 0 && d.mv_size >= 29) {
		p = d.mv_data;
		if (load_be64(p + 9) > a->e->created_ms ||
		    (load_be64(p + 9) == a->e->created_ms &&
		    !loc_less(load_be32(p + 17), load_be64(p + 21), a->feedno,
		    a->seq)))
			return 0;	/* what it holds is later */
	}
	val[0] = (uint8_t)cs->stage;
	store_be64(val + 1, cs->effective_date_ms);
	store_be64(val + 9, a->e->created_ms);
	store_be32(val + 17, a->feedno);
	store_be64(val + 21, a->seq);
	l = cs->ref != NULL ? strlen(cs->ref) : 0;
	if (l > RECORD_REF_MAX)
		l = RECORD_REF_MAX;
	if (l > 0)
		memcpy(val + 29, cs->ref, l);
	d.mv_data = val;
	d.mv_size = 29 + l;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rcontrol, &k,
	    &d)) != 0)
		return store_lmdb_err("rcontrol put", rc);
	return 0;
}

/* ------------------------------------------------------------ receipts */

/* Puts key -> val unless the value held says an earlier entry. */
static int
put_least(struct apply *a, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen, size_t loc_off, uint64_t first,
    int *inserted)
{
	MDB_val		 k, d;
	const uint8_t	*p;
	int		 rc;

	*inserted = 0;
	k.mv_data = (void *)key;
	k.mv_size = klen;
	rc = mdb_get(a->txn, a->s->screen->rattest, &k, &d);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("rattest get", rc);
	if (rc == 0 && d.mv_size == vlen) {
		p = d.mv_data;
		/* Least (first, feed, seq); first is as_of or 0. */
		if (loc_off > 0 && load_be64(p) != first) {
			if (load_be64(p) < first)
				return 0;
		} else if (!loc_less(a->feedno, a->seq,
		    load_be32(p + loc_off), load_be64(p + loc_off + 4)))
			return 0;
	}
	*inserted = rc == MDB_NOTFOUND;
	d.mv_data = (void *)val;
	d.mv_size = vlen;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rattest, &k,
	    &d)) != 0)
		return store_lmdb_err("rattest put", rc);
	return 0;
}

/* A second leaf hash for (feed, seq)? Then a split view: 's' key. */
static int
note_split(struct apply *a, const char *feed, uint64_t seq)
{
	uint8_t		 pre[1 + FEED_NAME_MAX + 1 + 8];
	uint8_t		 skey[1 + FEED_NAME_MAX + 1 + 8];
	MDB_cursor	*c;
	MDB_val		 k, d;
	size_t		 plen, n = 0;
	int		 rc;

	plen = attest_key('h', feed, NULL, seq, NULL, pre);
	if ((rc = mdb_cursor_open(a->txn, a->s->screen->rattest, &c)) != 0)
		return store_lmdb_err("rattest cursor", rc);
	k.mv_data = pre;
	k.mv_size = plen;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0 && n < 2;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != plen + HASH_LEN ||
		    memcmp(k.mv_data, pre, plen) != 0)
			break;
		n++;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("rattest cursor", rc);
	if (n < 2)
		return 0;
	k.mv_data = skey;
	k.mv_size = attest_key('s', feed, NULL, seq, NULL, skey);
	d.mv_data = NULL;
	d.mv_size = 0;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rattest, &k,
	    &d)) != 0)
		return store_lmdb_err("rattest put", rc);
	if (n == 2)
		log_warnx("store", "split view: two attestations of %s at seq "
		    "%llu give different leaf hashes (found indexing %s/%s "
		    "seq %llu)", feed, (unsigned long long)seq, a->f->origin,
		    a->f->group, (unsigned long long)a->seq);
	return 0;
}

static int
apply_attestation(struct apply *a)
{
	const Lcn__HeadsAttestation *ha = a->e->heads_attestation;
	const Lcn__Head	*h;
	char		 feed[FEED_NAME_MAX + 2];
	uint8_t		 key[1 + FEED_NAME_MAX + 1 + AGENCY_ID_MAX + 1 + 8 +
			     HASH_LEN], val[20];
	size_t		 i, klen;
	int		 rv, inserted;

	for (i = 0; i < ha->n_heads; i++) {
		h = ha->heads[i];
		/*
		 * A head of another group's feed is no part of an
		 * attestation of this group (PROTOCOL.md 3.11): a partner
		 * outside that group could otherwise give itself receipts
		 * and make split views of feeds it may not hold.
		 */
		if (h == NULL || h->origin == NULL || h->group == NULL ||
		    !agency_id_valid(h->origin) ||
		    !group_name_valid(h->group) || h->seq == 0 ||
		    h->leaf_hash.len != HASH_LEN ||
		    strcmp(h->group, a->f->group) != 0)
			continue;	/* PROTOCOL.md 3.11: never stored */
		snprintf(feed, sizeof(feed), "%s/%s", h->origin, h->group);
		/* Receipt: the attester held seq since as_of. */
		klen = attest_key('r', feed, a->f->origin, h->seq, NULL, key);
		store_be64(val, ha->as_of_ms);
		store_be32(val + 8, a->feedno);
		store_be64(val + 12, a->seq);
		if ((rv = put_least(a, key, klen, val, 20, 8, ha->as_of_ms,
		    &inserted)) != 0)
			return rv;
		/* The head as attested, for split views. */
		klen = attest_key('h', feed, NULL, h->seq, h->leaf_hash.data,
		    key);
		if ((rv = put_least(a, key, klen, val + 8, 12, 0, 0,
		    &inserted)) != 0)
			return rv;
		if (inserted && (rv = note_split(a, feed, h->seq)) != 0)
			return rv;
	}
	return 0;
}

/* ------------------------------------------------------------ entry */

static int	apply_body(struct apply *);

int
records_apply(struct store *s, MDB_txn *txn, const struct feed_id *f,
    uint32_t feedno, uint64_t seq, const void *entry)
{
	struct apply	 a;
	const Lcn__Entry *e = entry;
	int		 rv;

	a.s = s;
	a.txn = txn;
	a.f = f;
	a.feedno = feedno;
	a.seq = seq;
	a.e = e;
	a.held = NULL;
	switch (e->body_case) {
	case LCN__ENTRY__BODY_DENIAL_NOTICE:
	case LCN__ENTRY__BODY_DENIAL_UPDATE:
	case LCN__ENTRY__BODY_END_USER_ALERT:
	case LCN__ENTRY__BODY_ALERT_UPDATE:
		if ((a.held = malloc(REC_VAL_MAX)) == NULL)
			return LCN_ENOMEM;
		break;
	default:
		break;
	}
	rv = apply_body(&a);
	free(a.held);
	return rv;
}

static int
apply_body(struct apply *a)
{
	const Lcn__Entry *e = a->e;
	int		 rv;

	if ((rv = records_ref_note(a->s, a->txn, a->f->origin, a->feedno,
	    a->seq, records_entry_ref(e))) != 0)
		return rv;
	switch (e->body_case) {
	case LCN__ENTRY__BODY_DENIAL_NOTICE:
		return apply_notice(a, RECORD_DENIAL, e->denial_notice->ref);
	case LCN__ENTRY__BODY_DENIAL_UPDATE:
		return apply_update(a, RECORD_DENIAL,
		    e->denial_update->denial_ref, e->denial_update->action);
	case LCN__ENTRY__BODY_END_USER_ALERT:
		return apply_notice(a, RECORD_ALERT, e->end_user_alert->ref);
	case LCN__ENTRY__BODY_ALERT_UPDATE:
		return apply_update(a, RECORD_ALERT,
		    e->alert_update->alert_ref, e->alert_update->action);
	case LCN__ENTRY__BODY_CONTROL_STATUS:
		return apply_control(a);
	case LCN__ENTRY__BODY_HEADS_ATTESTATION:
		return apply_attestation(a);
	case LCN__ENTRY__BODY_CONSULTATION_REQUEST:
	case LCN__ENTRY__BODY_CONSULTATION_REPLY:
	case LCN__ENTRY__BODY_CONSULTATION_INFO:
	case LCN__ENTRY__BODY_LICENCE_DECISION:
		/* The consultations' own tables (records_consult.c). */
		return records_consult_apply(a->s, a->txn, a->f, a->feedno,
		    a->seq, e);
	default:
		return 0;
	}
}
