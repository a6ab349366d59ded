/*
 * What the validate*.c files share and nothing else sees: the state of
 * one validation (the context, the error being written, the records an
 * earlier body of the same request made or changed), and the checks
 * common to every record type, each naming its field in the error.
 */
#ifndef LCN_VALIDATE_INT_H
#define LCN_VALIDATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "validate.h"

/* A ref an earlier body of the same request used or changed. */
struct validate_seen {
	char		 ref[VALIDATE_REF_MAX + 1];
	size_t		 body;		/* its index in the request */
	struct validate_record rec;	/* feed empty, seq 0 */
};

struct vstate {
	const struct validate_ctx *ctx;
	struct validate_error	*err;
	struct validate_seen	*seen;	/* validate_publish only */
	size_t			 nseen, capseen;
	size_t			*slots;	/* seen's index + 1 by ref hash, the
					   latest of a ref; 0 empty */
	size_t			 nslots;	/* a power of 2, > 2 * nseen */
	size_t			 body;	/* index of the body being checked */
};

/*
 * Sets the error: field, and the message "field: " then fmt. Returns
 * LCN_EINVAL, for "return vfail(...)".
 */
int	vfail(struct vstate *, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The same for an error of the callbacks: the body was not checked. */
int	vfail_lookup(struct vstate *, int code, const char *field,
	    const char *ref);

/*
 * Writes s for a message: valid UTF-8 kept, control characters and
 * invalid bytes as \xNN, cut after 40 bytes with "..." (out: 200 bytes).
 */
void	vquote(const char *s, char *out, size_t outsz);
#define VQUOTE_MAX	200

/* s is NULL, empty or white space only. */
int	vblank(const char *s);

/* A required text: not blank. "field: expected what". */
int	vcheck_text(struct vstate *, const char *field, const char *s,
	    const char *what);
/* An ISO 3166-1 alpha-2 code; an empty optional one passes. */
int	vcheck_country(struct vstate *, const char *field, const char *s,
	    int required);
/* A date (ms) within VALIDATE_YEAR_MIN..MAX; 0 passes unless required. */
int	vcheck_date(struct vstate *, const char *field, uint64_t ms,
	    int required, const char *what);
/* A regime, named as its group is: "WA", "NSG", "AG", "MTCR". */
int	vcheck_regime(struct vstate *, const char *field, const char *regime);
/* A value of the enum (not its 0 value when required). */
int	vcheck_enum(struct vstate *, const char *field,
	    const ProtobufCEnumDescriptor *, int value, int required);
/* A control-list entry through domain_control_parse(), into *dc. */
int	vcheck_control(struct vstate *, const char *field, const char *s,
	    struct domain_control *dc);
/* Handling: a known TLP, forwarding only under a TLP that allows it. */
int	vcheck_handling(struct vstate *, const char *at,
	    const Lcn__Handling *);
/* A party: a name, known role, countries, aliases and identifiers. */
int	vcheck_party(struct vstate *, const char *at, const Lcn__Party *);

/*
 * A body's own ref (field "ref", at the path at): empty passes (one is
 * assigned); else the syntax, this node's namespace, the kind of the
 * body, and not used before (the lookup, then the request's earlier
 * bodies).
 */
int	vcheck_own_ref(struct vstate *, const char *at, const char *ref,
	    enum validate_kind kind);
/* A ref to any agency's record of kind (related_denial_refs). */
int	vcheck_any_ref(struct vstate *, const char *field, const char *ref,
	    enum validate_kind kind);
/*
 * The record an update names: field holds target, which must be a ref of
 * kind in this node's namespace and found (the request's earlier bodies
 * first, then the lookup) as a record of that kind; *rec gets it.
 */
int	vcheck_target(struct vstate *, const char *field, const char *target,
	    enum validate_kind kind, struct validate_record *rec);
/*
 * Records, for the bodies after this one in the request, that ref now
 * names rec (a new record, or an updated one's new state).
 */
int	vseen_add(struct vstate *, const char *ref,
	    const struct validate_record *rec);

/* Writes "YYYY-MM-DD" of ms (out: 11 bytes at least). */
void	vdate(uint64_t ms, char *out, size_t outsz);
/* The UTC year of ms. */
unsigned vyear(uint64_t ms);

/* The rules of each record type (validate_denial.c, _alert.c, _control.c). */
int	validate_denial_notice(struct vstate *, const char *at,
	    const Lcn__DenialNotice *, int amendment);
int	validate_denial_update(struct vstate *, const Lcn__DenialUpdate *);
int	validate_alert(struct vstate *, const char *at,
	    const Lcn__EndUserAlert *, int amendment);
int	validate_alert_update(struct vstate *, const Lcn__AlertUpdate *);
int	validate_control_status(struct vstate *, const Lcn__ControlStatus *);
/* The consultation bodies' (validate_consult.c). */
int	validate_consult_request(struct vstate *,
	    const Lcn__ConsultationRequest *);
int	validate_consult_reply(struct vstate *, const Lcn__ConsultationReply *);
int	validate_consult_info(struct vstate *, const Lcn__ConsultationInfo *);
int	validate_licence_decision(struct vstate *,
	    const Lcn__LicenceDecision *);

#endif
