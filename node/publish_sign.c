/*
 * The signer thread of the publishing pipeline (publish_pipe.h): it takes
 * admitted jobs in order and does only what must go one entry after
 * another, store_chain_sign(): each entry's header from the head before
 * it, its signature, its leaf hash and the feed's next root. It touches
 * no LMDB, no JSON and no uv handle but the async that wakes the loop.
 */
#include <sys/prctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "publish_pipe_int.h"
#include "store.h"

static struct sign_head *
head_find(struct publish_pipe *p, const char *group)
{
	size_t i;

	for (i = 0; i < p->nheads; i++)
		if (strcmp(p->heads[i].feed.group, group) == 0)
			return &p->heads[i];
	return NULL;
}

/* Remembers where signing of the feed of c ended. 0 or LCN_ENOMEM. */
static int
head_set(struct publish_pipe *p, const struct store_chain *c)
{
	struct sign_head	*h, *nh;
	struct store_chain	*copy;

	if ((copy = store_chain_copy(c)) == NULL)
		return LCN_ENOMEM;
	if ((h = head_find(p, store_chain_feed(c)->group)) == NULL) {
		if ((nh = realloc(p->heads, (p->nheads + 1) *
		    sizeof(*nh))) == NULL) {
			store_chain_free(copy);
			return LCN_ENOMEM;
		}
		p->heads = nh;
		h = &p->heads[p->nheads++];
		h->feed = *store_chain_feed(c);
		h->end = NULL;
	}
	store_chain_free(h->end);
	h->end = copy;
	return 0;
}

/* Signs job; its result is in job->r and job->res. */
static void
sign_job(struct publish_pipe *p, struct publish_job *job)
{
	struct sign_head	*h = NULL;
	int			 r;

	/*
	 * Where the chain starts: the head admission read from the ledger,
	 * or, when a job of the same feed was still in flight then, where
	 * that job's signing ended (jobs are signed in order).
	 */
	memset(&job->res, 0, sizeof(job->res));
	if (job->base != NULL)
		job->from = store_chain_copy(job->base);
	else if ((h = head_find(p, job->group)) != NULL)
		job->from = store_chain_copy(h->end);
	/*
	 * Without a head (memory ran out signing the job before), the job
	 * fails; with a stale one its commit would (store_chain_commit()
	 * checks the base).
	 */
	if (job->from == NULL || (job->to = store_chain_copy(job->from)) ==
	    NULL || (job->n > 0 && (job->signed_entries = calloc(job->n,
	    sizeof(*job->signed_entries))) == NULL)) {
		job->r = LCN_ENOMEM;
		snprintf(job->res.reason, sizeof(job->res.reason),
		    "out of memory");
		return;
	}
	r = store_chain_sign(job->to, job->conf->cfg.signing_key,
	    job->created_ms, job->bodies, job->n, job->signed_entries,
	    &job->res);
	/*
	 * A failed job signed nothing and did not move its chain: the next
	 * job of the feed starts where this one did.
	 */
	if (head_set(p, job->to) != 0 && r == 0) {
		r = LCN_ENOMEM;
		snprintf(job->res.reason, sizeof(job->res.reason),
		    "out of memory");
	}
	job->r = r;
}

void *
publish_sign_main(void *arg)
{
	struct publish_pipe	*p = arg;
	struct publish_job	*job;

	/* Named, so that top -H and ops/bench/replicate can tell it apart. */
	prctl(PR_SET_NAME, "lcnd-sign", 0, 0, 0);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (job = p->flight; job != NULL && job->state != JOB_QUEUED;
		    job = job->next)
			;
		if (job == NULL) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->work, &p->mu);
			continue;
		}
		job->state = JOB_SIGNING;
		pthread_mutex_unlock(&p->mu);
		sign_job(p, job);
		pthread_mutex_lock(&p->mu);
		job->state = JOB_SIGNED;
		pthread_cond_broadcast(&p->signed_cv);
		uv_async_send(&p->async);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void
publish_sign_free(struct publish_pipe *p)
{
	size_t i;

	for (i = 0; i < p->nheads; i++)
		store_chain_free(p->heads[i].end);
	free(p->heads);
	p->heads = NULL;
	p->nheads = 0;
}
