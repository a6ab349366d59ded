/*
 * Public screening lists (lists.h) imported into the screening index as
 * local reference parties (screen_import.h). Each party's names become
 * sparty rows with ids above LIST_ID_BIT, so an import and the ledger's
 * rows never share a range. Never published to partners.
 *
 * An import is a generation of the list: the rows written by it, from
 * the id smeta "nextlist" held when it began. Two smeta keys say which
 * rows a query may see (screen_list_view):
 *
 *   "limport"       be64 id: while an import writes, its rows (every id
 *                   from this one up) are hidden.
 *   "lgen/" list    be64 id: the first id of the list's served generation;
 *                   its rows below are an older import, hidden until they
 *                   are dropped. Absent: every row of the list is served
 *                   (stores older than generations).
 *
 * The steps, each a transaction of its own on the writer thread:
 *   1. begin: put "limport" at the next list id (or keep an older one
 *      left by an import that failed or was cut short by a crash);
 *   2. drop that failed import's rows, IMPORT_STEP_ROWS per step;
 *   3. write the parties, IMPORT_STEP_PARTIES per step; the last step
 *      also puts "lgen/" list at the new generation and deletes
 *      "limport": in one commit, queries go from the old list to the new;
 *   4. drop the old generation's rows, IMPORT_STEP_ROWS per step.
 * A crash anywhere leaves the index serving one whole generation; the
 * rows of a cut import stay hidden until the next import drops them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "lists.h"
#include "screen.h"
#include "screen_import.h"
#include "screen_row.h"
#include "store_int.h"
#include "util.h"

#define GEN_PREFIX	"lgen/"
#define GEN_KEY_MAX	(sizeof(GEN_PREFIX) - 1 + 48)

static const char import_key[] = "limport";

enum import_phase {
	IMPORT_BEGIN,
	IMPORT_DROP_FAILED,	/* rows of an earlier import cut short */
	IMPORT_WRITE,
	IMPORT_DROP_OLD,	/* the previous generation's rows */
	IMPORT_DONE,
	IMPORT_FAILED,
};

/*
 * A parsed list: its parties packed one after another, each as be16
 * number of names, then ref, display name, country, identifier and the
 * names, every one NUL-terminated.
 */
struct list_import {
	char			 list[48];	/* list_format_name() */
	uint8_t			*buf;
	size_t			 len, cap, nparties;
	size_t			 off;	/* next party in buf */
	enum import_phase	 phase;
	uint64_t		 lo;	/* first id of the new generation */
	uint64_t		 from;	/* next row id to drop */
};

struct parse_ctx {
	struct list_import	*imp;
	int			 err;
	void			(*progress)(uint64_t, uint64_t, void *);
	void			*arg;
};

/* Room for n more bytes in imp->buf; 0 or LCN_ENOMEM. */
static int
reserve(struct list_import *imp, size_t n)
{
	uint8_t	*nb;
	size_t	 ncap;

	if (n <= imp->cap - imp->len)
		return 0;
	ncap = imp->cap ? imp->cap : 1 << 16;
	while (ncap - imp->len < n)
		ncap *= 2;
	if ((nb = realloc(imp->buf, ncap)) == NULL)
		return LCN_ENOMEM;
	imp->buf = nb;
	imp->cap = ncap;
	return 0;
}

static int
pack(struct list_import *imp, const char *s)
{
	size_t	len;
	int	r;

	if (s == NULL)
		s = "";
	len = strlen(s) + 1;
	if ((r = reserve(imp, len)) != 0)
		return r;
	memcpy(imp->buf + imp->len, s, len);
	imp->len += len;
	return 0;
}

static int
parse_party(const struct list_party *p, void *arg)
{
	struct parse_ctx	*pc = arg;
	struct list_import	*imp = pc->imp;
	size_t			 nnames, i;
	int			 r;

	nnames = 2 + p->naliases;
	if (nnames > UINT16_MAX)
		nnames = UINT16_MAX;
	if ((r = reserve(imp, 2)) != 0)
		return pc->err = r;
	imp->buf[imp->len++] = (uint8_t)(nnames >> 8);
	imp->buf[imp->len++] = (uint8_t)nnames;
	if ((r = pack(imp, p->ref)) != 0 ||
	    (r = pack(imp, p->name)) != 0 ||
	    (r = pack(imp, p->country != NULL && strlen(p->country) == 2 ?
	    p->country : NULL)) != 0 ||
	    (r = pack(imp, p->nidents > 0 ? p->idents[0].value : NULL)) != 0 ||
	    (r = pack(imp, p->name)) != 0 ||
	    (r = pack(imp, p->name_local)) != 0)
		return pc->err = r;
	for (i = 0; i + 2 < nnames; i++)
		if ((r = pack(imp, p->aliases[i].name)) != 0)
			return pc->err = r;
	imp->nparties++;
	return 0;
}

static void
parse_progress(uint64_t done, uint64_t total, void *arg)
{
	struct parse_ctx *pc = arg;

	if (pc->progress != NULL)
		pc->progress(done, total, pc->arg);
}

int
list_parse(enum list_format fmt, const char *path,
    void (*progress)(uint64_t, uint64_t, void *), void *arg,
    struct list_import **out, struct list_stats *stats, char *errbuf,
    size_t errbufsz)
{
	struct parse_ctx	 pc;
	struct list_ops		 ops;
	int			 r;

	*out = NULL;
	memset(stats, 0, sizeof(*stats));
	memset(&pc, 0, sizeof(pc));
	if ((pc.imp = calloc(1, sizeof(*pc.imp))) == NULL)
		return LCN_ENOMEM;
	str_copy(pc.imp->list, sizeof(pc.imp->list), list_format_name(fmt));
	pc.progress = progress;
	pc.arg = arg;
	memset(&ops, 0, sizeof(ops));
	ops.party = parse_party;
	ops.progress = parse_progress;
	ops.arg = &pc;
	if ((r = list_read(fmt, path, &ops, stats, errbuf, errbufsz)) == 0 &&
	    pc.err != 0)
		r = pc.err;
	if (r != 0) {
		list_import_free(pc.imp);
		return r;
	}
	*out = pc.imp;
	return 0;
}

void
list_import_free(struct list_import *imp)
{
	if (imp == NULL)
		return;
	free(imp->buf);
	free(imp);
}

/* ------------------------------------------------------------ smeta */

static int
meta_get(struct store *s, MDB_txn *txn, const void *key, size_t klen,
    uint64_t *v)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)key;
	k.mv_size = klen;
	*v = 0;
	if ((rc = mdb_get(txn, s->screen->meta, &k, &d)) == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("smeta get", rc);
	if (d.mv_size != 8)
		return LCN_ENOTFOUND;	/* corrupt: as if absent */
	*v = load_be64(d.mv_data);
	return 0;
}

/* Puts key = v, or deletes key if v is 0. */
static int
meta_put(struct store *s, MDB_txn *txn, const void *key, size_t klen,
    uint64_t v)
{
	MDB_val	k, d;
	uint8_t	b[8];
	int	rc;

	k.mv_data = (void *)key;
	k.mv_size = klen;
	if (v == 0) {
		rc = mdb_del(txn, s->screen->meta, &k, NULL);
		return rc == 0 || rc == MDB_NOTFOUND ? 0 :
		    store_lmdb_err("smeta del", rc);
	}
	store_be64(b, v);
	d.mv_data = b;
	d.mv_size = 8;
	if ((rc = mdb_put(txn, s->screen->meta, &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	return 0;
}

static size_t
gen_key(const char *list, char *out)
{
	size_t n = strlen(list);

	if (n > GEN_KEY_MAX - (sizeof(GEN_PREFIX) - 1))
		n = GEN_KEY_MAX - (sizeof(GEN_PREFIX) - 1);
	memcpy(out, GEN_PREFIX, sizeof(GEN_PREFIX) - 1);
	memcpy(out + sizeof(GEN_PREFIX) - 1, list, n);
	return sizeof(GEN_PREFIX) - 1 + n;
}

int
screen_list_view(struct store *s, MDB_txn *txn, struct list_view *v)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	size_t		 plen = sizeof(GEN_PREFIX) - 1, n;
	int		 rc, r;

	memset(v, 0, sizeof(*v));
	v->hide_from = UINT64_MAX;
	if ((r = meta_get(s, txn, import_key, sizeof(import_key) - 1,
	    &v->hide_from)) == LCN_ENOTFOUND)
		v->hide_from = UINT64_MAX;
	else if (r != 0)
		return r;
	if ((rc = mdb_cursor_open(txn, s->screen->meta, &c)) != 0)
		return store_lmdb_err("smeta cursor", rc);
	k.mv_data = (void *)GEN_PREFIX;
	k.mv_size = plen;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, GEN_PREFIX, plen) != 0)
			break;
		n = k.mv_size - plen;
		if (d.mv_size != 8 || n >= sizeof(v->gens[0].list) ||
		    v->ngens == LIST_VIEW_MAX)
			continue;
		memcpy(v->gens[v->ngens].list, (char *)k.mv_data + plen, n);
		v->gens[v->ngens].list[n] = '\0';
		v->gens[v->ngens++].from = load_be64(d.mv_data);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("smeta cursor", rc);
	return 0;
}

int
screen_list_visible(const struct list_view *v, uint64_t id, const char *list)
{
	size_t i;

	if (id < LIST_ID_BIT)
		return 1;
	if (id >= v->hide_from)
		return 0;
	if (list == NULL)
		return 1;
	for (i = 0; i < v->ngens; i++)
		if (strcmp(v->gens[i].list, list) == 0)
			return id >= v->gens[i].from;
	return 1;
}

/* ------------------------------------------------------------ steps */

/* The next list id, as next_id() in screen.c will hand it out. */
static int
next_list_id(struct store *s, MDB_txn *txn, uint64_t *id)
{
	static const char	klist[] = "nextlist";
	uint64_t		v;
	int			r;

	if ((r = meta_get(s, txn, klist, sizeof(klist) - 1, &v)) ==
	    LCN_ENOTFOUND)
		v = 1;
	else if (r != 0)
		return r;
	*id = v | LIST_ID_BIT;
	return 0;
}

/* Step 1: hide what this import will write (and any cut import's rows). */
static int
step_begin(struct store *s, MDB_txn *txn, struct list_import *imp)
{
	uint64_t	cut;
	int		r;

	if ((r = next_list_id(s, txn, &imp->lo)) != 0)
		return r;
	r = meta_get(s, txn, import_key, sizeof(import_key) - 1, &cut);
	if (r == LCN_ENOTFOUND || cut >= imp->lo || cut < LIST_ID_BIT) {
		imp->phase = IMPORT_WRITE;
		return meta_put(s, txn, import_key, sizeof(import_key) - 1,
		    imp->lo);
	}
	if (r != 0)
		return r;
	imp->phase = IMPORT_DROP_FAILED;
	imp->from = cut;
	return 0;
}

/* Steps 2 and 4: drop rows [from, lo) (of this list alone, for 4). */
static int
step_drop(struct store *s, MDB_txn *txn, struct list_import *imp,
    const char *only_list, enum import_phase then)
{
	uint64_t	next;
	int		r;

	if ((r = screen_drop_rows(s, txn, imp->from, imp->lo - 1, only_list,
	    IMPORT_STEP_ROWS, &next)) != 0)
		return r;
	imp->from = next;
	if (next >= imp->lo)
		imp->phase = then;
	return 0;
}

/* Step 3: a batch of parties; the last batch switches generations. */
static int
step_write(struct store *s, MDB_txn *txn, struct list_import *imp)
{
	struct row	 row;
	const char	*f[4];
	char		 gk[GEN_KEY_MAX];
	size_t		 nnames, i, k, batch = 0;
	int		 r;

	while (imp->off < imp->len && batch++ < IMPORT_STEP_PARTIES) {
		nnames = (size_t)imp->buf[imp->off] << 8 |
		    imp->buf[imp->off + 1];
		imp->off += 2;
		for (k = 0; k < 4; k++) {
			f[k] = (const char *)imp->buf + imp->off;
			imp->off += strlen(f[k]) + 1;
		}
		memset(&row, 0, sizeof(row));
		row.source = SCREEN_LIST;
		str_copy(row.list, sizeof(row.list), imp->list);
		str_copy(row.ref, sizeof(row.ref), f[0]);
		str_copy(row.name, sizeof(row.name), f[1]);
		str_copy(row.country, sizeof(row.country), f[2]);
		str_copy(row.ident, sizeof(row.ident), f[3]);
		for (i = 0; i < nnames; i++) {
			const char *name = (const char *)imp->buf + imp->off;

			imp->off += strlen(name) + 1;
			if ((r = screen_add_name(s, txn, &row, name)) != 0)
				return r;
		}
	}
	if ((r = screen_flush(s, txn)) != 0 || imp->off < imp->len)
		return r;
	if ((r = meta_put(s, txn, gk, gen_key(imp->list, gk), imp->lo)) != 0 ||
	    (r = meta_put(s, txn, import_key, sizeof(import_key) - 1, 0)) != 0)
		return r;
	imp->phase = IMPORT_DROP_OLD;
	imp->from = LIST_ID_BIT;
	return 0;
}

int
store_import_step(struct store *s, struct list_import *imp, int *done,
    char *errbuf, size_t errbufsz)
{
	MDB_txn	*txn = NULL;
	int	 r;

	*done = 0;
	if (s->screen == NULL) {
		snprintf(errbuf, errbufsz, "screening is not enabled");
		return LCN_EINVAL;
	}
	if (imp->phase == IMPORT_DONE || imp->phase == IMPORT_FAILED) {
		*done = 1;
		return 0;
	}
	if (s->screen->importing != NULL && s->screen->importing != imp) {
		snprintf(errbuf, errbufsz, "another list import is running");
		return LCN_EINVAL;
	}
	s->screen->importing = imp;
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		goto fail;
	switch (imp->phase) {
	case IMPORT_BEGIN:
		r = step_begin(s, txn, imp);
		break;
	case IMPORT_DROP_FAILED:
		r = step_drop(s, txn, imp, NULL, IMPORT_WRITE);
		break;
	case IMPORT_WRITE:
		r = step_write(s, txn, imp);
		break;
	default:
		r = step_drop(s, txn, imp, imp->list, IMPORT_DONE);
		break;
	}
	if (r != 0) {
		screen_discard(s);
		mdb_txn_abort(txn);
		goto fail;
	}
	if ((r = store_txn_commit(txn)) != 0)
		goto fail;
	if (imp->phase == IMPORT_DONE) {
		s->screen->importing = NULL;
		*done = 1;
	}
	return 0;
 fail:
	snprintf(errbuf, errbufsz, "import of %s: %s", imp->list,
	    lcn_strerror(r));
	imp->phase = IMPORT_FAILED;
	s->screen->importing = NULL;
	return r;
}

void
list_import_progress(const struct list_import *imp, uint64_t *done,
    uint64_t *total)
{
	*done = imp->off;
	*total = imp->len;
}

void
store_import_cancel(struct store *s, struct list_import *imp)
{
	if (s != NULL && s->screen != NULL && s->screen->importing == imp)
		s->screen->importing = NULL;
}

int
store_import_list(struct store *s, enum list_format fmt, const char *path,
    void (*progress)(uint64_t, uint64_t, void *), void *arg,
    struct list_stats *stats, char *errbuf, size_t errbufsz)
{
	struct list_import	*imp = NULL;
	int			 r, done = 0;

	memset(stats, 0, sizeof(*stats));
	if (s->screen == NULL) {
		snprintf(errbuf, errbufsz, "screening is not enabled");
		return LCN_EINVAL;
	}
	if ((r = list_parse(fmt, path, progress, arg, &imp, stats, errbuf,
	    errbufsz)) != 0)
		return r;
	while (r == 0 && !done)
		r = store_import_step(s, imp, &done, errbuf, errbufsz);
	list_import_free(imp);
	return r;
}
