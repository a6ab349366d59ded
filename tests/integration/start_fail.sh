# lcnd refuses to start on bad start-up input, each time with one line
# that names what is wrong, exit status 1, and nothing leaked: a signing
# key or TLS key that is not a key, a partner CA that is not a
# certificate, another agency's certificate, a data directory that
# cannot be made, a listen port in
# use, an operator socket that cannot be made (each a different point of
# start-up, so each frees a different set of what it had opened). In an
# AddressSanitizer build LeakSanitizer checks every exit (any report fails
# the test); under valgrind (LCN_VALGRIND=1) memcheck does, with its
# definite leaks failing. A good configuration then starts.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --group WA "JP-METI US-BIS"
conf=$T/JP-METI/lcnd.conf
cp "$conf" "$T/good.conf"
asan=0
grep -q -a -m 1 __asan_init "$BIN/lcnd" 2>/dev/null && asan=1

# A config from the good one with KEY's value replaced (sed-quoted).
conf_with() {		# KEY VALUE
	sed "s|^$1 = .*|$1 = $2|" "$T/good.conf" >"$conf"
	grep -q "^$1 = $2\$" "$conf" || fail "conf_with: no line '$1 ='"
}

# Runs lcnd on $conf; asserts exit 1, a message matching REGEX, no leak.
refused_start() {	# WHAT REGEX
	local what=$1 re=$2 rc=0 out=$T/start.out vg=()

	if [ ${#VALGRIND[@]} -gt 0 ]; then
		vg=("${VALGRIND[@]}" --log-file="$T/vg.$RANDOM.log")
	fi
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23 \
	    timeout $((30 * TIMEOUT_SCALE)) "${vg[@]}" "$BIN/lcnd" -c "$conf" \
	    >"$out" 2>&1 || rc=$?
	say "$what: exit $rc: $(grep '^lcnd' "$out" | head -n 3)"
	if grep -q "LeakSanitizer\|AddressSanitizer" "$out"; then
		sed -n '1,60p' "$out" >&2
		fail "$what: lcnd leaked (or worse) on its way out"
	fi
	[ "$rc" != 99 ] || fail "$what: valgrind found errors in lcnd: " \
	    "$(_valgrind_summary "$(ls -t "$T"/vg.*.log | head -n 1)")"
	assert_eq 1 "$rc" "$what: lcnd's exit status"
	grep -Eq "^lcnd: .*$re" "$out" ||
	    fail "$what: expected a line 'lcnd: ...$re', got: $(cat "$out")"
	[ "$(grep -c '^lcnd: ' "$out")" = 1 ] ||
	    fail "$what: expected one 'lcnd:' line, got: $(cat "$out")"
}

printf 'not a key\n' >"$T/garbage.key"
chmod 600 "$T/garbage.key"
printf 'not a certificate\n' >"$T/garbage.pem"
: >"$T/a-file"

conf_with signing_key "$T/garbage.key"
refused_start "a signing key that is not a key" "$T/garbage.key"
conf_with tls_key "$T/garbage.key"
refused_start "a TLS key that is not a key" "$T/garbage.key"
conf_with ca "$T/garbage.pem"
refused_start "a partner CA that is not a certificate" "$T/garbage.pem"
# Another agency's certificate as this node's.
conf_with tls_cert "$T/US-BIS/certs/node.pem"
refused_start "another agency's TLS certificate" "tls_cert"
conf_with data_dir "$T/a-file/data"
refused_start "a data directory under a file" "$T/a-file/data"

# The port in use: lcnd has opened its ledger and TLS context by then.
perl -MIO::Socket::INET -e '$| = 1; my $s = IO::Socket::INET->new(
    LocalAddr => "127.0.0.1", LocalPort => $ARGV[0], Listen => 1,
    ReuseAddr => 0) or die "listen: $!\n"; print "ready\n"; sleep 600;' \
    "${PORT[JP-METI]}" >"$T/taken.out" &
taker=$!
wait_until 10 'grep -q ready "$T/taken.out"'
cp "$T/good.conf" "$conf"
refused_start "the listen port in use" "127\\.0\\.0\\.1:${PORT[JP-METI]}"
kill "$taker" 2>/dev/null || true
wait "$taker" 2>/dev/null || true

# The operator socket: its directory does not exist. By then the
# listener, the signal handlers and the timers are set up too.
sed "s|^data_dir = .*|&\nsocket = $T/no-such-dir/lcnd.sock|" "$T/good.conf" \
    >"$conf"
refused_start "an operator socket that cannot be made" \
    "$T/no-such-dir/lcnd.sock"

cp "$T/good.conf" "$conf"
start_node JP-METI
stop_node JP-METI
[ "$asan" = 0 ] || say "every refusal checked by LeakSanitizer"
