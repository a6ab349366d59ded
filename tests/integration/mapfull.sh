# LMDB's map full (store/README.md, the environment): with a tiny
# map_size, a publication that no longer fits fails with an error that
# says the map is full and what to do (raise map_size, restart), logged at
# error level; lcnd goes on answering, nothing stored is lost or
# corrupted (lcn verify), lcn status warns, and after map_size is raised and lcnd restarted
# publishing goes on from the same head.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --node "attest_interval = 0" --node "map_size = 1M" \
    --group WA "JP-METI US-BIS"
start_node JP-METI

# Batches of 20 until one fails: 1 MiB holds a few hundred entries.
out=
for i in $(seq 1 100); do
	make_bodies JP-METI $((i * 20 - 19)) 20 >"$T/batch.jsonl"
	if ! out=$(lcn_at JP-METI publish --group WA "$T/batch.jsonl" 2>&1); then
		break
	fi
	out=
done
[ -n "$out" ] || fail "100 batches of 20 entries fit in a 1 MiB map"
say "publish failed after $((i - 1)) batches: $out"
[[ $out == *"ledger map full"* ]] ||
    fail "the refusal does not say the map is full: $out"
[[ $out == *"raise map_size"* ]] ||
    fail "the refusal does not say to raise map_size: $out"
assert_log_contains JP-METI " error store .*ledger map full"
held=$(feed_seq JP-METI JP-METI WA)
[ "$held" -ge 20 ] || fail "JP-METI holds $held entries, expected some"
# Nothing of the refused batch was stored.
assert_eq $(((i - 1) * 20)) "$held" "entries held after the refusal"
# lcn status still answers, and says the map is (nearly) full.
lcn_at JP-METI status >"$T/status.out"
grep -q "MAP NEARLY FULL" "$T/status.out" ||
    fail "lcn status does not warn of the full map: $(cat "$T/status.out")"

stop_node JP-METI
verify_ledger JP-METI "after the map filled"

write_config JP-METI --node "attest_interval = 0" --node "map_size = 64M" \
    --group WA "JP-METI US-BIS"
start_node JP-METI
assert_eq "$held" "$(feed_seq JP-METI JP-METI WA)" "entries held after restart"
publish_file JP-METI WA "$T/batch.jsonl"
assert_eq $((held + 20)) "$(feed_seq JP-METI JP-METI WA)" \
    "entries held after raising map_size"
# The screening index caught up too: the last batch's party is found.
lcn_at JP-METI screen "Test Trading Company $(printf %07d $((i * 20))) Ltd" \
    >"$T/screen.out"
grep -q "JP-METI/DN/2026/$(printf %07d $((i * 20)))" "$T/screen.out" ||
    fail "the last entry is not in the screening index: $(cat "$T/screen.out")"
stop_and_verify JP-METI
