/*
 * Every byte from a peer passes through here after framing: unpacked by
 * protobuf-c at the frame's bounded length, checked field by field, then
 * copied into LCN's own structs. The generated structs never leave this
 * file (except for the record code in store/ and pbjson.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "frame.h"
#include "lcn_err.h"
#include "log.h"
#include "util.h"
#include "wire.h"

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

static int
copy_id(char *dst, size_t dstsz, const char *src, int is_group)
{
	size_t len;

	if (src == NULL || (len = strlen(src)) >= dstsz)
		return LCN_EPROTO;
	if (is_group ? !group_name_valid(src) : !agency_id_valid(src))
		return LCN_EPROTO;
	memcpy(dst, src, len + 1);
	return 0;
}

static int
copy_text(char *dst, size_t dstsz, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (len >= dstsz)
		return LCN_EPROTO;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
	return 0;
}

static int
feed_from_pb(const Lcn__FeedId *f, struct feed_id *out)
{
	if (f == NULL ||
	    copy_id(out->origin, sizeof(out->origin), f->origin, 0) != 0 ||
	    copy_id(out->group, sizeof(out->group), f->group, 1) != 0)
		return LCN_EPROTO;
	return 0;
}

static int
heads_from_pb(Lcn__Head **in, size_t n, struct head **out, size_t *nout)
{
	struct head	*h;
	size_t		 i;

	*out = NULL;
	*nout = 0;
	if (n > HEADS_MAX)
		return LCN_EPROTO;
	if (n == 0)
		return 0;
	if ((h = calloc(n, sizeof(*h))) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < n; i++) {
		if (copy_id(h[i].feed.origin, sizeof(h[i].feed.origin),
		    in[i]->origin, 0) != 0 ||
		    copy_id(h[i].feed.group, sizeof(h[i].feed.group),
		    in[i]->group, 1) != 0 ||
		    in[i]->leaf_hash.len != HASH_LEN) {
			free(h);
			return LCN_EPROTO;
		}
		h[i].seq = in[i]->seq;
		memcpy(h[i].hash, in[i]->leaf_hash.data, HASH_LEN);
	}
	*out = h;
	*nout = n;
	return 0;
}

/* Copies byte strings into one owned buffer, with views into it. */
static int
copy_blobs(const ProtobufCBinaryData *in, size_t n, struct bytes *views,
    uint8_t **buf)
{
	size_t	 total = 0, i, off = 0;

	for (i = 0; i < n; i++)
		total += in[i].len;
	if ((*buf = malloc(total ? total : 1)) == NULL)
		return LCN_ENOMEM;
	for (i = 0; i < n; i++) {
		if (in[i].len)
			memcpy(*buf + off, in[i].data, in[i].len);
		views[i].ptr = *buf + off;
		views[i].len = in[i].len;
		off += in[i].len;
	}
	return 0;
}

int
wire_decode(const uint8_t *body, size_t len, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	Lcn__Frame	*f;
	int		 r = LCN_EPROTO;
	size_t		 i;

	memset(m, 0, sizeof(*m));
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if ((f = lcn__frame__unpack(NULL, len, body)) == NULL)
		return fail(errbuf, errbufsz, "frame of %zu bytes does not "
		    "decode as a protobuf Frame", len);

	switch (f->msg_case) {
	case LCN__FRAME__MSG_HELLO:
		m->type = MSG_HELLO;
		m->u.hello.version = f->hello->protocol_version;
		m->u.hello.max_frame = f->hello->max_frame;
		if (copy_id(m->u.hello.agency, sizeof(m->u.hello.agency),
		    f->hello->agency, 0) != 0) {
			fail(errbuf, errbufsz, "Hello.agency: expected an "
			    "agency id");
			goto out;
		}
		if (copy_text(m->u.hello.software, sizeof(m->u.hello.software),
		    f->hello->software) != 0) {
			fail(errbuf, errbufsz, "Hello.software: longer than "
			    "SOFTWARE_MAX %d", SOFTWARE_MAX);
			goto out;
		}
		if ((r = heads_from_pb(f->hello->heads, f->hello->n_heads,
		    &m->u.hello.heads, &m->u.hello.nheads)) != 0) {
			fail(errbuf, errbufsz, "Hello.heads: %zu heads, or a "
			    "head with a bad id or hash", f->hello->n_heads);
			goto out;
		}
		break;
	case LCN__FRAME__MSG_HEADS:
		m->type = MSG_HEADS;
		if ((r = heads_from_pb(f->heads->heads, f->heads->n_heads,
		    &m->u.heads.heads, &m->u.heads.nheads)) != 0) {
			fail(errbuf, errbufsz, "Heads: %zu heads, or a head "
			    "with a bad id or hash", f->heads->n_heads);
			goto out;
		}
		break;
	case LCN__FRAME__MSG_WANT:
		m->type = MSG_WANT;
		if (feed_from_pb(f->want->feed, &m->u.want.feed) != 0 ||
		    f->want->from_seq == 0 ||
		    f->want->to_seq < f->want->from_seq) {
			r = fail(errbuf, errbufsz, "Want: expected a feed and "
			    "1 <= from_seq <= to_seq");
			goto out;
		}
		m->u.want.from_seq = f->want->from_seq;
		m->u.want.to_seq = f->want->to_seq;
		m->u.want.max_bytes = f->want->max_bytes;
		break;
	case LCN__FRAME__MSG_ENTRIES:
		m->type = MSG_ENTRIES;
		if (feed_from_pb(f->entries->feed, &m->u.entries.feed) != 0 ||
		    f->entries->first_seq == 0) {
			r = fail(errbuf, errbufsz, "Entries: expected a feed "
			    "and first_seq >= 1");
			goto out;
		}
		if (f->entries->n_signed_entries == 0 ||
		    f->entries->n_signed_entries > BATCH_ENTRIES_MAX) {
			r = fail(errbuf, errbufsz, "Entries: %zu entries, "
			    "expected 1..BATCH_ENTRIES_MAX %d",
			    f->entries->n_signed_entries, BATCH_ENTRIES_MAX);
			goto out;
		}
		if (f->entries->first_seq > UINT64_MAX -
		    f->entries->n_signed_entries) {
			r = fail(errbuf, errbufsz, "Entries: seq overflow");
			goto out;
		}
		for (i = 0; i < f->entries->n_signed_entries; i++) {
			if (f->entries->signed_entries[i].len == 0 ||
			    f->entries->signed_entries[i].len > ENTRY_MAX) {
				r = fail(errbuf, errbufsz, "Entries: entry %zu "
				    "is %zu bytes, expected 1..ENTRY_MAX %u",
				    i, f->entries->signed_entries[i].len,
				    ENTRY_MAX);
				goto out;
			}
		}
		m->u.entries.first_seq = f->entries->first_seq;
		if ((m->u.entries.items = calloc(f->entries->n_signed_entries,
		    sizeof(struct bytes))) == NULL) {
			r = LCN_ENOMEM;
			goto out;
		}
		m->u.entries.nitems = f->entries->n_signed_entries;
		if ((r = copy_blobs(f->entries->signed_entries,
		    f->entries->n_signed_entries, m->u.entries.items,
		    &m->buf)) != 0)
			goto out;
		break;
	case LCN__FRAME__MSG_CREDIT:
		m->type = MSG_CREDIT;
		m->u.credit.bytes = f->credit->bytes;
		break;
	case LCN__FRAME__MSG_EQUIVOCATION: {
		ProtobufCBinaryData two[2];

		m->type = MSG_EQUIVOCATION;
		two[0] = f->equivocation->first;
		two[1] = f->equivocation->second;
		if (two[0].len == 0 || two[0].len > ENTRY_MAX ||
		    two[1].len == 0 || two[1].len > ENTRY_MAX) {
			r = fail(errbuf, errbufsz, "Equivocation: entries "
			    "must be 1..ENTRY_MAX bytes");
			goto out;
		}
		{
			struct bytes v[2];

			if ((r = copy_blobs(two, 2, v, &m->buf)) != 0)
				goto out;
			m->u.equivocation.first = v[0];
			m->u.equivocation.second = v[1];
		}
		break;
	}
	case LCN__FRAME__MSG_REJECT:
		m->type = MSG_REJECT;
		if (feed_from_pb(f->reject->feed, &m->u.reject.feed) != 0 ||
		    (unsigned)f->reject->reason > REJECT_REASON_MAX) {
			r = fail(errbuf, errbufsz, "Reject: expected a feed "
			    "and a known reason");
			goto out;
		}
		m->u.reject.seq = f->reject->seq;
		m->u.reject.reason = (enum reject_reason)f->reject->reason;
		/* Peer text is only ever logged escaped; keep a bounded copy. */
		snprintf(m->u.reject.text, sizeof(m->u.reject.text), "%s",
		    f->reject->text ? f->reject->text : "");
		break;
	case LCN__FRAME__MSG_PING:
		m->type = MSG_PING;
		m->u.ping.nonce = f->ping->nonce;
		break;
	case LCN__FRAME__MSG_PONG:
		m->type = MSG_PONG;
		m->u.ping.nonce = f->pong->nonce;
		break;
	case LCN__FRAME__MSG_ERROR:
		m->type = MSG_ERROR;
		m->u.error.code = f->error->code;
		snprintf(m->u.error.text, sizeof(m->u.error.text), "%s",
		    f->error->text ? f->error->text : "");
		break;
	default:
		r = fail(errbuf, errbufsz, "frame carries no known message");
		goto out;
	}
	r = 0;
 out:
	lcn__frame__free_unpacked(f, NULL);
	if (r != 0) {
		if (r != LCN_ENOMEM)
			r = LCN_EPROTO;
		if (errbuf != NULL && errbufsz > 0 && errbuf[0] == '\0')
			fail(errbuf, errbufsz, "invalid frame");
		msg_free(m);
	}
	return r;
}

void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	switch (m->type) {
	case MSG_HELLO:
		free(m->u.hello.heads);
		break;
	case MSG_HEADS:
		free(m->u.heads.heads);
		break;
	case MSG_ENTRIES:
		free(m->u.entries.items);
		break;
	default:
		break;
	}
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/*
 * The generated Head structs for h[0..n-1] and the pointer vector to
 * them, in one allocation the caller frees with free(). Strings and
 * hashes are borrowed from h.
 */
static Lcn__Head **
heads_to_pb(const struct head *h, size_t n)
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

int
wire_encode(const struct msg *m, uint8_t **out, size_t *outlen)
{
	Lcn__Frame		 f = LCN__FRAME__INIT;
	Lcn__Hello		 hello = LCN__HELLO__INIT;
	Lcn__Heads		 heads = LCN__HEADS__INIT;
	Lcn__Want		 want = LCN__WANT__INIT;
	Lcn__Entries		 entries = LCN__ENTRIES__INIT;
	Lcn__Credit		 credit = LCN__CREDIT__INIT;
	Lcn__Equivocation	 eq = LCN__EQUIVOCATION__INIT;
	Lcn__Reject		 reject = LCN__REJECT__INIT;
	Lcn__Ping		 ping = LCN__PING__INIT;
	Lcn__Pong		 pong = LCN__PONG__INIT;
	Lcn__Error		 error = LCN__ERROR__INIT;
	Lcn__FeedId		 feed = LCN__FEED_ID__INIT;
	ProtobufCBinaryData	*blobs = NULL;
	size_t			 len, i;
	uint8_t			*buf;
	int			 r = LCN_ENOMEM;

	*out = NULL;
	*outlen = 0;
	switch (m->type) {
	case MSG_HELLO:
		hello.protocol_version = m->u.hello.version;
		hello.agency = (char *)m->u.hello.agency;
		hello.software = (char *)m->u.hello.software;
		hello.max_frame = m->u.hello.max_frame;
		if ((hello.heads = heads_to_pb(m->u.hello.heads,
		    m->u.hello.nheads)) == NULL)
			goto out;
		hello.n_heads = m->u.hello.nheads;
		f.msg_case = LCN__FRAME__MSG_HELLO;
		f.hello = &hello;
		break;
	case MSG_HEADS:
		if ((heads.heads = heads_to_pb(m->u.heads.heads,
		    m->u.heads.nheads)) == NULL)
			goto out;
		heads.n_heads = m->u.heads.nheads;
		f.msg_case = LCN__FRAME__MSG_HEADS;
		f.heads = &heads;
		break;
	case MSG_WANT:
		feed.origin = (char *)m->u.want.feed.origin;
		feed.group = (char *)m->u.want.feed.group;
		want.feed = &feed;
		want.from_seq = m->u.want.from_seq;
		want.to_seq = m->u.want.to_seq;
		want.max_bytes = m->u.want.max_bytes;
		f.msg_case = LCN__FRAME__MSG_WANT;
		f.want = &want;
		break;
	case MSG_ENTRIES:
		feed.origin = (char *)m->u.entries.feed.origin;
		feed.group = (char *)m->u.entries.feed.group;
		entries.feed = &feed;
		entries.first_seq = m->u.entries.first_seq;
		if ((blobs = calloc(m->u.entries.nitems + 1,
		    sizeof(*blobs))) == NULL)
			goto out;
		for (i = 0; i < m->u.entries.nitems; i++) {
			blobs[i].data = (uint8_t *)m->u.entries.items[i].ptr;
			blobs[i].len = m->u.entries.items[i].len;
		}
		entries.signed_entries = blobs;
		entries.n_signed_entries = m->u.entries.nitems;
		f.msg_case = LCN__FRAME__MSG_ENTRIES;
		f.entries = &entries;
		break;
	case MSG_CREDIT:
		credit.bytes = m->u.credit.bytes;
		f.msg_case = LCN__FRAME__MSG_CREDIT;
		f.credit = &credit;
		break;
	case MSG_EQUIVOCATION:
		eq.first.data = (uint8_t *)m->u.equivocation.first.ptr;
		eq.first.len = m->u.equivocation.first.len;
		eq.second.data = (uint8_t *)m->u.equivocation.second.ptr;
		eq.second.len = m->u.equivocation.second.len;
		f.msg_case = LCN__FRAME__MSG_EQUIVOCATION;
		f.equivocation = &eq;
		break;
	case MSG_REJECT:
		feed.origin = (char *)m->u.reject.feed.origin;
		feed.group = (char *)m->u.reject.feed.group;
		reject.feed = &feed;
		reject.seq = m->u.reject.seq;
		reject.reason = (Lcn__RejectReason)m->u.reject.reason;
		reject.text = (char *)m->u.reject.text;
		f.msg_case = LCN__FRAME__MSG_REJECT;
		f.reject = &reject;
		break;
	case MSG_PING:
		ping.nonce = m->u.ping.nonce;
		f.msg_case = LCN__FRAME__MSG_PING;
		f.ping = &ping;
		break;
	case MSG_PONG:
		pong.nonce = m->u.ping.nonce;
		f.msg_case = LCN__FRAME__MSG_PONG;
		f.pong = &pong;
		break;
	case MSG_ERROR:
		error.code = m->u.error.code;
		error.text = (char *)m->u.error.text;
		f.msg_case = LCN__FRAME__MSG_ERROR;
		f.error = &error;
		break;
	default:
		r = LCN_EINVAL;
		goto out;
	}
	len = lcn__frame__get_packed_size(&f);
	if (len == 0 || len > FRAME_BODY_MAX) {
		r = LCN_EINVAL;
		goto out;
	}
	if ((buf = malloc(FRAME_HDR_LEN + len)) == NULL)
		goto out;
	frame_write_header(buf, (uint32_t)len);
	lcn__frame__pack(&f, buf + FRAME_HDR_LEN);
	*out = buf;
	*outlen = FRAME_HDR_LEN + len;
	r = 0;
 out:
	free(hello.heads);
	free(heads.heads);
	free(blobs);
	return r;
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

int
wire_entry_parse(const uint8_t *signed_bytes, size_t len,
    struct entry_view *v, char *errbuf, size_t errbufsz)
{
	Lcn__SignedEntry	*se = NULL;
	Lcn__Entry		*e = NULL;
	int			 r = LCN_EPROTO;
	const uint8_t		*eb;
	uint8_t			 hdr[1 + 10];
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
	if (copy_id(v->feed.origin, sizeof(v->feed.origin), e->origin, 0) ||
	    copy_id(v->feed.group, sizeof(v->feed.group), e->group, 1)) {
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
	/*
	 * Accept only the one encoding wire_signed_entry() makes: field 1
	 * (the entry), then field 2 (the signature), minimal varints,
	 * nothing else. The signature covers only the Entry bytes but the
	 * leaf hash covers the whole SignedEntry (section 3), so any other
	 * wrapping of the same signed entry (fields swapped or repeated, a
	 * padded length, an unknown field) would be a second valid copy with
	 * another leaf hash that anyone could make: stored by a receiver, it
	 * breaks that receiver's hash chain with the origin. This also gives
	 * the view its place in the caller's bytes (protobuf-c copies).
	 */
	hl = 1 + put_varint(hdr + 1, se->entry.len);
	hdr[0] = 0x0a;			/* field 1, length-delimited */
	if (len != hl + se->entry.len + 2 + SIG_LEN ||
	    memcmp(signed_bytes, hdr, hl) != 0 ||
	    memcmp(signed_bytes + hl, se->entry.data, se->entry.len) != 0 ||
	    signed_bytes[hl + se->entry.len] != 0x12 ||	/* field 2 */
	    signed_bytes[hl + se->entry.len + 1] != SIG_LEN ||
	    memcmp(signed_bytes + hl + se->entry.len + 2, se->signature.data,
	    SIG_LEN) != 0) {
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
wire_entry_header(const struct entry_view *v, uint8_t *out, size_t outsz)
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
wire_signed_entry(const uint8_t *entry, size_t len,
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
wire_attestation_body(const char *ref, const struct head *heads, size_t n,
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
	if ((ha.heads = heads_to_pb(heads, n)) == NULL)
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
