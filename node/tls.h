/*
 * TLS 1.3 with mutual authentication over OpenSSL memory BIOs: this module
 * never touches a socket. The caller feeds ciphertext read from the
 * network in, takes ciphertext to write out, and reads and writes
 * plaintext. Only this file includes <openssl/ssl.h>.
 *
 * Peer identity (PROTOCOL.md section 2): a peer is trusted only if its chain
 * verifies against the CA configured for the partner its certificate names
 * in its URI SAN "urn:lcn:agency:<ID>", so a partner's CA can never vouch
 * for another partner. When dialling, the SAN must also name the partner
 * dialled. Expiry is enforced, CRLs are honoured when configured, and a
 * peer without a certificate is refused.
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

/* After the handshake: the authenticated agency id. Borrowed. */
const char *tls_conn_peer_agency(const struct tls_conn *);
/* SHA-256 fingerprint of the peer certificate, hex. Borrowed. */
const char *tls_conn_peer_fingerprint(const struct tls_conn *);
/* The last failure's reason, or "". Borrowed. */
const char *tls_conn_error(const struct tls_conn *);

#endif
