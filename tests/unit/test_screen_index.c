/*
 * The screening index follows the ledger (store/screen_mark.c): entries
 * are committed unindexed, store_screen_catch_up() indexes them a step at
 * a time and moves the per-feed marks, a query indexes what is left
 * before it reads, lcn reindex rebuilds from the marks at zero, the
 * marks survive reopening, and a store older than the marks keeps its
 * index. Real LMDB in a temporary directory.
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

#include "hash.h"
#include "lcn_err.h"
#include "names.h"
#include "screen.h"
#include "screen_import.h"
#include "sig.h"
#include "store.h"
#include "store_int.h"
#include "test_keys.h"
#include "trust.h"

#define T0	1700000000000ull

struct fx {
	char		 tmp[64];
	char		 data[PATH_MAX];
	struct store	*st;
	struct trust	 trust;
	struct sig_key	*key;
};

static void
fx_open(struct fx *x)
{
	struct store_opts	o = { .dir = x->data };
	char			err[256];

	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
	assert_int_equal(store_screen_enable(x->st, NULL, err, sizeof(err)),
	    0);
}

static int
setup(void **state)
{
	struct fx		*x;
	struct trust		*t;
	struct trust_group	*g;

	assert_int_equal(hash_init(), 0);
	assert_non_null(x = calloc(1, sizeof(*x)));
	snprintf(x->tmp, sizeof(x->tmp), "/tmp/lcn-test-screen-XXXXXX");
	assert_non_null(mkdtemp(x->tmp));
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
	fx_open(x);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*x = *state;
	char		 cmd[128];

	store_screen_disable(x->st);
	store_close(x->st);
	trust_free(&x->trust);
	sig_key_free(x->key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->tmp);
	if (system(cmd) != 0)
		return -1;
	free(x);
	return 0;
}

/* Packs e into b, malloc'd. */
static void
pack_body(struct bytes *b, const Lcn__Entry *e)
{
	uint8_t	*buf;

	assert_non_null(buf = malloc(lcn__entry__get_packed_size(e)));
	b->len = lcn__entry__pack(e, buf);
	b->ptr = buf;
}

/* Publishes the n bodies in group WA in one call, and frees them. */
static void
publish_bodies(struct fx *x, struct bytes *bodies, int n)
{
	struct append_result	 res;
	int			 i;

	memset(&res, 0, sizeof(res));
	assert_int_equal(store_publish(x->st, &x->trust, x->key, "WA", bodies,
	    (size_t)n, T0, &res), 0);
	append_result_free(&res);
	for (i = 0; i < n; i++)
		free((void *)bodies[i].ptr);
	free(bodies);
}

/*
 * Publishes n denials of parties "<name> Trading Company <i>", or each of
 * a party named party if not NULL.
 */
static void
publish_named(struct fx *x, const char *name, const char *party_name, int n)
{
	struct bytes		*bodies;
	char			 ref[64], party[128];
	int			 i;

	assert_non_null(bodies = calloc(n, sizeof(*bodies)));
	for (i = 0; i < n; i++) {
		Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
		Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;
		Lcn__Entry		 e = LCN__ENTRY__INIT;

		snprintf(ref, sizeof(ref), "JP-METI/DN/%s/%d", name, i);
		if (party_name != NULL)
			snprintf(party, sizeof(party), "%s", party_name);
		else
			snprintf(party, sizeof(party), "%s Trading Company %d",
			    name, i);
		dn.ref = ref;
		dn.regime = "WA";
		dn.destination_country = "XX";
		dn.decision_date_ms = T0;
		p.name = party;
		p.role = LCN__PARTY_ROLE__ROLE_END_USER;
		dn.n_parties = 1;
		dn.parties = &pp;
		e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
		e.denial_notice = &dn;
		pack_body(&bodies[i], &e);
	}
	publish_bodies(x, bodies, n);
}

static void
publish_denials(struct fx *x, const char *name, int n)
{
	publish_named(x, name, NULL, n);
}

/*
 * Publishes n heads attestations, each of nheads heads in group WA (feeds
 * AA-N000/WA, AA-N001/WA, ...), the i-th at seq i + 1: every one writes
 * rows to the records' state and no posting.
 */
static void
publish_attestations(struct fx *x, int n, int nheads)
{
	struct bytes		*bodies;
	Lcn__Head		*heads, **hp;
	char			(*origins)[16], ref[64];
	uint8_t			 hash[32];
	int			 i, j;

	assert_non_null(bodies = calloc(n, sizeof(*bodies)));
	assert_non_null(heads = calloc(nheads, sizeof(*heads)));
	assert_non_null(hp = calloc(nheads, sizeof(*hp)));
	assert_non_null(origins = calloc(nheads, sizeof(*origins)));
	memset(hash, 0xab, sizeof(hash));
	for (i = 0; i < n; i++) {
		Lcn__HeadsAttestation	 ha = LCN__HEADS_ATTESTATION__INIT;
		Lcn__Entry		 e = LCN__ENTRY__INIT;

		for (j = 0; j < nheads; j++) {
			lcn__head__init(&heads[j]);
			snprintf(origins[j], sizeof(origins[j]), "AA-N%03d", j);
			heads[j].origin = origins[j];
			heads[j].group = "WA";
			heads[j].seq = (uint64_t)i + 1;
			heads[j].leaf_hash.data = hash;
			heads[j].leaf_hash.len = sizeof(hash);
			hp[j] = &heads[j];
		}
		snprintf(ref, sizeof(ref), "JP-METI/HA/WA/%d", i);
		ha.ref = ref;
		ha.as_of_ms = T0 + (uint64_t)i;
		ha.n_heads = (size_t)nheads;
		ha.heads = hp;
		e.body_case = LCN__ENTRY__BODY_HEADS_ATTESTATION;
		e.heads_attestation = &ha;
		pack_body(&bodies[i], &e);
	}
	publish_bodies(x, bodies, n);
	free(heads);
	free(hp);
	free(origins);
}

/* The key postings the index writes for a party of that name. */
static size_t
postings_of(struct fx *x, const char *name)
{
	struct name_norm	norm;
	uint32_t		keys[NAME_KEYS_MAX];

	assert_int_equal(names_normalise(x->st->screen->nt, name,
	    NAME_UNKNOWN, &norm), 0);
	return names_keys(&norm, keys, NAME_KEYS_MAX);
}

static uint64_t
pending(struct fx *x)
{
	uint64_t n;

	assert_int_equal(store_screen_pending(x->st, &n), 0);
	return n;
}

/* Brings the index current in one step; the commits it took. */
static uint64_t
commits_to_catch_up(struct fx *x)
{
	uint64_t	 left, c0 = store_commits();

	assert_int_equal(store_screen_catch_up(x->st, SCREEN_CATCH_UP_STEP,
	    &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(pending(x), 0);
	return store_commits() - c0;
}

static size_t
hits_for(struct fx *x, const char *name)
{
	struct screen_hit	*hits;
	size_t			 n;

	assert_int_equal(store_screen(x->st, name, NULL, NULL, 0.9, 10, T0,
	    1, &hits, &n), 0);
	free(hits);
	return n;
}

static void
publish_commits_entries_unindexed_and_a_query_indexes_them(void **state)
{
	struct fx *x = *state;

	publish_denials(x, "Vostok", 3);
	assert_int_equal(pending(x), 3);
	assert_true(hits_for(x, "Vostok Trading Company 2") >= 1);
	assert_int_equal(pending(x), 0);
}

static void
catch_up_moves_at_most_one_step(void **state)
{
	struct fx	*x = *state;
	uint64_t	 left;

	publish_denials(x, "Orion", 5);
	assert_int_equal(store_screen_catch_up(x->st, 2, &left), 0);
	assert_int_equal(left, 3);
	assert_int_equal(pending(x), 3);
	assert_int_equal(store_screen_catch_up(x->st, 2, &left), 0);
	assert_int_equal(left, 1);
	assert_int_equal(store_screen_catch_up(x->st, 2, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(store_screen_catch_up(x->st, 2, &left), 0);
	assert_int_equal(left, 0);
	/* Found once, at whatever step it was indexed. */
	assert_int_equal(hits_for(x, "Orion Trading Company 4"), 1);
}

/*
 * A step is committed in transactions of at most SCREEN_TXN_ENTRIES
 * entries: LMDB keeps, for the life of the process, as many page copies
 * as the largest write transaction changed, and an index step of 1024
 * entries on hashed keys made the node's memory grow with its ledger.
 */
static void
catch_up_commits_a_step_in_bounded_transactions(void **state)
{
	struct fx	*x = *state;
	uint64_t	 left, c0;

	/* A name of few postings: the entries bound ends each transaction. */
	publish_named(x, "Lyra", "Lyra", 3 * SCREEN_TXN_ENTRIES + 5);
	assert_true(postings_of(x, "Lyra") * SCREEN_TXN_ENTRIES <
	    SCREEN_TXN_ROWS);
	c0 = store_commits();
	assert_int_equal(store_screen_catch_up(x->st, SCREEN_TXN_ENTRIES + 1,
	    &left), 0);
	assert_int_equal(left, 2 * SCREEN_TXN_ENTRIES + 4);
	assert_int_equal(store_commits() - c0, 2);
	c0 = store_commits();
	assert_int_equal(store_screen_catch_up(x->st, SCREEN_CATCH_UP_STEP,
	    &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(store_commits() - c0, 3);
	assert_int_equal(pending(x), 0);
	assert_true(hits_for(x, "Lyra") >= 1);
}

/*
 * And a transaction ends early, after the entry whose rows reach
 * SCREEN_TXN_ROWS: LMDB keeps the page copies of its largest write
 * transaction, and 128 entries of many names each had no bound on the
 * skeys pages they change.
 */
static void
catch_up_ends_a_transaction_at_its_postings_bound(void **state)
{
	struct fx	*x = *state;
	const char	*party = "Vega Precision Microwave Components "
			    "Trading Company International Holdings Group "
			    "Shenzhen Branch Office Nanhai Hengtai Zenith "
			    "Orion Kestrel Meridian";

	publish_named(x, "Vega", party, SCREEN_TXN_ENTRIES);
	/*
	 * The entries bound alone would make one transaction of them; their
	 * postings, more than twice the rows bound, make three or more.
	 */
	assert_true(postings_of(x, party) * SCREEN_TXN_ENTRIES >
	    2 * SCREEN_TXN_ROWS);
	assert_true(commits_to_catch_up(x) >= 3);
	assert_true(hits_for(x, party) >= 1);
}

/*
 * The rows bound counts every row an entry writes, not only postings: a
 * heads attestation writes a receipt and a head row for each head it names
 * and no posting, so 128 attestations of a 40-member group, about 10,000
 * rows, were one transaction under a bound of postings alone.
 */
static void
catch_up_ends_a_transaction_at_its_rows_bound(void **state)
{
	struct fx	*x = *state;

	publish_attestations(x, SCREEN_TXN_ENTRIES, 40);
	/* Their rows, 80 an entry, are more than twice the bound. */
	assert_true(2 * 40 * SCREEN_TXN_ENTRIES > 2 * SCREEN_TXN_ROWS);
	assert_true(commits_to_catch_up(x) >= 3);
}

static void
marks_survive_reopening(void **state)
{
	struct fx	*x = *state;
	uint64_t	 left;

	publish_denials(x, "Kestrel", 4);
	assert_int_equal(store_screen_catch_up(x->st, 3, &left), 0);
	store_screen_disable(x->st);
	store_close(x->st);
	fx_open(x);
	assert_int_equal(pending(x), 1);
	assert_int_equal(hits_for(x, "Kestrel Trading Company 3"), 1);
	assert_int_equal(hits_for(x, "Kestrel Trading Company 0"), 1);
	assert_int_equal(pending(x), 0);
}

static void
reindex_rebuilds_every_entry_once(void **state)
{
	struct fx	*x = *state;
	uint64_t	 entries, left;

	publish_denials(x, "Meridian", 6);
	assert_int_equal(store_screen_catch_up(x->st, 2, &left), 0);
	assert_int_equal(store_reindex(x->st, &entries), 0);
	assert_int_equal(entries, 6);
	/* Until the old rows are dropped, all six count as pending. */
	assert_true(pending(x) > 6);
	assert_int_equal(hits_for(x, "Meridian Trading Company 5"), 1);
	assert_int_equal(pending(x), 0);
	assert_int_equal(hits_for(x, "Meridian Trading Company 0"), 1);
}

/* A rebuild survives reopening half-way, and finishes in steps. */
static void
reindex_goes_on_after_reopening(void **state)
{
	struct fx	*x = *state;
	uint64_t	 entries, left;
	int		 steps = 0;

	publish_denials(x, "Aurora", 5);
	assert_int_equal(hits_for(x, "Aurora Trading Company 1"), 1);
	assert_int_equal(store_reindex(x->st, &entries), 0);
	assert_int_equal(entries, 5);
	store_screen_disable(x->st);
	store_close(x->st);
	fx_open(x);
	assert_true(pending(x) > 5);
	do {
		assert_int_equal(store_screen_catch_up(x->st, 2, &left), 0);
		assert_true(++steps < 20);
	} while (left > 0);
	assert_true(steps >= 4);	/* drop, then 5 entries 2 by 2 */
	assert_int_equal(hits_for(x, "Aurora Trading Company 4"), 1);
}

/* Deletes every mark, as in a store written before marks existed. */
static void
strip_marks(const char *dir)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_cursor	*c;
	MDB_dbi		 dbi;
	MDB_val		 k, d;
	int		 rc;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 16), 0);
	assert_int_equal(mdb_env_set_mapsize(env, 1ull << 30), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "smeta", 0, &dbi), 0);
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if (k.mv_size >= 2 && memcmp(k.mv_data, "ix", 2) == 0)
			assert_int_equal(mdb_cursor_del(c, 0), 0);
	mdb_cursor_close(c);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void
a_store_without_marks_counts_as_indexed_to_its_heads(void **state)
{
	struct fx *x = *state;

	publish_denials(x, "Legacy", 3);
	assert_int_equal(hits_for(x, "Legacy Trading Company 1"), 1);
	store_screen_disable(x->st);
	store_close(x->st);
	strip_marks(x->data);
	fx_open(x);
	/* Not indexed a second time: older stores indexed on append. */
	assert_int_equal(pending(x), 0);
	publish_denials(x, "Newer", 2);
	assert_int_equal(pending(x), 2);
	assert_int_equal(hits_for(x, "Newer Trading Company 1"), 1);
	assert_int_equal(hits_for(x, "Legacy Trading Company 2"), 1);
}

/* Hits for name among imported lists only. */
static size_t
list_hits(struct fx *x, const char *name)
{
	struct screen_hit	*hits;
	size_t			 n, i, k = 0;

	assert_int_equal(store_screen(x->st, name, NULL, NULL, 0.95, 50, T0,
	    1, &hits, &n), 0);
	for (i = 0; i < n; i++)
		if (hits[i].source == SCREEN_LIST)
			k++;
	free(hits);
	return k;
}

/* A one-party sdn.csv in the test directory; its path into path. */
static void
write_small_sdn(struct fx *x, char *path, size_t pathsz)
{
	FILE *f;

	snprintf(path, pathsz, "%s/sdn.csv", x->tmp);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "9999901,\"ZYZZYVA OLDCO TRADING\",-0- ,\"CUBA\",-0- ,"
	    "-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n");
	assert_int_equal(fclose(f), 0);
}

/*
 * lcn import-list in steps: a query between any two steps of a new
 * import of a list sees the old import whole, and after the last step
 * the new one whole; never part of the new one, never neither.
 */
static void
import_in_steps_serves_the_old_list_until_the_new_is_complete(void **state)
{
	struct fx		*x = *state;
	struct list_import	*imp;
	struct list_stats	 st;
	char			 small[PATH_MAX], path[PATH_MAX], err[512];
	int			 done = 0, steps = 0;

	write_small_sdn(x, small, sizeof(small));
	assert_int_equal(store_import_list(x->st, LIST_OFAC_SDN, small, NULL,
	    NULL, &st, err, sizeof(err)), 0);
	assert_int_equal(st.parties, 1);
	assert_int_equal(list_hits(x, "ZYZZYVA OLDCO TRADING"), 1);
	snprintf(path, sizeof(path), "%s/tests/data/sdn.csv", LCN_SOURCE_DIR);
	assert_int_equal(list_parse(LIST_OFAC_SDN, path, NULL, NULL, &imp, &st,
	    err, sizeof(err)), 0);
	assert_true(st.parties > 2 * IMPORT_STEP_PARTIES);
	for (;;) {
		assert_int_equal(store_import_step(x->st, imp, &done, err,
		    sizeof(err)), 0);
		steps++;
		if (list_hits(x, "ZYZZYVA OLDCO TRADING") == 0)
			break;	/* the switch */
		assert_int_equal(list_hits(x, "AEROCARIBBEAN AIRLINES"), 0);
		assert_int_equal(list_hits(x, "BANCO NACIONAL DE CUBA"), 0);
		assert_false(done);
	}
	/* The whole new list from the step that switched. */
	assert_true(steps > 3);
	assert_int_equal(list_hits(x, "AEROCARIBBEAN AIRLINES"), 1);
	assert_int_equal(list_hits(x, "BANCO NACIONAL DE CUBA"), 1);
	while (!done)
		assert_int_equal(store_import_step(x->st, imp, &done, err,
		    sizeof(err)), 0);
	list_import_free(imp);
	assert_int_equal(list_hits(x, "ZYZZYVA OLDCO TRADING"), 0);
	assert_int_equal(list_hits(x, "AEROCARIBBEAN AIRLINES"), 1);
}

/* An import cut short stays hidden; the next import drops its rows. */
static void
import_cut_short_is_never_served(void **state)
{
	struct fx		*x = *state;
	struct list_import	*imp;
	struct list_stats	 st;
	char			 small[PATH_MAX], path[PATH_MAX], err[512];
	int			 done = 0, i;

	write_small_sdn(x, small, sizeof(small));
	assert_int_equal(store_import_list(x->st, LIST_OFAC_SDN, small, NULL,
	    NULL, &st, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/tests/data/sdn.csv", LCN_SOURCE_DIR);
	assert_int_equal(list_parse(LIST_OFAC_SDN, path, NULL, NULL, &imp, &st,
	    err, sizeof(err)), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(store_import_step(x->st, imp, &done, err,
		    sizeof(err)), 0);
	store_import_cancel(x->st, imp);
	list_import_free(imp);
	/* As after a crash: reopened, the cut import is still hidden. */
	store_screen_disable(x->st);
	store_close(x->st);
	fx_open(x);
	assert_int_equal(list_hits(x, "AEROCARIBBEAN AIRLINES"), 0);
	assert_int_equal(list_hits(x, "ZYZZYVA OLDCO TRADING"), 1);
	/* The next import drops the cut one's rows, then serves its own. */
	assert_int_equal(store_import_list(x->st, LIST_OFAC_SDN, small, NULL,
	    NULL, &st, err, sizeof(err)), 0);
	assert_int_equal(list_hits(x, "AEROCARIBBEAN AIRLINES"), 0);
	assert_int_equal(list_hits(x, "ZYZZYVA OLDCO TRADING"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    publish_commits_entries_unindexed_and_a_query_indexes_them,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    catch_up_moves_at_most_one_step, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    catch_up_commits_a_step_in_bounded_transactions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    catch_up_ends_a_transaction_at_its_postings_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    catch_up_ends_a_transaction_at_its_rows_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(marks_survive_reopening,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reindex_rebuilds_every_entry_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reindex_goes_on_after_reopening, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_store_without_marks_counts_as_indexed_to_its_heads,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    import_in_steps_serves_the_old_list_until_the_new_is_complete,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    import_cut_short_is_never_served, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
