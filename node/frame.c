/*
 * Length-prefixed framing (PROTOCOL.md section 4): a 4-byte big-endian
 * length, then that many bytes of one Frame. Pure functions over byte
 * buffers; no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "lcn_err.h"
#include "util.h"

int
frame_parse_header(const uint8_t *buf, size_t len, uint32_t max,
    struct frame_hdr *h)
{
	uint32_t n;

	memset(h, 0, sizeof(*h));
	if (len < FRAME_HDR_LEN)
		return LCN_EAGAIN;
	n = load_be32(buf);
	if (n == 0 || n > max)
		return LCN_EPROTO;
	h->body_len = n;
	return 0;
}

void
frame_write_header(uint8_t buf[FRAME_HDR_LEN], uint32_t body_len)
{
	store_be32(buf, body_len);
}

void
frame_reader_init(struct frame_reader *r, uint32_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void
frame_reader_free(struct frame_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int
frame_reader_push(struct frame_reader *r, const uint8_t *data, size_t len)
{
	size_t	 held = r->len - r->off, need, cap;
	uint8_t	*nb;

	/* A fresh reader has no buffer: NULL + 0 and memcpy(NULL) are UB. */
	if (len == 0)
		return 0;
	/* Compact first: consumed frames are never looked at again. */
	if (r->off > 0) {
		memmove(r->buf, r->buf + r->off, held);
		r->len = held;
		r->off = 0;
	}
	if (len > SIZE_MAX - r->len)
		return LCN_ENOMEM;
	need = r->len + len;
	if (need > r->cap) {
		cap = r->cap ? r->cap : 64 * 1024;
		while (cap < need)
			cap *= 2;
		if ((nb = realloc(r->buf, cap)) == NULL)
			return LCN_ENOMEM;
		r->buf = nb;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

int
frame_reader_next(struct frame_reader *r, const uint8_t **body, size_t *len)
{
	struct frame_hdr	h;
	size_t			held = r->len - r->off;
	int			rc;

	*body = NULL;
	*len = 0;
	if (held < FRAME_HDR_LEN)	/* also when r->buf is still NULL */
		return LCN_EAGAIN;
	if ((rc = frame_parse_header(r->buf + r->off, held, r->max, &h)) != 0)
		return rc;
	if (h.body_len > held - FRAME_HDR_LEN)
		return LCN_EAGAIN;
	*body = r->buf + r->off + FRAME_HDR_LEN;
	*len = h.body_len;
	r->off += FRAME_HDR_LEN + h.body_len;
	return 0;
}
