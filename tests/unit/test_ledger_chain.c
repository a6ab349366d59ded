/*
 * Publishing in three steps (store_chain_load, store_chain_sign,
 * store_chain_commit), as lcnd's publishing pipeline uses them: the same
 * bytes as store_publish() for the same inputs, batches signed one after
 * another before any is committed, and a batch whose base is no longer
 * the feed's head refused with nothing stored.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entry.h"
#include "lcn_err.h"
#include "sig.h"
#include "store.h"
#include "test_ledger_fx.h"
#include "trust.h"
#include "util.h"

#define NB	4

static void
make_bodies(uint8_t body[][1024], struct bytes *b, size_t n, uint64_t from)
{
	size_t i;

	for (i = 0; i < n; i++) {
		b[i].len = make_body(body[i], sizeof(body[i]), "JP-METI",
		    from + i, BODY_PAD);
		b[i].ptr = body[i];
	}
}

/* Every entry of JP-METI/WA, 1..upto, into out (freed by the caller). */
static void
read_all(struct fx *x, uint64_t upto, struct store_range *out)
{
	struct feed_id f;

	memset(&f, 0, sizeof(f));
	str_copy(f.origin, sizeof(f.origin), "JP-METI");
	str_copy(f.group, sizeof(f.group), "WA");
	assert_int_equal(store_read(x->st, &f, 1, upto, 0, 0, out), 0);
	assert_int_equal(out->nitems, upto);
}

static void
chain_signs_the_bytes_store_publish_signs(void **state)
{
	struct fx		*x = *state;
	uint8_t			 body[2 * NB][1024];
	struct bytes		 b[2 * NB], se[2 * NB];
	struct store_chain	*base, *mid, *end;
	struct append_result	 res;
	struct store_range	 one, two;
	size_t			 i;

	make_bodies(body, b, 2 * NB, 1);
	/* store_publish, twice, in the first ledger. */
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA", b, NB,
	    T0, &res), 0);
	append_result_free(&res);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    b + NB, NB, T0 + 1, &res), 0);
	append_result_free(&res);
	read_all(x, 2 * NB, &one);

	/* The steps in a fresh ledger: both batches signed, then stored. */
	store_close(x->st);
	x->st = NULL;
	snprintf(x->data + strlen(x->data), sizeof(x->data) -
	    strlen(x->data), "-steps");
	assert_int_equal(fx_open(x), 0);
	assert_int_equal(store_chain_load(x->st, &x->trust, x->self, "WA", T0,
	    &base, &res), 0);
	assert_int_equal(store_chain_seq(base), 0);
	assert_non_null(mid = store_chain_copy(base));
	assert_int_equal(store_chain_sign(mid, x->self, T0, b, NB, se, &res),
	    0);
	assert_int_equal(store_chain_seq(mid), NB);
	assert_non_null(end = store_chain_copy(mid));
	assert_int_equal(store_chain_sign(end, x->self, T0 + 1, b + NB, NB,
	    se + NB, &res), 0);
	assert_int_equal(store_chain_seq(end), 2 * NB);
	/* Nothing is stored before the commits. */
	assert_int_equal(store_chain_commit(x->st, base, mid, se, NB, &res),
	    0);
	assert_int_equal(res.head.seq, NB);
	assert_int_equal(store_chain_commit(x->st, mid, end, se + NB, NB,
	    &res), 0);
	assert_int_equal(res.head.seq, 2 * NB);
	assert_int_equal(res.head.verified, 2 * NB);
	read_all(x, 2 * NB, &two);
	for (i = 0; i < 2 * NB; i++) {
		assert_int_equal(one.items[i].len, two.items[i].len);
		assert_memory_equal(one.items[i].ptr, two.items[i].ptr,
		    one.items[i].len);
		free((void *)se[i].ptr);
	}
	store_range_free(&one);
	store_range_free(&two);
	store_chain_free(base);
	store_chain_free(mid);
	store_chain_free(end);
}

static void
chain_commit_refuses_a_batch_signed_onto_a_head_that_moved(void **state)
{
	struct fx		*x = *state;
	uint8_t			 body[2 * NB][1024];
	struct bytes		 b[2 * NB], se[2 * NB];
	struct store_chain	*base, *mid, *end;
	struct append_result	 res;
	struct feed_state	 fs;
	size_t			 i;

	make_bodies(body, b, 2 * NB, 1);
	assert_int_equal(store_chain_load(x->st, &x->trust, x->self, "WA", T0,
	    &base, &res), 0);
	assert_non_null(mid = store_chain_copy(base));
	assert_int_equal(store_chain_sign(mid, x->self, T0, b, NB, se, &res),
	    0);
	assert_non_null(end = store_chain_copy(mid));
	assert_int_equal(store_chain_sign(end, x->self, T0, b + NB, NB,
	    se + NB, &res), 0);
	/* The first batch never lands: the second chains onto nothing. */
	assert_int_equal(store_chain_commit(x->st, mid, end, se + NB, NB,
	    &res), LCN_ECHAIN);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.head.seq, 0);
	assert_non_null(strstr(res.reason, "earlier batch"));
	/* Another publication moves the head: the first batch is stale. */
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA", b, 1,
	    T0, &res), 0);
	append_result_free(&res);
	assert_int_equal(store_chain_commit(x->st, base, mid, se, NB, &res),
	    LCN_ECHAIN);
	assert_int_equal(store_feed(x->st, "JP-METI", "WA", &fs), 0);
	assert_int_equal(fs.seq, 1);
	for (i = 0; i < 2 * NB; i++)
		free((void *)se[i].ptr);
	store_chain_free(base);
	store_chain_free(mid);
	store_chain_free(end);
}

static void
chain_sign_failure_moves_nothing(void **state)
{
	struct fx		*x = *state;
	uint8_t			 body[NB][1024], big[ENTRY_MAX];
	struct bytes		 b[NB], se[NB];
	struct store_chain	*c;
	struct append_result	 res;
	size_t			 i;

	make_bodies(body, b, NB, 1);
	memset(big, 0, sizeof(big));
	b[2].ptr = big;
	b[2].len = sizeof(big);
	assert_int_equal(store_chain_load(x->st, &x->trust, x->self, "WA", T0,
	    &c, &res), 0);
	assert_int_equal(store_chain_sign(c, x->self, T0, b, NB, se, &res),
	    LCN_EPROTO);
	assert_non_null(strstr(res.reason, "body 2"));
	assert_int_equal(store_chain_seq(c), 0);
	for (i = 0; i < NB; i++)
		assert_null(se[i].ptr);
	store_chain_free(c);
}

static void
chain_load_refuses_a_group_this_node_is_not_in(void **state)
{
	struct fx		*x = *state;
	struct store_chain	*c = (struct store_chain *)1;
	struct append_result	 res;

	assert_int_equal(store_chain_load(x->st, &x->trust, x->self, "NSG",
	    T0, &c, &res), LCN_ENOTMEMBER);
	assert_null(c);
	assert_int_equal(store_chain_load(x->st, &x->trust, x->self, "NOPE",
	    T0, &c, &res), LCN_EGROUP);
	assert_null(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    chain_signs_the_bytes_store_publish_signs, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    chain_commit_refuses_a_batch_signed_onto_a_head_that_moved,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    chain_sign_failure_moves_nothing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    chain_load_refuses_a_group_this_node_is_not_in, fx_setup,
		    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
