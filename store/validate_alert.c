/*
 * The rules of an end-user alert and of an alert update (validate.h): a
 * named party, at least one concern, a validity window in order, red
 * flags from the shipped vocabulary, a confidence from 0 to 100; an
 * update only of this node's own alert and never after its withdrawal.
 */
#include <stdio.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "util.h"
#include "validate.h"
#include "validate_int.h"

static int
check_flags(struct vstate *v, const char *at, const Lcn__EndUserAlert *a)
{
	const struct redflags	*fl = v->ctx->flags;
	char			 f[VALIDATE_FIELD_MAX], q[VQUOTE_MAX];
	size_t			 i;

	if (a->n_red_flags == 0)
		return 0;
	if (fl == NULL && (fl = redflags_default()) == NULL) {
		snprintf(f, sizeof(f), "%sred_flags", at);
		v->err->code = LCN_EIO;
		str_copy(v->err->field, sizeof(v->err->field), f);
		snprintf(v->err->message, sizeof(v->err->message), "%s: the "
		    "red-flag vocabulary could not be loaded (%s); nothing "
		    "was published", f, redflags_default_error());
		return LCN_EIO;
	}
	for (i = 0; i < a->n_red_flags; i++) {
		snprintf(f, sizeof(f), "%sred_flags[%zu].code", at, i);
		if (vblank(a->red_flags[i]->code))
			return vfail(v, f, "expected a code of the red-flag "
			    "vocabulary (redflags.tsv), such as KYC-END-USE");
		if (redflags_find(fl, a->red_flags[i]->code) == NULL) {
			vquote(a->red_flags[i]->code, q, sizeof(q));
			return vfail(v, f, "expected a code of the red-flag "
			    "vocabulary (redflags.tsv), such as KYC-END-USE, "
			    "got \"%s\"", q);
		}
	}
	return 0;
}

int
validate_alert(struct vstate *v, const char *at, const Lcn__EndUserAlert *a,
    int amendment)
{
	struct domain_control	dc;
	char			f[VALIDATE_FIELD_MAX], d1[24], d2[24];
	size_t			i;
	int			r;

	if (!amendment && (r = vcheck_own_ref(v, at, a->ref,
	    VALIDATE_KIND_EUA)) != 0)
		return r;
	if ((r = vcheck_handling(v, at, a->handling)) != 0)
		return r;
	snprintf(f, sizeof(f), "%sparty", at);
	if (a->party == NULL)
		return vfail(v, f, "expected the party of concern, with a "
		    "name");
	if ((r = vcheck_party(v, f, a->party)) != 0)
		return r;
	snprintf(f, sizeof(f), "%sconcerns", at);
	if (a->n_concerns == 0)
		return vfail(v, f, "expected at least one concern, such as "
		    "front_company, procurement_agent or diversion");
	for (i = 0; i < a->n_concerns; i++) {
		snprintf(f, sizeof(f), "%sconcerns[%zu]", at, i);
		if ((r = vcheck_enum(v, f, &lcn__concern__descriptor,
		    (int)a->concerns[i], 1)) != 0)
			return r;
	}
	snprintf(f, sizeof(f), "%svia_country", at);
	if ((r = vcheck_country(v, f, a->via_country, 0)) != 0)
		return r;
	if ((r = check_flags(v, at, a)) != 0)
		return r;
	for (i = 0; i < a->n_related_denial_refs; i++) {
		snprintf(f, sizeof(f), "%srelated_denial_refs[%zu]", at, i);
		if ((r = vcheck_any_ref(v, f, a->related_denial_refs[i],
		    VALIDATE_KIND_DN)) != 0)
			return r;
	}
	for (i = 0; i < a->n_control_entries; i++) {
		snprintf(f, sizeof(f), "%scontrol_entries[%zu]", at, i);
		if ((r = vcheck_control(v, f, a->control_entries[i],
		    &dc)) != 0)
			return r;
	}
	snprintf(f, sizeof(f), "%sconfidence_pct", at);
	if (a->confidence_pct > 100)
		return vfail(v, f, "expected a percentage from 0 to 100, got "
		    "%u", a->confidence_pct);
	snprintf(f, sizeof(f), "%srecommended_action", at);
	if ((r = vcheck_enum(v, f, &lcn__recommended_action__descriptor,
	    (int)a->recommended_action, 0)) != 0)
		return r;
	snprintf(f, sizeof(f), "%svalid_from_ms", at);
	if ((r = vcheck_date(v, f, a->valid_from_ms, 1,
	    "the date from which the alert holds")) != 0)
		return r;
	snprintf(f, sizeof(f), "%svalid_until_ms", at);
	if ((r = vcheck_date(v, f, a->valid_until_ms, 0,
	    "the end of the alert's validity")) != 0)
		return r;
	if (a->valid_until_ms != 0 && a->valid_until_ms <= a->valid_from_ms) {
		vdate(a->valid_from_ms, d1, sizeof(d1));
		vdate(a->valid_until_ms, d2, sizeof(d2));
		return vfail(v, f, "expected the end of validity after "
		    "valid_from_ms %s, got %s", d1, d2);
	}
	return 0;
}

int
validate_alert_update(struct vstate *v, const Lcn__AlertUpdate *au)
{
	struct validate_record	rec;
	char			d[24], q[VQUOTE_MAX];
	int			r;

	if ((r = vcheck_own_ref(v, "", au->ref, VALIDATE_KIND_AU)) != 0 ||
	    (r = vcheck_handling(v, "", au->handling)) != 0 ||
	    (r = vcheck_target(v, "alert_ref", au->alert_ref,
	    VALIDATE_KIND_EUA, &rec)) != 0 ||
	    (r = vcheck_enum(v, "action", &lcn__alert_action__descriptor,
	    (int)au->action, 1)) != 0 ||
	    (r = vcheck_text(v, "reason", au->reason, "why (a sentence the "
	    "partners read in the alert's history)")) != 0)
		return r;
	if (rec.kind == VALIDATE_KIND_EUA &&
	    rec.state == DOMAIN_ALERT_WITHDRAWN)
		return vfail(v, "alert_ref", "%s is withdrawn; no update can "
		    "follow a withdrawal", au->alert_ref);
	if (au->action == LCN__ALERT_ACTION__ALERT_EXTEND) {
		/* 0 is the origin's word that the alert is open-ended. */
		if ((r = vcheck_date(v, "valid_until_ms", au->valid_until_ms,
		    0, "the new end of validity")) != 0)
			return r;
		if (au->valid_until_ms != 0 &&
		    au->valid_until_ms <= v->ctx->now_ms) {
			vdate(v->ctx->now_ms, d, sizeof(d));
			return vfail(v, "valid_until_ms", "expected the new "
			    "end of validity after today (%s), or none for "
			    "an open-ended alert", d);
		}
	} else if (au->valid_until_ms != 0)
		return vfail(v, "valid_until_ms", "only with action extend");
	if (au->action == LCN__ALERT_ACTION__ALERT_AMEND) {
		if (au->amended == NULL)
			return vfail(v, "amended", "expected the amended "
			    "alert: the whole alert as it now stands");
		if (!vblank(au->amended->ref) &&
		    strcmp(au->amended->ref, au->alert_ref) != 0) {
			vquote(au->amended->ref, q, sizeof(q));
			return vfail(v, "amended.ref", "expected %s (the "
			    "alert amended) or none, got \"%s\"",
			    au->alert_ref, q);
		}
		if ((r = validate_alert(v, "amended.", au->amended, 1)) != 0)
			return r;
	} else if (au->amended != NULL)
		return vfail(v, "amended", "only with action amend");
	if (rec.kind != VALIDATE_KIND_EUA)
		return 0;
	if (au->action == LCN__ALERT_ACTION__ALERT_WITHDRAW)
		rec.state = DOMAIN_ALERT_WITHDRAWN;
	return vseen_add(v, au->alert_ref, &rec);
}
