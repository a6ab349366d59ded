# A Hello of about 4 MB (lcn-testpeer oversize-hello: 28,000 heads of
# feeds JP-METI does not share with the partner, each with the longest
# ids, within HEADS_MAX and the 4 MiB max_frame), then the same size of
# empty heads (two bytes each: 2 million, over HEADS_MAX). lcnd decodes
# the first within its unpack budget and refuses the second before
# protobuf-c allocates (PROTOCOL.md section 7); its peak RssAnon is
# printed and must stay under 64 MiB (the previous code grew by 250 MB on
# the second). The node serves on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/limits_rss.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS
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

# 1. A valid Hello of 4 MB.
rss_start JP-METI
testpeer big <<'EOF2'
oversize-hello 4180000
expect hello
read 1000
EOF2
rss_stop_assert JP-METI "a Hello of 4 MB (valid heads)"
jq -e -s 'any(.[]; .type == "sent" and .bytes > 4000000)' "$T/big.out" \
    >/dev/null || fail "the big Hello was not sent: $(head -n 3 "$T/big.out")"
wait_until 10 '[ "$(peer_state JP-METI US-BIS)" != established ]'

# 2. A Hello of 4 MB of empty heads: the frame header (4180005), Frame
# field 1 of length 4180000 (as a varint: a0 90 ff 01), then 2,090,000
# times Hello.heads (2a) of length 0.
perl -e 'print "\x00\x3f\xc8\x25\x0a\xa0\x90\xff\x01", "\x2a\x00" x 2090000' \
    >"$T/empty-heads.bin"
assert_eq $((4 + 4180005)) "$(stat -c %s "$T/empty-heads.bin")" \
    "bytes of the empty-heads frame"
rss_start JP-METI
testpeer empty <<EOF2
raw $T/empty-heads.bin
expect closed 30000
EOF2
rss_stop_assert JP-METI "a Hello of 2 million empty heads (4 MB)"
jq -e -s 'any(.[]; .type == "closed" or .type == "error")' "$T/empty.out" \
    >/dev/null || fail "JP-METI did not refuse the empty heads:" \
    "$(tail -n 3 "$T/empty.out")"
assert_log_contains JP-METI 'Hello.heads: 2090000 heads, more than HEADS_MAX'

# The node serves on.
sleep 1.5	# the refusal window after a violation
testpeer again <<'EOF2'
hello
expect hello
want JP-METI/WA 1 3
credit 4194304
expect entries --feed JP-METI/WA
EOF2
assert_eq 0 "$(cat "$T/again.status")" \
    "lcn-testpeer status afterwards ($(tail -n 3 "$T/again.out"))"
stop_and_verify JP-METI
