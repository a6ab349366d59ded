/*
 * Unit tests for consult_state.c, from the decision on: deny in every
 * open state, early grants refused, decisions dated before their request
 * ignored, the undercut rule under each reply and each meaning of
 * silence, closing, and a whole exchange stepped twice to the same
 * bytes. Every ignored entry leaves the track as it was.
 */
#include "test_consult_fx.h"

/* ---------------------------------------------------------- decisions */

static void
deny_is_allowed_in_every_open_state(void **state)
{
	struct consult_track t;
	uint64_t at = ms_of("2026-09-17");

	(void)state;
	/* Awaiting a reply, before the deadline. */
	eu_track(&t);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    at), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_DECIDED);
	assert_int_equal(t.decision, CONSULT_DECISION_DENY);
	assert_true(t.decided_ms == at);
	assert_int_equal(t.undercut, 0);
	assert_int_equal(t.decided_lapsed, 0);
	/* Information requested. */
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    at), CONSULT_STEP_APPLIED);
	/* Extended. */
	eu_track(&t);
	REPLY(&t, 1, ACK, end_of("2026-10-09"), ms_of("2026-09-16"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    at), CONSULT_STEP_APPLIED);
	/* Replied. */
	eu_track(&t);
	REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    at), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 0);
	/* Lapsed. */
	eu_track(&t);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    ms_of("2026-10-05")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.decided_lapsed, 1);
	assert_int_equal(t.undercut, 0);
	/* No deadline, no reply. */
	nsg_track(&t);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    at), CONSULT_STEP_APPLIED);
}

/*
 * A decision dated before the day its request was signed (asked at 10:00
 * on 15 September) is ignored, deny or grant, whatever came since; one
 * dated that day, even earlier in it, is the request's day and counts.
 */
static void
decision_dated_before_the_request_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    end_of("2026-09-14")), CONSULT_STEP_BEFORE_REQUEST);
	REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-16"));
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-01-01")), CONSULT_STEP_BEFORE_REQUEST);
	/* Still open: the asker's real decision stands. */
	assert_int_equal(t.state, CONSULT_REPLIED);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-15")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 0);
	/* Not the asker's: wrong agency comes first. */
	eu_track(&t);
	IGNORED(&t, consult_track_decide(&t, 0, CONSULT_DECISION_DENY,
	    ms_of("2026-09-01")), CONSULT_STEP_WRONG_AGENCY);
}

static void
grant_before_reply_and_deadline_is_refused(void **state)
{
	struct consult_track t;
	uint64_t d = end_of("2026-10-02");

	(void)state;
	eu_track(&t);
	assert_int_equal(consult_grant_early(&t, ms_of("2026-09-16")), 1);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-16")), CONSULT_STEP_EARLY_GRANT);
	/* On the deadline's last instant it is still early. */
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT, d),
	    CONSULT_STEP_EARLY_GRANT);
	/* Waiting for the asker's own information changes nothing. */
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17")), CONSULT_STEP_EARLY_GRANT);
	/* An extension moves the earliest grant too. */
	eu_track(&t);
	REPLY(&t, 1, ACK, end_of("2026-10-09"), ms_of("2026-09-16"));
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    d + 1), CONSULT_STEP_EARLY_GRANT);
}

static void
grant_without_deadline_needs_a_reply(void **state)
{
	struct consult_track t;

	(void)state;
	nsg_track(&t);
	assert_int_equal(consult_grant_early(&t, UINT64_MAX), 1);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2036-09-16")), CONSULT_STEP_EARLY_GRANT);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-10-20"));
	assert_int_equal(consult_grant_early(&t, ms_of("2026-10-21")), 0);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-21")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 1);
	assert_int_equal(t.decided_lapsed, 0);
}

static void
grant_after_no_objection_is_no_undercut(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_grant_undercuts(&t, ms_of("2026-09-17")), 0);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_DECIDED);
	assert_int_equal(t.decision, CONSULT_DECISION_GRANT);
	assert_int_equal(t.undercut, 0);
}

static void
grant_after_objection_is_an_undercut(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_grant_undercuts(&t, ms_of("2026-09-17")), 1);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 1);
	/* An objection stands past the deadline: silence needs silence. */
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-05")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 1);
}

static void
grant_after_maintained_denial_is_an_undercut(void **state)
{
	struct consult_track t;

	(void)state;
	nsg_track(&t);
	REPLY(&t, 1, MAINTAIN_DENIAL, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 1);
}

static void
grant_after_lapse_with_silence_as_no_objection(void **state)
{
	struct consult_track t;
	uint64_t d = end_of("2026-10-02");

	(void)state;
	eu_track(&t);
	assert_int_equal(consult_grant_early(&t, d + 1), 0);
	assert_int_equal(consult_grant_undercuts(&t, d + 1), 0);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    d + 1), CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_DECIDED);
	assert_int_equal(t.undercut, 0);
	assert_int_equal(t.decided_lapsed, 1);
}

/* The same lapse under each other meaning of silence: an undercut. */
static void
grant_after_lapse_with_other_silence_undercuts(void **state)
{
	static const enum consult_silence other[] = {
		CONSULT_SILENCE_OBJECTION, CONSULT_SILENCE_NO_EFFECT,
		CONSULT_SILENCE_UNSPECIFIED,
	};
	struct consult_request_view v;
	struct consult_track t;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		eu_view(&v);
		v.silence = other[i];
		consult_track_init(&t, &v);
		assert_int_equal(consult_grant_undercuts(&t,
		    ms_of("2026-10-05")), 1);
		assert_int_equal(consult_track_decide(&t, 1,
		    CONSULT_DECISION_GRANT, ms_of("2026-10-05")),
		    CONSULT_STEP_APPLIED);
		assert_int_equal(t.undercut, 1);
		assert_int_equal(t.decided_lapsed, 1);
	}
}

static void
grant_after_extended_lapse(void **state)
{
	struct consult_track t;
	uint64_t d = end_of("2026-10-16");

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, ACK, d, ms_of("2026-09-30"));
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT, d),
	    CONSULT_STEP_EARLY_GRANT);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    d + 1), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 0);
	assert_int_equal(t.decided_lapsed, 1);
}

static void
grant_after_lapse_despite_an_earlier_objection_undercuts(void **state)
{
	struct consult_track t;

	(void)state;
	/*
	 * Objection, then need-info, then the information restarting the
	 * period, then no further word until it lapses: the objection was
	 * never taken back, so silence (meaning no objection) does not
	 * apply and a grant undercuts it.
	 */
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-17"));
	consult_track_info(&t, 1, end_of("2026-10-05"), ms_of("2026-09-18"));
	assert_int_equal(t.state, CONSULT_AWAITING_REPLY);
	assert_int_equal(consult_state_at(&t, ms_of("2026-10-06")),
	    CONSULT_LAPSED);
	assert_int_equal(consult_grant_undercuts(&t, ms_of("2026-10-06")), 1);
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-06")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 1);
	/* A reply was given: not decided on silence. */
	assert_int_equal(t.decided_lapsed, 0);
}

static void
grant_while_information_overdue_undercuts(void **state)
{
	struct consult_track t;

	(void)state;
	/*
	 * The consulted agency asked for information and the deadline
	 * passed without it: the request did not lapse (the turn was the
	 * asker's), so its silence rule does not apply.
	 */
	eu_track(&t);
	REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-16"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-05")), CONSULT_STEP_APPLIED);
	assert_int_equal(t.undercut, 1);
	assert_int_equal(t.decided_lapsed, 0);
}

static void
decision_by_the_wrong_agency_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-16"));
	IGNORED(&t, consult_track_decide(&t, 0, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17")), CONSULT_STEP_WRONG_AGENCY);
	IGNORED(&t, consult_track_decide(&t, 0, CONSULT_DECISION_DENY,
	    ms_of("2026-09-17")), CONSULT_STEP_WRONG_AGENCY);
}

static void
decision_without_grant_or_deny_is_invalid(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_NONE,
	    ms_of("2026-09-17")), CONSULT_STEP_INVALID);
	IGNORED(&t, consult_track_decide(&t, 1, (enum consult_decision)7,
	    ms_of("2026-09-17")), CONSULT_STEP_INVALID);
}

static void
second_decision_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-17")), CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    ms_of("2026-09-18")), CONSULT_STEP_NOT_OPEN);
	/* An early grant refused is no decision: a deny may follow. */
	eu_track(&t);
	consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17"));
	assert_int_equal(consult_track_decide(&t, 1, CONSULT_DECISION_DENY,
	    ms_of("2026-09-18")), CONSULT_STEP_APPLIED);
}

static void
grant_questions_of_a_decided_request(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	/* Nothing open: nothing to refuse as early. */
	assert_int_equal(consult_grant_early(&t, ms_of("2026-09-18")), 0);
}

/* ---------------------------------------------------------- closing */

static void
ack_after_the_decision_closes(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-16"));
	consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-17"));
	assert_int_equal(REPLY(&t, 1, ACK, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(t.state, CONSULT_CLOSED);
	/* What was decided stays. */
	assert_int_equal(t.decision, CONSULT_DECISION_GRANT);
	assert_int_equal(t.undercut, 1);
	assert_int_equal(t.position, CONSULT_POSITION_OBJECT);
	assert_int_equal(consult_state_at(&t, UINT64_MAX), CONSULT_CLOSED);
	assert_false(consult_awaits_reply(CONSULT_CLOSED));
}

static void
reply_after_the_decision_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	IGNORED(&t, REPLY(&t, 1, NO_OBJECTION, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, REPLY(&t, 1, NEED_INFO, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, REPLY(&t, 1, NONE, 0, ms_of("2026-09-18")),
	    CONSULT_STEP_INVALID);
}

static void
everything_after_closing_is_ignored(void **state)
{
	struct consult_track t;

	(void)state;
	eu_track(&t);
	consult_track_decide(&t, 1, CONSULT_DECISION_DENY, ms_of("2026-09-17"));
	REPLY(&t, 1, ACK, 0, ms_of("2026-09-18"));
	IGNORED(&t, REPLY(&t, 1, ACK, 0, ms_of("2026-09-19")),
	    CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, REPLY(&t, 1, OBJECT, 0, ms_of("2026-09-19")),
	    CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, consult_track_info(&t, 1, 0, ms_of("2026-09-19")),
	    CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-09-19")), CONSULT_STEP_NOT_OPEN);
}

static void
uninitialised_track_moves_nowhere(void **state)
{
	struct consult_track t;

	(void)state;
	memset(&t, 0, sizeof(t));
	IGNORED(&t, REPLY(&t, 1, OBJECT, 0, 1), CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, consult_track_info(&t, 1, 0, 1), CONSULT_STEP_NOT_OPEN);
	IGNORED(&t, consult_track_decide(&t, 1, CONSULT_DECISION_DENY, 1),
	    CONSULT_STEP_NOT_OPEN);
	assert_int_equal(consult_state_at(&t, 1), CONSULT_NONE);
}

/* ---------------------------------------------------------- a full run */

/* The EU exchange end to end, the same twice, byte for byte. */
static void
run_full_exchange(struct consult_track *t)
{
	eu_track(t);
	assert_int_equal(REPLY(t, 0, OBJECT, 0, ms_of("2026-09-15")),
	    CONSULT_STEP_WRONG_AGENCY);
	assert_int_equal(REPLY(t, 1, NEED_INFO, 0, ms_of("2026-09-16")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(consult_track_info(t, 1, end_of("2026-10-05"),
	    ms_of("2026-09-18")), CONSULT_STEP_APPLIED);
	assert_int_equal(REPLY(t, 1, ACK, end_of("2026-10-19"),
	    ms_of("2026-10-01")), CONSULT_STEP_APPLIED);
	assert_int_equal(consult_track_decide(t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-09")), CONSULT_STEP_EARLY_GRANT);
	assert_int_equal(REPLY(t, 1, OBJECT, 0, ms_of("2026-10-12")),
	    CONSULT_STEP_APPLIED);
	assert_int_equal(consult_track_decide(t, 1, CONSULT_DECISION_GRANT,
	    ms_of("2026-10-13")), CONSULT_STEP_APPLIED);
	assert_int_equal(consult_track_decide(t, 1, CONSULT_DECISION_DENY,
	    ms_of("2026-10-14")), CONSULT_STEP_NOT_OPEN);
	assert_int_equal(REPLY(t, 1, ACK, 0, ms_of("2026-10-15")),
	    CONSULT_STEP_APPLIED);
}

static void
full_exchange_is_deterministic(void **state)
{
	struct consult_track a, b;

	(void)state;
	memset(&a, 0x11, sizeof(a));
	memset(&b, 0x22, sizeof(b));
	run_full_exchange(&a);
	run_full_exchange(&b);
	assert_int_equal(a.state, CONSULT_CLOSED);
	assert_int_equal(a.undercut, 1);
	assert_int_equal(a.ninfo, 1);
	assert_int_equal(a.nextended, 1);
	assert_true(a.deadline_ms == end_of("2026-10-19"));
	assert_true(a.first_deadline_ms == end_of("2026-10-02"));
	assert_true(a.replied_ms == ms_of("2026-10-12"));
	assert_true(a.decided_ms == ms_of("2026-10-13"));
	assert_memory_equal(&a, &b, sizeof(a));
}

static void
awaits_reply_of_each_state(void **state)
{
	(void)state;
	assert_false(consult_awaits_reply(CONSULT_NONE));
	assert_true(consult_awaits_reply(CONSULT_AWAITING_REPLY));
	assert_false(consult_awaits_reply(CONSULT_INFO_REQUESTED));
	assert_true(consult_awaits_reply(CONSULT_EXTENDED));
	assert_false(consult_awaits_reply(CONSULT_REPLIED));
	assert_true(consult_awaits_reply(CONSULT_LAPSED));
	assert_false(consult_awaits_reply(CONSULT_DECIDED));
	assert_false(consult_awaits_reply(CONSULT_CLOSED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deny_is_allowed_in_every_open_state),
		cmocka_unit_test(grant_before_reply_and_deadline_is_refused),
		cmocka_unit_test(decision_dated_before_the_request_is_ignored),
		cmocka_unit_test(grant_without_deadline_needs_a_reply),
		cmocka_unit_test(grant_after_no_objection_is_no_undercut),
		cmocka_unit_test(grant_after_objection_is_an_undercut),
		cmocka_unit_test(grant_after_maintained_denial_is_an_undercut),
		cmocka_unit_test(
		    grant_after_lapse_with_silence_as_no_objection),
		cmocka_unit_test(
		    grant_after_lapse_with_other_silence_undercuts),
		cmocka_unit_test(grant_after_extended_lapse),
		cmocka_unit_test(
		    grant_after_lapse_despite_an_earlier_objection_undercuts),
		cmocka_unit_test(grant_while_information_overdue_undercuts),
		cmocka_unit_test(decision_by_the_wrong_agency_is_ignored),
		cmocka_unit_test(decision_without_grant_or_deny_is_invalid),
		cmocka_unit_test(second_decision_is_ignored),
		cmocka_unit_test(grant_questions_of_a_decided_request),
		cmocka_unit_test(ack_after_the_decision_closes),
		cmocka_unit_test(reply_after_the_decision_is_ignored),
		cmocka_unit_test(everything_after_closing_is_ignored),
		cmocka_unit_test(uninitialised_track_moves_nowhere),
		cmocka_unit_test(full_exchange_is_deterministic),
		cmocka_unit_test(awaits_reply_of_each_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
