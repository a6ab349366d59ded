# Unauthenticated connections cannot flood the log: 300 idle TCP
# connections (30 from each of 127.0.0.2 to .11) whose handshakes time
# out, after 300 plain HTTP requests one after another from 127.0.0.12,
# each a TLS handshake failure. lcnd logs the first two of each address
# and reason in full and the rest as one count when its 10 s are up, as
# sshd does (the previous code wrote a line per connection: 80 timeouts and
# 300 failures here); the accepts over the handshake limits are counted
# as before. US-BIS, a real partner, replicates throughout.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
port=${PORT[JP-METI]}

# N idle connections from NADDR addresses from 127.0.0.2, held until
# JP-METI closes every one (or 60 s); prints how many it opened.
cat >"$T/idle.pl" <<'EOF2'
use strict;
use IO::Socket::INET;
use IO::Select;
my ($port, $n, $naddr) = @ARGV;
my $sel = IO::Select->new;
for my $i (0 .. $n - 1) {
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $port, LocalAddr => "127.0.0." . (2 + $i % $naddr),
	    Proto => "tcp", Timeout => 5) or next;
	$sel->add($s);
}
$| = 1;
print $sel->count, "\n";
my $end = time + 60;
while ($sel->count > 0 && time < $end) {
	for my $s ($sel->can_read(1)) {
		my $b;
		next if sysread($s, $b, 4096);
		$sel->remove($s);
		close $s;
	}
}
EOF2
# N HTTP requests from ADDR, one after another, each read to its end.
cat >"$T/http.pl" <<'EOF2'
use strict;
use IO::Socket::INET;
my ($port, $n, $addr) = @ARGV;
my $done = 0;
for my $i (1 .. $n) {
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $port, LocalAddr => $addr, Proto => "tcp",
	    Timeout => 5) or next;
	print $s "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	my $b;
	1 while sysread($s, $b, 4096);
	close $s;
	$done++;
}
print "$done\n";
EOF2
flood_lines() {		# lines about 127.0.0.2 to .12
	grep -c -E '127\.0\.0\.([2-9]|1[0-2])[]: ]' "$T/JP-METI/lcnd.log" ||
	    true
}
before=$(flood_lines)
perl "$T/http.pl" "$port" 300 127.0.0.12 >"$T/http.out"
assert_eq 300 "$(cat "$T/http.out")" "HTTP requests answered by a close"
perl "$T/idle.pl" "$port" 300 10 >"$T/idle.out" &
idle=$!
wait_until 30 '[ -s "$T/idle.out" ]'
assert_eq 300 "$(cat "$T/idle.out")" "idle connections opened"
publish_n JP-METI WA 1
wait_feed US-BIS JP-METI WA 1
# Every idle connection closed: 8 an address time out (10 s), the others
# were refused at once.
wait "$idle"
timeouts=$(grep -c 'handshake timed out after' "$T/JP-METI/lcnd.log" || true)
say "300 idle connections closed; $timeouts timeout lines in full"
# The counts come when each address's 10 s are up.
wait_until 20 'grep -q -E "[0-9]+ more connections from 127\.0\.0\.12 in [0-9]+ ms: TLS handshake refused: TLS failure during the handshake: http request" \
    "$T/JP-METI/lcnd.log"'
wait_until 20 '[ "$(grep -c -E "[0-9]+ more connections from 127\.0\.0\.([2-9]|1[01]) in [0-9]+ ms: TLS handshake not finished" \
    "$T/JP-METI/lcnd.log")" = 10 ]'
lines=$(($(flood_lines) - before))
say "$lines log lines for 600 connections:"
grep -E '127\.0\.0\.([2-9]|1[0-2])[]: ]' "$T/JP-METI/lcnd.log" |
    sed -n 's/^/    /; 1,12p'
assert_eq 20 "$timeouts" "handshake timeouts logged in full (two an address)"
assert_eq 2 "$(grep -c 'http request addr=' "$T/JP-METI/lcnd.log")" \
    "lines about the 300 HTTP requests"
# An address: a refusal line, the next with the count, two timeouts,
# their count; and three lines for the HTTP address.
((lines <= 5 * 10 + 3)) || fail "$lines log lines, expected at most 53"

publish_n JP-METI WA 1
wait_feed US-BIS JP-METI WA 2
stop_and_verify JP-METI US-BIS
