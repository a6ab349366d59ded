# lcn check fails closed and answers with its exit status: an application
# that names a country other than by its ISO 3166-1 alpha-2 code, or that
# lacks items, parties or a destination, is an error naming the field
# (exit 1, never a clean answer); a matching application exits 3 and a
# clean one 0. A result names the denial's feed (origin and group), and
# the agency's own denial is in its own check, marked as its own. Then
# lcn import-list of a large list runs while lcnd keeps answering, and a
# screen during the import sees the old list or the new one, never part
# of one.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS
for id in JP-METI US-BIS; do
	write_config "$id" --node "attest_interval = 0" --group WA "JP-METI US-BIS"
done
start_node JP-METI
start_node US-BIS
wait_established JP-METI

cat >"$T/denial.json" <<'JSON'
{"denial_notice": {"ref": "JP-METI/DN/2026/0001", "regime": "WA",
  "control_basis": "listed_item", "items": [{"control_entry": "3A001.b.1"}],
  "parties": [{"role": "end_user",
    "name": "Nanhai Hengtai Microwave Technology Co., Ltd.", "country": "AE"}],
  "destination_country": "AE", "decision_date_ms": "2026-11-02"}}
JSON
publish_file JP-METI WA "$T/denial.json"
wait_feed US-BIS JP-METI WA 1

# app FILE PARTY_COUNTRY DESTINATION: an application for the denied party.
app() {
	printf '{"items": [{"control_entry": "3A001.b"}], "parties": [{"role": "end_user", "name": "Hengtai Microwave Co., Ltd", "country": "%s"}], "destination_country": "%s"}\n' \
	    "$2" "$3" >"$1"
}

# check FILE [ARG...]: runs lcn check at US-BIS; $rc, $T/out, $T/err.
check() {
	local f=$1

	shift
	rc=0
	lcn_at US-BIS check "$@" "$f" >"$T/out" 2>"$T/err" || rc=$?
}

# refused FILE MESSAGE: exit 1, MESSAGE on stderr, no answer on stdout.
refused() {
	check "$1"
	assert_eq 1 "$rc" "exit status for $(cat "$1")"
	grep -qF -- "$2" "$T/err" ||
	    fail "lcn check $(cat "$1"): expected '$2' on stderr, got '$(cat "$T/err")'"
	if grep -q 'concerns this application' "$T/out"; then
		fail "lcn check $(cat "$1") gave a clean answer"
	fi
}

app "$T/uae.json" "United Arab Emirates" AE
refused "$T/uae.json" 'parties[0].country: expected an ISO 3166-1 alpha-2 code such as AE, got "United Arab Emirates"'
app "$T/are.json" ARE AE
refused "$T/are.json" 'parties[0].country: expected an ISO 3166-1 alpha-2 code such as AE, got "ARE"'
app "$T/japan.json" AE Japan
refused "$T/japan.json" 'destination_country: expected an ISO 3166-1 alpha-2 code such as AE, got "Japan"'
echo '{}' >"$T/empty.json"
refused "$T/empty.json" 'items: expected at least one item with a control_entry'
echo '{"items": [{"control_entry": "3A001.b"}], "destination_country": "AE"}' \
    >"$T/noparty.json"
refused "$T/noparty.json" 'parties: expected at least one party with a name'

# --json: the error as an object naming the field.
check "$T/uae.json" --json
assert_eq 1 "$rc" "exit status with --json"
assert_eq 'false EINVAL parties[0].country' \
    "$(jq -r '"\(.ok) \(.error.code) \(.error.field)"' "$T/out")" "--json error"
jq -e '.error.message | startswith("parties[0].country: expected")' \
    "$T/out" >/dev/null || fail "--json error message: $(cat "$T/out")"

# The same application with AE concerns a denial: exit 3; elsewhere, 0.
app "$T/ae.json" AE AE
check "$T/ae.json"
assert_eq 3 "$rc" "exit status of a matching application"
grep -q 'JP-METI/DN/2026/0001' "$T/out" || fail "the denial is not listed"
check "$T/ae.json" --json
assert_eq 3 "$rc" "exit status of a matching application with --json"
assert_eq JP-METI/DN/2026/0001 "$(jq -r '.results[0].ref' "$T/out")" "--json result"
# The result names the denial's feed, its group whose profile applies.
assert_eq "JP-METI WA false" "$(jq -r '.results[0] |
    "\(.agency) \(.group) \(.own)"' "$T/out")" "the partner's denial's feed"
# JP-METI's own check finds its own denial too, marked as its own, with
# no consultation to ask of anyone; still a match (exit 3).
rc=0
lcn_at JP-METI check --json "$T/ae.json" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 3 "$rc" "exit status of a check against the agency's own denial"
assert_eq "JP-METI/DN/2026/0001 WA true none 0" "$(jq -r '"\(.results[0] |
    "\(.ref) \(.group) \(.own) \(.consult)") \(.consultations_required)"' \
    "$T/out")" "the agency's own denial"
jq -e '.results[0].consult_reason | test("own denial")' "$T/out" \
    >/dev/null || fail "own denial's reason: $(cat "$T/out")"
app "$T/om.json" AE OM
check "$T/om.json"
assert_eq 0 "$rc" "exit status of a clean application"
grep -q 'no active partner denial or alert concerns this application' \
    "$T/out" || fail "the clean answer is missing: $(cat "$T/out")"

# lcn import-list beside everything else: lcnd parses on its thread pool
# and writes in steps, answering status meanwhile; a screen during the
# import finds the old list whole or the new one whole.
mkdir "$T/small"
echo '9999901,"ZYZZYVA OLDCO TRADING",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ' \
    >"$T/small/sdn.csv"
lcn_at US-BIS import-list ofac-sdn "$T/small/sdn.csv" >/dev/null
# list_hits NAME: hits of NAME among imported lists.
list_hits() {
	lcn_at US-BIS --json screen "$1" --min-score 0.95 |
	    jq '[.hits[] | select(.source == "list")] | length'
}
# which: "old", "new", "switching" or what else three screens saw, one
# after the other: the new list's last party, its first, the old list's.
# Rows are written in file order, so part of the new list would show as
# its first party without its last; and once the new list is seen the
# old one must be gone.
which() {
	local last first old

	last=$(list_hits 'DJIBO, Ousmane Illiassou')
	first=$(list_hits 'AEROCARIBBEAN AIRLINES')
	old=$(list_hits 'ZYZZYVA OLDCO TRADING')
	case "$last $first $old" in
	"0 0 1") echo old ;;
	"1 1 0") echo new ;;
	"0 0 0"|"0 1 0") echo switching ;;
	*) echo "last=$last first=$first old=$old" ;;
	esac
}
assert_eq old "$(which)" "the small list"
lcn_at US-BIS import-list ofac-sdn "$LCN_SOURCE_DIR/tests/data/sdn.csv" \
    >"$T/import.out" &
import=$!
slowest=0 round=0 polls=0 seen=""
while kill -0 "$import" 2>/dev/null; do
	t0=$(now_ms)
	status_json US-BIS >/dev/null
	t=$(($(now_ms) - t0))
	[ "$t" -gt "$slowest" ] && slowest=$t
	w=$(which)
	t=$(($(now_ms) - t0))
	[ "$t" -gt "$round" ] && round=$t
	case "$w" in
	old|new|switching) seen="$seen $w" ;;
	*) fail "a screen during the import saw part of a list: $w" ;;
	esac
	polls=$((polls + 1))
done
wait "$import" || fail "lcn import-list failed: $(cat "$T/import.out")"
grep -q '^imported ofac-sdn' "$T/import.out" ||
    fail "lcn import-list answered: $(cat "$T/import.out")"
assert_eq new "$(which)" "after the import"
say "during the import: $polls polls, slowest status ${slowest} ms," \
    "slowest status and three screens ${round} ms, saw:$seen"
[ "$slowest" -lt $((2000 * TIMEOUT_SCALE)) ] ||
    fail "lcn status took ${slowest} ms during the import"

stop_and_verify JP-METI US-BIS
