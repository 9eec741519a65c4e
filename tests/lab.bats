#!/usr/bin/env bats
# The lab of tests/lab/: hosts in network namespaces on a bridge.  It must
# carry unicast and multicast between its hosts, cut links, capture, and
# leave nothing behind on any way out of a test.

load helper
load lab/lab

setup() {
	lab_up 3
}

teardown() {
	lab_down
}

# running PID: that process exists and is not a zombie.
running() {
	local s
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# gone ID [STATE]: nothing of lab ID is left: no namespace, no record.
gone() {
	! ip netns list | grep -q "^$1-" && [ ! -e "${2:-$LAB_STATE}/$1" ]
}

# in_ns PID HOST: process PID is in HOST's namespace.
in_ns() {
	[ "$(readlink "/proc/$1/ns/net")" = "net:[$(stat -L -c %i "/run/netns/$(lab_ns "$2")")]" ]
}

@test "three hosts ping each other over IPv4 and IPv6" {
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" != "$j" ] || continue
			run lab_exec "h$i" ping -n -c 1 -W 1 "192.0.2.1$j"
			assert_success
			run lab_exec "h$i" ping -n -c 1 -W 1 "2001:db8::1$j"
			assert_success
		done
	done
}

@test "addresses, MAC and link-local address of a host, usable at once (no DAD)" {
	run lab_exec h2 ip -br addr show dev eth0
	assert_success
	assert_output --regexp '^eth0@if[0-9]+ +UP +192\.0\.2\.12/24 2001:db8::12/64 fe80::ff:fe00:2/64 *$'
	run lab_exec h2 ip -6 addr show tentative
	assert_output ''
	# Nor on an interface a test adds, as vrrpd adds its macvlans.
	lab_exec h2 ip link add mv0 link eth0 type macvlan mode private
	lab_exec h2 ip link set mv0 up
	run lab_exec h2 ip -6 addr show dev mv0
	assert_output --partial 'scope link'
	refute_output --partial 'tentative'
	run lab_mac h3 eth0
	assert_output 02:00:00:00:00:03
	run lab_exec h1 ip -br link
	assert_output --regexp '^lo +UNKNOWN'
	[ "${#lines[@]}" -eq 2 ]
	run lab_ns h1
	assert_output "$LAB-h1"
}

@test "the bridge floods at once: no STP, no forward delay, no multicast snooping" {
	run lab_exec switch ip -d link show br0
	assert_output --partial 'forward_delay 0 '
	assert_output --partial 'stp_state 0 '
	assert_output --partial 'mcast_snooping 0 '
}

@test "multicast to 224.0.0.18 and ff02::12 from h1 reaches h2 and h3" {
	d=$BATS_TEST_TMPDIR
	for h in h2 h3; do
		lab_spawn "$h" "$d/$h.4" "$LAB_TOOL" mcast-listen eth0 224.0.0.18 >/dev/null
		lab_spawn "$h" "$d/$h.6" "$LAB_TOOL" mcast-listen eth0 ff02::12 >/dev/null
	done
	for f in h2.4 h2.6 h3.4 h3.6; do
		lab_wait 5 grep -q ready "$d/$f"
	done
	lab_exec h1 "$LAB_TOOL" mcast-send eth0 224.0.0.18
	lab_exec h1 "$LAB_TOOL" mcast-send eth0 ff02::12
	for h in h2 h3; do
		lab_wait 2 grep -q 'from 192.0.2.11 ttl 255 len 3$' "$d/$h.4"
		lab_wait 2 grep -q 'from fe80::ff:fe00:1 ttl 255 len 3$' "$d/$h.6"
	done
}

@test "lab_link down: no carrier on the host, no ping; up: both back" {
	run lab_exec h1 ping -n -c 1 -W 1 192.0.2.12
	assert_success
	lab_link h2 eth0 down
	run lab_exec h2 ip -o link show dev eth0
	assert_output --regexp '<NO-CARRIER,[^>]*\bUP\b[^>]*> .* state (DOWN|LOWERLAYERDOWN) '
	run lab_exec h1 ping -n -c 1 -W 0.3 192.0.2.12
	assert_failure
	run lab_exec h3 ping -n -c 1 -W 1 2001:db8::11
	assert_success
	lab_link h2 eth0 up
	run lab_exec h2 ip -o link show dev eth0
	assert_output --regexp '<BROADCAST,MULTICAST,UP,LOWER_UP> .* state UP '
	run lab_exec h1 ping -n -c 1 -W 1 192.0.2.12
	assert_success
}

@test "lab_link admin-down sets the host's own interface down, admin-up back" {
	lab_link h3 eth0 admin-down
	run lab_exec h3 ip -o link show dev eth0
	assert_output --regexp '<BROADCAST,MULTICAST> .* state DOWN '
	run lab_exec h1 ping -n -c 1 -W 0.3 192.0.2.13
	assert_failure
	lab_link h3 eth0 admin-up
	run lab_exec h1 ping -n -c 1 -W 1 192.0.2.13
	assert_success
	run lab_link h3 eth1 down
	assert_failure
	assert_output 'lab: h3 has no lab interface '\''eth1'\'''
}

@test "lab_spawn runs in the host's namespace; lab_down ends it and its children" {
	d=$BATS_TEST_TMPDIR
	pid=$(lab_spawn h2 "$d/log" sh -c 'ip -br -4 addr show dev eth0; sleep 1000 & echo $!; exec sleep 1001')
	lab_wait 5 grep -q '^[0-9]' "$d/log"
	run cat "$d/log"
	assert_line --index 0 --regexp '^eth0@if[0-9]+ +UP +192\.0\.2\.12/24'
	child=${lines[1]}
	running "$pid"
	running "$child"
	lab_alive "$pid"
	[ "$(readlink "/proc/$pid/ns/net")" = "$(readlink "/proc/$child/ns/net")" ]
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	ino=$(stat -L -c %i "/run/netns/$LAB-h2")
	run lab_down
	assert_success
	assert_output ''
	run ! running "$pid"
	run ! running "$child"
	run ! lab_alive "$pid"
	run _lab_nspids "$ino"
	assert_output ''
}

@test "lab_down kills a process that ignores SIGTERM after LAB_GRACE" {
	LAB_GRACE=0.3
	pid=$(lab_spawn h1 "$BATS_TEST_TMPDIR/log" sh -c 'trap "" TERM; echo trapped; while :; do sleep 0.1; done')
	lab_wait 5 grep -q trapped "$BATS_TEST_TMPDIR/log"
	run lab_down
	assert_success
	assert_output --partial 'ignored SIGTERM for 0.3s; killing them'
	run ! running "$pid"
}

@test "a process started in a lab namespace without lab_spawn is stopped too" {
	ip netns exec "$(lab_ns h3)" sleep 1000 3>&- &
	pid=$!
	lab_wait 5 in_ns "$pid" h3
	run lab_down
	assert_success
	assert_output --partial "process $pid (sleep 1000) is in the lab but was not started with lab_spawn; stopping it"
	run ! running "$pid"
}

@test "lab_kill signals only processes the lab started" {
	d=$BATS_TEST_TMPDIR
	pid=$(lab_spawn h1 "$d/log" sh -c 'trap "echo got HUP" HUP; echo up; while :; do sleep 0.05; done')
	lab_wait 5 grep -q up "$d/log"
	lab_kill "$pid" HUP
	lab_wait 5 grep -q 'got HUP' "$d/log"
	lab_kill "$pid" SIGKILL
	lab_wait 5 ! lab_alive "$pid"
	run lab_kill "$pid"
	assert_failure 1
	assert_output "lab: lab_kill: $pid is not running"
	run lab_kill $$
	assert_failure 1
	assert_output "lab: lab_kill: $$ was not started by the lab"
}

@test "after lab_down no namespace, interface or state of the run is left" {
	id=$LAB prefix=${LAB%-*}-
	[ "$prefix" = "vl$BASHPID-" ]
	run bash -c 'ip netns list | grep "^$1"' _ "$prefix"
	[ "${#lines[@]}" -eq 4 ]
	lab_down
	run bash -c 'ip netns list | grep "^$1"' _ "$prefix"
	assert_output ''
	gone "$id"
	[ -z "$LAB" ]
	# The lab makes every interface inside its namespaces, never here.
	run ip -o link
	refute_output --partial "$id"
	refute_output --regexp 'h[0-9]+-eth[01]'
	lab_down
}

@test "lab_capture sees the ICMP echo between two hosts, up to the last packet" {
	f=$BATS_TEST_TMPDIR/all.pcap p=$BATS_TEST_TMPDIR/h2.pcap
	lab_capture eth0 "$f"
	lab_capture h2-eth0 "$p"
	lab_exec h1 ping -n -c 1 -W 1 192.0.2.13
	lab_capture_stop
	run --separate-stderr tshark -n -r "$f" -Y icmp -T fields -e ip.src -e ip.dst -e icmp.type
	assert_success
	assert_output $'192.0.2.11\t192.0.2.13\t8\n192.0.2.13\t192.0.2.11\t0'
	# h2's port sees the broadcast ARP request, not the unicast echo.
	run --separate-stderr tshark -n -r "$p" -Y 'arp || icmp' -T fields -e _ws.col.Protocol
	assert_output 'ARP'
}

@test "two labs in one process, and a lab of another process, do not collide" {
	a=$LAB
	lab_up 2 1
	b=$LAB
	[ "$a" != "$b" ]
	run lab_exec h2 ip -br -4 addr show dev eth0
	assert_output --regexp ' 192\.0\.2\.22/24 *$'
	run lab_exec h1 ping -n -c 1 -W 1 192.0.2.22
	assert_success
	# Lab a's hosts are not on lab b's bridge.
	LAB=$a run lab_exec h1 ping -n -c 1 -W 0.3 192.0.2.22
	assert_failure
	# Another process builds and removes a lab meanwhile.
	run bash -c '. "$1/lab.bash" && lab_up 3 && lab_exec h3 ping -n -c 1 -W 1 192.0.2.11 >/dev/null &&
		echo "$LAB" && lab_down' _ "$LAB_HOME" 3>&-
	assert_success
	[ -n "$output" ] && [ "$output" != "$a" ] && [ "$output" != "$b" ]
	gone "$output"
	lab_down "$b"
	gone "$b"
	[ "$LAB" = "$a" ]
	run lab_exec h1 ping -n -c 1 -W 1 2001:db8::13
	assert_success
}

@test "two interfaces: eth0 on one bridge, eth1 on another" {
	lab_down
	lab_up -2 3
	run lab_exec h1 ip -br addr show dev eth1
	assert_output --regexp '^eth1@if[0-9]+ +UP +192\.0\.2\.139/25 2001:db8:1::11/64 fe80::ff:fe00:101/64 *$'
	run lab_exec h1 ip -br -4 addr show dev eth0
	assert_output --regexp ' 192\.0\.2\.11/25 *$'
	run lab_mac h2 eth1
	assert_output 02:00:00:00:01:02
	for a in 192.0.2.12 2001:db8::12 192.0.2.140 2001:db8:1::12; do
		run lab_exec h1 ping -n -c 1 -W 1 "$a"
		assert_success
	done
	f=$BATS_TEST_TMPDIR/eth0.pcap g=$BATS_TEST_TMPDIR/eth1.pcap
	lab_capture eth0 "$f"
	lab_capture eth1 "$g"
	lab_link h2 eth1 down
	run lab_exec h1 ping -n -c 1 -W 0.3 192.0.2.140
	assert_failure
	run lab_exec h1 ping -n -c 1 -W 1 192.0.2.12
	assert_success
	run lab_exec h3 ping -n -c 1 -W 1 2001:db8:1::11
	assert_success
	lab_capture_stop
	run --separate-stderr tshark -n -r "$f" -Y 'icmp.type == 8 || icmpv6.type == 128' -T fields -e ip.dst -e ipv6.dst
	assert_output $'192.0.2.12\t'
	run --separate-stderr tshark -n -r "$g" -Y 'icmpv6.type == 128' -T fields -e ipv6.dst
	assert_output '2001:db8:1::11'
}

@test "lab_wait polls until true, gives up after the timeout, takes !" {
	f=$BATS_TEST_TMPDIR/flag
	(sleep 0.3 && touch "$f") 3>&- &
	lab_wait 5 test -e "$f"
	lab_wait 1 ! test -e "$f.no"
	t0=$(_lab_usec)
	run lab_wait 0.3 test -e "$f.no"
	t=$(($(_lab_usec) - t0))
	assert_failure 1
	assert_output 'lab: lab_wait: timed out: test -e '"$f.no"
	[ "$t" -ge 300000 ] && [ "$t" -lt 2000000 ]
	run lab_wait x true
	assert_failure 100
}

@test "usage errors: bad sizes, unknown hosts and interfaces" {
	run lab_up 0
	assert_failure 100
	run lab_up -2 200
	assert_failure 100
	run lab_exec h4 true
	assert_failure 1
	assert_output "lab: no host h4 in lab $LAB (h1..h3, switch)"
	run lab_link h1 eth0 sideways
	assert_failure 100
	run lab_capture eth7 "$BATS_TEST_TMPDIR/x.pcap"
	assert_failure
}

# --- every way out of a test cleans up

# inner: a new record of what tests/lab/selftest.inner makes.
inner() {
	d=$BATS_TEST_TMPDIR
	: >"$d/labs"
	: >"$d/pids"
}

# inner_env: env arguments that run a bats file inside this one without the
# outer run's BATS_* variables, which would confuse it.
inner_env() {
	local v
	env=()
	for v in $(compgen -e); do
		if [[ $v == BATS_* ]]; then
			env+=(-u "$v")
		fi
	done
	# Its own LAB_STATE: no other run's lab_up removes its leftovers.
	env+=(LAB_NO_GUARD=1 "LAB_HOME=$LAB_HOME" "INNER=$d" "LAB_STATE=$d/state")
}

# inner_clean: every lab and process of the inner run is gone.
inner_clean() {
	local id pid
	while read -r id; do
		gone "$id" "$d/state" || return 1
	done <"$d/labs"
	while read -r pid; do
		! running "$pid" || return 1
	done <"$d/pids"
}

@test "a failing test and a failing setup leave nothing behind (teardown)" {
	inner
	inner_env
	run env "${env[@]}" bats -f 'fails' "$LAB_HOME/selftest.inner" 3>&-
	assert_failure
	assert_output --partial 'not ok 1 setup fails'
	assert_output --partial 'not ok 2 test fails'
	[ "$(wc -l <"$d/labs")" -eq 2 ]
	[ "$(wc -l <"$d/pids")" -eq 2 ]
	inner_clean
}

# interrupted SIG [VAR=VALUE...]: run the waiting inner test under timeout,
# and send SIG to timeout once the test waits, as its timer or a terminal
# would.
interrupted() {
	local sig=$1
	shift
	inner
	inner_env
	env+=("$@")
	# A shell's background job starts with SIGINT ignored, which bats
	# could not undo; give it back its default.
	env "${env[@]}" /usr/bin/python3 -c '
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' timeout -s "$sig" 60 bats -f 'waits' "$LAB_HOME/selftest.inner" >"$d/out" 2>&1 3>&- &
	tpid=$!
	lab_wait 20 test -e "$d/ready"
	id=$(cat "$d/labs")
	[ -n "$(ip netns list | grep "^$id-")" ]
	running "$(cat "$d/pids")"
	kill -s "$sig" "$tpid"
	wait "$tpid" || :
	lab_wait 10 inner_clean
}

@test "a bats run stopped with SIGTERM mid-test leaves nothing behind, even with no teardown" {
	# The lab's own trap, not teardown: bash alone runs the EXIT trap (and
	# with it teardown) on SIGTERM only most of the time.
	interrupted TERM INNER_TEARDOWN=0
}

@test "a bats run interrupted with SIGINT (Ctrl-C) mid-test leaves nothing behind" {
	interrupted INT
}

@test "an owner killed with SIGKILL: the lab's guardian cleans up" {
	d=$BATS_TEST_TMPDIR
	bash -c '. "$1/lab.bash" && lab_up 2 && lab_spawn h2 /dev/null sleep 1000 >"$2/pid" &&
		echo "$LAB" >"$2/lab" && exec sleep 1000' _ "$LAB_HOME" "$d" </dev/null >/dev/null 2>&1 3>&- &
	owner=$!
	lab_wait 10 test -s "$d/lab"
	id=$(cat "$d/lab") pid=$(cat "$d/pid")
	running "$pid"
	kill -s KILL "$owner"
	wait "$owner" || :
	lab_wait 5 gone "$id"
	lab_wait 5 ! running "$pid"
}

@test "a crashed run's leftovers are removed by the next lab_up, and don't break it" {
	d=$BATS_TEST_TMPDIR
	# Labs recorded apart, where no other run's lab_up removes them first.
	prefix=${LAB%-*}
	lab_down
	LAB_STATE=$d/state
	export LAB_STATE
	# Crashed without a guardian: everything stays, until the next lab_up.
	LAB_NO_GUARD=1 bash -c '. "$1/lab.bash" && lab_up 2 && lab_spawn h2 /dev/null sleep 1000 >"$2/pid" &&
		echo "$LAB" >"$2/lab" && exec sleep 1000' _ "$LAB_HOME" "$d" </dev/null >/dev/null 2>&1 3>&- &
	owner=$!
	lab_wait 10 test -s "$d/lab"
	id=$(cat "$d/lab") pid=$(cat "$d/pid")
	kill -s KILL "$owner"
	wait "$owner" || :
	sleep 0.3
	run ! gone "$id"
	running "$pid"
	# A namespace with the very name our next lab will have, as a crashed
	# run with our PID would have left.
	next=$prefix-$((_LAB_COUNT + 1))
	ip netns add "$next-h1"
	lab_up 1 2>"$d/err"
	[ "$LAB" = "$next" ]
	run cat "$d/err"
	assert_line "lab: removing the leftovers of lab $id, whose owner is gone"
	assert_line "lab: removing leftover namespace $next-h1"
	gone "$id"
	run ! running "$pid"
	run lab_exec h1 ping -n -c 1 -W 1 192.0.2.11
	assert_success
}
