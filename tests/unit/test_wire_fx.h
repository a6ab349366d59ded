/*
 * Test fixture shared by the Frame codec tests (test_wire*.c): messages to
 * encode, encoding with the frame header checked, and decoding that must
 * succeed, or fail with LCN_EPROTO, a reason, and the output zeroed. Every
 * check fails the calling test through cmocka.
 */
#ifndef LCN_TEST_WIRE_FX_H
#define LCN_TEST_WIRE_FX_H

#include <stddef.h>
#include <stdint.h>

#include "lcn.pb-c.h"

#include "wire.h"

/* len bytes of a pattern that depends on seed. */
void	fill(uint8_t *b, size_t len, uint8_t seed);
void	set_feed(struct feed_id *f, const char *origin, const char *group);

/*
 * Encodes m, checks the frame header, and returns the body (past the
 * header) inside *frame, which the caller frees.
 */
uint8_t	*encode(const struct msg *m, size_t *bodylen, uint8_t **frame);
/* The body must fail to decode: EPROTO, output zeroed, why in the error. */
void	decode_fails(const uint8_t *body, size_t len, const char *why);
/* encode(in), then decode_fails() on the result. */
void	encode_fails_to_decode(const struct msg *in, const char *why);
/* The body must decode into *m; free it with msg_free(). */
void	decode_ok(const uint8_t *body, size_t len, struct msg *m);
/* Packs a hand-built Frame (to reach states wire_encode cannot make). */
uint8_t	*pack_frame(const Lcn__Frame *f, size_t *len);
/* pack_frame(), then decode_fails(). */
void	pb_frame_fails(const Lcn__Frame *f, const char *why);

/* n heads over two origins and two groups; the caller frees them. */
struct head *make_heads(size_t n);
void	assert_heads_equal(const struct head *a, const struct head *b,
	    size_t n);
/* A Hello from JP-METI with these heads (not copied). */
struct msg hello_msg(struct head *heads, size_t nheads);
/* Entries of US-BIS in JP-METI+US-BIS from seq 7 (items not copied). */
struct msg entries_msg(struct bytes *items, size_t n);

#endif
