# tests/integration/limits_rss.sh: sourced (after lib.sh) by the limits*
# tests, which flood lcnd and check that the memory it uses stays bounded
# (PROTOCOL.md section 7). Not a test of its own.
#
#	rss_start ID		sample ID's lcnd RssAnon every 20 ms
#	rss_stop_assert ID WHAT	stop; print the peak (MiB) and fail if it
#				reached RSS_BOUND_KB (64 MiB)
#
# RssAnon, not VmRSS: the ledger is mapped and counts in VmRSS. Under
# AddressSanitizer the figure includes its shadow memory and the
# quarantine of freed blocks and means nothing: it is printed, not
# asserted. Under valgrind (lib.sh, LCN_VALGRIND=1) it is memcheck's
# process, shadow memory and all: the same.

RSS_BOUND_KB=$((64 * 1024))
RSS_SAMPLER=
RSS_ASAN=0
if grep -q -a -m 1 __asan_init "$BIN/lcnd" 2>/dev/null ||
    [ ${#VALGRIND[@]} -gt 0 ]; then
	RSS_ASAN=1
fi

# PID: RssAnon in kB, or nothing. /proc/PID/status taken in one read()
# (mapfile), as ops/bench/replicate does: read line by line, a line that
# changed length between reads shifts the rest.
rss_kb() {
	local line lines=()

	mapfile -t lines <"/proc/$1/status" 2>/dev/null || return 0
	for line in "${lines[@]}"; do
		if [[ $line =~ ^RssAnon:[[:space:]]+([0-9]+) ]]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done
}

rss_start() {		# ID
	local pid=${NODE_PID[$1]}

	echo 0 >"$T/rss.$1"
	(
		trap - ERR EXIT
		set +e
		peak=0
		while [ -r "/proc/$pid/status" ]; do
			kb=$(rss_kb "$pid")
			if [ -n "$kb" ] && ((kb > peak)); then
				peak=$kb
				echo "$peak" >"$T/rss.$1"
			fi
			sleep 0.02
		done
	) &
	RSS_SAMPLER=$!
}

rss_stop_assert() {	# ID WHAT
	local peak

	sleep 0.1	# one more sample after the flood
	kill "$RSS_SAMPLER" 2>/dev/null || true
	wait "$RSS_SAMPLER" 2>/dev/null || true
	RSS_SAMPLER=
	peak=$(cat "$T/rss.$1")
	echo "$TEST_NAME: peak RssAnon of lcnd $1 under $2:" \
	    "$((peak / 1024)) MiB ($peak kB; bound $((RSS_BOUND_KB / 1024)) MiB)"
	if [ "$RSS_ASAN" = 1 ]; then
		say "sanitizer build or valgrind: RssAnon not asserted"
		return 0
	fi
	((peak < RSS_BOUND_KB)) ||
	    fail "lcnd $1 reached RssAnon $peak kB under $2," \
	    "bound $RSS_BOUND_KB kB"
}
