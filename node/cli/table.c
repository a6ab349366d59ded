/*
 * Aligned tables and terminal-safe text (table.h). Widths are computed
 * from decoded UTF-8 with a small East Asian Wide table rather than
 * wcwidth(), which answers only under a UTF-8 locale; officers read
 * names in local script (Party.name_local) whatever their locale.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "table.h"

#define ELLIPSIS	"..."

struct table {
	size_t		  ncols;
	char		**headers;
	char		**cells;	/* nrows * ncols */
	size_t		  nrows, cap;
	size_t		 *maxw;		/* 0: no limit */
	int		 *right;
};

/*
 * Decodes the UTF-8 sequence at s (at most left bytes): its code point in
 * *cp and its length, or 0 if it is not valid UTF-8.
 */
static size_t
utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t		n, k;
	uint32_t	c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (left < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Characters that must not reach a terminal: C0 and C1 controls, DEL, and
 * the bidirectional embeddings, overrides and isolates that can make a
 * name read differently from what it is.
 */
static int
unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200e || c == 0x200f || c == 0x061c;
}

static size_t
cp_width(uint32_t c)
{
	if (c < 0x0300)
		return 1;
	/* Combining marks take no column of their own. */
	if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200d) ||
	    (c >= 0xfe00 && c <= 0xfe0f))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t
term_width(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 w = 0, len = strlen(s), n;
	uint32_t		 c;

	while (len > 0) {
		/* ASCII, most of any table, is a column a byte. */
		if (*p < 0x80) {
			w++;
			p++;
			len--;
			continue;
		}
		if ((n = utf8_decode(p, len, &c)) == 0) {
			n = 1;
			c = '?';
		}
		w += cp_width(c);
		p += n;
		len -= n;
	}
	return w;
}

char *
term_safe(const char *s, size_t maxwidth)
{
	const unsigned char	*p = (const unsigned char *)(s ? s : "-");
	size_t			 len = strlen((const char *)p), n, o = 0;
	size_t			 w = 0, cw, cut = SIZE_MAX;
	uint32_t		 c;
	char			*out;

	/* Replacements never grow the text: one '?' for >= 1 byte. */
	if ((out = malloc(len + sizeof(ELLIPSIS))) == NULL)
		return NULL;
	if (maxwidth > 0 && maxwidth < sizeof(ELLIPSIS))
		maxwidth = sizeof(ELLIPSIS);
	while (len > 0) {
		if (*p >= 0x20 && *p < 0x7f) {
			n = 1;		/* printable ASCII: as it is */
			c = *p;
		} else if ((n = utf8_decode(p, len, &c)) == 0) {
			n = 1;		/* one '?' per invalid byte */
			c = '?';
		} else if (unsafe(c))
			c = '?';
		cw = cp_width(c);
		if (maxwidth > 0) {
			/* Where "..." goes if the rest does not fit. */
			if (cut == SIZE_MAX &&
			    w + cw > maxwidth - (sizeof(ELLIPSIS) - 1))
				cut = o;
			if (w + cw > maxwidth) {
				memcpy(out + cut, ELLIPSIS, sizeof(ELLIPSIS));
				return out;
			}
		}
		if (c == '?')
			out[o++] = '?';
		else {
			memcpy(out + o, p, n);
			o += n;
		}
		w += cw;
		p += n;
		len -= n;
	}
	out[o] = '\0';
	return out;
}

struct table *
table_new(size_t ncols, const char *const *headers)
{
	struct table	*t;
	size_t		 i;

	if (ncols == 0 || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->ncols = ncols;
	if ((t->headers = calloc(ncols, sizeof(char *))) == NULL ||
	    (t->maxw = calloc(ncols, sizeof(size_t))) == NULL ||
	    (t->right = calloc(ncols, sizeof(int))) == NULL)
		goto fail;
	for (i = 0; i < ncols; i++)
		if ((t->headers[i] = term_safe(headers[i], 0)) == NULL)
			goto fail;
	return t;
 fail:
	table_free(t);
	return NULL;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; t->headers != NULL && i < t->ncols; i++)
		free(t->headers[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->headers);
	free(t->cells);
	free(t->maxw);
	free(t->right);
	free(t);
}

void
table_align_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = 1;
}

void
table_max_width(struct table *t, size_t col, size_t width)
{
	if (col < t->ncols)
		t->maxw[col] = width;
}

int
table_add(struct table *t, const char *const *cells)
{
	char	**nc;
	size_t	  ncap, i, base;

	if (t->nrows == t->cap) {
		ncap = t->cap ? t->cap * 2 : 16;
		if (ncap > SIZE_MAX / t->ncols / sizeof(char *) ||
		    (nc = realloc(t->cells, ncap * t->ncols *
		    sizeof(char *))) == NULL)
			return LCN_ENOMEM;
		t->cells = nc;
		t->cap = ncap;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		if ((t->cells[base + i] = term_safe(cells[i],
		    t->maxw[i])) == NULL) {
			while (i-- > 0)
				free(t->cells[base + i]);
			return LCN_ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

size_t
table_rows(const struct table *t)
{
	return t->nrows;
}

static void
print_row(const struct table *t, char *const *row, const size_t *w, FILE *f)
{
	size_t i, cw, pad;

	for (i = 0; i < t->ncols; i++) {
		cw = term_width(row[i]);
		pad = w[i] > cw ? w[i] - cw : 0;
		if (i > 0)
			fputs("  ", f);
		if (t->right[i])
			fprintf(f, "%*s%s", (int)pad, "", row[i]);
		else if (i + 1 < t->ncols)
			fprintf(f, "%s%*s", row[i], (int)pad, "");
		else
			fputs(row[i], f);
	}
	fputc('\n', f);
}

void
table_print(const struct table *t, FILE *f)
{
	size_t	*w, i, r, cw;

	if ((w = calloc(t->ncols, sizeof(size_t))) == NULL)
		return;
	for (i = 0; i < t->ncols; i++)
		w[i] = term_width(t->headers[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if ((cw = term_width(t->cells[r * t->ncols +
			    i])) > w[i])
				w[i] = cw;
	print_row(t, t->headers, w, f);
	for (r = 0; r < t->nrows; r++)
		print_row(t, t->cells + r * t->ncols, w, f);
	free(w);
}
