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

#include "entry_pb.h"
#include "frame.h"
#include "lcn_err.h"
#include "log.h"
#include "util.h"
#include "wire.h"

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
	    entry_copy_id(out->origin, sizeof(out->origin), f->origin, 0) != 0 ||
	    entry_copy_id(out->group, sizeof(out->group), f->group, 1) != 0)
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
		if (entry_copy_id(h[i].feed.origin, sizeof(h[i].feed.origin),
		    in[i]->origin, 0) != 0 ||
		    entry_copy_id(h[i].feed.group, sizeof(h[i].feed.group),
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
		if (entry_copy_id(m->u.hello.agency, sizeof(m->u.hello.agency),
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
		if ((hello.heads = entry_heads_to_pb(m->u.hello.heads,
		    m->u.hello.nheads)) == NULL)
			goto out;
		hello.n_heads = m->u.hello.nheads;
		f.msg_case = LCN__FRAME__MSG_HELLO;
		f.hello = &hello;
		break;
	case MSG_HEADS:
		if ((heads.heads = entry_heads_to_pb(m->u.heads.heads,
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
