/*
 * Unit tests for the ledger record codec (entry.c): entry_parse reads a
 * SignedEntry, entry_encode_header and entry_encode_signed write one, and
 * every limit of lcn_limits.h is hit exactly and by one at every depth of
 * the body, with every rejection leaving the output zeroed (PROTOCOL.md
 * sections 3 and 4). Entries are real: the header from
 * entry_encode_header, the body packed with lcn.pb-c.h, signed with sig.c
 * by a key generated into a temporary directory. The mutation loop is
 * meant to run under ASan+UBSan (-DLCN_SANITIZE=ON).
 */
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
#include "sig.h"
#include "test_keys.h"
#include "test_tmpdir.h"
#include "util.h"

struct fixture {
	char		 dir[TEST_TMPDIR_MAX];
	struct sig_key	*key;
};

static const struct entry_view	zero_view;

/* ------------------------------------------------------------ helpers */

static void
fill(uint8_t *b, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + seed);
}

static void
set_feed(struct feed_id *f, const char *origin, const char *group)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->origin, sizeof(f->origin), "%s", origin);
	snprintf(f->group, sizeof(f->group), "%s", group);
}

/* ------------------------------------------------------ fixture, keys */

static int
setup(void **state)
{
	struct fixture *fx;

	if (hash_init() != 0 || (fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	*state = fx;
	if (test_tmpdir_make(fx->dir, sizeof(fx->dir), "entry") != 0)
		return -1;
	fx->key = test_key_make(fx->dir, "signing");
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	int		 r;

	if (fx == NULL)
		return 0;
	r = test_tmpdir_remove(fx->dir);
	sig_key_free(fx->key);
	free(fx);
	return r;
}

/* ------------------------------------------------------ signed entries */

static void
default_header(struct fixture *fx, struct entry_view *v)
{
	memset(v, 0, sizeof(*v));
	set_feed(&v->feed, "JP-METI", "WA");
	v->seq = 1;
	hash_sha256("", 0, v->prev_root);
	v->created_ms = 1767225600000ull;
	memcpy(v->key_id, sig_pubkey_id(sig_key_public(fx->key)), KEY_ID_LEN);
}

/* Entry bytes: entry_encode_header(hdr) || body packed as an Entry. */
static uint8_t *
entry_bytes(const struct entry_view *hdr, const Lcn__Entry *body,
    size_t *len)
{
	uint8_t	*b;
	size_t	 hl, bl;

	bl = body ? lcn__entry__get_packed_size(body) : 0;
	assert_non_null(b = malloc(512 + bl));
	assert_true((hl = entry_encode_header(hdr, b, 512)) > 0);
	if (body != NULL)
		assert_int_equal(lcn__entry__pack(body, b + hl), bl);
	*len = hl + bl;
	return b;
}

/* Signs entry bytes and wraps them with entry_encode_signed. */
static uint8_t *
sign_wrap(struct fixture *fx, const uint8_t *e, size_t elen, size_t *len)
{
	uint8_t	sig[SIG_LEN], *se;

	assert_int_equal(sig_sign_entry(fx->key, e, elen, sig), 0);
	assert_int_equal(entry_encode_signed(e, elen, sig, &se, len), 0);
	return se;
}

static uint8_t *
signed_entry(struct fixture *fx, const struct entry_view *hdr,
    const Lcn__Entry *body, size_t *len)
{
	uint8_t	*e, *se;
	size_t	 elen;

	e = entry_bytes(hdr, body, &elen);
	se = sign_wrap(fx, e, elen, len);
	free(e);
	return se;
}

/* A SignedEntry packed by hand, with any entry and signature lengths. */
static uint8_t *
pack_signed(const uint8_t *e, size_t elen, const uint8_t *sig, size_t slen,
    size_t *len)
{
	Lcn__SignedEntry	 se = LCN__SIGNED_ENTRY__INIT;
	uint8_t			*b;

	se.entry.data = (uint8_t *)e;
	se.entry.len = elen;
	se.signature.data = (uint8_t *)sig;
	se.signature.len = slen;
	*len = lcn__signed_entry__get_packed_size(&se);
	assert_non_null(b = malloc(*len ? *len : 1));
	assert_int_equal(lcn__signed_entry__pack(&se, b), *len);
	return b;
}

static void
parse_fails(const uint8_t *se, size_t len, const char *why)
{
	struct entry_view	v;
	char			err[256];

	memset(&v, 0xa5, sizeof(v));
	memset(err, 0, sizeof(err));
	assert_int_equal(entry_parse(se, len, &v, err, sizeof(err)),
	    LCN_EPROTO);
	assert_memory_equal(&v, &zero_view, sizeof(v));
	assert_true(err[0] != '\0');
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err, why);
}

static void
parse_ok(const uint8_t *se, size_t len, struct entry_view *v)
{
	char err[256] = "";

	if (entry_parse(se, len, v, err, sizeof(err)) != 0)
		fail_msg("entry_parse: %s", err);
}

static size_t
varint_len(size_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Writes v as a minimal protobuf varint; returns its length. */
static size_t
put_varint(uint8_t *p, size_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* A control status body: the smallest realistic Entry body. */
#define CONTROL_STATUS_BODY(b, cs) do {					\
	lcn__entry__init(&(b));						\
	lcn__control_status__init(&(cs));				\
	(cs).ref = "JP-METI/CS/2026/0001";				\
	(cs).regime = "WA";						\
	(cs).control_entry = "3A001.b.1";				\
	(cs).stage = LCN__CONTROL_STAGE__STAGE_AGREED;			\
	(b).body_case = LCN__ENTRY__BODY_CONTROL_STATUS;		\
	(b).control_status = &(cs);					\
} while (0)

static void
entry_parse_reads_signed_entry(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr, v;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*e, *se;
	size_t			 elen, len;

	default_header(fx, &hdr);
	hdr.seq = 9;
	fill(hdr.prev_hash, HASH_LEN, 0x33);
	CONTROL_STATUS_BODY(body, cs);
	e = entry_bytes(&hdr, &body, &elen);
	se = sign_wrap(fx, e, elen, &len);
	parse_ok(se, len, &v);
	assert_string_equal(v.feed.origin, "JP-METI");
	assert_string_equal(v.feed.group, "WA");
	assert_int_equal(v.seq, 9);
	assert_memory_equal(v.prev_hash, hdr.prev_hash, HASH_LEN);
	assert_memory_equal(v.prev_root, hdr.prev_root, HASH_LEN);
	assert_int_equal(v.created_ms, hdr.created_ms);
	assert_memory_equal(v.key_id, hdr.key_id, KEY_ID_LEN);
	assert_int_equal(v.body_type, LCN__ENTRY__BODY_CONTROL_STATUS);
	/* The view borrows the caller's bytes: exactly the signed ones. */
	assert_int_equal(v.entry.len, elen);
	assert_true(v.entry.ptr > se);
	assert_true(v.entry.ptr + v.entry.len <= se + len);
	assert_memory_equal(v.entry.ptr, e, elen);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key),
	    v.entry.ptr, v.entry.len, v.sig), 0);
	free(e);
	free(se);
}

static void
entry_encode_header_refuses_small_buffer(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	uint8_t			 b[512];
	size_t			 n;

	default_header(fx, &hdr);
	assert_true((n = entry_encode_header(&hdr, b, sizeof(b))) > 0);
	assert_int_equal(entry_encode_header(&hdr, b, n), n);
	assert_int_equal(entry_encode_header(&hdr, b, n - 1), 0);
}

static void
entry_parse_rejects_bad_signature_length(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*e, *se, sig[SIG_LEN + 1];
	size_t			 elen, len;

	default_header(fx, &hdr);
	CONTROL_STATUS_BODY(body, cs);
	e = entry_bytes(&hdr, &body, &elen);
	fill(sig, sizeof(sig), 1);
	se = pack_signed(e, elen, sig, SIG_LEN - 1, &len);
	parse_fails(se, len, "signature of 63 bytes");
	free(se);
	se = pack_signed(e, elen, sig, SIG_LEN + 1, &len);
	parse_fails(se, len, "signature of 65 bytes");
	free(se);
	se = pack_signed(e, elen, sig, 0, &len);
	parse_fails(se, len, "signature of 0 bytes");
	free(se);
	se = pack_signed(NULL, 0, sig, SIG_LEN, &len);
	parse_fails(se, len, "empty entry");
	free(se);
	free(e);
}

static void
entry_parse_rejects_seq_zero(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*se;
	size_t			 len;

	default_header(fx, &hdr);
	hdr.seq = 0;
	CONTROL_STATUS_BODY(body, cs);
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "seq >= 1");
	free(se);
}

static void
entry_parse_rejects_missing_body(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	uint8_t			*se;
	size_t			 len;

	default_header(fx, &hdr);
	se = signed_entry(fx, &hdr, NULL, &len);
	parse_fails(se, len, "no body");
	free(se);
}

static void
entry_parse_rejects_bad_origin_and_group(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*se;
	size_t			 len;

	CONTROL_STATUS_BODY(body, cs);
	default_header(fx, &hdr);
	snprintf(hdr.feed.origin, sizeof(hdr.feed.origin), "bad");
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "origin or group");
	free(se);
	default_header(fx, &hdr);
	snprintf(hdr.feed.group, sizeof(hdr.feed.group), "W A");
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "origin or group");
	free(se);
	default_header(fx, &hdr);
	hdr.feed.origin[0] = '\0';
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "origin or group");
	free(se);
}

/* prev_hash, prev_root and key_id of 31 bytes: only by hand packing. */
static void
entry_parse_rejects_short_hashes(void **state)
{
	struct fixture		*fx = *state;
	Lcn__Entry		 e;
	Lcn__ControlStatus	 cs;
	uint8_t			 h[HASH_LEN], *eb, *se;
	size_t			 elen, len, which;
	ProtobufCBinaryData	*f[3];

	(void)fx;
	fill(h, sizeof(h), 1);
	for (which = 0; which < 3; which++) {
		CONTROL_STATUS_BODY(e, cs);
		e.origin = "JP-METI";
		e.group = "WA";
		e.seq = 1;
		f[0] = &e.prev_hash;
		f[1] = &e.prev_root;
		f[2] = &e.key_id;
		f[0]->data = f[1]->data = f[2]->data = h;
		f[0]->len = f[1]->len = f[2]->len = HASH_LEN;
		f[which]->len = HASH_LEN - 1;
		elen = lcn__entry__get_packed_size(&e);
		assert_non_null(eb = malloc(elen));
		lcn__entry__pack(&e, eb);
		se = sign_wrap(fx, eb, elen, &len);
		parse_fails(se, len, "32-byte");
		free(se);
		free(eb);
	}
}

static void
entry_parse_bounds_string_at_string_max(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr, v;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	char			*s;
	uint8_t			*se;
	size_t			 len;

	assert_non_null(s = malloc(STRING_MAX + 2));
	memset(s, 'd', STRING_MAX + 1);
	s[STRING_MAX] = '\0';
	default_header(fx, &hdr);
	CONTROL_STATUS_BODY(body, cs);
	cs.description = s;
	se = signed_entry(fx, &hdr, &body, &len);
	parse_ok(se, len, &v);
	free(se);
	s[STRING_MAX] = 'd';
	s[STRING_MAX + 1] = '\0';
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "ControlStatus.description");
	free(se);
	free(s);
}

static void
entry_parse_bounds_repeated_at_repeated_max(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr, v;
	Lcn__Entry		 body;
	Lcn__EndUserAlert	 a = LCN__END_USER_ALERT__INIT;
	char			*refs[REPEATED_MAX + 1];
	uint8_t			*se;
	size_t			 len, i;

	for (i = 0; i < REPEATED_MAX + 1; i++)
		refs[i] = "JP-METI/DN/2026/0001";
	default_header(fx, &hdr);
	lcn__entry__init(&body);
	body.body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	body.end_user_alert = &a;
	a.ref = "JP-METI/EUA/1";
	a.related_denial_refs = refs;
	a.n_related_denial_refs = REPEATED_MAX;
	se = signed_entry(fx, &hdr, &body, &len);
	parse_ok(se, len, &v);
	assert_int_equal(v.body_type, LCN__ENTRY__BODY_END_USER_ALERT);
	free(se);
	a.n_related_denial_refs = REPEATED_MAX + 1;
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "REPEATED_MAX");
	free(se);
}

/* Limits apply at every depth: aliases of a party of a denial notice. */
static void
entry_parse_bounds_nested_fields(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;
	Lcn__Alias		 al = LCN__ALIAS__INIT, *als[REPEATED_MAX + 1];
	char			*s;
	uint8_t			*se;
	size_t			 len, i;

	for (i = 0; i < REPEATED_MAX + 1; i++)
		als[i] = &al;
	al.name = "Front Co";
	default_header(fx, &hdr);
	lcn__entry__init(&body);
	body.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	body.denial_notice = &dn;
	dn.ref = "JP-METI/DN/2026/0042";
	dn.parties = &pp;
	dn.n_parties = 1;
	p.aliases = als;
	p.n_aliases = REPEATED_MAX + 1;
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "Party.aliases");
	free(se);
	p.n_aliases = 1;
	assert_non_null(s = malloc(STRING_MAX + 2));
	memset(s, 'n', STRING_MAX + 1);
	s[STRING_MAX + 1] = '\0';
	al.name = s;
	se = signed_entry(fx, &hdr, &body, &len);
	parse_fails(se, len, "Alias.name");
	free(se);
	free(s);
}

/*
 * A real signed entry of exactly target bytes: an end-user alert whose
 * related_denial_refs pad it out (each string within STRING_MAX).
 */
static uint8_t *
signed_entry_of_size(struct fixture *fx, size_t target, size_t *len)
{
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__EndUserAlert	 a = LCN__END_USER_ALERT__INIT;
	char			*refs[REPEATED_MAX], *full, *last;
	uint8_t			 hb[512], *se;
	size_t			 hl, nfull, elen, i, lastlen;

	default_header(fx, &hdr);
	hl = entry_encode_header(&hdr, hb, sizeof(hb));
	assert_non_null(full = malloc(STRING_MAX + 1));
	assert_non_null(last = malloc(STRING_MAX + 1));
	memset(full, 'r', STRING_MAX);
	full[STRING_MAX] = '\0';
	lcn__entry__init(&body);
	body.body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	body.end_user_alert = &a;
	a.related_denial_refs = refs;
	nfull = (target - 512) / (STRING_MAX + 3);
	for (i = 0; i < nfull; i++)
		refs[i] = full;
	refs[nfull] = last;
	a.n_related_denial_refs = nfull + 1;
	for (lastlen = 0; lastlen <= STRING_MAX; lastlen++) {
		memset(last, 'l', lastlen);
		last[lastlen] = '\0';
		elen = hl + lcn__entry__get_packed_size(&body);
		if (1 + varint_len(elen) + elen + 2 + SIG_LEN == target)
			break;
	}
	assert_true(lastlen <= STRING_MAX);
	se = signed_entry(fx, &hdr, &body, len);
	assert_int_equal(*len, target);
	free(full);
	free(last);
	return se;
}

static void
entry_parse_bounds_entry_at_entry_max(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 v;
	uint8_t			*se, *big, sig[SIG_LEN], *out;
	size_t			 len, outlen;
	/* Key, three-byte length, entry, key, length, signature. */
	const size_t		 big_len = ENTRY_MAX + 1 - 4 - 2 - SIG_LEN;

	se = signed_entry_of_size(fx, ENTRY_MAX, &len);
	parse_ok(se, len, &v);
	assert_int_equal(sig_verify_entry(sig_key_public(fx->key),
	    v.entry.ptr, v.entry.len, v.sig), 0);
	free(se);

	/*
	 * One byte more: entry_encode_signed refuses to make it, so pack it by
	 * hand (the entry bytes need not be valid: the length comes first).
	 */
	assert_non_null(big = malloc(ENTRY_MAX));
	fill(big, ENTRY_MAX, 1);
	fill(sig, SIG_LEN, 2);
	outlen = 99;
	out = big;
	assert_int_equal(entry_encode_signed(big, big_len, sig, &out, &outlen),
	    LCN_EINVAL);
	assert_null(out);
	assert_int_equal(outlen, 0);
	se = pack_signed(big, big_len, sig, SIG_LEN, &len);
	assert_int_equal(len, ENTRY_MAX + 1);
	parse_fails(se, len, "ENTRY_MAX");
	free(se);
	free(big);
}

/* Wrong wire types, lengths past the end, garbage and nothing at all. */
static void
entry_parse_rejects_malformed_protobuf(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*se, *b, ping[] = { 0x42, 0x02, 0x08, 0x05 };
	const uint8_t		 entry_as_varint[] = { 0x08, 0x05, 0x12, 0x00 };
	size_t			 len, elen, n, k;

	parse_fails(ping, 0, "expected 1..ENTRY_MAX");
	parse_fails(NULL, 0, "expected 1..ENTRY_MAX");
	parse_fails(ping, sizeof(ping), NULL);
	parse_fails(entry_as_varint, sizeof(entry_as_varint), NULL);

	default_header(fx, &hdr);
	CONTROL_STATUS_BODY(body, cs);
	se = signed_entry(fx, &hdr, &body, &len);
	assert_non_null(b = malloc(len + 16));
	/* The entry field's length past the end (the rest left as it is). */
	assert_int_equal(se[0], 0x0a);
	elen = len - 2 - SIG_LEN - 1;
	elen -= varint_len(elen);
	n = 1 + varint_len(elen);
	b[0] = 0x0a;
	k = 1 + put_varint(b + 1, elen + 3 + SIG_LEN);
	memcpy(b + k, se + n, len - n);
	parse_fails(b, k + len - n, NULL);
	k = 1 + put_varint(b + 1, SIZE_MAX);
	memcpy(b + k, se + n, len - n);
	parse_fails(b, k + len - n, NULL);
	/* A trailing byte that is not a field. */
	memcpy(b, se, len);
	b[len] = 0xff;
	parse_fails(b, len + 1, NULL);
	b[len] = 0x00;
	parse_fails(b, len + 1, NULL);
	free(b);
	free(se);
}

static void
entry_parse_rejects_truncation_at_each_byte(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*se, *t;
	size_t			 len, n;

	default_header(fx, &hdr);
	CONTROL_STATUS_BODY(body, cs);
	se = signed_entry(fx, &hdr, &body, &len);
	for (n = 0; n < len; n++) {
		assert_non_null(t = malloc(n ? n : 1));
		memcpy(t, se, n);
		parse_fails(t, n, NULL);
		free(t);
	}
	free(se);
}

/* An unknown field after the signature changes the leaf hash: refused. */
static void
entry_parse_rejects_unknown_field(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*se, *b;
	size_t			 len;

	default_header(fx, &hdr);
	CONTROL_STATUS_BODY(body, cs);
	se = signed_entry(fx, &hdr, &body, &len);
	assert_non_null(b = malloc(len + 4));
	/* Field 3, varint 1, after the signature. */
	memcpy(b, se, len);
	b[len] = 0x18;
	b[len + 1] = 0x01;
	parse_fails(b, len + 2, NULL);
	/* The same, before the entry. */
	b[0] = 0x18;
	b[1] = 0x01;
	memcpy(b + 2, se, len);
	parse_fails(b, len + 2, NULL);
	/* Field 3, empty bytes, after the signature. */
	memcpy(b, se, len);
	b[len] = 0x1a;
	b[len + 1] = 0x00;
	parse_fails(b, len + 2, NULL);
	free(b);
	free(se);
}

/*
 * Regression (entry_parse accepted non-canonical SignedEntry
 * wrappers): the signature covers only the Entry bytes while the leaf hash
 * covers the whole SignedEntry, so any re-encoding of the wrapper (fields
 * swapped, a field repeated, a padded length varint, an unknown field
 * appended) gave a second validly signed copy of the same entry with a
 * different leaf hash. A relay could store that copy at a receiver and
 * break the receiver's hash chain with the origin for good. Only the exact
 * bytes entry_encode_signed() makes are accepted now.
 */
static void
entry_parse_rejects_noncanonical_signed_entry(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr, v;
	Lcn__Entry		 body;
	Lcn__ControlStatus	 cs;
	uint8_t			*e, *se, *b, sig[SIG_LEN];
	size_t			 elen, len, n, vl, hl;

	default_header(fx, &hdr);
	CONTROL_STATUS_BODY(body, cs);
	e = entry_bytes(&hdr, &body, &elen);
	assert_int_equal(sig_sign_entry(fx->key, e, elen, sig), 0);
	se = sign_wrap(fx, e, elen, &len);
	vl = varint_len(elen);
	hl = 1 + vl;			/* key and length of the entry */
	assert_int_equal(len, hl + elen + 2 + SIG_LEN);
	parse_ok(se, len, &v);
	assert_non_null(b = malloc(2 * len + 16));

	/* Signature first, then entry. */
	n = 0;
	b[n++] = 0x12;
	b[n++] = SIG_LEN;
	memcpy(b + n, sig, SIG_LEN);
	n += SIG_LEN;
	memcpy(b + n, se, hl + elen);
	n += hl + elen;
	parse_fails(b, n, NULL);

	/* The entry field twice (protobuf keeps the last one). */
	memcpy(b, se, hl + elen);
	memcpy(b + hl + elen, se, len);
	parse_fails(b, hl + elen + len, NULL);

	/* The signature field twice. */
	memcpy(b, se, len);
	memcpy(b + len, se + hl + elen, 2 + SIG_LEN);
	parse_fails(b, len + 2 + SIG_LEN, NULL);

	/* The entry length with a redundant continuation byte. */
	n = 0;
	b[n++] = 0x0a;
	n += put_varint(b + n, elen);
	b[n - 1] |= 0x80;
	b[n++] = 0x00;
	memcpy(b + n, se + hl, len - hl);
	n += len - hl;
	parse_fails(b, n, NULL);

	/* The signature length padded the same way. */
	memcpy(b, se, hl + elen);
	n = hl + elen;
	b[n++] = 0x12;
	b[n++] = 0x80 | SIG_LEN;
	b[n++] = 0x00;
	memcpy(b + n, sig, SIG_LEN);
	n += SIG_LEN;
	parse_fails(b, n, NULL);

	/* A non-minimal field key (field 1 as a two-byte varint key). */
	n = 0;
	b[n++] = 0x8a;
	b[n++] = 0x00;
	memcpy(b + n, se + 1, len - 1);
	n += len - 1;
	parse_fails(b, n, NULL);
	free(b);
	free(se);
	free(e);
}

/*
 * Bit flips and truncations of a real signed entry: never a crash, and
 * whatever still parses has a view inside the input and a signature that
 * no longer verifies (every accepted change is to signed bytes).
 */
static void
entry_parse_survives_mutations(void **state)
{
	struct fixture		*fx = *state;
	struct entry_view	 hdr, v;
	Lcn__Entry		 body;
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__Party		 p = LCN__PARTY__INIT, *pp = &p;
	Lcn__Item		 it = LCN__ITEM__INIT, *ip = &it;
	uint8_t			*se, *b;
	size_t			 len, i;
	int			 r;

	default_header(fx, &hdr);
	lcn__entry__init(&body);
	body.body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	body.denial_notice = &dn;
	dn.ref = "JP-METI/DN/2026/0042";
	dn.regime = "WA";
	dn.parties = &pp;
	dn.n_parties = 1;
	dn.items = &ip;
	dn.n_items = 1;
	p.name = "Example Trading";
	p.country = "XX";
	it.control_entry = "3A001.b.1";
	se = signed_entry(fx, &hdr, &body, &len);
	assert_non_null(b = malloc(len));
	for (i = 0; i < len * 8; i++) {
		memcpy(b, se, len);
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		r = entry_parse(b, len, &v, NULL, 0);
		if (r != 0) {
			assert_int_equal(r, LCN_EPROTO);
			assert_memory_equal(&v, &zero_view, sizeof(v));
			continue;
		}
		assert_true(v.entry.ptr >= b);
		assert_true(v.entry.ptr + v.entry.len <= b + len);
		assert_int_equal(sig_verify_entry(sig_key_public(fx->key),
		    v.entry.ptr, v.entry.len, v.sig), LCN_EBADSIG);
	}
	free(b);
	for (i = 0; i < len; i++) {
		assert_non_null(b = malloc(i ? i : 1));
		memcpy(b, se, i);
		r = entry_parse(b, i, &v, NULL, 0);
		assert_int_equal(r, LCN_EPROTO);
		assert_memory_equal(&v, &zero_view, sizeof(v));
		free(b);
	}
	free(se);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_parse_reads_signed_entry),
		cmocka_unit_test(entry_encode_header_refuses_small_buffer),
		cmocka_unit_test(entry_parse_rejects_bad_signature_length),
		cmocka_unit_test(entry_parse_rejects_seq_zero),
		cmocka_unit_test(entry_parse_rejects_missing_body),
		cmocka_unit_test(entry_parse_rejects_bad_origin_and_group),
		cmocka_unit_test(entry_parse_rejects_short_hashes),
		cmocka_unit_test(entry_parse_bounds_string_at_string_max),
		cmocka_unit_test(entry_parse_bounds_repeated_at_repeated_max),
		cmocka_unit_test(entry_parse_bounds_nested_fields),
		cmocka_unit_test(entry_parse_bounds_entry_at_entry_max),
		cmocka_unit_test(entry_parse_rejects_malformed_protobuf),
		cmocka_unit_test(entry_parse_rejects_truncation_at_each_byte),
		cmocka_unit_test(entry_parse_rejects_unknown_field),
		cmocka_unit_test(entry_parse_rejects_noncanonical_signed_entry),
		cmocka_unit_test(entry_parse_survives_mutations),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
