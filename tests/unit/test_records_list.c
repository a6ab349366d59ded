/*
 * records_list() (store/records.h) reads only the index keys a state or
 * an until_max can match: the structural-state keys are ordered by the
 * record's until, and a state bounds it (a denial under review has
 * 0 < until <= at, an active alert until > at, ...), an origin filter is
 * checked on the key, and reading stops at the limit. Each answer must
 * still be exactly the records that pass every filter: here, for many
 * records of two origins with review dates and validity windows around
 * the times asked, each filtered list equals the unfiltered list
 * filtered in the test, record for record. Real LMDB in a temporary
 * directory.
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

#include "hash.h"
#include "records.h"
#include "screen.h"
#include "sig.h"
#include "store.h"
#include "test_keys.h"
#include "test_tmpdir.h"
#include "trust.h"

#define T0	1793610000000ull		/* 2026-11-02T09:00:00Z */
#define DAY	86400000ull
#define NREC	24				/* of each kind per origin */

enum { JP, US, NAGENCIES };
static const char *const agency_ids[NAGENCIES] = { "JP-METI", "US-BIS" };

static char		 tmp[TEST_TMPDIR_MAX];
static struct store	*st;
static struct trust	 trust[NAGENCIES];
static struct sig_key	*key[NAGENCIES];

static void
trust_make(int self)
{
	struct trust	*t = &trust[self];
	size_t		 i, j;

	snprintf(t->self, sizeof(t->self), "%s", agency_ids[self]);
	assert_non_null(t->agencies = calloc(NAGENCIES, sizeof(*t->agencies)));
	t->nagencies = NAGENCIES;
	for (i = 0; i < NAGENCIES; i++) {
		j = (self + i) % NAGENCIES;	/* self first */
		snprintf(t->agencies[i].id, sizeof(t->agencies[i].id), "%s",
		    agency_ids[j]);
		assert_int_equal(sig_pubkey_from_raw(sig_pubkey_raw(
		    sig_key_public(key[j])), &t->agencies[i].keys[0].pub), 0);
		t->agencies[i].nkeys = 1;
	}
	assert_non_null(t->groups = calloc(1, sizeof(*t->groups)));
	t->ngroups = 1;
	snprintf(t->groups[0].name, sizeof(t->groups[0].name), "WA");
	assert_non_null(t->groups[0].members = calloc(NAGENCIES,
	    sizeof(*t->groups[0].members)));
	for (j = 0; j < NAGENCIES; j++)
		snprintf(t->groups[0].members[j],
		    sizeof(t->groups[0].members[j]), "%s", agency_ids[j]);
	t->groups[0].nmembers = NAGENCIES;
}

/* Signs e as agency who in WA at created, then derives it. */
static void
pub(int who, Lcn__Entry *e, uint64_t created)
{
	struct append_result	res;
	struct bytes		b;
	uint8_t			*buf;
	uint64_t		 left;

	assert_non_null(buf = malloc(lcn__entry__get_packed_size(e)));
	b.len = lcn__entry__pack(e, buf);
	b.ptr = buf;
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_publish(st, &trust[who], key[who], "WA", &b, 1,
	    created, &res), 0);
	append_result_free(&res);
	free(buf);
	assert_int_equal(store_screen_catch_up(st, 0, &left), 0);
	assert_int_equal(left, 0);
}

static void
pub_denial(int who, int i, uint64_t review)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Item		 it = LCN__ITEM__INIT, *itp = &it;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;
	char			 ref[64], name[64];

	snprintf(ref, sizeof(ref), "%s/DN/2026/%04d", agency_ids[who], i);
	snprintf(name, sizeof(name), "Trading House Number %d", i);
	dn.ref = ref;
	dn.regime = "WA";
	dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	it.control_entry = "3A001.b.1";
	dn.n_items = 1;
	dn.items = &itp;
	p.role = LCN__PARTY_ROLE__ROLE_END_USER;
	p.name = name;
	p.country = "CN";
	dn.n_parties = 1;
	dn.parties = &pp;
	dn.destination_country = "CN";
	dn.decision_date_ms = T0 - 30 * DAY;
	dn.review_date_ms = review;
	e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	e.denial_notice = &dn;
	pub(who, &e, T0 + (uint64_t)i);
}

static void
pub_denial_update(int who, int i, Lcn__DenialAction action)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__DenialUpdate	 du = LCN__DENIAL_UPDATE__INIT;
	char			 ref[64], target[64];

	snprintf(ref, sizeof(ref), "%s/DU/2026/%04d", agency_ids[who], i);
	snprintf(target, sizeof(target), "%s/DN/2026/%04d", agency_ids[who],
	    i);
	du.ref = ref;
	du.denial_ref = target;
	du.action = action;
	du.reason = "because the file says so";
	e.body_case = LCN__ENTRY__BODY_DENIAL_UPDATE;
	e.denial_update = &du;
	pub(who, &e, T0 + 1000 + (uint64_t)i);
}

static void
pub_alert(int who, int i, uint64_t from, uint64_t until)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__EndUserAlert	 al = LCN__END_USER_ALERT__INIT;
	Lcn__Party		 p = LCN__PARTY__INIT;
	char			 ref[64], name[64];

	snprintf(ref, sizeof(ref), "%s/EUA/2026/%04d", agency_ids[who], i);
	snprintf(name, sizeof(name), "Front Company Number %d", i);
	al.ref = ref;
	p.role = LCN__PARTY_ROLE__ROLE_END_USER;
	p.name = name;
	p.country = "AE";
	al.party = &p;
	al.via_country = "AE";
	al.valid_from_ms = from;
	al.valid_until_ms = until;
	e.body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	e.end_user_alert = &al;
	pub(who, &e, T0 + 2000 + (uint64_t)i);
}

static void
pub_alert_withdrawal(int who, int i)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__AlertUpdate	 au = LCN__ALERT_UPDATE__INIT;
	char			 ref[64], target[64];

	snprintf(ref, sizeof(ref), "%s/EUAU/2026/%04d", agency_ids[who], i);
	snprintf(target, sizeof(target), "%s/EUA/2026/%04d", agency_ids[who],
	    i);
	au.ref = ref;
	au.alert_ref = target;
	au.action = LCN__ALERT_ACTION__ALERT_WITHDRAW;
	au.reason = "new information";
	e.body_case = LCN__ENTRY__BODY_ALERT_UPDATE;
	e.alert_update = &au;
	pub(who, &e, T0 + 3000 + (uint64_t)i);
}

/*
 * Records of both origins whose review dates and windows fall before,
 * at and after the times the test asks at (T0 + k days), some suspended,
 * revoked or withdrawn, in an order unlike their refs'.
 */
static int
setup(void **state)
{
	struct store_opts	o;
	char			data[TEST_TMPDIR_MAX + 8], err[256];
	uint64_t		d;
	int			who, i;

	(void)state;
	assert_int_equal(hash_init(), 0);
	assert_int_equal(test_tmpdir_make(tmp, sizeof(tmp), "records-list"),
	    0);
	snprintf(data, sizeof(data), "%s/data", tmp);
	key[JP] = test_key_make(tmp, "jp");
	key[US] = test_key_make(tmp, "us");
	for (who = 0; who < NAGENCIES; who++)
		trust_make(who);
	memset(&o, 0, sizeof(o));
	o.dir = data;
	assert_int_equal(store_open(&o, &st, err, sizeof(err)), 0);
	assert_int_equal(store_screen_enable(st, NULL, err, sizeof(err)), 0);
	for (who = 0; who < NAGENCIES; who++)
		for (i = 1; i <= NREC; i++) {
			d = (uint64_t)((i * 7 + who * 3) % 13) * DAY;
			pub_denial(who, i, T0 + d);
			pub_alert(who, i, T0 + (uint64_t)(i % 4) * DAY,
			    T0 + 4 * DAY + d);
		}
	for (who = 0; who < NAGENCIES; who++)
		for (i = 1; i <= NREC; i += 5) {
			pub_denial_update(who, i, i % 2 ?
			    LCN__DENIAL_ACTION__DENIAL_SUSPEND :
			    LCN__DENIAL_ACTION__DENIAL_REVOKE);
			pub_alert_withdrawal(who, i + 1);
		}
	return 0;
}

static int
teardown(void **state)
{
	int who;

	(void)state;
	store_screen_disable(st);
	store_close(st);
	for (who = 0; who < NAGENCIES; who++) {
		trust_free(&trust[who]);
		sig_key_free(key[who]);
	}
	return test_tmpdir_remove(tmp);
}

/* The test's own filtering of one unfiltered record. */
static int
wanted(const struct record_info *ri, const struct record_filter *f)
{
	if (f->from != NULL && strcmp(ri->origin, f->from) != 0)
		return 0;
	if (f->state != NULL && strcmp(f->state, "all") != 0 &&
	    strcmp(ri->state, f->state) != 0)
		return 0;
	if (f->until_max != 0 && (ri->until_ms == 0 ||
	    ri->until_ms > f->until_max))
		return 0;
	return 1;
}

/*
 * records_list with f at at equals every record (unfiltered) that
 * wanted() keeps, in the same order; with a limit, the first ones and
 * "more". Returns how many there were.
 */
static size_t
check(enum record_kind kind, struct record_filter *f, uint64_t at)
{
	struct record_filter	 none;
	struct record_info	*all, *got;
	size_t			 nall, ngot, i, k = 0;
	int			 more;

	memset(&none, 0, sizeof(none));
	assert_int_equal(records_list(st, kind, &none, at, &all, &nall,
	    &more), 0);
	assert_int_equal(nall, NREC * NAGENCIES);
	assert_int_equal(records_list(st, kind, f, at, &got, &ngot, &more),
	    0);
	assert_int_equal(more, 0);
	for (i = 0; i < nall; i++) {
		if (!wanted(&all[i], f))
			continue;
		if (k >= ngot)
			fail_msg("%s state %s until_max %llu at %llu: %s "
			    "missing", f->from ? f->from : "-", f->state ?
			    f->state : "-", (unsigned long long)f->until_max,
			    (unsigned long long)at, all[i].ref);
		assert_string_equal(got[k].ref, all[i].ref);
		assert_string_equal(got[k].origin, all[i].origin);
		k++;
	}
	assert_int_equal(ngot, k);
	free(got);
	if (k > 1) {
		/* The first k - 1, and more. */
		f->limit = k - 1;
		assert_int_equal(records_list(st, kind, f, at, &got, &ngot,
		    &more), 0);
		assert_int_equal(ngot, k - 1);
		assert_int_equal(more, 1);
		free(got);
		f->limit = 0;
	}
	free(all);
	return k;
}

static void
list_by_state_until_and_origin_is_exact(void **state)
{
	static const char *const dstates[] = { NULL, "all", "active",
	    "review-due", "suspended", "revoked" };
	static const char *const astates[] = { NULL, "active",
	    "not-yet-valid", "expired", "withdrawn" };
	static const char *const froms[] = { NULL, "JP-METI", "US-BIS",
	    "DE-BAFA" };
	static const uint64_t untils[] = { 0, T0 + 3 * DAY, T0 + 9 * DAY,
	    T0 + 40 * DAY };
	struct record_filter	f;
	size_t			s, o, u, found = 0;
	uint64_t		at;
	int			k;

	(void)state;
	/*
	 * Half days: whole ones fall exactly on reviews and untils, and a
	 * millisecond before each too.
	 */
	for (k = -2; k <= 36; k++) {
		at = (uint64_t)((int64_t)T0 + k / 2 * (int64_t)DAY / 2 -
		    (k % 2 != 0));
		for (o = 0; o < 4; o++)
			for (u = 0; u < 4; u++) {
				memset(&f, 0, sizeof(f));
				f.from = froms[o];
				f.until_max = untils[u];
				for (s = 0; s < 6; s++) {
					f.state = dstates[s];
					found += check(RECORD_DENIAL, &f, at);
				}
				for (s = 0; s < 5; s++) {
					f.state = astates[s];
					found += check(RECORD_ALERT, &f, at);
				}
			}
	}
	/* The cases are not all empty ones. */
	assert_true(found > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_by_state_until_and_origin_is_exact),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
