# --limit N reads the same in every command that takes it (denials,
# alerts, consultations, log, screen): a whole number from 1 to the
# command's most, in digits only. Anything else is a usage error (exit
# 2) that names --limit as the field under --json and says what is
# wanted; a good value passes lcn's checks and goes on to lcnd (here a
# socket nobody listens on: exit 1, "unreachable"). No lcnd is needed.
. "$(dirname "$0")/lib.sh"

lcn_nowhere() { "$BIN/lcn" -s "$T/nowhere.sock" "$@"; }

# CMD... MAX: each bad value refused, MAX and 1 let through.
check_limit() {
	local max=${*: -1} v rc out msg
	local cmd=("${@:1:$#-1}")

	for v in 0 -1 +5 " 5" 5x abc "" $((max + 1)) 99999999999999999999; do
		rc=0
		out=$(lcn_nowhere --json "${cmd[@]}" --limit "$v" 2>"$T/err") ||
		    rc=$?
		assert_eq 2 "$rc" "${cmd[*]} --limit '$v': exit status"
		assert_eq "usage --limit" "$(jq -r \
		    '"\(.error.code) \(.error.field)"' <<<"$out")" \
		    "${cmd[*]} --limit '$v': code and field"
		msg="--limit needs a whole number from 1 to $max, not '$v'"
		assert_eq "$msg" "$(jq -r .error.message <<<"$out")" \
		    "${cmd[*]} --limit '$v': message"
		grep -qF -- "lcn: $msg" "$T/err" ||
		    fail "${cmd[*]} --limit '$v': stderr: $(cat "$T/err")"
	done
	for v in 1 "$max"; do
		rc=0
		out=$(lcn_nowhere --json "${cmd[@]}" --limit "$v" \
		    2>/dev/null) || rc=$?
		assert_eq "1 unreachable" "$rc $(jq -r .error.code <<<"$out")" \
		    "${cmd[*]} --limit $v: refused before lcnd was asked"
	done
}

check_limit denials 100000
check_limit alerts 100000
check_limit consultations 100000
check_limit log 10000
check_limit screen Hengtai 1000
say "--limit: the same words and field in every command"
