# Key pages never reach a core file: lcnd makes itself non-dumpable
# (prctl PR_SET_DUMPABLE 0, and RLIMIT_CORE 0) before it reads a key.
#
# 1. The flag: the kernel gives a non-dumpable process's /proc/PID files
#    to root (proc(5)), so lcnd run as another user (nobody, through
#    setpriv; needs root) has a root-owned /proc/PID/mem.
# 2. The effect: a crash of a running node leaves no core, where a process
#    of the same user in the same directory with the same limits leaves
#    one. The kernel must write cores to files (core_pattern without '|');
#    under a core handler (systemd-coredump, apport) this part cannot see
#    them and says so.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --node "attest_interval = 0"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# nobody owns JP-METI's files and can read US-BIS's public ones.
	chown -R 65534:65534 "$T/JP-METI"
	chmod 711 "$T" "$T/US-BIS"
	chmod 755 "$T/US-BIS/certs"
	real=$BIN
	BIN=$T/bin
	mkdir -p "$BIN"
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 '\
'--clear-groups %s/lcnd "$@"\n' "$real" >"$BIN/lcnd"
	chmod 755 "$BIN/lcnd"
	ln -s "$real/lcn" "$BIN/lcn"
	start_node JP-METI
	pid=${NODE_PID[JP-METI]}
	assert_eq 65534 "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" \
	    "lcnd's uid"
	assert_eq 0 "$(stat -c %u "/proc/$pid/mem")" \
	    "owner of /proc/PID/mem of lcnd running as nobody (0: not dumpable)"
	stop_node JP-METI
	BIN=$real
	chown -R 0:0 "$T/JP-METI"
else
	say "not root: the dumpable flag is checked through a crash only"
fi

pattern=$(cat /proc/sys/kernel/core_pattern)
if [[ $pattern == '|'* ]]; then
	say "core_pattern pipes to a handler ($pattern): cores not observable here"
	exit 0
fi
ulimit -c unlimited
dir=$T/cwd
mkdir -p "$dir"
cd "$dir"

# The control: this user, this directory and this limit do dump a core.
bash -c 'kill -ABRT $$' 2>/dev/null || true
n=$(find "$dir" -maxdepth 1 -name 'core*' | wc -l)
if [ "$n" = 0 ]; then
	say "a crashing shell left no core in $dir (core_pattern '$pattern'):" \
	    "cores not observable here"
	exit 0
fi
rm -f "$dir"/core*

start_node JP-METI
pid=${NODE_PID[JP-METI]}
# The limit shows in /proc; the dumpable flag shows only in what follows.
grep -E '^Max core file size +0 +0 ' "/proc/$pid/limits" >/dev/null ||
    fail "lcnd's core limit is not 0: $(grep 'core file' "/proc/$pid/limits")"
kill -ABRT "$pid"
rc=0
wait "$pid" || rc=$?
unset "NODE_PID[JP-METI]"
assert_eq 134 "$rc" "lcnd's exit status after SIGABRT"
cores=$(find "$dir" -maxdepth 1 -name 'core*')
[ -z "$cores" ] || fail "lcnd left a core dump: $cores"
