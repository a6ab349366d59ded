# Shutting down at once after starting (node/README.md: the node
# never crashes): lcnd dials its partners as it starts, and a SIGTERM that
# arrives while an address lookup is still in flight must neither touch
# the connection it closed (seen under ASan as a use after free) nor fail
# to stop. Forty quick start/stop cycles, with both partners down so that
# every dial is pending; each must exit 0 with a clean log.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --node "attest_interval = 0" \
    --group WA "JP-METI US-BIS DE-BAFA"
sock=$(node_socket JP-METI)
log=$T/JP-METI/cycle.log

for i in $(seq 40); do
	rm -f "$sock"
	"$BIN/lcnd" -c "$T/JP-METI/lcnd.conf" >"$log" 2>&1 &
	pid=$!
	# The socket is made after the first dials are under way.
	deadline=$(($(now_ms) + $(_ms 10)))
	until [ -S "$sock" ]; do
		pid_alive "$pid" || break
		(($(now_ms) < deadline)) || fail "cycle $i: no socket in time"
		sleep 0.005
	done
	kill -TERM "$pid" 2>/dev/null || true
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "cycle $i: lcnd exited $rc: $(tail -n 5 "$log")"
	grep -q 'AddressSanitizer\|runtime error' "$log" &&
	    fail "cycle $i: $(grep -m 1 -A 3 'ERROR\|runtime error' "$log")"
	grep -q 'daemon stopped' "$log" || fail "cycle $i: no clean stop"
done

verify_ledger JP-METI
