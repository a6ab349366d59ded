# Hostile frames from an authenticated partner (PROTOCOL.md sections 4
# and 5.4), played by lcn-testpeer as DE-BAFA against JP-METI while US-BIS,
# a real lcnd, keeps replicating with it: a flood of 10,000 Pings (each
# answered, the session kept), a session whose every frame is split into
# one-byte TLS records and writes (served as any other), a replay of
# entries nobody asked for (a violation: an Error, the connection closed,
# logged once; the previous code took them in silently), and a partner
# that claims a head of US-BIS/WA it never delivers and answers the
# node's Want with old entries over and over: the node gives up on it
# after the pull stall and takes the new entry from US-BIS (the previous
# code counted the replayed entries as progress and never did). Nothing
# is lost: both ledgers verify.
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
# DE-BAFA is played by lcn-testpeer: nobody dials it.
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --no-address-for DE-BAFA --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
start_node US-BIS
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
publish_n JP-METI WA 20
publish_n US-BIS WA 5
wait_feed US-BIS JP-METI WA 20
wait_feed JP-METI US-BIS WA 5

# Runs lcn-testpeer as DE-BAFA against JP-METI with the script on stdin;
# its JSON lines go to $T/NAME.out, its exit status to $T/NAME.status.
testpeer() {		# NAME
	local rc=0

	"$TP" --cert "$T/DE-BAFA/certs/node.pem" \
	    --key "$T/DE-BAFA/certs/node.key" \
	    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
	    --connect "127.0.0.1:${PORT[JP-METI]}" \
	    --timeout-scale "$TIMEOUT_SCALE" >"$T/$1.out" \
	    2>"$T/$1.err" || rc=$?
	echo "$rc" >"$T/$1.status"
}
count() {		# FILE TYPE
	jq -s --arg t "$2" '[.[] | select(.type == $t)] | length' "$1"
}
# US-BIS still replicates: one more entry of JP-METI's reaches it.
us_bis_replicates() {
	local n

	n=$(feed_seq JP-METI JP-METI WA)
	publish_n JP-METI WA 1
	wait_feed US-BIS JP-METI WA $((n + 1))
}

# 1. 10,000 Pings in one write: 10,000 Pongs, then the session serves a
# Want as usual.
testpeer pings <<'EOF'
hello
expect hello
ping 10000
want JP-METI/WA 1 3
credit 4194304
expect entries 20000 --feed JP-METI/WA
EOF
out=$T/pings.out
assert_eq 0 "$(cat "$T/pings.status")" "ping flood session ($(tail -n 3 "$out"))"
assert_eq 10000 "$(count "$out" pong)" "Pongs for 10,000 Pings"
assert_eq 0 "$(count "$out" error)" "Error frames after the Pings"
say "10,000 Pings: 10,000 Pongs, session kept"
us_bis_replicates

# 2. Every byte its own TLS record and write, 1 ms apart: the Hello, the
# Want and the Credit are put together again and served.
mkdir -p "$T/saved"
testpeer split <<EOF
split-writes 1 1
hello
expect hello
save-entries $T/saved
want US-BIS/WA 1 5
credit 4194304
expect entries --feed US-BIS/WA
EOF
out=$T/split.out
assert_eq 0 "$(cat "$T/split.status")" "one-byte writes session ($(tail -n 3 "$out"))"
assert_eq "[1,2,3,4,5]" "$(jq -c -s '[.[] | select(.type == "entries") |
    .seqs[]]' "$out")" "US-BIS/WA seqs served to the one-byte writer"
[ -f "$T/saved/US-BIS.WA.5" ] || fail "US-BIS/WA 5 not saved"
say "one-byte writes: served US-BIS/WA 1..5"
us_bis_replicates

# 3. Entries nobody asked for: a replay of US-BIS/WA 1..5, unasked.
saved="$T/saved/US-BIS.WA.1 $T/saved/US-BIS.WA.2 $T/saved/US-BIS.WA.3"
saved+=" $T/saved/US-BIS.WA.4 $T/saved/US-BIS.WA.5"
testpeer unasked <<EOF
hello
expect hello
entries US-BIS/WA 1 $saved
entries US-BIS/WA 1 $saved
expect error
expect closed
EOF
out=$T/unasked.out
assert_eq 0 "$(cat "$T/unasked.status")" "unasked entries session ($(tail -n 3 "$out"))"
jq -r 'select(.type == "error") | .text' "$out" |
    grep -q "sent 5 entries of US-BIS/WA from seq 1, which this node did not ask it for" ||
    fail "no Error about unasked entries: $(cat "$out")"
assert_eq 1 "$(grep -c 'DE-BAFA: sent 5 entries of US-BIS/WA from seq 1, which this node did not ask it for' \
    "$T/JP-METI/lcnd.log")" "log lines about the unasked entries"
say "unasked entries: $(jq -r 'select(.type == "error") | .text' "$out")"
us_bis_replicates

# 4. A head it never delivers. DE-BAFA claims US-BIS/WA up to 50; once
# the lazy wait is over JP-METI asks it for 6..50, and it answers with
# old entries 1..5 every second. US-BIS publishes seq 6 meanwhile:
# JP-METI must give up on DE-BAFA after the stall (10 s) and take seq 6
# from US-BIS.
wait_until 20 '[ "$(status_json JP-METI | jq -r ".peers[] |
    select(.id == \"DE-BAFA\") | .refused_for_ms")" = 0 ]'
{
	echo "hello --heads US-BIS/WA:50"
	echo "expect hello"
	echo "expect want 10000 --feed US-BIS/WA"
	for ((i = 0; i < 40 * TIMEOUT_SCALE; i++)); do
		echo "entries US-BIS/WA 1 $saved"
		echo "sleep 1000"
	done
} >"$T/liar.script"
"$TP" --cert "$T/DE-BAFA/certs/node.pem" --key "$T/DE-BAFA/certs/node.key" \
    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
    --connect "127.0.0.1:${PORT[JP-METI]}" --timeout-scale "$TIMEOUT_SCALE" \
    --script "$T/liar.script" >"$T/liar.out" 2>"$T/liar.err" &
liar=$!
wait_until 15 'grep -q "\"type\":\"want\"" "$T/liar.out"'
say "JP-METI asked the liar: $(jq -c 'select(.type == "want")' "$T/liar.out" | head -n 1)"
publish_n US-BIS WA 1
# The stall is 10 s; the liar replays for 40 s.
wait_feed JP-METI US-BIS WA 6 20
say "JP-METI took US-BIS/WA 6 from US-BIS while the liar replayed"
assert_log_contains JP-METI "DE-BAFA: claimed US-BIS/WA up to 50 but did not deliver"
# The liar was answered, not cut off: its replays were asked for.
pid_alive "$liar" || fail "the liar's session ended early: $(tail -n 3 "$T/liar.out")"
kill "$liar" 2>/dev/null || true
wait "$liar" 2>/dev/null || true
assert_eq 0 "$(count "$T/liar.out" error)" "Error frames to the liar"
us_bis_replicates

# Nothing lost: both nodes hold both feeds whole, verified.
wait_feed_agrees JP-METI WA 24 JP-METI US-BIS
wait_feed_agrees US-BIS WA 6 JP-METI US-BIS
stop_and_verify JP-METI US-BIS
