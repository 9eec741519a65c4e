# The lab: hosts in network namespaces joined by a bridge, for tests that
# need real packets between real sockets.  Sourced by bats files
# (`load lab/lab` after `load helper`) or by any bash script.  See
# tests/lab/README for the topology, the addresses and the cleanup rules.
#
# lab_* are for tests; _lab_* are internal.  Every function works under
# bats' `set -eE` and ERR trap: a false condition is never a bare statement.
#
# A lab's state is a directory $LAB_STATE/ID (owner, namespaces, processes)
# so that lab_down, the lab's guardian process and a later run can all clean
# up exactly what it created, and nothing else.

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_TOOL=$LAB_HOME/labtool
: "${LAB_STATE:=/run/vpnha-lab}"
: "${LAB_GRACE:=2}"
LAB=
_LAB_LABS=()
_LAB_COUNT=0

_lab_err() {
	printf 'lab: %s\n' "$*" >&2
}

# _lab_proc PID: _lab_pstate, _lab_pgrp and _lab_pstart (clock ticks since
# boot: with the PID, a process's identity) from /proc; 1 if no such PID.
_lab_proc() {
	local s
	_lab_pstate='' _lab_pgrp='' _lab_pstart=''
	[[ $1 =~ ^[1-9][0-9]*$ ]] || return 1
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }
	# shellcheck disable=SC2206 # numbers and a state letter
	local -a f=($s)
	_lab_pstate=${f[0]} _lab_pgrp=${f[2]} _lab_pstart=${f[19]}
}

# _lab_alive PID START: that very process is running (a zombie is not).
_lab_alive() {
	_lab_proc "$1" || return 1
	[ "$_lab_pstart" = "$2" ] && [ "$_lab_pstate" != Z ] && [ "$_lab_pstate" != X ]
}

# _lab_closefds: in a subshell about to exec a background process, close
# every descriptor above 2, so that it holds no pipe of bats (fd 3) or of a
# command substitution, which would wait for it forever.
_lab_closefds() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd=${fd##*/}
		if [ "$fd" -gt 2 ] 2>/dev/null; then
			eval "exec $fd>&-" 2>/dev/null || :
		fi
	done
}

# _lab_usec: microseconds since the epoch.
_lab_usec() {
	local t=${EPOCHREALTIME//[!0-9]/}
	echo "$((10#$t))"
}

# _lab_seconds T: T seconds ("2", "0.5") in microseconds; 1 if not a number.
_lab_seconds() {
	local i f
	[[ $1 =~ ^([0-9]+)(\.([0-9]+))?$ ]] || return 1
	i=${BASH_REMATCH[1]} f=${BASH_REMATCH[3]}000000
	echo "$((10#$i * 1000000 + 10#${f:0:6}))"
}

# _lab_dir: _lab_d, _lab_n (hosts), _lab_two (1 with eth1) of the current
# lab, $LAB.
_lab_dir() {
	local id=$LAB
	if [ -z "$id" ]; then
		_lab_err "no lab: call lab_up first"
		return 1
	fi
	_lab_d=$LAB_STATE/$id
	if ! { read -r _lab_n _lab_two _ <"$_lab_d/conf"; } 2>/dev/null; then
		_lab_err "lab $id is gone"
		return 1
	fi
}

# _lab_host HOST: _lab_ns, the namespace of HOST (h1..hN or switch) in the
# current lab.
_lab_host() {
	_lab_dir || return 1
	case $1 in
	switch) ;;
	h[1-9]*)
		if ! [[ ${1#h} =~ ^[0-9]+$ ]] || [ "${1#h}" -gt "$_lab_n" ]; then
			_lab_err "no host $1 in lab $LAB (h1..h$_lab_n, switch)"
			return 1
		fi
		;;
	*)
		_lab_err "no host '$1' in lab $LAB (h1..h$_lab_n, switch)"
		return 1
		;;
	esac
	_lab_ns=$LAB-$1
}

# _lab_hostif HOST IF: like _lab_host, for a host's lab interface.
_lab_hostif() {
	_lab_host "$1" || return 1
	case $1:$2:$_lab_two in
	switch:*) ;;
	*:eth0:* | *:eth1:1) return 0 ;;
	esac
	_lab_err "$1 has no lab interface '$2'"
	return 1
}

lab_ns() {
	_lab_host "${1-}" || return 1
	echo "$_lab_ns"
}

lab_exec() {
	if [ $# -lt 2 ]; then
		_lab_err "usage: lab_exec HOST CMD..."
		return 100
	fi
	_lab_host "$1" || return 1
	shift
	ip netns exec "$_lab_ns" "$@"
}

# lab_dig HOST SERVER NAME: the A records SERVER answers for NAME, asked
# from HOST (one address a line), or its status when it has none
# (NXDOMAIN, REFUSED, ...); fails when dig gets no answer.
lab_dig() {
	local out
	out=$(lab_exec "$1" dig @"$2" +norec +tries=1 +time=1 "$3" A +noall \
		+answer +comments) || return 1
	if grep -q 'status: NOERROR' <<<"$out" && grep -q "	A	" <<<"$out"; then
		awk '$4 == "A" { print $5 }' <<<"$out"
	else
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out"
	fi
}

lab_mac() {
	local ns f
	_lab_host "${1-}" || return 1
	ns=$_lab_ns
	f=$(ip -n "$ns" -br link show dev "${2-}") || return 1
	# shellcheck disable=SC2086 # "eth0@if5 UP 02:00:00:00:00:01 <...>"
	set -- $f
	echo "$3"
}

lab_wait() {
	local t=${1-} not='' now end
	if [ $# -lt 2 ] || ! t=$(_lab_seconds "$t"); then
		_lab_err "usage: lab_wait SECONDS [!] CMD..."
		return 100
	fi
	shift
	if [ "$1" = '!' ]; then
		not=1
		shift
	fi
	end=$(($(_lab_usec) + t))
	while :; do
		if [ -n "$not" ]; then
			"$@" || return 0
		else
			"$@" && return 0
		fi
		now=$(_lab_usec)
		if [ "$now" -ge "$end" ] || [ -n "${BATS_INTERRUPTED-}" ]; then
			break
		fi
		sleep 0.02
	done
	_lab_err "lab_wait: timed out: ${not:+! }$*"
	return 1
}

# ---------------------------------------------------------------- lab_up

# Addresses of host I in a lab with index S: host number H = 10 + 10*S + I.
#   one interface:  eth0 192.0.2.H/24,  2001:db8::H/64
#   with -2:        eth0 192.0.2.H/25,  2001:db8::H/64
#                   eth1 192.0.2.(128+H)/25, 2001:db8:1::H/64
# (H is written in decimal in IPv6 too: host 11 is 2001:db8::11.)
# MAC 02:00:00:00:0X:II for ethX of host I; so h1's eth0 has the link-local
# address fe80::ff:fe00:1.
_lab_build() {
	local dir=$1 id=$2 n=$3 two=$4 s=$5 i h seg ns sw=$2-switch
	local -a nss=("$sw")
	for ((i = 1; i <= n; i++)); do
		nss+=("$id-h$i")
	done
	# Recorded before they exist: whoever cleans up deletes what is there.
	printf '%s\n' "${nss[@]}" >"$dir/netns" || return 1
	for ns in "${nss[@]}"; do
		if [ -e "/run/netns/$ns" ]; then
			# Our PID is in the name and we have not made it: a crashed
			# run's, whose PID we now have.
			_lab_err "removing leftover namespace $ns"
			ip netns del "$ns" || return 1
		fi
	done
	printf 'netns add %s\n' "${nss[@]}" | ip -batch - || return 1
	# No duplicate address detection (addresses usable at once, also on
	# interfaces tests add later, as macvlans), no router solicitations.
	for ((i = 1; i <= n; i++)); do
		ip netns exec "$id-h$i" sysctl -q -w \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.default.dad_transmits=0 \
			net.ipv6.conf.default.router_solicitations=0 || return 1
	done
	# The switch: a bridge per segment that forwards at once and floods
	# multicast to every port (no STP, no forward delay, no IGMP/MLD
	# snooping).  Its own interfaces have no address, so it sends nothing.
	{
		for ((seg = 0; seg <= two; seg++)); do
			echo "link add br$seg type bridge stp_state 0 forward_delay 0 mcast_snooping 0"
			echo "link set br$seg addrgenmode none"
			for ((i = 1; i <= n; i++)); do
				printf 'link add h%d-eth%d type veth peer name eth%d address 02:00:00:00:%02x:%02x netns %s\n' \
					"$i" "$seg" "$seg" "$seg" "$i" "$id-h$i"
				echo "link set h$i-eth$seg addrgenmode none"
				echo "link set h$i-eth$seg master br$seg up"
			done
			echo "link set br$seg up"
		done
	} | ip -n "$sw" -batch - || return 1
	for ((i = 1; i <= n; i++)); do
		h=$((10 + 10 * s + i))
		{
			echo "link set lo up"
			if [ "$two" = 1 ]; then
				echo "address add 192.0.2.$h/25 dev eth0"
				echo "address add 192.0.2.$((128 + h))/25 dev eth1"
				echo "address add 2001:db8:1::$h/64 dev eth1 nodad"
				echo "link set eth1 up"
			else
				echo "address add 192.0.2.$h/24 dev eth0"
			fi
			echo "address add 2001:db8::$h/64 dev eth0 nodad"
			echo "link set eth0 up"
		} | ip -n "$id-h$i" -batch - || return 1
	done
}

# _lab_guard DIR: the guardian, in its own session: cleans the lab up when
# its owner process dies without lab_down (SIGKILL, a forgotten teardown).
_lab_guard() {
	local dir=$1 opid ostart fd
	{ read -r opid ostart <"$dir/owner"; } 2>/dev/null || exit 0
	_lab_proc $$ || exit 0
	echo "$$ $_lab_pstart" >"$dir/guard"
	exec {fd}<> <(:)
	while [ -d "$dir" ] && _lab_alive "$opid" "$ostart"; do
		read -r -t 0.2 -u "$fd" _ || :
	done
	if [ -d "$dir" ]; then
		_lab_clean "$dir"
	fi
}

# _lab_reap: clean up labs whose owner and guardian are both gone.
_lab_reap() {
	local d pid start
	for d in "$LAB_STATE"/.new-vl*; do
		pid=${d##*/.new-vl}
		pid=${pid%%-*}
		if [ -d "$d" ] && ! _lab_proc "$pid"; then
			rm -rf "$d"
		fi
	done
	for d in "$LAB_STATE"/vl*/; do
		d=${d%/}
		[ -d "$d" ] || continue
		if { read -r pid start <"$d/owner"; } 2>/dev/null && _lab_alive "$pid" "$start"; then
			continue
		fi
		if { read -r pid start <"$d/guard"; } 2>/dev/null && _lab_alive "$pid" "$start"; then
			continue
		fi
		_lab_err "removing the leftovers of lab ${d##*/}, whose owner is gone"
		_lab_clean "$d" || :
	done
}

# _lab_trap SIG STATUS: SIGTERM or SIGHUP of the labs' owner: down with
# every lab, then exit with STATUS (under bats, its EXIT trap then runs
# teardown and reports), or pass SIG on to the shell's own trap for it.
# Bash alone runs the EXIT trap on an untrapped SIGTERM only most of the
# time, and the guardian would come 0.2 s after the owner is gone.
_lab_trap() {
	local prev=$_LAB_TRAP_TERM
	if [ "$1" = HUP ]; then
		prev=$_LAB_TRAP_HUP
	fi
	lab_down || :
	if [ -n "$prev" ]; then
		kill -s "$1" "$BASHPID"
		return 0
	fi
	exit "$2"
}

# _lab_traps set|restore: our SIGTERM and SIGHUP traps in the shell that
# owns labs, or the shell's own ones back once it has none.
_lab_traps() {
	if [ "$1" = set ] && [ "${_LAB_TRAPPED-}" != "$BASHPID" ]; then
		_LAB_TRAP_TERM=$(trap -p TERM) _LAB_TRAP_HUP=$(trap -p HUP)
		trap '_lab_trap TERM 143' TERM
		trap '_lab_trap HUP 129' HUP
		_LAB_TRAPPED=$BASHPID
	elif [ "$1" = restore ] && [ "${_LAB_TRAPPED-}" = "$BASHPID" ]; then
		trap - TERM HUP
		eval "$_LAB_TRAP_TERM"
		eval "$_LAB_TRAP_HUP"
		_LAB_TRAPPED=
	fi
}

lab_up() {
	local two=0 n s id dir new
	if [ "${1-}" = -2 ]; then
		two=1
		shift
	fi
	n=${1-} s=${2-0}
	if ! [[ $n =~ ^[1-9][0-9]{0,2}$ && $s =~ ^[0-9]$ ]] || [ $# -gt 2 ] ||
		[ $((10 + 10 * s + n)) -gt $((two ? 127 : 254)) ]; then
		_lab_err "usage: lab_up [-2] N [INDEX] (10 + 10*INDEX + N at most 254, with -2 at most 127)"
		return 100
	fi
	mkdir -p "$LAB_STATE" || return 111
	_lab_reap
	_lab_proc "$BASHPID" || return 111
	while :; do
		_LAB_COUNT=$((_LAB_COUNT + 1))
		id=vl$BASHPID-$_LAB_COUNT
		dir=$LAB_STATE/$id
		[ -e "$dir" ] || break
	done
	# Made whole under another name, then renamed: _lab_reap never sees a
	# lab without its owner.
	new=$LAB_STATE/.new-$id
	rm -rf "$new"
	mkdir "$new" &&
		echo "$BASHPID $_lab_pstart" >"$new/owner" &&
		echo "$n $two $s" >"$new/conf" &&
		: >"$new/procs" &&
		mv "$new" "$dir" || return 111
	LAB=$id
	_LAB_LABS+=("$id")
	_lab_traps set
	if [ -z "${LAB_NO_GUARD-}" ]; then
		(
			_lab_closefds
			cd / || exit
			# shellcheck disable=SC2016 # expanded by the guardian
			exec setsid "$BASH" -c '. "$1" && _lab_guard "$2"' lab-guard \
				"$LAB_HOME/lab.bash" "$dir" </dev/null >/dev/null 2>&1
		) &
		disown $! 2>/dev/null || :
	fi
	if ! _lab_build "$dir" "$id" "$n" "$two" "$s"; then
		_lab_err "lab_up: could not build lab $id; removing it"
		lab_down "$id" || :
		return 111
	fi
}

# ---------------------------------------------------------------- processes

# _lab_record PID KIND [FILE]: remember a process we started.
_lab_record() {
	local start=-
	if _lab_proc "$1"; then
		start=$_lab_pstart
	fi
	echo "$1 $start $2 ${3-}" >>"$_lab_d/procs"
}

# _lab_bg NS LOG CMD...: start CMD in namespace NS (the initial one if NS
# is empty) in a session of its own (so Ctrl-C of the test does not reach
# it and lab_down can signal its whole process group), output to LOG;
# sets _lab_pid.
_lab_bg() {
	local ns=$1 log=$2 m=
	shift 2
	# With job control the child would lead its own group, and setsid
	# would then fork: $! would no longer be the command.
	if [[ $- == *m* ]]; then
		m=1
		set +m
	fi
	(
		_lab_closefds
		if [ -z "$ns" ]; then
			exec setsid "$@" </dev/null >"$log" 2>&1
		fi
		exec setsid ip netns exec "$ns" "$@" </dev/null >"$log" 2>&1
	) &
	_lab_pid=$!
	if [ -n "$m" ]; then
		set -m
	fi
	disown "$_lab_pid" 2>/dev/null || :
}

lab_spawn() {
	if [ $# -lt 3 ]; then
		_lab_err "usage: lab_spawn HOST LOGFILE CMD..."
		return 100
	fi
	local host=$1 log=$2
	shift 2
	_lab_host "$host" || return 1
	if ! : >"$log"; then
		_lab_err "lab_spawn: cannot write $log"
		return 111
	fi
	_lab_bg "$_lab_ns" "$log" "$@"
	_lab_record "$_lab_pid" spawn "$log"
	echo "$_lab_pid"
}

# lab_spawn_init LOG CMD...: like lab_spawn, but CMD starts in the initial
# network namespace, for a program that joins a host's itself (vrrpd -N).
lab_spawn_init() {
	if [ $# -lt 2 ]; then
		_lab_err "usage: lab_spawn_init LOGFILE CMD..."
		return 100
	fi
	local log=$1
	shift
	_lab_dir || return 1
	if ! : >"$log"; then
		_lab_err "lab_spawn_init: cannot write $log"
		return 111
	fi
	_lab_bg "" "$log" "$@"
	_lab_record "$_lab_pid" spawn "$log"
	echo "$_lab_pid"
}

# _lab_find PID: the START of a process we started, in any of our labs.
_lab_find() {
	local id p start _
	for id in ${_LAB_LABS[@]+"${_LAB_LABS[@]}"}; do
		while read -r p start _; do
			if [ "$p" = "$1" ]; then
				echo "$start"
				return 0
			fi
		done 2>/dev/null <"$LAB_STATE/$id/procs" || :
	done
	return 1
}

lab_alive() {
	local start
	start=$(_lab_find "${1-}") && _lab_alive "$1" "$start"
}

lab_kill() {
	local pid=${1-} sig=${2-TERM} start
	if [ -z "$pid" ] || [ $# -gt 2 ]; then
		_lab_err "usage: lab_kill PID [SIGNAL]"
		return 100
	fi
	if ! start=$(_lab_find "$pid"); then
		_lab_err "lab_kill: $pid was not started by the lab"
		return 1
	fi
	if ! _lab_alive "$pid" "$start"; then
		_lab_err "lab_kill: $pid is not running"
		return 1
	fi
	sig=${sig#-}
	kill -s "${sig#SIG}" "$pid"
}

lab_link() {
	local host=${1-} ifc=${2-} op=${3-} want i
	_lab_hostif "$host" "$ifc" || return 1
	case $op in
	down | up)
		ip -n "$LAB-switch" link set "$host-$ifc" "$op" || return 1
		;;
	admin-down | admin-up)
		ip -n "$_lab_ns" link set "$ifc" "${op#admin-}" || return 1
		;;
	*)
		_lab_err "usage: lab_link HOST IF down|up|admin-down|admin-up"
		return 100
		;;
	esac
	# Return once the host sees it (its operational state follows the
	# carrier through the kernel's link watch, a moment later).
	for ((i = 0; i < 100; i++)); do
		want=$(_lab_operstate "$_lab_ns" "$ifc" "$LAB-switch" "$host-$ifc") || return 1
		if [ "$want" = ok ]; then
			return 0
		fi
		sleep 0.02
	done
	_lab_err "lab_link: $host $ifc: state $want"
	return 1
}

# _lab_operstate NS IF SWNS PORT: "ok" when IF's operational state agrees
# with its own and its switch port's administrative state, else the state.
_lab_operstate() {
	local a b
	a=$(ip -n "$1" -o link show dev "$2") || return 1
	b=$(ip -n "$3" -o link show dev "$4") || return 1
	a=${a#*<} b=${b#*<}
	local flags=${a%%>*} pflags=${b%%>*} state=${a#* state }
	state=${state%% *}
	if [[ ,$flags, != *,UP,* ]]; then
		[ "$state" = DOWN ] && echo ok || echo "$state"
	elif [[ ,$pflags, != *,UP,* ]]; then
		[ "$state" != UP ] && [[ ,$flags, == *,NO-CARRIER,* ]] && echo ok || echo "$state"
	else
		[ "$state" = UP ] && echo ok || echo "$state"
	fi
}

# ---------------------------------------------------------------- captures

lab_capture() {
	local ifc=${1-} file=${2-} i
	if [ $# -ne 2 ]; then
		_lab_err "usage: lab_capture IF FILE"
		return 100
	fi
	_lab_host switch || return 1
	case $ifc in eth[01]) ifc=br${ifc#eth} ;; esac
	ip -n "$_lab_ns" link show dev "$ifc" >/dev/null || return 1
	if ! : >"$file"; then
		_lab_err "lab_capture: cannot write $file"
		return 111
	fi
	_lab_bg "$_lab_ns" "$file.log" "$LAB_TOOL" capture "$ifc" "$file"
	_lab_record "$_lab_pid" capture "$file"
	# Running once the pcap header is there: labtool writes it after bind.
	for ((i = 0; i < 500; i++)); do
		if [ "$(stat -c %s "$file")" -ge 24 ]; then
			rm -f "$file.log"
			return 0
		fi
		lab_alive "$_lab_pid" || break
		sleep 0.01
	done
	_lab_err "lab_capture: capture on $ifc did not start: $(cat "$file.log")"
	return 111
}

# _lab_stop PID START...: TERM, wait up to $LAB_GRACE seconds, then KILL.
_lab_stop() {
	local -a pids=() starts=()
	local p s i end
	while [ $# -ge 2 ]; do
		if _lab_alive "$1" "$2"; then
			kill -s TERM "$1" 2>/dev/null || :
			pids+=("$1") starts+=("$2")
		fi
		shift 2
	done
	end=$(($(_lab_usec) + $(_lab_seconds "$LAB_GRACE")))
	for ((i = 0; i < ${#pids[@]}; i++)); do
		while _lab_alive "${pids[i]}" "${starts[i]}"; do
			if [ "$(_lab_usec)" -ge "$end" ]; then
				_lab_err "process ${pids[i]} ignored SIGTERM; killing it"
				kill -s KILL "${pids[i]}" 2>/dev/null || :
			fi
			sleep 0.02
		done
	done
}

lab_capture_stop() {
	local id p s k f
	local -a stop=()
	for id in ${_LAB_LABS[@]+"${_LAB_LABS[@]}"}; do
		while read -r p s k f; do
			if [ "$k" = capture ] && { [ $# = 0 ] || [ "$f" = "$1" ]; }; then
				stop+=("$p" "$s")
			fi
		done 2>/dev/null <"$LAB_STATE/$id/procs" || :
	done
	_lab_stop ${stop[@]+"${stop[@]}"}
}

# ---------------------------------------------------------------- lab_down

# _lab_nspids INODE...: processes in the namespaces with these inodes.
_lab_nspids() {
	local i p
	local -a pat=()
	for i; do
		pat+=(-o -lname "net:\\[$i\\]")
	done
	[ ${#pat[@]} -gt 0 ] || return 0
	find /proc/[0-9]*/ns/net -maxdepth 0 \( "${pat[@]:1}" \) -printf '%h\n' 2>/dev/null |
		while read -r p; do
			p=${p#/proc/}
			echo "${p%/ns}"
		done
}

# _lab_signal SIG: signal our recorded process groups, and every other
# process still in our namespaces (started there without lab_spawn, or a
# daemon that left its group).  Uses _lab_rec, _lab_inos.
_lab_signal() {
	local p s _ cmd kill_all=''
	local -a groups=()
	while read -r p s _; do
		if _lab_alive "$p" "$s"; then
			groups+=("$p")
			kill -s "$1" -- "-$p" 2>/dev/null || kill -s "$1" "$p" 2>/dev/null || :
		fi
	done <<<"$_lab_rec"
	for p in $(_lab_nspids ${_lab_inos[@]+"${_lab_inos[@]}"}); do
		_lab_proc "$p" || continue
		if [[ " ${groups[*]} " != *" $_lab_pgrp "* && $1 = TERM ]]; then
			cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || :
			_lab_err "process $p (${cmd% }) is in the lab but was not started with lab_spawn; stopping it"
		fi
		kill -s "$1" "$p" 2>/dev/null || :
		kill_all=1
	done
	[ -n "$kill_all" ] || [ ${#groups[@]} -gt 0 ]
}

# _lab_quiet: none of our processes is left.
_lab_quiet() {
	local p s _
	while read -r p s _; do
		if _lab_alive "$p" "$s"; then
			return 1
		fi
	done <<<"$_lab_rec"
	[ -z "$(_lab_nspids ${_lab_inos[@]+"${_lab_inos[@]}"})" ]
}

# _lab_clean DIR: end every process of the lab (TERM, then KILL after
# $LAB_GRACE seconds), delete its namespaces (and with them every interface
# it made), remove DIR.  Under a lock: lab_down, the guardian and a later
# run's _lab_reap may meet here.
_lab_clean() {
	local dir=$1 lk ns end rc=0
	local -a nss=() live=()
	[ -d "$dir" ] || return 0
	{ exec {lk}>>"$dir/lock"; } 2>/dev/null || return 0
	flock "$lk"
	if [ -d "$dir" ]; then
		mapfile -t nss 2>/dev/null <"$dir/netns" || :
		_lab_rec=$(cat "$dir/procs" 2>/dev/null) || :
		for ns in ${nss[@]+"${nss[@]}"}; do
			if [ -e "/run/netns/$ns" ]; then
				live+=("$ns")
			fi
		done
		_lab_inos=()
		if [ ${#live[@]} -gt 0 ]; then
			mapfile -t _lab_inos < <(stat -L -c %i "${live[@]/#//run/netns/}" 2>/dev/null)
		fi
		if _lab_signal TERM; then
			end=$(($(_lab_usec) + $(_lab_seconds "$LAB_GRACE")))
			while ! _lab_quiet && [ "$(_lab_usec)" -lt "$end" ]; do
				sleep 0.02
			done
			if ! _lab_quiet; then
				_lab_err "processes of lab ${dir##*/} ignored SIGTERM for ${LAB_GRACE}s; killing them"
				_lab_signal KILL || :
				end=$(($(_lab_usec) + 2000000))
				while ! _lab_quiet && [ "$(_lab_usec)" -lt "$end" ]; do
					sleep 0.02
				done
				if ! _lab_quiet; then
					_lab_err "processes of lab ${dir##*/} survive SIGKILL"
					rc=111
				fi
			fi
		fi
		if [ ${#live[@]} -gt 0 ]; then
			printf 'netns del %s\n' "${live[@]}" | ip -force -batch - || rc=111
		fi
		rm -rf "$dir"
	fi
	exec {lk}>&-
	return "$rc"
}

lab_down() {
	local id rc=0 gpid gstart
	local -a ids=("$@") keep=()
	if [ $# = 0 ]; then
		ids=(${_LAB_LABS[@]+"${_LAB_LABS[@]}"})
	fi
	for id in ${ids[@]+"${ids[@]}"}; do
		gpid='' gstart=''
		{ read -r gpid gstart <"$LAB_STATE/$id/guard"; } 2>/dev/null || :
		_lab_clean "$LAB_STATE/$id" || rc=111
		if [ -n "$gpid" ] && _lab_alive "$gpid" "$gstart"; then
			kill -s TERM "$gpid" 2>/dev/null || :
		fi
	done
	for id in ${_LAB_LABS[@]+"${_LAB_LABS[@]}"}; do
		if [[ " ${ids[*]} " != *" $id "* ]]; then
			keep+=("$id")
		fi
	done
	_LAB_LABS=(${keep[@]+"${keep[@]}"})
	if [ ${#_LAB_LABS[@]} = 0 ]; then
		_lab_traps restore
	fi
	if [[ " ${ids[*]} " == *" $LAB "* ]]; then
		LAB=
		if [ ${#_LAB_LABS[@]} -gt 0 ]; then
			LAB=${_LAB_LABS[${#_LAB_LABS[@]} - 1]}
		fi
	fi
	return "$rc"
}
