/*
 * The operator CLI `lcn`: shared state of one invocation and the
 * subcommands, one file each. Online commands talk to the local lcnd over
 * its unix socket (api.h); offline ones (verify) open a ledger read-only.
 * Not a library: everything here prints to stdout/stderr.
 */
#ifndef LCN_CLI_H
#define LCN_CLI_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Process exit status of every command. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* failure reported by lcnd, faults found */
#define EXIT_USAGE	2	/* bad command line */

struct config;

struct cli {
	const char	*config_path;	/* -c, or NULL */
	const char	*socket;	/* -s, or NULL until resolved */
	int		 json;		/* --json: machine output */
	struct config	*config;	/* loaded on first use, owned */
	char		 sockbuf[PATH_MAX];
	char		 fail_code[32];	/* the last failed call's code */
	char		 fail_field[128]; /* and lcnd's field of it, or "" */
};

/*
 * A subcommand. argv[0] is its name; it parses its own options (including
 * --json and --help). Returns an EXIT_* status, not an LCN_E* code: this is
 * the process's exit status, as in wireguard-tools.
 */
typedef int (*cli_cmd_fn)(struct cli *, int argc, char **argv);

int	cmd_status(struct cli *, int, char **);
int	cmd_publish(struct cli *, int, char **);
int	cmd_log(struct cli *, int, char **);
int	cmd_verify(struct cli *, int, char **);
int	cmd_screen(struct cli *, int, char **);
int	cmd_import_list(struct cli *, int, char **);
int	cmd_reindex(struct cli *, int, char **);
int	cmd_check(struct cli *, int, char **);
int	cmd_deny(struct cli *, int, char **);
int	cmd_alert(struct cli *, int, char **);
int	cmd_control_status(struct cli *, int, char **);
int	cmd_deny_update(struct cli *, int, char **);
int	cmd_alert_update(struct cli *, int, char **);
int	cmd_denials(struct cli *, int, char **);
int	cmd_alerts(struct cli *, int, char **);
int	cmd_show(struct cli *, int, char **);
int	cmd_receipts(struct cli *, int, char **);
int	cmd_controls(struct cli *, int, char **);
int	cmd_export(struct cli *, int, char **);
int	cmd_consultations(struct cli *, int, char **);
int	cmd_report(struct cli *, int, char **);

/*
 * One consultation of lcnd's answer (api_consult_query.c), for reading:
 * its state with the position or decision ("replied (object)",
 * "decided (grant, undercut)"), and the replying agency's time left
 * ("4 working days", "overdue", "no deadline", "-" when no reply is
 * awaited). consultations.c.
 */
void	cli_consult_state(const json_t *c, char *buf, size_t bufsz);
void	cli_consult_left(const json_t *c, char *buf, size_t bufsz);
int	cmd_consult(struct cli *, int, char **);
int	cmd_reply(struct cli *, int, char **);
int	cmd_consult_info(struct cli *, int, char **);
int	cmd_decide(struct cli *, int, char **);

/*
 * Failures under --json (fail.c). Every failure prints its message on
 * stderr ("lcn: ..."); with --json it also prints exactly one object on
 * stdout:
 *	{"ok": false, "error": {"code": C, "message": M, "field": F}}
 * F names what was wrong when one thing was (an option such as
 * "--group", an argument such as "REF", a field path such as
 * "parties[0].country"), else null. C is lcnd's code when lcnd refused
 * (EINVAL, EACCES, EBEHIND, EGROUP, ...), else one of lcn's words:
 *	usage		the command line (exit 2; "usage" holds the usage line)
 *	config		no socket named, or the configuration cannot be read
 *	unreachable	lcnd's socket cannot be reached
 *	no-answer	the request went out but lcnd did not answer
 *	protocol	lcnd's answer makes no sense
 *	invalid		an input lcn checks itself is wrong
 *	not-found	an input file does not exist
 *	io		reading or writing a local file failed
 *	faults		lcn verify found faults in the ledger
 *	bad-signature	lcn export found an entry whose signature fails
 *	nomem		out of memory
 *	internal	lcn itself cannot work (OpenSSL without SHA-256)
 */

/* The invocation whose --json usage errors follow; main() sets it. */
void	cli_fail_bind(const struct cli *);
/* "lcn: " and the message on stderr. */
void	cli_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/*
 * cli_warnx(), then the command's usage line on stderr, and with --json
 * the error object (code "usage"); returns EXIT_USAGE. cmd NULL: lcn's.
 */
int	cli_usage(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* cli_usage() naming field, the option or argument at fault. */
int	cli_usage_field(const char *cmd, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Prints the usage of cmd (or of lcn if NULL) to stdout; with --json as
 * one object ({"ok": true, "command", "summary", "usage", "details"}, or
 * lcn's "usage" and its "commands").
 */
void	cli_help(const char *cmd);
/*
 * The usage line of cmd, or NULL if there is no such command; lcn's own
 * when cmd is NULL.
 */
const char *cli_command_usage(const char *cmd);

/*
 * The node configuration named by -c, loaded once with config_load().
 * Returns 0, LCN_EINVAL if there is no -c, or LCN_ECONFIG; the reason is
 * in errbuf.
 */
int	cli_config(struct cli *, const struct config **out, char *errbuf,
	    size_t errbufsz);
/*
 * Reports a getopt_long() error (ch is '?' or ':') for cmd; returns
 * EXIT_USAGE. Subcommands use ":" at the start of their optstring.
 */
int	cli_bad_option(const char *cmd, int ch, char **argv);

/*
 * Sends one request line (req, len bytes, no newline) to lcnd and reads its
 * response. The socket is -s, else -c's socket, else $LCN_SOCKET. A
 * failure's code (lcnd's, or config, unreachable, no-answer, protocol,
 * invalid, nomem) and field are recorded for cli_fail_answer().
 * Returns 0 with *resp when lcnd answered "ok": true; LCN_EINVAL with
 * *resp (the answer) when it answered "ok": false, its error text and code
 * in errbuf; LCN_EIO, LCN_EPROTO or LCN_ECONFIG (no socket to use) with
 * the reason in errbuf and *resp NULL. The caller prints errbuf. sent (may
 * be NULL) is set as client_call() sets it.
 */
int	cli_call(struct cli *, const char *req, size_t len, json_t **resp,
	    int *sent, char *errbuf, size_t errbufsz);
/* The same for a request given as a JSON object. */
int	cli_call_json(struct cli *, const json_t *req, json_t **resp,
	    char *errbuf, size_t errbufsz);

/*
 * cli_call() that asks again while lcnd answers EBEHIND (it is catching
 * up: its own head, or its screening index), for up to wait_ms.
 */
int	cli_call_waiting(struct cli *, const char *req, size_t len,
	    json_t **resp, int *sent, uint64_t wait_ms, char *errbuf,
	    size_t errbufsz);

/*
 * cli_call_waiting() for a command, waiting up to CLI_BEHIND_WAIT_MS:
 * consumes req, prints lcnd's refusal or the failure on stderr, and
 * returns EXIT_OK with *resp or EXIT_FAIL.
 */
#define CLI_BEHIND_WAIT_MS	(10 * 60 * 1000)
int	cli_request(struct cli *, json_t *req, json_t **resp);
/* A number in [0,1] (a score), whole string; 0 or -1. */
int	cli_parse_unit(const char *s, double *out);

/*
 * A command failed: "lcn: message" on stderr and, with --json,
 * {"ok":false,"error":{"code","message","field"}} on stdout (field null
 * when none applies). Returns EXIT_FAIL.
 */
int	cli_fail(struct cli *, const char *code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* cli_fail() with extra's members added to "error"; consumes extra. */
int	cli_fail_extra(struct cli *, const char *code, const char *field,
	    json_t *extra, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/*
 * cli_fail() for a failed call: resp is lcnd's refusal (its code, error
 * and field are used) or NULL: err is the reason then, and the code and
 * field the ones cli_call() recorded.
 */
int	cli_fail_answer(struct cli *, const json_t *resp, const char *err);
/*
 * Only the object: {"ok": false, "error": {"code", "message", "field",
 * extra's members}} on stdout, for a command that words its stderr
 * itself. Consumes extra (may be NULL).
 */
void	cli_print_error(const char *code, const char *field, const char *msg,
	    json_t *extra);
/* Records a failed call's code and field (NULL: none) in cli. */
void	cli_fail_call(struct cli *, const char *code, const char *field);
/*
 * cli_call_json() waiting while lcnd is behind (CLI_BEHIND_WAIT_MS);
 * consumes req. EXIT_OK with *resp, or cli_fail_answer()'s EXIT_FAIL.
 */
int	cli_ask(struct cli *, json_t *req, json_t **resp);
/*
 * "2026-07-01" (midnight UTC) or "2026-07-01T12:00:00Z" as ms since the
 * epoch; 0 or -1.
 */
int	cli_parse_date(const char *s, uint64_t *ms);
/* "2026-07-01" for ms since the epoch; "-" for 0. */
void	fmt_date(uint64_t ms, char *buf, size_t bufsz);

/* One body of an input file, as read: not parsed, not NUL-terminated. */
struct cli_body {
	const char	*text;		/* in cli_input's text or single */
	size_t		 len;		/* no blank at either end */
	size_t		 line;		/* 1-based, in the file */
};

/* An input file of JSON bodies as read, before any body is parsed. */
struct cli_input {
	const char	*name;		/* the path, or "standard input" */
	char		*text;		/* the whole input, NUL-terminated */
	size_t		 len;
	int		 lines;		/* JSON lines: one body a line */
	char		*single;	/* else the one value, compact */
	struct cli_body	*bodies;	/* at least one */
	size_t		 nbodies;
};

/*
 * Reads FILE (- for standard input), of at most max bytes (0: no bound),
 * as JSON lines when its first non-blank line is a JSON value alone,
 * else as one JSON value that may span lines (then parsed, and its
 * compact text the one body). A directory, an empty file, a UTF-8
 * byte-order mark, a NUL byte and a value over lines that is not valid
 * JSON ("FILE line 3: not valid JSON: ...") each get their own message
 * in err; the lines of JSON lines are not parsed here. Returns 0 with
 * *in filled (free it with cli_input_free), or LCN_EINVAL, LCN_ENOTFOUND
 * (no such file), LCN_EIO or LCN_ENOMEM with *in empty.
 */
int	cli_input_read(const char *path, size_t max, struct cli_input *in,
	    char *err, size_t errsz);
void	cli_input_free(struct cli_input *);
/*
 * cli_input_read() of at most four requests' worth, then each body
 * parsed: an invalid line ("FILE line 3: not valid JSON: ...") or a
 * value other than an object gets its own message. Returns 0 with *out
 * an array of the objects, or cli_input_read()'s errors.
 */
int	cli_read_objects(const char *path, json_t **out, char *err,
	    size_t errsz);
/* The --json code of cli_input_read()'s r: invalid, not-found, io... */
const char *cli_input_code(int r);

/* Prints v as one compact JSON line on stdout; 0 or LCN_EIO. */
int	cli_print_json(const json_t *v);

/* "2026-03-01T12:00:00Z" for ms since the epoch; "-" for 0. */
void	fmt_time(uint64_t ms, char *buf, size_t bufsz);
/* "3d 4h", "4h 5m", "5m 3s", "3s" for a duration in ms. */
void	fmt_duration(uint64_t ms, char *buf, size_t bufsz);
/* A JSON integer >= 0 as uint64_t (0 when absent or not an integer). */
uint64_t json_u64(const json_t *obj, const char *key);
/* A JSON string member, or def when absent or not a string. */
const char *json_str(const json_t *obj, const char *key, const char *def);

#endif
