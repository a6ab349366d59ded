# Never to a non-member (PROTOCOL.md section 5.1): entries of a group's feeds
# go only to the group's members, and a node that wrongly believes it is a
# member gets nothing but rejections.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA" \
    --group NSG "JP-METI US-BIS"
write_config US-BIS --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA" \
    --group NSG "JP-METI US-BIS"
# DE-BAFA's operator wrongly lists it in NSG: the others must still refuse.
write_config DE-BAFA --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA" \
    --group NSG "JP-METI US-BIS DE-BAFA"
start_node JP-METI
start_node US-BIS
start_node DE-BAFA
wait_established JP-METI
wait_established DE-BAFA

publish_n JP-METI NSG 5
publish_n JP-METI WA 2
publish_n US-BIS NSG 3
wait_feed US-BIS JP-METI NSG 5
wait_feed DE-BAFA JP-METI WA 2
wait_feed JP-METI US-BIS NSG 3
# Give any leak time to happen, then look for it everywhere at DE-BAFA.
sleep 3
assert_eq 0 "$(feed_seq DE-BAFA JP-METI NSG)" "JP-METI/NSG at DE-BAFA"
assert_eq 0 "$(feed_seq DE-BAFA US-BIS NSG)" "US-BIS/NSG at DE-BAFA"
[ -z "$(log_refs DE-BAFA --feed JP-METI/NSG)" ] ||
    fail "DE-BAFA can read JP-METI/NSG entries"
n=$(lcn_at DE-BAFA --json log --limit 10000 | jq -s '[.[] |
    select(.group == "NSG" and .origin != "DE-BAFA")] | length')
assert_eq 0 "$n" "NSG entries of others in DE-BAFA's ledger"
# Publishing to NSG at DE-BAFA signs into its own feed, which the real
# members refuse to take.
publish_n DE-BAFA NSG 1
sleep 2
assert_eq 0 "$(feed_seq JP-METI DE-BAFA NSG)" "DE-BAFA/NSG at JP-METI"
assert_log_contains JP-METI 'ignoring head of DE-BAFA/NSG'

stop_and_verify JP-METI US-BIS DE-BAFA
