/*
 * The consultations' queries through the local API (api.h), answered from
 * the derived state (records_consult.h): lcn consultations (a list with
 * filters, and the time left counted in the replying agency's working
 * days), the consultation part of lcn show (the whole exchange, each
 * entry's body read back from the ledger), lcn report (a regime's
 * figures) and the decisions published to regime groups. Every state is
 * evaluated at "at_ms" when the request gives one, else now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_consult_int.h"
#include "api_int.h"
#include "calendar.h"
#include "config.h"
#include "consult.h"
#include "daemon.h"
#include "lcn_err.h"
#include "pbjson.h"
#include "records_consult.h"
#include "store.h"
#include "trust.h"
#include "util.h"

/*
 * The consulted agency's working days left from at_ms to deadline_ms,
 * on its calendar from the holidays file its [partner] section (or this
 * node's [node]) names, into o's "working_days_left". When they cannot
 * be counted, the figure is null and "working_days_left_unknown" says
 * why, rather than a count on guessed days: an agency the configuration
 * no longer knows (a partner removed since), or a deadline after the
 * last day its holidays file lists, whose weekdays might be holidays.
 */
static void
set_working_left(struct daemon *d, json_t *o, const char *agency,
    uint64_t at_ms, uint64_t deadline_ms)
{
	const struct calendar	*c;
	char			 why[160], day[16];

	c = config_calendar(&d->conf->cfg, agency);
	if (c == NULL)
		snprintf(why, sizeof(why), "%s is not a partner in this "
		    "node's configuration: its working days are not known",
		    agency);
	else if (!calendar_knows(c, calendar_day(deadline_ms))) {
		consult_day_text(calendar_day_start(calendar_last_known(c)),
		    day, sizeof(day));
		snprintf(why, sizeof(why), "the deadline is after %s, the "
		    "last day whose holidays %s's holidays file lists",
		    day, agency);
	} else {
		json_object_set_new(o, "working_days_left", json_integer(
		    (json_int_t)calendar_working_left(c, at_ms,
		    deadline_ms)));
		return;
	}
	json_object_set_new(o, "working_days_left", json_null());
	json_object_set_new(o, "working_days_left_unknown", json_string(why));
}

static const char *
intended_name(int intended)
{
	return intended == CONSULT_DECISION_GRANT ? "grant" :
	    intended == CONSULT_DECISION_DENY ? "deny" : "none";
}

static const char *
basis_name(enum consult_basis b)
{
	return b == CONSULT_BASIS_WORKING_DAYS ? "working-days" :
	    b == CONSULT_BASIS_CALENDAR_DAYS ? "calendar-days" : "none";
}

json_t *
api_consult_json(struct daemon *d, const struct consult_info *ci,
    uint64_t at_ms)
{
	const char		*self = daemon_trust(d)->self;
	const struct consult_track *t = &ci->track;
	json_t			*o, *den;
	size_t			 i, n;
	char			 dl[64], hex[2 * HASH_LEN + 1];
	int			 incoming, outgoing;

	incoming = strcmp(ci->consulted, self) == 0;
	outgoing = strcmp(ci->asker, self) == 0;
	den = json_array();
	n = ci->ndenials < CONSULT_DENIALS_SHOWN ? ci->ndenials :
	    CONSULT_DENIALS_SHOWN;
	for (i = 0; i < n; i++)
		json_array_append_new(den, json_string(ci->denials[i]));
	consult_deadline_text(ci->basis, ci->days, dl, sizeof(dl));
	hex_encode(ci->transaction_hash, HASH_LEN, hex);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:s, "
	    "s:s, s:I, s:s, s:s, s:s}",
	    "asker", ci->asker, "ref", ci->ref, "consulted", ci->consulted,
	    "counterpart", incoming ? ci->asker : ci->consulted,
	    "direction", incoming ? "incoming" : outgoing ? "outgoing" :
	    "other", "group", ci->group, "regime", ci->regime,
	    "denials", den, "ndenials", (json_int_t)ci->ndenials,
	    "intended", intended_name(ci->intended),
	    "deadline_basis", basis_name(ci->basis),
	    "deadline_days", (json_int_t)ci->days, "deadline_text", dl,
	    "silence", consult_silence_name(t->silence),
	    "state", consult_state_name(ci->state));
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "asked_ms", json_integer((json_int_t)
	    t->asked_ms));
	json_object_set_new(o, "deadline_ms", json_integer((json_int_t)
	    t->deadline_ms));
	json_object_set_new(o, "first_deadline_ms", json_integer((json_int_t)
	    t->first_deadline_ms));
	json_object_set_new(o, "extension_limit_ms", json_integer((json_int_t)
	    t->extension_limit_ms));
	/*
	 * Time left only while the consulted agency's reply is awaited, in
	 * its own working days, whichever side asks: both show the same.
	 */
	if (t->deadline_ms != 0 && consult_awaits_reply(ci->state))
		set_working_left(d, o, ci->consulted, at_ms, t->deadline_ms);
	else
		json_object_set_new(o, "working_days_left", json_null());
	json_object_set_new(o, "overdue", json_boolean(
	    ci->state == CONSULT_LAPSED));
	json_object_set_new(o, "position", json_string(
	    consult_position_name(t->position)));
	json_object_set_new(o, "replied_ms", json_integer((json_int_t)
	    t->replied_ms));
	json_object_set_new(o, "decision", json_string(
	    consult_decision_name(t->decision)));
	json_object_set_new(o, "decided_ms", json_integer((json_int_t)
	    t->decided_ms));
	json_object_set_new(o, "decision_ref", json_string(
	    ci->decision_ref));
	json_object_set_new(o, "undercut", json_boolean(t->undercut));
	json_object_set_new(o, "decided_lapsed", json_boolean(
	    t->decided_lapsed));
	json_object_set_new(o, "info_rounds", json_integer(t->ninfo));
	json_object_set_new(o, "extensions", json_integer(t->nextended));
	json_object_set_new(o, "seq", json_integer((json_int_t)ci->seq));
	json_object_set_new(o, "transaction_hash", json_string(hex));
	return o;
}

/* The consultation-related bodies of lcn.proto's Entry oneof. */
static const char *
event_type(int body)
{
	switch (body) {
	case 12:
		return "consultation_request";
	case 13:
		return "consultation_reply";
	case 14:
		return "licence_decision";
	case 19:
		return "consultation_info";
	default:
		return "other";
	}
}

/*
 * The body of the entry at feed, seq as pbjson decodes it, or a string
 * saying why it could not be read (a query never fails for one entry).
 */
static json_t *
event_body(struct daemon *d, const struct feed_id *feed, uint64_t seq)
{
	struct store_range	 rg;
	json_t			*dec, *body;
	char			 err[256];

	memset(&rg, 0, sizeof(rg));
	if (store_read(d->store, feed, seq, seq, 0, 1, &rg) != 0 ||
	    rg.nitems != 1 || rg.first_seq != seq) {
		store_range_free(&rg);
		return json_string("cannot read this entry from the ledger");
	}
	dec = pbjson_entry_decode(rg.items[0].ptr, rg.items[0].len, err,
	    sizeof(err));
	store_range_free(&rg);
	if (dec == NULL)
		return json_string(err);
	body = json_object_get(dec, "body");
	if (body == NULL)
		body = json_object();
	else
		json_incref(body);
	json_decref(dec);
	return body;
}

static json_t *
event_json(struct daemon *d, const struct consult_event *ev)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s}",
	    "origin", ev->feed.origin, "group", ev->feed.group,
	    "seq", (json_int_t)ev->seq, "created_ms",
	    (json_int_t)ev->created_ms, "type", event_type(ev->body),
	    "agency", ev->agency, "ref", ev->ref);
	if (o == NULL)
		return NULL;
	if (ev->ignored != 0) {
		json_object_set_new(o, "ignored", json_string(
		    records_consult_ignored_name(ev->ignored)));
		json_object_set_new(o, "ignored_why", json_string(
		    records_consult_ignored_text(ev->ignored)));
	}
	json_object_set_new(o, "body", event_body(d, &ev->feed, ev->seq));
	return o;
}

int
api_consult_show(struct daemon *d, const char *origin, const char *ref,
    uint64_t at_ms, json_t **resp)
{
	struct consult_show	 sh;
	json_t			*ex;
	size_t			 i;
	int			 r;

	*resp = NULL;
	if ((r = records_consult_show(d->store, origin, ref, at_ms,
	    &sh)) != 0)
		return r;
	ex = json_array();
	for (i = 0; i < sh.nevents; i++)
		json_array_append_new(ex, event_json(d, &sh.events[i]));
	*resp = json_pack("{s:b, s:o, s:o, s:I}", "ok", 1, "consultation",
	    api_consult_json(d, &sh.info, at_ms), "exchange", ex, "at_ms",
	    (json_int_t)at_ms);
	records_consult_show_free(&sh);
	return *resp == NULL ? LCN_ENOMEM : 0;
}

/* An optional string member that must be a string when present. */
static int
opt_str(const json_t *req, const char *key, const char **out)
{
	const json_t *v = json_object_get(req, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

json_t *
api_cmd_consultations(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct consult_filter	 f;
	struct consult_info	*ci = NULL;
	const char		*dir = NULL;
	json_t			*arr, *resp;
	size_t			 n = 0, i;
	uint64_t		 at;
	int			 r, more = 0;

	memset(&f, 0, sizeof(f));
	f.self = daemon_trust(d)->self;
	if (opt_str(req, "direction", &dir) != 0 || (dir != NULL &&
	    strcmp(dir, "incoming") != 0 && strcmp(dir, "outgoing") != 0 &&
	    strcmp(dir, "any") != 0))
		return api_query_error(LCN_EINVAL, "direction: expected "
		    "incoming, outgoing or any", "direction");
	if (dir != NULL)
		f.direction = strcmp(dir, "incoming") == 0 ?
		    CONSULT_INCOMING : strcmp(dir, "outgoing") == 0 ?
		    CONSULT_OUTGOING : CONSULT_ANY;
	if (opt_str(req, "state", &f.state) != 0 ||
	    (f.state != NULL && strcmp(f.state, "all") != 0 &&
	    consult_state_parse(f.state) == CONSULT_NONE))
		return api_query_error(LCN_EINVAL, "state: expected "
		    "awaiting-reply, info-requested, extended, replied, "
		    "lapsed, decided, closed or all", "state");
	if (opt_str(req, "counterpart", &f.counterpart) != 0)
		return api_query_error(LCN_EINVAL, "counterpart: expected an "
		    "agency id such as JP-METI", "counterpart");
	if (opt_str(req, "regime", &f.regime) != 0)
		return api_query_error(LCN_EINVAL, "regime: expected a "
		    "regime such as NSG", "regime");
	f.overdue = json_is_true(json_object_get(req, "overdue"));
	if ((resp = api_query_limit(req, &f.limit)) != NULL ||
	    (resp = api_query_at(req, &at)) != NULL)
		return resp;
	if ((resp = api_query_behind(d, "consultations")) != NULL)
		return resp;
	r = records_consultations(d->store, &f, at, &ci, &n, &more);
	if (r == LCN_EINVAL)
		return api_query_error(r, "consultations: an unknown state "
		    "(awaiting-reply, info-requested, extended, replied, "
		    "lapsed, decided, closed, all)", "state");
	if (r != 0)
		return api_error(r, "cannot read the consultations");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, api_consult_json(d, &ci[i], at));
	free(ci);
	return json_pack("{s:b, s:s, s:o, s:b, s:I}", "ok", 1, "node",
	    f.self, "consultations", arr, "more", more, "at_ms",
	    (json_int_t)at);
}

/* "from_ms" or "to_ms": 0 when absent; -1 when not a time. */
static int
req_ms(const json_t *req, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(req, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

json_t *
api_decision_json(const struct decision_notice *dn)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, "
	    "s:I, s:s, s:I}", "origin", dn->origin, "ref", dn->ref,
	    "regime", dn->regime, "request_ref", dn->request_ref,
	    "denial_origin", dn->denial_origin, "denial_ref", dn->denial_ref,
	    "decision", consult_decision_name(dn->decision),
	    "undercut", dn->undercut, "notification", dn->notification,
	    "date_ms", (json_int_t)dn->date_ms, "group", dn->feed.group,
	    "seq", (json_int_t)dn->seq);
}

json_t *
api_cmd_decisions(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct decision_notice	*dn = NULL;
	const char		*regime;
	json_t			*arr, *resp;
	uint64_t		 from, to;
	size_t			 n = 0, i;
	int			 r;

	if (opt_str(req, "regime", &regime) != 0)
		return api_query_error(LCN_EINVAL, "regime: expected a "
		    "regime such as WA", "regime");
	if (req_ms(req, "from_ms", &from) != 0)
		return api_query_error(LCN_EINVAL, "from_ms: expected ms "
		    "since the epoch", "from");
	if (req_ms(req, "to_ms", &to) != 0)
		return api_query_error(LCN_EINVAL, "to_ms: expected ms since "
		    "the epoch", "to");
	if ((resp = api_query_behind(d, "decisions")) != NULL)
		return resp;
	if ((r = records_decisions(d->store, regime, from, to, &dn, &n)) != 0)
		return api_error(r, "cannot read the licence decisions");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, api_decision_json(&dn[i]));
	free(dn);
	return json_pack("{s:b, s:o}", "ok", 1, "decisions", arr);
}

static json_t *
counts_json(const struct report_count *c, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "key",
		    c[i].key, "n", (json_int_t)c[i].n));
	return a;
}

json_t *
api_cmd_report(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct regime_report	 rp;
	const char		*regime;
	json_t			*o, *resp;
	uint64_t		 from, to;
	int			 r;

	if (opt_str(req, "regime", &regime) != 0 || regime == NULL ||
	    *regime == '\0')
		return api_query_error(LCN_EINVAL, "report: which regime? "
		    "Give it (WA, NSG, AG, MTCR, EU, ...)", "regime");
	if (req_ms(req, "from_ms", &from) != 0 || from == 0)
		return api_query_error(LCN_EINVAL, "report: from when? Give "
		    "the first day of the period", "from");
	if (req_ms(req, "to_ms", &to) != 0 || to == 0)
		return api_query_error(LCN_EINVAL, "report: to when? Give "
		    "the last day of the period", "to");
	if (to <= from)
		return api_query_error(LCN_EINVAL, "report: the period ends "
		    "before it starts", "to");
	if ((resp = api_query_behind(d, "report")) != NULL)
		return resp;
	memset(&rp, 0, sizeof(rp));
	if ((r = records_report(d->store, regime, from, to, &rp)) != 0)
		return api_error(r, "cannot compute the report");
	o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I}",
	    "node", daemon_trust(d)->self, "regime", rp.regime,
	    "from_ms", (json_int_t)rp.from_ms, "to_ms", (json_int_t)rp.to_ms,
	    "denials", (json_int_t)rp.denials,
	    "by_category", counts_json(rp.by_category, rp.ncategories),
	    "by_destination", counts_json(rp.by_destination,
	    rp.ndestinations),
	    "consultations", (json_int_t)rp.consultations,
	    "answered_in_time", (json_int_t)rp.answered_in_time,
	    "answered_late", (json_int_t)rp.answered_late,
	    "lapsed", (json_int_t)rp.lapsed, "open", (json_int_t)rp.open,
	    "grants", (json_int_t)rp.grants, "denies", (json_int_t)rp.denies,
	    "undercuts", (json_int_t)rp.undercuts,
	    "notifications", (json_int_t)rp.notifications);
	records_report_free(&rp);
	if (o == NULL)
		return api_error(LCN_ENOMEM, "out of memory");
	return json_pack("{s:b, s:o}", "ok", 1, "report", o);
}
