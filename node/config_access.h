/*
 * Who may do what on the local socket: the [access] section of the
 * configuration, mapping Unix users and groups to the cumulative roles
 * read (status, log, screen, check), publish (signing entries in the
 * agency's name) and admin (import-list, reindex). Names are resolved to
 * ids when the file is loaded; api.c asks for a caller's role with the
 * credentials the kernel gives for its connection (SO_PEERCRED). This is
 * policy only: it opens no socket and looks nothing up at request time.
 */
#ifndef LCN_CONFIG_ACCESS_H
#define LCN_CONFIG_ACCESS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* Each role includes the ones before it. */
enum access_role {
	ACCESS_NONE,
	ACCESS_READ,
	ACCESS_PUBLISH,
	ACCESS_ADMIN,
};

struct access_rule {
	int			 is_group;	/* 1: id is a gid, 0: a uid */
	uint32_t		 id;
	enum access_role	 role;
};

struct config_access {
	int			 line;		/* of [access]; 0: none */
	int			 key_line[4];	/* read, publish, admin,
						   socket_group; 0: unset */
	struct access_rule	*rules;
	size_t			 nrules;
	int			 has_socket_group;
	uint32_t		 socket_group;	/* gid the socket gets */
};

/*
 * The role of a caller with user id uid, group id gid and supplementary
 * groups (ngroups of them, may be NULL when 0). lcnd's own uid (self) and
 * root are always admin; without an [access] section nobody else has any
 * role (fail closed); with one, the highest role of every rule naming the
 * caller's uid or one of its groups.
 */
enum access_role config_access_role(const struct config_access *,
	    uid_t self, uid_t uid, gid_t gid, const gid_t *groups,
	    size_t ngroups);
/* "none", "read", "publish" or "admin". */
const char	*access_role_name(enum access_role);
/* Frees the rules; the struct may then be reused zeroed. */
void		 config_access_free(struct config_access *);

#endif
