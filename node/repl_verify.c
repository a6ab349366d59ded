/*
 * Signature checks on the libuv thread pool (PROTOCOL.md section 3): a
 * batch accepted on its last signature (repl.c) has every other signature
 * checked here, in one or two jobs, and the feed's verified mark rises
 * over the finished prefix of batches. A failure raises an alert. Jobs
 * touch only their own struct vjob and a referenced configuration; the
 * rest runs on the loop thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "repl.h"
#include "repl_verify.h"
#include "sig.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define VERIFY_SPLIT_MIN	64	/* batches this big use two jobs */

struct vjob {
	uv_work_t		 req;
	struct daemon		*d;
	struct config_ref	*conf;
	struct feed_id		 feed;
	uint64_t		 range_first;	/* the verify_range it serves */
	uint64_t		 first;		/* seq of items[0] */
	struct bytes		*items;
	size_t			 n;
	uint8_t			*buf;
	size_t			 bytes;		/* held in buf */
	uint64_t		 bad_seq;	/* 0: all verified */
	char			 why[160];
};

static struct feed_verify *
verify_find(struct daemon *d, const struct feed_id *f, int create)
{
	struct feed_verify	*nv;
	size_t			 i;

	for (i = 0; i < d->nverifies; i++)
		if (repl_feed_eq(&d->verifies[i].feed, f))
			return &d->verifies[i];
	if (!create)
		return NULL;
	if ((nv = realloc(d->verifies, (d->nverifies + 1) * sizeof(*nv))) ==
	    NULL)
		return NULL;
	d->verifies = nv;
	memset(&nv[d->nverifies], 0, sizeof(*nv));
	nv[d->nverifies].feed = *f;
	return &nv[d->nverifies++];
}

static void
vjob_work(uv_work_t *req)
{
	struct vjob		*j = req->data;
	const struct trust	*t = &j->conf->cfg.trust;
	const struct sig_pubkey	*pk;
	struct entry_view	 v;
	char			 err[128];
	size_t			 i;

	for (i = 0; i < j->n; i++) {
		if (entry_parse(j->items[i].ptr, j->items[i].len, &v, err,
		    sizeof(err)) != 0) {
			snprintf(j->why, sizeof(j->why), "does not decode: "
			    "%s", err);
			j->bad_seq = j->first + i;
			return;
		}
		if (trust_find_key(t, v.feed.origin, v.key_id, v.created_ms,
		    &pk) != 0) {
			snprintf(j->why, sizeof(j->why), "signing key unknown "
			    "or outside its validity");
			j->bad_seq = j->first + i;
			return;
		}
		if (sig_verify_entry(pk, v.entry.ptr, v.entry.len, v.sig) !=
		    0) {
			snprintf(j->why, sizeof(j->why), "signature does not "
			    "verify");
			j->bad_seq = j->first + i;
			return;
		}
	}
}

/* Records that r holds no good entry known from seq on. */
static void
range_fail(struct verify_range *r, uint64_t seq)
{
	if (!r->failed || seq < r->bad_seq)
		r->bad_seq = seq;
	r->failed = 1;
}

/*
 * Raises fv's mark to be written over the finished prefix of its ranges.
 * The mark is written by repl_verify_write_marks(), in the same group
 * commit as the entries taken in this loop iteration (repl_recv.c): one
 * synced transaction instead of one per finished job.
 */
static void
raise_mark(struct daemon *d, struct feed_verify *fv)
{
	size_t		 k;
	uint64_t	 upto = 0;

	for (k = 0; k < fv->nranges && fv->ranges[k].pending_jobs == 0; k++) {
		if (fv->ranges[k].failed)
			break;
		upto = fv->ranges[k].last;
	}
	/*
	 * A failed range whose checks are all done: the entries before its
	 * first bad seq passed, so the mark may stand just below it (the
	 * officer sees the feed verified "to" the last good entry). The
	 * range then starts at the bad seq: no job looks for it any more.
	 */
	if (k < fv->nranges && fv->ranges[k].failed &&
	    fv->ranges[k].pending_jobs == 0 &&
	    fv->ranges[k].bad_seq > fv->ranges[k].first) {
		upto = fv->ranges[k].bad_seq - 1;
		fv->ranges[k].first = fv->ranges[k].bad_seq;
	}
	if (upto > fv->mark && !d->stopping) {
		fv->mark = upto;
		d->marks_pending = 1;
	}
	if (k > 0) {
		memmove(fv->ranges, fv->ranges + k,
		    (fv->nranges - k) * sizeof(*fv->ranges));
		fv->nranges -= k;
	}
	/*
	 * A failed range stops the mark for good: nothing after it can be
	 * recorded as verified until a restart checks again from the mark
	 * (repl_resume_verification). Keeping every later batch as a range
	 * of its own would grow the list by one per batch for as long as
	 * the feed is fed, and make each call walk all of them. The
	 * finished ranges right after the failed one are folded into it
	 * instead; a range with a job still out stays, since its job finds
	 * it by its first seq.
	 */
	if (fv->nranges > 0 && fv->ranges[0].failed &&
	    fv->ranges[0].pending_jobs == 0) {
		for (k = 1; k < fv->nranges &&
		    fv->ranges[k].pending_jobs == 0; k++)
			fv->ranges[0].last = fv->ranges[k].last;
		if (k > 1) {
			memmove(fv->ranges + 1, fv->ranges + k,
			    (fv->nranges - k) * sizeof(*fv->ranges));
			fv->nranges -= k - 1;
		}
	}
}

void
repl_verify_write_marks(struct daemon *d)
{
	struct feed_verify	*fv;
	size_t			 i;
	int			 r;

	if (!d->marks_pending)
		return;
	d->marks_pending = 0;
	for (i = 0; i < d->nverifies; i++) {
		fv = &d->verifies[i];
		if (fv->mark == 0)
			continue;
		if ((r = store_mark_verified(d->store, &fv->feed,
		    fv->mark)) != 0)
			log_warnx("repl", "%s/%s: cannot record seq 1..%llu as "
			    "verified: %s", fv->feed.origin, fv->feed.group,
			    (unsigned long long)fv->mark, lcn_strerror(r));
		fv->mark = 0;
	}
}

static void
vjob_done(uv_work_t *req, int status)
{
	struct vjob		*j = req->data;
	struct daemon		*d = j->d;
	struct feed_verify	*fv;
	size_t			 i;

	d->jobs--;
	d->verify_backlog -= j->bytes;
	fv = verify_find(d, &j->feed, 0);
	for (i = 0; fv != NULL && i < fv->nranges; i++) {
		if (fv->ranges[i].first != j->range_first)
			continue;
		fv->ranges[i].pending_jobs--;
		if (status != 0 || j->bad_seq != 0)
			range_fail(&fv->ranges[i], status != 0 ? j->first :
			    j->bad_seq);
		break;
	}
	if (status == 0 && j->bad_seq != 0)
		daemon_alert(d, "signature check failed for %s/%s seq %llu: "
		    "%s (the batch was accepted on the origin's later "
		    "signature; the feed stays verified only below seq "
		    "%llu, and lcn verify fails on this entry)",
		    j->feed.origin, j->feed.group,
		    (unsigned long long)j->bad_seq, j->why,
		    (unsigned long long)j->bad_seq);
	if (fv != NULL)
		raise_mark(d, fv);
	config_ref_put(j->conf);
	free(j->items);
	free(j->buf);
	free(j);
	if (!d->stopping) {
		repl_grant_owed(d);
		indexer_kick(d);
	}
}

static int
queue_job(struct daemon *d, const struct feed_id *f, uint64_t range_first,
    uint64_t first, const struct bytes *items, size_t n)
{
	struct vjob	*j;
	size_t		 total = 0, i, off = 0;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < n; i++)
		total += items[i].len;
	if ((j->items = calloc(n, sizeof(*j->items))) == NULL ||
	    (j->buf = malloc(total)) == NULL) {
		free(j->items);
		free(j);
		return LCN_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		memcpy(j->buf + off, items[i].ptr, items[i].len);
		j->items[i].ptr = j->buf + off;
		j->items[i].len = items[i].len;
		off += items[i].len;
	}
	j->d = d;
	j->conf = d->conf;
	j->conf->refs++;
	j->feed = *f;
	j->range_first = range_first;
	j->first = first;
	j->n = n;
	j->bytes = total;
	j->req.data = j;
	if (uv_queue_work(d->loop, &j->req, vjob_work, vjob_done) != 0) {
		config_ref_put(j->conf);
		free(j->items);
		free(j->buf);
		free(j);
		return LCN_ENOMEM;
	}
	d->jobs++;
	d->verify_backlog += total;
	return 0;
}

void
repl_verify_later(struct daemon *d, const struct feed_id *f, uint64_t first,
    const struct bytes *items, size_t n, int last_checked)
{
	struct feed_verify	*fv;
	struct verify_range	*nr;
	size_t			 half, todo;
	int			 jobs = 0;

	if (n == 0 || (fv = verify_find(d, f, 1)) == NULL)
		return;
	if ((nr = realloc(fv->ranges, (fv->nranges + 1) * sizeof(*nr))) ==
	    NULL)
		return;
	fv->ranges = nr;
	/*
	 * The store checked the last signature before accepting the batch:
	 * checking it again on the pool was a second verify per batch, half
	 * of all verifies when batches are of one or two entries (a mesh
	 * relaying small publications as they come).
	 */
	todo = last_checked ? n - 1 : n;
	half = todo >= VERIFY_SPLIT_MIN ? todo / 2 : todo;
	nr = &fv->ranges[fv->nranges++];
	memset(nr, 0, sizeof(*nr));
	nr->first = first;
	nr->last = first + n - 1;
	if (half > 0 && queue_job(d, f, first, first, items, half) == 0)
		jobs++;
	else if (half > 0)
		range_fail(nr, first);
	if (half < todo && queue_job(d, f, first, first + half, items + half,
	    todo - half) == 0)
		jobs++;
	else if (half < todo)
		range_fail(nr, first + half);
	nr->pending_jobs = jobs;
	if (jobs == 0)
		raise_mark(d, fv);
}

void
repl_resume_verification(struct daemon *d)
{
	struct feed_state	*fs = NULL;
	struct store_range	 rg;
	size_t			 n = 0, i;
	uint64_t		 next;

	if (store_feeds(d->store, &fs, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (fs[i].verified >= fs[i].seq)
			continue;
		log_info("repl", "%s/%s: verifying signatures %llu..%llu left "
		    "unchecked at shutdown", fs[i].feed.origin,
		    fs[i].feed.group, (unsigned long long)fs[i].verified + 1,
		    (unsigned long long)fs[i].seq);
		for (next = fs[i].verified + 1; next <= fs[i].seq;) {
			if (store_read(d->store, &fs[i].feed, next, fs[i].seq,
			    BATCH_BYTES_MAX, BATCH_ENTRIES_MAX, &rg) != 0 ||
			    rg.nitems == 0) {
				store_range_free(&rg);
				break;
			}
			repl_verify_later(d, &fs[i].feed, rg.first_seq, rg.items,
			    rg.nitems, 0);
			next = rg.first_seq + rg.nitems;
			store_range_free(&rg);
		}
	}
	free(fs);
}

void
repl_verify_free(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->nverifies; i++)
		free(d->verifies[i].ranges);
	free(d->verifies);
	d->verifies = NULL;
	d->nverifies = 0;
}
