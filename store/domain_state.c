/*
 * Domain rules for the state of a record over time, as pure functions:
 * the default review date of a denial (the calendar arithmetic it needs),
 * and the denial and alert state machines, one record at a time
 * (a track, stepped through its updates) or from its notice and revocation
 * alone. See domain.h for the contract of each function.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "domain.h"
#include "util.h"

#define MS_PER_DAY	86400000ULL
/* 10000-01-01T00:00:00Z: beyond it a review date saturates. */
#define TIME_MAX_MS	253402300800000ULL

/* ---------------------------------------------------------- calendar */

/* The inverse of days_from_civil() (util.h), same algorithm family. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t	 era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

uint64_t
domain_review_default(uint64_t decision_ms)
{
	int64_t	 y;
	unsigned m, d;
	uint64_t tod;

	if (decision_ms >= TIME_MAX_MS)
		return UINT64_MAX;
	tod = decision_ms % MS_PER_DAY;
	civil_from_days((int64_t)(decision_ms / MS_PER_DAY), &y, &m, &d);
	y += DOMAIN_REVIEW_YEARS;
	/* Three years after a leap year is never one. */
	if (m == 2 && d == 29)
		d = 28;
	return (uint64_t)days_from_civil(y, m, d) * MS_PER_DAY + tod;
}

/* ---------------------------------------------------------- denial state */

/* A notice's review date: explicit, or its decision + 3 years; 0: none. */
static uint64_t
notice_review(const struct domain_denial *n)
{
	if (n->review_ms != 0)
		return n->review_ms;
	if (n->decision_ms != 0)
		return domain_review_default(n->decision_ms);
	return 0;
}

void
domain_denial_track_init(const struct domain_denial *notice,
    struct domain_denial_track *t)
{
	memset(t, 0, sizeof(*t));
	t->review_ms = notice_review(notice);
}

enum domain_step
domain_denial_track_step(struct domain_denial_track *t,
    const struct domain_denial_update *u)
{
	uint64_t r;

	if (t->revoked)
		return DOMAIN_STEP_TERMINAL;	/* REVOKE is terminal */
	switch (u->action) {
	case DOMAIN_DENIAL_AMEND:
		if (u->amended == NULL)
			return DOMAIN_STEP_INVALID;
		/* Only later: a copy must not undo a renewal. */
		if ((r = notice_review(u->amended)) > t->review_ms)
			t->review_ms = r;
		break;
	case DOMAIN_DENIAL_RENEW:
		if (u->new_review_ms == 0)
			return DOMAIN_STEP_INVALID;
		t->review_ms = u->new_review_ms;
		/* A renewal reaffirms the denial as it stands. */
		t->suspended = 0;
		break;
	case DOMAIN_DENIAL_SUSPEND:
		t->suspended = 1;
		break;
	case DOMAIN_DENIAL_REVOKE:
		t->revoked = 1;
		break;
	default:
		return DOMAIN_STEP_INVALID;
	}
	return DOMAIN_STEP_APPLIED;
}

enum domain_denial_state
domain_denial_track_state(const struct domain_denial_track *t,
    uint64_t now_ms)
{
	if (t->revoked)
		return DOMAIN_DENIAL_REVOKED;
	if (t->suspended)
		return DOMAIN_DENIAL_SUSPENDED;
	if (t->review_ms != 0 && now_ms >= t->review_ms)
		return DOMAIN_DENIAL_REVIEW_DUE;
	return DOMAIN_DENIAL_ACTIVE;
}

int
domain_denial_state(const struct domain_denial *notice,
    const struct domain_denial_update *updates, size_t nupdates,
    uint64_t now_ms, struct domain_denial_status *st)
{
	struct domain_denial_track t;
	size_t	 i;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	if (notice == NULL || st == NULL || (updates == NULL && nupdates > 0))
		return LCN_EINVAL;
	domain_denial_track_init(notice, &t);
	if (t.review_ms == 0)
		return LCN_EINVAL;
	st->content = notice;

	for (i = 0; i < nupdates; i++) {
		switch (domain_denial_track_step(&t, &updates[i])) {
		case DOMAIN_STEP_TERMINAL:
			st->nignored++;
			break;
		case DOMAIN_STEP_INVALID:
			memset(st, 0, sizeof(*st));
			return LCN_EINVAL;
		case DOMAIN_STEP_APPLIED:
			if (updates[i].action == DOMAIN_DENIAL_AMEND) {
				st->content = updates[i].amended;
				st->amended_by = i + 1;
			} else if (updates[i].action == DOMAIN_DENIAL_REVOKE)
				st->revoked_by = i + 1;
			break;
		}
	}
	st->review_ms = t.review_ms;
	st->state = domain_denial_track_state(&t, now_ms);
	return 0;
}

int
domain_denial_active(enum domain_denial_state s)
{
	return s == DOMAIN_DENIAL_ACTIVE;
}

const char *
domain_denial_state_name(enum domain_denial_state s)
{
	switch (s) {
	case DOMAIN_DENIAL_ACTIVE:
		return "active";
	case DOMAIN_DENIAL_REVIEW_DUE:
		return "review-due";
	case DOMAIN_DENIAL_SUSPENDED:
		return "suspended";
	case DOMAIN_DENIAL_REVOKED:
		return "revoked";
	default:
		return "none";
	}
}

/* ---------------------------------------------------------- alert state */

/* The later of two valid_until values, where 0 (open-ended) is latest. */
static uint64_t
later_until(uint64_t a, uint64_t b)
{
	if (a == 0 || b == 0)
		return 0;
	return a > b ? a : b;
}

void
domain_alert_track_init(const struct domain_alert *alert,
    struct domain_alert_track *t)
{
	memset(t, 0, sizeof(*t));
	t->valid_from_ms = alert->valid_from_ms;
	t->valid_until_ms = alert->valid_until_ms;
}

enum domain_step
domain_alert_track_step(struct domain_alert_track *t,
    const struct domain_alert_update *u)
{
	if (t->withdrawn)
		return DOMAIN_STEP_TERMINAL;	/* WITHDRAW is terminal */
	switch (u->action) {
	case DOMAIN_ALERT_AMEND:
		if (u->amended == NULL)
			return DOMAIN_STEP_INVALID;
		t->valid_from_ms = u->amended->valid_from_ms;
		t->valid_until_ms = later_until(t->valid_until_ms,
		    u->amended->valid_until_ms);
		break;
	case DOMAIN_ALERT_EXTEND:
		t->valid_until_ms = u->valid_until_ms;
		break;
	case DOMAIN_ALERT_WITHDRAW:
		t->withdrawn = 1;
		break;
	default:
		return DOMAIN_STEP_INVALID;
	}
	return DOMAIN_STEP_APPLIED;
}

enum domain_alert_state
domain_alert_track_state(const struct domain_alert_track *t,
    uint64_t now_ms)
{
	if (t->withdrawn)
		return DOMAIN_ALERT_WITHDRAWN;
	if (now_ms < t->valid_from_ms)
		return DOMAIN_ALERT_NOT_YET_VALID;
	if (t->valid_until_ms != 0 && now_ms >= t->valid_until_ms)
		return DOMAIN_ALERT_EXPIRED;
	return DOMAIN_ALERT_ACTIVE;
}

int
domain_alert_state(const struct domain_alert *alert,
    const struct domain_alert_update *updates, size_t nupdates,
    uint64_t now_ms, struct domain_alert_status *st)
{
	struct domain_alert_track t;
	size_t	 i;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	if (alert == NULL || st == NULL || (updates == NULL && nupdates > 0))
		return LCN_EINVAL;
	domain_alert_track_init(alert, &t);
	st->content = alert;

	for (i = 0; i < nupdates; i++) {
		switch (domain_alert_track_step(&t, &updates[i])) {
		case DOMAIN_STEP_TERMINAL:
			st->nignored++;
			break;
		case DOMAIN_STEP_INVALID:
			memset(st, 0, sizeof(*st));
			return LCN_EINVAL;
		case DOMAIN_STEP_APPLIED:
			if (updates[i].action == DOMAIN_ALERT_AMEND) {
				st->content = updates[i].amended;
				st->amended_by = i + 1;
			} else if (updates[i].action == DOMAIN_ALERT_WITHDRAW)
				st->withdrawn_by = i + 1;
			break;
		}
	}
	st->valid_from_ms = t.valid_from_ms;
	st->valid_until_ms = t.valid_until_ms;
	st->state = domain_alert_track_state(&t, now_ms);
	return 0;
}

const char *
domain_alert_state_name(enum domain_alert_state s)
{
	switch (s) {
	case DOMAIN_ALERT_ACTIVE:
		return "active";
	case DOMAIN_ALERT_NOT_YET_VALID:
		return "not-yet-valid";
	case DOMAIN_ALERT_EXPIRED:
		return "expired";
	case DOMAIN_ALERT_WITHDRAWN:
		return "withdrawn";
	default:
		return "none";
	}
}
