/*
 * The rules of the consultation bodies (validate.h): a request names the
 * partner denials it consults on and the agency that holds them, carries
 * a transaction a partner can compare (items with control entries, a
 * named party, a destination) and terms that agree with each other (a
 * deadline with its basis, an extension limit not before the deadline,
 * what silence means); a reply answers a request with a position; the
 * asker's information answers a need-info reply; a licence decision is
 * dated and, for a grant that undercuts or notifies, explains itself.
 * Whether the sender may send it at that point of the exchange is the
 * derived state's business (records_consult.h), not a body's.
 */
#include <stdio.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "currency.h"
#include "lcn_err.h"
#include "util.h"
#include "validate.h"
#include "validate_int.h"

/* A ref of kind at field, in agency's namespace (NULL: any). */
static int
check_ref_of(struct vstate *v, const char *field, const char *ref,
    enum validate_kind kind, const char *agency, const char *why)
{
	struct validate_ref	vr;
	int			r;

	if ((r = vcheck_any_ref(v, field, ref, kind)) != 0)
		return r;
	if (agency != NULL && validate_ref_parse(ref, &vr) == 0 &&
	    strcmp(vr.agency, agency) != 0)
		return vfail(v, field, "%s is in %s's namespace; %s", ref,
		    vr.agency, why);
	return 0;
}

/* The transaction a partner compares with its denials, at path at. */
static int
check_transaction(struct vstate *v, const char *at,
    const Lcn__Transaction *t)
{
	struct domain_control	 dc;
	const Lcn__Item		*it;
	char			 f[VALIDATE_FIELD_MAX], q[VQUOTE_MAX];
	size_t			 i;
	int			 r;

	if (t == NULL)
		return vfail(v, at, "expected the transaction: its items, "
		    "parties and destination_country");
	snprintf(f, sizeof(f), "%s.items", at);
	if (t->n_items == 0)
		return vfail(v, f, "expected at least one item with a "
		    "control_entry such as 3A001.b.1");
	for (i = 0; i < t->n_items; i++) {
		it = t->items[i];
		snprintf(f, sizeof(f), "%s.items[%zu].control_entry", at, i);
		if ((r = vcheck_control(v, f, it->control_entry, &dc)) != 0)
			return r;
		snprintf(f, sizeof(f), "%s.items[%zu].currency", at, i);
		if (it->currency != NULL && it->currency[0] != '\0' &&
		    !currency_iso4217_valid(it->currency)) {
			vquote(it->currency, q, sizeof(q));
			return vfail(v, f, "expected an ISO 4217 currency code "
			    "such as JPY, EUR or USD, got \"%s\"", q);
		}
	}
	snprintf(f, sizeof(f), "%s.parties", at);
	if (t->n_parties == 0)
		return vfail(v, f, "expected at least one party with a name");
	for (i = 0; i < t->n_parties; i++) {
		snprintf(f, sizeof(f), "%s.parties[%zu]", at, i);
		if ((r = vcheck_party(v, f, t->parties[i])) != 0)
			return r;
	}
	snprintf(f, sizeof(f), "%s.destination_country", at);
	if ((r = vcheck_country(v, f, t->destination_country, 1)) != 0)
		return r;
	for (i = 0; i < t->n_transit_countries; i++) {
		snprintf(f, sizeof(f), "%s.transit_countries[%zu]", at, i);
		if ((r = vcheck_country(v, f, t->transit_countries[i],
		    1)) != 0)
			return r;
	}
	return 0;
}

/* Partner denial refs at field, each in agency's namespace if given. */
static int
check_denials(struct vstate *v, const char *field, char **refs, size_t n,
    const char *agency)
{
	char	f[VALIDATE_FIELD_MAX], why[128];
	size_t	i;
	int	r;

	if (n == 0)
		return vfail(v, field, "expected at least one ref of the "
		    "partner's denial, such as JP-METI/DN/2026/0001");
	snprintf(why, sizeof(why), "a request consults the agency whose "
	    "denials it names (consulted: %s)", agency != NULL ? agency : "");
	for (i = 0; i < n; i++) {
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if ((r = check_ref_of(v, f, refs[i], VALIDATE_KIND_DN, agency,
		    why)) != 0)
			return r;
	}
	return 0;
}

int
validate_consult_request(struct vstate *v, const Lcn__ConsultationRequest *q)
{
	const char	*self = v->ctx->self;
	char		 q1[VQUOTE_MAX], d1[24], d2[24];
	int		 r;

	if ((r = vcheck_own_ref(v, "", q->ref, VALIDATE_KIND_CR)) != 0 ||
	    (r = vcheck_handling(v, "", q->handling)) != 0)
		return r;
	if (vblank(q->consulted))
		return vfail(v, "consulted", "expected the agency consulted, "
		    "the one whose denial this is, such as JP-METI");
	if (!agency_id_valid(q->consulted)) {
		vquote(q->consulted, q1, sizeof(q1));
		return vfail(v, "consulted", "expected an agency id such as "
		    "JP-METI, got \"%s\"", q1);
	}
	if (strcmp(q->consulted, self) == 0)
		return vfail(v, "consulted", "expected a partner agency; %s "
		    "does not consult itself", self);
	if ((r = check_denials(v, "denial_refs", q->denial_refs,
	    q->n_denial_refs, q->consulted)) != 0 ||
	    (r = check_transaction(v, "transaction", q->transaction)) != 0 ||
	    (r = vcheck_regime(v, "regime", q->regime)) != 0 ||
	    (r = vcheck_enum(v, "intended_decision",
	    &lcn__intended_decision__descriptor, (int)q->intended_decision,
	    0)) != 0 ||
	    (r = vcheck_enum(v, "deadline_basis",
	    &lcn__deadline_basis__descriptor, (int)q->deadline_basis,
	    0)) != 0 ||
	    (r = vcheck_enum(v, "silence", &lcn__silence_meaning__descriptor,
	    (int)q->silence, 1)) != 0)
		return r;
	/* The deadline and its basis say the same thing. */
	if (q->deadline_basis == LCN__DEADLINE_BASIS__DEADLINE_NONE) {
		if (q->deadline_ms != 0)
			return vfail(v, "deadline_ms", "expected none with "
			    "deadline_basis none; give a basis (working_days "
			    "or calendar_days) or leave the deadline out");
		if (q->deadline_days != 0)
			return vfail(v, "deadline_days", "expected none with "
			    "deadline_basis none, got %u", q->deadline_days);
		if (q->extension_limit_ms != 0)
			return vfail(v, "extension_limit_ms", "expected none: "
			    "a request without a deadline has nothing to "
			    "extend");
		return 0;
	}
	if ((r = vcheck_date(v, "deadline_ms", q->deadline_ms, 1,
	    "the deadline, with its deadline_basis")) != 0)
		return r;
	if (q->deadline_ms <= v->ctx->now_ms) {
		vdate(q->deadline_ms, d1, sizeof(d1));
		vdate(v->ctx->now_ms, d2, sizeof(d2));
		return vfail(v, "deadline_ms", "expected a deadline after "
		    "today (%s), got %s", d2, d1);
	}
	if (q->deadline_days == 0)
		return vfail(v, "deadline_days", "expected the number of days "
		    "the deadline counts on its basis, at least 1");
	if (q->extension_limit_ms != 0) {
		if ((r = vcheck_date(v, "extension_limit_ms",
		    q->extension_limit_ms, 0, "the latest deadline an "
		    "extension may ask for")) != 0)
			return r;
		if (q->extension_limit_ms < q->deadline_ms) {
			vdate(q->extension_limit_ms, d1, sizeof(d1));
			vdate(q->deadline_ms, d2, sizeof(d2));
			return vfail(v, "extension_limit_ms", "expected none "
			    "or a date on or after the deadline %s, got %s",
			    d2, d1);
		}
	}
	return 0;
}

int
validate_consult_reply(struct vstate *v, const Lcn__ConsultationReply *p)
{
	int r;

	if ((r = vcheck_own_ref(v, "", p->ref, VALIDATE_KIND_RP)) != 0 ||
	    (r = vcheck_handling(v, "", p->handling)) != 0)
		return r;
	if (vblank(p->request_ref))
		return vfail(v, "request_ref", "expected the ref of the "
		    "request answered, such as US-BIS/CR/2026/0001");
	if ((r = vcheck_any_ref(v, "request_ref", p->request_ref,
	    VALIDATE_KIND_CR)) != 0 ||
	    (r = vcheck_enum(v, "position", &lcn__position__descriptor,
	    (int)p->position, 1)) != 0)
		return r;
	if (p->extension_to_ms == 0)
		return 0;
	if (p->position != LCN__POSITION__POSITION_ACKNOWLEDGE_ONLY &&
	    p->position != LCN__POSITION__POSITION_NEED_INFORMATION)
		return vfail(v, "extension_to_ms", "an extension goes with "
		    "position ack or need_info; a substantive reply needs "
		    "none");
	return vcheck_date(v, "extension_to_ms", p->extension_to_ms, 0,
	    "the extended deadline");
}

int
validate_consult_info(struct vstate *v, const Lcn__ConsultationInfo *ci)
{
	int r;

	if ((r = vcheck_own_ref(v, "", ci->ref, VALIDATE_KIND_CI)) != 0 ||
	    (r = vcheck_handling(v, "", ci->handling)) != 0)
		return r;
	if (vblank(ci->request_ref))
		return vfail(v, "request_ref", "expected the ref of the "
		    "request the information is for, such as %s/CR/2026/0001",
		    v->ctx->self);
	if ((r = check_ref_of(v, "request_ref", ci->request_ref,
	    VALIDATE_KIND_CR, v->ctx->self, "only the agency that asked "
	    "sends information for its request")) != 0)
		return r;
	if (vblank(ci->information) && ci->transaction == NULL)
		return vfail(v, "information", "expected the information "
		    "asked for, or the transaction restated");
	if (ci->transaction != NULL &&
	    (r = check_transaction(v, "transaction", ci->transaction)) != 0)
		return r;
	return vcheck_date(v, "deadline_ms", ci->deadline_ms, 0,
	    "the deadline from now on");
}

int
validate_licence_decision(struct vstate *v, const Lcn__LicenceDecision *d)
{
	char	d1[24], d2[24];
	size_t	i;
	char	f[VALIDATE_FIELD_MAX];
	int	r;

	if ((r = vcheck_own_ref(v, "", d->ref, VALIDATE_KIND_LD)) != 0 ||
	    (r = vcheck_handling(v, "", d->handling)) != 0 ||
	    (r = vcheck_enum(v, "decision", &lcn__decision__descriptor,
	    (int)d->decision, 1)) != 0 ||
	    (r = vcheck_date(v, "date_ms", d->date_ms, 1,
	    "the decision's date")) != 0)
		return r;
	if (d->date_ms > v->ctx->now_ms + VALIDATE_FUTURE_SLACK_MS) {
		vdate(v->ctx->now_ms, d1, sizeof(d1));
		vdate(d->date_ms, d2, sizeof(d2));
		return vfail(v, "date_ms", "expected a decision already taken, "
		    "on or before today (%s), got %s", d1, d2);
	}
	if (d->decision == LCN__DECISION__DECISION_GRANT &&
	    (d->undercut || d->notification) && vblank(d->explanation))
		return vfail(v, "explanation", "expected the justification of "
		    "the grant: partners see it %s", d->undercut ?
		    "beside the denial it undercuts" : "with the notification");
	if ((r = vcheck_enum(v, "position", &lcn__position__descriptor,
	    (int)d->position, 0)) != 0)
		return r;
	if (d->notification) {
		if (!vblank(d->request_ref))
			return vfail(v, "request_ref", "expected none: a "
			    "notification follows a grant without a "
			    "consultation");
		if ((r = check_denials(v, "denial_refs", d->denial_refs,
		    d->n_denial_refs, NULL)) != 0 ||
		    (r = check_transaction(v, "transaction",
		    d->transaction)) != 0)
			return r;
	} else {
		if (!vblank(d->request_ref) &&
		    (r = check_ref_of(v, "request_ref", d->request_ref,
		    VALIDATE_KIND_CR, v->ctx->self, "an agency decides on its "
		    "own requests only")) != 0)
			return r;
		for (i = 0; i < d->n_denial_refs; i++) {
			snprintf(f, sizeof(f), "denial_refs[%zu]", i);
			if ((r = vcheck_any_ref(v, f, d->denial_refs[i],
			    VALIDATE_KIND_DN)) != 0)
				return r;
		}
		if (d->transaction != NULL && (r = check_transaction(v,
		    "transaction", d->transaction)) != 0)
			return r;
	}
	if (!vblank(d->regime))
		return vcheck_regime(v, "regime", d->regime);
	return 0;
}
