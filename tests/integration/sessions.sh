# Sessions are verified again, not only at their handshake (PROTOCOL.md
# section 2): a partner certificate revoked by a CRL installed with SIGHUP
# loses its open session at once and cannot come back; one that expires
# during a session, and a partner CRL that expires during one, are caught
# by the periodic re-check (shortened here with LCN_TEST_RECHECK_MS). The
# partner's CRL shows in lcn status while its nextUpdate is near, and why
# the partner is refused once it has passed.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "JP-METI US-BIS"
done

# US-BIS's CA: its openssl ca configuration, written by make-agency.
ca_cnf=$(find "$T/US-BIS" -path '*ca-db/openssl.cnf' | head -n 1)
[ -n "$ca_cnf" ] || fail "no ca-db/openssl.cnf under $T/US-BIS/certs"
ossl() {
	local out

	out=$(openssl "$@" 2>&1) || fail "openssl $1 failed: $out"
}
utc() {
	date -u -d "$1" +%Y%m%d%H%M%SZ
}
# A new CRL of US-BIS's CA into FILE, with more openssl ca options.
us_crl() {		# FILE OPTION...
	local f=$1

	shift
	ossl ca -config "$ca_cnf" -batch -gencrl -crlexts crl_ext "$@" \
	    -out "$f"
}
# Re-issues US-BIS's node certificate from its key, with VALIDITY options.
us_reissue() {		# VALIDITY-OPTION...
	ossl req -config "$ca_cnf" -new -key "$T/US-BIS/certs/node.key" \
	    -subj "/O=LCN/OU=US-BIS/CN=US-BIS node" -out "$T/us.csr"
	ossl ca -config "$ca_cnf" -batch -notext -rand_serial \
	    -extensions node_ext "$@" -in "$T/us.csr" \
	    -out "$T/US-BIS/certs/node.pem"
}
# JP-METI's [partner US-BIS] gets crl = FILE.
jp_trusts_crl() {	# FILE
	sed -i "\|^ca = $T/US-BIS/certs/ca.pem\$|a crl = $1" \
	    "$T/JP-METI/lcnd.conf"
}
us_field() {		# FIELD: of US-BIS in JP-METI's status
	status_json JP-METI | jq -r --arg f "$1" \
	    '.peers[] | select(.id == "US-BIS") | .[$f]'
}
refusals() {
	grep -c 'TLS handshake refused' "$T/JP-METI/lcnd.log" || true
}

# 1. Revoked while connected; the new CRL installed with SIGHUP. The CRL
# is due in 3 days, inside crl_warn_days (7 by default).
start_node JP-METI
start_node US-BIS
wait_established JP-METI
publish_n JP-METI WA 1
wait_feed US-BIS JP-METI WA 1

ossl ca -config "$ca_cnf" -batch -revoke "$T/US-BIS/certs/node.pem" \
    -crl_reason keyCompromise
us_crl "$T/JP-METI/us-crl.pem" -crldays 3
jp_trusts_crl "$T/JP-METI/us-crl.pem"
before=$(refusals)
kill -HUP "${NODE_PID[JP-METI]}"
wait_until 1 '[ "$(peer_state JP-METI US-BIS)" != established ]'
say "revoked session closed after the reload"
assert_log_contains JP-METI "US-BIS: session closed on reload: certificate of US-BIS does not verify against US-BIS's CA: certificate revoked"
wait_until 5 '[ "$(peer_state US-BIS JP-METI)" != established ]'
assert_eq due "$(us_field crl)" "US-BIS's CRL in JP-METI's status"
us_field crl_note | grep -Eq '^CRL expires [0-9]{4}-[0-9]{2}-[0-9]{2} \(nextUpdate, in 3 days\)' ||
    fail "crl_note: $(us_field crl_note)"
assert_log_contains JP-METI "US-BIS: CRL expires .* in 3 days"
lcn_at JP-METI status | grep -q "US-BIS: CRL expires" ||
    fail "lcn status does not show US-BIS's CRL: $(lcn_at JP-METI status)"

# Not re-established: both sides keep dialling and every handshake is
# refused (US-BIS's dials at JP-METI, JP-METI's at US-BIS).
wait_until 20 '[ "$(refusals)" -ge $((before + 2)) ]'
assert_log_contains JP-METI "TLS handshake refused: certificate of US-BIS does not verify against US-BIS's CA: certificate revoked"
[ "$(peer_state JP-METI US-BIS)" != established ] ||
    fail "the revoked certificate is back in session"
publish_n JP-METI WA 1
sleep 1
assert_eq 1 "$(feed_seq US-BIS JP-METI WA)" "JP-METI/WA at US-BIS after revocation"
stop_node US-BIS
stop_node JP-METI

# 2. A certificate that expires during the session, under a re-check
# every 500 ms: the session is closed once it has expired, not before.
life=$((20 * TIMEOUT_SCALE))
# One clock reading for both, so that a slow openssl cannot make the
# certificate end before the time the test then expects.
expires=$(($(date +%s) + life))
us_reissue -startdate "$(utc '1 minute ago')" -enddate "$(utc "@$expires")"
export LCN_TEST_RECHECK_MS=500
start_node JP-METI
start_node US-BIS
unset LCN_TEST_RECHECK_MS
wait_established JP-METI
[ "$(date +%s)" -lt "$expires" ] || fail "too slow to test expiry"
wait_until $((life + 10)) '[ "$(peer_state JP-METI US-BIS)" != established ]'
[ "$(date +%s)" -ge "$expires" ] ||
    fail "the session closed before the certificate expired"
say "expired session closed by the re-check"
assert_log_contains JP-METI "US-BIS: session closed on re-check: certificate of US-BIS does not verify against US-BIS's CA: certificate has expired"
stop_node US-BIS

# 3. The partner's CRL expires during a session: refused from then on,
# and lcn status says why.
us_reissue -days 2
us_crl "$T/JP-METI/us-crl.pem" -crlsec $((8 * TIMEOUT_SCALE))
start_node US-BIS
kill -HUP "${NODE_PID[JP-METI]}"
wait_established JP-METI
wait_until $((8 * TIMEOUT_SCALE + 10)) \
    '[ "$(peer_state JP-METI US-BIS)" != established ]'
assert_log_contains JP-METI "US-BIS: session closed on re-check: .*CRL has expired"
wait_until 5 '[ "$(us_field crl)" = expired ]'
us_field crl_note | grep -Eq '^CRL expired [0-9]{4}-[0-9]{2}-[0-9]{2}: every certificate of US-BIS is refused' ||
    fail "crl_note: $(us_field crl_note)"
assert_log_contains JP-METI "US-BIS: CRL expired "
lcn_at JP-METI status | grep -q "US-BIS: CRL expired" ||
    fail "lcn status does not say US-BIS's CRL expired"

stop_and_verify JP-METI US-BIS
