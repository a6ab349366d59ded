/*
 * lcn-testpeer's connection: a non-blocking TCP socket driven with poll(),
 * TLS through tls.c's memory BIOs, and the frames read from it, each
 * decoded by wire.c and printed as a JSON line as soon as it is whole.
 *
 * One event loop round (io_round) writes whatever ciphertext waits, reads
 * what the node sent if asked to, and waits for the socket or one extra
 * descriptor (the script on stdin). Every command waits through it, so the
 * tool keeps reading while it writes or sleeps unless drain_none is set:
 * a node whose replies fill our receive buffer would otherwise stop
 * reading from us and both sides would wait forever.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "testpeer.h"
#include "tls.h"
#include "util.h"
#include "wire.h"

#define IO_CHUNK	(64 * 1024)
#define READ_ROUND_MAX	(1024 * 1024)	/* then print, poll again */

static void	handle_frame(struct tp *, const uint8_t *, size_t);

uint64_t
tp_now(const struct tp *tp)
{
	return mono_ms() - tp->t0;
}

/* Prints the connection's end once and closes the socket. */
static void
conn_end(struct tp *tp, const char *type, const char *why)
{
	json_t *o;

	if (tp->fd >= 0) {
		close(tp->fd);
		tp->fd = -1;
	}
	tp->up = 0;
	if (tp->closed)
		return;
	tp->closed = 1;
	if ((o = tp_json_new(tp, type)) != NULL) {
		json_object_set_new(o, "why", tp_json_str(why));
		tp_json_put(o);
	}
}

static int
deadline_left(uint64_t deadline)
{
	uint64_t now = mono_ms();

	return now >= deadline ? 0 : (int)(deadline - now);
}

int
tp_conn_dial(struct tp *tp, const char *hostport)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct pollfd	 pfd;
	socklen_t	 sl;
	uint64_t	 deadline;
	json_t		*o;
	char		 host[256], *port;
	const char	*why = "no address";
	int		 fd = -1, err, one = 1, r;

	if (strlen(hostport) >= sizeof(host) ||
	    (port = strrchr(strcpy(host, hostport), ':')) == NULL)
		return LCN_EINVAL;
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		why = gai_strerror(r);
		goto fail;
	}
	deadline = mono_ms() + (uint64_t)TP_CONNECT_TIMEOUT_MS * tp->scale;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) < 0) {
			why = strerror(errno);
			continue;
		}
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		/* Split writes must leave as segments of their own. */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		err = 0;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			err = errno;
			if (err == EINPROGRESS) {
				pfd.fd = fd;
				pfd.events = POLLOUT;
				if (poll(&pfd, 1, deadline_left(deadline)) <= 0)
					err = ETIMEDOUT;
				else {
					sl = sizeof(err);
					if (getsockopt(fd, SOL_SOCKET, SO_ERROR,
					    &err, &sl) != 0)
						err = errno;
				}
			}
		}
		if (err == 0)
			break;
		why = strerror(err);
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		tp->fd = fd;
		return 0;
	}
 fail:
	if ((o = tp_json_new(tp, "connect_error")) != NULL) {
		json_object_set_new(o, "addr", tp_json_str(hostport));
		json_object_set_new(o, "why", tp_json_str(why));
		tp_json_put(o);
	}
	tp->closed = 1;
	return LCN_EIO;
}

/*
 * Sends the ciphertext TLS has made, as far as the socket takes it
 * without blocking. 0, or LCN_EIO once the connection has ended.
 */
static int
flush_out(struct tp *tp)
{
	ssize_t n;

	if (tp->fd < 0)
		return LCN_EIO;
	for (;;) {
		if (tp->ooff == tp->olen) {
			tp->ooff = tp->olen = 0;
			if (tp->tls == NULL || tls_conn_pending(tp->tls) == 0)
				return 0;
			tp->olen = tls_conn_take(tp->tls, tp->obuf, IO_CHUNK);
			if (tp->olen == 0)
				return 0;
		}
		n = send(tp->fd, tp->obuf + tp->ooff, tp->olen - tp->ooff,
		    MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return 0;
		if (n < 0) {
			conn_end(tp, "closed", errno == EPIPE ?
			    "connection closed by peer (write: broken pipe)" :
			    errno == ECONNRESET ? "connection reset by peer" :
			    strerror(errno));
			return LCN_EIO;
		}
		tp->ooff += (size_t)n;
	}
}

static int
out_pending(struct tp *tp)
{
	return tp->fd >= 0 && (tp->ooff < tp->olen ||
	    (tp->tls != NULL && tls_conn_pending(tp->tls) > 0));
}

/* Decrypts what TLS holds and hands on every whole frame. */
static void
drain_tls(struct tp *tp)
{
	const uint8_t	*body;
	uint8_t		 buf[IO_CHUNK];
	size_t		 n, len;
	int		 r;

	while (tp->up) {
		r = tls_conn_read(tp->tls, buf, sizeof(buf), &n);
		if (r == LCN_EAGAIN)
			break;
		if (r == LCN_EIO) {
			conn_end(tp, "closed", "peer closed the TLS session");
			return;
		}
		if (r != 0) {
			flush_out(tp);	/* our alert, if any */
			conn_end(tp, "tls_error", tls_conn_error(tp->tls));
			return;
		}
		if (frame_reader_push(&tp->reader, buf, n) != 0) {
			conn_end(tp, "closed", "out of memory");
			return;
		}
		while (tp->up) {
			r = frame_reader_next(&tp->reader, &body, &len);
			if (r == LCN_EAGAIN)
				break;
			if (r != 0) {
				conn_end(tp, "closed", "the node sent a frame "
				    "length of 0 or above FRAME_BODY_MAX");
				return;
			}
			handle_frame(tp, body, len);
		}
	}
}

/* Reads from the socket into TLS; during the handshake, only that. */
static void
read_socket(struct tp *tp)
{
	uint8_t	buf[IO_CHUNK];
	size_t	total = 0;
	ssize_t	n;
	int	err;

	while (tp->fd >= 0 && total < READ_ROUND_MAX) {
		n = recv(tp->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			break;
		if (n <= 0) {
			err = n == 0 ? 0 : errno;
			/* Frames that came before the end are printed first. */
			if (tp->up)
				drain_tls(tp);
			conn_end(tp, "closed", err == 0 ?
			    "connection closed by peer" : err == ECONNRESET ?
			    "connection reset by peer" : strerror(err));
			return;
		}
		if (tls_conn_feed(tp->tls, buf, (size_t)n) != 0) {
			conn_end(tp, "closed", "out of memory");
			return;
		}
		total += (size_t)n;
		if (tp->up)
			drain_tls(tp);
	}
	flush_out(tp);
}

/* One round of the loop (see the top of this file). */
static int
io_round(struct tp *tp, int rd, int extra_fd, int timeout_ms)
{
	struct pollfd	pfd[2];
	nfds_t		n = 0;
	int		sock = -1, extra = -1;

	if (flush_out(tp) == 0 && tp->fd >= 0) {
		pfd[n].fd = tp->fd;
		pfd[n].events = (short)((rd ? POLLIN : 0) |
		    (out_pending(tp) ? POLLOUT : 0));
		pfd[n].revents = 0;
		if (pfd[n].events != 0)
			sock = (int)n++;
	}
	if (extra_fd >= 0) {
		pfd[n].fd = extra_fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		extra = (int)n++;
	}
	if (poll(pfd, n, timeout_ms) <= 0)
		return 0;
	if (sock >= 0 && (pfd[sock].revents & POLLOUT))
		flush_out(tp);
	if (sock >= 0 && rd && tp->fd >= 0 &&
	    (pfd[sock].revents & (POLLIN | POLLHUP | POLLERR)))
		read_socket(tp);
	return extra >= 0 && (pfd[extra].revents & (POLLIN | POLLHUP |
	    POLLERR)) != 0;
}

int
tp_conn_poll(struct tp *tp, int rd, int extra_fd, int timeout_ms)
{
	return io_round(tp, rd && tp->up, extra_fd, timeout_ms);
}

int
tp_conn_handshake(struct tp *tp)
{
	uint64_t	 deadline;
	json_t		*o;
	int		 r;

	if ((tp->obuf = malloc(IO_CHUNK)) == NULL)
		return LCN_ENOMEM;
	if ((r = tls_conn_new(tp->ctx, 1, tp->server_id, &tp->tls)) != 0) {
		conn_end(tp, "tls_error", lcn_strerror(r));
		return LCN_ETLS;
	}
	deadline = mono_ms() + (uint64_t)TP_CONNECT_TIMEOUT_MS * tp->scale;
	while ((r = tls_conn_handshake(tp->tls)) == LCN_EAGAIN) {
		if (flush_out(tp) != 0)
			return LCN_EIO;
		if (deadline_left(deadline) == 0) {
			conn_end(tp, "tls_error", "TLS handshake timed out");
			return LCN_ETLS;
		}
		io_round(tp, 1, -1, deadline_left(deadline));
		if (tp->closed)
			return LCN_EIO;
	}
	if (r != 0) {
		flush_out(tp);	/* the alert that tells the node why */
		conn_end(tp, "tls_error", tls_conn_error(tp->tls));
		return LCN_ETLS;
	}
	tp->up = 1;
	if ((o = tp_json_new(tp, "connected")) != NULL) {
		json_object_set_new(o, "agency",
		    tp_json_str(tls_conn_peer_agency(tp->tls)));
		json_object_set_new(o, "fingerprint",
		    tp_json_str(tls_conn_peer_fingerprint(tp->tls)));
		tp_json_put(o);
	}
	/* The node may have sent its Hello with its last handshake bytes. */
	drain_tls(tp);
	return flush_out(tp) == 0 || tp->closed ? 0 : LCN_EIO;
}

/* Writes plaintext into the session; 0 or LCN_EIO once ended. */
static int
tls_put(struct tp *tp, const uint8_t *buf, size_t len)
{
	if (!tp->up)
		return LCN_EIO;
	if (tls_conn_write(tp->tls, buf, len) != 0) {
		conn_end(tp, "tls_error", tls_conn_error(tp->tls));
		return LCN_EIO;
	}
	return 0;
}

/*
 * An automatic reply (Pong, Credit): held while a split frame is half
 * written, since its bytes would land inside that frame.
 */
static void
send_auto(struct tp *tp, const struct msg *m)
{
	uint8_t	*buf, *nd;
	size_t	 len;

	if (wire_encode(m, &buf, &len) != 0)
		return;
	if (tp->in_frame) {
		if ((nd = realloc(tp->deferred, tp->ndeferred + len)) != NULL) {
			memcpy(nd + tp->ndeferred, buf, len);
			tp->deferred = nd;
			tp->ndeferred += len;
		}
	} else if (tls_put(tp, buf, len) == 0) {
		tp->frames_out++;
		tp->bytes_out += len;
	}
	free(buf);
}

static void
save_entries(struct tp *tp, const struct msg *m)
{
	const struct feed_id	*f = &m->u.entries.feed;
	FILE			*fp;
	char			 path[4096];
	size_t			 i;

	for (i = 0; i < m->u.entries.nitems; i++) {
		snprintf(path, sizeof(path), "%s/%s.%s.%llu", tp->save_dir,
		    f->origin, f->group,
		    (unsigned long long)(m->u.entries.first_seq + i));
		if ((fp = fopen(path, "wb")) == NULL) {
			fprintf(stderr, "lcn-testpeer: %s: %s\n", path,
			    strerror(errno));
			continue;
		}
		if (fwrite(m->u.entries.items[i].ptr, 1,
		    m->u.entries.items[i].len, fp) != m->u.entries.items[i].len)
			fprintf(stderr, "lcn-testpeer: %s: short write\n",
			    path);
		fclose(fp);
	}
}

/* Remembers a frame for expect, with its feed if it names one. */
static void
remember(struct tp *tp, const struct msg *m)
{
	struct tp_seen		*ns, *s;
	struct entry_view	 v;
	char			 err[64];

	if ((ns = realloc(tp->seen, (tp->nseen + 1) * sizeof(*ns))) == NULL)
		return;
	tp->seen = ns;
	s = &ns[tp->nseen++];
	memset(s, 0, sizeof(*s));
	s->type = m->type;
	if (m->type == MSG_WANT)
		s->feed = m->u.want.feed;
	else if (m->type == MSG_ENTRIES)
		s->feed = m->u.entries.feed;
	else if (m->type == MSG_REJECT)
		s->feed = m->u.reject.feed;
	else if (m->type == MSG_EQUIVOCATION &&
	    entry_parse(m->u.equivocation.first.ptr,
	    m->u.equivocation.first.len, &v, err, sizeof(err)) == 0)
		s->feed = v.feed;
}

static void
handle_frame(struct tp *tp, const uint8_t *body, size_t len)
{
	struct msg	 m, reply;
	json_t		*o;
	uint64_t	 bytes = 0;
	size_t		 i;
	char		 err[256];

	tp->frames_in++;
	if (wire_decode(body, len, &m, err, sizeof(err)) != 0) {
		/* What the node sent is the finding: print it, carry on. */
		if ((o = tp_json_new(tp, "malformed")) != NULL) {
			json_object_set_new(o, "frame_bytes",
			    json_integer((json_int_t)len));
			json_object_set_new(o, "why", tp_json_str(err));
			tp_json_put(o);
		}
		return;
	}
	tp_json_frame(tp, &m, len);
	remember(tp, &m);
	memset(&reply, 0, sizeof(reply));
	if (m.type == MSG_ENTRIES) {
		for (i = 0; i < m.u.entries.nitems; i++)
			bytes += m.u.entries.items[i].len;
		if (tp->save_dir != NULL)
			save_entries(tp, &m);
		if (tp->auto_credit) {
			reply.type = MSG_CREDIT;
			reply.u.credit.bytes = bytes;
			send_auto(tp, &reply);
		}
	} else if (m.type == MSG_PING && tp->auto_pong) {
		reply.type = MSG_PONG;
		reply.u.ping.nonce = m.u.ping.nonce;
		send_auto(tp, &reply);
	}
	msg_free(&m);
}

/* Waits until every ciphertext byte is in the socket, or a stall. */
static int
wait_flushed(struct tp *tp)
{
	uint64_t	stall = (uint64_t)TP_WRITE_STALL_MS * tp->scale;
	uint64_t	last = mono_ms();
	size_t		before;
	char		why[96];

	for (;;) {
		/* Most writes fit the socket buffer: no read round then. */
		if (flush_out(tp) != 0)
			return LCN_EIO;
		if (!out_pending(tp))
			return 0;
		before = tp->ooff + tls_conn_pending(tp->tls);
		io_round(tp, !tp->drain_none, -1, 100);
		if (tp->fd < 0)
			return LCN_EIO;
		if (tp->ooff + tls_conn_pending(tp->tls) != before ||
		    !out_pending(tp))
			last = mono_ms();
		else if (mono_ms() - last >= stall) {
			snprintf(why, sizeof(why), "write stalled: the node "
			    "took no bytes for %llu ms",
			    (unsigned long long)stall);
			conn_end(tp, "closed", why);
			return LCN_EIO;
		}
	}
}

/* Sleeps ms, reading meanwhile unless drain_none. */
static void
pause_ms(struct tp *tp, unsigned ms)
{
	uint64_t deadline = mono_ms() + ms;

	while (deadline_left(deadline) > 0)
		io_round(tp, !tp->drain_none && tp->up, -1,
		    deadline_left(deadline));
}

int
tp_conn_send(struct tp *tp, const uint8_t *buf, size_t len)
{
	size_t	off = 0, n;
	int	r = 0;

	if (!tp->up)
		return LCN_EIO;
	tp->in_frame = 1;
	while (off < len) {
		n = tp->split > 0 && tp->split < len - off ? tp->split :
		    len - off;
		if ((r = tls_put(tp, buf + off, n)) != 0 ||
		    (r = wait_flushed(tp)) != 0)
			break;
		off += n;
		tp->bytes_out += n;
		if (off < len && tp->split_delay_ms > 0)
			pause_ms(tp, tp->split_delay_ms);
		if (!tp->up) {
			r = LCN_EIO;
			break;
		}
	}
	tp->in_frame = 0;
	if (r == 0 && tp->ndeferred > 0) {
		r = tls_put(tp, tp->deferred, tp->ndeferred);
		tp->ndeferred = 0;
		if (r == 0)
			r = wait_flushed(tp);
	}
	return r;
}

void
tp_conn_close(struct tp *tp, const char *why)
{
	if (tp->up) {
		tls_conn_shutdown(tp->tls);
		flush_out(tp);
	}
	if (why == NULL)
		tp->closed = 1;		/* nothing to print */
	conn_end(tp, "closed", why != NULL ? why : "");
}

void
tp_conn_free(struct tp *tp)
{
	if (tp->fd >= 0) {
		close(tp->fd);
		tp->fd = -1;
	}
	tls_conn_free(tp->tls);
	tp->tls = NULL;
	tls_ctx_free(tp->ctx);
	tp->ctx = NULL;
	frame_reader_free(&tp->reader);
	free(tp->obuf);
	free(tp->deferred);
	free(tp->seen);
	free(tp->save_dir);
	tp->obuf = NULL;
	tp->deferred = NULL;
	tp->seen = NULL;
	tp->save_dir = NULL;
}
