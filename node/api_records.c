/*
 * The ledger's records through the local API (api.h): lcn publish hands
 * its bodies to the publishing pipeline (publish_pipe.h), lcn log reads
 * entries back as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "pbjson.h"
#include "publish_pipe.h"
#include "store.h"
#include "util.h"
#include "validate_ledger.h"

/*
 * lcn publish: the request goes into the publishing pipeline
 * (publish_pipe.h), which answers once its entries are committed, or
 * with why nothing of it was published.
 */
json_t *
api_cmd_publish(struct api_client *cl, json_t *req)
{
	const char	*group;
	json_t		*bodies, *encoded;
	size_t		 n;
	char		 msg[600];

	group = json_string_value(json_object_get(req, "group"));
	bodies = json_object_get(req, "bodies");
	/*
	 * lcn publish sends "encoded": each body's protobuf bytes in base64,
	 * as it encoded them to check the file, so that lcnd does not parse
	 * the same JSON again. Either goes through the same validation.
	 */
	encoded = json_object_get(req, "encoded");
	if (group == NULL || (bodies != NULL) == (encoded != NULL) ||
	    !json_is_array(bodies != NULL ? bodies : encoded))
		return api_error(LCN_EINVAL, "publish: expected \"group\" "
		    "(string) and either \"bodies\" (array of objects) or "
		    "\"encoded\" (array of base64 strings)");
	if (bodies == NULL)
		bodies = encoded;
	n = json_array_size(bodies);
	if (n == 0 || n > PUBLISH_BATCH_MAX) {
		snprintf(msg, sizeof(msg), "publish: %zu bodies, expected "
		    "1..%d", n, PUBLISH_BATCH_MAX);
		return api_error(LCN_EINVAL, msg);
	}
	if (strlen(group) > GROUP_NAME_MAX)
		return api_error(LCN_EGROUP, "publish: group: no such group "
		    "in the configuration (name too long)");
	if (publish_pipe_submit(cl->d, cl, req) != 0)
		return api_error(LCN_ENOMEM, "out of memory");
	return NULL;
}

/*
 * Raw entry bytes one log answer carries at most: decoded as JSON they
 * grow about fourfold, and the answer must stay under API_LINE_MAX.
 */
#define LOG_RAW_BYTES_MAX	(API_LINE_MAX / 8)

static int
log_feed(struct daemon *d, const struct feed_state *fs, uint64_t since,
    size_t *left, size_t *budget, json_t *out)
{
	struct store_range	 rg;
	json_t			*e;
	char			 err[256];
	uint64_t		 next = since + 1;
	size_t			 i;
	int			 r;

	while (*left > 0 && *budget > 0 && next <= fs->seq) {
		if ((r = store_read(d->store, &fs->feed, next, fs->seq,
		    *budget < BATCH_BYTES_MAX ? *budget : BATCH_BYTES_MAX,
		    *left, &rg)) != 0)
			return r;
		if (rg.nitems == 0) {
			store_range_free(&rg);
			break;
		}
		for (i = 0; i < rg.nitems; i++) {
			e = pbjson_entry_decode(rg.items[i].ptr,
			    rg.items[i].len, err, sizeof(err));
			if (e == NULL)
				e = json_pack("{s:s, s:s, s:I, s:s}", "origin",
				    fs->feed.origin, "group", fs->feed.group,
				    "seq", (json_int_t)(rg.first_seq + i),
				    "error", err);
			json_object_set_new(e, "verified", json_boolean(
			    rg.first_seq + i <= fs->verified));
			json_array_append_new(out, e);
		}
		next = rg.first_seq + rg.nitems;
		*left -= rg.nitems;
		*budget -= rg.bytes < *budget ? rg.bytes : *budget;
		store_range_free(&rg);
	}
	return 0;
}

json_t *
api_cmd_log(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	const char		*origin, *group;
	json_t			*jsince, *jlimit, *entries;
	struct feed_state	*fs = NULL, one;
	size_t			 n = 0, i, left, budget = LOG_RAW_BYTES_MAX;
	uint64_t		 since = 0;
	int			 r = 0;

	origin = json_string_value(json_object_get(req, "origin"));
	group = json_string_value(json_object_get(req, "group"));
	jsince = json_object_get(req, "since");
	jlimit = json_object_get(req, "limit");
	if ((jsince != NULL && (!json_is_integer(jsince) ||
	    json_integer_value(jsince) < 0)) || (jlimit != NULL &&
	    (!json_is_integer(jlimit) || json_integer_value(jlimit) < 1 ||
	    json_integer_value(jlimit) > LOG_LIMIT_MAX)) ||
	    (origin == NULL) != (group == NULL))
		return api_error(LCN_EINVAL, "log: expected origin and "
		    "group together, since >= 0 and 1 <= limit <= 10000");
	if (jsince != NULL)
		since = (uint64_t)json_integer_value(jsince);
	left = jlimit ? (size_t)json_integer_value(jlimit) :
	    LOG_LIMIT_DEFAULT;
	entries = json_array();
	if (origin != NULL) {
		if (store_feed(d->store, origin, group, &one) == 0)
			r = log_feed(d, &one, since, &left, &budget,
			    entries);
	} else if ((r = store_feeds(d->store, &fs, &n)) == 0) {
		for (i = 0; i < n && left > 0 && budget > 0 && r == 0; i++)
			r = log_feed(d, &fs[i], since, &left, &budget,
			    entries);
		free(fs);
	}
	if (r != 0) {
		json_decref(entries);
		return api_error(r, "cannot read the ledger");
	}
	/* "more": the byte budget, not the limit, ended the answer. */
	return json_pack("{s:b, s:o, s:b}", "ok", 1, "entries", entries,
	    "more", budget == 0 && left > 0);
}
