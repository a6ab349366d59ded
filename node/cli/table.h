/*
 * Aligned text tables for `lcn`'s human output. Cells are copied and made
 * safe for a terminal on the way in: partners' text reaches the operator's
 * screen, so control characters, invalid UTF-8 and bidirectional
 * overrides become '?'. Widths count what a terminal shows (wide CJK
 * characters as two columns).
 */
#ifndef LCN_CLI_TABLE_H
#define LCN_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table;

/* A table with ncols columns and these headers; NULL if out of memory. */
struct table	*table_new(size_t ncols, const char *const *headers);
void		 table_free(struct table *);	/* NULL is a no-op */
/* Right-aligns a column (numbers). */
void		 table_align_right(struct table *, size_t col);
/* Cuts a column's cells to width columns, ending them with "...". */
void		 table_max_width(struct table *, size_t col, size_t width);
/* Adds a row of ncols cells (NULL prints as "-"); 0 or LCN_ENOMEM. */
int		 table_add(struct table *, const char *const *cells);
size_t		 table_rows(const struct table *);
/* Prints headers and rows, columns two spaces apart, no trailing blanks. */
void		 table_print(const struct table *, FILE *);

/*
 * A terminal-safe copy of s (as for cells), cut to at most maxwidth
 * columns with "..." (0: no limit). Free with free(); NULL if out of
 * memory.
 */
char		*term_safe(const char *s, size_t maxwidth);
/* Display width of an already safe string. */
size_t		 term_width(const char *s);

#endif
