/*
 * Peer connections: TCP via libuv, TLS 1.3 through tls.c's memory BIOs,
 * length-prefixed frames, and the connection state machine with its
 * timers (PROTOCOL.md section 4). What the frames mean is repl.c's business.
 *
 * A conn owns two uv handles (tcp, timer) and, while dialling, an address
 * lookup; it is freed only when both close callbacks and the lookup's
 * callback have run (uv_close does not cancel a lookup). Every state
 * change goes through set_state(), which logs it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "peer.h"
#include "repl.h"
#include "tls.h"
#include "util.h"

#define HANDSHAKE_TIMEOUT_MS	10000
#define IDLE_PING_MS		15000
#define PING_DEADLINE_MS	30000
#define BACKOFF_MIN_MS		250
#define BACKOFF_MAX_MS		30000
#define BACKOFF_PENALTY_MS	5000	/* after a protocol violation */
/* Accepting from a partner that sent invalid data: refused for a while. */
#define REFUSE_MIN_MS		1000
#define REFUSE_MAX_MS		60000
#define REFUSE_FORGET_MS	(10 * 60 * 1000)	/* then start over */
#define READ_CHUNK		(64 * 1024)
/*
 * Accepts over the handshake limits (HANDSHAKES_MAX, HANDSHAKES_PER_ADDR_MAX)
 * are closed at once and logged at most once per address every
 * REFUSED_LOG_MS, with the number refused: a flood of connections must
 * not become a flood of log lines. Accepted connections whose TLS
 * handshake fails or times out are summarised the same way, as sshd
 * does: the first REFUSED_FULL_MAX of an address and reason in an
 * interval are logged in full, the rest as one count when the interval
 * is up. An address gets
 * at most REFUSED_KINDS_MAX reasons of its own an interval (a client
 * that varies the name in its certificate varies the reason); further
 * ones share one line. The table remembers REFUSED_ADDRS (address,
 * reason) pairs, the least recently logged making room for a new one.
 */
#define REFUSED_LOG_MS		10000
#define REFUSED_ADDRS		64
#define REFUSED_KINDS_MAX	4
#define REFUSED_FULL_MAX	2
#define STR_(x)			#x
#define STR(x)			STR_(x)	/* a limit's value, in a message */
/*
 * A session outlives the checks of its handshake: its certificate may
 * expire, or its partner's CRL expire, while it is open. Every minute
 * (and at each reload) it is verified again.
 */
#define PEER_RECHECK_MS		60000
#define RECHECK_ENV		"LCN_TEST_RECHECK_MS"	/* tests only */
#define RECHECK_MIN_MS		100
#define DAY_MS			(86400ull * 1000)

struct conn_write {
	uv_write_t	 req;
	uint8_t		*buf;
	size_t		 len;
};

struct dial_req {
	uv_getaddrinfo_t	 gai;
	uv_connect_t		 connect;
	struct conn		*c;
};

struct refused {
	char		 host[CONFIG_ADDR_MAX + 8];	/* "" if free */
	char		 why[160];	/* the reason: a limit, a failure */
	int		 first_apart;	/* the first were logged by the caller */
	int		 full;		/* so logged in this interval */
	uint64_t	 since_ms;	/* mono: the first one not logged */
	uint64_t	 logged_ms;	/* mono: the last line */
	uint64_t	 count;		/* refused, not yet logged */
};

/* The loop thread's alone, like everything here; one daemon a process. */
static struct refused	refusals[REFUSED_ADDRS];

static const char	handshake_timeout_why[] = "TLS handshake not finished "
			    "within HANDSHAKE_TIMEOUT_MS " STR(HANDSHAKE_TIMEOUT_MS)
			    " ms";
static const char	handshake_other_why[] = "TLS handshake refused for "
			    "yet another reason";

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
static void	not_reading(struct conn *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static void	schedule_redial(struct peer *, uint64_t min_ms);
static int	refused_note(const char *addr, const char *why,
		    int first_apart);

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

static struct conn *
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

static void
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
			schedule_redial(dp, 0);
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
		not_reading(c, "%zu bytes queued for it, more than "
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
			schedule_redial(c->peer, BACKOFF_PENALTY_MS);
	}
	peer_close(c, why);
}

/* A violation: the partner's accepts are refused a while (section 4.4). */
static void
refuse_a_while(struct peer *p)
{
	uint64_t now = mono_ms();

	if (p == NULL)
		return;
	if (p->refuse_ms == 0 || now - p->last_violation_ms > REFUSE_FORGET_MS)
		p->refuse_ms = REFUSE_MIN_MS;
	else if ((p->refuse_ms *= 2) > REFUSE_MAX_MS)
		p->refuse_ms = REFUSE_MAX_MS;
	p->last_violation_ms = now;
	p->refuse_until_ms = now + p->refuse_ms;
}

void
peer_violation(struct conn *c, const char *fmt, ...)
{
	char	why[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	refuse_a_while(c->peer);
	peer_fail(c, 1, "%s", why);
}

/*
 * A peer that does not read what it made this node write (a flood of
 * Pings, each answered) is a violation too (PROTOCOL.md section 7). No
 * Error frame: it would only queue behind the rest.
 */
static void
not_reading(struct conn *c, const char *fmt, ...)
{
	char	why[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	refuse_a_while(c->peer);
	peer_fail(c, 0, "does not read: %s", why);
}

uint64_t
peer_refused_for_ms(const struct peer *p)
{
	uint64_t now = mono_ms();

	return p->refuse_until_ms > now ? p->refuse_until_ms - now : 0;
}

static void
on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;

	switch (c->state) {
	case CONN_HANDSHAKE:
		/* Anyone can open these: summarised by address. */
		if (!c->is_client && refused_note(c->addr,
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
		if (c->is_client || refused_note(c->addr, why, 1) != 0)
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
	uv_timer_start(&c->timer, on_timer, HANDSHAKE_TIMEOUT_MS, 0);
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

static void
start_tls(struct conn *c)
{
	int r;

	if ((r = tls_conn_new(c->d->tls, c->is_client,
	    c->is_client ? c->expect : NULL, &c->tls)) != 0) {
		peer_close(c, "cannot create TLS connection");
		return;
	}
	set_state(c, CONN_HANDSHAKE);
	uv_timer_start(&c->timer, on_timer, HANDSHAKE_TIMEOUT_MS, 0);
	if ((r = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb,
	    on_read)) != 0) {
		peer_close(c, uv_strerror(r));
		return;
	}
	if (c->is_client)
		conn_advance(c);	/* sends ClientHello */
}

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

/* The length of addr's host part: addr without its ":port". */
static size_t
host_len(const char *addr)
{
	const char *colon = strrchr(addr, ':');

	return colon != NULL ? (size_t)(colon - addr) : strlen(addr);
}

/*
 * Whether one more accepted connection from addr may start its TLS
 * handshake: NULL if so, else the limit it would pass. Connections that
 * have not finished their handshake cost a descriptor and a TLS object
 * each and prove nothing yet.
 */
static const char *
handshake_limit(struct daemon *d, const char *addr)
{
	const struct conn	*c;
	size_t			 hlen = host_len(addr), all = 0, same = 0;

	for (c = d->conns; c != NULL; c = c->next) {
		if (c->is_client || c->state != CONN_HANDSHAKE)
			continue;
		all++;
		if (host_len(c->addr) == hlen &&
		    strncmp(c->addr, addr, hlen) == 0)
			same++;
	}
	if (all >= HANDSHAKES_MAX)
		return "HANDSHAKES_MAX " STR(HANDSHAKES_MAX) " handshakes in "
		    "progress";
	if (same >= HANDSHAKES_PER_ADDR_MAX)
		return "HANDSHAKES_PER_ADDR_MAX " STR(HANDSHAKES_PER_ADDR_MAX)
		    " handshakes in progress from this address";
	return NULL;
}

static void
refused_log(struct refused *r, uint64_t now)
{
	if (r->first_apart)
		log_warnx("peer", "%llu more connection%s from %s in %llu ms: "
		    "%s", (unsigned long long)r->count, r->count == 1 ? "" :
		    "s", r->host, (unsigned long long)(now - r->since_ms),
		    r->why);
	else
		log_warnx("peer", "refused %llu connection%s from %s in %llu "
		    "ms: %s", (unsigned long long)r->count, r->count == 1 ?
		    "" : "s", r->host, (unsigned long long)(now - r->since_ms),
		    r->why);
	r->count = 0;
	r->logged_ms = now;
}

/*
 * The entry of addr's host and reason why, or NULL; *kinds counts the
 * host's others. A refused accept (first_apart 0) matches the host's
 * entry of refusals whatever the limit, as one line says them all.
 */
static struct refused *
refused_find(const char *addr, const char *why, int first_apart,
    uint64_t now, size_t *kinds)
{
	struct refused	*r;
	size_t		 hlen = host_len(addr), i;

	*kinds = 0;
	for (i = 0; i < REFUSED_ADDRS; i++) {
		r = &refusals[i];
		if (strlen(r->host) != hlen || strncmp(r->host, addr,
		    hlen) != 0)
			continue;
		if (r->first_apart == first_apart && (!first_apart ||
		    strncmp(r->why, why, sizeof(r->why) - 1) == 0))
			return r;
		if (r->logged_ms != 0 && now - r->logged_ms < REFUSED_LOG_MS)
			(*kinds)++;
	}
	return NULL;
}

/*
 * Counts an event from addr for reason why. A refused accept
 * (first_apart 0) is logged here as a count when its address's line is
 * due. Otherwise the caller logs the event in full when this returns 1
 * (the first REFUSED_FULL_MAX of its address and reason in
 * REFUSED_LOG_MS), and says
 * nothing when it returns 0: the event is counted into the next summary
 * line.
 */
static int
refused_note(const char *addr, const char *why, int first_apart)
{
	struct refused	*r, *old = &refusals[0];
	size_t		 hlen = host_len(addr), i, kinds;
	uint64_t	 now = mono_ms();
	int		 due;

	if ((r = refused_find(addr, why, first_apart, now, &kinds)) ==
	    NULL && kinds >= REFUSED_KINDS_MAX && first_apart) {
		why = handshake_other_why;
		r = refused_find(addr, why, first_apart, now, &kinds);
	}
	if (r == NULL) {
		for (i = 0; i < REFUSED_ADDRS; i++)
			if (refusals[i].logged_ms < old->logged_ms)
				old = &refusals[i];
		r = old;
		if (r->count > 0)
			refused_log(r, now);
		memset(r, 0, sizeof(*r));
		snprintf(r->host, sizeof(r->host), "%.*s", (int)hlen, addr);
		r->first_apart = first_apart;
	}
	str_copy(r->why, sizeof(r->why), why);	/* a refusal's last limit */
	due = r->logged_ms == 0 || now - r->logged_ms >= REFUSED_LOG_MS;
	if (first_apart && !due && r->full < REFUSED_FULL_MAX) {
		r->full++;
		return 1;
	}
	if (!first_apart || !due) {
		if (r->count++ == 0)
			r->since_ms = now;
		if (due)
			refused_log(r, now);
		return due;
	}
	if (r->count > 0)	/* the tick has not summed them up yet */
		refused_log(r, now);
	r->logged_ms = now;
	r->full = 1;
	return 1;
}

/* Logs each address's refusals not yet logged once its interval is up. */
static void
refused_tick(uint64_t now)
{
	size_t i;

	for (i = 0; i < REFUSED_ADDRS; i++)
		if (refusals[i].count > 0 &&
		    now - refusals[i].logged_ms >= REFUSED_LOG_MS)
			refused_log(&refusals[i], now);
}

static void
on_connection(uv_stream_t *server, int status)
{
	struct daemon	*d = server->data;
	struct conn	*c;
	const char	*why;

	if (status < 0) {
		log_warnx("peer", "accept failed: %s", uv_strerror(status));
		return;
	}
	if (d->stopping || (c = conn_new(d)) == NULL)
		return;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		peer_close(c, "accept failed");
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	peer_name_of(&c->tcp, c->addr, sizeof(c->addr));
	if ((why = handshake_limit(d, c->addr)) != NULL) {
		(void)refused_note(c->addr, why, 0);
		peer_close(c, why);
		return;
	}
	log_debug("peer", "accepted connection addr=%s", c->addr);
	start_tls(c);
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
	log_info("peer", "listening addr=%s:%u", cfg->listen_host,
	    cfg->listen_port);
	return 0;
}

static void
schedule_redial(struct peer *p, uint64_t min_ms)
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
	start_tls(c);
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
	uv_timer_start(&c->timer, on_timer, HANDSHAKE_TIMEOUT_MS, 0);
	c->refs++;	/* held until on_resolved has run */
	if (uv_getaddrinfo(d->loop, &dr->gai, on_resolved, p->host, port,
	    &hints) != 0) {
		free(dr);
		c->refs--;
		peer_close(c, "cannot resolve address");
	}
}

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
	refused_tick(now);
	for (c = d->conns; c != NULL; c = next) {
		next = c->next;
		if (c->paused_ms != 0 && c->state != CONN_CLOSING &&
		    now - c->paused_ms > PEER_DRAIN_MS) {
			not_reading(c, "%zu bytes queued for it, nothing "
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
