/*
 * The ledger store: the only code that touches LMDB. It holds every feed
 * (origin, group) as a hash-chained, Merkle-rooted sequence of signed
 * entries (PROTOCOL.md section 3), the feeds' heads and compact ranges, and
 * equivocation evidence. It exposes append, verify and query functions,
 * never transactions.
 *
 * Threads: every function that writes must be called from one thread (the
 * daemon's loop thread). Readers may be called from that thread too. All
 * data handed out is copied; nothing points into the map after return.
 * Durability: a write function returns 0 only after its transaction has
 * committed with sync on, so a caller may announce what it stored.
 */
#ifndef LCN_STORE_H
#define LCN_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "entry.h"
#include "lcn_limits.h"

struct store;
struct trust;
struct sig_key;

struct store_opts {
	const char	*dir;		/* created if missing (read-write) */
	uint64_t	 map_size;	/* bytes; 0: STORE_MAP_SIZE_DEFAULT */
	int		 read_only;
};

#define STORE_MAP_SIZE_DEFAULT	(64ull << 30)

/*
 * Opens (read-write: creates, mode 0700) the ledger in opts->dir. Calls
 * hash_init(). 0, LCN_EIO (directory missing or unusable, or no ledger in
 * it when read-only), LCN_ECRYPTO, LCN_ENOMEM or LCN_ESTORE (LMDB, or an
 * unknown format version). errbuf gets the reason.
 */
int	store_open(const struct store_opts *, struct store **out,
	    char *errbuf, size_t errbufsz);
void	store_close(struct store *);	/* NULL is a no-op */

struct feed_state {
	struct feed_id	feed;
	uint64_t	seq;			/* head; 0: empty */
	uint8_t		hash[HASH_LEN];		/* leaf hash of seq */
	uint8_t		root[HASH_LEN];		/* RFC 9162 root of 1..seq */
	uint64_t	verified;		/* every signature <= this checked */
	int		frozen;			/* equivocation seen */
	uint64_t	frozen_seq;		/* the forked seq */
};

/*
 * Zeroed state (seq 0, empty-tree root) for an unknown feed; 0, LCN_EINVAL
 * (not an agency id or group name) or LCN_ESTORE.
 */
int	store_feed(struct store *, const char *origin, const char *group,
	    struct feed_state *out);
/* Every feed, in key order; *out is freed by the caller with free(). */
int	store_feeds(struct store *, struct feed_state **out, size_t *n);

enum store_verify {
	STORE_VERIFY_ALL,	/* check every signature before committing */
	STORE_VERIFY_LAST,	/* check the last; chain covers the rest */
};

struct append_result {
	uint64_t	accepted;	/* new entries stored */
	uint64_t	duplicates;	/* already held, identical */
	uint64_t	bad_seq;	/* first failing seq, 0 if none */
	char		reason[256];	/* of the failure */
	/* On LCN_EFORK: the entry held and the one offered, both raw. */
	uint8_t		*fork_held, *fork_offered;
	size_t		 fork_held_len, fork_offered_len;
	struct feed_state head;		/* after the call */
};

void	append_result_free(struct append_result *);

/*
 * Appends signed entries of one feed, first_seq onward, after every check
 * of PROTOCOL.md section 3.9: each decodes within limits, origin and group
 * match the feed, origin is a known agency whose key was valid at
 * created_ms, the group is known with origin and this node as members,
 * seq numbers are contiguous from head+1, prev_hash and prev_root match,
 * and signatures verify (all, or the last one with STORE_VERIFY_LAST; the
 * feed's verified mark then stays below the new entries until
 * store_mark_verified()). Entries at or below the head are compared with
 * those held: identical ones count as duplicates; a different one with a
 * valid signature is an equivocation: evidence is stored, the feed frozen
 * and LCN_EFORK returned. All new entries go in one transaction: either
 * the whole batch is stored or none of it. With STORE_VERIFY_ALL the
 * verified mark follows the head only if it was at the head before (it
 * means "every signature up to here checked").
 *
 * On failure res->bad_seq and res->reason say which entry and why, and
 * nothing of the batch is stored; on LCN_EFORK only the evidence is (the
 * caller frees res->fork_* with append_result_free()). An entry of another
 * feed, or whose seq is not first_seq plus its index, is LCN_EPROTO.
 *
 * Returns 0, LCN_EPROTO, LCN_EORIGIN, LCN_EKEY, LCN_EGROUP,
 * LCN_ENOTMEMBER, LCN_EGAP, LCN_ECHAIN, LCN_EROOT, LCN_EBADSIG, LCN_EFORK,
 * LCN_EFROZEN, LCN_EFULL or LCN_ESTORE, with res filled either way.
 */
int	store_append(struct store *, const struct trust *,
	    const struct feed_id *, uint64_t first_seq,
	    const struct bytes *signed_entries, size_t n, enum store_verify,
	    struct append_result *res);

/*
 * Signs and appends n new entries of this node's feed (trust->self,
 * group). Each body is the protobuf bytes of an Entry holding only its
 * body (see entry_encode_header). All n go in one transaction. Returns 0,
 * LCN_EGROUP, LCN_ENOTMEMBER, LCN_EKEY (the key is not one of trust->self's
 * keys valid at created_ms: partners would reject the entries),
 * LCN_EFROZEN, LCN_EPROTO (a body is invalid or sets a header field),
 * LCN_EFULL or LCN_ESTORE. res->head is the new head. Signing is
 * sequential by design (each entry's prev_hash covers the previous
 * signature), so the rate is that of one core's Ed25519 signing.
 */
int	store_publish(struct store *, const struct trust *,
	    const struct sig_key *, const char *group,
	    const struct bytes *bodies, size_t n, uint64_t created_ms,
	    struct append_result *res);

/*
 * store_publish() in three steps, so that signing, the only part that
 * must go one entry after another, can run on a thread of its own while
 * the caller prepares the next batch and commits the last one. A chain
 * is a feed's head as signing sees it: seq, leaf hash, root and compact
 * range. The same bodies signed onto the same head give the same bytes
 * as store_publish().
 *
 * store_chain_load: the head of this node's feed of group, after
 * store_publish()'s checks of the group and the key at created_ms. 0, or
 * LCN_EGROUP, LCN_ENOTMEMBER, LCN_EKEY, LCN_EFROZEN, LCN_ENOMEM or
 * LCN_ESTORE with res->reason set. Writer thread (it reads LMDB).
 *
 * store_chain_sign: signs n bodies onto c (seqs c's head + 1 onward) into
 * out[0..n-1] (new SignedEntry buffers the caller frees) and moves c to
 * the last of them; on error out is empty, c has not moved, and
 * res->bad_seq and res->reason say which body failed (LCN_EPROTO: too
 * large or sets a header field; LCN_ECRYPTO; LCN_ENOMEM). Touches no
 * LMDB: any thread, but one at a time per key (key holds its signing
 * context).
 *
 * store_chain_commit: stores out[0..n-1], signed from base to end, in one
 * transaction committed with sync, only if the feed's head is still
 * base's: LCN_ECHAIN otherwise (a batch before it was not stored), and
 * LCN_EFROZEN, LCN_EFULL or LCN_ESTORE as store_publish(). res->head is
 * the head after the call. Writer thread.
 */
struct store_chain;
int	store_chain_load(struct store *, const struct trust *,
	    const struct sig_key *, const char *group, uint64_t created_ms,
	    struct store_chain **out, struct append_result *res);
int	store_chain_sign(struct store_chain *c, const struct sig_key *,
	    uint64_t created_ms, const struct bytes *bodies, size_t n,
	    struct bytes *out, struct append_result *res);
int	store_chain_commit(struct store *, const struct store_chain *base,
	    const struct store_chain *end, const struct bytes *entries,
	    size_t n, struct append_result *res);
/* A copy (NULL without memory); _free(NULL) is a no-op. */
struct store_chain *store_chain_copy(const struct store_chain *);
void	store_chain_free(struct store_chain *);
const struct feed_id *store_chain_feed(const struct store_chain *);
uint64_t store_chain_seq(const struct store_chain *);

/*
 * Raises a feed's verified mark to upto (never lowers it, and never above
 * the head). Called after the pool has checked every signature of a
 * STORE_VERIFY_LAST batch. 0, LCN_EINVAL, LCN_ENOTFOUND (no such feed) or
 * LCN_ESTORE.
 */
int	store_mark_verified(struct store *, const struct feed_id *,
	    uint64_t upto);

/*
 * Group commit: store_append() and store_mark_verified() calls made
 * between store_group_begin() and store_group_commit() each run in a
 * transaction nested in the group's, so that one refused batch leaves
 * the others, and the group is written and synced to disk once, at
 * store_group_commit(). Nothing the group holds is durable, or seen by
 * other readers, before that returns 0: the caller announces nothing of
 * it until then. While a group is open, store_feed() reads the group's
 * view and no other store call may be made (one writer, one thread).
 * store_group_commit() returns 0, LCN_EFULL or LCN_ESTORE (then nothing
 * of the group is stored); either way the group is closed.
 * store_group_abort() drops the group (no-op if none is open).
 */
int	store_group_begin(struct store *);
int	store_group_commit(struct store *);
void	store_group_abort(struct store *);

/*
 * Records an equivocation proof received from a peer after checking that
 * both entries are validly signed by the feed's origin, name the same feed
 * and seq, and differ (as signed Entry bytes). Freezes the feed, even one
 * not held yet. *feed and *seq name it on 0 and LCN_EDUP. 0, LCN_EDUP
 * (already known), LCN_EPROTO, LCN_EBADSIG, LCN_EKEY, LCN_EORIGIN,
 * LCN_EGROUP or LCN_ENOTMEMBER (not a feed this node may hold),
 * LCN_ESTORE.
 */
int	store_add_equivocation(struct store *, const struct trust *,
	    const struct bytes *first, const struct bytes *second,
	    struct feed_id *feed, uint64_t *seq);

struct fork_record {
	struct feed_id	 feed;
	uint64_t	 seq;
	uint64_t	 detected_ms;
	uint8_t		*first, *second;	/* raw SignedEntry, owned */
	size_t		 first_len, second_len;
};

/* All stored equivocation proofs; free with store_forks_free(). */
int	store_forks(struct store *, struct fork_record **out, size_t *n);
void	store_forks_free(struct fork_record *, size_t n);

/* A run of consecutive raw signed entries copied out of the ledger. */
struct store_range {
	uint64_t	 first_seq;
	struct bytes	*items;		/* point into buf */
	size_t		 nitems;
	uint8_t		*buf;		/* owned */
	size_t		 bytes;		/* sum of item lengths */
};

/*
 * Reads entries from..to (inclusive) of a feed, stopping before max_bytes
 * would be exceeded (at least one entry is returned if any exists) or at
 * max_items; 0 means no limit for either. from 0 reads from 1; to is
 * clamped to the head. An empty range (nitems 0) if from is past the head
 * or the feed is not held. items and buf are allocated (buf holds the
 * entries back to back, items point into it); free both with
 * store_range_free(). 0, LCN_EINVAL (bad feed id), LCN_ENOMEM or
 * LCN_ESTORE.
 */
int	store_read(struct store *, const struct feed_id *, uint64_t from,
	    uint64_t to, size_t max_bytes, size_t max_items,
	    struct store_range *out);
void	store_range_free(struct store_range *);

/* Sums for lcn verify and status. */
struct store_stats {
	uint64_t	feeds;
	uint64_t	entries;
	uint64_t	forks;
	uint64_t	map_used;	/* bytes */
	uint64_t	map_size;
};
int	store_stats(struct store *, struct store_stats *);

/*
 * Re-checks a whole ledger, as `lcn verify` does: every entry decodes, every
 * signature verifies against the key recorded for its key id (the store
 * records each origin's public key when it first accepts an entry signed
 * with it), every prev_hash chain and prev_root holds, and each feed's
 * stored head and root match a recomputation. Works on a read-only store.
 * Each fault is reported through the callback (may be NULL). A changed
 * entry makes every later prev_root of its feed mismatch: the first is
 * reported, the rest counted in faults and reported once as a sum. Returns
 * 0 if there is none, LCN_EINVAL if any was found, LCN_ESTORE on read
 * failure. Single-threaded: about one Ed25519 verification per entry.
 */
struct verify_report {
	uint64_t	feeds;
	uint64_t	entries;
	uint64_t	signatures;	/* checked */
	uint64_t	faults;
	uint64_t	forks;
};
typedef void (*store_fault_fn)(void *arg, const struct feed_id *,
    uint64_t seq, const char *what);
int	store_verify(struct store *, struct verify_report *,
	    store_fault_fn, void *arg);

#endif
