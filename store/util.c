/*
 * Small pure helpers (util.h): hex, strings, calendar dates, time, and the
 * syntax of agency and group ids.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "util.h"

void
hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *in, uint8_t *out, size_t len)
{
	size_t	i;
	int	hi, lo;

	if (strlen(in) != 2 * len)
		return LCN_EINVAL;
	for (i = 0; i < len; i++) {
		if ((hi = nibble(in[2 * i])) < 0 ||
		    (lo = nibble(in[2 * i + 1])) < 0)
			return LCN_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
agency_id_valid(const char *id)
{
	size_t len = strlen(id), i;

	if (len < 4 || len > AGENCY_ID_MAX)
		return 0;
	if (!isupper((unsigned char)id[0]) || !isupper((unsigned char)id[1]) ||
	    id[2] != '-')
		return 0;
	for (i = 3; i < len; i++)
		if (!isupper((unsigned char)id[i]) &&
		    !isdigit((unsigned char)id[i]))
			return 0;
	return 1;
}

int
group_name_valid(const char *name)
{
	const char	*plus;
	char		 a[AGENCY_ID_MAX + 1];
	size_t		 len = strlen(name), i;

	if (len == 0 || len > GROUP_NAME_MAX)
		return 0;
	if ((plus = strchr(name, '+')) != NULL) {
		if ((size_t)(plus - name) > AGENCY_ID_MAX)
			return 0;
		memcpy(a, name, plus - name);
		a[plus - name] = '\0';
		return agency_id_valid(a) && agency_id_valid(plus + 1) &&
		    strcmp(a, plus + 1) < 0;
	}
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-' && name[i] != '.')
			return 0;
	return 1;
}

void
pair_group_name(const char *a, const char *b, char *out, size_t outsz)
{
	if (strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	snprintf(out, outsz, "%s+%s", a, b);
}

void
str_copy(char *dst, size_t dstsz, const char *src)
{
	size_t len = strlen(src);

	if (len >= dstsz)
		len = dstsz - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* n decimal digits at s into *out; 0, or -1 if one is not a digit. */
static int
digits(const char *s, int n, unsigned *out)
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * "THH:MM:SS[.s[s[s]]]Z" at s: milliseconds into the day. Leap seconds
 * (second 60) are refused: the ledger counts POSIX milliseconds, which
 * have none.
 */
static int
parse_time(const char *s, uint64_t *ms)
{
	unsigned	h, mi, sec, frac = 0;
	int		nfrac;

	if ((s[0] != 'T' && s[0] != 't') || digits(s + 1, 2, &h) != 0 ||
	    s[3] != ':' || digits(s + 4, 2, &mi) != 0 || s[6] != ':' ||
	    digits(s + 7, 2, &sec) != 0)
		return -1;
	s += 9;
	if (*s == '.') {
		for (nfrac = 0, s++; *s >= '0' && *s <= '9'; s++) {
			if (++nfrac > 3)
				return -1;
			frac = frac * 10 + (unsigned)(*s - '0');
		}
		if (nfrac == 0)
			return -1;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	if ((s[0] != 'Z' && s[0] != 'z') || s[1] != '\0')
		return -1;
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	*ms = ((uint64_t)h * 3600 + mi * 60 + sec) * 1000 + frac;
	return 0;
}

static int
parse_iso(const char *s, int with_time, uint64_t *ms)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	unsigned	 y, m, d, dim;
	uint64_t	 tod = 0;

	*ms = 0;
	if (digits(s, 4, &y) != 0 || s[4] != '-' ||
	    digits(s + 5, 2, &m) != 0 || s[7] != '-' ||
	    digits(s + 8, 2, &d) != 0)
		return LCN_EINVAL;
	if (s[10] != '\0' && (!with_time || parse_time(s + 10, &tod) != 0))
		return LCN_EINVAL;
	if (y < 1970 || m < 1 || m > 12)
		return LCN_EINVAL;
	dim = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim)
		return LCN_EINVAL;
	*ms = (uint64_t)days_from_civil(y, m, d) * 86400000 + tod;
	return 0;
}

int
date_parse_day(const char *s, uint64_t *ms)
{
	return parse_iso(s, 0, ms);
}

int
date_parse(const char *s, uint64_t *ms)
{
	return parse_iso(s, 1, ms);
}
