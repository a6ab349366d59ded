/*
 * Private to store/: the LMDB layout and the helpers store.c, ledger.c and
 * verify.c share. Nothing outside store/ includes this file.
 *
 * One environment (the data directory's data.mdb), five sub-databases:
 *
 *   entries  be32 feed number || be64 seq  ->  raw SignedEntry bytes, exactly
 *            as received or signed (never re-serialized).
 *   feeds    "origin/group"  ->  struct feed_rec, encoded by feedrec_encode:
 *            feed number, head, root, verified mark, frozen flag and seq, and
 *            the compact range (popcount(seq) hashes).
 *   keys     key_id || origin  ->  raw 32-byte Ed25519 public key, recorded
 *            when an entry signed with it is first accepted, so that
 *            store_verify() needs only the data directory.
 *   forks    be32 feed number || be64 seq  ->  equivocation evidence:
 *            be64 detected_ms, u8 name length, "origin/group",
 *            be32 length, first entry, be32 length, second entry.
 *   meta     "version" -> be32 STORE_FORMAT_VERSION,
 *            "next_feed" -> be32 next feed number (numbers start at 1).
 *
 * All integers on disk are big-endian and every length read back is checked
 * before use (store/README.md).
 */
#ifndef LCN_STORE_INT_H
#define LCN_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "merkle.h"
#include "store.h"

#define STORE_FORMAT_VERSION	1
#define STORE_MAXDBS		32
#define ENTRY_KEY_LEN		12	/* be32 feed number || be64 seq */
#define FEED_KEY_MAX		FEED_NAME_MAX	/* "origin/group" */
#define KEYS_KEY_MAX		(KEY_ID_LEN + AGENCY_ID_MAX)
#define FEEDREC_FIXED		94	/* encoded feed_rec without hashes */

struct screen;

struct store {
	MDB_env		*env;
	MDB_dbi		 entries, feeds, keys, forks, meta;
	int		 read_only;
	struct screen	*screen;	/* screening index, NULL: off */
	MDB_txn		*group;		/* store_group_begin()'s, or NULL */
	/*
	 * Called in the transaction that stores n entries this node signed
	 * (store_chain_commit), the first at seq first of feed feedno,
	 * before its commit: the index notes there what the next
	 * publication's validation reads (records_refs_publish). NULL: no
	 * index. 0, or an error that fails the commit.
	 */
	int		(*own_appended)(struct store *, MDB_txn *,
			    const struct feed_id *, uint32_t feedno,
			    uint64_t first, const struct bytes *entries,
			    size_t n);
};

/*
 * The screening index's handles (screen.c, which opens them in
 * store_screen_enable), shared by the files of the index: check.c,
 * screen_import.c, screen_mark.c and screen_row.c.
 */
struct nametables;
struct keyid {
	uint32_t	key;
	uint64_t	id;
};
struct screen {
	struct nametables	*nt;
	MDB_dbi			 party, keys, recs, meta;
	/*
	 * Key postings of the current transaction, written sorted at its
	 * end (screen_flush): in key order, a batch touches each page of
	 * skeys once instead of once per posting.
	 */
	struct keyid		*pend;
	size_t			 npend, cap;
	/*
	 * The other rows the current index transaction wrote or deleted
	 * (screen_row_put): with the postings, what SCREEN_TXN_ROWS bounds.
	 */
	size_t			 nrows;
	const void		*importing;	/* the list import running */
	/* The records' derived state (records.h), on the same marks. */
	MDB_dbi			 rrecs, rignored, rindex, rcontrol,
				 rrefs, rattest;
	/* The consultations' (records_consult.h), on the same marks. */
	MDB_dbi			 rconsult, rcevent, rcindex, rdecision;
	/* store_commits() + 1 when screen_catch_up_all() last left nothing
	 * to index; 0: not known. */
	uint64_t		 current_at;
};

/*
 * Indexes one entry for screening (screen.c) in txn; entries of other
 * bodies are ignored. 0 or an LMDB error.
 */
int	screen_index_entry(struct store *, void *txn, const struct feed_id *,
	    uint32_t feedno, uint64_t seq, const uint8_t *signed_entry,
	    size_t len);
/* Writes the key postings gathered in txn, sorted; before its commit. */
int	screen_flush(struct store *, void *txn);
/* Forgets them, when txn is aborted. */
void	screen_discard(struct store *);
/*
 * mdb_put and mdb_del (the key's every value) of one row of the index or
 * of the records' derived state, counted toward the index transaction's
 * SCREEN_TXN_ROWS. LMDB's return.
 */
int	screen_row_put(struct store *, MDB_txn *, MDB_dbi, MDB_val *key,
	    MDB_val *val);
int	screen_row_del(struct store *, MDB_txn *, MDB_dbi, MDB_val *key);
/* The rows the current index transaction has written: postings and others. */
size_t	screen_txn_rows(const struct store *);
/* The index's own smeta sub-database. */
MDB_dbi	screen_meta(const struct store *);
/*
 * store_screen() in txn, a read-only or the writer's (check.c screens
 * every name of an application in one). Same returns.
 */
/*
 * Indexes one name of the party in r (its row fields set): its row and
 * its candidate keys, the keys held until screen_flush(). A name the
 * normaliser refuses is skipped. 0, LCN_ENOMEM or an LMDB error.
 */
struct row;
int	screen_add_name(struct store *, MDB_txn *, struct row *r,
	    const char *name);
/*
 * Deletes the index rows whose id is in [lo, hi] (of list only_list
 * alone, if not NULL), and their keys: all of them, or at most max_rows
 * (0: no limit) with *next (may be NULL) set to the id to go on from,
 * hi + 1 or more once none is left. 0 or an LMDB error.
 */
int	screen_drop_rows(struct store *, MDB_txn *, uint64_t lo, uint64_t hi,
	    const char *only_list, size_t max_rows, uint64_t *next);
/*
 * screen_import.c: which rows of imported lists a query may see. Rows
 * from hide_from up belong to an import not yet complete; a list's rows
 * below its generation's first id are an older import.
 */
#define LIST_VIEW_MAX	16
struct list_view {
	uint64_t	hide_from;		/* UINT64_MAX: none hidden */
	struct {
		char		list[48];
		uint64_t	from;
	}		gens[LIST_VIEW_MAX];
	size_t		ngens;
};
int	screen_list_view(struct store *, MDB_txn *, struct list_view *);
/* Whether row id (of list, NULL if unknown yet) is served. */
int	screen_list_visible(const struct list_view *, uint64_t id,
	    const char *list);
struct screen_hit;
int	screen_txn(struct store *, MDB_txn *, const char *name,
	    const char *country, const char *ident, double min_score,
	    size_t limit, uint64_t now_ms, int include_inactive,
	    struct screen_hit **out, size_t *nout);

/* screen_mark.c: which entries the index holds (marks per feed). */
int	screen_marks_init(struct store *, MDB_txn *);
/*
 * The highest seq of feed feedno whose refs rrefs holds: its mark, or a
 * later seq up to which publishing noted them (records_refs.c).
 */
int	screen_refs_mark_get(struct store *, MDB_txn *, uint32_t feedno,
	    uint64_t *seq);
int	screen_refs_mark_put(struct store *, MDB_txn *, uint32_t feedno,
	    uint64_t seq);
int	screen_marks_reset(struct store *, MDB_txn *);
int	screen_catch_up_txn(struct store *, MDB_txn *, uint64_t max,
	    uint64_t *indexed, uint64_t *pending);
/* Indexes everything beyond the marks, a step per transaction. */
int	screen_catch_up_all(struct store *);
/*
 * In txn: the entries beyond the marks (all of them while a rebuild is
 * under way) and whether one is.
 */
int	screen_pending_txn(struct store *, MDB_txn *, uint64_t *entries,
	    int *rebuilding);
/* A rebuild in progress (lcn reindex): the row id to drop from, 0: none. */
int	screen_rebuild_get(struct store *, MDB_txn *, uint64_t *from);
int	screen_rebuild_put(struct store *, MDB_txn *, uint64_t from);
/* screen.c: one step of dropping the old rows; ends the rebuild at last. */
int	screen_rebuild_step(struct store *, MDB_txn *, uint64_t from);

/*
 * records_apply.c: applies one decoded entry (an Lcn__Entry) of feed f to
 * the records' tables in txn; entries of other bodies change nothing. 0,
 * LCN_ENOMEM or an LMDB error.
 */
int	records_apply(struct store *, MDB_txn *, const struct feed_id *f,
	    uint32_t feedno, uint64_t seq, const void *entry);
/*
 * The ref an entry (an Lcn__Entry) gives itself, NULL if its body has
 * none; and noting in rrefs that origin's entry at feedno/seq uses ref
 * (the first use and the highest number are kept). 0 or an LMDB error.
 */
const char *records_entry_ref(const void *entry);
int	records_ref_note(struct store *, MDB_txn *, const char *origin,
	    uint32_t feedno, uint64_t seq, const char *ref);
/* records_refs.c: store->own_appended when the index is on. */
int	records_refs_publish(struct store *, MDB_txn *, const struct feed_id *,
	    uint32_t feedno, uint64_t first, const struct bytes *entries,
	    size_t n);
/*
 * records.c: opens (creates) the records' tables in txn, and on a ledger
 * indexed before they existed starts a rebuild so that they are filled.
 * 0 or an LMDB error.
 */
int	records_open(struct store *, MDB_txn *);
/* Empties the records' tables: the last step of a rebuild. */
int	records_drop(struct store *, MDB_txn *);

/* A feed's row in `feeds`, decoded. */
struct feed_rec {
	uint32_t		no;		/* 0: not yet assigned */
	uint64_t		seq;		/* head; 0: empty */
	uint8_t			hash[HASH_LEN];	/* leaf hash of seq */
	uint8_t			root[HASH_LEN];	/* root of 1..seq */
	uint64_t		verified;	/* <= seq */
	int			frozen;
	uint64_t		frozen_seq;	/* lowest forked seq */
	struct merkle_range	range;		/* range.n == seq */
};

/* Logs "what: LMDB error" and returns LCN_EFULL for a full map, else
 * LCN_ESTORE. */
int	store_lmdb_err(const char *what, int rc);
/*
 * A read-only txn if rdonly; 0 or LCN_ESTORE. A write txn begun while a
 * group is open (store_group_begin) is nested in the group's: committing
 * it only merges it into the group, which store_group_commit() syncs.
 */
int	store_txn_begin(struct store *, int rdonly, MDB_txn **);
/*
 * A write txn of derived state only (the screening index and the records'
 * state, which the ledger can rebuild): its commit syncs the pages it
 * wrote but not the meta page, so a power cut may undo its last commit,
 * never half of one, and the next synced commit makes it durable. One
 * flush a commit instead of two. Nested in an open group like any other.
 */
int	store_txn_begin_derived(struct store *, MDB_txn **);
/* Commits (the txn is gone either way); 0, LCN_EFULL or LCN_ESTORE. */
int	store_txn_commit(MDB_txn *);
/*
 * How many write transactions this process has committed (or tried to)
 * so far: while it has not moved, nothing in the environment has (lcnd
 * is its only writer), so a reader may skip looking again.
 */
uint64_t store_commits(void);

/* 1 if both ids are NUL-terminated within their arrays and valid. */
int	store_feed_id_valid(const struct feed_id *);
/* "origin/group" into buf (FEED_KEY_MAX + 1); returns the length. */
size_t	store_feed_key(const struct feed_id *, char *buf);
/* The reverse, validating; 0 or LCN_ESTORE. */
int	store_feed_key_parse(const void *key, size_t len, struct feed_id *);
void	store_entry_key(uint8_t k[ENTRY_KEY_LEN], uint32_t no, uint64_t seq);

/* Fills res->bad_seq and res->reason and returns r (ledger.c and
 * ledger_publish.c report a refused entry with it). */
int	append_result_fail(struct append_result *res, uint64_t seq, int r,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An empty feed: seq 0, zero head hash, empty-tree root. */
void	store_feedrec_empty(struct feed_rec *);
/* 0, LCN_ENOTFOUND (rec is then empty) or LCN_ESTORE (also if corrupt). */
int	store_feedrec_get(struct store *, MDB_txn *, const struct feed_id *,
	    struct feed_rec *);
int	store_feedrec_decode(const MDB_val *, struct feed_rec *);
/* Writes rec, assigning a feed number first if rec->no is 0. */
int	store_feedrec_put(struct store *, MDB_txn *, const struct feed_id *,
	    struct feed_rec *);
void	store_feedrec_state(const struct feed_id *, const struct feed_rec *,
	    struct feed_state *);

/* key_id || origin into k (KEYS_KEY_MAX); returns the length. */
size_t	store_keys_key(const uint8_t key_id[KEY_ID_LEN], const char *origin,
	    uint8_t *k);

/* Decoded `forks` value, borrowing from the map. */
struct fork_val {
	uint64_t	 detected_ms;
	struct feed_id	 feed;
	struct bytes	 first, second;
};
int	store_fork_decode(const MDB_val *, struct fork_val *);

#endif
