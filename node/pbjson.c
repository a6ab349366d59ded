/*
 * JSON <-> protobuf for entry bodies, driven by the protobuf-c descriptors
 * (see pbjson.h). Encoding builds the generated structs by field offset:
 * strings point into the caller's json_t (jansson has already checked them
 * as UTF-8), everything else comes from one arena (arena.h) dropped whole
 * after packing, so an encode costs a handful of mallocs at most. That
 * matters: the daemon parses and encodes every body of `lcn publish`, and
 * 100,000 bodies must go through at well over 20,000/s.
 *
 * This file and wire.c are the only users of lcn.pb-c.h in node/: the
 * generated structs never leave it.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "arena.h"
#include "hash.h"
#include "lcn.pb-c.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "util.h"

#define ARENA_INLINE	4096	/* a ~600-byte notice needs about 1.5 KiB */
#define PATH_MAX_LEN	256	/* of an error's field path; longer is cut */
#define QUOTE_MAX	64	/* bytes of untrusted text quoted in errors */
#define ENUM_NAME_MAX	128

/* ------------------------------------------------------------ errors */

struct enc {
	struct arena	 arena;		/* first block: inl */
	alignas(max_align_t) unsigned char inl[ARENA_INLINE];
	char		 path[PATH_MAX_LEN];
	size_t		 pathlen;
	char		*errbuf;
	size_t		 errbufsz;
};

/*
 * Appends a path component ("name", ".name" or "[i]"); returns the old
 * length for path_pop(). Runs for every field on the success path, so it
 * copies bytes instead of calling snprintf. A path longer than the buffer
 * is cut; it only ever appears in an error message.
 */
static size_t
path_push(struct enc *e, char sep, const char *name, size_t idx)
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

static void
path_pop(struct enc *e, size_t old)
{
	e->pathlen = old;
	e->path[old] = '\0';
}

/* Writes "path: " and the message into errbuf; returns LCN_EINVAL. */
static int
fail(struct enc *e, const char *fmt, ...)
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
static void
quote(const char *s, char *out, size_t outsz)
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
static void
describe(const json_t *v, char *out, size_t outsz)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		snprintf(out, outsz, "an object");
		break;
	case JSON_ARRAY:
		snprintf(out, outsz, "an array");
		break;
	case JSON_STRING:
		quote(json_string_value(v), out, outsz);
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

static int
fail_type(struct enc *e, const char *expected, const json_t *v)
{
	char got[8 + 4 * QUOTE_MAX];

	describe(v, got, sizeof(got));
	return fail(e, "expected %s, got %s", expected, got);
}

/* ------------------------------------------------------------ scalars */

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/*
 * The prefix of an enum's value names: their common prefix, cut after its
 * last '_' ("DENIAL_" for DENIAL_ACTION_UNSPECIFIED, DENIAL_AMEND, ...).
 */
static size_t
enum_prefix(const ProtobufCEnumDescriptor *ed)
{
	const char	*first;
	size_t		 len, i, j;

	if (ed->n_values == 0)
		return 0;
	first = ed->values[0].name;
	len = strlen(first);
	for (i = 1; i < ed->n_values; i++) {
		for (j = 0; j < len && ed->values[i].name[j] == first[j]; j++)
			;
		len = j;
	}
	while (len > 0 && first[len - 1] != '_')
		len--;
	return len;
}

static const ProtobufCEnumValue *
enum_find(const ProtobufCEnumDescriptor *ed, const char *name)
{
	return protobuf_c_enum_descriptor_get_value_by_name(ed, name);
}

/* Writes the names of an enum's values, except *_UNSPECIFIED, to out. */
static void
enum_names(const ProtobufCEnumDescriptor *ed, char *out, size_t outsz)
{
	size_t i, off = 0;

	out[0] = '\0';
	for (i = 0; i < ed->n_values; i++) {
		if (ends_with(ed->values[i].name, "_UNSPECIFIED"))
			continue;
		off += (size_t)snprintf(out + off, outsz - off, "%s%s",
		    off ? ", " : "", ed->values[i].name);
		if (off >= outsz)
			break;
	}
}

static int
enum_value(struct enc *e, const ProtobufCEnumDescriptor *ed, const json_t *v,
    int *out)
{
	const ProtobufCEnumValue	*ev = NULL;
	const char			*s;
	char				 name[ENUM_NAME_MAX], list[1024];
	char				 got[8 + 4 * QUOTE_MAX];
	size_t				 i, len, plen;

	if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
		plen = enum_prefix(ed);
		if (len > 0 && plen + len < sizeof(name)) {
			/*
			 * Upper-case, and take '-', '+' and ' ' as '_', so
			 * "amber+strict" (the TLP 2.0 spelling) and
			 * "end-user" work too.
			 */
			for (i = 0; i < len; i++) {
				unsigned char c = (unsigned char)s[i];

				if (c == '-' || c == '+' || c == ' ')
					c = '_';
				name[plen + i] = (char)toupper(c);
			}
			name[plen + len] = '\0';
			ev = enum_find(ed, name + plen);
			if (ev == NULL && plen > 0) {
				memcpy(name, ed->values[0].name, plen);
				ev = enum_find(ed, name);
			}
		}
	}
	if (ev == NULL) {
		enum_names(ed, list, sizeof(list));
		describe(v, got, sizeof(got));
		return fail(e, "expected one of %s, got %s", list, got);
	}
	*out = ev->value;
	return 0;
}

static int
enc_string(struct enc *e, const json_t *v, char **out)
{
	const char	*s;
	size_t		 len;

	if (!json_is_string(v))
		return fail_type(e, "a string", v);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > STRING_MAX)
		return fail(e, "string of %zu bytes > STRING_MAX %d", len,
		    STRING_MAX);
	if (memchr(s, '\0', len) != NULL)
		return fail(e, "string contains a NUL character");
	/* Borrowed: the json_t outlives the packing. */
	*out = (char *)(uintptr_t)s;
	return 0;
}

static int
enc_bytes(struct enc *e, const json_t *v, ProtobufCBinaryData *out)
{
	const char	*s;
	size_t		 len;

	if (!json_is_string(v))
		return fail_type(e, "hex bytes", v);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len / 2 > STRING_MAX)
		return fail(e, "%zu bytes > STRING_MAX %d", len / 2,
		    STRING_MAX);
	if (len % 2 != 0)
		return fail_type(e, "hex bytes (an even number of digits)", v);
	if ((out->data = arena_alloc(&e->arena, len / 2)) == NULL)
		return LCN_ENOMEM;
	if (hex_decode(s, out->data, len / 2) != 0)
		return fail_type(e, "hex bytes", v);
	out->len = len / 2;
	return 0;
}

static int
enc_integer(struct enc *e, const json_t *v, json_int_t min, uint64_t max,
    uint64_t *u, int64_t *i)
{
	char		expect[80];
	json_int_t	n;

	if (json_is_integer(v)) {
		n = json_integer_value(v);
		if (n >= min && (n <= 0 || (uint64_t)n <= max)) {
			*u = (uint64_t)n;
			*i = (int64_t)n;
			return 0;
		}
	}
	if (min < 0)
		snprintf(expect, sizeof(expect), "an integer %" PRId64
		    "..%" PRId64, (int64_t)min, (int64_t)max);
	else
		snprintf(expect, sizeof(expect), "an integer 0..%" PRIu64,
		    max);
	return fail_type(e, expect, v);
}

static int	enc_message(struct enc *, const ProtobufCMessageDescriptor *,
		    const json_t *, ProtobufCMessage **, int depth);

/* Sets one value (a field, or an element of a repeated field) at p. */
static int
enc_value(struct enc *e, const ProtobufCFieldDescriptor *f, const json_t *v,
    void *p, int depth)
{
	uint64_t	u;
	int64_t		i;
	int		r, ev;

	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		return enc_string(e, v, p);
	case PROTOBUF_C_TYPE_BYTES:
		return enc_bytes(e, v, p);
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(v))
			return fail_type(e, "true or false", v);
		*(protobuf_c_boolean *)p = json_is_true(v);
		return 0;
	case PROTOBUF_C_TYPE_ENUM:
		if ((r = enum_value(e, f->descriptor, v, &ev)) != 0)
			return r;
		*(int *)p = ev;
		return 0;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (json_is_string(v) && ends_with(f->name, "_ms")) {
			if (date_parse(json_string_value(v), &u) != 0)
				return fail_type(e, "milliseconds since the "
				    "epoch or a UTC date (YYYY-MM-DD or "
				    "YYYY-MM-DDTHH:MM:SSZ)", v);
			*(uint64_t *)p = u;
			return 0;
		}
		if ((r = enc_integer(e, v, 0, INT64_MAX, &u, &i)) != 0)
			return r;
		*(uint64_t *)p = u;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if ((r = enc_integer(e, v, 0, UINT32_MAX, &u, &i)) != 0)
			return r;
		*(uint32_t *)p = (uint32_t)u;
		return 0;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if ((r = enc_integer(e, v, INT32_MIN, INT32_MAX, &u, &i)) != 0)
			return r;
		*(int32_t *)p = (int32_t)i;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if ((r = enc_integer(e, v, INT64_MIN, INT64_MAX, &u, &i)) != 0)
			return r;
		*(int64_t *)p = i;
		return 0;
	case PROTOBUF_C_TYPE_FLOAT:
		if (!json_is_number(v))
			return fail_type(e, "a number", v);
		*(float *)p = (float)json_number_value(v);
		return 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!json_is_number(v))
			return fail_type(e, "a number", v);
		*(double *)p = json_number_value(v);
		return 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return enc_message(e, f->descriptor, v, p, depth + 1);
	}
	return fail(e, "unsupported field type %d", (int)f->type);
}

static size_t
elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return sizeof(uint32_t);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(uint64_t);
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	}
	return 0;
}

static int
enc_field(struct enc *e, const ProtobufCFieldDescriptor *f, const json_t *v,
    ProtobufCMessage *m, int depth)
{
	uint8_t		*base = (uint8_t *)m, *arr;
	size_t		 n, i, esz, old;
	uint32_t	*oneof_case;
	int		 r;

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		if (!json_is_array(v))
			return fail_type(e, "an array", v);
		if ((n = json_array_size(v)) > REPEATED_MAX)
			return fail(e, "%zu elements > REPEATED_MAX %d", n,
			    REPEATED_MAX);
		esz = elem_size(f->type);
		if ((arr = arena_alloc(&e->arena, n * esz)) == NULL)
			return LCN_ENOMEM;
		for (i = 0; i < n; i++) {
			old = path_push(e, 0, NULL, i);
			if ((r = enc_value(e, f, json_array_get(v, i),
			    arr + i * esz, depth)) != 0)
				return r;
			path_pop(e, old);
		}
		*(size_t *)(base + f->quantifier_offset) = n;
		*(void **)(base + f->offset) = arr;
		return 0;
	}
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		oneof_case = (uint32_t *)(base + f->quantifier_offset);
		if (*oneof_case != 0 && *oneof_case != f->id)
			return fail(e, "another member of its oneof is set "
			    "already");
		*oneof_case = f->id;
	} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
	    f->type != PROTOBUF_C_TYPE_STRING &&
	    f->type != PROTOBUF_C_TYPE_MESSAGE)
		*(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
	return enc_value(e, f, v, base + f->offset, depth);
}

static int
fail_unknown(struct enc *e, const ProtobufCMessageDescriptor *d)
{
	char	list[1024];
	size_t	i, off;

	for (i = 0, off = 0, list[0] = '\0'; i < d->n_fields; i++) {
		off += (size_t)snprintf(list + off, sizeof(list) - off,
		    "%s%s", off ? ", " : "", d->fields[i].name);
		if (off >= sizeof(list))
			break;
	}
	return fail(e, "unknown field of %s (expected one of %s)",
	    d->short_name, list);
}

/*
 * Builds a message of type d from the JSON object v into arena memory and
 * stores its pointer at *out. A null value leaves a field at its default,
 * as in the proto3 JSON mapping.
 */
static int
enc_message(struct enc *e, const ProtobufCMessageDescriptor *d,
    const json_t *v, ProtobufCMessage **out, int depth)
{
	const ProtobufCFieldDescriptor	*f;
	ProtobufCMessage		*m;
	const char			*key;
	json_t				*val;
	size_t				 old;
	int				 r;
	char				 expect[128];

	if (!json_is_object(v)) {
		snprintf(expect, sizeof(expect), "an object (%s)",
		    d->short_name);
		return fail_type(e, expect, v);
	}
	if (depth > PBJSON_DEPTH_MAX)
		return fail(e, "nested deeper than PBJSON_DEPTH_MAX %d",
		    PBJSON_DEPTH_MAX);
	if ((m = arena_alloc(&e->arena, d->sizeof_message)) == NULL)
		return LCN_ENOMEM;
	protobuf_c_message_init(d, m);
	json_object_foreach((json_t *)(uintptr_t)v, key, val) {
		old = path_push(e, '.', key, 0);
		if ((f = protobuf_c_message_descriptor_get_field_by_name(d,
		    key)) == NULL)
			return fail_unknown(e, d);
		if (!json_is_null(val) &&
		    (r = enc_field(e, f, val, m, depth)) != 0)
			return r;
		path_pop(e, old);
	}
	*out = m;
	return 0;
}

/* The Entry oneof members that are bodies, for error messages. */
static void
body_names(char *out, size_t outsz)
{
	const ProtobufCMessageDescriptor	*d = &lcn__entry__descriptor;
	size_t					 i, off = 0;

	out[0] = '\0';
	for (i = 0; i < d->n_fields; i++) {
		if (!(d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		off += (size_t)snprintf(out + off, outsz - off, "%s%s",
		    off ? ", " : "", d->fields[i].name);
		if (off >= outsz)
			break;
	}
}

int
pbjson_body_encode(const json_t *body, uint8_t **out, size_t *outlen,
    char *errbuf, size_t errbufsz)
{
	const ProtobufCFieldDescriptor	*f = NULL;
	Lcn__Entry			 entry;
	ProtobufCMessage		*m;
	struct enc			*e;
	const char			*key = NULL;
	json_t				*val = NULL;
	uint8_t				*buf = NULL;
	size_t				 len = 0;
	int				 r;
	char				 names[512], q[8 + 4 * QUOTE_MAX];

	*out = NULL;
	*outlen = 0;
	if (errbuf != NULL && errbufsz > 0)
		errbuf[0] = '\0';
	/* The arena is too large for a loop thread's stack frame. */
	if ((e = malloc(sizeof(*e))) == NULL)
		return LCN_ENOMEM;
	arena_init(&e->arena, 0, e->inl, sizeof(e->inl));
	e->path[0] = '\0';
	e->pathlen = 0;
	e->errbuf = errbuf;
	e->errbufsz = errbufsz;

	lcn__entry__init(&entry);
	if (!json_is_object(body)) {
		r = fail_type(e, "an object with one body, such as "
		    "{\"denial_notice\": {...}}", body);
		goto out;
	}
	if (json_object_size(body) != 1) {
		body_names(names, sizeof(names));
		r = fail(e, "expected exactly one key (one of %s), got %zu",
		    names, json_object_size(body));
		goto out;
	}
	json_object_foreach((json_t *)(uintptr_t)body, key, val) {
		f = protobuf_c_message_descriptor_get_field_by_name(
		    &lcn__entry__descriptor, key);
		break;
	}
	if (f == NULL || !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
	    f->type != PROTOBUF_C_TYPE_MESSAGE) {
		body_names(names, sizeof(names));
		quote(key, q, sizeof(q));
		r = fail(e, "expected a body type (one of %s), got %s",
		    names, q);
		goto out;
	}
	path_push(e, 0, f->name, 0);
	if (json_is_null(val)) {
		r = fail_type(e, "an object", val);
		goto out;
	}
	if ((r = enc_message(e, f->descriptor, val, &m, 1)) != 0)
		goto out;
	*(uint32_t *)((uint8_t *)&entry + f->quantifier_offset) = f->id;
	*(ProtobufCMessage **)((uint8_t *)&entry + f->offset) = m;

	len = protobuf_c_message_get_packed_size(&entry.base);
	if (len > PBJSON_BODY_MAX) {
		r = fail(e, "encodes to %zu bytes > PBJSON_BODY_MAX %u", len,
		    (unsigned)PBJSON_BODY_MAX);
		goto out;
	}
	if ((buf = malloc(len)) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	if (protobuf_c_message_pack(&entry.base, buf) != len) {
		/* get_packed_size and pack walk the same struct. */
		LCN_ASSERT(0);
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = 0;
 out:
	if (r == LCN_ENOMEM && errbuf != NULL && errbufsz > 0)
		snprintf(errbuf, errbufsz, "out of memory");
	free(buf);
	arena_free(&e->arena);
	free(e);
	return r;
}

/*
 * An lcn.Transaction (a licence application for `lcn check`) from JSON:
 * the same rules as a body's fields.
 */
int
pbjson_transaction_encode(const json_t *app, uint8_t **out, size_t *outlen,
    char *errbuf, size_t errbufsz)
{
	ProtobufCMessage	*m = NULL;
	struct enc		*e;
	uint8_t			*buf = NULL;
	size_t			 len;
	int			 r;

	*out = NULL;
	*outlen = 0;
	if (errbuf != NULL && errbufsz > 0)
		errbuf[0] = '\0';
	if ((e = malloc(sizeof(*e))) == NULL)
		return LCN_ENOMEM;
	arena_init(&e->arena, 0, e->inl, sizeof(e->inl));
	e->path[0] = '\0';
	e->pathlen = 0;
	e->errbuf = errbuf;
	e->errbufsz = errbufsz;
	path_push(e, 0, "application", 0);
	if (!json_is_object(app)) {
		r = fail_type(e, "an object with items, parties and "
		    "destination_country", app);
		goto out;
	}
	if ((r = enc_message(e, &lcn__transaction__descriptor, app, &m,
	    1)) != 0)
		goto out;
	len = protobuf_c_message_get_packed_size(m);
	if (len > PBJSON_BODY_MAX) {
		r = fail(e, "encodes to %zu bytes > PBJSON_BODY_MAX %u", len,
		    (unsigned)PBJSON_BODY_MAX);
		goto out;
	}
	if ((buf = malloc(len ? len : 1)) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	LCN_ASSERT(protobuf_c_message_pack(m, buf) == len);
	*out = buf;
	*outlen = len;
	r = 0;
 out:
	arena_free(&e->arena);
	free(e);
	return r;
}

/* ------------------------------------------------------------ decode */

/* The length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static size_t
utf8_seq(const unsigned char *p, size_t left)
{
	size_t		n, k;
	uint32_t	cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (left < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * A JSON string of s, with every byte that is not part of valid UTF-8
 * replaced by U+FFFD. protobuf-c does not check UTF-8, and showing a
 * partner's text with a replacement character is better than failing a
 * whole log.
 */
static json_t *
string_lossy(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	json_t			*j;
	char			*buf;
	size_t			 i = 0, o = 0, n;

	if ((j = json_stringn(s, len)) != NULL)
		return j;
	if (len > SIZE_MAX / 3 || (buf = malloc(len * 3 + 1)) == NULL)
		return NULL;
	while (i < len) {
		if ((n = utf8_seq(p + i, len - i)) == 0) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(buf + o, p + i, n);
		o += n;
		i += n;
	}
	j = json_stringn(buf, o);
	free(buf);
	return j;
}

static json_t *
hex_json(const uint8_t *p, size_t len)
{
	json_t	*j;
	char	*buf, small[2 * HASH_LEN * 2 + 1];

	if (len <= HASH_LEN * 2) {
		hex_encode(p, len, small);
		return json_stringn(small, 2 * len);
	}
	if (len > (SIZE_MAX - 1) / 2 || (buf = malloc(2 * len + 1)) == NULL)
		return NULL;
	hex_encode(p, len, buf);
	j = json_stringn(buf, 2 * len);
	free(buf);
	return j;
}

static json_t *
uint_json(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	/* Beyond json_int_t: a decimal string keeps the value exact. */
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t	*dec_message(const ProtobufCMessage *, int depth);

static json_t *
dec_value(const ProtobufCFieldDescriptor *f, const void *p, int depth)
{
	const ProtobufCEnumValue	*ev;
	const ProtobufCBinaryData	*b;
	const char			*s;

	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		s = *(char *const *)p;
		return string_lossy(s ? s : "", s ? strlen(s) : 0);
	case PROTOBUF_C_TYPE_BYTES:
		b = p;
		return hex_json(b->data, b->len);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM:
		if ((ev = protobuf_c_enum_descriptor_get_value(f->descriptor,
		    *(const int *)p)) != NULL)
			return json_string(ev->name);
		/* A value this build does not know: keep the number. */
		return json_integer(*(const int *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return uint_json(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_MESSAGE:
		if (*(ProtobufCMessage *const *)p == NULL)
			return json_object();
		return dec_message(*(ProtobufCMessage *const *)p, depth + 1);
	}
	return NULL;
}

/* Whether a singular proto3 field holds its default value. */
static int
is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
	const char *s;

	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		s = *(char *const *)p;
		return s == NULL || *s == '\0';
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)p)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(ProtobufCMessage *const *)p == NULL;
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)p == 0;
	case PROTOBUF_C_TYPE_ENUM:
		return *(const int *)p == 0;
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)p == 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)p == 0;
	default:
		return memcmp(p, "\0\0\0\0\0\0\0\0",
		    elem_size(f->type)) == 0;
	}
}

/*
 * The JSON object of a message: every field not at its default, in
 * declaration order. NULL if out of memory or nested too deep.
 */
static json_t *
dec_message(const ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor	*d = m->descriptor;
	const ProtobufCFieldDescriptor		*f;
	const uint8_t				*base = (const uint8_t *)m;
	const uint8_t				*arr;
	json_t					*obj, *val;
	size_t					 i, j, n, esz;
	int					 ok = 0;

	/* Unpacked input nests at most as deep as the schema allows. */
	if (depth > PBJSON_DEPTH_MAX || (obj = json_object()) == NULL)
		return NULL;
	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(base + f->quantifier_offset);
			if (n == 0)
				continue;
			arr = *(uint8_t *const *)(base + f->offset);
			esz = elem_size(f->type);
			if ((val = json_array()) == NULL)
				goto out;
			for (j = 0; j < n; j++) {
				/* append_new takes the reference, even NULL. */
				if (json_array_append_new(val, dec_value(f,
				    arr + j * esz, depth)) != 0) {
					json_decref(val);
					goto out;
				}
			}
		} else {
			if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
				if (*(const uint32_t *)(base +
				    f->quantifier_offset) != f->id)
					continue;
			} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
			    f->type != PROTOBUF_C_TYPE_STRING &&
			    f->type != PROTOBUF_C_TYPE_MESSAGE) {
				if (!*(const protobuf_c_boolean *)(base +
				    f->quantifier_offset))
					continue;
			} else if (is_default(f, base + f->offset))
				continue;
			val = dec_value(f, base + f->offset, depth);
		}
		/* set_new takes the reference and fails on a NULL value. */
		if (json_object_set_new_nocheck(obj, f->name, val) != 0)
			goto out;
	}
	ok = 1;
 out:
	if (!ok) {
		json_decref(obj);
		obj = NULL;
	}
	return obj;
}

static int
set(json_t *obj, const char *key, json_t *val)
{
	return json_object_set_new_nocheck(obj, key, val);
}

json_t *
pbjson_entry_decode(const uint8_t *signed_entry, size_t len, char *errbuf,
    size_t errbufsz)
{
	const ProtobufCFieldDescriptor	*f;
	Lcn__SignedEntry		*se = NULL;
	Lcn__Entry			*en = NULL;
	json_t				*obj = NULL, *body;
	uint8_t				 leaf[HASH_LEN];
	const char			*why = "out of memory";
	int				 ok = 0;

	if (errbuf != NULL && errbufsz > 0)
		errbuf[0] = '\0';
	if (len > ENTRY_MAX) {
		why = "more than ENTRY_MAX bytes";
		goto out;
	}
	if (hash_init() != 0) {
		why = "SHA-256 unavailable";
		goto out;
	}
	if ((se = lcn__signed_entry__unpack(NULL, len, signed_entry)) ==
	    NULL) {
		why = "not a SignedEntry";
		goto out;
	}
	if ((en = lcn__entry__unpack(NULL, se->entry.len, se->entry.data)) ==
	    NULL) {
		why = "SignedEntry.entry is not an Entry";
		goto out;
	}
	hash_leaf(signed_entry, len, leaf);
	if ((obj = json_object()) == NULL ||
	    set(obj, "origin", string_lossy(en->origin,
	    strlen(en->origin))) != 0 ||
	    set(obj, "group", string_lossy(en->group,
	    strlen(en->group))) != 0 ||
	    set(obj, "seq", uint_json(en->seq)) != 0 ||
	    set(obj, "created_ms", uint_json(en->created_ms)) != 0 ||
	    set(obj, "key_id", hex_json(en->key_id.data,
	    en->key_id.len)) != 0 ||
	    set(obj, "prev_hash", hex_json(en->prev_hash.data,
	    en->prev_hash.len)) != 0 ||
	    set(obj, "prev_root", hex_json(en->prev_root.data,
	    en->prev_root.len)) != 0 ||
	    set(obj, "leaf_hash", hex_json(leaf, sizeof(leaf))) != 0 ||
	    set(obj, "signature", hex_json(se->signature.data,
	    se->signature.len)) != 0)
		goto out;
	f = protobuf_c_message_descriptor_get_field(&lcn__entry__descriptor,
	    en->body_case);
	if (en->body_case == LCN__ENTRY__BODY__NOT_SET || f == NULL ||
	    f->type != PROTOBUF_C_TYPE_MESSAGE) {
		/* entry_parse() refuses these; show them anyway. */
		if (set(obj, "type", json_null()) != 0 ||
		    set(obj, "body", json_null()) != 0)
			goto out;
	} else {
		body = dec_value(f, (const uint8_t *)en + f->offset, 0);
		if (body == NULL) {
			why = "body nested too deep, or out of memory";
			goto out;
		}
		if (set(obj, "type", json_string(f->name)) != 0 ||
		    set(obj, "body", body) != 0)
			goto out;
	}
	ok = 1;
 out:
	if (!ok) {
		json_decref(obj);
		obj = NULL;
		if (errbuf != NULL && errbufsz > 0)
			snprintf(errbuf, errbufsz, "entry of %zu bytes: %s",
			    len, why);
	}
	if (en != NULL)
		lcn__entry__free_unpacked(en, NULL);
	if (se != NULL)
		lcn__signed_entry__free_unpacked(se, NULL);
	return obj;
}
