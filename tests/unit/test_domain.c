/*
 * Domain rules (store/domain.c): control entries, denial and alert state,
 * consultation per regime, essential identity. Times are fixed UTC
 * instants; nothing reads the clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lcn_err.h"
#include "domain.h"

#define DAY		86400000ULL
#define T_2020_01_01	1577836800000ULL
#define T_2023_01_01	1672531200000ULL
#define T_2024_02_29	1709164800000ULL
#define T_2027_02_28	1803772800000ULL
#define T_2023_03_10_TOD 1678451696000ULL	/* 12:34:56 */
#define T_2026_03_10_TOD 1773146096000ULL
#define T_2025_06_01	1748736000000ULL
#define T_2028_06_01	1843430400000ULL

/* ---------------------------------------------------------- control entries */

static void
control_parse_canonicalises_case_and_space(void **state)
{
	struct domain_control c;

	(void)state;
	assert_int_equal(domain_control_parse(" 3a001 . B . 1 ", &c), 0);
	assert_int_equal(c.kind, DOMAIN_CONTROL_LISTED);
	assert_string_equal(c.text, "3A001.b.1");
	assert_int_equal(domain_control_parse("5A002", &c), 0);
	assert_string_equal(c.text, "5A002");
	assert_int_equal(domain_control_parse("9E003.a.2.b", &c), 0);
	assert_string_equal(c.text, "9E003.a.2.b");
	assert_int_equal(domain_control_parse("9A610.Y.1", &c), 0);
	assert_string_equal(c.text, "9A610.y.1");
}

static void
control_parse_accepts_catch_all_spellings(void **state)
{
	const char *ok[] = { "catch-all", "catch all", "Catch-All",
	    "CATCHALL", "  catch_all\t" };
	struct domain_control c;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(domain_control_parse(ok[i], &c), 0);
		assert_int_equal(c.kind, DOMAIN_CONTROL_CATCH_ALL);
		assert_string_equal(c.text, "catch-all");
	}
	assert_int_equal(domain_control_parse("catch--all", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("catch-all.a", &c), LCN_EINVAL);
}

static void
control_parse_accepts_ear99_and_munitions(void **state)
{
	struct domain_control c;

	(void)state;
	assert_int_equal(domain_control_parse("ear99", &c), 0);
	assert_int_equal(c.kind, DOMAIN_CONTROL_EAR99);
	assert_string_equal(c.text, "EAR99");
	assert_int_equal(domain_control_parse("ml10.A", &c), 0);
	assert_int_equal(c.kind, DOMAIN_CONTROL_MUNITIONS);
	assert_string_equal(c.text, "ML10.a");
	assert_int_equal(domain_control_parse("ML1", &c), 0);
	assert_int_equal(domain_control_parse("ML22", &c), 0);
	assert_int_equal(domain_control_parse("ML23", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("ML0", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("ML05", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("ML100", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("EAR99.a", &c), LCN_EINVAL);
}

static void
control_parse_rejects_malformed_and_zeroes_output(void **state)
{
	const char *bad[] = { "", "   ", "3", "3A00", "3A0011", "3F001",
	    "A3001", "3A001.", "3A001..b", "3A001.b.", ".3A001", "3A001b",
	    "3A001.b-1", "3A001/b", "3A001.\xc3\xa9", "3A001.b\x01",
	    "3A001.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "EAR 9 9 9" };
	struct domain_control c;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0xa5, sizeof(c));
		assert_int_equal(domain_control_parse(bad[i], &c), LCN_EINVAL);
		assert_int_equal(c.kind, DOMAIN_CONTROL_NONE);
		assert_int_equal(c.text[0], '\0');
	}
	assert_int_equal(domain_control_parse(NULL, &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("3A001", NULL), LCN_EINVAL);
}

static void
control_parse_accepts_exact_fit_and_rejects_one_more(void **state)
{
	char	 s[DOMAIN_CONTROL_MAX + 2];
	struct domain_control c;

	(void)state;
	memset(s, 'a', sizeof(s));
	memcpy(s, "3A001.", 6);
	s[DOMAIN_CONTROL_MAX] = '\0';
	assert_int_equal(domain_control_parse(s, &c), 0);
	assert_int_equal(strlen(c.text), DOMAIN_CONTROL_MAX);
	s[DOMAIN_CONTROL_MAX] = 'a';
	s[DOMAIN_CONTROL_MAX + 1] = '\0';
	assert_int_equal(domain_control_parse(s, &c), LCN_EINVAL);
	assert_int_equal(c.kind, DOMAIN_CONTROL_NONE);
}

static void
controls_overlap_at_entry_boundaries(void **state)
{
	(void)state;
	assert_true(domain_controls_overlap("3A001.b", "3A001.b.1"));
	assert_true(domain_controls_overlap("3A001.b.1", "3A001.b"));
	assert_true(domain_controls_overlap("3A001", "3A001.b.1.a"));
	assert_true(domain_controls_overlap("3A001.b.1", "3A001.b.1"));
	assert_true(domain_controls_overlap("3a001.B.1", " 3A001 .b"));
	assert_false(domain_controls_overlap("3A001.b", "3A001.bb"));
	assert_false(domain_controls_overlap("3A001", "3A0011"));
	assert_false(domain_controls_overlap("3A001.b.1", "3A001.b.2"));
	assert_false(domain_controls_overlap("3A001.b", "3A001.a.1"));
	assert_false(domain_controls_overlap("3A001", "3A002"));
	assert_false(domain_controls_overlap("ML1", "ML10"));
	assert_true(domain_controls_overlap("ML10", "ML10.a"));
	assert_false(domain_controls_overlap("ML10", "3A001"));
}

static void
controls_catch_all_overlaps_only_catch_all(void **state)
{
	(void)state;
	assert_true(domain_controls_overlap("catch-all", "catch all"));
	assert_true(domain_controls_overlap("catch-all", "EAR99"));
	assert_true(domain_controls_overlap("EAR99", "ear99"));
	assert_false(domain_controls_overlap("catch-all", "3A001"));
	assert_false(domain_controls_overlap("3A001.b.1", "catch-all"));
	assert_false(domain_controls_overlap("EAR99", "3A001"));
	assert_false(domain_controls_overlap("catch-all", "ML10"));
}

static void
controls_unparsable_overlap_nothing(void **state)
{
	(void)state;
	assert_false(domain_controls_overlap("3A001.b", "3A001.b."));
	assert_false(domain_controls_overlap("", ""));
	assert_false(domain_controls_overlap(NULL, "3A001"));
	assert_false(domain_controls_overlap("junk", "junk"));
}

/* ---------------------------------------------------------- review dates */

static void
review_default_is_three_calendar_years_same_time_of_day(void **state)
{
	(void)state;
	assert_int_equal(domain_review_default(T_2020_01_01), T_2023_01_01);
	assert_int_equal(domain_review_default(T_2023_03_10_TOD),
	    T_2026_03_10_TOD);
	assert_int_equal(domain_review_default(T_2025_06_01), T_2028_06_01);
}

static void
review_default_from_leap_day_is_28_february(void **state)
{
	(void)state;
	assert_int_equal(domain_review_default(T_2024_02_29), T_2027_02_28);
}

static void
review_default_saturates_beyond_year_9999(void **state)
{
	(void)state;
	assert_int_equal(domain_review_default(UINT64_MAX), UINT64_MAX);
	assert_int_equal(domain_review_default(253402300800000ULL),
	    UINT64_MAX);
	assert_true(domain_review_default(253402214400000ULL) < UINT64_MAX);
}

/* ---------------------------------------------------------- denial state */

static struct domain_denial
notice_at(uint64_t decision, uint64_t review)
{
	struct domain_denial n;

	memset(&n, 0, sizeof(n));
	n.ref = "JP-METI/DN/2026/0042";
	n.regime = "NSG";
	n.decision_ms = decision;
	n.review_ms = review;
	return n;
}

static void
denial_without_updates_is_active_before_review(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, NULL, 0, T_2020_01_01, &st),
	    0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
	assert_int_equal(st.review_ms, T_2023_01_01);
	assert_ptr_equal(st.content, &n);
	assert_int_equal(st.amended_by, 0);
	assert_true(domain_denial_active(st.state));
	assert_string_equal(domain_denial_state_name(st.state), "active");
}

static void
denial_is_review_due_exactly_at_review_date(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, NULL, 0, T_2023_01_01 - 1,
	    &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
	assert_int_equal(domain_denial_state(&n, NULL, 0, T_2023_01_01, &st),
	    0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVIEW_DUE);
	assert_false(domain_denial_active(st.state));
	assert_string_equal(domain_denial_state_name(st.state), "review-due");
}

static void
denial_explicit_review_date_overrides_default(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, T_2020_01_01 + DAY);
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, NULL, 0, T_2020_01_01 + DAY,
	    &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVIEW_DUE);
	assert_int_equal(st.review_ms, T_2020_01_01 + DAY);
	n = notice_at(0, T_2025_06_01);
	assert_int_equal(domain_denial_state(&n, NULL, 0, T_2023_01_01, &st),
	    0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
}

static void
denial_renewed_after_review_due_is_active_again(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_RENEW, T_2028_06_01, NULL },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 1, T_2025_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
	assert_int_equal(st.review_ms, T_2028_06_01);
	assert_int_equal(domain_denial_state(&n, u, 1, T_2028_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVIEW_DUE);
}

static void
denial_renew_may_set_an_earlier_review_date(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_RENEW, T_2020_01_01 + DAY, NULL },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 1, T_2020_01_01 + DAY,
	    &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVIEW_DUE);
}

static void
denial_revoke_then_renew_stays_revoked(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial a = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_REVOKE, 0, NULL },
		{ DOMAIN_DENIAL_RENEW, T_2028_06_01, NULL },
		{ DOMAIN_DENIAL_AMEND, 0, &a },
		{ 99, 0, NULL },	/* even a bad update: terminal */
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 4, T_2020_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVOKED);
	assert_int_equal(st.revoked_by, 1);
	assert_int_equal(st.nignored, 3);
	assert_ptr_equal(st.content, &n);
	assert_false(domain_denial_active(st.state));
	assert_string_equal(domain_denial_state_name(st.state), "revoked");
}

static void
denial_revoked_after_renewal_is_revoked(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_RENEW, T_2028_06_01, NULL },
		{ DOMAIN_DENIAL_REVOKE, 0, NULL },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 2, T_2020_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVOKED);
	assert_int_equal(st.revoked_by, 2);
	assert_int_equal(st.nignored, 0);
}

static void
denial_suspended_until_renewed(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial a = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_SUSPEND, 0, NULL },
		{ DOMAIN_DENIAL_AMEND, 0, &a },
		{ DOMAIN_DENIAL_RENEW, T_2028_06_01, NULL },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 1, T_2020_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_SUSPENDED);
	assert_false(domain_denial_active(st.state));
	assert_string_equal(domain_denial_state_name(st.state), "suspended");
	/* An amendment changes content, not the suspension. */
	assert_int_equal(domain_denial_state(&n, u, 2, T_2020_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_SUSPENDED);
	assert_ptr_equal(st.content, &a);
	assert_int_equal(domain_denial_state(&n, u, 3, T_2020_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
}

static void
denial_suspension_wins_over_review_due(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_SUSPEND, 0, NULL },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 1, T_2025_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_SUSPENDED);
}

static void
denial_amend_replaces_content_and_parties(void **state)
{
	struct domain_party p0[] = {
		{ DOMAIN_ROLE_END_USER, "Old Trading Co", "CN", NULL },
	};
	struct domain_party p1[] = {
		{ DOMAIN_ROLE_END_USER, "New Trading Co", "CN", NULL },
		{ DOMAIN_ROLE_CONSIGNEE, "Front Ltd", "HK", NULL },
	};
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial a1 = notice_at(T_2020_01_01, 0);
	struct domain_denial a2 = notice_at(T_2020_01_01, 0);
	struct domain_denial_update u[2];
	struct domain_denial_status st;

	(void)state;
	n.parties = p0;
	n.nparties = 1;
	a1.parties = p1;
	a1.nparties = 2;
	a2.parties = p1;
	a2.nparties = 1;
	memset(u, 0, sizeof(u));
	u[0].action = DOMAIN_DENIAL_AMEND;
	u[0].amended = &a1;
	u[1].action = DOMAIN_DENIAL_AMEND;
	u[1].amended = &a2;
	assert_int_equal(domain_denial_state(&n, u, 1, T_2020_01_01, &st), 0);
	assert_ptr_equal(st.content, &a1);
	assert_int_equal(st.amended_by, 1);
	assert_int_equal(st.content->nparties, 2);
	assert_string_equal(st.content->parties[1].name, "Front Ltd");
	assert_int_equal(domain_denial_state(&n, u, 2, T_2020_01_01, &st), 0);
	assert_ptr_equal(st.content, &a2);
	assert_int_equal(st.amended_by, 2);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
}

static void
denial_amend_copy_does_not_undo_renewal(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial copy = notice_at(T_2020_01_01, T_2023_01_01);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_RENEW, T_2028_06_01, NULL },
		{ DOMAIN_DENIAL_AMEND, 0, &copy },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, u, 2, T_2025_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
	assert_int_equal(st.review_ms, T_2028_06_01);
	assert_ptr_equal(st.content, &copy);
}

static void
denial_amend_with_new_decision_reactivates_review_due(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial a = notice_at(T_2025_06_01, 0);
	struct domain_denial_update u[] = {
		{ DOMAIN_DENIAL_AMEND, 0, &a },
	};
	struct domain_denial_status st;

	(void)state;
	assert_int_equal(domain_denial_state(&n, NULL, 0, T_2025_06_01, &st),
	    0);
	assert_int_equal(st.state, DOMAIN_DENIAL_REVIEW_DUE);
	assert_int_equal(domain_denial_state(&n, u, 1, T_2025_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_DENIAL_ACTIVE);
	assert_int_equal(st.review_ms, T_2028_06_01);
}

static void
denial_rejects_malformed_input_and_zeroes_status(void **state)
{
	struct domain_denial n = notice_at(T_2020_01_01, 0);
	struct domain_denial undated = notice_at(0, 0);
	struct domain_denial_update amend_null[] = {
		{ DOMAIN_DENIAL_AMEND, 0, NULL },
	};
	struct domain_denial_update renew_zero[] = {
		{ DOMAIN_DENIAL_RENEW, 0, NULL },
	};
	struct domain_denial_update unknown[] = {
		{ DOMAIN_DENIAL_ACTION_UNSPECIFIED, 0, NULL },
	};
	struct domain_denial_status st;

	(void)state;
	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(domain_denial_state(&undated, NULL, 0, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(st.state, DOMAIN_DENIAL_NONE);
	assert_null(st.content);
	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(domain_denial_state(&n, amend_null, 1, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(st.state, DOMAIN_DENIAL_NONE);
	assert_null(st.content);
	assert_int_equal(domain_denial_state(&n, renew_zero, 1, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(st.review_ms, 0);
	assert_int_equal(domain_denial_state(&n, unknown, 1, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(domain_denial_state(&n, NULL, 1, 0, &st), LCN_EINVAL);
	assert_int_equal(domain_denial_state(NULL, NULL, 0, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(domain_denial_state(&n, NULL, 0, 0, NULL),
	    LCN_EINVAL);
}

/* ---------------------------------------------------------- alert state */

static struct domain_alert
alert_window(uint64_t from, uint64_t until)
{
	struct domain_alert a;

	memset(&a, 0, sizeof(a));
	a.ref = "US-BIS/EUA/2026/0007";
	a.valid_from_ms = from;
	a.valid_until_ms = until;
	return a;
}

static void
alert_is_active_inside_its_window(void **state)
{
	struct domain_alert a = alert_window(T_2020_01_01, T_2023_01_01);
	struct domain_alert_status st;

	(void)state;
	assert_int_equal(domain_alert_state(&a, NULL, 0, T_2020_01_01, &st),
	    0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
	assert_ptr_equal(st.content, &a);
	assert_string_equal(domain_alert_state_name(st.state), "active");
	assert_int_equal(domain_alert_state(&a, NULL, 0, T_2023_01_01 - 1,
	    &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
}

static void
alert_valid_from_in_future_is_not_yet_valid(void **state)
{
	struct domain_alert a = alert_window(T_2025_06_01, 0);
	struct domain_alert_status st;

	(void)state;
	assert_int_equal(domain_alert_state(&a, NULL, 0, T_2025_06_01 - 1,
	    &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_NOT_YET_VALID);
	assert_string_equal(domain_alert_state_name(st.state),
	    "not-yet-valid");
}

static void
alert_expires_exactly_at_valid_until(void **state)
{
	struct domain_alert a = alert_window(T_2020_01_01, T_2023_01_01);
	struct domain_alert_status st;

	(void)state;
	assert_int_equal(domain_alert_state(&a, NULL, 0, T_2023_01_01, &st),
	    0);
	assert_int_equal(st.state, DOMAIN_ALERT_EXPIRED);
	assert_string_equal(domain_alert_state_name(st.state), "expired");
}

static void
alert_open_ended_never_expires(void **state)
{
	struct domain_alert a = alert_window(0, 0);
	struct domain_alert_status st;

	(void)state;
	assert_int_equal(domain_alert_state(&a, NULL, 0, UINT64_MAX, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
	assert_int_equal(domain_alert_state(&a, NULL, 0, 0, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
}

static void
alert_extend_revives_expired_and_may_open_end(void **state)
{
	struct domain_alert a = alert_window(T_2020_01_01, T_2023_01_01);
	struct domain_alert_update u[] = {
		{ DOMAIN_ALERT_EXTEND, T_2028_06_01, NULL },
		{ DOMAIN_ALERT_EXTEND, 0, NULL },
	};
	struct domain_alert_status st;

	(void)state;
	assert_int_equal(domain_alert_state(&a, u, 1, T_2025_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
	assert_int_equal(st.valid_until_ms, T_2028_06_01);
	assert_int_equal(domain_alert_state(&a, u, 1, T_2028_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_EXPIRED);
	assert_int_equal(domain_alert_state(&a, u, 2, UINT64_MAX, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
	assert_int_equal(st.valid_until_ms, 0);
}

static void
alert_withdraw_is_terminal(void **state)
{
	struct domain_alert a = alert_window(T_2020_01_01, 0);
	struct domain_alert_update u[] = {
		{ DOMAIN_ALERT_WITHDRAW, 0, NULL },
		{ DOMAIN_ALERT_EXTEND, T_2028_06_01, NULL },
		{ 42, 0, NULL },
	};
	struct domain_alert_status st;

	(void)state;
	assert_int_equal(domain_alert_state(&a, u, 3, T_2023_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_WITHDRAWN);
	assert_int_equal(st.withdrawn_by, 1);
	assert_int_equal(st.nignored, 2);
	assert_string_equal(domain_alert_state_name(st.state), "withdrawn");
	/* Withdrawn even before it became valid. */
	a = alert_window(T_2028_06_01, 0);
	assert_int_equal(domain_alert_state(&a, u, 1, T_2023_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_WITHDRAWN);
}

static void
alert_amend_replaces_content_and_never_shortens(void **state)
{
	struct domain_party p = { DOMAIN_ROLE_END_USER, "Front Ltd", "HK",
	    NULL };
	struct domain_alert a = alert_window(T_2020_01_01, T_2028_06_01);
	struct domain_alert b = alert_window(T_2023_01_01, T_2025_06_01);
	struct domain_alert_update u[] = {
		{ DOMAIN_ALERT_AMEND, 0, &b },
	};
	struct domain_alert_status st;

	(void)state;
	b.party = &p;
	assert_int_equal(domain_alert_state(&a, u, 1, T_2020_01_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_NOT_YET_VALID);
	assert_ptr_equal(st.content, &b);
	assert_int_equal(st.amended_by, 1);
	assert_string_equal(st.content->party->name, "Front Ltd");
	assert_int_equal(st.valid_from_ms, T_2023_01_01);
	assert_int_equal(st.valid_until_ms, T_2028_06_01);
	assert_int_equal(domain_alert_state(&a, u, 1, T_2025_06_01, &st), 0);
	assert_int_equal(st.state, DOMAIN_ALERT_ACTIVE);
}

static void
alert_rejects_malformed_input_and_zeroes_status(void **state)
{
	struct domain_alert a = alert_window(0, 0);
	struct domain_alert_update amend_null[] = {
		{ DOMAIN_ALERT_AMEND, 0, NULL },
	};
	struct domain_alert_update unknown[] = {
		{ DOMAIN_ALERT_ACTION_UNSPECIFIED, 0, NULL },
	};
	struct domain_alert_status st;

	(void)state;
	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(domain_alert_state(&a, amend_null, 1, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(st.state, DOMAIN_ALERT_NONE);
	assert_null(st.content);
	assert_int_equal(domain_alert_state(&a, unknown, 1, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(domain_alert_state(&a, NULL, 2, 0, &st), LCN_EINVAL);
	assert_int_equal(domain_alert_state(NULL, NULL, 0, 0, &st),
	    LCN_EINVAL);
	assert_int_equal(domain_alert_state(&a, NULL, 0, 0, NULL), LCN_EINVAL);
}

/* ---------------------------------------------------------- consultation */

static void
consultation_required_for_nsg_ag_eu(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(domain_consultation("NSG", DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_non_null(strstr(why, "NSG"));
	assert_int_equal(domain_consultation("AG", DOMAIN_BASIS_CATCH_ALL_WMD,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_non_null(strstr(why, "Australia Group"));
	assert_int_equal(domain_consultation("EU",
	    DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE, &why),
	    DOMAIN_CONSULT_REQUIRED);
	assert_non_null(strstr(why, "2021/821"));
	assert_int_equal(domain_consultation(" nuclear suppliers group ",
	    DOMAIN_BASIS_LISTED_ITEM, NULL), DOMAIN_CONSULT_REQUIRED);
	assert_string_equal(domain_consult_name(DOMAIN_CONSULT_REQUIRED),
	    "consult-required");
}

static void
consultation_mtcr_listed_required_catch_all_none(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(domain_consultation("MTCR", DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(domain_consultation("mtcr", DOMAIN_BASIS_UNSPECIFIED,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(domain_consultation("MTCR",
	    DOMAIN_BASIS_CATCH_ALL_WMD, &why), DOMAIN_CONSULT_NONE);
	assert_non_null(strstr(why, "catch-all"));
	assert_int_equal(domain_consultation("MTCR",
	    DOMAIN_BASIS_CATCH_ALL_EMBARGO, NULL), DOMAIN_CONSULT_NONE);
	assert_int_equal(domain_consultation("MTCR",
	    DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE, NULL),
	    DOMAIN_CONSULT_NONE);
	assert_string_equal(domain_consult_name(DOMAIN_CONSULT_NONE), "none");
}

static void
consultation_wassenaar_notifies_after(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(domain_consultation("WA", DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_NOTIFY_AFTER);
	assert_non_null(strstr(why, "afterwards"));
	assert_int_equal(domain_consultation("Wassenaar Arrangement",
	    DOMAIN_BASIS_LISTED_ITEM, NULL), DOMAIN_CONSULT_NOTIFY_AFTER);
	assert_string_equal(domain_consult_name(DOMAIN_CONSULT_NOTIFY_AFTER),
	    "notify-after");
}

static void
consultation_unknown_regime_fails_safe(void **state)
{
	const char *unknown[] = { "JP+US", "Quantum-7", "", "  ", "W A",
	    "NSG2" };
	const char *why = NULL;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		why = NULL;
		assert_int_equal(domain_regime_parse(unknown[i]),
		    DOMAIN_REGIME_UNKNOWN);
		assert_int_equal(domain_consultation(unknown[i],
		    DOMAIN_BASIS_CATCH_ALL_WMD, &why),
		    DOMAIN_CONSULT_REQUIRED);
		assert_non_null(strstr(why, "not recognised"));
	}
	assert_int_equal(domain_consultation(NULL, DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_REQUIRED);
}

static void
regime_parse_ignores_case_and_space(void **state)
{
	(void)state;
	assert_int_equal(domain_regime_parse("wa"), DOMAIN_REGIME_WA);
	assert_int_equal(domain_regime_parse("\tAustralia group "),
	    DOMAIN_REGIME_AG);
	assert_int_equal(domain_regime_parse("Missile Technology Control "
	    "Regime"), DOMAIN_REGIME_MTCR);
	assert_int_equal(domain_regime_parse("eU"), DOMAIN_REGIME_EU);
	assert_int_equal(domain_regime_parse("NSG"), DOMAIN_REGIME_NSG);
}

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
		cmocka_unit_test(control_parse_canonicalises_case_and_space),
		cmocka_unit_test(control_parse_accepts_catch_all_spellings),
		cmocka_unit_test(control_parse_accepts_ear99_and_munitions),
		cmocka_unit_test(
		    control_parse_rejects_malformed_and_zeroes_output),
		cmocka_unit_test(
		    control_parse_accepts_exact_fit_and_rejects_one_more),
		cmocka_unit_test(controls_overlap_at_entry_boundaries),
		cmocka_unit_test(controls_catch_all_overlaps_only_catch_all),
		cmocka_unit_test(controls_unparsable_overlap_nothing),
		cmocka_unit_test(
		    review_default_is_three_calendar_years_same_time_of_day),
		cmocka_unit_test(review_default_from_leap_day_is_28_february),
		cmocka_unit_test(review_default_saturates_beyond_year_9999),
		cmocka_unit_test(
		    denial_without_updates_is_active_before_review),
		cmocka_unit_test(denial_is_review_due_exactly_at_review_date),
		cmocka_unit_test(denial_explicit_review_date_overrides_default),
		cmocka_unit_test(
		    denial_renewed_after_review_due_is_active_again),
		cmocka_unit_test(denial_renew_may_set_an_earlier_review_date),
		cmocka_unit_test(denial_revoke_then_renew_stays_revoked),
		cmocka_unit_test(denial_revoked_after_renewal_is_revoked),
		cmocka_unit_test(denial_suspended_until_renewed),
		cmocka_unit_test(denial_suspension_wins_over_review_due),
		cmocka_unit_test(denial_amend_replaces_content_and_parties),
		cmocka_unit_test(denial_amend_copy_does_not_undo_renewal),
		cmocka_unit_test(
		    denial_amend_with_new_decision_reactivates_review_due),
		cmocka_unit_test(
		    denial_rejects_malformed_input_and_zeroes_status),
		cmocka_unit_test(alert_is_active_inside_its_window),
		cmocka_unit_test(alert_valid_from_in_future_is_not_yet_valid),
		cmocka_unit_test(alert_expires_exactly_at_valid_until),
		cmocka_unit_test(alert_open_ended_never_expires),
		cmocka_unit_test(alert_extend_revives_expired_and_may_open_end),
		cmocka_unit_test(alert_withdraw_is_terminal),
		cmocka_unit_test(
		    alert_amend_replaces_content_and_never_shortens),
		cmocka_unit_test(
		    alert_rejects_malformed_input_and_zeroes_status),
		cmocka_unit_test(consultation_required_for_nsg_ag_eu),
		cmocka_unit_test(
		    consultation_mtcr_listed_required_catch_all_none),
		cmocka_unit_test(consultation_wassenaar_notifies_after),
		cmocka_unit_test(consultation_unknown_regime_fails_safe),
		cmocka_unit_test(regime_parse_ignores_case_and_space),
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
