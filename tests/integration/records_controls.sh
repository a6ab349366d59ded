# lcn controls prints the control matrix from lcnd's rows (api.h:
# {"cmd":"controls","rows":true}), a sixth of the bytes of the cells and
# the answer lcn parses fastest; the table is the one the cells make:
# agencies as sorted columns, '-' where an agency said nothing, the
# effective date once implemented, else the day the stage was said.
# --json still prints the cells. The rows answer itself is checked: the
# agencies in the order they first appear in the cells, one element per
# agency in each row.
. "$(dirname "$0")/lib.sh"

make_agencies JP-METI US-BIS DE-BAFA
for id in JP-METI US-BIS DE-BAFA; do
	write_config "$id" --group WA "JP-METI US-BIS DE-BAFA"
done
start_node JP-METI
start_node US-BIS
start_node DE-BAFA
wait_established JP-METI

lcn_at JP-METI control-status --regime WA --entry 3A001.b.12 \
    --stage implemented --effective 2026-07-01 >/dev/null
lcn_at JP-METI control-status --regime WA --entry 5A002.a \
    --stage agreed >/dev/null
lcn_at US-BIS control-status --regime WA --entry 3A001.b.12 \
    --stage agreed >/dev/null
lcn_at US-BIS control-status --regime WA --entry 1C010.a \
    --stage proposed >/dev/null
lcn_at DE-BAFA control-status --regime WA --entry 3A001.b.12 \
    --stage technically-matured >/dev/null
wait_until 20 "[ \"\$(lcn_at JP-METI --json controls | jq '.cells | length')\" = 5 ]" ||
    fail "JP-METI: $(lcn_at JP-METI --json controls)"

# The day each stage was said (the test may not straddle midnight).
cells=$(lcn_at JP-METI --json controls)
days=$(jq -r '[.cells[] | select(.effective_ms == 0) |
    .created_ms / 1000 | strftime("%Y-%m-%d")] | unique | .[]' <<<"$cells")
[ "$(wc -l <<<"$days")" = 1 ] || fail "stages said on several days: $days"
D=$days
assert_eq false "$(jq 'has("rows")' <<<"$cells")" "--json: cells only"

row() { printf '%-6s  %-10s  %-30s  %-22s  %s\n' "$@"; }
want=$(row REGIME ENTRY DE-BAFA JP-METI US-BIS
row WA 1C010.a - - "proposed $D"
row WA 3A001.b.12 "technically-matured $D" "implemented 2026-07-01" "agreed $D"
row WA 5A002.a - "agreed $D" -)
assert_eq "$want" "$(lcn_at JP-METI controls)" "lcn controls"
assert_eq "REGIME  ENTRY    JP-METI
WA      5A002.a  agreed $D" \
    "$(lcn_at JP-METI controls --regime WA --stage agreed --entry 5A002)" \
    "lcn controls --stage agreed --entry 5A002"
assert_eq "no control status" "$(lcn_at JP-METI controls --regime NSG)" \
    "lcn controls of a regime with none"

# The rows answer, straight from the socket.
api_raw() {	# LINE
	perl -MIO::Socket::UNIX -e '
	    my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "$!\n";
	    print $s $ARGV[1], "\n"; my $l = <$s>; print $l;' \
	    "$(node_socket JP-METI)" "$1"
}
rows=$(api_raw '{"cmd":"controls","rows":true}')
assert_eq '["US-BIS","DE-BAFA","JP-METI"]' "$(jq -c .agencies <<<"$rows")" \
    "the rows' agencies"
assert_eq '["WA","1C010.a",["proposed"],null,null]
["WA","3A001.b.12",["agreed"],["technically-matured"],["implemented"]]
["WA","5A002.a",null,null,["agreed"]]' \
    "$(jq -c '.rows[] | [.[] | if type == "array" then [.[0]] else . end]' \
    <<<"$rows")" "the rows"
assert_eq "$(jq -c '[.cells[] | if .effective_ms > 0 then .effective_ms
    else .created_ms end] | sort' <<<"$cells")" \
    "$(jq -c '[.rows[] | .[2:][] | select(. != null) | .[1]] | sort' \
    <<<"$rows")" "the rows' dates"

stop_and_verify JP-METI US-BIS DE-BAFA
