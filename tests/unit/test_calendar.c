/*
 * Unit tests for calendar.c: day numbers, working-day and calendar-day
 * deadlines and working days left as calendar.h says (on the shipped
 * Japanese and German calendars too), and holidays files parsed or
 * refused with the file, the line and what was found.
 * test_calendar_files.c tests reading files and the files shipped.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lcn_err.h"
#include "test_calendar_fx.h"

static int
parse(const char *text, struct calendar *c, char *err, size_t errsz)
{
	return calendar_parse(text, strlen(text), "JP.txt", c, err, errsz);
}

/* ---------------------------------------------------------- days */

static void
day_numbers_and_bounds(void **state)
{
	(void)state;
	assert_int_equal(calendar_day(0), 0);
	assert_int_equal(calendar_day(CALENDAR_DAY_MS - 1), 0);
	assert_int_equal(calendar_day(CALENDAR_DAY_MS), 1);
	assert_int_equal(calendar_day(UINT64_MAX), INT32_MAX);
	assert_true(calendar_day_start(1) == CALENDAR_DAY_MS);
	assert_true(calendar_day_end(0) == CALENDAR_DAY_MS - 1);
	assert_true(calendar_day_start(-1) == 0);
	assert_true(calendar_day_end(-1) == 0);
	assert_true(calendar_day_end(day_of("2026-09-15")) ==
	    end_of("2026-09-15"));
}

static void
default_calendar_has_weekends_only(void **state)
{
	struct calendar c;

	(void)state;
	calendar_default(&c);
	assert_int_equal(c.nholidays, 0);
	assert_null(c.holidays);
	/* 2026-09-14 is a Monday. */
	assert_true(calendar_is_working(&c, day_of("2026-09-14")));
	assert_true(calendar_is_working(&c, day_of("2026-09-18")));
	assert_false(calendar_is_working(&c, day_of("2026-09-19")));
	assert_false(calendar_is_working(&c, day_of("2026-09-20")));
	/* 1970-01-01 was a Thursday. */
	assert_true(calendar_is_working(&c, 0));
	assert_false(calendar_is_working(&c, 2));
	calendar_free(&c);
}

/* ---------------------------------------------------------- arithmetic */

static void
add_working_skips_weekends(void **state)
{
	struct calendar c;

	(void)state;
	calendar_default(&c);
	/* Friday: the next working day is Monday. */
	assert_true(calendar_add_working(&c, ms_of("2026-09-18") + 3600000,
	    1) == end_of("2026-09-21"));
	/* The event's day does not count, even on a working day. */
	assert_true(calendar_add_working(&c, ms_of("2026-09-15"), 1) ==
	    end_of("2026-09-16"));
	/* From a Saturday, the first working day is Monday. */
	assert_true(calendar_add_working(&c, ms_of("2026-09-19"), 1) ==
	    end_of("2026-09-21"));
	assert_true(calendar_add_working(&c, ms_of("2026-09-15"), 10) ==
	    end_of("2026-09-29"));
	/* n = 0: the end of the event's own day, worked or not. */
	assert_true(calendar_add_working(&c, ms_of("2026-09-19") + 5, 0) ==
	    end_of("2026-09-19"));
	calendar_free(&c);
}

static void
add_working_skips_holidays_in_september(void **state)
{
	struct calendar c;

	(void)state;
	load("JP.txt", &c);
	/*
	 * Tuesday 15 September 2026: 16, 17, 18 count; 19 and 20 are a
	 * weekend; 21 (Respect for the Aged Day), 22 (citizens' holiday)
	 * and 23 (Autumnal Equinox Day) are holidays; then 24, 25, 28, 29,
	 * 30 September and 1, 2 October.
	 */
	assert_true(calendar_add_working(&c, ms_of("2026-09-15") + 36000000,
	    10) == end_of("2026-10-02"));
	assert_true(calendar_add_working(&c, ms_of("2026-09-15"), 3) ==
	    end_of("2026-09-18"));
	assert_true(calendar_add_working(&c, ms_of("2026-09-15"), 4) ==
	    end_of("2026-09-24"));
	assert_false(calendar_is_working(&c, day_of("2026-09-21")));
	assert_false(calendar_is_working(&c, day_of("2026-09-22")));
	assert_false(calendar_is_working(&c, day_of("2026-09-23")));
	assert_true(calendar_is_working(&c, day_of("2026-09-24")));
	calendar_free(&c);
}

static void
add_working_over_golden_week(void **state)
{
	struct calendar c;

	(void)state;
	load("JP.txt", &c);
	/* 29 April (Showa Day), then 30 April, 1 May, a weekend, 4 to 6 May
	 * (the 6th substitutes for Sunday 3 May): 7 May is the third. */
	assert_true(calendar_add_working(&c, ms_of("2026-04-28"), 3) ==
	    end_of("2026-05-07"));
	calendar_free(&c);
}

static void
add_days_counts_every_day(void **state)
{
	(void)state;
	assert_true(calendar_add_days(ms_of("2026-09-15") + 1, 30) ==
	    end_of("2026-10-15"));
	assert_true(calendar_add_days(ms_of("2026-12-31"), 1) ==
	    end_of("2027-01-01"));
	assert_true(calendar_add_days(ms_of("2026-09-15"), 0) ==
	    end_of("2026-09-15"));
}

static void
add_saturates(void **state)
{
	struct calendar c;

	(void)state;
	calendar_default(&c);
	assert_true(calendar_add_days(UINT64_MAX, 1) == UINT64_MAX);
	assert_true(calendar_add_days(UINT64_MAX - 5, 0) == UINT64_MAX);
	assert_true(calendar_add_days(calendar_day_start(INT32_MAX - 2), 5) ==
	    UINT64_MAX);
	assert_true(calendar_add_working(&c, UINT64_MAX, 1) == UINT64_MAX);
	assert_true(calendar_add_working(&c,
	    calendar_day_start(INT32_MAX - 3), 10) == UINT64_MAX);
	assert_true(calendar_add_working(&c, 0, CALENDAR_DAYS_MAX + 1) ==
	    UINT64_MAX);
	/* The longest period allowed is counted. */
	assert_true(calendar_add_working(&c, 0, CALENDAR_DAYS_MAX) <
	    UINT64_MAX);
	/* A calendar worked on no day of the week never reaches a deadline. */
	c.weekend = 0x7f;
	assert_true(calendar_add_working(&c, 0, 1) == UINT64_MAX);
	calendar_free(&c);
}

static void
working_left_counts_today_when_worked(void **state)
{
	struct calendar c;
	uint64_t deadline;

	(void)state;
	load("JP.txt", &c);
	deadline = end_of("2026-10-02");
	/* 15 September, a working day: itself and the 10 after. */
	assert_int_equal(calendar_working_left(&c, ms_of("2026-09-15"),
	    deadline), 11);
	assert_int_equal(calendar_working_left(&c, ms_of("2026-09-16"),
	    deadline), 10);
	/* From the weekend or a holiday: the 7 working days to come. */
	assert_int_equal(calendar_working_left(&c, ms_of("2026-09-19"),
	    deadline), 7);
	assert_int_equal(calendar_working_left(&c, ms_of("2026-09-22"),
	    deadline), 7);
	/* On the last day, until its very last instant. */
	assert_int_equal(calendar_working_left(&c, ms_of("2026-10-02"),
	    deadline), 1);
	assert_int_equal(calendar_working_left(&c, deadline, deadline), 1);
	assert_int_equal(calendar_working_left(&c, deadline + 1, deadline),
	    0);
	assert_int_equal(calendar_working_left(&c, UINT64_MAX, deadline), 0);
	calendar_free(&c);
}

static void
working_left_agrees_with_add_working(void **state)
{
	struct calendar c;
	uint64_t from, deadline;
	unsigned n;

	(void)state;
	load("DE.txt", &c);
	from = ms_of("2026-03-30");	/* a Monday, before Easter */
	for (n = 1; n <= 60; n++) {
		deadline = calendar_add_working(&c, from, n);
		/* From the day after the event, exactly n are left. */
		assert_int_equal(calendar_working_left(&c,
		    from + CALENDAR_DAY_MS, deadline), n);
	}
	calendar_free(&c);
}

static void
working_left_to_a_saturated_deadline(void **state)
{
	struct calendar c;

	(void)state;
	calendar_default(&c);
	/* Counted without walking every day: fast, and no overflow. */
	assert_true(calendar_working_left(&c, 0, UINT64_MAX) > 1000000000u);
	calendar_free(&c);
}

/* ---------------------------------------------------------- parsing */

static void
parse_sorts_and_dedupes(void **state)
{
	struct calendar c;
	char	 err[256];

	(void)state;
	assert_int_equal(parse("# unsorted, one twice\r\n"
	    "2026-12-25  Christmas\n"
	    "   2026-01-01\tNew Year # a name may hold '#'\n"
	    "\n"
	    "2026-12-25 Christmas again\n"
	    "2026-07-03", &c, err, sizeof(err)), 0);
	assert_int_equal(c.nholidays, 3);
	assert_int_equal(c.holidays[0], day_of("2026-01-01"));
	assert_int_equal(c.holidays[1], day_of("2026-07-03"));
	assert_int_equal(c.holidays[2], day_of("2026-12-25"));
	assert_int_equal(c.weekend, 1 << 0 | 1 << 6);
	calendar_free(&c);
	assert_null(c.holidays);
}

static void
parse_skips_a_byte_order_mark(void **state)
{
	struct calendar c;
	char	 err[256];

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbf# JP\n2026-01-01\n", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.nholidays, 1);
	calendar_free(&c);
	/* Only at the start. */
	assert_int_equal(parse("# JP\n\xef\xbb\xbf" "2026-01-01\n", &c, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "JP.txt line 2: expected a date YYYY-MM-DD, "
	    "\"weekend = ...\" or a # comment, got "
	    "\"\\xef\\xbb\\xbf2026-01-01\"");
}

static void
parse_empty_is_weekends_only(void **state)
{
	struct calendar c;
	char	 err[256];

	(void)state;
	assert_int_equal(calendar_parse("", 0, "empty", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.nholidays, 0);
	assert_int_equal(c.weekend, 1 << 0 | 1 << 6);
	calendar_free(&c);
	assert_int_equal(parse("# nothing\n\n   \n", &c, err, sizeof(err)),
	    0);
	assert_int_equal(c.nholidays, 0);
	calendar_free(&c);
}

static void
parse_weekend_days(void **state)
{
	struct calendar c;
	char	 err[256];

	(void)state;
	assert_int_equal(parse("weekend = FRI Saturday  # Friday, Saturday\n"
	    "2026-09-15 x\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.weekend, 1 << 5 | 1 << 6);
	/* Sunday is worked there; Friday is not. */
	assert_true(calendar_is_working(&c, day_of("2026-09-20")));
	assert_false(calendar_is_working(&c, day_of("2026-09-18")));
	assert_false(calendar_is_working(&c, day_of("2026-09-15")));
	calendar_free(&c);
	assert_int_equal(parse("Weekend=none\n", &c, err, sizeof(err)), 0);
	assert_int_equal(c.weekend, 0);
	assert_true(calendar_add_working(&c, ms_of("2026-09-18"), 2) ==
	    end_of("2026-09-20"));
	calendar_free(&c);
}

/* Refused: the message in full, and *out left zeroed. */
static void
refused(const char *text, const char *message)
{
	struct calendar c;
	char	 err[256];

	memset(&c, 0xa5, sizeof(c));
	assert_int_equal(parse(text, &c, err, sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, message);
	assert_null(c.holidays);
	assert_int_equal(c.nholidays, 0);
	assert_int_equal(c.weekend, 0);
}

static void
parse_refuses_bad_dates(void **state)
{
	(void)state;
	refused("# 2026\nweekend = sat sun\n2026-01-01 New Year\n"
	    "2026-13-01 Thirteenth month\n",
	    "JP.txt line 4: expected a date YYYY-MM-DD, got \"2026-13-01\"");
	refused("2026-02-29 not a leap year\n",
	    "JP.txt line 1: expected a date YYYY-MM-DD, got \"2026-02-29\"");
	refused("2026-1-01\n",
	    "JP.txt line 1: expected a date YYYY-MM-DD, got \"2026-1-01\"");
	refused("2026-01-011 x\n",
	    "JP.txt line 1: expected a date YYYY-MM-DD, got \"2026-01-011\"");
	refused("1969-12-31 before 1970\n",
	    "JP.txt line 1: expected a date YYYY-MM-DD, got \"1969-12-31\"");
	refused("2026-01-01,New Year\n",
	    "JP.txt line 1: expected a date YYYY-MM-DD, got "
	    "\"2026-01-01,New\"");
	refused("\n\n2026/01/01\n",
	    "JP.txt line 3: expected a date YYYY-MM-DD, got \"2026/01/01\"");
	refused("Jan 1 New Year\n",
	    "JP.txt line 1: expected a date YYYY-MM-DD, \"weekend = ...\" or "
	    "a # comment, got \"Jan\"");
	refused("2026-01-01 ok\n\"\x01\"\n",
	    "JP.txt line 2: expected a date YYYY-MM-DD, \"weekend = ...\" or "
	    "a # comment, got \"\\\"\\x01\\\"\"");
}

static void
parse_refuses_bad_weekends(void **state)
{
	(void)state;
	refused("weekend = samedi dimanche\n",
	    "JP.txt line 1: weekend: expected days of the week (mon tue wed "
	    "thu fri sat sun) or none, got \"samedi\"");
	refused("weekend =\n",
	    "JP.txt line 1: weekend: expected days of the week (mon tue wed "
	    "thu fri sat sun) or none, got nothing");
	refused("weekend sat sun\n",
	    "JP.txt line 1: expected \"weekend = \" and days of the week, "
	    "got no \"=\"");
	refused("weekend = none sun\n",
	    "JP.txt line 1: weekend: expected either none or days of the "
	    "week, got both");
	refused("weekend = mon tue wed thu fri sat sun\n",
	    "JP.txt line 1: weekend: all seven days given; at least one day "
	    "of the week must be a working day");
	refused("weekend = sat sun\n# again\nweekend = sun\n",
	    "JP.txt line 3: weekend given again (first on line 1)");
}

static void
parse_refuses_nul_and_too_many(void **state)
{
	struct calendar c;
	char	 err[256], *text, *p;
	int32_t	 day;
	size_t	 i;

	(void)state;
	assert_int_equal(calendar_parse("2026-01-01\n\0", 12, "x", &c, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "x line 2: a NUL byte; expected text");

	/* CALENDAR_HOLIDAYS_MAX distinct days fit, one more does not;
	 * duplicates do not count. */
	text = malloc((CALENDAR_HOLIDAYS_MAX + 1) * 22 + 1);
	assert_non_null(text);
	p = text;
	day = day_of("2000-01-01");
	for (i = 0; i < CALENDAR_HOLIDAYS_MAX; i++) {
		time_t	 t = (time_t)(day + (int32_t)i) * 86400;
		struct tm tm;

		assert_non_null(gmtime_r(&t, &tm));
		p += strftime(p, 12, "%Y-%m-%d\n", &tm);
	}
	memcpy(p, "2000-01-01\n", 12);
	assert_int_equal(calendar_parse(text, strlen(text), "many", &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c.nholidays, CALENDAR_HOLIDAYS_MAX);
	assert_int_equal(c.holidays[0], day);
	calendar_free(&c);
	memcpy(p, "1999-12-31\n", 12);
	assert_int_equal(calendar_parse(text, strlen(text), "many", &c, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "many: 4097 holidays; at most 4096 may be "
	    "listed");
	assert_null(c.holidays);
	free(text);
}

/*
 * A file knows the whole years it lists holidays in, and nothing after:
 * a weekday of a year not listed may be a holiday nobody added yet.
 */
static void
knows_up_to_the_end_of_the_last_year_listed(void **state)
{
	struct calendar c;
	char		err[256];

	(void)state;
	assert_int_equal(parse("2026-05-06 x\n2025-01-01 y\n", &c, err,
	    sizeof(err)), 0);
	assert_true(calendar_knows(&c, day_of("2025-01-01")));
	assert_true(calendar_knows(&c, day_of("2026-12-31")));
	assert_false(calendar_knows(&c, day_of("2027-01-01")));
	assert_false(calendar_knows(&c, INT32_MAX));
	assert_int_equal(calendar_last_known(&c), day_of("2026-12-31"));
	/* A deadline counted into the unknown year ends on a day it does
	 * not know: the caller must not trust it. */
	assert_false(calendar_knows(&c, calendar_day(calendar_add_working(
	    &c, ms_of("2026-12-24"), 10))));
	calendar_free(&c);
	assert_int_equal(c.unknown_from, 0);

	/* No holidays at all: weekends only, every day known. */
	assert_int_equal(parse("weekend = sat sun\n", &c, err, sizeof(err)),
	    0);
	assert_true(calendar_knows(&c, day_of("2100-06-01")));
	assert_int_equal(calendar_last_known(&c), INT32_MAX);
	calendar_free(&c);
	calendar_default(&c);
	assert_true(calendar_knows(&c, day_of("2100-06-01")));
	calendar_free(&c);

	/* The last year a date may have: known to its end and past it. */
	assert_int_equal(parse("9999-12-31 x\n", &c, err, sizeof(err)), 0);
	assert_true(calendar_knows(&c, INT32_MAX));
	calendar_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(day_numbers_and_bounds),
		cmocka_unit_test(default_calendar_has_weekends_only),
		cmocka_unit_test(add_working_skips_weekends),
		cmocka_unit_test(add_working_skips_holidays_in_september),
		cmocka_unit_test(add_working_over_golden_week),
		cmocka_unit_test(add_days_counts_every_day),
		cmocka_unit_test(add_saturates),
		cmocka_unit_test(working_left_counts_today_when_worked),
		cmocka_unit_test(working_left_agrees_with_add_working),
		cmocka_unit_test(working_left_to_a_saturated_deadline),
		cmocka_unit_test(parse_sorts_and_dedupes),
		cmocka_unit_test(parse_skips_a_byte_order_mark),
		cmocka_unit_test(parse_empty_is_weekends_only),
		cmocka_unit_test(parse_weekend_days),
		cmocka_unit_test(parse_refuses_bad_dates),
		cmocka_unit_test(parse_refuses_bad_weekends),
		cmocka_unit_test(parse_refuses_nul_and_too_many),
		cmocka_unit_test(knows_up_to_the_end_of_the_last_year_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
