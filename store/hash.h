/*
 * SHA-256 with the algorithm fetched once (EVP_MD_fetch), since EVP_sha256()
 * looks it up on every call and does not scale across threads. Safe to call
 * from any thread after hash_init().
 */
#ifndef LCN_HASH_H
#define LCN_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

/* Fetches the digest; 0 or LCN_ECRYPTO. Call once at start. */
int	hash_init(void);
void	hash_sha256(const void *data, size_t len, uint8_t out[HASH_LEN]);
/* RFC 9162 leaf hash: SHA-256(0x00 || data). */
void	hash_leaf(const void *data, size_t len, uint8_t out[HASH_LEN]);
/* RFC 9162 interior node: SHA-256(0x01 || left || right). */
void	hash_node(const uint8_t l[HASH_LEN], const uint8_t r[HASH_LEN],
	    uint8_t out[HASH_LEN]);

#endif
