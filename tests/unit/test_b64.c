/*
 * Unit tests for b64.c: RFC 4648's test vectors both ways, every length
 * of random bytes round-tripped, and every non-canonical text refused
 * with nothing returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "b64.h"
#include "lcn_err.h"

static const struct {
	const char *plain, *text;
} vectors[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void
b64_matches_rfc4648_vectors(void **state)
{
	char	 out[16];
	uint8_t	*dec;
	size_t	 i, n, len;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		len = strlen(vectors[i].plain);
		assert_int_equal(b64_encoded_len(len), strlen(vectors[i].text));
		n = b64_encode((const uint8_t *)vectors[i].plain, len, out);
		assert_int_equal(n, strlen(vectors[i].text));
		assert_memory_equal(out, vectors[i].text, n);
		assert_int_equal(b64_decode(vectors[i].text, n, &dec, &len), 0);
		assert_non_null(dec);
		assert_int_equal(len, strlen(vectors[i].plain));
		assert_memory_equal(dec, vectors[i].plain, len);
		free(dec);
	}
}

static void
b64_round_trips_every_length(void **state)
{
	uint8_t	 in[300], *dec;
	char	 text[400];
	size_t	 len, n, outlen;

	(void)state;
	for (len = 0; len < sizeof(in); len++) {
		for (n = 0; n < len; n++)
			in[n] = (uint8_t)(n * 131 + len * 7);
		n = b64_encode(in, len, text);
		assert_int_equal(b64_decode(text, n, &dec, &outlen), 0);
		assert_int_equal(outlen, len);
		assert_memory_equal(dec, in, len);
		free(dec);
	}
}

static void
b64_refuses_non_canonical_text(void **state)
{
	static const char *const bad[] = {
		"Zg=", "Zg", "Z", "Zm9", "Zm9v\n", " Zm9v", "Zm9v====",
		"Zh==",		/* bits after the last byte */
		"Zm9=",		/* the same, one byte of padding */
		"Zg==Zm9v",	/* padding before the end */
		"Z===", "====", "Zm-v", "Zm_v", "Zm9\x80",
	};
	uint8_t	*dec = (uint8_t *)1;
	size_t	 i, len = 1;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(b64_decode(bad[i], strlen(bad[i]), &dec,
		    &len), LCN_EINVAL);
		assert_null(dec);
		assert_int_equal(len, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b64_matches_rfc4648_vectors),
		cmocka_unit_test(b64_round_trips_every_length),
		cmocka_unit_test(b64_refuses_non_canonical_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
