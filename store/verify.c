/*
 * store_verify(): re-checks a whole ledger from the data directory alone,
 * as `lcn verify` does. Every entry is decoded and its chain, root and
 * signature checked against the key recorded in `keys`; each feed's stored
 * head, root and compact range are compared with a recomputation; each
 * equivocation record's two entries are re-checked. One read transaction;
 * nothing held per entry beyond a batch of signature checks.
 *
 * Signatures are the cost (about 200 us each with OpenSSL 3.0 here, against
 * a few us for the chain and root), and unlike the chain they are
 * independent: they are checked in batches of VERIFY_BATCH on up to
 * VERIFY_THREADS_MAX threads, reading the entries straight from the map
 * (valid for the whole read transaction).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "log.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#define VERIFY_BATCH		1024
#define VERIFY_THREADS_MAX	8

/* A recorded key, loaded once per run. */
struct vkey {
	uint8_t			 id[KEY_ID_LEN];
	char			 origin[AGENCY_ID_MAX + 1];
	struct sig_pubkey	*pub;
};

/* One pending signature check. */
struct sig_job {
	uint64_t		 seq;
	const struct sig_pubkey	*pub;
	const uint8_t		*entry;		/* into the map */
	size_t			 len;
	uint8_t			 sig[SIG_LEN];
	int			 ok;
};

struct verify_ctx {
	struct store		*s;
	MDB_txn			*txn;
	struct verify_report	*rep;
	store_fault_fn		 fn;
	void			*arg;
	struct vkey		*keys;
	size_t			 nkeys, lastkey;
	struct sig_job		*jobs;		/* VERIFY_BATCH */
	size_t			 njobs;
	int			 nthreads;
};

struct sig_slice {
	struct sig_job	*jobs;
	size_t		 n, stride;
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
 * The recorded public key for key_id of origin: 0 with *pub borrowed for
 * the whole run, LCN_ENOTFOUND, or LCN_ESTORE.
 */
static int
key_get(struct verify_ctx *vc, const char *origin,
    const uint8_t key_id[KEY_ID_LEN], const struct sig_pubkey **pub)
{
	struct vkey		*k;
	struct sig_pubkey	*pk;
	uint8_t			 kbuf[KEYS_KEY_MAX];
	MDB_val			 mk, d;
	size_t			 i;
	int			 rc;

	*pub = NULL;
	/* Feeds are signed by one key for long runs: try the last first. */
	for (i = 0; i < vc->nkeys; i++) {
		k = &vc->keys[(vc->lastkey + i) % vc->nkeys];
		if (memcmp(k->id, key_id, KEY_ID_LEN) == 0 &&
		    strcmp(k->origin, origin) == 0) {
			vc->lastkey = (vc->lastkey + i) % vc->nkeys;
			*pub = k->pub;
			return 0;
		}
	}
	mk.mv_size = store_keys_key(key_id, origin, kbuf);
	mk.mv_data = kbuf;
	if ((rc = mdb_get(vc->txn, vc->s->keys, &mk, &d)) == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("keys get", rc);
	if (d.mv_size != PUBKEY_LEN || sig_pubkey_from_raw(d.mv_data,
	    &pk) != 0)
		return LCN_ENOTFOUND;
	/* A key row whose key does not hash to its id is no key at all. */
	if (memcmp(sig_pubkey_id(pk), key_id, KEY_ID_LEN) != 0) {
		sig_pubkey_free(pk);
		return LCN_ENOTFOUND;
	}
	if ((k = reallocarray(vc->keys, vc->nkeys + 1,
	    sizeof(*vc->keys))) == NULL) {
		sig_pubkey_free(pk);
		return LCN_ENOMEM;
	}
	vc->keys = k;
	k = &vc->keys[vc->nkeys];
	memcpy(k->id, key_id, KEY_ID_LEN);
	snprintf(k->origin, sizeof(k->origin), "%s", origin);
	k->pub = pk;
	vc->lastkey = vc->nkeys++;
	*pub = pk;
	return 0;
}

static void *
sig_worker(void *arg)
{
	struct sig_slice	*sl = arg;
	size_t			 i;

	for (i = 0; i < sl->n; i += sl->stride)
		sl->jobs[i].ok = sig_verify_entry(sl->jobs[i].pub,
		    sl->jobs[i].entry, sl->jobs[i].len, sl->jobs[i].sig) == 0;
	return NULL;
}

/*
 * Checks every pending signature of feed f, on several threads, and
 * reports the failures in seq order. Falls back to this thread alone if
 * threads cannot be made.
 */
static void
flush_sigs(struct verify_ctx *vc, const struct feed_id *f)
{
	struct sig_slice	sl[VERIFY_THREADS_MAX];
	pthread_t		th[VERIFY_THREADS_MAX];
	int			started[VERIFY_THREADS_MAX];
	size_t			i;
	int			t, nt;

	if (vc->njobs == 0)
		return;
	nt = vc->nthreads;
	if ((size_t)nt > vc->njobs)
		nt = (int)vc->njobs;
	for (t = 0; t < nt; t++) {
		sl[t].jobs = vc->jobs + t;
		sl[t].n = vc->njobs - (size_t)t;
		sl[t].stride = (size_t)nt;
		started[t] = t > 0 &&
		    pthread_create(&th[t], NULL, sig_worker, &sl[t]) == 0;
	}
	for (t = 0; t < nt; t++)
		if (!started[t])
			sig_worker(&sl[t]);
	for (t = 1; t < nt; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (i = 0; i < vc->njobs; i++) {
		vc->rep->signatures++;
		if (!vc->jobs[i].ok)
			fault(vc, f, vc->jobs[i].seq, "signature does not "
			    "verify");
	}
	vc->njobs = 0;
}

/*
 * Checks an entry's signature here and now, reporting a fault if it does
 * not verify. 0, or LCN_ESTORE / LCN_ENOMEM (no check was possible).
 */
static int
check_sig(struct verify_ctx *vc, const struct feed_id *f, uint64_t seq,
    const struct entry_view *v, const char *which)
{
	const struct sig_pubkey	*pub;
	int			 r;

	if ((r = key_get(vc, v->feed.origin, v->key_id, &pub)) != 0) {
		if (r != LCN_ENOTFOUND)
			return r;
		fault(vc, f, seq, "%sno recorded key of %s for the entry's "
		    "key id", which, v->feed.origin);
		return 0;
	}
	vc->rep->signatures++;
	if (sig_verify_entry(pub, v->entry.ptr, v->entry.len, v->sig) != 0)
		fault(vc, f, seq, "%ssignature does not verify", which);
	return 0;
}

/* Queues an entry's signature check; 0, LCN_ESTORE or LCN_ENOMEM. */
static int
queue_sig(struct verify_ctx *vc, const struct feed_id *f, uint64_t seq,
    const struct entry_view *v)
{
	const struct sig_pubkey	*pub;
	struct sig_job		*j;
	int			 r;

	if ((r = key_get(vc, v->feed.origin, v->key_id, &pub)) != 0) {
		if (r != LCN_ENOTFOUND)
			return r;
		fault(vc, f, seq, "no recorded key of %s for the entry's "
		    "key id", v->feed.origin);
		return 0;
	}
	j = &vc->jobs[vc->njobs++];
	j->seq = seq;
	j->pub = pub;
	j->entry = v->entry.ptr;
	j->len = v->entry.len;
	memcpy(j->sig, v->sig, SIG_LEN);
	j->ok = 0;
	if (vc->njobs == VERIFY_BATCH)
		flush_sigs(vc, f);
	return 0;
}

/*
 * Checks one stored entry of feed f against the chain so far (hash: the
 * previous leaf hash, root: the root of 1..seq-1) and queues its
 * signature. Faults are reported and counted; a mismatched prev_root only
 * the first time (a changed entry changes every later root). 0, or the
 * error of queueing the signature check.
 */
static int
check_entry(struct verify_ctx *vc, const struct feed_id *f, uint64_t seq,
    const uint8_t *bytes, size_t len, const uint8_t hash[HASH_LEN],
    const uint8_t root[HASH_LEN], uint64_t *root_faults)
{
	struct entry_view	 v;
	char			 err[160];

	if (len == 0 || len > ENTRY_MAX) {
		fault(vc, f, seq, "stored entry is %zu bytes", len);
		return 0;
	}
	if (entry_parse(bytes, len, &v, err, sizeof(err)) != 0) {
		fault(vc, f, seq, "does not decode: %s", err);
		return 0;
	}
	if (strcmp(v.feed.origin, f->origin) != 0 ||
	    strcmp(v.feed.group, f->group) != 0)
		fault(vc, f, seq, "entry names feed %s/%s", v.feed.origin,
		    v.feed.group);
	if (v.seq != seq)
		fault(vc, f, seq, "entry says seq %" PRIu64, v.seq);
	if (memcmp(v.prev_hash, hash, HASH_LEN) != 0)
		fault(vc, f, seq, "prev_hash does not match the leaf hash of "
		    "seq %" PRIu64, seq - 1);
	if (memcmp(v.prev_root, root, HASH_LEN) != 0 &&
	    (*root_faults)++ == 0)
		fault(vc, f, seq, "prev_root does not match the root of 1..%"
		    PRIu64, seq - 1);
	/* The job points into the map, valid until the txn ends. */
	return queue_sig(vc, f, seq, &v);
}

/*
 * Checks the feed's record (head, root, compact range) against what the
 * walk over its entries computed: last seq, its leaf hash, the root and
 * range of them all.
 */
static void
check_head(struct verify_ctx *vc, const struct feed_id *f,
    const struct feed_rec *rec, uint64_t seq, const uint8_t hash[HASH_LEN],
    const uint8_t root[HASH_LEN], const struct merkle_range *range)
{
	if (seq != rec->seq)
		fault(vc, f, rec->seq, "head is seq %" PRIu64 " but the ledger "
		    "holds up to seq %" PRIu64, rec->seq, seq);
	else if (memcmp(hash, rec->hash, HASH_LEN) != 0)
		fault(vc, f, seq, "head hash does not match the last entry");
	if (memcmp(root, rec->root, HASH_LEN) != 0)
		fault(vc, f, seq, "stored root does not match the entries");
	if (range->nhashes != rec->range.nhashes ||
	    memcmp(range->hashes, rec->range.hashes,
	    range->nhashes * HASH_LEN) != 0)
		fault(vc, f, seq, "stored compact range does not match the "
		    "entries");
}

/* Walks one feed's entries in seq order, checking each and the head. */
static int
verify_feed(struct verify_ctx *vc, MDB_cursor *c, const struct feed_id *f,
    const struct feed_rec *rec)
{
	struct merkle_range	 range;
	uint8_t			 key[ENTRY_KEY_LEN], hash[HASH_LEN] = { 0 };
	uint8_t			 root[HASH_LEN], leaf[HASH_LEN];
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
		if ((r = check_entry(vc, f, seq, d.mv_data, d.mv_size, hash,
		    root, &root_faults)) != 0)
			return r;
		/* The chain goes on from what is stored, right or wrong. */
		hash_leaf(d.mv_data, d.mv_size, leaf);
		memcpy(hash, leaf, HASH_LEN);
		if (merkle_append(&range, leaf) != 0)
			return LCN_ESTORE;
		merkle_root(&range, root);
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("entries cursor", rc);
	flush_sigs(vc, f);
	if (root_faults > 1) {
		vc->rep->faults += root_faults - 2;
		fault(vc, f, seq, "%" PRIu64 " further entries with a "
		    "mismatched prev_root", root_faults - 1);
	}
	check_head(vc, f, rec, seq, hash, root, &range);
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
			if (entry_parse(b[i]->ptr, b[i]->len, &v[i], err,
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
			    "equivocation entry 2: ")) != 0)
				goto out;
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
	size_t			 i;
	int			 r, rc;

	memset(rep, 0, sizeof(*rep));
	memset(&vc, 0, sizeof(vc));
	memset(&none, 0, sizeof(none));
	vc.s = s;
	vc.rep = rep;
	vc.fn = fn;
	vc.arg = arg;
	vc.nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (vc.nthreads < 1)
		vc.nthreads = 1;
	if (vc.nthreads > VERIFY_THREADS_MAX)
		vc.nthreads = VERIFY_THREADS_MAX;
	if ((vc.jobs = calloc(VERIFY_BATCH, sizeof(*vc.jobs))) == NULL)
		return LCN_ENOMEM;
	if ((r = store_txn_begin(s, 1, &vc.txn)) != 0) {
		free(vc.jobs);
		return r;
	}
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
	for (i = 0; i < vc.nkeys; i++)
		sig_pubkey_free(vc.keys[i].pub);
	free(vc.keys);
	free(vc.jobs);
	return r;
}
