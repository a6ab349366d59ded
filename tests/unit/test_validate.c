/*
 * Unit tests for validate*.c, denial notices and their updates: a body an
 * officer publishes is refused, with its field named in words, for every
 * denial rule and every case issue 9 found signed with exit 0, and a
 * valid body passes. Refs are tested in test_validate_ref.c, the other
 * record types in test_validate_alert.c.
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

/* ---------------------------------------------------------- denials */

static void
denial_valid_passes(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	check(&d.e, NULL);
	/* Without a ref, too: validate_publish assigns one. */
	d.dn.ref = "";
	check(&d.e, NULL);
}

/* Issue 9: {"denial_notice":{}} was signed. */
static void
denial_empty_is_refused(void **state)
{
	Lcn__Entry		e;
	Lcn__DenialNotice	dn;

	(void)state;
	lcn__entry__init(&e);
	lcn__denial_notice__init(&dn);
	e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	e.denial_notice = &dn;
	check(&e, "regime: expected the regime, such as WA, NSG, AG or MTCR");
}

static void
denial_required_fields_are_named(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.dn.regime = "Wassenaar Arrangement";
	check(&d.e, "regime: expected a regime as its group is named, such as "
	    "WA, NSG, AG or MTCR, got \"Wassenaar Arrangement\"");
	denial_init(&d);
	d.dn.control_basis = 0;
	check(&d.e, "control_basis: expected one of listed_item, "
	    "catch_all_wmd, catch_all_military_end_use or catch_all_embargo");
	denial_init(&d);
	d.dn.n_items = 0;
	check(&d.e, "items: expected at least one item with a control_entry "
	    "such as 3A001.b.1");
	denial_init(&d);
	d.dn.n_parties = 0;
	check(&d.e, "parties: expected at least one party with a name");
	denial_init(&d);
	d.party.name = "  ";
	check(&d.e, "parties[0].name: expected the party's name");
	denial_init(&d);
	d.dn.destination_country = "";
	check(&d.e, "destination_country: expected an ISO 3166-1 alpha-2 code "
	    "such as JP");
	denial_init(&d);
	d.dn.decision_date_ms = 0;
	check(&d.e, "decision_date_ms: expected the decision date (a date such "
	    "as 2026-11-02)");
	denial_init(&d);
	d.reason.code = 0;
	check(&d.e, "reasons[0].code: expected one of wmd_nuclear, "
	    "wmd_chemical, wmd_biological, wmd_missile, military_end_use, "
	    "diversion, transshipment or other");
}

/* Issue 9: a control entry "foo" was signed. */
static void
denial_control_entry_foo_is_refused(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.item.control_entry = "foo";
	check(&d.e, "items[0].control_entry: expected a control-list entry "
	    "such as 3A001.b.1, ML10.a, EAR99 or catch-all, got \"foo\"");
	d.item.control_entry = "";
	check(&d.e, "items[0].control_entry: expected a control-list entry "
	    "such as 3A001.b.1, ML10.a, EAR99 or catch-all");
}

static void
denial_catch_all_needs_catch_all_basis(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.item.control_entry = "catch-all";
	check(&d.e, "items[0].control_entry: catch-all needs a catch-all "
	    "control_basis (catch_all_wmd, catch_all_military_end_use or "
	    "catch_all_embargo), not listed_item");
	d.item.control_entry = "EAR99";
	check(&d.e, "items[0].control_entry: EAR99 is not a listed item: use "
	    "a catch-all control_basis, or the item's entry such as "
	    "3A001.b.1");
	d.dn.control_basis = LCN__CONTROL_BASIS__BASIS_CATCH_ALL_WMD;
	check(&d.e, NULL);
	d.item.control_entry = "catch all";
	check(&d.e, NULL);
}

/* Issue 9: a country "Japan" was signed. */
static void
denial_country_japan_is_refused(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.party.country = "Japan";
	check(&d.e, "parties[0].country: expected an ISO 3166-1 alpha-2 code "
	    "such as JP, got \"Japan\"");
	denial_init(&d);
	d.dn.destination_country = "jp";
	check(&d.e, "destination_country: expected an ISO 3166-1 alpha-2 code "
	    "such as JP, got \"jp\"");
	denial_init(&d);
	{
		char *t[] = { "HK", "ARE" };

		d.dn.n_transit_countries = 2;
		d.dn.transit_countries = t;
		check(&d.e, "transit_countries[1]: expected an ISO 3166-1 "
		    "alpha-2 code such as JP, got \"ARE\"");
	}
}

static void
denial_party_details_are_checked(void **state)
{
	struct denial		 d;
	Lcn__Identifier		 id, *ids[1] = { &id };
	Lcn__Alias		 al, *als[1] = { &al };

	(void)state;
	denial_init(&d);
	lcn__identifier__init(&id);
	id.scheme = "registration";
	id.value = "91440605MA4UJ12K3X";
	id.country = "China";
	d.party.n_identifiers = 1;
	d.party.identifiers = ids;
	check(&d.e, "parties[0].identifiers[0].country: expected an ISO 3166-1 "
	    "alpha-2 code such as JP, got \"China\"");
	id.country = "CN";
	check(&d.e, NULL);
	lcn__alias__init(&al);
	d.party.n_aliases = 1;
	d.party.aliases = als;
	check(&d.e, "parties[0].aliases[0].name: expected the alias (or no "
	    "alias entry)");
	al.name = "Hengtai Microwave";
	check(&d.e, NULL);
	d.party.role = 99;
	check(&d.e, "parties[0].role: expected one of end_user, consignee, "
	    "intermediate_consignee, purchaser or agent, got the number 99");
}

static void
denial_currency_is_iso4217(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.item.value_minor = 18400000;
	d.item.currency = "JPY";
	check(&d.e, NULL);
	d.item.currency = "Yen";
	check(&d.e, "items[0].currency: expected an ISO 4217 currency code "
	    "such as JPY, EUR or USD, got \"Yen\"");
	d.item.currency = "XYZ";
	check(&d.e, "items[0].currency: expected an ISO 4217 currency code "
	    "such as JPY, EUR or USD, got \"XYZ\"");
	d.item.currency = "";
	check(&d.e, "items[0].currency: expected the currency of value_minor, "
	    "an ISO 4217 code such as JPY, EUR or USD");
}

/* Issue 9: a review date before the decision date was signed. */
static void
denial_review_before_decision_is_refused(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.dn.review_date_ms = day("2026-10-01");
	check(&d.e, "review_date_ms: expected a review date after the decision "
	    "date 2026-11-02, got 2026-10-01");
	d.dn.review_date_ms = d.dn.decision_date_ms;
	check(&d.e, "review_date_ms: expected a review date after the decision "
	    "date 2026-11-02, got 2026-11-02");
	d.dn.review_date_ms = day("2029-11-02");
	check(&d.e, NULL);
}

static void
denial_absurd_and_future_dates_are_refused(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.dn.decision_date_ms = day("2260-11-02");
	check(&d.e, "decision_date_ms: expected the decision date between 1980 "
	    "and 2099, got 2260-11-02");
	d.dn.decision_date_ms = day("1970-01-02");
	check(&d.e, "decision_date_ms: expected the decision date between 1980 "
	    "and 2099, got 1970-01-02");
	d.dn.decision_date_ms = UINT64_MAX;
	check(&d.e, "decision_date_ms: expected the decision date between 1980 "
	    "and 2099, got a date after the year 9999");
	d.dn.decision_date_ms = day("2027-01-05");
	check(&d.e, "decision_date_ms: expected a decision already taken, on or "
	    "before today (2026-12-03), got 2027-01-05");
	/* Tomorrow is today somewhere. */
	d.dn.decision_date_ms = NOW_MS + DAY_MS;
	check(&d.e, NULL);
	d.dn.decision_date_ms = day("2026-11-02");
	d.dn.review_date_ms = day("2100-01-01");
	check(&d.e, "review_date_ms: expected the review date between 1980 and "
	    "2099, got 2100-01-01");
}

static void
denial_text_over_protocol_limit_is_refused(void **state)
{
	struct denial	 d;
	char		*big;

	(void)state;
	denial_init(&d);
	assert_non_null(big = malloc(STRING_MAX + 2));
	memset(big, 'a', STRING_MAX + 1);
	big[STRING_MAX + 1] = '\0';
	d.party.name = big;
	check(&d.e, "parties[0].name: at most 4096 bytes, got 4097");
	big[STRING_MAX] = '\0';
	check(&d.e, NULL);
	d.party.name = "Nanhai \xff Microwave";
	check(&d.e, "parties[0].name: not valid UTF-8 at byte 7");
	free(big);
}

static void
handling_tlp_and_forwarding(void **state)
{
	struct denial d;

	(void)state;
	denial_init(&d);
	d.h.forwarding_allowed = 1;
	check(&d.e, NULL);
	d.h.tlp = LCN__TLP__TLP_RED;
	check(&d.e, "handling.forwarding_allowed: TLP:RED information is never "
	    "forwarded beyond its recipients; set tlp to clear, green or "
	    "amber or leave forwarding off");
	d.h.tlp = LCN__TLP__TLP_AMBER_STRICT;
	check(&d.e, "handling.forwarding_allowed: TLP:AMBER+STRICT information "
	    "stays in the recipients' own organisation; set tlp to clear, "
	    "green or amber or leave forwarding off");
	d.h.tlp = 0;
	check(&d.e, "handling.forwarding_allowed: forwarding beyond the group "
	    "needs a TLP level (clear, green or amber) in handling.tlp");
	d.h.forwarding_allowed = 0;
	check(&d.e, NULL);
	d.h.tlp = 9;
	check(&d.e, "handling.tlp: expected one of clear, green, amber, "
	    "amber_strict or red, got the number 9");
}

/* ---------------------------------------------------------- updates */

/* Issue 9: a revocation of a denial that does not exist was signed. */
static void
update_of_unknown_denial_is_refused(void **state)
{
	struct dupdate u;

	(void)state;
	dupdate_init(&u, "JP-METI/DN/2026/0099", LCN__DENIAL_ACTION__DENIAL_REVOKE);
	check(&u.e, "denial_ref: JP-METI/DN/2026/0099: JP-METI has published "
	    "no such denial");
}

/* Issue 9: US-BIS "revoking" JP-METI's denial was signed. */
static void
update_of_another_agency_is_refused(void **state)
{
	struct dupdate u;

	(void)state;
	ctx.self = "US-BIS";
	dupdate_init(&u, "JP-METI/DN/2026/0001", LCN__DENIAL_ACTION__DENIAL_REVOKE);
	u.du.ref = "US-BIS/DU/2026/0001";
	check(&u.e, "denial_ref: JP-METI/DN/2026/0001 is JP-METI's denial; only "
	    "JP-METI can update it");
}

static void
update_needs_action_reason_and_state(void **state)
{
	struct dupdate u;

	(void)state;
	fake_add("JP-METI/DN/2026/0001", VALIDATE_KIND_DN, "WA", 1,
	    DOMAIN_DENIAL_ACTIVE);
	fake_add("JP-METI/DN/2026/0002", VALIDATE_KIND_DN, "WA", 2,
	    DOMAIN_DENIAL_REVOKED);
	fake_add("JP-METI/DN/2026/0003", VALIDATE_KIND_DN, "WA", 3,
	    DOMAIN_DENIAL_SUSPENDED);
	fake_add("JP-METI/EUA/2026/0001", VALIDATE_KIND_EUA, "WA", 4,
	    DOMAIN_ALERT_ACTIVE);
	dupdate_init(&u, "JP-METI/DN/2026/0001", LCN__DENIAL_ACTION__DENIAL_REVOKE);
	check(&u.e, NULL);
	u.du.reason = "";
	check(&u.e, "reason: expected why (a sentence the partners read in the "
	    "denial's history)");
	dupdate_init(&u, "JP-METI/DN/2026/0001", 0);
	check(&u.e, "action: expected one of amend, renew, suspend or revoke");
	dupdate_init(&u, "", LCN__DENIAL_ACTION__DENIAL_REVOKE);
	check(&u.e, "denial_ref: expected the ref of the denial to update, such "
	    "as JP-METI/DN/2026/0001");
	dupdate_init(&u, "JP-METI/DN/2026/0002", LCN__DENIAL_ACTION__DENIAL_RENEW);
	u.du.new_review_date_ms = day("2029-01-01");
	check(&u.e, "denial_ref: JP-METI/DN/2026/0002 is revoked; no update can "
	    "follow a revocation");
	dupdate_init(&u, "JP-METI/DN/2026/0003", LCN__DENIAL_ACTION__DENIAL_SUSPEND);
	check(&u.e, "action: JP-METI/DN/2026/0003 is already suspended; renew "
	    "it to lift the suspension");
	dupdate_init(&u, "JP-METI/DN/2026/0003", LCN__DENIAL_ACTION__DENIAL_RENEW);
	check(&u.e, "new_review_date_ms: expected the new review date (a date "
	    "such as 2026-11-02)");
	u.du.new_review_date_ms = day("2026-12-01");
	check(&u.e, "new_review_date_ms: expected a new review date after today "
	    "(2026-12-03)");
	u.du.new_review_date_ms = day("2029-12-01");
	check(&u.e, NULL);
	dupdate_init(&u, "JP-METI/DN/2026/0001", LCN__DENIAL_ACTION__DENIAL_REVOKE);
	u.du.new_review_date_ms = day("2029-12-01");
	check(&u.e, "new_review_date_ms: only with action renew");
	dupdate_init(&u, "JP-METI/EUA/2026/0001",
	    LCN__DENIAL_ACTION__DENIAL_REVOKE);
	check(&u.e, "denial_ref: expected the ref of a denial, such as "
	    "JP-METI/DN/2026/0001; JP-METI/EUA/2026/0001 is the ref of an "
	    "end-user alert");
	dupdate_init(&u, "JP-METI/DN/2026/0001", LCN__DENIAL_ACTION__DENIAL_REVOKE);
	u.du.ref = "JP-METI/DN/2026/0005";
	check(&u.e, "ref: expected the ref of a denial update, such as "
	    "JP-METI/DU/2026/0001; JP-METI/DN/2026/0005 is the ref of a "
	    "denial");
}

static void
update_amend_is_a_whole_valid_notice(void **state)
{
	struct dupdate	u;
	struct denial	d;

	(void)state;
	fake_add("JP-METI/DN/2026/0001", VALIDATE_KIND_DN, "WA", 1,
	    DOMAIN_DENIAL_ACTIVE);
	dupdate_init(&u, "JP-METI/DN/2026/0001", LCN__DENIAL_ACTION__DENIAL_AMEND);
	check(&u.e, "amended: expected the amended notice: the whole notice as "
	    "it now stands");
	denial_init(&d);
	u.du.amended = &d.dn;
	check(&u.e, NULL);
	d.party.country = "Japan";
	check(&u.e, "amended.parties[0].country: expected an ISO 3166-1 alpha-2 "
	    "code such as JP, got \"Japan\"");
	denial_init(&d);
	d.dn.ref = "JP-METI/DN/2026/0002";
	check(&u.e, "amended.ref: expected JP-METI/DN/2026/0001 (the denial "
	    "amended) or none, got \"JP-METI/DN/2026/0002\"");
	d.dn.ref = "";
	u.du.action = LCN__DENIAL_ACTION__DENIAL_SUSPEND;
	check(&u.e, "amended: only with action amend");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(denial_valid_passes),
		T(denial_empty_is_refused),
		T(denial_required_fields_are_named),
		T(denial_control_entry_foo_is_refused),
		T(denial_catch_all_needs_catch_all_basis),
		T(denial_country_japan_is_refused),
		T(denial_party_details_are_checked),
		T(denial_currency_is_iso4217),
		T(denial_review_before_decision_is_refused),
		T(denial_absurd_and_future_dates_are_refused),
		T(denial_text_over_protocol_limit_is_refused),
		T(handling_tlp_and_forwarding),
		T(update_of_unknown_denial_is_refused),
		T(update_of_another_agency_is_refused),
		T(update_needs_action_reason_and_state),
		T(update_amend_is_a_whole_valid_notice),
#undef T
	};

	/* The default vocabulary is the source tree's. */
	setenv("LCN_TABLES_DIR", LCN_SOURCE_DIR "/store/tables", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
