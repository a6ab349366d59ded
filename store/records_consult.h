/*
 * The consultations' derived state: every ConsultationRequest with the
 * replies, information and licence decisions that follow it, stepped
 * through the pure state machine of consult.h and kept in LMDB tables
 * (store/README.md lists them) by the same indexer step as the records
 * of records.h, on the same marks, rebuilt by lcn reindex. Licence
 * decisions published to a regime group (an undercut's justification, a
 * Wassenaar notification after a grant) are kept too, for the regime's
 * members who do not see the bilateral exchange, and for lcn report.
 *
 * A consultation is identified by its request's (origin, ref); the
 * origin is the asker, the consulted agency is the other member of the
 * bilateral group ("A+B") it was published in. Entries that cannot move
 * one are kept as ignored with the reason (consult_step_name()).
 *
 * The query side works as records.h's: it first indexes what lies beyond
 * the marks, then reads in one read transaction; time-dependent states
 * (lapsed, time left) are evaluated at the at_ms passed in. Runs on the
 * store's writer thread.
 */
#ifndef LCN_RECORDS_CONSULT_H
#define LCN_RECORDS_CONSULT_H

#include <stddef.h>
#include <stdint.h>

#include "consult.h"
#include "hash.h"
#include "records.h"
#include "store.h"

/* Denial refs copied into a struct consult_info (all are indexed). */
#define CONSULT_DENIALS_SHOWN	8

struct consult_info {
	char		 asker[AGENCY_ID_MAX + 1];	/* the request's origin */
	char		 ref[RECORD_REF_MAX + 1];	/* the request's ref */
	char		 consulted[AGENCY_ID_MAX + 1];
	char		 group[GROUP_NAME_MAX + 1];	/* "A+B" */
	char		 regime[RECORD_REGIME_MAX + 1];
	char		 denials[CONSULT_DENIALS_SHOWN][RECORD_REF_MAX + 1];
	size_t		 ndenials;	/* all of them; the first few above */
	int		 intended;	/* enum consult_decision: the
					   request's intended decision */
	enum consult_basis basis;	/* as the request says */
	unsigned	 days;
	struct consult_track track;
	enum consult_state state;	/* consult_state_at(at_ms) */
	struct feed_id	 feed;		/* the request entry */
	uint64_t	 seq;
	char		 decision_ref[RECORD_REF_MAX + 1];	/* "" none */
	uint8_t		 transaction_hash[HASH_LEN];	/* SHA-256 of the
					   request's Transaction as encoded */
};

/*
 * Why an entry did not move a consultation, beyond consult.h's enum
 * consult_step (consult_event.ignored and the rignored table hold
 * either): it names no request this node holds; it is outside the
 * request's bilateral group (or a request outside a bilateral group, or
 * consulting an agency other than the pair's other member); a second
 * request with a ref already in use (the first stands).
 */
#define CONSULT_STEP_UNKNOWN_REQUEST	64
#define CONSULT_STEP_NOT_PAIR		65
#define CONSULT_STEP_DUPLICATE		66
/* "unknown-request", "not-in-pair", "duplicate-ref", else
 * consult_step_name(); and a sentence for lcn show. */
const char *records_consult_ignored_name(int reason);
const char *records_consult_ignored_text(int reason);

/*
 * The hash a consultation keeps of its transaction: SHA-256 of the
 * Transaction sub-message (an Lcn__Transaction) as protobuf-c encodes it,
 * which is how every LCN node encodes it on the wire. What lcn consult
 * passes to records_consult_open_for().
 */
void	records_consult_tx_hash(const void *transaction,
	    uint8_t out[HASH_LEN]);

enum consult_direction {
	CONSULT_ANY = 0,
	CONSULT_INCOMING,	/* self is the consulted agency */
	CONSULT_OUTGOING,	/* self is the asker */
};

/* Filters of records_consultations(); NULL or 0 leaves one out. */
struct consult_filter {
	const char	*self;		/* this node: for the direction */
	enum consult_direction direction;
	const char	*state;		/* a state name, NULL or "all" */
	int		 overdue;	/* only those awaiting a reply whose
					   deadline has passed at at_ms */
	const char	*counterpart;	/* the other agency */
	const char	*regime;
	size_t		 limit;		/* 0 or above: RECORD_LIMIT_MAX */
};

/*
 * The consultations matching every filter at at_ms, nearest deadline
 * first (none last), then (asker, ref); at most f->limit, *more set when
 * there were more. *out freed with free(). 0, LCN_EINVAL (not enabled,
 * an unknown state name), LCN_ENOMEM, LCN_EFULL or LCN_ESTORE.
 */
int	records_consultations(struct store *, const struct consult_filter *f,
	    uint64_t at_ms, struct consult_info **out, size_t *n, int *more);

/*
 * One consultation by its request's ref (asker NULL: the agency whose
 * namespace the ref is in). 0, LCN_ENOTFOUND, or as above.
 */
int	records_consult_get(struct store *, const char *asker,
	    const char *ref, uint64_t at_ms, struct consult_info *out);

/*
 * The open consultation (not DECIDED or CLOSED) in which asker consults
 * on the denial denial_ref for the transaction whose hash is tx_hash:
 * 0 with its ref in ref_out (RECORD_REF_MAX + 1 bytes), LCN_ENOTFOUND,
 * or as above. What lcn consult refuses a second request for.
 */
int	records_consult_open_for(struct store *, const char *asker,
	    const char *denial_ref, const uint8_t tx_hash[HASH_LEN],
	    char *ref_out);

/* One entry of a consultation's exchange, as lcn show lists it. */
struct consult_event {
	struct feed_id	 feed;
	uint64_t	 seq;
	uint64_t	 created_ms;
	int		 body;		/* Entry oneof case (lcn.proto) */
	char		 agency[AGENCY_ID_MAX + 1];	/* who signed it */
	char		 ref[RECORD_REF_MAX + 1];	/* the entry's own ref */
	int		 ignored;	/* enum consult_step, 0: applied */
};

struct consult_show {
	struct consult_info	 info;
	struct consult_event	*events;	/* the request, then every
						   reply, information and
						   decision, ignored ones
						   too, in ledger order */
	size_t			 nevents;
};

/* 0, LCN_ENOTFOUND, or as above. Free with records_consult_show_free(). */
int	records_consult_show(struct store *, const char *asker,
	    const char *ref, uint64_t at_ms, struct consult_show *out);
void	records_consult_show_free(struct consult_show *);

/* A LicenceDecision published to a regime group (an undercut or a
 * notification), as lcn status and lcn report see it. */
struct decision_notice {
	char		 origin[AGENCY_ID_MAX + 1];
	char		 ref[RECORD_REF_MAX + 1];
	char		 regime[RECORD_REGIME_MAX + 1];
	char		 request_ref[RECORD_REF_MAX + 1];	/* "" none */
	char		 denial_origin[AGENCY_ID_MAX + 1];	/* from the
					   first denial ref's namespace */
	char		 denial_ref[RECORD_REF_MAX + 1];	/* the first */
	int		 decision;	/* enum consult_decision */
	int		 undercut;
	int		 notification;
	uint64_t	 date_ms;
	struct feed_id	 feed;
	uint64_t	 seq;
};

/*
 * The decisions published to regime groups with date_ms in [from_ms,
 * to_ms) (to_ms 0: no end), regime (NULL: any) by date. *out freed with
 * free(). Same returns as records_consultations().
 */
int	records_decisions(struct store *, const char *regime, uint64_t from_ms,
	    uint64_t to_ms, struct decision_notice **out, size_t *n);

/* A regime secretariat's figures over [from_ms, to_ms). */
struct report_count {
	char		 key[DOMAIN_CONTROL_MAX + 1];	/* a category or a
							   country */
	uint64_t	 n;
};
struct regime_report {
	char			 regime[RECORD_REGIME_MAX + 1];
	uint64_t		 from_ms, to_ms;
	uint64_t		 denials;	/* notices decided in the window */
	struct report_count	*by_category;	/* the control entry's first
						   part ("3" for 3A001),
						   by key */
	size_t			 ncategories;
	struct report_count	*by_destination;	/* by key */
	size_t			 ndestinations;
	uint64_t		 consultations;	/* requests asked in it */
	uint64_t		 answered_in_time;	/* substantive reply by
							   the deadline */
	uint64_t		 answered_late;
	uint64_t		 lapsed;	/* deadline passed, no reply, at
						   to_ms */
	uint64_t		 open;		/* still awaiting at to_ms */
	uint64_t		 grants, denies;
	uint64_t		 undercuts;	/* decisions with undercut,
						   each counted once */
	uint64_t		 notifications;	/* grants notified (WA) */
};

/*
 * The figures of regime over [from_ms, to_ms) from what this node holds.
 * Free with records_report_free(). Same returns.
 */
int	records_report(struct store *, const char *regime, uint64_t from_ms,
	    uint64_t to_ms, struct regime_report *out);
void	records_report_free(struct regime_report *);

#endif
