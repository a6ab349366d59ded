/*
 * The JSON files an officer hands lcn: the bodies of lcn publish, deny,
 * alert and control-status, an amendment, an application to check
 * (lcn.h: cli_input_read, cli_read_objects). One object, which may span
 * lines, or JSON lines; a message of its own for each way a file is
 * commonly wrong (a directory, an empty file, a byte-order mark left by
 * an editor, a line that is not JSON), naming the file and line in words.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lcn.h"
#include "lcn_err.h"
#include "lcn_limits.h"

/* Far above any body lcnd takes in one request; a bound, not a rule. */
#define INPUT_MAX	((size_t)API_LINE_MAX * 4)

/*
 * Reads path (- for standard input) whole into *out, NUL-terminated;
 * at most max bytes (0: no bound). A directory and an input over max
 * are LCN_EINVAL, a path that does not exist LCN_ENOTFOUND.
 */
static int
read_file(const char *path, const char *name, size_t max, char **out,
    size_t *outlen, char *err, size_t errsz)
{
	struct stat	 st;
	char		*buf = NULL, *nb;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd, r = LCN_EIO;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "cannot open %s: %s", name,
		    strerror(errno));
		return errno == ENOENT ? LCN_ENOTFOUND : LCN_EIO;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s is a directory; expected a JSON file",
		    name);
		r = LCN_EINVAL;
		goto out;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				snprintf(err, errsz, "out of memory");
				r = LCN_ENOMEM;
				goto out;
			}
			buf = nb;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "cannot read %s: %s", name,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (max > 0 && len > max) {
			snprintf(err, errsz, "%s is larger than %zu MiB: split "
			    "it", name, max >> 20);
			r = LCN_EINVAL;
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = 0;
 out:
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return r;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

/* "FILE line 3: why", or "FILE: why at its end" when jansson has no line. */
static void
json_where(char *err, size_t errsz, const char *name, size_t line,
    const json_error_t *je)
{
	if (line > 0 || je->line > 0)
		snprintf(err, errsz, "%s line %zu: not valid JSON: %s", name,
		    line > 0 ? line : (size_t)je->line, je->text);
	else
		snprintf(err, errsz, "%s: not valid JSON: %s", name,
		    je->text);
}

/* The input's non-blank lines, trimmed, as bodies. */
static int
split_lines(struct cli_input *in)
{
	const char	*p = in->text, *end = in->text + in->len, *nl, *s, *e;
	struct cli_body	*nb;
	size_t		 line = 0, cap = 0;

	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (s = p; s < nl && is_space(*s); s++)
			;
		for (e = nl; e > s && is_space(e[-1]); e--)
			;
		p = nl + 1;
		if (s == e)
			continue;
		if (in->nbodies == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nb = realloc(in->bodies, cap *
			    sizeof(*nb))) == NULL)
				return LCN_ENOMEM;
			in->bodies = nb;
		}
		in->bodies[in->nbodies].text = s;
		in->bodies[in->nbodies].len = (size_t)(e - s);
		in->bodies[in->nbodies].line = line;
		in->nbodies++;
	}
	return 0;
}

int
cli_input_read(const char *path, size_t max, struct cli_input *in,
    char *err, size_t errsz)
{
	json_error_t	 je;
	json_t		*v;
	int		 r;

	memset(in, 0, sizeof(*in));
	in->name = strcmp(path, "-") == 0 ? "standard input" : path;
	if ((r = read_file(path, in->name, max, &in->text, &in->len, err,
	    errsz)) != 0)
		return r;
	r = LCN_EINVAL;
	if (in->len >= 3 && memcmp(in->text, "\xef\xbb\xbf", 3) == 0) {
		snprintf(err, errsz, "%s starts with a UTF-8 byte-order mark "
		    "(EF BB BF): save it as UTF-8 without one", in->name);
		goto fail;
	}
	if (blank(in->text, in->len)) {
		snprintf(err, errsz, "%s is empty; expected a JSON object of "
		    "the record's fields", in->name);
		goto fail;
	}
	if (memchr(in->text, '\0', in->len) != NULL) {
		snprintf(err, errsz, "%s holds a NUL byte: it is not a text "
		    "file", in->name);
		goto fail;
	}
	if ((r = split_lines(in)) != 0)
		goto nomem;
	/* JSON lines, if the first non-blank line is a value alone. */
	if ((v = json_loadb(in->bodies[0].text, in->bodies[0].len,
	    JSON_DECODE_ANY, &je)) != NULL) {
		json_decref(v);
		in->lines = 1;
		return 0;
	}
	/* Else one value over several lines: the whole file's error. */
	if ((v = json_loadb(in->text, in->len, JSON_REJECT_DUPLICATES,
	    &je)) == NULL) {
		json_where(err, errsz, in->name, 0, &je);
		r = LCN_EINVAL;
		goto fail;
	}
	in->single = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	if (in->single == NULL)
		goto nomem;
	in->bodies[0].text = in->single;
	in->bodies[0].len = strlen(in->single);
	in->nbodies = 1;
	return 0;
 nomem:
	snprintf(err, errsz, "out of memory");
	r = LCN_ENOMEM;
 fail:
	cli_input_free(in);
	return r;
}

void
cli_input_free(struct cli_input *in)
{
	free(in->text);
	free(in->single);
	free(in->bodies);
	memset(in, 0, sizeof(*in));
}

int
cli_read_objects(const char *path, json_t **out, char *err, size_t errsz)
{
	struct cli_input	 in;
	json_error_t		 je;
	json_t			*arr = NULL, *v;
	size_t			 i;
	int			 r;

	*out = NULL;
	if ((r = cli_input_read(path, INPUT_MAX, &in, err, errsz)) != 0)
		return r;
	if ((arr = json_array()) == NULL)
		goto nomem;
	r = LCN_EINVAL;
	for (i = 0; i < in.nbodies; i++) {
		if ((v = json_loadb(in.bodies[i].text, in.bodies[i].len,
		    JSON_REJECT_DUPLICATES, &je)) == NULL) {
			json_where(err, errsz, in.name, in.bodies[i].line,
			    &je);
			goto out;
		}
		if (!json_is_object(v)) {
			json_decref(v);
			if (in.nbodies == 1)
				snprintf(err, errsz, "%s: expected a JSON "
				    "object ({...}) of the record's fields",
				    in.name);
			else
				snprintf(err, errsz, "%s line %zu: expected a "
				    "JSON object ({...}) of the record's "
				    "fields", in.name, in.bodies[i].line);
			goto out;
		}
		if (json_array_append_new(arr, v) != 0)
			goto nomem;
	}
	*out = arr;
	arr = NULL;
	r = 0;
	goto out;
 nomem:
	snprintf(err, errsz, "out of memory");
	r = LCN_ENOMEM;
 out:
	json_decref(arr);
	cli_input_free(&in);
	return r;
}

const char *
cli_input_code(int r)
{
	switch (r) {
	case LCN_ENOTFOUND:	return "not-found";
	case LCN_EIO:		return "io";
	case LCN_ENOMEM:	return "nomem";
	default:		return "invalid";
	}
}
