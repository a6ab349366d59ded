/*
 * Name normalisation: cross-script folding, legal forms, titles, symbols,
 * limits, and the candidate keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lcn_err.h"
#include "names.h"
#include "nametables.h"

static struct nametables *tabs;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (nametables_load(LCN_SOURCE_DIR "/store/tables", &tabs, err,
	    sizeof(err)) != 0) {
		print_error("nametables_load: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	nametables_free(tabs);
	return 0;
}

/* The tokens of name, joined by spaces, flagged tokens as [text]. */
static const char *
toks(const char *name, enum name_kind kind, uint8_t flag)
{
	static char buf[1024];
	struct name_norm n;
	size_t i, off = 0;

	if (names_normalise(tabs, name, kind, &n) != 0)
		return "(error)";
	buf[0] = '\0';
	for (i = 0; i < n.ntokens; i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s%s%s",
		    i > 0 ? " " : "", n.tokens[i].flags & flag ? "[" : "",
		    n.tokens[i].text, n.tokens[i].flags & flag ? "]" : "");
	return buf;
}

static void
names_folds_case_and_diacritics(void **state)
{
	(void)state;
	assert_string_equal(toks("Recep Tayyip ERDOĞAN", NAME_PERSON, 0),
	    "recep tayyip erdogan");
	assert_string_equal(toks("Straße Łódź Ærø", NAME_UNKNOWN, 0),
	    "strasse lodz aero");
	assert_string_equal(toks("Vladímír Pútín", NAME_PERSON, 0),
	    "vladimir putin");
}

static void
names_transliterates_cyrillic(void **state)
{
	(void)state;
	assert_string_equal(toks("Владимир Путин", NAME_PERSON, 0),
	    "vladimir putin");
	assert_string_equal(toks("ПУТІН володимир", NAME_PERSON, 0),
	    "putin volodimir");
}

static void
names_transliterates_greek_and_cjk(void **state)
{
	(void)state;
	assert_string_equal(toks("Νικόλαος", NAME_PERSON, 0), "nikolaos");
	/* Han is read in Mandarin, syllable by syllable. */
	assert_string_equal(toks("习近平", NAME_PERSON, 0), "xi jin ping");
}

static void
names_marks_arabic_words_as_abjad(void **state)
{
	struct name_norm n;

	(void)state;
	assert_int_equal(names_normalise(tabs, "محمد علي", NAME_PERSON, &n), 0);
	assert_int_equal(n.ntokens, 2);
	assert_string_equal(n.tokens[0].text, "mhmd");
	assert_true(n.tokens[0].flags & NAME_TOK_ABJAD);
	assert_true(n.tokens[1].flags & NAME_TOK_ABJAD);
	assert_int_equal(names_normalise(tabs, "Mohamed Ali", NAME_PERSON, &n),
	    0);
	assert_false(n.tokens[0].flags & NAME_TOK_ABJAD);
}

static void
names_replaces_legal_forms_by_compare_form(void **state)
{
	(void)state;
	assert_string_equal(toks("SAMSUNG ELECTRONICS CO., LTD.", NAME_ORG,
	    NAME_TOK_LEGAL), "samsung electronics [coltd]");
	assert_string_equal(toks("OOO Oboronnye Initsiativy", NAME_ORG,
	    NAME_TOK_LEGAL), "[ooo] oboronnye initsiativy");
	assert_string_equal(toks("Oboronnye Initsiativy o.O.O.", NAME_ORG,
	    NAME_TOK_LEGAL), "oboronnye initsiativy [ooo]");
	assert_string_equal(toks("Volkswagen Gesellschaft mit beschränkter "
	    "Haftung", NAME_ORG, NAME_TOK_LEGAL), "volkswagen [gmbh]");
	assert_string_equal(toks("Volkswagen G.m.b.H.", NAME_ORG,
	    NAME_TOK_LEGAL), "volkswagen [gmbh]");
	assert_string_equal(toks("Siemens Aktiengesellschaft", NAME_ORG,
	    NAME_TOK_LEGAL), "siemens [ag]");
	assert_string_equal(toks("深圳有限公司", NAME_ORG, NAME_TOK_LEGAL),
	    "shen zhen [ltd]");
	assert_string_equal(toks("ООО \"БАЙКАЛ\"", NAME_ORG, NAME_TOK_LEGAL),
	    "[ooo] baykal");
}

static void
names_keeps_legal_forms_inside_a_name(void **state)
{
	(void)state;
	/* Only runs at the edges are legal forms. */
	assert_string_equal(toks("Al-Qaida in Iraq", NAME_ORG, NAME_TOK_LEGAL),
	    "al qaida in iraq");
}

static void
names_leaves_short_person_names_alone(void **state)
{
	(void)state;
	assert_string_equal(toks("Ali As", NAME_PERSON, NAME_TOK_LEGAL),
	    "ali as");
	assert_string_equal(toks("Nicolás Maduro SA", NAME_PERSON,
	    NAME_TOK_LEGAL), "nicolas maduro [sa]");
}

static void
names_marks_title_prefixes_as_stopwords(void **state)
{
	(void)state;
	assert_string_equal(toks("Mr. Recep Tayyip Erdoğan", NAME_PERSON,
	    NAME_TOK_STOP), "[mr] recep tayyip erdogan");
	assert_string_equal(toks("Präsident Barack Obama", NAME_PERSON,
	    NAME_TOK_STOP), "[prasident] barack obama");
	assert_string_equal(toks("The World Bank", NAME_ORG, NAME_TOK_STOP),
	    "[the] world bank");
	/* A title alone is still a name. */
	assert_string_equal(toks("Director", NAME_PERSON, NAME_TOK_STOP),
	    "director");
}

static void
names_gives_symbols_across_languages(void **state)
{
	struct name_norm a, b;

	(void)state;
	assert_int_equal(names_normalise(tabs, "Tactical Company", NAME_ORG,
	    &a), 0);
	assert_int_equal(names_normalise(tabs, "Tactical Компания", NAME_ORG,
	    &b), 0);
	assert_true(a.tokens[1].nsyms > 0);
	assert_true(a.tokens[1].flags & NAME_TOK_SYMBOL);
	assert_int_equal(a.tokens[1].syms[0], b.tokens[1].syms[0]);
	/* Person symbols are not applied to organisations. */
	assert_int_equal(names_normalise(tabs, "Bob", NAME_ORG, &a), 0);
	assert_int_equal(a.tokens[0].nsyms, 0);
	assert_int_equal(names_normalise(tabs, "Bob", NAME_PERSON, &a), 0);
	assert_true(a.tokens[0].nsyms > 0);
}

static void
names_joins_initials_and_drops_apostrophes(void **state)
{
	(void)state;
	assert_string_equal(toks("A.B.C. Company", NAME_ORG, 0),
	    "abc company");
	assert_string_equal(toks("Hans J. Friedrich", NAME_PERSON,
	    NAME_TOK_INITIAL), "hans [j] friedrich");
	assert_string_equal(toks("Al Qa'ida", NAME_ORG, 0), "al qaida");
	assert_string_equal(toks("Procter & Gamble", NAME_ORG, 0),
	    "procter and gamble");
}

static void
names_joins_only_dotted_initials(void **state)
{
	(void)state;
	assert_string_equal(toks("V. V. Putin", NAME_PERSON, 0), "vv putin");
	assert_string_equal(toks("Blackstone Partners V L.P.", NAME_ORG,
	    NAME_TOK_LEGAL), "blackstone partners v [lp]");
}

static void
names_spells_number_words_as_digits(void **state)
{
	(void)state;
	assert_string_equal(toks("Brigade Forty-Four", NAME_ORG, 0),
	    "brigade 44");
	assert_string_equal(toks("1st International Bank", NAME_ORG, 0),
	    "1 international bank");
	assert_string_equal(toks("First International Bank", NAME_ORG, 0),
	    "1 international bank");
	assert_string_equal(toks("Three Percenters", NAME_ORG, 0),
	    "3 percenters");
}

static void
names_reads_digits_inside_words_as_letters(void **state)
{
	(void)state;
	assert_string_equal(toks("Ig0r Sech1n", NAME_PERSON, 0),
	    "igor sechin");
	assert_string_equal(toks("Brigade 44", NAME_ORG, 0), "brigade 44");
}

static void
names_marks_repeated_tokens(void **state)
{
	(void)state;
	assert_string_equal(toks("Sergey Sergey Shoigu", NAME_PERSON,
	    NAME_TOK_DUP), "sergey [sergey] shoigu");
}

static void
names_rejects_over_limit_and_invalid_input(void **state)
{
	char big[NAME_INPUT_MAX + 2];
	struct name_norm n;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(names_normalise(tabs, big, NAME_PERSON, &n),
	    LCN_EPROTO);
	assert_int_equal(n.ntokens, 0);
	assert_int_equal(names_normalise(tabs, "bad \xc3\x28 utf8",
	    NAME_PERSON, &n), LCN_EPROTO);
	assert_int_equal(n.ntokens, 0);
	assert_int_equal(names_normalise(tabs, " -- . ", NAME_PERSON, &n),
	    LCN_EINVAL);
	assert_int_equal(n.ntokens, 0);
}

/*
 * Real names run long: a company's name in Chinese is a token a character.
 * Regression: 33 words or a word of more than NAME_TOKEN_MAX characters
 * made the whole name refused (and so never screened).
 */
static void
names_screens_long_names_instead_of_refusing_them(void **state)
{
	char tok[NAME_TOKEN_MAX + 2], many[NAME_TOKENS_MAX * 4 + 8];
	struct name_norm n;
	size_t i;

	(void)state;
	memset(tok, 'b', sizeof(tok) - 1);
	tok[sizeof(tok) - 1] = '\0';
	assert_int_equal(names_normalise(tabs, tok, NAME_PERSON, &n), 0);
	assert_int_equal(n.ntokens, 1);
	assert_int_equal(n.tokens[0].len, NAME_TOKEN_MAX);
	many[0] = '\0';
	for (i = 0; i < NAME_TOKENS_MAX + 5; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "%c%c ", 'a' + (int)(i % 26), 'a' + (int)(i / 26));
	assert_int_equal(names_normalise(tabs, many, NAME_ORG, &n), 0);
	assert_true(n.ntokens > 32 && n.ntokens <= NAME_TOKENS_MAX);
	/* A company name of 44 Chinese characters: one word each. */
	assert_int_equal(names_normalise(tabs,
	    "\xe5\x8d\x97\xe6\xb5\xb7\xe6\x81\x92\xe6\xb3\xb0"
	    "\xe5\xbe\xae\xe6\xb3\xa2\xe6\x8a\x80\xe6\x9c\xaf"
	    "\xe5\x8c\x97\xe4\xba\xac\xe4\xb8\xad\xe7\xa7\x91"
	    "\xe5\x8d\x8e\xe7\x94\xb5\xe5\xad\x90\xe4\xbf\xa1"
	    "\xe6\x81\xaf\xe5\xb7\xa5\xe7\xa8\x8b\xe7\xa0\x94"
	    "\xe7\xa9\xb6\xe6\x89\x80\xe4\xb8\x8a\xe6\xb5\xb7"
	    "\xe5\x9b\xbd\xe9\x99\x85\xe8\xb4\xb8\xe6\x98\x93"
	    "\xe5\x8f\x91\xe5\xb1\x95\xe9\x9b\x86\xe5\x9b\xa2"
	    "\xe5\xb9\xbf\xe5\xb7\x9e\xe6\xb7\xb1\xe5\x9c\xb3"
	    "\xe5\xa4\xa9\xe6\xb4\xa5\xe9\x87\x8d\xe5\xba\x86"
	    "\xe8\x88\xaa\xe7\xa9\xba\xe8\x88\xaa\xe5\xa4\xa9",
	    NAME_ORG, &n), 0);
	assert_true(n.ntokens > 32);
}

static void
names_keys_are_shared_by_typos_and_reorderings(void **state)
{
	struct name_norm a, b;
	uint32_t ka[NAME_KEYS_MAX], kb[NAME_KEYS_MAX];
	size_t na, nb, i, j, shared = 0;

	(void)state;
	assert_int_equal(names_normalise(tabs, "Friedrich Lindenberg",
	    NAME_PERSON, &a), 0);
	assert_int_equal(names_normalise(tabs, "LYNDENBURG, Fridrich",
	    NAME_PERSON, &b), 0);
	na = names_keys(&a, ka, NAME_KEYS_MAX);
	nb = names_keys(&b, kb, NAME_KEYS_MAX);
	assert_true(na > 0 && nb > 0);
	for (i = 1; i < na; i++)
		assert_true(ka[i - 1] < ka[i]);
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			shared += ka[i] == kb[j];
	assert_true(shared >= 2);
}

static void
names_skeleton_merges_sound_alikes(void **state)
{
	char a[NAME_TOKEN_MAX + 1], b[NAME_TOKEN_MAX + 1];

	(void)state;
	names_skeleton("wladimir", 8, a);
	names_skeleton("vladimir", 8, b);
	assert_string_equal(a, b);
	names_skeleton("muhammad", 8, a);
	names_skeleton("mohamed", 7, b);
	assert_string_equal(a, b);
}

static void
nametables_load_reports_missing_dir(void **state)
{
	struct nametables *t = (struct nametables *)1;
	char err[256];

	(void)state;
	assert_int_equal(nametables_load("/nonexistent/lcn-tables", &t, err,
	    sizeof(err)), LCN_EIO);
	assert_null(t);
	assert_non_null(strstr(err, "org_types.yml"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_folds_case_and_diacritics),
		cmocka_unit_test(names_transliterates_cyrillic),
		cmocka_unit_test(names_transliterates_greek_and_cjk),
		cmocka_unit_test(names_marks_arabic_words_as_abjad),
		cmocka_unit_test(names_replaces_legal_forms_by_compare_form),
		cmocka_unit_test(names_keeps_legal_forms_inside_a_name),
		cmocka_unit_test(names_leaves_short_person_names_alone),
		cmocka_unit_test(names_marks_title_prefixes_as_stopwords),
		cmocka_unit_test(names_gives_symbols_across_languages),
		cmocka_unit_test(names_joins_initials_and_drops_apostrophes),
		cmocka_unit_test(names_joins_only_dotted_initials),
		cmocka_unit_test(names_spells_number_words_as_digits),
		cmocka_unit_test(names_reads_digits_inside_words_as_letters),
		cmocka_unit_test(names_marks_repeated_tokens),
		cmocka_unit_test(names_rejects_over_limit_and_invalid_input),
		cmocka_unit_test(names_screens_long_names_instead_of_refusing_them),
		cmocka_unit_test(
		    names_keys_are_shared_by_typos_and_reorderings),
		cmocka_unit_test(names_skeleton_merges_sound_alikes),
		cmocka_unit_test(nametables_load_reports_missing_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
