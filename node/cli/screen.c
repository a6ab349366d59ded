/*
 * lcn screen, lcn import-list, lcn reindex: the screening index of the
 * local lcnd (store/screen.h) from the command line.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "lcn.h"
#include "lcn_err.h"
#include "opts.h"
#include "table.h"

#define NAME_WIDTH	40
#define WHY_WIDTH	72

/* lcnd's answer to screen: its hits as a table. */
static void
print_hits(const json_t *resp, const void *arg)
{
	static const char *const hdr[] = { "SCORE", "SOURCE", "REF", "ROLE",
	    "MATCHED", "COUNTRY", "STATE", "WHY" };
	const json_t	*hits = json_object_get(resp, "hits"), *h;
	struct table	*t;
	size_t		 i;
	char		 score[16], source[80];

	(void)arg;
	if (json_array_size(hits) == 0) {
		printf("no match\n");
		return;
	}
	if ((t = table_new(8, hdr)) == NULL)
		return;
	table_align_right(t, 0);
	table_max_width(t, 4, NAME_WIDTH);
	table_max_width(t, 7, WHY_WIDTH);
	json_array_foreach(hits, i, h) {
		const char *cells[8];

		snprintf(score, sizeof(score), "%.3f",
		    json_real_value(json_object_get(h, "score")));
		if (strcmp(json_str(h, "source", ""), "list") == 0)
			snprintf(source, sizeof(source), "list %s",
			    json_str(h, "list", ""));
		else
			snprintf(source, sizeof(source), "%s %s",
			    json_str(h, "agency", ""), json_str(h, "source", ""));
		cells[0] = score;
		cells[1] = source;
		cells[2] = json_str(h, "ref", "");
		cells[3] = json_str(h, "role", "");
		cells[4] = json_str(h, "matched", "");
		cells[5] = json_str(h, "country", "");
		cells[6] = json_str(h, "state", "");
		cells[7] = json_str(h, "why", "");
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

/* 1 when s is not valid UTF-8 (what jansson refuses). */
static int
utf8_bad(const char *s)
{
	json_t *v = json_string(s);

	json_decref(v);
	return v == NULL;
}

int
cmd_screen(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "country",	required_argument,	NULL, 'C' },
		{ "id",		required_argument,	NULL, 'i' },
		{ "limit",	required_argument,	NULL, 'n' },
		{ "min-score",	required_argument,	NULL, 'm' },
		{ "all",	no_argument,		NULL, 'a' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	json_t		*req;
	const char	*country = NULL, *ident = NULL;
	double		 min_score = -1;
	long		 limit = 10;
	int		 ch, rc, all = 0;

	while ((ch = getopt_long(argc, argv, ":C:i:n:m:ah", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'i':
			ident = optarg;
			break;
		case 'C':
			if (strlen(optarg) != 2)
				return cli_usage_field("screen", "--country",
				    "--country '%s': "
				    "expected an ISO 3166-1 alpha-2 code",
				    optarg);
			country = optarg;
			break;
		case 'n':
			/* lcnd lists at most 1000 matches (SCREEN_LIMIT_MAX). */
			if ((rc = cli_opt_limit("screen", optarg, 1000,
			    &limit)) != 0)
				return rc;
			break;
		case 'm':
			if (cli_parse_unit(optarg, &min_score) != 0)
				return cli_usage_field("screen", "--min-score",
				    "--min-score '%s': "
				    "expected a number in [0,1]", optarg);
			break;
		case 'a':
			all = 1;
			break;
		default:
			if (cli_opt_common(cli, "screen", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (argc - optind != 1)
		return cli_usage_field("screen", argc == optind ? "NAME" :
		    NULL, "expected one NAME (quote it)");
	/* jansson takes only UTF-8: say so, not "out of memory". */
	if (utf8_bad(argv[optind]) || (country && utf8_bad(country)) ||
	    (ident && utf8_bad(ident)))
		return cli_fail(cli, "invalid", utf8_bad(argv[optind]) ?
		    "NAME" : country && utf8_bad(country) ? "--country" :
		    "--id",
		    "the %s is not valid UTF-8: check the encoding of the "
		    "terminal or file it came from", utf8_bad(argv[optind]) ?
		    "name" : country && utf8_bad(country) ? "country" :
		    "id");
	req = json_pack("{s:s, s:s, s:I, s:b}", "cmd", "screen", "name",
	    argv[optind], "limit", (json_int_t)limit, "all", all);
	if (country != NULL)
		json_object_set_new(req, "country", json_string(country));
	if (ident != NULL)
		json_object_set_new(req, "id", json_string(ident));
	if (min_score >= 0)
		json_object_set_new(req, "min_score", json_real(min_score));
	if (req == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	return cli_query_print(cli, req, print_hits, NULL);
}

/* "importing: 45% of 2.0 MB", redrawn in place on a terminal. */
static void
show_progress(long long done, long long total, void *arg)
{
	(void)arg;
	if (total > 0)
		fprintf(stderr, "\rimporting: %3lld%% of %.1f MB", done * 100 /
		    total, (double)total / 1e6);
}

/* The name lcnd copies a file under: its base name, in safe letters. */
static void
safe_name(const char *path, char out[65])
{
	const char	*base = strrchr(path, '/');
	size_t		 i;

	base = base != NULL ? base + 1 : path;
	snprintf(out, 65, "%s", base[0] != '\0' ? base : "list");
	for (i = 0; out[i] != '\0'; i++)
		if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= 'A' &&
		    out[i] <= 'Z') || (out[i] >= '0' && out[i] <= '9') ||
		    out[i] == '_' || out[i] == '-' || (out[i] == '.' && i > 0)))
			out[i] = '_';
}

/*
 * OFAC's companion files, named as the reader finds them beside the main
 * file (store/screen/lists.h): "dir/sdn.csv" -> "dir/alt.csv",
 * "dir/cons_prim.csv" -> "dir/cons_alt.csv".
 */
static int
ofac_aux(const char *path, const char *what, char *out, size_t outsz)
{
	const char	*base = strrchr(path, '/'), *m;
	size_t		 dirlen;
	int		 n;

	base = base != NULL ? base + 1 : path;
	dirlen = (size_t)(base - path);
	if ((m = strstr(base, "prim")) != NULL || (m = strstr(base, "sdn")) !=
	    NULL || (m = strstr(base, "SDN")) != NULL)
		n = snprintf(out, outsz, "%.*s%s%s", (int)(m - path), path,
		    what, m + (strncmp(m, "prim", 4) == 0 ? 4 : 3));
	else
		n = snprintf(out, outsz, "%.*s%s.csv", (int)dirlen, path, what);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/*
 * Opens the list (and OFAC's companions that exist) as the caller: lcnd
 * reads these descriptors, never a path, so a file the caller cannot
 * read stays unread. Fills fds[] and names[]; returns their count, or
 * -1 having said why (cli_fail).
 */
static int
open_list(struct cli *cli, const char *format, const char *path,
    int fds[CLIENT_FDS_MAX], char names[CLIENT_FDS_MAX][65])
{
	static const char *const aux[] = { "alt", "add" };
	struct stat	 st;
	char		 apath[PATH_MAX], aname[65];
	size_t		 i;
	int		 n = 0, fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cli_fail(cli, errno == ENOENT ? "not-found" : "io", "FILE",
		    "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cli_fail(cli, "invalid", "FILE", "%s: not a regular file",
		    path);
		close(fd);
		return -1;
	}
	fds[n] = fd;
	safe_name(path, names[n++]);
	if (strncasecmp(format, "ofac", 4) != 0 &&
	    strcasecmp(format, "sdn") != 0)
		return n;
	for (i = 0; i < sizeof(aux) / sizeof(aux[0]); i++) {
		if (ofac_aux(path, aux[i], apath, sizeof(apath)) != 0 ||
		    ofac_aux(names[0], aux[i], aname, sizeof(aname)) != 0)
			continue;
		if ((fd = open(apath, O_RDONLY | O_CLOEXEC)) == -1) {
			if (errno == ENOENT)
				continue;	/* optional */
			cli_fail(cli, "io", NULL, "%s: %s", apath,
			    strerror(errno));
			while (n > 0)
				close(fds[--n]);
			return -1;
		}
		fds[n] = fd;
		snprintf(names[n++], 65, "%s", aname);
	}
	return n;
}

int
cmd_import_list(struct cli *cli, int argc, char **argv)
{
	json_t	*req, *resp = NULL, *files;
	char	 names[CLIENT_FDS_MAX][65];
	int	 fds[CLIENT_FDS_MAX];
	int	 ch, rc, progress, n, i;

	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 },
	};
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		if (cli_opt_common(cli, "import-list", ch, argv, &rc))
			return rc;
	if (argc - optind != 2)
		return cli_usage_field("import-list", argc == optind ?
		    "FORMAT" : argc - optind == 1 ? "FILE" : NULL, "expected "
		    "FORMAT and FILE");
	if ((n = open_list(cli, argv[optind], argv[optind + 1], fds,
	    names)) < 0)
		return EXIT_FAIL;
	files = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(files, json_string(names[i]));
	req = json_pack("{s:s, s:s, s:o}", "cmd", "import-list", "format",
	    argv[optind], "files", files);
	/* Progress redrawn in place: only for a person at a terminal. */
	progress = isatty(STDERR_FILENO) && !cli->json;
	if (progress) {
		json_object_set_new(req, "progress", json_true());
		client_set_progress(show_progress, NULL);
	}
	client_set_fds(fds, (size_t)n);
	rc = cli_ask(cli, req, &resp);
	client_set_fds(NULL, 0);
	for (i = 0; i < n; i++)
		close(fds[i]);
	if (progress)
		fprintf(stderr, "\r%*s\r", 40, "");
	client_set_progress(NULL, NULL);
	if (rc != EXIT_OK)
		return rc;
	if (cli->json)
		cli_print_json(resp);
	else {
		printf("imported %s: %llu parties, %llu aliases, %llu bad rows\n",
		    json_str(resp, "format", ""),
		    (unsigned long long)json_u64(resp, "parties"),
		    (unsigned long long)json_u64(resp, "aliases"),
		    (unsigned long long)json_u64(resp, "bad_rows"));
		if (json_u64(resp, "bad_rows") > 0)
			printf("first bad row: %s\n",
			    json_str(resp, "first_bad", ""));
	}
	json_decref(resp);
	return EXIT_OK;
}

/* Polls lcnd's status until its screening index has caught up. */
static int
wait_index(struct cli *cli)
{
	json_t		*resp = NULL;
	uint64_t	 pending;
	int		 rc;

	for (;;) {
		if ((rc = cli_ask(cli, json_pack("{s:s}", "cmd",
		    "status"), &resp)) != EXIT_OK)
			return rc;
		pending = json_u64(resp, "index_pending");
		json_decref(resp);
		if (pending == 0)
			return EXIT_OK;
		usleep(200 * 1000);
	}
}

int
cmd_reindex(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ "help",	no_argument,	NULL, 'h' },
		{ NULL,		0,		NULL, 0 },
	};
	json_t		*resp = NULL;
	uint64_t	 entries;
	int		 ch, rc;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		if (cli_opt_common(cli, "reindex", ch, argv, &rc))
			return rc;
	if ((rc = cli_opt_none_left("reindex", argc, argv)) != EXIT_OK)
		return rc;
	if ((rc = cli_ask(cli, json_pack("{s:s}", "cmd", "reindex"),
	    &resp)) != EXIT_OK)
		return rc;
	entries = json_u64(resp, "entries");
	json_decref(resp);
	/* lcnd rebuilds in steps and keeps serving meanwhile. */
	if ((rc = wait_index(cli)) != EXIT_OK)
		return rc;
	if (cli->json) {
		resp = json_pack("{s:b, s:I}", "ok", 1, "entries",
		    (json_int_t)entries);
		cli_print_json(resp);
		json_decref(resp);
	} else
		printf("screening index rebuilt from the ledger: %llu "
		    "entries\n", (unsigned long long)entries);
	return EXIT_OK;
}
