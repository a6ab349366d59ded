# lcn publish sends each body as the base64 of the protobuf bytes it
# encoded while checking the file ("encoded"), and lcnd validates those
# bytes without parsing JSON again. lcnd must then refuse, with nothing
# published, what the JSON path could never have made: text that is not
# canonical base64, a field it does not know (at the top of the entry or
# inside the body), a body with lcnd's own header fields set; one bad
# body refuses its whole request. The JSON "bodies" form still works,
# and a request with both forms is refused.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
write_config JP-METI --node "attest_interval = 0" --no-address-for US-BIS \
    --group WA "JP-METI US-BIS"
start_node JP-METI
sock=$(node_socket JP-METI)
command -v socat >/dev/null || fail "socat not found: run ops/setup"

# What lcn publish sends, caught on a socket of our own: its "encoded".
make_bodies JP-METI 1 2 >"$T/two.jsonl"
socat UNIX-LISTEN:"$T/catch.sock" SYSTEM:"head -n 1 >'$T/req.json'" &
catcher=$!
wait_until 5 "[ -S '$T/catch.sock' ]"
"$BIN/lcn" -s "$T/catch.sock" publish --group WA "$T/two.jsonl" \
    >/dev/null 2>&1 || true
wait "$catcher" || true
jq -e '.cmd == "publish" and .group == "WA" and (.encoded | length) == 2
    and (has("bodies") | not)' "$T/req.json" >/dev/null ||
    fail "lcn publish did not send its bodies encoded: $(head -c 300 \
    "$T/req.json")"
B1=$(jq -r '.encoded[0]' "$T/req.json")
B2=$(jq -r '.encoded[1]' "$T/req.json")

# ask JSON: one request line to lcnd, its answer line.
ask() {
	perl -MIO::Socket::UNIX -e '
	    my $c = IO::Socket::UNIX->new(Type => 1, Peer => $ARGV[0])
	        or die "connect: $!";
	    print $c $ARGV[1], "\n";
	    my $l = <$c>;
	    print $l;' "$sock" "$1"
}

# with_bytes B64 PERL: B64 decoded, changed by PERL (on $b), encoded.
with_bytes() {
	perl -MMIME::Base64 -e '
	    my $b = decode_base64($ARGV[0]);
	    eval $ARGV[1]; die $@ if $@;
	    print encode_base64($b, "");' "$1" "$2"
}

# refused MESSAGE ENCODED...: lcnd refuses the request with MESSAGE in
# its error, and the feed does not move.
refused() {
	local msg=$1 before out list

	shift
	list=$(printf '"%s",' "$@")
	before=$(feed_seq JP-METI JP-METI WA)
	out=$(ask "{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[${list%,}]}")
	jq -e '.ok == false' <<<"$out" >/dev/null ||
	    fail "published: expected a refusal with '$msg', got '$out'"
	grep -qF -- "$msg" <<<"$out" ||
	    fail "expected '$msg', got '$out'"
	assert_eq "$before" "$(feed_seq JP-METI JP-METI WA)" \
	    "seq after a refusal"
}

refused 'bodies[0]: body: expected the base64 of an encoded body' 'not base64!'
refused 'bodies[1]: body: expected the base64 of an encoded body' "$B1" "${B2%?}"
refused 'bodies[0]: body: expected the base64 of an encoded body' "$B1 "
# Field 999 (varint 1) after the body: a field lcnd does not know.
refused 'bodies[0]: body: has a field numbered 999 that this lcnd does not know' \
    "$(with_bytes "$B1" '$b .= "\xb8\x3e\x01"')"
# The same inside the denial notice (field 10): its length grows by 3.
inner() {
	with_bytes "$1" '
	    my ($tag, $rest) = (substr($b, 0, 1), substr($b, 1));
	    die "not a denial notice" unless $tag eq "\x52";
	    my ($len, $shift, $i) = (0, 0, 0);
	    while (1) { my $c = ord(substr($rest, $i++, 1));
	        $len |= ($c & 127) << $shift; $shift += 7; last if $c < 128; }
	    my $body = substr($rest, $i, $len) . "\xb8\x3e\x01";
	    die "trailing bytes" if length($rest) != $i + $len;
	    my $n = length($body); my $v = "";
	    while ($n >= 128) { $v .= chr(($n & 127) | 128); $n >>= 7; }
	    $b = $tag . $v . chr($n) . $body;'
}
refused 'bodies[0]: body: has a field numbered 999 that this lcnd does not know' \
    "$(inner "$B1")"
# seq = 7 (field 3, varint) ahead of the body: lcnd writes it itself.
refused 'bodies[0]: body: expected a body alone' \
    "$(with_bytes "$B1" '$b = "\x18\x07" . $b')"
# A good body and a bad one: the request publishes nothing.
refused 'bodies[1]: body: has a field numbered 999' "$B1" \
    "$(with_bytes "$B2" '$b .= "\xb8\x3e\x01"')"
# Both forms at once.
out=$(ask "{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"$B1\"],\"bodies\":[$(head -n 1 "$T/two.jsonl")]}")
grep -qF 'either \"bodies\" (array of objects) or \"encoded\"' <<<"$out" ||
    fail "both forms: got '$out'"
assert_eq 0 "$(feed_seq JP-METI JP-METI WA)" "seq after the refusals"

# What lcn sent publishes, as lcn publish itself does.
out=$(ask "{\"cmd\":\"publish\",\"group\":\"WA\",\"encoded\":[\"$B1\",\"$B2\"]}")
jq -e '.ok == true and .first_seq == 1 and .last_seq == 2' <<<"$out" \
    >/dev/null || fail "the caught request: got '$out'"
# The JSON form still publishes.
out=$(ask "{\"cmd\":\"publish\",\"group\":\"WA\",\"bodies\":[$(make_bodies JP-METI 3 1)]}")
jq -e '.ok == true and .first_seq == 3' <<<"$out" >/dev/null ||
    fail "the JSON form: got '$out'"
make_bodies JP-METI 4 3 >"$T/three.jsonl"
publish_file JP-METI WA "$T/three.jsonl"
assert_eq 6 "$(feed_seq JP-METI JP-METI WA)" "seq at the end"
assert_eq "JP-METI/DN/2026/0000001
JP-METI/DN/2026/0000002
JP-METI/DN/2026/0000003
JP-METI/DN/2026/0000004
JP-METI/DN/2026/0000005
JP-METI/DN/2026/0000006" "$(log_refs JP-METI --feed JP-METI/WA)" "refs"
stop_and_verify JP-METI
say "ok"
