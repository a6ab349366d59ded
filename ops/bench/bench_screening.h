/*
 * Shared between the two halves of lcn-bench-screening: screening.c (the
 * matcher on labelled pairs) and screening_index.c (the LMDB index on the
 * real lists and on a synthetic million).
 */
#ifndef LCN_BENCH_SCREENING_H
#define LCN_BENCH_SCREENING_H

struct index_figures {
	int	with_1m;		/* in: build the 1M corpus */
	double	un_recall;		/* untreated, top 5 */
	double	un_recall_treated;	/* perturbed, top 5 */
	double	false_hits;		/* share of negatives with a match */
	double	p99_1m;			/* ms */
};

/*
 * Calls cb with each value of the named column of a CSV file with a
 * header row (RFC 4180 quoting). 0, or LCN_EIO / LCN_EPROTO with a
 * message on stderr, or cb's non-zero return.
 */
int	bench_csv_column(const char *path, const char *column,
	    int (*cb)(const char *value, void *arg), void *arg);

/* Builds and measures the indices; prints as it goes. 0 or an error. */
int	bench_index(const char *data, struct index_figures *);

#endif
