/*
 * Test fixture shared by the ledger tests (test_ledger*.c): a store in a
 * temporary directory with a trust directory of three agencies and four
 * groups, feeds built and signed as their origin builds them, and the
 * rejection contract (nothing moved) checked after every refusal.
 */
#ifndef LCN_TEST_LEDGER_FX_H
#define LCN_TEST_LEDGER_FX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "hash.h"
#include "merkle.h"
#include "store.h"
#include "test_tmpdir.h"
#include "trust.h"
#include "util.h"


#define T0		1700000000000ull	/* created_ms of test entries */
#define BODY_PAD	300

struct fx {
	char		 tmp[TEST_TMPDIR_MAX];	/* removed at teardown */
	char		 data[PATH_MAX];	/* the data directory */
	struct store	*st;
	struct trust	 trust;
	struct sig_key	*self, *us, *us_old, *de, *rogue, *ghost;
};

/* A feed as its origin builds it. */
struct chain {
	struct feed_id		feed;
	uint64_t		seq;
	uint8_t			hash[HASH_LEN];
	struct merkle_range	range;
	const struct sig_key	*key;
	uint64_t		created_ms;
	const char		*tag;		/* goes into each body's ref */
};

enum mut { MUT_NONE, MUT_BADSIG, MUT_PREV_HASH, MUT_PREV_ROOT };


/*
 * cmocka setup and teardown: *state becomes a struct fx whose tmp holds
 * six fresh keys and an open store in data. The trust directory:
 * JP-METI (this node, key self), US-BIS (us, and us_old valid only from 1
 * to 1000 ms), DE-BAFA (de); groups WA (all three), NSG (DE-BAFA and
 * US-BIS: not this node), MTCR (JP-METI and US-BIS), AG (JP-METI, US-BIS
 * and XX-GHOST, an agency nobody configured). rogue and ghost are keys
 * no agency holds.
 */
int	fx_setup(void **state);
int	fx_teardown(void **state);

/* Opens x->data into x->st; returns store_open's result. */
int	fx_open(struct fx *x);

/* An Entry holding only a ControlStatus body with ref TAG/CS/N, packed. */
size_t	make_body(uint8_t *out, size_t outsz, const char *tag, uint64_t n,
	    size_t pad);

void	chain_init(struct chain *c, const char *origin, const char *group,
	    const struct sig_key *k);
/* The next entry of c, possibly spoiled; c advances past it either way. */
struct bytes chain_next(struct chain *c, enum mut mut);
/* The next n entries of c, unspoiled. */
void	chain_batch(struct chain *c, struct bytes *out, size_t n);
void	free_batch(struct bytes *b, size_t n);
/* A second, validly signed entry for seq of a feed whose head is past it. */
struct bytes fork_entry(const struct chain *c0, uint64_t seq,
	    const char *tag);

/* store_append of c's feed with the fixture's trust. */
int	fx_append(struct fx *x, const struct chain *c, uint64_t first,
	    const struct bytes *b, size_t n, enum store_verify mode,
	    struct append_result *res);
/* Appends n (at most 64) fresh entries of c and checks they went in. */
void	fx_grow(struct fx *x, struct chain *c, size_t n);
/* Entries held in the whole store. */
uint64_t fx_entries_held(struct fx *x);
/*
 * The rejection contract: res says nothing was accepted, the head, root
 * and verified mark are what they were, no entry beyond the head can be
 * read, and the table holds no more entries than before.
 */
void	fx_assert_nothing_moved(struct fx *x, const struct feed_id *f,
	    const struct feed_state *before, uint64_t held_before,
	    const struct append_result *res);
/*
 * Offers b (n entries from first) and expects rejection with code at
 * bad_seq, with nothing stored.
 */
void	fx_expect_reject(struct fx *x, const struct feed_id *f,
	    uint64_t first, const struct bytes *b, size_t n,
	    enum store_verify mode, int code, uint64_t bad_seq);

#endif
