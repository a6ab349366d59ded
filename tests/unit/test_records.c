/*
 * The records' derived state (store/records.h): a ledger of denials,
 * updates (some of them ignored), alerts, control status and heads
 * attestations from two origins, derived entry by entry as the indexer
 * does, then rebuilt from scratch by lcn reindex: every derived table is
 * compared byte for byte (a cursor walk of each). Then each lifecycle is
 * read back through the query API at given times. Real LMDB in a
 * temporary directory.
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

#include <lmdb.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "records.h"
#include "screen.h"
#include "sig.h"
#include "store.h"
#include "test_records_fx.h"
#include "trust.h"

#define YEAR	(365 * DAY)

static int
setup(void **state)
{
	static const char *const groups[] = { "WA", "NSG" };

	*state = fx_new("records", groups, 2);
	return 0;
}

static int
teardown(void **state)
{
	return fx_free(*state);
}

static void
pub_denial(struct fx *x, int who, const char *group, const char *ref,
    const char *entry, const char *dest, const char *party,
    uint64_t decision, uint64_t review, uint64_t created)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Item		 it = LCN__ITEM__INIT, *itp = &it;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;

	dn.ref = (char *)ref;
	dn.regime = (char *)group;
	dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	it.control_entry = (char *)entry;
	dn.n_items = 1;
	dn.items = &itp;
	p.role = LCN__PARTY_ROLE__ROLE_END_USER;
	p.name = (char *)party;
	p.country = (char *)dest;
	dn.n_parties = 1;
	dn.parties = &pp;
	dn.destination_country = (char *)dest;
	dn.decision_date_ms = decision;
	dn.review_date_ms = review;
	e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	e.denial_notice = &dn;
	pub(x, who, group, &e, created);
}

static void
pub_denial_update(struct fx *x, int who, const char *group, const char *ref,
    const char *target, Lcn__DenialAction action, uint64_t new_review,
    const char *amend_entry, const char *amend_party, uint64_t created)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__DenialUpdate	 du = LCN__DENIAL_UPDATE__INIT;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Item		 it = LCN__ITEM__INIT, *itp = &it;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;

	du.ref = (char *)ref;
	du.denial_ref = (char *)target;
	du.action = action;
	du.reason = "because the file says so";
	du.new_review_date_ms = new_review;
	if (amend_entry != NULL) {
		dn.ref = (char *)target;
		dn.regime = (char *)group;
		it.control_entry = (char *)amend_entry;
		dn.n_items = 1;
		dn.items = &itp;
		p.role = LCN__PARTY_ROLE__ROLE_END_USER;
		p.name = (char *)amend_party;
		p.country = "CN";
		dn.n_parties = 1;
		dn.parties = &pp;
		dn.destination_country = "CN";
		dn.decision_date_ms = T0;
		du.amended = &dn;
	}
	e.body_case = LCN__ENTRY__BODY_DENIAL_UPDATE;
	e.denial_update = &du;
	pub(x, who, group, &e, created);
}

static void
pub_alert(struct fx *x, int who, const char *group, const char *ref,
    const char *party, const char *via, uint64_t from, uint64_t until,
    uint64_t created)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__EndUserAlert	 al = LCN__END_USER_ALERT__INIT;
	Lcn__Party		 p = LCN__PARTY__INIT;

	al.ref = (char *)ref;
	p.role = LCN__PARTY_ROLE__ROLE_END_USER;
	p.name = (char *)party;
	p.country = "AE";
	al.party = &p;
	al.via_country = (char *)via;
	al.valid_from_ms = from;
	al.valid_until_ms = until;
	e.body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	e.end_user_alert = &al;
	pub(x, who, group, &e, created);
}

static void
pub_alert_update(struct fx *x, int who, const char *group, const char *ref,
    const char *target, Lcn__AlertAction action, uint64_t until,
    uint64_t created)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__AlertUpdate	 au = LCN__ALERT_UPDATE__INIT;

	au.ref = (char *)ref;
	au.alert_ref = (char *)target;
	au.action = action;
	au.reason = "new information";
	au.valid_until_ms = until;
	e.body_case = LCN__ENTRY__BODY_ALERT_UPDATE;
	e.alert_update = &au;
	pub(x, who, group, &e, created);
}

static void
pub_control(struct fx *x, int who, const char *ref, const char *entry,
    Lcn__ControlStage stage, uint64_t effective, uint64_t created)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__ControlStatus	 cs = LCN__CONTROL_STATUS__INIT;

	cs.ref = (char *)ref;
	cs.regime = "Wassenaar";
	cs.control_entry = (char *)entry;
	cs.stage = stage;
	cs.effective_date_ms = effective;
	e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	e.control_status = &cs;
	pub(x, who, "WA", &e, created);
}

/* An attestation by who of one head (feed origin/group at seq). */
static void
pub_attest(struct fx *x, int who, const char *origin, const char *group,
    uint64_t seq, uint8_t hash_byte, uint64_t as_of)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__HeadsAttestation	 ha = LCN__HEADS_ATTESTATION__INIT;
	Lcn__Head		 h = LCN__HEAD__INIT, *hp = &h;
	uint8_t			 hash[32];
	char			 ref[64];

	memset(hash, hash_byte, sizeof(hash));
	snprintf(ref, sizeof(ref), "%s/HA/WA/%llu", agency_ids[who],
	    (unsigned long long)as_of);
	ha.ref = ref;
	h.origin = (char *)origin;
	h.group = (char *)group;
	h.seq = seq;
	h.leaf_hash.data = hash;
	h.leaf_hash.len = sizeof(hash);
	ha.n_heads = 1;
	ha.heads = &hp;
	ha.as_of_ms = as_of;
	e.body_case = LCN__ENTRY__BODY_HEADS_ATTESTATION;
	e.heads_attestation = &ha;
	pub(x, who, "WA", &e, as_of);
}

#define DN1	"JP-METI/DN/2026/0001"
#define DN2	"JP-METI/DN/2026/0002"
#define EUA1	"US-BIS/EUA/2026/0001"
#define EUA2	"US-BIS/EUA/2026/0002"

/*
 * The ledger of the tests, interleaving three feeds (JP-METI/WA,
 * US-BIS/WA, JP-METI/NSG). The comments say what each entry does to the
 * derived state.
 */
static void
build_ledger(struct fx *x)
{
	/* JP-METI/WA 1: a denial; review by default three years on. */
	pub_denial(x, JP, "WA", DN1, "3A001.b.1", "CN", "Vostok Optics", T0,
	    0, T0);
	/* US-BIS/WA 1, 2: two alerts, the second valid for ten days. */
	pub_alert(x, US, "WA", EUA1, "Orion Gulf Trading FZE", "AE", T0, 0,
	    T0 + 1);
	pub_alert(x, US, "WA", EUA2, "Kestrel Marine Supply", "MY",
	    T0 + 10 * DAY, T0 + 20 * DAY, T0 + 2);
	/* JP-METI/WA 2: an amendment: entry, party and destination. */
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0001", DN1,
	    LCN__DENIAL_ACTION__DENIAL_AMEND, 0, "3A001.b.2",
	    "Nanhai Hengtai Microwave", T0 + DAY);
	/* US-BIS/WA 3: US-BIS "revoking" JP-METI's denial: ignored. */
	pub_denial_update(x, US, "WA", "US-BIS/DU/2026/0001", DN1,
	    LCN__DENIAL_ACTION__DENIAL_REVOKE, 0, NULL, NULL, T0 + DAY + 1);
	/* JP-METI/WA 3, 4: suspended, then renewed for five years. */
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0002", DN1,
	    LCN__DENIAL_ACTION__DENIAL_SUSPEND, 0, NULL, NULL, T0 + 2 * DAY);
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0003", DN1,
	    LCN__DENIAL_ACTION__DENIAL_RENEW, T0 + 5 * YEAR, NULL, NULL,
	    T0 + 3 * DAY);
	/* JP-METI/NSG 1, 2: a denial and its revocation. */
	pub_denial(x, JP, "NSG", DN2, "0A001", "IR", "Arak Heavy Water",
	    T0, T0 + YEAR, T0 + 4 * DAY);
	pub_denial_update(x, JP, "NSG", "JP-METI/DU/2026/0004", DN2,
	    LCN__DENIAL_ACTION__DENIAL_REVOKE, 0, NULL, NULL, T0 + 5 * DAY);
	/* JP-METI/NSG 3: after the revocation: terminal, ignored. */
	pub_denial_update(x, JP, "NSG", "JP-METI/DU/2026/0005", DN2,
	    LCN__DENIAL_ACTION__DENIAL_RENEW, T0 + 9 * YEAR, NULL, NULL,
	    T0 + 6 * DAY);
	/* JP-METI/WA 5: DN2 lives in NSG: an unknown ref in WA. */
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0006", DN2,
	    LCN__DENIAL_ACTION__DENIAL_SUSPEND, 0, NULL, NULL, T0 + 6 * DAY);
	/* JP-METI/WA 6: a ref nobody used. */
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0007",
	    "JP-METI/DN/2026/0099", LCN__DENIAL_ACTION__DENIAL_SUSPEND, 0,
	    NULL, NULL, T0 + 6 * DAY);
	/* JP-METI/NSG 4: the revoked ref published again: ignored. */
	pub_denial(x, JP, "NSG", DN2, "0A001", "IR", "Arak Heavy Water",
	    T0 + 7 * DAY, 0, T0 + 7 * DAY);
	/* US-BIS/WA 4, 5, 6: extended, withdrawn, extended (ignored). */
	pub_alert_update(x, US, "WA", "US-BIS/AU/2026/0001", EUA1,
	    LCN__ALERT_ACTION__ALERT_EXTEND, T0 + 2 * YEAR, T0 + 8 * DAY);
	pub_alert_update(x, US, "WA", "US-BIS/AU/2026/0002", EUA1,
	    LCN__ALERT_ACTION__ALERT_WITHDRAW, 0, T0 + 9 * DAY);
	pub_alert_update(x, US, "WA", "US-BIS/AU/2026/0003", EUA1,
	    LCN__ALERT_ACTION__ALERT_EXTEND, T0 + 3 * YEAR, T0 + 10 * DAY);
	/* Control status: JP-METI proposed then implemented, US agreed. */
	pub_control(x, JP, "JP-METI/CS/2026/0001", "3A001.b.12",
	    LCN__CONTROL_STAGE__STAGE_PROPOSED, 0, T0 + DAY);
	pub_control(x, US, "US-BIS/CS/2026/0001", "3a001.B.12",
	    LCN__CONTROL_STAGE__STAGE_AGREED, 0, T0 + 2 * DAY);
	pub_control(x, JP, "JP-METI/CS/2026/0002", "3A001.b.12",
	    LCN__CONTROL_STAGE__STAGE_IMPLEMENTED, T0 + 30 * DAY,
	    T0 + 20 * DAY);
	pub_control(x, JP, "JP-METI/CS/2026/0003", "5A002.a",
	    LCN__CONTROL_STAGE__STAGE_TECHNICALLY_MATURED, 0, T0 + 21 * DAY);
	/* US-BIS attests JP-METI/WA at 1 (day 1), 4 (day 5), 6 (day 9). */
	pub_attest(x, US, "JP-METI", "WA", 1, 0x11, T0 + DAY + 5);
	pub_attest(x, US, "JP-METI", "WA", 4, 0x44, T0 + 5 * DAY);
	pub_attest(x, US, "JP-METI", "WA", 6, 0x66, T0 + 9 * DAY);
	/* A split view: DE-BAFA/WA 3 attested with two leaf hashes. */
	pub_attest(x, US, "DE-BAFA", "WA", 3, 0xaa, T0 + 11 * DAY);
	pub_attest(x, JP, "DE-BAFA", "WA", 3, 0xbb, T0 + 11 * DAY + 1);
	pub_attest(x, JP, "DE-BAFA", "WA", 3, 0xbb, T0 + 12 * DAY);
}

/* ------------------------------------------------------------ dumps */

static const char *const derived[] = { "rrecs", "rignored", "rindex",
    "rcontrol", "rrefs", "rattest", "srecs" };
#define NDERIVED (sizeof(derived) / sizeof(derived[0]))

/* Every row of every derived table, by an mdb cursor walk. */
static void
dump_tables(struct fx *x, struct dump *dp, size_t rows[NDERIVED])
{
	dump_tables_of(x->data, derived, NDERIVED, NULL, dp, rows);
}

static void
rebuild_equals_entry_by_entry(void **state)
{
	struct fx	*x = *state;
	struct dump	 a, b;
	size_t		 ra[NDERIVED], rb[NDERIVED], i;
	uint64_t	 left, n;

	build_ledger(x);
	fx_close(x);
	dump_tables(x, &a, ra);
	/* Every table has rows: the comparison compares something. */
	for (i = 0; i < NDERIVED; i++)
		assert_true(ra[i] > 0);
	assert_int_equal(ra[0], 4);	/* two denials, two alerts */

	fx_open(x, x->data);
	assert_int_equal(store_reindex(x->st, &n), 0);
	assert_true(n > 0);
	do {
		assert_int_equal(store_screen_catch_up(x->st, 3, &left), 0);
	} while (left > 0);
	fx_close(x);
	dump_tables(x, &b, rb);
	for (i = 0; i < NDERIVED; i++)
		assert_int_equal(ra[i], rb[i]);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	free(a.buf);
	free(b.buf);
	fx_open(x, x->data);
}

/* The same ledger indexed only at the end, feed by feed: same bytes. */
static void
order_of_feeds_does_not_matter(void **state)
{
	struct fx	*x = *state;
	struct dump	 a, b;
	size_t		 ra[NDERIVED], rb[NDERIVED];
	uint64_t	 left;

	build_ledger(x);
	fx_close(x);
	dump_tables(x, &a, ra);
	/* A second ledger, the same entries, derived in one go. */
	snprintf(x->data + strlen(x->data), sizeof(x->data) -
	    strlen(x->data), "2");
	x->step = 0;
	fx_open(x, x->data);
	build_ledger(x);
	assert_int_equal(store_screen_catch_up(x->st, 0, &left), 0);
	fx_close(x);
	dump_tables(x, &b, rb);
	/* Entries differ (signatures, times), derived bytes do not. */
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	free(a.buf);
	free(b.buf);
	fx_open(x, x->data);
}

/* ------------------------------------------------------------ queries */

static struct record_show
show(struct fx *x, const char *ref, uint64_t at)
{
	struct record_show sh;

	assert_int_equal(records_show(x->st, NULL, ref, at, &sh), 0);
	return sh;
}

static const char *
state_at(struct fx *x, const char *ref, uint64_t at)
{
	struct record_show	 sh = show(x, ref, at);
	const char		*s = sh.info.state;

	records_show_free(&sh);
	return s;
}

static size_t
count_ignored(const struct record_show *sh, int why)
{
	size_t i, n = 0;

	for (i = 0; i < sh->nevents; i++)
		n += sh->events[i].ignored == why;
	return n;
}

static void
denial_lifecycle_at_given_times(void **state)
{
	struct fx		*x = *state;
	struct record_show	 sh;

	build_ledger(x);
	sh = show(x, DN1, T0 + 4 * DAY);
	assert_string_equal(sh.info.origin, "JP-METI");
	assert_string_equal(sh.info.state, "active");
	assert_int_equal(sh.info.nupdates, 3);	/* amend, suspend, renew */
	assert_int_equal(sh.info.until_ms, T0 + 5 * YEAR);
	assert_string_equal(sh.info.controls[0], "3A001.b.2");
	assert_string_equal(sh.info.feed.group, "WA");
	assert_int_equal(sh.info.seq, 1);
	assert_int_equal(sh.info.body_seq, 2);	/* the amendment */
	/* Notice, three updates, US-BIS's revocation ignored. */
	assert_int_equal(sh.nevents, 5);
	assert_int_equal(count_ignored(&sh, RECORD_IGNORED_OTHER_ORIGIN), 1);
	assert_string_equal(sh.events[2].agency, "US-BIS");
	assert_string_equal(sh.events[1].reason, "because the file says so");
	records_show_free(&sh);
	assert_string_equal(state_at(x, DN1, T0 + 5 * YEAR), "review-due");
	assert_string_equal(state_at(x, DN1, T0 + 5 * YEAR - 1), "active");

	/* Revoked stays revoked: the renewal after it and the notice
	 * published again with its ref are ignored, not a new denial. */
	sh = show(x, DN2, T0);
	assert_string_equal(sh.info.state, "revoked");
	assert_int_equal(sh.info.nupdates, 1);
	assert_int_equal(count_ignored(&sh, RECORD_IGNORED_TERMINAL), 1);
	assert_int_equal(count_ignored(&sh, RECORD_IGNORED_DUPLICATE_REF), 1);
	assert_int_equal(count_ignored(&sh, RECORD_IGNORED_UNKNOWN_REF), 1);
	records_show_free(&sh);
	assert_int_equal(records_show(x->st, NULL, "JP-METI/DN/2026/0099", T0,
	    &sh), LCN_ENOTFOUND);
}

static void
suspension_holds_until_renewed(void **state)
{
	struct fx	*x = *state;

	pub_denial(x, JP, "WA", DN1, "3A001", "CN", "A", T0, T0 + YEAR, T0);
	assert_string_equal(state_at(x, DN1, T0), "active");
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0001", DN1,
	    LCN__DENIAL_ACTION__DENIAL_SUSPEND, 0, NULL, NULL, T0 + 1);
	assert_string_equal(state_at(x, DN1, T0), "suspended");
	assert_string_equal(state_at(x, DN1, T0 + 2 * YEAR), "suspended");
	/* An amendment does not lift a suspension. */
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0002", DN1,
	    LCN__DENIAL_ACTION__DENIAL_AMEND, 0, "3A001.a", "B", T0 + 2);
	assert_string_equal(state_at(x, DN1, T0), "suspended");
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0003", DN1,
	    LCN__DENIAL_ACTION__DENIAL_RENEW, T0 + 2 * YEAR, NULL, NULL, T0 + 3);
	assert_string_equal(state_at(x, DN1, T0), "active");
	assert_string_equal(state_at(x, DN1, T0 + 2 * YEAR), "review-due");
	/* A renewal without a date is invalid: ignored, state kept. */
	pub_denial_update(x, JP, "WA", "JP-METI/DU/2026/0004", DN1,
	    LCN__DENIAL_ACTION__DENIAL_RENEW, 0, NULL, NULL, T0 + 4);
	assert_string_equal(state_at(x, DN1, T0 + YEAR), "active");
}

static void
alert_lifecycle_at_given_times(void **state)
{
	struct fx		*x = *state;
	struct record_show	 sh;

	build_ledger(x);
	assert_string_equal(state_at(x, EUA2, T0), "not-yet-valid");
	assert_string_equal(state_at(x, EUA2, T0 + 10 * DAY), "active");
	assert_string_equal(state_at(x, EUA2, T0 + 20 * DAY - 1), "active");
	assert_string_equal(state_at(x, EUA2, T0 + 20 * DAY), "expired");
	sh = show(x, EUA1, T0);
	assert_string_equal(sh.info.state, "withdrawn");
	assert_int_equal(sh.info.until_ms, T0 + 2 * YEAR);	/* extended */
	assert_int_equal(sh.info.nupdates, 2);
	assert_int_equal(count_ignored(&sh, RECORD_IGNORED_TERMINAL), 1);
	assert_string_equal(sh.info.country, "AE");
	records_show_free(&sh);
}

static size_t
list(struct fx *x, enum record_kind kind, const struct record_filter *f,
    uint64_t at, const char *want_ref)
{
	struct record_info	*v;
	size_t			 n, i;
	int			 more;

	assert_int_equal(records_list(x->st, kind, f, at, &v, &n, &more), 0);
	assert_int_equal(more, 0);
	if (want_ref != NULL) {
		for (i = 0; i < n; i++)
			if (strcmp(v[i].ref, want_ref) == 0)
				break;
		assert_true(i < n);
	}
	free(v);
	return n;
}

static void
list_filters_denials_and_alerts(void **state)
{
	struct fx		*x = *state;
	struct record_filter	 f;
	struct record_info	*v;
	size_t			 n;
	int			 more;

	build_ledger(x);
	memset(&f, 0, sizeof(f));
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 2);
	f.state = "active";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0 + 4 * DAY, DN1), 1);
	f.state = "revoked";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, DN2), 1);
	f.state = "review-due";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0 + 6 * YEAR, DN1), 1);
	f.state = "suspended";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	f.state = "bogus";
	assert_int_equal(records_list(x->st, RECORD_DENIAL, &f, T0, &v, &n,
	    &more), LCN_EINVAL);
	memset(&f, 0, sizeof(f));
	/* Entries at sub-item boundaries, as the record stands. */
	f.entry = "3A001";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, DN1), 1);
	f.entry = "3a001.B";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, DN1), 1);
	f.entry = "3A001.b.1";	/* amended away */
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	f.entry = "0A0";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	memset(&f, 0, sizeof(f));
	f.country = "ir";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, DN2), 1);
	f.country = "CN";
	f.regime = "Wassenaar Arrangement";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, DN1), 1);
	f.regime = "NSG";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	memset(&f, 0, sizeof(f));
	f.from = "US-BIS";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	assert_int_equal(list(x, RECORD_ALERT, &f, T0, NULL), 2);
	f.since_ms = T0 + 2;
	assert_int_equal(list(x, RECORD_ALERT, &f, T0, EUA2), 1);
	f.regime = "wassenaar";	/* an alert's group */
	assert_int_equal(list(x, RECORD_ALERT, &f, T0, EUA2), 1);
	f.regime = "NSG";
	assert_int_equal(list(x, RECORD_ALERT, &f, T0, NULL), 0);
	memset(&f, 0, sizeof(f));
	/* By party, through the screening index, as the record stands. */
	f.party = "Nanhai Hengtai Microwave";
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, DN1), 1);
	f.party = "Vostok Optics";	/* the party before the amendment */
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	f.party = "Kestrel Marine Supply";
	assert_int_equal(list(x, RECORD_ALERT, &f, T0, EUA2), 1);
	assert_int_equal(list(x, RECORD_DENIAL, &f, T0, NULL), 0);
	memset(&f, 0, sizeof(f));
	f.country = "MY";
	f.state = "active";
	assert_int_equal(list(x, RECORD_ALERT, &f, T0 + 15 * DAY, EUA2), 1);
	assert_int_equal(list(x, RECORD_ALERT, &f, T0, NULL), 0);
	memset(&f, 0, sizeof(f));
	f.limit = 1;
	assert_int_equal(records_list(x->st, RECORD_ALERT, &f, T0, &v, &n,
	    &more), 0);
	assert_int_equal(n, 1);
	assert_int_equal(more, 1);
	free(v);
}

static void
control_matrix_keeps_each_agencys_latest(void **state)
{
	struct fx		*x = *state;
	struct control_cell	*v;
	size_t			 n;

	build_ledger(x);
	assert_int_equal(records_controls(x->st, NULL, NULL, 0, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].regime, "WA");
	assert_string_equal(v[0].entry, "3A001.b.12");
	assert_string_equal(v[0].agency, "JP-METI");
	assert_int_equal(v[0].stage, DOMAIN_STAGE_IMPLEMENTED);
	assert_int_equal(v[0].effective_ms, T0 + 30 * DAY);
	assert_string_equal(v[0].ref, "JP-METI/CS/2026/0002");
	assert_string_equal(v[1].agency, "US-BIS");
	assert_int_equal(v[1].stage, DOMAIN_STAGE_AGREED);
	assert_string_equal(v[2].entry, "5A002.a");
	free(v);
	assert_int_equal(records_controls(x->st, "wa", "3A001", 0, &v, &n), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(records_controls(x->st, NULL, NULL,
	    domain_stage_parse("technically-matured"), &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(records_controls(x->st, "NSG", NULL, 0, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
}

static void
receipts_and_split_views_from_attestations(void **state)
{
	struct fx		*x = *state;
	struct record_receipt	*v;
	struct split_view	*sv;
	size_t			 n;

	build_ledger(x);
	/* DN1 is JP-METI/WA 1: US-BIS attested 1 on day 1, 6 on day 9. */
	assert_int_equal(records_receipts(x->st, NULL, DN1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].agency, "US-BIS");
	assert_true(v[0].holds);
	assert_int_equal(v[0].since_ms, T0 + DAY + 5);
	assert_int_equal(v[0].head_seq, 6);
	assert_int_equal(v[0].head_as_of_ms, T0 + 9 * DAY);
	assert_string_equal(v[0].proof_feed.origin, "US-BIS");
	free(v);
	/* DN2 lives in JP-METI/NSG, which nobody attested. */
	assert_int_equal(records_receipts(x->st, NULL, DN2, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(records_splits(x->st, &sv, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sv[0].feed.origin, "DE-BAFA");
	assert_string_equal(sv[0].feed.group, "WA");
	assert_int_equal(sv[0].seq, 3);
	assert_int_equal(sv[0].proof[0].leaf_hash[0], 0xaa);
	assert_string_equal(sv[0].proof[0].agency, "US-BIS");
	assert_int_equal(sv[0].proof[1].leaf_hash[0], 0xbb);
	assert_string_equal(sv[0].proof[1].agency, "JP-METI");
	free(sv);
}

/*
 * The tick's split-view check reads what is indexed and indexes nothing
 * itself (node/repl_split.c): the indexer's small transactions do.
 */
static void
split_views_as_indexed_index_nothing(void **state)
{
	struct fx		*x = *state;
	struct split_view	*sv;
	uint64_t		 pending, before;
	size_t			 n;

	x->step = 0;
	build_ledger(x);
	assert_int_equal(store_screen_pending(x->st, &before), 0);
	assert_true(before > 0);
	assert_int_equal(records_splits_indexed(x->st, &sv, &n), 0);
	assert_int_equal(n, 0);
	free(sv);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_int_equal(pending, before);
	assert_int_equal(store_screen_catch_up(x->st, 0, &pending), 0);
	assert_int_equal(records_splits_indexed(x->st, &sv, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sv[0].feed.origin, "DE-BAFA");
	free(sv);
}

static void
receipt_of_a_later_record_waits_for_the_head(void **state)
{
	struct fx		*x = *state;
	struct record_receipt	*v;
	size_t			 n;

	pub_denial(x, JP, "WA", DN1, "3A001", "CN", "A", T0, 0, T0);
	pub_attest(x, US, "JP-METI", "WA", 1, 1, T0 + 10);
	pub_denial(x, JP, "WA", DN2, "3A001", "CN", "B", T0, 0, T0 + 20);
	assert_int_equal(records_receipts(x->st, NULL, DN2, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_false(v[0].holds);
	assert_int_equal(v[0].head_seq, 1);
	free(v);
	pub_attest(x, US, "JP-METI", "WA", 2, 2, T0 + 30);
	assert_int_equal(records_receipts(x->st, NULL, DN2, &v, &n), 0);
	assert_true(v[0].holds);
	assert_int_equal(v[0].since_ms, T0 + 30);
	free(v);
}

/*
 * A heads attestation holds heads of its own group's feeds (PROTOCOL.md
 * section 3.11). US-BIS, in WA only, attesting JP-METI/NSG in its WA
 * feed holds no receipt for NSG's records and, with JP-METI attesting
 * another head there, makes no split view of a feed it may not hold.
 */
static void
attestation_of_another_groups_feed_is_ignored(void **state)
{
	struct fx		*x = *state;
	struct record_receipt	*v;
	struct split_view	*sv;
	size_t			 n;

	pub_denial(x, JP, "NSG", DN2, "3A225", "AE", "A", T0, 0, T0);
	pub_attest(x, US, "JP-METI", "NSG", 1, 0x11, T0 + 10);
	pub_attest(x, JP, "JP-METI", "NSG", 1, 0x22, T0 + 20);
	assert_int_equal(records_receipts(x->st, NULL, DN2, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(records_splits(x->st, &sv, &n), 0);
	assert_int_equal(n, 0);
	free(sv);
}

static void
refs_used_and_highest_numbers(void **state)
{
	struct fx	*x = *state;
	struct feed_id	 f;
	uint64_t	 seq, num;

	build_ledger(x);
	assert_int_equal(records_ref_used(x->st, "JP-METI", DN2, &f, &seq),
	    0);
	assert_string_equal(f.group, "NSG");
	assert_int_equal(seq, 1);	/* the first, not the one again */
	assert_int_equal(records_ref_used(x->st, "JP-METI",
	    "JP-METI/DU/2026/0006", &f, &seq), 0);
	assert_string_equal(f.group, "WA");
	assert_int_equal(records_ref_used(x->st, "JP-METI",
	    "JP-METI/DN/2026/0099", NULL, NULL), LCN_ENOTFOUND);
	assert_int_equal(records_ref_used(x->st, "US-BIS", DN1, NULL, NULL),
	    LCN_ENOTFOUND);
	assert_int_equal(records_ref_max(x->st, "JP-METI", "DN", 2026, &num),
	    0);
	assert_int_equal(num, 2);
	assert_int_equal(records_ref_max(x->st, "JP-METI", "DU", 2026, &num),
	    0);
	assert_int_equal(num, 7);
	assert_int_equal(records_ref_max(x->st, "US-BIS", "DU", 2026, &num),
	    0);
	assert_int_equal(num, 1);
	assert_int_equal(records_ref_max(x->st, "JP-METI", "DN", 2027, &num),
	    0);
	assert_int_equal(num, 0);
}

static void
a_query_derives_what_lies_beyond_the_marks(void **state)
{
	struct fx		*x = *state;
	struct record_show	 sh;
	uint64_t		 pending;

	x->step = 0;
	pub_denial(x, JP, "WA", DN1, "3A001", "CN", "A", T0, 0, T0);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_int_equal(pending, 1);
	sh = show(x, DN1, T0);
	assert_string_equal(sh.info.state, "active");
	records_show_free(&sh);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_int_equal(pending, 0);
}

/*
 * A ledger indexed before the records' tables existed (its marks at the
 * heads, no tables, no smeta "records"): the tables are derived on the
 * next start, by a rebuild, and a query waits for it.
 */
static void
older_ledger_gets_its_tables_on_start(void **state)
{
	struct fx		*x = *state;
	struct record_show	 sh;
	MDB_env			*env;
	MDB_txn			*txn;
	MDB_dbi			 dbi;
	MDB_val			 k;
	uint64_t		 pending;
	size_t			 i;

	pub_denial(x, JP, "WA", DN1, "3A001", "CN", "A", T0, 0, T0);
	fx_close(x);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 32), 0);
	assert_int_equal(mdb_env_open(env, x->data, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (i = 0; i < NDERIVED - 1; i++) {
		assert_int_equal(mdb_dbi_open(txn, derived[i], 0, &dbi), 0);
		assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	}
	assert_int_equal(mdb_dbi_open(txn, "smeta", 0, &dbi), 0);
	k.mv_data = "records";
	k.mv_size = 7;
	assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	fx_open(x, x->data);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_true(pending > 0);
	sh = show(x, DN1, T0);
	assert_string_equal(sh.info.state, "active");
	records_show_free(&sh);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_int_equal(pending, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rebuild_equals_entry_by_entry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(order_of_feeds_does_not_matter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    denial_lifecycle_at_given_times, setup, teardown),
		cmocka_unit_test_setup_teardown(suspension_holds_until_renewed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(alert_lifecycle_at_given_times,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    list_filters_denials_and_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    control_matrix_keeps_each_agencys_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    receipts_and_split_views_from_attestations, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    split_views_as_indexed_index_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    receipt_of_a_later_record_waits_for_the_head, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    attestation_of_another_groups_feed_is_ignored, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(refs_used_and_highest_numbers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_query_derives_what_lies_beyond_the_marks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    older_ledger_gets_its_tables_on_start, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
