/*
 * Queries across records of the derived state: the control matrix (each
 * agency's latest stage of each control entry of a regime), the split
 * views this node has seen. Which refs an origin has used is in
 * records_refs.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lcn.pb-c.h"

#include "lcn_err.h"
#include "log.h"
#include "records_int.h"
#include "records_query_int.h"
#include "util.h"

int
records_controls(struct store *s, const char *regime, const char *entry,
    int stage, struct control_cell **out, size_t *n)
{
	struct feed_names	 fn;
	struct control_cell	*v = NULL, *nv, *cc;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL;
	MDB_val			 k, d;
	char			 rg[RECORD_REGIME_MAX + 1] = "";
	char			 en[DOMAIN_CONTROL_MAX + 1] = "";
	const char		*kp[3];
	const uint8_t		*p, *end, *nul;
	size_t			 nv_n = 0, cap = 0, i, l;
	int			 rc, r;

	*out = NULL;
	*n = 0;
	memset(&fn, 0, sizeof(fn));
	if (regime != NULL && regime[0] != '\0')
		rec_regime(regime, rg);
	if (entry != NULL && entry[0] != '\0')
		rec_control(entry, en);
	if ((r = records_query_begin(s, &txn)) != 0 ||
	    (r = feed_names_load(s, txn, &fn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, s->screen->rcontrol, &c)) != 0) {
		r = store_lmdb_err("rcontrol cursor", rc);
		goto out;
	}
	k.mv_data = rg;
	k.mv_size = rg[0] != '\0' ? strlen(rg) + 1 : 0;
	rc = k.mv_size ? mdb_cursor_get(c, &k, &d, MDB_SET_RANGE) :
	    mdb_cursor_get(c, &k, &d, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		char	 parts[3][AGENCY_ID_MAX + DOMAIN_CONTROL_MAX + 2];

		/* regime NUL entry NUL agency */
		p = k.mv_data;
		end = p + k.mv_size;
		for (i = 0; i < 3; i++) {
			nul = i < 2 ? memchr(p, '\0', (size_t)(end - p)) : end;
			if (nul == NULL || (l = (size_t)(nul - p)) >=
			    sizeof(parts[i]))
				break;
			memcpy(parts[i], p, l);
			parts[i][l] = '\0';
			kp[i] = parts[i];
			p = nul + (i < 2);
		}
		if (i < 3 || d.mv_size < 29)
			continue;
		if (rg[0] != '\0' && strcmp(kp[0], rg) != 0)
			break;	/* past the regime */
		if (en[0] != '\0' && !records_entry_within(en, kp[1]))
			continue;
		p = d.mv_data;
		if (stage != 0 && p[0] != stage)
			continue;
		if (nv_n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof(*nv))) == NULL) {
				r = LCN_ENOMEM;
				goto out;
			}
			v = nv;
		}
		cc = &v[nv_n++];
		memset(cc, 0, sizeof(*cc));
		str_copy(cc->regime, sizeof(cc->regime), kp[0]);
		str_copy(cc->entry, sizeof(cc->entry), kp[1]);
		str_copy(cc->agency, sizeof(cc->agency), kp[2]);
		cc->stage = p[0];
		cc->effective_ms = load_be64(p + 1);
		cc->created_ms = load_be64(p + 9);
		feed_names_get(&fn, load_be32(p + 17), &cc->feed);
		cc->seq = load_be64(p + 21);
		l = d.mv_size - 29 > RECORD_REF_MAX ? RECORD_REF_MAX :
		    d.mv_size - 29;
		memcpy(cc->ref, p + 29, l);
		cc->ref[l] = '\0';
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rcontrol cursor", rc);
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	if (txn != NULL)
		mdb_txn_abort(txn);
	feed_names_free(&fn);
	if (r != 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = nv_n;
	return 0;
}

/* ------------------------------------------------------------ splits */

static int
splits_read(struct store *s, int index_first, struct split_view **out,
    size_t *n)
{
	struct feed_names	 fn;
	struct split_view	*v = NULL, *nv, *sv;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL, *h = NULL;
	MDB_val			 k, d, hk, hd;
	uint8_t			 pre[1 + FEED_NAME_MAX + 1 + 8];
	const uint8_t		*p;
	size_t			 nv_n = 0, fl, j;
	int			 rc, r;

	*out = NULL;
	*n = 0;
	memset(&fn, 0, sizeof(fn));
	if (s->screen == NULL)
		return LCN_EINVAL;
	if ((r = index_first ? records_query_begin(s, &txn) :
	    store_txn_begin(s, 1, &txn)) != 0 ||
	    (r = feed_names_load(s, txn, &fn)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, s->screen->rattest, &c)) != 0 ||
	    (rc = mdb_cursor_open(txn, s->screen->rattest, &h)) != 0) {
		r = store_lmdb_err("rattest cursor", rc);
		goto out;
	}
	k.mv_data = (void *)"s";
	k.mv_size = 1;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		p = k.mv_data;
		if (k.mv_size < 11 || p[0] != 's')
			break;
		fl = k.mv_size - 10;	/* feed name, without the NUL */
		if (fl > FEED_NAME_MAX || p[1 + fl] != '\0')
			continue;
		if ((nv = realloc(v, (nv_n + 1) * sizeof(*nv))) == NULL) {
			r = LCN_ENOMEM;
			goto out;
		}
		v = nv;
		sv = &v[nv_n];
		memset(sv, 0, sizeof(*sv));
		{
			char	 name[FEED_NAME_MAX + 1];

			memcpy(name, p + 1, fl);
			name[fl] = '\0';
			if (store_feed_key_parse(name, fl, &sv->feed) != 0)
				continue;
		}
		sv->seq = load_be64(p + 2 + fl);
		memcpy(pre, p, k.mv_size);
		pre[0] = 'h';
		hk.mv_data = pre;
		hk.mv_size = k.mv_size;
		j = 0;
		for (rc = mdb_cursor_get(h, &hk, &hd, MDB_SET_RANGE);
		    rc == 0 && j < 2; rc = mdb_cursor_get(h, &hk, &hd,
		    MDB_NEXT)) {
			if (hk.mv_size != k.mv_size + HASH_LEN ||
			    memcmp(hk.mv_data, pre, k.mv_size) != 0 ||
			    hd.mv_size != 12)
				break;
			memcpy(sv->proof[j].leaf_hash, (const uint8_t *)
			    hk.mv_data + k.mv_size, HASH_LEN);
			feed_names_get(&fn, load_be32(hd.mv_data),
			    &sv->proof[j].feed);
			sv->proof[j].seq = load_be64((const uint8_t *)
			    hd.mv_data + 4);
			str_copy(sv->proof[j].agency,
			    sizeof(sv->proof[j].agency),
			    sv->proof[j].feed.origin);
			j++;
		}
		if (rc != 0 && rc != MDB_NOTFOUND) {
			r = store_lmdb_err("rattest cursor", rc);
			goto out;
		}
		nv_n++;
		rc = 0;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		r = store_lmdb_err("rattest cursor", rc);
 out:
	if (h != NULL)
		mdb_cursor_close(h);
	if (c != NULL)
		mdb_cursor_close(c);
	if (txn != NULL)
		mdb_txn_abort(txn);
	feed_names_free(&fn);
	if (r != 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = nv_n;
	return 0;
}

int
records_splits(struct store *s, struct split_view **out, size_t *n)
{
	return splits_read(s, 1, out, n);
}

int
records_splits_indexed(struct store *s, struct split_view **out, size_t *n)
{
	return splits_read(s, 0, out, n);
}
