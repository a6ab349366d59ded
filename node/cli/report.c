/*
 * lcn report: the figures a regime's secretariat collects over a period,
 * from what this node holds (records_report through api_consult_query.c):
 * denials notified by control category and by destination, consultations
 * opened and how they were answered, decisions, undercuts and
 * notifications after a grant. A table, lcnd's answer as one JSON object
 * (--json), or CSV with a header row (--csv, RFC 4180).
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

#define DAY_MS	(86400ULL * 1000)

/* The categories of the control lists (EU Annex I and the US CCL). */
static const char *
category_name(const char *key)
{
	static const char *const names[] = { "nuclear",
	    "materials and chemicals", "materials processing", "electronics",
	    "computers", "telecommunications and information security",
	    "sensors and lasers", "navigation and avionics", "marine",
	    "aerospace and propulsion" };

	if (key[0] >= '0' && key[0] <= '9' && key[1] == '\0')
		return names[key[0] - '0'];
	return NULL;
}

/* One row of the report: a figure, its key ("" none) and its count. */
struct row {
	const char	*figure;	/* CSV name */
	const char	*label;		/* table text */
	const char	*key;
	uint64_t	 n;
};

/* Calls fn for every row, in the order the table and the CSV show. */
static void
report_rows(const json_t *rp, void (*fn)(const struct row *, void *),
    void *arg)
{
	static const struct {
		const char *figure, *label, *field;
	} tail[] = {
		{ "consultations_opened", "consultations opened",
		    "consultations" },
		{ "answered_in_time", "  answered within the deadline",
		    "answered_in_time" },
		{ "answered_late", "  answered late", "answered_late" },
		{ "lapsed", "  lapsed without a reply", "lapsed" },
		{ "still_open", "  still open", "open" },
		{ "grants", "licences granted", "grants" },
		{ "denies", "licences denied", "denies" },
		{ "undercuts", "undercuts (granted despite the denier)",
		    "undercuts" },
		{ "notifications", "notifications after a grant",
		    "notifications" },
	};
	const json_t	*c;
	struct row	 r;
	size_t		 i;

	r.figure = "denials_notified";
	r.label = "denials notified";
	r.key = "";
	r.n = json_u64(rp, "denials");
	fn(&r, arg);
	json_array_foreach(json_object_get(rp, "by_category"), i, c) {
		r.figure = "denials_by_category";
		r.label = "  control category";
		r.key = json_str(c, "key", "");
		r.n = json_u64(c, "n");
		fn(&r, arg);
	}
	json_array_foreach(json_object_get(rp, "by_destination"), i, c) {
		r.figure = "denials_by_destination";
		r.label = "  destination";
		r.key = json_str(c, "key", "");
		r.n = json_u64(c, "n");
		fn(&r, arg);
	}
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++) {
		r.figure = tail[i].figure;
		r.label = tail[i].label;
		r.key = "";
		r.n = json_u64(rp, tail[i].field);
		fn(&r, arg);
	}
}

static void
table_row(const struct row *r, void *arg)
{
	const char	*cells[2], *cat;
	char		 label[160], n[24];

	if (*r->key == '\0')
		snprintf(label, sizeof(label), "%s", r->label);
	else if (strcmp(r->figure, "denials_by_category") == 0 &&
	    (cat = category_name(r->key)) != NULL)
		snprintf(label, sizeof(label), "%s %s (%s)", r->label, r->key,
		    cat);
	else
		snprintf(label, sizeof(label), "%s %s", r->label, r->key);
	snprintf(n, sizeof(n), "%" PRIu64, r->n);
	cells[0] = label;
	cells[1] = n;
	table_add(arg, cells);
}

/* A CSV field, quoted when it holds a comma, a quote or a line break. */
static void
csv_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void
csv_row(const struct row *r, void *arg)
{
	const json_t *rp = arg;

	csv_field(json_str(rp, "regime", ""));
	putchar(',');
	csv_field(r->figure);
	putchar(',');
	csv_field(r->key);
	printf(",%" PRIu64 "\r\n", r->n);
}

static void
print_report(const json_t *rp)
{
	static const char *const hdr[] = { "FIGURE", "COUNT" };
	struct table	*t;
	char		 from[32], to[32];

	fmt_date(json_u64(rp, "from_ms"), from, sizeof(from));
	/* The period ends before to_ms: its last day is the one before. */
	fmt_date(json_u64(rp, "to_ms") - 1, to, sizeof(to));
	printf("regime %s, %s to %s, from what %s holds\n\n",
	    json_str(rp, "regime", "?"), from, to, json_str(rp, "node", "?"));
	if ((t = table_new(2, hdr)) == NULL)
		return;
	table_align_right(t, 1);
	report_rows(rp, table_row, t);
	table_print(t, stdout);
	table_free(t);
}

/* --from DATE: its start; --to DATE: the end of that day (inclusive). */
static int
parse_bound(const char *s, int end, uint64_t *ms)
{
	if (cli_parse_date(s, ms) != 0)
		return -1;
	if (end && strlen(s) == 10)
		*ms += DAY_MS;
	return 0;
}

/* lcnd's answer as CSV (arg points to a true int) or as a table. */
static void
print_answer(const json_t *resp, const void *arg)
{
	json_t	*rp = json_object_get(resp, "report");

	if (*(const int *)arg) {
		printf("regime,figure,key,count\r\n");
		report_rows(rp, csv_row, rp);
	} else
		print_report(rp);
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "regime",	required_argument,	NULL, 'r' },
		{ "from",	required_argument,	NULL, 'f' },
		{ "to",		required_argument,	NULL, 't' },
		{ "csv",	no_argument,		NULL, 'C' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const char	*cmd = "report", *regime = NULL;
	json_t		*req;
	uint64_t	 from = 0, to = 0;
	int		 ch, rc, csv = 0;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			regime = optarg;
			break;
		case 'f':
		case 't':
			if (parse_bound(optarg, ch == 't', ch == 'f' ? &from :
			    &to) != 0)
				return cli_usage(cmd, "--%s '%s': expected a "
				    "date such as 2026-07-01", ch == 'f' ?
				    "from" : "to", optarg);
			break;
		case 'C':
			csv = 1;
			break;
		default:
			if (cli_opt_common(cli, cmd, ch, argv, &rc))
				return rc;
			break;
		}
	}
	if ((rc = cli_opt_none_left(cmd, argc, argv)) != EXIT_OK)
		return rc;
	if (csv && cli->json)
		return cli_usage(cmd, "--json or --csv, not both");
	if (regime == NULL)
		return cli_usage(cmd, "which regime? Give --regime (WA, NSG, "
		    "...)");
	if (from == 0 || to == 0)
		return cli_usage(cmd, "which period? Give --from DATE and "
		    "--to DATE");
	if (to <= from)
		return cli_usage(cmd, "--to is before --from");
	if ((req = json_pack("{s:s, s:s, s:I, s:I}", "cmd", cmd, "regime",
	    regime, "from_ms", (json_int_t)from, "to_ms",
	    (json_int_t)to)) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	return cli_query_print(cli, req, print_answer, &csv);
}
