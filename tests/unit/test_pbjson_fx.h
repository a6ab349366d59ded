/*
 * Test fixture shared by the JSON codec tests (test_pbjson*.c): JSON
 * literals written with ' for " (so that test bodies stay readable),
 * encoding that must succeed, a body wrapped into a SignedEntry as the
 * store builds one, and a denial notice with every field set.
 */
#ifndef LCN_TEST_PBJSON_FX_H
#define LCN_TEST_PBJSON_FX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define ERRSZ	1024

/* Parses JSON written with ' for "; fails the test if it does not parse. */
json_t	*j(const char *text);
/* pbjson_body_encode must succeed; *out is the caller's to free. */
void	 encode_ok(const json_t *body, uint8_t **out, size_t *len);
/*
 * Wraps body bytes into a SignedEntry: an Entry header packed with the
 * generated code, the body appended, and a made-up signature. *out is
 * the caller's to free.
 */
void	 wrap(const uint8_t *body, size_t blen, uint8_t **out,
	    size_t *outlen);

#define PARTY_FULL \
	"{'role':'ROLE_END_USER','name':'Orion Precision Trading Co.'," \
	"'name_local':'\u5965\u745e\u7cbe\u5bc6\u8d38\u6613" \
	"\u6709\u9650\u516c\u53f8'," \
	"'aliases':[{'type':'ALIAS_AKA','name':'Orion PT'}," \
	"{'type':'ALIAS_FKA','name':'Hexa Components'}]," \
	"'address':'12 Harbour Road, Kowloon','country':'HK'," \
	"'identifiers':[{'scheme':'registration','value':'HK-1234567'," \
	"'country':'HK'}]}"

#define ITEM_FULL \
	"{'control_entry':'3A001.b.1','hs_code':'8542.39'," \
	"'description':'MMIC power amplifier','technical_parameters':" \
	"'> 31.8 GHz, > 0.1 W','quantity':'400 units','value_minor':" \
	"8400000,'currency':'EUR'}"

#define NOTICE_FULL \
	"{'ref':'JP-METI/DN/2026/0042','handling':{'tlp':'TLP_AMBER'," \
	"'forwarding_allowed':true},'regime':'WA','list_tier':" \
	"'WA Sensitive List','control_basis':'BASIS_LISTED_ITEM'," \
	"'items':[" ITEM_FULL "],'parties':[" PARTY_FULL ",{'role':" \
	"'ROLE_CONSIGNEE','name':'Kestrel Logistics','country':'AE'}]," \
	"'destination_country':'HK','transit_countries':['AE','SG']," \
	"'end_use':'radar front end','reasons':[{'code':" \
	"'REASON_MILITARY_END_USE','text':'end user supplies the military'}," \
	"{'code':'REASON_DIVERSION'}],'decision_date_ms':1772323200000," \
	"'review_date_ms':1867017600000,'contact':{'name':'Export Control " \
	"Desk','email':'desk@meti.example','phone':'+81 3 0000 0000'}}"

#endif
