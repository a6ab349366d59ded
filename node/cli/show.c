/*
 * lcn show REF and lcn receipts REF: one record as it stands, its
 * history (who did what, when and why; what was ignored and why) and
 * which partners hold it, from lcnd's derived state. The REF of a
 * consultation request shows the whole exchange instead: the request
 * with its transaction, denials, reasoning, deadline and what silence
 * means, every reply, information and decision, and what was ignored.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "opts.h"
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

/*
 * An enum of lcn.proto as lcnd's JSON names it ("POSITION_OBJECT"), for
 * reading: the prefix before the first '_' dropped, lower case, dashes
 * ("object", "need-information", "working-days").
 */
static void
enum_text(const json_t *v, char *buf, size_t bufsz)
{
	const char	*s = json_is_string(v) ? json_string_value(v) : "";
	const char	*u = strchr(s, '_');
	size_t		 i;

	snprintf(buf, bufsz, "%s", u != NULL ? u + 1 : s);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = buf[i] == '_' ? '-' : (buf[i] >= 'A' && buf[i] <= 'Z' ?
		    (char)(buf[i] - 'A' + 'a') : buf[i]);
}

/* A line "      LABEL  TEXT" when text is not empty (partner's text). */
static void
field_line(const char *label, const char *text)
{
	char *safe;

	if (text == NULL || *text == '\0')
		return;
	safe = term_safe(text, 0);
	printf("      %-12s %s\n", label, safe ? safe : "?");
	free(safe);
}

static void
print_transaction(const json_t *tx)
{
	const json_t	*v;
	size_t		 i;
	char		 buf[1024], role[48];

	if (!json_is_object(tx))
		return;
	buf[0] = '\0';
	json_array_foreach(json_object_get(tx, "items"), i, v)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "%s%s%s%s", i ? "; " : "", json_str(v, "control_entry",
		    "?"), *json_str(v, "description", "") ? " " : "",
		    json_str(v, "description", ""));
	field_line("items", buf);
	buf[0] = '\0';
	json_array_foreach(json_object_get(tx, "parties"), i, v) {
		enum_text(json_object_get(v, "role"), role, sizeof(role));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "%s%s %s (%s)", i ? "; " : "", role, json_str(v, "name",
		    "?"), json_str(v, "country", "-"));
	}
	field_line("parties", buf);
	buf[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", json_str(tx, "destination_country",
	    ""));
	json_array_foreach(json_object_get(tx, "transit_countries"), i, v)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		    "%s%s", i ? ", " : " via ", json_string_value(v));
	field_line("destination", buf);
	field_line("end use", json_str(tx, "end_use", ""));
}

/* "2026-12-17" of a body's date field, "" when it has none. */
static void
body_date(const json_t *b, const char *key, char *buf, size_t bufsz)
{
	buf[0] = '\0';
	if (json_u64(b, key) != 0)
		fmt_date(json_u64(b, key), buf, bufsz);
}

/* The body of one entry of the exchange, the fields that matter. */
static void
print_exchange_body(const char *type, const json_t *b)
{
	const json_t	*v;
	size_t		 i;
	char		 buf[512], e[64], d[32];

	if (json_is_string(b)) {
		field_line("(unread)", json_string_value(b));
		return;
	}
	if (strcmp(type, "consultation_request") == 0) {
		print_transaction(json_object_get(b, "transaction"));
		buf[0] = '\0';
		json_array_foreach(json_object_get(b, "denial_refs"), i, v)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			    "%s%s", i ? ", " : "", json_string_value(v));
		field_line("denials", buf);
		field_line("identical", json_is_true(json_object_get(b,
		    "essentially_identical")) ? "essentially identical" :
		    "not essentially identical");
		field_line("reasoning", json_str(b, "identity_reasoning", ""));
		enum_text(json_object_get(b, "intended_decision"), e,
		    sizeof(e));
		field_line("intends", e);
		body_date(b, "deadline_ms", d, sizeof(d));
		enum_text(json_object_get(b, "deadline_basis"), e, sizeof(e));
		if (*d != '\0')
			snprintf(buf, sizeof(buf), "%s (%" PRIu64 " %s)", d,
			    json_u64(b, "deadline_days"), e);
		else
			snprintf(buf, sizeof(buf), "none");
		field_line("deadline", buf);
		body_date(b, "extension_limit_ms", d, sizeof(d));
		field_line("extend to", *d ? d : "no extension");
		enum_text(json_object_get(b, "silence"), e, sizeof(e));
		field_line("silence", *e ? e : "no-effect");
	} else if (strcmp(type, "consultation_reply") == 0) {
		enum_text(json_object_get(b, "position"), e, sizeof(e));
		field_line("position", e);
		field_line("grounds", json_str(b, "grounds", ""));
		body_date(b, "extension_to_ms", d, sizeof(d));
		field_line("extends to", d);
	} else if (strcmp(type, "consultation_info") == 0) {
		field_line("information", json_str(b, "information", ""));
		print_transaction(json_object_get(b, "transaction"));
		body_date(b, "deadline_ms", d, sizeof(d));
		field_line("deadline", d);
	} else if (strcmp(type, "licence_decision") == 0) {
		enum_text(json_object_get(b, "decision"), e, sizeof(e));
		body_date(b, "date_ms", d, sizeof(d));
		snprintf(buf, sizeof(buf), "%s on %s", e, *d ? d : "-");
		field_line("decision", buf);
		field_line("licence", json_str(b, "licence_ref", ""));
		field_line("explanation", json_str(b, "explanation", ""));
		if (json_is_true(json_object_get(b, "undercut")))
			field_line("undercut", "yes: granted despite the "
			    "denying agency's word");
	}
}

static void
print_consultation(const json_t *resp)
{
	const json_t	*c = json_object_get(resp, "consultation"), *e, *v;
	size_t		 i;
	char		 st[64], left[48], t1[32], den[512];

	cli_consult_state(c, st, sizeof(st));
	printf("consultation %s: %s\n", json_str(c, "ref", ""), st);
	printf("  asked by   %s of %s, group %s, seq %" PRIu64 "\n",
	    json_str(c, "asker", ""), json_str(c, "consulted", ""),
	    json_str(c, "group", ""), json_u64(c, "seq"));
	printf("  regime     %s\n", json_str(c, "regime", ""));
	den[0] = '\0';
	json_array_foreach(json_object_get(c, "denials"), i, v)
		snprintf(den + strlen(den), sizeof(den) - strlen(den), "%s%s",
		    i ? ", " : "", json_string_value(v));
	printf("  denials    %s\n", den);
	printf("  intends    %s\n", json_str(c, "intended", ""));
	cli_consult_left(c, left, sizeof(left));
	if (json_u64(c, "deadline_ms") != 0) {
		fmt_date(json_u64(c, "deadline_ms"), t1, sizeof(t1));
		if (json_is_integer(json_object_get(c, "working_days_left")))
			printf("  deadline   %s (%s; %s%s, counted in %s's "
			    "working days)\n", t1, json_str(c,
			    "deadline_text", ""), left, strcmp(left,
			    "overdue") == 0 ? "" : " left", json_str(c,
			    "consulted", ""));
		else
			printf("  deadline   %s (%s)\n", t1, json_str(c,
			    "deadline_text", ""));
	} else
		printf("  deadline   none\n");
	printf("  silence    %s\n", json_str(c, "silence", ""));
	if (*json_str(c, "decision_ref", "") != '\0')
		printf("  decision   %s %s%s\n", json_str(c, "decision", ""),
		    json_str(c, "decision_ref", ""), json_is_true(
		    json_object_get(c, "undercut")) ? " (an undercut)" : "");
	printf("\nexchange:\n");
	json_array_foreach(json_object_get(resp, "exchange"), i, e) {
		const char *type = json_str(e, "type", "");

		fmt_time(json_u64(e, "created_ms"), t1, sizeof(t1));
		printf("  %s  %-11s %s by %s (%s/%s seq %" PRIu64 ")\n",
		    t1, strncmp(type, "consultation_", 13) == 0 ? type + 13 :
		    strcmp(type, "licence_decision") == 0 ? "decision" :
		    type, json_str(e, "ref", ""), json_str(e, "agency", ""),
		    json_str(e, "origin", ""), json_str(e, "group", ""),
		    json_u64(e, "seq"));
		if (json_object_get(e, "ignored") != NULL)
			printf("      ignored (%s): %s\n", json_str(e,
			    "ignored", ""), json_str(e, "ignored_why", ""));
		print_exchange_body(type, json_object_get(e, "body"));
	}
}

/* lcnd's answer to arg, the command: "show" or "receipts". */
static void
print_answer(const json_t *resp, const void *arg)
{
	if (strcmp(arg, "receipts") == 0)
		print_receipts(json_object_get(resp, "receipts"));
	else if (json_object_get(resp, "consultation") != NULL)
		print_consultation(resp);
	else
		print_show(resp);
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
	json_t		*req;
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
		default:
			if (cli_opt_common(cli, cmd, ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (argc - optind != 1)
		return cli_usage_field(cmd, argc == optind ? "REF" : NULL,
		    argc == optind ? "which REF?" : "one REF only");
	if (at != NULL && (rc = cli_opt_date(cmd, "--at", at, 1, &ms)) != 0)
		return rc;
	if ((req = json_pack("{s:s, s:s}", "cmd", cmd, "ref",
	    argv[optind])) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	if (from != NULL)
		json_object_set_new(req, "origin", json_string(from));
	if (ms != 0)
		json_object_set_new(req, "at_ms", json_integer(
		    (json_int_t)ms));
	return cli_query_print(cli, req, print_answer, cmd);
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
