/*
 * lcn-bench-screening: measures screening quality and speed.
 *
 *   lcn-bench-screening [--data DIR] [--tables DIR] [--errors] [--sweep] [--no-1m]
 *
 * --data is the directory holding cases.csv, logicv2-frozen.csv,
 * cross_script_pairs.csv and putin_names.txt (default "tests/data", so run
 * it from the source tree); --tables the name tables (default: see
 * nametables_default_dir()). --errors lists the false positives and false
 * negatives on cases.csv with the matcher's explanation; --sweep prints F1
 * over a range of thresholds.
 *
 * It prints precision, recall and F1 on cases.csv at MATCH_THRESHOLD
 * beside the OpenSanctions logic-v2 reference (scores from
 * logicv2-frozen.csv at its own 0.70 threshold), the share of
 * cross_script_pairs.csv and of putin_names.txt found, the cost of a
 * normalisation and of a pair score, the index figures
 * (screening_index.c), and ends with four summary lines a script reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lcn_err.h"
#include "match.h"
#include "names.h"
#include "nametables.h"

#include "bench_screening.h"

#define CSV_FIELDS_MAX	32

struct csv {
	char	*buf;		/* whole file, NUL-terminated */
	size_t	 len;
	size_t	 off;
	size_t	 line;		/* 1-based line of the current record */
};

struct rec {
	char	*f[CSV_FIELDS_MAX];	/* point into csv.buf, unquoted */
	size_t	 n;
};

struct counts {
	size_t	tp, fp, tn, fn;
};

static int	errors_flag, sweep_flag;

static int
file_read(const char *path, struct csv *c)
{
	FILE *fp;
	long sz;

	memset(c, 0, sizeof(*c));
	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return LCN_EIO;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (c->buf = malloc((size_t)sz + 1)) == NULL ||
	    fread(c->buf, 1, (size_t)sz, fp) != (size_t)sz) {
		fprintf(stderr, "%s: read failed\n", path);
		fclose(fp);
		free(c->buf);
		c->buf = NULL;
		return LCN_EIO;
	}
	fclose(fp);
	c->buf[sz] = '\0';
	c->len = (size_t)sz;
	c->line = 1;
	return 0;
}

/*
 * Reads one RFC 4180 record in place: quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF and LF both end a record. Returns
 * 1 with *r filled, 0 at the end, -1 on a malformed record or too many
 * fields.
 */
static int
csv_next(struct csv *c, struct rec *r)
{
	char *w, *p;
	int quoted;

	r->n = 0;
	if (c->off >= c->len)
		return 0;
	p = c->buf + c->off;
	for (;;) {
		if (r->n >= CSV_FIELDS_MAX)
			return -1;
		r->f[r->n++] = w = p;
		quoted = *p == '"';
		if (quoted) {
			p++;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					if (*p == '\n')
						c->line++;
					*w++ = *p++;
				}
			}
		}
		while (*p != '\0' && *p != ',' && *p != '\n' && *p != '\r')
			*w++ = *p++;
		if (*p == ',') {
			*w = '\0';
			p++;
			continue;
		}
		if (*p == '\r')
			*p++ = '\0';
		if (*p == '\n')
			p++;
		*w = '\0';
		break;
	}
	c->line++;
	c->off = (size_t)(p - c->buf);
	return 1;
}

static int
col(const struct rec *hdr, const char *name)
{
	size_t i;

	for (i = 0; i < hdr->n; i++)
		if (strcmp(hdr->f[i], name) == 0)
			return (int)i;
	return -1;
}

int
bench_csv_column(const char *path, const char *column,
    int (*cb)(const char *value, void *arg), void *arg)
{
	struct csv	c;
	struct rec	hdr, r;
	int		k, rc, n;

	if (file_read(path, &c) != 0)
		return LCN_EIO;
	if (csv_next(&c, &hdr) != 1 || (k = col(&hdr, column)) < 0) {
		fprintf(stderr, "%s: no column %s\n", path, column);
		free(c.buf);
		return LCN_EPROTO;
	}
	/* The header's fields point into c.buf too: nothing is copied. */
	rc = 0;
	while (rc == 0 && (n = csv_next(&c, &r)) == 1)
		if ((size_t)k < r.n)
			rc = cb(r.f[k], arg);
	free(c.buf);
	return rc;
}

static enum name_kind
kind_of(const char *schema)
{
	if (strcmp(schema, "Person") == 0)
		return NAME_PERSON;
	if (strcmp(schema, "Company") == 0 ||
	    strcmp(schema, "Organization") == 0 ||
	    strcmp(schema, "LegalEntity") == 0)
		return NAME_ORG;
	return NAME_UNKNOWN;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Scores two names; a name that does not normalise scores 0. */
static double
pair_score(const struct nametables *t, const char *a, const char *b,
    enum name_kind kind, char *why, size_t whysz)
{
	struct name_norm na, nb;
	struct match_result res;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (names_normalise(t, a, kind, &na) != 0 ||
	    names_normalise(t, b, kind, &nb) != 0 ||
	    match_score(&na, &nb, NULL, NULL, &res) != 0)
		return 0;
	if (why != NULL)
		match_explain(&na, &nb, &res, why, whysz);
	return res.score;
}

static void
count(struct counts *k, int truth, int predicted)
{
	if (truth && predicted)
		k->tp++;
	else if (truth)
		k->fn++;
	else if (predicted)
		k->fp++;
	else
		k->tn++;
}

static void
prf(const struct counts *k, double *p, double *r, double *f)
{
	*p = k->tp + k->fp > 0 ? (double)k->tp / (k->tp + k->fp) : 0;
	*r = k->tp + k->fn > 0 ? (double)k->tp / (k->tp + k->fn) : 0;
	*f = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

struct case_row {
	enum name_kind	 kind;
	char		*a, *b, *group;
	int		 truth;
	double		 score;
};

static int
bench_cases(const struct nametables *t, const char *dir, double *f1)
{
	char path[4096], why[1024];
	struct case_row *rows = NULL, *nr;
	struct csv c;
	struct rec hdr, r;
	struct counts k = { 0 };
	size_t n = 0, i, positives = 0;
	int cs, c1, c2, cm, cg, rc;
	double p, rr, f, th;

	snprintf(path, sizeof(path), "%s/cases.csv", dir);
	if (file_read(path, &c) != 0)
		return LCN_EIO;
	if (csv_next(&c, &hdr) != 1 || (cs = col(&hdr, "schema")) < 0 ||
	    (c1 = col(&hdr, "name1")) < 0 || (c2 = col(&hdr, "name2")) < 0 ||
	    (cm = col(&hdr, "is_match")) < 0 ||
	    (cg = col(&hdr, "case_group")) < 0) {
		fprintf(stderr, "%s: header lacks schema, name1, name2, "
		    "is_match or case_group\n", path);
		free(c.buf);
		return LCN_EPROTO;
	}
	while ((rc = csv_next(&c, &r)) == 1) {
		if (r.n != hdr.n) {
			fprintf(stderr, "%s:%zu: %zu fields, header has %zu\n",
			    path, c.line - 1, r.n, hdr.n);
			continue;
		}
		if ((nr = realloc(rows, (n + 1) * sizeof(*rows))) == NULL) {
			free(rows);
			free(c.buf);
			return LCN_ENOMEM;
		}
		rows = nr;
		rows[n].kind = kind_of(r.f[cs]);
		rows[n].a = r.f[c1];
		rows[n].b = r.f[c2];
		rows[n].group = r.f[cg];
		rows[n].truth = strcmp(r.f[cm], "true") == 0;
		positives += rows[n].truth;
		rows[n].score = pair_score(t, rows[n].a, rows[n].b,
		    rows[n].kind, NULL, 0);
		n++;
	}
	if (rc < 0)
		fprintf(stderr, "%s:%zu: malformed CSV record\n", path, c.line);

	for (i = 0; i < n; i++) {
		int pred = rows[i].score >= MATCH_THRESHOLD;

		count(&k, rows[i].truth, pred);
		if (errors_flag && pred != rows[i].truth) {
			pair_score(t, rows[i].a, rows[i].b, rows[i].kind, why,
			    sizeof(why));
			printf("  %s %-15s %s | %s\n    %s\n",
			    rows[i].truth ? "FN" : "FP", rows[i].group,
			    rows[i].a, rows[i].b, why);
		}
	}
	prf(&k, &p, &rr, &f);
	printf("cases.csv: %zu pairs (%zu match), threshold %.2f\n", n,
	    positives, MATCH_THRESHOLD);
	printf("  lcn        P %.3f  R %.3f  F1 %.3f  (TP %zu FP %zu TN %zu "
	    "FN %zu)\n", p, rr, f, k.tp, k.fp, k.tn, k.fn);
	*f1 = f;
	if (sweep_flag)
		for (th = 0.50; th < 0.96; th += 0.025) {
			struct counts s = { 0 };

			for (i = 0; i < n; i++)
				count(&s, rows[i].truth, rows[i].score >= th);
			prf(&s, &p, &rr, &f);
			printf("    at %.3f: P %.3f R %.3f F1 %.3f\n", th, p,
			    rr, f);
		}
	free(rows);
	free(c.buf);
	return 0;
}

static int
bench_reference(const char *dir, double *f1)
{
	char path[4096];
	struct csv c;
	struct rec hdr, r;
	struct counts k = { 0 };
	int cm, cs, rc;
	double p, rr, f;

	snprintf(path, sizeof(path), "%s/logicv2-frozen.csv", dir);
	if (file_read(path, &c) != 0)
		return LCN_EIO;
	if (csv_next(&c, &hdr) != 1 || (cm = col(&hdr, "is_match")) < 0 ||
	    (cs = col(&hdr, "score")) < 0) {
		fprintf(stderr, "%s: header lacks is_match or score\n", path);
		free(c.buf);
		return LCN_EPROTO;
	}
	while ((rc = csv_next(&c, &r)) == 1)
		if (r.n == hdr.n)
			count(&k, strcmp(r.f[cm], "true") == 0,
			    strtod(r.f[cs], NULL) >= 0.70);
	prf(&k, &p, &rr, &f);
	printf("  logic-v2   P %.3f  R %.3f  F1 %.3f  (%zu pairs in "
	    "logicv2-frozen.csv, its threshold 0.70)\n", p, rr, f,
	    k.tp + k.fp + k.tn + k.fn);
	*f1 = f;
	free(c.buf);
	return 0;
}

static int
bench_cross_script(const struct nametables *t, const char *dir)
{
	char path[4096], why[1024];
	struct csv c;
	struct rec r;
	size_t n = 0, found = 0;
	double s;
	int rc;

	snprintf(path, sizeof(path), "%s/cross_script_pairs.csv", dir);
	if (file_read(path, &c) != 0)
		return LCN_EIO;
	/* No header: comment lines start with '#'. */
	while ((rc = csv_next(&c, &r)) == 1) {
		if (r.n < 2 || r.f[0][0] == '#' || r.f[0][0] == '\0')
			continue;
		n++;
		s = pair_score(t, r.f[0], r.f[1], NAME_PERSON, why,
		    sizeof(why));
		if (s >= MATCH_THRESHOLD)
			found++;
		else if (errors_flag)
			printf("  missed %s | %s\n    %s\n", r.f[0], r.f[1],
			    why);
	}
	printf("cross_script_pairs.csv: %zu/%zu found at %.2f (%.3f)\n",
	    found, n, MATCH_THRESHOLD, n > 0 ? (double)found / n : 0.0);
	free(c.buf);
	return 0;
}

/*
 * putin_names.txt holds one name per line, the same person in many
 * scripts and orders, with no header; the first line is the reference
 * every other line is scored against.
 */
static int
bench_putin(const struct nametables *t, const char *dir)
{
	char path[4096], why[1024], *line, *save = NULL, *first = NULL;
	struct csv c;
	size_t n = 0, found = 0;
	double s;

	snprintf(path, sizeof(path), "%s/putin_names.txt", dir);
	if (file_read(path, &c) != 0)
		return LCN_EIO;
	for (line = strtok_r(c.buf, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		if (*line == '\0')
			continue;
		if (first == NULL) {
			first = line;
			continue;
		}
		n++;
		s = pair_score(t, line, first, NAME_PERSON, why, sizeof(why));
		if (s >= MATCH_THRESHOLD)
			found++;
		else if (errors_flag)
			printf("  missed %s | %s\n    %s\n", line, first, why);
	}
	printf("putin_names.txt: %zu/%zu match line 1 \"%s\" at %.2f (%.3f)\n",
	    found, n, first != NULL ? first : "", MATCH_THRESHOLD,
	    n > 0 ? (double)found / n : 0.0);
	free(c.buf);
	return 0;
}

/* Cost of normalising and of scoring, over the cases.csv names. */
static int
bench_speed(const struct nametables *t, const char *dir)
{
	char path[4096];
	struct name_norm *norms = NULL, *nn;
	struct match_result res;
	struct csv c;
	struct rec hdr, r;
	size_t n = 0, i, j, pairs = 0;
	double t0, tnorm, tscore, sink = 0;
	int c1, c2;

	snprintf(path, sizeof(path), "%s/cases.csv", dir);
	if (file_read(path, &c) != 0)
		return LCN_EIO;
	if (csv_next(&c, &hdr) != 1 || (c1 = col(&hdr, "name1")) < 0 ||
	    (c2 = col(&hdr, "name2")) < 0) {
		free(c.buf);
		return LCN_EPROTO;
	}
	t0 = now_us();
	while (csv_next(&c, &r) == 1) {
		if (r.n != hdr.n)
			continue;
		if ((nn = realloc(norms, (n + 2) * sizeof(*norms))) == NULL) {
			free(norms);
			free(c.buf);
			return LCN_ENOMEM;
		}
		norms = nn;
		if (names_normalise(t, r.f[c1], NAME_UNKNOWN, &norms[n]) == 0)
			n++;
		if (names_normalise(t, r.f[c2], NAME_UNKNOWN, &norms[n]) == 0)
			n++;
	}
	tnorm = (now_us() - t0) / (n > 0 ? n : 1);
	/* Each name against 200 others: scores of related and unrelated. */
	t0 = now_us();
	for (i = 0; i < n; i++)
		for (j = 1; j <= 200 && j < n; j++) {
			match_score(&norms[i], &norms[(i + j) % n], NULL,
			    NULL, &res);
			sink += res.score;
			pairs++;
		}
	tscore = (now_us() - t0) / (pairs > 0 ? pairs : 1);
	printf("speed: normalise %.1f us/name (%zu names), score %.2f "
	    "us/pair (%zu pairs)%s\n", tnorm, n, tscore, pairs,
	    sink < 0 ? "!" : "");
	free(norms);
	free(c.buf);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: lcn-bench-screening [--data DIR] "
	    "[--tables DIR] [--errors] [--sweep] [--no-1m]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *data = "tests/data", *tables = NULL;
	struct index_figures fig = { .with_1m = 1 };
	struct nametables *t;
	char err[512];
	double f1 = 0, ref = 0;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "--tables") == 0 && i + 1 < argc)
			tables = argv[++i];
		else if (strcmp(argv[i], "--errors") == 0)
			errors_flag = 1;
		else if (strcmp(argv[i], "--sweep") == 0)
			sweep_flag = 1;
		else if (strcmp(argv[i], "--no-1m") == 0)
			fig.with_1m = 0;
		else
			usage();
	}
	if ((r = nametables_load(tables, &t, err, sizeof(err))) != 0) {
		fprintf(stderr, "lcn-bench-screening: tables: %s (%s)\n", err,
		    lcn_strerror(r));
		return 1;
	}
	printf("tables: %s, data: %s\n", tables != NULL ? tables :
	    nametables_default_dir(), data);
	if (bench_cases(t, data, &f1) != 0 ||
	    bench_reference(data, &ref) != 0 ||
	    bench_cross_script(t, data) != 0 || bench_putin(t, data) != 0 ||
	    bench_speed(t, data) != 0) {
		nametables_free(t);
		return 1;
	}
	nametables_free(t);

	if (bench_index(data, &fig) != 0)
		return 1;
	printf("cases F1: %.3f (reference logic-v2: %.3f)\n", f1, ref);
	printf("UN recall untreated/treated top5: %.3f %.3f\n",
	    fig.un_recall, fig.un_recall_treated);
	printf("false-hit rate negatives: %.3f\n", fig.false_hits);
	if (fig.with_1m)
		printf("p99 ms at 1M: %.2f\n", fig.p99_1m);
	else
		printf("p99 ms at 1M: not measured (--no-1m)\n");
	return 0;
}
