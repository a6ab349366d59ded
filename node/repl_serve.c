/*
 * Serving what a partner wants (PROTOCOL.md sections 4.3 and 5.2): a
 * Want opens or replaces a stream of one feed on the connection, and
 * repl_pump() sends its entries in Entries batches while the partner's
 * credit lasts and the socket keeps up, round robin between feeds,
 * checking entitlement for every batch. A Want with follow keeps its
 * stream once it has reached our head (idle), and every commit that
 * moves the feed wakes it (repl_serve_wake), so that a partner taking a
 * feed from this node gets each new entry in the turn that stored it,
 * without a Heads and a Want in between (PROTOCOL.md section 5.3). Also
 * what a reload takes from a
 * partner that loses a group (repl_config_changing): its streams, its
 * pulls and the heads it announced of the group's feeds. Loop thread only.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "peer.h"
#include "repl.h"
#include "repl_int.h"
#include "store.h"
#include "trust.h"

#define WRITE_QUEUE_MAX		(2 * BATCH_BYTES_MAX)

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
			if (repl_send_reject(c, &s.feed, s.next,
			    REJECT_NOT_MEMBER, "not a member of the feed's "
			    "group") != 0)
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
			if (repl_entitled(t, d->peers[i]->id, group) &&
			    !repl_entitled(nt, d->peers[i]->id, group))
				drop_group(d, d->peers[i], group);
		}
}

void
repl_serve_want(struct conn *c, const struct msg *m)
{
	const struct trust	*t = daemon_trust(c->d);
	const struct feed_id	*f = &m->u.want.feed;
	struct stream		*ns;
	size_t			 i;

	if (trust_check_feed(t, f->origin, f->group) != 0 ||
	    !repl_entitled(t, c->peer->id, f->group)) {
		log_warnx("repl", "%s: asked for %s/%s, which it is not "
		    "entitled to; refused", c->peer->id, f->origin, f->group);
		(void)repl_send_reject(c, f, m->u.want.from_seq,
		    REJECT_NOT_MEMBER, "not a member of the feed's group");
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
	c->streams[i].follow = m->u.want.follow;
	c->streams[i].idle = 0;
	repl_pump(c);
}

int
repl_serve_wake(struct conn *c, const struct feed_id *f)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < c->nstreams; i++)
		if (c->streams[i].idle &&
		    repl_feed_eq(&c->streams[i].feed, f)) {
			c->streams[i].idle = 0;
			n++;
		}
	return n;
}

void
repl_serve_stop(struct conn *c, const struct feed_id *f)
{
	size_t i;

	for (i = 0; i < c->nstreams; i++)
		if (repl_feed_eq(&c->streams[i].feed, f)) {
			stream_drop(c, i);
			return;
		}
}

/* The first stream with something to send, or NULL. */
static struct stream *
stream_busy(struct conn *c, size_t *ix)
{
	size_t i;

	for (i = 0; i < c->nstreams; i++)
		if (!c->streams[i].idle) {
			*ix = i;
			return &c->streams[i];
		}
	return NULL;
}

/*
 * Streams wanted entries while the receiver's credit lasts and the socket
 * keeps up; called again on each Credit, each drained write and each
 * commit that moves a followed feed. A following stream that has reached
 * our head goes idle instead of ending; idle streams cost nothing here.
 */
void
repl_pump(struct conn *c)
{
	struct store_range	 rg;
	struct msg		 m;
	struct stream		*s;
	size_t			 max_bytes, i;
	uint64_t		 next, bytes, to;
	int			 r;

	while (c->credit > 0 && c->state == CONN_ESTABLISHED &&
	    peer_write_queue(c) < WRITE_QUEUE_MAX &&
	    (s = stream_busy(c, &i)) != NULL) {
		/*
		 * Entitlement is checked for every batch, not only at the
		 * Want: a stream held back by the peer's credit may outlive
		 * the peer's membership (repl_config_changing drops such
		 * streams at a reload; this catches any other).
		 */
		if (!repl_entitled(daemon_trust(c->d), c->peer->id,
		    s->feed.group)) {
			log_warnx("repl", "%s: stream of %s/%s stopped at "
			    "seq %llu: no longer entitled to the group",
			    c->peer->id, s->feed.origin, s->feed.group,
			    (unsigned long long)s->next);
			if (repl_send_reject(c, &s->feed, s->next,
			    REJECT_NOT_MEMBER, "not a member of the feed's "
			    "group") != 0)
				return;	/* closed: streams gone */
			stream_drop(c, i);
			continue;
		}
		max_bytes = BATCH_BYTES_MAX;
		if (max_bytes > c->credit)
			max_bytes = c->credit;
		if (c->peer_max_frame - 64 * 1024 < max_bytes)
			max_bytes = c->peer_max_frame - 64 * 1024;
		/* Past what it asked for, a following stream takes all. */
		to = s->follow ? UINT64_MAX : s->to;
		if ((r = store_read(c->d->store, &s->feed, s->next, to,
		    max_bytes, BATCH_ENTRIES_MAX, &rg)) != 0) {
			stream_drop(c, i);
			continue;
		}
		if (rg.nitems == 0) {
			store_range_free(&rg);
			if (s->follow && s->next > s->to) {
				/* At our head: wait for the next commit. */
				s->idle = 1;
				continue;
			}
			if (repl_send_reject(c, &s->feed, s->next, REJECT_GAP,
			    "entries not held here") != 0)
				return;		/* closed: streams gone */
			stream_drop(c, i);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.type = MSG_ENTRIES;
		m.u.entries.feed = s->feed;
		m.u.entries.first_seq = rg.first_seq;
		m.u.entries.items = rg.items;
		m.u.entries.nitems = rg.nitems;
		m.u.entries.follow = s->follow;
		r = peer_send(c, &m);
		next = rg.first_seq + rg.nitems;
		bytes = rg.bytes;
		store_range_free(&rg);
		if (r != 0)
			return;		/* closed: its streams are gone */
		c->credit -= bytes < c->credit ? bytes : c->credit;
		s->next = next;
		if (s->next > s->to && !s->follow)
			stream_drop(c, i);
		else if (c->nstreams > 1) {
			/* Round robin between feeds. */
			struct stream tmp = *s;

			memmove(&c->streams[i], &c->streams[i + 1],
			    (c->nstreams - 1 - i) * sizeof(tmp));
			c->streams[c->nstreams - 1] = tmp;
		}
	}
}
