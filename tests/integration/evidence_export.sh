# lcn export REF DIR writes a record's evidence (issue 9): at a partner's
# node, a denial and its amendment, each as the signed entry exactly as
# stored, the signed bytes, the signature, the origin's key and the
# decoded JSON; the exact openssl command of the README verifies each,
# and a flipped byte in the signed bytes, the signature or the stored
# entry's copy of them fails it. The key is the one the entry names;
# unknown refs, a non-empty DIR and a bad --seq are refused.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_established JP-METI

YEAR=$(date -u +%Y)
DN="JP-METI/DN/$YEAR/0001"
jq -n '{regime: "WA", control_basis: "listed_item",
    items: [{control_entry: "3A001.b.1"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co.",
        country: "CN"}],
    destination_country: "CN", decision_date_ms: "2026-11-02"}' \
    >"$T/deny.json"
lcn_at JP-METI deny "$T/deny.json" >/dev/null
lcn_at JP-METI deny-update "$DN" --suspend --reason "court order" >/dev/null
wait_feed US-BIS JP-METI WA 2

VERIFY="openssl pkeyutl -verify -pubin -inkey origin-key.pem -rawin -in signed-bytes.bin -sigfile signature.bin"

# The README carries that exact command.
E="$T/export"
lcn_at US-BIS export "$DN" "$E" >"$T/export.out" ||
    fail "lcn export failed: $(cat "$T/export.out")"
grep -qF "  $VERIFY" "$E/README.txt" ||
    fail "README.txt lacks the command: $(cat "$E/README.txt")"

# check DIR: the exact command, run in DIR, verifies.
check() {
	(cd "$1" && $VERIFY) >"$T/verify.out" 2>&1
	grep -q "^Signature Verified Successfully" "$T/verify.out" ||
	    fail "$1: openssl says: $(cat "$T/verify.out")"
}
check "$E"
sub=$(find "$E" -mindepth 1 -maxdepth 1 -type d)
assert_eq 1 "$(printf '%s\n' "$sub" | grep -c .)" "one subdirectory (the update)"
check "$sub"

# What each file is: the notice at DIR, the update below it.
assert_eq "denial_notice $DN 1" "$(jq -r '"\(.type) \(.body.ref) \(.seq)"' "$E/entry.json")" \
    "entry.json of the notice"
assert_eq "denial_update 2" "$(jq -r '"\(.type) \(.seq)"' "$sub/entry.json")" \
    "entry.json of the update"
assert_eq 64 "$(stat -c %s "$E/signature.bin")" "signature length"
# The signed bytes are "LCN-ENTRY-1", a zero byte, then the entry.
assert_eq "4c434e2d454e5452592d3100" "$(head -c 12 "$E/signed-bytes.bin" | od -An -tx1 | tr -d ' \n')" \
    "signed-bytes.bin prefix"
# ... and both the entry and the signature sit inside the stored copy.
tail -c +13 "$E/signed-bytes.bin" >"$T/entry.bin"
grep -qF "$(od -An -tx1 "$T/entry.bin" | tr -d ' \n')" \
    <(od -An -tx1 "$E/signed-entry.bin" | tr -d ' \n') ||
    fail "the signed entry does not hold the signed bytes"
grep -qF "$(od -An -tx1 "$E/signature.bin" | tr -d ' \n')" \
    <(od -An -tx1 "$E/signed-entry.bin" | tr -d ' \n') ||
    fail "the signed entry does not hold the signature"
# The key is the one the entry names (key id: SHA-256 of the raw key).
kid=$(openssl pkey -pubin -in "$E/origin-key.pem" -outform DER | tail -c 32 |
    sha256sum | cut -d' ' -f1)
assert_eq "$(jq -r .key_id "$E/entry.json")" "$kid" "origin-key.pem's id"

# A flipped byte fails the same command: in the signed bytes (the last
# byte, inside the body) and in the signature.
flip() {	# FILE OFFSET
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(( b ^ 1 )))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
for f in signed-bytes.bin signature.bin; do
	cp -r "$E" "$T/bad"
	flip "$T/bad/$f" $(( $(stat -c %s "$T/bad/$f") - 1 ))
	(cd "$T/bad" && $VERIFY) >"$T/verify.out" 2>&1 &&
	    fail "a flipped byte in $f still verifies"
	grep -q "Signature Verification Failure" "$T/verify.out" ||
	    fail "flipped $f: openssl says: $(cat "$T/verify.out")"
	rm -rf "$T/bad"
done

# --seq: the update alone, into DIR; --json names what was written.
lcn_at US-BIS --json export "$DN" "$T/one" --seq 2 >"$T/one.json"
assert_eq "2 denial_update" "$(jq -r '.entries[] | "\(.seq) \(.type)"' "$T/one.json")" \
    "--seq 2's entries"
check "$T/one"

# Refusals: exit 1 for a missing record and a non-empty DIR, 2 for usage.
# refused EXIT MESSAGE CMD...: lcn exits EXIT with MESSAGE on stderr.
refused() {
	local want=$1 msg=$2 rc=0 out

	shift 2
	out=$("$@" 2>&1) || rc=$?
	assert_eq "$want" "$rc" "exit status of $*"
	grep -qF -- "$msg" <<<"$out" || fail "$*: expected '$msg', got '$out'"
}
refused 1 "no record JP-METI/DN/1999/0009" \
    lcn_at US-BIS export JP-METI/DN/1999/0009 "$T/none"
refused 1 "is not empty" lcn_at US-BIS export "$DN" "$E"
refused 2 "--seq '0'" lcn_at US-BIS export "$DN" "$T/x" --seq 0
refused 1 "has no entry at seq 9" lcn_at US-BIS export "$DN" "$T/y" --seq 9
refused 2 "give REF and DIR" lcn_at US-BIS export "$DN"
[ ! -e "$T/none" ] || fail "a refused export left its directory"

stop_and_verify JP-METI US-BIS
