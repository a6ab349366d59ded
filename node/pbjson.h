/*
 * JSON <-> protobuf for entry bodies and decoded entries, driven by the
 * protobuf-c descriptors, so every body of lcn.proto is covered without
 * per-message code. JSON uses the .proto field names; enums are given by
 * value name, with or without the enum's prefix and in any case
 * ("DENIAL_REVOKE", "revoke"); bytes are hex; uint64 fields ending in
 * "_ms" also accept an ISO 8601 date or date-time ("2026-03-01",
 * "2026-03-01T12:00:00Z"). Unknown fields are an error.
 */
#ifndef LCN_PBJSON_H
#define LCN_PBJSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lcn_limits.h"

/*
 * The encoded body must leave room in ENTRY_MAX for the Entry header
 * (origin, group, seq, two hashes, time, key id: under 300 bytes) and the
 * SignedEntry wrapping with its signature, so a body that encodes can
 * always be signed and stored.
 */
#define PBJSON_BODY_MAX		(ENTRY_MAX - 1024)
/* Message nesting of a body; lcn.proto needs 4 (AlertUpdate.amended.party). */
#define PBJSON_DEPTH_MAX	16

/*
 * Encodes a body given as {"denial_notice": {...}} (exactly one key, a
 * body name of Entry's oneof) as the protobuf bytes of an Entry holding
 * only that body. Checks the body limits (string lengths, repeated
 * counts). Returns 0 with a malloc'd *out, or LCN_EINVAL with
 * "field.path: expected ..., got ..." in errbuf.
 */
int	pbjson_body_encode(const json_t *body, uint8_t **out, size_t *outlen,
	    char *errbuf, size_t errbufsz);

/*
 * Encodes a licence application, given as the JSON of an lcn.Transaction
 * ({"items": [...], "parties": [...], "destination_country": "CN"}), as
 * its protobuf bytes. Same returns as pbjson_body_encode().
 */
int	pbjson_transaction_encode(const json_t *app, uint8_t **out,
	    size_t *outlen, char *errbuf, size_t errbufsz);

/*
 * Decodes raw SignedEntry bytes into a JSON object: origin, group, seq,
 * created_ms, key_id, prev_hash, prev_root, leaf_hash (hex), type (the
 * body name) and body (the body's fields; fields at their default value
 * are omitted). Returns a new reference, or NULL with the reason in
 * errbuf.
 */
json_t	*pbjson_entry_decode(const uint8_t *signed_entry, size_t len,
	    char *errbuf, size_t errbufsz);

#endif
