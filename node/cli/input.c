/*
 * The JSON files an officer hands lcn deny, alert, control-status and the
 * updates (lcn.h: cli_read_objects): one object or JSON lines, with a
 * message of its own for each way a file is commonly wrong (a directory,
 * an empty file, a byte-order mark left by an editor, a line that is not
 * JSON), naming the file and line in words.
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

static int
read_file(const char *path, const char *name, char **out, size_t *outlen,
    char *err, size_t errsz)
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
		return LCN_EIO;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s is a directory; expected a JSON file",
		    name);
		r = LCN_EINVAL;
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
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
		if (len > INPUT_MAX) {
			snprintf(err, errsz, "%s is larger than %zu MiB: split "
			    "it", name, INPUT_MAX >> 20);
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
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr(" \t\r\n\f\v", s[i]) == NULL)
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

int
cli_read_objects(const char *path, json_t **out, char *err, size_t errsz)
{
	const char	*name = strcmp(path, "-") == 0 ? "standard input" :
			    path;
	json_error_t	 je;
	json_t		*arr = NULL, *v;
	char		*text = NULL, *p, *nl, *end;
	size_t		 len, line;
	int		 r;

	*out = NULL;
	if ((r = read_file(path, name, &text, &len, err, errsz)) != 0)
		return r;
	r = LCN_EINVAL;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		snprintf(err, errsz, "%s starts with a UTF-8 byte-order mark "
		    "(EF BB BF): save it as UTF-8 without one", name);
		goto out;
	}
	if (blank(text, len)) {
		snprintf(err, errsz, "%s is empty; expected a JSON object of "
		    "the record's fields", name);
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errsz, "%s holds a NUL byte: it is not a text "
		    "file", name);
		goto out;
	}
	if ((arr = json_array()) == NULL)
		goto nomem;
	/* One object, which may span lines. */
	if ((v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je)) != NULL) {
		if (!json_is_object(v)) {
			json_decref(v);
			snprintf(err, errsz, "%s: expected a JSON object "
			    "({...}) of the record's fields", name);
			goto out;
		}
		json_array_append_new(arr, v);
		goto done;
	}
	/* Else JSON lines, if its first non-blank line is a value alone. */
	for (p = text, line = 1, end = text + len; p < end; p = nl + 1,
	    line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (blank(p, (size_t)(nl - p)))
			continue;
		if ((v = json_loadb(p, (size_t)(nl - p),
		    JSON_REJECT_DUPLICATES, &je)) == NULL) {
			if (json_array_size(arr) == 0) {
				/* Not JSON lines: the whole file's error. */
				json_decref(json_loadb(text, len,
				    JSON_REJECT_DUPLICATES, &je));
				line = 0;
			}
			json_where(err, errsz, name, line, &je);
			goto out;
		}
		if (!json_is_object(v)) {
			json_decref(v);
			snprintf(err, errsz, "%s line %zu: expected a JSON "
			    "object ({...}) of the record's fields", name,
			    line);
			goto out;
		}
		json_array_append_new(arr, v);
	}
 done:
	*out = arr;
	arr = NULL;
	r = 0;
	goto out;
 nomem:
	snprintf(err, errsz, "out of memory");
	r = LCN_ENOMEM;
 out:
	json_decref(arr);
	free(text);
	return r;
}
