/*
 * Keeps the screening index up with the ledger (store/screen_mark.c) on
 * the CPU the ledger's own work leaves: once entries have stopped
 * arriving for INDEX_QUIET_MS, no verification job is in flight and no
 * publish request is in the pipeline, one transaction of
 * SCREEN_TXN_ENTRIES entries (fewer when the rows they write reach
 * SCREEN_TXN_ROWS) per loop iteration. A node catching up thus
 * authenticates its partners' feeds first, and a burst of publications
 * is signed and committed first; both are indexed right after. One
 * transaction at a time, because the loop serves nothing else while it
 * runs: a step of a thousand entries held a publish request that came in
 * meanwhile for 50 ms and more, the publisher's next request came later,
 * the gap let the indexer in again, and a long publish ran at a third of
 * its rate. A query in between indexes what is left itself before it
 * answers, so it never misses an entry; if that is much, it is refused
 * for a moment and the indexer stops yielding (indexer_urge).
 *
 * A node that never falls quiet still indexes: once entries have waited
 * INDEX_LAG_MS, a transaction runs busy or not. In a mesh of 50 nodes
 * entries arrive every few tens of milliseconds, the quiet never came,
 * and the once-a-second split-view check indexed a second's arrivals at
 * a time; LMDB keeps as many page copies as the largest transaction
 * changed, and the index's keys spread each transaction's postings over
 * as many pages as it has, so a node's memory grew with its index. A
 * transaction every INDEX_LAG_MS holds a quarter of a second's arrivals,
 * and the pages kept stop growing once each row it writes is a page of
 * its own (about six minutes into ops/bench/mesh at 50 nodes, 50/s).
 */
#include <stdint.h>

#include <uv.h>

#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "publish_pipe.h"
#include "screen.h"
#include "util.h"

#define INDEX_QUIET_MS	100
#define INDEX_LAG_MS	250

/* Signature checks and publish requests go first. */
static int
ledger_busy(const struct daemon *d)
{
	return d->jobs > 0 || publish_pipe_busy(d);
}

static void
on_idle(uv_idle_t *h)
{
	struct daemon	*d = h->data;
	uint64_t	 pending = 0;
	int		 r;

	if (d->stopping ||
	    (ledger_busy(d) && !d->index.urgent && !d->index.due)) {
		uv_idle_stop(h);	/* vjob_done, a commit kick again */
		return;
	}
	if (d->index.since_ms == 0)
		d->index.since_ms = mono_ms();
	r = store_screen_catch_up_txn(d->store, &pending);
	d->index.steps++;
	d->index.due = 0;
	if (r != 0) {
		log_warnx("indexer", "screening index step failed: %s "
		    "(the next query retries)", lcn_strerror(r));
		pending = 0;
	}
	if (pending > 0) {
		/* What is left waits its turn again, or the quiet. */
		d->index.behind_ms = mono_ms();
		return;
	}
	uv_idle_stop(h);
	if (r == 0 && d->index.steps > 1)
		log_info("indexer", "screening index caught up steps=%llu "
		    "ms=%llu", (unsigned long long)d->index.steps,
		    (unsigned long long)(mono_ms() - d->index.since_ms));
	d->index.steps = 0;
	d->index.since_ms = 0;
	d->index.behind_ms = 0;
	d->index.urgent = 0;
}

static void
on_quiet(uv_timer_t *h)
{
	struct daemon *d = h->data;

	if (!d->stopping && !ledger_busy(d))
		uv_idle_start(&d->index.idle, on_idle);
}

void
indexer_init(struct daemon *d)
{
	uv_idle_init(d->loop, &d->index.idle);
	uv_timer_init(d->loop, &d->index.quiet);
	d->index.idle.data = d->index.quiet.data = d;
}

void
indexer_kick(struct daemon *d)
{
	uint64_t now = mono_ms();

	if (d->stopping || d->index.urgent || d->index.due)
		return;
	if (d->index.behind_ms == 0)
		d->index.behind_ms = now;
	if (now - d->index.behind_ms >= INDEX_LAG_MS) {
		d->index.due = 1;
		uv_timer_stop(&d->index.quiet);
		uv_idle_start(&d->index.idle, on_idle);
		return;
	}
	uv_idle_stop(&d->index.idle);
	uv_timer_start(&d->index.quiet, on_quiet, INDEX_QUIET_MS, 0);
}

/* A query is waiting for the index: index now, ahead of verification. */
void
indexer_urge(struct daemon *d)
{
	if (d->stopping)
		return;
	d->index.urgent = 1;
	uv_timer_stop(&d->index.quiet);
	uv_idle_start(&d->index.idle, on_idle);
}

void
indexer_stop(struct daemon *d)
{
	uv_close((uv_handle_t *)&d->index.idle, NULL);
	uv_close((uv_handle_t *)&d->index.quiet, NULL);
}
