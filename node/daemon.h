/*
 * The daemon's state, shared by the loop modules: daemon.c (start, stop,
 * signals, timers, reload), peer.c (connections: TCP, TLS, frames, state),
 * repl.c (replication, relay, fork proofs, publishing), indexer.c (the
 * screening index's catch-up) and api.c (the local operator socket).
 * Everything here belongs to the loop thread; only verification jobs run
 * on the libuv pool, and they touch nothing but their own job struct and
 * a referenced configuration.
 */
#ifndef LCN_DAEMON_H
#define LCN_DAEMON_H

#include <stdint.h>

#include <uv.h>

#include "config.h"
#include "frame.h"
#include "wire.h"

struct store;
struct tls_ctx;
struct tls_conn;

/* A configuration shared with pool jobs; freed when the last ref goes. */
struct config_ref {
	struct config	cfg;
	int		refs;
};

enum conn_state {
	CONN_DIALLING,		/* TCP connect in progress */
	CONN_HANDSHAKE,		/* TLS handshake */
	CONN_HELLO,		/* TLS up, waiting for the peer's Hello */
	CONN_ESTABLISHED,
	CONN_CLOSING,		/* uv_close issued */
};

struct stream {			/* entries a peer asked us for */
	struct feed_id	feed;
	uint64_t	next;
	uint64_t	to;
};

struct conn {
	struct daemon		*d;
	uv_tcp_t		 tcp;
	uv_timer_t		 timer;		/* handshake and liveness */
	enum conn_state		 state;
	int			 is_client;	/* we dialled */
	struct peer		*peer;		/* known after TLS */
	char			 expect[AGENCY_ID_MAX + 1]; /* dialled id */
	char			 addr[CONFIG_ADDR_MAX + 8]; /* remote address */
	struct tls_conn		*tls;
	struct frame_reader	 reader;
	uint64_t		 last_rx_ms;	/* mono */
	uint64_t		 ping_sent_ms;	/* mono, 0: none */
	uint64_t		 credit;	/* bytes we may still send */
	uint32_t		 peer_max_frame; /* from its Hello */
	uint64_t		 credit_owed;	/* held back: verify backlog */
	struct stream		*streams;
	size_t			 nstreams;
	int			 refs;	/* open uv handles, pending lookup */
	struct conn		*next;		/* daemon's list */
};

struct peer_head {
	struct head	h;
	uint64_t	ahead_since_ms;	/* mono, 0: not ahead of us */
	uint64_t	shunned_until_ms; /* mono: did not deliver */
};

struct peer {
	char		 id[AGENCY_ID_MAX + 1];
	int		 has_address;
	char		 host[CONFIG_ADDR_MAX];
	uint16_t	 port;
	struct conn	*conn;		/* after TLS, NULL if none */
	struct conn	*dialling;	/* our dial in progress */
	uint64_t	 next_dial_ms;	/* mono */
	uint64_t	 backoff_ms;
	int		 tried;		/* a dial finished since start */
	int		 hello_seen;	/* since start */
	uint64_t	 since_ms;	/* wall, state change */
	char		 last_error[256];
	char		 fingerprint[65];
	uint64_t	 frames_in, frames_out;
	uint64_t	 rejects_in, rejects_out;
	struct peer_head *heads;	/* what it announced */
	size_t		 nheads;
	int		 gone;		/* removed by a reload */
	uint64_t	 refuse_until_ms; /* mono: not accepted before */
	uint64_t	 refuse_ms;	/* the last refusal's length */
	uint64_t	 last_violation_ms; /* mono */
};

struct pull {			/* one outstanding Want per feed */
	struct feed_id	 feed;
	struct peer	*from;		/* NULL: none outstanding */
	uint64_t	 to;
	uint64_t	 last_progress_ms;	/* mono */
};

struct verify_range {		/* a batch awaiting pool verification */
	uint64_t	first, last;
	int		pending_jobs;
	int		failed;
};

struct feed_verify {
	struct feed_id		 feed;
	struct verify_range	*ranges;	/* in seq order */
	size_t			 nranges;
};

struct daemon {
	uv_loop_t		*loop;
	struct config_ref	*conf;		/* current */
	struct tls_ctx		*tls;
	struct store		*store;
	uv_tcp_t		 listener;
	uv_signal_t		 sig_term, sig_int, sig_hup;
	uv_timer_t		 tick;
	struct peer		**peers;
	size_t			 npeers;
	struct conn		*conns;
	struct pull		*pulls;
	size_t			 npulls;
	struct feed_verify	*verifies;
	size_t			 nverifies;
	int			 jobs;		/* pool jobs in flight */
	uint64_t		 verify_backlog; /* bytes the jobs hold */
	uv_idle_t		 indexer;	/* screening index catch-up */
	uv_timer_t		 index_quiet;	/* entries stopped coming */
	uint64_t		 index_since_ms; /* mono, 0: idle */
	uint64_t		 index_steps;
	int			 index_urgent;	/* a query waits for it */
	char			(*dirty)[GROUP_NAME_MAX + 1]; /* to attest */
	size_t			 ndirty;
	uint64_t		 attest_due_ms;	/* mono */
	char			**alerts;
	size_t			 nalerts;
	uint64_t		 start_ms;	/* wall */
	int			 stopping;
	void			*api;		/* api.c's state */
};

/* daemon.c */
int	daemon_init(struct daemon *, uv_loop_t *, struct config_ref *,
	    char *errbuf, size_t errbufsz);
void	daemon_stop(struct daemon *);
void	daemon_free(struct daemon *);
void	daemon_alert(struct daemon *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
struct config_ref *config_ref_new(void);
void	config_ref_put(struct config_ref *);
const struct trust *daemon_trust(const struct daemon *);
struct peer *daemon_peer(struct daemon *, const char *id);

/* peer.c */
int	peer_listen(struct daemon *, char *errbuf, size_t errbufsz);
void	peer_dial(struct daemon *, struct peer *);
void	peer_tick(struct daemon *);
int	peer_send(struct conn *, const struct msg *);
void	peer_close(struct conn *, const char *why);
void	peer_close_all(struct daemon *);
void	peer_fail(struct conn *, int reject_frame, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * peer_fail() for invalid data (garbage frames, bad entries, a false
 * proof): the partner's connections are also refused on accept for a
 * while, from 1 s doubling to 60 s (DESIGN.md section 7).
 */
void	peer_violation(struct conn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
uint64_t peer_refused_for_ms(const struct peer *);	/* 0: accepted */
const char *peer_state_name(const struct peer *);
size_t	peer_write_queue(const struct conn *);

/* indexer.c */
void	indexer_init(struct daemon *);
void	indexer_kick(struct daemon *);	/* entries committed or checked */
void	indexer_urge(struct daemon *);	/* a query waits for it */
void	indexer_stop(struct daemon *);

/* repl.c */
void	repl_established(struct conn *);
void	repl_handle(struct conn *, struct msg *);
void	repl_conn_closed(struct conn *);
void	repl_tick(struct daemon *);
void	repl_pump(struct conn *);
void	repl_resume_verification(struct daemon *);
int	repl_publish(struct daemon *, const char *group,
	    const struct bytes *bodies, size_t n, uint64_t *first,
	    uint64_t *last, char *errbuf, size_t errbufsz);
int	repl_hello(struct daemon *, const struct peer *, struct msg *);
uint64_t repl_peer_seq(const struct peer *, const struct feed_id *,
	    int *known);
void	repl_free(struct daemon *);

#endif
