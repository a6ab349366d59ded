# Under --json every failure of every lcn command is one JSON object on
# stdout, {"ok":false,"error":{"code","message","field"}}, with the same
# message in words on stderr (issue 9), and --json works before the
# command name as well as after it. For each command of `lcn help --json`:
# an unknown option and a usage error (exit 2, code "usage", the option
# or argument at fault as field), a missing argument, an unreachable
# socket (code "unreachable"), and a request lcnd refuses (a caller
# without a role, and field errors that lcnd names), each exit 1. Then
# the failures before any command: no command, an unknown one, a
# configuration that cannot be read, no socket named; and lcn help --json.
# A command added later without cases here still gets the generic ones.
. "$(dirname "$0")/lib.sh"

command -v setpriv >/dev/null || fail "needs setpriv (util-linux)"
[ "$(id -u)" = 0 ] || fail "needs root, to ask as a uid without a role"

make_agencies JP-METI
# A caller without a role reaches the socket through group 0, the
# socket's group without [access], and is refused by lcnd: that gives
# every online command a refusal, whatever it asks.
chmod 711 "$T"
RUN=$T/run
mkdir -m 750 "$RUN"
cp "$BIN/lcn" "$RUN/lcn"
chmod 755 "$RUN/lcn"
SOCK=$RUN/lcnd.sock
write_config JP-METI --node "attest_interval = 0" --node "socket = $SOCK" \
    --group WA "JP-METI"
start_node JP-METI
YEAR=$(date -u +%Y)
REF=JP-METI/DN/$YEAR/0099	# never published
REQ=US-BIS/CR/$YEAR/0099	# a consultation never asked

jq -n '{regime: "WA", control_basis: "listed_item",
    items: [{control_entry: "3A001.b.1"}],
    parties: [{role: "end_user", name: "Hengtai Microwave Co.",
        country: "CN"}],
    destination_country: "CN", decision_date_ms: "2026-11-02"}' \
    >"$RUN/deny.json"
jq '.parties[0].country = "Japan"' "$RUN/deny.json" >"$RUN/japan.json"
jq '{denial_notice: .}' "$RUN/deny.json" >"$RUN/body.json"
jq -n '{parties: [{role: "end_user", name: "Orion Gulf Trading FZE",
    country: "AE"}], concerns: ["diversion"]}' >"$RUN/alert.json"
jq -n '{items: [{control_entry: "3A001.b"}], parties: [{role: "end_user",
    name: "Hengtai Microwave Co.", country: "CN"}],
    destination_country: "Japan"}' >"$RUN/app.json"
jq -n '{information: "the end user is a university"}' >"$RUN/info.json"
cp "$SRC/tests/data/dpl.txt" "$RUN/dpl.txt"
chmod 644 "$RUN"/*.json "$RUN/dpl.txt"

# As root at JP-METI; through a socket nobody listens on; as uid 4001.
lcn_ok() { "$RUN/lcn" -s "$SOCK" "$@"; }
lcn_nowhere() { "$RUN/lcn" -s "$RUN/nowhere.sock" "$@"; }
lcn_norole() {
	setpriv --reuid=4001 --regid=0 --clear-groups "$RUN/lcn" -s "$SOCK" \
	    "$@"
}

# fails WHAT EXIT CODE FIELD CMD...: CMD exits EXIT, prints exactly one
# JSON value on stdout, {"ok": false, "error": {...}} with that code and
# field ("null": none) and a message in words, and that message on
# stderr after "lcn: ".
fails() {
	local what=$1 want=$2 code=$3 field=$4 rc=0 n got msg

	shift 4
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$want" ] || fail "$what: exit $rc, expected $want" \
	    "(stdout: $(cat "$T/out"); stderr: $(cat "$T/err"))"
	n=$(jq -s length "$T/out" 2>/dev/null) ||
	    fail "$what: stdout is not JSON: $(cat "$T/out")"
	[ "$n" = 1 ] || fail "$what: $n JSON values on stdout: $(cat "$T/out")"
	got=$(jq -r '[.ok, (.error | type), .error.code,
	    (.error.field // "null"), (.error.message | type)]
	    | map(tostring) | join(" ")' "$T/out")
	assert_eq "false object $code $field string" "$got" "$what"
	msg=$(jq -r .error.message "$T/out")
	[ -n "$msg" ] || fail "$what: an empty message"
	grep -q '^lcn: ' "$T/err" || fail "$what: no words on stderr:" \
	    "$(cat "$T/err")"
	grep -qF -- "$msg" "$T/err" ||
	    fail "$what: stderr lacks the message '$msg': $(cat "$T/err")"
}

# Per command: arguments that pass lcn's own checks and reach lcnd, a
# missing argument ("ARGS|FIELD"), a usage error ("ARGS|FIELD"), a
# refusal lcnd names a field of ("ARGS|CODE|FIELD"). Words split on
# spaces; no argument here has one.
declare -A VALID=(
	[status]="" [log]="" [reindex]="" [denials]="" [alerts]=""
	[controls]=""
	[publish]="--group WA $RUN/body.json"
	[screen]="Hengtai"
	[check]="$RUN/app.json"
	[import-list]="bis-dpl $RUN/dpl.txt"
	[deny]="$RUN/deny.json"
	[alert]="$RUN/alert.json"
	[control-status]="--regime WA --entry 3A001.b.1 --stage proposed"
	[deny-update]="$REF --revoke --reason ceased"
	[alert-update]="JP-METI/EUA/$YEAR/0099 --withdraw --reason gone"
	[show]="$REF" [receipts]="$REF"
	[export]="$REF $RUN/export"
	[consultations]=""
	[report]="--regime WA --from 2026-01-01 --to 2026-12-31"
	[consult]="$RUN/app.json --denial $REF"
	[reply]="$REQ --position ack"
	[consult-info]="$REQ $RUN/info.json"
	[decide]="$REQ --deny --explanation no"
)
declare -A MISSING=(
	[status]="-c|-c" [reindex]="-s|-s"
	[log]="--feed|--feed"
	[denials]="--state|--state"
	[alerts]="--party|--party"
	[controls]="--regime|--regime"
	[publish]="--group WA|FILE"
	[screen]="|NAME"
	[check]="|APPLICATION.json"
	[import-list]="bis-dpl|FILE"
	[deny]="|FILE"
	[alert]="|FILE"
	[control-status]="--regime WA --entry 3A001.b.1|--stage"
	[deny-update]="--revoke --reason ceased|REF"
	[alert-update]="--withdraw --reason gone|REF"
	[show]="|REF" [receipts]="|REF"
	[export]="$REF|DIR"
	[verify]="|--data-dir"
	[consultations]="--state|--state"
	[report]="--regime|--regime"
	[consult]="--reasoning|--reasoning"
	[reply]="--position|--position"
	[consult-info]="--at|--at"
	[decide]="--explanation|--explanation"
)
declare -A USAGE=(
	[status]="extra|null" [reindex]="extra|null" [controls]="extra|null"
	[log]="--limit 0|--limit"
	[denials]="--since yesterday|--since"
	[alerts]="--at soon|--at"
	[publish]="--group WA --wait forever $RUN/body.json|--wait"
	[screen]="--min-score 2 Hengtai|--min-score"
	[check]="--threshold 0 $RUN/app.json|--threshold"
	[import-list]="bis-dpl $RUN/dpl.txt extra|null"
	[deny]="--group a/b $RUN/deny.json|--group"
	[alert]="--group a/b $RUN/alert.json|--group"
	[control-status]="--regime WA --entry 3A001.b.1 --stage implemented --effective soon|--effective"
	[deny-update]="$REF --revoke|--reason"
	[alert-update]="JP-METI/EUA/$YEAR/0099 --extend later --reason x|--extend"
	[show]="$REF --at soon|--at"
	[receipts]="$REF --at 2026-07-01|--at"
	[export]="$REF $RUN/export --seq 0|--seq"
	[verify]="--data-dir $RUN extra|null"
	[help]="no-such-command|COMMAND"
	[consult]="$RUN/app.json --intend maybe|--intend"
	[reply]="$REQ --position object|--grounds"
	[consult-info]="$REQ|FILE.json"
	[decide]="$REQ --grant --deny --explanation x|--deny"
)
declare -A REFUSED=(
	[deny]="$RUN/japan.json|EINVAL|parties[0].country"
	[check]="$RUN/app.json|EINVAL|destination_country"
	[show]="$REF|EINVAL|ref"
	[receipts]="$REF|EINVAL|ref"
	[export]="$REF $RUN/export|EINVAL|ref"
	[deny-update]="$REF --revoke --reason ceased|EINVAL|denial_ref"
	[control-status]="--regime WA --entry foo --stage proposed|EINVAL|control_entry"
)

cmds=$(lcn_ok help --json | jq -r '.commands[].name') ||
    fail "lcn help --json: $(lcn_ok help --json 2>&1)"
[ "$(wc -l <<<"$cmds")" -ge 19 ] || fail "lcn help --json lists: $cmds"
for c in $cmds; do
	# Its help as JSON, asked either way.
	assert_eq "true $c" "$(lcn_ok help "$c" --json |
	    jq -r '"\(.ok) \(.command)"')" "lcn help $c --json"
	lcn_ok --json "$c" --help | jq -e --arg c "$c" \
	    '.ok and .command == $c and (.usage | startswith("lcn " + $c))' \
	    >/dev/null || fail "lcn --json $c --help: not its usage as JSON"

	# An unknown option, --json before the command and after it.
	fails "$c: unknown option" 2 usage --no-such-option \
	    lcn_ok --json "$c" --no-such-option
	fails "$c: unknown option, --json after" 2 usage --no-such-option \
	    lcn_ok "$c" --no-such-option --json
	jq -e --arg c "$c" '.error.usage | startswith("lcn " + $c)' \
	    "$T/out" >/dev/null || fail "$c: no usage line: $(cat "$T/out")"

	# --json first: after an option that takes a value, it would be
	# that value.
	if [ -n "${MISSING[$c]+x}" ]; then
		# shellcheck disable=SC2086
		if [ "$c" = verify ]; then
			fails "$c: missing argument" 2 usage "${MISSING[$c]#*|}" \
			    "$RUN/lcn" --json verify ${MISSING[$c]%%|*}
		else
			fails "$c: missing argument" 2 usage "${MISSING[$c]#*|}" \
			    lcn_ok --json "$c" ${MISSING[$c]%%|*}
		fi
	fi
	if [ -n "${USAGE[$c]+x}" ]; then
		# shellcheck disable=SC2086
		fails "$c: usage error" 2 usage "${USAGE[$c]#*|}" \
		    lcn_ok --json "$c" ${USAGE[$c]%%|*}
	fi
	if [ -n "${VALID[$c]+x}" ]; then
		# shellcheck disable=SC2086
		fails "$c: unreachable socket" 1 unreachable null \
		    lcn_nowhere --json "$c" ${VALID[$c]}
		grep -qF "$RUN/nowhere.sock" "$T/err" ||
		    fail "$c: the socket is not named: $(cat "$T/err")"
		# shellcheck disable=SC2086
		fails "$c: refused, no role" 1 EACCES null \
		    lcn_norole "$c" ${VALID[$c]} --json
		grep -qF "needs the" "$T/err" ||
		    fail "$c: the role is not named: $(cat "$T/err")"
	fi
	if [ -n "${REFUSED[$c]+x}" ]; then
		IFS='|' read -r args code field <<<"${REFUSED[$c]}"
		# shellcheck disable=SC2086
		fails "$c: refused by lcnd" 1 "$code" "$field" \
		    lcn_ok "$c" $args --json
	fi
	if [ -z "${VALID[$c]+x}${MISSING[$c]+x}${USAGE[$c]+x}" ]; then
		say "$c: no cases of its own here: the generic ones only"
	fi
done
# The offline ones: verify of a directory without a ledger.
fails "verify: no ledger" 1 io --data-dir \
    lcn_ok --json verify --data-dir "$RUN/dpl.txt"
# Nothing was published, exported or imported by any of that.
assert_eq 0 "$(feed_seq JP-METI JP-METI WA)" "entries after the failures"
[ ! -e "$RUN/export" ] || fail "lcn export made $RUN/export"

# Before any command.
fails "no command" 2 usage COMMAND lcn_ok --json
fails "unknown command" 2 usage COMMAND lcn_ok no-such-command --json
fails "unknown global option" 2 usage --no-such-option \
    lcn_ok --no-such-option --json status
fails "-s without its argument" 2 usage -s "$RUN/lcn" status --json -s
fails "a configuration that cannot be read" 1 config -c \
    "$RUN/lcn" -c "$T/no-such.conf" --json status
fails "no socket named" 1 config null \
    env -u LCN_SOCKET "$RUN/lcn" --json denials
# An input file that is not there, or a directory.
fails "deny: no such file" 1 not-found null lcn_ok --json deny "$RUN/nope"
fails "publish: a directory" 1 invalid null \
    lcn_ok publish --group WA "$RUN" --json
fails "import-list: no such file" 1 not-found FILE \
    lcn_ok import-list bis-dpl "$RUN/nope" --json
# The consultation commands read their files as the others do: a
# directory, an empty file, a byte-order mark, two objects where one is
# asked for; each refused before lcnd is asked, naming the input.
: >"$RUN/empty.json"
printf '\357\273\277{}\n' >"$RUN/bom.json"
printf '{}\n{}\n' >"$RUN/two.json"
fails "consult: a directory" 1 invalid APPLICATION.json \
    lcn_ok --json consult "$RUN"
grep -qF "is a directory" "$T/err" || fail "consult: $(cat "$T/err")"
fails "consult: an empty file" 1 invalid APPLICATION.json \
    lcn_ok --json consult "$RUN/empty.json"
grep -qF "is empty" "$T/err" || fail "consult: $(cat "$T/err")"
fails "consult: a byte-order mark" 1 invalid APPLICATION.json \
    lcn_ok --json consult "$RUN/bom.json"
grep -qF "byte-order mark" "$T/err" || fail "consult: $(cat "$T/err")"
fails "consult: no such file" 1 not-found APPLICATION.json \
    lcn_ok --json consult "$RUN/nope"
fails "consult-info: two objects" 1 invalid FILE.json \
    lcn_ok --json consult-info "$REQ" "$RUN/two.json"
grep -qF "expected one JSON object" "$T/err" ||
    fail "consult-info: $(cat "$T/err")"
fails "consult-info: a directory" 1 invalid FILE.json \
    lcn_ok --json consult-info "$REQ" "$RUN"
fails "decide --application: an empty file" 1 invalid --application \
    lcn_ok --json decide --application "$RUN/empty.json" --grant \
    --explanation x
grep -qF "nothing was published" "$T/err" || fail "decide: $(cat "$T/err")"

# lcn help --json: every command with its summary and usage; the usage
# lines are the ones the usage errors print.
lcn_ok --json help | jq -e '.ok and (.usage | startswith("lcn "))
    and all(.commands[]; (.name | length) > 0 and (.summary | length) > 0
    and (.usage | startswith("lcn ")))' >/dev/null ||
    fail "lcn --json help: $(lcn_ok --json help)"
# Success is unchanged: one object, ok true.
lcn_ok controls --json | jq -e '.ok' >/dev/null || fail "controls --json"
stop_and_verify JP-METI
