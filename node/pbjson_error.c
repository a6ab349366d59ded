/*
 * The JSON encoder's error messages (pbjson_int.h): the path of the field
 * being encoded ("parties[0].country"), kept as the encoder descends, and
 * "path: expected ..., got ..." with untrusted text quoted and cut.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lcn_err.h"
#include "pbjson_int.h"

/*
 * Appends a path component ("name", ".name" or "[i]"); returns the old
 * length for pbjson_path_pop(). Runs for every field on the success path, so it
 * copies bytes instead of calling snprintf. A path longer than the buffer
 * is cut; it only ever appears in an error message.
 */
size_t
pbjson_path_push(struct enc *e, char sep, const char *name, size_t idx)
{
	size_t	old = e->pathlen, room, len;
	char	num[24], *p = num + sizeof(num);

	room = sizeof(e->path) - 1 - e->pathlen;
	if (name == NULL) {
		*--p = ']';
		do {
			*--p = (char)('0' + idx % 10);
			idx /= 10;
		} while (idx > 0);
		*--p = '[';
		name = p;
		len = (size_t)(num + sizeof(num) - p);
	} else {
		if (sep != '\0' && room > 0) {
			e->path[e->pathlen++] = sep;
			room--;
		}
		len = strlen(name);
	}
	if (len > room)
		len = room;
	memcpy(e->path + e->pathlen, name, len);
	e->pathlen += len;
	e->path[e->pathlen] = '\0';
	return old;
}

void
pbjson_path_pop(struct enc *e, size_t old)
{
	e->pathlen = old;
	e->path[old] = '\0';
}

/* Writes "path: " and the message into errbuf; returns LCN_EINVAL. */
int
pbjson_fail(struct enc *e, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (e->errbuf == NULL || e->errbufsz == 0)
		return LCN_EINVAL;
	n = snprintf(e->errbuf, e->errbufsz, "%s: ",
	    e->pathlen ? e->path : "body");
	if (n < 0 || (size_t)n >= e->errbufsz)
		return LCN_EINVAL;
	va_start(ap, fmt);
	vsnprintf(e->errbuf + n, e->errbufsz - n, fmt, ap);
	va_end(ap);
	return LCN_EINVAL;
}

/*
 * Quotes untrusted text for an error message: at most QUOTE_MAX bytes,
 * cut at a character boundary, with quotes, backslashes and control
 * characters escaped.
 */
void
pbjson_quote(const char *s, char *out, size_t outsz)
{
	size_t	i, o = 0, len = strlen(s);
	int	cut = 0;

	if (len > QUOTE_MAX) {
		len = QUOTE_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		cut = 1;
	}
	if (outsz < 8 + 4 * QUOTE_MAX) {
		snprintf(out, outsz, "\"...\"");
		return;
	}
	out[o++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (cut) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* Describes what arrived, for "expected ..., got ...". */
void
pbjson_describe(const json_t *v, char *out, size_t outsz)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		snprintf(out, outsz, "an object");
		break;
	case JSON_ARRAY:
		snprintf(out, outsz, "an array");
		break;
	case JSON_STRING:
		pbjson_quote(json_string_value(v), out, outsz);
		break;
	case JSON_INTEGER:
		snprintf(out, outsz, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(out, outsz, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(out, outsz, "true");
		break;
	case JSON_FALSE:
		snprintf(out, outsz, "false");
		break;
	case JSON_NULL:
	default:
		snprintf(out, outsz, "null");
		break;
	}
}

int
pbjson_fail_type(struct enc *e, const char *expected, const json_t *v)
{
	char got[8 + 4 * QUOTE_MAX];

	pbjson_describe(v, got, sizeof(got));
	return pbjson_fail(e, "expected %s, got %s", expected, got);
}
