/*
 * Scoring one normalised name against another (names.h): a similarity in
 * [0,1] with the alignment that explains it. It is pure and allocation-free
 * (a pair scores in a few microseconds), holds no state and is thread-safe.
 * It does not find candidates: the screening index does, with
 * names_keys(), and calls match_score() on each.
 *
 * How a score is made:
 *  - Tokens are aligned regardless of order by a greedy best-first
 *    assignment over a similarity matrix. A pair is exact, the same symbol
 *    group ("co" ~ "company"), fuzzy (a weighted Damerau-Levenshtein
 *    distance within an edit budget of 0.3 edits per letter; vowels,
 *    doubled letters, "h" and sound-alike consonants cost less; a word
 *    transliterated from an abjad or a syllabary compared with a Latin
 *    one is compared on its consonant outline; two words from the same
 *    syllabary must be equal), an
 *    initial ("J" ~ "Joachim", never "O" ~ "Joachim"), tokens written
 *    together ("SiemensAG" ~ "Siemens AG") or an acronym ("PLA" ~ "People's
 *    Liberation Army").
 *  - Each token weighs: 1 for a name word, less for a generic organisation
 *    word, a very common given name, an initial, a particle ("al", "bin",
 *    "of") and a legal form; titles and repeated tokens weigh nothing.
 *  - score = matched / (aligned + W_EXTRA * extra) / (1 + CONFLICT_K *
 *    conflict), where matched is the aligned weight times the pair
 *    similarities, conflict the unaligned weight both names have (each
 *    has a word the other lacks: "Hans O" vs "Hans Joachim"), and extra
 *    the rest of the unaligned weight, on one side only (a middle name or
 *    a branch qualifier the other omits costs less than a contradiction).
 *    The constants are in match.c, with how they were chosen.
 *  - Qualifiers, when both sides have them: the same country adds a
 *    little, a different country takes some away, an identical identifier
 *    (registration or document number) lifts the score most of the way
 *    to 1.
 */
#ifndef LCN_MATCH_H
#define LCN_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"

/*
 * The default threshold: a score at or above it is a match. Chosen on
 * tests/data/cases.csv (ops/bench/screening.c prints precision, recall and
 * F1 at this threshold beside the OpenSanctions logic-v2 reference).
 */
#define MATCH_THRESHOLD		0.70

/* Optional qualifiers of one side; NULL or "" fields are absent. */
struct match_qual {
	const char	*country;	/* ISO 3166-1 alpha-2, any case */
	const char	*ident;		/* registration or document number */
};

enum match_how {
	MATCH_EXACT = 1,
	MATCH_SYMBOL,		/* same symbol group */
	MATCH_FUZZY,		/* within the edit budget */
	MATCH_INITIAL,		/* one letter ~ a word with that initial */
	MATCH_JOINED,		/* tokens written together on one side */
	MATCH_ACRONYM,		/* a token spelling the other's initials */
	MATCH_LEGAL,		/* legal forms, same compare or generic form */
};

struct match_pair {
	uint8_t		qfirst, qn;	/* query tokens qfirst..qfirst+qn-1 */
	uint8_t		cfirst, cn;	/* candidate tokens */
	uint8_t		how;		/* enum match_how */
	float		sim;		/* (0,1] */
};

struct match_result {
	double			score;		/* [0,1], qualifiers applied */
	double			name_score;	/* [0,1], names only */
	size_t			npairs;
	struct match_pair	pairs[NAME_TOKENS_MAX];
	uint32_t		qunmatched;	/* bit i: query token i weighs
						   and is unaligned */
	uint32_t		cunmatched;
	int			country;	/* 1 same, -1 differs, 0 n/a */
	int			ident;		/* 1 identical, 0 n/a or not */
};

/*
 * Scores query q against candidate c; qq and cq (either may be NULL) are
 * their qualifiers. Fills *res and returns 0, or LCN_EINVAL if either name
 * has no tokens (*res is then zeroed). Symmetric in q and c up to the
 * order of res->pairs.
 */
int	match_score(const struct name_norm *q, const struct name_norm *c,
	    const struct match_qual *qq, const struct match_qual *cq,
	    struct match_result *res);

/*
 * Writes a one-line explanation of res, e.g.
 * "0.912: putin=putin vladimir=vladimir v~vladimirovich(initial 0.80)
 * | unmatched query: - candidate: - | legal: ltd=ltd", into buf (always
 * NUL-terminated when bufsz > 0). Returns the length it needed, like
 * snprintf.
 */
size_t	match_explain(const struct name_norm *q, const struct name_norm *c,
	    const struct match_result *res, char *buf, size_t bufsz);

/*
 * The token similarity used above, exposed for tests and tuning: two
 * tokens in [0,1]; *how (may be NULL) gets the enum match_how, 0 if 0.
 */
double	match_token_sim(const struct name_token *a, const struct name_token *b,
	    int *how);

#endif
