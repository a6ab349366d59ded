# A partner that keeps a publisher out of a group says so (issue 9): the
# publisher's configuration puts US-BIS in group AG with it, US-BIS's own
# configuration does not have JP-METI in AG. US-BIS answers JP-METI's
# heads of JP-METI/AG with a typed Reject (not_member, and why), and
# JP-METI's lcn status shows it per partner and feed, in the lag column
# ("rejected(not_member)", not "?" forever) and under "Needs attention".
# Group WA, on which all agree, replicates with no rejection at all.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --group WA "DE-BAFA JP-METI US-BIS" \
    --group AG "JP-METI US-BIS"
write_config US-BIS --group WA "DE-BAFA JP-METI US-BIS" \
    --group AG "DE-BAFA US-BIS"
write_config DE-BAFA --group WA "DE-BAFA JP-METI US-BIS" \
    --group AG "DE-BAFA US-BIS"
for id in JP-METI US-BIS DE-BAFA; do
	start_node "$id"
done
wait_established JP-METI

publish_n JP-METI WA 2
publish_n JP-METI AG 3
wait_feed US-BIS JP-METI WA 2
wait_feed DE-BAFA JP-METI WA 2

# rejected ID: JP-METI's attention list, one line per (peer, feed).
rejected() {
	status_json JP-METI | jq -r '.attention.rejected[] |
	    "\(.peer) \(.origin)/\(.group) \(.seq) \(.reason)"'
}
wait_until 10 '[ "$(rejected)" = "US-BIS JP-METI/AG 3 not_member" ]' ||
    fail "JP-METI's status lacks US-BIS's rejection: '$(rejected)'"
assert_eq "US-BIS's configuration does not have JP-METI in group AG" \
    "$(status_json JP-METI | jq -r '.attention.rejected[0].text')" \
    "the rejection's reason"
assert_eq '"not_member"' "$(status_json JP-METI |
    jq -c '.feeds[] | select(.origin == "JP-METI" and .group == "AG") |
	    .rejected["US-BIS"]')" \
    "feeds[].rejected of JP-METI/AG"
assert_eq "{}" "$(status_json JP-METI |
    jq -c '.feeds[] | select(.origin == "JP-METI" and .group == "WA") |
	    .rejected')" \
    "no rejection of JP-METI/WA"

# Members that announce the feed show their lag, not "?".
wait_until 10 '[ "$(feed_lag JP-METI JP-METI WA US-BIS)" = 0 ]' ||
    fail "US-BIS's lag of JP-METI/WA: $(feed_lag JP-METI JP-METI WA US-BIS)"

# The text status: the lag column and the attention line.
out=$(lcn_at JP-METI status)
grep -q "JP-METI/AG .*US-BIS:rejected(not_member)" <<<"$out" ||
    fail "lcn status lag column: $out"
grep -qF "! US-BIS rejected JP-METI/AG at seq 3 (not_member" <<<"$out" ||
    fail "lcn status attention: $out"
# Nothing of AG reached US-BIS, and nobody else was refused anything.
assert_eq 0 "$(feed_seq US-BIS JP-METI AG)" "JP-METI/AG at US-BIS"
assert_eq 0 "$(status_json US-BIS | jq '.attention.rejected | length')" \
    "rejections recorded at US-BIS"
assert_log_contains US-BIS "ignoring .*JP-METI/AG"

stop_and_verify JP-METI US-BIS DE-BAFA
