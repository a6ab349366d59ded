/*
 * What lcn's commands share to read and write values (lcn.h): dates and
 * scores from the command line, dates, times and durations for a person,
 * JSON members and one JSON line on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"

int
cli_parse_unit(const char *s, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 1)
		return -1;
	*out = v;
	return 0;
}

int
cli_parse_date(const char *s, uint64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm	 tm;
	unsigned	 y, mo, d, h = 0, mi = 0, sec = 0;
	time_t		 t;
	int		 n = 0;

	/* Digits only where digits belong: sscanf alone would take "+1". */
	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 ||
	    sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	if (s[10] != '\0' && (sscanf(s + 10, "T%2u:%2u:%2uZ%n", &h, &mi,
	    &sec, &n) != 3 || s[10 + n] != '\0'))
		return -1;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > (unsigned)mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)sec;
	if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_mday != (int)d)
		return -1;
	*ms = (uint64_t)t * 1000;
	return 0;
}

/* ms in UTC with strftime's format; "-" for 0, the number if it will
 * not format. */
static void
fmt_utc(uint64_t ms, const char *format, char *buf, size_t bufsz)
{
	struct tm	tm;
	time_t		t;

	if (ms == 0 || ms / 1000 > (uint64_t)INT64_MAX / 2) {
		snprintf(buf, bufsz, "-");
		return;
	}
	t = (time_t)(ms / 1000);
	if (gmtime_r(&t, &tm) == NULL || strftime(buf, bufsz, format, &tm) == 0)
		snprintf(buf, bufsz, "%llu", (unsigned long long)ms);
}

void
fmt_date(uint64_t ms, char *buf, size_t bufsz)
{
	fmt_utc(ms, "%Y-%m-%d", buf, bufsz);
}

int
cli_print_json(const json_t *v)
{
	if (json_dumpf(v, stdout, JSON_COMPACT) != 0 || putchar('\n') == EOF)
		return LCN_EIO;
	return 0;
}

void
fmt_time(uint64_t ms, char *buf, size_t bufsz)
{
	fmt_utc(ms, "%Y-%m-%dT%H:%M:%SZ", buf, bufsz);
}

void
fmt_duration(uint64_t ms, char *buf, size_t bufsz)
{
	uint64_t s = ms / 1000;

	if (s >= 86400)
		snprintf(buf, bufsz, "%llud %lluh", (unsigned long long)(s /
		    86400), (unsigned long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, bufsz, "%lluh %llum", (unsigned long long)(s /
		    3600), (unsigned long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, bufsz, "%llum %llus", (unsigned long long)(s /
		    60), (unsigned long long)(s % 60));
	else
		snprintf(buf, bufsz, "%llus", (unsigned long long)s);
}

uint64_t
json_u64(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return 0;
	return (uint64_t)json_integer_value(v);
}

const char *
json_str(const json_t *obj, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : def;
}
