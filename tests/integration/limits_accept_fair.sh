# Handshake slots are shared fairly (PROTOCOL.md section 7): idle TCP
# connections from 20 loopback addresses (127.0.0.2 to .21, 8 each, every
# one closed by lcnd reopened at once) hold all HANDSHAKES_MAX (64)
# slots of JP-METI, while its partner US-BIS (from 127.0.0.1) reconnects
# and catches up. When the slots are full, a connection from an address
# holding fewer takes the slot of the oldest handshake of the address
# holding the most: the partner gets in at its first dial. (The previous
# code refused it for as long as the flood lasted: more than 8 addresses
# could hold all 64.) Printed: the partner's catch-up rate without and
# with the flood, and the time from its start to its session.
. "$(dirname "$0")/lib.sh"

N=$((5000 / TIMEOUT_SCALE))
make_agencies JP-METI US-BIS
# US-BIS dials, JP-METI only accepts: the session needs a slot.
write_config JP-METI --node "attest_interval = 0" --no-address-for US-BIS \
    --group WA "JP-METI US-BIS"
write_config US-BIS --node "attest_interval = 0" --group WA "JP-METI US-BIS"
start_node JP-METI

publish_n JP-METI WA "$N"
timed_catch_up US-BIS JP-METI WA 0 "$N"
echo "$TEST_NAME: catch-up without the flood: $RATE"
stop_node US-BIS
publish_n JP-METI WA "$N"

perl "$SRC/tests/integration/flood.pl" "${PORT[JP-METI]}" 20 8 \
    $((30 * TIMEOUT_SCALE)) >"$T/flood.out" &
flood=$!
wait_until 30 'grep -q "^open " "$T/flood.out"'
wait_until 10 'grep -q "HANDSHAKES_MAX 64 handshakes in progress" \
    "$T/JP-METI/lcnd.log"'
echo "$TEST_NAME: flood: $(head -1 "$T/flood.out") connections from 20" \
    "addresses"

timed_catch_up US-BIS JP-METI WA "$N" $((2 * N))
echo "$TEST_NAME: catch-up during the flood: $RATE"
((SESSION_MS < 10000)) ||
    fail "the partner's session took $SESSION_MS ms during the flood"
# The flood still held the slots when the partner got in.
kill -0 "$flood" 2>/dev/null || fail "the flood ended before the partner got in"
assert_log_contains JP-METI 'TLS handshake closed unfinished: its address held the most of the HANDSHAKES_MAX 64 slots'
n=$(grep -c 'TLS handshake closed unfinished' "$T/JP-METI/lcnd.log" || true)
echo "$TEST_NAME: $n handshakes closed for another address logged in full"
# A connection of the partner's was never the one closed.
assert_log_lacks JP-METI '127\.0\.0\.1:[0-9]+: TLS handshake closed unfinished'
wait "$flood"
echo "$TEST_NAME: flood: $(tail -1 "$T/flood.out") connections after" \
    "lcnd closed them"
wait_established JP-METI 30
stop_and_verify JP-METI US-BIS
