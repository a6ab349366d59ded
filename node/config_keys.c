/*
 * Opening the node's private keys that its configuration names: the TLS
 * key and the Ed25519 signing key (config.h: config_open_keys). The parse
 * in config.c checks their names as paths only, so that reading the
 * configuration never opens a private key: lcn reads it to find the
 * node's socket and data directory, without read access to the keys.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "keyfile.h"
#include "lcn_err.h"
#include "log.h"
#include "sig.h"
#include "tls.h"
#include "trust.h"

#define QUOTE_MAX	80	/* a path quoted in a message */

static int
keyerr(const struct config *c, int line, char *errbuf, size_t errbufsz,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "FILE:LINE: ..." as the parse writes its messages; LCN_ECONFIG. */
static int
keyerr(const struct config *c, int line, char *errbuf, size_t errbufsz,
    const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(errbuf, errbufsz, "%s:%d: ", c->path, line);
	if (n >= 0 && (size_t)n < errbufsz) {
		va_start(ap, fmt);
		vsnprintf(errbuf + n, errbufsz - n, fmt, ap);
		va_end(ap);
	}
	return LCN_ECONFIG;
}

/*
 * A key under $CREDENTIALS_DIRECTORY is a systemd credential
 * (LoadCredential= in ops/lcnd.service): systemd wrote it there, owned by
 * root, for this service alone (keyfile.h: KEYFILE_CREDENTIAL).
 */
static int
key_flags(const char *path)
{
	const char	*d = getenv("CREDENTIALS_DIRECTORY");
	size_t		 n;

	if (d == NULL || d[0] != '/')
		return 0;
	n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		n--;
	if (strncmp(path, d, n) == 0 && path[n] == '/' &&
	    strchr(path + n + 1, '/') == NULL)
		return KEYFILE_CREDENTIAL;
	return 0;
}

/*
 * Reads the key file named by key = at line into memory (keyfile.h: no
 * symbolic link, owned by lcnd's user, mode 0600 or 0400, in a directory
 * no one else may write).
 */
static int
read_key(const struct config *c, const char *key, const char *what,
    const char *path, int line, uint8_t **pem, size_t *len, char *errbuf,
    size_t errbufsz)
{
	char	err[512];
	int	r;

	if ((r = keyfile_read(path, what, key_flags(path), pem, len, err,
	    sizeof(err))) != 0)
		return keyerr(c, line, errbuf, errbufsz, "%s: %s", key,
		    err[0] != '\0' ? err : lcn_strerror(r));
	return 0;
}

/*
 * The TLS key is the private half of tls_cert: otherwise lcnd could not
 * start, and --check-config, which builds no TLS context, would not say.
 */
static int
check_tls_pair(const struct config *c, const uint8_t *pem, size_t len,
    char *errbuf, size_t errbufsz)
{
	char	q[QUOTE_MAX], why[256];

	if (tls_key_matches_cert(c->tls_cert, pem, len, why,
	    sizeof(why)) == 0)
		return 0;
	log_escape(q, sizeof(q), c->tls_key, strlen(c->tls_key));
	return keyerr(c, c->tls_key_line, errbuf, errbufsz, "tls_key: '%s': "
	    "%s", q, why);
}

int
config_open_keys(struct config *c, char *errbuf, size_t errbufsz)
{
	struct trust_agency	*self = &c->trust.agencies[0];
	struct sig_key		*key = NULL;
	struct sig_pubkey	*pub = NULL;
	uint8_t			*tls_pem = NULL, *sig_pem = NULL;
	size_t			 tls_len = 0, sig_len = 0;
	int			 r;

	LCN_ASSERT(c->signing_key == NULL && self->nkeys == 0);
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if ((r = read_key(c, "tls_key", "TLS key", c->tls_key,
	    c->tls_key_line, &tls_pem, &tls_len, errbuf, errbufsz)) != 0 ||
	    (r = read_key(c, "signing_key", "signing key",
	    c->signing_key_path, c->signing_key_line, &sig_pem, &sig_len,
	    errbuf, errbufsz)) != 0 ||
	    (r = check_tls_pair(c, tls_pem, tls_len, errbuf, errbufsz)) != 0)
		goto out;
	if ((r = sig_key_from_pem(sig_pem, sig_len, &key)) != 0) {
		r = keyerr(c, c->signing_key_line, errbuf, errbufsz,
		    "signing_key: %s: expected a PEM Ed25519 private key",
		    c->signing_key_path);
		goto out;
	}
	/* The trust owns its keys, so this node's gets a copy. */
	if ((r = sig_pubkey_from_raw(sig_pubkey_raw(sig_key_public(key)),
	    &pub)) != 0) {
		r = keyerr(c, 0, errbuf, errbufsz, "building the trust "
		    "directory: %s", lcn_strerror(r));
		goto out;
	}
	memset(&self->keys[0], 0, sizeof(self->keys[0]));
	self->keys[0].pub = pub;
	self->nkeys = 1;
	c->signing_key = key;
	key = NULL;
	/* tls.c parses it when lcnd makes its TLS context (daemon.c). */
	c->tls_key_pem = tls_pem;
	c->tls_key_pem_len = tls_len;
	tls_pem = NULL;
	r = 0;
 out:
	keyfile_free(tls_pem, tls_len);
	keyfile_free(sig_pem, sig_len);
	sig_key_free(key);
	return r;
}
