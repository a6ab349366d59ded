/*
 * Unit tests for the Frame codec (wire.c) on hostile bytes: empty frames,
 * frames with no known message, wrong protobuf wire types, lengths past
 * the end, trailing garbage, random bytes, and every truncation and bit
 * flip of real frames. Each must be refused with LCN_EPROTO and the output
 * zeroed, or decode cleanly; none may crash or leak. The mutation loops
 * are meant to run under ASan+UBSan (-DLCN_SANITIZE=ON). Frames dense in
 * fields (millions of empty heads, entries or unknown fields in 4 MB)
 * must be refused without the decoder's memory growing beyond a bound,
 * measured in a child process.
 */
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * Memory: a frame body of about 4 MB holding n copies of a two-byte field
 * inside the Frame's field outer (a Hello, Entries, Ping...), as a hostile
 * partner sends it. protobuf-c costs about a hundred bytes for each.
 */
#define DENSE_BODY	4180000

static uint8_t *
dense_frame(uint8_t outer, uint8_t tag, size_t *len)
{
	size_t	 inner = DENSE_BODY, i, off = 0;
	uint8_t	*b;

	assert_non_null(b = malloc(inner + 16));
	b[off++] = (uint8_t)(outer << 3 | 2);
	for (i = inner; i >= 0x80; i >>= 7)	/* the length's varint */
		b[off++] = (uint8_t)(i | 0x80);
	b[off++] = (uint8_t)i;
	for (i = 0; i < inner; i += 2) {
		b[off + i] = tag;
		b[off + i + 1] = 0;
	}
	*len = off + inner;
	return b;
}

/* A line of /proc/self/status, in kB; -1 if absent. */
static long
status_kb(const char *key)
{
	char	 line[256];
	long	 v = -1;
	size_t	 klen = strlen(key);
	FILE	*f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

struct decode_cost {
	int	r;		/* wire_decode's result */
	long	growth_kb;	/* peak resident set minus the one before */
	char	err[256];
};

/*
 * Decodes body in a child process, whose peak resident set (VmHWM) starts
 * at its resident set when forked, so that no earlier test's peak hides
 * this one's growth.
 */
static void
decode_in_child(const uint8_t *body, size_t len, struct decode_cost *c)
{
	struct msg	m;
	int		fd[2], status;
	pid_t		pid;
	long		before;

	memset(c, 0, sizeof(*c));
	assert_int_equal(pipe(fd), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(fd[0]);
		before = status_kb("VmRSS");
		c->r = wire_decode(body, len, &m, c->err, sizeof(c->err));
		c->growth_kb = status_kb("VmHWM") - before;
		if (c->r == 0)
			msg_free(&m);
		_exit(write(fd[1], c, sizeof(*c)) == (ssize_t)sizeof(*c) ?
		    0 : 1);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], c, sizeof(*c)), sizeof(*c));
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	print_message("%zu bytes: %s, peak grew %ld kB\n", len,
	    c->r == 0 ? "decoded" : c->err, c->growth_kb);
}

/*
 * The bound asserted on those 4 MB bodies: what the unpack budget allows
 * (UNPACK_BUDGET_FACTOR x 4 MB, 16 MB) and a margin for malloc. Before the
 * scan and the budget, the Hello below took 250 MB, as in lcnd.
 */
#define DENSE_GROWTH_MAX_KB	(24 * 1024)

static void
assert_growth_bounded(const struct decode_cost *c)
{
	if (c->growth_kb >= DENSE_GROWTH_MAX_KB)
		fail_msg("decoding grew the peak resident set by %ld kB, "
		    "expected under %d kB", c->growth_kb, DENSE_GROWTH_MAX_KB);
}

/* 2 million empty heads, HEADS_MAX is 65536: refused before unpacking. */
static void
wire_refuses_hello_of_empty_heads_before_unpacking(void **state)
{
	struct decode_cost	 c;
	uint8_t			*b;
	size_t			 len;

	(void)state;
	b = dense_frame(1, 5 << 3 | 2, &len);	/* Hello.heads, empty */
	decode_in_child(b, len, &c);
	free(b);
	assert_growth_bounded(&c);
	assert_int_equal(c.r, LCN_EPROTO);
	assert_non_null(strstr(c.err, "HEADS_MAX"));
}

static void
wire_refuses_heads_of_empty_heads_before_unpacking(void **state)
{
	struct decode_cost	 c;
	uint8_t			*b;
	size_t			 len;

	(void)state;
	b = dense_frame(2, 1 << 3 | 2, &len);	/* Heads.heads, empty */
	decode_in_child(b, len, &c);
	free(b);
	assert_growth_bounded(&c);
	assert_int_equal(c.r, LCN_EPROTO);
	assert_non_null(strstr(c.err, "Heads.heads"));
	assert_non_null(strstr(c.err, "HEADS_MAX"));
}

/* 2 million empty entries, BATCH_ENTRIES_MAX is 1024. */
static void
wire_refuses_entries_of_empty_entries_before_unpacking(void **state)
{
	struct decode_cost	 c;
	uint8_t			*b;
	size_t			 len;

	(void)state;
	b = dense_frame(4, 3 << 3 | 2, &len);	/* signed_entries, empty */
	decode_in_child(b, len, &c);
	free(b);
	assert_growth_bounded(&c);
	assert_int_equal(c.r, LCN_EPROTO);
	assert_non_null(strstr(c.err, "BATCH_ENTRIES_MAX"));
}

/*
 * 2 million unknown fields in a Ping: valid protobuf, which protobuf-c
 * keeps field by field. The budget stops it.
 */
static void
wire_refuses_ping_of_unknown_fields_within_budget(void **state)
{
	struct decode_cost	 c;
	uint8_t			*b;
	size_t			 len;

	(void)state;
	b = dense_frame(8, 15 << 3 | 0, &len);	/* field 15, varint 0 */
	decode_in_child(b, len, &c);
	free(b);
	assert_growth_bounded(&c);
	assert_int_equal(c.r, LCN_EPROTO);
	assert_non_null(strstr(c.err, "UNPACK_BUDGET_FACTOR"));
}

/*
 * The budget leaves room for the densest valid frames: HEADS_MAX heads
 * with the shortest ids, and BATCH_ENTRIES_MAX entries of one byte.
 */
static void
wire_budget_admits_densest_valid_frames(void **state)
{
	struct head	*heads;
	struct bytes	*items;
	struct msg	 in, m;
	uint8_t		*frame, *body, one = 0x5a;
	size_t		 len, i;

	(void)state;
	assert_non_null(heads = calloc(HEADS_MAX, sizeof(*heads)));
	for (i = 0; i < HEADS_MAX; i++) {
		set_feed(&heads[i].feed, "AB-C", "G");
		heads[i].seq = 1;
		fill(heads[i].hash, HASH_LEN, (uint8_t)i);
	}
	in = hello_msg(heads, HEADS_MAX);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &m);
	assert_int_equal(m.u.hello.nheads, HEADS_MAX);
	msg_free(&m);
	free(frame);
	free(heads);

	assert_non_null(items = calloc(BATCH_ENTRIES_MAX, sizeof(*items)));
	for (i = 0; i < BATCH_ENTRIES_MAX; i++) {
		items[i].ptr = &one;
		items[i].len = 1;
	}
	in = entries_msg(items, BATCH_ENTRIES_MAX);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &m);
	assert_int_equal(m.u.entries.nitems, BATCH_ENTRIES_MAX);
	msg_free(&m);
	free(frame);
	free(items);
}

/* Counted fields past the end of their message: refused by the scan. */
static void
wire_refuses_counted_field_past_its_message(void **state)
{
	/* Heads { heads: 2 bytes declared, 1 present }, then a Ping. */
	const uint8_t b[] = { 0x12, 0x02, 0x0a, 0x05, 0x42, 0x02, 0x08,
	    0x01 };

	(void)state;
	decode_fails(b, sizeof(b), "does not decode");
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
		cmocka_unit_test(
		    wire_refuses_hello_of_empty_heads_before_unpacking),
		cmocka_unit_test(
		    wire_refuses_heads_of_empty_heads_before_unpacking),
		cmocka_unit_test(
		    wire_refuses_entries_of_empty_entries_before_unpacking),
		cmocka_unit_test(
		    wire_refuses_ping_of_unknown_fields_within_budget),
		cmocka_unit_test(wire_budget_admits_densest_valid_frames),
		cmocka_unit_test(wire_refuses_counted_field_past_its_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
