/*
 * Test fixture of test_records_consult*.c (test_records_consult_fx.h):
 * two agencies, their pair group and two regime groups, builders that
 * sign and derive each consultation body, the whole story of
 * test_records_consult.c, dumps of the consultations' tables and a copy
 * of a ledger into a second one in another feed order.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "records_consult.h"
#include "screen.h"
#include "sig.h"
#include "store.h"
#include "test_records_consult_fx.h"
#include "trust.h"

int
setup(void **state)
{
	static const char *const groups[] = { "WA", "EU", PAIR };
	struct fx	*x;

	x = fx_new("rconsult", groups, sizeof(groups) / sizeof(groups[0]));
	snprintf(x->data2, sizeof(x->data2), "%s/consulted", x->tmp);
	*state = x;
	return 0;
}

int
teardown(void **state)
{
	return fx_free(*state);
}

/* The proposed transaction: 3A001.b.1 amplifiers to CN. */
static Lcn__Item	tx_item = LCN__ITEM__INIT, *tx_itemp = &tx_item;
static Lcn__Party	tx_party = LCN__PARTY__INIT, *tx_partyp = &tx_party;
Lcn__Transaction	tx = LCN__TRANSACTION__INIT;

void
tx_init(void)
{
	tx_item.control_entry = "3A001.b.1";
	tx_party.role = LCN__PARTY_ROLE__ROLE_END_USER;
	tx_party.name = "Nanhai Hengtai Microwave";
	tx_party.country = "CN";
	tx.n_items = 1;
	tx.items = &tx_itemp;
	tx.n_parties = 1;
	tx.parties = &tx_partyp;
	tx.destination_country = "CN";
}

void
pub_denial(struct fx *x, const char *group, const char *ref, uint64_t at)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;

	dn.ref = (char *)ref;
	dn.regime = (char *)group;
	dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	dn.n_items = 1;
	dn.items = &tx_itemp;
	dn.n_parties = 1;
	dn.parties = &tx_partyp;
	dn.destination_country = "CN";
	dn.decision_date_ms = at;
	e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	e.denial_notice = &dn;
	pub(x, JP, group, &e, at);
}

void
pub_request(struct fx *x, int who, const char *group, const char *ref,
    const char *consulted, uint64_t deadline, uint64_t limit,
    Lcn__SilenceMeaning silence, uint64_t at)
{
	Lcn__Entry			 e = LCN__ENTRY__INIT;
	Lcn__ConsultationRequest	 q = LCN__CONSULTATION_REQUEST__INIT;
	char				*dr = DN_EU;

	q.ref = (char *)ref;
	q.n_denial_refs = 1;
	q.denial_refs = &dr;
	q.transaction = &tx;
	q.essentially_identical = 1;
	q.intended_decision = LCN__INTENDED_DECISION__INTENT_GRANT;
	q.deadline_ms = deadline;
	q.deadline_basis = deadline != 0 ?
	    LCN__DEADLINE_BASIS__DEADLINE_WORKING_DAYS :
	    LCN__DEADLINE_BASIS__DEADLINE_NONE;
	q.deadline_days = deadline != 0 ? 10 : 0;
	q.silence = silence;
	q.regime = "EU";
	q.consulted = (char *)consulted;
	q.extension_limit_ms = limit;
	q.info_restarts = 1;
	e.body_case = LCN__ENTRY__BODY_CONSULTATION_REQUEST;
	e.consultation_request = &q;
	pub(x, who, group, &e, at);
}

void
pub_reply(struct fx *x, int who, const char *ref, const char *req,
    Lcn__Position pos, uint64_t ext, uint64_t at)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__ConsultationReply	 r = LCN__CONSULTATION_REPLY__INIT;

	r.ref = (char *)ref;
	r.request_ref = (char *)req;
	r.position = pos;
	r.grounds = "the end-user builds radar for the PLA";
	r.extension_to_ms = ext;
	e.body_case = LCN__ENTRY__BODY_CONSULTATION_REPLY;
	e.consultation_reply = &r;
	pub(x, who, PAIR, &e, at);
}

void
pub_info(struct fx *x, const char *ref, const char *req, uint64_t deadline,
    uint64_t at)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__ConsultationInfo	 i = LCN__CONSULTATION_INFO__INIT;

	i.ref = (char *)ref;
	i.request_ref = (char *)req;
	i.information = "the end-user's licence for civil base stations";
	i.deadline_ms = deadline;
	e.body_case = LCN__ENTRY__BODY_CONSULTATION_INFO;
	e.consultation_info = &i;
	pub(x, US, PAIR, &e, at);
}

void
pub_decision(struct fx *x, const char *group, const char *ref,
    const char *req, Lcn__Decision dec, int undercut, int notification,
    const char *denial, uint64_t date, uint64_t at)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__LicenceDecision	 d = LCN__LICENCE_DECISION__INIT;
	char			*dr = (char *)denial;

	d.ref = (char *)ref;
	d.request_ref = (char *)req;
	d.decision = dec;
	d.date_ms = date;
	d.explanation = "the transaction differs in end use";
	d.regime = (char *)(strcmp(group, PAIR) == 0 ? "EU" : group);
	d.undercut = undercut;
	d.notification = notification;
	if (denial != NULL) {
		d.n_denial_refs = 1;
		d.denial_refs = &dr;
		d.transaction = &tx;
	}
	e.body_case = LCN__ENTRY__BODY_LICENCE_DECISION;
	e.licence_decision = &d;
	pub(x, US, group, &e, at);
}

void
expect_state(struct fx *x, const char *ref, uint64_t at,
    enum consult_state st)
{
	struct consult_info ci;

	assert_int_equal(records_consult_get(x->st, NULL, ref, at, &ci), 0);
	if (ci.state != st)
		fail_msg("%s at day %.1f: %s, expected %s", ref,
		    (double)(at - T0) / DAY, consult_state_name(ci.state),
		    consult_state_name(st));
}

/* The whole story, with the states read as it goes. */
void
build(struct fx *x)
{
	tx_init();
	pub_denial(x, "EU", DN_EU, T0 - 30 * DAY);
	pub_denial(x, "WA", DN_WA, T0 - 20 * DAY);
	/* Consultation 1: 10 working days, extension to day 40. */
	pub_request(x, US, PAIR, CR1, "JP-METI", T0 + 14 * DAY + DAY - 1,
	    T0 + 40 * DAY, LCN__SILENCE_MEANING__SILENCE_NO_OBJECTION, T0);
	expect_state(x, CR1, T0 + 1, CONSULT_AWAITING_REPLY);
	expect_state(x, CR1, T0 + 20 * DAY, CONSULT_LAPSED);
	pub_reply(x, JP, "JP-METI/RP/2026/0001", CR1,
	    LCN__POSITION__POSITION_NEED_INFORMATION, 0, T0 + DAY);
	expect_state(x, CR1, T0 + DAY, CONSULT_INFO_REQUESTED);
	/* Information restarts the period: day 16. */
	pub_info(x, "US-BIS/CI/2026/0001", CR1, T0 + 16 * DAY + DAY - 1,
	    T0 + 2 * DAY);
	expect_state(x, CR1, T0 + 2 * DAY, CONSULT_AWAITING_REPLY);
	expect_state(x, CR1, T0 + 16 * DAY, CONSULT_AWAITING_REPLY);
	expect_state(x, CR1, T0 + 17 * DAY, CONSULT_LAPSED);
	/* An extension to day 30. */
	pub_reply(x, JP, "JP-METI/RP/2026/0002", CR1,
	    LCN__POSITION__POSITION_ACKNOWLEDGE_ONLY, T0 + 30 * DAY,
	    T0 + 3 * DAY);
	expect_state(x, CR1, T0 + 17 * DAY, CONSULT_EXTENDED);
	expect_state(x, CR1, T0 + 31 * DAY, CONSULT_LAPSED);
	/* The asker "replying" to its own request: wrong agency. */
	pub_reply(x, US, "US-BIS/RP/2026/0001", CR1,
	    LCN__POSITION__POSITION_NO_OBJECTION, 0, T0 + 4 * DAY);
	expect_state(x, CR1, T0 + 4 * DAY, CONSULT_EXTENDED);
	pub_reply(x, JP, "JP-METI/RP/2026/0003", CR1,
	    LCN__POSITION__POSITION_OBJECT, 0, T0 + 5 * DAY);
	expect_state(x, CR1, T0 + 40 * DAY, CONSULT_REPLIED);
	/* Granted despite the objection, and the copy to the regime. */
	pub_decision(x, PAIR, "US-BIS/LD/2026/0001", CR1,
	    LCN__DECISION__DECISION_GRANT, 1, 0, NULL, T0 + 6 * DAY,
	    T0 + 6 * DAY);
	pub_decision(x, "EU", "US-BIS/LD/2026/0002", CR1,
	    LCN__DECISION__DECISION_GRANT, 1, 0, DN_EU, T0 + 6 * DAY,
	    T0 + 6 * DAY + 1);
	/* A second decision: not open any more. */
	pub_decision(x, PAIR, "US-BIS/LD/2026/0003", CR1,
	    LCN__DECISION__DECISION_DENY, 0, 0, NULL, T0 + 7 * DAY,
	    T0 + 7 * DAY);
	expect_state(x, CR1, T0 + 7 * DAY, CONSULT_DECIDED);

	/* Consultation 2: silence is no objection; nobody answers. */
	pub_request(x, US, PAIR, CR2, "JP-METI", T0 + 10 * DAY + DAY - 1, 0,
	    LCN__SILENCE_MEANING__SILENCE_NO_OBJECTION, T0 + DAY);
	/* A grant dated before the deadline: refused as early. */
	pub_decision(x, PAIR, "US-BIS/LD/2026/0004", CR2,
	    LCN__DECISION__DECISION_GRANT, 0, 0, NULL, T0 + 5 * DAY,
	    T0 + 5 * DAY);
	expect_state(x, CR2, T0 + 5 * DAY, CONSULT_AWAITING_REPLY);
	expect_state(x, CR2, T0 + 12 * DAY, CONSULT_LAPSED);
	pub_decision(x, PAIR, "US-BIS/LD/2026/0005", CR2,
	    LCN__DECISION__DECISION_GRANT, 0, 0, NULL, T0 + 12 * DAY,
	    T0 + 12 * DAY);
	expect_state(x, CR2, T0 + 12 * DAY, CONSULT_DECIDED);

	/* Consultation 3: the same denial and transaction, still open. */
	pub_request(x, US, PAIR, CR3, "JP-METI", T0 + 20 * DAY + DAY - 1, 0,
	    LCN__SILENCE_MEANING__SILENCE_NO_EFFECT, T0 + 8 * DAY);
	/* Requests that cannot be consultations: in a regime group, and
	 * consulting an agency outside the pair. */
	pub_request(x, US, "EU", "US-BIS/CR/2026/0004", "JP-METI",
	    T0 + 20 * DAY, 0, LCN__SILENCE_MEANING__SILENCE_NO_EFFECT,
	    T0 + 9 * DAY);
	pub_request(x, US, PAIR, "US-BIS/CR/2026/0005", "DE-BAFA",
	    T0 + 20 * DAY, 0, LCN__SILENCE_MEANING__SILENCE_NO_EFFECT,
	    T0 + 9 * DAY);
	/* A reply naming a request nobody made. */
	pub_reply(x, JP, "JP-METI/RP/2026/0004", "US-BIS/CR/2026/0099",
	    LCN__POSITION__POSITION_OBJECT, 0, T0 + 9 * DAY);
	/* A Wassenaar notification after a grant. */
	pub_decision(x, "WA", "US-BIS/LD/2026/0006", NULL,
	    LCN__DECISION__DECISION_GRANT, 0, 1, DN_WA, T0 + 10 * DAY,
	    T0 + 10 * DAY);
}

/* ------------------------------------------------------------ dumps */


const char *const ctables[NCTABLES] = { "rconsult", "rcevent", "rcindex",
    "rdecision", "rignored" };

/*
 * Every row of the consultations' tables by a cursor walk; rignored's
 * keys carry this node's feed numbers, so keys_too 0 leaves its keys out
 * (its values and row count stay in).
 */
void
dump_tables(const char *dir, struct dump *dp, size_t rows[NCTABLES],
    int keys_too)
{
	dump_tables_of(dir, ctables, NCTABLES, keys_too ? NULL : "rignored",
	    dp, rows);
}

/* Copies every feed of the open store into dir's ledger, the consulted
 * agency's feeds first, then derives it in one go. */
void
copy_ledger(struct fx *x, const char *dir)
{
	struct store_opts	 o = { .dir = dir };
	struct feed_state	*fs = NULL;
	struct store_range	 rg;
	struct append_result	 res;
	struct store		*st2;
	char			 err[256];
	size_t			 nf, i;
	uint64_t		 left;
	int			 pass;

	assert_int_equal(store_feeds(x->st, &fs, &nf), 0);
	assert_int_equal(store_open(&o, &st2, err, sizeof(err)), 0);
	assert_int_equal(store_screen_enable(st2, NULL, err, sizeof(err)), 0);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nf; i++) {
			if ((strcmp(fs[i].feed.origin, "JP-METI") == 0) !=
			    (pass == 0))
				continue;
			assert_int_equal(store_read(x->st, &fs[i].feed, 1,
			    UINT64_MAX, 0, 0, &rg), 0);
			memset(&res, 0, sizeof(res));
			assert_int_equal(store_append(st2, &x->trust[JP],
			    &fs[i].feed, 1, rg.items, rg.nitems,
			    STORE_VERIFY_ALL, &res), 0);
			assert_true(rg.nitems > 0);
			assert_int_equal(res.accepted, rg.nitems);
			append_result_free(&res);
			store_range_free(&rg);
		}
	free(fs);
	assert_int_equal(store_screen_catch_up(st2, 0, &left), 0);
	assert_int_equal(left, 0);
	store_screen_disable(st2);
	store_close(st2);
}
