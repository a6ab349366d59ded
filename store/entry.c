/*
 * The ledger record codec: a SignedEntry and its Entry decoded from the
 * exact bytes (bounded, field by field, in one accepted encoding), and the
 * encodings the node makes itself. PROTOCOL.md section 3 is the format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "entry.h"
#include "entry_pb.h"
#include "lcn_err.h"
#include "util.h"

#define MSG_DEPTH_MAX	16

static int
fail(char *errbuf, size_t errbufsz, const char *fmt, ...)
{
	va_list ap;

	if (errbufsz > 0) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errbufsz, fmt, ap);
		va_end(ap);
	}
	return LCN_EPROTO;
}

int
entry_copy_id(char *dst, size_t dstsz, const char *src, int is_group)
{
	size_t len;

	if (src == NULL || (len = strlen(src)) >= dstsz)
		return LCN_EPROTO;
	if (is_group ? !group_name_valid(src) : !agency_id_valid(src))
		return LCN_EPROTO;
	memcpy(dst, src, len + 1);
	return 0;
}

Lcn__Head **
entry_heads_to_pb(const struct head *h, size_t n)
{
	Lcn__Head	**v, *store;
	size_t		  i;

	if ((v = calloc(1, (n + 1) * (sizeof(*v) + sizeof(*store)))) == NULL)
		return NULL;
	store = (Lcn__Head *)(v + n + 1);
	for (i = 0; i < n; i++) {
		lcn__head__init(&store[i]);
		store[i].origin = (char *)h[i].feed.origin;
		store[i].group = (char *)h[i].feed.group;
		store[i].seq = h[i].seq;
		store[i].leaf_hash.data = (uint8_t *)h[i].hash;
		store[i].leaf_hash.len = HASH_LEN;
		v[i] = &store[i];
	}
	return v;
}

/*
 * Bounds every string and repeated field of a decoded body, recursively,
 * by walking the descriptors: protobuf-c itself bounds nothing.
 */
static int
check_limits(const ProtobufCMessage *msg, int depth, char *errbuf,
    size_t errbufsz)
{
	const ProtobufCMessageDescriptor	*d = msg->descriptor;
	const ProtobufCFieldDescriptor		*fd;
	const uint8_t				*base = (const uint8_t *)msg;
	size_t					 i, k, n;
	const void				*p;

	if (depth > MSG_DEPTH_MAX)
		return fail(errbuf, errbufsz, "message nested deeper than %d",
		    MSG_DEPTH_MAX);
	for (i = 0; i < d->n_fields; i++) {
		fd = &d->fields[i];
		p = base + fd->offset;
		if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF &&
		    *(const uint32_t *)(base + fd->quantifier_offset) !=
		    fd->id)
			continue;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(base + fd->quantifier_offset);
			if (n > REPEATED_MAX)
				return fail(errbuf, errbufsz, "%s.%s: %zu "
				    "values, more than REPEATED_MAX %d",
				    d->short_name, fd->name, n, REPEATED_MAX);
			p = *(void *const *)p;
		} else
			n = 1;
		for (k = 0; k < n; k++) {
			switch (fd->type) {
			case PROTOBUF_C_TYPE_STRING: {
				const char *s = fd->label ==
				    PROTOBUF_C_LABEL_REPEATED ?
				    ((char *const *)p)[k] : *(char *const *)p;

				if (s != NULL && strlen(s) > STRING_MAX)
					return fail(errbuf, errbufsz, "%s.%s: "
					    "longer than STRING_MAX %d",
					    d->short_name, fd->name,
					    STRING_MAX);
				break;
			}
			case PROTOBUF_C_TYPE_BYTES: {
				const ProtobufCBinaryData *b = fd->label ==
				    PROTOBUF_C_LABEL_REPEATED ?
				    &((const ProtobufCBinaryData *)p)[k] :
				    (const ProtobufCBinaryData *)p;

				if (b->len > STRING_MAX)
					return fail(errbuf, errbufsz, "%s.%s: "
					    "longer than STRING_MAX %d",
					    d->short_name, fd->name,
					    STRING_MAX);
				break;
			}
			case PROTOBUF_C_TYPE_MESSAGE: {
				const ProtobufCMessage *sub = fd->label ==
				    PROTOBUF_C_LABEL_REPEATED ?
				    ((ProtobufCMessage *const *)p)[k] :
				    *(ProtobufCMessage *const *)p;
				int r;

				if (sub != NULL && (r = check_limits(sub,
				    depth + 1, errbuf, errbufsz)) != 0)
					return r;
				break;
			}
			default:
				break;
			}
		}
	}
	return 0;
}

/* Writes v as a minimal protobuf varint (at most 10 bytes). */
static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/*
 * Accepts only the one encoding entry_encode_signed() makes: field 1 (the
 * entry), then field 2 (the signature), minimal varints, nothing else.
 * The signature covers only the Entry bytes but the leaf hash covers the
 * whole SignedEntry (PROTOCOL.md section 3.6), so any other wrapping of the
 * same signed entry (fields swapped or repeated, a padded length, an
 * unknown field) would be a second valid copy with another leaf hash that
 * anyone could make: stored by a receiver, it breaks that receiver's hash
 * chain with the origin. Returns the length of the prefix before the
 * entry bytes (which gives the view its place in the caller's bytes, as
 * protobuf-c copies), or 0 if the encoding is not that one.
 */
static size_t
canonical_prefix(const uint8_t *signed_bytes, size_t len,
    const Lcn__SignedEntry *se)
{
	uint8_t	 hdr[1 + 10];
	size_t	 hl;

	hl = 1 + put_varint(hdr + 1, se->entry.len);
	hdr[0] = 0x0a;			/* field 1, length-delimited */
	if (len != hl + se->entry.len + 2 + SIG_LEN ||
	    memcmp(signed_bytes, hdr, hl) != 0 ||
	    memcmp(signed_bytes + hl, se->entry.data, se->entry.len) != 0 ||
	    signed_bytes[hl + se->entry.len] != 0x12 ||	/* field 2 */
	    signed_bytes[hl + se->entry.len + 1] != SIG_LEN ||
	    memcmp(signed_bytes + hl + se->entry.len + 2, se->signature.data,
	    SIG_LEN) != 0)
		return 0;
	return hl;
}

int
entry_parse(const uint8_t *signed_bytes, size_t len,
    struct entry_view *v, char *errbuf, size_t errbufsz)
{
	Lcn__SignedEntry	*se = NULL;
	Lcn__Entry		*e = NULL;
	int			 r = LCN_EPROTO;
	const uint8_t		*eb;
	size_t			 hl;

	memset(v, 0, sizeof(*v));
	if (len == 0 || len > ENTRY_MAX)
		return fail(errbuf, errbufsz, "signed entry of %zu bytes, "
		    "expected 1..ENTRY_MAX %u", len, ENTRY_MAX);
	if ((se = lcn__signed_entry__unpack(NULL, len, signed_bytes)) ==
	    NULL) {
		fail(errbuf, errbufsz, "SignedEntry does not decode");
		goto out;
	}
	if (se->signature.len != SIG_LEN || se->entry.len == 0) {
		fail(errbuf, errbufsz, "SignedEntry: signature of %zu bytes, "
		    "expected %d, or empty entry", se->signature.len, SIG_LEN);
		goto out;
	}
	if ((e = lcn__entry__unpack(NULL, se->entry.len, se->entry.data)) ==
	    NULL) {
		fail(errbuf, errbufsz, "Entry does not decode");
		goto out;
	}
	if (entry_copy_id(v->feed.origin, sizeof(v->feed.origin), e->origin, 0) ||
	    entry_copy_id(v->feed.group, sizeof(v->feed.group), e->group, 1)) {
		fail(errbuf, errbufsz, "Entry: origin or group is not a valid "
		    "id");
		goto out;
	}
	if (e->seq == 0 || e->prev_hash.len != HASH_LEN ||
	    e->prev_root.len != HASH_LEN || e->key_id.len != KEY_ID_LEN) {
		fail(errbuf, errbufsz, "Entry: expected seq >= 1 and 32-byte "
		    "prev_hash, prev_root and key_id");
		goto out;
	}
	if (e->body_case == LCN__ENTRY__BODY__NOT_SET) {
		fail(errbuf, errbufsz, "Entry: no body");
		goto out;
	}
	if (check_limits(&e->base, 0, errbuf, errbufsz) != 0)
		goto out;
	v->seq = e->seq;
	memcpy(v->prev_hash, e->prev_hash.data, HASH_LEN);
	memcpy(v->prev_root, e->prev_root.data, HASH_LEN);
	memcpy(v->key_id, e->key_id.data, KEY_ID_LEN);
	memcpy(v->sig, se->signature.data, SIG_LEN);
	v->created_ms = e->created_ms;
	v->body_type = (int)e->body_case;
	if ((hl = canonical_prefix(signed_bytes, len, se)) == 0) {
		fail(errbuf, errbufsz, "SignedEntry: not encoded as entry "
		    "then signature with nothing else");
		goto out;
	}
	eb = signed_bytes + hl;
	v->entry.ptr = eb;
	v->entry.len = se->entry.len;
	r = 0;
 out:
	if (e != NULL)
		lcn__entry__free_unpacked(e, NULL);
	if (se != NULL)
		lcn__signed_entry__free_unpacked(se, NULL);
	if (r != 0)
		memset(v, 0, sizeof(*v));
	return r;
}

size_t
entry_encode_header(const struct entry_view *v, uint8_t *out, size_t outsz)
{
	Lcn__Entry	e = LCN__ENTRY__INIT;
	size_t		len;

	e.origin = (char *)v->feed.origin;
	e.group = (char *)v->feed.group;
	e.seq = v->seq;
	e.prev_hash.data = (uint8_t *)v->prev_hash;
	e.prev_hash.len = HASH_LEN;
	e.prev_root.data = (uint8_t *)v->prev_root;
	e.prev_root.len = HASH_LEN;
	e.created_ms = v->created_ms;
	e.key_id.data = (uint8_t *)v->key_id;
	e.key_id.len = KEY_ID_LEN;
	len = lcn__entry__get_packed_size(&e);
	if (len > outsz)
		return 0;
	return lcn__entry__pack(&e, out);
}

int
entry_encode_signed(const uint8_t *entry, size_t len,
    const uint8_t sig[SIG_LEN], uint8_t **out, size_t *outlen)
{
	Lcn__SignedEntry	se = LCN__SIGNED_ENTRY__INIT;
	size_t			n;

	*out = NULL;
	*outlen = 0;
	se.entry.data = (uint8_t *)entry;
	se.entry.len = len;
	se.signature.data = (uint8_t *)sig;
	se.signature.len = SIG_LEN;
	n = lcn__signed_entry__get_packed_size(&se);
	if (n > ENTRY_MAX)
		return LCN_EINVAL;
	if ((*out = malloc(n)) == NULL)
		return LCN_ENOMEM;
	*outlen = lcn__signed_entry__pack(&se, *out);
	return 0;
}

int
entry_encode_attestation(const char *ref, const struct head *heads, size_t n,
    uint64_t as_of_ms, uint8_t **out, size_t *outlen)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__HeadsAttestation	 ha = LCN__HEADS_ATTESTATION__INIT;
	Lcn__Handling		 hd = LCN__HANDLING__INIT;
	size_t			 len;
	int			 r = LCN_ENOMEM;

	*out = NULL;
	*outlen = 0;
	if (n > REPEATED_MAX)
		return LCN_EINVAL;
	if ((ha.heads = entry_heads_to_pb(heads, n)) == NULL)
		goto out;
	hd.tlp = LCN__TLP__TLP_AMBER;
	ha.ref = (char *)ref;
	ha.handling = &hd;
	ha.n_heads = n;
	ha.as_of_ms = as_of_ms;
	e.body_case = LCN__ENTRY__BODY_HEADS_ATTESTATION;
	e.heads_attestation = &ha;
	len = lcn__entry__get_packed_size(&e);
	if ((*out = malloc(len)) == NULL)
		goto out;
	*outlen = lcn__entry__pack(&e, *out);
	r = 0;
 out:
	free(ha.heads);
	return r;
}
