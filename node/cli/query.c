/*
 * lcn denials and lcn alerts: the records as they stand, filtered, from
 * lcnd's derived state (api_records_query.c), as a table or, with --json,
 * lcnd's answer as one object.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_limits.h"
#include "opts.h"
#include "table.h"

/* arg: the command, "denials" or "alerts". */
static void
print_records(const json_t *resp, const void *arg)
{
	static const char *const hdr[] = { "ORIGIN", "REF", "STATE", "REGIME",
	    "COUNTRY", "CONTROLS", "FROM", "UNTIL", "UPDATES" };
	const json_t	*recs = json_object_get(resp, "records"), *r, *c;
	struct table	*t;
	size_t		 i, k;
	char		 from[32], until[32], upd[24], ctl[256];
	int		 denial = strcmp(arg, "denials") == 0;

	if (json_array_size(recs) == 0) {
		printf("no %s\n", denial ? "denials" : "alerts");
		return;
	}
	if ((t = table_new(9, hdr)) == NULL)
		return;
	json_array_foreach(recs, i, r) {
		const char *cells[9];

		ctl[0] = '\0';
		json_array_foreach(json_object_get(r, "controls"), k, c)
			snprintf(ctl + strlen(ctl), sizeof(ctl) - strlen(ctl),
			    "%s%s", k ? "," : "", json_string_value(c));
		fmt_date(json_u64(r, "from_ms"), from, sizeof(from));
		fmt_date(json_u64(r, "until_ms"), until, sizeof(until));
		snprintf(upd, sizeof(upd), "%" PRIu64, json_u64(r, "updates"));
		cells[0] = json_str(r, "origin", "");
		cells[1] = json_str(r, "ref", "");
		cells[2] = json_str(r, "state", "");
		cells[3] = json_str(r, "regime", "");
		cells[4] = json_str(r, "country", "");
		cells[5] = ctl;
		cells[6] = from;
		cells[7] = until;
		cells[8] = upd;
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	if (json_is_true(json_object_get(resp, "more")))
		printf("(more: narrow the filters or raise --limit)\n");
}

static int
list_cmd(struct cli *cli, int argc, char **argv, const char *cmd)
{
	static const struct option opts[] = {
		{ "from",	required_argument,	NULL, 'f' },
		{ "mine",	no_argument,		NULL, 'm' },
		{ "state",	required_argument,	NULL, 'S' },
		{ "regime",	required_argument,	NULL, 'r' },
		{ "entry",	required_argument,	NULL, 'e' },
		{ "country",	required_argument,	NULL, 'C' },
		{ "party",	required_argument,	NULL, 'p' },
		{ "since",	required_argument,	NULL, 's' },
		{ "at",		required_argument,	NULL, 'a' },
		{ "limit",	required_argument,	NULL, 'n' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	static const char *const keys[] = { ['f'] = "from", ['S'] = "state",
	    ['r'] = "regime", ['e'] = "entry", ['C'] = "country",
	    ['p'] = "party" };
	json_t		*req;
	uint64_t	 ms;
	long		 lim;
	int		 ch, rc;

	if ((req = json_pack("{s:s}", "cmd", cmd)) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	while ((ch = getopt_long(argc, argv, ":n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': case 'S': case 'r': case 'e': case 'C': case 'p':
			json_object_set_new(req, keys[ch],
			    json_string(optarg));
			break;
		case 'm':
			json_object_set_new(req, "mine", json_true());
			break;
		case 's':
		case 'a':
			if ((rc = cli_opt_date(cmd, ch == 's' ? "--since" :
			    "--at", optarg, ch == 'a', &ms)) != 0) {
				json_decref(req);
				return rc;
			}
			json_object_set_new(req, ch == 's' ? "since_ms" :
			    "at_ms", json_integer((json_int_t)ms));
			break;
		case 'n':
			if ((rc = cli_opt_limit(cmd, optarg,
			    RECORD_LIMIT_MAX, &lim)) != 0) {
				json_decref(req);
				return rc;
			}
			json_object_set_new(req, "limit", json_integer(lim));
			break;
		default:
			if (cli_opt_common(cli, cmd, ch, argv, &rc)) {
				json_decref(req);
				return rc;
			}
			break;
		}
	}
	return cli_query_end(cli, cmd, argc, argv, req, print_records, cmd);
}

int
cmd_denials(struct cli *cli, int argc, char **argv)
{
	return list_cmd(cli, argc, argv, "denials");
}

int
cmd_alerts(struct cli *cli, int argc, char **argv)
{
	return list_cmd(cli, argc, argv, "alerts");
}
