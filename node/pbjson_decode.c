/*
 * Protobuf to JSON (pbjson.h: pbjson_entry_decode): a stored SignedEntry
 * shown as JSON, its header fields first and then its body, walked by the
 * protobuf-c descriptors so that every body of lcn.proto is covered.
 * Fields at their default value are left out; text that is not valid
 * UTF-8 is shown with U+FFFD rather than refused.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

#include "hash.h"
#include "lcn.pb-c.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "pbjson_int.h"
#include "util.h"

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
		    pbjson_elem_size(f->type)) == 0;
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
			esz = pbjson_elem_size(f->type);
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
