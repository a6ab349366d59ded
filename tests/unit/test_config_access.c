/*
 * Unit tests for config_access.c: the role a caller of the local socket
 * holds, from its uid and groups, under the [access] rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config_access.h"

#define SELF	900	/* the uid lcnd runs as */

static const struct access_rule rules[] = {
	{ 0, 1001, ACCESS_READ },	/* read = user:1001 */
	{ 1, 2000, ACCESS_READ },	/* read = group:2000 */
	{ 1, 3000, ACCESS_PUBLISH },	/* publish = group:3000 */
	{ 0, 1001, ACCESS_ADMIN },	/* admin = user:1001 too */
	{ 1, 4000, ACCESS_ADMIN },	/* admin = group:4000 */
};

static void
access_without_section_is_closed(void **state)
{
	struct config_access	a = { 0 };
	gid_t			g[] = { 3000 };

	(void)state;
	assert_int_equal(config_access_role(&a, SELF, 1001, 1001, g, 1),
	    ACCESS_NONE);
	assert_int_equal(config_access_role(&a, SELF, SELF, 5, NULL, 0),
	    ACCESS_ADMIN);
	assert_int_equal(config_access_role(&a, SELF, 0, 0, NULL, 0),
	    ACCESS_ADMIN);
}

static void
access_takes_the_highest_role_named(void **state)
{
	struct config_access	a = { 0 };
	gid_t			pub[] = { 2000, 3000 }, none[] = { 7 };

	(void)state;
	a.line = 1;
	a.rules = (struct access_rule *)rules;
	a.nrules = sizeof(rules) / sizeof(rules[0]);
	/* user:1001 is read and admin: admin. */
	assert_int_equal(config_access_role(&a, SELF, 1001, 50, NULL, 0),
	    ACCESS_ADMIN);
	/* Supplementary groups 2000 (read) and 3000 (publish): publish. */
	assert_int_equal(config_access_role(&a, SELF, 1500, 50, pub, 2),
	    ACCESS_PUBLISH);
	/* The primary group counts as well. */
	assert_int_equal(config_access_role(&a, SELF, 1500, 4000, none, 1),
	    ACCESS_ADMIN);
	assert_int_equal(config_access_role(&a, SELF, 1500, 2000, NULL, 0),
	    ACCESS_READ);
	/* Named nowhere: none. */
	assert_int_equal(config_access_role(&a, SELF, 1500, 50, none, 1),
	    ACCESS_NONE);
}

static void
access_role_names(void **state)
{
	(void)state;
	assert_string_equal(access_role_name(ACCESS_NONE), "none");
	assert_string_equal(access_role_name(ACCESS_READ), "read");
	assert_string_equal(access_role_name(ACCESS_PUBLISH), "publish");
	assert_string_equal(access_role_name(ACCESS_ADMIN), "admin");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(access_without_section_is_closed),
		cmocka_unit_test(access_takes_the_highest_role_named),
		cmocka_unit_test(access_role_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
