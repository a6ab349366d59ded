/*
 * Peer connections (peer.c): a struct peer for each configured partner,
 * holding what this node knows of it across connections, and a struct
 * conn for each TCP connection, which goes DIALLING (ours only) ->
 * HANDSHAKE -> HELLO -> ESTABLISHED -> CLOSING (node/README.md). peer.c
 * moves bytes: TCP through libuv, TLS 1.3, length-prefixed frames, the
 * handshake and liveness timers, redial backoff, and refusing for a while
 * a partner that sent invalid data. What the frames mean is repl.c's
 * business. Everything here belongs to the loop thread.
 */
#ifndef LCN_PEER_H
#define LCN_PEER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "config.h"
#include "frame.h"
#include "lcn_limits.h"
#include "wire.h"

struct daemon;
struct peer_head;
struct stream;
struct tls_conn;

enum conn_state {
	CONN_DIALLING,		/* TCP connect in progress */
	CONN_HANDSHAKE,		/* TLS handshake */
	CONN_HELLO,		/* TLS up, waiting for the peer's Hello */
	CONN_ESTABLISHED,
	CONN_CLOSING,		/* uv_close issued */
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
	struct stream		*streams;	/* repl.c: what it asked for */
	size_t			 nstreams;
	int			 refs;	/* open uv handles, pending lookup */
	size_t			 queued;	/* unwritten bytes + requests */
	uint64_t		 paused_ms;	/* mono: reading stopped, 0: not */
	uint64_t		 accepted_ms;	/* mono: accepted, 0: dialled */
	int			 answered;	/* TLS bytes sent: a whole
						   ClientHello came in */
	struct conn		*next;		/* daemon's list */
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
	struct peer_head *heads;	/* repl.c: what it announced */
	size_t		 nheads;
	int		 gone;		/* removed by a reload */
	uint64_t	 refuse_until_ms; /* mono: not accepted before */
	uint64_t	 refuse_ms;	/* the last refusal's length */
	uint64_t	 last_violation_ms; /* mono */
	uint64_t	 recheck_ms;	/* mono: next session and CRL re-check */
	int		 crl_state;	/* enum peer_crl, as last logged */
};

/* A partner's CRL, by its nextUpdate (peer_crl_status). */
enum peer_crl {
	PEER_CRL_NONE,		/* no CRL configured */
	PEER_CRL_FRESH,
	PEER_CRL_DUE,		/* nextUpdate within crl_warn_days */
	PEER_CRL_EXPIRED,	/* every certificate of the partner refused */
};

/* Binds the configured listen address; 0, LCN_ECONFIG or LCN_EIO. */
int	peer_listen(struct daemon *, char *errbuf, size_t errbufsz);
/* Dials a partner with an address unless connected or dialling. */
void	peer_dial(struct daemon *, struct peer *);
/* Periodic: redials what is due, pings idle connections, drops dead ones. */
void	peer_tick(struct daemon *);
/*
 * Encodes and sends one frame. Returns 0; LCN_EIO, quietly, when the
 * connection is already closing; or, after logging the failure and
 * closing the connection (which frees its streams), LCN_EIO when the
 * write failed, LCN_ENOMEM, or the encoder's error; or LCN_EIO after
 * closing it as a violation when more than PEER_QUEUE_MAX bytes wait to
 * be written (the frame was queued, the peer does not read). A caller
 * only has to stop using the connection.
 */
int	peer_send(struct conn *, const struct msg *);
/* Closes a connection (asynchronously); why is kept as the last error. */
void	peer_close(struct conn *, const char *why);
void	peer_close_all(struct daemon *);
/*
 * Logs why, sends it as an Error frame when reject_frame is set and the
 * session allows it, backs off redialling and closes the connection.
 */
void	peer_fail(struct conn *, int reject_frame, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * peer_fail() for invalid data (garbage frames, bad entries, a false
 * proof): the partner's connections are also refused on accept for a
 * while, from 1 s doubling to 60 s (PROTOCOL.md section 4.4).
 */
void	peer_violation(struct conn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
uint64_t peer_refused_for_ms(const struct peer *);	/* 0: accepted */
const char *peer_state_name(const struct peer *);
size_t	peer_write_queue(const struct conn *);	/* bytes not yet written */
/*
 * Verifies every open session's peer certificate again against the
 * current TLS context (d->tls): CA, CRL, SAN and validity, as at the
 * handshake (tls_conn_recheck). A session that fails is closed, logged
 * with the reason, which lcn status shows. Also logs each partner's CRL
 * that is due or expired (peer_crl_status). reload() calls it once the
 * new configuration is in place; peer_tick() runs the same for each
 * partner every PEER_RECHECK_MS (LCN_TEST_RECHECK_MS in the environment,
 * 100..60000, shortens it for tests only).
 */
void	peer_recheck(struct daemon *);
/*
 * The state of partner p's CRL under the current configuration, with a
 * sentence for the log and lcn status in buf ("CRL expired 2026-11-30:
 * ..."; "" for PEER_CRL_NONE). Returns an enum peer_crl.
 */
int	peer_crl_status(struct daemon *, const struct peer *p, char *buf,
	    size_t bufsz);

#endif
