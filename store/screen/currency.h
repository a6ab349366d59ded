/*
 * ISO 4217 currency codes as ICU knows them: whether a code names a
 * currency in use. It reads no file and logs nothing.
 */
#ifndef LCN_CURRENCY_H
#define LCN_CURRENCY_H

/*
 * Whether code is an ISO 4217 alphabetic code of a currency that is not
 * deprecated ("JPY", "EUR", "XAU"; never "jpy", "DEM" or "yen"): exactly
 * three upper-case letters that ICU lists. Returns 1 or 0; 0 for NULL.
 * Thread-safe.
 */
int	currency_iso4217_valid(const char *code);

#endif
