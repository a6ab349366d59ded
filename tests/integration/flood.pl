# flood.pl PORT NADDR PER SECONDS: PER idle TCP connections to
# 127.0.0.1:PORT from each of NADDR loopback addresses from 127.0.0.2,
# each reopened as soon as the node closes it, for SECONDS. Prints
# "open N" once all were tried, then "reopened N" at the end. Used by the
# handshake-slot tests (limits_accept_fair.sh, limits_accept_many.sh).
use strict;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);
$| = 1;
my ($port, $naddr, $per, $secs) = @ARGV;
my $sel = IO::Select->new;
my %from;
my $reopened = 0;
sub open_from {
	my $a = shift;
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $port, LocalAddr => $a, Proto => "tcp",
	    Timeout => 5) or return;
	$from{$s} = $a;
	$sel->add($s);
}
for my $k (1 .. $per) {
	open_from("127.0.0." . (2 + $_)) for 0 .. $naddr - 1;
}
print "open ", $sel->count, "\n";
my $t0 = time;
while (time - $t0 < $secs) {
	for my $s ($sel->can_read(0.1)) {
		my $buf;
		next if sysread($s, $buf, 4096);
		$sel->remove($s);
		my $a = delete $from{$s};
		close($s);
		open_from($a);
		$reopened++;
	}
}
print "reopened $reopened\n";
