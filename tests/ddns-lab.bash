# Shared by the DDNS cluster suites (tests/ddns-cluster.bats,
# tests/ddns-serial.bats, tests/ddns-named-pool.bats,
# tests/ddns-admit.bats): node I of a cluster
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
	timeout 20 head -c 1 "$D/h$i.ready" >/dev/null || fail "h$i not ready: $(cat "$D/h$i.log")"
}

# ctl I ARGS...: ddns-ctl ARGS on node I
ctl() {
	local i=$1
	shift
	ddns-ctl -r "$D/h$i.run" "$@"
}

# stop I [SIGNAL]: signal node I's ddns-syncd (TERM), wait until it is gone
stop() {
	lab_kill "$(cat "$D/h$1.pid")" "${2:-TERM}"
	lab_wait 5 ! lab_alive "$(cat "$D/h$1.pid")"
}

# member I J STATE: node I's members file says node J is STATE
member() {
	grep -q "^192\.0\.2\.$((10 + $2)) $3 " "$D/h$1.run/ddns/members"
}

# has I LABEL ADDRESS: node I publishes LABEL at ADDRESS; lacks I LABEL: not
has() {
	ctl "$1" records | grep -q "^$2 $3 "
}

lacks() {
	! ctl "$1" records | grep -q "^$2 "
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
	timeout 20 head -c 1 "$D/n$i.ready" >/dev/null || fail "n$i not ready: $(cat "$D/n$i.log")"
}
