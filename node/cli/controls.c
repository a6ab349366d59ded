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
#include "opts.h"
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

/* Element i of array a as a string; "" if it is none. */
static const char *
str_at(const json_t *a, size_t i)
{
	const char *s = json_string_value(json_array_get(a, i));

	return s != NULL ? s : "";
}

/*
 * The same table from lcnd's rows (api.h): agencies in the order they
 * first appear in the cells, kept as agency_col() keeps them, and one
 * element per agency in each row. An lcnd that knows no rows answers
 * cells, which print_matrix() prints.
 */
static void
print_rows(const json_t *agencies, const json_t *rows)
{
	const char	*ag[MATRIX_AGENCIES_MAX], *hdr[MATRIX_AGENCIES_MAX + 2];
	const char	*row[MATRIX_AGENCIES_MAX + 2];
	char		 text[MATRIX_AGENCIES_MAX][CELL_MAX], date[32];
	size_t		 colof[MATRIX_AGENCIES_MAX];
	const json_t	*r, *v;
	struct table	*t;
	json_int_t	 ms;
	size_t		 n = 0, i, k, col;

	if (json_array_size(rows) == 0) {
		printf("no control status\n");
		return;
	}
	for (k = 0; k < json_array_size(agencies); k++)
		if (agency_col(ag, &n, str_at(agencies, k)) ==
		    MATRIX_AGENCIES_MAX)
			break;
	qsort(ag, n, sizeof(ag[0]), cmp_str);
	hdr[0] = "REGIME";
	hdr[1] = "ENTRY";
	for (k = 0; k < n; k++)
		hdr[k + 2] = ag[k];
	/* lcnd's k-th agency is column colof[k] once sorted. */
	for (k = 0; k < n; k++)
		for (col = 0; col < n; col++)
			if (strcmp(ag[col], str_at(agencies, k)) == 0) {
				colof[k] = col;
				break;
			}
	if ((t = table_new(n + 2, hdr)) == NULL)
		return;
	json_array_foreach(rows, i, r) {
		row[0] = str_at(r, 0);
		row[1] = str_at(r, 1);
		for (k = 0; k < n; k++) {
			snprintf(text[k], CELL_MAX, "-");
			row[k + 2] = text[k];
		}
		for (k = 0; k < n; k++) {
			if (!json_is_array(v = json_array_get(r, k + 2)))
				continue;
			ms = json_integer_value(json_array_get(v, 1));
			fmt_date(ms > 0 ? (uint64_t)ms : 0, date, sizeof(date));
			snprintf(text[colof[k]], CELL_MAX, "%s %s",
			    str_at(v, 0), date);
		}
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

/* lcnd's answer: the rows it was asked for, else the matrix's cells. */
static void
print_answer(const json_t *resp, const void *arg)
{
	(void)arg;
	if (json_is_array(json_object_get(resp, "rows")))
		print_rows(json_object_get(resp, "agencies"),
		    json_object_get(resp, "rows"));
	else
		print_matrix(json_object_get(resp, "cells"));
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
	json_t	*req;
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
		default:
			if (cli_opt_common(cli, "controls", ch, argv, &rc)) {
				json_decref(req);
				return rc;
			}
			break;
		}
	}
	/* The table needs the matrix only; --json prints the cells. */
	if (!cli->json)
		json_object_set_new(req, "rows", json_true());
	return cli_query_end(cli, "controls", argc, argv, req, print_answer,
	    NULL);
}
