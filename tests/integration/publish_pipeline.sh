#!/usr/bin/env bash
# The publishing pipeline (node/publish_pipe.c): lcnd signs one `lcn
# publish` request on its signer thread while it decodes and validates the
# next and commits the one before. With several requests in flight at
# once: each request's bodies land at consecutive seqs in the order of its
# file and no two requests share a seq; a request whose ref another
# request in flight also uses is refused naming the line, and nothing of
# it is stored; a refusal in the middle of a multi-batch file keeps what
# was stored before it and stores nothing after; and after a kill -9 in
# the middle of several publishers, every seq any of them was told is in
# the ledger, with the body that was sent for it, and the ledger verifies.
. "$(dirname "$0")/lib.sh"

A=JP-METI
B=US-BIS
make_agencies "$A" "$B"
# B never runs; without its address the self-fork guard does not wait.
write_config "$A" --no-address-for "$B" --group WA "$A $B"
start_node "$A"

# FILE: "first last" of a `lcn --json publish` answer in FILE.
range_of() {
	jq -r '"\(.first_seq) \(.last_seq)"' "$1"
}

# SEQ N: the refs of JP-METI/WA seqs SEQ..SEQ+N-1, one a line.
refs_at() {
	log_refs "$A" --feed "$A/WA" --since $(($1 - 1)) --limit "$2"
}

# FILE: the refs of a bodies file, one a line.
refs_of() {
	jq -r '.denial_notice.ref' "$1"
}

# --- 1. Six requests in flight: consecutive seqs, file order, disjoint.
for k in 0 1 2 3 4 5; do
	make_bodies "$A" $((k * 300 + 1)) 300 >"$T/req$k.jsonl"
done
pids=()
for k in 0 1 2 3 4 5; do
	lcn_at "$A" --json publish --group WA "$T/req$k.jsonl" \
	    >"$T/out$k" 2>&1 &
	pids+=($!)
done
for k in 0 1 2 3 4 5; do
	wait "${pids[$k]}" || fail "request $k: $(cat "$T/out$k")"
done
for k in 0 1 2 3 4 5; do
	read -r first last <<<"$(range_of "$T/out$k")"
	assert_eq 299 $((last - first)) "request $k's seq range"
	echo "$first $last"
	assert_eq "$(refs_of "$T/req$k.jsonl")" "$(refs_at "$first" 300)" \
	    "request $k's refs at seq $first..$last"
done | sort -n >"$T/ranges"
awk 'BEGIN { next_seq = 1 }
    { if ($1 != next_seq) exit 1; next_seq = $2 + 1 }
    END { if (next_seq != 1801) exit 1 }' "$T/ranges" ||
    fail "the six requests do not tile seq 1..1800: $(tr '\n' ' ' <"$T/ranges")"
assert_eq 1800 "$(feed_seq "$A" "$A" WA)" "head after six requests"

# --- 2. Two requests in flight that use one ref: exactly one is stored.
make_bodies "$A" 2001 300 >"$T/r1.jsonl"
make_bodies "$A" 2401 100 |
    sed '50s|JP-METI/DN/2026/0002450|JP-METI/DN/2026/0002010|' >"$T/r2.jsonl"
make_bodies "$A" 2601 300 >"$T/r3.jsonl"
grep -q 'DN/2026/0002010' <(sed -n 50p "$T/r2.jsonl") ||
    fail "r2.jsonl: line 50 does not reuse r1's ref"
rcs=()
for k in 1 2 3; do
	lcn_at "$A" publish --group WA "$T/r$k.jsonl" >"$T/o$k" 2>&1 &
	pids[$k]=$!
done
for k in 1 2 3; do
	rc=0
	wait "${pids[$k]}" || rc=$?
	rcs[$k]=$rc
done
assert_eq 0 "${rcs[3]}" "r3 exit status ($(cat "$T/o3"))"
if [ "${rcs[1]}" = 0 ]; then
	[ "${rcs[2]}" != 0 ] || fail "both requests with ref 0002010 stored"
	grep -q 'r2.jsonl:50: lcnd refused the body: .*JP-METI/DN/2026/0002010 is already used' \
	    "$T/o2" || fail "r2's refusal does not name line 50: $(cat "$T/o2")"
	want=$((1800 + 300 + 300))
else
	[ "${rcs[2]}" = 0 ] || fail "neither request with ref 0002010 stored"
	grep -q 'r1.jsonl:10: lcnd refused the body: .*is already used' \
	    "$T/o1" || fail "r1's refusal does not name line 10: $(cat "$T/o1")"
	want=$((1800 + 100 + 300))
fi
assert_eq "$want" "$(feed_seq "$A" "$A" WA)" "head after the ref clash"
dups=$(log_refs "$A" --feed "$A/WA" --limit 10000 | sort | uniq -d)
assert_eq "" "$dups" "refs stored twice"

# --- 3. A refusal in the middle of a file: the batch before it stays.
head0=$(feed_seq "$A" "$A" WA)
make_bodies "$A" 3001 2500 |
    sed '1800s|JP-METI/DN/2026/0004800|JP-METI/DN/2026/0000007|' \
    >"$T/big.jsonl"
rc=0
lcn_at "$A" publish --group WA "$T/big.jsonl" >"$T/big.out" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "a file with a used ref was published whole"
grep -q 'big.jsonl:1800: lcnd refused the body: .*0000007 is already used' \
    "$T/big.out" || fail "the refusal does not name line 1800: $(cat "$T/big.out")"
grep -q 'from line 1001 to the end: not published' "$T/big.out" ||
    fail "lcn does not say from where nothing was published: $(cat "$T/big.out")"
assert_eq $((head0 + 1000)) "$(feed_seq "$A" "$A" WA)" \
    "head after a refusal in the second batch"

# --- 4. kill -9 among four publishers: every seq told is stored.
head0=$(feed_seq "$A" "$A" WA)
for w in 0 1 2 3; do
	(
		trap - ERR EXIT
		set +e
		i=0
		while :; do
			f=$T/dur.$w.$i.jsonl
			make_bodies "$A" $((10000 + w * 100000 + i * 200 + 1)) \
			    200 >"$f"
			"$BIN/lcn" -c "$T/$A/lcnd.conf" --json publish \
			    --group WA "$f" >"$T/dur.$w.$i.out" 2>/dev/null ||
			    break
			i=$((i + 1))
		done
	) &
	pids[$w]=$!
done
sleep 3
kill_node "$A"
for w in 0 1 2 3; do
	wait "${pids[$w]}" || true
done
start_node "$A"
told=0
max=0
for out in "$T"/dur.*.out; do
	[ -s "$out" ] || continue
	first=$(jq -r '.first_seq // empty' "$out" 2>/dev/null) || continue
	[ -n "$first" ] || continue
	last=$(jq -r .last_seq "$out")
	assert_eq "$(refs_of "${out%.out}.jsonl")" "$(refs_at "$first" 200)" \
	    "the bodies stored at seq $first..$last after kill -9"
	told=$((told + 1))
	[ "$last" -le "$max" ] || max=$last
done
[ "$told" -gt 0 ] || fail "no publisher was told a seq before the kill"
held=$(feed_seq "$A" "$A" WA)
[ "$held" -ge "$max" ] ||
    fail "after kill -9 the head is $held; publishers were told up to $max"
echo "kill -9: $told requests confirmed (up to seq $max), head $held" \
    "(from $head0)"
stop_and_verify "$A"
