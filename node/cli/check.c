/*
 * lcn check APPLICATION.json: the no-undercut check (store/check.h)
 * of a licence application against partners' active denials and alerts,
 * as the local lcnd computes it (store_check()). Its exit status is the
 * answer, so that a licensing system can gate on it without parsing the
 * output: 0 nothing concerns the application, 3 something does (a denial
 * or an alert the officer must act on), 1 the check could not be done (a
 * bad application, lcnd unreachable, a failure in lcnd), 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "opts.h"
#include "table.h"

#define WHY_WIDTH	90
/* A denial or an alert concerns the application: the officer must act. */
#define EXIT_CONCERNS	3

static void
print_results(const json_t *resp)
{
	static const char *const hdr[] = { "KIND", "AGENCY", "REF", "REGIME",
	    "CONSULT", "SCORE", "WHY" };
	const json_t	*res = json_object_get(resp, "results"), *r;
	struct table	*t;
	size_t		 i;
	char		 score[16];

	if (json_array_size(res) == 0) {
		printf("no active partner denial or alert concerns this "
		    "application\n");
		return;
	}
	if ((t = table_new(7, hdr)) == NULL)
		return;
	table_align_right(t, 5);
	table_max_width(t, 6, WHY_WIDTH);
	json_array_foreach(res, i, r) {
		const char *cells[7];

		snprintf(score, sizeof(score), "%.3f",
		    json_real_value(json_object_get(r, "score")));
		/* This agency's own denial: shown, with nobody to consult. */
		cells[0] = json_is_true(json_object_get(r, "own")) ?
		    "own denial" : json_str(r, "source", "");
		cells[1] = json_str(r, "agency", "");
		cells[2] = json_str(r, "ref", "");
		cells[3] = json_str(r, "regime", "");
		cells[4] = json_str(r, "consult", "");
		cells[5] = score;
		cells[6] = json_str(r, "why", "");
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	json_array_foreach(res, i, r)
		if (strcmp(json_str(r, "consult", ""), "required") == 0)
			printf("\n%s %s: %s\n", json_str(r, "agency", ""),
			    json_str(r, "ref", ""),
			    json_str(r, "consult_reason", ""));
}

/*
 * The check was not done: says so on stderr (and, with --json, as
 * {"ok": false, "error": {"code", "message", "field"}} on stdout, field
 * null unless lcnd named one). resp is lcnd's refusal, or NULL when
 * there was none (the reason is then in err, and code says what kind of
 * failure: lcn.h). Returns EXIT_FAIL.
 */
static int
check_failed(struct cli *cli, const json_t *resp, const char *code,
    const char *err)
{
	const char	*msg, *field;

	if (resp != NULL)
		code = json_str(resp, "code", "EINVAL");
	msg = resp != NULL ? json_str(resp, "error", err) : err;
	field = resp != NULL ? json_str(resp, "field", NULL) : NULL;
	if (field != NULL || strstr(msg, "could not be completed") != NULL)
		cli_warnx("check: %s", msg);
	else
		cli_warnx("check: the check could not be completed: %s", msg);
	if (cli->json)
		cli_print_error(code, field, msg, NULL);
	return EXIT_FAIL;
}

static int
check_file(struct cli *cli, const char *path, double threshold)
{
	json_t		*apps, *req, *resp = NULL;
	char		 err[1024], *s;
	int		 r, rc;

	/* One application: the shared reader's messages, one object. */
	if ((r = cli_read_objects(path, &apps, err, sizeof(err))) != 0)
		return check_failed(cli, NULL, cli_input_code(r), err);
	if (json_array_size(apps) != 1) {
		json_decref(apps);
		snprintf(err, sizeof(err), "%s: expected one JSON object, the "
		    "application", strcmp(path, "-") == 0 ? "standard input" :
		    path);
		return check_failed(cli, NULL, "invalid", err);
	}
	req = json_pack("{s:s, s:O}", "cmd", "check", "application",
	    json_array_get(apps, 0));
	json_decref(apps);
	if (req != NULL && threshold > 0)
		json_object_set_new(req, "threshold", json_real(threshold));
	s = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (s == NULL)
		return check_failed(cli, NULL, "nomem", "out of memory");
	r = cli_call_waiting(cli, s, strlen(s), &resp, NULL,
	    CLI_BEHIND_WAIT_MS, err, sizeof(err));
	free(s);
	if (r != 0) {
		rc = check_failed(cli, resp, cli->fail_code, err);
		json_decref(resp);
		return rc;
	}
	if (cli->json)
		cli_print_json(resp);
	else
		print_results(resp);
	rc = json_array_size(json_object_get(resp, "results")) > 0 ?
	    EXIT_CONCERNS : EXIT_OK;
	json_decref(resp);
	return rc;
}

int
cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold",	required_argument,	NULL, 't' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	double		 threshold = -1;
	int		 ch, rc;

	while ((ch = getopt_long(argc, argv, ":t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (cli_parse_unit(optarg, &threshold) != 0 ||
			    threshold == 0)
				return cli_usage_field("check", "--threshold",
				    "--threshold '%s': expected a number in "
				    "(0,1]", optarg);
			break;
		default:
			if (cli_opt_common(cli, "check", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (argc - optind != 1)
		return cli_usage_field("check", argc == optind ?
		    "APPLICATION.json" : NULL, "expected one "
		    "APPLICATION.json");
	return check_file(cli, argv[optind], threshold);
}
