/*
 * What the subcommands' option parsing shares (opts.c): the last cases of
 * every getopt_long() switch (--json, --help, an unknown option or one
 * without its value), --limit N, and the end of a query command (no
 * argument left over, lcnd asked, its answer printed). Only the
 * subcommands of node/cli/ use it; every message goes through fail.c,
 * so --json gets its error object as anywhere else.
 */
#ifndef LCN_CLI_OPTS_H
#define LCN_CLI_OPTS_H

#include <stdint.h>

#include <jansson.h>

#include "lcn.h"

/*
 * The default case of a subcommand's getopt_long() switch. ch 'j'
 * (--json) sets cli->json; 'h' (--help) prints cmd's usage (cli_help)
 * and ends the command with EXIT_OK; anything else is getopt_long()'s
 * '?' or ':', reported by cli_bad_option(), and ends it with EXIT_USAGE.
 * Returns 1 when the command ends, its exit status in *rc, else 0 with
 * *rc untouched.
 */
int	cli_opt_common(struct cli *, const char *cmd, int ch, char **argv,
	    int *rc);

/*
 * --limit's value arg: a whole number from 1 to max, in digits only.
 * Returns 0 with *out, or EXIT_USAGE with *out 0, having said "--limit
 * needs a whole number from 1 to MAX, not 'ARG'" for cmd (field
 * "--limit").
 */
int	cli_opt_limit(const char *cmd, const char *arg, long max, long *out);

/*
 * A date option's value arg (opt names it: "--at", "--since"), as
 * cli_parse_date() reads it, into *ms. With day_end, a day alone
 * ("2026-07-01") means its last millisecond: a record as it stands at
 * that day's end. Returns 0, or EXIT_USAGE with *ms 0, having said "OPT
 * 'ARG': expected a date such as 2026-07-01" for cmd (field opt).
 */
int	cli_opt_date(const char *cmd, const char *opt, const char *arg,
	    int day_end, uint64_t *ms);

/*
 * After the options: EXIT_OK if none of argv is left (optind == argc),
 * else EXIT_USAGE, having said "unexpected argument 'ARG'" for cmd.
 */
int	cli_opt_none_left(const char *cmd, int argc, char **argv);

/* Prints lcnd's answer resp for a person; arg as given to the caller. */
typedef void (*cli_print_fn)(const json_t *resp, const void *arg);

/*
 * Asks lcnd req (consumed; cli_ask() waits while lcnd is behind) and
 * prints its answer: one JSON object with --json, else print(resp, arg).
 * Returns EXIT_OK, or cli_ask()'s EXIT_FAIL having said why.
 */
int	cli_query_print(struct cli *, json_t *req, cli_print_fn print,
	    const void *arg);

/*
 * The end of a query command: cli_opt_none_left(), then
 * cli_query_print(). Consumes req either way.
 */
int	cli_query_end(struct cli *, const char *cmd, int argc, char **argv,
	    json_t *req, cli_print_fn print, const void *arg);

#endif
