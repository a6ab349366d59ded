# A fork is logged once, where it is found (store/ledger.c), and the
# node that found it still shows the alert in `lcn status`: the
# replication code keeps the alert without logging it a second time.
# Both ways a node learns of a fork count: finding two entries itself
# (US-BIS) and storing a partner's proof (DE-BAFA, which never saw the
# second entry before the proof).
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
start_node US-BIS
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
publish_n JP-METI WA 1
wait_feed US-BIS JP-METI WA 1

# JP-METI loses its ledger while its partners are down and signs a
# second seq 1.
stop_node JP-METI
stop_node US-BIS
rm -rf "$T/JP-METI/data"
mkdir -m 700 "$T/JP-METI/data"
start_node JP-METI
publish_n JP-METI WA 1

start_node US-BIS
wait_until 20 '[ "$(status_json US-BIS | jq ".forks | length")" -ge 1 ]'
status_json US-BIS | jq -e '.alerts | any(test("equivocation"))' \
    >/dev/null || fail "no equivocation alert at US-BIS"
stop_node JP-METI
start_node DE-BAFA
wait_until 20 '[ "$(status_json DE-BAFA | jq ".forks | length")" -ge 1 ]'
status_json DE-BAFA | jq -e '.alerts | any(test("equivocation"))' \
    >/dev/null || fail "no equivocation alert at DE-BAFA"

# The fork record, in the store's words or in the alert's.
for id in US-BIS DE-BAFA; do
	n=$(grep -cE 'equivocation.*JP-METI/WA seq 1\b.*feed frozen' \
	    "$T/$id/lcnd.log" || true)
	assert_eq 1 "$n" "lines logging the fork at $id"
done
stop_and_verify US-BIS DE-BAFA
