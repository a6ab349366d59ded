/*
 * lcn decide: this agency's licence decision on a consultation it asked
 * (REQUEST-REF), or, without one, the notification of a grant a regime
 * asks for after a partner's denial (--application, Wassenaar). lcnd
 * (api_consult_decide.c) first answers a dry run: whether the grant
 * undercuts the partner's denial and where it will be published. lcn
 * says so, asks the officer on a terminal (or takes --yes), and only
 * then sends the real request, which lcnd checks again.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "opts.h"

/* "y" or "yes" on standard input; the question went to stderr. */
static int
confirmed(const char *notice)
{
	char	line[64];
	size_t	n;

	fprintf(stderr, "%s Proceed? [y/N] ", notice);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 ||
	    strcmp(line, "yes") == 0;
}

static void
print_decision(const json_t *resp)
{
	const json_t	*p;
	size_t		 i;

	json_array_foreach(json_object_get(resp, "published"), i, p)
		printf("%s %s seq %" PRIu64 "\n", json_str(p, "ref", ""),
		    json_str(p, "group", ""), json_u64(p, "seq"));
	if (json_is_true(json_object_get(resp, "undercut")))
		printf("undercut of %s's denial %s: published to group %s "
		    "with the explanation\n", json_str(resp, "consulted", ""),
		    json_str(resp, "denial_ref", ""), json_str(resp, "regime",
		    ""));
	if (json_is_true(json_object_get(resp, "notification")))
		printf("notification of a grant after a partner's denial: "
		    "published to the regime's group\n");
}

/*
 * --application FILE (- for standard input): one JSON object, or NULL
 * (said). The shared reader words a directory, an empty file, a
 * byte-order mark and a line that is not JSON.
 */
static json_t *
read_application(struct cli *cli, const char *path)
{
	json_t	*objs, *o;
	char	 err[512];
	int	 r;

	if ((r = cli_read_objects(path, &objs, err, sizeof(err))) != 0) {
		cli_fail(cli, cli_input_code(r), "--application", "%s", err);
		return NULL;
	}
	if (json_array_size(objs) != 1) {
		cli_fail(cli, "invalid", "--application", "%s: expected one "
		    "JSON object, found %zu", strcmp(path, "-") == 0 ?
		    "standard input" : path, json_array_size(objs));
		json_decref(objs);
		return NULL;
	}
	o = json_incref(json_array_get(objs, 0));
	json_decref(objs);
	return o;
}

/* The request with its options, as a JSON object (NULL: no memory). */
static json_t *
decide_request(const char *ref, json_t *app, const char *decision,
    const char *explanation, const char *licence, uint64_t at,
    int publish_denial)
{
	json_t *req;

	req = json_pack("{s:s, s:s, s:s}", "cmd", "decide", "decision",
	    decision, "explanation", explanation);
	if (req == NULL)
		return NULL;
	if (ref != NULL)
		json_object_set_new(req, "request_ref", json_string(ref));
	if (app != NULL)
		json_object_set(req, "application", app);
	if (licence != NULL)
		json_object_set_new(req, "licence_ref", json_string(licence));
	if (at != 0)
		json_object_set_new(req, "at_ms", json_integer((json_int_t)at));
	if (publish_denial)
		json_object_set_new(req, "publish_denial", json_true());
	return req;
}

/*
 * The dry run, then, when the grant undercuts, the officer's word (or
 * --yes), then the decision. req is consumed.
 */
static int
decide(struct cli *cli, json_t *req, int yes)
{
	json_t		*dry, *resp = NULL;
	const char	*notice;
	int		 rc;

	if ((dry = json_deep_copy(req)) == NULL) {
		json_decref(req);
		return cli_fail(cli, "nomem", NULL, "out of memory");
	}
	json_object_set_new(dry, "dry_run", json_true());
	if ((rc = cli_ask(cli, dry, &resp)) != EXIT_OK) {
		json_decref(req);
		cli_warnx("nothing was published");
		return rc;
	}
	notice = json_str(resp, "notice", "");
	if (json_is_true(json_object_get(resp, "undercut"))) {
		if (yes)
			cli_warnx("%s", notice);
		else if (!isatty(STDIN_FILENO)) {
			rc = cli_fail(cli, "invalid", "--yes", "%s Standard input "
			    "is not a terminal: use --yes to proceed "
			    "unattended", notice);
			json_decref(resp);
			json_decref(req);
			cli_warnx("nothing was published");
			return rc;
		} else if (!confirmed(notice)) {
			json_decref(resp);
			json_decref(req);
			cli_warnx("nothing was published");
			return EXIT_FAIL;
		}
	}
	/* What the officer saw: lcnd refuses if it has changed since. */
	if (json_object_get(req, "request_ref") != NULL)
		json_object_set_new(req, "undercut_seen", json_boolean(
		    json_is_true(json_object_get(resp, "undercut"))));
	json_decref(resp);
	resp = NULL;
	if ((rc = cli_ask(cli, req, &resp)) != EXIT_OK) {
		cli_warnx("nothing was published");
		return rc;
	}
	if (cli->json)
		cli_print_json(resp);
	else
		print_decision(resp);
	json_decref(resp);
	return EXIT_OK;
}

int
cmd_decide(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "grant",		no_argument,		NULL, 'G' },
		{ "deny",		no_argument,		NULL, 'D' },
		{ "explanation",	required_argument,	NULL, 'e' },
		{ "licence",		required_argument,	NULL, 'l' },
		{ "application",	required_argument,	NULL, 'A' },
		{ "at",			required_argument,	NULL, 'a' },
		{ "yes",		no_argument,		NULL, 'y' },
		{ "publish-denial",	no_argument,		NULL, 'P' },
		{ "json",		no_argument,		NULL, 'j' },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL,			0,			NULL, 0 },
	};
	const char	*decision = NULL, *explanation = NULL, *licence = NULL;
	const char	*application = NULL, *ref = NULL;
	json_t		*app = NULL, *req;
	uint64_t	 at = 0;
	int		 ch, rc, yes = 0, publish_denial = 0, ndecisions = 0;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'G':
			decision = "grant";
			ndecisions++;
			break;
		case 'D':
			decision = "deny";
			ndecisions++;
			break;
		case 'e':
			explanation = optarg;
			break;
		case 'l':
			licence = optarg;
			break;
		case 'A':
			application = optarg;
			break;
		case 'a':
			if (cli_parse_date(optarg, &at) != 0 || at == 0)
				return cli_usage_field("decide", "--at",
				    "--at '%s': "
				    "expected a date such as 2026-07-01",
				    optarg);
			break;
		case 'y':
			yes = 1;
			break;
		case 'P':
			publish_denial = 1;
			break;
		default:
			if (cli_opt_common(cli, "decide", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (ndecisions != 1)
		return cli_usage_field("decide", ndecisions == 0 ? "--grant" :
		    "--deny", "expected one of "
		    "--grant and --deny");
	if (explanation == NULL || *explanation == '\0')
		return cli_usage_field("decide", "--explanation", "--explanation "
		    "is required: the partner reads why");
	if (application != NULL && argc != optind)
		return cli_usage_field("decide", "--application", "give "
		    "REQUEST-REF or --application, "
		    "not both");
	if (application == NULL && argc - optind != 1)
		return cli_usage_field("decide", argc == optind ?
		    "REQUEST-REF" : argv[optind + 1], argc == optind ? "which "
		    "REQUEST-REF? (or --application FILE)" : "one REQUEST-REF "
		    "only");
	if (application != NULL && strcmp(decision, "grant") != 0)
		return cli_usage_field("decide", "--application",
		    "--application goes with --grant: "
		    "the notification of a grant after a partner's denial");
	if (publish_denial && strcmp(decision, "deny") != 0)
		return cli_usage_field("decide", "--publish-denial",
		    "--publish-denial goes with --deny");
	if (application == NULL)
		ref = argv[optind];
	else {
		if ((app = read_application(cli, application)) == NULL) {
			cli_warnx("nothing was published");
			return EXIT_FAIL;
		}
	}
	req = decide_request(ref, app, decision, explanation, licence, at,
	    publish_denial);
	json_decref(app);
	if (req == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	return decide(cli, req, yes);
}
