# What a partner sends (PROTOCOL.md section 4), handled as hostile input:
# an authenticated partner whose Hello.software, Reject text and Error
# text hold a newline followed by something shaped like a log line cannot
# make the node write a line of its own (the log escapes control
# characters), and a Credit of 2^64-1 after a normal one saturates
# instead of wrapping the sender's credit to nothing.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
publish_n JP-METI WA 20

# Protocol Buffers by hand, just what these frames need. Each function
# prints printf %b escapes.
pb_varint() {		# VALUE (below 2^63)
	local v=$1 out=

	while ((v >= 128)); do
		out+=$(printf '\\x%02x' $(((v & 127) | 128)))
		v=$((v >> 7))
	done
	printf '%s\\x%02x' "$out" "$v"
}
pb_len() {		# FIELD ESCAPED-BYTES: a length-delimited field
	local n

	n=$(printf '%b' "$2" | wc -c)
	printf '%s%s%s' "$(pb_varint $((($1 << 3) | 2)))" "$(pb_varint "$n")" "$2"
}
pb_uint() {		# FIELD VALUE: a varint field
	printf '%s%s' "$(pb_varint $(($1 << 3)))" "$(pb_varint "$2")"
}
frame() {		# ESCAPED-FRAME: the 4-byte big-endian length, the Frame
	local n

	n=$(printf '%b' "$1" | wc -c)
	printf '\\x%02x\\x%02x\\x%02x\\x%02x%s' $((n >> 24 & 255)) \
	    $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)) "$1"
}
hello() {		# SOFTWARE-ESCAPED: DE-BAFA's Hello, protocol 1
	frame "$(pb_len 1 "$(pb_uint 1 1)$(pb_len 2 DE-BAFA)$(pb_len 3 "$1")")"
}
feed_wa() {		# JP-METI/WA as a FeedId
	printf '%s%s' "$(pb_len 1 JP-METI)" "$(pb_len 2 WA)"
}

# DE-BAFA's side of a session, to JP-METI with DE-BAFA's certificate;
# what JP-METI sends back goes to OUT. OUT is left once JP-METI hangs up,
# or after 5 s.
session() {		# IN OUT
	timeout 5 openssl s_client -connect "127.0.0.1:${PORT[JP-METI]}" \
	    -tls1_3 -quiet -CAfile "$T/JP-METI/certs/ca.pem" \
	    -cert "$T/DE-BAFA/certs/node.pem" \
	    -key "$T/DE-BAFA/certs/node.key" <"$1" >"$2" 2>/dev/null || true
}

forged='\x0a2026-01-01T00:00:00Z error alert forged'
{
	printf '%b' "$(hello "lcnd/9.9$forged by software")"
	printf '%b' "$(frame "$(pb_len 7 "$(pb_len 1 "$(feed_wa)")$(pb_uint 2 1)$(pb_uint 3 1)$(pb_len 4 "bad$forged by reject")")")"
	printf '%b' "$(frame "$(pb_len 10 "$(pb_uint 1 1)$(pb_len 2 "bye$forged by error")")")"
} >"$T/text.in"
session "$T/text.in" "$T/text.out"
wait_until 10 'grep -q "DE-BAFA: sent Error" "$T/JP-METI/lcnd.log"'
assert_log_contains JP-METI 'DE-BAFA: established .*software="lcnd/9.9\\x0a2026-01-01T00:00:00Z error alert forged by software"'
assert_log_contains JP-METI 'DE-BAFA: rejected JP-METI/WA seq 1 .*"bad\\x0a2026'
assert_log_contains JP-METI 'DE-BAFA: sent Error 1: "bye\\x0a2026'
assert_log_lacks JP-METI '^2026-01-01T00:00:00Z'

# Credit: 1 byte, then 2^64-1 (ten varint bytes), then a Want for all
# 20 entries. Wrapped, the credit is 0 and nothing comes; saturated, the
# entries come, each carrying its ref in the clear.
{
	printf '%b' "$(hello lcnd/test)"
	printf '%b' "$(frame "$(pb_len 5 "$(pb_uint 1 1)")")"
	printf '%b' "$(frame "$(pb_len 5 '\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01')")"
	printf '%b' "$(frame "$(pb_len 3 "$(pb_len 1 "$(feed_wa)")$(pb_uint 2 1)$(pb_uint 3 20)")")"
} >"$T/credit.in"
session "$T/credit.in" "$T/credit.out"
grep -aq 'JP-METI/DN/2026/0000020' "$T/credit.out" ||
    fail "no entries after Credit 1 and Credit 2^64-1 (credit wrapped?);" \
    "$(wc -c <"$T/credit.out") bytes received"

# The node still serves its partners and its ledger is intact.
start_node US-BIS
wait_feed US-BIS JP-METI WA 20
stop_and_verify JP-METI US-BIS
