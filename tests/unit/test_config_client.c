/*
 * Unit tests for config_load_client() (config.h), the load lcn makes to
 * find lcnd's socket: it checks the file as config_load() does, with the
 * same messages, but only checks that the certificates and keys it names
 * are readable files, never what is in them. The certificates here are
 * plain text: config_load() refuses them, the client's load does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "lcn_err.h"
#include "test_config_fx.h"
#include "test_tmpdir.h"

static char	tmp[TEST_TMPDIR_MAX];	/* the test's directory */
static char	conf[TEST_TMPDIR_MAX + 16];	/* tmp/lcnd.conf */

/* Writes text to path with every "$D" replaced by the test directory. */
static void
write_text(const char *path, const char *text)
{
	test_conf_write(tmp, path, text);
}

static int
setup(void **state)
{
	static const char *const names[] = {
		"node.pem", "node.key", "signing.key", "ca.pem", "junk.pub",
	};
	char	cmd[4 * TEST_TMPDIR_MAX + 128];
	size_t	i;

	(void)state;
	if (test_tmpdir_make(tmp, sizeof(tmp), "config-client") != 0)
		return -1;
	/* Readable regular files, none of them what its key expects. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(conf, sizeof(conf), "%s/%s", tmp, names[i]);
		write_text(conf, "not a certificate or a key\n");
	}
	snprintf(conf, sizeof(conf), "%s/lcnd.conf", tmp);
	/*
	 * A real partner key: config_load() reads it while it parses,
	 * so a junk one would stop it before the faults below.
	 */
	snprintf(cmd, sizeof(cmd), "openssl genpkey -algorithm ed25519 "
	    "-out %s/us.key 2>/dev/null && openssl pkey -in %s/us.key "
	    "-pubout -out %s/signing.pub 2>/dev/null", tmp, tmp, tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmp);
}

/*
 * Lines 1 to 7; the files are the text ones setup() wrote, not the
 * agencies test_config_fx.h's NODE and US name.
 */
#undef NODE
#undef US
#define NODE								\
	"[node]\n"							\
	"id = JP-METI\n"						\
	"listen = 127.0.0.1:7400\n"					\
	"data_dir = $D/data\n"						\
	"tls_cert = $D/node.pem\n"					\
	"tls_key = $D/node.key\n"					\
	"signing_key = $D/signing.key\n"

/* Lines 8 to 10. */
#define US								\
	"[partner US-BIS]\n"						\
	"ca = $D/ca.pem\n"						\
	"signing_pub = $D/signing.pub valid_from=2026-01-01\n"

#define WA								\
	"[group WA]\n"							\
	"members = JP-METI US-BIS\n"

static void
config_client_reads_the_socket_without_parsing_files(void **state)
{
	struct config	c;
	char		err[1024], want[PATH_MAX];

	(void)state;
	write_text(conf, NODE US WA);
	err[0] = '\0';
	if (config_load_client(conf, &c, err, sizeof(err)) != 0)
		fail_msg("config_load_client: %s", err);
	snprintf(want, sizeof(want), "%s/data/lcnd.sock", tmp);
	assert_string_equal(c.socket, want);
	assert_string_equal(c.id, "JP-METI");
	assert_int_equal(c.npartners, 1);
	assert_string_equal(c.partners[0].id, "US-BIS");
	/* The key is counted, with its window, but never read. */
	assert_int_equal(c.trust.agencies[1].nkeys, 1);
	assert_null(c.trust.agencies[1].keys[0].pub);
	assert_true(c.trust.agencies[1].keys[0].valid_from_ms > 0);
	config_free(&c);

	/* lcnd's load reads them, and refuses the first. */
	assert_int_equal(config_load(conf, &c, err, sizeof(err)),
	    LCN_ECONFIG);
	assert_non_null(strstr(err, ":9: ca: "));

	/* A partner key that is not one. */
	write_text(conf, NODE "[partner US-BIS]\nca = $D/ca.pem\n"
	    "signing_pub = $D/junk.pub\n");
	if (config_load_client(conf, &c, err, sizeof(err)) != 0)
		fail_msg("config_load_client: %s", err);
	assert_null(c.trust.agencies[1].keys[0].pub);
	config_free(&c);
	assert_int_equal(config_load(conf, &c, err, sizeof(err)),
	    LCN_ECONFIG);
	assert_non_null(strstr(err, ":10: signing_pub: expected a PEM "
	    "Ed25519 public key"));

	/* This node's certificate that is not one. */
	write_text(conf, NODE);
	if (config_load_client(conf, &c, err, sizeof(err)) != 0)
		fail_msg("config_load_client: %s", err);
	config_free(&c);
	assert_int_equal(config_load(conf, &c, err, sizeof(err)),
	    LCN_ECONFIG);
	assert_non_null(strstr(err, ":5: tls_cert: expected a PEM "
	    "certificate naming this node"));

	/* A socket of its own. */
	write_text(conf, NODE "socket = $D/run/lcn.sock\n" US);
	if (config_load_client(conf, &c, err, sizeof(err)) != 0)
		fail_msg("config_load_client: %s", err);
	snprintf(want, sizeof(want), "%s/run/lcn.sock", tmp);
	assert_string_equal(c.socket, want);
	config_free(&c);
}

/*
 * Everything but the files' contents is checked as lcnd checks it: the
 * same message from both loads, and nothing left in the struct.
 */
static void
config_client_refuses_what_config_load_refuses(void **state)
{
	static const char *const bad[] = {
		NODE "colour = blue\n",
		"[node]\nid = JP-METI\n",
		"[node]\nid = Japan\n",
		NODE "[partner US-BIS]\nsigning_pub = $D/signing.pub\n",
		NODE "[partner US-BIS]\nca = $D/ca.pem\n",
		NODE "[partner US-BIS]\nca = $D/missing.pem\n",
		NODE "[partner JP-METI]\nca = $D/ca.pem\nsigning_pub = "
		    "$D/signing.pub\n",
		NODE "[partner US-BIS]\nca = $D/ca.pem\nsigning_pub = "
		    "$D/signing.pub valid_from=2026-02-30\n",
		NODE US "[group WA]\nmembers = JP-METI DE-BAFA\n",
		NODE US "[partner US-BIS]\nca = $D/ca.pem\n",
		NODE "tls_cert = $D/node.pem\n",
		NODE "[nonsense]\n",
		NODE "map_size = 12\n",
		"[node]\nid = JP-METI\nlisten = 127.0.0.1:7400\n"
		    "data_dir = $D/data\ntls_cert = $D/missing.pem\n",
	};
	struct config	 c, zero;
	char		 full[1400], client[1400];
	size_t		 i;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(conf, bad[i]);
		/*
		 * Each fault here comes before any certificate is read
		 * (partner keys are real): a full load stopped by a file's
		 * contents first would say something else.
		 */
		assert_int_equal(config_load(conf, &c, full, sizeof(full)),
		    LCN_ECONFIG);
		assert_memory_equal(&c, &zero, sizeof(c));
		assert_int_equal(config_load_client(conf, &c, client,
		    sizeof(client)), LCN_ECONFIG);
		assert_memory_equal(&c, &zero, sizeof(c));
		if (strcmp(full, client) != 0)
			fail_msg("case %zu: config_load says '%s', "
			    "config_load_client '%s'", i, full, client);
		assert_non_null(strstr(client, conf));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    config_client_reads_the_socket_without_parsing_files),
		cmocka_unit_test(
		    config_client_refuses_what_config_load_refuses),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
