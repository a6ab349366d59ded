/*
 * An arena: memory handed out in aligned pieces from blocks that never
 * move, and given back all at once. It serves code that builds many small
 * short-lived objects with one lifetime, such as one parsed JSON body or
 * one list party, so that nothing has to be freed piece by piece. It is not
 * a general allocator: nothing is freed alone and nothing grows in place.
 *
 * The first block may be the caller's (an inline buffer, so that a small
 * job needs no malloc at all); further blocks are malloc'd chunks. Every
 * piece is aligned for any object (alignof(max_align_t)) and stays valid
 * until arena_reset() or arena_free(). Not thread-safe: one arena belongs
 * to one thread at a time.
 */
#ifndef LCN_ARENA_H
#define LCN_ARENA_H

#include <stddef.h>

#define ARENA_CHUNK_DEFAULT	16384	/* bytes of a chunk when 0 is given */

struct arena_chunk;

/*
 * The fields are private; the struct is public so that an arena can live
 * inside its user. A zeroed struct arena is an empty arena with no first
 * block and ARENA_CHUNK_DEFAULT chunks.
 */
struct arena {
	unsigned char		*cur;		/* next free byte */
	size_t			 left;		/* bytes free at cur */
	struct arena_chunk	*chunks;	/* malloc'd, newest first */
	unsigned char		*first;		/* caller's block, or NULL */
	size_t			 firstsz;	/* its usable bytes */
	size_t			 chunksz;	/* of a new chunk; 0: default */
};

/*
 * Make a an empty arena. New chunks hold chunksz bytes (0 for
 * ARENA_CHUNK_DEFAULT), or more for a larger piece. buf, if not NULL, is
 * used first: bufsz bytes owned by the caller, which must outlive the arena;
 * it need not be aligned. Allocates nothing.
 */
void	 arena_init(struct arena *a, size_t chunksz, void *buf, size_t bufsz);

/*
 * n bytes (1 if n is 0), aligned for any object and not initialised, valid
 * until arena_reset() or arena_free(). Returns NULL when out of memory or
 * when n is too large to allocate; the arena is then unchanged.
 */
void	*arena_alloc(struct arena *a, size_t n);

/*
 * Give back every piece at once but keep memory for reuse: the newest
 * chunk if there is one (the others are freed), else the caller's block.
 * For a loop that builds one object at a time.
 */
void	 arena_reset(struct arena *a);

/*
 * Free every chunk; the arena is then empty, as after arena_init(), and
 * may be used again. The caller's block is not freed. a may be NULL.
 */
void	 arena_free(struct arena *a);

#endif
