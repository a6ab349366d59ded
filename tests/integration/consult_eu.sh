# Consultations under the EU's profile and a Wassenaar notification
# (issue 10). EU: 10 working days on the consulted agency's calendar:
# JP-METI asks DE-BAFA on 11 May 2026 (--at), and Germany's Ascension
# Day and Whit Monday (ops/holidays/DE.txt, named in JP-METI's [partner
# DE-BAFA]) push the deadline from the 25th to the 27th. A grant before
# it is refused with the date it becomes possible; DE-BAFA's extension
# beyond the profile's 30 working days is refused with the latest date
# allowed, one within it taken; a grant after the extended deadline,
# silence meaning no objection, is no undercut and goes nowhere but the
# pair. A decision dated before the day its request was signed is
# refused. A request whose deadline or extension limit would be counted
# past the last year DE.txt lists is refused. A need-info reply and the asker's information restart the
# period from the information's date; only the asker adds information,
# only when asked. WA: lcn consult is refused with what the regime asks
# instead, and lcn decide --application publishes the notification of
# the grant to WA, where DE-BAFA reads it; an application matching no
# denial publishes nothing. Dates are explicit: no sleep, no clock.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" \
	    --group EU "DE-BAFA JP-METI US-BIS" \
	    --group WA "DE-BAFA JP-METI US-BIS"
done
# JP-METI counts DE-BAFA's working days on Germany's holidays of 2026
# to 2028.
sed -i "/^\[partner DE-BAFA\]/a holidays = $SRC/ops/holidays/DE.txt" \
    "$T/JP-METI/lcnd.conf"
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI

YEAR=$(date -u +%Y)
PAIR="DE-BAFA+JP-METI"
DN="DE-BAFA/DN/$YEAR/0001"
WADN="DE-BAFA/DN/$YEAR/0002"
jq -n '{regime: "EU", control_basis: "listed_item",
    items: [{control_entry: "2B001.b", description: "machining centres"}],
    parties: [{role: "end_user", name: "Volga Tooling Works",
        country: "RU"}],
    destination_country: "RU", decision_date_ms: "2026-04-20"}' \
    >"$T/deny-eu.json"
jq '.regime = "WA" | .items[0].control_entry = "3A001.b.1" |
    .parties[0].name = "Hengtai Microwave Co." | .parties[0].country = "CN" |
    .destination_country = "CN"' "$T/deny-eu.json" >"$T/deny-wa.json"
jq -n '{items: [{control_entry: "2B001.b"}],
    parties: [{role: "end_user", name: "Volga Tooling Works",
        country: "RU"}], destination_country: "RU"}' >"$T/app.json"
jq '.items[0].quantity = "2 units"' "$T/app.json" >"$T/app2.json"
jq '.items[0].quantity = "3 units"' "$T/app.json" >"$T/app3.json"
jq '.items[0].quantity = "4 units"' "$T/app.json" >"$T/app4.json"
jq -n '{items: [{control_entry: "3A001.b"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co Ltd",
        country: "CN"}], destination_country: "CN"}' >"$T/app-wa.json"
jq -n '{items: [{control_entry: "1C010"}],
    parties: [{role: "end_user", name: "Lakeside Composites",
        country: "CA"}], destination_country: "CA"}' >"$T/app-none.json"

refused() {
	local want=$1 msg=$2 rc=0 out

	shift 2
	out=$("$@" 2>&1 </dev/null) || rc=$?
	assert_eq "$want" "$rc" "exit status of $*"
	grep -qF -- "$msg" <<<"$out" || fail "$*: expected '$msg', got '$out'"
}

lcn_at DE-BAFA deny "$T/deny-eu.json" >/dev/null
lcn_at DE-BAFA deny "$T/deny-wa.json" >/dev/null
wait_until 20 "lcn_at JP-METI show $WADN >/dev/null 2>&1" ||
    fail "JP-METI never saw $WADN"

# 10 working days from Monday 11 May on DE-BAFA's calendar: 14 and 25
# May are holidays, so the 27th (without them: the 25th).
CR="JP-METI/CR/$YEAR/0001"
out=$(lcn_at JP-METI consult "$T/app.json" --at 2026-05-11)
assert_eq "$CR asks DE-BAFA ($PAIR seq 1) on $DN (EU)
  reply by 2026-05-27 (10 working-days on DE-BAFA's calendar); silence by the deadline counts as no objection
  DE-BAFA may extend it to 2026-07-09 at the latest" \
    "$out" "lcn consult under the EU profile"
refused 1 "reply by 2026-05-20 is earlier than the EU profile's deadline, 2026-05-27" \
    lcn_at JP-METI consult "$T/app2.json" --denial "$DN" --at 2026-05-11 \
    --reply-by 2026-05-20
# The request is signed today, whatever its --at: a decision dated
# before that day would decide what nobody had been asked yet.
TODAY=$(date -u +%F)
refused 1 "decision date 2026-05-27 is before $CR, which JP-METI signed on $TODAY" \
    lcn_at JP-METI decide "$CR" --grant --explanation "early" --at 2026-05-27
rc=0
js=$(lcn_at JP-METI --json decide "$CR" --deny --explanation "late" \
    --at 2026-05-28 2>/dev/null) ||
    rc=$?
assert_eq "1 false at" "$rc $(jq -r '"\(.ok) \(.error.field)"' <<<"$js")" \
    "lcn --json decide dated before the request"
wait_until 20 "[ \$(feed_seq DE-BAFA JP-METI $PAIR) = 1 ]" ||
    fail "DE-BAFA never received $CR"
# The deadline has passed: too late to extend it.
refused 1 "$CR's deadline, 2026-05-27, has passed; an extension is asked before it" \
    lcn_at DE-BAFA reply "$CR" --position ack --extend-to 2026-06-10
# Today, long after, silence is no objection: a grant, no undercut, and
# it goes to the pair alone.
out=$(lcn_at JP-METI decide "$CR" --grant --explanation "no objection in time" \
    2>&1 </dev/null)
assert_eq "JP-METI/LD/$YEAR/0001 $PAIR seq 2" "$out" "the grant after the lapse"
assert_eq 0 "$(feed_seq JP-METI JP-METI EU)" "JP-METI's feed of EU"
js=$(lcn_at JP-METI log --feed "JP-METI/$PAIR" --since 1 --json | jq -c .body)
assert_eq "DECISION_GRANT false $CR" \
    "$(jq -r '"\(.decision) \(.undercut // false) \(.request_ref)"' <<<"$js")" \
    "the decision"

# Need-info: the period starts again from the information (--at).
CR2="JP-METI/CR/$YEAR/0002"
out=$(lcn_at JP-METI consult "$T/app2.json" --denial "$DN" --at 2026-06-01 \
    --intend deny --reasoning "same machine, same end-user")
grep -qF "$CR2 asks DE-BAFA ($PAIR seq 3) on $DN (EU)" <<<"$out" ||
    fail "the second request: $out"
echo '{"information": "end-use statement attached"}' >"$T/info.json"
# Its deadline (15 June) has passed: lapsed, and nobody asked yet.
refused 1 "$CR2 is lapsed: information goes after DE-BAFA's need-info reply" \
    lcn_at JP-METI consult-info "$CR2" "$T/info.json"
wait_until 20 "[ \$(feed_seq DE-BAFA JP-METI $PAIR) = 3 ]" ||
    fail "DE-BAFA never received $CR2"
lcn_at DE-BAFA reply "$CR2" --position need-info \
    --grounds "the end-use statement" >/dev/null
refused 1 "$CR2 is JP-METI's request; only JP-METI adds information to it" \
    lcn_at DE-BAFA consult-info "$CR2" "$T/info.json"
wait_until 20 "[ \$(feed_seq JP-METI DE-BAFA $PAIR) = 1 ]" ||
    fail "JP-METI never received the need-info reply"
# Ten working days after Monday 15 June: 29 June (Corpus Christi, a
# Hesse holiday in DE.txt, is on the 4th, before).
out=$(lcn_at JP-METI consult-info "$CR2" "$T/info.json" --at 2026-06-15)
assert_eq "JP-METI/CI/$YEAR/0001 $PAIR seq 4: information for DE-BAFA on $CR2; reply by 2026-06-29" \
    "$out" "lcn consult-info"
refused 1 "information goes after DE-BAFA's need-info reply" \
    lcn_at JP-METI consult-info "$CR2" "$T/info.json"

# JP-METI denies, and publishes a denial of its own to EU: US-BIS's
# check of the same transaction finds it beside DE-BAFA's.
out=$(lcn_at JP-METI decide "$CR2" --deny --publish-denial \
    --explanation "end-use statement unconvincing")
assert_eq "JP-METI/LD/$YEAR/0002 $PAIR seq 5
JP-METI/DN/$YEAR/0001 EU seq 1" "$out" "lcn decide --deny --publish-denial"
js=$(lcn_at JP-METI log --feed JP-METI/EU --json | jq -c .body)
assert_eq "EU BASIS_LISTED_ITEM 2B001.b RU Volga Tooling Works" \
    "$(jq -r '"\(.regime) \(.control_basis) \(.items[0].control_entry) \(.destination_country) \(.parties[0].name)"' <<<"$js")" \
    "JP-METI's own denial"
wait_until 20 "lcn_at US-BIS show JP-METI/DN/$YEAR/0001 >/dev/null 2>&1" ||
    fail "US-BIS never saw JP-METI's denial"
rc=0
lcn_at US-BIS --json check "$T/app2.json" >"$T/check.json" || rc=$?
assert_eq 3 "$rc" "lcn check's exit status"
assert_eq "DE-BAFA/DN/$YEAR/0001 JP-METI/DN/$YEAR/0001" \
    "$(jq -r '[.results[] | select(.source == "denial") | .ref] | sort | join(" ")' "$T/check.json")" \
    "the denials US-BIS's check finds"

# An extension, asked before the deadline (the reply is signed now, so
# the request is dated ahead): a request of Wednesday 1 March 2028, due
# on the 15th, may be extended by 30 working days on DE.txt's 2028
# holidays (Good Friday 14 April and Easter Monday 17 April), to 28
# April, and no further.
js=$(lcn_at JP-METI --json consult "$T/app3.json" --at 2028-03-01)
CR3=$(jq -r '.requests[0].ref' <<<"$js")
assert_eq "2028-03-15T23:59:59Z 2028-04-28T23:59:59Z" \
    "$(jq -r '.requests[0] | "\(.deadline_ms / 1000 | floor | todate) \(.extension_limit_ms / 1000 | floor | todate)"' <<<"$js")" \
    "$CR3's deadline and extension limit"
wait_until 20 "lcn_at DE-BAFA log --feed JP-METI/$PAIR --json | jq -e 'select(.body.ref == \"$CR3\")' >/dev/null" ||
    fail "DE-BAFA never received $CR3"
refused 1 "extend to 2028-05-03: the EU profile allows an extension to 2028-04-28 at the latest" \
    lcn_at DE-BAFA reply "$CR3" --position ack --extend-to 2028-05-03
refused 1 "extend to 2028-03-10: expected a date after $CR3's deadline, 2028-03-15" \
    lcn_at DE-BAFA reply "$CR3" --position ack --extend-to 2028-03-10
out=$(lcn_at DE-BAFA reply "$CR3" --position ack --extend-to 2028-04-28)
assert_eq "DE-BAFA/RP/$YEAR/0002 $PAIR seq 2: ack to JP-METI's $CR3, deadline extended to 2028-04-28" \
    "$out" "an extension within the limit"
wait_until 20 "[ \$(feed_seq JP-METI DE-BAFA $PAIR) = 2 ]" ||
    fail "JP-METI never received the extension"
refused 1 "possible after 2028-04-28" \
    lcn_at JP-METI decide "$CR3" --grant --explanation "early"

# DE.txt lists holidays up to 2028: 10 working days from 20 December
# 2028 would end in January 2029, whose holidays nobody has listed, and
# the request is refused rather than counted on weekdays alone; from 20
# November the deadline fits but its 30 working days of extension do
# not. Nothing is published.
before=$(lcn_at JP-METI log --json)
refused 1 "the deadline, 10 working-days after 2028-12-20 on DE-BAFA's calendar, would fall after 2028-12-31, the last day whose holidays $SRC/ops/holidays/DE.txt lists" \
    lcn_at JP-METI consult "$T/app4.json" --at 2028-12-20
refused 1 "the latest extension, 30 working-days after 2028-12-04 on DE-BAFA's calendar, would fall after 2028-12-31" \
    lcn_at JP-METI consult "$T/app4.json" --at 2028-11-20
rc=0
js=$(lcn_at JP-METI --json consult "$T/app4.json" --at 2028-12-20 \
    2>/dev/null) || rc=$?
assert_eq "1 false at" "$rc $(jq -r '"\(.ok) \(.error.field)"' <<<"$js")" \
    "lcn --json consult past the holidays file"
assert_eq "$before" "$(lcn_at JP-METI log --json)" "JP-METI's lcn log"

# WA: a notification after a grant, not a consultation.
refused 1 "$WADN is a WA denial: WA asks for a notification after a grant, not a consultation: lcn decide --application FILE --grant --explanation TEXT" \
    lcn_at US-BIS consult "$T/app-wa.json" --denial "$WADN"
refused 1 "nothing to consult on: $WADN: WA asks for a notification after a grant" \
    lcn_at US-BIS consult "$T/app-wa.json"
refused 1 "nothing to notify: no active partner denial" \
    lcn_at US-BIS decide --application "$T/app-none.json" --grant \
    --explanation "unrelated"
assert_eq 0 "$(feed_seq US-BIS US-BIS WA)" "nothing published to WA"
out=$(lcn_at US-BIS decide --application "$T/app-wa.json" --grant \
    --explanation "civil radar, end-use verified" --licence "D765432")
assert_eq "US-BIS/LD/$YEAR/0001 WA seq 1
notification of a grant after a partner's denial: published to the regime's group" \
    "$out" "the notification"
wait_until 20 "[ \$(feed_seq DE-BAFA US-BIS WA) = 1 ]" ||
    fail "DE-BAFA never received the notification"
js=$(lcn_at DE-BAFA log --feed US-BIS/WA --json | jq -c .body)
assert_eq "DECISION_GRANT true [\"$WADN\"] WA civil radar, end-use verified" \
    "$(jq -r '"\(.decision) \(.notification) \(.denial_refs | tojson) \(.regime) \(.explanation)"' <<<"$js")" \
    "the notification at DE-BAFA"
stop_and_verify JP-METI US-BIS DE-BAFA
