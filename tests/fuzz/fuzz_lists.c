/*
 * libFuzzer harness for list_read, the importers of the screening lists
 * an officer downloads from the internet. The first byte of the input
 * picks the format (its value modulo 5, in the order of enum list_format)
 * and how many parties the callback takes before it stops the read (its
 * value divided by 5; 0 never stops). The rest is the file. For the OFAC
 * SDN format a form feed (0x0c, which no real list holds) splits the rest
 * into sdn.csv, alt.csv and add.csv; a part that is not there is not
 * written, as when a user has only sdn.csv.
 *
 * Besides "no crash, no leak, no UB": the return is one the header lists;
 * a callback that stops the read gets its own value back; every party has
 * a name and a ref, its counts are within the LIST_ limits, its text is
 * valid UTF-8 and its countries are two capital letters; the stats count
 * what the callback saw.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lcn_err.h"
#include "lists.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

#define NFORMATS	5
#define STOP_RC		77	/* what the callback returns to stop */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	dir[64];
static char	paths[3][128];	/* sdn.csv (the main file), alt.csv, add.csv */

struct seen {
	size_t	parties;
	size_t	stop_after;	/* 0: never */
};

static void
cleanup(void)
{
	size_t	i;

	for (i = 0; i < 3; i++)
		unlink(paths[i]);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/lcn-fuzz-lists-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	atexit(cleanup);
	snprintf(paths[0], sizeof(paths[0]), "%s/sdn.csv", dir);
	snprintf(paths[1], sizeof(paths[1]), "%s/alt.csv", dir);
	snprintf(paths[2], sizeof(paths[2]), "%s/add.csv", dir);
	return 0;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	int			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

static void
check_text(const char *s)
{
	if (s != NULL) {
		CHECK(utf8_valid(s));
		/* Surrounding ASCII white space is removed. */
		if (*s != '\0')
			CHECK(strchr(" \t\r\n", s[0]) == NULL &&
			    strchr(" \t\r\n", s[strlen(s) - 1]) == NULL);
	}
}

static void
check_iso2(const char *c)
{
	if (c != NULL)
		CHECK(c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' &&
		    c[1] <= 'Z' && c[2] == '\0');
}

static int
party(const struct list_party *p, void *arg)
{
	struct seen	*s = arg;
	size_t		 i;

	CHECK(p->source != NULL && p->ref != NULL && p->name != NULL);
	CHECK(p->naliases <= LIST_ALIASES_MAX);
	CHECK(p->naddresses <= LIST_ADDRESSES_MAX);
	CHECK(p->nidents <= LIST_IDENTS_MAX);
	CHECK(p->ncountries <= LIST_COUNTRIES_MAX);
	check_text(p->name);
	check_text(p->ref);
	check_text(p->list);
	check_text(p->name_local);
	check_text(p->programs);
	check_text(p->remarks);
	check_text(p->legal_basis);
	check_text(p->start_date);
	check_text(p->end_date);
	check_iso2(p->country);
	for (i = 0; i < p->naliases; i++) {
		CHECK(p->aliases[i].name != NULL);
		check_text(p->aliases[i].name);
	}
	for (i = 0; i < p->naddresses; i++) {
		check_text(p->addresses[i].text);
		check_text(p->addresses[i].country_name);
		check_iso2(p->addresses[i].country);
	}
	for (i = 0; i < p->nidents; i++) {
		CHECK(p->idents[i].value != NULL);
		check_text(p->idents[i].type);
		check_text(p->idents[i].value);
		check_iso2(p->idents[i].country);
	}
	for (i = 0; i < p->ncountries; i++)
		check_iso2(p->countries[i]);
	if (p->denial != NULL) {
		CHECK(p->denial->reference != NULL);
		check_text(p->denial->reference);
		check_text(p->denial->item_description);
		check_text(p->denial->consignee_name);
	}
	s->parties++;
	if (s->stop_after != 0 && s->parties == s->stop_after)
		return STOP_RC;
	return 0;
}

static void
write_part(const char *path, const uint8_t *p, size_t len)
{
	FILE	*f;

	CHECK((f = fopen(path, "wb")) != NULL);
	CHECK(len == 0 || fwrite(p, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct list_ops		 ops = { .party = party };
	struct list_stats	 st;
	struct seen		 s = { 0, 0 };
	enum list_format	 fmt;
	const uint8_t		*p, *ff;
	size_t			 left, i, len;
	char			 err[LIST_ERR_MAX];
	int			 rc;

	if (size < 1)
		return 0;
	fmt = (enum list_format)(data[0] % NFORMATS);
	s.stop_after = data[0] / NFORMATS;
	p = data + 1;
	left = size - 1;
	for (i = 0; i < 3; i++)
		CHECK(unlink(paths[i]) == 0 || errno == ENOENT);
	for (i = 0; i < 3; i++) {
		ff = fmt == LIST_OFAC_SDN && i < 2 ? memchr(p, '\f', left) :
		    NULL;
		len = ff != NULL ? (size_t)(ff - p) : left;
		write_part(paths[i], p, len);
		if (ff == NULL)
			break;
		p += len + 1;
		left -= len + 1;
	}

	ops.arg = &s;
	rc = list_read(fmt, paths[0], &ops, &st, err, sizeof(err));
	CHECK(rc == 0 || rc == LCN_EPROTO || rc == LCN_EIO ||
	    rc == LCN_ENOMEM || rc == STOP_RC);
	CHECK(rc != STOP_RC || (s.stop_after != 0 &&
	    s.parties == s.stop_after));
	CHECK(s.stop_after == 0 || s.parties < s.stop_after || rc == STOP_RC);
	CHECK(st.parties == s.parties);
	CHECK(st.bytes_read <= st.bytes_total);
	CHECK(strnlen(st.first_bad, sizeof(st.first_bad)) <
	    sizeof(st.first_bad));
	if (rc == 0)
		CHECK(st.bad_rows > 0 || st.first_bad[0] == '\0');
	return 0;
}
