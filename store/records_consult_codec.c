/*
 * The encodings of the consultations' tables (records_consult_int.h):
 * field by field, big-endian, every length checked when read back; and
 * the small public helpers of records_consult.h (the transaction hash,
 * the names of the reasons an entry was ignored).
 */
#include <stdlib.h>
#include <string.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "log.h"
#include "records_consult_int.h"
#include "util.h"

static size_t
put_str8(uint8_t *p, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		n = max;
	p[0] = (uint8_t)n;
	memcpy(p + 1, s, n);
	return n + 1;
}

/* A u8-length string of at most max bytes at *off; 0 or LCN_ESTORE. */
static int
get_str8(const uint8_t *p, size_t len, size_t *off, char *out, size_t max)
{
	size_t n;

	if (*off >= len || (n = p[*off]) > max || len - *off - 1 < n)
		return LCN_ESTORE;
	memcpy(out, p + *off + 1, n);
	out[n] = '\0';
	*off += n + 1;
	return 0;
}

/* A NUL-terminated string of at most max bytes at *off. */
static int
get_strz(const uint8_t *p, size_t len, size_t *off, char *out, size_t max)
{
	const uint8_t	*z;
	size_t		 n;

	if (*off >= len || (z = memchr(p + *off, '\0', len - *off)) == NULL ||
	    (n = (size_t)(z - (p + *off))) > max)
		return LCN_ESTORE;
	memcpy(out, p + *off, n);
	out[n] = '\0';
	*off += n + 1;
	return 0;
}

size_t
cons_encode(const struct cons *c, uint8_t *buf)
{
	const struct consult_track *t = &c->t;
	size_t	off, i;

	buf[0] = (uint8_t)t->state;
	buf[1] = (uint8_t)t->silence;
	buf[2] = (uint8_t)(t->info_restarts != 0);
	buf[3] = (uint8_t)t->position;
	buf[4] = (uint8_t)t->decision;
	buf[5] = (uint8_t)(t->undercut != 0);
	buf[6] = (uint8_t)(t->decided_lapsed != 0);
	buf[7] = c->intended;
	buf[8] = c->basis;
	store_be32(buf + 9, c->days);
	store_be32(buf + 13, t->ninfo);
	store_be32(buf + 17, t->nextended);
	store_be64(buf + 21, t->asked_ms);
	store_be64(buf + 29, t->deadline_ms);
	store_be64(buf + 37, t->first_deadline_ms);
	store_be64(buf + 45, t->extension_limit_ms);
	store_be64(buf + 53, t->replied_ms);
	store_be64(buf + 61, t->decided_ms);
	store_be64(buf + 69, c->seq);
	store_be64(buf + 77, c->req_deadline_ms);
	memcpy(buf + 85, c->tx_hash, HASH_LEN);
	store_be32(buf + 117, c->ndenials);
	off = CONS_FIXED;
	off += put_str8(buf + off, c->consulted, AGENCY_ID_MAX);
	off += put_str8(buf + off, c->group, GROUP_NAME_MAX);
	off += put_str8(buf + off, c->regime, RECORD_REGIME_MAX);
	off += put_str8(buf + off, c->decision_ref, RECORD_REF_MAX);
	for (i = 0; i < c->ndenials && i < CONSULT_DENIALS_SHOWN; i++)
		off += put_str8(buf + off, c->denials[i], RECORD_REF_MAX);
	return off;
}

int
cons_decode(const void *data, size_t len, struct cons *c)
{
	const uint8_t		*p = data;
	struct consult_track	*t = &c->t;
	size_t			 off, i;

	memset(c, 0, sizeof(*c));
	if (len < CONS_FIXED || p[0] > CONSULT_CLOSED)
		goto bad;
	t->state = (enum consult_state)p[0];
	t->silence = (enum consult_silence)p[1];
	t->info_restarts = p[2];
	t->position = (enum consult_position)p[3];
	t->decision = (enum consult_decision)p[4];
	t->undercut = p[5];
	t->decided_lapsed = p[6];
	c->intended = p[7];
	c->basis = p[8];
	c->days = load_be32(p + 9);
	t->ninfo = load_be32(p + 13);
	t->nextended = load_be32(p + 17);
	t->asked_ms = load_be64(p + 21);
	t->deadline_ms = load_be64(p + 29);
	t->first_deadline_ms = load_be64(p + 37);
	t->extension_limit_ms = load_be64(p + 45);
	t->replied_ms = load_be64(p + 53);
	t->decided_ms = load_be64(p + 61);
	c->seq = load_be64(p + 69);
	c->req_deadline_ms = load_be64(p + 77);
	memcpy(c->tx_hash, p + 85, HASH_LEN);
	c->ndenials = load_be32(p + 117);
	off = CONS_FIXED;
	if (get_str8(p, len, &off, c->consulted, AGENCY_ID_MAX) != 0 ||
	    get_str8(p, len, &off, c->group, GROUP_NAME_MAX) != 0 ||
	    get_str8(p, len, &off, c->regime, RECORD_REGIME_MAX) != 0 ||
	    get_str8(p, len, &off, c->decision_ref, RECORD_REF_MAX) != 0)
		goto bad;
	for (i = 0; i < c->ndenials && i < CONSULT_DENIALS_SHOWN; i++)
		if (get_str8(p, len, &off, c->denials[i], RECORD_REF_MAX) != 0)
			goto bad;
	if (off != len)
		goto bad;
	return 0;
 bad:
	log_warnx("store", "rconsult: a consultation is corrupt; run lcn "
	    "reindex");
	memset(c, 0, sizeof(*c));
	return LCN_ESTORE;
}

uint64_t
cons_deadline_key(const struct cons *c)
{
	return c->t.deadline_ms == 0 ? UINT64_MAX : c->t.deadline_ms;
}

void
cons_info_fill(const struct cons *c, const char *asker, const char *ref,
    uint64_t at_ms, struct consult_info *ci)
{
	size_t i;

	memset(ci, 0, sizeof(*ci));
	str_copy(ci->asker, sizeof(ci->asker), asker);
	str_copy(ci->ref, sizeof(ci->ref), ref);
	str_copy(ci->consulted, sizeof(ci->consulted), c->consulted);
	str_copy(ci->group, sizeof(ci->group), c->group);
	str_copy(ci->regime, sizeof(ci->regime), c->regime);
	for (i = 0; i < c->ndenials && i < CONSULT_DENIALS_SHOWN; i++)
		str_copy(ci->denials[i], sizeof(ci->denials[i]),
		    c->denials[i]);
	ci->ndenials = c->ndenials;
	ci->intended = c->intended;
	ci->basis = (enum consult_basis)c->basis;
	ci->days = c->days;
	ci->track = c->t;
	ci->state = consult_state_at(&c->t, at_ms);
	str_copy(ci->feed.origin, sizeof(ci->feed.origin), asker);
	str_copy(ci->feed.group, sizeof(ci->feed.group), c->group);
	ci->seq = c->seq;
	str_copy(ci->decision_ref, sizeof(ci->decision_ref), c->decision_ref);
	memcpy(ci->transaction_hash, c->tx_hash, HASH_LEN);
}

/* ------------------------------------------------------------ rcindex */

/* The keys of c that move with its state and deadline: D, G, A, S. */
size_t
cons_state_keys(const struct cons *c, const char *asker, const uint8_t *ck,
    size_t cklen, uint8_t (*keys)[CIX_KEY_MAX], size_t *lens)
{
	const char	*who[2];
	uint64_t	 dl = cons_deadline_key(c);
	size_t		 n = 0, i, l, o;

	keys[n][0] = 'D';
	store_be64(keys[n] + 1, dl);
	memcpy(keys[n] + 9, ck, cklen);
	lens[n++] = 9 + cklen;
	keys[n][0] = 'G';
	keys[n][1] = (uint8_t)c->t.state;
	store_be64(keys[n] + 2, dl);
	memcpy(keys[n] + 10, ck, cklen);
	lens[n++] = 10 + cklen;
	who[0] = asker;
	who[1] = c->consulted;
	for (i = 0; i < 2; i++) {
		l = strlen(who[i]);
		keys[n][0] = 'A';
		memcpy(keys[n] + 1, who[i], l + 1);
		o = 2 + l;
		keys[n][o++] = (uint8_t)i;
		store_be64(keys[n] + o, dl);
		memcpy(keys[n] + o + 8, ck, cklen);
		lens[n++] = o + 8 + cklen;
		keys[n][0] = 'S';
		memcpy(keys[n] + 1, who[i], l + 1);
		o = 2 + l;
		keys[n][o++] = (uint8_t)i;
		keys[n][o++] = (uint8_t)c->t.state;
		store_be64(keys[n] + o, dl);
		memcpy(keys[n] + o + 8, ck, cklen);
		lens[n++] = o + 8 + cklen;
	}
	return n;
}

/* ------------------------------------------------------------ events */

size_t
cev_key(const uint8_t *ck, size_t cklen, const struct cev *e, uint8_t *out)
{
	size_t	n, l;

	memcpy(out, ck, cklen);
	n = cklen;
	out[n++] = '\0';
	out[n++] = e->cls;
	store_be64(out + n, e->created_ms);
	n += 8;
	l = strlen(e->signer);
	memcpy(out + n, e->signer, l + 1);
	n += l + 1;
	l = strlen(e->group);
	memcpy(out + n, e->group, l + 1);
	n += l + 1;
	store_be64(out + n, e->seq);
	return n + 8;
}

size_t
cev_encode(const struct cev *e, uint8_t *out)
{
	out[0] = e->body;
	out[1] = e->step;
	out[2] = e->what;
	store_be64(out + 3, e->when_ms);
	return 11 + put_str8(out + 11, e->ref, RECORD_REF_MAX);
}

int
cev_decode(const void *key, size_t klen, size_t cklen, const void *val,
    size_t vlen, struct cev *e)
{
	const uint8_t	*k = key, *v = val;
	size_t		 off;

	memset(e, 0, sizeof(*e));
	off = cklen + 1;
	if (klen < off + 9 + 2 + 8 || vlen < 12)
		goto bad;
	e->cls = k[off];
	e->created_ms = load_be64(k + off + 1);
	off += 9;
	if (get_strz(k, klen, &off, e->signer, AGENCY_ID_MAX) != 0 ||
	    get_strz(k, klen, &off, e->group, GROUP_NAME_MAX) != 0 ||
	    klen - off != 8)
		goto bad;
	e->seq = load_be64(k + off);
	e->body = v[0];
	e->step = v[1];
	e->what = v[2];
	e->when_ms = load_be64(v + 3);
	off = 11;
	if (get_str8(v, vlen, &off, e->ref, RECORD_REF_MAX) != 0 ||
	    off != vlen)
		goto bad;
	return 0;
 bad:
	log_warnx("store", "rcevent: an event is corrupt; run lcn reindex");
	memset(e, 0, sizeof(*e));
	return LCN_ESTORE;
}

/* ------------------------------------------------------------ decisions */

int
decision_decode(const void *key, size_t klen, const void *val, size_t vlen,
    struct decision_notice *dn)
{
	const uint8_t	*k = key, *v = val;
	size_t		 off = 0;

	memset(dn, 0, sizeof(*dn));
	if (get_strz(k, klen, &off, dn->regime, RECORD_REGIME_MAX) != 0 ||
	    klen - off < 8)
		goto bad;
	dn->date_ms = load_be64(k + off);
	off += 8;
	if (get_strz(k, klen, &off, dn->origin, AGENCY_ID_MAX) != 0 ||
	    get_strz(k, klen, &off, dn->feed.group, GROUP_NAME_MAX) != 0 ||
	    klen - off != 8 || vlen < 12)
		goto bad;
	dn->seq = load_be64(k + off);
	str_copy(dn->feed.origin, sizeof(dn->feed.origin), dn->origin);
	dn->decision = v[0];
	dn->undercut = v[1];
	dn->notification = v[2];
	off = 12;
	if (get_str8(v, vlen, &off, dn->ref, RECORD_REF_MAX) != 0 ||
	    get_str8(v, vlen, &off, dn->request_ref, RECORD_REF_MAX) != 0 ||
	    get_str8(v, vlen, &off, dn->denial_ref, RECORD_REF_MAX) != 0 ||
	    off != vlen)
		goto bad;
	if (domain_ref_origin(dn->denial_ref, dn->denial_origin,
	    sizeof(dn->denial_origin)) != 0)
		dn->denial_origin[0] = '\0';
	return 0;
 bad:
	log_warnx("store", "rdecision: a decision is corrupt; run lcn "
	    "reindex");
	memset(dn, 0, sizeof(*dn));
	return LCN_ESTORE;
}

/* ------------------------------------------------------------ helpers */

void
records_consult_tx_hash(const void *transaction, uint8_t out[HASH_LEN])
{
	const Lcn__Transaction	*t = transaction;
	uint8_t			*buf;
	size_t			 n;

	if (t == NULL) {
		hash_sha256("", 0, out);
		return;
	}
	n = lcn__transaction__get_packed_size(t);
	if ((buf = malloc(n > 0 ? n : 1)) == NULL) {
		/* Never equal to a real transaction's hash. */
		memset(out, 0, HASH_LEN);
		return;
	}
	lcn__transaction__pack(t, buf);
	hash_sha256(buf, n, out);
	free(buf);
}

const char *
records_consult_ignored_name(int reason)
{
	switch (reason) {
	case CONSULT_STEP_UNKNOWN_REQUEST:
		return "unknown-request";
	case CONSULT_STEP_NOT_PAIR:
		return "not-in-pair";
	case CONSULT_STEP_DUPLICATE:
		return "duplicate-ref";
	default:
		return consult_step_name((enum consult_step)reason);
	}
}

const char *
records_consult_ignored_text(int reason)
{
	switch (reason) {
	case CONSULT_STEP_UNKNOWN_REQUEST:
		return "names no consultation request this node holds";
	case CONSULT_STEP_NOT_PAIR:
		return "outside the request's bilateral group, or a request "
		    "that does not consult the other agency of its pair";
	case CONSULT_STEP_DUPLICATE:
		return "a second request with a ref already in use: the first "
		    "stands";
	default:
		return consult_step_text((enum consult_step)reason);
	}
}
