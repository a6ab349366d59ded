#!/usr/bin/env bash
#
# A node restored from a backup must not sign again a seq that only a
# partner which dials in (no address configured for it) holds: the
# self-fork guard waits for that partner's Hello, up to dial_in_wait after
# start (PROTOCOL.md section 5). Regression: the guard waited only for the
# partners the node dials, so the restored JP-METI signed seq 11 again and
# every node froze JP-METI/WA on the fork.
#
. "$(dirname "$0")/lib.sh"

A=JP-METI B=US-BIS C=DE-BAFA
make_agencies "$A" "$B" "$C"
# C dials A; A and B never dial C. A waits for C as a restored node must.
write_config "$A" --no-address-for "$C" --node "dial_in_wait = 40" \
    --group WA "$A $B $C"
write_config "$B" --no-address-for "$C" --group WA "$A $B $C"
write_config "$C" --no-address-for "$B" --group WA "$A $B $C"
for id in "$A" "$B" "$C"; do
	start_node "$id"
done
wait_until 30 '[ "$(peer_state $A $B)" = established ] &&
    [ "$(peer_state $A $C)" = established ]'
publish_n "$A" WA 10
wait_feed_agrees "$A" WA 10 "$A" "$B" "$C"
mkdir "$T/backup"
mdb_copy -c "$T/$A/data" "$T/backup"

# Entries 11..20 reach C only: B is down.
stop_node "$B"
publish_n "$A" WA 10
wait_feed_agrees "$A" WA 20 "$A" "$C"
stop_node "$A"
cp "$T/backup/data.mdb" "$T/$A/data/data.mdb"
rm -f "$T/$A/data/lock.mdb"
start_node "$B"
start_node "$A"

# Published at once: the guard must hold it until C has said it holds 20.
make_bodies "$A" 1001 1 >"$T/one.jsonl"
out=$(lcn_at "$A" publish --group WA --wait 60 "$T/one.jsonl")
[ "$out" = "$A WA 21" ] ||
    fail "the restored node published '$out', expected '$A WA 21'"
wait_feed_agrees "$A" WA 21 "$A" "$B" "$C"
for id in "$A" "$B" "$C"; do
	assert_eq 0 "$(status_json "$id" | jq '.forks | length')" \
	    "forks at $id"
done
if grep -l equivocation "$T"/*/lcnd.log; then
	fail "a node logged an equivocation"
fi
stop_and_verify "$A" "$B" "$C"
