/*
 * Private key files read into memory after checking who could have
 * written, read or redirected them (keyfile.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keyfile.h"
#include "lcn_err.h"

/*
 * Splits path into its directory and last component, in dir (the
 * directory, "." or "/") and *base (a pointer into path). 0, or
 * LCN_EINVAL if path is empty, ends in '/' or is too long.
 */
static int
split_path(const char *path, char *dir, size_t dirsz, const char **base)
{
	const char	*slash;
	size_t		 n;

	if (path[0] == '\0' || path[strlen(path) - 1] == '/')
		return LCN_EINVAL;
	if ((slash = strrchr(path, '/')) == NULL) {
		snprintf(dir, dirsz, ".");
		*base = path;
		return 0;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= dirsz)
		return LCN_EINVAL;
	memcpy(dir, path, n);
	dir[n] = '\0';
	*base = slash + 1;
	return 0;
}

/*
 * Whoever may write the directory may replace the key with their own
 * (rename over it) or with a link to another file: it must be this
 * user's or root's, and writable by no one else.
 */
static int
check_dir(int dfd, const char *path, const char *dir, const char *what,
    char *errbuf, size_t errbufsz)
{
	struct stat	st;

	if (fstat(dfd, &st) == -1) {
		snprintf(errbuf, errbufsz, "%s: cannot examine the directory "
		    "of the %s: %s", path, what, strerror(errno));
		return LCN_EIO;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(errbuf, errbufsz, "%s: the %s's directory %s is owned "
		    "by uid %u, expected root or lcnd's uid %u", path, what,
		    dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return LCN_EINVAL;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(errbuf, errbufsz, "%s: the %s's directory %s has mode "
		    "%04o, writable by group or others (chmod go-w %s)", path,
		    what, dir, (unsigned)(st.st_mode & 07777), dir);
		return LCN_EINVAL;
	}
	return 0;
}

/* The open file itself: regular, this user's, for this user alone. */
static int
check_file(int fd, const char *path, const char *what, int flags,
    struct stat *st, char *errbuf, size_t errbufsz)
{
	mode_t	loose = 077;

	if ((flags & KEYFILE_CREDENTIAL) != 0)
		loose = 037;
	if (fstat(fd, st) == -1) {
		snprintf(errbuf, errbufsz, "%s: cannot examine the %s: %s",
		    path, what, strerror(errno));
		return LCN_EIO;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(errbuf, errbufsz, "%s: expected the %s to be a "
		    "regular file", path, what);
		return LCN_EINVAL;
	}
	if (st->st_uid != geteuid() &&
	    ((flags & KEYFILE_CREDENTIAL) == 0 || st->st_uid != 0)) {
		snprintf(errbuf, errbufsz, "%s: %s owned by uid %u, expected "
		    "lcnd's uid %u (chown it to the user lcnd runs as)", path,
		    what, (unsigned)st->st_uid, (unsigned)geteuid());
		return LCN_EINVAL;
	}
	if ((st->st_mode & loose) != 0) {
		snprintf(errbuf, errbufsz, "%s: %s has mode %04o, expected "
		    "0600 (chmod 600 %s)", path, what,
		    (unsigned)(st->st_mode & 07777), path);
		return LCN_EINVAL;
	}
	if (st->st_size > KEYFILE_MAX) {
		snprintf(errbuf, errbufsz, "%s: %s of %lld bytes, expected at "
		    "most %d", path, what, (long long)st->st_size,
		    KEYFILE_MAX);
		return LCN_EINVAL;
	}
	return 0;
}

int
keyfile_read(const char *path, const char *what, int flags, uint8_t **buf,
    size_t *len, char *errbuf, size_t errbufsz)
{
	struct stat	 st;
	char		 dir[PATH_MAX];
	const char	*base;
	uint8_t		*b = NULL;
	size_t		 cap = 0, n = 0;
	ssize_t		 got;
	int		 dfd = -1, fd = -1, r;

	*buf = NULL;
	*len = 0;
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if (split_path(path, dir, sizeof(dir), &base) != 0) {
		snprintf(errbuf, errbufsz, "%s: expected the path of a %s "
		    "file", path, what);
		return LCN_EINVAL;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(errbuf, errbufsz, "%s: cannot read %s: %s", path,
		    what, strerror(errno));
		r = LCN_EIO;
		goto out;
	}
	if ((r = check_dir(dfd, path, dir, what, errbuf, errbufsz)) != 0)
		goto out;
	/*
	 * Opened in the directory just checked, without following a link;
	 * O_NONBLOCK so that a FIFO put there cannot hang the open.
	 */
	if ((fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC)) == -1) {
		if (errno == ELOOP) {
			snprintf(errbuf, errbufsz, "%s: %s is a symbolic link, "
			    "expected the file itself", path, what);
			r = LCN_EINVAL;
		} else {
			snprintf(errbuf, errbufsz, "%s: cannot read %s: %s",
			    path, what, strerror(errno));
			r = LCN_EIO;
		}
		goto out;
	}
	if ((r = check_file(fd, path, what, flags, &st, errbuf,
	    errbufsz)) != 0)
		goto out;
	cap = (size_t)st.st_size + 1;
	if ((b = malloc(cap)) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	while (n < cap - 1) {
		if ((got = read(fd, b + n, cap - 1 - n)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(errbuf, errbufsz, "%s: cannot read %s: %s",
			    path, what, strerror(errno));
			r = LCN_EIO;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	r = 0;
 out:
	keyfile_free(b, cap);
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	return r;
}

void
keyfile_free(uint8_t *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}
