/*
 * TLS contexts: this node's certificate chain and key, TLS 1.3 only with
 * tickets and the session cache off (a resumed session would skip
 * verification), tls_verify_peer in place of OpenSSL's chain
 * verification, and one X509_STORE per partner holding that partner's CA
 * certificates and CRLs, whose earliest nextUpdate is kept for the
 * re-check and lcn status.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "keyfile.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "tls.h"
#include "tls_int.h"
#include "util.h"

int
tls_ctx_new(const char *cert_path, const char *key_path,
    struct tls_ctx **out, char *errbuf, size_t errbufsz)
{
	uint8_t	*pem;
	size_t	 len;
	int	 r;

	*out = NULL;
	if ((r = keyfile_read(key_path, "TLS key", 0, &pem, &len, errbuf,
	    errbufsz)) != 0)
		return r;
	r = tls_ctx_new_key(cert_path, pem, len, key_path, out, errbuf,
	    errbufsz);
	keyfile_free(pem, len);
	return r;
}

/*
 * The key is parsed from the caller's memory, which the caller wipes;
 * OpenSSL keeps its own copy in the SSL_CTX and cleanses it when the
 * context is freed.
 */
static int
use_key(SSL_CTX *ssl, const uint8_t *pem, size_t len, const char *key_name,
    const char *cert_path, char *errbuf, size_t errbufsz)
{
	EVP_PKEY	*pkey = NULL;
	BIO		*bio = NULL;
	char		 why[TLS_ERR_MAX];
	int		 r = LCN_ETLS;

	if (len > INT_MAX ||
	    (bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		seterr(errbuf, errbufsz, "%s: expected a PEM private key: %s",
		    key_name, ossl_reason(why, sizeof(why)));
		goto out;
	}
	if (SSL_CTX_use_PrivateKey(ssl, pkey) != 1) {
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    X509_R_KEY_VALUES_MISMATCH)
			seterr(errbuf, errbufsz, "%s does not match the key "
			    "of %s", key_name, cert_path);
		else
			seterr(errbuf, errbufsz, "%s: expected a PEM private "
			    "key: %s", key_name, ossl_reason(why,
			    sizeof(why)));
		goto out;
	}
	r = 0;
 out:
	ERR_clear_error();
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return r;
}

int
tls_ctx_new_key(const char *cert_path, const uint8_t *key_pem,
    size_t key_len, const char *key_name, struct tls_ctx **out,
    char *errbuf, size_t errbufsz)
{
	struct tls_ctx	*ctx = NULL;
	X509		*cert;
	FILE		*f;
	char		 why[TLS_ERR_MAX];
	int		 r;

	*out = NULL;
	if (errbufsz > 0)
		errbuf[0] = '\0';
	ERR_clear_error();
	if ((f = fopen(cert_path, "r")) == NULL) {
		seterr(errbuf, errbufsz, "%s: cannot read certificate",
		    cert_path);
		return LCN_EIO;
	}
	fclose(f);

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return LCN_ENOMEM;
	ctx->refs = 1;
	r = LCN_ETLS;
	if ((ctx->ssl = SSL_CTX_new(TLS_method())) == NULL ||
	    !SSL_CTX_set_min_proto_version(ctx->ssl, TLS1_3_VERSION)) {
		seterr(errbuf, errbufsz, "cannot make a TLS context: %s",
		    ossl_reason(why, sizeof(why)));
		goto out;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx->ssl, cert_path) != 1) {
		seterr(errbuf, errbufsz, "%s: expected a PEM certificate "
		    "chain: %s", cert_path, ossl_reason(why, sizeof(why)));
		goto out;
	}
	if (use_key(ctx->ssl, key_pem, key_len, key_name, cert_path, errbuf,
	    errbufsz) != 0)
		goto out;
	if (SSL_CTX_check_private_key(ctx->ssl) != 1) {
		seterr(errbuf, errbufsz, "%s does not match the key of %s",
		    key_name, cert_path);
		ERR_clear_error();
		goto out;
	}
	/* Peers check it; a node whose certificate lacks it helps nobody. */
	cert = SSL_CTX_get0_certificate(ctx->ssl);
	if (cert == NULL || tls_san_agency(cert, ctx->self, why,
	    sizeof(why)) != 0) {
		seterr(errbuf, errbufsz, "%s: %s", cert_path, cert == NULL ?
		    "no certificate" : why);
		goto out;
	}

	SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx->ssl, VERIFY_DEPTH);
	SSL_CTX_set_cert_verify_callback(ctx->ssl, tls_verify_peer, ctx);
	SSL_CTX_set_options(ctx->ssl, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx->ssl, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_num_tickets(ctx->ssl, 0)) {
		seterr(errbuf, errbufsz, "cannot disable session tickets");
		goto out;
	}
	/* Many idle peers: give the record buffers back between reads. */
	SSL_CTX_set_mode(ctx->ssl, SSL_MODE_RELEASE_BUFFERS);
	*out = ctx;
	ctx = NULL;
	r = 0;
 out:
	tls_ctx_free(ctx);
	return r;
}

/*
 * A CA by its basicConstraints CA:TRUE, with keyCertSign if it has a
 * keyUsage. X509_check_ca() alone would also take a version 1 certificate
 * or one with keyCertSign and no basicConstraints, which RFC 5280 says
 * must not be used to verify certificate signatures.
 */
int
tls_is_ca(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_CA) != 0 &&
	    X509_check_ca(x) == 1;
}

/*
 * Reads the PEM CA certificates of ca_path into store and into *cas, every
 * one of them a CA: a node certificate configured as a CA would trust a
 * single key. 0, LCN_EIO, LCN_ENOMEM or LCN_ETLS with the reason in errbuf.
 */
static int
load_cas(X509_STORE *store, const char *ca_path, STACK_OF(X509) *cas,
    char *errbuf, size_t errbufsz)
{
	X509	*x;
	BIO	*bio;
	char	 why[TLS_ERR_MAX];
	int	 r = LCN_ETLS;

	if ((bio = BIO_new_file(ca_path, "r")) == NULL) {
		ERR_clear_error();
		seterr(errbuf, errbufsz, "%s: cannot read CA certificate",
		    ca_path);
		return LCN_EIO;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(cas, x)) {
			X509_free(x);
			r = LCN_ENOMEM;
			goto out;
		}
		if (!tls_is_ca(x)) {
			seterr(errbuf, errbufsz, "%s: expected CA "
			    "certificates (basicConstraints CA:TRUE), got one "
			    "that is not a CA", ca_path);
			goto out;
		}
		if (!X509_STORE_add_cert(store, x)) {
			seterr(errbuf, errbufsz, "%s: %s", ca_path,
			    ossl_reason(why, sizeof(why)));
			goto out;
		}
	}
	ERR_clear_error();	/* the end of the PEM file */
	if (sk_X509_num(cas) == 0) {
		seterr(errbuf, errbufsz, "%s: expected a PEM CA certificate, "
		    "got none", ca_path);
		goto out;
	}
	r = 0;
 out:
	BIO_free(bio);
	return r;
}

/* Whether crl was issued and signed by one of cas. */
static int
crl_signed_by(X509_CRL *crl, STACK_OF(X509) *cas)
{
	X509		*x;
	EVP_PKEY	*pub;
	int		 i, signer = 0;

	for (i = 0; i < sk_X509_num(cas); i++) {
		x = sk_X509_value(cas, i);
		pub = X509_get0_pubkey(x);
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
		    X509_get_subject_name(x)) == 0 && pub != NULL &&
		    X509_CRL_verify(crl, pub) == 1)
			signer = 1;
	}
	ERR_clear_error();
	return signer;
}

/* An ASN1_TIME in ms since the epoch; 0, or LCN_EINVAL if absent. */
static int
asn1_time_ms(const ASN1_TIME *t, uint64_t *ms)
{
	struct tm	tm;
	time_t		secs;

	*ms = 0;
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return LCN_EINVAL;
	}
	if ((secs = timegm(&tm)) < 0)
		return LCN_EINVAL;
	*ms = (uint64_t)secs * 1000;
	return 0;
}

/*
 * Reads the PEM CRLs of crl_path into store and turns CRL checking on.
 * Each must be signed by one of cas: a CRL of another CA is caught now,
 * not at each dial. 0, LCN_EIO or LCN_ETLS with the reason in errbuf.
 */
static int
load_crls(X509_STORE *store, const char *crl_path, const char *ca_path,
    STACK_OF(X509) *cas, uint64_t *next_ms, char *errbuf, size_t errbufsz)
{
	X509_CRL	*crl;
	BIO		*bio;
	char		 why[TLS_ERR_MAX];
	uint64_t	 ms;
	int		 added, ncrl = 0, r = LCN_ETLS;

	if ((bio = BIO_new_file(crl_path, "r")) == NULL) {
		ERR_clear_error();
		seterr(errbuf, errbufsz, "%s: cannot read CRL", crl_path);
		return LCN_EIO;
	}
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		if (!crl_signed_by(crl, cas)) {
			X509_CRL_free(crl);
			seterr(errbuf, errbufsz, "%s: expected a CRL signed by "
			    "the CA in %s, got one that is not", crl_path,
			    ca_path);
			goto out;
		}
		if (asn1_time_ms(X509_CRL_get0_nextUpdate(crl), &ms) == 0 &&
		    (*next_ms == 0 || ms < *next_ms))
			*next_ms = ms;
		added = X509_STORE_add_crl(store, crl);
		X509_CRL_free(crl);	/* the store holds its own */
		if (!added) {
			seterr(errbuf, errbufsz, "%s: %s", crl_path,
			    ossl_reason(why, sizeof(why)));
			goto out;
		}
		ncrl++;
	}
	ERR_clear_error();
	if (ncrl == 0) {
		seterr(errbuf, errbufsz, "%s: expected a PEM CRL, got none",
		    crl_path);
		goto out;
	}
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	r = 0;
 out:
	BIO_free(bio);
	return r;
}

/*
 * Loads the CA certificates (and the CRLs) of one partner into store;
 * *crl_next_ms is the earliest nextUpdate of its CRLs (0: none).
 */
static int
load_partner(X509_STORE *store, const char *ca_path, const char *crl_path,
    uint64_t *crl_next_ms, char *errbuf, size_t errbufsz)
{
	STACK_OF(X509)	*cas;
	int		 r;

	if ((cas = sk_X509_new_null()) == NULL)
		return LCN_ENOMEM;
	if ((r = load_cas(store, ca_path, cas, errbuf, errbufsz)) != 0)
		goto out;
	if (crl_path != NULL && crl_path[0] != '\0' &&
	    (r = load_crls(store, crl_path, ca_path, cas, crl_next_ms,
	    errbuf, errbufsz)) != 0)
		goto out;
	/*
	 * The configured CA is the anchor even if it is an intermediate:
	 * "trust this CA for this partner" is what the operator said.
	 */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_set_depth(store, VERIFY_DEPTH);
 out:
	sk_X509_pop_free(cas, X509_free);
	return r;
}

int
tls_ctx_add_partner(struct tls_ctx *ctx, const char *agency,
    const char *ca_path, const char *crl_path, char *errbuf,
    size_t errbufsz)
{
	struct tls_partner	*np;
	X509_STORE		*store = NULL;
	uint64_t		 crl_next_ms = 0;
	int			 r;

	if (errbufsz > 0)
		errbuf[0] = '\0';
	ERR_clear_error();
	if (!agency_id_valid(agency)) {
		seterr(errbuf, errbufsz, "expected an agency id, got an "
		    "invalid one");
		return LCN_EINVAL;
	}
	if (tls_find_partner(ctx, agency) != NULL) {
		seterr(errbuf, errbufsz, "partner %s added twice", agency);
		return LCN_EINVAL;
	}
	if (ctx->npartners >= PARTNERS_MAX) {
		seterr(errbuf, errbufsz, "more than %d partners",
		    PARTNERS_MAX);
		return LCN_EINVAL;
	}
	if ((store = X509_STORE_new()) == NULL)
		return LCN_ENOMEM;
	if ((r = load_partner(store, ca_path, crl_path, &crl_next_ms, errbuf,
	    errbufsz)) != 0)
		goto out;
	if ((np = reallocarray(ctx->partners, ctx->npartners + 1,
	    sizeof(*np))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	ctx->partners = np;
	np = &ctx->partners[ctx->npartners++];
	memset(np, 0, sizeof(*np));
	snprintf(np->agency, sizeof(np->agency), "%s", agency);
	np->store = store;
	np->crl_next_ms = crl_next_ms;
	store = NULL;
 out:
	X509_STORE_free(store);
	return r;
}

void
tls_ctx_free(struct tls_ctx *ctx)
{
	size_t i;

	if (ctx == NULL || --ctx->refs > 0)
		return;
	for (i = 0; i < ctx->npartners; i++)
		X509_STORE_free(ctx->partners[i].store);
	free(ctx->partners);
	SSL_CTX_free(ctx->ssl);
	free(ctx);
}

const char *
tls_ctx_agency(const struct tls_ctx *ctx)
{
	return ctx->self;
}
