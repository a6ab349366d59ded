/*
 * Test fixture shared by the Frame codec tests (test_wire*.c): messages to
 * encode, encoding with the frame header checked, and decoding that must
 * succeed, or fail with LCN_EPROTO, a reason, and the output zeroed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "frame.h"
#include "hash.h"
#include "lcn_err.h"
#include "test_wire_fx.h"
#include "util.h"
#include "wire.h"

static const struct msg	zero_msg;

void
fill(uint8_t *b, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + seed);
}

void
set_feed(struct feed_id *f, const char *origin, const char *group)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->origin, sizeof(f->origin), "%s", origin);
	snprintf(f->group, sizeof(f->group), "%s", group);
}

/* Encodes m and returns the body (past the header), checking the header. */
uint8_t *
encode(const struct msg *m, size_t *bodylen, uint8_t **frame)
{
	struct frame_hdr	h;
	size_t			flen;

	assert_int_equal(wire_encode(m, frame, &flen), 0);
	assert_non_null(*frame);
	assert_true(flen > FRAME_HDR_LEN);
	assert_int_equal(frame_parse_header(*frame, flen, FRAME_BODY_MAX, &h),
	    0);
	assert_int_equal(h.body_len, flen - FRAME_HDR_LEN);
	*bodylen = flen - FRAME_HDR_LEN;
	return *frame + FRAME_HDR_LEN;
}

/* Decodes a body that must fail: EPROTO, *m zeroed, a reason given. */
void
decode_fails(const uint8_t *body, size_t len, const char *why)
{
	struct msg	m;
	char		err[256];

	memset(&m, 0xa5, sizeof(m));
	memset(err, 0, sizeof(err));
	assert_int_equal(wire_decode(body, len, &m, err, sizeof(err)),
	    LCN_EPROTO);
	assert_memory_equal(&m, &zero_msg, sizeof(m));
	assert_true(err[0] != '\0');
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, why);
}

void
encode_fails_to_decode(const struct msg *in, const char *why)
{
	uint8_t	*frame, *body;
	size_t	 len;

	body = encode(in, &len, &frame);
	decode_fails(body, len, why);
	free(frame);
}

void
decode_ok(const uint8_t *body, size_t len, struct msg *m)
{
	char err[256] = "";

	if (wire_decode(body, len, m, err, sizeof(err)) != 0)
		fail_msg("wire_decode: %s", err);
}

/* Packs a hand-built Frame (to reach states wire_encode cannot make). */
uint8_t *
pack_frame(const Lcn__Frame *f, size_t *len)
{
	uint8_t *b;

	*len = lcn__frame__get_packed_size(f);
	assert_non_null(b = malloc(*len ? *len : 1));
	assert_int_equal(lcn__frame__pack(f, b), *len);
	return b;
}

void
pb_frame_fails(const Lcn__Frame *f, const char *why)
{
	uint8_t	*b;
	size_t	 len;

	b = pack_frame(f, &len);
	decode_fails(b, len, why);
	free(b);
}

struct head *
make_heads(size_t n)
{
	struct head	*h;
	size_t		 i;

	assert_non_null(h = calloc(n ? n : 1, sizeof(*h)));
	for (i = 0; i < n; i++) {
		set_feed(&h[i].feed, i % 2 ? "US-BIS" : "JP-METI",
		    i % 3 ? "WA" : "JP-METI+US-BIS");
		h[i].seq = i * 1000;
		fill(h[i].hash, HASH_LEN, (uint8_t)i);
	}
	return h;
}

void
assert_heads_equal(const struct head *a, const struct head *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		assert_string_equal(a[i].feed.origin, b[i].feed.origin);
		assert_string_equal(a[i].feed.group, b[i].feed.group);
		assert_int_equal(a[i].seq, b[i].seq);
		assert_memory_equal(a[i].hash, b[i].hash, HASH_LEN);
	}
}

struct msg
hello_msg(struct head *heads, size_t nheads)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HELLO;
	m.u.hello.version = PROTOCOL_VERSION;
	snprintf(m.u.hello.agency, sizeof(m.u.hello.agency), "JP-METI");
	snprintf(m.u.hello.software, sizeof(m.u.hello.software), "lcn %s",
	    LCN_VERSION);
	m.u.hello.max_frame = FRAME_BODY_DEFAULT;
	m.u.hello.heads = heads;
	m.u.hello.nheads = nheads;
	return m;
}

struct msg
entries_msg(struct bytes *items, size_t n)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_ENTRIES;
	set_feed(&m.u.entries.feed, "US-BIS", "JP-METI+US-BIS");
	m.u.entries.first_seq = 7;
	m.u.entries.items = items;
	m.u.entries.nitems = n;
	return m;
}
