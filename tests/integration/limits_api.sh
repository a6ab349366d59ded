# The local API bounds what clients can make lcnd hold (PROTOCOL.md
# section 7). 16 clients each sending 15 MiB without a newline: lcnd keeps
# at most API_PENDING_MAX (32 MiB) of unfinished requests in all, refuses
# (error line, close) the clients that would pass it, and still answers
# lcn status meanwhile (the previous code held all 240 MiB: 268 MB). 40
# idle clients: the 33rd on get an error line and are closed
# (API_CLIENTS_MAX 32). A client that sends 30,000 status requests and
# reads no answer is dropped once API_REPLY_QUEUE_MAX (4 MiB) of answers
# wait for it. lcnd's peak RssAnon is printed and must stay under 64 MiB.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/limits_rss.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --node "attest_interval = 0" --no-address-for US-BIS \
    --group WA "JP-METI US-BIS"
start_node JP-METI
publish_n JP-METI WA 3
sock=$(node_socket JP-METI)

# clients.pl SOCKET N MIB [REQUEST COUNT]: opens N clients; sends each MIB
# MiB without a newline, 64 KiB at a time in turn, or (MIB 0) COUNT
# times the REQUEST line; prints how many clients were still open, then
# every line lcnd answered to them (until it closed them or 1 s of
# quiet), then holds them until stdin ends.
cat >"$T/clients.pl" <<'EOF2'
use strict;
use IO::Select;
use IO::Socket::UNIX;
use Socket;
$SIG{PIPE} = 'IGNORE';
$| = 1;
my ($path, $n, $mib, $req, $count) = @ARGV;
my @c;
for (1 .. $n) {
	push @c, IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
	    or die "connect $path: $!";
}
my @alive = (1) x $n;
if ($mib > 0) {
	my $chunk = "x" x 65536;
	for my $k (1 .. $mib * 16) {
		for my $i (0 .. $n - 1) {
			next unless $alive[$i];
			my $w = syswrite($c[$i], $chunk);
			$alive[$i] = 0 unless defined $w && $w == 65536;
		}
	}
} elsif ($count) {
	for my $i (0 .. $n - 1) {
		my $w = syswrite($c[$i], "$req\n" x $count);
		$alive[$i] = 0 unless defined $w;
	}
}
print "open ", scalar(grep { $_ } @alive), "\n";
my $sel = IO::Select->new(@c);
while (my @r = $sel->can_read(1)) {
	for my $s (@r) {
		my $buf;
		my $got = sysread($s, $buf, 65536);
		if (!$got) { $sel->remove($s); next; }
		print "answer $buf" if $mib > 0 || !$count;
	}
}
<STDIN>;
EOF2

# 1. 16 clients x 15 MiB, held open while lcn status is asked.
rss_start JP-METI
mkfifo "$T/hold"
perl "$T/clients.pl" "$sock" 16 15 >"$T/big.out" <"$T/hold" &
clients=$!
exec 3>"$T/hold"
wait_until 60 'grep -q "^open " "$T/big.out"'
status_json JP-METI >/dev/null || fail "lcn status failed during the flood"
exec 3>&-
wait "$clients"
rss_stop_assert JP-METI "16 clients x 15 MiB without a newline"
echo "$TEST_NAME: 16 clients x 15 MiB: $(grep '^open' "$T/big.out")" \
    "still open after sending; $(grep -c 'API_PENDING_MAX' "$T/big.out")" \
    "refused with an error line"
grep -q 'API_PENDING_MAX' "$T/big.out" ||
    fail "no client was refused: $(head -c 300 "$T/big.out")"
assert_log_contains JP-METI 'unfinished requests would hold more than API_PENDING_MAX'

# 2. 40 idle clients.
mkfifo "$T/hold2"
perl "$T/clients.pl" "$sock" 40 0 >"$T/idle.out" <"$T/hold2" &
clients=$!
exec 3>"$T/hold2"
wait_until 30 'grep -q "^open " "$T/idle.out"'
wait_until 10 '[ "$(grep -c API_CLIENTS_MAX "$T/idle.out")" -ge 8 ]'
exec 3>&-
wait "$clients"
n=$(grep -c 'API_CLIENTS_MAX' "$T/idle.out")
echo "$TEST_NAME: 40 idle clients: $n refused with an error line"
assert_eq 8 "$n" "clients refused over API_CLIENTS_MAX (32)"

# 3. 30,000 status requests, no answer read.
rss_start JP-METI
perl "$T/clients.pl" "$sock" 1 0 '{"cmd":"status"}' 30000 \
    >"$T/unread.out" </dev/null
rss_stop_assert JP-METI "30,000 status answers never read"
assert_log_contains JP-METI 'more than API_REPLY_QUEUE_MAX bytes of answers unread'
status_json JP-METI >/dev/null || fail "lcn status failed after the floods"
stop_and_verify JP-METI
