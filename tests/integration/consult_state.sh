# Consultations seen alike by both parties (issue 10): four consultations
# between three nodes (asked, replied, need-info, decided, one reply by
# the wrong agency), published as signed entries in the bilateral groups.
# Then, at the end of given days (--at, never a clock or a sleep), both
# parties' lcn consultations --json and lcn show --json agree on every
# consultation field for field (but direction and counterpart, which
# depend on who asks), the time left is the consulted agency's working
# days, --overdue and --state filter, a third agency sees only its own,
# lcn reindex gives byte-identical answers, and lcn report's figures for
# the regime are what the entries make, the same at both parties.
. "$(dirname "$0")/lib.sh"

# Days as YYYY-MM-DD, counted from today (UTC), and their last instant.
day() { date -u -d "today + $1 days" +%F; }
day_end_ms() { echo $(($(date -u -d "$1" +%s) * 1000 + 86399999)); }
weekday() { [ "$(date -u -d "$1" +%u)" -lt 6 ]; }

# Holidays in the two weeks ahead: JP-METI has one, on the first weekday
# from the day after tomorrow; US-BIS has two, the next two weekdays.
# JP-METI's calendar is in its [node] and in its partners' [partner
# JP-METI]; the time left of a request to JP-METI counts JP-METI's one
# holiday, never the asker's own two (nor none, the default).
H=()
for ((i = 2; i <= 13; i++)); do
	d=$(day "$i")
	! weekday "$d" || H+=("$d")
done
H_JP=${H[0]}
# And a weekend day 30 to 40 days ahead, a holiday that costs no working
# day: a file knows the years it lists, and the deadlines here (up to 28
# days ahead) must fall in one it knows to have their time left counted.
for ((i = 30; i <= 40; i++)); do
	W=$(day "$i")
	weekday "$W" || break
done
make_agencies JP-METI US-BIS DE-BAFA
printf '# test\n%s  a JP-METI holiday\n%s  on a weekend\n' "$H_JP" "$W" \
    >"$T/JP.txt"
printf '%s  a US-BIS holiday\n' "${H[1]}" "${H[2]}" "$W" >"$T/US.txt"
write_config JP-METI --group WA "DE-BAFA JP-METI US-BIS" \
    --group NSG "JP-METI US-BIS" --node "holidays = $T/JP.txt"
write_config US-BIS --group WA "DE-BAFA JP-METI US-BIS" \
    --group NSG "JP-METI US-BIS" --node "holidays = $T/US.txt"
write_config DE-BAFA --group WA "DE-BAFA JP-METI US-BIS" \
    --group NSG "JP-METI US-BIS"
for id in US-BIS DE-BAFA; do
	sed -i "/^\[partner JP-METI\]/a holidays = $T/JP.txt" \
	    "$T/$id/lcnd.conf"
done
sed -i "/^\[partner US-BIS\]/a holidays = $T/US.txt" "$T/JP-METI/lcnd.conf" \
    "$T/DE-BAFA/lcnd.conf"
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI

TODAY=$(day 0)
Y=$(date -u +%Y)

# The denials consulted on: JP-METI's NSG and WA denials, US-BIS's WA one.
deny() {	# ID REGIME ENTRY COUNTRY NAME
	jq -n --arg r "$2" --arg e "$3" --arg c "$4" --arg n "$5" \
	    --arg d "$TODAY" '{regime: $r, control_basis: "listed_item",
	    items: [{control_entry: $e}], parties: [{role: "end_user",
	    name: $n, country: $c}], destination_country: $c,
	    decision_date_ms: $d}' >"$T/deny.json"
	lcn_at "$1" deny "$T/deny.json" | cut -d' ' -f1
}
DN1=$(deny JP-METI NSG 3A225 AE "Gulf Precision Inverters FZE")
DN2=$(deny JP-METI WA 3A001.b.1 CN "Hengtai Microwave Co.")
DN3=$(deny US-BIS WA 4A003 IR "Parsian Compute Co.")
assert_eq "JP-METI/DN/$Y/0001 JP-METI/DN/$Y/0002 US-BIS/DN/$Y/0001" \
    "$DN1 $DN2 $DN3" "denial refs"

# request ID GROUP REF CONSULTED REGIME DENIAL DEADLINE_DAY BASIS DAYS
# SILENCE END_USE: a ConsultationRequest (DEADLINE_DAY "-": none).
request() {
	local dl=0

	[ "$7" = - ] || dl=$(day_end_ms "$7")
	jq -n -c --arg ref "$3" --arg to "$4" --arg regime "$5" \
	    --arg dn "$6" --argjson dl "$dl" --arg basis "$8" \
	    --argjson days "$9" --arg silence "${10}" --arg use "${11}" \
	    '{consultation_request: {ref: $ref, handling: {tlp: "TLP_AMBER"},
	    denial_refs: [$dn], transaction: {items: [{control_entry:
	    "3A225"}], parties: [{role: "ROLE_END_USER",
	    name: "Gulf Precision Inverters FZE", country: "AE"}],
	    destination_country: "AE", end_use: $use},
	    essentially_identical: true,
	    identity_reasoning: "same entry, end user and destination",
	    intended_decision: "INTENT_GRANT", deadline_ms: $dl,
	    deadline_basis: $basis, deadline_days: $days, silence: $silence,
	    regime: $regime, consulted: $to}}' >"$T/body.json"
	publish_file "$1" "$2" "$T/body.json"
}
# reply ID GROUP REF REQUEST POSITION GROUNDS
reply() {
	jq -n -c --arg ref "$3" --arg req "$4" --arg pos "$5" --arg g "$6" \
	    '{consultation_reply: {ref: $ref, handling: {tlp: "TLP_AMBER"},
	    request_ref: $req, position: $pos, grounds: $g}}' >"$T/body.json"
	publish_file "$1" "$2" "$T/body.json"
}

C1=US-BIS/CR/$Y/0001 C2=US-BIS/CR/$Y/0002
C3=DE-BAFA/CR/$Y/0001 C4=JP-METI/CR/$Y/0001
US_JP=JP-METI+US-BIS DE_JP=DE-BAFA+JP-METI
D14=$(day 14) D28=$(day 28)
request US-BIS "$US_JP" "$C1" JP-METI NSG "$DN1" "$D28" \
    DEADLINE_WORKING_DAYS 20 SILENCE_NO_EFFECT "inverters for a smelter"
request US-BIS "$US_JP" "$C2" JP-METI NSG "$DN1" "$D14" \
    DEADLINE_CALENDAR_DAYS 14 SILENCE_NO_OBJECTION "spares for the same"
request DE-BAFA "$DE_JP" "$C3" JP-METI WA "$DN2" "$(day 10)" \
    DEADLINE_WORKING_DAYS 10 SILENCE_NO_OBJECTION "a radar upgrade"
request JP-METI "$US_JP" "$C4" US-BIS WA "$DN3" - DEADLINE_NONE 0 \
    SILENCE_NO_EFFECT "a data centre"
reply JP-METI "$US_JP" "JP-METI/RP/$Y/0001" "$C1" POSITION_OBJECT \
    "the end user rebuilt the centrifuge hall"
reply JP-METI "$DE_JP" "JP-METI/RP/$Y/0002" "$C3" \
    POSITION_NEED_INFORMATION "who installs it?"
# JP-METI answering its own request: ignored, the reply is US-BIS's.
reply JP-METI "$US_JP" "JP-METI/RP/$Y/0003" "$C4" \
    POSITION_NO_OBJECTION "mine"
reply US-BIS "$US_JP" "US-BIS/RP/$Y/0001" "$C4" POSITION_NO_OBJECTION \
    "our denial was of another model"
# wait_state ID REF STATE EVENTS: ID holds REF's exchange of EVENTS
# entries and derives STATE from it (heads attestations share the
# feeds, so a feed's seq says nothing here).
wait_state() {
	local q=".consultation.state == \"$3\" and (.exchange | length) == $4"

	wait_until 30 "lcn_at $1 --json show $2 2>/dev/null | jq -e '$q' \
	    >/dev/null" || fail "$1: $2 is not $3 with $4 entries:" \
	    "$(lcn_at "$1" --json show "$2" 2>&1)"
}
wait_state US-BIS "$C1" replied 2
jq -n -c --arg ref "US-BIS/LD/$Y/0001" --arg req "$C1" \
    --argjson d "$(day_end_ms "$TODAY")" '{licence_decision: {ref: $ref,
    handling: {tlp: "TLP_AMBER"}, request_ref: $req, decision:
    "DECISION_DENY", date_ms: ($d - 86399999),
    explanation: "we follow JP-METI"}}' >"$T/body.json"
publish_file US-BIS "$US_JP" "$T/body.json"
wait_state JP-METI "$C1" decided 3
wait_state JP-METI "$C2" awaiting-reply 1
wait_state US-BIS "$C2" awaiting-reply 1
for id in JP-METI US-BIS; do
	wait_state "$id" "$C4" replied 3
done
for id in JP-METI DE-BAFA; do
	wait_state "$id" "$C3" info-requested 2
done

# The list at ID (ARGS...), as compact sorted JSON of what both parties
# must agree on, by ref.
agreed() {
	local id=$1

	shift
	lcn_at "$id" consultations --json "$@" | jq -S -c '[.consultations[] |
	    del(.direction, .counterpart)] | sort_by(.asker, .ref)'
}
refs() {
	local id=$1

	shift
	lcn_at "$id" consultations --json "$@" |
	    jq -r '[.consultations[].ref] | sort | join(" ")'
}
state_of() {	# ID REF AT
	lcn_at "$1" --json show "$2" --at "$3" |
	    jq -r '.consultation | "\(.state) \(.position) \(.decision)"'
}

AT1=$(day 1) AT2=$(day 20)
# Every state, at both parties.
for id in JP-METI US-BIS; do
	assert_eq "decided object deny" "$(state_of "$id" "$C1" "$AT1")" \
	    "$C1 at $id"
	assert_eq "awaiting-reply none none" \
	    "$(state_of "$id" "$C2" "$AT1")" "$C2 at $id on $AT1"
	assert_eq "lapsed none none" "$(state_of "$id" "$C2" "$AT2")" \
	    "$C2 at $id on $AT2"
	assert_eq "replied no-objection none" \
	    "$(state_of "$id" "$C4" "$AT1")" "$C4 at $id"
done
for id in JP-METI DE-BAFA; do
	assert_eq "info-requested none none" \
	    "$(state_of "$id" "$C3" "$AT1")" "$C3 at $id"
done

# Both parties agree, field for field, on every day asked.
for at in "$AT1" "$AT2"; do
	a=$(agreed JP-METI --counterpart US-BIS --at "$at")
	b=$(agreed US-BIS --counterpart JP-METI --at "$at")
	assert_eq "$a" "$b" "JP-METI and US-BIS's consultations on $at"
	assert_eq 3 "$(jq length <<<"$a")" "consultations of the pair"
	a=$(agreed JP-METI --counterpart DE-BAFA --at "$at")
	b=$(agreed DE-BAFA --at "$at")
	assert_eq "$a" "$b" "JP-METI and DE-BAFA's consultations on $at"
done
# ... and lcn show says what the list says, with the whole exchange.
for id in JP-METI US-BIS; do
	for c in "$C1" "$C2" "$C4"; do
		s=$(lcn_at "$id" --json show "$c" --at "$AT1" | jq -S -c \
		    '.consultation | del(.direction, .counterpart)')
		l=$(agreed "$id" --at "$AT1" | jq -c --arg r "$c" \
		    '.[] | select(.ref == $r)')
		assert_eq "$l" "$s" "$c: lcn show and lcn consultations at $id"
	done
	ex=$(lcn_at "$id" --json show "$C4" | jq -r '.exchange[] |
	    "\(.type) \(.agency) \(.ignored // "-") \(.body.grounds // "")"')
	assert_eq "consultation_request JP-METI - 
consultation_reply JP-METI wrong-agency mine
consultation_reply US-BIS - our denial was of another model" "$ex" \
	    "$C4's exchange at $id"
done
# The request's terms come from the ledger: transaction and reasoning.
assert_eq "AE same entry, end user and destination" \
    "$(lcn_at JP-METI --json show "$C1" | jq -r '.exchange[0].body |
    "\(.transaction.destination_country) \(.identity_reasoning)"')" \
    "$C1's request body"
txt=$(lcn_at US-BIS show "$C1")
grep -q "grounds      the end user rebuilt the centrifuge hall" <<<"$txt" ||
    fail "lcn show $C1 lacks the reply's grounds: $txt"

# The time left, in the consulted agency's working days: the days from
# AT1 to C2's deadline, both included, that are neither a weekend day nor
# JP-METI's holiday (US-BIS's own holiday does not count).
want=0
for ((i = 1; i <= 14; i++)); do
	d=$(day "$i")
	weekday "$d" && [ "$d" != "$H_JP" ] && want=$((want + 1))
done
for id in JP-METI US-BIS; do
	assert_eq "$want" "$(lcn_at "$id" consultations --json --at "$AT1" |
	    jq --arg r "$C2" '.consultations[] | select(.ref == $r) |
	    .working_days_left')" "$C2's working days left at $id"
done
assert_eq "null" "$(lcn_at US-BIS consultations --json --at "$AT1" |
    jq --arg r "$C4" '.consultations[] | select(.ref == $r) |
    .working_days_left')" "$C4 (no deadline): time left"
lcn_at US-BIS consultations --at "$AT1" >"$T/table.txt"
grep -q "^REQUEST .*DEADLINE .*LEFT" "$T/table.txt" ||
    fail "lcn consultations: no table header: $(cat "$T/table.txt")"
grep -q "^$C4 .*no deadline" "$T/table.txt" ||
    fail "lcn consultations: $C4 without 'no deadline'"
grep -q "^$C2 .*out .*JP-METI .*$DN1 .*$D14 .*$want working days" \
    "$T/table.txt" || fail "lcn consultations: $C2's row: $(cat "$T/table.txt")"

# Filters: overdue on AT2 is C2 alone, at both; a state; a direction.
for id in JP-METI US-BIS; do
	assert_eq "$C2" "$(refs "$id" --overdue --at "$AT2")" \
	    "--overdue at $id on $AT2"
	assert_eq "" "$(refs "$id" --overdue --at "$AT1")" \
	    "--overdue at $id on $AT1"
	assert_eq "$C4" "$(refs "$id" --state replied --at "$AT1")" \
	    "--state replied at $id"
done
assert_eq "$C3 $C1 $C2" "$(refs JP-METI --incoming)" "JP-METI --incoming"
assert_eq "$C4" "$(refs JP-METI --outgoing)" "JP-METI --outgoing"
assert_eq "$C3" "$(refs DE-BAFA)" "DE-BAFA sees its own only"
assert_eq "$C1 $C2" "$(refs US-BIS --regime NSG)" "US-BIS --regime NSG"
rc=0
lcn_at US-BIS consultations --state nonsense 2>/dev/null || rc=$?
assert_eq 1 "$rc" "lcn consultations --state nonsense"

# lcn reindex rebuilds the same answers from the ledger alone.
before=$(agreed JP-METI --at "$AT2")
show_before=$(lcn_at JP-METI --json show "$C4" --at "$AT2")
lcn_at JP-METI reindex >/dev/null
assert_eq "$before" "$(agreed JP-METI --at "$AT2")" "after lcn reindex"
assert_eq "$show_before" "$(lcn_at JP-METI --json show "$C4" --at "$AT2")" \
    "lcn show after lcn reindex"

# The NSG report: JP-METI's one denial (category 3, to AE), two
# consultations (C1 answered in time, C2 lapsed by the period's end),
# one licence denied, no undercut; the same at both parties.
report() {
	lcn_at "$1" report --regime NSG --from "$(day -1)" --to "$(day 60)" \
	    "${@:2}"
}
r=$(report US-BIS --json | jq -c '.report | [.denials, .by_category,
    .by_destination, .consultations, .answered_in_time, .answered_late,
    .lapsed, .grants, .denies, .undercuts]')
assert_eq '[1,[{"key":"3","n":1}],[{"key":"AE","n":1}],2,1,0,1,0,1,0]' \
    "$r" "the NSG report at US-BIS"
assert_eq "$(report US-BIS --json | jq -S -c '.report | del(.node)')" \
    "$(report JP-METI --json | jq -S -c '.report | del(.node)')" \
    "the NSG report at JP-METI and US-BIS"
csv=$(report US-BIS --csv)
assert_eq "regime,figure,key,count" "$(head -1 <<<"$csv" | tr -d '\r')" \
    "the CSV's header row"
grep -q $'^NSG,denials_by_destination,AE,1\r$' <<<"$csv" ||
    fail "the CSV lacks the destination row: $csv"
report US-BIS | grep -q "^consultations opened  *2$" ||
    fail "lcn report's table: $(report US-BIS)"
rc=0
lcn_at US-BIS report --regime NSG --from "$(day 2)" --to "$(day 1)" \
    2>/dev/null || rc=$?
assert_eq 2 "$rc" "lcn report with --to before --from"

# lcn status at JP-METI: C2 awaits its reply (the only request that
# does), and an undercut's justification published to the regime group
# NSG shows there, never at DE-BAFA (not a member).
jq -n -c --arg ref "US-BIS/LD/$Y/0002" --arg dn "$DN1" \
    --argjson d "$(day_end_ms "$TODAY")" '{licence_decision: {ref: $ref,
    handling: {tlp: "TLP_AMBER"}, decision: "DECISION_GRANT",
    date_ms: ($d - 86399999), explanation: "the plant changed hands",
    denial_refs: [$dn], regime: "NSG", undercut: true,
    position: "POSITION_OBJECT", transaction: {items: [{control_entry:
    "3A225"}], parties: [{role: "ROLE_END_USER",
    name: "Gulf Precision Inverters FZE", country: "AE"}],
    destination_country: "AE"}}}' >"$T/body.json"
publish_file US-BIS NSG "$T/body.json"
wait_until 30 "status_json JP-METI | jq -e \
    '.attention.regime_decisions | length == 1' >/dev/null" ||
    fail "JP-METI's status lacks the undercut: $(status_json JP-METI |
    jq -c .attention)"
# Counted from now: today too, when it is a working day.
now_left=$want
! weekday "$TODAY" || now_left=$((want + 1))
assert_eq "$C2 $now_left" "$(status_json JP-METI | jq -r \
    '.attention.consult_awaiting[] | "\(.ref) \(.working_days_left)"')" \
    "requests awaiting JP-METI's reply"
st=$(lcn_at JP-METI status)
grep -q "UNDERCUT: US-BIS granted a licence on $TODAY despite JP-METI's denial $DN1" \
    <<<"$st" || fail "lcn status at JP-METI: $st"
grep -q "US-BIS asks your reply to $C2 on $DN1 by $D14 ($now_left working days left)" \
    <<<"$st" || fail "lcn status at JP-METI: $st"
assert_eq 0 "$(status_json DE-BAFA | jq '.attention.regime_decisions |
    length')" "undercuts at DE-BAFA"

stop_and_verify JP-METI US-BIS DE-BAFA
