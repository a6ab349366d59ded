# lcn-testpeer against a real node (tests/README.md): as US-BIS, a
# partner in group WA, it completes mutual TLS with JP-METI, receives
# JP-METI's Hello naming its WA head, and pulls the three entries it asks
# for, every frame printed as a JSON line; as DE-BAFA, which JP-METI does
# not know, it is refused (tls_error or closed, exit status 1); dialling
# with the wrong CA for the server fails its own handshake. The node
# serves on and its ledger verifies.
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
# US-BIS is played by lcn-testpeer: JP-METI must not dial it.
write_config JP-METI --node "attest_interval = 0" --no-address-for US-BIS \
    --no-partner DE-BAFA --group WA "JP-METI US-BIS"
start_node JP-METI
publish_n JP-METI WA 3

# Runs lcn-testpeer as ID against JP-METI with the script on stdin;
# its JSON lines go to $T/NAME.out, its status to $T/NAME.status.
testpeer() {		# NAME ID [CA]
	local rc=0

	"$TP" --cert "$T/$2/certs/node.pem" --key "$T/$2/certs/node.key" \
	    --ca "${3:-$T/JP-METI/certs/ca.pem}" --server-id JP-METI \
	    --connect "127.0.0.1:${PORT[JP-METI]}" \
	    --timeout-scale "$TIMEOUT_SCALE" >"$T/$1.out" \
	    2>"$T/$1.err" || rc=$?
	echo "$rc" >"$T/$1.status"
}

# A partner's session: Hello, a Want of the whole feed, credit for it.
testpeer partner US-BIS <<'EOF'
hello --software "testpeer.sh"
expect hello
want JP-METI/WA 1 3
credit 4194304
expect entries --feed JP-METI/WA
EOF
out=$T/partner.out
assert_eq 0 "$(cat "$T/partner.status")" \
    "lcn-testpeer as US-BIS status ($(tail -n 3 "$out"))"
assert_eq JP-METI "$(jq -r 'select(.type == "connected") | .agency' "$out")" \
    "agency of the server certificate"
hello=$(jq -c 'select(.type == "hello")' "$out")
assert_eq JP-METI "$(jq -r .agency <<<"$hello")" "Hello.agency"
assert_eq 1 "$(jq -r .version <<<"$hello")" "Hello.protocol_version"
assert_eq 3 "$(jq -r '.heads[] | select(.feed == "JP-METI/WA") | .seq' \
    <<<"$hello")" "JP-METI/WA head in JP-METI's Hello"
ent=$(jq -c 'select(.type == "entries")' "$out")
assert_eq 1 "$(wc -l <<<"$ent")" "Entries frames"
assert_eq JP-METI/WA "$(jq -r .feed <<<"$ent")" "Entries.feed"
assert_eq 1 "$(jq -r .first_seq <<<"$ent")" "Entries.first_seq"
assert_eq 3 "$(jq -r .count <<<"$ent")" "entries in the frame"
assert_eq "[1,2,3]" "$(jq -c .seqs <<<"$ent")" "seqs the entries carry"
assert_eq 0 "$(jq -r 'select(.type == "end") | .status' "$out")" "end line"
# The node saw a partner, named as its certificate says.
wait_until 10 'grep -q "US-BIS: established dir=accept" "$T/JP-METI/lcnd.log"'
say "US-BIS (lcn-testpeer) received JP-METI's Hello and JP-METI/WA 1..3"

# Not a partner: JP-METI refuses the certificate. In TLS 1.3 the client
# finishes its handshake first, so the refusal arrives as an alert on the
# first read (or the node has hung up by then).
testpeer stranger DE-BAFA <<'EOF'
hello
expect hello
EOF
out=$T/stranger.out
assert_eq 1 "$(cat "$T/stranger.status")" "lcn-testpeer as DE-BAFA status"
jq -e -s 'any(.[]; .type == "tls_error" or .type == "closed")' "$out" \
    >/dev/null || fail "no tls_error or closed line for DE-BAFA: $(cat "$out")"
jq -e -s 'all(.[]; .type != "hello")' "$out" >/dev/null ||
    fail "DE-BAFA received a Hello: $(cat "$out")"
jq -e -s 'any(.[]; .type == "fail" and .line == 2)' "$out" >/dev/null ||
    fail "no fail line for DE-BAFA's expect: $(cat "$out")"
say "DE-BAFA (not a partner) was refused: $(jq -r -s '[.[] |
    select(.type == "tls_error" or .type == "closed") | .why] | first' "$out")"

# The wrong CA for the server: the tool's own handshake fails.
testpeer wrong-ca US-BIS "$T/DE-BAFA/certs/ca.pem" <<'EOF'
hello
EOF
out=$T/wrong-ca.out
assert_eq 1 "$(cat "$T/wrong-ca.status")" "lcn-testpeer with the wrong CA"
jq -e -s 'any(.[]; .type == "tls_error")' "$out" >/dev/null ||
    fail "no tls_error line with the wrong CA: $(cat "$out")"

# The node carries on: a new entry, then a clean stop and a good ledger.
publish_n JP-METI WA 1
assert_eq 4 "$(feed_seq JP-METI JP-METI WA)" "JP-METI/WA after the sessions"
stop_and_verify JP-METI
