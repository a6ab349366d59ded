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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lmdb.h>

#include "lcn.pb-c.h"

#include "hash.h"
#include "lcn_err.h"
#include "records_consult.h"
#include "records_consult_int.h"
#include "screen.h"
#include "store.h"
#include "test_records_consult_fx.h"

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

	/* The exchange: the request, then eight entries in time order
	 * and the copy to the regime group. */
	assert_int_equal(records_consult_show(x->st, NULL, CR1, T0, &sh), 0);
	assert_int_equal(sh.nevents, 9);
	assert_string_equal(sh.events[7].feed.group, "EU");
	assert_string_equal(sh.events[7].ref, "US-BIS/LD/2026/0002");
	assert_int_equal(sh.events[7].ignored, 0);
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

/*
 * The tables' codec: a consultation and an event round-trip, and every
 * truncation (and a byte too many) is refused, leaving the output zeroed.
 */
static void
codec_round_trips_and_refuses_every_truncation(void **state)
{
	struct cons	c, d;
	struct cev	e, f;
	uint8_t		buf[CONS_VAL_MAX + 1], key[CEV_KEY_MAX + 1];
	uint8_t		val[CEV_VAL_MAX + 1], ck[REC_KEY_MAX + 1];
	size_t		len, klen, vlen, cklen, i;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.t.state = CONSULT_EXTENDED;
	c.t.silence = CONSULT_SILENCE_NO_OBJECTION;
	c.t.deadline_ms = T0 + 30 * DAY;
	c.t.nextended = 2;
	c.req_deadline_ms = T0 + 14 * DAY;
	c.seq = 7;
	c.tx_hash[0] = 0xab;
	c.ndenials = 9;
	for (i = 0; i < CONSULT_DENIALS_SHOWN; i++)
		snprintf(c.denials[i], sizeof(c.denials[i]),
		    "JP-METI/DN/2026/%04zu", i + 1);
	snprintf(c.consulted, sizeof(c.consulted), "JP-METI");
	snprintf(c.group, sizeof(c.group), PAIR);
	snprintf(c.regime, sizeof(c.regime), "EU");
	len = cons_encode(&c, buf);
	assert_int_equal(cons_decode(buf, len, &d), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	for (i = 0; i < len; i++) {
		assert_int_equal(cons_decode(buf, i, &d), LCN_ESTORE);
		assert_int_equal(d.t.deadline_ms, 0);
	}
	buf[len] = 0;
	assert_int_equal(cons_decode(buf, len + 1, &d), LCN_ESTORE);

	memset(&e, 0, sizeof(e));
	e.cls = CEV_FOLLOW;
	e.created_ms = T0 + DAY;
	snprintf(e.signer, sizeof(e.signer), "JP-METI");
	snprintf(e.group, sizeof(e.group), PAIR);
	e.seq = 3;
	e.body = LCN__ENTRY__BODY_CONSULTATION_REPLY;
	e.step = CONSULT_STEP_WRONG_AGENCY;
	e.what = CONSULT_POSITION_ACK;
	e.when_ms = T0 + 30 * DAY;
	snprintf(e.ref, sizeof(e.ref), "JP-METI/RP/2026/0001");
	cklen = record_key("US-BIS", CR1, ck);
	klen = cev_key(ck, cklen, &e, key);
	vlen = cev_encode(&e, val);
	assert_int_equal(cev_decode(key, klen, cklen, val, vlen, &f), 0);
	assert_memory_equal(&e, &f, sizeof(e));
	for (i = 0; i < klen; i++)
		assert_int_equal(cev_decode(key, i, cklen, val, vlen, &f),
		    LCN_ESTORE);
	for (i = 0; i < vlen; i++)
		assert_int_equal(cev_decode(key, klen, cklen, val, i, &f),
		    LCN_ESTORE);
	val[vlen] = 0;
	assert_int_equal(cev_decode(key, klen, cklen, val, vlen + 1, &f),
	    LCN_ESTORE);
	assert_int_equal(f.seq, 0);
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
		cmocka_unit_test(
		    codec_round_trips_and_refuses_every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
