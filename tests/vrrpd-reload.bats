#!/usr/bin/env bats
# vrrpd(8) on SIGHUP: every vrrp-group statement of vpnha.conf(5) applied,
# in place (the group runs on: state, timers, counters) or by restarting
# the group, and the other groups untouched; groups added and removed; an
# unchanged file; a bad one.  h1 = 192.0.2.11, h2 = .12 (tests/lab/);
# group V has the virtual address 192.0.2.10V/24.

load helper
load lab/lab
load vrrp

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up 3
}

teardown() {
	lab_down
}

# conf HOST VRIDS PRIORITY [V:STATEMENT...]: HOST's vpnha.conf, the groups
# VRIDS ("1 2 3") on eth0 with PRIORITY, and STATEMENT for group V.  A
# group V given a virtual-address this way has no other.
conf() {
	local h=$1 vrids=$2 p=$3 v s
	shift 3
	for v in $vrids; do
		case " $* " in
		*" $v:virtual-address "*) ;;
		*) echo "set interfaces ethernet eth0 vrrp vrrp-group $v virtual-address 192.0.2.10$v/24" ;;
		esac
		echo "set interfaces ethernet eth0 vrrp vrrp-group $v priority $p"
		for s in "$@"; do
			if [ "${s%%:*}" = "$v" ]; then
				echo "set interfaces ethernet eth0 vrrp vrrp-group $v ${s#*:}"
			fi
		done
	done >"$D/$h.conf"
}

reloads() {	# reloads HOST: how many reloads HOST has logged
	grep -c 'vrrpd: reloaded ' "$D/$1.log" || :
}

more() {	# more HOST N: HOST has logged more than N reloads
	[ "$(reloads "$1")" -gt "$2" ]
}

# hup HOST: SIGHUP, and wait for its "reloaded" line; the lines logged
# since go to $D/HOST.new
hup() {
	local n l
	n=$(reloads "$1")
	l=$(wc -l <"$D/$1.log")
	lab_kill "$(pid "$1")" HUP
	lab_wait 5 more "$1" "$n"
	tail -n "+$((l + 1))" "$D/$1.log" >"$D/$1.new"
}

# snap HOST VRIDS: each group's state and last transition, to compare
snap() {
	local v
	for v in $2; do
		echo "$v $(field "$1" state "eth0.$v") $(field "$1" last_transition "eth0.$v")"
	done
}

# untouched HOST VRIDS SNAP: the groups have the state and last transition
# of SNAP, and the reload logged nothing about them
untouched() {
	local v
	[ "$(snap "$1" "$2")" = "$3" ] || fail "$(printf 'before:\n%s\nafter:\n%s' "$3" "$(snap "$1" "$2")")"
	for v in $2; do
		! grep -q "vrid $v:" "$D/$1.new" || fail "$(cat "$D/$1.new")"
	done
}

# step HOW KEY VALUE STATEMENT...: group 2 of h1 gets STATEMENT... (and
# no other statement), through SIGHUP; KEY of its status file becomes VALUE.
# HOW: kept (runs on, the change logged), same (nothing to apply), restart
# (stopped and started again).  The other groups ($OTHERS) are untouched.
step() {
	local how=$1 key=$2 value=$3 s before sent t
	local -a st=()
	shift 3
	lab_wait 8 is_state h1 master eth0.2
	before=$(snap h1 "$OTHERS")
	t=$(field h1 last_transition eth0.2)
	sent=$(field h1 adverts_sent eth0.2)
	for s in "$@"; do
		st+=("2:$s")
	done
	conf h1 "$VRIDS" 100 "${st[@]}"
	hup h1
	echo "# $how: $* -> $key=$(field h1 "$key" eth0.2)" >&3
	[ "$(field h1 "$key" eth0.2)" = "$value" ] || fail "$key=$(field h1 "$key" eth0.2), not $value"
	case $how in
	kept)
		grep -q "reloaded .*, 0 added, 0 restarted, 0 removed" "$D/h1.new"
		grep -q "eth0: vrid 2: .* -> " "$D/h1.new" || fail "$(cat "$D/h1.new")"
		is_state h1 master eth0.2
		[ "$(field h1 last_transition eth0.2)" = "$t" ]
		[ "$(field h1 adverts_sent eth0.2)" -ge "$sent" ]
		;;
	same)
		grep -q "reloaded .*, 0 added, 0 restarted, 0 removed" "$D/h1.new"
		! grep -q 'vrid 2:' "$D/h1.new" || fail "$(cat "$D/h1.new")"
		[ "$(field h1 last_transition eth0.2)" = "$t" ]
		;;
	restart)
		grep -q "reloaded .*, 0 added, 1 restarted, 0 removed" "$D/h1.new"
		grep -q 'eth0: vrid 2: configuration changed; restarting' "$D/h1.new"
		grep -q 'eth0: vrid 2: master -> init' "$D/h1.new"
		;;
	esac
	untouched h1 "$OTHERS" "$before"
}

# statements VRIDS: every vrrp-group statement of vpnha.conf(5) changed
# through SIGHUP, for group 2 among VRIDS, on h1 alone (master of all)
statements() {
	VRIDS=$1
	OTHERS=$(tr ' ' '\n' <<<"$VRIDS" | grep -vx 2 | tr '\n' ' ')
	conf h1 "$VRIDS" 100
	lab_capture eth0 "$D/wire.pcap"
	start h1
	for v in $VRIDS; do
		lab_wait 8 is_state h1 master "eth0.$v"
	done
	# each step changes one statement of group 2 (g: its statements)
	sent=$(field h1 adverts_sent eth0.2)
	g=('priority 50')
	step kept config_priority 50 "${g[@]}"
	[ "$(field h1 priority eth0.2)" = 50 ]
	# an advert of priority 50 goes out before a later step restarts the
	# group: the status file's count lags up to a second, so three more
	# than before the reload means one after it
	lab_wait 8 eval '[ "$(field h1 adverts_sent eth0.2)" -ge $((sent + 3)) ]'
	g+=('preempt false')
	step kept preempt false "${g[@]}"
	g+=('fast-preempt false')
	step kept fast_preempt false "${g[@]}"
	step kept sync_group ACM "${g[@]}" 'sync-group ACM'
	run vrrp-show -r "$D/h1.run" interface eth0
	assert_line 'Sync-group: ACM'
	step kept sync_group '' "${g[@]}"
	run vrrp-show -r "$D/h1.run" interface eth0
	refute_line --partial 'Sync-group'
	g+=('authentication password s3cret12')
	step restart auth_type plaintext-password "${g[@]}"
	g+=('authentication type plaintext-password')
	step same auth_type plaintext-password "${g[@]}"
	g+=('rfc3768-compatibility true')
	step restart rfc3768_compatibility true "${g[@]}"
	lab_wait 8 is_state h1 master eth0.2
	[ "$(field h1 vmac_address eth0.2)" = 00:00:5e:00:01:02 ]
	run lab_exec h1 ip -o addr show dev "$(field h1 vmac_interface eth0.2)"
	assert_output --partial 192.0.2.102/24
	g[-1]='rfc3768-compatibility false'
	step restart rfc3768_compatibility false "${g[@]}"
	[ "$(field h1 vmac_interface eth0.2)" = '' ]
	step restart vips '192.0.2.102/24 192.0.2.112/24' "${g[@]}" \
	    'virtual-address 192.0.2.102/24' 'virtual-address 192.0.2.112/24'
	lab_wait 8 is_state h1 master eth0.2
	has_vip h1 192.0.2.112
	has_vip h1 192.0.2.102
	g+=('virtual-address 192.0.2.122/24')
	step restart vips '192.0.2.122/24' "${g[@]}"
	lab_wait 8 is_state h1 master eth0.2
	has_vip h1 192.0.2.122
	run ! has_vip h1 192.0.2.102
	run ! has_vip h1 192.0.2.112
	g+=('advertise-interval 2')
	step restart advert_interval 2 "${g[@]}"
	# version 3 has no authentication
	g=('priority 50' 'preempt false' 'fast-preempt false' 'rfc3768-compatibility false' \
	    'virtual-address 192.0.2.122/24' 'advertise-interval 2')
	step restart auth_type none "${g[@]}"
	g+=('version 3')
	step restart version 3 "${g[@]}"
	g=("${g[@]/virtual-address 192.0.2.122\/24/virtual-address 2001:db8::102/64}")
	step restart vips 2001:db8::102/64 "${g[@]}"
	[ "$(field h1 family eth0.2)" = inet6 ]
	lab_wait 8 is_state h1 master eth0.2
	has_vip h1 2001:db8::102
	run ! has_vip h1 192.0.2.122
	g[0]='priority 255'
	step restart config_priority 255 "${g[@]}"
	lab_capture_stop
	# the wire: group 2 as each step left it; the others as they started
	# vrid|version|priority|password|interval v2|v3|addresses
	run --separate-stderr tshark -r "$D/wire.pcap" -Y vrrp -T fields -E separator='|' \
	    -e vrrp.virt_rtr_id -e vrrp.version -e vrrp.prio -e vrrp.auth_string \
	    -e vrrp.adver_int -e vrrp.short_adver_int -e vrrp.ip_addr -e vrrp.ipv6_addr
	assert_success
	assert_line '2|2|50||1||192.0.2.102|'
	assert_line '2|2|50|s3cret12|1||192.0.2.102|'
	assert_line '2|2|50|s3cret12|1||192.0.2.102,192.0.2.112|'
	assert_line '2|2|50|s3cret12|2||192.0.2.122|'
	assert_line '2|2|50||2||192.0.2.122|'
	assert_line '2|3|50|||200|192.0.2.122|'
	assert_line '2|3|50|||200||2001:db8::102'
	assert_line '2|3|255|||200||2001:db8::102'
	for v in $OTHERS; do
		[ "$(grep "^$v|" <<<"$output" | sort -u)" = "$v|2|100||1||192.0.2.10$v|" ] ||
		    fail "group $v: $(grep "^$v|" <<<"$output" | sort -u)"
	done
	lab_alive "$(pid h1)"
}

@test "two groups on missing interfaces: SIGHUP, unchanged or not, and vrrpd lives" {
	cat >"$D/h1.conf" <<-EOF
	set interfaces ethernet vx1 vrrp vrrp-group 1 virtual-address 192.0.2.101/24
	set interfaces ethernet vx2 vrrp vrrp-group 2 virtual-address 192.0.2.102/24
	EOF
	start h1
	lab_wait 5 is_state h1 fault vx1.1
	lab_wait 5 is_state h1 fault vx2.2
	hup h1
	lab_alive "$(pid h1)"
	echo 'set interfaces ethernet vx2 vrrp vrrp-group 2 priority 50' >>"$D/h1.conf"
	hup h1
	[ "$(field h1 config_priority vx2.2)" = 50 ]
	lab_alive "$(pid h1)"
	is_state h1 fault vx1.1
}

@test "every vrrp-group statement through SIGHUP, two groups (the first changed)" {
	statements "2 3"
}

@test "every vrrp-group statement through SIGHUP, three groups (the middle one changed)" {
	statements "1 2 3"
}

@test "an unchanged file: nothing moves, on the master and on the backup; a run-time priority stays" {
	conf h1 "1 2 3" 150
	conf h2 "1 2 3" 100
	start h1
	start h2
	for v in 1 2 3; do
		lab_wait 8 is_state h1 master "eth0.$v"
		lab_wait 8 is_state h2 backup "eth0.$v"
	done
	run ctl h2 priority eth0 3 120
	assert_output ok
	lab_capture eth0 "$D/wire.pcap"
	s1=$(snap h1 "1 2 3")
	s2=$(snap h2 "1 2 3")
	sent=$(field h1 adverts_sent eth0.2)
	hup h1
	hup h2
	grep -q 'reloaded .*: 3 groups, 0 added, 0 restarted, 0 removed' "$D/h1.new"
	grep -q 'reloaded .*: 3 groups, 0 added, 0 restarted, 0 removed' "$D/h2.new"
	untouched h1 "1 2 3" "$s1"
	untouched h2 "1 2 3" "$s2"
	[ "$(field h2 priority eth0.3)" = 120 ]
	# the counters go on from where they were
	lab_wait 3 eval '[ "$(field h1 adverts_sent eth0.2)" -gt "$sent" ]'
	lab_capture_stop
	run --separate-stderr tshark -r "$D/wire.pcap" -Y 'vrrp.prio == 0' -T fields -e vrrp.virt_rtr_id
	assert_output ''
}

@test "a group added: it starts, the others run on" {
	conf h1 "1 2" 100
	start h1
	lab_wait 8 is_state h1 master eth0.1
	lab_wait 8 is_state h1 master eth0.2
	s=$(snap h1 "1 2")
	conf h1 "1 2 3" 100
	hup h1
	grep -q 'reloaded .*: 3 groups, 1 added, 0 restarted, 0 removed' "$D/h1.new"
	untouched h1 "1 2" "$s"
	lab_wait 8 is_state h1 master eth0.3
	has_vip h1 192.0.2.103
	run vrrp-show -r "$D/h1.run" summary
	assert_line --regexp '^eth0 +3 +vip +192\.0\.2\.103/24 +up +master$'
}

@test "a group removed: its status file and its address go, its backup takes over at once" {
	conf h1 "1 2 3" 150
	conf h2 "1 2 3" 100
	start h1
	start h2
	for v in 1 2 3; do
		lab_wait 8 is_state h1 master "eth0.$v"
		lab_wait 8 is_state h2 backup "eth0.$v"
	done
	has_vip h1 192.0.2.102
	s=$(snap h1 "1 3")
	lab_capture eth0 "$D/wire.pcap"
	conf h1 "1 3" 150
	hup h1
	grep -q 'reloaded .*: 2 groups, 0 added, 0 restarted, 1 removed' "$D/h1.new"
	grep -q 'eth0: vrid 2: no longer configured; stopping' "$D/h1.new"
	[ ! -e "$D/h1.run/vrrpd/eth0.2" ]
	run ! has_vip h1 192.0.2.102
	untouched h1 "1 3" "$s"
	# it resigned (priority 0): the backup takes it after Skew_Time
	lab_wait 3 is_state h2 master eth0.2
	has_vip h2 192.0.2.102
	is_state h2 backup eth0.1
	is_state h2 backup eth0.3
	lab_capture_stop
	run --separate-stderr tshark -r "$D/wire.pcap" -Y 'vrrp.prio == 0' -T fields -e ip.src -e vrrp.virt_rtr_id
	assert_output "192.0.2.11	2"
	run vrrp-show -r "$D/h1.run" summary
	refute_output --partial 192.0.2.102
}

@test "a bad file on reload: the running groups stay, the log says where and why" {
	conf h1 "1 2" 100
	start h1
	lab_wait 8 is_state h1 master eth0.1
	lab_wait 8 is_state h1 master eth0.2
	s=$(snap h1 "1 2")
	# group 2 dropped and group 1 changed, but with a line that is wrong
	conf h1 1 50
	echo 'set interfaces ethernet eth0 vrrp vrrp-group 1 preempt maybe' >>"$D/h1.conf"
	lab_kill "$(pid h1)" HUP
	lab_wait 5 grep -q "reload: $D/h1.conf:3: .*maybe.*; keeping the running configuration" "$D/h1.log"
	lab_alive "$(pid h1)"
	[ "$(snap h1 "1 2")" = "$s" ]
	[ "$(field h1 config_priority eth0.1)" = 100 ]
	[ -e "$D/h1.run/vrrpd/eth0.2" ]
	has_vip h1 192.0.2.102
	# a file every group is wrong in: the same
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 priority 50' >"$D/h1.conf"
	lab_kill "$(pid h1)" HUP
	lab_wait 5 grep -q "reload: $D/h1.conf:1: vrrp-group 1 on eth0 has no virtual-address; keeping" "$D/h1.log"
	[ "$(snap h1 "1 2")" = "$s" ]
	# once right, it applies
	conf h1 1 50
	hup h1
	grep -q 'reloaded .*: 1 group, 0 added, 0 restarted, 1 removed' "$D/h1.new"
	[ "$(field h1 config_priority eth0.1)" = 50 ]
	[ ! -e "$D/h1.run/vrrpd/eth0.2" ]
}

@test "the guide's forced failover by editing the file: two groups in a sync group, SIGHUP, at once" {
	conf h1 "1 2" 150 '1:sync-group ACM' '2:sync-group ACM'
	conf h2 "1 2" 100 '1:sync-group ACM' '2:sync-group ACM'
	start h1
	start h2
	lab_wait 8 is_state h1 master eth0.1
	lab_wait 8 is_state h1 master eth0.2
	lab_wait 8 is_state h2 backup eth0.1
	lab_wait 8 is_state h2 backup eth0.2
	# a run-time priority is replaced by the configured one that changed
	run ctl h2 priority eth0 1 120
	assert_output ok
	conf h2 "1 2" 200 '1:sync-group ACM' '2:sync-group ACM'
	t0=$(now)
	hup h2
	grep -q 'eth0: vrid 1: priority 100 -> 200' "$D/h2.new"
	grep -q 'eth0: vrid 2: priority 100 -> 200' "$D/h2.new"
	# fast-preempt: on the master's next advert, one interval (1 s)
	lab_wait 2 is_state h2 master eth0.1
	lab_wait 1 is_state h2 master eth0.2
	echo "# priority 200 by SIGHUP -> master after $(elapsed "$t0" "$(now)") s (bound 1 s)" >&3
	lab_wait 2 is_state h1 backup eth0.1
	lab_wait 2 is_state h1 backup eth0.2
	[ "$(field h2 priority eth0.1)" = 200 ]
	has_vip h2 192.0.2.101
	has_vip h2 192.0.2.102
	# and back: the master lowered in its file
	conf h2 "1 2" 50 '1:sync-group ACM' '2:sync-group ACM'
	hup h2
	lab_wait 2 is_state h1 master eth0.1
	lab_wait 2 is_state h1 master eth0.2
	lab_wait 2 is_state h2 backup eth0.1
	lab_wait 2 is_state h2 backup eth0.2
}

@test "preempt turned on by SIGHUP: the higher backup takes over" {
	conf h1 1 100
	conf h2 1 200 '1:preempt false'
	start h1
	lab_wait 8 is_state h1 master
	start h2
	lab_wait 8 is_state h2 backup
	lab_wait 3 eval '[ "$(field h2 master_priority)" = 100 ]'
	conf h2 1 200
	hup h2
	grep -q 'eth0: vrid 1: preempt false -> true' "$D/h2.new"
	lab_wait 3 is_state h2 master
	lab_wait 2 is_state h1 backup
}
