/*
 * What the subcommands' option parsing shares (opts.h): one wording of
 * each usage error, whichever command meets it.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "opts.h"

int
cli_opt_common(struct cli *cli, const char *cmd, int ch, char **argv,
    int *rc)
{
	switch (ch) {
	case 'j':
		cli->json = 1;
		return 0;
	case 'h':
		cli_help(cmd);
		*rc = EXIT_OK;
		return 1;
	default:
		*rc = cli_bad_option(cmd, ch, argv);
		return 1;
	}
}

int
cli_opt_limit(const char *cmd, const char *arg, long max, long *out)
{
	const char	*p;
	long		 v = 0;

	*out = 0;
	/* Digits only: no sign, no blank; stop before v could overflow. */
	for (p = arg; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (*p - '0');
	if (p == arg || *p != '\0' || v < 1 || v > max)
		return cli_usage_field(cmd, "--limit", "--limit needs a whole "
		    "number from 1 to %ld, not '%s'", max, arg);
	*out = v;
	return 0;
}

int
cli_opt_date(const char *cmd, const char *opt, const char *arg, int day_end,
    uint64_t *ms)
{
	if (cli_parse_date(arg, ms) != 0) {
		*ms = 0;
		return cli_usage_field(cmd, opt, "%s '%s': expected a date such "
		    "as 2026-07-01", opt, arg);
	}
	if (day_end && strlen(arg) == 10)
		*ms += 86400 * 1000 - 1;
	return 0;
}

int
cli_opt_none_left(const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return cli_usage(cmd, "unexpected argument '%s'",
		    argv[optind]);
	return EXIT_OK;
}

int
cli_query_print(struct cli *cli, json_t *req, cli_print_fn print,
    const void *arg)
{
	json_t	*resp = NULL;
	int	 rc;

	if ((rc = cli_ask(cli, req, &resp)) != EXIT_OK)
		return rc;
	if (cli->json)
		cli_print_json(resp);
	else
		print(resp, arg);
	json_decref(resp);
	return EXIT_OK;
}

int
cli_query_end(struct cli *cli, const char *cmd, int argc, char **argv,
    json_t *req, cli_print_fn print, const void *arg)
{
	int	rc;

	if ((rc = cli_opt_none_left(cmd, argc, argv)) != EXIT_OK) {
		json_decref(req);
		return rc;
	}
	return cli_query_print(cli, req, print, arg);
}
