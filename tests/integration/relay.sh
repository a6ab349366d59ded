# Relay (PROTOCOL.md section 5.3): JP-METI and DE-BAFA never connect to each
# other, yet each one's entries reach the other through US-BIS, also while
# the origin is offline.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --node "attest_interval = 0" --no-address-for DE-BAFA --group WA "JP-METI US-BIS DE-BAFA"
write_config US-BIS --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA"
write_config DE-BAFA --node "attest_interval = 0" --no-address-for JP-METI --group WA "JP-METI US-BIS DE-BAFA"
start_node JP-METI
start_node US-BIS
start_node DE-BAFA
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ] &&
    [ "$(peer_state DE-BAFA US-BIS)" = established ]'

publish_n JP-METI WA 3
wait_feed DE-BAFA JP-METI WA 3
publish_n DE-BAFA WA 2
wait_feed JP-METI DE-BAFA WA 2
assert_eq waiting "$(peer_state JP-METI DE-BAFA)" "JP-METI's link to DE-BAFA"
assert_eq waiting "$(peer_state DE-BAFA JP-METI)" "DE-BAFA's link to JP-METI"
assert_eq "JP-METI/DN/2026/0000001" "$(log_refs DE-BAFA --feed JP-METI/WA --limit 1)"

# The origin goes offline after US-BIS took its entries; DE-BAFA, down
# while they were published, still gets them through US-BIS.
stop_node DE-BAFA
publish_n JP-METI WA 4
wait_feed US-BIS JP-METI WA 7
stop_node JP-METI
start_node DE-BAFA
wait_feed DE-BAFA JP-METI WA 7

stop_and_verify JP-METI US-BIS DE-BAFA
