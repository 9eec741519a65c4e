#!/usr/bin/env bats
# vrrp-failover(8): the guide's "Forcing an Artificial Failover", immediate.
# h1 = 192.0.2.11 (master, 150), h2 = 192.0.2.12 (backup, 100), as the guide.

load helper
load lab/lab

VIP=192.0.2.100

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up 2
}

teardown() {
	lab_down
}

# node HOST PRIORITY [STATEMENT...]: groups 99 and 1 (sync group ACM) on eth0
node() {
	local h=$1 p=$2 s g
	shift 2
	: >"$D/$h.conf"
	for g in "99 $VIP/24" "1 192.0.2.101/24"; do
		set -- ${g} "$@"
		{
			echo "set interfaces ethernet eth0 vrrp vrrp-group $1 virtual-address $2"
			echo "set interfaces ethernet eth0 vrrp vrrp-group $1 priority $p"
			echo "set interfaces ethernet eth0 vrrp vrrp-group $1 sync-group ACM"
			for s in "${@:3}"; do
				echo "set interfaces ethernet eth0 vrrp vrrp-group $1 $s"
			done
		} >>"$D/$h.conf"
		shift 2
	done
}

start() {
	lab_spawn "$1" "$D/$1.log" "$VPNHA_BIN/vrrpd" -f "$D/$1.conf" \
	    -r "$D/$1.run" >"$D/$1.pid"
}

is() {	# is HOST VRID STATE
	[ "$(sed -n 's/^state=//p' "$D/$1.run/vrrpd/eth0.$2" 2>/dev/null)" = "$3" ]
}

pair() {	# pair [STATEMENT...]: h1 150 master, h2 100 backup
	node h1 150 "$@"
	node h2 100 "$@"
	start h1
	lab_wait 6 is h1 99 master
	start h2
	lab_wait 6 is h2 99 backup
	lab_wait 6 is h2 1 backup
	lab_wait 3 grep -q '^master_priority=150$' "$D/h2.run/vrrpd/eth0.99"
	lab_wait 3 grep -q '^master_priority=150$' "$D/h2.run/vrrpd/eth0.1"
}

@test "take on the backup (the guide: 100 -> above 150): master within an interval plus the skew" {
	pair 'preempt true'
	run vrrp-failover -r "$D/h2.run" take eth0 99
	assert_success
	assert_line 'eth0 99 backup, priority 100 -> 151'
	assert_line 'eth0 1 backup, priority 100 -> 151'
	assert_line --regexp '^eth0 99: backup -> master after [0-9.]+ s$'
	assert_line --regexp '^eth0 1: backup -> master after [0-9.]+ s$'
	t=$(sed -n 's/^eth0 99: backup -> master after \([0-9.]*\) s$/\1/p' <<<"$output")
	# one advert interval (1 s) plus Skew_Time of 151 ((256-151)/256 s)
	echo "# take: master after $t s (bound 1.41 s; RFC timer alone: up to 3.6 s)" >&3
	awk -v t="$t" 'BEGIN { exit !(t <= 1.6) }'
	lab_wait 3 is h1 99 backup
	lab_wait 3 is h1 1 backup
	run lab_exec h2 ip -o addr show dev eth0
	assert_output --partial "$VIP/24"
	run lab_exec h1 ip -o addr show dev eth0
	refute_output --partial "$VIP/24"
}

@test "release on the master: the backup takes over within Skew_Time" {
	pair 'preempt true'
	run vrrp-failover -r "$D/h1.run" release eth0 99
	assert_success
	assert_line 'eth0 99 master, priority 150 -> 1'
	assert_line 'eth0 1 master, priority 150 -> 1'
	assert_line --regexp '^eth0 99: master -> backup after [0-9.]+ s$'
	lab_wait 2 is h2 99 master
	lab_wait 2 is h2 1 master
	grep -q 'priority0_sent=[1-9]' "$D/h1.run/vrrpd/eth0.99"
	# and stays so: priority 1 does not preempt
	sleep 4
	is h1 99 backup
	is h2 99 master
}

@test "release on a backup: nothing to release, no priority changed, exit 0" {
	pair 'preempt true'
	run vrrp-failover -r "$D/h2.run" release eth0 99
	assert_success
	assert_output "$(printf '%s\n' 'eth0 99: backup, not master: nothing to release' \
	    'eth0 1: backup, not master: nothing to release')"
	grep -q '^priority=100$' "$D/h2.run/vrrpd/eth0.99"
	grep -q '^priority=100$' "$D/h2.run/vrrpd/eth0.1"
	run ! grep -q 'run-time priority' "$D/h2.log"
	# the same with -p, and through the socket
	run vrrp-failover -r "$D/h2.run" -p 20 release eth0 1
	assert_success
	assert_line 'eth0 1: backup, not master: nothing to release'
	run sh -c "echo 'release eth0 99 5' | socat -t 5 - UNIX-CONNECT:$D/h2.run/vrrpd/control"
	assert_output "$(printf '%s\n' 'eth0 99: backup, not master: nothing to release' \
	    'eth0 1: backup, not master: nothing to release' ok)"
	grep -q '^priority=100$' "$D/h2.run/vrrpd/eth0.99"
	is h1 99 master
	is h2 99 backup
}

@test "take on the master: already master, no priority changed, exit 0" {
	pair 'preempt true'
	run vrrp-failover -r "$D/h1.run" take eth0 99
	assert_success
	assert_output "$(printf '%s\n' 'eth0 99: already master' 'eth0 1: already master')"
	grep -q '^priority=150$' "$D/h1.run/vrrpd/eth0.99"
	grep -q '^priority=150$' "$D/h1.run/vrrpd/eth0.1"
	run ! grep -q 'run-time priority' "$D/h1.log"
	is h1 99 master
	is h2 99 backup
}

@test "priority and restore: the guide's 150 lowered to 50 switches by the RFC's timers" {
	pair 'preempt true'
	run vrrp-failover -r "$D/h1.run" priority eth0 99 50
	assert_success
	assert_output ''
	run vrrp-failover -r "$D/h1.run" priority eth0 1 50
	assert_success
	lab_wait 6 is h2 99 master
	lab_wait 6 is h1 99 backup
	run vrrp-failover -r "$D/h1.run" restore eth0 99
	assert_success
	grep -q '^priority=150$' "$D/h1.run/vrrpd/eth0.99"
}

@test "take without preemption fails after the wait and says why" {
	pair 'preempt false'
	run vrrp-failover -r "$D/h2.run" -w 2 take eth0 99
	assert_failure 1
	assert_output --partial 'eth0 99 still backup after 2.0 s: preempt false here'
	is h1 99 master
}

@test "fast-preempt false keeps the RFC's timing" {
	pair 'preempt true' 'fast-preempt false'
	run vrrp-failover -r "$D/h2.run" -w 8 take eth0 99
	assert_success
	t=$(sed -n 's/^eth0 99: backup -> master after \([0-9.]*\) s$/\1/p' <<<"$output")
	echo "# take with fast-preempt false: master after $t s" >&3
	awk -v t="$t" 'BEGIN { exit !(t > 1.5) }'
}

@test "errors: no such group (1), vrrpd not running (111), usage (100)" {
	pair 'preempt true'
	run vrrp-failover -r "$D/h2.run" take eth0 42
	assert_failure 1
	assert_output --partial 'no group eth0 42'
	run vrrp-failover -r "$D/nothing" take eth0 99
	assert_failure 111
	assert_output --partial 'unable to reach vrrpd'
	run vrrp-failover -r "$D/h2.run" priority eth0 99 255
	assert_failure 100
	run vrrp-failover -r "$D/h2.run" jump eth0 99
	assert_failure 100
}
