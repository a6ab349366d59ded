/*
 * Name normalisation for screening: turns a party name in any script into
 * ASCII lower-case tokens with flags (legal form, title or stopword, generic
 * symbol, particle, initial), plus compact keys for candidate generation.
 * It is pure: no I/O, no LMDB, no allocation. The tables it consults (legal
 * forms, symbols, stopwords; the ICU transliterator) are loaded once by
 * nametables_load(). Scoring two normalised names is match.h.
 *
 * Pipeline (names_normalise):
 *  1. ICU: UTF-8 -> NFKD, marks stripped; if anything non-Latin is left,
 *     "Any-Latin; Latin-ASCII", NFKD and marks again; case-folded
 *     (nametables_fold). Pure ASCII input skips ICU.
 *  2. Tokenise: letters and digits are kept; apostrophes are dropped
 *     ("Qa'ida" -> "qaida"); '&' becomes the token "and"; everything else
 *     separates. A digit between two letters is read as the letter it
 *     imitates ("Sech1n" -> "sechin"). A run of two or more one-letter
 *     tokens is joined ("A.B.C." -> "abc", "J.P." -> "jp").
 *  3. Phrases from the tables, longest first: runs of legal forms at the
 *     start and at the end of the name become one token each, spelled in
 *     the table's compare form ("Co., Ltd." -> "coltd", "Aktiengesellschaft"
 *     -> "ag", "有限公司" -> "ltd"); title prefixes ("Mr", "President") at the
 *     start of a person's name and "The"-like prefixes of organisations are
 *     marked NAME_TOK_STOP; single-token symbols get their group ids (two
 *     tokens sharing a group are the same word: "co" ~ "company" ~
 *     "компания", "bob" ~ "robert").
 *  4. A token repeating an earlier one is marked NAME_TOK_DUP.
 */
#ifndef LCN_NAMES_H
#define LCN_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct nametables;

/* Limits: input over any of them is rejected (LCN_EPROTO), never cut. */
#define NAME_INPUT_MAX		1024	/* bytes of UTF-8 */
#define NAME_TOKENS_MAX		64	/* words kept; more are ignored */
#define NAME_TOKEN_MAX		48	/* characters kept of one word */
#define NAME_SYMS_MAX		4	/* symbol groups kept per token */
#define NAME_FOLD_MAX		(4 * NAME_INPUT_MAX)	/* folded ASCII */
#define NAME_KEYS_MAX		256

enum name_kind {
	NAME_UNKNOWN = 0,	/* apply person and organisation rules */
	NAME_PERSON,
	NAME_ORG,
};

/* Token flags. */
#define NAME_TOK_LEGAL		0x01	/* legal form, in compare form */
#define NAME_TOK_STOP		0x02	/* title or prefix: ignored */
#define NAME_TOK_SYMBOL		0x04	/* generic organisation word */
#define NAME_TOK_PARTICLE	0x08	/* al, bin, de, van, of, and ... */
#define NAME_TOK_COMMON		0x10	/* very common given name */
#define NAME_TOK_INITIAL	0x20	/* one letter */
#define NAME_TOK_DUP		0x40	/* repeats an earlier token */
#define NAME_TOK_ABJAD		0x80	/* transliterated from Arabic or
					   Hebrew script: vowels unwritten */
#define NAME_TOK_SYLLABIC	0x100	/* transliterated from Han, Hangul
					   or kana: a letter off is another
					   syllable, another character */

struct name_token {
	char		 text[NAME_TOKEN_MAX + 1];	/* [a-z0-9]+, NUL */
	uint8_t		 len;
	uint16_t	 flags;				/* NAME_TOK_* */
	uint8_t		 nsyms;
	uint32_t	 syms[NAME_SYMS_MAX];		/* symbol group ids */
};

struct name_norm {
	enum name_kind		 kind;
	size_t			 ntokens;
	struct name_token	 tokens[NAME_TOKENS_MAX];	/* name order */
};

/*
 * Normalises the NUL-terminated UTF-8 name as described above; a name of
 * more than NAME_TOKENS_MAX words keeps the first ones, a word of more
 * than NAME_TOKEN_MAX characters its first ones. Returns 0, LCN_EPROTO if
 * the name is not valid UTF-8 or exceeds NAME_INPUT_MAX, LCN_EINVAL if it has no letter or
 * digit at all, or LCN_ENOMEM (ICU). *out is zeroed on error. Not
 * thread-safe for one nametables (ICU transliterator state): use one
 * nametables per thread.
 */
int	names_normalise(const struct nametables *, const char *name,
	    enum name_kind kind, struct name_norm *out);

/*
 * Steps 1 and 2 only (no tables phrases, no flags but NAME_TOK_INITIAL,
 * NAME_TOK_ABJAD and NAME_TOK_SYLLABIC): how nametables_load() spells
 * table entries, so that they compare equal to tokenised names. Same returns as names_normalise.
 */
int	names_tokenise(const struct nametables *, const char *name,
	    size_t len, struct name_norm *out);

/*
 * Candidate-generation keys (for the screening index): 32-bit hashes,
 * each tagged in its top two bits:
 *  - NAME_KEY_SKEL: the phonetic skeleton of each informative token (not
 *    stop, legal, particle, initial or duplicate), and of each pair of
 *    adjacent informative tokens written together, and, for skeletons of
 *    four or more letters, each skeleton with one letter deleted. Two
 *    tokens within one edit of each other in skeleton space share a key
 *    (deletion neighbourhood), so index lookups cover the typos the
 *    matcher forgives. The skeleton keeps the first letter, maps
 *    sound-alike consonants to one class (c/k/q/g, s/z/x, v/w/f/p/b,
 *    d/t, j/y/i, m/n), drops the other vowels and h, and collapses
 *    repeats.
 *  - NAME_KEY_SYM: each symbol group id of a token.
 * A candidate is worth scoring if it shares at least one NAME_KEY_SKEL
 * or NAME_KEY_SYM key with the query. Writes at most max keys, sorted
 * and unique, and returns how many (NAME_KEYS_MAX always suffices).
 */
#define NAME_KEY_SKEL	0x40000000u
#define NAME_KEY_SYM	0x80000000u
#define NAME_KEY_TAGMASK 0xc0000000u
size_t	names_keys(const struct name_norm *, uint32_t *keys, size_t max);

/*
 * The phonetic skeleton of one token (see names_keys) into out (at least
 * NAME_TOKEN_MAX + 1 bytes). Returns its length.
 */
size_t	names_skeleton(const char *tok, size_t len, char *out);

#endif
