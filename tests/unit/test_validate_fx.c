/*
 * The fixture of the validate*.c tests (test_validate_fx.h): the fake
 * ledger the ref callbacks answer from, the context each test starts
 * with, the valid bodies to change, and check().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "test_validate_fx.h"
#include "util.h"
#include "validate.h"


uint64_t
day(const char *s)
{
	uint64_t ms;

	assert_int_equal(date_parse_day(s, &ms), 0);
	return ms;
}

/* The ledger the callbacks answer from: refs with their records. */
struct fake_rec {
	const char		*ref;
	struct validate_record	 rec;
};
static struct fake_rec	fake[8];
static size_t		nfake;
int			fake_fail;	/* lookup answers this error */
uint64_t		fake_highest;

static int
fake_lookup(void *arg, const char *ref, struct validate_record *rec)
{
	size_t i;

	(void)arg;
	if (fake_fail != 0)
		return fake_fail;
	for (i = 0; i < nfake; i++)
		if (strcmp(fake[i].ref, ref) == 0) {
			*rec = fake[i].rec;
			return 0;
		}
	return LCN_ENOTFOUND;
}

static int
fake_high(void *arg, enum validate_kind kind, unsigned year, uint64_t *h)
{
	(void)arg;
	*h = kind == VALIDATE_KIND_DN && year == 2026 ? fake_highest : 0;
	return 0;
}

void
fake_add(const char *ref, enum validate_kind kind, const char *group,
    uint64_t seq, int state)
{
	struct fake_rec *f = &fake[nfake++];

	memset(f, 0, sizeof(*f));
	f->ref = ref;
	f->rec.kind = kind;
	str_copy(f->rec.feed.origin, sizeof(f->rec.feed.origin), "JP-METI");
	str_copy(f->rec.feed.group, sizeof(f->rec.feed.group), group);
	f->rec.seq = seq;
	f->rec.state = state;
}

struct validate_ctx ctx;

int
setup(void **state)
{
	(void)state;
	nfake = 0;
	fake_fail = 0;
	fake_highest = 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.self = "JP-METI";
	ctx.now_ms = NOW_MS;
	ctx.lookup = fake_lookup;
	ctx.highest = fake_high;
	return 0;
}

void
denial_init(struct denial *d)
{
	lcn__entry__init(&d->e);
	lcn__denial_notice__init(&d->dn);
	lcn__handling__init(&d->h);
	lcn__item__init(&d->item);
	lcn__party__init(&d->party);
	lcn__reason__init(&d->reason);
	d->e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	d->e.denial_notice = &d->dn;
	d->dn.ref = "JP-METI/DN/2026/0001";
	d->h.tlp = LCN__TLP__TLP_AMBER;
	d->dn.handling = &d->h;
	d->dn.regime = "WA";
	d->dn.list_tier = "WA Sensitive List";
	d->dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	d->item.control_entry = "3A001.b.1";
	d->item.description = "MMIC power amplifier";
	d->items[0] = &d->item;
	d->dn.n_items = 1;
	d->dn.items = d->items;
	d->party.role = LCN__PARTY_ROLE__ROLE_END_USER;
	d->party.name = "Nanhai Hengtai Microwave Technology Co., Ltd.";
	d->party.country = "CN";
	d->parties[0] = &d->party;
	d->dn.n_parties = 1;
	d->dn.parties = d->parties;
	d->dn.destination_country = "CN";
	d->reason.code = LCN__REASON_CODE__REASON_MILITARY_END_USE;
	d->reasons[0] = &d->reason;
	d->dn.n_reasons = 1;
	d->dn.reasons = d->reasons;
	d->dn.decision_date_ms = day("2026-11-02");
}

void
alert_init(struct alert *a)
{
	lcn__entry__init(&a->e);
	lcn__end_user_alert__init(&a->a);
	lcn__party__init(&a->party);
	lcn__red_flag__init(&a->flag);
	a->e.body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	a->e.end_user_alert = &a->a;
	a->a.ref = "JP-METI/EUA/2026/0007";
	a->party.role = LCN__PARTY_ROLE__ROLE_AGENT;
	a->party.name = "Orion Gulf Trading FZE";
	a->party.country = "AE";
	a->a.party = &a->party;
	a->concerns[0] = LCN__CONCERN__CONCERN_PROCUREMENT_AGENT;
	a->concerns[1] = LCN__CONCERN__CONCERN_TRANSSHIPMENT;
	a->a.n_concerns = 2;
	a->a.concerns = a->concerns;
	a->a.via_country = "AE";
	a->flag.code = "KYC-FORWARDER";
	a->flags[0] = &a->flag;
	a->a.n_red_flags = 1;
	a->a.red_flags = a->flags;
	a->a.confidence_pct = 80;
	a->a.valid_from_ms = day("2026-11-03");
	a->a.valid_until_ms = day("2027-11-03");
}

void
control_init(struct control *c)
{
	lcn__entry__init(&c->e);
	lcn__control_status__init(&c->cs);
	c->e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	c->e.control_status = &c->cs;
	c->cs.ref = "JP-METI/CS/2026/0012";
	c->cs.regime = "WA";
	c->cs.control_entry = "3A001.b.12";
	c->cs.stage = LCN__CONTROL_STAGE__STAGE_IMPLEMENTED;
	c->cs.effective_date_ms = day("2026-12-15");
	c->cs.legal_instrument = "Annex I to Regulation (EU) 2021/821";
}

void
dupdate_init(struct dupdate *u, const char *denial_ref, int action)
{
	lcn__entry__init(&u->e);
	lcn__denial_update__init(&u->du);
	u->e.body_case = LCN__ENTRY__BODY_DENIAL_UPDATE;
	u->e.denial_update = &u->du;
	u->du.ref = "JP-METI/DU/2026/0001";
	u->du.denial_ref = (char *)denial_ref;
	u->du.action = action;
	u->du.reason = "End user ceased trading";
}

void
aupdate_init(struct aupdate *u, const char *alert_ref, int action)
{
	lcn__entry__init(&u->e);
	lcn__alert_update__init(&u->au);
	u->e.body_case = LCN__ENTRY__BODY_ALERT_UPDATE;
	u->e.alert_update = &u->au;
	u->au.ref = "JP-METI/AU/2026/0001";
	u->au.alert_ref = (char *)alert_ref;
	u->au.action = action;
	u->au.reason = "Further information from the field";
}

/* The body's bytes, as pbjson_body_encode() makes them (malloc'd). */
struct bytes
pack(const Lcn__Entry *e)
{
	struct bytes	b;
	uint8_t		*buf;

	b.len = lcn__entry__get_packed_size(e);
	assert_non_null(buf = malloc(b.len ? b.len : 1));
	lcn__entry__pack(e, buf);
	b.ptr = buf;
	return b;
}

/*
 * Validates e: expect NULL, it passes; else it is refused with exactly
 * that message and the field before its ": ".
 */
void
check(const Lcn__Entry *e, const char *expect)
{
	struct validate_error	err;
	struct bytes		b = pack(e);
	int			r;

	r = validate_body(b.ptr, b.len, &ctx, &err);
	free((void *)b.ptr);
	if (expect == NULL) {
		if (r != 0)
			fail_msg("refused: %s", err.message);
		assert_int_equal(err.code, 0);
		assert_string_equal(err.message, "");
		return;
	}
	assert_int_equal(r, LCN_EINVAL);
	assert_int_equal(err.code, LCN_EINVAL);
	assert_string_equal(err.message, expect);
	assert_int_equal(strncmp(err.message, err.field, strlen(err.field)),
	    0);
	assert_string_equal(err.message + strlen(err.field), strstr(expect,
	    ": "));
}
