/*
 * How lcn reaches lcnd (lcn.h): the socket named by -s, by -c's
 * configuration or by $LCN_SOCKET, one request and its answer over it,
 * asking again while lcnd is catching up, and each failure's code kept
 * for --json. client.c is the transport; this is what the commands call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "config.h"
#include "lcn.h"
#include "lcn_err.h"
#include "util.h"

int
cli_config(struct cli *cli, const struct config **out, char *errbuf,
    size_t errbufsz)
{
	struct config	*cfg;
	int		 r;

	*out = NULL;
	if (cli->config != NULL) {
		*out = cli->config;
		return 0;
	}
	if (cli->config_path == NULL) {
		snprintf(errbuf, errbufsz, "no configuration (-c CONFIG)");
		return LCN_EINVAL;
	}
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		snprintf(errbuf, errbufsz, "out of memory");
		return LCN_ENOMEM;
	}
	if ((r = config_load(cli->config_path, cfg, errbuf, errbufsz)) != 0) {
		free(cfg);
		return r;
	}
	cli->config = cfg;
	*out = cfg;
	return 0;
}

/*
 * The socket of -c's configuration, read with config_load_client(): the
 * certificates and keys it names are lcnd's to parse, and starting
 * OpenSSL to parse them was most of a short call's CPU.
 */
static int
config_socket(struct cli *cli, char *errbuf, size_t errbufsz)
{
	struct config	*cfg;
	int		 r;

	if (cli->config != NULL) {
		snprintf(cli->sockbuf, sizeof(cli->sockbuf), "%s",
		    cli->config->socket);
		return 0;
	}
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		snprintf(errbuf, errbufsz, "out of memory");
		return LCN_ENOMEM;
	}
	if ((r = config_load_client(cli->config_path, cfg, errbuf,
	    errbufsz)) == 0) {
		snprintf(cli->sockbuf, sizeof(cli->sockbuf), "%s",
		    cfg->socket);
		config_free(cfg);
	}
	free(cfg);
	return r;
}

/* -s, else the socket of -c's configuration, else $LCN_SOCKET. */
static int
cli_socket(struct cli *cli, char *errbuf, size_t errbufsz)
{
	const char	*env;
	char		 cerr[1024];

	if (cli->socket != NULL)
		return 0;
	if (cli->config_path != NULL) {
		if (config_socket(cli, cerr, sizeof(cerr)) != 0) {
			snprintf(errbuf, errbufsz, "%s (-s SOCKET names the "
			    "socket without reading the configuration)", cerr);
			return LCN_ECONFIG;
		}
		cli->socket = cli->sockbuf;
		return 0;
	}
	if ((env = getenv("LCN_SOCKET")) != NULL && *env != '\0') {
		cli->socket = env;
		return 0;
	}
	snprintf(errbuf, errbufsz, "which lcnd? Give -s SOCKET or -c CONFIG, "
	    "or set LCN_SOCKET");
	return LCN_ECONFIG;
}

int
cli_call(struct cli *cli, const char *req, size_t len, json_t **resp,
    int *sent, char *errbuf, size_t errbufsz)
{
	const json_t	*ok;
	int		 r, dummy;

	*resp = NULL;
	if (sent == NULL)
		sent = &dummy;
	*sent = 0;
	cli_fail_call(cli, "", NULL);
	if ((r = cli_socket(cli, errbuf, errbufsz)) != 0) {
		cli_fail_call(cli, "config", cli->config_path != NULL ? "-c" :
		    NULL);
		return r;
	}
	if ((r = client_call(cli->socket, req, len, resp, sent, errbuf,
	    errbufsz)) != 0) {
		cli_fail_call(cli, r == LCN_EIO ? (*sent ? "no-answer" :
		    "unreachable") : r == LCN_EPROTO ? "protocol" :
		    r == LCN_ENOMEM ? "nomem" : "invalid", NULL);
		return r;
	}
	ok = json_object_get(*resp, "ok");
	if (json_is_true(ok))
		return 0;
	if (!json_is_false(ok)) {
		snprintf(errbuf, errbufsz, "lcnd answered without \"ok\"");
		json_decref(*resp);
		*resp = NULL;
		cli_fail_call(cli, "protocol", NULL);
		return LCN_EPROTO;
	}
	/* The code stays in the answer for --json; a person reads words. */
	snprintf(errbuf, errbufsz, "%s", json_str(*resp, "error",
	    "lcnd gave no reason"));
	cli_fail_call(cli, json_str(*resp, "code", "EINVAL"), json_str(*resp,
	    "field", NULL));
	return LCN_EINVAL;
}

int
cli_call_json(struct cli *cli, const json_t *req, json_t **resp,
    char *errbuf, size_t errbufsz)
{
	char	*s;
	int	 r;

	*resp = NULL;
	if ((s = json_dumps(req, JSON_COMPACT)) == NULL) {
		snprintf(errbuf, errbufsz, "out of memory");
		return LCN_ENOMEM;
	}
	r = cli_call(cli, s, strlen(s), resp, NULL, errbuf, errbufsz);
	free(s);
	return r;
}

/*
 * lcnd answers EBEHIND for what clears by itself within moments: it will
 * not sign until it knows its own feed's head (the self-fork guard), and
 * it will not screen while its index is far behind the ledger. Asks
 * again every 100 ms for up to wait_ms, saying so once.
 */
int
cli_call_waiting(struct cli *cli, const char *req, size_t reqlen,
    json_t **resp, int *sent, uint64_t wait_ms, char *err, size_t errsz)
{
	uint64_t	deadline = mono_ms() + wait_ms;
	int		r, told = 0;

	for (;;) {
		r = cli_call(cli, req, reqlen, resp, sent, err, errsz);
		if (r != LCN_EINVAL || *resp == NULL ||
		    strcmp(json_str(*resp, "code", ""), "EBEHIND") != 0 ||
		    mono_ms() >= deadline)
			return r;
		if (!told) {
			cli_warnx("%s; waiting up to %llu s", json_str(*resp,
			    "error", "lcnd is catching up"),
			    (unsigned long long)wait_ms / 1000);
			told = 1;
		}
		json_decref(*resp);
		*resp = NULL;
		usleep(100 * 1000);
	}
}

int
cli_request(struct cli *cli, json_t *req, json_t **resp)
{
	char	err[1024], *s;
	int	r;

	*resp = NULL;
	if ((s = json_dumps(req, JSON_COMPACT)) == NULL) {
		json_decref(req);
		return cli_fail(cli, "nomem", NULL, "out of memory");
	}
	json_decref(req);
	r = cli_call_waiting(cli, s, strlen(s), resp, NULL,
	    CLI_BEHIND_WAIT_MS, err, sizeof(err));
	free(s);
	if (r != 0) {
		cli_fail_answer(cli, *resp, err);
		json_decref(*resp);
		*resp = NULL;
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int
cli_ask(struct cli *cli, json_t *req, json_t **resp)
{
	char	err[1024], *s;
	int	r, rc;

	*resp = NULL;
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (s == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	r = cli_call_waiting(cli, s, strlen(s), resp, NULL,
	    CLI_BEHIND_WAIT_MS, err, sizeof(err));
	free(s);
	if (r == 0)
		return EXIT_OK;
	rc = cli_fail_answer(cli, *resp, err);
	json_decref(*resp);
	*resp = NULL;
	return rc;
}
