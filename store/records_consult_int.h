/*
 * Private to the consultations' derived state (records_consult.c,
 * records_consult_query.c, records_report.c): the layouts of its tables
 * and their codec. store/README.md describes the tables; in short:
 *
 *   rconsult  asker NUL ref -> a consultation (cons_encode below)
 *   rcevent   asker NUL ref NUL u8 class be64 created signer NUL group NUL
 *             be64 seq -> one entry of its exchange and what it did
 *   rcindex   'D' be64 deadline key; 'G' u8 state be64 deadline key;
 *             'A' agency NUL u8 role be64 deadline key;
 *             'S' agency NUL u8 role u8 state be64 deadline key;
 *             'R' denial ref NUL key; 'T' asker NUL denial ref NUL hash key
 *             -> empty (key: asker NUL ref; deadline 0 as all ones)
 *   rdecision regime NUL be64 date origin NUL group NUL be64 seq
 *             -> a LicenceDecision published to a regime group
 *
 * Every value is encoded field by field, big-endian, and names entries by
 * (agency, group, seq), never by this node's feed numbers: two nodes
 * holding the same entries hold the same bytes. Nothing here writes LMDB.
 */
#ifndef LCN_RECORDS_CONSULT_INT_H
#define LCN_RECORDS_CONSULT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "records_consult.h"
#include "records_int.h"

#define CONS_FIXED	121	/* cons_encode's bytes before the strings */
#define CONS_VAL_MAX	(CONS_FIXED + 3 * (1 + GROUP_NAME_MAX) + \
	    (1 + RECORD_REF_MAX) * (1 + CONSULT_DENIALS_SHOWN))

/* rcindex roles: the agency asks, or is consulted. */
#define CONS_ROLE_ASKER		0
#define CONS_ROLE_CONSULTED	1

/* rcevent classes: the request sorts before everything that follows. */
#define CEV_REQUEST	0
#define CEV_FOLLOW	1

/* What records_consult.c keeps of one consultation. */
struct cons {
	struct consult_track	 t;
	uint8_t			 intended;	/* enum consult_decision */
	uint8_t			 basis;		/* enum consult_basis */
	uint32_t		 days;
	uint64_t		 seq;		/* the request, in the asker's
						   feed of group */
	uint64_t		 req_deadline_ms;	/* the request's
						   own; 0: none */
	uint8_t			 tx_hash[HASH_LEN];
	char			 consulted[AGENCY_ID_MAX + 1];
	char			 group[GROUP_NAME_MAX + 1];
	char			 regime[RECORD_REGIME_MAX + 1];
	char			 decision_ref[RECORD_REF_MAX + 1];
	char			 denials[CONSULT_DENIALS_SHOWN]
				     [RECORD_REF_MAX + 1];
	uint32_t		 ndenials;	/* all of them */
};

/* Encodes c into buf (CONS_VAL_MAX bytes); returns the length. */
size_t	cons_encode(const struct cons *c, uint8_t *buf);
/* 0, or LCN_ESTORE (logged) for a corrupt value. */
int	cons_decode(const void *data, size_t len, struct cons *c);

/* The deadline as index keys order it: none (0) last. */
uint64_t cons_deadline_key(const struct cons *c);

/* Fills *ci from c (key asker/ref), its state evaluated at at_ms. */
void	cons_info_fill(const struct cons *c, const char *asker,
	    const char *ref, uint64_t at_ms, struct consult_info *ci);

/*
 * The rcindex keys of c (key ck, asker's) that move with its state and
 * deadline: D, G, A and S (two each); R and T are written once, with
 * the request. Returns how many.
 */
#define CIX_KEYS	6
#define CIX_KEY_MAX	(1 + AGENCY_ID_MAX + 1 + 2 + 8 + REC_KEY_MAX)
size_t	cons_state_keys(const struct cons *c, const char *asker,
	    const uint8_t *ck, size_t cklen, uint8_t (*keys)[CIX_KEY_MAX],
	    size_t *lens);

/* One rcevent row, decoded. */
struct cev {
	uint8_t		 cls;		/* CEV_REQUEST or CEV_FOLLOW */
	uint64_t	 created_ms;
	char		 signer[AGENCY_ID_MAX + 1];
	char		 group[GROUP_NAME_MAX + 1];
	uint64_t	 seq;
	uint8_t		 body;		/* Entry oneof case */
	uint8_t		 step;		/* enum consult_step or a
					   CONSULT_STEP_* of
					   records_consult.h; 0: applied */
	uint8_t		 what;		/* position or decision */
	uint64_t	 when_ms;	/* extension_to, the information's
					   deadline, the decision's date */
	char		 ref[RECORD_REF_MAX + 1];	/* its own ref */
};
#define CEV_KEY_MAX	(REC_KEY_MAX + 2 + 8 + AGENCY_ID_MAX + 1 + \
	    GROUP_NAME_MAX + 1 + 8)
#define CEV_VAL_MAX	(11 + 1 + RECORD_REF_MAX)

/* The rcevent key of e under consultation key ck; returns its length. */
size_t	cev_key(const uint8_t *ck, size_t cklen, const struct cev *e,
	    uint8_t *out);
size_t	cev_encode(const struct cev *e, uint8_t *out);
/* Decodes key (whose first cklen + 1 bytes are the prefix) and value;
 * 0 or LCN_ESTORE. */
int	cev_decode(const void *key, size_t klen, size_t cklen, const void *val,
	    size_t vlen, struct cev *e);

/*
 * records_consult.c: applies a consultation body (request, reply,
 * information, decision) of feed f to the consultations' tables in txn.
 * 0, LCN_ENOMEM or an LMDB error.
 */
int	records_consult_apply(struct store *, MDB_txn *,
	    const struct feed_id *f, uint32_t feedno, uint64_t seq,
	    const void *entry);

/* One rdecision row, decoded (its key gives regime, date, feed, seq). */
int	decision_decode(const void *key, size_t klen, const void *val,
	    size_t vlen, struct decision_notice *dn);

#endif
