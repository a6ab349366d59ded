/*
 * Test fixture: Ed25519 signing keys written to a test directory and
 * loaded the way lcnd loads its own (sig_key_load, mode 0600).
 */
#ifndef LCN_TEST_KEYS_H
#define LCN_TEST_KEYS_H

struct sig_key;

/* DIR/NAME.key, freshly generated; fails the test on any error. */
struct sig_key *test_key_make(const char *dir, const char *name);

#endif
