/*
 * The trade.gov Consolidated Screening List reader: the CSL CSV with a
 * header, whose aliases, addresses, identifiers and countries come as
 * "; "-separated lists inside one field each.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "country.h"
#include "lcn_err.h"
#include "list_build.h"

enum { CSL_SOURCE, CSL_ENTITY_NUMBER, CSL_TYPE, CSL_PROGRAMS, CSL_NAME,
	CSL_ADDRESSES, CSL_FR, CSL_START, CSL_END, CSL_CALL_SIGN, CSL_REMARKS,
	CSL_ALT_NAMES, CSL_CITIZENSHIPS, CSL_NATIONALITIES, CSL_IDS,
	CSL_NCOLS };

static const char *const csl_cols[CSL_NCOLS] = {
	"*source", "entity_number", "type", "programs", "*name", "addresses",
	"federal_register_notice", "start_date", "end_date", "call_sign",
	"remarks", "alt_names", "citizenships", "nationalities", "ids",
};

static int
csl_alias(struct builder *b, const char *name, void *arg)
{
	(void)arg;
	return builder_add_alias(b, name, LIST_AKA, 0);
}

static int
csl_country(struct builder *b, const char *name, void *arg)
{
	(void)arg;
	return builder_add_country_name(b, name);
}

static int
is_iso_code(const char *s)
{
	char iso[3];

	return s != NULL && strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]) && list_country_iso2(s, iso) == 0;
}

/* "street, city, postal, CC" or just "CC". */
static int
csl_address(struct builder *b, const char *a, void *arg)
{
	const char *comma = strrchr(a, ','), *cc;

	(void)arg;
	cc = comma ? builder_cleanz(b, comma + 1) : a;
	if (!is_iso_code(cc))
		return builder_add_address(b, a, NULL, NULL);
	return builder_add_address(b, comma ?
	    builder_clean(b, a, (size_t)(comma - a)) : NULL, cc, cc);
}

/* "CC, number, type", "number, type" or "IMO 123, Vessel ...". */
static int
csl_ident(struct builder *b, const char *s, void *arg)
{
	const char *first, *last, *cc = NULL, *value, *type;

	(void)arg;
	first = strchr(s, ',');
	last = strrchr(s, ',');
	if (first == NULL)
		return 0;
	type = builder_cleanz(b, last + 1);
	/* "Subject to Secondary Sanctions, ... -" is a note, not an id. */
	if (type == NULL || type[strlen(type) - 1] == '-' ||
	    type[strlen(type) - 1] == ':')
		return 0;
	if (first != last) {
		cc = builder_clean(b, s, (size_t)(first - s));
		if (is_iso_code(cc))
			s = first + 1;
		else
			cc = NULL;
	}
	value = builder_clean(b, s, (size_t)(last - s));
	/* "Panama, Former Vessel Flag" is no identifier either. */
	if (value == NULL || (strpbrk(value, "0123456789") == NULL &&
	    strncasecmp(type, "Website", 7) != 0 &&
	    strncasecmp(type, "Email", 5) != 0))
		return 0;
	return builder_add_ident(b, type, value, cc);
}

static int
csl_row(struct ctx *x, struct csv *c, void *arg)
{
	struct hdr *h = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	const char *v[CSL_NCOLS], *t;
	int i, r = 0;

	for (i = 0; i < CSL_NCOLS; i++)
		v[i] = builder_field(b, c, h->idx[i]);
	p->source = "CSL";
	p->list = v[CSL_SOURCE];
	p->name = v[CSL_NAME];
	t = v[CSL_TYPE];
	if (t == NULL)
		p->kind = LIST_KIND_UNKNOWN;
	else if (strcasecmp(t, "Individual") == 0)
		p->kind = LIST_KIND_PERSON;
	else if (strcasecmp(t, "Entity") == 0)
		p->kind = LIST_KIND_ENTITY;
	else if (strcasecmp(t, "Vessel") == 0)
		p->kind = LIST_KIND_VESSEL;
	else if (strcasecmp(t, "Aircraft") == 0)
		p->kind = LIST_KIND_AIRCRAFT;
	p->programs = v[CSL_PROGRAMS];
	p->remarks = v[CSL_REMARKS];
	p->legal_basis = v[CSL_FR];
	p->start_date = v[CSL_START];
	p->end_date = v[CSL_END];
	if (r == 0)
		r = builder_split(b, v[CSL_CITIZENSHIPS], ";", csl_country,
		    NULL);
	if (r == 0)
		r = builder_split(b, v[CSL_NATIONALITIES], ";", csl_country,
		    NULL);
	if (r == 0)
		r = builder_split(b, v[CSL_ADDRESSES], "; ", csl_address, NULL);
	if (r == 0)
		r = builder_split(b, v[CSL_ALT_NAMES], "; ", csl_alias, NULL);
	if (r == 0)
		r = builder_split(b, v[CSL_IDS], "; ", csl_ident, NULL);
	if (r == 0 && v[CSL_CALL_SIGN] != NULL)
		r = builder_add_ident(b, "Call Sign", v[CSL_CALL_SIGN], NULL);
	if (r == LCN_ENOMEM)
		b->nomem = 1;
	if (v[CSL_ENTITY_NUMBER] != NULL)
		p->ref = v[CSL_ENTITY_NUMBER];
	else {
		const char *k[4] = { v[CSL_SOURCE], v[CSL_NAME],
		    v[CSL_ADDRESSES], v[CSL_FR] };

		p->ref = builder_row_ref(b, "csl", k, 4);
	}
	return ctx_emit(x, c->path, c->rec_line);
}

int
csl_read(struct ctx *x, const char *path)
{
	struct hdr h;
	struct csv c;
	int r;

	if ((r = ctx_open_csv(x, &c, path, ',', csl_cols, h.idx,
	    CSL_NCOLS)) == 0)
		r = ctx_each_row(x, &c, c.nf, 0, csl_row, &h);
	csv_close(&c);
	return r;
}
