/*
 * Protobuf Frame <-> LCN's own structs, with every limit of lcn_limits.h
 * checked on decode (protobuf-c has no size cap of its own) and the
 * generated structs freed before returning. The ledger record inside an
 * Entries or Equivocation frame is entry.h's. A leaf module: no libuv,
 * no LMDB.
 */
#ifndef LCN_WIRE_H
#define LCN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "lcn_limits.h"

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
			int		 follow;	/* then stream on */
		} want;
		struct {
			struct feed_id	 feed;
			uint64_t	 first_seq;
			struct bytes	*items;		/* into buf */
			size_t		 nitems;
			int		 follow;	/* a following stream */
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

#endif
