/*
 * Connections made: accepting on the listener (each accept checked
 * against the handshake limits of peer_refuse.c first), dialling a
 * partner (address lookup, then TCP connect), and the redial backoff
 * with its jitter. Once TCP is up, peer.c's state machine takes over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "peer_int.h"
#include "util.h"

#define BACKOFF_MIN_MS		250
#define BACKOFF_MAX_MS		30000
/*
 * Connections accepted in one loop iteration. libuv accepts until the
 * listener's backlog is empty, and a flood that reconnects as fast as
 * each connection is refused keeps it from ever being empty: the loop
 * would serve nothing else, a partner's handshake in a slot of its own
 * included. Past ACCEPT_BURST the next connection waits in the backlog
 * until a timer of the next iteration takes it, once the other sockets
 * have had their turn.
 */
#define ACCEPT_BURST		32

/* The loop thread's alone; one daemon a process. */
static uv_timer_t	accept_timer;
static int		accept_timer_on;	/* initialised, not closed */
static uint64_t		accept_iter_ms;		/* uv_now() of the burst */
static unsigned		accept_count;		/* in that iteration */

struct dial_req {
	uv_getaddrinfo_t	 gai;
	uv_connect_t		 connect;
	struct conn		*c;
};

static void
peer_name_of(uv_tcp_t *t, char *out, size_t outsz)
{
	struct sockaddr_storage	ss;
	int			len = sizeof(ss);
	char			host[48];

	snprintf(out, outsz, "?");
	if (uv_tcp_getpeername(t, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		uv_ip4_name(sin, host, sizeof(host));
		snprintf(out, outsz, "%s:%u", host, ntohs(sin->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		uv_ip6_name(sin6, host, sizeof(host));
		snprintf(out, outsz, "[%s]:%u", host, ntohs(sin6->sin6_port));
	}
}

static void	accept_one(struct daemon *);

static void
on_accept_timer(uv_timer_t *t)
{
	struct daemon *d = t->data;

	accept_iter_ms = uv_now(d->loop);
	accept_count = 1;
	accept_one(d);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct daemon	*d = server->data;

	if (status < 0) {
		log_warnx("peer", "accept failed: %s", uv_strerror(status));
		return;
	}
	if (uv_now(d->loop) != accept_iter_ms) {
		accept_iter_ms = uv_now(d->loop);
		accept_count = 0;
	}
	/* Not accepted here, libuv stops reading the listener until then. */
	if (++accept_count > ACCEPT_BURST) {
		uv_timer_start(&accept_timer, on_accept_timer, 0, 0);
		return;
	}
	accept_one(d);
}

static void
accept_one(struct daemon *d)
{
	uv_stream_t	*server = (uv_stream_t *)&d->listener;
	struct conn	*c;
	const char	*why;

	if (d->stopping || (c = conn_new(d)) == NULL)
		return;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		peer_close(c, "accept failed");
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	peer_name_of(&c->tcp, c->addr, sizeof(c->addr));
	c->accepted_ms = mono_ms();
	if ((why = peer_handshake_limit(d, c->addr)) != NULL) {
		(void)peer_refused_note(c->addr, why, 0);
		peer_close(c, why);
		return;
	}
	log_debug("peer", "accepted connection addr=%s", c->addr);
	conn_start_tls(c);
}

int
peer_listen(struct daemon *d, char *errbuf, size_t errbufsz)
{
	struct sockaddr_storage	 ss;
	const struct config	*cfg = &d->conf->cfg;
	int			 r;

	if (uv_ip4_addr(cfg->listen_host, cfg->listen_port,
	    (struct sockaddr_in *)&ss) != 0 &&
	    uv_ip6_addr(cfg->listen_host, cfg->listen_port,
	    (struct sockaddr_in6 *)&ss) != 0) {
		snprintf(errbuf, errbufsz, "listen = %s:%u: expected a "
		    "numeric address", cfg->listen_host, cfg->listen_port);
		return LCN_ECONFIG;
	}
	uv_tcp_init(d->loop, &d->listener);
	d->listener.data = d;
	if ((r = uv_tcp_bind(&d->listener, (struct sockaddr *)&ss, 0)) != 0 ||
	    (r = uv_listen((uv_stream_t *)&d->listener, 128,
	    on_connection)) != 0) {
		snprintf(errbuf, errbufsz, "cannot listen on %s:%u: %s",
		    cfg->listen_host, cfg->listen_port, uv_strerror(r));
		return LCN_EIO;
	}
	uv_timer_init(d->loop, &accept_timer);
	accept_timer.data = d;
	accept_timer_on = 1;
	log_info("peer", "listening addr=%s:%u", cfg->listen_host,
	    cfg->listen_port);
	return 0;
}

void
peer_accept_stop(void)
{
	if (accept_timer_on)
		uv_close((uv_handle_t *)&accept_timer, NULL);
	accept_timer_on = 0;
}

void
peer_schedule_redial(struct peer *p, uint64_t min_ms)
{
	uint64_t jitter;

	if (!p->has_address)
		return;
	p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (p->backoff_ms > BACKOFF_MAX_MS)
		p->backoff_ms = BACKOFF_MAX_MS;
	if (p->backoff_ms < min_ms)
		p->backoff_ms = min_ms;
	/* +-25% jitter so that partners restarted together spread out. */
	jitter = p->backoff_ms / 2 ? (uint64_t)random() %
	    (p->backoff_ms / 2) : 0;
	p->next_dial_ms = mono_ms() + p->backoff_ms - p->backoff_ms / 4 +
	    jitter;
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct dial_req	*dr = req->data;
	struct conn	*c = dr->c;

	free(dr);
	if (c->state == CONN_CLOSING)
		return;
	if (status < 0) {
		struct peer *p = daemon_peer(c->d, c->expect);

		if (p != NULL)
			snprintf(p->last_error, sizeof(p->last_error),
			    "connect %.200s: %s", c->addr, uv_strerror(status));
		log_debug("peer", "%s: connect %s failed: %s", c->expect,
		    c->addr, uv_strerror(status));
		peer_close(c, uv_strerror(status));
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	conn_start_tls(c);
}

static void
on_resolved(uv_getaddrinfo_t *gai, int status, struct addrinfo *res)
{
	struct dial_req	*dr = gai->data;
	struct conn	*c = dr->c;
	int		 r;

	if (c->state == CONN_CLOSING || status < 0 || res == NULL) {
		if (c->state != CONN_CLOSING) {
			struct peer *p = daemon_peer(c->d, c->expect);

			if (p != NULL)
				snprintf(p->last_error, sizeof(p->last_error),
				    "resolve %.200s: %s", c->addr,
				    uv_strerror(status));
			peer_close(c, "cannot resolve address");
		}
		uv_freeaddrinfo(res);
		free(dr);
		conn_unref(c);	/* the lookup's reference */
		return;
	}
	dr->connect.data = dr;
	r = uv_tcp_connect(&dr->connect, &c->tcp, res->ai_addr, on_connect);
	uv_freeaddrinfo(res);
	if (r != 0) {
		free(dr);
		peer_close(c, uv_strerror(r));
	}
	conn_unref(c);	/* the lookup's reference */
}

void
peer_dial(struct daemon *d, struct peer *p)
{
	struct addrinfo	 hints;
	struct dial_req	*dr;
	struct conn	*c;
	char		 port[8];

	if (!p->has_address || p->conn != NULL || p->dialling != NULL ||
	    d->stopping)
		return;
	if ((c = conn_new(d)) == NULL)
		return;
	if ((dr = calloc(1, sizeof(*dr))) == NULL) {
		peer_close(c, "out of memory");
		return;
	}
	c->is_client = 1;
	str_copy(c->expect, sizeof(c->expect), p->id);
	snprintf(c->addr, sizeof(c->addr), "%s:%u", p->host, p->port);
	p->dialling = c;
	dr->c = c;
	dr->gai.data = dr;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", p->port);
	uv_timer_start(&c->timer, conn_on_timer, HANDSHAKE_TIMEOUT_MS, 0);
	c->refs++;	/* held until on_resolved has run */
	if (uv_getaddrinfo(d->loop, &dr->gai, on_resolved, p->host, port,
	    &hints) != 0) {
		free(dr);
		c->refs--;
		peer_close(c, "cannot resolve address");
	}
}
