/*
 * Signature checks on the libuv thread pool (repl_verify.c). Catch-up
 * accepts a batch on its last signature, which covers the whole hash
 * chain below it; every other signature of the batch is then checked
 * here, off the loop thread, and the feed's verified mark rises as
 * batches finish in order (PROTOCOL.md section 3). It does not decide
 * what to accept (store/ledger.c does) or fetch anything (repl.c).
 */
#ifndef LCN_REPL_VERIFY_H
#define LCN_REPL_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct daemon;

/*
 * Entries accepted on the last signature wait in pool jobs until every
 * signature is checked; past this many bytes of them, credit is held
 * back so that a fast sender cannot fill memory (PROTOCOL.md section 4).
 */
#define VERIFY_BACKLOG_MAX	(8u * BATCH_BYTES_MAX)

struct verify_range {		/* a batch awaiting pool verification */
	uint64_t	first, last;
	int		pending_jobs;
	int		failed;
	uint64_t	bad_seq;	/* failed: lowest seq not known good */
};

struct feed_verify {
	struct feed_id		 feed;
	uint64_t		 mark;		/* to write; 0: none */
	struct verify_range	*ranges;	/* in seq order */
	size_t			 nranges;
};

/*
 * Queues a check of every signature of entries first..first+n-1 of f
 * (items are copied); with last_checked, the last entry's signature was
 * checked already (the store accepted the batch on it) and only the
 * others go to the pool. On allocation failure the range is recorded as
 * failed, so the verified mark stops below it. Loop thread.
 */
void	repl_verify_later(struct daemon *, const struct feed_id *f,
	    uint64_t first, const struct bytes *items, size_t n,
	    int last_checked);
/*
 * The verified marks raised since the last call, written with
 * store_mark_verified() (inside the caller's store group, if one is
 * open). A mark that cannot be written is logged; the next one of the
 * feed covers it, and a restart checks again whatever lies above the
 * stored mark.
 */
void	repl_verify_write_marks(struct daemon *);
/* At start: queues the entries a previous run left unchecked. */
void	repl_resume_verification(struct daemon *);
void	repl_verify_free(struct daemon *);

#endif
