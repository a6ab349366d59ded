# Peer identity (PROTOCOL.md section 2): a certificate from the wrong
# partner's CA, a SAN naming another partner, an expired certificate and
# no client certificate are each refused and logged, in both directions,
# while the node keeps serving its real partners.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" --no-partner DE-BAFA \
	    --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_established JP-METI

bad=$T/bad
mkdir -p "$bad"
# Presents CERT and KEY (or no certificate) to JP-METI and says a few bytes.
connect_as() {
	printf 'hello\n' | tls_send JP-METI "$@"
}
refusals() {
	grep -c 'TLS handshake refused' "$T/JP-METI/lcnd.log" || true
}

# A rogue CA issuing a certificate that names US-BIS.
"$SRC/certs/make-agency" US-BIS "$bad/rogue" >/dev/null 2>&1
before=$(refusals)
connect_as "$bad/rogue/node.pem" "$bad/rogue/node.key"
wait_until 10 '[ "$(refusals)" -gt "$before" ]'
assert_log_contains JP-METI "TLS handshake refused: .*(US-BIS|verify|issuer)"

# DE-BAFA is no partner of JP-METI: its genuine certificate is refused.
before=$(refusals)
connect_as "$T/DE-BAFA/certs/node.pem" "$T/DE-BAFA/certs/node.key"
wait_until 10 '[ "$(refusals)" -gt "$before" ]'

# Issued by US-BIS's own CA but naming DE-BAFA in its SAN.
"$(dirname "$0")/make-test-cert" --san-agency DE-BAFA "$T/US-BIS/certs-ca" \
    US-BIS "$bad/wrongsan" >/dev/null
before=$(refusals)
connect_as "$bad/wrongsan/node.pem" "$bad/wrongsan/node.key"
wait_until 10 '[ "$(refusals)" -gt "$before" ]'

# US-BIS's CA, right SAN, but expired yesterday.
"$(dirname "$0")/make-test-cert" --expired "$T/US-BIS/certs-ca" US-BIS \
    "$bad/expired" >/dev/null
before=$(refusals)
connect_as "$bad/expired/node.pem" "$bad/expired/node.key"
wait_until 10 '[ "$(refusals)" -gt "$before" ]'
assert_log_contains JP-METI "TLS handshake refused: .*expired"

# No client certificate at all.
before=$(refusals)
connect_as
wait_until 10 '[ "$(refusals)" -gt "$before" ]'
assert_log_contains JP-METI "TLS handshake refused: .*(no certificate|did not send|without a certificate)"

# Dialling: JP-METI's entry for US-BIS points at a node that answers with
# a valid certificate of another partner (DE-BAFA, now configured as one).
write_config DE-BAFA --node "attest_interval = 0" --group WA "JP-METI US-BIS DE-BAFA"
start_node DE-BAFA
sed -i "s/^address = 127.0.0.1:${PORT[US-BIS]}\$/address = 127.0.0.1:${PORT[DE-BAFA]}/" \
    "$T/JP-METI/lcnd.conf"
stop_node US-BIS
stop_node JP-METI
start_node JP-METI
wait_until 20 "grep -q 'TLS handshake refused' \"$T/JP-METI/lcnd.log\" &&
    [ \"\$(grep -c 'TLS handshake refused' \"$T/JP-METI/lcnd.log\")\" -gt $(refusals) ]"
wait_until 10 '[ -n "$(status_json JP-METI | jq -r ".peers[] | select(.id == \"US-BIS\") | .last_error")" ]'
[ "$(peer_state JP-METI US-BIS)" != established ] ||
    fail "JP-METI established a session with DE-BAFA posing as US-BIS"

# Through all of it the node kept its ledger and answers.
publish_n JP-METI WA 2
assert_eq 2 "$(feed_seq JP-METI JP-METI WA)" "JP-METI's feed"
stop_node DE-BAFA
stop_and_verify JP-METI
