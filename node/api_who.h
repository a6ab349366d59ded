/*
 * The user names of the operator API's callers, for its messages and
 * log lines ("uid 1001 (alice)"), remembered per uid in a small table so
 * that lcnd does not ask the user database on its loop thread for every
 * request. It is not an access check: roles are decided from the uid
 * and groups the kernel gives (config_access.h), never from a name.
 */
#ifndef LCN_API_WHO_H
#define LCN_API_WHO_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* uids remembered, and for how long one name is trusted. */
#define API_WHO_CACHED	16
#define API_WHO_TTL_MS	(10 * 60 * 1000)

struct api_who_entry {
	uid_t		 uid;
	uint64_t	 at_ms;		/* mono: when it was looked up */
	int		 used;
	char		 name[64];	/* escaped for the log */
};

struct api_who_cache {
	struct api_who_entry	 e[API_WHO_CACHED];
	size_t			 next;	/* the slot a new uid takes */
};

/*
 * "uid 1001 (alice)" for uid into buf, or "uid 1001 (no user name)" when
 * the user database has none. A name looked up less than API_WHO_TTL_MS
 * before now_ms (monotonic) is taken from c; otherwise it is looked up
 * (getpwuid) and remembered, the oldest slot giving way when the table
 * is full. A uid without a name is not remembered. Loop thread only: c
 * is not locked.
 */
void	api_who(struct api_who_cache *c, uid_t uid, uint64_t now_ms,
	    char *buf, size_t bufsz);

#endif
