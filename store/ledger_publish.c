/*
 * Signing and appending this node's own entries (PROTOCOL.md section 3),
 * in three steps so that the one strictly sequential part, the chain, can
 * run on a thread of its own: store_chain_load() reads the feed's head,
 * store_chain_sign() signs bodies onto it and computes each leaf hash and
 * the next root without touching LMDB, and store_chain_commit() writes
 * what was signed in one transaction, only if the feed's head is still
 * the one signing started from. store_publish() is the three in a row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <lmdb.h>

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "log.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "store_int.h"
#include "trust.h"
#include "util.h"

/* Upper bound of an Entry header as entry_encode_header() writes it. */
#define ENTRY_HEADER_MAX	512

struct store_chain {
	struct feed_id		 feed;
	const struct sig_pubkey	*pub;		/* the signing key's; borrowed */
	uint64_t		 seq;		/* head; 0: empty feed */
	uint8_t			 hash[HASH_LEN]; /* leaf hash of seq */
	uint8_t			 root[HASH_LEN]; /* root of 1..seq */
	struct merkle_range	 range;		/* range.n == seq */
};

/*
 * The feed (this node, group) is one this node may publish to, and the
 * signing key is one partners hold for it at created_ms. Fills *f and
 * *pub. 0, or an error with res set.
 */
static int
publish_check(const struct trust *t, const struct sig_key *key,
    const char *group, uint64_t created_ms, struct feed_id *f,
    const struct sig_pubkey **pub, struct append_result *res)
{
	const struct sig_pubkey	*tpub;
	int			 r;

	memset(f, 0, sizeof(*f));
	if (strlen(group) >= sizeof(f->group))
		return append_result_fail(res, 0, LCN_EGROUP, "group name too long");
	memcpy(f->origin, t->self, sizeof(f->origin));
	memcpy(f->group, group, strlen(group));
	if (!store_feed_id_valid(f))
		return append_result_fail(res, 0, LCN_EGROUP, "invalid group name");
	if ((r = trust_check_feed(t, f->origin, f->group)) != 0)
		return append_result_fail(res, 0, r, "%s", r == LCN_EGROUP ?
		    "unknown group" : "this node is not a member of the group");
	/*
	 * Sign only with a key the partners hold for us: anything else
	 * would make entries every partner rejects.
	 */
	*pub = sig_key_public(key);
	if (trust_find_key(t, f->origin, sig_pubkey_id(*pub), created_ms,
	    &tpub) != 0)
		return append_result_fail(res, 0, LCN_EKEY, "the signing key is not a "
		    "configured key of %s valid at created_ms", f->origin);
	return 0;
}

int
store_chain_load(struct store *s, const struct trust *t,
    const struct sig_key *key, const char *group, uint64_t created_ms,
    struct store_chain **out, struct append_result *res)
{
	struct store_chain	*c;
	struct feed_rec		 rec;
	MDB_txn			*txn = NULL;
	int			 r;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return LCN_ENOMEM;
	if ((r = publish_check(t, key, group, created_ms, &c->feed, &c->pub,
	    res)) != 0)
		goto out;
	if ((r = store_txn_begin(s, 1, &txn)) != 0)
		goto out;
	if ((r = store_feedrec_get(s, txn, &c->feed, &rec)) != 0 &&
	    r != LCN_ENOTFOUND)
		goto out;
	r = 0;
	if (rec.frozen) {
		r = append_result_fail(res, rec.seq + 1, LCN_EFROZEN, "feed frozen after "
		    "an equivocation at seq %" PRIu64, rec.frozen_seq);
		goto out;
	}
	c->seq = rec.seq;
	memcpy(c->hash, rec.hash, HASH_LEN);
	memcpy(c->root, rec.root, HASH_LEN);
	c->range = rec.range;
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (r != 0) {
		if (res->reason[0] == '\0')
			append_result_fail(res, res->bad_seq, r, "%s", lcn_strerror(r));
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

struct store_chain *
store_chain_copy(const struct store_chain *c)
{
	struct store_chain *n;

	if ((n = malloc(sizeof(*n))) != NULL)
		*n = *c;
	return n;
}

void
store_chain_free(struct store_chain *c)
{
	free(c);
}

const struct feed_id *
store_chain_feed(const struct store_chain *c)
{
	return &c->feed;
}

uint64_t
store_chain_seq(const struct store_chain *c)
{
	return c->seq;
}

/*
 * Signs body i as the entry whose header is v, in buf (room for
 * ENTRY_HEADER_MAX + the body), into a new SignedEntry *se the caller
 * frees. 0, or an error with res set.
 */
static int
sign_body(const struct sig_key *key, const struct entry_view *v,
    const struct bytes *body, size_t i, uint8_t *buf, uint8_t **se,
    size_t *selen, struct append_result *res)
{
	struct entry_view	 pv;
	uint8_t			 sig[SIG_LEN];
	char			 err[160];
	size_t			 hl;
	int			 r;

	hl = entry_encode_header(v, buf, ENTRY_HEADER_MAX);
	LCN_ASSERT(hl != 0);
	if (body->len > 0)
		memcpy(buf + hl, body->ptr, body->len);
	if ((r = sig_sign_entry(key, buf, hl + body->len, sig)) != 0)
		return append_result_fail(res, v->seq, r, "body %zu: signing failed", i);
	if ((r = entry_encode_signed(buf, hl + body->len, sig, se,
	    selen)) != 0)
		return append_result_fail(res, v->seq, r == LCN_EINVAL ? LCN_EPROTO : r,
		    "body %zu: entry larger than ENTRY_MAX %u", i, ENTRY_MAX);
	/*
	 * Protobuf merges concatenated messages: a body that carries a
	 * header field (1..7) silently replaces ours. Decode what was
	 * signed and insist on the header we meant.
	 */
	if (entry_parse(*se, *selen, &pv, err, sizeof(err)) != 0)
		return append_result_fail(res, v->seq, LCN_EPROTO, "body %zu: %s", i, err);
	if (strcmp(pv.feed.origin, v->feed.origin) != 0 ||
	    strcmp(pv.feed.group, v->feed.group) != 0 ||
	    pv.seq != v->seq || pv.created_ms != v->created_ms ||
	    memcmp(pv.prev_hash, v->prev_hash, HASH_LEN) != 0 ||
	    memcmp(pv.prev_root, v->prev_root, HASH_LEN) != 0 ||
	    memcmp(pv.key_id, v->key_id, KEY_ID_LEN) != 0)
		return append_result_fail(res, v->seq, LCN_EPROTO, "body %zu sets an "
		    "Entry header field (origin, group, seq, prev_hash, "
		    "prev_root, created_ms or key_id)", i);
	return 0;
}

int
store_chain_sign(struct store_chain *c, const struct sig_key *key,
    uint64_t created_ms, const struct bytes *bodies, size_t n,
    struct bytes *out, struct append_result *res)
{
	struct store_chain	 next;
	struct entry_view	 v;
	uint8_t			*buf = NULL, *se = NULL;
	size_t			 i, maxbody = 0, selen;
	int			 r = 0;

	memset(res, 0, sizeof(*res));
	memset(out, 0, n * sizeof(*out));
	for (i = 0; i < n; i++) {
		if (bodies[i].len > ENTRY_MAX - ENTRY_HEADER_MAX - SIG_LEN -
		    16)
			return append_result_fail(res, 0, LCN_EPROTO, "body %zu: %zu "
			    "bytes, too large for ENTRY_MAX %u", i,
			    bodies[i].len, ENTRY_MAX);
		if (bodies[i].len > maxbody)
			maxbody = bodies[i].len;
	}
	if (n == 0)
		return 0;
	if ((buf = malloc(ENTRY_HEADER_MAX + maxbody)) == NULL)
		return LCN_ENOMEM;
	/* Signed onto a copy: c moves only when the whole batch is signed. */
	next = *c;
	memset(&v, 0, sizeof(v));
	v.feed = c->feed;
	v.created_ms = created_ms;
	memcpy(v.key_id, sig_pubkey_id(c->pub), KEY_ID_LEN);
	for (i = 0; i < n; i++) {
		v.seq = next.seq + 1;
		memcpy(v.prev_hash, next.hash, HASH_LEN);
		memcpy(v.prev_root, next.root, HASH_LEN);
		if ((r = sign_body(key, &v, &bodies[i], i, buf, &se, &selen,
		    res)) != 0)
			goto out;
		/* What the next entry chains to: its leaf hash and root. */
		hash_leaf(se, selen, next.hash);
		if (merkle_append(&next.range, next.hash) != 0) {
			r = append_result_fail(res, v.seq, LCN_ESTORE, "seq %" PRIu64 ": "
			    "the feed has no seq left", v.seq);
			goto out;
		}
		merkle_root(&next.range, next.root);
		next.seq++;
		out[i].ptr = se;
		out[i].len = selen;
		se = NULL;
	}
	*c = next;
 out:
	free(se);
	free(buf);
	if (r != 0) {
		for (i = 0; i < n; i++)
			free((void *)out[i].ptr);
		memset(out, 0, n * sizeof(*out));
	}
	return r;
}

/* Records the key that signed the batch, once per key id and origin. */
static int
key_put(struct store *s, MDB_txn *txn, const char *origin,
    const struct sig_pubkey *pub)
{
	uint8_t	kbuf[KEYS_KEY_MAX];
	MDB_val	k, d;
	int	rc;

	k.mv_size = store_keys_key(sig_pubkey_id(pub), origin, kbuf);
	k.mv_data = kbuf;
	d.mv_size = PUBKEY_LEN;
	d.mv_data = (void *)sig_pubkey_raw(pub);
	rc = mdb_put(txn, s->keys, &k, &d, MDB_NOOVERWRITE);
	if (rc != 0 && rc != MDB_KEYEXIST)
		return store_lmdb_err("keys put", rc);
	return 0;
}

int
store_chain_commit(struct store *s, const struct store_chain *base,
    const struct store_chain *end, const struct bytes *entries, size_t n,
    struct append_result *res)
{
	const struct feed_id	*f = &base->feed;
	struct feed_rec		 rec;
	uint8_t			 key[ENTRY_KEY_LEN];
	MDB_txn			*txn = NULL;
	MDB_val			 k, d;
	uint64_t		 oldhead, seq = base->seq;
	size_t			 i;
	int			 r, rc;

	memset(res, 0, sizeof(*res));
	LCN_ASSERT(end->seq == base->seq + n);
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		goto out;
	if ((r = store_feedrec_get(s, txn, f, &rec)) != 0 &&
	    r != LCN_ENOTFOUND)
		goto out;
	r = 0;
	if (rec.frozen) {
		r = append_result_fail(res, rec.seq + 1, LCN_EFROZEN, "feed frozen after "
		    "an equivocation at seq %" PRIu64, rec.frozen_seq);
		goto out;
	}
	/*
	 * The batch chains onto the head signing started from; if anything
	 * else reached the feed since (a batch before it that failed to
	 * commit), these signatures cover entries that are not there.
	 */
	if (rec.seq != base->seq ||
	    CRYPTO_memcmp(rec.hash, base->hash, HASH_LEN) != 0) {
		r = append_result_fail(res, base->seq + 1, LCN_ECHAIN, "the feed's head "
		    "is seq %" PRIu64 ", not the seq %" PRIu64 " this batch "
		    "was signed onto (an earlier batch was not stored)",
		    rec.seq, base->seq);
		goto out;
	}
	if (n == 0)
		goto out;
	if ((rec.no == 0 && (r = store_feedrec_put(s, txn, f, &rec)) != 0) ||
	    (r = key_put(s, txn, f->origin, base->pub)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		seq = base->seq + 1 + i;
		store_entry_key(key, rec.no, seq);
		k.mv_data = key;
		k.mv_size = sizeof(key);
		d.mv_data = (void *)entries[i].ptr;
		d.mv_size = entries[i].len;
		/* MDB_NOOVERWRITE: see entry_put() in ledger.c. */
		if ((rc = mdb_put(txn, s->entries, &k, &d,
		    MDB_NOOVERWRITE)) != 0) {
			r = store_lmdb_err("entries put", rc);
			append_result_fail(res, seq, r, "seq %" PRIu64 ": %s", seq,
			    lcn_strerror(r));
			goto out;
		}
	}
	if (s->own_appended != NULL && (r = s->own_appended(s, txn, f, rec.no,
	    base->seq + 1, entries, n)) != 0) {
		append_result_fail(res, base->seq + 1, r, "%s",
		    lcn_strerror(r));
		goto out;
	}
	oldhead = rec.seq;
	rec.seq = end->seq;
	memcpy(rec.hash, end->hash, HASH_LEN);
	memcpy(rec.root, end->root, HASH_LEN);
	rec.range = end->range;
	/* Our own signatures, just made: verified with the head. */
	if (rec.verified == oldhead)
		rec.verified = rec.seq;
	if ((r = store_feedrec_put(s, txn, f, &rec)) != 0) {
		append_result_fail(res, rec.seq, r, "%s", lcn_strerror(r));
		goto out;
	}
	r = store_txn_commit(txn);
	txn = NULL;
	if (r != 0)
		append_result_fail(res, seq, r, "commit: %s", lcn_strerror(r));
	else
		res->accepted = n;
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (r != 0 && res->reason[0] == '\0')
		append_result_fail(res, res->bad_seq, r, "%s", lcn_strerror(r));
	if (store_feed(s, f->origin, f->group, &res->head) != 0)
		memset(&res->head, 0, sizeof(res->head));
	return r;
}

int
store_publish(struct store *s, const struct trust *t,
    const struct sig_key *key, const char *group,
    const struct bytes *bodies, size_t n, uint64_t created_ms,
    struct append_result *res)
{
	struct store_chain	*base = NULL, *end = NULL;
	struct bytes		*se = NULL;
	size_t			 i;
	int			 r;

	memset(res, 0, sizeof(*res));
	if ((r = store_chain_load(s, t, key, group, created_ms, &base,
	    res)) != 0)
		return r;
	if ((end = store_chain_copy(base)) == NULL ||
	    (n > 0 && (se = calloc(n, sizeof(*se))) == NULL)) {
		r = append_result_fail(res, 0, LCN_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = store_chain_sign(end, key, created_ms, bodies, n, se,
	    res)) != 0)
		goto out;
	r = store_chain_commit(s, base, end, se, n, res);
 out:
	if (r != 0) {
		res->accepted = 0;
		if (store_feed(s, base->feed.origin, base->feed.group,
		    &res->head) != 0)
			memset(&res->head, 0, sizeof(res->head));
	}
	for (i = 0; se != NULL && i < n; i++)
		free((void *)se[i].ptr);
	free(se);
	store_chain_free(end);
	store_chain_free(base);
	return r;
}
