/*
 * The partner directory the ledger needs: each agency's signing public
 * keys with their validity windows, and the sharing groups with their
 * members, to say whether a key was valid for an origin at a time and who
 * is entitled to a feed.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "lcn_err.h"
#include "sig.h"
#include "trust.h"

void
trust_free(struct trust *t)
{
	size_t i, k;

	if (t == NULL)
		return;
	for (i = 0; i < t->nagencies; i++)
		for (k = 0; k < t->agencies[i].nkeys; k++)
			sig_pubkey_free(t->agencies[i].keys[k].pub);
	free(t->agencies);
	for (i = 0; i < t->ngroups; i++)
		free(t->groups[i].members);
	free(t->groups);
	memset(t, 0, sizeof(*t));
}

const struct trust_agency *
trust_agency(const struct trust *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->nagencies; i++)
		if (strcmp(t->agencies[i].id, id) == 0)
			return &t->agencies[i];
	return NULL;
}

const struct trust_group *
trust_group(const struct trust *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ngroups; i++)
		if (strcmp(t->groups[i].name, name) == 0)
			return &t->groups[i];
	return NULL;
}

int
trust_is_member(const struct trust_group *g, const char *agency)
{
	size_t i;

	if (g == NULL)
		return 0;
	for (i = 0; i < g->nmembers; i++)
		if (strcmp(g->members[i], agency) == 0)
			return 1;
	return 0;
}

int
trust_find_key(const struct trust *t, const char *origin,
    const uint8_t key_id[KEY_ID_LEN], uint64_t at_ms,
    const struct sig_pubkey **pub)
{
	const struct trust_agency	*a;
	const struct trust_key		*k;
	size_t				 i;

	*pub = NULL;
	if ((a = trust_agency(t, origin)) == NULL)
		return LCN_EORIGIN;
	for (i = 0; i < a->nkeys; i++) {
		k = &a->keys[i];
		if (CRYPTO_memcmp(sig_pubkey_id(k->pub), key_id,
		    KEY_ID_LEN) != 0)
			continue;
		if (k->valid_from_ms != 0 && at_ms < k->valid_from_ms)
			continue;
		if (k->valid_until_ms != 0 && at_ms > k->valid_until_ms)
			continue;
		*pub = k->pub;
		return 0;
	}
	return LCN_EKEY;
}

int
trust_check_feed(const struct trust *t, const char *origin,
    const char *group)
{
	const struct trust_group *g;

	if ((g = trust_group(t, group)) == NULL)
		return LCN_EGROUP;
	if (!trust_is_member(g, origin) || !trust_is_member(g, t->self))
		return LCN_ENOTMEMBER;
	return 0;
}
