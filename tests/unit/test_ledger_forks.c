/*
 * Equivocation in the ledger: a second validly signed entry for a
 * sequence number already held is stored as evidence and freezes the
 * feed; a badly signed or re-wrapped one is refused without freezing;
 * a peer's proof is checked before it is recorded (PROTOCOL.md).
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

static void
append_detects_equivocation_stores_evidence_and_freezes(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 alt, b[1];
	struct append_result	 res;
	struct store_range	 held;
	struct fork_record	*forks;
	struct feed_state	 fs;
	struct store_stats	 ss;
	size_t			 nforks;

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 3);
	alt = fork_entry(&c, 2, "FORK");
	assert_int_equal(store_read(x->st, &c.feed, 2, 2, 0, 0, &held), 0);

	assert_int_equal(fx_append(x, &c, 2, &alt, 1, STORE_VERIFY_ALL, &res),
	    LCN_EFORK);
	assert_int_equal(res.bad_seq, 2);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.fork_held_len, held.items[0].len);
	assert_memory_equal(res.fork_held, held.items[0].ptr,
	    held.items[0].len);
	assert_int_equal(res.fork_offered_len, alt.len);
	assert_memory_equal(res.fork_offered, alt.ptr, alt.len);
	assert_int_equal(res.head.seq, 3);
	assert_int_equal(res.head.frozen, 1);
	assert_int_equal(res.head.frozen_seq, 2);
	append_result_free(&res);

	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.frozen, 1);
	assert_int_equal(fs.frozen_seq, 2);
	assert_int_equal(store_forks(x->st, &forks, &nforks), 0);
	assert_int_equal(nforks, 1);
	assert_string_equal(forks[0].feed.origin, "US-BIS");
	assert_string_equal(forks[0].feed.group, "WA");
	assert_int_equal(forks[0].seq, 2);
	assert_true(forks[0].detected_ms > 0);
	assert_int_equal(forks[0].first_len, held.items[0].len);
	assert_memory_equal(forks[0].first, held.items[0].ptr,
	    held.items[0].len);
	assert_int_equal(forks[0].second_len, alt.len);
	assert_memory_equal(forks[0].second, alt.ptr, alt.len);
	store_forks_free(forks, nforks);

	/* Frozen: the next entry is refused, and nothing moves. */
	b[0] = chain_next(&c, MUT_NONE);
	fx_expect_reject(x, &c.feed, 4, b, 1, STORE_VERIFY_ALL, LCN_EFROZEN, 4);
	free_batch(b, 1);

	/* The same fork again: still a fork, one record. */
	assert_int_equal(fx_append(x, &c, 2, &alt, 1, STORE_VERIFY_ALL, &res),
	    LCN_EFORK);
	append_result_free(&res);
	assert_int_equal(store_stats(x->st, &ss), 0);
	assert_int_equal(ss.forks, 1);

	store_range_free(&held);
	free((void *)alt.ptr);
}

static void
append_rejects_a_badly_signed_fork_without_freezing(void **state)
{
	struct fx	*x = *state;
	struct chain	 c, alt;
	struct bytes	 bad;

	chain_init(&c, "US-BIS", "WA", x->us);
	fx_grow(x, &c, 2);
	chain_init(&alt, "US-BIS", "WA", x->us);
	alt.tag = "FORGED";
	bad = chain_next(&alt, MUT_BADSIG);
	fx_expect_reject(x, &c.feed, 1, &bad, 1, STORE_VERIFY_ALL, LCN_EBADSIG,
	    1);
	free_batch(&bad, 1);
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static void
append_rejects_a_rewrapped_entry_without_freezing(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, replay;
	struct bytes		 b[2], rw;
	struct entry_view	 v;
	uint8_t			*p;
	size_t			 n = 0;
	char			 err[128];

	chain_init(&c, "US-BIS", "WA", x->us);
	replay = c;
	fx_grow(x, &c, 2);
	chain_batch(&replay, b, 2);
	/* Same Entry and signature, SignedEntry fields in reverse order. */
	assert_int_equal(entry_parse(b[1].ptr, b[1].len, &v, err,
	    sizeof(err)), 0);
	assert_non_null(p = malloc(b[1].len + 16));
	p[n++] = 0x12;
	n += put_varint(p + n, SIG_LEN);
	memcpy(p + n, v.sig, SIG_LEN);
	n += SIG_LEN;
	p[n++] = 0x0a;
	n += put_varint(p + n, v.entry.len);
	memcpy(p + n, v.entry.ptr, v.entry.len);
	n += v.entry.len;
	rw.ptr = p;
	rw.len = n;
	assert_true(rw.len != b[1].len || memcmp(rw.ptr, b[1].ptr, n) != 0);

	/*
	 * Anyone can rewrap a signed entry, so that must never freeze a
	 * feed: entry_parse() accepts only the canonical wrapping.
	 */
	fx_expect_reject(x, &c.feed, 2, &rw, 1, STORE_VERIFY_ALL, LCN_EPROTO,
	    2);
	free(p);
	free_batch(b, 2);
}

static void
add_equivocation_checks_and_records_a_peer_proof(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, d;
	struct bytes		 a, b, bad, later;
	struct feed_id		 f;
	struct feed_state	 fs;
	uint64_t		 seq;

	chain_init(&c, "DE-BAFA", "WA", x->de);
	d = c;
	d.tag = "OTHER";
	a = chain_next(&c, MUT_NONE);
	b = chain_next(&d, MUT_NONE);
	later = chain_next(&c, MUT_NONE);

	/* Not a proof: the same entry, or entries of different seqs. */
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &a, &f,
	    &seq), LCN_EPROTO);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &later,
	    &f, &seq), LCN_EPROTO);
	assert_int_equal(seq, 0);
	/* A bad signature proves nothing. */
	chain_init(&d, "DE-BAFA", "WA", x->de);
	d.tag = "FORGED";
	bad = chain_next(&d, MUT_BADSIG);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &bad,
	    &f, &seq), LCN_EBADSIG);
	assert_int_equal(store_feed(x->st, "DE-BAFA", "WA", &fs), 0);
	assert_int_equal(fs.frozen, 0);

	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &b, &f,
	    &seq), 0);
	assert_string_equal(f.origin, "DE-BAFA");
	assert_string_equal(f.group, "WA");
	assert_int_equal(seq, 1);
	assert_int_equal(store_feed(x->st, "DE-BAFA", "WA", &fs), 0);
	assert_int_equal(fs.frozen, 1);
	assert_int_equal(fs.frozen_seq, 1);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &b, &a, &f,
	    &seq), LCN_EDUP);
	fx_expect_reject(x, &c.feed, 1, &a, 1, STORE_VERIFY_ALL, LCN_EFROZEN,
	    1);

	free_batch(&a, 1);
	free_batch(&b, 1);
	free_batch(&bad, 1);
	free_batch(&later, 1);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(append_detects_equivocation_stores_evidence_and_freezes),
		T(append_rejects_a_badly_signed_fork_without_freezing),
		T(append_rejects_a_rewrapped_entry_without_freezing),
		T(add_equivocation_checks_and_records_a_peer_proof),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
