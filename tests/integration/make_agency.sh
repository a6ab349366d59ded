# certs/make-agency keeps the CA key off the node and confines the CA to
# its agency (certs/README.md): the node's directory never holds ca.key,
# the offline steps (--ca-only, --request, --sign) give a certificate that
# verifies, the CA carries critical name constraints, and a certificate it
# issued for another agency's subject, or with a DNS name or an IP address,
# does not verify against it.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI
certs=$T/JP-METI/certs
[ ! -e "$certs/ca.key" ] || fail "the node's directory holds ca.key"
[ -f "$certs-ca/ca.key" ] || fail "no CA key in $certs-ca"
openssl verify -CAfile "$certs/ca.pem" "$certs/node.pem" >/dev/null ||
    fail "node.pem does not verify against ca.pem"
san=$(openssl x509 -in "$certs/node.pem" -noout -ext subjectAltName |
    tail -n 1 | tr -d ' ')
assert_eq "URI:urn:lcn:agency:JP-METI" "$san" "node certificate's SAN"
openssl x509 -in "$certs/ca.pem" -noout -text |
    grep -A 1 'Name Constraints: critical' | grep -q 'Permitted' ||
    fail "the CA has no critical name constraints"

# A node directory that holds a CA key is refused.
if "$SRC/certs/make-agency" --ca-dir "$certs-ca" JP-METI "$certs-ca" \
    >/dev/null 2>&1; then
	fail "make-agency took the CA's directory as the node's"
fi

# The offline procedure: CA, request, signature, each in its place.
"$SRC/certs/make-agency" --ca-only US-BIS "$T/offline-ca" 2>/dev/null
"$SRC/certs/make-agency" --request US-BIS "$T/us-node" 2>/dev/null
[ -f "$T/us-node/node.csr" ] && [ ! -e "$T/us-node/node.pem" ] ||
    fail "--request made no request, or a certificate"
"$SRC/certs/make-agency" --sign "$T/us-node/node.csr" \
    --ca-dir "$T/offline-ca" US-BIS "$T/us-node" 2>/dev/null
openssl verify -CAfile "$T/us-node/ca.pem" "$T/us-node/node.pem" \
    >/dev/null || fail "the signed request does not verify"
[ ! -e "$T/us-node/ca.key" ] || fail "--sign left ca.key in the node's dir"

# The CA's constraints at work: JP-METI's CA signing outside its names.
cnf=$certs-ca/ca-db/openssl.cnf
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/x.key" 2>/dev/null
openssl req -new -key "$T/x.key" -subj "/O=LCN/OU=US-BIS/CN=x" \
    -out "$T/x.csr" 2>/dev/null
printf '[e]\nsubjectAltName = URI:urn:lcn:agency:US-BIS\n' >"$T/e.cnf"
printf '[e]\nsubjectAltName = URI:urn:lcn:agency:JP-METI,DNS:lcn.example\n' \
    >"$T/dns.cnf"
printf '[e]\nsubjectAltName = URI:urn:lcn:agency:JP-METI,IP:127.0.0.1\n' \
    >"$T/ip.cnf"
sign() {	# EXTFILE SUBJECT OUT
	openssl ca -config "$cnf" -batch -notext -rand_serial -days 1 \
	    -policy lcn_policy -extfile "$1" -extensions e -subj "$2" \
	    -in "$T/x.csr" -out "$3" >/dev/null 2>&1 ||
	    fail "openssl ca could not sign $3"
}
sign "$T/e.cnf" "/O=LCN/OU=US-BIS/CN=x" "$T/other.pem"
sign "$T/dns.cnf" "/O=LCN/OU=JP-METI/CN=x" "$T/dns.pem"
sign "$T/ip.cnf" "/O=LCN/OU=JP-METI/CN=x" "$T/ip.pem"
for f in other dns ip; do
	if out=$(openssl verify -CAfile "$certs/ca.pem" "$T/$f.pem" 2>&1); then
		fail "$f.pem verifies against JP-METI's CA"
	fi
	[[ $out == *subtree* ]] || fail "$f.pem refused, not by name: $out"
done
