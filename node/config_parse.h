/*
 * The state of one configuration parse, shared by the files that make up
 * config_load(): config.c reads the file and the [node] section,
 * config_value.c checks single values (addresses, paths, sizes), and
 * config_trust.c the [partner] and [group] sections and the trust
 * directory they build. Internal to those files: nothing else includes it.
 *
 * Every function here that can fail returns 0 or LCN_ECONFIG with the
 * first message written through config_err(), or LCN_ENOMEM, for which
 * the caller writes "out of memory" at the current line.
 */
#ifndef LCN_CONFIG_PARSE_H
#define LCN_CONFIG_PARSE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define QUOTE_MAX	80	/* untrusted text quoted in a message */

enum section {
	SEC_NONE,
	SEC_NODE,
	SEC_PARTNER,
	SEC_GROUP,
	SEC_ACCESS,
};

/* [node] keys; the order is the one messages list them in. */
enum node_key {
	NK_ID,
	NK_LISTEN,
	NK_DATA_DIR,
	NK_TLS_CERT,
	NK_TLS_KEY,
	NK_SIGNING_KEY,
	NK_SOCKET,
	NK_MAX_FRAME,
	NK_MAP_SIZE,
	NK_LOG_LEVEL,
	NK_ATTEST_INTERVAL,
	NK_CRL_WARN_DAYS,
	NK_DISK_WARN_MB,
	NK_DIAL_IN_WAIT,
	NK_HOLIDAYS,
	NK_COUNT,
};

struct partner_state;		/* config_trust.c */
struct group_state;

struct parse {
	const char		*path;
	char			 dir[PATH_MAX];	/* relative paths start here */
	char			*errbuf;
	size_t			 errbufsz;
	int			 failed;	/* a message is in errbuf */
	int			 client;	/* config_load_client() */

	char			*buf;		/* the whole file */
	size_t			 len, pos;
	int			 lineno;	/* of the line last read */

	enum section		 sec;
	size_t			 idx;	/* partner or group index */

	struct config		*c;
	int			 node_line;	/* 0: no [node] yet */
	int			 node_key_line[NK_COUNT];
	struct partner_state	*ps;	/* parallel to c->partners */
	struct group_state	*gs;
	size_t			 ngs;
};

/*
 * Writes "FILE:LINE: message" into the caller's errbuf, unless a message
 * is already there (the first error is the one reported). LCN_ECONFIG.
 */
int	config_err(struct parse *, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Untrusted text for a message: escaped and truncated; returns dst. */
const char *config_quote(char dst[QUOTE_MAX], const char *s);

/* config_value.c: the value v of key at the current line. */
/* "host:port" or "[v6]:port"; the host is a name, IPv4 or IPv6. */
int	config_hostport(struct parse *, const char *key, const char *v,
	    char host[CONFIG_ADDR_MAX], uint16_t *port);
/* A path, relative to the configuration file's directory. */
int	config_path(struct parse *, const char *key, const char *v,
	    char out[PATH_MAX]);
/* config_path() naming a regular file this process can read. */
int	config_file(struct parse *, const char *key, const char *v,
	    char out[PATH_MAX]);
/* Bytes with an optional K, M or G suffix; 0 or LCN_EINVAL, no message. */
int	config_size(const char *v, uint64_t *out);

/* config_access.c: the [access] section (config_access.h). */
/* An [access] header at the current line. */
int	config_access_begin(struct parse *);
/* A key = value line inside [access]. */
int	config_access_key(struct parse *, const char *name, const char *v);

/* config_trust.c: partners and groups. */
/* A [partner ID] header at the current line. */
int	config_partner_begin(struct parse *, const char *id);
/* A key = value line inside the current [partner]. */
int	config_partner_key(struct parse *, const char *name, const char *v);
/* A [group NAME] header at the current line. */
int	config_group_begin(struct parse *, const char *name);
/* A key = value line inside the current [group]. */
int	config_group_key(struct parse *, const char *name, const char *v);
/*
 * Once the whole file is read: every partner has its required keys and is
 * not this node, every group has members that are this node or partners.
 */
int	config_trust_check(struct parse *);
/*
 * Builds c->trust: this node first (with no key: config_open_keys adds
 * it), the configured groups, then a bilateral group per partner. The
 * groups move out of the parse. 0 or LCN_ENOMEM, no message.
 */
int	config_trust_build(struct parse *);
/*
 * config_consult.c: the consultation keys of [group] sections and the
 * holidays files of [node] and [partner] sections.
 */
/* A [group NAME] header at the current line: its profile, defaulted. */
int	config_consult_group_begin(struct parse *, const char *name);
/* 1 if name is a consultation key of [group] (consult, silence, ...). */
int	config_consult_is_key(const char *name);
/* A consultation key = value line inside the current [group]. */
int	config_consult_group_key(struct parse *, const char *name,
	    const char *v);
/* holidays = FILE at the current line, loaded into *cal. */
int	config_consult_holidays(struct parse *, const char *v,
	    char path[PATH_MAX], struct calendar *cal);
/*
 * Once the whole file is read: each extension has its deadline's basis;
 * agencies without a holidays file get calendar_default().
 */
int	config_consult_check(struct parse *);

/* Frees what the partner and group sections kept in the parse. */
void	config_trust_parse_free(struct parse *);

#endif
