/*
 * Test fixture: fresh Ed25519 signing keys, written as lcnd's own are
 * (PEM, mode 0600) and loaded back through sig_key_load.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sig.h"
#include "test_keys.h"

struct sig_key *
test_key_make(const char *dir, const char *name)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;
	struct sig_key	*k;
	char		 path[PATH_MAX], err[256];
	FILE		*f;
	int		 fd;

	assert_non_null(ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL));
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_keygen(ctx, &pkey), 1);
	EVP_PKEY_CTX_free(ctx);
	snprintf(path, sizeof(path), "%s/%s.key", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	EVP_PKEY_free(pkey);
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)), 0);
	return k;
}
