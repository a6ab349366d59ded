# An end-user alert and the control matrix with the typed commands (issue
# 9), three real nodes: lcn alert publishes (to the node's only group) and
# prints the assigned ref; lcn alert-update extends and withdraws it, each
# state seen by lcn show and lcn alerts at every partner; a withdrawn
# alert takes no update. Then control status at three agencies (one by
# FILE, two by flags) and lcn controls at each node shows the same matrix.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --group WA "DE-BAFA JP-METI US-BIS"
done
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established DE-BAFA

YEAR=$(date -u +%Y)
EUA="DE-BAFA/EUA/$YEAR/0001"
jq -n '{party: {role: "end_user", name: "Sunrise Trading FZE",
        country: "AE"}, concerns: ["front_company"], via_country: "AE",
    confidence_pct: 80, valid_from_ms: "2026-11-01",
    valid_until_ms: "2027-05-01"}' >"$T/alert.json"
out=$(lcn_at DE-BAFA alert "$T/alert.json")
assert_eq "$EUA DE-BAFA/WA seq 1" "$out" "lcn alert's answer"

# alert_state ID EXPECTED [--at DATE]
alert_state() {
	local id=$1 want=$2

	shift 2
	wait_until 10 "[ \"\$(lcn_at $id --json show $EUA $* | jq -r .record.state)\" = $want ]" ||
	    fail "$id: $EUA is $(lcn_at "$id" --json show "$EUA" "$@" |
	    jq -r .record.state), expected $want"
}
for id in JP-METI US-BIS DE-BAFA; do
	alert_state "$id" active --at 2026-12-01
	alert_state "$id" expired --at 2027-06-01
done
lcn_at DE-BAFA alert-update "$EUA" --extend 2027-12-01 \
    --reason "still trading" >/dev/null
for id in JP-METI US-BIS DE-BAFA; do
	alert_state "$id" active --at 2027-06-01
done
assert_eq "$EUA" "$(lcn_at US-BIS alerts --at 2027-06-01 --state active \
    --json | jq -r '.records[].ref')" "US-BIS: active alerts in 2027-06"
lcn_at DE-BAFA alert-update "$EUA" --withdraw --reason "dissolved" \
    >/dev/null
for id in JP-METI US-BIS DE-BAFA; do
	alert_state "$id" withdrawn
done
rc=0
out=$(lcn_at DE-BAFA alert-update "$EUA" --extend 2028-01-01 \
    --reason again 2>&1) || rc=$?
assert_eq 1 "$rc" "exit status of an update after a withdrawal"
grep -qF "is withdrawn" <<<"$out" ||
    fail "an update after a withdrawal: got '$out'"
rc=0
out=$(lcn_at DE-BAFA alert-update "$EUA" --revoke --reason x 2>&1) || rc=$?
assert_eq 2 "$rc" "exit status of --revoke on an alert"

# Control status: JP-METI from a FILE, the others by flags.
jq -n '{regime: "WA", control_entry: "3A001.b.12",
    stage: "STAGE_IMPLEMENTED", effective_date_ms: "2026-07-01",
    legal_instrument: "METI Ordinance 12"}' >"$T/cs.json"
lcn_at JP-METI control-status "$T/cs.json" >/dev/null
lcn_at US-BIS control-status --regime WA --entry 3A001.b.12 \
    --stage agreed >/dev/null
lcn_at DE-BAFA control-status --regime WA --entry 3A001.b.12 \
    --stage technically-matured >/dev/null
for id in JP-METI US-BIS DE-BAFA; do
	wait_until 10 "[ \"\$(lcn_at $id --json controls | jq '.cells | length')\" = 3 ]" ||
	    fail "$id: $(lcn_at "$id" --json controls)"
	assert_eq "DE-BAFA technically-matured
JP-METI implemented 2026-07-01
US-BIS agreed" "$(lcn_at "$id" --json controls --entry 3A001 |
	    jq -r '.cells[] | "\(.agency) \(.stage)\(if .effective_ms > 0
	    then " " + (.effective_ms / 1000 | strftime("%Y-%m-%d"))
	    else "" end)"')" "$id: lcn controls"
done
lcn_at US-BIS controls --regime WA | grep -q "3A001.b.12.*technically-matured.*implemented 2026-07-01.*agreed" ||
    fail "the matrix: $(lcn_at US-BIS controls --regime WA)"
stop_and_verify JP-METI US-BIS DE-BAFA
