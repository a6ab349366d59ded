/*
 * The periodic side of peer connections: peer_tick (dial partners whose
 * backoff is over, ping idle sessions, close those that stopped reading
 * or answering) and the re-check of every session and partner CRL
 * (peer_recheck), since a session outlives the checks of its handshake.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "log.h"
#include "peer.h"
#include "peer_int.h"
#include "tls.h"
#include "util.h"

#define IDLE_PING_MS		15000
#define PING_DEADLINE_MS	30000
/*
 * A session outlives the checks of its handshake: its certificate may
 * expire, or its partner's CRL expire, while it is open. Every minute
 * (and at each reload) it is verified again.
 */
#define PEER_RECHECK_MS		60000
#define RECHECK_ENV		"LCN_TEST_RECHECK_MS"	/* tests only */
#define RECHECK_MIN_MS		100
#define DAY_MS			(86400ull * 1000)

/* PEER_RECHECK_MS, or what a test asked for in RECHECK_ENV. */
static uint64_t
recheck_interval_ms(void)
{
	static uint64_t		 ms;
	const char		*e;
	char			*end;
	unsigned long long	 v;

	if (ms != 0)
		return ms;
	ms = PEER_RECHECK_MS;
	if ((e = getenv(RECHECK_ENV)) != NULL && *e != '\0') {
		errno = 0;
		v = strtoull(e, &end, 10);
		if (errno == 0 && *end == '\0' && v >= RECHECK_MIN_MS &&
		    v <= PEER_RECHECK_MS)
			ms = v;
		else
			log_warnx("peer", "%s=%s ignored: expected ms %d..%d",
			    RECHECK_ENV, e, RECHECK_MIN_MS, PEER_RECHECK_MS);
	}
	return ms;
}

int
peer_crl_status(struct daemon *d, const struct peer *p, char *buf,
    size_t bufsz)
{
	uint64_t	 next, now = now_ms(), left;
	uint64_t	 warn = (uint64_t)d->conf->cfg.crl_warn_days * DAY_MS;
	time_t		 secs;
	struct tm	 tm;
	char		 day[16];

	if (bufsz > 0)
		buf[0] = '\0';
	if ((next = tls_ctx_crl_next_update(d->tls, p->id)) == 0)
		return PEER_CRL_NONE;
	secs = (time_t)(next / 1000);
	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) == 0)
		snprintf(day, sizeof(day), "?");
	if (next <= now) {
		snprintf(buf, bufsz, "CRL expired %s: every certificate of %s "
		    "is refused until its new CRL is installed (crl =, then "
		    "SIGHUP)", day, p->id);
		return PEER_CRL_EXPIRED;
	}
	left = next - now;
	if (left <= warn) {
		snprintf(buf, bufsz, "CRL expires %s (nextUpdate, in %llu "
		    "day%s): install %s's next CRL and reload (SIGHUP) before "
		    "then, or %s will be refused", day,
		    (unsigned long long)((left + DAY_MS - 1) / DAY_MS),
		    left > DAY_MS ? "s" : "", p->id, p->id);
		return PEER_CRL_DUE;
	}
	snprintf(buf, bufsz, "CRL valid until %s", day);
	return PEER_CRL_FRESH;
}

/*
 * One partner's session and CRL, checked again (peer_recheck); when says
 * why, for the log. A CRL that is due or expired is logged when its
 * state changes, or every time if always is set (a reload).
 */
static void
recheck_peer(struct daemon *d, struct peer *p, const char *when, int always)
{
	struct conn	*c = p->conn;
	char		 why[512];
	int		 st;

	p->recheck_ms = mono_ms() + recheck_interval_ms();
	if (c != NULL && c->tls != NULL && (c->state == CONN_HELLO ||
	    c->state == CONN_ESTABLISHED) &&
	    tls_conn_recheck(c->tls, d->tls, why, sizeof(why)) != 0)
		peer_fail(c, 1, "session closed on %s: %s", when, why);

	st = peer_crl_status(d, p, why, sizeof(why));
	if (st != p->crl_state || always) {
		if (st == PEER_CRL_EXPIRED)
			log_error("peer", "%s: %s", p->id, why);
		else if (st == PEER_CRL_DUE)
			log_warnx("peer", "%s: %s", p->id, why);
		else if (st == PEER_CRL_FRESH && p->crl_state > st)
			log_info("peer", "%s: %s", p->id, why);
	}
	p->crl_state = st;
}

void
peer_recheck(struct daemon *d)
{
	struct conn	*c, *next;
	char		 why[512];
	size_t		 i;

	for (i = 0; i < d->npeers; i++)
		recheck_peer(d, d->peers[i], "reload", 1);
	/*
	 * A session not attached to a partner slot (none should be past
	 * the handshake) is checked too: nothing stays open unverified.
	 */
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		if (c->tls == NULL || (c->peer != NULL && c->peer->conn == c) ||
		    (c->state != CONN_HELLO && c->state != CONN_ESTABLISHED))
			continue;
		if (tls_conn_recheck(c->tls, d->tls, why, sizeof(why)) != 0)
			peer_fail(c, 1, "session closed on reload: %s", why);
	}
}

void
peer_tick(struct daemon *d)
{
	struct conn	*c, *next;
	struct msg	 m;
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < d->npeers; i++) {
		struct peer *p = d->peers[i];

		if (p->has_address && p->conn == NULL && p->dialling == NULL &&
		    now >= p->next_dial_ms)
			peer_dial(d, p);
		if (now >= p->recheck_ms)
			recheck_peer(d, p, "re-check", 0);
	}
	peer_refused_tick(now);
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		if (c->paused_ms != 0 && c->state != CONN_CLOSING &&
		    now - c->paused_ms > PEER_DRAIN_MS) {
			peer_not_reading(c, "%zu bytes queued for it, nothing "
			    "taken in %d ms", c->queued, PEER_DRAIN_MS);
			continue;
		}
		if (c->state != CONN_ESTABLISHED)
			continue;
		if (c->ping_sent_ms != 0 &&
		    now - c->ping_sent_ms > PING_DEADLINE_MS) {
			peer_fail(c, 0, "no reply to Ping within %d ms",
			    PING_DEADLINE_MS);
			continue;
		}
		if (c->ping_sent_ms == 0 && now - c->last_rx_ms > IDLE_PING_MS) {
			memset(&m, 0, sizeof(m));
			m.type = MSG_PING;
			m.u.ping.nonce = now;
			c->ping_sent_ms = now;
			/* Unsent, the connection is closed (peer_send). */
			(void)peer_send(c, &m);
		}
	}
}
