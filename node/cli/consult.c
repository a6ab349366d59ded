/*
 * lcn consult, lcn reply and lcn consult-info: asking a partner that
 * denied an essentially identical transaction, answering as the agency
 * consulted, and adding the information a need-info reply asked for.
 * Each sends one request to lcnd (api_consult.c, api_consult_reply.c),
 * which checks every rule before it signs anything, and prints what was
 * published.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "opts.h"

/* Denials one lcn consult may name (lcnd's limit too). */
#define CONSULT_DENIALS_MAX	64

/* lcnd refused: its message, then that nothing was published. */
static int
refused(int rc)
{
	if (rc != EXIT_OK)
		cli_warnx("nothing was published");
	return rc;
}

/* Sends req (consumed); prints lcnd's answer with --json. */
static int
send_request(struct cli *cli, json_t *req, json_t **resp)
{
	int rc;

	if (req == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	if ((rc = cli_ask(cli, req, resp)) != EXIT_OK)
		return refused(rc);
	if (cli->json)
		cli_print_json(*resp);
	return EXIT_OK;
}

/*
 * One JSON object from path (- for standard input), or NULL (said, with
 * field as the input at fault). The shared reader words a directory, an
 * empty file, a byte-order mark and a line that is not JSON.
 */
static json_t *
read_object(struct cli *cli, const char *path, const char *field)
{
	json_t	*objs, *o;
	char	 err[512];
	int	 r;

	if ((r = cli_read_objects(path, &objs, err, sizeof(err))) != 0) {
		refused(cli_fail(cli, cli_input_code(r), field, "%s", err));
		return NULL;
	}
	if (json_array_size(objs) != 1) {
		json_decref(objs);
		refused(cli_fail(cli, "invalid", field, "%s: expected one "
		    "JSON object, found %zu", strcmp(path, "-") == 0 ?
		    "standard input" : path, json_array_size(objs)));
		return NULL;
	}
	o = json_incref(json_array_get(objs, 0));
	json_decref(objs);
	return o;
}

/* --at, --reply-by, --extend-to: a date, or a usage error. */
static int
date_option(const char *cmd, const char *opt, const char *s, uint64_t *ms)
{
	if (cli_parse_date(s, ms) != 0 || *ms == 0)
		return cli_usage_field(cmd, opt, "%s '%s': expected a date such as "
		    "2026-07-01", opt, s);
	return EXIT_OK;
}

static void
print_requests(const json_t *resp)
{
	const json_t	*r, *s, *ref;
	char		 day[16], limit[16];
	size_t		 i, j;

	json_array_foreach(json_object_get(resp, "requests"), i, r) {
		printf("%s asks %s (%s seq %" PRIu64 ") on", json_str(r, "ref",
		    ""), json_str(r, "consulted", ""), json_str(r, "group",
		    ""), json_u64(r, "seq"));
		json_array_foreach(json_object_get(r, "denials"), j, ref)
			printf(" %s", json_string_value(ref));
		printf(" (%s)\n", json_str(r, "regime", ""));
		fmt_date(json_u64(r, "deadline_ms"), day, sizeof(day));
		if (json_u64(r, "deadline_ms") != 0)
			printf("  reply by %s (%s on %s's calendar)", day,
			    json_str(r, "deadline", ""), json_str(r,
			    "consulted", ""));
		else
			printf("  no deadline");
		printf("; %s\n", json_str(r, "silence_means", ""));
		if (json_u64(r, "extension_limit_ms") != 0) {
			fmt_date(json_u64(r, "extension_limit_ms"), limit,
			    sizeof(limit));
			printf("  %s may extend it to %s at the latest\n",
			    json_str(r, "consulted", ""), limit);
		}
	}
	json_array_foreach(json_object_get(resp, "skipped"), i, s)
		printf("not consulted: %s %s (%s): %s\n", json_str(s, "agency",
		    ""), json_str(s, "ref", ""), json_str(s, "regime", ""),
		    json_str(s, "why", ""));
}

int
cmd_consult(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "denial",	required_argument,	NULL, 'd' },
		{ "intend",	required_argument,	NULL, 'i' },
		{ "reasoning",	required_argument,	NULL, 'r' },
		{ "reply-by",	required_argument,	NULL, 'b' },
		{ "at",		required_argument,	NULL, 'a' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*intend = NULL, *reasoning = NULL;
	json_t		*denials, *app, *req, *resp = NULL;
	uint64_t	 by = 0, at = 0;
	int		 ch, rc;

	if ((denials = json_array()) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		rc = EXIT_OK;
		switch (ch) {
		case 'd':
			if (json_array_size(denials) >= CONSULT_DENIALS_MAX)
				rc = cli_usage_field("consult", "--denial",
				    "at most %d "
				    "--denial", CONSULT_DENIALS_MAX);
			json_array_append_new(denials, json_string(optarg));
			break;
		case 'i':
			intend = optarg;
			if (strcmp(intend, "grant") != 0 &&
			    strcmp(intend, "deny") != 0)
				rc = cli_usage_field("consult", "--intend",
				    "--intend '%s': "
				    "expected grant or deny", optarg);
			break;
		case 'r':
			reasoning = optarg;
			if (*reasoning == '\0')
				rc = cli_usage_field("consult", "--reasoning",
				    "--reasoning: "
				    "expected text");
			break;
		case 'b':
			rc = date_option("consult", "--reply-by", optarg, &by);
			break;
		case 'a':
			rc = date_option("consult", "--at", optarg, &at);
			break;
		default:
			if (cli_opt_common(cli, "consult", ch, argv, &rc)) {
				json_decref(denials);
				return rc;
			}
			break;
		}
		if (rc != EXIT_OK) {
			json_decref(denials);
			return rc;
		}
	}
	if (argc - optind != 1) {
		json_decref(denials);
		return cli_usage_field("consult", argc == optind ?
		    "APPLICATION.json" : argv[optind + 1], argc == optind ?
		    "which APPLICATION.json?" : "one APPLICATION.json only");
	}
	if ((app = read_object(cli, argv[optind], "APPLICATION.json")) == NULL) {
		json_decref(denials);
		return EXIT_FAIL;
	}
	req = json_pack("{s:s, s:o}", "cmd", "consult", "application", app);
	if (req != NULL && json_array_size(denials) > 0)
		json_object_set(req, "denials", denials);
	json_decref(denials);
	if (req != NULL && intend != NULL)
		json_object_set_new(req, "intend", json_string(intend));
	if (req != NULL && reasoning != NULL)
		json_object_set_new(req, "reasoning", json_string(reasoning));
	if (req != NULL && by != 0)
		json_object_set_new(req, "reply_by_ms",
		    json_integer((json_int_t)by));
	if (req != NULL && at != 0)
		json_object_set_new(req, "at_ms", json_integer((json_int_t)at));
	if ((rc = send_request(cli, req, &resp)) != EXIT_OK)
		return rc;
	if (!cli->json)
		print_requests(resp);
	json_decref(resp);
	return EXIT_OK;
}

int
cmd_reply(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "position",	required_argument,	NULL, 'p' },
		{ "grounds",	required_argument,	NULL, 'g' },
		{ "extend-to",	required_argument,	NULL, 'e' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	static const char *const positions[] = { "object", "no-objection",
	    "maintain-denial", "need-info", "ack" };
	const char	*position = NULL, *grounds = NULL;
	json_t		*req, *resp = NULL;
	uint64_t	 to = 0;
	char		 day[16];
	size_t		 i;
	int		 ch, rc;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			position = optarg;
			break;
		case 'g':
			grounds = optarg;
			break;
		case 'e':
			if ((rc = date_option("reply", "--extend-to", optarg,
			    &to)) != EXIT_OK)
				return rc;
			break;
		default:
			if (cli_opt_common(cli, "reply", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (argc - optind != 1)
		return cli_usage_field("reply", argc == optind ?
		    "REQUEST-REF" : argv[optind + 1], argc == optind ?
		    "which REQUEST-REF?" : "one REQUEST-REF only");
	for (i = 0; position != NULL && i < sizeof(positions) /
	    sizeof(positions[0]); i++)
		if (strcmp(position, positions[i]) == 0)
			break;
	if (position == NULL || i == sizeof(positions) / sizeof(positions[0]))
		return cli_usage_field("reply", "--position", "--position: "
		    "expected object, no-objection, maintain-denial, "
		    "need-info or ack");
	if ((grounds == NULL || *grounds == '\0') && (i == 0 || i == 2 ||
	    i == 3))
		return cli_usage_field("reply", "--grounds", "--grounds is "
		    "required with %s: the asker reads why", position);
	if (to != 0 && i != 4)
		return cli_usage_field("reply", "--extend-to", "--extend-to goes "
		    "with --position ack");
	req = json_pack("{s:s, s:s, s:s}", "cmd", "reply", "request_ref",
	    argv[optind], "position", position);
	if (req != NULL && grounds != NULL && *grounds != '\0')
		json_object_set_new(req, "grounds", json_string(grounds));
	if (req != NULL && to != 0)
		json_object_set_new(req, "extend_to_ms",
		    json_integer((json_int_t)to));
	if ((rc = send_request(cli, req, &resp)) != EXIT_OK)
		return rc;
	if (!cli->json) {
		printf("%s %s seq %" PRIu64 ": %s to %s's %s",
		    json_str(resp, "ref", ""), json_str(resp, "group", ""),
		    json_u64(resp, "seq"), position, json_str(resp, "asker",
		    ""), json_str(resp, "request_ref", ""));
		if (json_u64(resp, "extend_to_ms") != 0) {
			fmt_date(json_u64(resp, "extend_to_ms"), day,
			    sizeof(day));
			printf(", deadline extended to %s", day);
		}
		printf("\n");
	}
	json_decref(resp);
	return EXIT_OK;
}

int
cmd_consult_info(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "at",		required_argument,	NULL, 'a' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	json_t		*o, *req, *resp = NULL, *v;
	const char	*k;
	uint64_t	 at = 0;
	char		 day[16];
	int		 ch, rc;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if ((rc = date_option("consult-info", "--at", optarg,
			    &at)) != EXIT_OK)
				return rc;
			break;
		default:
			if (cli_opt_common(cli, "consult-info", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (argc - optind != 2)
		return cli_usage_field("consult-info", argc - optind < 1 ?
		    "REQUEST-REF" : argc - optind < 2 ? "FILE.json" :
		    argv[optind + 2], "expected REQUEST-REF and FILE.json");
	if ((o = read_object(cli, argv[optind + 1], "FILE.json")) == NULL)
		return EXIT_FAIL;
	json_object_foreach(o, k, v)
		if (strcmp(k, "information") != 0 &&
		    strcmp(k, "transaction") != 0) {
			json_decref(o);
			return refused(cli_fail(cli, "invalid", k, "%s: "
			    "expected \"information\" (text) and/or "
			    "\"transaction\", got \"%s\"", argv[optind + 1],
			    k));
		}
	req = json_pack("{s:s, s:s}", "cmd", "consult-info", "request_ref",
	    argv[optind]);
	if (req != NULL)
		json_object_update(req, o);
	json_decref(o);
	if (req != NULL && at != 0)
		json_object_set_new(req, "at_ms", json_integer((json_int_t)at));
	if ((rc = send_request(cli, req, &resp)) != EXIT_OK)
		return rc;
	if (!cli->json) {
		fmt_date(json_u64(resp, "deadline_ms"), day, sizeof(day));
		printf("%s %s seq %" PRIu64 ": information for %s on %s; "
		    "reply by %s\n", json_str(resp, "ref", ""),
		    json_str(resp, "group", ""), json_u64(resp, "seq"),
		    json_str(resp, "consulted", ""), json_str(resp,
		    "request_ref", ""), json_u64(resp, "deadline_ms") ? day :
		    "(no deadline)");
	}
	json_decref(resp);
	return EXIT_OK;
}
