/*
 * JSON to protobuf for entry bodies and applications, driven by the
 * protobuf-c descriptors (see pbjson.h). Encoding builds the generated
 * structs by field offset: strings point into the caller's json_t (jansson
 * has already checked them as UTF-8), everything else comes from one arena
 * (arena.h) dropped whole after packing, so an encode costs a handful of
 * mallocs at most. That matters: the daemon parses and encodes every body
 * of `lcn publish`, and 100,000 bodies must go through at well over
 * 20,000/s.
 *
 * Error messages name the field path (pbjson_error.c); decoding, protobuf
 * to JSON, is in pbjson_decode.c. The pbjson files and wire.c are the only
 * users of lcn.pb-c.h in node/: the generated structs never leave them.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "lcn.pb-c.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "pbjson_int.h"
#include "util.h"

#define ENUM_NAME_MAX	128

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
		pbjson_describe(v, got, sizeof(got));
		return pbjson_fail(e, "expected one of %s, got %s", list, got);
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
		return pbjson_fail_type(e, "a string", v);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > STRING_MAX)
		return pbjson_fail(e, "string of %zu bytes > STRING_MAX %d",
		    len, STRING_MAX);
	if (memchr(s, '\0', len) != NULL)
		return pbjson_fail(e, "string contains a NUL character");
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
		return pbjson_fail_type(e, "hex bytes", v);
	s = json_string_value(v);
	len = json_string_length(v);
	if (len / 2 > STRING_MAX)
		return pbjson_fail(e, "%zu bytes > STRING_MAX %d", len / 2,
		    STRING_MAX);
	if (len % 2 != 0)
		return pbjson_fail_type(e, "hex bytes (an even number of "
		    "digits)", v);
	if ((out->data = arena_alloc(&e->arena, len / 2)) == NULL)
		return LCN_ENOMEM;
	if (hex_decode(s, out->data, len / 2) != 0)
		return pbjson_fail_type(e, "hex bytes", v);
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
	return pbjson_fail_type(e, expect, v);
}

static int	enc_message(struct enc *, const ProtobufCMessageDescriptor *,
		    const json_t *, ProtobufCMessage **, int depth);

/* Sets one value (a field, or an element of a repeated field) at p. */
static int
enc_value(struct enc *e, const ProtobufCFieldDescriptor *f, const json_t *v,
    void *p, int depth)
{
	uint64_t	u = 0;
	int64_t		i = 0;
	int		r, ev;

	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		return enc_string(e, v, p);
	case PROTOBUF_C_TYPE_BYTES:
		return enc_bytes(e, v, p);
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_is_boolean(v))
			return pbjson_fail_type(e, "true or false", v);
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
				return pbjson_fail_type(e, "milliseconds since "
				    "the epoch or a UTC date (YYYY-MM-DD or "
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
			return pbjson_fail_type(e, "a number", v);
		*(float *)p = (float)json_number_value(v);
		return 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		if (!json_is_number(v))
			return pbjson_fail_type(e, "a number", v);
		*(double *)p = json_number_value(v);
		return 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return enc_message(e, f->descriptor, v, p, depth + 1);
	}
	return pbjson_fail(e, "unsupported field type %d", (int)f->type);
}

size_t
pbjson_elem_size(ProtobufCType t)
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
			return pbjson_fail_type(e, "an array", v);
		if ((n = json_array_size(v)) > REPEATED_MAX)
			return pbjson_fail(e, "%zu elements > REPEATED_MAX %d",
			    n, REPEATED_MAX);
		esz = pbjson_elem_size(f->type);
		if ((arr = arena_alloc(&e->arena, n * esz)) == NULL)
			return LCN_ENOMEM;
		for (i = 0; i < n; i++) {
			old = pbjson_path_push(e, 0, NULL, i);
			if ((r = enc_value(e, f, json_array_get(v, i),
			    arr + i * esz, depth)) != 0)
				return r;
			pbjson_path_pop(e, old);
		}
		*(size_t *)(base + f->quantifier_offset) = n;
		*(void **)(base + f->offset) = arr;
		return 0;
	}
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		oneof_case = (uint32_t *)(base + f->quantifier_offset);
		if (*oneof_case != 0 && *oneof_case != f->id)
			return pbjson_fail(e, "another member of its oneof is "
			    "set already");
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
	return pbjson_fail(e, "unknown field of %s (expected one of %s)",
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
		return pbjson_fail_type(e, expect, v);
	}
	if (depth > PBJSON_DEPTH_MAX)
		return pbjson_fail(e, "nested deeper than PBJSON_DEPTH_MAX %d",
		    PBJSON_DEPTH_MAX);
	if ((m = arena_alloc(&e->arena, d->sizeof_message)) == NULL)
		return LCN_ENOMEM;
	protobuf_c_message_init(d, m);
	json_object_foreach((json_t *)(uintptr_t)v, key, val) {
		old = pbjson_path_push(e, '.', key, 0);
		if ((f = protobuf_c_message_descriptor_get_field_by_name(d,
		    key)) == NULL)
			return fail_unknown(e, d);
		if (!json_is_null(val) &&
		    (r = enc_field(e, f, val, m, depth)) != 0)
			return r;
		pbjson_path_pop(e, old);
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
		r = pbjson_fail_type(e, "an object with one body, such as "
		    "{\"denial_notice\": {...}}", body);
		goto out;
	}
	if (json_object_size(body) != 1) {
		body_names(names, sizeof(names));
		r = pbjson_fail(e, "expected exactly one key (one of %s), got "
		    "%zu", names, json_object_size(body));
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
		pbjson_quote(key, q, sizeof(q));
		r = pbjson_fail(e, "expected a body type (one of %s), got %s",
		    names, q);
		goto out;
	}
	pbjson_path_push(e, 0, f->name, 0);
	if (json_is_null(val)) {
		r = pbjson_fail_type(e, "an object", val);
		goto out;
	}
	if ((r = enc_message(e, f->descriptor, val, &m, 1)) != 0)
		goto out;
	*(uint32_t *)((uint8_t *)&entry + f->quantifier_offset) = f->id;
	*(ProtobufCMessage **)((uint8_t *)&entry + f->offset) = m;

	len = protobuf_c_message_get_packed_size(&entry.base);
	if (len > PBJSON_BODY_MAX) {
		r = pbjson_fail(e, "encodes to %zu bytes > PBJSON_BODY_MAX %u",
		    len, (unsigned)PBJSON_BODY_MAX);
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
	pbjson_path_push(e, 0, "application", 0);
	if (!json_is_object(app)) {
		r = pbjson_fail_type(e, "an object with items, parties and "
		    "destination_country", app);
		goto out;
	}
	if ((r = enc_message(e, &lcn__transaction__descriptor, app, &m,
	    1)) != 0)
		goto out;
	len = protobuf_c_message_get_packed_size(m);
	if (len > PBJSON_BODY_MAX) {
		r = pbjson_fail(e, "encodes to %zu bytes > PBJSON_BODY_MAX %u",
		    len, (unsigned)PBJSON_BODY_MAX);
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
