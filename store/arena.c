/*
 * The arena (arena.h): a bump pointer over the caller's first block, then
 * over malloc'd chunks kept on a list, newest first. A piece that does not
 * fit in what is left of the current block gets a new chunk, at least as
 * large as the piece; the rest of the old block is abandoned, which costs
 * less than searching older blocks and keeps each allocation O(1).
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"

#define ALIGN	alignof(max_align_t)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;		/* bytes of data */
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a, size_t chunksz, void *buf, size_t bufsz)
{
	uintptr_t p, skip;

	a->chunks = NULL;
	a->chunksz = chunksz;
	a->first = NULL;
	a->firstsz = 0;
	if (buf != NULL) {
		/* Round the start up, so that every piece is aligned. */
		p = (uintptr_t)buf;
		skip = (ALIGN - p % ALIGN) % ALIGN;
		if (bufsz > skip) {
			a->first = (unsigned char *)buf + skip;
			a->firstsz = (bufsz - skip) & ~(ALIGN - 1);
		}
	}
	a->cur = a->first;
	a->left = a->firstsz;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t sz;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - sizeof(*c) - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (n > a->left) {
		sz = a->chunksz != 0 ? a->chunksz : ARENA_CHUNK_DEFAULT;
		if (n > sz)
			sz = n;
		if ((c = malloc(sizeof(*c) + sz)) == NULL)
			return NULL;
		c->next = a->chunks;
		c->size = sz;
		a->chunks = c;
		a->cur = c->data;
		a->left = sz;
	}
	p = a->cur;
	a->cur += n;
	a->left -= n;
	return p;
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a->chunks == NULL) {
		a->cur = a->first;
		a->left = a->firstsz;
		return;
	}
	for (c = a->chunks->next; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->chunks->next = NULL;
	a->cur = a->chunks->data;
	a->left = a->chunks->size;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->chunks = NULL;
	a->cur = a->first;
	a->left = a->firstsz;
}
