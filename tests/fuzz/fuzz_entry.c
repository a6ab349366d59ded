/*
 * libFuzzer harness for entry_parse (PROTOCOL.md section 3). The input
 * is one SignedEntry, as in tests/corpus/entry. A failure must leave the
 * view zeroed. An accepted entry must have its view inside the input, and
 * wrapping its entry and signature again must give back the input byte for
 * byte: the leaf hash covers these bytes, so only one encoding of a signed
 * entry may exist.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "entry.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct entry_view zero_view;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct entry_view	 v;
	uint8_t			*se, hdr[512];
	size_t			 selen;
	char			 err[256];
	int			 rc;

	rc = entry_parse(data, size, &v, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == LCN_EPROTO);
		CHECK(memcmp(&v, &zero_view, sizeof(v)) == 0);
		return 0;
	}
	CHECK(size <= ENTRY_MAX && v.seq >= 1 && v.body_type != 0);
	CHECK(v.entry.len > 0 && v.entry.ptr > data);
	CHECK(v.entry.len < size &&
	    (size_t)(v.entry.ptr - data) <= size - v.entry.len);
	CHECK(entry_encode_signed(v.entry.ptr, v.entry.len, v.sig, &se,
	    &selen) == 0);
	CHECK(selen == size && memcmp(se, data, size) == 0);
	free(se);
	/* The header fields re-encode within a small buffer. */
	CHECK(entry_encode_header(&v, hdr, sizeof(hdr)) > 0);
	return 0;
}
