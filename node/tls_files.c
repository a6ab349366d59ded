/*
 * Certificate and key files checked outside any TLS session, for the
 * configuration's checks and lcn's tools: a CA file holds CAs only, which
 * agency a certificate names, whether two CA files share a CA, whether a
 * certificate was issued by a CA file, whether a key matches a
 * certificate.
 */
#include <limits.h>
#include <stdio.h>

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
		if (tls_is_ca(sk_X509_value(cas, i)))
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
	r = tls_san_agency(sk_X509_value(certs, 0), id, errbuf, errbufsz);
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
