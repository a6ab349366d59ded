/*
 * lcn-testpeer: the flags, the script and the exit status (testpeer.h
 * says what the tool is; tests/README.md how tests use it).
 *
 *	lcn-testpeer --cert NODE.pem --key NODE.key --ca SERVER_CA.pem
 *	    --server-id AGENCY --connect HOST:PORT [--script FILE]
 *	    [--timeout-scale N]
 *	lcn-testpeer attest OUT --signing-key KEY --feed ORIGIN/GROUP ...
 *
 * A script file is checked whole before the tool dials, so that a typo
 * fails at once (status 2) rather than halfway through a test. Commands
 * on stdin run as they arrive, and the tool keeps reading the node while
 * it waits for the next one: a test can hold stdin open (a FIFO) and
 * send the next command when the node is where it wants it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcn_err.h"
#include "testpeer.h"
#include "tls.h"
#include "util.h"

#define STDIN_CHUNK	4096

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: lcn-testpeer --cert NODE.pem --key NODE.key "
	    "--ca SERVER_CA.pem\n"
	    "           --server-id AGENCY --connect HOST:PORT "
	    "[--script FILE] [--timeout-scale N]\n"
	    "       lcn-testpeer attest OUT --signing-key KEY "
	    "--feed ORIGIN/GROUP --seq N\n"
	    "           [--key-id-of PUB.pem] [--created-ms MS] "
	    "[--prev-hash HEX] [--prev-root HEX]\n"
	    "           [--prev-of DIR] [ORIGIN/GROUP:SEQ:HEXHASH...]\n"
	    "attest writes one signed heads attestation to OUT (no "
	    "connection) and prints\n"
	    "its leaf hash as a JSON line; the key id is KEY's unless "
	    "--key-id-of names another.\n"
	    "Dials one lcnd as the partner NODE.pem names, runs the commands "
	    "of FILE\n"
	    "(or of stdin, as they come), and prints every frame received as "
	    "a JSON line.\n"
	    "Exit status: 0 the script ran to its end, 1 an expect failed "
	    "or the\n"
	    "connection could not be made (the JSON says why), 2 usage.\n"
	    "Commands, one a line (# starts a comment; \"...\" groups words; "
	    "\\n \\xHH escape):\n");
	tp_cmd_usage(fp);
}

/* Reads the whole script; its lines are NUL-separated in place. */
static char *
read_script(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL, *nb;
	size_t	 cap = 0, n = 0, got;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "lcn-testpeer: %s: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 2) {
			cap = cap ? 2 * cap : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		if ((got = fread(buf + n, 1, cap - n - 1, fp)) == 0)
			break;
		n += got;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Runs (or with tp NULL, checks) every line of a script. */
static int
run_script(struct tp *tp, char *text, size_t len)
{
	char	*line = text, *nl;
	int	 lineno = 0, r;

	while (line < text + len) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		r = tp_cmd_run(tp, lineno, line);
		if (nl != NULL)
			*nl = '\n';
		if (r != 0)
			return r;
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return 0;
}

/* Runs commands from stdin as they arrive, reading the node meanwhile. */
static int
run_stdin(struct tp *tp)
{
	char	*buf = NULL, *nb, *nl;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 lineno = 0, eof = 0, r = 0;

	(void)fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	for (;;) {
		if (len > 0 && (nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			if ((r = tp_cmd_run(tp, ++lineno, buf)) != 0)
				break;
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
			continue;
		}
		if (eof) {
			if (len > 0) {
				buf[len] = '\0';
				r = tp_cmd_run(tp, ++lineno, buf);
			}
			break;
		}
		if (!tp_conn_poll(tp, !tp->drain_none, 0, -1))
			continue;
		if (cap - len < STDIN_CHUNK + 1) {
			cap = cap ? 2 * cap : 2 * STDIN_CHUNK;
			if ((nb = realloc(buf, cap)) == NULL) {
				r = LCN_ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(0, buf + len, STDIN_CHUNK);
		if (n > 0)
			len += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			eof = 1;
	}
	free(buf);
	return r;
}

static void
end_line(struct tp *tp, int status)
{
	json_t *o;

	if ((o = tp_json_new(tp, "end")) == NULL)
		return;
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "frames_in", tp_json_u64(tp->frames_in));
	json_object_set_new(o, "frames_out", tp_json_u64(tp->frames_out));
	json_object_set_new(o, "bytes_out", tp_json_u64(tp->bytes_out));
	tp_json_put(o);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'a' },
		{ "server-id", required_argument, NULL, 's' },
		{ "connect", required_argument, NULL, 'C' },
		{ "script", required_argument, NULL, 'f' },
		{ "timeout-scale", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tp	 tp;
	const char	*cert = NULL, *key = NULL, *ca = NULL, *addr = NULL;
	const char	*script = NULL;
	char		 err[512], *text = NULL, *end;
	size_t		 len = 0;
	long		 scale;
	int		 ch, r, status;

	if (argc > 1 && strcmp(argv[1], "attest") == 0)
		return tp_attest_main(argc - 1, argv + 1);
	memset(&tp, 0, sizeof(tp));
	tp.fd = -1;
	tp.t0 = mono_ms();
	tp.scale = 1;
	tp.auto_pong = 1;
	frame_reader_init(&tp.reader, FRAME_BODY_MAX);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'a': ca = optarg; break;
		case 's': tp.server_id = optarg; break;
		case 'C': addr = optarg; break;
		case 'f': script = optarg; break;
		case 'T':
			scale = strtol(optarg, &end, 10);
			if (*end != '\0' || scale < 1 || scale > 100) {
				fprintf(stderr, "lcn-testpeer: --timeout-scale:"
				    " expected 1..100, got \"%s\"\n", optarg);
				return 2;
			}
			tp.scale = (unsigned)scale;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || cert == NULL || key == NULL || ca == NULL ||
	    tp.server_id == NULL || addr == NULL) {
		usage(stderr);
		return 2;
	}
	if (script != NULL && ((text = read_script(script, &len)) == NULL ||
	    run_script(NULL, text, len) != 0)) {
		free(text);
		return 2;
	}
	if (tls_ctx_new(cert, key, &tp.ctx, err, sizeof(err)) != 0 ||
	    tls_ctx_add_partner(tp.ctx, tp.server_id, ca, NULL, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "lcn-testpeer: %s\n", err);
		free(text);
		tp_conn_free(&tp);
		return 2;
	}
	if ((r = tp_conn_dial(&tp, addr)) == LCN_EINVAL) {
		fprintf(stderr, "lcn-testpeer: --connect: expected HOST:PORT, "
		    "got \"%s\"\n", addr);
		free(text);
		tp_conn_free(&tp);
		return 2;
	}
	if (r == 0 && (r = tp_conn_handshake(&tp)) == 0)
		r = script != NULL ? run_script(&tp, text, len) :
		    run_stdin(&tp);
	status = r == 0 ? 0 : r == LCN_EINVAL ? 2 : 1;
	end_line(&tp, status);
	tp_conn_close(&tp, NULL);
	tp_conn_free(&tp);
	free(text);
	return status;
}
