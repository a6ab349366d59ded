/*
 * One request, one response over lcnd's unix socket (client.h). A fresh
 * connection per request keeps a failure confined to the request it
 * belongs to: if lcnd dies mid-way, the caller knows exactly which batch
 * is in doubt.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "util.h"

#define READ_CHUNK	(64 * 1024)
/* How long lcnd's reason may take to arrive once it has closed on us. */
#define CLIENT_REFUSED_WAIT_MS	2000

static int
sock_connect(const char *path, int *fdp, char *errbuf, size_t errbufsz)
{
	struct sockaddr_un	 sa;
	const char		*hint = "";
	int			 fd, saved;

	*fdp = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(errbuf, errbufsz, "socket path %s: longer than %zu "
		    "bytes", path, sizeof(sa.sun_path) - 1);
		return LCN_EIO;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(errbuf, errbufsz, "socket: %s", strerror(errno));
		return LCN_EIO;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		saved = errno;
		if (saved == ENOENT || saved == ECONNREFUSED)
			hint = " (is lcnd running?)";
		else if (saved == EACCES)
			hint = " (the socket is mode 0660: are you in lcnd's "
			    "group?)";
		snprintf(errbuf, errbufsz, "cannot connect to %s: %s%s", path,
		    strerror(saved), hint);
		close(fd);
		return LCN_EIO;
	}
	*fdp = fd;
	return 0;
}

static const int	*send_fds;
static size_t		 send_nfds;

void
client_set_fds(const int *fds, size_t n)
{
	send_fds = n > 0 ? fds : NULL;
	send_nfds = n;
}

/*
 * The first byte of the request, with the descriptors set by
 * client_set_fds() attached (SCM_RIGHTS): lcnd finds them queued with
 * the line that names them.
 */
static int
send_fds_with(int fd, const char *buf, int *closed, char *errbuf,
    size_t errbufsz)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(CLIENT_FDS_MAX * sizeof(int))];
	} ctl;
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	struct iovec	 iov;
	ssize_t		 n;

	if (send_nfds > CLIENT_FDS_MAX) {
		snprintf(errbuf, errbufsz, "%zu files, at most %d", send_nfds,
		    CLIENT_FDS_MAX);
		return LCN_EINVAL;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = (void *)buf;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = CMSG_SPACE(send_nfds * sizeof(int));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(send_nfds * sizeof(int));
	memcpy(CMSG_DATA(cm), send_fds, send_nfds * sizeof(int));
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n != 1) {
		*closed = n == -1 && (errno == EPIPE || errno == ECONNRESET);
		snprintf(errbuf, errbufsz, "sending files to lcnd: %s",
		    n == -1 ? strerror(errno) : "short write");
		return LCN_EIO;
	}
	return 0;
}

/*
 * *closed is set when the write failed because lcnd had closed the
 * connection (EPIPE, ECONNRESET): it may have said why first.
 */
static int
write_all(int fd, const char *buf, size_t len, int *closed, char *errbuf,
    size_t errbufsz)
{
	ssize_t n;

	while (len > 0) {
		/* MSG_NOSIGNAL: a closed socket is an error, not SIGPIPE. */
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			*closed = errno == EPIPE || errno == ECONNRESET;
			snprintf(errbuf, errbufsz, "sending to lcnd: %s",
			    strerror(errno));
			return LCN_EIO;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A line reader over the socket: lcnd may send progress lines before its
 * answer, so bytes after a newline are kept for the next line.
 */
struct lines {
	int	 fd;
	char	*buf;
	size_t	 len, cap;	/* bytes held */
	uint64_t deadline;
};

/* Takes the next line (newline excluded, NUL-terminated) into *out. */
static int
read_line(struct lines *lr, char **out, size_t *outlen, char *errbuf,
    size_t errbufsz)
{
	struct pollfd	 pfd = { .fd = lr->fd, .events = POLLIN };
	char		*nb, *nl, *line;
	size_t		 ncap, ll;
	uint64_t	 now;
	ssize_t		 n;
	int		 pr;

	*out = NULL;
	*outlen = 0;
	for (;;) {
		if (lr->len > 0 &&
		    (nl = memchr(lr->buf, '\n', lr->len)) != NULL) {
			ll = (size_t)(nl - lr->buf);
			if (ll > API_LINE_MAX)
				break;
			if ((line = malloc(ll + 1)) == NULL) {
				snprintf(errbuf, errbufsz, "out of memory");
				return LCN_ENOMEM;
			}
			memcpy(line, lr->buf, ll);
			line[ll] = '\0';
			memmove(lr->buf, nl + 1, lr->len - ll - 1);
			lr->len -= ll + 1;
			*out = line;
			*outlen = ll;
			return 0;
		}
		if (lr->len > API_LINE_MAX)
			break;
		if (lr->cap - lr->len < READ_CHUNK) {
			ncap = lr->cap ? lr->cap * 2 : READ_CHUNK * 2;
			if (ncap > API_LINE_MAX + 2 * (size_t)READ_CHUNK)
				ncap = API_LINE_MAX + 2 * (size_t)READ_CHUNK;
			if ((nb = realloc(lr->buf, ncap)) == NULL) {
				snprintf(errbuf, errbufsz, "out of memory");
				return LCN_ENOMEM;
			}
			lr->buf = nb;
			lr->cap = ncap;
		}
		if ((now = mono_ms()) >= lr->deadline) {
			snprintf(errbuf, errbufsz, "no answer from lcnd within "
			    "%d s", CLIENT_TIMEOUT_MS / 1000);
			return LCN_EIO;
		}
		if ((pr = poll(&pfd, 1, (int)(lr->deadline - now))) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(errbuf, errbufsz, "poll: %s", strerror(errno));
			return LCN_EIO;
		}
		if (pr == 0)
			continue;
		if ((n = read(lr->fd, lr->buf + lr->len, lr->cap -
		    lr->len)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(errbuf, errbufsz, "reading from lcnd: %s",
			    strerror(errno));
			return LCN_EIO;
		}
		if (n == 0) {
			snprintf(errbuf, errbufsz, "lcnd closed the connection "
			    "%s", lr->len ? "in the middle of its answer" :
			    "without answering");
			return LCN_EIO;
		}
		lr->len += (size_t)n;
	}
	snprintf(errbuf, errbufsz, "lcnd's answer is longer than the "
	    "%u bytes one answer may hold", API_LINE_MAX);
	return LCN_EPROTO;
}

/*
 * lcnd closed the connection before it took the whole request: it refuses
 * a caller over API_CLIENTS_MAX with an answer and then closes, or it is
 * stopping. Its answer, if any, is already queued on the socket: a JSON
 * refusal becomes *resp (its text saying the connection was refused), so
 * the caller reports it as any refusal. Otherwise LCN_EIO with words for
 * an officer. Either way lcnd did not act on the request.
 */
static int
refused_at_connect(int fd, const char *path, json_t **resp, char *errbuf,
    size_t errbufsz)
{
	struct lines	 lr = { fd, NULL, 0, 0, 0 };
	json_error_t	 jerr;
	const json_t	*e;
	char		*line = NULL, rerr[256], text[1024];
	size_t		 linelen;

	*resp = NULL;
	lr.deadline = mono_ms() + CLIENT_REFUSED_WAIT_MS;
	if (read_line(&lr, &line, &linelen, rerr, sizeof(rerr)) == 0 &&
	    (*resp = json_loadb(line, linelen, 0, &jerr)) != NULL &&
	    json_is_object(*resp) &&
	    json_is_false(json_object_get(*resp, "ok")) &&
	    json_is_string(e = json_object_get(*resp, "error"))) {
		snprintf(text, sizeof(text), "lcnd at %s refused the "
		    "connection before reading the request (nothing was "
		    "done): %s", path, json_string_value(e));
		json_object_set_new(*resp, "error", json_string(text));
		free(line);
		free(lr.buf);
		return 0;
	}
	json_decref(*resp);
	*resp = NULL;
	free(line);
	free(lr.buf);
	snprintf(errbuf, errbufsz, "lcnd at %s closed the connection before "
	    "reading the request, without saying why (it may be stopping); "
	    "nothing was done", path);
	return LCN_EIO;
}

static client_progress_fn	*progress_fn;
static void			*progress_arg;

void
client_set_progress(client_progress_fn *fn, void *arg)
{
	progress_fn = fn;
	progress_arg = arg;
}

int
client_call(const char *path, const char *req, size_t len, json_t **resp,
    int *sent, char *errbuf, size_t errbufsz)
{
	json_error_t	 jerr;
	struct lines	 lr = { -1, NULL, 0, 0, 0 };
	char		*line = NULL;
	size_t		 linelen;
	int		 fd = -1, r, closed = 0;

	*resp = NULL;
	*sent = 0;
	errbuf[0] = '\0';
	if (len >= API_LINE_MAX) {
		snprintf(errbuf, errbufsz, "the request is %zu bytes, more "
		    "than the %u bytes one request to lcnd may hold: split "
		    "the input", len, API_LINE_MAX);
		return LCN_EINVAL;
	}
	if ((r = sock_connect(path, &fd, errbuf, errbufsz)) != 0)
		goto out;
	if (send_nfds > 0 && len > 0) {
		if ((r = send_fds_with(fd, req, &closed, errbuf,
		    errbufsz)) != 0)
			goto sendfail;
		req++;
		len--;
	}
	if ((r = write_all(fd, req, len, &closed, errbuf, errbufsz)) != 0 ||
	    (r = write_all(fd, "\n", 1, &closed, errbuf, errbufsz)) != 0)
		goto sendfail;
	*sent = 1;
	lr.fd = fd;
	lr.deadline = mono_ms() + CLIENT_TIMEOUT_MS;
	for (;;) {
		const json_t *p;

		if ((r = read_line(&lr, &line, &linelen, errbuf,
		    errbufsz)) != 0)
			goto out;
		if ((*resp = json_loadb(line, linelen, 0, &jerr)) == NULL ||
		    !json_is_object(*resp) ||
		    json_object_get(*resp, "ok") != NULL ||
		    !json_is_object(p = json_object_get(*resp, "progress")))
			break;
		/* A progress line: {"progress": {"done": N, "total": M}}. */
		if (progress_fn != NULL)
			progress_fn(json_integer_value(json_object_get(p,
			    "done")), json_integer_value(json_object_get(p,
			    "total")), progress_arg);
		json_decref(*resp);
		*resp = NULL;
		free(line);
		line = NULL;
	}
	if (*resp == NULL || !json_is_object(*resp)) {
		snprintf(errbuf, errbufsz, "lcnd answered something that is "
		    "not a JSON object: %s", *resp ? "not an object" :
		    jerr.text);
		json_decref(*resp);
		*resp = NULL;
		r = LCN_EPROTO;
		goto out;
	}
	r = 0;
	goto out;
 sendfail:
	if (closed)
		r = refused_at_connect(fd, path, resp, errbuf, errbufsz);
 out:
	if (fd != -1)
		close(fd);
	free(lr.buf);
	free(line);
	return r;
}
