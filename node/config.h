/*
 * The node's configuration file (see ops/lcnd.conf.example), parsed with
 * libinih into struct config and validated once: ids, addresses, that every
 * certificate, CRL and public key it names can be read, that every public
 * key is Ed25519, that group members are configured agencies. It also
 * builds the trust directory the ledger uses, with a bilateral group for
 * every pair of this node and a partner. Parsing never opens a private
 * key: lcnd opens the TLS and signing keys afterwards with
 * config_open_keys(), which checks the signing key is mode 0600, while lcn
 * reads the same file without access to the keys. Every error names the
 * file, the line and what was expected.
 */
#ifndef LCN_CONFIG_H
#define LCN_CONFIG_H

#include <limits.h>
#include <stdint.h>

#include "calendar.h"
#include "config_access.h"
#include "consult.h"
#include "lcn_limits.h"
#include "trust.h"

#define CONFIG_ADDR_MAX	256
#define ATTEST_INTERVAL_DEFAULT_MS	10000
#define CRL_WARN_DAYS_DEFAULT	7
#define CRL_WARN_DAYS_MAX	365
#define DISK_WARN_MB_DEFAULT	512
/* The longest a partner's redial backoff lasts: 30 s + 25% jitter. */
#define DIAL_IN_WAIT_DEFAULT_MS	40000
#define DISK_WARN_MB_MAX	(1024 * 1024)	/* 1 TiB */

struct sig_key;

struct config_partner {
	char		id[AGENCY_ID_MAX + 1];
	char		host[CONFIG_ADDR_MAX];	/* empty: accept only */
	uint16_t	port;
	char		ca[PATH_MAX];
	char		crl[PATH_MAX];		/* empty: none */
	char		holidays[PATH_MAX];	/* empty: none */
	struct calendar	calendar;		/* the partner agency's working
						   days: from holidays, else
						   calendar_default() */
	int		line;			/* of the [partner] header */
};

/* Consultation profile keys of a [group], config_consult.c. */
enum config_consult_key {
	CCK_CONSULT,
	CCK_DEADLINE,
	CCK_EXTENSION_MAX,
	CCK_SILENCE,
	CCK_INFO_RESTARTS,
	CCK_COUNT,
};

/*
 * A [group]'s consultation profile: the default of the regime its name
 * names (consult_profile_default()), with what its keys say over it.
 */
struct config_profile {
	char			 group[GROUP_NAME_MAX + 1];
	struct consult_profile	 profile;
	int			 line;		/* of the [group] header */
	int			 key_line[CCK_COUNT];	/* 0: not given */
	enum consult_basis	 extension_basis;	/* as written */
};

struct config {
	char			 path[PATH_MAX];
	char			 id[AGENCY_ID_MAX + 1];
	char			 listen_host[CONFIG_ADDR_MAX];
	uint16_t		 listen_port;
	char			 data_dir[PATH_MAX];
	char			 tls_cert[PATH_MAX];
	char			 tls_key[PATH_MAX];	/* named, not opened */
	char			 signing_key_path[PATH_MAX];
	int			 tls_key_line;	/* for messages */
	int			 signing_key_line;
	char			 socket[PATH_MAX];	/* default data_dir/lcnd.sock */
	uint32_t		 max_frame;	/* default FRAME_BODY_DEFAULT */
	uint64_t		 map_size;	/* 0: store default */
	int			 log_level;	/* enum log_level */
	uint64_t		 attest_interval_ms; /* 0: no attestations */
	int			 crl_warn_days;	/* warn this close to nextUpdate */
	uint64_t		 disk_warn_mb;	/* lcn status warns below; 0: never */
	uint64_t		 dial_in_wait_ms; /* self-fork guard, see publish.c */
	struct sig_key		*signing_key;	/* owned; config_open_keys */
	uint8_t			*tls_key_pem;	/* owned, wiped; config_open_keys */
	size_t			 tls_key_pem_len;
	struct config_partner	*partners;
	size_t			 npartners;
	struct trust		 trust;		/* owned */
	struct config_access	 access;	/* [access]; owned */
	char			 holidays[PATH_MAX];	/* [node]; empty: none */
	struct calendar		 calendar;	/* this agency's working days */
	struct config_profile	*profiles;	/* one per [group], in order */
	size_t			 nprofiles;
};

/*
 * Loads and validates path into *out. The private keys (tls_key,
 * signing_key) are checked as paths only and not opened: signing_key
 * stays NULL and this node's agency in the trust has no key yet. Returns
 * 0, or LCN_ECONFIG with "FILE:LINE: what was expected, what was found"
 * in errbuf (LINE 0 for a whole-file problem). On error *out holds
 * nothing to free. Free with config_free().
 */
int	config_load(const char *path, struct config *out, char *errbuf,
	    size_t errbufsz);
/*
 * config_load() for lcn, which only needs the socket (and data_dir) to
 * talk to lcnd: the same file, the same checks and the same messages,
 * except that the files it names are only checked to be readable
 * regular files, never parsed (this node's certificate, the partners'
 * CAs and signing keys: lcnd checks them when it loads the file), and
 * OpenSSL is not started, which costs more CPU than the rest of a short
 * lcn call. The trust it builds has the partners' keys with a NULL pub:
 * it is not for checking signatures. Returns as config_load().
 */
int	config_load_client(const char *path, struct config *out,
	    char *errbuf, size_t errbufsz);
/*
 * Opens the private keys of a configuration config_load() filled in: the
 * TLS key must be a readable regular file (tls.c parses it), the signing
 * key a PEM Ed25519 private key of mode 0600, which goes into
 * c->signing_key and its public half into this node's agency in the
 * trust. Call once. Returns 0, or LCN_ECONFIG with "FILE:LINE: ..." in
 * errbuf and c unchanged; the caller still frees c with config_free().
 */
int	config_open_keys(struct config *c, char *errbuf, size_t errbufsz);
void	config_free(struct config *);

const struct config_partner *config_partner(const struct config *,
	    const char *id);

/*
 * The consultation profile of group (a regime group's name, "NSG"): its
 * [group]'s keys over the regime's default, or the default of the regime
 * the name names when no [group] of that name has any (an unknown
 * regime's: consultation required, no deadline). Fills *out.
 */
void	config_consult_profile(const struct config *, const char *group,
	    struct consult_profile *out);
/*
 * The working days of agency: this node's ([node] holidays) or a
 * partner's ([partner] holidays), calendar_default() when none is named
 * (and for every agency after config_load_client(), which parses no
 * holidays file); NULL for an agency that is neither. Valid while the
 * config is.
 */
const struct calendar *config_calendar(const struct config *,
	    const char *agency);

#endif
