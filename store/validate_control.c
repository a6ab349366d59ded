/*
 * The rules of a control status (validate.h): the regime, the list entry
 * it reports on (a listed entry: catch-all and EAR99 name no entry of a
 * list), the stage, and for an implemented control the date it took
 * effect.
 */
#include <stdio.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "validate.h"
#include "validate_int.h"

int
validate_control_status(struct vstate *v, const Lcn__ControlStatus *cs)
{
	struct domain_control	dc;
	char			q[VQUOTE_MAX];
	int			r;

	if ((r = vcheck_own_ref(v, "", cs->ref, VALIDATE_KIND_CS)) != 0 ||
	    (r = vcheck_handling(v, "", cs->handling)) != 0 ||
	    (r = vcheck_regime(v, "regime", cs->regime)) != 0 ||
	    (r = vcheck_control(v, "control_entry", cs->control_entry,
	    &dc)) != 0)
		return r;
	if (dc.kind != DOMAIN_CONTROL_LISTED &&
	    dc.kind != DOMAIN_CONTROL_MUNITIONS) {
		vquote(cs->control_entry, q, sizeof(q));
		return vfail(v, "control_entry", "expected an entry of a "
		    "control list such as 3A001.b.12 or ML10.a, got \"%s\"", q);
	}
	if ((r = vcheck_enum(v, "stage", &lcn__control_stage__descriptor,
	    (int)cs->stage, 1)) != 0)
		return r;
	return vcheck_date(v, "effective_date_ms", cs->effective_date_ms,
	    cs->stage == LCN__CONTROL_STAGE__STAGE_IMPLEMENTED,
	    "the date the control took effect nationally");
}
