/*
 * Base64 (RFC 4648 section 4, with padding) for the local API: lcn
 * publish sends each body it has already encoded and checked as the
 * base64 of its protobuf bytes, so that lcnd does not parse the same
 * JSON again. Pure functions; any thread.
 */
#ifndef LCN_B64_H
#define LCN_B64_H

#include <stddef.h>
#include <stdint.h>

/* Characters b64_encode() writes for len bytes, without a terminator. */
size_t	b64_encoded_len(size_t len);
/*
 * Writes the base64 of in[0..len) to out, which has room for
 * b64_encoded_len(len) characters (no terminator is written). Returns
 * the characters written.
 */
size_t	b64_encode(const uint8_t *in, size_t len, char *out);
/*
 * Decodes text[0..len), which must be canonical base64 (padded, no
 * whitespace, no other character, zero bits after the last byte), into
 * *out (malloc'd, freed by the caller; at least one byte even when
 * *outlen is 0). Returns 0, LCN_EINVAL (*out NULL) or LCN_ENOMEM.
 */
int	b64_decode(const char *text, size_t len, uint8_t **out,
	    size_t *outlen);

#endif
