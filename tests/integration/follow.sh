# Following (PROTOCOL.md section 5.3): once US-BIS has pulled JP-METI's
# feed from JP-METI, its origin, each later entry reaches US-BIS without
# another Want: JP-METI follows the feed for it and sends each new entry
# as it stores it. DE-BAFA, which reaches JP-METI only through US-BIS,
# pulls each entry from US-BIS as before (relays are not followed, so
# that each entry comes from whichever partner announces it first). No
# copy is sent twice. An origin that goes away ends the follow; the next
# connection asks again and is followed again.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --node "attest_interval = 0" --node "log_level = debug" \
    --no-address-for DE-BAFA --group WA "JP-METI US-BIS DE-BAFA"
write_config US-BIS --node "attest_interval = 0" --node "log_level = debug" \
    --group WA "JP-METI US-BIS DE-BAFA"
write_config DE-BAFA --node "attest_interval = 0" --node "log_level = debug" \
    --no-address-for JP-METI --group WA "JP-METI US-BIS DE-BAFA"
start_node JP-METI
start_node US-BIS
start_node DE-BAFA
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ] &&
    [ "$(peer_state DE-BAFA US-BIS)" = established ]'

# The Wants of JP-METI/WA in a node's log ("pull FEED A..B from PEER").
pulls() {
	grep -c 'debug repl pull JP-METI/WA ' "$T/$1/lcnd.log" || true
}

# The first entry is pulled: each node asks once.
publish_n JP-METI WA 1
wait_feed DE-BAFA JP-METI WA 1
assert_eq 1 "$(pulls US-BIS)" "US-BIS's Wants for the first entry"
assert_eq 1 "$(pulls DE-BAFA)" "DE-BAFA's Wants for the first entry"

# Five more, one publication at a time, each waited for at DE-BAFA: every
# one is a hop of its own. US-BIS, following the origin, asks for none;
# DE-BAFA asks US-BIS for each.
for i in 2 3 4 5 6; do
	publish_n JP-METI WA 1
	wait_feed DE-BAFA JP-METI WA "$i"
done
assert_eq 1 "$(pulls US-BIS)" "US-BIS's Wants after six entries"
assert_eq 6 "$(pulls DE-BAFA)" "DE-BAFA's Wants after six entries"
assert_log_contains US-BIS 'JP-METI: stored JP-METI/WA 6\.\.6'
# One copy of each entry, no duplicate.
for id in US-BIS DE-BAFA; do
	assert_eq 6 "$(feed_field "$id" JP-METI WA received)" "$id's copies"
	assert_eq 0 "$(feed_field "$id" JP-METI WA duplicates)" \
	    "$id's duplicates"
done

# JP-METI restarts: US-BIS's follow of it ends with the connection, and
# the next connection pulls what it missed and is followed again.
stop_node JP-METI
start_node JP-METI
wait_until 20 '[ "$(peer_state US-BIS JP-METI)" = established ]'
publish_n JP-METI WA 2
wait_feed US-BIS JP-METI WA 8
before=$(pulls US-BIS)
publish_n JP-METI WA 1
wait_feed DE-BAFA JP-METI WA 9
publish_n JP-METI WA 1
wait_feed DE-BAFA JP-METI WA 10
assert_eq "$before" "$(pulls US-BIS)" "US-BIS's Wants once followed again"
for id in US-BIS DE-BAFA; do
	assert_eq 0 "$(feed_field "$id" JP-METI WA duplicates)" \
	    "$id's duplicates at the end"
done

stop_and_verify JP-METI US-BIS DE-BAFA
