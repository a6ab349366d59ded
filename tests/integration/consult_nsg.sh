# A consultation under the NSG's profile (issue 10): no deadline, and
# silence is not consent. US-BIS's application is essentially identical
# to JP-METI's NSG denial; lcn consult asks JP-METI in the pair's group
# (a second request for the same transaction is refused, naming the open
# one); a grant is refused while JP-METI has not replied, a reply
# published by the asker itself has no effect, and only JP-METI may
# reply; JP-METI objects; US-BIS's grant is then an undercut: refused
# unattended without --yes after saying so, then published to the pair
# and, with its justification, to NSG, where DE-BAFA (the third member)
# reads it and KR-MOTIE (no member) never does. A second decision, and a
# reply after the decision, are refused. On a terminal, lcn asks before
# an undercut, and an answer other than y publishes nothing; a decision
# sent as confirmed clean when it now undercuts is refused.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA KR-MOTIE
for id in JP-METI US-BIS DE-BAFA KR-MOTIE; do
	write_config "$id" --node "attest_interval = 0" \
	    --group NSG "DE-BAFA JP-METI US-BIS"
done
for id in JP-METI US-BIS DE-BAFA KR-MOTIE; do
	start_node "$id"
done
wait_established US-BIS

YEAR=$(date -u +%Y)
DN="JP-METI/DN/$YEAR/0001"
CR="US-BIS/CR/$YEAR/0001"
PAIR="JP-METI+US-BIS"
jq -n '{regime: "NSG", control_basis: "listed_item",
    items: [{control_entry: "3A225", description: "frequency changers"}],
    parties: [{role: "end_user", name: "Gulf Precision Machining LLC",
        country: "AE"}],
    destination_country: "AE", decision_date_ms: "2026-11-05"}' \
    >"$T/deny.json"
jq -n '{items: [{control_entry: "3A225"}],
    parties: [{role: "end_user", name: "Gulf Precision Machining L.L.C.",
        country: "AE"}],
    destination_country: "AE"}' >"$T/app.json"

# refused EXIT MESSAGE CMD...: lcn exits EXIT with MESSAGE on stderr.
refused() {
	local want=$1 msg=$2 rc=0 out

	shift 2
	out=$("$@" 2>&1 </dev/null) || rc=$?
	assert_eq "$want" "$rc" "exit status of $*"
	grep -qF -- "$msg" <<<"$out" || fail "$*: expected '$msg', got '$out'"
}

out=$(lcn_at JP-METI deny "$T/deny.json")
assert_eq "$DN JP-METI/NSG seq 1" "$out" "lcn deny"
wait_until 20 "lcn_at US-BIS show $DN >/dev/null 2>&1" ||
    fail "US-BIS never saw $DN"

# The request: to JP-METI, in the pair's group, without a deadline.
out=$(lcn_at US-BIS consult "$T/app.json")
grep -qF "$CR asks JP-METI ($PAIR seq 1) on $DN (NSG)" <<<"$out" ||
    fail "lcn consult: $out"
grep -qF "no deadline; silence has no effect: only a reply allows a grant" \
    <<<"$out" || fail "lcn consult: $out"
js=$(lcn_at US-BIS log --feed "US-BIS/$PAIR" --json | jq -c '.body')
assert_eq "[\"$DN\"] JP-METI NSG 0 SILENCE_NO_EFFECT true" \
    "$(jq -r '"\(.denial_refs | tojson) \(.consulted) \(.regime) \(.deadline_ms // 0) \(.silence) \(.essentially_identical)"' <<<"$js")" \
    "the request's terms"
refused 1 "request $CR is already open on $DN for this transaction" \
    lcn_at US-BIS consult "$T/app.json" --denial "$DN"
refused 1 "nothing to consult on: $DN: request $CR is already open" \
    lcn_at US-BIS consult "$T/app.json"
# A denial of its own, or one that does not exist, is no consultation.
refused 1 "no such denial at this node" \
    lcn_at US-BIS consult "$T/app.json" --denial "JP-METI/DN/$YEAR/0099"
refused 1 "is this agency's own denial" \
    lcn_at JP-METI consult "$T/app.json" --denial "$DN"

# No deadline: a grant waits for JP-METI's reply.
refused 1 "a grant on $CR is refused until JP-METI replies: the request has no deadline" \
    lcn_at US-BIS decide "$CR" --grant --explanation "needed" --yes
# Only JP-METI replies; a reply the asker publishes itself changes nothing.
refused 1 "$CR asks JP-METI; only JP-METI can reply" \
    lcn_at US-BIS reply "$CR" --position no-objection
echo '{"consultation_reply": {"request_ref": "'"$CR"'",
    "position": "no_objection"}}' >"$T/self-reply.json"
lcn_at US-BIS publish --group "$PAIR" "$T/self-reply.json" >/dev/null
refused 1 "a grant on $CR is refused until JP-METI replies" \
    lcn_at US-BIS decide "$CR" --grant --explanation "needed" --yes
refused 2 "--grounds is required with object" \
    lcn_at JP-METI reply "$CR" --position object

wait_until 20 "lcn_at JP-METI log --feed US-BIS/$PAIR --json | jq -e 'select(.seq == 2)' >/dev/null" ||
    fail "JP-METI never received $CR and the reply after it"
# Both sides show the asker's own reply as ignored, and still await JP-METI.
for id in US-BIS JP-METI; do
	assert_eq "consultation_request US-BIS -
consultation_reply US-BIS wrong-agency
awaiting-reply" \
	    "$(lcn_at "$id" --json show "$CR" | jq -r '(.exchange[] |
	    "\(.type) \(.agency) \(.ignored // "-")"), .consultation.state')" \
	    "$CR's exchange at $id"
done
out=$(lcn_at JP-METI reply "$CR" --position object \
    --grounds "the end-user supplies a centrifuge programme")
assert_eq "JP-METI/RP/$YEAR/0001 $PAIR seq 1: object to US-BIS's $CR" "$out" \
    "lcn reply"
wait_until 20 "[ \$(feed_seq US-BIS JP-METI $PAIR) = 1 ]" ||
    fail "US-BIS never received the objection"

# The grant is now an undercut: said first, refused unattended.
NOTICE="This grant undercuts JP-METI's denial $DN (JP-METI objected). It will be published to group NSG with your explanation."
refused 1 "$NOTICE Standard input is not a terminal: use --yes to proceed unattended" \
    lcn_at US-BIS decide "$CR" --grant --explanation "contract predates the denial"
# On a terminal lcn asks; "n" publishes nothing.
rc=0
out=$(echo n | script -qec "$BIN/lcn -c $T/US-BIS/lcnd.conf decide $CR --grant --explanation 'contract predates the denial'" /dev/null) || rc=$?
assert_eq 1 "$rc" "exit status after answering n"
grep -qF "$NOTICE Proceed? [y/N]" <<<"$out" || fail "the question: $out"
grep -qF "nothing was published" <<<"$out" || fail "after n: $out"
# lcn sends the decision with what its dry run showed the officer: a
# grant shown as clean (as before the objection arrived) that now
# undercuts is refused by lcnd, nothing published.
cat >"$T/ask.pl" <<'EOF'
use strict;
use IO::Socket::UNIX;
my ($path, $line) = @ARGV;
my $s = IO::Socket::UNIX->new(Peer => $path) or die "connect: $!";
print $s "$line\n";
my $answer = <$s>;
print $answer;
EOF
js=$(perl "$T/ask.pl" "$T/US-BIS/data/lcnd.sock" "$(jq -n -c --arg r "$CR" \
    '{cmd: "decide", request_ref: $r, decision: "grant",
    explanation: "contract predates the denial", undercut_seen: false}')")
assert_eq "false undercut_seen" "$(jq -r '"\(.ok) \(.field)"' <<<"$js")" \
    "a grant confirmed as clean that now undercuts"
grep -qF "$CR changed since it was checked: this grant now undercuts JP-METI's denial $DN; nothing was published" \
    <<<"$js" || fail "the refusal: $js"
assert_eq 2 "$(feed_seq US-BIS US-BIS "$PAIR")" "nothing published by the refusal"
assert_eq 0 "$(feed_seq US-BIS US-BIS NSG)" "nothing published to NSG"
out=$(lcn_at US-BIS decide "$CR" --grant --yes --licence "D123456" \
    --explanation "contract predates the denial" 2>"$T/decide.err")
grep -qF "$NOTICE" "$T/decide.err" || fail "lcn decide --yes said: $(cat "$T/decide.err")"
assert_eq "US-BIS/LD/$YEAR/0001 $PAIR seq 3
US-BIS/LD/$YEAR/0002 NSG seq 1
undercut of JP-METI's denial $DN: published to group NSG with the explanation" \
    "$out" "lcn decide --grant --yes"

# DE-BAFA, a member of NSG, reads the justification; KR-MOTIE never.
wait_until 20 "[ \$(feed_seq DE-BAFA US-BIS NSG) = 1 ]" ||
    fail "DE-BAFA never received the undercut"
js=$(lcn_at DE-BAFA log --feed US-BIS/NSG --json | jq -c .body)
assert_eq "DECISION_GRANT true contract predates the denial [\"$DN\"] NSG POSITION_OBJECT $CR 3A225" \
    "$(jq -r '"\(.decision) \(.undercut) \(.explanation) \(.denial_refs | tojson) \(.regime) \(.position) \(.request_ref) \(.transaction.items[0].control_entry)"' <<<"$js")" \
    "the undercut at DE-BAFA"
assert_eq 0 "$(feed_seq DE-BAFA US-BIS "$PAIR")" "the pair's exchange at DE-BAFA"
assert_eq 0 "$(feed_seq KR-MOTIE US-BIS NSG)" "NSG at KR-MOTIE"
assert_eq "" "$(lcn_at KR-MOTIE log --json | jq -r 'select(.type == "licence_decision") | .seq')" \
    "licence decisions at KR-MOTIE"

refused 1 "$CR was decided already (grant" \
    lcn_at US-BIS decide "$CR" --deny --explanation "again"
wait_until 20 "[ \$(feed_seq JP-METI US-BIS $PAIR) = 3 ]" ||
    fail "JP-METI never received the decision"
refused 1 "$CR was decided (grant) on" \
    lcn_at JP-METI reply "$CR" --position maintain-denial --grounds "still"
# Two agencies denied it: one request to each, in each pair's group.
jq '.decision_date_ms = "2026-11-20"' "$T/deny.json" >"$T/deny-de.json"
lcn_at DE-BAFA deny "$T/deny-de.json" >/dev/null
wait_until 20 "lcn_at US-BIS show DE-BAFA/DN/$YEAR/0001 >/dev/null 2>&1" ||
    fail "US-BIS never saw DE-BAFA's denial"
jq '.items[0].quantity = "4 units"' "$T/app.json" >"$T/app2.json"
assert_eq "DE-BAFA DE-BAFA+US-BIS [\"DE-BAFA/DN/$YEAR/0001\"]
JP-METI $PAIR [\"$DN\"]" \
    "$(lcn_at US-BIS --json consult "$T/app2.json" |
    jq -r '.requests[] | "\(.consulted) \(.group) \(.denials | tojson)"' |
    sort)" "one request per denying agency"
stop_and_verify JP-METI US-BIS DE-BAFA KR-MOTIE
