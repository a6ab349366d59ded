/*
 * Name normalisation: ASCII tokenisation of the folded text, then phrases
 * from the tables (names.h has the pipeline).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "names.h"
#include "nametables.h"

/*
 * Connecting words and name particles. They are not in the rigour tables
 * (which treat them inside their own phrase logic), they are few and they
 * are language facts rather than data: "al", "bin" and "van" carry little
 * identity, so match.c weighs them low.
 */
static const char *const particles[] = {
	"a", "al", "an", "and", "as", "az", "ben", "bin", "binti", "bint",
	"da", "das", "de", "dei", "del", "della", "den", "der", "des", "di",
	"do", "dos", "du", "e", "el", "et", "for", "ibn", "in", "la", "le",
	"of", "the", "ter", "ul", "und", "van", "von", "y",
};

static int
is_particle(const char *s)
{
	size_t lo = 0, hi = sizeof(particles) / sizeof(particles[0]), mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(s, particles[mid])) == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int
is_alpha(int c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The letter a digit imitates inside a word ("Sech1n", "Ig0r", "I9or"). */
static char
digit_letter(char c)
{
	static const char map[] = "oizeastbg";	/* 0..8; 9 below */

	if (c == '9')
		return 'g';
	if (c == '2' || c == '6')
		return c;
	return map[c - '0'];
}

static int
push_token(struct name_norm *n, const char *s, size_t len, uint16_t script)
{
	struct name_token *t;
	size_t i;

	if (len == 0)
		return 0;
	/*
	 * Real names run long (a company's name in Chinese is a token a
	 * character): screen what fits rather than refuse the name. The
	 * first NAME_TOKENS_MAX words and NAME_TOKEN_MAX characters of a
	 * word carry the match; the rest would add little to a score.
	 */
	if (n->ntokens >= NAME_TOKENS_MAX)
		return 0;
	if (len > NAME_TOKEN_MAX)
		len = NAME_TOKEN_MAX;
	t = &n->tokens[n->ntokens++];
	memcpy(t->text, s, len);
	t->text[len] = '\0';
	t->len = (uint8_t)len;
	t->flags = script;
	for (i = 1; i + 1 < len; i++)
		if (is_digit(t->text[i]) && is_alpha(t->text[i - 1]) &&
		    is_alpha(t->text[i + 1]))
			t->text[i] = digit_letter(t->text[i]);
	return 0;
}

/*
 * Joins runs of two or more one-letter tokens written with dots between
 * them: "A.B.C." -> "abc", "J.-C." -> "jc", "V. V." -> "vv", but not
 * "Partners V L.P." ("v", "lp"). dotted[i] is nonzero if a '.' separated
 * token i from token i - 1.
 */
static void
join_initials(struct name_norm *n, const uint8_t *dotted)
{
	size_t i, j, k, w = 0;

	for (i = 0; i < n->ntokens; i = j) {
		for (j = i; j < n->ntokens && n->tokens[j].len == 1 &&
		    is_alpha(n->tokens[j].text[0]) && (j == i || dotted[j]);
		    j++)
			;
		if (j - i >= 2 && j - i <= NAME_TOKEN_MAX) {
			n->tokens[w] = n->tokens[i];
			for (k = i + 1; k < j; k++)
				n->tokens[w].text[k - i] = n->tokens[k].text[0];
			n->tokens[w].len = (uint8_t)(j - i);
			n->tokens[w].text[j - i] = '\0';
			w++;
			continue;
		}
		if (j == i)
			j = i + 1;
		for (k = i; k < j; k++)
			n->tokens[w++] = n->tokens[k];
	}
	n->ntokens = w;
	for (i = 0; i < n->ntokens; i++)
		if (n->tokens[i].len == 1)
			n->tokens[i].flags |= NAME_TOK_INITIAL;
}

int
names_tokenise(const struct nametables *tabs, const char *name, size_t len,
    struct name_norm *out)
{
	char buf[NAME_FOLD_MAX], tok[NAME_FOLD_MAX];
	uint8_t dotted[NAME_TOKENS_MAX + 1];
	size_t i, blen, tl = 0;
	int dot = 0;
	uint16_t script = 0;
	int ascii = 1, r;
	unsigned char c;

	memset(out, 0, sizeof(*out));
	if (len > NAME_INPUT_MAX)
		return LCN_EPROTO;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80 ||
		    name[i] == NAMES_MARK_ABJAD ||
		    name[i] == NAMES_MARK_SYLLABIC)
			ascii = 0;
	if (ascii) {
		for (i = 0; i < len; i++)
			buf[i] = name[i] >= 'A' && name[i] <= 'Z' ?
			    name[i] + ('a' - 'A') : name[i];
		blen = len;
		buf[blen] = '\0';
	} else if ((r = nametables_fold(tabs, name, len, buf, sizeof(buf),
	    &blen)) != 0)
		return r;

	for (i = 0; i <= blen; i++) {
		c = i < blen ? (unsigned char)buf[i] : ' ';
		if (is_alpha(c) || is_digit(c)) {
			tok[tl++] = (char)c;
			continue;
		}
		if (c == '\'')
			continue;	/* "Qa'ida", "Bank's": one word */
		if (tl > 0) {
			if (out->ntokens < NAME_TOKENS_MAX)
				dotted[out->ntokens] = (uint8_t)dot;
			if ((r = push_token(out, tok, tl, script)) != 0)
				goto fail;
			dot = 0;
		}
		tl = 0;
		if (c == '.')
			dot = 1;
		if (c == NAMES_MARK_ABJAD)
			script = NAME_TOK_ABJAD;
		else if (c == NAMES_MARK_SYLLABIC)
			script = NAME_TOK_SYLLABIC;
		else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			script = 0;
		else if (c == '&') {
			if (out->ntokens < NAME_TOKENS_MAX)
				dotted[out->ntokens] = 0;
			if ((r = push_token(out, "and", 3, 0)) != 0)
				goto fail;
		}
	}
	join_initials(out, dotted);
	if (out->ntokens == 0) {
		r = LCN_EINVAL;
		goto fail;
	}
	return 0;
 fail:
	memset(out, 0, sizeof(*out));
	return r;
}

/* Tokens from..from+n-1 joined by spaces into buf; 0 if it does not fit. */
static int
phrase(const struct name_norm *n, size_t from, size_t cnt, char *buf,
    size_t bufsz)
{
	size_t i, off = 0;

	for (i = from; i < from + cnt; i++) {
		if (off + n->tokens[i].len + 2 > bufsz)
			return 0;
		if (i > from)
			buf[off++] = ' ';
		memcpy(buf + off, n->tokens[i].text, n->tokens[i].len);
		off += n->tokens[i].len;
	}
	buf[off] = '\0';
	return 1;
}

static uint32_t
hash32(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * Replaces tokens from..from+cnt-1 by one legal-form token. Its syms[0]
 * identifies the generic form, so that "ao" and "jsc" (both generic JSC)
 * can be told apart from "ag" and "gmbh".
 */
static void
set_legal(struct name_norm *n, size_t from, size_t cnt, const char *cmp,
    const char *generic)
{
	struct name_token *t = &n->tokens[from];
	size_t len = strlen(cmp);

	if (len > NAME_TOKEN_MAX)
		len = NAME_TOKEN_MAX;	/* table data, not input */
	memcpy(t->text, cmp, len);
	t->text[len] = '\0';
	t->len = (uint8_t)len;
	t->flags = NAME_TOK_LEGAL;
	t->nsyms = 0;
	if (*generic != '\0') {
		t->syms[0] = hash32(generic, strlen(generic)) & 0x00ffffffu;
		t->nsyms = 1;
	}
	if (cnt > 1) {
		memmove(&n->tokens[from + 1], &n->tokens[from + cnt],
		    (n->ntokens - from - cnt) * sizeof(n->tokens[0]));
		n->ntokens -= cnt - 1;
	}
}

/*
 * The longest legal-form phrase starting (dir > 0) or ending (dir < 0) at
 * token at, within [lo, hi). Returns its length in tokens or 0.
 */
static size_t
legal_at(const struct nametables *tabs, const struct name_norm *n, size_t at,
    int dir, size_t lo, size_t hi, const char **cmp, const char **gen)
{
	char buf[NAMETABLES_PHRASE_MAX * (NAME_TOKEN_MAX + 1) + 1];
	size_t l, max = NAMETABLES_PHRASE_MAX, from;

	if (dir > 0 && hi - at < max)
		max = hi - at;
	if (dir < 0 && at + 1 - lo < max)
		max = at + 1 - lo;
	for (l = max; l >= 1; l--) {
		from = dir > 0 ? at : at + 1 - l;
		if (phrase(n, from, l, buf, sizeof(buf)) &&
		    (*cmp = nametables_legal(tabs, buf, gen)) != NULL)
			return l;
	}
	return 0;
}

static void
mark_legal_forms(const struct nametables *tabs, struct name_norm *n,
    size_t lo)
{
	const char *cmp, *gen;
	size_t l, end = n->ntokens;

	/* A run at the end ("Co., Ltd.", "S.A. de C.V."), longest first. */
	while (end > lo && (l = legal_at(tabs, n, end - 1, -1, lo, end, &cmp,
	    &gen)) > 0) {
		set_legal(n, end - l, l, cmp, gen);
		end -= l;
	}
	/* A run at the start ("OOO", "Joint Stock Company"). */
	while (lo < end && (l = legal_at(tabs, n, lo, 1, lo, end, &cmp,
	    &gen)) > 0) {
		set_legal(n, lo, l, cmp, gen);
		end -= l - 1;
		lo++;
	}
}

/*
 * English number words and ordinals to digits, so that "First" and "1st",
 * "Forty-Four" and "44", "Three" and "3" compare equal. Like the particles,
 * a language fact rather than table data, and short.
 */
static const char *const units[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven",
	"eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
	"fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
static const char *const ordinals[] = {
	"zeroth", "first", "second", "third", "fourth", "fifth", "sixth",
	"seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
};
static const char *const tens[] = {
	"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
	"eighty", "ninety",
};

static int
number_word(const char *s, int *tens_only)
{
	size_t i;

	*tens_only = 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s, units[i]) == 0)
			return (int)i;
	for (i = 1; i < sizeof(ordinals) / sizeof(ordinals[0]); i++)
		if (strcmp(s, ordinals[i]) == 0)
			return (int)i;
	for (i = 2; i < sizeof(tens) / sizeof(tens[0]); i++)
		if (strcmp(s, tens[i]) == 0) {
			*tens_only = 1;
			return (int)i * 10;
		}
	return -1;
}

static void
set_number(struct name_token *t, int v)
{
	int len = snprintf(t->text, sizeof(t->text), "%d", v);

	t->len = (uint8_t)len;
	t->flags &= ~NAME_TOK_INITIAL;
}

static void
numbers(struct name_norm *n)
{
	struct name_token *t;
	size_t i, l;
	int v, u, tens_only, dummy;

	for (i = 0; i < n->ntokens; i++) {
		t = &n->tokens[i];
		l = t->len;
		/* "1st", "2nd", "3rd", "44th" */
		if (l >= 3 && is_digit(t->text[0]) &&
		    is_digit(t->text[l - 3]) &&
		    (strcmp(t->text + l - 2, "st") == 0 ||
		    strcmp(t->text + l - 2, "nd") == 0 ||
		    strcmp(t->text + l - 2, "rd") == 0 ||
		    strcmp(t->text + l - 2, "th") == 0)) {
			t->text[l - 2] = '\0';
			t->len = (uint8_t)(l - 2);
			continue;
		}
		if ((v = number_word(t->text, &tens_only)) < 0)
			continue;
		/* "forty four" (from "Forty-Four") is one number. */
		if (tens_only && i + 1 < n->ntokens &&
		    (u = number_word(n->tokens[i + 1].text, &dummy)) >= 1 &&
		    u <= 9 && !dummy) {
			v += u;
			memmove(&n->tokens[i + 1], &n->tokens[i + 2],
			    (n->ntokens - i - 2) * sizeof(n->tokens[0]));
			n->ntokens--;
		}
		set_number(t, v);
	}
}

int
names_normalise(const struct nametables *tabs, const char *name,
    enum name_kind kind, struct name_norm *out)
{
	char buf[NAMETABLES_PHRASE_MAX * (NAME_TOKEN_MAX + 1) + 1];
	struct name_token *t;
	size_t i, j, l, first = 0, max;
	int r, legal_ok;

	if (strlen(name) > NAME_INPUT_MAX) {
		memset(out, 0, sizeof(*out));
		return LCN_EPROTO;
	}
	if ((r = names_tokenise(tabs, name, strlen(name), out)) != 0)
		return r;
	out->kind = kind;
	numbers(out);

	/* Titles and prefixes, repeatedly, at the start ("The Rt Hon"). */
	while (first + 1 < out->ntokens) {
		max = out->ntokens - 1 - first;
		if (max > NAMETABLES_PHRASE_MAX)
			max = NAMETABLES_PHRASE_MAX;
		for (l = max; l >= 1; l--)
			if (phrase(out, first, l, buf, sizeof(buf)) &&
			    nametables_prefix(tabs, buf, kind))
				break;
		if (l == 0)
			break;
		for (i = first; i < first + l; i++)
			out->tokens[i].flags |= NAME_TOK_STOP;
		first += l;
	}

	/*
	 * Legal forms: for persons only a name that keeps two tokens
	 * ("Nicolas Maduro SA"), never a two-token name ("Ali As").
	 */
	legal_ok = kind != NAME_PERSON || out->ntokens - first >= 3;
	if (legal_ok)
		mark_legal_forms(tabs, out, first);

	for (i = 0; i < out->ntokens; i++) {
		t = &out->tokens[i];
		if (t->flags & (NAME_TOK_LEGAL | NAME_TOK_STOP))
			continue;
		t->nsyms = (uint8_t)nametables_symbols(tabs, t->text, kind,
		    t->syms, NAME_SYMS_MAX);
		for (j = 0; j < t->nsyms; j++)
			if ((t->syms[j] & NAMETABLES_SYM_CLASS) ==
			    NAMETABLES_SYM_ORG)
				t->flags |= NAME_TOK_SYMBOL;
		if (is_particle(t->text))
			t->flags |= NAME_TOK_PARTICLE;
		if (kind != NAME_ORG && nametables_common(tabs, t->text))
			t->flags |= NAME_TOK_COMMON;
		for (j = 0; j < i; j++)
			if (!(out->tokens[j].flags & NAME_TOK_STOP) &&
			    strcmp(out->tokens[j].text, t->text) == 0) {
				t->flags |= NAME_TOK_DUP;
				break;
			}
	}
	return 0;
}

/* Sound classes for the skeleton; 0 drops the letter (after the first). */
static char
sound_class(char c)
{
	switch (c) {
	case 'c': case 'k': case 'q': case 'g':
		return 'k';
	case 's': case 'z': case 'x':
		return 's';
	case 'b': case 'p':
		return 'p';
	case 'v': case 'w': case 'f':
		return 'f';
	case 'd': case 't':
		return 't';
	case 'm': case 'n':
		return 'n';
	case 'j':
		return 'y';
	case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': case 'h':
		return 0;
	default:
		return c;
	}
}

size_t
names_skeleton(const char *tok, size_t len, char *out)
{
	size_t i, o = 0;
	char c, prev = 0;

	if (len > NAME_TOKEN_MAX)
		len = NAME_TOKEN_MAX;
	for (i = 0; i < len; i++) {
		c = sound_class(tok[i]);
		if (i == 0 && c == 0)
			c = tok[i] == 'h' ? 'h' : (tok[i] == 'y' ? 'y' : 'a');
		if (c == 0) {
			prev = 0;	/* a vowel separates repeats */
			continue;
		}
		if (c != prev)
			out[o++] = c;
		prev = c;
	}
	out[o] = '\0';
	return o;
}

static int
informative(const struct name_token *t)
{
	return !(t->flags & (NAME_TOK_STOP | NAME_TOK_LEGAL |
	    NAME_TOK_PARTICLE | NAME_TOK_INITIAL | NAME_TOK_DUP));
}

static size_t
add_key(uint32_t *keys, size_t n, size_t max, uint32_t tag, const char *s,
    size_t len)
{
	if (n < max)
		keys[n++] = tag | (hash32(s, len) & ~NAME_KEY_TAGMASK);
	return n;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
names_keys(const struct name_norm *nn, uint32_t *keys, size_t max)
{
	char sk[NAME_TOKEN_MAX + 1], del[NAME_TOKEN_MAX + 1];
	char pair[2 * NAME_TOKEN_MAX + 1];
	const struct name_token *t, *u;
	size_t i, j, d, sl, n = 0, w;

	for (i = 0; i < nn->ntokens; i++) {
		t = &nn->tokens[i];
		for (j = 0; j < t->nsyms; j++)
			if (n < max)
				keys[n++] = NAME_KEY_SYM |
				    (t->syms[j] & ~NAME_KEY_TAGMASK);
		if (!informative(t))
			continue;
		sl = names_skeleton(t->text, t->len, sk);
		n = add_key(keys, n, max, NAME_KEY_SKEL, sk, sl);
		if (sl >= 4)
			for (d = 0; d < sl; d++) {
				memcpy(del, sk, d);
				memcpy(del + d, sk + d + 1, sl - d - 1);
				n = add_key(keys, n, max, NAME_KEY_SKEL, del,
				    sl - 1);
			}
		/* The next informative token, written together with this. */
		for (j = i + 1; j < nn->ntokens && !informative(&nn->tokens[j]);
		    j++)
			;
		if (j < nn->ntokens) {
			u = &nn->tokens[j];
			memcpy(pair, t->text, t->len);
			memcpy(pair + t->len, u->text, u->len);
			sl = names_skeleton(pair, (size_t)t->len + u->len, sk);
			n = add_key(keys, n, max, NAME_KEY_SKEL, sk, sl);
		}
	}
	qsort(keys, n, sizeof(*keys), cmp_u32);
	for (i = w = 0; i < n; i++)
		if (w == 0 || keys[w - 1] != keys[i])
			keys[w++] = keys[i];
	return w;
}
