# lcn refused by lcnd at connect: with API_CLIENTS_MAX (32) operator
# connections held open, lcnd answers a 33rd with a refusal and closes it
# at once. An `lcn publish` of 1000 bodies (about 600 KiB, more than the
# socket's buffer) is then still writing its request when lcnd closes:
# its write fails with a broken pipe. lcn must neither die by SIGPIPE nor
# print "Broken pipe": it names the socket, says lcnd refused the
# connection and why (the answer lcnd sent before closing), that nothing
# was done, and exits 1; with --json the error is JSON. Nothing of the
# batch is stored, and once the connections are gone publishing works.
# An lcn whose output is closed early says so in a sentence (exit 1).
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI
write_config JP-METI --node "attest_interval = 0" --group WA "JP-METI"
start_node JP-METI
sock=$T/JP-METI/data/lcnd.sock
make_bodies JP-METI 1 1000 >"$T/big.jsonl"

# hold.pl SOCKET N: N connections to SOCKET, held open until stdin ends;
# prints "held N" once all are connected.
cat >"$T/hold.pl" <<'EOF'
use strict;
use IO::Socket::UNIX;
$| = 1;
my ($path, $n) = @ARGV;
my @s;
for (1 .. $n) {
	my $c = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $path)
	    or die "connect $path: $!\n";
	push @s, $c;
}
print "held ", scalar(@s), "\n";
my $l = <STDIN>;
EOF
mkfifo "$T/hold.in"
perl "$T/hold.pl" "$sock" 32 <"$T/hold.in" >"$T/hold.out" &
holder=$!
exec 3>"$T/hold.in"
wait_until 10 'grep -q "^held 32" "$T/hold.out"'
# lcnd has accepted them all (its count is what refuses the next).
wait_until 10 '[ "$(ls /proc/${NODE_PID[JP-METI]}/fd | wc -l)" -gt 32 ]'

rc=0
out=$(lcn_at JP-METI publish --group WA "$T/big.jsonl" 2>&1) || rc=$?
say "lcn publish refused at connect (exit $rc): $out"
assert_eq 1 "$rc" "lcn publish's exit when lcnd refuses it at connect"
[[ $out != *"Broken pipe"* ]] || fail "lcn says 'Broken pipe': $out"
[[ $out == *"lcnd at $sock refused the connection"* ]] ||
    fail "lcn does not name the socket and the refusal: $out"
[[ $out == *"API_CLIENTS_MAX clients connected"* ]] ||
    fail "lcn does not give lcnd's reason: $out"
[[ $out == *"nothing was done"* ]] ||
    fail "lcn does not say that nothing was done: $out"

rc=0
out=$(lcn_at JP-METI --json publish --group WA "$T/big.jsonl" 2>/dev/null) ||
    rc=$?
say "lcn --json publish refused at connect (exit $rc): $out"
assert_eq 1 "$rc" "lcn --json publish's exit when refused at connect"
jq -e '.ok == false and (.error.code | type == "string") and
    (.error.message | contains("refused the connection"))' \
    <<<"$out" >/dev/null ||
    fail "lcn --json: not a JSON error naming the refusal: $out"

exec 3>&-
wait "$holder"
assert_eq 0 "$(feed_seq JP-METI JP-METI WA)" "JP-METI/WA after the refusals"
publish_file JP-METI WA "$T/big.jsonl"

# Its output closed by the command reading it: no death by SIGPIPE (exit
# 141, no word), no "Broken pipe", but a sentence and exit 1.
{ rc=0; lcn_at JP-METI log 2>"$T/pipe.err" || rc=$?; echo "$rc" >"$T/pipe.rc"; } |
    { exec 0<&-; sleep 1; }
say "lcn log into a closed pipe: exit $(cat "$T/pipe.rc"): $(cat "$T/pipe.err")"
assert_eq 1 "$(cat "$T/pipe.rc")" "lcn log's exit when its output is closed"
grep -q "the output was closed before lcn had written all of it" \
    "$T/pipe.err" || fail "lcn log into a closed pipe: $(cat "$T/pipe.err")"
! grep -q "Broken pipe" "$T/pipe.err" ||
    fail "lcn log into a closed pipe says 'Broken pipe'"
assert_eq 1000 "$(feed_seq JP-METI JP-METI WA)" "JP-METI/WA after publishing"
stop_and_verify JP-METI
