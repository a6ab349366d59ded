/*
 * Queries of the screening index through the local API (api.h): lcn
 * screen (a name), lcn check (the no-undercut check of an application)
 * and lcn reindex (rebuild the index from the ledger).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "check.h"
#include "daemon.h"
#include "indexer.h"
#include "lcn_err.h"
#include "log.h"
#include "pbjson.h"
#include "screen.h"
#include "store.h"
#include "util.h"

static const char *
role_name(int role)
{
	static const char *const names[] = { "", "end_user", "consignee",
	    "intermediate_consignee", "purchaser", "agent" };

	return role >= 0 && role < (int)(sizeof(names) / sizeof(names[0])) ?
	    names[role] : "";
}

static const char *
source_name(enum screen_source src)
{
	switch (src) {
	case SCREEN_DENIAL:	return "denial";
	case SCREEN_ALERT:	return "alert";
	default:		return "list";
	}
}

/*
 * Queries index what the screening index lacks before they read, on the
 * loop thread. After a large catch-up that could stall everything for a
 * minute, so beyond a few steps the query is refused with EBEHIND (lcn
 * waits and asks again) and the indexer stops yielding until it is done.
 */
#define QUERY_INDEX_MAX	(4 * SCREEN_CATCH_UP_STEP)

static json_t *
index_behind(struct daemon *d, const char *what)
{
	uint64_t	pending = 0;
	char		msg[256];

	if (store_screen_pending(d->store, &pending) != 0 ||
	    pending <= QUERY_INDEX_MAX)
		return NULL;
	indexer_urge(d);
	snprintf(msg, sizeof(msg), "%s: the screening index is %llu entries "
	    "behind the ledger (after a large catch-up); lcnd is indexing "
	    "them now", what, (unsigned long long)pending);
	return api_error(LCN_EBEHIND, msg);
}

json_t *
api_cmd_screen(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct screen_hit	*hits = NULL;
	const char		*name, *country, *ident;
	json_t			*jl, *js, *arr;
	size_t			 n = 0, i, limit = 10;
	double			 min_score = 0.70;
	int			 r, all;

	name = json_string_value(json_object_get(req, "name"));
	country = json_string_value(json_object_get(req, "country"));
	ident = json_string_value(json_object_get(req, "id"));
	jl = json_object_get(req, "limit");
	js = json_object_get(req, "min_score");
	all = json_is_true(json_object_get(req, "all"));
	if (name == NULL || (jl != NULL && (!json_is_integer(jl) ||
	    json_integer_value(jl) < 1 ||
	    json_integer_value(jl) > SCREEN_LIMIT_MAX)) || (js != NULL &&
	    (!json_is_number(js) || json_number_value(js) < 0 ||
	    json_number_value(js) > 1)) || (country != NULL &&
	    strlen(country) != 2))
		return api_error(LCN_EINVAL, "screen: expected \"name\", "
		    "optional \"country\" (ISO alpha-2), 1 <= \"limit\" <= "
		    "1000 and 0 <= \"min_score\" <= 1");
	if (jl != NULL)
		limit = (size_t)json_integer_value(jl);
	if (js != NULL)
		min_score = json_number_value(js);
	if ((arr = index_behind(d, "screen")) != NULL)
		return arr;
	r = store_screen(d->store, name, country, ident, min_score, limit,
	    now_ms(), all, &hits, &n);
	if (r != 0)
		return api_error(r, r == LCN_EPROTO ? "screen: the name is "
		    "too long or not UTF-8" : r == LCN_EINVAL ? "screen: the "
		    "name has no letter or digit" : "screen: cannot read the "
		    "index");
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:I}", "source",
		    source_name(hits[i].source), "agency", hits[i].agency,
		    "list", hits[i].list, "ref", hits[i].ref, "role",
		    role_name(hits[i].role), "name", hits[i].name, "matched",
		    hits[i].matched, "country", hits[i].country, "score",
		    hits[i].score, "why", hits[i].why, "state",
		    hits[i].state ? hits[i].state : "", "seq",
		    (json_int_t)hits[i].seq));
	free(hits);
	return json_pack("{s:b, s:o}", "ok", 1, "hits", arr);
}

/* Starts the rebuild; the indexer does it in steps (lcn waits for it). */
json_t *
api_cmd_reindex(struct api_client *cl, json_t *req)
{
	struct daemon	*d = cl->d;
	uint64_t	 n;
	int		 r;

	(void)req;
	if ((r = store_reindex(d->store, &n)) != 0)
		return api_error(r, "reindex failed");
	log_info("api", "screening index rebuild started by %s: %llu entries",
	    cl->who, (unsigned long long)n);
	indexer_urge(d);
	return json_pack("{s:b, s:I}", "ok", 1, "entries", (json_int_t)n);
}

/*
 * A check's error, with "field" naming what of the application is wrong
 * ("parties[0].country") when store_check says.
 */
static json_t *
check_error_reply(int r, const char *text)
{
	json_t	*resp = api_error(r, text);
	size_t	 n = check_error_field(text);

	if (resp != NULL && n > 0)
		json_object_set_new(resp, "field", json_stringn(text, n));
	return resp;
}

json_t *
api_cmd_check(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct check_result	*res = NULL;
	json_t			*app, *jt, *arr;
	uint8_t			*tx = NULL;
	size_t			 txlen, n = 0, i, required = 0;
	double			 threshold = 0.70;
	char			 err[512];
	int			 own, r;

	app = json_object_get(req, "application");
	jt = json_object_get(req, "threshold");
	if (jt != NULL && (!json_is_number(jt) || json_number_value(jt) <= 0 ||
	    json_number_value(jt) > 1))
		return api_error(LCN_EINVAL, "check: \"threshold\" must be "
		    "in (0,1]");
	if (jt != NULL)
		threshold = json_number_value(jt);
	if ((r = pbjson_transaction_encode(app, &tx, &txlen, err,
	    sizeof(err))) != 0)
		return api_error(r, err);
	if ((arr = index_behind(d, "check")) != NULL) {
		free(tx);
		return arr;
	}
	err[0] = '\0';
	r = store_check(d->store, tx, txlen, threshold, now_ms(), &res, &n,
	    err, sizeof(err));
	free(tx);
	if (r != 0)
		return check_error_reply(r, err[0] ? err : lcn_strerror(r));
	arr = json_array();
	for (i = 0; i < n; i++) {
		/*
		 * This agency's own denial concerns the application too (an
		 * officer sees the earlier decision), but there is no
		 * partner to consult on it.
		 */
		own = strcmp(res[i].agency, d->conf->cfg.id) == 0;
		if (own) {
			res[i].consult = "none";
			snprintf(res[i].consult_reason,
			    sizeof(res[i].consult_reason), "this agency's own "
			    "denial: there is no partner to consult");
		}
		if (strcmp(res[i].consult, "required") == 0)
			required++;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b, "
		    "s:s, s:s, s:s, s:s, s:s, s:f, s:I}", "source",
		    source_name(res[i].source), "agency", res[i].agency,
		    "group", res[i].feed.group, "own", own, "ref",
		    res[i].ref, "regime", res[i].regime, "consult",
		    res[i].consult, "consult_reason", res[i].consult_reason,
		    "why", res[i].why, "score", res[i].score, "seq",
		    (json_int_t)res[i].seq));
	}
	free(res);
	return json_pack("{s:b, s:o, s:I}", "ok", 1, "results", arr,
	    "consultations_required", (json_int_t)required);
}
