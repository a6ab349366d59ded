/*
 * The red-flag vocabulary (validate.h): redflags.tsv read from the tables
 * directory, one flag a line, and the process's default copy loaded once.
 * Plain TSV rather than YAML: three columns of prose need no nesting, and
 * an officer can read the file as it is.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "nametables.h"
#include "util.h"
#include "validate.h"

#define REDFLAGS_FILE		"redflags.tsv"
/* A line longer than this is not a one-line explanation. */
#define REDFLAGS_LINE_MAX	1024
#define REDFLAGS_CODE_MAX	64

struct redflags {
	struct redflag	*v;
	size_t		 n, cap;
};

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

void
redflags_free(struct redflags *fl)
{
	size_t i;

	if (fl == NULL)
		return;
	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].code);
		free(fl->v[i].title);
		free(fl->v[i].explanation);
	}
	free(fl->v);
	free(fl);
}

static int
code_valid(const char *c)
{
	size_t i;

	for (i = 0; c[i] != '\0'; i++)
		if (!((c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= '0' &&
		    c[i] <= '9') || c[i] == '-'))
			return 0;
	return i > 0 && i <= REDFLAGS_CODE_MAX;
}

/* One line "CODE\ttitle\texplanation" (no newline) into fl. */
static int
add_line(struct redflags *fl, char *line, const char *path, size_t lineno,
    char *err, size_t errsz)
{
	struct redflag	*nv, *f;
	char		*code, *title, *expl;
	size_t		 cap;

	code = line;
	if ((title = strchr(code, '\t')) == NULL ||
	    (expl = strchr(title + 1, '\t')) == NULL ||
	    strchr(expl + 1, '\t') != NULL) {
		seterr(err, errsz, "%s:%zu: expected CODE, title and "
		    "explanation separated by tabs", path, lineno);
		return LCN_EPROTO;
	}
	*title++ = '\0';
	*expl++ = '\0';
	if (!code_valid(code) || *title == '\0' || *expl == '\0') {
		seterr(err, errsz, "%s:%zu: expected a code of A-Z, 0-9 and "
		    "'-', a title and an explanation", path, lineno);
		return LCN_EPROTO;
	}
	if (redflags_find(fl, code) != NULL) {
		seterr(err, errsz, "%s:%zu: code %s given twice", path, lineno,
		    code);
		return LCN_EPROTO;
	}
	if (fl->n == fl->cap) {
		cap = fl->cap == 0 ? 32 : fl->cap * 2;
		if ((nv = realloc(fl->v, cap * sizeof(*nv))) == NULL)
			return LCN_ENOMEM;
		fl->v = nv;
		fl->cap = cap;
	}
	f = &fl->v[fl->n];
	f->code = strdup(code);
	f->title = strdup(title);
	f->explanation = strdup(expl);
	fl->n++;
	if (f->code == NULL || f->title == NULL || f->explanation == NULL)
		return LCN_ENOMEM;
	return 0;
}

int
redflags_load(const char *dir, struct redflags **out, char *err,
    size_t errsz)
{
	struct redflags	*fl = NULL;
	FILE		*fp = NULL;
	char		 path[4096], line[REDFLAGS_LINE_MAX + 2];
	size_t		 lineno = 0, len;
	int		 r = 0;

	*out = NULL;
	if (dir == NULL)
		dir = nametables_default_dir();
	snprintf(path, sizeof(path), "%s/%s", dir, REDFLAGS_FILE);
	if ((fp = fopen(path, "r")) == NULL) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		return LCN_EIO;
	}
	if ((fl = calloc(1, sizeof(*fl))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(fp)) {
			seterr(err, errsz, "%s:%zu: longer than %d bytes", path,
			    lineno, REDFLAGS_LINE_MAX);
			r = LCN_EPROTO;
			goto out;
		}
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if ((r = add_line(fl, line, path, lineno, err, errsz)) != 0)
			goto out;
	}
	if (ferror(fp)) {
		seterr(err, errsz, "%s: read error", path);
		r = LCN_EIO;
		goto out;
	}
	if (fl->n == 0) {
		seterr(err, errsz, "%s: no red flags in the file", path);
		r = LCN_EPROTO;
		goto out;
	}
	*out = fl;
	fl = NULL;
 out:
	if (r == LCN_ENOMEM)
		seterr(err, errsz, "%s: out of memory", path);
	redflags_free(fl);
	fclose(fp);
	return r;
}

static struct {
	struct redflags	*fl;
	char		 err[512];
} deflt;
static pthread_once_t deflt_once = PTHREAD_ONCE_INIT;

static void
deflt_load(void)
{
	if (redflags_load(NULL, &deflt.fl, deflt.err, sizeof(deflt.err)) != 0)
		deflt.fl = NULL;
}

const struct redflags *
redflags_default(void)
{
	pthread_once(&deflt_once, deflt_load);
	return deflt.fl;
}

const char *
redflags_default_error(void)
{
	pthread_once(&deflt_once, deflt_load);
	return deflt.err;
}

const struct redflag *
redflags_find(const struct redflags *fl, const char *code)
{
	size_t i;

	/* Some twenty flags: a scan is as fast as anything. */
	for (i = 0; fl != NULL && code != NULL && i < fl->n; i++)
		if (strcmp(fl->v[i].code, code) == 0)
			return &fl->v[i];
	return NULL;
}

size_t
redflags_count(const struct redflags *fl)
{
	return fl == NULL ? 0 : fl->n;
}

const struct redflag *
redflags_get(const struct redflags *fl, size_t i)
{
	return fl == NULL || i >= fl->n ? NULL : &fl->v[i];
}
