/*
 * TLS 1.3 over OpenSSL memory BIOs (see tls.h).
 *
 * Peer identity is decided here and nowhere else. The SSL_CTX has no trust
 * store of its own: SSL_CTX_set_cert_verify_callback() replaces OpenSSL's
 * chain verification with verify_peer(), which reads the agency from the
 * leaf's URI SAN and verifies the chain against that one partner's
 * X509_STORE (its CA, and its CRL when configured). A partner's CA thus
 * never vouches for anyone but that partner (PROTOCOL.md section 2).
 *
 * Session tickets and the session cache are off: a resumed session skips
 * certificate verification, and every connection must be verified anew
 * against the current partner directory.
 *
 * This module does not log. Failures are recorded in the connection
 * (tls_conn_error()) for the caller, which knows the peer, to log once.
 */
#include <limits.h>
#include <stdarg.h>
#include <time.h>
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

#include "keyfile.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "log.h"
#include "tls.h"
#include "util.h"

#define TLS_ERR_MAX	256
#define SAN_PREFIX	"urn:lcn:agency:"
#define VERIFY_DEPTH	4	/* leaf, intermediates, agency CA */

struct tls_partner {
	char		 agency[AGENCY_ID_MAX + 1];
	X509_STORE	*store;	/* its CA and CRL only; owned */
	uint64_t	 crl_next_ms;	/* earliest nextUpdate, 0: no CRL */
};

struct tls_ctx {
	SSL_CTX			*ssl;
	char			 self[AGENCY_ID_MAX + 1]; /* own SAN */
	struct tls_partner	*partners;
	size_t			 npartners;
	int			 refs;	/* owner + one per conn */
};

struct tls_conn {
	struct tls_ctx	*ctx;		/* referenced */
	SSL		*ssl;
	BIO		*rbio;	/* network -> SSL; owned by ssl */
	BIO		*wbio;	/* SSL -> network; owned by ssl */
	char		 expected[AGENCY_ID_MAX + 1]; /* "": any partner */
	char		 verified[AGENCY_ID_MAX + 1]; /* by verify_peer */
	char		 claimed[AGENCY_ID_MAX + 1]; /* partner its SAN names */
	char		 fingerprint[2 * HASH_LEN + 1];
	char		 err[TLS_ERR_MAX];
	int		 established;
	int		 failed;
	int		 shut;
};

static void
seterr(char *buf, size_t bufsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *buf, size_t bufsz, const char *fmt, ...)
{
	va_list ap;

	if (bufsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
}

/* The first reason wins: it is the most precise (verify_peer's). */
static void
conn_fail(struct tls_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
conn_fail(struct tls_conn *c, const char *fmt, ...)
{
	va_list ap;

	c->failed = 1;
	if (c->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/* The reason of the first queued OpenSSL error, and an empty queue. */
static const char *
ossl_reason(char *buf, size_t bufsz)
{
	unsigned long	 e;
	const char	*s;

	e = ERR_peek_error();
	s = e != 0 ? ERR_reason_error_string(e) : NULL;
	snprintf(buf, bufsz, "%s", s != NULL ? s : "unknown error");
	ERR_clear_error();
	return buf;
}

/*
 * Finds the one URI SAN "urn:lcn:agency:<ID>" of cert. Returns 0 with id
 * filled, or LCN_ETLS with the reason in errbuf. Other SAN entries (DNS,
 * IP, other URIs) are ignored.
 */
static int
san_agency(X509 *cert, char id[AGENCY_ID_MAX + 1], char *errbuf,
    size_t errbufsz)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*gen;
	const unsigned char	*data;
	char			 q[80];
	const size_t		 plen = sizeof(SAN_PREFIX) - 1;
	size_t			 len;
	int			 crit = -1, i, found = 0, r = LCN_ETLS;

	id[0] = '\0';
	gens = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL);
	if (gens == NULL) {
		if (crit == -2)
			seterr(errbuf, errbufsz, "certificate has more than "
			    "one subjectAltName extension");
		else
			seterr(errbuf, errbufsz, "certificate has no SAN "
			    SAN_PREFIX "<ID>");
		return LCN_ETLS;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		gen = sk_GENERAL_NAME_value(gens, i);
		if (gen->type != GEN_URI)
			continue;
		data = ASN1_STRING_get0_data(gen->d.uniformResourceIdentifier);
		len = (size_t)ASN1_STRING_length(
		    gen->d.uniformResourceIdentifier);
		if (len < plen || memcmp(data, SAN_PREFIX, plen) != 0)
			continue;
		if (found++) {
			seterr(errbuf, errbufsz, "certificate names more than "
			    "one agency in its SAN");
			goto out;
		}
		if (len - plen > AGENCY_ID_MAX ||
		    memchr(data, '\0', len) != NULL) {
			seterr(errbuf, errbufsz, "certificate SAN '%s' names "
			    "no valid agency id", log_escape(q, sizeof(q),
			    (const char *)data, len));
			goto out;
		}
		memcpy(id, data + plen, len - plen);
		id[len - plen] = '\0';
		if (!agency_id_valid(id)) {
			seterr(errbuf, errbufsz, "certificate SAN '%s' names "
			    "no valid agency id", log_escape(q, sizeof(q),
			    (const char *)data, len));
			goto out;
		}
	}
	if (!found) {
		seterr(errbuf, errbufsz, "certificate has no SAN "
		    SAN_PREFIX "<ID>");
		goto out;
	}
	r = 0;
 out:
	if (r != 0)
		id[0] = '\0';
	GENERAL_NAMES_free(gens);
	return r;
}

static struct tls_partner *
find_partner(struct tls_ctx *ctx, const char *agency)
{
	size_t i;

	for (i = 0; i < ctx->npartners; i++)
		if (strcmp(ctx->partners[i].agency, agency) == 0)
			return &ctx->partners[i];
	return NULL;
}

/*
 * What a node certificate must be beyond a chain to its partner's CA: not
 * a CA itself (a partner's CA:TRUE leaf could mint certificates its CA
 * never issued), and meant for the side it plays. A partner that dials
 * this node (we are the server) needs clientAuth, one that this node
 * dials needs serverAuth; the purpose check of X509_verify_cert() lets a
 * certificate without any extendedKeyUsage through, so the EKU must be
 * there. Returns X509_V_OK, or an X509_V_ERR_* with the reason in why.
 */
static int
check_leaf(X509 *leaf, const char *id, int is_server, char *why,
    size_t whysz)
{
	uint32_t	 flags = X509_get_extension_flags(leaf);
	uint32_t	 need = is_server ? XKU_SSL_CLIENT : XKU_SSL_SERVER;

	if (flags & EXFLAG_CA) {
		seterr(why, whysz, "certificate of %s is a CA certificate "
		    "(CA:TRUE), expected a node certificate", id);
		return X509_V_ERR_INVALID_PURPOSE;
	}
	if (!(flags & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(leaf) & need)) {
		seterr(why, whysz, "certificate of %s lacks extendedKeyUsage "
		    "%s, which a partner %s needs", id, is_server ?
		    "clientAuth" : "serverAuth", is_server ?
		    "dialling this node" : "this node dials");
		return X509_V_ERR_INVALID_PURPOSE;
	}
	return X509_V_OK;
}

/*
 * Who a peer is, decided from its leaf and the chain it sent: the one URI
 * SAN names a partner of ctx (and the one dialled, if expected is not
 * empty), the chain verifies against that partner's store alone at the
 * current time (expiry, and its CRL when configured), and the leaf is a
 * node certificate for its side (check_leaf). Used at the handshake and
 * again for an open session (tls_conn_recheck). Returns X509_V_OK with
 * id filled, or an X509_V_ERR_* with the reason in why.
 */
static int
check_peer(struct tls_ctx *ctx, X509 *leaf, STACK_OF(X509) *untrusted,
    int is_server, const char *expected, char id[AGENCY_ID_MAX + 1],
    char *why, size_t whysz)
{
	struct tls_partner	*p;
	X509_STORE_CTX		*vctx = NULL;
	char			 r[TLS_ERR_MAX];
	int			 e;

	id[0] = '\0';
	if (leaf == NULL) {
		seterr(why, whysz, "peer sent no certificate");
		return X509_V_ERR_APPLICATION_VERIFICATION;
	}
	if (san_agency(leaf, id, why, whysz) != 0)
		return X509_V_ERR_APPLICATION_VERIFICATION;
	if (expected[0] != '\0' && strcmp(id, expected) != 0) {
		seterr(why, whysz, "certificate SAN names %s, dialled %s", id,
		    expected);
		return X509_V_ERR_APPLICATION_VERIFICATION;
	}
	if ((p = find_partner(ctx, id)) == NULL) {
		seterr(why, whysz, "SAN " SAN_PREFIX "%s is not a configured "
		    "partner", id);
		return X509_V_ERR_APPLICATION_VERIFICATION;
	}

	/* The peer's whole chain is untrusted; only p's CA anchors it. */
	if ((vctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(vctx, p->store, leaf, untrusted) ||
	    !X509_STORE_CTX_set_default(vctx, is_server ?
	    "ssl_client" : "ssl_server")) {
		seterr(why, whysz, "cannot set up certificate verification: "
		    "%s", ossl_reason(r, sizeof(r)));
		e = X509_V_ERR_OUT_OF_MEM;
		goto out;
	}
	if (X509_verify_cert(vctx) != 1) {
		e = X509_STORE_CTX_get_error(vctx);
		if (e == X509_V_OK)
			e = X509_V_ERR_UNSPECIFIED;
		seterr(why, whysz, "certificate of %s does not verify against "
		    "%s's CA: %s", id, id, X509_verify_cert_error_string(e));
		ERR_clear_error();
		goto out;
	}
	e = check_leaf(leaf, id, is_server, why, whysz);
 out:
	X509_STORE_CTX_free(vctx);
	return e;
}

/*
 * OpenSSL's certificate verification, replaced (see the top). Returns 1
 * to accept the peer, 0 to refuse it; on refusal the X509 error set on
 * xctx picks the alert OpenSSL sends, and the reason goes to the conn.
 */
static int
verify_peer(X509_STORE_CTX *xctx, void *arg)
{
	struct tls_ctx		*ctx = arg;
	struct tls_conn		*c;
	SSL			*ssl;
	X509			*leaf;
	char			 id[AGENCY_ID_MAX + 1], why[TLS_ERR_MAX];
	int			 e;

	ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	LCN_ASSERT(ssl != NULL);
	c = SSL_get_app_data(ssl);
	LCN_ASSERT(c != NULL && c->ctx == ctx);

	leaf = X509_STORE_CTX_get0_cert(xctx);
	why[0] = '\0';
	e = check_peer(ctx, leaf, X509_STORE_CTX_get0_untrusted(xctx),
	    SSL_is_server(ssl), c->expected, id, why, sizeof(why));
	/* Said even when refused, so that the caller can tell whom. */
	if (id[0] != '\0' && find_partner(ctx, id) != NULL)
		memcpy(c->claimed, id, sizeof(c->claimed));
	if (e != X509_V_OK)
		conn_fail(c, "%s", why);
	else
		memcpy(c->verified, id, sizeof(c->verified));
	X509_STORE_CTX_set_error(xctx, e);
	return e == X509_V_OK;
}

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
	if (cert == NULL || san_agency(cert, ctx->self, why,
	    sizeof(why)) != 0) {
		seterr(errbuf, errbufsz, "%s: %s", cert_path, cert == NULL ?
		    "no certificate" : why);
		goto out;
	}

	SSL_CTX_set_verify(ctx->ssl, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx->ssl, VERIFY_DEPTH);
	SSL_CTX_set_cert_verify_callback(ctx->ssl, verify_peer, ctx);
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
static int
is_ca(X509 *x)
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
		if (!is_ca(x)) {
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
	if (find_partner(ctx, agency) != NULL) {
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
		conn_fail(c, "peer sent no certificate");
	else if (e != 0 && lib == ERR_LIB_SSL &&
	    (rs == SSL_R_UNSUPPORTED_PROTOCOL ||
	    rs == SSL_R_NO_PROTOCOLS_AVAILABLE ||
	    rs == SSL_R_WRONG_VERSION_NUMBER ||
	    rs == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION))
		conn_fail(c, "peer does not speak TLS 1.3 (%s)", reason);
	else if (e != 0 && lib == ERR_LIB_SSL &&
	    rs >= SSL_AD_REASON_OFFSET)
		conn_fail(c, "peer sent a fatal alert: %s (%s)", reason,
		    when);
	else
		conn_fail(c, "TLS failure %s: %s", when, reason);
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
			conn_fail(c, "peer closed the session during the "
			    "handshake");
		else
			conn_fail_ssl(c, err, "during the handshake");
		return LCN_ETLS;
	}
	/* Fail closed if verify_peer did not run (it always should). */
	if (c->verified[0] == '\0' ||
	    (peer = SSL_get0_peer_certificate(c->ssl)) == NULL) {
		conn_fail(c, "peer identity was not verified");
		return LCN_ETLS;
	}
	if (SSL_version(c->ssl) != TLS1_3_VERSION) {
		conn_fail(c, "peer does not speak TLS 1.3");
		return LCN_ETLS;
	}
	if (!X509_digest(peer, EVP_sha256(), md, &mdlen) ||
	    mdlen != HASH_LEN) {
		ERR_clear_error();
		conn_fail(c, "cannot hash the peer certificate");
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

uint64_t
tls_ctx_crl_next_update(struct tls_ctx *ctx, const char *agency)
{
	struct tls_partner *p;

	if ((p = find_partner(ctx, agency)) == NULL)
		return 0;
	return p->crl_next_ms;
}

int
tls_conn_recheck(struct tls_conn *c, struct tls_ctx *ctx, char *errbuf,
    size_t errbufsz)
{
	char	id[AGENCY_ID_MAX + 1], why[TLS_ERR_MAX];
	int	e;

	if (errbufsz > 0)
		errbuf[0] = '\0';
	if (!c->established || c->failed) {
		seterr(errbuf, errbufsz, "no authenticated session");
		return LCN_EINVAL;
	}
	ERR_clear_error();
	/*
	 * Tickets are off, so the session was never resumed and OpenSSL
	 * kept the chain the peer sent (for a server without the leaf,
	 * which the untrusted set may hold or not).
	 */
	why[0] = '\0';
	e = check_peer(ctx, SSL_get0_peer_certificate(c->ssl),
	    SSL_get_peer_cert_chain(c->ssl), SSL_is_server(c->ssl),
	    c->expected, id, why, sizeof(why));
	ERR_clear_error();
	if (e != X509_V_OK) {
		seterr(errbuf, errbufsz, "%s", why);
		return LCN_ETLS;
	}
	if (strcmp(id, c->verified) != 0) {
		/* The same certificate: unreachable unless memory is bad. */
		seterr(errbuf, errbufsz, "certificate now names %s, not %s",
		    id, c->verified);
		return LCN_ETLS;
	}
	return 0;
}

const char *
tls_conn_claimed_agency(const struct tls_conn *c)
{
	return c->claimed;
}

/*
 * Reads every PEM certificate of path into *out (at least one). 0,
 * LCN_EIO, LCN_ENOMEM or LCN_ETLS with the reason in errbuf.
 */
static int
read_certs(const char *path, STACK_OF(X509) **out, char *errbuf,
    size_t errbufsz)
{
	STACK_OF(X509)	*certs;
	X509		*x;
	BIO		*bio;
	int		 r = LCN_ETLS;

	*out = NULL;
	if ((bio = BIO_new_file(path, "r")) == NULL) {
		ERR_clear_error();
		seterr(errbuf, errbufsz, "%s: cannot read certificate", path);
		return LCN_EIO;
	}
	if ((certs = sk_X509_new_null()) == NULL) {
		BIO_free(bio);
		return LCN_ENOMEM;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			r = LCN_ENOMEM;
			goto out;
		}
	}
	ERR_clear_error();	/* the end of the PEM file */
	if (sk_X509_num(certs) == 0) {
		seterr(errbuf, errbufsz, "%s: expected a PEM certificate, got "
		    "none", path);
		goto out;
	}
	*out = certs;
	certs = NULL;
	r = 0;
 out:
	sk_X509_pop_free(certs, X509_free);
	BIO_free(bio);
	return r;
}

int
tls_check_ca_file(const char *ca_path, char *errbuf, size_t errbufsz)
{
	STACK_OF(X509)	*cas;
	X509_NAME	*subj;
	char		 name[128];
	int		 i, r;

	if (errbufsz > 0)
		errbuf[0] = '\0';
	if ((r = read_certs(ca_path, &cas, errbuf, errbufsz)) != 0)
		return r;
	for (i = 0; i < sk_X509_num(cas); i++) {
		if (is_ca(sk_X509_value(cas, i)))
			continue;
		subj = X509_get_subject_name(sk_X509_value(cas, i));
		if (X509_NAME_oneline(subj, name, sizeof(name)) == NULL)
			snprintf(name, sizeof(name), "?");
		seterr(errbuf, errbufsz, "expected CA certificates "
		    "(basicConstraints CA:TRUE), got one that is not a CA "
		    "(certificate %d, %s)", i + 1, name);
		r = LCN_ETLS;
		break;
	}
	ERR_clear_error();
	sk_X509_pop_free(cas, X509_free);
	return r;
}

int
tls_cert_agency(const char *cert_path, char id[AGENCY_ID_MAX + 1],
    char *errbuf, size_t errbufsz)
{
	STACK_OF(X509)	*certs;
	int		 r;

	id[0] = '\0';
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if ((r = read_certs(cert_path, &certs, errbuf, errbufsz)) != 0)
		return r;
	r = san_agency(sk_X509_value(certs, 0), id, errbuf, errbufsz);
	sk_X509_pop_free(certs, X509_free);
	ERR_clear_error();
	return r;
}

int
tls_cas_shared(const char *ca_a, const char *ca_b)
{
	STACK_OF(X509)	*a = NULL, *b = NULL;
	EVP_PKEY	*ka, *kb;
	char		 ignored[TLS_ERR_MAX];
	int		 i, j, shared = 0;

	if (read_certs(ca_a, &a, ignored, sizeof(ignored)) != 0 ||
	    read_certs(ca_b, &b, ignored, sizeof(ignored)) != 0)
		goto out;
	/* One key is one CA, whatever name or validity it was issued with. */
	for (i = 0; i < sk_X509_num(a) && !shared; i++)
		for (j = 0; j < sk_X509_num(b) && !shared; j++) {
			ka = X509_get0_pubkey(sk_X509_value(a, i));
			kb = X509_get0_pubkey(sk_X509_value(b, j));
			shared = ka != NULL && kb != NULL &&
			    EVP_PKEY_eq(ka, kb) == 1;
		}
 out:
	ERR_clear_error();
	sk_X509_pop_free(a, X509_free);
	sk_X509_pop_free(b, X509_free);
	return shared;
}

int
tls_cert_issued_by(const char *cert_path, const char *ca_path)
{
	STACK_OF(X509)	*chain = NULL, *cas = NULL;
	X509		*x, *ca;
	EVP_PKEY	*kx, *kca;
	char		 ignored[TLS_ERR_MAX];
	int		 i, j, issued = 0;

	if (read_certs(cert_path, &chain, ignored, sizeof(ignored)) != 0 ||
	    read_certs(ca_path, &cas, ignored, sizeof(ignored)) != 0)
		goto out;
	for (i = 0; i < sk_X509_num(chain) && !issued; i++) {
		x = sk_X509_value(chain, i);
		kx = X509_get0_pubkey(x);
		for (j = 0; j < sk_X509_num(cas) && !issued; j++) {
			ca = sk_X509_value(cas, j);
			kca = X509_get0_pubkey(ca);
			if (kx == NULL || kca == NULL)
				continue;
			/* The CA itself in our chain, or it signed a link. */
			issued = EVP_PKEY_eq(kx, kca) == 1 ||
			    (X509_check_issued(ca, x) == X509_V_OK &&
			    X509_verify(x, kca) == 1);
		}
	}
 out:
	ERR_clear_error();
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(cas, X509_free);
	return issued;
}

int
tls_key_matches_cert(const char *cert_path, const uint8_t *key_pem,
    size_t key_len, char *errbuf, size_t errbufsz)
{
	STACK_OF(X509)	*certs = NULL;
	EVP_PKEY	*key = NULL;
	BIO		*bio = NULL;
	char		 why[TLS_ERR_MAX];
	int		 r;

	if (errbufsz > 0)
		errbuf[0] = '\0';
	ERR_clear_error();
	if ((r = read_certs(cert_path, &certs, errbuf, errbufsz)) != 0)
		return r;
	r = LCN_ETLS;
	if (key_len > INT_MAX ||
	    (bio = BIO_new_mem_buf(key_pem, (int)key_len)) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	if ((key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		seterr(errbuf, errbufsz, "expected a PEM private key: %s",
		    ossl_reason(why, sizeof(why)));
		goto out;
	}
	if (X509_check_private_key(sk_X509_value(certs, 0), key) != 1) {
		seterr(errbuf, errbufsz, "expected the private key of the "
		    "certificate in %s, got another key", cert_path);
		goto out;
	}
	r = 0;
 out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	return r;
}
