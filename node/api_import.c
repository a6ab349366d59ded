/*
 * lcn import-list through the local API (api.h): a public screening list
 * parsed on the thread pool and written into the screening index in
 * steps, beside replication.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "screen_import.h"
#include "store.h"

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

void
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
		resp = api_error(job->r, job->err[0] ? job->err :
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
		api_reply(job->cl, resp);
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
			api_reply(job->cl, json_pack("{s:{s:I, s:I}}", "progress",
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

void
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

json_t *
api_cmd_import(struct api_client *cl, json_t *req)
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
		return api_error(LCN_EINVAL, "import-list: expected "
		    "\"format\" (ofac-sdn, un-xml, bis-dpl, csl, lite-denials) "
		    "and \"path\"");
	if (d->api->import != NULL)
		return api_error(LCN_EINVAL, "import-list: another import "
		    "is running; try again when it has finished");
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->path = strdup(path)) == NULL) {
		free(job);
		return api_error(LCN_ENOMEM, "import-list: out of memory");
	}
	job->d = d;
	job->cl = cl;
	job->fmt = fmt;
	job->progress = json_is_true(json_object_get(req, "progress"));
	job->work.data = job;
	if ((r = uv_queue_work(d->loop, &job->work, import_parse,
	    import_parsed)) != 0) {
		import_job_free(job);
		return api_error(LCN_EIO, uv_strerror(r));
	}
	d->api->import = job;
	return NULL;	/* import_finish answers */
}
