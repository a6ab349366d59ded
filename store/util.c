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
