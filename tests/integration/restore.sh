# A node restored from an old backup (PROTOCOL.md section 5.6, the
# self-fork guard): JP-METI's ledger is copied with mdb_copy while it
# runs, it publishes more, stops, and gets the copy back. Started again,
# it publishes nothing of its own (neither an officer's entry nor a heads
# attestation, due every second here) until it has fetched from its
# partners what they hold of its feeds: its next entries follow the
# newest seq its partners had, no node sees a fork, every feed agrees
# everywhere and every ledger verifies. JP-METI dials US-BIS and accepts
# DE-BAFA, as in a mesh where each node dials a few partners.
. "$(dirname "$0")/lib.sh"

command -v mdb_copy >/dev/null || fail "mdb_copy not found: run ops/setup"

A=JP-METI B=US-BIS C=DE-BAFA
make_agencies "$A" "$B" "$C"
write_config "$A" --no-address-for "$C" --node "attest_interval = 1" \
    --group WA "$A $B $C" --group NSG "$A $B"
for id in "$B" "$C"; do
	write_config "$id" --node "attest_interval = 1" \
	    --group WA "$A $B $C" --group NSG "$A $B"
done
for id in "$A" "$B" "$C"; do
	start_node "$id"
done
for id in "$A" "$B" "$C"; do
	wait_established "$id"
done
publish_n "$A" WA 10
publish_n "$A" NSG 5
wait_feed_agrees "$A" WA 10 "$A" "$B" "$C"
wait_feed_agrees "$A" NSG 5 "$A" "$B"

# The backup, taken while the node runs, as the README's Operations say.
mkdir "$T/backup"
mdb_copy -c "$T/$A/data" "$T/backup"
old_wa=$(feed_seq "$A" "$A" WA)
old_nsg=$(feed_seq "$A" "$A" NSG)

publish_n "$A" WA 10
publish_n "$A" NSG 5
wait_feed_agrees "$A" WA 20 "$A" "$B" "$C"
wait_feed_agrees "$A" NSG 10 "$A" "$B"
stop_node "$A"
# The partners' view of A's feeds: what the restored node must reach
# before it signs anything.
held_wa=$(feed_seq "$B" "$A" WA)
held_nsg=$(feed_seq "$B" "$A" NSG)
[ "$held_wa" -gt "$old_wa" ] && [ "$held_nsg" -gt "$old_nsg" ] ||
    fail "the backup is not older than the partners' view"

# Restore: the copy replaces the ledger, as an operator would.
rm -f "$T/$A/data/data.mdb" "$T/$A/data/lock.mdb"
cp "$T/backup/data.mdb" "$T/$A/data/data.mdb"
verify_ledger "$A" "restored from the backup"
say "restored $A: WA at $old_wa, NSG at $old_nsg; partners hold" \
    "$held_wa and $held_nsg"

# Publish at once: lcn publish waits behind the guard, and the entry
# signed follows what the partners held.
start_node "$A"
make_bodies "$A" 1001 1 >"$T/one.jsonl"
out=$(lcn_at "$A" publish --group WA --wait 60 "$T/one.jsonl")
read -r _ _ seq <<<"$out"
[ "$seq" -gt "$held_wa" ] ||
    fail "restored $A signed WA seq $seq, partners held $held_wa: $out"
make_bodies "$A" 1002 1 >"$T/one.jsonl"
out=$(lcn_at "$A" publish --group NSG --wait 60 "$T/one.jsonl")
read -r _ _ seq <<<"$out"
[ "$seq" -gt "$held_nsg" ] ||
    fail "restored $A signed NSG seq $seq, partners held $held_nsg: $out"

wait_feed_agrees "$A" WA $((held_wa + 1)) "$A" "$B" "$C"
wait_feed_agrees "$A" NSG $((held_nsg + 1)) "$A" "$B"
for id in "$A" "$B" "$C"; do
	js=$(status_json "$id")
	assert_eq 0 "$(jq '.forks | length' <<<"$js")" "forks at $id"
	assert_eq 0 "$(jq '[.feeds[] | select(.frozen)] | length' <<<"$js")" \
	    "frozen feeds at $id"
	assert_log_lacks "$id" "equivocation"
done
# Every entry once: the 20 + 1 of WA, the 10 + 1 of NSG, at each member.
assert_eq 21 "$(log_refs "$C" --feed "$A/WA" --limit 10000 | sort -u |
    wc -l)" "distinct WA entries at $C"
assert_eq 11 "$(log_refs "$B" --feed "$A/NSG" --limit 10000 | sort -u |
    wc -l)" "distinct NSG entries at $B"
stop_and_verify "$A" "$B" "$C"
