/*
 * Base64 (b64.h). Decoding is strict so that one body has one text: a
 * stray character, missing padding or stray bits are refused, never
 * skipped.
 */
#include <stdlib.h>

#include "b64.h"
#include "lcn_err.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
b64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

size_t
b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t		i, o = 0;
	uint32_t	v;

	for (i = 0; len - i >= 3; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = '=';
	}
	return o;
}

/* The value of base64 character c, or -1. */
static int
value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
b64_decode(const char *text, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t		*buf;
	size_t		 i, o = 0, pad = 0;
	uint32_t	 v;
	int		 c, k;

	*out = NULL;
	*outlen = 0;
	if (len % 4 != 0)
		return LCN_EINVAL;
	if (len > 0 && text[len - 1] == '=')
		pad = len > 1 && text[len - 2] == '=' ? 2 : 1;
	if ((buf = malloc(len / 4 * 3 + 1)) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			/* '=' only as the padding of the last group. */
			if (i + (size_t)k >= len - pad)
				c = 0;
			else if ((c = value(text[i + k])) < 0)
				goto bad;
			v = v << 6 | (uint32_t)c;
		}
		buf[o++] = (uint8_t)(v >> 16);
		if (i + 4 < len || pad < 2)
			buf[o++] = (uint8_t)(v >> 8);
		if (i + 4 < len || pad < 1)
			buf[o++] = (uint8_t)v;
		/* The bits past the last byte must be zero. */
		if (i + 4 == len && ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0)))
			goto bad;
	}
	*out = buf;
	*outlen = o;
	return 0;
 bad:
	free(buf);
	return LCN_EINVAL;
}
