/*
 * Importing a public screening list (lists.h) into the screening index in
 * two halves, so that a daemon can keep serving while it imports: the
 * file is parsed into memory anywhere (list_parse touches neither LMDB
 * nor the name tables, so it may run on a worker thread), then written
 * by store_import_step() on the store's writer thread, a bounded step per
 * transaction. The previous import of the list is served until the last
 * write step switches to the new one in its own transaction, so a query
 * sees the old list or the new, never part of one; the old rows are then
 * dropped in steps. store_import_list() (screen.h) runs both halves to
 * the end.
 */
#ifndef LCN_SCREEN_IMPORT_H
#define LCN_SCREEN_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "lists.h"
#include "store.h"

/* Parties written, or old rows dropped, per store_import_step(). */
#define IMPORT_STEP_PARTIES	256
#define IMPORT_STEP_ROWS	2048

struct list_import;

/*
 * Reads the list at path into *out (freed with list_import_free), with
 * what list_read() counts in *stats. progress (may be NULL) is called as
 * the file is read, on the calling thread. Thread-safe: it opens only
 * path and writes only *out and *stats. Returns 0, LCN_ENOMEM, or the
 * error of list_read with the reason in errbuf.
 */
int	list_parse(enum list_format, const char *path,
	    void (*progress)(uint64_t done, uint64_t total, void *),
	    void *arg, struct list_import **out, struct list_stats *stats,
	    char *errbuf, size_t errbufsz);
void	list_import_free(struct list_import *);

/*
 * One step of writing imp into the index, in one transaction of its
 * own: at most IMPORT_STEP_PARTIES parties, or IMPORT_STEP_ROWS old rows
 * dropped. *done is set once the import is complete (the new list served,
 * the old one gone). Writer thread only; one import at a time per store.
 * Returns 0, LCN_EINVAL with the reason in errbuf (screening not enabled,
 * or another import running), LCN_ENOMEM, LCN_EFULL or LCN_ESTORE. After
 * an error the import is over: the rows it wrote stay hidden and the next
 * import of any list drops them.
 */
int	store_import_step(struct store *, struct list_import *, int *done,
	    char *errbuf, size_t errbufsz);
/*
 * How far imp is written: bytes of its parsed form done, and in all (the
 * progress lcn import-list shows as a share of megabytes).
 */
void	list_import_progress(const struct list_import *, uint64_t *done,
	    uint64_t *total);
/*
 * Gives up imp before it is done (the caller then frees it): the rows it
 * wrote stay hidden until the next import drops them.
 */
void	store_import_cancel(struct store *, struct list_import *);

#endif
