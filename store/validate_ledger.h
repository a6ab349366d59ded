/*
 * Validation against this node's ledger: the callbacks of validate.h
 * answered from the records' derived state (records.h: which refs this
 * node has used, the highest number of each kind and year, the state of
 * a record), and a publish request validated with them. It is the glue
 * between lcnd's publish path and validate.c; the rules are all there.
 */
#ifndef LCN_VALIDATE_LEDGER_H
#define LCN_VALIDATE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"

struct store;

/*
 * validate_publish() of bodies (each malloc'd; a body given a ref is
 * replaced, see validate.h) for agency self at now_ms, against the
 * ledger s. Runs on the store's writer thread (the records' queries
 * first index what lies beyond the marks). Returns 0, or LCN_EINVAL with
 * "bodies[i]: field: why" in errbuf, or another LCN_E* when the ledger
 * could not be asked (errbuf says so); nothing may be published then.
 */
int	validate_ledger_publish(struct store *s, const char *self,
	    uint64_t now_ms, struct bytes *bodies, size_t n, char *errbuf,
	    size_t errbufsz);

#endif
