/*
 * What the consultation state machine's tests share: dates, the EU and
 * NSG requests' terms, and the check that an ignored step moved nothing.
 * A header of static inline helpers, as both tests are one file each.
 */
#ifndef LCN_TEST_CONSULT_FX_H
#define LCN_TEST_CONSULT_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "consult.h"
#include "util.h"

#define HOUR_MS		3600000ULL
#define DAY_MS		86400000ULL

static inline uint64_t
ms_of(const char *date)
{
	uint64_t ms;

	assert_int_equal(date_parse_day(date, &ms), 0);
	return ms;
}

static inline uint64_t
end_of(const char *date)
{
	return ms_of(date) + DAY_MS - 1;
}

/*
 * The EU profile's terms: asked on Tuesday 15 September 2026, 10 working
 * days on Japan's calendar (to Friday 2 October), extension to 30 more
 * at most (to Friday 13 November), silence as no objection, information
 * restarting the period.
 */
static inline void
eu_view(struct consult_request_view *v)
{
	memset(v, 0, sizeof(*v));
	v->asked_ms = ms_of("2026-09-15") + 10 * HOUR_MS;
	v->deadline_ms = end_of("2026-10-02");
	v->extension_limit_ms = end_of("2026-11-13");
	v->silence = CONSULT_SILENCE_NO_OBJECTION;
	v->info_restarts = 1;
}

static inline void
eu_track(struct consult_track *t)
{
	struct consult_request_view v;

	eu_view(&v);
	consult_track_init(t, &v);
}

/* The NSG profile: no deadline, silence has no effect. */
static inline void
nsg_track(struct consult_track *t)
{
	struct consult_request_view v;

	memset(&v, 0, sizeof(v));
	v.asked_ms = ms_of("2026-09-15");
	v.silence = CONSULT_SILENCE_NO_EFFECT;
	consult_track_init(t, &v);
}

/* A step that must be ignored: its reason, and nothing moved. */
#define IGNORED(t, call, step) do {					\
	struct consult_track before_;					\
									\
	memcpy(&before_, (t), sizeof(before_));				\
	assert_int_equal((call), (step));				\
	assert_memory_equal(&before_, (t), sizeof(before_));		\
} while (0)

#define REPLY(t, from, pos, ext, at)					\
	consult_track_reply((t), (from), CONSULT_POSITION_ ## pos, (ext), (at))

#endif
