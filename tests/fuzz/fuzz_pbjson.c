/*
 * libFuzzer harness for pbjson, the path an officer's JSON takes to become
 * a ledger entry body or a licence application: json_loadb as lcn publish
 * and lcn check call it, then pbjson_body_encode and
 * pbjson_transaction_encode. A refused input must give LCN_EINVAL, a
 * message, and no output. An accepted body must fit PBJSON_BODY_MAX,
 * unpack as an Entry holding one body, and survive the way back: wrapped
 * in a SignedEntry, pbjson_entry_decode must give a "type" and "body" that
 * pbjson_body_encode turns into the same bytes again (what lcn log shows
 * can be published as it is).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "pbjson.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The body's JSON as lcn log shows it, encoded again: must be the same. */
static void
check_round_trip(const uint8_t *body, size_t len)
{
	Lcn__SignedEntry	 se = LCN__SIGNED_ENTRY__INIT;
	json_t			*dec, *again;
	uint8_t			*packed, *out, sig[64];
	size_t			 plen, outlen;
	char			 err[512];

	memset(sig, 0, sizeof(sig));
	se.entry.data = (uint8_t *)(uintptr_t)body;
	se.entry.len = len;
	se.signature.data = sig;
	se.signature.len = sizeof(sig);
	plen = lcn__signed_entry__get_packed_size(&se);
	CHECK((packed = malloc(plen)) != NULL);
	CHECK(lcn__signed_entry__pack(&se, packed) == plen);
	dec = pbjson_entry_decode(packed, plen, err, sizeof(err));
	if (dec == NULL) {
		fprintf(stderr, "decode: %s\n", err);
		CHECK(dec != NULL);
	}
	CHECK(json_is_string(json_object_get(dec, "type")));
	CHECK((again = json_object()) != NULL);
	CHECK(json_object_set(again, json_string_value(json_object_get(dec,
	    "type")), json_object_get(dec, "body")) == 0);
	if (pbjson_body_encode(again, &out, &outlen, err, sizeof(err)) != 0) {
		fprintf(stderr, "encode again: %s\n", err);
		abort();
	}
	CHECK(outlen == len && memcmp(out, body, len) == 0);
	free(out);
	json_decref(again);
	json_decref(dec);
	free(packed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Lcn__Entry		*e;
	Lcn__Transaction	*t;
	json_error_t		 jerr;
	json_t			*v;
	uint8_t			*out;
	size_t			 outlen;
	char			 err[512];
	int			 rc;

	if ((v = json_loadb((const char *)data, size,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr)) == NULL)
		return 0;

	rc = pbjson_body_encode(v, &out, &outlen, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == LCN_EINVAL || rc == LCN_ENOMEM);
		CHECK(out == NULL && outlen == 0);
		CHECK(rc != LCN_EINVAL || err[0] != '\0');
	} else {
		CHECK(out != NULL && outlen <= PBJSON_BODY_MAX);
		CHECK((e = lcn__entry__unpack(NULL, outlen, out)) != NULL);
		CHECK(e->body_case != LCN__ENTRY__BODY__NOT_SET);
		lcn__entry__free_unpacked(e, NULL);
		check_round_trip(out, outlen);
		free(out);
	}

	rc = pbjson_transaction_encode(v, &out, &outlen, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == LCN_EINVAL || rc == LCN_ENOMEM);
		CHECK(out == NULL && outlen == 0);
		CHECK(rc != LCN_EINVAL || err[0] != '\0');
	} else {
		CHECK(out != NULL && outlen <= PBJSON_BODY_MAX);
		CHECK((t = lcn__transaction__unpack(NULL, outlen, out)) !=
		    NULL);
		lcn__transaction__free_unpacked(t, NULL);
		free(out);
	}
	json_decref(v);
	return 0;
}
