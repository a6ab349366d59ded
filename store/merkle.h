/*
 * RFC 9162 Merkle tree hashes over a feed's leaf hashes, kept as a compact
 * range (PROTOCOL.md section 3.8): the roots of the perfect subtrees that make
 * up the first n leaves, largest first, one per set bit of n. Appending a
 * leaf costs at most log2(n) interior hashes and computing the root
 * popcount(n) - 1; nothing else of the tree is held. Pure: no I/O, no
 * allocation. Call hash_init() first.
 */
#ifndef LCN_MERKLE_H
#define LCN_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

struct merkle_range {
	uint64_t	n;			/* leaves covered */
	size_t		nhashes;		/* popcount(n) */
	uint8_t		hashes[MERKLE_RANGE_MAX][HASH_LEN]; /* largest first */
};

/* An empty range (n = 0). */
void	merkle_init(struct merkle_range *);

/*
 * Appends one leaf hash (already hash_leaf()ed). Returns 0, or LCN_EINVAL
 * if the range already covers UINT64_MAX leaves (nothing changes then).
 */
int	merkle_append(struct merkle_range *, const uint8_t leaf[HASH_LEN]);

/*
 * The RFC 9162 Merkle tree hash of the n leaves: SHA-256("") when n is 0,
 * the leaf hash itself when n is 1, else the right fold of the subtree
 * roots with hash_node().
 */
void	merkle_root(const struct merkle_range *, uint8_t out[HASH_LEN]);

/* 1 if nhashes is popcount(n) and within MERKLE_RANGE_MAX, else 0. */
int	merkle_valid(const struct merkle_range *);

#endif
