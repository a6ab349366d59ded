/*
 * Test fixture shared by the ledger tests: the store, the trust directory
 * and the feed builders declared in test_ledger_fx.h.
 */
#include <sys/stat.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "test_keys.h"
#include "test_ledger_fx.h"
#include "test_tmpdir.h"
#include "trust.h"
#include "util.h"

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

int
fx_open(struct fx *x)
{
	struct store_opts	o = { .dir = x->data };
	char			err[256];

	return store_open(&o, &x->st, err, sizeof(err));
}

int
fx_setup(void **state)
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

int
fx_teardown(void **state)
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
size_t
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

void
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
struct bytes
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

void
chain_batch(struct chain *c, struct bytes *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = chain_next(c, MUT_NONE);
}

void
free_batch(struct bytes *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((void *)b[i].ptr);
		b[i].ptr = NULL;
	}
}

int
fx_append(struct fx *x, const struct chain *c, uint64_t first,
    const struct bytes *b, size_t n, enum store_verify mode,
    struct append_result *res)
{
	return store_append(x->st, &x->trust, &c->feed, first, b, n, mode,
	    res);
}

/* Appends n fresh entries of c and checks they went in. */
void
fx_grow(struct fx *x, struct chain *c, size_t n)
{
	struct bytes		b[64];
	struct append_result	res;
	uint64_t		first = c->seq + 1;

	assert_true(n <= 64);
	chain_batch(c, b, n);
	assert_int_equal(fx_append(x, c, first, b, n, STORE_VERIFY_ALL, &res),
	    0);
	assert_int_equal(res.accepted, n);
	assert_int_equal(res.head.seq, c->seq);
	append_result_free(&res);
	free_batch(b, n);
}

uint64_t
fx_entries_held(struct fx *x)
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
void
fx_assert_nothing_moved(struct fx *x, const struct feed_id *f,
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
	assert_int_equal(fx_entries_held(x), held_before);
}

/*
 * Offers b (n entries from first) and expects rejection with code at
 * bad_seq, with nothing stored.
 */
void
fx_expect_reject(struct fx *x, const struct feed_id *f, uint64_t first,
    const struct bytes *b, size_t n, enum store_verify mode, int code,
    uint64_t bad_seq)
{
	struct feed_state	before;
	struct append_result	res;
	uint64_t		held;

	assert_int_equal(store_feed(x->st, f->origin, f->group, &before), 0);
	held = fx_entries_held(x);
	assert_int_equal(store_append(x->st, &x->trust, f, first, b, n, mode,
	    &res), code);
	assert_int_equal(res.bad_seq, bad_seq);
	assert_true(res.reason[0] != '\0');
	assert_null(res.fork_held);
	fx_assert_nothing_moved(x, f, &before, held, &res);
	append_result_free(&res);
}

/* A second, validly signed entry for seq of a feed whose head is past it. */
struct bytes
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

