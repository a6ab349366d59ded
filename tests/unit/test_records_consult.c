/*
 * The consultations' derived state (store/records_consult.h): a full
 * no-undercut exchange between US-BIS (asking) and JP-METI (consulted) in
 * their pair group, with a need-info round, an extension, an objection,
 * an undercut grant and its copy to the regime group, a second decision
 * and a reply by the wrong agency (both ignored); a second consultation
 * that lapses under silence-is-no-objection after an early grant was
 * refused; a third still open; a Wassenaar notification. States are
 * read after each step and at several times. The same entries are then
 * stored in a second ledger in another feed order (the consulted
 * agency's feeds first, so replies are indexed before their request), and
 * every consultation table is compared byte for byte between the two and
 * with a rebuild (lcn reindex). Real LMDB in a temporary directory.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <lmdb.h>

#include "lcn.pb-c.h"

#include "hash.h"
#include "lcn_err.h"
#include "records_consult.h"
#include "screen.h"
#include "sig.h"
#include "store.h"
#include "test_keys.h"
#include "trust.h"

#define T0	1793610000000ull		/* 2026-11-02T09:00:00Z */
#define DAY	86400000ull

enum { JP, US, NAGENCIES };
static const char *const agency_ids[NAGENCIES] = { "JP-METI", "US-BIS" };
#define PAIR	"JP-METI+US-BIS"
static const char *const groups[] = { "WA", "EU", PAIR };
#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

#define DN_EU	"JP-METI/DN/2026/0001"
#define DN_WA	"JP-METI/DN/2026/0002"
#define CR1	"US-BIS/CR/2026/0001"
#define CR2	"US-BIS/CR/2026/0002"
#define CR3	"US-BIS/CR/2026/0003"

struct fx {
	char		 tmp[64];
	char		 data[PATH_MAX];
	char		 data2[PATH_MAX];
	struct store	*st;
	struct trust	 trust[NAGENCIES];
	struct sig_key	*key[NAGENCIES];
};

static void
trust_make(struct fx *x, int self)
{
	struct trust	*t = &x->trust[self];
	size_t		 i, j;

	snprintf(t->self, sizeof(t->self), "%s", agency_ids[self]);
	assert_non_null(t->agencies = calloc(NAGENCIES, sizeof(*t->agencies)));
	t->nagencies = NAGENCIES;
	for (i = 0; i < NAGENCIES; i++) {
		j = (self + i) % NAGENCIES;
		snprintf(t->agencies[i].id, sizeof(t->agencies[i].id), "%s",
		    agency_ids[j]);
		assert_int_equal(sig_pubkey_from_raw(sig_pubkey_raw(
		    sig_key_public(x->key[j])), &t->agencies[i].keys[0].pub), 0);
		t->agencies[i].nkeys = 1;
	}
	assert_non_null(t->groups = calloc(NGROUPS, sizeof(*t->groups)));
	t->ngroups = NGROUPS;
	for (i = 0; i < NGROUPS; i++) {
		snprintf(t->groups[i].name, sizeof(t->groups[i].name), "%s",
		    groups[i]);
		assert_non_null(t->groups[i].members = calloc(NAGENCIES,
		    sizeof(*t->groups[i].members)));
		for (j = 0; j < NAGENCIES; j++)
			snprintf(t->groups[i].members[j],
			    sizeof(t->groups[i].members[j]), "%s",
			    agency_ids[j]);
		t->groups[i].nmembers = NAGENCIES;
	}
}

static void
fx_open(struct fx *x, const char *dir)
{
	struct store_opts	o = { .dir = dir };
	char			err[256];

	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
	assert_int_equal(store_screen_enable(x->st, NULL, err, sizeof(err)),
	    0);
}

static void
fx_close(struct fx *x)
{
	store_screen_disable(x->st);
	store_close(x->st);
	x->st = NULL;
}

static int
setup(void **state)
{
	struct fx	*x;
	int		 i;

	assert_int_equal(hash_init(), 0);
	assert_non_null(x = calloc(1, sizeof(*x)));
	snprintf(x->tmp, sizeof(x->tmp), "/tmp/lcn-test-rconsult-XXXXXX");
	assert_non_null(mkdtemp(x->tmp));
	snprintf(x->data, sizeof(x->data), "%s/asker", x->tmp);
	snprintf(x->data2, sizeof(x->data2), "%s/consulted", x->tmp);
	x->key[JP] = test_key_make(x->tmp, "jp");
	x->key[US] = test_key_make(x->tmp, "us");
	for (i = 0; i < NAGENCIES; i++)
		trust_make(x, i);
	fx_open(x, x->data);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*x = *state;
	char		 cmd[128];
	int		 i;

	if (x->st != NULL)
		fx_close(x);
	for (i = 0; i < NAGENCIES; i++) {
		trust_free(&x->trust[i]);
		sig_key_free(x->key[i]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->tmp);
	if (system(cmd) != 0)
		return -1;
	free(x);
	return 0;
}

/* Signs e as agency who in group at created, then derives it. */
static void
pub(struct fx *x, int who, const char *group, Lcn__Entry *e, uint64_t created)
{
	struct append_result	res;
	struct bytes		b;
	uint8_t			*buf;
	uint64_t		 left;

	assert_non_null(buf = malloc(lcn__entry__get_packed_size(e)));
	b.len = lcn__entry__pack(e, buf);
	b.ptr = buf;
	memset(&res, 0, sizeof(res));
	assert_int_equal(store_publish(x->st, &x->trust[who], x->key[who],
	    group, &b, 1, created, &res), 0);
	append_result_free(&res);
	free(buf);
	assert_int_equal(store_screen_catch_up(x->st, 0, &left), 0);
	assert_int_equal(left, 0);
}

/* The proposed transaction: 3A001.b.1 amplifiers to CN. */
static Lcn__Item	tx_item = LCN__ITEM__INIT, *tx_itemp = &tx_item;
static Lcn__Party	tx_party = LCN__PARTY__INIT, *tx_partyp = &tx_party;
static Lcn__Transaction	tx = LCN__TRANSACTION__INIT;

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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

static void
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
static void
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

struct dump {
	uint8_t	*buf;
	size_t	 len, cap;
};

static void
dump_put(struct dump *dp, const void *p, size_t n)
{
	while (dp->len + n + 4 > dp->cap) {
		dp->cap = dp->cap ? dp->cap * 2 : 65536;
		assert_non_null(dp->buf = realloc(dp->buf, dp->cap));
	}
	dp->buf[dp->len++] = (uint8_t)(n >> 24);
	dp->buf[dp->len++] = (uint8_t)(n >> 16);
	dp->buf[dp->len++] = (uint8_t)(n >> 8);
	dp->buf[dp->len++] = (uint8_t)n;
	memcpy(dp->buf + dp->len, p, n);
	dp->len += n;
}

static const char *const ctables[] = { "rconsult", "rcevent", "rcindex",
    "rdecision", "rignored" };
#define NCTABLES (sizeof(ctables) / sizeof(ctables[0]))

/*
 * Every row of the consultations' tables by a cursor walk; rignored's
 * keys carry this node's feed numbers, so keys_too 0 leaves its keys out
 * (its values and row count stay in).
 */
static void
dump_tables(const char *dir, struct dump *dp, size_t rows[NCTABLES],
    int keys_too)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, d;
	size_t		 i;
	int		 rc;

	memset(dp, 0, sizeof(*dp));
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 32), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	for (i = 0; i < NCTABLES; i++) {
		rows[i] = 0;
		assert_int_equal(mdb_dbi_open(txn, ctables[i], 0, &dbi), 0);
		dump_put(dp, ctables[i], strlen(ctables[i]));
		assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
		for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
			if (keys_too || strcmp(ctables[i], "rignored") != 0)
				dump_put(dp, k.mv_data, k.mv_size);
			dump_put(dp, d.mv_data, d.mv_size);
			rows[i]++;
		}
		assert_int_equal(rc, MDB_NOTFOUND);
		mdb_cursor_close(c);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

/* Copies every feed of the open store into dir's ledger, the consulted
 * agency's feeds first, then derives it in one go. */
static void
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
			assert_int_equal(store_read(x->st, &fs[i].feed, 1, UINT64_MAX, 0,
			    0, &rg), 0);
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

/* ------------------------------------------------------------ tests */

static void
both_parties_and_a_rebuild_derive_the_same_bytes(void **state)
{
	struct fx	*x = *state;
	struct dump	 a, b, c, a2, b2;
	size_t		 ra[NCTABLES], rb[NCTABLES], rc[NCTABLES], i;
	uint64_t	 left, n;

	build(x);
	copy_ledger(x, x->data2);
	fx_close(x);
	dump_tables(x->data, &a, ra, 0);
	dump_tables(x->data2, &b, rb, 0);
	/* Every table has rows: the comparison compares something. */
	for (i = 0; i < NCTABLES; i++)
		assert_true(ra[i] > 0);
	assert_int_equal(ra[0], 3);	/* three consultations */
	for (i = 0; i < NCTABLES; i++)
		assert_int_equal(ra[i], rb[i]);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);

	/* A rebuild of each gives its own bytes again, keys and all. */
	dump_tables(x->data, &a2, ra, 1);
	fx_open(x, x->data);
	assert_int_equal(store_reindex(x->st, &n), 0);
	assert_true(n > 0);
	do {
		assert_int_equal(store_screen_catch_up(x->st, 3, &left), 0);
	} while (left > 0);
	fx_close(x);
	dump_tables(x->data, &c, rc, 1);
	assert_int_equal(a2.len, c.len);
	assert_memory_equal(a2.buf, c.buf, c.len);
	free(c.buf);
	dump_tables(x->data2, &b2, rb, 1);
	fx_open(x, x->data2);
	assert_int_equal(store_reindex(x->st, &n), 0);
	do {
		assert_int_equal(store_screen_catch_up(x->st, 5, &left), 0);
	} while (left > 0);
	fx_close(x);
	dump_tables(x->data2, &c, rc, 1);
	assert_int_equal(b2.len, c.len);
	assert_memory_equal(b2.buf, c.buf, c.len);
	free(a.buf);
	free(b.buf);
	free(c.buf);
	free(a2.buf);
	free(b2.buf);
	fx_open(x, x->data);
}

static void
each_consultation_as_it_stands(void **state)
{
	struct fx		*x = *state;
	struct consult_info	 ci;
	struct consult_show	 sh;
	char			 ref[RECORD_REF_MAX + 1];
	uint8_t			 h[HASH_LEN];
	size_t			 i, nign = 0;

	build(x);
	assert_int_equal(records_consult_get(x->st, "US-BIS", CR1, T0 +
	    40 * DAY, &ci), 0);
	assert_string_equal(ci.consulted, "JP-METI");
	assert_string_equal(ci.group, PAIR);
	assert_string_equal(ci.regime, "EU");
	assert_int_equal(ci.ndenials, 1);
	assert_string_equal(ci.denials[0], DN_EU);
	assert_int_equal(ci.state, CONSULT_DECIDED);
	assert_int_equal(ci.track.position, CONSULT_POSITION_OBJECT);
	assert_int_equal(ci.track.decision, CONSULT_DECISION_GRANT);
	assert_true(ci.track.undercut);
	assert_int_equal(ci.track.ninfo, 1);
	assert_int_equal(ci.track.nextended, 1);
	assert_int_equal(ci.track.deadline_ms, T0 + 30 * DAY);
	assert_string_equal(ci.decision_ref, "US-BIS/LD/2026/0001");
	assert_string_equal(ci.feed.origin, "US-BIS");
	records_consult_tx_hash(&tx, h);
	assert_memory_equal(ci.transaction_hash, h, HASH_LEN);

	assert_int_equal(records_consult_get(x->st, NULL, CR2, T0, &ci), 0);
	assert_int_equal(ci.state, CONSULT_DECIDED);
	assert_false(ci.track.undercut);
	assert_true(ci.track.decided_lapsed);
	assert_string_equal(ci.decision_ref, "US-BIS/LD/2026/0005");

	expect_state(x, CR3, T0 + 20 * DAY, CONSULT_AWAITING_REPLY);
	expect_state(x, CR3, T0 + 22 * DAY, CONSULT_LAPSED);
	/* Not consultations at all. */
	assert_int_equal(records_consult_get(x->st, NULL,
	    "US-BIS/CR/2026/0004", T0, &ci), LCN_ENOTFOUND);
	assert_int_equal(records_consult_get(x->st, NULL,
	    "US-BIS/CR/2026/0005", T0, &ci), LCN_ENOTFOUND);

	/* The open one for the denial and the transaction: CR3 only. */
	assert_int_equal(records_consult_open_for(x->st, "US-BIS", DN_EU, h,
	    ref), 0);
	assert_string_equal(ref, CR3);
	h[0] ^= 1;
	assert_int_equal(records_consult_open_for(x->st, "US-BIS", DN_EU, h,
	    ref), LCN_ENOTFOUND);
	h[0] ^= 1;
	assert_int_equal(records_consult_open_for(x->st, "JP-METI", DN_EU, h,
	    ref), LCN_ENOTFOUND);

	/* The exchange: the request, then eight entries in time order. */
	assert_int_equal(records_consult_show(x->st, NULL, CR1, T0, &sh), 0);
	assert_int_equal(sh.nevents, 8);
	assert_int_equal(sh.events[0].body,
	    LCN__ENTRY__BODY_CONSULTATION_REQUEST);
	assert_string_equal(sh.events[0].ref, CR1);
	for (i = 1; i < sh.nevents; i++)
		assert_true(sh.events[i].created_ms >=
		    sh.events[i - 1].created_ms);
	for (i = 0; i < sh.nevents; i++) {
		if (sh.events[i].ignored == 0)
			continue;
		nign++;
		if (strcmp(sh.events[i].ref, "US-BIS/RP/2026/0001") == 0)
			assert_int_equal(sh.events[i].ignored,
			    CONSULT_STEP_WRONG_AGENCY);
		else {
			assert_string_equal(sh.events[i].ref,
			    "US-BIS/LD/2026/0003");
			assert_int_equal(sh.events[i].ignored,
			    CONSULT_STEP_NOT_OPEN);
		}
	}
	assert_int_equal(nign, 2);
	records_consult_show_free(&sh);
	assert_int_equal(records_consult_show(x->st, NULL, CR2, T0, &sh), 0);
	assert_int_equal(sh.nevents, 3);
	assert_int_equal(sh.events[1].ignored, CONSULT_STEP_EARLY_GRANT);
	assert_int_equal(sh.events[2].ignored, 0);
	records_consult_show_free(&sh);
	assert_int_equal(records_consult_show(x->st, NULL,
	    "US-BIS/CR/2026/0099", T0, &sh), LCN_ENOTFOUND);
}

static void
lists_by_direction_state_and_deadline(void **state)
{
	struct fx		*x = *state;
	struct consult_filter	 f;
	struct consult_info	*v;
	size_t			 n;
	int			 more;

	build(x);
	memset(&f, 0, sizeof(f));
	/* Nearest deadline first: CR2 (day 10), CR3 (20), CR1 (30). */
	assert_int_equal(records_consultations(x->st, &f, T0, &v, &n, &more),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].ref, CR2);
	assert_string_equal(v[1].ref, CR3);
	assert_string_equal(v[2].ref, CR1);
	free(v);
	f.limit = 2;
	assert_int_equal(records_consultations(x->st, &f, T0, &v, &n, &more),
	    0);
	assert_int_equal(n, 2);
	assert_true(more);
	free(v);
	f.limit = 0;
	/* JP-METI's incoming, awaiting its reply on day 15; overdue on 25. */
	f.self = "JP-METI";
	f.direction = CONSULT_INCOMING;
	f.state = "awaiting-reply";
	assert_int_equal(records_consultations(x->st, &f, T0 + 15 * DAY, &v,
	    &n, &more), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].ref, CR3);
	free(v);
	assert_int_equal(records_consultations(x->st, &f, T0 + 25 * DAY, &v,
	    &n, &more), 0);
	assert_int_equal(n, 0);
	free(v);
	f.state = NULL;
	f.overdue = 1;
	assert_int_equal(records_consultations(x->st, &f, T0 + 15 * DAY, &v,
	    &n, &more), 0);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(records_consultations(x->st, &f, T0 + 25 * DAY, &v,
	    &n, &more), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].ref, CR3);
	assert_int_equal(v[0].state, CONSULT_LAPSED);
	free(v);
	/* Outgoing from JP-METI: none; from US-BIS, decided: two. */
	f.overdue = 0;
	f.direction = CONSULT_OUTGOING;
	assert_int_equal(records_consultations(x->st, &f, T0, &v, &n, &more),
	    0);
	assert_int_equal(n, 0);
	free(v);
	f.self = "US-BIS";
	f.state = "decided";
	assert_int_equal(records_consultations(x->st, &f, T0, &v, &n, &more),
	    0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].ref, CR2);
	assert_string_equal(v[1].ref, CR1);
	free(v);
	f.state = "lapsed";
	f.counterpart = "JP-METI";
	assert_int_equal(records_consultations(x->st, &f, T0 + 25 * DAY, &v,
	    &n, &more), 0);
	assert_int_equal(n, 1);
	free(v);
	f.counterpart = "DE-BAFA";
	assert_int_equal(records_consultations(x->st, &f, T0 + 25 * DAY, &v,
	    &n, &more), 0);
	assert_int_equal(n, 0);
	free(v);
	f.counterpart = NULL;
	f.state = "pending";
	assert_int_equal(records_consultations(x->st, &f, T0, &v, &n, &more),
	    LCN_EINVAL);
}

static void
decisions_and_report_of_a_regime(void **state)
{
	struct fx		*x = *state;
	struct decision_notice	*dv;
	struct regime_report	 rr;
	size_t			 n;

	build(x);
	assert_int_equal(records_decisions(x->st, "EU", 0, 0, &dv, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(dv[0].origin, "US-BIS");
	assert_string_equal(dv[0].request_ref, CR1);
	assert_string_equal(dv[0].denial_ref, DN_EU);
	assert_string_equal(dv[0].denial_origin, "JP-METI");
	assert_true(dv[0].undercut);
	assert_int_equal(dv[0].decision, CONSULT_DECISION_GRANT);
	assert_int_equal(dv[0].date_ms, T0 + 6 * DAY);
	free(dv);
	assert_int_equal(records_decisions(x->st, NULL, 0, 0, &dv, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(dv[1].regime, "WA");
	assert_true(dv[1].notification);
	free(dv);
	assert_int_equal(records_decisions(x->st, "EU", T0 + 7 * DAY, 0, &dv,
	    &n), 0);
	assert_int_equal(n, 0);
	free(dv);

	/* EU over days -40..18: one denial, three consultations. */
	assert_int_equal(records_report(x->st, "eu", T0 - 40 * DAY, T0 +
	    18 * DAY, &rr), 0);
	assert_string_equal(rr.regime, "EU");
	assert_int_equal(rr.denials, 1);
	assert_int_equal(rr.ncategories, 1);
	assert_string_equal(rr.by_category[0].key, "3");
	assert_int_equal(rr.ndestinations, 1);
	assert_string_equal(rr.by_destination[0].key, "CN");
	assert_int_equal(rr.consultations, 3);
	assert_int_equal(rr.answered_in_time, 1);	/* CR1 */
	assert_int_equal(rr.answered_late, 0);
	assert_int_equal(rr.lapsed, 1);			/* CR2 */
	assert_int_equal(rr.open, 1);			/* CR3 */
	assert_int_equal(rr.grants, 2);	/* the copy counted once */
	assert_int_equal(rr.denies, 0);
	assert_int_equal(rr.undercuts, 1);
	assert_int_equal(rr.notifications, 0);
	records_report_free(&rr);
	/* Until day 25: CR3 has lapsed too. */
	assert_int_equal(records_report(x->st, "EU", T0, T0 + 25 * DAY, &rr),
	    0);
	assert_int_equal(rr.denials, 0);
	assert_int_equal(rr.lapsed, 2);
	assert_int_equal(rr.open, 0);
	records_report_free(&rr);
	assert_int_equal(records_report(x->st, "WA", 0, 0, &rr), 0);
	assert_int_equal(rr.denials, 1);
	assert_int_equal(rr.consultations, 0);
	assert_int_equal(rr.notifications, 1);
	assert_int_equal(rr.grants, 1);
	assert_int_equal(rr.undercuts, 0);
	records_report_free(&rr);
}

/*
 * A ledger indexed before the consultations' tables existed (the
 * records' tables filled, smeta "records" present, no "consult"): the
 * next start rebuilds, and a query finds the consultations.
 */
static void
older_ledger_gets_the_consultations_on_start(void **state)
{
	struct fx		*x = *state;
	struct consult_info	 ci;
	MDB_env			*env;
	MDB_txn			*txn;
	MDB_dbi			 dbi;
	MDB_val			 k;
	uint64_t		 pending;
	size_t			 i;

	tx_init();
	pub_request(x, US, PAIR, CR1, "JP-METI", T0 + 14 * DAY, 0,
	    LCN__SILENCE_MEANING__SILENCE_NO_EFFECT, T0);
	fx_close(x);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 32), 0);
	assert_int_equal(mdb_env_open(env, x->data, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (i = 0; i < NCTABLES - 1; i++) {
		assert_int_equal(mdb_dbi_open(txn, ctables[i], 0, &dbi), 0);
		assert_int_equal(mdb_drop(txn, dbi, 1), 0);
	}
	assert_int_equal(mdb_dbi_open(txn, "smeta", 0, &dbi), 0);
	k.mv_data = "consult";
	k.mv_size = 7;
	assert_int_equal(mdb_del(txn, dbi, &k, NULL), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	fx_open(x, x->data);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_true(pending > 0);
	assert_int_equal(records_consult_get(x->st, NULL, CR1, T0, &ci), 0);
	assert_int_equal(ci.state, CONSULT_AWAITING_REPLY);
	assert_int_equal(store_screen_pending(x->st, &pending), 0);
	assert_int_equal(pending, 0);
}

/* p50 and p99 of n timings in microseconds (sorts v). */
static int
us_cmp(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static double
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/*
 * 10,000 consultations (one in ten answered, one in ten decided, the
 * rest awaiting with deadlines spread over 100 days): lists stay fast,
 * since a list reads rcindex and rconsult values, never a ledger entry.
 * Prints p50/p99 of 200 calls of each; fails only on an order of
 * magnitude (a shared, loaded machine times noisily).
 */
#define BIG_N		10000
#define BIG_BATCH	500
#define BIG_CALLS	200

/* BIG_CALLS calls of f at days 0..49; overdue: check the count. */
static void
measure(struct fx *x, const struct consult_filter *f, const char *what,
    int overdue)
{
	struct consult_info	*v;
	double			 t[BIG_CALLS], c[BIG_CALLS], t0, c0;
	size_t			 i, n, expect, d;
	int			 more;

	for (i = 0; i < BIG_CALLS; i++) {
		t0 = now_us();
		c0 = clock_us(CLOCK_THREAD_CPUTIME_ID);
		assert_int_equal(records_consultations(x->st, f, T0 +
		    (i % 50) * DAY, &v, &n, &more), 0);
		c[i] = clock_us(CLOCK_THREAD_CPUTIME_ID) - c0;
		t[i] = now_us() - t0;
		if (overdue) {
			/* Deadline day d < the day asked, unanswered: the
			 * hundred requests of each day d not a multiple of
			 * ten. */
			for (d = 0, expect = 0; d < i % 50; d++)
				expect += d % 10 != 0 ? BIG_N / 100 : 0;
			assert_int_equal(n, expect);
		} else {
			assert_int_equal(n, 50);
			assert_true(more);
		}
		free(v);
	}
	qsort(t, BIG_CALLS, sizeof(t[0]), us_cmp);
	qsort(c, BIG_CALLS, sizeof(c[0]), us_cmp);
	print_message("records_consultations %s at 10,000: wall p50 %.2f ms, "
	    "p99 %.2f ms; CPU p50 %.2f ms, p99 %.2f ms\n", what,
	    t[BIG_CALLS / 2] / 1e3, t[BIG_CALLS * 99 / 100] / 1e3,
	    c[BIG_CALLS / 2] / 1e3, c[BIG_CALLS * 99 / 100] / 1e3);
	assert_true(t[BIG_CALLS * 99 / 100] < 250e3);
}

static void
ten_thousand_consultations_list_fast(void **state)
{
	struct fx			*x = *state;
	struct append_result		 res;
	struct consult_filter		 f;
	Lcn__Entry			 e = LCN__ENTRY__INIT;
	Lcn__ConsultationRequest	 q = LCN__CONSULTATION_REQUEST__INIT;
	Lcn__ConsultationReply		 p = LCN__CONSULTATION_REPLY__INIT;
	struct bytes			*b;
	char				 ref[64], rref[64], *dr = DN_EU;
	double				 t0;
	size_t				 i, j, k;
	uint64_t			 left;
	int				 who, round;

	tx_init();
	assert_non_null(b = calloc(BIG_BATCH, sizeof(*b)));
	for (round = 0; round < 2; round++)
		for (i = 0; i < BIG_N; i += BIG_BATCH) {
			who = round == 0 ? US : JP;
			for (j = 0, k = 0; j < BIG_BATCH; j++) {
				snprintf(ref, sizeof(ref),
				    "US-BIS/CR/2026/%06zu", i + j + 1);
				if (round == 0) {
					q.ref = ref;
					q.n_denial_refs = 1;
					q.denial_refs = &dr;
					q.transaction = &tx;
					q.deadline_ms = T0 + ((i + j) % 100) *
					    DAY;
					q.deadline_basis = 1;
					q.deadline_days = 10;
					q.silence = 3;
					q.regime = "EU";
					q.consulted = "JP-METI";
					e.body_case =
					    LCN__ENTRY__BODY_CONSULTATION_REQUEST;
					e.consultation_request = &q;
				} else {
					if ((i + j) % 10 != 0)
						continue;
					snprintf(rref, sizeof(rref),
					    "JP-METI/RP/2026/%06zu", i + j + 1);
					p.ref = rref;
					p.request_ref = ref;
					p.position = 1;
					e.body_case =
					    LCN__ENTRY__BODY_CONSULTATION_REPLY;
					e.consultation_reply = &p;
				}
				assert_non_null(b[k].ptr = malloc(
				    lcn__entry__get_packed_size(&e)));
				b[k].len = lcn__entry__pack(&e,
				    (uint8_t *)b[k].ptr);
				k++;
			}
			memset(&res, 0, sizeof(res));
			assert_int_equal(store_publish(x->st, &x->trust[who],
			    x->key[who], PAIR, b, k, T0 - DAY, &res), 0);
			append_result_free(&res);
			for (j = 0; j < k; j++)
				free((void *)b[j].ptr);
		}
	free(b);
	t0 = now_us();
	do {
		assert_int_equal(store_screen_catch_up(x->st, 0, &left), 0);
	} while (left > 0);
	print_message("derived %d requests and %d replies in %.0f ms\n",
	    BIG_N, BIG_N / 10, (now_us() - t0) / 1e3);

	memset(&f, 0, sizeof(f));
	f.self = "JP-METI";
	f.direction = CONSULT_INCOMING;
	f.overdue = 1;
	measure(x, &f, "--incoming --overdue (up to 4,000 of them)", 1);
	f.overdue = 0;
	f.state = "awaiting-reply";
	f.limit = 50;
	measure(x, &f, "--incoming --state awaiting-reply, 50", 0);
	memset(&f, 0, sizeof(f));
	f.limit = 50;
	measure(x, &f, "all, nearest deadline first, 50", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    both_parties_and_a_rebuild_derive_the_same_bytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(each_consultation_as_it_stands,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    lists_by_direction_state_and_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    decisions_and_report_of_a_regime, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    older_ledger_gets_the_consultations_on_start, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    ten_thousand_consultations_list_fast, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
