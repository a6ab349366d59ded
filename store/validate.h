/*
 * The validation of an entry body an officer publishes, before anything
 * is signed: the record rules of each body (required fields, ISO 3166-1
 * countries, ISO 4217 currencies, control-list entries, dates, the
 * red-flag vocabulary, TLP and forwarding, the protocol's limits), refs in
 * this node's own namespace and not used before, and updates only of this
 * node's own records in a state where the action makes sense. Every error
 * names the field ("parties[0].country") and reads as for an officer.
 *
 * It is not the protocol's acceptance of an entry (entry.c, ledger.c):
 * entries from partners are never refused for these reasons, since the
 * ledger is their signed word. It reads no ledger itself: what it needs to
 * know of this node's records comes through callbacks in the context
 * (validate_ledger.h answers them from the ledger), and the time is a
 * parameter, so that a test decides what "now" is.
 */
#ifndef LCN_VALIDATE_H
#define LCN_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "lcn_limits.h"

/* A field path, "amended.parties[12].identifiers[3].country". */
#define VALIDATE_FIELD_MAX	128
/* One error: "field: what was expected, got what". */
#define VALIDATE_MESSAGE_MAX	512
/* "JP-METI/EUA/2026/000000042": agency, kind, year, up to 9 digits. */
#define VALIDATE_REF_MAX	(AGENCY_ID_MAX + 1 + 3 + 1 + 4 + 1 + 9)
/* Digits of a ref's number: at least 4 ("0042"), at most 9. */
#define VALIDATE_REF_DIGITS_MIN	4
#define VALIDATE_REF_DIGITS_MAX	9
/* Dates outside these years are typing errors ("0226", "20260"). */
#define VALIDATE_YEAR_MIN	1980
#define VALIDATE_YEAR_MAX	2099
/* A decision dated up to a day ahead is another time zone's today. */
#define VALIDATE_FUTURE_SLACK_MS	(24ull * 3600 * 1000)

/* What a ref names: the kind in its middle ("JP-METI/DN/2026/0001"). */
enum validate_kind {
	VALIDATE_KIND_NONE = 0,
	VALIDATE_KIND_DN,	/* denial notice */
	VALIDATE_KIND_DU,	/* denial update */
	VALIDATE_KIND_CR,	/* consultation request */
	VALIDATE_KIND_RP,	/* consultation reply */
	VALIDATE_KIND_LD,	/* licence decision */
	VALIDATE_KIND_EUA,	/* end-user alert */
	VALIDATE_KIND_AU,	/* alert update */
	VALIDATE_KIND_CS,	/* control status */
	VALIDATE_KIND_CI,	/* consultation information */
	VALIDATE_KIND_COUNT,
};

/*
 * What this node's ledger says of a ref, as the lookup callback answers:
 * the record it names, where its first entry is, and its state at the
 * context's now after every update (domain.h's rules).
 */
struct validate_record {
	enum validate_kind kind;	/* of the entry that holds the ref */
	struct feed_id	 feed;		/* where that entry is */
	uint64_t	 seq;
	int		 state;		/* enum domain_denial_state for a
					   denial, domain_alert_state for an
					   alert, 0 for anything else */
	uint64_t	 state_seq;	/* the update that made it REVOKED,
					   SUSPENDED or WITHDRAWN; 0: none */
};

struct redflags;

/*
 * What validation needs from outside. self and now_ms are required; the
 * callbacks may be NULL (a test of the field rules alone), in which case
 * refs are not checked against the ledger and no ref is assigned.
 */
struct validate_ctx {
	const char	*self;		/* this node's agency id */
	uint64_t	 now_ms;	/* "today", for dates and states */
	const struct redflags *flags;	/* NULL: redflags_default() */
	/*
	 * What the ledger says of ref, which this node's own entries hold
	 * (as a body's ref, or a record updated): 0 with *rec filled,
	 * LCN_ENOTFOUND, or another LCN_E* when it could not be told.
	 */
	int	(*lookup)(void *arg, const char *ref,
		    struct validate_record *rec);
	/*
	 * The highest number this node has used in its refs of kind and
	 * year (0: none), for validate_publish to assign the next. 0 or
	 * an LCN_E* when it could not be told.
	 */
	int	(*highest)(void *arg, enum validate_kind kind, unsigned year,
		    uint64_t *highest);
	void	*arg;			/* for both callbacks */
};

struct validate_error {
	int	 code;		/* LCN_EINVAL: the body; other: not checked */
	size_t	 index;		/* validate_publish: the body, 0-based */
	char	 field[VALIDATE_FIELD_MAX];	/* "" when none applies */
	char	 message[VALIDATE_MESSAGE_MAX];	/* starts with the field */
};

/*
 * Validates one body: body holds the protobuf bytes of an Entry holding
 * only the body (what pbjson_body_encode() makes and lcnd signs). Checks
 * the record rules of its type, the ref's syntax and namespace (a body
 * without a ref passes: validate_publish assigns one), and, through the
 * lookup callback, that the ref is not used yet and that an update's
 * record is this node's and in a state that allows the action. A heads
 * attestation is refused (lcnd publishes its own). Returns 0 with
 * err->code 0, LCN_EINVAL with err saying which field and why, or the
 * callback's error (err->message saying the check could not be done).
 */
int	validate_body(const uint8_t *body, size_t len,
	    const struct validate_ctx *ctx, struct validate_error *err);

/*
 * Validates a publish request's bodies as validate_body() does, each
 * also against the earlier ones (a ref given twice; an update of a
 * record published or updated earlier in the same request), and gives a
 * body without a ref the next free one of its kind in the year of
 * now_ms, re-encoding it: bodies[i].ptr is then replaced by a new
 * malloc'd buffer and the old one freed, so the caller must own every
 * buffer with malloc. Returns 0, or the first error with err->index the
 * body; nothing is replaced then.
 */
int	validate_publish(struct bytes *bodies, size_t n,
	    const struct validate_ctx *ctx, struct validate_error *err);

/* ---------------------------------------------------------- refs */

/* "DN", "DU", "CR", "RP", "LD", "EUA", "AU", "CS", "CI"; "" for NONE. */
const char *validate_kind_code(enum validate_kind);
/* The kind of a ref's code ("EUA"), or VALIDATE_KIND_NONE. */
enum validate_kind validate_kind_parse(const char *code);
/* The kind of the ref of an Entry body (its oneof field number, 10..17
 * and 19). */
enum validate_kind validate_kind_of_body(int body_field);

/* A ref, taken apart by validate_ref_parse(). */
struct validate_ref {
	char		 agency[AGENCY_ID_MAX + 1];
	enum validate_kind kind;
	unsigned	 year;
	uint64_t	 number;	/* >= 1 */
};

/*
 * Parses "<AGENCY>/<KIND>/<YEAR>/<NNNN>": a valid agency id, a kind code,
 * a four-digit year within VALIDATE_YEAR_MIN..VALIDATE_YEAR_MAX and 4 to 9
 * digits not all zero. Returns 0, or LCN_EINVAL with *r zeroed.
 */
int	validate_ref_parse(const char *ref, struct validate_ref *r);

/*
 * Writes the ref after highest (the highest number self has used for
 * kind in year; 0: none), zero-padded to four digits:
 * "JP-METI/DN/2026/0043" after 42. Returns 0, or LCN_EINVAL for an
 * invalid agency, kind or year, a number beyond nine digits or an out
 * buffer too small (outsz < VALIDATE_REF_MAX + 1 always suffices).
 */
int	validate_ref_next(const char *self, enum validate_kind kind,
	    unsigned year, uint64_t highest, char *out, size_t outsz);

/* ---------------------------------------------------------- red flags */

/*
 * The red-flag vocabulary (redflags.tsv in the tables directory): one
 * flag a line, "CODE<TAB>title<TAB>one line of explanation", '#' lines
 * and blank lines skipped. Codes are upper-case letters, digits and '-'.
 */
struct redflag {
	char	*code;
	char	*title;
	char	*explanation;
};

/*
 * Loads dir/redflags.tsv (dir NULL: nametables_default_dir()). Returns 0
 * with *out (freed with redflags_free()), or LCN_EIO (unreadable),
 * LCN_EPROTO (a line not in the shape above, or a code twice: err names
 * the file and line) or LCN_ENOMEM; *out is NULL on error.
 */
int	redflags_load(const char *dir, struct redflags **out, char *err,
	    size_t errsz);
void	redflags_free(struct redflags *);	/* NULL is a no-op */

/*
 * The default directory's vocabulary, loaded once for the life of the
 * process (thread-safe); NULL if it could not be loaded, with the reason
 * in redflags_default_error().
 */
const struct redflags *redflags_default(void);
const char *redflags_default_error(void);

/* The flag of code, or NULL. */
const struct redflag *redflags_find(const struct redflags *,
	    const char *code);
/* The number of flags and the i-th (in file order), for listing them. */
size_t	redflags_count(const struct redflags *);
const struct redflag *redflags_get(const struct redflags *, size_t i);

#endif
