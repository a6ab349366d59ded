# Handshake slots against a flood from more addresses than there are
# slots: idle TCP connections from 200 loopback addresses (127.0.0.2 to
# .201, one each, every one closed by lcnd reopened at once) want the
# HANDSHAKES_MAX (64) slots of JP-METI, while its partner US-BIS (from
# 127.0.0.1) reconnects and catches up. No address holds two, so the
# rule of limits_accept_fair (take the slot of the address holding the
# most) finds nothing; a newcomer from an address holding none then takes
# the slot of the oldest handshake that has not sent a whole ClientHello.
# The partner sends its ClientHello at once, is answered, and keeps its
# slot until its handshake is done. (The previous code refused it for as
# long as the flood lasted.) Printed: the partner's catch-up rate without
# and with the flood, and the time from its start to its session.
. "$(dirname "$0")/lib.sh"

N=$((5000 / TIMEOUT_SCALE))
NADDR=200
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

perl "$SRC/tests/integration/flood.pl" "${PORT[JP-METI]}" "$NADDR" 1 \
    $((30 * TIMEOUT_SCALE)) >"$T/flood.out" &
flood=$!
wait_until 30 'grep -q "^open " "$T/flood.out"'
echo "$TEST_NAME: flood: $(head -1 "$T/flood.out") connections from" \
    "$NADDR addresses"
pid=${NODE_PID[JP-METI]}
echo "$TEST_NAME: lcnd holds $(ls "/proc/$pid/fd" | wc -l) descriptors"

timed_catch_up US-BIS JP-METI WA "$N" $((2 * N))
echo "$TEST_NAME: catch-up during the flood: $RATE"
# 10 s, scaled (under valgrind the partner's own start takes 20 s); the
# previous code let it in only once the flood ended (38 s here).
((SESSION_MS < 10000 * TIMEOUT_SCALE)) ||
    fail "the partner's session took $SESSION_MS ms during the flood"
# The flood still held the slots when the partner got in.
kill -0 "$flood" 2>/dev/null || fail "the flood ended before the partner got in"
assert_log_contains JP-METI 'TLS handshake closed unfinished: it had not sent a whole ClientHello, all HANDSHAKES_MAX 64 slots were taken'
# A connection of the partner's was never the one closed.
assert_log_lacks JP-METI '127\.0\.0\.1:[0-9]+: TLS handshake closed unfinished'
wait "$flood"
echo "$TEST_NAME: flood: $(tail -1 "$T/flood.out") connections after" \
    "lcnd closed them"
wait_established JP-METI 30
stop_and_verify JP-METI US-BIS
