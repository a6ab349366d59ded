/*
 * Unit tests for the JSON codec's decoder (pbjson_decode.c): a stored
 * SignedEntry shown as JSON, its header fields and leaf hash, a body with
 * no known type, invalid UTF-8 from a partner, entries over ENTRY_MAX, and
 * every truncation and bit flip of a real entry (meant to run under
 * ASan+UBSan).
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

#include "hash.h"
#include "lcn.pb-c.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "test_pbjson_fx.h"
#include "util.h"

/* The header fields, hashes and signature come back around the body. */
static void
decodes_entry_header_and_leaf_hash(void **state)
{
	json_t	*body = j("{'control_status':{'ref':'X'}}"), *dec;
	uint8_t	*bytes, *signed_bytes, leaf[HASH_LEN];
	size_t	 len, slen;
	char	 hex[2 * SIG_LEN + 1], err[ERRSZ];

	(void)state;
	encode_ok(body, &bytes, &len);
	wrap(bytes, len, &signed_bytes, &slen);
	dec = pbjson_entry_decode(signed_bytes, slen, err, sizeof(err));
	assert_non_null(dec);
	assert_string_equal(json_string_value(json_object_get(dec, "origin")),
	    "JP-METI");
	assert_string_equal(json_string_value(json_object_get(dec, "group")),
	    "WA");
	assert_int_equal(json_integer_value(json_object_get(dec, "seq")), 42);
	assert_int_equal(json_integer_value(json_object_get(dec,
	    "created_ms")), 1772366400123ll);
	assert_string_equal(json_string_value(json_object_get(dec,
	    "prev_hash")), "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f");
	assert_string_equal(json_string_value(json_object_get(dec,
	    "prev_root")), "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
	    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
	assert_string_equal(json_string_value(json_object_get(dec,
	    "key_id")), "404142434445464748494a4b4c4d4e4f"
	    "505152535455565758595a5b5c5d5e5f");
	assert_int_equal(hash_init(), 0);
	hash_leaf(signed_bytes, slen, leaf);
	hex_encode(leaf, sizeof(leaf), hex);
	assert_string_equal(json_string_value(json_object_get(dec,
	    "leaf_hash")), hex);
	assert_int_equal(strlen(json_string_value(json_object_get(dec,
	    "signature"))), 2 * SIG_LEN);
	assert_string_equal(json_string_value(json_object_get(dec, "type")),
	    "control_status");
	assert_int_equal(json_object_size(dec), 11);
	json_decref(dec);
	json_decref(body);
	free(bytes);
	free(signed_bytes);
}

/* Decoding never trusts its input: truncations and bit flips. */
static void
decode_survives_truncation_and_bit_flips(void **state)
{
	json_t	*body = j("{'denial_notice':" NOTICE_FULL "}"), *dec;
	uint8_t	*bytes, *sb, *copy;
	size_t	 len, slen, i;
	char	 err[ERRSZ];
	int	 ok = 0, bad = 0;

	(void)state;
	encode_ok(body, &bytes, &len);
	wrap(bytes, len, &sb, &slen);
	copy = malloc(slen);
	assert_non_null(copy);
	for (i = 0; i < slen; i++) {
		/* The copy is exactly slen bytes: ASan sees over-reads. */
		memcpy(copy, sb, i);
		dec = pbjson_entry_decode(copy, i, err, sizeof(err));
		if (dec == NULL) {
			assert_true(strlen(err) > 0);
			bad++;
		} else
			ok++;
		json_decref(dec);
	}
	for (i = 0; i < slen * 8; i++) {
		memcpy(copy, sb, slen);
		copy[i / 8] ^= (uint8_t)(1 << (i % 8));
		dec = pbjson_entry_decode(copy, slen, err, sizeof(err));
		json_decref(dec);
	}
	assert_true(bad > 0);
	(void)ok;
	assert_null(pbjson_entry_decode((const uint8_t *)"\xff\xff", 2, err,
	    sizeof(err)));
	assert_string_equal(err, "entry of 2 bytes: not a SignedEntry");
	free(copy);
	free(sb);
	free(bytes);
	json_decref(body);
}

/* Bad UTF-8 from a partner is shown with U+FFFD, not dropped. */
static void
decode_replaces_invalid_utf8(void **state)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__ControlStatus	 cs = LCN__CONTROL_STATUS__INIT;
	Lcn__SignedEntry	 se = LCN__SIGNED_ENTRY__INIT;
	uint8_t			 ebuf[256], sbuf[512];
	json_t			*dec;
	char			 err[ERRSZ];

	(void)state;
	cs.ref = "A\xff" "B\xc3";
	e.origin = "JP-METI";
	e.group = "WA";
	e.seq = 1;
	e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	e.control_status = &cs;
	se.entry.len = lcn__entry__pack(&e, ebuf);
	se.entry.data = ebuf;
	dec = pbjson_entry_decode(sbuf, lcn__signed_entry__pack(&se, sbuf),
	    err, sizeof(err));
	assert_non_null(dec);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(dec, "body"), "ref")),
	    "A\xef\xbf\xbd" "B\xef\xbf\xbd");
	json_decref(dec);
}

/* An Entry without a body (refused by wire.c) still decodes. */
static void
decode_shows_missing_body_as_null(void **state)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__SignedEntry	 se = LCN__SIGNED_ENTRY__INIT;
	uint8_t			 ebuf[256], sbuf[512];
	json_t			*dec;
	char			 err[ERRSZ];

	(void)state;
	e.origin = "JP-METI";
	e.group = "WA";
	e.seq = 1;
	se.entry.len = lcn__entry__pack(&e, ebuf);
	se.entry.data = ebuf;
	dec = pbjson_entry_decode(sbuf, lcn__signed_entry__pack(&se, sbuf),
	    err, sizeof(err));
	assert_non_null(dec);
	assert_true(json_is_null(json_object_get(dec, "type")));
	assert_true(json_is_null(json_object_get(dec, "body")));
	assert_string_equal(json_string_value(json_object_get(dec,
	    "prev_hash")), "");
	json_decref(dec);
}

static void
decode_rejects_over_entry_max(void **state)
{
	uint8_t	*big;
	char	 err[ERRSZ];

	(void)state;
	big = calloc(1, ENTRY_MAX + 1);
	assert_non_null(big);
	assert_null(pbjson_entry_decode(big, ENTRY_MAX + 1, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "ENTRY_MAX"));
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_entry_header_and_leaf_hash),
		cmocka_unit_test(decode_survives_truncation_and_bit_flips),
		cmocka_unit_test(decode_replaces_invalid_utf8),
		cmocka_unit_test(decode_shows_missing_body_as_null),
		cmocka_unit_test(decode_rejects_over_entry_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
