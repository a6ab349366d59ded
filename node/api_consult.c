/*
 * lcn consult through the local API (api.h): asking a partner that
 * denied an essentially identical transaction before this agency grants
 * it. lcnd runs the no-undercut check (store/check.h), takes the denials
 * the check finds or the ones the officer names, refuses what cannot be
 * consulted on (not active, not a partner's, a regime whose profile asks
 * no consultation, a request already open on the same denial for the
 * same transaction), and publishes one ConsultationRequest per denying
 * agency and regime in the bilateral group of the two agencies, with the
 * absolute deadline counted on the consulted agency's calendar.
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
#include "hash.h"
#include "lcn_err.h"
#include "pbjson.h"
#include "records.h"
#include "records_consult.h"
#include "store.h"
#include "util.h"

/* Denials one lcn consult may name or find. */
#define CONSULT_TARGETS_MAX	64

/* One denial to consult on. */
struct target {
	char		 agency[AGENCY_ID_MAX + 1];	/* the denier */
	char		 ref[RECORD_REF_MAX + 1];
	char		 group[GROUP_NAME_MAX + 1];	/* its regime group:
							   the profile */
	char		 regime[GROUP_NAME_MAX + 1];
	int		 identical;	/* the check found it */
	char		 why[1024];	/* the check's explanation */
	int		 taken;		/* in a request already */
};

static const char *
basis_proto(enum consult_basis b)
{
	switch (b) {
	case CONSULT_BASIS_CALENDAR_DAYS:	return "DEADLINE_CALENDAR_DAYS";
	case CONSULT_BASIS_WORKING_DAYS:	return "DEADLINE_WORKING_DAYS";
	default:				return "DEADLINE_NONE";
	}
}

static const char *
silence_proto(enum consult_silence s)
{
	switch (s) {
	case CONSULT_SILENCE_NO_OBJECTION:	return "SILENCE_NO_OBJECTION";
	case CONSULT_SILENCE_OBJECTION:		return "SILENCE_OBJECTION";
	default:				return "SILENCE_NO_EFFECT";
	}
}

/* What silence means, for the officer. */
static const char *
silence_text(enum consult_silence s)
{
	switch (s) {
	case CONSULT_SILENCE_NO_OBJECTION:
		return "silence by the deadline counts as no objection";
	case CONSULT_SILENCE_OBJECTION:
		return "silence by the deadline counts as an objection";
	default:
		return "silence has no effect: only a reply allows a grant";
	}
}

/*
 * Why a profile asks no consultation, with what it asks instead: "WA
 * asks for a notification after a grant, not a consultation: lcn decide
 * --application FILE --grant --explanation TEXT".
 */
static void
no_consultation(const char *group, const struct consult_profile *pr,
    char *buf, size_t bufsz)
{
	if (pr->need == DOMAIN_CONSULT_NOTIFY_AFTER)
		snprintf(buf, bufsz, "%s asks for a notification after a "
		    "grant, not a consultation: lcn decide --application FILE "
		    "--grant --explanation TEXT", group);
	else
		snprintf(buf, bufsz, "[group %s] asks no consultation "
		    "(consult = none)", group);
}

/* The field an error text starts with ("parties[0].country: ..."). */
static json_t *
application_error(int r, const char *text)
{
	const char	*p = strstr(text, ": ");
	char		 field[128];
	size_t		 n = p != NULL ? (size_t)(p - text) : 0;

	if (n == 0 || n >= sizeof(field) - 12 || memchr(text, ' ', n) != NULL)
		return consult_refusal(r, "application", "application: %s",
		    text);
	snprintf(field, sizeof(field), "application.%.*s", (int)n, text);
	return consult_refusal(r, field, "application: %s", text);
}

/*
 * A denial the officer named: the partner's, active, of a regime whose
 * profile asks a consultation. 0, or a refusal in *resp.
 */
static int
named_target(struct daemon *d, const char *ref, const struct check_result *res,
    size_t nres, struct target *t, json_t **resp)
{
	const struct config	*c = consult_conf(d);
	struct consult_profile	 pr;
	struct record_show	 sh;
	char			 why[300];
	size_t			 i;
	int			 r;

	memset(t, 0, sizeof(*t));
	if ((r = records_show(d->store, NULL, ref, now_ms(), &sh)) != 0) {
		*resp = r == LCN_ENOTFOUND ? consult_refusal(r, "denial",
		    "denial %s: no such denial at this node", ref) :
		    consult_refusal(r, NULL, "denial %s: the records cannot "
		    "be read (%s)", ref, lcn_strerror(r));
		return r;
	}
	snprintf(t->agency, sizeof(t->agency), "%s", sh.info.origin);
	snprintf(t->ref, sizeof(t->ref), "%s", sh.info.ref);
	snprintf(t->group, sizeof(t->group), "%s", sh.info.feed.group);
	snprintf(t->regime, sizeof(t->regime), "%s", sh.info.regime[0] ?
	    sh.info.regime : sh.info.feed.group);
	r = LCN_EINVAL;
	if (sh.info.kind != RECORD_DENIAL)
		*resp = consult_refusal(r, "denial", "%s is an alert, not a "
		    "denial", ref);
	else if (strcmp(sh.info.origin, c->id) == 0)
		*resp = consult_refusal(r, "denial", "%s is this agency's own "
		    "denial: a consultation asks the partner that denied",
		    ref);
	else if (config_partner(c, sh.info.origin) == NULL)
		*resp = consult_refusal(r, "denial", "%s is %s's denial, and "
		    "%s is not a partner in %s", ref, sh.info.origin,
		    sh.info.origin, c->path);
	else if (sh.info.state_code != DOMAIN_DENIAL_ACTIVE)
		*resp = consult_refusal(r, "denial", "%s is %s: only an "
		    "active denial is consulted on", ref, sh.info.state);
	else {
		config_consult_profile(c, t->group, &pr);
		if (pr.need != DOMAIN_CONSULT_REQUIRED) {
			no_consultation(t->group, &pr, why, sizeof(why));
			*resp = consult_refusal(r, "denial", "%s is a %s "
			    "denial: %s", ref, t->group, why);
		} else
			r = 0;
	}
	records_show_free(&sh);
	if (r != 0)
		return r;
	for (i = 0; i < nres; i++)
		if (res[i].source == SCREEN_DENIAL &&
		    strcmp(res[i].ref, t->ref) == 0 &&
		    strcmp(res[i].agency, t->agency) == 0) {
			t->identical = 1;
			snprintf(t->why, sizeof(t->why), "%s", res[i].why);
		}
	if (!t->identical)
		snprintf(t->why, sizeof(t->why), "the no-undercut check does "
		    "not find this application essentially identical to %s",
		    t->ref);
	return 0;
}

/* 1 if t[0..n-1] holds x's denial already (named twice). */
static int
target_listed(const struct target *t, size_t n, const struct target *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].agency, x->agency) == 0 &&
		    strcmp(t[i].ref, x->ref) == 0)
			return 1;
	return 0;
}

/* Appends {"agency", "ref", "regime", "why"} to skipped. */
static void
skip(json_t *skipped, const char *agency, const char *ref,
    const char *regime, const char *why)
{
	json_array_append_new(skipped, json_pack("{s:s, s:s, s:s, s:s}",
	    "agency", agency, "ref", ref, "regime", regime, "why", why));
}

/*
 * The denials the check found that need a consultation; the others go to
 * skipped with why. 0, or a refusal in *resp.
 */
static int
found_targets(struct daemon *d, const struct check_result *res, size_t nres,
    struct target *t, size_t *nt, json_t *skipped, json_t **resp)
{
	const struct config	*c = consult_conf(d);
	struct consult_profile	 pr;
	char			 why[300], group[GROUP_NAME_MAX + 1];
	size_t			 i;

	*nt = 0;
	for (i = 0; i < nres; i++) {
		if (res[i].source != SCREEN_DENIAL)
			continue;
		/* This agency's own denials say nothing to ask of anyone. */
		if (strcmp(res[i].agency, c->id) == 0 ||
		    config_partner(c, res[i].agency) == NULL)
			continue;
		/* The denial's own feed: its group's profile applies. */
		snprintf(group, sizeof(group), "%s", res[i].feed.group);
		if (group[0] == '\0') {
			*resp = consult_refusal(LCN_ESTORE, NULL, "denial %s: "
			    "its feed cannot be read at this node", res[i].ref);
			return LCN_ESTORE;
		}
		config_consult_profile(c, group, &pr);
		if (pr.need != DOMAIN_CONSULT_REQUIRED) {
			no_consultation(group, &pr, why, sizeof(why));
			skip(skipped, res[i].agency, res[i].ref,
			    res[i].regime, why);
			continue;
		}
		if (*nt >= CONSULT_TARGETS_MAX) {
			skip(skipped, res[i].agency, res[i].ref,
			    res[i].regime, "more denials than one request "
			    "carries: consult on it with --denial");
			continue;
		}
		memset(&t[*nt], 0, sizeof(t[*nt]));
		snprintf(t[*nt].agency, sizeof(t[*nt].agency), "%s",
		    res[i].agency);
		snprintf(t[*nt].ref, sizeof(t[*nt].ref), "%s", res[i].ref);
		snprintf(t[*nt].group, sizeof(t[*nt].group), "%s", group);
		snprintf(t[*nt].regime, sizeof(t[*nt].regime), "%s",
		    res[i].regime[0] ? res[i].regime : group);
		t[*nt].identical = 1;
		snprintf(t[*nt].why, sizeof(t[*nt].why), "%s", res[i].why);
		(*nt)++;
	}
	return 0;
}

/* What the request asks, read from the officer's request. */
struct ask {
	const char	*intend;	/* INTENT_GRANT or INTENT_DENY */
	const char	*reasoning;	/* NULL: the check's */
	uint64_t	 reply_by_ms;	/* 0: the profile's deadline */
	uint64_t	 at_ms;		/* the deadline counts from here */
	const json_t	*application;
};

/*
 * The ConsultationRequest to t[0]'s agency on every untaken target of
 * the same agency and group, marking them taken. 0, or a refusal.
 */
static int
build_request(struct daemon *d, const struct ask *a, struct target *t,
    size_t nt, size_t first, struct consult_pub *pub, json_t **info,
    json_t **resp)
{
	const struct config	*c = consult_conf(d);
	struct consult_profile	 pr;
	json_t			*refs, *req;
	uint64_t		 deadline, limit;
	char			 reasoning[4096], dl[64], d1[16], d2[16];
	size_t			 i, off = 0;
	int			 identical = 1;

	config_consult_profile(c, t[first].group, &pr);
	if (config_calendar(c, t[first].agency) == NULL) {
		*resp = consult_refusal(LCN_EINVAL, "denial", "%s is not a "
		    "partner in %s", t[first].agency, c->path);
		return LCN_EINVAL;
	}
	if (consult_deadline_count(c, t[first].agency, pr.basis, pr.days,
	    a->at_ms, "the deadline", a->reply_by_ms != 0 ? "reply_by" :
	    "at", &deadline, resp) != 0)
		return LCN_EINVAL;
	consult_deadline_text(pr.basis, pr.days, dl, sizeof(dl));
	if (a->reply_by_ms != 0) {
		uint64_t by = calendar_day_end(calendar_day(a->reply_by_ms));

		if (pr.basis == CONSULT_BASIS_NONE) {
			*resp = consult_refusal(LCN_EINVAL, "reply_by",
			    "[group %s] sets no deadline (silence has no "
			    "effect): a reply-by date does not apply",
			    t[first].group);
			return LCN_EINVAL;
		}
		if (by < deadline) {
			consult_day_text(by, d1, sizeof(d1));
			consult_day_text(deadline, d2, sizeof(d2));
			*resp = consult_refusal(LCN_EINVAL, "reply_by", "reply "
			    "by %s is earlier than the %s profile's deadline, "
			    "%s (%s on %s's calendar)", d1, t[first].group, d2,
			    dl, t[first].agency);
			return LCN_EINVAL;
		}
		deadline = by;
	}
	limit = 0;
	if (deadline != 0 && pr.extension_max > 0 &&
	    consult_deadline_count(c, t[first].agency, pr.basis,
	    pr.extension_max, deadline, "the latest extension",
	    a->reply_by_ms != 0 ? "reply_by" : "at", &limit, resp) != 0)
		return LCN_EINVAL;

	refs = json_array();
	reasoning[0] = '\0';
	for (i = first; i < nt; i++) {
		if (t[i].taken || strcmp(t[i].agency, t[first].agency) != 0 ||
		    strcmp(t[i].group, t[first].group) != 0)
			continue;
		t[i].taken = 1;
		json_array_append_new(refs, json_string(t[i].ref));
		identical &= t[i].identical;
		if (a->reasoning == NULL && off < sizeof(reasoning))
			off += (size_t)snprintf(reasoning + off,
			    sizeof(reasoning) - off, "%s%s: %s",
			    off ? "; " : "", t[i].ref, t[i].why);
	}
	if (a->reasoning != NULL)
		snprintf(reasoning, sizeof(reasoning), "%s", a->reasoning);

	req = json_pack("{s:O, s:O, s:b, s:s, s:s, s:s, s:I, s:s, s:s, s:s, "
	    "s:b}", "denial_refs", refs, "transaction", a->application,
	    "essentially_identical", identical, "identity_reasoning",
	    reasoning, "intended_decision", a->intend, "deadline_basis",
	    basis_proto(pr.basis), "deadline_days", (json_int_t)pr.days,
	    "silence", silence_proto(pr.silence), "regime", t[first].regime,
	    "consulted", t[first].agency, "info_restarts",
	    pr.info_restarts);
	if (req != NULL && deadline != 0)
		json_object_set_new(req, "deadline_ms",
		    json_integer((json_int_t)deadline));
	if (req != NULL && limit != 0)
		json_object_set_new(req, "extension_limit_ms",
		    json_integer((json_int_t)limit));
	pub->body = req != NULL ? json_pack("{s:o}", "consultation_request",
	    req) : NULL;
	pair_group_name(c->id, t[first].agency, pub->group,
	    sizeof(pub->group));
	*info = json_pack("{s:s, s:s, s:o, s:s, s:I, s:s, s:I, s:s, s:s, "
	    "s:I, s:b, s:b}", "consulted", t[first].agency, "group",
	    pub->group, "denials", refs, "regime", t[first].regime,
	    "deadline_ms", (json_int_t)deadline, "deadline", dl,
	    "deadline_days", (json_int_t)pr.days, "silence",
	    consult_silence_name(pr.silence), "silence_means",
	    silence_text(pr.silence), "extension_limit_ms", (json_int_t)limit,
	    "info_restarts", pr.info_restarts, "essentially_identical",
	    identical);
	if (pub->body == NULL || *info == NULL) {
		*resp = api_error(LCN_ENOMEM, "out of memory");
		return LCN_ENOMEM;
	}
	return 0;
}

/* The request's fields: 0, or a refusal in *resp. */
static int
parse_ask(const json_t *req, struct ask *a, json_t **resp)
{
	const char	*intend;
	const json_t	*v;

	memset(a, 0, sizeof(*a));
	a->application = json_object_get(req, "application");
	if (!json_is_object(a->application)) {
		*resp = consult_refusal(LCN_EINVAL, "application", "consult: "
		    "expected \"application\", the transaction as lcn check "
		    "takes it");
		return LCN_EINVAL;
	}
	intend = json_string_value(json_object_get(req, "intend"));
	if (intend == NULL || strcmp(intend, "grant") == 0)
		a->intend = "INTENT_GRANT";
	else if (strcmp(intend, "deny") == 0)
		a->intend = "INTENT_DENY";
	else {
		*resp = consult_refusal(LCN_EINVAL, "intend", "intended "
		    "decision: expected grant or deny");
		return LCN_EINVAL;
	}
	v = json_object_get(req, "reasoning");
	if (v != NULL && (!json_is_string(v) ||
	    json_string_length(v) == 0)) {
		*resp = consult_refusal(LCN_EINVAL, "reasoning", "reasoning: "
		    "expected text");
		return LCN_EINVAL;
	}
	a->reasoning = json_string_value(v);
	if (consult_req_ms(req, "reply_by_ms", 0, &a->reply_by_ms) != 0 ||
	    consult_req_ms(req, "at_ms", now_ms(), &a->at_ms) != 0) {
		*resp = consult_refusal(LCN_EINVAL, NULL, "consult: "
		    "\"reply_by_ms\" and \"at_ms\" are times in ms");
		return LCN_EINVAL;
	}
	v = json_object_get(req, "denials");
	if (v != NULL && (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > CONSULT_TARGETS_MAX)) {
		*resp = consult_refusal(LCN_EINVAL, "denial", "consult: "
		    "expected 1 to %d denial refs", CONSULT_TARGETS_MAX);
		return LCN_EINVAL;
	}
	return 0;
}

/* Every target with a request already open is refused or skipped. */
static int
drop_open(struct daemon *d, const uint8_t h[HASH_LEN], struct target *t,
    size_t *nt, int named, json_t *skipped, json_t **resp)
{
	const char	*self = consult_conf(d)->id;
	char		 open[RECORD_REF_MAX + 1], why[3 * RECORD_REF_MAX + 128];
	size_t		 i, k = 0;
	int		 r;

	for (i = 0; i < *nt; i++) {
		r = records_consult_open_for(d->store, self, t[i].ref, h,
		    open);
		if (r == LCN_ENOTFOUND) {
			t[k++] = t[i];
			continue;
		}
		if (r != 0) {
			*resp = consult_refusal(r, NULL, "the consultations "
			    "cannot be read (%s)", lcn_strerror(r));
			return r;
		}
		snprintf(why, sizeof(why), "request %s is already open on "
		    "%s for this transaction (lcn show %s)", open, t[i].ref,
		    open);
		if (named) {
			*resp = consult_refusal(LCN_EINVAL, "denial", "%s",
			    why);
			return LCN_EINVAL;
		}
		skip(skipped, t[i].agency, t[i].ref, t[i].regime, why);
	}
	*nt = k;
	return 0;
}

json_t *
api_cmd_consult(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct check_result	*res = NULL;
	struct target		*t = NULL;
	struct consult_pub	 pubs[CONSULT_PUB_MAX];
	struct ask		 a;
	json_t			*resp = NULL, *named, *skipped, *infos, *pubd;
	json_t			*info, *v;
	uint8_t			*tx = NULL, h[HASH_LEN];
	size_t			 txlen, nres = 0, nt = 0, npub = 0, i;
	char			 err[1024], msg[1024];
	int			 r;

	memset(pubs, 0, sizeof(pubs));
	skipped = json_array();
	infos = json_array();
	if (parse_ask(req, &a, &resp) != 0)
		goto out;
	named = json_object_get(req, "denials");
	if ((r = pbjson_transaction_encode(a.application, &tx, &txlen, err,
	    sizeof(err))) != 0) {
		resp = application_error(r, err);
		goto out;
	}
	hash_sha256(tx, txlen, h);
	err[0] = '\0';
	if ((r = store_check(d->store, tx, txlen, 0.70, now_ms(), &res, &nres,
	    err, sizeof(err))) != 0) {
		resp = check_error_field(err) > 0 ? application_error(r, err) :
		    consult_refusal(r, NULL, "the no-undercut check could not "
		    "be done: %s", err[0] ? err : lcn_strerror(r));
		goto out;
	}
	if ((t = calloc(CONSULT_TARGETS_MAX, sizeof(*t))) == NULL) {
		resp = api_error(LCN_ENOMEM, "out of memory");
		goto out;
	}
	if (named != NULL) {
		json_array_foreach(named, i, v) {
			if (!json_is_string(v)) {
				resp = consult_refusal(LCN_EINVAL, "denial",
				    "denials: expected refs");
				goto out;
			}
			if (named_target(d, json_string_value(v), res, nres,
			    &t[nt], &resp) != 0)
				goto out;
			if (!target_listed(t, nt, &t[nt]))
				nt++;
		}
	} else if (found_targets(d, res, nres, t, &nt, skipped, &resp) != 0)
		goto out;
	if (drop_open(d, h, t, &nt, named != NULL, skipped, &resp) != 0)
		goto out;
	if (nt == 0) {
		size_t off = 0;

		off = (size_t)snprintf(msg, sizeof(msg), "nothing to consult "
		    "on: ");
		if (json_array_size(skipped) == 0)
			snprintf(msg + off, sizeof(msg) - off, "the "
			    "no-undercut check finds no active partner "
			    "denial essentially identical to this "
			    "application");
		json_array_foreach(skipped, i, v)
			if (off < sizeof(msg))
				off += (size_t)snprintf(msg + off,
				    sizeof(msg) - off, "%s%s: %s", i ? "; " :
				    "", json_string_value(json_object_get(v,
				    "ref")), json_string_value(
				    json_object_get(v, "why")));
		resp = consult_refusal(LCN_EINVAL, NULL, "%s", msg);
		json_object_set(resp, "skipped", skipped);
		goto out;
	}
	for (i = 0; i < nt; i++) {
		if (t[i].taken)
			continue;
		if (npub >= CONSULT_PUB_MAX) {
			resp = consult_refusal(LCN_EINVAL, "denial", "more "
			    "requests than one consult publishes (%d)",
			    CONSULT_PUB_MAX);
			goto out;
		}
		if (build_request(d, &a, t, nt, i, &pubs[npub], &info,
		    &resp) != 0)
			goto out;
		npub++;
		json_array_append_new(infos, info);
	}
	if ((pubd = consult_publish(cl, "consult", a.at_ms, pubs, npub,
	    &resp)) ==
	    NULL)
		goto out;
	json_array_foreach(pubd, i, v) {
		info = json_array_get(infos, i);
		json_object_set(info, "ref", json_object_get(v, "ref"));
		json_object_set(info, "seq", json_object_get(v, "seq"));
	}
	json_decref(pubd);
	resp = json_pack("{s:b, s:O, s:O}", "ok", 1, "requests", infos,
	    "skipped", skipped);
 out:
	/* All of them: a body built before a failure is not in npub. */
	consult_pubs_free(pubs, CONSULT_PUB_MAX);
	json_decref(skipped);
	json_decref(infos);
	free(t);
	free(res);
	free(tx);
	return resp;
}
