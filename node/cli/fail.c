/*
 * How lcn says that something failed (lcn.h): the plain message on
 * stderr for a person, always, and with --json one object on stdout for
 * a program, {"ok": false, "error": {"code", "message", "field"}}, so
 * that a script that asked for JSON never has to parse words. Usage
 * errors take the same path as failures, with the code "usage" and the
 * command's usage line.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lcn.h"
#include "table.h"

/*
 * The invocation whose --json decides the form of usage errors: they are
 * reported from where no struct cli is at hand (cli_usage has none).
 */
static const struct cli	*bound;

void
cli_fail_bind(const struct cli *cli)
{
	bound = cli;
}

static void
vwarnx(const char *fmt, va_list ap)
{
	char	buf[2048], *safe;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* Messages may quote partners' text or lcnd's: keep them inert. */
	safe = term_safe(buf, 0);
	fprintf(stderr, "lcn: %s\n", safe ? safe : buf);
	free(safe);
}

void
cli_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

void
cli_print_error(const char *code, const char *field, const char *msg,
    json_t *extra)
{
	json_t	*out, *err;

	err = json_pack("{s:s, s:s, s:o}", "code", code, "message", msg,
	    "field", field != NULL ? json_string(field) : json_null());
	if (err != NULL && extra != NULL)
		json_object_update(err, extra);
	json_decref(extra);
	if (err == NULL)
		return;
	if ((out = json_pack("{s:b, s:o}", "ok", 0, "error", err)) == NULL)
		return;
	cli_print_json(out);
	json_decref(out);
}

static int
vusage(const char *cmd, const char *field, const char *fmt, va_list ap)
{
	const char	*usage = cmd != NULL ? cli_command_usage(cmd) : NULL;
	char		 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	cli_warnx("%s", msg);
	if (usage != NULL)
		fprintf(stderr, "usage: %s\n", usage);
	else {
		usage = cli_command_usage(NULL);
		fprintf(stderr, "usage: %s; see 'lcn help'\n", usage);
	}
	if (bound != NULL && bound->json)
		cli_print_error("usage", field, msg, json_pack("{s:s}", "usage",
		    usage));
	return EXIT_USAGE;
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = vusage(cmd, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_usage_field(const char *cmd, const char *field, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = vusage(cmd, field, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_bad_option(const char *cmd, int ch, char **argv)
{
	const char	*opt = optind > 0 ? argv[optind - 1] : "";
	char		 name[64];

	if (strncmp(opt, "--", 2) == 0)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(opt, "="),
		    opt);
	else
		snprintf(name, sizeof(name), "-%c", optopt);
	if (ch == ':')
		return cli_usage_field(cmd, name, "option %s needs an "
		    "argument", name);
	return cli_usage_field(cmd, name, "unknown option %s", name);
}

static int
vfail(struct cli *cli, const char *code, const char *field, json_t *extra,
    const char *fmt, va_list ap)
{
	char	msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	cli_warnx("%s", msg);
	if (cli->json)
		cli_print_error(code, field, msg, extra);
	else
		json_decref(extra);
	return EXIT_FAIL;
}

int
cli_fail(struct cli *cli, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = vfail(cli, code, field, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_fail_extra(struct cli *cli, const char *code, const char *field,
    json_t *extra, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = vfail(cli, code, field, extra, fmt, ap);
	va_end(ap);
	return rc;
}

int
cli_fail_answer(struct cli *cli, const json_t *resp, const char *err)
{
	if (resp == NULL)
		return cli_fail(cli, cli->fail_code[0] != '\0' ?
		    cli->fail_code : "io", cli->fail_field[0] != '\0' ?
		    cli->fail_field : NULL, "%s", err);
	return cli_fail(cli, json_str(resp, "code", "EINVAL"),
	    json_str(resp, "field", NULL), "%s", json_str(resp, "error",
	    err));
}

void
cli_fail_call(struct cli *cli, const char *code, const char *field)
{
	snprintf(cli->fail_code, sizeof(cli->fail_code), "%s", code);
	snprintf(cli->fail_field, sizeof(cli->fail_field), "%s",
	    field != NULL ? field : "");
}
