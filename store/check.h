/*
 * The no-undercut check of a licence application: before approving, an
 * officer asks which active partner denials are essentially identical to
 * the application (an overlapping control-list entry, the same
 * destination, a party matching by screening; domain.h) and which active
 * end-user alerts concern its parties or its route. It reads the
 * screening index (screen.h) and the ledger; it writes nothing but the
 * index's catch-up. It is not the screening of one name (store_screen).
 */
#ifndef LCN_CHECK_H
#define LCN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"
#include "store.h"

/* One denial or alert that concerns the application. */
struct check_result {
	enum screen_source source;	/* SCREEN_DENIAL or SCREEN_ALERT */
	char		 agency[AGENCY_ID_MAX + 1];
	char		 ref[SCREEN_REF_MAX + 1];
	char		 regime[32];
	const char	*consult;	/* "required", "notify-after", "none" */
	char		 consult_reason[256];
	char		 why[1024];
	double		 score;		/* best party score */
	struct feed_id	 feed;		/* the record's entry: origin and
					   the group it was published to,
					   whose profile applies to it */
	uint64_t	 seq;
};

/*
 * The no-undercut check. The application is the protobuf bytes of an
 * lcn.Transaction (control entries, parties, destination). For every
 * active partner denial essentially identical to it (party matching by
 * screening at threshold), and every active alert on one of its parties
 * or its route, one result in *out (n of them, best first; freed by the
 * caller with free()). The results include the denials and alerts of
 * this node's own agency: the store does not tell agencies apart, and an
 * officer checking an application against an earlier denial of the same
 * agency should see it. The caller marks them as its own (lcnd's check
 * answer says "own": true and no consultation for them) and never
 * consults on them (lcn consult and decide pass them over). Runs on the
 * store's writer thread, as
 * store_screen() does. Returns 0 with the complete answer, or an error
 * with the reason in errbuf and no results: LCN_EINVAL (indexing not
 * enabled, or the application is malformed or incomplete: errbuf then
 * starts with the field, "parties[0].country: expected an ISO 3166-1
 * alpha-2 code such as AE, got \"ARE\""), or
 * LCN_ENOMEM, LCN_EFULL or LCN_ESTORE, for which errbuf says the check
 * could not be completed. It never answers with what it found before a
 * failure.
 */
int	store_check(struct store *, const uint8_t *transaction, size_t len,
	    double threshold, uint64_t now_ms, struct check_result **out,
	    size_t *n, char *errbuf, size_t errbufsz);

/*
 * The field an error of store_check names, as the length of errbuf's
 * "field: " prefix ("parties[0].country"), or 0 if it names none.
 */
size_t	check_error_field(const char *errbuf);

#endif
