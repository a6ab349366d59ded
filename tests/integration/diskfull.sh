# A full disk under data_dir (store/README.md, the environment): JP-METI's
# data directory is a 16 MiB tmpfs the test fills. lcn status warns
# below [node] disk_warn_mb; a publication that does not fit fails with
# an error that says the disk is full and how much space is left, logged
# at error level (it was "ledger storage failure (ESTORE)" at info level),
# and stores nothing (one that fits in pages LMDB freed inside the ledger
# file is stored: the test publishes until none fits); entries from
# US-BIS are not all stored meanwhile but the connection stays up; once
# space returns, publishing works, replication catches up within seconds
# (it took 60 s: US-BIS was sent a Reject and shunned as a source that
# did not deliver), and both ledgers verify. Needs root to mount the
# tmpfs: skipped otherwise.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --node "attest_interval = 0" --node "disk_warn_mb = 8" \
    --group WA "JP-METI US-BIS"
write_config US-BIS --node "attest_interval = 0" --group WA "JP-METI US-BIS"
data=$T/JP-METI/data
if ! mount -t tmpfs -o size=16m,mode=0700 lcn-diskfull "$data" 2>"$T/mount.err"
then
	echo "SKIP $TEST_NAME: cannot mount a tmpfs on $data (needs root" \
	    "and CAP_SYS_ADMIN): $(cat "$T/mount.err")"
	exit 0
fi

# The tmpfs goes away before the harness removes $T; the node holding it
# open is killed first (the harness would only do that afterwards).
diskfull_exit() {
	local rc=$?

	trap - ERR
	set +e
	if [ -n "${NODE_PID[JP-METI]-}" ]; then
		kill -KILL "${NODE_PID[JP-METI]}" 2>/dev/null
		wait "${NODE_PID[JP-METI]}" 2>/dev/null
		unset "NODE_PID[JP-METI]"
	fi
	umount "$data" 2>/dev/null || umount -l "$data" 2>/dev/null
	(exit "$rc")
	_lcn_exit
}
trap diskfull_exit EXIT

start_node JP-METI
start_node US-BIS
wait_established JP-METI
publish_n JP-METI WA 50
publish_n US-BIS WA 50
wait_feed US-BIS JP-METI WA 50
wait_feed JP-METI US-BIS WA 50

# Room to spare: no warning yet.
lcn_at JP-METI status >"$T/status.out"
! grep -q "DISK LOW" "$T/status.out" ||
    fail "lcn status warns with the disk nearly empty: $(cat "$T/status.out")"

# Fill the file system to the last block. (A write that stops short
# there is EIO, which store.c takes for a full disk too; the test cannot
# make that happen on purpose.)
dd if=/dev/zero of="$data/filler" bs=64k 2>/dev/null || true
jq -e '.disk.low == true' <(status_json JP-METI) >/dev/null ||
    fail "lcn --json status: .disk.low is not true on a full disk"
lcn_at JP-METI status >"$T/status.out"
grep -Eq "DISK LOW: 0\.[0-9] MiB free of 16\.0 MiB on the file system of $data" \
    "$T/status.out" ||
    fail "lcn status does not warn of the full disk: $(cat "$T/status.out")"

# A full file system refuses only a commit that needs pages past the end
# of the ledger file: LMDB first reuses the pages freed inside data.mdb
# by earlier commits, and writing over them takes no new space. How many
# there are depends on how the ledger got there (under valgrind the
# replication came in more, smaller commits: 24 free pages at this
# point, against 6 without it, and 20 bodies fitted; then the index
# catch-up a publication waits for did not fit, while 30 entries from
# US-BIS did). So JP-METI publishes batches of 20 until one is refused,
# which must say the disk is full and store nothing; and US-BIS publishes
# more than data.mdb could hold. Bodies are at least 600 bytes: no more
# than data.mdb's size / 600 of them can be stored on the full disk.
fsize=$(stat -c %s "$data/data.mdb")
maxn=$((fsize / 600 + 1))
next=51
while before=$(feed_seq JP-METI JP-METI WA) &&
    make_bodies JP-METI "$next" 20 >"$T/try.jsonl" &&
    out=$(lcn_at JP-METI publish --group WA "$T/try.jsonl" 2>&1); do
	next=$((next + 20))
	(( next - 51 <= maxn )) ||
	    fail "$((next - 51)) bodies published on a full disk, more than" \
	    "data.mdb ($fsize bytes) can hold: $out"
done
say "publish on a full disk, after $((next - 51)) stored: $out"
[[ $out == *"disk full: the data directory has "*" free of 16.0 MiB"* ]] ||
    fail "the refusal does not say the disk is full and what is left: $out"
assert_log_contains JP-METI " error store .*$data: disk full: the data directory"
assert_eq "$before" "$(feed_seq JP-METI JP-METI WA)" \
    "JP-METI/WA after the refusal"
stored=$before
make_bodies JP-METI "$next" 20 >"$T/more.jsonl"

# US-BIS goes on publishing: JP-METI cannot store it all, and stays
# connected.
nus=$((maxn + 30))
publish_n US-BIS WA "$nus" 100
sleep "$TIMEOUT_SCALE"
got=$(feed_seq JP-METI US-BIS WA)
say "US-BIS/WA at JP-METI on the full disk: $got of $((50 + nus))"
(( got < 50 + nus && got - 50 <= maxn )) ||
    fail "JP-METI stored US-BIS/WA up to $got of $((50 + nus)) on a full" \
    "disk (data.mdb $fsize bytes)"
assert_eq established "$(peer_state JP-METI US-BIS)" "US-BIS at JP-METI"
assert_eq established "$(peer_state US-BIS JP-METI)" "JP-METI at US-BIS"
# A full disk is not the partner's fault: no Reject, no 60 s shunning.
assert_log_lacks US-BIS "rejected US-BIS/WA"

# Space returns: everything resumes without a restart.
rm -f "$data/filler"
publish_file JP-METI WA "$T/more.jsonl"
wait_feed JP-METI US-BIS WA $((50 + nus)) 20
wait_feed US-BIS JP-METI WA $((stored + 20))
lcn_at JP-METI status >"$T/status.out"
! grep -q "DISK LOW" "$T/status.out" ||
    fail "lcn status still warns after space returned: $(cat "$T/status.out")"

stop_and_verify US-BIS JP-METI
