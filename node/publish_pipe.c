/*
 * The publishing pipeline's loop-thread stages (publish_pipe.h):
 * admission (decode and validate a request's bodies, read the feed's head
 * when no earlier job of it is in flight) and commit (store what the
 * signer signed, answer, announce). While the signer thread signs one
 * request, the loop decodes and validates the next and commits the one
 * before: on two cores that overlaps signing with the rest of the work.
 *
 * The chain is the same as signing every request on the loop thread in
 * the order admitted: each job signs onto the end of the job before it
 * of its feed, and store_chain_commit() stores a job only if the feed's
 * head is still the one it was signed onto, so when a commit fails (a
 * full disk) the jobs signed behind it fail too and nothing out of chain
 * is ever stored. A caller learns its seqs only after the commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "pbjson.h"
#include "publish.h"
#include "publish_pipe.h"
#include "publish_pipe_int.h"
#include "repl.h"
#include "store.h"
#include "trust.h"
#include "util.h"

enum admit {
	ADMIT_OK,		/* in flight */
	ADMIT_DONE,		/* refused and answered */
	ADMIT_LATER,		/* depends on a job in flight: try when empty */
};

static void
job_free(struct publish_job *job)
{
	size_t i;

	if (job == NULL)
		return;
	json_decref(job->req);
	for (i = 0; job->bodies != NULL && i < job->n; i++)
		free((void *)job->bodies[i].ptr);
	free(job->bodies);
	for (i = 0; job->signed_entries != NULL && i < job->n; i++)
		free((void *)job->signed_entries[i].ptr);
	free(job->signed_entries);
	validate_footprint_free(&job->fp);
	store_chain_free(job->base);
	store_chain_free(job->from);
	store_chain_free(job->to);
	append_result_free(&job->res);
	config_ref_put(job->conf);
	free(job);
}

/* Answers job's caller, if it is still there, and logs the refusal. */
static void
refuse(struct publish_job *job, int r, const char *err)
{
	char qgroup[96], qerr[600];

	log_info("api", "publish by %s to %s refused: %s", job->who,
	    log_escape(qgroup, sizeof(qgroup), job->group,
	    strlen(job->group)), log_escape(qerr, sizeof(qerr), err,
	    strlen(err)));
	if (job->cl != NULL)
		api_reply(job->cl, api_error(r, err));
}

/*
 * The request's bodies as protobuf bytes: "encoded" (lcn publish: base64
 * of what it encoded from the file) decoded, or "bodies" (JSON objects)
 * encoded. Either is validated next, as bytes. 0, or the error with err
 * set.
 */
static int
decode(struct publish_job *job, char *err, size_t errsz)
{
	json_t		*bodies = json_object_get(job->req, "bodies");
	json_t		*encoded = json_object_get(job->req, "encoded");
	const char	*text;
	char		 e[512];
	uint8_t		*buf;
	size_t		 i, len;
	int		 r;

	job->n = json_array_size(encoded != NULL ? encoded : bodies);
	if ((job->bodies = calloc(job->n ? job->n : 1,
	    sizeof(*job->bodies))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return LCN_ENOMEM;
	}
	for (i = 0; i < job->n; i++) {
		if (encoded != NULL) {
			text = json_string_value(json_array_get(encoded, i));
			if (text == NULL || (r = b64_decode(text,
			    json_string_length(json_array_get(encoded, i)),
			    &buf, &len)) == LCN_EINVAL) {
				snprintf(err, errsz, "bodies[%zu]: body: "
				    "expected the base64 of an encoded body",
				    i);
				return LCN_EINVAL;
			}
			if (r != 0) {
				snprintf(err, errsz, "out of memory");
				return r;
			}
		} else if ((r = pbjson_body_encode(json_array_get(bodies, i),
		    &buf, &len, e, sizeof(e))) != 0) {
			snprintf(err, errsz, "bodies[%zu]: %s", i, e);
			return LCN_EINVAL;
		}
		job->bodies[i].ptr = buf;
		job->bodies[i].len = len;
	}
	/* The JSON is the request's largest part: gone once decoded. */
	json_decref(job->req);
	job->req = NULL;
	return 0;
}

/* Whether a job of this feed is admitted and not yet committed. */
static int
feed_in_flight(const struct publish_pipe *p, const char *group)
{
	const struct publish_job *j;

	for (j = p->flight; j != NULL; j = j->next)
		if (strcmp(j->group, group) == 0)
			return 1;
	return 0;
}

static enum admit
admit(struct publish_pipe *p, struct publish_job *job)
{
	struct daemon		*d = p->d;
	const struct validate_footprint *busy[PIPE_DEPTH];
	const struct publish_job *j;
	struct append_result	 res;
	size_t			 nbusy = 0;
	char			 err[640];
	int			 r, conflict = 0;

	if (job->bodies == NULL && (r = decode(job, err, sizeof(err))) != 0)
		goto refused;
	if ((r = publish_ready(d, job->group, err, sizeof(err))) != 0)
		goto refused;
	/*
	 * Nothing invalid is ever signed: the record rules, refs assigned.
	 * The jobs in flight are not in the ledger yet; a body that would
	 * depend on what they store waits until they are.
	 */
	for (j = p->flight; j != NULL && nbusy < PIPE_DEPTH; j = j->next)
		busy[nbusy++] = &j->fp;
	validate_footprint_free(&job->fp);
	job->created_ms = now_ms();
	r = validate_ledger_publish_ahead(d->store, daemon_trust(d)->self,
	    job->created_ms, job->bodies, job->n, busy, nbusy, &job->fp,
	    &conflict, err, sizeof(err));
	if (conflict) {
		LCN_ASSERT(nbusy > 0);
		return ADMIT_LATER;
	}
	if (r != 0)
		goto refused;
	job->conf = d->conf;
	job->conf->refs++;	/* its signing key signs the job */
	if (!feed_in_flight(p, job->group) && (r = store_chain_load(d->store,
	    daemon_trust(d), job->conf->cfg.signing_key, job->group,
	    job->created_ms, &job->base, &res)) != 0) {
		snprintf(err, sizeof(err), "%s", r == LCN_EFULL ?
		    lcn_strerror(r) : res.reason);
		goto refused;
	}
	pthread_mutex_lock(&p->mu);
	job->state = JOB_QUEUED;
	job->next = NULL;
	if (p->flight_tail != NULL)
		p->flight_tail->next = job;
	else
		p->flight = job;
	p->flight_tail = job;
	p->nflight++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	return ADMIT_OK;
 refused:
	refuse(job, r, err);
	return ADMIT_DONE;
}

/* Admits waiting jobs while there is room. */
static void
pump(struct publish_pipe *p)
{
	struct publish_job *job;

	while ((job = p->waiting) != NULL && p->nflight < PIPE_DEPTH) {
		/* It depends on the flight: admitted once that landed. */
		if (job->later && p->nflight > 0)
			return;
		p->waiting = job->next;
		if (p->waiting == NULL)
			p->waiting_tail = NULL;
		job->next = NULL;
		switch (admit(p, job)) {
		case ADMIT_OK:
			break;
		case ADMIT_DONE:
			job_free(job);
			break;
		case ADMIT_LATER:
			/* Back at the head, until the flight is empty. */
			job->later = 1;
			job->next = p->waiting;
			p->waiting = job;
			if (p->waiting_tail == NULL)
				p->waiting_tail = job;
			return;
		}
	}
}

/* Stores a signed job, answers its caller and announces the head. */
static void
commit(struct publish_pipe *p, struct publish_job *job)
{
	struct daemon	*d = p->d;
	const char	*self = daemon_trust(d)->self;
	uint64_t	 first, last;
	char		 err[640], qgroup[96];
	int		 r = job->r;

	if (r == 0) {
		append_result_free(&job->res);
		r = store_chain_commit(d->store, job->from, job->to,
		    job->signed_entries, job->n, &job->res);
	}
	if (r != 0) {
		/* A full disk or map says it all, and what to do, once. */
		if (r == LCN_EFULL)
			snprintf(err, sizeof(err), "%s", lcn_strerror(r));
		else
			snprintf(err, sizeof(err), "%s%s%s", lcn_strerror(r),
			    job->res.reason[0] ? ": " : "", job->res.reason);
		refuse(job, r, err);
		return;
	}
	first = store_chain_seq(job->from) + 1;
	last = store_chain_seq(job->to);
	repl_announce(d, &job->res.head, NULL);
	indexer_kick(d);
	log_info("api", "published by %s: %zu entries to %s/%s seq "
	    "%llu..%llu", job->who, job->n, self, log_escape(qgroup,
	    sizeof(qgroup), job->group, strlen(job->group)),
	    (unsigned long long)first, (unsigned long long)last);
	if (job->cl != NULL)
		api_reply(job->cl, json_pack("{s:b, s:s, s:s, s:I, s:I}", "ok",
		    1, "origin", self, "group", job->group, "first_seq",
		    (json_int_t)first, "last_seq", (json_int_t)last));
}

/*
 * Commits the signed jobs at the head of the flight, in order. With wait,
 * blocks for each until the flight is empty.
 */
static void
land(struct publish_pipe *p, int wait)
{
	struct publish_job *job;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (wait && p->flight != NULL &&
		    p->flight->state != JOB_SIGNED)
			pthread_cond_wait(&p->signed_cv, &p->mu);
		job = p->flight;
		if (job == NULL || job->state != JOB_SIGNED) {
			pthread_mutex_unlock(&p->mu);
			return;
		}
		p->flight = job->next;
		if (p->flight == NULL)
			p->flight_tail = NULL;
		p->nflight--;
		pthread_mutex_unlock(&p->mu);
		commit(p, job);
		job_free(job);
	}
}

int
publish_pipe_busy(const struct daemon *d)
{
	const struct publish_pipe *p = d->pipe;

	/* Both move on the loop thread only, which reads them here. */
	return p != NULL && (p->nflight > 0 || p->waiting != NULL);
}

static void
on_signed(uv_async_t *h)
{
	struct publish_pipe *p = h->data;

	land(p, 0);
	pump(p);
	/* Emptied, perhaps by a refusal, which commits nothing to kick. */
	if (!publish_pipe_busy(p->d))
		indexer_kick(p->d);
}

static void
pipe_closed(uv_handle_t *h)
{
	struct publish_pipe *p = h->data;

	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->signed_cv);
	publish_sign_free(p);
	free(p);
}

static struct publish_pipe *
pipe_new(struct daemon *d)
{
	struct publish_pipe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->d = d;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->signed_cv, NULL);
	if (uv_async_init(d->loop, &p->async, on_signed) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->signed_cv);
		free(p);
		return NULL;
	}
	p->async.data = p;
	if (pthread_create(&p->tid, NULL, publish_sign_main, p) != 0) {
		log_warnx("api", "cannot start the signing thread");
		uv_close((uv_handle_t *)&p->async, pipe_closed);
		return NULL;
	}
	p->started = 1;
	return p;
}

/* Queues job behind the requests already waiting and lets the pipeline run. */
static void
enqueue(struct publish_pipe *p, struct publish_job *job)
{
	if (p->waiting_tail != NULL)
		p->waiting_tail->next = job;
	else
		p->waiting = job;
	p->waiting_tail = job;
	pump(p);
	if (!publish_pipe_busy(p->d))
		indexer_kick(p->d);
}

int
publish_pipe_submit_bodies(struct daemon *d, struct api_client *cl,
    const char *group, struct bytes *bodies, size_t n)
{
	struct publish_pipe	*p;
	struct publish_job	*job;

	LCN_ASSERT(n > 0 && n <= PUBLISH_BATCH_MAX &&
	    strlen(group) <= GROUP_NAME_MAX);
	if (d->pipe == NULL && (d->pipe = pipe_new(d)) == NULL)
		return LCN_ENOMEM;
	p = d->pipe;
	if ((job = calloc(1, sizeof(*job))) == NULL)
		return LCN_ENOMEM;
	job->state = JOB_WAITING;
	job->cl = cl;
	str_copy(job->who, sizeof(job->who), cl->who);
	str_copy(job->group, sizeof(job->group), group);
	job->bodies = bodies;	/* admission decodes nothing more */
	job->n = n;
	enqueue(p, job);
	return 0;
}

int
publish_pipe_submit(struct daemon *d, struct api_client *cl, json_t *req)
{
	struct publish_pipe	*p;
	struct publish_job	*job;
	const char		*group;

	if (d->pipe == NULL && (d->pipe = pipe_new(d)) == NULL)
		return LCN_ENOMEM;
	p = d->pipe;
	group = json_string_value(json_object_get(req, "group"));
	if ((job = calloc(1, sizeof(*job))) == NULL)
		return LCN_ENOMEM;
	job->state = JOB_WAITING;
	job->cl = cl;
	str_copy(job->who, sizeof(job->who), cl->who);
	if (group == NULL || strlen(group) >= sizeof(job->group)) {
		free(job);
		return LCN_EINVAL;
	}
	str_copy(job->group, sizeof(job->group), group);
	job->req = json_incref(req);
	enqueue(p, job);
	return 0;
}

void
publish_pipe_drain(struct daemon *d)
{
	if (d->pipe != NULL)
		land(d->pipe, 1);
}

void
publish_pipe_detach(struct daemon *d, struct api_client *cl)
{
	struct publish_job *j;

	if (d->pipe == NULL)
		return;
	for (j = d->pipe->waiting; j != NULL; j = j->next)
		if (j->cl == cl)
			j->cl = NULL;
	/* A job's cl is the loop thread's alone, in flight too. */
	for (j = d->pipe->flight; j != NULL; j = j->next)
		if (j->cl == cl)
			j->cl = NULL;
}

void
publish_pipe_stop(struct daemon *d)
{
	struct publish_pipe	*p = d->pipe;
	struct publish_job	*job;

	if (p == NULL)
		return;
	land(p, 1);
	while ((job = p->waiting) != NULL) {
		p->waiting = job->next;
		refuse(job, LCN_EIO, "lcnd is stopping; nothing of this "
		    "request was published");
		job_free(job);
	}
	p->waiting_tail = NULL;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	if (p->started)
		pthread_join(p->tid, NULL);
	d->pipe = NULL;
	uv_close((uv_handle_t *)&p->async, pipe_closed);
}
