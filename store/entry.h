/*
 * The ledger record: a SignedEntry and the Entry inside it, decoded from
 * the exact bytes that were signed (never re-serialized), and the few
 * encodings the node makes itself (an entry's header, the SignedEntry
 * wrapper, a heads attestation). Also the feed and head types every layer
 * shares. A leaf module: no libuv, no LMDB; the generated protobuf structs
 * never leave entry.c and the frame codec.
 */
#ifndef LCN_ENTRY_H
#define LCN_ENTRY_H

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
int	entry_parse(const uint8_t *signed_bytes, size_t len,
	    struct entry_view *v, char *errbuf, size_t errbufsz);

/*
 * Builds the header of an Entry (origin, group, seq, prev_hash, prev_root,
 * created_ms, key_id) as protobuf bytes into out (at most outsz bytes);
 * a body's bytes appended to it make a whole Entry (protobuf merges
 * concatenated messages). Returns the length, or 0 if outsz is too small.
 */
size_t	entry_encode_header(const struct entry_view *v, uint8_t *out,
	    size_t outsz);
/*
 * Encodes a HeadsAttestation body (PROTOCOL.md section 3.11) as the protobuf
 * bytes of an Entry holding only that body, into a new buffer the caller
 * frees. 0, LCN_EINVAL (over the body limits) or LCN_ENOMEM.
 */
int	entry_encode_attestation(const char *ref, const struct head *heads,
	    size_t n, uint64_t as_of_ms, uint8_t **out, size_t *outlen);
/* Wraps entry bytes and a signature as a SignedEntry into a new buffer. */
int	entry_encode_signed(const uint8_t *entry, size_t len,
	    const uint8_t sig[SIG_LEN], uint8_t **out, size_t *outlen);

#endif
