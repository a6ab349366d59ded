/*
 * lcn export REF DIR: a record's signed entries as evidence that anyone
 * can check without LCN: each entry exactly as the ledger stores it, the
 * bytes that were signed, the signature, the origin's public key (PEM),
 * the decoded JSON, and a README with the stock openssl command that
 * verifies the signature (proto/PROTOCOL.md section 3.4). lcnd finds the
 * record's entries (its derived state) and the key it trusts; lcn checks
 * every signature itself before it writes anything.
 *
 * The entry the ref names (the notice, or with --seq the entry at that
 * seq) goes into DIR itself; every other entry of the record (updates, and
 * entries that named it and were ignored) into a subdirectory of DIR.
 */
/* asprintf(3) is a GNU extension of <stdio.h>. */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <jansson.h>

#include "entry.h"
#include "hash.h"
#include "lcn.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "opts.h"
#include "sig.h"
#include "table.h"
#include "util.h"

/* An Ed25519 SubjectPublicKeyInfo (RFC 8410) is this, then the 32 bytes. */
static const uint8_t spki_prefix[12] = {
	0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
};
static const uint8_t sign_context[12] = "LCN-ENTRY-1";	/* with its NUL */

#define VERIFY_COMMAND	"openssl pkeyutl -verify -pubin -inkey " \
	"origin-key.pem -rawin -in signed-bytes.bin -sigfile signature.bin"

/* One entry, decoded and checked, ready to write. */
struct export_entry {
	const json_t	*ans;		/* lcnd's object for it, borrowed */
	uint8_t		*signed_entry;	/* as stored */
	size_t		 len;
	struct entry_view v;		/* borrows from signed_entry */
	uint8_t		 pub[PUBKEY_LEN];
	char		 sub[96];	/* its directory under DIR, "" DIR */
};

static void
base64(const uint8_t *in, size_t len, char *out)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	size_t	i;
	uint32_t w;

	for (i = 0; i + 2 < len; i += 3) {
		w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = b64[w >> 18 & 63];
		*out++ = b64[w >> 12 & 63];
		*out++ = b64[w >> 6 & 63];
		*out++ = b64[w & 63];
	}
	if (i < len) {
		w = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)in[i + 1] << 8;
		*out++ = b64[w >> 18 & 63];
		*out++ = b64[w >> 12 & 63];
		*out++ = i + 1 < len ? b64[w >> 6 & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/*
 * Decodes lcnd's answer for one entry and checks it as an auditor would:
 * the key's id is the one the entry names, and the signature verifies.
 * 0, or LCN_EPROTO / LCN_EBADSIG / LCN_ENOMEM with err filled.
 */
static int
entry_load(struct export_entry *x, char *err, size_t errsz)
{
	const char		*hex = json_str(x->ans, "signed_entry", "");
	const char		*pk = json_str(x->ans, "public_key", "");
	struct sig_pubkey	*pub = NULL;
	char			 why[256];
	size_t			 n = strlen(hex);
	int			 r = LCN_EPROTO;

	if (n == 0 || n % 2 != 0 || n / 2 > ENTRY_MAX ||
	    strlen(pk) != 2 * PUBKEY_LEN) {
		snprintf(err, errsz, "lcnd's answer lacks the entry or its key");
		goto out;
	}
	x->len = n / 2;
	if ((x->signed_entry = malloc(x->len)) == NULL) {
		r = LCN_ENOMEM;
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	if (hex_decode(hex, x->signed_entry, x->len) != 0 ||
	    hex_decode(pk, x->pub, PUBKEY_LEN) != 0) {
		snprintf(err, errsz, "lcnd's answer is not hex");
		goto out;
	}
	if (entry_parse(x->signed_entry, x->len, &x->v, why,
	    sizeof(why)) != 0) {
		snprintf(err, errsz, "the entry does not decode: %s", why);
		goto out;
	}
	if (sig_pubkey_from_raw(x->pub, &pub) != 0) {
		snprintf(err, errsz, "the origin's key is not an Ed25519 key");
		goto out;
	}
	if (memcmp(sig_pubkey_id(pub), x->v.key_id, KEY_ID_LEN) != 0) {
		snprintf(err, errsz, "the key lcnd gave is not the one that "
		    "signed %s/%s seq %" PRIu64, x->v.feed.origin,
		    x->v.feed.group, x->v.seq);
		goto out;
	}
	if (sig_verify_entry(pub, x->v.entry.ptr, x->v.entry.len,
	    x->v.sig) != 0) {
		r = LCN_EBADSIG;
		snprintf(err, errsz, "the signature of %s/%s seq %" PRIu64
		    " does not verify: the ledger may be damaged (lcn verify)",
		    x->v.feed.origin, x->v.feed.group, x->v.seq);
		goto out;
	}
	r = 0;
out:
	sig_pubkey_free(pub);
	return r;
}

/* Writes len bytes into a new file dir/name; 0 or -1 with err filled. */
static int
write_file(const char *dir, const char *name, const void *p, size_t len,
    char *err, size_t errsz)
{
	char		 path[PATH_MAX];
	const uint8_t	*b = p;
	ssize_t		 w;
	int		 fd, r = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (len > 0) {
		if ((w = write(fd, b, len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto out;
		}
		b += w;
		len -= (size_t)w;
	}
	r = 0;
out:
	if (close(fd) != 0 && r == 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		r = -1;
	}
	return r;
}

/* The README of one entry: what each file is and the command. */
static char *
readme(const json_t *resp, const struct export_entry *x, size_t nentries)
{
	char	*s = NULL, t[32], keyid[2 * KEY_ID_LEN + 1], extra[512] = "";
	int	 n;

	fmt_time(x->v.created_ms, t, sizeof(t));
	hex_encode(x->v.key_id, KEY_ID_LEN, keyid);
	if (json_object_get(x->ans, "ignored") != NULL)
		snprintf(extra, sizeof(extra), "\nThis entry names the record "
		    "but had no effect on it (%s): %s\n", json_str(x->ans,
		    "ignored", ""), json_str(x->ans, "ignored_why", ""));
	else if (x->sub[0] == '\0' && nentries > 1)
		snprintf(extra, sizeof(extra), "\nThe record's other %zu "
		    "entries (its updates) are in the subdirectories, each "
		    "with the same files.\n", nentries - 1);
	n = asprintf(&s,
	    "Evidence of the %s %s, exported by lcn export.\n"
	    "\n"
	    "This entry: %s, feed %s/%s seq %" PRIu64 ", created %s,\n"
	    "signed by %s with the key whose id (SHA-256 of the raw public key)"
	    " is\n%s.\n%s"
	    "\n"
	    "Files:\n"
	    "  signed-entry.bin  the SignedEntry exactly as the ledger stores "
	    "it (lcn.proto)\n"
	    "  signed-bytes.bin  the bytes that were signed: \"LCN-ENTRY-1\", "
	    "one zero byte,\n"
	    "                    then the Entry bytes inside signed-entry.bin\n"
	    "  signature.bin     the Ed25519 signature (64 bytes)\n"
	    "  origin-key.pem    %s's Ed25519 public key\n"
	    "  entry.json        the entry decoded (its header and body)\n"
	    "\n"
	    "To check the signature with the stock OpenSSL command line (3.0 "
	    "or later):\n"
	    "\n"
	    "  " VERIFY_COMMAND "\n"
	    "\n"
	    "It prints \"Signature Verified Successfully\"; a changed byte in "
	    "any of the\nthree files makes it print \"Signature Verification "
	    "Failure\".\n"
	    "To check that the key is the one the entry names, compare the key "
	    "id above with\n"
	    "\n"
	    "  openssl pkey -pubin -in origin-key.pem -outform DER | tail -c 32"
	    " | sha256sum\n"
	    "\n"
	    "The signed message and the entry format are described in LCN's "
	    "proto/PROTOCOL.md\n(section 3.4, What is signed).\n",
	    json_str(resp, "kind", "record"), json_str(resp, "ref", ""),
	    json_str(x->ans, "type", ""), x->v.feed.origin, x->v.feed.group,
	    x->v.seq, t, x->v.feed.origin, keyid, extra, x->v.feed.origin);
	return n < 0 ? NULL : s;
}

/* The six files of one entry into dir. 0 or -1 with err filled. */
static int
write_entry(const char *dir, const json_t *resp,
    const struct export_entry *x, size_t nentries, char *err, size_t errsz)
{
	uint8_t	 der[sizeof(spki_prefix) + PUBKEY_LEN], *msg = NULL;
	char	 b64[80], pem[160], *js = NULL, *rd = NULL;
	int	 r = -1;

	memcpy(der, spki_prefix, sizeof(spki_prefix));
	memcpy(der + sizeof(spki_prefix), x->pub, PUBKEY_LEN);
	base64(der, sizeof(der), b64);
	snprintf(pem, sizeof(pem), "-----BEGIN PUBLIC KEY-----\n%s\n"
	    "-----END PUBLIC KEY-----\n", b64);
	if ((msg = malloc(sizeof(sign_context) + x->v.entry.len)) == NULL ||
	    (js = json_dumps(json_object_get(x->ans, "entry"), JSON_INDENT(2)
	    | JSON_PRESERVE_ORDER)) == NULL || (rd = readme(resp, x,
	    nentries)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	memcpy(msg, sign_context, sizeof(sign_context));
	memcpy(msg + sizeof(sign_context), x->v.entry.ptr, x->v.entry.len);
	if (write_file(dir, "signed-entry.bin", x->signed_entry, x->len, err,
	    errsz) != 0 || write_file(dir, "signed-bytes.bin", msg,
	    sizeof(sign_context) + x->v.entry.len, err, errsz) != 0 ||
	    write_file(dir, "signature.bin", x->v.sig, SIG_LEN, err,
	    errsz) != 0 || write_file(dir, "origin-key.pem", pem, strlen(pem),
	    err, errsz) != 0 || write_file(dir, "entry.json", js, strlen(js),
	    err, errsz) != 0 || write_file(dir, "README.txt", rd, strlen(rd),
	    err, errsz) != 0)
		goto out;
	r = 0;
out:
	free(msg);
	free(js);
	free(rd);
	return r;
}

/* DIR: made if missing (not its parents), else it must be empty. */
static int
make_dir(const char *dir, char *err, size_t errsz)
{
	struct dirent	*de;
	DIR		*dp;
	int		 empty = 1;

	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno != EEXIST) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((dp = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(dp);
	if (!empty) {
		snprintf(err, errsz, "%s is not empty: export into a new or "
		    "empty directory", dir);
		return -1;
	}
	return 0;
}

/* Options into *from, *seq; -1 to go on, else the exit status. */
static int
parse_args(struct cli *cli, int argc, char **argv, const char **from,
    uint64_t *seq)
{
	static const struct option opts[] = {
		{ "from",	required_argument,	NULL, 'f' },
		{ "seq",	required_argument,	NULL, 'q' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	char	*end;
	int	 ch, rc;

	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			*from = optarg;
			break;
		case 'q':
			errno = 0;
			*seq = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || *seq == 0 ||
			    *optarg == '-' || *seq > INT64_MAX)
				return cli_usage_field("export", "--seq",
				    "--seq '%s': expected a seq such as 12",
				    optarg);
			break;
		default:
			if (cli_opt_common(cli, "export", ch, argv, &rc))
				return rc;
			break;
		}
	}
	if (argc - optind != 2)
		return cli_usage_field("export", argc == optind ? "REF" :
		    argc - optind == 1 ? "DIR" : NULL, argc - optind < 2 ?
		    "give REF and DIR" : "unexpected argument '%s'",
		    argv[optind + 2]);
	return -1;
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	struct export_entry	*xs = NULL;
	const json_t		*arr, *e;
	const char		*from = NULL, *dir;
	json_t			*req, *resp = NULL, *out = NULL, *files;
	uint64_t		 seq = 0;
	size_t			 i, n = 0, top = 0;
	char			 err[PATH_MAX + 256], path[PATH_MAX], *safe;
	int			 rc;

	if ((rc = parse_args(cli, argc, argv, &from, &seq)) != -1)
		return rc;
	dir = argv[optind + 1];
	if ((req = json_pack("{s:s, s:s}", "cmd", "export", "ref",
	    argv[optind])) == NULL)
		return cli_fail(cli, "nomem", NULL, "out of memory");
	if (from != NULL)
		json_object_set_new(req, "origin", json_string(from));
	if (seq != 0)
		json_object_set_new(req, "seq", json_integer((json_int_t)seq));
	if ((rc = cli_ask(cli, req, &resp)) != EXIT_OK)
		return rc;
	arr = json_object_get(resp, "entries");
	if ((n = json_array_size(arr)) == 0) {
		rc = cli_fail(cli, "protocol", NULL, "lcnd sent no entry");
		goto out;
	}
	if ((xs = calloc(n, sizeof(*xs))) == NULL) {
		rc = cli_fail(cli, "nomem", NULL, "out of memory");
		goto out;
	}
	/* Every entry checked before anything is written. */
	json_array_foreach(arr, i, e) {
		xs[i].ans = e;
		if (entry_load(&xs[i], err, sizeof(err)) != 0) {
			rc = cli_fail(cli, "bad-signature", NULL, "%s", err);
			goto out;
		}
		/* The notice (or the alert) itself goes into DIR. */
		if (json_u64(e, "action") == 0 &&
		    json_object_get(e, "ignored") == NULL &&
		    strcmp(json_str(e, "origin", ""), json_str(resp, "origin",
		    "")) == 0)
			top = i;
	}
	for (i = 0; i < n && n > 1; i++)
		if (i != top)
			snprintf(xs[i].sub, sizeof(xs[i].sub), "%02zu-%s-seq-%"
			    PRIu64, i, json_str(xs[i].ans, "type", "entry"),
			    xs[i].v.seq);
	if (make_dir(dir, err, sizeof(err)) != 0) {
		rc = cli_fail(cli, "io", "DIR", "%s", err);
		goto out;
	}
	files = json_array();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s%s%s", dir, xs[i].sub[0] ?
		    "/" : "", xs[i].sub);
		if (xs[i].sub[0] != '\0' && mkdir(path, 0755) != 0)
			snprintf(err, sizeof(err), "%s: %s", path,
			    strerror(errno));
		else if (write_entry(path, resp, &xs[i], n, err,
		    sizeof(err)) == 0)
			err[0] = '\0';
		if (err[0] != '\0') {
			json_decref(files);
			rc = cli_fail(cli, "io", NULL, "%s", err);
			goto out;
		}
		json_array_append_new(files, json_pack("{s:s, s:s, s:I, s:s, "
		    "s:s}", "origin", xs[i].v.feed.origin, "group",
		    xs[i].v.feed.group, "seq", (json_int_t)xs[i].v.seq, "type",
		    json_str(xs[i].ans, "type", ""), "dir", path));
		if (!cli->json) {
			safe = term_safe(path, 0);
			printf("%s/%s seq %" PRIu64 " (%s) -> %s\n",
			    xs[i].v.feed.origin, xs[i].v.feed.group,
			    xs[i].v.seq, json_str(xs[i].ans, "type", ""),
			    safe ? safe : "?");
			free(safe);
		}
	}
	if (json_is_true(json_object_get(resp, "more")))
		cli_warnx("the record has more entries than one answer holds; "
		    "export the rest one by one with --seq (lcn show lists "
		    "them)");
	if (cli->json) {
		out = json_pack("{s:b, s:s, s:s, s:o, s:b}", "ok", 1, "ref",
		    json_str(resp, "ref", ""), "dir", dir, "entries", files,
		    "more", json_is_true(json_object_get(resp, "more")));
		cli_print_json(out);
		json_decref(out);
	} else {
		json_decref(files);
		printf("check each with: cd DIR && " VERIFY_COMMAND "\n");
	}
	rc = EXIT_OK;
out:
	for (i = 0; xs != NULL && i < n; i++)
		free(xs[i].signed_entry);
	free(xs);
	json_decref(resp);
	return rc;
}
