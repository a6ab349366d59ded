/*
 * Ed25519 signing and verification of ledger entries (PROTOCOL.md section 3.4):
 * the signature covers "LCN-ENTRY-1\0" || entry_bytes. Keys are PEM files
 * made by certs/make-agency. A leaf module: no libuv, no LMDB.
 *
 * A struct sig_pubkey is immutable once made and may be used by several
 * threads at once (the libuv pool verifies batches with it).
 */
#ifndef LCN_SIG_H
#define LCN_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

struct sig_key;		/* private signing key */
struct sig_pubkey;	/* public key with its key id */

/*
 * Loads a PEM Ed25519 private key file, read with keyfile_read() (no
 * symbolic link, owned by this user, mode 0600 or 0400, in a directory
 * no one else may write). Fails with LCN_EINVAL if the file fails those
 * checks, LCN_EIO if it cannot be read, LCN_ECRYPTO if it is not an
 * Ed25519 key. *errbuf gets the reason.
 */
int	sig_key_load(const char *path, struct sig_key **out, char *errbuf,
	    size_t errbufsz);
/*
 * Parses a PEM Ed25519 private key held in memory (pem need not be
 * NUL-terminated); the caller wipes pem. 0, LCN_ENOMEM, or LCN_ECRYPTO if
 * it is not one.
 */
int	sig_key_from_pem(const uint8_t *pem, size_t pemlen,
	    struct sig_key **out);
void	sig_key_free(struct sig_key *);
const struct sig_pubkey *sig_key_public(const struct sig_key *);

/* Loads a PEM Ed25519 public key; LCN_EIO or LCN_ECRYPTO. */
int	sig_pubkey_load(const char *path, struct sig_pubkey **out);
int	sig_pubkey_from_raw(const uint8_t raw[PUBKEY_LEN],
	    struct sig_pubkey **out);
void	sig_pubkey_free(struct sig_pubkey *);
/* Key id: SHA-256 of the raw 32-byte public key. Borrowed, lives with pk. */
const uint8_t *sig_pubkey_id(const struct sig_pubkey *);
const uint8_t *sig_pubkey_raw(const struct sig_pubkey *);

/*
 * Signs entry bytes; 0, LCN_EINVAL (over ENTRY_MAX) or LCN_ECRYPTO. One
 * thread at a time per key.
 */
int	sig_sign_entry(const struct sig_key *, const uint8_t *entry,
	    size_t len, uint8_t sig[SIG_LEN]);
/* 0 if sig is valid over entry bytes, else LCN_EBADSIG. Thread-safe. */
int	sig_verify_entry(const struct sig_pubkey *, const uint8_t *entry,
	    size_t len, const uint8_t sig[SIG_LEN]);

#endif
