# Receipts after a partner was offline, and what lcn status asks an
# officer to act on (issue 9). JP-METI publishes a denial while DE-BAFA
# is down: lcn receipts shows US-BIS holding it and DE-BAFA not yet; once
# DE-BAFA is back and has attested its copy, DE-BAFA holds it since a
# time after its restart (US-BIS since before). The denial's review date
# has passed and JP-METI's alert expires within 30 days: JP-METI's lcn
# status lists both under "Needs attention", and a partner's status does
# not list JP-METI's denial as its own to review.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 1" \
	    --group WA "DE-BAFA JP-METI US-BIS"
done
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI

YEAR=$(date -u +%Y)
DN1="JP-METI/DN/$YEAR/0001"
DN="JP-METI/DN/$YEAR/0002"
EUA="JP-METI/EUA/$YEAR/0001"
jq -n '{regime: "WA", control_basis: "listed_item",
    items: [{control_entry: "3A001.b.1"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co.",
        country: "CN"}],
    destination_country: "CN", decision_date_ms: "2022-03-01",
    review_date_ms: "2025-03-01"}' >"$T/deny.json"
jq '.review_date_ms = "2029-03-01"' "$T/deny.json" >"$T/deny1.json"

# receipt ID REF AGENCY FIELD: one field of AGENCY's receipt at ID.
receipt() {
	lcn_at "$1" --json receipts "$2" |
	    jq -r --arg a "$3" --arg f "$4" \
	    '[.receipts[] | select(.agency == $a) | .[$f] | tostring] | first // "none"'
}
# A first denial everyone holds and attests; then DE-BAFA goes down.
lcn_at JP-METI deny "$T/deny1.json" >/dev/null
wait_until 15 '[ "$(receipt JP-METI "$DN1" DE-BAFA holds)" = true ]' ||
    fail "DE-BAFA never held $DN1"
stop_node DE-BAFA
lcn_at JP-METI deny "$T/deny.json" >/dev/null
until=$(date -u -d "+10 days" +%Y-%m-%d)
jq -n --arg u "$until" '{party: {role: "end_user",
    name: "Sunrise Trading FZE", country: "AE"},
    concerns: ["front_company"], via_country: "AE", confidence_pct: 80,
    valid_from_ms: "2026-01-01", valid_until_ms: $u}' >"$T/alert.json"
lcn_at JP-METI alert "$T/alert.json" >/dev/null

wait_until 15 '[ "$(receipt JP-METI "$DN" US-BIS holds)" = true ]' ||
    fail "US-BIS never held $DN: $(lcn_at JP-METI --json receipts "$DN")"
assert_eq false "$(receipt JP-METI "$DN" DE-BAFA holds)" \
    "DE-BAFA holds $DN while down"
lcn_at JP-METI receipts "$DN" | grep -q "^DE-BAFA *not yet" ||
    fail "lcn receipts: $(lcn_at JP-METI receipts "$DN")"

restart_ms=$(now_ms)
start_node DE-BAFA
wait_until 20 '[ "$(receipt JP-METI "$DN" DE-BAFA holds)" = true ]' ||
    fail "DE-BAFA never held $DN: $(lcn_at JP-METI --json receipts "$DN")"
since=$(receipt JP-METI "$DN" DE-BAFA since_ms)
[ "$since" -ge "$restart_ms" ] ||
    fail "DE-BAFA holds $DN since $since, before its restart $restart_ms"
[ "$(receipt JP-METI "$DN" US-BIS since_ms)" -lt "$restart_ms" ] ||
    fail "US-BIS's receipt of $DN is not from before DE-BAFA's restart"
lcn_at JP-METI receipts "$DN" | grep -q "^DE-BAFA *yes" ||
    fail "lcn receipts: $(lcn_at JP-METI receipts "$DN")"

# Status: the denial due for review and the alert about to expire.
js=$(status_json JP-METI)
assert_eq "$DN 2025-03-01" "$(jq -r '.attention.review_due[] |
    "\(.ref) \(.until_ms / 1000 | strftime("%Y-%m-%d"))"' <<<"$js")" \
    "JP-METI's denials due for review"
assert_eq "$EUA" "$(jq -r '.attention.expiring[].ref' <<<"$js")" \
    "alerts expiring within 30 days"
out=$(lcn_at JP-METI status)
grep -qF "! denial $DN is past its review date 2025-03-01" <<<"$out" ||
    fail "lcn status: $out"
grep -qF "! alert $EUA expires $until" <<<"$out" ||
    fail "lcn status: $out"
# A partner reviews its own denials only; the alert concerns it too.
wait_until 10 '[ "$(status_json US-BIS | jq -r ".attention.expiring[].ref")" = "$EUA" ]' ||
    fail "US-BIS: $(status_json US-BIS | jq -c .attention)"
assert_eq 0 "$(status_json US-BIS | jq '.attention.review_due | length')" \
    "denials for US-BIS to review"

stop_and_verify JP-METI US-BIS DE-BAFA
