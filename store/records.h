/*
 * The records' derived state: what the ledger's denials, end-user
 * alerts, control status and heads attestations add up to, kept in LMDB
 * tables that every node computes identically from the same entries
 * (store/README.md lists them). They follow the ledger with the
 * screening index, on its marks (screen_mark.c): the step that indexes
 * an entry's parties also applies the entry here, in the same
 * transaction, so the two never disagree and lcn reindex rebuilds both.
 *
 * A record is identified by (origin, ref). The ledger is each partner's
 * signed word and is never refused here; what has no effect (an update of
 * another origin's record, of an unknown ref or of a record in another
 * group, an update after a terminal state, a second notice with a used
 * ref) is kept as ignored, with the reason.
 *
 * This is the query side: every function first indexes what lies beyond
 * the marks (as store_screen() does, so an answer never misses an entry
 * the ledger holds), then reads in one read transaction and hands out
 * copies. Time-dependent states (review due, expired) are evaluated at
 * the at_ms passed in: nothing here reads a clock. Runs on the store's
 * writer thread, like store_screen(). It is not the validation of what an
 * operator publishes; that layer calls records_ref_used() and
 * records_ref_max().
 */
#ifndef LCN_RECORDS_H
#define LCN_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "screen.h"
#include "lcn_limits.h"
#include "store.h"

#define RECORD_REF_MAX		SCREEN_REF_MAX
#define RECORD_REGIME_MAX	31	/* bytes kept of a regime's name */
#define RECORD_COUNTRY_MAX	15	/* bytes kept of a country */
/* Control entries copied into a struct record_info (all are indexed). */
#define RECORD_CONTROLS_SHOWN	8
#define RECORD_REASON_MAX	256	/* an update's reason, as shown */

enum record_kind {
	RECORD_DENIAL = 1,	/* DenialNotice and its DenialUpdates */
	RECORD_ALERT,		/* EndUserAlert and its AlertUpdates */
};

/* One record as it stands, its state evaluated at the query's time. */
struct record_info {
	enum record_kind kind;
	char		 origin[AGENCY_ID_MAX + 1];
	char		 ref[RECORD_REF_MAX + 1];
	const char	*state;		/* domain_*_state_name(), static */
	int		 state_code;	/* enum domain_denial/alert_state */
	struct feed_id	 feed;		/* the notice or alert entry */
	uint64_t	 seq;
	struct feed_id	 body_feed;	/* its content as it stands: the */
	uint64_t	 body_seq;	/* notice, or the last amendment */
	uint64_t	 created_ms;	/* of the notice entry */
	uint64_t	 from_ms;	/* denial: decision; alert: from */
	uint64_t	 until_ms;	/* denial: review; alert: until; 0:
					   none, open-ended */
	char		 regime[RECORD_REGIME_MAX + 1];	/* alerts: the
							   group's name */
	char		 country[RECORD_COUNTRY_MAX + 1];	/* destination
							   or via_country */
	char		 controls[RECORD_CONTROLS_SHOWN][DOMAIN_CONTROL_MAX + 1];
	size_t		 ncontrols;	/* all of them; the first few above */
	size_t		 nupdates;	/* applied */
};

/*
 * Filters of records_list(); NULL or 0 leaves one out. The API passes
 * this node's id as `from` for `--mine`.
 */
struct record_filter {
	const char	*from;		/* origin agency */
	const char	*state;		/* a state name, NULL or "all" */
	const char	*regime;	/* as written or "Wassenaar" etc. */
	const char	*entry;		/* control entry prefix, at a
					   sub-item boundary */
	const char	*country;	/* destination (alerts: via) */
	const char	*party;		/* a name, screened */
	double		 party_min;	/* score, 0: RECORD_PARTY_MIN */
	uint64_t	 since_ms;	/* notice entry created at or after */
	uint64_t	 until_max;	/* 0, or an until_ms at or before it */
	size_t		 limit;		/* 0 or above: RECORD_LIMIT_MAX */
};
#define RECORD_PARTY_MIN	0.70

/*
 * The records of kind matching every filter at at_ms, in (origin, ref)
 * order, at most f->limit of them; *more is set when there were more.
 * *out is freed by the caller with free(). 0, LCN_EINVAL (screening not
 * enabled, an unknown state name, or a party name with no letter or
 * digit), LCN_EPROTO (the party name is too long or not UTF-8),
 * LCN_ENOMEM, LCN_EFULL or LCN_ESTORE.
 */
int	records_list(struct store *, enum record_kind kind,
	    const struct record_filter *f, uint64_t at_ms,
	    struct record_info **out, size_t *n, int *more);

/* Why an entry had no effect on the record it names. */
enum record_ignored {
	RECORD_IGNORED_OTHER_ORIGIN = 1, /* an update of another agency's */
	RECORD_IGNORED_UNKNOWN_REF,	/* no such record in the group */
	RECORD_IGNORED_TERMINAL,	/* after REVOKE or WITHDRAW */
	RECORD_IGNORED_DUPLICATE_REF,	/* a second notice with the ref */
	RECORD_IGNORED_INVALID,		/* the rules refuse the update */
	RECORD_IGNORED_WRONG_KIND,	/* a denial update of an alert... */
};
/* "other-origin", "unknown-ref", "terminal", ..., a sentence each. */
const char *record_ignored_name(int reason);
const char *record_ignored_text(int reason);

/* A notice or update of a record, as show lists it. */
struct record_event {
	struct feed_id	 feed;
	uint64_t	 seq;
	uint64_t	 created_ms;
	int		 body;		/* Entry oneof case (lcn.proto) */
	int		 action;	/* DenialAction / AlertAction, 0:
					   the notice or alert itself */
	int		 ignored;	/* enum record_ignored, 0: applied */
	char		 agency[AGENCY_ID_MAX + 1];	/* who signed it */
	char		 reason[RECORD_REASON_MAX + 1];	/* its own words */
};

/* One partner's receipt of a feed (its HeadsAttestation entries). */
struct record_receipt {
	char		 agency[AGENCY_ID_MAX + 1];	/* the attester */
	uint64_t	 head_seq;	/* highest seq it attested */
	uint64_t	 head_as_of_ms;	/* when, by that attestation */
	int		 holds;		/* head_seq >= the record's seq */
	uint64_t	 since_ms;	/* holds: first attested at or past */
	struct feed_id	 proof_feed;	/* holds: that attestation entry */
	uint64_t	 proof_seq;
};

struct record_show {
	struct record_info	 info;
	struct record_event	*events;	/* notice, updates, ignored, */
	size_t			 nevents;	/* in (feed, seq) order */
	struct record_receipt	*receipts;	/* by agency */
	size_t			 nreceipts;
};

/*
 * The record origin/ref as it stands at at_ms, its history (the notice
 * and every update with who and when and its reason text, the ignored
 * ones with why) and its receipts. origin may be NULL: the agency whose
 * namespace ref is in, or else the only record with that ref. Free with
 * records_show_free(). 0, LCN_ENOTFOUND (no such record; ignored entries
 * naming it alone do not make one), LCN_EINVAL (not enabled), LCN_ENOMEM,
 * LCN_EFULL or LCN_ESTORE.
 */
int	records_show(struct store *, const char *origin, const char *ref,
	    uint64_t at_ms, struct record_show *out);
void	records_show_free(struct record_show *);

/*
 * The receipts of the feed holding record origin/ref (see struct
 * record_receipt), one per agency that attested that feed, by agency.
 * *out is freed with free(). Same returns as records_show().
 */
int	records_receipts(struct store *, const char *origin, const char *ref,
	    struct record_receipt **out, size_t *n);

/* One cell of the control matrix: an agency's latest word on an entry. */
struct control_cell {
	char		 regime[RECORD_REGIME_MAX + 1];
	char		 entry[DOMAIN_CONTROL_MAX + 1];	/* canonical */
	char		 agency[AGENCY_ID_MAX + 1];
	int		 stage;		/* enum domain_stage */
	uint64_t	 effective_ms;	/* IMPLEMENTED; else 0 */
	uint64_t	 created_ms;	/* of the entry that said it */
	char		 ref[RECORD_REF_MAX + 1];
	struct feed_id	 feed;
	uint64_t	 seq;
};

/*
 * The control matrix as cells in (regime, entry, agency) order: for each
 * control entry, each agency's latest ControlStatus (the highest
 * created_ms, then seq). regime, entry (a prefix at a sub-item boundary)
 * and stage (DOMAIN_STAGE_UNSPECIFIED: any) filter it. *out is freed with
 * free(). 0, LCN_EINVAL (not enabled), LCN_ENOMEM, LCN_EFULL or
 * LCN_ESTORE.
 */
int	records_controls(struct store *, const char *regime,
	    const char *entry, int stage, struct control_cell **out,
	    size_t *n);

/* Two attestations of one feed at one seq with different leaf hashes. */
struct split_view {
	struct feed_id	 feed;		/* the feed shown two ways */
	uint64_t	 seq;
	struct {
		uint8_t		 leaf_hash[HASH_LEN];
		char		 agency[AGENCY_ID_MAX + 1];	/* attester */
		struct feed_id	 feed;	/* the attestation entry */
		uint64_t	 seq;
	}		 proof[2];
};

/* Every split view found; *out freed with free(). Same returns. */
int	records_splits(struct store *, struct split_view **out, size_t *n);
/*
 * The same, of the entries indexed so far only: nothing is indexed
 * first, so that a periodic check costs a read, and finds the rest once
 * the indexer has come to them.
 */
int	records_splits_indexed(struct store *, struct split_view **out,
	    size_t *n);

/*
 * Whether origin has used ref as the ref of any of its entries (any
 * body): 0 with the first entry holding it in *feed and *seq (either may
 * be NULL), LCN_ENOTFOUND, or LCN_EINVAL, LCN_EFULL, LCN_ESTORE. Unlike
 * the queries above, this and records_ref_max() index nothing first
 * while what this node published has its refs noted (records_refs.c).
 */
int	records_ref_used(struct store *, const char *origin, const char *ref,
	    struct feed_id *feed, uint64_t *seq);
/*
 * The highest number origin has used in refs "origin/KIND/YEAR/NNNN"
 * (0: none), for assigning the next. Same returns, without LCN_ENOTFOUND.
 */
int	records_ref_max(struct store *, const char *origin, const char *kind,
	    unsigned year, uint64_t *number);

#endif
