/*
 * Test fixture shared by the records' tests (test_records.c and, through
 * test_records_consult_fx.h, test_records_consult*.c): two agencies,
 * JP-METI and US-BIS, each with its own signing key and a trust of both
 * in the groups the test names, a store in a temporary directory, an
 * entry signed and derived in one call, and a dump of derived tables
 * for comparing two ledgers byte for byte. Checks fail the calling test
 * through cmocka.
 */
#ifndef LCN_TEST_RECORDS_FX_H
#define LCN_TEST_RECORDS_FX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lcn.pb-c.h"

#include "sig.h"
#include "store.h"
#include "trust.h"

#define T0	1793610000000ull		/* 2026-11-02T09:00:00Z */
#define DAY	86400000ull

enum { JP, US, NAGENCIES };
/* "JP-METI", "US-BIS": indexed by JP and US. */
extern const char *const agency_ids[NAGENCIES];

struct fx {
	char		 tmp[64];
	char		 data[PATH_MAX];	/* the ledger, tmp/data */
	char		 data2[PATH_MAX];	/* a second one, if used */
	struct store	*st;			/* open on data */
	struct trust	 trust[NAGENCIES];	/* self: each agency */
	struct sig_key	*key[NAGENCIES];
	int		 step;			/* pub() derives at once;
						   1 by fx_new() */
};

/*
 * A fresh fixture in /tmp/lcn-test-TAG-XXXXXX: both agencies' keys, a
 * trust for each (self first) whose groups are groups[], both agencies
 * members of every one, and a store open on data with the records'
 * tables derived. fx_free() closes the store if open and removes the
 * directory; it returns 0, or -1 if the directory could not be removed.
 */
struct fx *fx_new(const char *tag, const char *const *groups,
	    size_t ngroups);
int	fx_free(struct fx *);
/* Opens (derived tables enabled) or closes x->st on dir. */
void	fx_open(struct fx *, const char *dir);
void	fx_close(struct fx *);

/* Signs e as agency who in group at created, then derives it if step. */
void	pub(struct fx *, int who, const char *group, Lcn__Entry *e,
	    uint64_t created);

/* Rows of derived tables, each key and value length-prefixed. */
struct dump {
	uint8_t	*buf;
	size_t	 len, cap;
};
/*
 * Every row of tables[] in dir's ledger (closed), table by table, by a
 * cursor walk: the table's name, then each key and value, rows[i] the
 * count of table i. The keys of the table named no_keys (NULL: none) are
 * left out, its values and count kept. dp->buf is malloc'd.
 */
void	dump_tables_of(const char *dir, const char *const *tables,
	    size_t ntables, const char *no_keys, struct dump *dp,
	    size_t *rows);

#endif
