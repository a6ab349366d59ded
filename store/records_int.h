/*
 * Private to the records' derived state (records.c, records_apply.c,
 * records_query.c): the layouts of its tables and their codecs. The
 * tables are described in store/README.md; in short:
 *
 *   rrecs     origin NUL ref -> a record (rec_encode below)
 *   rignored  origin NUL ref NUL be32 feed be64 seq -> why it was ignored
 *   rindex    'E' kind entry NUL key, 'C' kind country NUL key,
 *             'S' kind state be64 until key -> empty (key: origin NUL ref)
 *   rcontrol  regime NUL entry NUL agency -> an agency's latest stage
 *   rrefs     'u' origin NUL ref -> the first entry with that ref;
 *             'n' origin NUL kind NUL be32 year -> be64 highest number
 *   rattest   'r' feed NUL agency NUL be64 seq -> receipt;
 *             'h' feed NUL be64 seq leaf hash -> the attestation saying it;
 *             's' feed NUL be64 seq -> empty: a split view
 *
 * Nothing here writes LMDB.
 */
#ifndef LCN_RECORDS_INT_H
#define LCN_RECORDS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "records.h"
#include "screen_row.h"
#include "store_int.h"

#define REC_FIXED	50	/* rec_encode's bytes before the strings */
#define REC_HIST_LEN	13	/* be32 feed, be64 seq, u8 action */
/* An encoded record: fixed part, strings, entries, history. */
#define REC_VAL_MAX	(REC_FIXED + 2 + RECORD_REGIME_MAX + \
	    RECORD_COUNTRY_MAX + 2 + REPEATED_MAX * (DOMAIN_CONTROL_MAX + 1) + \
	    4 + (REPEATED_MAX * 4 + 1) * REC_HIST_LEN)
/* Applied updates kept per record; later ones are ignored as invalid. */
#define REC_HIST_MAX	(REPEATED_MAX * 4)
#define IGN_VAL_LEN	(3 + 1 + AGENCY_ID_MAX)

/* A decoded rrecs value. hist borrows from the bytes decoded. */
struct rec {
	uint8_t		 kind;		/* enum record_kind */
	uint8_t		 state;		/* structural: ACTIVE, SUSPENDED,
					   REVOKED / ACTIVE, WITHDRAWN */
	uint32_t	 feedno;	/* the notice's entry */
	uint64_t	 seq;
	uint32_t	 body_feedno;	/* the content as it stands */
	uint64_t	 body_seq;
	uint64_t	 created_ms;
	uint64_t	 from_ms;	/* decision / valid from */
	uint64_t	 until_ms;	/* review / valid until; 0: none */
	char		 regime[RECORD_REGIME_MAX + 1];
	char		 country[RECORD_COUNTRY_MAX + 1];
	char		 controls[REPEATED_MAX][DOMAIN_CONTROL_MAX + 1];
	size_t		 ncontrols;
	const uint8_t	*hist;		/* nhist x REC_HIST_LEN bytes */
	size_t		 nhist;
};

/* Encodes r and then extra (REC_HIST_LEN bytes, may be NULL) as one
 * more history item; returns the length (buf: REC_VAL_MAX bytes). */
size_t	rec_encode(const struct rec *r, const uint8_t *extra, uint8_t *buf);
/* 0, or LCN_ESTORE (logged) for a corrupt value. */
int	rec_decode(const void *data, size_t len, struct rec *r);

/* The rindex keys of a record (E, C and S), each into keys[i] (512
 * bytes), lengths in lens; returns how many (at most REPEATED_MAX + 2). */
#define REC_INDEX_KEYS_MAX	(REPEATED_MAX + 2)
#define REC_INDEX_KEY_MAX	512
size_t	rec_index_keys(const struct rec *r, const uint8_t *rk, size_t rklen,
	    uint8_t (*keys)[REC_INDEX_KEY_MAX], size_t *lens);

/* Structural state to the state at at_ms, and its name. */
int	rec_state_at(const struct rec *r, uint64_t at_ms);
const char *rec_state_name(const struct rec *r, int state);

/* Canonical forms kept in the tables: "WA" for any spelling of a known
 * regime, else trimmed and cut; a country trimmed, upper case, cut; a
 * control entry canonical (domain_control_parse), else trimmed and cut. */
void	rec_regime(const char *in, char *out);	/* RECORD_REGIME_MAX + 1 */
void	rec_country(const char *in, char *out);	/* RECORD_COUNTRY_MAX + 1 */
void	rec_control(const char *in, char *out);	/* DOMAIN_CONTROL_MAX + 1 */

/* An rattest key of kind 'r', 'h' or 's' for feed name (origin/group). */
size_t	attest_key(uint8_t kind, const char *feed, const char *agency,
	    uint64_t seq, const uint8_t *hash, uint8_t *out);

/* Feed number -> feed, for the answers (feeds are few). */
struct feed_names {
	struct feed_id	*v;		/* index: feed number */
	size_t		 n;
};
int	feed_names_load(struct store *, MDB_txn *, struct feed_names *);
void	feed_names_get(const struct feed_names *, uint32_t no,
	    struct feed_id *out);
void	feed_names_free(struct feed_names *);

#endif
