/*
 * Unit tests for sig.c: Ed25519 entry signatures over
 * "LCN-ENTRY-1\0" || entry (PROTOCOL.md section 3), key files that must be
 * mode 0600, and key ids that are SHA-256 of the raw public key. Keys are
 * generated afresh with OpenSSL into a mkdtemp directory that the group
 * teardown removes.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "hash.h"
#include "lcn_err.h"
#include "sig.h"
#include "test_tmpdir.h"

struct fixture {
	char		 dir[TEST_TMPDIR_MAX];
	char		 path[128];	/* key.pem, mode 0600 */
	EVP_PKEY	*pkey;		/* the same key, as OpenSSL holds it */
	struct sig_key	*key;
};

static EVP_PKEY *
gen_key(int type)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;

	if ((ctx = EVP_PKEY_CTX_new_id(type, NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_keygen_init(ctx) != 1 ||
	    (type == EVP_PKEY_EC && EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx,
	    NID_X9_62_prime256v1) != 1) ||
	    EVP_PKEY_keygen(ctx, &pkey) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Writes pkey as PEM (private, or public if pub) to dir/name with mode. */
static void
write_pem(const char *dir, const char *name, EVP_PKEY *pkey, int pub,
    mode_t mode, char *path, size_t pathsz)
{
	FILE	*f;
	int	 fd;

	snprintf(path, pathsz, "%s/%s", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
	    -1);
	/* fchmod, not open's mode: the umask must not decide the test. */
	assert_int_equal(fchmod(fd, mode), 0);
	assert_non_null(f = fdopen(fd, "w"));
	if (pub)
		assert_int_equal(PEM_write_PUBKEY(f, pkey), 1);
	else
		assert_int_equal(PEM_write_PrivateKey(f, pkey, NULL, NULL, 0,
		    NULL, NULL), 1);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	struct fixture	*fx;
	char		 err[256];

	if (hash_init() != 0 || (fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	if (test_tmpdir_make(fx->dir, sizeof(fx->dir), "sig") != 0 ||
	    (fx->pkey = gen_key(EVP_PKEY_ED25519)) == NULL)
		return -1;
	write_pem(fx->dir, "key.pem", fx->pkey, 0, 0600, fx->path,
	    sizeof(fx->path));
	if (sig_key_load(fx->path, &fx->key, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	int		 r;

	if (fx == NULL)
		return 0;
	r = test_tmpdir_remove(fx->dir);
	sig_key_free(fx->key);
	EVP_PKEY_free(fx->pkey);
	free(fx);
	return r;
}

static void
fill(uint8_t *b, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 31 + seed);
}

static void
sig_sign_verify_round_trip(void **state)
{
	struct fixture	*fx = *state;
	uint8_t		 entry[100], sig[SIG_LEN];

	fill(entry, sizeof(entry), 1);
	assert_int_equal(sig_sign_entry(fx->key, entry, sizeof(entry), sig),
	    0);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    sizeof(entry), sig), 0);
}

/*
 * The signature is plain Ed25519 over "LCN-ENTRY-1\0" || entry (Ed25519
 * is deterministic, so it can be compared byte for byte), and a signature
 * over the bare entry is not accepted.
 */
static void
sig_signs_context_then_entry(void **state)
{
	struct fixture	*fx = *state;
	EVP_MD_CTX	*ctx;
	uint8_t		 entry[40], msg[12 + 40], sig[SIG_LEN],
			 want[SIG_LEN], bare[SIG_LEN];
	size_t		 siglen;

	fill(entry, sizeof(entry), 2);
	memcpy(msg, "LCN-ENTRY-1", 12);
	memcpy(msg + 12, entry, sizeof(entry));
	assert_int_equal(sig_sign_entry(fx->key, entry, sizeof(entry), sig),
	    0);

	assert_non_null(ctx = EVP_MD_CTX_new());
	siglen = sizeof(want);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, fx->pkey),
	    1);
	assert_int_equal(EVP_DigestSign(ctx, want, &siglen, msg,
	    sizeof(msg)), 1);
	assert_memory_equal(sig, want, SIG_LEN);
	EVP_MD_CTX_free(ctx);

	assert_non_null(ctx = EVP_MD_CTX_new());
	siglen = sizeof(bare);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, fx->pkey),
	    1);
	assert_int_equal(EVP_DigestSign(ctx, bare, &siglen, entry,
	    sizeof(entry)), 1);
	EVP_MD_CTX_free(ctx);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    sizeof(entry), bare), LCN_EBADSIG);
}

static void
sig_verify_fails_on_flipped_entry_byte(void **state)
{
	struct fixture	*fx = *state;
	uint8_t		 entry[100], sig[SIG_LEN];
	size_t		 i;

	fill(entry, sizeof(entry), 3);
	assert_int_equal(sig_sign_entry(fx->key, entry, sizeof(entry), sig),
	    0);
	for (i = 0; i < sizeof(entry); i++) {
		entry[i] ^= 0x01;
		assert_int_equal(sig_verify_entry(sig_key_public(fx->key),
		    entry, sizeof(entry), sig), LCN_EBADSIG);
		entry[i] ^= 0x01;
	}
	/* One byte shorter or longer is another message too. */
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    sizeof(entry) - 1, sig), LCN_EBADSIG);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    0, sig), LCN_EBADSIG);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    sizeof(entry), sig), 0);
}

static void
sig_verify_fails_on_flipped_signature_bit(void **state)
{
	struct fixture	*fx = *state;
	uint8_t		 entry[64], sig[SIG_LEN];
	size_t		 i;

	fill(entry, sizeof(entry), 4);
	assert_int_equal(sig_sign_entry(fx->key, entry, sizeof(entry), sig),
	    0);
	for (i = 0; i < SIG_LEN * 8; i++) {
		sig[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(sig_verify_entry(sig_key_public(fx->key),
		    entry, sizeof(entry), sig), LCN_EBADSIG);
		sig[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	memset(sig, 0, sizeof(sig));
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    sizeof(entry), sig), LCN_EBADSIG);
}

static void
sig_verify_fails_under_another_key(void **state)
{
	struct fixture		*fx = *state;
	EVP_PKEY		*other;
	struct sig_pubkey	*pk;
	uint8_t			 entry[32], sig[SIG_LEN], raw[PUBKEY_LEN];
	size_t			 len = sizeof(raw);

	fill(entry, sizeof(entry), 5);
	assert_int_equal(sig_sign_entry(fx->key, entry, sizeof(entry), sig),
	    0);
	assert_non_null(other = gen_key(EVP_PKEY_ED25519));
	assert_int_equal(EVP_PKEY_get_raw_public_key(other, raw, &len), 1);
	assert_int_equal(sig_pubkey_from_raw(raw, &pk), 0);
	assert_int_equal(sig_verify_entry(pk, entry, sizeof(entry), sig),
	    LCN_EBADSIG);
	sig_pubkey_free(pk);
	EVP_PKEY_free(other);
}

/* Exact fit: an entry of ENTRY_MAX bytes signs; one more byte does not. */
static void
sig_sign_bounds_entry_at_entry_max(void **state)
{
	struct fixture	*fx = *state;
	uint8_t		*entry, sig[SIG_LEN];

	assert_non_null(entry = malloc(ENTRY_MAX + 1));
	fill(entry, ENTRY_MAX + 1, 6);
	assert_int_equal(sig_sign_entry(fx->key, entry, ENTRY_MAX, sig), 0);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    ENTRY_MAX, sig), 0);
	assert_int_not_equal(sig_sign_entry(fx->key, entry, ENTRY_MAX + 1,
	    sig), 0);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key), entry,
	    ENTRY_MAX + 1, sig), LCN_EBADSIG);
	free(entry);
}

static void
sig_key_load_refuses_mode_0644(void **state)
{
	struct fixture	*fx = *state;
	struct sig_key	*k = (struct sig_key *)fx;	/* not NULL */
	char		 path[128], err[256];
	const mode_t	 bad[] = { 0644, 0640, 0604, 0660, 0601, 0610 };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_pem(fx->dir, "loose.pem", fx->pkey, 0, bad[i], path,
		    sizeof(path));
		err[0] = '\0';
		assert_int_equal(sig_key_load(path, &k, err, sizeof(err)),
		    LCN_EINVAL);
		assert_null(k);
		assert_non_null(strstr(err, "0600"));
		assert_non_null(strstr(err, path));
		k = (struct sig_key *)fx;
	}
	assert_int_equal(unlink(path), 0);
}

static void
sig_key_load_accepts_owner_only_modes(void **state)
{
	struct fixture	*fx = *state;
	struct sig_key	*k;
	char		 path[128], err[256];

	write_pem(fx->dir, "ro.pem", fx->pkey, 0, 0400, path, sizeof(path));
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)), 0);
	assert_memory_equal(sig_pubkey_id(sig_key_public(k)),
	    sig_pubkey_id(sig_key_public(fx->key)), KEY_ID_LEN);
	sig_key_free(k);
	assert_int_equal(unlink(path), 0);
}

static void
sig_key_load_refuses_ec_key(void **state)
{
	struct fixture	*fx = *state;
	struct sig_key	*k = (struct sig_key *)fx;
	EVP_PKEY	*ec;
	char		 path[128], err[256];

	assert_non_null(ec = gen_key(EVP_PKEY_EC));
	write_pem(fx->dir, "ec.pem", ec, 0, 0600, path, sizeof(path));
	err[0] = '\0';
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)),
	    LCN_ECRYPTO);
	assert_null(k);
	assert_non_null(strstr(err, "Ed25519"));
	EVP_PKEY_free(ec);
	assert_int_equal(unlink(path), 0);
}

static void
sig_key_load_refuses_public_key_and_garbage(void **state)
{
	struct fixture	*fx = *state;
	struct sig_key	*k = (struct sig_key *)fx;
	char		 path[128], err[256];
	FILE		*f;

	write_pem(fx->dir, "pub.pem", fx->pkey, 1, 0600, path, sizeof(path));
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)),
	    LCN_ECRYPTO);
	assert_null(k);
	assert_int_equal(unlink(path), 0);

	snprintf(path, sizeof(path), "%s/garbage.pem", fx->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n"
	    "-----END PRIVATE KEY-----\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	k = (struct sig_key *)fx;
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)),
	    LCN_ECRYPTO);
	assert_null(k);
	assert_int_equal(unlink(path), 0);
}

static void
sig_key_load_reports_missing_file(void **state)
{
	struct fixture	*fx = *state;
	struct sig_key	*k = (struct sig_key *)fx;
	char		 path[128], err[256];

	snprintf(path, sizeof(path), "%s/absent.pem", fx->dir);
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)), LCN_EIO);
	assert_null(k);
	assert_non_null(strstr(err, path));
}

static void
sig_key_id_is_sha256_of_raw_public_key(void **state)
{
	struct fixture			*fx = *state;
	const struct sig_pubkey		*pk = sig_key_public(fx->key);
	uint8_t				 raw[PUBKEY_LEN], id[KEY_ID_LEN];
	size_t				 len = sizeof(raw);
	unsigned int			 idlen = sizeof(id);

	assert_int_equal(EVP_PKEY_get_raw_public_key(fx->pkey, raw, &len), 1);
	assert_int_equal(len, PUBKEY_LEN);
	assert_memory_equal(sig_pubkey_raw(pk), raw, PUBKEY_LEN);
	/* Computed independently of hash.c. */
	assert_int_equal(EVP_Digest(raw, sizeof(raw), id, &idlen,
	    EVP_sha256(), NULL), 1);
	assert_int_equal(idlen, KEY_ID_LEN);
	assert_memory_equal(sig_pubkey_id(pk), id, KEY_ID_LEN);
}

static void
sig_pubkey_from_raw_round_trip(void **state)
{
	struct fixture		*fx = *state;
	const struct sig_pubkey	*mine = sig_key_public(fx->key);
	struct sig_pubkey	*pk;
	uint8_t			 entry[50], sig[SIG_LEN];

	assert_int_equal(sig_pubkey_from_raw(sig_pubkey_raw(mine), &pk), 0);
	assert_memory_equal(sig_pubkey_raw(pk), sig_pubkey_raw(mine),
	    PUBKEY_LEN);
	assert_memory_equal(sig_pubkey_id(pk), sig_pubkey_id(mine),
	    KEY_ID_LEN);
	fill(entry, sizeof(entry), 7);
	assert_int_equal(sig_sign_entry(fx->key, entry, sizeof(entry), sig),
	    0);
	assert_int_equal(sig_verify_entry(pk, entry, sizeof(entry), sig), 0);
	sig_pubkey_free(pk);
}

static void
sig_pubkey_load_reads_pem_and_refuses_ec(void **state)
{
	struct fixture		*fx = *state;
	struct sig_pubkey	*pk = (struct sig_pubkey *)fx;
	EVP_PKEY		*ec;
	char			 path[128];

	write_pem(fx->dir, "pub.pem", fx->pkey, 1, 0644, path, sizeof(path));
	assert_int_equal(sig_pubkey_load(path, &pk), 0);
	assert_memory_equal(sig_pubkey_id(pk),
	    sig_pubkey_id(sig_key_public(fx->key)), KEY_ID_LEN);
	sig_pubkey_free(pk);
	assert_int_equal(unlink(path), 0);

	assert_non_null(ec = gen_key(EVP_PKEY_EC));
	write_pem(fx->dir, "ecpub.pem", ec, 1, 0644, path, sizeof(path));
	pk = (struct sig_pubkey *)fx;
	assert_int_equal(sig_pubkey_load(path, &pk), LCN_ECRYPTO);
	assert_null(pk);
	EVP_PKEY_free(ec);
	assert_int_equal(unlink(path), 0);

	pk = (struct sig_pubkey *)fx;
	assert_int_equal(sig_pubkey_load(path, &pk), LCN_EIO);
	assert_null(pk);
}

static void
sig_free_accepts_null(void **state)
{
	(void)state;
	sig_key_free(NULL);
	sig_pubkey_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sig_sign_verify_round_trip),
		cmocka_unit_test(sig_signs_context_then_entry),
		cmocka_unit_test(sig_verify_fails_on_flipped_entry_byte),
		cmocka_unit_test(sig_verify_fails_on_flipped_signature_bit),
		cmocka_unit_test(sig_verify_fails_under_another_key),
		cmocka_unit_test(sig_sign_bounds_entry_at_entry_max),
		cmocka_unit_test(sig_key_load_refuses_mode_0644),
		cmocka_unit_test(sig_key_load_accepts_owner_only_modes),
		cmocka_unit_test(sig_key_load_refuses_ec_key),
		cmocka_unit_test(sig_key_load_refuses_public_key_and_garbage),
		cmocka_unit_test(sig_key_load_reports_missing_file),
		cmocka_unit_test(sig_key_id_is_sha256_of_raw_public_key),
		cmocka_unit_test(sig_pubkey_from_raw_round_trip),
		cmocka_unit_test(sig_pubkey_load_reads_pem_and_refuses_ec),
		cmocka_unit_test(sig_free_accepts_null),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
