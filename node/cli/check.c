/*
 * lcn check APPLICATION.json: the no-undercut check (store/check.h)
 * of a licence application against partners' active denials and alerts,
 * as the local lcnd computes it (store_check()).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "table.h"

#define WHY_WIDTH	90

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
		cells[0] = json_str(r, "source", "");
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

int
cmd_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold",	required_argument,	NULL, 't' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	json_error_t	 jerr;
	json_t		*app, *req, *resp = NULL;
	double		 threshold = -1;
	int		 ch;

	while ((ch = getopt_long(argc, argv, ":t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (cli_parse_unit(optarg, &threshold) != 0 ||
			    threshold == 0)
				return cli_usage("check", "--threshold '%s': "
				    "expected a number in (0,1]", optarg);
			break;
		case 'j':
			cli->json = 1;
			break;
		case 'h':
			cli_help("check");
			return EXIT_OK;
		default:
			return cli_bad_option("check", ch, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage("check", "expected one APPLICATION.json");
	if (strcmp(argv[optind], "-") == 0)
		app = json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr);
	else
		app = json_load_file(argv[optind], JSON_REJECT_DUPLICATES,
		    &jerr);
	if (app == NULL) {
		cli_warnx("%s:%d: %s", argv[optind], jerr.line, jerr.text);
		return EXIT_FAIL;
	}
	req = json_pack("{s:s, s:o}", "cmd", "check", "application", app);
	if (threshold > 0)
		json_object_set_new(req, "threshold", json_real(threshold));
	if (cli_request(cli, req, &resp) != EXIT_OK)
		return EXIT_FAIL;
	if (cli->json)
		cli_print_json(resp);
	else
		print_results(resp);
	json_decref(resp);
	return EXIT_OK;
}
