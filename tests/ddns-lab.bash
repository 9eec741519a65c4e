# Shared by the DDNS cluster suites (tests/ddns-cluster.bats,
# tests/ddns-reload.bats, tests/ddns-journal.bats, tests/ddns-serial.bats,
# tests/ddns-cluster-pool.bats, tests/ddns-admit.bats; a suite may define its
# own): node I of a cluster
# is lab host hI at 192.0.2.(10 + I), with its vpnha.conf in $D/hI.conf,
# its run directory $D/hI.run, ddns-syncd's log $D/hI.log and PID
# $D/hI.pid, ddns-named's $D/nI.log and $D/nI.pid.  The suite sets D,
# SECRET and DOMAIN.

# conf I N [STATEMENT...]: $D/hI.conf, node I of a cluster of N
conf() {
	local i=$1 n=$2 j s
	shift 2
	{
		echo "set service ipsec-ddns self 192.0.2.$((10 + i))"
		for ((j = 1; j <= n; j++)); do
			[ "$j" = "$i" ] || echo "set service ipsec-ddns peer 192.0.2.$((10 + j))"
		done
		echo "set service ipsec-ddns secret $SECRET"
		echo "set service ipsec-ddns domain $DOMAIN"
		echo "set service ipsec-ddns heartbeat 0.2"
		echo "set service ipsec-ddns join-time 2"
		for s in "$@"; do echo "set service ipsec-ddns $s"; done
		echo "set service ipsec-ddns enable"
	} >"$D/h$i.conf"
}

# start I [ENV=VALUE...]: ddns-syncd on hI, ready (-n) before it returns;
# with HOSTS=FILE, it reads FILE as /etc/hosts (a bind mount, in the mount
# namespace of its own that ip netns exec gives it)
start() {
	local i=$1 hosts=()
	shift
	[ -z "${HOSTS-}" ] || hosts=(sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$HOSTS")
	rm -f "$D/h$i.ready"
	mkfifo "$D/h$i.ready"
	lab_spawn "h$i" "$D/h$i.log" env "$@" "${hosts[@]}" sh -c 'exec "$@" 3>"$0"' "$D/h$i.ready" \
	    "$VPNHA_BIN/ddns-syncd" -f "$D/h$i.conf" -r "$D/h$i.run" -n 3 >"$D/h$i.pid"
	notified "$D/h$i.ready" || fail "h$i not ready: $(cat "$D/h$i.log")"
}

# named I: ddns-named on hI, port 53 of its address, fed by its ddns-syncd;
# ready (its first snapshot served) before it returns
named() {
	local i=$1
	rm -f "$D/n$i.ready"
	mkfifo "$D/n$i.ready"
	lab_spawn "h$i" "$D/n$i.log" sh -c 'exec "$@" 3>"$0"' "$D/n$i.ready" \
	    "$VPNHA_BIN/ddns-named" -f "$D/h$i.conf" -r "$D/h$i.run" -n 3 \
	    -l "192.0.2.$((10 + i))" >"$D/n$i.pid"
	notified "$D/n$i.ready" || fail "n$i not ready: $(cat "$D/n$i.log")"
}

# stop I [SIGNAL]: node I's ddns-syncd signalled (TERM), and gone
stop() {
	lab_kill "$(cat "$D/h$1.pid")" "${2:-TERM}"
	lab_wait 5 ! lab_alive "$(cat "$D/h$1.pid")"
}

# ctl I ARG...: ddns-ctl on node I
ctl() {
	local i=$1
	shift
	ddns-ctl -r "$D/h$i.run" "$@"
}

# cluster N [STATEMENT...]: a lab of N hosts, every node started in turn
cluster() {
	local n=$1 i
	shift
	lab_up "$n"
	for ((i = 1; i <= n; i++)); do
		conf "$i" "$n" "$@"
	done
	for ((i = 1; i <= n; i++)); do
		start "$i"
	done
}

# same I J...: the records of node I, and of every J, are the same text
same() {
	local ref b
	# node I read once: read again for each J, it could pass through J's
	# table and then another's while they still differ
	ref=$(ctl "$1" records) || return 1
	shift
	for b; do
		[ "$ref" = "$(ctl "$b" records)" ] || return 1
	done
}

# has I LABEL ADDRESS: node I publishes LABEL at ADDRESS
has() {
	ctl "$1" records | grep -q "^$2 $3 "
}

# lacks I LABEL: node I does not publish LABEL
lacks() {
	! ctl "$1" records | grep -q "^$2 "
}

# member I J STATE: node I's members file says node J is STATE (self, up,
# down)
member() {
	grep -q "^192\.0\.2\.$((10 + $2)) $3 " "$D/h$1.run/ddns/members"
}

# reloaded I N: node I has logged more than N reloads
reloaded() {
	[ "$(grep -c '^ddns-syncd: reloaded ' "$D/h$1.log")" -gt "$2" ]
}

# hup I: node I's ddns-syncd reloads (the guide's commit), and has done so
hup() {
	local n
	n=$(grep -c '^ddns-syncd: reloaded ' "$D/h$1.log") || :
	lab_kill "$(cat "$D/h$1.pid")" HUP
	lab_wait 5 reloaded "$1" "$n"
}

# The suites' setup and teardown: $D is the test's directory; a failed
# test shows every log of $D (the nodes' and servers' *.log, and *.out),
# then the lab goes, with every process it started.
ddns_lab_setup() {
	D=$BATS_TEST_TMPDIR
}

ddns_lab_teardown() {
	local f
	if [ -z "${BATS_TEST_COMPLETED-}" ]; then
		for f in "$D"/*.log "$D"/*.out; do
			[ -e "$f" ] || continue
			echo "--- $f"
			cat "$f"
		done >&3
	fi
	lab_down
}
