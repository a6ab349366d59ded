/*
 * Every byte from a peer passes through here after framing: its counts
 * scanned from the wire bytes, unpacked by protobuf-c at the frame's
 * bounded length within a memory budget, checked field by field, then
 * copied into LCN's own structs. The generated structs never leave this
 * file (except for the record code in store/ and pbjson.c).
 */
#include <stdarg.h>
#include <stddef.h>
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

/*
 * protobuf-c allocates per field, not per byte: a Head of two bytes on the
 * wire costs it about a hundred bytes of structs and scan records, so a
 * 4 MB Hello of empty heads took lcnd from 21 to 269 MB before any count
 * was checked. Two guards come first. scan_frame() walks the wire bytes
 * without allocating: every declared length must fit in what holds it,
 * and the repeated fields that carry counts (Hello.heads, Heads.heads,
 * Entries.signed_entries) are counted against their limits. Then
 * protobuf-c unpacks through a budget allocator that refuses to hold more
 * than UNPACK_BUDGET_FACTOR times the frame's bytes, plus
 * UNPACK_ITEM_BUDGET per counted item for its structs (a Hello of
 * HEADS_MAX real heads, 3.8 MB, needs 20 MB: 310 bytes a head), plus
 * UNPACK_BUDGET_MIN. That bounds what unknown fields or any other
 * field-dense input can cost.
 */
struct pbfield {
	uint32_t	 num;		/* field number, 1.. */
	unsigned	 wt;		/* wire type */
	const uint8_t	*p;		/* wire type 2: the value */
	size_t		 len;
};

/* One varint of at most 10 bytes; 0 or LCN_EPROTO. */
static int
pb_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t	*p = *pp;
	unsigned	 shift;

	*v = 0;
	for (shift = 0; shift < 70; shift += 7) {
		if (p == end)
			return LCN_EPROTO;
		*v |= (uint64_t)(*p & 0x7f) << shift;
		if ((*p++ & 0x80) == 0) {
			*pp = p;
			return 0;
		}
	}
	return LCN_EPROTO;
}

/*
 * Takes the next field of the message in [*pp, end). Returns 1 with *f
 * filled, 0 at the end, or LCN_EPROTO for a bad tag, a group (which
 * protobuf-c refuses too) or a value that runs past end.
 */
static int
pb_next(const uint8_t **pp, const uint8_t *end, struct pbfield *f)
{
	uint64_t	tag, v;

	memset(f, 0, sizeof(*f));
	if (*pp == end)
		return 0;
	if (pb_varint(pp, end, &tag) != 0 || tag >> 3 == 0 ||
	    tag >> 3 > UINT32_MAX)
		return LCN_EPROTO;
	f->num = (uint32_t)(tag >> 3);
	f->wt = (unsigned)(tag & 7);
	switch (f->wt) {
	case 0:
		return pb_varint(pp, end, &v) == 0 ? 1 : LCN_EPROTO;
	case 1:
	case 5:
		v = f->wt == 1 ? 8 : 4;
		if (v > (size_t)(end - *pp))
			return LCN_EPROTO;
		*pp += v;
		return 1;
	case 2:
		if (pb_varint(pp, end, &v) != 0 || v > (size_t)(end - *pp))
			return LCN_EPROTO;
		f->p = *pp;
		f->len = (size_t)v;
		*pp += v;
		return 1;
	default:
		return LCN_EPROTO;
	}
}

/*
 * Counts the length-delimited occurrences of field num in the message
 * [p, p + len), checking every field's bounds. 0 or LCN_EPROTO.
 */
static int
pb_count(const uint8_t *p, size_t len, uint32_t num, size_t *n)
{
	const uint8_t	*end = p + len;
	struct pbfield	 f;
	int		 r;

	while ((r = pb_next(&p, end, &f)) == 1)
		if (f.num == num && f.wt == 2)
			(*n)++;
	return r;
}

/*
 * The walk described above, over a Frame body: no allocation. Returns 0
 * with the number of counted items (heads, entries) in *nitems, protobuf-c
 * may still refuse the body; or LCN_EPROTO with the reason.
 */
static int
scan_frame(const uint8_t *body, size_t len, size_t *nitems, char *errbuf,
    size_t errbufsz)
{
	const uint8_t	*p = body, *end;
	struct pbfield	 f;
	size_t		 nhello = 0, nheads = 0, nentries = 0;
	int		 r;

	*nitems = 0;
	if (len == 0)		/* body may be NULL: no arithmetic on it */
		return 0;
	end = body + len;
	while ((r = pb_next(&p, end, &f)) == 1) {
		if (f.wt != 2)
			continue;	/* protobuf-c judges the types */
		switch (f.num) {
		case LCN__FRAME__MSG_HELLO:
			r = pb_count(f.p, f.len, 5, &nhello);
			break;
		case LCN__FRAME__MSG_HEADS:
			r = pb_count(f.p, f.len, 1, &nheads);
			break;
		case LCN__FRAME__MSG_ENTRIES:
			r = pb_count(f.p, f.len, 3, &nentries);
			break;
		default:
			r = 0;
			break;
		}
		if (r != 0)
			break;
	}
	if (r != 0)
		return fail(errbuf, errbufsz, "frame of %zu bytes does not "
		    "decode as a protobuf Frame (a length past its end)", len);
	if (nhello > HEADS_MAX || nheads > HEADS_MAX)
		return fail(errbuf, errbufsz, "%s.heads: %zu heads, more "
		    "than HEADS_MAX %d", nhello > HEADS_MAX ? "Hello" : "Heads",
		    nhello > HEADS_MAX ? nhello : nheads, HEADS_MAX);
	if (nentries > BATCH_ENTRIES_MAX)
		return fail(errbuf, errbufsz, "Entries: %zu entries, more "
		    "than BATCH_ENTRIES_MAX %d", nentries, BATCH_ENTRIES_MAX);
	*nitems = nhello + nheads + nentries;
	return 0;
}

/*
 * The budget allocator: each block carries its size in front, so that
 * free can give it back to the budget.
 */
struct budget {
	size_t	used;		/* bytes held, headers included */
	size_t	max;
	int	over;		/* an allocation was refused */
};

union budget_hdr {
	size_t		n;
	max_align_t	align;
};

static void *
budget_alloc(void *data, size_t size)
{
	struct budget		*b = data;
	union budget_hdr	*h;

	if (size > b->max - b->used ||
	    sizeof(*h) > b->max - b->used - size) {
		b->over = 1;
		return NULL;
	}
	if ((h = malloc(sizeof(*h) + size)) == NULL)
		return NULL;
	h->n = sizeof(*h) + size;
	b->used += h->n;
	return h + 1;
}

static void
budget_free(void *data, void *p)
{
	struct budget		*b = data;
	union budget_hdr	*h;

	if (p == NULL)
		return;
	h = (union budget_hdr *)p - 1;
	b->used -= h->n;
	free(h);
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

/*
 * One decoder per Frame message: each fills m->u for its type from f, whose
 * message case it is, and returns 0, LCN_EPROTO with the reason in errbuf,
 * or LCN_ENOMEM. What it allocated before failing is freed by msg_free().
 */
static int
decode_hello(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	const Lcn__Hello	*h = f->hello;
	int			 r;

	m->u.hello.version = h->protocol_version;
	m->u.hello.max_frame = h->max_frame;
	if (entry_copy_id(m->u.hello.agency, sizeof(m->u.hello.agency),
	    h->agency, 0) != 0)
		return fail(errbuf, errbufsz, "Hello.agency: expected an "
		    "agency id");
	if (copy_text(m->u.hello.software, sizeof(m->u.hello.software),
	    h->software) != 0)
		return fail(errbuf, errbufsz, "Hello.software: longer than "
		    "SOFTWARE_MAX %d", SOFTWARE_MAX);
	if ((r = heads_from_pb(h->heads, h->n_heads, &m->u.hello.heads,
	    &m->u.hello.nheads)) != 0) {
		fail(errbuf, errbufsz, "Hello.heads: %zu heads, or a head "
		    "with a bad id or hash", h->n_heads);
		return r;
	}
	return 0;
}

static int
decode_heads(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	int r;

	if ((r = heads_from_pb(f->heads->heads, f->heads->n_heads,
	    &m->u.heads.heads, &m->u.heads.nheads)) != 0) {
		fail(errbuf, errbufsz, "Heads: %zu heads, or a head with a bad "
		    "id or hash", f->heads->n_heads);
		return r;
	}
	return 0;
}

static int
decode_want(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	const Lcn__Want *w = f->want;

	if (feed_from_pb(w->feed, &m->u.want.feed) != 0 ||
	    w->from_seq == 0 || w->to_seq < w->from_seq)
		return fail(errbuf, errbufsz, "Want: expected a feed and "
		    "1 <= from_seq <= to_seq");
	m->u.want.from_seq = w->from_seq;
	m->u.want.to_seq = w->to_seq;
	m->u.want.max_bytes = w->max_bytes;
	m->u.want.follow = w->follow != 0;
	return 0;
}

static int
decode_entries(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	const Lcn__Entries	*e = f->entries;
	size_t			 i;

	if (feed_from_pb(e->feed, &m->u.entries.feed) != 0 ||
	    e->first_seq == 0)
		return fail(errbuf, errbufsz, "Entries: expected a feed and "
		    "first_seq >= 1");
	if (e->n_signed_entries == 0 ||
	    e->n_signed_entries > BATCH_ENTRIES_MAX)
		return fail(errbuf, errbufsz, "Entries: %zu entries, expected "
		    "1..BATCH_ENTRIES_MAX %d", e->n_signed_entries,
		    BATCH_ENTRIES_MAX);
	if (e->first_seq > UINT64_MAX - e->n_signed_entries)
		return fail(errbuf, errbufsz, "Entries: seq overflow");
	for (i = 0; i < e->n_signed_entries; i++) {
		if (e->signed_entries[i].len == 0 ||
		    e->signed_entries[i].len > ENTRY_MAX)
			return fail(errbuf, errbufsz, "Entries: entry %zu is "
			    "%zu bytes, expected 1..ENTRY_MAX %u", i,
			    e->signed_entries[i].len, ENTRY_MAX);
	}
	m->u.entries.first_seq = e->first_seq;
	m->u.entries.follow = e->follow != 0;
	if ((m->u.entries.items = calloc(e->n_signed_entries,
	    sizeof(struct bytes))) == NULL)
		return LCN_ENOMEM;
	m->u.entries.nitems = e->n_signed_entries;
	return copy_blobs(e->signed_entries, e->n_signed_entries,
	    m->u.entries.items, &m->buf);
}

static int
decode_credit(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	(void)errbuf;
	(void)errbufsz;
	m->u.credit.bytes = f->credit->bytes;
	return 0;
}

static int
decode_equivocation(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	ProtobufCBinaryData	two[2];
	struct bytes		v[2];
	int			r;

	two[0] = f->equivocation->first;
	two[1] = f->equivocation->second;
	if (two[0].len == 0 || two[0].len > ENTRY_MAX ||
	    two[1].len == 0 || two[1].len > ENTRY_MAX)
		return fail(errbuf, errbufsz, "Equivocation: entries must be "
		    "1..ENTRY_MAX bytes");
	if ((r = copy_blobs(two, 2, v, &m->buf)) != 0)
		return r;
	m->u.equivocation.first = v[0];
	m->u.equivocation.second = v[1];
	return 0;
}

static int
decode_reject(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	const Lcn__Reject *rj = f->reject;

	if (feed_from_pb(rj->feed, &m->u.reject.feed) != 0 ||
	    (unsigned)rj->reason > REJECT_REASON_MAX)
		return fail(errbuf, errbufsz, "Reject: expected a feed and a "
		    "known reason");
	m->u.reject.seq = rj->seq;
	m->u.reject.reason = (enum reject_reason)rj->reason;
	/* Peer text is only ever logged escaped; keep a bounded copy. */
	snprintf(m->u.reject.text, sizeof(m->u.reject.text), "%s",
	    rj->text ? rj->text : "");
	return 0;
}

static int
decode_ping(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	(void)errbuf;
	(void)errbufsz;
	m->u.ping.nonce = f->ping->nonce;
	return 0;
}

static int
decode_pong(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	(void)errbuf;
	(void)errbufsz;
	m->u.ping.nonce = f->pong->nonce;
	return 0;
}

static int
decode_error(const Lcn__Frame *f, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	(void)errbuf;
	(void)errbufsz;
	m->u.error.code = f->error->code;
	snprintf(m->u.error.text, sizeof(m->u.error.text), "%s",
	    f->error->text ? f->error->text : "");
	return 0;
}

static const struct decoder {
	Lcn__Frame__MsgCase	 msg_case;
	enum msg_type		 type;
	int			(*decode)(const Lcn__Frame *, struct msg *,
				    char *, size_t);
} decoders[] = {
	{ LCN__FRAME__MSG_HELLO,	MSG_HELLO,	decode_hello },
	{ LCN__FRAME__MSG_HEADS,	MSG_HEADS,	decode_heads },
	{ LCN__FRAME__MSG_WANT,		MSG_WANT,	decode_want },
	{ LCN__FRAME__MSG_ENTRIES,	MSG_ENTRIES,	decode_entries },
	{ LCN__FRAME__MSG_CREDIT,	MSG_CREDIT,	decode_credit },
	{ LCN__FRAME__MSG_EQUIVOCATION,	MSG_EQUIVOCATION,
	    decode_equivocation },
	{ LCN__FRAME__MSG_REJECT,	MSG_REJECT,	decode_reject },
	{ LCN__FRAME__MSG_PING,		MSG_PING,	decode_ping },
	{ LCN__FRAME__MSG_PONG,		MSG_PONG,	decode_pong },
	{ LCN__FRAME__MSG_ERROR,	MSG_ERROR,	decode_error },
};

int
wire_decode(const uint8_t *body, size_t len, struct msg *m, char *errbuf,
    size_t errbufsz)
{
	const struct decoder	*d = NULL;
	struct budget		 budget = { 0, 0, 0 };
	ProtobufCAllocator	 pa = { budget_alloc, budget_free, &budget };
	Lcn__Frame		*f;
	size_t			 i, nitems;
	int			 r;

	memset(m, 0, sizeof(*m));
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if ((r = scan_frame(body, len, &nitems, errbuf, errbufsz)) != 0)
		return r;
	/* Both terms are far below SIZE_MAX: len <= FRAME_BODY_MAX. */
	budget.max = UNPACK_BUDGET_MIN + nitems * UNPACK_ITEM_BUDGET +
	    len * UNPACK_BUDGET_FACTOR;
	if ((f = lcn__frame__unpack(&pa, len, body)) == NULL) {
		if (budget.over)
			return fail(errbuf, errbufsz, "frame of %zu bytes "
			    "needs more than UNPACK_BUDGET_FACTOR %d times its "
			    "size to unpack", len, UNPACK_BUDGET_FACTOR);
		return fail(errbuf, errbufsz, "frame of %zu bytes does not "
		    "decode as a protobuf Frame", len);
	}
	for (i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
		if (decoders[i].msg_case == f->msg_case)
			d = &decoders[i];
	if (d == NULL)
		r = fail(errbuf, errbufsz, "frame carries no known message");
	else {
		/* The type first, so that msg_free() frees a partial m. */
		m->type = d->type;
		r = d->decode(f, m, errbuf, errbufsz);
	}
	lcn__frame__free_unpacked(f, &pa);
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
		want.follow = m->u.want.follow != 0;
		f.msg_case = LCN__FRAME__MSG_WANT;
		f.want = &want;
		break;
	case MSG_ENTRIES:
		feed.origin = (char *)m->u.entries.feed.origin;
		feed.group = (char *)m->u.entries.feed.group;
		entries.feed = &feed;
		entries.first_seq = m->u.entries.first_seq;
		entries.follow = m->u.entries.follow != 0;
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
