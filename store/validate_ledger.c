/*
 * validate.h's callbacks over the records' derived state (records.h),
 * and a publish request validated with them (validate_ledger.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "records.h"
#include "validate.h"
#include "validate_ledger.h"

struct ledger_arg {
	struct store	*s;
	const char	*self;
	uint64_t	 now_ms;
	const struct validate_footprint *const *busy;
	size_t		 nbusy;
	struct validate_footprint *mine;	/* or NULL */
	int		*conflict;
};

static int
has_kind(const struct validate_footprint *fp, int kind, unsigned year)
{
	size_t i;

	if (fp->all)
		return 1;
	for (i = 0; i < fp->nkinds; i++)
		if (fp->kinds[i].kind == kind && fp->kinds[i].year == year)
			return 1;
	return 0;
}

static int
ref_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Whether a busy publication may store ref (kind and year parsed from
 * it, or ref NULL: any ref of that kind and year).
 */
static int
busy_with(const struct ledger_arg *a, const char *ref, int kind,
    unsigned year)
{
	const struct validate_footprint	*fp;
	struct validate_ref		 vr;
	size_t				 i, j;

	for (i = 0; i < a->nbusy; i++) {
		fp = a->busy[i];
		if (has_kind(fp, kind, year))
			return 1;
		/* Sorted once validated: each body's ref a search, not a scan. */
		if (ref != NULL) {
			if (fp->nrefs > 0 && bsearch(&ref, fp->refs, fp->nrefs,
			    sizeof(*fp->refs), ref_cmp) != NULL)
				return 1;
			continue;
		}
		for (j = 0; j < fp->nrefs; j++) {
			if (validate_ref_parse(fp->refs[j],
			    &vr) == 0 && (int)vr.kind == kind &&
			    vr.year == year)
				return 1;
		}
	}
	return 0;
}

static int
note_ref(struct validate_footprint *fp, const char *ref)
{
	char	**nr;
	size_t	  cap;

	if (fp->nrefs == fp->cap) {
		cap = fp->cap ? fp->cap * 2 : 64;
		if ((nr = realloc(fp->refs, cap * sizeof(*nr))) == NULL)
			return LCN_ENOMEM;
		fp->refs = nr;
		fp->cap = cap;
	}
	if ((fp->refs[fp->nrefs] = strdup(ref)) == NULL)
		return LCN_ENOMEM;
	fp->nrefs++;
	return 0;
}

static void
note_kind(struct validate_footprint *fp, int kind, unsigned year)
{
	if (has_kind(fp, kind, year))
		return;
	if (fp->nkinds == sizeof(fp->kinds) / sizeof(fp->kinds[0])) {
		fp->all = 1;
		return;
	}
	fp->kinds[fp->nkinds].kind = kind;
	fp->kinds[fp->nkinds].year = year;
	fp->nkinds++;
}

void
validate_footprint_free(struct validate_footprint *fp)
{
	size_t i;

	if (fp == NULL)
		return;
	for (i = 0; i < fp->nrefs; i++)
		free(fp->refs[i]);
	free(fp->refs);
	memset(fp, 0, sizeof(*fp));
}

static int
ledger_lookup(void *arg, const char *ref, struct validate_record *rec)
{
	struct ledger_arg	*a = arg;
	struct validate_ref	 vr;
	struct record_show	 sh;
	int			 r;

	memset(rec, 0, sizeof(*rec));
	if (a->nbusy > 0 || a->mine != NULL) {
		if (validate_ref_parse(ref, &vr) != 0) {
			vr.kind = (enum validate_kind)-1;	/* exact only */
			vr.year = 0;
		}
		if (busy_with(a, ref, (int)vr.kind, vr.year)) {
			*a->conflict = 1;
			return LCN_EAGAIN;
		}
		if (a->mine != NULL && (r = note_ref(a->mine, ref)) != 0)
			return r;
	}
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

	if (a->nbusy > 0 && busy_with(a, NULL, (int)kind, year)) {
		*a->conflict = 1;
		return LCN_EAGAIN;
	}
	if (a->mine != NULL)
		note_kind(a->mine, (int)kind, year);
	return records_ref_max(a->s, a->self, validate_kind_code(kind), year,
	    highest);
}

int
validate_ledger_publish(struct store *s, const char *self, uint64_t now_ms,
    struct bytes *bodies, size_t n, char *errbuf, size_t errbufsz)
{
	int conflict = 0;

	return validate_ledger_publish_ahead(s, self, now_ms, bodies, n,
	    NULL, 0, NULL, &conflict, errbuf, errbufsz);
}

int
validate_ledger_publish_ahead(struct store *s, const char *self,
    uint64_t now_ms, struct bytes *bodies, size_t n,
    const struct validate_footprint *const *busy, size_t nbusy,
    struct validate_footprint *mine, int *conflict, char *errbuf,
    size_t errbufsz)
{
	struct ledger_arg	a = { s, self, now_ms, busy, nbusy, mine,
				    conflict };
	struct validate_ctx	ctx;
	struct validate_error	err;
	int			r;

	*conflict = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.self = self;
	ctx.now_ms = now_ms;
	ctx.lookup = ledger_lookup;
	ctx.highest = ledger_highest;
	ctx.arg = &a;
	if ((r = validate_publish(bodies, n, &ctx, &err)) != 0)
		snprintf(errbuf, errbufsz, "bodies[%zu]: %s", err.index,
		    err.message);
	if (mine != NULL && mine->nrefs > 1)
		qsort(mine->refs, mine->nrefs, sizeof(*mine->refs), ref_cmp);
	return r;
}
