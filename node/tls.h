/*
 * TLS 1.3 with mutual authentication over OpenSSL memory BIOs: this module
 * never touches a socket. The caller feeds ciphertext read from the
 * network in, takes ciphertext to write out, and reads and writes
 * plaintext. Only tls*.c include <openssl/ssl.h>.
 *
 * Peer identity (PROTOCOL.md section 2): a peer is trusted only if its chain
 * verifies against the CA configured for the partner its certificate names
 * in its URI SAN "urn:lcn:agency:<ID>", so a partner's CA can never vouch
 * for another partner. When dialling, the SAN must also name the partner
 * dialled. Expiry is enforced, CRLs are honoured when configured, and a
 * peer without a certificate is refused, as is a leaf that is a CA or
 * lacks the extendedKeyUsage of its side (clientAuth for a partner that
 * dials, serverAuth for one dialled). An open session can be verified
 * again against a newer context (tls_conn_recheck).
 */
#ifndef LCN_TLS_H
#define LCN_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

struct tls_ctx;
struct tls_conn;

/*
 * Makes a context with this node's certificate chain and its private key,
 * given as PEM bytes in memory (lcnd's config_open_keys read them; the
 * caller wipes them, the context keeps its own copy); key_name names the
 * key in messages. 0, LCN_EIO or LCN_ETLS with the reason in errbuf (also
 * when the certificate carries no valid URI SAN "urn:lcn:agency:<ID>" or
 * the key does not match it).
 */
int	tls_ctx_new_key(const char *cert_path, const uint8_t *key_pem,
	    size_t key_len, const char *key_name, struct tls_ctx **out,
	    char *errbuf, size_t errbufsz);
/*
 * The same with the key read from key_path by keyfile_read() (no symbolic
 * link, owned by this user, mode 0600 or 0400, in a directory no one else
 * may write): LCN_EINVAL if it fails those checks, LCN_EIO if it cannot be
 * read. For tools and tests; lcnd reads its key once, at configuration.
 */
int	tls_ctx_new(const char *cert_path, const char *key_path,
	    struct tls_ctx **out, char *errbuf, size_t errbufsz);
/*
 * Trusts ca_path (and crl_path if not NULL or empty) for partner agency
 * only. 0, LCN_EIO or LCN_ETLS with the reason in errbuf; LCN_EINVAL for
 * an invalid agency id, one added twice, or more than PARTNERS_MAX. A CRL
 * must be signed by a CA in ca_path; once configured, an expired CRL makes
 * every certificate of that partner fail ("CRL has expired").
 */
int	tls_ctx_add_partner(struct tls_ctx *, const char *agency,
	    const char *ca_path, const char *crl_path, char *errbuf,
	    size_t errbufsz);
/* Frees the context; connections made from it keep their own reference. */
void	tls_ctx_free(struct tls_ctx *);
/*
 * The agency this node's own certificate names in its URI SAN, so that
 * lcnd can check it against the configured id. Borrowed.
 */
const char *tls_ctx_agency(const struct tls_ctx *);

/*
 * A connection. expected_agency is the partner dialled, or NULL when
 * accepting (any configured partner may connect). 0, LCN_ENOMEM, or
 * LCN_EINVAL if expected_agency is not a valid agency id.
 *
 * Driving it: after every call below, send tls_conn_pending() bytes taken
 * with tls_conn_take(), including after a failure (the alert that tells
 * the peer why). In TLS 1.3 the client's handshake completes before the
 * server has judged the client's certificate: a server that refuses it
 * shows on the client as LCN_ETLS from tls_conn_read() ("peer sent a
 * fatal alert: ..."), so a dialler must not count itself authenticated
 * to the other side before it has read something from it (its Hello).
 */
int	tls_conn_new(struct tls_ctx *, int is_client,
	    const char *expected_agency, struct tls_conn **out);
void	tls_conn_free(struct tls_conn *);

/* Ciphertext from the network; 0 or LCN_ENOMEM. */
int	tls_conn_feed(struct tls_conn *, const uint8_t *data, size_t len);
/*
 * Advances the handshake: 0 when complete, LCN_EAGAIN while it needs more
 * input, LCN_ETLS on failure (tls_conn_error() says why: a certificate
 * from the wrong CA, a SAN that names no partner or the wrong one, an
 * expired or revoked certificate, no certificate, not TLS 1.3, ...).
 */
int	tls_conn_handshake(struct tls_conn *);
/*
 * Reads decrypted bytes: 0 with *n > 0, LCN_EAGAIN if none are ready, LCN_EIO
 * if the peer closed the TLS session, LCN_ETLS on a protocol failure. Runs
 * the handshake first if it is not complete. cap must be > 0.
 */
int	tls_conn_read(struct tls_conn *, uint8_t *buf, size_t cap, size_t *n);
/* Encrypts all of data; 0 or LCN_ETLS. */
int	tls_conn_write(struct tls_conn *, const uint8_t *data, size_t len);
/* Starts a clean close (close_notify); the ciphertext must still be sent. */
void	tls_conn_shutdown(struct tls_conn *);
/* Bytes of ciphertext waiting to be sent. */
size_t	tls_conn_pending(struct tls_conn *);
/* Takes up to cap bytes of waiting ciphertext; returns the count. */
size_t	tls_conn_take(struct tls_conn *, uint8_t *buf, size_t cap);

/*
 * Re-verifies an established session's peer against ctx, which may be
 * newer than the one the session began under (a reload): the chain the
 * peer sent at the handshake must still verify, now, against the CA and
 * CRL ctx holds for the same partner, with the same SAN and leaf checks
 * as at the handshake, so that a certificate revoked, expired or no
 * longer trusted since then is caught. 0; LCN_ETLS with the reason in
 * errbuf; LCN_EINVAL if c has no established session. Changes nothing
 * in c.
 */
int	tls_conn_recheck(struct tls_conn *, struct tls_ctx *, char *errbuf,
	    size_t errbufsz);
/*
 * The configured partner the peer's certificate named in its SAN, even
 * if the handshake then refused it (so that the refusal can be shown
 * beside that partner), or "". Not an identity: nothing vouched for it.
 * Borrowed.
 */
const char *tls_conn_claimed_agency(const struct tls_conn *);
/*
 * The earliest nextUpdate of the CRLs configured for partner agency, in
 * ms since the epoch; 0 if it has none (or agency is no partner). Once it
 * has passed, every certificate of that partner is refused.
 */
uint64_t tls_ctx_crl_next_update(struct tls_ctx *, const char *agency);

/*
 * Checks on the certificate files a configuration names, made when it is
 * read (config.c, config_keys.c), before any context is built. Each
 * returns 0 or LCN_EIO, LCN_ENOMEM or LCN_ETLS with the reason in errbuf
 * (without the path unless said).
 *
 * tls_check_ca_file: every certificate of ca_path is a CA
 * (basicConstraints CA:TRUE, keyCertSign if it has a keyUsage).
 * tls_cert_agency: the agency the first certificate of cert_path names
 * in its one URI SAN urn:lcn:agency:<ID>, into id.
 * tls_key_matches_cert: key_pem (key_len bytes, as read from the key
 * file) is the PEM private key of the first certificate of cert_path.
 */
int	tls_check_ca_file(const char *ca_path, char *errbuf, size_t errbufsz);
int	tls_cert_agency(const char *cert_path, char id[AGENCY_ID_MAX + 1],
	    char *errbuf, size_t errbufsz);
int	tls_key_matches_cert(const char *cert_path, const uint8_t *key_pem,
	    size_t key_len, char *errbuf, size_t errbufsz);
/*
 * 1 if the CA files ca_a and ca_b hold a CA with the same public key (one
 * CA for two partners), else 0, also when either cannot be read.
 */
int	tls_cas_shared(const char *ca_a, const char *ca_b);
/*
 * 1 if a CA of ca_path issued a certificate of the chain in cert_path, or
 * is one of them (this node's own CA), else 0, also when either cannot be
 * read.
 */
int	tls_cert_issued_by(const char *cert_path, const char *ca_path);

/* After the handshake: the authenticated agency id. Borrowed. */
const char *tls_conn_peer_agency(const struct tls_conn *);
/* SHA-256 fingerprint of the peer certificate, hex. Borrowed. */
const char *tls_conn_peer_fingerprint(const struct tls_conn *);
/* The last failure's reason, or "". Borrowed. */
const char *tls_conn_error(const struct tls_conn *);

#endif
