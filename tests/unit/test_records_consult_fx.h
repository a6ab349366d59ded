/*
 * Test fixture shared by test_records_consult*.c, on the records' one
 * (test_records_fx.h): JP-METI and US-BIS in their pair group
 * JP-METI+US-BIS and the regime groups WA and EU; builders that sign a
 * consultation body as an agency in a group and derive it at once; the story of test_records_consult.c
 * (build); dumps of the consultations' tables; a copy of the ledger into
 * a second one, the consulted agency's feeds first. Checks fail the
 * calling test through cmocka.
 */
#ifndef LCN_TEST_RECORDS_CONSULT_FX_H
#define LCN_TEST_RECORDS_CONSULT_FX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "lcn.pb-c.h"

#include "records_consult.h"
#include "test_records_fx.h"

#define PAIR	"JP-METI+US-BIS"

#define DN_EU	"JP-METI/DN/2026/0001"
#define DN_WA	"JP-METI/DN/2026/0002"
#define CR1	"US-BIS/CR/2026/0001"
#define CR2	"US-BIS/CR/2026/0002"
#define CR3	"US-BIS/CR/2026/0003"

/*
 * cmocka setup and teardown: test_records_fx.h's fixture in groups WA,
 * EU and PAIR, data2 the consulted agency's ledger for copy_ledger().
 */
int	setup(void **state);
int	teardown(void **state);

/* The proposed transaction (3A001.b.1 to CN), after tx_init(). */
extern Lcn__Transaction tx;
void	tx_init(void);

void	pub_denial(struct fx *, const char *group, const char *ref,
	    uint64_t at);
void	pub_request(struct fx *, int who, const char *group, const char *ref,
	    const char *consulted, uint64_t deadline, uint64_t limit,
	    Lcn__SilenceMeaning silence, uint64_t at);
void	pub_reply(struct fx *, int who, const char *ref, const char *req,
	    Lcn__Position pos, uint64_t ext, uint64_t at);
void	pub_info(struct fx *, const char *ref, const char *req,
	    uint64_t deadline, uint64_t at);
void	pub_decision(struct fx *, const char *group, const char *ref,
	    const char *req, Lcn__Decision dec, int undercut, int notification,
	    const char *denial, uint64_t date, uint64_t at);
/* The state of consultation ref at at must be st. */
void	expect_state(struct fx *, const char *ref, uint64_t at,
	    enum consult_state st);
/* The whole story (test_records_consult.c's header), states checked. */
void	build(struct fx *);

/* Every row of the consultations' tables, length-prefixed. */
#define NCTABLES	5
extern const char *const ctables[NCTABLES];
void	dump_tables(const char *dir, struct dump *dp, size_t rows[NCTABLES],
	    int keys_too);
/* The open store's entries into dir's ledger, derived in one go. */
void	copy_ledger(struct fx *, const char *dir);

#endif
