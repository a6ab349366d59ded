# Unfinished requests on the local socket (PROTOCOL.md section 7): two
# clients each send 16 MiB - 1 byte without a newline, which holds all
# of API_PENDING_MAX (32 MiB) but 128 KiB, and a third sends half a
# status request; a fourth connects and sends nothing. Meanwhile 1,000
# `lcn status` run at once against the node and a partner catches up
# 10,000 entries from it. lcnd answers each unfinished request after
# API_REQUEST_MS (10 s) with an error saying so and closes it (the
# previous code held them for ever, so that no request over 128 KiB got
# in), logs it, keeps the silent client, and then takes a 600 KB publish
# that it refused while the budget was held. Printed: the partner's
# catch-up rate without and with the hostile clients, and how the status
# calls went.
. "$(dirname "$0")/lib.sh"

N=$((10000 / TIMEOUT_SCALE))
make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS"
done
start_node JP-METI
sock=$(node_socket JP-METI)

# Starts US-BIS and sets RATE to how fast it pulls JP-METI's feed up to
# SEQ, FROM entries held before: "COUNT entries in MS ms: R entries/s".
catch_up() {		# FROM SEQ
	local t0 t1

	t0=$(now_ms)
	start_node US-BIS
	wait_feed US-BIS JP-METI WA "$2" 120
	t1=$(now_ms)
	RATE="$(($2 - $1)) entries in $((t1 - t0)) ms:"
	RATE+=" $((($2 - $1) * 1000 / (t1 - t0 + 1))) entries/s"
}

# 1. The partner catches up with nobody else on the socket.
publish_n JP-METI WA "$N"
catch_up 0 "$N"
echo "$TEST_NAME: catch-up without hostile clients: $RATE"
stop_node US-BIS
publish_n JP-METI WA "$N"

# hold.pl SOCKET NBIG BYTES SECONDS: NBIG clients send BYTES each without
# a newline, one sends half a status request, one sends nothing; for
# SECONDS it prints what lcnd answers each ("answer NAME T LINE") and
# when it closes one ("eof NAME T"), T in s since the start, then
# "open NAME..." for those still connected.
cat >"$T/hold.pl" <<'EOF2'
use strict;
use IO::Select;
use IO::Socket::UNIX;
use Socket;
use Time::HiRes qw(time);
$SIG{PIPE} = 'IGNORE';
$| = 1;
my ($path, $nbig, $bytes, $secs) = @ARGV;
my (@c, %name, %eof);
sub client {
	my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
	    or die "connect $path: $!";
	$name{$s} = shift;
	push @c, $s;
	return $s;
}
my $t0 = time;
my $chunk = "x" x 65536;
for my $i (1 .. $nbig) {
	my $s = client("big$i");
	my $left = $bytes;
	while ($left > 0) {
		my $w = syswrite($s, $chunk, $left < 65536 ? $left : 65536);
		last unless defined $w && $w > 0;
		$left -= $w;
	}
}
syswrite(client("half"), '{"cmd":"status"');
client("idle");
printf "sent %.3f\n", time - $t0;
my $sel = IO::Select->new(@c);
while (time - $t0 < $secs) {
	for my $s ($sel->can_read(0.1)) {
		my $buf;
		if (!sysread($s, $buf, 65536)) {
			printf "eof %s %.3f\n", $name{$s}, time - $t0;
			$sel->remove($s);
			$eof{$s} = 1;
			next;
		}
		printf "answer %s %.3f %s", $name{$s}, time - $t0, $buf;
	}
}
print "open ", join(" ", map { $name{$_} } grep { !$eof{$_} } @c), "\n";
EOF2

# status_flood.sh LCN CONF N OUT: N `lcn status` started at once; one
# line each in OUT: its exit status and what it said on stderr.
cat >"$T/status_flood.sh" <<'EOF2'
lcn=$1 conf=$2 n=$3 out=$4
for ((i = 0; i < n; i++)); do
	(
		rc=0
		err=$("$lcn" -c "$conf" --json status 2>&1 >/dev/null) || rc=$?
		echo "$rc ${err//$'\n'/ }" >>"$out"
	) &
done
wait
EOF2

# 2. The same again with the hostile clients and 1,000 lcn status.
hold=$((12 + 2 * TIMEOUT_SCALE))
perl "$T/hold.pl" "$sock" 2 $((16 * 1024 * 1024 - 1)) "$hold" \
    >"$T/hold.out" &
holder=$!
wait_until 30 'grep -q "^sent " "$T/hold.out"'
echo "$TEST_NAME: hostile clients connected and sent in" \
    "$(sed -n 's/^sent //p' "$T/hold.out") s"
# While the budget is held, a request over what is left is refused.
make_bodies JP-METI $((2 * N + 1)) 1000 >"$T/big.jsonl"
rc=0
out=$(lcn_at JP-METI publish --group WA "$T/big.jsonl" 2>&1) || rc=$?
[ "$rc" != 0 ] ||
    fail "a 600 KB publish went in while 32 MiB were held: $out"
echo "$TEST_NAME: a 600 KB publish meanwhile: exit $rc: ${out//$'\n'/ }"
assert_log_contains JP-METI 'unfinished requests would hold more than API_PENDING_MAX'
: >"$T/status.out"
bash "$T/status_flood.sh" "$BIN/lcn" "$T/JP-METI/lcnd.conf" 1000 \
    "$T/status.out" &
flood=$!
t_flood=$(now_ms)
catch_up "$N" $((2 * N))
echo "$TEST_NAME: catch-up with hostile clients and 1,000 lcn status:" \
    "$RATE"
wait "$flood"
t_flood=$(($(now_ms) - t_flood))
# Over API_CLIENTS_MAX, lcnd answers so and closes; lcn may see the
# close first (a broken pipe as it writes its request).
busy='API_CLIENTS_MAX|Broken pipe'
ok=$(grep -c '^0 ' "$T/status.out" || true)
nbusy=$(grep -v '^0 ' "$T/status.out" | grep -E -c "$busy" || true)
echo "$TEST_NAME: 1,000 lcn status at once in $((t_flood / 1000)) s:" \
    "$ok answered, $nbusy refused as API_CLIENTS_MAX clients were connected"
other=$(grep -v '^0 ' "$T/status.out" | grep -E -v "$busy" |
    head -3 || true)
[ -z "$other" ] || fail "lcn status failed otherwise: $other"
assert_eq 1000 "$(wc -l <"$T/status.out")" "lcn status calls that ended"
((ok > 0)) || fail "no lcn status was answered during the flood"

# 3. Each unfinished request was answered and closed after 10 s; the
# silent client is still there.
wait "$holder"
echo "$TEST_NAME: what lcnd did to the hostile clients:"
cut -c 1-150 "$T/hold.out" | sed 's/^/    /'
for c in big1 big2 half; do
	line=$(grep "^answer $c " "$T/hold.out") ||
	    fail "$c: no answer within $hold s: $(cat "$T/hold.out")"
	grep -q '"code":"ETIMEDOUT"' <<<"$line" &&
	    grep -q 'request not finished within 10 s' <<<"$line" ||
	    fail "$c: answered $line"
	t=$(awk '{ print $3 }' <<<"$line")
	awk -v t="$t" 'BEGIN { exit !(t >= 9.9) }' ||
	    fail "$c: closed after $t s, before API_REQUEST_MS"
	grep -q "^eof $c " "$T/hold.out" || fail "$c: not closed"
done
grep -q '^open idle$' "$T/hold.out" ||
    fail "the client that sent nothing was closed: $(tail -1 "$T/hold.out")"
assert_log_contains JP-METI 'request not finished within 10 s \([0-9]+ bytes without a newline\): closed'
n=$(grep -c 'request not finished within' "$T/JP-METI/lcnd.log" || true)
echo "$TEST_NAME: $n log lines for 3 clients closed"
((n >= 1 && n <= 3)) || fail "$n log lines for 3 clients, expected 1 to 3"

# 4. The budget is free again: the publish refused above goes in, and
# reaches the partner.
publish_file JP-METI WA "$T/big.jsonl"
wait_feed US-BIS JP-METI WA $((2 * N + 1000)) 60
status_json JP-METI >/dev/null || fail "lcn status failed at the end"
stop_and_verify JP-METI US-BIS
