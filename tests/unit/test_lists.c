/*
 * Screening list readers: the real files in tests/data read with the counts
 * given in tests/data/SOURCES.md and a few records checked field by field,
 * then the parsing traps written inline to temporary files.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "country.h"
#include "lcn_err.h"
#include "lists.h"

#define DATA LCN_SOURCE_DIR "/tests/data/"

/* A record to look for, and the checks to run on it. */
struct want {
	const char	*ref;		/* or NULL to match by name */
	const char	*name;
	void		(*check)(const struct list_party *);
	int		 found;
};

struct seen {
	struct want	*want;
	size_t		 nwant;
	size_t		 parties;
	size_t		 kinds[5];
	size_t		 aliases;
	size_t		 weak;
	size_t		 fka;
	size_t		 local;
	size_t		 idents;
	size_t		 bad_calls;
	unsigned long	 bad_line;
	char		 bad_reason[128];
	size_t		 progress_calls;
	uint64_t	 last_done, last_total;
	char		**refs;		/* every ref, to count repeats */
	int		 stop_after;	/* return 99 after this many, if > 0 */
};

static int
on_party(const struct list_party *p, void *arg)
{
	struct seen *s = arg;
	size_t i;

	assert_non_null(p->name);
	assert_non_null(p->ref);
	assert_non_null(p->source);
	assert_true(p->ncountries == 0 || p->country == p->countries[0]);
	s->kinds[p->kind]++;
	s->aliases += p->naliases;
	s->idents += p->nidents;
	for (i = 0; i < p->naliases; i++) {
		assert_non_null(p->aliases[i].name);
		s->weak += p->aliases[i].weak;
		s->fka += p->aliases[i].type == LIST_FKA;
	}
	if (p->name_local != NULL)
		s->local++;
	for (i = 0; i < s->nwant; i++) {
		if ((s->want[i].ref != NULL &&
		    strcmp(s->want[i].ref, p->ref) == 0) ||
		    (s->want[i].ref == NULL &&
		    strcmp(s->want[i].name, p->name) == 0)) {
			s->want[i].check(p);
			s->want[i].found++;
		}
	}
	if (s->refs != NULL)
		assert_non_null(s->refs[s->parties] = strdup(p->ref));
	s->parties++;
	if (s->stop_after > 0 && s->parties == (size_t)s->stop_after)
		return 99;
	return 0;
}

static void
on_bad(const char *file, unsigned long line, const char *reason, void *arg)
{
	struct seen *s = arg;

	assert_non_null(file);
	if (s->bad_calls++ == 0) {
		s->bad_line = line;
		snprintf(s->bad_reason, sizeof(s->bad_reason), "%s", reason);
	}
}

static void
on_progress(uint64_t done, uint64_t total, void *arg)
{
	struct seen *s = arg;

	assert_true(done >= s->last_done);
	assert_true(done <= total);
	s->progress_calls++;
	s->last_done = done;
	s->last_total = total;
}

static int
read_list(enum list_format fmt, const char *path, struct seen *s,
    struct list_stats *st, char *err, size_t errsz)
{
	struct list_ops ops = { on_party, on_bad, on_progress, s };

	return list_read(fmt, path, &ops, st, err, errsz);
}

static int
strcmpp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Refs seen repeat exactly ndup times; frees them. */
static void
assert_refs_unique(struct seen *s, size_t ndup)
{
	size_t i, dup = 0;

	qsort(s->refs, s->parties, sizeof(*s->refs), strcmpp);
	for (i = 1; i < s->parties; i++)
		if (strcmp(s->refs[i - 1], s->refs[i]) == 0)
			dup++;
	assert_int_equal(dup, ndup);
	for (i = 0; i < s->parties; i++)
		free(s->refs[i]);
	free(s->refs);
	s->refs = NULL;
}

static void
assert_all_found(const struct seen *s)
{
	size_t i;

	for (i = 0; i < s->nwant; i++) {
		if (s->want[i].found != 1)
			fail_msg("record %s found %d times", s->want[i].ref ?
			    s->want[i].ref : s->want[i].name, s->want[i].found);
	}
}

/* ------------------------------------------------------------------ */
/* Temporary files for the trap cases. */

static char tmpdir[64];

static int
setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_lists.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write name in tmpdir; returns its path in a static buffer. */
static const char *
put(const char *name, const void *data, size_t len)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmpdir, name);
	assert_non_null(f = fopen(p, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return p;
}

static const char *
puts_(const char *name, const char *text)
{
	return put(name, text, strlen(text));
}

static void
rm(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	(void)unlink(p);
}

/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* The real files. */

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

/* ------------------------------------------------------------------ */
/* Traps, inline. */

static const char sdn3[] =
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- \r\n"
    "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- ,-0- \r\n"
    "306,\"BANCO \"\"NACIONAL\"\" DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,"
    "-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n"
    "\x1a";

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
	snprintf(path, sizeof(path), "%s/no-such-file.csv", tmpdir);
	for (i = 0; i < sizeof(f) / sizeof(*f); i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(read_list(f[i], path, &s, &st, err,
		    sizeof(err)), LCN_EIO);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "No such file"));
	}
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
		    ofac_sdn_reads_8976_entries_joined_with_alt_and_add),
		cmocka_unit_test(
		    un_xml_reads_730_individuals_and_273_entities),
		cmocka_unit_test(bis_dpl_reads_581_rows),
		cmocka_unit_test(csl_reads_115_rows),
		cmocka_unit_test(lite_denials_reads_4_rows),
		cmocka_unit_test(
		ofac_handles_dash_zero_crlf_dos_eof_quoted_commas_and_quotes),
		cmocka_unit_test(ofac_reads_lf_only_and_no_dos_eof_alike),
		cmocka_unit_test(
		    ofac_joins_alt_and_add_in_any_order_and_counts_orphans),
		cmocka_unit_test(
		    bad_row_is_skipped_counted_and_reported_with_its_line),
		cmocka_unit_test(truncated_file_loses_only_its_last_record),
		cmocka_unit_test(truncated_at_every_byte_never_fails_badly),
		cmocka_unit_test(empty_files_are_rejected_naming_the_file),
		cmocka_unit_test(missing_file_is_an_io_error_naming_the_file),
		cmocka_unit_test(malformed_xml_is_rejected_with_file_and_line),
		cmocka_unit_test(truncated_xml_is_rejected),
		cmocka_unit_test(header_formats_match_columns_by_name),
		cmocka_unit_test(lite_rejects_a_flag_that_is_not_boolean),
		cmocka_unit_test(field_over_limit_is_a_bad_row),
		cmocka_unit_test(latin1_field_is_reencoded_as_utf8),
		cmocka_unit_test(all_bad_rows_mean_the_wrong_format),
		cmocka_unit_test(callback_can_stop_the_read),
		cmocka_unit_test(read_rejects_bad_arguments),
		cmocka_unit_test(mutated_inputs_never_crash),
	};

	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
