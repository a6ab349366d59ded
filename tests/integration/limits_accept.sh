# 900 idle TCP connections to lcnd's partner port, none starting TLS: 100
# from 127.0.0.2, then 800 from nine other loopback addresses (127.0.0.3
# to .11) in turn. lcnd lets at most HANDSHAKES_PER_ADDR_MAX (8) per
# address and HANDSHAKES_MAX (64) in all wait in the handshake, closes
# the rest at once, and logs the refusals at most once per address per
# 10 s with a count (the first at once, then what came since). Printed: the
# descriptors lcnd holds during the flood (the previous code held one per
# connection: 900), its peak RssAnon (< 64 MiB) and the refusal lines. A
# real partner then connects.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/limits_rss.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS"
done
start_node JP-METI
pid=${NODE_PID[JP-METI]}
fds_before=$(ls "/proc/$pid/fd" | wc -l)

# Opens N connections (the first 100 from 127.0.0.2, the others from
# NADDR addresses from 127.0.0.3), prints how many it opened, and holds
# them until a line or the end of stdin.
cat >"$T/flood.pl" <<'EOF2'
use strict;
use IO::Socket::INET;
my ($port, $n, $naddr) = @ARGV;
my @s;
for my $i (0 .. $n - 1) {
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $port,
	    LocalAddr => "127.0.0." . ($i < 100 ? 2 : 3 + $i % $naddr),
	    Proto => "tcp", Timeout => 5) or next;
	push @s, $s;
}
$| = 1;
print scalar(@s), "\n";
<STDIN>;
EOF2
mkfifo "$T/flood.in"
rss_start JP-METI
perl "$T/flood.pl" "${PORT[JP-METI]}" 900 9 <"$T/flood.in" >"$T/flood.out" &
flood=$!
exec 3>"$T/flood.in"
wait_until 30 '[ -s "$T/flood.out" ]'
opened=$(cat "$T/flood.out")
# Every refused connection is closed at once; give the loop a moment.
sleep 0.5
fds_during=$(ls "/proc/$pid/fd" | wc -l)
held=$((fds_during - fds_before))
echo "$TEST_NAME: $opened connections opened; lcnd holds $held more" \
    "descriptors than before ($fds_before -> $fds_during)"
exec 3>&-
wait "$flood"
rss_stop_assert JP-METI "900 idle connections"
assert_eq 900 "$opened" "connections opened"
((held <= 64 + 4)) ||
    fail "lcnd holds $held descriptors more during the flood, expected" \
    "at most HANDSHAKES_MAX (64) and a few"
lines=$(grep -c 'refused [0-9]* connections\? from 127\.0\.0\.' \
    "$T/JP-METI/lcnd.log" || true)
echo "$TEST_NAME: $lines refusal lines logged:"
grep -E -o 'refused [0-9]+ connections? from .*' "$T/JP-METI/lcnd.log" |
    sed 's/^/    /'
((lines >= 1 && lines <= 10)) ||
    fail "$lines refusal lines, expected 1 to 10 (10 addresses, at most" \
    "one line each in 10 s)"
assert_log_contains JP-METI 'from 127\.0\.0\.2 in 0 ms: HANDSHAKES_PER_ADDR_MAX 8 handshakes in progress from this address'
assert_log_contains JP-METI 'HANDSHAKES_MAX 64 handshakes in progress$'
# 10 s after the first line, the rest are logged with their count.
wait_until 15 'grep -q -E "refused 91 connections from 127\.0\.0\.2 in [0-9]+ ms" \
    "$T/JP-METI/lcnd.log"'
lines=$(grep -c 'refused [0-9]* connections\? from 127\.0\.0\.' \
    "$T/JP-METI/lcnd.log" || true)
echo "$TEST_NAME: after 10 s, $lines refusal lines in all:"
grep -E -o 'refused [0-9]+ connections? from .*' "$T/JP-METI/lcnd.log" |
    sed 's/^/    /'
((lines <= 20)) || fail "$lines refusal lines, expected at most 20"

# A partner gets in once the flood is gone.
start_node US-BIS
wait_established JP-METI 30
wait_established US-BIS 30
stop_and_verify JP-METI US-BIS
