/*
 * The currency table (currency.h): ICU's non-deprecated ISO 4217 codes,
 * listed once under pthread_once and kept sorted for the life of the
 * process.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucurr.h>
#include <unicode/uenum.h>

#include "currency.h"

static struct {
	char	(*codes)[4];	/* sorted */
	size_t	 n;
} ctab;
static pthread_once_t ctab_once = PTHREAD_ONCE_INIT;

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* On failure the table stays empty and every code is refused. */
static void
ctab_build(void)
{
	UErrorCode	 st = U_ZERO_ERROR;
	UEnumeration	*en;
	const char	*c;
	int32_t		 len, count;
	size_t		 n = 0;

	en = ucurr_openISOCurrencies(UCURR_NON_DEPRECATED, &st);
	if (U_FAILURE(st))
		return;
	count = uenum_count(en, &st);
	if (U_FAILURE(st) || count <= 0 ||
	    (ctab.codes = calloc((size_t)count, sizeof(*ctab.codes))) == NULL) {
		uenum_close(en);
		return;
	}
	while (n < (size_t)count && (c = uenum_next(en, &len, &st)) != NULL &&
	    U_SUCCESS(st)) {
		if (len != 3)
			continue;
		memcpy(ctab.codes[n], c, 3);
		ctab.codes[n++][3] = '\0';
	}
	uenum_close(en);
	qsort(ctab.codes, n, sizeof(*ctab.codes), code_cmp);
	ctab.n = n;
}

int
currency_iso4217_valid(const char *code)
{
	size_t i;

	if (code == NULL || strlen(code) != 3)
		return 0;
	for (i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return 0;
	pthread_once(&ctab_once, ctab_build);
	return ctab.n > 0 && bsearch(code, ctab.codes, ctab.n,
	    sizeof(*ctab.codes), code_cmp) != NULL;
}
