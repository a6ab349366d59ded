/*
 * Unit tests for calendar.c's files: calendar_load() refusing a missing
 * file, a directory, a device and an oversized file each with its own
 * message; the holidays shipped in ops/holidays (their counts, known
 * dates and the last day each knows); and every truncation and bit flip
 * of JP.txt parsed or refused cleanly.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcn_err.h"
#include "test_calendar_fx.h"

/* One parse of a mutated file: a calendar that holds, or a refusal
 * naming the file with nothing left behind. */
static void
parse_holds_or_refuses(const char *text, size_t len)
{
	struct calendar c;
	char	 err[256];
	size_t	 i;
	int	 r;

	r = calendar_parse(text, len, "JP.txt", &c, err, sizeof(err));
	if (r == 0) {
		assert_true(c.nholidays <= CALENDAR_HOLIDAYS_MAX);
		assert_true((c.weekend & 0x7f) != 0x7f);
		for (i = 1; i < c.nholidays; i++)
			assert_true(c.holidays[i - 1] < c.holidays[i]);
		calendar_free(&c);
		return;
	}
	assert_int_equal(r, LCN_EINVAL);
	assert_int_equal(strncmp(err, "JP.txt", 6), 0);
	assert_null(c.holidays);
	assert_int_equal(c.nholidays, 0);
	assert_int_equal(c.weekend, 0);
}

static void
parse_survives_truncations_and_bit_flips(void **state)
{
	char	 path[512], *text;
	FILE	*f;
	long	 len;
	size_t	 i;
	unsigned bit;

	(void)state;
	snprintf(path, sizeof(path), "%s/JP.txt", HOLIDAYS_DIR);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((len = ftell(f)) > 0);
	rewind(f);
	/* Exactly len bytes, no terminator: the parser must not need one. */
	assert_non_null(text = malloc((size_t)len));
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (i = 0; i <= (size_t)len; i++)
		parse_holds_or_refuses(text, i);
	for (i = 0; i < (size_t)len; i++)
		for (bit = 0; bit < 8; bit++) {
			text[i] ^= (char)(1u << bit);
			parse_holds_or_refuses(text, (size_t)len);
			text[i] ^= (char)(1u << bit);
		}
	free(text);
}

/* ---------------------------------------------------------- files */

static void
load_refuses_missing_and_directory(void **state)
{
	struct calendar c;
	char	 err[512], path[256];
	FILE	*f;
	size_t	 i;

	(void)state;
	assert_int_equal(calendar_load("/nonexistent/lcn/JP.txt", &c, err,
	    sizeof(err)), LCN_EIO);
	assert_string_equal(err, "/nonexistent/lcn/JP.txt: cannot open the "
	    "holidays file: no such file");
	assert_int_equal(calendar_load(HOLIDAYS_DIR, &c, err, sizeof(err)),
	    LCN_EIO);
	assert_non_null(strstr(err, "/ops/holidays: is a directory; "
	    "expected a holidays file"));
	assert_int_equal(calendar_load("/dev/null", &c, err, sizeof(err)),
	    LCN_EIO);
	assert_string_equal(err, "/dev/null: not a regular file; expected a "
	    "holidays file");

	/* A parse error names the path given. */
	snprintf(path, sizeof(path), "/tmp/lcn-test-calendar-%ld.txt",
	    (long)getpid());
	assert_non_null(f = fopen(path, "w"));
	fputs("2026-01-01\nweekend = caturday\n", f);
	fclose(f);
	assert_int_equal(calendar_load(path, &c, err, sizeof(err)),
	    LCN_EINVAL);
	assert_non_null(strstr(err, ".txt line 2: weekend: expected days of "
	    "the week"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_null(c.holidays);

	/* Over CALENDAR_FILE_MAX: refused before it is read, whatever it
	 * holds; at the limit exactly, read (comments only here). */
	assert_non_null(f = fopen(path, "w"));
	for (i = 0; i < CALENDAR_FILE_MAX / 8; i++)
		fputs("#      \n", f);
	fclose(f);
	assert_int_equal(calendar_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nholidays, 0);
	calendar_free(&c);
	assert_non_null(f = fopen(path, "a"));
	fputc('\n', f);
	fclose(f);
	assert_int_equal(calendar_load(path, &c, err, sizeof(err)),
	    LCN_EINVAL);
	assert_non_null(strstr(err, ".txt: 1048577 bytes; a holidays file "
	    "may have at most 1048576"));
	assert_null(c.holidays);
	unlink(path);
}

/* Each shipped file knows 31 December of its last year, not 1 January
 * after: a deadline past it is refused, not counted on guesses. */
static void
knows_through(const struct calendar *c, const char *last, const char *next)
{
	assert_true(calendar_knows(c, day_of(last)));
	assert_false(calendar_knows(c, day_of(next)));
	assert_int_equal(calendar_last_known(c), day_of(last));
}

static void
shipped_japan(void **state)
{
	struct calendar c;

	(void)state;
	load("JP.txt", &c);
	assert_int_equal(c.nholidays, 45);
	assert_int_equal(c.weekend, 1 << 0 | 1 << 6);
	assert_int_equal(c.holidays[0], day_of("2026-01-01"));
	assert_int_equal(c.holidays[44], day_of("2027-12-31"));
	/* The substitute holiday for Sunday 3 May. */
	assert_false(calendar_is_working(&c, day_of("2026-05-06")));
	assert_false(calendar_is_working(&c, day_of("2026-03-20")));
	assert_false(calendar_is_working(&c, day_of("2026-02-23")));
	/* 2027: the Vernal Equinox Day is Sunday 21 March, so Monday 22 is
	 * a substitute holiday; Golden Week is Monday to Wednesday. */
	assert_false(calendar_is_working(&c, day_of("2027-03-22")));
	assert_true(calendar_is_working(&c, day_of("2027-03-23")));
	assert_false(calendar_is_working(&c, day_of("2027-05-03")));
	assert_false(calendar_is_working(&c, day_of("2027-05-05")));
	assert_false(calendar_is_working(&c, day_of("2027-09-20")));
	assert_true(calendar_is_working(&c, day_of("2027-09-21")));
	assert_true(calendar_is_working(&c, day_of("2027-09-22")));
	assert_false(calendar_is_working(&c, day_of("2027-09-23")));
	/* The year-end closure of government offices, 29 December to 3
	 * January: METI does not work it. */
	assert_true(calendar_is_working(&c, day_of("2026-12-28")));
	assert_false(calendar_is_working(&c, day_of("2026-12-29")));
	assert_false(calendar_is_working(&c, day_of("2026-12-31")));
	assert_true(calendar_is_working(&c, day_of("2027-01-04")));
	assert_false(calendar_is_working(&c, day_of("2027-12-29")));
	/* 10 working days from Monday 21 December 2026: four days before
	 * Christmas, the 28th, then not again until Monday 4 January. */
	assert_true(calendar_add_working(&c, ms_of("2026-12-21"), 10) ==
	    end_of("2027-01-08"));
	knows_through(&c, "2027-12-31", "2028-01-01");
	calendar_free(&c);
}

static void
shipped_united_states(void **state)
{
	struct calendar c;

	(void)state;
	load("US.txt", &c);
	assert_int_equal(c.nholidays, 33);
	/* Independence Day falls on a Saturday: observed on Friday 3 July. */
	assert_false(calendar_is_working(&c, day_of("2026-07-03")));
	assert_false(calendar_is_working(&c, day_of("2026-06-19")));
	assert_false(calendar_is_working(&c, day_of("2026-11-26")));
	assert_true(calendar_is_working(&c, day_of("2026-11-27")));
	/* 2027: Juneteenth and Christmas on Saturdays, observed on the
	 * Friday before; Independence Day on a Sunday, on the Monday after;
	 * New Year's Day 2028 (a Saturday) on Friday 31 December 2027. */
	assert_false(calendar_is_working(&c, day_of("2027-06-18")));
	assert_false(calendar_is_working(&c, day_of("2027-07-05")));
	assert_false(calendar_is_working(&c, day_of("2027-12-24")));
	assert_false(calendar_is_working(&c, day_of("2027-12-31")));
	assert_false(calendar_is_working(&c, day_of("2027-01-18")));
	assert_false(calendar_is_working(&c, day_of("2027-11-25")));
	/* 2028: Veterans Day (a Saturday) on Friday 10 November. */
	assert_false(calendar_is_working(&c, day_of("2028-11-10")));
	assert_false(calendar_is_working(&c, day_of("2028-11-23")));
	assert_false(calendar_is_working(&c, day_of("2028-12-25")));
	knows_through(&c, "2028-12-31", "2029-01-01");
	calendar_free(&c);
}

static void
shipped_germany(void **state)
{
	struct calendar c;

	(void)state;
	load("DE.txt", &c);
	assert_int_equal(c.nholidays, 30);
	assert_false(calendar_is_working(&c, day_of("2026-04-03")));
	assert_false(calendar_is_working(&c, day_of("2026-04-06")));
	assert_false(calendar_is_working(&c, day_of("2026-05-14")));
	/* Corpus Christi: a holiday in Hesse, where BAFA sits. */
	assert_false(calendar_is_working(&c, day_of("2026-06-04")));
	/* 10 working days from Thursday 30 April: Labour Day (1 May) and
	 * Ascension Day (14 May) fall inside. */
	assert_true(calendar_add_working(&c, ms_of("2026-04-30"), 10) ==
	    end_of("2026-05-18"));
	/* Easter Sunday 2027 is 28 March: Good Friday the 26th, Easter
	 * Monday the 29th, Ascension 6 May, Whit Monday 17 May, Corpus
	 * Christi 27 May. 2028's is 16 April. */
	assert_false(calendar_is_working(&c, day_of("2027-03-26")));
	assert_false(calendar_is_working(&c, day_of("2027-03-29")));
	assert_false(calendar_is_working(&c, day_of("2027-05-06")));
	assert_false(calendar_is_working(&c, day_of("2027-05-17")));
	assert_false(calendar_is_working(&c, day_of("2027-05-27")));
	assert_false(calendar_is_working(&c, day_of("2028-04-14")));
	assert_false(calendar_is_working(&c, day_of("2028-04-17")));
	assert_false(calendar_is_working(&c, day_of("2028-06-15")));
	knows_through(&c, "2028-12-31", "2029-01-01");
	calendar_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_survives_truncations_and_bit_flips),
		cmocka_unit_test(load_refuses_missing_and_directory),
		cmocka_unit_test(shipped_japan),
		cmocka_unit_test(shipped_united_states),
		cmocka_unit_test(shipped_germany),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
