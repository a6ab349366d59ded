/*
 * Split views between partners (PROTOCOL.md section 5.7): two heads
 * attestations that give one feed two different leaf hashes at one seq,
 * so that two partners were shown different histories. The derived state
 * finds them (records_splits); this file pushes each proof, the two
 * signed attestation entries, to every partner entitled to the feed, in
 * an Equivocation frame, and checks the proofs partners push: both
 * signatures, that both are attestations of the feed's group by its
 * members, that they disagree on the head of one feed at one seq, and the
 * sender's entitlement; a valid proof raises this node's own alert.
 *
 * The Equivocation frame is reused, not a new frame: its two entries at
 * different positions (an equivocation's are at one position of one
 * feed), both heads attestations, can only be a split view, and every
 * check of the frame's encoding and limits applies as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daemon.h"
#include "entry.h"
#include "lcn_err.h"
#include "log.h"
#include "pbjson.h"
#include "peer.h"
#include "records.h"
#include "repl.h"
#include "sig.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define SPLIT_CHECK_MS	1000	/* the tick looks for new ones this often */

static int
member_pair(const struct trust *t, const char *agency, const char *group)
{
	const struct trust_group *g = trust_group(t, group);

	return g != NULL && trust_is_member(g, agency) &&
	    trust_is_member(g, t->self);
}

/* The two attestation entries of a split view, read from the ledger. */
static int
split_read(struct daemon *d, const struct split_view *sv,
    struct store_range rg[2])
{
	int k;

	memset(rg, 0, 2 * sizeof(*rg));
	for (k = 0; k < 2; k++)
		if (store_read(d->store, &sv->proof[k].feed, sv->proof[k].seq,
		    sv->proof[k].seq, 0, 1, &rg[k]) != 0 ||
		    rg[k].nitems != 1 || rg[k].first_seq != sv->proof[k].seq)
			return LCN_ESTORE;
	return 0;
}

/* Sends sv's proof on c if its partner may see the feed. */
static int
split_send(struct conn *c, const struct split_view *sv,
    const struct store_range rg[2])
{
	struct msg m;

	if (c == NULL || c->state != CONN_ESTABLISHED ||
	    !member_pair(daemon_trust(c->d), c->peer->id, sv->feed.group))
		return 0;
	memset(&m, 0, sizeof(m));
	m.type = MSG_EQUIVOCATION;
	m.u.equivocation.first = rg[0].items[0];
	m.u.equivocation.second = rg[1].items[0];
	return peer_send(c, &m);
}

/*
 * Every split view indexed, to one connection (c) or, c NULL, to every
 * established partner entitled to its feed. It indexes nothing itself:
 * catching up here, once a second on the loop thread, had made the
 * index's transactions as large as a second's arrivals, and LMDB keeps
 * as many page copies as the largest one changed (indexer.c). The
 * indexer, which runs at least every INDEX_LAG_MS while entries wait,
 * brings the attestations in.
 */
static void
split_push(struct daemon *d, struct conn *c, int log_them)
{
	struct split_view	*sv = NULL;
	struct store_range	 rg[2];
	size_t			 n = 0, i, k;

	if (records_splits_indexed(d->store, &sv, &n) != 0)
		return;
	if (c == NULL && n == d->splits_known) {
		free(sv);
		return;
	}
	for (i = 0; i < n; i++) {
		if (log_them)
			log_warnx("repl", "split view of %s/%s seq %llu: %s "
			    "and %s attested different heads; the proof goes "
			    "to every partner in %s", sv[i].feed.origin,
			    sv[i].feed.group, (unsigned long long)sv[i].seq,
			    sv[i].proof[0].agency, sv[i].proof[1].agency,
			    sv[i].feed.group);
		if (split_read(d, &sv[i], rg) == 0) {
			if (c != NULL)
				(void)split_send(c, &sv[i], rg);
			else
				for (k = 0; k < d->npeers; k++)
					(void)split_send(d->peers[k]->conn,
					    &sv[i], rg);
		}
		store_range_free(&rg[0]);
		store_range_free(&rg[1]);
	}
	if (c == NULL)
		d->splits_known = n;
	free(sv);
}

void
repl_split_tick(struct daemon *d)
{
	uint64_t now = mono_ms();

	if (now - d->split_check_ms < SPLIT_CHECK_MS)
		return;
	d->split_check_ms = now;
	split_push(d, NULL, 1);
}

void
repl_split_established(struct conn *c)
{
	split_push(c->d, c, 0);
}

static int
str_is(const json_t *v, const char *s)
{
	return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

/* The head of feed f at seq in an attestation's JSON, hex, or NULL. */
static const char *
attested_hash(const json_t *dec, const char *origin, const char *group,
    uint64_t seq)
{
	const json_t	*h, *s;
	size_t		 i;
	uint64_t	 hs;

	json_array_foreach(json_object_get(json_object_get(dec, "body"),
	    "heads"), i, h) {
		s = json_object_get(h, "seq");
		hs = json_is_integer(s) ? (uint64_t)json_integer_value(s) :
		    json_is_string(s) ? strtoull(json_string_value(s), NULL,
		    10) : 0;
		if (hs == seq && str_is(json_object_get(h, "origin"),
		    origin) && str_is(json_object_get(h, "group"), group))
			return json_string_value(json_object_get(h,
			    "leaf_hash"));
	}
	return NULL;
}

/*
 * Checks one attestation entry of a proof: decodes, is an attestation in
 * a feed of a group this node knows with the attester and itself as
 * members, signed by a key of the attester valid at its created_ms.
 */
static int
check_attestation(struct daemon *d, const struct bytes *b,
    struct entry_view *v, json_t **dec, char *why, size_t whysz)
{
	const struct trust	*t = daemon_trust(d);
	const struct sig_pubkey	*pub;
	char			 err[256];

	if (entry_parse(b->ptr, b->len, v, err, sizeof(err)) != 0) {
		snprintf(why, whysz, "an entry does not decode: %s", err);
		return LCN_EPROTO;
	}
	if (trust_check_feed(t, v->feed.origin, v->feed.group) != 0) {
		snprintf(why, whysz, "%s/%s is not a feed this node holds",
		    v->feed.origin, v->feed.group);
		return LCN_ENOTMEMBER;
	}
	if (trust_find_key(t, v->feed.origin, v->key_id, v->created_ms,
	    &pub) != 0 || sig_verify_entry(pub, v->entry.ptr, v->entry.len,
	    v->sig) != 0) {
		snprintf(why, whysz, "%s/%s seq %llu: bad signature or key",
		    v->feed.origin, v->feed.group,
		    (unsigned long long)v->seq);
		return LCN_EBADSIG;
	}
	if ((*dec = pbjson_entry_decode(b->ptr, b->len, err,
	    sizeof(err))) == NULL) {
		snprintf(why, whysz, "%s", err);
		return LCN_EPROTO;
	}
	return 0;
}

int
repl_split_take(struct conn *c, const struct bytes *a, const struct bytes *b)
{
	struct daemon		*d = c->d;
	const struct trust	*t = daemon_trust(d);
	struct entry_view	 va, vb;
	const json_t		*h;
	const char		*ha, *hb;
	json_t			*da = NULL, *db = NULL;
	char			 why[300], prefix[160];
	size_t			 i, k;
	int			 r = 1, found = 0;

	/* Not two attestations at two positions: an equivocation proof. */
	if (entry_parse(a->ptr, a->len, &va, NULL, 0) != 0 ||
	    entry_parse(b->ptr, b->len, &vb, NULL, 0) != 0 ||
	    va.body_type != ENTRY_BODY_HEADS_ATTESTATION ||
	    vb.body_type != ENTRY_BODY_HEADS_ATTESTATION ||
	    (repl_feed_eq(&va.feed, &vb.feed) && va.seq == vb.seq))
		return 0;
	if (strcmp(va.feed.group, vb.feed.group) != 0 ||
	    !member_pair(t, c->peer->id, va.feed.group)) {
		log_warnx("repl", "%s: sent a split-view proof of attestations "
		    "in %s and %s, not a group it and this node share; "
		    "ignored", c->peer->id, va.feed.group, vb.feed.group);
		return 1;
	}
	if (check_attestation(d, a, &va, &da, why, sizeof(why)) != 0 ||
	    check_attestation(d, b, &vb, &db, why, sizeof(why)) != 0) {
		peer_violation(c, "split-view proof rejected: %s", why);
		goto out;
	}
	/* One head of the group's feeds that the two give differently. */
	json_array_foreach(json_object_get(json_object_get(da, "body"),
	    "heads"), i, h) {
		const char *o = json_string_value(json_object_get(h, "origin"));
		const char *g = json_string_value(json_object_get(h, "group"));
		const json_t *s = json_object_get(h, "seq");
		uint64_t seq = json_is_integer(s) ?
		    (uint64_t)json_integer_value(s) : json_is_string(s) ?
		    strtoull(json_string_value(s), NULL, 10) : 0;

		if (o == NULL || g == NULL || strcmp(g, va.feed.group) != 0)
			continue;
		ha = json_string_value(json_object_get(h, "leaf_hash"));
		hb = attested_hash(db, o, g, seq);
		if (ha == NULL || hb == NULL || strcmp(ha, hb) == 0)
			continue;
		found = 1;
		snprintf(prefix, sizeof(prefix), "split view of %s/%s seq "
		    "%llu", o, g, (unsigned long long)seq);
		for (k = 0; k < d->nalerts; k++)
			if (strncmp(d->alerts[k], prefix,
			    strlen(prefix)) == 0)
				goto out;	/* raised already */
		daemon_alert(d, "%s: %s attested head %.16s, %s attested "
		    "%.16s (proof from %s)", prefix, va.feed.origin, ha,
		    vb.feed.origin, hb, c->peer->id);
		break;
	}
	if (!found)
		peer_violation(c, "split-view proof rejected: the two "
		    "attestations (%s/%s seq %llu, %s/%s seq %llu) give no "
		    "head differently", va.feed.origin, va.feed.group,
		    (unsigned long long)va.seq, vb.feed.origin, vb.feed.group,
		    (unsigned long long)vb.seq);
out:
	json_decref(da);
	json_decref(db);
	return r;
}
