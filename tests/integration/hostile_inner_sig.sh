# A hostile partner origin whose batch carries a bad signature inside it
# (PROTOCOL.md section 3.10). lcn-testpeer plays US-BIS against JP-METI
# and sends its own feed US-BIS/WA: entries 1 to 10 in one Entries frame,
# entry 4 signed with another key under US-BIS's key id, every entry
# chained onto the signed bytes before it, so the batch's last signature
# is good and JP-METI accepts the batch on it. Then two more good
# batches, 11 to 15 and 16 to 20. The pool's check of the inner
# signatures must find seq 4:
#   - one alert naming US-BIS/WA seq 4, in the log and in lcn status;
#   - the feed's verified mark stays at 3 while its seq reaches 20, and
#     lcn status shows "to 3" for it (and "verified": 3 with --json);
#   - the later good batches do not move the mark past the bad entry;
#   - DE-BAFA, a real lcnd, keeps replicating with JP-METI both ways and
#     its feed verifies to its head;
#   - lcnd neither crashes nor stops on it, and after a restart it checks
#     the feed again from its mark and raises the alert again;
#   - lcn verify, the offline check, names US-BIS/WA seq 4 as the one
#     fault of the ledger and fails (at DE-BAFA too, which holds the feed
#     relayed by JP-METI).
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
# US-BIS is played by lcn-testpeer: nobody dials it.
for id in JP-METI DE-BAFA; do
	write_config "$id" --no-address-for US-BIS \
	    --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
start_node DE-BAFA
wait_until 20 '[ "$(peer_state JP-METI DE-BAFA)" = established ]'
publish_n JP-METI WA 1
wait_feed DE-BAFA JP-METI WA 1

# US-BIS/WA 1..20, heads attestations of no heads, each chained onto the
# files before it; seq 4 signed with a key that is not US-BIS's.
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null
chmod 600 "$T/other.key"
mkdir -p "$T/us"
declare -A H
for s in $(seq 1 20); do
	if [ "$s" = 4 ]; then
		key=(--signing-key "$T/other.key" --key-id-of
		    "$T/US-BIS/certs/signing.pub")
	else
		key=(--signing-key "$T/US-BIS/certs/signing.key")
	fi
	H[$s]=$("$TP" attest "$T/us/US-BIS.WA.$s" "${key[@]}" \
	    --feed US-BIS/WA --seq "$s" --prev-of "$T/us" | jq -r .leaf_hash)
	[ -n "${H[$s]}" ] || fail "lcn-testpeer attest failed for seq $s"
done
files() {		# FIRST LAST
	local s

	for s in $(seq "$1" "$2"); do
		printf ' %s' "$T/us/US-BIS.WA.$s"
	done
}

# Runs lcn-testpeer as US-BIS against JP-METI, announcing US-BIS/WA's
# head LAST and sending FIRST..LAST in one Entries frame when asked.
send_batch() {		# NAME FIRST LAST
	testpeer_as US-BIS JP-METI "$1" <<EOF
hello --heads US-BIS/WA:$3:${H[$3]}
expect hello
expect want --feed US-BIS/WA
entries US-BIS/WA $2$(files "$2" "$3")
ping
expect pong
expect-none reject 1000
close
EOF
}
alerts_about() {	# ID: alerts naming US-BIS/WA's bad signature
	status_json "$1" | jq '[.alerts[]? | tostring |
	    select(test("signature check failed for US-BIS/WA seq 4"))] |
	    length'
}
text_verified() {	# ID: the VERIFIED cell of US-BIS/WA in lcn status
	lcn_at "$1" status | awk '$1 == "US-BIS/WA" { print $4, $5 }'
}

send_batch first 1 10
wait_until 20 '[ "$(feed_seq JP-METI US-BIS WA)" = 10 ]'
wait_until 20 'grep -q "signature check failed for US-BIS/WA seq 4" \
    "$T/JP-METI/lcnd.log"'
send_batch second 11 15
send_batch third 16 20
wait_until 20 '[ "$(feed_seq JP-METI US-BIS WA)" = 20 ]'
# The later batches' own checks finish quickly; give them time to (not)
# raise the mark.
sleep 2
assert_eq 3 "$(feed_verified JP-METI US-BIS WA)" \
    "JP-METI's verified mark of US-BIS/WA (bad signature at seq 4)"
assert_eq "to 3" "$(text_verified JP-METI)" \
    "VERIFIED of US-BIS/WA in JP-METI's lcn status"
assert_eq 1 "$(grep -c "signature check failed for US-BIS/WA seq 4" \
    "$T/JP-METI/lcnd.log")" "alerts about seq 4 in JP-METI's log"
assert_log_contains JP-METI \
    "signature check failed for US-BIS/WA seq 4: signature does not verify"
assert_log_lacks JP-METI "signature check failed for US-BIS/WA seq ([1-35-9]|1[0-9]|20)[^0-9]"
assert_eq 1 "$(alerts_about JP-METI)" "alerts in JP-METI's status"
lcn_at JP-METI status | grep -q "signature check failed for US-BIS/WA seq 4" ||
    fail "lcn status at JP-METI does not show the alert"
pid_alive "${NODE_PID[JP-METI]}" || fail "JP-METI died"
say "US-BIS/WA: seq $(feed_seq JP-METI US-BIS WA), verified to 3, one alert"

# DE-BAFA keeps replicating with JP-METI, both ways, fully verified.
publish_n DE-BAFA WA 5
publish_n JP-METI WA 5
# (Heads attestations make the feeds grow by themselves: compare nodes.)
wait_feed_agrees DE-BAFA WA 5 JP-METI DE-BAFA
wait_feed_agrees JP-METI WA 6 JP-METI DE-BAFA
assert_eq established "$(peer_state JP-METI DE-BAFA)" "JP-METI sees DE-BAFA"
assert_eq 3 "$(feed_verified JP-METI US-BIS WA)" \
    "JP-METI's verified mark of US-BIS/WA after more traffic"

# A restart checks US-BIS/WA again from its mark: the alert again, the
# mark still 3, the seq still 20.
stop_node JP-METI
start_node JP-METI
wait_until 20 '[ "$(grep -c "signature check failed for US-BIS/WA seq 4" \
    "$T/JP-METI/lcnd.log")" = 2 ]'
sleep 1
assert_eq 20 "$(feed_seq JP-METI US-BIS WA)" "US-BIS/WA seq after restart"
assert_eq 3 "$(feed_verified JP-METI US-BIS WA)" \
    "US-BIS/WA verified mark after restart"
wait_until 20 '[ "$(peer_state JP-METI DE-BAFA)" = established ]'
n=$(feed_seq DE-BAFA DE-BAFA WA)
publish_n DE-BAFA WA 1
wait_feed_agrees DE-BAFA WA $((n + 1)) JP-METI DE-BAFA

# The offline check names the bad entry, and only it, and fails. DE-BAFA
# holds US-BIS/WA too, relayed by JP-METI, and finds the same.
stop_node JP-METI
stop_node DE-BAFA
for id in JP-METI DE-BAFA; do
	rc=0
	out=$(lcn_at "$id" verify --data-dir "$T/$id/data" 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "lcn verify passed $id's ledger: $out"
	grep -q "^FAULT US-BIS/WA seq 4: signature does not verify" 	    <<<"$out" || fail "lcn verify at $id does not name seq 4: $out"
	grep -q " faults 1$" <<<"$out" ||
	    fail "lcn verify at $id: faults other than seq 4: $out"
	say "lcn verify $id (exit $rc): $(grep "^FAULT" <<<"$out")"
done
