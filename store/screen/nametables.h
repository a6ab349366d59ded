/*
 * The tables behind name normalisation, loaded at run time: legal forms
 * (org_types.yml), cross-language symbols and nicknames (symbols.yml),
 * titles, prefixes and common given names (stopwords.yml), all parsed with
 * libyaml from a tables directory, plus the ICU objects that fold any
 * script to ASCII. It is not a matcher and knows nothing of scoring: names.c
 * asks it questions, match.c never does. A loaded nametables is read-only;
 * its ICU transliterator makes it single-threaded (load one per thread).
 *
 * Table entries are spelled with names_tokenise(), exactly as names are,
 * so a lookup key is a name's tokens joined by single spaces.
 */
#ifndef LCN_NAMETABLES_H
#define LCN_NAMETABLES_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"

struct nametables;

#define NAMETABLES_ENV		"LCN_TABLES_DIR"
#define NAMES_MARK_ABJAD	0x01
#define NAMES_MARK_SYLLABIC	0x02
#define NAMETABLES_PHRASE_MAX	8	/* tokens in one table phrase */

/* Symbol group classes, in the top byte of a group id. */
#define NAMETABLES_SYM_ORG	0x01000000u	/* org_symbols: generic words */
#define NAMETABLES_SYM_DOMAIN	0x02000000u	/* org_domains */
#define NAMETABLES_SYM_PERSON	0x04000000u	/* person_symbols, _nick,
						   _name_parts */
#define NAMETABLES_SYM_CLASS	0xff000000u

/*
 * The tables directory to use when the caller names none: $LCN_TABLES_DIR
 * if set and non-empty, else the installed share/lcn if it exists, else the
 * source tree's store/tables. Returns a static string.
 */
const char	*nametables_default_dir(void);

/*
 * Loads org_types.yml, symbols.yml and stopwords.yml from dir (NULL: the
 * default dir) and opens the ICU objects. Returns 0 and sets *out, which
 * the caller frees with nametables_free(); or LCN_EIO (a file missing or
 * unreadable), LCN_EPROTO (YAML malformed or not in the expected shape),
 * LCN_ENOMEM, or LCN_EINVAL (ICU could not open the transliterator). err
 * gets the file, line and reason. *out is NULL on error.
 */
int	nametables_load(const char *dir, struct nametables **out, char *err,
	    size_t errsz);
void	nametables_free(struct nametables *);	/* NULL is a no-op */

/*
 * Folds len bytes of UTF-8 to ASCII lower case (pipeline step 1 in
 * names.h) into out (outsz bytes, NUL-terminated), with *outlen set.
 * Characters ICU cannot latinise become spaces. A word (between spaces)
 * that was written in an abjad (Arabic, Hebrew, Syriac, Thaana script) is
 * preceded by the byte NAMES_MARK_ABJAD, one written in Han, Hangul or
 * kana by NAMES_MARK_SYLLABIC. Returns 0, LCN_EPROTO (invalid UTF-8, or the
 * result does not fit), or LCN_ENOMEM.
 */
int	nametables_fold(const struct nametables *, const char *utf8,
	    size_t len, char *out, size_t outsz, size_t *outlen);

/*
 * Legal form lookup: phrase is tokens joined by single spaces. Returns the
 * compare form (a single token, e.g. "ltd", "ag", "ooo") or NULL; *generic
 * (if not NULL) gets the generic form ("llc", "jsc", ...) or "".
 */
const char	*nametables_legal(const struct nametables *, const char *phrase,
		    const char **generic);

/*
 * Nonzero if phrase is a title or name prefix for that kind of name
 * (PERSON_NAME_PREFIXES for persons, ORG_ and OBJ_NAME_PREFIXES for
 * organisations, all of them for NAME_UNKNOWN).
 */
int	nametables_prefix(const struct nametables *, const char *phrase,
	    enum name_kind kind);

/*
 * Symbol groups of one token for that kind of name (org_symbols and
 * org_domains for organisations, person_* for persons, all for
 * NAME_UNKNOWN): writes up to max group ids into ids and returns how many.
 */
size_t	nametables_symbols(const struct nametables *, const char *token,
	    enum name_kind kind, uint32_t *ids, size_t max);

/* Nonzero if token is one of GENERIC_PERSON_NAMES (a single word). */
int	nametables_common(const struct nametables *, const char *token);

#endif
