/*
 * The ledger store against a real LMDB environment in a temporary
 * directory: every acceptance check of DESIGN.md section 3, with the
 * assertion after each rejection that nothing moved; duplicates,
 * equivocation, publishing, reopening, ranges, and store_verify() on a
 * clean and on a tampered ledger. Keys are generated per test.
 */
#include <sys/stat.h>

#include <fcntl.h>
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

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lcn.pb-c.h"

#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "test_keys.h"
#include "test_tmpdir.h"
#include "trust.h"
#include "util.h"
#include "entry.h"

#define T0		1700000000000ull	/* created_ms of test entries */
#define BODY_PAD	300

struct fx {
	char		 tmp[TEST_TMPDIR_MAX];	/* removed at teardown */
	char		 data[PATH_MAX];	/* the data directory */
	struct store	*st;
	struct trust	 trust;
	struct sig_key	*self, *us, *us_old, *de, *rogue, *ghost;
};

/* A feed as its origin builds it. */
struct chain {
	struct feed_id		feed;
	uint64_t		seq;
	uint8_t			hash[HASH_LEN];
	struct merkle_range	range;
	const struct sig_key	*key;
	uint64_t		created_ms;
	const char		*tag;		/* goes into each body's ref */
};

enum mut { MUT_NONE, MUT_BADSIG, MUT_PREV_HASH, MUT_PREV_ROOT };

static struct sig_pubkey *
pub_of(const struct sig_key *k)
{
	struct sig_pubkey *p;

	assert_int_equal(sig_pubkey_from_raw(sig_pubkey_raw(
	    sig_key_public(k)), &p), 0);
	return p;
}

static void
add_group(struct trust *t, const char *name, int n, ...)
{
	struct trust_group	*g = &t->groups[t->ngroups++];
	va_list			 ap;
	int			 i;

	snprintf(g->name, sizeof(g->name), "%s", name);
	g->members = calloc(n, sizeof(*g->members));
	assert_non_null(g->members);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		snprintf(g->members[i], sizeof(g->members[i]), "%s",
		    va_arg(ap, const char *));
	va_end(ap);
	g->nmembers = n;
}

static int
fx_open(struct fx *x)
{
	struct store_opts	o = { .dir = x->data };
	char			err[256];

	return store_open(&o, &x->st, err, sizeof(err));
}

static int
setup(void **state)
{
	struct fx	*x;
	struct trust	*t;

	assert_int_equal(hash_init(), 0);
	assert_non_null(x = calloc(1, sizeof(*x)));
	assert_int_equal(test_tmpdir_make(x->tmp, sizeof(x->tmp), "ledger"), 0);
	snprintf(x->data, sizeof(x->data), "%s/data", x->tmp);
	x->self = test_key_make(x->tmp, "self");
	x->us = test_key_make(x->tmp, "us");
	x->us_old = test_key_make(x->tmp, "us_old");
	x->de = test_key_make(x->tmp, "de");
	x->rogue = test_key_make(x->tmp, "rogue");
	x->ghost = test_key_make(x->tmp, "ghost");

	t = &x->trust;
	snprintf(t->self, sizeof(t->self), "JP-METI");
	assert_non_null(t->agencies = calloc(3, sizeof(*t->agencies)));
	t->nagencies = 3;
	snprintf(t->agencies[0].id, sizeof(t->agencies[0].id), "JP-METI");
	t->agencies[0].keys[0].pub = pub_of(x->self);
	t->agencies[0].nkeys = 1;
	snprintf(t->agencies[1].id, sizeof(t->agencies[1].id), "US-BIS");
	t->agencies[1].keys[0].pub = pub_of(x->us);
	t->agencies[1].keys[1].pub = pub_of(x->us_old);
	t->agencies[1].keys[1].valid_from_ms = 1;
	t->agencies[1].keys[1].valid_until_ms = 1000;
	t->agencies[1].nkeys = 2;
	snprintf(t->agencies[2].id, sizeof(t->agencies[2].id), "DE-BAFA");
	t->agencies[2].keys[0].pub = pub_of(x->de);
	t->agencies[2].nkeys = 1;
	assert_non_null(t->groups = calloc(4, sizeof(*t->groups)));
	add_group(t, "WA", 3, "DE-BAFA", "JP-METI", "US-BIS");
	add_group(t, "NSG", 2, "DE-BAFA", "US-BIS");	/* not this node */
	add_group(t, "MTCR", 2, "JP-METI", "US-BIS");	/* not DE-BAFA */
	add_group(t, "AG", 3, "JP-METI", "US-BIS", "XX-GHOST");

	assert_int_equal(fx_open(x), 0);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*x = *state;

	store_close(x->st);
	trust_free(&x->trust);
	sig_key_free(x->self);
	sig_key_free(x->us);
	sig_key_free(x->us_old);
	sig_key_free(x->de);
	sig_key_free(x->rogue);
	sig_key_free(x->ghost);
	if (test_tmpdir_remove(x->tmp) != 0)
		return -1;
	free(x);
	return 0;
}

/* ---------------------------------------------------------------- builders */

/* An Entry holding only a ControlStatus body, packed into out. */
static size_t
make_body(uint8_t *out, size_t outsz, const char *tag, uint64_t n,
    size_t pad)
{
	Lcn__ControlStatus	cs = LCN__CONTROL_STATUS__INIT;
	Lcn__Entry		e = LCN__ENTRY__INIT;
	char			ref[96], desc[2048];

	assert_true(pad < sizeof(desc));
	snprintf(ref, sizeof(ref), "%s/CS/%llu", tag, (unsigned long long)n);
	memset(desc, 'x', pad);
	desc[pad] = '\0';
	cs.ref = ref;
	cs.regime = "WA";
	cs.control_entry = "3A001.b.1";
	cs.description = desc;
	cs.stage = LCN__CONTROL_STAGE__STAGE_AGREED;
	e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	e.control_status = &cs;
	assert_true(lcn__entry__get_packed_size(&e) <= outsz);
	return lcn__entry__pack(&e, out);
}

static struct bytes
sign_entry(const struct sig_key *k, const struct entry_view *v,
    const uint8_t *body, size_t blen, int badsig)
{
	uint8_t		buf[4096], sig[SIG_LEN], *out;
	size_t		hl, outlen;
	struct bytes	b;

	assert_true((hl = entry_encode_header(v, buf, sizeof(buf))) > 0);
	assert_true(hl + blen <= sizeof(buf));
	memcpy(buf + hl, body, blen);
	assert_int_equal(sig_sign_entry(k, buf, hl + blen, sig), 0);
	if (badsig)
		sig[7] ^= 0x20;
	assert_int_equal(entry_encode_signed(buf, hl + blen, sig, &out,
	    &outlen), 0);
	b.ptr = out;
	b.len = outlen;
	return b;
}

static void
chain_init(struct chain *c, const char *origin, const char *group,
    const struct sig_key *k)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->feed.origin, sizeof(c->feed.origin), "%s", origin);
	snprintf(c->feed.group, sizeof(c->feed.group), "%s", group);
	merkle_init(&c->range);
	c->key = k;
	c->created_ms = T0;
	c->tag = origin;
}

/* The next entry of c, possibly spoiled; c advances past it either way. */
static struct bytes
chain_next(struct chain *c, enum mut mut)
{
	struct entry_view	v;
	struct bytes		b;
	uint8_t			body[4096], leaf[HASH_LEN];
	size_t			blen;

	memset(&v, 0, sizeof(v));
	v.feed = c->feed;
	v.seq = c->seq + 1;
	memcpy(v.prev_hash, c->hash, HASH_LEN);
	merkle_root(&c->range, v.prev_root);
	v.created_ms = c->created_ms;
	memcpy(v.key_id, sig_pubkey_id(sig_key_public(c->key)), KEY_ID_LEN);
	if (mut == MUT_PREV_HASH)
		v.prev_hash[0] ^= 1;
	if (mut == MUT_PREV_ROOT)
		v.prev_root[31] ^= 1;
	blen = make_body(body, sizeof(body), c->tag, v.seq, BODY_PAD);
	b = sign_entry(c->key, &v, body, blen, mut == MUT_BADSIG);
	hash_leaf(b.ptr, b.len, leaf);
	c->seq++;
	memcpy(c->hash, leaf, HASH_LEN);
	assert_int_equal(merkle_append(&c->range, leaf), 0);
	return b;
}

static void
chain_batch(struct chain *c, struct bytes *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = chain_next(c, MUT_NONE);
}

static void
free_batch(struct bytes *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((void *)b[i].ptr);
		b[i].ptr = NULL;
	}
}

static int
append(struct fx *x, const struct chain *c, uint64_t first,
    const struct bytes *b, size_t n, enum store_verify mode,
    struct append_result *res)
{
	return store_append(x->st, &x->trust, &c->feed, first, b, n, mode,
	    res);
}

/* Appends n fresh entries of c and checks they went in. */
static void
grow(struct fx *x, struct chain *c, size_t n)
{
	struct bytes		b[64];
	struct append_result	res;
	uint64_t		first = c->seq + 1;

	assert_true(n <= 64);
	chain_batch(c, b, n);
	assert_int_equal(append(x, c, first, b, n, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.accepted, n);
	assert_int_equal(res.head.seq, c->seq);
	append_result_free(&res);
	free_batch(b, n);
}

static uint64_t
entries_held(struct fx *x)
{
	struct store_stats ss;

	assert_int_equal(store_stats(x->st, &ss), 0);
	return ss.entries;
}

/*
 * The rejection contract: res says nothing was accepted, the head, root
 * and verified mark are what they were, no entry beyond the head can be
 * read, and the table holds no more entries than before.
 */
static void
assert_nothing_moved(struct fx *x, const struct feed_id *f,
    const struct feed_state *before, uint64_t held_before,
    const struct append_result *res)
{
	struct feed_state	now;
	struct store_range	rg;

	assert_int_equal(res->accepted, 0);
	assert_int_equal(res->head.seq, before->seq);
	assert_int_equal(store_feed(x->st, f->origin, f->group, &now), 0);
	assert_int_equal(now.seq, before->seq);
	assert_memory_equal(now.hash, before->hash, HASH_LEN);
	assert_memory_equal(now.root, before->root, HASH_LEN);
	assert_int_equal(now.verified, before->verified);
	assert_int_equal(now.frozen, before->frozen);
	assert_int_equal(store_read(x->st, f, before->seq + 1, UINT64_MAX, 0,
	    0, &rg), 0);
	assert_int_equal(rg.nitems, 0);
	store_range_free(&rg);
	assert_int_equal(entries_held(x), held_before);
}

/*
 * Offers b (n entries from first) and expects rejection with code at
 * bad_seq, with nothing stored.
 */
static void
expect_reject(struct fx *x, const struct feed_id *f, uint64_t first,
    const struct bytes *b, size_t n, enum store_verify mode, int code,
    uint64_t bad_seq)
{
	struct feed_state	before;
	struct append_result	res;
	uint64_t		held;

	assert_int_equal(store_feed(x->st, f->origin, f->group, &before), 0);
	held = entries_held(x);
	assert_int_equal(store_append(x->st, &x->trust, f, first, b, n, mode,
	    &res), code);
	assert_int_equal(res.bad_seq, bad_seq);
	assert_true(res.reason[0] != '\0');
	assert_null(res.fork_held);
	assert_nothing_moved(x, f, &before, held, &res);
	append_result_free(&res);
}

/* ------------------------------------------------------------ acceptance */

static void
store_open_creates_the_data_dir_private(void **state)
{
	struct fx	*x = *state;
	struct stat	 sb;

	assert_int_equal(stat(x->data, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
}

static void
append_accepts_a_valid_batch_and_advances_the_head(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[5];
	struct append_result	 res;
	struct feed_state	 fs;
	struct store_range	 rg;
	uint8_t			 root[HASH_LEN];
	size_t			 i;

	chain_init(&c, "US-BIS", "WA", x->us);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.seq, 0);
	merkle_root(&c.range, root);
	assert_memory_equal(fs.root, root, HASH_LEN);	/* empty tree */

	chain_batch(&c, b, 5);
	assert_int_equal(append(x, &c, 1, b, 5, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.accepted, 5);
	assert_int_equal(res.duplicates, 0);
	assert_int_equal(res.bad_seq, 0);
	assert_int_equal(res.head.seq, 5);
	assert_int_equal(res.head.verified, 5);
	assert_memory_equal(res.head.hash, c.hash, HASH_LEN);
	merkle_root(&c.range, root);
	assert_memory_equal(res.head.root, root, HASH_LEN);
	assert_string_equal(res.head.feed.origin, "US-BIS");
	assert_int_equal(res.head.frozen, 0);
	append_result_free(&res);

	assert_int_equal(store_read(x->st, &c.feed, 1, 5, 0, 0, &rg), 0);
	assert_int_equal(rg.first_seq, 1);
	assert_int_equal(rg.nitems, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(rg.items[i].len, b[i].len);
		assert_memory_equal(rg.items[i].ptr, b[i].ptr, b[i].len);
	}
	store_range_free(&rg);
	assert_int_equal(entries_held(x), 5);
	free_batch(b, 5);
}

static void
append_verify_last_holds_the_verified_mark_until_marked(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[4];
	struct append_result	 res;
	struct feed_state	 fs;

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 2);
	chain_batch(&c, b, 4);
	assert_int_equal(append(x, &c, 3, b, 4, STORE_VERIFY_LAST, &res), 0);
	assert_int_equal(res.head.seq, 6);
	assert_int_equal(res.head.verified, 2);
	append_result_free(&res);

	assert_int_equal(store_mark_verified(x->st, &c.feed, 4), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 4);
	/* Never lowered, never above the head. */
	assert_int_equal(store_mark_verified(x->st, &c.feed, 3), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 4);
	assert_int_equal(store_mark_verified(x->st, &c.feed, 99), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.verified, 6);
	free_batch(b, 4);
}

static void
append_counts_duplicates_and_stores_only_new_entries(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, replay;
	struct bytes		 b[5];
	struct append_result	 res;

	chain_init(&c, "DE-BAFA", "WA", x->de);
	replay = c;
	grow(x, &c, 3);
	chain_batch(&replay, b, 5);
	assert_int_equal(append(x, &c, 1, b, 5, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.duplicates, 3);
	assert_int_equal(res.accepted, 2);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);
	assert_int_equal(entries_held(x), 5);

	/* All duplicates: nothing to do, success. */
	assert_int_equal(append(x, &c, 2, b + 1, 3, STORE_VERIFY_ALL, &res),
	    0);
	assert_int_equal(res.duplicates, 3);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);
	free_batch(b, 5);
}

/* ------------------------------------------------------------ rejections */

static void
append_rejects_malformed_entry(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];
	static const uint8_t junk[] = { 0x0a, 0x03, 'a', 'b', 'c', 0xff };

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 2);
	b[0] = chain_next(&c, MUT_NONE);
	b[1].ptr = junk;
	b[1].len = sizeof(junk);
	expect_reject(x, &c.feed, 3, b, 2, STORE_VERIFY_ALL, LCN_EPROTO, 4);
	free_batch(b, 1);
}

static void
append_rejects_entry_of_another_origin(void **state)
{
	struct fx	*x = *state;
	struct chain	 c, other;
	struct bytes	 b[1];

	chain_init(&c, "US-BIS", "WA", x->us);
	chain_init(&other, "DE-BAFA", "WA", x->de);
	b[0] = chain_next(&other, MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EPROTO, 1);
	free_batch(b, 1);
}

static void
append_rejects_seq_that_contradicts_first_seq(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_NONE);
	/* Entry 2 offered where the batch says seq 1. */
	expect_reject(x, &c.feed, 1, b + 1, 1, STORE_VERIFY_ALL, LCN_EPROTO,
	    1);
	free_batch(b, 2);
}

static void
append_rejects_unknown_group(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	chain_init(&c, "US-BIS", "ZZ", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EGROUP, 1);
	free_batch(b, 1);
}

static void
append_rejects_origin_not_in_group(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	chain_init(&c, "DE-BAFA", "MTCR", x->de);
	b[0] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_ENOTMEMBER,
	    1);
	free_batch(b, 1);
}

static void
append_rejects_group_this_node_is_not_in(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	chain_init(&c, "US-BIS", "NSG", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_ENOTMEMBER,
	    1);
	free_batch(b, 1);
}

static void
append_rejects_unknown_origin(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[1];

	/* A member of AG that is no configured agency. */
	chain_init(&c, "XX-GHOST", "AG", x->ghost);
	b[0] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EORIGIN, 1);
	free_batch(b, 1);
}

static void
append_rejects_unknown_key(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 1);
	b[0] = chain_next(&c, MUT_NONE);
	c.key = x->rogue;
	b[1] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 2, b, 2, STORE_VERIFY_ALL, LCN_EKEY, 3);
	free_batch(b, 2);
}

static void
append_rejects_key_outside_its_validity_window(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, old;
	struct bytes		 b[1];
	struct append_result	 res;

	chain_init(&c, "US-BIS", "WA", x->us);
	c.key = x->us_old;		/* valid 1..1000 ms only */
	old = c;
	b[0] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 1, STORE_VERIFY_ALL, LCN_EKEY, 1);
	free_batch(b, 1);

	/* The same key inside its window is fine. */
	old.created_ms = 500;
	b[0] = chain_next(&old, MUT_NONE);
	assert_int_equal(append(x, &old, 1, b, 1, STORE_VERIFY_ALL, &res), 0);
	assert_int_equal(res.accepted, 1);
	append_result_free(&res);
	free_batch(b, 1);
}

static void
append_rejects_a_gap(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[3];

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 2);
	b[0] = chain_next(&c, MUT_NONE);	/* 3, withheld */
	b[1] = chain_next(&c, MUT_NONE);
	b[2] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 4, b + 1, 2, STORE_VERIFY_ALL, LCN_EGAP, 4);
	free_batch(b, 3);
}

static void
append_rejects_bad_prev_hash(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 2);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_PREV_HASH);
	expect_reject(x, &c.feed, 3, b, 2, STORE_VERIFY_ALL, LCN_ECHAIN, 4);
	free_batch(b, 2);
}

static void
append_rejects_bad_prev_root(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[2];

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 3);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_PREV_ROOT);
	expect_reject(x, &c.feed, 4, b, 2, STORE_VERIFY_ALL, LCN_EROOT, 5);
	free_batch(b, 2);
}

static void
append_rejects_bad_signature_on_last_entry_with_verify_last(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[3];

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 1);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_NONE);
	b[2] = chain_next(&c, MUT_BADSIG);
	expect_reject(x, &c.feed, 2, b, 3, STORE_VERIFY_LAST, LCN_EBADSIG, 4);
	free_batch(b, 3);
}

static void
append_rejects_bad_signature_on_middle_entry_with_verify_all(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[3];

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 1);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_BADSIG);
	b[2] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 2, b, 3, STORE_VERIFY_ALL, LCN_EBADSIG, 3);
	free_batch(b, 3);
}

static void
append_stores_nothing_of_a_batch_with_one_bad_entry(void **state)
{
	struct fx	*x = *state;
	struct chain	 c;
	struct bytes	 b[10];
	size_t		 i;

	chain_init(&c, "DE-BAFA", "WA", x->de);
	for (i = 0; i < 10; i++)
		b[i] = chain_next(&c, i == 6 ? MUT_PREV_ROOT : MUT_NONE);
	expect_reject(x, &c.feed, 1, b, 10, STORE_VERIFY_LAST, LCN_EROOT, 7);
	free_batch(b, 10);
}

/* --------------------------------------------------------- equivocation */

/* A second, validly signed entry for seq of a feed whose head is past it. */
static struct bytes
fork_entry(const struct chain *c0, uint64_t seq, const char *tag)
{
	struct chain	c = *c0;
	struct bytes	b[64];
	struct bytes	out;

	/* Rebuild the chain below seq from scratch, then diverge. */
	chain_init(&c, c0->feed.origin, c0->feed.group, c0->key);
	assert_true(seq <= 64);
	chain_batch(&c, b, seq - 1);
	free_batch(b, seq - 1);
	c.tag = tag;
	out = chain_next(&c, MUT_NONE);
	return out;
}

static void
append_detects_equivocation_stores_evidence_and_freezes(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 alt, b[1];
	struct append_result	 res;
	struct store_range	 held;
	struct fork_record	*forks;
	struct feed_state	 fs;
	struct store_stats	 ss;
	size_t			 nforks;

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 3);
	alt = fork_entry(&c, 2, "FORK");
	assert_int_equal(store_read(x->st, &c.feed, 2, 2, 0, 0, &held), 0);

	assert_int_equal(append(x, &c, 2, &alt, 1, STORE_VERIFY_ALL, &res),
	    LCN_EFORK);
	assert_int_equal(res.bad_seq, 2);
	assert_int_equal(res.accepted, 0);
	assert_int_equal(res.fork_held_len, held.items[0].len);
	assert_memory_equal(res.fork_held, held.items[0].ptr,
	    held.items[0].len);
	assert_int_equal(res.fork_offered_len, alt.len);
	assert_memory_equal(res.fork_offered, alt.ptr, alt.len);
	assert_int_equal(res.head.seq, 3);
	assert_int_equal(res.head.frozen, 1);
	assert_int_equal(res.head.frozen_seq, 2);
	append_result_free(&res);

	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &fs), 0);
	assert_int_equal(fs.frozen, 1);
	assert_int_equal(fs.frozen_seq, 2);
	assert_int_equal(store_forks(x->st, &forks, &nforks), 0);
	assert_int_equal(nforks, 1);
	assert_string_equal(forks[0].feed.origin, "US-BIS");
	assert_string_equal(forks[0].feed.group, "WA");
	assert_int_equal(forks[0].seq, 2);
	assert_true(forks[0].detected_ms > 0);
	assert_int_equal(forks[0].first_len, held.items[0].len);
	assert_memory_equal(forks[0].first, held.items[0].ptr,
	    held.items[0].len);
	assert_int_equal(forks[0].second_len, alt.len);
	assert_memory_equal(forks[0].second, alt.ptr, alt.len);
	store_forks_free(forks, nforks);

	/* Frozen: the next entry is refused, and nothing moves. */
	b[0] = chain_next(&c, MUT_NONE);
	expect_reject(x, &c.feed, 4, b, 1, STORE_VERIFY_ALL, LCN_EFROZEN, 4);
	free_batch(b, 1);

	/* The same fork again: still a fork, one record. */
	assert_int_equal(append(x, &c, 2, &alt, 1, STORE_VERIFY_ALL, &res),
	    LCN_EFORK);
	append_result_free(&res);
	assert_int_equal(store_stats(x->st, &ss), 0);
	assert_int_equal(ss.forks, 1);

	store_range_free(&held);
	free((void *)alt.ptr);
}

static void
append_rejects_a_badly_signed_fork_without_freezing(void **state)
{
	struct fx	*x = *state;
	struct chain	 c, alt;
	struct bytes	 bad;

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 2);
	chain_init(&alt, "US-BIS", "WA", x->us);
	alt.tag = "FORGED";
	bad = chain_next(&alt, MUT_BADSIG);
	expect_reject(x, &c.feed, 1, &bad, 1, STORE_VERIFY_ALL, LCN_EBADSIG,
	    1);
	free_batch(&bad, 1);
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static void
append_rejects_a_rewrapped_entry_without_freezing(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, replay;
	struct bytes		 b[2], rw;
	struct entry_view	 v;
	uint8_t			*p;
	size_t			 n = 0;
	char			 err[128];

	chain_init(&c, "US-BIS", "WA", x->us);
	replay = c;
	grow(x, &c, 2);
	chain_batch(&replay, b, 2);
	/* Same Entry and signature, SignedEntry fields in reverse order. */
	assert_int_equal(entry_parse(b[1].ptr, b[1].len, &v, err,
	    sizeof(err)), 0);
	assert_non_null(p = malloc(b[1].len + 16));
	p[n++] = 0x12;
	n += put_varint(p + n, SIG_LEN);
	memcpy(p + n, v.sig, SIG_LEN);
	n += SIG_LEN;
	p[n++] = 0x0a;
	n += put_varint(p + n, v.entry.len);
	memcpy(p + n, v.entry.ptr, v.entry.len);
	n += v.entry.len;
	rw.ptr = p;
	rw.len = n;
	assert_true(rw.len != b[1].len || memcmp(rw.ptr, b[1].ptr, n) != 0);

	/*
	 * Anyone can rewrap a signed entry, so that must never freeze a
	 * feed: entry_parse() accepts only the canonical wrapping.
	 */
	expect_reject(x, &c.feed, 2, &rw, 1, STORE_VERIFY_ALL, LCN_EPROTO, 2);
	free(p);
	free_batch(b, 2);
}

static void
add_equivocation_checks_and_records_a_peer_proof(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, d;
	struct bytes		 a, b, bad, later;
	struct feed_id		 f;
	struct feed_state	 fs;
	uint64_t		 seq;

	chain_init(&c, "DE-BAFA", "WA", x->de);
	d = c;
	d.tag = "OTHER";
	a = chain_next(&c, MUT_NONE);
	b = chain_next(&d, MUT_NONE);
	later = chain_next(&c, MUT_NONE);

	/* Not a proof: the same entry, or entries of different seqs. */
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &a, &f,
	    &seq), LCN_EPROTO);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &later,
	    &f, &seq), LCN_EPROTO);
	assert_int_equal(seq, 0);
	/* A bad signature proves nothing. */
	chain_init(&d, "DE-BAFA", "WA", x->de);
	d.tag = "FORGED";
	bad = chain_next(&d, MUT_BADSIG);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &bad,
	    &f, &seq), LCN_EBADSIG);
	assert_int_equal(store_feed(x->st, "DE-BAFA", "WA", &fs), 0);
	assert_int_equal(fs.frozen, 0);

	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &b, &f,
	    &seq), 0);
	assert_string_equal(f.origin, "DE-BAFA");
	assert_string_equal(f.group, "WA");
	assert_int_equal(seq, 1);
	assert_int_equal(store_feed(x->st, "DE-BAFA", "WA", &fs), 0);
	assert_int_equal(fs.frozen, 1);
	assert_int_equal(fs.frozen_seq, 1);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &b, &a, &f,
	    &seq), LCN_EDUP);
	expect_reject(x, &c.feed, 1, &a, 1, STORE_VERIFY_ALL, LCN_EFROZEN, 1);

	free_batch(&a, 1);
	free_batch(&b, 1);
	free_batch(&bad, 1);
	free_batch(&later, 1);
}

/* ------------------------------------------------------------- publish */

static void
publish_signs_chains_and_stores_own_entries(void **state)
{
	struct fx		*x = *state;
	uint8_t			 body[3][1024];
	struct bytes		 bodies[3];
	struct append_result	 res;
	struct store_range	 rg;
	struct entry_view	 v;
	struct chain		 check;
	uint8_t			 root[HASH_LEN], leaf[HASH_LEN];
	char			 err[128];
	size_t			 i;

	for (i = 0; i < 3; i++) {
		bodies[i].len = make_body(body[i], sizeof(body[i]), "JP-METI",
		    i + 1, BODY_PAD);
		bodies[i].ptr = body[i];
	}
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    bodies, 3, T0, &res), 0);
	assert_int_equal(res.accepted, 3);
	assert_int_equal(res.head.seq, 3);
	assert_int_equal(res.head.verified, 3);
	append_result_free(&res);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    bodies, 2, T0 + 1, &res), 0);
	assert_int_equal(res.head.seq, 5);
	append_result_free(&res);

	/* What a partner would check. */
	chain_init(&check, "JP-METI", "WA", x->self);
	assert_int_equal(store_read(x->st, &check.feed, 1, 5, 0, 0, &rg), 0);
	assert_int_equal(rg.nitems, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(entry_parse(rg.items[i].ptr,
		    rg.items[i].len, &v, err, sizeof(err)), 0);
		assert_string_equal(v.feed.origin, "JP-METI");
		assert_string_equal(v.feed.group, "WA");
		assert_int_equal(v.seq, i + 1);
		assert_int_equal(v.body_type, LCN__ENTRY__BODY_CONTROL_STATUS);
		assert_memory_equal(v.prev_hash, check.hash, HASH_LEN);
		merkle_root(&check.range, root);
		assert_memory_equal(v.prev_root, root, HASH_LEN);
		assert_memory_equal(v.key_id, sig_pubkey_id(sig_key_public(
		    x->self)), KEY_ID_LEN);
		assert_int_equal(sig_verify_entry(sig_key_public(x->self),
		    v.entry.ptr, v.entry.len, v.sig), 0);
		hash_leaf(rg.items[i].ptr, rg.items[i].len, leaf);
		memcpy(check.hash, leaf, HASH_LEN);
		merkle_append(&check.range, leaf);
	}
	store_range_free(&rg);
}

/* An Entry body that also sets a header field. */
static size_t
make_body_with_header(uint8_t *out, size_t outsz, int field)
{
	Lcn__ControlStatus	cs = LCN__CONTROL_STATUS__INIT;
	Lcn__Entry		e = LCN__ENTRY__INIT;
	static uint8_t		zero[HASH_LEN];

	cs.ref = "JP-METI/CS/X";
	cs.control_entry = "1C001";
	e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	e.control_status = &cs;
	switch (field) {
	case 1:
		e.origin = "US-BIS";
		break;
	case 3:
		e.seq = 77;
		break;
	case 4:
		e.prev_hash.data = zero;
		e.prev_hash.len = HASH_LEN;
		break;
	case 7:
		e.key_id.data = zero;
		e.key_id.len = KEY_ID_LEN;
		break;
	}
	assert_true(lcn__entry__get_packed_size(&e) <= outsz);
	return lcn__entry__pack(&e, out);
}

static void
publish_rejects_a_body_that_sets_a_header_field(void **state)
{
	struct fx		*x = *state;
	static const int	 fields[] = { 1, 3, 4, 7 };
	uint8_t			 body[2][1024];
	struct bytes		 bodies[2];
	struct append_result	 res;
	struct feed_state	 before;
	uint64_t		 held;
	size_t			 i;

	bodies[0].len = make_body(body[0], sizeof(body[0]), "JP-METI", 1,
	    BODY_PAD);
	bodies[0].ptr = body[0];
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
	    bodies, 1, T0, &res), 0);
	append_result_free(&res);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		assert_int_equal(store_feed(x->st, "JP-METI", "WA", &before),
		    0);
		held = entries_held(x);
		bodies[1].len = make_body_with_header(body[1],
		    sizeof(body[1]), fields[i]);
		bodies[1].ptr = body[1];
		assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA",
		    bodies, 2, T0, &res), LCN_EPROTO);
		assert_int_equal(res.bad_seq, 3);
		assert_nothing_moved(x, &before.feed, &before, held, &res);
		append_result_free(&res);
	}
}

static void
publish_rejects_invalid_bodies_groups_and_keys(void **state)
{
	struct fx		*x = *state;
	static const uint8_t	 junk[] = { 0xff, 0xff, 0xff };
	uint8_t			 body[1024];
	struct bytes		 b;
	struct append_result	 res;

	b.ptr = junk;
	b.len = sizeof(junk);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA", &b, 1,
	    T0, &res), LCN_EPROTO);
	assert_int_equal(res.head.seq, 0);
	append_result_free(&res);

	b.len = make_body(body, sizeof(body), "JP-METI", 1, 10);
	b.ptr = body;
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "NSG", &b, 1,
	    T0, &res), LCN_ENOTMEMBER);
	append_result_free(&res);
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "ZZ", &b, 1,
	    T0, &res), LCN_EGROUP);
	append_result_free(&res);
	/* A key partners do not hold for us. */
	assert_int_equal(store_publish(x->st, &x->trust, x->rogue, "WA", &b, 1,
	    T0, &res), LCN_EKEY);
	append_result_free(&res);
	assert_int_equal(entries_held(x), 0);
}

static void
publish_refuses_a_frozen_feed(void **state)
{
	struct fx		*x = *state;
	struct chain		 c, d;
	struct bytes		 a, b, body;
	struct append_result	 res;
	struct feed_id		 f;
	uint64_t		 seq;
	uint8_t			 buf[1024];

	chain_init(&c, "JP-METI", "WA", x->self);
	d = c;
	d.tag = "RESTORED";
	a = chain_next(&c, MUT_NONE);
	b = chain_next(&d, MUT_NONE);
	assert_int_equal(store_add_equivocation(x->st, &x->trust, &a, &b, &f,
	    &seq), 0);
	body.len = make_body(buf, sizeof(buf), "JP-METI", 1, 10);
	body.ptr = buf;
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "WA", &body,
	    1, T0, &res), LCN_EFROZEN);
	assert_int_equal(res.head.seq, 0);
	append_result_free(&res);
	free_batch(&a, 1);
	free_batch(&b, 1);
}

static void
publish_reports_a_full_map_and_stores_nothing(void **state)
{
	struct fx		*x = *state;
	struct store_opts	 o = { .map_size = 1u << 20 };
	char			 err[256], small[PATH_MAX];
	static uint8_t		 body[200][1024];
	struct bytes		 bodies[200];
	struct append_result	 res;
	struct feed_state	 before;
	uint64_t		 held;
	size_t			 i;
	int			 r = 0, rounds;

	snprintf(small, sizeof(small), "%s/small", x->tmp);
	o.dir = small;
	store_close(x->st);
	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
	for (i = 0; i < 200; i++) {
		bodies[i].len = make_body(body[i], sizeof(body[i]), "JP-METI",
		    i, 600);
		bodies[i].ptr = body[i];
	}
	for (rounds = 0; rounds < 100; rounds++) {
		assert_int_equal(store_feed(x->st, "JP-METI", "WA", &before),
		    0);
		held = entries_held(x);
		r = store_publish(x->st, &x->trust, x->self, "WA", bodies, 200,
		    T0, &res);
		if (r != 0)
			break;
		append_result_free(&res);
	}
	assert_int_equal(r, LCN_EFULL);
	assert_nothing_moved(x, &before.feed, &before, held, &res);
	append_result_free(&res);
}

/* ------------------------------------------------------- reopen, read */

static void
reopen_keeps_the_ledger(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct feed_state	 before, after;

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 7);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &before), 0);
	store_close(x->st);
	x->st = NULL;
	assert_int_equal(fx_open(x), 0);
	assert_int_equal(store_feed(x->st, "US-BIS", "WA", &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	/* The chain carries on from the stored compact range. */
	grow(x, &c, 6);
	assert_int_equal(entries_held(x), 13);
}

static void
read_honours_ranges_and_limits(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct store_range	 rg;
	struct feed_id		 unknown;
	size_t			 one;

	chain_init(&c, "US-BIS", "WA", x->us);
	grow(x, &c, 10);
	assert_int_equal(store_read(x->st, &c.feed, 3, 6, 0, 0, &rg), 0);
	assert_int_equal(rg.first_seq, 3);
	assert_int_equal(rg.nitems, 4);
	one = rg.items[0].len;
	assert_int_equal(rg.bytes, rg.items[0].len + rg.items[1].len +
	    rg.items[2].len + rg.items[3].len);
	assert_ptr_equal(rg.items[0].ptr, rg.buf);
	store_range_free(&rg);

	/* from 0 reads from 1; to past the head stops at the head. */
	assert_int_equal(store_read(x->st, &c.feed, 0, 1000, 0, 0, &rg), 0);
	assert_int_equal(rg.first_seq, 1);
	assert_int_equal(rg.nitems, 10);
	store_range_free(&rg);
	/* Past the head: empty. */
	assert_int_equal(store_read(x->st, &c.feed, 11, 20, 0, 0, &rg), 0);
	assert_int_equal(rg.nitems, 0);
	store_range_free(&rg);
	/* max_items, max_bytes; at least one entry even if too large. */
	assert_int_equal(store_read(x->st, &c.feed, 1, 10, 0, 3, &rg), 0);
	assert_int_equal(rg.nitems, 3);
	store_range_free(&rg);
	assert_int_equal(store_read(x->st, &c.feed, 1, 10, 1, 0, &rg), 0);
	assert_int_equal(rg.nitems, 1);
	store_range_free(&rg);
	/* Entries differ in length by a byte or so: 2.5 entries fit 2. */
	assert_int_equal(store_read(x->st, &c.feed, 1, 10, one * 5 / 2, 0,
	    &rg), 0);
	assert_int_equal(rg.nitems, 2);
	assert_true(rg.bytes <= one * 5 / 2);
	store_range_free(&rg);
	/* A feed not held. */
	memset(&unknown, 0, sizeof(unknown));
	snprintf(unknown.origin, sizeof(unknown.origin), "DE-BAFA");
	snprintf(unknown.group, sizeof(unknown.group), "WA");
	assert_int_equal(store_read(x->st, &unknown, 1, 10, 0, 0, &rg), 0);
	assert_int_equal(rg.nitems, 0);
	store_range_free(&rg);
}

static void
feeds_lists_every_feed_in_key_order(void **state)
{
	struct fx		*x = *state;
	struct chain		 a, b;
	struct feed_state	*v;
	size_t			 n;

	assert_int_equal(store_feeds(x->st, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	chain_init(&a, "US-BIS", "WA", x->us);
	chain_init(&b, "DE-BAFA", "WA", x->de);
	grow(x, &a, 2);
	grow(x, &b, 3);
	assert_int_equal(store_feeds(x->st, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].feed.origin, "DE-BAFA");
	assert_int_equal(v[0].seq, 3);
	assert_string_equal(v[1].feed.origin, "US-BIS");
	assert_int_equal(v[1].seq, 2);
	free(v);
}

/* ---------------------------------------------------------------- verify */

struct faults {
	size_t		n;
	uint64_t	seq[32];
	char		what[32][256];
};

static void
collect(void *arg, const struct feed_id *f, uint64_t seq, const char *what)
{
	struct faults *fl = arg;

	(void)f;
	if (fl->n < 32) {
		fl->seq[fl->n] = seq;
		snprintf(fl->what[fl->n], sizeof(fl->what[0]), "%s", what);
	}
	fl->n++;
}

static int
has_fault(const struct faults *fl, uint64_t seq, const char *word)
{
	size_t i;

	for (i = 0; i < fl->n && i < 32; i++)
		if (fl->seq[i] == seq && strstr(fl->what[i], word) != NULL)
			return 1;
	return 0;
}

static void
reopen_read_only(struct fx *x)
{
	struct store_opts	o = { .dir = x->data, .read_only = 1 };
	char			err[256];

	store_close(x->st);
	x->st = NULL;
	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
}

static void
verify_passes_a_clean_ledger(void **state)
{
	struct fx		*x = *state;
	struct chain		 a, b;
	struct bytes		 alt;
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };
	uint8_t			 body[1024];
	struct bytes		 bd;

	chain_init(&a, "US-BIS", "WA", x->us);
	chain_init(&b, "DE-BAFA", "WA", x->de);
	grow(x, &a, 20);
	grow(x, &b, 5);
	bd.len = make_body(body, sizeof(body), "JP-METI", 1, 10);
	bd.ptr = body;
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "MTCR", &bd,
	    1, T0, &res), 0);
	append_result_free(&res);
	alt = fork_entry(&b, 3, "FORK");
	assert_int_equal(append(x, &b, 3, &alt, 1, STORE_VERIFY_ALL, &res),
	    LCN_EFORK);
	append_result_free(&res);
	free((void *)alt.ptr);

	reopen_read_only(x);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl), 0);
	assert_int_equal(fl.n, 0);
	assert_int_equal(rep.faults, 0);
	assert_int_equal(rep.feeds, 3);
	assert_int_equal(rep.entries, 26);
	assert_int_equal(rep.signatures, 26 + 2);
	assert_int_equal(rep.forks, 1);
}

static void
read_only_store_refuses_writes(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[1];
	struct append_result	 res;
	struct store_opts	 o = { .read_only = 1 };
	struct store		*s;
	char			 err[256], missing[PATH_MAX];

	chain_init(&c, "US-BIS", "WA", x->us);
	reopen_read_only(x);
	b[0] = chain_next(&c, MUT_NONE);
	assert_int_equal(append(x, &c, 1, b, 1, STORE_VERIFY_ALL, &res),
	    LCN_ESTORE);
	append_result_free(&res);
	free_batch(b, 1);

	snprintf(missing, sizeof(missing), "%s/missing", x->tmp);
	o.dir = missing;
	assert_int_equal(store_open(&o, &s, err, sizeof(err)), LCN_EIO);
	assert_null(s);
}

/* Flips a byte of every copy of marker in the data file. */
static int
tamper(const char *dir, const char *marker)
{
	char	 path[PATH_MAX + 16];
	FILE	*f;
	uint8_t	*buf;
	long	 len;
	size_t	 mlen = strlen(marker), i;
	int	 n = 0;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_non_null(f = fopen(path, "r+b"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_non_null(buf = malloc(len));
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	for (i = 0; i + mlen <= (size_t)len; i++)
		if (memcmp(buf + i, marker, mlen) == 0) {
			buf[i] ^= 0x01;
			n++;
		}
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fwrite(buf, 1, len, f), (size_t)len);
	fclose(f);
	free(buf);
	return n;
}

static void
verify_reports_a_tampered_entry(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[12];
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };
	size_t			 i;

	chain_init(&c, "US-BIS", "WA", x->us);
	for (i = 0; i < 12; i++) {
		c.tag = i == 4 ? "TAMPERME" : "US-BIS";
		b[i] = chain_next(&c, MUT_NONE);
	}
	assert_int_equal(append(x, &c, 1, b, 12, STORE_VERIFY_ALL, &res), 0);
	append_result_free(&res);
	free_batch(b, 12);
	store_close(x->st);
	x->st = NULL;
	assert_true(tamper(x->data, "TAMPERME") >= 1);

	reopen_read_only(x);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl),
	    LCN_EINVAL);
	assert_int_equal(rep.entries, 12);
	assert_true(rep.faults >= 3);
	assert_true(fl.n >= 3 && fl.n <= rep.faults);
	assert_true(has_fault(&fl, 5, "signature"));
	assert_true(has_fault(&fl, 6, "prev_hash"));
	assert_true(has_fault(&fl, 6, "prev_root"));
}

static void
verify_reports_a_bad_signature_accepted_under_verify_last(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[3];
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };

	/* The chain covers entry 2, so the batch goes in; the pool and
	 * lcn verify catch the signature afterwards. */
	chain_init(&c, "US-BIS", "WA", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_BADSIG);
	b[2] = chain_next(&c, MUT_NONE);
	assert_int_equal(append(x, &c, 1, b, 3, STORE_VERIFY_LAST, &res), 0);
	assert_int_equal(res.head.seq, 3);
	assert_int_equal(res.head.verified, 0);
	append_result_free(&res);
	free_batch(b, 3);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl), LCN_EINVAL);
	assert_int_equal(rep.faults, 1);
	assert_true(has_fault(&fl, 2, "signature"));
}

static void
verify_checks_every_signature_across_batches(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	static struct bytes	 b[1500];
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };
	size_t			 i;

	/* More than one signature batch (1024) in one feed; one bad. */
	chain_init(&c, "DE-BAFA", "WA", x->de);
	for (i = 0; i < 1500; i++)
		b[i] = chain_next(&c, i == 1099 ? MUT_BADSIG : MUT_NONE);
	for (i = 0; i < 1500; i += 500) {
		assert_int_equal(append(x, &c, i + 1, b + i, 500,
		    STORE_VERIFY_LAST, &res), 0);
		append_result_free(&res);
	}
	free_batch(b, 1500);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl), LCN_EINVAL);
	assert_int_equal(rep.entries, 1500);
	assert_int_equal(rep.signatures, 1500);
	assert_int_equal(rep.faults, 1);
	assert_true(has_fault(&fl, 1100, "signature"));
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(store_open_creates_the_data_dir_private),
		T(append_accepts_a_valid_batch_and_advances_the_head),
		T(append_verify_last_holds_the_verified_mark_until_marked),
		T(append_counts_duplicates_and_stores_only_new_entries),
		T(append_rejects_malformed_entry),
		T(append_rejects_entry_of_another_origin),
		T(append_rejects_seq_that_contradicts_first_seq),
		T(append_rejects_unknown_group),
		T(append_rejects_origin_not_in_group),
		T(append_rejects_group_this_node_is_not_in),
		T(append_rejects_unknown_origin),
		T(append_rejects_unknown_key),
		T(append_rejects_key_outside_its_validity_window),
		T(append_rejects_a_gap),
		T(append_rejects_bad_prev_hash),
		T(append_rejects_bad_prev_root),
		T(append_rejects_bad_signature_on_last_entry_with_verify_last),
		T(append_rejects_bad_signature_on_middle_entry_with_verify_all),
		T(append_stores_nothing_of_a_batch_with_one_bad_entry),
		T(append_detects_equivocation_stores_evidence_and_freezes),
		T(append_rejects_a_badly_signed_fork_without_freezing),
		T(append_rejects_a_rewrapped_entry_without_freezing),
		T(add_equivocation_checks_and_records_a_peer_proof),
		T(publish_signs_chains_and_stores_own_entries),
		T(publish_rejects_a_body_that_sets_a_header_field),
		T(publish_rejects_invalid_bodies_groups_and_keys),
		T(publish_refuses_a_frozen_feed),
		T(publish_reports_a_full_map_and_stores_nothing),
		T(reopen_keeps_the_ledger),
		T(read_honours_ranges_and_limits),
		T(feeds_lists_every_feed_in_key_order),
		T(verify_passes_a_clean_ledger),
		T(read_only_store_refuses_writes),
		T(verify_reports_a_tampered_entry),
		T(verify_reports_a_bad_signature_accepted_under_verify_last),
		T(verify_checks_every_signature_across_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
