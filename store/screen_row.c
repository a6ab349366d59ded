/*
 * The screening index's rows (screen_row.h): the sparty row codec, and
 * the srecs records decoded with their entries. Every length read back is
 * checked (proto/PROTOCOL.md); a corrupt row is refused and logged,
 * never trusted.
 */
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "domain.h"
#include "lcn_err.h"
#include "log.h"
#include "screen_row.h"
#include "store_int.h"
#include "util.h"

struct wbuf {
	uint8_t		*p;
	size_t		 len, cap;
	int		 overflow;
};

static void
put(struct wbuf *w, const void *src, size_t len)
{
	if (len > w->cap - w->len) {
		w->overflow = 1;
		return;
	}
	memcpy(w->p + w->len, src, len);
	w->len += len;
}

static void
put_u8(struct wbuf *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put_str(struct wbuf *w, const char *s, size_t max)
{
	size_t	len = strlen(s);
	uint8_t	b[2];

	if (len > max)
		len = max;
	b[0] = (uint8_t)(len >> 8);
	b[1] = (uint8_t)len;
	put(w, b, 2);
	put(w, s, len);
}

size_t
row_encode(const struct row *r, uint8_t *buf, size_t cap)
{
	struct wbuf	w = { buf, 0, cap, 0 };
	uint8_t		b[8];
	size_t		i, k;

	put_u8(&w, r->source);
	put_u8(&w, r->role);
	store_be32(b, r->feedno);
	put(&w, b, 4);
	store_be64(b, r->seq);
	put(&w, b, 8);
	put_str(&w, r->origin, AGENCY_ID_MAX);
	put_str(&w, r->list, sizeof(r->list) - 1);
	put_str(&w, r->ref, SCREEN_REF_MAX);
	put_str(&w, r->name, SCREEN_NAME_MAX);
	put_str(&w, r->matched, SCREEN_NAME_MAX);
	put_str(&w, r->country, 2);
	put_str(&w, r->ident, sizeof(r->ident) - 1);
	put_u8(&w, (uint8_t)r->norm.kind);
	put_u8(&w, (uint8_t)r->norm.ntokens);
	for (i = 0; i < r->norm.ntokens; i++) {
		const struct name_token *t = &r->norm.tokens[i];

		put_u8(&w, t->len);
		put_u8(&w, t->flags);
		put_u8(&w, t->nsyms);
		for (k = 0; k < t->nsyms; k++) {
			store_be32(b, t->syms[k]);
			put(&w, b, 4);
		}
		put(&w, t->text, t->len);
	}
	return w.overflow ? 0 : w.len;
}

struct rbuf {
	const uint8_t	*p;
	size_t		 left;
	int		 bad;
};

static const uint8_t *
take(struct rbuf *r, size_t len)
{
	const uint8_t *p = r->p;

	if (r->bad || len > r->left) {
		r->bad = 1;
		return NULL;
	}
	r->p += len;
	r->left -= len;
	return p;
}

static uint8_t
take_u8(struct rbuf *r)
{
	const uint8_t *p = take(r, 1);

	return p ? *p : 0;
}

static void
take_str(struct rbuf *r, char *dst, size_t dstsz)
{
	const uint8_t	*p;
	size_t		 len;

	dst[0] = '\0';
	if ((p = take(r, 2)) == NULL)
		return;
	len = (size_t)p[0] << 8 | p[1];
	if (len >= dstsz || (p = take(r, len)) == NULL) {
		r->bad = 1;
		return;
	}
	memcpy(dst, p, len);
	dst[len] = '\0';
}

int
row_decode(const void *data, size_t len, struct row *out)
{
	struct rbuf	 r = { data, len, 0 };
	const uint8_t	*p;
	size_t		 i, k;

	memset(out, 0, sizeof(*out));
	out->source = take_u8(&r);
	out->role = take_u8(&r);
	if ((p = take(&r, 4)) != NULL)
		out->feedno = load_be32(p);
	if ((p = take(&r, 8)) != NULL)
		out->seq = load_be64(p);
	take_str(&r, out->origin, sizeof(out->origin));
	take_str(&r, out->list, sizeof(out->list));
	take_str(&r, out->ref, sizeof(out->ref));
	take_str(&r, out->name, sizeof(out->name));
	take_str(&r, out->matched, sizeof(out->matched));
	take_str(&r, out->country, sizeof(out->country));
	take_str(&r, out->ident, sizeof(out->ident));
	out->norm.kind = (enum name_kind)take_u8(&r);
	out->norm.ntokens = take_u8(&r);
	if (out->norm.ntokens > NAME_TOKENS_MAX)
		r.bad = 1;
	for (i = 0; !r.bad && i < out->norm.ntokens; i++) {
		struct name_token *t = &out->norm.tokens[i];

		t->len = take_u8(&r);
		t->flags = take_u8(&r);
		t->nsyms = take_u8(&r);
		if (t->len > NAME_TOKEN_MAX || t->nsyms > NAME_SYMS_MAX) {
			r.bad = 1;
			break;
		}
		for (k = 0; k < t->nsyms; k++)
			if ((p = take(&r, 4)) != NULL)
				t->syms[k] = load_be32(p);
		if ((p = take(&r, t->len)) != NULL) {
			memcpy(t->text, p, t->len);
			t->text[t->len] = '\0';
		}
	}
	if (r.bad || r.left != 0 || out->source < SCREEN_DENIAL ||
	    out->source > SCREEN_LIST) {
		log_warnx("store", "sparty: corrupt row of %zu bytes", len);
		memset(out, 0, sizeof(*out));
		return LCN_ESTORE;
	}
	return 0;
}
/* A party's first identifier (registration or document number), or NULL. */
const char *
party_first_ident(const Lcn__Party *p)
{
	return p != NULL && p->n_identifiers > 0 ? p->identifiers[0]->value :
	    NULL;
}

size_t
record_key(const char *origin, const char *ref, uint8_t *out)
{
	size_t ol = strlen(origin), rl = strlen(ref);

	if (rl > SCREEN_REF_MAX)
		rl = SCREEN_REF_MAX;
	memcpy(out, origin, ol);
	out[ol] = '\0';
	memcpy(out + ol + 1, ref, rl);
	return ol + 1 + rl;
}

int
record_key_parse(const void *key, size_t len, char *origin, char *ref)
{
	const char	*nul;
	size_t		 ol;

	if ((nul = memchr(key, '\0', len)) == NULL)
		return LCN_ESTORE;
	ol = (size_t)(nul - (const char *)key);
	if (ol >= AGENCY_ID_MAX + 1 || len - ol - 1 >= SCREEN_REF_MAX + 1)
		return LCN_ESTORE;
	memcpy(origin, key, ol);
	origin[ol] = '\0';
	memcpy(ref, nul + 1, len - ol - 1);
	ref[len - ol - 1] = '\0';
	return 0;
}

static void
denial_view_fill(const Lcn__DenialNotice *n, struct denial_view *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->d.ref = n->ref;
	v->d.regime = n->regime;
	v->d.basis = (enum domain_basis)n->control_basis;
	for (i = 0; i < n->n_items && i < REPEATED_MAX; i++)
		v->controls[i] = n->items[i]->control_entry;
	v->d.controls = v->controls;
	v->d.ncontrols = i;
	for (i = 0; i < n->n_parties && i < REPEATED_MAX; i++) {
		v->parties[i].role = (enum domain_role)n->parties[i]->role;
		v->parties[i].name = n->parties[i]->name;
		v->parties[i].country = n->parties[i]->country;
		v->parties[i].src = n->parties[i];
	}
	v->d.parties = v->parties;
	v->d.nparties = i;
	v->d.destination = n->destination_country;
	v->d.decision_ms = n->decision_date_ms;
	v->d.review_ms = n->review_date_ms;
	v->d.src = n;
}

static void
alert_view_fill(const Lcn__EndUserAlert *al, struct alert_view *v)
{
	memset(v, 0, sizeof(*v));
	v->a.ref = al->ref;
	if (al->party != NULL) {
		v->party.role = (enum domain_role)al->party->role;
		v->party.name = al->party->name;
		v->party.country = al->party->country;
		v->party.src = al->party;
		v->a.party = &v->party;
	}
	v->a.valid_from_ms = al->valid_from_ms;
	v->a.valid_until_ms = al->valid_until_ms;
	v->a.src = al;
}

static Lcn__Entry *
entry_load(struct store *s, MDB_txn *txn, uint32_t feedno, uint64_t seq)
{
	Lcn__SignedEntry	*se;
	Lcn__Entry		*e;
	uint8_t			 key[ENTRY_KEY_LEN];
	MDB_val			 k, d;

	store_entry_key(key, feedno, seq);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	if (mdb_get(txn, s->entries, &k, &d) != 0 ||
	    (se = lcn__signed_entry__unpack(NULL, d.mv_size, d.mv_data)) ==
	    NULL)
		return NULL;
	e = lcn__entry__unpack(NULL, se->entry.len, se->entry.data);
	lcn__signed_entry__free_unpacked(se, NULL);
	return e;
}

void
record_free(struct record *r)
{
	size_t i;

	if (r->base != NULL)
		lcn__entry__free_unpacked(r->base, NULL);
	for (i = 0; i < r->nupd; i++)
		if (r->upd[i] != NULL)
			lcn__entry__free_unpacked(r->upd[i], NULL);
	free(r->upd);
	free(r->dv);
	free(r->av);
	free(r->du);
	free(r->au);
	memset(r, 0, sizeof(*r));
}

/*
 * Loads the record origin/ref and computes its state at now_ms. A record
 * whose notice or alert is unknown, or whose rules fail, counts as active
 * (fail safe: a missed denial is worse than a spurious one) with state
 * "unknown". 0, LCN_ENOTFOUND or LCN_ENOMEM.
 */
int
record_load(struct store *s, MDB_txn *txn, const char *origin,
    const char *ref, uint64_t now_ms, struct record *r)
{
	uint8_t		 key[REC_KEY_MAX + 1];
	const uint8_t	*p;
	MDB_val		 k, d;
	size_t		 i, n;
	int		 rc;

	memset(r, 0, sizeof(*r));
	k.mv_data = key;
	k.mv_size = record_key(origin, ref, key);
	if ((rc = mdb_get(txn, s->screen->recs, &k, &d)) != 0 &&
	    rc != MDB_NOTFOUND)
		return store_lmdb_err("srecs get", rc);
	if (rc != 0 || d.mv_size < 17)
		return LCN_ENOTFOUND;
	p = d.mv_data;
	n = load_be32(p + 13);
	if (n != (d.mv_size - 17) / 12 || (d.mv_size - 17) % 12 != 0)
		return LCN_ENOTFOUND;
	r->source = p[0];
	str_copy(r->origin, sizeof(r->origin), origin);
	r->feedno = load_be32(p + 1);
	r->seq = load_be64(p + 5);
	r->active = 1;
	r->state = "unknown";
	if (r->seq == 0 || (r->base = entry_load(s, txn, r->feedno,
	    r->seq)) == NULL)
		return 0;
	if ((r->upd = calloc(n + 1, sizeof(*r->upd))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++)
		r->upd[r->nupd++] = entry_load(s, txn,
		    load_be32(p + 17 + i * 12), load_be64(p + 17 + i * 12 + 4));
	if (r->source == SCREEN_DENIAL &&
	    r->base->body_case == LCN__ENTRY__BODY_DENIAL_NOTICE) {
		size_t nu = 0;

		if ((r->dv = calloc(n + 1, sizeof(*r->dv))) == NULL ||
		    (r->du = calloc(n + 1, sizeof(*r->du))) == NULL)
			goto nomem;
		denial_view_fill(r->base->denial_notice, &r->dv[0]);
		for (i = 0; i < r->nupd; i++) {
			const Lcn__DenialUpdate *u;

			if (r->upd[i] == NULL || r->upd[i]->body_case !=
			    LCN__ENTRY__BODY_DENIAL_UPDATE)
				continue;
			u = r->upd[i]->denial_update;
			r->du[nu].action = (enum domain_denial_action)u->action;
			r->du[nu].new_review_ms = u->new_review_date_ms;
			if (u->amended != NULL) {
				denial_view_fill(u->amended, &r->dv[nu + 1]);
				r->du[nu].amended = &r->dv[nu + 1].d;
			}
			nu++;
		}
		if (domain_denial_state(&r->dv[0].d, r->du, nu, now_ms,
		    &r->dst) == 0) {
			r->active = domain_denial_active(r->dst.state);
			r->state = domain_denial_state_name(r->dst.state);
		}
	} else if (r->source == SCREEN_ALERT &&
	    r->base->body_case == LCN__ENTRY__BODY_END_USER_ALERT) {
		size_t nu = 0;

		if ((r->av = calloc(n + 1, sizeof(*r->av))) == NULL ||
		    (r->au = calloc(n + 1, sizeof(*r->au))) == NULL)
			goto nomem;
		alert_view_fill(r->base->end_user_alert, &r->av[0]);
		for (i = 0; i < r->nupd; i++) {
			const Lcn__AlertUpdate *u;

			if (r->upd[i] == NULL || r->upd[i]->body_case !=
			    LCN__ENTRY__BODY_ALERT_UPDATE)
				continue;
			u = r->upd[i]->alert_update;
			r->au[nu].action = (enum domain_alert_action)u->action;
			r->au[nu].valid_until_ms = u->valid_until_ms;
			if (u->amended != NULL) {
				alert_view_fill(u->amended, &r->av[nu + 1]);
				r->au[nu].amended = &r->av[nu + 1].a;
			}
			nu++;
		}
		if (domain_alert_state(&r->av[0].a, r->au, nu, now_ms,
		    &r->ast) == 0) {
			r->active = r->ast.state == DOMAIN_ALERT_ACTIVE;
			r->state = domain_alert_state_name(r->ast.state);
		}
	}
	return 0;
 nomem:
	record_free(r);
	return LCN_ENOMEM;
}
