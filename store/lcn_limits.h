/*
 * Every limit LCN enforces on input, in one place (PROTOCOL.md section 7).
 * Input over a limit is rejected, never truncated.
 */
#ifndef LCN_LIMITS_H
#define LCN_LIMITS_H

#define AGENCY_ID_MAX		32	/* "CC-NAME" */
#define GROUP_NAME_MAX		(2 * AGENCY_ID_MAX + 1)	/* "A+B" pairs */
#define FEED_NAME_MAX		(AGENCY_ID_MAX + 1 + GROUP_NAME_MAX)
#define PARTNERS_MAX		256
#define GROUPS_MAX		1024
#define KEYS_PER_AGENCY_MAX	8

#define FRAME_HDR_LEN		4
#define FRAME_BODY_DEFAULT	(4u * 1024 * 1024)
#define FRAME_BODY_MIN		(2u * 1024 * 1024) /* a batch plus an entry */
#define FRAME_BODY_MAX		(64u * 1024 * 1024)

#define ENTRY_MAX		(256u * 1024)	/* one SignedEntry */
#define BATCH_ENTRIES_MAX	1024	/* entries in one Entries frame */
#define BATCH_BYTES_MAX		(1024u * 1024)	/* one Entries frame */
#define CREDIT_INITIAL		(4u * BATCH_BYTES_MAX)
#define HEADS_MAX		65536	/* heads in a Hello or Heads */

#define STRING_MAX		4096	/* any string field of a body */
#define REPEATED_MAX		256	/* any repeated field of a body */
#define SOFTWARE_MAX		64
#define ERROR_TEXT_MAX		256

#define HASH_LEN		32
#define KEY_ID_LEN		32
#define SIG_LEN			64
#define PUBKEY_LEN		32
#define MERKLE_RANGE_MAX	64	/* compact range hashes of a feed */

#define PUBLISH_BATCH_MAX	10000	/* bodies in one publish request */
#define API_LINE_MAX		(16u * 1024 * 1024)
#define LOG_LIMIT_DEFAULT	100
#define LOG_LIMIT_MAX		10000
#define RECORD_LIMIT_MAX	100000	/* records listed by one query */

/*
 * lcnd's own bounds on the memory a partner or a local client can make it
 * use (PROTOCOL.md section 7); not rules of the protocol.
 */
#define UNPACK_BUDGET_FACTOR	4	/* unpacking a frame: x its bytes */
#define UNPACK_ITEM_BUDGET	256	/* ... plus this per head or entry */
#define UNPACK_BUDGET_MIN	(256u * 1024)	/* ... plus this */
#define PEER_QUEUE_MAX		(8u * 1024 * 1024) /* unsent, per conn */
#define PEER_QUEUE_LOW		(4u * 1024 * 1024) /* above: stop reading */
#define PEER_DRAIN_MS		10000	/* above LOW this long: violation */
#define HANDSHAKES_MAX		64	/* accepted, TLS not done */
#define HANDSHAKES_PER_ADDR_MAX	8	/* the same, from one address */
#define API_CLIENTS_MAX		32	/* local API connections */
#define API_PENDING_MAX		(32u * 1024 * 1024) /* unfinished requests */
#define API_REPLY_QUEUE_MAX	(4u * 1024 * 1024) /* unread, per client */
#define API_REQUEST_MS		10000	/* a request: first byte to newline */

#define PROTOCOL_VERSION	1
#define LCN_VERSION		"0.1.0"

#endif
