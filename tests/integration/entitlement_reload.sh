# Entitlement holds for the whole session (PROTOCOL.md section 5.1): a
# partner that a reload (SIGHUP) takes out of a group receives nothing
# more of that group, although it had a Want outstanding that it held
# back by granting too little credit, and although more entries are
# published after the reload; its other group is served on. The pending
# stream, the pull from it and the heads it announced of the group are
# dropped, and the log says so. US-BIS is played by lcn-testpeer, so the
# test asserts on what its socket receives, not only on logs.
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
# JP-METI dials nobody: US-BIS is the testpeer, DE-BAFA never runs.
config() {		# NSG-MEMBERS
	write_config JP-METI --node "attest_interval = 0" \
	    --no-address-for US-BIS --no-address-for DE-BAFA \
	    --group NSG "$1" --group WA "JP-METI US-BIS"
}
config "JP-METI US-BIS DE-BAFA"
start_node JP-METI
publish_n JP-METI NSG 5
publish_n JP-METI WA 2

# The testpeer reads its commands from a FIFO as the test writes them.
out=$T/tp.out
mkfifo "$T/tp.in"
"$TP" --cert "$T/US-BIS/certs/node.pem" --key "$T/US-BIS/certs/node.key" \
    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
    --connect "127.0.0.1:${PORT[JP-METI]}" \
    --timeout-scale "$TIMEOUT_SCALE" <"$T/tp.in" >"$out" 2>"$T/tp.err" &
tp_pid=$!
exec 3>"$T/tp.in"
tp() {
	printf '%s\n' "$*" >&3
}
# jq -s over the lines so far; true when it finds what FILTER selects.
seen() {
	jq -e -s "$1" "$out" >/dev/null 2>&1
}
seen_entries() {	# FEED
	seen "any(.[]; .type == \"entries\" and .feed == \"$1\")"
}

# Hello with a head of US-BIS/NSG ahead of JP-METI, so that JP-METI pulls
# it from US-BIS (which never delivers); Wants of both JP-METI feeds, and
# 1 byte of credit: one batch of one entry goes out, the rest waits.
tp hello --heads US-BIS/NSG:3
tp expect hello
tp want JP-METI/NSG 1 1000
tp want JP-METI/WA 1 1000
tp credit 1
wait_until 10 'seen_entries JP-METI/NSG'
wait_until 10 'seen "any(.[]; .type == \"want\" and .feed == \"US-BIS/NSG\")"'
sleep 0.5
assert_eq 1 "$(jq -s '[.[] | select(.type == "entries")] | length' "$out")" \
    "Entries frames before the reload (1 byte of credit)"

# US-BIS leaves NSG.
config "JP-METI DE-BAFA"
kill -HUP "${NODE_PID[JP-METI]}"
wait_until 10 "grep -q 'configuration reloaded' '$T/JP-METI/lcnd.log'"
tp mark reloaded
wait_until 10 'seen "any(.[]; .type == \"mark\")"'

# More of both groups after the reload, then all the credit it wants.
publish_n JP-METI NSG 3
publish_n JP-METI WA 2
tp credit 4194304
wait_until 10 'seen_entries JP-METI/WA'
tp read 1500
tp close
exec 3>&-
rc=0
wait "$tp_pid" || rc=$?
assert_eq 0 "$rc" "lcn-testpeer status ($(tail -n 3 "$out"))"

# What US-BIS's socket received after the reload.
after=$T/after.json
jq -c -s '(map(.type) | index("mark")) as $m | .[$m + 1:] | .[]' "$out" \
    >"$after"
nsg=$(jq -c 'select((.type == "entries" and .feed == "JP-METI/NSG") or
    (.type == "heads" and any(.heads[]; .feed | endswith("/NSG"))) or
    (.type == "equivocation"))' "$after")
[ -z "$nsg" ] || fail "NSG reached US-BIS after the reload: $nsg"
assert_eq "[1,2,3,4]" "$(jq -c -s '[.[] | select(.type == "entries" and
    .feed == "JP-METI/WA") | .seqs[]]' "$after")" \
    "JP-METI/WA seqs after the reload"
seen 'any(.[]; .type == "heads" and any(.heads[]; .feed == "JP-METI/WA"))' ||
    fail "no Heads of JP-METI/WA reached US-BIS: $(cat "$out")"
say "after the reload US-BIS received WA 1..4 and nothing of NSG"
# The log says what the reload took from it, once.
assert_log_contains JP-METI \
    "partner US-BIS lost group NSG: 1 stream and 1 pull dropped"
assert_log_lacks JP-METI "partner US-BIS lost group WA"

# The node carries on, its ledger intact.
assert_eq 8 "$(feed_seq JP-METI JP-METI NSG)" "JP-METI/NSG head"
stop_and_verify JP-METI
