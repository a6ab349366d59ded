/*
 * The arena (arena.h): alignment, the caller's first block used before any
 * malloc, chunks for what does not fit, reset keeping memory for reuse, and
 * sizes too large to allocate refused without a change.
 */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static int
aligned(const void *p)
{
	return (uintptr_t)p % alignof(max_align_t) == 0;
}

/* Whether p points into buf[0..n); compared as integers, since p may not. */
static int
inside(const void *p, const void *buf, size_t n)
{
	uintptr_t x = (uintptr_t)p, b = (uintptr_t)buf;

	return x >= b && x - b < n;
}

static void
arena_aligns_every_piece(void **state)
{
	struct arena a;
	size_t n;
	void *p;

	(void)state;
	arena_init(&a, 256, NULL, 0);
	for (n = 0; n < 100; n++) {
		assert_non_null(p = arena_alloc(&a, n));
		assert_true(aligned(p));
		memset(p, 0xa5, n);
	}
	arena_free(&a);
}

static void
arena_uses_the_callers_block_first(void **state)
{
	alignas(max_align_t) unsigned char buf[1024 + 1];
	struct arena a;
	unsigned char *p;

	(void)state;
	/* An unaligned block is rounded up, not refused. */
	arena_init(&a, 0, buf + 1, sizeof(buf) - 1);
	assert_non_null(p = arena_alloc(&a, 10));
	assert_true(inside(p, buf + 1, sizeof(buf) - 1));
	assert_true(aligned(p));
	assert_null(a.chunks);
	/* More than is left goes to a chunk. */
	assert_non_null(p = arena_alloc(&a, 2048));
	assert_false(inside(p, buf, sizeof(buf)));
	assert_non_null(a.chunks);
	arena_free(&a);
	assert_null(a.chunks);
	/* After arena_free the block is used again. */
	assert_non_null(p = arena_alloc(&a, 10));
	assert_true(inside(p, buf + 1, sizeof(buf) - 1));
	arena_free(&a);
}

static void
arena_reset_keeps_the_newest_chunk(void **state)
{
	struct arena a;
	void *first, *p;
	size_t i;

	(void)state;
	arena_init(&a, 128, NULL, 0);
	for (i = 0; i < 40; i++)
		assert_non_null(arena_alloc(&a, 100));
	first = a.chunks;
	arena_reset(&a);
	assert_ptr_equal(a.chunks, first);
	assert_non_null(p = arena_alloc(&a, 100));
	assert_ptr_equal(a.chunks, first);
	arena_free(&a);
}

static void
arena_piece_larger_than_a_chunk_gets_its_own(void **state)
{
	struct arena a;
	unsigned char *p;

	(void)state;
	arena_init(&a, 64, NULL, 0);
	assert_non_null(p = arena_alloc(&a, 100000));
	memset(p, 0, 100000);
	assert_non_null(arena_alloc(&a, 8));
	arena_free(&a);
}

static void
arena_refuses_sizes_too_large_without_a_change(void **state)
{
	struct arena a, before;

	(void)state;
	arena_init(&a, 0, NULL, 0);
	assert_non_null(arena_alloc(&a, 1));
	before = a;
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX - 8));
	assert_memory_equal(&a, &before, sizeof(a));
	arena_free(&a);
}

static void
arena_zeroed_is_empty_and_free_takes_null(void **state)
{
	struct arena a;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_non_null(arena_alloc(&a, 1));
	arena_reset(&a);
	arena_free(&a);
	arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_aligns_every_piece),
		cmocka_unit_test(arena_uses_the_callers_block_first),
		cmocka_unit_test(arena_reset_keeps_the_newest_chunk),
		cmocka_unit_test(arena_piece_larger_than_a_chunk_gets_its_own),
		cmocka_unit_test(
		    arena_refuses_sizes_too_large_without_a_change),
		cmocka_unit_test(arena_zeroed_is_empty_and_free_takes_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
