/*
 * TLS peer identity (see tls.h): decided here and nowhere else. The
 * contexts are made in tls_ctx.c, connections driven in tls_conn.c,
 * certificate files checked in tls_files.c.
 * The SSL_CTX has no trust
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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "lcn_err.h"
#include "lcn_limits.h"
#include "log.h"
#include "tls.h"
#include "tls_int.h"
#include "util.h"

/*
 * Finds the one URI SAN "urn:lcn:agency:<ID>" of cert. Returns 0 with id
 * filled, or LCN_ETLS with the reason in errbuf. Other SAN entries (DNS,
 * IP, other URIs) are ignored.
 */
int
tls_san_agency(X509 *cert, char id[AGENCY_ID_MAX + 1], char *errbuf,
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

struct tls_partner *
tls_find_partner(struct tls_ctx *ctx, const char *agency)
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
	if (tls_san_agency(leaf, id, why, whysz) != 0)
		return X509_V_ERR_APPLICATION_VERIFICATION;
	if (expected[0] != '\0' && strcmp(id, expected) != 0) {
		seterr(why, whysz, "certificate SAN names %s, dialled %s", id,
		    expected);
		return X509_V_ERR_APPLICATION_VERIFICATION;
	}
	if ((p = tls_find_partner(ctx, id)) == NULL) {
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
int
tls_verify_peer(X509_STORE_CTX *xctx, void *arg)
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
	if (id[0] != '\0' && tls_find_partner(ctx, id) != NULL)
		memcpy(c->claimed, id, sizeof(c->claimed));
	if (e != X509_V_OK)
		tls_conn_fail(c, "%s", why);
	else
		memcpy(c->verified, id, sizeof(c->verified));
	X509_STORE_CTX_set_error(xctx, e);
	return e == X509_V_OK;
}

uint64_t
tls_ctx_crl_next_update(struct tls_ctx *ctx, const char *agency)
{
	struct tls_partner *p;

	if ((p = tls_find_partner(ctx, agency)) == NULL)
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
