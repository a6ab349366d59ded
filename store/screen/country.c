/*
 * The country table (country.h): ISO 3166-1 alpha-2 codes and the English
 * names that map to them, built once under pthread_once from ICU (the ISO
 * code list, each code's English display name, the short and variant names
 * of ICU's region bundle) after the local country_extra table, and kept for
 * the life of the process. Lookups fold a name into a key (country_key) and
 * binary-search the sorted table.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/unorm2.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>

#include "country.h"
#include "lcn_err.h"

#define COUNTRY_KEY_MAX	160

/* ASCII white space, whatever the locale says. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

struct cname {
	char	*key;
	char	 code[3];
	size_t	 order;	/* earlier wins on a duplicate key */
};

static struct {
	struct cname	*v;
	size_t		 n, cap;
	char		(*iso)[3];	/* sorted valid codes */
	size_t		 niso;
} ctab;
static pthread_once_t ctab_once = PTHREAD_ONCE_INIT;

/*
 * Official and list-specific names that ICU's English names (standard,
 * short, variant) do not cover. Keys are folded like any input, so case,
 * accents and punctuation do not matter here.
 */
static const struct {
	const char *name;
	const char *code;
} country_extra[] = {
	{ "Bolivia, Plurinational State of", "BO" },
	{ "Bosnia-Herzegovina", "BA" },
	{ "Brunei Darussalam", "BN" },
	{ "Burma", "MM" },
	{ "China, Hong Kong Special Administrative Region", "HK" },
	{ "China, Macao Special Administrative Region", "MO" },
	{ "Congo", "CG" },
	{ "Crimea", "UA" },
	{ "Democratic People's Republic of Korea", "KP" },
	{ "Democratic Republic of the Congo", "CD" },
	{ "Federated States of Micronesia", "FM" },
	{ "Gaza", "PS" },
	{ "Great Britain", "GB" },
	{ "Holy See", "VA" },
	{ "Iran, Islamic Republic of", "IR" },
	{ "Islamic Republic of Iran", "IR" },
	{ "Kyrgyz Republic", "KG" },
	{ "Lao People's Democratic Republic", "LA" },
	{ "Libyan Arab Jamahiriya", "LY" },
	{ "Macau", "MO" },
	{ "Macedonia", "MK" },
	{ "Occupied Palestinian Territory", "PS" },
	{ "Palestinian", "PS" },
	{ "People's Republic of China", "CN" },
	{ "PRC", "CN" },
	{ "Region: Crimea", "UA" },
	{ "Region: Gaza", "PS" },
	{ "Region: Northern Mali", "ML" },
	{ "Republic of Korea", "KR" },
	{ "Republic of Moldova", "MD" },
	{ "Republic of North Macedonia", "MK" },
	{ "Republic of the Congo", "CG" },
	{ "Russian Federation", "RU" },
	{ "Slovak Republic", "SK" },
	{ "State of Palestine", "PS" },
	{ "Syrian Arab Republic", "SY" },
	{ "Taiwan, Province of China", "TW" },
	{ "The former Yugoslav Republic of Macedonia", "MK" },
	{ "UAE", "AE" },
	{ "United Kingdom of Great Britain and Northern Ireland", "GB" },
	{ "United Republic of Tanzania", "TZ" },
	{ "United States of America", "US" },
	{ "USA", "US" },
	{ "Vatican", "VA" },
	{ "Venezuela, Bolivarian Republic of", "VE" },
	{ "Viet Nam", "VN" },
	{ "West Bank", "PS" },
};

/*
 * Fold a name into a lookup key: NFD, marks dropped, case folded; letters
 * and digits kept, '.' dropped ("U.S.A." is "usa"), '&' read as "and", any
 * other character a word break; the words "the" dropped and "st" read as
 * "saint". With noparen, text in parentheses is dropped too. Returns 0 or
 * LCN_EINVAL (too long or empty).
 */
static int
country_key(const char *name, int noparen, char *out, size_t outsz)
{
	UChar u[COUNTRY_KEY_MAX], d[COUNTRY_KEY_MAX * 2];
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfd;
	char words[COUNTRY_KEY_MAX * 4], *w, *save, *o;
	int32_t ulen, dlen, i, depth = 0;
	size_t wl = 0, ol = 0, l;
	UChar32 c;
	int brk = 1;

	u_strFromUTF8(u, COUNTRY_KEY_MAX, &ulen, name, -1, &st);
	if (U_FAILURE(st) || ulen >= COUNTRY_KEY_MAX)
		return LCN_EINVAL;
	if ((nfd = unorm2_getNFDInstance(&st)) == NULL || U_FAILURE(st))
		return LCN_EINVAL;
	dlen = unorm2_normalize(nfd, u, ulen, d, COUNTRY_KEY_MAX * 2, &st);
	if (U_FAILURE(st))
		return LCN_EINVAL;
	for (i = 0; i < dlen; ) {
		U16_NEXT(d, i, dlen, c);
		if (c == '(')
			depth++;
		else if (c == ')' && depth > 0) {
			depth--;
			c = ' ';
		}
		if (noparen && depth > 0)
			c = ' ';
		if (u_charType(c) == U_NON_SPACING_MARK || c == '.')
			continue;
		c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
		if (c == '&') {
			if (wl + 6 >= sizeof(words))
				return LCN_EINVAL;
			memcpy(words + wl, " and ", 5);
			wl += 5;
			brk = 1;
			continue;
		}
		if (!u_isalnum(c)) {
			if (!brk && wl + 1 < sizeof(words))
				words[wl++] = ' ';
			brk = 1;
			continue;
		}
		if (wl + 5 >= sizeof(words))
			return LCN_EINVAL;
		U8_APPEND_UNSAFE(words, wl, c);
		brk = 0;
	}
	words[wl] = '\0';
	o = out;
	for (w = strtok_r(words, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "the") == 0)
			continue;
		if (strcmp(w, "st") == 0)
			w = "saint";
		l = strlen(w);
		if (ol + l + 2 > outsz)
			return LCN_EINVAL;
		if (ol > 0)
			o[ol++] = ' ';
		memcpy(o + ol, w, l);
		ol += l;
	}
	if (ol == 0)
		return LCN_EINVAL;
	o[ol] = '\0';
	return 0;
}

static void
ctab_add(const char *name, const char *code)
{
	char key[COUNTRY_KEY_MAX * 4];
	struct cname *nv;
	int noparen;

	if (strlen(code) != 2)
		return;
	for (noparen = 0; noparen < 2; noparen++) {
		if (country_key(name, noparen, key, sizeof(key)) != 0)
			continue;
		if (ctab.n == ctab.cap) {
			nv = reallocarray(ctab.v, ctab.cap ? ctab.cap * 2 : 512,
			    sizeof(*nv));
			if (nv == NULL)
				return;
			ctab.v = nv;
			ctab.cap = ctab.cap ? ctab.cap * 2 : 512;
		}
		if ((ctab.v[ctab.n].key = strdup(key)) == NULL)
			return;
		memcpy(ctab.v[ctab.n].code, code, 3);
		ctab.v[ctab.n].order = ctab.n;
		ctab.n++;
	}
}

static int
cname_cmp(const void *a, const void *b)
{
	const struct cname *x = a, *y = b;
	int c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
iso_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

static int
iso_valid(const char *code)
{
	return bsearch(code, ctab.iso, ctab.niso, 3, iso_cmp) != NULL;
}

static void
ctab_add_icu_table(UResourceBundle *rb, const char *table)
{
	UErrorCode st = U_ZERO_ERROR;
	UResourceBundle *t;
	const UChar *s;
	const char *key;
	char name[COUNTRY_KEY_MAX * 4];
	int32_t len;

	t = ures_getByKey(rb, table, NULL, &st);
	while (U_SUCCESS(st) && ures_hasNext(t)) {
		s = ures_getNextString(t, &len, &key, &st);
		if (U_FAILURE(st))
			break;
		u_strToUTF8(name, sizeof(name), NULL, s, len, &st);
		if (U_SUCCESS(st) && key != NULL && strlen(key) == 2 &&
		    iso_valid(key))
			ctab_add(name, key);
		st = U_ZERO_ERROR;
	}
	ures_close(t);
}

/*
 * Built once: country_extra, then ICU's ISO codes with their English
 * display names, then the short and variant names of ICU's region data; on
 * a duplicate key the first wins. The table is kept for the life of the
 * process.
 */
static void
ctab_build(void)
{
	const char *const *codes = uloc_getISOCountries();
	UErrorCode st = U_ZERO_ERROR;
	UResourceBundle *rb;
	UChar u[COUNTRY_KEY_MAX];
	char loc[8], name[COUNTRY_KEY_MAX * 4];
	size_t i, n, w;
	int32_t len;

	for (n = 0; codes[n] != NULL; n++)
		;
	if ((ctab.iso = calloc(n + 1, 3)) == NULL)
		return;
	for (i = 0; i < n; i++)
		if (strlen(codes[i]) == 2)
			memcpy(ctab.iso[ctab.niso++], codes[i], 3);
	qsort(ctab.iso, ctab.niso, 3, iso_cmp);
	/* First, so that they win over ICU's names without parentheses:
	 * "Congo (DRC)" and "Congo (Republic)" both give "congo". */
	for (i = 0; i < sizeof(country_extra) / sizeof(country_extra[0]); i++)
		ctab_add(country_extra[i].name, country_extra[i].code);
	for (i = 0; i < ctab.niso; i++) {
		st = U_ZERO_ERROR;
		snprintf(loc, sizeof(loc), "und_%s", ctab.iso[i]);
		len = uloc_getDisplayCountry(loc, "en", u, COUNTRY_KEY_MAX,
		    &st);
		if (U_FAILURE(st) || len <= 0)
			continue;
		u_strToUTF8(name, sizeof(name), NULL, u, len, &st);
		if (U_SUCCESS(st))
			ctab_add(name, ctab.iso[i]);
	}
	st = U_ZERO_ERROR;
	rb = ures_open(U_ICUDATA_NAME "-region", "en", &st);
	if (U_SUCCESS(st)) {
		ctab_add_icu_table(rb, "Countries%short");
		ctab_add_icu_table(rb, "Countries%variant");
	}
	ures_close(rb);
	qsort(ctab.v, ctab.n, sizeof(*ctab.v), cname_cmp);
	for (i = 0, w = 0; i < ctab.n; i++) {
		if (w > 0 && strcmp(ctab.v[w - 1].key, ctab.v[i].key) == 0) {
			free(ctab.v[i].key);
			continue;
		}
		ctab.v[w++] = ctab.v[i];
	}
	ctab.n = w;
}

static const char *
ctab_find(const char *key)
{
	size_t lo = 0, hi = ctab.n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(key, ctab.v[mid].key)) == 0)
			return ctab.v[mid].code;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
list_country_iso2(const char *name, char iso2[3])
{
	char key[COUNTRY_KEY_MAX * 4], buf[COUNTRY_KEY_MAX * 4];
	const char *code = NULL, *comma;
	size_t n;

	iso2[0] = '\0';
	if (name == NULL)
		return LCN_ENOTFOUND;
	pthread_once(&ctab_once, ctab_build);
	while (is_space((unsigned char)*name))
		name++;
	n = strlen(name);
	while (n > 0 && is_space((unsigned char)name[n - 1]))
		n--;
	if (n == 0 || n >= COUNTRY_KEY_MAX)
		return LCN_ENOTFOUND;
	/* A code, upper case only: "na" in the UN list means n/a. */
	if (n == 2 && isupper((unsigned char)name[0]) &&
	    isupper((unsigned char)name[1])) {
		memcpy(buf, name, 2);
		buf[2] = '\0';
		if (iso_valid(buf)) {
			memcpy(iso2, buf, 3);
			return 0;
		}
	}
	memcpy(buf, name, n);
	buf[n] = '\0';
	if (country_key(buf, 0, key, sizeof(key)) == 0)
		code = ctab_find(key);
	if (code == NULL && country_key(buf, 1, key, sizeof(key)) == 0)
		code = ctab_find(key);
	/* "Korea, North", "Congo, Republic of the", "Bahamas, The". */
	if (code == NULL && (comma = strrchr(buf, ',')) != NULL) {
		char swapped[COUNTRY_KEY_MAX * 2 + 2];

		snprintf(swapped, sizeof(swapped), "%s %.*s", comma + 1,
		    (int)(comma - buf), buf);
		if (country_key(swapped, 1, key, sizeof(key)) == 0)
			code = ctab_find(key);
	}
	if (code == NULL)
		return LCN_ENOTFOUND;
	memcpy(iso2, code, 3);
	return 0;
}

int
country_alpha2_valid(const char *code)
{
	if (code == NULL || !isupper((unsigned char)code[0]) ||
	    !isupper((unsigned char)code[1]) || code[2] != '\0')
		return 0;
	pthread_once(&ctab_once, ctab_build);
	return iso_valid(code);
}
