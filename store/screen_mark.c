/*
 * Which ledger entries the screening index holds: one mark per feed in
 * smeta, "ix" || be32 feed number -> be64 highest seq indexed.
 *
 * The ledger commits entries without indexing them, so that a node
 * catching up spends its CPU on signatures first; store_screen_catch_up()
 * indexes what lies beyond the marks, a step at a time, in transactions
 * of its own. Every query runs it to the end before it reads, so a query
 * never misses an entry the ledger holds.
 *
 * The records' derived state (records.h) moves on the same marks: the
 * step that indexes an entry applies it there too, in one transaction.
 *
 * Refs run ahead of the marks for this node's own feeds: the transaction
 * that stores what it signed notes the refs of those entries in rrefs
 * too (records_refs.c) and moves the feed's refs mark, "rf" || be32 feed
 * number -> be64 seq, so that validating the next publication needs no
 * catch-up first. The index deletes a refs mark once it has caught up
 * with it, so that a ledger indexed to its heads holds none, as after a
 * rebuild.
 *
 * lcn reindex works the same way, in steps: it sets smeta "rebuild",
 * the next steps drop the ledger's old rows (imported lists stay), then
 * the records (srecs and the records' tables) and the marks, and the
 * index is built again from mark 0.
 */
#include <stdint.h>
#include <string.h>

#include <lmdb.h>

#include "lcn_err.h"
#include "log.h"
#include "screen.h"
#include "store_int.h"
#include "util.h"

#define MARK_KEY_LEN	6
/* Present once every feed has a mark (stores older than the marks). */
static const char marks_version_key[] = "ixmarks";
/* Present while lcn reindex drops the old rows: be64 row id to go on from. */
static const char rebuild_key[] = "rebuild";

static void
mark_key(uint8_t k[MARK_KEY_LEN], uint32_t feedno, char kind)
{
	k[0] = kind;
	k[1] = kind == 'i' ? 'x' : 'f';
	store_be32(k + 2, feedno);
}

static int
mark_read(struct store *s, MDB_txn *txn, uint32_t feedno, char kind,
    uint64_t *seq)
{
	uint8_t	key[MARK_KEY_LEN];
	MDB_val	k, d;
	int	rc;

	mark_key(key, feedno, kind);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	*seq = 0;
	rc = mdb_get(txn, screen_meta(s), &k, &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_lmdb_err("smeta get", rc);
	if (d.mv_size != 8) {
		log_warnx("store", "smeta: mark of feed %u is corrupt; "
		    "run lcn reindex", feedno);
		return LCN_ESTORE;
	}
	*seq = load_be64(d.mv_data);
	return 0;
}

static int
mark_write(struct store *s, MDB_txn *txn, uint32_t feedno, char kind,
    uint64_t seq)
{
	uint8_t	key[MARK_KEY_LEN], val[8];
	MDB_val	k, d;
	int	rc;

	mark_key(key, feedno, kind);
	store_be64(val, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	d.mv_data = val;
	d.mv_size = sizeof(val);
	if ((rc = mdb_put(txn, screen_meta(s), &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	return 0;
}

static int
mark_get(struct store *s, MDB_txn *txn, uint32_t feedno, uint64_t *seq)
{
	return mark_read(s, txn, feedno, 'i', seq);
}

static int
mark_put(struct store *s, MDB_txn *txn, uint32_t feedno, uint64_t seq)
{
	return mark_write(s, txn, feedno, 'i', seq);
}

int
screen_refs_mark_get(struct store *s, MDB_txn *txn, uint32_t feedno,
    uint64_t *seq)
{
	uint64_t	ahead;
	int		r;

	if ((r = mark_get(s, txn, feedno, seq)) != 0 ||
	    (r = mark_read(s, txn, feedno, 'r', &ahead)) != 0)
		return r;
	if (ahead > *seq)
		*seq = ahead;
	return 0;
}

int
screen_refs_mark_put(struct store *s, MDB_txn *txn, uint32_t feedno,
    uint64_t seq)
{
	return mark_write(s, txn, feedno, 'r', seq);
}

/* Forgets feed feedno's refs mark: its refs are to note again. */
static int
refs_mark_del(struct store *s, MDB_txn *txn, uint32_t feedno)
{
	uint8_t	key[MARK_KEY_LEN];
	MDB_val	k;
	int	rc;

	mark_key(key, feedno, 'r');
	k.mv_data = key;
	k.mv_size = sizeof(key);
	rc = mdb_del(txn, screen_meta(s), &k, NULL);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 :
	    store_lmdb_err("smeta del", rc);
}

/* The index has reached seq: a refs mark no further says nothing more. */
static int
refs_mark_passed(struct store *s, MDB_txn *txn, uint32_t feedno, uint64_t seq)
{
	uint64_t	ahead;
	int		r;

	if ((r = mark_read(s, txn, feedno, 'r', &ahead)) != 0 || ahead == 0 ||
	    ahead > seq)
		return r;
	return refs_mark_del(s, txn, feedno);
}

int
screen_rebuild_get(struct store *s, MDB_txn *txn, uint64_t *from)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)rebuild_key;
	k.mv_size = sizeof(rebuild_key) - 1;
	*from = 0;
	if ((rc = mdb_get(txn, screen_meta(s), &k, &d)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return store_lmdb_err("smeta get", rc);
	if (d.mv_size != 8 || (*from = load_be64(d.mv_data)) == 0) {
		log_warnx("store", "smeta: rebuild mark is corrupt; starting "
		    "the rebuild over");
		*from = 1;
	}
	return 0;
}

int
screen_rebuild_put(struct store *s, MDB_txn *txn, uint64_t from)
{
	uint8_t	val[8];
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)rebuild_key;
	k.mv_size = sizeof(rebuild_key) - 1;
	if (from == 0) {
		rc = mdb_del(txn, screen_meta(s), &k, NULL);
		return rc == 0 || rc == MDB_NOTFOUND ? 0 :
		    store_lmdb_err("smeta del", rc);
	}
	store_be64(val, from);
	d.mv_data = val;
	d.mv_size = sizeof(val);
	if ((rc = mdb_put(txn, screen_meta(s), &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	return 0;
}

/*
 * Indexes feed no's entries from..to (all held), or fewer: it stops after
 * the entry that brings the transaction's rows to SCREEN_TXN_ROWS.
 * *last gets the last seq indexed. 0 or an error.
 */
static int
index_range(struct store *s, MDB_txn *txn, const struct feed_id *f,
    uint32_t no, uint64_t from, uint64_t to, uint64_t *last)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	uint8_t		 key[ENTRY_KEY_LEN];
	uint64_t	 seq = from;
	int		 rc, r = 0;

	*last = from - 1;
	if ((rc = mdb_cursor_open(txn, s->entries, &c)) != 0)
		return store_lmdb_err("entries cursor", rc);
	store_entry_key(key, no, from);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != ENTRY_KEY_LEN || load_be32(k.mv_data) != no ||
		    load_be64((const uint8_t *)k.mv_data + 4) != seq)
			break;
		if ((r = screen_index_entry(s, txn, f, no, seq,
		    d.mv_data, d.mv_size)) != 0)
			goto out;
		*last = seq;
		if (seq++ == to || screen_txn_rows(s) >= SCREEN_TXN_ROWS)
			goto out;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("entries cursor", rc);
	else {
		log_warnx("store", "%s/%s: entry %llu missing while indexing",
		    f->origin, f->group, (unsigned long long)seq);
		r = LCN_ESTORE;
	}
 out:
	mdb_cursor_close(c);
	return r;
}

/*
 * In txn: indexes up to max entries beyond the marks (0: no limit), feed
 * by feed, and moves the marks; it stops early once the rows its entries
 * wrote reach SCREEN_TXN_ROWS. *pending gets the entries still beyond the
 * marks afterwards.
 */
int
screen_catch_up_txn(struct store *s, MDB_txn *txn, uint64_t max,
    uint64_t *indexed, uint64_t *pending)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	struct feed_id	 f;
	struct feed_rec	 rec;
	uint64_t	 mark, to, done = 0, left = 0;
	int		 rc, r = 0, full = 0;

	s->screen->nrows = 0;
	if ((rc = mdb_cursor_open(txn, s->feeds, &c)) != 0)
		return store_lmdb_err("feeds cursor", rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if ((r = store_feed_key_parse(k.mv_data, k.mv_size, &f)) !=
		    0 || (r = store_feedrec_decode(&d, &rec)) != 0)
			goto out;
		if (rec.no == 0)
			continue;	/* a feed with no entry yet */
		if ((r = mark_get(s, txn, rec.no, &mark)) != 0)
			goto out;
		if (mark >= rec.seq)
			continue;
		to = rec.seq;
		if (max != 0 && to - mark > max - done)
			to = mark + (max - done);
		if (to > mark && !full) {
			if ((r = index_range(s, txn, &f, rec.no, mark + 1,
			    to, &to)) != 0 ||
			    (r = mark_put(s, txn, rec.no, to)) != 0 ||
			    (r = refs_mark_passed(s, txn, rec.no, to)) != 0)
				goto out;
			done += to - mark;
			full = screen_txn_rows(s) >= SCREEN_TXN_ROWS;
		} else
			to = mark;
		left += rec.seq - to;
	}
	if (rc != MDB_NOTFOUND)
		r = store_lmdb_err("feeds cursor", rc);
 out:
	mdb_cursor_close(c);
	if (r == 0 && (r = screen_flush(s, txn)) == 0) {
		if (indexed != NULL)
			*indexed = done;
		*pending = left;
	}
	return r;
}

int
screen_pending_txn(struct store *s, MDB_txn *txn, uint64_t *entries,
    int *rebuilding)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	struct feed_rec	 rec;
	uint64_t	 mark, from;
	int		 rc, r;

	*entries = 0;
	if ((r = screen_rebuild_get(s, txn, &from)) != 0)
		return r;
	*rebuilding = from != 0;
	if ((rc = mdb_cursor_open(txn, s->feeds, &c)) != 0)
		return store_lmdb_err("feeds cursor", rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if ((r = store_feedrec_decode(&d, &rec)) != 0)
			break;
		if (rec.no == 0)
			continue;
		/* While rebuilding, every entry is to index again. */
		mark = 0;
		if (!*rebuilding && (r = mark_get(s, txn, rec.no, &mark)) != 0)
			break;
		if (rec.seq > mark)
			*entries += rec.seq - mark;
	}
	if (r == 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("feeds cursor", rc);
	mdb_cursor_close(c);
	return r;
}

/* A rebuild counts as one more, even of no entries: 0 means current. */
static int
pending_txn(struct store *s, MDB_txn *txn, uint64_t *pending)
{
	int	rebuilding, r;

	if ((r = screen_pending_txn(s, txn, pending, &rebuilding)) == 0)
		*pending += (uint64_t)rebuilding;
	return r;
}

/*
 * One transaction of store_screen_catch_up: at most max entries (0: all).
 * *done gets the entries indexed, *pending those still waiting.
 */
static int
catch_up_txn(struct store *s, uint64_t max, uint64_t *done,
    uint64_t *pending)
{
	MDB_txn		*txn;
	uint64_t	 from;
	int		 r;

	*done = 0;
	*pending = 0;
	if ((r = store_txn_begin_derived(s, &txn)) != 0)
		return r;
	if ((r = screen_rebuild_get(s, txn, &from)) != 0) {
		mdb_txn_abort(txn);
		return r;
	}
	if (from != 0) {
		/* lcn reindex: a step of dropping the old rows first. */
		if ((r = screen_rebuild_step(s, txn, from)) != 0 ||
		    (r = pending_txn(s, txn, pending)) != 0) {
			mdb_txn_abort(txn);
			return r;
		}
		return store_txn_commit(txn);
	}
	if ((r = screen_catch_up_txn(s, txn, max, done, pending)) != 0) {
		screen_discard(s);
		mdb_txn_abort(txn);
		return r;
	}
	if (*done == 0) {
		mdb_txn_abort(txn);	/* nothing moved: no durable commit */
		return 0;
	}
	return store_txn_commit(txn);
}

int
store_screen_catch_up(struct store *s, uint64_t max, uint64_t *pending)
{
	uint64_t	 left = max, n, done;
	int		 r;

	*pending = 0;
	if (s->screen == NULL)
		return LCN_EINVAL;
	/*
	 * A step is cut into transactions of at most SCREEN_TXN_ENTRIES
	 * entries, and fewer once the rows they write reach SCREEN_TXN_ROWS.
	 * Every page a write transaction changes is a copy LMDB mallocs,
	 * and after the commit LMDB keeps those copies for later
	 * transactions and never gives them back (only closing the
	 * environment does): the process keeps the most pages any one
	 * transaction ever changed. The index's keys are hashes, so the
	 * postings of one transaction land on as many different pages as
	 * the index has, up to one per distinct key: the bigger the index,
	 * the more pages the same transaction changes, until it changes one
	 * per key. A step of 1024 entries made a node's anonymous memory
	 * grow with the entries it held (about 0.25 KiB an entry, to over
	 * 4 MiB of kept pages at 20,000 entries). 128 entries still hold
	 * about 20 postings each with the test bodies of ops/bench (a name
	 * of four words, its pairs and its one-letter deletions), most of
	 * them keys of their own, and real names have more: the pages such
	 * a transaction changed kept growing for as long as the index did
	 * (1.3 MiB of new kept pages in four minutes of a 24-node
	 * ops/bench/mesh, 0.6 MiB mean growth per node). Smaller
	 * transactions cost commits and page writes: 20,000 denials of varied
	 * names, indexed at once, left LMDB 0.83 MiB of kept pages instead of
	 * 4.2 at 256 postings a transaction, but took 2,016 commits and 9.4 s
	 * instead of 157 and 2.4 s on this VM (512 postings: 1.4 MiB, 5.6 s;
	 * 1024: 2.4 MiB, 4.5 s). So the bound is SCREEN_TXN_ROWS (1024): a
	 * transaction of the bench's four-word names ends near 50 entries,
	 * and the kept pages stay near 4 MiB at most however large the index
	 * grows. It counts every row written, the records' as well as the
	 * postings: a heads attestation writes two rows a head it names and
	 * no posting, and 128 of them were 10,000 rows in one transaction.
	 * A node that keeps up indexes smaller transactions still
	 * (node/indexer.c: a quarter of a second's arrivals), and the bound
	 * caps the one a backlog brings. A bound of 256 rows kept a 50-node
	 * ops/bench/mesh's memory within 0.5 MiB of its first minute, but the
	 * index fell behind and the p99 tripled (ops/bench/README.md).
	 */
	do {
		n = SCREEN_TXN_ENTRIES;
		if (max != 0 && left < n)
			n = left;
		if ((r = catch_up_txn(s, n, &done, pending)) != 0)
			return r;
		if (max != 0)
			left -= done < left ? done : left;
	} while (done > 0 && *pending > 0 && (max == 0 || left > 0));
	return 0;
}

int
store_screen_catch_up_txn(struct store *s, uint64_t *pending)
{
	uint64_t done;

	*pending = 0;
	if (s->screen == NULL)
		return LCN_EINVAL;
	return catch_up_txn(s, SCREEN_TXN_ENTRIES, &done, pending);
}

int
screen_catch_up_all(struct store *s)
{
	uint64_t	pending;
	int		r;

	/*
	 * Nothing committed since the index was last found current: it
	 * still is. Every query calls this first, and a publish request
	 * looks up each body's ref, so the write transaction a catch-up
	 * opens to find nothing had cost lcnd a twentieth of its CPU while
	 * publishing.
	 */
	if (s->screen != NULL && s->screen->current_at == store_commits() + 1)
		return 0;
	do {
		r = store_screen_catch_up(s, SCREEN_CATCH_UP_STEP, &pending);
	} while (r == 0 && pending > 0);
	if (r == 0 && s->screen != NULL)
		s->screen->current_at = store_commits() + 1;
	return r;
}

int
store_screen_pending(struct store *s, uint64_t *pending)
{
	MDB_txn	*txn;
	int	 r;

	*pending = 0;
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = store_txn_begin(s, 1, &txn)) != 0)
		return r;
	r = pending_txn(s, txn, pending);
	mdb_txn_abort(txn);
	return r;
}

/* Sets every feed's mark to its head (at_head) or to 0. */
static int
marks_put_all(struct store *s, MDB_txn *txn, int at_head)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	struct feed_rec	 rec;
	int		 rc, r = 0;

	if ((rc = mdb_cursor_open(txn, s->feeds, &c)) != 0)
		return store_lmdb_err("feeds cursor", rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if ((r = store_feedrec_decode(&d, &rec)) != 0)
			break;
		if (rec.no != 0 && ((r = mark_put(s, txn, rec.no,
		    at_head ? rec.seq : 0)) != 0 ||
		    (!at_head && (r = refs_mark_del(s, txn, rec.no)) != 0)))
			break;
	}
	mdb_cursor_close(c);
	if (r == 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("feeds cursor", rc);
	return r;
}

/*
 * Stores made before the marks indexed every entry in its own append
 * transaction: give each of their feeds a mark at its head, once.
 */
int
screen_marks_init(struct store *s, MDB_txn *txn)
{
	MDB_val	k, d;
	int	rc, r;

	k.mv_data = (void *)marks_version_key;
	k.mv_size = sizeof(marks_version_key) - 1;
	if ((rc = mdb_get(txn, screen_meta(s), &k, &d)) == 0)
		return 0;
	if (rc != MDB_NOTFOUND)
		return store_lmdb_err("smeta get", rc);
	if ((r = marks_put_all(s, txn, 1)) != 0)
		return r;
	d.mv_data = (void *)"1";
	d.mv_size = 1;
	if ((rc = mdb_put(txn, screen_meta(s), &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	return 0;
}

/* Drops every mark: the ledger part of the index is being rebuilt. */
int
screen_marks_reset(struct store *s, MDB_txn *txn)
{
	return marks_put_all(s, txn, 0);
}
