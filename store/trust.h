/*
 * The partner directory as the ledger sees it: which agencies exist, which
 * signing keys each may use and when, and which agencies belong to which
 * sharing group. Built from the configuration (config.c) and immutable
 * afterwards; a reload builds a new one. Fail closed: an unknown group or
 * agency is never a member of anything.
 */
#ifndef LCN_TRUST_H
#define LCN_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

struct sig_pubkey;

struct trust_key {
	struct sig_pubkey	*pub;		/* owned */
	uint64_t		 valid_from_ms;	/* 0: always */
	uint64_t		 valid_until_ms;	/* 0: open-ended */
};

struct trust_agency {
	char			 id[AGENCY_ID_MAX + 1];
	struct trust_key	 keys[KEYS_PER_AGENCY_MAX];
	size_t			 nkeys;
};

struct trust_group {
	char			 name[GROUP_NAME_MAX + 1];
	char			(*members)[AGENCY_ID_MAX + 1];	/* sorted */
	size_t			 nmembers;
};

struct trust {
	char			 self[AGENCY_ID_MAX + 1];
	struct trust_agency	*agencies;	/* self first, then partners */
	size_t			 nagencies;
	struct trust_group	*groups;
	size_t			 ngroups;
};

void	trust_free(struct trust *);	/* frees contents, not the struct */

const struct trust_agency *trust_agency(const struct trust *, const char *id);
const struct trust_group *trust_group(const struct trust *, const char *name);
int	trust_is_member(const struct trust_group *, const char *agency);

/*
 * Finds origin's key with key_id valid at at_ms. Returns 0 and a borrowed
 * *pub (valid as long as the trust), LCN_EORIGIN for an unknown origin or
 * LCN_EKEY for an unknown or out-of-window key.
 */
int	trust_find_key(const struct trust *, const char *origin,
	    const uint8_t key_id[KEY_ID_LEN], uint64_t at_ms,
	    const struct sig_pubkey **pub);

/*
 * Checks that group exists and both origin and this node are members:
 * 0, LCN_EGROUP or LCN_ENOTMEMBER.
 */
int	trust_check_feed(const struct trust *, const char *origin,
	    const char *group);

#endif
