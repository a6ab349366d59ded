/*
 * An agency's working days: its weekend days and public holidays, read
 * from a holidays file (the format is in ops/holidays/README.md). A
 * consultation's deadline in working days is counted on the replying
 * agency's calendar, by the asker, and carried in the request as an
 * absolute instant so that both sides show the same date.
 *
 * Days are UTC calendar days, numbered from 1970-01-01 (day 0); a
 * deadline is the last instant of its day, 23:59:59.999 UTC. Pure: no
 * clock, no I/O except calendar_load().
 */
#ifndef LCN_CALENDAR_H
#define LCN_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define CALENDAR_DAY_MS		86400000ULL
/* Holidays one calendar may list (decades of them). */
#define CALENDAR_HOLIDAYS_MAX	4096
/* Working days a deadline or an extension may count. */
#define CALENDAR_DAYS_MAX	3650
/* Bytes a holidays file may have (decades of holidays fit in 100 KiB). */
#define CALENDAR_FILE_MAX	(1024 * 1024)

struct calendar {
	uint8_t		 weekend;	/* bit d: weekday d is not worked,
					   d as tm_wday (0 Sunday) */
	int32_t		*holidays;	/* day numbers, sorted, unique */
	size_t		 nholidays;
	int32_t		 unknown_from;	/* first day whose holidays the
					   file does not give: 1 January
					   after its last holiday's year;
					   0: every day is known */
};

/* Saturday and Sunday off, no holidays: the calendar of an agency whose
 * configuration names no holidays file. */
void	calendar_default(struct calendar *);
void	calendar_free(struct calendar *);	/* contents, not the struct */

/*
 * Parses a holidays file's text (len bytes; name is how messages call
 * the input, usually its path) into *out: the weekend days (Saturday and
 * Sunday unless the file says otherwise; never all seven) and the
 * holidays sorted, duplicates dropped. An empty file is a calendar of
 * weekends only. Returns 0, LCN_EINVAL with "NAME line N: what was
 * expected, what was found" in err (or "NAME: ..." for more than
 * CALENDAR_HOLIDAYS_MAX holidays), or LCN_ENOMEM; *out is zeroed on
 * error, and freed with calendar_free().
 */
int	calendar_parse(const char *text, size_t len, const char *name,
	    struct calendar *out, char *err, size_t errsz);
/*
 * Reads and parses path, a regular file of at most CALENDAR_FILE_MAX
 * bytes: 0, LCN_EINVAL (its content, or too large), LCN_EIO (missing,
 * unreadable, a directory or not a regular file, each said in err) or
 * LCN_ENOMEM.
 */
int	calendar_load(const char *path, struct calendar *out, char *err,
	    size_t errsz);

/* The day number of ms (INT32_MAX at most), and the first and last
 * instant of a day (0 for a day before 1970). */
int32_t	calendar_day(uint64_t ms);
uint64_t calendar_day_start(int32_t day);
uint64_t calendar_day_end(int32_t day);	/* 23:59:59.999 */

/* 1 if day is neither a weekend day nor a holiday of c. */
int	calendar_is_working(const struct calendar *c, int32_t day);

/*
 * 1 if c knows day's holidays: a holidays file lists whole years, up to
 * the last year it names a holiday in, so a day after that year is
 * unknown; its weekdays would count as working days whatever the
 * government decides. A calendar without holidays (no file, or a file
 * of weekends only) knows every day. A count of working days that ends
 * on an unknown day is not to be trusted: see calendar_last_known().
 */
int	calendar_knows(const struct calendar *c, int32_t day);
/* The last day c knows (INT32_MAX when it knows every day). */
int32_t	calendar_last_known(const struct calendar *c);

/*
 * The deadline n working days after from_ms: the end of the n-th working
 * day after from_ms's day (that day itself does not count, as a period
 * starts the day after the event that starts it). n = 0: the end of
 * from_ms's day. Saturates at UINT64_MAX: past the last day a day
 * number holds, for n above CALENDAR_DAYS_MAX, and for a calendar with
 * no working day in the week.
 */
uint64_t calendar_add_working(const struct calendar *c, uint64_t from_ms,
	    unsigned n);
/* The same in calendar days: the end of the day n days after. */
uint64_t calendar_add_days(uint64_t from_ms, unsigned n);

/*
 * Working days left from at_ms until deadline_ms: the working days after
 * at_ms's day up to and including the deadline's day, plus at_ms's own
 * day when it is a working day; 0 when at_ms is past the deadline. The
 * "time left" a consultation list shows.
 */
unsigned calendar_working_left(const struct calendar *c, uint64_t at_ms,
	    uint64_t deadline_ms);

#endif
