# Hostile connections before a session exists (PROTOCOL.md section 2),
# beyond certs.sh: a client that offers only TLS 1.2, plain TCP speaking
# HTTP, a partner certificate that is not valid yet, and one revoked by
# the partner CA's CRL as configured, which takes effect when the new CRL
# is installed and lcnd reloads (SIGHUP): accepted before, refused after,
# while the partner's other certificate still gets in. Each is refused
# with its reason in the log (and, where the certificate names a partner,
# beside that partner in lcn status); US-BIS, a real partner, replicates
# throughout, and the ledgers verify.
. "$(dirname "$0")/lib.sh"

TP=$BIN/lcn-testpeer
[ -x "$TP" ] || fail "$TP not built"

make_agencies JP-METI US-BIS DE-BAFA
# DE-BAFA is played by lcn-testpeer: nobody dials it. JP-METI checks its
# certificates against a copy of its CA's CRL.
cp "$T/DE-BAFA/certs-ca/crl.pem" "$T/JP-METI/de-crl.pem"
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --no-address-for DE-BAFA --group WA "JP-METI US-BIS DE-BAFA"
done
sed -i "\|^ca = $T/DE-BAFA/certs/ca.pem\$|a crl = $T/JP-METI/de-crl.pem" \
    "$T/JP-METI/lcnd.conf"
grep -q "^crl = $T/JP-METI/de-crl.pem" "$T/JP-METI/lcnd.conf" ||
    fail "no crl line in JP-METI's configuration"
start_node JP-METI
start_node US-BIS
wait_until 20 '[ "$(peer_state JP-METI US-BIS)" = established ]'
port=${PORT[JP-METI]}

# lcn-testpeer with CERTDIR's node.pem and node.key (DE-BAFA's name)
# against JP-METI: Hello, and JP-METI's Hello back. Its JSON lines go to
# $T/NAME.out, its exit status to $T/NAME.status.
session() {		# NAME CERTDIR
	local rc=0

	"$TP" --cert "$2/node.pem" --key "$2/node.key" \
	    --ca "$T/JP-METI/certs/ca.pem" --server-id JP-METI \
	    --connect "127.0.0.1:$port" --timeout-scale "$TIMEOUT_SCALE" \
	    >"$T/$1.out" 2>"$T/$1.err" <<<$'hello\nexpect hello' || rc=$?
	echo "$rc" >"$T/$1.status"
}
de_last_error() {
	status_json JP-METI | jq -r '.peers[] | select(.id == "DE-BAFA") |
	    .last_error'
}
# US-BIS still replicates: one more entry of JP-METI's reaches it.
n=0
us_bis_replicates() {
	n=$((n + 1))
	publish_n JP-METI WA 1
	wait_feed US-BIS JP-METI WA "$n"
}
us_bis_replicates

# 1. TLS 1.2 only: a protocol_version alert, and the node says why.
out=$(timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_2 \
    -cert "$T/DE-BAFA/certs/node.pem" -key "$T/DE-BAFA/certs/node.key" \
    -CAfile "$T/JP-METI/certs/ca.pem" </dev/null 2>&1) || true
grep -q "alert protocol version" <<<"$out" ||
    fail "s_client -tls1_2 got no protocol version alert: $out"
wait_until 5 'grep -q "TLS handshake refused: peer does not speak TLS 1.3" \
    "$T/JP-METI/lcnd.log"'
say "TLS 1.2 client: $(grep -o 'alert protocol version' <<<"$out" | head -n 1)"
us_bis_replicates

# 2. Plain TCP speaking HTTP: closed without a byte in answer.
# In a shell of its own: a write to a socket the node closed is SIGPIPE.
got=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" >&3 &&
    head -c 4096 <&3' _ "$port" 2>/dev/null | wc -c) || true
assert_eq 0 "$got" "bytes answered to an HTTP request"
wait_until 5 'grep -q "TLS handshake refused: TLS failure during the handshake: http request" \
    "$T/JP-METI/lcnd.log"'
say "HTTP request: closed, logged as http request"
us_bis_replicates

# 3. DE-BAFA's certificate, issued by its CA, valid from tomorrow.
"$SRC/tests/integration/make-test-cert" --not-yet-valid \
    "$T/DE-BAFA/certs-ca" DE-BAFA "$T/notyet" >/dev/null
session notyet "$T/notyet"
assert_eq 1 "$(cat "$T/notyet.status")" "lcn-testpeer with a not yet valid certificate"
jq -e -s 'any(.[]; .type == "tls_error" or .type == "closed") and
    all(.[]; .type != "hello")' "$T/notyet.out" >/dev/null ||
    fail "not yet valid: $(cat "$T/notyet.out")"
wait_until 5 'de_last_error | grep -q "certificate is not yet valid"'
assert_log_contains JP-METI "TLS handshake refused: certificate of DE-BAFA does not verify against DE-BAFA's CA: certificate is not yet valid"
say "not yet valid: $(de_last_error)"
us_bis_replicates

# 4. A certificate that its CA then revokes. The CRL JP-METI holds does
# not list it yet: accepted. The new CRL installed and a SIGHUP later:
# refused, while DE-BAFA's own certificate still gets in.
"$SRC/tests/integration/make-test-cert" --revoked "$T/DE-BAFA/certs-ca" \
    DE-BAFA "$T/revoked" >/dev/null
session revoked-before "$T/revoked"
assert_eq 0 "$(cat "$T/revoked-before.status")" \
    "the revoked certificate under the old CRL ($(tail -n 2 "$T/revoked-before.out"))"
cp "$T/DE-BAFA/certs-ca/crl.pem" "$T/JP-METI/de-crl.pem.new"
mv "$T/JP-METI/de-crl.pem.new" "$T/JP-METI/de-crl.pem"
reloads=$(grep -c "configuration reloaded" "$T/JP-METI/lcnd.log" || true)
kill -HUP "${NODE_PID[JP-METI]}"
wait_until 10 '[ "$(grep -c "configuration reloaded" "$T/JP-METI/lcnd.log")" -gt "$reloads" ]'
session revoked-after "$T/revoked"
assert_eq 1 "$(cat "$T/revoked-after.status")" "lcn-testpeer with the revoked certificate"
jq -e -s 'all(.[]; .type != "hello")' "$T/revoked-after.out" >/dev/null ||
    fail "the revoked certificate got a Hello: $(cat "$T/revoked-after.out")"
wait_until 5 'de_last_error | grep -q "certificate revoked"'
assert_log_contains JP-METI "TLS handshake refused: certificate of DE-BAFA does not verify against DE-BAFA's CA: certificate revoked"
say "revoked after the reload: $(de_last_error)"
session genuine "$T/DE-BAFA/certs"
assert_eq 0 "$(cat "$T/genuine.status")" \
    "DE-BAFA's own certificate after the reload ($(tail -n 2 "$T/genuine.out"))"
us_bis_replicates

wait_feed_agrees JP-METI WA "$n" JP-METI US-BIS
stop_and_verify JP-METI US-BIS
