/*
 * lcn-testpeer attest: writes one signed heads attestation (PROTOCOL.md
 * section 3.11) to a file, for a test to send as an entry or inside an
 * Equivocation frame. No connection is made. A test holds every
 * agency's signing key, so it can sign in any agency's name; it can also
 * sign with one key and name another's key id, or attest heads that
 * nobody holds: the point is to forge what a hostile partner could.
 *
 *	lcn-testpeer attest OUT --signing-key KEY --feed ORIGIN/GROUP
 *	    --seq N [--key-id-of PUB.pem] [--created-ms MS]
 *	    [--prev-hash HEX] [--prev-root HEX | --prev-of DIR] [HEAD...]
 *
 * HEAD is ORIGIN/GROUP:SEQ:HEXHASH. The entry's prev_hash defaults to
 * 32 zero bytes and its prev_root to the root of no entries, SHA-256 of
 * nothing: the values of a feed's seq 1 (PROTOCOL.md sections 3.7 and
 * 3.8). --prev-of DIR chains it onto the feed's entries 1 to N-1 as
 * save-entries wrote them (DIR/ORIGIN.GROUP.SEQ): prev_hash the leaf
 * hash of N-1, prev_root the root of all of them. Prints one JSON line: "attestation" with the file, feed, seq
 * and the entry's leaf hash (what a partner attesting it would give).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "merkle.h"
#include "sig.h"
#include "testpeer.h"
#include "util.h"

#define ATTEST_HEADER_MAX	512	/* an Entry header, ids at their max */

/* prev_hash and prev_root of v->seq from DIR/ORIGIN.GROUP.1..seq-1. */
static int
chain_onto(const char *dir, struct entry_view *v)
{
	struct merkle_range	 r;
	static uint8_t		 buf[ENTRY_MAX + 1];
	uint8_t			 leaf[HASH_LEN];
	char			 path[4096];
	uint64_t		 k;
	size_t			 n;
	FILE			*fp;

	merkle_init(&r);
	memset(leaf, 0, sizeof(leaf));
	for (k = 1; k < v->seq; k++) {
		snprintf(path, sizeof(path), "%s/%s.%s.%llu", dir,
		    v->feed.origin, v->feed.group, (unsigned long long)k);
		if ((fp = fopen(path, "rb")) == NULL) {
			fprintf(stderr, "lcn-testpeer attest: --prev-of: "
			    "cannot read %s\n", path);
			return -1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		if (n == 0 || n > ENTRY_MAX) {
			fprintf(stderr, "lcn-testpeer attest: --prev-of: "
			    "%s is not an entry\n", path);
			return -1;
		}
		hash_leaf(buf, n, leaf);
		if (merkle_append(&r, leaf) != 0)
			return -1;
	}
	memcpy(v->prev_hash, leaf, HASH_LEN);
	merkle_root(&r, v->prev_root);
	return 0;
}

static int
attest_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "lcn-testpeer attest: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: lcn-testpeer attest OUT --signing-key KEY "
	    "--feed ORIGIN/GROUP --seq N\n"
	    "           [--key-id-of PUB.pem] [--created-ms MS] "
	    "[--prev-hash HEX] [--prev-root HEX]\n"
	    "           [--prev-of DIR] [ORIGIN/GROUP:SEQ:HEXHASH...]\n");
	return 2;
}

/* "ORIGIN/GROUP" into f; 0 or -1. */
static int
feed_of(const char *s, struct feed_id *f)
{
	const char *slash = strchr(s, '/');

	memset(f, 0, sizeof(*f));
	if (slash == NULL || (size_t)(slash - s) > AGENCY_ID_MAX ||
	    strlen(slash + 1) > GROUP_NAME_MAX)
		return -1;
	memcpy(f->origin, s, (size_t)(slash - s));
	strcpy(f->group, slash + 1);
	return 0;
}

/* A decimal uint64 with nothing after it; 0 or -1. */
static int
u64_of(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* "ORIGIN/GROUP:SEQ:HEXHASH" into h; 0 or -1. */
static int
head_of(const char *s, struct head *h)
{
	char	buf[FEED_NAME_MAX + 2 * HASH_LEN + 32], *seq, *hex;

	memset(h, 0, sizeof(*h));
	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((seq = strchr(buf, ':')) == NULL)
		return -1;
	*seq++ = '\0';
	if ((hex = strchr(seq, ':')) == NULL)
		return -1;
	*hex++ = '\0';
	if (feed_of(buf, &h->feed) != 0 || u64_of(seq, &h->seq) != 0 ||
	    strlen(hex) != 2 * HASH_LEN ||
	    hex_decode(hex, h->hash, HASH_LEN) != 0)
		return -1;
	return 0;
}

/* Signs the attestation and writes it; 0, or 1 with a message. */
static int
write_attestation(const char *out, const struct sig_key *key,
    struct entry_view *v, const struct head *heads, size_t nheads)
{
	uint8_t		 hdr[ATTEST_HEADER_MAX], sig[SIG_LEN], leaf[HASH_LEN];
	uint8_t		*body = NULL, *entry = NULL, *se = NULL;
	char		 ref[FEED_NAME_MAX + 32], hex[2 * HASH_LEN + 1];
	size_t		 hl, blen, selen;
	FILE		*fp;
	json_t		*o;
	int		 r = 1;

	snprintf(ref, sizeof(ref), "%s/HA/%s/%llu", v->feed.origin,
	    v->feed.group, (unsigned long long)v->seq);
	if ((hl = entry_encode_header(v, hdr, sizeof(hdr))) == 0 ||
	    entry_encode_attestation(ref, heads, nheads, v->created_ms,
	    &body, &blen) != 0 || (entry = malloc(hl + blen)) == NULL) {
		fprintf(stderr, "lcn-testpeer attest: cannot encode the "
		    "entry (too many heads?)\n");
		goto out;
	}
	memcpy(entry, hdr, hl);
	memcpy(entry + hl, body, blen);
	if (sig_sign_entry(key, entry, hl + blen, sig) != 0 ||
	    entry_encode_signed(entry, hl + blen, sig, &se, &selen) != 0) {
		fprintf(stderr, "lcn-testpeer attest: cannot sign the "
		    "entry\n");
		goto out;
	}
	if ((fp = fopen(out, "wb")) == NULL ||
	    fwrite(se, 1, selen, fp) != selen || fclose(fp) != 0) {
		fprintf(stderr, "lcn-testpeer attest: cannot write %s\n", out);
		goto out;
	}
	hash_leaf(se, selen, leaf);
	hex_encode(leaf, HASH_LEN, hex);
	if ((o = json_object()) != NULL) {
		json_object_set_new(o, "type", json_string("attestation"));
		json_object_set_new(o, "file", tp_json_str(out));
		json_object_set_new(o, "feed", tp_json_feed(&v->feed));
		json_object_set_new(o, "seq", tp_json_u64(v->seq));
		json_object_set_new(o, "bytes", tp_json_u64(selen));
		json_object_set_new(o, "leaf_hash", json_string(hex));
		tp_json_put(o);
	}
	r = 0;
out:
	free(body);
	free(entry);
	free(se);
	return r;
}

int
tp_attest_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "signing-key", required_argument, NULL, 'k' },
		{ "feed", required_argument, NULL, 'f' },
		{ "seq", required_argument, NULL, 's' },
		{ "key-id-of", required_argument, NULL, 'i' },
		{ "created-ms", required_argument, NULL, 'c' },
		{ "prev-hash", required_argument, NULL, 'h' },
		{ "prev-root", required_argument, NULL, 'r' },
		{ "prev-of", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct entry_view	 v;
	struct merkle_range	 none;
	struct sig_key		*key = NULL;
	struct sig_pubkey	*idkey = NULL;
	struct head		*heads = NULL;
	const char		*out, *keypath = NULL, *idpath = NULL;
	const char		*prevdir = NULL;
	char			 err[256];
	size_t			 i, nheads;
	int			 ch, r = 2, have_feed = 0;

	memset(&v, 0, sizeof(v));
	if (hash_init() != 0)
		return 1;
	merkle_init(&none);
	merkle_root(&none, v.prev_root);
	v.created_ms = now_ms();
	/* argv[0] is "attest"; OUT comes next, then the options. */
	if (argc < 2 || argv[1][0] == '-')
		return attest_usage("%s", "OUT first");
	out = argv[1];
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k': keypath = optarg; break;
		case 'i': idpath = optarg; break;
		case 'p': prevdir = optarg; break;
		case 'f':
			if (feed_of(optarg, &v.feed) != 0)
				return attest_usage("--feed: expected "
				    "ORIGIN/GROUP, got \"%s\"", optarg);
			have_feed = 1;
			break;
		case 's':
			if (u64_of(optarg, &v.seq) != 0 || v.seq == 0)
				return attest_usage("--seq: expected a "
				    "number from 1, got \"%s\"", optarg);
			break;
		case 'c':
			if (u64_of(optarg, &v.created_ms) != 0)
				return attest_usage("--created-ms: expected "
				    "milliseconds, got \"%s\"", optarg);
			break;
		case 'h':
		case 'r':
			if (strlen(optarg) != 2 * HASH_LEN ||
			    hex_decode(optarg, ch == 'h' ? v.prev_hash :
			    v.prev_root, HASH_LEN) != 0)
				return attest_usage("expected 64 hex digits, "
				    "got \"%s\"", optarg);
			break;
		default:
			return attest_usage("%s", "unknown option");
		}
	}
	if (keypath == NULL || !have_feed || v.seq == 0)
		return attest_usage("%s", "--signing-key, --feed and --seq "
		    "are needed");
	if (prevdir != NULL && chain_onto(prevdir, &v) != 0)
		return 1;
	nheads = (size_t)(argc - optind);
	if (nheads > 0 && (heads = calloc(nheads, sizeof(*heads))) == NULL)
		return 1;
	for (i = 0; i < nheads; i++)
		if (head_of(argv[optind + (int)i], &heads[i]) != 0) {
			free(heads);
			return attest_usage("expected ORIGIN/GROUP:SEQ:HEXHASH,"
			    " got \"%s\"", argv[optind + (int)i]);
		}
	if (sig_key_load(keypath, &key, err, sizeof(err)) != 0) {
		fprintf(stderr, "lcn-testpeer attest: %s\n", err);
		r = 1;
		goto out;
	}
	if (idpath != NULL && sig_pubkey_load(idpath, &idkey) != 0) {
		fprintf(stderr, "lcn-testpeer attest: %s: not an Ed25519 "
		    "public key\n", idpath);
		r = 1;
		goto out;
	}
	memcpy(v.key_id, sig_pubkey_id(idkey != NULL ? idkey :
	    sig_key_public(key)), KEY_ID_LEN);
	r = write_attestation(out, key, &v, heads, nheads);
out:
	sig_pubkey_free(idkey);
	sig_key_free(key);
	free(heads);
	return r;
}
