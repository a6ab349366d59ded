/*
 * Ed25519 signing keys and public keys: loading them from PEM files,
 * signing the bytes "LCN-ENTRY-1\0" || entry and verifying them
 * (PROTOCOL.md section 3.4).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hash.h"
#include "keyfile.h"
#include "lcn_err.h"
#include "sig.h"

/* Domain separation: an entry signature can never be taken for another. */
static const uint8_t entry_context[12] = "LCN-ENTRY-1";	/* with its NUL */

struct sig_pubkey {
	EVP_PKEY	*pkey;
	uint8_t		 raw[PUBKEY_LEN];
	uint8_t		 id[KEY_ID_LEN];
};

struct sig_key {
	EVP_PKEY		*pkey;
	struct sig_pubkey	*pub;
	EVP_MD_CTX		*ctx;	/* reused: signing is one thread's job */
};

static int
pubkey_wrap(EVP_PKEY *pkey, struct sig_pubkey **out)
{
	struct sig_pubkey	*pk;
	size_t			 len = PUBKEY_LEN;

	*out = NULL;
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519)
		return LCN_ECRYPTO;
	if ((pk = calloc(1, sizeof(*pk))) == NULL)
		return LCN_ENOMEM;
	if (!EVP_PKEY_get_raw_public_key(pkey, pk->raw, &len) ||
	    len != PUBKEY_LEN) {
		free(pk);
		return LCN_ECRYPTO;
	}
	hash_sha256(pk->raw, PUBKEY_LEN, pk->id);
	pk->pkey = pkey;
	*out = pk;
	return 0;
}

/*
 * The PEM is parsed from memory, which the caller wipes: the key's bytes
 * never pass through a stdio buffer that would be freed unwiped.
 */
int
sig_key_from_pem(const uint8_t *pem, size_t pemlen, struct sig_key **out)
{
	struct sig_key	*k = NULL;
	EVP_PKEY	*pkey = NULL, *pub = NULL;
	BIO		*bio = NULL;
	uint8_t		 raw[PUBKEY_LEN];
	size_t		 len = sizeof(raw);
	int		 r = LCN_ECRYPTO;

	*out = NULL;
	if (pemlen > INT_MAX ||
	    (bio = BIO_new_mem_buf(pem, (int)pemlen)) == NULL)
		goto out;
	if ((pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL ||
	    EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519 ||
	    !EVP_PKEY_get_raw_public_key(pkey, raw, &len) ||
	    (pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
	    len)) == NULL)
		goto out;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	if ((r = pubkey_wrap(pub, &k->pub)) != 0)
		goto out;
	pub = NULL;
	k->pkey = pkey;
	pkey = NULL;
	*out = k;
	k = NULL;
	r = 0;
 out:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	EVP_PKEY_free(pub);
	sig_key_free(k);
	return r;
}

int
sig_key_load(const char *path, struct sig_key **out, char *errbuf,
    size_t errbufsz)
{
	uint8_t	*pem;
	size_t	 len;
	int	 r;

	*out = NULL;
	if ((r = keyfile_read(path, "signing key", 0, &pem, &len, errbuf,
	    errbufsz)) != 0)
		return r;
	if ((r = sig_key_from_pem(pem, len, out)) == LCN_ECRYPTO)
		snprintf(errbuf, errbufsz, "%s: expected a PEM Ed25519 "
		    "private key", path);
	keyfile_free(pem, len);
	return r;
}

void
sig_key_free(struct sig_key *k)
{
	if (k == NULL)
		return;
	EVP_MD_CTX_free(k->ctx);
	EVP_PKEY_free(k->pkey);	/* OpenSSL cleanses private key material */
	sig_pubkey_free(k->pub);
	free(k);
}

const struct sig_pubkey *
sig_key_public(const struct sig_key *k)
{
	return k->pub;
}

int
sig_pubkey_load(const char *path, struct sig_pubkey **out)
{
	EVP_PKEY	*pkey;
	FILE		*f;
	int		 r;

	*out = NULL;
	if ((f = fopen(path, "r")) == NULL)
		return LCN_EIO;
	pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL)
		return LCN_ECRYPTO;
	if ((r = pubkey_wrap(pkey, out)) != 0)
		EVP_PKEY_free(pkey);
	return r;
}

int
sig_pubkey_from_raw(const uint8_t raw[PUBKEY_LEN], struct sig_pubkey **out)
{
	EVP_PKEY	*pkey;
	int		 r;

	*out = NULL;
	if ((pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw,
	    PUBKEY_LEN)) == NULL)
		return LCN_ECRYPTO;
	if ((r = pubkey_wrap(pkey, out)) != 0)
		EVP_PKEY_free(pkey);
	return r;
}

void
sig_pubkey_free(struct sig_pubkey *pk)
{
	if (pk == NULL)
		return;
	EVP_PKEY_free(pk->pkey);
	free(pk);
}

const uint8_t *
sig_pubkey_id(const struct sig_pubkey *pk)
{
	return pk->id;
}

const uint8_t *
sig_pubkey_raw(const struct sig_pubkey *pk)
{
	return pk->raw;
}

/*
 * Ed25519 is one-shot: the message is the context followed by the entry.
 * Entries are bounded by ENTRY_MAX, so one stack-free copy is cheap next
 * to the signature arithmetic.
 */
static uint8_t *
with_context(const uint8_t *entry, size_t len, size_t *outlen)
{
	uint8_t *m;

	if (len > ENTRY_MAX || (m = malloc(sizeof(entry_context) + len)) ==
	    NULL)
		return NULL;
	memcpy(m, entry_context, sizeof(entry_context));
	memcpy(m + sizeof(entry_context), entry, len);
	*outlen = sizeof(entry_context) + len;
	return m;
}

/*
 * Not thread-safe: the key's context is reused, since re-initialising one
 * context signs about 10% faster than making a new one per entry, and
 * signing is sequential anyway (each entry commits to the previous one's
 * signature).
 */
int
sig_sign_entry(const struct sig_key *k, const uint8_t *entry, size_t len,
    uint8_t sig[SIG_LEN])
{
	struct sig_key	*mk = (struct sig_key *)k;
	uint8_t		*m;
	size_t		 mlen, siglen = SIG_LEN;
	int		 r = LCN_ECRYPTO;

	if ((m = with_context(entry, len, &mlen)) == NULL)
		return LCN_EINVAL;
	if (mk->ctx == NULL)
		mk->ctx = EVP_MD_CTX_new();
	if (mk->ctx != NULL &&
	    EVP_DigestSignInit_ex(mk->ctx, NULL, NULL, NULL, NULL, k->pkey,
	    NULL) == 1 &&
	    EVP_DigestSign(mk->ctx, sig, &siglen, m, mlen) == 1 &&
	    siglen == SIG_LEN)
		r = 0;
	free(m);
	return r;
}

int
sig_verify_entry(const struct sig_pubkey *pk, const uint8_t *entry,
    size_t len, const uint8_t sig[SIG_LEN])
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		*m;
	size_t		 mlen;
	int		 r = LCN_EBADSIG;

	if ((m = with_context(entry, len, &mlen)) == NULL)
		return LCN_EBADSIG;
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pk->pkey,
	    NULL) == 1 &&
	    EVP_DigestVerify(ctx, sig, SIG_LEN, m, mlen) == 1)
		r = 0;
	EVP_MD_CTX_free(ctx);
	free(m);
	return r;
}
