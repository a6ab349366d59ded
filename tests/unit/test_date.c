/*
 * The date parser (util.h: date_parse, date_parse_day): valid dates and
 * date-times, leap days, every field out of range, wrong widths, trailing
 * garbage, and a zeroed output after each failure. The expected values
 * were computed with date -u -d ... +%s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lcn_err.h"
#include "util.h"

/* Both parsers refuse s, and leave *ms zeroed. */
static void
refused(const char *s)
{
	uint64_t ms;

	ms = 1;
	if (date_parse(s, &ms) != LCN_EINVAL)
		fail_msg("date_parse accepted '%s'", s);
	assert_int_equal(ms, 0);
	ms = 1;
	if (date_parse_day(s, &ms) != LCN_EINVAL)
		fail_msg("date_parse_day accepted '%s'", s);
	assert_int_equal(ms, 0);
}

static uint64_t
day(const char *s)
{
	uint64_t ms, ms2;

	if (date_parse_day(s, &ms) != 0)
		fail_msg("date_parse_day refused '%s'", s);
	/* A calendar date means the same to both. */
	assert_int_equal(date_parse(s, &ms2), 0);
	assert_int_equal(ms, ms2);
	return ms;
}

static uint64_t
datetime(const char *s)
{
	uint64_t ms;

	if (date_parse(s, &ms) != 0)
		fail_msg("date_parse refused '%s'", s);
	return ms;
}

static void
date_parses_calendar_dates(void **state)
{
	(void)state;
	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(day("1970-01-02"), 86400000ull);
	assert_int_equal(day("2026-03-01"), 1772323200000ull);
	assert_int_equal(day("2026-06-30"), 1782777600000ull);
	assert_int_equal(day("2026-12-31"), 1798675200000ull);
	assert_int_equal(day("9999-12-31"), 253402214400000ull);
}

static void
date_parses_date_times_with_milliseconds(void **state)
{
	(void)state;
	assert_int_equal(datetime("2026-03-01T12:00:00Z"), 1772366400000ull);
	assert_int_equal(datetime("2026-03-01t12:00:00z"), 1772366400000ull);
	assert_int_equal(datetime("2026-03-01T12:00:00.25Z"),
	    1772366400250ull);
	assert_int_equal(datetime("2026-03-01T12:00:00.5Z"), 1772366400500ull);
	assert_int_equal(datetime("2026-03-01T12:00:00.123Z"),
	    1772366400123ull);
	assert_int_equal(datetime("2026-03-01T23:59:59.999Z"),
	    1772409599999ull);
	assert_int_equal(datetime("1970-01-01T00:00:00Z"), 0);
}

static void
date_accepts_february_29_in_leap_years_only(void **state)
{
	(void)state;
	assert_int_equal(day("2028-02-29"), 1835395200000ull);
	assert_int_equal(day("2000-02-29"), 951782400000ull);
	assert_int_equal(datetime("2024-02-29T06:00:00Z"), 1709186400000ull);
	refused("2026-02-29");
	refused("2100-02-29");	/* divisible by 100, not by 400 */
	refused("1900-02-29");
	refused("2028-02-30");
}

static void
date_rejects_fields_out_of_range(void **state)
{
	(void)state;
	refused("1969-12-31");
	refused("0000-01-01");
	refused("2026-00-10");
	refused("2026-13-01");
	refused("2026-01-00");
	refused("2026-01-32");
	refused("2026-04-31");
	refused("2026-06-31");
	refused("2026-09-31");
	refused("2026-11-31");
	refused("2026-03-01T24:00:00Z");
	refused("2026-03-01T12:60:00Z");
	refused("2026-03-01T12:00:60Z");	/* no leap seconds */
}

static void
date_rejects_wrong_widths_and_separators(void **state)
{
	(void)state;
	refused("");
	refused("2026");
	refused("2026-1-1");
	refused("2026-01-1");
	refused("26-01-01");
	refused("20260101");
	refused("2026/01/01");
	refused("+2026-01-01");
	refused(" 2026-01-01");
	refused("-2026-01-01");
	refused("2026-03-01T12:00Z");
	refused("2026-03-01T12:00:00");		/* local time: no zone */
	refused("2026-03-01 12:00:00Z");
	refused("2026-03-01T12:00:00.Z");
	refused("2026-03-01T12:00:00.1234Z");
	refused("2026-03-01T12:00:00+00:00");
	refused("2026-03-01T1:00:00Z");
}

static void
date_rejects_trailing_garbage(void **state)
{
	uint64_t ms;

	(void)state;
	refused("2026-03-01x");
	refused("2026-03-01 ");
	refused("2026-03-01\n");
	refused("2026-03-01T12:00:00Zx");
	refused("2026-03-01T12:00:00Z ");
	refused("2026-03-010");
	/* A date-time is not a calendar date. */
	ms = 1;
	assert_int_equal(date_parse_day("2026-03-01T12:00:00Z", &ms),
	    LCN_EINVAL);
	assert_int_equal(ms, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(date_parses_calendar_dates),
		cmocka_unit_test(date_parses_date_times_with_milliseconds),
		cmocka_unit_test(date_accepts_february_29_in_leap_years_only),
		cmocka_unit_test(date_rejects_fields_out_of_range),
		cmocka_unit_test(date_rejects_wrong_widths_and_separators),
		cmocka_unit_test(date_rejects_trailing_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
