# What lcn consult carries, and what it refuses (issue 10), between
# JP-METI and DE-BAFA under the EU profile (10 working days): a --reply-by
# later than the profile's deadline is taken, and both parties' lcn
# consultations --json give that date; --intend deny and --reasoning
# reach the consulted agency in the request (lcn show --json there); a
# need-info reply answered by lcn consult-info with the transaction
# restated shows the new transaction in lcn show at both sides, and lcn
# consult-info says the deadline that applies (the --reply-by date, later
# than the restarted period); DE-BAFA, whose holidays file stops last
# year, is warned at start and shows its time left as unknown, not as
# a count of weekdays; a decision dated before its request is ignored
# at both sides; and a
# consultation on a denial revoked in the meantime is refused ("only an
# active denial") with nothing published: JP-METI's lcn log unchanged.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI DE-BAFA
# DE-BAFA's own holidays file was last brought up to date last year.
LAST=$(($(date -u +%Y) - 1))
printf '%s-12-25  Christmas Day\n' "$LAST" >"$T/DE-old.txt"
for id in JP-METI DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" \
	    --group EU "DE-BAFA JP-METI"
done
sed -i "/^\[node\]/a holidays = $T/DE-old.txt" "$T/DE-BAFA/lcnd.conf"
for id in JP-METI DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI
grep -qF "holidays $T/DE-old.txt: lists holidays up to $LAST-12-31 only" \
    "$T/DE-BAFA/lcnd.log" || fail "DE-BAFA's lcnd did not warn that its" \
    "holidays file has run out: $(grep -F holidays "$T/DE-BAFA/lcnd.log")"

YEAR=$(date -u +%Y)
PAIR="DE-BAFA+JP-METI"
DN="DE-BAFA/DN/$YEAR/0001"
DN2="DE-BAFA/DN/$YEAR/0002"
CR="JP-METI/CR/$YEAR/0001"
jq -n '{regime: "EU", control_basis: "listed_item",
    items: [{control_entry: "2B001.b", description: "machining centres"}],
    parties: [{role: "end_user", name: "Volga Tooling Works",
        country: "RU"}],
    destination_country: "RU", decision_date_ms: "2026-04-20"}' \
    >"$T/deny.json"
jq '.parties[0].name = "Kama Precision Instruments"' "$T/deny.json" \
    >"$T/deny2.json"
jq -n '{items: [{control_entry: "2B001.b"}],
    parties: [{role: "end_user", name: "Volga Tooling Works",
        country: "RU"}], destination_country: "RU"}' >"$T/app.json"
jq '.parties[0].name = "Kama Precision Instruments"' "$T/app.json" \
    >"$T/app2.json"
# The transaction restated: through a consignee the first request did
# not name.
jq -n --slurpfile a "$T/app.json" '{information: "shipped via a consignee",
    transaction: ($a[0] | .parties += [{role: "consignee",
        name: "Ural Machine Trading", country: "KZ"}])}' >"$T/info.json"

lcn_at DE-BAFA deny "$T/deny.json" >/dev/null
lcn_at DE-BAFA deny "$T/deny2.json" >/dev/null
wait_until 20 "lcn_at JP-METI show $DN2 >/dev/null 2>&1" ||
    fail "JP-METI never saw $DN2"

# day MS: the UTC date of a time in ms.
day() { jq -rn --argjson ms "$1" '$ms / 1000 | floor | strftime("%Y-%m-%d")'; }

# --reply-by later than the profile's deadline (25 May 2026, 10 working
# days from the 11th) is the request's deadline, at both sides. The
# request goes with the intended decision and the reasoning.
out=$(lcn_at JP-METI consult "$T/app.json" --at 2026-05-11 \
    --reply-by 2032-06-30 --intend deny \
    --reasoning "same machine, same end user, same route")
grep -qF "$CR asks DE-BAFA ($PAIR seq 1) on $DN (EU)" <<<"$out" ||
    fail "lcn consult --reply-by: $out"
grep -qF "reply by 2032-06-30" <<<"$out" ||
    fail "lcn consult does not say the reply-by date: $out"
wait_until 20 "[ \$(feed_seq DE-BAFA JP-METI $PAIR) = 1 ]" ||
    fail "DE-BAFA never received $CR"
for id in JP-METI DE-BAFA; do
	ms=$(lcn_at "$id" consultations --json --at 2026-05-12 |
	    jq -r --arg r "$CR" '.consultations[] | select(.ref == $r) |
	    .deadline_ms')
	[ -n "$ms" ] || fail "$id: $CR not in lcn consultations --json"
	assert_eq 2032-06-30 "$(day "$ms")" "$id: the deadline of $CR"
done
# The time left on DE-BAFA's calendar: JP-METI names no holidays file
# for DE-BAFA (weekdays, every day known) and counts it; DE-BAFA's own
# file stops last year, so it says the figure is unknown, and why,
# rather than count weekdays it knows nothing of.
assert_eq 1 "$(lcn_at JP-METI consultations --json --at 2026-05-12 |
    jq --arg r "$CR" '.consultations[] | select(.ref == $r) |
    .working_days_left > 1000 and .working_days_left_unknown == null' |
    grep -c true)" "JP-METI counts $CR's working days left"
assert_eq "null the deadline is after $LAST-12-31, the last day whose holidays DE-BAFA's holidays file lists" \
    "$(lcn_at DE-BAFA consultations --json --at 2026-05-12 |
    jq -r --arg r "$CR" '.consultations[] | select(.ref == $r) |
    "\(.working_days_left) \(.working_days_left_unknown)"')" \
    "DE-BAFA's time left on $CR"
lcn_at DE-BAFA consultations --at 2026-05-12 >"$T/table.txt"
grep -q "^$CR .*2032-06-30 .*? working days" "$T/table.txt" ||
    fail "DE-BAFA's lcn consultations: $(cat "$T/table.txt")"
lcn_at DE-BAFA show "$CR" --json >"$T/show.json"
assert_eq deny "$(jq -r .consultation.intended "$T/show.json")" \
    "the intended decision at DE-BAFA"
assert_eq "same machine, same end user, same route" \
    "$(jq -r '[.exchange[0].body | .. | objects | .identity_reasoning? //
    empty][0]' "$T/show.json")" "the reasoning at DE-BAFA"

# Need-info, answered with the transaction restated: lcn show at both
# sides shows the new transaction.
lcn_at DE-BAFA reply "$CR" --position need-info \
    --grounds "how many machines?" >/dev/null
wait_until 20 "[ \$(feed_seq JP-METI DE-BAFA $PAIR) = 1 ]" ||
    fail "JP-METI never received the need-info reply"
# The information restarts the EU period (3 June), but the request's
# own deadline is later and stays: the answer says the one that applies.
out=$(lcn_at JP-METI consult-info "$CR" "$T/info.json" --at 2026-05-20)
assert_eq "JP-METI/CI/$YEAR/0001 $PAIR seq 2: information for DE-BAFA on $CR; reply by 2032-06-30" \
    "$out" "lcn consult-info after a --reply-by"
wait_until 20 "[ \$(feed_seq DE-BAFA JP-METI $PAIR) = 2 ]" ||
    fail "DE-BAFA never received the information"
for id in JP-METI DE-BAFA; do
	lcn_at "$id" show "$CR" --json >"$T/show.json"
	assert_eq 'Ural Machine Trading' "$(jq -r '[.exchange[].body | .. |
	    objects | .transaction? // empty | .parties[1].name // empty][0]' \
	    "$T/show.json")" "$id: the restated transaction in lcn show --json"
	lcn_at "$id" show "$CR" >"$T/show.txt"
	grep -qF 'Ural Machine Trading (KZ)' "$T/show.txt" ||
	    fail "$id: lcn show does not show the restated transaction:" \
	    "$(cat "$T/show.txt")"
done

# A decision dated before the day its request was signed (published
# raw: lcn decide refuses it) decides nothing: both sides keep the
# request open and show the entry as ignored, with why.
jq -n -c --arg req "$CR" '{licence_decision: {handling: {tlp: "TLP_AMBER"},
    request_ref: $req, decision: "DECISION_DENY", date_ms: "2026-05-01",
    explanation: "dated before the request"}}' >"$T/body.json"
publish_file JP-METI "$PAIR" "$T/body.json"
for id in JP-METI DE-BAFA; do
	q='.consultation.state == "awaiting-reply" and
	    (.exchange | length) == 4'
	wait_until 20 "lcn_at $id --json show $CR | jq -e '$q' >/dev/null" ||
	    fail "$id: $CR: $(lcn_at "$id" --json show "$CR")"
	assert_eq "licence_decision before-request a decision dated before the day its request was signed" \
	    "$(lcn_at "$id" --json show "$CR" | jq -r '.exchange[3] |
	    "\(.type) \(.ignored) \(.ignored_why)"')" \
	    "$id: the decision dated before $CR"
done

# DE-BAFA revokes its second denial; JP-METI's consultation on it is
# refused, and nothing is published.
lcn_at DE-BAFA deny-update "$DN2" --revoke --reason "end user dissolved" \
    >/dev/null
wait_until 20 "lcn_at JP-METI show $DN2 | grep -q revoked" ||
    fail "JP-METI never saw $DN2 revoked: $(lcn_at JP-METI show "$DN2")"
before=$(lcn_at JP-METI log --json)
rc=0
out=$(lcn_at JP-METI consult "$T/app2.json" --denial "$DN2" 2>&1) || rc=$?
assert_eq 1 "$rc" "exit status of a consultation on a revoked denial"
grep -qF "$DN2 is revoked: only an active denial is consulted on" \
    <<<"$out" || fail "consult on a revoked denial: $out"
grep -qF "nothing was published" <<<"$out" ||
    fail "consult on a revoked denial does not say nothing was published: $out"
assert_eq "$before" "$(lcn_at JP-METI log --json)" "JP-METI's lcn log"
assert_eq 3 "$(feed_seq JP-METI JP-METI $PAIR)" "JP-METI's feed of the pair"

stop_and_verify JP-METI
stop_and_verify DE-BAFA
