/*
 * lcnd: the LCN node daemon. Reads its configuration, opens the ledger,
 * listens for partners and the local operator socket, and runs the libuv
 * loop until SIGTERM or SIGINT.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "config.h"
#include "daemon.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: lcnd -c FILE [--check-config] [-v]\n"
	    "  -c FILE          configuration (see ops/lcnd.conf.example)\n"
	    "  --check-config   validate the configuration and exit\n"
	    "  -v               debug logging\n");
	exit(2);
}

/*
 * Keeps the keys' pages out of core dumps and away from other processes
 * of lcnd's user: a process that is not dumpable writes no core file,
 * cannot be ptraced by its own user, and its /proc/PID files belong to
 * root. Done before any key is read; RLIMIT_CORE 0 as well, for a core
 * handler that ignores the flag. 0, or -1 with the reason on stderr.
 */
static int
no_core_dumps(void)
{
	struct rlimit	rl = { 0, 0 }, cur;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		fprintf(stderr, "lcnd: cannot make the process non-dumpable: "
		    "%s\n", strerror(errno));
		return -1;
	}
	/* Under systemd, LimitCORE=0 has done it, and setrlimit is filtered. */
	if (getrlimit(RLIMIT_CORE, &cur) == 0 && cur.rlim_max == 0)
		return 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1) {
		fprintf(stderr, "lcnd: cannot set RLIMIT_CORE to 0: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct config_ref	*conf;
	struct daemon		 d;
	const char		*path = NULL;
	char			 err[1024];
	int			 i, check = 0, verbose = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--check-config") == 0)
			check = 1;
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--version") == 0) {
			printf("lcnd %s\n", LCN_VERSION);
			return 0;
		} else
			usage();
	}
	if (path == NULL)
		usage();
	if (no_core_dumps() != 0)
		return 1;
	if ((conf = config_ref_new()) == NULL)
		return 1;
	/* --check-config checks the keys too: lcnd needs them to start. */
	if (config_load(path, &conf->cfg, err, sizeof(err)) != 0 ||
	    config_open_keys(&conf->cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "lcnd: %s\n", err);
		config_ref_put(conf);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK: id=%s partners=%zu groups=%zu\n",
		    path, conf->cfg.id, conf->cfg.npartners,
		    conf->cfg.trust.ngroups);
		config_ref_put(conf);
		return 0;
	}
	log_set_level(verbose ? LOG_LEVEL_DEBUG :
	    (enum log_level)conf->cfg.log_level);
	signal(SIGPIPE, SIG_IGN);
	if (daemon_init(&d, uv_default_loop(), conf, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "lcnd: %s\n", err);
		/* daemon_init has undone itself; the configuration is ours. */
		config_ref_put(conf);
		(void)uv_loop_close(uv_default_loop());
		return 1;
	}
	uv_run(uv_default_loop(), UV_RUN_DEFAULT);
	daemon_free(&d);
	if (uv_loop_close(uv_default_loop()) != 0)
		log_warnx("daemon", "loop closed with handles still open");
	log_info("daemon", "stopped");
	return 0;
}
