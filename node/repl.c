/*
 * Replication (PROTOCOL.md sections 3 and 4): heads exchange, pull-based
 * catch-up within credit, live propagation through head notices, relay
 * through any entitled peer, equivocation proofs, and batch
 * authentication on the last signature (repl_verify.c checks the others
 * on the pool; publish.c signs this node's own entries).
 *
 * Entitlement is checked on every path in and out: a feed's entries,
 * heads and proofs go only to members of its group, and are taken only
 * from them (fail closed: an unknown group has no members). It is judged
 * under the running configuration at each send and each receipt, for the
 * whole session: a reload that takes a group from a partner drops what
 * was pending for it (repl_config_changing).
 *
 * This file holds heads, pulls, Hello and head notices, fork proofs, the
 * dispatch of each frame and the tick; serving what a peer wants, and
 * what a reload takes from a partner, are in repl_serve.c; taking in
 * Entries, and the credit given back for them, in repl_recv.c. What the
 * three share is declared in repl_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "hash.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "repl.h"
#include "repl_int.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define LAZY_PULL_MS		2000	/* wait for the origin this long */
#define PULL_STALL_MS		10000	/* a pull without progress */
#define SHUN_MS			60000	/* skip a peer that did not deliver */

int
repl_feed_eq(const struct feed_id *a, const struct feed_id *b)
{
	return strcmp(a->origin, b->origin) == 0 &&
	    strcmp(a->group, b->group) == 0;
}

/*
 * Whether agency may send us, or be sent, anything of group's feeds
 * under t. Every sender (here, in repl_serve.c and repl_recv.c) asks it
 * of the running configuration at the moment it sends, never trusting a
 * check made when a Want came in: a reload may have taken the group away
 * since (PROTOCOL.md section 5.1).
 */
int
repl_entitled(const struct trust *t, const char *agency, const char *group)
{
	const struct trust_group *g = trust_group(t, group);

	return g != NULL && trust_is_member(g, agency) &&
	    trust_is_member(g, t->self);
}

struct peer_head *
repl_peer_head_find(struct peer *p, const struct feed_id *f, int create)
{
	struct peer_head	*nh;
	size_t			 i;

	for (i = 0; i < p->nheads; i++)
		if (repl_feed_eq(&p->heads[i].h.feed, f))
			return &p->heads[i];
	if (!create)
		return NULL;
	if ((nh = realloc(p->heads, (p->nheads + 1) * sizeof(*nh))) == NULL)
		return NULL;
	p->heads = nh;
	memset(&nh[p->nheads], 0, sizeof(*nh));
	nh[p->nheads].h.feed = *f;
	return &nh[p->nheads++];
}

uint64_t
repl_peer_seq(const struct peer *p, const struct feed_id *f, int *known)
{
	size_t i;

	for (i = 0; i < p->nheads; i++)
		if (repl_feed_eq(&p->heads[i].h.feed, f) &&
		    p->heads[i].announced) {
			*known = 1;
			return p->heads[i].h.seq;
		}
	*known = 0;
	return 0;
}

uint64_t
repl_peer_rejects(const struct peer *p, const struct feed_id *f,
    struct repl_reject *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < p->nheads; i++)
		if (repl_feed_eq(&p->heads[i].h.feed, f)) {
			*out = p->heads[i].rej;
			return out->count;
		}
	return 0;
}

const char *
repl_reject_name(int reason)
{
	static const char *const names[] = { "unspecified", "malformed",
	    "bad_signature", "unknown_key", "not_member", "unknown_group",
	    "unknown_origin", "gap", "bad_chain", "bad_root", "frozen",
	    "too_large", "storage" };

	return reason >= 0 && reason <= REJECT_REASON_MAX ? names[reason] :
	    "unknown";
}

struct pull *
repl_pull_find(struct daemon *d, const struct feed_id *f, int create)
{
	struct pull	*np;
	size_t		 i;

	for (i = 0; i < d->npulls; i++)
		if (repl_feed_eq(&d->pulls[i].feed, f))
			return &d->pulls[i];
	if (!create)
		return NULL;
	if ((np = realloc(d->pulls, (d->npulls + 1) * sizeof(*np))) == NULL)
		return NULL;
	d->pulls = np;
	memset(&np[d->npulls], 0, sizeof(*np));
	np[d->npulls].feed = *f;
	return &np[d->npulls++];
}

/*
 * Stops pulling f from p, if it was the source, and passes p over as a
 * source of f for SHUN_MS: it claimed entries it did not deliver, or
 * sent entries that were rejected.
 */
void
repl_shun(struct daemon *d, struct peer *p, const struct feed_id *f)
{
	struct pull		*pl;
	struct peer_head	*ph;

	if ((pl = repl_pull_find(d, f, 0)) != NULL && pl->from == p)
		repl_pull_end(d, pl);
	if ((ph = repl_peer_head_find(p, f, 0)) != NULL)
		ph->shunned_until_ms = mono_ms() + SHUN_MS;
}

/*
 * A source that follows streams on unasked, so leaving it takes a word:
 * a Want of the one entry this node holds at its head, which replaces
 * the source's stream of the feed and ends it after that entry (one copy
 * more, and only when a source fell behind or failed). With nothing held
 * yet there is no such entry; the few entries the source may still send
 * are then taken or dropped as duplicates and stale batches are.
 */
void
repl_pull_end(struct daemon *d, struct pull *pl)
{
	struct peer		*p = pl->from;
	struct feed_state	 mine;
	struct msg		 m;
	int			 follow = pl->follow;

	pl->from = NULL;
	pl->follow = 0;
	if (p == NULL || follow != PULL_FOLLOWS || p->conn == NULL ||
	    p->conn->state != CONN_ESTABLISHED ||
	    store_feed(d->store, pl->feed.origin, pl->feed.group, &mine) != 0 ||
	    mine.seq == 0)
		return;
	memset(&m, 0, sizeof(m));
	m.type = MSG_WANT;
	m.u.want.feed = pl->feed;
	m.u.want.from_seq = mine.seq;
	m.u.want.to_seq = mine.seq;
	/* A failed send closes the connection, and the stream with it. */
	(void)peer_send(p->conn, &m);
}

/*
 * Notes that f was asked of p on its current connection: Entries of a
 * feed never asked for on the connection are a violation (repl_take_entries),
 * so every Want this node sends goes through here.
 */
static void
mark_wanted(struct peer *p, const struct feed_id *f)
{
	struct peer_head *ph;

	if ((ph = repl_peer_head_find(p, f, 1)) != NULL)
		ph->wanted = 1;
}

/*
 * The senders below return peer_send()'s result; on failure it has
 * logged and closed the connection, so a caller has only to stop using
 * it.
 */
int
repl_send_reject(struct conn *c, const struct feed_id *f, uint64_t seq,
    enum reject_reason reason, const char *text)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_REJECT;
	m.u.reject.feed = *f;
	m.u.reject.seq = seq;
	m.u.reject.reason = reason;
	str_copy(m.u.reject.text, sizeof(m.u.reject.text), text);
	if (c->peer != NULL)
		c->peer->rejects_out++;
	return peer_send(c, &m);
}

int
repl_send_credit(struct conn *c, uint64_t bytes)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CREDIT;
	m.u.credit.bytes = bytes;
	return peer_send(c, &m);
}

int
repl_hello(struct daemon *d, const struct peer *p, struct msg *m)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	*fs = NULL;
	size_t			 n = 0, i, k = 0;
	int			 r;

	memset(m, 0, sizeof(*m));
	m->type = MSG_HELLO;
	m->u.hello.version = PROTOCOL_VERSION;
	str_copy(m->u.hello.agency, sizeof(m->u.hello.agency), t->self);
	snprintf(m->u.hello.software, sizeof(m->u.hello.software),
	    "lcnd/%s", LCN_VERSION);
	m->u.hello.max_frame = d->conf->cfg.max_frame;
	if ((r = store_feeds(d->store, &fs, &n)) != 0)
		return r;
	if (n > 0 && (m->u.hello.heads = calloc(n, sizeof(struct head))) ==
	    NULL) {
		free(fs);
		return LCN_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (fs[i].seq == 0 ||
		    !repl_entitled(t, p->id, fs[i].feed.group))
			continue;
		m->u.hello.heads[k].feed = fs[i].feed;
		m->u.hello.heads[k].seq = fs[i].seq;
		memcpy(m->u.hello.heads[k].hash, fs[i].hash, HASH_LEN);
		k++;
	}
	m->u.hello.nheads = k;
	free(fs);
	return 0;
}

void
repl_announce_many(struct daemon *d, const struct feed_state *fs, size_t n)
{
	const struct trust	*t = daemon_trust(d);
	struct msg		 m;
	struct head		*h;
	size_t			 i, k;

	if (n == 0)
		return;
	if (n == 1 || (h = calloc(n, sizeof(*h))) == NULL) {
		for (k = 0; k < n; k++)
			repl_announce(d, &fs[k], NULL);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = MSG_HEADS;
	m.u.heads.heads = h;
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p->conn == NULL || p->conn->state != CONN_ESTABLISHED)
			continue;
		m.u.heads.nheads = 0;
		for (k = 0; k < n; k++) {
			if (!repl_entitled(t, p->id, fs[k].feed.group))
				continue;
			(void)repl_serve_wake(p->conn, &fs[k].feed);
			h[m.u.heads.nheads].feed = fs[k].feed;
			h[m.u.heads.nheads].seq = fs[k].seq;
			memcpy(h[m.u.heads.nheads].hash, fs[k].hash, HASH_LEN);
			m.u.heads.nheads++;
		}
		if (m.u.heads.nheads == 0)
			continue;
		/* The entries first: a follower then needs no Want. */
		repl_pump(p->conn);
		/* A failed send closes that connection only. */
		if (p->conn != NULL && p->conn->state == CONN_ESTABLISHED)
			(void)peer_send(p->conn, &m);
	}
	free(h);
}

void
repl_announce(struct daemon *d, const struct feed_state *fs, struct peer *except)
{
	const struct trust	*t = daemon_trust(d);
	struct msg		 m;
	struct head		 h;
	size_t			 i;

	memset(&m, 0, sizeof(m));
	h.feed = fs->feed;
	h.seq = fs->seq;
	memcpy(h.hash, fs->hash, HASH_LEN);
	m.type = MSG_HEADS;
	m.u.heads.heads = &h;
	m.u.heads.nheads = 1;
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p == except || p->conn == NULL ||
		    p->conn->state != CONN_ESTABLISHED ||
		    !repl_entitled(t, p->id, fs->feed.group))
			continue;
		/* The entries first: a follower then needs no Want. */
		if (repl_serve_wake(p->conn, &fs->feed) > 0)
			repl_pump(p->conn);
		/* A failed send closes that connection only. */
		if (p->conn != NULL && p->conn->state == CONN_ESTABLISHED)
			(void)peer_send(p->conn, &m);
	}
}

static void
push_equivocation(struct daemon *d, const struct feed_id *f,
    const struct bytes *a, const struct bytes *b, struct peer *except)
{
	const struct trust	*t = daemon_trust(d);
	struct msg		 m;
	size_t			 i;

	memset(&m, 0, sizeof(m));
	m.type = MSG_EQUIVOCATION;
	m.u.equivocation.first = *a;
	m.u.equivocation.second = *b;
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p == except || p->conn == NULL ||
		    p->conn->state != CONN_ESTABLISHED ||
		    !repl_entitled(t, p->id, f->group))
			continue;
		/* A failed send closes that connection only. */
		(void)peer_send(p->conn, &m);
	}
}

void
repl_on_fork(struct daemon *d, const struct feed_id *f, uint64_t seq,
    const struct bytes *held, const struct bytes *offered,
    struct peer *from)
{
	struct pull *pl;

	/* The store logged the fork where it found it. */
	daemon_alert_logged(d, "equivocation: %s signed two different "
	    "entries for %s/%s seq %llu; feed frozen (proof %s)", f->origin,
	    f->origin, f->group, (unsigned long long)seq,
	    from ? from->id : "local");
	if ((pl = repl_pull_find(d, f, 0)) != NULL)
		repl_pull_end(d, pl);
	push_equivocation(d, f, held, offered, NULL);
}

/* Probes a peer whose head hash differs from ours at a seq we hold. */
void
repl_probe_fork(struct daemon *d, struct peer *p, const struct head *h,
    const struct feed_state *mine)
{
	struct store_range	 rg;
	uint8_t			 lh[HASH_LEN];
	struct msg		 m;
	int			 differs;

	if (h->seq == 0 || h->seq > mine->seq)
		return;
	if (h->seq == mine->seq)
		differs = memcmp(h->hash, mine->hash, HASH_LEN) != 0;
	else {
		if (store_read(d->store, &h->feed, h->seq, h->seq, ENTRY_MAX, 1,
		    &rg) != 0 || rg.nitems != 1) {
			store_range_free(&rg);
			return;
		}
		hash_leaf(rg.items[0].ptr, rg.items[0].len, lh);
		store_range_free(&rg);
		differs = memcmp(h->hash, lh, HASH_LEN) != 0;
	}
	if (!differs)
		return;
	log_warnx("repl", "%s: announces %s/%s seq %llu with a different "
	    "hash; fetching it for an equivocation check", p->id,
	    h->feed.origin, h->feed.group, (unsigned long long)h->seq);
	memset(&m, 0, sizeof(m));
	m.type = MSG_WANT;
	m.u.want.feed = h->feed;
	m.u.want.from_seq = h->seq;
	m.u.want.to_seq = h->seq;
	/* Unsent, the probe is made again at the peer's next Heads. */
	if (peer_send(p->conn, &m) == 0)
		mark_wanted(p, &h->feed);
}

/*
 * A head of a feed this node does not share with p: said back to it as a
 * Reject (PROTOCOL.md section 4.3, Heads), so that a publisher whose
 * configuration names this node in a group this node's configuration
 * keeps it out of sees why its entries do not arrive (lcn status), where
 * it would otherwise wait forever. At most REJECT_HEADS_MAX a frame: a
 * Hello may hold 65536 heads. Returns -1 once the connection is gone.
 */
#define REJECT_HEADS_MAX	16
static int
reject_head(struct daemon *d, struct peer *p, const struct head *h)
{
	const struct trust	*t = daemon_trust(d);
	const struct trust_group *g = trust_group(t, h->feed.group);
	char			 text[ERROR_TEXT_MAX];

	if (p->conn == NULL)
		return -1;
	if (g == NULL)
		snprintf(text, sizeof(text), "group %s is not in %s's "
		    "configuration", h->feed.group, t->self);
	else if (!trust_is_member(g, t->self))
		snprintf(text, sizeof(text), "%s is not a member of group %s "
		    "in its own configuration", t->self, h->feed.group);
	else if (!trust_is_member(g, p->id))
		snprintf(text, sizeof(text), "%s's configuration does not "
		    "have %s in group %s", t->self, p->id, h->feed.group);
	else
		snprintf(text, sizeof(text), "%s's configuration does not "
		    "have %s in group %s", t->self, h->feed.origin,
		    h->feed.group);
	return repl_send_reject(p->conn, &h->feed, h->seq, g == NULL ?
	    REJECT_UNKNOWN_GROUP : REJECT_NOT_MEMBER, text) == 0 ? 0 : -1;
}

static void
take_heads(struct daemon *d, struct peer *p, const struct head *heads,
    size_t n)
{
	const struct trust	*t = daemon_trust(d);
	const struct head	*skipped = NULL;
	struct peer_head	*ph;
	struct feed_state	 mine;
	struct pull		*pl;
	uint64_t		 was;
	size_t			 i, nskipped = 0;
	int			 gone = 0;

	for (i = 0; i < n; i++) {
		const struct head *h = &heads[i];

		if (trust_check_feed(t, h->feed.origin, h->feed.group) != 0 ||
		    !repl_entitled(t, p->id, h->feed.group)) {
			/* One line a frame: a Hello may hold 65536 heads. */
			if (nskipped++ == 0)
				skipped = h;
			if (nskipped <= REJECT_HEADS_MAX && !gone &&
			    h->seq > 0)
				gone = reject_head(d, p, h) != 0;
			continue;
		}
		if ((ph = repl_peer_head_find(p, &h->feed, 1)) == NULL)
			continue;
		was = ph->h.seq;
		ph->h = *h;
		ph->announced = 1;
		/* It shares the feed now (its configuration was fixed). */
		ph->rej.count = 0;
		if (store_feed(d->store, h->feed.origin, h->feed.group,
		    &mine) != 0)
			continue;
		if (h->seq <= mine.seq) {
			ph->ahead_since_ms = 0;
			if (!mine.frozen)
				repl_probe_fork(d, p, h, &mine);
			continue;
		}
		/* Ahead since now, if it was not before. */
		if (ph->ahead_since_ms == 0 || was <= mine.seq)
			ph->ahead_since_ms = mono_ms();
		/*
		 * The source we follow has more: it owes it to us from now,
		 * and a stall is counted from here (repl_tick).
		 */
		if ((pl = repl_pull_find(d, &h->feed, 0)) != NULL &&
		    pl->from == p && pl->follow == PULL_FOLLOWS &&
		    h->seq > pl->to) {
			if (pl->to <= pl->have)
				pl->last_progress_ms = mono_ms();
			pl->to = h->seq;
		}
		repl_consider(d, &h->feed);
	}
	if (nskipped > 0)
		log_info("repl", "%s: ignoring head of %s/%s and %zu more: not "
		    "feeds this node shares with it (group membership differs "
		    "between configurations?)", p->id, skipped->feed.origin,
		    skipped->feed.group, nskipped - 1);
}

/*
 * Whether the origin that pl follows has fallen behind: another partner
 * has announced more than this node holds for LAZY_PULL_MS and the
 * origin has not brought it, as if it were not following (the lazy rule
 * of repl_consider). Clears the notices that are no longer ahead.
 */
static int
source_lags(struct daemon *d, const struct pull *pl,
    const struct feed_state *mine, uint64_t now)
{
	const struct trust	*t = daemon_trust(d);
	struct peer_head	*ph;
	size_t			 i;
	int			 lags = 0;

	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p == pl->from || p->conn == NULL ||
		    p->conn->state != CONN_ESTABLISHED ||
		    !repl_entitled(t, p->id, pl->feed.group) ||
		    (ph = repl_peer_head_find(p, &pl->feed, 0)) == NULL)
			continue;
		if (ph->h.seq <= mine->seq)
			ph->ahead_since_ms = 0;
		else if (ph->ahead_since_ms != 0 &&
		    ph->shunned_until_ms <= now &&
		    now - ph->ahead_since_ms >= LAZY_PULL_MS)
			lags = 1;
	}
	return lags;
}

/*
 * Starts a pull for a feed if a peer is ahead and none is outstanding:
 * from the origin when it is connected, from another peer at once when
 * the origin is not, or when the origin has not caught up with that
 * peer's notice within LAZY_PULL_MS (PROTOCOL.md section 5.2). One pull
 * per feed at a time, so each entry is fetched once. A pull from the
 * origin asks it to follow the feed (PROTOCOL.md section 5.3): once it
 * says it does, the pull stays with it, new entries come without a Want,
 * and only an origin that falls LAZY_PULL_MS behind another partner, or
 * stalls, is left for another. A pull from any other partner ends at its
 * head, so that the next entry comes from whichever partner announces it
 * first: following relays too fixed each feed's path at its first entry,
 * and a 50-node mesh on one loaded machine then took more hops (7 at p99
 * instead of 5) and longer (p99 2.7-6.1 s against 1.0-3.6 s for pulls
 * per entry, ops/bench/mesh -n 50 -r 50 -t 60 back to back, 2026-12-03).
 */
void
repl_consider(struct daemon *d, const struct feed_id *f)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	 mine;
	struct peer		*best = NULL, *origin, *left = NULL;
	struct peer_head	*ph, *bestph = NULL;
	struct pull		*pl;
	struct msg		 m;
	uint64_t		 now = mono_ms();
	int			 origin_live;
	size_t			 i;

	if (d->stopping || store_feed(d->store, f->origin, f->group, &mine) !=
	    0 || mine.frozen)
		return;
	if ((pl = repl_pull_find(d, f, 1)) == NULL)
		return;
	if (pl->from != NULL) {
		if (pl->follow != PULL_FOLLOWS ||
		    !source_lags(d, pl, &mine, now))
			return;
		left = pl->from;
		log_debug("repl", "%s/%s: %s fell %d ms behind another "
		    "partner; pulling elsewhere", f->origin, f->group,
		    left->id, LAZY_PULL_MS);
		repl_pull_end(d, pl);
	}
	origin = daemon_peer(d, f->origin);
	origin_live = origin != NULL && origin->conn != NULL &&
	    origin->conn->state == CONN_ESTABLISHED;
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p->conn == NULL || p->conn->state != CONN_ESTABLISHED ||
		    !repl_entitled(t, p->id, f->group) ||
		    (ph = repl_peer_head_find(p, f, 0)) == NULL)
			continue;
		if (ph->h.seq <= mine.seq) {
			ph->ahead_since_ms = 0;
			continue;
		}
		if (ph->ahead_since_ms == 0)
			ph->ahead_since_ms = now;
		if (ph->shunned_until_ms > now || p == left)
			continue;
		if (p == origin) {
			best = p;
			bestph = ph;
			break;
		}
		if (origin_live && now - ph->ahead_since_ms < LAZY_PULL_MS)
			continue;
		if (bestph == NULL || ph->h.seq > bestph->h.seq) {
			best = p;
			bestph = ph;
		}
	}
	if (best == NULL)
		return;
	memset(&m, 0, sizeof(m));
	m.type = MSG_WANT;
	m.u.want.feed = *f;
	m.u.want.from_seq = mine.seq + 1;
	m.u.want.to_seq = bestph->h.seq;
	/*
	 * Only from the origin, which holds every entry of its feed first
	 * (never this node's own feeds: it pulls them only back after a
	 * restore, PROTOCOL.md section 5.6).
	 */
	m.u.want.follow = best == origin && strcmp(f->origin, t->self) != 0;
	if (peer_send(best->conn, &m) != 0)
		return;
	pl->from = best;
	pl->to = bestph->h.seq;
	pl->have = mine.seq;
	pl->follow = m.u.want.follow ? PULL_ASKED : PULL_PLAIN;
	pl->last_progress_ms = now;
	mark_wanted(best, f);
	log_debug("repl", "pull %s/%s %llu..%llu from %s", f->origin,
	    f->group, (unsigned long long)m.u.want.from_seq,
	    (unsigned long long)m.u.want.to_seq, best->id);
}

void
repl_established(struct conn *c)
{
	const struct trust	*t = daemon_trust(c->d);
	struct fork_record	*forks = NULL;
	struct msg		 m;
	size_t			 n = 0, i;

	c->credit = 0;
	c->peer_max_frame = FRAME_BODY_DEFAULT;
	if (repl_send_credit(c, CREDIT_INITIAL) != 0)
		return;
	/* Every proof we hold goes to each entitled partner, even late. */
	if (store_forks(c->d->store, &forks, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (!repl_entitled(t, c->peer->id, forks[i].feed.group))
			continue;
		memset(&m, 0, sizeof(m));
		m.type = MSG_EQUIVOCATION;
		m.u.equivocation.first.ptr = forks[i].first;
		m.u.equivocation.first.len = forks[i].first_len;
		m.u.equivocation.second.ptr = forks[i].second;
		m.u.equivocation.second.len = forks[i].second_len;
		if (peer_send(c, &m) != 0)
			break;
	}
	store_forks_free(forks, n);
	if (i == n)
		repl_split_established(c);
}

void
repl_conn_closed(struct conn *c)
{
	struct daemon	*d = c->d;
	size_t		 i;

	for (i = 0; i < d->npulls; i++)
		if (d->pulls[i].from == c->peer) {
			d->pulls[i].from = NULL;
			d->pulls[i].follow = PULL_PLAIN;
		}
	/* What was asked on this connection is not asked on the next. */
	for (i = 0; i < c->peer->nheads; i++)
		c->peer->heads[i].wanted = 0;
	free(c->streams);
	c->streams = NULL;
	c->nstreams = 0;
	/* Other peers may hold what this one was sending: ask them. */
	for (i = 0; i < d->npulls; i++)
		if (d->pulls[i].from == NULL)
			repl_consider(d, &d->pulls[i].feed);
}

/*
 * A proof freezes a feed, so the sender's entitlement to the feed's group
 * is checked before anything is stored, as for Entries: only a member
 * may hand us a proof. The first entry names the feed (the store then
 * checks that the second names the same); one that does not decode is
 * left to the store to refuse and log.
 */
static void
take_equivocation(struct conn *c, const struct msg *m)
{
	const struct trust	*t = daemon_trust(c->d);
	const struct bytes	*first = &m->u.equivocation.first;
	struct entry_view	 v;
	struct feed_id		 f;
	uint64_t		 seq;
	int			 r;

	if (repl_split_take(c, first, &m->u.equivocation.second))
		return;
	if (entry_parse(first->ptr, first->len, &v, NULL, 0) == 0 &&
	    !repl_entitled(t, c->peer->id, v.feed.group)) {
		log_warnx("repl", "%s: sent an equivocation proof for %s/%s "
		    "seq %llu, a feed it or this node may not hold; refused, "
		    "not stored", c->peer->id, v.feed.origin, v.feed.group,
		    (unsigned long long)v.seq);
		(void)repl_send_reject(c, &v.feed, v.seq,
		    trust_group(t, v.feed.group) == NULL ?
		    REJECT_UNKNOWN_GROUP : REJECT_NOT_MEMBER,
		    "not entitled to this feed");
		return;
	}
	r = store_add_equivocation(c->d->store, t, first,
	    &m->u.equivocation.second, &f, &seq);
	if (r == LCN_EDUP)
		return;
	if (r != 0) {
		peer_violation(c, "equivocation proof rejected: %s",
		    lcn_strerror(r));
		return;
	}
	repl_on_fork(c->d, &f, seq, first, &m->u.equivocation.second, c->peer);
}

/*
 * Credit adds up to at most 4 * CREDIT_INITIAL, saturating: the peer
 * chooses the amount, and a sum that wrapped would leave it next to
 * nothing.
 */
static void
take_credit(struct conn *c, uint64_t bytes)
{
	const uint64_t cap = 4ull * CREDIT_INITIAL;

	if (c->credit >= cap || bytes >= cap - c->credit)
		c->credit = cap;
	else
		c->credit += bytes;
	repl_pump(c);
}

static void
take_reject(struct conn *c, const struct msg *m)
{
	const struct feed_id	*f = &m->u.reject.feed;
	char			 text[ERROR_TEXT_MAX * 2];
	struct peer_head	*ph;
	struct pull		*pl;

	c->peer->rejects_in++;
	/*
	 * Kept per (peer, feed) for lcn status, for feeds this node shares
	 * with the peer only: a peer cannot grow the table with Rejects of
	 * feeds it made up.
	 */
	if (trust_check_feed(daemon_trust(c->d), f->origin, f->group) == 0 &&
	    repl_entitled(daemon_trust(c->d), c->peer->id, f->group) &&
	    (ph = repl_peer_head_find(c->peer, f, 1)) != NULL) {
		ph->rej.count++;
		ph->rej.seq = m->u.reject.seq;
		ph->rej.reason = m->u.reject.reason;
		ph->rej.at_ms = now_ms();
		str_copy(ph->rej.text, sizeof(ph->rej.text),
		    m->u.reject.text);
	}
	log_escape(text, sizeof(text), m->u.reject.text,
	    strlen(m->u.reject.text));
	log_warnx("repl", "%s: rejected %s/%s seq %llu reason=%d: \"%s\"",
	    c->peer->id, f->origin, f->group,
	    (unsigned long long)m->u.reject.seq, m->u.reject.reason, text);
	snprintf(c->peer->last_error, sizeof(c->peer->last_error),
	    "rejected %.32s/%.40s seq %llu: %.100s", f->origin, f->group,
	    (unsigned long long)m->u.reject.seq, text);
	/*
	 * A partner that rejects something of f takes nothing of f from us
	 * either: a stream of f to it, following or not, ends here.
	 */
	repl_serve_stop(c, f);
	if ((pl = repl_pull_find(c->d, f, 0)) != NULL && pl->from == c->peer) {
		/* Its stream of f ended with the Reject: nothing to stop. */
		pl->follow = PULL_PLAIN;
		repl_shun(c->d, c->peer, f);
		repl_consider(c->d, f);
	}
}

static void
take_error(struct conn *c, const struct msg *m)
{
	char text[ERROR_TEXT_MAX * 2];

	log_escape(text, sizeof(text), m->u.error.text,
	    strlen(m->u.error.text));
	log_warnx("repl", "%s: sent Error %u: \"%s\"", c->peer->id,
	    m->u.error.code, text);
	snprintf(c->peer->last_error, sizeof(c->peer->last_error),
	    "peer error: %.200s", text);
	peer_close(c, "peer sent Error");
}

void
repl_handle(struct conn *c, struct msg *m)
{
	struct msg pong;

	switch (m->type) {
	case MSG_HELLO:
		if (m->u.hello.max_frame >= FRAME_BODY_MIN &&
		    m->u.hello.max_frame <= FRAME_BODY_MAX)
			c->peer_max_frame = m->u.hello.max_frame;
		take_heads(c->d, c->peer, m->u.hello.heads,
		    m->u.hello.nheads);
		break;
	case MSG_HEADS:
		take_heads(c->d, c->peer, m->u.heads.heads,
		    m->u.heads.nheads);
		break;
	case MSG_WANT:
		repl_serve_want(c, m);
		break;
	case MSG_ENTRIES:
		/* Stored, announced and credited in the group (repl_recv.c). */
		repl_take_entries(c, m);
		break;
	case MSG_CREDIT:
		take_credit(c, m->u.credit.bytes);
		break;
	case MSG_EQUIVOCATION:
		take_equivocation(c, m);
		break;
	case MSG_REJECT:
		take_reject(c, m);
		break;
	case MSG_PING:
		memset(&pong, 0, sizeof(pong));
		pong.type = MSG_PONG;
		pong.u.ping.nonce = m->u.ping.nonce;
		/* A failed send closes the connection; nothing else to do. */
		(void)peer_send(c, &pong);
		break;
	case MSG_PONG:
		break;
	case MSG_ERROR:
		take_error(c, m);
		break;
	default:
		break;
	}
}

void
repl_tick(struct daemon *d)
{
	uint64_t	now = mono_ms();
	size_t		i, k;

	for (i = 0; i < d->npulls; i++) {
		struct pull *pl = &d->pulls[i];

		/* A follow that owes nothing is waiting, not stalled. */
		if (pl->from == NULL ||
		    (pl->follow == PULL_FOLLOWS && pl->to <= pl->have) ||
		    now - pl->last_progress_ms < PULL_STALL_MS)
			continue;
		log_warnx("repl", "%s: claimed %s/%s up to %llu but did not "
		    "deliver within %d ms; trying another source",
		    pl->from->id, pl->feed.origin, pl->feed.group,
		    (unsigned long long)pl->to, PULL_STALL_MS);
		repl_shun(d, pl->from, &pl->feed);
	}
	/* Lazy pulls: notices that stayed ahead past LAZY_PULL_MS. */
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p->conn == NULL || p->conn->state != CONN_ESTABLISHED)
			continue;
		for (k = 0; k < p->nheads; k++)
			if (p->heads[k].ahead_since_ms != 0)
				repl_consider(d, &p->heads[k].h.feed);
	}
	repl_split_tick(d);
}

void
repl_free(struct daemon *d)
{
	free(d->pulls);
	d->pulls = NULL;
	d->npulls = 0;
}
