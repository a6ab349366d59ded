/*
 * What the consultation commands of the local API share
 * (api_consult_int.h): publishing a command's bodies once every one has
 * passed the record rules, reading an entry's body back, dates and
 * deadlines as the profiles count them, and refusals with the field they
 * concern.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api_consult_int.h"
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

const struct config *
consult_conf(struct daemon *d)
{
	return &d->conf->cfg;
}

json_t *
consult_refusal(int r, const char *field, const char *fmt, ...)
{
	json_t	*resp;
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	resp = api_error(r, msg);
	if (resp != NULL && field != NULL)
		json_object_set_new(resp, "field", json_string(field));
	return resp;
}

int
consult_req_ms(const json_t *req, const char *name, uint64_t dflt,
    uint64_t *out)
{
	const json_t *v = json_object_get(req, name);

	*out = dflt;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

void
consult_day_text(uint64_t ms, char *buf, size_t bufsz)
{
	struct tm	tm;
	time_t		t = (time_t)(ms / 1000);

	if (ms == 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, bufsz, "-");
		return;
	}
	strftime(buf, bufsz, "%Y-%m-%d", &tm);
}

/* The holidays file that gives agency's calendar, for messages. */
static const char *
holidays_path(const struct config *c, const char *agency)
{
	const struct config_partner *cp;

	if (strcmp(agency, c->id) == 0)
		return c->holidays;
	cp = config_partner(c, agency);
	return cp != NULL ? cp->holidays : "";
}

int
consult_deadline_count(const struct config *c, const char *agency,
    enum consult_basis basis, unsigned days, uint64_t from_ms,
    const char *what, const char *field, uint64_t *out, json_t **resp)
{
	const struct calendar	*cal;
	uint64_t		 dl;
	char			 from[16], last[16], end[16];

	*out = 0;
	if (basis == CONSULT_BASIS_NONE)
		return 0;
	if (basis == CONSULT_BASIS_CALENDAR_DAYS) {
		*out = calendar_add_days(from_ms, days);
		return 0;
	}
	if ((cal = config_calendar(c, agency)) == NULL) {
		*resp = consult_refusal(LCN_EINVAL, field, "%s is not a "
		    "partner in %s: its working days are not known", agency,
		    c->path);
		return LCN_EINVAL;
	}
	dl = calendar_add_working(cal, from_ms, days);
	if (!calendar_knows(cal, calendar_day(dl))) {
		consult_day_text(from_ms, from, sizeof(from));
		consult_day_text(calendar_day_start(calendar_last_known(cal)),
		    last, sizeof(last));
		consult_day_text(dl, end, sizeof(end));
		*resp = consult_refusal(LCN_EINVAL, field, "%s, %u "
		    "working-days after %s on %s's calendar, would fall "
		    "after %s, the last day whose holidays %s lists "
		    "(counting weekdays alone would give %s): add the "
		    "holidays of the years after to that file and restart "
		    "lcnd", what, days, from, agency, last,
		    holidays_path(c, agency), end);
		return LCN_EINVAL;
	}
	*out = dl;
	return 0;
}

json_t *
consult_entry_body(struct daemon *d, const struct feed_id *feed, uint64_t seq)
{
	struct store_range	 rg;
	json_t			*e, *body = NULL;
	char			 err[256];

	if (store_read(d->store, feed, seq, seq, 0, 1, &rg) != 0)
		return NULL;
	if (rg.nitems == 1 && rg.first_seq == seq &&
	    (e = pbjson_entry_decode(rg.items[0].ptr, rg.items[0].len, err,
	    sizeof(err))) != NULL) {
		body = json_incref(json_object_get(e, "body"));
		json_decref(e);
	}
	store_range_free(&rg);
	return body;
}

const char *
consult_position_proto(enum consult_position p)
{
	switch (p) {
	case CONSULT_POSITION_OBJECT:		return "POSITION_OBJECT";
	case CONSULT_POSITION_NO_OBJECTION:	return "POSITION_NO_OBJECTION";
	case CONSULT_POSITION_MAINTAIN_DENIAL:
		return "POSITION_MAINTAIN_DENIAL";
	case CONSULT_POSITION_NEED_INFO:
		return "POSITION_NEED_INFORMATION";
	case CONSULT_POSITION_ACK:	return "POSITION_ACKNOWLEDGE_ONLY";
	default:			return NULL;
	}
}

void
consult_pubs_free(struct consult_pub *pubs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		json_decref(pubs[i].body);
		pubs[i].body = NULL;
	}
}

/* The ref and type of the one entry just published at (group, seq). */
static json_t *
published_one(struct daemon *d, const char *group, uint64_t seq)
{
	struct feed_id	 f;
	json_t		*body, *out;
	const char	*ref;

	memset(&f, 0, sizeof(f));
	snprintf(f.origin, sizeof(f.origin), "%s", daemon_trust(d)->self);
	snprintf(f.group, sizeof(f.group), "%s", group);
	body = consult_entry_body(d, &f, seq);
	ref = json_string_value(json_object_get(body, "ref"));
	out = json_pack("{s:s, s:s, s:I}", "ref", ref != NULL ? ref : "",
	    "group", group, "seq", (json_int_t)seq);
	json_decref(body);
	return out;
}

json_t *
consult_publish(struct api_client *cl, const char *what, uint64_t at_ms,
    struct consult_pub *pubs, size_t n, json_t **refusal)
{
	struct daemon	*d = cl->d;
	struct bytes	 enc[CONSULT_PUB_MAX];
	json_t		*out = NULL;
	uint8_t		*buf;
	uint64_t	 first, last;
	size_t		 i, len, done = 0;
	char		 err[768], qerr[800];
	int		 r;

	*refusal = NULL;
	LCN_ASSERT(n > 0 && n <= CONSULT_PUB_MAX);
	memset(enc, 0, sizeof(enc));
	for (i = 0; i < n; i++) {
		if ((r = pbjson_body_encode(pubs[i].body, &buf, &len, err,
		    sizeof(err))) != 0) {
			/* What lcnd built from the officer's input. */
			*refusal = consult_refusal(r, NULL, "%s", err);
			goto out;
		}
		enc[i].ptr = buf;
		enc[i].len = len;
	}
	/* Nothing invalid is ever signed; refs are assigned here. */
	if ((r = validate_ledger_publish(d->store, daemon_trust(d)->self,
	    at_ms, enc, n, err, sizeof(err))) != 0) {
		log_info("api", "%s by %s refused: %s", what, cl->who,
		    log_escape(qerr, sizeof(qerr), err, strlen(err)));
		*refusal = consult_refusal(r, NULL, "%s", err);
		goto out;
	}
	/*
	 * Every group first: a decision whose regime copy could not be
	 * signed must not go out alone to the pair.
	 */
	for (i = 0; i < n; i++)
		if ((r = publish_ready(d, pubs[i].group, err,
		    sizeof(err))) != 0) {
			*refusal = consult_refusal(r, NULL, "%s", err);
			goto out;
		}
	out = json_array();
	for (i = 0; i < n; i++) {
		if ((r = publish_bodies(d, pubs[i].group, &enc[i], 1, &first,
		    &last, err, sizeof(err))) != 0) {
			log_info("api", "%s by %s to %s refused: %s", what,
			    cl->who, pubs[i].group, log_escape(qerr,
			    sizeof(qerr), err, strlen(err)));
			if (done == 0)
				*refusal = consult_refusal(r, NULL, "%s", err);
			else
				*refusal = consult_refusal(r, NULL, "%s (%zu "
				    "of %zu entries were published before: "
				    "see lcn log)", err, done, n);
			json_decref(out);
			out = NULL;
			goto out;
		}
		done++;
		log_info("api", "%s published by %s: %s/%s seq %llu", what,
		    cl->who, daemon_trust(d)->self, pubs[i].group,
		    (unsigned long long)first);
		json_array_append_new(out, published_one(d, pubs[i].group,
		    first));
	}
 out:
	for (i = 0; i < n; i++)
		free((void *)enc[i].ptr);
	return out;
}
