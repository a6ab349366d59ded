/*
 * Consultation profiles (what a regime group asks before a grant, and how
 * long it gives), the parsing of their configuration values, and the
 * names of the state machine's values as officers read and type them.
 *
 * Values from a configuration file are matched ignoring ASCII case and
 * surrounding white space, without the locale: "10 Working-Days" in a
 * file written on any machine means the same thing everywhere. A message
 * says what was expected and quotes what was found, escaped and cut.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "consult.h"
#include "domain_int.h"
#include "lcn_err.h"
#include "log.h"

/* What a message quotes of a value. */
#define QUOTE_MAX	64

/* ---------------------------------------------------------- profiles */

void
consult_profile_default(enum domain_regime regime, struct consult_profile *p)
{
	memset(p, 0, sizeof(*p));
	switch (regime) {
	case DOMAIN_REGIME_EU:
		/*
		 * Regulation (EU) 2021/821 and its predecessor: the consulted
		 * member state answers within 10 working days; in exceptional
		 * cases it may ask for an extension, which may not exceed
		 * 30 working days; silence counts as no objection. The
		 * period runs again once asked-for information arrives.
		 */
		p->need = DOMAIN_CONSULT_REQUIRED;
		p->basis = CONSULT_BASIS_WORKING_DAYS;
		p->days = 10;
		p->extension_max = 30;
		p->silence = CONSULT_SILENCE_NO_OBJECTION;
		p->info_restarts = 1;
		break;
	case DOMAIN_REGIME_WA:
		/* Wassenaar: no consultation; a grant is notified after. */
		p->need = DOMAIN_CONSULT_NOTIFY_AFTER;
		p->basis = CONSULT_BASIS_NONE;
		p->silence = CONSULT_SILENCE_NO_EFFECT;
		break;
	case DOMAIN_REGIME_NSG:
	case DOMAIN_REGIME_AG:
	case DOMAIN_REGIME_MTCR:
		/* Consultation before a grant; no published deadline, so
		 * only a reply allows a grant. */
	default:
		/* An unknown group fails safe: consult, wait for a reply. */
		p->need = DOMAIN_CONSULT_REQUIRED;
		p->basis = CONSULT_BASIS_NONE;
		p->silence = CONSULT_SILENCE_NO_EFFECT;
		break;
	}
}

/* ---------------------------------------------------------- parsing */

/* s trimmed of surrounding white space: *start and its length. */
static size_t
trim(const char *s, const char **start)
{
	const char *e;

	while (*s != '\0' && is_space((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space((unsigned char)e[-1]))
		e--;
	*start = s;
	return (size_t)(e - s);
}

/* 1 if the n bytes at s are word (lower case), ignoring ASCII case. */
static int
word_is(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (to_lower((unsigned char)s[i]) != word[i])
			return 0;
	return 1;
}

/* 1 if s, trimmed, is word ignoring case. */
static int
value_is(const char *s, const char *word)
{
	const char *v;
	size_t	 n;

	if (s == NULL)
		return 0;
	n = trim(s, &v);
	return word_is(v, n, word);
}

static int
refuse(char *err, size_t errsz, const char *expected, const char *s)
{
	char	 q[QUOTE_MAX];
	const char *v = "";
	size_t	 n = 0;

	if (s != NULL)
		n = trim(s, &v);
	if (errsz > 0) {
		if (n == 0)
			snprintf(err, errsz, "expected %s, got nothing",
			    expected);
		else
			snprintf(err, errsz, "expected %s, got \"%s\"",
			    expected, log_escape(q, sizeof(q), v, n));
	}
	return LCN_EINVAL;
}

#define DEADLINE_EXPECTED \
	"\"none\", \"N working-days\" or \"N calendar-days\" " \
	"with N from 1 to 3650"

int
consult_parse_deadline(const char *s, enum consult_basis *basis,
    unsigned *days, char *err, size_t errsz)
{
	const char *v, *unit;
	size_t	 n, ul;
	unsigned long num = 0;
	size_t	 i;

	*basis = CONSULT_BASIS_NONE;
	*days = 0;
	if (errsz > 0)
		err[0] = '\0';
	if (s == NULL)
		return refuse(err, errsz, DEADLINE_EXPECTED, s);
	n = trim(s, &v);
	if (word_is(v, n, "none"))
		return 0;
	for (i = 0; i < n && is_digit((unsigned char)v[i]); i++) {
		num = num * 10 + (unsigned)(v[i] - '0');
		if (num > CALENDAR_DAYS_MAX)
			return refuse(err, errsz, DEADLINE_EXPECTED, s);
	}
	if (i == 0 || num == 0)
		return refuse(err, errsz, DEADLINE_EXPECTED, s);
	unit = v + i;
	ul = n - i;
	while (ul > 0 && is_space((unsigned char)*unit)) {
		unit++;
		ul--;
	}
	if (word_is(unit, ul, "working-days") ||
	    word_is(unit, ul, "working-day"))
		*basis = CONSULT_BASIS_WORKING_DAYS;
	else if (word_is(unit, ul, "calendar-days") ||
	    word_is(unit, ul, "calendar-day"))
		*basis = CONSULT_BASIS_CALENDAR_DAYS;
	else
		return refuse(err, errsz, DEADLINE_EXPECTED, s);
	*days = (unsigned)num;
	return 0;
}

int
consult_parse_extension(const char *s, enum consult_basis deadline_basis,
    unsigned *days, char *err, size_t errsz)
{
	enum consult_basis b;
	char	 sub[128];
	int	 r;

	*days = 0;
	if (errsz > 0)
		err[0] = '\0';
	if ((r = consult_parse_deadline(s, &b, days, sub,
	    sizeof(sub))) != 0) {
		*days = 0;
		return refuse(err, errsz, "\"none\", \"N working-days\" or "
		    "\"N calendar-days\" (the deadline's unit) with N from 1 "
		    "to 3650", s);
	}
	if (b == CONSULT_BASIS_NONE)
		return 0;
	if (deadline_basis == CONSULT_BASIS_NONE) {
		*days = 0;
		if (errsz > 0)
			snprintf(err, errsz, "an extension needs a deadline to "
			    "extend; the deadline is none");
		return LCN_EINVAL;
	}
	if (b != deadline_basis) {
		*days = 0;
		return refuse(err, errsz, deadline_basis ==
		    CONSULT_BASIS_WORKING_DAYS ? "\"none\" or \"N "
		    "working-days\", as the deadline counts working days" :
		    "\"none\" or \"N calendar-days\", as the deadline counts "
		    "calendar days", s);
	}
	return 0;
}

int
consult_parse_silence(const char *s, enum consult_silence *out, char *err,
    size_t errsz)
{
	*out = CONSULT_SILENCE_UNSPECIFIED;
	if (errsz > 0)
		err[0] = '\0';
	if (value_is(s, "no-objection"))
		*out = CONSULT_SILENCE_NO_OBJECTION;
	else if (value_is(s, "objection"))
		*out = CONSULT_SILENCE_OBJECTION;
	else if (value_is(s, "no-effect"))
		*out = CONSULT_SILENCE_NO_EFFECT;
	else
		return refuse(err, errsz, "what silence means: "
		    "\"no-objection\", \"objection\" or \"no-effect\"", s);
	return 0;
}

int
consult_parse_need(const char *s, enum domain_consult *out, char *err,
    size_t errsz)
{
	*out = DOMAIN_CONSULT_NONE;
	if (errsz > 0)
		err[0] = '\0';
	if (value_is(s, "consult") || value_is(s, "consult-required"))
		*out = DOMAIN_CONSULT_REQUIRED;
	else if (value_is(s, "notify-after"))
		*out = DOMAIN_CONSULT_NOTIFY_AFTER;
	else if (value_is(s, "none"))
		*out = DOMAIN_CONSULT_NONE;
	else
		return refuse(err, errsz, "\"consult\", \"notify-after\" or "
		    "\"none\"", s);
	return 0;
}

/* ---------------------------------------------------------- names */

void
consult_deadline_text(enum consult_basis basis, unsigned days, char *buf,
    size_t bufsz)
{
	if (bufsz == 0)
		return;
	if (basis == CONSULT_BASIS_WORKING_DAYS)
		snprintf(buf, bufsz, "%u working-day%s", days,
		    days == 1 ? "" : "s");
	else if (basis == CONSULT_BASIS_CALENDAR_DAYS)
		snprintf(buf, bufsz, "%u calendar-day%s", days,
		    days == 1 ? "" : "s");
	else
		snprintf(buf, bufsz, "none");
}

const char *
consult_silence_name(enum consult_silence s)
{
	switch (s) {
	case CONSULT_SILENCE_NO_OBJECTION:
		return "no-objection";
	case CONSULT_SILENCE_OBJECTION:
		return "objection";
	default:
		return "no-effect";
	}
}

static const char *const position_names[] = {
	[CONSULT_POSITION_NONE] = "none",
	[CONSULT_POSITION_OBJECT] = "object",
	[CONSULT_POSITION_NO_OBJECTION] = "no-objection",
	[CONSULT_POSITION_MAINTAIN_DENIAL] = "maintain-denial",
	[CONSULT_POSITION_NEED_INFO] = "need-info",
	[CONSULT_POSITION_ACK] = "ack",
};
#define NPOSITIONS (sizeof(position_names) / sizeof(position_names[0]))

const char *
consult_position_name(enum consult_position p)
{
	if ((unsigned)p >= NPOSITIONS)
		return "none";
	return position_names[p];
}

enum consult_position
consult_position_parse(const char *s)
{
	unsigned i;

	for (i = 1; i < NPOSITIONS; i++)
		if (value_is(s, position_names[i]))
			return (enum consult_position)i;
	return CONSULT_POSITION_NONE;
}

const char *
consult_decision_name(enum consult_decision d)
{
	switch (d) {
	case CONSULT_DECISION_GRANT:
		return "grant";
	case CONSULT_DECISION_DENY:
		return "deny";
	default:
		return "none";
	}
}

static const char *const state_names[] = {
	[CONSULT_NONE] = "none",
	[CONSULT_AWAITING_REPLY] = "awaiting-reply",
	[CONSULT_INFO_REQUESTED] = "info-requested",
	[CONSULT_EXTENDED] = "extended",
	[CONSULT_REPLIED] = "replied",
	[CONSULT_LAPSED] = "lapsed",
	[CONSULT_DECIDED] = "decided",
	[CONSULT_CLOSED] = "closed",
};
#define NSTATES (sizeof(state_names) / sizeof(state_names[0]))

const char *
consult_state_name(enum consult_state s)
{
	if ((unsigned)s >= NSTATES)
		return "none";
	return state_names[s];
}

enum consult_state
consult_state_parse(const char *s)
{
	unsigned i;

	for (i = 1; i < NSTATES; i++)
		if (value_is(s, state_names[i]))
			return (enum consult_state)i;
	return CONSULT_NONE;
}

static const struct {
	const char	*name;
	const char	*text;
} steps[] = {
	[CONSULT_STEP_APPLIED] = { "applied", "applied" },
	[CONSULT_STEP_WRONG_AGENCY] = { "wrong-agency",
	    "not from the agency entitled to it: only the consulted agency "
	    "replies, only the asking agency sends information and decides" },
	[CONSULT_STEP_NOT_OPEN] = { "not-open",
	    "the consultation was already decided or closed" },
	[CONSULT_STEP_NOT_ASKED] = { "not-asked",
	    "information that no need-info reply asked for" },
	[CONSULT_STEP_EARLY_GRANT] = { "early-grant",
	    "a grant before the consulted agency's reply and before the "
	    "deadline had passed" },
	[CONSULT_STEP_BAD_EXTENSION] = { "bad-extension",
	    "an extension not later than the deadline, past the request's "
	    "extension limit, asked after the deadline, or for a request "
	    "that allows none" },
	[CONSULT_STEP_INVALID] = { "invalid",
	    "a reply without a position or a decision without grant or deny" },
	[CONSULT_STEP_BEFORE_REQUEST] = { "before-request",
	    "a decision dated before the day its request was signed" },
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

const char *
consult_step_name(enum consult_step s)
{
	if ((unsigned)s >= NSTEPS)
		return "invalid";
	return steps[s].name;
}

const char *
consult_step_text(enum consult_step s)
{
	if ((unsigned)s >= NSTEPS)
		return steps[CONSULT_STEP_INVALID].text;
	return steps[s].text;
}
