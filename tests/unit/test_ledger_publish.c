/*
 * This node's own entries (store_publish: signed, chained, refused for a
 * frozen feed or a full map), and reading the ledger back: reopening,
 * ranges and limits, the list of feeds.
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

/* ------------------------------------------------------------- publish */

static void
publish_signs_chains_and_stores_own_entries(void **state)
{
	struct fx		*x = *state;
	uint8_t			 body[3][1024];
	struct bytes		 bodies[3];
	struct append_result	 res;
	struct store_range	 rg;
	struct entry_view	 v;
	struct chain		 check;
	uint8_t			 root[HASH_LEN], leaf[HASH_LEN];
	char			 err[128];
	size_t			 i;

	for (i = 0; i < 3; i++) {
		bodies[i].len = make_body(body[i], sizeof(body[i]), "JP-METI",
		    i + 1, BODY_PAD);
		bodies[i].ptr = body[i];
	}
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    bodies, 3, T0, &res), 0);
	assert_int_equal(res.accepted, 3);
	assert_int_equal(res.head.seq, 3);
	assert_int_equal(res.head.verified, 3);
	append_result_free(&res);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    bodies, 2, T0 + 1, &res), 0);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);

	/* What a partner would check. */
	chain_init(&check, "JP-METI", "WA", x->self);
	assert_int_equal(store_read(x->st, &check.feed, 1, 5, 0, 0, &rg), 0);
	assert_int_equal(rg.nitems, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(entry_parse(rg.items[i].ptr,
		    rg.items[i].len, &v, err, sizeof(err)), 0);
		assert_string_equal(v.feed.origin, "JP-METI");
		assert_string_equal(v.feed.group, "WA");
		assert_int_equal(v.seq, i + 1);
		assert_int_equal(v.body_type, LCN__ENTRY__BODY_CONTROL_STATUS);
		assert_memory_equal(v.prev_hash, check.hash, HASH_LEN);
		merkle_root(&check.range, root);
		assert_memory_equal(v.prev_root, root, HASH_LEN);
		assert_memory_equal(v.key_id, sig_pubkey_id(sig_key_public(
		    x->self)), KEY_ID_LEN);
		assert_int_equal(sig_verify_entry(sig_key_public(x->self),
		    v.entry.ptr, v.entry.len, v.sig), 0);
		hash_leaf(rg.items[i].ptr, rg.items[i].len, leaf);
		memcpy(check.hash, leaf, HASH_LEN);
		merkle_append(&check.range, leaf);
	}
	store_range_free(&rg);
}

/* An Entry body that also sets a header field. */
static size_t
make_body_with_header(uint8_t *out, size_t outsz, int field)
{
	Lcn__ControlStatus	cs = LCN__CONTROL_STATUS__INIT;
	Lcn__Entry		e = LCN__ENTRY__INIT;
	static uint8_t		zero[HASH_LEN];

	cs.ref = "JP-METI/CS/X";
	cs.control_entry = "1C001";
	e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	e.control_status = &cs;
	switch (field) {
	case 1:
		e.origin = "US-BIS";
		break;
	case 3:
		e.seq = 77;
		break;
	case 4:
		e.prev_hash.data = zero;
		e.prev_hash.len = HASH_LEN;
		break;
	case 7:
		e.key_id.data = zero;
		e.key_id.len = KEY_ID_LEN;
		break;
	}
	assert_true(lcn__entry__get_packed_size(&e) <= outsz);
	return lcn__entry__pack(&e, out);
}

static void
publish_rejects_a_body_that_sets_a_header_field(void **state)
{
	struct fx		*x = *state;
	static const int	 fields[] = { 1, 3, 4, 7 };
	uint8_t			 body[2][1024];
	struct bytes		 bodies[2];
	struct append_result	 res;
	struct feed_state	 before;
	uint64_t		 held;
	size_t			 i;

	bodies[0].len = make_body(body[0], sizeof(body[0]), "JP-METI", 1,
	    BODY_PAD);
	bodies[0].ptr = body[0];
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    bodies, 1, T0, &res), 0);
	append_result_free(&res);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		assert_int_equal(store_feed(x->st, "JP-METI", "WA", &before),
		    0);
		held = fx_entries_held(x);
		bodies[1].len = make_body_with_header(body[1],
		    sizeof(body[1]), fields[i]);
		bodies[1].ptr = body[1];
		assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
		    bodies, 2, T0, &res), LCN_EPROTO);
		assert_int_equal(res.bad_seq, 3);
		fx_assert_nothing_moved(x, &before.feed, &before, held, &res);
		append_result_free(&res);
	}
}

static void
publish_rejects_invalid_bodies_groups_and_keys(void **state)
{
	struct fx		*x = *state;
	static const uint8_t	 junk[] = { 0xff, 0xff, 0xff };
	uint8_t			 body[1024];
	struct bytes		 b;
	struct append_result	 res;

	b.ptr = junk;
	b.len = sizeof(junk);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA", &b, 1,
	    T0, &res), LCN_EPROTO);
	assert_int_equal(res.head.seq, 0);
	append_result_free(&res);

	b.len = make_body(body, sizeof(body), "JP-METI", 1, 10);
	b.ptr = body;
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "NSG", &b, 1,
	    T0, &res), LCN_ENOTMEMBER);
	append_result_free(&res);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "ZZ", &b, 1,
	    T0, &res), LCN_EGROUP);
	append_result_free(&res);
	/* A key partners do not hold for us. */
	assert_int_equal(store_publish(x->st, &x->trust, x->rogue, "WA", &b, 1,
	    T0, &res), LCN_EKEY);
	append_result_free(&res);
	assert_int_equal(fx_entries_held(x), 0);
}

static void
publish_refuses_a_frozen_feed(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, d;
	struct bytes		 a, b, body;
	struct append_result	 res;
	struct feed_id		 f;
	uint64_t		 seq;
	uint8_t			 buf[1024];

	chain_init(&c, "JP-METI", "WA", x->self);
	d = c;
	d.tag = "RESTORED";
	a = chain_next(&c, MUT_NONE);
	b = chain_next(&d, MUT_NONE);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &b, &f,
	    &seq), 0);
	body.len = make_body(buf, sizeof(buf), "JP-METI", 1, 10);
	body.ptr = buf;
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA", &body,
	    1, T0, &res), LCN_EFROZEN);
	assert_int_equal(res.head.seq, 0);
	append_result_free(&res);
	free_batch(&a, 1);
	free_batch(&b, 1);
}

static void
publish_reports_a_full_map_and_stores_nothing(void **state)
{
	struct fx		*x = *state;
	struct store_opts	 o = { .map_size = 1u << 20 };
	char			 err[256], small[PATH_MAX];
	static uint8_t		 body[200][1024];
	struct bytes		 bodies[200];
	struct append_result	 res;
	struct feed_state	 before;
	uint64_t		 held;
	size_t			 i;
	int			 r = 0, rounds;

	snprintf(small, sizeof(small), "%s/small", x->tmp);
	o.dir = small;
	store_close(x->st);
	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
	for (i = 0; i < 200; i++) {
		bodies[i].len = make_body(body[i], sizeof(body[i]), "JP-METI",
		    i, 600);
		bodies[i].ptr = body[i];
	}
	for (rounds = 0; rounds < 100; rounds++) {
		assert_int_equal(store_feed(x->st, "JP-METI", "WA", &before),
		    0);
		held = fx_entries_held(x);
		r = store_publish(x->st, &x->trust, x->self, "WA", bodies, 200,
		    T0, &res);
		if (r != 0)
			break;
		append_result_free(&res);
	}
	assert_int_equal(r, LCN_EFULL);
	fx_assert_nothing_moved(x, &before.feed, &before, held, &res);
	append_result_free(&res);
}

/* ------------------------------------------------------- reopen, read */

static void
reopen_keeps_the_ledger(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct feed_state	 before, after;

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 7);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &before), 0);
	store_close(x->st);
	x->st = NULL;
	assert_int_equal(fx_open(x), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	/* The chain carries on from the stored compact range. */
	fx_grow(x, &c, 6);
	assert_int_equal(fx_entries_held(x), 13);
}

static void
read_honours_ranges_and_limits(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct store_range	 rg;
	struct feed_id		 unknown;
	size_t			 one;

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 10);
	assert_int_equal(store_read(x->st, &c.feed, 3, 6, 0, 0, &rg), 0);
	assert_int_equal(rg.first_seq, 3);
	assert_int_equal(rg.nitems, 4);
	one = rg.items[0].len;
	assert_int_equal(rg.bytes, rg.items[0].len + rg.items[1].len +
	    rg.items[2].len + rg.items[3].len);
	assert_ptr_equal(rg.items[0].ptr, rg.buf);
	store_range_free(&rg);

	/* from 0 reads from 1; to past the head stops at the head. */
	assert_int_equal(store_read(x->st, &c.feed, 0, 1000, 0, 0, &rg), 0);
	assert_int_equal(rg.first_seq, 1);
	assert_int_equal(rg.nitems, 10);
	store_range_free(&rg);
	/* Past the head: empty. */
	assert_int_equal(store_read(x->st, &c.feed, 11, 20, 0, 0, &rg), 0);
	assert_int_equal(rg.nitems, 0);
	store_range_free(&rg);
	/* max_items, max_bytes; at least one entry even if too large. */
	assert_int_equal(store_read(x->st, &c.feed, 1, 10, 0, 3, &rg), 0);
	assert_int_equal(rg.nitems, 3);
	store_range_free(&rg);
	assert_int_equal(store_read(x->st, &c.feed, 1, 10, 1, 0, &rg), 0);
	assert_int_equal(rg.nitems, 1);
	store_range_free(&rg);
	/* Entries differ in length by a byte or so: 2.5 entries fit 2. */
	assert_int_equal(store_read(x->st, &c.feed, 1, 10, one * 5 / 2, 0,
	    &rg), 0);
	assert_int_equal(rg.nitems, 2);
	assert_true(rg.bytes <= one * 5 / 2);
	store_range_free(&rg);
	/* A feed not held. */
	memset(&unknown, 0, sizeof(unknown));
	snprintf(unknown.origin, sizeof(unknown.origin), "DE-BAFA");
	snprintf(unknown.group, sizeof(unknown.group), "WA");
	assert_int_equal(store_read(x->st, &unknown, 1, 10, 0, 0, &rg), 0);
	assert_int_equal(rg.nitems, 0);
	store_range_free(&rg);
}

static void
feeds_lists_every_feed_in_key_order(void **state)
{
	struct fx		*x = *state;
	struct chain		 a, b;
	struct feed_state	*v;
	size_t			 n;

	assert_int_equal(store_feeds(x->st, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	chain_init(&a, "US-BIS", "WA", x->us);
	chain_init(&b, "DE-BAFA", "WA", x->de);
	fx_grow(x, &a, 2);
	fx_grow(x, &b, 3);
	assert_int_equal(store_feeds(x->st, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].feed.origin, "DE-BAFA");
	assert_int_equal(v[0].seq, 3);
	assert_string_equal(v[1].feed.origin, "US-BIS");
	assert_int_equal(v[1].seq, 2);
	free(v);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(publish_signs_chains_and_stores_own_entries),
		T(publish_rejects_a_body_that_sets_a_header_field),
		T(publish_rejects_invalid_bodies_groups_and_keys),
		T(publish_refuses_a_frozen_feed),
		T(publish_reports_a_full_map_and_stores_nothing),
		T(reopen_keeps_the_ledger),
		T(read_honours_ranges_and_limits),
		T(feeds_lists_every_feed_in_key_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
