# An lcn import-list copies the caller's list into data_dir/import.XXXXXX
# and removes the copy when it is done; a crash in the middle leaves it
# there. lcnd removes such leftovers when it starts (the previous code
# never did) and logs each, but only directories of that exact name,
# never one a running import holds (locked), never a symlink, a file or
# a name that merely looks alike. An import then still works.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI
write_config JP-METI --node "attest_interval = 0"
start_node JP-METI
stop_node JP-METI
data=$T/JP-METI/data

# What a crash in the middle of a copy leaves: a directory with the files
# copied so far (one cut short), and one made just before the crash.
mkdir -m 0700 "$data/import.Ab12Cd" "$data/import.zZ90x1"
head -c 300000 "$SRC/tests/data/sdn.csv" >"$data/import.Ab12Cd/sdn.csv"
head -c 1000 "$SRC/tests/data/alt.csv" >"$data/import.Ab12Cd/alt.csv"
# Alike, not the same: kept.
mkdir "$data/import.Ab12C" "$data/import.Ab12Cde" "$data/import.Ab-2Cd" \
    "$data/myimport.Ab12Cd" "$T/elsewhere"
echo keep >"$data/import.Ab12C/f"
echo keep >"$data/import.Qq1Qq1"
echo keep >"$T/elsewhere/f"
ln -s "$T/elsewhere" "$data/import.Sy1Ln1"
# Held by a running import (another process holds its lock): kept.
mkdir "$data/import.Lk0Lk0"
echo keep >"$data/import.Lk0Lk0/sdn.csv"
flock -x -o "$data/import.Lk0Lk0" sh -c 'echo locked; exec sleep 120' \
    >"$T/lock.out" 2>&1 </dev/null &
locker=$!
wait_until 10 'grep -q locked "$T/lock.out"'

start_node JP-METI
kill "$(pgrep -P "$locker")"	# the sleep; flock then exits
wait "$locker" 2>/dev/null || true
echo "$TEST_NAME: what lcnd logged at start:"
{ grep -E 'import\.|import-list' "$T/JP-METI/lcnd.log" || true; } |
    sed 's/^/    /'
for d in import.Ab12Cd import.zZ90x1; do
	[ ! -e "$data/$d" ] || fail "$d was left in data_dir"
done
assert_log_contains JP-METI "removed $data/import\.Ab12Cd, the copy of a list whose import-list was cut short \(2 files, 301000 bytes\)"
assert_log_contains JP-METI "removed $data/import\.zZ90x1, .*\(0 files, 0 bytes\)"
assert_log_contains JP-METI "$data/import\.Lk0Lk0: in use by a running import: kept"
for f in import.Ab12C/f import.Ab12Cde import.Ab-2Cd myimport.Ab12Cd \
    import.Qq1Qq1 import.Lk0Lk0/sdn.csv; do
	[ -e "$data/$f" ] || fail "$f was removed"
done
[ -L "$data/import.Sy1Ln1" ] && [ -f "$T/elsewhere/f" ] ||
    fail "the symlink import.Sy1Ln1 or what it points to was removed"
n=$(grep -c 'removed .*/import\.' "$T/JP-METI/lcnd.log" || true)
assert_eq 2 "$n" "directories removed"

# An import still works, and leaves nothing behind.
mkdir "$T/small"
echo '9999901,"ZYZZYVA OLDCO TRADING",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ' \
    >"$T/small/sdn.csv"
lcn_at JP-METI import-list ofac-sdn "$T/small/sdn.csv" >/dev/null
left=$(cd "$data" && ls -d import.?????? 2>/dev/null | sort | tr '\n' ' ')
assert_eq "import.Ab-2Cd import.Lk0Lk0 import.Qq1Qq1 import.Sy1Ln1 " \
    "$left" "import.* names in data_dir after an import"
stop_and_verify JP-METI
