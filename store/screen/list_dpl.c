/*
 * The BIS Denied Persons List reader: dpl.txt, tab-separated with a
 * header; one party per row, its US dates made ISO.
 */
#include <stdio.h>

#include "lcn_err.h"
#include "list_build.h"

/* Dates "MM/DD/YYYY" become "YYYY-MM-DD"; others are kept as written. */
static const char *
us_date(struct builder *b, const char *s)
{
	char buf[16];
	unsigned m, d, y;
	char tail;

	if (s == NULL || sscanf(s, "%u/%u/%u%c", &m, &d, &y, &tail) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999)
		return s;
	snprintf(buf, sizeof(buf), "%04u-%02u-%02u", y, m, d);
	return builder_cleanz(b, buf);
}

enum { DPL_NAME, DPL_STREET, DPL_CITY, DPL_STATE, DPL_COUNTRY, DPL_POSTAL,
	DPL_EFFECTIVE, DPL_EXPIRATION, DPL_STANDARD_ORDER, DPL_LAST_UPDATE,
	DPL_ACTION, DPL_FR, DPL_NCOLS };

static const char *const dpl_cols[DPL_NCOLS] = {
	"*Name", "Street_Address", "City", "State", "Country", "Postal_Code",
	"Effective_Date", "Expiration_Date", "Standard_Order", "Last_Update",
	"Action", "FR_Citation",
};

static int
dpl_row(struct ctx *x, struct csv *c, void *arg)
{
	struct hdr *h = arg;
	struct builder *b = &x->b;
	struct list_party *p = &b->p;
	const char *v[DPL_NCOLS], *addr[4];
	int i, r;

	for (i = 0; i < DPL_NCOLS; i++)
		v[i] = builder_field(b, c, h->idx[i]);
	p->source = "BIS DPL";
	p->name = v[DPL_NAME];
	p->kind = LIST_KIND_UNKNOWN;
	addr[0] = v[DPL_STREET];
	addr[1] = v[DPL_CITY];
	addr[2] = v[DPL_STATE];
	addr[3] = v[DPL_POSTAL];
	if ((r = builder_add_address(b, builder_join(b, ", ", addr, 4),
	    v[DPL_COUNTRY], NULL)) == LCN_ENOMEM)
		b->nomem = 1;
	p->start_date = us_date(b, v[DPL_EFFECTIVE]);
	p->end_date = us_date(b, v[DPL_EXPIRATION]);
	p->legal_basis = v[DPL_FR];
	p->remarks = v[DPL_ACTION];
	/*
	 * The whole row: a ref names the row, not the person, who may have
	 * several rows. A row repeated byte for byte (dpl.txt has 2) is
	 * delivered twice with the same ref.
	 */
	p->ref = builder_row_ref(b, "dpl", v, DPL_NCOLS);
	return ctx_emit(x, c->path, c->rec_line);
}

int
dpl_read(struct ctx *x, const char *path)
{
	struct hdr h;
	struct csv c;
	int r;

	if ((r = ctx_open_csv(x, &c, path, '\t', dpl_cols, h.idx,
	    DPL_NCOLS)) == 0) {
		h.nf = c.nf;
		r = ctx_each_row(x, &c, c.nf, 0, dpl_row, &h);
	}
	csv_close(&c);
	return r;
}
