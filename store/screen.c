/*
 * The screening index (screen.h): opening it, writing the entries' parties
 * into it, answering a query, and dropping rows for a rebuild. Its rows
 * are encoded in screen_row.c, its marks kept in screen_mark.c, lists
 * imported by screen_import.c, and the no-undercut check is check.c. It
 * lives in LMDB sub-databases beside the ledger's:
 *
 *   sparty  be64 id -> one name of one party (row_encode): source,
 *           role, the entry holding it, the record it belongs to, the
 *           names for display and the normalised tokens, so a query never
 *           normalises a candidate again. Ledger ids count up from 1;
 *           imported list ids have the top bit set, so reindexing the
 *           ledger and replacing a list touch disjoint ranges.
 *   skeys   be32 candidate key (names_keys) -> be64 ids (sorted dups).
 *   srecs   origin NUL ref -> the record's entries: source, the notice or
 *           alert entry and its updates' entries, whose state domain.c
 *           computes at query time (a review date passes without any
 *           write, so state is never stored).
 *   smeta   "next" -> be64 next ledger id; "nextlist" -> next list id.
 *
 * The step that indexes an entry also applies it to the records' derived
 * state (records_apply.c), and a rebuild drops those tables with srecs.
 *
 * Every length read back is checked (proto/PROTOCOL.md); a corrupt row
 * is skipped and logged, never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "log.h"
#include "match.h"
#include "nametables.h"
#include "names.h"
#include "screen.h"
#include "screen_row.h"
#include "store_int.h"
#include "util.h"

/* Rows a rebuild (lcn reindex) drops per transaction. */
#define REBUILD_ROWS_STEP	2048

/* ------------------------------------------------------------ writing */

static int
next_id(struct store *s, MDB_txn *txn, int list, uint64_t *id)
{
	static const char	 kled[] = "next", klist[] = "nextlist";
	MDB_val			 k, d;
	uint8_t			 b[8];
	uint64_t		 v = 1;
	int			 rc;

	k.mv_data = (void *)(list ? klist : kled);
	k.mv_size = strlen(k.mv_data);
	if ((rc = mdb_get(txn, s->screen->meta, &k, &d)) == 0 &&
	    d.mv_size == 8)
		v = load_be64(d.mv_data);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("smeta get", rc);
	store_be64(b, v + 1);
	d.mv_data = b;
	d.mv_size = 8;
	if ((rc = mdb_put(txn, s->screen->meta, &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	*id = list ? (v | LIST_ID_BIT) : v;
	return 0;
}

/*
 * Indexes one name of a party: its row and its candidate keys. A name the
 * normaliser refuses (no letter, not UTF-8, too long) is skipped: it
 * could never be found by a query either.
 */
int
screen_add_name(struct store *s, MDB_txn *txn, struct row *r, const char *name)
{
	struct screen	*sc = s->screen;
	uint32_t	 keys[NAME_KEYS_MAX];
	uint8_t		 buf[ROW_MAX], idb[8];
	MDB_val		 k, d;
	uint64_t	 id = 0;
	size_t		 nkeys, i, len;
	int		 rc, r2;

	if (name == NULL || name[0] == '\0')
		return 0;
	if (names_normalise(sc->nt, name, NAME_UNKNOWN, &r->norm) != 0)
		return 0;
	str_copy(r->matched, sizeof(r->matched), name);
	if ((len = row_encode(r, buf, sizeof(buf))) == 0)
		return 0;
	if ((r2 = next_id(s, txn, r->source == SCREEN_LIST, &id)) != 0)
		return r2;
	store_be64(idb, id);
	k.mv_data = idb;
	k.mv_size = 8;
	d.mv_data = buf;
	d.mv_size = len;
	if ((rc = screen_row_put(s, txn, sc->party, &k, &d)) != 0)
		return store_lmdb_err("sparty put", rc);
	nkeys = names_keys(&r->norm, keys, NAME_KEYS_MAX);
	if (sc->npend + nkeys > sc->cap) {
		size_t		 ncap = sc->cap ? sc->cap : 4096;
		struct keyid	*np;

		while (ncap < sc->npend + nkeys)
			ncap *= 2;
		if ((np = realloc(sc->pend, ncap * sizeof(*np))) == NULL)
			return LCN_ENOMEM;
		sc->pend = np;
		sc->cap = ncap;
	}
	for (i = 0; i < nkeys; i++) {
		sc->pend[sc->npend].key = keys[i];
		sc->pend[sc->npend++].id = id;
	}
	return 0;
}

static int
keyid_cmp(const void *a, const void *b)
{
	const struct keyid *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int
screen_flush(struct store *s, void *txnp)
{
	struct screen	*sc = s->screen;
	MDB_cursor	*c = NULL;
	MDB_val		 k, d;
	uint8_t		 kb[4], idb[8];
	size_t		 i;
	int		 rc, r = 0;

	if (sc == NULL || sc->npend == 0)
		return 0;
	if (sc->npend > 1)
		qsort(sc->pend, sc->npend, sizeof(*sc->pend), keyid_cmp);
	if ((rc = mdb_cursor_open(txnp, sc->keys, &c)) != 0) {
		r = store_lmdb_err("skeys cursor", rc);
		goto out;
	}
	for (i = 0; i < sc->npend; i++) {
		store_be32(kb, sc->pend[i].key);
		store_be64(idb, sc->pend[i].id);
		k.mv_data = kb;
		k.mv_size = 4;
		d.mv_data = idb;
		d.mv_size = 8;
		if ((rc = mdb_cursor_put(c, &k, &d, 0)) != 0 &&
		    rc != MDB_KEYEXIST) {
			r = store_lmdb_err("skeys put", rc);
			break;
		}
	}
	mdb_cursor_close(c);
 out:
	sc->npend = 0;
	return r;
}

void
screen_discard(struct store *s)
{
	if (s->screen != NULL)
		s->screen->npend = 0;
}

int
screen_row_put(struct store *s, MDB_txn *txn, MDB_dbi dbi, MDB_val *key,
    MDB_val *val)
{
	s->screen->nrows++;
	return mdb_put(txn, dbi, key, val, 0);
}

int
screen_row_del(struct store *s, MDB_txn *txn, MDB_dbi dbi, MDB_val *key)
{
	s->screen->nrows++;
	return mdb_del(txn, dbi, key, NULL);
}

size_t
screen_txn_rows(const struct store *s)
{
	return s->screen->npend + s->screen->nrows;
}

MDB_dbi
screen_meta(const struct store *s)
{
	return s->screen->meta;
}

static int
add_party(struct store *s, MDB_txn *txn, struct row *r, const Lcn__Party *p)
{
	size_t	i;
	int	rv;

	if (p == NULL)
		return 0;
	r->role = (uint8_t)p->role;
	str_copy(r->name, sizeof(r->name), p->name ? p->name : "");
	str_copy(r->country, sizeof(r->country),
	    p->country && strlen(p->country) == 2 ? p->country : "");
	str_copy(r->ident, sizeof(r->ident), party_first_ident(p) != NULL ?
	    party_first_ident(p) : "");
	if ((rv = screen_add_name(s, txn, r, p->name)) != 0 ||
	    (rv = screen_add_name(s, txn, r, p->name_local)) != 0)
		return rv;
	for (i = 0; i < p->n_aliases; i++)
		if ((rv = screen_add_name(s, txn, r, p->aliases[i]->name)) != 0)
			return rv;
	return 0;
}

/*
 * srecs value: u8 source, be32 feed number, be64 seq of the notice or
 * alert (0 while only updates are known), be32 n, n x (be32 feed, be64
 * seq) of updates in ledger order.
 */
static int
rec_update(struct store *s, MDB_txn *txn, const char *origin,
    const char *ref, uint8_t source, uint32_t feedno, uint64_t seq,
    int is_update)
{
	uint8_t		 key[REC_KEY_MAX + 1], *nv;
	MDB_val		 k, d;
	size_t		 n = 0, len;
	int		 rc;

	k.mv_data = key;
	k.mv_size = record_key(origin, ref, key);
	rc = mdb_get(txn, s->screen->recs, &k, &d);
	if (rc == 0 && (d.mv_size < 17 || (d.mv_size - 17) % 12 != 0 ||
	    load_be32((const uint8_t *)d.mv_data + 13) !=
	    (d.mv_size - 17) / 12))
		rc = MDB_NOTFOUND;	/* corrupt: start the record over */
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("srecs get", rc);
	if (rc == 0)
		n = load_be32((const uint8_t *)d.mv_data + 13);
	if (n >= REPEATED_MAX * 4 && is_update)
		return 0;	/* absurd update chain: keep what we have */
	len = 17 + (n + (is_update ? 1 : 0)) * 12;
	if ((nv = malloc(len)) == NULL)
		return LCN_ENOMEM;
	if (rc == 0)
		memcpy(nv, d.mv_data, 17 + n * 12);
	else {
		memset(nv, 0, 17);
		nv[0] = source;
	}
	if (is_update) {
		store_be32(nv + 17 + n * 12, feedno);
		store_be64(nv + 17 + n * 12 + 4, seq);
		store_be32(nv + 13, (uint32_t)(n + 1));
	} else {
		nv[0] = source;
		store_be32(nv + 1, feedno);
		store_be64(nv + 5, seq);
		store_be32(nv + 13, (uint32_t)n);
	}
	d.mv_data = nv;
	d.mv_size = len;
	rc = screen_row_put(s, txn, s->screen->recs, &k, &d);
	free(nv);
	return rc ? store_lmdb_err("srecs put", rc) : 0;
}

int
screen_index_entry(struct store *s, void *txnp, const struct feed_id *f,
    uint32_t feedno, uint64_t seq, const uint8_t *signed_entry, size_t len)
{
	const char		*origin = f->origin;
	MDB_txn			*txn = txnp;
	Lcn__SignedEntry	*se = NULL;
	Lcn__Entry		*e = NULL;
	struct row		 r;
	size_t			 i;
	int			 rv = 0;

	if (s->screen == NULL)
		return 0;
	if ((se = lcn__signed_entry__unpack(NULL, len, signed_entry)) == NULL ||
	    (e = lcn__entry__unpack(NULL, se->entry.len, se->entry.data)) ==
	    NULL)
		goto out;	/* the ledger checked it; nothing to index */
	memset(&r, 0, sizeof(r));
	str_copy(r.origin, sizeof(r.origin), origin);
	r.feedno = feedno;
	r.seq = seq;
	switch (e->body_case) {
	case LCN__ENTRY__BODY_DENIAL_NOTICE:
		r.source = SCREEN_DENIAL;
		str_copy(r.ref, sizeof(r.ref), e->denial_notice->ref);
		if ((rv = rec_update(s, txn, origin, r.ref, SCREEN_DENIAL,
		    feedno, seq, 0)) != 0)
			goto out;
		for (i = 0; i < e->denial_notice->n_parties; i++)
			if ((rv = add_party(s, txn, &r,
			    e->denial_notice->parties[i])) != 0)
				goto out;
		break;
	case LCN__ENTRY__BODY_DENIAL_UPDATE:
		r.source = SCREEN_DENIAL;
		str_copy(r.ref, sizeof(r.ref), e->denial_update->denial_ref);
		if ((rv = rec_update(s, txn, origin, r.ref, SCREEN_DENIAL,
		    feedno, seq, 1)) != 0)
			goto out;
		if (e->denial_update->amended != NULL)
			for (i = 0; i < e->denial_update->amended->n_parties;
			    i++)
				if ((rv = add_party(s, txn, &r,
				    e->denial_update->amended->parties[i])) != 0)
					goto out;
		break;
	case LCN__ENTRY__BODY_END_USER_ALERT:
		r.source = SCREEN_ALERT;
		str_copy(r.ref, sizeof(r.ref), e->end_user_alert->ref);
		if ((rv = rec_update(s, txn, origin, r.ref, SCREEN_ALERT,
		    feedno, seq, 0)) != 0 ||
		    (rv = add_party(s, txn, &r, e->end_user_alert->party)) != 0)
			goto out;
		break;
	case LCN__ENTRY__BODY_ALERT_UPDATE:
		r.source = SCREEN_ALERT;
		str_copy(r.ref, sizeof(r.ref), e->alert_update->alert_ref);
		if ((rv = rec_update(s, txn, origin, r.ref, SCREEN_ALERT,
		    feedno, seq, 1)) != 0)
			goto out;
		if (e->alert_update->amended != NULL &&
		    (rv = add_party(s, txn, &r,
		    e->alert_update->amended->party)) != 0)
			goto out;
		break;
	default:
		break;
	}
	/* The records' derived state moves with the index, on its marks. */
	rv = records_apply(s, txn, f, feedno, seq, e);
 out:
	if (e != NULL)
		lcn__entry__free_unpacked(e, NULL);
	if (se != NULL)
		lcn__signed_entry__free_unpacked(se, NULL);
	return rv;
}

int
store_screen_enable(struct store *s, const char *tables_dir, char *errbuf,
    size_t errbufsz)
{
	static const char *const names[] = { "sparty", "skeys", "srecs",
	    "smeta" };
	struct screen	*sc;
	MDB_txn		*txn = NULL;
	MDB_dbi		*dbis[4];
	size_t		 i;
	int		 r, rc;

	if (s->read_only) {
		snprintf(errbuf, errbufsz, "screening needs a writable store");
		return LCN_EINVAL;
	}
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return LCN_ENOMEM;
	if ((r = nametables_load(tables_dir, &sc->nt, errbuf, errbufsz)) !=
	    0) {
		free(sc);
		return r;
	}
	dbis[0] = &sc->party;
	dbis[1] = &sc->keys;
	dbis[2] = &sc->recs;
	dbis[3] = &sc->meta;
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		goto fail;
	for (i = 0; i < 4; i++) {
		rc = mdb_dbi_open(txn, names[i], MDB_CREATE | (i == 1 ?
		    MDB_DUPSORT | MDB_DUPFIXED : 0), dbis[i]);
		if (rc != 0) {
			snprintf(errbuf, errbufsz, "sub-database %s: %s",
			    names[i], mdb_strerror(rc));
			mdb_txn_abort(txn);
			r = store_lmdb_err("mdb_dbi_open", rc);
			goto fail;
		}
	}
	s->screen = sc;
	if ((r = screen_marks_init(s, txn)) != 0 ||
	    (r = records_open(s, txn)) != 0) {
		snprintf(errbuf, errbufsz, "screening index marks: %s",
		    lcn_strerror(r));
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((r = store_txn_commit(txn)) != 0)
		goto fail;
	s->own_appended = records_refs_publish;
	return 0;
 fail:
	s->screen = NULL;
	nametables_free(sc->nt);
	free(sc);
	return r;
}

void
store_screen_disable(struct store *s)
{
	if (s == NULL || s->screen == NULL)
		return;
	nametables_free(s->screen->nt);
	free(s->screen->pend);
	free(s->screen);
	s->screen = NULL;
	s->own_appended = NULL;
}

/* ------------------------------------------------------------ queries */

struct idset {
	uint64_t	*slot;		/* 0: empty (ids are never 0) */
	uint16_t	*shared;	/* query keys the id shares */
	size_t		 cap, n;
};

/* Counts one more shared key for id; adds it only if room is left. */
static void
idset_count(struct idset *s, uint64_t id, int may_add)
{
	size_t i = (size_t)(id * 0x9e3779b97f4a7c15ull) & (s->cap - 1);

	while (s->slot[i] != 0) {
		if (s->slot[i] == id) {
			if (s->shared[i] < UINT16_MAX)
				s->shared[i]++;
			return;
		}
		i = (i + 1) & (s->cap - 1);
	}
	if (!may_add)
		return;
	s->slot[i] = id;
	s->shared[i] = 1;
	s->n++;
}

struct keycount {
	uint32_t	key;
	size_t		count;
};

static int
keycount_cmp(const void *a, const void *b)
{
	const struct keycount *x = a, *y = b;

	return x->count < y->count ? -1 : x->count > y->count;
}

/*
 * Candidate ids for a normalised query: the postings of its keys, rarest
 * key first, counting how many keys each id shares. New ids stop at
 * SCREEN_CANDIDATES_MAX and reading stops at SCREEN_POSTINGS_MAX; a very
 * common key (a generic word) then only adds to the counts of the ids
 * the rare keys found.
 */
static int
candidates(struct store *s, MDB_txn *txn, const struct name_norm *q,
    const struct list_view *view, struct idset *set)
{
	struct keycount	 kc[NAME_KEYS_MAX];
	uint32_t	 keys[NAME_KEYS_MAX];
	MDB_cursor	*c = NULL;
	MDB_val		 k, d;
	uint8_t		 kb[4];
	size_t		 nkeys, i, j, cnt, read = 0;
	int		 rc;

	nkeys = names_keys(q, keys, NAME_KEYS_MAX);
	if ((rc = mdb_cursor_open(txn, s->screen->keys, &c)) != 0)
		return store_lmdb_err("skeys cursor", rc);
	/* A key nobody has is MDB_NOTFOUND; any other failure is one. */
	for (i = 0, j = 0; i < nkeys; i++) {
		store_be32(kb, keys[i]);
		k.mv_data = kb;
		k.mv_size = 4;
		if ((rc = mdb_cursor_get(c, &k, &d, MDB_SET)) == MDB_NOTFOUND)
			continue;
		if (rc != 0 || (rc = mdb_cursor_count(c, &cnt)) != 0)
			goto out;
		kc[j].key = keys[i];
		kc[j++].count = cnt;
	}
	if (j > 1)
		qsort(kc, j, sizeof(kc[0]), keycount_cmp);
	for (i = 0; i < j && read < SCREEN_POSTINGS_MAX; i++) {
		store_be32(kb, kc[i].key);
		k.mv_data = kb;
		k.mv_size = 4;
		for (rc = mdb_cursor_get(c, &k, &d, MDB_SET); rc == 0 &&
		    read < SCREEN_POSTINGS_MAX;
		    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP), read++)
			/* An import's rows count once it is complete. */
			if (d.mv_size == 8 &&
			    load_be64(d.mv_data) < view->hide_from)
				idset_count(set, load_be64(d.mv_data),
				    set->n < SCREEN_CANDIDATES_MAX);
		if (rc != 0 && rc != MDB_NOTFOUND)
			goto out;
	}
	rc = 0;
 out:
	mdb_cursor_close(c);
	return rc != 0 ? store_lmdb_err("skeys read", rc) : 0;
}

/*
 * The fewest shared keys a candidate needs to be scored: the count that
 * keeps about SCREEN_SCORED_MAX of the best-connected candidates. A true
 * match shares most of the query's keys (each informative token's
 * skeleton, its one-letter deletions and the pairs of adjacent tokens).
 */
static unsigned
shared_floor(const struct idset *set)
{
	size_t		hist[NAME_KEYS_MAX + 2], i, sum = 0;
	unsigned	c;

	memset(hist, 0, sizeof(hist));
	for (i = 0; i < set->cap; i++)
		if (set->slot[i] != 0)
			hist[set->shared[i] > NAME_KEYS_MAX ? NAME_KEYS_MAX + 1 :
			    set->shared[i]]++;
	for (c = NAME_KEYS_MAX + 1; c > 1; c--) {
		sum += hist[c];
		if (sum >= SCREEN_SCORED_MAX)
			return c;
	}
	return 1;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct screen_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->ref, y->ref);
}

static int
same_record(const struct screen_hit *a, const struct screen_hit *b)
{
	return a->source == b->source && strcmp(a->agency, b->agency) == 0 &&
	    strcmp(a->list, b->list) == 0 && strcmp(a->ref, b->ref) == 0;
}

int
screen_txn(struct store *s, MDB_txn *txn, const char *name,
    const char *country, const char *ident, double min_score, size_t limit,
    uint64_t now_ms, int include_inactive, struct screen_hit **out,
    size_t *nout)
{
	struct match_qual	 qq = { country, ident }, cq;
	struct match_result	 mr;
	struct screen_hit	*hits = NULL, *nh;
	struct name_norm	 q;
	struct idset		 set = { NULL, NULL, 0, 0 };
	struct list_view	 view;
	struct record		 rec;
	unsigned		 floor;
	size_t			 at_floor = 0;
	struct row		 row;
	MDB_val			 k, d;
	uint8_t			 idb[8];
	size_t			 nhits = 0, cap = 0, i, kept = 0, j;
	int			 r, rc;

	*out = NULL;
	*nout = 0;
	if ((r = names_normalise(s->screen->nt, name, NAME_UNKNOWN, &q)) != 0)
		return r;
	set.cap = 1;
	while (set.cap < 2 * SCREEN_CANDIDATES_MAX)
		set.cap <<= 1;
	if ((set.slot = calloc(set.cap, sizeof(*set.slot))) == NULL ||
	    (set.shared = calloc(set.cap, sizeof(*set.shared))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	if ((r = screen_list_view(s, txn, &view)) != 0 ||
	    (r = candidates(s, txn, &q, &view, &set)) != 0)
		goto out;
	floor = shared_floor(&set);
	for (i = 0; i < set.cap; i++) {
		if (set.slot[i] == 0 || set.shared[i] < floor)
			continue;
		/* Ties at the floor: score only as many as the budget. */
		if (set.shared[i] == floor && ++at_floor > SCREEN_SCORED_MAX)
			continue;
		store_be64(idb, set.slot[i]);
		k.mv_data = idb;
		k.mv_size = 8;
		/* A posting without its row, or a corrupt row: skipped. */
		if ((rc = mdb_get(txn, s->screen->party, &k, &d)) != 0 &&
		    rc != MDB_NOTFOUND) {
			r = store_lmdb_err("sparty get", rc);
			goto out;
		}
		if (rc != 0 || row_decode(d.mv_data, d.mv_size, &row) != 0)
			continue;
		if (row.source == SCREEN_LIST && !screen_list_visible(&view,
		    set.slot[i], row.list))
			continue;	/* an older import, being dropped */
		cq.country = row.country;
		cq.ident = row.ident;
		if (match_score(&q, &row.norm, &qq, &cq, &mr) != 0 ||
		    mr.score < min_score)
			continue;
		if (nhits == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nh = realloc(hits, cap * sizeof(*nh))) == NULL) {
				r = LCN_ENOMEM;
				goto out;
			}
			hits = nh;
		}
		nh = &hits[nhits++];
		memset(nh, 0, sizeof(*nh));
		nh->source = (enum screen_source)row.source;
		if (row.source == SCREEN_LIST)
			str_copy(nh->list, sizeof(nh->list), row.list);
		else
			str_copy(nh->agency, sizeof(nh->agency), row.origin);
		str_copy(nh->ref, sizeof(nh->ref), row.ref);
		nh->role = row.role;
		str_copy(nh->name, sizeof(nh->name), row.name);
		str_copy(nh->matched, sizeof(nh->matched), row.matched);
		str_copy(nh->country, sizeof(nh->country), row.country);
		nh->score = mr.score;
		match_explain(&q, &row.norm, &mr, nh->why, sizeof(nh->why));
		nh->feed.group[0] = '\0';
		nh->seq = row.seq;
		nh->state = "active";
		/* The feed of the entry, for the operator to look it up. */
		if (row.source != SCREEN_LIST) {
			str_copy(nh->feed.origin, sizeof(nh->feed.origin),
			    row.origin);
			nh->feed.group[0] = '\0';
		}
	}
	if (nhits > 1)
		qsort(hits, nhits, sizeof(*hits), hit_cmp);
	/* Best name per record, active records only, up to the limit. */
	for (i = 0; i < nhits && kept < limit; i++) {
		for (j = 0; j < kept; j++)
			if (same_record(&hits[j], &hits[i]))
				break;
		if (j < kept)
			continue;
		if (hits[i].source != SCREEN_LIST) {
			if (record_load(s, txn, hits[i].agency, hits[i].ref,
			    now_ms, &rec) == 0) {
				hits[i].state = rec.state;
				if (!rec.active && !include_inactive) {
					record_free(&rec);
					continue;
				}
				record_free(&rec);
			}
		}
		hits[kept++] = hits[i];
	}
	*out = hits;
	*nout = kept;
	hits = NULL;
	r = 0;
 out:
	free(hits);
	free(set.slot);
	free(set.shared);
	return r;
}

int
store_screen(struct store *s, const char *name, const char *country,
    const char *ident, double min_score, size_t limit, uint64_t now_ms,
    int include_inactive, struct screen_hit **out, size_t *n)
{
	MDB_txn	*txn = NULL;
	int	 r;

	*out = NULL;
	*n = 0;
	if (s->screen == NULL)
		return LCN_EINVAL;
	if (limit == 0 || limit > SCREEN_LIMIT_MAX)
		limit = SCREEN_LIMIT_MAX;
	if ((r = screen_catch_up_all(s)) != 0 ||
	    (r = store_txn_begin(s, 1, &txn)) != 0)
		return r;
	r = screen_txn(s, txn, name, country, ident, min_score, limit, now_ms,
	    include_inactive, out, n);
	mdb_txn_abort(txn);
	return r;
}

/* ------------------------------------------------------------ rebuild */

/*
 * Deletes the index rows whose id is in [lo, hi], and their keys: all of
 * them, or at most max_rows (0: no limit) with *next (may be NULL) set to
 * the id to go on from, hi + 1 or more once none is left.
 */
int
screen_drop_rows(struct store *s, MDB_txn *txn, uint64_t lo, uint64_t hi,
    const char *only_list, size_t max_rows, uint64_t *next)
{
	MDB_cursor	*c = NULL;
	MDB_val		 k, d, kk, dd;
	struct row	 row;
	uint32_t	 keys[NAME_KEYS_MAX];
	uint8_t		 idb[8], kb[4];
	size_t		 nkeys, i, dropped = 0;
	uint64_t	 id;
	int		 rc;

	if (next != NULL)
		*next = hi == UINT64_MAX ? hi : hi + 1;

	if ((rc = mdb_cursor_open(txn, s->screen->party, &c)) != 0)
		return store_lmdb_err("sparty cursor", rc);
	store_be64(idb, lo);
	k.mv_data = idb;
	k.mv_size = 8;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != 8 || (id = load_be64(k.mv_data)) > hi)
			break;
		if (max_rows != 0 && dropped++ == max_rows) {
			if (next != NULL)
				*next = id;
			break;
		}
		if (row_decode(d.mv_data, d.mv_size, &row) == 0) {
			if (only_list != NULL &&
			    strcmp(row.list, only_list) != 0)
				continue;
			nkeys = names_keys(&row.norm, keys, NAME_KEYS_MAX);
			for (i = 0; i < nkeys; i++) {
				store_be32(kb, keys[i]);
				kk.mv_data = kb;
				kk.mv_size = 4;
				dd.mv_data = k.mv_data;
				dd.mv_size = 8;
				rc = mdb_del(txn, s->screen->keys, &kk, &dd);
				if (rc != 0 && rc != MDB_NOTFOUND) {
					mdb_cursor_close(c);
					return store_lmdb_err("skeys del", rc);
				}
			}
		}
		if ((rc = mdb_cursor_del(c, 0)) != 0) {
			mdb_cursor_close(c);
			return store_lmdb_err("sparty del", rc);
		}
	}
	mdb_cursor_close(c);
	return 0;
}

int
store_reindex(struct store *s, uint64_t *entries)
{
	MDB_txn	*txn = NULL;
	int	 r, rebuilding;

	*entries = 0;
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		return r;
	if ((r = screen_rebuild_put(s, txn, 1)) != 0 ||
	    (r = screen_pending_txn(s, txn, entries, &rebuilding)) != 0) {
		mdb_txn_abort(txn);
		return r;
	}
	return store_txn_commit(txn);
}

/*
 * One step of a rebuild: drops up to REBUILD_ROWS_STEP of the ledger's
 * rows; after the last, the records and the marks, which ends the
 * rebuild and leaves every entry to screen_catch_up_txn().
 */
int
screen_rebuild_step(struct store *s, MDB_txn *txn, uint64_t from)
{
	uint64_t	next;
	int		r, rc;

	if ((r = screen_drop_rows(s, txn, from, LIST_ID_BIT - 1, NULL,
	    REBUILD_ROWS_STEP, &next)) != 0)
		return r;
	if (next < LIST_ID_BIT)
		return screen_rebuild_put(s, txn, next);
	if ((rc = mdb_drop(txn, s->screen->recs, 0)) != 0)
		return store_lmdb_err("srecs drop", rc);
	if ((r = records_drop(s, txn)) != 0 ||
	    (r = screen_marks_reset(s, txn)) != 0)
		return r;
	return screen_rebuild_put(s, txn, 0);
}
