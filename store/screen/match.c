/*
 * Name scoring (match.h). The constants below were set on
 * tests/data/cases.csv with ops/bench/screening.c; the comments give the
 * reason for each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lcn_err.h"
#include "match.h"
#include "names.h"

/* Token weights: how much identity a token carries. */
#define W_NAME		1.0
#define W_SYMBOL	0.5	/* "company", "international", "bank" */
#define W_COMMON	0.7	/* "muhammad", "hassan", "abdullah" */
#define W_NUMBER	0.5	/* "44", "2004": weak, but must be equal */
#define W_INITIAL	0.5
#define W_PARTICLE	0.2	/* "al", "bin", "of" */
#define W_LEGAL		0.15	/* "ltd", "ag": a hint, never the name */

/*
 * Unaligned weight: a word on both sides that found no partner is a
 * contradiction ("Hans O" vs "Hans Joachim", a different clan name) and
 * divides the score by 1 + CONFLICT_K * weight, whatever the length of the
 * name (five shared words do not excuse a different family name); a word
 * on one side only is an omission (a patronymic, a branch) and costs
 * W_EXTRA of its weight in the denominator. When these were set, F1 on
 * cases.csv stayed within 0.865-0.873 for CONFLICT_K 0.6-1.3 and W_EXTRA
 * 0.35-0.7 (a flat optimum, not a fit to a few cases), and a higher
 * W_EXTRA for organisations did no better than the same one.
 */
#define CONFLICT_K	0.8
#define W_EXTRA		0.35

/* Similarities of the non-fuzzy kinds. */
#define SIM_SYMBOL	0.95
#define SIM_INITIAL	0.8
#define SIM_ACRONYM	0.85
#define SIM_LEGAL_GEN	0.7	/* "ao" ~ "jsc": both generic JSC */
#define SIM_OUTLINE_MAX	0.92	/* consonants only: vowels are a guess */
#define SIM_OUTLINE_SHORT1	0.60	/* outline of one consonant */
#define SIM_OUTLINE_SHORT2	0.80	/* of two */
#define SIM_OUTLINE_SYLLABIC	0.84	/* Han, Hangul, kana vs Latin */
#define SIM_ONE_WORD_MAX	0.66	/* one name word against several */
#define SIM_JOINED_MIN	0.75

/*
 * Fuzzy: the edit budget is BUDGET_FRAC of the longer token (at least
 * BUDGET_MIN), and each unit of distance costs FUZZY_PEN / length. A
 * steeper FUZZY_PEN (1.8) rejected as many true typos and transliterations
 * as false look-alikes ("Sancho" ~ "Sanchez") on cases.csv.
 */
#define BUDGET_FRAC	0.3
#define BUDGET_MIN	0.8
#define FUZZY_PEN	1.5

/* Qualifiers. */
#define COUNTRY_SAME	0.03	/* added */
#define COUNTRY_DIFF	0.90	/* factor */
#define IDENT_LIFT	0.8	/* share of the gap to 1 closed */

#define JOIN_MAX	64	/* characters of tokens written together */
#define SPAN_MAX	3	/* tokens written together */
#define ACRONYM_MAX	6
#define CANDS_MAX	4096

static int
is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
	    c == 'y';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Consonants that transliterations and typists swap. */
static char
cons_class(char c)
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
	case 'j': case 'y':
		return 'y';
	default:
		return 0;
	}
}

static float
sub_cost(char a, char b)
{
	char ca, cb;

	if (a == b)
		return 0;
	if (is_vowel(a) && is_vowel(b))
		return 0.5f;
	if ((a == 'j' && (b == 'i' || b == 'y')) ||
	    (b == 'j' && (a == 'i' || a == 'y')))
		return 0.5f;	/* "Sergej", "Sergei", "Sergey" */
	ca = cons_class(a);
	cb = cons_class(b);
	if (ca != 0 && ca == cb)
		return 0.6f;
	return 1;
}

/* Cost of inserting or deleting s[i]. */
static float
indel_cost(const char *s, size_t len, size_t i)
{
	char c = s[i];

	if ((i > 0 && s[i - 1] == c) || (i + 1 < len && s[i + 1] == c))
		return 0.4f;	/* a doubled letter */
	if (c == 'h')
		return 0.5f;	/* "Khaled", "Mahmood" */
	if (is_vowel(c))
		return 0.7f;
	return 1;
}

static float
min3(float a, float b, float c)
{
	float m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * A lower bound of osa(): a letter one string has more often than the
 * other must be deleted or substituted, at 0.4 at least (a doubled
 * letter), and the larger excess of either side counts. Cheap, and it
 * rejects most unrelated pairs before the quadratic part.
 */
static float
osa_bound(const char *a, size_t la, const char *b, size_t lb)
{
	int h[32];	/* digits share buckets with letters: still a bound */
	size_t i;
	int more = 0, less = 0;

	memset(h, 0, sizeof(h));
	for (i = 0; i < la; i++)
		h[a[i] & 31]++;
	for (i = 0; i < lb; i++)
		h[b[i] & 31]--;
	for (i = 0; i < 32; i++) {
		if (h[i] > 0)
			more += h[i];
		else
			less -= h[i];
	}
	return 0.4f * (more > less ? more : less);
}

/*
 * Weighted optimal string alignment distance, abandoned (returning a value
 * above max) once every cell of a row exceeds max. Cells further than
 * max / 0.4 off the diagonal cannot be within max and are not computed.
 */
static float
osa(const char *a, size_t la, const char *b, size_t lb, float max)
{
	float rows[3][JOIN_MAX + 1], *r0, *r1, *r2, *tmp, rmin, v;
	float da[JOIN_MAX], db[JOIN_MAX];
	size_t i, j, lo, hi, band;
	const float inf = 1e9f;

	if (la > JOIN_MAX || lb > JOIN_MAX)
		return max + 1;
	for (i = 0; i < la; i++)
		da[i] = indel_cost(a, la, i);
	for (j = 0; j < lb; j++)
		db[j] = indel_cost(b, lb, j);
	band = (size_t)(max / 0.4f) + 1;
	r1 = rows[0];
	r2 = rows[1];
	r0 = rows[2];
	r1[0] = 0;
	for (j = 1; j <= lb; j++)
		r1[j] = j <= band ? r1[j - 1] + db[j - 1] : inf;
	for (j = 0; j <= lb; j++)
		r2[j] = inf;
	for (i = 1; i <= la; i++) {
		/* r1: row i-1, r2: row i-2, r0: row i */
		lo = i > band ? i - band : 1;
		hi = i + band < lb ? i + band : lb;
		for (j = 0; j <= lb; j++)
			r0[j] = inf;
		r0[0] = i <= band ? r1[0] + da[i - 1] : inf;
		rmin = r0[0];
		for (j = lo; j <= hi; j++) {
			v = min3(r1[j] + da[i - 1], r0[j - 1] + db[j - 1],
			    r1[j - 1] + sub_cost(a[i - 1], b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && a[i - 1] != b[j - 1] &&
			    r2[j - 2] + 0.7f < v)
				v = r2[j - 2] + 0.7f;
			r0[j] = v;
			if (v < rmin)
				rmin = v;
		}
		if (rmin > max)
			return max + 1;
		tmp = r2;
		r2 = r1;
		r1 = r0;
		r0 = tmp;
	}
	return r1[lb];
}

static double
fuzzy(const char *a, size_t la, const char *b, size_t lb)
{
	size_t l = la > lb ? la : lb;
	double budget = BUDGET_FRAC * l, sim;
	float d;

	if (budget < BUDGET_MIN)
		budget = BUDGET_MIN;
	if (osa_bound(a, la, b, lb) > budget)
		return 0;
	d = osa(a, la, b, lb, (float)budget);
	if (d > budget)
		return 0;
	sim = 1 - FUZZY_PEN * d / l;
	return sim > 0.05 ? sim : 0.05;
}

/*
 * The consonant outline of a token, for comparing a word transliterated
 * from another script with a Latin spelling. An abjad (Arabic, Hebrew)
 * leaves short vowels unwritten and writes long ones as w/y; a syllabary
 * (Hangul, kana) adds vowels between consonants ("beulladimileu" for
 * Vladimir) and has no l/r or b/v contrast. So both sides drop vowels, w,
 * y and h, merge the consonants these scripts do not tell apart, and
 * collapse repeats.
 */
static size_t
outline(const char *s, size_t len, char *out)
{
	size_t i, o = 0;
	char c;

	for (i = 0; i < len && i < JOIN_MAX; i++) {
		switch ((c = s[i])) {
		case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
		case 'w': case 'h':
			continue;
		case 'b': case 'p': case 'f': case 'v':
			c = 'p';
			break;
		case 'r':
			c = 'l';
			break;
		case 'c': case 'k': case 'q': case 'g':
			c = 'k';
			break;
		case 'd':
			c = 't';
			break;
		case 'z':
			c = 's';
			break;
		default:
			break;
		}
		if (o > 0 && out[o - 1] == c)
			continue;
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

static int
all_digits(const struct name_token *t)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (!is_digit(t->text[i]))
			return 0;
	return 1;
}

double
match_token_sim(const struct name_token *a, const struct name_token *b,
    int *how)
{
	char ca[JOIN_MAX + 1], cb[JOIN_MAX + 1];
	size_t i, j, la, lb;
	double s;
	int dummy;

	if (how == NULL)
		how = &dummy;
	*how = 0;
	if ((a->flags | b->flags) & NAME_TOK_LEGAL) {
		if (!(a->flags & b->flags & NAME_TOK_LEGAL))
			return 0;
		*how = MATCH_LEGAL;
		if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0)
			return 1;
		if (a->nsyms > 0 && b->nsyms > 0 && a->syms[0] == b->syms[0])
			return SIM_LEGAL_GEN;
		*how = 0;
		return 0;
	}
	if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0) {
		*how = MATCH_EXACT;
		return 1;
	}
	for (i = 0; i < a->nsyms; i++)
		for (j = 0; j < b->nsyms; j++)
			if (a->syms[i] == b->syms[j]) {
				*how = MATCH_SYMBOL;
				return SIM_SYMBOL;
			}
	if ((a->flags | b->flags) & NAME_TOK_INITIAL) {
		if ((a->flags ^ b->flags) & NAME_TOK_INITIAL &&
		    a->text[0] == b->text[0]) {
			*how = MATCH_INITIAL;
			return SIM_INITIAL;
		}
		return 0;
	}
	if (all_digits(a) || all_digits(b))
		return 0;
	if (a->flags & b->flags & NAME_TOK_SYLLABIC)
		return 0;
	if (((a->flags ^ b->flags) & NAME_TOK_ABJAD) ||
	    ((a->flags ^ b->flags) & NAME_TOK_SYLLABIC)) {
		la = outline(a->text, a->len, ca);
		lb = outline(b->text, b->len, cb);
		if (la == 0 || lb == 0)
			return 0;
		s = fuzzy(ca, la, cb, lb);
		/*
		 * An outline of one or two consonants says little: "zhu"
		 * and "sihai" both reduce to "s". Short outlines are capped
		 * lower, so that they support a match made by other tokens
		 * but cannot make one alone (screening lists of many
		 * short transliterated names otherwise raise false hits).
		 */
		if (s > SIM_OUTLINE_MAX)
			s = SIM_OUTLINE_MAX;
		/* A syllabary's words are short: their outlines collide. */
		if (((a->flags ^ b->flags) & NAME_TOK_SYLLABIC) &&
		    s > SIM_OUTLINE_SYLLABIC)
			s = SIM_OUTLINE_SYLLABIC;
		if ((la < lb ? la : lb) == 1 && s > SIM_OUTLINE_SHORT1)
			s = SIM_OUTLINE_SHORT1;
		else if ((la < lb ? la : lb) == 2 && s > SIM_OUTLINE_SHORT2)
			s = SIM_OUTLINE_SHORT2;
	} else
		s = fuzzy(a->text, a->len, b->text, b->len);
	if (s > 0)
		*how = MATCH_FUZZY;
	return s;
}

static double
tok_weight(const struct name_token *t)
{
	if (t->flags & (NAME_TOK_STOP | NAME_TOK_DUP))
		return 0;
	if (t->flags & NAME_TOK_LEGAL)
		return W_LEGAL;
	if (t->flags & NAME_TOK_PARTICLE)
		return W_PARTICLE;
	if (t->flags & NAME_TOK_INITIAL)
		return W_INITIAL;
	if (all_digits(t))
		return W_NUMBER;
	if (t->flags & NAME_TOK_SYMBOL)
		return W_SYMBOL;
	if (t->flags & NAME_TOK_COMMON)
		return W_COMMON;
	return W_NAME;
}

struct cand {
	uint8_t		qf, qn, cf, cn, how;
	float		sim;
};

struct side {
	const struct name_norm	*n;
	double			 w[NAME_TOKENS_MAX];
	int			 used[NAME_TOKENS_MAX];
};

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->sim != b->sim)
		return a->sim > b->sim ? -1 : 1;
	if (a->qn + a->cn != b->qn + b->cn)
		return a->qn + a->cn > b->qn + b->cn ? -1 : 1;
	if (a->qf != b->qf)
		return a->qf < b->qf ? -1 : 1;
	return a->cf < b->cf ? -1 : a->cf > b->cf;
}

static size_t
add_cand(struct cand *cs, size_t n, size_t qf, size_t qn, size_t cf,
    size_t cn, int how, double sim)
{
	if (n >= CANDS_MAX || sim <= 0)
		return n;
	cs[n].qf = (uint8_t)qf;
	cs[n].qn = (uint8_t)qn;
	cs[n].cf = (uint8_t)cf;
	cs[n].cn = (uint8_t)cn;
	cs[n].how = (uint8_t)how;
	cs[n].sim = (float)sim;
	return n + 1;
}

/* Tokens of a side that weigh anything. */
static size_t
weighted(const struct side *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n->ntokens; i++)
		n += s->w[i] > 0;
	return n;
}

/* Whether two tokens come from different scripts (compared on outlines). */
static int
cross_script(const struct name_token *a, const struct name_token *b)
{
	return ((a->flags ^ b->flags) & (NAME_TOK_ABJAD |
	    NAME_TOK_SYLLABIC)) != 0;
}

/*
 * Syllables written together across scripts: two make one romanised
 * given name ("xiao ping" ~ "Xiaoping"); three or more joined and
 * compared on consonants alone match almost any long Latin word.
 */
static int
cross_join_too_long(const struct name_token *join,
    const struct name_token *t, size_t l)
{
	return l > 2 && cross_script(join, t);
}

/*
 * Candidates where side a's tokens from..from+len-1, written together, or
 * their initials, face one token of side b. swap tells which side is the
 * query.
 */
static size_t
span_cands(const struct side *a, const struct side *b, int swap,
    struct cand *cs, size_t n)
{
	const struct name_norm *na = a->n, *nb = b->n;
	const struct name_token *t;
	char ini[ACRONYM_MAX + 1];
	struct name_token join;
	size_t i, j, k, l, jl;
	double s;
	int ok;

	for (i = 0; i < na->ntokens; i++) {
		for (l = 2; l <= ACRONYM_MAX && i + l <= na->ntokens; l++) {
			ok = 1;
			jl = 0;
			memset(&join, 0, sizeof(join));
			for (k = i; k < i + l; k++) {
				t = &na->tokens[k];
				if (a->w[k] == 0 ||
				    jl + t->len > NAME_TOKEN_MAX) {
					ok = 0;
					break;
				}
				memcpy(join.text + jl, t->text, t->len);
				jl += t->len;
				join.flags |= t->flags & (NAME_TOK_ABJAD |
				    NAME_TOK_SYLLABIC);
				ini[k - i] = t->text[0];
			}
			if (!ok)
				break;
			ini[l] = '\0';
			join.len = (uint8_t)jl;
			for (j = 0; j < nb->ntokens; j++) {
				t = &nb->tokens[j];
				/* An initial stands for one word, never a run. */
				if (b->w[j] == 0 || (t->flags & (NAME_TOK_LEGAL |
				    NAME_TOK_INITIAL)))
					continue;
				s = 0;
				if (l <= SPAN_MAX && !cross_join_too_long(&join,
				    t, l)) {
					s = match_token_sim(&join, t, NULL);
					/*
					 * Syllables of another script written
					 * together: the same spelling is good
					 * evidence, a similar outline is not.
					 */
					if (cross_script(&join, t) &&
					    (join.flags & NAME_TOK_SYLLABIC))
						s = join.len == t->len &&
						    memcmp(join.text, t->text,
						    t->len) == 0 ?
						    SIM_OUTLINE_MAX :
						    s > SIM_OUTLINE_SHORT1 ?
						    SIM_OUTLINE_SHORT1 : s;
					else if (cross_script(&join, t) &&
					    s > SIM_OUTLINE_SHORT2)
						s = SIM_OUTLINE_SHORT2;
					if (s >= SIM_JOINED_MIN) {
						n = swap ?
						    add_cand(cs, n, j, 1, i, l,
						    MATCH_JOINED, s) :
						    add_cand(cs, n, i, l, j, 1,
						    MATCH_JOINED, s);
						continue;
					}
				}
				if (t->len == l && !(t->flags &
				    NAME_TOK_ABJAD) && !(na->kind ==
				    NAME_PERSON && l >= weighted(a)) &&
				    memcmp(t->text, ini, l) == 0)
					n = swap ? add_cand(cs, n, j, 1, i, l,
					    MATCH_ACRONYM, SIM_ACRONYM) :
					    add_cand(cs, n, i, l, j, 1,
					    MATCH_ACRONYM, SIM_ACRONYM);
			}
		}
	}
	return n;
}

/* Aligned pairs that agree on whole words, not initials or legal forms. */
static size_t
words_agreeing(const struct match_result *res)
{
	size_t i, k = 0;

	for (i = 0; i < res->npairs; i++)
		if (res->pairs[i].how != MATCH_INITIAL &&
		    res->pairs[i].how != MATCH_LEGAL)
			k++;
	return k;
}

/* Informative words: not legal forms, particles, initials or ignored. */
static size_t
name_words(const struct name_norm *n, const struct side *s)
{
	size_t i, k = 0;

	for (i = 0; i < n->ntokens; i++)
		if (s->w[i] > 0 && !(n->tokens[i].flags & (NAME_TOK_LEGAL |
		    NAME_TOK_PARTICLE | NAME_TOK_INITIAL)))
			k++;
	return k;
}

static double
span_weight(const struct side *s, size_t first, size_t n)
{
	double w = 0;
	size_t i;

	for (i = first; i < first + n; i++)
		w += s->w[i];
	return w;
}

/* Letters and digits of an identifier, upper-cased. */
static size_t
ident_key(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 1 < outsz; s++) {
		if (*s >= 'a' && *s <= 'z')
			out[o++] = *s - 'a' + 'A';
		else if ((*s >= 'A' && *s <= 'Z') || is_digit(*s))
			out[o++] = *s;
	}
	out[o] = '\0';
	return o;
}

static void
qualify(const struct match_qual *qq, const struct match_qual *cq,
    struct match_result *res)
{
	char a[64], b[64];
	double s = res->name_score;

	if (qq == NULL || cq == NULL) {
		res->score = s;
		return;
	}
	if (qq->country != NULL && cq->country != NULL &&
	    ident_key(qq->country, a, sizeof(a)) > 0 &&
	    ident_key(cq->country, b, sizeof(b)) > 0) {
		if (strcmp(a, b) == 0) {
			res->country = 1;
			s += COUNTRY_SAME;
		} else {
			res->country = -1;
			s *= COUNTRY_DIFF;
		}
	}
	if (ident_key(qq->ident, a, sizeof(a)) > 0 &&
	    ident_key(cq->ident, b, sizeof(b)) > 0 && strcmp(a, b) == 0) {
		res->ident = 1;
		s += (1 - s) * IDENT_LIFT;
	}
	res->score = s > 1 ? 1 : (s < 0 ? 0 : s);
}

int
match_score(const struct name_norm *q, const struct name_norm *c,
    const struct match_qual *qq, const struct match_qual *cq,
    struct match_result *res)
{
	struct cand cs[CANDS_MAX], *k;
	struct side sq, sc;
	size_t i, j, n = 0;
	double matched = 0, aligned = 0, uq = 0, uc = 0, wq, wc, conflict;
	double s;
	int how, free_;

	memset(res, 0, sizeof(*res));
	if (q->ntokens == 0 || c->ntokens == 0)
		return LCN_EINVAL;
	memset(&sq, 0, sizeof(sq));
	memset(&sc, 0, sizeof(sc));
	sq.n = q;
	sc.n = c;
	for (i = 0; i < q->ntokens; i++)
		sq.w[i] = tok_weight(&q->tokens[i]);
	for (j = 0; j < c->ntokens; j++)
		sc.w[j] = tok_weight(&c->tokens[j]);

	for (i = 0; i < q->ntokens; i++) {
		if (sq.w[i] == 0)
			continue;
		for (j = 0; j < c->ntokens; j++) {
			if (sc.w[j] == 0)
				continue;
			s = match_token_sim(&q->tokens[i], &c->tokens[j], &how);
			n = add_cand(cs, n, i, 1, j, 1, how, s);
		}
	}
	n = span_cands(&sq, &sc, 0, cs, n);
	n = span_cands(&sc, &sq, 1, cs, n);
	qsort(cs, n, sizeof(cs[0]), cand_cmp);

	for (k = cs; k < cs + n; k++) {
		free_ = 1;
		for (i = k->qf; i < (size_t)k->qf + k->qn; i++)
			free_ &= !sq.used[i];
		for (j = k->cf; j < (size_t)k->cf + k->cn; j++)
			free_ &= !sc.used[j];
		if (!free_)
			continue;
		for (i = k->qf; i < (size_t)k->qf + k->qn; i++)
			sq.used[i] = 1;
		for (j = k->cf; j < (size_t)k->cf + k->cn; j++)
			sc.used[j] = 1;
		wq = span_weight(&sq, k->qf, k->qn);
		wc = span_weight(&sc, k->cf, k->cn);
		aligned += (wq + wc) / 2;
		matched += k->sim * (wq + wc) / 2;
		if (res->npairs < NAME_TOKENS_MAX) {
			struct match_pair *p = &res->pairs[res->npairs++];

			p->qfirst = k->qf;
			p->qn = k->qn;
			p->cfirst = k->cf;
			p->cn = k->cn;
			p->how = k->how;
			p->sim = k->sim;
		}
	}
	for (i = 0; i < q->ntokens; i++)
		if (!sq.used[i] && sq.w[i] > 0) {
			uq += sq.w[i];
			res->qunmatched |= 1u << i;
		}
	for (j = 0; j < c->ntokens; j++)
		if (!sc.used[j] && sc.w[j] > 0) {
			uc += sc.w[j];
			res->cunmatched |= 1u << j;
		}
	conflict = uq < uc ? uq : uc;
	if (matched > 0)
		res->name_score = matched / (aligned +
		    W_EXTRA * (uq + uc - 2 * conflict)) /
		    (1 + CONFLICT_K * conflict);
	/*
	 * One word facing several proves little: lists carry bare given
	 * names as weak aliases ("JOHN", "DANIEL"), and "John Garamendi"
	 * is not the person listed as "John". Such a pair may support a
	 * reviewer's search (--min-score) but never reaches the threshold.
	 */
	if ((name_words(q, &sq) == 1) != (name_words(c, &sc) == 1) &&
	    uq + uc > 0 && res->name_score > SIM_ONE_WORD_MAX)
		res->name_score = SIM_ONE_WORD_MAX;
	/*
	 * Likewise when a single word agrees and the rest is initials
	 * against words, with a word left over: "Daniel B. Maffei" is not
	 * "BARRERA, Daniel" because B could stand for Barrera.
	 */
	if (words_agreeing(res) == 1 && uq + uc > 0 &&
	    res->name_score > SIM_ONE_WORD_MAX)
		res->name_score = SIM_ONE_WORD_MAX;
	qualify(qq, cq, res);
	return 0;
}

static size_t
app(char *buf, size_t bufsz, size_t off, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(off < bufsz ? buf + off : NULL,
	    off < bufsz ? bufsz - off : 0, fmt, ap);
	va_end(ap);
	return off + (r > 0 ? (size_t)r : 0);
}

static size_t
app_span(char *buf, size_t bufsz, size_t off, const struct name_norm *n,
    size_t first, size_t cnt)
{
	size_t i;

	for (i = first; i < first + cnt; i++)
		off = app(buf, bufsz, off, "%s%s", i > first ? "+" : "",
		    n->tokens[i].text);
	return off;
}

size_t
match_explain(const struct name_norm *q, const struct name_norm *c,
    const struct match_result *res, char *buf, size_t bufsz)
{
	static const char *const hows[] = { "", "exact", "symbol", "fuzzy",
	    "initial", "joined", "acronym", "legal" };
	const struct match_pair *p;
	size_t i, off = 0;
	int any;

	if (bufsz > 0)
		buf[0] = '\0';
	off = app(buf, bufsz, off, "%.3f:", res->score);
	for (i = 0; i < res->npairs; i++) {
		p = &res->pairs[i];
		off = app(buf, bufsz, off, " ");
		off = app_span(buf, bufsz, off, q, p->qfirst, p->qn);
		off = app(buf, bufsz, off, p->how == MATCH_EXACT ? "=" : "~");
		off = app_span(buf, bufsz, off, c, p->cfirst, p->cn);
		if (p->how != MATCH_EXACT)
			off = app(buf, bufsz, off, "(%s %.2f)",
			    p->how < sizeof(hows) / sizeof(hows[0]) ?
			    hows[p->how] : "?", p->sim);
	}
	off = app(buf, bufsz, off, " | unmatched query:");
	for (i = 0, any = 0; i < q->ntokens; i++)
		if (res->qunmatched & (1u << i)) {
			off = app(buf, bufsz, off, " %s", q->tokens[i].text);
			any = 1;
		}
	off = app(buf, bufsz, off, "%s candidate:", any ? "" : " -");
	for (i = 0, any = 0; i < c->ntokens; i++)
		if (res->cunmatched & (1u << i)) {
			off = app(buf, bufsz, off, " %s", c->tokens[i].text);
			any = 1;
		}
	if (!any)
		off = app(buf, bufsz, off, " -");
	off = app(buf, bufsz, off, " | ignored:");
	for (i = 0, any = 0; i < q->ntokens; i++)
		if (q->tokens[i].flags & (NAME_TOK_STOP | NAME_TOK_DUP)) {
			off = app(buf, bufsz, off, " %s", q->tokens[i].text);
			any = 1;
		}
	for (i = 0; i < c->ntokens; i++)
		if (c->tokens[i].flags & (NAME_TOK_STOP | NAME_TOK_DUP)) {
			off = app(buf, bufsz, off, " %s", c->tokens[i].text);
			any = 1;
		}
	if (!any)
		off = app(buf, bufsz, off, " -");
	if (res->country != 0)
		off = app(buf, bufsz, off, " | country %s",
		    res->country > 0 ? "same" : "differs");
	if (res->ident)
		off = app(buf, bufsz, off, " | identifier identical");
	return off;
}
