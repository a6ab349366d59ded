/*
 * Taking in Entries from a partner (PROTOCOL.md sections 4.3 and 5.2):
 * only of a feed it and this node share, only in answer to a Want of the
 * connection, appended through the store, which authenticates the batch
 * on its last signature (repl_verify.c checks the others later). A batch
 * stored is announced, handed to publish.c and the indexer, and counts as
 * the pull's progress; a batch refused is a fork, a full disk, or the
 * partner's fault (shunned, and rejected). The credit the entries took is
 * given back unless the verify backlog is high.
 *
 * Group commit: the batches taken in one loop iteration, from every
 * partner, and the verified marks raised in it are stored in one write
 * transaction, synced once, by a check handle that runs after the
 * iteration's I/O callbacks. Each batch goes in a transaction nested in
 * the group's, so a refused batch leaves the others. Only after the
 * group's commit returns are the new heads announced (one Heads frame per
 * partner for all of them) and the credit given back: nothing is told
 * before it is on disk (PROTOCOL.md section 5.8). One synced commit per
 * batch, and another per finished signature check, had been most of a
 * node's system time in a mesh (README, Benchmarks). Loop thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "publish.h"
#include "repl.h"
#include "repl_int.h"
#include "repl_verify.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define FULL_RETRY_MS		5000	/* storage full here: pull again */
/*
 * A batch of at most this many entries, of a feed verified up to its
 * head, has every signature checked before the commit, on the loop
 * thread, so that its verified mark rises in the same transaction. Live
 * traffic comes in batches of a few entries: checking all but the last
 * on the pool afterwards took a second synced commit per batch for the
 * mark alone (and a batch of one entry, which the pool had nothing to
 * check for, took it too), and every synced commit of every node waits
 * for the same disk. A check costs about 0.1 ms on the loop thread; in a
 * 50-node mesh on one 2-core machine a synced commit took 31 ms at the
 * median among those over 20 ms (ops/bench/mesh, 2026-12-03). Larger
 * batches, a catch-up's, keep the pool (PROTOCOL.md section 3.10): at
 * most 8 checks, under a millisecond, hold the loop thread per batch.
 */
#define VERIFY_INLINE_MAX	8

/* An Entries batch taken, waiting for the iteration's group commit. */
struct pending_entries {
	struct pending_entries	*next;
	struct conn		*c;
	struct msg		 m;		/* taken from the frame */
	uint64_t		 bytes;		/* credit it took */
	int			 r;		/* store_append's */
	int			 skip;		/* stale or dropped: not stored */
	int			 announce;	/* the feed's last in the group */
	int			 checked;	/* every signature, inline */
	struct feed_state	 mine;		/* the feed before it */
	struct append_result	 res;
};

/*
 * Like repl_shun(), for FULL_RETRY_MS: this node could not store what p
 * sent.
 */
static void
full_pause(struct daemon *d, struct peer *p, const struct feed_id *f)
{
	struct pull		*pl;
	struct peer_head	*ph;

	if ((pl = repl_pull_find(d, f, 0)) != NULL && pl->from == p)
		repl_pull_end(d, pl);
	if ((ph = repl_peer_head_find(p, f, 0)) != NULL)
		ph->shunned_until_ms = mono_ms() + FULL_RETRY_MS;
}

static enum reject_reason
reject_reason_of(int err)
{
	switch (err) {
	case LCN_EBADSIG:	return REJECT_BAD_SIGNATURE;
	case LCN_EKEY:		return REJECT_UNKNOWN_KEY;
	case LCN_ENOTMEMBER:	return REJECT_NOT_MEMBER;
	case LCN_EGROUP:	return REJECT_UNKNOWN_GROUP;
	case LCN_EORIGIN:	return REJECT_UNKNOWN_ORIGIN;
	case LCN_EGAP:		return REJECT_GAP;
	case LCN_ECHAIN:	return REJECT_BAD_CHAIN;
	case LCN_EROOT:		return REJECT_BAD_ROOT;
	case LCN_EFROZEN:	return REJECT_FROZEN;
	case LCN_EFULL:
	case LCN_ESTORE:	return REJECT_STORAGE;
	default:		return REJECT_MALFORMED;
	}
}

/* A batch went in; res->accepted is 0 when every entry was held already. */
static void
entries_stored(struct conn *c, const struct msg *m,
    const struct append_result *res, int checked)
{
	struct daemon		*d = c->d;
	const struct feed_id	*f = &m->u.entries.feed;
	struct pull		*pl;
	uint64_t		 first;
	size_t			 skip;

	if (res->accepted > 0) {
		first = res->head.seq - res->accepted + 1;
		skip = (size_t)(first - m->u.entries.first_seq);
		if (!checked)
			repl_verify_later(d, f, first, m->u.entries.items +
			    skip, (size_t)res->accepted, 1);
		publish_feed_moved(d, f, m->u.entries.items + skip,
		    (size_t)res->accepted);
		indexer_kick(d);
		/* ops/bench/mesh times dissemination by this line. */
		log_debug("repl", "%s: stored %s/%s %llu..%llu", c->peer->id,
		    f->origin, f->group, (unsigned long long)first,
		    (unsigned long long)res->head.seq);
	}
	pl = repl_pull_find(d, f, 0);
	if (pl != NULL && pl->from == c->peer) {
		/*
		 * Only new entries are progress: a source that answers with
		 * entries held already would otherwise keep the pull, and
		 * the feed, from every other source (PROTOCOL.md section 5.4).
		 */
		if (res->accepted > 0)
			pl->last_progress_ms = mono_ms();
		if (res->head.seq > pl->have)
			pl->have = res->head.seq;
		/* Asked to follow, and it says it does (section 5.3). */
		if (pl->follow == PULL_ASKED && m->u.entries.follow)
			pl->follow = PULL_FOLLOWS;
		if (res->head.seq >= pl->to) {
			if (pl->follow == PULL_FOLLOWS)
				pl->to = res->head.seq;
			else
				pl->from = NULL;
		}
	}
	if (pl == NULL || pl->from == NULL)
		repl_consider(d, f);
}

/*
 * The store refused a batch (store_append's error r): a fork it found, a
 * frozen feed, a batch that does not follow our head, bad entries or a
 * storage failure. res->reason says which entry and why.
 */
static void
entries_refused(struct conn *c, const struct feed_id *f, int r,
    const struct append_result *res, const struct feed_state *mine)
{
	struct daemon	*d = c->d;
	struct head	 h;

	switch (r) {
	case LCN_EFORK: {
		struct bytes held = { res->fork_held, res->fork_held_len };
		struct bytes offered = { res->fork_offered,
		    res->fork_offered_len };

		repl_on_fork(d, f, res->bad_seq, &held, &offered, c->peer);
		break;
	}
	case LCN_EFROZEN:
		break;
	case LCN_EFULL:
		/*
		 * This node's disk or LMDB map is full (store.c logged how
		 * much is left): not the peer's fault, so no Reject and no
		 * SHUN_MS. The pull pauses and is tried again after
		 * FULL_RETRY_MS, so replication resumes by itself once
		 * there is room; the connection and its heads stay.
		 */
		full_pause(d, c->peer, f);
		break;
	case LCN_ECHAIN:
		if (res->bad_seq == mine->seq + 1 && mine->seq > 0) {
			/*
			 * The peer's next entry does not follow our head: its
			 * copy of our head entry differs. Fetch that entry;
			 * if it is validly signed it proves a fork.
			 */
			repl_shun(d, c->peer, f);
			h.feed = *f;
			h.seq = mine->seq;
			memset(h.hash, 0, sizeof(h.hash));
			repl_probe_fork(d, c->peer, &h, mine);
			break;
		}
		/* FALLTHROUGH */
	default:
		repl_shun(d, c->peer, f);
		(void)repl_send_reject(c, f, res->bad_seq, reject_reason_of(r),
		    res->reason);
		if (r == LCN_EFULL || r == LCN_ESTORE) {
			daemon_alert(d, "ledger write failed for %s/%s: %s",
			    f->origin, f->group, lcn_strerror(r));
			break;
		}
		peer_violation(c, "entries of %s/%s rejected: %s (%s)",
		    f->origin, f->group, lcn_strerror(r), res->reason);
		repl_consider(d, f);
		break;
	}
}

void
repl_take_entries(struct conn *c, struct msg *m)
{
	struct daemon		*d = c->d;
	const struct trust	*t = daemon_trust(d);
	const struct feed_id	*f = &m->u.entries.feed;
	struct pending_entries	*pe;
	struct peer_head	*ph;
	struct pull		*pl;
	uint64_t		 bytes = 0, first = m->u.entries.first_seq;
	size_t			 i;
	int			 r;

	for (i = 0; i < m->u.entries.nitems; i++)
		bytes += m->u.entries.items[i].len;

	if ((r = trust_check_feed(t, f->origin, f->group)) != 0 ||
	    !repl_entitled(t, c->peer->id, f->group)) {
		c->credit_owed += bytes;
		log_warnx("repl", "%s: sent %zu entries of %s/%s, a feed it "
		    "or this node may not hold; rejected", c->peer->id,
		    m->u.entries.nitems, f->origin, f->group);
		(void)repl_send_reject(c, f, first, r == LCN_EGROUP ?
		    REJECT_UNKNOWN_GROUP : REJECT_NOT_MEMBER,
		    "not entitled to this feed");
		repl_grant_owed(d);
		return;
	}
	/*
	 * Entries come only in answer to a Want of this connection
	 * (PROTOCOL.md section 4.3): any other batch, a replay say, is a
	 * violation, logged once since the connection ends here.
	 */
	if ((ph = repl_peer_head_find(c->peer, f, 0)) == NULL || !ph->wanted) {
		peer_violation(c, "sent %zu entries of %s/%s from seq %llu, "
		    "which this node did not ask it for", m->u.entries.nitems,
		    f->origin, f->group, (unsigned long long)first);
		return;
	}
	/* Every copy counts, the stale and the duplicate ones too. */
	if ((pl = repl_pull_find(d, f, 1)) != NULL)
		pl->received += m->u.entries.nitems;
	if ((pe = calloc(1, sizeof(*pe))) == NULL) {
		/* Not stored and not credited: the pull stalls, then retries. */
		log_warnx("repl", "%s: no memory for %zu entries of %s/%s",
		    c->peer->id, m->u.entries.nitems, f->origin, f->group);
		return;
	}
	pe->c = c;
	pe->bytes = bytes;
	pe->m = *m;
	memset(m, 0, sizeof(*m));	/* the batch's buffers are pe's now */
	*d->pending_tail = pe;
	d->pending_tail = &pe->next;
}

/* c is still an established connection of this node. */
static int
conn_live(struct daemon *d, const struct conn *c)
{
	const struct conn *k;

	for (k = d->conns; k != NULL; k = k->next)
		if (k == c)
			return c->state == CONN_ESTABLISHED;
	return 0;
}

/* Stores pe in the open group (or alone if none could be opened). */
static void
group_append(struct daemon *d, struct pending_entries *pe)
{
	const struct feed_id	*f = &pe->m.u.entries.feed;
	uint64_t		 first = pe->m.u.entries.first_seq;
	struct pull		*pl;

	if (!conn_live(d, pe->c)) {
		/* Closed meanwhile: the next connection asks again. */
		pe->skip = 1;
		return;
	}
	if (store_feed(d->store, f->origin, f->group, &pe->mine) != 0) {
		pe->skip = 1;
		pe->c->credit_owed += pe->bytes;
		return;
	}
	if (first > pe->mine.seq + 1) {
		/* A stale stream after we changed source: drop quietly. */
		log_debug("repl", "%s: entries of %s/%s from %llu past head "
		    "%llu ignored", pe->c->peer->id, f->origin, f->group,
		    (unsigned long long)first,
		    (unsigned long long)pe->mine.seq);
		pe->skip = 1;
		pe->c->credit_owed += pe->bytes;
		return;
	}
	pe->checked = pe->m.u.entries.nitems <= VERIFY_INLINE_MAX &&
	    pe->mine.verified == pe->mine.seq;
	pe->r = store_append(d->store, daemon_trust(d), f, first,
	    pe->m.u.entries.items, pe->m.u.entries.nitems, pe->checked ?
	    STORE_VERIFY_ALL : STORE_VERIFY_LAST, &pe->res);
	if ((pl = repl_pull_find(d, f, 0)) != NULL)
		pl->duplicates += pe->res.duplicates;
}

/* The group's commit failed (r): nothing of it is stored. */
static void
group_failed(struct daemon *d, struct pending_entries *list, int r)
{
	struct pending_entries	*pe;
	const struct feed_id	*f;

	for (pe = list; pe != NULL; pe = pe->next) {
		if (pe->skip || pe->r != 0)
			continue;
		f = &pe->m.u.entries.feed;
		append_result_free(&pe->res);
		memset(&pe->res, 0, sizeof(pe->res));
		pe->r = r;
		pe->res.bad_seq = pe->m.u.entries.first_seq;
		snprintf(pe->res.reason, sizeof(pe->res.reason), "commit: %s",
		    lcn_strerror(r));
		if (store_feed(d->store, f->origin, f->group,
		    &pe->res.head) != 0)
			memset(&pe->res.head, 0, sizeof(pe->res.head));
	}
}

/*
 * The heads the group moved, each feed's last: one Heads frame per
 * partner for all of them (the senders too: their lag view is our
 * receipt).
 */
static void
group_announce(struct daemon *d, struct pending_entries *list)
{
	struct pending_entries	*pe, *q;
	struct feed_state	*fs;
	size_t			 n = 0, k = 0;

	for (pe = list; pe != NULL; pe = pe->next) {
		if (pe->skip || pe->r != 0 || pe->res.accepted == 0)
			continue;
		pe->announce = 1;
		for (q = pe->next; q != NULL; q = q->next)
			if (!q->skip && q->r == 0 && q->res.accepted > 0 &&
			    repl_feed_eq(&q->m.u.entries.feed,
			    &pe->m.u.entries.feed))
				pe->announce = 0;
		n += pe->announce;
	}
	if (n == 0)
		return;
	if ((fs = calloc(n, sizeof(*fs))) == NULL) {
		for (pe = list; pe != NULL; pe = pe->next)
			if (pe->announce)
				repl_announce(d, &pe->res.head, NULL);
		return;
	}
	for (pe = list; pe != NULL; pe = pe->next)
		if (pe->announce)
			fs[k++] = pe->res.head;
	repl_announce_many(d, fs, n);
	free(fs);
}

static void
on_group(uv_check_t *h)
{
	struct daemon		*d = h->data;
	struct pending_entries	*list = d->pending, *pe;
	int			 grouped, r;

	if (list == NULL && !d->marks_pending)
		return;
	d->pending = NULL;
	d->pending_tail = &d->pending;
	/* Without a group each batch and mark commits on its own. */
	grouped = store_group_begin(d->store) == 0;
	for (pe = list; pe != NULL; pe = pe->next)
		group_append(d, pe);
	repl_verify_write_marks(d);
	if (grouped && (r = store_group_commit(d->store)) != 0)
		group_failed(d, list, r);
	group_announce(d, list);
	while ((pe = list) != NULL) {
		list = pe->next;
		if (!pe->skip) {
			pe->c->credit_owed += pe->bytes;
			if (pe->r == 0)
				entries_stored(pe->c, &pe->m, &pe->res,
				    pe->checked);
			else
				entries_refused(pe->c, &pe->m.u.entries.feed,
				    pe->r, &pe->res, &pe->mine);
		}
		append_result_free(&pe->res);
		msg_free(&pe->m);
		free(pe);
	}
	repl_grant_owed(d);
}

void
repl_group_start(struct daemon *d)
{
	d->pending = NULL;
	d->pending_tail = &d->pending;
	uv_check_init(d->loop, &d->group);
	d->group.data = d;
	uv_check_start(&d->group, on_group);
	/* It only ever has work when something else woke the loop. */
	uv_unref((uv_handle_t *)&d->group);
}

void
repl_group_stop(struct daemon *d)
{
	struct pending_entries *pe;

	uv_close((uv_handle_t *)&d->group, NULL);
	/* Not stored, not acknowledged: partners send them again. */
	while ((pe = d->pending) != NULL) {
		d->pending = pe->next;
		msg_free(&pe->m);
		free(pe);
	}
	d->pending_tail = &d->pending;
}

uint64_t
repl_feed_received(struct daemon *d, const struct feed_id *f,
    uint64_t *duplicates)
{
	struct pull *pl = repl_pull_find(d, f, 0);

	*duplicates = pl != NULL ? pl->duplicates : 0;
	return pl != NULL ? pl->received : 0;
}

void
repl_grant_owed(struct daemon *d)
{
	struct conn *c;

	if (d->verify_backlog > VERIFY_BACKLOG_MAX)
		return;
	for (c = d->conns; c != NULL; c = c->next) {
		if (c->credit_owed == 0 || c->state != CONN_ESTABLISHED)
			continue;
		if (repl_send_credit(c, c->credit_owed) == 0)
			c->credit_owed = 0;
	}
}
