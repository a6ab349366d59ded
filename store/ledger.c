/*
 * The write side of the ledger (PROTOCOL.md section 3.9): appending a peer's
 * entries after every check, the verified mark, and equivocation
 * evidence (signing and appending our own is ledger_publish.c). Each call
 * is one LMDB write transaction committed with sync, or nothing at all.
 */
#include <inttypes.h>
#include <stdarg.h>
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

/* Key ids already present in `keys`, so a batch looks each up once. */
struct keys_seen {
	uint8_t	id[KEYS_PER_AGENCY_MAX][KEY_ID_LEN];
	size_t	n;
};

int
append_result_fail(struct append_result *res, uint64_t seq, int r,
    const char *fmt, ...)
{
	va_list ap;

	res->bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
	return r;
}

void
append_result_free(struct append_result *res)
{
	if (res == NULL)
		return;
	free(res->fork_held);
	free(res->fork_offered);
	res->fork_held = res->fork_offered = NULL;
	res->fork_held_len = res->fork_offered_len = 0;
}

/*
 * Records the public key that signed an accepted entry, once per key id
 * and origin, so that store_verify() can check signatures offline.
 */
static int
key_record(struct store *s, MDB_txn *txn, struct keys_seen *seen,
    const char *origin, const struct sig_pubkey *pub)
{
	uint8_t	kbuf[KEYS_KEY_MAX];
	MDB_val	k, d;
	size_t	i;
	int	rc;

	for (i = 0; i < seen->n; i++)
		if (memcmp(seen->id[i], sig_pubkey_id(pub), KEY_ID_LEN) == 0)
			return 0;
	k.mv_size = store_keys_key(sig_pubkey_id(pub), origin, kbuf);
	k.mv_data = kbuf;
	d.mv_size = PUBKEY_LEN;
	d.mv_data = (void *)sig_pubkey_raw(pub);
	rc = mdb_put(txn, s->keys, &k, &d, MDB_NOOVERWRITE);
	if (rc != 0 && rc != MDB_KEYEXIST)
		return store_lmdb_err("keys put", rc);
	if (seen->n < KEYS_PER_AGENCY_MAX)
		memcpy(seen->id[seen->n++], sig_pubkey_id(pub), KEY_ID_LEN);
	return 0;
}

/* Stores one new entry at rec->seq + 1 and advances rec. */
static int
entry_put(struct store *s, MDB_txn *txn, struct feed_rec *rec,
    const uint8_t *se, size_t len)
{
	uint8_t	key[ENTRY_KEY_LEN], leaf[HASH_LEN];
	MDB_val	k, d;
	int	rc;

	LCN_ASSERT(rec->no != 0);
	store_entry_key(key, rec->no, rec->seq + 1);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	d.mv_data = (void *)se;
	d.mv_size = len;
	/*
	 * Not MDB_APPEND: every feed shares the entries table, so a feed's
	 * new key is usually not the table's last. The caller has checked
	 * seq == head + 1; MDB_NOOVERWRITE turns any disagreement between
	 * the head and the table into an error instead of an overwrite.
	 */
	if ((rc = mdb_put(txn, s->entries, &k, &d, MDB_NOOVERWRITE)) != 0) {
		if (rc == MDB_KEYEXIST)
			log_warnx("store", "entries: feed %u already holds seq "
			    "%" PRIu64 " above its head", rec->no,
			    rec->seq + 1);
		return store_lmdb_err("entries put", rc);
	}
	hash_leaf(se, len, leaf);
	if (merkle_append(&rec->range, leaf) != 0)
		return LCN_ESTORE;
	rec->seq++;
	memcpy(rec->hash, leaf, HASH_LEN);
	merkle_root(&rec->range, rec->root);
	return 0;
}

/*
 * Stores equivocation evidence for seq of the feed and freezes it, in txn.
 * LCN_EDUP if evidence for that seq is already held (the feed stays
 * frozen); 0, LCN_EFULL or LCN_ESTORE otherwise.
 */
static int
fork_put(struct store *s, MDB_txn *txn, const struct feed_id *f,
    struct feed_rec *rec, uint64_t seq, const struct bytes *a,
    const struct bytes *b)
{
	char		 name[FEED_KEY_MAX + 1];
	uint8_t		 key[ENTRY_KEY_LEN], *p;
	size_t		 nlen;
	MDB_val		 k, d;
	int		 r, rc;

	if (!rec->frozen || seq < rec->frozen_seq) {
		rec->frozen = 1;
		rec->frozen_seq = seq;
	}
	if ((r = store_feedrec_put(s, txn, f, rec)) != 0)
		return r;
	nlen = store_feed_key(f, name);
	store_entry_key(key, rec->no, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	d.mv_size = 8 + 1 + nlen + 4 + a->len + 4 + b->len;
	d.mv_data = NULL;
	/* MDB_RESERVE: build the record in place. */
	rc = mdb_put(txn, s->forks, &k, &d, MDB_NOOVERWRITE | MDB_RESERVE);
	if (rc == MDB_KEYEXIST)
		return LCN_EDUP;
	if (rc != 0)
		return store_lmdb_err("forks put", rc);
	p = d.mv_data;
	store_be64(p, now_ms());
	p[8] = (uint8_t)nlen;
	memcpy(p + 9, name, nlen);
	p += 9 + nlen;
	store_be32(p, (uint32_t)a->len);
	memcpy(p + 4, a->ptr, a->len);
	p += 4 + a->len;
	store_be32(p, (uint32_t)b->len);
	memcpy(p + 4, b->ptr, b->len);
	return 0;
}

static int
copy_out(const void *src, size_t len, uint8_t **dst, size_t *dstlen)
{
	if ((*dst = malloc(len ? len : 1)) == NULL)
		return LCN_ENOMEM;
	memcpy(*dst, src, len);
	*dstlen = len;
	return 0;
}

/*
 * An entry at a held seq whose bytes differ from the held one (*txnp is
 * the batch's transaction; on a fork it is aborted and the evidence goes
 * in a transaction of its own). Only the origin can sign an Entry, but
 * anyone can re-encode a SignedEntry around it, and that must never let a
 * relay freeze a feed: so a fork is two different signed Entry byte
 * strings. entry_parse() already refuses any but the canonical
 * wrapping; comparing the Entry bytes keeps this true should it relax.
 */
static int
held_differs(struct store *s, MDB_txn **txnp,
    const struct feed_id *f, struct feed_rec *rec, const struct entry_view *v,
    const struct bytes *offered, const struct sig_pubkey *pub,
    const MDB_val *held, struct append_result *res)
{
	struct entry_view	 hv;
	struct bytes		 hb;
	struct keys_seen	 seen = { .n = 0 };
	char			 err[128];
	int			 r, dup;

	if (entry_parse(held->mv_data, held->mv_size, &hv, err,
	    sizeof(err)) != 0) {
		log_warnx("store", "entries: held seq %" PRIu64 " of %s/%s "
		    "does not decode: %s", v->seq, f->origin, f->group, err);
		return append_result_fail(res, v->seq, LCN_ESTORE, "seq %" PRIu64 ": the "
		    "held entry does not decode", v->seq);
	}
	if (hv.entry.len == v->entry.len &&
	    memcmp(hv.entry.ptr, v->entry.ptr, v->entry.len) == 0) {
		res->duplicates++;
		return 0;
	}
	if (sig_verify_entry(pub, v->entry.ptr, v->entry.len, v->sig) != 0)
		return append_result_fail(res, v->seq, LCN_EBADSIG, "seq %" PRIu64 ": "
		    "differs from the entry held and its signature does not "
		    "verify", v->seq);
	if ((r = copy_out(held->mv_data, held->mv_size, &res->fork_held,
	    &res->fork_held_len)) != 0 ||
	    (r = copy_out(offered->ptr, offered->len, &res->fork_offered,
	    &res->fork_offered_len)) != 0)
		return r;
	/* Nothing new of the batch precedes a held seq: start afresh. */
	mdb_txn_abort(*txnp);
	*txnp = NULL;
	if ((r = store_txn_begin(s, 0, txnp)) != 0)
		return r;
	if ((r = store_feedrec_get(s, *txnp, f, rec)) != 0)
		return r;
	hb.ptr = res->fork_held;
	hb.len = res->fork_held_len;
	dup = fork_put(s, *txnp, f, rec, v->seq, &hb, offered);
	if (dup != 0 && dup != LCN_EDUP)
		return dup;
	if ((r = key_record(s, *txnp, &seen, f->origin, pub)) != 0)
		return r;
	r = store_txn_commit(*txnp);
	*txnp = NULL;
	if (r != 0)
		return r;
	/*
	 * Logged here, once, where the fork is found (not again for a fork
	 * already on record); the caller keeps its alert without logging.
	 */
	if (dup != LCN_EDUP)
		log_error("store", "equivocation: %s/%s seq %" PRIu64 " has "
		    "two validly signed entries; feed frozen", f->origin,
		    f->group, v->seq);
	return append_result_fail(res, v->seq, LCN_EFORK, "seq %" PRIu64
	    ": differs from the validly signed entry held: equivocation, "
	    "feed frozen",
	    v->seq);
}

/*
 * Decodes entry i of a batch for feed f starting at first_seq and checks
 * that it names that feed and seq. 0 or LCN_EPROTO with res set.
 */
static int
decode_batch_entry(const struct feed_id *f, uint64_t first_seq, size_t i,
    const struct bytes *b, struct entry_view *v, struct append_result *res)
{
	char		 err[160];
	uint64_t	 seq = first_seq + i;

	if (entry_parse(b->ptr, b->len, v, err, sizeof(err)) != 0)
		return append_result_fail(res, seq, LCN_EPROTO, "seq %" PRIu64 ": %s", seq,
		    err);
	if (v->seq != seq)
		return append_result_fail(res, seq, LCN_EPROTO, "entry %zu of a batch from "
		    "seq %" PRIu64 " says seq %" PRIu64, i, first_seq, v->seq);
	if (strcmp(v->feed.origin, f->origin) != 0 ||
	    strcmp(v->feed.group, f->group) != 0)
		return append_result_fail(res, seq, LCN_EPROTO, "seq %" PRIu64 ": entry of "
		    "feed %s/%s in a batch of %s/%s", seq, v->feed.origin,
		    v->feed.group, f->origin, f->group);
	return 0;
}

/*
 * The signing key of v if its origin and this node are members of the
 * feed's group and the key was valid for the origin when v was made.
 * Membership is the same for every entry of a feed: checked once, as
 * *feed_ok records. 0, or the trust error with res set.
 */
static int
entry_signer(const struct trust *t, const struct feed_id *f,
    const struct entry_view *v, int *feed_ok, const struct sig_pubkey **pub,
    struct append_result *res)
{
	int	 r;

	if (!*feed_ok) {
		if ((r = trust_check_feed(t, f->origin, f->group)) != 0)
			return append_result_fail(res, v->seq, r, "seq %" PRIu64 ": %s",
			    v->seq, r == LCN_EGROUP ? "unknown group" :
			    "origin or this node is not a member of the group");
		*feed_ok = 1;
	}
	if ((r = trust_find_key(t, f->origin, v->key_id, v->created_ms,
	    pub)) != 0)
		return append_result_fail(res, v->seq, r, "seq %" PRIu64 ": %s", v->seq,
		    r == LCN_EORIGIN ? "origin is not a configured agency" :
		    "signing key unknown for the origin or not valid at "
		    "created_ms");
	return 0;
}

/*
 * Whether v can follow the feed's head rec: the feed is not frozen, v is
 * head + 1, and its prev_hash and prev_root are the head's leaf hash and
 * root. 0, or LCN_EFROZEN, LCN_EGAP, LCN_ECHAIN or LCN_EROOT with res set.
 */
static int
check_link(const struct feed_rec *rec, const struct entry_view *v,
    struct append_result *res)
{
	uint64_t seq = v->seq;

	if (rec->frozen)
		return append_result_fail(res, seq, LCN_EFROZEN, "seq %" PRIu64 ": feed "
		    "frozen after an equivocation at seq %" PRIu64, seq,
		    rec->frozen_seq);
	if (seq != rec->seq + 1)
		return append_result_fail(res, seq, LCN_EGAP, "seq %" PRIu64 ": expected "
		    "head + 1 = %" PRIu64, seq, rec->seq + 1);
	if (CRYPTO_memcmp(v->prev_hash, rec->hash, HASH_LEN) != 0)
		return append_result_fail(res, seq, LCN_ECHAIN, "seq %" PRIu64 ": prev_hash "
		    "does not match head %" PRIu64, seq, rec->seq);
	if (CRYPTO_memcmp(v->prev_root, rec->root, HASH_LEN) != 0)
		return append_result_fail(res, seq, LCN_EROOT, "seq %" PRIu64 ": prev_root "
		    "does not match the root of 1..%" PRIu64, seq, rec->seq);
	return 0;
}

/*
 * An entry at or below the head: the same bytes are a duplicate (counted);
 * different bytes go to held_differs(), which may record a fork. 0 or an
 * error with res set.
 */
static int
append_held(struct store *s, MDB_txn **txnp, const struct feed_id *f,
    struct feed_rec *rec, const struct entry_view *v, const struct bytes *b,
    const struct sig_pubkey *pub, struct append_result *res)
{
	MDB_val		 k, d;
	uint8_t		 key[ENTRY_KEY_LEN];
	int		 rc;

	store_entry_key(key, rec->no, v->seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if ((rc = mdb_get(*txnp, s->entries, &k, &d)) != 0)
		return store_lmdb_err("entries get", rc);
	if (d.mv_size == b->len && memcmp(d.mv_data, b->ptr, b->len) == 0) {
		res->duplicates++;
		return 0;
	}
	return held_differs(s, txnp, f, rec, v, b, pub, &d, res);
}

int
store_append(struct store *s, const struct trust *t,
    const struct feed_id *f, uint64_t first_seq,
    const struct bytes *se, size_t n, enum store_verify mode,
    struct append_result *res)
{
	struct feed_rec		 rec;
	struct entry_view	 v;
	struct keys_seen	 seen = { .n = 0 };
	const struct sig_pubkey	*pub;
	MDB_txn			*txn = NULL;
	uint64_t		 seq, oldhead;
	size_t			 i;
	int			 r, feed_ok = 0;

	memset(res, 0, sizeof(*res));
	if (!store_feed_id_valid(f))
		return append_result_fail(res, first_seq, LCN_EPROTO, "invalid feed id");
	if (n > 0 && (first_seq == 0 || first_seq > UINT64_MAX - n))
		return append_result_fail(res, first_seq, LCN_EPROTO, "first_seq %" PRIu64
		    " out of range", first_seq);
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		goto out;
	if ((r = store_feedrec_get(s, txn, f, &rec)) != 0 &&
	    r != LCN_ENOTFOUND)
		goto out;
	oldhead = rec.seq;

	for (i = 0; i < n; i++) {
		seq = first_seq + i;
		if ((r = decode_batch_entry(f, first_seq, i, &se[i], &v,
		    res)) != 0 ||
		    (r = entry_signer(t, f, &v, &feed_ok, &pub, res)) != 0)
			goto out;
		if (seq <= rec.seq) {
			if ((r = append_held(s, &txn, f, &rec, &v, &se[i], pub,
			    res)) != 0)
				goto out;
			continue;
		}
		if ((r = check_link(&rec, &v, res)) != 0)
			goto out;
		/*
		 * With STORE_VERIFY_LAST, the last entry's signature covers
		 * its prev_hash, which covers the entry before it, and so on
		 * down to the head: one signature authenticates the batch.
		 */
		if ((mode == STORE_VERIFY_ALL || i == n - 1) &&
		    sig_verify_entry(pub, v.entry.ptr, v.entry.len,
		    v.sig) != 0) {
			r = append_result_fail(res, seq, LCN_EBADSIG, "seq %" PRIu64 ": "
			    "signature does not verify", seq);
			goto out;
		}
		if (rec.no == 0 && (r = store_feedrec_put(s, txn, f,
		    &rec)) != 0)
			goto out;
		if ((r = key_record(s, txn, &seen, f->origin, pub)) != 0 ||
		    (r = entry_put(s, txn, &rec, se[i].ptr, se[i].len)) != 0) {
			append_result_fail(res, seq, r, "seq %" PRIu64 ": %s", seq,
			    lcn_strerror(r));
			goto out;
		}
		res->accepted++;
	}
	if (res->accepted == 0) {
		r = 0;
		goto out;
	}
	/* "Every signature <= verified checked": only contiguous advances. */
	if (mode == STORE_VERIFY_ALL && rec.verified == oldhead)
		rec.verified = rec.seq;
	if ((r = store_feedrec_put(s, txn, f, &rec)) != 0) {
		append_result_fail(res, rec.seq, r, "%s", lcn_strerror(r));
		goto out;
	}
	r = store_txn_commit(txn);
	txn = NULL;
	if (r != 0) {
		append_result_fail(res, first_seq, r, "commit: %s", lcn_strerror(r));
		goto out;
	}
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (r != 0) {
		res->accepted = 0;
		if (r != LCN_EFORK)
			append_result_free(res);
		if (res->reason[0] == '\0')
			append_result_fail(res, res->bad_seq, r, "%s", lcn_strerror(r));
	}
	/* What is stored now, whatever happened. */
	if (store_feed(s, f->origin, f->group, &res->head) != 0)
		memset(&res->head, 0, sizeof(res->head));
	return r;
}

int
store_mark_verified(struct store *s, const struct feed_id *f, uint64_t upto)
{
	struct feed_rec	 rec;
	MDB_txn		*txn = NULL;
	int		 r;

	if (!store_feed_id_valid(f))
		return LCN_EINVAL;
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		return r;
	if ((r = store_feedrec_get(s, txn, f, &rec)) != 0)
		goto out;
	if (upto > rec.seq)
		upto = rec.seq;
	if (upto <= rec.verified) {
		r = 0;
		goto out;
	}
	rec.verified = upto;
	if ((r = store_feedrec_put(s, txn, f, &rec)) != 0)
		goto out;
	r = store_txn_commit(txn);
	txn = NULL;
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	return r;
}

int
store_add_equivocation(struct store *s, const struct trust *t,
    const struct bytes *first, const struct bytes *second,
    struct feed_id *feed, uint64_t *seq)
{
	struct entry_view	 v[2];
	const struct bytes	*b[2] = { first, second };
	const struct sig_pubkey	*pub[2];
	struct keys_seen	 seen = { .n = 0 };
	struct feed_rec		 rec;
	MDB_txn			*txn = NULL;
	char			 err[160];
	size_t			 i;
	int			 r;

	memset(feed, 0, sizeof(*feed));
	*seq = 0;
	for (i = 0; i < 2; i++) {
		if (entry_parse(b[i]->ptr, b[i]->len, &v[i], err,
		    sizeof(err)) != 0) {
			log_warnx("store", "equivocation proof: entry %zu: %s",
			    i + 1, err);
			return LCN_EPROTO;
		}
	}
	if (strcmp(v[0].feed.origin, v[1].feed.origin) != 0 ||
	    strcmp(v[0].feed.group, v[1].feed.group) != 0 ||
	    v[0].seq != v[1].seq) {
		log_warnx("store", "equivocation proof: entries of different "
		    "feeds or seqs");
		return LCN_EPROTO;
	}
	/* Only different signed Entry bytes prove a fork (see above). */
	if (v[0].entry.len == v[1].entry.len &&
	    memcmp(v[0].entry.ptr, v[1].entry.ptr, v[0].entry.len) == 0) {
		log_warnx("store", "equivocation proof: the entries are the "
		    "same");
		return LCN_EPROTO;
	}
	if ((r = trust_check_feed(t, v[0].feed.origin, v[0].feed.group)) != 0) {
		log_warnx("store", "equivocation proof for %s/%s: %s",
		    v[0].feed.origin, v[0].feed.group, lcn_strerror(r));
		return r;
	}
	for (i = 0; i < 2; i++) {
		if ((r = trust_find_key(t, v[i].feed.origin, v[i].key_id,
		    v[i].created_ms, &pub[i])) != 0) {
			log_warnx("store", "equivocation proof for %s/%s seq "
			    "%" PRIu64 ": entry %zu: %s", v[i].feed.origin,
			    v[i].feed.group, v[i].seq, i + 1, lcn_strerror(r));
			return r;
		}
		if (sig_verify_entry(pub[i], v[i].entry.ptr, v[i].entry.len,
		    v[i].sig) != 0) {
			log_warnx("store", "equivocation proof for %s/%s seq "
			    "%" PRIu64 ": entry %zu: bad signature",
			    v[i].feed.origin, v[i].feed.group, v[i].seq,
			    i + 1);
			return LCN_EBADSIG;
		}
	}
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		return r;
	if ((r = store_feedrec_get(s, txn, &v[0].feed, &rec)) != 0 &&
	    r != LCN_ENOTFOUND)
		goto out;
	if ((r = fork_put(s, txn, &v[0].feed, &rec, v[0].seq, first,
	    second)) != 0)
		goto out;
	for (i = 0; i < 2; i++)
		if ((r = key_record(s, txn, &seen, v[i].feed.origin,
		    pub[i])) != 0)
			goto out;
	r = store_txn_commit(txn);
	txn = NULL;
	/* Logged once, here; the caller keeps the alert quietly. */
	if (r == 0)
		log_error("store", "equivocation proof stored: %s/%s seq %"
		    PRIu64 "; feed frozen", v[0].feed.origin,
		    v[0].feed.group, v[0].seq);
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (r == 0 || r == LCN_EDUP) {
		*feed = v[0].feed;
		*seq = v[0].seq;
	}
	return r;
}
