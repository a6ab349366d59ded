/*
 * The list reader tests' fixture (test_lists_fx.h): the callbacks that
 * record what list_read() delivers, and the group's temporary directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "test_lists_fx.h"

char fx_tmpdir[TEST_TMPDIR_MAX];

int
fx_setup(void **state)
{
	(void)state;
	return test_tmpdir_make(fx_tmpdir, sizeof(fx_tmpdir), "lists");
}

int
fx_teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(fx_tmpdir);
}

int
on_party(const struct list_party *p, void *arg)
{
	struct seen *s = arg;
	size_t i;

	assert_non_null(p->name);
	assert_non_null(p->ref);
	assert_non_null(p->source);
	assert_true(p->ncountries == 0 || p->country == p->countries[0]);
	s->kinds[p->kind]++;
	s->aliases += p->naliases;
	s->idents += p->nidents;
	for (i = 0; i < p->naliases; i++) {
		assert_non_null(p->aliases[i].name);
		s->weak += p->aliases[i].weak;
		s->fka += p->aliases[i].type == LIST_FKA;
	}
	if (p->name_local != NULL)
		s->local++;
	for (i = 0; i < s->nwant; i++) {
		if ((s->want[i].ref != NULL &&
		    strcmp(s->want[i].ref, p->ref) == 0) ||
		    (s->want[i].ref == NULL &&
		    strcmp(s->want[i].name, p->name) == 0)) {
			s->want[i].check(p);
			s->want[i].found++;
		}
	}
	if (s->refs != NULL)
		assert_non_null(s->refs[s->parties] = strdup(p->ref));
	s->parties++;
	if (s->stop_after > 0 && s->parties == (size_t)s->stop_after)
		return 99;
	return 0;
}

static void
on_bad(const char *file, unsigned long line, const char *reason, void *arg)
{
	struct seen *s = arg;

	assert_non_null(file);
	if (s->bad_calls++ == 0) {
		s->bad_line = line;
		snprintf(s->bad_reason, sizeof(s->bad_reason), "%s", reason);
	}
}

static void
on_progress(uint64_t done, uint64_t total, void *arg)
{
	struct seen *s = arg;

	assert_true(done >= s->last_done);
	assert_true(done <= total);
	s->progress_calls++;
	s->last_done = done;
	s->last_total = total;
}

int
read_list(enum list_format fmt, const char *path, struct seen *s,
    struct list_stats *st, char *err, size_t errsz)
{
	struct list_ops ops = { on_party, on_bad, on_progress, s };

	return list_read(fmt, path, &ops, st, err, errsz);
}

static int
strcmpp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
assert_refs_unique(struct seen *s, size_t ndup)
{
	size_t i, dup = 0;

	qsort(s->refs, s->parties, sizeof(*s->refs), strcmpp);
	for (i = 1; i < s->parties; i++)
		if (strcmp(s->refs[i - 1], s->refs[i]) == 0)
			dup++;
	assert_int_equal(dup, ndup);
	for (i = 0; i < s->parties; i++)
		free(s->refs[i]);
	free(s->refs);
	s->refs = NULL;
}

void
assert_all_found(const struct seen *s)
{
	size_t i;

	for (i = 0; i < s->nwant; i++) {
		if (s->want[i].found != 1)
			fail_msg("record %s found %d times", s->want[i].ref ?
			    s->want[i].ref : s->want[i].name, s->want[i].found);
	}
}

const char *
put(const char *name, const void *data, size_t len)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", fx_tmpdir, name);
	assert_non_null(f = fopen(p, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return p;
}

const char *
puts_(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

void
rm(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", fx_tmpdir, name);
	(void)unlink(p);
}
