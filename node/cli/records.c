/*
 * lcn deny, alert, control-status, deny-update and alert-update: the
 * typed publishing commands. Each sends the bodies' fields to lcnd's
 * "record" command (api_records_publish.c), which picks the group, runs
 * the record rules, signs, and names the refs it holds; lcn prints them.
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
#include "util.h"

/*
 * lcnd's "bodies[K]: why" as a person reads it: "FILE: why" for one
 * body, "FILE, object K+1: why" for JSON lines, "why" for an update
 * (which has no file).
 */
static int
record_refused(struct cli *cli, const json_t *resp, const char *name,
    size_t n)
{
	const char	*why = json_str(resp, "error", "lcnd gave no reason");
	char		*end, msg[1500];
	unsigned long	 k;

	if (strncmp(why, "bodies[", 7) == 0) {
		k = strtoul(why + 7, &end, 10);
		if (end[0] == ']' && end[1] == ':' && end[2] == ' ' && k < n) {
			why = end + 3;
			if (name != NULL && n > 1)
				snprintf(msg, sizeof(msg), "%s, object %lu: %s",
				    name, k + 1, why);
			else if (name != NULL)
				snprintf(msg, sizeof(msg), "%s: %s", name, why);
			else
				snprintf(msg, sizeof(msg), "%s", why);
			return cli_fail(cli, json_str(resp, "code", "EINVAL"),
			    json_str(resp, "field", NULL), "%s", msg);
		}
	}
	return cli_fail(cli, json_str(resp, "code", "EINVAL"),
	    json_str(resp, "field", NULL), "%s", why);
}

/*
 * Sends bodies (consumed) as kind; prints the refs published. name is
 * the file they came from, for messages, or NULL.
 */
static int
record_send(struct cli *cli, const char *kind, const char *group,
    json_t *bodies, const char *name)
{
	json_t		*req, *resp = NULL, *ref;
	size_t		 i, n = json_array_size(bodies);
	char		 err[1024], *s;
	int		 r;

	req = json_pack("{s:s, s:s, s:o}", "cmd", "record", "kind", kind,
	    "bodies", bodies);
	if (req != NULL && group != NULL)
		json_object_set_new(req, "group", json_string(group));
	if (req == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (s == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	r = cli_call_waiting(cli, s, strlen(s), &resp, NULL,
	    CLI_BEHIND_WAIT_MS, err, sizeof(err));
	free(s);
	if (r != 0) {
		if (resp != NULL)
			record_refused(cli, resp, name, n);
		else
			cli_fail_answer(cli, NULL, err);
		json_decref(resp);
		cli_warnx("nothing was published");
		return EXIT_FAIL;
	}
	if (cli->json) {
		json_object_del(resp, "ok");
		json_object_set_new(resp, "ok", json_true());
		cli_print_json(resp);
	} else
		json_array_foreach(json_object_get(resp, "refs"), i, ref)
			printf("%s %s/%s seq %" PRIu64 "\n",
			    json_string_value(ref), json_str(resp, "origin",
			    ""), json_str(resp, "group", ""),
			    json_u64(resp, "first_seq") + i);
	json_decref(resp);
	return EXIT_OK;
}

/* Reads FILE's objects and sends them as kind. */
static int
record_file(struct cli *cli, const char *kind, const char *group,
    const char *path)
{
	json_t	*bodies;
	char	 err[1024];
	int	 r;

	if ((r = cli_read_objects(path, &bodies, err, sizeof(err))) != 0) {
		cli_fail(cli, cli_input_code(r), NULL, "%s", err);
		cli_warnx("nothing was published");
		return EXIT_FAIL;
	}
	return record_send(cli, kind, group, bodies, strcmp(path, "-") == 0 ?
	    "standard input" : path);
}

/* lcn deny and lcn alert: FILE and --group. */
static int
record_cmd(struct cli *cli, int argc, char **argv, const char *cmd,
    const char *kind)
{
	static const struct option opts[] = {
		{ "group",	required_argument,	NULL, 'g' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*group = NULL;
	int		 ch, rc;

	while ((ch = getopt_long(argc, argv, ":g:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			group = optarg;
			break;
		default:
			if (cli_opt_common(cli, cmd, ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (group != NULL && !group_name_valid(group))
		return cli_usage_field(cmd, "--group", "--group '%s': "
		    "expected a group name "
		    "(A-Z a-z 0-9 _ - .) or a pair \"A+B\" of agency ids",
		    group);
	if (argc - optind != 1)
		return cli_usage_field(cmd, argc == optind ? "FILE" : NULL,
		    argc == optind ? "which FILE? (- for standard input)" :
		    "one FILE only");
	return record_file(cli, kind, group, argv[optind]);
}

int
cmd_deny(struct cli *cli, int argc, char **argv)
{
	return record_cmd(cli, argc, argv, "deny", "denial");
}

int
cmd_alert(struct cli *cli, int argc, char **argv)
{
	return record_cmd(cli, argc, argv, "alert", "alert");
}

int
cmd_control_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group",	required_argument,	NULL, 'g' },
		{ "regime",	required_argument,	NULL, 'r' },
		{ "entry",	required_argument,	NULL, 'e' },
		{ "stage",	required_argument,	NULL, 'S' },
		{ "effective",	required_argument,	NULL, 'E' },
		{ "instrument",	required_argument,	NULL, 'I' },
		{ "description", required_argument,	NULL, 'D' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*group = NULL, *stage = NULL;
	json_t		*body, *bodies;
	uint64_t	 eff = 0;
	char		 up[64];
	size_t		 i;
	int		 ch, rc, flags = 0;

	if ((body = json_object()) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	while ((ch = getopt_long(argc, argv, ":g:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			group = optarg;
			break;
		case 'r':
			json_object_set_new(body, "regime",
			    json_string(optarg));
			flags++;
			break;
		case 'e':
			json_object_set_new(body, "control_entry",
			    json_string(optarg));
			flags++;
			break;
		case 'S':
			stage = optarg;
			flags++;
			break;
		case 'E':
			if (cli_parse_date(optarg, &eff) != 0) {
				json_decref(body);
				return cli_usage_field("control-status",
				    "--effective", "--effective '%s': "
				    "expected a date such as 2026-07-01",
				    optarg);
			}
			json_object_set_new(body, "effective_date_ms",
			    json_integer((json_int_t)eff));
			flags++;
			break;
		case 'I':
			json_object_set_new(body, "legal_instrument",
			    json_string(optarg));
			flags++;
			break;
		case 'D':
			json_object_set_new(body, "description",
			    json_string(optarg));
			flags++;
			break;
		default:
			if (cli_opt_common(cli, "control-status", ch, argv,
			    &rc)) {
				json_decref(body);
				return rc;
			}
			break;
		}
	}
	if (group != NULL && !group_name_valid(group)) {
		json_decref(body);
		return cli_usage_field("control-status", "--group", "--group "
		    "'%s': expected a group name", group);
	}
	if (flags == 0) {
		json_decref(body);
		if (argc - optind != 1)
			return cli_usage_field("control-status", argc ==
			    optind ? "FILE" : NULL, "give FILE, or "
			    "--regime, --entry and --stage");
		return record_file(cli, "control", group, argv[optind]);
	}
	if (argc != optind) {
		json_decref(body);
		return cli_usage("control-status", "give FILE or the options, "
		    "not both");
	}
	if (stage == NULL || json_object_get(body, "regime") == NULL ||
	    json_object_get(body, "control_entry") == NULL) {
		json_decref(body);
		return cli_usage_field("control-status", stage == NULL ?
		    "--stage" : json_object_get(body, "regime") == NULL ?
		    "--regime" : "--entry", "--regime, --entry and "
		    "--stage are required");
	}
	/* "technically-matured" is proto's STAGE_TECHNICALLY_MATURED. */
	snprintf(up, sizeof(up), "STAGE_%s", stage);
	for (i = 0; up[i] != '\0'; i++)
		up[i] = up[i] == '-' ? '_' : (char)(up[i] >= 'a' &&
		    up[i] <= 'z' ? up[i] - 'a' + 'A' : up[i]);
	json_object_set_new(body, "stage", json_string(up));
	if ((bodies = json_pack("[o]", body)) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	return record_send(cli, "control", group, bodies, NULL);
}

/*
 * lcn deny-update and alert-update: REF, one action, --reason. is_denial
 * picks the names: denial_ref and DENIAL_*, or alert_ref and ALERT_*.
 */
static int
update_cmd(struct cli *cli, int argc, char **argv, int is_denial)
{
	static const struct option opts[] = {
		{ "amend",	required_argument,	NULL, 'a' },
		{ "renew",	no_argument,		NULL, 'R' },
		{ "review",	required_argument,	NULL, 'v' },
		{ "suspend",	no_argument,		NULL, 'S' },
		{ "revoke",	no_argument,		NULL, 'X' },
		{ "extend",	required_argument,	NULL, 'E' },
		{ "withdraw",	no_argument,		NULL, 'W' },
		{ "reason",	required_argument,	NULL, 'r' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*cmd = is_denial ? "deny-update" : "alert-update";
	const char	*action = NULL, *amend = NULL, *reason = NULL;
	const char	*review = NULL, *extend = NULL, *act;
	json_t		*u, *bodies, *amended;
	uint64_t	 ms;
	char		 err[1024];
	int		 ch, r, rc, nactions = 0;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		act = NULL;
		switch (ch) {
		case 'a':
			amend = optarg;
			act = "amend";
			break;
		case 'R':
			act = is_denial ? "renew" : NULL;
			break;
		case 'v':
			review = optarg;
			break;
		case 'S':
			act = is_denial ? "suspend" : NULL;
			break;
		case 'X':
			act = is_denial ? "revoke" : NULL;
			break;
		case 'E':
			extend = optarg;
			act = is_denial ? NULL : "extend";
			break;
		case 'W':
			act = is_denial ? NULL : "withdraw";
			break;
		case 'r':
			reason = optarg;
			break;
		default:
			if (cli_opt_common(cli, cmd, ch, argv, &rc))
				return rc;
			break;
		}
		if (act == NULL && strchr("RSXEW", ch) != NULL)
			return cli_usage_field(cmd, argv[optind - 1], "%s has "
			    "no option %s", cmd, argv[optind - 1]);
		if (act != NULL) {
			action = act;
			nactions++;
		}
	}
	if (argc - optind != 1)
		return cli_usage_field(cmd, argc == optind ? "REF" : NULL,
		    argc == optind ? "which REF?" : "one REF only");
	if (nactions != 1)
		return cli_usage(cmd, nactions == 0 ? "which action? %s" :
		    "one action only: %s", is_denial ? "--amend, --renew, "
		    "--suspend or --revoke" : "--amend, --extend or "
		    "--withdraw");
	if (reason == NULL || *reason == '\0')
		return cli_usage_field(cmd, "--reason", "--reason is "
		    "required: partners read why");
	if (review != NULL && strcmp(action, "renew") != 0)
		return cli_usage_field(cmd, "--review", "--review goes with "
		    "--renew");
	u = json_pack("{s:s, s:s, s:s}", is_denial ? "denial_ref" :
	    "alert_ref", argv[optind], "action", action, "reason", reason);
	if (u == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	if (review != NULL || extend != NULL) {
		if (cli_parse_date(review ? review : extend, &ms) != 0) {
			json_decref(u);
			return cli_usage_field(cmd, review ? "--review" :
			    "--extend", "%s '%s': expected a date such "
			    "as 2029-07-01", review ? "--review" : "--extend",
			    review ? review : extend);
		}
		json_object_set_new(u, review ? "new_review_date_ms" :
		    "valid_until_ms", json_integer((json_int_t)ms));
	}
	if (amend != NULL) {
		if ((r = cli_read_objects(amend, &bodies, err,
		    sizeof(err))) != 0 || json_array_size(bodies) != 1) {
			if (bodies != NULL) {
				snprintf(err, sizeof(err), "%s: expected one "
				    "JSON object, the changed %s", amend,
				    is_denial ? "notice" : "alert");
				json_decref(bodies);
			}
			json_decref(u);
			cli_fail(cli, cli_input_code(r), "--amend", "%s", err);
			cli_warnx("nothing was published");
			return EXIT_FAIL;
		}
		amended = json_array_get(bodies, 0);
		/* The wrapped form: {"denial_notice": {...}}. */
		if (json_object_size(amended) == 1 && json_object_get(amended,
		    is_denial ? "denial_notice" : "end_user_alert") != NULL)
			amended = json_object_get(amended, is_denial ?
			    "denial_notice" : "end_user_alert");
		json_object_set(u, "amended", amended);
		json_decref(bodies);
	}
	if ((bodies = json_pack("[o]", u)) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	return record_send(cli, is_denial ? "denial-update" : "alert-update",
	    NULL, bodies, NULL);
}

int
cmd_deny_update(struct cli *cli, int argc, char **argv)
{
	return update_cmd(cli, argc, argv, 1);
}

int
cmd_alert_update(struct cli *cli, int argc, char **argv)
{
	return update_cmd(cli, argc, argv, 0);
}
