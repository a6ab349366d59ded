/*
 * Domain rules (the bodies of lcn.proto) as pure functions:
 * control-list entries and their overlap, the state of a denial and of an
 * end-user alert after their updates, whether a partner's denial requires
 * consultation, and whether an application is "essentially identical" to a
 * denial. No I/O, no LMDB, no clock: the time is always a parameter, so the
 * store's indexer, "lcn check" and the workflow commands compute the same
 * answer from the same ledger.
 *
 * It works on small borrowed views, not on the protobuf-c structs: the
 * views name only the fields the rules need, keep lcn.pb-c.h out of the
 * screening library (library structs never leave the parser), and
 * let tests build cases without protobuf. The record code in store/ fills a
 * view by pointing into its decoded Lcn__DenialNotice or Lcn__EndUserAlert;
 * each view carries an opaque "src" pointer back to that record (for
 * example the Lcn__Party) which this module never reads, so that the
 * caller's party_match_fn can see aliases, local-script names and
 * identifiers. Every pointer in a view is borrowed and must stay valid for
 * the duration of the call; nothing here allocates or keeps a pointer after
 * returning, except the "content" pointers of the status structs, which
 * point back into the caller's views.
 */
#ifndef LCN_DOMAIN_H
#define LCN_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

/* Longest canonical control-list entry, e.g. "3A001.b.1.a". */
#define DOMAIN_CONTROL_MAX	48
/* Denial review period (EU Regulation 2021/821). */
#define DOMAIN_REVIEW_YEARS	3
/* Matches recorded by index in struct domain_identity (the counts go on). */
#define DOMAIN_MATCHES_MAX	16
/* The human-readable explanation of domain_essentially_identical(). */
#define DOMAIN_WHY_MAX		1024
/* Party names quoted in explanations are cut to this many bytes. */
#define DOMAIN_NAME_QUOTE_MAX	64

/* ---------------------------------------------------------- control entries */

enum domain_control_kind {
	DOMAIN_CONTROL_NONE = 0,
	DOMAIN_CONTROL_LISTED,		/* "3A001.b.1": EU Annex I, US CCL */
	DOMAIN_CONTROL_MUNITIONS,	/* "ML10.a": Wassenaar Munitions List */
	DOMAIN_CONTROL_CATCH_ALL,	/* "catch-all": a non-listed item */
	DOMAIN_CONTROL_EAR99,		/* US: subject to the EAR, not listed */
};

struct domain_control {
	enum domain_control_kind kind;
	char	text[DOMAIN_CONTROL_MAX + 1];	/* canonical, NUL-terminated */
};

/*
 * Parses a control-list entry, ignoring case and white space, into its
 * canonical form: a category digit, a group letter A-E, three digits, then
 * optional dot-separated alphanumeric sub-items ("3A001.b.1", upper case
 * head, lower case sub-items); "ML1" to "ML22" with sub-items (Wassenaar
 * Munitions List, which the dual-use numbering does not cover but whose
 * denials are real); "EAR99"; "catch-all" (also "catch all", "catchall").
 * Returns 0, or LCN_EINVAL for NULL, an empty or malformed entry, or one
 * whose canonical form exceeds DOMAIN_CONTROL_MAX; *c is zeroed on error.
 */
int	domain_control_parse(const char *s, struct domain_control *c);

/*
 * True (1) when two parsed entries overlap: both listed (or both munitions)
 * and one is the other or a prefix of it at a sub-item boundary ("3A001.b"
 * and "3A001.b.1" do; "3A001.b" and "3A001.bb", "3A001" and "3A0011" do
 * not). Catch-all and EAR99 (a non-listed item) overlap only each other,
 * never a listed entry. 0 otherwise, and for DOMAIN_CONTROL_NONE.
 */
int	domain_control_overlap(const struct domain_control *a,
	    const struct domain_control *b);

/*
 * domain_control_overlap() on two entries given as text. An entry that does
 * not parse overlaps nothing (0); callers that must not miss a match parse
 * first and reject the input, as domain_essentially_identical() does.
 */
int	domain_controls_overlap(const char *a, const char *b);

/* ---------------------------------------------------------- views */

/* Values match lcn.proto's PartyRole. */
enum domain_role {
	DOMAIN_ROLE_UNSPECIFIED, DOMAIN_ROLE_END_USER, DOMAIN_ROLE_CONSIGNEE,
	DOMAIN_ROLE_INTERMEDIATE_CONSIGNEE, DOMAIN_ROLE_PURCHASER,
	DOMAIN_ROLE_AGENT,
};

/* Values match lcn.proto's ControlBasis. */
enum domain_basis {
	DOMAIN_BASIS_UNSPECIFIED, DOMAIN_BASIS_LISTED_ITEM,
	DOMAIN_BASIS_CATCH_ALL_WMD, DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE,
	DOMAIN_BASIS_CATCH_ALL_EMBARGO,
};

struct domain_party {
	enum domain_role role;
	const char	*name;		/* for explanations; may be NULL */
	const char	*country;	/* ISO 3166-1 alpha-2; may be NULL */
	const void	*src;		/* caller's record, e.g. Lcn__Party */
};

/* The content of a DenialNotice (or of an amendment's notice). */
struct domain_denial {
	const char	*ref;
	const char	*regime;	/* "WA", "NSG", "AG", "MTCR", "EU"... */
	enum domain_basis basis;
	const char *const *controls;	/* the items' control entries */
	size_t		 ncontrols;
	const struct domain_party *parties;
	size_t		 nparties;
	const char	*destination;	/* ISO 3166-1 alpha-2 */
	uint64_t	 decision_ms;
	uint64_t	 review_ms;	/* 0: decision + 3 years */
	const void	*src;		/* caller's record, never read here */
};

/* A proposed transaction: a licence application or a Transaction body. */
struct domain_transaction {
	const char *const *controls;
	size_t		 ncontrols;
	const struct domain_party *parties;
	size_t		 nparties;
	const char	*destination;	/* ISO 3166-1 alpha-2 */
	const void	*src;
};

/* ---------------------------------------------------------- denial state */

/* Values match lcn.proto's DenialAction. */
enum domain_denial_action {
	DOMAIN_DENIAL_ACTION_UNSPECIFIED, DOMAIN_DENIAL_AMEND,
	DOMAIN_DENIAL_RENEW, DOMAIN_DENIAL_SUSPEND, DOMAIN_DENIAL_REVOKE,
};

struct domain_denial_update {
	enum domain_denial_action action;
	uint64_t	 new_review_ms;		/* RENEW, must be non-zero */
	const struct domain_denial *amended;	/* AMEND, must be non-NULL */
};

enum domain_denial_state {
	DOMAIN_DENIAL_NONE = 0,
	DOMAIN_DENIAL_ACTIVE,
	DOMAIN_DENIAL_REVIEW_DUE,	/* review date reached, not renewed */
	DOMAIN_DENIAL_SUSPENDED,
	DOMAIN_DENIAL_REVOKED,		/* terminal */
};

struct domain_denial_status {
	enum domain_denial_state state;
	uint64_t	 review_ms;	/* effective review date */
	const struct domain_denial *content;	/* notice or last amendment */
	size_t		 amended_by;	/* 1-based update index, 0: none */
	size_t		 revoked_by;	/* 1-based update index, 0: none */
	size_t		 nignored;	/* updates after the revocation */
};

/*
 * decision_ms plus DOMAIN_REVIEW_YEARS calendar years in UTC, at the same
 * time of day; 29 February becomes 28 February (EU Regulation 1182/71,
 * article 3(2)(c): a period ends on the last day of the month when the day
 * does not exist). Saturates at UINT64_MAX beyond the year 9999.
 */
uint64_t domain_review_default(uint64_t decision_ms);

/*
 * The state of a denial at now_ms, given its notice and its updates in
 * ledger order. The rules, applied update by update:
 * - AMEND replaces the content (status->content points to the amending
 *   notice). Its review date (explicit, or its decision + 3 years) moves
 *   the effective review date only later, never earlier: amendments are
 *   often a copy of the notice with a field changed, and a copy must not
 *   undo a renewal. To end a denial early the origin revokes it. An
 *   amendment does not lift a suspension.
 * - RENEW sets the review date to new_review_ms (the origin's explicit word,
 *   even if earlier) and lifts a suspension.
 * - SUSPEND suspends until a later RENEW.
 * - REVOKE is terminal: every later update is ignored and counted.
 * The state is REVOKED, else SUSPENDED, else REVIEW_DUE when now_ms >= the
 * effective review date (due *at* the review date),
 * else ACTIVE. Only ACTIVE denials are active (domain_denial_active()).
 * Returns 0, or LCN_EINVAL for NULL arguments, a notice with neither a
 * decision nor a review date, an AMEND without content, a RENEW without a
 * date or an unknown action (before any revocation); *st is zeroed on
 * error. A caller that must decide anyway should treat an error as ACTIVE
 * (fail safe) and log it.
 */
int	domain_denial_state(const struct domain_denial *notice,
	    const struct domain_denial_update *updates, size_t nupdates,
	    uint64_t now_ms, struct domain_denial_status *st);

/*
 * The same rules one update at a time, for state kept in a table and
 * moved by each entry as it is indexed (store/records_apply.c): the
 * effective review date, a suspension and a revocation, which with the
 * time give the state. domain_denial_state() is this loop.
 */
struct domain_denial_track {
	uint64_t	 review_ms;	/* effective review date; 0: none */
	int		 suspended;
	int		 revoked;	/* terminal */
};

/* What one update did to a track (or an alert's). */
enum domain_step {
	DOMAIN_STEP_APPLIED = 0,
	DOMAIN_STEP_TERMINAL,	/* after REVOKE or WITHDRAW: no effect */
	DOMAIN_STEP_INVALID,	/* AMEND without content, RENEW without a
				   date, unknown action: no effect */
};

/*
 * The track of a notice: its review date (explicit, or its decision + 3
 * years; 0 when it has neither), neither suspended nor revoked.
 */
void	domain_denial_track_init(const struct domain_denial *notice,
	    struct domain_denial_track *t);
/* Applies one update as domain_denial_state() does; t moves on APPLIED. */
enum domain_step domain_denial_track_step(struct domain_denial_track *t,
	    const struct domain_denial_update *u);
/*
 * The state at now_ms: REVOKED, else SUSPENDED, else REVIEW_DUE when
 * review_ms != 0 and now_ms >= review_ms, else ACTIVE.
 */
enum domain_denial_state domain_denial_track_state(
	    const struct domain_denial_track *t, uint64_t now_ms);

/* 1 if the state counts as an active denial (ACTIVE), else 0. */
int	domain_denial_active(enum domain_denial_state);
/* "active", "review-due", "suspended", "revoked" or "none". */
const char *domain_denial_state_name(enum domain_denial_state);

/* ---------------------------------------------------------- alert state */

struct domain_alert {
	const char	*ref;
	const struct domain_party *party;	/* may be NULL */
	uint64_t	 valid_from_ms;		/* 0: from the beginning */
	uint64_t	 valid_until_ms;	/* 0: open-ended; exclusive */
	const void	*src;
};

/* Values match lcn.proto's AlertAction. */
enum domain_alert_action {
	DOMAIN_ALERT_ACTION_UNSPECIFIED, DOMAIN_ALERT_AMEND,
	DOMAIN_ALERT_EXTEND, DOMAIN_ALERT_WITHDRAW,
};

struct domain_alert_update {
	enum domain_alert_action action;
	uint64_t	 valid_until_ms;	/* EXTEND; 0: open-ended */
	const struct domain_alert *amended;	/* AMEND, must be non-NULL */
};

enum domain_alert_state {
	DOMAIN_ALERT_NONE = 0,
	DOMAIN_ALERT_ACTIVE,
	DOMAIN_ALERT_NOT_YET_VALID,
	DOMAIN_ALERT_EXPIRED,
	DOMAIN_ALERT_WITHDRAWN,		/* terminal */
};

struct domain_alert_status {
	enum domain_alert_state state;
	uint64_t	 valid_from_ms;		/* effective window */
	uint64_t	 valid_until_ms;	/* 0: open-ended */
	const struct domain_alert *content;	/* alert or last amendment */
	size_t		 amended_by;	/* 1-based update index, 0: none */
	size_t		 withdrawn_by;	/* 1-based update index, 0: none */
	size_t		 nignored;	/* updates after the withdrawal */
};

/*
 * The state of an alert at now_ms, given its updates in ledger order:
 * - AMEND replaces the content; valid_from becomes the amendment's, and
 *   valid_until moves only later (open-ended being the latest), for the
 *   same reason as a denial's amendment.
 * - EXTEND sets valid_until (0: open-ended), even if earlier.
 * - WITHDRAW is terminal: later updates are ignored and counted.
 * The state is WITHDRAWN, else NOT_YET_VALID when now_ms < valid_from,
 * else EXPIRED when valid_until != 0 and now_ms >= valid_until (the window
 * is [from, until)), else ACTIVE.
 * Returns 0, or LCN_EINVAL for NULL arguments, an AMEND without content or
 * an unknown action (before any withdrawal); *st is zeroed on error.
 */
int	domain_alert_state(const struct domain_alert *alert,
	    const struct domain_alert_update *updates, size_t nupdates,
	    uint64_t now_ms, struct domain_alert_status *st);

/* domain_alert_state() one update at a time (see the denial's track). */
struct domain_alert_track {
	uint64_t	 valid_from_ms;
	uint64_t	 valid_until_ms;	/* 0: open-ended */
	int		 withdrawn;		/* terminal */
};

void	domain_alert_track_init(const struct domain_alert *alert,
	    struct domain_alert_track *t);
enum domain_step domain_alert_track_step(struct domain_alert_track *t,
	    const struct domain_alert_update *u);
/* WITHDRAWN, else NOT_YET_VALID, else EXPIRED, else ACTIVE at now_ms. */
enum domain_alert_state domain_alert_track_state(
	    const struct domain_alert_track *t, uint64_t now_ms);

/* "active", "not-yet-valid", "expired", "withdrawn" or "none". */
const char *domain_alert_state_name(enum domain_alert_state);

/* ---------------------------------------------------------- refs, stages */

/* The parts of a ref in an agency's namespace: "JP-METI/DN/2026/0043". */
struct domain_ref {
	char		 origin[33];	/* an agency id, AGENCY_ID_MAX */
	char		 kind[9];	/* 1 to 8 capital letters: DN, EUA */
	unsigned	 year;		/* four digits */
	uint64_t	 number;	/* 1 to 9 digits, "0043" is 43 */
};

/*
 * Splits ref into origin/KIND/YEAR/NUMBER as above. 0, or LCN_EINVAL for
 * anything else (NULL included); *out is zeroed on error.
 */
int	domain_ref_parse(const char *ref, struct domain_ref *out);

/*
 * The agency whose namespace ref is in (the part before its first '/',
 * when that is an agency id), into out (at least 33 bytes); 0, or
 * LCN_EINVAL with out empty when ref names none.
 */
int	domain_ref_origin(const char *ref, char *out, size_t outsz);

/*
 * 1 when entry lies within prefix at a sub-item boundary: both parse,
 * are of one kind, and prefix is entry or a head of it ("3A001" holds
 * "3A001" and "3A001.b.1", not "3A0011"; "ML1" does not hold "ML10").
 * 0 otherwise.
 */
int	domain_control_within(const char *prefix, const char *entry);

/* Values match lcn.proto's ControlStage. */
enum domain_stage {
	DOMAIN_STAGE_UNSPECIFIED, DOMAIN_STAGE_PROPOSED,
	DOMAIN_STAGE_TECHNICALLY_MATURED, DOMAIN_STAGE_AGREED,
	DOMAIN_STAGE_IMPLEMENTED, DOMAIN_STAGE_WITHDRAWN,
};

/*
 * "proposed", "technically-matured", "agreed", "implemented",
 * "withdrawn", or "unspecified" for anything else.
 */
const char *domain_stage_name(int stage);
/* The reverse; DOMAIN_STAGE_UNSPECIFIED for an unknown name or NULL. */
enum domain_stage domain_stage_parse(const char *name);

/* ---------------------------------------------------------- consultation */

enum domain_regime {
	DOMAIN_REGIME_UNKNOWN = 0,	/* plurilateral group, pair, or empty */
	DOMAIN_REGIME_WA,
	DOMAIN_REGIME_NSG,
	DOMAIN_REGIME_AG,
	DOMAIN_REGIME_MTCR,
	DOMAIN_REGIME_EU,
};

/*
 * Recognises a regime name, ignoring case and surrounding white space:
 * "WA"/"Wassenaar"/"Wassenaar Arrangement", "NSG"/"Nuclear Suppliers
 * Group", "AG"/"Australia Group", "MTCR"/"Missile Technology Control
 * Regime", "EU"/"European Union". Anything else, NULL included, is
 * DOMAIN_REGIME_UNKNOWN.
 */
enum domain_regime domain_regime_parse(const char *name);

enum domain_consult {
	DOMAIN_CONSULT_NONE = 0,	/* no consultation, no notification */
	DOMAIN_CONSULT_REQUIRED,	/* consult the denier before a grant */
	DOMAIN_CONSULT_NOTIFY_AFTER,	/* a grant is notified afterwards */
};

/*
 * What the rules of the denial's regime require before granting an
 * essentially identical transaction (the regimes' published practice):
 * NSG, AG and EU: CONSULT_REQUIRED; MTCR: CONSULT_REQUIRED for
 * listed items, NONE for catch-all denials (outside its no-undercut
 * practice; an unspecified basis counts as listed); WA: NOTIFY_AFTER.
 * An unknown regime (a plurilateral group, a bilateral pair, a typo) gives
 * CONSULT_REQUIRED: failing safe costs one consultation, while assuming a
 * group's rules allow an unannounced grant could let an undercut through
 * silently, and the reason says that the regime was not recognised.
 * *reason (if reason is non-NULL) is set to a static sentence for the
 * operator.
 */
enum domain_consult domain_consultation(const char *regime,
	    enum domain_basis basis, const char **reason);

/* "consult-required", "notify-after" or "none". */
const char *domain_consult_name(enum domain_consult);

/* ---------------------------------------------------------- identity */

/*
 * Scores how well an applied party matches a denied one, in [0, 1]
 * (name screening, provided by the caller; src gives it the full records).
 * A function type rather than a struct, as libuv names its callbacks: the
 * one typedef in this header, so that prototypes stay readable.
 */
typedef double domain_party_match_fn(const struct domain_party *denied,
    const struct domain_party *applied, void *arg);

struct domain_index_pair {
	size_t		 denial;	/* index into the denial's array */
	size_t		 app;		/* index into the transaction's */
	double		 score;		/* parties only */
};

struct domain_identity {
	int		 identical;		/* all three conditions hold */
	int		 same_destination;
	size_t		 ncontrol_matches;	/* overlapping entry pairs */
	struct domain_index_pair controls[DOMAIN_MATCHES_MAX];
	int		 parties_screened;	/* 0 when cut short */
	size_t		 nparty_matches;	/* pairs scoring >= threshold */
	struct domain_index_pair parties[DOMAIN_MATCHES_MAX];
	char		 why[DOMAIN_WHY_MAX];	/* for the operator */
};

/*
 * Decides whether a transaction is essentially identical to a denial's
 * (effective) content: at least one pair of
 * overlapping control entries (domain_control_overlap(): catch-all only with
 * catch-all), the same destination country (case-insensitive; a missing
 * destination on either side never matches, and the explanation says so),
 * and at least one pair of parties, in any roles, that match scores
 * >= threshold. The cheap conditions are checked first: the parties are
 * screened (match is called for every denied x applied pair) only when the
 * entries and the destination match, and id->parties_screened says whether
 * they were. The first DOMAIN_MATCHES_MAX matching pairs are recorded by
 * index, all are counted, and id->why explains the result (party names
 * quoted, escaped and cut to DOMAIN_NAME_QUOTE_MAX bytes; the explanation
 * ends in "..." if it is longer than DOMAIN_WHY_MAX).
 * Returns 0 with id->identical set, or LCN_EINVAL for NULL arguments, a
 * threshold outside [0, 1], more than REPEATED_MAX control entries on a
 * side (lcn_limits.h), a control entry that does not parse (id->why names
 * it: a missed match is worse than a loud error) or a score outside [0, 1]
 * from match; *id is zeroed except for id->why on error.
 */
int	domain_essentially_identical(const struct domain_denial *denial,
	    const struct domain_transaction *app, domain_party_match_fn *match,
	    void *arg, double threshold, struct domain_identity *id);

#endif
