/*
 * Unit tests for the JSON codec's encoder (pbjson.c): every body type of
 * lcn.proto goes JSON -> protobuf -> SignedEntry (built with the generated
 * code, header and body concatenated as the store does) -> JSON and must
 * come back equal; enum spellings, dates, each kind of error with its
 * field path, and the limits. The decoder's own cases (truncated and
 * hostile entries) are in test_pbjson_decode.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "hash.h"
#include "lcn.pb-c.h"
#include "lcn_err.h"
#include "lcn_limits.h"
#include "pbjson.h"
#include "test_pbjson_fx.h"
#include "util.h"

/* Encodes, expects LCN_EINVAL, and that the message starts with want. */
static void
encode_fails(const char *body_text, const char *want)
{
	json_t	*body = j(body_text);
	uint8_t	*out = (uint8_t *)1;
	size_t	 len = 99;
	char	 err[ERRSZ];

	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_null(out);
	assert_int_equal(len, 0);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error\n  got:  %s\n  want: %s...", err, want);
	json_decref(body);
}

/* JSON -> bytes -> SignedEntry -> JSON; returns the decoded entry. */
static json_t *
through(const json_t *body)
{
	uint8_t	*bytes, *signed_bytes;
	size_t	 len, slen;
	json_t	*dec;
	char	 err[ERRSZ];

	encode_ok(body, &bytes, &len);
	wrap(bytes, len, &signed_bytes, &slen);
	dec = pbjson_entry_decode(signed_bytes, slen, err, sizeof(err));
	if (dec == NULL)
		fail_msg("decode failed: %s", err);
	free(bytes);
	free(signed_bytes);
	return dec;
}

static void
assert_json_equal(const json_t *got, const json_t *want)
{
	char *g, *w;

	if (json_equal(got, want))
		return;
	g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
	fail_msg("JSON differs\n  got:  %s\n  want: %s", g, w);
	free(g);
	free(w);
}

/* The body must come back exactly as given (canonical form). */
static void
round_trip(const char *text)
{
	json_t		*in = j(text), *dec;
	const char	*key;
	json_t		*val;

	dec = through(in);
	json_object_foreach(in, key, val) {
		assert_string_equal(json_string_value(json_object_get(dec,
		    "type")), key);
		assert_json_equal(json_object_get(dec, "body"), val);
	}
	json_decref(dec);
	json_decref(in);
}

/* The body, written loosely, must decode to the canonical want. */
static void
normalises_to(const char *text, const char *want_text)
{
	json_t *in = j(text), *want = j(want_text), *dec;

	dec = through(in);
	assert_json_equal(json_object_get(dec, "body"), want);
	json_decref(dec);
	json_decref(in);
	json_decref(want);
}

static void
round_trips_denial_notice(void **state)
{
	(void)state;
	round_trip("{'denial_notice':" NOTICE_FULL "}");
}

static void
round_trips_denial_update(void **state)
{
	(void)state;
	round_trip("{'denial_update':{'ref':'JP-METI/DU/2026/0007',"
	    "'handling':{'tlp':'TLP_GREEN'},'denial_ref':"
	    "'JP-METI/DN/2026/0042','action':'DENIAL_AMEND','reason':"
	    "'new consignee','new_review_date_ms':1867017600000,"
	    "'amended':" NOTICE_FULL "}}");
}

static void
round_trips_consultation_request(void **state)
{
	(void)state;
	round_trip("{'consultation_request':{'ref':'DE-BAFA/CR/2026/0003',"
	    "'handling':{'tlp':'TLP_AMBER_STRICT'},'denial_refs':["
	    "'JP-METI/DN/2026/0042','JP-METI/DN/2025/0100'],"
	    "'transaction':{'items':[" ITEM_FULL "],'parties':[" PARTY_FULL
	    "],'destination_country':'HK','transit_countries':['TR'],"
	    "'end_use':'civil telecom'},'essentially_identical':true,"
	    "'identity_reasoning':'same item and end user',"
	    "'intended_decision':'INTENT_GRANT','deadline_ms':1773532800000,"
	    "'deadline_basis':'DEADLINE_WORKING_DAYS','deadline_days':10,"
	    "'silence':'SILENCE_NO_OBJECTION'}}");
}

static void
round_trips_consultation_reply(void **state)
{
	(void)state;
	round_trip("{'consultation_reply':{'ref':'JP-METI/RP/2026/0001',"
	    "'handling':{'tlp':'TLP_RED'},'request_ref':"
	    "'DE-BAFA/CR/2026/0003','position':'POSITION_MAINTAIN_DENIAL',"
	    "'grounds':'end user unchanged','extension_to_ms':1775000000000}}");
}

static void
round_trips_licence_decision(void **state)
{
	(void)state;
	round_trip("{'licence_decision':{'ref':'DE-BAFA/LD/2026/0009',"
	    "'handling':{'tlp':'TLP_CLEAR'},'request_ref':"
	    "'DE-BAFA/CR/2026/0003','decision':'DECISION_GRANT','date_ms':"
	    "1776000000000,'explanation':'different end use, audited',"
	    "'licence_ref':'DE/2026/L/55'}}");
}

#define ALERT_FULL \
	"{'ref':'US-BIS/EA/2026/0011','handling':{'tlp':'TLP_AMBER'}," \
	"'party':" PARTY_FULL ",'concerns':['CONCERN_FRONT_COMPANY'," \
	"'CONCERN_TRANSSHIPMENT'],'via_country':'AE','red_flags':[{'code':" \
	"'RF-03','text':'declines installation'}],'related_denial_refs':[" \
	"'JP-METI/DN/2026/0042'],'control_entries':['3A001.b.1','5A002']," \
	"'confidence_pct':80,'valid_from_ms':1772323200000," \
	"'valid_until_ms':1803859200000,'recommended_action':" \
	"'ACTION_LICENCE_REQUIRED'}"

static void
round_trips_end_user_alert(void **state)
{
	(void)state;
	round_trip("{'end_user_alert':" ALERT_FULL "}");
}

static void
round_trips_alert_update(void **state)
{
	(void)state;
	round_trip("{'alert_update':{'ref':'US-BIS/AU/2026/0002','handling':"
	    "{'tlp':'TLP_AMBER'},'alert_ref':'US-BIS/EA/2026/0011','action':"
	    "'ALERT_AMEND','reason':'new alias','valid_until_ms':"
	    "1835395200000,'amended':" ALERT_FULL "}}");
}

static void
round_trips_control_status(void **state)
{
	(void)state;
	round_trip("{'control_status':{'ref':'JP-METI/CS/2026/0001',"
	    "'handling':{'tlp':'TLP_GREEN'},'regime':'WA','control_entry':"
	    "'3A001.b.12','description':'GaN MMIC','stage':"
	    "'STAGE_IMPLEMENTED','effective_date_ms':1780000000000,"
	    "'legal_instrument':'Cabinet Order 2026/12'}}");
}

static void
round_trips_heads_attestation(void **state)
{
	(void)state;
	round_trip("{'heads_attestation':{'ref':'JP-METI/HA/2026/0100',"
	    "'handling':{'tlp':'TLP_AMBER'},'heads':[{'origin':'US-BIS',"
	    "'group':'WA','seq':1234,'leaf_hash':'00112233445566778899aabb"
	    "ccddeeff00112233445566778899aabbccddeeff'},{'origin':'DE-BAFA',"
	    "'group':'WA','seq':1}],'as_of_ms':1772366400000}}");
}

/* An encoded body is an Entry with the body set and no header fields. */
static void
encodes_entry_with_only_the_body(void **state)
{
	json_t		*body = j("{'denial_update':{'ref':'R','action':"
			    "'revoke'}}");
	Lcn__Entry	*e;
	uint8_t		*bytes;
	size_t		 len;

	(void)state;
	encode_ok(body, &bytes, &len);
	e = lcn__entry__unpack(NULL, len, bytes);
	assert_non_null(e);
	assert_int_equal(e->body_case, LCN__ENTRY__BODY_DENIAL_UPDATE);
	assert_string_equal(e->origin, "");
	assert_string_equal(e->group, "");
	assert_int_equal(e->seq, 0);
	assert_int_equal(e->prev_hash.len, 0);
	assert_int_equal(e->key_id.len, 0);
	assert_string_equal(e->denial_update->ref, "R");
	assert_int_equal(e->denial_update->action,
	    LCN__DENIAL_ACTION__DENIAL_REVOKE);
	lcn__entry__free_unpacked(e, NULL);
	free(bytes);
	json_decref(body);
}

/* An empty body still says which type it is. */
static void
round_trips_empty_body(void **state)
{
	(void)state;
	round_trip("{'licence_decision':{}}");
}

static void
accepts_enum_prefix_and_case_forms(void **state)
{
	static const char *forms[] = { "DENIAL_REVOKE", "denial_revoke",
	    "REVOKE", "revoke", "Revoke", "rEvOkE" };
	char	 text[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		snprintf(text, sizeof(text), "{'denial_update':{'action':"
		    "'%s'}}", forms[i]);
		normalises_to(text, "{'action':'DENIAL_REVOKE'}");
	}
	/* A prefix that is not the first word: ALERT_ACTION_UNSPECIFIED... */
	normalises_to("{'alert_update':{'action':'withdraw'}}",
	    "{'action':'ALERT_WITHDRAW'}");
	normalises_to("{'denial_notice':{'handling':{'tlp':'amber_strict'}}}",
	    "{'handling':{'tlp':'TLP_AMBER_STRICT'}}");
	normalises_to("{'denial_notice':{'handling':{'tlp':'AMBER+STRICT'}}}",
	    "{'handling':{'tlp':'TLP_AMBER_STRICT'}}");
	normalises_to("{'denial_notice':{'parties':[{'role':'end-user'},"
	    "{'role':'intermediate_consignee'}]}}",
	    "{'parties':[{'role':'ROLE_END_USER'},"
	    "{'role':'ROLE_INTERMEDIATE_CONSIGNEE'}]}");
	normalises_to("{'end_user_alert':{'concerns':['wmd_missile',"
	    "'CONCERN_DIVERSION','front-company']}}",
	    "{'concerns':['CONCERN_WMD_MISSILE','CONCERN_DIVERSION',"
	    "'CONCERN_FRONT_COMPANY']}");
	normalises_to("{'consultation_request':{'deadline_basis':"
	    "'calendar_days','silence':'no_objection'}}",
	    "{'deadline_basis':'DEADLINE_CALENDAR_DAYS','silence':"
	    "'SILENCE_NO_OBJECTION'}");
	/* The zero value is the default: accepted, then omitted. */
	normalises_to("{'denial_update':{'ref':'R','action':"
	    "'action_unspecified'}}", "{'ref':'R'}");
	normalises_to("{'denial_update':{'handling':{'tlp':'unspecified'}}}",
	    "{'handling':{}}");
}

static void
accepts_dates_for_ms_fields(void **state)
{
	(void)state;
	normalises_to("{'licence_decision':{'date_ms':'2026-03-01'}}",
	    "{'date_ms':1772323200000}");
	normalises_to("{'licence_decision':{'date_ms':'2026-03-01T12:00:00Z'}}",
	    "{'date_ms':1772366400000}");
	normalises_to("{'licence_decision':{'date_ms':"
	    "'2026-03-01T12:00:00.25Z'}}", "{'date_ms':1772366400250}");
	normalises_to("{'licence_decision':{'date_ms':1772323200000}}",
	    "{'date_ms':1772323200000}");
	normalises_to("{'end_user_alert':{'valid_from_ms':'2024-02-29'}}",
	    "{'valid_from_ms':1709164800000}");
	normalises_to("{'denial_notice':{'decision_date_ms':'2026-03-01',"
	    "'review_date_ms':'2029-03-01'}}", "{'decision_date_ms':"
	    "1772323200000,'review_date_ms':1867017600000}");
	normalises_to("{'licence_decision':{'date_ms':'1970-01-01'}}", "{}");
}

static void
rejects_bad_dates(void **state)
{
	static const char *bad[] = { "2025-02-29", "2026-13-01",
	    "2026-04-31", "2026-3-1", "2026-03-01T12:00:00",
	    "2026-03-01T24:00:00Z", "2026-03-01 12:00:00Z", "1969-12-31",
	    "2026-03-01T12:00:00+01:00", "2026-03-01T12:00:00.1234Z",
	    "2026-03-01Z", "", "yesterday" };
	char	text[256], want[256];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{'licence_decision':{'date_ms':"
		    "'%s'}}", bad[i]);
		snprintf(want, sizeof(want), "licence_decision.date_ms: "
		    "expected milliseconds since the epoch or a UTC date "
		    "(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), got \"%s\"", bad[i]);
		encode_fails(text, want);
	}
	/* Only *_ms fields take dates. */
	encode_fails("{'denial_notice':{'items':[{'value_minor':"
	    "'2026-01-01'}]}}",
	    "denial_notice.items[0].value_minor: expected an integer "
	    "0..9223372036854775807, got \"2026-01-01\"");
}

static void
rejects_unknown_enum_name_with_path(void **state)
{
	(void)state;
	encode_fails("{'denial_notice':{'parties':[{'role':'end_user'},"
	    "{'role':'boss'}]}}",
	    "denial_notice.parties[1].role: expected one of ROLE_END_USER, "
	    "ROLE_CONSIGNEE, ROLE_INTERMEDIATE_CONSIGNEE, ROLE_PURCHASER, "
	    "ROLE_AGENT, got \"boss\"");
	/* A prefix of another enum does not leak in. */
	encode_fails("{'denial_update':{'action':'ALERT_WITHDRAW'}}",
	    "denial_update.action: expected one of DENIAL_AMEND, "
	    "DENIAL_RENEW, DENIAL_SUSPEND, DENIAL_REVOKE, got "
	    "\"ALERT_WITHDRAW\"");
	encode_fails("{'denial_update':{'action':4}}",
	    "denial_update.action: expected one of DENIAL_AMEND, "
	    "DENIAL_RENEW, DENIAL_SUSPEND, DENIAL_REVOKE, got 4");
	encode_fails("{'denial_update':{'action':''}}",
	    "denial_update.action: expected one of");
}

static void
rejects_wrong_types_with_path(void **state)
{
	(void)state;
	encode_fails("{'denial_notice':{'ref':42}}",
	    "denial_notice.ref: expected a string, got 42");
	encode_fails("{'denial_notice':{'handling':'amber'}}",
	    "denial_notice.handling: expected an object (Handling), got "
	    "\"amber\"");
	encode_fails("{'denial_notice':{'handling':{'forwarding_allowed':1}}}",
	    "denial_notice.handling.forwarding_allowed: expected true or "
	    "false, got 1");
	encode_fails("{'denial_notice':{'parties':{'name':'x'}}}",
	    "denial_notice.parties: expected an array, got an object");
	encode_fails("{'denial_notice':{'transit_countries':['AE',7]}}",
	    "denial_notice.transit_countries[1]: expected a string, got 7");
	encode_fails("{'denial_notice':{'items':[{'value_minor':1.5}]}}",
	    "denial_notice.items[0].value_minor: expected an integer "
	    "0..9223372036854775807, got 1.5");
	encode_fails("{'heads_attestation':{'heads':[{'leaf_hash':'abc'}]}}",
	    "heads_attestation.heads[0].leaf_hash: expected hex bytes (an "
	    "even number of digits), got \"abc\"");
	encode_fails("{'heads_attestation':{'heads':[{'leaf_hash':'zz'}]}}",
	    "heads_attestation.heads[0].leaf_hash: expected hex bytes, got "
	    "\"zz\"");
	encode_fails("{'heads_attestation':{'heads':[{'seq':true}]}}",
	    "heads_attestation.heads[0].seq: expected an integer");
	encode_fails("{'denial_notice':{'reasons':[{'code':['x']}]}}",
	    "denial_notice.reasons[0].code: expected one of "
	    "REASON_WMD_NUCLEAR");
}

static void
rejects_out_of_range_numbers(void **state)
{
	(void)state;
	encode_fails("{'consultation_request':{'deadline_days':4294967296}}",
	    "consultation_request.deadline_days: expected an integer "
	    "0..4294967295, got 4294967296");
	encode_fails("{'consultation_request':{'deadline_days':-1}}",
	    "consultation_request.deadline_days: expected an integer "
	    "0..4294967295, got -1");
	encode_fails("{'heads_attestation':{'as_of_ms':-5}}",
	    "heads_attestation.as_of_ms: expected an integer "
	    "0..9223372036854775807, got -5");
}

static void
rejects_unknown_fields(void **state)
{
	(void)state;
	encode_fails("{'denial_notice':{'ref':'x','colour':'red'}}",
	    "denial_notice.colour: unknown field of DenialNotice (expected "
	    "one of ref, handling, regime,");
	encode_fails("{'denial_notice':{'parties':[{},{'aliases':[{'kind':"
	    "'aka'}]}]}}", "denial_notice.parties[1].aliases[0].kind: "
	    "unknown field of Alias (expected one of type, name)");
	/* Header fields are not body fields. */
	encode_fails("{'denial_notice':{'seq':3}}",
	    "denial_notice.seq: unknown field of DenialNotice");
}

static void
rejects_unknown_body_type(void **state)
{
	(void)state;
	encode_fails("{'denial_notise':{}}",
	    "body: expected a body type (one of denial_notice, denial_update, "
	    "consultation_request, consultation_reply, licence_decision, "
	    "end_user_alert, alert_update, control_status, "
	    "heads_attestation, consultation_info), got \"denial_notise\"");
	/* Entry's header fields are not bodies either. */
	encode_fails("{'origin':'JP-METI'}", "body: expected a body type");
	encode_fails("{'seq':{}}", "body: expected a body type");
}

static void
rejects_body_with_two_keys_or_none(void **state)
{
	(void)state;
	encode_fails("{'denial_notice':{},'denial_update':{}}",
	    "body: expected exactly one key (one of denial_notice, "
	    "denial_update,");
	encode_fails("{}", "body: expected exactly one key");
	encode_fails("[{'denial_notice':{}}]",
	    "body: expected an object with one body, such as "
	    "{\"denial_notice\": {...}}, got an array");
	encode_fails("{'denial_notice':null}",
	    "denial_notice: expected an object, got null");
	encode_fails("{'denial_notice':[]}",
	    "denial_notice: expected an object (DenialNotice), got an array");
}

/* null leaves a field at its default, as in the proto3 JSON mapping. */
static void
treats_null_as_default(void **state)
{
	(void)state;
	normalises_to("{'denial_notice':{'ref':'R','handling':null,'items':"
	    "null,'decision_date_ms':null}}", "{'ref':'R'}");
	/* Defaults are omitted on decode. */
	normalises_to("{'denial_notice':{'ref':'','regime':'WA','items':[],"
	    "'handling':{'tlp':'TLP_UNSPECIFIED','forwarding_allowed':false},"
	    "'decision_date_ms':0}}", "{'regime':'WA','handling':{}}");
}

static char *
repeat_char(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
enforces_string_max(void **state)
{
	json_t	*body, *notice;
	uint8_t	*out;
	size_t	 len;
	char	*s, err[ERRSZ];

	(void)state;
	s = repeat_char('x', STRING_MAX);
	notice = json_object();
	json_object_set_new(notice, "end_use", json_string(s));
	body = json_pack("{s:o}", "denial_notice", notice);
	encode_ok(body, &out, &len);
	free(out);

	free(s);
	s = repeat_char('x', STRING_MAX + 1);
	json_object_set_new(notice, "end_use", json_string(s));
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "denial_notice.end_use: string of 4097 "
	    "bytes > STRING_MAX 4096");
	assert_null(out);
	json_decref(body);
	free(s);

	/* A multi-byte character counts as its bytes. */
	s = malloc(STRING_MAX + 2);
	assert_non_null(s);
	memset(s, 'x', STRING_MAX - 1);
	memcpy(s + STRING_MAX - 1, "\xc3\xa9", 3);	/* 4097 bytes */
	body = json_pack("{s:{s:[{s:s}]}}", "denial_notice", "parties",
	    "name", s);
	assert_non_null(body);
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "denial_notice.parties[0].name: string of "
	    "4097 bytes > STRING_MAX 4096");
	json_decref(body);
	free(s);

	/* An embedded NUL (possible in a json_t built by hand). */
	body = json_pack("{s:{s:s%}}", "denial_notice", "ref", "a\0b",
	    (size_t)3);
	assert_non_null(body);
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "denial_notice.ref: string contains a NUL "
	    "character");
	json_decref(body);
}

static void
enforces_repeated_max(void **state)
{
	json_t	*body, *arr;
	uint8_t	*out;
	size_t	 len, i;
	char	 err[ERRSZ];

	(void)state;
	arr = json_array();
	for (i = 0; i < REPEATED_MAX; i++)
		json_array_append_new(arr, json_string("AE"));
	body = json_pack("{s:{s:O}}", "denial_notice", "transit_countries",
	    arr);
	encode_ok(body, &out, &len);
	free(out);
	json_decref(body);

	json_array_append_new(arr, json_string("AE"));
	body = json_pack("{s:{s:{s:O}}}", "consultation_request",
	    "transaction", "transit_countries", arr);
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_string_equal(err, "consultation_request.transaction."
	    "transit_countries: 257 elements > REPEATED_MAX 256");
	assert_null(out);
	json_decref(body);
	json_decref(arr);
}

/* Each field within limits, the whole beyond what an entry can carry. */
static void
enforces_body_max(void **state)
{
	json_t	*items, *body;
	uint8_t	*out;
	size_t	 len, i;
	char	*s, err[ERRSZ];

	(void)state;
	s = repeat_char('d', STRING_MAX);
	items = json_array();
	for (i = 0; i < 100; i++)
		json_array_append_new(items, json_pack("{s:s}",
		    "description", s));
	body = json_pack("{s:{s:o}}", "denial_notice", "items", items);
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_int_equal(strncmp(err, "denial_notice: encodes to 41", 28), 0);
	assert_non_null(strstr(err, " bytes > PBJSON_BODY_MAX"));
	assert_null(out);
	json_decref(body);
	free(s);
}

/* Untrusted text is quoted escaped and cut in error messages. */
static void
quotes_untrusted_text_in_errors(void **state)
{
	json_t	*body;
	uint8_t	*out;
	size_t	 len;
	char	 err[ERRSZ], *s;

	(void)state;
	body = j("{'denial_update':{'action':'x\\\"\\u001b[31m'}}");
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_non_null(strstr(err, "got \"x\\\"\\x1b[31m\""));
	json_decref(body);

	s = repeat_char('k', 500);
	body = json_pack("{s:{s:s}}", "denial_update", "action", s);
	assert_int_equal(pbjson_body_encode(body, &out, &len, err,
	    sizeof(err)), LCN_EINVAL);
	assert_non_null(strstr(err, "kkk...\""));
	assert_true(strlen(err) < 400);
	json_decref(body);
	free(s);
}

/* A realistic notice of about 600 bytes of JSON, as `lcn publish` sends. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips_denial_notice),
		cmocka_unit_test(round_trips_denial_update),
		cmocka_unit_test(round_trips_consultation_request),
		cmocka_unit_test(round_trips_consultation_reply),
		cmocka_unit_test(round_trips_licence_decision),
		cmocka_unit_test(round_trips_end_user_alert),
		cmocka_unit_test(round_trips_alert_update),
		cmocka_unit_test(round_trips_control_status),
		cmocka_unit_test(round_trips_heads_attestation),
		cmocka_unit_test(round_trips_empty_body),
		cmocka_unit_test(encodes_entry_with_only_the_body),
		cmocka_unit_test(accepts_enum_prefix_and_case_forms),
		cmocka_unit_test(accepts_dates_for_ms_fields),
		cmocka_unit_test(rejects_bad_dates),
		cmocka_unit_test(rejects_unknown_enum_name_with_path),
		cmocka_unit_test(rejects_wrong_types_with_path),
		cmocka_unit_test(rejects_out_of_range_numbers),
		cmocka_unit_test(rejects_unknown_fields),
		cmocka_unit_test(rejects_unknown_body_type),
		cmocka_unit_test(rejects_body_with_two_keys_or_none),
		cmocka_unit_test(treats_null_as_default),
		cmocka_unit_test(enforces_string_max),
		cmocka_unit_test(enforces_repeated_max),
		cmocka_unit_test(enforces_body_max),
		cmocka_unit_test(quotes_untrusted_text_in_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
