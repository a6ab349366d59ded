/*
 * Queries of the consultations' derived state (records_consult.h): the
 * list through the rcindex ranges a filter allows, one consultation, the
 * open one for a denial and a transaction, and one with its exchange.
 * Every query first indexes what lies beyond the marks, then reads in one
 * read transaction; no ledger entry is decoded: what a list shows is in
 * the rconsult value.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lcn_err.h"
#include "records_consult_int.h"
#include "records_query_int.h"
#include "util.h"

/* ------------------------------------------------------------ list */

/* A stretch of rcindex: keys pre || be64 deadline || key, lo..hi. */
struct crange {
	uint8_t		 pre[1 + AGENCY_ID_MAX + 1 + 2];
	size_t		 plen;
	uint64_t	 lo, hi;	/* deadline keys, inclusive */
};

struct cand {
	uint64_t	 dl;
	uint8_t		 ck[REC_KEY_MAX + 1];
	size_t		 cklen;
};

struct clist {
	struct store		*s;
	MDB_txn			*txn;
	const struct consult_filter *f;
	uint64_t		 at_ms;
	enum consult_state	 state;		/* CONSULT_NONE: any */
	char			 regime[RECORD_REGIME_MAX + 1];
	struct cand		*v;
	size_t			 n, cap;
	struct cons		*c;		/* scratch */
};

/* Whether consultation ck (value in c) passes every filter. */
static int
passes(struct clist *cx, const char *asker)
{
	const struct consult_filter *f = cx->f;
	const struct cons *c = cx->c;
	const char	*other = NULL;
	enum consult_state st = consult_state_at(&c->t, cx->at_ms);

	if (f->self != NULL && f->self[0] != '\0') {
		if (strcmp(f->self, asker) == 0)
			other = c->consulted;
		else if (strcmp(f->self, c->consulted) == 0)
			other = asker;
		if ((f->direction == CONSULT_OUTGOING &&
		    strcmp(f->self, asker) != 0) ||
		    (f->direction == CONSULT_INCOMING &&
		    strcmp(f->self, c->consulted) != 0))
			return 0;
	}
	if (f->counterpart != NULL && f->counterpart[0] != '\0') {
		if (other != NULL ? strcmp(other, f->counterpart) != 0 :
		    strcmp(asker, f->counterpart) != 0 &&
		    strcmp(c->consulted, f->counterpart) != 0)
			return 0;
	}
	if (cx->regime[0] != '\0' && strcasecmp(cx->regime, c->regime) != 0)
		return 0;
	if (cx->state != CONSULT_NONE && st != cx->state)
		return 0;
	if (f->overdue && st != CONSULT_LAPSED)
		return 0;
	return 1;
}

static int
cand_add(struct clist *cx, uint64_t dl, const uint8_t *ck, size_t cklen)
{
	struct cand *nv;

	if (cx->n == cx->cap) {
		cx->cap = cx->cap ? cx->cap * 2 : 64;
		if ((nv = realloc(cx->v, cx->cap * sizeof(*nv))) == NULL)
			return LCN_ENOMEM;
		cx->v = nv;
	}
	cx->v[cx->n].dl = dl;
	memcpy(cx->v[cx->n].ck, ck, cklen);
	cx->v[cx->n].cklen = cklen;
	cx->n++;
	return 0;
}

/* The value of consultation ck into cx->c; 0, LCN_ENOTFOUND or error. */
static int
cons_read(struct store *s, MDB_txn *txn, const uint8_t *ck, size_t cklen,
    struct cons *c)
{
	MDB_val	k, d;
	int	rc;

	k.mv_data = (void *)ck;
	k.mv_size = cklen;
	if ((rc = mdb_get(txn, s->screen->rconsult, &k, &d)) == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("rconsult get", rc);
	return cons_decode(d.mv_data, d.mv_size, c);
}

/* Scans one range in order; stops once stop candidates passed (0: all). */
static int
scan(struct clist *cx, const struct crange *cr, size_t stop)
{
	uint8_t		 key[sizeof(cr->pre) + 8];
	char		 asker[AGENCY_ID_MAX + 1], ref[RECORD_REF_MAX + 1];
	MDB_cursor	*c;
	MDB_val		 k, d;
	const uint8_t	*p;
	uint64_t	 dl;
	int		 rc, r = 0;

	memcpy(key, cr->pre, cr->plen);
	store_be64(key + cr->plen, cr->lo);
	if ((rc = mdb_cursor_open(cx->txn, cx->s->screen->rcindex, &c)) != 0)
		return store_lmdb_err("rcindex cursor", rc);
	k.mv_data = key;
	k.mv_size = cr->plen + 8;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		p = k.mv_data;
		if (k.mv_size <= cr->plen + 8 ||
		    memcmp(p, cr->pre, cr->plen) != 0)
			break;
		if ((dl = load_be64(p + cr->plen)) > cr->hi)
			break;
		p += cr->plen + 8;
		if (record_key_parse(p, k.mv_size - cr->plen - 8, asker,
		    ref) != 0)
			continue;
		if ((r = cons_read(cx->s, cx->txn, p, k.mv_size - cr->plen -
		    8, cx->c)) == LCN_ENOTFOUND || r == LCN_ESTORE) {
			r = 0;
			continue;
		}
		if (r != 0)
			break;
		if (!passes(cx, asker))
			continue;
		if ((r = cand_add(cx, dl, p, k.mv_size - cr->plen - 8)) != 0)
			break;
		if (stop != 0 && cx->n >= stop)
			break;
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rcindex cursor", rc);
	mdb_cursor_close(c);
	return r;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	size_t	m;
	int	c;

	if (x->dl != y->dl)
		return x->dl < y->dl ? -1 : 1;
	m = x->cklen < y->cklen ? x->cklen : y->cklen;
	if ((c = memcmp(x->ck, y->ck, m)) != 0)
		return c;
	return x->cklen < y->cklen ? -1 : x->cklen > y->cklen;
}

/* The structural states (and deadline stretches) a state name covers. */
static size_t
state_ranges(enum consult_state st, uint64_t at_ms, uint8_t *states,
    uint64_t *lo, uint64_t *hi)
{
	switch (st) {
	case CONSULT_LAPSED:
		if (at_ms == 0)
			return 0;
		states[0] = CONSULT_AWAITING_REPLY;
		states[1] = CONSULT_EXTENDED;
		lo[0] = lo[1] = 0;
		hi[0] = hi[1] = at_ms - 1;
		return 2;
	case CONSULT_AWAITING_REPLY:
	case CONSULT_EXTENDED:
		states[0] = (uint8_t)st;
		lo[0] = at_ms;
		hi[0] = UINT64_MAX;
		return 1;
	default:
		states[0] = (uint8_t)st;
		lo[0] = 0;
		hi[0] = UINT64_MAX;
		return 1;
	}
}

/* The ranges of rcindex the filters allow; returns how many. */
static size_t
plan(const struct clist *cx, struct crange *cr)
{
	const struct consult_filter *f = cx->f;
	uint8_t		 states[2];
	uint64_t	 lo[2], hi[2];
	size_t		 n, i, l = 0;
	int		 role = -1;

	if (f->self != NULL && f->self[0] != '\0' &&
	    f->direction != CONSULT_ANY) {
		role = f->direction == CONSULT_INCOMING ? CONS_ROLE_CONSULTED :
		    CONS_ROLE_ASKER;
		l = strlen(f->self);
		if (l > AGENCY_ID_MAX)
			return 0;
	}
	if (f->overdue)
		n = state_ranges(CONSULT_LAPSED, cx->at_ms, states, lo, hi);
	else if (cx->state != CONSULT_NONE)
		n = state_ranges(cx->state, cx->at_ms, states, lo, hi);
	else {
		if (role < 0) {
			cr[0].pre[0] = 'D';
			cr[0].plen = 1;
		} else {
			cr[0].pre[0] = 'A';
			memcpy(cr[0].pre + 1, f->self, l + 1);
			cr[0].pre[2 + l] = (uint8_t)role;
			cr[0].plen = 3 + l;
		}
		cr[0].lo = 0;
		cr[0].hi = UINT64_MAX;
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (role < 0) {
			cr[i].pre[0] = 'G';
			cr[i].pre[1] = states[i];
			cr[i].plen = 2;
		} else {
			cr[i].pre[0] = 'S';
			memcpy(cr[i].pre + 1, f->self, l + 1);
			cr[i].pre[2 + l] = (uint8_t)role;
			cr[i].pre[3 + l] = states[i];
			cr[i].plen = 4 + l;
		}
		cr[i].lo = lo[i];
		cr[i].hi = hi[i];
	}
	return n;
}

int
records_consultations(struct store *s, const struct consult_filter *f,
    uint64_t at_ms, struct consult_info **out, size_t *n, int *more)
{
	struct clist	 cx;
	struct crange	 cr[2];
	char		 asker[AGENCY_ID_MAX + 1], ref[RECORD_REF_MAX + 1];
	size_t		 nr, i, limit;
	int		 r;

	*out = NULL;
	*n = 0;
	*more = 0;
	memset(&cx, 0, sizeof(cx));
	cx.f = f;
	cx.at_ms = at_ms;
	cx.s = s;
	if (f->state != NULL && f->state[0] != '\0' &&
	    strcmp(f->state, "all") != 0 &&
	    (cx.state = consult_state_parse(f->state)) == CONSULT_NONE)
		return LCN_EINVAL;
	if (f->regime != NULL && f->regime[0] != '\0')
		rec_regime(f->regime, cx.regime);
	limit = f->limit == 0 || f->limit > RECORD_LIMIT_MAX ?
	    RECORD_LIMIT_MAX : f->limit;
	if ((r = records_query_begin(s, &cx.txn)) != 0)
		return r;
	if ((cx.c = malloc(sizeof(*cx.c))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	nr = plan(&cx, cr);
	/* One range is in deadline order already: stop after limit + 1. */
	for (i = 0; i < nr; i++)
		if ((r = scan(&cx, &cr[i], nr == 1 ? limit + 1 : 0)) != 0)
			goto out;
	if (nr > 1 && cx.n > 1)
		qsort(cx.v, cx.n, sizeof(*cx.v), cand_cmp);
	if (cx.n > limit) {
		*more = 1;
		cx.n = limit;
	}
	if (cx.n > 0 && (*out = calloc(cx.n, sizeof(**out))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	for (i = 0; i < cx.n; i++) {
		if ((r = cons_read(s, cx.txn, cx.v[i].ck, cx.v[i].cklen,
		    cx.c)) != 0 || (r = record_key_parse(cx.v[i].ck,
		    cx.v[i].cklen, asker, ref)) != 0)
			goto out;
		cons_info_fill(cx.c, asker, ref, at_ms, &(*out)[*n]);
		(*n)++;
	}
 out:
	mdb_txn_abort(cx.txn);
	if (r != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		*more = 0;
	}
	free(cx.v);
	free(cx.c);
	return r;
}

/* ------------------------------------------------------------ one */

/* The consultation key of (asker, ref): asker NULL is ref's namespace. */
static int
cons_key(const char *asker, const char *ref, uint8_t *ck, size_t *cklen)
{
	char origin[AGENCY_ID_MAX + 1];

	if (ref == NULL || ref[0] == '\0')
		return LCN_ENOTFOUND;
	if (asker == NULL || asker[0] == '\0') {
		if (domain_ref_origin(ref, origin, sizeof(origin)) != 0)
			return LCN_ENOTFOUND;
		asker = origin;
	}
	*cklen = record_key(asker, ref, ck);
	return 0;
}

static int
get_txn(struct store *s, MDB_txn *txn, const uint8_t *ck, size_t cklen,
    uint64_t at_ms, struct consult_info *out)
{
	struct cons	*c;
	char		 asker[AGENCY_ID_MAX + 1], ref[RECORD_REF_MAX + 1];
	int		 r;

	if ((c = malloc(sizeof(*c))) == NULL)
		return LCN_ENOMEM;
	if ((r = cons_read(s, txn, ck, cklen, c)) == 0 &&
	    (r = record_key_parse(ck, cklen, asker, ref)) == 0)
		cons_info_fill(c, asker, ref, at_ms, out);
	free(c);
	return r;
}

int
records_consult_get(struct store *s, const char *asker, const char *ref,
    uint64_t at_ms, struct consult_info *out)
{
	MDB_txn	*txn;
	uint8_t	 ck[REC_KEY_MAX + 1];
	size_t	 cklen;
	int	 r;

	memset(out, 0, sizeof(*out));
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = cons_key(asker, ref, ck, &cklen)) != 0)
		return r;
	if ((r = records_query_begin(s, &txn)) != 0)
		return r;
	r = get_txn(s, txn, ck, cklen, at_ms, out);
	mdb_txn_abort(txn);
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

int
records_consult_open_for(struct store *s, const char *asker,
    const char *denial_ref, const uint8_t tx_hash[HASH_LEN], char *ref_out)
{
	uint8_t		 pre[2 + AGENCY_ID_MAX + RECORD_REF_MAX + 1 + HASH_LEN];
	char		 a[AGENCY_ID_MAX + 1], ref[RECORD_REF_MAX + 1];
	struct cons	*c = NULL;
	MDB_txn		*txn = NULL;
	MDB_cursor	*cur;
	MDB_val		 k, d;
	size_t		 plen, l, o;
	int		 rc, r;

	ref_out[0] = '\0';
	if (s->screen == NULL)
		return LCN_EINVAL;
	if (asker == NULL || denial_ref == NULL ||
	    (o = strlen(asker)) > AGENCY_ID_MAX)
		return LCN_ENOTFOUND;
	if ((l = strlen(denial_ref)) > RECORD_REF_MAX)
		l = RECORD_REF_MAX;
	pre[0] = 'T';
	memcpy(pre + 1, asker, o + 1);
	memcpy(pre + 2 + o, denial_ref, l);
	pre[2 + o + l] = '\0';
	memcpy(pre + 3 + o + l, tx_hash, HASH_LEN);
	plen = 3 + o + l + HASH_LEN;
	if ((c = malloc(sizeof(*c))) == NULL)
		return LCN_ENOMEM;
	if ((r = records_query_begin(s, &txn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, s->screen->rcindex, &cur)) != 0) {
		r = store_lmdb_err("rcindex cursor", rc);
		goto out;
	}
	r = LCN_ENOTFOUND;
	k.mv_data = pre;
	k.mv_size = plen;
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (k.mv_size <= plen || memcmp(k.mv_data, pre, plen) != 0)
			break;
		if (cons_read(s, txn, (const uint8_t *)k.mv_data + plen,
		    k.mv_size - plen, c) != 0 ||
		    c->t.state == CONSULT_DECIDED ||
		    c->t.state == CONSULT_CLOSED ||
		    record_key_parse((const uint8_t *)k.mv_data + plen,
		    k.mv_size - plen, a, ref) != 0)
			continue;
		str_copy(ref_out, RECORD_REF_MAX + 1, ref);
		r = 0;
		break;
	}
	if (r == LCN_ENOTFOUND && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rcindex cursor", rc);
	mdb_cursor_close(cur);
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	free(c);
	return r;
}

/* ------------------------------------------------------------ show */

int
records_consult_show(struct store *s, const char *asker, const char *ref,
    uint64_t at_ms, struct consult_show *out)
{
	struct consult_event	*ev, *nv;
	struct cev		 e;
	MDB_txn			*txn;
	MDB_cursor		*c;
	MDB_val			 k, d;
	uint8_t			 ck[REC_KEY_MAX + 2];
	size_t			 cklen, cap = 0;
	int			 rc, r;

	memset(out, 0, sizeof(*out));
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = cons_key(asker, ref, ck, &cklen)) != 0)
		return r;
	if ((r = records_query_begin(s, &txn)) != 0)
		return r;
	if ((r = get_txn(s, txn, ck, cklen, at_ms, &out->info)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, s->screen->rcevent, &c)) != 0) {
		r = store_lmdb_err("rcevent cursor", rc);
		goto out;
	}
	ck[cklen] = '\0';
	k.mv_data = ck;
	k.mv_size = cklen + 1;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size <= cklen + 1 ||
		    memcmp(k.mv_data, ck, cklen + 1) != 0)
			break;
		if (cev_decode(k.mv_data, k.mv_size, cklen, d.mv_data,
		    d.mv_size, &e) != 0)
			continue;
		if (out->nevents == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(out->events, cap * sizeof(*nv))) ==
			    NULL) {
				r = LCN_ENOMEM;
				break;
			}
			out->events = nv;
		}
		ev = &out->events[out->nevents++];
		memset(ev, 0, sizeof(*ev));
		str_copy(ev->feed.origin, sizeof(ev->feed.origin), e.signer);
		str_copy(ev->feed.group, sizeof(ev->feed.group), e.group);
		ev->seq = e.seq;
		ev->created_ms = e.created_ms;
		ev->body = e.body;
		str_copy(ev->agency, sizeof(ev->agency), e.signer);
		str_copy(ev->ref, sizeof(ev->ref), e.ref);
		ev->ignored = e.step;
	}
	if (r == 0 && rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rcevent cursor", rc);
	mdb_cursor_close(c);
 out:
	mdb_txn_abort(txn);
	if (r != 0)
		records_consult_show_free(out);
	return r;
}

void
records_consult_show_free(struct consult_show *sh)
{
	if (sh == NULL)
		return;
	free(sh->events);
	memset(sh, 0, sizeof(*sh));
}
