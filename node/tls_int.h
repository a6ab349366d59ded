/*
 * What the parts of the TLS module share and nothing else sees: the
 * structs behind tls.h's opaque types, and the helpers of tls.c (peer
 * identity), tls_ctx.c (contexts, partner CAs and CRLs), tls_conn.c
 * (connections over memory BIOs) and tls_files.c (certificate file checks).
 * Only these files include OpenSSL's headers.
 */
#ifndef LCN_TLS_INT_H
#define LCN_TLS_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lcn_limits.h"
#include "tls.h"

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

static inline void
seterr(char *buf, size_t bufsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline void
seterr(char *buf, size_t bufsz, const char *fmt, ...)
{
	va_list ap;

	if (bufsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, bufsz, fmt, ap);
	va_end(ap);
}

/* The reason of the first queued OpenSSL error, and an empty queue. */
static inline const char *
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

/* tls.c */
/*
 * Finds the one URI SAN "urn:lcn:agency:<ID>" of cert. Returns 0 with id
 * filled, or LCN_ETLS with the reason in errbuf.
 */
int	tls_san_agency(X509 *cert, char id[AGENCY_ID_MAX + 1], char *errbuf,
	    size_t errbufsz);
struct tls_partner *tls_find_partner(struct tls_ctx *, const char *agency);
/* OpenSSL's certificate verification, replaced (see tls.c). */
int	tls_verify_peer(X509_STORE_CTX *xctx, void *arg);

/* tls_ctx.c */
/* A CA by its basicConstraints CA:TRUE, with keyCertSign if it has one. */
int	tls_is_ca(X509 *x);

/* tls_conn.c */
/* The first reason wins: it is the most precise (tls_verify_peer's). */
void	tls_conn_fail(struct tls_conn *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
