/*
 * TLS connections over memory BIOs: the caller feeds ciphertext in and
 * takes ciphertext out, and this file drives the handshake, reads and
 * writes plaintext, and records why a connection failed (tls_conn_error)
 * for the caller to log once; it never touches a socket and never logs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "tls.h"
#include "tls_int.h"
#include "util.h"

/* The first reason wins: it is the most precise (verify_peer's). */
void
tls_conn_fail(struct tls_conn *c, const char *fmt, ...)
{
	va_list ap;

	c->failed = 1;
	if (c->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

int
tls_conn_new(struct tls_ctx *ctx, int is_client, const char *expected_agency,
    struct tls_conn **out)
{
	struct tls_conn	*c;
	BIO		*rbio = NULL, *wbio = NULL;

	*out = NULL;
	if (expected_agency != NULL && !agency_id_valid(expected_agency))
		return LCN_EINVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return LCN_ENOMEM;
	if ((c->ssl = SSL_new(ctx->ssl)) == NULL ||
	    (rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (wbio = BIO_new(BIO_s_mem())) == NULL) {
		ERR_clear_error();
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(c->ssl);
		free(c);
		return LCN_ENOMEM;
	}
	/* An empty read BIO means "retry later", never end of stream. */
	BIO_set_mem_eof_return(rbio, -1);
	SSL_set_bio(c->ssl, rbio, wbio);	/* ssl owns both */
	c->rbio = rbio;
	c->wbio = wbio;
	SSL_set_app_data(c->ssl, c);
	if (is_client)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	if (expected_agency != NULL)
		snprintf(c->expected, sizeof(c->expected), "%s",
		    expected_agency);
	c->ctx = ctx;
	ctx->refs++;	/* verify_peer reads the partners while c lives */
	*out = c;
	return 0;
}

void
tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	tls_ctx_free(c->ctx);
	free(c);
}

int
tls_conn_feed(struct tls_conn *c, const uint8_t *data, size_t len)
{
	size_t	n;
	int	w;

	while (len > 0) {
		n = len > INT_MAX ? INT_MAX : len;
		if ((w = BIO_write(c->rbio, data, (int)n)) <= 0) {
			ERR_clear_error();
			return LCN_ENOMEM;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Records why an SSL call failed with SSL_ERROR_SSL or _SYSCALL, from the
 * error queue, unless verify_peer already said why.
 */
static void
conn_fail_ssl(struct tls_conn *c, int err, const char *when)
{
	unsigned long	 e;
	const char	*reason;
	int		 lib, rs;

	e = ERR_peek_error();
	lib = ERR_GET_LIB(e);
	rs = ERR_GET_REASON(e);
	reason = e != 0 ? ERR_reason_error_string(e) : NULL;
	if (reason == NULL)
		reason = err == SSL_ERROR_SYSCALL ? "unexpected end of stream" :
		    "unknown error";

	if (e != 0 && lib == ERR_LIB_SSL &&
	    rs == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		tls_conn_fail(c, "peer sent no certificate");
	else if (e != 0 && lib == ERR_LIB_SSL &&
	    (rs == SSL_R_UNSUPPORTED_PROTOCOL ||
	    rs == SSL_R_NO_PROTOCOLS_AVAILABLE ||
	    rs == SSL_R_WRONG_VERSION_NUMBER ||
	    rs == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION))
		tls_conn_fail(c, "peer does not speak TLS 1.3 (%s)", reason);
	else if (e != 0 && lib == ERR_LIB_SSL &&
	    rs >= SSL_AD_REASON_OFFSET)
		tls_conn_fail(c, "peer sent a fatal alert: %s (%s)", reason,
		    when);
	else
		tls_conn_fail(c, "TLS failure %s: %s", when, reason);
	ERR_clear_error();
}

int
tls_conn_handshake(struct tls_conn *c)
{
	X509		*peer;
	uint8_t		 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	int		 r, err;

	if (c->failed)
		return LCN_ETLS;
	if (c->established)
		return 0;
	ERR_clear_error();
	if ((r = SSL_do_handshake(c->ssl)) != 1) {
		err = SSL_get_error(c->ssl, r);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
			return LCN_EAGAIN;
		if (err == SSL_ERROR_ZERO_RETURN)
			tls_conn_fail(c, "peer closed the session during the "
			    "handshake");
		else
			conn_fail_ssl(c, err, "during the handshake");
		return LCN_ETLS;
	}
	/* Fail closed if verify_peer did not run (it always should). */
	if (c->verified[0] == '\0' ||
	    (peer = SSL_get0_peer_certificate(c->ssl)) == NULL) {
		tls_conn_fail(c, "peer identity was not verified");
		return LCN_ETLS;
	}
	if (SSL_version(c->ssl) != TLS1_3_VERSION) {
		tls_conn_fail(c, "peer does not speak TLS 1.3");
		return LCN_ETLS;
	}
	if (!X509_digest(peer, EVP_sha256(), md, &mdlen) ||
	    mdlen != HASH_LEN) {
		ERR_clear_error();
		tls_conn_fail(c, "cannot hash the peer certificate");
		return LCN_ETLS;
	}
	hex_encode(md, HASH_LEN, c->fingerprint);
	c->established = 1;
	return 0;
}

int
tls_conn_read(struct tls_conn *c, uint8_t *buf, size_t cap, size_t *n)
{
	int r, err;

	*n = 0;
	LCN_ASSERT(cap > 0);
	if (!c->established && (r = tls_conn_handshake(c)) != 0)
		return r;
	if (c->failed)
		return LCN_ETLS;
	ERR_clear_error();
	if (SSL_read_ex(c->ssl, buf, cap, n) == 1)
		return 0;
	*n = 0;
	err = SSL_get_error(c->ssl, 0);
	switch (err) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return LCN_EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		ERR_clear_error();
		return LCN_EIO;
	default:
		conn_fail_ssl(c, err, "after the handshake");
		return LCN_ETLS;
	}
}

int
tls_conn_write(struct tls_conn *c, const uint8_t *data, size_t len)
{
	size_t	written;
	int	err;

	if (!c->established || c->failed || c->shut)
		return LCN_ETLS;
	while (len > 0) {
		ERR_clear_error();
		if (SSL_write_ex(c->ssl, data, len, &written) != 1) {
			err = SSL_get_error(c->ssl, 0);
			conn_fail_ssl(c, err, "writing");
			return LCN_ETLS;
		}
		data += written;
		len -= written;
	}
	return 0;
}

void
tls_conn_shutdown(struct tls_conn *c)
{
	if (c->shut || !c->established || c->failed)
		return;
	c->shut = 1;
	ERR_clear_error();
	(void)SSL_shutdown(c->ssl);	/* queues close_notify */
	ERR_clear_error();
}

size_t
tls_conn_pending(struct tls_conn *c)
{
	return BIO_ctrl_pending(c->wbio);
}

size_t
tls_conn_take(struct tls_conn *c, uint8_t *buf, size_t cap)
{
	int n;

	if (cap == 0)
		return 0;
	if ((n = BIO_read(c->wbio, buf, cap > INT_MAX ? INT_MAX :
	    (int)cap)) <= 0)
		return 0;
	return (size_t)n;
}

const char *
tls_conn_peer_agency(const struct tls_conn *c)
{
	return c->established ? c->verified : "";
}

const char *
tls_conn_peer_fingerprint(const struct tls_conn *c)
{
	return c->established ? c->fingerprint : "";
}

const char *
tls_conn_error(const struct tls_conn *c)
{
	return c->err;
}


const char *
tls_conn_claimed_agency(const struct tls_conn *c)
{
	return c->claimed;
}
