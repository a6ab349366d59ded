# A local client's text reaches the log escaped (quotes, backslashes and
# control characters as \", \\ and \xNN), so that it cannot end the quoted
# field it sits in or pass for another line: a group name in a refused
# publish, the reason quoting it, and the bytes jansson quotes from a
# request that is not JSON.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --node "attest_interval = 0" --group WA "JP-METI US-BIS"
start_node JP-METI

# Sends one request line to JP-METI's socket and prints the answer line.
api_raw() {	# LINE
	perl -MIO::Socket::UNIX -e '
	    my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "$!\n";
	    print $s $ARGV[1], "\n"; my $l = <$s>; print $l;' \
	    "$(node_socket JP-METI)" "$1"
}

out=$(api_raw '{"cmd": "publish", "group": "W\"A\\z", "bodies": [{"control_status": {"ref": "JP-METI/CS/2026/0001", "regime": "WA", "control_entry": "3A001.b.12", "stage": "agreed"}}]}')
[[ $out == *'"ok": false'* || $out == *'"ok":false'* ]] ||
    fail "a publish to group W\"A\\z was taken: $out"
wait_until 10 "grep -q 'refused' \"$T/JP-METI/lcnd.log\""
assert_log_contains JP-METI 'refused: .*W\\"A\\\\z'
assert_log_lacks JP-METI 'W"A'

# A request that is not JSON: jansson quotes the bytes near the error.
api_raw '{"cmd" x"\y}' >/dev/null
wait_until 10 "grep -q 'not a JSON object' \"$T/JP-METI/lcnd.log\""
assert_log_lacks JP-METI 'near .x"'
stop_node JP-METI
