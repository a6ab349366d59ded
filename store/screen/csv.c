/*
 * The CSV reader (csv.h): a read buffer refilled with read(2), and the
 * current record's fields copied into one NUL-separated buffer of at most
 * LIST_RECORD_MAX + LIST_FIELDS_MAX + 1 bytes, allocated at open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csv.h"
#include "lcn_err.h"

#define READ_BUF	(64 * 1024)

/* The DOS end-of-file byte that ends the OFAC legacy files. */
#define DOS_EOF		0x1a


static int
csv_fill(struct csv *c)
{
	ssize_t n;

	if (c->reof)
		return 0;
	do {
		n = read(c->fd, c->rbuf, READ_BUF);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		c->rerr = errno;
		c->reof = 1;
		return 0;
	}
	if (n == 0) {
		c->reof = 1;
		return 0;
	}
	c->rpos = 0;
	c->rlen = (size_t)n;
	return 1;
}

static int
csv_peek(struct csv *c)
{
	if (c->rpos == c->rlen && !csv_fill(c))
		return EOF;
	return c->rbuf[c->rpos];
}

static int
csv_get(struct csv *c)
{
	int ch;

	if ((ch = csv_peek(c)) == EOF)
		return EOF;
	c->rpos++;
	c->bytes++;
	if (ch == '\n')
		c->line++;
	return ch;
}

/* 0x1A as the very last byte is the DOS end of file, not data. */
static int
csv_dos_eof(struct csv *c, int ch)
{
	return ch == DOS_EOF && csv_peek(c) == EOF;
}

int
csv_open(struct csv *c, const char *path, char delim, char *err,
    size_t errsz)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->delim = delim;
	c->line = 1;
	if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return LCN_EIO;
	}
	c->rbuf = malloc(READ_BUF);
	c->rec = malloc(LIST_RECORD_MAX + LIST_FIELDS_MAX + 1);
	if (c->rbuf == NULL || c->rec == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		return LCN_ENOMEM;
	}
	return 0;
}

void
csv_close(struct csv *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->rbuf);
	free(c->rec);
	c->rbuf = NULL;
	c->rec = NULL;
}

static void
csv_bad(const char **why, const char *reason)
{
	if (*why == NULL)
		*why = reason;
}

/*
 * One pass over the record, byte by byte: a quoted field runs to its
 * closing quote (a doubled quote is one quote), then only blanks may come
 * before the delimiter. Every byte is consumed even when the record turns
 * out bad, so that the next call starts at the next record.
 */
int
csv_next(struct csv *c, const char **why)
{
	size_t fl;
	int ch, stored;

	*why = NULL;
	c->nf = 0;
	c->reclen = 0;
	for (;;) {
		ch = csv_get(c);
		if (ch == EOF || csv_dos_eof(c, ch))
			return c->rerr ? LCN_EIO : 0;
		if (ch != '\r' && ch != '\n')
			break;
	}
	c->rec_line = c->line;
	for (;;) {
		stored = c->nf < LIST_FIELDS_MAX;
		if (!stored)
			csv_bad(why, "more than LIST_FIELDS_MAX fields");
		else
			c->fstart[c->nf] = c->reclen;
		fl = 0;
#define PUT(x) do {							\
	if ((x) == '\0')						\
		csv_bad(why, "NUL byte in a field");			\
	else if (fl >= LIST_FIELD_MAX)					\
		csv_bad(why, "field over LIST_FIELD_MAX bytes");	\
	else if (c->reclen >= LIST_RECORD_MAX)				\
		csv_bad(why, "record over LIST_RECORD_MAX bytes");	\
	else if (stored) {						\
		c->rec[c->reclen++] = (char)(x);			\
		fl++;							\
	}								\
} while (0)
		if (ch == '"') {
			for (;;) {
				ch = csv_get(c);
				if (ch == EOF) {
					csv_bad(why, "unterminated quoted "
					    "field at end of file");
					break;
				}
				if (ch == '"') {
					if (csv_peek(c) != '"')
						break;
					ch = csv_get(c);
				}
				PUT(ch);
			}
			if (ch != EOF)
				ch = csv_get(c);
			while (ch == ' ' || (ch == '\t' && c->delim != '\t'))
				ch = csv_get(c);
			if (ch != EOF && ch != c->delim && ch != '\r' &&
			    ch != '\n' && !csv_dos_eof(c, ch)) {
				csv_bad(why, "text after a closing quote");
				while (ch != EOF && ch != c->delim &&
				    ch != '\r' && ch != '\n')
					ch = csv_get(c);
			}
		} else {
			while (ch != EOF && ch != c->delim && ch != '\r' &&
			    ch != '\n' && !csv_dos_eof(c, ch)) {
				PUT(ch);
				ch = csv_get(c);
			}
		}
#undef PUT
		if (stored) {
			c->flen[c->nf] = fl;
			c->rec[c->reclen++] = '\0';
			c->nf++;
		}
		if (ch != c->delim)
			break;
		ch = csv_get(c);
	}
	if (ch == '\r' && csv_peek(c) == '\n')
		(void)csv_get(c);
	else if (ch == '\r')
		c->line++;	/* a lone CR ends a line too */
	if (c->rerr)
		return LCN_EIO;
	return *why != NULL ? LCN_EPROTO : 1;
}

const char *
csv_field(const struct csv *c, int i)
{
	if (i < 0 || (size_t)i >= c->nf)
		return NULL;
	return c->rec + c->fstart[i];
}

void
csv_header(struct csv *c, const char *const *names, size_t n, int *idx)
{
	const char *f;
	size_t i, j, l;

	for (i = 0; i < n; i++)
		idx[i] = -1;
	for (j = 0; j < c->nf; j++) {
		f = c->rec + c->fstart[j];
		l = c->flen[j];
		if (j == 0 && l >= 3 && memcmp(f, "\xef\xbb\xbf", 3) == 0) {
			f += 3;	/* UTF-8 byte order mark */
			l -= 3;
		}
		while (l > 0 && csv_is_space((unsigned char)*f)) {
			f++;
			l--;
		}
		while (l > 0 && csv_is_space((unsigned char)f[l - 1]))
			l--;
		for (i = 0; i < n; i++)
			if (idx[i] == -1 && strlen(names[i]) == l &&
			    strncasecmp(names[i], f, l) == 0)
				idx[i] = (int)j;
	}
}
