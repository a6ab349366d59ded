# A split view (issue 9): JP-METI, restored from a backup while US-BIS
# was away, signs a second seq 2, so US-BIS and DE-BAFA each hold and
# attest a different JP-METI/WA seq 2. Once they meet, the derived state
# at each finds the two signed attestations that disagree, lcn status
# shows the split view under "Needs attention", each node pushes the
# proof to the other (an Equivocation frame holding the two attestation
# entries), and the receiver checks it and raises its own alert.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 1" \
	    --group WA "JP-METI US-BIS DE-BAFA"
done
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI
publish_n JP-METI WA 1
wait_feed US-BIS JP-METI WA 1
wait_feed DE-BAFA JP-METI WA 1

# attested ID: the highest seq of JP-METI/WA that ID's own attestations give.
attested() {
	lcn_at "$1" --json log --feed "$1/WA" --type heads_attestation |
	    jq -s '[.[].body.heads[]? | select(.origin == "JP-METI") |
	    .seq | tonumber] | max // 0'
}

# US-BIS is shown seq 2 = A, and attests it.
stop_node DE-BAFA
stop_node JP-METI
cp -a "$T/JP-METI/data" "$T/backup"
start_node JP-METI
publish_n JP-METI WA 1
wait_feed US-BIS JP-METI WA 2
wait_until 10 '[ "$(attested US-BIS)" = 2 ]' ||
    fail "US-BIS did not attest JP-METI/WA seq 2"

# DE-BAFA is shown another seq 2 = B, and attests it.
stop_node JP-METI
stop_node US-BIS
rm -rf "$T/JP-METI/data"
cp -a "$T/backup" "$T/JP-METI/data"
start_node DE-BAFA
start_node JP-METI
publish_n JP-METI WA 1
wait_feed DE-BAFA JP-METI WA 2
wait_until 10 '[ "$(attested DE-BAFA)" = 2 ]' ||
    fail "DE-BAFA did not attest JP-METI/WA seq 2"
stop_node JP-METI

# They meet: each holds both attestations, finds the split view, and
# gets the other's proof.
start_node US-BIS
split() {	# ID: its split views as "FEED SEQ ATTESTER ATTESTER"
	status_json "$1" | jq -r '.attention.split_views[]? |
	    "\(.origin)/\(.group) \(.seq) \([.proofs[].agency] | sort | join(" "))"'
}
for id in US-BIS DE-BAFA; do
	wait_until 20 "[ \"\$(split $id)\" = 'JP-METI/WA 2 DE-BAFA US-BIS' ]" ||
	    fail "$id: split views '$(split "$id")'"
done
# The proof is the two signed attestations: both leaf hashes, differing.
js=$(status_json US-BIS)
assert_eq 2 "$(jq '[.attention.split_views[0].proofs[].leaf_hash] |
    unique | length' <<<"$js")" "two different attested heads"
out=$(lcn_at US-BIS status)
grep -q "!! SPLIT VIEW of JP-METI/WA seq 2: " <<<"$out" ||
    fail "lcn status at US-BIS: $out"

# Pushed: each node raised its own alert on the other's proof.
wait_until 20 '[ "$(status_json US-BIS | jq "[.alerts[] |
    select(test(\"^split view of JP-METI/WA seq 2: .*proof from DE-BAFA\"))] | length")" = 1 ]' ||
    fail "US-BIS has no alert from DE-BAFA's proof: $(status_json US-BIS | jq -c .alerts)"
wait_until 20 '[ "$(status_json DE-BAFA | jq "[.alerts[] |
    select(test(\"^split view of JP-METI/WA seq 2: .*proof from US-BIS\"))] | length")" = 1 ]' ||
    fail "DE-BAFA has no alert from US-BIS's proof: $(status_json DE-BAFA | jq -c .alerts)"
assert_log_contains US-BIS "split view of JP-METI/WA seq 2: (DE-BAFA and US-BIS|US-BIS and DE-BAFA) attested different heads"
# A proof is not a violation: the two stay connected.
assert_eq established "$(peer_state US-BIS DE-BAFA)" "US-BIS sees DE-BAFA"
assert_log_lacks US-BIS "split-view proof rejected"

stop_and_verify US-BIS DE-BAFA
