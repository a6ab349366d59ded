/*
 * lcn-verify-rate: how many Ed25519 entry signatures this machine checks
 * per second, through the node's own sig_verify_entry() (OpenSSL's
 * EVP_DigestVerify over "LCN-ENTRY-1\0" || entry). It is the yardstick for
 * catch-up: ops/bench/replicate divides its catch-up rate by this. With
 * -S it signs instead, through sig_sign_entry() as lcnd's signer thread
 * does: the yardstick for publishing (`-S -t 1`, one core).
 *
 *   lcn-verify-rate [-S] [-t THREADS] [-s SECONDS] [-b BYTES]
 *
 * Each thread verifies (signs) its own set of messages of BYTES bytes
 * (default 600, about one entry) for SECONDS (default 2); the last line is
 * "ed25519 verify: N/s on T threads" ("ed25519 sign: ...").
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "hash.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "sig.h"

#define MSGS		64	/* distinct messages per thread */
#define THREADS_MAX	256
#define CHECK_EVERY	64	/* verifications between clock reads */

static const uint8_t entry_context[] = "LCN-ENTRY-1";	/* with its NUL */

struct worker {
	pthread_t		 tid;
	const struct sig_pubkey	*pk;
	struct sig_key		*sk;		/* -S: its own (one context each) */
	uint8_t			*msgs;		/* MSGS x len */
	uint8_t			 sigs[MSGS][SIG_LEN];
	size_t			 len;
	double			 seconds;
	uint64_t		 done;		/* verifications */
	int			 failed;	/* a valid signature rejected */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signs "LCN-ENTRY-1\0" || m, as sig_sign_entry() does. */
static int
sign(EVP_PKEY *key, const uint8_t *m, size_t len, uint8_t sig[SIG_LEN])
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		*buf;
	size_t		 siglen = SIG_LEN;
	int		 r = LCN_ECRYPTO;

	if ((buf = malloc(sizeof(entry_context) + len)) == NULL)
		return LCN_ENOMEM;
	memcpy(buf, entry_context, sizeof(entry_context));
	memcpy(buf + sizeof(entry_context), m, len);
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, key, NULL) ==
	    1 &&
	    EVP_DigestSign(ctx, sig, &siglen, buf, sizeof(entry_context) +
	    len) == 1 && siglen == SIG_LEN)
		r = 0;
	EVP_MD_CTX_free(ctx);
	free(buf);
	return r;
}

static void *
work(void *arg)
{
	struct worker	*w = arg;
	double		 end = now() + w->seconds;
	uint64_t	 n = 0;
	size_t		 i;

	do {
		for (i = 0; i < CHECK_EVERY; i++, n++)
			if (sig_verify_entry(w->pk, w->msgs + (n % MSGS) *
			    w->len, w->len, w->sigs[n % MSGS]) != 0)
				w->failed = 1;
	} while (now() < end);
	w->done = n;
	return NULL;
}

/* -S: signs the messages over and over, as lcnd's signer thread does. */
static void *
sign_work(void *arg)
{
	struct worker	*w = arg;
	double		 end = now() + w->seconds;
	uint8_t		 sig[SIG_LEN];
	uint64_t	 n = 0;
	size_t		 i;

	do {
		for (i = 0; i < CHECK_EVERY; i++, n++)
			if (sig_sign_entry(w->sk, w->msgs + (n % MSGS) *
			    w->len, w->len, sig) != 0)
				w->failed = 1;
	} while (now() < end);
	w->done = n;
	return NULL;
}

/* key as lcnd holds its signing key (sig_key_from_pem). */
static int
node_key(EVP_PKEY *key, struct sig_key **out)
{
	BIO	*b;
	char	*pem;
	long	 len;
	int	 r = LCN_ECRYPTO;

	*out = NULL;
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return LCN_ENOMEM;
	if (PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) == 1 &&
	    (len = BIO_get_mem_data(b, &pem)) > 0)
		r = sig_key_from_pem((const uint8_t *)pem, (size_t)len, out);
	BIO_free(b);
	return r;
}

static long
number(const char *s, long min, long max, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "lcn-verify-rate: %s: expected %ld..%ld, "
		    "got '%s'\n", what, min, max, s);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: lcn-verify-rate [-S] [-t THREADS] "
	    "[-s SECONDS] [-b BYTES]\n"
	    "  -S  sign instead of verifying\n"
	    "  -t  threads (default: online cores)\n"
	    "  -s  seconds to run (default 2)\n"
	    "  -b  bytes per signed message (default 600)\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct worker		*w = NULL;
	struct sig_pubkey	*pk = NULL;
	EVP_PKEY		*key = NULL;
	uint8_t			 raw[PUBKEY_LEN];
	size_t			 rawlen = sizeof(raw), len = 600, i, k;
	size_t			 started = 0;
	long			 nthreads;
	double			 seconds = 2, t0, elapsed;
	uint64_t		 total = 0;
	int			 c, failed = 0, rc = 1, signing = 0;

	if ((nthreads = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		nthreads = 1;
	while ((c = getopt(argc, argv, "St:s:b:")) != -1) {
		switch (c) {
		case 'S':
			signing = 1;
			break;
		case 't':
			nthreads = number(optarg, 1, THREADS_MAX, "-t");
			break;
		case 's':
			seconds = (double)number(optarg, 1, 3600, "-s");
			break;
		case 'b':
			len = (size_t)number(optarg, 1, ENTRY_MAX, "-b");
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if (hash_init() != 0 ||		/* sig_pubkey_from_raw hashes the key */
	    (key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL ||
	    EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1 ||
	    rawlen != PUBKEY_LEN || sig_pubkey_from_raw(raw, &pk) != 0) {
		fprintf(stderr, "lcn-verify-rate: cannot make an Ed25519 "
		    "key\n");
		goto out;
	}
	if ((w = calloc((size_t)nthreads, sizeof(*w))) == NULL)
		goto out;
	for (i = 0; i < (size_t)nthreads; i++) {
		w[i].pk = pk;
		w[i].len = len;
		w[i].seconds = seconds;
		if ((w[i].msgs = malloc(MSGS * len)) == NULL ||
		    RAND_bytes(w[i].msgs, (int)(MSGS * len)) != 1)
			goto out;
		if (signing && node_key(key, &w[i].sk) != 0) {
			fprintf(stderr, "lcn-verify-rate: cannot load the "
			    "signing key\n");
			goto out;
		}
		for (k = 0; k < MSGS; k++)
			if (sign(key, w[i].msgs + k * len, len,
			    w[i].sigs[k]) != 0) {
				fprintf(stderr, "lcn-verify-rate: signing "
				    "failed\n");
				goto out;
			}
	}

	t0 = now();
	for (started = 0; started < (size_t)nthreads; started++)
		if (pthread_create(&w[started].tid, NULL, signing ?
		    sign_work : work, &w[started]) != 0) {
			fprintf(stderr, "lcn-verify-rate: pthread_create "
			    "failed\n");
			break;
		}
	/* Threads end by themselves after the run; join those started. */
	for (i = 0; i < started; i++) {
		pthread_join(w[i].tid, NULL);
		total += w[i].done;
		failed |= w[i].failed;
	}
	elapsed = now() - t0;
	if (started < (size_t)nthreads || elapsed <= 0)
		goto out;
	if (failed) {
		fprintf(stderr, "lcn-verify-rate: %s\n", signing ?
		    "signing failed" : "a valid signature did not verify");
		goto out;
	}
	printf("%llu %s of %zu-byte messages in %.2f s\n",
	    (unsigned long long)total, signing ? "signatures" :
	    "verifications", len, elapsed);
	printf("ed25519 %s: %.0f/s on %ld threads\n", signing ? "sign" :
	    "verify", (double)total / elapsed, nthreads);
	rc = 0;
 out:
	if (w != NULL)
		for (i = 0; i < (size_t)nthreads; i++) {
			free(w[i].msgs);
			sig_key_free(w[i].sk);
		}
	free(w);
	sig_pubkey_free(pk);
	EVP_PKEY_free(key);
	return rc;
}
