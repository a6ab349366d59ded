/*
 * Replication (repl.c, repl_serve.c, repl_recv.c): what each frame from
 * an established peer means.
 * Heads exchange, one pull per feed at a time within the receiver's
 * credit, live propagation through head notices, relay through any
 * entitled peer, shunning a source that did not deliver, equivocation
 * proofs, and serving what peers want (PROTOCOL.md section 4). It does
 * not move bytes (peer.c) or sign entries (publish.c). Loop thread only.
 */
#ifndef LCN_REPL_H
#define LCN_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct config;
struct conn;
struct daemon;
struct feed_state;
struct peer;

struct stream {			/* entries a peer asked us for */
	struct feed_id	feed;
	uint64_t	next;
	uint64_t	to;
	int		follow;		/* after to, on to each new head */
	int		idle;		/* follow: next is past our head */
};

struct peer_head {		/* a feed's head as a peer announced it */
	struct head	h;
	uint64_t	ahead_since_ms;	/* mono, 0: not ahead of us */
	uint64_t	shunned_until_ms; /* mono: did not deliver */
	int		wanted;		/* asked for on the current conn */
	int		announced;	/* h came from its Hello or Heads */
	struct repl_reject {	/* its last Reject of the feed, if any */
		uint64_t	count;	/* since start; 0: none */
		uint64_t	seq;
		int		reason;	/* enum reject_reason */
		uint64_t	at_ms;	/* wall */
		char		text[ERROR_TEXT_MAX + 1];
	}		rej;
};

enum pull_follow {		/* whether a pull's source streams on */
	PULL_PLAIN,		/* no: the pull ends at to */
	PULL_ASKED,		/* asked to (Want.follow), not yet said so */
	PULL_FOLLOWS,		/* its Entries said so: new entries come */
};

struct pull {			/* one outstanding Want per feed */
	struct feed_id	 feed;
	struct peer	*from;		/* NULL: none outstanding */
	uint64_t	 to;		/* the most from announced */
	uint64_t	 have;		/* our head when from last sent */
	int		 follow;	/* enum pull_follow */
	uint64_t	 last_progress_ms;	/* mono */
	uint64_t	 received;	/* entries of the feed taken in since start */
	uint64_t	 duplicates;	/* of them, already held (lcn status) */
};

/* A connection finished its Hello: grant credit, hand over fork proofs. */
void	repl_established(struct conn *);
/* Acts on one decoded frame of an established (or Hello) connection. */
void	repl_handle(struct conn *, struct msg *);
void	repl_conn_closed(struct conn *);
/* Periodic: stalled pulls, attestations, lazy pulls. */
void	repl_tick(struct daemon *);
/* Sends wanted entries while credit and the socket allow. */
void	repl_pump(struct conn *);
/* Fills this node's Hello for p; 0 or a store error. Free with msg_free. */
int	repl_hello(struct daemon *, const struct peer *, struct msg *);
/*
 * The Rejects p sent about f, a feed this node shares with it (a partner
 * whose configuration keeps it out of the group says so this way): the
 * last one in *out, or 0 when none came since start.
 */
uint64_t repl_peer_rejects(const struct peer *, const struct feed_id *f,
	    struct repl_reject *out);
/* A reject_reason's name: "not_member", "unknown_group"... */
const char *repl_reject_name(int reason);
/* The seq p last announced of f; *known is 0 while it announced none. */
uint64_t repl_peer_seq(const struct peer *, const struct feed_id *,
	    int *known);
/*
 * Starts a pull of f if a peer is ahead of this node and none is
 * outstanding (publish.c calls it when a partner holds more of this
 * node's own feed).
 */
void	repl_consider(struct daemon *, const struct feed_id *f);
/*
 * Entries of f that entitled peers sent since lcnd started, and in
 * *duplicates how many of them this node held already: received over
 * the feed's new entries is the copies each entry cost on the wire.
 */
uint64_t repl_feed_received(struct daemon *, const struct feed_id *f,
	    uint64_t *duplicates);
/* Tells every established, entitled peer but except about a new head. */
void	repl_announce(struct daemon *, const struct feed_state *,
	    struct peer *except);
/*
 * repl_announce() for n heads of different feeds at once: one Heads
 * frame per established peer, holding those it is entitled to.
 */
void	repl_announce_many(struct daemon *, const struct feed_state *fs,
	    size_t n);
/*
 * The group commit of received entries (repl_recv.c): a check handle
 * that, once per loop iteration after the I/O callbacks, stores every
 * Entries batch taken in that iteration and the verified marks raised in
 * it in one synced transaction, and only then announces and credits
 * them. Start after the store is open; stop with the other handles.
 */
void	repl_group_start(struct daemon *);
void	repl_group_stop(struct daemon *);
/*
 * A reload is about to make next the running configuration: for each
 * partner and each group it is entitled to now but not under next, drops
 * its streams (sending a Reject for each), the pulls from it and the
 * heads it announced of the group's feeds, and logs it once. Call it
 * while the old configuration is still d->conf.
 */
void	repl_config_changing(struct daemon *, const struct config *next);
/* Returns the credit held back while the verify backlog was high. */
void	repl_grant_owed(struct daemon *);
int	repl_feed_eq(const struct feed_id *, const struct feed_id *);
void	repl_free(struct daemon *);

/*
 * repl_split.c: split-view proofs (two heads attestations giving one
 * feed two heads at one seq) pushed to partners in Equivocation frames.
 * The tick pushes new ones found by the derived state; a connection gets
 * every one held when established; repl_split_take() checks a received
 * Equivocation and returns 1 when it was a split-view proof (handled:
 * an alert raised, or the partner refused for a false one), else 0.
 */
void	repl_split_tick(struct daemon *);
void	repl_split_established(struct conn *);
int	repl_split_take(struct conn *, const struct bytes *,
	    const struct bytes *);

#endif
