/*
 * The refs an origin has used (records_ref_used, records_ref_max) as the
 * validation of the next publication reads them: what a node publishes
 * has its refs noted in the transaction that stores it, so the lookup
 * answers without indexing first; own entries that reached the ledger
 * any other way (from partners, after a restore), or a rebuild under
 * way, make the lookup index first. Real LMDB in a temporary directory.
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

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "records.h"
#include "screen.h"
#include "store.h"
#include "test_records_fx.h"

#define R1	"JP-METI/DN/2026/0001"
#define R2	"JP-METI/DN/2026/0002"
#define R3	"JP-METI/DN/2026/0003"

static int
setup(void **state)
{
	static const char *const groups[] = { "WA", "NSG" };
	struct fx *x;

	*state = x = fx_new("refs", groups, 2);
	x->step = 0;	/* nothing indexed unless a test asks */
	return 0;
}

static int
teardown(void **state)
{
	return fx_free(*state);
}

static void
pub_denial(struct fx *x, const char *group, const char *ref)
{
	Lcn__Entry		e = LCN__ENTRY__INIT;
	Lcn__DenialNotice	dn = LCN__DENIAL_NOTICE__INIT;

	dn.ref = (char *)ref;
	dn.regime = (char *)group;
	dn.destination_country = "CN";
	dn.decision_date_ms = T0;
	e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	e.denial_notice = &dn;
	pub(x, JP, group, &e, T0);
}

static uint64_t
pending(struct fx *x)
{
	uint64_t n;

	assert_int_equal(store_screen_pending(x->st, &n), 0);
	return n;
}

static void
assert_used(struct fx *x, const char *ref, const char *group, uint64_t seq)
{
	struct feed_id	f;
	uint64_t	s;

	assert_int_equal(records_ref_used(x->st, "JP-METI", ref, &f, &s), 0);
	assert_string_equal(f.origin, "JP-METI");
	assert_string_equal(f.group, group);
	assert_int_equal(s, seq);
}

static uint64_t
highest(struct fx *x)
{
	uint64_t n;

	assert_int_equal(records_ref_max(x->st, "JP-METI", "DN", 2026, &n), 0);
	return n;
}

static void
published_refs_are_known_before_they_are_indexed(void **state)
{
	struct fx *x = *state;

	pub_denial(x, "WA", R1);
	pub_denial(x, "NSG", R2);
	pub_denial(x, "WA", R3);
	assert_int_equal(pending(x), 3);
	assert_used(x, R1, "WA", 1);
	assert_used(x, R2, "NSG", 1);
	assert_used(x, R3, "WA", 2);
	assert_int_equal(highest(x), 3);
	assert_int_equal(records_ref_used(x->st, "JP-METI",
	    "JP-METI/DN/2026/0004", NULL, NULL), LCN_ENOTFOUND);
	/* The lookups indexed nothing: the index is for the indexer. */
	assert_int_equal(pending(x), 3);
	/* And the index, when it comes, agrees. */
	assert_int_equal(store_screen_catch_up(x->st, 0, &(uint64_t){ 0 }), 0);
	assert_int_equal(pending(x), 0);
	assert_used(x, R2, "NSG", 1);
	assert_int_equal(highest(x), 3);
}

/* Appends JP-METI's WA entries from..to, read from the ledger in dir. */
static void
append_from(struct fx *x, const char *dir, uint64_t from, uint64_t to)
{
	struct store_opts	 o = { .dir = dir };
	struct store		*other;
	struct store_range	 r;
	struct append_result	 res;
	struct feed_id		 f = { .origin = "JP-METI", .group = "WA" };
	char			 err[256];

	assert_int_equal(store_open(&o, &other, err, sizeof(err)), 0);
	assert_int_equal(store_read(other, &f, from, to, 0, 0, &r), 0);
	assert_int_equal(r.nitems, to - from + 1);
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_append(x->st, &x->trust[US], &f, from,
	    r.items, r.nitems, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.accepted, to - from + 1);
	append_result_free(&res);
	store_range_free(&r);
	store_close(other);
}

/*
 * JP-METI restored from an old backup gets seq 2 of its own feed back
 * from a partner: that entry's ref was never noted, so neither is the
 * next publication's, and a lookup indexes first.
 */
static void
own_entries_from_partners_are_indexed_first(void **state)
{
	struct fx	*x = *state;
	char		 elsewhere[PATH_MAX];

	pub_denial(x, "WA", R1);
	pub_denial(x, "WA", R2);
	fx_close(x);
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", x->tmp);
	assert_int_equal(rename(x->data, elsewhere), 0);
	fx_open(x, x->data);
	pub_denial(x, "WA", R1);	/* the same first entry, re-signed */
	append_from(x, elsewhere, 2, 2);
	pub_denial(x, "WA", R3);
	assert_int_equal(pending(x), 3);
	assert_used(x, R2, "WA", 2);
	assert_used(x, R3, "WA", 3);
	assert_int_equal(highest(x), 3);
	assert_int_equal(pending(x), 0);
}

/* lcn reindex empties rrefs: what publishing noted is noted again. */
static void
a_rebuild_forgets_what_publishing_noted(void **state)
{
	struct fx	*x = *state;
	uint64_t	 n, left;

	pub_denial(x, "WA", R1);
	pub_denial(x, "WA", R2);
	assert_int_equal(store_reindex(x->st, &n), 0);
	/* Under way: the lookup finishes the rebuild first. */
	assert_used(x, R2, "WA", 2);
	assert_int_equal(pending(x), 0);

	assert_int_equal(store_reindex(x->st, &n), 0);
	/* One step drops the rows and ends the rebuild, marks at 0. */
	assert_int_equal(store_screen_catch_up(x->st, 1, &left), 0);
	assert_int_equal(pending(x), 2);
	assert_used(x, R1, "WA", 1);
	assert_int_equal(highest(x), 2);
	pub_denial(x, "WA", R3);
	assert_used(x, R3, "WA", 3);
	assert_int_equal(highest(x), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    published_refs_are_known_before_they_are_indexed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    own_entries_from_partners_are_indexed_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    a_rebuild_forgets_what_publishing_noted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
