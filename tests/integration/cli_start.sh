# What an lcn call does before it asks lcnd anything (issue 9: whole CLI
# calls under 20 ms): it reads lcnd's configuration for the socket only,
# without parsing the certificates and keys the file names (lcnd checks
# them), and it starts OpenSSL only for the commands that hash or check
# signatures (verify, export). Starting OpenSSL and parsing the partners'
# certificates were most of the CPU of a short call. Shown from outside:
# under an OpenSSL configuration that OpenSSL refuses, status, queries,
# deny and help still work while verify says it cannot start OpenSSL;
# and a partner's CA file made unreadable as a certificate after lcnd
# loaded it stops lcnd --check-config but not lcn -c FILE status.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --group WA "JP-METI US-BIS"
write_config US-BIS --group WA "JP-METI US-BIS"
start_node JP-METI
start_node US-BIS
wait_established JP-METI
YEAR=$(date -u +%Y)
conf=$T/JP-METI/lcnd.conf

# A provider that does not exist, to be activated: OpenSSL's start fails.
cat >"$T/openssl-broken.cnf" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
lcn_test_missing = missing_sect
[missing_sect]
activate = 1
EOF
broken() {
	OPENSSL_CONF=$T/openssl-broken.cnf "$BIN/lcn" "$@"
}

# The premise: with it, a command that hashes cannot start OpenSSL.
rc=0
out=$(broken verify --data-dir "$T/JP-METI/data" 2>&1) || rc=$?
assert_eq 1 "$rc" "lcn verify's exit under a refused OpenSSL configuration"
grep -qF "OpenSSL" <<<"$out" || fail "lcn verify: expected OpenSSL named, got '$out'"

jq -n '{regime: "WA", control_basis: "listed_item",
    items: [{control_entry: "3A001.b.1"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co.",
        country: "CN"}],
    destination_country: "CN", decision_date_ms: "2026-11-02"}' \
    >"$T/deny.json"
ref=$(broken -c "$conf" deny "$T/deny.json" 2>&1) ||
    fail "lcn deny under a refused OpenSSL configuration: $ref"
assert_eq "JP-METI/DN/$YEAR/0001 JP-METI/WA seq 1" "$ref" "lcn deny"
for args in "status" "--json status" "denials" "alerts" "controls" \
    "show JP-METI/DN/$YEAR/0001" "receipts JP-METI/DN/$YEAR/0001" \
    "log" "help" "--version"; do
	# shellcheck disable=SC2086  # the words of args are the arguments
	out=$(broken -c "$conf" $args 2>&1) ||
	    fail "lcn $args under a refused OpenSSL configuration: $out"
done
denials=$(broken -c "$conf" --json denials | jq -r '.records[].ref')
assert_eq "JP-METI/DN/$YEAR/0001" "$denials" "lcn denials"

# The partner's CA, made unreadable as a certificate after lcnd loaded it.
ca=$T/US-BIS/certs/ca.pem
cp "$ca" "$T/ca.saved"
echo "not a certificate" >"$ca"
rc=0
out=$("$BIN/lcnd" -c "$conf" --check-config 2>&1) || rc=$?
[ "$rc" != 0 ] || fail "lcnd --check-config took a CA that is not one"
grep -qF "ca: " <<<"$out" || fail "lcnd --check-config: expected the ca line named, got '$out'"
out=$(lcn_at JP-METI status 2>&1) ||
    fail "lcn -c FILE status read the partner's CA: $out"
cp "$T/ca.saved" "$ca"
"$BIN/lcnd" -c "$conf" --check-config >/dev/null ||
    fail "lcnd --check-config after the CA was put back"

stop_and_verify JP-METI US-BIS
