/*
 * Unit tests for consult_state.c, up to the decision: the request's
 * terms, each reply, extensions, information after need-info, and the
 * lapse at the deadline's exact millisecond; every ignored entry leaves
 * the track exactly as it was. test_consult_decide.c goes on from there.
 */
#include "test_consult_fx.h"

/* ---------------------------------------------------------- request */

static void
init_awaits_reply_with_the_request_terms(void **state)
{
	struct consult_track t;

	(void)state;
	memset(&t, 0xa5, sizeof(t));
	eu_track(&t);
	assert_int_equal(t.state, CONSULT_AWAITING_REPLY);
	assert_int_equal(t.silence, CONSULT_SILENCE_NO_OBJECTION);
	assert_int_equal(t.info_restarts, 1);
	assert_true(t.asked_ms == ms_of("2026-09-15") + 10 * HOUR_MS);
	assert_true(t.deadline_ms == end_of("2026-10-02"));
	assert_true(t.first_deadline_ms == t.deadline_ms);
	assert_true(t.extension_limit_ms == end_of("2026-11-13"));
	assert_int_equal(t.position, CONSULT_POSITION_NONE);
	assert_true(t.replied_ms == 0);
	assert_int_equal(t.decision, CONSULT_DECISION_NONE);
	assert_int_equal(t.undercut, 0);
	assert_int_equal(t.ninfo, 0);
	assert_int_equal(t.nextended, 0);
}

static void
init_without_deadline_allows_no_extension(void **state)
{
	struct consult_request_view v;
	struct consult_track t;

	(void)state;
	eu_view(&v);
	v.deadline_ms = 0;
	consult_track_init(&t, &v);
	assert_true(t.deadline_ms == 0);
	assert_true(t.extension_limit_ms == 0);
}

/* ---------------------------------------------------------- replies */

static void
reply_object_is_replied(void **state)
{
	struct consult_track t;
	uint64_t at = ms_of("2026-09-18");

	(void)state;
	eu_track(&t);
	assert_int_equal(REPLY(&t, 1, OBJECT, 0, at), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_REPLIED);
	assert_int_equal(t.position, CONSULT_POSITION_OBJECT);
	assert_true(t.replied_ms == at);
}

static void
reply_no_objection_is_replied(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	assert_int_equal(REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_REPLIED);
	assert_int_equal(t.position, CONSULT_POSITION_NO_OBJECTION);
}

static void
reply_maintain_denial_is_replied(void **state)
{
	struct consult_track t;

	(void)state;
	nsg_track(&t);
	assert_int_equal(REPLY(&t, 1, MAINTAIN_DENIAL, 0, ms_of("2027-01-05")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_REPLIED);
	assert_int_equal(t.position, CONSULT_POSITION_MAINTAIN_DENIAL);
}

static void
reply_need_info_requests_information(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	assert_int_equal(REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_INFO_REQUESTED);
	assert_int_equal(t.position, CONSULT_POSITION_NONE);
	assert_true(t.replied_ms == 0);
	/* The turn is the asker's: no reply awaited, no lapse. */
	assert_int_equal(consult_state_at(&t, end_of("2026-10-02") + 1),
	    CONSULT_INFO_REQUESTED);
}

static void
reply_ack_alone_changes_nothing(void **state)
{
	struct consult_track t, before;

	(void)state;
	eu_track(&t);
	memcpy(&before, &t, sizeof(before));
	assert_int_equal(REPLY(&t, 1, ACK, 0, ms_of("2026-09-16")),
	    CONSULT_STEP_APPLIED);
	assert_memory_equal(&t, &before, sizeof(t));
}

static void
reply_after_the_deadline_still_counts(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	assert_int_equal(consult_state_at(&t, ms_of("2026-10-05")),
	    CONSULT_LAPSED);
	assert_int_equal(REPLY(&t, 1, OBJECT, 0, ms_of("2026-10-05")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(consult_state_at(&t, ms_of("2026-10-05")),
	    CONSULT_REPLIED);
}

static void
later_reply_replaces_the_position(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	assert_int_equal(REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.position, CONSULT_POSITION_NO_OBJECTION);
	assert_true(t.replied_ms == ms_of("2026-09-18"));
	assert_int_equal(consult_grant_undercuts(&t, ms_of("2026-09-18")), 0);
}

static void
need_info_after_a_reply_keeps_the_position(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	assert_int_equal(REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-17")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_INFO_REQUESTED);
	assert_int_equal(t.position, CONSULT_POSITION_OBJECT);
	/* A grant is no longer early, and undercuts the objection. */
	assert_int_equal(consult_grant_early(&t, ms_of("2026-09-17")), 0);
	assert_int_equal(consult_grant_undercuts(&t, ms_of("2026-09-17")), 1);
}

static void
reply_from_the_wrong_agency_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, REPLY(&t, 0, NO_OBJECTION, 0, ms_of("2026-09-16")),
	    CONSULT_STEP_WRONG_AGENCY);
	IGNORED(&t, REPLY(&t, 0, ACK, end_of("2026-10-09"),
	    ms_of("2026-09-16")), CONSULT_STEP_WRONG_AGENCY);
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	/* Not the consulted agency's ack: it does not close. */
	IGNORED(&t, REPLY(&t, 0, ACK, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_WRONG_AGENCY);
}

static void
reply_without_a_position_is_invalid(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, REPLY(&t, 1, NONE, 0, ms_of("2026-09-16")),
	    CONSULT_STEP_INVALID);
	IGNORED(&t, consult_track_reply(&t, 1, (enum consult_position)99, 0,
	    ms_of("2026-09-16")), CONSULT_STEP_INVALID);
}

/* ---------------------------------------------------------- extensions */

static void
ack_with_extension_extends(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	assert_int_equal(REPLY(&t, 1, ACK, end_of("2026-10-16"),
	    ms_of("2026-09-30")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_EXTENDED);
	assert_true(t.deadline_ms == end_of("2026-10-16"));
	assert_true(t.first_deadline_ms == end_of("2026-10-02"));
	assert_int_equal(t.nextended, 1);
	/* No longer lapsed after the first deadline. */
	assert_int_equal(consult_state_at(&t, ms_of("2026-10-05")),
	    CONSULT_EXTENDED);
	assert_true(consult_awaits_reply(consult_state_at(&t,
	    ms_of("2026-10-05"))));
}

static void
extended_is_extended_again_up_to_the_limit(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, ACK, end_of("2026-10-16"), ms_of("2026-09-30"));
	assert_int_equal(REPLY(&t, 1, ACK, end_of("2026-11-13"),
	    ms_of("2026-10-15")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_EXTENDED);
	assert_true(t.deadline_ms == t.extension_limit_ms);
	assert_int_equal(t.nextended, 2);
	/* An extended request is still answered as any other. */
	assert_int_equal(REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-11-02")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_REPLIED);
}

static void
extension_past_the_limit_is_refused(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-11-13") + 1,
	    ms_of("2026-09-30")), CONSULT_STEP_BAD_EXTENSION);
}

static void
extension_not_later_than_the_deadline_is_refused(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-10-02"),
	    ms_of("2026-09-30")), CONSULT_STEP_BAD_EXTENSION);
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-09-30"),
	    ms_of("2026-09-30")), CONSULT_STEP_BAD_EXTENSION);
	REPLY(&t, 1, ACK, end_of("2026-10-16"), ms_of("2026-09-30"));
	/* Not back to an earlier date either. */
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-10-09"),
	    ms_of("2026-10-01")), CONSULT_STEP_BAD_EXTENSION);
}

static void
extension_after_the_deadline_is_refused(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	/* On the last day it may still be asked; the day after, no. */
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-10-16"),
	    end_of("2026-10-02") + 1), CONSULT_STEP_BAD_EXTENSION);
	assert_int_equal(REPLY(&t, 1, ACK, end_of("2026-10-16"),
	    end_of("2026-10-02")), CONSULT_STEP_APPLIED);
}

static void
extension_of_a_request_without_limit_is_refused(void **state)
{
	struct consult_request_view v;
	struct consult_track t;

	(void)state;
	eu_view(&v);
	v.extension_limit_ms = 0;
	consult_track_init(&t, &v);
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-10-09"),
	    ms_of("2026-09-30")), CONSULT_STEP_BAD_EXTENSION);
	nsg_track(&t);
	IGNORED(&t, REPLY(&t, 1, ACK, end_of("2026-10-09"),
	    ms_of("2026-09-30")), CONSULT_STEP_BAD_EXTENSION);
}

static void
need_info_with_extension_moves_the_deadline(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	assert_int_equal(REPLY(&t, 1, NEED_INFO, end_of("2026-10-09"),
	    ms_of("2026-09-16")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_INFO_REQUESTED);
	assert_true(t.deadline_ms == end_of("2026-10-09"));
	assert_int_equal(t.nextended, 1);
	/* A bad one refuses the whole reply: no need-info either. */
	eu_track(&t);
	IGNORED(&t, REPLY(&t, 1, NEED_INFO, end_of("2027-01-09"),
	    ms_of("2026-09-16")), CONSULT_STEP_BAD_EXTENSION);
}

static void
extension_while_information_is_awaited_keeps_the_state(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(REPLY(&t, 1, ACK, end_of("2026-10-09"),
	    ms_of("2026-09-17")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_INFO_REQUESTED);
	assert_true(t.deadline_ms == end_of("2026-10-09"));
}

static void
substantive_reply_ignores_an_extension(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	assert_int_equal(REPLY(&t, 1, OBJECT, end_of("2030-01-01"),
	    ms_of("2026-09-16")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_REPLIED);
	assert_true(t.deadline_ms == end_of("2026-10-02"));
	assert_int_equal(t.nextended, 0);
}

/* ---------------------------------------------------------- information */

static void
information_restarts_the_deadline(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_info(&t, 1, end_of("2026-10-08"),
	    ms_of("2026-09-24")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_AWAITING_REPLY);
	assert_true(t.deadline_ms == end_of("2026-10-08"));
	assert_true(t.first_deadline_ms == end_of("2026-10-02"));
	assert_int_equal(t.ninfo, 1);
	assert_int_equal(consult_state_at(&t, ms_of("2026-10-05")),
	    CONSULT_AWAITING_REPLY);
	assert_int_equal(consult_state_at(&t, ms_of("2026-10-09")),
	    CONSULT_LAPSED);
}

static void
information_without_deadline_keeps_it(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_info(&t, 1, 0, ms_of("2026-09-24")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_AWAITING_REPLY);
	assert_true(t.deadline_ms == end_of("2026-10-02"));
}

static void
information_never_shortens_the_deadline(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_info(&t, 1, end_of("2026-09-25"),
	    ms_of("2026-09-24")), CONSULT_STEP_APPLIED);
	assert_true(t.deadline_ms == end_of("2026-10-02"));
}

static void
information_keeps_the_deadline_when_the_request_says_so(void **state)
{
	struct consult_request_view v;
	struct consult_track t;

	(void)state;
	eu_view(&v);
	v.info_restarts = 0;
	consult_track_init(&t, &v);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_info(&t, 1, end_of("2026-10-08"),
	    ms_of("2026-09-24")), CONSULT_STEP_APPLIED);
	assert_true(t.deadline_ms == end_of("2026-10-02"));
	/* Nor does a request without a deadline gain one. */
	nsg_track(&t);
	t.info_restarts = 1;
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_info(&t, 1, end_of("2026-10-08"),
	    ms_of("2026-09-24")), CONSULT_STEP_APPLIED);
	assert_true(t.deadline_ms == 0);
}

static void
information_nobody_asked_for_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, consult_track_info(&t, 1, 0, ms_of("2026-09-16")),
	    CONSULT_STEP_NOT_ASKED);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	IGNORED(&t, consult_track_info(&t, 1, 0, ms_of("2026-09-17")),
	    CONSULT_STEP_NOT_ASKED);
	/* Answered once; a second round needs a second need-info. */
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	consult_track_info(&t, 1, 0, ms_of("2026-09-17"));
	IGNORED(&t, consult_track_info(&t, 1, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_NOT_ASKED);
}

static void
information_from_the_wrong_agency_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	IGNORED(&t, consult_track_info(&t, 0, 0, ms_of("2026-09-17")),
	    CONSULT_STEP_WRONG_AGENCY);
}

static void
information_after_the_decision_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	IGNORED(&t, consult_track_info(&t, 1, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_NOT_OPEN);
}

/* ---------------------------------------------------------- lapse */

static void
lapse_is_after_the_last_instant_of_the_deadline(void **state)
{
	struct consult_track t;
	uint64_t d = end_of("2026-10-02");

	(void)state;
	eu_track(&t);
	assert_int_equal(consult_state_at(&t, d - 1), CONSULT_AWAITING_REPLY);
	assert_int_equal(consult_state_at(&t, d), CONSULT_AWAITING_REPLY);
	assert_int_equal(consult_state_at(&t, d + 1), CONSULT_LAPSED);
	assert_int_equal(consult_state_at(&t, UINT64_MAX), CONSULT_LAPSED);
	/* LAPSED is seen, never stored. */
	assert_int_equal(t.state, CONSULT_AWAITING_REPLY);
	assert_true(consult_awaits_reply(consult_state_at(&t, d + 1)));
}

static void
extended_lapses_at_its_new_deadline(void **state)
{
	struct consult_track t;
	uint64_t d = end_of("2026-10-16");

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, ACK, d, ms_of("2026-09-30"));
	assert_int_equal(consult_state_at(&t, d), CONSULT_EXTENDED);
	assert_int_equal(consult_state_at(&t, d + 1), CONSULT_LAPSED);
}

static void
no_deadline_never_lapses(void **state)
{
	struct consult_track t;

	(void)state;
	nsg_track(&t);
	assert_int_equal(consult_state_at(&t, UINT64_MAX),
	    CONSULT_AWAITING_REPLY);
}

static void
replied_and_decided_never_lapse(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_state_at(&t, UINT64_MAX), CONSULT_REPLIED);
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	assert_int_equal(consult_state_at(&t, UINT64_MAX), CONSULT_DECIDED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_awaits_reply_with_the_request_terms),
		cmocka_unit_test(init_without_deadline_allows_no_extension),
		cmocka_unit_test(reply_object_is_replied),
		cmocka_unit_test(reply_no_objection_is_replied),
		cmocka_unit_test(reply_maintain_denial_is_replied),
		cmocka_unit_test(reply_need_info_requests_information),
		cmocka_unit_test(reply_ack_alone_changes_nothing),
		cmocka_unit_test(reply_after_the_deadline_still_counts),
		cmocka_unit_test(later_reply_replaces_the_position),
		cmocka_unit_test(need_info_after_a_reply_keeps_the_position),
		cmocka_unit_test(reply_from_the_wrong_agency_is_ignored),
		cmocka_unit_test(reply_without_a_position_is_invalid),
		cmocka_unit_test(ack_with_extension_extends),
		cmocka_unit_test(extended_is_extended_again_up_to_the_limit),
		cmocka_unit_test(extension_past_the_limit_is_refused),
		cmocka_unit_test(
		    extension_not_later_than_the_deadline_is_refused),
		cmocka_unit_test(extension_after_the_deadline_is_refused),
		cmocka_unit_test(
		    extension_of_a_request_without_limit_is_refused),
		cmocka_unit_test(need_info_with_extension_moves_the_deadline),
		cmocka_unit_test(
		    extension_while_information_is_awaited_keeps_the_state),
		cmocka_unit_test(substantive_reply_ignores_an_extension),
		cmocka_unit_test(information_restarts_the_deadline),
		cmocka_unit_test(information_without_deadline_keeps_it),
		cmocka_unit_test(information_never_shortens_the_deadline),
		cmocka_unit_test(
		    information_keeps_the_deadline_when_the_request_says_so),
		cmocka_unit_test(information_nobody_asked_for_is_ignored),
		cmocka_unit_test(information_from_the_wrong_agency_is_ignored),
		cmocka_unit_test(information_after_the_decision_is_ignored),
		cmocka_unit_test(
		    lapse_is_after_the_last_instant_of_the_deadline),
		cmocka_unit_test(extended_lapses_at_its_new_deadline),
		cmocka_unit_test(no_deadline_never_lapses),
		cmocka_unit_test(replied_and_decided_never_lapse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
