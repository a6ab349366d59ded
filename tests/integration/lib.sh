# tests/integration/lib.sh: the harness every integration test sources.
#
# A test is `bash tests/integration/NAME.sh BUILD_BIN_DIR` (ctest runs it
# so, with LCN_SOURCE_DIR set; see lcn_integration_test in
# tests/CMakeLists.txt) and starts with
#
#	. "$(dirname "$0")/lib.sh"
#
# It then runs real lcnd processes on 127.0.0.1 with fresh certificates in
# a temp dir $T, one subdirectory per agency:
#
#	$T/ID/certs/	certs/make-agency output (ca.pem, node.pem, ...)
#	$T/ID/certs-ca/	its CA (ca.key, ca-db/, crl.pem); make-test-cert
#			issues test certificates from it
#	$T/ID/lcnd.conf	written by write_config
#	$T/ID/data/	the node's data_dir (ledger, lcnd.sock)
#	$T/ID/lcnd.log	the node's stderr and stdout, appended across restarts
#
# On success $T is removed. On failure (any command that fails, a failed
# assertion, a timeout) the harness prints where it failed, keeps $T,
# prints its path and the tail of every node's log, and kills the nodes
# still running.
#
# Functions (each fails the test with a message when it cannot do its job):
#	make_agencies ID...		certificates, keys and a port for each
#	make_agency ID [MAKE-AGENCY-OPTION...]	one, with options (--days N)
#	write_config ID [--no-address-for OTHER]... [--no-partner OTHER]...
#	    [--group NAME "MEMBERS"]... [--node "key = value"]...
#	    (with --no-address-for, dial_in_wait = 0 unless --node sets it)
#	start_node ID [LCND-ARG...]	start, wait until `lcn status` answers
#	stop_node ID			SIGTERM, wait, assert exit status 0
#	kill_node ID			SIGKILL, wait
#	lcn_at ID ARG...		$BIN/lcn -c $T/ID/lcnd.conf ARG...
#	status_json ID			`lcn --json status` at ID
#	feed_seq ID ORIGIN GROUP	seq of that feed at ID (0 if absent)
#	feed_verified ID ORIGIN GROUP	verified count of that feed at ID
#	peer_state ID PEER		state of PEER in ID's status
#	feed_lag ID ORIGIN GROUP PEER	PEER's lag on that feed in ID's status
#	wait_until TIMEOUT_S 'COND'	poll COND every 0.1 s (scaled, below)
#	wait_feed ID ORIGIN GROUP SEQ [TIMEOUT_S]  seq and verified = SEQ
#	feed_agrees ORIGIN GROUP MIN ID...  same head at every ID, verified
#	wait_feed_agrees ORIGIN GROUP MIN ID...
#	wait_established ID [TIMEOUT_S]	every partner of ID established
#	publish_n ID GROUP N [BATCH]	N unique ~600-byte DenialNotices
#	publish_file ID GROUP FILE	`lcn publish`, fail on error
#	log_refs ID [LOG-ARG...]	refs of `lcn --json log`, one a line
#	assert_eq EXPECTED ACTUAL [WHAT]
#	assert_log_contains ID REGEX	extended regex in $T/ID/lcnd.log
#	assert_log_lacks ID REGEX
#	verify_ledger ID [WHAT]		`lcn verify` of a stopped node's ledger
#	stop_and_verify ID...		stop_node if running, verify_ledger
#	tls_send ID [CERT KEY]		stdin to ID's port over TLS 1.3, as a
#					client with CERT and KEY or none
#	fail MSG
#
# LCN_KEEP=1 keeps $T after a pass too.
#
# Timeouts are multiplied by $TIMEOUT_SCALE: LCN_TIMEOUT_SCALE if set,
# else 20 under valgrind, 3 for a sanitizer build, else 1.
#
# LCN_VALGRIND=1 (ops/test --valgrind) starts every lcnd of start_node
# under valgrind's memcheck, its report in $T/ID/valgrind.PID.log. A
# node that stops with an invalid read or write, a use of uninitialised
# memory or a definite leak exits with status 99 (stop_node says what
# valgrind found), and a test that passes fails anyway if any node's
# report holds an error.
#
# Needs bash 4.4+, jq, ss (iproute2) or /dev/tcp, and the openssl CLI:
# ops/setup installs them.

set -Eeuo pipefail

TEST_NAME=$(basename "$0" .sh)
BIN=${LCN_BIN:-${1:-}}
if [ -z "$BIN" ] || [ ! -x "$BIN/lcnd" ] || [ ! -x "$BIN/lcn" ]; then
	echo "usage: $0 BUILD_BIN_DIR (the directory holding lcnd and lcn)" >&2
	exit 2
fi
BIN=$(cd "$BIN" && pwd)
SRC=${LCN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
command -v jq >/dev/null || {
	echo "$TEST_NAME: jq not found: run ops/setup" >&2
	exit 2
}
command -v openssl >/dev/null || {
	echo "$TEST_NAME: openssl not found: run ops/setup" >&2
	exit 2
}

VALGRIND=()
if [ "${LCN_VALGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null || {
		echo "$TEST_NAME: LCN_VALGRIND=1 but valgrind not found:" \
		    "run ops/setup" >&2
		exit 2
	}
	# Definite leaks count as errors, possible ones (pointers into the
	# middle of a block, as OpenSSL's and libuv's own caches keep) are
	# not reported. The suppressions are for libraries, not for LCN.
	VALGRIND=(valgrind --tool=memcheck --error-exitcode=99
	    --leak-check=full --show-leak-kinds=definite
	    --errors-for-leak-kinds=definite --num-callers=40
	    --suppressions="$SRC/tests/integration/valgrind.supp")
fi

if [ -n "${LCN_TIMEOUT_SCALE:-}" ]; then
	TIMEOUT_SCALE=$LCN_TIMEOUT_SCALE
elif [ ${#VALGRIND[@]} -gt 0 ]; then
	# memcheck runs lcnd 10 to 50 times slower; most of a test's
	# waiting is for signatures, TLS handshakes and LMDB commits.
	TIMEOUT_SCALE=20
elif grep -q -a -m 1 __asan_init "$BIN/lcnd" 2>/dev/null; then
	TIMEOUT_SCALE=3
else
	TIMEOUT_SCALE=1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/lcn-$TEST_NAME.XXXXXX")
AGENCIES=()			# made, in order
declare -A PORT=()		# ID -> listen port
declare -A NODE_PID=()		# ID -> pid of the running lcnd
declare -A PUBLISHED=()		# ID -> test bodies made so far (for refs)
PORTS_TAKEN=" "
LIB_QUIET=${LIB_QUIET:-0}	# 1: no "PASS" line (ops/bench)

say() {
	[ "$LIB_QUIET" = 1 ] || printf '%s %s\n' "$(date +%T.%3N)" "$*"
}

now_ms() {
	local us=${EPOCHREALTIME//[^0-9]/}

	echo $((us / 1000))
}

# Where the failure was: the innermost line of the test script itself,
# and the harness function it was in, if any.
_lcn_where() {
	local i

	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		[[ ${BASH_SOURCE[$i]} == *lib.sh ]] && continue
		if [ "$i" -ge 2 ] && [[ ${FUNCNAME[$((i - 1))]} != _lcn_* ]] &&
		    [ "${FUNCNAME[$((i - 1))]}" != fail ]; then
			echo "${BASH_SOURCE[$i]##*/}:${BASH_LINENO[$((i - 1))]}" \
			    "(in ${FUNCNAME[$((i - 1))]})"
		else
			echo "${BASH_SOURCE[$i]##*/}:${BASH_LINENO[$((i - 1))]}"
		fi
		return
	done
	echo "${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}"
}

fail() {
	trap - ERR
	printf '%s FAIL %s: %s\n' "$(date +%T.%3N)" "$(_lcn_where)" "$*" >&2
	exit 1
}

_lcn_err() {
	local rc=$1 cmd=$2

	trap - ERR
	printf '%s FAIL %s: command exited with status %s: %s\n' \
	    "$(date +%T.%3N)" "$(_lcn_where)" "$rc" "$cmd" >&2
	exit "$rc"
}
trap '_lcn_err $? "$BASH_COMMAND"' ERR

pid_alive() {
	local st

	[ -r "/proc/$1/stat" ] || return 1
	# The process may end between the test and the read: stderr first.
	{ read -r _ _ st _ <"/proc/$1/stat"; } 2>/dev/null || return 1
	[ "$st" != Z ] && [ "$st" != X ]
}

# Waits up to $2 seconds (a decimal) for pid $1 to end; 1 on timeout.
_wait_gone() {
	local deadline

	deadline=$(($(now_ms) + $(_ms "$2")))
	while pid_alive "$1"; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

# Seconds (decimal allowed) times TIMEOUT_SCALE, in milliseconds.
_ms() {
	awk -v s="$1" -v k="$TIMEOUT_SCALE" 'BEGIN { printf "%d", s * k * 1000 }'
}

_lcn_exit() {
	local rc=$? id pid

	trap - ERR
	set +e
	for id in "${!NODE_PID[@]}"; do
		pid=${NODE_PID[$id]}
		kill -TERM "$pid" 2>/dev/null
		_wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		[ "$rc" != 0 ] ||
		    echo "$TEST_NAME: lcnd $id was still running at the end" >&2
	done
	if [ "$rc" = 0 ] && [ ${#VALGRIND[@]} -gt 0 ] &&
	    ! _valgrind_clean; then
		rc=1
	fi
	if [ "$rc" = 0 ] && [ "${LCN_KEEP:-0}" = 1 ]; then
		echo "PASS $TEST_NAME (${SECONDS} s): kept $T (LCN_KEEP=1)"
		exit 0
	fi
	if [ "$rc" = 0 ]; then
		rm -rf "$T"
		[ "$LIB_QUIET" = 1 ] || echo "PASS $TEST_NAME (${SECONDS} s)"
		exit 0
	fi
	for id in "${AGENCIES[@]}"; do
		[ -s "$T/$id/lcnd.log" ] || continue
		echo "----- $T/$id/lcnd.log (last 40 lines)" >&2
		tail -n 40 "$T/$id/lcnd.log" >&2
	done
	echo "----- FAIL $TEST_NAME (status $rc, ${SECONDS} s): kept $T" >&2
	exit "$rc"
}
# Under valgrind: 0 if no node's report holds an error, else prints
# each report's errors and summary, and 1.
_valgrind_clean() {
	local f bad=0

	for f in "$T"/*/valgrind.*.log; do
		[ -e "$f" ] || continue
		# A node killed with SIGKILL leaves no summary, but the
		# errors it met before are in its report.
		grep -Eq 'ERROR SUMMARY: [1-9]|== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param)' \
		    "$f" || continue
		bad=1
		echo "----- valgrind found errors in lcnd: $f" >&2
		_valgrind_summary "$f" >&2
	done
	return "$bad"
}

# The first errors of a valgrind report and its leak and error summaries.
_valgrind_summary() {
	grep -E -A 12 '== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and dest|[0-9,]+ bytes in [0-9,]+ blocks are definitely)' \
	    "$1" | head -n 60
	grep -E '(definitely lost|ERROR SUMMARY):' "$1" | tail -n 2
}
trap _lcn_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# A socket on the port other than TIME-WAIT (which SO_REUSEADDR binds over).
port_in_use() {
	if command -v ss >/dev/null; then
		[ -n "$(ss -Htan exclude time-wait "( sport = :$1 )" 2>/dev/null)" ]
	else
		(: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# Sets REPLY to a port nobody listens on. Below the usual ephemeral range
# (32768-60999), so an outgoing connection cannot take it before the node
# binds it.
pick_port() {
	local i p

	for ((i = 0; i < 500; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		[[ $PORTS_TAKEN != *" $p "* ]] || continue
		port_in_use "$p" && continue
		PORTS_TAKEN+="$p "
		REPLY=$p
		return 0
	done
	fail "no free port on 127.0.0.1 after 500 tries"
}

_register_agency() {
	local id=$1

	[[ " ${AGENCIES[*]} " == *" $id "* ]] && return 0
	pick_port
	PORT[$id]=$REPLY
	AGENCIES+=("$id")
}

_make_certs() {
	local id=$1

	shift
	mkdir -p "$T/$id"
	"$SRC/certs/make-agency" "$@" "$id" "$T/$id/certs" \
	    >"$T/$id/make-agency.log" 2>&1
}

make_agency() {
	local id=$1

	_make_certs "$@" || {
		cat "$T/$id/make-agency.log" >&2
		fail "certs/make-agency $* failed"
	}
	_register_agency "$id"
}

make_agencies() {
	local id pids=() i=0 rc

	for id in "$@"; do
		_make_certs "$id" &
		pids+=($!)
	done
	for id in "$@"; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		i=$((i + 1))
		if [ "$rc" != 0 ]; then
			cat "$T/$id/make-agency.log" >&2
			fail "certs/make-agency $id failed (status $rc)"
		fi
		_register_agency "$id"
	done
}

write_config() {
	local id=$1 other conf group members
	local -a noaddr=() nopartner=() groups=() nodelines=()

	shift
	[ -n "${PORT[$id]-}" ] || fail "write_config $id: make_agency first"
	while [ $# -gt 0 ]; do
		case $1 in
		--no-address-for) noaddr+=("$2"); shift 2 ;;
		--no-partner) nopartner+=("$2"); shift 2 ;;
		--group) groups+=("$2" "$3"); shift 3 ;;
		--node) nodelines+=("$2"); shift 2 ;;
		*) fail "write_config: unknown option '$1'" ;;
		esac
	done
	mkdir -p "$T/$id/data"
	chmod 700 "$T/$id/data"
	conf=$T/$id/lcnd.conf
	{
		echo "; $TEST_NAME: written by tests/integration/lib.sh"
		echo "[node]"
		echo "id = $id"
		echo "listen = 127.0.0.1:${PORT[$id]}"
		echo "data_dir = $T/$id/data"
		echo "tls_cert = $T/$id/certs/node.pem"
		echo "tls_key = $T/$id/certs/node.key"
		echo "signing_key = $T/$id/certs/signing.key"
		for other in "${nodelines[@]}"; do
			echo "$other"
		done
		# valgrind cannot reserve the default 64 GiB map.
		if [ ${#VALGRIND[@]} -gt 0 ] &&
		    [[ " ${nodelines[*]} " != *" map_size "* ]]; then
			echo "map_size = 4G"
		fi
		# A partner left without an address is, in these tests,
		# usually lcn-testpeer, which dials after the node has
		# published: the self-fork guard need not wait for it.
		if [ ${#noaddr[@]} -gt 0 ] &&
		    [[ " ${nodelines[*]} " != *" dial_in_wait "* ]]; then
			echo "dial_in_wait = 0"
		fi
		for other in "${AGENCIES[@]}"; do
			[ "$other" != "$id" ] || continue
			[[ " ${nopartner[*]} " != *" $other "* ]] || continue
			echo
			echo "[partner $other]"
			[[ " ${noaddr[*]} " == *" $other "* ]] ||
			    echo "address = 127.0.0.1:${PORT[$other]}"
			echo "ca = $T/$other/certs/ca.pem"
			echo "signing_pub = $T/$other/certs/signing.pub"
		done
		set -- "${groups[@]}"
		while [ $# -gt 0 ]; do
			echo
			echo "[group $1]"
			# A line holds at most 198 bytes; members = may repeat.
			xargs -n 8 <<<"$2" | sed 's/^/members = /'
			shift 2
		done
	} >"$conf"
}

# The node's unix socket: "socket =" in its config, else data_dir/lcnd.sock.
node_socket() {
	local conf=$T/$1/lcnd.conf s

	s=$(sed -n 's/^[[:space:]]*socket[[:space:]]*=[[:space:]]*//p' \
	    "$conf" | tail -n 1)
	echo "${s:-$T/$1/data/lcnd.sock}"
}

lcn_at() {
	local id=$1

	shift
	"$BIN/lcn" -c "$T/$id/lcnd.conf" "$@"
}

start_node() {
	local id=$1 pid sock log deadline rc

	shift
	[ -f "$T/$id/lcnd.conf" ] || fail "start_node $id: write_config first"
	[ -z "${NODE_PID[$id]-}" ] ||
	    fail "start_node $id: already running (pid ${NODE_PID[$id]})"
	log=$T/$id/lcnd.log
	echo "===== $(date +%T.%3N) harness: starting lcnd $*" >>"$log"
	if [ ${#VALGRIND[@]} -gt 0 ]; then
		"${VALGRIND[@]}" --log-file="$T/$id/valgrind.%p.log" \
		    "$BIN/lcnd" -c "$T/$id/lcnd.conf" "$@" >>"$log" 2>&1 &
	else
		"$BIN/lcnd" -c "$T/$id/lcnd.conf" "$@" >>"$log" 2>&1 &
	fi
	pid=$!
	NODE_PID[$id]=$pid
	sock=$(node_socket "$id")
	deadline=$(($(now_ms) + $(_ms 15)))
	until [ -S "$sock" ] && lcn_at "$id" status >/dev/null 2>&1; do
		if ! pid_alive "$pid"; then
			rc=0
			wait "$pid" || rc=$?
			unset "NODE_PID[$id]"
			if [ "$rc" = 99 ] && [ ${#VALGRIND[@]} -gt 0 ]; then
				tail -n 5 "$log" >&2
				_valgrind_summary "$T/$id/valgrind.$pid.log" >&2
			fi
			fail "lcnd $id exited with status $rc before answering" \
			    "(log: $log)"
		fi
		(($(now_ms) < deadline)) ||
		    fail "lcnd $id (pid $pid) did not answer lcn status on" \
		    "$sock within $(_ms 15) ms"
		sleep 0.1
	done
	say "started $id (pid $pid, port ${PORT[$id]})"
}

stop_node() {
	local id=$1 pid rc=0

	pid=${NODE_PID[$id]-}
	[ -n "$pid" ] || fail "stop_node $id: not running"
	if ! pid_alive "$pid"; then
		wait "$pid" || rc=$?
		unset "NODE_PID[$id]"
		fail "lcnd $id had exited (status $rc) before stop_node"
	fi
	kill -TERM "$pid" 2>/dev/null || true
	if ! _wait_gone "$pid" 10; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		unset "NODE_PID[$id]"
		fail "lcnd $id (pid $pid) still running $(_ms 10) ms after" \
		    "SIGTERM"
	fi
	wait "$pid" || rc=$?
	unset "NODE_PID[$id]"
	if [ "$rc" = 99 ] && [ ${#VALGRIND[@]} -gt 0 ]; then
		_valgrind_summary "$T/$id/valgrind.$pid.log" >&2
		fail "valgrind found errors in lcnd $id (pid $pid):" \
		    "$T/$id/valgrind.$pid.log"
	fi
	[ "$rc" = 0 ] ||
	    fail "lcnd $id exited with status $rc after SIGTERM, expected 0"
	say "stopped $id"
}

kill_node() {
	local id=$1 pid

	pid=${NODE_PID[$id]-}
	[ -n "$pid" ] || fail "kill_node $id: not running"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "NODE_PID[$id]"
	say "killed $id"
}

# Polls the shell condition every 0.1 s; fails the test after TIMEOUT_S
# (times TIMEOUT_SCALE).
wait_until() {
	local timeout=$1 cond=$2 deadline

	deadline=$(($(now_ms) + $(_ms "$timeout")))
	until eval "$cond"; do
		(($(now_ms) < deadline)) ||
		    fail "timed out after $(_ms "$timeout") ms waiting for: $cond"
		sleep 0.1
	done
}

status_json() {
	lcn_at "$1" --json status
}

# A field of one feed in ID's status; 0 if the node does not hold it.
feed_field() {
	local id=$1 origin=$2 group=$3 field=$4 js

	js=$(status_json "$id") || return 1
	jq -er --arg o "$origin" --arg g "$group" --arg f "$field" \
	    '[(.feeds // [])[] | select(.origin == $o and .group == $g) |
	    .[$f]] | first // 0' <<<"$js"
}

feed_seq() {
	feed_field "$1" "$2" "$3" seq
}

feed_verified() {
	feed_field "$1" "$2" "$3" verified
}

# How far PEER was behind ID's head of ORIGIN/GROUP at its last
# announcement: a number, "null" while it announced nothing, or "absent".
feed_lag() {		# ID ORIGIN GROUP PEER
	local js

	js=$(status_json "$1") || return 1
	jq -r --arg o "$2" --arg g "$3" --arg p "$4" '[(.feeds // [])[] |
	    select(.origin == $o and .group == $g) | .lag[$p]] |
	    if length == 0 then "absent" else .[0] end' <<<"$js"
}

peer_state() {
	local js

	js=$(status_json "$1") || return 1
	jq -er --arg p "$2" '[(.peers // [])[] | select(.id == $p) |
	    .state] | first // "absent"' <<<"$js"
}

# True when every configured partner of ID shows as established.
all_established() {
	local js

	js=$(status_json "$1") || return 1
	jq -e '(.peers | length) > 0 and
	    all(.peers[]; .state == "established")' <<<"$js" >/dev/null
}

wait_established() {
	wait_until "${2:-20}" "all_established $1"
}

feed_at() {		# ID ORIGIN GROUP SEQ: seq and verified both SEQ
	[ "$(feed_seq "$1" "$2" "$3")" = "$4" ] &&
	    [ "$(feed_verified "$1" "$2" "$3")" = "$4" ]
}

wait_feed() {
	wait_until "${5:-30}" "feed_at $1 $2 $3 $4"
}

# Starts ID and sets RATE to how fast it pulls ORIGIN/GROUP from FROM
# entries held to SEQ, and SESSION_MS to how long its session with
# ORIGIN took to be established: the figures the flood tests print.
timed_catch_up() {	# ID ORIGIN GROUP FROM SEQ
	local t0 t1 t2

	t0=$(now_ms)
	start_node "$1"
	wait_until 60 "[ \"\$(peer_state $1 $2)\" = established ]"
	t1=$(now_ms)
	wait_feed "$1" "$2" "$3" "$5" 120
	t2=$(now_ms)
	RATE="session after $((t1 - t0)) ms; $(($5 - $4)) entries in"
	RATE+=" $((t2 - t0)) ms: $((($5 - $4) * 1000 / (t2 - t0 + 1)))"
	RATE+=" entries/s"
	SESSION_MS=$((t1 - t0))
}

# True when every ID holds ORIGIN/GROUP with the same seq (at least MIN)
# and head, every entry verified. Heads attestations (PROTOCOL.md section 3.11)
# make feeds grow by themselves, so tests compare nodes instead of
# expecting a fixed seq.
feed_agrees() {		# ORIGIN GROUP MIN ID...
	local origin=$1 group=$2 min=$3 id js s v h first=

	shift 3
	for id in "$@"; do
		js=$(status_json "$id") || return 1
		read -r s v h < <(jq -r --arg o "$origin" --arg g "$group" '
		    [(.feeds // [])[] | select(.origin == $o and .group == $g)]
		    | first // {seq: 0, verified: 0, head: "-"}
		    | "\(.seq) \(.verified) \(.head)"' <<<"$js") || return 1
		[ "$s" -ge "$min" ] && [ "$v" = "$s" ] || return 1
		[ -n "$first" ] || first="$s $h"
		[ "$first" = "$s $h" ] || return 1
	done
}

wait_feed_agrees() {	# ORIGIN GROUP MIN ID... (30 s)
	wait_until 30 "feed_agrees $*"
}

# Writes COUNT JSON lines, each a DenialNotice of about 600 bytes with a
# ref unique per origin (ORIGIN/DN/2026/NNNNNNN, numbered from FIRST).
make_bodies() {		# ORIGIN FIRST COUNT
	awk -v origin="$1" -v first="$2" -v n="$3" 'BEGIN {
		for (i = first; i < first + n; i++) {
			printf "{\"denial_notice\": {\"ref\": \"%s/DN/2026/%07d\", " \
			    "\"handling\": {\"tlp\": \"TLP_AMBER\"}, " \
			    "\"regime\": \"WA\", \"list_tier\": \"WA Sensitive List\", " \
			    "\"control_basis\": \"BASIS_LISTED_ITEM\", " \
			    "\"items\": [{\"control_entry\": \"3A001.b.1\", " \
			    "\"description\": \"Microwave monolithic integrated circuit power amplifier\", " \
			    "\"technical_parameters\": \"3.2 GHz to 3.7 GHz, peak saturated power 52 dBm\", " \
			    "\"quantity\": \"%d units\"}], " \
			    "\"parties\": [{\"role\": \"ROLE_END_USER\", " \
			    "\"name\": \"Test Trading Company %07d Ltd\", " \
			    "\"address\": \"Building %d, Test Industrial Park\", " \
			    "\"country\": \"CN\"}], " \
			    "\"destination_country\": \"CN\", " \
			    "\"end_use\": \"Stated: civil telecommunications base stations\", " \
			    "\"reasons\": [{\"code\": \"REASON_MILITARY_END_USE\", " \
			    "\"text\": \"Consignee linked to military procurement\"}], " \
			    "\"decision_date_ms\": \"2026-11-01\"}}\n",
			    origin, i, 10 + i % 90, i, i % 500
		}
	}'
}

publish_file() {	# ID GROUP FILE
	local out rc=0

	out=$(lcn_at "$1" publish --group "$2" "$3" 2>&1) || rc=$?
	[ "$rc" = 0 ] ||
	    fail "lcn publish --group $2 $3 at $1 exited $rc: $out"
}

# Publishes N test bodies at ID to GROUP in batches of BATCH (default
# 1000) bodies per `lcn publish`.
publish_n() {
	local id=$1 group=$2 n=$3 batch=${4:-1000} first k f

	first=$((${PUBLISHED[$id]:-0} + 1))
	f=$T/$id/publish.jsonl
	while [ "$n" -gt 0 ]; do
		k=$((n < batch ? n : batch))
		make_bodies "$id" "$first" "$k" >"$f"
		publish_file "$id" "$group" "$f"
		first=$((first + k))
		n=$((n - k))
	done
	PUBLISHED[$id]=$((first - 1))
}

# The refs of `lcn --json log ARGS` at ID, one a line, heads
# attestations left out. Takes either the API's {"entries": [...]} or one
# entry object per line.
log_refs() {
	local id=$1 js

	shift
	js=$(lcn_at "$id" --json log "$@") || return 1
	jq -r 'if type == "object" and has("entries") then .entries[]
	    else . end | select(.type != "heads_attestation") |
	    .body.ref // empty' <<<"$js"
}

assert_eq() {		# EXPECTED ACTUAL [WHAT]
	[ "$1" = "$2" ] ||
	    fail "${3:-value}: expected '$1', got '$2'"
}

assert_log_contains() {
	grep -Eq -- "$2" "$T/$1/lcnd.log" ||
	    fail "lcnd $1 log has no line matching /$2/"
}

assert_log_lacks() {
	local line

	if line=$(grep -E -m 1 -- "$2" "$T/$1/lcnd.log"); then
		fail "lcnd $1 log has a line matching /$2/: $line"
	fi
}

# Checks ID's ledger offline, as an operator would after a stop or a crash:
# every signature, the hash chains and the Merkle roots. WHAT says when
# ("after kill -9"). lcn verify's own report goes into the failure.
verify_ledger() {	# ID [WHAT]
	local out

	out=$(lcn_at "$1" verify --data-dir "$T/$1/data" 2>&1) ||
	    fail "lcn verify failed on $1's ledger${2:+ $2}: $out"
}

# The ending of most tests: each node stops cleanly (stop_node asserts
# exit status 0) and its ledger verifies. A node stopped or killed
# earlier is only verified.
stop_and_verify() {	# ID...
	local id

	for id in "$@"; do
		[ -z "${NODE_PID[$id]-}" ] || stop_node "$id"
		verify_ledger "$id"
	done
}

# Runs lcn-testpeer as agency AS against NODE with the script on stdin,
# once NODE takes AS again (a partner refused for a while after a
# violation is refused again at once): its JSON lines go to $T/NAME.out,
# its errors to $T/NAME.err; an error unless it exits 0.
testpeer_as() {		# AS NODE NAME
	local rc=0

	wait_until 90 "[ \"\$(status_json $2 | jq -r '[.peers[] |
	    select(.id == \"$1\") | .refused_for_ms // 0] | first // 0')\" = 0 ]"
	"$BIN/lcn-testpeer" --cert "$T/$1/certs/node.pem" \
	    --key "$T/$1/certs/node.key" \
	    --ca "$T/$2/certs/ca.pem" --server-id "$2" \
	    --connect "127.0.0.1:${PORT[$2]}" \
	    --timeout-scale "$TIMEOUT_SCALE" >"$T/$3.out" 2>"$T/$3.err" ||
	    rc=$?
	assert_eq 0 "$rc" "lcn-testpeer session $3 ($(tail -n 3 "$T/$3.out"))"
}

# Connects to ID's listen port with TLS 1.3, trusting ID's CA, presents
# CERT and KEY (no client certificate without them), sends stdin and hangs
# up. It never fails the test: whether the node accepts or refuses is what
# the caller looks for in the node's log and status. 10 s at most.
tls_send() {		# ID [CERT KEY]
	local args=(-connect "127.0.0.1:${PORT[$1]}" -tls1_3 -quiet
	    -CAfile "$T/$1/certs/ca.pem")

	[ $# -lt 3 ] || args+=(-cert "$2" -key "$3")
	timeout 10 openssl s_client "${args[@]}" >/dev/null 2>&1 || true
}
