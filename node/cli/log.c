/*
 * lcn log: ledger entries, as lcnd decodes them (pbjson_entry_decode()),
 * in a table with a one-line summary per body type, or as JSON lines.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "opts.h"
#include "table.h"
#include "util.h"

#define REF_WIDTH	32
#define SUMMARY_WIDTH	64

/* Strict decimal, no sign, no blanks; 0 or -1. */
static int
parse_u64(const char *s, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > INT64_MAX)
		return -1;
	*out = v;
	return 0;
}

/* "DENIAL_REVOKE" -> "revoke", "POSITION_NO_OBJECTION" -> "no objection". */
static void
enum_word(const char *name, char *out, size_t outsz)
{
	const char	*p = strchr(name, '_');
	size_t		 i;

	p = p != NULL ? p + 1 : name;
	for (i = 0; p[i] != '\0' && i + 1 < outsz; i++)
		out[i] = p[i] == '_' ? ' ' : (char)tolower((unsigned char)p[i]);
	out[i] = '\0';
}

static const char *
field(const json_t *o, const char *key)
{
	return json_str(o, key, "");
}

/* The first string of an array member, with " (+N)" for the others. */
static void
first_of(const json_t *o, const char *key, const char *sub, char *out,
    size_t outsz)
{
	const json_t	*a = json_object_get(o, key), *e;
	size_t		 n = json_array_size(a);

	out[0] = '\0';
	if (n == 0)
		return;
	e = json_array_get(a, 0);
	if (n == 1)
		snprintf(out, outsz, "%s", sub ? field(e, sub) :
		    json_string_value(e) ? json_string_value(e) : "");
	else
		snprintf(out, outsz, "%s (+%zu)", sub ? field(e, sub) :
		    json_string_value(e) ? json_string_value(e) : "", n - 1);
}

/* A short, human summary of a body; partners' text is cut by the table. */
static void
summarize(const char *type, const json_t *b, char *out, size_t outsz)
{
	const json_t	*a;
	const char	*c;
	char		 w[64], x[64], d[32], f1[256], f2[256];
	size_t		 i, off;

	out[0] = '\0';
	if (strcmp(type, "denial_notice") == 0) {
		first_of(b, "items", "control_entry", f1, sizeof(f1));
		first_of(b, "parties", "name", f2, sizeof(f2));
		snprintf(out, outsz, "%s %s -> %s: %s", field(b, "regime"), f1,
		    field(b, "destination_country"), f2);
	} else if (strcmp(type, "denial_update") == 0) {
		enum_word(field(b, "action"), w, sizeof(w));
		snprintf(out, outsz, "%s %s", w, field(b, "denial_ref"));
	} else if (strcmp(type, "consultation_request") == 0) {
		first_of(b, "denial_refs", NULL, f1, sizeof(f1));
		enum_word(field(b, "intended_decision"), w, sizeof(w));
		fmt_time(json_u64(b, "deadline_ms"), d, sizeof(d));
		snprintf(out, outsz, "on %s, intends %s, reply by %.10s", f1,
		    *w ? w : "?", d);
	} else if (strcmp(type, "consultation_reply") == 0) {
		enum_word(field(b, "position"), w, sizeof(w));
		snprintf(out, outsz, "%s to %s", w, field(b, "request_ref"));
	} else if (strcmp(type, "licence_decision") == 0) {
		enum_word(field(b, "decision"), w, sizeof(w));
		snprintf(out, outsz, "%s on %s%s%s", w, field(b, "request_ref"),
		    *field(b, "licence_ref") ? ", licence " : "",
		    field(b, "licence_ref"));
	} else if (strcmp(type, "end_user_alert") == 0) {
		a = json_object_get(b, "concerns");
		f1[0] = '\0';
		for (i = 0, off = 0; i < json_array_size(a) &&
		    off < sizeof(f1); i++) {
			c = json_string_value(json_array_get(a, i));
			enum_word(c != NULL ? c : "?", w, sizeof(w));
			off += (size_t)snprintf(f1 + off, sizeof(f1) - off,
			    "%s%s", off ? ", " : "", w);
		}
		a = json_object_get(b, "party");
		snprintf(out, outsz, "%s (%s): %s", field(a, "name"),
		    field(a, "country"), f1);
	} else if (strcmp(type, "alert_update") == 0) {
		enum_word(field(b, "action"), w, sizeof(w));
		snprintf(out, outsz, "%s %s", w, field(b, "alert_ref"));
	} else if (strcmp(type, "control_status") == 0) {
		enum_word(field(b, "stage"), w, sizeof(w));
		snprintf(out, outsz, "%s %s: %s", field(b, "regime"),
		    field(b, "control_entry"), w);
	} else if (strcmp(type, "heads_attestation") == 0) {
		fmt_time(json_u64(b, "as_of_ms"), d, sizeof(d));
		snprintf(x, sizeof(x), "%zu", json_array_size(
		    json_object_get(b, "heads")));
		snprintf(out, outsz, "%s heads as of %s", x, d);
	}
}

static int
print_table(const json_t *entries, uint64_t limit, int more)
{
	static const char *const hdr[] = { "FEED", "SEQ", "CREATED", "TYPE",
	    "REF", "SUMMARY" };
	struct table	*t;
	const json_t	*e, *body;
	const char	*cells[6], *type;
	char		 feed[128], seq[32], created[32];
	char		 summary[1024];
	size_t		 i, unverified = 0;
	int		 r = 0;

	if (json_array_size(entries) == 0) {
		printf("no entries\n");
		return 0;
	}
	if ((t = table_new(6, hdr)) == NULL)
		return LCN_ENOMEM;
	table_align_right(t, 1);
	table_max_width(t, 4, REF_WIDTH);
	table_max_width(t, 5, SUMMARY_WIDTH);
	json_array_foreach(entries, i, e) {
		body = json_object_get(e, "body");
		type = json_str(e, "type", "?");
		snprintf(feed, sizeof(feed), "%.40s/%.80s",
		    field(e, "origin"), field(e, "group"));
		/* verified is absent from older daemons: assume checked. */
		if (json_is_false(json_object_get(e, "verified"))) {
			snprintf(seq, sizeof(seq), "%" PRIu64 "*",
			    json_u64(e, "seq"));
			unverified++;
		} else
			snprintf(seq, sizeof(seq), "%" PRIu64,
			    json_u64(e, "seq"));
		fmt_time(json_u64(e, "created_ms"), created, sizeof(created));
		if (json_object_get(e, "error") != NULL)
			snprintf(summary, sizeof(summary), "cannot decode: %s",
			    field(e, "error"));
		else
			summarize(type, body, summary, sizeof(summary));
		cells[0] = feed;
		cells[1] = seq;
		cells[2] = created;
		cells[3] = type;
		cells[4] = *field(body, "ref") ? field(body, "ref") : "-";
		cells[5] = summary;
		if ((r = table_add(t, cells)) != 0)
			goto out;
	}
	table_print(t, stdout);
	if (unverified > 0)
		printf("* signature not yet checked (a batch authenticated by "
		    "its last entry; checking runs in the background)\n");
	if (more)
		printf("(%zu entries: lcnd's answer size limit; more follow: "
		    "use --feed F --since SEQ)\n", json_array_size(entries));
	else if (json_array_size(entries) >= limit)
		printf("(%zu entries: the limit; more may follow: raise "
		    "--limit, or use --feed F --since SEQ)\n",
		    json_array_size(entries));
 out:
	table_free(t);
	return r;
}

/* What `lcn log` was asked for. */
struct log_args {
	char		 origin[AGENCY_ID_MAX + 1];	/* "": every feed */
	char		 group[GROUP_NAME_MAX + 1];
	uint64_t	 since;
	uint64_t	 limit;
	int		 has_since, has_limit;
	/* Filters lcn applies itself, reading each feed to its head. */
	const char	*type;		/* body name: "denial_update" */
	const char	*ref;		/* the body's ref or the record it
					   updates */
	uint64_t	 since_ms;	/* created at or after; 0: any */
	int		 newest;	/* newest first */
};

/* Splits --feed ORIGIN/GROUP into a. 0, or -1 if it is not one. */
static int
parse_feed(const char *feed, struct log_args *a)
{
	const char *slash;

	if ((slash = strchr(feed, '/')) == NULL ||
	    (size_t)(slash - feed) > AGENCY_ID_MAX ||
	    strlen(slash + 1) > GROUP_NAME_MAX)
		return -1;
	memcpy(a->origin, feed, (size_t)(slash - feed));
	a->origin[slash - feed] = '\0';
	snprintf(a->group, sizeof(a->group), "%s", slash + 1);
	if (!agency_id_valid(a->origin) || !group_name_valid(a->group))
		return -1;
	return 0;
}

/*
 * Reads the options into a. Returns -1 when the command should go on,
 * else the exit status (help printed, or a usage error).
 */
static int
parse_args(struct cli *cli, int argc, char **argv, struct log_args *a)
{
	static const struct option opts[] = {
		{ "feed",	required_argument,	NULL, 'f' },
		{ "since",	required_argument,	NULL, 'S' },
		{ "since-seq",	required_argument,	NULL, 'Q' },
		{ "type",	required_argument,	NULL, 't' },
		{ "ref",	required_argument,	NULL, 'r' },
		{ "newest",	no_argument,		NULL, 'N' },
		{ "limit",	required_argument,	NULL, 'n' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	long	 lim;
	int	 ch, rc;

	memset(a, 0, sizeof(*a));
	a->limit = LOG_LIMIT_DEFAULT;
	while ((ch = getopt_long(argc, argv, ":f:n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (parse_feed(optarg, a) != 0)
				return cli_usage_field("log", "--feed",
				    "--feed '%s': expected ORIGIN/GROUP, such "
				    "as JP-METI/WA", optarg);
			break;
		case 'S':
			/* A date has '-' in it, a seq never: unambiguous. */
			if (strchr(optarg, '-') != NULL) {
				if (cli_parse_date(optarg, &a->since_ms) != 0)
					return cli_usage_field("log", "--since",
					    "--since '%s': "
					    "expected a date such as 2026-07-01"
					    " or a seq number", optarg);
				break;
			}
			/* FALLTHROUGH */
		case 'Q':
			if (parse_u64(optarg, &a->since) != 0)
				return cli_usage_field("log", ch == 'Q' ?
				    "--since-seq" : "--since", "--since%s "
				    "'%s': expected a seq number >= 0",
				    ch == 'Q' ?
				    "-seq" : "", optarg);
			a->has_since = 1;
			break;
		case 't':
			a->type = optarg;
			break;
		case 'r':
			a->ref = optarg;
			break;
		case 'N':
			a->newest = 1;
			break;
		case 'n':
			if ((rc = cli_opt_limit("log", optarg, LOG_LIMIT_MAX,
			    &lim)) != 0)
				return rc;
			a->limit = (uint64_t)lim;
			a->has_limit = 1;
			break;
		default:
			if (cli_opt_common(cli, "log", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if ((rc = cli_opt_none_left("log", argc, argv)) != EXIT_OK)
		return rc;
	return -1;
}

/* The request for lcnd, or NULL when out of memory. */
static json_t *
log_request(const struct log_args *a)
{
	json_t	*req;

	if ((req = json_pack("{s:s}", "cmd", "log")) == NULL)
		return NULL;
	if ((a->origin[0] != '\0' && (json_object_set_new(req, "origin",
	    json_string(a->origin)) != 0 || json_object_set_new(req, "group",
	    json_string(a->group)) != 0)) ||
	    (a->has_since && json_object_set_new(req, "since",
	    json_integer((json_int_t)a->since)) != 0) ||
	    (a->has_limit && json_object_set_new(req, "limit",
	    json_integer((json_int_t)a->limit)) != 0)) {
		json_decref(req);
		return NULL;
	}
	return req;
}

/* Whether entry e passes --type, --ref and --since DATE. */
static int
log_match(const struct log_args *a, const json_t *e)
{
	const json_t	*b = json_object_get(e, "body");
	const char	*t = json_str(e, "type", "");
	size_t		 n;

	if (a->type != NULL && strcmp(t, a->type) != 0 &&
	    !((n = strlen(a->type)) > 0 && strncmp(t, a->type, n) == 0 &&
	    t[n] == '_' && strchr(t + n + 1, '_') == NULL &&
	    strcmp(t + n + 1, "update") != 0))
		return 0;
	if (a->ref != NULL && strcmp(json_str(b, "ref", ""), a->ref) != 0 &&
	    strcmp(json_str(b, "denial_ref", ""), a->ref) != 0 &&
	    strcmp(json_str(b, "alert_ref", ""), a->ref) != 0 &&
	    strcmp(json_str(b, "request_ref", ""), a->ref) != 0)
		return 0;
	if (a->since_ms != 0 && json_u64(e, "created_ms") < a->since_ms)
		return 0;
	return 1;
}

static int
cmp_created(const void *x, const void *y)
{
	const json_t	*a = *(json_t *const *)x, *b = *(json_t *const *)y;
	uint64_t	 ca = json_u64(a, "created_ms");
	uint64_t	 cb = json_u64(b, "created_ms");

	/* Newest first; ties by seq, higher first. */
	if (ca != cb)
		return ca < cb ? 1 : -1;
	return json_u64(a, "seq") < json_u64(b, "seq") ? 1 :
	    json_u64(a, "seq") > json_u64(b, "seq") ? -1 : 0;
}

/*
 * With filters, lcn reads each feed (lcn status lists them, or --feed)
 * from --since-seq to its head, page by page, keeping what matches:
 * lcnd's log has no filters of its own. *out: an array, newest first if
 * asked, at most a->limit long.
 */
static int
log_filtered(struct cli *cli, const struct log_args *a, json_t **out,
    char *err, size_t errsz)
{
	json_t		*req, *resp = NULL, *feeds, *f, *got, *e, *all;
	json_t		**v = NULL;
	uint64_t	 next;
	size_t		 i, k, n;
	int		 r;

	*out = NULL;
	if ((all = json_array()) == NULL)
		return LCN_ENOMEM;
	if (a->origin[0] != '\0')
		feeds = json_pack("[{s:s, s:s}]", "origin", a->origin, "group",
		    a->group);
	else {
		req = json_pack("{s:s}", "cmd", "status");
		r = cli_call_json(cli, req, &resp, err, errsz);
		json_decref(req);
		if (r != 0) {
			json_decref(resp);
			json_decref(all);
			return r;
		}
		feeds = json_incref(json_object_get(resp, "feeds"));
		json_decref(resp);
	}
	json_array_foreach(feeds, i, f) {
		next = a->since;
		for (;;) {
			req = json_pack("{s:s, s:s, s:s, s:I, s:I}", "cmd",
			    "log", "origin", json_str(f, "origin", ""),
			    "group", json_str(f, "group", ""), "since",
			    (json_int_t)next, "limit",
			    (json_int_t)LOG_LIMIT_MAX);
			r = cli_call_json(cli, req, &resp, err, errsz);
			json_decref(req);
			if (r != 0)
				goto fail;
			got = json_object_get(resp, "entries");
			if ((n = json_array_size(got)) == 0) {
				json_decref(resp);
				break;
			}
			json_array_foreach(got, k, e) {
				if (log_match(a, e))
					json_array_append(all, e);
				next = json_u64(e, "seq");
			}
			json_decref(resp);
		}
		/* Oldest-first keeps only what the limit allows early. */
		if (!a->newest && json_array_size(all) >= a->limit)
			break;
	}
	json_decref(feeds);
	n = json_array_size(all);
	if (a->newest && n > 1) {
		if ((v = malloc(n * sizeof(*v))) == NULL) {
			json_decref(all);
			return LCN_ENOMEM;
		}
		for (i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(all, i));
		qsort(v, n, sizeof(*v), cmp_created);
		json_array_clear(all);
		for (i = 0; i < n; i++)
			json_array_append_new(all, v[i]);
		free(v);
	}
	while (json_array_size(all) > a->limit)
		json_array_remove(all, json_array_size(all) - 1);
	*out = all;
	return 0;
 fail:
	json_decref(resp);
	json_decref(feeds);
	json_decref(all);
	return r;
}

int
cmd_log(struct cli *cli, int argc, char **argv)
{
	struct log_args	 a;
	json_t		*req = NULL, *resp = NULL, *entries, *e;
	char		 err[1024];
	size_t		 i;
	int		 more, r, rc;

	if ((rc = parse_args(cli, argc, argv, &a)) != -1)
		return rc;
	rc = EXIT_FAIL;
	if (a.type != NULL || a.ref != NULL || a.since_ms != 0 || a.newest) {
		if ((r = log_filtered(cli, &a, &entries, err,
		    sizeof(err))) != 0) {
			if (r == LCN_ENOMEM)
				rc = cli_fail(cli, "nomem", NULL, "out of "
				    "memory");
			else
				rc = cli_fail_answer(cli, NULL, err);
			goto out;
		}
		resp = json_pack("{s:o}", "entries", entries);
	} else {
		if ((req = log_request(&a)) == NULL) {
			rc = cli_fail(cli, "nomem", NULL, "out of memory");
			goto out;
		}
		if (cli_call_json(cli, req, &resp, err, sizeof(err)) != 0) {
			rc = cli_fail_answer(cli, NULL, err);
			goto out;
		}
	}
	entries = json_object_get(resp, "entries");
	if (!json_is_array(entries)) {
		rc = cli_fail(cli, "protocol", NULL, "log: lcnd answered "
		    "without \"entries\"");
		goto out;
	}
	more = json_is_true(json_object_get(resp, "more"));
	if (cli->json) {
		json_array_foreach(entries, i, e)
			if (cli_print_json(e) != 0)
				goto out;
		/* stdout stays one entry per line; the note goes aside. */
		if (more)
			cli_warnx("log: %zu entries: lcnd's answer size limit; "
			    "more follow: use --feed F --since SEQ",
			    json_array_size(entries));
	} else if (print_table(entries, a.limit, more) != 0) {
		cli_warnx("out of memory");
		goto out;
	}
	rc = EXIT_OK;
 out:
	json_decref(req);
	json_decref(resp);
	return rc;
}
