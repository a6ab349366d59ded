/*
 * lcn publish --group G FILE: signs and appends bodies through lcnd.
 *
 * Entries can never be withdrawn (PROTOCOL.md section 3.1), so every body is
 * parsed and encoded here with the daemon's own pbjson_body_encode()
 * before the first request goes out: a typo on line 50,000 publishes
 * nothing, rather than 49,999 entries that a corrected re-run would then
 * duplicate. Checking runs on every CPU. The bodies then go as the
 * base64 of the bytes just encoded ("encoded"), in requests of at most
 * PUBLISH_CHUNK bodies and API_LINE_MAX bytes, one connection each:
 * lcnd validates those bytes as it would its own encoding of the JSON,
 * without parsing the same text again (its loop thread, which also
 * commits, was publishing's bound). Holding them costs about the file's
 * size again in memory.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "b64.h"
#include "entry.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "util.h"

/* Bodies per request: 100,000 lines make 100 requests. */
#define PUBLISH_CHUNK	1000
#if PUBLISH_CHUNK > PUBLISH_BATCH_MAX
#error "PUBLISH_CHUNK must not exceed PUBLISH_BATCH_MAX"
#endif

/* How long publish waits for lcnd to learn its own head (--wait). */
#define PUBLISH_WAIT_DEFAULT_MS	(30 * 1000)
#define PRINT_EACH_MAX	20	/* entries listed one by one; more: summary */
#define CHECK_THREADS	8
#define CHECK_PER_THREAD 500	/* below this, one thread is quicker */
#define REQ_PREFIX_MAX	(64 + GROUP_NAME_MAX)
#define ERR_MAX		1024

struct check {
	const struct cli_input	*in;
	struct bytes		*enc;		/* per body, filled */
	size_t			 from, to;	/* bodies [from, to) */
	size_t			 bad;		/* first failing index, or to */
	char			 err[ERR_MAX];
};

struct published {
	char		origin[AGENCY_ID_MAX + 1];
	char		group[GROUP_NAME_MAX + 1];
	uint64_t	first, last;	/* seq of the first and last batch */
	uint64_t	count;
	int		contiguous;	/* no other publisher slipped between */
	struct batch {
		uint64_t	 first;	/* seq of its first entry */
		size_t		 n;
	}		*batches;
	size_t		 nbatches;
};

/*
 * Parses and encodes one body into *out (malloc'd); 0 or LCN_EINVAL with
 * "FILE:LINE: why".
 */
static int
check_body(const struct cli_input *in, const struct cli_body *b,
    struct bytes *out, char *err, size_t errsz)
{
	json_error_t	 jerr;
	json_t		*v;
	uint8_t		*enc;
	size_t		 enclen;
	char		 why[ERR_MAX - 64];
	int		 r;

	if (b->len > API_LINE_MAX - REQ_PREFIX_MAX) {
		snprintf(err, errsz, "%s:%zu: a body of %zu bytes is larger "
		    "than lcnd takes in one request (%u bytes)", in->name,
		    b->line, b->len, API_LINE_MAX - REQ_PREFIX_MAX);
		return LCN_EINVAL;
	}
	if ((v = json_loadb(b->text, b->len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL) {
		snprintf(err, errsz, "%s:%zu: invalid JSON at column %d: %s",
		    in->name, b->line, jerr.column, jerr.text);
		return LCN_EINVAL;
	}
	if ((r = pbjson_body_encode(v, &enc, &enclen, why,
	    sizeof(why))) != 0) {
		snprintf(err, errsz, "%s:%zu: %s", in->name, b->line,
		    r == LCN_ENOMEM ? "out of memory" : why);
		json_decref(v);
		return r;
	}
	json_decref(v);
	if (b64_encoded_len(enclen) > API_LINE_MAX - REQ_PREFIX_MAX) {
		snprintf(err, errsz, "%s:%zu: a body that encodes to %zu "
		    "bytes is larger than lcnd takes in one request", in->name,
		    b->line, enclen);
		free(enc);
		return LCN_EINVAL;
	}
	out->ptr = enc;
	out->len = enclen;
	return 0;
}

static void *
check_range(void *arg)
{
	struct check	*c = arg;
	size_t		 i;

	c->bad = c->to;
	for (i = c->from; i < c->to; i++)
		if (check_body(c->in, &c->in->bodies[i], &c->enc[i], c->err,
		    sizeof(c->err)) != 0) {
			c->bad = i;
			break;
		}
	return NULL;
}

/*
 * Checks every body, on up to CHECK_THREADS threads over contiguous
 * ranges, encoding each into enc[] (in->nbodies, zeroed; the caller frees
 * every ptr), and reports the first bad one in file order.
 */
static int
check_all(const struct cli_input *in, struct bytes *enc, char *err,
    size_t errsz)
{
	struct check	 c[CHECK_THREADS];
	pthread_t	 tid[CHECK_THREADS];
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t		 n, i, per, best;
	int		 started[CHECK_THREADS];

	n = in->nbodies / CHECK_PER_THREAD;
	if (ncpu > 0 && n > (size_t)ncpu)
		n = (size_t)ncpu;
	if (n > CHECK_THREADS)
		n = CHECK_THREADS;
	if (n < 1)
		n = 1;
	/* jansson's hash seed must be set before threads race to set it. */
	json_object_seed(0);
	per = (in->nbodies + n - 1) / n;
	for (i = 0; i < n; i++) {
		c[i].in = in;
		c[i].enc = enc;
		c[i].from = i * per < in->nbodies ? i * per : in->nbodies;
		c[i].to = c[i].from + per < in->nbodies ? c[i].from + per :
		    in->nbodies;
		c[i].err[0] = '\0';
		started[i] = i > 0 && pthread_create(&tid[i], NULL,
		    check_range, &c[i]) == 0;
	}
	/* This thread takes the first range, and any a thread refused. */
	for (i = 0; i < n; i++)
		if (!started[i])
			check_range(&c[i]);
	for (i = 0; i < n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	for (i = 0, best = n; i < n; i++)
		if (c[i].bad < c[i].to) {
			best = i;
			break;
		}
	if (best == n)
		return 0;
	snprintf(err, errsz, "%s", c[best].err);
	return LCN_EINVAL;
}

/*
 * Maps lcnd's "bodies[K]: why" (api.c) to "FILE:LINE: why" in msg; other
 * errors name the batch's lines.
 */
static void
refusal_text(const struct cli_input *in, size_t first, size_t n,
    const char *why, char *msg, size_t msgsz)
{
	const char	*p;
	char		*end;
	unsigned long	 k;

	if (strncmp(why, "bodies[", 7) == 0) {
		k = strtoul(why + 7, &end, 10);
		if (end[0] == ']' && end[1] == ':' && k < n) {
			p = end + 2;
			while (*p == ' ')
				p++;
			snprintf(msg, msgsz, "%s:%zu: lcnd refused the body: "
			    "%s", in->name, in->bodies[first + k].line, p);
			return;
		}
	}
	snprintf(msg, msgsz, "%s: lines %zu-%zu: lcnd refused the batch: %s",
	    in->name, in->bodies[first].line, in->bodies[first + n - 1].line,
	    why);
}

/* With --json, what was published before a failure: {"published": ...}. */
static json_t *
partial_json(const struct published *pub)
{
	if (pub->count == 0)
		return NULL;
	return json_pack("{s:{s:s, s:s, s:I, s:I, s:I}}", "published",
	    "origin", pub->origin, "group", pub->group, "first_seq",
	    (json_int_t)pub->first, "last_seq", (json_int_t)pub->last,
	    "count", (json_int_t)pub->count);
}

/*
 * Says what was stored before a failure, and from which line nothing was,
 * so that no one re-publishes by hand what the ledger already holds.
 * Batch [next, next + n) failed; in_doubt if lcnd may have stored it.
 */
static void
report_partial(const struct cli_input *in, const struct published *pub,
    size_t next, size_t n, int in_doubt)
{
	size_t rest = next;

	if (pub->count > 0)
		cli_warnx("published %" PRIu64 " entries to %s/%s (seq %"
		    PRIu64 "..%" PRIu64 ") from %s lines %zu-%zu before the "
		    "failure", pub->count, pub->origin, pub->group,
		    pub->first, pub->last, in->name, in->bodies[0].line,
		    in->bodies[next - 1].line);
	if (in_doubt) {
		cli_warnx("%s lines %zu-%zu were sent but lcnd did not confirm "
		    "them: check 'lcn log --feed %s/%s' before sending them "
		    "again", in->name, in->bodies[next].line,
		    in->bodies[next + n - 1].line, pub->count > 0 ?
		    pub->origin : "ORIGIN", pub->group);
		rest = next + n;
	}
	if (rest < in->nbodies)
		cli_warnx("%s from line %zu to the end: not published",
		    in->name, in->bodies[rest].line);
}

static int
record(struct published *pub, const json_t *resp, size_t n, char *err,
    size_t errsz)
{
	const char	*origin = json_str(resp, "origin", ""), *group;
	uint64_t	 first = json_u64(resp, "first_seq");
	uint64_t	 last = json_u64(resp, "last_seq");
	struct batch	*nb;

	group = json_str(resp, "group", "");
	if (first == 0 || last < first || last - first + 1 != n ||
	    !agency_id_valid(origin) || strcmp(group, pub->group) != 0) {
		snprintf(err, errsz, "lcnd confirmed %zu bodies with origin "
		    "'%.40s', group '%.70s', seq %" PRIu64 "..%" PRIu64,
		    n, origin, group, first, last);
		return LCN_EPROTO;
	}
	if ((nb = realloc(pub->batches, (pub->nbatches + 1) *
	    sizeof(*nb))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return LCN_ENOMEM;
	}
	pub->batches = nb;
	pub->batches[pub->nbatches].first = first;
	pub->batches[pub->nbatches].n = n;
	pub->nbatches++;
	if (pub->count == 0) {
		snprintf(pub->origin, sizeof(pub->origin), "%s", origin);
		pub->first = first;
		pub->contiguous = 1;
	} else if (first != pub->last + 1)
		pub->contiguous = 0;
	pub->last = last;
	pub->count += n;
	return 0;
}

static int
print_result(const struct cli *cli, const struct published *pub)
{
	json_t	*o;
	size_t	 b, k;
	int	 r;

	if (cli->json) {
		if ((o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "origin",
		    pub->origin, "group", pub->group, "first_seq",
		    (json_int_t)pub->first, "last_seq", (json_int_t)pub->last,
		    "count", (json_int_t)pub->count)) == NULL)
			return LCN_ENOMEM;
		r = cli_print_json(o);
		json_decref(o);
		return r;
	}
	if (pub->count <= PRINT_EACH_MAX) {
		for (b = 0; b < pub->nbatches; b++)
			for (k = 0; k < pub->batches[b].n; k++)
				printf("%s %s %" PRIu64 "\n", pub->origin,
				    pub->group, pub->batches[b].first + k);
		return 0;
	}
	printf("published %" PRIu64 " entries to %s/%s, seq %" PRIu64 "..%"
	    PRIu64 "%s\n", pub->count, pub->origin, pub->group, pub->first,
	    pub->last, pub->contiguous ? "" : " (not contiguous: another "
	    "publisher to this feed interleaved)");
	return 0;
}

/* Builds the request for encoded bodies [first, first + *n) into *buf. */
static int
build_request(const struct bytes *enc, const char *group, size_t first,
    size_t *n, char **buf, size_t *cap, size_t *len)
{
	size_t	 i, need, max = *n;
	char	*nb;
	int	 pre;

	if (*cap < API_LINE_MAX) {
		if ((nb = realloc(*buf, API_LINE_MAX)) == NULL)
			return LCN_ENOMEM;
		*buf = nb;
		*cap = API_LINE_MAX;
	}
	/* group passed group_name_valid(): nothing in it needs escaping. */
	pre = snprintf(*buf, *cap, "{\"cmd\":\"publish\",\"group\":\"%s\","
	    "\"encoded\":[", group);
	*len = (size_t)pre;
	for (i = 0; i < max; i++) {
		const struct bytes *b = &enc[first + i];

		/* The quotes, ',' and the closing "]}". */
		need = b64_encoded_len(b->len) + 2 + 1 + 2;
		if (need > *cap - 1 - *len)	/* 1: client adds '\n' */
			break;
		if (i > 0)
			(*buf)[(*len)++] = ',';
		(*buf)[(*len)++] = '"';
		*len += b64_encode(b->ptr, b->len, *buf + *len);
		(*buf)[(*len)++] = '"';
	}
	LCN_ASSERT(i > 0);	/* check_body() bounds every body */
	memcpy(*buf + *len, "]}", 2);
	*len += 2;
	*n = i;
	return 0;
}

static int
parse_seconds(const char *s, uint64_t *ms)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    v > 3600)
		return LCN_EINVAL;
	*ms = (uint64_t)v * 1000;
	return 0;
}

/*
 * Reads the options: *group and *wait_ms. Returns -1 when the command
 * should go on, else the exit status (help printed, or a usage error).
 */
static int
parse_args(struct cli *cli, int argc, char **argv, const char **group,
    uint64_t *wait_ms)
{
	static const struct option opts[] = {
		{ "group",	required_argument,	NULL, 'g' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "wait",	required_argument,	NULL, 'w' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	int	 ch;

	*group = NULL;
	*wait_ms = PUBLISH_WAIT_DEFAULT_MS;
	while ((ch = getopt_long(argc, argv, ":g:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			*group = optarg;
			break;
		case 'j':
			cli->json = 1;
			break;
		case 'w':
			if (parse_seconds(optarg, wait_ms) != 0)
				return cli_usage_field("publish", "--wait",
				    "--wait '%s': expected seconds 0..3600",
				    optarg);
			break;
		case 'h':
			cli_help("publish");
			return EXIT_OK;
		default:
			return cli_bad_option("publish", ch, argv);
		}
	}
	if (*group == NULL)
		return cli_usage_field("publish", "--group", "--group is "
		    "required");
	if (!group_name_valid(*group))
		return cli_usage_field("publish", "--group", "--group '%s': "
		    "expected a group "
		    "name (A-Z a-z 0-9 _ - .) or a pair \"A+B\" of agency ids "
		    "in order", *group);
	if (argc - optind != 1)
		return cli_usage_field("publish", argc == optind ? "FILE" :
		    NULL, argc == optind ? "which FILE? (- for standard "
		    "input)" : "one FILE only");
	return -1;
}

/*
 * Sends the checked bodies of in to lcnd PUBLISH_CHUNK at a time,
 * recording what each answer published in *pub. 0, or -1 after saying
 * what went wrong (with --json as one object, with what was published)
 * and what was published before it.
 */
static int
publish_all(struct cli *cli, const struct cli_input *in,
    const struct bytes *enc, const char *group, uint64_t wait_ms,
    struct published *pub)
{
	json_t	*resp = NULL;
	char	*req = NULL, err[ERR_MAX], msg[ERR_MAX + 128];
	size_t	 reqcap = 0, reqlen, next, n;
	int	 r, sent, rc = -1;

	for (next = 0; next < in->nbodies; next += n) {
		n = in->nbodies - next < PUBLISH_CHUNK ? in->nbodies - next :
		    PUBLISH_CHUNK;
		if ((r = build_request(enc, group, next, &n, &req, &reqcap,
		    &reqlen)) != 0) {
			cli_fail_extra(cli, "nomem", NULL, partial_json(pub),
			    "out of memory");
			report_partial(in, pub, next, n, 0);
			goto out;
		}
		r = cli_call_waiting(cli, req, reqlen, &resp, &sent, wait_ms,
		    err, sizeof(err));
		if (r == LCN_EINVAL && resp != NULL) {
			refusal_text(in, next, n, err, msg, sizeof(msg));
			cli_fail_extra(cli, json_str(resp, "code", "EINVAL"),
			    json_str(resp, "field", NULL), partial_json(pub),
			    "%s", msg);
			report_partial(in, pub, next, n, 0);
			goto out;
		}
		if (r == 0 && (r = record(pub, resp, n, err,
		    sizeof(err))) != 0)
			cli_fail_call(cli, r == LCN_ENOMEM ? "nomem" :
			    "protocol", NULL);
		if (r != 0) {
			cli_fail_extra(cli, cli->fail_code[0] != '\0' ?
			    cli->fail_code : "io", NULL, partial_json(pub),
			    "%s", err);
			report_partial(in, pub, next, n, sent);
			goto out;
		}
		json_decref(resp);
		resp = NULL;
	}
	rc = 0;
 out:
	json_decref(resp);
	free(req);
	return rc;
}

int
cmd_publish(struct cli *cli, int argc, char **argv)
{
	struct published pub;
	struct cli_input in;
	struct bytes	*enc = NULL;
	const char	*group;
	size_t		 i;
	char		 err[ERR_MAX];
	int		 r, rc;
	uint64_t	 wait_ms;

	if ((rc = parse_args(cli, argc, argv, &group, &wait_ms)) != -1)
		return rc;
	rc = EXIT_FAIL;
	memset(&pub, 0, sizeof(pub));
	snprintf(pub.group, sizeof(pub.group), "%s", group);
	/* No bound on the file: it goes in requests of PUBLISH_CHUNK. */
	if ((r = cli_input_read(argv[optind], 0, &in, err,
	    sizeof(err))) != 0) {
		cli_fail(cli, cli_input_code(r), NULL, "%s; nothing was "
		    "published", err);
		goto out;
	}
	if ((enc = calloc(in.nbodies, sizeof(*enc))) == NULL) {
		cli_fail(cli, "nomem", NULL, "out of memory; nothing was "
		    "published");
		goto out;
	}
	if ((r = check_all(&in, enc, err, sizeof(err))) != 0) {
		cli_fail(cli, cli_input_code(r), NULL, "%s; nothing was "
		    "published", err);
		goto out;
	}
	if (publish_all(cli, &in, enc, group, wait_ms, &pub) != 0)
		goto out;
	if (print_result(cli, &pub) != 0) {
		cli_fail_extra(cli, "nomem", NULL, partial_json(&pub), "out of "
		    "memory printing what was published");
		goto out;
	}
	rc = EXIT_OK;
 out:
	for (i = 0; enc != NULL && i < in.nbodies; i++)
		free((void *)enc[i].ptr);
	free(enc);
	free(pub.batches);
	cli_input_free(&in);
	return rc;
}
