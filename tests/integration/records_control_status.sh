# Control status at three agencies (issue 9): a Wassenaar entry moves
# through its stages (proposed, technically-matured, agreed, implemented
# with an effective date and a legal instrument, withdrawn) at JP-METI,
# US-BIS and DE-BAFA, published with lcn control-status's flags and from
# a FILE (one object, and JSON lines of two); after every step each
# node's matrix (lcn controls, as JSON and as text) holds each agency's
# latest stage, the --regime, --entry and --stage filters narrow it the
# same at every node, and GB-ECJU, a partner outside group WA, never sees
# a WA cell, while the AG cell it shares with JP-METI never reaches the
# two WA members outside group AG.
. "$(dirname "$0")/lib.sh"

WA_MEMBERS="DE-BAFA JP-METI US-BIS"
make_agencies JP-METI US-BIS DE-BAFA GB-ECJU
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --node "attest_interval = 0" \
	    --group WA "$WA_MEMBERS" --group AG "GB-ECJU JP-METI"
done
write_config GB-ECJU --node "attest_interval = 0" \
    --group AG "GB-ECJU JP-METI"
for id in JP-METI US-BIS DE-BAFA GB-ECJU; do
	start_node "$id"
done
wait_established JP-METI

E=3A001.b.12
TODAY=$(date -u +%Y-%m-%d)

# cells ID [CONTROLS-ARG...]: lcn controls --json at ID, one cell a line:
# "REGIME ENTRY AGENCY STAGE EFFECTIVE-DATE|-", in the answer's order.
cells() {
	local id=$1

	shift
	lcn_at "$id" --json controls "$@" | jq -r '.cells[] |
	    "\(.regime) \(.entry) \(.agency) \(.stage) \(if .effective_ms > 0
	    then (.effective_ms / 1000 | strftime("%Y-%m-%d")) else "-" end)"'
}
# matrix_is WANT ID... -- [CONTROLS-ARG...]: every ID's cells become WANT
# (a timeout fails the test, naming the condition).
matrix_is() {
	local want=$1 id ids=()

	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		ids+=("$1")
		shift
	done
	shift
	for id in "${ids[@]}"; do
		wait_until 15 "[ \"\$(cells $id $*)\" = \"$want\" ]"
	done
}
wa_matrix_is() {	# WANT: the WA matrix at the three members
	matrix_is "$1" $WA_MEMBERS -- --regime WA
}

# proposed, by flags.
out=$(lcn_at JP-METI control-status --regime WA --entry "$E" \
    --stage proposed --description "GaN MMIC amplifiers above 31.8 GHz")
[[ $out == "JP-METI/CS/"*" JP-METI/WA seq 1" ]] ||
    fail "lcn control-status's answer: $out"
wa_matrix_is "WA $E JP-METI proposed -"

# technically-matured: US-BIS from a FILE, DE-BAFA by flags.
jq -n --arg e "$E" '{regime: "WA", control_entry: $e,
    stage: "STAGE_TECHNICALLY_MATURED"}' >"$T/us-matured.json"
lcn_at US-BIS control-status "$T/us-matured.json" >/dev/null
lcn_at DE-BAFA control-status --regime WA --entry "$E" \
    --stage technically-matured >/dev/null
wa_matrix_is "WA $E DE-BAFA technically-matured -
WA $E JP-METI proposed -
WA $E US-BIS technically-matured -"

# agreed: JP-METI from a FILE, US-BIS by flags.
jq -n --arg e "$E" '{control_entry: $e, regime: "WA", stage: "agreed"}' \
    >"$T/jp-agreed.json"
lcn_at JP-METI control-status "$T/jp-agreed.json" >/dev/null
lcn_at US-BIS control-status --regime WA --entry "$E" --stage agreed \
    >/dev/null
wa_matrix_is "WA $E DE-BAFA technically-matured -
WA $E JP-METI agreed -
WA $E US-BIS agreed -"

# implemented: JP-METI by flags with its date and instrument; US-BIS from
# JSON lines, which also propose a second entry.
lcn_at JP-METI control-status --regime WA --entry "$E" --stage implemented \
    --effective 2026-07-01 --instrument "METI Ordinance No. 12 of 2026" \
    >/dev/null
{
	jq -cn --arg e "$E" '{regime: "WA", control_entry: $e,
	    stage: "STAGE_IMPLEMENTED", effective_date_ms: "2026-09-01",
	    legal_instrument: "15 CFR 774, Supp. 1"}'
	jq -cn '{regime: "WA", control_entry: "5A002.a",
	    stage: "STAGE_PROPOSED"}'
} >"$T/us-lines.json"
out=$(lcn_at US-BIS control-status "$T/us-lines.json")
assert_eq 2 "$(wc -l <<<"$out")" "refs of the JSON lines: $out"
wa_matrix_is "WA $E DE-BAFA technically-matured -
WA $E JP-METI implemented 2026-07-01
WA $E US-BIS implemented 2026-09-01
WA 5A002.a US-BIS proposed -"

# withdrawn: DE-BAFA by flags.
lcn_at DE-BAFA control-status --regime WA --entry "$E" --stage withdrawn \
    >/dev/null
FINAL="WA $E DE-BAFA withdrawn -
WA $E JP-METI implemented 2026-07-01
WA $E US-BIS implemented 2026-09-01
WA 5A002.a US-BIS proposed -"
wa_matrix_is "$FINAL"

# The instrument reached every member with its stage: each node's log
# holds JP-METI's implementation as published.
for id in $WA_MEMBERS; do
	assert_eq "STAGE_IMPLEMENTED 2026-07-01 METI Ordinance No. 12 of 2026" \
	    "$(lcn_at "$id" --json log --type control_status |
	    jq -r 'select(.origin == "JP-METI" and
	        .body.stage == "STAGE_IMPLEMENTED") | .body |
	    "\(.stage) \(.effective_date_ms / 1000 | strftime("%Y-%m-%d")) \(.legal_instrument)"')" \
	    "$id: JP-METI's implementation in the log"
done

# The filters, the same at every member.
matrix_is "WA $E JP-METI implemented 2026-07-01
WA $E US-BIS implemented 2026-09-01" $WA_MEMBERS -- --stage implemented
matrix_is "WA $E DE-BAFA withdrawn -" $WA_MEMBERS -- --stage withdrawn
matrix_is "" $WA_MEMBERS -- --stage technically-matured
matrix_is "WA $E DE-BAFA withdrawn -
WA $E JP-METI implemented 2026-07-01
WA $E US-BIS implemented 2026-09-01" $WA_MEMBERS -- --entry 3A001
matrix_is "WA 5A002.a US-BIS proposed -" $WA_MEMBERS -- --entry 5A002
matrix_is "WA 5A002.a US-BIS proposed -" $WA_MEMBERS -- \
    --regime WA --entry 5A002 --stage proposed
matrix_is "" $WA_MEMBERS -- --regime NSG

# The text matrix: entries by agencies, the cells' stage and date (the
# effective date once implemented, else the day of the status).
for id in $WA_MEMBERS; do
	out=$(lcn_at "$id" controls --regime WA)
	grep -qE '^REGIME +ENTRY +DE-BAFA +JP-METI +US-BIS *$' <<<"$out" ||
	    fail "$id: the matrix's header: $out"
	grep -qE "^WA +$E +withdrawn $TODAY +implemented 2026-07-01 +implemented 2026-09-01 *$" \
	    <<<"$out" || fail "$id: the $E row: $out"
	grep -qE "^WA +5A002.a +- +- +proposed $TODAY *$" <<<"$out" ||
	    fail "$id: the 5A002.a row: $out"
	assert_eq "no control status" \
	    "$(lcn_at "$id" controls --stage technically-matured)" \
	    "$id: an empty matrix"
done

# A status for group AG: at JP-METI and GB-ECJU, not at the two others.
lcn_at JP-METI control-status --regime AG --entry 2B350 --stage agreed \
    >/dev/null
matrix_is "AG 2B350 JP-METI agreed -" JP-METI GB-ECJU -- --regime AG

# GB-ECJU is no member of WA: no WA cell, no WA feed, at any time; and
# AG's cell never reached US-BIS or DE-BAFA.
matrix_is "AG 2B350 JP-METI agreed -" GB-ECJU --
for origin in $WA_MEMBERS; do
	assert_eq 0 "$(feed_seq GB-ECJU "$origin" WA)" \
	    "GB-ECJU's copy of $origin/WA"
done
for id in US-BIS DE-BAFA; do
	assert_eq "" "$(cells "$id" --regime AG)" "$id: AG cells"
	assert_eq "$FINAL" "$(cells "$id")" "$id: the whole matrix"
done
stop_and_verify JP-METI US-BIS DE-BAFA GB-ECJU
