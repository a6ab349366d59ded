/*
 * Which refs an origin has used (rrefs), for the validation of what this
 * node publishes: whether a ref is taken and the highest number of a
 * kind and year, so that the next one is assigned.
 *
 * A query indexes everything beyond the marks before it reads; the refs
 * of this node's own feeds need not wait for that. The transaction that
 * stores what this node signed notes their refs in rrefs as well and
 * moves the feed's refs mark (screen_mark.c) past them, so that while
 * every feed of the origin is covered, a lookup reads rrefs at once. A
 * publisher's next request is then validated without first indexing the
 * names of the thousand entries it just stored (more than half of what
 * lcnd's event loop spent publishing); the indexer does that when
 * publishing pauses. Own entries that come back from partners (a node
 * restored from a backup) move no refs mark: the lookup then indexes
 * first, as any query does.
 *
 * The rows are those the index writes for the same entries (the first
 * use of a ref, the highest number), so a rebuild gives the same bytes.
 */
#include <string.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "log.h"
#include "records_int.h"
#include "records_query_int.h"
#include "util.h"

int
records_refs_publish(struct store *s, MDB_txn *txn, const struct feed_id *f,
    uint32_t feedno, uint64_t first, const struct bytes *entries, size_t n)
{
	Lcn__SignedEntry	*se;
	Lcn__Entry		*e;
	uint64_t		 mark;
	size_t			 i;
	int			 r;

	if (s->screen == NULL || n == 0)
		return 0;
	if ((r = screen_refs_mark_get(s, txn, feedno, &mark)) != 0)
		return r;
	/* Earlier entries' refs are not all noted: the index notes them. */
	if (mark != first - 1)
		return 0;
	for (i = 0; i < n; i++) {
		se = lcn__signed_entry__unpack(NULL, entries[i].len,
		    entries[i].ptr);
		e = se == NULL ? NULL : lcn__entry__unpack(NULL, se->entry.len,
		    se->entry.data);
		r = e == NULL ? LCN_ESTORE : records_ref_note(s, txn,
		    f->origin, feedno, first + i, records_entry_ref(e));
		if (e != NULL)
			lcn__entry__free_unpacked(e, NULL);
		if (se != NULL)
			lcn__signed_entry__free_unpacked(se, NULL);
		if (r != 0)
			return r;
	}
	return screen_refs_mark_put(s, txn, feedno, first + n - 1);
}

/*
 * *covered: no rebuild is under way and rrefs holds the refs of every
 * entry of every feed of origin.
 */
static int
refs_covered(struct store *s, MDB_txn *txn, const char *origin, int *covered)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	struct feed_rec	 rec;
	char		 prefix[AGENCY_ID_MAX + 2];
	uint64_t	 mark, rebuild;
	size_t		 plen;
	int		 rc, r;

	*covered = 0;
	if ((r = screen_rebuild_get(s, txn, &rebuild)) != 0 || rebuild != 0)
		return r;
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%s/", origin);
	if ((rc = mdb_cursor_open(txn, s->feeds, &c)) != 0)
		return store_lmdb_err("feeds cursor", rc);
	k.mv_data = prefix;
	k.mv_size = plen;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
			break;
		if ((r = store_feedrec_decode(&d, &rec)) != 0)
			goto out;
		if (rec.no == 0)
			continue;
		if ((r = screen_refs_mark_get(s, txn, rec.no, &mark)) != 0)
			goto out;
		if (mark < rec.seq)
			goto out;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("feeds cursor", rc);
	else
		*covered = 1;
 out:
	mdb_cursor_close(c);
	return r;
}

/* A read transaction in which rrefs holds every ref of origin. */
static int
refs_begin(struct store *s, const char *origin, MDB_txn **txn)
{
	int covered, r;

	*txn = NULL;
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = store_txn_begin(s, 1, txn)) != 0)
		return r;
	if ((r = refs_covered(s, *txn, origin, &covered)) == 0 && covered)
		return 0;
	mdb_txn_abort(*txn);
	*txn = NULL;
	return r != 0 ? r : records_query_begin(s, txn);
}

int
records_ref_used(struct store *s, const char *origin, const char *ref,
    struct feed_id *feed, uint64_t *seq)
{
	struct feed_names	 fn;
	MDB_txn			*txn = NULL;
	MDB_val			 k, d;
	uint8_t			 key[1 + REC_KEY_MAX + 1];
	int			 rc, r;

	if (feed != NULL)
		memset(feed, 0, sizeof(*feed));
	if (seq != NULL)
		*seq = 0;
	if (origin == NULL || ref == NULL || ref[0] == '\0' ||
	    strlen(origin) > AGENCY_ID_MAX)
		return LCN_EINVAL;
	memset(&fn, 0, sizeof(fn));
	if ((r = refs_begin(s, origin, &txn)) != 0)
		return r;
	key[0] = 'u';
	k.mv_data = key;
	k.mv_size = 1 + record_key(origin, ref, key + 1);
	if ((rc = mdb_get(txn, s->screen->rrefs, &k, &d)) == MDB_NOTFOUND)
		r = LCN_ENOTFOUND;
	else if (rc != 0)
		r = store_lmdb_err("rrefs get", rc);
	else if (d.mv_size != 12)
		r = LCN_ESTORE;
	else if ((r = feed_names_load(s, txn, &fn)) == 0) {
		if (feed != NULL)
			feed_names_get(&fn, load_be32(d.mv_data), feed);
		if (seq != NULL)
			*seq = load_be64((const uint8_t *)d.mv_data + 4);
	}
	mdb_txn_abort(txn);
	feed_names_free(&fn);
	return r;
}

int
records_ref_max(struct store *s, const char *origin, const char *kind,
    unsigned year, uint64_t *number)
{
	MDB_txn	*txn = NULL;
	MDB_val	 k, d;
	uint8_t	 key[1 + AGENCY_ID_MAX + 1 + 16 + 4];
	size_t	 ol, kl;
	int	 rc, r;

	*number = 0;
	if (origin == NULL || kind == NULL ||
	    (ol = strlen(origin)) > AGENCY_ID_MAX || (kl = strlen(kind)) > 15)
		return LCN_EINVAL;
	if ((r = refs_begin(s, origin, &txn)) != 0)
		return r;
	key[0] = 'n';
	memcpy(key + 1, origin, ol + 1);
	memcpy(key + 2 + ol, kind, kl + 1);
	store_be32(key + 3 + ol + kl, year);
	k.mv_data = key;
	k.mv_size = 7 + ol + kl;
	if ((rc = mdb_get(txn, s->screen->rrefs, &k, &d)) == 0 &&
	    d.mv_size == 8)
		*number = load_be64(d.mv_data);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rrefs get", rc);
	mdb_txn_abort(txn);
	return r;
}
