/*
 * Unit tests for consult_profile.c: each regime's default profile, the
 * parsers of the configuration values (case ignored, white space
 * trimmed, refusals saying what was expected and what was found, outputs
 * zeroed), and the names officers read and type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "consult.h"
#include "lcn_err.h"

/* ---------------------------------------------------------- defaults */

static void
profile_default_eu(void **state)
{
	struct consult_profile p;

	(void)state;
	memset(&p, 0xa5, sizeof(p));
	consult_profile_default(DOMAIN_REGIME_EU, &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(p.basis, CONSULT_BASIS_WORKING_DAYS);
	assert_int_equal(p.days, 10);
	assert_int_equal(p.extension_max, 30);
	assert_int_equal(p.silence, CONSULT_SILENCE_NO_OBJECTION);
	assert_int_equal(p.info_restarts, 1);
}

static void
profile_default_nsg_ag_mtcr(void **state)
{
	static const enum domain_regime regimes[] = {
		DOMAIN_REGIME_NSG, DOMAIN_REGIME_AG, DOMAIN_REGIME_MTCR,
		DOMAIN_REGIME_UNKNOWN,
	};
	struct consult_profile p;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(regimes) / sizeof(regimes[0]); i++) {
		memset(&p, 0xa5, sizeof(p));
		consult_profile_default(regimes[i], &p);
		assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
		assert_int_equal(p.basis, CONSULT_BASIS_NONE);
		assert_int_equal(p.days, 0);
		assert_int_equal(p.extension_max, 0);
		assert_int_equal(p.silence, CONSULT_SILENCE_NO_EFFECT);
		assert_int_equal(p.info_restarts, 0);
	}
}

static void
profile_default_wa_notifies_after(void **state)
{
	struct consult_profile p;

	(void)state;
	consult_profile_default(DOMAIN_REGIME_WA, &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_NOTIFY_AFTER);
	assert_int_equal(p.basis, CONSULT_BASIS_NONE);
	assert_int_equal(p.days, 0);
	assert_int_equal(p.extension_max, 0);
}

static void
profile_default_of_parsed_names(void **state)
{
	struct consult_profile p;

	(void)state;
	/* A group named "EU" or a pair "DE-BAFA+JP-METI". */
	consult_profile_default(domain_regime_parse(" eu "), &p);
	assert_int_equal(p.days, 10);
	consult_profile_default(domain_regime_parse("DE-BAFA+JP-METI"), &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(p.basis, CONSULT_BASIS_NONE);
	/* Out of range is unknown: fail safe. */
	consult_profile_default((enum domain_regime)42, &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
}

/* ---------------------------------------------------------- deadline */

static void
deadline_parses(const char *s, enum consult_basis basis, unsigned days)
{
	enum consult_basis b = 99;
	unsigned d = 99;
	char	 err[256] = "x";

	assert_int_equal(consult_parse_deadline(s, &b, &d, err, sizeof(err)),
	    0);
	assert_int_equal(b, basis);
	assert_int_equal(d, days);
	assert_string_equal(err, "");
}

static void
parse_deadline_accepts(void **state)
{
	(void)state;
	deadline_parses("none", CONSULT_BASIS_NONE, 0);
	deadline_parses("  NONE\t", CONSULT_BASIS_NONE, 0);
	deadline_parses("10 working-days", CONSULT_BASIS_WORKING_DAYS, 10);
	deadline_parses(" 10   Working-Days ", CONSULT_BASIS_WORKING_DAYS, 10);
	deadline_parses("1 working-day", CONSULT_BASIS_WORKING_DAYS, 1);
	deadline_parses("30 calendar-days", CONSULT_BASIS_CALENDAR_DAYS, 30);
	deadline_parses("30calendar-days", CONSULT_BASIS_CALENDAR_DAYS, 30);
	deadline_parses("007 CALENDAR-DAYS", CONSULT_BASIS_CALENDAR_DAYS, 7);
	deadline_parses("3650 working-days", CONSULT_BASIS_WORKING_DAYS,
	    CALENDAR_DAYS_MAX);
}

#define DEADLINE_EXPECTED \
	"expected \"none\", \"N working-days\" or \"N calendar-days\" " \
	"with N from 1 to 3650, got "

static void
deadline_refused(const char *s, const char *message)
{
	enum consult_basis b = 99;
	unsigned d = 99;
	char	 err[256];

	assert_int_equal(consult_parse_deadline(s, &b, &d, err, sizeof(err)),
	    LCN_EINVAL);
	assert_string_equal(err, message);
	assert_int_equal(b, CONSULT_BASIS_NONE);
	assert_int_equal(d, 0);
}

static void
parse_deadline_refuses(void **state)
{
	(void)state;
	deadline_refused("10 days", DEADLINE_EXPECTED "\"10 days\"");
	deadline_refused("ten working-days",
	    DEADLINE_EXPECTED "\"ten working-days\"");
	deadline_refused("0 working-days",
	    DEADLINE_EXPECTED "\"0 working-days\"");
	deadline_refused("3651 working-days",
	    DEADLINE_EXPECTED "\"3651 working-days\"");
	deadline_refused("99999999999999999999 working-days",
	    DEADLINE_EXPECTED "\"99999999999999999999 working-days\"");
	deadline_refused("-1 working-days",
	    DEADLINE_EXPECTED "\"-1 working-days\"");
	deadline_refused("10", DEADLINE_EXPECTED "\"10\"");
	deadline_refused("10 working days",
	    DEADLINE_EXPECTED "\"10 working days\"");
	deadline_refused("  ", DEADLINE_EXPECTED "nothing");
	deadline_refused(NULL, DEADLINE_EXPECTED "nothing");
	deadline_refused("10 working-days\"\n",
	    DEADLINE_EXPECTED "\"10 working-days\\\"\"");
	deadline_refused("10 w\x01", DEADLINE_EXPECTED "\"10 w\\x01\"");
}

static void
parse_deadline_quotes_long_input_cut(void **state)
{
	char	 s[400], err[512];
	enum consult_basis b;
	unsigned d;

	(void)state;
	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(consult_parse_deadline(s, &b, &d, err, sizeof(err)),
	    LCN_EINVAL);
	assert_true(strlen(err) < 200);
	assert_non_null(strstr(err, "xxx...\""));
	/* A small buffer: cut, terminated. */
	assert_int_equal(consult_parse_deadline(s, &b, &d, err, 8),
	    LCN_EINVAL);
	assert_int_equal(strlen(err), 7);
}

/* ---------------------------------------------------------- extension */

static void
parse_extension_in_the_deadline_unit(void **state)
{
	unsigned d = 99;
	char	 err[256];

	(void)state;
	assert_int_equal(consult_parse_extension("30 working-days",
	    CONSULT_BASIS_WORKING_DAYS, &d, err, sizeof(err)), 0);
	assert_int_equal(d, 30);
	assert_int_equal(consult_parse_extension(" None ",
	    CONSULT_BASIS_WORKING_DAYS, &d, err, sizeof(err)), 0);
	assert_int_equal(d, 0);
	assert_int_equal(consult_parse_extension("none", CONSULT_BASIS_NONE,
	    &d, err, sizeof(err)), 0);
	assert_int_equal(consult_parse_extension("15 calendar-days",
	    CONSULT_BASIS_CALENDAR_DAYS, &d, err, sizeof(err)), 0);
	assert_int_equal(d, 15);

	d = 99;
	assert_int_equal(consult_parse_extension("30 calendar-days",
	    CONSULT_BASIS_WORKING_DAYS, &d, err, sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "expected \"none\" or \"N working-days\", as "
	    "the deadline counts working days, got \"30 calendar-days\"");
	assert_int_equal(d, 0);
	d = 99;
	assert_int_equal(consult_parse_extension("30 working-days",
	    CONSULT_BASIS_NONE, &d, err, sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "an extension needs a deadline to extend; "
	    "the deadline is none");
	assert_int_equal(d, 0);
	d = 99;
	assert_int_equal(consult_parse_extension("thirty",
	    CONSULT_BASIS_WORKING_DAYS, &d, err, sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "expected \"none\", \"N working-days\" or "
	    "\"N calendar-days\" (the deadline's unit) with N from 1 to 3650, "
	    "got \"thirty\"");
	assert_int_equal(d, 0);
}

/* ---------------------------------------------------------- silence, need */

static void
parse_silence_values(void **state)
{
	enum consult_silence s = 99;
	char	 err[256];

	(void)state;
	assert_int_equal(consult_parse_silence("no-objection", &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s, CONSULT_SILENCE_NO_OBJECTION);
	assert_int_equal(consult_parse_silence(" Objection\n", &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s, CONSULT_SILENCE_OBJECTION);
	assert_int_equal(consult_parse_silence("NO-EFFECT", &s, err,
	    sizeof(err)), 0);
	assert_int_equal(s, CONSULT_SILENCE_NO_EFFECT);
	s = 99;
	assert_int_equal(consult_parse_silence("consent", &s, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "expected what silence means: "
	    "\"no-objection\", \"objection\" or \"no-effect\", got "
	    "\"consent\"");
	assert_int_equal(s, CONSULT_SILENCE_UNSPECIFIED);
	assert_int_equal(consult_parse_silence("", &s, err, sizeof(err)),
	    LCN_EINVAL);
	assert_string_equal(err, "expected what silence means: "
	    "\"no-objection\", \"objection\" or \"no-effect\", got nothing");
}

static void
parse_need_values(void **state)
{
	enum domain_consult n = 99;
	char	 err[256];

	(void)state;
	assert_int_equal(consult_parse_need("consult", &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(consult_parse_need("Consult-Required", &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(consult_parse_need("\tnotify-after ", &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, DOMAIN_CONSULT_NOTIFY_AFTER);
	n = 99;
	assert_int_equal(consult_parse_need("none", &n, err, sizeof(err)), 0);
	assert_int_equal(n, DOMAIN_CONSULT_NONE);
	n = 99;
	assert_int_equal(consult_parse_need("notify", &n, err, sizeof(err)),
	    LCN_EINVAL);
	assert_string_equal(err, "expected \"consult\", \"notify-after\" or "
	    "\"none\", got \"notify\"");
	assert_int_equal(n, DOMAIN_CONSULT_NONE);
}

/* ---------------------------------------------------------- names */

static void
deadline_text_round_trips(void **state)
{
	char	 buf[64];
	enum consult_basis b;
	unsigned d;

	(void)state;
	consult_deadline_text(CONSULT_BASIS_WORKING_DAYS, 10, buf, sizeof(buf));
	assert_string_equal(buf, "10 working-days");
	assert_int_equal(consult_parse_deadline(buf, &b, &d, NULL, 0), 0);
	assert_int_equal(b, CONSULT_BASIS_WORKING_DAYS);
	assert_int_equal(d, 10);
	consult_deadline_text(CONSULT_BASIS_CALENDAR_DAYS, 30, buf,
	    sizeof(buf));
	assert_string_equal(buf, "30 calendar-days");
	consult_deadline_text(CONSULT_BASIS_CALENDAR_DAYS, 1, buf, sizeof(buf));
	assert_string_equal(buf, "1 calendar-day");
	assert_int_equal(consult_parse_deadline(buf, &b, &d, NULL, 0), 0);
	assert_int_equal(d, 1);
	consult_deadline_text(CONSULT_BASIS_NONE, 0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	consult_deadline_text(CONSULT_BASIS_WORKING_DAYS, 10, buf, 4);
	assert_string_equal(buf, "10 ");
}

static void
silence_and_decision_names(void **state)
{
	(void)state;
	assert_string_equal(consult_silence_name(CONSULT_SILENCE_NO_OBJECTION),
	    "no-objection");
	assert_string_equal(consult_silence_name(CONSULT_SILENCE_OBJECTION),
	    "objection");
	assert_string_equal(consult_silence_name(CONSULT_SILENCE_NO_EFFECT),
	    "no-effect");
	assert_string_equal(consult_silence_name(CONSULT_SILENCE_UNSPECIFIED),
	    "no-effect");
	assert_string_equal(consult_decision_name(CONSULT_DECISION_GRANT),
	    "grant");
	assert_string_equal(consult_decision_name(CONSULT_DECISION_DENY),
	    "deny");
	assert_string_equal(consult_decision_name(CONSULT_DECISION_NONE),
	    "none");
	assert_string_equal(consult_decision_name((enum consult_decision)9),
	    "none");
}

static void
position_names_round_trip(void **state)
{
	static const char *const names[] = {
		"none", "object", "no-objection", "maintain-denial",
		"need-info", "ack",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < 6; i++) {
		assert_string_equal(consult_position_name(i), names[i]);
		assert_int_equal(consult_position_parse(names[i]),
		    i == 0 ? CONSULT_POSITION_NONE : i);
	}
	assert_int_equal(consult_position_parse(" Need-Info "),
	    CONSULT_POSITION_NEED_INFO);
	assert_int_equal(consult_position_parse("objection"),
	    CONSULT_POSITION_NONE);
	assert_int_equal(consult_position_parse(NULL), CONSULT_POSITION_NONE);
	assert_string_equal(consult_position_name((enum consult_position)6),
	    "none");
}

static void
state_names_round_trip(void **state)
{
	static const char *const names[] = {
		"none", "awaiting-reply", "info-requested", "extended",
		"replied", "lapsed", "decided", "closed",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < 8; i++) {
		assert_string_equal(consult_state_name(i), names[i]);
		assert_int_equal(consult_state_parse(names[i]), i);
	}
	assert_int_equal(consult_state_parse("LAPSED"), CONSULT_LAPSED);
	assert_int_equal(consult_state_parse("open"), CONSULT_NONE);
	assert_int_equal(consult_state_parse(NULL), CONSULT_NONE);
	assert_string_equal(consult_state_name((enum consult_state)8), "none");
}

static void
step_names_and_texts(void **state)
{
	static const char *const names[] = {
		"applied", "wrong-agency", "not-open", "not-asked",
		"early-grant", "bad-extension", "invalid", "before-request",
	};
	unsigned i, j;

	(void)state;
	for (i = 0; i < 8; i++) {
		assert_string_equal(consult_step_name(i), names[i]);
		assert_true(strlen(consult_step_text(i)) > 5);
		for (j = 0; j < i; j++)
			assert_string_not_equal(consult_step_text(i),
			    consult_step_text(j));
	}
	assert_string_equal(consult_step_name((enum consult_step)8),
	    "invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profile_default_eu),
		cmocka_unit_test(profile_default_nsg_ag_mtcr),
		cmocka_unit_test(profile_default_wa_notifies_after),
		cmocka_unit_test(profile_default_of_parsed_names),
		cmocka_unit_test(parse_deadline_accepts),
		cmocka_unit_test(parse_deadline_refuses),
		cmocka_unit_test(parse_deadline_quotes_long_input_cut),
		cmocka_unit_test(parse_extension_in_the_deadline_unit),
		cmocka_unit_test(parse_silence_values),
		cmocka_unit_test(parse_need_values),
		cmocka_unit_test(deadline_text_round_trips),
		cmocka_unit_test(silence_and_decision_names),
		cmocka_unit_test(position_names_round_trip),
		cmocka_unit_test(state_names_round_trip),
		cmocka_unit_test(step_names_and_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
