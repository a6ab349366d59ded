/*
 * libFuzzer harness for wire_decode (PROTOCOL.md sections 4 and 7). The
 * input is one whole frame, as in tests/corpus/frame: the 4-byte header is
 * skipped (fuzz_frame covers it) and the rest decoded as a Frame body.
 * Whatever decodes must re-encode, decode again to the same type, and
 * re-encode to the same bytes; whatever fails must leave the msg zeroed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "lcn_err.h"
#include "wire.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct msg zero_msg;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg	 m, m2;
	uint8_t		*f1 = NULL, *f2 = NULL;
	size_t		 l1, l2;
	char		 err[256];
	int		 rc;

	if (size < FRAME_HDR_LEN)
		return 0;
	data += FRAME_HDR_LEN;
	size -= FRAME_HDR_LEN;
	rc = wire_decode(data, size, &m, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == LCN_EPROTO);
		CHECK(memcmp(&m, &zero_msg, sizeof(m)) == 0);
		CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		return 0;
	}
	CHECK(m.type > MSG_NONE && m.type <= MSG_ERROR);
	CHECK(wire_encode(&m, &f1, &l1) == 0);
	CHECK(l1 > FRAME_HDR_LEN);
	CHECK(wire_decode(f1 + FRAME_HDR_LEN, l1 - FRAME_HDR_LEN, &m2, err,
	    sizeof(err)) == 0);
	CHECK(m2.type == m.type);
	CHECK(wire_encode(&m2, &f2, &l2) == 0);
	CHECK(l1 == l2 && memcmp(f1, f2, l1) == 0);
	free(f1);
	free(f2);
	msg_free(&m);
	msg_free(&m2);
	return 0;
}
