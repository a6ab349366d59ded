/*
 * Compact-range Merkle hashing against the Certificate Transparency test
 * vectors (RFC 6962 / RFC 9162, certificate-transparency merkle_tree_test)
 * and a brute-force recursive MTH.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"
#include "util.h"

static const char *const ct_inputs[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

/* Roots of the first 1..8 inputs. */
static const char *const ct_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static const char ct_empty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static int
setup(void **state)
{
	(void)state;
	return hash_init();
}

static void
assert_hash_hex(const uint8_t h[HASH_LEN], const char *want)
{
	char got[2 * HASH_LEN + 1];

	hex_encode(h, HASH_LEN, got);
	assert_string_equal(got, want);
}

static void
merkle_empty_tree_is_sha256_of_nothing(void **state)
{
	struct merkle_range	r;
	uint8_t			root[HASH_LEN];

	(void)state;
	merkle_init(&r);
	merkle_root(&r, root);
	assert_hash_hex(root, ct_empty);
	assert_true(merkle_valid(&r));
}

static void
merkle_matches_ct_vectors(void **state)
{
	struct merkle_range	r;
	uint8_t			in[16], leaf[HASH_LEN], root[HASH_LEN];
	size_t			i, len;

	(void)state;
	merkle_init(&r);
	for (i = 0; i < 8; i++) {
		len = strlen(ct_inputs[i]) / 2;
		assert_int_equal(hex_decode(ct_inputs[i], in, len), 0);
		hash_leaf(in, len, leaf);
		assert_int_equal(merkle_append(&r, leaf), 0);
		assert_int_equal(r.n, i + 1);
		assert_true(merkle_valid(&r));
		merkle_root(&r, root);
		assert_hash_hex(root, ct_roots[i]);
	}
}

/* RFC 9162 section 2.1.1, literally: k is the largest power of 2 < n. */
static void
mth(const uint8_t (*leaves)[HASH_LEN], size_t n, uint8_t out[HASH_LEN])
{
	uint8_t	l[HASH_LEN], r[HASH_LEN];
	size_t	k;

	if (n == 0) {
		hash_sha256("", 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], HASH_LEN);
		return;
	}
	for (k = 1; k * 2 < n; k *= 2)
		;
	mth(leaves, k, l);
	mth(leaves + k, n - k, r);
	hash_node(l, r, out);
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define BRUTE_MAX	300

static void
merkle_matches_recursive_reference_for_sizes_0_to_300(void **state)
{
	static uint8_t		leaves[BRUTE_MAX][HASH_LEN];
	struct merkle_range	r;
	uint8_t			got[HASH_LEN], want[HASH_LEN], data[8];
	uint64_t		seed = 0x9e3779b97f4a7c15ull;
	size_t			i;

	(void)state;
	for (i = 0; i < BRUTE_MAX; i++) {
		store_be64(data, xorshift(&seed));
		hash_leaf(data, sizeof(data), leaves[i]);
	}
	merkle_init(&r);
	for (i = 0; i <= BRUTE_MAX; i++) {
		merkle_root(&r, got);
		mth((const uint8_t (*)[HASH_LEN])leaves, i, want);
		assert_memory_equal(got, want, HASH_LEN);
		assert_int_equal(r.nhashes, __builtin_popcountll(i));
		if (i < BRUTE_MAX)
			assert_int_equal(merkle_append(&r, leaves[i]), 0);
	}
}

static void
merkle_append_refuses_to_overflow(void **state)
{
	struct merkle_range	r;
	uint8_t			leaf[HASH_LEN] = { 0 };
	size_t			i;

	(void)state;
	merkle_init(&r);
	r.n = UINT64_MAX;
	r.nhashes = MERKLE_RANGE_MAX;
	for (i = 0; i < MERKLE_RANGE_MAX; i++)
		memset(r.hashes[i], (int)i, HASH_LEN);
	assert_true(merkle_valid(&r));
	assert_int_equal(merkle_append(&r, leaf), LCN_EINVAL);
	assert_int_equal(r.n, UINT64_MAX);
	assert_int_equal(r.nhashes, MERKLE_RANGE_MAX);
}

static void
merkle_valid_rejects_a_range_that_does_not_match_its_count(void **state)
{
	struct merkle_range r;

	(void)state;
	merkle_init(&r);
	r.n = 5;
	r.nhashes = 1;
	assert_false(merkle_valid(&r));
	r.nhashes = 2;
	assert_true(merkle_valid(&r));
	r.nhashes = MERKLE_RANGE_MAX + 1;
	assert_false(merkle_valid(&r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merkle_empty_tree_is_sha256_of_nothing),
		cmocka_unit_test(merkle_matches_ct_vectors),
		cmocka_unit_test(
		    merkle_matches_recursive_reference_for_sizes_0_to_300),
		cmocka_unit_test(merkle_append_refuses_to_overflow),
		cmocka_unit_test(
		    merkle_valid_rejects_a_range_that_does_not_match_its_count),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
