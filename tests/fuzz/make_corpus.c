/*
 * Writes the seed corpus for the fuzz harnesses: one valid frame of each
 * Frame type (header included) into OUTDIR/frame, and one valid
 * SignedEntry of each body type into OUTDIR/entry. The entries form one
 * feed, JP-METI/WA seq 1..9, chained with real leaf hashes and RFC 9162
 * roots (PROTOCOL.md section 3), and are signed with a fixed throwaway
 * Ed25519 key, so the output is the same on every run (Ed25519 signatures
 * are deterministic) and regenerating leaves git clean.
 *
 *	make_corpus tests/corpus
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lcn.pb-c.h"

#include "hash.h"
#include "lcn_err.h"
#include "sig.h"
#include "wire.h"

#define NENTRIES	9

static const char	*outdir;
static struct sig_key	*key;

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "make_corpus: %s\n", what);
	exit(1);
}

static void
put_file(const char *kind, const char *name, const uint8_t *b, size_t len)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", outdir, kind);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		die(path);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, kind, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(b, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

/* The fixed key, through a 0600 PEM file so sig_key_load is the path. */
static void
load_key(void)
{
	uint8_t		 seed[32];
	char		 dir[] = "/tmp/lcn-corpus-XXXXXX", path[64], err[256];
	EVP_PKEY	*pkey;
	FILE		*f;
	size_t		 i;
	int		 fd;

	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xc0 + i);
	if ((pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    sizeof(seed))) == NULL || mkdtemp(dir) == NULL)
		die("cannot make the key");
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL ||
	    PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fclose(f) != 0)
		die("cannot write the key");
	EVP_PKEY_free(pkey);
	if (sig_key_load(path, &key, err, sizeof(err)) != 0)
		die(err);
	unlink(path);
	rmdir(dir);
}

/* RFC 9162 Merkle tree hash over leaf hashes l[0..n-1]. */
static void
mth(uint8_t (*l)[HASH_LEN], size_t n, uint8_t out[HASH_LEN])
{
	uint8_t	a[HASH_LEN], b[HASH_LEN];
	size_t	k = 1;

	if (n == 0) {
		hash_sha256("", 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, l[0], HASH_LEN);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	mth(l, k, a);
	mth(l + k, n - k, b);
	hash_node(a, b, out);
}

/* Header || body, signed and wrapped; *len gets the SignedEntry size. */
static uint8_t *
make_entry(const struct entry_view *hdr, const Lcn__Entry *body,
    size_t *len)
{
	uint8_t	 e[4096], sig[SIG_LEN], *se;
	size_t	 hl, bl;

	if ((hl = entry_encode_header(hdr, e, sizeof(e))) == 0 ||
	    (bl = lcn__entry__get_packed_size(body)) > sizeof(e) - hl)
		die("entry too large");
	lcn__entry__pack(body, e + hl);
	if (sig_sign_entry(key, e, hl + bl, sig) != 0 ||
	    entry_encode_signed(e, hl + bl, sig, &se, len) != 0)
		die("cannot sign");
	return se;
}

static void
put_frame(const char *name, const struct msg *m)
{
	uint8_t	*b;
	size_t	 len;

	if (wire_encode(m, &b, &len) != 0)
		die(name);
	put_file("frame", name, b, len);
	free(b);
}

int
main(int argc, char *argv[])
{
	static const char *const names[NENTRIES] = {
		"denial_notice.bin", "denial_update.bin",
		"consultation_request.bin", "consultation_reply.bin",
		"licence_decision.bin", "end_user_alert.bin",
		"alert_update.bin", "control_status.bin",
		"heads_attestation.bin",
	};
	Lcn__Entry		 body[NENTRIES];
	Lcn__Handling		 hd = LCN__HANDLING__INIT;
	Lcn__Item		 item = LCN__ITEM__INIT, *items[1] = { &item };
	Lcn__Alias		 alias = LCN__ALIAS__INIT;
	Lcn__Alias		*aliases[1] = { &alias };
	Lcn__Party		 party = LCN__PARTY__INIT;
	Lcn__Party		*parties[1] = { &party };
	Lcn__Reason		 reason = LCN__REASON__INIT,
				*reasons[1] = { &reason };
	Lcn__DenialNotice	 dn = LCN__DENIAL_NOTICE__INIT;
	Lcn__DenialUpdate	 du = LCN__DENIAL_UPDATE__INIT;
	Lcn__Transaction	 tx = LCN__TRANSACTION__INIT;
	Lcn__ConsultationRequest cr = LCN__CONSULTATION_REQUEST__INIT;
	Lcn__ConsultationReply	 cp = LCN__CONSULTATION_REPLY__INIT;
	Lcn__LicenceDecision	 ld = LCN__LICENCE_DECISION__INIT;
	Lcn__RedFlag		 rf = LCN__RED_FLAG__INIT, *rfs[1] = { &rf };
	Lcn__EndUserAlert	 eua = LCN__END_USER_ALERT__INIT;
	Lcn__AlertUpdate	 au = LCN__ALERT_UPDATE__INIT;
	Lcn__ControlStatus	 cs = LCN__CONTROL_STATUS__INIT;
	Lcn__Head		 ah = LCN__HEAD__INIT, *ahs[1] = { &ah };
	Lcn__HeadsAttestation	 ha = LCN__HEADS_ATTESTATION__INIT;
	Lcn__Concern		 concerns[1] = {
				    LCN__CONCERN__CONCERN_DIVERSION };
	char			*refs[1] = { "JP-METI/DN/2026/0001" };
	char			*transit[1] = { "AE" };
	struct entry_view	 hdr;
	struct head		 heads[2];
	struct bytes		 ents[NENTRIES];
	struct msg		 m;
	uint8_t			 leaves[NENTRIES][HASH_LEN], *se[NENTRIES];
	uint8_t			 stream[64], *b, zero_leaf[HASH_LEN];
	size_t			 len[NENTRIES], i, n, blen;

	if (argc != 2) {
		fprintf(stderr, "usage: make_corpus outdir\n");
		return 1;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) == -1 && errno != EEXIST)
		die(outdir);
	if (hash_init() != 0)
		die("hash_init");
	load_key();

	/* One body of each type, each with a few fields set. */
	memset(zero_leaf, 0, sizeof(zero_leaf));
	hd.tlp = LCN__TLP__TLP_AMBER;
	item.control_entry = "3A001.b.1";
	item.hs_code = "8542.31";
	item.description = "radiation-hardened FPGA";
	item.quantity = "200";
	item.value_minor = 12500000;
	item.currency = "JPY";
	alias.type = LCN__ALIAS_TYPE__ALIAS_AKA;
	alias.name = "Example Trading FZE";
	party.role = LCN__PARTY_ROLE__ROLE_END_USER;
	party.name = "Example Trading LLC";
	party.country = "XX";
	party.aliases = aliases;
	party.n_aliases = 1;
	reason.code = LCN__REASON_CODE__REASON_DIVERSION;
	reason.text = "risk of diversion";
	dn.ref = "JP-METI/DN/2026/0001";
	dn.handling = &hd;
	dn.regime = "WA";
	dn.control_basis = LCN__CONTROL_BASIS__BASIS_LISTED_ITEM;
	dn.items = items;
	dn.n_items = 1;
	dn.parties = parties;
	dn.n_parties = 1;
	dn.destination_country = "XX";
	dn.transit_countries = transit;
	dn.n_transit_countries = 1;
	dn.reasons = reasons;
	dn.n_reasons = 1;
	dn.decision_date_ms = 1767225600000ull;
	du.ref = "JP-METI/DU/2026/0001";
	du.handling = &hd;
	du.denial_ref = dn.ref;
	du.action = LCN__DENIAL_ACTION__DENIAL_RENEW;
	du.new_review_date_ms = 1861920000000ull;
	tx.items = items;
	tx.n_items = 1;
	tx.parties = parties;
	tx.n_parties = 1;
	tx.destination_country = "XX";
	cr.ref = "JP-METI/CR/2026/0001";
	cr.handling = &hd;
	cr.denial_refs = refs;
	cr.n_denial_refs = 1;
	cr.transaction = &tx;
	cr.essentially_identical = 1;
	cr.intended_decision = LCN__INTENDED_DECISION__INTENT_GRANT;
	cr.deadline_basis = LCN__DEADLINE_BASIS__DEADLINE_WORKING_DAYS;
	cr.deadline_days = 30;
	cr.silence = LCN__SILENCE_MEANING__SILENCE_NO_OBJECTION;
	cp.ref = "JP-METI/CP/2026/0001";
	cp.handling = &hd;
	cp.request_ref = "US-BIS/CR/2026/0007";
	cp.position = LCN__POSITION__POSITION_NO_OBJECTION;
	ld.ref = "JP-METI/LD/2026/0001";
	ld.handling = &hd;
	ld.request_ref = cr.ref;
	ld.decision = LCN__DECISION__DECISION_DENY;
	ld.date_ms = 1767312000000ull;
	rf.code = "RF-07";
	rf.text = "cash payment offered";
	eua.ref = "JP-METI/EUA/2026/0001";
	eua.handling = &hd;
	eua.party = &party;
	eua.concerns = concerns;
	eua.n_concerns = 1;
	eua.red_flags = rfs;
	eua.n_red_flags = 1;
	eua.related_denial_refs = refs;
	eua.n_related_denial_refs = 1;
	eua.confidence_pct = 80;
	eua.recommended_action =
	    LCN__RECOMMENDED_ACTION__ACTION_HEIGHTENED_REVIEW;
	au.ref = "JP-METI/AU/2026/0001";
	au.handling = &hd;
	au.alert_ref = eua.ref;
	au.action = LCN__ALERT_ACTION__ALERT_WITHDRAW;
	au.reason = "resolved";
	cs.ref = "JP-METI/CS/2026/0001";
	cs.handling = &hd;
	cs.regime = "WA";
	cs.control_entry = "3A001.b.1";
	cs.stage = LCN__CONTROL_STAGE__STAGE_AGREED;
	ah.origin = "US-BIS";
	ah.group = "WA";
	ah.seq = 12;
	ha.ref = "JP-METI/HA/2026/0001";
	ha.handling = &hd;
	ha.heads = ahs;
	ha.n_heads = 1;
	ha.as_of_ms = 1767225600000ull;
	for (i = 0; i < NENTRIES; i++)
		lcn__entry__init(&body[i]);
	body[0].body_case = LCN__ENTRY__BODY_DENIAL_NOTICE;
	body[0].denial_notice = &dn;
	body[1].body_case = LCN__ENTRY__BODY_DENIAL_UPDATE;
	body[1].denial_update = &du;
	body[2].body_case = LCN__ENTRY__BODY_CONSULTATION_REQUEST;
	body[2].consultation_request = &cr;
	body[3].body_case = LCN__ENTRY__BODY_CONSULTATION_REPLY;
	body[3].consultation_reply = &cp;
	body[4].body_case = LCN__ENTRY__BODY_LICENCE_DECISION;
	body[4].licence_decision = &ld;
	body[5].body_case = LCN__ENTRY__BODY_END_USER_ALERT;
	body[5].end_user_alert = &eua;
	body[6].body_case = LCN__ENTRY__BODY_ALERT_UPDATE;
	body[6].alert_update = &au;
	body[7].body_case = LCN__ENTRY__BODY_CONTROL_STATUS;
	body[7].control_status = &cs;
	body[8].body_case = LCN__ENTRY__BODY_HEADS_ATTESTATION;
	body[8].heads_attestation = &ha;

	/* The feed JP-METI/WA, seq 1..9, chained. */
	memset(&hdr, 0, sizeof(hdr));
	snprintf(hdr.feed.origin, sizeof(hdr.feed.origin), "JP-METI");
	snprintf(hdr.feed.group, sizeof(hdr.feed.group), "WA");
	memcpy(hdr.key_id, sig_pubkey_id(sig_key_public(key)), KEY_ID_LEN);
	ah.leaf_hash.data = zero_leaf;
	ah.leaf_hash.len = HASH_LEN;
	for (i = 0; i < NENTRIES; i++) {
		hdr.seq = i + 1;
		hdr.created_ms = 1767225600000ull + i * 60000;
		mth(leaves, i, hdr.prev_root);
		if (i == 0)
			memset(hdr.prev_hash, 0, HASH_LEN);
		else
			memcpy(hdr.prev_hash, leaves[i - 1], HASH_LEN);
		se[i] = make_entry(&hdr, &body[i], &len[i]);
		hash_leaf(se[i], len[i], leaves[i]);
		put_file("entry", names[i], se[i], len[i]);
		ents[i].ptr = se[i];
		ents[i].len = len[i];
	}

	/* One frame of each type. */
	memset(heads, 0, sizeof(heads));
	snprintf(heads[0].feed.origin, sizeof(heads[0].feed.origin),
	    "JP-METI");
	snprintf(heads[0].feed.group, sizeof(heads[0].feed.group), "WA");
	heads[0].seq = NENTRIES;
	memcpy(heads[0].hash, leaves[NENTRIES - 1], HASH_LEN);
	snprintf(heads[1].feed.origin, sizeof(heads[1].feed.origin),
	    "US-BIS");
	snprintf(heads[1].feed.group, sizeof(heads[1].feed.group),
	    "JP-METI+US-BIS");
	memset(&m, 0, sizeof(m));
	m.type = MSG_HELLO;
	m.u.hello.version = PROTOCOL_VERSION;
	snprintf(m.u.hello.agency, sizeof(m.u.hello.agency), "US-BIS");
	snprintf(m.u.hello.software, sizeof(m.u.hello.software), "lcn %s",
	    LCN_VERSION);
	m.u.hello.max_frame = FRAME_BODY_DEFAULT;
	m.u.hello.heads = heads;
	m.u.hello.nheads = 2;
	put_frame("hello.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_HEADS;
	m.u.heads.heads = heads;
	m.u.heads.nheads = 1;
	put_frame("heads.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_WANT;
	m.u.want.feed = heads[0].feed;
	m.u.want.from_seq = 1;
	m.u.want.to_seq = NENTRIES;
	m.u.want.max_bytes = BATCH_BYTES_MAX;
	put_frame("want.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_ENTRIES;
	m.u.entries.feed = heads[0].feed;
	m.u.entries.first_seq = 1;
	m.u.entries.items = ents;
	m.u.entries.nitems = 3;
	put_frame("entries.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CREDIT;
	m.u.credit.bytes = CREDIT_INITIAL;
	put_frame("credit.bin", &m);
	/* Not a real fork (different seqs), but every field is there. */
	memset(&m, 0, sizeof(m));
	m.type = MSG_EQUIVOCATION;
	m.u.equivocation.first = ents[0];
	m.u.equivocation.second = ents[1];
	put_frame("equivocation.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_REJECT;
	m.u.reject.feed = heads[0].feed;
	m.u.reject.seq = 3;
	m.u.reject.reason = REJECT_GAP;
	snprintf(m.u.reject.text, sizeof(m.u.reject.text),
	    "seq 3: expected 2");
	put_frame("reject.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_PING;
	m.u.ping.nonce = 0x0123456789abcdefull;
	put_frame("ping.bin", &m);
	m.type = MSG_PONG;
	put_frame("pong.bin", &m);
	memset(&m, 0, sizeof(m));
	m.type = MSG_ERROR;
	m.u.error.code = 1;
	snprintf(m.u.error.text, sizeof(m.u.error.text),
	    "frame body 0 is not 1..max");
	put_frame("error.bin", &m);

	/* Several frames in one stream, for fuzz_frame. */
	n = 0;
	m.type = MSG_PING;
	m.u.ping.nonce = 1;
	for (i = 0; i < 3; i++) {
		if (wire_encode(&m, &b, &blen) != 0 ||
		    blen > sizeof(stream) - n)
			die("stream");
		memcpy(stream + n, b, blen);
		n += blen;
		free(b);
		m.type = i == 0 ? MSG_PONG : MSG_CREDIT;
	}
	put_file("frame", "stream.bin", stream, n);

	for (i = 0; i < NENTRIES; i++)
		free(se[i]);
	sig_key_free(key);
	return 0;
}
