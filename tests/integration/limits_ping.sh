# A partner that sends Pings and never reads the Pongs (lcn-testpeer:
# drain-none, then 2,000,000 Pings, about 30 MB) makes lcnd queue an
# answer for each. So many that the Pongs cannot all vanish into the
# kernel's socket buffers (lcnd's send buffer grows to 4 MiB; with
# several Pongs to a TLS record, 600,000 of them once fitted on a loaded
# machine, lcnd saw them drain and rightly kept the partner). lcnd
# stops reading it once PEER_QUEUE_LOW bytes wait for it, closes it as
# a violation when nothing drains for PEER_DRAIN_MS (at once past
# PEER_QUEUE_MAX), refuses it for a while, and its memory stays
# bounded: the peak RssAnon is printed and must stay under 64 MiB (the
# previous code queued every Pong and grew by 230 MB, and kept the
# connection). The partner then connects again and is served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/limits_rss.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS
# US-BIS is played by lcn-testpeer: JP-METI must not dial it.
write_config JP-METI --node "attest_interval = 0" --no-address-for US-BIS \
    --group WA "JP-METI US-BIS"
start_node JP-METI
publish_n JP-METI WA 3

testpeer() {		# NAME: the script on stdin
	local rc=0

	"$TP" --cert "$T/US-BIS/certs/node.pem" \
	    --key "$T/US-BIS/certs/node.key" \
	    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
	    --connect "127.0.0.1:${PORT[JP-METI]}" \
	    --timeout-scale "$TIMEOUT_SCALE" >"$T/$1.out" \
	    2>"$T/$1.err" || rc=$?
	echo "$rc" >"$T/$1.status"
}

rss_start JP-METI
t0=$(now_ms)
testpeer flood <<'EOF2'
hello
expect hello
drain-none
ping 500000
ping 500000
ping 500000
ping 500000
expect closed 60000
EOF2
t1=$(now_ms)
out=$T/flood.out
rss_stop_assert JP-METI "2,000,000 Pings never read"
jq -e -s 'any(.[]; .type == "closed" or .type == "tls_error")' "$out" \
    >/dev/null || fail "JP-METI did not close the flooding partner:" \
    "$(tail -n 3 "$out")"
assert_log_contains JP-METI 'US-BIS: does not read: [0-9]+ bytes queued for it'
assert_log_contains JP-METI 'US-BIS: [0-9]+ bytes queued for it, above PEER_QUEUE_LOW'
echo "$TEST_NAME: JP-METI closed the partner after $((t1 - t0)) ms:" \
    "$(grep -E -o 'US-BIS: does not read: .*' "$T/JP-METI/lcnd.log" |
    head -n 1)"

# Refused for a while (a violation), then served again.
wait_until 10 '[ "$(peer_state JP-METI US-BIS)" != established ]'
sleep 1.5
testpeer again <<'EOF2'
hello
expect hello
want JP-METI/WA 1 3
credit 4194304
expect entries --feed JP-METI/WA
EOF2
assert_eq 0 "$(cat "$T/again.status")" \
    "lcn-testpeer status after the flood ($(tail -n 3 "$T/again.out"))"
assert_eq 3 "$(jq -r 'select(.type == "entries") | .count' "$T/again.out")" \
    "entries served after the flood"
stop_and_verify JP-METI
