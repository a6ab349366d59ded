/*
 * Domain rules (store/domain.c) on control entries and regimes: parsing
 * and overlap of control-list entries, and whether a regime requires
 * consultation before an essentially identical licence is granted. The
 * other rules have files of their own: test_domain_state.c (review dates,
 * denial and alert state), test_domain_identity.c (essential identity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain.h"
#include "lcn_err.h"
#include "test_domain_fx.h"

/* ---------------------------------------------------------- control entries */

static void
control_parse_canonicalises_case_and_space(void **state)
{
	struct domain_control c;

	(void)state;
	assert_int_equal(domain_control_parse(" 3a001 . B . 1 ", &c), 0);
	assert_int_equal(c.kind, DOMAIN_CONTROL_LISTED);
	assert_string_equal(c.text, "3A001.b.1");
	assert_int_equal(domain_control_parse("5A002", &c), 0);
	assert_string_equal(c.text, "5A002");
	assert_int_equal(domain_control_parse("9E003.a.2.b", &c), 0);
	assert_string_equal(c.text, "9E003.a.2.b");
	assert_int_equal(domain_control_parse("9A610.Y.1", &c), 0);
	assert_string_equal(c.text, "9A610.y.1");
}

static void
control_parse_accepts_catch_all_spellings(void **state)
{
	const char *ok[] = { "catch-all", "catch all", "Catch-All",
	    "CATCHALL", "  catch_all\t" };
	struct domain_control c;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(domain_control_parse(ok[i], &c), 0);
		assert_int_equal(c.kind, DOMAIN_CONTROL_CATCH_ALL);
		assert_string_equal(c.text, "catch-all");
	}
	assert_int_equal(domain_control_parse("catch--all", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("catch-all.a", &c), LCN_EINVAL);
}

static void
control_parse_accepts_ear99_and_munitions(void **state)
{
	struct domain_control c;

	(void)state;
	assert_int_equal(domain_control_parse("ear99", &c), 0);
	assert_int_equal(c.kind, DOMAIN_CONTROL_EAR99);
	assert_string_equal(c.text, "EAR99");
	assert_int_equal(domain_control_parse("ml10.A", &c), 0);
	assert_int_equal(c.kind, DOMAIN_CONTROL_MUNITIONS);
	assert_string_equal(c.text, "ML10.a");
	assert_int_equal(domain_control_parse("ML1", &c), 0);
	assert_int_equal(domain_control_parse("ML22", &c), 0);
	assert_int_equal(domain_control_parse("ML23", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("ML0", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("ML05", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("ML100", &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("EAR99.a", &c), LCN_EINVAL);
}

static void
control_parse_rejects_malformed_and_zeroes_output(void **state)
{
	const char *bad[] = { "", "   ", "3", "3A00", "3A0011", "3F001",
	    "A3001", "3A001.", "3A001..b", "3A001.b.", ".3A001", "3A001b",
	    "3A001.b-1", "3A001/b", "3A001.\xc3\xa9", "3A001.b\x01",
	    "3A001.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "EAR 9 9 9" };
	struct domain_control c;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0xa5, sizeof(c));
		assert_int_equal(domain_control_parse(bad[i], &c), LCN_EINVAL);
		assert_int_equal(c.kind, DOMAIN_CONTROL_NONE);
		assert_int_equal(c.text[0], '\0');
	}
	assert_int_equal(domain_control_parse(NULL, &c), LCN_EINVAL);
	assert_int_equal(domain_control_parse("3A001", NULL), LCN_EINVAL);
}

static void
control_parse_accepts_exact_fit_and_rejects_one_more(void **state)
{
	char	 s[DOMAIN_CONTROL_MAX + 2];
	struct domain_control c;

	(void)state;
	memset(s, 'a', sizeof(s));
	memcpy(s, "3A001.", 6);
	s[DOMAIN_CONTROL_MAX] = '\0';
	assert_int_equal(domain_control_parse(s, &c), 0);
	assert_int_equal(strlen(c.text), DOMAIN_CONTROL_MAX);
	s[DOMAIN_CONTROL_MAX] = 'a';
	s[DOMAIN_CONTROL_MAX + 1] = '\0';
	assert_int_equal(domain_control_parse(s, &c), LCN_EINVAL);
	assert_int_equal(c.kind, DOMAIN_CONTROL_NONE);
}

static void
controls_overlap_at_entry_boundaries(void **state)
{
	(void)state;
	assert_true(domain_controls_overlap("3A001.b", "3A001.b.1"));
	assert_true(domain_controls_overlap("3A001.b.1", "3A001.b"));
	assert_true(domain_controls_overlap("3A001", "3A001.b.1.a"));
	assert_true(domain_controls_overlap("3A001.b.1", "3A001.b.1"));
	assert_true(domain_controls_overlap("3a001.B.1", " 3A001 .b"));
	assert_false(domain_controls_overlap("3A001.b", "3A001.bb"));
	assert_false(domain_controls_overlap("3A001", "3A0011"));
	assert_false(domain_controls_overlap("3A001.b.1", "3A001.b.2"));
	assert_false(domain_controls_overlap("3A001.b", "3A001.a.1"));
	assert_false(domain_controls_overlap("3A001", "3A002"));
	assert_false(domain_controls_overlap("ML1", "ML10"));
	assert_true(domain_controls_overlap("ML10", "ML10.a"));
	assert_false(domain_controls_overlap("ML10", "3A001"));
}

static void
controls_catch_all_overlaps_only_catch_all(void **state)
{
	(void)state;
	assert_true(domain_controls_overlap("catch-all", "catch all"));
	assert_true(domain_controls_overlap("catch-all", "EAR99"));
	assert_true(domain_controls_overlap("EAR99", "ear99"));
	assert_false(domain_controls_overlap("catch-all", "3A001"));
	assert_false(domain_controls_overlap("3A001.b.1", "catch-all"));
	assert_false(domain_controls_overlap("EAR99", "3A001"));
	assert_false(domain_controls_overlap("catch-all", "ML10"));
}

static void
controls_unparsable_overlap_nothing(void **state)
{
	(void)state;
	assert_false(domain_controls_overlap("3A001.b", "3A001.b."));
	assert_false(domain_controls_overlap("", ""));
	assert_false(domain_controls_overlap(NULL, "3A001"));
	assert_false(domain_controls_overlap("junk", "junk"));
}


/* ---------------------------------------------------------- consultation */

static void
consultation_required_for_nsg_ag_eu(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(domain_consultation("NSG", DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_non_null(strstr(why, "NSG"));
	assert_int_equal(domain_consultation("AG", DOMAIN_BASIS_CATCH_ALL_WMD,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_non_null(strstr(why, "Australia Group"));
	assert_int_equal(domain_consultation("EU",
	    DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE, &why),
	    DOMAIN_CONSULT_REQUIRED);
	assert_non_null(strstr(why, "2021/821"));
	assert_int_equal(domain_consultation(" nuclear suppliers group ",
	    DOMAIN_BASIS_LISTED_ITEM, NULL), DOMAIN_CONSULT_REQUIRED);
	assert_string_equal(domain_consult_name(DOMAIN_CONSULT_REQUIRED),
	    "consult-required");
}

static void
consultation_mtcr_listed_required_catch_all_none(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(domain_consultation("MTCR", DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(domain_consultation("mtcr", DOMAIN_BASIS_UNSPECIFIED,
	    &why), DOMAIN_CONSULT_REQUIRED);
	assert_int_equal(domain_consultation("MTCR",
	    DOMAIN_BASIS_CATCH_ALL_WMD, &why), DOMAIN_CONSULT_NONE);
	assert_non_null(strstr(why, "catch-all"));
	assert_int_equal(domain_consultation("MTCR",
	    DOMAIN_BASIS_CATCH_ALL_EMBARGO, NULL), DOMAIN_CONSULT_NONE);
	assert_int_equal(domain_consultation("MTCR",
	    DOMAIN_BASIS_CATCH_ALL_MILITARY_END_USE, NULL),
	    DOMAIN_CONSULT_NONE);
	assert_string_equal(domain_consult_name(DOMAIN_CONSULT_NONE), "none");
}

static void
consultation_wassenaar_notifies_after(void **state)
{
	const char *why = NULL;

	(void)state;
	assert_int_equal(domain_consultation("WA", DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_NOTIFY_AFTER);
	assert_non_null(strstr(why, "afterwards"));
	assert_int_equal(domain_consultation("Wassenaar Arrangement",
	    DOMAIN_BASIS_LISTED_ITEM, NULL), DOMAIN_CONSULT_NOTIFY_AFTER);
	assert_string_equal(domain_consult_name(DOMAIN_CONSULT_NOTIFY_AFTER),
	    "notify-after");
}

static void
consultation_unknown_regime_fails_safe(void **state)
{
	const char *unknown[] = { "JP+US", "Quantum-7", "", "  ", "W A",
	    "NSG2" };
	const char *why = NULL;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		why = NULL;
		assert_int_equal(domain_regime_parse(unknown[i]),
		    DOMAIN_REGIME_UNKNOWN);
		assert_int_equal(domain_consultation(unknown[i],
		    DOMAIN_BASIS_CATCH_ALL_WMD, &why),
		    DOMAIN_CONSULT_REQUIRED);
		assert_non_null(strstr(why, "not recognised"));
	}
	assert_int_equal(domain_consultation(NULL, DOMAIN_BASIS_LISTED_ITEM,
	    &why), DOMAIN_CONSULT_REQUIRED);
}

static void
regime_parse_ignores_case_and_space(void **state)
{
	(void)state;
	assert_int_equal(domain_regime_parse("wa"), DOMAIN_REGIME_WA);
	assert_int_equal(domain_regime_parse("\tAustralia group "),
	    DOMAIN_REGIME_AG);
	assert_int_equal(domain_regime_parse("Missile Technology Control "
	    "Regime"), DOMAIN_REGIME_MTCR);
	assert_int_equal(domain_regime_parse("eU"), DOMAIN_REGIME_EU);
	assert_int_equal(domain_regime_parse("NSG"), DOMAIN_REGIME_NSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(control_parse_canonicalises_case_and_space),
		cmocka_unit_test(control_parse_accepts_catch_all_spellings),
		cmocka_unit_test(control_parse_accepts_ear99_and_munitions),
		cmocka_unit_test(
		    control_parse_rejects_malformed_and_zeroes_output),
		cmocka_unit_test(
		    control_parse_accepts_exact_fit_and_rejects_one_more),
		cmocka_unit_test(controls_overlap_at_entry_boundaries),
		cmocka_unit_test(controls_catch_all_overlaps_only_catch_all),
		cmocka_unit_test(controls_unparsable_overlap_nothing),
		cmocka_unit_test(consultation_required_for_nsg_ag_eu),
		cmocka_unit_test(
		    consultation_mtcr_listed_required_catch_all_none),
		cmocka_unit_test(consultation_wassenaar_notifies_after),
		cmocka_unit_test(consultation_unknown_regime_fails_safe),
		cmocka_unit_test(regime_parse_ignores_case_and_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
