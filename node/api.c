/*
 * The local operator API (protocol in api.h): a unix socket with one JSON
 * request and one JSON response per line. Requests run on the loop
 * thread; each is bounded (publish by PUBLISH_BATCH_MAX bodies, log by
 * LOG_LIMIT_MAX entries) so none stalls replication for long.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "check.h"
#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "pbjson.h"
#include "peer.h"
#include "publish.h"
#include "repl.h"
#include "screen.h"
#include "screen_import.h"
#include "store.h"
#include "util.h"

struct api_client {
	uv_pipe_t		 pipe;
	struct daemon		*d;
	char			*buf;
	size_t			 len, cap;
	int			 closing;
	struct api_client	*next;
};

struct import_job;

struct api {
	uv_pipe_t		 listener;
	struct api_client	*clients;
	struct import_job	*import;	/* lcn import-list running */
};

struct api_write {
	uv_write_t	 req;
	char		*buf;
};

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

static json_t *
error_reply(int r, const char *text)
{
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", text, "code",
	    err_code(r));
}

static void
client_closed(uv_handle_t *h)
{
	struct api_client *cl = h->data;

	free(cl->buf);
	free(cl);
}

static void	api_import_detach(struct api *, struct api_client *);

static void
client_close(struct api_client *cl)
{
	struct api		*api = cl->d->api;
	struct api_client	**pp;

	if (cl->closing)
		return;
	cl->closing = 1;
	api_import_detach(api, cl);
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

static void
reply(struct api_client *cl, json_t *resp)
{
	struct api_write	*w;
	uv_buf_t		 b;
	char			*s;
	size_t			 len;

	if (resp == NULL || cl->closing) {
		json_decref(resp);
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

static json_t *
hexstr(const uint8_t *p, size_t len)
{
	char buf[2 * HASH_LEN + 1];

	if (len > HASH_LEN)
		len = HASH_LEN;
	hex_encode(p, len, buf);
	return json_string(buf);
}

/* Each partner: its connection, counters and refusal (lcn status). */
static json_t *
status_peers(struct daemon *d)
{
	json_t	*peers, *o;
	size_t	 i;

	peers = json_array();
	for (i = 0; i < d->npeers; i++) {
		struct peer	*p = d->peers[i];
		char		 addr[CONFIG_ADDR_MAX + 8] = "";

		if (p->has_address)
			snprintf(addr, sizeof(addr), "%s:%u", p->host,
			    p->port);
		o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, "
		    "s:I}", "id", p->id, "address", addr, "state",
		    peer_state_name(p), "since_ms", (json_int_t)p->since_ms,
		    "last_error", p->last_error, "fingerprint",
		    p->fingerprint, "frames_in", (json_int_t)p->frames_in,
		    "frames_out", (json_int_t)p->frames_out, "rejects_in",
		    (json_int_t)p->rejects_in, "rejects_out",
		    (json_int_t)p->rejects_out);
		if (p->conn != NULL)
			json_object_set_new(o, "direction", json_string(
			    p->conn->is_client ? "dial" : "accept"));
		json_object_set_new(o, "refused_for_ms", json_integer(
		    (json_int_t)peer_refused_for_ms(p)));
		json_array_append_new(peers, o);
	}
	return peers;
}

/*
 * Each feed this node holds, with each other member's lag: this node's
 * head minus what that member last announced, null before it announced.
 */
static json_t *
status_feeds(struct daemon *d)
{
	const struct trust	*t = daemon_trust(d);
	struct feed_state	*fs = NULL;
	json_t			*feeds, *o, *lag;
	size_t			 n = 0, i, k;
	int			 known;
	uint64_t		 seq;

	feeds = json_array();
	if (store_feeds(d->store, &fs, &n) != 0)
		return feeds;
	for (i = 0; i < n; i++) {
		const struct trust_group *g = trust_group(t,
		    fs[i].feed.group);

		lag = json_object();
		for (k = 0; k < d->npeers; k++) {
			struct peer *p = d->peers[k];

			if (!trust_is_member(g, p->id) ||
			    strcmp(p->id, fs[i].feed.origin) == 0)
				continue;
			seq = repl_peer_seq(p, &fs[i].feed, &known);
			json_object_set_new(lag, p->id, known ?
			    json_integer((json_int_t)(fs[i].seq > seq ?
			    fs[i].seq - seq : 0)) : json_null());
		}
		o = json_pack("{s:s, s:s, s:I, s:o, s:I, s:b, s:o}", "origin",
		    fs[i].feed.origin, "group", fs[i].feed.group, "seq",
		    (json_int_t)fs[i].seq, "head", hexstr(fs[i].hash,
		    HASH_LEN), "verified", (json_int_t)fs[i].verified,
		    "frozen", fs[i].frozen, "lag", lag);
		json_array_append_new(feeds, o);
	}
	free(fs);
	return feeds;
}

static json_t *
do_status(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	const struct trust	*t = daemon_trust(d);
	struct fork_record	*forks = NULL;
	json_t			*peers, *feeds, *jforks, *alerts;
	size_t			 nf = 0, i;
	uint64_t		 pending;

	(void)req;
	peers = status_peers(d);
	feeds = status_feeds(d);
	jforks = json_array();
	if (store_forks(d->store, &forks, &nf) == 0) {
		for (i = 0; i < nf; i++)
			json_array_append_new(jforks, json_pack("{s:s, s:s, "
			    "s:I, s:I}", "origin", forks[i].feed.origin,
			    "group", forks[i].feed.group, "seq",
			    (json_int_t)forks[i].seq, "detected_ms",
			    (json_int_t)forks[i].detected_ms));
		store_forks_free(forks, nf);
	}
	alerts = json_array();
	for (i = 0; i < d->nalerts; i++)
		json_array_append_new(alerts, json_string(d->alerts[i]));
	if (store_screen_pending(d->store, &pending) != 0)
		pending = 0;
	return json_pack("{s:b, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:I}",
	    "ok", 1, "node", t->self, "version", LCN_VERSION, "uptime_ms",
	    (json_int_t)(now_ms() - d->start_ms), "peers", peers, "feeds",
	    feeds, "forks", jforks, "alerts", alerts, "index_pending",
	    (json_int_t)pending);
}

static json_t *
do_publish(struct api_client *cl, json_t *req)
{
	struct daemon	*d = cl->d;
	const char	*group;
	json_t		*bodies, *resp;
	struct bytes	*enc = NULL;
	uint8_t		*buf;
	size_t		 n, i, len;
	uint64_t	 first, last;
	char		 err[512], msg[600];
	int		 r;

	group = json_string_value(json_object_get(req, "group"));
	bodies = json_object_get(req, "bodies");
	if (group == NULL || !json_is_array(bodies))
		return error_reply(LCN_EINVAL, "publish: expected \"group\" "
		    "(string) and \"bodies\" (array)");
	n = json_array_size(bodies);
	if (n == 0 || n > PUBLISH_BATCH_MAX) {
		snprintf(msg, sizeof(msg), "publish: %zu bodies, expected "
		    "1..%d", n, PUBLISH_BATCH_MAX);
		return error_reply(LCN_EINVAL, msg);
	}
	if ((enc = calloc(n, sizeof(*enc))) == NULL)
		return error_reply(LCN_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if ((r = pbjson_body_encode(json_array_get(bodies, i), &buf,
		    &len, err, sizeof(err))) != 0) {
			snprintf(msg, sizeof(msg), "bodies[%zu]: %s", i, err);
			resp = error_reply(LCN_EINVAL, msg);
			goto out;
		}
		enc[i].ptr = buf;
		enc[i].len = len;
	}
	if ((r = publish_bodies(d, group, enc, n, &first, &last, err,
	    sizeof(err))) != 0) {
		log_info("api", "publish to %s refused: %s", group, err);
		resp = error_reply(r, err);
		goto out;
	}
	log_info("api", "published %zu entries to %s/%s seq %llu..%llu", n,
	    daemon_trust(d)->self, group, (unsigned long long)first,
	    (unsigned long long)last);
	resp = json_pack("{s:b, s:s, s:s, s:I, s:I}", "ok", 1, "origin",
	    daemon_trust(d)->self, "group", group, "first_seq",
	    (json_int_t)first, "last_seq", (json_int_t)last);
 out:
	for (i = 0; i < n; i++)
		free((void *)enc[i].ptr);
	free(enc);
	return resp;
}

/*
 * Raw entry bytes one log answer carries at most: decoded as JSON they
 * grow about fourfold, and the answer must stay under API_LINE_MAX.
 */
#define LOG_RAW_BYTES_MAX	(API_LINE_MAX / 8)

static int
log_feed(struct daemon *d, const struct feed_state *fs, uint64_t since,
    size_t *left, size_t *budget, json_t *out)
{
	struct store_range	 rg;
	json_t			*e;
	char			 err[256];
	uint64_t		 next = since + 1;
	size_t			 i;
	int			 r;

	while (*left > 0 && *budget > 0 && next <= fs->seq) {
		if ((r = store_read(d->store, &fs->feed, next, fs->seq,
		    *budget < BATCH_BYTES_MAX ? *budget : BATCH_BYTES_MAX,
		    *left, &rg)) != 0)
			return r;
		if (rg.nitems == 0) {
			store_range_free(&rg);
			break;
		}
		for (i = 0; i < rg.nitems; i++) {
			e = pbjson_entry_decode(rg.items[i].ptr,
			    rg.items[i].len, err, sizeof(err));
			if (e == NULL)
				e = json_pack("{s:s, s:s, s:I, s:s}", "origin",
				    fs->feed.origin, "group", fs->feed.group,
				    "seq", (json_int_t)(rg.first_seq + i),
				    "error", err);
			json_object_set_new(e, "verified", json_boolean(
			    rg.first_seq + i <= fs->verified));
			json_array_append_new(out, e);
		}
		next = rg.first_seq + rg.nitems;
		*left -= rg.nitems;
		*budget -= rg.bytes < *budget ? rg.bytes : *budget;
		store_range_free(&rg);
	}
	return 0;
}

static json_t *
do_log(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	const char		*origin, *group;
	json_t			*jsince, *jlimit, *entries;
	struct feed_state	*fs = NULL, one;
	size_t			 n = 0, i, left, budget = LOG_RAW_BYTES_MAX;
	uint64_t		 since = 0;
	int			 r = 0;

	origin = json_string_value(json_object_get(req, "origin"));
	group = json_string_value(json_object_get(req, "group"));
	jsince = json_object_get(req, "since");
	jlimit = json_object_get(req, "limit");
	if ((jsince != NULL && (!json_is_integer(jsince) ||
	    json_integer_value(jsince) < 0)) || (jlimit != NULL &&
	    (!json_is_integer(jlimit) || json_integer_value(jlimit) < 1 ||
	    json_integer_value(jlimit) > LOG_LIMIT_MAX)) ||
	    (origin == NULL) != (group == NULL))
		return error_reply(LCN_EINVAL, "log: expected origin and "
		    "group together, since >= 0 and 1 <= limit <= 10000");
	if (jsince != NULL)
		since = (uint64_t)json_integer_value(jsince);
	left = jlimit ? (size_t)json_integer_value(jlimit) :
	    LOG_LIMIT_DEFAULT;
	entries = json_array();
	if (origin != NULL) {
		if (store_feed(d->store, origin, group, &one) == 0)
			r = log_feed(d, &one, since, &left, &budget,
			    entries);
	} else if ((r = store_feeds(d->store, &fs, &n)) == 0) {
		for (i = 0; i < n && left > 0 && budget > 0 && r == 0; i++)
			r = log_feed(d, &fs[i], since, &left, &budget,
			    entries);
		free(fs);
	}
	if (r != 0) {
		json_decref(entries);
		return error_reply(r, "cannot read the ledger");
	}
	/* "more": the byte budget, not the limit, ended the answer. */
	return json_pack("{s:b, s:o, s:b}", "ok", 1, "entries", entries,
	    "more", budget == 0 && left > 0);
}

static const char *
role_name(int role)
{
	static const char *const names[] = { "", "end_user", "consignee",
	    "intermediate_consignee", "purchaser", "agent" };

	return role >= 0 && role < (int)(sizeof(names) / sizeof(names[0])) ?
	    names[role] : "";
}

static const char *
source_name(enum screen_source src)
{
	switch (src) {
	case SCREEN_DENIAL:	return "denial";
	case SCREEN_ALERT:	return "alert";
	default:		return "list";
	}
}

/*
 * Queries index what the screening index lacks before they read, on the
 * loop thread. After a large catch-up that could stall everything for a
 * minute, so beyond a few steps the query is refused with EBEHIND (lcn
 * waits and asks again) and the indexer stops yielding until it is done.
 */
#define QUERY_INDEX_MAX	(4 * SCREEN_CATCH_UP_STEP)

static json_t *
index_behind(struct daemon *d, const char *what)
{
	uint64_t	pending = 0;
	char		msg[256];

	if (store_screen_pending(d->store, &pending) != 0 ||
	    pending <= QUERY_INDEX_MAX)
		return NULL;
	indexer_urge(d);
	snprintf(msg, sizeof(msg), "%s: the screening index is %llu entries "
	    "behind the ledger (after a large catch-up); lcnd is indexing "
	    "them now", what, (unsigned long long)pending);
	return error_reply(LCN_EBEHIND, msg);
}

static json_t *
do_screen(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct screen_hit	*hits = NULL;
	const char		*name, *country, *ident;
	json_t			*jl, *js, *arr;
	size_t			 n = 0, i, limit = 10;
	double			 min_score = 0.70;
	int			 r, all;

	name = json_string_value(json_object_get(req, "name"));
	country = json_string_value(json_object_get(req, "country"));
	ident = json_string_value(json_object_get(req, "id"));
	jl = json_object_get(req, "limit");
	js = json_object_get(req, "min_score");
	all = json_is_true(json_object_get(req, "all"));
	if (name == NULL || (jl != NULL && (!json_is_integer(jl) ||
	    json_integer_value(jl) < 1 ||
	    json_integer_value(jl) > SCREEN_LIMIT_MAX)) || (js != NULL &&
	    (!json_is_number(js) || json_number_value(js) < 0 ||
	    json_number_value(js) > 1)) || (country != NULL &&
	    strlen(country) != 2))
		return error_reply(LCN_EINVAL, "screen: expected \"name\", "
		    "optional \"country\" (ISO alpha-2), 1 <= \"limit\" <= "
		    "1000 and 0 <= \"min_score\" <= 1");
	if (jl != NULL)
		limit = (size_t)json_integer_value(jl);
	if (js != NULL)
		min_score = json_number_value(js);
	if ((arr = index_behind(d, "screen")) != NULL)
		return arr;
	r = store_screen(d->store, name, country, ident, min_score, limit,
	    now_ms(), all, &hits, &n);
	if (r != 0)
		return error_reply(r, r == LCN_EPROTO ? "screen: the name is "
		    "too long or not UTF-8" : r == LCN_EINVAL ? "screen: the "
		    "name has no letter or digit" : "screen: cannot read the "
		    "index");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:I}", "source",
		    source_name(hits[i].source), "agency", hits[i].agency,
		    "list", hits[i].list, "ref", hits[i].ref, "role",
		    role_name(hits[i].role), "name", hits[i].name, "matched",
		    hits[i].matched, "country", hits[i].country, "score",
		    hits[i].score, "why", hits[i].why, "state",
		    hits[i].state ? hits[i].state : "", "seq",
		    (json_int_t)hits[i].seq));
	free(hits);
	return json_pack("{s:b, s:o}", "ok", 1, "hits", arr);
}

/* Starts the rebuild; the indexer does it in steps (lcn waits for it). */
static json_t *
do_reindex(struct api_client *cl, json_t *req)
{
	struct daemon	*d = cl->d;
	uint64_t	 n;
	int		 r;

	(void)req;
	if ((r = store_reindex(d->store, &n)) != 0)
		return error_reply(r, "reindex failed");
	log_info("api", "screening index rebuild started: %llu entries",
	    (unsigned long long)n);
	indexer_urge(d);
	return json_pack("{s:b, s:I}", "ok", 1, "entries", (json_int_t)n);
}

/*
 * lcn import-list beside replication. The file is parsed on the libuv
 * thread pool (list_parse touches neither LMDB nor loop state); the
 * parties are then written a step per loop iteration from an idle
 * handle, each step one short transaction (store_import_step), so
 * replication and other requests go on between steps. Queries see the
 * previous import of the list until the last write step switches to the
 * new one (screen_import.h). One import at a time; the client gets its
 * answer at the end, and progress lines between steps if it asked.
 */
struct import_job {
	uv_work_t		 work;
	uv_idle_t		 idle;
	struct daemon		*d;
	struct api_client	*cl;		/* NULL once it has gone */
	enum list_format	 fmt;
	char			*path;
	int			 progress;	/* the client asked */
	int			 stepping;	/* idle initialised */
	struct list_import	*imp;
	struct list_stats	 st;
	int			 r;
	char			 err[512];
};

static void
import_job_free(struct import_job *job)
{
	list_import_free(job->imp);
	free(job->path);
	free(job);
}

static void
import_job_closed(uv_handle_t *h)
{
	import_job_free(h->data);
}

/* A client that goes away before its import ends gets no answer. */
static void
api_import_detach(struct api *api, struct api_client *cl)
{
	if (api->import != NULL && api->import->cl == cl)
		api->import->cl = NULL;
}

/* The answer, the log line, and the end of the job. */
static void
import_finish(struct import_job *job)
{
	struct daemon	*d = job->d;
	const char	*name = list_format_name(job->fmt);
	json_t		*resp;

	if (job->r != 0) {
		log_info("api", "import-list %s %s failed: %s", name,
		    job->path, job->err[0] ? job->err : lcn_strerror(job->r));
		resp = error_reply(job->r, job->err[0] ? job->err :
		    lcn_strerror(job->r));
	} else {
		log_info("api", "imported %s from %s: parties=%zu "
		    "aliases=%zu bad_rows=%zu", name, job->path,
		    job->st.parties, job->st.aliases, job->st.bad_rows);
		resp = json_pack("{s:b, s:s, s:I, s:I, s:I, s:s}", "ok", 1,
		    "format", name, "parties", (json_int_t)job->st.parties,
		    "aliases", (json_int_t)job->st.aliases, "bad_rows",
		    (json_int_t)job->st.bad_rows, "first_bad",
		    job->st.first_bad);
	}
	if (job->cl != NULL)
		reply(job->cl, resp);
	else
		json_decref(resp);
	if (d->api != NULL && d->api->import == job)
		d->api->import = NULL;
	if (job->stepping)
		uv_close((uv_handle_t *)&job->idle, import_job_closed);
	else
		import_job_free(job);
}

static void
import_step(uv_idle_t *h)
{
	struct import_job	*job = h->data;
	uint64_t		 done, total;
	int			 finished = 0;

	job->r = store_import_step(job->d->store, job->imp, &finished,
	    job->err, sizeof(job->err));
	if (job->r == 0 && !finished) {
		if (job->progress && job->cl != NULL) {
			list_import_progress(job->imp, &done, &total);
			reply(job->cl, json_pack("{s:{s:I, s:I}}", "progress",
			    "done", (json_int_t)done, "total",
			    (json_int_t)total));
		}
		return;
	}
	uv_idle_stop(h);
	import_finish(job);
}

/* On the thread pool: the file alone, nothing of the loop or LMDB. */
static void
import_parse(uv_work_t *w)
{
	struct import_job *job = w->data;

	job->r = list_parse(job->fmt, job->path, NULL, NULL, &job->imp,
	    &job->st, job->err, sizeof(job->err));
}

static void
import_parsed(uv_work_t *w, int status)
{
	struct import_job *job = w->data;

	/* No step has run: the store knows nothing of this import yet. */
	if (status == UV_ECANCELED || job->d->stopping) {
		job->cl = NULL;
		if (status == UV_ECANCELED && job->r == 0)
			job->r = LCN_EIO;
	}
	if (job->r != 0 || job->d->stopping) {
		import_finish(job);
		return;
	}
	uv_idle_init(job->d->loop, &job->idle);
	job->idle.data = job;
	job->stepping = 1;
	uv_idle_start(&job->idle, import_step);
}

/* lcnd is stopping: the import ends where it is (its rows stay hidden). */
static void
api_import_stop(struct daemon *d)
{
	struct import_job *job = d->api->import;

	if (job == NULL)
		return;
	job->cl = NULL;
	d->api->import = NULL;
	if (!job->stepping) {
		/* Freed by import_parsed, which sees d->stopping. */
		uv_cancel((uv_req_t *)&job->work);
		return;
	}
	uv_idle_stop(&job->idle);
	store_import_cancel(d->store, job->imp);
	uv_close((uv_handle_t *)&job->idle, import_job_closed);
}

static json_t *
do_import(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct import_job	*job;
	enum list_format	 fmt;
	const char		*format, *path;
	int			 r;

	format = json_string_value(json_object_get(req, "format"));
	path = json_string_value(json_object_get(req, "path"));
	if (format == NULL || path == NULL ||
	    list_format_parse(format, &fmt) != 0)
		return error_reply(LCN_EINVAL, "import-list: expected "
		    "\"format\" (ofac-sdn, un-xml, bis-dpl, csl, lite-denials) "
		    "and \"path\"");
	if (d->api->import != NULL)
		return error_reply(LCN_EINVAL, "import-list: another import "
		    "is running; try again when it has finished");
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->path = strdup(path)) == NULL) {
		free(job);
		return error_reply(LCN_ENOMEM, "import-list: out of memory");
	}
	job->d = d;
	job->cl = cl;
	job->fmt = fmt;
	job->progress = json_is_true(json_object_get(req, "progress"));
	job->work.data = job;
	if ((r = uv_queue_work(d->loop, &job->work, import_parse,
	    import_parsed)) != 0) {
		import_job_free(job);
		return error_reply(LCN_EIO, uv_strerror(r));
	}
	d->api->import = job;
	return NULL;	/* import_finish answers */
}

/*
 * A check's error, with "field" naming what of the application is wrong
 * ("parties[0].country") when store_check says.
 */
static json_t *
check_error_reply(int r, const char *text)
{
	json_t	*resp = error_reply(r, text);
	size_t	 n = check_error_field(text);

	if (resp != NULL && n > 0)
		json_object_set_new(resp, "field", json_stringn(text, n));
	return resp;
}

static json_t *
do_check(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct check_result	*res = NULL;
	json_t			*app, *jt, *arr;
	uint8_t			*tx = NULL;
	size_t			 txlen, n = 0, i, required = 0;
	double			 threshold = 0.70;
	char			 err[512];
	int			 r;

	app = json_object_get(req, "application");
	jt = json_object_get(req, "threshold");
	if (jt != NULL && (!json_is_number(jt) || json_number_value(jt) <= 0 ||
	    json_number_value(jt) > 1))
		return error_reply(LCN_EINVAL, "check: \"threshold\" must be "
		    "in (0,1]");
	if (jt != NULL)
		threshold = json_number_value(jt);
	if ((r = pbjson_transaction_encode(app, &tx, &txlen, err,
	    sizeof(err))) != 0)
		return error_reply(r, err);
	if ((arr = index_behind(d, "check")) != NULL) {
		free(tx);
		return arr;
	}
	err[0] = '\0';
	r = store_check(d->store, tx, txlen, threshold, now_ms(), &res, &n,
	    err, sizeof(err));
	free(tx);
	if (r != 0)
		return check_error_reply(r, err[0] ? err : lcn_strerror(r));
	arr = json_array();
	for (i = 0; i < n; i++) {
		if (strcmp(res[i].consult, "required") == 0)
			required++;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:s, s:s, s:f, s:I}", "source",
		    source_name(res[i].source), "agency", res[i].agency, "ref",
		    res[i].ref, "regime", res[i].regime, "consult",
		    res[i].consult, "consult_reason", res[i].consult_reason,
		    "why", res[i].why, "score", res[i].score, "seq",
		    (json_int_t)res[i].seq));
	}
	free(res);
	return json_pack("{s:b, s:o, s:I}", "ok", 1, "results", arr,
	    "consultations_required", (json_int_t)required);
}

/*
 * The requests, in the order the "unknown cmd" answer lists them. Each
 * handler runs on the loop thread and returns the response (NULL: none).
 */
static const struct api_command {
	const char	*name;
	json_t		*(*handler)(struct api_client *, json_t *req);
} commands[] = {
	{ "status",		do_status },
	{ "publish",		do_publish },
	{ "log",		do_log },
	{ "screen",		do_screen },
	{ "check",		do_check },
	{ "import-list",	do_import },
	{ "reindex",		do_reindex },
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
	return error_reply(LCN_EINVAL, msg);
}

static void
handle_line(struct api_client *cl, const char *line, size_t len)
{
	const struct api_command	*c;
	json_error_t			 jerr;
	json_t				*req, *resp;
	const char			*cmd;
	char				 msg[300];

	if ((req = json_loadb(line, len, 0, &jerr)) == NULL ||
	    !json_is_object(req)) {
		snprintf(msg, sizeof(msg), "request is not a JSON object: %s "
		    "(column %d)", req ? "not an object" : jerr.text,
		    jerr.column);
		log_info("api", "%s", msg);
		json_decref(req);
		reply(cl, error_reply(LCN_EINVAL, msg));
		return;
	}
	cmd = json_string_value(json_object_get(req, "cmd"));
	if (cmd == NULL)
		resp = error_reply(LCN_EINVAL, "request has no \"cmd\"");
	else if ((c = command_find(cmd)) != NULL)
		resp = c->handler(cl, req);
	else
		resp = unknown_command(cmd);
	json_decref(req);
	reply(cl, resp);
}

static void
api_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	(void)h;
	(void)suggested;
	b->base = malloc(64 * 1024);
	b->len = b->base ? 64 * 1024 : 0;
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
	if ((size_t)nread > API_LINE_MAX - cl->len) {
		free(b->base);
		reply(cl, error_reply(LCN_EINVAL, "request line longer than "
		    "API_LINE_MAX"));
		client_close(cl);
		return;
	}
	if (cl->len + (size_t)nread > cl->cap) {
		cap = cl->cap ? cl->cap : 64 * 1024;
		while (cap < cl->len + (size_t)nread)
			cap *= 2;
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
	}
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
	uv_pipe_init(d->loop, &cl->pipe, 0);
	cl->pipe.data = cl;
	cl->next = api->clients;
	api->clients = cl;
	if (uv_accept(server, (uv_stream_t *)&cl->pipe) != 0 ||
	    uv_read_start((uv_stream_t *)&cl->pipe, api_alloc,
	    on_api_read) != 0)
		client_close(cl);
}

int
api_start(struct daemon *d)
{
	const char	*path = d->conf->cfg.socket;
	struct api	*api;
	struct stat	 st;
	int		 r;

	if ((api = calloc(1, sizeof(*api))) == NULL)
		return LCN_ENOMEM;
	d->api = api;
	/* A socket left by a killed lcnd; anything else is not ours. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	uv_pipe_init(d->loop, &api->listener, 0);
	api->listener.data = d;
	if ((r = uv_pipe_bind(&api->listener, path)) != 0 ||
	    (r = uv_listen((uv_stream_t *)&api->listener, 16,
	    on_api_connection)) != 0) {
		log_error("api", "cannot listen on %s: %s", path,
		    uv_strerror(r));
		uv_close((uv_handle_t *)&api->listener, NULL);
		return LCN_EIO;
	}
	if (chmod(path, 0660) == -1)
		log_warnx("api", "chmod 0660 %s: %s", path, strerror(errno));
	log_info("api", "listening socket=%s", path);
	return 0;
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
	while (api->clients != NULL)
		client_close(api->clients);
	api_import_stop(d);
	api->listener.data = api;
	uv_close((uv_handle_t *)&api->listener, api_freed);
	unlink(d->conf->cfg.socket);
	d->api = NULL;
}
