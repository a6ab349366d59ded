/*
 * Readers for public screening lists: the OFAC SDN legacy CSV (sdn.csv with
 * alt.csv and add.csv beside it), the UN Security Council consolidated XML,
 * the BIS Denied Persons TSV, the trade.gov Consolidated Screening List CSV
 * and partner denials in the UK LITE CSV layout. Each reader streams the
 * file and hands one struct list_party per listed party to a callback.
 *
 * This is a pure parsing library: it opens only the files it is given, and
 * knows nothing of LMDB, the ledger, the daemon or the terminal. Storing,
 * indexing and showing progress are the caller's business.
 *
 * Text handed out is UTF-8 with surrounding ASCII white space removed.
 * A field that is not valid UTF-8 is taken as Latin-1 and re-encoded
 * (counted in stats->recoded). Empty fields (and OFAC's "-0-") are NULL.
 */
#ifndef LCN_LISTS_H
#define LCN_LISTS_H

#include <stddef.h>
#include <stdint.h>

#include "country.h"	/* list_country_iso2(), as the readers use it */

/* Limits on untrusted list files; a record over one is skipped as bad. */
#define LIST_FIELD_MAX		16384	/* bytes in one CSV field */
#define LIST_RECORD_MAX		65536	/* bytes in a CSV record */
#define LIST_FIELDS_MAX		64	/* fields in one CSV record */
#define LIST_ALIASES_MAX	1024	/* aliases of one party */
#define LIST_ADDRESSES_MAX	1024	/* addresses of one party */
#define LIST_IDENTS_MAX		256	/* identifiers of one party */
#define LIST_COUNTRIES_MAX	32	/* countries of one party */
#define LIST_XML_PARTY_MAX	(1024 * 1024) /* bytes of one UN XML party */
#define LIST_ERR_MAX		256	/* bytes of one error message */

enum list_format {
	LIST_OFAC_SDN,		/* "ofac-sdn": sdn.csv, alt.csv, add.csv */
	LIST_UN_XML,		/* "un-xml": UN consolidated list */
	LIST_BIS_DPL,		/* "bis-dpl": Denied Persons List TSV */
	LIST_CSL,		/* "csl": trade.gov Consolidated Screening */
	LIST_LITE_DENIALS,	/* "lite-denials": UK LITE denial CSV */
};

enum list_kind {
	LIST_KIND_UNKNOWN,
	LIST_KIND_PERSON,
	LIST_KIND_ENTITY,
	LIST_KIND_VESSEL,
	LIST_KIND_AIRCRAFT,
};

enum list_alias_type {
	LIST_AKA,		/* also known as (the default) */
	LIST_FKA,		/* formerly known as */
	LIST_NKA,		/* now known as */
};

struct list_alias {
	const char *name;		/* never NULL */
	enum list_alias_type type;
	int weak;			/* 1: UN "Low" quality alias */
};

struct list_address {
	const char *text;		/* street, city, ... without the
					   country; NULL if none */
	const char *country_name;	/* as written; NULL if none */
	const char *country;		/* ISO 3166-1 alpha-2, or NULL */
};

struct list_ident {
	const char *type;		/* "Passport", "Tax ID No.", ...;
					   NULL if the list gives none */
	const char *value;		/* never NULL */
	const char *country;		/* ISO-2 of the issuer, or NULL */
};

/* The fields of a LITE denial notification (LIST_LITE_DENIALS only). */
struct list_denial {
	const char *reference;		/* "DN2000/0000"; never NULL */
	const char *regime_ref;		/* regime registration ref */
	const char *notifying_government;
	const char *item_list_codes;	/* a control-list entry, or
					   "catch all" */
	int catch_all;			/* 1 if item_list_codes is
					   catch all */
	const char *item_description;
	const char *end_use;
	const char *reason;		/* reason for refusal */
	const char *consignee_name;	/* another party of the denial;
					   not delivered as a party */
	const char *spire_entity_id;
	int end_user;			/* end_user_flag: 0 or 1 */
	int consignee;			/* consignee_flag: 0 or 1 */
	const char *other_role;
};

/*
 * One listed party. Every pointer is borrowed: it stays valid only until the
 * callback returns; copy what you keep. Optional strings are NULL when absent.
 */
struct list_party {
	const char *source;		/* "OFAC SDN", "OFAC Consolidated",
					   "UN", "BIS DPL", "CSL", "LITE" */
	const char *list;		/* sub-list: CSL's source column, UN
					   list type (e.g. "DRC"); or NULL */
	const char *ref;		/* the list's own id, stable across
					   imports of the same row; never NULL
					   (see list_read for lists without
					   one) */
	const char *name;		/* never NULL */
	enum list_kind kind;
	const struct list_alias *aliases;
	size_t naliases;
	const char *name_local;		/* UN name in original script */
	const char *country;		/* ISO-2: first of countries[] */
	const char *const *countries;	/* distinct ISO-2 codes:
					   nationality and citizenship
					   first, then the addresses' */
	size_t ncountries;
	const struct list_address *addresses;
	size_t naddresses;
	const struct list_ident *idents;
	size_t nidents;
	const char *programs;		/* sanctions programmes, joined
					   by "; " */
	const char *remarks;
	const char *legal_basis;	/* Federal Register citation etc. */
	const char *start_date;		/* listed on: YYYY-MM-DD where
					   the list gives one (DPL's
					   dates are converted) */
	const char *end_date;		/* YYYY-MM-DD or NULL */
	unsigned long line;		/* line of the record in its file */
	const struct list_denial *denial; /* LIST_LITE_DENIALS only */
};

struct list_stats {
	uint64_t bytes_total;		/* size of the main file */
	uint64_t bytes_read;		/* of the main file, so far */
	size_t rows;			/* records of the main file, header
					   excluded, bad ones included */
	size_t parties;			/* callbacks made */
	size_t aliases;			/* aliases delivered */
	size_t addresses;		/* addresses delivered */
	size_t bad_rows;		/* records skipped, in any file */
	size_t orphans;			/* OFAC alt/add rows with no
					   entry */
	size_t recoded;			/* fields taken as Latin-1 */
	size_t aux_files;		/* OFAC: alt/add files found */
	char first_bad[LIST_ERR_MAX];	/* "file:line: reason", or "" */
};

struct list_ops {
	/* Called once per party. A non-zero return stops the read, and
	 * list_read returns that value. Required. */
	int (*party)(const struct list_party *p, void *arg);
	/* Called for each skipped record, before the read goes on.
	 * Optional. */
	void (*bad_row)(const char *file, unsigned long line,
	    const char *reason, void *arg);
	/* Called after about every 64 KiB of the main file and once at the
	 * end, with bytes done and bytes in all. Optional. */
	void (*progress)(uint64_t done, uint64_t total, void *arg);
	void *arg;
};

/*
 * Parse a format name: "ofac-sdn" (or "ofac", "sdn"), "un-xml" (or "un"),
 * "bis-dpl" (or "dpl"), "csl", "lite-denials" (or "lite"); case-insensitive.
 * Returns 0 and sets *fmt, or LCN_EINVAL (and *fmt untouched).
 */
int	list_format_parse(const char *name, enum list_format *fmt);

/* The canonical name of a format, e.g. "ofac-sdn"; never NULL. */
const char *list_format_name(enum list_format fmt);

/*
 * Read the list at path in format fmt and call ops->party once per party, in
 * file order.
 *
 * For LIST_OFAC_SDN, path is sdn.csv; the alias and address files beside it
 * are optional and joined by entry number: for "sdn.csv" they are "alt.csv"
 * and "add.csv", for "cons_prim.csv" "cons_alt.csv" and "cons_add.csv" (the
 * source is then "OFAC Consolidated"). They are read into memory first, so
 * their order does not matter. The other formats need one file; CSV and TSV
 * headers are matched by column name, so added or reordered columns are
 * fine. Each DPL row is one party: a person with several addresses has
 * several rows (dpl.txt: 581 rows, 460 names). A DPL row, or a CSL row
 * without an entity number, has no id of its own: its ref is "dpl:" or
 * "csl:" and 16 hex digits of a hash of the row, so a row repeated byte for
 * byte repeats its ref (dpl.txt has 2 such). An OFAC header-less file with
 * no record at all is LCN_EPROTO; a CSV or TSV with a header and no rows is
 * an empty list (0).
 *
 * A bad record (wrong field count, unterminated quote, over a LIST_ limit,
 * no name, ...) is skipped: it is counted in stats->bad_rows, reported to
 * ops->bad_row and the first one is kept in stats->first_bad; the read goes
 * on. A file cut short therefore loses only its last record.
 *
 * Returns 0 when the whole file was read, or:
 *	LCN_EINVAL	bad arguments;
 *	LCN_EIO		a file cannot be opened or read;
 *	LCN_EPROTO	not the format: empty file, missing header columns,
 *			malformed XML, or no record at all could be read;
 *	LCN_ENOMEM;
 *	the non-zero value returned by ops->party.
 * On an error, err (if not NULL) holds a message naming the file, and the
 * parties already delivered should be discarded (import in one transaction).
 * stats (may be NULL) is zeroed on entry and is valid on every return.
 * Reentrant: the only global state is the country table and libxml2's
 * initialisation, both done once under pthread_once. Blocking file I/O: run
 * it off an event loop thread.
 */
int	list_read(enum list_format fmt, const char *path,
	    const struct list_ops *ops, struct list_stats *stats,
	    char *err, size_t errsz);

#endif
