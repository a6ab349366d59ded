/*
 * What the three parts of replication share and nothing else sees:
 * repl.c (heads, pulls, Hello and head notices, fork proofs, the frame
 * dispatch and the tick), repl_serve.c (serving what a partner wants,
 * and what a reload takes from a partner) and repl_recv.c (taking in
 * Entries, and the credit given back for them). Loop thread only.
 */
#ifndef LCN_REPL_INT_H
#define LCN_REPL_INT_H

#include <stdint.h>

#include "repl.h"

struct trust;

/* repl.c */
/*
 * Whether agency may send us, or be sent, anything of group's feeds
 * under t; asked of the running configuration at each send and receipt.
 */
int	repl_entitled(const struct trust *t, const char *agency,
	    const char *group);
/* p's entry for f; with create, added when missing (NULL: no memory). */
struct peer_head *repl_peer_head_find(struct peer *p, const struct feed_id *f,
	    int create);
/* The pull of f; with create, added when missing (NULL: no memory). */
struct pull *repl_pull_find(struct daemon *, const struct feed_id *f,
	    int create);
/* Stops pulling f from p and passes p over as its source a while. */
void	repl_shun(struct daemon *, struct peer *p, const struct feed_id *f);
/* Both return peer_send()'s result: on failure c is closed. */
int	repl_send_reject(struct conn *c, const struct feed_id *f, uint64_t seq,
	    enum reject_reason, const char *text);
int	repl_send_credit(struct conn *c, uint64_t bytes);
/* An equivocation of f at seq was found: alert, and push the proof. */
void	repl_on_fork(struct daemon *, const struct feed_id *f, uint64_t seq,
	    const struct bytes *held, const struct bytes *offered,
	    struct peer *from);
/* Asks p for the entry at h's seq if its hash differs from mine's. */
void	repl_probe_fork(struct daemon *, struct peer *p, const struct head *h,
	    const struct feed_state *mine);

/*
 * Ends the pull pl: its source is no longer asked for anything. A source
 * that follows is told to stop (PROTOCOL.md section 5.3).
 */
void	repl_pull_end(struct daemon *, struct pull *pl);

/* repl_serve.c */
/* A Want: opens or replaces the stream of its feed, then pumps. */
void	repl_serve_want(struct conn *, const struct msg *);
/*
 * f moved here: c's idle following stream of f, if any, has entries to
 * send again. Returns how many streams woke; the caller then pumps.
 */
int	repl_serve_wake(struct conn *c, const struct feed_id *f);
/* The peer of c rejected something of f: its stream of f ends. */
void	repl_serve_stop(struct conn *c, const struct feed_id *f);

/* repl_recv.c */
/*
 * An Entries batch: checked against the connection, then queued for this
 * loop iteration's group commit, which stores or refuses it and then owes
 * its credit. Takes m's contents (m is left empty for msg_free).
 */
void	repl_take_entries(struct conn *, struct msg *);

#endif
