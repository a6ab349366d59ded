/*
 * lcn verify --data-dir DIR: the offline check of a whole ledger
 * (store/README.md: every signature, chain and root). It opens
 * the store read-only, so it runs beside a live lcnd, and needs no
 * socket. Faults come from the disk, which may hold a hostile partner's
 * text: they are printed terminal-safe.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "lcn.h"
#include "lcn_err.h"
#include "opts.h"
#include "store.h"
#include "table.h"

struct faults {
	json_t	*list;		/* --json: the faults, else NULL */
	int	 oom;
};

static void
on_fault(void *arg, const struct feed_id *feed, uint64_t seq,
    const char *what)
{
	struct faults	*fl = arg;
	char		*o, *g, *w;

	if (fl->list != NULL) {
		if (json_array_append_new(fl->list, json_pack("{s:s, s:s, "
		    "s:I, s:s}", "origin", feed ? feed->origin : "", "group",
		    feed ? feed->group : "", "seq", (json_int_t)seq, "what",
		    what ? what : "")) != 0)
			fl->oom = 1;
		return;
	}
	o = term_safe(feed ? feed->origin : "?", 0);
	g = term_safe(feed ? feed->group : "?", 0);
	w = term_safe(what ? what : "?", 0);
	printf("FAULT %s/%s seq %" PRIu64 ": %s\n", o ? o : "?", g ? g : "?",
	    seq, w ? w : "?");
	free(o);
	free(g);
	free(w);
}

/*
 * Reads the options into *dir (the ledger's directory, from --data-dir or
 * the configuration). Returns -1 when the command should go on, else the
 * exit status.
 */
static int
parse_args(struct cli *cli, int argc, char **argv, const char **dir)
{
	static const struct option opts[] = {
		{ "data-dir",	required_argument,	NULL, 'd' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	const struct config	*cfg;
	char			 err[1024];
	int			 ch, rc;

	*dir = NULL;
	while ((ch = getopt_long(argc, argv, ":d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			*dir = optarg;
			break;
		default:
			if (cli_opt_common(cli, "verify", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if ((rc = cli_opt_none_left("verify", argc, argv)) != EXIT_OK)
		return rc;
	if (*dir == NULL && cli->config_path == NULL)
		return cli_usage_field("verify", "--data-dir", "which ledger? "
		    "Give --data-dir DIR (or -c CONFIG before the command)");
	if (*dir == NULL) {
		if (cli_config(cli, &cfg, err, sizeof(err)) != 0)
			return cli_fail(cli, "config", "-c", "%s", err);
		*dir = cfg->data_dir;
	}
	return -1;
}

/*
 * Prints the report, as JSON with the faults' list or as one line. With
 * faults, the JSON is also a failure's: "ok" false and an "error".
 */
static int
print_report(const struct cli *cli, const struct verify_report *rep,
    const struct faults *fl, int faulty)
{
	char	 msg[128];
	json_t	*o;
	int	 r;

	if (!cli->json) {
		printf("feeds %" PRIu64 " entries %" PRIu64 " signatures %"
		    PRIu64 " forks %" PRIu64 " faults %" PRIu64 "\n",
		    rep->feeds, rep->entries, rep->signatures, rep->forks,
		    rep->faults);
		return 0;
	}
	if ((o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:O}", "feeds",
	    (json_int_t)rep->feeds, "entries", (json_int_t)rep->entries,
	    "signatures", (json_int_t)rep->signatures, "forks",
	    (json_int_t)rep->forks, "faults", (json_int_t)rep->faults,
	    "fault_list", fl->list)) == NULL || fl->oom)
		r = -1;
	else {
		snprintf(msg, sizeof(msg), "verify: %" PRIu64 " faults in the "
		    "ledger", rep->faults);
		json_object_set_new(o, "ok", json_boolean(!faulty));
		if (faulty)
			json_object_set_new(o, "error", json_pack("{s:s, s:s, "
			    "s:n}", "code", "faults", "message", msg,
			    "field"));
		r = cli_print_json(o);
	}
	json_decref(o);
	return r;
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct store_opts	 so;
	struct verify_report	 rep;
	struct faults		 fl = { NULL, 0 };
	struct store		*st = NULL;
	const char		*dir;
	char			 err[1024];
	int			 r, rc;

	if ((rc = parse_args(cli, argc, argv, &dir)) != -1)
		return rc;
	rc = EXIT_FAIL;
	memset(&so, 0, sizeof(so));
	so.dir = dir;
	so.read_only = 1;
	if ((r = store_open(&so, &st, err, sizeof(err))) != 0) {
		cli_fail(cli, "io", "--data-dir", "verify: cannot open the "
		    "ledger in %s: %s", dir, err);
		goto out;
	}
	if (cli->json && (fl.list = json_array()) == NULL) {
		cli_fail(cli, "nomem", NULL, "out of memory");
		goto out;
	}
	memset(&rep, 0, sizeof(rep));
	r = store_verify(st, &rep, on_fault, &fl);
	if (r != 0 && r != LCN_EINVAL) {
		cli_fail(cli, "io", NULL, "verify: %s: %s; the ledger could "
		    "not be read to the end", dir, lcn_strerror(r));
		goto out;
	}
	if (print_report(cli, &rep, &fl, rep.faults != 0 || r != 0) != 0) {
		cli_fail(cli, "nomem", NULL, "out of memory");
		goto out;
	}
	/* LCN_EINVAL means faults, even if none was counted. */
	if (rep.faults == 0 && r == 0)
		rc = EXIT_OK;
	else if (rep.faults == 0)
		cli_warnx("verify: faults found but not counted");
	else
		cli_warnx("verify: %" PRIu64 " faults in the ledger",
		    rep.faults);
 out:
	json_decref(fl.list);
	store_close(st);
	return rc;
}
