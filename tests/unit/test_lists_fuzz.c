/*
 * Regressions found by tests/fuzz/fuzz_lists, each named after the bug:
 * list files an officer downloads are hostile input, and each input that
 * once crashed the reader (or was undefined behaviour, which the ASan and
 * UBSan tree turns into a crash) is read here as a plain file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lcn_err.h"
#include "lists.h"
#include "test_tmpdir.h"

static char	tmp[TEST_TMPDIR_MAX];

static int
setup(void **state)
{
	(void)state;
	return test_tmpdir_make(tmp, sizeof(tmp), "lists-fuzz");
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmp);
}

/* Writes len bytes of text to tmp/name; returns the path (static). */
static const char *
put(const char *name, const char *text, size_t len)
{
	static char	 path[TEST_TMPDIR_MAX + 32];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int
count(const struct list_party *p, void *arg)
{
	(void)p;
	(*(size_t *)arg)++;
	return 0;
}

static const char sdn1[] =
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- \n";

/*
 * An alt.csv with no usable row (empty, or rows of the wrong shape) left
 * the reader with nothing to sort, and it called qsort(NULL, 0, ...):
 * undefined behaviour, as glibc declares the base nonnull. fuzz_lists
 * found it in 70 runs. Such a file is not the format (LCN_EPROTO, as
 * for the main file), and reading it must be defined behaviour.
 */
static void
ofac_rejects_an_alt_file_without_rows(void **state)
{
	struct list_ops		 ops = { .party = count };
	struct list_stats	 st;
	const char		*sdn;
	const char		*alt[] = { "", "x\n", "36,12,\"aka\"\n" };
	size_t			 i, n = 0;
	char			 err[LIST_ERR_MAX];

	(void)state;
	ops.arg = &n;
	sdn = put("sdn.csv", sdn1, sizeof(sdn1) - 1);
	for (i = 0; i < sizeof(alt) / sizeof(alt[0]); i++) {
		put("alt.csv", alt[i], strlen(alt[i]));
		assert_int_equal(list_read(LIST_OFAC_SDN, sdn, &ops, &st, err,
		    sizeof(err)), LCN_EPROTO);
		assert_non_null(strstr(err, "alt.csv"));
		assert_int_equal(st.parties, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ofac_rejects_an_alt_file_without_rows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
