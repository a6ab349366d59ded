/*
 * Unit tests for validate*.c: a body an officer publishes is refused, with
 * its field named in words, for every record rule, every ref rule and
 * every case issue 9 found signed with exit 0; a valid body passes; refs
 * are assigned after the highest used.
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
#include "util.h"
#include "validate.h"

/* 2026-12-03T00:00:00Z */
#define NOW_MS		1796256000000ull
#define DAY_MS		86400000ull

static uint64_t
day(const char *s)
{
	uint64_t ms;

	assert_int_equal(date_parse_day(s, &ms), 0);
	return ms;
}

/* The ledger the callbacks answer from: refs with their records. */
struct fake_rec {
	const char		*ref;
	struct validate_record	 rec;
};
static struct fake_rec	fake[8];
static size_t		nfake;
static int		fake_fail;	/* lookup answers this error */
static uint64_t		fake_highest;

static int
fake_lookup(void *arg, const char *ref, struct validate_record *rec)
{
	size_t i;

	(void)arg;
	if (fake_fail != 0)
		return fake_fail;
	for (i = 0; i < nfake; i++)
		if (strcmp(fake[i].ref, ref) == 0) {
			*rec = fake[i].rec;
			return 0;
		}
	return LCN_ENOTFOUND;
}

static int
fake_high(void *arg, enum validate_kind kind, unsigned year, uint64_t *h)
{
	(void)arg;
	*h = kind == VALIDATE_KIND_DN && year == 2026 ? fake_highest : 0;
	return 0;
}

static void
fake_add(const char *ref, enum validate_kind kind, const char *group,
    uint64_t seq, int state)
{
	struct fake_rec *f = &fake[nfake++];

	memset(f, 0, sizeof(*f));
	f->ref = ref;
	f->rec.kind = kind;
	str_copy(f->rec.feed.origin, sizeof(f->rec.feed.origin), "JP-METI");
	str_copy(f->rec.feed.group, sizeof(f->rec.feed.group), group);
	f->rec.seq = seq;
	f->rec.state = state;
}

static struct validate_ctx ctx;

static int
setup(void **state)
{
	(void)state;
	nfake = 0;
	fake_fail = 0;
	fake_highest = 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.self = "JP-METI";
	ctx.now_ms = NOW_MS;
	ctx.lookup = fake_lookup;
	ctx.highest = fake_high;
	return 0;
}

/* A valid denial (README's), each part of it open to a test's change. */
struct denial {
	Lcn__Entry		 e;
	Lcn__DenialNotice	 dn;
	Lcn__Handling		 h;
	Lcn__Item		 item, *items[1];
	Lcn__Party		 party, *parties[1];
	Lcn__Reason		 reason, *reasons[1];
};

static void
denial_init(struct denial *d)
{
	lcn__entry__init(&d->e);
	lcn__denial_notice__init(&d->dn);
	lcn__handling__init(&d->h);
	lcn__item__init(&d->item);
	lcn__party__init(&d->party);
	lcn__reason__init(&d->reason);
	d->e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	d->e.denial_notice = &d->dn;
	d->dn.ref = "JP-METI/DN/2026/0001";
	d->h.tlp = LCN__TLP__TLP_AMBER;
	d->dn.handling = &d->h;
	d->dn.regime = "WA";
	d->dn.list_tier = "WA Sensitive List";
	d->dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	d->item.control_entry = "3A001.b.1";
	d->item.description = "MMIC power amplifier";
	d->items[0] = &d->item;
	d->dn.n_items = 1;
	d->dn.items = d->items;
	d->party.role = LCN__PARTY_ROLE__ROLE_END_USER;
	d->party.name = "Nanhai Hengtai Microwave Technology Co., Ltd.";
	d->party.country = "CN";
	d->parties[0] = &d->party;
	d->dn.n_parties = 1;
	d->dn.parties = d->parties;
	d->dn.destination_country = "CN";
	d->reason.code = LCN__REASON_CODE__REASON_MILITARY_END_USE;
	d->reasons[0] = &d->reason;
	d->dn.n_reasons = 1;
	d->dn.reasons = d->reasons;
	d->dn.decision_date_ms = day("2026-11-02");
}

/* A valid alert (README's). */
struct alert {
	Lcn__Entry		 e;
	Lcn__EndUserAlert	 a;
	Lcn__Party		 party;
	Lcn__Concern		 concerns[2];
	Lcn__RedFlag		 flag, *flags[1];
};

static void
alert_init(struct alert *a)
{
	lcn__entry__init(&a->e);
	lcn__end_user_alert__init(&a->a);
	lcn__party__init(&a->party);
	lcn__red_flag__init(&a->flag);
	a->e.body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	a->e.end_user_alert = &a->a;
	a->a.ref = "JP-METI/EUA/2026/0007";
	a->party.role = LCN__PARTY_ROLE__ROLE_AGENT;
	a->party.name = "Orion Gulf Trading FZE";
	a->party.country = "AE";
	a->a.party = &a->party;
	a->concerns[0] = LCN__CONCERN__CONCERN_PROCUREMENT_AGENT;
	a->concerns[1] = LCN__CONCERN__CONCERN_TRANSSHIPMENT;
	a->a.n_concerns = 2;
	a->a.concerns = a->concerns;
	a->a.via_country = "AE";
	a->flag.code = "KYC-FORWARDER";
	a->flags[0] = &a->flag;
	a->a.n_red_flags = 1;
	a->a.red_flags = a->flags;
	a->a.confidence_pct = 80;
	a->a.valid_from_ms = day("2026-11-03");
	a->a.valid_until_ms = day("2027-11-03");
}

struct control {
	Lcn__Entry		 e;
	Lcn__ControlStatus	 cs;
};

static void
control_init(struct control *c)
{
	lcn__entry__init(&c->e);
	lcn__control_status__init(&c->cs);
	c->e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	c->e.control_status = &c->cs;
	c->cs.ref = "JP-METI/CS/2026/0012";
	c->cs.regime = "WA";
	c->cs.control_entry = "3A001.b.12";
	c->cs.stage = LCN__CONTROL_STAGE__STAGE_IMPLEMENTED;
	c->cs.effective_date_ms = day("2026-12-15");
	c->cs.legal_instrument = "Annex I to Regulation (EU) 2021/821";
}

struct dupdate {
	Lcn__Entry		 e;
	Lcn__DenialUpdate	 du;
};

static void
dupdate_init(struct dupdate *u, const char *denial_ref, int action)
{
	lcn__entry__init(&u->e);
	lcn__denial_update__init(&u->du);
	u->e.body_case = LCN__ENTRY__BODY_DENIAL_UPDATE;
	u->e.denial_update = &u->du;
	u->du.ref = "JP-METI/DU/2026/0001";
	u->du.denial_ref = (char *)denial_ref;
	u->du.action = action;
	u->du.reason = "End user ceased trading";
}

struct aupdate {
	Lcn__Entry		 e;
	Lcn__AlertUpdate	 au;
};

static void
aupdate_init(struct aupdate *u, const char *alert_ref, int action)
{
	lcn__entry__init(&u->e);
	lcn__alert_update__init(&u->au);
	u->e.body_case = LCN__ENTRY__BODY_ALERT_UPDATE;
	u->e.alert_update = &u->au;
	u->au.ref = "JP-METI/AU/2026/0001";
	u->au.alert_ref = (char *)alert_ref;
	u->au.action = action;
	u->au.reason = "Further information from the field";
}

/* The body's bytes, as pbjson_body_encode() makes them (malloc'd). */
static struct bytes
pack(const Lcn__Entry *e)
{
	struct bytes	b;
	uint8_t		*buf;

	b.len = lcn__entry__get_packed_size(e);
	assert_non_null(buf = malloc(b.len ? b.len : 1));
	lcn__entry__pack(e, buf);
	b.ptr = buf;
	return b;
}

/*
 * Validates e: expect NULL, it passes; else it is refused with exactly
 * that message and the field before its ": ".
 */
static void
check(const Lcn__Entry *e, const char *expect)
{
	struct validate_error	err;
	struct bytes		b = pack(e);
	int			r;

	r = validate_body(b.ptr, b.len, &ctx, &err);
	free((void *)b.ptr);
	if (expect == NULL) {
		if (r != 0)
			fail_msg("refused: %s", err.message);
		assert_int_equal(err.code, 0);
		assert_string_equal(err.message, "");
		return;
	}
	assert_int_equal(r, LCN_EINVAL);
	assert_int_equal(err.code, LCN_EINVAL);
	assert_string_equal(err.message, expect);
	assert_int_equal(strncmp(err.message, err.field, strlen(err.field)),
	    0);
	assert_string_equal(err.message + strlen(err.field), strstr(expect,
	    ": "));
}

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
		T(ref_of_another_agency_is_refused),
		T(ref_syntax_and_kind_are_checked),
		T(ref_used_before_is_refused),
		T(ref_lookup_failure_is_not_a_pass),
		T(ref_parse_and_next),
		T(update_of_unknown_denial_is_refused),
		T(update_of_another_agency_is_refused),
		T(update_needs_action_reason_and_state),
		T(update_amend_is_a_whole_valid_notice),
		T(alert_rules),
		T(alert_update_rules),
		T(control_status_rules),
		T(heads_attestation_and_junk_are_refused),
		T(publish_assigns_next_ref),
		T(publish_refuses_a_ref_twice_and_changes_nothing),
		T(publish_sees_updates_earlier_in_the_request),
		T(redflags_ship_and_load),
#undef T
	};

	/* The default vocabulary is the source tree's. */
	setenv("LCN_TABLES_DIR", LCN_SOURCE_DIR "/store/tables", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
