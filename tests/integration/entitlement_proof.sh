# An equivocation proof is taken only from a member of the feed's group
# (PROTOCOL.md section 5.1), and that is checked before anything is
# stored: a valid proof of JP-METI/AG from US-BIS, which is not in AG, is
# refused with a Reject, leaves no fork in `lcn status` and no frozen
# feed, and the log says why; the same proof from DE-BAFA, a member, is
# stored. Both partners are played by lcn-testpeer.
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --node "attest_interval = 0" \
    --no-address-for US-BIS --no-address-for DE-BAFA \
    --group WA "JP-METI US-BIS" --group AG "JP-METI DE-BAFA"

# Runs lcn-testpeer as ID against JP-METI with the script on stdin; its
# JSON lines go to $T/NAME.out, its exit status to $T/NAME.status.
testpeer() {		# NAME ID
	local rc=0

	"$TP" --cert "$T/$2/certs/node.pem" --key "$T/$2/certs/node.key" \
	    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
	    --connect "127.0.0.1:${PORT[JP-METI]}" \
	    --timeout-scale "$TIMEOUT_SCALE" >"$T/$1.out" \
	    2>"$T/$1.err" || rc=$?
	echo "$rc" >"$T/$1.status"
}

# DE-BAFA's copy of JP-METI/AG seq 1, saved as $T/NAME.
fetch_seq1() {		# NAME
	mkdir -p "$T/saved-$1"
	testpeer "fetch-$1" DE-BAFA <<EOF
hello
expect hello
save-entries $T/saved-$1
want JP-METI/AG 1 1
credit 4194304
expect entries --feed JP-METI/AG
close
EOF
	assert_eq 0 "$(cat "$T/fetch-$1.status")" "fetching JP-METI/AG 1"
	cp "$T/saved-$1/JP-METI.AG.1" "$T/$1"
}

# A real fork of JP-METI/AG at seq 1: JP-METI signs seq 1, loses its
# ledger, and signs another seq 1.
start_node JP-METI
publish_n JP-METI AG 1
fetch_seq1 first
stop_node JP-METI
rm -rf "$T/JP-METI/data"
mkdir -m 700 "$T/JP-METI/data"
start_node JP-METI
publish_n JP-METI AG 1
fetch_seq1 second
! cmp -s "$T/first" "$T/second" || fail "the two seq 1 entries are the same"

# US-BIS, not in AG, hands over the proof.
testpeer outsider US-BIS <<EOF
hello
expect hello
equivocation $T/first $T/second
expect reject --feed JP-METI/AG
ping
expect pong
EOF
out=$T/outsider.out
assert_eq 0 "$(status_json JP-METI | jq '.forks | length')" \
    "forks at JP-METI after US-BIS's proof"
assert_log_lacks JP-METI "equivocation proof stored"
assert_eq 0 "$(cat "$T/outsider.status")" \
    "lcn-testpeer as US-BIS status ($(tail -n 3 "$out"))"
assert_eq not_member "$(jq -r 'select(.type == "reject") | .reason' "$out")" \
    "Reject reason"
assert_log_contains JP-METI "US-BIS: sent an equivocation proof for \
JP-METI/AG seq 1, a feed it or this node may not hold; refused, not stored"
# Not frozen: JP-METI still publishes to AG.
publish_n JP-METI AG 1
assert_eq 2 "$(feed_seq JP-METI JP-METI AG)" "JP-METI/AG after the refusal"
say "US-BIS's proof was refused and not stored"

# DE-BAFA, a member, hands over the same proof: stored.
testpeer member DE-BAFA <<EOF
hello
expect hello
equivocation $T/first $T/second
ping
expect pong
EOF
assert_eq 0 "$(cat "$T/member.status")" "lcn-testpeer as DE-BAFA status"
wait_until 10 '[ "$(status_json JP-METI | jq ".forks | length")" = 1 ]'
assert_log_contains JP-METI "equivocation proof stored: JP-METI/AG seq 1"

stop_and_verify JP-METI
