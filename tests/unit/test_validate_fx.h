/*
 * Test fixture shared by the tests of validate*.c (test_validate*.c): a
 * fake ledger answering the ref callbacks, a validate_ctx reset before
 * each test (setup), valid bodies of each record type for a test to
 * change, and check(), which validates a body and expects it to pass or
 * to be refused with exactly one message. Checks fail the calling test
 * through cmocka.
 */
#ifndef LCN_TEST_VALIDATE_FX_H
#define LCN_TEST_VALIDATE_FX_H

#include <stddef.h>
#include <stdint.h>

#include "lcn.pb-c.h"

#include "util.h"
#include "validate.h"

/* 2026-12-03T00:00:00Z */
#define NOW_MS		1796256000000ull
#define DAY_MS		86400000ull

/* A valid denial (README's), each part of it open to a test's change. */
struct denial {
	Lcn__Entry		 e;
	Lcn__DenialNotice	 dn;
	Lcn__Handling		 h;
	Lcn__Item		 item, *items[1];
	Lcn__Party		 party, *parties[1];
	Lcn__Reason		 reason, *reasons[1];
};

/* A valid alert (README's). */
struct alert {
	Lcn__Entry		 e;
	Lcn__EndUserAlert	 a;
	Lcn__Party		 party;
	Lcn__Concern		 concerns[2];
	Lcn__RedFlag		 flag, *flags[1];
};

struct control {
	Lcn__Entry		 e;
	Lcn__ControlStatus	 cs;
};

struct dupdate {
	Lcn__Entry		 e;
	Lcn__DenialUpdate	 du;
};

struct aupdate {
	Lcn__Entry		 e;
	Lcn__AlertUpdate	 au;
};

extern struct validate_ctx	ctx;		/* what setup() made */
extern int			fake_fail;	/* lookup answers this error */
extern uint64_t			fake_highest;	/* highest DN number of 2026 */

/* A "YYYY-MM-DD" day in ms since the epoch; fails the test if invalid. */
uint64_t	day(const char *s);
/* Puts a record of JP-METI's feed group under ref into the fake ledger. */
void		fake_add(const char *ref, enum validate_kind kind,
		    const char *group, uint64_t seq, int state);
/* cmocka setup: an empty fake ledger, ctx for JP-METI at NOW_MS. */
int		setup(void **state);
void		denial_init(struct denial *);
void		alert_init(struct alert *);
void		control_init(struct control *);
void		dupdate_init(struct dupdate *, const char *denial_ref,
		    int action);
void		aupdate_init(struct aupdate *, const char *alert_ref,
		    int action);
/* The body's bytes, as pbjson_body_encode() makes them (malloc'd). */
struct bytes	pack(const Lcn__Entry *e);
/*
 * Validates e: expect NULL, it passes; else it is refused with exactly
 * that message and the field before its ": ".
 */
void		check(const Lcn__Entry *e, const char *expect);

#endif
