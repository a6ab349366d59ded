/*
 * What the four parts of peer.c share and nothing else sees: peer.c
 * (the connection state machine, reading and writing), peer_dial.c
 * (accepting, dialling, redial backoff), peer_refuse.c (handshake limits,
 * the refusal log, refusing a partner a while) and peer_recheck.c (the
 * periodic tick and the session and CRL re-check). Loop thread only.
 */
#ifndef LCN_PEER_INT_H
#define LCN_PEER_INT_H

#include <stdint.h>

#include <uv.h>

#include "peer.h"

#define HANDSHAKE_TIMEOUT_MS	10000
#define STR_(x)			#x
#define STR(x)			STR_(x)	/* a limit's value, in a message */

/* peer.c */
struct conn	*conn_new(struct daemon *);
void		 conn_unref(struct conn *);
void		 conn_start_tls(struct conn *);
void		 conn_on_timer(uv_timer_t *);

/* peer_dial.c */
void		 peer_schedule_redial(struct peer *, uint64_t min_ms);
/* Closes the timer of accepts held back (ACCEPT_BURST); at stop. */
void		 peer_accept_stop(void);

/* peer_refuse.c */
const char	*peer_handshake_limit(struct daemon *, const char *addr);
int		 peer_refused_note(const char *addr, const char *why,
		    int first_apart);
void		 peer_refused_tick(uint64_t now);
void		 peer_not_reading(struct conn *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
