/*
 * Test fixture of the configuration tests (test_config_fx.h):
 * configuration text with "$D" for the test's directory, written,
 * loaded, and its refusal checked.
 */
#include <limits.h>
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

int
test_conf_run(const char *fmt, ...)
{
	char	cmd[4 * PATH_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

void
test_conf_expand(const char *dir, const char *in, char *out, size_t outsz)
{
	const char	*s;
	size_t		 o = 0, dl = strlen(dir);

	for (s = in; *s != '\0' && o + dl + 1 < outsz; s++) {
		if (s[0] == '$' && s[1] == 'D') {
			memcpy(out + o, dir, dl);
			o += dl;
			s++;
		} else
			out[o++] = *s;
	}
	out[o] = '\0';
}

void
test_conf_write(const char *dir, const char *path, const char *text)
{
	FILE		*f;
	const char	*s;

	assert_non_null(f = fopen(path, "w"));
	for (s = text; *s != '\0'; s++) {
		if (s[0] == '$' && s[1] == 'D') {
			fputs(dir, f);
			s++;
		} else
			fputc(*s, f);
	}
	assert_int_equal(fclose(f), 0);
}

void
test_conf_load(const char *dir, const char *conf, const char *text,
    struct config *c, int quiet)
{
	char	err[1024];

	test_conf_write(dir, conf, text);
	err[0] = '\0';
	if (config_load(conf, c, err, sizeof(err)) != 0)
		fail_msg("config_load: %s", err);
	if (quiet)
		assert_string_equal(err, "");
}

void
test_conf_expect_error(const char *dir, const char *conf, const char *text,
    int line, const char *want, int prefix)
{
	struct config	 c, zero;
	char		 err[1400], exp[1400], w[1024];

	test_conf_expand(dir, want, w, sizeof(w));
	snprintf(exp, sizeof(exp), "%s:%d: %s", conf, line, w);
	test_conf_write(dir, conf, text);
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(config_load(conf, &c, err, sizeof(err)),
	    LCN_ECONFIG);
	if (prefix) {
		if (strncmp(err, exp, strlen(exp)) != 0)
			fail_msg("expected a message starting '%s', got '%s'",
			    exp, err);
	} else
		assert_string_equal(err, exp);
	assert_memory_equal(&c, &zero, sizeof(c));
	config_free(&c);
}
