/*
 * Test fixture: a fresh temporary directory per test or group, and its
 * removal with everything under it. Removal walks the tree with nftw(3)
 * and never follows a symbolic link, so a test that leaves one behind
 * cannot make the teardown delete anything outside its own directory.
 */
#ifndef LCN_TEST_TMPDIR_H
#define LCN_TEST_TMPDIR_H

#include <stddef.h>

#define TEST_TMPDIR_MAX	64	/* bytes of a path test_tmpdir_make writes */

/*
 * Makes the directory /tmp/lcn-test-TAG-XXXXXX (mode 0700, mkdtemp(3))
 * and writes its path to dir. Returns 0, or -1 with errno set if dirsz
 * is too small for the path or mkdtemp fails; dir is then "".
 */
int	test_tmpdir_make(char *dir, size_t dirsz, const char *tag);

/*
 * Removes dir and everything under it, children first, without following
 * symbolic links. Returns 0, or -1 if anything could not be removed (the
 * rest is still removed). A dir that is "" or does not exist is 0: a
 * teardown after a setup that failed early has nothing to do.
 */
int	test_tmpdir_remove(const char *dir);

#endif
