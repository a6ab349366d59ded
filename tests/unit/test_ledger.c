/*
 * The ledger's acceptance of a partner's batch (store_append) against a
 * real LMDB environment in a temporary directory: every acceptance check
 * of PROTOCOL.md section 3, each rejection followed by the assertion that
 * nothing moved, duplicates, and the verified mark. Forks, publishing,
 * reading and store_verify() have files of their own (test_ledger_*.c);
 * the fixture is test_ledger_fx.c. Keys are generated per test.
 */
#include <sys/stat.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "test_ledger_fx.h"
#include "trust.h"
#include "util.h"

/* ------------------------------------------------------------ acceptance */

static void
store_open_creates_the_data_dir_private(void **state)
{
	struct fx	*x = *state;
	struct stat	 sb;

	assert_int_equal(stat(x->data, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
}

static void
append_accepts_a_valid_batch_and_advances_the_head(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[5];
	struct append_result	 res;
	struct feed_state	 fs;
	struct store_range	 rg;
	uint8_t			 root[HASH_LEN];
	size_t			 i;

	chain_init(&c, "US-BIS", "WA", x->us);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.seq, 0);
	merkle_root(&c.range, root);
	assert_memory_equal(fs.root, root, HASH_LEN);	/* empty tree */

	chain_batch(&c, b, 5);
	assert_int_equal(fx_append(x, &c, 1, b, 5, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.accepted, 5);
	assert_int_equal(res.duplicates, 0);
	assert_int_equal(res.bad_seq, 0);
	assert_int_equal(res.head.seq, 5);
	assert_int_equal(res.head.verified, 5);
	assert_memory_equal(res.head.hash, c.hash, HASH_LEN);
	merkle_root(&c.range, root);
	assert_memory_equal(res.head.root, root, HASH_LEN);
	assert_string_equal(res.head.feed.origin, "US-BIS");
	assert_int_equal(res.head.frozen, 0);
	append_result_free(&res);

	assert_int_equal(store_read(x->st, &c.feed, 1, 5, 0, 0, &rg), 0);
	assert_int_equal(rg.first_seq, 1);
	assert_int_equal(rg.nitems, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(rg.items[i].len, b[i].len);
		assert_memory_equal(rg.items[i].ptr, b[i].ptr, b[i].len);
	}
	store_range_free(&rg);
	assert_int_equal(fx_entries_held(x), 5);
	free_batch(b, 5);
}

static void
append_verify_last_holds_the_verified_mark_until_marked(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[4];
	struct append_result	 res;
	struct feed_state	 fs;

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 2);
	chain_batch(&c, b, 4);
	assert_int_equal(fx_append(x, &c, 3, b, 4, STORE_VERIFY_LAST, &res), 0);
	assert_int_equal(res.head.seq, 6);
	assert_int_equal(res.head.verified, 2);
	append_result_free(&res);

	assert_int_equal(store_mark_verified(x->st, &c.feed, 4), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 4);
	/* Never lowered, never above the head. */
	assert_int_equal(store_mark_verified(x->st, &c.feed, 3), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 4);
	assert_int_equal(store_mark_verified(x->st, &c.feed, 99), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 6);
	free_batch(b, 4);
}

static void
append_counts_duplicates_and_stores_only_new_entries(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, replay;
	struct bytes		 b[5];
	struct append_result	 res;

	chain_init(&c, "DE-BAFA", "WA", x->de);
	replay = c;
	fx_grow(x, &c, 3);
	chain_batch(&replay, b, 5);
	assert_int_equal(fx_append(x, &c, 1, b, 5, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.duplicates, 3);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);
	assert_int_equal(fx_entries_held(x), 5);

	/* All duplicates: nothing to do, success. */
	assert_int_equal(fx_append(x, &c, 2, b + 1, 3, STORE_VERIFY_ALL, &res),
	    0);
	assert_int_equal(res.duplicates, 3);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);
	free_batch(b, 5);
}

/* ------------------------------------------------------------ rejections */

static void
append_rejects_malformed_entry(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];
	static const uint8_t junk[] = { 0x0a, 0x03, 'a', 'b', 'c', 0xff };

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 2);
	b[0] = chain_next(&c, MUT_NONE);
	b[1].ptr = junk;
	b[1].len = sizeof(junk);
	fx_expect_reject(x, &c.feed, 3, b, 2, STORE_VERIFY_ALL, LCN_EPROTO, 4);
	free_batch(b, 1);
}

static void
append_rejects_entry_of_another_origin(void **state)
{
	struct fx	*x = *state;
	struct chain	 c, other;
	struct bytes	 b[1];

	chain_init(&c, "US-BIS", "WA", x->us);
	chain_init(&other, "DE-BAFA", "WA", x->de);
	b[0] = chain_next(&other, MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EPROTO, 1);
	free_batch(b, 1);
}

static void
append_rejects_seq_that_contradicts_first_seq(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_NONE);
	/* Entry 2 offered where the batch says seq 1. */
	fx_expect_reject(x, &c.feed, 1, b + 1, 1, STORE_VERIFY_ALL, LCN_EPROTO,
	    1);
	free_batch(b, 2);
}

static void
append_rejects_unknown_group(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	chain_init(&c, "US-BIS", "ZZ", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EGROUP, 1);
	free_batch(b, 1);
}

static void
append_rejects_origin_not_in_group(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	chain_init(&c, "DE-BAFA", "MTCR", x->de);
	b[0] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_ENOTMEMBER,
	    1);
	free_batch(b, 1);
}

static void
append_rejects_group_this_node_is_not_in(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	chain_init(&c, "US-BIS", "NSG", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_ENOTMEMBER,
	    1);
	free_batch(b, 1);
}

static void
append_rejects_unknown_origin(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	/* A member of AG that is no configured agency. */
	chain_init(&c, "XX-GHOST", "AG", x->ghost);
	b[0] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EORIGIN, 1);
	free_batch(b, 1);
}

static void
append_rejects_unknown_key(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 1);
	b[0] = chain_next(&c, MUT_NONE);
	c.key = x->rogue;
	b[1] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 2, b, 2, STORE_VERIFY_ALL, LCN_EKEY, 3);
	free_batch(b, 2);
}

static void
append_rejects_key_outside_its_validity_window(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, old;
	struct bytes		 b[1];
	struct append_result	 res;

	chain_init(&c, "US-BIS", "WA", x->us);
	c.key = x->us_old;		/* valid 1..1000 ms only */
	old = c;
	b[0] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EKEY, 1);
	free_batch(b, 1);

	/* The same key inside its window is fine. */
	old.created_ms = 500;
	b[0] = chain_next(&old, MUT_NONE);
	assert_int_equal(fx_append(x, &old, 1, b, 1, STORE_VERIFY_ALL, &res),
	    0);
	assert_int_equal(res.accepted, 1);
	append_result_free(&res);
	free_batch(b, 1);
}

static void
append_rejects_a_gap(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[3];

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 2);
	b[0] = chain_next(&c, MUT_NONE);	/* 3, withheld */
	b[1] = chain_next(&c, MUT_NONE);
	b[2] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 4, b + 1, 2, STORE_VERIFY_ALL, LCN_EGAP,
	    4);
	free_batch(b, 3);
}

static void
append_rejects_bad_prev_hash(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 2);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_PREV_HASH);
	fx_expect_reject(x, &c.feed, 3, b, 2, STORE_VERIFY_ALL, LCN_ECHAIN, 4);
	free_batch(b, 2);
}

static void
append_rejects_bad_prev_root(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 3);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_PREV_ROOT);
	fx_expect_reject(x, &c.feed, 4, b, 2, STORE_VERIFY_ALL, LCN_EROOT, 5);
	free_batch(b, 2);
}

static void
append_rejects_bad_signature_on_last_entry_with_verify_last(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[3];

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 1);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_NONE);
	b[2] = chain_next(&c, MUT_BADSIG);
	fx_expect_reject(x, &c.feed, 2, b, 3, STORE_VERIFY_LAST, LCN_EBADSIG,
	    4);
	free_batch(b, 3);
}

static void
append_rejects_bad_signature_on_middle_entry_with_verify_all(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[3];

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 1);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_BADSIG);
	b[2] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 2, b, 3, STORE_VERIFY_ALL, LCN_EBADSIG, 3);
	free_batch(b, 3);
}

static void
append_stores_nothing_of_a_batch_with_one_bad_entry(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[10];
	size_t		 i;

	chain_init(&c, "DE-BAFA", "WA", x->de);
	for (i = 0; i < 10; i++)
		b[i] = chain_next(&c, i == 6 ? MUT_PREV_ROOT : MUT_NONE);
	fx_expect_reject(x, &c.feed, 1, b, 10, STORE_VERIFY_LAST, LCN_EROOT, 7);
	free_batch(b, 10);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(store_open_creates_the_data_dir_private),
		T(append_accepts_a_valid_batch_and_advances_the_head),
		T(append_verify_last_holds_the_verified_mark_until_marked),
		T(append_counts_duplicates_and_stores_only_new_entries),
		T(append_rejects_malformed_entry),
		T(append_rejects_entry_of_another_origin),
		T(append_rejects_seq_that_contradicts_first_seq),
		T(append_rejects_unknown_group),
		T(append_rejects_origin_not_in_group),
		T(append_rejects_group_this_node_is_not_in),
		T(append_rejects_unknown_origin),
		T(append_rejects_unknown_key),
		T(append_rejects_key_outside_its_validity_window),
		T(append_rejects_a_gap),
		T(append_rejects_bad_prev_hash),
		T(append_rejects_bad_prev_root),
		T(append_rejects_bad_signature_on_last_entry_with_verify_last),
		T(append_rejects_bad_signature_on_middle_entry_with_verify_all),
		T(append_stores_nothing_of_a_batch_with_one_bad_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
