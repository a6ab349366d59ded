/*
 * libFuzzer harness for frame.c (PROTOCOL.md section 4). The input is a byte
 * stream as it would leave TLS. It is fed to one reader in a single push
 * and to a second reader in small pushes of varying size; both must hand
 * out exactly the same frames, each being the bytes that follow its header
 * in the input, and end in the same state (LCN_EAGAIN or LCN_EPROTO).
 * A failed frame_reader_next must move nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "lcn_err.h"
#include "util.h"

/* Small, so that both "too large" and "complete" are easy to reach. */
#define FUZZ_FRAME_MAX	4096

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Takes every complete frame from r, checking each against the input at
 * *pos. Returns the reader's last status: LCN_EAGAIN or LCN_EPROTO.
 */
static int
drain(struct frame_reader *r, const uint8_t *data, size_t size, size_t *pos,
    size_t *nframes)
{
	const uint8_t	*body;
	size_t		 len, off;
	int		 rc;

	while ((rc = frame_reader_next(r, &body, &len)) == 0) {
		CHECK(len >= 1 && len <= FUZZ_FRAME_MAX);
		CHECK(size - *pos >= FRAME_HDR_LEN + len);
		CHECK(load_be32(data + *pos) == len);
		CHECK(memcmp(body, data + *pos + FRAME_HDR_LEN, len) == 0);
		*pos += FRAME_HDR_LEN + len;
		(*nframes)++;
	}
	CHECK(rc == LCN_EAGAIN || rc == LCN_EPROTO);
	CHECK(body == NULL && len == 0);
	/* Nothing moved: asking again gives the same answer. */
	off = r->off;
	CHECK(frame_reader_next(r, &body, &len) == rc);
	CHECK(r->off == off && body == NULL && len == 0);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_reader	one, many;
	struct frame_hdr	h;
	size_t			pos1 = 0, pos2 = 0, n1 = 0, n2 = 0, i, step;
	int			rc1, rc2 = LCN_EAGAIN, hrc;

	/* The header parser alone, on the start of the input. */
	hrc = frame_parse_header(data, size, FUZZ_FRAME_MAX, &h);
	if (hrc == 0)
		CHECK(h.body_len >= 1 && h.body_len <= FUZZ_FRAME_MAX);
	else
		CHECK(h.body_len == 0 && (hrc == LCN_EAGAIN ||
		    hrc == LCN_EPROTO));

	frame_reader_init(&one, FUZZ_FRAME_MAX);
	CHECK(frame_reader_push(&one, data, size) == 0);
	rc1 = drain(&one, data, size, &pos1, &n1);
	if (hrc != 0)
		CHECK(n1 == 0 && rc1 == hrc);

	/* Pushes of 1, 2, ... 7 bytes, in turn; stop once the reader fails. */
	frame_reader_init(&many, FUZZ_FRAME_MAX);
	for (i = 0, step = 1; i < size && rc2 != LCN_EPROTO; i += step,
	    step = step % 7 + 1) {
		if (step > size - i)
			step = size - i;
		CHECK(frame_reader_push(&many, data + i, step) == 0);
		rc2 = drain(&many, data, size, &pos2, &n2);
	}
	CHECK(rc1 == rc2);
	CHECK(n1 == n2 && pos1 == pos2);

	frame_reader_free(&one);
	frame_reader_free(&many);
	return 0;
}
