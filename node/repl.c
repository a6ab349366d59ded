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
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "hash.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "publish.h"
#include "repl.h"
#include "repl_verify.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define LAZY_PULL_MS		2000	/* wait for the origin this long */
#define PULL_STALL_MS		10000	/* a pull without progress */
#define SHUN_MS			60000	/* skip a peer that did not deliver */
#define FULL_RETRY_MS		5000	/* storage full here: pull again */
#define WRITE_QUEUE_MAX		(2 * BATCH_BYTES_MAX)

int
repl_feed_eq(const struct feed_id *a, const struct feed_id *b)
{
	return strcmp(a->origin, b->origin) == 0 &&
	    strcmp(a->group, b->group) == 0;
}

/*
 * Whether agency may send us, or be sent, anything of group's feeds
 * under t. Every sender below asks it of the running configuration at
 * the moment it sends, never trusting a check made when a Want came in:
 * a reload may have taken the group away since (PROTOCOL.md section 5.1).
 */
static int
entitled(const struct trust *t, const char *agency, const char *group)
{
	const struct trust_group *g = trust_group(t, group);

	return g != NULL && trust_is_member(g, agency) &&
	    trust_is_member(g, t->self);
}

static struct peer_head *
peer_head_find(struct peer *p, const struct feed_id *f, int create)
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

static struct pull *
pull_find(struct daemon *d, const struct feed_id *f, int create)
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
static void
shun(struct daemon *d, struct peer *p, const struct feed_id *f)
{
	struct pull		*pl;
	struct peer_head	*ph;

	if ((pl = pull_find(d, f, 0)) != NULL && pl->from == p)
		pl->from = NULL;
	if ((ph = peer_head_find(p, f, 0)) != NULL)
		ph->shunned_until_ms = mono_ms() + SHUN_MS;
}

/* Like shun(), for FULL_RETRY_MS: this node could not store what p sent. */
static void
full_pause(struct daemon *d, struct peer *p, const struct feed_id *f)
{
	struct pull		*pl;
	struct peer_head	*ph;

	if ((pl = pull_find(d, f, 0)) != NULL && pl->from == p)
		pl->from = NULL;
	if ((ph = peer_head_find(p, f, 0)) != NULL)
		ph->shunned_until_ms = mono_ms() + FULL_RETRY_MS;
}

/*
 * Notes that f was asked of p on its current connection: Entries of a
 * feed never asked for on the connection are a violation (take_entries),
 * so every Want this node sends goes through here.
 */
static void
mark_wanted(struct peer *p, const struct feed_id *f)
{
	struct peer_head *ph;

	if ((ph = peer_head_find(p, f, 1)) != NULL)
		ph->wanted = 1;
}

/*
 * The senders below return peer_send()'s result; on failure it has
 * logged and closed the connection, so a caller has only to stop using
 * it.
 */
static int
send_reject(struct conn *c, const struct feed_id *f, uint64_t seq,
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

static int
send_credit(struct conn *c, uint64_t bytes)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CREDIT;
	m.u.credit.bytes = bytes;
	return peer_send(c, &m);
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
		if (fs[i].seq == 0 || !entitled(t, p->id, fs[i].feed.group))
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
		    !entitled(t, p->id, fs->feed.group))
			continue;
		/* A failed send closes that connection only. */
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
		    !entitled(t, p->id, f->group))
			continue;
		/* A failed send closes that connection only. */
		(void)peer_send(p->conn, &m);
	}
}

static void
on_fork(struct daemon *d, const struct feed_id *f, uint64_t seq,
    const struct bytes *held, const struct bytes *offered,
    struct peer *from)
{
	struct pull *pl;

	/* The store logged the fork where it found it. */
	daemon_alert_logged(d, "equivocation: %s signed two different "
	    "entries for %s/%s seq %llu; feed frozen (proof %s)", f->origin,
	    f->origin, f->group, (unsigned long long)seq,
	    from ? from->id : "local");
	if ((pl = pull_find(d, f, 0)) != NULL)
		pl->from = NULL;
	push_equivocation(d, f, held, offered, NULL);
}

/* Probes a peer whose head hash differs from ours at a seq we hold. */
static void
probe_fork(struct daemon *d, struct peer *p, const struct head *h,
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
	return send_reject(p->conn, &h->feed, h->seq, g == NULL ?
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
	size_t			 i, nskipped = 0;
	int			 gone = 0;

	for (i = 0; i < n; i++) {
		const struct head *h = &heads[i];

		if (trust_check_feed(t, h->feed.origin, h->feed.group) != 0 ||
		    !entitled(t, p->id, h->feed.group)) {
			/* One line a frame: a Hello may hold 65536 heads. */
			if (nskipped++ == 0)
				skipped = h;
			if (nskipped <= REJECT_HEADS_MAX && !gone &&
			    h->seq > 0)
				gone = reject_head(d, p, h) != 0;
			continue;
		}
		if ((ph = peer_head_find(p, &h->feed, 1)) == NULL)
			continue;
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
				probe_fork(d, p, h, &mine);
			continue;
		}
		if (ph->ahead_since_ms == 0)
			ph->ahead_since_ms = mono_ms();
		repl_consider(d, &h->feed);
	}
	if (nskipped > 0)
		log_info("repl", "%s: ignoring head of %s/%s and %zu more: not "
		    "feeds this node shares with it (group membership differs "
		    "between configurations?)", p->id, skipped->feed.origin,
		    skipped->feed.group, nskipped - 1);
}

/*
 * Starts a pull for a feed if a peer is ahead and none is outstanding:
 * from the origin when it is connected, from another peer at once when
 * the origin is not, or when the origin has not caught up with that
 * peer's notice within LAZY_PULL_MS (PROTOCOL.md section 4). One pull per
 * feed at a time, so each entry is fetched once.
 */
void
repl_consider(struct daemon *d, const struct feed_id *f)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	 mine;
	struct peer		*best = NULL, *origin;
	struct peer_head	*ph, *bestph = NULL;
	struct pull		*pl;
	struct msg		 m;
	uint64_t		 now = mono_ms();
	int			 origin_live;
	size_t			 i;

	if (d->stopping || store_feed(d->store, f->origin, f->group, &mine) !=
	    0 || mine.frozen)
		return;
	if ((pl = pull_find(d, f, 1)) == NULL || pl->from != NULL)
		return;
	origin = daemon_peer(d, f->origin);
	origin_live = origin != NULL && origin->conn != NULL &&
	    origin->conn->state == CONN_ESTABLISHED;
	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p->conn == NULL || p->conn->state != CONN_ESTABLISHED ||
		    !entitled(t, p->id, f->group) ||
		    (ph = peer_head_find(p, f, 0)) == NULL)
			continue;
		if (ph->h.seq <= mine.seq) {
			ph->ahead_since_ms = 0;
			continue;
		}
		if (ph->ahead_since_ms == 0)
			ph->ahead_since_ms = now;
		if (ph->shunned_until_ms > now)
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
	if (peer_send(best->conn, &m) != 0)
		return;
	pl->from = best;
	pl->to = bestph->h.seq;
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
	if (send_credit(c, CREDIT_INITIAL) != 0)
		return;
	/* Every proof we hold goes to each entitled partner, even late. */
	if (store_forks(c->d->store, &forks, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (!entitled(t, c->peer->id, forks[i].feed.group))
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
		if (d->pulls[i].from == c->peer)
			d->pulls[i].from = NULL;
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

static void
stream_drop(struct conn *c, size_t i)
{
	c->streams[i] = c->streams[c->nstreams - 1];
	c->nstreams--;
}

/*
 * p is entitled to group under the running configuration and will not be
 * under the next: forget what it asked for and what it told us about the
 * group. Its streams of the group go, each with a Reject so that it stops
 * waiting; pulls from it of the group's feeds go (repl_tick asks another
 * source); the heads it announced of them go, so that nothing is pulled
 * from it or compared with them. Logged once.
 */
static void
drop_group(struct daemon *d, struct peer *p, const char *group)
{
	struct conn	*c;
	struct stream	 s;
	size_t		 nstreams = 0, npulls = 0, i;

	for (c = d->conns; c != NULL; c = c->next) {
		if (c->peer != p)
			continue;
		for (i = 0; i < c->nstreams; i++)
			if (strcmp(c->streams[i].feed.group, group) == 0)
				nstreams++;
		for (i = 0; i < c->nstreams;) {
			if (strcmp(c->streams[i].feed.group, group) != 0) {
				i++;
				continue;
			}
			s = c->streams[i];
			stream_drop(c, i);
			/* A failed send closed c, freeing its streams. */
			if (send_reject(c, &s.feed, s.next, REJECT_NOT_MEMBER,
			    "not a member of the feed's group") != 0)
				break;
		}
	}
	for (i = 0; i < d->npulls; i++)
		if (d->pulls[i].from == p &&
		    strcmp(d->pulls[i].feed.group, group) == 0) {
			d->pulls[i].from = NULL;
			npulls++;
		}
	for (i = 0; i < p->nheads;)
		if (strcmp(p->heads[i].h.feed.group, group) == 0)
			p->heads[i] = p->heads[--p->nheads];
		else
			i++;
	log_info("repl", "partner %s lost group %s: %zu stream%s and %zu "
	    "pull%s dropped", p->id, group, nstreams, nstreams == 1 ? "" : "s",
	    npulls, npulls == 1 ? "" : "s");
}

/*
 * Called by reload() just before next replaces the running configuration
 * (so that both are at hand): entitlement holds for the whole session,
 * not only when a Want came in. A partner that next removes altogether
 * loses every group here, and sync_peers() then disconnects it.
 */
void
repl_config_changing(struct daemon *d, const struct config *next)
{
	const struct trust	*t = daemon_trust(d);
	const struct trust	*nt = &next->trust;
	const char		*group;
	size_t			 i, g;

	for (i = 0; i < d->npeers; i++)
		for (g = 0; g < t->ngroups; g++) {
			group = t->groups[g].name;
			if (entitled(t, d->peers[i]->id, group) &&
			    !entitled(nt, d->peers[i]->id, group))
				drop_group(d, d->peers[i], group);
		}
}

/* ------------------------------------------------------------ serving */

static void
serve_want(struct conn *c, const struct msg *m)
{
	const struct trust	*t = daemon_trust(c->d);
	const struct feed_id	*f = &m->u.want.feed;
	struct stream		*ns;
	size_t			 i;

	if (trust_check_feed(t, f->origin, f->group) != 0 ||
	    !entitled(t, c->peer->id, f->group)) {
		log_warnx("repl", "%s: asked for %s/%s, which it is not "
		    "entitled to; refused", c->peer->id, f->origin, f->group);
		(void)send_reject(c, f, m->u.want.from_seq, REJECT_NOT_MEMBER,
		    "not a member of the feed's group");
		return;
	}
	for (i = 0; i < c->nstreams; i++)
		if (repl_feed_eq(&c->streams[i].feed, f))
			break;
	if (i == c->nstreams) {
		if ((ns = realloc(c->streams, (c->nstreams + 1) *
		    sizeof(*ns))) == NULL)
			return;
		c->streams = ns;
		c->nstreams++;
	}
	c->streams[i].feed = *f;
	c->streams[i].next = m->u.want.from_seq;
	c->streams[i].to = m->u.want.to_seq;
	repl_pump(c);
}

/*
 * Streams wanted entries while the receiver's credit lasts and the socket
 * keeps up; called again on each Credit and each drained write.
 */
void
repl_pump(struct conn *c)
{
	struct store_range	 rg;
	struct msg		 m;
	struct stream		*s;
	size_t			 max_bytes;
	uint64_t		 next, bytes;
	int			 r;

	while (c->nstreams > 0 && c->credit > 0 &&
	    c->state == CONN_ESTABLISHED &&
	    peer_write_queue(c) < WRITE_QUEUE_MAX) {
		s = &c->streams[0];
		/*
		 * Entitlement is checked for every batch, not only at the
		 * Want: a stream held back by the peer's credit may outlive
		 * the peer's membership (repl_config_changed drops such
		 * streams at a reload; this catches any other).
		 */
		if (!entitled(daemon_trust(c->d), c->peer->id,
		    s->feed.group)) {
			log_warnx("repl", "%s: stream of %s/%s stopped at "
			    "seq %llu: no longer entitled to the group",
			    c->peer->id, s->feed.origin, s->feed.group,
			    (unsigned long long)s->next);
			if (send_reject(c, &s->feed, s->next,
			    REJECT_NOT_MEMBER, "not a member of the feed's "
			    "group") != 0)
				return;	/* closed: streams gone */
			stream_drop(c, 0);
			continue;
		}
		max_bytes = BATCH_BYTES_MAX;
		if (max_bytes > c->credit)
			max_bytes = c->credit;
		if (c->peer_max_frame - 64 * 1024 < max_bytes)
			max_bytes = c->peer_max_frame - 64 * 1024;
		if ((r = store_read(c->d->store, &s->feed, s->next, s->to,
		    max_bytes, BATCH_ENTRIES_MAX, &rg)) != 0) {
			stream_drop(c, 0);
			continue;
		}
		if (rg.nitems == 0) {
			store_range_free(&rg);
			if (send_reject(c, &s->feed, s->next, REJECT_GAP,
			    "entries not held here") != 0)
				return;		/* closed: streams gone */
			stream_drop(c, 0);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.type = MSG_ENTRIES;
		m.u.entries.feed = s->feed;
		m.u.entries.first_seq = rg.first_seq;
		m.u.entries.items = rg.items;
		m.u.entries.nitems = rg.nitems;
		r = peer_send(c, &m);
		next = rg.first_seq + rg.nitems;
		bytes = rg.bytes;
		store_range_free(&rg);
		if (r != 0)
			return;		/* closed: its streams are gone */
		c->credit -= bytes < c->credit ? bytes : c->credit;
		s->next = next;
		if (s->next > s->to)
			stream_drop(c, 0);
		else if (c->nstreams > 1) {
			/* Round robin between feeds. */
			struct stream tmp = c->streams[0];

			memmove(&c->streams[0], &c->streams[1],
			    (c->nstreams - 1) * sizeof(tmp));
			c->streams[c->nstreams - 1] = tmp;
		}
	}
}

/* ---------------------------------------------------------- receiving */

/* A batch went in; res->accepted is 0 when every entry was held already. */
static void
entries_stored(struct conn *c, const struct msg *m,
    const struct append_result *res)
{
	struct daemon		*d = c->d;
	const struct feed_id	*f = &m->u.entries.feed;
	struct pull		*pl;
	uint64_t		 first;
	size_t			 skip;

	if (res->accepted > 0) {
		first = res->head.seq - res->accepted + 1;
		skip = (size_t)(first - m->u.entries.first_seq);
		repl_verify_later(d, f, first, m->u.entries.items + skip,
		    (size_t)res->accepted);
		/* The sender too: its lag view is our receipt. */
		repl_announce(d, &res->head, NULL);
		publish_feed_moved(d, f, m->u.entries.items + skip,
		    (size_t)res->accepted);
		indexer_kick(d);
		/* ops/bench/mesh times dissemination by this line. */
		log_debug("repl", "%s: stored %s/%s %llu..%llu", c->peer->id,
		    f->origin, f->group, (unsigned long long)first,
		    (unsigned long long)res->head.seq);
	}
	pl = pull_find(d, f, 0);
	if (pl != NULL && pl->from == c->peer) {
		/*
		 * Only new entries are progress: a source that answers with
		 * entries held already would otherwise keep the pull, and
		 * the feed, from every other source (PROTOCOL.md section 5.4).
		 */
		if (res->accepted > 0)
			pl->last_progress_ms = mono_ms();
		if (res->head.seq >= pl->to)
			pl->from = NULL;
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

		on_fork(d, f, res->bad_seq, &held, &offered, c->peer);
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
			shun(d, c->peer, f);
			h.feed = *f;
			h.seq = mine->seq;
			memset(h.hash, 0, sizeof(h.hash));
			probe_fork(d, c->peer, &h, mine);
			break;
		}
		/* FALLTHROUGH */
	default:
		shun(d, c->peer, f);
		(void)send_reject(c, f, res->bad_seq, reject_reason_of(r),
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

static void
take_entries(struct conn *c, const struct msg *m)
{
	struct daemon		*d = c->d;
	const struct trust	*t = daemon_trust(d);
	const struct feed_id	*f = &m->u.entries.feed;
	struct append_result	 res;
	struct feed_state	 mine;
	struct peer_head	*ph;
	struct pull		*pl;
	uint64_t		 bytes = 0, first = m->u.entries.first_seq;
	size_t			 i;
	int			 r;

	for (i = 0; i < m->u.entries.nitems; i++)
		bytes += m->u.entries.items[i].len;
	c->credit_owed += bytes;

	if ((r = trust_check_feed(t, f->origin, f->group)) != 0 ||
	    !entitled(t, c->peer->id, f->group)) {
		log_warnx("repl", "%s: sent %zu entries of %s/%s, a feed it "
		    "or this node may not hold; rejected", c->peer->id,
		    m->u.entries.nitems, f->origin, f->group);
		(void)send_reject(c, f, first, r == LCN_EGROUP ?
		    REJECT_UNKNOWN_GROUP : REJECT_NOT_MEMBER,
		    "not entitled to this feed");
		return;
	}
	/*
	 * Entries come only in answer to a Want of this connection
	 * (PROTOCOL.md section 4.3): any other batch, a replay say, is a
	 * violation, logged once since the connection ends here.
	 */
	if ((ph = peer_head_find(c->peer, f, 0)) == NULL || !ph->wanted) {
		peer_violation(c, "sent %zu entries of %s/%s from seq %llu, "
		    "which this node did not ask it for", m->u.entries.nitems,
		    f->origin, f->group, (unsigned long long)first);
		return;
	}
	/* Every copy counts, the stale and the duplicate ones too. */
	if ((pl = pull_find(d, f, 1)) != NULL)
		pl->received += m->u.entries.nitems;
	if (store_feed(d->store, f->origin, f->group, &mine) != 0)
		return;
	if (first > mine.seq + 1) {
		/* A stale stream after we changed source: drop quietly. */
		log_debug("repl", "%s: entries of %s/%s from %llu past head "
		    "%llu ignored", c->peer->id, f->origin, f->group,
		    (unsigned long long)first, (unsigned long long)mine.seq);
		return;
	}
	memset(&res, 0, sizeof(res));
	r = store_append(d->store, t, f, first, m->u.entries.items,
	    m->u.entries.nitems, STORE_VERIFY_LAST, &res);
	if (pl != NULL)
		pl->duplicates += res.duplicates;
	if (r == 0)
		entries_stored(c, m, &res);
	else
		entries_refused(c, f, r, &res, &mine);
	append_result_free(&res);
}

uint64_t
repl_feed_received(struct daemon *d, const struct feed_id *f,
    uint64_t *duplicates)
{
	struct pull *pl = pull_find(d, f, 0);

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
		if (send_credit(c, c->credit_owed) == 0)
			c->credit_owed = 0;
	}
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
	    !entitled(t, c->peer->id, v.feed.group)) {
		log_warnx("repl", "%s: sent an equivocation proof for %s/%s "
		    "seq %llu, a feed it or this node may not hold; refused, "
		    "not stored", c->peer->id, v.feed.origin, v.feed.group,
		    (unsigned long long)v.seq);
		(void)send_reject(c, &v.feed, v.seq,
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
	on_fork(c->d, &f, seq, first, &m->u.equivocation.second, c->peer);
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
	    entitled(daemon_trust(c->d), c->peer->id, f->group) &&
	    (ph = peer_head_find(c->peer, f, 1)) != NULL) {
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
	if ((pl = pull_find(c->d, f, 0)) != NULL && pl->from == c->peer) {
		shun(c->d, c->peer, f);
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
		serve_want(c, m);
		break;
	case MSG_ENTRIES:
		take_entries(c, m);
		repl_grant_owed(c->d);
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

		if (pl->from == NULL ||
		    now - pl->last_progress_ms < PULL_STALL_MS)
			continue;
		log_warnx("repl", "%s: claimed %s/%s up to %llu but did not "
		    "deliver within %d ms; trying another source",
		    pl->from->id, pl->feed.origin, pl->feed.group,
		    (unsigned long long)pl->to, PULL_STALL_MS);
		shun(d, pl->from, &pl->feed);
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
