/*
 * What the calendar tests share: dates as day numbers and instants, and
 * the shipped holidays files (ops/holidays) loaded from the source tree.
 */
#ifndef LCN_TEST_CALENDAR_FX_H
#define LCN_TEST_CALENDAR_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "calendar.h"
#include "util.h"

#define HOLIDAYS_DIR	LCN_SOURCE_DIR "/ops/holidays"

/* Milliseconds of 00:00 UTC of a "YYYY-MM-DD" date. */
static inline uint64_t
ms_of(const char *date)
{
	uint64_t ms;

	assert_int_equal(date_parse_day(date, &ms), 0);
	return ms;
}

static inline int32_t
day_of(const char *date)
{
	return calendar_day(ms_of(date));
}

/* The end of a date's day, 23:59:59.999 UTC. */
static inline uint64_t
end_of(const char *date)
{
	return ms_of(date) + CALENDAR_DAY_MS - 1;
}

/* One of ops/holidays/, which must load. */
static inline void
load(const char *file, struct calendar *c)
{
	char	 path[512], err[256];

	snprintf(path, sizeof(path), "%s/%s", HOLIDAYS_DIR, file);
	if (calendar_load(path, c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

#endif
