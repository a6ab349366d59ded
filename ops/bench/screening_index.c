/*
 * The index half of lcn-bench-screening: real LMDB screening indices
 * (store/screen.h) in temporary directories, filled by the list importers,
 * queried exactly as `lcn screen` queries them.
 *
 * 1. The UN consolidated list, the OFAC SDN list (with its aliases) and
 *    the BIS Denied Persons List are imported; recall of the UN positives
 *    (untreated and perturbed) in the top 5 at the default threshold, and
 *    the share of the negative and US Congress names that raise any match
 *    at the default threshold.
 * 2. Speed over every query name: screens per second and p50/p99 latency,
 *    single-threaded, on the real lists, then on a synthetic corpus of
 *    1,000,000 parties (the real SDN rows plus names recombined
 *    deterministically from the real names' words) with the index build
 *    time and the LMDB file size.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "lcn_err.h"
#include "lists.h"
#include "match.h"
#include "screen.h"
#include "store.h"

#include "bench_screening.h"

#define SYNTH_TOTAL	1000000
#define WORDS_MAX	200000

struct names {
	char	**v;
	size_t	  n, cap;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
names_add(struct names *ns, const char *s)
{
	char **nv;

	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 1024;
		if ((nv = realloc(ns->v, ns->cap * sizeof(*nv))) == NULL)
			return LCN_ENOMEM;
		ns->v = nv;
	}
	if ((ns->v[ns->n] = strdup(s)) == NULL)
		return LCN_ENOMEM;
	ns->n++;
	return 0;
}

static void
names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

static int
add_query(const char *value, void *arg)
{
	return value[0] != '\0' ? names_add(arg, value) : 0;
}

/* The full_name column of a query file, one name per row. */
static int
load_queries(const char *data, const char *file, struct names *out)
{
	char	 path[4096];

	snprintf(path, sizeof(path), "%s/%s", data, file);
	return bench_csv_column(path, "full_name", add_query, out);
}

static int
open_index(const char *dir, struct store **s)
{
	struct store_opts	so;
	char			err[512];
	int			r;

	memset(&so, 0, sizeof(so));
	so.dir = dir;
	so.map_size = 16ull << 30;
	if ((r = store_open(&so, s, err, sizeof(err))) != 0 ||
	    (r = store_screen_enable(*s, NULL, err, sizeof(err))) != 0) {
		fprintf(stderr, "index %s: %s\n", dir, err);
		return r;
	}
	return 0;
}

static int
import(struct store *s, enum list_format fmt, const char *path)
{
	struct list_stats	st;
	char			err[512];
	int			r;

	if ((r = store_import_list(s, fmt, path, NULL, NULL, &st, err,
	    sizeof(err))) != 0)
		fprintf(stderr, "import %s: %s\n", path, err);
	return r;
}

/* Whether a UN party is among the first 5 hits at the threshold. */
static int
un_in_top5(struct store *s, const char *name)
{
	struct screen_hit	*h = NULL;
	size_t			 n = 0, i;
	int			 found = 0;

	if (store_screen(s, name, NULL, NULL, MATCH_THRESHOLD, 5, 0, 1, &h,
	    &n) != 0)
		return 0;
	for (i = 0; i < n && !found; i++)
		found = strcmp(h[i].list, "un-xml") == 0;
	free(h);
	return found;
}

static int
any_hit(struct store *s, const char *name)
{
	struct screen_hit	*h = NULL;
	size_t			 n = 0;

	if (store_screen(s, name, NULL, NULL, MATCH_THRESHOLD, 1, 0, 1, &h,
	    &n) != 0)
		return 0;
	free(h);
	return n > 0;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Screens every query once; prints the rate and p50/p99 in ms. */
static double
speed(struct store *s, const struct names *q, const char *label)
{
	struct screen_hit	*h;
	double			*lat, t0, t, total = 0, p50, p99;
	size_t			 i, n;

	if (q->n == 0 || (lat = calloc(q->n, sizeof(*lat))) == NULL)
		return 0;
	for (i = 0; i < q->n; i++) {
		t0 = now_s();
		h = NULL;
		store_screen(s, q->v[i], NULL, NULL, MATCH_THRESHOLD, 10, 0, 1,
		    &h, &n);
		free(h);
		t = now_s() - t0;
		lat[i] = t * 1000;
		total += t;
	}
	qsort(lat, q->n, sizeof(*lat), dbl_cmp);
	p50 = lat[q->n / 2];
	p99 = lat[(q->n * 99) / 100];
	printf("speed %s: %zu screens, %.0f screens/s, p50 %.2f ms, p99 "
	    "%.2f ms\n", label, q->n, (double)q->n / total, p50, p99);
	free(lat);
	return p99;
}

static uint64_t
du_bytes(const char *dir)
{
	struct stat	st;
	char		path[4096];

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &st) != 0)
		return 0;
	return (uint64_t)st.st_blocks * 512;
}

static int
collect_words(const struct list_party *p, void *arg)
{
	struct names	*w = arg;
	char		 buf[512], *tok, *save = NULL;

	if (w->n >= WORDS_MAX)
		return 0;
	snprintf(buf, sizeof(buf), "%s", p->name);
	for (tok = strtok_r(buf, " ,", &save); tok != NULL &&
	    w->n < WORDS_MAX; tok = strtok_r(NULL, " ,", &save))
		if (strlen(tok) >= 3 && strchr(tok, '"') == NULL)
			names_add(w, tok);
	return 0;
}

/*
 * Writes an OFAC SDN-format file of SYNTH_TOTAL parties: the real rows
 * first, then names of 2 to 4 real words picked by a fixed-seed xorshift,
 * so every run builds the same corpus.
 */
static int
write_synthetic(const char *data, const char *out, double *secs)
{
	struct list_ops	 ops;
	struct names	 w = { NULL, 0, 0 };
	char		 src[4096], line[4096];
	FILE		*in, *f;
	uint64_t	 x = 0x9e3779b97f4a7c15ull;
	size_t		 rows = 0, k, nw;
	double		 t0 = now_s();

	snprintf(src, sizeof(src), "%s/sdn.csv", data);
	memset(&ops, 0, sizeof(ops));
	ops.party = collect_words;
	ops.arg = &w;
	if (list_read(LIST_OFAC_SDN, src, &ops, NULL, NULL, 0) != 0 ||
	    w.n == 0 || (f = fopen(out, "w")) == NULL) {
		names_free(&w);
		return LCN_EIO;
	}
	if ((in = fopen(src, "r")) != NULL) {
		while (fgets(line, sizeof(line), in) != NULL &&
		    line[0] != 0x1a) {
			fputs(line, f);
			rows++;
		}
		fclose(in);
	}
	while (rows < SYNTH_TOTAL) {
		char name[512];
		size_t off = 0;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		nw = 2 + x % 3;
		for (k = 0; k < nw; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			off += (size_t)snprintf(name + off, sizeof(name) - off,
			    "%s%s", k ? " " : "", w.v[x % w.n]);
			if (off >= sizeof(name) - 64)
				break;
		}
		fprintf(f, "%zu,\"%s\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,"
		    "-0-\r\n", 90000000 + rows, name);
		rows++;
	}
	fclose(f);
	names_free(&w);
	*secs = now_s() - t0;
	return 0;
}

int
bench_index(const char *data, struct index_figures *fig)
{
	static const char *const negs[] = { "negatives_global.csv",
	    "negatives_us.csv", "positives_us_congress_untreated.csv" };
	struct names	 un = { NULL, 0, 0 }, unt = { NULL, 0, 0 };
	struct names	 all = { NULL, 0, 0 }, neg = { NULL, 0, 0 };
	struct store	*s = NULL;
	char		 dir[] = "/tmp/lcn-bench-index.XXXXXX", path[4096];
	char		 dir1m[] = "/tmp/lcn-bench-1m.XXXXXX", synth[4200];
	double		 t0, build, gen = 0;
	size_t		 i, hit = 0, hitt = 0, nneg = 0, fneg = 0;
	int		 r = LCN_EIO, with_1m;

	with_1m = fig->with_1m;
	memset(fig, 0, sizeof(*fig));
	fig->with_1m = with_1m;
	if (hash_init() != 0 || mkdtemp(dir) == NULL)
		return LCN_EIO;
	if (load_queries(data, "positives_un_untreated.csv", &un) != 0 ||
	    load_queries(data, "positives_un_treated.csv", &unt) != 0)
		goto out;
	for (i = 0; i < 3; i++)
		if (load_queries(data, negs[i], &neg) != 0)
			goto out;
	if ((r = open_index(dir, &s)) != 0)
		goto out;
	t0 = now_s();
	snprintf(path, sizeof(path), "%s/UN_consolidated.xml", data);
	if ((r = import(s, LIST_UN_XML, path)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/sdn.csv", data);
	if ((r = import(s, LIST_OFAC_SDN, path)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/dpl.txt", data);
	if ((r = import(s, LIST_BIS_DPL, path)) != 0)
		goto out;
	build = now_s() - t0;
	printf("index: UN + OFAC SDN + BIS DPL imported in %.2f s, LMDB "
	    "%.1f MiB\n", build, (double)du_bytes(dir) / (1 << 20));

	for (i = 0; i < un.n; i++)
		hit += un_in_top5(s, un.v[i]);
	for (i = 0; i < unt.n; i++)
		hitt += un_in_top5(s, unt.v[i]);
	for (i = 0; i < neg.n; i++, nneg++)
		fneg += any_hit(s, neg.v[i]);
	fig->un_recall = un.n ? (double)hit / un.n : 0;
	fig->un_recall_treated = unt.n ? (double)hitt / unt.n : 0;
	fig->false_hits = nneg ? (double)fneg / nneg : 0;
	printf("UN positives: %zu/%zu untreated, %zu/%zu treated in the top 5 "
	    "at %.2f\n", hit, un.n, hitt, unt.n, MATCH_THRESHOLD);
	printf("negatives + US Congress: %zu/%zu raise a match at %.2f\n",
	    fneg, nneg, MATCH_THRESHOLD);
	for (i = 0; i < un.n; i++)
		names_add(&all, un.v[i]);
	for (i = 0; i < unt.n; i++)
		names_add(&all, unt.v[i]);
	for (i = 0; i < neg.n; i++)
		names_add(&all, neg.v[i]);
	speed(s, &all, "real lists");
	store_screen_disable(s);
	store_close(s);
	s = NULL;

	if (!fig->with_1m) {
		printf("speed at 1M: skipped (--no-1m)\n");
		r = 0;
		goto out;
	}
	if (mkdtemp(dir1m) == NULL)
		goto out;
	snprintf(synth, sizeof(synth), "%s/synth.csv", dir1m);
	if ((r = write_synthetic(data, synth, &gen)) != 0 ||
	    (r = open_index(dir1m, &s)) != 0)
		goto out;
	t0 = now_s();
	snprintf(path, sizeof(path), "%s/UN_consolidated.xml", data);
	if ((r = import(s, LIST_UN_XML, path)) != 0 ||
	    (r = import(s, LIST_OFAC_SDN, synth)) != 0)
		goto out;
	build = now_s() - t0;
	printf("index at 1M: %d synthetic parties built in %.1f s, LMDB "
	    "%.0f MiB\n", SYNTH_TOTAL, build,
	    (double)du_bytes(dir1m) / (1 << 20));
	fig->p99_1m = speed(s, &all, "1M parties");
	unlink(synth);
 out:
	store_screen_disable(s);
	store_close(s);
	names_free(&un);
	names_free(&unt);
	names_free(&neg);
	names_free(&all);
	snprintf(path, sizeof(path), "rm -rf '%s' '%s'", dir, dir1m);
	if (system(path) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return r;
}
