/*
 * Working days: weekend days and public holidays, read from a holidays
 * file, and the deadline arithmetic of consultations on them.
 *
 * Days are numbered from 1970-01-01 (a Thursday), so a day's weekday is
 * (day + 4) mod 7 in tm_wday terms. Holidays are kept as a sorted array of
 * unique day numbers: at most CALENDAR_HOLIDAYS_MAX, so a binary search per
 * day costs a dozen comparisons, and counting a deadline of the longest
 * allowed period (CALENDAR_DAYS_MAX working days) stays well under a
 * millisecond. A calendar must leave at least one weekday worked: with
 * seven weekend days no deadline would ever come, so the parser refuses
 * it and the arithmetic saturates rather than loop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "lcn_err.h"
#include "log.h"
#include "util.h"

#define WEEK_ALL	0x7f
#define WEEKEND_DEFAULT	(1u << 0 | 1u << 6)	/* Sunday, Saturday */
/* What a message quotes of a line: enough to recognise it. */
#define QUOTE_MAX	48

static const char *const wday_short[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat",
};
static const char *const wday_long[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

void
calendar_default(struct calendar *c)
{
	memset(c, 0, sizeof(*c));
	c->weekend = WEEKEND_DEFAULT;
}

void
calendar_free(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->holidays);
	memset(c, 0, sizeof(*c));
}

/* ---------------------------------------------------------- days */

int32_t
calendar_day(uint64_t ms)
{
	uint64_t d = ms / CALENDAR_DAY_MS;

	return d > INT32_MAX ? INT32_MAX : (int32_t)d;
}

uint64_t
calendar_day_start(int32_t day)
{
	return day < 0 ? 0 : (uint64_t)day * CALENDAR_DAY_MS;
}

uint64_t
calendar_day_end(int32_t day)
{
	return day < 0 ? 0 : ((uint64_t)day + 1) * CALENDAR_DAY_MS - 1;
}

static unsigned
weekday(int64_t day)
{
	int64_t w = (day + 4) % 7;

	return (unsigned)(w < 0 ? w + 7 : w);
}

static int
cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Index of the first holiday >= day. */
static size_t
holiday_lower(const struct calendar *c, int64_t day)
{
	size_t lo = 0, hi = c->nholidays, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->holidays[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
calendar_is_working(const struct calendar *c, int32_t day)
{
	size_t i;

	if (c->weekend & (1u << weekday(day)))
		return 0;
	i = holiday_lower(c, day);
	return !(i < c->nholidays && c->holidays[i] == day);
}

int
calendar_knows(const struct calendar *c, int32_t day)
{
	return c->unknown_from <= 0 || day < c->unknown_from;
}

int32_t
calendar_last_known(const struct calendar *c)
{
	return c->unknown_from <= 0 ? INT32_MAX : c->unknown_from - 1;
}

/* The end of day, or UINT64_MAX past the last representable day. */
static uint64_t
end_or_max(int64_t day)
{
	return day >= INT32_MAX ? UINT64_MAX : calendar_day_end((int32_t)day);
}

uint64_t
calendar_add_working(const struct calendar *c, uint64_t from_ms, unsigned n)
{
	int64_t	 day = calendar_day(from_ms);
	unsigned counted = 0;

	if (day >= INT32_MAX || n > CALENDAR_DAYS_MAX ||
	    (c->weekend & WEEK_ALL) == WEEK_ALL)
		return UINT64_MAX;
	/*
	 * The loop ends: at least one day a week is worked, and at most
	 * CALENDAR_HOLIDAYS_MAX of them are holidays.
	 */
	while (counted < n) {
		if (++day >= INT32_MAX)
			return UINT64_MAX;
		if (calendar_is_working(c, (int32_t)day))
			counted++;
	}
	return end_or_max(day);
}

uint64_t
calendar_add_days(uint64_t from_ms, unsigned n)
{
	int64_t day = calendar_day(from_ms);

	if (day >= INT32_MAX)
		return UINT64_MAX;
	return end_or_max(day + (int64_t)n);
}

/* Working days in [a, b], a <= b: weekdays worked, less holidays on them. */
static uint64_t
working_between(const struct calendar *c, int64_t a, int64_t b)
{
	uint64_t weeks, n;
	unsigned wd, per_week = 0;
	int64_t	 d;
	size_t	 i;

	for (wd = 0; wd < 7; wd++)
		if (!(c->weekend & (1u << wd)))
			per_week++;
	weeks = (uint64_t)(b - a + 1) / 7;
	n = weeks * per_week;
	for (d = a + (int64_t)weeks * 7; d <= b; d++)
		if (!(c->weekend & (1u << weekday(d))))
			n++;
	for (i = holiday_lower(c, a); i < c->nholidays &&
	    c->holidays[i] <= b; i++)
		if (!(c->weekend & (1u << weekday(c->holidays[i]))))
			n--;
	return n;
}

unsigned
calendar_working_left(const struct calendar *c, uint64_t at_ms,
    uint64_t deadline_ms)
{
	int64_t	 a, b;
	uint64_t n;

	if (at_ms > deadline_ms)
		return 0;
	a = calendar_day(at_ms);
	b = calendar_day(deadline_ms);
	n = working_between(c, a, b);
	return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

/* ---------------------------------------------------------- parsing */

struct parser {
	const char	*name;
	unsigned	 line;
	char		*err;
	size_t		 errsz;
};

static int
fail(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct parser *p, const char *fmt, ...)
{
	char	 what[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->errsz > 0)
		snprintf(p->err, p->errsz, "%s line %u: %s", p->name, p->line,
		    what);
	return LCN_EINVAL;
}

static int
sp(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	    ch == '\f';
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* 1 if the n bytes at s are word, ignoring ASCII case. */
static int
word_is(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != word[i])
			return 0;
	return 1;
}

/* The token at s (up to white space or the end), escaped for a message. */
static const char *
quote_token(const char *s, const char *end, char *buf, size_t bufsz)
{
	const char *e = s;

	while (e < end && !sp((unsigned char)*e))
		e++;
	return log_escape(buf, bufsz, s, (size_t)(e - s));
}

/* "weekend = sat sun": s..end is the text after the '='. */
static int
parse_weekend(struct parser *p, const char *s, const char *end,
    uint8_t *weekend)
{
	char	 q[QUOTE_MAX];
	const char *w;
	size_t	 wl;
	uint8_t	 days = 0;
	unsigned d, nwords = 0;
	int	 none = 0;

	for (;;) {
		while (s < end && sp((unsigned char)*s))
			s++;
		if (s == end)
			break;
		w = s;
		while (s < end && !sp((unsigned char)*s))
			s++;
		wl = (size_t)(s - w);
		nwords++;
		if (word_is(w, wl, "none")) {
			none = 1;
			continue;
		}
		for (d = 0; d < 7; d++)
			if (word_is(w, wl, wday_short[d]) ||
			    word_is(w, wl, wday_long[d]))
				break;
		if (d == 7)
			return fail(p, "weekend: expected days of the week "
			    "(mon tue wed thu fri sat sun) or none, got \"%s\"",
			    quote_token(w, end, q, sizeof(q)));
		days |= 1u << d;
	}
	if (nwords == 0)
		return fail(p, "weekend: expected days of the week "
		    "(mon tue wed thu fri sat sun) or none, got nothing");
	if (none && nwords > 1)
		return fail(p, "weekend: expected either none or days of the "
		    "week, got both");
	if ((days & WEEK_ALL) == WEEK_ALL)
		return fail(p, "weekend: all seven days given; at least one "
		    "day of the week must be a working day");
	*weekend = days;
	return 0;
}

/* A holiday line: "YYYY-MM-DD", then white space and a name, or nothing. */
static int
parse_holiday(struct parser *p, const char *s, const char *end,
    int32_t *day)
{
	char	 date[11], q[QUOTE_MAX];
	uint64_t ms;

	if (end - s < 10 || (end - s > 10 && !sp((unsigned char)s[10])))
		goto bad;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse_day(date, &ms) != 0)
		goto bad;
	*day = calendar_day(ms);
	return 0;
 bad:
	return fail(p, "expected a date YYYY-MM-DD, got \"%s\"",
	    quote_token(s, end, q, sizeof(q)));
}

/*
 * 1 January of the year after day's: where a file whose last holiday is
 * day stops knowing. A file lists a government's holidays year by year
 * (each year has some: New Year's Day at least), so a year with none
 * listed is a year not yet added. 0 past year 9999, the last a date
 * may have: nothing after it can be counted to anyway.
 */
static int32_t
first_of_next_year(int32_t day)
{
	struct tm	tm;
	time_t		t = (time_t)day * 86400;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 >= 9999)
		return 0;
	return (int32_t)days_from_civil(tm.tm_year + 1900 + 1, 1, 1);
}

int
calendar_parse(const char *text, size_t len, const char *name,
    struct calendar *out, char *err, size_t errsz)
{
	struct parser p = { name != NULL ? name : "holidays", 0, err, errsz };
	const char *s, *e, *end, *eol, *key;
	char	 q[QUOTE_MAX];
	int32_t	*days = NULL, *grown, day = 0;
	size_t	 n = 0, cap = 0, i, j;
	unsigned weekend_line = 0;
	uint8_t	 weekend = WEEKEND_DEFAULT;
	int	 r;

	memset(out, 0, sizeof(*out));
	if (errsz > 0)
		err[0] = '\0';
	s = text;
	end = text + len;
	/* A byte order mark, as some editors write, is not content. */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	/* eol is end on a last line without '\n': stop there, never past. */
	for (; s < end; s = eol < end ? eol + 1 : end) {
		p.line++;
		if ((eol = memchr(s, '\n', (size_t)(end - s))) == NULL)
			eol = end;
		if (memchr(s, '\0', (size_t)(eol - s)) != NULL) {
			r = fail(&p, "a NUL byte; expected text");
			goto out;
		}
		while (s < eol && sp((unsigned char)*s))
			s++;
		e = eol;
		while (e > s && sp((unsigned char)e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if (*s >= '0' && *s <= '9') {
			if ((r = parse_holiday(&p, s, e, &day)) != 0)
				goto out;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((grown = realloc(days, cap *
				    sizeof(*days))) == NULL) {
					r = LCN_ENOMEM;
					goto out;
				}
				days = grown;
			}
			days[n++] = day;
			continue;
		}
		key = s;
		while (s < e && *s != '=' && !sp((unsigned char)*s))
			s++;
		if (!word_is(key, (size_t)(s - key), "weekend")) {
			r = fail(&p, "expected a date YYYY-MM-DD, \"weekend = "
			    "...\" or a # comment, got \"%s\"",
			    quote_token(key, e, q, sizeof(q)));
			goto out;
		}
		while (s < e && sp((unsigned char)*s))
			s++;
		if (s == e || *s != '=') {
			r = fail(&p, "expected \"weekend = \" and days of the "
			    "week, got no \"=\"");
			goto out;
		}
		if (weekend_line != 0) {
			r = fail(&p, "weekend given again (first on line %u)",
			    weekend_line);
			goto out;
		}
		/* A comment may follow the days; a holiday's name, by
		 * contrast, is free text and may hold a '#'. */
		if ((key = memchr(s, '#', (size_t)(e - s))) != NULL)
			e = key;
		if ((r = parse_weekend(&p, s + 1, e, &weekend)) != 0)
			goto out;
		weekend_line = p.line;
	}
	if (n > 0) {
		qsort(days, n, sizeof(*days), cmp_day);
		for (i = 1, j = 1; i < n; i++)
			if (days[i] != days[j - 1])
				days[j++] = days[i];
		n = j;
	}
	if (n > CALENDAR_HOLIDAYS_MAX) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: %zu holidays; at most %u "
			    "may be listed", p.name, n,
			    (unsigned)CALENDAR_HOLIDAYS_MAX);
		r = LCN_EINVAL;
		goto out;
	}
	out->weekend = weekend;
	out->holidays = n > 0 ? days : NULL;
	out->nholidays = n;
	out->unknown_from = n > 0 ? first_of_next_year(days[n - 1]) : 0;
	if (n > 0)
		days = NULL;
	r = 0;
 out:
	free(days);
	return r;
}

int
calendar_load(const char *path, struct calendar *out, char *err,
    size_t errsz)
{
	struct stat st;
	char	*buf = NULL;
	size_t	 len = 0;
	ssize_t	 got;
	int	 fd = -1, r;

	memset(out, 0, sizeof(*out));
	if (errsz > 0)
		err[0] = '\0';
	/* Non-blocking, so that a FIFO named by mistake cannot hang us. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: cannot open the holidays "
			    "file: %s", path, errno == ENOENT ?
			    "no such file" : strerror(errno));
		return LCN_EIO;
	}
	if (fstat(fd, &st) == -1) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: cannot read the holidays "
			    "file: %s", path, strerror(errno));
		r = LCN_EIO;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: is a directory; expected a "
			    "holidays file", path);
		r = LCN_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: not a regular file; expected "
			    "a holidays file", path);
		r = LCN_EIO;
		goto out;
	}
	if (st.st_size > CALENDAR_FILE_MAX) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: %lld bytes; a holidays file "
			    "may have at most %u", path,
			    (long long)st.st_size, (unsigned)CALENDAR_FILE_MAX);
		r = LCN_EINVAL;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	/* Read to the end, but never past the size checked above. */
	while (len <= (size_t)st.st_size) {
		got = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			if (errsz > 0)
				snprintf(err, errsz, "%s: cannot read the "
				    "holidays file: %s", path,
				    strerror(errno));
			r = LCN_EIO;
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (len > (size_t)st.st_size) {
		if (errsz > 0)
			snprintf(err, errsz, "%s: the holidays file grew while "
			    "being read; try again", path);
		r = LCN_EIO;
		goto out;
	}
	r = calendar_parse(buf, len, path, out, err, errsz);
 out:
	free(buf);
	close(fd);
	return r;
}
