#!/usr/bin/env bash
#
# replicate: three agencies, all dialling each other over mutual TLS, share
# group WA (PROTOCOL.md sections 3 to 5). Entries published at two origins
# reach every member, verified; `lcn log` shows them at a third node; every
# node stops cleanly on SIGTERM; every ledger passes `lcn verify`.
#
. "$(dirname "$0")/lib.sh"

ids=(JP-METI US-BIS DE-BAFA)

make_agencies "${ids[@]}"
for id in "${ids[@]}"; do
	write_config "$id" --group WA "${ids[*]}"
done
for id in "${ids[@]}"; do
	start_node "$id"
done
for id in "${ids[@]}"; do
	wait_established "$id"
done

publish_n JP-METI WA 5
# The origin holds its own entries at once, verified (it signed them).
assert_eq 5 "$(feed_seq JP-METI JP-METI WA)" "JP-METI/WA seq at JP-METI"
publish_n US-BIS WA 3
assert_eq 3 "$(log_refs US-BIS --feed US-BIS/WA | wc -l)" \
    "denial notices in US-BIS/WA at US-BIS"

# Every node reaches the same head of each feed, every entry verified.
# (Heads attestations may add entries to each feed: hence "at least".)
wait_feed_agrees JP-METI WA 5 "${ids[@]}"
wait_feed_agrees US-BIS WA 3 "${ids[@]}"
say "all three nodes hold the same JP-METI/WA (>= 5) and US-BIS/WA (>= 3)," \
    "verified"

# Receipts: each origin sees that both partners hold its whole feed.
wait_until 10 '[ "$(feed_lag JP-METI JP-METI WA US-BIS)" = 0 ] &&
    [ "$(feed_lag JP-METI JP-METI WA DE-BAFA)" = 0 ] &&
    [ "$(feed_lag US-BIS US-BIS WA JP-METI)" = 0 ] &&
    [ "$(feed_lag US-BIS US-BIS WA DE-BAFA)" = 0 ]'

# The third node shows the first origin's entries, in order.
out=$(lcn_at DE-BAFA log --feed JP-METI/WA)
grep -qF "JP-METI/DN/2026/0000001" <<<"$out" ||
    fail "lcn log --feed JP-METI/WA at DE-BAFA lacks JP-METI/DN/2026/0000001:
$out"
assert_eq "$(printf 'JP-METI/DN/2026/%07d\n' 1 2 3 4 5)" \
    "$(log_refs DE-BAFA --feed JP-METI/WA)" "refs of JP-METI/WA at DE-BAFA"
assert_eq "$(printf 'US-BIS/DN/2026/%07d\n' 1 2 3)" \
    "$(log_refs JP-METI --feed US-BIS/WA)" "refs of US-BIS/WA at JP-METI"
# --since skips what a reader already has.
assert_eq "$(printf 'JP-METI/DN/2026/%07d\n' 4 5)" \
    "$(log_refs US-BIS --feed JP-METI/WA --since 3)" \
    "refs of JP-METI/WA since 3 at US-BIS"

# Nothing was rejected on the way, and no alert was raised.
for id in "${ids[@]}"; do
	js=$(status_json "$id")
	assert_eq 0 "$(jq '[.peers[] | .rejects_in + .rejects_out] | add' \
	    <<<"$js")" "rejects at $id"
	assert_eq 0 "$(jq '(.alerts | length) + (.forks | length)' <<<"$js")" \
	    "alerts and forks at $id"
done

stop_and_verify "${ids[@]}"
say "every ledger verifies"
