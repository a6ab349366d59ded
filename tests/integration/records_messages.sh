# The messages a person reads (issue 9): lcn deny's input errors each say
# what is wrong with the file (a directory, an empty file, a byte-order
# mark, a line that is not JSON, a field with its path) and publish
# nothing; errors carry no "(EINVAL)"; under --json an error is one
# {"ok":false,"error":{code,message,field}} object; usage errors exit 2;
# invalid UTF-8 in a screened name says so; `lcn CMD -c FILE` works; lcn
# log filters by --type, --ref, --since DATE and lists --newest first.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI
write_config JP-METI --group WA "JP-METI"
start_node JP-METI
YEAR=$(date -u +%Y)

# says EXIT MESSAGE CMD...: CMD exits EXIT and says MESSAGE, never (E...).
says() {
	local want=$1 msg=$2 rc=0 out

	shift 2
	out=$("$@" 2>&1) || rc=$?
	assert_eq "$want" "$rc" "exit status of $*"
	grep -qF -- "$msg" <<<"$out" || fail "$*: expected '$msg', got '$out'"
	if grep -qE '\(E[A-Z]+\)|API_LINE_MAX|line -1' <<<"$out"; then
		fail "$*: a code for a person: '$out'"
	fi
}

jq -n '{regime: "WA", control_basis: "listed_item",
    items: [{control_entry: "3A001.b.1"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co.",
        country: "CN"}],
    destination_country: "CN", decision_date_ms: "2026-11-02"}' \
    >"$T/deny.json"
mkdir "$T/dir"
: >"$T/empty.json"
printf '\xef\xbb\xbf' >"$T/bom.json"
cat "$T/deny.json" >>"$T/bom.json"
{ jq -c . "$T/deny.json"; echo '{"regime": "WA",'; } >"$T/lines.json"
jq '.parties[0].country = "Japan"' "$T/deny.json" >"$T/japan.json"

says 1 "$T/dir is a directory; expected a JSON file" \
    lcn_at JP-METI deny "$T/dir"
says 1 "$T/empty.json is empty" lcn_at JP-METI deny "$T/empty.json"
says 1 "$T/bom.json starts with a UTF-8 byte-order mark" \
    lcn_at JP-METI deny "$T/bom.json"
says 1 "$T/lines.json line 2: not valid JSON" \
    lcn_at JP-METI deny "$T/lines.json"
says 1 'parties[0].country: expected an ISO 3166-1 alpha-2 code such as JP, got "Japan"' \
    lcn_at JP-METI deny "$T/japan.json"
js=$(lcn_at JP-METI deny --json "$T/japan.json" 2>/dev/null) || true
assert_eq 'false EINVAL parties[0].country' \
    "$(jq -r '"\(.ok) \(.error.code) \(.error.field)"' <<<"$js")" \
    "--json refusal"
js=$(lcn_at JP-METI deny --json "$T/dir" 2>/dev/null) || true
assert_eq 'false null' "$(jq -r '"\(.ok) \(.error.field)"' <<<"$js")" \
    "--json refusal of a directory"
assert_eq 0 "$(feed_seq JP-METI JP-METI WA)" "seq after the refusals"

# Usage: exit 2.
says 2 "which FILE?" lcn_at JP-METI deny
says 2 "option --state needs an argument" lcn_at JP-METI denials --state
says 2 "--at 'tomorrow': expected a date" lcn_at JP-METI show X --at tomorrow
says 2 "which action?" lcn_at JP-METI alert-update X --reason y

# Invalid UTF-8 in a screened name.
says 1 "the name is not valid UTF-8" \
    lcn_at JP-METI screen "$(printf 'Acme \xff Ltd')"

# -c after the command.
"$BIN/lcn" status -c "$T/JP-METI/lcnd.conf" >/dev/null ||
    fail "lcn status -c FILE"
"$BIN/lcn" denials --config="$T/JP-METI/lcnd.conf" --json >/dev/null ||
    fail "lcn denials --config=FILE"

# lcn log's filters.
lcn_at JP-METI deny "$T/deny.json" >/dev/null
lcn_at JP-METI deny "$T/deny.json" >/dev/null
lcn_at JP-METI deny-update "JP-METI/DN/$YEAR/0001" --suspend \
    --reason "court order" >/dev/null
assert_eq "JP-METI/DU/$YEAR/0001" "$(log_refs JP-METI --type denial_update)" \
    "log --type denial_update"
assert_eq "JP-METI/DN/$YEAR/0001
JP-METI/DU/$YEAR/0001" "$(log_refs JP-METI --ref "JP-METI/DN/$YEAR/0001")" \
    "log --ref"
assert_eq "JP-METI/DU/$YEAR/0001" "$(log_refs JP-METI --newest --limit 1)" \
    "log --newest --limit 1"
assert_eq 3 "$(log_refs JP-METI --since 2020-01-01 | wc -l)" \
    "log --since DATE"
assert_eq 0 "$(log_refs JP-METI --since 2099-01-01 | wc -l)" \
    "log --since a later DATE"
assert_eq "JP-METI/DU/$YEAR/0001" "$(log_refs JP-METI --since-seq 2)" \
    "log --since-seq 2"
# JSON lines: one ref printed per body, in order.
{ jq -c . "$T/deny.json"; jq -c . "$T/deny.json"; } >"$T/two.json"
assert_eq "JP-METI/DN/$YEAR/0003 JP-METI/WA seq 4
JP-METI/DN/$YEAR/0004 JP-METI/WA seq 5" \
    "$(lcn_at JP-METI deny "$T/two.json")" "lcn deny of JSON lines"
stop_and_verify JP-METI
