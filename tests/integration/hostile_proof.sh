# Forged split-view proofs and forged heads attestations from an
# authenticated partner (PROTOCOL.md sections 3.11, 4.4 and 5.7), played
# by lcn-testpeer as US-BIS against JP-METI while DE-BAFA, a real lcnd,
# replicates with it. lcn-testpeer attest signs what the partner forges
# (the test holds every agency's signing key). Proofs, each an
# Equivocation frame of two attestations:
#
#   - two attestations that give JP-METI/WA's head the same leaf hash
#     (a violation: Error, closed, logged);
#   - an attestation in DE-BAFA's name signed with US-BIS's key (a
#     violation);
#   - two attestations of NSG, a group US-BIS is not in (ignored and
#     logged, the session kept);
#
# and heads attestations sent as entries of a feed the node pulls from
# US-BIS:
#
#   - US-BIS/WA seq 2 signed with a key that is not US-BIS's, and
#     DE-BAFA/WA's next seq signed with US-BIS's key under DE-BAFA's key
#     id (each a Reject, bad_signature, and a violation; nothing stored);
#   - US-BIS/WA seq 1, signed by US-BIS, attesting a head of JP-METI/NSG
#     that does not exist: stored, since US-BIS may sign what it likes
#     in its own feed, but a head of another group is no part of an
#     attestation of WA (section 3.11), so it makes no split view of
#     JP-METI/NSG and no receipt of US-BIS for it (the previous code
#     took it as both).
#
# None of these raises a split-view alert. A proof that checks out (US-BIS
# attesting a head of JP-METI/WA other than the one DE-BAFA attested)
# raises exactly one, and replaying it, on the same session and on a new
# one, raises no other and is no violation. DE-BAFA stays established
# and keeps replicating throughout, and both ledgers verify with every
# entry in place.
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
# US-BIS is played by lcn-testpeer: nobody dials it.
for id in JP-METI DE-BAFA; do
	write_config "$id" --node "attest_interval = 1" \
	    --no-address-for US-BIS --group WA "JP-METI US-BIS DE-BAFA" \
	    --group NSG "JP-METI DE-BAFA"
done
start_node JP-METI
start_node DE-BAFA
wait_until 20 '[ "$(peer_state JP-METI DE-BAFA)" = established ]'
publish_n JP-METI WA 1
publish_n JP-METI NSG 1
wait_feed DE-BAFA JP-METI WA 1
wait_feed DE-BAFA JP-METI NSG 1

# DE-BAFA's attestation of JP-METI/WA seq 1, as JP-METI holds it: the
# seq of DE-BAFA/WA that carries it, and the leaf hash it gives.
de_attest() {		# GROUP: prints "SEQ HASH" of the first one
	lcn_at JP-METI --json log --feed "DE-BAFA/$1" \
	    --type heads_attestation | jq -r -s --arg g "$1" '[.[] |
	    select(any(.body.heads[]?; .origin == "JP-METI" and
	    .group == $g and (.seq | tonumber) == 1)) |
	    "\(.seq) \(.body.heads[] | select(.origin == "JP-METI" and
	    .group == $g) | .leaf_hash)"] | first // empty'
}
wait_until 20 '[ -n "$(de_attest WA)" ]'
wait_until 20 '[ -n "$(de_attest NSG)" ]'
read -r de_seq wa_hash <<<"$(de_attest WA)"
read -r _ nsg_hash <<<"$(de_attest NSG)"
say "DE-BAFA/WA seq $de_seq attests JP-METI/WA seq 1 = $wa_hash"

# Runs lcn-testpeer as US-BIS against JP-METI with the script on stdin.
testpeer() {		# NAME
	testpeer_as US-BIS JP-METI "$1"
}
# The text of the Error frame JP-METI sent in session NAME.
error_text() {		# NAME
	jq -r 'select(.type == "error") | .text' "$T/$1.out"
}
# Split-view alerts at JP-METI, and split views in its derived state.
alerts() {
	status_json JP-METI | jq '[.alerts[]? | select(test("^split view"))] |
	    length'
}
splits() {
	status_json JP-METI | jq -c '[.attention.split_views[]? |
	    "\(.origin)/\(.group) \(.seq)"]'
}
# DE-BAFA keeps replicating: one more entry of JP-METI's reaches it.
de_bafa_replicates() {
	local n

	assert_eq established "$(peer_state JP-METI DE-BAFA)" \
	    "JP-METI sees DE-BAFA"
	n=$(feed_seq JP-METI JP-METI WA)
	publish_n JP-METI WA 1
	wait_feed DE-BAFA JP-METI WA $((n + 1))
}
# Signs a heads attestation into $T/NAME; prints its leaf hash.
attest() {		# NAME ATTEST-ARG...
	local name=$1

	shift
	"$TP" attest "$T/$name" "$@" | jq -r .leaf_hash
}

fake=$(printf 'f%.0s' {1..64})
de_wa=$T/DE-BAFA.WA.$de_seq

# US-BIS fetches DE-BAFA's real attestation from JP-METI, as a partner
# in WA may.
mkdir -p "$T/saved"
testpeer fetch <<EOF
hello
expect hello
save-entries $T/saved
want DE-BAFA/WA $de_seq $de_seq
credit 4194304
expect entries --feed DE-BAFA/WA
close
EOF
cp "$T/saved/DE-BAFA.WA.$de_seq" "$de_wa"

# 1. Two attestations that give JP-METI/WA seq 1 the same leaf hash:
# US-BIS's (signed by US-BIS) and DE-BAFA's. Nothing differs, nothing
# is proven.
attest us-same --signing-key "$T/US-BIS/certs/signing.key" \
    --feed US-BIS/WA --seq 1 "JP-METI/WA:1:$wa_hash" >/dev/null
testpeer same <<EOF
hello
expect hello
equivocation $T/us-same $de_wa
expect error
expect closed
EOF
error_text same | grep -q "split-view proof rejected: the two attestations (US-BIS/WA seq 1, DE-BAFA/WA seq $de_seq) give no head differently" ||
    fail "no Error for the same leaf hash: $(cat "$T/same.out")"
assert_log_contains JP-METI "US-BIS.*split-view proof rejected: the two attestations \(US-BIS/WA seq 1, DE-BAFA/WA seq $de_seq\) give no head differently"
assert_eq 0 "$(alerts)" "split-view alerts after the same leaf hash"
say "same leaf hash: $(error_text same)"
de_bafa_replicates

# 2. An attestation in DE-BAFA's name, under DE-BAFA's key id, that
# disagrees with DE-BAFA's real one, signed with US-BIS's key. Were the
# signature not checked, it would prove a split view.
attest de-forged --signing-key "$T/US-BIS/certs/signing.key" \
    --key-id-of "$T/DE-BAFA/certs/signing.pub" --feed DE-BAFA/WA \
    --seq 40 "JP-METI/WA:1:$fake" >/dev/null
testpeer wrongkey <<EOF
hello
expect hello
equivocation $T/de-forged $de_wa
expect error
expect closed
EOF
error_text wrongkey | grep -q "split-view proof rejected: DE-BAFA/WA seq 40: bad signature or key" ||
    fail "no Error for the wrong key: $(cat "$T/wrongkey.out")"
assert_eq 0 "$(alerts)" "split-view alerts after the wrong key"
say "wrong key: $(error_text wrongkey)"
de_bafa_replicates

# 3. Two attestations of NSG, validly signed in DE-BAFA's name, that
# disagree on JP-METI/NSG seq 1: from a member this would prove a split
# view. US-BIS is no member of NSG: ignored, logged, the session kept.
attest nsg-a --signing-key "$T/DE-BAFA/certs/signing.key" \
    --feed DE-BAFA/NSG --seq 40 "JP-METI/NSG:1:$nsg_hash" >/dev/null
attest nsg-b --signing-key "$T/DE-BAFA/certs/signing.key" \
    --feed DE-BAFA/NSG --seq 41 "JP-METI/NSG:1:$fake" >/dev/null
testpeer nsg <<EOF
hello
expect hello
equivocation $T/nsg-a $T/nsg-b
ping
expect pong
expect-none error 1000
EOF
assert_log_contains JP-METI "US-BIS: sent a split-view proof of attestations in NSG and NSG, not a group it and this node share; ignored"
assert_eq 0 "$(alerts)" "split-view alerts after the NSG proof"
say "not entitled: ignored, session kept"

# 4. Heads attestations as entries of a feed JP-METI pulls from US-BIS.
# US-BIS/WA seq 1, signed by US-BIS, attesting JP-METI/WA truly and a
# JP-METI/NSG seq 1 that does not exist. (First: a source whose batch
# was refused is not asked again for a minute.)
h=$(attest us-nsg --signing-key "$T/US-BIS/certs/signing.key" \
    --feed US-BIS/WA --seq 1 "JP-METI/WA:1:$wa_hash" \
    "JP-METI/NSG:1:$fake")
testpeer crossgroup <<EOF
hello --heads US-BIS/WA:1:$h
expect hello
expect want --feed US-BIS/WA
entries US-BIS/WA 1 $T/us-nsg
ping
expect pong
expect-none reject 1000
EOF
wait_feed JP-METI US-BIS WA 1
# What the derived state made of it, once indexed.
nsg_ref=$(log_refs JP-METI --feed JP-METI/NSG | head -n 1)
wa_ref=$(log_refs JP-METI --feed JP-METI/WA | head -n 1)
receipts() {		# REF: the agencies holding it, by their receipts
	lcn_at JP-METI --json receipts "$1" |
	    jq -c '[.receipts[] | select(.holds) | .agency] | unique'
}
wait_until 20 '[[ "$(receipts "$wa_ref")" == *US-BIS* ]]'
assert_eq "[]" "$(splits)" "split views at JP-METI after US-BIS's NSG head"
[[ "$(receipts "$nsg_ref")" != *US-BIS* ]] ||
    fail "US-BIS has a receipt for $nsg_ref, of NSG: $(receipts "$nsg_ref")"
assert_eq 0 "$(alerts)" "split-view alerts after US-BIS's NSG head"
say "cross-group head: stored, no split view, receipts $(receipts "$nsg_ref")"
de_bafa_replicates

# US-BIS/WA seq 2 under US-BIS's key id, signed with another key,
# chained onto seq 1: JP-METI pulls it from its origin, refuses it and
# stores nothing.
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null
chmod 600 "$T/other.key"
mkdir -p "$T/us-saved"
cp "$T/us-nsg" "$T/us-saved/US-BIS.WA.1"
h=$(attest us-badsig --signing-key "$T/other.key" \
    --key-id-of "$T/US-BIS/certs/signing.pub" --feed US-BIS/WA --seq 2 \
    --prev-of "$T/us-saved" "JP-METI/WA:1:$wa_hash")
testpeer badsig <<EOF
hello --heads US-BIS/WA:2:$h
expect hello
expect want --feed US-BIS/WA
entries US-BIS/WA 2 $T/us-badsig
expect reject --feed US-BIS/WA
expect error
expect closed
EOF
assert_eq bad_signature "$(jq -r 'select(.type == "reject") | .reason' \
    "$T/badsig.out")" "Reject of US-BIS/WA seq 2 signed with another key"
assert_eq 1 "$(feed_seq JP-METI US-BIS WA)" "US-BIS/WA held after the refusal"
say "own feed, other key: $(error_text badsig)"
de_bafa_replicates

# DE-BAFA/WA entries signed with US-BIS's key under DE-BAFA's key id:
# US-BIS claims DE-BAFA/WA far ahead, and once the lazy wait is over
# JP-METI pulls from it (DE-BAFA is not ahead). It gets a forged
# attestation at the seq it asks for, chained onto the entries before
# it (which US-BIS fetches from JP-METI meanwhile), so that only the
# signature is wrong, and refuses it. The seq is read from the Want,
# and the commands go through a FIFO.
wait_until 90 '[ "$(status_json JP-METI | jq -r "[.peers[] |
    select(.id == \"US-BIS\") | .refused_for_ms // 0] | first // 0")" = 0 ]'
n=$(feed_seq JP-METI DE-BAFA WA)
mkfifo "$T/relay.in"
"$TP" --cert "$T/US-BIS/certs/node.pem" --key "$T/US-BIS/certs/node.key" \
    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
    --connect "127.0.0.1:${PORT[JP-METI]}" \
    --timeout-scale "$TIMEOUT_SCALE" <"$T/relay.in" >"$T/relay.out" \
    2>"$T/relay.err" &
tp=$!
exec 3>"$T/relay.in"
echo "hello --heads DE-BAFA/WA:$((n + 1000))" >&3
wait_until 20 'grep -q "\"type\":\"want\".*DE-BAFA/WA" "$T/relay.out"'
from=$(jq -r 'select(.type == "want" and .feed == "DE-BAFA/WA") |
    .from_seq' "$T/relay.out" | head -n 1)
mkdir -p "$T/de-saved"
printf '%s\n' "save-entries $T/de-saved" "want DE-BAFA/WA 1 $((from - 1))" \
    "credit 4194304" >&3
wait_until 20 '[ -f "$T/de-saved/DE-BAFA.WA.$((from - 1))" ]'
attest de-relay --signing-key "$T/US-BIS/certs/signing.key" \
    --key-id-of "$T/DE-BAFA/certs/signing.pub" --feed DE-BAFA/WA \
    --seq "$from" --prev-of "$T/de-saved" "JP-METI/WA:1:$fake" >/dev/null
printf '%s\n' "entries DE-BAFA/WA $from $T/de-relay" "expect reject --feed DE-BAFA/WA" \
    "expect error" "expect closed" >&3
exec 3>&-
rc=0
wait "$tp" || rc=$?
assert_eq 0 "$rc" "lcn-testpeer session relay ($(tail -n 3 "$T/relay.out"))"
assert_eq bad_signature "$(jq -r 'select(.type == "reject") | .reason' \
    "$T/relay.out")" "Reject of DE-BAFA/WA signed with US-BIS's key"
assert_eq 0 "$(alerts)" "split-view alerts after the forged entries"
assert_eq "[]" "$(splits)" "split views at JP-METI after the forged entries"
say "relayed in DE-BAFA's name: $(error_text relay)"
de_bafa_replicates

# 5. A proof that checks out: US-BIS attests another JP-METI/WA seq 1
# than DE-BAFA did. One alert; replayed on the same session and on a
# new one, no other, and no violation.
attest us-split --signing-key "$T/US-BIS/certs/signing.key" \
    --feed US-BIS/WA --seq 7 "JP-METI/WA:1:$fake" >/dev/null
testpeer valid <<EOF
hello
expect hello
equivocation $T/us-split $de_wa
ping
expect pong
equivocation $T/us-split $de_wa
ping
expect pong
expect-none error 1000
EOF
wait_until 10 '[ "$(alerts)" = 1 ]'
testpeer replay <<EOF
hello
expect hello
equivocation $de_wa $T/us-split
ping
expect pong
expect-none error 1000
EOF
assert_eq 1 "$(alerts)" "split-view alerts after the replays"
status_json JP-METI | jq -r '.alerts[] | select(test("^split view"))' |
    grep -q "^split view of JP-METI/WA seq 1: .*proof from US-BIS" ||
    fail "the alert: $(status_json JP-METI | jq -c .alerts)"
assert_log_lacks JP-METI "US-BIS.*split-view proof rejected: the two attestations \(US-BIS/WA seq 7"
say "valid proof: one alert, replays ignored"
de_bafa_replicates

# Nothing lost: both nodes hold every feed whole, verified, and no
# forged entry.
wait_feed_agrees JP-METI WA 5 JP-METI DE-BAFA
wait_feed_agrees JP-METI NSG 1 JP-METI DE-BAFA
wait_feed_agrees DE-BAFA WA 1 JP-METI DE-BAFA
assert_eq 1 "$(feed_seq JP-METI US-BIS WA)" "US-BIS/WA at JP-METI"
stop_and_verify JP-METI DE-BAFA
