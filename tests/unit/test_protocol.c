/*
 * The worked example of proto/PROTOCOL.md section 6, rebuilt with the
 * project's own code and checked against the hex printed in that file,
 * which this test reads (LCN_SOURCE_DIR): the document and the code cannot
 * drift apart. With LCN_PRINT_EXAMPLE=1 in the environment it prints the
 * block as computed instead, to paste into the document after a
 * deliberate change of the example, and fails so that it never passes
 * without comparing.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lcn.pb-c.h"

#include "entry.h"
#include "hash.h"
#include "lcn_err.h"
#include "merkle.h"
#include "sig.h"
#include "util.h"

#define DOC_PATH	LCN_SOURCE_DIR "/proto/PROTOCOL.md"
#define BLOCK_BEGIN	"<!-- test_protocol: begin -->"
#define BLOCK_END	"<!-- test_protocol: end -->"
#define DOC_VALUES_MAX	64
#define HEX_LINE	64	/* hex digits per printed line */
#define NENTRIES	3

/* The example's fixed inputs; PROTOCOL.md section 6 lists the same. */
static const char seed_hex[] =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
#define EX_ORIGIN	"JP-METI"
#define EX_GROUP	"WA"
#define EX_CREATED_MS	UINT64_C(1793610000000)	/* 2026-11-02T09:00:00Z */
#define EX_DECISION_MS	UINT64_C(1793577600000)	/* 2026-11-02T00:00:00Z */
#define EX_STEP_MS	UINT64_C(60000)

struct doc_value {
	char	 name[32];
	char	*hex;
};

struct example {
	struct doc_value	 doc[DOC_VALUES_MAX];
	size_t			 ndoc;
	struct sig_key		*key;
	int			 print;
};

/* One computed value: printed in the document's layout, then compared. */
static void
check_hex(struct example *ex, const char *name, const uint8_t *p,
    size_t len)
{
	char	*got;
	size_t	 i, off;

	assert_non_null(got = malloc(2 * len + 1));
	hex_encode(p, len, got);
	if (ex->print) {
		for (off = 0; off == 0 || off < 2 * len; off += HEX_LINE)
			printf("%-16s%.*s\n", off == 0 ? name : "", HEX_LINE,
			    got + off);
		free(got);
		return;
	}
	for (i = 0; i < ex->ndoc; i++)
		if (strcmp(ex->doc[i].name, name) == 0)
			break;
	if (i == ex->ndoc)
		fail_msg("PROTOCOL.md: no value named %s", name);
	if (strcmp(ex->doc[i].hex, got) != 0)
		fail_msg("PROTOCOL.md %s:\n  document %s\n  computed %s", name,
		    ex->doc[i].hex, got);
	free(got);
}

static int
hex_only(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * Reads the block between the markers: "name hex" lines, a value
 * continued on following lines that hold only indented hex.
 */
static void
doc_read(struct example *ex)
{
	FILE		*f;
	char		 line[512], *p, *name, *hex;
	struct doc_value *cur = NULL;
	int		 in = 0, seen_end = 0;
	size_t		 len;

	if ((f = fopen(DOC_PATH, "r")) == NULL)
		fail_msg("cannot read %s", DOC_PATH);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, BLOCK_BEGIN) == 0) {
			in = 1;
			continue;
		}
		if (strcmp(line, BLOCK_END) == 0) {
			seen_end = in;
			break;
		}
		if (!in || strncmp(line, "```", 3) == 0 || line[0] == '\0')
			continue;
		if (isspace((unsigned char)line[0])) {
			for (p = line; isspace((unsigned char)*p); p++)
				;
			if (cur == NULL || !hex_only(p))
				fail_msg("PROTOCOL.md: stray line '%s'", line);
			len = strlen(cur->hex);
			assert_non_null(cur->hex = realloc(cur->hex,
			    len + strlen(p) + 1));
			strcpy(cur->hex + len, p);
			continue;
		}
		name = strtok(line, " \t");
		hex = strtok(NULL, " \t");
		if (name == NULL || hex == NULL || !hex_only(hex) ||
		    strlen(name) >= sizeof(cur->name) ||
		    ex->ndoc == DOC_VALUES_MAX)
			fail_msg("PROTOCOL.md: expected 'name hex', got '%s'",
			    line);
		cur = &ex->doc[ex->ndoc++];
		strcpy(cur->name, name);
		assert_non_null(cur->hex = strdup(hex));
	}
	fclose(f);
	if (!seen_end)
		fail_msg("PROTOCOL.md: no block between '%s' and '%s'",
		    BLOCK_BEGIN, BLOCK_END);
}

/* The private key from its seed, loaded the way lcnd loads its own. */
static struct sig_key *
key_from_seed(void)
{
	EVP_PKEY	*pkey;
	struct sig_key	*k;
	uint8_t		 seed[32];
	char		 dir[] = "/tmp/lcn-test-protocol-XXXXXX";
	char		 path[PATH_MAX], err[256];
	FILE		*f;
	int		 fd;

	assert_int_equal(hex_decode(seed_hex, seed, sizeof(seed)), 0);
	assert_non_null(pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,
	    NULL, seed, sizeof(seed)));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/signing.key", dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	EVP_PKEY_free(pkey);
	assert_int_equal(sig_key_load(path, &k, err, sizeof(err)), 0);
	unlink(path);
	rmdir(dir);
	return k;
}

static int
setup(void **state)
{
	struct example *ex;

	if (hash_init() != 0 || (ex = calloc(1, sizeof(*ex))) == NULL)
		return -1;
	ex->print = getenv("LCN_PRINT_EXAMPLE") != NULL;
	*state = ex;
	return 0;
}

static int
teardown(void **state)
{
	struct example	*ex = *state;
	size_t		 i;

	for (i = 0; i < ex->ndoc; i++)
		free(ex->doc[i].hex);
	sig_key_free(ex->key);
	free(ex);
	return 0;
}

/*
 * The body of entry i (1-based) as the protobuf bytes of an Entry that
 * holds only the body, the form lcn publish hands to the ledger.
 */
static uint8_t *
body_encode(int i, size_t *len)
{
	Lcn__Entry		 e = LCN__ENTRY__INIT;
	Lcn__Handling		 h = LCN__HANDLING__INIT;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Item		 item = LCN__ITEM__INIT, *items[1] = { &item };
	Lcn__Party		 party = LCN__PARTY__INIT;
	Lcn__Party		*parties[1] = { &party };
	Lcn__ControlStatus	 cs = LCN__CONTROL_STATUS__INIT;
	Lcn__DenialUpdate	 du = LCN__DENIAL_UPDATE__INIT;
	uint8_t			*out;

	switch (i) {
	case 1:
		h.tlp = LCN__TLP__TLP_AMBER;
		dn.ref = "JP-METI/DN/2026/0001";
		dn.handling = &h;
		dn.regime = "WA";
		dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
		item.control_entry = "3A001.b.1";
		dn.items = items;
		dn.n_items = 1;
		party.role = LCN__PARTY_ROLE__ROLE_END_USER;
		party.name = "Example Microwave Co., Ltd.";
		party.country = "CN";
		dn.parties = parties;
		dn.n_parties = 1;
		dn.destination_country = "CN";
		dn.decision_date_ms = EX_DECISION_MS;
		e.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
		e.denial_notice = &dn;
		break;
	case 2:
		h.tlp = LCN__TLP__TLP_GREEN;
		cs.ref = "JP-METI/CS/2026/0001";
		cs.handling = &h;
		cs.regime = "WA";
		cs.control_entry = "3A001.b.12";
		cs.stage = LCN__CONTROL_STAGE__STAGE_IMPLEMENTED;
		e.body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
		e.control_status = &cs;
		break;
	default:
		h.tlp = LCN__TLP__TLP_AMBER;
		du.ref = "JP-METI/DU/2026/0001";
		du.handling = &h;
		du.denial_ref = "JP-METI/DN/2026/0001";
		du.action = LCN__DENIAL_ACTION__DENIAL_REVOKE;
		du.reason = "licence application withdrawn";
		e.body_case = LCN__ENTRY__BODY_DENIAL_UPDATE;
		e.denial_update = &du;
		break;
	}
	*len = lcn__entry__get_packed_size(&e);
	assert_non_null(out = malloc(*len));
	assert_int_equal(lcn__entry__pack(&e, out), *len);
	return out;
}

/* Ed25519 over "LCN-ENTRY-1" 0x00 || entry, with OpenSSL alone. */
static void
check_signed_message(const struct sig_key *k, const uint8_t *entry,
    size_t len, const uint8_t sig[SIG_LEN])
{
	static const char	 ctx_str[] = "LCN-ENTRY-1";	/* 11 + NUL */
	EVP_PKEY		*pub;
	EVP_MD_CTX		*md;
	uint8_t			*msg;

	assert_non_null(msg = malloc(sizeof(ctx_str) + len));
	memcpy(msg, ctx_str, sizeof(ctx_str));
	memcpy(msg + sizeof(ctx_str), entry, len);
	assert_non_null(pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
	    NULL, sig_pubkey_raw(sig_key_public(k)), PUBKEY_LEN));
	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestVerifyInit_ex(md, NULL, NULL, NULL, NULL,
	    pub, NULL), 1);
	assert_int_equal(EVP_DigestVerify(md, sig, SIG_LEN, msg,
	    sizeof(ctx_str) + len), 1);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pub);
	free(msg);
}

static void
protocol_example_matches_the_document(void **state)
{
	struct example		*ex = *state;
	const struct sig_pubkey	*pub;
	struct merkle_range	 range;
	struct entry_view	 v, pv;
	uint8_t			 hdr[512], entry[1024], sig[SIG_LEN];
	uint8_t			 leaf[HASH_LEN], prev_hash[HASH_LEN];
	uint8_t			 root[HASH_LEN], *body, *se, *buf;
	uint8_t			 leaves[NENTRIES][HASH_LEN];
	char			 name[32], err[160];
	size_t			 bodylen, hl, selen;
	int			 i;

	if (!ex->print)
		doc_read(ex);
	ex->key = key_from_seed();
	pub = sig_key_public(ex->key);
	if (ex->print)
		printf("%s\n```\n", BLOCK_BEGIN);
	{
		uint8_t seed[32];

		assert_int_equal(hex_decode(seed_hex, seed, sizeof(seed)), 0);
		check_hex(ex, "seed", seed, sizeof(seed));
	}
	check_hex(ex, "public_key", sig_pubkey_raw(pub), PUBKEY_LEN);
	check_hex(ex, "key_id", sig_pubkey_id(pub), KEY_ID_LEN);
	merkle_init(&range);
	memset(prev_hash, 0, sizeof(prev_hash));
	merkle_root(&range, root);
	check_hex(ex, "empty_root", root, HASH_LEN);

	for (i = 1; i <= NENTRIES; i++) {
		if (ex->print)
			printf("\n");
		memset(&v, 0, sizeof(v));
		strcpy(v.feed.origin, EX_ORIGIN);
		strcpy(v.feed.group, EX_GROUP);
		v.seq = (uint64_t)i;
		memcpy(v.prev_hash, prev_hash, HASH_LEN);
		merkle_root(&range, v.prev_root);
		v.created_ms = EX_CREATED_MS + (uint64_t)(i - 1) * EX_STEP_MS;
		memcpy(v.key_id, sig_pubkey_id(pub), KEY_ID_LEN);

		snprintf(name, sizeof(name), "%d.prev_hash", i);
		check_hex(ex, name, v.prev_hash, HASH_LEN);
		snprintf(name, sizeof(name), "%d.prev_root", i);
		check_hex(ex, name, v.prev_root, HASH_LEN);

		body = body_encode(i, &bodylen);
		snprintf(name, sizeof(name), "%d.body", i);
		check_hex(ex, name, body, bodylen);
		assert_int_not_equal(hl = entry_encode_header(&v, hdr,
		    sizeof(hdr)), 0);
		assert_true(hl + bodylen <= sizeof(entry));
		memcpy(entry, hdr, hl);
		memcpy(entry + hl, body, bodylen);
		free(body);
		snprintf(name, sizeof(name), "%d.entry", i);
		check_hex(ex, name, entry, hl + bodylen);

		assert_int_equal(sig_sign_entry(ex->key, entry, hl + bodylen,
		    sig), 0);
		check_signed_message(ex->key, entry, hl + bodylen, sig);
		assert_int_equal(sig_verify_entry(pub, entry, hl + bodylen,
		    sig), 0);
		snprintf(name, sizeof(name), "%d.signature", i);
		check_hex(ex, name, sig, SIG_LEN);

		assert_int_equal(entry_encode_signed(entry, hl + bodylen, sig,
		    &se, &selen), 0);
		snprintf(name, sizeof(name), "%d.signed_entry", i);
		check_hex(ex, name, se, selen);

		/* What a receiver decodes is what was meant. */
		assert_int_equal(entry_parse(se, selen, &pv, err,
		    sizeof(err)), 0);
		assert_string_equal(pv.feed.origin, EX_ORIGIN);
		assert_string_equal(pv.feed.group, EX_GROUP);
		assert_int_equal(pv.seq, v.seq);
		assert_int_equal(pv.created_ms, v.created_ms);
		assert_memory_equal(pv.prev_hash, v.prev_hash, HASH_LEN);
		assert_memory_equal(pv.prev_root, v.prev_root, HASH_LEN);
		assert_memory_equal(pv.key_id, v.key_id, KEY_ID_LEN);
		assert_memory_equal(pv.sig, sig, SIG_LEN);
		assert_int_equal(pv.entry.len, hl + bodylen);
		assert_memory_equal(pv.entry.ptr, entry, hl + bodylen);

		/* The leaf hash covers the whole SignedEntry, 0x00 first. */
		hash_leaf(se, selen, leaf);
		assert_non_null(buf = malloc(selen + 1));
		buf[0] = 0x00;
		memcpy(buf + 1, se, selen);
		hash_sha256(buf, selen + 1, leaves[i - 1]);
		assert_memory_equal(leaf, leaves[i - 1], HASH_LEN);
		free(buf);
		free(se);
		snprintf(name, sizeof(name), "%d.leaf_hash", i);
		check_hex(ex, name, leaf, HASH_LEN);

		memcpy(prev_hash, leaf, HASH_LEN);
		assert_int_equal(merkle_append(&range, leaf), 0);
	}

	/* The root after entry 3 is the prev_root entry 4 will carry. */
	merkle_root(&range, root);
	if (ex->print)
		printf("\n");
	check_hex(ex, "root_1_3", root, HASH_LEN);
	{
		/* RFC 9162 by hand: MTH(3) = node(node(l1, l2), l3). */
		uint8_t b[1 + 2 * HASH_LEN], n12[HASH_LEN], n123[HASH_LEN];

		b[0] = 0x01;
		memcpy(b + 1, leaves[0], HASH_LEN);
		memcpy(b + 1 + HASH_LEN, leaves[1], HASH_LEN);
		hash_sha256(b, sizeof(b), n12);
		memcpy(b + 1, n12, HASH_LEN);
		memcpy(b + 1 + HASH_LEN, leaves[2], HASH_LEN);
		hash_sha256(b, sizeof(b), n123);
		assert_memory_equal(root, n123, HASH_LEN);
	}
	if (ex->print) {
		printf("```\n%s\n", BLOCK_END);
		fail_msg("LCN_PRINT_EXAMPLE: values printed, not compared");
	}
}

/*
 * entry_parse accepts one encoding of a SignedEntry: entry then
 * signature, minimal lengths, nothing else. The same signed entry wrapped
 * any other way is refused (PROTOCOL.md section 3).
 */
static void
protocol_one_signed_entry_encoding(void **state)
{
	struct entry_view	 v;
	struct sig_key		*k;
	uint8_t			 hdr[512], sig[SIG_LEN], *se, *alt, *body;
	char			 err[160];
	size_t			 hl, bodylen, selen, n;

	(void)state;
	k = key_from_seed();
	memset(&v, 0, sizeof(v));
	strcpy(v.feed.origin, EX_ORIGIN);
	strcpy(v.feed.group, EX_GROUP);
	v.seq = 1;
	v.created_ms = EX_CREATED_MS;
	memcpy(v.key_id, sig_pubkey_id(sig_key_public(k)), KEY_ID_LEN);
	assert_int_not_equal(hl = entry_encode_header(&v, hdr, 256), 0);
	body = body_encode(2, &bodylen);
	memcpy(hdr + hl, body, bodylen);
	free(body);
	assert_int_equal(sig_sign_entry(k, hdr, hl + bodylen, sig), 0);
	assert_int_equal(entry_encode_signed(hdr, hl + bodylen, sig, &se,
	    &selen), 0);
	assert_int_equal(entry_parse(se, selen, &v, err, sizeof(err)), 0);

	/* Signature first, then entry: the same fields, another order. */
	assert_non_null(alt = malloc(selen));
	n = selen - (2 + SIG_LEN);
	memcpy(alt, se + n, 2 + SIG_LEN);
	memcpy(alt + 2 + SIG_LEN, se, n);
	assert_int_equal(entry_parse(alt, selen, &v, err, sizeof(err)),
	    LCN_EPROTO);
	free(alt);

	/* An unknown field appended. */
	assert_non_null(alt = malloc(selen + 2));
	memcpy(alt, se, selen);
	alt[selen] = 0x18;	/* field 3, varint */
	alt[selen + 1] = 0x01;
	assert_int_equal(entry_parse(alt, selen + 2, &v, err, sizeof(err)),
	    LCN_EPROTO);
	free(alt);
	free(se);
	sig_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(protocol_example_matches_the_document),
		cmocka_unit_test(protocol_one_signed_entry_encoding),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
