/*
 * store_verify(): re-checks a whole ledger from the data directory alone,
 * as `lcn verify` does. Every entry is decoded and its chain, root and
 * signature checked against the key recorded in `keys`; each feed's stored
 * head, root and compact range are compared with a recomputation; each
 * equivocation record's two entries are re-checked. One read transaction,
 * one entry in memory at a time.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "hash.h"
#include "lcn_err.h"
#include "log.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "store_int.h"
#include "util.h"
#include "wire.h"

struct verify_ctx {
	struct store		*s;
	MDB_txn			*txn;
	struct verify_report	*rep;
	store_fault_fn		 fn;
	void			*arg;
	/* The last key looked up: feeds are signed by one key for long runs. */
	uint8_t			 key_id[KEY_ID_LEN];
	char			 key_origin[AGENCY_ID_MAX + 1];
	struct sig_pubkey	*pub;
};

static void
fault(struct verify_ctx *, const struct feed_id *, uint64_t,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static void
fault(struct verify_ctx *vc, const struct feed_id *f, uint64_t seq,
    const char *fmt, ...)
{
	char	what[256];
	va_list	ap;

	vc->rep->faults++;
	if (vc->fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vc->fn(vc->arg, f, seq, what);
}

/*
 * The recorded public key for key_id of origin: 0 with *pub borrowed until
 * the next call, LCN_ENOTFOUND, or LCN_ESTORE.
 */
static int
key_get(struct verify_ctx *vc, const char *origin,
    const uint8_t key_id[KEY_ID_LEN], const struct sig_pubkey **pub)
{
	uint8_t	kbuf[KEYS_KEY_MAX];
	MDB_val	k, d;
	int	rc, r;

	*pub = NULL;
	if (vc->pub != NULL && memcmp(vc->key_id, key_id, KEY_ID_LEN) == 0 &&
	    strcmp(vc->key_origin, origin) == 0) {
		*pub = vc->pub;
		return 0;
	}
	sig_pubkey_free(vc->pub);
	vc->pub = NULL;
	k.mv_size = store_keys_key(key_id, origin, kbuf);
	k.mv_data = kbuf;
	if ((rc = mdb_get(vc->txn, vc->s->keys, &k, &d)) == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("keys get", rc);
	if (d.mv_size != PUBKEY_LEN ||
	    (r = sig_pubkey_from_raw(d.mv_data, &vc->pub)) != 0)
		return LCN_ENOTFOUND;
	/* A key row whose key does not hash to its id is no key at all. */
	if (memcmp(sig_pubkey_id(vc->pub), key_id, KEY_ID_LEN) != 0) {
		sig_pubkey_free(vc->pub);
		vc->pub = NULL;
		return LCN_ENOTFOUND;
	}
	memcpy(vc->key_id, key_id, KEY_ID_LEN);
	snprintf(vc->key_origin, sizeof(vc->key_origin), "%s", origin);
	*pub = vc->pub;
	return 0;
}

/* Checks an entry's signature; 0 if it verifies, else reports a fault. */
static int
check_sig(struct verify_ctx *vc, const struct feed_id *f, uint64_t seq,
    const struct entry_view *v, const char *which)
{
	const struct sig_pubkey	*pub;
	int			 r;

	if ((r = key_get(vc, v->feed.origin, v->key_id, &pub)) != 0) {
		if (r == LCN_ESTORE)
			return r;
		fault(vc, f, seq, "%sno recorded key of %s for the entry's "
		    "key id", which, v->feed.origin);
		return LCN_EKEY;
	}
	vc->rep->signatures++;
	if (sig_verify_entry(pub, v->entry.ptr, v->entry.len, v->sig) != 0) {
		fault(vc, f, seq, "%ssignature does not verify", which);
		return LCN_EBADSIG;
	}
	return 0;
}

static int
verify_feed(struct verify_ctx *vc, MDB_cursor *c, const struct feed_id *f,
    const struct feed_rec *rec)
{
	struct merkle_range	 range;
	struct entry_view	 v;
	uint8_t			 key[ENTRY_KEY_LEN], hash[HASH_LEN] = { 0 };
	uint8_t			 root[HASH_LEN], leaf[HASH_LEN];
	char			 err[160];
	MDB_val			 k, d;
	uint64_t		 seq = 0, want = 1, kseq, root_faults = 0;
	int			 rc, r;

	merkle_init(&range);
	merkle_root(&range, root);
	store_entry_key(key, rec->no, 1);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != ENTRY_KEY_LEN ||
		    load_be32(k.mv_data) != rec->no)
			break;
		kseq = load_be64((uint8_t *)k.mv_data + 4);
		vc->rep->entries++;
		if (kseq > want)
			fault(vc, f, want, "entries %" PRIu64 "..%" PRIu64
			    " missing", want, kseq - 1);
		seq = kseq;
		want = kseq + 1;
		if (d.mv_size == 0 || d.mv_size > ENTRY_MAX) {
			fault(vc, f, seq, "stored entry is %zu bytes",
			    d.mv_size);
			goto next;
		}
		if (wire_entry_parse(d.mv_data, d.mv_size, &v, err,
		    sizeof(err)) != 0) {
			fault(vc, f, seq, "does not decode: %s", err);
			goto next;
		}
		if (strcmp(v.feed.origin, f->origin) != 0 ||
		    strcmp(v.feed.group, f->group) != 0)
			fault(vc, f, seq, "entry names feed %s/%s",
			    v.feed.origin, v.feed.group);
		if (v.seq != seq)
			fault(vc, f, seq, "entry says seq %" PRIu64, v.seq);
		if (memcmp(v.prev_hash, hash, HASH_LEN) != 0)
			fault(vc, f, seq, "prev_hash does not match the leaf "
			    "hash of seq %" PRIu64, seq - 1);
		/*
		 * A changed entry changes every later root: report the
		 * first mismatch of a feed and count the rest.
		 */
		if (memcmp(v.prev_root, root, HASH_LEN) != 0 &&
		    root_faults++ == 0)
			fault(vc, f, seq, "prev_root does not match the root of "
			    "1..%" PRIu64, seq - 1);
		if ((r = check_sig(vc, f, seq, &v, "")) == LCN_ESTORE)
			return r;
 next:
		/* The chain goes on from what is stored, right or wrong. */
		hash_leaf(d.mv_data, d.mv_size, leaf);
		memcpy(hash, leaf, HASH_LEN);
		if (merkle_append(&range, leaf) != 0)
			return LCN_ESTORE;
		merkle_root(&range, root);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("entries cursor", rc);
	if (root_faults > 1) {
		vc->rep->faults += root_faults - 2;
		fault(vc, f, seq, "%" PRIu64 " further entries with a "
		    "mismatched prev_root", root_faults - 1);
	}
	if (seq != rec->seq)
		fault(vc, f, rec->seq, "head is seq %" PRIu64 " but the ledger "
		    "holds up to seq %" PRIu64, rec->seq, seq);
	else if (memcmp(hash, rec->hash, HASH_LEN) != 0)
		fault(vc, f, seq, "head hash does not match the last entry");
	if (memcmp(root, rec->root, HASH_LEN) != 0)
		fault(vc, f, seq, "stored root does not match the entries");
	if (range.nhashes != rec->range.nhashes ||
	    memcmp(range.hashes, rec->range.hashes,
	    range.nhashes * HASH_LEN) != 0)
		fault(vc, f, seq, "stored compact range does not match the "
		    "entries");
	return 0;
}

static int
verify_forks(struct verify_ctx *vc)
{
	struct fork_val		 fv;
	struct entry_view	 v[2];
	struct bytes		*b[2] = { &fv.first, &fv.second };
	struct feed_id		 none;
	MDB_cursor		*c = NULL;
	MDB_val			 k, d;
	char			 err[160];
	uint64_t		 seq;
	size_t			 i;
	int			 r = 0, rc, ok;

	memset(&none, 0, sizeof(none));
	if ((rc = mdb_cursor_open(vc->txn, vc->s->forks, &c)) != 0)
		return store_lmdb_err("forks cursor", rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		vc->rep->forks++;
		if (k.mv_size != ENTRY_KEY_LEN ||
		    store_fork_decode(&d, &fv) != 0) {
			fault(vc, &none, 0, "corrupt equivocation record");
			continue;
		}
		seq = load_be64((uint8_t *)k.mv_data + 4);
		ok = 1;
		for (i = 0; i < 2; i++) {
			if (wire_entry_parse(b[i]->ptr, b[i]->len, &v[i], err,
			    sizeof(err)) != 0) {
				fault(vc, &fv.feed, seq, "equivocation entry "
				    "%zu does not decode: %s", i + 1, err);
				ok = 0;
				continue;
			}
			if (strcmp(v[i].feed.origin, fv.feed.origin) != 0 ||
			    strcmp(v[i].feed.group, fv.feed.group) != 0 ||
			    v[i].seq != seq) {
				fault(vc, &fv.feed, seq, "equivocation entry "
				    "%zu is of another feed or seq", i + 1);
				ok = 0;
			}
			if ((r = check_sig(vc, &fv.feed, seq, &v[i],
			    i == 0 ? "equivocation entry 1: " :
			    "equivocation entry 2: ")) == LCN_ESTORE)
				goto out;
			r = 0;
		}
		if (ok && v[0].entry.len == v[1].entry.len &&
		    memcmp(v[0].entry.ptr, v[1].entry.ptr,
		    v[0].entry.len) == 0)
			fault(vc, &fv.feed, seq, "equivocation entries are "
			    "the same entry");
	}
	if (rc != MDB_NOTFOUND)
		r = store_lmdb_err("forks cursor", rc);
 out:
	mdb_cursor_close(c);
	return r;
}

int
store_verify(struct store *s, struct verify_report *rep, store_fault_fn fn,
    void *arg)
{
	struct verify_ctx	 vc;
	struct feed_rec		 rec;
	struct feed_id		 f, none;
	MDB_cursor		*fc = NULL, *ec = NULL;
	MDB_val			 k, d;
	MDB_stat		 ms;
	int			 r, rc;

	memset(rep, 0, sizeof(*rep));
	memset(&vc, 0, sizeof(vc));
	memset(&none, 0, sizeof(none));
	vc.s = s;
	vc.rep = rep;
	vc.fn = fn;
	vc.arg = arg;
	if ((r = store_txn_begin(s, 1, &vc.txn)) != 0)
		return r;
	if ((rc = mdb_cursor_open(vc.txn, s->feeds, &fc)) != 0 ||
	    (rc = mdb_cursor_open(vc.txn, s->entries, &ec)) != 0) {
		r = store_lmdb_err("cursor", rc);
		goto out;
	}
	for (rc = mdb_cursor_get(fc, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(fc, &k, &d, MDB_NEXT)) {
		rep->feeds++;
		if (store_feed_key_parse(k.mv_data, k.mv_size, &f) != 0) {
			fault(&vc, &none, 0, "malformed feed key");
			continue;
		}
		if (store_feedrec_decode(&d, &rec) != 0) {
			fault(&vc, &f, 0, "corrupt feed record");
			continue;
		}
		if ((r = verify_feed(&vc, ec, &f, &rec)) != 0)
			goto out;
	}
	if (rc != MDB_NOTFOUND) {
		r = store_lmdb_err("feeds cursor", rc);
		goto out;
	}
	/* Entries under a feed number no feed record names. */
	if ((rc = mdb_stat(vc.txn, s->entries, &ms)) != 0) {
		r = store_lmdb_err("entries stat", rc);
		goto out;
	}
	if (ms.ms_entries != rep->entries)
		fault(&vc, &none, 0, "%" PRIu64 " stored entries belong to no "
		    "feed", (uint64_t)ms.ms_entries - rep->entries);
	if ((r = verify_forks(&vc)) != 0)
		goto out;
	r = rep->faults != 0 ? LCN_EINVAL : 0;
 out:
	if (ec != NULL)
		mdb_cursor_close(ec);
	if (fc != NULL)
		mdb_cursor_close(fc);
	mdb_txn_abort(vc.txn);
	sig_pubkey_free(vc.pub);
	return r;
}
