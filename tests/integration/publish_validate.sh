# lcn publish validates every body before anything is signed (issue 9):
# each case the issue found signed with exit 0 (an empty denial, a control
# entry "foo", a country "Japan", a ref in another agency's namespace, a
# review date before the decision date, the same ref twice, a revocation
# of a denial that does not exist, US-BIS "revoking" JP-METI's denial) is
# refused with its field named and nothing published; a body without a
# ref is given the next one.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_established JP-METI

YEAR=$(date -u +%Y)
# denial REF [FIELD-OVERRIDES]: a valid denial body, fields replaced by jq.
denial() {
	jq -cn --arg ref "$1" "{denial_notice: ({ref: \$ref, regime: \"WA\",
	    control_basis: \"listed_item\",
	    items: [{control_entry: \"3A001.b.1\"}],
	    parties: [{role: \"end_user\", name: \"Hengtai Microwave Co.\",
	        country: \"CN\"}],
	    destination_country: \"CN\", decision_date_ms: \"2026-11-02\"}
	    ${2:+| $2})}"
}

# refused ID BODY MESSAGE: lcn publish exits non-zero with MESSAGE, and
# ID's feed ID/WA does not move.
refused() {
	local id=$1 before rc=0 out

	before=$(feed_seq "$id" "$id" WA)
	printf '%s\n' "$2" >"$T/body.json"
	out=$(lcn_at "$id" publish --group WA "$T/body.json" 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "published with exit 0: $2"
	grep -qF -- "$3" <<<"$out" ||
	    fail "lcn publish $2: expected '$3', got '$out'"
	assert_eq "$before" "$(feed_seq "$id" "$id" WA)" "seq after a refusal"
}

refused JP-METI '{"denial_notice":{}}' \
    'regime: expected the regime, such as WA, NSG, AG or MTCR'
refused JP-METI "$(denial "JP-METI/DN/$YEAR/0001" \
    '.items[0].control_entry = "foo"')" \
    'items[0].control_entry: expected a control-list entry such as 3A001.b.1, ML10.a, EAR99 or catch-all, got "foo"'
refused JP-METI "$(denial "JP-METI/DN/$YEAR/0001" \
    '.parties[0].country = "Japan"')" \
    'parties[0].country: expected an ISO 3166-1 alpha-2 code such as JP, got "Japan"'
refused JP-METI "$(denial "US-BIS/DN/$YEAR/0001")" \
    "ref: US-BIS/DN/$YEAR/0001 is in US-BIS's namespace; JP-METI publishes only refs that begin with JP-METI/"
refused JP-METI "$(denial "JP-METI/DN/$YEAR/0001" \
    '.review_date_ms = "2026-10-01"')" \
    'review_date_ms: expected a review date after the decision date 2026-11-02, got 2026-10-01'

# A valid one is published; its ref cannot be used again.
denial "JP-METI/DN/$YEAR/0001" >"$T/ok.json"
publish_file JP-METI WA "$T/ok.json"
wait_feed US-BIS JP-METI WA 1
refused JP-METI "$(denial "JP-METI/DN/$YEAR/0001")" \
    "ref: JP-METI/DN/$YEAR/0001 is already used by JP-METI/WA seq 1"

# Updates: only of a denial this node published, and not after revocation.
revoke() {	# OWN-REF DENIAL-REF
	jq -cn --arg ref "$1" --arg dn "$2" '{denial_update: {ref: $ref,
	    denial_ref: $dn, action: "revoke", reason: "ceased trading"}}'
}
refused JP-METI "$(revoke "JP-METI/DU/$YEAR/0001" "JP-METI/DN/$YEAR/0099")" \
    "denial_ref: JP-METI/DN/$YEAR/0099: JP-METI has published no such denial"
refused US-BIS "$(revoke "US-BIS/DU/$YEAR/0001" "JP-METI/DN/$YEAR/0001")" \
    "denial_ref: JP-METI/DN/$YEAR/0001 is JP-METI's denial; only JP-METI can update it"
revoke "JP-METI/DU/$YEAR/0001" "JP-METI/DN/$YEAR/0001" >"$T/revoke.json"
publish_file JP-METI WA "$T/revoke.json"
refused JP-METI "$(revoke "JP-METI/DU/$YEAR/0002" "JP-METI/DN/$YEAR/0001")" \
    "denial_ref: JP-METI/DN/$YEAR/0001 is revoked; no update can follow a revocation"

# A body without a ref gets the next of its kind and year.
denial "" 'del(.ref)' >"$T/noref.json"
publish_file JP-METI WA "$T/noref.json"
assert_eq "JP-METI/DN/$YEAR/0002" \
    "$(log_refs JP-METI --feed JP-METI/WA --since 2)" "assigned ref"
wait_feed US-BIS JP-METI WA 3
stop_and_verify JP-METI US-BIS
