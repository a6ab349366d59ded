/*
 * Unit tests for validate_consult.c: consultation requests, replies, the
 * asker's information and licence decisions are refused, each with its
 * field named, for every rule, and valid ones pass. The context is
 * JP-METI's (test_validate_fx.c); JP-METI asks US-BIS about US-BIS's
 * denial, answers US-BIS's requests, and decides on its own.
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

#include "lcn_err.h"
#include "test_validate_fx.h"
#include "validate.h"

struct txn {
	Lcn__Transaction	 t;
	Lcn__Item		 item, *items[1];
	Lcn__Party		 party, *parties[1];
};

struct request {
	Lcn__Entry			 e;
	Lcn__ConsultationRequest	 q;
	struct txn			 tx;
	char				*denials[1];
};

struct reply {
	Lcn__Entry		 e;
	Lcn__ConsultationReply	 p;
};

struct info {
	Lcn__Entry		 e;
	Lcn__ConsultationInfo	 i;
	struct txn		 tx;
};

struct decision {
	Lcn__Entry		 e;
	Lcn__LicenceDecision	 d;
	struct txn		 tx;
	char			*denials[1];
};

static void
txn_init(struct txn *x)
{
	lcn__transaction__init(&x->t);
	lcn__item__init(&x->item);
	lcn__party__init(&x->party);
	x->item.control_entry = "3A001.b.1";
	x->items[0] = &x->item;
	x->party.role = LCN__PARTY_ROLE__ROLE_END_USER;
	x->party.name = "Hengtai Microwave Co., Ltd";
	x->party.country = "CN";
	x->parties[0] = &x->party;
	x->t.n_items = 1;
	x->t.items = x->items;
	x->t.n_parties = 1;
	x->t.parties = x->parties;
	x->t.destination_country = "CN";
}

static void
request_init(struct request *r)
{
	lcn__entry__init(&r->e);
	lcn__consultation_request__init(&r->q);
	txn_init(&r->tx);
	r->denials[0] = "US-BIS/DN/2026/0001";
	r->q.ref = "JP-METI/CR/2026/0001";
	r->q.n_denial_refs = 1;
	r->q.denial_refs = r->denials;
	r->q.transaction = &r->tx.t;
	r->q.essentially_identical = 1;
	r->q.identity_reasoning = "entry 3A001.b.1 overlaps 3A001.b";
	r->q.intended_decision = LCN__INTENDED_DECISION__INTENT_GRANT;
	r->q.deadline_basis = LCN__DEADLINE_BASIS__DEADLINE_WORKING_DAYS;
	r->q.deadline_days = 10;
	r->q.deadline_ms = NOW_MS + 15 * DAY_MS - 1;
	r->q.extension_limit_ms = NOW_MS + 45 * DAY_MS - 1;
	r->q.silence = LCN__SILENCE_MEANING__SILENCE_NO_OBJECTION;
	r->q.regime = "EU";
	r->q.consulted = "US-BIS";
	r->e.body_case = LCN__ENTRY__BODY_CONSULTATION_REQUEST;
	r->e.consultation_request = &r->q;
}

static void
reply_init(struct reply *r)
{
	lcn__entry__init(&r->e);
	lcn__consultation_reply__init(&r->p);
	r->p.ref = "JP-METI/RP/2026/0001";
	r->p.request_ref = "US-BIS/CR/2026/0001";
	r->p.position = LCN__POSITION__POSITION_OBJECT;
	r->p.grounds = "the end-user builds radar for the armed forces";
	r->e.body_case = LCN__ENTRY__BODY_CONSULTATION_REPLY;
	r->e.consultation_reply = &r->p;
}

static void
info_init(struct info *r)
{
	lcn__entry__init(&r->e);
	lcn__consultation_info__init(&r->i);
	txn_init(&r->tx);
	r->i.ref = "JP-METI/CI/2026/0001";
	r->i.request_ref = "JP-METI/CR/2026/0001";
	r->i.information = "the end-user's civil base-station contract";
	r->e.body_case = LCN__ENTRY__BODY_CONSULTATION_INFO;
	r->e.consultation_info = &r->i;
}

static void
decision_init(struct decision *r)
{
	lcn__entry__init(&r->e);
	lcn__licence_decision__init(&r->d);
	txn_init(&r->tx);
	r->denials[0] = "US-BIS/DN/2026/0001";
	r->d.ref = "JP-METI/LD/2026/0001";
	r->d.request_ref = "JP-METI/CR/2026/0001";
	r->d.decision = LCN__DECISION__DECISION_GRANT;
	r->d.date_ms = NOW_MS;
	r->d.regime = "EU";
	r->e.body_case = LCN__ENTRY__BODY_LICENCE_DECISION;
	r->e.licence_decision = &r->d;
}

/* ---------------------------------------------------------- requests */

static void
request_valid_passes(void **state)
{
	struct request r;

	(void)state;
	request_init(&r);
	check(&r.e, NULL);
	/* No deadline (NSG): no basis, no days, no extension. */
	r.q.deadline_basis = LCN__DEADLINE_BASIS__DEADLINE_NONE;
	r.q.deadline_ms = 0;
	r.q.deadline_days = 0;
	r.q.extension_limit_ms = 0;
	r.q.silence = LCN__SILENCE_MEANING__SILENCE_NO_EFFECT;
	check(&r.e, NULL);
	/* No extension allowed, and one up to the deadline itself. */
	request_init(&r);
	r.q.extension_limit_ms = 0;
	check(&r.e, NULL);
	r.q.extension_limit_ms = r.q.deadline_ms;
	check(&r.e, NULL);
}

static void
request_refusals_name_the_field(void **state)
{
	struct request r;

	(void)state;
	request_init(&r);
	r.q.n_denial_refs = 0;
	check(&r.e, "denial_refs: expected at least one ref of the partner's "
	    "denial, such as JP-METI/DN/2026/0001");
	request_init(&r);
	r.denials[0] = "DE-BAFA/DN/2026/0001";
	check(&r.e, "denial_refs[0]: DE-BAFA/DN/2026/0001 is in DE-BAFA's "
	    "namespace; a request consults the agency whose denials it names "
	    "(consulted: US-BIS)");
	request_init(&r);
	r.denials[0] = "US-BIS/EUA/2026/0001";
	check(&r.e, "denial_refs[0]: expected the ref of a denial, such as "
	    "JP-METI/DN/2026/0001; US-BIS/EUA/2026/0001 is the ref of an "
	    "end-user alert");
	request_init(&r);
	r.q.consulted = "";
	check(&r.e, "consulted: expected the agency consulted, the one whose "
	    "denial this is, such as JP-METI");
	request_init(&r);
	r.q.consulted = "JP-METI";
	check(&r.e, "consulted: expected a partner agency; JP-METI does not "
	    "consult itself");
	request_init(&r);
	r.q.consulted = "Commerce";
	check(&r.e, "consulted: expected an agency id such as JP-METI, got "
	    "\"Commerce\"");
	request_init(&r);
	r.q.transaction = NULL;
	check(&r.e, "transaction: expected the transaction: its items, "
	    "parties and destination_country");
	request_init(&r);
	r.tx.t.n_items = 0;
	check(&r.e, "transaction.items: expected at least one item with a "
	    "control_entry such as 3A001.b.1");
	request_init(&r);
	r.tx.t.n_parties = 0;
	check(&r.e, "transaction.parties: expected at least one party with a "
	    "name");
	request_init(&r);
	r.tx.party.name = " ";
	check(&r.e, "transaction.parties[0].name: expected the party's name");
	request_init(&r);
	r.tx.t.destination_country = "China";
	check(&r.e, "transaction.destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as JP, got \"China\"");
	request_init(&r);
	r.tx.t.destination_country = "";
	check(&r.e, "transaction.destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as JP");
	request_init(&r);
	r.q.silence = LCN__SILENCE_MEANING__SILENCE_UNSPECIFIED;
	check(&r.e, "silence: expected one of no_objection, objection or "
	    "no_effect");
}

static void
request_deadline_agrees_with_its_basis(void **state)
{
	struct request r;

	(void)state;
	request_init(&r);
	r.q.deadline_basis = LCN__DEADLINE_BASIS__DEADLINE_NONE;
	r.q.deadline_days = 0;
	r.q.extension_limit_ms = 0;
	check(&r.e, "deadline_ms: expected none with deadline_basis none; give "
	    "a basis (working_days or calendar_days) or leave the deadline "
	    "out");
	request_init(&r);
	r.q.deadline_ms = 0;
	check(&r.e, "deadline_ms: expected the deadline, with its "
	    "deadline_basis (a date such as 2026-11-02)");
	request_init(&r);
	r.q.deadline_ms = NOW_MS - DAY_MS;
	check(&r.e, "deadline_ms: expected a deadline after today "
	    "(2026-12-03), got 2026-12-02");
	request_init(&r);
	r.q.deadline_days = 0;
	check(&r.e, "deadline_days: expected the number of days the deadline "
	    "counts on its basis, at least 1");
	request_init(&r);
	r.q.extension_limit_ms = r.q.deadline_ms - DAY_MS;
	check(&r.e, "extension_limit_ms: expected none or a date on or after "
	    "the deadline 2026-12-17, got 2026-12-16");
	request_init(&r);
	r.q.deadline_basis = LCN__DEADLINE_BASIS__DEADLINE_NONE;
	r.q.deadline_ms = 0;
	r.q.deadline_days = 0;
	check(&r.e, "extension_limit_ms: expected none: a request without a "
	    "deadline has nothing to extend");
}

/* ---------------------------------------------------------- replies */

static void
reply_rules(void **state)
{
	struct reply r;

	(void)state;
	reply_init(&r);
	check(&r.e, NULL);
	r.p.position = LCN__POSITION__POSITION_ACKNOWLEDGE_ONLY;
	r.p.extension_to_ms = NOW_MS + 30 * DAY_MS;
	check(&r.e, NULL);
	r.p.position = LCN__POSITION__POSITION_NEED_INFORMATION;
	check(&r.e, NULL);
	r.p.position = LCN__POSITION__POSITION_OBJECT;
	check(&r.e, "extension_to_ms: an extension goes with position ack or "
	    "need_info; a substantive reply needs none");
	reply_init(&r);
	r.p.request_ref = "";
	check(&r.e, "request_ref: expected the ref of the request answered, "
	    "such as US-BIS/CR/2026/0001");
	reply_init(&r);
	r.p.request_ref = "US-BIS/DN/2026/0001";
	check(&r.e, "request_ref: expected the ref of a consultation request, "
	    "such as JP-METI/CR/2026/0001; US-BIS/DN/2026/0001 is the ref of "
	    "a denial");
	reply_init(&r);
	r.p.position = LCN__POSITION__POSITION_UNSPECIFIED;
	check(&r.e, "position: expected one of object, no_objection, "
	    "maintain_denial, need_information or acknowledge_only");
	reply_init(&r);
	r.p.ref = "JP-METI/CR/2026/0009";
	check(&r.e, "ref: expected the ref of a consultation reply, such as "
	    "JP-METI/RP/2026/0001; JP-METI/CR/2026/0009 is the ref of a "
	    "consultation request");
}

/* ---------------------------------------------------------- information */

static void
info_rules(void **state)
{
	struct info r;

	(void)state;
	info_init(&r);
	check(&r.e, NULL);
	/* The transaction restated instead of text. */
	r.i.information = "";
	r.i.transaction = &r.tx.t;
	check(&r.e, NULL);
	r.tx.t.destination_country = "Iran";
	check(&r.e, "transaction.destination_country: expected an ISO 3166-1 "
	    "alpha-2 code such as JP, got \"Iran\"");
	info_init(&r);
	r.i.information = "";
	check(&r.e, "information: expected the information asked for, or the "
	    "transaction restated");
	info_init(&r);
	r.i.request_ref = NULL;
	check(&r.e, "request_ref: expected the ref of the request the "
	    "information is for, such as JP-METI/CR/2026/0001");
	info_init(&r);
	r.i.request_ref = "US-BIS/CR/2026/0001";
	check(&r.e, "request_ref: US-BIS/CR/2026/0001 is in US-BIS's "
	    "namespace; only the agency that asked sends information for its "
	    "request");
	info_init(&r);
	r.i.ref = "US-BIS/CI/2026/0001";
	check(&r.e, "ref: US-BIS/CI/2026/0001 is in US-BIS's namespace; "
	    "JP-METI publishes only refs that begin with JP-METI/");
	info_init(&r);
	r.i.ref = "";
	check(&r.e, NULL);
	assert_string_equal(validate_kind_code(validate_kind_of_body(19)),
	    "CI");
}

/* ---------------------------------------------------------- decisions */

static void
decision_rules(void **state)
{
	struct decision r;

	(void)state;
	decision_init(&r);
	check(&r.e, NULL);
	r.d.decision = LCN__DECISION__DECISION_UNSPECIFIED;
	check(&r.e, "decision: expected one of grant or deny");
	decision_init(&r);
	r.d.date_ms = 0;
	check(&r.e, "date_ms: expected the decision's date (a date such as "
	    "2026-11-02)");
	decision_init(&r);
	r.d.date_ms = NOW_MS + 3 * DAY_MS;
	check(&r.e, "date_ms: expected a decision already taken, on or before "
	    "today (2026-12-03), got 2026-12-06");
	decision_init(&r);
	r.d.undercut = 1;
	check(&r.e, "explanation: expected the justification of the grant: "
	    "partners see it beside the denial it undercuts");
	r.d.explanation = "a civil end use verified on site";
	check(&r.e, NULL);
	/* A deny needs no justification. */
	decision_init(&r);
	r.d.decision = LCN__DECISION__DECISION_DENY;
	r.d.undercut = 1;
	check(&r.e, NULL);
	decision_init(&r);
	r.d.request_ref = "US-BIS/CR/2026/0001";
	check(&r.e, "request_ref: US-BIS/CR/2026/0001 is in US-BIS's "
	    "namespace; an agency decides on its own requests only");
}

static void
notification_rules(void **state)
{
	struct decision r;

	(void)state;
	decision_init(&r);
	r.d.request_ref = "";
	r.d.notification = 1;
	r.d.regime = "WA";
	r.d.explanation = "the end-user is a university";
	r.d.n_denial_refs = 1;
	r.d.denial_refs = r.denials;
	r.d.transaction = &r.tx.t;
	check(&r.e, NULL);
	r.d.explanation = "";
	check(&r.e, "explanation: expected the justification of the grant: "
	    "partners see it with the notification");
	r.d.explanation = "the end-user is a university";
	r.d.request_ref = "JP-METI/CR/2026/0001";
	check(&r.e, "request_ref: expected none: a notification follows a "
	    "grant without a consultation");
	r.d.request_ref = NULL;
	r.d.n_denial_refs = 0;
	check(&r.e, "denial_refs: expected at least one ref of the partner's "
	    "denial, such as JP-METI/DN/2026/0001");
	r.d.n_denial_refs = 1;
	r.d.transaction = NULL;
	check(&r.e, "transaction: expected the transaction: its items, "
	    "parties and destination_country");
	r.d.transaction = &r.tx.t;
	r.tx.t.n_items = 0;
	check(&r.e, "transaction.items: expected at least one item with a "
	    "control_entry such as 3A001.b.1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(request_valid_passes, setup),
		cmocka_unit_test_setup(request_refusals_name_the_field, setup),
		cmocka_unit_test_setup(request_deadline_agrees_with_its_basis,
		    setup),
		cmocka_unit_test_setup(reply_rules, setup),
		cmocka_unit_test_setup(info_rules, setup),
		cmocka_unit_test_setup(decision_rules, setup),
		cmocka_unit_test_setup(notification_rules, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
