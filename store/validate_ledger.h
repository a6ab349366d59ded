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

/*
 * What one validation asked the ledger: the refs it looked up (its
 * bodies' own refs and the records they update) and the kinds and years
 * whose highest ref number it took to assign refs. A publication
 * validated while earlier ones are still being signed must not depend on
 * what those will store, and these say whether it would.
 */
struct validate_footprint {
	char		**refs;		/* sorted (strcmp) once validated */
	size_t		  nrefs, cap;
	struct {
		int	 kind;		/* enum validate_kind */
		unsigned year;
	}		  kinds[8];
	size_t		  nkinds;
	int		  all;		/* more kinds than fit: overlaps all */
};

void	validate_footprint_free(struct validate_footprint *);

/*
 * validate_ledger_publish() while the publications whose footprints are
 * busy[0..nbusy-1] are validated but not yet stored: any lookup of a ref
 * they may store (the same ref, or one of a kind and year they number
 * refs in) stops the validation with *conflict set, and the caller
 * validates again once they are stored. mine (zeroed by the caller)
 * collects this validation's footprint; the caller frees it with
 * validate_footprint_free(). Returns as validate_ledger_publish(); on a
 * conflict the return is an error and errbuf means nothing.
 */
int	validate_ledger_publish_ahead(struct store *s, const char *self,
	    uint64_t now_ms, struct bytes *bodies, size_t n,
	    const struct validate_footprint *const *busy, size_t nbusy,
	    struct validate_footprint *mine, int *conflict, char *errbuf,
	    size_t errbufsz);

#endif
