/*
 * Applying consultation entries to the consultations' tables
 * (records_consult_int.h), in the transaction of the catch-up step that
 * indexes them (screen.c calls records_apply(), which hands these bodies
 * here).
 *
 * The request is in the asker's feed of the pair's group, the replies in
 * the consulted agency's: the indexer may meet a reply before its request
 * (feeds are indexed one after the other), and two nodes meet them in
 * different orders. So nothing is stepped as it arrives: every entry
 * naming a consultation is kept in rcevent, in an order that depends only
 * on the entries (the request first, then by created_ms, signer, group
 * and seq), and each new one replays the consultation from its request
 * through consult.h's state machine. What a table holds then depends
 * only on which entries the ledger holds. A consultation's entries are
 * few, and only its two agencies can sign in its group, so the replay
 * stays short. The one exception is as for records: a ref used by two
 * requests of one origin in two pair groups (its own validation refuses
 * this) is the consultation of whichever was indexed first.
 */
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "log.h"
#include "records_consult_int.h"
#include "util.h"

/* Follow-up entries replayed per consultation; later ones stay ignored. */
#define CONS_EVENTS_MAX	4096

struct capply {
	struct store		*s;
	MDB_txn			*txn;
	const struct feed_id	*f;
	uint32_t		 feedno;
	uint64_t		 seq;
	const Lcn__Entry	*e;
};

/* The other member of pair group "A+B" than self, into out; 0 or -1. */
static int
pair_other(const char *group, const char *self, char *out)
{
	const char	*plus = strchr(group, '+');
	size_t		 l;

	if (plus == NULL)
		return -1;
	l = (size_t)(plus - group);
	if (strlen(self) == l && strncmp(group, self, l) == 0) {
		str_copy(out, AGENCY_ID_MAX + 1, plus + 1);
		return 0;
	}
	if (strcmp(plus + 1, self) == 0 && l <= AGENCY_ID_MAX) {
		memcpy(out, group, l);
		out[l] = '\0';
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------------ rignored */

/* The rignored row of event ev of consultation ck: put (why != 0) or
 * deleted. Keyed like the records' rows, by this node's feed number. */
static int
ignored_put(struct capply *a, const uint8_t *ck, size_t cklen,
    const struct cev *ev, int why)
{
	struct feed_id	 fid;
	struct feed_rec	 fr;
	uint8_t		 key[REC_KEY_MAX + 1 + 12], val[IGN_VAL_LEN];
	MDB_val		 k, d;
	size_t		 l;
	int		 rc;

	memset(&fid, 0, sizeof(fid));
	str_copy(fid.origin, sizeof(fid.origin), ev->signer);
	str_copy(fid.group, sizeof(fid.group), ev->group);
	if ((rc = store_feedrec_get(a->s, a->txn, &fid, &fr)) != 0)
		return rc == LCN_ENOTFOUND ? 0 : rc;
	memcpy(key, ck, cklen);
	l = cklen;
	key[l++] = '\0';
	store_be32(key + l, fr.no);
	store_be64(key + l + 4, ev->seq);
	k.mv_data = key;
	k.mv_size = l + 12;
	if (why == 0) {
		rc = screen_row_del(a->s, a->txn, a->s->screen->rignored, &k);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return store_lmdb_err("rignored del", rc);
		return 0;
	}
	val[0] = (uint8_t)why;
	val[1] = ev->body;
	val[2] = ev->what;
	l = strlen(ev->signer);
	val[3] = (uint8_t)l;
	memcpy(val + 4, ev->signer, l);
	d.mv_data = val;
	d.mv_size = 4 + l;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rignored, &k,
	    &d)) != 0)
		return store_lmdb_err("rignored put", rc);
	return 0;
}

/* ------------------------------------------------------------ rcindex */

static int
cix_put(struct capply *a, const uint8_t *key, size_t len)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)key;
	k.mv_size = len;
	d.mv_data = NULL;
	d.mv_size = 0;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rcindex, &k,
	    &d)) != 0)
		return store_lmdb_err("rcindex put", rc);
	return 0;
}

/* Writes consultation ck as c, moving its index keys from old's. */
static int
cons_put(struct capply *a, const char *asker, const uint8_t *ck,
    size_t cklen, const struct cons *old, const struct cons *c)
{
	uint8_t	keys[CIX_KEYS][CIX_KEY_MAX], buf[CONS_VAL_MAX];
	size_t	lens[CIX_KEYS], n, i;
	MDB_val	k, d;
	int	rc;

	if (old != NULL) {
		n = cons_state_keys(old, asker, ck, cklen, keys, lens);
		for (i = 0; i < n; i++) {
			k.mv_data = keys[i];
			k.mv_size = lens[i];
			rc = screen_row_del(a->s, a->txn, a->s->screen->rcindex,
			    &k);
			if (rc != 0 && rc != MDB_NOTFOUND)
				return store_lmdb_err("rcindex del", rc);
		}
	}
	n = cons_state_keys(c, asker, ck, cklen, keys, lens);
	for (i = 0; i < n; i++)
		if ((rc = cix_put(a, keys[i], lens[i])) != 0)
			return rc;
	k.mv_data = (void *)ck;
	k.mv_size = cklen;
	d.mv_data = buf;
	d.mv_size = cons_encode(c, buf);
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rconsult, &k,
	    &d)) != 0)
		return store_lmdb_err("rconsult put", rc);
	return 0;
}

/* Reads consultation ck; 0, LCN_ENOTFOUND or an error. */
static int
cons_get(struct capply *a, const uint8_t *ck, size_t cklen, struct cons *c)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)ck;
	k.mv_size = cklen;
	rc = mdb_get(a->txn, a->s->screen->rconsult, &k, &d);
	if (rc == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("rconsult get", rc);
	return cons_decode(d.mv_data, d.mv_size, c);
}

/* ------------------------------------------------------------ events */

static int
cev_put(struct capply *a, const uint8_t *ck, size_t cklen,
    const struct cev *ev)
{
	uint8_t	key[CEV_KEY_MAX], val[CEV_VAL_MAX];
	MDB_val	k, d;
	int	rc;

	k.mv_data = key;
	k.mv_size = cev_key(ck, cklen, ev, key);
	d.mv_data = val;
	d.mv_size = cev_encode(ev, val);
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rcevent, &k,
	    &d)) != 0)
		return store_lmdb_err("rcevent put", rc);
	return 0;
}

/* Every event of consultation ck, in key order, copied out. */
static int
cev_load(struct capply *a, const uint8_t *ck, size_t cklen, struct cev **out,
    size_t *n)
{
	uint8_t		 pre[REC_KEY_MAX + 2];
	MDB_cursor	*c;
	MDB_val		 k, d;
	struct cev	*v = NULL, *nv;
	size_t		 cap = 0;
	int		 rc, r = 0;

	*out = NULL;
	*n = 0;
	memcpy(pre, ck, cklen);
	pre[cklen] = '\0';
	if ((rc = mdb_cursor_open(a->txn, a->s->screen->rcevent, &c)) != 0)
		return store_lmdb_err("rcevent cursor", rc);
	k.mv_data = pre;
	k.mv_size = cklen + 1;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size <= cklen + 1 ||
		    memcmp(k.mv_data, pre, cklen + 1) != 0)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				r = LCN_ENOMEM;
				break;
			}
			v = nv;
		}
		if (cev_decode(k.mv_data, k.mv_size, cklen, d.mv_data,
		    d.mv_size, &v[*n]) == 0)
			(*n)++;
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rcevent cursor", rc);
	mdb_cursor_close(c);
	if (r != 0) {
		free(v);
		*n = 0;
		return r;
	}
	*out = v;
	return 0;
}

/*
 * Replays consultation ck (asker's) from its request through every entry
 * that names it, in rcevent order: each event's outcome into its row and
 * rignored, the consultation into rconsult with its state keys.
 */
static int
replay(struct capply *a, const char *asker, const uint8_t *ck, size_t cklen)
{
	struct consult_request_view	 rv;
	struct cons			*old = NULL, *c = NULL;
	struct cev			*ev = NULL;
	size_t				 n, i, follows = 0;
	int				 r, have, step;

	if ((old = malloc(sizeof(*old))) == NULL ||
	    (c = malloc(sizeof(*c))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	if ((r = cons_get(a, ck, cklen, old)) != 0 && r != LCN_ENOTFOUND &&
	    r != LCN_ESTORE)
		goto out;
	have = r == 0;
	if ((r = cev_load(a, ck, cklen, &ev, &n)) != 0)
		goto out;
	if (have) {
		*c = *old;
		memset(&rv, 0, sizeof(rv));
		rv.asked_ms = old->t.asked_ms;
		rv.deadline_ms = old->req_deadline_ms;
		rv.extension_limit_ms = old->t.extension_limit_ms;
		rv.silence = old->t.silence;
		rv.info_restarts = old->t.info_restarts;
		consult_track_init(&c->t, &rv);
		c->decision_ref[0] = '\0';
	}
	for (i = 0; i < n; i++) {
		if (ev[i].cls != CEV_FOLLOW)
			continue;
		if (strchr(ev[i].group, '+') == NULL &&
		    ev[i].body == LCN__ENTRY__BODY_LICENCE_DECISION)
			step = CONSULT_STEP_APPLIED;	/* a regime copy:
							   shown, not stepped */
		else if (!have)
			step = CONSULT_STEP_UNKNOWN_REQUEST;
		else if (strcmp(ev[i].group, c->group) != 0)
			step = CONSULT_STEP_NOT_PAIR;
		else if (++follows > CONS_EVENTS_MAX)
			step = CONSULT_STEP_INVALID;
		else if (ev[i].body == LCN__ENTRY__BODY_CONSULTATION_REPLY)
			step = consult_track_reply(&c->t,
			    strcmp(ev[i].signer, c->consulted) == 0,
			    (enum consult_position)ev[i].what, ev[i].when_ms,
			    ev[i].created_ms);
		else if (ev[i].body == LCN__ENTRY__BODY_CONSULTATION_INFO)
			step = consult_track_info(&c->t,
			    strcmp(ev[i].signer, asker) == 0, ev[i].when_ms,
			    ev[i].created_ms);
		else {
			step = consult_track_decide(&c->t,
			    strcmp(ev[i].signer, asker) == 0,
			    (enum consult_decision)ev[i].what, ev[i].when_ms);
			if (step == CONSULT_STEP_APPLIED)
				str_copy(c->decision_ref,
				    sizeof(c->decision_ref), ev[i].ref);
		}
		if (ev[i].step == (uint8_t)step)
			continue;
		ev[i].step = (uint8_t)step;
		if ((r = cev_put(a, ck, cklen, &ev[i])) != 0 ||
		    (r = ignored_put(a, ck, cklen, &ev[i], step)) != 0)
			goto out;
	}
	if (have)
		r = cons_put(a, asker, ck, cklen, old, c);
 out:
	free(ev);
	free(old);
	free(c);
	return r;
}

/* ------------------------------------------------------------ bodies */

/* Keeps an entry that names no consultation it could join. */
static int
ignore_alone(struct capply *a, const char *origin, const char *ref, int why,
    int what)
{
	struct cev	ev;
	uint8_t		ck[REC_KEY_MAX + 1];

	memset(&ev, 0, sizeof(ev));
	str_copy(ev.signer, sizeof(ev.signer), a->f->origin);
	str_copy(ev.group, sizeof(ev.group), a->f->group);
	ev.seq = a->seq;
	ev.body = (uint8_t)a->e->body_case;
	ev.what = (uint8_t)what;
	return ignored_put(a, ck, record_key(origin, ref, ck), &ev, why);
}

static int
apply_request(struct capply *a)
{
	const Lcn__ConsultationRequest *q = a->e->consultation_request;
	struct consult_request_view	 rv;
	struct cons			*c = NULL;
	struct cev			 ev;
	char				 other[AGENCY_ID_MAX + 1];
	uint8_t				 ck[REC_KEY_MAX + 1];
	uint8_t				 key[CIX_KEY_MAX + 2 * HASH_LEN +
					     RECORD_REF_MAX];
	size_t				 cklen, i, l, o;
	int				 r;

	if (q->ref == NULL || q->ref[0] == '\0')
		return 0;	/* nothing could ever name it */
	if (pair_other(a->f->group, a->f->origin, other) != 0 ||
	    q->consulted == NULL || strcmp(q->consulted, other) != 0)
		return ignore_alone(a, a->f->origin, q->ref,
		    CONSULT_STEP_NOT_PAIR, 0);
	if ((c = malloc(sizeof(*c))) == NULL)
		return LCN_ENOMEM;
	cklen = record_key(a->f->origin, q->ref, ck);
	if ((r = cons_get(a, ck, cklen, c)) == 0) {
		r = ignore_alone(a, a->f->origin, q->ref,
		    CONSULT_STEP_DUPLICATE, 0);
		goto out;
	}
	if (r != LCN_ENOTFOUND && r != LCN_ESTORE)
		goto out;
	memset(c, 0, sizeof(*c));
	memset(&rv, 0, sizeof(rv));
	rv.asked_ms = a->e->created_ms;
	rv.deadline_ms = q->deadline_ms;
	rv.extension_limit_ms = q->extension_limit_ms;
	rv.silence = (enum consult_silence)q->silence;
	rv.info_restarts = q->info_restarts != 0;
	consult_track_init(&c->t, &rv);
	c->req_deadline_ms = q->deadline_ms;
	c->intended = (uint8_t)q->intended_decision;
	c->basis = (uint8_t)q->deadline_basis;
	c->days = q->deadline_days;
	c->seq = a->seq;
	records_consult_tx_hash(q->transaction, c->tx_hash);
	str_copy(c->consulted, sizeof(c->consulted), other);
	str_copy(c->group, sizeof(c->group), a->f->group);
	rec_regime(q->regime, c->regime);
	c->ndenials = (uint32_t)q->n_denial_refs;
	for (i = 0; i < q->n_denial_refs && i < CONSULT_DENIALS_SHOWN; i++)
		str_copy(c->denials[i], sizeof(c->denials[i]),
		    q->denial_refs[i] != NULL ? q->denial_refs[i] : "");
	/* Written once: by denial ref, and by (asker, denial, hash). */
	for (i = 0; i < q->n_denial_refs; i++) {
		if (q->denial_refs[i] == NULL || q->denial_refs[i][0] == '\0')
			continue;
		l = strlen(q->denial_refs[i]);
		if (l > RECORD_REF_MAX)
			l = RECORD_REF_MAX;
		key[0] = 'R';
		memcpy(key + 1, q->denial_refs[i], l);
		key[1 + l] = '\0';
		memcpy(key + 2 + l, ck, cklen);
		if ((r = cix_put(a, key, 2 + l + cklen)) != 0)
			goto out;
		key[0] = 'T';
		o = 1 + strlen(a->f->origin);
		memcpy(key + 1, a->f->origin, o);
		memcpy(key + 1 + o, q->denial_refs[i], l);
		key[1 + o + l] = '\0';
		memcpy(key + 2 + o + l, c->tx_hash, HASH_LEN);
		memcpy(key + 2 + o + l + HASH_LEN, ck, cklen);
		if ((r = cix_put(a, key, 2 + o + l + HASH_LEN + cklen)) != 0)
			goto out;
	}
	memset(&ev, 0, sizeof(ev));
	ev.cls = CEV_REQUEST;
	ev.created_ms = a->e->created_ms;
	str_copy(ev.signer, sizeof(ev.signer), a->f->origin);
	str_copy(ev.group, sizeof(ev.group), a->f->group);
	ev.seq = a->seq;
	ev.body = (uint8_t)a->e->body_case;
	str_copy(ev.ref, sizeof(ev.ref), q->ref);
	if ((r = cev_put(a, ck, cklen, &ev)) != 0 ||
	    (r = cons_put(a, a->f->origin, ck, cklen, NULL, c)) != 0)
		goto out;
	r = replay(a, a->f->origin, ck, cklen);
 out:
	free(c);
	return r;
}

/*
 * A reply, information or a decision naming request_ref: kept as an event
 * of that consultation, which is then replayed.
 */
static int
apply_follow(struct capply *a, const char *own_ref, const char *request_ref,
    int what, uint64_t when_ms)
{
	struct cev	ev;
	char		asker[AGENCY_ID_MAX + 1];
	uint8_t		ck[REC_KEY_MAX + 1];
	size_t		cklen;
	int		r;

	if (request_ref == NULL || request_ref[0] == '\0')
		return ignore_alone(a, a->f->origin, own_ref != NULL ?
		    own_ref : "", CONSULT_STEP_UNKNOWN_REQUEST, what);
	/* The asker: the request's namespace, else who asks in the pair. */
	if (domain_ref_origin(request_ref, asker, sizeof(asker)) != 0) {
		if (a->e->body_case != LCN__ENTRY__BODY_CONSULTATION_REPLY ||
		    pair_other(a->f->group, a->f->origin, asker) != 0)
			str_copy(asker, sizeof(asker), a->f->origin);
	}
	cklen = record_key(asker, request_ref, ck);
	memset(&ev, 0, sizeof(ev));
	ev.cls = CEV_FOLLOW;
	ev.created_ms = a->e->created_ms;
	str_copy(ev.signer, sizeof(ev.signer), a->f->origin);
	str_copy(ev.group, sizeof(ev.group), a->f->group);
	ev.seq = a->seq;
	ev.body = (uint8_t)a->e->body_case;
	ev.step = 0xff;		/* not yet replayed */
	ev.what = (uint8_t)what;
	ev.when_ms = when_ms;
	str_copy(ev.ref, sizeof(ev.ref), own_ref != NULL ? own_ref : "");
	if ((r = cev_put(a, ck, cklen, &ev)) != 0)
		return r;
	return replay(a, asker, ck, cklen);
}

/*
 * A LicenceDecision in a regime group: an undercut's copy or a
 * notification after a grant. rdecision key: regime NUL be64 date origin
 * NUL group NUL be64 seq; value: u8 decision, u8 undercut, u8
 * notification, u8 position, be64 created_ms, then u8-length strings: its
 * ref, the request's ref, the first denial ref.
 */
static int
apply_regime_decision(struct capply *a)
{
	const Lcn__LicenceDecision *d = a->e->licence_decision;
	char	 regime[RECORD_REGIME_MAX + 1];
	uint8_t	 key[RECORD_REGIME_MAX + 1 + 8 + FEED_NAME_MAX + 2 + 8];
	uint8_t	 val[12 + 3 * (1 + RECORD_REF_MAX)];
	const char *s[3];
	MDB_val	 k, v;
	size_t	 n, l, i;
	int	 rc;

	rec_regime(d->regime != NULL && d->regime[0] != '\0' ? d->regime :
	    a->f->group, regime);
	l = strlen(regime);
	memcpy(key, regime, l + 1);
	n = l + 1;
	store_be64(key + n, d->date_ms);
	n += 8;
	l = strlen(a->f->origin);
	memcpy(key + n, a->f->origin, l + 1);
	n += l + 1;
	l = strlen(a->f->group);
	memcpy(key + n, a->f->group, l + 1);
	n += l + 1;
	store_be64(key + n, a->seq);
	n += 8;
	val[0] = (uint8_t)d->decision;
	val[1] = d->undercut != 0;
	val[2] = d->notification != 0;
	val[3] = (uint8_t)d->position;
	store_be64(val + 4, a->e->created_ms);
	s[0] = d->ref;
	s[1] = d->request_ref;
	s[2] = d->n_denial_refs > 0 ? d->denial_refs[0] : NULL;
	l = 12;
	for (i = 0; i < 3; i++) {
		size_t sl = s[i] != NULL ? strlen(s[i]) : 0;

		if (sl > RECORD_REF_MAX)
			sl = RECORD_REF_MAX;
		val[l] = (uint8_t)sl;
		if (sl > 0)
			memcpy(val + l + 1, s[i], sl);
		l += 1 + sl;
	}
	k.mv_data = key;
	k.mv_size = n;
	v.mv_data = val;
	v.mv_size = l;
	if ((rc = screen_row_put(a->s, a->txn, a->s->screen->rdecision, &k,
	    &v)) != 0)
		return store_lmdb_err("rdecision put", rc);
	return 0;
}

int
records_consult_apply(struct store *s, MDB_txn *txn, const struct feed_id *f,
    uint32_t feedno, uint64_t seq, const void *entry)
{
	const Lcn__Entry	*e = entry;
	struct capply		 a;
	int			 r;

	a.s = s;
	a.txn = txn;
	a.f = f;
	a.feedno = feedno;
	a.seq = seq;
	a.e = e;
	switch (e->body_case) {
	case LCN__ENTRY__BODY_CONSULTATION_REQUEST:
		return apply_request(&a);
	case LCN__ENTRY__BODY_CONSULTATION_REPLY:
		return apply_follow(&a, e->consultation_reply->ref,
		    e->consultation_reply->request_ref,
		    e->consultation_reply->position,
		    e->consultation_reply->extension_to_ms);
	case LCN__ENTRY__BODY_CONSULTATION_INFO:
		return apply_follow(&a, e->consultation_info->ref,
		    e->consultation_info->request_ref, 0,
		    e->consultation_info->deadline_ms);
	case LCN__ENTRY__BODY_LICENCE_DECISION:
		if (strchr(f->group, '+') == NULL) {
			/* A copy in the regime group: its own table, and
			 * the exchange it belongs to shows it. */
			if ((r = apply_regime_decision(&a)) != 0 ||
			    e->licence_decision->request_ref == NULL ||
			    e->licence_decision->request_ref[0] == '\0')
				return r;
		}
		return apply_follow(&a, e->licence_decision->ref,
		    e->licence_decision->request_ref,
		    e->licence_decision->decision,
		    e->licence_decision->date_ms);
	default:
		return 0;
	}
}
