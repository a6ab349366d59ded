/*
 * lcn consultations: the no-undercut consultations this node holds, asked
 * by this agency (outgoing) or of it (incoming), as they stand, from
 * lcnd's derived state (api_consult_query.c): each with its counterpart,
 * the denials it is about, its state, its deadline and the working days
 * the replying agency has left. A table, or with --json lcnd's answer as
 * one object.
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

/* "replied (object)", "decided (grant, undercut)", "awaiting-reply". */
void
cli_consult_state(const json_t *c, char *buf, size_t bufsz)
{
	const char *st = json_str(c, "state", "?");

	if (strcmp(st, "replied") == 0)
		snprintf(buf, bufsz, "replied (%s)", json_str(c, "position",
		    "?"));
	else if (strcmp(st, "decided") == 0 || strcmp(st, "closed") == 0)
		snprintf(buf, bufsz, "%s (%s%s)", st, json_str(c, "decision",
		    "?"), json_is_true(json_object_get(c, "undercut")) ?
		    ", undercut" : "");
	else
		snprintf(buf, bufsz, "%s", st);
}

/* "4 working days", "overdue", "no deadline", "? working days" (not
 * countable: working_days_left_unknown), or "-" (nothing awaited). */
void
cli_consult_left(const json_t *c, char *buf, size_t bufsz)
{
	const json_t	*left = json_object_get(c, "working_days_left");
	uint64_t	 n;

	if (json_u64(c, "deadline_ms") == 0)
		snprintf(buf, bufsz, "no deadline");
	else if (json_is_true(json_object_get(c, "overdue")))
		snprintf(buf, bufsz, "overdue");
	else if (json_object_get(c, "working_days_left_unknown") != NULL)
		/* Not countable (lcn show --json says why): never a guess. */
		snprintf(buf, bufsz, "? working days");
	else if (!json_is_integer(left))
		snprintf(buf, bufsz, "-");
	else if (json_is_true(json_object_get(c, "overdue")))
		snprintf(buf, bufsz, "overdue");
	else {
		n = json_u64(c, "working_days_left");
		snprintf(buf, bufsz, "%" PRIu64 " working day%s", n,
		    n == 1 ? "" : "s");
	}
}

static void
print_consultations(const json_t *resp, const void *arg)
{
	static const char *const hdr[] = { "REQUEST", "DIR", "COUNTERPART",
	    "DENIALS", "REGIME", "STATE", "DEADLINE", "LEFT" };
	const json_t	*list, *c, *d;
	struct table	*t;
	size_t		 i, k;
	char		 den[256], st[64], dl[32], left[48];

	(void)arg;
	list = json_object_get(resp, "consultations");
	if (json_array_size(list) == 0) {
		printf("no consultations\n");
		return;
	}
	if ((t = table_new(8, hdr)) == NULL)
		return;
	table_max_width(t, 3, 48);
	json_array_foreach(list, i, c) {
		const char	*cells[8], *dir;

		dir = json_str(c, "direction", "");
		den[0] = '\0';
		json_array_foreach(json_object_get(c, "denials"), k, d)
			snprintf(den + strlen(den), sizeof(den) - strlen(den),
			    "%s%s", k ? "," : "", json_string_value(d));
		if (json_u64(c, "ndenials") > json_array_size(json_object_get(
		    c, "denials")))
			snprintf(den + strlen(den), sizeof(den) - strlen(den),
			    ",...");
		cli_consult_state(c, st, sizeof(st));
		fmt_date(json_u64(c, "deadline_ms"), dl, sizeof(dl));
		cli_consult_left(c, left, sizeof(left));
		cells[0] = json_str(c, "ref", "");
		cells[1] = strcmp(dir, "incoming") == 0 ? "in" :
		    strcmp(dir, "outgoing") == 0 ? "out" : "-";
		cells[2] = json_str(c, "counterpart", "");
		cells[3] = den;
		cells[4] = json_str(c, "regime", "");
		cells[5] = st;
		cells[6] = dl;
		cells[7] = left;
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	if (json_is_true(json_object_get(resp, "more")))
		printf("(more: narrow the filters or raise --limit)\n");
}

int
cmd_consultations(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "incoming",	no_argument,		NULL, 'i' },
		{ "outgoing",	no_argument,		NULL, 'o' },
		{ "state",	required_argument,	NULL, 'S' },
		{ "overdue",	no_argument,		NULL, 'O' },
		{ "counterpart", required_argument,	NULL, 'p' },
		{ "regime",	required_argument,	NULL, 'r' },
		{ "at",		required_argument,	NULL, 'a' },
		{ "limit",	required_argument,	NULL, 'n' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*cmd = "consultations", *dir = NULL;
	json_t		*req;
	uint64_t	 ms;
	long		 lim;
	int		 ch, rc;

	if ((req = json_pack("{s:s}", "cmd", cmd)) == NULL)
		return cli_fail(cli, "ENOMEM", NULL, "out of memory");
	while ((ch = getopt_long(argc, argv, ":n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
		case 'o':
			if (dir != NULL && strcmp(dir, ch == 'i' ? "incoming" :
			    "outgoing") != 0) {
				json_decref(req);
				return cli_usage(cmd, "--incoming or "
				    "--outgoing, not both");
			}
			dir = ch == 'i' ? "incoming" : "outgoing";
			json_object_set_new(req, "direction",
			    json_string(dir));
			break;
		case 'S':
			json_object_set_new(req, "state", json_string(optarg));
			break;
		case 'O':
			json_object_set_new(req, "overdue", json_true());
			break;
		case 'p':
			json_object_set_new(req, "counterpart",
			    json_string(optarg));
			break;
		case 'r':
			json_object_set_new(req, "regime",
			    json_string(optarg));
			break;
		case 'a':
			if ((rc = cli_opt_date(cmd, "--at", optarg, 1,
			    &ms)) != 0) {
				json_decref(req);
				return rc;
			}
			json_object_set_new(req, "at_ms",
			    json_integer((json_int_t)ms));
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
	return cli_query_end(cli, cmd, argc, argv, req, print_consultations,
	    NULL);
}
