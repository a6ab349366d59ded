/*
 * Unit tests for tls.c: two tls_conn handshake in memory, the test
 * shuttling ciphertext between them (PROTOCOL.md section 2). Certificates
 * are made at run time with certs/make-agency: JP-METI, US-BIS and DE-BAFA
 * with their own CAs, FR-SGDSN (not a partner of anyone), and US-BIS
 * certificates that are expired, not yet valid, revoked, issued by
 * DE-BAFA's CA, or naming DE-BAFA. Certificates make-agency would never
 * make (a CA:TRUE leaf, leaves without the extendedKeyUsage they need,
 * "CA"s without basicConstraints CA:TRUE) come from the openssl CLI in
 * bad_certs(), under another CA for US-BIS, "xx".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "lcn_err.h"
#include "test_tmpdir.h"
#include "tls.h"
#include "util.h"

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

/* Makes an agency directory tmp/dir with certs/make-agency. */
static int
agency(const char *id, const char *dir, const char *opts)
{
	return run("%s/certs/make-agency %s %s %s/%s 2>/dev/null",
	    LCN_SOURCE_DIR, opts, id, tmp, dir);
}

/*
 * In tmp/xx: a CA for US-BIS (ca.pem, ca.key) and, signed by it, leaves
 * named for their flaw, each with a key: ok (what make-agency makes),
 * leafca (CA:TRUE), noeku (no extendedKeyUsage), server (serverAuth
 * only), client (clientAuth only), each also as tmp/xx-NAME/node.pem and
 * node.key for make_ctx(); and two files that are no CA:
 * kcs.pem (keyCertSign but no basicConstraints) and v1.pem (a version 1
 * certificate, without extensions).
 */
static int
bad_certs(void)
{
	static const char *const leaves[] = {
		"ok", "leafca", "noeku", "server", "client",
	};
	FILE	*f;
	char	 cnf[256];
	size_t	 i;

	snprintf(cnf, sizeof(cnf), "%s/xx/openssl.cnf", tmp);
	if (run("mkdir -p %s/xx", tmp) != 0 || (f = fopen(cnf, "w")) == NULL)
		return -1;
	fputs("[req]\ndistinguished_name = dn\nprompt = no\n"
	    "[dn]\nCN = unused\n"
	    "[ca]\nbasicConstraints = critical,CA:TRUE\n"
	    "keyUsage = critical,keyCertSign,cRLSign\n"
	    "subjectKeyIdentifier = hash\n"
	    "[kcs]\nkeyUsage = critical,keyCertSign,cRLSign\n"
	    "[v1]\n"
	    "[ok]\nbasicConstraints = critical,CA:FALSE\n"
	    "extendedKeyUsage = serverAuth,clientAuth\n"
	    "subjectAltName = URI:urn:lcn:agency:US-BIS\n"
	    "[leafca]\nbasicConstraints = critical,CA:TRUE\n"
	    "extendedKeyUsage = serverAuth,clientAuth\n"
	    "subjectAltName = URI:urn:lcn:agency:US-BIS\n"
	    "[noeku]\nbasicConstraints = critical,CA:FALSE\n"
	    "subjectAltName = URI:urn:lcn:agency:US-BIS\n"
	    "[server]\nbasicConstraints = critical,CA:FALSE\n"
	    "extendedKeyUsage = serverAuth\n"
	    "subjectAltName = URI:urn:lcn:agency:US-BIS\n"
	    "[client]\nbasicConstraints = critical,CA:FALSE\n"
	    "extendedKeyUsage = clientAuth\n"
	    "subjectAltName = URI:urn:lcn:agency:US-BIS\n", f);
	if (fclose(f) != 0)
		return -1;
	if (run("cd %s/xx && for x in ca kcs v1; do "
	    "openssl req -config openssl.cnf -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -subj \"/CN=US-BIS $x\" "
	    "-days 2 -extensions $x -keyout $x.key -out $x.pem || exit 1; "
	    "done 2>/dev/null", tmp) != 0)
		return -1;
	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		if (run("cd %s/xx && openssl req -config openssl.cnf -new "
		    "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		    "-subj /CN=%s -keyout %s.key -out %s.csr 2>/dev/null && "
		    "openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key "
		    "-set_serial %zu -days 2 -extfile openssl.cnf "
		    "-extensions %s -out %s.pem 2>/dev/null && "
		    "mkdir -p ../xx-%s && cp %s.pem ../xx-%s/node.pem && "
		    "cp %s.key ../xx-%s/node.key", tmp, leaves[i], leaves[i],
		    leaves[i], leaves[i], 1000 + i, leaves[i], leaves[i],
		    leaves[i], leaves[i], leaves[i], leaves[i], leaves[i]) != 0)
			return -1;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(tmp, sizeof(tmp), "tls") != 0)
		return -1;
	if (agency("JP-METI", "jp", "") != 0 ||
	    agency("US-BIS", "us", "") != 0 ||
	    agency("DE-BAFA", "de", "") != 0 ||
	    agency("FR-SGDSN", "fr", "") != 0)
		return -1;
	/*
	 * Certificates make-agency never makes, by the tests' helper: us-fake
	 * is issued by DE-BAFA's CA, the others by US-BIS's own; the revoked
	 * one goes into us-ca/crl.pem.
	 */
	if (run("%s/tests/integration/make-test-cert %s/de-ca US-BIS "
	    "%s/us-fake", LCN_SOURCE_DIR, tmp, tmp) != 0 ||
	    run("%s/tests/integration/make-test-cert --expired %s/us-ca "
	    "US-BIS %s/us-expired", LCN_SOURCE_DIR, tmp, tmp) != 0 ||
	    run("%s/tests/integration/make-test-cert --revoked %s/us-ca "
	    "US-BIS %s/us-revoked", LCN_SOURCE_DIR, tmp, tmp) != 0 ||
	    run("%s/tests/integration/make-test-cert --not-yet-valid "
	    "%s/us-ca US-BIS %s/us-future", LCN_SOURCE_DIR, tmp, tmp) != 0 ||
	    run("%s/tests/integration/make-test-cert --san-agency DE-BAFA "
	    "%s/us-ca US-BIS %s/us-says-de", LCN_SOURCE_DIR, tmp, tmp) != 0)
		return -1;
	if (bad_certs() != 0)
		return -1;
	/* A certificate without the agency SAN. */
	if (run("openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -subj /CN=nosan -days 1 "
	    "-keyout %s/nosan.key -out %s/nosan.pem 2>/dev/null", tmp,
	    tmp) != 0)
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
 * A context for the node in dir, trusting the partners listed as
 * "ID dir" pairs (NULL-terminated); "ID dir+crl" adds dir's CRL.
 */
static struct tls_ctx *
make_ctx(const char *dir, ...)
{
	struct tls_ctx	*ctx;
	va_list		 ap;
	const char	*id, *pdir;
	char		 cert[256], key[256], ca[256], crl[256], err[512];
	char		 d[64], *plus;

	snprintf(cert, sizeof(cert), "%s/%s/node.pem", tmp, dir);
	snprintf(key, sizeof(key), "%s/%s/node.key", tmp, dir);
	err[0] = '\0';
	if (tls_ctx_new(cert, key, &ctx, err, sizeof(err)) != 0)
		fail_msg("tls_ctx_new %s: %s", dir, err);
	va_start(ap, dir);
	while ((id = va_arg(ap, const char *)) != NULL) {
		pdir = va_arg(ap, const char *);
		snprintf(d, sizeof(d), "%s", pdir);
		crl[0] = '\0';
		if ((plus = strchr(d, '+')) != NULL) {
			*plus = '\0';
			snprintf(crl, sizeof(crl), "%s/%s-ca/crl.pem", tmp,
			    d);
		}
		snprintf(ca, sizeof(ca), "%s/%s/ca.pem", tmp, d);
		if (tls_ctx_add_partner(ctx, id, ca, crl, err,
		    sizeof(err)) != 0)
			fail_msg("tls_ctx_add_partner %s: %s", id, err);
	}
	va_end(ap);
	return ctx;
}

/* Moves all waiting ciphertext from a to b; returns the bytes moved. */
static size_t
shuttle(struct tls_conn *a, struct tls_conn *b)
{
	uint8_t	buf[4096];
	size_t	n, total = 0;

	while ((n = tls_conn_take(a, buf, sizeof(buf))) > 0) {
		assert_int_equal(tls_conn_feed(b, buf, n), 0);
		total += n;
	}
	return total;
}

/* Runs both handshakes until nothing moves; their results in *rc, *rs. */
static void
pump(struct tls_conn *client, struct tls_conn *server, int *rc, int *rs)
{
	size_t	moved;
	int	i;

	for (i = 0; i < 100; i++) {
		*rc = tls_conn_handshake(client);
		moved = shuttle(client, server);
		*rs = tls_conn_handshake(server);
		moved += shuttle(server, client);
		if (moved == 0)
			return;
	}
	fail_msg("handshake does not settle");
}

/* SHA-256 of the DER of the certificate in tmp/rel, hex. */
static void
fingerprint(const char *rel, char out[2 * HASH_LEN + 1])
{
	FILE		*f;
	X509		*x;
	uint8_t		 md[EVP_MAX_MD_SIZE];
	unsigned int	 len;

	assert_non_null(f = fopen(path(rel), "r"));
	assert_non_null(x = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	assert_true(X509_digest(x, EVP_sha256(), md, &len));
	assert_int_equal(len, HASH_LEN);
	hex_encode(md, HASH_LEN, out);
	X509_free(x);
}

struct pair {
	struct tls_ctx	*cctx, *sctx;
	struct tls_conn	*client, *server;
	int		 rc, rs;
};

static void
pair_run(struct pair *p, struct tls_ctx *cctx, const char *expect,
    struct tls_ctx *sctx)
{
	memset(p, 0, sizeof(*p));
	p->cctx = cctx;
	p->sctx = sctx;
	assert_int_equal(tls_conn_new(cctx, 1, expect, &p->client), 0);
	assert_int_equal(tls_conn_new(sctx, 0, NULL, &p->server), 0);
	assert_string_equal(tls_conn_error(p->client), "");
	assert_string_equal(tls_conn_peer_agency(p->client), "");
	pump(p->client, p->server, &p->rc, &p->rs);
}

static void
pair_free(struct pair *p)
{
	tls_conn_free(p->client);
	tls_conn_free(p->server);
	tls_ctx_free(p->cctx);
	tls_ctx_free(p->sctx);
}

/*
 * The client finished its half, then the server refused the client's
 * certificate: the client learns it from the alert on its first read.
 */
static void
assert_client_learns_refusal(struct pair *p)
{
	uint8_t	buf[64];
	size_t	n = 1;

	if (p->rc == 0) {
		assert_int_equal(tls_conn_read(p->client, buf, sizeof(buf),
		    &n), LCN_ETLS);
		assert_int_equal(n, 0);
	} else
		assert_int_equal(p->rc, LCN_ETLS);
	assert_non_null(strstr(tls_conn_error(p->client),
	    "peer sent a fatal alert: "));
}

static void
tls_handshake_succeeds_both_ways(void **state)
{
	struct pair	p;
	char		fp_jp[2 * HASH_LEN + 1], fp_us[2 * HASH_LEN + 1];

	(void)state;
	fingerprint("jp/node.pem", fp_jp);
	fingerprint("us/node.pem", fp_us);

	/* US-BIS dials JP-METI. */
	pair_run(&p, make_ctx("us", "JP-METI", "jp", "DE-BAFA", "de", NULL),
	    "JP-METI", make_ctx("jp", "US-BIS", "us", "DE-BAFA", "de", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	assert_string_equal(tls_conn_peer_agency(p.client), "JP-METI");
	assert_string_equal(tls_conn_peer_agency(p.server), "US-BIS");
	assert_string_equal(tls_conn_peer_fingerprint(p.client), fp_jp);
	assert_string_equal(tls_conn_peer_fingerprint(p.server), fp_us);
	assert_string_equal(tls_conn_error(p.client), "");
	assert_string_equal(tls_conn_error(p.server), "");
	assert_int_equal(tls_conn_pending(p.client), 0);
	assert_int_equal(tls_conn_pending(p.server), 0);
	pair_free(&p);

	/* JP-METI dials US-BIS. */
	pair_run(&p, make_ctx("jp", "US-BIS", "us", NULL), "US-BIS",
	    make_ctx("us", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	assert_string_equal(tls_conn_peer_agency(p.client), "US-BIS");
	assert_string_equal(tls_conn_peer_agency(p.server), "JP-METI");
	assert_string_equal(tls_conn_peer_fingerprint(p.client), fp_us);
	assert_string_equal(tls_conn_peer_fingerprint(p.server), fp_jp);
	pair_free(&p);

	/* A client need not name whom it dials. */
	pair_run(&p, make_ctx("jp", "US-BIS", "us", NULL), NULL,
	    make_ctx("us", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	assert_string_equal(tls_conn_peer_agency(p.client), "US-BIS");
	pair_free(&p);
}

static void
read_all(struct tls_conn *from, struct tls_conn *to, uint8_t *buf,
    size_t want)
{
	size_t	got = 0, n;
	int	r;

	while (got < want) {
		shuttle(from, to);
		r = tls_conn_read(to, buf + got, want - got, &n);
		if (r == LCN_EAGAIN) {
			assert_int_equal(tls_conn_pending(from), 0);
			fail_msg("read stalls at %zu of %zu", got, want);
		}
		assert_int_equal(r, 0);
		assert_true(n > 0);
		got += n;
	}
}

static void
tls_plaintext_round_trip_and_close(void **state)
{
	struct pair	 p;
	uint8_t		*big, *back, buf[64];
	size_t		 i, n = 1, bigsz = 1024 * 1024 + 17;

	(void)state;
	pair_run(&p, make_ctx("jp", "US-BIS", "us", NULL), "US-BIS",
	    make_ctx("us", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);

	/* Nothing to read yet. */
	assert_int_equal(tls_conn_read(p.server, buf, sizeof(buf), &n),
	    LCN_EAGAIN);
	assert_int_equal(n, 0);

	assert_int_equal(tls_conn_write(p.client, (const uint8_t *)"hello",
	    5), 0);
	assert_true(tls_conn_pending(p.client) > 5);
	read_all(p.client, p.server, buf, 5);
	assert_memory_equal(buf, "hello", 5);

	/* A message of many records, the other way. */
	assert_non_null(big = malloc(bigsz));
	assert_non_null(back = malloc(bigsz));
	for (i = 0; i < bigsz; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(tls_conn_write(p.server, big, bigsz), 0);
	read_all(p.server, p.client, back, bigsz);
	assert_memory_equal(big, back, bigsz);
	free(big);
	free(back);

	/* A clean close reads as LCN_EIO; writing after it fails. */
	tls_conn_shutdown(p.client);
	assert_int_equal(tls_conn_write(p.client, (const uint8_t *)"x", 1),
	    LCN_ETLS);
	shuttle(p.client, p.server);
	assert_int_equal(tls_conn_read(p.server, buf, sizeof(buf), &n),
	    LCN_EIO);
	pair_free(&p);
}

static void
tls_refuses_certificate_from_another_partners_ca(void **state)
{
	struct pair p;

	(void)state;
	/* us-fake: SAN US-BIS, issued by DE-BAFA's CA, which JP trusts. */
	pair_run(&p, make_ctx("us-fake", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", "DE-BAFA", "de", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), "certificate of US-BIS "
	    "does not verify against US-BIS's CA: unable to get local issuer "
	    "certificate");
	assert_string_equal(tls_conn_peer_agency(p.server), "");
	assert_client_learns_refusal(&p);
	pair_free(&p);

	/* The same when JP dials it. */
	pair_run(&p, make_ctx("jp", "US-BIS", "us", "DE-BAFA", "de", NULL),
	    "US-BIS", make_ctx("us-fake", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.client), "certificate of US-BIS "
	    "does not verify against US-BIS's CA: unable to get local issuer "
	    "certificate");
	assert_int_equal(p.rs, LCN_ETLS);
	assert_non_null(strstr(tls_conn_error(p.server),
	    "peer sent a fatal alert: "));
	pair_free(&p);
}

static void
tls_refuses_wrong_san_when_dialling(void **state)
{
	struct pair p;

	(void)state;
	/* JP dials US-BIS and reaches DE-BAFA, valid in itself. */
	pair_run(&p, make_ctx("jp", "US-BIS", "us", "DE-BAFA", "de", NULL),
	    "US-BIS", make_ctx("de", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.client),
	    "certificate SAN names DE-BAFA, dialled US-BIS");
	assert_string_equal(tls_conn_peer_agency(p.client), "");
	pair_free(&p);

	/* US-BIS's CA vouching for a DE-BAFA SAN: DE's CA must sign it. */
	pair_run(&p, make_ctx("us-says-de", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", "DE-BAFA", "de", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), "certificate of DE-BAFA "
	    "does not verify against DE-BAFA's CA: unable to get local issuer "
	    "certificate");
	pair_free(&p);
}

static void
tls_refuses_expired_or_not_yet_valid_certificate(void **state)
{
	struct pair p;

	(void)state;
	pair_run(&p, make_ctx("us-expired", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), "certificate of US-BIS "
	    "does not verify against US-BIS's CA: certificate has expired");
	assert_client_learns_refusal(&p);
	pair_free(&p);

	pair_run(&p, make_ctx("jp", "US-BIS", "us", NULL), "US-BIS",
	    make_ctx("us-expired", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.client), "certificate of US-BIS "
	    "does not verify against US-BIS's CA: certificate has expired");
	pair_free(&p);

	pair_run(&p, make_ctx("us-future", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), "certificate of US-BIS "
	    "does not verify against US-BIS's CA: certificate is not yet "
	    "valid");
	pair_free(&p);
}

static void
tls_refuses_agency_that_is_not_a_partner(void **state)
{
	struct pair p;

	(void)state;
	pair_run(&p, make_ctx("fr", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server),
	    "SAN urn:lcn:agency:FR-SGDSN is not a configured partner");
	assert_client_learns_refusal(&p);
	pair_free(&p);
}

static void
tls_honours_crl(void **state)
{
	struct pair p;

	(void)state;
	pair_run(&p, make_ctx("us-revoked", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us+crl", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), "certificate of US-BIS "
	    "does not verify against US-BIS's CA: certificate revoked");
	assert_client_learns_refusal(&p);
	pair_free(&p);

	/* The CRL does not list the good certificate. */
	pair_run(&p, make_ctx("us", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us+crl", NULL));
	assert_int_equal(p.rs, 0);
	assert_int_equal(p.rc, 0);
	pair_free(&p);

	/* Without the CRL, revocation is unknown. */
	pair_run(&p, make_ctx("us-revoked", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", NULL));
	assert_int_equal(p.rs, 0);
	pair_free(&p);
}

/* A plain OpenSSL client over memory BIOs, for what tls.c never sends. */
struct raw {
	SSL_CTX	*ctx;
	SSL	*ssl;
	BIO	*rbio, *wbio;
};

static void
raw_new(struct raw *r, int max_version, int with_cert)
{
	assert_non_null(r->ctx = SSL_CTX_new(TLS_client_method()));
	assert_true(SSL_CTX_set_max_proto_version(r->ctx, max_version));
	SSL_CTX_set_verify(r->ctx, SSL_VERIFY_NONE, NULL);
	if (with_cert) {
		assert_int_equal(SSL_CTX_use_certificate_chain_file(r->ctx,
		    path("us/node.pem")), 1);
		assert_int_equal(SSL_CTX_use_PrivateKey_file(r->ctx,
		    path("us/node.key"), SSL_FILETYPE_PEM), 1);
	}
	assert_non_null(r->ssl = SSL_new(r->ctx));
	assert_non_null(r->rbio = BIO_new(BIO_s_mem()));
	assert_non_null(r->wbio = BIO_new(BIO_s_mem()));
	SSL_set_bio(r->ssl, r->rbio, r->wbio);
	SSL_set_connect_state(r->ssl);
}

static void
raw_free(struct raw *r)
{
	SSL_free(r->ssl);
	SSL_CTX_free(r->ctx);
	ERR_clear_error();
}

/* Runs a raw client against server until nothing moves. */
static int
raw_pump(struct raw *r, struct tls_conn *server)
{
	uint8_t	buf[4096];
	size_t	n, moved;
	int	i, rs = LCN_EAGAIN, nr;

	for (i = 0; i < 100; i++) {
		(void)SSL_do_handshake(r->ssl);
		moved = 0;
		while ((nr = BIO_read(r->wbio, buf, sizeof(buf))) > 0) {
			assert_int_equal(tls_conn_feed(server, buf,
			    (size_t)nr), 0);
			moved += (size_t)nr;
		}
		rs = tls_conn_handshake(server);
		while ((n = tls_conn_take(server, buf, sizeof(buf))) > 0) {
			assert_int_equal(BIO_write(r->rbio, buf, (int)n),
			    (int)n);
			moved += n;
		}
		if (moved == 0)
			break;
	}
	return rs;
}

static void
tls_refuses_client_without_certificate(void **state)
{
	struct tls_ctx	*ctx;
	struct tls_conn	*server;
	struct raw	 r;

	(void)state;
	ctx = make_ctx("jp", "US-BIS", "us", NULL);
	assert_int_equal(tls_conn_new(ctx, 0, NULL, &server), 0);
	raw_new(&r, TLS1_3_VERSION, 0);
	assert_int_equal(raw_pump(&r, server), LCN_ETLS);
	assert_string_equal(tls_conn_error(server), "peer sent no certificate");
	assert_string_equal(tls_conn_peer_agency(server), "");
	raw_free(&r);
	tls_conn_free(server);
	tls_ctx_free(ctx);
}

static void
tls_refuses_tls12(void **state)
{
	struct tls_ctx	*ctx;
	struct tls_conn	*server;
	struct raw	 r;

	(void)state;
	ctx = make_ctx("jp", "US-BIS", "us", NULL);
	assert_int_equal(tls_conn_new(ctx, 0, NULL, &server), 0);
	raw_new(&r, TLS1_2_VERSION, 1);
	assert_int_equal(raw_pump(&r, server), LCN_ETLS);
	assert_non_null(strstr(tls_conn_error(server),
	    "peer does not speak TLS 1.3"));
	raw_free(&r);
	tls_conn_free(server);
	tls_ctx_free(ctx);
}

static void
tls_refuses_garbage(void **state)
{
	struct tls_ctx	*ctx;
	struct tls_conn	*server;
	uint8_t		 buf[64];
	size_t		 n = 1;

	(void)state;
	ctx = make_ctx("jp", "US-BIS", "us", NULL);
	assert_int_equal(tls_conn_new(ctx, 0, NULL, &server), 0);
	assert_int_equal(tls_conn_feed(server,
	    (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18), 0);
	assert_int_equal(tls_conn_handshake(server), LCN_ETLS);
	assert_true(strlen(tls_conn_error(server)) > 0);
	/* Failed stays failed. */
	assert_int_equal(tls_conn_handshake(server), LCN_ETLS);
	assert_int_equal(tls_conn_read(server, buf, sizeof(buf), &n),
	    LCN_ETLS);
	assert_int_equal(n, 0);
	assert_int_equal(tls_conn_write(server, buf, 1), LCN_ETLS);
	tls_conn_free(server);
	tls_ctx_free(ctx);
}

static void
tls_refuses_leaf_that_is_a_ca(void **state)
{
	struct pair	 p;
	const char	*want = "certificate of US-BIS is a CA certificate "
	    "(CA:TRUE), expected a node certificate";

	(void)state;
	/* It dials JP-METI, which trusts xx for US-BIS. */
	pair_run(&p, make_ctx("xx-leafca", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "xx", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), want);
	assert_string_equal(tls_conn_peer_agency(p.server), "");
	assert_string_equal(tls_conn_claimed_agency(p.server), "US-BIS");
	assert_client_learns_refusal(&p);
	pair_free(&p);

	/* JP-METI dials it. */
	pair_run(&p, make_ctx("jp", "US-BIS", "xx", NULL), "US-BIS",
	    make_ctx("xx-leafca", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.client), want);
	pair_free(&p);

	/* The same CA's node certificate passes. */
	pair_run(&p, make_ctx("xx-ok", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "xx", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	assert_string_equal(tls_conn_peer_agency(p.server), "US-BIS");
	assert_string_equal(tls_conn_claimed_agency(p.server), "US-BIS");
	pair_free(&p);
}

static void
tls_refuses_leaf_without_the_eku_it_needs(void **state)
{
	struct pair p;

	(void)state;
	/* No extendedKeyUsage at all: refused on either side. */
	pair_run(&p, make_ctx("xx-noeku", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "xx", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.server), "certificate of US-BIS "
	    "lacks extendedKeyUsage clientAuth, which a partner dialling "
	    "this node needs");
	assert_client_learns_refusal(&p);
	pair_free(&p);
	pair_run(&p, make_ctx("jp", "US-BIS", "xx", NULL), "US-BIS",
	    make_ctx("xx-noeku", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, LCN_ETLS);
	assert_string_equal(tls_conn_error(p.client), "certificate of US-BIS "
	    "lacks extendedKeyUsage serverAuth, which a partner this node "
	    "dials needs");
	pair_free(&p);

	/* serverAuth only: it may be dialled, it may not dial. */
	pair_run(&p, make_ctx("jp", "US-BIS", "xx", NULL), "US-BIS",
	    make_ctx("xx-server", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	pair_free(&p);
	pair_run(&p, make_ctx("xx-server", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "xx", NULL));
	assert_int_equal(p.rs, LCN_ETLS);
	assert_non_null(strstr(tls_conn_error(p.server), "purpose"));
	pair_free(&p);

	/* clientAuth only: it may dial, it may not be dialled. */
	pair_run(&p, make_ctx("xx-client", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "xx", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	pair_free(&p);
	pair_run(&p, make_ctx("jp", "US-BIS", "xx", NULL), "US-BIS",
	    make_ctx("xx-client", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, LCN_ETLS);
	assert_non_null(strstr(tls_conn_error(p.client), "purpose"));
	pair_free(&p);
}

static void
tls_refuses_ca_without_ca_true(void **state)
{
	struct tls_ctx	*ctx;
	char		 err[512];

	(void)state;
	ctx = make_ctx("jp", NULL);
	/* keyCertSign without basicConstraints, and a version 1 cert. */
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("xx/kcs.pem"),
	    NULL, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "got one that is not a CA"));
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("xx/v1.pem"),
	    NULL, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "got one that is not a CA"));
	assert_int_equal(tls_check_ca_file(path("xx/kcs.pem"), err,
	    sizeof(err)), LCN_ETLS);
	assert_string_equal(err, "expected CA certificates (basicConstraints "
	    "CA:TRUE), got one that is not a CA (certificate 1, "
	    "/CN=US-BIS kcs)");
	assert_int_equal(tls_check_ca_file(path("xx/ok.pem"), err,
	    sizeof(err)), LCN_ETLS);
	assert_int_equal(tls_check_ca_file(path("xx/ca.pem"), err,
	    sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(tls_check_ca_file(path("us/ca.pem"), err,
	    sizeof(err)), 0);
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("xx/ca.pem"),
	    NULL, err, sizeof(err)), 0);
	tls_ctx_free(ctx);
}

static void
tls_recheck_follows_a_new_context(void **state)
{
	struct tls_ctx	*crl, *other, *gone;
	struct tls_conn	*fresh;
	struct pair	 p;
	char		 err[512];
	const char	*revoked = "certificate of US-BIS does not verify "
	    "against US-BIS's CA: certificate revoked";

	(void)state;
	crl = make_ctx("jp", "US-BIS", "us+crl", NULL);
	other = make_ctx("jp", "US-BIS", "de", NULL);
	gone = make_ctx("jp", "DE-BAFA", "de", NULL);

	/* us-revoked dialled JP-METI before JP-METI had the CRL. */
	pair_run(&p, make_ctx("us-revoked", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.rs, 0);
	assert_int_equal(tls_conn_recheck(p.server, p.sctx, err, sizeof(err)),
	    0);
	assert_string_equal(err, "");
	assert_int_equal(tls_conn_recheck(p.server, crl, err, sizeof(err)),
	    LCN_ETLS);
	assert_string_equal(err, revoked);
	/* US-BIS's CA replaced by another one. */
	assert_int_equal(tls_conn_recheck(p.server, other, err, sizeof(err)),
	    LCN_ETLS);
	assert_non_null(strstr(err, "does not verify against US-BIS's CA"));
	/* US-BIS no longer a partner. */
	assert_int_equal(tls_conn_recheck(p.server, gone, err, sizeof(err)),
	    LCN_ETLS);
	assert_string_equal(err, "SAN urn:lcn:agency:US-BIS is not a "
	    "configured partner");
	/* A recheck changes nothing in the session. */
	assert_string_equal(tls_conn_peer_agency(p.server), "US-BIS");
	assert_string_equal(tls_conn_error(p.server), "");
	/* The good certificate of the same CA passes the CRL. */
	pair_free(&p);
	pair_run(&p, make_ctx("us", "JP-METI", "jp", NULL), "JP-METI",
	    make_ctx("jp", "US-BIS", "us", NULL));
	assert_int_equal(tls_conn_recheck(p.server, crl, err, sizeof(err)),
	    0);
	pair_free(&p);

	/* JP-METI dialled us-revoked: the client rechecks the server. */
	pair_run(&p, make_ctx("jp", "US-BIS", "us", NULL), "US-BIS",
	    make_ctx("us-revoked", "JP-METI", "jp", NULL));
	assert_int_equal(p.rc, 0);
	assert_int_equal(tls_conn_recheck(p.client, p.cctx, err, sizeof(err)),
	    0);
	assert_int_equal(tls_conn_recheck(p.client, crl, err, sizeof(err)),
	    LCN_ETLS);
	assert_string_equal(err, revoked);
	pair_free(&p);

	/* Nothing to recheck before a session. */
	assert_int_equal(tls_conn_new(crl, 0, NULL, &fresh), 0);
	assert_int_equal(tls_conn_recheck(fresh, crl, err, sizeof(err)),
	    LCN_EINVAL);
	tls_conn_free(fresh);
	tls_ctx_free(crl);
	tls_ctx_free(other);
	tls_ctx_free(gone);
}

static void
tls_ctx_knows_crl_next_update(void **state)
{
	struct tls_ctx	*ctx;
	uint64_t	 next, now = now_ms(), day = 86400ull * 1000;

	(void)state;
	ctx = make_ctx("jp", "US-BIS", "us+crl", "DE-BAFA", "de", NULL);
	/* make-agency's CRLs are good for 30 days. */
	next = tls_ctx_crl_next_update(ctx, "US-BIS");
	assert_true(next > now + 29 * day && next < now + 31 * day);
	assert_int_equal(tls_ctx_crl_next_update(ctx, "DE-BAFA"), 0);
	assert_int_equal(tls_ctx_crl_next_update(ctx, "FR-SGDSN"), 0);
	tls_ctx_free(ctx);
}

static void
tls_conn_outlives_its_ctx(void **state)
{
	struct tls_ctx	*cctx, *sctx;
	struct tls_conn	*client, *server;
	int		 rc, rs;

	(void)state;
	cctx = make_ctx("jp", "US-BIS", "us", NULL);
	sctx = make_ctx("us", "JP-METI", "jp", NULL);
	assert_int_equal(tls_conn_new(cctx, 1, "US-BIS", &client), 0);
	assert_int_equal(tls_conn_new(sctx, 0, NULL, &server), 0);
	tls_ctx_free(cctx);
	tls_ctx_free(sctx);
	pump(client, server, &rc, &rs);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	tls_conn_free(client);
	tls_conn_free(server);
	tls_ctx_free(NULL);
	tls_conn_free(NULL);
}

static void
tls_ctx_rejects_bad_files(void **state)
{
	struct tls_ctx	*ctx;
	char		 err[512];

	(void)state;
	assert_int_equal(tls_ctx_new(path("nope.pem"), path("jp/node.key"),
	    &ctx, err, sizeof(err)), LCN_EIO);
	assert_null(ctx);
	assert_non_null(strstr(err, "nope.pem: cannot read certificate"));
	assert_int_equal(tls_ctx_new(path("jp/node.pem"), path("us/node.key"),
	    &ctx, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "does not match the key of"));
	assert_int_equal(tls_ctx_new(path("jp-ca/ca.key"), path("jp/node.key"),
	    &ctx, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "expected a PEM certificate chain"));
	assert_int_equal(tls_ctx_new(path("nosan.pem"), path("nosan.key"),
	    &ctx, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "certificate has no SAN "
	    "urn:lcn:agency:<ID>"));

	assert_int_equal(tls_ctx_new(path("jp/node.pem"), path("jp/node.key"),
	    &ctx, err, sizeof(err)), 0);
	assert_string_equal(tls_ctx_agency(ctx), "JP-METI");
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("nope.pem"),
	    NULL, err, sizeof(err)), LCN_EIO);
	assert_non_null(strstr(err, "cannot read CA certificate"));
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS",
	    path("us/signing.pub"), NULL, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "expected a PEM CA certificate, got "
	    "none"));
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS",
	    path("us/node.pem"), NULL, err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "got one that is not a CA"));
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("us/ca.pem"),
	    path("de-ca/crl.pem"), err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "expected a CRL signed by the CA in"));
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("us/ca.pem"),
	    path("us/ca.pem"), err, sizeof(err)), LCN_ETLS);
	assert_non_null(strstr(err, "expected a PEM CRL, got none"));
	assert_int_equal(tls_ctx_add_partner(ctx, "us-bis", path("us/ca.pem"),
	    NULL, err, sizeof(err)), LCN_EINVAL);
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("us/ca.pem"),
	    path("us-ca/crl.pem"), err, sizeof(err)), 0);
	assert_int_equal(tls_ctx_add_partner(ctx, "US-BIS", path("us/ca.pem"),
	    "", err, sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "partner US-BIS added twice");
	tls_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tls_handshake_succeeds_both_ways),
		cmocka_unit_test(tls_plaintext_round_trip_and_close),
		cmocka_unit_test(
		    tls_refuses_certificate_from_another_partners_ca),
		cmocka_unit_test(tls_refuses_wrong_san_when_dialling),
		cmocka_unit_test(
		    tls_refuses_expired_or_not_yet_valid_certificate),
		cmocka_unit_test(tls_refuses_agency_that_is_not_a_partner),
		cmocka_unit_test(tls_honours_crl),
		cmocka_unit_test(tls_refuses_client_without_certificate),
		cmocka_unit_test(tls_refuses_tls12),
		cmocka_unit_test(tls_refuses_garbage),
		cmocka_unit_test(tls_refuses_leaf_that_is_a_ca),
		cmocka_unit_test(tls_refuses_leaf_without_the_eku_it_needs),
		cmocka_unit_test(tls_refuses_ca_without_ca_true),
		cmocka_unit_test(tls_recheck_follows_a_new_context),
		cmocka_unit_test(tls_ctx_knows_crl_next_update),
		cmocka_unit_test(tls_conn_outlives_its_ctx),
		cmocka_unit_test(tls_ctx_rejects_bad_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
