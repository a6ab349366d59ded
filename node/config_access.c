/*
 * The [access] section of the configuration (config_access.h): which
 * Unix users and groups hold which role on the local socket, and the
 * group the socket is given. A value is a list of user:NAME, user:UID,
 * group:NAME or group:GID separated by spaces; names are resolved here,
 * once, so that a request never waits on a user database lookup.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"
#include "lcn_err.h"

static const char *const access_keys[] = {
	"read", "publish", "admin", "socket_group",
};
#define NACCESS_KEYS	(sizeof(access_keys) / sizeof(access_keys[0]))

const char *
access_role_name(enum access_role r)
{
	switch (r) {
	case ACCESS_READ:	return "read";
	case ACCESS_PUBLISH:	return "publish";
	case ACCESS_ADMIN:	return "admin";
	default:		return "none";
	}
}

/* A decimal id below 2^32 - 1 (which is (uid_t)-1, "no id"): 1, else 0. */
static int
parse_id(const char *s, uint32_t *out)
{
	unsigned long long	 n;
	char			*end;

	if (!isdigit((unsigned char)s[0]))
		return 0;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || n >= UINT32_MAX)
		return 0;
	*out = (uint32_t)n;
	return 1;
}

/* A user or group name, or number, into its id; a message if unknown. */
static int
resolve(struct parse *p, const char *key, int is_group, const char *name,
    uint32_t *id)
{
	struct passwd	*pw;
	struct group	*gr;
	char		 q[QUOTE_MAX];

	if (parse_id(name, id))
		return 0;
	errno = 0;
	if (is_group) {
		if ((gr = getgrnam(name)) != NULL) {
			*id = (uint32_t)gr->gr_gid;
			return 0;
		}
	} else if ((pw = getpwnam(name)) != NULL) {
		*id = (uint32_t)pw->pw_uid;
		return 0;
	}
	return config_err(p, p->lineno, "%s: expected a %s of this host, got "
	    "'%s', which it does not know%s%s", key, is_group ? "group" :
	    "user", config_quote(q, name), errno ? ": " : "",
	    errno ? strerror(errno) : "");
}

static int
add_rule(struct config_access *a, int is_group, uint32_t id,
    enum access_role role)
{
	struct access_rule *nr;

	if ((nr = reallocarray(a->rules, a->nrules + 1, sizeof(*nr))) ==
	    NULL)
		return LCN_ENOMEM;
	a->rules = nr;
	a->rules[a->nrules].is_group = is_group;
	a->rules[a->nrules].id = id;
	a->rules[a->nrules].role = role;
	a->nrules++;
	return 0;
}

/* "user:alice group:lcn-read user:1001" for one role. */
static int
role_list(struct parse *p, const char *key, enum access_role role,
    const char *v)
{
	struct config_access	*a = &p->c->access;
	char			*copy, *tok, *save = NULL, *name;
	char			 q[QUOTE_MAX];
	uint32_t		 id;
	int			 is_group, r = 0;

	if ((copy = strdup(v)) == NULL)
		return LCN_ENOMEM;
	for (tok = strtok_r(copy, " \t,", &save); tok != NULL && r == 0;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if (strncmp(tok, "user:", 5) == 0) {
			is_group = 0;
			name = tok + 5;
		} else if (strncmp(tok, "group:", 6) == 0) {
			is_group = 1;
			name = tok + 6;
		} else {
			r = config_err(p, p->lineno, "%s: expected user:NAME, "
			    "user:UID, group:NAME or group:GID, got '%s'", key,
			    config_quote(q, tok));
			break;
		}
		if (*name == '\0')
			r = config_err(p, p->lineno, "%s: expected a name or "
			    "id after '%s', got none", key, config_quote(q,
			    tok));
		else if ((r = resolve(p, key, is_group, name, &id)) == 0)
			r = add_rule(a, is_group, id, role);
	}
	free(copy);
	return r;
}

int
config_access_begin(struct parse *p)
{
	struct config_access *a = &p->c->access;

	if (a->line != 0)
		return config_err(p, p->lineno, "expected one [access] "
		    "section, got another (first at line %d)", a->line);
	a->line = p->lineno;
	p->sec = SEC_ACCESS;
	return 0;
}

int
config_access_key(struct parse *p, const char *name, const char *v)
{
	struct config_access	*a = &p->c->access;
	char			 q[QUOTE_MAX];
	size_t			 k;
	uint32_t		 gid;
	int			 r;

	for (k = 0; k < NACCESS_KEYS; k++)
		if (strcmp(name, access_keys[k]) == 0)
			break;
	if (k == NACCESS_KEYS)
		return config_err(p, p->lineno, "expected a key of [access] "
		    "(read, publish, admin, socket_group), got '%s'",
		    config_quote(q, name));
	if (a->key_line[k] != 0)
		return config_err(p, p->lineno, "expected %s once in [access], "
		    "got it again (first at line %d)", name, a->key_line[k]);
	a->key_line[k] = p->lineno;
	switch (k) {
	case 0:
		return role_list(p, name, ACCESS_READ, v);
	case 1:
		return role_list(p, name, ACCESS_PUBLISH, v);
	case 2:
		return role_list(p, name, ACCESS_ADMIN, v);
	default:
		if (v[0] == '\0')
			return config_err(p, p->lineno, "socket_group: "
			    "expected a group name or id, got ''");
		if ((r = resolve(p, name, 1, v, &gid)) != 0)
			return r;
		a->has_socket_group = 1;
		a->socket_group = gid;
		return 0;
	}
}

enum access_role
config_access_role(const struct config_access *a, uid_t self, uid_t uid,
    gid_t gid, const gid_t *groups, size_t ngroups)
{
	enum access_role	 best = ACCESS_NONE;
	size_t			 i, k;
	int			 match;

	if (uid == 0 || uid == self)
		return ACCESS_ADMIN;
	for (i = 0; i < a->nrules; i++) {
		const struct access_rule *ru = &a->rules[i];

		if (ru->role <= best)
			continue;
		if (!ru->is_group)
			match = ru->id == (uint32_t)uid;
		else {
			match = ru->id == (uint32_t)gid;
			for (k = 0; k < ngroups && !match; k++)
				match = ru->id == (uint32_t)groups[k];
		}
		if (match)
			best = ru->role;
	}
	return best;
}

void
config_access_free(struct config_access *a)
{
	free(a->rules);
	memset(a, 0, sizeof(*a));
}
