/*
 * The group commit of received batches (store_group_begin/commit/abort,
 * which lcnd's replication uses once per loop iteration): batches of
 * several feeds and verified marks in one transaction, each batch nested
 * so that a refused one leaves the others, the group's own view read
 * back while it is open, nothing of it visible to another reader before
 * the commit, and nothing left by an abort. The fixture is
 * test_ledger_fx.c.
 */
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn_err.h"
#include "store.h"
#include "store_int.h"
#include "test_ledger_fx.h"

/* A reader on another thread, as `lcn verify` or a backup would read. */
struct peek {
	struct store	*st;
	struct feed_id	 feed;
	uint64_t	 seq;
};

static void *
peek_run(void *arg)
{
	struct peek		*p = arg;
	struct store_range	 rg;

	/* store_read opens a read-only transaction of its own. */
	if (store_read(p->st, &p->feed, 1, UINT64_MAX, 0, 0, &rg) == 0)
		p->seq = rg.nitems > 0 ? rg.first_seq + rg.nitems - 1 : 0;
	store_range_free(&rg);
	return NULL;
}

/* The last seq of f another thread can read now. */
static uint64_t
seq_seen_elsewhere(struct fx *x, const struct feed_id *f)
{
	struct peek	p = { .st = x->st, .feed = *f };
	pthread_t	th;

	assert_int_equal(pthread_create(&th, NULL, peek_run, &p), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	return p.seq;
}

static void
group_stores_several_feeds_in_one_commit(void **state)
{
	struct fx		*x = *state;
	struct chain		 us, de;
	struct bytes		 a[3], b[4];
	struct append_result	 res;
	struct feed_state	 fs;
	uint64_t		 commits;

	chain_init(&us, "US-BIS", "WA", x->us);
	chain_init(&de, "DE-BAFA", "WA", x->de);
	chain_batch(&us, a, 3);
	chain_batch(&de, b, 4);

	assert_int_equal(store_group_begin(x->st), 0);
	assert_int_equal(fx_append(x, &us, 1, a, 3, STORE_VERIFY_LAST, &res),
	    0);
	assert_int_equal(res.accepted, 3);
	assert_int_equal(res.head.seq, 3);	/* the group's view */
	append_result_free(&res);
	assert_int_equal(fx_append(x, &de, 1, b, 4, STORE_VERIFY_LAST, &res),
	    0);
	assert_int_equal(res.head.seq, 4);
	append_result_free(&res);
	assert_int_equal(store_mark_verified(x->st, &us.feed, 3), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.seq, 3);
	assert_int_equal(fs.verified, 3);

	/* Not on disk yet, so not visible to anyone else either. */
	assert_int_equal(seq_seen_elsewhere(x, &us.feed), 0);
	assert_int_equal(seq_seen_elsewhere(x, &de.feed), 0);

	commits = store_commits();
	assert_int_equal(store_group_commit(x->st), 0);
	assert_int_equal(store_commits(), commits + 1);
	assert_int_equal(seq_seen_elsewhere(x, &us.feed), 3);
	assert_int_equal(seq_seen_elsewhere(x, &de.feed), 4);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 3);
	assert_int_equal(store_feed(x->st, "DE-BAFA", "WA", &fs), 0);
	assert_int_equal(fs.seq, 4);
	assert_int_equal(fs.verified, 0);
	assert_int_equal(fx_entries_held(x), 7);
	free_batch(a, 3);
	free_batch(b, 4);
}

static void
group_refused_batch_leaves_the_others(void **state)
{
	struct fx		*x = *state;
	struct chain		 us, de;
	struct bytes		 a[2], bad[3], c[2];
	struct append_result	 res;
	struct feed_state	 fs;
	size_t			 i;

	chain_init(&us, "US-BIS", "WA", x->us);
	chain_init(&de, "DE-BAFA", "WA", x->de);
	chain_batch(&us, a, 2);
	for (i = 0; i < 3; i++)
		bad[i] = chain_next(&de, i == 2 ? MUT_BADSIG : MUT_NONE);
	chain_batch(&us, c, 2);

	assert_int_equal(store_group_begin(x->st), 0);
	assert_int_equal(fx_append(x, &us, 1, a, 2, STORE_VERIFY_LAST, &res),
	    0);
	append_result_free(&res);
	assert_int_equal(fx_append(x, &de, 1, bad, 3, STORE_VERIFY_LAST,
	    &res), LCN_EBADSIG);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.bad_seq, 3);
	assert_int_equal(res.head.seq, 0);
	append_result_free(&res);
	/* The next batch of the first feed follows the group's head. */
	assert_int_equal(fx_append(x, &us, 3, c, 2, STORE_VERIFY_LAST, &res),
	    0);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.head.seq, 4);
	append_result_free(&res);
	assert_int_equal(store_group_commit(x->st), 0);

	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.seq, 4);
	assert_int_equal(store_feed(x->st, "DE-BAFA", "WA", &fs), 0);
	assert_int_equal(fs.seq, 0);
	assert_int_equal(fx_entries_held(x), 4);
	free_batch(a, 2);
	free_batch(bad, 3);
	free_batch(c, 2);
}

static void
group_abort_stores_nothing(void **state)
{
	struct fx		*x = *state;
	struct chain		 us;
	struct bytes		 a[3];
	struct append_result	 res;
	struct feed_state	 fs;

	chain_init(&us, "US-BIS", "WA", x->us);
	fx_grow(x, &us, 2);
	chain_batch(&us, a, 3);
	assert_int_equal(store_group_begin(x->st), 0);
	assert_int_equal(fx_append(x, &us, 3, a, 3, STORE_VERIFY_LAST, &res),
	    0);
	append_result_free(&res);
	store_group_abort(x->st);
	store_group_abort(x->st);	/* none open: a no-op */

	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.seq, 2);
	assert_int_equal(fx_entries_held(x), 2);
	/* Writing goes on as before, outside any group. */
	assert_int_equal(fx_append(x, &us, 3, a, 3, STORE_VERIFY_LAST, &res),
	    0);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);
	free_batch(a, 3);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(group_stores_several_feeds_in_one_commit),
		T(group_refused_batch_leaves_the_others),
		T(group_abort_stores_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
