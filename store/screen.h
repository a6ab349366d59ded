/*
 * The screening index behind `lcn screen` and `lcn check`: every
 * party of every DenialNotice and EndUserAlert in the ledger, and every
 * party of a public list imported locally, indexed by the candidate keys of
 * its normalised names (names.h), in LMDB sub-databases of the ledger's
 * environment. A query normalises the name, collects candidates through
 * the keys, scores them (match.h) and keeps those whose record is active
 * (domain.h) at the given time.
 * The ledger commits entries first and the index follows (screen_mark.c),
 * so a node catching up spends its CPU on signatures.
 *
 * It is part of store/: nothing here hands out LMDB types. Functions that
 * write run on the store's writer thread; the name tables are single-
 * threaded, so queries run there too.
 */
#ifndef LCN_SCREEN_H
#define LCN_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "lists.h"
#include "store.h"

#define SCREEN_REF_MAX		128
#define SCREEN_NAME_MAX		256	/* names kept for display */
#define SCREEN_WHY_MAX		512
#define SCREEN_LIMIT_MAX	1000
/*
 * Candidate generation per query: distinct ids collected, postings read
 * (rarest keys first), and ids scored, the best-connected first.
 */
#define SCREEN_CANDIDATES_MAX	5000
#define SCREEN_POSTINGS_MAX	30000
#define SCREEN_SCORED_MAX	48

enum screen_source {
	SCREEN_DENIAL = 1,	/* a party of a partner's DenialNotice */
	SCREEN_ALERT,		/* the party of an EndUserAlert */
	SCREEN_LIST,		/* a party of an imported public list */
};

struct screen_hit {
	enum screen_source source;
	char		 agency[AGENCY_ID_MAX + 1];	/* origin; "" for lists */
	char		 list[48];		/* list name, SCREEN_LIST */
	char		 ref[SCREEN_REF_MAX + 1];	/* the record's ref */
	int		 role;			/* lcn.proto PartyRole */
	char		 name[SCREEN_NAME_MAX + 1];	/* the party's name */
	char		 matched[SCREEN_NAME_MAX + 1];	/* name or alias hit */
	char		 country[3];
	double		 score;			/* [0,1] */
	char		 why[SCREEN_WHY_MAX + 1];
	const char	*state;			/* "active", "revoked", ... */
	struct feed_id	 feed;			/* the entry; lists: zero */
	uint64_t	 seq;
};

/*
 * Loads the name tables (tables_dir, or NULL for the default) and turns
 * indexing on: from now on entries appended are indexed by
 * store_screen_catch_up(), or by the next query. Call once after
 * store_open on a read-write store. Returns 0, or the error of
 * nametables_load with the reason in errbuf.
 */
int	store_screen_enable(struct store *, const char *tables_dir,
	    char *errbuf, size_t errbufsz);
/*
 * Turns indexing off and frees the index's memory (not its tables).
 * Must be called before store_close on a store where it was enabled;
 * a no-op where it was not.
 */
void	store_screen_disable(struct store *);

/*
 * Entries are indexed after the ledger commits them, in steps of at most
 * max entries (0: all) per transaction: this indexes one step and sets
 * *pending to the entries still waiting. store_screen() and store_check()
 * run it to the end first. 0, LCN_EINVAL (not enabled), LCN_EFULL or
 * LCN_ESTORE.
 */
#define SCREEN_CATCH_UP_STEP	1024
/* Entries indexed per transaction, a step taking several (screen_mark.c). */
#define SCREEN_TXN_ENTRIES	128
/*
 * And fewer when the rows they write reach this many (their names' key
 * postings and the records' derived rows, heads attestations' receipts
 * among them): a transaction ends after the entry that reaches it
 * (screen_mark.c).
 */
#define SCREEN_TXN_ROWS		1024
int	store_screen_catch_up(struct store *, uint64_t max, uint64_t *pending);
/*
 * One transaction of store_screen_catch_up(): at most SCREEN_TXN_ENTRIES
 * entries, fewer if their rows reach SCREEN_TXN_ROWS. Same
 * returns.
 */
int	store_screen_catch_up_txn(struct store *, uint64_t *pending);
/* Entries the ledger holds that the index does not yet. */
int	store_screen_pending(struct store *, uint64_t *pending);

/*
 * Ranked matches for name: at most limit hits with score >= min_score,
 * best first, among active records at now_ms (all records if
 * include_inactive). country (ISO alpha-2) and ident (a registration or
 * document number), either may be NULL, qualify the query: the same
 * identifier as a party's lifts the score most of the way to 1. *out is
 * freed by the caller with free(). Returns 0, LCN_EINVAL
 * (indexing not enabled, or the name has no letter or digit), LCN_EPROTO
 * (name too long or not UTF-8) or LCN_ESTORE.
 */
int	store_screen(struct store *, const char *name, const char *country,
	    const char *ident, double min_score, size_t limit,
	    uint64_t now_ms, int include_inactive, struct screen_hit **out,
	    size_t *n);

/*
 * Starts rebuilding the ledger part of the index from the entries alone
 * (imported lists are kept): the old rows are dropped and every entry
 * indexed again by store_screen_catch_up() steps, and queries meanwhile
 * wait for the rebuild as for any catch-up. *entries gets the number of
 * entries to index again. 0, LCN_EINVAL (not enabled), LCN_EFULL or
 * LCN_ESTORE.
 */
int	store_reindex(struct store *, uint64_t *entries);

/*
 * Imports a public screening list (lists.h) as local reference parties,
 * replacing an earlier import of the same format: list_parse() and every
 * store_import_step() (screen_import.h) in turn. Queries see the earlier
 * import until the new one is complete; on an error they go on seeing
 * it. Never published to partners. progress (may be NULL) is called as
 * the file is read. Returns 0 or the error of list_read (with the reason
 * in errbuf), LCN_EINVAL (not enabled, or another import running),
 * LCN_ENOMEM, LCN_EFULL or LCN_ESTORE.
 */
int	store_import_list(struct store *, enum list_format, const char *path,
	    void (*progress)(uint64_t done, uint64_t total, void *),
	    void *arg, struct list_stats *stats, char *errbuf,
	    size_t errbufsz);

#endif
