/*
 * The UK LITE partner-denials reader: denial_valid.csv with a header, one
 * denial notification per row, delivered as its party with the denial's
 * own fields in list_party.denial.
 */
#include <string.h>
#include <strings.h>

#include "lcn_err.h"
#include "list_build.h"

enum { LITE_REFERENCE, LITE_REGIME_REF, LITE_GOVERNMENT, LITE_CODES,
	LITE_DESCRIPTION, LITE_END_USE, LITE_REASON, LITE_NAME, LITE_ADDRESS,
	LITE_COUNTRY, LITE_CONSIGNEE_NAME, LITE_SPIRE_ID, LITE_END_USER_FLAG,
	LITE_CONSIGNEE_FLAG, LITE_OTHER_ROLE, LITE_NCOLS };

static const char *const lite_cols[LITE_NCOLS] = {
	"*reference", "regime_reg_ref", "notifying_government",
	"item_list_codes", "item_description", "end_use",
	"reason_for_refusal", "*name", "address", "country",
	"consignee_name", "spire_entity_id", "end_user_flag",
	"consignee_flag", "other_role",
};

/* Returns 0 or 1, or -1 when s is not a boolean. Empty is false. */
static int
parse_flag(const char *s)
{
	static const char *const t[] = { "true", "t", "yes", "y", "1" };
	static const char *const f[] = { "false", "f", "no", "n", "0" };
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < sizeof(t) / sizeof(*t); i++) {
		if (strcasecmp(s, t[i]) == 0)
			return 1;
		if (strcasecmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

static int
lite_row(struct ctx *x, struct csv *c, void *arg)
{
	struct hdr *h = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	struct list_denial *d = &b->denial;
	const char *v[LITE_NCOLS];
	int i;

	for (i = 0; i < LITE_NCOLS; i++)
		v[i] = builder_field(b, c, h->idx[i]);
	p->source = "LITE";
	p->ref = v[LITE_REFERENCE];
	p->name = v[LITE_NAME];
	p->kind = LIST_KIND_UNKNOWN;
	p->list = v[LITE_GOVERNMENT];
	if (builder_add_address(b, v[LITE_ADDRESS], v[LITE_COUNTRY], NULL) ==
	    LCN_ENOMEM)
		b->nomem = 1;
	d->reference = v[LITE_REFERENCE];
	d->regime_ref = v[LITE_REGIME_REF];
	d->notifying_government = v[LITE_GOVERNMENT];
	d->item_list_codes = v[LITE_CODES];
	d->catch_all = v[LITE_CODES] != NULL &&
	    strcasecmp(v[LITE_CODES], "catch all") == 0;
	d->item_description = v[LITE_DESCRIPTION];
	d->end_use = v[LITE_END_USE];
	d->reason = v[LITE_REASON];
	d->consignee_name = v[LITE_CONSIGNEE_NAME];
	d->spire_entity_id = v[LITE_SPIRE_ID];
	d->other_role = v[LITE_OTHER_ROLE];
	if ((d->end_user = parse_flag(v[LITE_END_USER_FLAG])) == -1 ||
	    (d->consignee = parse_flag(v[LITE_CONSIGNEE_FLAG])) == -1) {
		ctx_bad_row(x, c->path, c->rec_line,
		    "end_user_flag or consignee_flag is not TRUE or FALSE");
		return 0;
	}
	p->denial = d;
	return ctx_emit(x, c->path, c->rec_line);
}

int
lite_read(struct ctx *x, const char *path)
{
	struct hdr h;
	struct csv c;
	int r;

	if ((r = ctx_open_csv(x, &c, path, ',', lite_cols, h.idx,
	    LITE_NCOLS)) == 0)
		r = ctx_each_row(x, &c, c.nf, 0, lite_row, &h);
	csv_close(&c);
	return r;
}
