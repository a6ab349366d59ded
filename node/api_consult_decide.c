/*
 * lcn decide through the local API (api.h): the asker's LicenceDecision
 * on a consultation, in the bilateral group, refused while a grant
 * would be early (no substantive reply and the deadline not passed). A
 * grant that undercuts the partner's denial (consult_grant_undercuts())
 * also goes to the regime group, self-contained (transaction, denials,
 * regime, the position it follows), so every member sees the
 * justification; a dry run says so before anything is published, for lcn
 * to ask the officer. A deny may publish this agency's own DenialNotice
 * of the transaction to the regime group. Without a request, a grant of
 * a transaction matching a partner's denial of a regime that asks for a
 * notification after a grant (Wassenaar) is published to that regime's
 * group as the notification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_consult_int.h"
#include "api_int.h"
#include "check.h"
#include "config.h"
#include "daemon.h"
#include "lcn_err.h"
#include "pbjson.h"
#include "records.h"
#include "records_consult.h"
#include "trust.h"
#include "util.h"

/* What the officer asks: from the request. */
struct decide {
	enum consult_decision	 decision;
	const char		*explanation;	/* NULL: none */
	const char		*licence_ref;	/* NULL: none */
	uint64_t		 date_ms;	/* --at, else now */
	int			 dry_run;
	int			 publish_denial;
	int			 undercut_seen;	/* what the officer was
						   shown: 1 or 0; -1: not
						   said */
};

static const char *
decision_proto(enum consult_decision dec)
{
	return dec == CONSULT_DECISION_GRANT ? "DECISION_GRANT" :
	    "DECISION_DENY";
}

/* 0, or a refusal in *resp. */
static int
parse_decide(const json_t *req, struct decide *x, json_t **resp)
{
	const char	*dec;
	const json_t	*v;

	memset(x, 0, sizeof(*x));
	dec = json_string_value(json_object_get(req, "decision"));
	if (dec != NULL && strcmp(dec, "grant") == 0)
		x->decision = CONSULT_DECISION_GRANT;
	else if (dec != NULL && strcmp(dec, "deny") == 0)
		x->decision = CONSULT_DECISION_DENY;
	else {
		*resp = consult_refusal(LCN_EINVAL, "decision", "decision: "
		    "expected grant or deny");
		return LCN_EINVAL;
	}
	x->explanation = json_string_value(json_object_get(req,
	    "explanation"));
	if (x->explanation != NULL && *x->explanation == '\0')
		x->explanation = NULL;
	x->licence_ref = json_string_value(json_object_get(req,
	    "licence_ref"));
	if (x->licence_ref != NULL && *x->licence_ref == '\0')
		x->licence_ref = NULL;
	x->dry_run = json_is_true(json_object_get(req, "dry_run"));
	x->publish_denial = json_is_true(json_object_get(req,
	    "publish_denial"));
	v = json_object_get(req, "undercut_seen");
	x->undercut_seen = -1;
	if (v != NULL && !json_is_boolean(v)) {
		*resp = consult_refusal(LCN_EINVAL, "undercut_seen",
		    "undercut_seen: expected true or false");
		return LCN_EINVAL;
	}
	if (v != NULL)
		x->undercut_seen = json_is_true(v);
	if (consult_req_ms(req, "at_ms", now_ms(), &x->date_ms) != 0) {
		*resp = consult_refusal(LCN_EINVAL, "at", "at: expected a "
		    "date");
		return LCN_EINVAL;
	}
	if (x->publish_denial && x->decision != CONSULT_DECISION_DENY) {
		*resp = consult_refusal(LCN_EINVAL, "publish_denial", "a "
		    "denial notice is published with a deny, not a grant");
		return LCN_EINVAL;
	}
	return 0;
}

/* The group name, when this node publishes to it: 0 or a refusal. */
static int
regime_group(struct daemon *d, const char *regime, const char *why,
    json_t **resp)
{
	const struct trust		*t = daemon_trust(d);
	const struct trust_group	*g = trust_group(t, regime);

	if (g == NULL || !trust_is_member(g, t->self)) {
		*resp = consult_refusal(LCN_EINVAL, NULL, "%s goes to group "
		    "%s too, and this node is in no [group %s] (%s)", why,
		    regime, regime, consult_conf(d)->path);
		return LCN_EINVAL;
	}
	return 0;
}

/* A LicenceDecision body with the fields every decision carries. */
static json_t *
decision_body(const struct decide *x)
{
	json_t *b;

	b = json_pack("{s:s, s:I}", "decision", decision_proto(x->decision),
	    "date_ms", (json_int_t)x->date_ms);
	if (b != NULL && x->explanation != NULL)
		json_object_set_new(b, "explanation",
		    json_string(x->explanation));
	if (b != NULL && x->licence_ref != NULL)
		json_object_set_new(b, "licence_ref",
		    json_string(x->licence_ref));
	return b;
}

/*
 * "JP-METI objected", "JP-METI maintained its denial", "JP-METI did not
 * reply by 2026-05-27 and silence counts as an objection", ...: why a
 * grant now would undercut.
 */
static void
undercut_why(const struct consult_info *ci, uint64_t at, char *buf,
    size_t bufsz)
{
	char day[16];

	switch (ci->track.position) {
	case CONSULT_POSITION_OBJECT:
		snprintf(buf, bufsz, "%s objected", ci->consulted);
		return;
	case CONSULT_POSITION_MAINTAIN_DENIAL:
		snprintf(buf, bufsz, "%s maintained its denial",
		    ci->consulted);
		return;
	default:
		break;
	}
	consult_day_text(ci->track.deadline_ms, day, sizeof(day));
	if (ci->track.deadline_ms != 0 && consult_state_at(&ci->track, at) ==
	    CONSULT_LAPSED)
		snprintf(buf, bufsz, "%s did not reply by %s, and silence "
		    "%s", ci->consulted, day, ci->track.silence ==
		    CONSULT_SILENCE_OBJECTION ? "counts as an objection" :
		    "has no effect");
	else
		snprintf(buf, bufsz, "%s has not said it does not object",
		    ci->consulted);
}

/*
 * A decision is dated on or after the day its request was signed: one
 * dated before (a past --at) would decide a consultation that did not
 * exist yet, and judge the request's deadline and silence at a time
 * when nobody had been asked. Days, not instants, as a decision's date
 * is a day: "--at" of the request's own day is that day. 0 or a refusal.
 */
static int
check_dated_after(const struct consult_info *ci, const struct decide *x,
    json_t **resp)
{
	char	 d1[16], d2[16];

	if (calendar_day(x->date_ms) >= calendar_day(ci->track.asked_ms))
		return 0;
	consult_day_text(x->date_ms, d1, sizeof(d1));
	consult_day_text(ci->track.asked_ms, d2, sizeof(d2));
	*resp = consult_refusal(LCN_EINVAL, "at", "decision date %s is "
	    "before %s, which %s signed on %s: a decision is dated on or "
	    "after the day of the request it decides", d1, ci->ref,
	    ci->asker, d2);
	return LCN_EINVAL;
}

/* A grant or deny now: applied by the state machine? 0 or a refusal. */
static int
check_step(const struct consult_info *ci, const struct decide *x,
    json_t **resp)
{
	struct consult_track	 tr = ci->track;
	enum consult_step	 st;
	char			 day[16];

	st = consult_track_decide(&tr, 1, x->decision, x->date_ms);
	if (st == CONSULT_STEP_APPLIED)
		return 0;
	if (st == CONSULT_STEP_EARLY_GRANT && ci->track.deadline_ms == 0)
		*resp = consult_refusal(LCN_EINVAL, "decision", "a grant on "
		    "%s is refused until %s replies: the request has no "
		    "deadline, and only a reply allows a grant", ci->ref,
		    ci->consulted);
	else if (st == CONSULT_STEP_EARLY_GRANT) {
		consult_day_text(ci->track.deadline_ms, day, sizeof(day));
		*resp = consult_refusal(LCN_EINVAL, "decision", "a grant on "
		    "%s is refused before %s replies or its deadline passes: "
		    "possible after %s (the deadline's end, 23:59 UTC), or "
		    "once %s replies", ci->ref, ci->consulted, day,
		    ci->consulted);
	} else
		*resp = consult_refusal(LCN_EINVAL, "request_ref", "%s: %s",
		    ci->ref, consult_step_text(st));
	return LCN_EINVAL;
}

/*
 * This agency's DenialNotice of the request's transaction, of the
 * regime, with the control basis of the partner's denial.
 */
static json_t *
own_denial(struct daemon *d, const struct consult_info *ci,
    const json_t *rq, const struct decide *x)
{
	struct record_show	 sh;
	const json_t		*tx = json_object_get(rq, "transaction");
	json_t			*dn, *b, *basis = NULL, *v;
	const char		*k;
	char			 reason[600];

	/*
	 * The partner's control basis, or nothing: a denial notice with a
	 * basis guessed because the partner's denial could not be read
	 * would tell the regime something nobody decided.
	 */
	if (records_show(d->store, NULL, ci->denials[0], now_ms(), &sh) != 0)
		return NULL;
	b = consult_entry_body(d, &sh.info.body_feed, sh.info.body_seq);
	records_show_free(&sh);
	if (b == NULL)
		return NULL;
	if (json_object_get(b, "amended") != NULL)
		basis = json_incref(json_object_get(json_object_get(b,
		    "amended"), "control_basis"));
	else
		basis = json_incref(json_object_get(b, "control_basis"));
	json_decref(b);
	snprintf(reason, sizeof(reason), "denied after consulting %s on its "
	    "denial %s (%s)%s%s", ci->consulted, ci->denials[0], ci->ref,
	    x->explanation != NULL ? ": " : "", x->explanation != NULL ?
	    x->explanation : "");
	dn = json_pack("{s:s, s:o, s:[{s:s, s:s}], s:I}", "regime",
	    ci->regime, "control_basis", basis != NULL ? basis :
	    json_string("BASIS_LISTED_ITEM"), "reasons", "code",
	    "REASON_OTHER", "text", reason, "decision_date_ms",
	    (json_int_t)x->date_ms);
	json_object_foreach((json_t *)tx, k, v)
		if (dn != NULL && (strcmp(k, "items") == 0 ||
		    strcmp(k, "parties") == 0 ||
		    strcmp(k, "destination_country") == 0 ||
		    strcmp(k, "transit_countries") == 0 ||
		    strcmp(k, "end_use") == 0))
			json_object_set(dn, k, v);
	return dn != NULL ? json_pack("{s:o}", "denial_notice", dn) : NULL;
}

static json_t *
decide_request(struct api_client *cl, const json_t *req,
    const struct decide *x)
{
	struct daemon		*d = cl->d;
	const struct config	*c = consult_conf(d);
	struct consult_info	 ci;
	struct consult_pub	 pubs[3];
	const char		*ref;
	json_t			*resp = NULL, *rq = NULL, *b, *pubd, *groups;
	char			 why[300], notice[1024], day[16];
	size_t			 n = 0;
	int			 r, undercut = 0;

	memset(pubs, 0, sizeof(pubs));
	ref = json_string_value(json_object_get(req, "request_ref"));
	if ((r = records_consult_get(d->store, NULL, ref, now_ms(), &ci)) !=
	    0)
		return r == LCN_ENOTFOUND ? consult_refusal(r, "request_ref",
		    "no consultation request %s at this node (lcn "
		    "consultations lists them)", ref) : consult_refusal(r,
		    NULL, "the consultations cannot be read (%s)",
		    lcn_strerror(r));
	if (strcmp(ci.asker, c->id) != 0)
		return consult_refusal(LCN_EINVAL, "request_ref", "%s is %s's "
		    "request to %s; only %s decides on it", ci.ref, ci.asker,
		    ci.consulted, ci.asker);
	if (ci.state == CONSULT_DECIDED || ci.state == CONSULT_CLOSED) {
		consult_day_text(ci.track.decided_ms, day, sizeof(day));
		return consult_refusal(LCN_EINVAL, "request_ref", "%s was "
		    "decided already (%s on %s)", ci.ref,
		    consult_decision_name(ci.track.decision), day);
	}
	if (check_dated_after(&ci, x, &resp) != 0 ||
	    check_step(&ci, x, &resp) != 0)
		return resp;
	if (x->decision == CONSULT_DECISION_GRANT)
		undercut = consult_grant_undercuts(&ci.track, x->date_ms);
	/*
	 * lcn asks the officer on a dry run's answer, then sends the
	 * decision with what it was told. A reply arriving in between can
	 * turn a clean grant into an undercut the officer never saw, or
	 * the reverse: refuse rather than publish what was not confirmed.
	 */
	if (x->undercut_seen >= 0 && undercut != x->undercut_seen)
		return consult_refusal(LCN_EINVAL, "undercut_seen", "%s "
		    "changed since it was checked: this grant %s undercuts "
		    "%s's denial %s; nothing was published: run lcn decide "
		    "again to see it as it is", ci.ref, undercut ? "now" :
		    "no longer", ci.consulted, ci.denials[0]);
	notice[0] = '\0';
	if (undercut) {
		undercut_why(&ci, x->date_ms, why, sizeof(why));
		snprintf(notice, sizeof(notice), "This grant undercuts %s's "
		    "denial %s (%s). It will be published to group %s with "
		    "your explanation.", ci.consulted, ci.denials[0], why,
		    ci.regime);
		if (x->explanation == NULL)
			return consult_refusal(LCN_EINVAL, "explanation",
			    "an explanation is required: this grant undercuts "
			    "%s's denial %s (%s), and every member of %s "
			    "reads why", ci.consulted, ci.denials[0], why,
			    ci.regime);
		if (regime_group(d, ci.regime, "an undercut", &resp) != 0)
			return resp;
	}
	if (x->publish_denial && regime_group(d, ci.regime, "this agency's "
	    "denial", &resp) != 0)
		return resp;
	groups = json_array();
	json_array_append_new(groups, json_string(ci.group));
	if (undercut || x->publish_denial)
		json_array_append_new(groups, json_string(ci.regime));
	if (x->dry_run) {
		resp = json_pack("{s:b, s:b, s:s, s:s, s:b, s:s, s:s, s:s, "
		    "s:o, s:s}", "ok", 1, "dry_run", 1, "request_ref", ci.ref,
		    "decision", consult_decision_name(x->decision), "undercut",
		    undercut, "consulted", ci.consulted, "denial_ref",
		    ci.denials[0], "regime", ci.regime, "groups", groups,
		    "notice", notice);
		return resp;
	}
	if ((rq = consult_entry_body(d, &ci.feed, ci.seq)) == NULL) {
		json_decref(groups);
		return consult_refusal(LCN_ESTORE, NULL, "%s: the request "
		    "cannot be read from the ledger", ci.ref);
	}
	b = decision_body(x);
	json_object_set_new(b, "request_ref", json_string(ci.ref));
	if (consult_position_proto(ci.track.position) != NULL)
		json_object_set_new(b, "position", json_string(
		    consult_position_proto(ci.track.position)));
	if (undercut)
		json_object_set_new(b, "undercut", json_true());
	pubs[n].body = json_pack("{s:O}", "licence_decision", b);
	snprintf(pubs[n++].group, sizeof(pubs[0].group), "%s", ci.group);
	if (undercut) {
		/* Self-contained: the regime's members see no request. */
		json_object_set(b, "transaction", json_object_get(rq,
		    "transaction"));
		json_object_set(b, "denial_refs", json_object_get(rq,
		    "denial_refs"));
		json_object_set_new(b, "regime", json_string(ci.regime));
		pubs[n].body = json_pack("{s:O}", "licence_decision", b);
		snprintf(pubs[n++].group, sizeof(pubs[0].group), "%s",
		    ci.regime);
	}
	json_decref(b);
	if (x->publish_denial) {
		if ((pubs[n].body = own_denial(d, &ci, rq, x)) == NULL) {
			json_decref(groups);
			json_decref(rq);
			consult_pubs_free(pubs, n);
			return consult_refusal(LCN_ESTORE, NULL, "%s's denial "
			    "%s cannot be read from this node's ledger: this "
			    "agency's denial would not know its control "
			    "basis; nothing was published", ci.consulted,
			    ci.denials[0]);
		}
		snprintf(pubs[n++].group, sizeof(pubs[0].group), "%s",
		    ci.regime);
	}
	if ((pubd = consult_publish(cl, "decide", x->date_ms, pubs, n,
	    &resp)) != NULL)
		resp = json_pack("{s:b, s:s, s:s, s:b, s:s, s:s, s:s, s:o, "
		    "s:o, s:s}", "ok", 1, "request_ref", ci.ref, "decision",
		    consult_decision_name(x->decision), "undercut", undercut,
		    "consulted", ci.consulted, "denial_ref", ci.denials[0],
		    "regime", ci.regime, "published", pubd, "groups", groups,
		    "notice", notice);
	else
		json_decref(groups);
	consult_pubs_free(pubs, n);
	json_decref(rq);
	return resp;
}

/*
 * A grant without a consultation: the notification a regime asks for
 * after a grant (Wassenaar), one per regime group whose denials the
 * application matches. Refused when a matching denial's regime asks a
 * consultation first, or when nothing matches.
 */
static json_t *
decide_notification(struct api_client *cl, const json_t *req,
    const struct decide *x)
{
	struct daemon		*d = cl->d;
	const struct config	*c = consult_conf(d);
	struct check_result	*res = NULL;
	struct consult_profile	 pr;
	struct consult_pub	 pubs[CONSULT_PUB_MAX];
	const json_t		*app = json_object_get(req, "application");
	json_t			*resp = NULL, *b, *refs, *pubd, *groups;
	uint8_t			*tx = NULL;
	size_t			 txlen, nres = 0, i, j, n = 0;
	char			 err[1024], group[GROUP_NAME_MAX + 1];
	int			 r;

	memset(pubs, 0, sizeof(pubs));
	if (x->decision != CONSULT_DECISION_GRANT)
		return consult_refusal(LCN_EINVAL, "decision", "a deny "
		    "without a consultation needs no notification: publish "
		    "this agency's denial with lcn deny");
	if (x->explanation == NULL)
		return consult_refusal(LCN_EINVAL, "explanation", "an "
		    "explanation is required: the regime's members read why "
		    "this agency grants what a partner denied");
	if (!json_is_object(app))
		return consult_refusal(LCN_EINVAL, "application", "decide: "
		    "expected \"request_ref\" or \"application\"");
	if ((r = pbjson_transaction_encode(app, &tx, &txlen, err,
	    sizeof(err))) != 0)
		return consult_refusal(r, "application", "application: %s",
		    err);
	err[0] = '\0';
	r = store_check(d->store, tx, txlen, 0.70, now_ms(), &res, &nres, err,
	    sizeof(err));
	free(tx);
	if (r != 0)
		return consult_refusal(r, "application", "the no-undercut "
		    "check could not be done: %s", err[0] ? err :
		    lcn_strerror(r));
	groups = json_array();
	for (i = 0; i < nres && resp == NULL; i++) {
		if (res[i].source != SCREEN_DENIAL ||
		    strcmp(res[i].agency, c->id) == 0 ||
		    config_partner(c, res[i].agency) == NULL)
			continue;
		/* The denial's own feed: its group's profile applies. */
		snprintf(group, sizeof(group), "%s", res[i].feed.group);
		if (group[0] == '\0') {
			resp = consult_refusal(LCN_ESTORE, NULL, "denial %s: "
			    "its feed cannot be read at this node", res[i].ref);
			break;
		}
		config_consult_profile(c, group, &pr);
		if (pr.need == DOMAIN_CONSULT_REQUIRED)
			resp = consult_refusal(LCN_EINVAL, "application", "%s "
			    "(%s) asks a consultation of %s before a grant: "
			    "lcn consult FILE", res[i].ref, group,
			    res[i].agency);
		if (pr.need != DOMAIN_CONSULT_NOTIFY_AFTER)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(pubs[j].group, group) == 0)
				break;
		if (j == n) {
			if (n == CONSULT_PUB_MAX || regime_group(d, group,
			    "the notification", &resp) != 0)
				break;
			b = decision_body(x);
			json_object_set(b, "transaction", (json_t *)app);
			json_object_set_new(b, "denial_refs", json_array());
			json_object_set_new(b, "regime", json_string(
			    res[i].regime[0] ? res[i].regime : group));
			json_object_set_new(b, "notification", json_true());
			pubs[n].body = json_pack("{s:o}", "licence_decision",
			    b);
			snprintf(pubs[n].group, sizeof(pubs[n].group), "%s",
			    group);
			json_array_append_new(groups, json_string(group));
			n++;
		}
		refs = json_object_get(json_object_get(pubs[j].body,
		    "licence_decision"), "denial_refs");
		json_array_append_new(refs, json_string(res[i].ref));
	}
	free(res);
	if (resp == NULL && n == 0)
		resp = consult_refusal(LCN_EINVAL, "application", "nothing to "
		    "notify: no active partner denial of a regime that asks "
		    "for a notification after a grant matches this "
		    "application; nothing was published");
	if (resp == NULL && x->dry_run)
		resp = json_pack("{s:b, s:b, s:s, s:b, s:b, s:O, s:s}", "ok", 1,
		    "dry_run", 1, "decision", "grant", "undercut", 0,
		    "notification", 1, "groups", groups, "notice", "");
	if (resp == NULL && (pubd = consult_publish(cl, "decide",
	    x->date_ms, pubs, n, &resp)) != NULL)
		resp = json_pack("{s:b, s:s, s:b, s:b, s:o, s:O, s:s}", "ok", 1,
		    "decision", "grant", "undercut", 0, "notification", 1,
		    "published", pubd, "groups", groups, "notice", "");
	json_decref(groups);
	consult_pubs_free(pubs, n);
	return resp;
}

json_t *
api_cmd_decide(struct api_client *cl, json_t *req)
{
	struct decide	 x;
	json_t		*resp = NULL;

	if (parse_decide(req, &x, &resp) != 0)
		return resp;
	if (json_object_get(req, "request_ref") != NULL) {
		if (!json_is_string(json_object_get(req, "request_ref")))
			return consult_refusal(LCN_EINVAL, "request_ref",
			    "expected the consultation request's ref");
		return decide_request(cl, req, &x);
	}
	return decide_notification(cl, req, &x);
}
