/*
 * Test fixture shared by the JSON codec tests (test_pbjson*.c): JSON
 * literals written with ' for ", encoding that must succeed, and a body
 * wrapped into a SignedEntry the way the store builds one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lcn.pb-c.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "test_pbjson_fx.h"

/* Parses JSON written with ' for " (test literals stay readable). */
json_t *
j(const char *text)
{
	json_error_t	 jerr;
	json_t		*v;
	char		*s, *p;

	s = strdup(text);
	assert_non_null(s);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL)
		fail_msg("bad test JSON at %d: %s: %s", jerr.position,
		    jerr.text, s);
	free(s);
	return v;
}

/* Encodes and expects success. */
void
encode_ok(const json_t *body, uint8_t **out, size_t *len)
{
	char	err[ERRSZ];
	int	r;

	r = pbjson_body_encode(body, out, len, err, sizeof(err));
	if (r != 0)
		fail_msg("encode failed (%d): %s", r, err);
	assert_non_null(*out);
	assert_true(*len > 0);
}

/*
 * Wraps body bytes into a SignedEntry: an Entry header packed with the
 * generated code, the body appended (protobuf merges concatenated
 * messages, as store_publish relies on), and a made-up signature.
 */
void
wrap(const uint8_t *body, size_t blen, uint8_t **out, size_t *outlen)
{
	Lcn__Entry	 hdr = LCN__ENTRY__INIT;
	Lcn__SignedEntry se = LCN__SIGNED_ENTRY__INIT;
	uint8_t		 prev_hash[HASH_LEN], prev_root[HASH_LEN];
	uint8_t		 key_id[KEY_ID_LEN], sig[SIG_LEN], *entry;
	size_t		 hlen, i;

	for (i = 0; i < HASH_LEN; i++) {
		prev_hash[i] = (uint8_t)i;
		prev_root[i] = (uint8_t)(0xa0 + i);
		key_id[i] = (uint8_t)(0x40 + i);
	}
	for (i = 0; i < SIG_LEN; i++)
		sig[i] = (uint8_t)(0xff - i);
	hdr.origin = "JP-METI";
	hdr.group = "WA";
	hdr.seq = 42;
	hdr.created_ms = 1772366400123ull;
	hdr.prev_hash.data = prev_hash;
	hdr.prev_hash.len = sizeof(prev_hash);
	hdr.prev_root.data = prev_root;
	hdr.prev_root.len = sizeof(prev_root);
	hdr.key_id.data = key_id;
	hdr.key_id.len = sizeof(key_id);
	hlen = lcn__entry__get_packed_size(&hdr);
	entry = malloc(hlen + blen);
	assert_non_null(entry);
	assert_int_equal(lcn__entry__pack(&hdr, entry), hlen);
	memcpy(entry + hlen, body, blen);

	se.entry.data = entry;
	se.entry.len = hlen + blen;
	se.signature.data = sig;
	se.signature.len = sizeof(sig);
	*outlen = lcn__signed_entry__get_packed_size(&se);
	*out = malloc(*outlen);
	assert_non_null(*out);
	assert_int_equal(lcn__signed_entry__pack(&se, *out), *outlen);
	free(entry);
}
