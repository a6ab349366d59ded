/*
 * The typed publishing commands of the local API (api.h): lcn deny, alert,
 * control-status, deny-update and alert-update hand lcnd a body without
 * its oneof wrapper, and lcnd picks the group (a denial's or a control
 * status's regime; an update goes where its record is), runs the record
 * rules (validate_ledger.h), signs, and answers with the refs it holds,
 * so that the officer learns the ref lcnd assigned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "config.h"
#include "daemon.h"
#include "lcn_err.h"
#include "log.h"
#include "pbjson.h"
#include "publish.h"
#include "records.h"
#include "store.h"
#include "trust.h"
#include "util.h"
#include "validate_ledger.h"

/* A record command's body name in Entry's oneof, and what it updates. */
static const struct record_kind_map {
	const char	*kind;		/* the request's "kind" */
	const char	*body;		/* lcn.proto's oneof field */
	const char	*updates;	/* the field naming the record, or
					   NULL: not an update */
} kinds[] = {
	{ "denial",		"denial_notice",	NULL },
	{ "alert",		"end_user_alert",	NULL },
	{ "control",		"control_status",	NULL },
	{ "denial-update",	"denial_update",	"denial_ref" },
	{ "alert-update",	"alert_update",		"alert_ref" },
};

static const struct record_kind_map *
kind_find(const char *kind)
{
	size_t i;

	for (i = 0; kind != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

/*
 * An error answer with "field" set: the officer reads which body and
 * which of its fields ("bodies[0]: parties[0].country: ...").
 */
static json_t *
record_error(int r, const char *text, const char *field)
{
	json_t *resp = api_error(r, text);

	if (resp != NULL && field != NULL)
		json_object_set_new(resp, "field", json_string(field));
	return resp;
}

/*
 * validate_ledger_publish's "bodies[i]: field: why" gives the field: the
 * text between the first ": " and the next, when it looks like a path.
 */
static json_t *
validation_error(int r, const char *text)
{
	const char	*p, *q;
	char		 field[128];
	size_t		 n;

	if (strncmp(text, "bodies[", 7) != 0 ||
	    (p = strstr(text, ": ")) == NULL ||
	    (q = strstr(p + 2, ": ")) == NULL)
		return record_error(r, text, NULL);
	p += 2;
	n = (size_t)(q - p);
	if (n == 0 || n >= sizeof(field) || memchr(p, ' ', n) != NULL)
		return record_error(r, text, NULL);
	memcpy(field, p, n);
	field[n] = '\0';
	return record_error(r, text, field);
}

/* {"denial_notice": {...}} from {...}, or the wrapped form as given. */
static json_t *
wrap_body(json_t *b, const struct record_kind_map *k)
{
	if (json_is_object(b) && json_object_size(b) == 1 &&
	    json_object_get(b, k->body) != NULL)
		return json_incref(b);
	return json_pack("{s:O}", k->body, b);
}

/*
 * The group a body goes to: --group, else the record's group for an
 * update, else the regime's group (a denial, a control status), else the
 * node's only sharing group besides the bilateral ones (an alert names
 * no regime).
 */
static int
body_group(struct daemon *d, const struct record_kind_map *k,
    const json_t *inner, const char *given, char *group, size_t groupsz,
    char *err, size_t errsz)
{
	const struct trust	*t = daemon_trust(d);
	struct record_show	 sh;
	const char		*regime, *ref;
	size_t			 i, mine = 0, last = 0;

	if (given != NULL) {
		snprintf(group, groupsz, "%s", given);
		return 0;
	}
	if (k->updates != NULL) {
		ref = json_string_value(json_object_get(inner, k->updates));
		/* Validation has found the record this node originated. */
		if (ref == NULL || records_show(d->store, t->self, ref,
		    now_ms(), &sh) != 0) {
			snprintf(err, errsz, "%s: no record of %s to update",
			    k->updates, t->self);
			return LCN_ENOTFOUND;
		}
		snprintf(group, groupsz, "%s", sh.info.feed.group);
		records_show_free(&sh);
		return 0;
	}
	regime = json_string_value(json_object_get(inner, "regime"));
	if (regime != NULL) {
		if (trust_group(t, regime) == NULL) {
			snprintf(err, errsz, "regime %.32s: no [group %.32s] "
			    "in %.300s: add it, or choose a group with "
			    "--group", regime, regime, d->conf->cfg.path);
			return LCN_ENOTFOUND;
		}
		snprintf(group, groupsz, "%s", regime);
		return 0;
	}
	/* The bilateral groups ("A+B") every pair has do not count. */
	for (i = 0; i < t->ngroups; i++)
		if (strchr(t->groups[i].name, '+') == NULL &&
		    trust_is_member(&t->groups[i], t->self)) {
			mine++;
			last = i;
		}
	if (mine != 1) {
		snprintf(err, errsz, "%s names no regime and this node is in "
		    "%zu sharing groups: choose one with --group", k->body,
		    mine);
		return LCN_EINVAL;
	}
	snprintf(group, groupsz, "%s", t->groups[last].name);
	return 0;
}

/* The refs of the entries just published, read back from the ledger. */
static json_t *
published_refs(struct daemon *d, const char *group, uint64_t first,
    uint64_t last)
{
	struct store_range	 rg;
	struct feed_id		 f;
	json_t			*refs = json_array(), *e, *body;
	char			 err[256];
	const char		*ref;
	uint64_t		 next = first;
	size_t			 i;

	memset(&f, 0, sizeof(f));
	snprintf(f.origin, sizeof(f.origin), "%s", daemon_trust(d)->self);
	snprintf(f.group, sizeof(f.group), "%s", group);
	/* A batch may be larger than one read returns: read on. */
	while (next <= last) {
		if (store_read(d->store, &f, next, last, BATCH_BYTES_MAX,
		    (size_t)(last - next + 1), &rg) != 0)
			break;
		if (rg.nitems == 0) {
			store_range_free(&rg);
			break;
		}
		for (i = 0; i < rg.nitems; i++) {
			e = pbjson_entry_decode(rg.items[i].ptr,
			    rg.items[i].len, err, sizeof(err));
			body = json_object_get(e, "body");
			ref = json_string_value(json_object_get(body, "ref"));
			json_array_append_new(refs, json_string(ref ? ref :
			    ""));
			json_decref(e);
		}
		next = rg.first_seq + rg.nitems;
		store_range_free(&rg);
	}
	return refs;
}

json_t *
api_cmd_record(struct api_client *cl, json_t *req)
{
	const struct record_kind_map *k;
	struct daemon	*d = cl->d;
	const char	*given;
	json_t		*bodies, *b, *w, *resp = NULL;
	struct bytes	*enc = NULL;
	uint8_t		*buf;
	size_t		 n, i, len;
	uint64_t	 first, last;
	char		 err[512], msg[700], group[GROUP_NAME_MAX + 1];
	char		 g[GROUP_NAME_MAX + 1], qgroup[96], qerr[600];
	int		 r;

	k = kind_find(json_string_value(json_object_get(req, "kind")));
	given = json_string_value(json_object_get(req, "group"));
	bodies = json_object_get(req, "bodies");
	if (k == NULL || !json_is_array(bodies) || (json_object_get(req,
	    "group") != NULL && (given == NULL || !group_name_valid(given))))
		return api_error(LCN_EINVAL, "record: expected \"kind\" "
		    "(denial, alert, control, denial-update, alert-update), "
		    "\"bodies\" (array) and an optional \"group\"");
	n = json_array_size(bodies);
	if (n == 0 || n > PUBLISH_BATCH_MAX) {
		snprintf(msg, sizeof(msg), "%zu bodies, expected 1..%d", n,
		    PUBLISH_BATCH_MAX);
		return api_error(LCN_EINVAL, msg);
	}
	if ((enc = calloc(n, sizeof(*enc))) == NULL)
		return api_error(LCN_ENOMEM, "out of memory");
	group[0] = '\0';
	for (i = 0; i < n; i++) {
		b = json_array_get(bodies, i);
		if (!json_is_object(b)) {
			snprintf(msg, sizeof(msg), "bodies[%zu]: expected a "
			    "JSON object of %s's fields", i, k->body);
			resp = record_error(LCN_EINVAL, msg, NULL);
			goto out;
		}
		if ((w = wrap_body(b, k)) == NULL) {
			resp = api_error(LCN_ENOMEM, "out of memory");
			goto out;
		}
		r = pbjson_body_encode(w, &buf, &len, err, sizeof(err));
		json_decref(w);
		if (r != 0) {
			snprintf(msg, sizeof(msg), "bodies[%zu]: %s", i, err);
			resp = validation_error(r, msg);
			goto out;
		}
		enc[i].ptr = buf;
		enc[i].len = len;
	}
	/* Nothing invalid is ever signed: the record rules, refs assigned. */
	if ((r = validate_ledger_publish(d->store, daemon_trust(d)->self,
	    now_ms(), enc, n, err, sizeof(err))) != 0) {
		log_info("api", "%s by %s refused: %s", k->kind, cl->who,
		    log_escape(qerr, sizeof(qerr), err, strlen(err)));
		resp = validation_error(r, err);
		goto out;
	}
	/* One request, one group: each body's must agree. */
	for (i = 0; i < n; i++) {
		b = json_array_get(bodies, i);
		w = json_object_get(b, k->body);
		if ((r = body_group(d, k, w != NULL && json_object_size(b) ==
		    1 ? w : b, given, g, sizeof(g), err, sizeof(err))) != 0) {
			snprintf(msg, sizeof(msg), "bodies[%zu]: %s", i, err);
			resp = record_error(r, msg, k->updates != NULL ?
			    k->updates : given == NULL ? "regime" : "group");
			goto out;
		}
		if (group[0] != '\0' && strcmp(group, g) != 0) {
			snprintf(msg, sizeof(msg), "bodies[%zu] goes to group "
			    "%s, bodies[0] to %s: publish them separately", i,
			    g, group);
			resp = record_error(LCN_EINVAL, msg, "regime");
			goto out;
		}
		snprintf(group, sizeof(group), "%s", g);
	}
	log_escape(qgroup, sizeof(qgroup), group, strlen(group));
	if ((r = publish_bodies(d, group, enc, n, &first, &last, err,
	    sizeof(err))) != 0) {
		log_info("api", "%s by %s to %s refused: %s", k->kind,
		    cl->who, qgroup, log_escape(qerr, sizeof(qerr), err,
		    strlen(err)));
		resp = record_error(r, err, NULL);
		goto out;
	}
	log_info("api", "%s published by %s: %zu entries to %s/%s seq "
	    "%llu..%llu", k->kind, cl->who, n, daemon_trust(d)->self, qgroup,
	    (unsigned long long)first, (unsigned long long)last);
	resp = json_pack("{s:b, s:s, s:s, s:I, s:I, s:o}", "ok", 1, "origin",
	    daemon_trust(d)->self, "group", group, "first_seq",
	    (json_int_t)first, "last_seq", (json_int_t)last, "refs",
	    published_refs(d, group, first, last));
 out:
	for (i = 0; i < n; i++)
		free((void *)enc[i].ptr);
	free(enc);
	return resp;
}
