/*
 * Unit tests for consult_state.c: the consultation state machine of
 * consult.h, one transition or ignored case per test, with the deadline
 * boundary at its exact millisecond; every ignored entry leaves the
 * track exactly as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "consult.h"
#include "util.h"

#define HOUR_MS		3600000ULL
#define DAY_MS		86400000ULL

static uint64_t
ms_of(const char *date)
{
	uint64_t ms;

	assert_int_equal(date_parse_day(date, &ms), 0);
	return ms;
}

static uint64_t
end_of(const char *date)
{
	return ms_of(date) + DAY_MS - 1;
}

/*
 * The EU profile's terms: asked on Tuesday 15 September 2026, 10 working
 * days on Japan's calendar (to Friday 2 October), extension to 30 more
 * at most (to Friday 13 November), silence as no objection, information
 * restarting the period.
 */
static void
eu_view(struct consult_request_view *v)
{
	memset(v, 0, sizeof(*v));
	v->asked_ms = ms_of("2026-09-15") + 10 * HOUR_MS;
	v->deadline_ms = end_of("2026-10-02");
	v->extension_limit_ms = end_of("2026-11-13");
	v->silence = CONSULT_SILENCE_NO_OBJECTION;
	v->info_restarts = 1;
}

static void
eu_track(struct consult_track *t)
{
	struct consult_request_view v;

	eu_view(&v);
	consult_track_init(t, &v);
}

/* The NSG profile: no deadline, silence has no effect. */
static void
nsg_track(struct consult_track *t)
{
	struct consult_request_view v;

	memset(&v, 0, sizeof(v));
	v.asked_ms = ms_of("2026-09-15");
	v.silence = CONSULT_SILENCE_NO_EFFECT;
	consult_track_init(t, &v);
}

/* A step that must be ignored: its reason, and nothing moved. */
#define IGNORED(t, call, step) do {					\
	struct consult_track before_;					\
									\
	memcpy(&before_, (t), sizeof(before_));				\
	assert_int_equal((call), (step));				\
	assert_memory_equal(&before_, (t), sizeof(before_));		\
} while (0)

#define REPLY(t, from, pos, ext, at)					\
	consult_track_reply((t), (from), CONSULT_POSITION_ ## pos, (ext), (at))

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
	consult_track_decide(&t, 1, CONSULT_DECISION_GRANT, ms_of("2026-09-17"));
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
	consult_track_decide(&t, 1, CONSULT_DECISION_GRANT, ms_of("2026-09-17"));
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
		cmocka_unit_test(extension_not_later_than_the_deadline_is_refused),
		cmocka_unit_test(extension_after_the_deadline_is_refused),
		cmocka_unit_test(extension_of_a_request_without_limit_is_refused),
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
		cmocka_unit_test(lapse_is_after_the_last_instant_of_the_deadline),
		cmocka_unit_test(extended_lapses_at_its_new_deadline),
		cmocka_unit_test(no_deadline_never_lapses),
		cmocka_unit_test(replied_and_decided_never_lapse),
		cmocka_unit_test(deny_is_allowed_in_every_open_state),
		cmocka_unit_test(grant_before_reply_and_deadline_is_refused),
		cmocka_unit_test(grant_without_deadline_needs_a_reply),
		cmocka_unit_test(grant_after_no_objection_is_no_undercut),
		cmocka_unit_test(grant_after_objection_is_an_undercut),
		cmocka_unit_test(grant_after_maintained_denial_is_an_undercut),
		cmocka_unit_test(grant_after_lapse_with_silence_as_no_objection),
		cmocka_unit_test(grant_after_lapse_with_other_silence_undercuts),
		cmocka_unit_test(grant_after_extended_lapse),
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
