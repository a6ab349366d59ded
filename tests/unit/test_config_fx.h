/*
 * Test fixture shared by the configuration tests (test_config.c,
 * test_config_consult.c, test_config_client.c): configuration text
 * written into the test's directory with "$D" standing for that
 * directory, the [node] and partner sections of agencies made there with
 * certs/make-agency, and a load that must succeed or fail with
 * "FILE:LINE: message", leaving nothing to free. Checks fail the calling
 * test through cmocka.
 */
#ifndef LCN_TEST_CONFIG_FX_H
#define LCN_TEST_CONFIG_FX_H

#include <stddef.h>

#include "config.h"

/*
 * The [node] section of a working configuration, lines 1 to 7, and
 * partner sections of 3 lines each, for agencies made with
 * certs/make-agency into $D/jp, $D/us and $D/de.
 */
#define NODE								\
	"[node]\n"							\
	"id = JP-METI\n"						\
	"listen = 127.0.0.1:7400\n"					\
	"data_dir = $D/data\n"						\
	"tls_cert = $D/jp/node.pem\n"					\
	"tls_key = $D/jp/node.key\n"					\
	"signing_key = $D/jp/signing.key\n"

#define US								\
	"[partner US-BIS]\n"						\
	"ca = $D/us/ca.pem\n"						\
	"signing_pub = $D/us/signing.pub\n"

#define DE								\
	"[partner DE-BAFA]\n"						\
	"ca = $D/de/ca.pem\n"						\
	"signing_pub = $D/de/signing.pub\n"

/* system() of the formatted command; its status. */
int	test_conf_run(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* in with every "$D" replaced by dir, into out (truncated to outsz). */
void	test_conf_expand(const char *dir, const char *in, char *out,
	    size_t outsz);
/* Writes text to path with every "$D" replaced by dir. */
void	test_conf_write(const char *dir, const char *path, const char *text);
/*
 * Writes text to conf and loads it with config_load(), which must pass;
 * if quiet, without a word in its message buffer either.
 */
void	test_conf_load(const char *dir, const char *conf, const char *text,
	    struct config *c, int quiet);
/*
 * Writes text to conf and expects config_load() to fail with
 * "CONF:line: want" ($D in want as in text), or with a message that
 * starts so if prefix is set; the struct must hold nothing.
 */
void	test_conf_expect_error(const char *dir, const char *conf,
	    const char *text, int line, const char *want, int prefix);

#endif
