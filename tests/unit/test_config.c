/*
 * Unit tests for the configuration file (config.c, config_keys.c): the
 * parse, which names private keys without opening them, and
 * config_open_keys, which opens them. Keys are made at run time with certs/make-agency in a temporary
 * directory (no private key is committed). Every error case checks the
 * exact "FILE:LINE: expected ..., got ..." message and that nothing is
 * left to free.
 */
#include <sys/stat.h>

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
#include "log.h"
#include "sig.h"
#include "test_config_fx.h"
#include "trust.h"

static char	tmp[64];		/* the test's directory */
static char	conf[128];		/* tmp/lcnd.conf */

static int
setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/lcn-test-config-XXXXXX");
	if (mkdtemp(tmp) == NULL || hash_init() != 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/lcnd.conf", tmp);
	if (test_conf_run("%s/certs/make-agency JP-METI %s/jp 2>/dev/null && "
	    "%s/certs/make-agency US-BIS %s/us 2>/dev/null && "
	    "%s/certs/make-agency US-BIS %s/us2 --ca-dir %s/us-ca 2>/dev/null && "
	    "%s/certs/make-agency DE-BAFA %s/de 2>/dev/null && "
	    "cp %s/jp/signing.key %s/loose.key && chmod 644 %s/loose.key",
	    LCN_SOURCE_DIR, tmp, LCN_SOURCE_DIR, tmp, LCN_SOURCE_DIR, tmp,
	    tmp, LCN_SOURCE_DIR, tmp, tmp, tmp, tmp) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return test_conf_run("rm -rf %s", tmp) == 0 ? 0 : -1;
}

/*
 * Loads text and expects it to fail with "CONF:line: want" ($D in want
 * for the test directory). On error the struct must hold nothing.
 */
static void
expect_error(const char *text, int line, const char *want)
{
	test_conf_expect_error(tmp, conf, text, line, want, 0);
}

static void
load_ok(const char *text, struct config *c)
{
	test_conf_load(tmp, conf, text, c, 1);
}

/* load_ok, then the keys opened. */
static void
load_keys_ok(const char *text, struct config *c)
{
	char err[1024];

	load_ok(text, c);
	if (config_open_keys(c, err, sizeof(err)) != 0)
		fail_msg("config_open_keys: %s", err);
	assert_string_equal(err, "");
}

/*
 * Loads text, which must parse, and expects config_open_keys to fail with
 * "CONF:line: want" ($D as in expect_error) and to leave no key behind.
 */
static void
expect_key_error(const char *text, int line, const char *want)
{
	struct config	 c;
	char		 err[1400], exp[1400], path[1024];

	test_conf_expand(tmp, want, path, sizeof(path));
	snprintf(exp, sizeof(exp), "%s:%d: %s", conf, line, path);

	load_ok(text, &c);
	assert_int_equal(config_open_keys(&c, err, sizeof(err)), LCN_ECONFIG);
	assert_string_equal(err, exp);
	assert_null(c.signing_key);
	assert_int_equal(c.trust.agencies[0].nkeys, 0);
	config_free(&c);
}

static void
assert_key_is(const struct sig_pubkey *pk, const char *pub_path)
{
	struct sig_pubkey	*want;
	char			 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmp, pub_path);
	assert_int_equal(sig_pubkey_load(path, &want), 0);
	assert_memory_equal(sig_pubkey_raw(pk), sig_pubkey_raw(want),
	    PUBKEY_LEN);
	sig_pubkey_free(want);
}

static void
config_loads_valid_file_with_trust(void **state)
{
	struct config			 c;
	const struct trust_agency	*a;
	const struct trust_group	*g;
	const struct config_partner	*p;
	const struct sig_pubkey		*pk;
	char				 want[PATH_MAX];

	(void)state;
	load_keys_ok(NODE
	    "\n"
	    "[partner US-BIS]\n"
	    "address = lcn.bis.example:7401   ; dial it\n"
	    "ca = $D/us/ca.pem\n"
	    "signing_pub = $D/us/signing.pub valid_until=2026-06-30\n"
	    "signing_pub = $D/us2/signing.pub valid_from=2026-07-01\n"
	    "crl = $D/us-ca/crl.pem\n"
	    DE
	    "[group WA]\n"
	    "members = US-BIS JP-METI DE-BAFA US-BIS\n"
	    "[group NSG]\n"
	    "members = JP-METI US-BIS\n", &c);

	assert_string_equal(c.id, "JP-METI");
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.listen_port, 7400);
	snprintf(want, sizeof(want), "%s/data", tmp);
	assert_string_equal(c.data_dir, want);
	snprintf(want, sizeof(want), "%s/data/lcnd.sock", tmp);
	assert_string_equal(c.socket, want);
	assert_int_equal(c.max_frame, FRAME_BODY_DEFAULT);
	assert_int_equal(c.map_size, 0);
	assert_int_equal(c.log_level, LOG_LEVEL_INFO);
	assert_int_equal(c.attest_interval_ms, ATTEST_INTERVAL_DEFAULT_MS);
	assert_non_null(c.signing_key);

	assert_int_equal(c.npartners, 2);
	assert_non_null(p = config_partner(&c, "US-BIS"));
	assert_string_equal(p->host, "lcn.bis.example");
	assert_int_equal(p->port, 7401);
	assert_int_equal(p->line, 9);
	snprintf(want, sizeof(want), "%s/us-ca/crl.pem", tmp);
	assert_string_equal(p->crl, want);
	assert_non_null(p = config_partner(&c, "DE-BAFA"));
	assert_string_equal(p->host, "");
	assert_int_equal(p->port, 0);
	assert_string_equal(p->crl, "");
	snprintf(want, sizeof(want), "%s/de/ca.pem", tmp);
	assert_string_equal(p->ca, want);
	assert_null(config_partner(&c, "FR-SGDSN"));

	/* Agencies: this node first, with its own key and no window. */
	assert_string_equal(c.trust.self, "JP-METI");
	assert_int_equal(c.trust.nagencies, 3);
	a = &c.trust.agencies[0];
	assert_string_equal(a->id, "JP-METI");
	assert_int_equal(a->nkeys, 1);
	assert_key_is(a->keys[0].pub, "jp/signing.pub");
	assert_int_equal(a->keys[0].valid_from_ms, 0);
	assert_int_equal(a->keys[0].valid_until_ms, 0);
	assert_string_equal(c.trust.agencies[1].id, "US-BIS");
	assert_string_equal(c.trust.agencies[2].id, "DE-BAFA");

	/* Key rotation: 2026-06-30 inclusive, then the new key. */
	assert_non_null(a = trust_agency(&c.trust, "US-BIS"));
	assert_int_equal(a->nkeys, 2);
	assert_key_is(a->keys[0].pub, "us/signing.pub");
	assert_key_is(a->keys[1].pub, "us2/signing.pub");
	assert_int_equal(a->keys[0].valid_from_ms, 0);
	assert_int_equal(a->keys[0].valid_until_ms, 1782863999999ull);
	assert_int_equal(a->keys[1].valid_from_ms, 1782864000000ull);
	assert_int_equal(a->keys[1].valid_until_ms, 0);
	assert_int_equal(trust_find_key(&c.trust, "US-BIS",
	    sig_pubkey_id(a->keys[0].pub), 1782863999999ull, &pk), 0);
	assert_int_equal(trust_find_key(&c.trust, "US-BIS",
	    sig_pubkey_id(a->keys[0].pub), 1782864000000ull, &pk), LCN_EKEY);
	assert_int_equal(trust_find_key(&c.trust, "US-BIS",
	    sig_pubkey_id(a->keys[1].pub), 1782864000000ull, &pk), 0);
	assert_ptr_equal(pk, a->keys[1].pub);

	/* Configured groups, deduplicated and sorted, then the pairs. */
	assert_int_equal(c.trust.ngroups, 4);
	assert_non_null(g = trust_group(&c.trust, "WA"));
	assert_int_equal(g->nmembers, 3);
	assert_string_equal(g->members[0], "DE-BAFA");
	assert_string_equal(g->members[1], "JP-METI");
	assert_string_equal(g->members[2], "US-BIS");
	assert_non_null(g = trust_group(&c.trust, "NSG"));
	assert_int_equal(g->nmembers, 2);
	assert_non_null(g = trust_group(&c.trust, "JP-METI+US-BIS"));
	assert_int_equal(g->nmembers, 2);
	assert_string_equal(g->members[0], "JP-METI");
	assert_string_equal(g->members[1], "US-BIS");
	assert_non_null(g = trust_group(&c.trust, "DE-BAFA+JP-METI"));
	assert_int_equal(g->nmembers, 2);
	assert_string_equal(g->members[0], "DE-BAFA");
	assert_string_equal(g->members[1], "JP-METI");
	assert_null(trust_group(&c.trust, "DE-BAFA+US-BIS"));
	assert_int_equal(trust_check_feed(&c.trust, "DE-BAFA", "WA"), 0);
	assert_int_equal(trust_check_feed(&c.trust, "DE-BAFA", "NSG"),
	    LCN_ENOTMEMBER);
	assert_int_equal(trust_check_feed(&c.trust, "US-BIS",
	    "JP-METI+US-BIS"), 0);
	config_free(&c);
	config_free(&c);	/* twice is harmless: it was zeroed */
}

static void
config_loads_options_indentation_and_relative_paths(void **state)
{
	struct config	c;
	char		want[PATH_MAX];

	(void)state;
	load_ok("; a comment\r\n"
	    "# another\r\n"
	    "[node]   ; the node\r\n"
	    "  id = JP-METI\r\n"
	    "\tlisten = [::1]:7400\r\n"
	    "  data_dir = data\r\n"
	    "  tls_cert = jp/node.pem\r\n"
	    "  tls_key = jp/node.key\r\n"
	    "  signing_key = jp/signing.key\r\n"
	    "  socket = /run/lcn/lcnd.sock\r\n"
	    "  max_frame = 8M\r\n"
	    "  map_size = 2G\r\n"
	    "  log_level = debug\r\n"
	    "  attest_interval = 0\r\n"
	    "[partner US-BIS]\r\n"
	    "  ca = us/ca.pem\r\n"
	    "  signing_pub = us/signing.pub\r\n", &c);
	assert_string_equal(c.listen_host, "::1");
	assert_int_equal(c.listen_port, 7400);
	snprintf(want, sizeof(want), "%s/data", tmp);
	assert_string_equal(c.data_dir, want);
	snprintf(want, sizeof(want), "%s/jp/node.pem", tmp);
	assert_string_equal(c.tls_cert, want);
	snprintf(want, sizeof(want), "%s/us/ca.pem", tmp);
	assert_string_equal(c.partners[0].ca, want);
	assert_string_equal(c.socket, "/run/lcn/lcnd.sock");
	assert_int_equal(c.max_frame, 8 * 1024 * 1024);
	assert_int_equal(c.map_size, 2ull * 1024 * 1024 * 1024);
	assert_int_equal(c.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(c.attest_interval_ms, 0);
	assert_int_equal(c.trust.ngroups, 1);
	assert_string_equal(c.trust.groups[0].name, "JP-METI+US-BIS");
	config_free(&c);
}

static void
config_rejects_unknown_key(void **state)
{
	(void)state;
	expect_error(NODE "colour = blue\n", 8, "expected a key of [node] "
	    "(id, listen, data_dir, tls_cert, tls_key, signing_key, socket, "
	    "max_frame, map_size, log_level, attest_interval, crl_warn_days, "
	    "disk_warn_mb, dial_in_wait, holidays), got 'colour'");
	expect_error(NODE US "adress = x:1\n", 11, "expected a key of "
	    "[partner US-BIS] (address, ca, signing_pub, crl, holidays), got "
	    "'adress'");
	expect_error(NODE "[group WA]\nmember = JP-METI\n", 9, "expected a "
	    "key of [group WA] (members, consult, consult_deadline, "
	    "consult_extension_max, silence, info_restarts), got 'member'");
}

static void
config_rejects_unknown_section(void **state)
{
	(void)state;
	expect_error(NODE "[peer US-BIS]\n", 8, "expected [node], "
	    "[partner ID] or [group NAME], got '[peer US-BIS]'");
	expect_error("[node extra]\n", 1, "expected [node], [partner ID] or "
	    "[group NAME], got '[node extra]'");
	expect_error(NODE "[partner US-BIS DE-BAFA]\n", 8, "expected [node], "
	    "[partner ID] or [group NAME], got '[partner US-BIS DE-BAFA]'");
	expect_error(NODE "[partner US-BIS\n", 8, "expected '[section]', "
	    "got '[partner US-BIS'");
	expect_error(NODE "[group WA] x\n", 8, "expected nothing but a "
	    "comment after ']', got 'x'");
}

static void
config_rejects_bad_id(void **state)
{
	(void)state;
	expect_error("[node]\nid = jp-meti\n", 2, "id: expected an agency id "
	    "CC-NAME (e.g. JP-METI), got 'jp-meti'");
	expect_error(NODE "[partner USBIS]\n", 8, "expected [partner CC-NAME] "
	    "with an agency id (e.g. US-BIS), got 'USBIS'");
	expect_error(NODE "[group WA]\nmembers = JP-METI us-bis\n", 9,
	    "members: expected agency ids CC-NAME, got 'us-bis'");
	/* Untrusted text is escaped and truncated. */
	expect_error("[node]\nid = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n", 2,
	    "id: expected an agency id CC-NAME (e.g. JP-METI), got '\\\"AAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAA...'");
}

static void
config_rejects_bad_listen_address(void **state)
{
	(void)state;
	expect_error("[node]\nlisten = 127.0.0.1\n", 2, "listen: expected "
	    "host:port or [v6]:port, got '127.0.0.1'");
	expect_error("[node]\nlisten = :7400\n", 2, "listen: expected "
	    "host:port or [v6]:port, got ':7400'");
	expect_error("[node]\nlisten = ::1:7400\n", 2, "listen: expected "
	    "host:port or [v6]:port, got '::1:7400'");
	expect_error("[node]\nlisten = a b:7400\n", 2, "listen: expected "
	    "host:port or [v6]:port, got 'a b:7400'");
	expect_error(NODE US "address = bis.example\n", 11, "address: "
	    "expected host:port or [v6]:port, got 'bis.example'");
}

static void
config_rejects_bad_port(void **state)
{
	(void)state;
	expect_error("[node]\nlisten = 0.0.0.0:70000\n", 2, "listen: "
	    "expected a port 1..65535, got '70000'");
	expect_error("[node]\nlisten = 0.0.0.0:0\n", 2, "listen: expected a "
	    "port 1..65535, got '0'");
	expect_error("[node]\nlisten = 0.0.0.0:-1\n", 2, "listen: expected a "
	    "port 1..65535, got '-1'");
	expect_error("[node]\nlisten = 0.0.0.0:\n", 2, "listen: expected a "
	    "port 1..65535, got ''");
	expect_error(NODE US "address = bis.example:74x\n", 11, "address: "
	    "expected a port 1..65535, got '74x'");
}

static void
config_rejects_missing_required_key(void **state)
{
	(void)state;
	expect_error("[node]\n"
	    "id = JP-METI\n"
	    "listen = 127.0.0.1:7400\n"
	    "data_dir = $D/data\n"
	    "tls_cert = $D/jp/node.pem\n"
	    "signing_key = $D/jp/signing.key\n", 1,
	    "expected key 'tls_key' in [node], got none");
	expect_error(NODE "\n[partner US-BIS]\n"
	    "signing_pub = $D/us/signing.pub\n", 9,
	    "expected key 'ca' in [partner US-BIS], got none");
	expect_error(NODE "[partner US-BIS]\nca = $D/us/ca.pem\n", 8,
	    "expected key 'signing_pub' in [partner US-BIS], got none");
	expect_error(NODE US "[group WA]\n", 11,
	    "expected key 'members' in [group WA], got none");
	expect_error(US, 0, "expected a [node] section, got none");
	expect_error("", 0, "expected a [node] section, got none");
}

static void
config_rejects_member_not_configured(void **state)
{
	(void)state;
	expect_error(NODE "[group WA]\nmembers = JP-METI US-BIS\n" DE, 9,
	    "members: expected this node (JP-METI) or configured partners, "
	    "got 'US-BIS'");
}

/* Regression: a group of 50 did not fit on one line of at most 198 bytes. */
static void
config_members_may_repeat(void **state)
{
	struct config	 c;
	char		 err[512];

	(void)state;
	test_conf_write(tmp, conf, NODE "[group WA]\nmembers = JP-METI\n"
	    "members = US-BIS DE-BAFA\nmembers = US-BIS\n" US DE);
	assert_int_equal(config_load(conf, &c, err, sizeof(err)), 0);
	assert_int_equal(trust_group(&c.trust, "WA")->nmembers, 3);
	assert_true(trust_is_member(trust_group(&c.trust, "WA"), "DE-BAFA"));
	config_free(&c);
}

static void
config_accepts_group_before_its_partners(void **state)
{
	struct config c;

	(void)state;
	load_ok(NODE "[group WA]\nmembers = DE-BAFA JP-METI\n" DE, &c);
	assert_int_equal(c.trust.ngroups, 2);
	assert_string_equal(c.trust.groups[0].name, "WA");
	assert_string_equal(c.trust.groups[1].name, "DE-BAFA+JP-METI");
	config_free(&c);
}

static void
config_rejects_duplicates(void **state)
{
	(void)state;
	expect_error(NODE US DE US, 14, "expected each partner once, got "
	    "[partner US-BIS] again (first at line 8)");
	expect_error(NODE "[group WA]\nmembers = JP-METI\n[group WA]\n", 10,
	    "expected each group once, got [group WA] again (first at line "
	    "8)");
	expect_error(NODE "[node]\n", 8, "expected one [node] section, got "
	    "another (first at line 1)");
	expect_error(NODE "id = JP-METI\n", 8, "expected id once in [node], "
	    "got it again (first at line 2)");
	expect_error(NODE US "ca = $D/us/ca.pem\n", 11, "expected ca once in "
	    "[partner US-BIS], got it again (first at line 9)");
}

static void
config_rejects_partner_that_is_self(void **state)
{
	(void)state;
	expect_error(NODE "[partner JP-METI]\nca = $D/jp/ca.pem\n"
	    "signing_pub = $D/jp/signing.pub\n", 8, "expected a partner other "
	    "than this node (id = JP-METI), got [partner JP-METI]");
}

/*
 * A partner's CA must be a CA, its own, and not this node's
 * (PROTOCOL.md section 2); the ca = line is blamed.
 */
static void
config_refuses_bad_partner_cas(void **state)
{
	(void)state;
	/* keyCertSign, but no basicConstraints CA:TRUE. */
	assert_int_equal(test_conf_run("printf '[req]\\n"
	    "distinguished_name = dn\\nprompt = no\\n[dn]\\nCN = x\\n"
	    "[kcs]\\nkeyUsage = critical,"
	    "keyCertSign,cRLSign\\n' >%s/kcs.cnf && openssl req -config "
	    "%s/kcs.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -subj '/CN=US-BIS kcs' -days 2 -extensions kcs -keyout "
	    "%s/kcs.key -out %s/kcs.pem 2>/dev/null", tmp, tmp, tmp, tmp), 0);
	expect_error(NODE "[partner US-BIS]\nca = $D/kcs.pem\n"
	    "signing_pub = $D/us/signing.pub\n", 9, "ca: expected CA "
	    "certificates (basicConstraints CA:TRUE), got one that is not a "
	    "CA (certificate 1, /CN=US-BIS kcs)");
	expect_error(NODE "[partner US-BIS]\nca = $D/us/node.pem\n"
	    "signing_pub = $D/us/signing.pub\n", 9, "ca: expected CA "
	    "certificates (basicConstraints CA:TRUE), got one that is not a "
	    "CA (certificate 1, /O=LCN/OU=US-BIS/CN=US-BIS node)");
	/* The CA that issued this node's own certificate. */
	expect_error(NODE "[partner US-BIS]\nca = $D/jp/ca.pem\n"
	    "signing_pub = $D/us/signing.pub\n", 9, "ca: expected US-BIS's "
	    "own CA, got the CA of this node's certificate (tls_cert): it "
	    "would vouch for this node as US-BIS");
	/* One CA for two partners. */
	expect_error(NODE US "[partner DE-BAFA]\nca = $D/us/ca.pem\n"
	    "signing_pub = $D/de/signing.pub\n", 12, "ca: expected a CA of "
	    "DE-BAFA's own, got one [partner US-BIS] (line 8) also trusts: "
	    "either could pass for the other");
}

static void
config_refuses_own_certificate_naming_another_agency(void **state)
{
	(void)state;
	expect_error("[node]\nid = JP-METI\nlisten = 127.0.0.1:7400\n"
	    "data_dir = $D/data\ntls_cert = $D/us/node.pem\n"
	    "tls_key = $D/us/node.key\nsigning_key = $D/jp/signing.key\n" DE,
	    5, "tls_cert: expected a certificate whose SAN names this node "
	    "(urn:lcn:agency:JP-METI, id at line 2), got one naming US-BIS");
	expect_error("[node]\nid = JP-METI\nlisten = 127.0.0.1:7400\n"
	    "data_dir = $D/data\ntls_cert = $D/de/ca.pem\n"
	    "tls_key = $D/jp/node.key\nsigning_key = $D/jp/signing.key\n" US,
	    5, "tls_cert: expected a PEM certificate naming this node "
	    "(urn:lcn:agency:JP-METI) in '$D/de/ca.pem', got: certificate "
	    "has no SAN urn:lcn:agency:<ID>");
}

static void
config_reads_crl_warn_days(void **state)
{
	struct config c;

	(void)state;
	load_ok(NODE US, &c);
	assert_int_equal(c.crl_warn_days, 7);
	config_free(&c);
	load_ok(NODE "crl_warn_days = 30\n" US, &c);
	assert_int_equal(c.crl_warn_days, 30);
	config_free(&c);
	expect_error(NODE "crl_warn_days = 366\n" US, 8, "crl_warn_days: "
	    "expected days 0..365, got '366'");
	expect_error(NODE "crl_warn_days = 1w\n" US, 8, "crl_warn_days: "
	    "expected days 0..365, got '1w'");
}

static void
config_reads_disk_warn_mb(void **state)
{
	struct config c;

	(void)state;
	load_ok(NODE US, &c);
	assert_int_equal(c.disk_warn_mb, 512);
	config_free(&c);
	load_ok(NODE "disk_warn_mb = 0\n" US, &c);
	assert_int_equal(c.disk_warn_mb, 0);
	config_free(&c);
	load_ok(NODE "disk_warn_mb = 2048\n" US, &c);
	assert_int_equal(c.disk_warn_mb, 2048);
	config_free(&c);
	expect_error(NODE "disk_warn_mb = 1G\n" US, 8, "disk_warn_mb: "
	    "expected MiB 0..1048576, got '1G'");
	expect_error(NODE "disk_warn_mb = -1\n" US, 8, "disk_warn_mb: "
	    "expected MiB 0..1048576, got '-1'");
}

/* The [node] section of NODE with the two private keys given here. */
#define NODE_KEYS(tls_key, signing_key)					\
	"[node]\n"							\
	"id = JP-METI\n"						\
	"listen = 127.0.0.1:7400\n"					\
	"data_dir = $D/data\n"						\
	"tls_cert = $D/jp/node.pem\n"					\
	"tls_key = " tls_key "\n"					\
	"signing_key = " signing_key "\n"

static void
config_refuses_signing_key_readable_by_others(void **state)
{
	(void)state;
	expect_key_error(NODE_KEYS("$D/jp/node.key", "$D/loose.key") US, 7,
	    "signing_key: $D/loose.key: signing key has mode 0644, expected "
	    "0600 (chmod 600 $D/loose.key)");
	expect_key_error(NODE_KEYS("$D/jp/node.key", "$D/us/signing.pub"), 7,
	    "signing_key: $D/us/signing.pub: signing key has mode 0644, "
	    "expected 0600 (chmod 600 $D/us/signing.pub)");
	expect_key_error(NODE_KEYS("$D/jp/node.key", "$D/jp/node.key"), 7,
	    "signing_key: $D/jp/node.key: expected a PEM Ed25519 private key");
	expect_key_error(NODE_KEYS("$D/jp/node.key", "$D/jp/absent.key"), 7,
	    "signing_key: $D/jp/absent.key: cannot read signing key: No such "
	    "file or directory");
}

static void
config_open_keys_refuses_missing_tls_key(void **state)
{
	(void)state;
	expect_key_error(NODE_KEYS("$D/jp/absent.key", "$D/jp/signing.key"), 6,
	    "tls_key: $D/jp/absent.key: cannot read TLS key: No such file or "
	    "directory");
	expect_key_error(NODE_KEYS("$D/jp", "$D/jp/signing.key"), 6,
	    "tls_key: $D/jp: expected the TLS key to be a regular file");
}

static void
config_open_keys_refuses_tls_key_of_another_certificate(void **state)
{
	(void)state;
	expect_key_error(NODE_KEYS("$D/us/node.key", "$D/jp/signing.key") DE,
	    6, "tls_key: '$D/us/node.key': expected the private key of the "
	    "certificate in $D/jp/node.pem, got another key");
}

/* lcn's view: keys named but never opened, so none need be readable. */
static void
config_load_names_keys_without_opening_them(void **state)
{
	struct config	c;

	(void)state;
	load_ok(NODE_KEYS("$D/jp/absent.key", "$D/loose.key") US, &c);
	assert_null(c.signing_key);
	assert_int_equal(c.trust.agencies[0].nkeys, 0);
	assert_true(strstr(c.socket, "/data/lcnd.sock") != NULL);
	assert_true(strstr(c.tls_key, "/jp/absent.key") != NULL);
	assert_true(strstr(c.signing_key_path, "/loose.key") != NULL);
	config_free(&c);
}

static void
config_rejects_missing_file(void **state)
{
	(void)state;
	expect_error("[node]\ntls_cert = $D/nope.pem\n", 2, "tls_cert: "
	    "expected a readable file, got '$D/nope.pem': No such file or "
	    "directory");
	expect_error(NODE "[partner US-BIS]\nca = $D/us/nope.pem\n", 9, "ca: "
	    "expected a readable file, got '$D/us/nope.pem': No such file or "
	    "directory");
	expect_error(NODE US "crl = $D\n", 11, "crl: expected a regular file, "
	    "got '$D'");
	expect_error("[node]\ntls_key =\n", 2, "tls_key: expected a path, "
	    "got ''");
}

static void
config_rejects_bad_signing_pub(void **state)
{
	(void)state;
	expect_error(NODE "[partner US-BIS]\nsigning_pub = $D/us/ca.pem\n", 9,
	    "signing_pub: expected a PEM Ed25519 public key, got "
	    "'$D/us/ca.pem' (cryptographic library failure)");
	expect_error(NODE "[partner US-BIS]\nsigning_pub = $D/us/signing.pub "
	    "valid_from=2026-02-30\n", 9, "signing_pub: expected a date "
	    "YYYY-MM-DD, got '2026-02-30'");
	expect_error(NODE "[partner US-BIS]\nsigning_pub = $D/us/signing.pub "
	    "valid_until=2026-1-1\n", 9, "signing_pub: expected a date "
	    "YYYY-MM-DD, got '2026-1-1'");
	expect_error(NODE "[partner US-BIS]\nsigning_pub = $D/us/signing.pub "
	    "valid_to=2026-01-01\n", 9, "signing_pub: expected "
	    "valid_from=YYYY-MM-DD or valid_until=YYYY-MM-DD (each at most "
	    "once) after the path, got 'valid_to=2026-01-01'");
	expect_error(NODE "[partner US-BIS]\nsigning_pub = $D/us/signing.pub "
	    "valid_from=2027-01-01 valid_until=2026-12-31\n", 9,
	    "signing_pub: expected valid_from on or before valid_until, got "
	    "a window that ends before it starts");
}

static void
config_rejects_bad_group_name(void **state)
{
	(void)state;
	expect_error(NODE "[group W/A]\n", 8, "expected [group NAME] with a "
	    "name of A-Z a-z 0-9 _ - . (at most 65), got 'W/A'");
	expect_error(NODE US "[group JP-METI+US-BIS]\n", 11, "expected a group "
	    "name without '+' (bilateral groups A+B are made for every "
	    "partner), got 'JP-METI+US-BIS'");
}

static void
config_rejects_bad_values(void **state)
{
	char want[256];

	(void)state;
	snprintf(want, sizeof(want), "max_frame: expected bytes %u..%u (K/M "
	    "suffixes allowed), got '1K'", FRAME_BODY_MIN, FRAME_BODY_MAX);
	expect_error("[node]\nmax_frame = 1K\n", 2, want);
	snprintf(want, sizeof(want), "max_frame: expected bytes %u..%u (K/M "
	    "suffixes allowed), got '65M'", FRAME_BODY_MIN, FRAME_BODY_MAX);
	expect_error("[node]\nmax_frame = 65M\n", 2, want);
	expect_error("[node]\nmap_size = 10\n", 2, "map_size: expected bytes "
	    "of at least 1M (K/M/G suffixes allowed), got '10'");
	expect_error("[node]\nmap_size = 1T\n", 2, "map_size: expected bytes "
	    "of at least 1M (K/M/G suffixes allowed), got '1T'");
	expect_error("[node]\nmap_size = 99999999999999999999G\n", 2,
	    "map_size: expected bytes of at least 1M (K/M/G suffixes "
	    "allowed), got '99999999999999999999G'");
	expect_error("[node]\nlog_level = verbose\n", 2, "log_level: expected "
	    "error, warn, info or debug, got 'verbose'");
	expect_error("[node]\nattest_interval = 86401\n", 2, "attest_interval: "
	    "expected seconds 0..86400, got '86401'");
	expect_error("[node]\nattest_interval = 1K\n", 2, "attest_interval: "
	    "expected seconds 0..86400, got '1K'");
}

static void
config_rejects_malformed_lines(void **state)
{
	char text[512];

	(void)state;
	expect_error("id = JP-METI\n", 1, "expected a [node], [partner ID] or "
	    "[group NAME] header before any key, got 'id'");
	expect_error("[node]\nid JP-METI\n", 2, "expected 'key = value', "
	    "'[section]' or a comment, got 'id JP-METI'");
	memset(text, 0, sizeof(text));
	memcpy(text, "[node]\nid = ", 12);
	memset(text + 12, 'A', 300);
	text[312] = '\n';
	expect_error(text, 2, "expected a line of at most 198 bytes, got 305 "
	    "bytes: 'id = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAA...'");
}

static void
config_rejects_unreadable_file(void **state)
{
	struct config	c;
	char		err[1024], want[1024], path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/none.conf", tmp);
	assert_int_equal(config_load(path, &c, err, sizeof(err)),
	    LCN_ECONFIG);
	snprintf(want, sizeof(want), "%s:0: expected a readable configuration "
	    "file, got No such file or directory", path);
	assert_string_equal(err, want);
	assert_null(c.trust.agencies);
}

static void
config_rejects_long_socket_path(void **state)
{
	(void)state;
	expect_error(NODE "socket = /run/lcn/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaa.sock\n" US, 8, "socket: expected a unix socket path "
	    "of at most 107 bytes (set socket = to a shorter path), got 122 "
	    "bytes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_loads_valid_file_with_trust),
		cmocka_unit_test(
		    config_loads_options_indentation_and_relative_paths),
		cmocka_unit_test(config_rejects_unknown_key),
		cmocka_unit_test(config_rejects_unknown_section),
		cmocka_unit_test(config_rejects_bad_id),
		cmocka_unit_test(config_rejects_bad_listen_address),
		cmocka_unit_test(config_rejects_bad_port),
		cmocka_unit_test(config_rejects_missing_required_key),
		cmocka_unit_test(config_rejects_member_not_configured),
		cmocka_unit_test(config_members_may_repeat),
		cmocka_unit_test(config_accepts_group_before_its_partners),
		cmocka_unit_test(config_rejects_duplicates),
		cmocka_unit_test(config_rejects_partner_that_is_self),
		cmocka_unit_test(config_refuses_bad_partner_cas),
		cmocka_unit_test(
		    config_refuses_own_certificate_naming_another_agency),
		cmocka_unit_test(config_reads_crl_warn_days),
		cmocka_unit_test(config_reads_disk_warn_mb),
		cmocka_unit_test(
		    config_open_keys_refuses_tls_key_of_another_certificate),
		cmocka_unit_test(config_refuses_signing_key_readable_by_others),
		cmocka_unit_test(config_rejects_missing_file),
		cmocka_unit_test(config_open_keys_refuses_missing_tls_key),
		cmocka_unit_test(config_load_names_keys_without_opening_them),
		cmocka_unit_test(config_rejects_bad_signing_pub),
		cmocka_unit_test(config_rejects_bad_group_name),
		cmocka_unit_test(config_rejects_bad_values),
		cmocka_unit_test(config_rejects_malformed_lines),
		cmocka_unit_test(config_rejects_unreadable_file),
		cmocka_unit_test(config_rejects_long_socket_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
