/*
 * Name scoring: pairs that must match at MATCH_THRESHOLD, near misses that
 * must not, qualifiers, the explanation, and the bounds of a score.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lcn_err.h"
#include "match.h"
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

static double
score_q(const char *a, const char *b, enum name_kind kind,
    const struct match_qual *qa, const struct match_qual *qb)
{
	struct name_norm na, nb;
	struct match_result r;
	char why[512];

	assert_int_equal(names_normalise(tabs, a, kind, &na), 0);
	assert_int_equal(names_normalise(tabs, b, kind, &nb), 0);
	assert_int_equal(match_score(&na, &nb, qa, qb, &r), 0);
	assert_true(r.score >= 0 && r.score <= 1);
	match_explain(&na, &nb, &r, why, sizeof(why));
	print_message("  %-40s | %-40s %s\n", a, b, why);
	return r.score;
}

static double
score(const char *a, const char *b, enum name_kind kind)
{
	return score_q(a, b, kind, NULL, NULL);
}

#define MATCHES(a, b, k)	assert_true(score(a, b, k) >= MATCH_THRESHOLD)
#define MISSES(a, b, k)		assert_true(score(a, b, k) < MATCH_THRESHOLD)

static void
match_identical_names_score_one(void **state)
{
	(void)state;
	assert_true(score("Hans Friedrich", "Hans Friedrich", NAME_PERSON) >
	    0.999);
	assert_true(score("Siemens AG", "SIEMENS AG", NAME_ORG) > 0.999);
}

static void
match_is_symmetric(void **state)
{
	const char *a = "Hans J Friedrich", *b = "Hans Joachim Friedrich";
	double x, y;

	(void)state;
	x = score(a, b, NAME_PERSON);
	y = score(b, a, NAME_PERSON);
	assert_true(x - y < 1e-9 && y - x < 1e-9);
}

static void
match_forgives_typos_within_budget(void **state)
{
	(void)state;
	MATCHES("Olaf Scholze", "Olaf Scholz", NAME_PERSON);
	MATCHES("Alexandr Lukashnko", "Alexander Lukashenko", NAME_PERSON);
	MATCHES("Kim Joonng-un", "Kim Jong-un", NAME_PERSON);
	MATCHES("CRISTALORD LIMITED", "CRYSTALORD LTD", NAME_ORG);
	MATCHES("Ig0r Sech1n", "Igor Sechin", NAME_PERSON);
}

static void
match_ignores_word_order(void **state)
{
	(void)state;
	MATCHES("PUTIN, Vladimir", "Vladimir Putin", NAME_PERSON);
	MATCHES("REINALDO GREGORIO LENIN CERNA JUARE",
	    "Reinaldo Lenin Gregorio Cerna Juarez", NAME_PERSON);
	MATCHES("Oboronnye Initsiativy OOO", "OOO Oboronnye Initsiativy",
	    NAME_ORG);
}

static void
match_handles_tokens_written_together(void **state)
{
	(void)state;
	MATCHES("SiemensAG", "Siemens AG", NAME_ORG);
	MATCHES("MOHAMMAD HASNI HAJI SSAD KHAN ZARKARI",
	    "HAJI ASAD KHAN ZARKARI MOHAMMADHASNI", NAME_PERSON);
	MATCHES("FridrichBuchenberg", "Friedrich Buchenberg", NAME_PERSON);
}

static void
match_accepts_matching_initials_only(void **state)
{
	(void)state;
	MATCHES("Hans J Friedrich", "Hans Joachim Friedrich", NAME_PERSON);
	MISSES("Hans O Friedrich", "Hans Joachim Friedrich", NAME_PERSON);
	MATCHES("N. Nazarbayev", "Nursultan Nazarbayev", NAME_PERSON);
	MISSES("A. Nazarbayev", "Nursultan Nazarbayev", NAME_PERSON);
	MATCHES("J.-C. Juncker", "Jean-Claude Juncker", NAME_PERSON);
}

static void
match_weighs_legal_forms_little(void **state)
{
	(void)state;
	MATCHES("Siemens Aktiengesellschaft", "Siemens AG", NAME_ORG);
	MATCHES("Samsung Electronics Co., Ltd.", "SAMSUNG ELECTRONICS CO LTD",
	    NAME_ORG);
	MATCHES("OAO Gazprom", "Gazprom JSC", NAME_ORG);
	MATCHES("Iskusstvo Krasoty",
	    "LIMITED LIABILITY COMPANY ISKUSSTVO KRASOTY", NAME_ORG);
	MISSES("Volkswagen AG", "Siemens AG", NAME_ORG);
}

static void
match_penalises_unmatched_tokens(void **state)
{
	double plain, branch;

	(void)state;
	plain = score("Deutsche Bank AG", "Deutsche Bank AG", NAME_ORG);
	branch = score("Deutsche Bank (Schweiz) AG", "Deutsche Bank AG",
	    NAME_ORG);
	assert_true(branch < plain);
	MISSES("Barack Obama", "George Hussein Onyango Obama", NAME_PERSON);
	MISSES("Friedrich Lindenberg", "Lars Friedrich Lindemann",
	    NAME_PERSON);
	MATCHES("Vladimir Vladimirovich Putin", "Vladimir Putin",
	    NAME_PERSON);
}

static void
match_rejects_near_misses(void **state)
{
	(void)state;
	MISSES("Olga Barynova", "Oleg BARANOV", NAME_PERSON);
	MISSES("Angelo Mercaz", "Angela Merkel", NAME_PERSON);
	MISSES("Sergey Ivanevich Lavrov", "Sergey Viktorovich LAVROV",
	    NAME_PERSON);
	MISSES("Government of Estonia", "Government of Ethiopia", NAME_ORG);
	MISSES("Boris Netanyahu", "Benjamin Netanyahu", NAME_PERSON);
}

static void
match_finds_names_across_scripts(void **state)
{
	(void)state;
	MATCHES("Владимир Путин", "Vladimir Putin", NAME_PERSON);
	MATCHES("Володимир Зеленський", "Volodymyr Oleksandrovych Zelenskyy",
	    NAME_PERSON);
	MATCHES("محمد علي", "Mohamed Ali", NAME_PERSON);
	MATCHES("משה", "Moshe", NAME_PERSON);
	MATCHES("习近平", "Xi Jinping", NAME_PERSON);
	MISSES("Фрэнк Рихтер", "Frederik Richter", NAME_PERSON);
}

static void
match_keeps_same_script_syllables_apart(void **state)
{
	(void)state;
	/* One Hangul or Han character off is another name. */
	MISSES("김종은", "김정은", NAME_PERSON);
	MISSES("习近朋", "习近平", NAME_PERSON);
	MATCHES("김정은", "김정은", NAME_PERSON);
}

static void
match_ignores_titles(void **state)
{
	(void)state;
	MATCHES("Mr. Recep Tayyip Erdoğan", "Recep Tayyip Erdogan",
	    NAME_PERSON);
	MATCHES("The World Bank", "World Bank", NAME_ORG);
}

static void
match_qualifiers_move_the_score(void **state)
{
	struct match_qual de = { "DE", NULL }, de2 = { "de", NULL };
	struct match_qual ch = { "CH", NULL };
	struct match_qual id1 = { NULL, "HRB 6684" }, id2 = { NULL, "hrb6684" };
	const char *a = "Siemens Holding", *b = "Siemens Holdings";
	double plain;

	(void)state;
	plain = score(a, b, NAME_ORG);
	assert_true(score_q(a, b, NAME_ORG, &de, &de2) > plain);
	assert_true(score_q(a, b, NAME_ORG, &de, &ch) < plain);
	assert_true(score_q("Siemens", "Simmons Group", NAME_ORG, &id1,
	    &id2) >= MATCH_THRESHOLD);
}

static void
match_explains_alignment(void **state)
{
	struct name_norm a, b;
	struct match_result r;
	char why[512];
	size_t need;

	(void)state;
	assert_int_equal(names_normalise(tabs, "Hans J Friedrich",
	    NAME_PERSON, &a), 0);
	assert_int_equal(names_normalise(tabs, "Dr. Hans Joachim Friedrich",
	    NAME_PERSON, &b), 0);
	assert_int_equal(match_score(&a, &b, NULL, NULL, &r), 0);
	need = match_explain(&a, &b, &r, why, sizeof(why));
	assert_int_equal(need, strlen(why));
	assert_non_null(strstr(why, "hans=hans"));
	assert_non_null(strstr(why, "j~joachim(initial"));
	assert_non_null(strstr(why, "ignored: dr"));
	assert_int_equal(r.npairs, 3);
	/* A short buffer is cut but terminated. */
	assert_true(match_explain(&a, &b, &r, why, 8) == need);
	assert_int_equal(strlen(why), 7);
}

static void
match_rejects_empty_names(void **state)
{
	struct name_norm a, empty;
	struct match_result r;

	(void)state;
	memset(&empty, 0, sizeof(empty));
	assert_int_equal(names_normalise(tabs, "Hans", NAME_PERSON, &a), 0);
	assert_int_equal(match_score(&a, &empty, NULL, NULL, &r), LCN_EINVAL);
	assert_true(r.score == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(match_identical_names_score_one),
		cmocka_unit_test(match_is_symmetric),
		cmocka_unit_test(match_forgives_typos_within_budget),
		cmocka_unit_test(match_ignores_word_order),
		cmocka_unit_test(match_handles_tokens_written_together),
		cmocka_unit_test(match_accepts_matching_initials_only),
		cmocka_unit_test(match_weighs_legal_forms_little),
		cmocka_unit_test(match_penalises_unmatched_tokens),
		cmocka_unit_test(match_rejects_near_misses),
		cmocka_unit_test(match_finds_names_across_scripts),
		cmocka_unit_test(match_keeps_same_script_syllables_apart),
		cmocka_unit_test(match_ignores_titles),
		cmocka_unit_test(match_qualifiers_move_the_score),
		cmocka_unit_test(match_explains_alignment),
		cmocka_unit_test(match_rejects_empty_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
