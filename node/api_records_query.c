/*
 * The records' queries through the local API (api.h), answered from the
 * derived state (records.h): lcn denials and alerts (lists with filters),
 * show (a record, its history and receipts; a consultation's whole
 * exchange, from api_consult_query.c, when the ref is a request's),
 * receipts, and controls (the control matrix as cells). Every state is
 * evaluated at "at_ms" when the request gives one, else now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "daemon.h"
#include "domain.h"
#include "hash.h"
#include "indexer.h"
#include "lcn_err.h"
#include "records.h"
#include "store.h"
#include "trust.h"
#include "util.h"

/* As api_screen.c: a query after a large catch-up waits (EBEHIND). */
#define QUERY_INDEX_MAX	(4 * SCREEN_CATCH_UP_STEP)

json_t *
api_query_behind(struct daemon *d, const char *what)
{
	uint64_t	pending = 0;
	char		msg[256];

	if (store_screen_pending(d->store, &pending) != 0 ||
	    pending <= QUERY_INDEX_MAX)
		return NULL;
	indexer_urge(d);
	snprintf(msg, sizeof(msg), "%s: the records' index is %llu entries "
	    "behind the ledger (after a large catch-up); lcnd is indexing "
	    "them now", what, (unsigned long long)pending);
	return api_error(LCN_EBEHIND, msg);
}

json_t *
api_query_error(int r, const char *text, const char *field)
{
	json_t *resp = api_error(r, text);

	if (resp != NULL && field != NULL)
		json_object_set_new(resp, "field", json_string(field));
	return resp;
}

json_t *
api_query_at(const json_t *req, uint64_t *at)
{
	const json_t *v = json_object_get(req, "at_ms");

	*at = now_ms();
	if (v == NULL)
		return NULL;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return api_query_error(LCN_EINVAL, "at_ms: expected ms since "
		    "the epoch", "at");
	*at = (uint64_t)json_integer_value(v);
	return NULL;
}

json_t *
api_query_limit(const json_t *req, size_t *limit)
{
	const json_t *v = json_object_get(req, "limit");

	if (v == NULL)
		return NULL;
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > RECORD_LIMIT_MAX)
		return api_query_error(LCN_EINVAL, "limit: expected 1..100000",
		    "limit");
	*limit = (size_t)json_integer_value(v);
	return NULL;
}

static json_t *
controls_json(const struct record_info *ri)
{
	json_t	*a = json_array();
	size_t	 i, n = ri->ncontrols < RECORD_CONTROLS_SHOWN ?
		     ri->ncontrols : RECORD_CONTROLS_SHOWN;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(ri->controls[i]));
	return a;
}

static json_t *
info_json(const struct record_info *ri)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, "
	    "s:s, s:s, s:o, s:I, s:I}",
	    "kind", ri->kind == RECORD_DENIAL ? "denial" : "alert",
	    "origin", ri->origin, "ref", ri->ref, "state", ri->state,
	    "group", ri->feed.group, "seq", (json_int_t)ri->seq,
	    "body_seq", (json_int_t)ri->body_seq,
	    "created_ms", (json_int_t)ri->created_ms,
	    "from_ms", (json_int_t)ri->from_ms,
	    "until_ms", (json_int_t)ri->until_ms,
	    "regime", ri->regime, "country", ri->country,
	    "controls", controls_json(ri),
	    "ncontrols", (json_int_t)ri->ncontrols,
	    "updates", (json_int_t)ri->nupdates);
}

static json_t *
receipt_json(const struct record_receipt *rc)
{
	return json_pack("{s:s, s:I, s:I, s:b, s:I, s:s, s:s, s:I}",
	    "agency", rc->agency, "head_seq", (json_int_t)rc->head_seq,
	    "head_as_of_ms", (json_int_t)rc->head_as_of_ms,
	    "holds", rc->holds, "since_ms", (json_int_t)rc->since_ms,
	    "proof_origin", rc->proof_feed.origin,
	    "proof_group", rc->proof_feed.group,
	    "proof_seq", (json_int_t)rc->proof_seq);
}

/* The body names of lcn.proto's Entry oneof, by field number. */
static const char *
body_name(int body)
{
	static const char *const names[] = { "denial_notice",
	    "denial_update", "consultation_request", "consultation_reply",
	    "licence_decision", "end_user_alert", "alert_update",
	    "control_status", "heads_attestation" };

	return body >= 10 && body <= 18 ? names[body - 10] : "unknown";
}

static const char *
action_name(int body, int action)
{
	static const char *const dn[] = { "notice", "amend", "renew",
	    "suspend", "revoke" };
	static const char *const al[] = { "alert", "amend", "extend",
	    "withdraw" };

	if (body == 11 && action >= 0 && action <= 4)
		return dn[action];
	if (body == 16 && action >= 0 && action <= 3)
		return al[action];
	if (body == 10)
		return "notice";
	if (body == 15)
		return "alert";
	return "unknown";
}

static json_t *
event_json(const struct record_event *ev)
{
	json_t *o;

	o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s}",
	    "origin", ev->feed.origin, "group", ev->feed.group,
	    "seq", (json_int_t)ev->seq, "created_ms",
	    (json_int_t)ev->created_ms, "type", body_name(ev->body),
	    "action", action_name(ev->body, ev->action), "agency",
	    ev->agency, "reason", ev->reason);
	if (o != NULL && ev->ignored != 0) {
		json_object_set_new(o, "ignored", json_string(
		    record_ignored_name(ev->ignored)));
		json_object_set_new(o, "ignored_why", json_string(
		    record_ignored_text(ev->ignored)));
	}
	return o;
}

static json_t *
list_kind(struct api_client *cl, json_t *req, enum record_kind kind)
{
	const char		*what = kind == RECORD_DENIAL ? "denials" :
				    "alerts";
	struct daemon		*d = cl->d;
	struct record_filter	 f;
	struct record_info	*ri = NULL;
	const json_t		*v;
	json_t			*arr, *resp;
	size_t			 n = 0, i;
	uint64_t		 at;
	char			 msg[256];
	int			 r, more = 0;

	memset(&f, 0, sizeof(f));
	f.from = json_string_value(json_object_get(req, "from"));
	if (json_is_true(json_object_get(req, "mine")))
		f.from = daemon_trust(d)->self;
	f.state = json_string_value(json_object_get(req, "state"));
	f.regime = json_string_value(json_object_get(req, "regime"));
	f.entry = json_string_value(json_object_get(req, "entry"));
	f.country = json_string_value(json_object_get(req, "country"));
	f.party = json_string_value(json_object_get(req, "party"));
	if ((v = json_object_get(req, "since_ms")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return api_query_error(LCN_EINVAL, "since_ms: expected "
			    "ms since the epoch", "since");
		f.since_ms = (uint64_t)json_integer_value(v);
	}
	if ((resp = api_query_limit(req, &f.limit)) != NULL ||
	    (resp = api_query_at(req, &at)) != NULL)
		return resp;
	if ((resp = api_query_behind(d, what)) != NULL)
		return resp;
	r = records_list(d->store, kind, &f, at, &ri, &n, &more);
	if (r == LCN_EINVAL || r == LCN_EPROTO) {
		snprintf(msg, sizeof(msg), "%s: %s", what, r == LCN_EPROTO ?
		    "the party name is not UTF-8 or too long" : f.party !=
		    NULL ? "an unknown state, or a party name with no "
		    "letter or digit" : "an unknown state (active, "
		    "review-due, suspended, revoked, all)");
		return api_query_error(r, msg, r == LCN_EPROTO ? "party" :
		    f.party != NULL ? NULL : "state");
	}
	if (r != 0)
		return api_error(r, "cannot read the records");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, info_json(&ri[i]));
	free(ri);
	return json_pack("{s:b, s:o, s:b, s:I}", "ok", 1, "records", arr,
	    "more", more, "at_ms", (json_int_t)at);
}

json_t *
api_cmd_denials(struct api_client *cl, json_t *req)
{
	return list_kind(cl, req, RECORD_DENIAL);
}

json_t *
api_cmd_alerts(struct api_client *cl, json_t *req)
{
	return list_kind(cl, req, RECORD_ALERT);
}

json_t *
api_cmd_show(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct record_show	 sh;
	const char		*ref, *origin;
	json_t			*hist, *rec, *resp;
	uint64_t		 at;
	size_t			 i;
	char			 msg[256];
	int			 r;

	ref = json_string_value(json_object_get(req, "ref"));
	origin = json_string_value(json_object_get(req, "origin"));
	if (ref == NULL || *ref == '\0')
		return api_query_error(LCN_EINVAL, "show: which record? Give "
		    "its ref", "ref");
	if ((resp = api_query_at(req, &at)) != NULL)
		return resp;
	if ((resp = api_query_behind(d, "show")) != NULL)
		return resp;
	r = records_show(d->store, origin, ref, at, &sh);
	/* Not a denial or an alert: a consultation's request, perhaps. */
	if (r == LCN_ENOTFOUND && (r = api_consult_show(d, origin, ref, at,
	    &resp)) == 0)
		return resp;
	if (r != 0) {
		if (r == LCN_ENOTFOUND)
			snprintf(msg, sizeof(msg), "no record %.*s in this "
			    "node's ledger", RECORD_REF_MAX, ref);
		else
			snprintf(msg, sizeof(msg), "cannot read the records");
		return api_query_error(r, msg, r == LCN_ENOTFOUND ? "ref" :
		    NULL);
	}
	rec = info_json(&sh.info);
	hist = json_array();
	for (i = 0; i < sh.nevents; i++)
		json_array_append_new(hist, event_json(&sh.events[i]));
	resp = json_pack("{s:b, s:o, s:o, s:o, s:I}", "ok", 1, "record", rec,
	    "history", hist, "receipts", json_array(), "at_ms",
	    (json_int_t)at);
	for (i = 0; i < sh.nreceipts; i++)
		json_array_append_new(json_object_get(resp, "receipts"),
		    receipt_json(&sh.receipts[i]));
	records_show_free(&sh);
	return resp;
}

json_t *
api_cmd_receipts(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct record_receipt	*rc = NULL;
	const char		*ref, *origin;
	json_t			*arr, *resp;
	size_t			 n = 0, i;
	char			 msg[256];
	int			 r;

	ref = json_string_value(json_object_get(req, "ref"));
	origin = json_string_value(json_object_get(req, "origin"));
	if (ref == NULL || *ref == '\0')
		return api_query_error(LCN_EINVAL, "receipts: which record? "
		    "Give its ref", "ref");
	if ((resp = api_query_behind(d, "receipts")) != NULL)
		return resp;
	if ((r = records_receipts(d->store, origin, ref, &rc, &n)) != 0) {
		if (r == LCN_ENOTFOUND)
			snprintf(msg, sizeof(msg), "no record %.*s in this "
			    "node's ledger", RECORD_REF_MAX, ref);
		else
			snprintf(msg, sizeof(msg), "cannot read the records");
		return api_query_error(r, msg, r == LCN_ENOTFOUND ? "ref" :
		    NULL);
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, receipt_json(&rc[i]));
	free(rc);
	return json_pack("{s:b, s:s, s:o}", "ok", 1, "ref", ref, "receipts",
	    arr);
}

/*
 * The cells as the matrix lcn controls prints (api.h, "rows"): a sixth
 * of the bytes for 500 entries by two agencies, and an answer lcn parses
 * in a fifth of the time (parsing the cells had been most of the CPU of
 * a whole lcn controls call). Cells come in (regime, entry, agency)
 * order, so a row is a run of cells with the same regime and entry.
 */
static json_t *
controls_rows(const struct control_cell *c, size_t n)
{
	const char	**ag = NULL;
	json_t		 *agencies = NULL, *rows = NULL, *row = NULL;
	size_t		  nag = 0, i, k;
	uint64_t	  date;

	if (n > 0 && (ag = calloc(n, sizeof(*ag))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		for (k = 0; k < nag && strcmp(ag[k], c[i].agency) != 0; k++)
			;
		if (k == nag)
			ag[nag++] = c[i].agency;
	}
	if ((agencies = json_array()) == NULL || (rows = json_array()) ==
	    NULL)
		goto fail;
	for (k = 0; k < nag; k++)
		if (json_array_append_new(agencies, json_string(ag[k])) != 0)
			goto fail;
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(c[i].regime, c[i - 1].regime) != 0 ||
		    strcmp(c[i].entry, c[i - 1].entry) != 0) {
			if ((row = json_pack("[s, s]", c[i].regime,
			    c[i].entry)) == NULL ||
			    json_array_append_new(rows, row) != 0)
				goto fail;
			for (k = 0; k < nag; k++)
				if (json_array_append_new(row,
				    json_null()) != 0)
					goto fail;
		}
		for (k = 0; strcmp(ag[k], c[i].agency) != 0; k++)
			;
		date = c[i].effective_ms ? c[i].effective_ms :
		    c[i].created_ms;
		if (json_array_set_new(row, 2 + k, json_pack("[s, I]",
		    domain_stage_name(c[i].stage), (json_int_t)date)) != 0)
			goto fail;
	}
	free(ag);
	/* "o" takes both arrays, on failure too. */
	return json_pack("{s:b, s:o, s:o}", "ok", 1, "agencies", agencies,
	    "rows", rows);
 fail:
	free(ag);
	json_decref(agencies);
	json_decref(rows);
	return NULL;
}

json_t *
api_cmd_controls(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct control_cell	*c = NULL;
	const char		*regime, *entry, *stage;
	json_t			*arr, *resp;
	size_t			 n = 0, i;
	int			 r, st = DOMAIN_STAGE_UNSPECIFIED;

	regime = json_string_value(json_object_get(req, "regime"));
	entry = json_string_value(json_object_get(req, "entry"));
	stage = json_string_value(json_object_get(req, "stage"));
	if (stage != NULL && (st = domain_stage_parse(stage)) ==
	    DOMAIN_STAGE_UNSPECIFIED)
		return api_query_error(LCN_EINVAL, "stage: expected proposed, "
		    "technically-matured, agreed, implemented or withdrawn",
		    "stage");
	if ((resp = api_query_behind(d, "controls")) != NULL)
		return resp;
	if ((r = records_controls(d->store, regime, entry, st, &c, &n)) != 0)
		return api_error(r, "cannot read the control status");
	if (json_is_true(json_object_get(req, "rows"))) {
		resp = controls_rows(c, n);
		free(c);
		return resp != NULL ? resp : api_error(LCN_ENOMEM,
		    "out of memory");
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:I, s:I, s:s, s:s, s:I}", "regime", c[i].regime,
		    "entry", c[i].entry, "agency", c[i].agency, "stage",
		    domain_stage_name(c[i].stage), "effective_ms",
		    (json_int_t)c[i].effective_ms, "created_ms",
		    (json_int_t)c[i].created_ms, "ref", c[i].ref, "group",
		    c[i].feed.group, "seq", (json_int_t)c[i].seq));
	free(c);
	return json_pack("{s:b, s:o}", "ok", 1, "cells", arr);
}
