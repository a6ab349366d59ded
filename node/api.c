/*
 * The local operator API (protocol in api.h): the unix socket, its
 * clients, one JSON request and one JSON response per line, and the
 * table that dispatches each request to its handler (api_status.c,
 * api_records.c, api_screen.c, api_import.c). Requests run on the loop
 * thread; each is bounded (publish by PUBLISH_BATCH_MAX bodies, log by
 * LOG_LIMIT_MAX entries) so none stalls replication for long.
 */
/* struct ucred (SO_PEERCRED) is a GNU extension of <sys/socket.h>. */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "api_int.h"
#include "config_access.h"
#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "publish_pipe.h"
#include "util.h"

struct api_write {
	uv_write_t	 req;
	char		*buf;
};

static void	on_deadline(uv_timer_t *);

static const char *
err_code(int r)
{
	switch (r) {
	case LCN_EBEHIND:	return "EBEHIND";
	case LCN_EGROUP:	return "EGROUP";
	case LCN_ENOTMEMBER:	return "ENOTMEMBER";
	case LCN_EFROZEN:	return "EFROZEN";
	case LCN_EFULL:		return "EFULL";
	case LCN_ESTORE:	return "ESTORE";
	case LCN_EPROTO:	return "EPROTO";
	case LCN_ENOMEM:	return "ENOMEM";
	default:		return "EINVAL";
	}
}

json_t *
api_error(int r, const char *text)
{
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", text, "code",
	    err_code(r));
}

/*
 * Bounds on what local clients can make lcnd hold (PROTOCOL.md section
 * 7): API_CLIENTS_MAX connections; API_PENDING_MAX bytes of unfinished
 * request lines in all, beyond the first READ_CHUNK of each (so that
 * small requests always get in); API_REPLY_QUEUE_MAX bytes of answers a
 * client has not read when another is due; API_REQUEST_MS from the first
 * byte of a request to its newline, so that no client keeps its share of
 * API_PENDING_MAX by never finishing (a client that sends nothing holds
 * no buffer and may stay, as a watching tool does). Refusals of clients
 * and requests, and clients closed for an unfinished request, cheap to
 * provoke, are logged at most once every NOTE_LOG_MS each, with their
 * number.
 */
#define READ_CHUNK		(64 * 1024)
#define NOTE_LOG_MS		10000

struct note {
	uint64_t	logged_ms;	/* mono: the last line, 0: none yet */
	uint64_t	count;		/* since that line */
};

/* The loop thread's alone; one daemon a process. */
static struct note	refused_clients, unfinished_requests;

static void
note_event(struct note *n, const char *verb, const char *why)
{
	uint64_t now = mono_ms();

	n->count++;
	if (n->logged_ms != 0 && now - n->logged_ms < NOTE_LOG_MS)
		return;
	log_warnx("api", "%s %llu client%s in %llu s, the last: %s", verb,
	    (unsigned long long)n->count, n->count == 1 ? "" : "s",
	    (unsigned long long)(n->logged_ms ? (now - n->logged_ms) / 1000 :
	    0), why);
	n->count = 0;
	n->logged_ms = now;
}

static void
refused_note(const char *why)
{
	note_event(&refused_clients, "refused", why);
}

/* Request buffers held beyond a READ_CHUNK each, by live clients. */
static size_t
pending_bytes(const struct api *api)
{
	const struct api_client	*cl;
	size_t			 n = 0;

	for (cl = api->clients; cl != NULL; cl = cl->next)
		if (cl->cap > READ_CHUNK)
			n += cl->cap - READ_CHUNK;
	return n;
}

static void
client_closed(uv_handle_t *h)
{
	struct api_client *cl = h->data;

	free(cl->buf);
	free(cl);
}

static void
client_close(struct api_client *cl)
{
	struct api		*api = cl->d->api;
	struct api_client	**pp;

	if (cl->closing)
		return;
	cl->closing = 1;
	api_import_detach(api, cl);
	publish_pipe_detach(cl->d, cl);
	for (pp = &api->clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	uv_close((uv_handle_t *)&cl->pipe, client_closed);
}

static void
on_written(uv_write_t *req, int status)
{
	struct api_write *w = (struct api_write *)req;

	(void)status;
	free(w->buf);
	free(w);
}

void
api_reply(struct api_client *cl, json_t *resp)
{
	struct api_write	*w;
	uv_buf_t		 b;
	char			*s;
	size_t			 len;

	if (resp == NULL || cl->closing) {
		json_decref(resp);
		return;
	}
	if (uv_stream_get_write_queue_size((uv_stream_t *)&cl->pipe) >
	    API_REPLY_QUEUE_MAX) {
		json_decref(resp);
		/* Logged each time: it took 4 MiB of answers to get here. */
		log_warnx("api", "a client left more than "
		    "API_REPLY_QUEUE_MAX bytes of answers unread: closed");
		client_close(cl);
		return;
	}
	s = json_dumps(resp, JSON_COMPACT);
	json_decref(resp);
	if (s == NULL || (w = calloc(1, sizeof(*w))) == NULL) {
		free(s);
		return;
	}
	len = strlen(s);
	if ((w->buf = malloc(len + 2)) == NULL) {
		free(s);
		free(w);
		return;
	}
	memcpy(w->buf, s, len);
	free(s);
	w->buf[len] = '\n';
	w->buf[len + 1] = '\0';
	b = uv_buf_init(w->buf, (unsigned)(len + 1));
	if (uv_write(&w->req, (uv_stream_t *)&cl->pipe, &b, 1,
	    on_written) != 0) {
		free(w->buf);
		free(w);
	}
}

/*
 * The requests, in the order the "unknown cmd" answer lists them, with
 * the role each needs ([access], config_access.h): reading needs read;
 * whatever signs in the agency's name needs publish; what changes the
 * node's own data (lists, the index) needs admin. Each handler runs on
 * the loop thread and returns the response (NULL: none).
 */
static const struct api_command {
	const char		*name;
	enum access_role	 role;
	json_t			*(*handler)(struct api_client *, json_t *req);
} commands[] = {
	{ "status",		ACCESS_READ,	api_cmd_status },
	{ "publish",		ACCESS_PUBLISH,	api_cmd_publish },
	{ "log",		ACCESS_READ,	api_cmd_log },
	{ "record",		ACCESS_PUBLISH,	api_cmd_record },
	{ "denials",		ACCESS_READ,	api_cmd_denials },
	{ "alerts",		ACCESS_READ,	api_cmd_alerts },
	{ "show",		ACCESS_READ,	api_cmd_show },
	{ "receipts",		ACCESS_READ,	api_cmd_receipts },
	{ "export",		ACCESS_READ,	api_cmd_export },
	{ "controls",		ACCESS_READ,	api_cmd_controls },
	{ "consultations",	ACCESS_READ,	api_cmd_consultations },
	{ "decisions",		ACCESS_READ,	api_cmd_decisions },
	{ "report",		ACCESS_READ,	api_cmd_report },
	{ "screen",		ACCESS_READ,	api_cmd_screen },
	{ "check",		ACCESS_READ,	api_cmd_check },
	{ "consult",		ACCESS_PUBLISH,	api_cmd_consult },
	{ "reply",		ACCESS_PUBLISH,	api_cmd_reply },
	{ "consult-info",	ACCESS_PUBLISH,	api_cmd_consult_info },
	{ "decide",		ACCESS_PUBLISH,	api_cmd_decide },
	{ "import-list",	ACCESS_ADMIN,	api_cmd_import },
	{ "reindex",		ACCESS_ADMIN,	api_cmd_reindex },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const struct api_command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static json_t *
unknown_command(const char *cmd)
{
	char	msg[300];
	size_t	i, off;

	off = (size_t)snprintf(msg, sizeof(msg), "unknown cmd \"%.40s\"; "
	    "expected", cmd);
	for (i = 0; i < NCOMMANDS && off < sizeof(msg); i++)
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, "%s %s",
		    i == 0 ? "" : i + 1 == NCOMMANDS ? " or" : ",",
		    commands[i].name);
	return api_error(LCN_EINVAL, msg);
}

static void
fd_handle_closed(uv_handle_t *h)
{
	free(h);
}

/* The next descriptor the client sent, duplicated; -1 if none or failed. */
static int
take_fd(struct api_client *cl)
{
	uv_pipe_t	*h;
	uv_os_fd_t	 ufd;
	int		 fd = -1;

	/*
	 * libuv hands a received descriptor over only by accepting it into
	 * a handle; the descriptor is duplicated out of that handle, which
	 * is then closed (and freed once closed).
	 */
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	uv_pipe_init(cl->d->loop, h, 0);
	if (uv_accept((uv_stream_t *)&cl->pipe, (uv_stream_t *)h) == 0 &&
	    uv_fileno((uv_handle_t *)h, &ufd) == 0)
		fd = fcntl(ufd, F_DUPFD_CLOEXEC, 0);
	uv_close((uv_handle_t *)h, fd_handle_closed);
	return fd;
}

int
api_take_fds(struct api_client *cl, int *fds, size_t n)
{
	size_t	i, got = 0, left;
	int	fd, r = 0;

	left = (size_t)uv_pipe_pending_count(&cl->pipe);
	if (left != n)
		r = LCN_EINVAL;
	/* uv_accept consumes one each time, even when it fails. */
	for (; left > 0 && uv_pipe_pending_count(&cl->pipe) > 0; left--) {
		if ((fd = take_fd(cl)) == -1)
			r = LCN_EIO;
		else if (r == 0 && got < n)
			fds[got++] = fd;
		else
			close(fd);
	}
	if (r != 0 || got != n) {
		for (i = 0; i < got; i++)
			close(fds[i]);
		return r != 0 ? r : LCN_EINVAL;
	}
	return 0;
}

/*
 * The caller's supplementary groups as the kernel holds them for its end
 * of the socket (SO_PEERGROUPS: what its process has, as for any file it
 * opens), or as the group database says where that is missing. Returns
 * the number in *groups (malloc'd, may be NULL when 0).
 */
static size_t
caller_groups(struct api_client *cl, gid_t **groups)
{
	gid_t		*g = NULL, *ng;
	int		 fd;
	size_t		 n = 0;
#ifdef SO_PEERGROUPS
	socklen_t	 len = 64 * sizeof(gid_t);

	*groups = NULL;
	if (uv_fileno((uv_handle_t *)&cl->pipe, &fd) != 0)
		return 0;
	for (;;) {
		if ((ng = realloc(g, len)) == NULL)
			break;
		g = ng;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
			n = len / sizeof(gid_t);
			break;
		}
		/* ERANGE: len now says how much is needed. */
		if (errno != ERANGE || len == 0)
			break;
	}
#else
	struct passwd	*pw;
	int		 ng_count = 64;

	(void)fd;
	*groups = NULL;
	if ((pw = getpwuid(cl->uid)) == NULL)
		return 0;
	for (;;) {
		if ((ng = realloc(g, ng_count * sizeof(gid_t))) == NULL)
			break;
		g = ng;
		if (getgrouplist(pw->pw_name, cl->gid, g, &ng_count) != -1) {
			n = (size_t)ng_count;
			break;
		}
	}
#endif
	if (n == 0) {
		free(g);
		g = NULL;
	}
	*groups = g;
	return n;
}

/* The role the caller holds under the running configuration. */
static enum access_role
caller_role(struct api_client *cl)
{
	gid_t			*groups;
	size_t			 n;
	enum access_role	 role;

	n = caller_groups(cl, &groups);
	role = config_access_role(&cl->d->conf->cfg.access, geteuid(),
	    cl->uid, cl->gid, groups, n);
	free(groups);
	return role;
}

/*
 * "publish needs the publish role; uid 1001 (alice) has read", as the
 * answer and in the log.
 */
static json_t *
refused(struct api_client *cl, const struct api_command *c,
    enum access_role has)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s needs the %s role; %s has %s", c->name,
	    access_role_name(c->role), cl->who, has == ACCESS_NONE ? "none" :
	    access_role_name(has));
	log_info("api", "refused: %s", msg);
	return json_pack("{s:b, s:s, s:s, s:s}", "ok", 0, "error", msg, "code",
	    "EACCES", "role", access_role_name(c->role));
}

/*
 * Closes every descriptor cl sent beyond those a handler took: only
 * import-list takes any, and none may stay open on lcnd's account.
 */
static void
drop_fds(struct api_client *cl)
{
	int	n, fd;

	for (n = uv_pipe_pending_count(&cl->pipe); n > 0; n--)
		if ((fd = take_fd(cl)) != -1)
			close(fd);
}

/*
 * lcn publish's own request (publish_line_parse()) goes to the pipeline
 * without a JSON tree; 1 if it did. Anything else, and a caller that may
 * not publish, takes the JSON path, which answers as for any request.
 */
static int
publish_fast(struct api_client *cl, const char *line, size_t len)
{
	const struct api_command	*c = command_find("publish");
	struct bytes			*bodies;
	char				 group[GROUP_NAME_MAX + 1];
	size_t				 n, i;
	int				 r = 0;

	if (c == NULL || publish_line_parse(line, len, group, sizeof(group),
	    &bodies, &n) != 0)
		return 0;
	if (caller_role(cl) >= c->role && (r = publish_pipe_submit_bodies(
	    cl->d, cl, group, bodies, n)) == 0) {
		drop_fds(cl);
		return 1;
	}
	for (i = 0; i < n; i++)
		free((void *)bodies[i].ptr);
	free(bodies);
	if (r == 0)
		return 0;	/* not allowed: the JSON path refuses it */
	api_reply(cl, api_error(r, "out of memory"));
	drop_fds(cl);
	return 1;
}

static void
handle_line(struct api_client *cl, const char *line, size_t len)
{
	const struct api_command	*c;
	json_error_t			 jerr;
	json_t				*req, *resp;
	const char			*cmd;
	char				 msg[300], qmsg[400];
	enum access_role		 has;

	if (publish_fast(cl, line, len))
		return;
	if ((req = json_loadb(line, len, 0, &jerr)) == NULL ||
	    !json_is_object(req)) {
		snprintf(msg, sizeof(msg), "request is not a JSON object: %s "
		    "(column %d)", req ? "not an object" : jerr.text,
		    jerr.column);
		/* jansson quotes the client's bytes near the error. */
		log_info("api", "%s", log_escape(qmsg, sizeof(qmsg), msg,
		    strlen(msg)));
		json_decref(req);
		api_reply(cl, api_error(LCN_EINVAL, msg));
		return;
	}
	cmd = json_string_value(json_object_get(req, "cmd"));
	if (cmd == NULL)
		resp = api_error(LCN_EINVAL, "request has no \"cmd\"");
	else if ((c = command_find(cmd)) == NULL)
		resp = unknown_command(cmd);
	else if ((has = caller_role(cl)) < c->role)
		resp = refused(cl, c, has);
	else
		resp = c->handler(cl, req);
	json_decref(req);
	drop_fds(cl);
	api_reply(cl, resp);
}

/*
 * The deadline timer runs while some client has an unfinished request,
 * due when the oldest one reaches API_REQUEST_MS. Deadlines only come
 * later than those already set, so a running timer is never late for a
 * new one.
 */
static void
deadline_arm(struct api *api, uint64_t in_ms)
{
	if (api->deadline != NULL &&
	    !uv_is_active((uv_handle_t *)api->deadline))
		uv_timer_start(api->deadline, on_deadline, in_ms, 0);
}

/*
 * Closes the clients whose request is unfinished API_REQUEST_MS after its
 * first byte, with an answer saying so (a client that is not reading may
 * miss it), and sets the timer for the next.
 */
static void
on_deadline(uv_timer_t *t)
{
	struct api		*api = t->data;
	struct api_client	*cl, *next;
	uint64_t		 now = mono_ms(), next_ms = 0, left;
	char			 why[API_WHO_MAX + 128];

	for (cl = api->clients; cl != NULL; cl = next) {
		next = cl->next;
		if (cl->closing || cl->line_ms == 0)
			continue;
		if (now - cl->line_ms < API_REQUEST_MS) {
			left = API_REQUEST_MS - (now - cl->line_ms);
			if (next_ms == 0 || left < next_ms)
				next_ms = left;
			continue;
		}
		snprintf(why, sizeof(why), "%s pid %ld: request not finished "
		    "within %d s (%zu bytes without a newline): closed",
		    cl->who, (long)cl->pid, API_REQUEST_MS / 1000, cl->len);
		note_event(&unfinished_requests, "closed", why);
		snprintf(why, sizeof(why), "request not finished within %d "
		    "s: lcnd closed the connection", API_REQUEST_MS / 1000);
		api_reply(cl, json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
		    why, "code", "ETIMEDOUT"));
		client_close(cl);
	}
	if (next_ms != 0)
		deadline_arm(api, next_ms);
}

static void
api_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	(void)h;
	(void)suggested;
	b->base = malloc(READ_CHUNK);
	b->len = b->base ? READ_CHUNK : 0;
}

static void
on_api_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct api_client	*cl = s->data;
	char			*nl, *nb;
	size_t			 cap, used;

	if (nread < 0) {
		free(b->base);
		client_close(cl);
		return;
	}
	if (nread == 0 || cl->closing) {
		free(b->base);
		return;
	}
	/* Descriptors beyond what any request takes: not kept for anyone. */
	if (uv_pipe_pending_count(&cl->pipe) > API_FDS_MAX) {
		free(b->base);
		log_info("api", "%s sent more than %d descriptors: closed",
		    cl->who, API_FDS_MAX);
		client_close(cl);
		return;
	}
	if ((size_t)nread > API_LINE_MAX - cl->len) {
		free(b->base);
		api_reply(cl, api_error(LCN_EINVAL, "request line longer than "
		    "API_LINE_MAX"));
		client_close(cl);
		return;
	}
	if (cl->len + (size_t)nread > cl->cap) {
		cap = cl->cap ? cl->cap : READ_CHUNK;
		while (cap < cl->len + (size_t)nread)
			cap *= 2;
		if (cap > READ_CHUNK && pending_bytes(cl->d->api) -
		    (cl->cap > READ_CHUNK ? cl->cap - READ_CHUNK : 0) +
		    (cap - READ_CHUNK) > API_PENDING_MAX) {
			free(b->base);
			refused_note("unfinished requests would hold "
			    "more than API_PENDING_MAX bytes: closed");
			api_reply(cl, api_error(LCN_EINVAL, "lcnd holds too "
			    "many unfinished requests (API_PENDING_MAX); try "
			    "again"));
			client_close(cl);
			return;
		}
		if ((nb = realloc(cl->buf, cap)) == NULL) {
			free(b->base);
			client_close(cl);
			return;
		}
		cl->buf = nb;
		cl->cap = cap;
	}
	memcpy(cl->buf + cl->len, b->base, (size_t)nread);
	cl->len += (size_t)nread;
	free(b->base);
	while (!cl->closing && (nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
		used = (size_t)(nl - cl->buf) + 1;
		if (used > 1)
			handle_line(cl, cl->buf, used - 1);
		memmove(cl->buf, cl->buf + used, cl->len - used);
		cl->len -= used;
		cl->line_ms = 0;	/* what is left came with this read */
	}
	if (cl->closing)
		return;
	/* An idle client holds no buffer, a big one no API_PENDING_MAX. */
	if (cl->len == 0) {
		free(cl->buf);
		cl->buf = NULL;
		cl->cap = 0;
		cl->line_ms = 0;
	} else if (cl->line_ms == 0) {
		cl->line_ms = mono_ms();
		deadline_arm(cl->d->api, API_REQUEST_MS);
	}
}

static size_t
client_count(const struct api *api)
{
	const struct api_client	*cl;
	size_t			 n = 0;

	for (cl = api->clients; cl != NULL; cl = cl->next)
		n++;
	return n;
}

/*
 * Who is at the other end, from the kernel (SO_PEERCRED: the credentials
 * the caller had when it connected), with its user name for the log.
 * The name comes from the same user database the rest of the host
 * uses, through a small table per uid (api_who.c says what it trades).
 */
static int
client_identify(struct api_client *cl)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);
	int		 fd;

	if (uv_fileno((uv_handle_t *)&cl->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) != 0 ||
	    len != sizeof(uc)) {
		log_warnx("api", "a client without credentials (SO_PEERCRED: "
		    "%s): closed", strerror(errno));
		return LCN_EIO;
	}
	cl->uid = uc.uid;
	cl->gid = uc.gid;
	cl->pid = uc.pid;
	api_who(&cl->d->api->who, uc.uid, uv_now(cl->d->loop), cl->who,
	    sizeof(cl->who));
	return 0;
}

static void
on_api_connection(uv_stream_t *server, int status)
{
	struct daemon		*d = server->data;
	struct api		*api = d->api;
	struct api_client	*cl;

	if (status < 0 || (cl = calloc(1, sizeof(*cl))) == NULL)
		return;
	cl->d = d;
	/* ipc: import-list passes the files it opened (SCM_RIGHTS). */
	uv_pipe_init(d->loop, &cl->pipe, 1);
	cl->pipe.data = cl;
	cl->next = api->clients;
	api->clients = cl;
	if (uv_accept(server, (uv_stream_t *)&cl->pipe) != 0 ||
	    client_identify(cl) != 0 ||
	    uv_read_start((uv_stream_t *)&cl->pipe, api_alloc,
	    on_api_read) != 0)
		client_close(cl);
	else if (client_count(api) > API_CLIENTS_MAX) {
		refused_note("API_CLIENTS_MAX clients connected");
		api_reply(cl, api_error(LCN_EINVAL, "lcnd has API_CLIENTS_MAX "
		    "clients connected; try again"));
		client_close(cl);
	}
}

/*
 * The socket grants connecting to its group (mode 0660), and the roles
 * ([access]) grant what a caller may do. A directory that the group
 * cannot enter makes the first grant void: say so rather than leave
 * operators with EACCES and no clue (README.md, "Operators and
 * roles").
 */
static void
check_socket_dir(const char *path)
{
	struct stat	 st;
	char		 dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) == 0 && (st.st_mode & S_IXGRP) == 0)
		log_warnx("api", "the socket's directory %s is mode %04o: its "
		    "group cannot reach the socket, so only its owner and root "
		    "can use lcn; put the socket in a directory of its own "
		    "(socket = /run/lcn/lcnd.sock with RuntimeDirectory=lcn)",
		    dir, (unsigned)(st.st_mode & 07777));
}

static void	deadline_freed(uv_handle_t *);
static void	api_freed(uv_handle_t *);

/*
 * api_start() failed after its handles were made: they are closed, the
 * memory going in their close callbacks (the caller runs the loop for
 * them), and d->api is NULL again, as before the call.
 */
static void
start_undo(struct daemon *d)
{
	struct api *api = d->api;

	uv_close((uv_handle_t *)api->deadline, deadline_freed);
	api->deadline = NULL;
	api->listener.data = api;
	uv_close((uv_handle_t *)&api->listener, api_freed);
	d->api = NULL;
}

int
api_start(struct daemon *d)
{
	const struct config_access *acc = &d->conf->cfg.access;
	const char	*path = d->conf->cfg.socket;
	struct api	*api;
	struct stat	 st;
	mode_t		 old;
	int		 r;

	if ((api = calloc(1, sizeof(*api))) == NULL ||
	    (api->deadline = calloc(1, sizeof(*api->deadline))) == NULL) {
		free(api);
		return LCN_ENOMEM;
	}
	d->api = api;
	uv_timer_init(d->loop, api->deadline);
	api->deadline->data = api;
	/* A socket left by a killed lcnd; anything else is not ours. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	uv_pipe_init(d->loop, &api->listener, 0);
	api->listener.data = d;
	/*
	 * The socket is born mode 0660: no moment in which others could
	 * connect before a chmod. It takes its group before it listens.
	 */
	old = umask(0117);
	r = uv_pipe_bind(&api->listener, path);
	umask(old);
	if (r == 0 && acc->has_socket_group &&
	    chown(path, (uid_t)-1, (gid_t)acc->socket_group) == -1) {
		log_error("api", "socket_group: cannot give %s group %lu: %s",
		    path, (unsigned long)acc->socket_group, strerror(errno));
		unlink(path);
		start_undo(d);
		return LCN_EIO;
	}
	if (r != 0 || (r = uv_listen((uv_stream_t *)&api->listener, 16,
	    on_api_connection)) != 0) {
		log_error("api", "cannot listen on %s: %s", path,
		    uv_strerror(r));
		start_undo(d);
		return LCN_EIO;
	}
	if (acc->nrules > 0)
		check_socket_dir(path);
	if (acc->line == 0)
		log_warnx("api", "no [access] section: only uid %lu (lcnd's) "
		    "and root may use the socket", (unsigned long)geteuid());
	else
		log_info("api", "access: %zu rules from [access] at line %d; "
		    "uid %lu (lcnd's) and root are admin", acc->nrules,
		    acc->line, (unsigned long)geteuid());
	log_info("api", "listening socket=%s mode=0660", path);
	return 0;
}

static void
deadline_freed(uv_handle_t *h)
{
	free(h);
}

static void
api_freed(uv_handle_t *h)
{
	free(h->data);
}

void
api_stop(struct daemon *d)
{
	struct api *api = d->api;

	if (api == NULL)
		return;
	/* What is signed is stored and answered before the clients go. */
	publish_pipe_stop(d);
	while (api->clients != NULL)
		client_close(api->clients);
	api_import_stop(d);
	uv_close((uv_handle_t *)api->deadline, deadline_freed);
	api->deadline = NULL;
	api->listener.data = api;
	uv_close((uv_handle_t *)&api->listener, api_freed);
	unlink(d->conf->cfg.socket);
	d->api = NULL;
}
