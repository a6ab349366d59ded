/*
 * What lcn status puts first because someone has to act on it: this
 * node's own denials past their review date, alerts that expire within
 * ATTENTION_EXPIRY_DAYS, split views (two attestations of one feed at one
 * seq with different heads: the derived state's proof, records_splits),
 * partners that rejected entries of a feed, with their reason, partners'
 * consultation requests awaiting this agency's reply (nearest deadline
 * first), and the undercuts and notifications after a grant published in
 * this node's regime groups in the last ATTENTION_DECISION_DAYS. Forks
 * are in status's own "forks".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "daemon.h"
#include "hash.h"
#include "lcn_err.h"
#include "peer.h"
#include "records.h"
#include "records_consult.h"
#include "repl.h"
#include "screen.h"
#include "store.h"
#include "util.h"

#define ATTENTION_EXPIRY_DAYS	30
/* Undercuts and notifications after a grant shown: the last N days. */
#define ATTENTION_DECISION_DAYS	30
#define ATTENTION_LIST_MAX	100	/* records of each kind listed */
/* As the queries: over this, status does not index first (EBEHIND). */
#define ATTENTION_INDEX_MAX	(4 * SCREEN_CATCH_UP_STEP)

static json_t *
hex_json(const uint8_t *p, size_t len)
{
	char buf[2 * HASH_LEN + 1];

	hex_encode(p, len < HASH_LEN ? len : HASH_LEN, buf);
	return json_string(buf);
}

/* Partners' Rejects, per (partner, feed): the last one and how many. */
static json_t *
attention_rejected(struct daemon *d)
{
	struct repl_reject	 rj;
	json_t			*arr = json_array();
	size_t			 i, k;

	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		for (k = 0; k < p->nheads; k++) {
			if (repl_peer_rejects(p, &p->heads[k].h.feed,
			    &rj) == 0)
				continue;
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, "
			    "s:I, s:s, s:s, s:I, s:I}", "peer", p->id,
			    "origin", p->heads[k].h.feed.origin, "group",
			    p->heads[k].h.feed.group, "seq",
			    (json_int_t)rj.seq, "reason",
			    repl_reject_name(rj.reason), "text", rj.text,
			    "count", (json_int_t)rj.count, "at_ms",
			    (json_int_t)rj.at_ms));
		}
	}
	return arr;
}

static json_t *
attention_splits(struct daemon *d)
{
	struct split_view	*sv = NULL;
	json_t			*arr = json_array(), *proofs;
	size_t			 n = 0, i, k;

	if (records_splits(d->store, &sv, &n) != 0)
		return arr;
	for (i = 0; i < n; i++) {
		proofs = json_array();
		for (k = 0; k < 2; k++)
			json_array_append_new(proofs, json_pack("{s:s, s:o, "
			    "s:s, s:s, s:I}", "agency", sv[i].proof[k].agency,
			    "leaf_hash", hex_json(sv[i].proof[k].leaf_hash,
			    HASH_LEN), "origin", sv[i].proof[k].feed.origin,
			    "group", sv[i].proof[k].feed.group, "seq",
			    (json_int_t)sv[i].proof[k].seq));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:o}",
		    "origin", sv[i].feed.origin, "group", sv[i].feed.group,
		    "seq", (json_int_t)sv[i].seq, "proofs", proofs));
	}
	free(sv);
	return arr;
}

/*
 * Records of kind from from (NULL: any) in state at now, those whose
 * until_ms is before `before` when it is not 0, as {ref, origin, group,
 * until_ms}; *more when the list was cut.
 */
static json_t *
attention_records(struct daemon *d, enum record_kind kind,
    const char *from, const char *state, uint64_t now, uint64_t before,
    int *more)
{
	struct record_filter	 f;
	struct record_info	*ri = NULL;
	json_t			*arr = json_array();
	size_t			 n = 0, i;

	memset(&f, 0, sizeof(f));
	f.from = from;
	f.state = state;
	/*
	 * The filters are exact (the index gives only the records due or
	 * expiring in time), so status reads one more than it lists to
	 * know there are more, however many records the node holds.
	 */
	f.until_max = before;
	f.limit = ATTENTION_LIST_MAX + 1;
	if (records_list(d->store, kind, &f, now, &ri, &n, more) != 0)
		return arr;
	for (i = 0; i < n; i++) {
		if (before != 0 && (ri[i].until_ms == 0 ||
		    ri[i].until_ms > before))
			continue;
		if (json_array_size(arr) == ATTENTION_LIST_MAX) {
			*more = 1;
			break;
		}
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}",
		    "ref", ri[i].ref, "origin", ri[i].origin, "group",
		    ri[i].feed.group, "until_ms", (json_int_t)ri[i].until_ms));
	}
	free(ri);
	return arr;
}

/* Nearest deadline first, none last; then asker and ref. */
static int
awaiting_cmp(const void *a, const void *b)
{
	const struct consult_info *x = a, *y = b;
	uint64_t dx = x->track.deadline_ms, dy = y->track.deadline_ms;
	int c;

	if (dx != dy)
		return dx == 0 ? 1 : dy == 0 ? -1 : dx < dy ? -1 : 1;
	if ((c = strcmp(x->asker, y->asker)) != 0)
		return c;
	return strcmp(x->ref, y->ref);
}

/*
 * Partners' requests that await this agency's reply, nearest deadline
 * first, with the time left on this agency's own calendar; *more when
 * the list was cut. Each state that awaits a reply (consult_awaits_reply)
 * is asked for by itself, so status reads at most ATTENTION_LIST_MAX + 1
 * consultations of each, however many the node holds.
 */
static json_t *
attention_consult(struct daemon *d, uint64_t now, int *more)
{
	static const char *const states[] = { "awaiting-reply", "extended",
	    "lapsed" };
	struct consult_filter	 f;
	struct consult_info	*all = NULL, *ci, *grown;
	json_t			*arr = json_array();
	size_t			 n, nall = 0, i, k;
	int			 m;

	memset(&f, 0, sizeof(f));
	f.self = daemon_trust(d)->self;
	f.direction = CONSULT_INCOMING;
	f.limit = ATTENTION_LIST_MAX + 1;
	for (k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
		f.state = states[k];
		ci = NULL;
		n = 0;
		m = 0;
		if (records_consultations(d->store, &f, now, &ci, &n, &m) != 0)
			continue;
		if (n > 0 && (grown = realloc(all, (nall + n) *
		    sizeof(*all))) != NULL) {
			all = grown;
			memcpy(all + nall, ci, n * sizeof(*ci));
			nall += n;
		}
		free(ci);
	}
	if (nall > 1)
		qsort(all, nall, sizeof(*all), awaiting_cmp);
	for (i = 0; i < nall; i++) {
		if (i == ATTENTION_LIST_MAX) {
			*more = 1;
			break;
		}
		json_array_append_new(arr, api_consult_json(d, &all[i], now));
	}
	free(all);
	return arr;
}

/* Undercuts and notifications after a grant, newest last. */
static json_t *
attention_decisions(struct daemon *d, uint64_t now, int *more)
{
	struct decision_notice	*dn = NULL;
	json_t			*arr = json_array();
	uint64_t		 from;
	size_t			 n = 0, i;

	from = now - (uint64_t)ATTENTION_DECISION_DAYS * 86400 * 1000;
	if (records_decisions(d->store, NULL, from, 0, &dn, &n) != 0)
		return arr;
	for (i = 0; i < n; i++) {
		if (!dn[i].undercut && !dn[i].notification)
			continue;
		if (json_array_size(arr) == ATTENTION_LIST_MAX) {
			*more = 1;
			break;
		}
		json_array_append_new(arr, api_decision_json(&dn[i]));
	}
	free(dn);
	return arr;
}

json_t *
api_status_attention(struct daemon *d)
{
	const struct trust	*t = daemon_trust(d);
	json_t			*o;
	uint64_t		 now = now_ms(), pending = 0;
	int			 more_d = 0, more_a = 0, more_c = 0;
	int			 more_x = 0;

	o = json_object();
	json_object_set_new(o, "rejected", attention_rejected(d));
	/*
	 * The rest is the derived state, which a query indexes up to the
	 * ledger first: after a large catch-up status says so instead of
	 * stalling the loop.
	 */
	if (store_screen_pending(d->store, &pending) != 0 ||
	    pending > ATTENTION_INDEX_MAX) {
		json_object_set_new(o, "records_behind", json_true());
		return o;
	}
	json_object_set_new(o, "split_views", attention_splits(d));
	json_object_set_new(o, "review_due", attention_records(d,
	    RECORD_DENIAL, t->self, "review-due", now, 0, &more_d));
	json_object_set_new(o, "expiring", attention_records(d, RECORD_ALERT,
	    NULL, "active", now, now + (uint64_t)ATTENTION_EXPIRY_DAYS *
	    86400 * 1000, &more_a));
	json_object_set_new(o, "expiring_days", json_integer(
	    ATTENTION_EXPIRY_DAYS));
	json_object_set_new(o, "more", json_boolean(more_d || more_a));
	json_object_set_new(o, "consult_awaiting", attention_consult(d, now,
	    &more_c));
	json_object_set_new(o, "consult_awaiting_more", json_boolean(more_c));
	json_object_set_new(o, "regime_decisions", attention_decisions(d,
	    now, &more_x));
	json_object_set_new(o, "regime_decisions_more", json_boolean(more_x));
	json_object_set_new(o, "regime_decisions_days", json_integer(
	    ATTENTION_DECISION_DAYS));
	return o;
}
