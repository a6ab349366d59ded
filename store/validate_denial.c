/*
 * The rules of a denial notice and of a denial update (validate.h): what
 * a partner needs to apply the no-undercut rule (items with parsable
 * control entries, a named party, a destination, a regime, a control
 * basis, a decision date) and an update only of this node's own denial,
 * from a state where its action makes sense.
 */
#include <stdio.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "currency.h"
#include "domain.h"
#include "lcn_err.h"
#include "util.h"
#include "validate.h"
#include "validate_int.h"

/* A regime names the group its records go to: "WA", "NSG", "AG", "MTCR". */
int
vcheck_regime(struct vstate *v, const char *field, const char *regime)
{
	char q[VQUOTE_MAX];

	if (vblank(regime))
		return vfail(v, field, "expected the regime, such as WA, NSG, "
		    "AG or MTCR");
	if (!group_name_valid(regime) || strchr(regime, '+') != NULL) {
		vquote(regime, q, sizeof(q));
		return vfail(v, field, "expected a regime as its group is "
		    "named, such as WA, NSG, AG or MTCR, got \"%s\"", q);
	}
	return 0;
}

static int
is_catch_all_basis(int basis)
{
	return basis == LCN__CONTROL_BASIS__BASIS_CATCH_ALL_WMD ||
	    basis == LCN__CONTROL_BASIS__BASIS_CATCH_ALL_MILITARY_END_USE ||
	    basis == LCN__CONTROL_BASIS__BASIS_CATCH_ALL_EMBARGO;
}

static int
check_item(struct vstate *v, const char *at, size_t i, const Lcn__Item *it,
    int basis)
{
	struct domain_control	dc;
	char			f[VALIDATE_FIELD_MAX], q[VQUOTE_MAX];
	int			r;

	snprintf(f, sizeof(f), "%sitems[%zu].control_entry", at, i);
	if ((r = vcheck_control(v, f, it->control_entry, &dc)) != 0)
		return r;
	/*
	 * A catch-all denial is of an item no list names; a listed-item
	 * denial names its entry. Mixing them would make a partner's check
	 * match the wrong things (domain_control_overlap()).
	 */
	if (dc.kind == DOMAIN_CONTROL_CATCH_ALL && !is_catch_all_basis(basis))
		return vfail(v, f, "catch-all needs a catch-all control_basis "
		    "(catch_all_wmd, catch_all_military_end_use or "
		    "catch_all_embargo), not listed_item");
	if (dc.kind == DOMAIN_CONTROL_EAR99 && !is_catch_all_basis(basis))
		return vfail(v, f, "EAR99 is not a listed item: use a catch-all "
		    "control_basis, or the item's entry such as 3A001.b.1");
	snprintf(f, sizeof(f), "%sitems[%zu].currency", at, i);
	if (it->currency != NULL && it->currency[0] != '\0' &&
	    !currency_iso4217_valid(it->currency)) {
		vquote(it->currency, q, sizeof(q));
		return vfail(v, f, "expected an ISO 4217 currency code such as "
		    "JPY, EUR or USD, got \"%s\"", q);
	}
	if (it->value_minor != 0 && (it->currency == NULL ||
	    it->currency[0] == '\0'))
		return vfail(v, f, "expected the currency of value_minor, an "
		    "ISO 4217 code such as JPY, EUR or USD");
	return 0;
}

int
validate_denial_notice(struct vstate *v, const char *at,
    const Lcn__DenialNotice *dn, int amendment)
{
	char	f[VALIDATE_FIELD_MAX], d1[24], d2[24];
	size_t	i;
	int	r;

	if (!amendment && (r = vcheck_own_ref(v, at, dn->ref,
	    VALIDATE_KIND_DN)) != 0)
		return r;
	if ((r = vcheck_handling(v, at, dn->handling)) != 0)
		return r;
	snprintf(f, sizeof(f), "%sregime", at);
	if ((r = vcheck_regime(v, f, dn->regime)) != 0)
		return r;
	snprintf(f, sizeof(f), "%scontrol_basis", at);
	if ((r = vcheck_enum(v, f, &lcn__control_basis__descriptor,
	    (int)dn->control_basis, 1)) != 0)
		return r;
	snprintf(f, sizeof(f), "%sitems", at);
	if (dn->n_items == 0)
		return vfail(v, f, "expected at least one item with a "
		    "control_entry such as 3A001.b.1");
	for (i = 0; i < dn->n_items; i++)
		if ((r = check_item(v, at, i, dn->items[i],
		    (int)dn->control_basis)) != 0)
			return r;
	snprintf(f, sizeof(f), "%sparties", at);
	if (dn->n_parties == 0)
		return vfail(v, f, "expected at least one party with a name");
	for (i = 0; i < dn->n_parties; i++) {
		snprintf(f, sizeof(f), "%sparties[%zu]", at, i);
		if ((r = vcheck_party(v, f, dn->parties[i])) != 0)
			return r;
	}
	snprintf(f, sizeof(f), "%sdestination_country", at);
	if ((r = vcheck_country(v, f, dn->destination_country, 1)) != 0)
		return r;
	for (i = 0; i < dn->n_transit_countries; i++) {
		snprintf(f, sizeof(f), "%stransit_countries[%zu]", at, i);
		if ((r = vcheck_country(v, f, dn->transit_countries[i],
		    1)) != 0)
			return r;
	}
	for (i = 0; i < dn->n_reasons; i++) {
		snprintf(f, sizeof(f), "%sreasons[%zu].code", at, i);
		if ((r = vcheck_enum(v, f, &lcn__reason_code__descriptor,
		    (int)dn->reasons[i]->code, 1)) != 0)
			return r;
	}
	snprintf(f, sizeof(f), "%sdecision_date_ms", at);
	if ((r = vcheck_date(v, f, dn->decision_date_ms, 1,
	    "the decision date")) != 0)
		return r;
	if (dn->decision_date_ms > v->ctx->now_ms + VALIDATE_FUTURE_SLACK_MS) {
		vdate(v->ctx->now_ms, d1, sizeof(d1));
		vdate(dn->decision_date_ms, d2, sizeof(d2));
		return vfail(v, f, "expected a decision already taken, on or "
		    "before today (%s), got %s", d1, d2);
	}
	snprintf(f, sizeof(f), "%sreview_date_ms", at);
	if ((r = vcheck_date(v, f, dn->review_date_ms, 0,
	    "the review date")) != 0)
		return r;
	if (dn->review_date_ms != 0 &&
	    dn->review_date_ms <= dn->decision_date_ms) {
		vdate(dn->decision_date_ms, d1, sizeof(d1));
		vdate(dn->review_date_ms, d2, sizeof(d2));
		return vfail(v, f, "expected a review date after the decision "
		    "date %s, got %s", d1, d2);
	}
	return 0;
}

/* The state an update leaves the denial in, for the request's later bodies. */
static int
after(int state, int action)
{
	switch (action) {
	case LCN__DENIAL_ACTION__DENIAL_REVOKE:
		return DOMAIN_DENIAL_REVOKED;
	case LCN__DENIAL_ACTION__DENIAL_SUSPEND:
		return DOMAIN_DENIAL_SUSPENDED;
	case LCN__DENIAL_ACTION__DENIAL_RENEW:
		return DOMAIN_DENIAL_ACTIVE;
	default:
		return state;
	}
}

int
validate_denial_update(struct vstate *v, const Lcn__DenialUpdate *du)
{
	struct validate_record	rec;
	char			d[24], q[VQUOTE_MAX];
	int			r;

	if ((r = vcheck_own_ref(v, "", du->ref, VALIDATE_KIND_DU)) != 0 ||
	    (r = vcheck_handling(v, "", du->handling)) != 0 ||
	    (r = vcheck_target(v, "denial_ref", du->denial_ref,
	    VALIDATE_KIND_DN, &rec)) != 0 ||
	    (r = vcheck_enum(v, "action", &lcn__denial_action__descriptor,
	    (int)du->action, 1)) != 0 ||
	    (r = vcheck_text(v, "reason", du->reason, "why (a sentence the "
	    "partners read in the denial's history)")) != 0)
		return r;
	if (rec.kind == VALIDATE_KIND_DN && rec.state == DOMAIN_DENIAL_REVOKED)
		return vfail(v, "denial_ref", "%s is revoked; no update can "
		    "follow a revocation", du->denial_ref);
	if (rec.kind == VALIDATE_KIND_DN &&
	    rec.state == DOMAIN_DENIAL_SUSPENDED &&
	    du->action == LCN__DENIAL_ACTION__DENIAL_SUSPEND)
		return vfail(v, "action", "%s is already suspended; renew it to "
		    "lift the suspension", du->denial_ref);
	if (du->action == LCN__DENIAL_ACTION__DENIAL_RENEW) {
		if ((r = vcheck_date(v, "new_review_date_ms",
		    du->new_review_date_ms, 1, "the new review date")) != 0)
			return r;
		if (du->new_review_date_ms <= v->ctx->now_ms) {
			vdate(v->ctx->now_ms, d, sizeof(d));
			return vfail(v, "new_review_date_ms", "expected a new "
			    "review date after today (%s)", d);
		}
	} else if (du->new_review_date_ms != 0)
		return vfail(v, "new_review_date_ms", "only with action renew");
	if (du->action == LCN__DENIAL_ACTION__DENIAL_AMEND) {
		if (du->amended == NULL)
			return vfail(v, "amended", "expected the amended "
			    "notice: the whole notice as it now stands");
		if (!vblank(du->amended->ref) &&
		    strcmp(du->amended->ref, du->denial_ref) != 0) {
			vquote(du->amended->ref, q, sizeof(q));
			return vfail(v, "amended.ref", "expected %s (the "
			    "denial amended) or none, got \"%s\"",
			    du->denial_ref, q);
		}
		if ((r = validate_denial_notice(v, "amended.", du->amended,
		    1)) != 0)
			return r;
	} else if (du->amended != NULL)
		return vfail(v, "amended", "only with action amend");
	if (rec.kind != VALIDATE_KIND_DN)
		return 0;
	rec.state = after(rec.state, (int)du->action);
	return vseen_add(v, du->denial_ref, &rec);
}
