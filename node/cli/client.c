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

static int
write_all(int fd, const char *buf, size_t len, char *errbuf, size_t errbufsz)
{
	ssize_t n;

	while (len > 0) {
		/* MSG_NOSIGNAL: a closed socket is an error, not SIGPIPE. */
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(errbuf, errbufsz, "sending to lcnd: %s",
			    strerror(errno));
			return LCN_EIO;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads up to and excluding the first newline into *out (NUL-terminated). */
static int
read_line(int fd, char **out, size_t *outlen, char *errbuf, size_t errbufsz)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	uint64_t	 deadline = mono_ms() + CLIENT_TIMEOUT_MS, now;
	char		*buf = NULL, *nb, *nl;
	size_t		 len = 0, cap = 0, ncap;
	ssize_t		 n;
	int		 r = LCN_EIO, pr;

	*out = NULL;
	*outlen = 0;
	for (;;) {
		if (cap - len < READ_CHUNK) {
			ncap = cap ? cap * 2 : READ_CHUNK * 2;
			if (ncap > API_LINE_MAX + (size_t)READ_CHUNK)
				ncap = API_LINE_MAX + (size_t)READ_CHUNK;
			if ((nb = realloc(buf, ncap + 1)) == NULL) {
				r = LCN_ENOMEM;
				snprintf(errbuf, errbufsz, "out of memory");
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		if ((now = mono_ms()) >= deadline) {
			snprintf(errbuf, errbufsz, "no answer from lcnd within "
			    "%d s", CLIENT_TIMEOUT_MS / 1000);
			goto out;
		}
		if ((pr = poll(&pfd, 1, (int)(deadline - now))) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(errbuf, errbufsz, "poll: %s", strerror(errno));
			goto out;
		}
		if (pr == 0)
			continue;
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(errbuf, errbufsz, "reading from lcnd: %s",
			    strerror(errno));
			goto out;
		}
		if (n == 0) {
			snprintf(errbuf, errbufsz, "lcnd closed the connection "
			    "%s", len ? "in the middle of its answer" :
			    "without answering");
			goto out;
		}
		if ((nl = memchr(buf + len, '\n', (size_t)n)) != NULL) {
			len = (size_t)(nl - buf);
			break;
		}
		len += (size_t)n;
		if (len > API_LINE_MAX) {
			r = LCN_EPROTO;
			snprintf(errbuf, errbufsz, "answer from lcnd longer "
			    "than API_LINE_MAX (%u bytes)", API_LINE_MAX);
			goto out;
		}
	}
	if (len > API_LINE_MAX) {
		r = LCN_EPROTO;
		snprintf(errbuf, errbufsz, "answer from lcnd longer than "
		    "API_LINE_MAX (%u bytes)", API_LINE_MAX);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = 0;
 out:
	free(buf);
	return r;
}

int
client_call(const char *path, const char *req, size_t len, json_t **resp,
    int *sent, char *errbuf, size_t errbufsz)
{
	json_error_t	 jerr;
	char		*line = NULL;
	size_t		 linelen;
	int		 fd = -1, r;

	*resp = NULL;
	*sent = 0;
	errbuf[0] = '\0';
	if (len >= API_LINE_MAX) {
		snprintf(errbuf, errbufsz, "request of %zu bytes is longer "
		    "than API_LINE_MAX (%u bytes)", len, API_LINE_MAX);
		return LCN_EINVAL;
	}
	if ((r = sock_connect(path, &fd, errbuf, errbufsz)) != 0 ||
	    (r = write_all(fd, req, len, errbuf, errbufsz)) != 0 ||
	    (r = write_all(fd, "\n", 1, errbuf, errbufsz)) != 0)
		goto out;
	*sent = 1;
	if ((r = read_line(fd, &line, &linelen, errbuf, errbufsz)) != 0)
		goto out;
	if ((*resp = json_loadb(line, linelen, 0, &jerr)) == NULL ||
	    !json_is_object(*resp)) {
		snprintf(errbuf, errbufsz, "lcnd answered something that is "
		    "not a JSON object: %s", *resp ? "not an object" :
		    jerr.text);
		json_decref(*resp);
		*resp = NULL;
		r = LCN_EPROTO;
		goto out;
	}
	r = 0;
 out:
	if (fd != -1)
		close(fd);
	free(line);
	return r;
}
