/*
 * Unit tests for publish_line.c: lcn publish's request line is read
 * without a JSON tree only when it is exactly what lcn writes; every
 * other spelling is left to the JSON path with nothing returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "publish_pipe.h"

static int
parse(const char *line, char *group, struct bytes **b, size_t *n)
{
	return publish_line_parse(line, strlen(line), group,
	    GROUP_NAME_MAX + 1, b, n);
}

static void
publish_line_reads_what_lcn_writes(void **state)
{
	char		 group[GROUP_NAME_MAX + 1];
	struct bytes	*b;
	size_t		 n, i;

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"publish\",\"group\":\"WA\","
	    "\"encoded\":[\"Zm9v\",\"\",\"Zg==\"]}", group, &b, &n), 0);
	assert_string_equal(group, "WA");
	assert_int_equal(n, 3);
	assert_int_equal(b[0].len, 3);
	assert_memory_equal(b[0].ptr, "foo", 3);
	assert_int_equal(b[1].len, 0);
	assert_int_equal(b[2].len, 1);
	assert_memory_equal(b[2].ptr, "f", 1);
	for (i = 0; i < n; i++)
		free((void *)b[i].ptr);
	free(b);
}

static void
publish_line_leaves_anything_else_to_json(void **state)
{
	static const char *const other[] = {
		"",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[]}",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9v\"]} ",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9v\"]",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9v\",]}",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9v\" ]}",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9\"]}",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm\\u0039v\"]}",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9v",
		"{\"cmd\":\"publish\",\"group\":\"W\\\"A\",\"encoded\":[\"Zm9v\"]}",
		"{\"cmd\":\"publish\",\"group\":\"\",\"encoded\":[\"Zm9v\"]}",
		"{\"cmd\":\"publish\",\"group\":\"W A\",\"encoded\":[\"Zm9v\"]}",
		"{\"cmd\": \"publish\",\"group\":\"WA\",\"encoded\":[\"Zm9v\"]}",
		"{\"cmd\":\"publish\",\"group\":\"WA\",\"bodies\":[{}]}",
		"{\"cmd\":\"status\"}",
	};
	char		 group[GROUP_NAME_MAX + 1];
	struct bytes	*b;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		b = (struct bytes *)1;
		n = 1;
		assert_int_equal(parse(other[i], group, &b, &n), LCN_EINVAL);
		assert_null(b);
		assert_int_equal(n, 0);
	}
}

static void
publish_line_refuses_more_than_a_batch(void **state)
{
	char		 group[GROUP_NAME_MAX + 1], *line, *p;
	struct bytes	*b;
	size_t		 i, n;

	(void)state;
	line = malloc(64 + (size_t)(PUBLISH_BATCH_MAX + 1) * 7);
	assert_non_null(line);
	p = line + sprintf(line, "{\"cmd\":\"publish\",\"group\":\"WA\","
	    "\"encoded\":[");
	for (i = 0; i <= PUBLISH_BATCH_MAX; i++)
		p += sprintf(p, "%s\"Zm9v\"", i ? "," : "");
	strcpy(p, "]}");
	assert_int_equal(parse(line, group, &b, &n), LCN_EINVAL);
	assert_null(b);
	/* One fewer is a batch. */
	strcpy(strrchr(line, ','), "]}");
	assert_int_equal(parse(line, group, &b, &n), 0);
	assert_int_equal(n, PUBLISH_BATCH_MAX);
	for (i = 0; i < n; i++)
		free((void *)b[i].ptr);
	free(b);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_line_reads_what_lcn_writes),
		cmocka_unit_test(publish_line_leaves_anything_else_to_json),
		cmocka_unit_test(publish_line_refuses_more_than_a_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
