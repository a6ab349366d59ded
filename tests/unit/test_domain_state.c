/*
 * Domain rules (store/domain.c) over time: a denial's default review date,
 * and the state of a denial and of an end-user alert after their updates
 * (renew, revoke, suspend, amend, extend, withdraw). Times are fixed UTC
 * instants; nothing reads the clock.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
