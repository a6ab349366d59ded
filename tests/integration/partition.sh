# Partitions: a full mesh of 10 nodes (6 in a sanitizer build) whose every
# link runs through a relay (socat) the test stops and restarts. While
# every node publishes to the groups it is in (all of them, two regimes of
# about half, a bilateral pair), links are cut and restored at random, and
# in the last round the federation is split in two halves; after the last
# heal every ledger holds every feed of its groups with the same head
# within 5 s, every entry verified, no feed of a group it is not in, and
# no fork or split-view alert anywhere (heads attestations every second,
# so a split view would be seen). A cut shorter than 2 s keeps a node's
# redial backoff (PROTOCOL.md section 4.4) under 2 s, so that each round
# starts with every link up again.
. "$(dirname "$0")/lib.sh"

command -v socat >/dev/null || fail "socat not found: run ops/setup"

N=10
ROUNDS=3
if [ "$TIMEOUT_SCALE" != 1 ]; then
	N=6
	ROUNDS=3
fi
IDS=()
for ((i = 0; i < N; i++)); do
	IDS+=("$(printf 'XP-N%02d' "$i")")
done
half=$((N / 2))
NSG="${IDS[*]:0:$half}"
AG=
for ((i = 1; i < N; i += 2)); do
	AG+="${AG:+ }${IDS[$i]}"
done

# Relays: link I-J (I < J) is I's dial of J, through a socat listening on
# RPORT[I-J]; its process group is RPID[I-J] (setsid, so a cut takes the
# listener and every connection it forked). A relay's pid lives in a file
# too, for the subshells that cut and heal links in parallel.
declare -A RPORT=()
LINKS=()
mkdir -p "$T/relay"

relay_up() {		# LINK
	local j=${1#*-} pid k

	setsid socat "TCP-LISTEN:${RPORT[$1]},bind=127.0.0.1,reuseaddr,fork" \
	    "TCP:127.0.0.1:${PORT[${IDS[$j]}]}" 2>/dev/null &
	pid=$!
	echo "$pid" >"$T/relay/$1.pid"
	# Up once it listens: a dial before that would only back off.
	for ((k = 0; k < 50; k++)); do
		port_in_use "${RPORT[$1]}" && return 0
		sleep 0.02
	done
	echo "relay $1 did not listen on ${RPORT[$1]}" >&2
	return 1
}

relay_down() {		# LINK
	local pid

	read -r pid <"$T/relay/$1.pid" || return 0
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || true
	while pid_alive "$pid"; do sleep 0.02; done
	: >"$T/relay/$1.pid"
}

relays_all_down() {
	local l

	for l in "${LINKS[@]}"; do
		[ -s "$T/relay/$l.pid" ] && relay_down "$l"
	done
	return 0
}

# The harness's own exit handler runs last and keeps the status.
trap 'rc=$?; trap - ERR; set +e; relays_all_down; (exit $rc); _lcn_exit' EXIT

make_agencies "${IDS[@]}"
for ((i = 0; i < N; i++)); do
	for ((j = i + 1; j < N; j++)); do
		pick_port
		RPORT[$i-$j]=$REPLY
		LINKS+=("$i-$j")
	done
done
for ((i = 0; i < N; i++)); do
	noaddr=()
	for ((j = 0; j < i; j++)); do
		noaddr+=(--no-address-for "${IDS[$j]}")
	done
	write_config "${IDS[$i]}" "${noaddr[@]}" --node "attest_interval = 1" \
	    --group WA "${IDS[*]}" --group NSG "$NSG" --group AG "$AG"
	for ((j = i + 1; j < N; j++)); do
		sed -i "s/^address = 127\.0\.0\.1:${PORT[${IDS[$j]}]}\$/address = 127.0.0.1:${RPORT[$i-$j]}/" \
		    "$T/${IDS[$i]}/lcnd.conf"
	done
done
for l in "${LINKS[@]}"; do
	relay_up "$l"
done
for id in "${IDS[@]}"; do
	start_node "$id"
done
for id in "${IDS[@]}"; do
	wait_established "$id" 30
done
say "$N nodes, ${#LINKS[@]} links through relays, all established"

# The groups of node I: WA, NSG and AG when a member, and the bilateral
# group with the next node.
groups_of() {
	local i=$1 id=${IDS[$1]} next=${IDS[$((($1 + 1) % N))]}

	echo WA
	[[ " $NSG " != *" $id "* ]] || echo NSG
	[[ " $AG " != *" $id "* ]] || echo AG
	if [[ $id < $next ]]; then echo "$id+$next"; else echo "$next+$id"; fi
}

# Publisher of node I: 3 entries every 0.4 s to one of its groups in turn,
# refs numbered on from $T/pub.I.next, until $T/pub.stop exists. Each
# successful publish adds its count to $T/pub.I.GROUP.
publisher() {
	local i=$1 id=${IDS[$1]} first gs g k=0 f=$T/pub.$1.jsonl

	trap - ERR EXIT
	set +e
	mapfile -t gs < <(groups_of "$i")
	read -r first <"$T/pub.$i.next"
	until [ -e "$T/pub.stop" ]; do
		g=${gs[$((k % ${#gs[@]}))]}
		make_bodies "$id" "$first" 3 >"$f"
		if lcn_at "$id" publish --group "$g" "$f" >/dev/null \
		    2>>"$T/pub.$i.err"; then
			echo 3 >>"$T/pub.$i.$g"
			first=$((first + 3))
		fi
		k=$((k + 1))
		sleep 0.4
	done
	echo "$first" >"$T/pub.$i.next"
}

PUB_PIDS=()
publishers_start() {
	local i

	rm -f "$T/pub.stop"
	PUB_PIDS=()
	for ((i = 0; i < N; i++)); do
		[ -e "$T/pub.$i.next" ] || echo 1 >"$T/pub.$i.next"
		publisher "$i" &
		PUB_PIDS+=($!)
	done
}

publishers_stop() {
	local p

	touch "$T/pub.stop"
	for p in "${PUB_PIDS[@]}"; do
		wait "$p" || true
	done
	PUB_PIDS=()
}

# Cuts LINK after A ms, for B ms, then restores it.
flap() {		# LINK A_MS B_MS
	trap - ERR EXIT
	set +e
	sleep "$(awk -v m="$2" 'BEGIN { printf "%.3f", m / 1000 }')"
	relay_down "$1"
	sleep "$(awk -v m="$3" 'BEGIN { printf "%.3f", m / 1000 }')"
	relay_up "$1"
}

# Every link between the two halves of a random split of the nodes.
split_links() {
	local -a side=() l
	local i

	for ((i = 0; i < N; i++)); do
		side[$i]=$((RANDOM % 2))
	done
	side[0]=0
	side[$((N - 1))]=1
	for l in "${LINKS[@]}"; do
		[ "${side[${l%-*}]}" = "${side[${l#*-}]}" ] || echo "$l"
	done
}

# Members of GROUP, one a line.
members_of() {
	case $1 in
	WA) printf '%s\n' "${IDS[@]}" ;;
	NSG) printf '%s\n' $NSG ;;
	AG) printf '%s\n' $AG ;;
	*) printf '%s\n' "${1%+*}" "${1#*+}" ;;
	esac
}

# "GROUP MEMBER" for every group a node publishes to.
for ((i = 0; i < N; i++)); do
	groups_of "$i"
done | sort -u | while read -r g; do
	members_of "$g" | sed "s/^/$g /"
done >"$T/members"

# Every node's feeds, one status each: "HOLDER ORIGIN GROUP SEQ VERIFIED
# HEAD" in $T/st.
snapshot() {
	local id js

	: >"$T/st"
	for id in "${IDS[@]}"; do
		js=$(status_json "$id") || return 1
		jq -r --arg id "$id" '.feeds[] |
		    "\($id) \(.origin) \(.group) \(.seq) \(.verified) \(.head)"' \
		    <<<"$js" >>"$T/st" || return 1
	done
}

# Every feed its origin holds is at every member of its group with the
# same seq and head, all verified. One awk over one snapshot, so that a
# check costs little beside ten nodes.
converged() {
	snapshot || return 1
	awk 'NR == FNR { mem[$1] = mem[$1] " " $2; next }
	    $4 != $5 { bad = 1 }
	    { val[$2 " " $3, $1] = $4 " " $6 }
	    $1 == $2 { own[$2 " " $3] = $4 " " $6; grp[$2 " " $3] = $3 }
	    END {
		if (bad) exit 1
		for (f in own) {
			n = split(mem[grp[f]], m, " ")
			for (i = 1; i <= n; i++)
				if (val[f, m[i]] != own[f]) exit 1
		}
	    }' "$T/members" "$T/st"
}
publishers_start
for ((round = 1; round < ROUNDS; round++)); do
	pids=()
	ncut=0
	for l in "${LINKS[@]}"; do
		((RANDOM % 3 == 0)) || continue
		flap "$l" $((RANDOM % 1000)) $((300 + RANDOM % 1500)) &
		pids+=($!)
		ncut=$((ncut + 1))
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	say "round $round: $ncut of ${#LINKS[@]} links cut and restored"
	for id in "${IDS[@]}"; do
		wait_established "$id" 20
	done
done

# The last round: the federation split in two, while publishing goes on
# on both sides; publishing stops, then every link is restored at once.
mapfile -t cut < <(split_links)
for l in "${cut[@]}"; do
	relay_down "$l"
done
sleep 0.6
publishers_stop
for l in "${cut[@]}"; do
	relay_up "$l"
done
t0=$(now_ms)
say "split: ${#cut[@]} links cut for the last round; healed"

wait_until 5 converged
say "every ledger converged $(($(now_ms) - t0)) ms after the last heal"

# Nothing anywhere that a node may not hold, no fork, no alert.
snapshot
while read -r id o g _; do
	grep -qx "$g $id" "$T/members" ||
	    fail "$id holds $o/$g, a feed of a group it is not in"
	grep -qx "$g $o" "$T/members" ||
	    fail "$id holds $o/$g, whose origin is not in $g"
done <"$T/st"
for id in "${IDS[@]}"; do
	js=$(status_json "$id")
	assert_eq 0 "$(jq '.forks | length' <<<"$js")" "forks at $id"
	assert_eq 0 "$(jq '.alerts | length' <<<"$js")" "alerts at $id"
	# Every entry of a partner's feed came over the wire at least once,
	# and lcn status counts the copies (duplicates among them).
	assert_eq true "$(jq --arg id "$id" '[.feeds[] | select(.origin !=
	    $id) | .received >= .seq and .duplicates <= .received] | all' \
	    <<<"$js")" "received and duplicates of the feeds at $id"
	dups=$((${dups:-0} + $(jq --arg id "$id" '[.feeds[] | select(.origin
	    != $id) | .duplicates] | add // 0' <<<"$js")))
	assert_log_lacks "$id" "equivocation|split view"
done

# Every entry published is there: per origin and group, the entries that
# are not heads attestations, counted at the next member.
total=0
for ((i = 0; i < N; i++)); do
	id=${IDS[$i]}
	while read -r g; do
		pub=$(cat "$T/pub.$i.$g" 2>/dev/null | awk '{ s += $1 }
		    END { print s + 0 }')
		total=$((total + pub))
		m=$(members_of "$g" | grep -vx "$id" | head -n 1)
		got=$(log_refs "$m" --feed "$id/$g" --limit 10000 | wc -l)
		assert_eq "$pub" "$got" "entries of $id/$g at $m"
	done < <(groups_of "$i")
done
say "$total entries published, every one at every member;" \
    "$dups copies received that were held already"
stop_and_verify "${IDS[@]}"
