/*
 * lcn export REF through the local API (api.h): the entries of one
 * record (its notice and every entry naming it, as lcn show lists them)
 * exactly as the ledger stores them, each with the public key that signed
 * it and its decoded JSON, so that lcn can write evidence an auditor
 * checks with stock openssl (node/cli/export.c).
 *
 *   {"cmd":"export", "ref":R [, "origin":A] [, "seq":N]}
 *   -> {"ok":true, "ref", "origin", "entries":[{"origin", "group", "seq",
 *       "type", "action", "agency", "reason", ["ignored", "ignored_why"],
 *       "signed_entry" (hex), "public_key" (hex, raw Ed25519), "key_id"
 *       (hex), "entry" (pbjson_entry_decode)}...], "more": bool}
 *
 * The key comes from the configuration (the origin's keys valid at the
 * entry's created_ms): the key this node trusts, which is the one that
 * matters to someone asking why this node believed the entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "daemon.h"
#include "entry.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "records.h"
#include "sig.h"
#include "store.h"
#include "trust.h"
#include "util.h"

/*
 * Hex doubles an entry and its JSON about as much again: a budget of a
 * quarter of the answer line keeps the answer well within it. Past it
 * the answer says "more" and lcn asks for the rest by --seq.
 */
#define EXPORT_BUDGET	(API_LINE_MAX / 4)

static json_t *
export_error(int r, const char *text, const char *field)
{
	json_t *resp = api_error(r, text);

	if (resp != NULL && field != NULL)
		json_object_set_new(resp, "field", json_string(field));
	return resp;
}

static json_t *
hex_json(const uint8_t *p, size_t len)
{
	char	*s;
	json_t	*o;

	if ((s = malloc(2 * len + 1)) == NULL)
		return NULL;
	hex_encode(p, len, s);
	o = json_string(s);
	free(s);
	return o;
}

/*
 * One entry of the record: its stored bytes, the key that signed it and
 * its JSON, added to *o. 0, or an LCN_E* code with msg filled.
 */
static int
export_entry(struct daemon *d, const struct record_event *ev, json_t *o,
    size_t *bytes, char *msg, size_t msgsz)
{
	const struct sig_pubkey	*pub;
	struct store_range	 rg;
	struct entry_view	 v;
	json_t			*dec;
	char			 err[256];
	int			 r;

	memset(&rg, 0, sizeof(rg));
	if ((r = store_read(d->store, &ev->feed, ev->seq, ev->seq, 0, 1,
	    &rg)) != 0 || rg.nitems != 1 || rg.first_seq != ev->seq) {
		snprintf(msg, msgsz, "cannot read %s/%s seq %llu from the "
		    "ledger", ev->feed.origin, ev->feed.group,
		    (unsigned long long)ev->seq);
		r = r != 0 ? r : LCN_ESTORE;
		goto out;
	}
	if ((r = entry_parse(rg.items[0].ptr, rg.items[0].len, &v, err,
	    sizeof(err))) != 0) {
		snprintf(msg, msgsz, "%s/%s seq %llu does not decode: %s",
		    ev->feed.origin, ev->feed.group,
		    (unsigned long long)ev->seq, err);
		goto out;
	}
	if ((r = trust_find_key(daemon_trust(d), v.feed.origin, v.key_id,
	    v.created_ms, &pub)) != 0) {
		snprintf(msg, msgsz, "%s/%s seq %llu: the key that signed it "
		    "is not among %s's keys in this node's configuration",
		    ev->feed.origin, ev->feed.group,
		    (unsigned long long)ev->seq, v.feed.origin);
		goto out;
	}
	if ((dec = pbjson_entry_decode(rg.items[0].ptr, rg.items[0].len,
	    err, sizeof(err))) == NULL) {
		snprintf(msg, msgsz, "%s/%s seq %llu: %s", ev->feed.origin,
		    ev->feed.group, (unsigned long long)ev->seq, err);
		r = LCN_EPROTO;
		goto out;
	}
	json_object_set_new(o, "signed_entry", hex_json(rg.items[0].ptr,
	    rg.items[0].len));
	json_object_set_new(o, "public_key", hex_json(sig_pubkey_raw(pub),
	    PUBKEY_LEN));
	json_object_set_new(o, "key_id", hex_json(v.key_id, KEY_ID_LEN));
	json_object_set_new(o, "entry", dec);
	*bytes += 3 * rg.items[0].len;
	r = 0;
out:
	store_range_free(&rg);
	return r;
}

/* The body and action names, as lcn show gives them. */
static const char *
body_name(int body)
{
	static const char *const names[] = { "denial_notice",
	    "denial_update", "consultation_request", "consultation_reply",
	    "licence_decision", "end_user_alert", "alert_update",
	    "control_status", "heads_attestation" };

	return body >= 10 && body <= 18 ? names[body - 10] : "unknown";
}

json_t *
api_cmd_export(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	struct record_show	 sh;
	const struct record_event *ev;
	const json_t		*jseq;
	const char		*ref, *origin;
	json_t			*arr, *o, *resp = NULL;
	uint64_t		 seq = 0;
	size_t			 i, bytes = 0;
	char			 msg[512];
	int			 r, more = 0;

	ref = json_string_value(json_object_get(req, "ref"));
	origin = json_string_value(json_object_get(req, "origin"));
	if (ref == NULL || *ref == '\0')
		return export_error(LCN_EINVAL, "export: which record? Give "
		    "its ref", "ref");
	if ((jseq = json_object_get(req, "seq")) != NULL) {
		if (!json_is_integer(jseq) || json_integer_value(jseq) <= 0)
			return export_error(LCN_EINVAL, "seq: expected a "
			    "positive integer", "seq");
		seq = (uint64_t)json_integer_value(jseq);
	}
	if ((r = records_show(d->store, origin, ref, now_ms(), &sh)) != 0) {
		if (r == LCN_ENOTFOUND)
			snprintf(msg, sizeof(msg), "no record %.*s in this "
			    "node's ledger", RECORD_REF_MAX, ref);
		else
			snprintf(msg, sizeof(msg), "cannot read the records");
		return export_error(r, msg, r == LCN_ENOTFOUND ? "ref" :
		    NULL);
	}
	arr = json_array();
	for (i = 0; i < sh.nevents; i++) {
		ev = &sh.events[i];
		if (seq != 0 && ev->seq != seq)
			continue;
		if (bytes >= EXPORT_BUDGET) {
			more = 1;
			break;
		}
		o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:s, s:s}", "origin",
		    ev->feed.origin, "group", ev->feed.group, "seq",
		    (json_int_t)ev->seq, "type", body_name(ev->body),
		    "action", (json_int_t)ev->action, "agency", ev->agency,
		    "reason", ev->reason);
		if (o == NULL) {
			r = LCN_ENOMEM;
			snprintf(msg, sizeof(msg), "out of memory");
			break;
		}
		if (ev->ignored != 0) {
			json_object_set_new(o, "ignored", json_string(
			    record_ignored_name(ev->ignored)));
			json_object_set_new(o, "ignored_why", json_string(
			    record_ignored_text(ev->ignored)));
		}
		if ((r = export_entry(d, ev, o, &bytes, msg,
		    sizeof(msg))) != 0) {
			json_decref(o);
			break;
		}
		json_array_append_new(arr, o);
	}
	if (r == 0 && seq != 0 && json_array_size(arr) == 0) {
		snprintf(msg, sizeof(msg), "record %.*s has no entry at seq "
		    "%llu (lcn show lists its entries)", RECORD_REF_MAX, ref,
		    (unsigned long long)seq);
		r = LCN_ENOTFOUND;
	}
	if (r != 0) {
		json_decref(arr);
		resp = export_error(r, msg, r == LCN_ENOTFOUND ? "seq" : NULL);
		goto out;
	}
	resp = json_pack("{s:b, s:s, s:s, s:s, s:o, s:b}", "ok", 1, "ref",
	    sh.info.ref, "origin", sh.info.origin, "kind",
	    sh.info.kind == RECORD_DENIAL ? "denial" : "alert", "entries",
	    arr, "more", more);
out:
	records_show_free(&sh);
	return resp;
}
