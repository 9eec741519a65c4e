#!/usr/bin/env bats
# vrrpd(8) sync groups: the guide's figure 2-4.  Two hosts with an outside
# (eth0, 192.0.2.H/25) and an inside (eth1, 192.0.2.128+H/25) interface;
# group 99 outside (192.0.2.100), group 101 inside (192.0.2.200).

load helper
load lab/lab

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up -2 2
}

teardown() {
	lab_down
}

# node HOST PRIORITY [SYNC]: both groups, in sync group SYNC if given
node() {
	local h=$1 p=$2 sync=${3-} g
	: >"$D/$h.conf"
	for g in "eth0 99 192.0.2.100/25" "eth1 101 192.0.2.200/25"; do
		set -- $g
		{
			echo "set interfaces ethernet $1 vrrp vrrp-group $2 virtual-address $3"
			echo "set interfaces ethernet $1 vrrp vrrp-group $2 priority $p"
			echo "set interfaces ethernet $1 vrrp vrrp-group $2 preempt true"
			[ -z "$sync" ] || echo "set interfaces ethernet $1 vrrp vrrp-group $2 sync-group $sync"
		} >>"$D/$h.conf"
	done
	lab_spawn "$h" "$D/$h.log" "$VPNHA_BIN/vrrpd" -f "$D/$h.conf" \
	    -r "$D/$h.run" >"$D/$h.pid"
}

st() {	# st HOST FILE: the state in HOST's status file FILE
	sed -n 's/^state=//p' "$D/$1.run/vrrpd/$2" 2>/dev/null
}

is() {	# is HOST FILE STATE
	[ "$(st "$1" "$2")" = "$3" ]
}

both() {	# both HOST STATE: both groups of HOST in STATE
	[ "$(st "$1" eth0.99)" = "$2" ] && [ "$(st "$1" eth1.101)" = "$2" ]
}

steady() {
	lab_wait 8 both h1 master
	lab_wait 8 both h2 backup
}

@test "figure 2-4: the master's inside link fails; the backup takes both, outside within Skew_Time" {
	node h1 250 ACM
	node h2 200 ACM
	steady
	t0=$(now)
	lab_link h1 eth1 down
	lab_wait 3 is h2 eth0.99 master
	t1=$(now)
	lab_wait 1 is h2 eth1.101 master
	t2=$(now)
	out=$(elapsed "$t0" "$t1")
	in=$(elapsed "$t0" "$t2")
	# Skew_Time of priority 200 at 1 s: (256 - 200) / 256 = 0.219 s;
	# Master_Down_Interval 3.219 s
	echo "# inside link cut -> outside taken after $out s, inside after $in s (Skew_Time 0.219 s, MDI 3.219 s)" >&3
	awk -v t="$in" 'BEGIN { exit !(t < 1.0) }'
	[ "$(st h1 eth1.101)" = fault ]
	[ "$(st h1 eth0.99)" = backup ]
	run vrrp-show -r "$D/h1.run" interface eth1
	assert_line --index 1 'Interface state: down, Group 101, State: fault'
	lab_exec h1 ip -o addr | grep -vq 192.0.2.100
	run lab_exec h1 ip -o addr show dev eth0
	refute_output --partial 192.0.2.100
	run lab_exec h2 ip -o addr
	assert_output --partial 192.0.2.100/25
	assert_output --partial 192.0.2.200/25
	grep -q 'priority0_sent=[1-9]' "$D/h1.run/vrrpd/eth0.99" ||
	    lab_wait 2 grep -q 'priority0_sent=[1-9]' "$D/h1.run/vrrpd/eth0.99"
	# a member in Fault holds the whole group out of Master, longer than MDI
	sleep 4
	[ "$(st h1 eth0.99)" = backup ]
	[ "$(st h2 eth0.99)" = master ]
	# the link comes back: h1 (250) preempts both again
	lab_link h1 eth1 up
	lab_wait 8 both h1 master
	lab_wait 3 both h2 backup
}

@test "without a sync group, each group stays alone" {
	node h1 250
	node h2 200
	steady
	lab_link h1 eth1 down
	lab_wait 5 is h2 eth1.101 master
	sleep 1
	[ "$(st h1 eth0.99)" = master ]
	[ "$(st h2 eth0.99)" = backup ]
}

@test "a better master on one member takes the whole sync group, without flapping" {
	node h1 250 ACM
	node h2 200 ACM
	steady
	# only the outside group of h2 is raised above h1's
	echo 'priority eth0 99 254' | socat -t 5 - "UNIX-CONNECT:$D/h2.run/vrrpd/control"
	lab_wait 6 both h2 master
	lab_wait 3 both h1 backup
	n=$(grep -c ' -> ' "$D/h1.log")
	sleep 5	# more than Master_Down_Interval: h1's inside group must not retake
	both h2 master
	both h1 backup
	[ "$(grep -c ' -> ' "$D/h1.log")" -eq "$n" ]
}

@test "a sync group set by SIGHUP on running groups: the inside link fails, the backup takes both" {
	node h1 250
	node h2 200
	steady
	for h in h1 h2; do
		printf 'set interfaces ethernet %s vrrp vrrp-group %s sync-group ACM\n' \
		    eth0 99 eth1 101 >>"$D/$h.conf"
		lab_kill "$(cat "$D/$h.pid")" HUP
		lab_wait 5 grep -q 'eth1: vrid 101: sync-group (none) -> ACM' "$D/$h.log"
		grep -q 'eth0: vrid 99: sync-group (none) -> ACM' "$D/$h.log"
		grep -q '^sync_group=ACM$' "$D/$h.run/vrrpd/eth0.99"
	done
	both h1 master
	both h2 backup
	lab_link h1 eth1 down
	lab_wait 5 both h2 master
	[ "$(st h1 eth0.99)" = backup ]
}

@test "when one member becomes master, every member does at once (SIGTERM of the master)" {
	node h1 250 ACM
	node h2 200 ACM
	steady
	lab_kill "$(cat "$D/h1.pid")" TERM
	lab_wait 2 both h2 master
	grep -q 'priority0_sent=1' "$D/h1.run/vrrpd/eth0.99"
	grep -q 'priority0_sent=1' "$D/h1.run/vrrpd/eth1.101"
}

@test "an interface missing at start is waited for, not fatal" {
	cat >"$D/h1.conf" <<-EOF
	set interfaces ethernet vx7 vrrp vrrp-group 7 virtual-address 192.0.2.77/25
	EOF
	lab_spawn h1 "$D/h1.log" "$VPNHA_BIN/vrrpd" -f "$D/h1.conf" -r "$D/h1.run" >"$D/h1.pid"
	lab_wait 5 is h1 vx7.7 fault
	grep -q 'vx7: no such interface; waiting for it' "$D/h1.log"
	lab_exec h1 ip link add vx7 type veth peer name vx7p
	lab_exec h1 ip link set vx7p up
	lab_exec h1 ip addr add 192.0.2.70/25 dev vx7
	lab_exec h1 ip link set vx7 up
	lab_wait 8 is h1 vx7.7 master
	run lab_exec h1 ip -o addr show dev vx7
	assert_output --partial 192.0.2.77/25
}
