# The local socket knows who is asking (issue 8, section 3): lcnd names
# each caller by its uid (SO_PEERCRED) and gives it the role [access]
# maps its user or groups to. A caller without a role is refused status;
# read may status, log and screen but not publish or import-list; publish
# may publish, and the log names its uid; admin may import-list, passing
# the open file, so a file the caller cannot read is refused by lcn itself
# and lcnd never opens it. Without [access] only root (and lcnd's uid) may
# do anything. The socket is born mode 0660 with its socket_group.
# Callers run as other uids with setpriv (util-linux); lcnd runs as root.
. "$(dirname "$0")/lib.sh"

command -v setpriv >/dev/null || fail "needs setpriv (util-linux)"
[ "$(id -u)" = 0 ] || fail "needs root, to run callers as other uids"

SG=4242		# socket_group: lets a caller reach the socket at all
PUBG=4343	# a group given the publish role

make_agencies JP-METI US-BIS
# A runtime directory as systemd's RuntimeDirectory= makes it, entered by
# its group; $T itself is only passed through.
chmod 711 "$T"
RUN=$T/run
mkdir "$RUN"
chgrp "$SG" "$RUN"
chmod 750 "$RUN"
cp "$BIN/lcn" "$RUN/lcn"
chmod 755 "$RUN/lcn"
RUN2=$T/run2
mkdir -m 755 "$RUN2"

write_config JP-METI --node "attest_interval = 0" --node "socket = $RUN/lcnd.sock" \
    --group WA "JP-METI US-BIS"
cat >>"$T/JP-METI/lcnd.conf" <<EOC

[access]
socket_group = $SG
read = user:4002
publish = group:$PUBG
admin = user:4004
EOC
write_config US-BIS --node "attest_interval = 0" --node "socket = $RUN2/lcnd.sock" \
    --group WA "JP-METI US-BIS"
start_node JP-METI
start_node US-BIS

# as UID GROUPS LCN-ARG...: lcn at JP-METI as UID, primary group $SG and
# the supplementary GROUPS ("" for none).
as() {
	local uid=$1 groups=$2

	shift 2
	if [ -n "$groups" ]; then
		setpriv --reuid="$uid" --regid="$SG" --groups="$groups" \
		    "$RUN/lcn" -s "$RUN/lcnd.sock" "$@"
	else
		setpriv --reuid="$uid" --regid="$SG" --clear-groups \
		    "$RUN/lcn" -s "$RUN/lcnd.sock" "$@"
	fi
}

# refused WHAT EXPECTED-TEXT UID GROUPS LCN-ARG...: lcn fails, saying so.
refused() {
	local what=$1 want=$2 out rc=0

	shift 2
	out=$(as "$@" 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "$what: expected a refusal, got: $out"
	[[ $out == *"$want"* ]] || fail "$what: expected '$want', got: $out"
	say "$what: refused ($want)"
}

# The socket: mode 0660 from the start, in the group that may reach it.
assert_eq "660 $SG" "$(stat -c '%a %g' "$RUN/lcnd.sock")" "socket mode and group"
assert_log_contains JP-METI 'access: 3 rules from \[access\]'

cat >"$RUN/denial.json" <<'JSON'
{"denial_notice": {"ref": "JP-METI/DN/2026/0042", "regime": "WA",
  "control_basis": "listed_item", "items": [{"control_entry": "3A001.b.1"}],
  "parties": [{"role": "end_user", "name": "Orion Gulf Trading FZE",
    "country": "AE"}],
  "destination_country": "AE", "decision_date_ms": "2026-11-02"}}
JSON
chmod 644 "$RUN/denial.json"
cp "$SRC/tests/data/dpl.txt" "$RUN/dpl.txt"
chmod 644 "$RUN/dpl.txt"

# No role: not even status.
refused "no role: status" "status needs the read role; uid 4001" 4001 "" status
assert_log_contains JP-METI 'refused: status needs the read role; uid 4001 .* has none'

# read: status, log and screen; not publish, not import-list.
as 4002 "" status >/dev/null || fail "read role: status refused"
as 4002 "" log >/dev/null || fail "read role: log refused"
rc=0
as 4002 "" screen 'Orion Gulf Trading' >/dev/null || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "read role: screen exited $rc"
refused "read role: publish" \
    "publish needs the publish role; uid 4002 (" 4002 "" \
    publish --group WA "$RUN/denial.json"
refused "read role: import-list" \
    "import-list needs the admin role; uid 4002 (" 4002 "" \
    import-list bis-dpl "$RUN/dpl.txt"
assert_eq 0 "$(feed_seq JP-METI JP-METI WA)" "entries after refused publishes"

# publish, through a supplementary group: the log names the uid.
out=$(as 4003 "$PUBG" publish --group WA "$RUN/denial.json" 2>&1) ||
    fail "publish role: publish refused: $out"
assert_eq 1 "$(feed_seq JP-METI JP-METI WA)" "entries after the publish"
assert_log_contains JP-METI 'published by uid 4003 \([^)]*\): 1 entries to JP-METI/WA'
refused "publish role: import-list" \
    "import-list needs the admin role; uid 4003 (" 4003 "$PUBG" \
    import-list bis-dpl "$RUN/dpl.txt"
# The same uid without the group has no role.
refused "publish group dropped" "has none" 4003 "" status

# admin: import-list passes the open file.
out=$(as 4004 "" import-list bis-dpl "$RUN/dpl.txt" 2>&1) ||
    fail "admin role: import-list failed: $out"
[[ $out == "imported bis-dpl: "* ]] || fail "admin import-list said: $out"
assert_log_contains JP-METI 'imported bis-dpl from dpl.txt by uid 4004 '

# A file lcnd (root) could read but the caller cannot: lcn cannot open it,
# and lcnd is never asked to.
install -m 600 "$SRC/tests/data/dpl.txt" "$RUN/secret-dpl.txt"
refused "admin: import-list of an unreadable file" "Permission denied" \
    4004 "" import-list bis-dpl "$RUN/secret-dpl.txt"
assert_log_lacks JP-METI 'secret-dpl'

# Without [access]: fail closed. A caller that can reach the socket (its
# group is the socket's) has no role; root still has every role.
assert_log_contains US-BIS 'no \[access\] section: only uid 0 \(lcnd.s\) and root'
out=$(setpriv --reuid=4001 --regid=0 --clear-groups "$RUN/lcn" \
    -s "$RUN2/lcnd.sock" status 2>&1) && fail "no [access]: status by uid 4001 answered: $out"
[[ $out == *"status needs the read role; uid 4001"* ]] ||
    fail "no [access]: expected the read role named, got: $out"
lcn_at US-BIS status >/dev/null || fail "no [access]: root refused"

stop_and_verify JP-METI US-BIS
