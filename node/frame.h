/*
 * Length-prefixed frames (PROTOCOL.md section 4.1): a 4-byte big-endian length
 * N, then N bytes of one protobuf Frame. Pure: no I/O, no protobuf. A frame
 * reader accumulates decrypted bytes and hands out whole bodies.
 */
#ifndef LCN_FRAME_H
#define LCN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

struct frame_hdr {
	uint32_t	body_len;	/* 1..max */
};

/*
 * Reads a frame header from buf. Returns 0 and fills *h, LCN_EAGAIN if
 * fewer than FRAME_HDR_LEN bytes are present, or LCN_EPROTO if the length
 * is 0 or above max. Consumes nothing; *h is zeroed on error.
 */
int	frame_parse_header(const uint8_t *buf, size_t len, uint32_t max,
	    struct frame_hdr *h);
void	frame_write_header(uint8_t buf[FRAME_HDR_LEN], uint32_t body_len);

struct frame_reader {
	uint8_t		*buf;
	size_t		 len;		/* bytes held */
	size_t		 cap;
	size_t		 off;		/* start of unconsumed bytes */
	uint32_t	 max;		/* largest body accepted */
};

void	frame_reader_init(struct frame_reader *, uint32_t max);
void	frame_reader_free(struct frame_reader *);
/* Appends bytes; 0 or LCN_ENOMEM. */
int	frame_reader_push(struct frame_reader *, const uint8_t *data,
	    size_t len);
/*
 * Takes the next whole frame: 0 with *body and *len a view valid until the
 * next push or free, LCN_EAGAIN if none is complete, LCN_EPROTO if the
 * header is invalid (the reader is then unusable: close the connection).
 */
int	frame_reader_next(struct frame_reader *, const uint8_t **body,
	    size_t *len);

#endif
