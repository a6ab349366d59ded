/*
 * Private key files are refused unless only lcnd's user could have
 * written or read them: a symbolic link, a key readable by group or
 * others, a key owned by another user, and a key in a directory others
 * may write are each refused, for the signing key (sig_key_load), the TLS
 * key (tls_ctx_new) and through the configuration (config_open_keys);
 * systemd credentials are taken as systemd writes them. Keys are made at
 * run time with certs/make-agency in a temporary directory; the tests
 * that need another user's file run as root only (skipped otherwise).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "hash.h"
#include "lcn_err.h"
#include "sig.h"
#include "test_tmpdir.h"
#include "tls.h"

#define NOBODY	65534	/* a uid that is not lcnd's */

static char	tmp[TEST_TMPDIR_MAX];

static int
run(const char *fmt, ...)
{
	char	cmd[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int
setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(tmp, sizeof(tmp), "keyfile") != 0 ||
	    hash_init() != 0)
		return -1;
	if (run("%s/certs/make-agency JP-METI %s/jp >/dev/null 2>&1 && "
	    "%s/certs/make-agency US-BIS %s/us >/dev/null 2>&1",
	    LCN_SOURCE_DIR, tmp, LCN_SOURCE_DIR, tmp) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmp);
}

static const char *
path(const char *rel)
{
	static char	buf[4][256];
	static int	i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, rel);
	return buf[i];
}

/*
 * Makes the directory tmp/dir with dmode and copies JP-METI's two keys
 * into it as node.key and signing.key, each with fmode and owner uid.
 */
static void
place_keys(const char *dir, mode_t dmode, mode_t fmode, uid_t uid)
{
	const char	*d = path(dir);

	assert_int_equal(run("rm -rf %s && mkdir %s && "
	    "cp %s/jp/node.key %s/jp/signing.key %s/", d, d, tmp, tmp, d), 0);
	assert_int_equal(run("chmod %o %s/node.key %s/signing.key && "
	    "chown %u %s/node.key %s/signing.key && chmod %o %s", fmode, d, d,
	    (unsigned)uid, d, d, dmode, d), 0);
}

/* sig_key_load and tls_ctx_new both refuse the keys in dir; err has why. */
static void
expect_refused(const char *dir, const char *why)
{
	struct sig_key	*k = (struct sig_key *)tmp;	/* not NULL */
	struct tls_ctx	*ctx = (struct tls_ctx *)tmp;
	char		 key[256], err[512];

	snprintf(key, sizeof(key), "%s/%s/signing.key", tmp, dir);
	err[0] = '\0';
	assert_int_equal(sig_key_load(key, &k, err, sizeof(err)), LCN_EINVAL);
	assert_null(k);
	if (strstr(err, why) == NULL)
		fail_msg("signing key: expected '%s' in '%s'", why, err);

	snprintf(key, sizeof(key), "%s/%s/node.key", tmp, dir);
	err[0] = '\0';
	assert_int_not_equal(tls_ctx_new(path("jp/node.pem"), key, &ctx, err,
	    sizeof(err)), 0);
	assert_null(ctx);
	if (strstr(err, why) == NULL)
		fail_msg("TLS key: expected '%s' in '%s'", why, err);
}

static void
expect_accepted(const char *dir)
{
	struct sig_key	*k;
	struct tls_ctx	*ctx;
	char		 key[256], err[512];

	snprintf(key, sizeof(key), "%s/%s/signing.key", tmp, dir);
	if (sig_key_load(key, &k, err, sizeof(err)) != 0)
		fail_msg("signing key: %s", err);
	sig_key_free(k);
	snprintf(key, sizeof(key), "%s/%s/node.key", tmp, dir);
	if (tls_ctx_new(path("jp/node.pem"), key, &ctx, err,
	    sizeof(err)) != 0)
		fail_msg("TLS key: %s", err);
	tls_ctx_free(ctx);
}

static void
keyfile_accepts_owner_only_keys(void **state)
{
	(void)state;
	place_keys("rw", 0700, 0600, geteuid());
	expect_accepted("rw");
	place_keys("ro", 0755, 0400, geteuid());
	expect_accepted("ro");
}

static void
keyfile_refuses_symbolic_link(void **state)
{
	(void)state;
	place_keys("real", 0700, 0600, geteuid());
	assert_int_equal(run("mkdir -m 700 %s && "
	    "ln -s %s/node.key %s/node.key && "
	    "ln -s %s/signing.key %s/signing.key", path("link"),
	    path("real"), path("link"), path("real"), path("link")), 0);
	expect_refused("link", "symbolic link");
}

static void
keyfile_refuses_key_readable_by_group_or_others(void **state)
{
	const mode_t	bad[] = { 0640, 0660, 0644, 0604, 0620, 0602 };
	char		want[16];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		place_keys("loose", 0700, bad[i], geteuid());
		snprintf(want, sizeof(want), "mode %04o", (unsigned)bad[i]);
		expect_refused("loose", want);
	}
}

static void
keyfile_refuses_key_of_another_user(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();		/* only root can give a file away */
	place_keys("theirs", 0700, 0600, NOBODY);
	expect_refused("theirs", "owned by uid 65534");
}

static void
keyfile_refuses_directory_others_may_write(void **state)
{
	(void)state;
	place_keys("world", 0777, 0600, geteuid());
	expect_refused("world", "writable by group or others");
	place_keys("sticky", 01777, 0600, geteuid());
	expect_refused("sticky", "writable by group or others");
	place_keys("group", 0770, 0600, geteuid());
	expect_refused("group", "writable by group or others");
}

static void
keyfile_refuses_directory_of_another_user(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	place_keys("theirdir", 0755, 0600, geteuid());
	assert_int_equal(run("chown %u %s", NOBODY, path("theirdir")), 0);
	expect_refused("theirdir", "owned by uid 65534");
}

/* A configuration naming the keys in tmp/dir; CONF is tmp/DIR.conf. */
static const char *
write_conf(const char *dir)
{
	static char	conf[256];
	FILE		*f;

	snprintf(conf, sizeof(conf), "%s/%s.conf", tmp, dir);
	assert_non_null(f = fopen(conf, "w"));
	fprintf(f, "[node]\nid = JP-METI\nlisten = 127.0.0.1:7400\n"
	    "data_dir = %s/data\ntls_cert = %s/jp/node.pem\n"
	    "tls_key = %s/%s/node.key\nsigning_key = %s/%s/signing.key\n\n"
	    "[partner US-BIS]\nca = %s/us/ca.pem\n"
	    "signing_pub = %s/us/signing.pub\n", tmp, tmp, tmp, dir, tmp, dir,
	    tmp, tmp);
	assert_int_equal(fclose(f), 0);
	return conf;
}

static void
config_open_keys_refuses_group_readable_tls_key(void **state)
{
	struct config	 c;
	const char	*conf;
	char		 err[1024];

	(void)state;
	place_keys("cfg", 0700, 0600, geteuid());
	assert_int_equal(chmod(path("cfg/node.key"), 0640), 0);
	conf = write_conf("cfg");
	if (config_load(conf, &c, err, sizeof(err)) != 0)
		fail_msg("config_load: %s", err);
	assert_int_equal(config_open_keys(&c, err, sizeof(err)), LCN_ECONFIG);
	if (strstr(err, ":6: tls_key: ") == NULL ||
	    strstr(err, "TLS key has mode 0640, expected 0600") == NULL)
		fail_msg("unexpected message: %s", err);
	assert_null(c.signing_key);
	config_free(&c);
}

/*
 * systemd writes a credential owned by root, mode 0400, and grants the
 * service's user read access with an ACL, whose mask shows as group read
 * (0440). Taken under $CREDENTIALS_DIRECTORY, refused anywhere else.
 */
static void
config_open_keys_takes_systemd_credentials(void **state)
{
	struct config	 c;
	const char	*conf;
	char		 err[1024];

	(void)state;
	place_keys("credentials", 0500, 0440, 0);
	conf = write_conf("credentials");
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY",
	    path("credentials"), 1), 0);
	if (config_load(conf, &c, err, sizeof(err)) != 0)
		fail_msg("config_load: %s", err);
	if (config_open_keys(&c, err, sizeof(err)) != 0)
		fail_msg("config_open_keys: %s", err);
	assert_non_null(c.signing_key);
	config_free(&c);

	/* Group-writable is never a credential. */
	assert_int_equal(chmod(path("credentials/signing.key"), 0460), 0);
	assert_int_equal(config_load(conf, &c, err, sizeof(err)), 0);
	assert_int_equal(config_open_keys(&c, err, sizeof(err)), LCN_ECONFIG);
	config_free(&c);
	assert_int_equal(chmod(path("credentials/signing.key"), 0440), 0);

	/* Elsewhere, the same files are too loose. */
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", path("jp"), 1), 0);
	assert_int_equal(config_load(conf, &c, err, sizeof(err)), 0);
	assert_int_equal(config_open_keys(&c, err, sizeof(err)), LCN_ECONFIG);
	assert_non_null(strstr(err, "mode 0440"));
	config_free(&c);
	assert_int_equal(unsetenv("CREDENTIALS_DIRECTORY"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keyfile_accepts_owner_only_keys),
		cmocka_unit_test(keyfile_refuses_symbolic_link),
		cmocka_unit_test(
		    keyfile_refuses_key_readable_by_group_or_others),
		cmocka_unit_test(keyfile_refuses_key_of_another_user),
		cmocka_unit_test(keyfile_refuses_directory_others_may_write),
		cmocka_unit_test(keyfile_refuses_directory_of_another_user),
		cmocka_unit_test(
		    config_open_keys_refuses_group_readable_tls_key),
		cmocka_unit_test(config_open_keys_takes_systemd_credentials),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
