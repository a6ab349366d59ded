/*
 * Unit tests for the consultation keys of the configuration
 * (config_consult.c): a [group]'s profile keys over its regime's
 * default, the holidays files of [node] and [partner] sections, and the
 * "FILE:LINE: ..." message of each mistake, after which nothing is left
 * to free. Certificates are made at run time with certs/make-agency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar.h"
#include "config.h"
#include "consult.h"
#include "hash.h"
#include "lcn_err.h"
#include "test_config_fx.h"
#include "util.h"

static char	tmp[64];		/* the test's directory */
static char	conf[128];		/* tmp/lcnd.conf */

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/lcn-test-config-consult-XXXXXX");
	if (mkdtemp(tmp) == NULL || hash_init() != 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/lcnd.conf", tmp);
	if (test_conf_run("%s/certs/make-agency JP-METI %s/jp >/dev/null "
	    "2>&1 && %s/certs/make-agency DE-BAFA %s/de >/dev/null 2>&1",
	    LCN_SOURCE_DIR, tmp, LCN_SOURCE_DIR, tmp) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return test_conf_run("rm -rf %s", tmp) == 0 ? 0 : -1;
}

static void
write_file(const char *path, const char *text)
{
	test_conf_write(tmp, path, text);
}

static void
load_ok(const char *text, struct config *c)
{
	test_conf_load(tmp, conf, text, c, 0);
}

/*
 * Loads text and expects "CONF:line: " followed by want (a prefix of the
 * rest when prefix is set); nothing is left in the struct.
 */
static void
expect_error(const char *text, int line, const char *want, int prefix)
{
	test_conf_expect_error(tmp, conf, text, line, want, prefix);
}

static void
profile_keys_override_the_regime_default(void **state)
{
	struct config		c;
	struct consult_profile	p;

	(void)state;
	load_ok(NODE DE "[group EU]\nmembers = JP-METI DE-BAFA\n"
	    "consult_deadline = 15 working-days\n"
	    "consult_extension_max = 20 working-days\n"
	    "silence = objection\ninfo_restarts = no\n"
	    "[group NSG]\nmembers = JP-METI DE-BAFA\nconsult = consult\n"
	    "consult_deadline = 30 calendar-days\nsilence = no-effect\n", &c);
	config_consult_profile(&c, "EU", &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(p.basis, CONSULT_BASIS_WORKING_DAYS);
	assert_int_equal(p.days, 15);
	assert_int_equal(p.extension_max, 20);
	assert_int_equal(p.silence, CONSULT_SILENCE_OBJECTION);
	assert_int_equal(p.info_restarts, 0);
	config_consult_profile(&c, "NSG", &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(p.basis, CONSULT_BASIS_CALENDAR_DAYS);
	assert_int_equal(p.days, 30);
	assert_int_equal(p.extension_max, 0);
	assert_int_equal(p.silence, CONSULT_SILENCE_NO_EFFECT);
	config_free(&c);
}

static void
groups_without_keys_take_their_regimes_default(void **state)
{
	struct config		c;
	struct consult_profile	p, want;

	(void)state;
	load_ok(NODE DE "[group EU]\nmembers = JP-METI DE-BAFA\n"
	    "[group WA]\nmembers = JP-METI DE-BAFA\n", &c);
	config_consult_profile(&c, "EU", &p);
	consult_profile_default(DOMAIN_REGIME_EU, &want);
	assert_memory_equal(&p, &want, sizeof(p));
	/* The EU's practice: 10 working days, silence is no objection. */
	assert_int_equal(p.basis, CONSULT_BASIS_WORKING_DAYS);
	assert_int_equal(p.days, 10);
	assert_int_equal(p.silence, CONSULT_SILENCE_NO_OBJECTION);
	config_consult_profile(&c, "WA", &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_NOTIFY_AFTER);
	/* A regime with no [group] at all, and a group of no regime. */
	config_consult_profile(&c, "NSG", &p);
	consult_profile_default(DOMAIN_REGIME_NSG, &want);
	assert_memory_equal(&p, &want, sizeof(p));
	config_consult_profile(&c, "QUANTUM-5", &p);
	assert_int_equal(p.need, DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(p.basis, CONSULT_BASIS_NONE);
	config_free(&c);
}

static void
holidays_files_give_each_agency_its_calendar(void **state)
{
	struct config		 c;
	const struct calendar	*jp, *de;
	uint64_t		 may14;
	char			 path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/de-holidays.txt", tmp);
	write_file(path, "# Germany, two days of 2026\n"
	    "2026-05-14  Ascension Day\n2026-05-25  Whit Monday\n");
	/* Relative to the configuration's directory, as every path. */
	load_ok(NODE DE "holidays = de-holidays.txt\n", &c);
	de = config_calendar(&c, "DE-BAFA");
	jp = config_calendar(&c, "JP-METI");
	assert_non_null(de);
	assert_non_null(jp);
	assert_null(config_calendar(&c, "US-BIS"));
	assert_int_equal(de->nholidays, 2);
	assert_int_equal(jp->nholidays, 0);
	assert_int_equal(date_parse_day("2026-05-14", &may14), 0);
	assert_false(calendar_is_working(de, calendar_day(may14)));
	assert_true(calendar_is_working(jp, calendar_day(may14)));
	/* Ten working days from Monday 11 May: the 25th, or the 27th. */
	assert_int_equal(calendar_add_working(jp, may14 - 3 *
	    CALENDAR_DAY_MS, 10), calendar_add_days(may14 - 3 *
	    CALENDAR_DAY_MS, 14));
	assert_int_equal(calendar_add_working(de, may14 - 3 *
	    CALENDAR_DAY_MS, 10), calendar_add_days(may14 - 3 *
	    CALENDAR_DAY_MS, 16));
	config_free(&c);
}

static void
profile_mistakes_name_the_line(void **state)
{
	(void)state;
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "consult_deadline = 10 working-days\n"
	    "consult_extension_max = 20 calendar-days\n", 14,
	    "consult_extension_max: expected days counted as the "
	    "deadline's (10 working-days in [group EU]), got '20 "
	    "calendar-days'", 0);
	expect_error(NODE DE "[group NSG]\nmembers = JP-METI\n"
	    "consult_extension_max = 20 working-days\n", 13,
	    "consult_extension_max: expected none with consult_deadline = "
	    "none in [group NSG] (no deadline, nothing to extend), got '20 "
	    "working-days'", 0);
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "silence = no-objection\nsilence = objection\n", 14,
	    "expected silence once in [group EU], got it again (first at "
	    "line 13)", 0);
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "info_restarts = maybe\n", 13,
	    "info_restarts: expected yes or no, got 'maybe'", 0);
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "deadline = 10 working-days\n", 13,
	    "expected a key of [group EU] (members, consult, "
	    "consult_deadline, consult_extension_max, silence, "
	    "info_restarts), got 'deadline'", 0);
	/* The values' own messages come from consult.h's parsers. */
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "consult_deadline = ten days\n", 13, "consult_deadline: ", 1);
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "silence = consent\n", 13, "silence: ", 1);
	expect_error(NODE DE "[group EU]\nmembers = JP-METI\n"
	    "consult = always\n", 13, "consult: ", 1);
}

static void
holidays_mistakes_name_the_line(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	snprintf(path, sizeof(path), "%s/bad-holidays.txt", tmp);
	write_file(path, "2026-01-01 New Year\nChristmas 2026-12-25\n");
	snprintf(want, sizeof(want), "holidays: %s line 2: ", path);
	expect_error(NODE "holidays = bad-holidays.txt\n" DE, 8, want, 1);
	expect_error(NODE DE "holidays = $D/none.txt\n", 11, "holidays: ",
	    1);
	expect_error(NODE DE "holidays = bad-holidays.txt\n", 11, want, 1);
	snprintf(path, sizeof(path), "%s/ok.txt", tmp);
	write_file(path, "2026-01-01\n");
	expect_error(NODE DE "holidays = ok.txt\nholidays = ok.txt\n", 12,
	    "expected holidays once in [partner DE-BAFA], got it again "
	    "(first at line 11)", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profile_keys_override_the_regime_default),
		cmocka_unit_test(
		    groups_without_keys_take_their_regimes_default),
		cmocka_unit_test(holidays_files_give_each_agency_its_calendar),
		cmocka_unit_test(profile_mistakes_name_the_line),
		cmocka_unit_test(holidays_mistakes_name_the_line),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
