# Forks (PROTOCOL.md sections 3 and 5.5). A node restored from a backup catches up
# on its own feed before it signs again (the self-fork guard). A node
# that signs a different entry at a seq it already used anyway (restored
# while its partners were away) is caught: the partners keep both
# entries as proof, freeze the feed, alert, and push the proof on.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
start_node US-BIS
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
publish_n JP-METI WA 2
wait_feed US-BIS JP-METI WA 2
stop_node JP-METI
cp -a "$T/JP-METI/data" "$T/backup"
start_node JP-METI
publish_n JP-METI WA 3
wait_feed US-BIS JP-METI WA 5

# Restored from the backup while US-BIS is up: the guard holds publishing
# until JP-METI has its entries 3..5 back, then it signs seq 6.
stop_node JP-METI
rm -rf "$T/JP-METI/data"
cp -a "$T/backup" "$T/JP-METI/data"
start_node JP-METI
publish_n JP-METI WA 1
assert_eq 6 "$(feed_seq JP-METI JP-METI WA)" "JP-METI's head after restore"
wait_feed US-BIS JP-METI WA 6
assert_eq 0 "$(status_json US-BIS | jq '.forks | length')" "forks at US-BIS"

# Restored again while every partner is down: nothing stops it from
# signing a second seq 3.
stop_node JP-METI
stop_node US-BIS
rm -rf "$T/JP-METI/data"
cp -a "$T/backup" "$T/JP-METI/data"
start_node JP-METI
publish_n JP-METI WA 1
assert_eq 3 "$(feed_seq JP-METI JP-METI WA)" "the forked head"

start_node US-BIS
wait_until 20 '[ "$(status_json US-BIS | jq ".forks | length")" -ge 1 ]'
js=$(status_json US-BIS)
assert_eq "JP-METI WA 3" "$(jq -r '.forks[0] | "\(.origin) \(.group) \(.seq)"' <<<"$js")" "fork record"
assert_eq true "$(jq -r '.feeds[] | select(.origin == "JP-METI" and .group == "WA") | .frozen' <<<"$js")" "frozen at US-BIS"
jq -e '.alerts | any(test("equivocation"))' <<<"$js" >/dev/null ||
    fail "no equivocation alert at US-BIS"

# DE-BAFA never talked to JP-METI after the fork: the proof reaches it
# from US-BIS, which hands every proof it holds to a partner on connect.
start_node DE-BAFA
wait_until 20 '[ "$(status_json DE-BAFA | jq ".forks | length")" -ge 1 ]'
assert_eq true "$(status_json DE-BAFA | jq -r '.feeds[] | select(.origin == "JP-METI" and .group == "WA") | .frozen')" "frozen at DE-BAFA"
assert_log_contains US-BIS 'equivocation'

stop_and_verify JP-METI US-BIS DE-BAFA
