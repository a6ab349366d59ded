/*
 * validate.h's callbacks over the records' derived state (records.h),
 * and a publish request validated with them (validate_ledger.h).
 */
#include <stdio.h>
#include <string.h>

#include "lcn_err.h"
#include "records.h"
#include "validate.h"
#include "validate_ledger.h"

struct ledger_arg {
	struct store	*s;
	const char	*self;
	uint64_t	 now_ms;
};

static int
ledger_lookup(void *arg, const char *ref, struct validate_record *rec)
{
	struct ledger_arg	*a = arg;
	struct validate_ref	 vr;
	struct record_show	 sh;
	int			 r;

	memset(rec, 0, sizeof(*rec));
	if ((r = records_ref_used(a->s, a->self, ref, &rec->feed,
	    &rec->seq)) != 0)
		return r;
	if (validate_ref_parse(ref, &vr) == 0)
		rec->kind = vr.kind;
	/* Only a denial or an alert has a state an update depends on. */
	if (rec->kind != VALIDATE_KIND_DN && rec->kind != VALIDATE_KIND_EUA)
		return 0;
	memset(&sh, 0, sizeof(sh));
	r = records_show(a->s, a->self, ref, a->now_ms, &sh);
	if (r == LCN_ENOTFOUND) {
		/* The ref is used, but by a body of another kind. */
		rec->kind = VALIDATE_KIND_NONE;
		return 0;
	}
	if (r != 0)
		return r;
	rec->kind = sh.info.kind == RECORD_DENIAL ? VALIDATE_KIND_DN :
	    VALIDATE_KIND_EUA;
	rec->feed = sh.info.feed;
	rec->seq = sh.info.seq;
	rec->state = sh.info.state_code;
	records_show_free(&sh);
	return 0;
}

static int
ledger_highest(void *arg, enum validate_kind kind, unsigned year,
    uint64_t *highest)
{
	struct ledger_arg *a = arg;

	return records_ref_max(a->s, a->self, validate_kind_code(kind), year,
	    highest);
}

int
validate_ledger_publish(struct store *s, const char *self, uint64_t now_ms,
    struct bytes *bodies, size_t n, char *errbuf, size_t errbufsz)
{
	struct ledger_arg	a = { s, self, now_ms };
	struct validate_ctx	ctx;
	struct validate_error	err;
	int			r;

	memset(&ctx, 0, sizeof(ctx));
	ctx.self = self;
	ctx.now_ms = now_ms;
	ctx.lookup = ledger_lookup;
	ctx.highest = ledger_highest;
	ctx.arg = &a;
	if ((r = validate_publish(bodies, n, &ctx, &err)) != 0)
		snprintf(errbuf, errbufsz, "bodies[%zu]: %s", err.index,
		    err.message);
	return r;
}
