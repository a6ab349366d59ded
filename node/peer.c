/*
 * Peer connections: TCP via libuv, TLS 1.3 through tls.c's memory BIOs,
 * length-prefixed frames, and the connection state machine with its
 * timers (PROTOCOL.md section 4). What the frames mean is repl.c's business.
 * Accepting and dialling are in peer_dial.c, the limits and the refusal
 * log in peer_refuse.c, the periodic tick and re-check in peer_recheck.c.
 *
 * A conn owns two uv handles (tcp, timer) and, while dialling, an address
 * lookup; it is freed only when both close callbacks and the lookup's
 * callback have run (uv_close does not cancel a lookup). Every state
 * change goes through set_state(), which logs it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "peer_int.h"
#include "repl.h"
#include "tls.h"
#include "util.h"

#define BACKOFF_PENALTY_MS	5000	/* after a protocol violation */
#define READ_CHUNK		(64 * 1024)

struct conn_write {
	uv_write_t	 req;
	uint8_t		*buf;
	size_t		 len;
};

static const char	handshake_timeout_why[] = "TLS handshake not finished "
			    "within HANDSHAKE_TIMEOUT_MS " STR(HANDSHAKE_TIMEOUT_MS)
			    " ms";

static const char *const state_names[] = {
	"dialling", "handshake", "hello", "established", "closing",
};

static const char *const msg_names[] = {	/* by enum msg_type */
	"none", "Hello", "Heads", "Want", "Entries", "Credit",
	"Equivocation", "Reject", "Ping", "Pong", "Error",
};

static void	conn_advance(struct conn *);
static void	on_read(uv_stream_t *, ssize_t, const uv_buf_t *);
static void	resume_reading(struct conn *);
static void	alloc_cb(uv_handle_t *, size_t, uv_buf_t *);

static const char *
conn_name(const struct conn *c)
{
	if (c->peer != NULL)
		return c->peer->id;
	if (c->expect[0] != '\0')
		return c->expect;
	return c->addr;
}

static void
set_state(struct conn *c, enum conn_state s)
{
	if (c->state == s)
		return;
	log_debug("peer", "%s: %s -> %s addr=%s", conn_name(c),
	    state_names[c->state], state_names[s], c->addr);
	c->state = s;
	if (c->peer != NULL)
		c->peer->since_ms = now_ms();
}

const char *
peer_state_name(const struct peer *p)
{
	if (p->conn != NULL)
		return state_names[p->conn->state];
	if (p->dialling != NULL)
		return state_names[p->dialling->state];
	if (!p->has_address)
		return "waiting";	/* accept only */
	return "backoff";
}

struct conn *
conn_new(struct daemon *d)
{
	struct conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->d = d;
	frame_reader_init(&c->reader, d->conf->cfg.max_frame);
	uv_tcp_init(d->loop, &c->tcp);
	uv_timer_init(d->loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	c->refs = 2;		/* tcp, timer */
	c->last_rx_ms = mono_ms();
	c->next = d->conns;
	d->conns = c;
	return c;
}

static void
conn_free(struct conn *c)
{
	struct conn **pp;

	for (pp = &c->d->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	tls_conn_free(c->tls);
	frame_reader_free(&c->reader);
	free(c->streams);
	free(c);
}

void
conn_unref(struct conn *c)
{
	if (--c->refs == 0)
		conn_free(c);
}

static void
on_handle_closed(uv_handle_t *h)
{
	conn_unref(h->data);
}

void
peer_close(struct conn *c, const char *why)
{
	struct peer *p = c->peer;

	if (c->state == CONN_CLOSING)
		return;
	if (p != NULL && p->conn == c) {
		log_info("peer", "%s: disconnected: %s fingerprint=%s",
		    p->id, why, p->fingerprint);
		p->conn = NULL;
		p->since_ms = now_ms();
		if (why != NULL && strcmp(why, "shutdown") != 0 &&
		    strcmp(why, "duplicate connection") != 0)
			str_copy(p->last_error, sizeof(p->last_error), why);
		repl_conn_closed(c);
	}
	if (c->is_client && c->expect[0] != '\0') {
		struct peer *dp = daemon_peer(c->d, c->expect);

		if (dp != NULL && dp->dialling == c) {
			dp->dialling = NULL;
			dp->tried = 1;
		}
		if (dp != NULL && dp->conn == NULL && !c->d->stopping &&
		    dp->next_dial_ms <= mono_ms())
			peer_schedule_redial(dp, 0);
	}
	set_state(c, CONN_CLOSING);
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

void
peer_close_all(struct daemon *d)
{
	struct conn *c, *next;

	peer_accept_stop();
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		peer_close(c, "shutdown");
	}
}

static void
on_write(uv_write_t *req, int status)
{
	struct conn_write	*w = (struct conn_write *)req;
	struct conn		*c = req->handle->data;

	c->queued -= w->len + sizeof(*w);
	free(w->buf);
	free(w);
	if (status < 0 && status != UV_ECANCELED) {
		peer_close(c, uv_strerror(status));
		return;
	}
	if (status == 0 && c->paused_ms != 0 && c->queued <= PEER_QUEUE_LOW &&
	    c->state != CONN_CLOSING)
		resume_reading(c);
	/* The socket drained: more entries may go out within credit. */
	if (status == 0 && c->state == CONN_ESTABLISHED)
		repl_pump(c);
}

/* Sends whatever ciphertext TLS has produced. */
static int
flush(struct conn *c)
{
	struct conn_write	*w;
	uv_buf_t		 b;
	size_t			 n;
	int			 r;

	if (c->state == CONN_CLOSING || c->tls == NULL)
		return 0;
	if ((n = tls_conn_pending(c->tls)) == 0)
		return 0;
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->buf = malloc(n)) == NULL) {
		free(w);
		return LCN_ENOMEM;
	}
	w->len = tls_conn_take(c->tls, w->buf, n);
	c->answered = 1;	/* peer_handshake_limit() spares it longer */
	b = uv_buf_init((char *)w->buf, (unsigned)w->len);
	if ((r = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1,
	    on_write)) != 0) {
		free(w->buf);
		free(w);
		return LCN_EIO;
	}
	/* Each write's request costs as much as a small frame: count it. */
	c->queued += w->len + sizeof(*w);
	return 0;
}

size_t
peer_write_queue(const struct conn *c)
{
	return uv_stream_get_write_queue_size((const uv_stream_t *)&c->tcp);
}

int
peer_send(struct conn *c, const struct msg *m)
{
	uint8_t	*buf;
	size_t	 len;
	int	 r;

	if (c->state == CONN_CLOSING || c->tls == NULL)
		return LCN_EIO;
	if ((r = wire_encode(m, &buf, &len)) == 0) {
		r = tls_conn_write(c->tls, buf, len);
		free(buf);
		if (r == 0)
			r = flush(c);
	}
	if (r != 0) {
		/*
		 * The session may now hold part of a frame, and the peer
		 * waits for what it was promised: start over. The Hello of
		 * the next connection brings both sides in step again.
		 */
		log_warnx("peer", "%s: cannot send %s: %s; closing addr=%s",
		    conn_name(c), (size_t)m->type < sizeof(msg_names) /
		    sizeof(msg_names[0]) ? msg_names[m->type] : "a frame",
		    lcn_strerror(r), c->addr);
		peer_close(c, "cannot send a frame");
		return r;
	}
	if (c->peer != NULL)
		c->peer->frames_out++;
	if (c->queued > PEER_QUEUE_MAX) {
		peer_not_reading(c, "%zu bytes queued for it, more than "
		    "PEER_QUEUE_MAX %u", c->queued, PEER_QUEUE_MAX);
		return LCN_EIO;
	}
	return 0;
}

void
peer_fail(struct conn *c, int send_error, const char *fmt, ...)
{
	struct msg	 m;
	char		 why[512];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("peer", "%s: %s addr=%s fingerprint=%s", conn_name(c), why,
	    c->addr, c->peer ? c->peer->fingerprint : "-");
	if (send_error && c->state != CONN_CLOSING && c->tls != NULL &&
	    c->state != CONN_HANDSHAKE) {
		memset(&m, 0, sizeof(m));
		m.type = MSG_ERROR;
		m.u.error.code = 1;
		str_copy(m.u.error.text, sizeof(m.u.error.text), why);
		/* On failure peer_send has closed it already. */
		(void)peer_send(c, &m);
	}
	if (c->peer != NULL) {
		str_copy(c->peer->last_error, sizeof(c->peer->last_error), why);
		if (c->peer->has_address)
			peer_schedule_redial(c->peer, BACKOFF_PENALTY_MS);
	}
	peer_close(c, why);
}

void
conn_on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;

	switch (c->state) {
	case CONN_HANDSHAKE:
		/* Anyone can open these: summarised by address. */
		if (!c->is_client && peer_refused_note(c->addr,
		    handshake_timeout_why, 1) == 0) {
			peer_close(c, handshake_timeout_why);
			break;
		}
		/* FALLTHROUGH */
	case CONN_DIALLING:
	case CONN_HELLO:
		peer_fail(c, 1, "%s timed out after %d ms",
		    state_names[c->state], HANDSHAKE_TIMEOUT_MS);
		break;
	default:
		break;
	}
}

static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	(void)h;
	(void)suggested;
	b->base = malloc(READ_CHUNK);
	b->len = b->base ? READ_CHUNK : 0;
}

static void
on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct conn	*c = s->data;
	int		 r;

	if (nread < 0) {
		free(b->base);
		if (c->state != CONN_CLOSING)
			peer_close(c, nread == UV_EOF ? "connection closed "
			    "by peer" : uv_strerror((int)nread));
		return;
	}
	if (nread == 0 || c->state == CONN_CLOSING) {
		free(b->base);
		return;
	}
	r = tls_conn_feed(c->tls, (uint8_t *)b->base, (size_t)nread);
	free(b->base);
	if (r != 0) {
		peer_close(c, "out of memory");
		return;
	}
	c->last_rx_ms = mono_ms();
	c->ping_sent_ms = 0;
	conn_advance(c);
	/*
	 * Backpressure: what the peer sends may make us answer (Pong,
	 * Reject, Entries), so while it leaves more than PEER_QUEUE_LOW
	 * unread we read nothing more of it. peer_tick() closes it if that
	 * lasts PEER_DRAIN_MS. Streaming stays below the mark on its own
	 * (repl.c stops at two batches queued).
	 */
	if (c->state != CONN_CLOSING && c->paused_ms == 0 &&
	    c->queued > PEER_QUEUE_LOW) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->paused_ms = mono_ms();
		log_info("peer", "%s: %zu bytes queued for it, above "
		    "PEER_QUEUE_LOW %u: reading paused addr=%s", conn_name(c),
		    c->queued, PEER_QUEUE_LOW, c->addr);
	}
}

static void
resume_reading(struct conn *c)
{
	int r;

	log_info("peer", "%s: reading resumed after %llu ms addr=%s",
	    conn_name(c), (unsigned long long)(mono_ms() - c->paused_ms),
	    c->addr);
	c->paused_ms = 0;
	/* Unread is not silent: the liveness clock starts again. */
	c->last_rx_ms = mono_ms();
	if ((r = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb,
	    on_read)) != 0)
		peer_close(c, uv_strerror(r));
}

/* Binds a conn whose TLS identity is known to its peer slot. */
static int
attach(struct conn *c)
{
	struct daemon	*d = c->d;
	const char	*agency = tls_conn_peer_agency(c->tls);
	struct peer	*p;
	struct conn	*old;
	uint64_t	 refused;
	int		 self_lower, keep_new;

	if ((p = daemon_peer(d, agency)) == NULL) {
		peer_fail(c, 1, "certificate names %s, not a partner", agency);
		return LCN_ETLS;
	}
	if (!c->is_client && (refused = peer_refused_for_ms(p)) > 0) {
		log_warnx("peer", "%s: refused for %llu ms more after invalid "
		    "data addr=%s", p->id, (unsigned long long)refused,
		    c->addr);
		peer_close(c, "refused after invalid data");
		return LCN_ETLS;
	}
	c->peer = p;
	str_copy(p->fingerprint, sizeof(p->fingerprint), tls_conn_peer_fingerprint(c->tls));
	if ((old = p->conn) != NULL && old != c) {
		/*
		 * One connection per pair: keep the one dialled by the lower
		 * agency id, so both ends make the same choice.
		 */
		self_lower = strcmp(daemon_trust(d)->self, p->id) < 0;
		keep_new = c->is_client == self_lower;
		if (!keep_new) {
			c->peer = NULL;
			log_debug("peer", "%s: keeping existing connection",
			    p->id);
			peer_close(c, "duplicate connection");
			return LCN_EDUP;
		}
		peer_close(old, "duplicate connection");
	}
	p->conn = c;
	if (p->dialling == c)
		p->dialling = NULL;
	p->since_ms = now_ms();
	return 0;
}

/*
 * Drives the TLS handshake; once it is done, binds the conn to its peer
 * and sends our Hello. Returns 0 when the session is up, LCN_EAGAIN
 * while the handshake needs more bytes, or an error after closing.
 */
static int
conn_handshake(struct conn *c)
{
	struct msg	m;
	char		why[160];
	int		r;

	r = tls_conn_handshake(c->tls);
	flush(c);
	if (r == LCN_EAGAIN)
		return r;
	if (r != 0) {
		if (c->is_client) {
			struct peer *p = daemon_peer(c->d, c->expect);

			if (p != NULL)
				snprintf(p->last_error, sizeof(p->last_error),
				    "TLS: %s", tls_conn_error(c->tls));
		} else {
			/*
			 * Shown beside the partner the certificate named, so
			 * that its operators see why its dials fail; not
			 * while that partner has a session (the name is
			 * unproven, and may be anyone's).
			 */
			struct peer *p = daemon_peer(c->d,
			    tls_conn_claimed_agency(c->tls));

			if (p != NULL && p->conn == NULL)
				snprintf(p->last_error, sizeof(p->last_error),
				    "TLS (accepted from %.60s): %s", c->addr,
				    tls_conn_error(c->tls));
		}
		/* Anyone can fail one: summarised by address. */
		snprintf(why, sizeof(why), "TLS handshake refused: %s",
		    tls_conn_error(c->tls));
		if (c->is_client || peer_refused_note(c->addr, why, 1) != 0)
			log_warnx("peer", "%s: TLS handshake refused: %s "
			    "addr=%s", conn_name(c), tls_conn_error(c->tls),
			    c->addr);
		peer_close(c, "TLS handshake failed");
		return LCN_ETLS;
	}
	if ((r = attach(c)) != 0)
		return r;
	log_info("peer", "%s: TLS established addr=%s dir=%s fingerprint=%s",
	    c->peer->id, c->addr, c->is_client ? "dial" : "accept",
	    c->peer->fingerprint);
	set_state(c, CONN_HELLO);
	if ((r = repl_hello(c->d, c->peer, &m)) != 0) {
		msg_free(&m);
		peer_fail(c, 0, "cannot make our Hello: %s", lcn_strerror(r));
		return r;
	}
	r = peer_send(c, &m);
	msg_free(&m);
	if (r != 0)
		return r;	/* peer_send logged it and closed */
	uv_timer_start(&c->timer, conn_on_timer, HANDSHAKE_TIMEOUT_MS, 0);
	return 0;
}

/*
 * The peer's Hello, the first frame of a session: the same protocol
 * version and the agency its certificate names. Returns 0 when the
 * connection is established, or an error after closing it.
 */
static int
take_hello(struct conn *c, const struct msg *m)
{
	/* Text from the partner, quoted as log_escape() writes it. */
	char	software[4 * SOFTWARE_MAX + 4], agency[4 * AGENCY_ID_MAX + 4];

	uv_timer_stop(&c->timer);
	if (m->u.hello.version != PROTOCOL_VERSION) {
		peer_fail(c, 1, "protocol version %u, expected %d",
		    m->u.hello.version, PROTOCOL_VERSION);
		return LCN_EPROTO;
	}
	if (strcmp(m->u.hello.agency, c->peer->id) != 0) {
		log_escape(agency, sizeof(agency), m->u.hello.agency,
		    strlen(m->u.hello.agency));
		peer_violation(c, "Hello names \"%s\", certificate names %s",
		    agency, c->peer->id);
		return LCN_EPROTO;
	}
	log_escape(software, sizeof(software), m->u.hello.software,
	    strlen(m->u.hello.software));
	set_state(c, CONN_ESTABLISHED);
	c->peer->backoff_ms = 0;
	c->peer->hello_seen = 1;
	c->peer->tried = 1;
	c->peer->last_error[0] = '\0';
	log_info("peer", "%s: established dir=%s software=\"%s\" heads=%zu",
	    c->peer->id, c->is_client ? "dial" : "accept",
	    software, m->u.hello.nheads);
	repl_established(c);
	return 0;
}

/*
 * Decodes and hands on every whole frame the reader holds. Returns 0, or
 * an error after closing the connection.
 */
static int
take_frames(struct conn *c)
{
	const uint8_t	*body;
	size_t		 len;
	struct msg	 m;
	char		 err[256];
	int		 r;

	while (c->state != CONN_CLOSING) {
		r = frame_reader_next(&c->reader, &body, &len);
		if (r == LCN_EAGAIN)
			break;
		if (r != 0) {
			peer_violation(c, "frame length 0 or above max_frame "
			    "%u", c->reader.max);
			return r;
		}
		if (wire_decode(body, len, &m, err, sizeof(err)) != 0) {
			peer_violation(c, "malformed frame of %zu bytes: %s",
			    len, err);
			return LCN_EPROTO;
		}
		if (c->peer != NULL)
			c->peer->frames_in++;
		if (c->state == CONN_HELLO && m.type != MSG_HELLO) {
			msg_free(&m);
			peer_violation(c, "expected Hello first");
			return LCN_EPROTO;
		}
		if (m.type == MSG_HELLO && c->state == CONN_HELLO &&
		    (r = take_hello(c, &m)) != 0) {
			msg_free(&m);
			return r;
		}
		repl_handle(c, &m);
		msg_free(&m);
	}
	return 0;
}

/* Moves a connection on after bytes arrived (or, dialling, to start). */
static void
conn_advance(struct conn *c)
{
	uint8_t		buf[READ_CHUNK];
	size_t		n;
	int		r;

	if (c->state == CONN_HANDSHAKE && conn_handshake(c) != 0)
		return;
	for (;;) {
		if (c->state == CONN_CLOSING)
			return;
		r = tls_conn_read(c->tls, buf, sizeof(buf), &n);
		if (r == LCN_EAGAIN)
			break;
		if (r != 0) {
			flush(c);
			if (r == LCN_EIO)
				peer_close(c, "TLS session closed by peer");
			else
				peer_fail(c, 0, "TLS failure: %s",
				    tls_conn_error(c->tls));
			return;
		}
		if (frame_reader_push(&c->reader, buf, n) != 0) {
			peer_close(c, "out of memory");
			return;
		}
		if (take_frames(c) != 0)
			return;
	}
	flush(c);
}

void
conn_start_tls(struct conn *c)
{
	int r;

	if ((r = tls_conn_new(c->d->tls, c->is_client,
	    c->is_client ? c->expect : NULL, &c->tls)) != 0) {
		peer_close(c, "cannot create TLS connection");
		return;
	}
	set_state(c, CONN_HANDSHAKE);
	uv_timer_start(&c->timer, conn_on_timer, HANDSHAKE_TIMEOUT_MS, 0);
	if ((r = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb,
	    on_read)) != 0) {
		peer_close(c, uv_strerror(r));
		return;
	}
	if (c->is_client)
		conn_advance(c);	/* sends ClientHello */
}
