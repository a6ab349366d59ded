/*
 * The country table: ISO 3166-1 alpha-2 codes as ICU knows them, and the
 * English names by which screening lists and applications write countries
 * ("Iran (Islamic Republic of)", "Korea, North", "PRC"), mapped to those
 * codes. It is built once, on first use, from ICU's region data and a
 * small table of UN and US official names, and kept for the life of the
 * process. It only answers questions: it reads no file and logs nothing.
 */
#ifndef LCN_COUNTRY_H
#define LCN_COUNTRY_H

/*
 * Whether code is an ISO 3166-1 alpha-2 code that ICU knows: exactly two
 * upper-case letters ("AE", never "ae", "ARE" or "United Arab Emirates").
 * Returns 1 or 0; 0 for NULL. Thread-safe.
 */
int	country_alpha2_valid(const char *code);

/*
 * Map a country name or code, as written in these lists ("Iran (Islamic
 * Republic of)", "Korea, North", "Congo, Democratic Republic of the",
 * "Türkiye", "PRC", "GB"), to its ISO 3166-1 alpha-2 code. English names
 * come from ICU (standard, short and variant forms), plus a small table of
 * UN and US official names; case, accents and punctuation are ignored.
 * Returns 0 and writes two letters and a NUL to iso2, or LCN_ENOTFOUND
 * (iso2 set to ""). Thread-safe.
 */
int	list_country_iso2(const char *name, char iso2[3]);

#endif
