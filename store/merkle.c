/*
 * Compact-range Merkle tree hashing (RFC 9162 section 2.1.1). Leaves are
 * numbered from 0; the range for n leaves holds, left to right, the root
 * of each perfect subtree given by the binary digits of n. That is exactly
 * the RFC's split (the largest power of two below n goes left), so folding
 * the stack from the right gives MTH(D[0:n]).
 */
#include <string.h>

#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"

void
merkle_init(struct merkle_range *r)
{
	memset(r, 0, sizeof(*r));
}

int
merkle_append(struct merkle_range *r, const uint8_t leaf[HASH_LEN])
{
	uint8_t		h[HASH_LEN];
	uint64_t	n;

	if (r->n == UINT64_MAX)
		return LCN_EINVAL;
	LCN_ASSERT(r->nhashes <= MERKLE_RANGE_MAX);
	memcpy(h, leaf, HASH_LEN);
	/*
	 * Each trailing one bit of n is a perfect subtree of the same size
	 * as the one being carried: merge them, as a binary counter does.
	 */
	for (n = r->n; n & 1; n >>= 1) {
		LCN_ASSERT(r->nhashes > 0);
		r->nhashes--;
		hash_node(r->hashes[r->nhashes], h, h);
	}
	LCN_ASSERT(r->nhashes < MERKLE_RANGE_MAX);
	memcpy(r->hashes[r->nhashes++], h, HASH_LEN);
	r->n++;
	return 0;
}

void
merkle_root(const struct merkle_range *r, uint8_t out[HASH_LEN])
{
	uint8_t	h[HASH_LEN];
	size_t	i;

	if (r->nhashes == 0) {
		hash_sha256("", 0, out);
		return;
	}
	i = r->nhashes - 1;
	memcpy(h, r->hashes[i], HASH_LEN);
	while (i-- > 0)
		hash_node(r->hashes[i], h, h);
	memcpy(out, h, HASH_LEN);
}

int
merkle_valid(const struct merkle_range *r)
{
	return r->nhashes <= MERKLE_RANGE_MAX &&
	    r->nhashes == (size_t)__builtin_popcountll(r->n);
}
