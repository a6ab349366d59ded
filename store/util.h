/*
 * Small pure helpers: big-endian loads and stores, hex, calendar dates,
 * time, agency and group id syntax. No I/O.
 */
#ifndef LCN_UTIL_H
#define LCN_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static inline uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
store_be64(uint8_t *p, uint64_t v)
{
	store_be32(p, v >> 32);
	store_be32(p + 4, (uint32_t)v);
}

static inline uint64_t
load_be64(const uint8_t *p)
{
	return (uint64_t)load_be32(p) << 32 | load_be32(p + 4);
}

/* Writes 2*len hex digits and a NUL into out (size >= 2*len+1). */
void	 hex_encode(const uint8_t *in, size_t len, char *out);
/* Decodes exactly 2*len hex digits; 0 or LCN_EINVAL. */
int	 hex_decode(const char *in, uint8_t *out, size_t len);

/* Copies src into dst (size dstsz > 0), truncating, always terminated. */
void	 str_copy(char *dst, size_t dstsz, const char *src);

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms"): pure integer arithmetic,
 * no time zone, no locale. m is 1..12, d 1..31; not validated here.
 */
int64_t	 days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * The one date parser of LCN, strict ISO 8601 in UTC. date_parse_day()
 * takes a calendar date "YYYY-MM-DD" alone and gives 00:00 UTC that day;
 * date_parse() also takes a date-time "YYYY-MM-DDTHH:MM:SSZ", with up to
 * three digits of a second before the Z ("...:SS.250Z"; 't' and 'z' too).
 * Every field has its exact width and range, the day is checked against
 * its month (February 29 in leap years only), the year is 1970..9999, and
 * nothing may follow. Both return 0 with milliseconds since the epoch in
 * *ms, or LCN_EINVAL with *ms zeroed.
 */
int	 date_parse_day(const char *s, uint64_t *ms);
int	 date_parse(const char *s, uint64_t *ms);

/* Milliseconds since the Unix epoch, UTC. */
uint64_t now_ms(void);
/* Monotonic milliseconds, for timing only. */
uint64_t mono_ms(void);

/* "CC-NAME": ISO country code, dash, A-Z0-9, at most AGENCY_ID_MAX. */
int	 agency_id_valid(const char *id);
/* A-Z a-z 0-9 _ - . and the "A+B" pair form, at most GROUP_NAME_MAX. */
int	 group_name_valid(const char *name);
/* Writes the bilateral group name of a and b (sorted, joined by '+'). */
void	 pair_group_name(const char *a, const char *b, char *out, size_t outsz);

#endif
