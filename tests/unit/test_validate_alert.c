/*
 * Unit tests for validate*.c, the record types other than denials:
 * end-user alerts and their updates, control status, bodies an officer
 * may not publish (heads, attestations, junk), and the red-flag table
 * alerts draw on.
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

/* ---------------------------------------------------------- alerts */

static void
alert_rules(void **state)
{
	struct alert a;

	(void)state;
	alert_init(&a);
	check(&a.e, NULL);
	a.a.party = NULL;
	check(&a.e, "party: expected the party of concern, with a name");
	alert_init(&a);
	a.party.name = "";
	check(&a.e, "party.name: expected the party's name");
	alert_init(&a);
	a.a.n_concerns = 0;
	check(&a.e, "concerns: expected at least one concern, such as "
	    "front_company, procurement_agent or diversion");
	alert_init(&a);
	a.a.via_country = "Dubai";
	check(&a.e, "via_country: expected an ISO 3166-1 alpha-2 code such as "
	    "JP, got \"Dubai\"");
	alert_init(&a);
	a.flag.code = "KYC-NOPE";
	check(&a.e, "red_flags[0].code: expected a code of the red-flag "
	    "vocabulary (redflags.tsv), such as KYC-END-USE, got \"KYC-NOPE\"");
	alert_init(&a);
	a.a.confidence_pct = 150;
	check(&a.e, "confidence_pct: expected a percentage from 0 to 100, got "
	    "150");
	a.a.confidence_pct = 100;
	check(&a.e, NULL);
	alert_init(&a);
	a.a.valid_from_ms = 0;
	check(&a.e, "valid_from_ms: expected the date from which the alert "
	    "holds (a date such as 2026-11-02)");
	alert_init(&a);
	a.a.valid_until_ms = day("2026-11-01");
	check(&a.e, "valid_until_ms: expected the end of validity after "
	    "valid_from_ms 2026-11-03, got 2026-11-01");
	a.a.valid_until_ms = 0;
	check(&a.e, NULL);
	{
		char *refs[] = { "JP-METI/DN/2026/0001", "US-BIS/DN/20/1" };
		char *ces[] = { "3A001.b.1", "3A001.x.y.z.zz.toolong" };

		a.a.n_related_denial_refs = 2;
		a.a.related_denial_refs = refs;
		check(&a.e, "related_denial_refs[1]: expected a ref such as "
		    "JP-METI/DN/2026/0001 (agency, kind, year, a number of 4 "
		    "to 9 digits), got \"US-BIS/DN/20/1\"");
		refs[1] = "US-BIS/DN/2026/0003";
		check(&a.e, NULL);
		ces[1] = "bar";
		a.a.n_control_entries = 2;
		a.a.control_entries = ces;
		check(&a.e, "control_entries[1]: expected a control-list entry "
		    "such as 3A001.b.1, ML10.a, EAR99 or catch-all, got "
		    "\"bar\"");
	}
}

static void
alert_update_rules(void **state)
{
	struct aupdate	u;
	struct alert	a;

	(void)state;
	fake_add("JP-METI/EUA/2026/0007", VALIDATE_KIND_EUA, "WA", 1,
	    DOMAIN_ALERT_ACTIVE);
	fake_add("JP-METI/EUA/2026/0008", VALIDATE_KIND_EUA, "WA", 2,
	    DOMAIN_ALERT_WITHDRAWN);
	aupdate_init(&u, "JP-METI/EUA/2026/0007", LCN__ALERT_ACTION__ALERT_EXTEND);
	u.au.valid_until_ms = day("2028-01-01");
	check(&u.e, NULL);
	u.au.valid_until_ms = 0;
	check(&u.e, NULL);
	u.au.valid_until_ms = day("2026-01-01");
	check(&u.e, "valid_until_ms: expected the new end of validity after "
	    "today (2026-12-03), or none for an open-ended alert");
	aupdate_init(&u, "JP-METI/EUA/2026/0008",
	    LCN__ALERT_ACTION__ALERT_WITHDRAW);
	check(&u.e, "alert_ref: JP-METI/EUA/2026/0008 is withdrawn; no update "
	    "can follow a withdrawal");
	aupdate_init(&u, "DE-BAFA/EUA/2026/0001",
	    LCN__ALERT_ACTION__ALERT_WITHDRAW);
	check(&u.e, "alert_ref: DE-BAFA/EUA/2026/0001 is DE-BAFA's end-user "
	    "alert; only DE-BAFA can update it");
	aupdate_init(&u, "JP-METI/EUA/2026/0007", LCN__ALERT_ACTION__ALERT_AMEND);
	alert_init(&a);
	a.a.ref = "";
	a.a.n_concerns = 0;
	u.au.amended = &a.a;
	check(&u.e, "amended.concerns: expected at least one concern, such as "
	    "front_company, procurement_agent or diversion");
}

/* ---------------------------------------------------------- control status */

static void
control_status_rules(void **state)
{
	struct control c;

	(void)state;
	control_init(&c);
	check(&c.e, NULL);
	c.cs.effective_date_ms = 0;
	check(&c.e, "effective_date_ms: expected the date the control took "
	    "effect nationally (a date such as 2026-11-02)");
	c.cs.stage = LCN__CONTROL_STAGE__STAGE_AGREED;
	check(&c.e, NULL);
	c.cs.stage = 0;
	check(&c.e, "stage: expected one of proposed, technically_matured, "
	    "agreed, implemented or withdrawn");
	control_init(&c);
	c.cs.regime = "";
	check(&c.e, "regime: expected the regime, such as WA, NSG, AG or MTCR");
	control_init(&c);
	c.cs.control_entry = "catch-all";
	check(&c.e, "control_entry: expected an entry of a control list such "
	    "as 3A001.b.12 or ML10.a, got \"catch-all\"");
	c.cs.control_entry = "foo";
	check(&c.e, "control_entry: expected a control-list entry such as "
	    "3A001.b.1, ML10.a, EAR99 or catch-all, got \"foo\"");
}

/* ---------------------------------------------------------- other bodies */

static void
heads_attestation_and_junk_are_refused(void **state)
{
	Lcn__Entry		e;
	Lcn__HeadsAttestation	ha;
	struct validate_error	err;
	uint8_t			junk[] = { 0xff, 0xff, 0xff };

	(void)state;
	lcn__entry__init(&e);
	lcn__heads_attestation__init(&ha);
	e.body_case = LCN__ENTRY__BODY_HEADS_ATTESTATION;
	e.heads_attestation = &ha;
	check(&e, "heads_attestation: lcnd publishes its own heads "
	    "attestations; an officer cannot");
	lcn__entry__init(&e);
	check(&e, "body: expected one body such as denial_notice, "
	    "denial_update, end_user_alert, alert_update or control_status");
	assert_int_equal(validate_body(junk, sizeof(junk), &ctx, &err),
	    LCN_EINVAL);
	assert_string_equal(err.field, "body");
}

/* ---------------------------------------------------------- red flags */

static void
redflags_ship_and_load(void **state)
{
	struct redflags		*fl;
	const struct redflag	*f;
	char			 err[256];

	(void)state;
	assert_int_equal(redflags_load(LCN_SOURCE_DIR "/store/tables", &fl,
	    err, sizeof(err)), 0);
	assert_true(redflags_count(fl) >= 20);
	assert_non_null(f = redflags_find(fl, "KYC-END-USE"));
	assert_string_equal(f->title, "End use withheld");
	assert_non_null(redflags_find(fl, "KYC-FORWARDER"));
	assert_null(redflags_find(fl, "kyc-end-use"));
	redflags_free(fl);
	assert_int_equal(redflags_load("/nonexistent", &fl, err, sizeof(err)),
	    LCN_EIO);
	assert_null(fl);
	assert_non_null(strstr(err, "/nonexistent/redflags.tsv"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(alert_rules),
		T(alert_update_rules),
		T(control_status_rules),
		T(heads_attestation_and_junk_are_refused),
		T(redflags_ship_and_load),
#undef T
	};

	/* The default vocabulary is the source tree's. */
	setenv("LCN_TABLES_DIR", LCN_SOURCE_DIR "/store/tables", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
