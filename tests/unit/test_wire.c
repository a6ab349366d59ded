/*
 * Unit tests for the Frame codec (wire.c): every Frame message round trips
 * through wire_encode and wire_decode, every limit of lcn_limits.h is hit
 * exactly and by one, and every rejection leaves the output zeroed
 * (PROTOCOL.md sections 3 and 7). Hostile bytes (malformed protobuf,
 * truncations, mutations) are in test_wire_malformed.c, the ledger record
 * inside Entries and Equivocation frames in test_entry.c.
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

/* ------------------------------------------------- round trips, Frame */

static void
wire_round_trips_hello_with_heads(void **state)
{
	struct head	*heads = make_heads(3);
	struct msg	 in = hello_msg(heads, 3), out;
	uint8_t		*frame, *body;
	size_t		 len;

	(void)state;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_HELLO);
	assert_int_equal(out.u.hello.version, PROTOCOL_VERSION);
	assert_string_equal(out.u.hello.agency, "JP-METI");
	assert_string_equal(out.u.hello.software, in.u.hello.software);
	assert_int_equal(out.u.hello.max_frame, FRAME_BODY_DEFAULT);
	assert_int_equal(out.u.hello.nheads, 3);
	assert_heads_equal(out.u.hello.heads, heads, 3);
	msg_free(&out);
	assert_memory_equal(&out, &zero_msg, sizeof(out));
	msg_free(&out);		/* a freed msg is zeroed: freeing is a no-op */
	free(frame);
	free(heads);
}

static void
wire_round_trips_hello_without_heads(void **state)
{
	struct msg	 in = hello_msg(NULL, 0), out;
	uint8_t		*frame, *body;
	size_t		 len;

	(void)state;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_HELLO);
	assert_int_equal(out.u.hello.nheads, 0);
	assert_null(out.u.hello.heads);
	msg_free(&out);
	free(frame);
}

static void
wire_round_trips_heads(void **state)
{
	struct head	*heads = make_heads(5);
	struct msg	 in, out;
	uint8_t		*frame, *body;
	size_t		 len;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.type = MSG_HEADS;
	in.u.heads.heads = heads;
	in.u.heads.nheads = 5;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_HEADS);
	assert_int_equal(out.u.heads.nheads, 5);
	assert_heads_equal(out.u.heads.heads, heads, 5);
	msg_free(&out);
	free(frame);
	free(heads);
}

static void
wire_round_trips_want(void **state)
{
	struct msg	 in, out;
	uint8_t		*frame, *body;
	size_t		 len;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.type = MSG_WANT;
	set_feed(&in.u.want.feed, "DE-BAFA", "NSG");
	in.u.want.from_seq = 5;
	in.u.want.to_seq = UINT64_MAX;
	in.u.want.max_bytes = BATCH_BYTES_MAX;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_WANT);
	assert_string_equal(out.u.want.feed.origin, "DE-BAFA");
	assert_string_equal(out.u.want.feed.group, "NSG");
	assert_int_equal(out.u.want.from_seq, 5);
	assert_int_equal(out.u.want.to_seq, UINT64_MAX);
	assert_int_equal(out.u.want.max_bytes, BATCH_BYTES_MAX);
	assert_int_equal(out.u.want.follow, 0);
	msg_free(&out);
	free(frame);

	/* Exact fit: a range of one. */
	in.u.want.to_seq = 5;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.u.want.to_seq, 5);
	msg_free(&out);
	free(frame);

	/* Following (PROTOCOL.md section 5.3). */
	in.u.want.follow = 1;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.u.want.follow, 1);
	assert_int_equal(out.u.want.to_seq, 5);
	msg_free(&out);
	free(frame);
}

static void
wire_round_trips_entries_with_several_items(void **state)
{
	uint8_t		 a[1], b[300], c[5000], *frame, *body;
	struct bytes	 items[3] = { { a, sizeof(a) }, { b, sizeof(b) },
			    { c, sizeof(c) } };
	struct msg	 in = entries_msg(items, 3), out;
	size_t		 len, i;

	(void)state;
	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	fill(c, sizeof(c), 3);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_ENTRIES);
	assert_string_equal(out.u.entries.feed.origin, "US-BIS");
	assert_string_equal(out.u.entries.feed.group, "JP-METI+US-BIS");
	assert_int_equal(out.u.entries.first_seq, 7);
	assert_int_equal(out.u.entries.nitems, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(out.u.entries.items[i].len, items[i].len);
		assert_memory_equal(out.u.entries.items[i].ptr, items[i].ptr,
		    items[i].len);
		/* The views are owned by the msg, not by the frame. */
		assert_true(out.u.entries.items[i].ptr >= out.buf);
	}
	assert_int_equal(out.u.entries.follow, 0);
	msg_free(&out);
	free(frame);

	/* A following stream says so in each batch. */
	in.u.entries.follow = 1;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.u.entries.follow, 1);
	assert_int_equal(out.u.entries.nitems, 3);
	msg_free(&out);
	free(frame);
}

static void
wire_round_trips_credit_ping_pong(void **state)
{
	struct msg	 in, out;
	uint8_t		*frame, *body;
	size_t		 len;
	const enum msg_type types[] = { MSG_CREDIT, MSG_PING, MSG_PONG };
	size_t		 i;
	uint64_t	 v;

	(void)state;
	for (i = 0; i < 3; i++) {
		/* Zero packs as an empty submessage and must still decode. */
		for (v = 0; v < 2; v++) {
			memset(&in, 0, sizeof(in));
			in.type = types[i];
			if (in.type == MSG_CREDIT)
				in.u.credit.bytes = v ? UINT64_MAX : 0;
			else
				in.u.ping.nonce = v ? UINT64_MAX : 0;
			body = encode(&in, &len, &frame);
			decode_ok(body, len, &out);
			assert_int_equal(out.type, types[i]);
			if (in.type == MSG_CREDIT)
				assert_int_equal(out.u.credit.bytes,
				    in.u.credit.bytes);
			else
				assert_int_equal(out.u.ping.nonce,
				    in.u.ping.nonce);
			msg_free(&out);
			free(frame);
		}
	}
}

static void
wire_round_trips_equivocation(void **state)
{
	uint8_t		 a[100], b[101], *frame, *body;
	struct msg	 in, out;
	size_t		 len;

	(void)state;
	fill(a, sizeof(a), 4);
	fill(b, sizeof(b), 5);
	memset(&in, 0, sizeof(in));
	in.type = MSG_EQUIVOCATION;
	in.u.equivocation.first.ptr = a;
	in.u.equivocation.first.len = sizeof(a);
	in.u.equivocation.second.ptr = b;
	in.u.equivocation.second.len = sizeof(b);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_EQUIVOCATION);
	assert_int_equal(out.u.equivocation.first.len, sizeof(a));
	assert_memory_equal(out.u.equivocation.first.ptr, a, sizeof(a));
	assert_int_equal(out.u.equivocation.second.len, sizeof(b));
	assert_memory_equal(out.u.equivocation.second.ptr, b, sizeof(b));
	msg_free(&out);
	free(frame);
}

static void
wire_round_trips_reject_with_every_reason(void **state)
{
	struct msg	 in, out;
	uint8_t		*frame, *body;
	size_t		 len;
	int		 reason;

	(void)state;
	for (reason = 0; reason <= REJECT_REASON_MAX; reason++) {
		memset(&in, 0, sizeof(in));
		in.type = MSG_REJECT;
		set_feed(&in.u.reject.feed, "FR-SBDU", "MTCR");
		in.u.reject.seq = 42;
		in.u.reject.reason = (enum reject_reason)reason;
		snprintf(in.u.reject.text, sizeof(in.u.reject.text),
		    "reason %d", reason);
		body = encode(&in, &len, &frame);
		decode_ok(body, len, &out);
		assert_int_equal(out.type, MSG_REJECT);
		assert_string_equal(out.u.reject.feed.origin, "FR-SBDU");
		assert_string_equal(out.u.reject.feed.group, "MTCR");
		assert_int_equal(out.u.reject.seq, 42);
		assert_int_equal(out.u.reject.reason, reason);
		assert_string_equal(out.u.reject.text, in.u.reject.text);
		msg_free(&out);
		free(frame);
	}
}

static void
wire_round_trips_error(void **state)
{
	struct msg	 in, out;
	uint8_t		*frame, *body;
	size_t		 len;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.type = MSG_ERROR;
	in.u.error.code = 7;
	/* Exact fit: ERROR_TEXT_MAX characters. */
	memset(in.u.error.text, 'x', ERROR_TEXT_MAX);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.type, MSG_ERROR);
	assert_int_equal(out.u.error.code, 7);
	assert_string_equal(out.u.error.text, in.u.error.text);
	msg_free(&out);
	free(frame);
}

static void
wire_encode_refuses_unknown_type(void **state)
{
	struct msg	 m;
	uint8_t		*out = (uint8_t *)&m;
	size_t		 len = 99;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(wire_encode(&m, &out, &len), LCN_EINVAL);
	assert_null(out);
	assert_int_equal(len, 0);
	m.type = (enum msg_type)(MSG_ERROR + 1);
	out = (uint8_t *)&m;
	assert_int_equal(wire_encode(&m, &out, &len), LCN_EINVAL);
	assert_null(out);
}

/* ---------------------------------------------------- rejects, Frame */

static void
wire_rejects_hello_with_bad_agency_id(void **state)
{
	const char *const bad[] = { "bad", "", "jp-meti", "JP_METI",
	    "JPN-METI", "JP-METİ", "JP-METI ", "J1-METI", "JP-" };
	struct msg	m;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = hello_msg(NULL, 0);
		snprintf(m.u.hello.agency, sizeof(m.u.hello.agency), "%s",
		    bad[i]);
		encode_fails_to_decode(&m, "Hello.agency");
	}
}

/* An id longer than the struct holds, only reachable by hand packing. */
static void
wire_rejects_hello_with_overlong_agency_and_software(void **state)
{
	Lcn__Frame	f = LCN__FRAME__INIT;
	Lcn__Hello	h = LCN__HELLO__INIT;
	char		agency[AGENCY_ID_MAX + 2], sw[SOFTWARE_MAX + 2];
	uint8_t		*b;
	size_t		len;
	struct msg	m;

	(void)state;
	memset(agency, 'A', sizeof(agency) - 1);
	agency[sizeof(agency) - 1] = '\0';
	agency[2] = '-';
	memset(sw, 's', sizeof(sw) - 1);
	sw[sizeof(sw) - 1] = '\0';
	f.msg_case = LCN__FRAME__MSG_HELLO;
	f.hello = &h;
	h.agency = agency;			/* AGENCY_ID_MAX + 1 */
	pb_frame_fails(&f, "Hello.agency");
	agency[AGENCY_ID_MAX] = '\0';		/* exact fit */
	b = pack_frame(&f, &len);
	decode_ok(b, len, &m);
	assert_string_equal(m.u.hello.agency, agency);
	msg_free(&m);
	free(b);
	h.software = sw;			/* SOFTWARE_MAX + 1 */
	pb_frame_fails(&f, "SOFTWARE_MAX");
	sw[SOFTWARE_MAX] = '\0';		/* exact fit */
	b = pack_frame(&f, &len);
	decode_ok(b, len, &m);
	assert_string_equal(m.u.hello.software, sw);
	msg_free(&m);
	free(b);
}

static void
wire_rejects_head_with_31_byte_hash(void **state)
{
	Lcn__Frame	 f = LCN__FRAME__INIT;
	Lcn__Hello	 h = LCN__HELLO__INIT;
	Lcn__Heads	 hs = LCN__HEADS__INIT;
	Lcn__Head	 head[2], *hp[2] = { &head[0], &head[1] };
	uint8_t		 hash[HASH_LEN + 1];
	const size_t	 lens[] = { 31, 0, 33 };
	size_t		 i;

	(void)state;
	fill(hash, sizeof(hash), 9);
	for (i = 0; i < 2; i++) {
		lcn__head__init(&head[i]);
		head[i].origin = "JP-METI";
		head[i].group = "WA";
		head[i].seq = 3;
		head[i].leaf_hash.data = hash;
		head[i].leaf_hash.len = HASH_LEN;
	}
	h.agency = "JP-METI";
	h.heads = hp;
	h.n_heads = 2;
	hs.heads = hp;
	hs.n_heads = 2;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		/* The second head is the bad one: the first must not leak. */
		head[1].leaf_hash.len = lens[i];
		f.msg_case = LCN__FRAME__MSG_HELLO;
		f.hello = &h;
		pb_frame_fails(&f, "Hello.heads");
		f.msg_case = LCN__FRAME__MSG_HEADS;
		f.heads = &hs;
		pb_frame_fails(&f, "Heads");
	}
}

static void
wire_rejects_head_with_bad_ids(void **state)
{
	struct head	*heads = make_heads(2);
	struct msg	 m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = MSG_HEADS;
	m.u.heads.heads = heads;
	m.u.heads.nheads = 2;
	set_feed(&heads[1].feed, "bad", "WA");
	encode_fails_to_decode(&m, "Heads");
	set_feed(&heads[1].feed, "JP-METI", "W A");
	encode_fails_to_decode(&m, "Heads");
	/* A pair group must be sorted. */
	set_feed(&heads[1].feed, "JP-METI", "US-BIS+JP-METI");
	encode_fails_to_decode(&m, "Heads");
	set_feed(&heads[1].feed, "JP-METI", "");
	encode_fails_to_decode(&m, "Heads");
	free(heads);
}

static void
wire_bounds_heads_at_heads_max(void **state)
{
	struct head	*heads = make_heads(HEADS_MAX + 1);
	struct msg	 in, out;
	uint8_t		*frame, *body;
	size_t		 len;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.type = MSG_HEADS;
	in.u.heads.heads = heads;
	in.u.heads.nheads = HEADS_MAX;
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.u.heads.nheads, HEADS_MAX);
	msg_free(&out);
	free(frame);
	in.u.heads.nheads = HEADS_MAX + 1;
	encode_fails_to_decode(&in, "Heads");
	in = hello_msg(heads, HEADS_MAX + 1);
	encode_fails_to_decode(&in, "Hello.heads");
	free(heads);
}

static void
wire_rejects_want_with_bad_range(void **state)
{
	struct msg	m;
	Lcn__Frame	f = LCN__FRAME__INIT;
	Lcn__Want	w = LCN__WANT__INIT;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = MSG_WANT;
	set_feed(&m.u.want.feed, "JP-METI", "WA");
	m.u.want.from_seq = 0;
	m.u.want.to_seq = 10;
	encode_fails_to_decode(&m, "Want");
	m.u.want.from_seq = 11;
	encode_fails_to_decode(&m, "Want");
	m.u.want.from_seq = UINT64_MAX;
	m.u.want.to_seq = UINT64_MAX - 1;
	encode_fails_to_decode(&m, "Want");
	m.u.want.from_seq = 1;
	set_feed(&m.u.want.feed, "bad", "WA");
	encode_fails_to_decode(&m, "Want");
	/* No feed at all. */
	f.msg_case = LCN__FRAME__MSG_WANT;
	f.want = &w;
	w.from_seq = 1;
	w.to_seq = 2;
	pb_frame_fails(&f, "Want");
}

static void
wire_rejects_entries_with_no_items(void **state)
{
	struct msg m = entries_msg(NULL, 0);

	(void)state;
	encode_fails_to_decode(&m, "BATCH_ENTRIES_MAX");
}

static void
wire_bounds_entries_at_batch_entries_max(void **state)
{
	struct bytes	*items;
	uint8_t		 one = 0x0a, *frame, *body;
	struct msg	 in, out;
	size_t		 len, i;

	(void)state;
	assert_non_null(items = calloc(BATCH_ENTRIES_MAX + 1,
	    sizeof(*items)));
	for (i = 0; i < BATCH_ENTRIES_MAX + 1; i++) {
		items[i].ptr = &one;
		items[i].len = 1;
	}
	in = entries_msg(items, BATCH_ENTRIES_MAX);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.u.entries.nitems, BATCH_ENTRIES_MAX);
	msg_free(&out);
	free(frame);
	in.u.entries.nitems = BATCH_ENTRIES_MAX + 1;
	encode_fails_to_decode(&in, "BATCH_ENTRIES_MAX");
	free(items);
}

static void
wire_bounds_entry_at_entry_max(void **state)
{
	uint8_t		*big, *frame, *body, one = 1;
	struct bytes	 items[2];
	struct msg	 in, out;
	size_t		 len;

	(void)state;
	assert_non_null(big = malloc(ENTRY_MAX + 1));
	fill(big, ENTRY_MAX + 1, 3);
	items[0].ptr = &one;
	items[0].len = 1;
	items[1].ptr = big;
	items[1].len = ENTRY_MAX;
	in = entries_msg(items, 2);
	body = encode(&in, &len, &frame);
	decode_ok(body, len, &out);
	assert_int_equal(out.u.entries.items[1].len, ENTRY_MAX);
	msg_free(&out);
	free(frame);
	items[1].len = ENTRY_MAX + 1;
	encode_fails_to_decode(&in, "ENTRY_MAX");
	items[1].len = 0;
	encode_fails_to_decode(&in, "ENTRY_MAX");

	memset(&in, 0, sizeof(in));
	in.type = MSG_EQUIVOCATION;
	in.u.equivocation.first.ptr = big;
	in.u.equivocation.first.len = ENTRY_MAX;
	in.u.equivocation.second.ptr = big;
	in.u.equivocation.second.len = ENTRY_MAX + 1;
	encode_fails_to_decode(&in, "Equivocation");
	in.u.equivocation.second.len = 0;
	encode_fails_to_decode(&in, "Equivocation");
	free(big);
}

static void
wire_rejects_entries_with_bad_feed_or_seq(void **state)
{
	uint8_t		one = 1;
	struct bytes	item = { &one, 1 };
	struct msg	m = entries_msg(&item, 1);
	Lcn__Frame	f = LCN__FRAME__INIT;
	Lcn__Entries	e = LCN__ENTRIES__INIT;
	ProtobufCBinaryData blob = { 1, &one };

	(void)state;
	m.u.entries.first_seq = 0;
	encode_fails_to_decode(&m, "first_seq");
	m.u.entries.first_seq = 1;
	set_feed(&m.u.entries.feed, "JP-METI", "bad group!");
	encode_fails_to_decode(&m, "Entries");
	/* The last seq of the batch would wrap. */
	set_feed(&m.u.entries.feed, "JP-METI", "WA");
	m.u.entries.first_seq = UINT64_MAX;
	encode_fails_to_decode(&m, "overflow");
	f.msg_case = LCN__FRAME__MSG_ENTRIES;
	f.entries = &e;
	e.first_seq = 1;
	e.signed_entries = &blob;
	e.n_signed_entries = 1;
	pb_frame_fails(&f, "Entries");
}

static void
wire_rejects_unknown_reject_reason(void **state)
{
	struct msg	m;
	Lcn__Frame	f = LCN__FRAME__INIT;
	Lcn__Reject	r = LCN__REJECT__INIT;
	Lcn__FeedId	feed = LCN__FEED_ID__INIT;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = MSG_REJECT;
	set_feed(&m.u.reject.feed, "JP-METI", "WA");
	m.u.reject.reason = (enum reject_reason)(REJECT_REASON_MAX + 1);
	encode_fails_to_decode(&m, "reason");
	/* Negative enum values arrive as ten-byte varints. */
	feed.origin = "JP-METI";
	feed.group = "WA";
	r.feed = &feed;
	r.reason = (Lcn__RejectReason)-1;
	f.msg_case = LCN__FRAME__MSG_REJECT;
	f.reject = &r;
	pb_frame_fails(&f, "reason");
	r.reason = LCN__REJECT_REASON__REJECT_GAP;
	r.feed = NULL;
	pb_frame_fails(&f, "Reject");
}

/* Peer text is never longer than ERROR_TEXT_MAX once decoded. */
static void
wire_bounds_error_and_reject_text(void **state)
{
	Lcn__Frame	 f = LCN__FRAME__INIT;
	Lcn__Error	 e = LCN__ERROR__INIT;
	Lcn__Reject	 r = LCN__REJECT__INIT;
	Lcn__FeedId	 feed = LCN__FEED_ID__INIT;
	char		 text[ERROR_TEXT_MAX + 100];
	uint8_t		*b;
	size_t		 len;
	struct msg	 m;

	(void)state;
	memset(text, 't', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	e.text = text;
	f.msg_case = LCN__FRAME__MSG_ERROR;
	f.error = &e;
	b = pack_frame(&f, &len);
	if (wire_decode(b, len, &m, NULL, 0) == 0) {
		assert_true(strlen(m.u.error.text) <= ERROR_TEXT_MAX);
		msg_free(&m);
	} else
		assert_memory_equal(&m, &zero_msg, sizeof(m));
	free(b);
	feed.origin = "JP-METI";
	feed.group = "WA";
	r.feed = &feed;
	r.text = text;
	f.msg_case = LCN__FRAME__MSG_REJECT;
	f.reject = &r;
	b = pack_frame(&f, &len);
	if (wire_decode(b, len, &m, NULL, 0) == 0) {
		assert_true(strlen(m.u.reject.text) <= ERROR_TEXT_MAX);
		msg_free(&m);
	} else
		assert_memory_equal(&m, &zero_msg, sizeof(m));
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wire_round_trips_hello_with_heads),
		cmocka_unit_test(wire_round_trips_hello_without_heads),
		cmocka_unit_test(wire_round_trips_heads),
		cmocka_unit_test(wire_round_trips_want),
		cmocka_unit_test(wire_round_trips_entries_with_several_items),
		cmocka_unit_test(wire_round_trips_credit_ping_pong),
		cmocka_unit_test(wire_round_trips_equivocation),
		cmocka_unit_test(wire_round_trips_reject_with_every_reason),
		cmocka_unit_test(wire_round_trips_error),
		cmocka_unit_test(wire_encode_refuses_unknown_type),
		cmocka_unit_test(wire_rejects_hello_with_bad_agency_id),
		cmocka_unit_test(
		    wire_rejects_hello_with_overlong_agency_and_software),
		cmocka_unit_test(wire_rejects_head_with_31_byte_hash),
		cmocka_unit_test(wire_rejects_head_with_bad_ids),
		cmocka_unit_test(wire_bounds_heads_at_heads_max),
		cmocka_unit_test(wire_rejects_want_with_bad_range),
		cmocka_unit_test(wire_rejects_entries_with_no_items),
		cmocka_unit_test(wire_bounds_entries_at_batch_entries_max),
		cmocka_unit_test(wire_bounds_entry_at_entry_max),
		cmocka_unit_test(wire_rejects_entries_with_bad_feed_or_seq),
		cmocka_unit_test(wire_rejects_unknown_reject_reason),
		cmocka_unit_test(wire_bounds_error_and_reject_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
