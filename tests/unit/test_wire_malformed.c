/*
 * Unit tests for the Frame codec (wire.c) on hostile bytes: empty frames,
 * frames with no known message, wrong protobuf wire types, lengths past
 * the end, trailing garbage, random bytes, and every truncation and bit
 * flip of real frames. Each must be refused with LCN_EPROTO and the output
 * zeroed, or decode cleanly; none may crash or leak. The mutation loops
 * are meant to run under ASan+UBSan (-DLCN_SANITIZE=ON).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn_err.h"
#include "test_wire_fx.h"
#include "wire.h"

static const struct msg	zero_msg;

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Every bit flip and every truncation of body: no crash, no leak. */
static void
mutate_decode(const uint8_t *body, size_t len)
{
	struct msg	 m;
	uint8_t		*b;
	size_t		 i, n;
	int		 r;

	assert_non_null(b = malloc(len));
	for (i = 0; i < len * 8; i++) {
		memcpy(b, body, len);
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		r = wire_decode(b, len, &m, NULL, 0);
		if (r == 0)
			msg_free(&m);
		else {
			assert_int_equal(r, LCN_EPROTO);
			assert_memory_equal(&m, &zero_msg, sizeof(m));
		}
	}
	for (n = 0; n < len; n++) {
		/* Exactly n bytes of heap, so ASan sees any overread. */
		uint8_t *t = malloc(n ? n : 1);

		assert_non_null(t);
		memcpy(t, body, n);
		r = wire_decode(t, n, &m, NULL, 0);
		if (r == 0)
			msg_free(&m);
		else
			assert_memory_equal(&m, &zero_msg, sizeof(m));
		free(t);
	}
	free(b);
}

static void
wire_rejects_empty_frame(void **state)
{
	uint8_t b[1] = { 0 };

	(void)state;
	decode_fails(b, 0, "no known message");
	decode_fails(NULL, 0, "no known message");
}

/* A Frame whose only field is unknown carries no message. */
static void
wire_rejects_frame_without_message(void **state)
{
	const uint8_t b[] = { 0x78, 0x01 };	/* field 15, varint 1 */

	(void)state;
	decode_fails(b, sizeof(b), "no known message");
}

/* Wrong wire types, trailing garbage and lengths past the end. */
static void
wire_rejects_malformed_protobuf(void **state)
{
	/* Ping {nonce = 5}: 42 02 08 05. */
	const uint8_t ping[] = { 0x42, 0x02, 0x08, 0x05 };
	const uint8_t ping_as_varint[] = { 0x40, 0x05 };
	const uint8_t nonce_as_bytes[] = { 0x42, 0x03, 0x0a, 0x01, 0x05 };
	const uint8_t len_past_end[] = { 0x42, 0x7f, 0x08, 0x05 };
	const uint8_t inner_past_end[] = { 0x42, 0x02, 0x0a, 0x09 };
	const uint8_t huge_len[] = { 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f,
	    0x08, 0x05 };
	const uint8_t bad_varint[] = { 0x42, 0x0b, 0x08, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const uint8_t field_zero[] = { 0x42, 0x02, 0x08, 0x05, 0x00, 0x00 };
	uint8_t garbage[sizeof(ping) + 1];
	struct msg m;

	(void)state;
	decode_ok(ping, sizeof(ping), &m);
	assert_int_equal(m.type, MSG_PING);
	assert_int_equal(m.u.ping.nonce, 5);
	msg_free(&m);
	decode_fails(ping_as_varint, sizeof(ping_as_varint), NULL);
	decode_fails(nonce_as_bytes, sizeof(nonce_as_bytes), NULL);
	decode_fails(len_past_end, sizeof(len_past_end), NULL);
	decode_fails(inner_past_end, sizeof(inner_past_end), NULL);
	decode_fails(huge_len, sizeof(huge_len), NULL);
	decode_fails(bad_varint, sizeof(bad_varint), NULL);
	decode_fails(field_zero, sizeof(field_zero), NULL);
	memcpy(garbage, ping, sizeof(ping));
	garbage[sizeof(ping)] = 0xff;
	decode_fails(garbage, sizeof(garbage), NULL);
	garbage[sizeof(ping)] = 0x80;
	decode_fails(garbage, sizeof(garbage), NULL);
}

static void
wire_rejects_random_bytes(void **state)
{
	uint64_t	 s = 0x9e3779b97f4a7c15ull;
	uint8_t		 b[256];
	struct msg	 m;
	size_t		 i, k, len;
	int		 r;

	(void)state;
	memset(b, 0xff, sizeof(b));
	decode_fails(b, sizeof(b), NULL);
	for (i = 0; i < 20000; i++) {
		len = rnd(&s) % sizeof(b);
		for (k = 0; k < len; k++)
			b[k] = (uint8_t)rnd(&s);
		r = wire_decode(b, len, &m, NULL, 0);
		if (r == 0)
			msg_free(&m);
		else {
			assert_int_equal(r, LCN_EPROTO);
			assert_memory_equal(&m, &zero_msg, sizeof(m));
		}
	}
}

static void
wire_rejects_hello_and_entries_truncated_at_each_byte(void **state)
{
	struct head	*heads = make_heads(4);
	uint8_t		 a[40], c[70], *frame, *body;
	struct bytes	 items[2] = { { a, sizeof(a) }, { c, sizeof(c) } };
	struct msg	 hello = hello_msg(heads, 4);
	struct msg	 ent = entries_msg(items, 2);
	size_t		 len, n;

	(void)state;
	fill(a, sizeof(a), 1);
	fill(c, sizeof(c), 2);
	body = encode(&hello, &len, &frame);
	for (n = 0; n < len; n++)
		decode_fails(body, n, NULL);
	free(frame);
	body = encode(&ent, &len, &frame);
	for (n = 0; n < len; n++)
		decode_fails(body, n, NULL);
	free(frame);
	free(heads);
}

static void
wire_survives_mutations_of_hello_and_entries(void **state)
{
	struct head	*heads = make_heads(3);
	uint8_t		 a[40], c[70], *frame, *body;
	struct bytes	 items[3] = { { a, sizeof(a) }, { c, sizeof(c) },
			    { a, 1 } };
	struct msg	 hello = hello_msg(heads, 3);
	struct msg	 ent = entries_msg(items, 3);
	size_t		 len;

	(void)state;
	fill(a, sizeof(a), 1);
	fill(c, sizeof(c), 2);
	body = encode(&hello, &len, &frame);
	mutate_decode(body, len);
	free(frame);
	body = encode(&ent, &len, &frame);
	mutate_decode(body, len);
	free(frame);
	free(heads);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_rejects_empty_frame),
		cmocka_unit_test(wire_rejects_frame_without_message),
		cmocka_unit_test(wire_rejects_malformed_protobuf),
		cmocka_unit_test(wire_rejects_random_bytes),
		cmocka_unit_test(
		    wire_rejects_hello_and_entries_truncated_at_each_byte),
		cmocka_unit_test(wire_survives_mutations_of_hello_and_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
