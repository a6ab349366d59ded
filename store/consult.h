/*
 * The no-undercut consultation as a pure state machine: what a
 * ConsultationRequest and the replies, information and decisions that
 * follow it add up to. No I/O, no clock: every time is a parameter, so
 * every node holding the same entries derives the same state
 * (records_consult.c keeps it in LMDB) and tests step it case by case.
 *
 *   AWAITING_REPLY --reply object | no-objection | maintain-denial--> REPLIED
 *   AWAITING_REPLY --reply need-info--> INFO_REQUESTED
 *   INFO_REQUESTED --information from the asker--> AWAITING_REPLY
 *   AWAITING_REPLY --reply ack with an extension--> EXTENDED
 *   AWAITING_REPLY / EXTENDED, deadline passed at the time asked
 *                                  --> LAPSED (the request's silence rule)
 *   REPLIED / LAPSED --decision--> DECIDED (granted or denied; an
 *                                  undercut or not)
 *   DECIDED --the consulted agency acknowledges--> CLOSED
 *
 * A deny may be decided in any open state; a grant only after a
 * substantive reply or once the deadline has passed (a request without a
 * deadline needs the reply). An EXTENDED request can still be answered,
 * lapse, or be extended again within the limit. A reply after the
 * deadline still counts while nothing has been decided. Entries that
 * cannot move the state are ignored, with the reason (consult_step).
 *
 * The deadline profiles (how long, on which calendar, what silence
 * means) are data, per regime group, in the configuration; defaults
 * follow each regime's practice (consult_profile_default).
 */
#ifndef LCN_CONSULT_H
#define LCN_CONSULT_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"

/* Values match lcn.proto's DeadlineBasis, SilenceMeaning, Position,
 * IntendedDecision and Decision. */
enum consult_basis {
	CONSULT_BASIS_NONE = 0,
	CONSULT_BASIS_CALENDAR_DAYS = 1,
	CONSULT_BASIS_WORKING_DAYS = 2,
};
enum consult_silence {
	CONSULT_SILENCE_UNSPECIFIED = 0,	/* treated as NO_EFFECT */
	CONSULT_SILENCE_NO_OBJECTION = 1,
	CONSULT_SILENCE_OBJECTION = 2,
	CONSULT_SILENCE_NO_EFFECT = 3,
};
enum consult_position {
	CONSULT_POSITION_NONE = 0,
	CONSULT_POSITION_OBJECT = 1,
	CONSULT_POSITION_NO_OBJECTION = 2,
	CONSULT_POSITION_MAINTAIN_DENIAL = 3,
	CONSULT_POSITION_NEED_INFO = 4,
	CONSULT_POSITION_ACK = 5,
};
enum consult_decision {
	CONSULT_DECISION_NONE = 0,
	CONSULT_DECISION_GRANT = 1,
	CONSULT_DECISION_DENY = 2,
};

/* ---------------------------------------------------------- profiles */

/* What a regime group asks before a grant, and how long it gives. */
struct consult_profile {
	enum domain_consult	 need;		/* REQUIRED, NOTIFY_AFTER
						   or NONE */
	enum consult_basis	 basis;		/* of days and extension */
	unsigned		 days;		/* 0 with BASIS_NONE */
	unsigned		 extension_max;	/* days an extension may add
						   to the first deadline
						   (extension_limit_ms of
						   the request); 0: none */
	enum consult_silence	 silence;
	int			 info_restarts;	/* need-info: the deadline
						   starts again from the
						   information */
};

/*
 * The default profile of a regime, from its published practice:
 * NSG, AG, MTCR: consultation required, no deadline, silence has no
 * effect (only a reply allows a grant). EU (Regulation 2021/821, art.
 * 11(4)... as practised): required, 10 working days, extension up to 30
 * working days, silence is no objection, need-info restarts the period.
 * WA: a notification after a grant, no consultation. An unknown regime
 * (a plurilateral group, a pair): required, no deadline, silence has no
 * effect: failing safe.
 */
void	consult_profile_default(enum domain_regime, struct consult_profile *);

/*
 * Parses a configuration value into p: "none", "N working-days" or
 * "N calendar-days" (consult_deadline: basis and days, N from 1 to
 * CALENDAR_DAYS_MAX; "working-day" and "calendar-day" too);
 * "N working-days" etc. for consult_extension_max (days, same basis as
 * the deadline, else an error: consult_parse_extension); "no-objection",
 * "objection", "no-effect" (silence); "notify-after", "consult" (or
 * "consult-required"), "none" (need). Case is ignored and surrounding
 * white space trimmed. Each returns 0 or LCN_EINVAL with what was
 * expected and what was found in err; outputs are zeroed on error.
 */
int	consult_parse_deadline(const char *s, enum consult_basis *basis,
	    unsigned *days, char *err, size_t errsz);
/*
 * consult_extension_max: "none", or N days in the unit of the deadline
 * whose basis is given (an extension of a deadline of none is an error).
 */
int	consult_parse_extension(const char *s,
	    enum consult_basis deadline_basis, unsigned *days, char *err,
	    size_t errsz);
int	consult_parse_silence(const char *s, enum consult_silence *out,
	    char *err, size_t errsz);
int	consult_parse_need(const char *s, enum domain_consult *out, char *err,
	    size_t errsz);

/* "10 working-days", "30 calendar-days", "none" into buf. */
void	consult_deadline_text(enum consult_basis, unsigned days, char *buf,
	    size_t bufsz);
/* "no-objection", "objection", "no-effect" (UNSPECIFIED: "no-effect"). */
const char *consult_silence_name(enum consult_silence);
/* "object", "no-objection", "maintain-denial", "need-info", "ack",
 * "none"; and the reverse (CONSULT_POSITION_NONE for unknown). */
const char *consult_position_name(enum consult_position);
enum consult_position consult_position_parse(const char *);
/* "grant", "deny", "none". */
const char *consult_decision_name(enum consult_decision);

/* ---------------------------------------------------------- state */

enum consult_state {
	CONSULT_NONE = 0,
	CONSULT_AWAITING_REPLY,
	CONSULT_INFO_REQUESTED,
	CONSULT_EXTENDED,
	CONSULT_REPLIED,
	CONSULT_LAPSED,		/* only from consult_state_at() */
	CONSULT_DECIDED,
	CONSULT_CLOSED,
};
/* "awaiting-reply", "info-requested", "extended", "replied", "lapsed",
 * "decided", "closed", "none"; and the reverse. */
const char *consult_state_name(enum consult_state);
enum consult_state consult_state_parse(const char *);

/*
 * One consultation's state, moved entry by entry. Fixed size and plain
 * data, so records_consult.c can keep it in a table as it is (encoded
 * field by field, never as raw struct bytes).
 */
struct consult_track {
	enum consult_state	 state;		/* structural: never LAPSED */
	enum consult_silence	 silence;	/* from the request */
	int			 info_restarts;
	uint64_t		 asked_ms;	/* the request entry's time */
	uint64_t		 deadline_ms;	/* current; 0: none */
	uint64_t		 first_deadline_ms;
	uint64_t		 extension_limit_ms;	/* 0: none allowed */
	enum consult_position	 position;	/* the substantive reply */
	uint64_t		 replied_ms;	/* of that reply; 0: none */
	enum consult_decision	 decision;
	uint64_t		 decided_ms;	/* the decision's date */
	int			 undercut;	/* a grant despite an objection,
						   a maintained denial, or
						   silence that is not
						   consent */
	int			 decided_lapsed; /* decided with no reply,
						   after the deadline */
	unsigned		 ninfo;		/* need-info rounds answered */
	unsigned		 nextended;
};

/* What the request says, as the state machine needs it. */
struct consult_request_view {
	uint64_t		 asked_ms;	/* its entry's created_ms */
	uint64_t		 deadline_ms;	/* 0: none */
	uint64_t		 extension_limit_ms;
	enum consult_silence	 silence;
	int			 info_restarts;
};

/* Why an entry did not move a consultation. */
enum consult_step {
	CONSULT_STEP_APPLIED = 0,
	CONSULT_STEP_WRONG_AGENCY,	/* a reply not from the consulted
					   agency, information or a decision
					   not from the asker */
	CONSULT_STEP_NOT_OPEN,		/* a reply or information after the
					   decision, a second decision */
	CONSULT_STEP_NOT_ASKED,		/* information nobody asked for */
	CONSULT_STEP_EARLY_GRANT,	/* a grant before the reply or the
					   deadline */
	CONSULT_STEP_BAD_EXTENSION,	/* not later than the deadline,
					   past the request's limit, asked
					   after the deadline, or none
					   allowed */
	CONSULT_STEP_INVALID,		/* no position, no decision */
	CONSULT_STEP_BEFORE_REQUEST,	/* a decision dated before the
					   day its request was signed */
};
/* "wrong-agency", ... and a sentence for lcn show. */
const char *consult_step_name(enum consult_step);
const char *consult_step_text(enum consult_step);

/* A new request: AWAITING_REPLY with the request's terms (a request
 * without a deadline has no extension limit either). */
void	consult_track_init(struct consult_track *,
	    const struct consult_request_view *);

/*
 * A reply at at_ms (its entry's created_ms) with position and
 * extension_to_ms (0: none). from_consulted is 1 when the replying agency
 * is the one consulted. Substantive positions (object, no-objection,
 * maintain-denial) make it REPLIED; need-info INFO_REQUESTED; ack with an
 * extension EXTENDED (the deadline moves to extension_to_ms, which must
 * be later than the current deadline and no later than the limit); ack
 * alone changes nothing but is applied; ack after the decision CLOSES it.
 * A later substantive reply replaces the position; need-info after one
 * keeps it. An extension asked while information is awaited or after a
 * reply moves the deadline and leaves the state. Checked in this order:
 * WRONG_AGENCY, INVALID (no position, an unknown one), NOT_OPEN,
 * BAD_EXTENSION.
 */
enum consult_step consult_track_reply(struct consult_track *,
	    int from_consulted, enum consult_position position,
	    uint64_t extension_to_ms, uint64_t at_ms);

/*
 * The asker's information after need-info: back to AWAITING_REPLY with
 * deadline_ms (the information's own, 0: keep the current one). The new
 * deadline applies only when the request says information restarts the
 * period, the request has a deadline, and it is later than the current
 * one. WRONG_AGENCY, NOT_OPEN, then NOT_ASKED (not INFO_REQUESTED).
 */
enum consult_step consult_track_info(struct consult_track *,
	    int from_asker, uint64_t deadline_ms, uint64_t at_ms);

/*
 * The asker's decision, dated date_ms (LicenceDecision.date_ms). A grant
 * is an undercut unless the position is no-objection, or the request
 * lapsed (state at date_ms) with no substantive reply and its silence
 * means no objection. A grant with no substantive reply before the
 * deadline has passed (or with no deadline at all) is EARLY_GRANT and
 * changes nothing. WRONG_AGENCY, INVALID, NOT_OPEN, BEFORE_REQUEST (dated
 * before the UTC day of asked_ms), then EARLY_GRANT.
 */
enum consult_step consult_track_decide(struct consult_track *,
	    int from_asker, enum consult_decision decision, uint64_t date_ms);

/* The state at at_ms: LAPSED for AWAITING_REPLY or EXTENDED with a
 * deadline before at_ms, else the structural state. */
enum consult_state consult_state_at(const struct consult_track *,
	    uint64_t at_ms);

/* 1 if a grant at at_ms would be an undercut (what lcn decide warns of
 * before it publishes): the same rule as consult_track_decide(). */
int	consult_grant_undercuts(const struct consult_track *, uint64_t at_ms);
/* 1 if the consultation is open and a grant at at_ms would be refused
 * as early (what lcn decide refuses before it publishes). */
int	consult_grant_early(const struct consult_track *, uint64_t at_ms);

/* 1 if the state still expects the consulted agency's reply
 * (AWAITING_REPLY, EXTENDED, LAPSED): lcn status lists these. */
int	consult_awaits_reply(enum consult_state);

#endif
