/*
 * Unit tests for validate*.c, refs: a ref outside the publishing agency's
 * namespace, of the wrong kind or syntax, or used before is refused (as
 * issue 9 found them signed), a failed lookup is not a pass, and publish
 * assigns each new record the next ref after the highest used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "test_validate_fx.h"
#include "util.h"
#include "validate.h"

/* ---------------------------------------------------------- refs */

/* Issue 9: a ref in another agency's namespace was signed. */
static void
ref_of_another_agency_is_refused(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.dn.ref = "US-BIS/DN/2026/0001";
	check(&d.e, "ref: US-BIS/DN/2026/0001 is in US-BIS's namespace; "
	    "JP-METI publishes only refs that begin with JP-METI/");
}

static void
ref_syntax_and_kind_are_checked(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.dn.ref = "JP-METI/DN/TEST/0001010";
	check(&d.e, "ref: expected a ref such as JP-METI/DN/2026/0001 (agency, "
	    "kind, year, a number of 4 to 9 digits), got "
	    "\"JP-METI/DN/TEST/0001010\"");
	d.dn.ref = "JP-METI/DN/2026/0000";
	check(&d.e, "ref: expected a ref such as JP-METI/DN/2026/0001 (agency, "
	    "kind, year, a number of 4 to 9 digits), got "
	    "\"JP-METI/DN/2026/0000\"");
	d.dn.ref = "JP-METI/EUA/2026/0001";
	check(&d.e, "ref: expected the ref of a denial, such as "
	    "JP-METI/DN/2026/0001; JP-METI/EUA/2026/0001 is the ref of an "
	    "end-user alert");
	d.dn.ref = "JP-METI/DN/2026/0001010";
	check(&d.e, NULL);
}

/* Issue 9: the same ref twice was signed. */
static void
ref_used_before_is_refused(void **state)
{
	struct denial d;

	(void)state;
	fake_add("JP-METI/DN/2026/0001", VALIDATE_KIND_DN, "WA", 1,
	    DOMAIN_DENIAL_ACTIVE);
	denial_init(&d);
	check(&d.e, "ref: JP-METI/DN/2026/0001 is already used by JP-METI/WA "
	    "seq 1; a ref names one record for good");
}

static void
ref_lookup_failure_is_not_a_pass(void **state)
{
	struct denial		d;
	struct validate_error	err;
	struct bytes		b;

	(void)state;
	fake_fail = LCN_ESTORE;
	denial_init(&d);
	b = pack(&d.e);
	assert_int_equal(validate_body(b.ptr, b.len, &ctx, &err), LCN_ESTORE);
	free((void *)b.ptr);
	assert_int_equal(err.code, LCN_ESTORE);
	assert_string_equal(err.field, "ref");
	assert_non_null(strstr(err.message, "could not look up "
	    "JP-METI/DN/2026/0001"));
}

static void
ref_parse_and_next(void **state)
{
	struct validate_ref	r;
	char			buf[VALIDATE_REF_MAX + 1];

	(void)state;
	assert_int_equal(validate_ref_parse("JP-METI/EUA/2026/0042", &r), 0);
	assert_string_equal(r.agency, "JP-METI");
	assert_int_equal(r.kind, VALIDATE_KIND_EUA);
	assert_int_equal(r.year, 2026);
	assert_int_equal(r.number, 42);
	assert_int_equal(validate_ref_parse("JP-METI/XX/2026/0042", &r),
	    LCN_EINVAL);
	assert_int_equal(r.number, 0);
	assert_int_equal(validate_ref_parse("JP-METI/DN/2026/042", &r),
	    LCN_EINVAL);
	assert_int_equal(validate_ref_parse("JP-METI/DN/2026/0042/", &r),
	    LCN_EINVAL);
	assert_int_equal(validate_ref_parse("jp-meti/DN/2026/0042", &r),
	    LCN_EINVAL);
	assert_int_equal(validate_ref_parse("JP-METI/DN/2026/1234567890", &r),
	    LCN_EINVAL);
	assert_int_equal(validate_ref_next("JP-METI", VALIDATE_KIND_DN, 2026,
	    42, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "JP-METI/DN/2026/0043");
	assert_int_equal(validate_ref_next("JP-METI", VALIDATE_KIND_CS, 2027,
	    0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "JP-METI/CS/2027/0001");
	assert_int_equal(validate_ref_next("JP-METI", VALIDATE_KIND_AU, 2026,
	    12345, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "JP-METI/AU/2026/12346");
	assert_int_equal(validate_ref_next("JP-METI", VALIDATE_KIND_DN, 2026,
	    999999999, buf, sizeof(buf)), LCN_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(validate_ref_next("JP-METI", VALIDATE_KIND_DN, 2026,
	    1, buf, 10), LCN_EINVAL);
}

/* ---------------------------------------------------------- publish */

static void
publish_assigns_next_ref(void **state)
{
	struct denial		d;
	struct control		c;
	struct bytes		b[3];
	struct validate_error	err;
	Lcn__Entry		*e;
	size_t			i;

	(void)state;
	fake_highest = 42;
	denial_init(&d);
	d.dn.ref = "";
	b[0] = pack(&d.e);
	d.dn.ref = "JP-METI/DN/2026/0050";
	b[1] = pack(&d.e);
	d.dn.ref = "";
	b[2] = pack(&d.e);
	assert_int_equal(validate_publish(b, 3, &ctx, &err), 0);
	/* After the ledger's 42 and the request's own 50. */
	assert_non_null(e = lcn__entry__unpack(NULL, b[0].len, b[0].ptr));
	assert_string_equal(e->denial_notice->ref, "JP-METI/DN/2026/0051");
	lcn__entry__free_unpacked(e, NULL);
	assert_non_null(e = lcn__entry__unpack(NULL, b[2].len, b[2].ptr));
	assert_string_equal(e->denial_notice->ref, "JP-METI/DN/2026/0052");
	lcn__entry__free_unpacked(e, NULL);
	for (i = 0; i < 3; i++)
		free((void *)b[i].ptr);
	control_init(&c);
	c.cs.ref = NULL;
	b[0] = pack(&c.e);
	assert_int_equal(validate_publish(b, 1, &ctx, &err), 0);
	assert_non_null(e = lcn__entry__unpack(NULL, b[0].len, b[0].ptr));
	assert_string_equal(e->control_status->ref, "JP-METI/CS/2026/0001");
	lcn__entry__free_unpacked(e, NULL);
	free((void *)b[0].ptr);
}

static void
publish_refuses_a_ref_twice_and_changes_nothing(void **state)
{
	struct denial		d;
	struct bytes		b[3];
	const uint8_t		*before;
	struct validate_error	err;
	size_t			i;

	(void)state;
	denial_init(&d);
	d.dn.ref = "";
	b[0] = pack(&d.e);
	before = b[0].ptr;
	d.dn.ref = "JP-METI/DN/2026/0005";
	b[1] = pack(&d.e);
	b[2] = pack(&d.e);
	assert_int_equal(validate_publish(b, 3, &ctx, &err), LCN_EINVAL);
	assert_int_equal(err.index, 2);
	assert_string_equal(err.message, "ref: JP-METI/DN/2026/0005 is already "
	    "used by bodies[1] of this request");
	assert_ptr_equal(b[0].ptr, before);
	for (i = 0; i < 3; i++)
		free((void *)b[i].ptr);
}

static void
publish_sees_updates_earlier_in_the_request(void **state)
{
	struct denial		d;
	struct dupdate		u;
	struct bytes		b[3];
	struct validate_error	err;
	size_t			i;

	(void)state;
	denial_init(&d);
	d.dn.ref = "JP-METI/DN/2026/0007";
	b[0] = pack(&d.e);
	dupdate_init(&u, "JP-METI/DN/2026/0007",
	    LCN__DENIAL_ACTION__DENIAL_REVOKE);
	b[1] = pack(&u.e);
	u.du.ref = "JP-METI/DU/2026/0002";
	u.du.action = LCN__DENIAL_ACTION__DENIAL_SUSPEND;
	b[2] = pack(&u.e);
	assert_int_equal(validate_publish(b, 2, &ctx, &err), 0);
	assert_int_equal(validate_publish(b, 3, &ctx, &err), LCN_EINVAL);
	assert_int_equal(err.index, 2);
	assert_string_equal(err.message, "denial_ref: JP-METI/DN/2026/0007 is "
	    "revoked; no update can follow a revocation");
	for (i = 0; i < 3; i++)
		free((void *)b[i].ptr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(ref_of_another_agency_is_refused),
		T(ref_syntax_and_kind_are_checked),
		T(ref_used_before_is_refused),
		T(ref_lookup_failure_is_not_a_pass),
		T(ref_parse_and_next),
		T(publish_assigns_next_ref),
		T(publish_refuses_a_ref_twice_and_changes_nothing),
		T(publish_sees_updates_earlier_in_the_request),
#undef T
	};

	/* The default vocabulary is the source tree's. */
	setenv("LCN_TABLES_DIR", LCN_SOURCE_DIR "/store/tables", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
