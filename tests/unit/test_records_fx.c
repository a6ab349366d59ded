/*
 * Test fixture of the records' tests (test_records_fx.h): two agencies'
 * keys and trusts, a store in a temporary directory, entries signed and
 * derived, and dumps of derived tables.
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
#include "screen.h"
#include "sig.h"
#include "store.h"
#include "test_keys.h"
#include "test_records_fx.h"
#include "trust.h"

const char *const agency_ids[NAGENCIES] = { "JP-METI", "US-BIS" };

static void
trust_make(struct fx *x, int self, const char *const *groups,
    size_t ngroups)
{
	struct trust	*t = &x->trust[self];
	size_t		 i, j;

	snprintf(t->self, sizeof(t->self), "%s", agency_ids[self]);
	assert_non_null(t->agencies = calloc(NAGENCIES, sizeof(*t->agencies)));
	t->nagencies = NAGENCIES;
	for (i = 0; i < NAGENCIES; i++) {
		/* Self first, then the partner. */
		j = (self + i) % NAGENCIES;
		snprintf(t->agencies[i].id, sizeof(t->agencies[i].id), "%s",
		    agency_ids[j]);
		assert_int_equal(sig_pubkey_from_raw(sig_pubkey_raw(
		    sig_key_public(x->key[j])), &t->agencies[i].keys[0].pub),
		    0);
		t->agencies[i].nkeys = 1;
	}
	assert_non_null(t->groups = calloc(ngroups, sizeof(*t->groups)));
	t->ngroups = ngroups;
	for (i = 0; i < ngroups; i++) {
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

void
fx_open(struct fx *x, const char *dir)
{
	struct store_opts	o = { .dir = dir };
	char			err[256];

	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
	assert_int_equal(store_screen_enable(x->st, NULL, err, sizeof(err)),
	    0);
}

void
fx_close(struct fx *x)
{
	store_screen_disable(x->st);
	store_close(x->st);
	x->st = NULL;
}

struct fx *
fx_new(const char *tag, const char *const *groups, size_t ngroups)
{
	struct fx	*x;
	int		 i;

	assert_int_equal(hash_init(), 0);
	assert_non_null(x = calloc(1, sizeof(*x)));
	snprintf(x->tmp, sizeof(x->tmp), "/tmp/lcn-test-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(x->tmp));
	snprintf(x->data, sizeof(x->data), "%s/data", x->tmp);
	x->key[JP] = test_key_make(x->tmp, "jp");
	x->key[US] = test_key_make(x->tmp, "us");
	for (i = 0; i < NAGENCIES; i++)
		trust_make(x, i, groups, ngroups);
	x->step = 1;
	fx_open(x, x->data);
	return x;
}

int
fx_free(struct fx *x)
{
	char	cmd[128];
	int	i;

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

void
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
	if (x->step) {
		assert_int_equal(store_screen_catch_up(x->st, 0, &left), 0);
		assert_int_equal(left, 0);
	}
}

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

void
dump_tables_of(const char *dir, const char *const *tables, size_t ntables,
    const char *no_keys, struct dump *dp, size_t *rows)
{
	MDB_env		*env;
	MDB_txn		*txn;
	MDB_dbi		 dbi;
	MDB_cursor	*c;
	MDB_val		 k, d;
	size_t		 i;
	int		 rc, keys;

	memset(dp, 0, sizeof(*dp));
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 32), 0);
	assert_int_equal(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	for (i = 0; i < ntables; i++) {
		rows[i] = 0;
		keys = no_keys == NULL || strcmp(tables[i], no_keys) != 0;
		assert_int_equal(mdb_dbi_open(txn, tables[i], 0, &dbi), 0);
		dump_put(dp, tables[i], strlen(tables[i]));
		assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
		for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
			if (keys)
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
