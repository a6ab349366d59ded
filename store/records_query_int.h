/*
 * Private to the queries of the records' derived state (records_query.c,
 * records_show.c, records_controls.c): the helpers they share.
 */
#ifndef LCN_RECORDS_QUERY_INT_H
#define LCN_RECORDS_QUERY_INT_H

#include <stdint.h>

#include <lmdb.h>

#include "records_int.h"

/* Catches the index up, then a read transaction; 0 or an error. */
int	records_query_begin(struct store *, MDB_txn **);
/* Fills *ri from r, its state evaluated at at_ms. */
void	records_info_fill(const struct rec *r, const char *origin,
	    const char *ref, uint64_t at_ms, const struct feed_names *fn,
	    struct record_info *ri);
/* Whether entry is prefix or lies within it (domain_control_within). */
int	records_entry_within(const char *prefix, const char *entry);

#endif
