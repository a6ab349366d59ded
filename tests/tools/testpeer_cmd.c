/*
 * lcn-testpeer's script: a line is split into words (double quotes group;
 * \n \r \t \\ \" \xHH escape, inside quotes or not), the first word
 * names a command of the table below, and its function checks every
 * argument before it acts, so that a whole script file can be checked
 * before dialling (tp NULL). The commands that send frames are in
 * testpeer_frames.c; those that wait, read and change settings are here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "testpeer.h"
#include "util.h"
#include "wire.h"

#define WORDS_MAX	(BATCH_ENTRIES_MAX + 16)

static int	run_words(struct tp_cx *, int, char **);

int
tp_usage(const struct tp_cx *cx, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lcn-testpeer: line %d: ", cx->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return LCN_EINVAL;
}

/* A fail line: what the script expected did not happen. */
static int
failed(const struct tp_cx *cx, int r, const char *why)
{
	json_t *o;

	if ((o = tp_json_new(cx->tp, "fail")) != NULL) {
		json_object_set_new(o, "line", json_integer(cx->lineno));
		json_object_set_new(o, "command", tp_json_str(cx->cmd));
		json_object_set_new(o, "why", tp_json_str(why));
		tp_json_put(o);
	}
	return r;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char			*end;
	unsigned long long	 x;

	*v = 0;
	if (s[0] < '0' || s[0] > '9')
		return LCN_EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return LCN_EINVAL;
	*v = x;
	return 0;
}

int
tp_parse_num(const struct tp_cx *cx, const char *what, const char *s,
    uint64_t max, uint64_t *v)
{
	if (parse_u64(s, v) != 0 || *v > max)
		return tp_usage(cx, "%s: expected a number up to %llu, "
		    "got \"%s\"", what, (unsigned long long)max, s);
	return 0;
}

int
tp_copy_word(const struct tp_cx *cx, const char *what, char *dst,
    size_t dstsz, const char *s)
{
	if (strlen(s) >= dstsz)
		return tp_usage(cx, "%s: \"%s\" is longer than %zu bytes (use "
		    "raw)", what, s, dstsz - 1);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int
tp_parse_feed(const struct tp_cx *cx, const char *s, struct feed_id *f)
{
	const char	*slash;
	size_t		 olen;

	memset(f, 0, sizeof(*f));
	if ((slash = strchr(s, '/')) == NULL)
		return tp_usage(cx, "expected ORIGIN/GROUP, got \"%s\"", s);
	olen = (size_t)(slash - s);
	if (olen >= sizeof(f->origin))
		return tp_usage(cx, "origin of \"%s\" is longer than %d bytes",
		    s, AGENCY_ID_MAX);
	memcpy(f->origin, s, olen);
	return tp_copy_word(cx, "group", f->group, sizeof(f->group),
	    slash + 1);
}

/* ------------------------------------------------- reading, settings */

static int
parse_type(const struct tp_cx *cx, const char *s, enum msg_type *t)
{
	const char *name;

	if (strcmp(s, "closed") == 0) {
		*t = MSG_NONE;
		return 0;
	}
	for (*t = MSG_HELLO; (name = tp_json_type_name(*t)) != NULL; (*t)++)
		if (strcmp(s, name) == 0)
			return 0;
	return tp_usage(cx, "\"%s\" is not a frame type (hello, heads, want, "
	    "entries, credit, equivocation, reject, ping, pong, error) "
	    "or closed", s);
}

/* Index of the first frame seen from start on that matches, or -1. */
static long
find_seen(const struct tp *tp, size_t start, enum msg_type t,
    const struct feed_id *feed)
{
	size_t i;

	for (i = start; i < tp->nseen; i++)
		if (tp->seen[i].type == t && (feed == NULL ||
		    (strcmp(tp->seen[i].feed.origin, feed->origin) == 0 &&
		    strcmp(tp->seen[i].feed.group, feed->group) == 0)))
			return (long)i;
	return -1;
}

/*
 * expect and expect-none: TYPE [MS] [--feed ORIGIN/GROUP]. expect waits
 * for a frame no earlier expect has matched (those that came while the
 * tool was writing count) and consumes it; expect-none fails if one
 * arrives within MS.
 */
static int
cmd_expect(struct tp_cx *cx, int argc, char **argv)
{
	struct feed_id	 feed, *fp = NULL;
	enum msg_type	 t;
	uint64_t	 ms = TP_EXPECT_TIMEOUT_MS, deadline;
	size_t		 start;
	long		 k = -1;
	char		 why[160];
	int		 none = strcmp(argv[0], "expect-none") == 0, i;

	if (parse_type(cx, argv[1], &t) != 0)
		return LCN_EINVAL;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--feed") == 0 && i + 1 < argc) {
			if (tp_parse_feed(cx, argv[++i], &feed) != 0)
				return LCN_EINVAL;
			fp = &feed;
		} else if (tp_parse_num(cx, "MS", argv[i], 24 * 3600 * 1000,
		    &ms) != 0)
			return LCN_EINVAL;
	}
	if (none && argc < 3)
		return tp_usage(cx, "expect-none: expected TYPE MS");
	if (cx->tp == NULL)
		return 0;
	/* expect scales its timeout; expect-none watches for MS exactly. */
	deadline = mono_ms() + (none ? ms : ms * cx->tp->scale);
	start = none ? cx->tp->nseen : 0;
	for (;;) {
		if (t == MSG_NONE ? cx->tp->closed :
		    (k = find_seen(cx->tp, start, t, fp)) >= 0)
			break;
		if (mono_ms() >= deadline || (t != MSG_NONE &&
		    cx->tp->closed))
			break;
		tp_conn_poll(cx->tp, 1, -1, (int)(deadline - mono_ms()));
	}
	if (t != MSG_NONE && k >= 0 && !none) {
		memmove(&cx->tp->seen[k], &cx->tp->seen[k + 1],
		    (cx->tp->nseen - (size_t)k - 1) * sizeof(struct tp_seen));
		cx->tp->nseen--;
		return 0;
	}
	if (t == MSG_NONE ? cx->tp->closed : k >= 0) {
		if (!none)
			return 0;
		snprintf(why, sizeof(why), "%s came within %llu ms",
		    argv[1], (unsigned long long)ms);
		return failed(cx, LCN_EPROTO, why);
	}
	if (none)
		return 0;
	if (t != MSG_NONE && cx->tp->closed)
		snprintf(why, sizeof(why), "the connection ended before %s "
		    "came", argv[1]);
	else
		snprintf(why, sizeof(why), "no %s within %llu ms", argv[1],
		    (unsigned long long)(ms * cx->tp->scale));
	return failed(cx, LCN_ENOTFOUND, why);
}

static int
cmd_read(struct tp_cx *cx, int argc, char **argv)
{
	uint64_t ms, deadline;

	(void)argc;
	if (tp_parse_num(cx, "MS", argv[1], 24 * 3600 * 1000, &ms) != 0)
		return LCN_EINVAL;
	if (cx->tp == NULL)
		return 0;
	deadline = mono_ms() + ms;
	/* Reads even after drain-none: the script asked for it. */
	while (mono_ms() < deadline)
		tp_conn_poll(cx->tp, strcmp(argv[0], "read") == 0 ||
		    !cx->tp->drain_none, -1, (int)(deadline - mono_ms()));
	return 0;
}

static int
on_off(const struct tp_cx *cx, const char *s, int *v)
{
	if (strcmp(s, "on") == 0)
		*v = 1;
	else if (strcmp(s, "off") == 0)
		*v = 0;
	else
		return tp_usage(cx, "expected on or off, got \"%s\"", s);
	return 0;
}

static int
cmd_setting(struct tp_cx *cx, int argc, char **argv)
{
	struct tp	*tp = cx->tp;
	uint64_t	 n = 0, ms = 0;
	int		 v = 0;

	if (strcmp(argv[0], "split-writes") == 0) {
		if (tp_parse_num(cx, "N", argv[1], FRAME_BODY_MAX, &n) != 0 ||
		    (argc > 2 && tp_parse_num(cx, "DELAY_MS", argv[2], 60000,
		    &ms) != 0))
			return LCN_EINVAL;
	} else if (strncmp(argv[0], "auto-", 5) == 0) {
		if (argc != 2 || on_off(cx, argv[1], &v) != 0)
			return LCN_EINVAL;
	}
	if (tp == NULL)
		return 0;
	if (strcmp(argv[0], "split-writes") == 0) {
		tp->split = (size_t)n;
		tp->split_delay_ms = (unsigned)ms;
	} else if (strcmp(argv[0], "auto-pong") == 0)
		tp->auto_pong = v;
	else if (strcmp(argv[0], "auto-credit") == 0)
		tp->auto_credit = v;
	else if (strcmp(argv[0], "drain-none") == 0)
		tp->drain_none = 1;
	else if (strcmp(argv[0], "drain") == 0)
		tp->drain_none = 0;
	else if (strcmp(argv[0], "close") == 0)
		tp_conn_close(tp, "closed by the script");
	return 0;
}

static int
cmd_save_entries(struct tp_cx *cx, int argc, char **argv)
{
	(void)argc;
	if (cx->tp == NULL)
		return 0;
	free(cx->tp->save_dir);
	if ((cx->tp->save_dir = strdup(argv[1])) == NULL)
		return tp_usage(cx, "out of memory");
	return 0;
}

static int
cmd_mark(struct tp_cx *cx, int argc, char **argv)
{
	json_t *o;

	(void)argc;
	if (cx->tp != NULL && (o = tp_json_new(cx->tp, "mark")) != NULL) {
		json_object_set_new(o, "line", json_integer(cx->lineno));
		json_object_set_new(o, "text", tp_json_str(argv[1]));
		tp_json_put(o);
	}
	return 0;
}

/* N times the command that follows, with one sent line for them all. */
static int
cmd_repeat(struct tp_cx *cx, int argc, char **argv)
{
	struct tp_cx	sub = *cx;
	uint64_t	n, i, frames, bytes;
	int		r;

	if (tp_parse_num(cx, "N", argv[1], 100000000, &n) != 0)
		return LCN_EINVAL;
	if (strcmp(argv[2], "repeat") == 0)
		return tp_usage(cx, "repeat: not of repeat");
	if (cx->tp == NULL)
		return run_words(cx, argc - 2, argv + 2);
	frames = cx->tp->frames_out;
	bytes = cx->tp->bytes_out;
	sub.quiet = 1;
	for (i = 0; i < n; i++)
		if ((r = run_words(&sub, argc - 2, argv + 2)) != 0)
			return r;
	tp_sent_line(cx, argv[2], cx->tp->frames_out - frames,
	    cx->tp->bytes_out - bytes);
	return 0;
}

static const struct command {
	const char	*name;
	int		 min, max;	/* words after the name; -1: any */
	int		(*fn)(struct tp_cx *, int, char **);
	const char	*args;
	const char	*help;
} commands[] = {
	{ "hello", 0, -1, tp_cmd_hello, "[--software TEXT] [--agency ID] "
	    "[--version N] [--max-frame N] [--heads HEAD...]",
	    "a Hello; by default protocol 1, our certificate's agency, "
	    "no heads" },
	{ "heads", 0, -1, tp_cmd_heads, "[HEAD...]",
	    "a Heads frame; HEAD is ORIGIN/GROUP:SEQ[:HEXHASH]" },
	{ "want", 3, 4, tp_cmd_want, "ORIGIN/GROUP FROM TO [MAXBYTES]",
	    "a Want" },
	{ "credit", 1, 1, tp_cmd_credit, "BYTES",
	    "a Credit (up to 18446744073709551615)" },
	{ "ping", 0, 1, tp_cmd_ping, "[COUNT]",
	    "COUNT Pings in one write, without waiting for Pongs" },
	{ "entries", 3, BATCH_ENTRIES_MAX + 2, tp_cmd_entries,
	    "ORIGIN/GROUP FIRST_SEQ FILE...",
	    "an Entries frame of raw SignedEntry files" },
	{ "equivocation", 2, 2, tp_cmd_equivocation, "FILE1 FILE2",
	    "an Equivocation of two raw SignedEntry files" },
	{ "reject", 3, 4, tp_cmd_reject, "ORIGIN/GROUP SEQ REASON [TEXT]",
	    "a Reject; REASON a name (not_member) or a number" },
	{ "error", 2, 2, tp_cmd_error, "CODE TEXT", "an Error" },
	{ "raw", 1, 2, tp_cmd_raw, "FILE | --hex HEX | --hexfile FILE",
	    "bytes as they are (no frame header added)" },
	{ "oversize-hello", 1, 1, tp_cmd_oversize_hello, "BYTES",
	    "a valid Hello whose heads make its frame about BYTES long" },
	{ "split-writes", 1, 2, cmd_setting, "N [DELAY_MS]",
	    "from now on send N bytes a TLS record and write (0: whole)" },
	{ "expect", 1, 4, cmd_expect, "TYPE [MS] [--feed ORIGIN/GROUP]",
	    "read until such a frame (or closed) comes; exit 1 if not" },
	{ "expect-none", 2, 4, cmd_expect, "TYPE MS [--feed ORIGIN/GROUP]",
	    "read for MS; exit 1 if such a frame (or closed) comes" },
	{ "read", 1, 1, cmd_read, "MS", "read and print frames for MS" },
	{ "sleep", 1, 1, cmd_read, "MS",
	    "wait MS (reading, unless drain-none)" },
	{ "drain-none", 0, 0, cmd_setting, "",
	    "stop reading outside read and expect" },
	{ "drain", 0, 0, cmd_setting, "", "read again while waiting" },
	{ "auto-pong", 1, 1, cmd_setting, "on|off",
	    "answer the node's Pings (default on)" },
	{ "auto-credit", 1, 1, cmd_setting, "on|off",
	    "return credit for each Entries received (default off)" },
	{ "save-entries", 1, 1, cmd_save_entries, "DIR",
	    "write each SignedEntry received to DIR/ORIGIN.GROUP.SEQ" },
	{ "mark", 1, 1, cmd_mark, "TEXT", "print a mark line" },
	{ "repeat", 2, -1, cmd_repeat, "N COMMAND [ARG...]",
	    "run COMMAND N times, one sent line for all" },
	{ "close", 0, 0, cmd_setting, "",
	    "close_notify and close the connection" },
};

static int
run_words(struct tp_cx *cx, int argc, char **argv)
{
	const struct command	*c;
	size_t			 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		c = &commands[i];
		if (strcmp(argv[0], c->name) != 0)
			continue;
		if (argc - 1 < c->min || (c->max >= 0 && argc - 1 > c->max))
			return tp_usage(cx, "usage: %s %s", c->name, c->args);
		return c->fn(cx, argc, argv);
	}
	return tp_usage(cx, "unknown command \"%s\" (lcn-testpeer --help "
	    "lists them)", argv[0]);
}

/*
 * Splits a line into words in buf (at least as long as the line), each
 * NUL-terminated. Returns the count, or -1 with a message.
 */
static int
split_words(const struct tp_cx *cx, const char *line, char *buf, char **words)
{
	const char	*p = line;
	char		*o = buf, hex[3] = { 0 };
	uint8_t		 b;
	int		 n = 0, quoted;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || (*p == '#'))
			return n;
		if (n == WORDS_MAX) {
			tp_usage(cx, "more than %d words", WORDS_MAX);
			return -1;
		}
		words[n++] = o;
		quoted = 0;
		for (; *p != '\0'; p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (!quoted && (*p == ' ' || *p == '\t' ||
			    *p == '\r' || *p == '\n'))
				break;
			if (*p != '\\') {
				*o++ = *p;
				continue;
			}
			switch (*++p) {
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case '\\': *o++ = '\\'; break;
			case '"': *o++ = '"'; break;
			case 'x':
				if (p[1] == '\0' || p[2] == '\0')
					goto bad;
				hex[0] = p[1];
				hex[1] = p[2];
				if (hex_decode(hex, &b, 1) != 0)
					goto bad;
				*o++ = (char)b;
				p += 2;
				break;
			default:
				goto bad;
			}
		}
		if (quoted) {
			tp_usage(cx, "unterminated quote");
			return -1;
		}
		*o++ = '\0';
	}
 bad:
	tp_usage(cx, "bad escape (\\n \\r \\t \\\\ \\\" \\xHH)");
	return -1;
}

int
tp_cmd_run(struct tp *tp, int lineno, const char *line)
{
	struct tp_cx	  cx;
	char		 *buf, **words;
	int		  n, r = 0;

	memset(&cx, 0, sizeof(cx));
	cx.tp = tp;
	cx.lineno = lineno;
	cx.cmd = line;
	if ((buf = malloc(strlen(line) + 1)) == NULL ||
	    (words = calloc(WORDS_MAX, sizeof(*words))) == NULL) {
		free(buf);
		return tp_usage(&cx, "out of memory");
	}
	if ((n = split_words(&cx, line, buf, words)) < 0)
		r = LCN_EINVAL;
	else if (n > 0)
		r = run_words(&cx, n, words);
	free(words);
	free(buf);
	return r;
}

void
tp_cmd_usage(FILE *fp)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %s%s%s\n      %s\n", commands[i].name,
		    commands[i].args[0] != '\0' ? " " : "", commands[i].args,
		    commands[i].help);
}
