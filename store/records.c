/*
 * The records' tables (records_int.h): opening and dropping them, the
 * encoding of a record, its index keys and its state at a time. Applying
 * entries is records_apply.c; answering queries is records_query.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "log.h"
#include "records_int.h"
#include "util.h"

/* smeta: present once the records' tables have been filled; "consult"
 * once the consultations' have been too (a ledger indexed before they
 * existed is rebuilt to fill them). */
static const char records_version_key[] = "records";
static const char consult_version_key[] = "consult";

#define RECORDS_NTABLES	10

/* ------------------------------------------------------------ tables */

int
records_open(struct store *s, MDB_txn *txn)
{
	static const char *const names[RECORDS_NTABLES] = { "rrecs",
	    "rignored", "rindex", "rcontrol", "rrefs", "rattest", "rconsult",
	    "rcevent", "rcindex", "rdecision" };
	struct screen	*sc = s->screen;
	MDB_dbi		*dbis[RECORDS_NTABLES];
	MDB_cursor	*c;
	MDB_val		 k, d;
	size_t		 i;
	int		 rc, held;

	dbis[0] = &sc->rrecs;
	dbis[1] = &sc->rignored;
	dbis[2] = &sc->rindex;
	dbis[3] = &sc->rcontrol;
	dbis[4] = &sc->rrefs;
	dbis[5] = &sc->rattest;
	dbis[6] = &sc->rconsult;
	dbis[7] = &sc->rcevent;
	dbis[8] = &sc->rcindex;
	dbis[9] = &sc->rdecision;
	for (i = 0; i < RECORDS_NTABLES; i++)
		if ((rc = mdb_dbi_open(txn, names[i], MDB_CREATE, dbis[i])) !=
		    0)
			return store_lmdb_err("mdb_dbi_open", rc);
	/* Both marks present: the tables are filled. */
	k.mv_data = (void *)records_version_key;
	k.mv_size = sizeof(records_version_key) - 1;
	if ((rc = mdb_get(txn, sc->meta, &k, &d)) != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("smeta get", rc);
	held = rc == 0;
	k.mv_data = (void *)consult_version_key;
	k.mv_size = sizeof(consult_version_key) - 1;
	if ((rc = mdb_get(txn, sc->meta, &k, &d)) != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("smeta get", rc);
	if (held && rc == 0)
		return 0;
	/*
	 * A ledger indexed before these tables existed: its marks say every
	 * entry is indexed, so rebuild (lcn reindex) to fill them.
	 */
	if ((rc = mdb_cursor_open(txn, s->feeds, &c)) != 0)
		return store_lmdb_err("feeds cursor", rc);
	held = mdb_cursor_get(c, &k, &d, MDB_FIRST) == 0;
	mdb_cursor_close(c);
	if (held) {
		log_info("store", "records: deriving the records' tables "
		    "from the ledger (a rebuild of the index)");
		if ((rc = screen_rebuild_put(s, txn, 1)) != 0)
			return rc;
	}
	k.mv_data = (void *)records_version_key;
	k.mv_size = sizeof(records_version_key) - 1;
	d.mv_data = (void *)"1";
	d.mv_size = 1;
	if ((rc = mdb_put(txn, sc->meta, &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	k.mv_data = (void *)consult_version_key;
	k.mv_size = sizeof(consult_version_key) - 1;
	if ((rc = mdb_put(txn, sc->meta, &k, &d, 0)) != 0)
		return store_lmdb_err("smeta put", rc);
	return 0;
}

int
records_drop(struct store *s, MDB_txn *txn)
{
	struct screen	*sc = s->screen;
	MDB_dbi		 dbis[RECORDS_NTABLES];
	size_t		 i;
	int		 rc;

	dbis[0] = sc->rrecs;
	dbis[1] = sc->rignored;
	dbis[2] = sc->rindex;
	dbis[3] = sc->rcontrol;
	dbis[4] = sc->rrefs;
	dbis[5] = sc->rattest;
	dbis[6] = sc->rconsult;
	dbis[7] = sc->rcevent;
	dbis[8] = sc->rcindex;
	dbis[9] = sc->rdecision;
	for (i = 0; i < RECORDS_NTABLES; i++)
		if ((rc = mdb_drop(txn, dbis[i], 0)) != 0)
			return store_lmdb_err("records drop", rc);
	return 0;
}

/* ------------------------------------------------------------ codec */

static size_t
put_str8(uint8_t *p, const char *str)
{
	size_t n = strlen(str);

	p[0] = (uint8_t)n;
	memcpy(p + 1, str, n);
	return n + 1;
}

size_t
rec_encode(const struct rec *r, const uint8_t *extra, uint8_t *buf)
{
	size_t	off, i;

	buf[0] = r->kind;
	buf[1] = r->state;
	store_be32(buf + 2, r->feedno);
	store_be64(buf + 6, r->seq);
	store_be32(buf + 14, r->body_feedno);
	store_be64(buf + 18, r->body_seq);
	store_be64(buf + 26, r->created_ms);
	store_be64(buf + 34, r->from_ms);
	store_be64(buf + 42, r->until_ms);
	off = REC_FIXED;
	off += put_str8(buf + off, r->regime);
	off += put_str8(buf + off, r->country);
	buf[off++] = (uint8_t)(r->ncontrols >> 8);
	buf[off++] = (uint8_t)r->ncontrols;
	for (i = 0; i < r->ncontrols; i++)
		off += put_str8(buf + off, r->controls[i]);
	store_be32(buf + off, (uint32_t)(r->nhist + (extra != NULL)));
	off += 4;
	if (r->nhist > 0)
		memcpy(buf + off, r->hist, r->nhist * REC_HIST_LEN);
	off += r->nhist * REC_HIST_LEN;
	if (extra != NULL) {
		memcpy(buf + off, extra, REC_HIST_LEN);
		off += REC_HIST_LEN;
	}
	return off;
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

int
rec_decode(const void *data, size_t len, struct rec *r)
{
	const uint8_t	*p = data;
	size_t		 off, i;

	memset(r, 0, offsetof(struct rec, controls));
	r->ncontrols = 0;
	r->hist = NULL;
	r->nhist = 0;
	if (len < REC_FIXED + 2 + 2 + 4)
		goto bad;
	r->kind = p[0];
	r->state = p[1];
	r->feedno = load_be32(p + 2);
	r->seq = load_be64(p + 6);
	r->body_feedno = load_be32(p + 14);
	r->body_seq = load_be64(p + 18);
	r->created_ms = load_be64(p + 26);
	r->from_ms = load_be64(p + 34);
	r->until_ms = load_be64(p + 42);
	off = REC_FIXED;
	if (get_str8(p, len, &off, r->regime, RECORD_REGIME_MAX) != 0 ||
	    get_str8(p, len, &off, r->country, RECORD_COUNTRY_MAX) != 0 ||
	    len - off < 2)
		goto bad;
	r->ncontrols = (size_t)p[off] << 8 | p[off + 1];
	off += 2;
	if (r->ncontrols > REPEATED_MAX)
		goto bad;
	for (i = 0; i < r->ncontrols; i++)
		if (get_str8(p, len, &off, r->controls[i],
		    DOMAIN_CONTROL_MAX) != 0)
			goto bad;
	if (len - off < 4)
		goto bad;
	r->nhist = load_be32(p + off);
	off += 4;
	if (r->nhist > REC_HIST_MAX || (len - off) / REC_HIST_LEN !=
	    r->nhist || (len - off) % REC_HIST_LEN != 0 ||
	    (r->kind != RECORD_DENIAL && r->kind != RECORD_ALERT))
		goto bad;
	r->hist = p + off;
	return 0;
 bad:
	log_warnx("store", "rrecs: a record is corrupt; run lcn reindex");
	r->ncontrols = 0;
	r->nhist = 0;
	return LCN_ESTORE;
}

/* ------------------------------------------------------------ keys */

size_t
rec_index_keys(const struct rec *r, const uint8_t *rk, size_t rklen,
    uint8_t (*keys)[REC_INDEX_KEY_MAX], size_t *lens)
{
	size_t	n = 0, i, l;

	for (i = 0; i < r->ncontrols; i++) {
		if (r->controls[i][0] == '\0')
			continue;
		keys[n][0] = 'E';
		keys[n][1] = r->kind;
		l = strlen(r->controls[i]);
		memcpy(keys[n] + 2, r->controls[i], l + 1);
		memcpy(keys[n] + 3 + l, rk, rklen);
		lens[n++] = 3 + l + rklen;
	}
	if (r->country[0] != '\0') {
		keys[n][0] = 'C';
		keys[n][1] = r->kind;
		l = strlen(r->country);
		memcpy(keys[n] + 2, r->country, l + 1);
		memcpy(keys[n] + 3 + l, rk, rklen);
		lens[n++] = 3 + l + rklen;
	}
	/* By structural state and date: review (due) and validity order. */
	keys[n][0] = 'S';
	keys[n][1] = r->kind;
	keys[n][2] = r->state;
	store_be64(keys[n] + 3, r->until_ms == 0 ? UINT64_MAX : r->until_ms);
	memcpy(keys[n] + 11, rk, rklen);
	lens[n++] = 11 + rklen;
	return n;
}

size_t
attest_key(uint8_t kind, const char *feed, const char *agency, uint64_t seq,
    const uint8_t *hash, uint8_t *out)
{
	size_t	n = 0, l;

	out[n++] = kind;
	l = strlen(feed);
	memcpy(out + n, feed, l + 1);
	n += l + 1;
	if (agency != NULL) {
		l = strlen(agency);
		memcpy(out + n, agency, l + 1);
		n += l + 1;
	}
	store_be64(out + n, seq);
	n += 8;
	if (hash != NULL) {
		memcpy(out + n, hash, HASH_LEN);
		n += HASH_LEN;
	}
	return n;
}

/* ------------------------------------------------------------ state */

int
rec_state_at(const struct rec *r, uint64_t at_ms)
{
	struct domain_denial_track	dt;
	struct domain_alert_track	at;

	if (r->kind == RECORD_DENIAL) {
		dt.review_ms = r->until_ms;
		dt.suspended = r->state == DOMAIN_DENIAL_SUSPENDED;
		dt.revoked = r->state == DOMAIN_DENIAL_REVOKED;
		return (int)domain_denial_track_state(&dt, at_ms);
	}
	at.valid_from_ms = r->from_ms;
	at.valid_until_ms = r->until_ms;
	at.withdrawn = r->state == DOMAIN_ALERT_WITHDRAWN;
	return (int)domain_alert_track_state(&at, at_ms);
}

const char *
rec_state_name(const struct rec *r, int state)
{
	if (r->kind == RECORD_DENIAL)
		return domain_denial_state_name(
		    (enum domain_denial_state)state);
	return domain_alert_state_name((enum domain_alert_state)state);
}

const char *
record_ignored_name(int reason)
{
	switch (reason) {
	case RECORD_IGNORED_OTHER_ORIGIN:
		return "other-origin";
	case RECORD_IGNORED_UNKNOWN_REF:
		return "unknown-ref";
	case RECORD_IGNORED_TERMINAL:
		return "terminal";
	case RECORD_IGNORED_DUPLICATE_REF:
		return "duplicate-ref";
	case RECORD_IGNORED_INVALID:
		return "invalid";
	case RECORD_IGNORED_WRONG_KIND:
		return "wrong-kind";
	default:
		return "applied";
	}
}

const char *
record_ignored_text(int reason)
{
	switch (reason) {
	case RECORD_IGNORED_OTHER_ORIGIN:
		return "an update of another agency's record: only its "
		    "origin may change a record";
	case RECORD_IGNORED_UNKNOWN_REF:
		return "no such record in this group when it was signed";
	case RECORD_IGNORED_TERMINAL:
		return "the record had been revoked or withdrawn";
	case RECORD_IGNORED_DUPLICATE_REF:
		return "a second notice with a ref already in use: the first "
		    "stands";
	case RECORD_IGNORED_INVALID:
		return "an update the rules cannot apply (amendment without "
		    "content, renewal without a date, unknown action)";
	case RECORD_IGNORED_WRONG_KIND:
		return "a denial update of an alert, or an alert update of a "
		    "denial";
	default:
		return "";
	}
}

/* ------------------------------------------------------------ forms */

/* Copies in without surrounding white space, cut to max bytes. */
static void
trim_copy(const char *in, char *out, size_t max, int upper)
{
	size_t	n, i;

	if (in == NULL)
		in = "";
	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		char ch = in[i];

		/* Keys and messages never carry control bytes or NULs. */
		if ((unsigned char)ch < 0x20)
			ch = '?';
		out[i] = upper && ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
	}
	out[n] = '\0';
}

void
rec_regime(const char *in, char *out)
{
	static const char *const names[] = { "", "WA", "NSG", "AG", "MTCR",
	    "EU" };
	enum domain_regime r = domain_regime_parse(in);

	if (r != DOMAIN_REGIME_UNKNOWN)
		str_copy(out, RECORD_REGIME_MAX + 1, names[r]);
	else
		trim_copy(in, out, RECORD_REGIME_MAX, 0);
}

void
rec_country(const char *in, char *out)
{
	trim_copy(in, out, RECORD_COUNTRY_MAX, 1);
}

void
rec_control(const char *in, char *out)
{
	struct domain_control c;

	if (domain_control_parse(in, &c) == 0)
		str_copy(out, DOMAIN_CONTROL_MAX + 1, c.text);
	else
		trim_copy(in, out, DOMAIN_CONTROL_MAX, 0);
}

/* ------------------------------------------------------------ feeds */

int
feed_names_load(struct store *s, MDB_txn *txn, struct feed_names *fn)
{
	MDB_cursor	*c;
	MDB_val		 k, d;
	struct feed_id	 f, *nv;
	struct feed_rec	 rec;
	size_t		 cap;
	int		 rc, r = 0;

	memset(fn, 0, sizeof(*fn));
	if ((rc = mdb_cursor_open(txn, s->feeds, &c)) != 0)
		return store_lmdb_err("feeds cursor", rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (store_feed_key_parse(k.mv_data, k.mv_size, &f) != 0 ||
		    store_feedrec_decode(&d, &rec) != 0 || rec.no == 0 ||
		    rec.no > 16u * 1024 * 1024)
			continue;
		if (rec.no >= fn->n) {
			cap = (size_t)rec.no + 16;
			if ((nv = realloc(fn->v, cap * sizeof(*nv))) == NULL) {
				r = LCN_ENOMEM;
				break;
			}
			memset(nv + fn->n, 0, (cap - fn->n) * sizeof(*nv));
			fn->v = nv;
			fn->n = cap;
		}
		fn->v[rec.no] = f;
	}
	if (r == 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("feeds cursor", rc);
	mdb_cursor_close(c);
	if (r != 0)
		feed_names_free(fn);
	return r;
}

void
feed_names_get(const struct feed_names *fn, uint32_t no, struct feed_id *out)
{
	if (no < fn->n)
		*out = fn->v[no];
	else
		memset(out, 0, sizeof(*out));
}

void
feed_names_free(struct feed_names *fn)
{
	free(fn->v);
	memset(fn, 0, sizeof(*fn));
}
