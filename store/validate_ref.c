/*
 * Refs (validate.h): their syntax "<AGENCY>/<KIND>/<YEAR>/<NNNN>", the
 * kind of record each body's ref names, the next ref of a kind, and the
 * checks of a body's own ref (this node's namespace, never used before)
 * and of the record an update names (this node's, and known).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "util.h"
#include "validate.h"
#include "validate_int.h"

static const struct {
	const char	*code;
	const char	*what;		/* for messages */
} kinds[VALIDATE_KIND_COUNT] = {
	[VALIDATE_KIND_NONE] = { "", "record" },
	[VALIDATE_KIND_DN] = { "DN", "denial" },
	[VALIDATE_KIND_DU] = { "DU", "denial update" },
	[VALIDATE_KIND_CR] = { "CR", "consultation request" },
	[VALIDATE_KIND_RP] = { "RP", "consultation reply" },
	[VALIDATE_KIND_LD] = { "LD", "licence decision" },
	[VALIDATE_KIND_EUA] = { "EUA", "end-user alert" },
	[VALIDATE_KIND_AU] = { "AU", "alert update" },
	[VALIDATE_KIND_CS] = { "CS", "control status" },
	[VALIDATE_KIND_CI] = { "CI", "consultation information" },
};

const char *
validate_kind_code(enum validate_kind k)
{
	return k > 0 && k < VALIDATE_KIND_COUNT ? kinds[k].code : "";
}

static const char *
kind_what(enum validate_kind k)
{
	return k > 0 && k < VALIDATE_KIND_COUNT ? kinds[k].what : "record";
}

enum validate_kind
validate_kind_parse(const char *code)
{
	int k;

	for (k = 1; code != NULL && k < VALIDATE_KIND_COUNT; k++)
		if (strcmp(code, kinds[k].code) == 0)
			return (enum validate_kind)k;
	return VALIDATE_KIND_NONE;
}

enum validate_kind
validate_kind_of_body(int body_field)
{
	/* Entry's oneof field numbers, lcn.proto. */
	switch (body_field) {
	case 10:
		return VALIDATE_KIND_DN;
	case 11:
		return VALIDATE_KIND_DU;
	case 12:
		return VALIDATE_KIND_CR;
	case 13:
		return VALIDATE_KIND_RP;
	case 14:
		return VALIDATE_KIND_LD;
	case 15:
		return VALIDATE_KIND_EUA;
	case 16:
		return VALIDATE_KIND_AU;
	case 17:
		return VALIDATE_KIND_CS;
	case 19:
		return VALIDATE_KIND_CI;
	default:
		return VALIDATE_KIND_NONE;
	}
}

/* The n digits at s as a number, or -1 if any is not a digit. */
static int64_t
digits(const char *s, size_t n)
{
	int64_t	v = 0;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
validate_ref_parse(const char *ref, struct validate_ref *r)
{
	const char	*a, *b, *c;
	char		 code[4];
	int64_t		 y, num;
	size_t		 len;

	memset(r, 0, sizeof(*r));
	if (ref == NULL || strlen(ref) > VALIDATE_REF_MAX ||
	    (a = strchr(ref, '/')) == NULL || (b = strchr(a + 1, '/')) ==
	    NULL || (c = strchr(b + 1, '/')) == NULL)
		return LCN_EINVAL;
	if ((size_t)(a - ref) > AGENCY_ID_MAX || b - a - 1 < 2 ||
	    b - a - 1 > 3 || c - b - 1 != 4)
		return LCN_EINVAL;
	memcpy(r->agency, ref, (size_t)(a - ref));
	r->agency[a - ref] = '\0';
	memcpy(code, a + 1, (size_t)(b - a - 1));
	code[b - a - 1] = '\0';
	len = strlen(c + 1);
	if (!agency_id_valid(r->agency) ||
	    (r->kind = validate_kind_parse(code)) == VALIDATE_KIND_NONE ||
	    (y = digits(b + 1, 4)) < VALIDATE_YEAR_MIN ||
	    y > VALIDATE_YEAR_MAX || len < VALIDATE_REF_DIGITS_MIN ||
	    len > VALIDATE_REF_DIGITS_MAX || (num = digits(c + 1, len)) <= 0) {
		memset(r, 0, sizeof(*r));
		return LCN_EINVAL;
	}
	r->year = (unsigned)y;
	r->number = (uint64_t)num;
	return 0;
}

int
validate_ref_next(const char *self, enum validate_kind kind, unsigned year,
    uint64_t highest, char *out, size_t outsz)
{
	int n;

	if (outsz > 0)
		out[0] = '\0';
	if (self == NULL || !agency_id_valid(self) || kind <= 0 ||
	    kind >= VALIDATE_KIND_COUNT || year < VALIDATE_YEAR_MIN ||
	    year > VALIDATE_YEAR_MAX || highest >= 999999999ull)
		return LCN_EINVAL;
	n = snprintf(out, outsz, "%s/%s/%u/%04llu", self, kinds[kind].code,
	    year, (unsigned long long)(highest + 1));
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return LCN_EINVAL;
	}
	return 0;
}

/* "JP-METI/DN/2026/0001", the example of a ref of kind for self. */
static void
example(const struct vstate *v, enum validate_kind kind, char *out,
    size_t outsz)
{
	if (validate_ref_next(v->ctx->self, kind, vyear(v->ctx->now_ms) <
	    VALIDATE_YEAR_MIN ? VALIDATE_YEAR_MIN : vyear(v->ctx->now_ms), 0,
	    out, outsz) != 0)
		snprintf(out, outsz, "%s/%s/2026/0001", v->ctx->self,
		    validate_kind_code(kind));
}

static size_t
ref_hash(const char *ref)
{
	const unsigned char	*p = (const unsigned char *)ref;
	uint64_t		 h = 14695981039346656037ULL;	/* FNV-1a */

	while (*p != '\0')
		h = (h ^ *p++) * 1099511628211ULL;
	return (size_t)(h ^ h >> 32);
}

/* The slot of ref in v->slots: where it is, or the empty one to take. */
static size_t *
seen_slot(const struct vstate *v, const char *ref)
{
	size_t i, mask = v->nslots - 1;

	for (i = ref_hash(ref) & mask; v->slots[i] != 0; i = (i + 1) & mask)
		if (strcmp(v->seen[v->slots[i] - 1].ref, ref) == 0)
			break;
	return &v->slots[i];
}

/*
 * The request's earlier body that used or changed ref, or NULL: the
 * latest, as an update changes the state it recorded. A request holds
 * up to PUBLISH_BATCH_MAX bodies, so it is found by hash, not by a scan.
 */
static const struct validate_seen *
seen_find(const struct vstate *v, const char *ref)
{
	size_t *slot;

	if (v->nslots == 0)
		return NULL;
	slot = seen_slot(v, ref);
	return *slot != 0 ? &v->seen[*slot - 1] : NULL;
}

/* Makes room in v->slots for one more; 0 or LCN_ENOMEM. */
static int
slots_grow(struct vstate *v)
{
	size_t	*old = v->slots, i, n;

	if (v->nslots > 2 * (v->nseen + 1))
		return 0;
	n = v->nslots == 0 ? 64 : v->nslots * 2;
	if ((v->slots = calloc(n, sizeof(*v->slots))) == NULL) {
		v->slots = old;
		return LCN_ENOMEM;
	}
	v->nslots = n;
	/* In order, so that a later body's ref takes its slot over. */
	for (i = 0; i < v->nseen; i++)
		*seen_slot(v, v->seen[i].ref) = i + 1;
	free(old);
	return 0;
}

int
vseen_add(struct vstate *v, const char *ref, const struct validate_record *rec)
{
	struct validate_seen	*s;
	size_t			 cap;

	if (slots_grow(v) != 0)
		goto nomem;
	if (v->nseen == v->capseen) {
		cap = v->capseen == 0 ? 16 : v->capseen * 2;
		if ((s = realloc(v->seen, cap * sizeof(*s))) == NULL)
			goto nomem;
		v->seen = s;
		v->capseen = cap;
	}
	s = &v->seen[v->nseen++];
	memset(s, 0, sizeof(*s));
	str_copy(s->ref, sizeof(s->ref), ref);
	s->body = v->body;
	s->rec = *rec;
	*seen_slot(v, s->ref) = v->nseen;
	return 0;
 nomem:
	v->err->code = LCN_ENOMEM;
	snprintf(v->err->message, sizeof(v->err->message), "out of memory");
	return LCN_ENOMEM;
}

/* The syntax of a ref in field, of kind (any kind: NONE). */
static int
ref_syntax(struct vstate *v, const char *field, const char *ref,
    enum validate_kind kind, struct validate_ref *vr)
{
	char q[VQUOTE_MAX], ex[VALIDATE_REF_MAX + 1];

	example(v, kind == VALIDATE_KIND_NONE ? VALIDATE_KIND_DN : kind, ex,
	    sizeof(ex));
	if (validate_ref_parse(ref, vr) != 0) {
		vquote(ref, q, sizeof(q));
		return vfail(v, field, "expected a ref such as %s (agency, "
		    "kind, year, a number of %d to %d digits), got \"%s\"",
		    ex, VALIDATE_REF_DIGITS_MIN, VALIDATE_REF_DIGITS_MAX, q);
	}
	if (kind != VALIDATE_KIND_NONE && vr->kind != kind)
		return vfail(v, field, "expected the ref of %s %s, such as %s; "
		    "%s is the ref of %s %s", kind == VALIDATE_KIND_EUA ? "an" :
		    "a", kind_what(kind), ex, ref, vr->kind ==
		    VALIDATE_KIND_EUA ? "an" : "a", kind_what(vr->kind));
	return 0;
}

int
vcheck_own_ref(struct vstate *v, const char *at, const char *ref,
    enum validate_kind kind)
{
	const struct validate_ctx	*ctx = v->ctx;
	const struct validate_seen	*s;
	struct validate_record		 rec;
	struct validate_ref		 vr;
	char				 f[VALIDATE_FIELD_MAX];
	int				 r;

	if (ref == NULL || ref[0] == '\0')
		return 0;
	snprintf(f, sizeof(f), "%sref", at);
	if (validate_ref_parse(ref, &vr) == 0 &&
	    strcmp(vr.agency, ctx->self) != 0)
		return vfail(v, f, "%s is in %s's namespace; %s publishes only "
		    "refs that begin with %s/", ref, vr.agency, ctx->self,
		    ctx->self);
	if ((r = ref_syntax(v, f, ref, kind, &vr)) != 0)
		return r;
	if (v->seen != NULL && (s = seen_find(v, ref)) != NULL)
		return vfail(v, f, "%s is already used by bodies[%zu] of this "
		    "request", ref, s->body);
	if (ctx->lookup != NULL) {
		r = ctx->lookup(ctx->arg, ref, &rec);
		if (r == 0)
			return vfail(v, f, "%s is already used by %s/%s seq "
			    "%llu; a ref names one record for good", ref,
			    rec.feed.origin, rec.feed.group,
			    (unsigned long long)rec.seq);
		if (r != LCN_ENOTFOUND)
			return vfail_lookup(v, r, f, ref);
	}
	memset(&rec, 0, sizeof(rec));
	rec.kind = kind;
	return vseen_add(v, ref, &rec);
}

int
vcheck_any_ref(struct vstate *v, const char *field, const char *ref,
    enum validate_kind kind)
{
	struct validate_ref vr;

	return ref_syntax(v, field, ref, kind, &vr);
}

int
vcheck_target(struct vstate *v, const char *field, const char *target,
    enum validate_kind kind, struct validate_record *rec)
{
	const struct validate_ctx	*ctx = v->ctx;
	const struct validate_seen	*s;
	struct validate_ref		 vr;
	char				 ex[VALIDATE_REF_MAX + 1];
	int				 r;

	memset(rec, 0, sizeof(*rec));
	if (target == NULL || target[0] == '\0') {
		example(v, kind, ex, sizeof(ex));
		return vfail(v, field, "expected the ref of the %s to update, "
		    "such as %s", kind_what(kind), ex);
	}
	if ((r = ref_syntax(v, field, target, kind, &vr)) != 0)
		return r;
	if (strcmp(vr.agency, ctx->self) != 0)
		return vfail(v, field, "%s is %s's %s; only %s can update it",
		    target, vr.agency, kind_what(kind), vr.agency);
	if (v->seen != NULL && (s = seen_find(v, target)) != NULL &&
	    s->rec.kind == kind) {
		*rec = s->rec;
		return 0;
	}
	if (ctx->lookup == NULL)
		return 0;
	if ((r = ctx->lookup(ctx->arg, target, rec)) == LCN_ENOTFOUND) {
		memset(rec, 0, sizeof(*rec));
		return vfail(v, field, "%s: %s has published no such %s",
		    target, ctx->self, kind_what(kind));
	}
	if (r != 0) {
		memset(rec, 0, sizeof(*rec));
		return vfail_lookup(v, r, field, target);
	}
	if (rec->kind != kind)
		return vfail(v, field, "%s is the ref of %s %s (%s/%s seq %llu), "
		    "not of %s %s", target, rec->kind == VALIDATE_KIND_EUA ?
		    "an" : "a", kind_what(rec->kind), rec->feed.origin,
		    rec->feed.group, (unsigned long long)rec->seq,
		    kind == VALIDATE_KIND_EUA ? "an" : "a", kind_what(kind));
	return 0;
}
