/*
 * The consultations' lists at size (store/records_consult.h): 10,000
 * consultations between two agencies, a thousand of them answered, and
 * 200 calls of each list an officer asks for; their wall and CPU times
 * are printed. A list reads rcindex and rconsult values, never a ledger
 * entry. Real LMDB in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "records_consult.h"
#include "screen.h"
#include "store.h"
#include "test_records_consult_fx.h"

/* p50 and p99 of n timings in microseconds (sorts v). */
static int
us_cmp(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static double
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/*
 * 10,000 consultations (one in ten answered, one in ten decided, the
 * rest awaiting with deadlines spread over 100 days): lists stay fast,
 * since a list reads rcindex and rconsult values, never a ledger entry.
 * Prints p50/p99 of 200 calls of each; fails only on an order of
 * magnitude, and on CPU time: a loaded machine stretches wall time
 * without bound (the sanitizer tree failed on it once), not CPU time.
 */
#define BIG_N		10000
#define BIG_BATCH	500
#define BIG_CALLS	200

/* BIG_CALLS calls of f at days 0..49; overdue: check the count. */
static void
measure(struct fx *x, const struct consult_filter *f, const char *what,
    int overdue)
{
	struct consult_info	*v;
	double			 t[BIG_CALLS], c[BIG_CALLS], t0, c0;
	size_t			 i, n, expect, d;
	int			 more;

	for (i = 0; i < BIG_CALLS; i++) {
		t0 = now_us();
		c0 = clock_us(CLOCK_THREAD_CPUTIME_ID);
		assert_int_equal(records_consultations(x->st, f, T0 +
		    (i % 50) * DAY, &v, &n, &more), 0);
		c[i] = clock_us(CLOCK_THREAD_CPUTIME_ID) - c0;
		t[i] = now_us() - t0;
		if (overdue) {
			/* Deadline day d < the day asked, unanswered: the
			 * hundred requests of each day d not a multiple of
			 * ten. */
			for (d = 0, expect = 0; d < i % 50; d++)
				expect += d % 10 != 0 ? BIG_N / 100 : 0;
			assert_int_equal(n, expect);
		} else {
			assert_int_equal(n, 50);
			assert_true(more);
		}
		free(v);
	}
	qsort(t, BIG_CALLS, sizeof(t[0]), us_cmp);
	qsort(c, BIG_CALLS, sizeof(c[0]), us_cmp);
	print_message("records_consultations %s at 10,000: wall p50 %.2f ms, "
	    "p99 %.2f ms; CPU p50 %.2f ms, p99 %.2f ms\n", what,
	    t[BIG_CALLS / 2] / 1e3, t[BIG_CALLS * 99 / 100] / 1e3,
	    c[BIG_CALLS / 2] / 1e3, c[BIG_CALLS * 99 / 100] / 1e3);
	assert_true(c[BIG_CALLS * 99 / 100] < 250e3);
}

static void
ten_thousand_consultations_list_fast(void **state)
{
	struct fx			*x = *state;
	struct append_result		 res;
	struct consult_filter		 f;
	Lcn__Entry			 e = LCN__ENTRY__INIT;
	Lcn__ConsultationRequest	 q = LCN__CONSULTATION_REQUEST__INIT;
	const Lcn__Entry__BodyCase	 req_case =
	    LCN__ENTRY__BODY_CONSULTATION_REQUEST;
	const Lcn__Entry__BodyCase	 reply_case =
	    LCN__ENTRY__BODY_CONSULTATION_REPLY;
	Lcn__ConsultationReply		 p = LCN__CONSULTATION_REPLY__INIT;
	struct bytes			*b;
	char				 ref[64], rref[64], *dr = DN_EU;
	double				 t0;
	size_t				 i, j, k;
	uint64_t			 left;
	int				 who, round;

	tx_init();
	assert_non_null(b = calloc(BIG_BATCH, sizeof(*b)));
	for (round = 0; round < 2; round++)
		for (i = 0; i < BIG_N; i += BIG_BATCH) {
			who = round == 0 ? US : JP;
			for (j = 0, k = 0; j < BIG_BATCH; j++) {
				snprintf(ref, sizeof(ref),
				    "US-BIS/CR/2026/%06zu", i + j + 1);
				if (round == 0) {
					q.ref = ref;
					q.n_denial_refs = 1;
					q.denial_refs = &dr;
					q.transaction = &tx;
					q.deadline_ms = T0 + ((i + j) % 100) *
					    DAY;
					q.deadline_basis = 1;
					q.deadline_days = 10;
					q.silence = 3;
					q.regime = "EU";
					q.consulted = "JP-METI";
					e.body_case = req_case;
					e.consultation_request = &q;
				} else {
					if ((i + j) % 10 != 0)
						continue;
					snprintf(rref, sizeof(rref),
					    "JP-METI/RP/2026/%06zu", i + j + 1);
					p.ref = rref;
					p.request_ref = ref;
					p.position = 1;
					e.body_case = reply_case;
					e.consultation_reply = &p;
				}
				assert_non_null(b[k].ptr = malloc(
				    lcn__entry__get_packed_size(&e)));
				b[k].len = lcn__entry__pack(&e,
				    (uint8_t *)b[k].ptr);
				k++;
			}
			memset(&res, 0, sizeof(res));
			assert_int_equal(store_publish(x->st, &x->trust[who],
			    x->key[who], PAIR, b, k, T0 - DAY, &res), 0);
			append_result_free(&res);
			for (j = 0; j < k; j++)
				free((void *)b[j].ptr);
		}
	free(b);
	t0 = now_us();
	do {
		assert_int_equal(store_screen_catch_up(x->st, 0, &left), 0);
	} while (left > 0);
	print_message("derived %d requests and %d replies in %.0f ms\n",
	    BIG_N, BIG_N / 10, (now_us() - t0) / 1e3);

	memset(&f, 0, sizeof(f));
	f.self = "JP-METI";
	f.direction = CONSULT_INCOMING;
	f.overdue = 1;
	measure(x, &f, "--incoming --overdue (up to 4,000 of them)", 1);
	f.overdue = 0;
	f.state = "awaiting-reply";
	f.limit = 50;
	measure(x, &f, "--incoming --state awaiting-reply, 50", 0);
	memset(&f, 0, sizeof(f));
	f.limit = 50;
	measure(x, &f, "all, nearest deadline first, 50", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    ten_thousand_consultations_list_fast, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
