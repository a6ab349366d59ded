# Screening and the no-undercut check: a denial
# published at JP-METI is found at US-BIS by an alias in another script,
# and leaves the active results once revoked; imported lists are screened
# too; reindexing rebuilds the same answers from the ledger.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_established JP-METI

cat >"$T/denial.json" <<'JSON'
{"denial_notice": {"ref": "JP-METI/DN/2026/0001", "regime": "WA",
  "control_basis": "listed_item", "items": [{"control_entry": "3A001.b.1"}],
  "parties": [{"role": "end_user",
    "name": "Nanhai Hengtai Microwave Technology Co., Ltd.",
    "name_local": "南海恒泰微波技术有限公司", "country": "CN",
    "aliases": [{"type": "aka", "name": "Hengtai Microwave"}],
    "identifiers": [{"scheme": "registration", "value": "91440605MA4UJ12K3X"}]}],
  "destination_country": "CN", "decision_date_ms": "2026-11-02"}}
JSON
publish_file JP-METI WA "$T/denial.json"
wait_feed US-BIS JP-METI WA 1
# Each node indexes entries by itself once their signatures are checked.
index_current() {
	status_json "$1" | jq -e '.index_pending == 0' >/dev/null
}
wait_until 10 "index_current US-BIS && index_current JP-METI"

# hit ID QUERY [ARGS]: the ref of the first hit for QUERY at ID, or "".
hit() {
	local id=$1 q=$2

	shift 2
	lcn_at "$id" --json screen "$q" "$@" | jq -r '.hits[0].ref // ""'
}
assert_eq "JP-METI/DN/2026/0001" "$(hit US-BIS '南海恒泰微波技术有限公司')" "local-script name"
assert_eq "JP-METI/DN/2026/0001" "$(hit US-BIS 'HENGTAI MICROWAVE CO LTD')" "alias with a legal form"
assert_eq "JP-METI/DN/2026/0001" "$(hit US-BIS 'Hengtai Mikrowave Nanhai Technology' --country CN)" "typo and word order"
assert_eq "" "$(hit US-BIS 'Siemens Aktiengesellschaft')" "an unrelated company"
assert_eq "" "$(hit US-BIS 'Nanhai Wave Technology')" "a weak name alone"
assert_eq "JP-METI/DN/2026/0001" \
    "$(hit US-BIS 'Nanhai Wave Technology' --id 91440605-MA4UJ12K3X)" \
    "a weak name with the party's registration number"
lcn_at US-BIS screen 'Hengtai Microwave' | grep -q 'JP-METI/DN/2026/0001' ||
    fail "the table output lacks the denial"

# The no-undercut check: an overlapping entry at an entry boundary, the
# same destination and the party under its Chinese name.
# check_at ID ARG...: lcn check, whose exit status 3 says a denial or an
# alert concerns the application (an answer, not a failure).
check_at() {
	lcn_at "$@" || [ $? -eq 3 ]
}
check_refs() {		# FILE: "REF CONSULT" of each denial result
	check_at US-BIS --json check "$1" | jq -r '.results[] |
	    select(.source == "denial") | "\(.ref) \(.consult)"'
}
cat >"$T/app.json" <<'JSON'
{"items": [{"control_entry": "3A001.b"}],
 "parties": [{"role": "end_user", "name": "南海恒泰微波技术有限公司", "country": "CN"}],
 "destination_country": "CN"}
JSON
assert_eq "JP-METI/DN/2026/0001 notify-after" "$(check_refs "$T/app.json")" "check"
check_at US-BIS check "$T/app.json" | grep -q 'JP-METI/DN/2026/0001' ||
    fail "the table output of check lacks the denial"
sed 's/"CN"}$/"AE"}/' "$T/app.json" >"$T/app-ae.json"
assert_eq "" "$(check_refs "$T/app-ae.json")" "check with another destination"
sed 's/3A001.b/catch-all/' "$T/app.json" >"$T/app-ca.json"
assert_eq "" "$(check_refs "$T/app-ca.json")" "check of a catch-all item"

# An alert on a route: diversion through a destination or transit country.
cat >"$T/alert.json" <<'JSON'
{"end_user_alert": {"ref": "US-BIS/EUA/2026/0007",
  "party": {"role": "agent", "name": "Orion Gulf Trading FZE", "country": "AE"},
  "concerns": ["procurement_agent", "transshipment"], "via_country": "AE",
  "valid_from_ms": "2026-01-01"}}
JSON
publish_file US-BIS WA "$T/alert.json"
wait_feed JP-METI US-BIS WA 1
cat >"$T/app-route.json" <<'JSON'
{"items": [{"control_entry": "5A002.a"}],
 "parties": [{"role": "end_user", "name": "Gulfstar Components LLC", "country": "AE"}],
 "destination_country": "OM", "transit_countries": ["AE"]}
JSON
assert_eq "US-BIS/EUA/2026/0007" "$(check_at JP-METI --json check "$T/app-route.json" |
    jq -r '.results[] | select(.source == "alert") | .ref')" "alert on the route"
assert_eq "US-BIS/EUA/2026/0007" "$(lcn_at JP-METI --json screen 'Orion Gulf Trading' |
    jq -r '.hits[0].ref')" "the alerted party"

cat >"$T/revoke.json" <<'JSON'
{"denial_update": {"ref": "JP-METI/DU/2026/0001",
  "denial_ref": "JP-METI/DN/2026/0001", "action": "revoke",
  "reason": "End user ceased trading"}}
JSON
publish_file JP-METI WA "$T/revoke.json"
wait_feed US-BIS JP-METI WA 2
assert_eq "" "$(hit US-BIS 'Hengtai Microwave')" "a revoked denial"
assert_eq "" "$(check_refs "$T/app.json")" "check after the revocation"
assert_eq revoked "$(lcn_at US-BIS --json screen 'Hengtai Microwave' --all |
    jq -r '.hits[0].state')" "state with --all"

# A public list, imported locally.
out=$(lcn_at US-BIS import-list un-xml "$SRC/tests/data/UN_consolidated.xml")
[[ $out == *"1003 parties"* ]] || fail "UN import: $out"
assert_eq QDi.320 "$(hit US-BIS 'Abd al-Hamid al-Masli')" "a UN-listed name"
assert_eq QDi.320 "$(hit US-BIS 'عبدالحميد المصلي')" "its original script"

# The index rebuilt from the ledger gives the same answers.
# lcn reindex returns once lcnd, rebuilding in steps, has caught up.
entries=$(lcn_at US-BIS --json reindex | jq -r '.entries')
[ "$entries" -ge 2 ] || fail "reindex counted $entries entries"
assert_eq 0 "$(status_json US-BIS | jq -r '.index_pending')" \
    "entries left to index after lcn reindex"
assert_eq revoked "$(lcn_at US-BIS --json screen 'Hengtai Microwave' --all |
    jq -r '.hits[0].state')" "state after reindex"
assert_eq QDi.320 "$(hit US-BIS 'Abd al-Hamid al-Masli')" "UN list after reindex"

stop_and_verify JP-METI US-BIS
