/*
 * Reading a private key file into memory, refusing one that others could
 * read, replace or point elsewhere: the file is opened without following
 * a symbolic link and judged by its descriptor (a regular file owned by
 * this process's user, mode 0600 or 0400), and the directory holding it
 * must belong to this user or root and be writable by no one else. The
 * caller parses the bytes from memory (a memory BIO) and wipes them with
 * keyfile_free(). A leaf module: no libuv, no LMDB, no OpenSSL types.
 */
#ifndef LCN_KEYFILE_H
#define LCN_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KEYFILE_MAX	(64 * 1024)	/* a PEM key is a few hundred bytes */

/*
 * A systemd credential (LoadCredential=, in $CREDENTIALS_DIRECTORY):
 * systemd writes it owned by root, mode 0400, and lets the service's user
 * read it through an ACL, whose mask shows as the group's read bit. Root
 * may then own the file and the group bits may say read, never write.
 */
#define KEYFILE_CREDENTIAL	0x1

/*
 * Reads the key file at path into *buf (NUL-terminated, *len bytes
 * without the NUL), which the caller frees with keyfile_free(). what
 * names the key in messages ("signing key", "TLS key"); flags is 0 or
 * KEYFILE_CREDENTIAL. Returns 0;
 * LCN_EIO if it cannot be opened or read; LCN_EINVAL if it is a symbolic
 * link, not a regular file, owned by another user, readable or writable
 * by group or others, larger than KEYFILE_MAX, or in a directory that
 * another user owns or that group or others may write. *errbuf gets
 * "PATH: what was expected, what was found" and how to fix it; on error
 * *buf is NULL and *len 0.
 */
int	keyfile_read(const char *path, const char *what, int flags,
	    uint8_t **buf, size_t *len, char *errbuf, size_t errbufsz);
/* Wipes len bytes of buf (OPENSSL_cleanse) and frees it; NULL is a no-op. */
void	keyfile_free(uint8_t *buf, size_t len);

#endif
