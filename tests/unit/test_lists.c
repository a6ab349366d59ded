/*
 * The list readers' common ground: format names, the country table, the
 * CSV reader's traps (quotes, line ends, the DOS EOF byte, limits, Latin-1,
 * truncation at every byte) and list_read()'s contract for bad rows,
 * missing and empty files, bad arguments, a callback that stops the read
 * and mutated input. The formats themselves are in test_list_formats.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "country.h"
#include "lcn_err.h"
#include "lists.h"
#include "test_lists_fx.h"

static void
format_parse_accepts_known_names_only(void **state)
{
	enum list_format f = LIST_CSL;

	(void)state;
	assert_int_equal(list_format_parse("ofac-sdn", &f), 0);
	assert_int_equal(f, LIST_OFAC_SDN);
	assert_int_equal(list_format_parse("UN-XML", &f), 0);
	assert_int_equal(f, LIST_UN_XML);
	assert_int_equal(list_format_parse("bis-dpl", &f), 0);
	assert_int_equal(f, LIST_BIS_DPL);
	assert_int_equal(list_format_parse("csl", &f), 0);
	assert_int_equal(f, LIST_CSL);
	assert_int_equal(list_format_parse("lite-denials", &f), 0);
	assert_int_equal(f, LIST_LITE_DENIALS);
	assert_int_equal(list_format_parse("xlsx", &f), LCN_EINVAL);
	assert_int_equal(list_format_parse("", &f), LCN_EINVAL);
	assert_int_equal(list_format_parse(NULL, &f), LCN_EINVAL);
	assert_int_equal(f, LIST_LITE_DENIALS);
	assert_string_equal(list_format_name(LIST_UN_XML), "un-xml");
}

static void
country_names_map_to_iso2(void **state)
{
	static const char *const cases[][2] = {
		{ "Iran (Islamic Republic of)", "IR" },
		{ "Democratic People's Republic of Korea", "KP" },
		{ "Korea, North", "KP" },
		{ "Korea, South", "KR" },
		{ "Democratic Republic of the Congo", "CD" },
		{ "Congo, Democratic Republic of the", "CD" },
		{ "Congo, Republic of the", "CG" },
		{ "Congo", "CG" },
		{ "Syrian Arab Republic", "SY" },
		{ "United Kingdom of Great Britain and Northern Ireland",
		    "GB" },
		{ "Russian Federation", "RU" },
		{ "Türkiye", "TR" },
		{ "Turkey", "TR" },
		{ "Viet Nam", "VN" },
		{ "State of Palestine", "PS" },
		{ "China, Hong Kong Special Administrative Region", "HK" },
		{ "Cote d Ivoire", "CI" },
		{ "Côte d’Ivoire", "CI" },
		{ "Bahamas, The", "BS" },
		{ "The Gambia", "GM" },
		{ "Virgin Islands, British", "VG" },
		{ "Saint Vincent and the Grenadines", "VC" },
		{ "Saint Kitts and Nevis", "KN" },
		{ "Trinidad and Tobago", "TT" },
		{ "Burma", "MM" },
		{ "Macau", "MO" },
		{ "Region: Crimea", "UA" },
		{ "United States of America", "US" },
		{ "PRC", "CN" },
		{ "GERMANY", "DE" },
		{ "GB", "GB" },
		{ "Kosovo", "XK" },
	};
	static const char *const unknown[] = {
		"undetermined", "na", "NM", "former Soviet Union",
		"Country Name", "", "  ", "Netherlands Antilles",
		"\xff\xfe not utf-8",
	};
	char iso[3];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		if (list_country_iso2(cases[i][0], iso) != 0 ||
		    strcmp(iso, cases[i][1]) != 0)
			fail_msg("\"%s\" gave \"%s\", expected %s",
			    cases[i][0], iso, cases[i][1]);
	}
	for (i = 0; i < sizeof(unknown) / sizeof(*unknown); i++) {
		assert_int_equal(list_country_iso2(unknown[i], iso),
		    LCN_ENOTFOUND);
		assert_string_equal(iso, "");
	}
}

static void
country_alpha2_valid_takes_upper_case_iso_codes_only(void **state)
{
	static const char *const good[] = { "AE", "JP", "US", "GB", "KP" };
	static const char *const bad[] = {
		"ae", "Ae", "ARE", "A", "", "United Arab Emirates", "Japan",
		"UK", "ZZ", "AA", "A1", "AE ", " AE", "\xc3\x84" "E",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (!country_alpha2_valid(good[i]))
			fail_msg("\"%s\" rejected", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (country_alpha2_valid(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(country_alpha2_valid(NULL));
}

static void
check_trap_36(const struct list_party *p)
{
	assert_string_equal(p->name, "AEROCARIBBEAN AIRLINES");
	/* "-0- " is empty: an entity, no remarks, no call sign. */
	assert_int_equal(p->kind, LIST_KIND_ENTITY);
	assert_null(p->remarks);
	assert_int_equal(p->nidents, 0);
	assert_int_equal(p->line, 1);
}

static void
check_trap_173(const struct list_party *p)
{
	assert_string_equal(p->name, "ANGLO-CARIBBEAN CO., LTD.");
	assert_string_equal(p->programs, "CUBA");
	assert_int_equal(p->line, 2);
}

static void
check_trap_306(const struct list_party *p)
{
	assert_string_equal(p->name, "BANCO \"NACIONAL\" DE CUBA");
	assert_string_equal(p->remarks, "a.k.a. 'BNC'.");
	assert_int_equal(p->line, 3);
}

static void
ofac_handles_dash_zero_crlf_dos_eof_quoted_commas_and_quotes(void **state)
{
	struct want want[] = {
		{ "36", NULL, check_trap_36, 0 },
		{ "173", NULL, check_trap_173, 0 },
		{ "306", NULL, check_trap_306, 0 },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];
	const char *path;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = 3;
	rm("alt.csv");
	rm("add.csv");
	path = put("sdn.csv", sdn3, sizeof(sdn3) - 1);
	assert_int_equal(read_list(LIST_OFAC_SDN, path, &s, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(st.parties, 3);
	assert_int_equal(st.bad_rows, 0);
	/* alt.csv and add.csv are optional. */
	assert_int_equal(st.aux_files, 0);
	assert_int_equal(st.bytes_read, sizeof(sdn3) - 1);
	assert_all_found(&s);
}

static void
ofac_reads_lf_only_and_no_dos_eof_alike(void **state)
{
	static const char lf[] =
	    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,"
	    "-0- ,-0- ,-0- ,-0-\n"
	    "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0-,\"CUBA\",-0-,-0-,-0-,-0-,"
	    "-0-,-0-,-0-,-0-";
	struct seen s;
	struct list_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	rm("alt.csv");
	rm("add.csv");
	assert_int_equal(read_list(LIST_OFAC_SDN, put("sdn.csv", lf,
	    sizeof(lf) - 1), &s, &st, NULL, 0), 0);
	assert_int_equal(st.parties, 2);
	assert_int_equal(st.bad_rows, 0);
}

static void
bad_row_is_skipped_counted_and_reported_with_its_line(void **state)
{
	static const char sdn[] =
	    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,"
	    "-0- ,-0- ,-0- ,-0- \r\n"
	    "37,\"TOO FEW\",-0- \r\n"
	    "x38,\"BAD NUMBER\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
	    "-0- ,-0- \r\n"
	    "39,\"QUOTE\"X,-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
	    "-0- \r\n"
	    "40,-0- ,-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
	    "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,"
	    "-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";
	struct seen s;
	struct list_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	rm("alt.csv");
	rm("add.csv");
	assert_int_equal(read_list(LIST_OFAC_SDN, put("sdn.csv", sdn,
	    sizeof(sdn) - 1), &s, &st, NULL, 0), 0);
	assert_int_equal(st.rows, 6);
	assert_int_equal(st.parties, 2);
	assert_int_equal(st.bad_rows, 4);
	assert_int_equal(s.bad_calls, 4);
	assert_int_equal(s.bad_line, 2);
	assert_string_equal(s.bad_reason, "3 fields, expected 12");
	assert_non_null(strstr(st.first_bad, "sdn.csv:2: 3 fields"));
}

static void
truncated_file_loses_only_its_last_record(void **state)
{
	struct seen s;
	struct list_stats st;
	const char *cut;
	size_t n;

	(void)state;
	rm("alt.csv");
	rm("add.csv");
	/* Cut inside the last quoted field: an unterminated quote. */
	cut = strstr(sdn3, "a.k.a.");
	n = (size_t)(cut - sdn3);
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_OFAC_SDN, put("sdn.csv", sdn3, n), &s,
	    &st, NULL, 0), 0);
	assert_int_equal(st.parties, 2);
	assert_int_equal(st.bad_rows, 1);
	assert_non_null(strstr(st.first_bad, "sdn.csv:3: unterminated"));
	/* Cut between fields. */
	cut = strstr(sdn3, "\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a");
	n = (size_t)(cut - sdn3);
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_OFAC_SDN, put("sdn.csv", sdn3, n), &s,
	    &st, NULL, 0), 0);
	assert_int_equal(st.parties, 2);
	assert_int_equal(st.bad_rows, 1);
}

static void
truncated_at_every_byte_never_fails_badly(void **state)
{
	struct seen s;
	struct list_stats st;
	size_t n;
	int r;

	(void)state;
	rm("alt.csv");
	rm("add.csv");
	for (n = 0; n < sizeof(sdn3) - 1; n++) {
		memset(&s, 0, sizeof(s));
		r = read_list(LIST_OFAC_SDN, put("sdn.csv", sdn3, n), &s, &st,
		    NULL, 0);
		assert_true(r == 0 || r == LCN_EPROTO);
		assert_true(st.parties <= 3);
		assert_int_equal(st.parties, s.parties);
		assert_true(st.parties + st.bad_rows == st.rows);
		if (r == LCN_EPROTO)
			assert_int_equal(st.parties, 0);
	}
}

static void
empty_files_are_rejected_naming_the_file(void **state)
{
	static const struct {
		enum list_format fmt;
		const char *name;
	} f[] = {
		{ LIST_OFAC_SDN, "sdn.csv" },
		{ LIST_UN_XML, "un.xml" },
		{ LIST_BIS_DPL, "dpl.txt" },
		{ LIST_CSL, "csl.csv" },
		{ LIST_LITE_DENIALS, "lite.csv" },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];
	const char *path;
	size_t i;

	(void)state;
	rm("alt.csv");
	rm("add.csv");
	for (i = 0; i < sizeof(f) / sizeof(*f); i++) {
		memset(&s, 0, sizeof(s));
		path = put(f[i].name, "", 0);
		assert_int_equal(read_list(f[i].fmt, path, &s, &st, err,
		    sizeof(err)), LCN_EPROTO);
		assert_non_null(strstr(err, path));
		assert_int_equal(s.parties, 0);
	}
	/* Only the DOS EOF byte: still no record. */
	memset(&s, 0, sizeof(s));
	path = put("sdn.csv", "\x1a", 1);
	assert_int_equal(read_list(LIST_OFAC_SDN, path, &s, &st, err,
	    sizeof(err)), LCN_EPROTO);
}

static void
missing_file_is_an_io_error_naming_the_file(void **state)
{
	static const enum list_format f[] = { LIST_OFAC_SDN, LIST_UN_XML,
	    LIST_BIS_DPL, LIST_CSL, LIST_LITE_DENIALS };
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX], path[256];
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-file.csv", fx_tmpdir);
	for (i = 0; i < sizeof(f) / sizeof(*f); i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(read_list(f[i], path, &s, &st, err,
		    sizeof(err)), LCN_EIO);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "No such file"));
	}
}

static void
field_over_limit_is_a_bad_row(void **state)
{
	struct seen s;
	struct list_stats st;
	char *buf;
	size_t n = LIST_FIELD_MAX + 100, off;

	(void)state;
	assert_non_null(buf = malloc(n + 100));
	off = (size_t)snprintf(buf, 100, "reference,name\nDN1,\"");
	memset(buf + off, 'A', LIST_FIELD_MAX + 1);
	off += LIST_FIELD_MAX + 1;
	off += (size_t)snprintf(buf + off, 100, "\"\nDN2,OK\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_LITE_DENIALS, put("l.csv", buf, off),
	    &s, &st, NULL, 0), 0);
	free(buf);
	assert_int_equal(st.parties, 1);
	assert_int_equal(st.bad_rows, 1);
	assert_string_equal(s.bad_reason, "field over LIST_FIELD_MAX bytes");
}

static void
check_latin1(const struct list_party *p)
{
	assert_string_equal(p->name, "Soci\xc3\xa9t\xc3\xa9 X");
}

static void
latin1_field_is_reencoded_as_utf8(void **state)
{
	static const char lite[] = "reference,name\nDN1,Soci\xe9t\xe9 X\n";
	struct want want[] = { { "DN1", NULL, check_latin1, 0 } };
	struct seen s;
	struct list_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = 1;
	assert_int_equal(read_list(LIST_LITE_DENIALS, puts_("l.csv", lite),
	    &s, &st, NULL, 0), 0);
	assert_int_equal(st.parties, 1);
	assert_int_equal(st.recoded, 1);
	assert_all_found(&s);
}

static void
all_bad_rows_mean_the_wrong_format(void **state)
{
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	rm("alt.csv");
	rm("add.csv");
	memset(&s, 0, sizeof(s));
	/* The DPL given as OFAC: every row has the wrong field count. */
	assert_int_equal(read_list(LIST_OFAC_SDN, DATA "dpl.txt", &s, &st,
	    err, sizeof(err)), LCN_EPROTO);
	assert_non_null(strstr(err, "no record could be read"));
	assert_int_equal(s.parties, 0);
}

static void
callback_can_stop_the_read(void **state)
{
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.stop_after = 10;
	assert_int_equal(read_list(LIST_UN_XML, DATA "UN_consolidated.xml",
	    &s, &st, err, sizeof(err)), 99);
	assert_int_equal(s.parties, 10);
	assert_non_null(strstr(err, "stopped by the caller"));
	memset(&s, 0, sizeof(s));
	s.stop_after = 10;
	assert_int_equal(read_list(LIST_OFAC_SDN, DATA "sdn.csv", &s, &st,
	    err, sizeof(err)), 99);
	assert_int_equal(s.parties, 10);
}

static void
read_rejects_bad_arguments(void **state)
{
	struct list_ops none = { NULL, NULL, NULL, NULL };
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	assert_int_equal(list_read(LIST_CSL, DATA "csl.csv", &none, &st, err,
	    sizeof(err)), LCN_EINVAL);
	assert_int_equal(list_read(LIST_CSL, NULL, &none, NULL, NULL, 0),
	    LCN_EINVAL);
	assert_int_equal(list_read((enum list_format)42, DATA "csl.csv",
	    &(struct list_ops){ on_party, NULL, NULL, NULL }, &st, err,
	    sizeof(err)), LCN_EINVAL);
}

/* Bit flips over small files of each format, for ASan and UBSan. */
static void
mutated_inputs_never_crash(void **state)
{
	static const char csl[] =
	    "source,name,alt_names,addresses,ids,type\n"
	    "SDN,\"ACME, LTD\",\"A1; A2\",\"1 Road, Town, DE; FR\","
	    "\"US, 12-3, Tax ID No.; 9, X -\",Entity\n";
	static const char xml[] =
	    "<?xml version=\"1.0\"?><CONSOLIDATED_LIST><INDIVIDUALS>"
	    "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>R"
	    "</REFERENCE_NUMBER><NATIONALITY><VALUE>Iran</VALUE>"
	    "</NATIONALITY><INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY>"
	    "<ALIAS_NAME>B</ALIAS_NAME></INDIVIDUAL_ALIAS>"
	    "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
	static const struct {
		enum list_format fmt;
		const char *name;
		const char *data;
		size_t len;
	} in[] = {
		{ LIST_OFAC_SDN, "sdn.csv", sdn3, sizeof(sdn3) - 1 },
		{ LIST_CSL, "m.csv", csl, sizeof(csl) - 1 },
		{ LIST_UN_XML, "m.xml", xml, sizeof(xml) - 1 },
	};
	struct seen s;
	struct list_stats st;
	char buf[1024];
	size_t i, pos;
	int bit, r;

	(void)state;
	rm("alt.csv");
	rm("add.csv");
	srand(1);
	for (i = 0; i < sizeof(in) / sizeof(*in); i++) {
		for (pos = 0; pos < in[i].len; pos += 3) {
			memcpy(buf, in[i].data, in[i].len);
			bit = rand() % 8;
			buf[pos] ^= (char)(1 << bit);
			memset(&s, 0, sizeof(s));
			r = read_list(in[i].fmt, put(in[i].name, buf,
			    in[i].len), &s, &st, NULL, 0);
			assert_true(r == 0 || r == LCN_EPROTO);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_parse_accepts_known_names_only),
		cmocka_unit_test(country_names_map_to_iso2),
		cmocka_unit_test(
		    country_alpha2_valid_takes_upper_case_iso_codes_only),
		cmocka_unit_test(
		ofac_handles_dash_zero_crlf_dos_eof_quoted_commas_and_quotes),
		cmocka_unit_test(ofac_reads_lf_only_and_no_dos_eof_alike),
		cmocka_unit_test(
		    bad_row_is_skipped_counted_and_reported_with_its_line),
		cmocka_unit_test(truncated_file_loses_only_its_last_record),
		cmocka_unit_test(truncated_at_every_byte_never_fails_badly),
		cmocka_unit_test(empty_files_are_rejected_naming_the_file),
		cmocka_unit_test(missing_file_is_an_io_error_naming_the_file),
		cmocka_unit_test(field_over_limit_is_a_bad_row),
		cmocka_unit_test(latin1_field_is_reencoded_as_utf8),
		cmocka_unit_test(all_bad_rows_mean_the_wrong_format),
		cmocka_unit_test(callback_can_stop_the_read),
		cmocka_unit_test(read_rejects_bad_arguments),
		cmocka_unit_test(mutated_inputs_never_crash),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
