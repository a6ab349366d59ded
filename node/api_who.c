/*
 * User names of the operator API's callers, remembered per uid
 * (api_who.h).
 *
 * What the table trades: getpwuid() may go to a directory service
 * (NSS: LDAP, sssd) and blocks the loop thread, every peer included,
 * while it does; lcn opens one connection per command, so without the
 * table every command paid that. With it, a user renamed (or a uid
 * given to another user) is still logged under the old name for up to
 * API_WHO_TTL_MS. The name only labels log lines and messages; what a
 * caller may do is decided from its uid and groups, never from the name,
 * so a stale name misleads a reader of the log for minutes at most and
 * grants nothing.
 */
#include <sys/types.h>

#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "api_who.h"
#include "log.h"

static struct api_who_entry *
find(struct api_who_cache *c, uid_t uid, uint64_t now_ms)
{
	size_t	i;

	for (i = 0; i < API_WHO_CACHED; i++)
		if (c->e[i].used && c->e[i].uid == uid &&
		    now_ms - c->e[i].at_ms < API_WHO_TTL_MS)
			return &c->e[i];
	return NULL;
}

/* The slot of uid's stale entry if there is one, else the next in turn. */
static struct api_who_entry *
slot(struct api_who_cache *c, uid_t uid)
{
	struct api_who_entry	*e;
	size_t			 i;

	for (i = 0; i < API_WHO_CACHED; i++)
		if (c->e[i].used && c->e[i].uid == uid)
			return &c->e[i];
	e = &c->e[c->next];
	c->next = (c->next + 1) % API_WHO_CACHED;
	return e;
}

void
api_who(struct api_who_cache *c, uid_t uid, uint64_t now_ms, char *buf,
    size_t bufsz)
{
	struct api_who_entry	*e;
	struct passwd		*pw;

	if ((e = find(c, uid, now_ms)) == NULL &&
	    (pw = getpwuid(uid)) != NULL) {
		e = slot(c, uid);
		log_escape(e->name, sizeof(e->name), pw->pw_name,
		    strlen(pw->pw_name));
		e->uid = uid;
		e->at_ms = now_ms;
		e->used = 1;
	}
	snprintf(buf, bufsz, "uid %lu (%s)", (unsigned long)uid,
	    e != NULL ? e->name : "no user name");
}
