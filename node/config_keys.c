/*
 * Opening the node's private keys that its configuration names: the TLS
 * key and the Ed25519 signing key (config.h: config_open_keys). The parse
 * in config.c checks their names as paths only, so that reading the
 * configuration never opens a private key: lcn reads it to find the
 * node's socket and data directory, without read access to the keys.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lcn_err.h"
#include "log.h"
#include "sig.h"
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
 * The key file named by key = at line must be a regular file this process
 * can read. For the TLS key that is all: tls.c parses it when it builds
 * the TLS context, and says then what is wrong with it.
 */
static int
check_file(const struct config *c, const char *key, const char *path,
    int line, char *errbuf, size_t errbufsz)
{
	struct stat	 st;
	char		 q[QUOTE_MAX];
	int		 fd, r;

	log_escape(q, sizeof(q), path, strlen(path));
	if ((fd = open(path, O_RDONLY)) == -1)
		return keyerr(c, line, errbuf, errbufsz, "%s: expected a "
		    "readable file, got '%s': %s", key, q, strerror(errno));
	r = fstat(fd, &st);
	close(fd);
	if (r == -1 || !S_ISREG(st.st_mode))
		return keyerr(c, line, errbuf, errbufsz, "%s: expected a "
		    "regular file, got '%s'", key, q);
	return 0;
}

int
config_open_keys(struct config *c, char *errbuf, size_t errbufsz)
{
	struct trust_agency	*self = &c->trust.agencies[0];
	struct sig_key		*key = NULL;
	struct sig_pubkey	*pub = NULL;
	char			 err[512];
	int			 r;

	LCN_ASSERT(c->signing_key == NULL && self->nkeys == 0);
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if ((r = check_file(c, "tls_key", c->tls_key, c->tls_key_line,
	    errbuf, errbufsz)) != 0 ||
	    (r = check_file(c, "signing_key", c->signing_key_path,
	    c->signing_key_line, errbuf, errbufsz)) != 0)
		goto out;
	err[0] = '\0';
	if ((r = sig_key_load(c->signing_key_path, &key, err,
	    sizeof(err))) != 0) {
		r = keyerr(c, c->signing_key_line, errbuf, errbufsz,
		    "signing_key: %s", err[0] != '\0' ? err : lcn_strerror(r));
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
	r = 0;
 out:
	sig_key_free(key);
	return r;
}
