/*
 * Unit tests for frame.c: the 4-byte big-endian length header and the
 * frame reader (PROTOCOL.md section 4). Every failure is checked to have
 * moved nothing: the header zeroed, the reader's offset and held bytes
 * unchanged, the body view NULL and its length 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "lcn_err.h"
#include "util.h"

#define SMALL_MAX	64	/* reader limit in most tests */

/* Writes a header and a body of len bytes (i + seed) into out. */
static size_t
put_frame(uint8_t *out, uint32_t len, uint8_t seed)
{
	uint32_t i;

	frame_write_header(out, len);
	for (i = 0; i < len; i++)
		out[FRAME_HDR_LEN + i] = (uint8_t)(i + seed);
	return FRAME_HDR_LEN + len;
}

static void
assert_body(const uint8_t *body, size_t len, uint32_t want, uint8_t seed)
{
	uint32_t i;

	assert_non_null(body);
	assert_int_equal(len, want);
	for (i = 0; i < want; i++)
		assert_int_equal(body[i], (uint8_t)(i + seed));
}

/* frame_reader_next failed: nothing handed out, nothing consumed. */
static void
assert_next_moved_nothing(struct frame_reader *r, int want_rc)
{
	const uint8_t	*body = (const uint8_t *)r;	/* not NULL */
	size_t		 len = 12345, off = r->off, held = r->len;

	assert_int_equal(frame_reader_next(r, &body, &len), want_rc);
	assert_null(body);
	assert_int_equal(len, 0);
	assert_int_equal(r->off, off);
	assert_int_equal(r->len, held);
}

static void
frame_parses_valid_header(void **state)
{
	uint8_t			b[FRAME_HDR_LEN];
	struct frame_hdr	h;

	(void)state;
	store_be32(b, 1);
	assert_int_equal(frame_parse_header(b, sizeof(b), SMALL_MAX, &h), 0);
	assert_int_equal(h.body_len, 1);
	store_be32(b, 0x00010203);
	assert_int_equal(frame_parse_header(b, sizeof(b), FRAME_BODY_MAX,
	    &h), 0);
	assert_int_equal(h.body_len, 0x00010203);
}

static void
frame_accepts_length_equal_to_max(void **state)
{
	uint8_t			b[FRAME_HDR_LEN];
	struct frame_hdr	h;

	(void)state;
	store_be32(b, SMALL_MAX);
	assert_int_equal(frame_parse_header(b, sizeof(b), SMALL_MAX, &h), 0);
	assert_int_equal(h.body_len, SMALL_MAX);
	store_be32(b, FRAME_BODY_MAX);
	assert_int_equal(frame_parse_header(b, sizeof(b), FRAME_BODY_MAX,
	    &h), 0);
	assert_int_equal(h.body_len, FRAME_BODY_MAX);
}

static void
frame_rejects_zero_length(void **state)
{
	uint8_t			b[FRAME_HDR_LEN] = { 0, 0, 0, 0 };
	struct frame_hdr	h;

	(void)state;
	h.body_len = 77;
	assert_int_equal(frame_parse_header(b, sizeof(b), SMALL_MAX, &h),
	    LCN_EPROTO);
	assert_int_equal(h.body_len, 0);
}

static void
frame_rejects_body_over_max(void **state)
{
	uint8_t			b[FRAME_HDR_LEN];
	struct frame_hdr	h;

	(void)state;
	store_be32(b, SMALL_MAX + 1);
	h.body_len = 77;
	assert_int_equal(frame_parse_header(b, sizeof(b), SMALL_MAX, &h),
	    LCN_EPROTO);
	assert_int_equal(h.body_len, 0);
	store_be32(b, FRAME_BODY_MAX + 1);
	h.body_len = 77;
	assert_int_equal(frame_parse_header(b, sizeof(b), FRAME_BODY_MAX,
	    &h), LCN_EPROTO);
	assert_int_equal(h.body_len, 0);
}

/* A length with the top bit set must not be read as a negative number. */
static void
frame_rejects_length_with_high_bit_set(void **state)
{
	uint8_t			b[FRAME_HDR_LEN];
	struct frame_hdr	h;

	(void)state;
	store_be32(b, 0x80000000u);
	assert_int_equal(frame_parse_header(b, sizeof(b), FRAME_BODY_MAX,
	    &h), LCN_EPROTO);
	assert_int_equal(h.body_len, 0);
	store_be32(b, 0xffffffffu);
	assert_int_equal(frame_parse_header(b, sizeof(b), FRAME_BODY_MAX,
	    &h), LCN_EPROTO);
	assert_int_equal(h.body_len, 0);
}

static void
frame_header_needs_four_bytes(void **state)
{
	uint8_t			b[FRAME_HDR_LEN];
	struct frame_hdr	h;
	size_t			n;

	(void)state;
	store_be32(b, 1);
	for (n = 0; n < FRAME_HDR_LEN; n++) {
		h.body_len = 77;
		assert_int_equal(frame_parse_header(b, n, SMALL_MAX, &h),
		    LCN_EAGAIN);
		assert_int_equal(h.body_len, 0);
	}
	/* Not even a pointer is looked at when nothing is there. */
	h.body_len = 77;
	assert_int_equal(frame_parse_header(NULL, 0, SMALL_MAX, &h),
	    LCN_EAGAIN);
	assert_int_equal(h.body_len, 0);
}

/* The header parser reads four bytes and ignores what follows. */
static void
frame_header_ignores_following_bytes(void **state)
{
	uint8_t			b[FRAME_HDR_LEN + 3];
	struct frame_hdr	h;

	(void)state;
	store_be32(b, 2);
	memset(b + FRAME_HDR_LEN, 0xff, 3);
	assert_int_equal(frame_parse_header(b, sizeof(b), SMALL_MAX, &h), 0);
	assert_int_equal(h.body_len, 2);
}

static void
frame_write_header_is_big_endian(void **state)
{
	uint8_t			b[FRAME_HDR_LEN];
	const uint8_t		want[FRAME_HDR_LEN] = { 1, 2, 3, 4 };
	struct frame_hdr	h;

	(void)state;
	frame_write_header(b, 0x01020304);
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(frame_parse_header(b, sizeof(b), FRAME_BODY_MAX,
	    &h), 0);
	assert_int_equal(h.body_len, 0x01020304);
}

static void
frame_reader_returns_whole_frame(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[FRAME_HDR_LEN + 10];
	const uint8_t		*body;
	size_t			 n, len;

	(void)state;
	frame_reader_init(&r, SMALL_MAX);
	n = put_frame(b, 10, 3);
	assert_int_equal(frame_reader_push(&r, b, n), 0);
	assert_int_equal(frame_reader_next(&r, &body, &len), 0);
	assert_body(body, len, 10, 3);
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	frame_reader_free(&r);
}

static void
frame_reader_accepts_body_equal_to_max(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[FRAME_HDR_LEN + SMALL_MAX];
	const uint8_t		*body;
	size_t			 n, len;

	(void)state;
	frame_reader_init(&r, SMALL_MAX);
	n = put_frame(b, SMALL_MAX, 9);
	assert_int_equal(frame_reader_push(&r, b, n), 0);
	assert_int_equal(frame_reader_next(&r, &body, &len), 0);
	assert_body(body, len, SMALL_MAX, 9);
	frame_reader_free(&r);
}

static void
frame_reader_waits_on_frame_truncated_at_each_byte(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[FRAME_HDR_LEN + 20];
	size_t			 n, cut;

	(void)state;
	n = put_frame(b, 20, 0);
	for (cut = 0; cut < n; cut++) {
		frame_reader_init(&r, SMALL_MAX);
		assert_int_equal(frame_reader_push(&r, b, cut), 0);
		assert_next_moved_nothing(&r, LCN_EAGAIN);
		frame_reader_free(&r);
	}
}

/* Three frames arriving one byte per push, as a slow TLS record might. */
static void
frame_reader_reassembles_frames_pushed_byte_by_byte(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[3 * FRAME_HDR_LEN + 1 + 17 + SMALL_MAX];
	const uint8_t		 lens[3] = { 1, 17, SMALL_MAX };
	const uint8_t		*body;
	size_t			 n = 0, i, len, got = 0;
	int			 rc;

	(void)state;
	for (i = 0; i < 3; i++)
		n += put_frame(b + n, lens[i], (uint8_t)(i * 50));
	assert_int_equal(n, sizeof(b));
	frame_reader_init(&r, SMALL_MAX);
	for (i = 0; i < n; i++) {
		assert_int_equal(frame_reader_push(&r, b + i, 1), 0);
		while ((rc = frame_reader_next(&r, &body, &len)) == 0) {
			assert_true(got < 3);
			assert_body(body, len, lens[got], (uint8_t)(got * 50));
			got++;
		}
		assert_int_equal(rc, LCN_EAGAIN);
		assert_null(body);
		assert_int_equal(len, 0);
	}
	assert_int_equal(got, 3);
	frame_reader_free(&r);
}

static void
frame_reader_returns_several_frames_from_one_push(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[5 * (FRAME_HDR_LEN + 8)];
	const uint8_t		*body;
	size_t			 n = 0, i, len;

	(void)state;
	for (i = 0; i < 5; i++)
		n += put_frame(b + n, (uint32_t)(i + 4), (uint8_t)i);
	frame_reader_init(&r, SMALL_MAX);
	assert_int_equal(frame_reader_push(&r, b, n), 0);
	for (i = 0; i < 5; i++) {
		assert_int_equal(frame_reader_next(&r, &body, &len), 0);
		assert_body(body, len, (uint32_t)(i + 4), (uint8_t)i);
	}
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	frame_reader_free(&r);
}

/* A whole frame followed by half a header: the tail waits for more. */
static void
frame_reader_keeps_trailing_partial_frame(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[2 * (FRAME_HDR_LEN + 5)];
	const uint8_t		*body;
	size_t			 n, len;

	(void)state;
	n = put_frame(b, 5, 1);
	n += put_frame(b + n, 5, 2);
	frame_reader_init(&r, SMALL_MAX);
	assert_int_equal(frame_reader_push(&r, b, n - 5 - 2), 0);
	assert_int_equal(frame_reader_next(&r, &body, &len), 0);
	assert_body(body, len, 5, 1);
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	assert_int_equal(frame_reader_push(&r, b + n - 7, 7), 0);
	assert_int_equal(frame_reader_next(&r, &body, &len), 0);
	assert_body(body, len, 5, 2);
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	frame_reader_free(&r);
}

static void
frame_reader_fails_on_oversized_header(void **state)
{
	struct frame_reader	r;
	uint8_t			b[FRAME_HDR_LEN];

	(void)state;
	frame_reader_init(&r, SMALL_MAX);
	store_be32(b, SMALL_MAX + 1);
	assert_int_equal(frame_reader_push(&r, b, sizeof(b)), 0);
	/* Fails as soon as the header is in, without waiting for a body. */
	assert_next_moved_nothing(&r, LCN_EPROTO);
	assert_next_moved_nothing(&r, LCN_EPROTO);
	frame_reader_free(&r);
}

static void
frame_reader_fails_on_zero_length_header(void **state)
{
	struct frame_reader	r;
	uint8_t			b[FRAME_HDR_LEN] = { 0, 0, 0, 0 };

	(void)state;
	frame_reader_init(&r, SMALL_MAX);
	assert_int_equal(frame_reader_push(&r, b, sizeof(b)), 0);
	assert_next_moved_nothing(&r, LCN_EPROTO);
	frame_reader_free(&r);
}

/* A good frame is handed out; the bad header after it stops the reader. */
static void
frame_reader_fails_on_bad_header_after_good_frame(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[FRAME_HDR_LEN + 3 + FRAME_HDR_LEN];
	const uint8_t		*body;
	size_t			 n, len;

	(void)state;
	n = put_frame(b, 3, 7);
	store_be32(b + n, 0xffffffffu);
	frame_reader_init(&r, SMALL_MAX);
	assert_int_equal(frame_reader_push(&r, b, sizeof(b)), 0);
	assert_int_equal(frame_reader_next(&r, &body, &len), 0);
	assert_body(body, len, 3, 7);
	assert_int_equal(r.off, n);
	assert_next_moved_nothing(&r, LCN_EPROTO);
	frame_reader_free(&r);
}

/* Consumed frames are compacted away: the buffer does not grow forever. */
static void
frame_reader_reuses_buffer_across_many_frames(void **state)
{
	struct frame_reader	 r;
	uint8_t			 b[FRAME_HDR_LEN + SMALL_MAX];
	const uint8_t		*body;
	size_t			 n, len, i, cap = 0;

	(void)state;
	n = put_frame(b, SMALL_MAX, 5);
	frame_reader_init(&r, SMALL_MAX);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(frame_reader_push(&r, b, n), 0);
		assert_int_equal(frame_reader_next(&r, &body, &len), 0);
		assert_body(body, len, SMALL_MAX, 5);
		if (i == 0)
			cap = r.cap;
		assert_int_equal(r.cap, cap);
	}
	frame_reader_free(&r);
}

/* A body larger than the initial buffer makes it grow, not truncate. */
static void
frame_reader_grows_for_large_body(void **state)
{
	struct frame_reader	 r;
	uint8_t			*b;
	const uint8_t		*body;
	size_t			 n, len;
	uint32_t		 big = 300 * 1024;

	(void)state;
	assert_non_null(b = malloc(FRAME_HDR_LEN + big));
	n = put_frame(b, big, 11);
	frame_reader_init(&r, FRAME_BODY_DEFAULT);
	assert_int_equal(frame_reader_push(&r, b, n / 2), 0);
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	assert_int_equal(frame_reader_push(&r, b + n / 2, n - n / 2), 0);
	assert_int_equal(frame_reader_next(&r, &body, &len), 0);
	assert_body(body, len, big, 11);
	frame_reader_free(&r);
	free(b);
}

/*
 * Regression: a fresh reader has no buffer, and pushing zero bytes or
 * asking for a frame computed NULL + 0 and called memcpy with NULL, which
 * is undefined behaviour (UBSan's pointer-overflow check reports it under
 * clang). Both must be harmless no-ops.
 */
static void
frame_reader_empty_push_and_next_on_fresh_reader(void **state)
{
	struct frame_reader	r;
	uint8_t			b[1] = { 0 };

	(void)state;
	frame_reader_init(&r, SMALL_MAX);
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	assert_int_equal(frame_reader_push(&r, NULL, 0), 0);
	assert_int_equal(frame_reader_push(&r, b, 0), 0);
	assert_int_equal(r.len, 0);
	assert_next_moved_nothing(&r, LCN_EAGAIN);
	frame_reader_free(&r);
	/* free() leaves a zeroed reader that can be freed again. */
	assert_null(r.buf);
	frame_reader_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frame_parses_valid_header),
		cmocka_unit_test(frame_accepts_length_equal_to_max),
		cmocka_unit_test(frame_rejects_zero_length),
		cmocka_unit_test(frame_rejects_body_over_max),
		cmocka_unit_test(frame_rejects_length_with_high_bit_set),
		cmocka_unit_test(frame_header_needs_four_bytes),
		cmocka_unit_test(frame_header_ignores_following_bytes),
		cmocka_unit_test(frame_write_header_is_big_endian),
		cmocka_unit_test(frame_reader_returns_whole_frame),
		cmocka_unit_test(frame_reader_accepts_body_equal_to_max),
		cmocka_unit_test(
		    frame_reader_waits_on_frame_truncated_at_each_byte),
		cmocka_unit_test(
		    frame_reader_reassembles_frames_pushed_byte_by_byte),
		cmocka_unit_test(
		    frame_reader_returns_several_frames_from_one_push),
		cmocka_unit_test(frame_reader_keeps_trailing_partial_frame),
		cmocka_unit_test(frame_reader_fails_on_oversized_header),
		cmocka_unit_test(frame_reader_fails_on_zero_length_header),
		cmocka_unit_test(
		    frame_reader_fails_on_bad_header_after_good_frame),
		cmocka_unit_test(frame_reader_reuses_buffer_across_many_frames),
		cmocka_unit_test(frame_reader_grows_for_large_body),
		cmocka_unit_test(
		    frame_reader_empty_push_and_next_on_fresh_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
