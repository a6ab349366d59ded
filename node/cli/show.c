/*
 * lcn show REF and lcn receipts REF: one record as it stands, its
 * history (who did what, when and why; what was ignored and why) and
 * which partners hold it, from lcnd's derived state.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "table.h"

static void
print_receipts(const json_t *arr)
{
	static const char *const hdr[] = { "AGENCY", "HOLDS", "SINCE",
	    "HEAD", "AS OF" };
	const json_t	*r;
	struct table	*t;
	size_t		 i;
	char		 since[32], asof[32], head[24];

	if (json_array_size(arr) == 0) {
		printf("no partner has attested this feed yet\n");
		return;
	}
	if ((t = table_new(5, hdr)) == NULL)
		return;
	json_array_foreach(arr, i, r) {
		const char *cells[5];
		int holds = json_is_true(json_object_get(r, "holds"));

		fmt_time(holds ? json_u64(r, "since_ms") : 0, since,
		    sizeof(since));
		fmt_time(json_u64(r, "head_as_of_ms"), asof, sizeof(asof));
		snprintf(head, sizeof(head), "%" PRIu64, json_u64(r,
		    "head_seq"));
		cells[0] = json_str(r, "agency", "");
		cells[1] = holds ? "yes" : "not yet";
		cells[2] = since;
		cells[3] = head;
		cells[4] = asof;
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

static void
print_show(const json_t *resp)
{
	const json_t	*rec = json_object_get(resp, "record"), *e, *c;
	size_t		 i;
	char		 t1[32], t2[32], ctl[512];

	ctl[0] = '\0';
	json_array_foreach(json_object_get(rec, "controls"), i, c)
		snprintf(ctl + strlen(ctl), sizeof(ctl) - strlen(ctl), "%s%s",
		    i ? ", " : "", json_string_value(c));
	printf("%s %s: %s\n", json_str(rec, "kind", ""), json_str(rec, "ref",
	    ""), json_str(rec, "state", ""));
	printf("  origin    %s, group %s, seq %" PRIu64 "\n",
	    json_str(rec, "origin", ""), json_str(rec, "group", ""),
	    json_u64(rec, "seq"));
	if (*json_str(rec, "regime", "") != '\0')
		printf("  regime    %s\n", json_str(rec, "regime", ""));
	if (*json_str(rec, "country", "") != '\0')
		printf("  country   %s\n", json_str(rec, "country", ""));
	if (ctl[0] != '\0')
		printf("  controls  %s\n", ctl);
	fmt_date(json_u64(rec, "from_ms"), t1, sizeof(t1));
	fmt_date(json_u64(rec, "until_ms"), t2, sizeof(t2));
	printf("  %s %s, %s %s\n", strcmp(json_str(rec, "kind", ""),
	    "denial") == 0 ? "decided  " : "valid from", t1,
	    strcmp(json_str(rec, "kind", ""), "denial") == 0 ? "review" :
	    "until", json_u64(rec, "until_ms") ? t2 : "none");
	printf("\nhistory:\n");
	json_array_foreach(json_object_get(resp, "history"), i, e) {
		fmt_time(json_u64(e, "created_ms"), t1, sizeof(t1));
		printf("  %s  %-8s %s/%s seq %" PRIu64 " by %s%s%s\n", t1,
		    json_str(e, "action", ""), json_str(e, "origin", ""),
		    json_str(e, "group", ""), json_u64(e, "seq"),
		    json_str(e, "agency", ""), *json_str(e, "reason", "") ?
		    ": " : "", json_str(e, "reason", ""));
		if (json_object_get(e, "ignored") != NULL)
			printf("      ignored (%s): %s\n", json_str(e,
			    "ignored", ""), json_str(e, "ignored_why", ""));
	}
	printf("\nreceipts:\n");
	print_receipts(json_object_get(resp, "receipts"));
}

/* lcn show and lcn receipts: REF [--from AGENCY] [--at DATE]. */
static int
ref_cmd(struct cli *cli, int argc, char **argv, const char *cmd)
{
	static const struct option opts[] = {
		{ "from",	required_argument,	NULL, 'f' },
		{ "at",		required_argument,	NULL, 'a' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*from = NULL, *at = NULL;
	json_t		*req, *resp = NULL;
	uint64_t	 ms = 0;
	int		 ch, rc, is_show = strcmp(cmd, "show") == 0;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 'a':
			if (!is_show)
				return cli_usage_field(cmd, "--at", "--at goes "
				    "with lcn show");
			at = optarg;
			break;
		case 'j':
			cli->json = 1;
			break;
		case 'h':
			cli_help(cmd);
			return EXIT_OK;
		default:
			return cli_bad_option(cmd, ch, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_field(cmd, argc == optind ? "REF" : NULL,
		    argc == optind ? "which REF?" : "one REF only");
	if (at != NULL) {
		if (cli_parse_date(at, &ms) != 0)
			return cli_usage_field(cmd, "--at", "--at '%s': "
			    "expected a date "
			    "such as 2026-07-01", at);
		if (strlen(at) == 10)
			ms += 86400 * 1000 - 1;
	}
	if ((req = json_pack("{s:s, s:s}", "cmd", cmd, "ref",
	    argv[optind])) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	if (from != NULL)
		json_object_set_new(req, "origin", json_string(from));
	if (ms != 0)
		json_object_set_new(req, "at_ms", json_integer(
		    (json_int_t)ms));
	if ((rc = cli_ask(cli, req, &resp)) != EXIT_OK)
		return rc;
	if (cli->json)
		cli_print_json(resp);
	else if (is_show)
		print_show(resp);
	else
		print_receipts(json_object_get(resp, "receipts"));
	json_decref(resp);
	return EXIT_OK;
}

int
cmd_show(struct cli *cli, int argc, char **argv)
{
	return ref_cmd(cli, argc, argv, "show");
}

int
cmd_receipts(struct cli *cli, int argc, char **argv)
{
	return ref_cmd(cli, argc, argv, "receipts");
}
