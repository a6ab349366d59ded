/*
 * The no-undercut check (store/check.c) fails closed: an application
 * that is incomplete or names a country other than by its ISO 3166-1
 * alpha-2 code is refused with the field named, and a failure while
 * checking (an allocation, the store) is an error saying the check could
 * not be completed, never an empty answer. Allocation failures are
 * injected by wrapping malloc, calloc and realloc at link time
 * (tests/CMakeLists.txt): the Nth call made by LCN's own code fails.
 * Real LMDB in a temporary directory.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "check.h"
#include "hash.h"
#include "lcn_err.h"
#include "screen.h"
#include "sig.h"
#include "store.h"
#include "test_keys.h"
#include "test_tmpdir.h"
#include "trust.h"

#define T0	1700000000000ull
#define DENIED	"Nanhai Hengtai Microwave Technology Co., Ltd."

/* ------------------------------------------------------------ allocator */

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);

static unsigned long	fail_at;	/* 0: never */
static unsigned long	calls;		/* since armed */

static int
should_fail(void)
{
	return fail_at != 0 && ++calls == fail_at;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t sz)
{
	return should_fail() ? NULL : __real_calloc(n, sz);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

static void
arm(unsigned long n)
{
	calls = 0;
	fail_at = n;
}

/* ------------------------------------------------------------ fixture */

struct fx {
	char		 tmp[TEST_TMPDIR_MAX];
	char		 data[PATH_MAX];
	struct store	*st;
	struct trust	 trust;
	struct sig_key	*key;
};

static int
setup(void **state)
{
	struct store_opts	 o;
	struct fx		*x;
	struct trust		*t;
	struct trust_group	*g;
	char			 err[256];

	assert_int_equal(hash_init(), 0);
	assert_non_null(x = calloc(1, sizeof(*x)));
	assert_int_equal(test_tmpdir_make(x->tmp, sizeof(x->tmp), "check"),
	    0);
	snprintf(x->data, sizeof(x->data), "%s/data", x->tmp);
	x->key = test_key_make(x->tmp, "signing");
	t = &x->trust;
	snprintf(t->self, sizeof(t->self), "JP-METI");
	assert_non_null(t->agencies = calloc(1, sizeof(*t->agencies)));
	t->nagencies = 1;
	snprintf(t->agencies[0].id, sizeof(t->agencies[0].id), "JP-METI");
	assert_int_equal(sig_pubkey_from_raw(sig_pubkey_raw(
	    sig_key_public(x->key)), &t->agencies[0].keys[0].pub), 0);
	t->agencies[0].nkeys = 1;
	assert_non_null(t->groups = g = calloc(1, sizeof(*t->groups)));
	t->ngroups = 1;
	snprintf(g->name, sizeof(g->name), "WA");
	assert_non_null(g->members = calloc(1, sizeof(*g->members)));
	snprintf(g->members[0], sizeof(g->members[0]), "JP-METI");
	g->nmembers = 1;
	memset(&o, 0, sizeof(o));
	o.dir = x->data;
	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
	assert_int_equal(store_screen_enable(x->st, NULL, err, sizeof(err)),
	    0);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	arm(0);
	store_screen_disable(x->st);
	store_close(x->st);
	trust_free(&x->trust);
	sig_key_free(x->key);
	assert_int_equal(test_tmpdir_remove(x->tmp), 0);
	free(x);
	return 0;
}

/* JP-METI denies 3A001.b.1 to DENIED in CN (Wassenaar, listed item). */
static void
publish_denial(struct fx *x)
{
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;
	Lcn__Item		 it = LCN__ITEM__INIT, *ip = &it;
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	struct append_result	 res;
	struct bytes		 body;
	uint8_t			*buf;

	dn.ref = "JP-METI/DN/2026/0001";
	dn.regime = "WA";
	dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	dn.destination_country = "CN";
	dn.decision_date_ms = T0;
	it.control_entry = "3A001.b.1";
	dn.n_items = 1;
	dn.items = &ip;
	p.name = DENIED;
	p.country = "CN";
	p.role = LCN__PARTY_ROLE__ROLE_END_USER;
	dn.n_parties = 1;
	dn.parties = &pp;
	e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	e.denial_notice = &dn;
	assert_non_null(buf = malloc(lcn__entry__get_packed_size(&e)));
	body.len = lcn__entry__pack(&e, buf);
	body.ptr = buf;
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_publish(x->st, &x->trust, x->key, "WA", &body,
	    1, T0, &res), 0);
	append_result_free(&res);
	free(buf);
}

/*
 * An application as lcn.Transaction bytes: one item (control, or none
 * if NULL), one end user (name and country; none if name is NULL), the
 * destination (none if NULL), and a transit country if not NULL.
 */
static size_t
application(const char *control, const char *name, const char *country,
    const char *destination, const char *transit, uint8_t **out)
{
	Lcn__Transaction	 tx = LCN__TRANSACTION__INIT;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;
	Lcn__Item		 it = LCN__ITEM__INIT, *ip = &it;
	char			*tr = (char *)transit;

	if (control != NULL) {
		it.control_entry = (char *)control;
		tx.n_items = 1;
		tx.items = &ip;
	}
	if (name != NULL) {
		p.name = (char *)name;
		p.country = (char *)(country != NULL ? country : "");
		p.role = LCN__PARTY_ROLE__ROLE_END_USER;
		tx.n_parties = 1;
		tx.parties = &pp;
	}
	if (destination != NULL)
		tx.destination_country = (char *)destination;
	if (transit != NULL) {
		tx.n_transit_countries = 1;
		tx.transit_countries = &tr;
	}
	assert_non_null(*out = malloc(lcn__transaction__get_packed_size(&tx) +
	    1));
	return lcn__transaction__pack(&tx, *out);
}

static int
check(struct fx *x, const uint8_t *tx, size_t len, struct check_result **res,
    size_t *n, char *err, size_t errsz)
{
	err[0] = '\0';
	return store_check(x->st, tx, len, 0.70, T0 + 1000, res, n, err,
	    errsz);
}

/* ------------------------------------------------------------ tests */

static void
check_finds_the_essentially_identical_denial(void **state)
{
	struct fx		*x = *state;
	struct check_result	*res;
	uint8_t			*tx;
	size_t			 len, n;
	char			 err[512];

	publish_denial(x);
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN", "CN",
	    NULL, &tx);
	assert_int_equal(check(x, tx, len, &res, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(res[0].source, SCREEN_DENIAL);
	assert_string_equal(res[0].ref, "JP-METI/DN/2026/0001");
	free(res);
	free(tx);
}

/*
 * Regression: the results named the denial's origin but left its feed's
 * group empty, so that a caller had to look the record up again to know
 * which group's profile applies. The feed is origin and group.
 */
static void
check_names_the_denials_feed(void **state)
{
	struct fx		*x = *state;
	struct check_result	*res;
	uint8_t			*tx;
	size_t			 len, n;
	char			 err[512];

	publish_denial(x);
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN", "CN",
	    NULL, &tx);
	assert_int_equal(check(x, tx, len, &res, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(res[0].agency, "JP-METI");
	assert_string_equal(res[0].feed.origin, "JP-METI");
	assert_string_equal(res[0].feed.group, "WA");
	assert_int_equal(res[0].seq, 1);
	free(res);
	free(tx);
}

/*
 * Regression: "the check fails open". Each allocation the check makes is
 * failed in turn; every run answers either an error saying the check
 * could not be completed or the complete answer, never an empty one.
 */
static void
check_fails_closed_when_an_allocation_fails(void **state)
{
	struct fx		*x = *state;
	struct check_result	*res;
	uint8_t			*tx;
	unsigned long		 nth;
	size_t			 len, n;
	char			 err[512];
	int			 r, failed = 0;

	publish_denial(x);
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN", "CN",
	    NULL, &tx);
	/* Index first, so that the runs below fail in the check alone. */
	assert_int_equal(check(x, tx, len, &res, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	free(res);
	for (nth = 1; nth < 100000; nth++) {
		arm(nth);
		r = check(x, tx, len, &res, &n, err, sizeof(err));
		fail_at = 0;
		if (calls < nth) {
			/* Every allocation has been failed once. */
			assert_int_equal(r, 0);
			assert_int_equal(n, 1);
			free(res);
			break;
		}
		if (r == 0) {
			assert_int_equal(n, 1);
			assert_int_equal(res[0].source, SCREEN_DENIAL);
			free(res);
			continue;
		}
		assert_null(res);
		assert_int_equal(n, 0);
		assert_non_null(strstr(err, "could not be completed"));
		failed++;
	}
	assert_true(nth < 100000);
	assert_true(failed > 0);
	free(tx);
}

/* The check refuses tx with exactly the message want. */
static void
refused(struct fx *x, uint8_t *tx, size_t len, const char *want)
{
	struct check_result	*res;
	size_t			 n;
	char			 err[512];

	assert_int_equal(check(x, tx, len, &res, &n, err, sizeof(err)),
	    LCN_EINVAL);
	assert_null(res);
	assert_int_equal(n, 0);
	assert_string_equal(err, want);
	free(tx);
}

/*
 * Regression: "the check fails open on what it is given". Each of these
 * got a clean answer; the same application with AE requires consulting.
 */
static void
check_refuses_a_country_that_is_not_an_alpha2_code(void **state)
{
	struct fx	*x = *state;
	uint8_t		*tx;
	size_t		 len;

	publish_denial(x);
	len = application("3A001.b", "Hengtai Microwave Co., Ltd",
	    "United Arab Emirates", "CN", NULL, &tx);
	refused(x, tx, len, "parties[0].country: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"United Arab Emirates\"");
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "ARE",
	    "CN", NULL, &tx);
	refused(x, tx, len, "parties[0].country: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"ARE\"");
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN",
	    "Japan", NULL, &tx);
	refused(x, tx, len, "destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"Japan\"");
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN", "cn",
	    NULL, &tx);
	refused(x, tx, len, "destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"cn\"");
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN", "CN",
	    "XX", &tx);
	refused(x, tx, len, "transit_countries[0]: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"XX\"");
}

static void
check_refuses_an_incomplete_application(void **state)
{
	struct fx	*x = *state;
	uint8_t		*tx;
	size_t		 len;

	publish_denial(x);
	len = application(NULL, NULL, NULL, NULL, NULL, &tx);	/* {} */
	refused(x, tx, len, "items: expected at least one item with a "
	    "control_entry");
	len = application("3A001.b", NULL, NULL, "CN", NULL, &tx);
	refused(x, tx, len, "parties: expected at least one party with a "
	    "name");
	len = application("3A001.b", "", "CN", "CN", NULL, &tx);
	refused(x, tx, len, "parties[0].name: expected the party's name");
	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN", NULL,
	    NULL, &tx);
	refused(x, tx, len, "destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"\"");
}

/* Untrusted text in the message is cut and made printable. */
static void
check_quotes_a_bad_country_inertly(void **state)
{
	struct fx	*x = *state;
	uint8_t		*tx;
	size_t		 len;

	len = application("3A001.b", "Hengtai Microwave Co., Ltd", "CN",
	    "J\npan\x1b[31m and a very long tail that goes on and on and on",
	    NULL, &tx);
	refused(x, tx, len, "destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as AE, got \"J?pan?[31m and a very long tail "
	    "that goe\"");
}

static void
check_error_field_names_the_field(void **state)
{
	(void)state;
	assert_int_equal(check_error_field("parties[0].country: expected"),
	    18);
	assert_int_equal(check_error_field("destination_country: expected"),
	    19);
	assert_int_equal(check_error_field("the check could not be "
	    "completed: out of memory"), 0);
	assert_int_equal(check_error_field("screening is not enabled"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    check_finds_the_essentially_identical_denial, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    check_fails_closed_when_an_allocation_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    check_refuses_a_country_that_is_not_an_alpha2_code, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    check_refuses_an_incomplete_application, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    check_quotes_a_bad_country_inertly, setup, teardown),
		cmocka_unit_test(check_error_field_names_the_field),
		cmocka_unit_test_setup_teardown(check_names_the_denials_feed,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
