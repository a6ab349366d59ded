/*
 * Test fixture: temporary directories made with mkdtemp(3) and removed
 * recursively with nftw(3), in place of each test's own "rm -rf" through
 * system(3) (a shell for every teardown, and a path that is quoted by hand).
 */
/* nftw(3) and its FTW_ flags are XSI: _POSIX_C_SOURCE alone hides them. */
#define _XOPEN_SOURCE	700

#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_tmpdir.h"

/* File descriptors nftw may hold open: one per level of the tree. */
#define WALK_FDS	16

static int	walk_failed;

int
test_tmpdir_make(char *dir, size_t dirsz, const char *tag)
{
	int	n;

	n = snprintf(dir, dirsz, "/tmp/lcn-test-%s-XXXXXX", tag);
	if (n < 0 || (size_t)n >= dirsz) {
		if (dirsz > 0)
			dir[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * Called children first (FTW_DEPTH). A failure is remembered but does not
 * stop the walk, so one file that will not go leaves the rest removed.
 */
static int
remove_one(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((type == FTW_DP || type == FTW_DNR ? rmdir(path) :
	    unlink(path)) != 0) {
		fprintf(stderr, "test_tmpdir_remove: %s: cannot remove\n",
		    path);
		walk_failed = 1;
	}
	return 0;
}

int
test_tmpdir_remove(const char *dir)
{
	struct stat	sb;

	if (dir == NULL || dir[0] == '\0' ||
	    (lstat(dir, &sb) != 0 && errno == ENOENT))
		return 0;
	walk_failed = 0;
	if (nftw(dir, remove_one, WALK_FDS, FTW_DEPTH | FTW_PHYS) != 0)
		return -1;
	return walk_failed ? -1 : 0;
}
