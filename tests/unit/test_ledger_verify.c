/*
 * store_verify() over a whole ledger: a clean one, a tampered entry, a bad
 * signature that was accepted under STORE_VERIFY_LAST, every signature
 * across batches; and a read-only store that refuses writes.
 */
#include <sys/stat.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lcn.pb-c.h"

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"
#include "sig.h"
#include "store.h"
#include "test_ledger_fx.h"
#include "trust.h"
#include "util.h"

/* ---------------------------------------------------------------- verify */

struct faults {
	size_t		n;
	uint64_t	seq[32];
	char		what[32][256];
};

static void
collect(void *arg, const struct feed_id *f, uint64_t seq, const char *what)
{
	struct faults *fl = arg;

	(void)f;
	if (fl->n < 32) {
		fl->seq[fl->n] = seq;
		snprintf(fl->what[fl->n], sizeof(fl->what[0]), "%s", what);
	}
	fl->n++;
}

static int
has_fault(const struct faults *fl, uint64_t seq, const char *word)
{
	size_t i;

	for (i = 0; i < fl->n && i < 32; i++)
		if (fl->seq[i] == seq && strstr(fl->what[i], word) != NULL)
			return 1;
	return 0;
}

static void
reopen_read_only(struct fx *x)
{
	struct store_opts	o = { .dir = x->data, .read_only = 1 };
	char			err[256];

	store_close(x->st);
	x->st = NULL;
	assert_int_equal(store_open(&o, &x->st, err, sizeof(err)), 0);
}

static void
verify_passes_a_clean_ledger(void **state)
{
	struct fx		*x = *state;
	struct chain		 a, b;
	struct bytes		 alt;
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };
	uint8_t			 body[1024];
	struct bytes		 bd;

	chain_init(&a, "US-BIS", "WA", x->us);
	chain_init(&b, "DE-BAFA", "WA", x->de);
	fx_grow(x, &a, 20);
	fx_grow(x, &b, 5);
	bd.len = make_body(body, sizeof(body), "JP-METI", 1, 10);
	bd.ptr = body;
	assert_int_equal(store_publish(x->st, &x->trust, x->self, "MTCR", &bd,
	    1, T0, &res), 0);
	append_result_free(&res);
	alt = fork_entry(&b, 3, "FORK");
	assert_int_equal(fx_append(x, &b, 3, &alt, 1, STORE_VERIFY_ALL, &res),
	    LCN_EFORK);
	append_result_free(&res);
	free((void *)alt.ptr);

	reopen_read_only(x);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl), 0);
	assert_int_equal(fl.n, 0);
	assert_int_equal(rep.faults, 0);
	assert_int_equal(rep.feeds, 3);
	assert_int_equal(rep.entries, 26);
	assert_int_equal(rep.signatures, 26 + 2);
	assert_int_equal(rep.forks, 1);
}

static void
read_only_store_refuses_writes(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[1];
	struct append_result	 res;
	struct store_opts	 o = { .read_only = 1 };
	struct store		*s;
	char			 err[256], missing[PATH_MAX];

	chain_init(&c, "US-BIS", "WA", x->us);
	reopen_read_only(x);
	b[0] = chain_next(&c, MUT_NONE);
	assert_int_equal(fx_append(x, &c, 1, b, 1, STORE_VERIFY_ALL, &res),
	    LCN_ESTORE);
	append_result_free(&res);
	free_batch(b, 1);

	snprintf(missing, sizeof(missing), "%s/missing", x->tmp);
	o.dir = missing;
	assert_int_equal(store_open(&o, &s, err, sizeof(err)), LCN_EIO);
	assert_null(s);
}

/* Flips a byte of every copy of marker in the data file. */
static int
tamper(const char *dir, const char *marker)
{
	char	 path[PATH_MAX + 16];
	FILE	*f;
	uint8_t	*buf;
	long	 len;
	size_t	 mlen = strlen(marker), i;
	int	 n = 0;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_non_null(f = fopen(path, "r+b"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_non_null(buf = malloc(len));
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	for (i = 0; i + mlen <= (size_t)len; i++)
		if (memcmp(buf + i, marker, mlen) == 0) {
			buf[i] ^= 0x01;
			n++;
		}
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fwrite(buf, 1, len, f), (size_t)len);
	fclose(f);
	free(buf);
	return n;
}

static void
verify_reports_a_tampered_entry(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[12];
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };
	size_t			 i;

	chain_init(&c, "US-BIS", "WA", x->us);
	for (i = 0; i < 12; i++) {
		c.tag = i == 4 ? "TAMPERME" : "US-BIS";
		b[i] = chain_next(&c, MUT_NONE);
	}
	assert_int_equal(fx_append(x, &c, 1, b, 12, STORE_VERIFY_ALL, &res), 0);
	append_result_free(&res);
	free_batch(b, 12);
	store_close(x->st);
	x->st = NULL;
	assert_true(tamper(x->data, "TAMPERME") >= 1);

	reopen_read_only(x);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl),
	    LCN_EINVAL);
	assert_int_equal(rep.entries, 12);
	assert_true(rep.faults >= 3);
	assert_true(fl.n >= 3 && fl.n <= rep.faults);
	assert_true(has_fault(&fl, 5, "signature"));
	assert_true(has_fault(&fl, 6, "prev_hash"));
	assert_true(has_fault(&fl, 6, "prev_root"));
}

static void
verify_reports_a_bad_signature_accepted_under_verify_last(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	struct bytes		 b[3];
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };

	/* The chain covers entry 2, so the batch goes in; the pool and
	 * lcn verify catch the signature afterwards. */
	chain_init(&c, "US-BIS", "WA", x->us);
	b[0] = chain_next(&c, MUT_NONE);
	b[1] = chain_next(&c, MUT_BADSIG);
	b[2] = chain_next(&c, MUT_NONE);
	assert_int_equal(fx_append(x, &c, 1, b, 3, STORE_VERIFY_LAST, &res), 0);
	assert_int_equal(res.head.seq, 3);
	assert_int_equal(res.head.verified, 0);
	append_result_free(&res);
	free_batch(b, 3);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl), LCN_EINVAL);
	assert_int_equal(rep.faults, 1);
	assert_true(has_fault(&fl, 2, "signature"));
}

static void
verify_checks_every_signature_across_batches(void **state)
{
	struct fx		*x = *state;
	struct chain		 c;
	static struct bytes	 b[1500];
	struct append_result	 res;
	struct verify_report	 rep;
	struct faults		 fl = { .n = 0 };
	size_t			 i;

	/* More than one signature batch (1024) in one feed; one bad. */
	chain_init(&c, "DE-BAFA", "WA", x->de);
	for (i = 0; i < 1500; i++)
		b[i] = chain_next(&c, i == 1099 ? MUT_BADSIG : MUT_NONE);
	for (i = 0; i < 1500; i += 500) {
		assert_int_equal(fx_append(x, &c, i + 1, b + i, 500,
		    STORE_VERIFY_LAST, &res), 0);
		append_result_free(&res);
	}
	free_batch(b, 1500);
	assert_int_equal(store_verify(x->st, &rep, collect, &fl), LCN_EINVAL);
	assert_int_equal(rep.entries, 1500);
	assert_int_equal(rep.signatures, 1500);
	assert_int_equal(rep.faults, 1);
	assert_true(has_fault(&fl, 1100, "signature"));
}

#define T(name)	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(verify_passes_a_clean_ledger),
		T(read_only_store_refuses_writes),
		T(verify_reports_a_tampered_entry),
		T(verify_reports_a_bad_signature_accepted_under_verify_last),
		T(verify_checks_every_signature_across_batches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
