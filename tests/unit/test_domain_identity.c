/*
 * Domain rules (store/domain.c): essential identity of a licence
 * application and a partner's denial (an overlapping control entry, the
 * same destination, a party that screening matches), with screening
 * replaced by a fake that scores names predictably.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain.h"
#include "lcn_err.h"
#include "test_domain_fx.h"

/* ---------------------------------------------------------- identity */

/* Test screening: exact name equality scores 1, "similar" pairs 0.8. */
struct fake_screen {
	int	 calls;
	double	 bad_score;	/* returned when non-zero */
};

static double
fake_match(const struct domain_party *denied,
    const struct domain_party *applied, void *arg)
{
	struct fake_screen *fs = arg;

	fs->calls++;
	if (fs->bad_score != 0.0)
		return fs->bad_score;
	if (denied->name == NULL || applied->name == NULL)
		return 0.0;
	if (strcmp(denied->name, applied->name) == 0)
		return 1.0;
	if (strstr(applied->name, denied->name) != NULL)
		return 0.8;
	return 0.1;
}

static const char *d_controls[] = { "3A001.b", "5A002.a" };
static const struct domain_party d_parties[] = {
	{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	{ DOMAIN_ROLE_CONSIGNEE, "Harbour Freight", "HK", NULL },
};

static struct domain_denial
denial_view(void)
{
	struct domain_denial d = notice_at(T_2020_01_01, 0);

	d.controls = d_controls;
	d.ncontrols = 2;
	d.parties = d_parties;
	d.nparties = 2;
	d.destination = "CN";
	return d;
}

static void
identical_when_entry_destination_and_party_match(void **state)
{
	const char *ac[] = { "9A001", "3A001.b.1" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_CONSIGNEE, "Other Co", "CN", NULL },
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 2, ap, 2, "cn", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_true(id.identical);
	assert_true(id.same_destination);
	assert_true(id.parties_screened);
	assert_int_equal(fs.calls, 4);
	assert_int_equal(id.ncontrol_matches, 1);
	assert_int_equal(id.controls[0].denial, 0);
	assert_int_equal(id.controls[0].app, 1);
	assert_int_equal(id.nparty_matches, 1);
	assert_int_equal(id.parties[0].denial, 0);
	assert_int_equal(id.parties[0].app, 1);
	assert_true(id.parties[0].score == 1.0);
	assert_non_null(strstr(id.why, "entry 3A001.b overlaps 3A001.b.1"));
	assert_non_null(strstr(id.why,
	    "denied end-user \"Acme Trading\" matches applied end-user "
	    "\"Acme Trading\" (score 1.00 >= 0.70)"));
}

static void
identical_matches_parties_across_roles_at_threshold(void **state)
{
	const char *ac[] = { "5A002" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_PURCHASER, "Harbour Freight HK", "HK", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 1, ap, 1, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.8, &id), 0);
	assert_true(id.identical);
	assert_int_equal(id.parties[0].denial, 1);
	assert_non_null(strstr(id.why, "denied consignee"));
	assert_non_null(strstr(id.why, "applied purchaser"));
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.81, &id), 0);
	assert_false(id.identical);
	assert_true(id.parties_screened);
	assert_non_null(strstr(id.why, "no party scores >= 0.81"));
}

static void
not_identical_without_overlapping_entry_nor_screening(void **state)
{
	const char *ac[] = { "3A001.bb", "catch-all" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 2, ap, 1, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_false(id.identical);
	assert_false(id.parties_screened);
	assert_int_equal(fs.calls, 0);
	assert_int_equal(id.ncontrol_matches, 0);
	assert_non_null(strstr(id.why, "no overlapping control entry"));
	assert_non_null(strstr(id.why, "parties not screened"));
}

static void
not_identical_with_other_destination(void **state)
{
	const char *ac[] = { "3A001" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 1, ap, 1, "RU", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_false(id.identical);
	assert_false(id.same_destination);
	assert_int_equal(id.ncontrol_matches, 1);
	assert_int_equal(fs.calls, 0);
	assert_non_null(strstr(id.why, "destination \"CN\" != \"RU\""));
	t.destination = NULL;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_false(id.same_destination);
	assert_non_null(strstr(id.why, "destination \"CN\" != \"\""));
}

static void
identical_catch_all_only_with_catch_all(void **state)
{
	const char *dc[] = { "catch-all" };
	const char *listed[] = { "3A001.b.1" };
	const char *ear99[] = { "EAR99" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { listed, 1, ap, 1, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	d.controls = dc;
	d.ncontrols = 1;
	d.basis = DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_false(id.identical);
	t.controls = ear99;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_true(id.identical);
	assert_non_null(strstr(id.why, "entry catch-all overlaps EAR99"));
}

static void
identical_rejects_unparsable_entry_loudly(void **state)
{
	const char *ac[] = { "3A001", "3A001..b" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 2, ap, 1, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), LCN_EINVAL);
	assert_false(id.identical);
	assert_int_equal(id.ncontrol_matches, 0);
	assert_int_equal(fs.calls, 0);
	assert_non_null(strstr(id.why,
	    "application control entry 2 \"3A001..b\""));
}

static void
identical_rejects_bad_threshold_and_bad_scores(void **state)
{
	const char *ac[] = { "3A001" };
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 1, ap, 1, "CN", NULL };
	struct fake_screen fs = { 0, 1.5 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), LCN_EINVAL);
	assert_false(id.identical);
	assert_int_equal(id.nparty_matches, 0);
	assert_non_null(strstr(id.why, "out of [0,1]"));
	fs.bad_score = 0.0;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    1.01, &id), LCN_EINVAL);
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    -0.01, &id), LCN_EINVAL);
	assert_int_equal(domain_essentially_identical(&d, &t, NULL, &fs, 0.7,
	    &id), LCN_EINVAL);
	assert_int_equal(domain_essentially_identical(NULL, &t, fake_match,
	    &fs, 0.7, &id), LCN_EINVAL);
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, NULL), LCN_EINVAL);
	t.ncontrols = 257;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), LCN_EINVAL);
}

static void
identical_quotes_hostile_party_names_escaped_and_cut(void **state)
{
	char	 longname[200];
	const char *ac[] = { "3A001" };
	struct domain_party dp[] = {
		{ DOMAIN_ROLE_END_USER, "Evil \"Co\"\n\x1b[31m", "CN", NULL },
		{ DOMAIN_ROLE_AGENT, longname, "CN", NULL },
	};
	struct domain_party ap[2];
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 1, ap, 2, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ap[0] = dp[0];
	ap[1] = dp[1];
	d.parties = dp;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_true(id.identical);
	assert_non_null(strstr(id.why,
	    "\"Evil \\\"Co\\\"\\x0a\\x1b[31m\""));
	assert_null(strchr(id.why, '\n'));
	assert_null(strchr(id.why, '\x1b'));
	assert_null(strstr(id.why, longname));
	assert_non_null(strstr(id.why, "xxxx...\""));
}

static void
identical_explanation_is_bounded_and_counts_all_matches(void **state)
{
	const char *many[40];
	struct domain_party ap[] = {
		{ DOMAIN_ROLE_END_USER, "Acme Trading", "CN", NULL },
	};
	struct domain_denial d = denial_view();
	struct domain_transaction t = { many, 40, ap, 1, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;
	size_t	 i;

	(void)state;
	for (i = 0; i < 40; i++)
		many[i] = "3A001.b.1.a.1.a.1.a.1.a.1.a.1.a.1.a.1.a";
	d.controls = many;
	d.ncontrols = 40;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.7, &id), 0);
	assert_true(id.identical);
	assert_int_equal(id.ncontrol_matches, 1600);
	assert_true(strlen(id.why) < DOMAIN_WHY_MAX);
	assert_string_equal(id.why + strlen(id.why) - 3, "...");
}

static void
not_identical_when_one_side_names_no_party(void **state)
{
	const char *ac[] = { "3A001" };
	struct domain_denial d = denial_view();
	struct domain_transaction t = { ac, 1, NULL, 0, "CN", NULL };
	struct fake_screen fs = { 0, 0.0 };
	struct domain_identity id;

	(void)state;
	assert_int_equal(domain_essentially_identical(&d, &t, fake_match, &fs,
	    0.0, &id), 0);
	assert_false(id.identical);
	assert_non_null(strstr(id.why, "the application names no party"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    identical_when_entry_destination_and_party_match),
		cmocka_unit_test(
		    identical_matches_parties_across_roles_at_threshold),
		cmocka_unit_test(
		    not_identical_without_overlapping_entry_nor_screening),
		cmocka_unit_test(not_identical_with_other_destination),
		cmocka_unit_test(identical_catch_all_only_with_catch_all),
		cmocka_unit_test(identical_rejects_unparsable_entry_loudly),
		cmocka_unit_test(
		    identical_rejects_bad_threshold_and_bad_scores),
		cmocka_unit_test(
		    identical_quotes_hostile_party_names_escaped_and_cut),
		cmocka_unit_test(
		    identical_explanation_is_bounded_and_counts_all_matches),
		cmocka_unit_test(not_identical_when_one_side_names_no_party),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
