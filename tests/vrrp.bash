# The helpers of the vrrpd lab suites (tests/vrrpd*.bats): hosts of
# tests/lab/ running vrrpd with VRID 1 on eth0, their status files and
# control sockets.  The suite sets D (its temporary directory) and VIP.

# group HOST PRIORITY [STATEMENT...]: vpnha.conf of HOST with VRID 1 on eth0
group() {
	local h=$1 p=$2 s
	shift 2
	{
		echo "set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address $VIP/24"
		echo "set interfaces ethernet eth0 vrrp vrrp-group 1 priority $p"
		for s in "$@"; do
			echo "set interfaces ethernet eth0 vrrp vrrp-group 1 $s"
		done
	} >"$D/$h.conf"
}

# start HOST [OPTION...]: vrrpd in HOST's namespace; its PID in $D/HOST.pid
start() {
	local h=$1
	shift
	lab_spawn "$h" "$D/$h.log" "$VPNHA_BIN/vrrpd" -f "$D/$h.conf" \
	    -r "$D/$h.run" "$@" >"$D/$h.pid"
	lab_wait 5 test -S "$D/$h.run/vrrpd/control"
}

# startn HOST [OPTION...]: the same, vrrpd started in the initial network
# namespace and joining HOST's (-N): what tracking a process needs
startn() {
	local h=$1
	shift
	lab_spawn_init "$D/$h.log" "$VPNHA_BIN/vrrpd" -N "$(lab_ns "$h")" \
	    -f "$D/$h.conf" -r "$D/$h.run" "$@" >"$D/$h.pid"
	lab_wait 5 test -S "$D/$h.run/vrrpd/control"
}

pid() {
	cat "$D/$1.pid"
}

# pair P1 P2 [STATEMENT...]: h1 with priority P1 is master, h2 with P2 backup
pair() {
	local p1=$1 p2=$2
	shift 2
	group h1 "$p1" "$@"
	group h2 "$p2" "$@"
	start h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
}

# field HOST NAME [FILE]: a value from HOST's status file (default eth0.1)
field() {
	sed -n "s/^$2=//p" "$D/$1.run/vrrpd/${3:-eth0.1}" 2>/dev/null
}

# field_is HOST NAME VALUE [FILE]: the status file says so (read anew each
# time: lab_wait field_is ..., never lab_wait test "$(field ...)")
field_is() {
	[ "$(field "$1" "$2" "${4:-eth0.1}")" = "$3" ]
}

is_state() {
	[ "$(field "$1" state "${3:-eth0.1}")" = "$2" ]
}

# has_vip HOST [ADDRESS]: HOST has the address, on any interface
has_vip() {
	lab_exec "$1" ip -o addr show | grep -qw "${2:-$VIP}"
}

ctl() {
	local h=$1
	shift
	echo "$*" | socat -t 5 - "UNIX-CONNECT:$D/$h.run/vrrpd/control"
}

# neigh HOST ADDRESS: the MAC address HOST's neighbour table has for ADDRESS
neigh() {
	lab_exec "$1" ip neigh show "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}
