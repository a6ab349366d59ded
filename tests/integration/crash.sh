# kill -9 at any moment loses nothing announced and never leaves a ledger
# that fails `lcn verify` (store/README.md, crash consistency): an origin killed in the
# middle of publishing, and a receiver killed in the middle of catching
# up, both restart with verifiable ledgers, and no partner ever holds
# more of a feed than its origin.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_established JP-METI

# The origin dies while lcn publish is sending batches.
make_bodies JP-METI 1 3000 >"$T/bodies.jsonl"
PUBLISHED[JP-METI]=3000	# publish_n goes on after these refs
lcn_at JP-METI publish --group WA "$T/bodies.jsonl" >/dev/null 2>&1 &
pub=$!
wait_until 30 '[ "$(feed_seq JP-METI JP-METI WA)" -ge 500 ]'
kill_node JP-METI
wait "$pub" || true
verify_ledger JP-METI "after kill -9"
start_node JP-METI
jp=$(feed_seq JP-METI JP-METI WA)
us=$(feed_seq US-BIS JP-METI WA)
[ "$us" -le "$jp" ] || fail "US-BIS holds seq $us of JP-METI/WA, JP-METI only $jp"
wait_feed US-BIS JP-METI WA "$jp" 60

# The receiver dies while catching up.
stop_node US-BIS
publish_n JP-METI WA 3000 1000
start_node US-BIS
wait_until 30 '[ "$(feed_seq US-BIS JP-METI WA)" -gt '"$jp"' ]'
kill_node US-BIS
verify_ledger US-BIS "after kill -9"
start_node US-BIS
total=$(feed_seq JP-METI JP-METI WA)
wait_feed US-BIS JP-METI WA "$total" 90

stop_and_verify JP-METI US-BIS
