# Catch-up after downtime and durability across restarts: a node stopped
# while a partner published 1,000 entries pulls them all when it returns;
# a clean restart and a kill -9 both keep the ledger.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
start_node US-BIS
start_node DE-BAFA
wait_established JP-METI
publish_n JP-METI WA 10
wait_feed DE-BAFA JP-METI WA 10

stop_node DE-BAFA
publish_n JP-METI WA 1000 250
wait_feed US-BIS JP-METI WA 1010 60
start_node DE-BAFA
wait_feed DE-BAFA JP-METI WA 1010 60
assert_eq "JP-METI/DN/2026/0001010" \
    "$(log_refs DE-BAFA --feed JP-METI/WA --since 1009)" "last entry"

stop_node JP-METI
start_node JP-METI
assert_eq 1010 "$(feed_seq JP-METI JP-METI WA)" "JP-METI's own feed after restart"
kill_node US-BIS
start_node US-BIS
assert_eq 1010 "$(feed_seq US-BIS JP-METI WA)" "US-BIS's copy after kill -9"
wait_established US-BIS
publish_n US-BIS WA 3
wait_feed JP-METI US-BIS WA 3

stop_and_verify JP-METI US-BIS DE-BAFA
