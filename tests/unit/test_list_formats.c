/*
 * The list formats: the real files in tests/data read with the counts given
 * in tests/data/SOURCES.md and a few records checked field by field (OFAC
 * SDN with its alt and add files, UN XML, BIS DPL, CSL, LITE denials), then
 * what each format's reader must reject or join: alt and add rows in any
 * order, malformed and truncated XML, header columns matched by name, LITE
 * flags. The CSV reader and list_read()'s contract are in test_lists.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lcn_err.h"
#include "lists.h"
#include "test_lists_fx.h"

static void
check_sdn_306(const struct list_party *p)
{
	assert_string_equal(p->source, "OFAC SDN");
	assert_string_equal(p->name, "BANCO NACIONAL DE CUBA");
	assert_int_equal(p->kind, LIST_KIND_ENTITY);
	assert_string_equal(p->programs, "CUBA");
	assert_string_equal(p->remarks, "a.k.a. 'BNC'.");
	assert_int_equal(p->naliases, 1);
	assert_string_equal(p->aliases[0].name, "NATIONAL BANK OF CUBA");
	assert_int_equal(p->aliases[0].type, LIST_AKA);
	assert_int_equal(p->aliases[0].weak, 0);
	assert_int_equal(p->naddresses, 4);
	assert_string_equal(p->addresses[0].text,
	    "Zweierstrasse 35, Zurich CH-8022");
	assert_string_equal(p->addresses[0].country_name, "Switzerland");
	assert_string_equal(p->addresses[0].country, "CH");
	assert_string_equal(p->addresses[2].text, "Dai-Ichi Bldg. 6th Floor, "
	    "10-2 Nihombashi, 2-chome, Chuo-ku, Tokyo 103");
	assert_string_equal(p->addresses[3].country, "PA");
	assert_int_equal(p->ncountries, 4);
	assert_string_equal(p->country, "CH");
	assert_string_equal(p->countries[1], "ES");
	assert_null(p->name_local);
	assert_null(p->denial);
}

static void
check_sdn_15036(const struct list_party *p)
{
	size_t i;
	int imo = 0;

	assert_string_equal(p->name, "ARTAVIL");
	assert_int_equal(p->kind, LIST_KIND_VESSEL);
	assert_string_equal(p->programs, "IRAN");
	assert_int_equal(p->naliases, 2);
	assert_string_equal(p->aliases[0].name, "ABADAN");
	assert_int_equal(p->aliases[0].type, LIST_FKA);
	assert_string_equal(p->aliases[1].name, "SHONA");
	/* add.csv has one all "-0-" row for it: no address. */
	assert_int_equal(p->naddresses, 0);
	assert_null(p->country);
	for (i = 0; i < p->nidents; i++) {
		if (strcmp(p->idents[i].type, "Call Sign") == 0)
			assert_string_equal(p->idents[i].value, "T2EU4");
		if (strcmp(p->idents[i].type,
		    "Vessel Registration Identification") == 0) {
			assert_string_equal(p->idents[i].value,
			    "IMO 9187629");
			imo = 1;
		}
	}
	assert_true(imo);
}

static void
check_sdn_2676(const struct list_party *p)
{
	assert_string_equal(p->name, "AL ZAWAHIRI, Dr. Ayman");
	assert_int_equal(p->kind, LIST_KIND_PERSON);
	assert_string_equal(p->programs, "SDGT");
	assert_int_equal(p->naliases, 3);
	assert_string_equal(p->aliases[2].name,
	    "AL-ZAWAHIRI, Aiman Muhammad Rabi");
	assert_int_equal(p->nidents, 2);
	assert_string_equal(p->idents[0].type, "Passport");
	assert_string_equal(p->idents[0].value, "1084010");
	assert_string_equal(p->idents[0].country, "EG");
	assert_string_equal(p->idents[1].value, "19820215");
	assert_null(p->idents[1].country);
}

static void
check_sdn_programs(const struct list_party *p)
{
	/* "SDGT] [SYRIA" in the file. */
	assert_string_equal(p->programs, "SDGT; SYRIA");
	assert_string_equal(p->idents[0].value, "042833");
	assert_string_equal(p->idents[0].country, "LB");
}

static void
check_sdn_9754(const struct list_party *p)
{
	/* "nationality Iran" in the remarks; addresses in IR, PK, AE. */
	assert_int_equal(p->naliases, 5);
	assert_string_equal(p->aliases[1].name, "NAWA'EE, Ali");
	assert_int_equal(p->naddresses, 3);
	assert_null(p->addresses[0].text);
	assert_string_equal(p->addresses[1].text, "Karachi");
	assert_int_equal(p->ncountries, 3);
	assert_string_equal(p->countries[0], "IR");
	assert_string_equal(p->countries[1], "PK");
	assert_string_equal(p->countries[2], "AE");
	assert_int_equal(p->nidents, 0);
}

static void
ofac_sdn_reads_8976_entries_joined_with_alt_and_add(void **state)
{
	struct want want[] = {
		{ "9754", NULL, check_sdn_9754, 0 },
		{ "306", NULL, check_sdn_306, 0 },
		{ "15036", NULL, check_sdn_15036, 0 },
		{ "2676", NULL, check_sdn_2676, 0 },
		{ "2686", NULL, check_sdn_programs, 0 },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = sizeof(want) / sizeof(*want);
	assert_non_null(s.refs = calloc(9000, sizeof(*s.refs)));
	assert_int_equal(read_list(LIST_OFAC_SDN, DATA "sdn.csv", &s, &st,
	    err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(st.rows, 8976);
	assert_int_equal(st.parties, 8976);
	assert_int_equal(s.parties, 8976);
	assert_int_equal(s.kinds[LIST_KIND_PERSON], 4620);
	assert_int_equal(s.kinds[LIST_KIND_ENTITY], 3673);
	assert_int_equal(s.kinds[LIST_KIND_VESSEL], 406);
	assert_int_equal(s.kinds[LIST_KIND_AIRCRAFT], 277);
	assert_int_equal(st.aliases, 11910);
	assert_int_equal(s.aliases, 11910);
	assert_int_equal(s.fka, 369);
	assert_int_equal(st.aux_files, 2);
	assert_int_equal(st.orphans, 0);
	assert_int_equal(st.bad_rows, 0);
	assert_int_equal(s.bad_calls, 0);
	assert_string_equal(st.first_bad, "");
	assert_int_equal(st.bytes_total, 2013896);
	assert_int_equal(st.bytes_read, 2013896);
	assert_true(s.progress_calls > 10);
	assert_int_equal(s.last_done, 2013896);
	assert_int_equal(s.last_total, 2013896);
	assert_all_found(&s);
	assert_refs_unique(&s, 0);
}

static void
check_un_fitouri(const struct list_party *p)
{
	size_t i;

	assert_string_equal(p->source, "UN");
	assert_string_equal(p->list, "Libya");
	assert_string_equal(p->name, "Ahmad Oumar Imhamad al-Fitouri");
	assert_string_equal(p->name_local,
	    "\xd8\xa7\xd8\xad\xd9\x85\xd8\xaf \xd8\xb9\xd9\x85\xd8\xb1 "
	    "\xd8\xa7\xd9\x85\xd8\xad\xd9\x85\xd8\xaf "
	    "\xd8\xa7\xd9\x84\xd9\x81\xd9\x8a\xd8\xaa\xd9\x88\xd8\xb1"
	    "\xd9\x8a");
	assert_int_equal(p->kind, LIST_KIND_PERSON);
	assert_string_equal(p->start_date, "2018-06-07");
	assert_int_equal(p->naliases, 5);
	for (i = 0; i < p->naliases; i++)
		assert_int_equal(p->aliases[i].weak, 1);
	assert_string_equal(p->aliases[0].name, "Al-Dabachi");
	assert_string_equal(p->aliases[2].name, "The Uncle");
	assert_int_equal(p->naddresses, 2);
	assert_string_equal(p->addresses[0].text, "Garabulli");
	assert_string_equal(p->addresses[0].country, "LY");
	assert_string_equal(p->country, "LY");
	assert_int_equal(p->ncountries, 1);
	assert_int_equal(p->nidents, 2);
	assert_string_equal(p->idents[0].type, "Passport");
	assert_string_equal(p->idents[0].value, "LY53FP76");
	assert_string_equal(p->idents[0].country, "LY");
	assert_string_equal(p->idents[1].type,
	    "National Identification Number");
	assert_string_equal(p->idents[1].value, "119880387067");
	assert_non_null(strstr(p->remarks, "resolution 1970"));
}

static void
check_un_adf(const struct list_party *p)
{
	assert_string_equal(p->name, "ADF");
	assert_int_equal(p->kind, LIST_KIND_ENTITY);
	assert_int_equal(p->naliases, 4);
	assert_string_equal(p->aliases[0].name, "Allied Democratic Forces");
	assert_int_equal(p->aliases[0].type, LIST_AKA);
	assert_int_equal(p->aliases[1].type, LIST_FKA);
	assert_string_equal(p->aliases[1].name, "Forces D\xc3\xa9mocratiques "
	    "Alli\xc3\xa9""es-Arm\xc3\xa9""e Nationale de Lib\xc3\xa9ration "
	    "de l\xe2\x80\x99Ouganda");
	assert_int_equal(p->aliases[1].weak, 0);
	assert_int_equal(p->naddresses, 1);
	assert_string_equal(p->addresses[0].text, "North Kivu");
	assert_string_equal(p->addresses[0].country_name,
	    "Democratic Republic of the Congo");
	assert_string_equal(p->country, "CD");
}

static void
check_un_badege(const struct list_party *p)
{
	/* Nationality first, then the address country. */
	assert_string_equal(p->name, "ERIC BADEGE");
	assert_int_equal(p->naliases, 0);
	assert_int_equal(p->ncountries, 2);
	assert_string_equal(p->countries[0], "CD");
	assert_string_equal(p->countries[1], "RW");
	assert_null(p->addresses[0].text);
}

static void
un_xml_reads_730_individuals_and_273_entities(void **state)
{
	struct want want[] = {
		{ "LYi.023", NULL, check_un_fitouri, 0 },
		{ "CDe.001", NULL, check_un_adf, 0 },
		{ "CDi.001", NULL, check_un_badege, 0 },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = 3;
	assert_non_null(s.refs = calloc(1100, sizeof(*s.refs)));
	assert_int_equal(read_list(LIST_UN_XML, DATA "UN_consolidated.xml",
	    &s, &st, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(st.parties, 1003);
	assert_int_equal(s.kinds[LIST_KIND_PERSON], 730);
	assert_int_equal(s.kinds[LIST_KIND_ENTITY], 273);
	/* Named aliases: 2,139 of individuals, 613 of entities. */
	assert_int_equal(s.aliases, 2752);
	assert_int_equal(s.weak, 615);
	assert_int_equal(s.fka, 19);
	assert_int_equal(s.local, 378);
	assert_int_equal(st.bad_rows, 0);
	assert_int_equal(st.bytes_total, 2030620);
	assert_int_equal(s.last_done, 2030620);
	assert_all_found(&s);
	assert_refs_unique(&s, 0);
}

static void
check_dpl_johnson_hu(const struct list_party *p)
{
	assert_string_equal(p->source, "BIS DPL");
	assert_int_equal(p->kind, LIST_KIND_UNKNOWN);
	assert_int_equal(p->naddresses, 1);
	assert_string_equal(p->addresses[0].text, "#602, NO. 39, NONG #78, "
	    "SHOU GUANG ROAD, PU DONG SHANGHAI");
	assert_string_equal(p->addresses[0].country_name, "PRC");
	assert_string_equal(p->country, "CN");
	assert_string_equal(p->start_date, "2016-02-03");
	assert_string_equal(p->end_date, "2024-07-24");
	assert_string_equal(p->legal_basis, "81 F.R. 7304 2/11/16");
	assert_string_equal(p->remarks, "FR NOTICE ADDED");
	assert_true(strncmp(p->ref, "dpl:", 4) == 0);
	assert_int_equal(strlen(p->ref), 4 + 16);
}

static void
check_dpl_villa(const struct list_party *p)
{
	/* Country "" in the file. */
	assert_string_equal(p->addresses[0].text,
	    "3415 RIVERA AVENUE, EL PASO, TX, 79905");
	assert_null(p->addresses[0].country_name);
	assert_null(p->country);
	assert_int_equal(p->line, 3);
}

static void
bis_dpl_reads_581_rows(void **state)
{
	struct want want[] = {
		{ NULL, "JOHNSON HU", check_dpl_johnson_hu, 0 },
		{ NULL, "AARON ABRAHAM VILLA", check_dpl_villa, 0 },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = 2;
	assert_non_null(s.refs = calloc(600, sizeof(*s.refs)));
	assert_int_equal(read_list(LIST_BIS_DPL, DATA "dpl.txt", &s, &st,
	    err, sizeof(err)), 0);
	assert_int_equal(st.rows, 581);
	assert_int_equal(st.parties, 581);
	assert_int_equal(st.addresses, 581);
	assert_int_equal(st.bad_rows, 0);
	assert_all_found(&s);
	/* dpl.txt repeats two rows byte for byte. */
	assert_refs_unique(&s, 2);
}

static void
check_csl_2904977(const struct list_party *p)
{
	assert_string_equal(p->source, "CSL");
	assert_string_equal(p->list,
	    "Specially Designated Nationals (SDN) - Treasury Department");
	assert_string_equal(p->name, "2904977 CANADA, INC.");
	assert_int_equal(p->kind, LIST_KIND_ENTITY);
	assert_string_equal(p->programs, "CUBA");
	assert_int_equal(p->naliases, 2);
	assert_string_equal(p->aliases[0].name, "CARIBE SOL");
	assert_string_equal(p->aliases[1].name, "HAVANTUR CANADA INC.");
	assert_int_equal(p->naddresses, 1);
	assert_string_equal(p->addresses[0].text,
	    "818 rue Sherbrooke East, Montreal, Quebec, H2L 1K3");
	assert_string_equal(p->addresses[0].country, "CA");
	assert_string_equal(p->country, "CA");
}

static void
check_csl_200g(const struct list_party *p)
{
	assert_int_equal(p->nidents, 1);
	assert_string_equal(p->idents[0].type, "Tax ID No.");
	assert_string_equal(p->idents[0].value, "80-0890696");
	assert_string_equal(p->idents[0].country, "US");
}

static void
check_csl_3k(const struct list_party *p)
{
	/* Entity List: no entity number, two addresses in Turkey. */
	assert_true(strncmp(p->ref, "csl:", 4) == 0);
	assert_string_equal(p->legal_basis, "83 FR 44824");
	assert_string_equal(p->start_date, "2018-09-04");
	assert_int_equal(p->naddresses, 2);
	assert_string_equal(p->addresses[1].country, "TR");
	assert_int_equal(p->ncountries, 1);
	assert_int_equal(p->naliases, 1);
}

static void
check_csl_54th(const struct list_party *p)
{
	/* The address is just "CN". */
	assert_int_equal(p->naddresses, 1);
	assert_null(p->addresses[0].text);
	assert_string_equal(p->addresses[0].country, "CN");
	assert_int_equal(p->naliases, 3);
}

static void
csl_reads_115_rows(void **state)
{
	struct want want[] = {
		{ "8124", NULL, check_csl_2904977, 0 },
		{ "20264", NULL, check_csl_200g, 0 },
		{ NULL, "3K Aviation Consulting and Logistics", check_csl_3k,
		    0 },
		{ NULL, "54th Research Institute of China", check_csl_54th,
		    0 },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = 4;
	assert_non_null(s.refs = calloc(200, sizeof(*s.refs)));
	assert_int_equal(read_list(LIST_CSL, DATA "csl.csv", &s, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(st.rows, 115);
	assert_int_equal(st.parties, 115);
	assert_int_equal(st.aliases, 161);
	assert_int_equal(s.kinds[LIST_KIND_PERSON], 20);
	assert_int_equal(s.kinds[LIST_KIND_ENTITY], 46);
	assert_int_equal(s.kinds[LIST_KIND_VESSEL], 2);
	assert_int_equal(s.kinds[LIST_KIND_UNKNOWN], 47);
	assert_int_equal(st.bad_rows, 0);
	assert_all_found(&s);
	assert_refs_unique(&s, 0);
}

static void
check_lite_catch_all(const struct list_party *p)
{
	const struct list_denial *d = p->denial;

	assert_string_equal(p->source, "LITE");
	assert_string_equal(p->name, "The Widget Company");
	assert_string_equal(p->addresses[0].text,
	    "2 Example Road, Example City");
	assert_string_equal(p->addresses[0].country_name, "Country Name X");
	assert_null(p->addresses[0].country);
	assert_non_null(d);
	assert_string_equal(d->reference, "DN2010/0001");
	assert_string_equal(d->regime_ref, "AB-XY-EF-900");
	assert_string_equal(d->notifying_government, "Example Country");
	assert_string_equal(d->item_list_codes, "catch all");
	assert_int_equal(d->catch_all, 1);
	assert_string_equal(d->item_description, "Extra Large Size Widget");
	assert_string_equal(d->end_use, "Used in unknown industry");
	assert_string_equal(d->reason, "Risk of outcome 4");
	assert_string_equal(d->consignee_name, "Example Name 4");
	assert_string_equal(d->spire_entity_id, "126");
	assert_int_equal(d->end_user, 1);
	assert_int_equal(d->consignee, 0);
	assert_null(d->other_role);
}

static void
check_lite_first(const struct list_party *p)
{
	assert_string_equal(p->denial->item_list_codes, "0A00100");
	assert_int_equal(p->denial->catch_all, 0);
	assert_string_equal(p->name, "Organisation Name");
	assert_int_equal(p->line, 2);
}

static void
lite_denials_reads_4_rows(void **state)
{
	struct want want[] = {
		{ "DN2010/0001", NULL, check_lite_catch_all, 0 },
		{ "DN2000/0000", NULL, check_lite_first, 0 },
	};
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.want = want;
	s.nwant = 2;
	assert_int_equal(read_list(LIST_LITE_DENIALS, DATA "denial_valid.csv",
	    &s, &st, err, sizeof(err)), 0);
	assert_int_equal(st.parties, 4);
	assert_int_equal(st.bad_rows, 0);
	assert_all_found(&s);
}

static void
ofac_joins_alt_and_add_in_any_order_and_counts_orphans(void **state)
{
	static const char alt[] =
	    "306,2,\"fka\",\"BNC TWO\",-0- \r\n"
	    "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n"
	    "306,1,\"aka\",\"NATIONAL BANK OF CUBA\",-0- \r\n"
	    "999,3,\"aka\",\"NOBODY\",-0- \r\n\x1a";
	static const char add[] =
	    "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n"
	    "173,129,\"Ibex House, The Minories\",\"London EC3N 1DY\","
	    "\"United Kingdom\",-0- \r\n"
	    "173,130,-0- ,-0- ,-0- ,-0- \r\n\x1a";
	struct seen s;
	struct list_stats st;
	const char *path;

	(void)state;
	memset(&s, 0, sizeof(s));
	put("alt.csv", alt, sizeof(alt) - 1);
	put("add.csv", add, sizeof(add) - 1);
	path = put("sdn.csv", sdn3, sizeof(sdn3) - 1);
	assert_int_equal(read_list(LIST_OFAC_SDN, path, &s, &st, NULL, 0), 0);
	assert_int_equal(st.aux_files, 2);
	assert_int_equal(st.parties, 3);
	assert_int_equal(st.aliases, 3);
	assert_int_equal(st.addresses, 2);
	assert_int_equal(st.orphans, 1);
	assert_int_equal(s.fka, 1);
	rm("alt.csv");
	rm("add.csv");
}

static void
malformed_xml_is_rejected_with_file_and_line(void **state)
{
	static const char bad[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n"
	    "<DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME>\n"
	    "<REFERENCE_NUMBER>X.1</REFERENCE_NUMBER>\n"
	    "</INDIVIDUAL>\n<INDIVIDUAL>\n<FIRST_NAME>B</SECOND_NAME>\n"
	    "</INDIVIDUAL>\n</INDIVIDUALS>\n</CONSOLIDATED_LIST>\n";
	static const char wrong_root[] =
	    "<?xml version=\"1.0\"?><sdnList><sdnEntry/></sdnList>";
	static const char entity[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "
	    "\"file:///etc/passwd\">]>\n<CONSOLIDATED_LIST><INDIVIDUALS>"
	    "<INDIVIDUAL><FIRST_NAME>A&e;</FIRST_NAME><REFERENCE_NUMBER>R"
	    "</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS>"
	    "</CONSOLIDATED_LIST>";
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];
	const char *path;

	(void)state;
	memset(&s, 0, sizeof(s));
	path = puts_("bad.xml", bad);
	assert_int_equal(read_list(LIST_UN_XML, path, &s, &st, err,
	    sizeof(err)), LCN_EPROTO);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":9: malformed XML"));
	/* libxml2 parses ahead: the first party may or may not come. */
	assert_true(s.parties <= 1);

	memset(&s, 0, sizeof(s));
	path = puts_("root.xml", wrong_root);
	assert_int_equal(read_list(LIST_UN_XML, path, &s, &st, err,
	    sizeof(err)), LCN_EPROTO);
	assert_non_null(strstr(err, "root element <sdnList>"));

	/* An external entity is not loaded. */
	memset(&s, 0, sizeof(s));
	path = puts_("entity.xml", entity);
	(void)read_list(LIST_UN_XML, path, &s, &st, err, sizeof(err));
	assert_true(s.parties <= 1);

	/* A CSV given as XML. */
	memset(&s, 0, sizeof(s));
	path = put("sdn.csv", sdn3, sizeof(sdn3) - 1);
	assert_int_equal(read_list(LIST_UN_XML, path, &s, &st, err,
	    sizeof(err)), LCN_EPROTO);
}

static void
truncated_xml_is_rejected(void **state)
{
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX], *buf;
	const char *path;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(f = fopen(DATA "UN_consolidated.xml", "rb"));
	assert_non_null(buf = malloc(1100000));
	n = fread(buf, 1, 1100000, f);
	fclose(f);
	assert_int_equal(n, 1100000);
	memset(&s, 0, sizeof(s));
	path = put("cut.xml", buf, n);
	free(buf);
	assert_int_equal(read_list(LIST_UN_XML, path, &s, &st, err,
	    sizeof(err)), LCN_EPROTO);
	assert_non_null(strstr(err, "malformed XML"));
	assert_true(s.parties > 100 && s.parties < 1003);
}

static void
header_formats_match_columns_by_name(void **state)
{
	/* Reordered, an extra leading _id column, a BOM, CRLF. */
	static const char csl[] =
	    "\xef\xbb\xbf_id,name,source,alt_names,addresses,type\r\n"
	    "1,\"ACME, LTD\",\"Entity List (EL)\",\"A1; A2\","
	    "\"1 Road, Town, DE; 2 Street, Paris, FR\",Entity\r\n";
	static const char nocol[] = "source,title\r\nx,y\r\n";
	static const char dpl[] =
	    "\"Name\"\t\"Country\"\t\"Effective_Date\"\n"
	    "\"A \"\"B\"\" C\"\t\"GB\"\t\"02/29/2000\"\n"
	    "\"D\"\t\"\"\t\"\"\n";
	struct seen s;
	struct list_stats st;
	char err[LIST_ERR_MAX];
	const char *path;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_CSL, puts_("c.csv", csl), &s, &st,
	    err, sizeof(err)), 0);
	assert_int_equal(st.parties, 1);
	assert_int_equal(st.aliases, 2);
	assert_int_equal(st.addresses, 2);
	assert_int_equal(s.kinds[LIST_KIND_ENTITY], 1);

	memset(&s, 0, sizeof(s));
	path = puts_("n.csv", nocol);
	assert_int_equal(read_list(LIST_CSL, path, &s, &st, err,
	    sizeof(err)), LCN_EPROTO);
	assert_non_null(strstr(err, "no column \"name\""));
	assert_non_null(strstr(err, path));

	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_BIS_DPL, puts_("d.txt", dpl), &s, &st,
	    err, sizeof(err)), 0);
	assert_int_equal(st.parties, 2);

	/* A header and no rows is a valid, empty list. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_LITE_DENIALS, puts_("l.csv",
	    "reference,name\n"), &s, &st, err, sizeof(err)), 0);
	assert_int_equal(st.parties, 0);
}

static void
lite_rejects_a_flag_that_is_not_boolean(void **state)
{
	static const char lite[] =
	    "reference,name,end_user_flag,consignee_flag\n"
	    "DN1,A,TRUE,FALSE\n"
	    "DN2,B,perhaps,FALSE\n"
	    ",C,TRUE,TRUE\n";
	struct seen s;
	struct list_stats st;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(read_list(LIST_LITE_DENIALS, puts_("l.csv", lite),
	    &s, &st, NULL, 0), 0);
	assert_int_equal(st.parties, 1);
	assert_int_equal(st.bad_rows, 2);
	assert_int_equal(s.bad_line, 3);
	assert_non_null(strstr(s.bad_reason, "not TRUE or FALSE"));
	assert_non_null(strstr(st.first_bad, "l.csv:3: end_user_flag"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    ofac_sdn_reads_8976_entries_joined_with_alt_and_add),
		cmocka_unit_test(
		    un_xml_reads_730_individuals_and_273_entities),
		cmocka_unit_test(bis_dpl_reads_581_rows),
		cmocka_unit_test(csl_reads_115_rows),
		cmocka_unit_test(lite_denials_reads_4_rows),
		cmocka_unit_test(
		    ofac_joins_alt_and_add_in_any_order_and_counts_orphans),
		cmocka_unit_test(malformed_xml_is_rejected_with_file_and_line),
		cmocka_unit_test(truncated_xml_is_rejected),
		cmocka_unit_test(header_formats_match_columns_by_name),
		cmocka_unit_test(lite_rejects_a_flag_that_is_not_boolean),
	};

	return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
