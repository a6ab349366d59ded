# SIGHUP rereads the partner directory (PROTOCOL.md section 2): a partner
# added to the configuration is dialled and replicated with at once, a
# broken file is refused while the node keeps running on the old one.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
write_config JP-METI --node "attest_interval = 0" --no-partner DE-BAFA \
    --group WA "JP-METI US-BIS"
write_config US-BIS --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA"
write_config DE-BAFA --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA"
start_node JP-METI
start_node US-BIS
start_node DE-BAFA
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
assert_eq absent "$(peer_state JP-METI DE-BAFA)" "DE-BAFA before the reload"
publish_n JP-METI WA 2
wait_feed US-BIS JP-METI WA 2

# A broken file: refused, logged, nothing changes.
cp "$T/JP-METI/lcnd.conf" "$T/JP-METI/lcnd.conf.good"
echo "bogus_key = 1" >>"$T/JP-METI/lcnd.conf"
kill -HUP "${NODE_PID[JP-METI]}"
wait_until 10 "grep -q 'reload refused' '$T/JP-METI/lcnd.log'"
assert_log_contains JP-METI "reload refused.*lcnd.conf:[0-9]+: expected"
cp "$T/JP-METI/lcnd.conf.good" "$T/JP-METI/lcnd.conf"	# for lcn -c
assert_eq established "$(peer_state JP-METI US-BIS)" "US-BIS after a refused reload"

# DE-BAFA joins JP-METI's directory and WA.
write_config JP-METI --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA"
kill -HUP "${NODE_PID[JP-METI]}"
wait_until 20 '[ "$(peer_state JP-METI DE-BAFA)" = established ]'
publish_n DE-BAFA WA 3
wait_feed JP-METI DE-BAFA WA 3
wait_feed DE-BAFA JP-METI WA 2

stop_and_verify JP-METI US-BIS DE-BAFA
