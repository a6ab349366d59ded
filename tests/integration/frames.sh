# Hostile frames (PROTOCOL.md sections 4 and 7): an authenticated partner
# that sends an oversized frame, a zero-length frame or random bytes is
# disconnected and logged, and refused for a while when it comes back;
# the node keeps serving the others and loses nothing it stored.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS DE-BAFA"
done
write_config DE-BAFA --node "attest_interval = 0" \
    --group WA "JP-METI US-BIS DE-BAFA"
start_node JP-METI
start_node US-BIS
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
publish_n JP-METI WA 20
wait_feed US-BIS JP-METI WA 20

# Sends the bytes of FILE to JP-METI as DE-BAFA (a genuine partner).
send_as_partner() {
	tls_send JP-METI "$T/DE-BAFA/certs/node.pem" \
	    "$T/DE-BAFA/certs/node.key" <"$1"
}
closed() {
	grep -cE 'DE-BAFA: (frame length|malformed frame|expected Hello)' \
	    "$T/JP-METI/lcnd.log" || true
}

printf '\377\377\377\377' >"$T/oversized"
head -c 65536 /dev/zero >>"$T/oversized"
printf '\000\000\000\000' >"$T/zero"
head -c 8192 /dev/urandom >"$T/random"
# A valid length whose body is not a protobuf Frame.
{ printf '\000\000\000\020'; head -c 16 /dev/urandom; } >"$T/garbage"

# How long JP-METI still refuses DE-BAFA's connections (ms).
refused_ms() {
	status_json JP-METI | jq -r '.peers[] | select(.id == "DE-BAFA") |
	    .refused_for_ms'
}

for kind in oversized zero random garbage; do
	# Each violation makes JP-METI refuse DE-BAFA for longer (1, 2, 4 s):
	# wait it out, so that every kind of frame reaches the parser.
	wait_until 20 '[ "$(refused_ms)" = 0 ]'
	before=$(closed)
	send_as_partner "$T/$kind"
	wait_until 10 '[ "$(closed)" -gt "$before" ]'
	assert_eq established "$(peer_state JP-METI US-BIS)" \
	    "US-BIS after the $kind frame"
done
assert_log_contains JP-METI 'frame length 0 or above max_frame'

# Right after the fourth, DE-BAFA is refused before a frame is read.
[ "$(refused_ms)" -gt 0 ] || fail "DE-BAFA is not refused after 4 violations"
send_as_partner "$T/random"
wait_until 10 'grep -q "DE-BAFA: refused for [0-9]* ms more after invalid data" \
    "$T/JP-METI/lcnd.log"'

# Still serving: new entries flow, the old ones are intact.
publish_n JP-METI WA 5
wait_feed US-BIS JP-METI WA 25
assert_eq 25 "$(feed_seq JP-METI JP-METI WA)" "JP-METI's own feed"
stop_and_verify JP-METI US-BIS
