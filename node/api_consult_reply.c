/*
 * lcn reply and lcn consult-info through the local API (api.h): the
 * consulted agency's answer to a ConsultationRequest (a position, its
 * grounds, an extension of the deadline) and the asker's information
 * after a need-info reply. Each is refused, before anything is signed,
 * when the consultation's state (records_consult.h, at this moment)
 * would ignore it: a reply not from the consulted agency or after the
 * decision, an extension past the request's limit, information nobody
 * asked for. Both go to the consultation's bilateral group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_consult_int.h"
#include "api_int.h"
#include "config.h"
#include "daemon.h"
#include "lcn_err.h"
#include "records_consult.h"
#include "util.h"

/*
 * The consultation request_ref names, as this node holds it at at_ms:
 * 0, or a refusal in *resp.
 */
static int
get_consultation(struct daemon *d, const json_t *req, uint64_t at_ms,
    struct consult_info *ci, json_t **resp)
{
	const char	*ref;
	int		 r;

	ref = json_string_value(json_object_get(req, "request_ref"));
	if (ref == NULL || *ref == '\0') {
		*resp = consult_refusal(LCN_EINVAL, "request_ref", "expected "
		    "the consultation request's ref (JP-METI/CR/2026/0001)");
		return LCN_EINVAL;
	}
	if ((r = records_consult_get(d->store, NULL, ref, at_ms, ci)) != 0) {
		*resp = r == LCN_ENOTFOUND ? consult_refusal(r, "request_ref",
		    "no consultation request %s at this node (lcn "
		    "consultations lists them)", ref) : consult_refusal(r,
		    NULL, "the consultations cannot be read (%s)",
		    lcn_strerror(r));
		return r;
	}
	return 0;
}

/* A decided or closed consultation takes nothing more but acks. */
static int
closed(const struct consult_info *ci, int ack, json_t **resp)
{
	char day[16];

	if (ci->state == CONSULT_CLOSED || (ci->state == CONSULT_DECIDED &&
	    !ack)) {
		consult_day_text(ci->track.decided_ms, day, sizeof(day));
		*resp = consult_refusal(LCN_EINVAL, "request_ref", "%s was "
		    "decided (%s) on %s%s: it takes no more replies", ci->ref,
		    consult_decision_name(ci->track.decision), day,
		    ci->state == CONSULT_CLOSED ? " and closed" : "");
		return LCN_EINVAL;
	}
	return 0;
}

/* --extend-to: later than the deadline, within the limit. */
static int
check_extension(const struct consult_info *ci, uint64_t to, json_t **resp)
{
	char	d1[16], d2[16];

	consult_day_text(to, d1, sizeof(d1));
	if (ci->track.deadline_ms == 0) {
		*resp = consult_refusal(LCN_EINVAL, "extend_to", "%s has no "
		    "deadline to extend", ci->ref);
		return LCN_EINVAL;
	}
	consult_day_text(ci->track.deadline_ms, d2, sizeof(d2));
	/* Asked after the deadline, an extension would revive a lapse. */
	if (now_ms() > ci->track.deadline_ms) {
		*resp = consult_refusal(LCN_EINVAL, "extend_to", "extend to "
		    "%s: %s's deadline, %s, has passed; an extension is asked "
		    "before it", d1, ci->ref, d2);
		return LCN_EINVAL;
	}
	if (to <= ci->track.deadline_ms) {
		*resp = consult_refusal(LCN_EINVAL, "extend_to", "extend to "
		    "%s: expected a date after %s's deadline, %s", d1, ci->ref,
		    d2);
		return LCN_EINVAL;
	}
	if (ci->track.extension_limit_ms == 0) {
		*resp = consult_refusal(LCN_EINVAL, "extend_to", "extend to "
		    "%s: the %s profile allows no extension of %s", d1,
		    ci->regime, ci->ref);
		return LCN_EINVAL;
	}
	if (to > ci->track.extension_limit_ms) {
		consult_day_text(ci->track.extension_limit_ms, d2, sizeof(d2));
		*resp = consult_refusal(LCN_EINVAL, "extend_to", "extend to "
		    "%s: the %s profile allows an extension to %s at the "
		    "latest", d1, ci->regime, d2);
		return LCN_EINVAL;
	}
	return 0;
}

json_t *
api_cmd_reply(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	const struct config	*c = consult_conf(d);
	struct consult_info	 ci;
	struct consult_pub	 pub;
	enum consult_position	 pos;
	const char		*grounds, *pname;
	json_t			*resp = NULL, *body, *pubd;
	uint64_t		 to;

	memset(&pub, 0, sizeof(pub));
	pname = json_string_value(json_object_get(req, "position"));
	pos = pname != NULL ? consult_position_parse(pname) :
	    CONSULT_POSITION_NONE;
	grounds = json_string_value(json_object_get(req, "grounds"));
	if (pos == CONSULT_POSITION_NONE)
		return consult_refusal(LCN_EINVAL, "position", "position: "
		    "expected object, no-objection, maintain-denial, need-info "
		    "or ack");
	if (consult_req_ms(req, "extend_to_ms", 0, &to) != 0)
		return consult_refusal(LCN_EINVAL, "extend_to", "extend to: "
		    "expected a date");
	if ((grounds == NULL || *grounds == '\0') &&
	    (pos == CONSULT_POSITION_OBJECT ||
	    pos == CONSULT_POSITION_MAINTAIN_DENIAL ||
	    pos == CONSULT_POSITION_NEED_INFO))
		return consult_refusal(LCN_EINVAL, "grounds", "grounds are "
		    "required with %s: the asker reads why",
		    consult_position_name(pos));
	if (to != 0 && pos != CONSULT_POSITION_ACK)
		return consult_refusal(LCN_EINVAL, "extend_to", "an extension "
		    "goes with the position ack");
	if (get_consultation(d, req, now_ms(), &ci, &resp) != 0)
		return resp;
	if (strcmp(ci.consulted, c->id) != 0)
		return consult_refusal(LCN_EINVAL, "request_ref", "%s asks %s; "
		    "only %s can reply", ci.ref, ci.consulted, ci.consulted);
	if (closed(&ci, pos == CONSULT_POSITION_ACK && to == 0, &resp) != 0)
		return resp;
	if (to != 0) {
		to = calendar_day_end(calendar_day(to));
		if (check_extension(&ci, to, &resp) != 0)
			return resp;
	}
	body = json_pack("{s:s, s:s}", "request_ref", ci.ref, "position",
	    consult_position_proto(pos));
	if (body != NULL && grounds != NULL && *grounds != '\0')
		json_object_set_new(body, "grounds", json_string(grounds));
	if (body != NULL && to != 0)
		json_object_set_new(body, "extension_to_ms",
		    json_integer((json_int_t)to));
	pub.body = body != NULL ? json_pack("{s:o}", "consultation_reply",
	    body) : NULL;
	if (pub.body == NULL)
		return api_error(LCN_ENOMEM, "out of memory");
	snprintf(pub.group, sizeof(pub.group), "%s", ci.group);
	if ((pubd = consult_publish(cl, "reply", now_ms(), &pub, 1,
	    &resp)) != NULL) {
		resp = json_pack("{s:b, s:O, s:s, s:O, s:s, s:s, s:s, s:I}",
		    "ok", 1, "ref", json_object_get(json_array_get(pubd, 0),
		    "ref"), "group", ci.group, "seq",
		    json_object_get(json_array_get(pubd, 0), "seq"),
		    "request_ref", ci.ref, "asker", ci.asker, "position",
		    consult_position_name(pos), "extend_to_ms",
		    (json_int_t)to);
		json_decref(pubd);
	}
	consult_pubs_free(&pub, 1);
	return resp;
}

json_t *
api_cmd_consult_info(struct api_client *cl, json_t *req)
{
	struct daemon		*d = cl->d;
	const struct config	*c = consult_conf(d);
	struct consult_info	 ci;
	struct consult_track	 track;
	struct consult_pub	 pub;
	const json_t		*tx, *text;
	json_t			*resp = NULL, *body, *pubd;
	uint64_t		 at, deadline = 0;

	memset(&pub, 0, sizeof(pub));
	text = json_object_get(req, "information");
	tx = json_object_get(req, "transaction");
	if ((text != NULL && (!json_is_string(text) ||
	    json_string_length(text) == 0)) || (tx != NULL &&
	    !json_is_object(tx)) || (text == NULL && tx == NULL))
		return consult_refusal(LCN_EINVAL, "information", "expected "
		    "\"information\" (text) and/or \"transaction\" (the "
		    "transaction restated, as lcn check takes it)");
	if (consult_req_ms(req, "at_ms", now_ms(), &at) != 0)
		return consult_refusal(LCN_EINVAL, "at", "at: expected a "
		    "date");
	if (get_consultation(d, req, now_ms(), &ci, &resp) != 0)
		return resp;
	if (strcmp(ci.asker, c->id) != 0)
		return consult_refusal(LCN_EINVAL, "request_ref", "%s is %s's "
		    "request; only %s adds information to it", ci.ref,
		    ci.asker, ci.asker);
	if (ci.state != CONSULT_INFO_REQUESTED)
		return consult_refusal(LCN_EINVAL, "request_ref", "%s is %s: "
		    "information goes after %s's need-info reply", ci.ref,
		    consult_state_name(ci.state), ci.consulted);
	/* The period starts again when the profile says so. */
	if (ci.track.info_restarts && ci.basis != CONSULT_BASIS_NONE) {
		if (config_calendar(c, ci.consulted) == NULL)
			return consult_refusal(LCN_EINVAL, "request_ref", "%s "
			    "is no longer a partner in %s", ci.consulted,
			    c->path);
		if (consult_deadline_count(c, ci.consulted, ci.basis, ci.days,
		    at, "the deadline from this information", "at",
		    &deadline, &resp) != 0)
			return resp;
	}
	body = json_pack("{s:s}", "request_ref", ci.ref);
	if (body != NULL && text != NULL)
		json_object_set(body, "information", (json_t *)text);
	if (body != NULL && tx != NULL)
		json_object_set(body, "transaction", (json_t *)tx);
	if (body != NULL && deadline != 0)
		json_object_set_new(body, "deadline_ms",
		    json_integer((json_int_t)deadline));
	pub.body = body != NULL ? json_pack("{s:o}", "consultation_info",
	    body) : NULL;
	if (pub.body == NULL)
		return api_error(LCN_ENOMEM, "out of memory");
	snprintf(pub.group, sizeof(pub.group), "%s", ci.group);
	/*
	 * The answer gives the deadline the state machine will hold after
	 * this information: the restarted period never shortens a later
	 * one (a --reply-by beyond the profile's, an extension).
	 */
	track = ci.track;
	(void)consult_track_info(&track, 1, deadline, at);
	if ((pubd = consult_publish(cl, "consult-info", at, &pub, 1,
	    &resp)) != NULL) {
		resp = json_pack("{s:b, s:O, s:s, s:O, s:s, s:s, s:I}", "ok",
		    1, "ref", json_object_get(json_array_get(pubd, 0), "ref"),
		    "group", ci.group, "seq",
		    json_object_get(json_array_get(pubd, 0), "seq"),
		    "request_ref", ci.ref, "consulted", ci.consulted,
		    "deadline_ms", (json_int_t)track.deadline_ms);
		json_decref(pubd);
	}
	consult_pubs_free(&pub, 1);
	return resp;
}
