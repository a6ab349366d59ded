/*
 * The CSV reader of the list importers: RFC 4180 records (or tab-separated
 * ones) streamed from a file one at a time, with the traps of the files
 * agencies publish: CRLF, LF or lone CR line ends, quoted fields with
 * commas, doubled quotes and line breaks, a UTF-8 byte order mark before
 * the header and the DOS end-of-file byte after the last record. Every
 * field, record and field count is bounded by the LIST_ limits of lists.h,
 * and a record over one is consumed whole and reported as bad, so that the
 * read can go on. It is not a general CSV library: it knows no types and
 * no encodings, and it does not unquote into caller memory.
 *
 * Debian has libcsv (libcsv-dev, 3.0.3), but it gives no line numbers for
 * a bad record, no bound on a field's size (it reallocs as it goes) and
 * does not know the DOS EOF byte, and it would be one more dependency.
 */
#ifndef LCN_CSV_H
#define LCN_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "lists.h"

/*
 * One open file and its current record. The reader's fields are private;
 * callers read path, rerr, bytes, rec_line, nf and, through csv_field(),
 * the fields of the record.
 */
struct csv {
	int		 fd;		/* -1 when closed */
	const char	*path;		/* borrowed from csv_open's caller */
	char		 delim;		/* ',' or '\t' */
	unsigned char	*rbuf;		/* read buffer */
	size_t		 rpos, rlen;
	int		 reof;
	int		 rerr;		/* errno of a failed read */
	uint64_t	 bytes;		/* consumed */
	unsigned long	 line;		/* of the next byte, 1-based */
	unsigned long	 rec_line;	/* first line of the record */
	char		*rec;		/* fields, NUL-terminated */
	size_t		 reclen;
	size_t		 fstart[LIST_FIELDS_MAX];	/* offsets in rec */
	size_t		 flen[LIST_FIELDS_MAX];		/* without the NUL */
	size_t		 nf;		/* fields in the record */
};

/* ASCII white space, whatever the locale: what the readers trim. */
static inline int
csv_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/*
 * Open path for reading records separated by delim. Returns 0, LCN_EIO
 * (cannot open) or LCN_ENOMEM, with a message naming the file in err.
 * path is borrowed until csv_close(). Call csv_close() on every return.
 */
int	 csv_open(struct csv *c, const char *path, char delim, char *err,
	    size_t errsz);

/* Close the file and free the buffers; safe after a failed csv_open(). */
void	 csv_close(struct csv *c);

/*
 * Read one record. Returns 1 with c->nf fields, 0 at the end of the file,
 * LCN_EPROTO for a bad record (consumed whole; *why says what was wrong)
 * or LCN_EIO (c->rerr holds the errno). Blank lines are skipped. A field
 * is at most LIST_FIELD_MAX bytes, a record LIST_RECORD_MAX bytes and
 * LIST_FIELDS_MAX fields.
 */
int	 csv_next(struct csv *c, const char **why);

/*
 * Field i of the current record, NUL-terminated (c->flen[i] bytes), valid
 * until the next csv_next(); NULL when i is negative or past the last.
 */
const char *csv_field(const struct csv *c, int i);

/*
 * Map the n header names to column indices of the current record, matched
 * without case and surrounding white space, a byte order mark ignored:
 * idx[i] is the first column named names[i], or -1 when there is none.
 */
void	 csv_header(struct csv *c, const char *const *names, size_t n,
	    int *idx);

#endif
