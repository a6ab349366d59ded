/*
 * Public screening lists (lists.h) imported into the screening index as
 * local reference parties: each party's names become sparty rows with
 * ids above LIST_ID_BIT, so an import and the ledger's rows never share
 * a range. Never published to partners.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "lists.h"
#include "screen.h"
#include "screen_row.h"
#include "store_int.h"
#include "util.h"

struct import_ctx {
	struct store	*s;
	MDB_txn		*txn;
	const char	*list;
	int		 err;
	void		(*progress)(uint64_t, uint64_t, void *);
	void		*arg;
};

static void
import_progress(uint64_t done, uint64_t total, void *arg)
{
	struct import_ctx *ic = arg;

	if (ic->progress != NULL)
		ic->progress(done, total, ic->arg);
}

static int
import_party(const struct list_party *p, void *arg)
{
	struct import_ctx	*ic = arg;
	struct row		 r;
	size_t			 i;
	int			 rv;

	memset(&r, 0, sizeof(r));
	r.source = SCREEN_LIST;
	str_copy(r.list, sizeof(r.list), ic->list);
	str_copy(r.ref, sizeof(r.ref), p->ref ? p->ref : "");
	str_copy(r.name, sizeof(r.name), p->name ? p->name : "");
	if (p->country != NULL && strlen(p->country) == 2)
		str_copy(r.country, sizeof(r.country), p->country);
	if (p->nidents > 0 && p->idents[0].value != NULL)
		str_copy(r.ident, sizeof(r.ident), p->idents[0].value);
	if ((rv = screen_add_name(ic->s, ic->txn, &r, p->name)) != 0 ||
	    (rv = screen_add_name(ic->s, ic->txn, &r, p->name_local)) != 0)
		return ic->err = rv;
	for (i = 0; i < p->naliases; i++)
		if ((rv = screen_add_name(ic->s, ic->txn, &r,
		    p->aliases[i].name)) != 0)
			return ic->err = rv;
	return 0;
}

int
store_import_list(struct store *s, enum list_format fmt, const char *path,
    void (*progress)(uint64_t, uint64_t, void *), void *arg,
    struct list_stats *stats, char *errbuf, size_t errbufsz)
{
	struct import_ctx	 ic;
	struct list_ops		 ops;
	MDB_txn			*txn = NULL;
	int			 r;

	memset(stats, 0, sizeof(*stats));
	if (s->screen == NULL) {
		snprintf(errbuf, errbufsz, "screening is not enabled");
		return LCN_EINVAL;
	}
	if ((r = store_txn_begin(s, 0, &txn)) != 0)
		return r;
	memset(&ic, 0, sizeof(ic));
	ic.s = s;
	ic.txn = txn;
	ic.list = list_format_name(fmt);
	if ((r = screen_drop_rows(s, txn, LIST_ID_BIT, UINT64_MAX, ic.list, 0,
	    NULL)) != 0)
		goto out;
	memset(&ops, 0, sizeof(ops));
	ops.party = import_party;
	ops.progress = import_progress;
	ops.arg = &ic;
	ic.progress = progress;
	ic.arg = arg;
	if ((r = list_read(fmt, path, &ops, stats, errbuf, errbufsz)) != 0 ||
	    (r = screen_flush(s, txn)) != 0)
		goto out;
	r = store_txn_commit(txn);
	txn = NULL;
 out:
	if (txn != NULL) {
		screen_discard(s);
		mdb_txn_abort(txn);
	}
	return r;
}
