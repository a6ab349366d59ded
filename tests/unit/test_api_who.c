/*
 * Tests for node/api_who.c: the operator API's callers named by the
 * user database, each name remembered per uid for API_WHO_TTL_MS in a
 * table of API_WHO_CACHED, then looked up again.
 */
#include <sys/types.h>

#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api_who.h"

/* A uid no user of a test machine has. */
#define NOBODY_UID	((uid_t)4000000000u)

static void
want_who(uid_t uid, const char *name, const char *got)
{
	char	want[128];

	snprintf(want, sizeof(want), "uid %lu (%s)", (unsigned long)uid,
	    name);
	assert_string_equal(got, want);
}

static size_t
entries(const struct api_who_cache *c)
{
	size_t	i, n = 0;

	for (i = 0; i < API_WHO_CACHED; i++)
		n += c->e[i].used != 0;
	return n;
}

static void
who_names_the_caller_as_the_user_database_does(void **state)
{
	struct api_who_cache	 c;
	struct passwd		*pw;
	char			 buf[128], name[64];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_non_null(pw = getpwuid(getuid()));
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	api_who(&c, getuid(), 1000, buf, sizeof(buf));
	want_who(getuid(), name, buf);
	assert_int_equal(entries(&c), 1);
}

static void
who_remembers_a_name_until_it_is_stale(void **state)
{
	struct api_who_cache	 c;
	struct passwd		*pw;
	char			 buf[128], name[64];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_non_null(pw = getpwuid(getuid()));
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	api_who(&c, getuid(), 1000, buf, sizeof(buf));
	/* As if the user had been renamed since: the table still says
	 * what it was told, until API_WHO_TTL_MS have passed. */
	assert_int_equal(entries(&c), 1);
	snprintf(c.e[0].name, sizeof(c.e[0].name), "renamed");
	api_who(&c, getuid(), 1000 + API_WHO_TTL_MS - 1, buf, sizeof(buf));
	want_who(getuid(), "renamed", buf);
	api_who(&c, getuid(), 1000 + API_WHO_TTL_MS, buf, sizeof(buf));
	want_who(getuid(), name, buf);
	/* The stale entry was refreshed in place, not duplicated. */
	assert_int_equal(entries(&c), 1);
	assert_int_equal(c.e[0].at_ms, 1000 + API_WHO_TTL_MS);
}

static void
who_does_not_remember_a_uid_without_a_name(void **state)
{
	struct api_who_cache	 c;
	char			 buf[128];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_null(getpwuid(NOBODY_UID));
	api_who(&c, NOBODY_UID, 1000, buf, sizeof(buf));
	want_who(NOBODY_UID, "no user name", buf);
	assert_int_equal(entries(&c), 0);
}

static void
who_table_holds_at_most_api_who_cached(void **state)
{
	struct api_who_cache	 c;
	struct passwd		*pw;
	uid_t			 uids[API_WHO_CACHED + 4];
	size_t			 n = 0, i;
	char			 buf[128];

	(void)state;
	memset(&c, 0, sizeof(c));
	/* Distinct uids that have names here, more than the table holds. */
	setpwent();
	while (n < sizeof(uids) / sizeof(uids[0]) && (pw = getpwent()) !=
	    NULL) {
		for (i = 0; i < n && uids[i] != pw->pw_uid; i++)
			;
		if (i == n)
			uids[n++] = pw->pw_uid;
	}
	endpwent();
	if (n <= API_WHO_CACHED)
		skip();
	for (i = 0; i < n; i++)
		api_who(&c, uids[i], 1000 + i, buf, sizeof(buf));
	assert_int_equal(entries(&c), API_WHO_CACHED);
	/* The first uids gave way to the last; the last are all there. */
	for (i = 0; i < API_WHO_CACHED; i++)
		assert_true(c.e[i].uid != uids[0]);
	for (i = n - API_WHO_CACHED; i < n; i++) {
		size_t k;

		for (k = 0; k < API_WHO_CACHED && c.e[k].uid != uids[i]; k++)
			;
		assert_true(k < API_WHO_CACHED);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    who_names_the_caller_as_the_user_database_does),
		cmocka_unit_test(who_remembers_a_name_until_it_is_stale),
		cmocka_unit_test(who_does_not_remember_a_uid_without_a_name),
		cmocka_unit_test(who_table_holds_at_most_api_who_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
