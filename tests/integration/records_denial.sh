# A denial's lifecycle with the typed commands (issue 9): lcn deny
# publishes to the regime's group and prints the ref lcnd assigned; lcn
# deny-update amends, suspends, renews and revokes it, each state seen by
# lcn show and lcn denials --state at every member of the group and never
# at a non-member; lcn receipts and show say which partners hold it;
# refusals (another agency's denial, an update after the
# revocation, a regime without a group, a missing --reason) name the
# record's state or the config section, and exit 1 (2 for usage).
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 1" \
	    --group WA "DE-BAFA JP-METI US-BIS" --group AG "JP-METI US-BIS"
done
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI

YEAR=$(date -u +%Y)
DN="JP-METI/DN/$YEAR/0001"
jq -n '{regime: "WA", control_basis: "listed_item",
    items: [{control_entry: "3A001.b.1"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co.",
        country: "CN"}],
    destination_country: "CN", decision_date_ms: "2026-11-02"}' \
    >"$T/deny.json"

# state ID EXPECTED: lcn show's state of $DN at ID, and lcn denials
# --state EXPECTED lists it there.
state_at() {
	local id=$1 want=$2 got

	wait_until 10 "[ \"\$(lcn_at $id --json show $DN | jq -r .record.state)\" = $want ]" ||
	    fail "$id: $DN is $(lcn_at "$id" --json show "$DN" |
	    jq -r .record.state), expected $want"
	got=$(lcn_at "$id" denials --state "$want" --json |
	    jq -r '.records[].ref')
	assert_eq "$DN" "$got" "$id: lcn denials --state $want"
}
everywhere() {
	for id in JP-METI US-BIS DE-BAFA; do
		state_at "$id" "$1"
	done
}

# Published to group WA (the regime's), with the ref it was given.
out=$(lcn_at JP-METI deny "$T/deny.json")
assert_eq "$DN JP-METI/WA seq 1" "$out" "lcn deny's answer"
everywhere active

# Amended: the state stays, the content changes.
jq '.destination_country = "HK" | .parties[0].country = "HK"' \
    "$T/deny.json" >"$T/amend.json"
lcn_at JP-METI deny-update "$DN" --amend "$T/amend.json" \
    --reason "routed through Hong Kong" >/dev/null
everywhere active
wait_until 10 "[ \"\$(lcn_at US-BIS --json show $DN | jq -r .record.country)\" = HK ]" ||
    fail "the amendment did not reach US-BIS"

lcn_at JP-METI deny-update "$DN" --suspend --reason "court order" >/dev/null
everywhere suspended
lcn_at JP-METI deny-update "$DN" --renew --review 2029-11-02 \
    --reason "order lifted" >/dev/null
everywhere active
# --at evaluates the review date: due after 2029-11-02.
assert_eq review-due "$(lcn_at DE-BAFA --json show "$DN" --at 2030-01-01 |
    jq -r .record.state)" "state at 2030-01-01"
lcn_at JP-METI deny-update "$DN" --revoke --reason "ceased trading" \
    >/dev/null
everywhere revoked

# The filters, at DE-BAFA: the amended destination, the entry's head, a
# party by screening, the origin; none of them hides a revoked denial
# without --state.
filtered() {
	lcn_at DE-BAFA denials --json "$@" | jq -r '[.records[].ref] | join(" ")'
}
assert_eq "$DN" "$(filtered --country HK --entry 3A001 --from JP-METI)" \
    "denials --country HK --entry 3A001 --from JP-METI"
assert_eq "$DN" "$(filtered --party "HENGTAI MICROWAVE CO LTD")" \
    "denials --party"
assert_eq "" "$(filtered --country CN)" "denials --country CN"
assert_eq "" "$(filtered --mine)" "denials --mine at DE-BAFA"
assert_eq "" "$(filtered --state active)" "denials --state active"

# The history: the notice and four updates, who and why.
hist=$(lcn_at US-BIS --json show "$DN" |
    jq -r '.history[] | "\(.action) \(.agency) \(.reason)"')
assert_eq "notice JP-METI 
amend JP-METI routed through Hong Kong
suspend JP-METI court order
renew JP-METI order lifted
revoke JP-METI ceased trading" "$hist" "history at US-BIS"

# refused EXIT MESSAGE CMD...: lcn exits EXIT with MESSAGE on stderr.
refused() {
	local want=$1 msg=$2 rc=0 out

	shift 2
	out=$("$@" 2>&1) || rc=$?
	assert_eq "$want" "$rc" "exit status of $*"
	grep -qF -- "$msg" <<<"$out" || fail "$*: expected '$msg', got '$out'"
}
refused 1 "is revoked; no update can follow a revocation" \
    lcn_at JP-METI deny-update "$DN" --suspend --reason again
refused 1 "is JP-METI's denial; only JP-METI can update it" \
    lcn_at US-BIS deny-update "$DN" --revoke --reason mine
refused 2 "--reason is required" lcn_at JP-METI deny-update "$DN" --revoke
refused 2 "which action?" lcn_at JP-METI deny-update "$DN" --reason x
jq '.regime = "NSG"' "$T/deny.json" >"$T/nsg.json"
refused 1 "no [group NSG] in $T/JP-METI/lcnd.conf: add it" \
    lcn_at JP-METI deny "$T/nsg.json"
# --json: the error as one object, with the field.
js=$(lcn_at JP-METI deny "$T/nsg.json" --json 2>/dev/null) || true
assert_eq "false regime" "$(jq -r '"\(.ok) \(.error.field)"' <<<"$js")" \
    "--json refusal"

# A denial of regime AG reaches US-BIS, never DE-BAFA.
jq '.regime = "AG"' "$T/deny.json" >"$T/ag.json"
AG=$(lcn_at JP-METI deny "$T/ag.json" | cut -d' ' -f1)
assert_eq "JP-METI/DN/$YEAR/0002" "$AG" "the AG denial's ref"
wait_until 10 "lcn_at US-BIS show $AG >/dev/null 2>&1" ||
    fail "US-BIS never saw $AG"
refused 1 "no record $AG" lcn_at DE-BAFA show "$AG"
assert_eq "" "$(lcn_at DE-BAFA denials --json | jq -r ".records[] |
    select(.ref == \"$AG\") | .ref")" "DE-BAFA's denials"

# Receipts: the partners' signed heads attestations say who holds what.
holders() {	# ID REF: the agencies holding REF, by ID's lcn receipts
	lcn_at "$1" --json receipts "$2" |
	    jq -r '[.receipts[] | select(.holds) | .agency] | join(" ")'
}
wait_until 15 '[ "$(holders JP-METI "$DN")" = "DE-BAFA US-BIS" ]' ||
    fail "receipts of $DN at JP-METI: $(holders JP-METI "$DN")"
wait_until 15 '[ "$(holders JP-METI "$AG")" = "US-BIS" ]' ||
    fail "receipts of $AG at JP-METI: $(holders JP-METI "$AG")"
lcn_at JP-METI show "$DN" | grep -q "^US-BIS *yes" ||
    fail "lcn show's receipts: $(lcn_at JP-METI show "$DN")"
stop_and_verify JP-METI US-BIS DE-BAFA
