/*
 * lcn-testpeer's output: one compact JSON object a line on stdout, flushed
 * at once so that a test can follow it while the tool runs. Every line
 * has t_ms (since the tool started) and type; a frame received is
 * written with the fields of its message (tests/README.md lists them).
 * Numbers above INT64_MAX, which JSON integers in jansson cannot hold,
 * are written as decimal strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "entry.h"
#include "lcn_limits.h"
#include "testpeer.h"
#include "util.h"
#include "wire.h"

static const char *const type_names[] = {	/* by enum msg_type */
	NULL, "hello", "heads", "want", "entries", "credit",
	"equivocation", "reject", "ping", "pong", "error",
};

/* By enum reject_reason: lcn.proto's names without REJECT_, lower case. */
static const char *const reason_names[] = {
	"unspecified", "malformed", "bad_signature", "unknown_key",
	"not_member", "unknown_group", "unknown_origin", "gap", "bad_chain",
	"bad_root", "frozen", "too_large", "storage",
};

const char *
tp_json_type_name(enum msg_type t)
{
	if ((size_t)t >= sizeof(type_names) / sizeof(type_names[0]))
		return NULL;
	return type_names[t];
}

json_t *
tp_json_new(const struct tp *tp, const char *type)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	json_object_set_new(o, "t_ms", json_integer((json_int_t)tp_now(tp)));
	json_object_set_new(o, "type", json_string(type));
	return o;
}

void
tp_json_put(json_t *o)
{
	char *s;

	if (o == NULL)
		return;
	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		free(s);
	}
	json_decref(o);
}

json_t *
tp_json_u64(uint64_t v)
{
	char buf[24];

	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_string(buf);
}

json_t *
tp_json_strn(const char *s, size_t len)
{
	json_t	*j;
	char	*esc;
	size_t	 i, o = 0;

	/* The node's own text is UTF-8; a test may make it send other. */
	if ((j = json_stringn(s, len)) != NULL)
		return j;
	if ((esc = malloc(4 * len + 1)) == NULL)
		return json_null();
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			o += (size_t)sprintf(esc + o, "\\x%02x",
			    (unsigned char)s[i]);
		else
			esc[o++] = s[i];
	}
	j = json_stringn(esc, o);
	free(esc);
	return j != NULL ? j : json_null();
}

json_t *
tp_json_str(const char *s)
{
	return tp_json_strn(s, strlen(s));
}

json_t *
tp_json_feed(const struct feed_id *f)
{
	char buf[FEED_NAME_MAX + 1];

	snprintf(buf, sizeof(buf), "%s/%s", f->origin, f->group);
	return tp_json_str(buf);
}

static json_t *
heads_json(const struct head *h, size_t n)
{
	json_t	*a, *o;
	char	 hex[2 * HASH_LEN + 1];
	size_t	 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((o = json_object()) == NULL)
			break;
		hex_encode(h[i].hash, HASH_LEN, hex);
		json_object_set_new(o, "feed", tp_json_feed(&h[i].feed));
		json_object_set_new(o, "seq", tp_json_u64(h[i].seq));
		json_object_set_new(o, "hash", json_string(hex));
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * The seq each SignedEntry of a batch names, or null for one that does
 * not decode: what the node signed, next to what the frame claims.
 */
static json_t *
entry_seqs_json(const struct msg *m)
{
	struct entry_view	 v;
	json_t			*a;
	char			 err[128];
	size_t			 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < m->u.entries.nitems; i++) {
		if (entry_parse(m->u.entries.items[i].ptr,
		    m->u.entries.items[i].len, &v, err, sizeof(err)) == 0)
			json_array_append_new(a, tp_json_u64(v.seq));
		else
			json_array_append_new(a, json_null());
	}
	return a;
}

static void
equivocation_json(json_t *o, const struct msg *m)
{
	struct entry_view	v;
	char			err[128];

	if (entry_parse(m->u.equivocation.first.ptr,
	    m->u.equivocation.first.len, &v, err, sizeof(err)) == 0) {
		json_object_set_new(o, "feed", tp_json_feed(&v.feed));
		json_object_set_new(o, "seq", tp_json_u64(v.seq));
	} else {
		json_object_set_new(o, "feed", json_null());
		json_object_set_new(o, "seq", json_null());
	}
	json_object_set_new(o, "bytes", json_pack("[II]",
	    (json_int_t)m->u.equivocation.first.len,
	    (json_int_t)m->u.equivocation.second.len));
}

void
tp_json_frame(const struct tp *tp, const struct msg *m, size_t body_len)
{
	json_t	*o;
	size_t	 i, bytes = 0;

	if ((o = tp_json_new(tp, tp_json_type_name(m->type))) == NULL)
		return;
	json_object_set_new(o, "frame_bytes", json_integer(
	    (json_int_t)body_len));
	switch (m->type) {
	case MSG_HELLO:
		json_object_set_new(o, "version",
		    json_integer(m->u.hello.version));
		json_object_set_new(o, "agency",
		    tp_json_str(m->u.hello.agency));
		json_object_set_new(o, "software",
		    tp_json_str(m->u.hello.software));
		json_object_set_new(o, "max_frame",
		    json_integer(m->u.hello.max_frame));
		json_object_set_new(o, "heads", heads_json(m->u.hello.heads,
		    m->u.hello.nheads));
		break;
	case MSG_HEADS:
		json_object_set_new(o, "heads", heads_json(m->u.heads.heads,
		    m->u.heads.nheads));
		break;
	case MSG_WANT:
		json_object_set_new(o, "feed", tp_json_feed(&m->u.want.feed));
		json_object_set_new(o, "from_seq",
		    tp_json_u64(m->u.want.from_seq));
		json_object_set_new(o, "to_seq", tp_json_u64(m->u.want.to_seq));
		json_object_set_new(o, "max_bytes",
		    tp_json_u64(m->u.want.max_bytes));
		break;
	case MSG_ENTRIES:
		for (i = 0; i < m->u.entries.nitems; i++)
			bytes += m->u.entries.items[i].len;
		json_object_set_new(o, "feed",
		    tp_json_feed(&m->u.entries.feed));
		json_object_set_new(o, "first_seq",
		    tp_json_u64(m->u.entries.first_seq));
		json_object_set_new(o, "count",
		    json_integer((json_int_t)m->u.entries.nitems));
		json_object_set_new(o, "bytes",
		    json_integer((json_int_t)bytes));
		json_object_set_new(o, "seqs", entry_seqs_json(m));
		break;
	case MSG_CREDIT:
		json_object_set_new(o, "bytes", tp_json_u64(m->u.credit.bytes));
		break;
	case MSG_EQUIVOCATION:
		equivocation_json(o, m);
		break;
	case MSG_REJECT:
		json_object_set_new(o, "feed", tp_json_feed(&m->u.reject.feed));
		json_object_set_new(o, "seq", tp_json_u64(m->u.reject.seq));
		/* wire_decode refuses a reason beyond the table. */
		json_object_set_new(o, "reason",
		    json_string(reason_names[m->u.reject.reason]));
		json_object_set_new(o, "reason_code",
		    json_integer(m->u.reject.reason));
		json_object_set_new(o, "text", tp_json_str(m->u.reject.text));
		break;
	case MSG_PING:
	case MSG_PONG:
		json_object_set_new(o, "nonce", tp_json_u64(m->u.ping.nonce));
		break;
	case MSG_ERROR:
		json_object_set_new(o, "code", json_integer(m->u.error.code));
		json_object_set_new(o, "text", tp_json_str(m->u.error.text));
		break;
	default:
		break;
	}
	tp_json_put(o);
}
