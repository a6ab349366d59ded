/*
 * Protobuf Frame <-> LCN's own structs, with every limit of limits.h checked
 * on decode (protobuf-c has no size cap of its own) and the generated
 * structs freed before returning. Also decodes a SignedEntry's header
 * fields for the ledger. A leaf module: no libuv, no LMDB.
 */
#ifndef LCN_WIRE_H
#define LCN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "lcn_limits.h"

struct feed_id {
	char		origin[AGENCY_ID_MAX + 1];
	char		group[GROUP_NAME_MAX + 1];
};

struct head {
	struct feed_id	feed;
	uint64_t	seq;			/* 0: empty feed */
	uint8_t		hash[HASH_LEN];		/* leaf hash of seq */
};

/* A borrowed byte string. */
struct bytes {
	const uint8_t	*ptr;
	size_t		 len;
};

enum msg_type {
	MSG_NONE, MSG_HELLO, MSG_HEADS, MSG_WANT, MSG_ENTRIES, MSG_CREDIT,
	MSG_EQUIVOCATION, MSG_REJECT, MSG_PING, MSG_PONG, MSG_ERROR,
};

/* Values match lcn.proto's RejectReason. */
enum reject_reason {
	REJECT_UNSPECIFIED, REJECT_MALFORMED, REJECT_BAD_SIGNATURE,
	REJECT_UNKNOWN_KEY, REJECT_NOT_MEMBER, REJECT_UNKNOWN_GROUP,
	REJECT_UNKNOWN_ORIGIN, REJECT_GAP, REJECT_BAD_CHAIN, REJECT_BAD_ROOT,
	REJECT_FROZEN, REJECT_TOO_LARGE, REJECT_STORAGE,
	REJECT_REASON_MAX = REJECT_STORAGE,
};

struct msg {
	enum msg_type	type;
	union {
		struct {
			uint32_t	 version;
			char		 agency[AGENCY_ID_MAX + 1];
			char		 software[SOFTWARE_MAX + 1];
			uint32_t	 max_frame;
			struct head	*heads;
			size_t		 nheads;
		} hello;
		struct {
			struct head	*heads;
			size_t		 nheads;
		} heads;
		struct {
			struct feed_id	 feed;
			uint64_t	 from_seq;
			uint64_t	 to_seq;	/* inclusive */
			uint64_t	 max_bytes;
		} want;
		struct {
			struct feed_id	 feed;
			uint64_t	 first_seq;
			struct bytes	*items;		/* into buf */
			size_t		 nitems;
		} entries;
		struct {
			uint64_t	 bytes;
		} credit;
		struct {
			struct bytes	 first, second;	/* into buf */
		} equivocation;
		struct {
			struct feed_id	 feed;
			uint64_t	 seq;
			enum reject_reason reason;
			char		 text[ERROR_TEXT_MAX + 1];
		} reject;
		struct {
			uint64_t	 nonce;
		} ping;
		struct {
			uint32_t	 code;
			char		 text[ERROR_TEXT_MAX + 1];
		} error;
	} u;
	uint8_t		*buf;		/* owns the bytes that views point to */
};

/*
 * Decodes one frame body into *m, checking every count, length and id
 * syntax. Returns 0 or LCN_EPROTO (with *m zeroed and a reason in errbuf).
 * Free with msg_free().
 */
int	wire_decode(const uint8_t *body, size_t len, struct msg *m,
	    char *errbuf, size_t errbufsz);
void	msg_free(struct msg *);

/*
 * Encodes *m as a whole frame, header included, into a new buffer the
 * caller frees with free(). 0 or LCN_ENOMEM / LCN_EINVAL.
 */
int	wire_encode(const struct msg *m, uint8_t **out, size_t *outlen);

/* Entry.body field numbers (lcn.proto) that the node itself acts on. */
#define ENTRY_BODY_HEADS_ATTESTATION	18

/* The header fields of a SignedEntry, decoded from the exact bytes. */
struct entry_view {
	struct feed_id	 feed;
	uint64_t	 seq;
	uint8_t		 prev_hash[HASH_LEN];
	uint8_t		 prev_root[HASH_LEN];
	uint64_t	 created_ms;
	uint8_t		 key_id[KEY_ID_LEN];
	int		 body_type;	/* Entry oneof case, 0 if none */
	struct bytes	 entry;		/* the signed bytes, into the input */
	uint8_t		 sig[SIG_LEN];
};

/*
 * Decodes a SignedEntry (at most ENTRY_MAX bytes) and its Entry, checking
 * field lengths, id syntax, seq >= 1, that a body is present and within the
 * body limits. Returns 0 or LCN_EPROTO with a reason in errbuf. The view
 * borrows from signed_bytes.
 */
int	wire_entry_parse(const uint8_t *signed_bytes, size_t len,
	    struct entry_view *v, char *errbuf, size_t errbufsz);

/*
 * Builds the header of an Entry (origin, group, seq, prev_hash, prev_root,
 * created_ms, key_id) as protobuf bytes into out (at most outsz bytes);
 * a body's bytes appended to it make a whole Entry (protobuf merges
 * concatenated messages). Returns the length, or 0 if outsz is too small.
 */
size_t	wire_entry_header(const struct entry_view *v, uint8_t *out,
	    size_t outsz);
/*
 * Encodes a HeadsAttestation body (DESIGN.md section 3) as the protobuf
 * bytes of an Entry holding only that body, into a new buffer the caller
 * frees. 0, LCN_EINVAL (over the body limits) or LCN_ENOMEM.
 */
int	wire_attestation_body(const char *ref, const struct head *heads,
	    size_t n, uint64_t as_of_ms, uint8_t **out, size_t *outlen);
/* Wraps entry bytes and a signature as a SignedEntry into a new buffer. */
int	wire_signed_entry(const uint8_t *entry, size_t len,
	    const uint8_t sig[SIG_LEN], uint8_t **out, size_t *outlen);

#endif
