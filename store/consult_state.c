/*
 * The no-undercut consultation as a pure state machine (consult.h has
 * the diagram). Every node steps the same entries through it and must
 * reach the same state, so nothing here reads a clock or a file: a
 * reply and information are timed by their entries' created_ms, a
 * decision by its own date, and "now" is always a parameter.
 *
 * The rules, and why:
 *
 * - Only the consulted agency replies, and only the asker sends
 *   information and decides (WRONG_AGENCY otherwise). A consultation is
 *   open until the asker decides; after that, replies and information
 *   have nothing left to move (NOT_OPEN), except the consulted agency's
 *   acknowledgement, which closes it: the exchange is over when both
 *   sides have spoken last.
 *
 * - The latest substantive reply (object, no-objection,
 *   maintain-denial) is the consulted agency's position. A reply after
 *   the deadline still counts while nothing is decided: the deadline
 *   only lets the asker act on silence, it does not silence the
 *   consulted agency. A position is never erased: need-info after a
 *   substantive reply asks a question without taking back what was said.
 *
 * - need-info hands the turn to the asker (INFO_REQUESTED); only then is
 *   information expected (NOT_ASKED otherwise). Information returns the
 *   turn (AWAITING_REPLY). When the request's terms say information
 *   restarts the period, the information's deadline becomes the
 *   deadline, but never an earlier one: the asker cannot shorten the
 *   time it owes the consulted agency. A request without a deadline
 *   never gains one.
 *
 * - An extension (ack or need-info with extension_to_ms) moves the
 *   deadline later, never past the request's extension limit, and only
 *   while the deadline has not passed: once it has, the asker may
 *   already have relied on silence. A request without a limit allows no
 *   extension (BAD_EXTENSION; the whole reply is ignored, so that a
 *   partner sees exactly what was refused). A substantive reply carries
 *   no extension: the deadline no longer matters once answered.
 *
 * - A decision is dated on or after the UTC day its request was signed
 *   (BEFORE_REQUEST otherwise): one dated earlier would judge the
 *   deadline and the silence at a time when nobody had been asked.
 *
 * - A deny is always allowed while open: refusing a licence never
 *   undercuts anyone. A grant needs the consulted agency's substantive
 *   reply, or the deadline to have passed at the decision's date;
 *   without a deadline only a reply allows it (EARLY_GRANT otherwise).
 *
 * - A grant is an undercut unless the position is no-objection, or no
 *   position was taken, the request had lapsed at the decision's date
 *   and its silence means no objection. Silence is only silence when
 *   nothing substantive was said; UNSPECIFIED silence counts as
 *   no-effect, so consent is never presumed from a field left out.
 *
 * - LAPSED is never stored: it is AWAITING_REPLY or EXTENDED seen after
 *   the deadline (consult_state_at), since a deadline passes without any
 *   entry being written.
 */
#include <stdint.h>
#include <string.h>

#include "consult.h"

void
consult_track_init(struct consult_track *t,
    const struct consult_request_view *r)
{
	memset(t, 0, sizeof(*t));
	t->state = CONSULT_AWAITING_REPLY;
	t->silence = r->silence;
	t->info_restarts = r->info_restarts != 0;
	t->asked_ms = r->asked_ms;
	t->deadline_ms = r->deadline_ms;
	t->first_deadline_ms = r->deadline_ms;
	/* No deadline, no extension of it. */
	t->extension_limit_ms = r->deadline_ms != 0 ?
	    r->extension_limit_ms : 0;
}

static int
is_open(enum consult_state s)
{
	return s == CONSULT_AWAITING_REPLY || s == CONSULT_INFO_REQUESTED ||
	    s == CONSULT_EXTENDED || s == CONSULT_REPLIED;
}

static int
is_substantive(enum consult_position p)
{
	return p == CONSULT_POSITION_OBJECT ||
	    p == CONSULT_POSITION_NO_OBJECTION ||
	    p == CONSULT_POSITION_MAINTAIN_DENIAL;
}

/* 1 if the deadline may move to to_ms by a reply at at_ms. */
static int
extension_ok(const struct consult_track *t, uint64_t to_ms, uint64_t at_ms)
{
	return t->deadline_ms != 0 && t->extension_limit_ms != 0 &&
	    at_ms <= t->deadline_ms && to_ms > t->deadline_ms &&
	    to_ms <= t->extension_limit_ms;
}

enum consult_step
consult_track_reply(struct consult_track *t, int from_consulted,
    enum consult_position position, uint64_t extension_to_ms, uint64_t at_ms)
{
	if (!from_consulted)
		return CONSULT_STEP_WRONG_AGENCY;
	if (position != CONSULT_POSITION_ACK &&
	    position != CONSULT_POSITION_NEED_INFO &&
	    !is_substantive(position))
		return CONSULT_STEP_INVALID;
	if (t->state == CONSULT_DECIDED && position == CONSULT_POSITION_ACK) {
		t->state = CONSULT_CLOSED;
		return CONSULT_STEP_APPLIED;
	}
	if (!is_open(t->state))
		return CONSULT_STEP_NOT_OPEN;

	if (is_substantive(position)) {
		t->position = position;
		t->replied_ms = at_ms;
		t->state = CONSULT_REPLIED;
		return CONSULT_STEP_APPLIED;
	}
	if (extension_to_ms != 0) {
		if (!extension_ok(t, extension_to_ms, at_ms))
			return CONSULT_STEP_BAD_EXTENSION;
		t->deadline_ms = extension_to_ms;
		t->nextended++;
	}
	if (position == CONSULT_POSITION_NEED_INFO)
		t->state = CONSULT_INFO_REQUESTED;
	else if (extension_to_ms != 0 &&
	    (t->state == CONSULT_AWAITING_REPLY ||
	    t->state == CONSULT_EXTENDED))
		t->state = CONSULT_EXTENDED;
	/* An ack alone, or an extension while waiting for information or
	 * after a reply: the deadline moved, the turn did not. */
	return CONSULT_STEP_APPLIED;
}

enum consult_step
consult_track_info(struct consult_track *t, int from_asker,
    uint64_t deadline_ms, uint64_t at_ms)
{
	(void)at_ms;
	if (!from_asker)
		return CONSULT_STEP_WRONG_AGENCY;
	if (!is_open(t->state))
		return CONSULT_STEP_NOT_OPEN;
	if (t->state != CONSULT_INFO_REQUESTED)
		return CONSULT_STEP_NOT_ASKED;
	if (t->info_restarts && t->deadline_ms != 0 &&
	    deadline_ms > t->deadline_ms)
		t->deadline_ms = deadline_ms;
	t->state = CONSULT_AWAITING_REPLY;
	t->ninfo++;
	return CONSULT_STEP_APPLIED;
}

enum consult_state
consult_state_at(const struct consult_track *t, uint64_t at_ms)
{
	if ((t->state == CONSULT_AWAITING_REPLY ||
	    t->state == CONSULT_EXTENDED) &&
	    t->deadline_ms != 0 && t->deadline_ms < at_ms)
		return CONSULT_LAPSED;
	return t->state;
}

/* A UTC day in ms: a decision's date is a day, and so is the request's
 * for comparing the two. */
#define DAY_MS	86400000ULL

/* 1 if no substantive reply came and the deadline has not passed at
 * at_ms (or there is none): a grant must wait. */
static int
grant_early(const struct consult_track *t, uint64_t at_ms)
{
	if (t->position != CONSULT_POSITION_NONE)
		return 0;
	return t->deadline_ms == 0 || at_ms <= t->deadline_ms;
}

int
consult_grant_early(const struct consult_track *t, uint64_t at_ms)
{
	return is_open(t->state) && grant_early(t, at_ms);
}

int
consult_grant_undercuts(const struct consult_track *t, uint64_t at_ms)
{
	if (t->position == CONSULT_POSITION_NO_OBJECTION)
		return 0;
	if (t->position == CONSULT_POSITION_NONE &&
	    t->silence == CONSULT_SILENCE_NO_OBJECTION &&
	    consult_state_at(t, at_ms) == CONSULT_LAPSED)
		return 0;
	return 1;
}

enum consult_step
consult_track_decide(struct consult_track *t, int from_asker,
    enum consult_decision decision, uint64_t date_ms)
{
	int lapsed;

	if (!from_asker)
		return CONSULT_STEP_WRONG_AGENCY;
	if (decision != CONSULT_DECISION_GRANT &&
	    decision != CONSULT_DECISION_DENY)
		return CONSULT_STEP_INVALID;
	if (!is_open(t->state))
		return CONSULT_STEP_NOT_OPEN;
	if (date_ms / DAY_MS < t->asked_ms / DAY_MS)
		return CONSULT_STEP_BEFORE_REQUEST;
	if (decision == CONSULT_DECISION_GRANT && grant_early(t, date_ms))
		return CONSULT_STEP_EARLY_GRANT;

	lapsed = t->position == CONSULT_POSITION_NONE &&
	    consult_state_at(t, date_ms) == CONSULT_LAPSED;
	t->undercut = decision == CONSULT_DECISION_GRANT &&
	    consult_grant_undercuts(t, date_ms);
	t->decided_lapsed = lapsed;
	t->decision = decision;
	t->decided_ms = date_ms;
	t->state = CONSULT_DECIDED;
	return CONSULT_STEP_APPLIED;
}

int
consult_awaits_reply(enum consult_state s)
{
	return s == CONSULT_AWAITING_REPLY || s == CONSULT_EXTENDED ||
	    s == CONSULT_LAPSED;
}
