/*
 * lcn controls: the control matrix, control entries by agencies, each
 * cell the agency's latest stage of the entry and its date (the
 * effective date once implemented), so that a working group sees which
 * matured controls a partner has not implemented yet.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "table.h"

#define MATRIX_AGENCIES_MAX	32	/* columns; more are listed apart */
#define CELL_MAX		48

static size_t
agency_col(const char **ag, size_t *n, const char *a)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(ag[i], a) == 0)
			return i;
	if (*n == MATRIX_AGENCIES_MAX)
		return MATRIX_AGENCIES_MAX;
	ag[*n] = a;
	return (*n)++;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
print_matrix(const json_t *cells)
{
	const char	*ag[MATRIX_AGENCIES_MAX], *hdr[MATRIX_AGENCIES_MAX + 2];
	const char	*row[MATRIX_AGENCIES_MAX + 2];
	char		 text[MATRIX_AGENCIES_MAX][CELL_MAX], date[32];
	const json_t	*c, *first = NULL;
	struct table	*t;
	size_t		 n = 0, i, k, col;

	if (json_array_size(cells) == 0) {
		printf("no control status\n");
		return;
	}
	json_array_foreach(cells, i, c)
		agency_col(ag, &n, json_str(c, "agency", ""));
	qsort(ag, n, sizeof(ag[0]), cmp_str);
	hdr[0] = "REGIME";
	hdr[1] = "ENTRY";
	for (k = 0; k < n; k++)
		hdr[k + 2] = ag[k];
	if ((t = table_new(n + 2, hdr)) == NULL)
		return;
	/* Cells come in (regime, entry, agency) order: one row per entry. */
	for (i = 0; i <= json_array_size(cells); i++) {
		c = json_array_get(cells, i);
		if (first != NULL && (c == NULL || strcmp(json_str(c, "regime",
		    ""), json_str(first, "regime", "")) != 0 ||
		    strcmp(json_str(c, "entry", ""), json_str(first, "entry",
		    "")) != 0)) {
			row[0] = json_str(first, "regime", "");
			row[1] = json_str(first, "entry", "");
			for (k = 0; k < n; k++)
				row[k + 2] = text[k];
			table_add(t, row);
			first = NULL;
		}
		if (c == NULL)
			break;
		if (first == NULL) {
			first = c;
			for (k = 0; k < n; k++)
				snprintf(text[k], CELL_MAX, "-");
		}
		for (col = 0; col < n; col++)
			if (strcmp(ag[col], json_str(c, "agency", "")) == 0)
				break;
		if (col == n)
			continue;
		fmt_date(json_u64(c, "effective_ms") ? json_u64(c,
		    "effective_ms") : json_u64(c, "created_ms"), date,
		    sizeof(date));
		snprintf(text[col], CELL_MAX, "%s %s", json_str(c, "stage",
		    ""), date);
	}
	table_print(t, stdout);
	table_free(t);
}

int
cmd_controls(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "regime",	required_argument,	NULL, 'r' },
		{ "entry",	required_argument,	NULL, 'e' },
		{ "stage",	required_argument,	NULL, 'S' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	json_t	*req, *resp = NULL;
	int	 ch, rc;

	if ((req = json_pack("{s:s}", "cmd", "controls")) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			json_object_set_new(req, "regime", json_string(optarg));
			break;
		case 'e':
			json_object_set_new(req, "entry", json_string(optarg));
			break;
		case 'S':
			json_object_set_new(req, "stage", json_string(optarg));
			break;
		case 'j':
			cli->json = 1;
			break;
		case 'h':
			json_decref(req);
			cli_help("controls");
			return EXIT_OK;
		default:
			json_decref(req);
			return cli_bad_option("controls", ch, argv);
		}
	}
	if (argc != optind) {
		json_decref(req);
		return cli_usage("controls", "unexpected argument '%s'",
		    argv[optind]);
	}
	if ((rc = cli_ask(cli, req, &resp)) != EXIT_OK)
		return rc;
	if (cli->json)
		cli_print_json(resp);
	else
		print_matrix(json_object_get(resp, "cells"));
	json_decref(resp);
	return EXIT_OK;
}
