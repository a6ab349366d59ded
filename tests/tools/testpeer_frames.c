/*
 * lcn-testpeer's commands that send frames, one function each, called
 * from the table in testpeer_cmd.c. Frames are built with wire.c's
 * encoder but never checked against the limits a node enforces: ids,
 * counts and sizes go out as the script wrote them, since hostile frames
 * are the point. Only what struct msg cannot hold (an agency id longer
 * than AGENCY_ID_MAX, say) needs raw.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "testpeer.h"
#include "tls.h"
#include "util.h"
#include "wire.h"

/* "ORIGIN/GROUP:SEQ[:HEXHASH]"; no hash is 32 zero bytes. */
static int
parse_head(const struct tp_cx *cx, const char *s, struct head *h)
{
	char	buf[FEED_NAME_MAX + 2 * HASH_LEN + 32], *seq, *hash;

	memset(h, 0, sizeof(*h));
	if (strlen(s) >= sizeof(buf) || (seq = strchr(strcpy(buf, s),
	    ':')) == NULL)
		return tp_usage(cx, "expected ORIGIN/GROUP:SEQ[:HEXHASH], got "
		    "\"%s\"", s);
	*seq++ = '\0';
	if ((hash = strchr(seq, ':')) != NULL)
		*hash++ = '\0';
	if (tp_parse_feed(cx, buf, &h->feed) != 0 ||
	    tp_parse_num(cx, "head seq", seq, UINT64_MAX, &h->seq) != 0)
		return LCN_EINVAL;
	if (hash != NULL && hex_decode(hash, h->hash, HASH_LEN) != 0)
		return tp_usage(cx, "head hash: expected %d hex digits, got "
		    "\"%s\"", 2 * HASH_LEN, hash);
	return 0;
}

static int
parse_heads(const struct tp_cx *cx, int n, char **words, struct head **out)
{
	int i;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((*out = calloc((size_t)n, sizeof(**out))) == NULL)
		return tp_usage(cx, "out of memory");
	for (i = 0; i < n; i++)
		if (parse_head(cx, words[i], &(*out)[i]) != 0) {
			free(*out);
			*out = NULL;
			return LCN_EINVAL;
		}
	return 0;
}

/* Reads a whole file into a new buffer. */
static int
read_file(const struct tp_cx *cx, const char *path, uint8_t **out, size_t *len)
{
	FILE	*fp;
	uint8_t	*buf = NULL, *nb;
	size_t	 cap = 0, n = 0, got;

	*out = NULL;
	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return tp_usage(cx, "%s: %s", path, strerror(errno));
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64 * 1024;
			if (cap > FRAME_BODY_MAX + (size_t)64 * 1024 ||
			    (nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return tp_usage(cx, "%s: larger than any frame",
				    path);
			}
			buf = nb;
		}
		if ((got = fread(buf + n, 1, cap - n, fp)) == 0)
			break;
		n += got;
	}
	fclose(fp);
	*out = buf;
	*len = n;
	return 0;
}

/* Prints what went out: one line a command, not a frame. */
void
tp_sent_line(const struct tp_cx *cx, const char *what, uint64_t frames,
    uint64_t bytes)
{
	json_t *o;

	if (cx->quiet || (o = tp_json_new(cx->tp, "sent")) == NULL)
		return;
	json_object_set_new(o, "line", json_integer(cx->lineno));
	json_object_set_new(o, "frame", json_string(what));
	json_object_set_new(o, "frames", tp_json_u64(frames));
	json_object_set_new(o, "bytes", tp_json_u64(bytes));
	tp_json_put(o);
}

/*
 * Sends bytes. A connection that is gone is reported (not_sent) but does
 * not fail the script: a hostile partner's test expects to be cut off,
 * and says so with "expect closed".
 */
static int
send_bytes(const struct tp_cx *cx, const char *what, const uint8_t *buf,
    size_t len, uint64_t frames)
{
	json_t *o;

	if (tp_conn_send(cx->tp, buf, len) != 0) {
		if ((o = tp_json_new(cx->tp, "not_sent")) != NULL) {
			json_object_set_new(o, "line",
			    json_integer(cx->lineno));
			json_object_set_new(o, "frame", json_string(what));
			json_object_set_new(o, "why",
			    json_string("connection closed"));
			tp_json_put(o);
		}
		return 0;
	}
	cx->tp->frames_out += frames;
	tp_sent_line(cx, what, frames, len);
	return 0;
}

static int
send_msg(const struct tp_cx *cx, const struct msg *m)
{
	uint8_t	*buf;
	size_t	 len;
	int	 r;

	if ((r = wire_encode(m, &buf, &len)) != 0)
		return tp_usage(cx, "cannot encode the frame: %s",
		    lcn_strerror(r));
	r = send_bytes(cx, tp_json_type_name(m->type), buf, len, 1);
	free(buf);
	return r;
}

/* ------------------------------------------------------------ frames */

int
tp_cmd_hello(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	m;
	uint64_t	v;
	int		i, r;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HELLO;
	m.u.hello.version = PROTOCOL_VERSION;
	m.u.hello.max_frame = FRAME_BODY_DEFAULT;
	snprintf(m.u.hello.software, sizeof(m.u.hello.software), "%s",
	    TP_SOFTWARE);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--heads") == 0) {
			if (parse_heads(cx, argc - i - 1, argv + i + 1,
			    &m.u.hello.heads) != 0)
				return LCN_EINVAL;
			m.u.hello.nheads = (size_t)(argc - i - 1);
			break;
		}
		if (i + 1 == argc)
			return tp_usage(cx, "hello %s: expected a value",
			    argv[i]);
		if (strcmp(argv[i], "--software") == 0)
			r = tp_copy_word(cx, "--software", m.u.hello.software,
			    sizeof(m.u.hello.software), argv[i + 1]);
		else if (strcmp(argv[i], "--agency") == 0)
			r = tp_copy_word(cx, "--agency", m.u.hello.agency,
			    sizeof(m.u.hello.agency), argv[i + 1]);
		else if (strcmp(argv[i], "--version") == 0) {
			r = tp_parse_num(cx, "--version", argv[i + 1],
			    UINT32_MAX, &v);
			m.u.hello.version = (uint32_t)v;
		} else if (strcmp(argv[i], "--max-frame") == 0) {
			r = tp_parse_num(cx, "--max-frame", argv[i + 1],
			    UINT32_MAX, &v);
			m.u.hello.max_frame = (uint32_t)v;
		} else
			r = tp_usage(cx, "hello: unknown option \"%s\"",
			    argv[i]);
		if (r != 0) {
			free(m.u.hello.heads);
			return r;
		}
		i++;
	}
	if (cx->tp != NULL && m.u.hello.agency[0] == '\0')
		snprintf(m.u.hello.agency, sizeof(m.u.hello.agency), "%s",
		    tls_ctx_agency(cx->tp->ctx));
	r = cx->tp != NULL ? send_msg(cx, &m) : 0;
	free(m.u.hello.heads);
	return r;
}

/*
 * A Hello whose frame is about the given size: heads with the longest
 * valid ids (a 32-byte origin, 65-byte groups), so that the count stays
 * below HEADS_MAX and the node decodes all of it.
 */
int
tp_cmd_oversize_hello(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	 m;
	struct head	*h;
	uint8_t		*buf;
	uint64_t	 want;
	size_t		 len0, len1, n, i;
	int		 r;

	(void)argc;
	if (tp_parse_num(cx, "BYTES", argv[1], FRAME_BODY_MAX, &want) != 0)
		return LCN_EINVAL;
	if (cx->tp == NULL)
		return 0;
	memset(&m, 0, sizeof(m));
	m.type = MSG_HELLO;
	m.u.hello.version = PROTOCOL_VERSION;
	m.u.hello.max_frame = FRAME_BODY_DEFAULT;
	snprintf(m.u.hello.software, sizeof(m.u.hello.software), "%s",
	    TP_SOFTWARE);
	snprintf(m.u.hello.agency, sizeof(m.u.hello.agency), "%s",
	    tls_ctx_agency(cx->tp->ctx));
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return tp_usage(cx, "out of memory");
	memset(h->feed.origin, 'X', AGENCY_ID_MAX);
	memcpy(h->feed.origin, "ZZ-", 3);
	snprintf(h->feed.group, sizeof(h->feed.group), "OVERSIZE-%056u", 0);
	h->seq = 1;
	if ((r = wire_encode(&m, &buf, &len0)) != 0)
		goto out;
	free(buf);
	m.u.hello.heads = h;
	m.u.hello.nheads = 1;
	if ((r = wire_encode(&m, &buf, &len1)) != 0)
		goto out;
	free(buf);
	n = want > len0 ? (want - len0) / (len1 - len0) : 1;
	if (n == 0)
		n = 1;
	free(h);
	if ((h = calloc(n, sizeof(*h))) == NULL) {
		m.u.hello.heads = NULL;
		return tp_usage(cx, "out of memory");
	}
	for (i = 0; i < n; i++) {
		memset(h[i].feed.origin, 'X', AGENCY_ID_MAX);
		memcpy(h[i].feed.origin, "ZZ-", 3);
		snprintf(h[i].feed.group, sizeof(h[i].feed.group),
		    "OVERSIZE-%056zu", i);
		h[i].seq = 1;
	}
	m.u.hello.heads = h;
	m.u.hello.nheads = n;
	r = send_msg(cx, &m);
 out:
	free(h);
	return r;
}

int
tp_cmd_heads(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	m;
	int		r;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HEADS;
	if (parse_heads(cx, argc - 1, argv + 1, &m.u.heads.heads) != 0)
		return LCN_EINVAL;
	m.u.heads.nheads = (size_t)(argc - 1);
	r = cx->tp != NULL ? send_msg(cx, &m) : 0;
	free(m.u.heads.heads);
	return r;
}

int
tp_cmd_want(struct tp_cx *cx, int argc, char **argv)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_WANT;
	if (tp_parse_feed(cx, argv[1], &m.u.want.feed) != 0 ||
	    tp_parse_num(cx, "FROM", argv[2], UINT64_MAX,
	    &m.u.want.from_seq) != 0 ||
	    tp_parse_num(cx, "TO", argv[3], UINT64_MAX,
	    &m.u.want.to_seq) != 0 ||
	    (argc > 4 && tp_parse_num(cx, "MAXBYTES", argv[4], UINT64_MAX,
	    &m.u.want.max_bytes) != 0))
		return LCN_EINVAL;
	return cx->tp != NULL ? send_msg(cx, &m) : 0;
}

int
tp_cmd_credit(struct tp_cx *cx, int argc, char **argv)
{
	struct msg m;

	(void)argc;
	memset(&m, 0, sizeof(m));
	m.type = MSG_CREDIT;
	if (tp_parse_num(cx, "BYTES", argv[1], UINT64_MAX,
	    &m.u.credit.bytes) != 0)
		return LCN_EINVAL;
	return cx->tp != NULL ? send_msg(cx, &m) : 0;
}

/* COUNT Pings in one write, nonces 1..COUNT, not waiting for Pongs. */
int
tp_cmd_ping(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	 m;
	uint8_t		*all = NULL, *one, *na;
	uint64_t	 count = 1, i;
	size_t		 len = 0, cap = 0, n;
	int		 r = 0;

	if (argc > 1 && tp_parse_num(cx, "COUNT", argv[1], 100000000, &count))
		return LCN_EINVAL;
	if (cx->tp == NULL)
		return 0;
	memset(&m, 0, sizeof(m));
	m.type = MSG_PING;
	for (i = 1; i <= count; i++) {
		m.u.ping.nonce = i;
		if (wire_encode(&m, &one, &n) != 0)
			return tp_usage(cx, "cannot encode a Ping");
		if (len + n > cap) {
			cap = cap ? 2 * cap : 4096;
			if ((na = realloc(all, cap)) == NULL) {
				free(one);
				free(all);
				return tp_usage(cx, "out of memory");
			}
			all = na;
		}
		memcpy(all + len, one, n);
		len += n;
		free(one);
	}
	r = send_bytes(cx, "ping", all, len, count);
	free(all);
	return r;
}

int
tp_cmd_entries(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	 m;
	uint8_t		**bufs;
	int		 i, n = argc - 3, r = 0;

	memset(&m, 0, sizeof(m));
	m.type = MSG_ENTRIES;
	if (tp_parse_feed(cx, argv[1], &m.u.entries.feed) != 0 ||
	    tp_parse_num(cx, "FIRST_SEQ", argv[2], UINT64_MAX,
	    &m.u.entries.first_seq) != 0)
		return LCN_EINVAL;
	if (cx->tp == NULL)
		return 0;
	if ((bufs = calloc((size_t)n, sizeof(*bufs))) == NULL ||
	    (m.u.entries.items = calloc((size_t)n,
	    sizeof(struct bytes))) == NULL) {
		free(bufs);
		return tp_usage(cx, "out of memory");
	}
	for (i = 0; i < n && r == 0; i++) {
		r = read_file(cx, argv[3 + i], &bufs[i],
		    &m.u.entries.items[i].len);
		m.u.entries.items[i].ptr = bufs[i];
	}
	m.u.entries.nitems = (size_t)n;
	if (r == 0)
		r = send_msg(cx, &m);
	for (i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(m.u.entries.items);
	return r;
}

int
tp_cmd_equivocation(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	 m;
	uint8_t		*a = NULL, *b = NULL;
	int		 r;

	(void)argc;
	if (cx->tp == NULL)
		return 0;
	memset(&m, 0, sizeof(m));
	m.type = MSG_EQUIVOCATION;
	if ((r = read_file(cx, argv[1], &a,
	    &m.u.equivocation.first.len)) == 0 &&
	    (r = read_file(cx, argv[2], &b,
	    &m.u.equivocation.second.len)) == 0) {
		m.u.equivocation.first.ptr = a;
		m.u.equivocation.second.ptr = b;
		r = send_msg(cx, &m);
	}
	free(a);
	free(b);
	return r;
}

static const char *const reasons[] = {	/* by enum reject_reason */
	"unspecified", "malformed", "bad_signature", "unknown_key",
	"not_member", "unknown_group", "unknown_origin", "gap", "bad_chain",
	"bad_root", "frozen", "too_large", "storage",
};

int
tp_cmd_reject(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	m;
	uint64_t	v;
	size_t		i;

	memset(&m, 0, sizeof(m));
	m.type = MSG_REJECT;
	if (tp_parse_feed(cx, argv[1], &m.u.reject.feed) != 0 ||
	    tp_parse_num(cx, "SEQ", argv[2], UINT64_MAX, &m.u.reject.seq) != 0)
		return LCN_EINVAL;
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(argv[3], reasons[i]) == 0)
			break;
	if (i < sizeof(reasons) / sizeof(reasons[0]))
		v = i;
	else if (tp_parse_num(cx, "REASON", argv[3], UINT32_MAX, &v) != 0)
		return LCN_EINVAL;
	m.u.reject.reason = (enum reject_reason)v;
	if (argc > 4 && tp_copy_word(cx, "TEXT", m.u.reject.text,
	    sizeof(m.u.reject.text), argv[4]) != 0)
		return LCN_EINVAL;
	return cx->tp != NULL ? send_msg(cx, &m) : 0;
}

int
tp_cmd_error(struct tp_cx *cx, int argc, char **argv)
{
	struct msg	m;
	uint64_t	v;

	(void)argc;
	memset(&m, 0, sizeof(m));
	m.type = MSG_ERROR;
	if (tp_parse_num(cx, "CODE", argv[1], UINT32_MAX, &v) != 0 ||
	    tp_copy_word(cx, "TEXT", m.u.error.text, sizeof(m.u.error.text),
	    argv[2]) != 0)
		return LCN_EINVAL;
	m.u.error.code = (uint32_t)v;
	return cx->tp != NULL ? send_msg(cx, &m) : 0;
}

/* Hex digits, whitespace between them ignored, into a new buffer. */
static int
unhex(const struct tp_cx *cx, const char *s, size_t len, uint8_t **out,
    size_t *outlen)
{
	uint8_t	*buf;
	char	 pair[3] = { 0 };
	size_t	 i, n = 0, k = 0;

	*out = NULL;
	*outlen = 0;
	if ((buf = malloc(len / 2 + 1)) == NULL)
		return tp_usage(cx, "out of memory");
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r')
			continue;
		pair[k++] = s[i];
		if (k < 2)
			continue;
		k = 0;
		if (hex_decode(pair, buf + n, 1) != 0) {
			free(buf);
			return tp_usage(cx, "raw: \"%s\" is not a hex byte",
			    pair);
		}
		n++;
	}
	if (k != 0) {
		free(buf);
		return tp_usage(cx, "raw: an odd number of hex digits");
	}
	*out = buf;
	*outlen = n;
	return 0;
}

int
tp_cmd_raw(struct tp_cx *cx, int argc, char **argv)
{
	uint8_t	*buf = NULL, *text = NULL;
	size_t	 len = 0, tlen;
	int	 r;

	if (strcmp(argv[1], "--hex") == 0 ||
	    strcmp(argv[1], "--hexfile") == 0) {
		if (argc != 3)
			return tp_usage(cx, "raw %s: expected one argument",
			    argv[1]);
		if (strcmp(argv[1], "--hex") == 0)
			r = unhex(cx, argv[2], strlen(argv[2]), &buf, &len);
		else if (cx->tp == NULL)
			return 0;
		else if ((r = read_file(cx, argv[2], &text, &tlen)) == 0)
			r = unhex(cx, (char *)text, tlen, &buf, &len);
	} else if (argc != 2)
		return tp_usage(cx, "raw: expected FILE, --hex HEX or "
		    "--hexfile FILE");
	else if (cx->tp == NULL)
		return 0;
	else
		r = read_file(cx, argv[1], &buf, &len);
	free(text);
	if (r == 0 && cx->tp != NULL && len > 0)
		r = send_bytes(cx, "raw", buf, len, 0);
	free(buf);
	return r;
}

