/*
 * Error codes shared by every LCN module. Functions return 0 or one of these
 * negative values; lcn_strerror() gives the text. They say what kind of
 * failure happened, never where: the code that detects bad input logs the
 * context.
 */
#ifndef LCN_ERR_H
#define LCN_ERR_H

#include <stdio.h>
#include <stdlib.h>

enum {
	LCN_OK = 0,
	LCN_EAGAIN = -1,	/* need more input; nothing consumed */
	LCN_EPROTO = -2,	/* malformed or over-limit input */
	LCN_ENOMEM = -3,
	LCN_EINVAL = -4,	/* invalid argument or semantic check failed */
	LCN_EBADSIG = -5,	/* signature does not verify */
	LCN_EKEY = -6,		/* unknown or expired key */
	LCN_ENOTMEMBER = -7,	/* origin or this node not in the group */
	LCN_EGROUP = -8,	/* unknown group */
	LCN_EORIGIN = -9,	/* origin is not a configured agency */
	LCN_EGAP = -10,		/* seq is not head + 1 */
	LCN_ECHAIN = -11,	/* prev_hash does not match the head */
	LCN_EROOT = -12,	/* prev_root does not match the feed's root */
	LCN_EFORK = -13,	/* equivocation: a different entry at a held seq */
	LCN_EFROZEN = -14,	/* the feed is frozen after a fork */
	LCN_EDUP = -15,		/* already held, identical */
	LCN_ESTORE = -16,	/* LMDB failure */
	LCN_ENOTFOUND = -17,
	LCN_EIO = -18,		/* file or socket failure */
	LCN_ECRYPTO = -19,	/* OpenSSL failure */
	LCN_ETLS = -20,		/* TLS handshake or peer identity failure */
	LCN_ECONFIG = -21,
	LCN_EBEHIND = -22,	/* self-fork guard: a peer holds more of our feed */
	LCN_EFULL = -23,	/* no room: the LMDB map or the disk is full */
	LCN_ERR_MIN = -23,
};

/*
 * The text of err. For LCN_EFULL it is the last note lcn_err_note() made,
 * if any, so that the message an operator reads says which limit was hit
 * and what to do. The pointer is valid in the calling thread until its
 * next lcn_strerror() call.
 */
const char *lcn_strerror(int err);

/*
 * Replaces the text lcn_strerror(err) gives from now on, in every thread
 * ("disk full: 12 KiB left ..."). Only LCN_EFULL takes a note: it is the
 * one failure an operator must act on and whose code alone says too
 * little. The store notes it where it detects the condition.
 */
void	lcn_err_note(int err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* A broken invariant, never reachable from input: stop at once. */
#define LCN_ASSERT(x) do {						\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

#endif
