/*
 * SHA-256 and the ledger's two hashes built on it: the key id of an
 * Ed25519 public key and the leaf hash of a SignedEntry (0x00 || bytes).
 * The digest is fetched once, at hash_init().
 */
#include <openssl/evp.h>

#include "hash.h"
#include "lcn_err.h"

static EVP_MD *sha256;

int
hash_init(void)
{
	if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA256",
	    NULL)) == NULL)
		return LCN_ECRYPTO;
	return 0;
}

static void
digest2(const void *a, size_t alen, const void *b, size_t blen,
    const void *c, size_t clen, uint8_t out[HASH_LEN])
{
	EVP_MD_CTX	*ctx;
	unsigned int	 outlen = HASH_LEN;

	LCN_ASSERT(sha256 != NULL);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(ctx, sha256, NULL) ||
	    (alen && !EVP_DigestUpdate(ctx, a, alen)) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) ||
	    (clen && !EVP_DigestUpdate(ctx, c, clen)) ||
	    !EVP_DigestFinal_ex(ctx, out, &outlen))
		LCN_ASSERT(!"SHA-256 failed");
	EVP_MD_CTX_free(ctx);
}

void
hash_sha256(const void *data, size_t len, uint8_t out[HASH_LEN])
{
	digest2(data, len, NULL, 0, NULL, 0, out);
}

void
hash_leaf(const void *data, size_t len, uint8_t out[HASH_LEN])
{
	static const uint8_t zero = 0x00;

	digest2(&zero, 1, data, len, NULL, 0, out);
}

void
hash_node(const uint8_t l[HASH_LEN], const uint8_t r[HASH_LEN],
    uint8_t out[HASH_LEN])
{
	static const uint8_t one = 0x01;

	digest2(&one, 1, l, HASH_LEN, r, HASH_LEN, out);
}
