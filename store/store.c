/*
 * The LMDB environment, its sub-databases, transaction helpers and the
 * read side of the ledger: feeds, ranges of entries, forks and sums. The
 * layout is described in store_int.h.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "hash.h"
#include "lcn_err.h"
#include "log.h"
#include "merkle.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

static const char meta_version[] = "version";
static const char meta_next_feed[] = "next_feed";

/*
 * A commit that fails with EIO and leaves less than this free is taken for
 * a full disk (see store_txn_commit).
 */
#define DISK_FULL_SLACK	(1024 * 1024)

/*
 * The map size the writing environment was opened with, for the map-full
 * message: store_lmdb_err() is called without the environment, and a
 * process writes one ledger (lcnd's).
 */
static uint64_t	map_size_writer;

/* "12.3 MiB" or "512 KiB": what an operator reads of a size. */
static void
fmt_size(uint64_t n, char *buf, size_t bufsz)
{
	if (n >= 1024 * 1024)
		snprintf(buf, bufsz, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(buf, bufsz, "%" PRIu64 " KiB", n / 1024);
}

int
store_lmdb_err(const char *what, int rc)
{
	char	size[32];

	if (rc != MDB_MAP_FULL) {
		log_warnx("store", "%s: %s", what, mdb_strerror(rc));
		return LCN_ESTORE;
	}
	/* The operator must act: say which limit and what to do. */
	fmt_size(map_size_writer, size, sizeof(size));
	lcn_err_note(LCN_EFULL, "ledger map full: the ledger has used all of "
	    "its map_size (%s); raise map_size in [node] and restart lcnd",
	    size);
	log_error("store", "%s: %s: %s", what, mdb_strerror(rc),
	    lcn_strerror(LCN_EFULL));
	return LCN_EFULL;
}

static int
txn_begin(struct store *s, unsigned int flags, MDB_txn **txn)
{
	int rc;

	*txn = NULL;
	if (!(flags & MDB_RDONLY) && s->read_only) {
		log_warnx("store", "write on a store opened read-only");
		return LCN_ESTORE;
	}
	if ((rc = mdb_txn_begin(s->env, flags & MDB_RDONLY ? NULL : s->group,
	    flags, txn)) != 0)
		return store_lmdb_err("mdb_txn_begin", rc);
	return 0;
}

int
store_txn_begin(struct store *s, int rdonly, MDB_txn **txn)
{
	return txn_begin(s, rdonly ? MDB_RDONLY : 0, txn);
}

int
store_txn_begin_derived(struct store *s, MDB_txn **txn)
{
	return txn_begin(s, MDB_NOMETASYNC, txn);
}

int
store_group_begin(struct store *s)
{
	int r;

	LCN_ASSERT(s->group == NULL);
	if ((r = store_txn_begin(s, 0, &s->group)) != 0)
		s->group = NULL;
	return r;
}

int
store_group_commit(struct store *s)
{
	MDB_txn	*txn = s->group;

	LCN_ASSERT(txn != NULL);
	s->group = NULL;
	return store_txn_commit(txn);
}

void
store_group_abort(struct store *s)
{
	if (s->group != NULL)
		mdb_txn_abort(s->group);
	s->group = NULL;
}

/*
 * A commit's write failure caused by a full file system: an operator must
 * free space, and wants to know how much is left. LMDB returns a failed
 * write's errno (ENOSPC, EDQUOT) but EIO for a short write, which is how
 * a file system that fills up during the write answers (tmpfs does): an
 * EIO with less than DISK_FULL_SLACK left is taken for a full disk too.
 * LMDB writes the meta page last, in place, so a commit whose pages did
 * not fit leaves the ledger as it was (mapfull.sh and diskfull.sh check
 * it with lcn verify).
 */
static int
commit_disk_full(MDB_env *env, int rc)
{
	struct statvfs	 sv;
	const char	*dir = NULL;
	uint64_t	 avail, total;
	char		 a[32], t[32];

	if (rc != ENOSPC && rc != EDQUOT && rc != EIO)
		return 0;
	if (mdb_env_get_path(env, &dir) != 0 || dir == NULL ||
	    statvfs(dir, &sv) == -1)
		return rc != EIO;
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	total = (uint64_t)sv.f_blocks * sv.f_frsize;
	if (rc == EIO && avail >= DISK_FULL_SLACK)
		return 0;
	fmt_size(avail, a, sizeof(a));
	fmt_size(total, t, sizeof(t));
	/* The note may reach a partner (a Reject's text): no path in it. */
	lcn_err_note(LCN_EFULL, "disk full: the data directory has %s free "
	    "of %s; free some space (nothing was stored)", a, t);
	log_error("store", "mdb_txn_commit: %s: %s: %s", mdb_strerror(rc),
	    dir, lcn_strerror(LCN_EFULL));
	return 1;
}

/* Write transactions this process has committed or tried to. */
static uint64_t commits;

uint64_t
store_commits(void)
{
	return __atomic_load_n(&commits, __ATOMIC_SEQ_CST);
}

int
store_txn_commit(MDB_txn *txn)
{
	MDB_env	*env = mdb_txn_env(txn);
	int	 rc;

	/* Counted whatever happens: a reader only learns "maybe changed". */
	__atomic_add_fetch(&commits, 1, __ATOMIC_SEQ_CST);
	/* The env is opened without MDB_NOSYNC: this returns after fsync. */
	if ((rc = mdb_txn_commit(txn)) != 0) {
		if (commit_disk_full(env, rc))
			return LCN_EFULL;
		return store_lmdb_err("mdb_txn_commit", rc);
	}
	return 0;
}

static int
id_terminated(const char *s, size_t sz)
{
	return memchr(s, '\0', sz) != NULL;
}

int
store_feed_id_valid(const struct feed_id *f)
{
	return id_terminated(f->origin, sizeof(f->origin)) &&
	    id_terminated(f->group, sizeof(f->group)) &&
	    agency_id_valid(f->origin) && group_name_valid(f->group);
}

size_t
store_feed_key(const struct feed_id *f, char *buf)
{
	int n;

	n = snprintf(buf, FEED_KEY_MAX + 1, "%s/%s", f->origin, f->group);
	LCN_ASSERT(n > 0 && n <= FEED_KEY_MAX);
	return (size_t)n;
}

int
store_feed_key_parse(const void *key, size_t len, struct feed_id *f)
{
	const char	*k = key, *slash;
	size_t		 olen;

	memset(f, 0, sizeof(*f));
	if (len == 0 || len > FEED_KEY_MAX ||
	    (slash = memchr(k, '/', len)) == NULL)
		goto bad;
	olen = (size_t)(slash - k);
	if (olen >= sizeof(f->origin) || len - olen - 1 >= sizeof(f->group))
		goto bad;
	memcpy(f->origin, k, olen);
	memcpy(f->group, slash + 1, len - olen - 1);
	if (!agency_id_valid(f->origin) || !group_name_valid(f->group))
		goto bad;
	return 0;
 bad:
	memset(f, 0, sizeof(*f));
	log_warnx("store", "feeds: malformed key of %zu bytes", len);
	return LCN_ESTORE;
}

void
store_entry_key(uint8_t k[ENTRY_KEY_LEN], uint32_t no, uint64_t seq)
{
	store_be32(k, no);
	store_be64(k + 4, seq);
}

size_t
store_keys_key(const uint8_t key_id[KEY_ID_LEN], const char *origin,
    uint8_t *k)
{
	size_t olen = strlen(origin);

	LCN_ASSERT(olen <= AGENCY_ID_MAX);
	memcpy(k, key_id, KEY_ID_LEN);
	memcpy(k + KEY_ID_LEN, origin, olen);
	return KEY_ID_LEN + olen;
}

void
store_feedrec_empty(struct feed_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	merkle_init(&rec->range);
	merkle_root(&rec->range, rec->root);
}

int
store_feedrec_decode(const MDB_val *d, struct feed_rec *rec)
{
	const uint8_t	*p = d->mv_data;
	size_t		 i;

	store_feedrec_empty(rec);
	if (d->mv_size < FEEDREC_FIXED)
		goto bad;
	rec->no = load_be32(p);
	rec->seq = load_be64(p + 4);
	rec->verified = load_be64(p + 12);
	rec->frozen_seq = load_be64(p + 20);
	rec->frozen = p[28] != 0;
	rec->range.nhashes = p[29];
	rec->range.n = rec->seq;
	memcpy(rec->hash, p + 30, HASH_LEN);
	memcpy(rec->root, p + 62, HASH_LEN);
	if (rec->no == 0 || rec->verified > rec->seq ||
	    !merkle_valid(&rec->range) ||
	    d->mv_size != FEEDREC_FIXED + rec->range.nhashes * HASH_LEN)
		goto bad;
	for (i = 0; i < rec->range.nhashes; i++)
		memcpy(rec->range.hashes[i], p + FEEDREC_FIXED + i * HASH_LEN,
		    HASH_LEN);
	return 0;
 bad:
	log_warnx("store", "feeds: corrupt record of %zu bytes", d->mv_size);
	store_feedrec_empty(rec);
	return LCN_ESTORE;
}

int
store_feedrec_get(struct store *s, MDB_txn *txn, const struct feed_id *f,
    struct feed_rec *rec)
{
	char	key[FEED_KEY_MAX + 1];
	MDB_val	k, d;
	int	rc;

	store_feedrec_empty(rec);
	k.mv_size = store_feed_key(f, key);
	k.mv_data = key;
	if ((rc = mdb_get(txn, s->feeds, &k, &d)) == MDB_NOTFOUND)
		return LCN_ENOTFOUND;
	if (rc != 0)
		return store_lmdb_err("feeds get", rc);
	return store_feedrec_decode(&d, rec);
}

/* Takes the next feed number from meta. */
static int
feed_number(struct store *s, MDB_txn *txn, uint32_t *no)
{
	MDB_val		k, d;
	uint8_t		buf[4];
	uint32_t	next;
	int		rc;

	*no = 0;
	k.mv_data = (void *)meta_next_feed;
	k.mv_size = sizeof(meta_next_feed) - 1;
	if ((rc = mdb_get(txn, s->meta, &k, &d)) != 0)
		return store_lmdb_err("meta next_feed", rc);
	if (d.mv_size != 4 || (next = load_be32(d.mv_data)) == 0 ||
	    next == UINT32_MAX) {
		log_warnx("store", "meta: next_feed corrupt or exhausted");
		return LCN_ESTORE;
	}
	store_be32(buf, next + 1);
	d.mv_data = buf;
	d.mv_size = sizeof(buf);
	if ((rc = mdb_put(txn, s->meta, &k, &d, 0)) != 0)
		return store_lmdb_err("meta next_feed put", rc);
	*no = next;
	return 0;
}

int
store_feedrec_put(struct store *s, MDB_txn *txn, const struct feed_id *f,
    struct feed_rec *rec)
{
	uint8_t	 buf[FEEDREC_FIXED + MERKLE_RANGE_MAX * HASH_LEN];
	char	 key[FEED_KEY_MAX + 1];
	MDB_val	 k, d;
	size_t	 i;
	int	 r, rc;

	LCN_ASSERT(rec->range.n == rec->seq && merkle_valid(&rec->range));
	LCN_ASSERT(rec->verified <= rec->seq);
	if (rec->no == 0 && (r = feed_number(s, txn, &rec->no)) != 0)
		return r;
	store_be32(buf, rec->no);
	store_be64(buf + 4, rec->seq);
	store_be64(buf + 12, rec->verified);
	store_be64(buf + 20, rec->frozen_seq);
	buf[28] = rec->frozen ? 1 : 0;
	buf[29] = (uint8_t)rec->range.nhashes;
	memcpy(buf + 30, rec->hash, HASH_LEN);
	memcpy(buf + 62, rec->root, HASH_LEN);
	for (i = 0; i < rec->range.nhashes; i++)
		memcpy(buf + FEEDREC_FIXED + i * HASH_LEN, rec->range.hashes[i],
		    HASH_LEN);
	k.mv_size = store_feed_key(f, key);
	k.mv_data = key;
	d.mv_size = FEEDREC_FIXED + rec->range.nhashes * HASH_LEN;
	d.mv_data = buf;
	if ((rc = mdb_put(txn, s->feeds, &k, &d, 0)) != 0)
		return store_lmdb_err("feeds put", rc);
	return 0;
}

void
store_feedrec_state(const struct feed_id *f, const struct feed_rec *rec,
    struct feed_state *st)
{
	memset(st, 0, sizeof(*st));
	st->feed = *f;
	st->seq = rec->seq;
	memcpy(st->hash, rec->hash, HASH_LEN);
	memcpy(st->root, rec->root, HASH_LEN);
	st->verified = rec->verified;
	st->frozen = rec->frozen;
	st->frozen_seq = rec->frozen_seq;
}

int
store_fork_decode(const MDB_val *d, struct fork_val *fv)
{
	const uint8_t	*p = d->mv_data;
	size_t		 left = d->mv_size, nlen;
	uint32_t	 len;

	memset(fv, 0, sizeof(*fv));
	if (left < 9)
		goto bad;
	fv->detected_ms = load_be64(p);
	nlen = p[8];
	p += 9;
	left -= 9;
	if (nlen > left || store_feed_key_parse(p, nlen, &fv->feed) != 0)
		goto bad;
	p += nlen;
	left -= nlen;
	if (left < 4 || (len = load_be32(p)) == 0 || len > ENTRY_MAX ||
	    len > left - 4)
		goto bad;
	fv->first.ptr = p + 4;
	fv->first.len = len;
	p += 4 + len;
	left -= 4 + len;
	if (left < 4 || (len = load_be32(p)) == 0 || len > ENTRY_MAX ||
	    len != left - 4)
		goto bad;
	fv->second.ptr = p + 4;
	fv->second.len = len;
	return 0;
 bad:
	log_warnx("store", "forks: corrupt record of %zu bytes", d->mv_size);
	memset(fv, 0, sizeof(*fv));
	return LCN_ESTORE;
}

static int
open_dbs(struct store *s, char *errbuf, size_t errbufsz)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} dbs[] = {
		{ "entries", offsetof(struct store, entries) },
		{ "feeds", offsetof(struct store, feeds) },
		{ "keys", offsetof(struct store, keys) },
		{ "forks", offsetof(struct store, forks) },
		{ "meta", offsetof(struct store, meta) },
	};
	MDB_txn		*txn = NULL;
	MDB_val		 k, d;
	uint8_t		 buf[4];
	size_t		 i;
	int		 r, rc;

	if ((r = store_txn_begin(s, s->read_only, &txn)) != 0) {
		snprintf(errbuf, errbufsz, "cannot begin a transaction");
		return r;
	}
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		rc = mdb_dbi_open(txn, dbs[i].name, s->read_only ? 0 :
		    MDB_CREATE, (MDB_dbi *)((char *)s + dbs[i].off));
		if (rc != 0) {
			snprintf(errbuf, errbufsz, "sub-database %s: %s",
			    dbs[i].name, rc == MDB_NOTFOUND ?
			    "missing: not an LCN ledger" : mdb_strerror(rc));
			r = store_lmdb_err("mdb_dbi_open", rc);
			goto out;
		}
	}
	k.mv_data = (void *)meta_version;
	k.mv_size = sizeof(meta_version) - 1;
	rc = mdb_get(txn, s->meta, &k, &d);
	if (rc == MDB_NOTFOUND && !s->read_only) {
		/* A new ledger. */
		store_be32(buf, STORE_FORMAT_VERSION);
		d.mv_data = buf;
		d.mv_size = sizeof(buf);
		if ((rc = mdb_put(txn, s->meta, &k, &d, 0)) != 0)
			goto lmdb;
		k.mv_data = (void *)meta_next_feed;
		k.mv_size = sizeof(meta_next_feed) - 1;
		store_be32(buf, 1);
		if ((rc = mdb_put(txn, s->meta, &k, &d, 0)) != 0)
			goto lmdb;
	} else if (rc != 0) {
		goto lmdb;
	} else if (d.mv_size != 4 ||
	    load_be32(d.mv_data) != STORE_FORMAT_VERSION) {
		snprintf(errbuf, errbufsz, "ledger format version %u, this "
		    "build reads version %d", d.mv_size == 4 ?
		    load_be32(d.mv_data) : 0, STORE_FORMAT_VERSION);
		r = LCN_ESTORE;
		goto out;
	}
	r = store_txn_commit(txn);
	txn = NULL;
	if (r != 0)
		snprintf(errbuf, errbufsz, "cannot commit the ledger layout");
	goto out;
 lmdb:
	snprintf(errbuf, errbufsz, "meta: %s", mdb_strerror(rc));
	r = store_lmdb_err("meta", rc);
 out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	return r;
}

int
store_open(const struct store_opts *o, struct store **out, char *errbuf,
    size_t errbufsz)
{
	struct store	*s = NULL;
	struct stat	 st;
	int		 r, rc, dead;

	*out = NULL;
	if (errbufsz > 0)
		errbuf[0] = '\0';
	if (o == NULL || o->dir == NULL) {
		snprintf(errbuf, errbufsz, "no data directory");
		return LCN_EINVAL;
	}
	if ((r = hash_init()) != 0) {
		snprintf(errbuf, errbufsz, "cannot fetch SHA-256");
		return r;
	}
	if (!o->read_only && mkdir(o->dir, 0700) == -1 && errno != EEXIST) {
		snprintf(errbuf, errbufsz, "%s: cannot create: %s", o->dir,
		    strerror(errno));
		return LCN_EIO;
	}
	if (stat(o->dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(errbuf, errbufsz, "%s: not a directory", o->dir);
		return LCN_EIO;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(errbuf, errbufsz, "out of memory");
		return LCN_ENOMEM;
	}
	s->read_only = o->read_only;
	if ((rc = mdb_env_create(&s->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(s->env, STORE_MAXDBS)) != 0)
		goto lmdb;
	/*
	 * The map is sparse and file-backed: its size only reserves address
	 * space. A read-only open keeps the size the writer recorded unless
	 * one is given.
	 */
	if ((!o->read_only || o->map_size != 0) &&
	    (rc = mdb_env_set_mapsize(s->env, o->map_size ? o->map_size :
	    STORE_MAP_SIZE_DEFAULT)) != 0)
		goto lmdb;
	if ((rc = mdb_env_open(s->env, o->dir, o->read_only ? MDB_RDONLY : 0,
	    0600)) != 0) {
		if (rc == ENOENT) {
			snprintf(errbuf, errbufsz, "%s: no ledger here",
			    o->dir);
			r = LCN_EIO;
			goto out;
		}
		goto lmdb;
	}
	if (!o->read_only)
		map_size_writer = o->map_size ? o->map_size :
		    STORE_MAP_SIZE_DEFAULT;
	/* Slots of readers that died (kill -9) would pin old pages. */
	(void)mdb_reader_check(s->env, &dead);
	if ((r = open_dbs(s, errbuf, errbufsz)) != 0)
		goto out;
	*out = s;
	s = NULL;
	r = 0;
	goto out;
 lmdb:
	snprintf(errbuf, errbufsz, "%s: %s", o->dir, mdb_strerror(rc));
	r = store_lmdb_err(o->dir, rc);
 out:
	store_close(s);
	return r;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	/* The index's state is screen.c's to free: store_screen_disable(). */
	LCN_ASSERT(s->screen == NULL);
	if (s->env != NULL)
		mdb_env_close(s->env);
	free(s);
}

int
store_feed(struct store *s, const char *origin, const char *group,
    struct feed_state *out)
{
	struct feed_id	 f;
	struct feed_rec	 rec;
	MDB_txn		*txn;
	int		 r;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (strlen(origin) >= sizeof(f.origin) ||
	    strlen(group) >= sizeof(f.group))
		return LCN_EINVAL;
	memcpy(f.origin, origin, strlen(origin));
	memcpy(f.group, group, strlen(group));
	if (!store_feed_id_valid(&f))
		return LCN_EINVAL;
	if (s->group != NULL) {
		/* The group's own view: what it has stored so far. */
		r = store_feedrec_get(s, s->group, &f, &rec);
	} else {
		if ((r = store_txn_begin(s, 1, &txn)) != 0)
			return r;
		r = store_feedrec_get(s, txn, &f, &rec);
		mdb_txn_abort(txn);
	}
	if (r == LCN_ENOTFOUND)
		r = 0;
	if (r == 0)
		store_feedrec_state(&f, &rec, out);
	return r;
}

int
store_feeds(struct store *s, struct feed_state **out, size_t *n)
{
	struct feed_state	*v = NULL;
	struct feed_rec		 rec;
	struct feed_id		 f;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL;
	MDB_stat		 ms;
	MDB_val			 k, d;
	size_t			 i = 0;
	int			 r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_txn_begin(s, 1, &txn)) != 0)
		return r;
	if ((rc = mdb_stat(txn, s->feeds, &ms)) != 0 ||
	    (rc = mdb_cursor_open(txn, s->feeds, &c)) != 0) {
		r = store_lmdb_err("feeds", rc);
		goto out;
	}
	if (ms.ms_entries == 0) {
		r = 0;
		goto out;
	}
	if ((v = calloc(ms.ms_entries, sizeof(*v))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		LCN_ASSERT(i < ms.ms_entries);
		if ((r = store_feed_key_parse(k.mv_data, k.mv_size,
		    &f)) != 0 || (r = store_feedrec_decode(&d, &rec)) != 0)
			goto out;
		store_feedrec_state(&f, &rec, &v[i++]);
	}
	if (rc != MDB_NOTFOUND) {
		r = store_lmdb_err("feeds cursor", rc);
		goto out;
	}
	*out = v;
	*n = i;
	v = NULL;
	r = 0;
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	free(v);
	return r;
}

void
store_forks_free(struct fork_record *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].first);
		free(v[i].second);
	}
	free(v);
}

static uint8_t *
dup_bytes(const struct bytes *b)
{
	uint8_t *p;

	if ((p = malloc(b->len ? b->len : 1)) != NULL)
		memcpy(p, b->ptr, b->len);
	return p;
}

int
store_forks(struct store *s, struct fork_record **out, size_t *n)
{
	struct fork_record	*v = NULL;
	struct fork_val		 fv;
	MDB_txn			*txn = NULL;
	MDB_cursor		*c = NULL;
	MDB_stat		 ms;
	MDB_val			 k, d;
	size_t			 i = 0;
	int			 r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_txn_begin(s, 1, &txn)) != 0)
		return r;
	if ((rc = mdb_stat(txn, s->forks, &ms)) != 0 ||
	    (rc = mdb_cursor_open(txn, s->forks, &c)) != 0) {
		r = store_lmdb_err("forks", rc);
		goto out;
	}
	if (ms.ms_entries == 0) {
		r = 0;
		goto out;
	}
	if ((v = calloc(ms.ms_entries, sizeof(*v))) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		LCN_ASSERT(i < ms.ms_entries);
		if (k.mv_size != ENTRY_KEY_LEN ||
		    (r = store_fork_decode(&d, &fv)) != 0) {
			log_warnx("store", "forks: corrupt record");
			r = LCN_ESTORE;
			goto out;
		}
		v[i].feed = fv.feed;
		v[i].seq = load_be64((uint8_t *)k.mv_data + 4);
		v[i].detected_ms = fv.detected_ms;
		if ((v[i].first = dup_bytes(&fv.first)) == NULL ||
		    (v[i].second = dup_bytes(&fv.second)) == NULL) {
			i++;
			r = LCN_ENOMEM;
			goto out;
		}
		v[i].first_len = fv.first.len;
		v[i].second_len = fv.second.len;
		i++;
	}
	if (rc != MDB_NOTFOUND) {
		r = store_lmdb_err("forks cursor", rc);
		goto out;
	}
	*out = v;
	*n = i;
	v = NULL;
	r = 0;
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	store_forks_free(v, i);
	return r;
}

void
store_range_free(struct store_range *rg)
{
	if (rg == NULL)
		return;
	free(rg->items);
	free(rg->buf);
	memset(rg, 0, sizeof(*rg));
}

/*
 * Walks entries from..to of feed no, stopping at the limits. With dst NULL
 * it only counts; otherwise it copies into dst and items. Returns 0 or
 * LCN_ESTORE (a hole or an entry of impossible length: a corrupt ledger).
 */
static int
walk_range(MDB_cursor *c, uint32_t no, uint64_t from, uint64_t to,
    size_t max_bytes, size_t max_items, size_t *nitems, size_t *nbytes,
    uint8_t *dst, struct bytes *items)
{
	uint8_t		key[ENTRY_KEY_LEN];
	MDB_val		k, d;
	uint64_t	seq = from;
	size_t		n = 0, bytes = 0;
	int		rc;

	store_entry_key(key, no, from);
	k.mv_data = key;
	k.mv_size = sizeof(key);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	    rc == 0 && seq <= to; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != ENTRY_KEY_LEN ||
		    load_be32(k.mv_data) != no ||
		    load_be64((uint8_t *)k.mv_data + 4) != seq ||
		    d.mv_size == 0 || d.mv_size > ENTRY_MAX) {
			log_warnx("store", "entries: hole or corrupt entry at "
			    "feed %u seq %llu", no, (unsigned long long)seq);
			return LCN_ESTORE;
		}
		if (max_items != 0 && n == max_items)
			break;
		if (max_bytes != 0 && n > 0 &&
		    (bytes >= max_bytes || d.mv_size > max_bytes - bytes))
			break;
		if (dst != NULL) {
			memcpy(dst + bytes, d.mv_data, d.mv_size);
			items[n].ptr = dst + bytes;
			items[n].len = d.mv_size;
		}
		bytes += d.mv_size;
		n++;
		if (seq++ == to)
			break;
	}
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_lmdb_err("entries cursor", rc);
	if (rc == MDB_NOTFOUND && seq <= to) {
		log_warnx("store", "entries: feed %u ends before its head %llu",
		    no, (unsigned long long)to);
		return LCN_ESTORE;
	}
	*nitems = n;
	*nbytes = bytes;
	return 0;
}

int
store_read(struct store *s, const struct feed_id *f, uint64_t from,
    uint64_t to, size_t max_bytes, size_t max_items, struct store_range *out)
{
	struct feed_rec	 rec;
	MDB_txn		*txn = NULL;
	MDB_cursor	*c = NULL;
	size_t		 n, bytes, n2, bytes2;
	int		 r, rc;

	memset(out, 0, sizeof(*out));
	if (!store_feed_id_valid(f))
		return LCN_EINVAL;
	if (from == 0)
		from = 1;
	if ((r = store_txn_begin(s, 1, &txn)) != 0)
		return r;
	if ((r = store_feedrec_get(s, txn, f, &rec)) != 0) {
		if (r == LCN_ENOTFOUND)
			r = 0;
		goto out;
	}
	if (to > rec.seq)
		to = rec.seq;
	out->first_seq = from;
	if (from > to) {
		r = 0;
		goto out;
	}
	if ((rc = mdb_cursor_open(txn, s->entries, &c)) != 0) {
		r = store_lmdb_err("entries cursor", rc);
		goto out;
	}
	/* Size first, then copy into one buffer: no reallocation. */
	if ((r = walk_range(c, rec.no, from, to, max_bytes, max_items, &n,
	    &bytes, NULL, NULL)) != 0)
		goto out;
	if ((out->items = calloc(n, sizeof(*out->items))) == NULL ||
	    (out->buf = malloc(bytes)) == NULL) {
		r = LCN_ENOMEM;
		goto out;
	}
	if ((r = walk_range(c, rec.no, from, to, max_bytes, max_items, &n2,
	    &bytes2, out->buf, out->items)) != 0)
		goto out;
	LCN_ASSERT(n2 == n && bytes2 == bytes);
	out->nitems = n;
	out->bytes = bytes;
	r = 0;
 out:
	if (c != NULL)
		mdb_cursor_close(c);
	mdb_txn_abort(txn);
	if (r != 0)
		store_range_free(out);
	return r;
}

int
store_stats(struct store *s, struct store_stats *st)
{
	MDB_txn		*txn;
	MDB_stat	 ms;
	MDB_envinfo	 ei;
	int		 r, rc;

	memset(st, 0, sizeof(*st));
	if ((r = store_txn_begin(s, 1, &txn)) != 0)
		return r;
	if ((rc = mdb_stat(txn, s->feeds, &ms)) != 0)
		goto lmdb;
	st->feeds = ms.ms_entries;
	if ((rc = mdb_stat(txn, s->entries, &ms)) != 0)
		goto lmdb;
	st->entries = ms.ms_entries;
	if ((rc = mdb_stat(txn, s->forks, &ms)) != 0)
		goto lmdb;
	st->forks = ms.ms_entries;
	if ((rc = mdb_env_info(s->env, &ei)) != 0 ||
	    (rc = mdb_env_stat(s->env, &ms)) != 0)
		goto lmdb;
	st->map_size = ei.me_mapsize;
	st->map_used = ((uint64_t)ei.me_last_pgno + 1) * ms.ms_psize;
	mdb_txn_abort(txn);
	return 0;
 lmdb:
	mdb_txn_abort(txn);
	memset(st, 0, sizeof(*st));
	return store_lmdb_err("stats", rc);
}
