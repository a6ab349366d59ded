/*
 * Private to the screening index (screen.c, check.c, screen_import.c,
 * screen_mark.c): its rows, encoded and decoded. A row of sparty is one
 * name of one party, with the party's display fields and the name's
 * normalised tokens; a record of srecs is a denial or alert with the
 * ledger entries that made it, which record_load() decodes and whose
 * state at a given time it computes (domain.h). The layouts are in the
 * comment at the top of screen.c. Nothing here writes LMDB.
 */
#ifndef LCN_SCREEN_ROW_H
#define LCN_SCREEN_ROW_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "names.h"
#include "screen.h"

/* sparty ids of imported lists have the top bit set; the ledger's do not. */
#define LIST_ID_BIT	0x8000000000000000ull
#define ROW_MAX		8192	/* an encoded sparty row */
#define REC_KEY_MAX	(AGENCY_ID_MAX + 1 + SCREEN_REF_MAX)

/* One name of one party: a sparty row, decoded. */
struct row {
	uint8_t		 source;
	uint8_t		 role;
	uint32_t	 feedno;
	uint64_t	 seq;
	char		 origin[AGENCY_ID_MAX + 1];
	char		 list[48];
	char		 ref[SCREEN_REF_MAX + 1];
	char		 name[SCREEN_NAME_MAX + 1];
	char		 matched[SCREEN_NAME_MAX + 1];
	char		 country[3];
	char		 ident[64];	/* first identifier, for qualifying */
	struct name_norm norm;
};

/*
 * Encodes r into buf; returns the length, or 0 if it needs more than cap
 * bytes.
 */
size_t	row_encode(const struct row *r, uint8_t *buf, size_t cap);
/*
 * Decodes a sparty value into *out; 0, or LCN_ESTORE (logged, *out
 * zeroed) if it is corrupt.
 */
int	row_decode(const void *data, size_t len, struct row *out);

/* A party's first identifier (registration or document number), or NULL. */
const char *party_first_ident(const Lcn__Party *);

/*
 * The srecs key of origin/ref: origin NUL ref (the ref cut at
 * SCREEN_REF_MAX), into out (REC_KEY_MAX + 1 bytes). Returns its length.
 */
size_t	record_key(const char *origin, const char *ref, uint8_t *out);
/*
 * The reverse: origin and ref of an srecs key, into arrays of
 * AGENCY_ID_MAX + 1 and SCREEN_REF_MAX + 1 bytes. 0, or LCN_ESTORE if the
 * key has no NUL or a part too long.
 */
int	record_key_parse(const void *key, size_t len, char *origin,
	    char *ref);

/* Views of one DenialNotice (or amendment) for domain.c. */
struct denial_view {
	struct domain_denial	 d;
	const char		*controls[REPEATED_MAX];
	struct domain_party	 parties[REPEATED_MAX];
};

struct alert_view {
	struct domain_alert	a;
	struct domain_party	party;
};

/* A record with its entries decoded and its state at some time. */
struct record {
	uint8_t			 source;
	char			 origin[AGENCY_ID_MAX + 1];
	uint32_t		 feedno;
	uint64_t		 seq;
	Lcn__Entry		*base;
	Lcn__Entry		**upd;
	size_t			 nupd;
	struct denial_view	*dv;		/* base, then one per update */
	struct alert_view	*av;
	struct domain_denial_update *du;
	struct domain_alert_update *au;
	struct domain_denial_status dst;
	struct domain_alert_status ast;
	int			 active;
	const char		*state;
};

/*
 * Loads the record origin/ref and computes its state at now_ms. A record
 * whose notice or alert is unknown, or whose rules fail, counts as active
 * (fail safe: a missed denial is worse than a spurious one) with state
 * "unknown". 0, LCN_ENOTFOUND (no such record, or a corrupt one),
 * LCN_ENOMEM, LCN_ESTORE. r is freed with record_free() after 0 and
 * needs nothing after an error.
 */
int	record_load(struct store *, MDB_txn *, const char *origin,
	    const char *ref, uint64_t now_ms, struct record *r);
void	record_free(struct record *);

#endif
