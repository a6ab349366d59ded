/*
 * What a regime's secretariat collects (records_consult.h): the licence
 * decisions published to regime groups (records_decisions) and a
 * regime's figures over a window (records_report), from the records' and
 * the consultations' tables. A report reads whole tables once: it is
 * asked for rarely, and a window of a year holds most rows anyway.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain_int.h"
#include "lcn_err.h"
#include "records_consult_int.h"
#include "records_query_int.h"
#include "util.h"

static int
in_window(uint64_t t, uint64_t from_ms, uint64_t to_ms)
{
	return t >= from_ms && (to_ms == 0 || t < to_ms);
}

/* ------------------------------------------------------------ decisions */

static int
notice_cmp(const void *a, const void *b)
{
	const struct decision_notice *x = a, *y = b;
	int c;

	if (x->date_ms != y->date_ms)
		return x->date_ms < y->date_ms ? -1 : 1;
	if ((c = strcmp(x->regime, y->regime)) != 0 ||
	    (c = strcmp(x->origin, y->origin)) != 0 ||
	    (c = strcmp(x->feed.group, y->feed.group)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The rdecision rows of regime (canonical, "" any) in the window. */
static int
decisions_txn(struct store *s, MDB_txn *txn, const char *regime,
    uint64_t from_ms, uint64_t to_ms, struct decision_notice **out,
    size_t *n)
{
	struct decision_notice	 dn, *nv;
	uint8_t			 pre[RECORD_REGIME_MAX + 1 + 8];
	MDB_cursor		*c;
	MDB_val			 k, d;
	size_t			 plen = 0, cap = 0;
	int			 rc, r = 0;

	*out = NULL;
	*n = 0;
	if (regime[0] != '\0') {
		plen = strlen(regime) + 1;
		memcpy(pre, regime, plen);
		store_be64(pre + plen, from_ms);
	}
	if ((rc = mdb_cursor_open(txn, s->screen->rdecision, &c)) != 0)
		return store_lmdb_err("rdecision cursor", rc);
	k.mv_data = pre;
	k.mv_size = plen + 8;
	rc = plen > 0 ? mdb_cursor_get(c, &k, &d, MDB_SET_RANGE) :
	    mdb_cursor_get(c, &k, &d, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (plen > 0 && (k.mv_size < plen ||
		    memcmp(k.mv_data, pre, plen) != 0))
			break;
		if (decision_decode(k.mv_data, k.mv_size, d.mv_data,
		    d.mv_size, &dn) != 0)
			continue;
		if (!in_window(dn.date_ms, from_ms, to_ms)) {
			if (plen > 0 && to_ms != 0 && dn.date_ms >= to_ms)
				break;
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(*out, cap * sizeof(*nv))) == NULL) {
				r = LCN_ENOMEM;
				break;
			}
			*out = nv;
		}
		(*out)[(*n)++] = dn;
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rdecision cursor", rc);
	mdb_cursor_close(c);
	if (r != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return r;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), notice_cmp);
	return 0;
}

int
records_decisions(struct store *s, const char *regime, uint64_t from_ms,
    uint64_t to_ms, struct decision_notice **out, size_t *n)
{
	char	 rg[RECORD_REGIME_MAX + 1] = "";
	MDB_txn	*txn;
	int	 r;

	*out = NULL;
	*n = 0;
	if (regime != NULL && regime[0] != '\0')
		rec_regime(regime, rg);
	if ((r = records_query_begin(s, &txn)) != 0)
		return r;
	r = decisions_txn(s, txn, rg, from_ms, to_ms, out, n);
	mdb_txn_abort(txn);
	return r;
}

/* ------------------------------------------------------------ report */

/* Adds one to key's count in *v, kept sorted by key. */
static int
count_add(struct report_count **v, size_t *n, const char *key)
{
	struct report_count	*nv;
	size_t			 lo = 0, hi = *n, mid;
	int			 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp((*v)[mid].key, key)) == 0) {
			(*v)[mid].n++;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return LCN_ENOMEM;
	*v = nv;
	memmove(nv + lo + 1, nv + lo, (*n - lo) * sizeof(*nv));
	memset(&nv[lo], 0, sizeof(nv[lo]));
	str_copy(nv[lo].key, sizeof(nv[lo].key), key);
	nv[lo].n = 1;
	(*n)++;
	return 0;
}

/* A control entry's category: its first run of digits or of letters
 * ("3" for 3A001, "ML" for ML8.a), else the whole entry. */
static void
category_of(const char *entry, char *out)
{
	size_t	i = 0;
	int	digit = is_digit(entry[0]);

	while (i < DOMAIN_CONTROL_MAX &&
	    (digit ? is_digit(entry[i]) : is_alpha(entry[i])))
		i++;
	if (i == 0)
		i = strnlen(entry, DOMAIN_CONTROL_MAX);
	memcpy(out, entry, i);
	out[i] = '\0';
}

/* The denials of regime decided in the window, by category and country. */
static int
report_denials(struct store *s, MDB_txn *txn, struct regime_report *rr)
{
	char		 cats[REPEATED_MAX][DOMAIN_CONTROL_MAX + 1];
	struct rec	*r;
	MDB_cursor	*c;
	MDB_val		 k, d;
	size_t		 i, j, nc;
	int		 rc, rv = 0;

	if ((r = malloc(sizeof(*r))) == NULL)
		return LCN_ENOMEM;
	if ((rc = mdb_cursor_open(txn, s->screen->rrecs, &c)) != 0) {
		free(r);
		return store_lmdb_err("rrecs cursor", rc);
	}
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (rec_decode(d.mv_data, d.mv_size, r) != 0 ||
		    r->kind != RECORD_DENIAL ||
		    strcasecmp(r->regime, rr->regime) != 0 ||
		    !in_window(r->from_ms, rr->from_ms, rr->to_ms))
			continue;
		rr->denials++;
		/* Each category once per denial. */
		for (i = nc = 0; i < r->ncontrols; i++) {
			category_of(r->controls[i], cats[nc]);
			for (j = 0; j < nc; j++)
				if (strcmp(cats[j], cats[nc]) == 0)
					break;
			if (j == nc && cats[nc][0] != '\0' &&
			    (rv = count_add(&rr->by_category,
			    &rr->ncategories, cats[nc++])) != 0)
				goto out;
		}
		if (r->country[0] != '\0' &&
		    (rv = count_add(&rr->by_destination, &rr->ndestinations,
		    r->country)) != 0)
			goto out;
	}
	if (rc != MDB_NOTFOUND)
		rv = store_lmdb_err("rrecs cursor", rc);
 out:
	mdb_cursor_close(c);
	free(r);
	return rv;
}

/*
 * The consultations of regime asked in the window, and the decisions
 * taken in them: a reply counts when it came before to_ms, in time when
 * by the deadline in force (or with none); a consultation unanswered
 * whose deadline passed before to_ms lapsed; the rest are open.
 */
static int
report_consultations(struct store *s, MDB_txn *txn, struct regime_report *rr)
{
	struct cons	*c;
	MDB_cursor	*cur;
	MDB_val		 k, d;
	uint64_t	 to = rr->to_ms == 0 ? UINT64_MAX : rr->to_ms;
	int		 rc, rv = 0;

	if ((c = malloc(sizeof(*c))) == NULL)
		return LCN_ENOMEM;
	if ((rc = mdb_cursor_open(txn, s->screen->rconsult, &cur)) != 0) {
		free(c);
		return store_lmdb_err("rconsult cursor", rc);
	}
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (cons_decode(d.mv_data, d.mv_size, c) != 0 ||
		    strcasecmp(c->regime, rr->regime) != 0)
			continue;
		if (c->t.decision != CONSULT_DECISION_NONE &&
		    in_window(c->t.decided_ms, rr->from_ms, rr->to_ms)) {
			if (c->t.decision == CONSULT_DECISION_GRANT)
				rr->grants++;
			else
				rr->denies++;
			if (c->t.undercut)
				rr->undercuts++;
		}
		if (!in_window(c->t.asked_ms, rr->from_ms, rr->to_ms))
			continue;
		rr->consultations++;
		if (c->t.position != CONSULT_POSITION_NONE &&
		    c->t.replied_ms < to) {
			if (c->t.deadline_ms == 0 ||
			    c->t.replied_ms <= c->t.deadline_ms)
				rr->answered_in_time++;
			else
				rr->answered_late++;
		} else if (c->t.decided_lapsed || (c->t.deadline_ms != 0 &&
		    c->t.deadline_ms < to))
			rr->lapsed++;
		else if (c->t.state != CONSULT_DECIDED &&
		    c->t.state != CONSULT_CLOSED)
			rr->open++;
	}
	if (rc != MDB_NOTFOUND)
		rv = store_lmdb_err("rconsult cursor", rc);
	mdb_cursor_close(cur);
	free(c);
	return rv;
}

/* Whether the decision copied to the regime group was counted with its
 * consultation (this node holds the pair's exchange). */
static int
counted(struct store *s, MDB_txn *txn, const struct decision_notice *dn,
    const struct regime_report *rr)
{
	struct cons	c;
	uint8_t		ck[REC_KEY_MAX + 1];
	MDB_val		k, d;

	if (dn->request_ref[0] == '\0')
		return 0;
	k.mv_data = ck;
	k.mv_size = record_key(dn->origin, dn->request_ref, ck);
	if (mdb_get(txn, s->screen->rconsult, &k, &d) != 0 ||
	    cons_decode(d.mv_data, d.mv_size, &c) != 0)
		return 0;
	return strcasecmp(c.regime, rr->regime) == 0 &&
	    c.t.decision != CONSULT_DECISION_NONE &&
	    in_window(c.t.decided_ms, rr->from_ms, rr->to_ms);
}

int
records_report(struct store *s, const char *regime, uint64_t from_ms,
    uint64_t to_ms, struct regime_report *out)
{
	struct decision_notice	*dv = NULL;
	MDB_txn			*txn;
	size_t			 n = 0, i;
	int			 r;

	memset(out, 0, sizeof(*out));
	if (regime == NULL || regime[0] == '\0')
		return LCN_EINVAL;
	rec_regime(regime, out->regime);
	out->from_ms = from_ms;
	out->to_ms = to_ms;
	if ((r = records_query_begin(s, &txn)) != 0)
		return r;
	if ((r = report_denials(s, txn, out)) != 0 ||
	    (r = report_consultations(s, txn, out)) != 0 ||
	    (r = decisions_txn(s, txn, out->regime, from_ms, to_ms, &dv,
	    &n)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (dv[i].notification &&
		    dv[i].decision == CONSULT_DECISION_GRANT)
			out->notifications++;
		if (counted(s, txn, &dv[i], out))
			continue;
		if (dv[i].decision == CONSULT_DECISION_GRANT)
			out->grants++;
		else if (dv[i].decision == CONSULT_DECISION_DENY)
			out->denies++;
		if (dv[i].undercut)
			out->undercuts++;
	}
 out:
	mdb_txn_abort(txn);
	free(dv);
	if (r != 0)
		records_report_free(out);
	return r;
}

void
records_report_free(struct regime_report *rr)
{
	if (rr == NULL)
		return;
	free(rr->by_category);
	free(rr->by_destination);
	rr->by_category = NULL;
	rr->by_destination = NULL;
	rr->ncategories = rr->ndestinations = 0;
}
