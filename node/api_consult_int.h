/*
 * What the consultation commands of the local API share (api.h), in
 * api_consult_pub.c: lcn consult (api_consult.c), lcn reply and
 * consult-info (api_consult_reply.c) and lcn decide
 * (api_consult_decide.c) each build
 * bodies, check every rule before anything is signed (the record rules
 * of validate_ledger.h for all bodies of a request at once, so the refs
 * assigned are consecutive), then publish each body to its group.
 * Internal to node/api_consult*.c.
 */
#ifndef LCN_API_CONSULT_INT_H
#define LCN_API_CONSULT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "calendar.h"
#include "consult.h"
#include "store.h"

struct api_client;
struct config;
struct daemon;

/* Bodies one consultation command may publish at once. */
#define CONSULT_PUB_MAX		(PARTNERS_MAX + 2)

/* One body to publish: {"licence_decision": {...}} and its group. */
struct consult_pub {
	json_t		*body;		/* owned: the wrapped body */
	char		 group[GROUP_NAME_MAX + 1];
};

/* The configuration the daemon runs under. */
const struct config *consult_conf(struct daemon *);

/* {"ok": false, "error", "code", "field"}: field may be NULL. */
json_t	*consult_refusal(int r, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * The request's "name" as a time in ms: absent gives dflt; a JSON
 * integer >= 0 is taken. 0, or -1 when it is there but not an integer.
 */
int	consult_req_ms(const json_t *req, const char *name, uint64_t dflt,
	    uint64_t *out);

/* "2026-05-27" for ms (UTC); "-" for 0. */
void	consult_day_text(uint64_t ms, char *buf, size_t bufsz);

/*
 * The deadline days after from_ms as a profile counts them, into *out:
 * working days on agency's calendar, calendar days, or 0 for
 * CONSULT_BASIS_NONE. what names the date in a message ("the
 * deadline"), field the request field a refusal names. Returns 0, or
 * LCN_EINVAL with a refusal in *resp when agency is not a partner or
 * the working days run past the last day its holidays file knows: a
 * weekday there might be a holiday nobody has listed yet, and counting
 * it as worked would give the consulted agency less time than it has,
 * so the count is refused rather than guessed.
 */
int	consult_deadline_count(const struct config *c, const char *agency,
	    enum consult_basis basis, unsigned days, uint64_t from_ms,
	    const char *what, const char *field, uint64_t *out,
	    json_t **resp);

/*
 * The body of the entry (feed, seq) as JSON (pbjson_entry_decode()'s
 * "body"), a new reference, or NULL when it cannot be read.
 */
json_t	*consult_entry_body(struct daemon *, const struct feed_id *feed,
	    uint64_t seq);

/*
 * Encodes, validates and publishes pubs[0..n-1] (what names the command
 * in logs and messages). The record rules run on every body before the
 * first is signed, as of at_ms, the date of the act (--at: a decision
 * taken off-line is checked as of its day, so its deadline lies after
 * that day and its date is no later); then each goes to its group.
 * Returns a new array of {"ref", "group", "seq"}, or NULL with *refusal
 * set (the answer to send). A store failure after some bodies were
 * published says how many were. pubs' bodies are left to the caller.
 */
json_t	*consult_publish(struct api_client *, const char *what,
	    uint64_t at_ms, struct consult_pub *pubs, size_t n,
	    json_t **refusal);
void	consult_pubs_free(struct consult_pub *, size_t);

/* POSITION_OBJECT ... for consult_position values; NULL for NONE. */
const char *consult_position_proto(enum consult_position);

#endif
