#!/usr/bin/env bats
# vrrpd(8) trackers (track process|interface|script|file): h1 = 192.0.2.11
# with priority 200 is master, h2 = .12 with 100 its backup, unless a test
# says otherwise.  A tracked process is a symlink to sleep(1) or bash(1)
# with a name of the test's own: the comm the kernel reports is the name
# the program was started by, and the lab's hosts share one PID space.

load helper
load lab/lab
load vrrp

VIP=192.0.2.100

setup() {
	D=$BATS_TEST_TMPDIR
	P=vt$$$BATS_TEST_NUMBER	# the tracked process' name, 15 bytes at most
	lab_up -2 2
}

teardown() {
	lab_down
}

# proc HOST [ARG...]: a process named $P in HOST (sleep 1000, or ARGs to
# bash if given); its PID on stdout
proc() {
	local h=$1
	shift
	if [ $# -eq 0 ]; then
		ln -sf /bin/sleep "$D/$P"
		set -- 1000
	else
		ln -sf /bin/bash "$D/$P"
	fi
	lab_spawn "$h" "$D/$P.$h.log" "$D/$P" "$@"
}

# running NAME: a process named NAME runs (what vrrpd must agree with); a
# zombie has exited, though its parent has not reaped it
running() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = "$1" ] &&
		    ! grep -q '^State:.Z' "$p/status" 2>/dev/null && return 0
	done
	return 1
}

live() {	# live SESSION: its processes that have not exited (zombies have)
	ps -o stat= -s "$1" | grep -vc '^Z' || :
}

gone() {	# gone PID...: none of them runs (a zombie has exited)
	local p
	for p; do
		[ -e "/proc/$p" ] && ! grep -q '^State:.Z' "/proc/$p/status" 2>/dev/null && return 1
	done
	return 0
}

logged() {	# logged HOST TEXT: HOST's vrrpd said TEXT
	grep -qF -- "$2" "$D/$1.log"
}

transitions() {	# transitions HOST: how many state changes HOST logged
	grep -cE 'vrid [0-9]+: [a-z]+ -> [a-z]+$' "$D/$1.log" || :
}

# tracked_pair TRACK [START]: h1 (200, tracking TRACK, started by START,
# default startn) and h2 (100); h1 master, h2 backup
tracked_pair() {
	group h1 200 "$1"
	group h2 100
	"${2:-startn}" h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
}

@test "track process without weight: the master's process dies, the backup takes over; it runs again, the master is back" {
	pp=$(proc h1)
	tracked_pair "track process $P"
	[ "$(field h1 track1)" = "process $P up fault" ]
	lab_kill "$pp" KILL
	lab_wait 3 is_state h1 fault
	lab_wait 3 is_state h2 master
	logged h1 "track process $P: no process"
	[ "$(field h1 track1)" = "process $P down fault" ]
	run ! has_vip h1
	proc h1 >/dev/null
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h2 backup
	logged h1 "track process $P: running"
	has_vip h1
}

@test "track process with a weight: the master drops below the backup, then comes back" {
	pp=$(proc h1)
	tracked_pair "track process $P weight -150"
	[ "$(field h1 effective_priority)" = 200 ]
	lab_kill "$pp" KILL
	lab_wait 3 is_state h2 master
	lab_wait 3 is_state h1 backup
	[ "$(field h1 priority)" = 200 ]
	[ "$(field h1 effective_priority)" = 50 ]
	[ "$(field h1 track_count)" = 1 ]
	[ "$(field h1 track1)" = "process $P down -150" ]
	logged h1 'effective priority 200 -> 50'
	# what h2 heard is the effective priority
	lab_wait 3 field_is h2 master_address 192.0.2.12
	run vrrp-show -r "$D/h1.run" interface eth0
	assert_line 'Effective priority: 50'
	assert_line "Tracked: process $P, down, weight -150"
	proc h1 >/dev/null
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h2 backup
	[ "$(field h1 effective_priority)" = 200 ]
}

@test "track process: not running at start is a Fault; a forked child of that name keeps it up, exec away does not" {
	group h1 200 "track process $P"
	group h2 100
	startn h1
	start h2
	lab_wait 6 is_state h2 master
	lab_wait 3 is_state h1 fault
	# bash named $P forks a subshell (still $P), then execs sleep (no longer $P)
	pp=$(proc h1 -c "( while :; do sleep 0.2; done ) & exec sleep 1000")
	lab_wait 6 is_state h1 master
	lab_wait 3 grep -qx sleep "/proc/$pp/comm"
	running "$P"	# only the subshell has the name now
	sleep 1		# vrrpd's events up to here are read: still up
	is_state h1 master
	# the subshell goes: the last process of the name
	for c in $(pgrep -s "$pp"); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$P" ] && kill -KILL "$c"
	done
	lab_wait 3 is_state h1 fault
	lab_wait 3 ! running "$P"
	is_state h1 fault
}

@test "track process: 300 processes of the name come and go; down only when the last has gone" {
	mkfifo "$D/fifo"
	# the first waits for the others, then for ever
	pp=$(proc h1 -c "for i in \$(seq 300); do ( read -r x <>'$D/fifo' ) & done; wait; read -r x <>'$D/fifo'")
	group h1 200 "track process $P"
	group h2 100
	startn h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 10 eval '[ "$(live "$pp")" -ge 301 ]'
	# the others in two halves, then the first: up until the very last
	kids=$(pgrep -s "$pp" | grep -vx "$pp")
	half=$(echo "$kids" | sed -n '1~2p')
	kill -KILL $half
	lab_wait 5 gone $half
	sleep 0.5
	is_state h1 master
	half=$(echo "$kids" | sed -n '2~2p')
	kill -KILL $half
	lab_wait 5 gone $half
	sleep 0.5
	is_state h1 master
	run ! logged h1 "track process $P: no process"
	lab_kill "$pp" KILL
	lab_wait 3 ! running "$P"
	lab_wait 3 is_state h1 fault
	run ! logged h1 'process events lost'
}

# said HOST TEXT: how many lines of HOST's log have TEXT
said() {
	grep -cF -- "$2" "$D/$1.log" || :
}

@test "track process that flaps: at most a line a second, and the last state always said" {
	pp=$(proc h1)
	tracked_pair "track process $P weight -150"
	m=$(said h1 "track process $P: ")
	t0=$(now)
	# down and up five times, as fast as it goes
	for i in 1 2 3 4 5; do
		lab_kill "$pp" KILL
		lab_wait 3 ! running "$P"
		pp=$(proc h1)
		lab_wait 3 running "$P"
	done
	# down, said; up at once: held back, then said when its second is over
	n=$(said h1 "track process $P: no process")
	lab_kill "$pp" KILL
	lab_wait 3 eval '[ "$(said h1 "track process $P: no process")" -gt "$n" ]'
	pp=$(proc h1)
	lab_wait 3 eval '[ "$(grep -F "track process $P: " "$D/h1.log" | tail -n 1 | grep -c running)" = 1 ]'
	lab_wait 3 eval '[ "$(grep -F "effective priority" "$D/h1.log" | tail -n 1 | grep -c -- "-> 200")" = 1 ]'
	logged h1 'changes not logged'
	# a line a second at most, over however long that took here
	s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print int(b - a) }')
	n=$(($(said h1 "track process $P: ") - m))
	echo "# 12 changes: $n lines in $s s and a fraction" >&3
	[ "$n" -le $((s + 2)) ]
	lab_wait 3 field_is h1 track1 "process $P up -150"
	lab_wait 6 is_state h1 master
}

# switches PID: its voluntary context switches (a wakeup each)
switches() {
	sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$1/status"
}

@test "track process while the machine forks 1,000 a second: read on a clock, not at each event; nothing missed" {
	cc -O2 -o "$D/forkload" "$VPNHA_TOP/tests/bench/forkload.c"
	mkdir -p "$D/t" && ln -sf /bin/true "$D/t/$P"
	pp=$(proc h1)
	tracked_pair "track process $P"
	# the churn runs and execs the tracked name, briefly, now and then
	fl=$(lab_spawn h2 "$D/forkload.out" "$D/forkload" 1000 600 "$D/t/$P")
	sleep 1
	v=$(pid h1)
	n=$(switches "$v")
	sleep 2
	n=$(($(switches "$v") - n))
	echo "# 1,000 forks/s: vrrpd woke $n times in 2 s" >&3
	# on events it woke 1,100 times and more; on a 5 ms clock 400 or so
	[ "$n" -le 600 ]
	# the tracked process' end, and its return, still seen
	lab_kill "$pp" KILL
	lab_wait 3 is_state h1 fault
	lab_wait 3 is_state h2 master
	pp=$(proc h1)
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h2 backup
	# the churn over: on events again
	lab_kill "$fl" TERM
	lab_wait 5 ! lab_alive "$fl"
	sleep 0.5
	lab_kill "$pp" KILL
	lab_wait 3 is_state h1 fault
	run ! logged h1 'process events lost'
	[ "$(field h1 track1)" = "process $P down fault" ]
}

@test "track process: vrrpd inside a network namespace without -N says why and exits 111" {
	group h1 200 "track process $P"
	lab_spawn h1 "$D/h1.log" "$VPNHA_BIN/vrrpd" -f "$D/h1.conf" -r "$D/h1.run" >"$D/h1.pid"
	lab_wait 10 ! lab_alive "$(pid h1)"
	logged h1 'they reach only the initial network namespace'
	logged h1 'with -N NETNS'
	run lab_exec h1 "$VPNHA_BIN/vrrpd" -f "$D/h1.conf" -r "$D/h1.run"
	[ "$status" -eq 111 ]
}

@test "track interface: eth1 of the master down is a Fault, or a weight; up again, it is master again" {
	tracked_pair 'track interface eth1' start
	lab_link h1 eth1 down
	lab_wait 3 is_state h1 fault
	lab_wait 3 is_state h2 master
	logged h1 'track interface eth1: down'
	lab_link h1 eth1 up
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h2 backup
	# the same with a weight, by a reload: no transition by the reload itself
	n=$(transitions h1)
	group h1 200 'track interface eth1 weight -150'
	kill -HUP "$(pid h1)"
	lab_wait 3 field_is h1 track1 'interface eth1 up -150'
	[ "$(transitions h1)" = "$n" ]
	lab_link h1 eth1 down
	lab_wait 3 is_state h1 backup
	lab_wait 3 is_state h2 master
	[ "$(field h1 effective_priority)" = 50 ]
}

# seq_script: a script that exits with the codes of $D/seq, one line a run,
# counting its runs in $D/runs; out of lines, it waits for the next one
seq_script() {
	cat >"$D/check" <<-'EOF'
	#!/bin/sh
	d=$(dirname "$0")
	n=$(($(wc -l <"$d/runs") + 1))
	echo "$n" >>"$d/runs"
	while [ "$(wc -l <"$d/seq")" -lt "$n" ]; do
		echo "$n" >"$d/waiting"
		sleep 0.05
	done
	exit "$(sed -n "${n}p" "$d/seq")"
	EOF
	chmod +x "$D/check"
	: >"$D/runs"
}

waiting_at() {	# waiting_at N: the script's run N waits for its line
	[ "$(cat "$D/waiting" 2>/dev/null)" = "$1" ]
}

@test "track script: fall failures in a row make it down, rise successes up" {
	seq_script
	printf '%s\n' 0 1 0 1 1 0 0 >"$D/seq"
	group h1 200 'track script chk weight -150'
	cat >>"$D/h1.conf" <<-EOF
	set vrrp script chk command "$D/check"
	set vrrp script chk interval 0.1
	set vrrp script chk timeout 60
	set vrrp script chk rise 3
	set vrrp script chk fall 2
	EOF
	group h2 100
	start h1
	start h2
	# runs 1..7 done, run 8 waits: one failure (2) never made it down,
	# two (4, 5) did; two successes (6, 7) are not yet three
	lab_wait 10 waiting_at 8
	[ "$(grep -c 'track script chk: down' "$D/h1.log")" = 1 ]
	run ! logged h1 'track script chk: up'
	[ "$(field h1 track1)" = 'script chk down -150' ]
	lab_wait 6 is_state h2 master
	echo 0 >>"$D/seq"	# the third success
	lab_wait 3 logged h1 'track script chk: up'
	lab_wait 6 is_state h1 master
	[ "$(field h1 track1)" = 'script chk up -150' ]
	[ "$(grep -c 'track script chk: down' "$D/h1.log")" = 1 ]
}

@test "track script: a run past its timeout is killed, with its children, and counts as a failure" {
	group h1 200 'track script slow'
	cat >>"$D/h1.conf" <<-EOF
	set vrrp script slow command "sleep 1000 # $P"
	set vrrp script slow interval 0.2
	set vrrp script slow timeout 0.3
	EOF
	group h2 100
	start h2
	start h1
	lab_wait 6 is_state h2 master
	lab_wait 5 logged h1 'track script slow: timed out; killed'
	lab_wait 3 is_state h1 fault
	# each run's process group goes with it: after three timeouts, only
	# the current run's sh and sleep are left, none of the earlier ones
	lab_wait 5 eval '[ "$(grep -c "track script slow: timed out" "$D/h1.log")" -ge 3 ]'
	[ "$(pgrep -fc "sleep 1000 # $P")" -le 2 ]
	# and the loop never waited for it: vrrpd answers at once
	run ctl h1 show eth0 1
	assert_output --partial 'state=fault'
}

@test "track file: the priority moves by the value times the weight, at once, on every write" {
	mkdir "$D/t"
	echo 0 >"$D/t/prio"
	group h1 200 "track file $D/t/prio weight 2"
	group h2 150
	start h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
	echo -50 >"$D/t/prio"
	lab_wait 3 field_is h1 effective_priority 100
	lab_wait 3 is_state h2 master
	[ "$(field h1 track1)" = "file $D/t/prio -50 2" ]
	logged h1 "track file $D/t/prio: -50"
	# replaced by rename, as an atomic writer does
	echo 10 >"$D/t/new"
	mv "$D/t/new" "$D/t/prio"
	lab_wait 3 field_is h1 effective_priority 220
	lab_wait 6 is_state h1 master
	# missing: 0, and said
	rm "$D/t/prio"
	lab_wait 3 field_is h1 effective_priority 200
	logged h1 "track file $D/t/prio: missing or unreadable; counts as 0"
	# not a number: 0, and said
	echo ten >"$D/t/prio"
	lab_wait 3 logged h1 "track file $D/t/prio: not an integer; counts as 0"
	# a FIFO in its place must not stop vrrpd
	rm "$D/t/prio"
	mkfifo "$D/t/prio"
	echo 7 >"$D/t/new"
	mv "$D/t/new" "$D/t/other"
	kill -HUP "$(pid h1)"
	lab_wait 3 logged h1 'reloaded'
	run ctl h1 show eth0 1
	assert_output --partial 'state=master'
	# and a value outside the priority's range is clamped to 1..254
	rm "$D/t/prio"
	echo 1000 >"$D/t/prio"
	lab_wait 3 field_is h1 effective_priority 254
}

@test "reload adds and removes trackers without a transition" {
	pp=$(proc h1)
	group h1 200
	group h2 100
	startn h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
	n1=$(transitions h1) n2=$(transitions h2)
	group h1 200 "track process $P" 'track interface eth1 weight -10'
	kill -HUP "$(pid h1)"
	lab_wait 3 field_is h1 track_count 2
	lab_wait 3 field_is h1 track1 "process $P up fault"
	[ "$(field h1 track2)" = 'interface eth1 up -10' ]
	logged h1 "track (none) -> process $P, interface eth1 weight -10"
	group h1 200 'track interface eth1 weight -10'
	kill -HUP "$(pid h1)"
	lab_wait 3 field_is h1 track_count 1
	group h1 200
	kill -HUP "$(pid h1)"
	lab_wait 3 field_is h1 track_count 0
	sleep 1
	[ "$(transitions h1)" = "$n1" ]
	[ "$(transitions h2)" = "$n2" ]
	is_state h1 master
	# the process no longer tracked: its death changes nothing
	lab_kill "$pp" KILL
	sleep 1
	is_state h1 master
}

@test "vrrp-failover take on a backup held down by a weight: it goes above the master's effective priority" {
	echo -60 >"$D/prio"
	group h1 200
	group h2 220 "track file $D/prio"
	start h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
	[ "$(field h2 effective_priority)" = 160 ]
	run vrrp-failover -r "$D/h2.run" take eth0 1
	assert_success
	assert_line 'eth0 1 backup, priority 160 -> 201'
	lab_wait 6 is_state h2 master
	# a run-time priority is taken as it is, weights aside, until restore
	[ "$(field h2 priority)" = 201 ]
	[ "$(field h2 effective_priority)" = 201 ]
	run vrrp-failover -r "$D/h2.run" restore eth0 1
	assert_success
	lab_wait 6 is_state h1 master
	[ "$(field h2 effective_priority)" = 160 ]
}

@test "track process in a sync group: the member in Fault takes the whole group to the backup" {
	pp=$(proc h1)
	for h in h1 h2; do
		p=200
		[ "$h" = h2 ] && p=100
		cat >"$D/$h.conf" <<-EOF
		set interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.100/25
		set interfaces ethernet eth0 vrrp vrrp-group 99 priority $p
		set interfaces ethernet eth0 vrrp vrrp-group 99 sync-group ACM
		set interfaces ethernet eth1 vrrp vrrp-group 101 virtual-address 192.0.2.200/25
		set interfaces ethernet eth1 vrrp vrrp-group 101 priority $p
		set interfaces ethernet eth1 vrrp vrrp-group 101 sync-group ACM
		EOF
	done
	echo "set interfaces ethernet eth0 vrrp vrrp-group 99 track process $P" >>"$D/h1.conf"
	startn h1
	start h2
	lab_wait 8 is_state h1 master eth0.99
	lab_wait 8 is_state h1 master eth1.101
	lab_wait 8 is_state h2 backup eth1.101
	lab_kill "$pp" KILL
	lab_wait 3 is_state h1 fault eth0.99
	lab_wait 3 is_state h1 backup eth1.101
	lab_wait 3 is_state h2 master eth0.99
	lab_wait 3 is_state h2 master eth1.101
	# held: the inside group, though its link is up, does not take Master back
	sleep 4
	is_state h1 backup eth1.101
	proc h1 >/dev/null
	lab_wait 8 is_state h1 master eth0.99
	lab_wait 3 is_state h1 master eth1.101
	lab_wait 3 is_state h2 backup eth1.101
}

@test "reload removing a script tracker kills its running script, quietly" {
	printf '#!/bin/sh\nexit 0\n' >"$D/hook"
	chmod +x "$D/hook"
	group h1 200 'track script slow weight -10'
	cat >>"$D/h1.conf" <<-EOF
	set vrrp script slow command "sleep 1000 # $P"
	set vrrp script slow interval 600
	set vrrp script slow timeout 600
	EOF
	start h1 -x "$D/hook"
	lab_wait 6 is_state h1 master
	lab_wait 5 pgrep -f "sleep 1000 # $P"
	group h1 200
	kill -HUP "$(pid h1)"
	lab_wait 3 field_is h1 track_count 0
	lab_wait 3 ! pgrep -f "sleep 1000 # $P"
	kill -HUP "$(pid h1)"	# one more turn of the loop: the reaping is done
	lab_wait 5 eval '[ "$(grep -c reloaded "$D/h1.log")" = 2 ]' || {
		cat "$D/h1.log"	# what vrrpd said, if it did not reload again
		false
	}
	run ! logged h1 'killed by signal'
	is_state h1 master
}

# zombie NAME: a process named NAME has exited and is not reaped
zombie() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = "$1" ] &&
		    grep -q '^State:.Z' "$p/status" 2>/dev/null && return 0
	done
	return 1
}

@test "track process: a zombie of the name, found in /proc at start, is not a process that runs" {
	ln -sf /bin/sleep "$D/$P"
	# its parent never reaps it: the exit came before vrrpd listened, and
	# no event comes when (if ever) it is reaped
	lab_spawn h1 "$D/z.log" bash -c "\"$D/$P\" 0 & exec sleep 1000" >/dev/null
	lab_wait 3 zombie "$P"
	run ! running "$P"
	group h1 200 "track process $P"
	group h2 100
	startn h1
	start h2
	lab_wait 6 is_state h2 master
	lab_wait 3 is_state h1 fault
	[ "$(field h1 track1)" = "process $P down fault" ]
	# and a process of the name that runs is still seen
	proc h1 >/dev/null
	lab_wait 6 is_state h1 master
}

@test "track process: a child forked by a thread of another name has that name, not the tracked one" {
	# python3 named $P: a thread renames itself (prctl PR_SET_NAME) and
	# forks; the child's comm is the thread's.  Then $P exits, leaving
	# only that child.
	ln -sf /usr/bin/python3 "$D/$P"
	cat >"$D/fork.py" <<-'EOF'
	import ctypes, os, sys, threading, time
	d = sys.argv[1]
	def forker():
	    ctypes.CDLL(None).prctl(15, b"notracked", 0, 0, 0)
	    while not os.path.exists(d + "/go"):
	        time.sleep(0.02)
	    pid = os.fork()
	    if pid == 0:
	        time.sleep(1000)
	        os._exit(0)
	    with open(d + "/forked.new", "w") as f:
	        f.write(str(pid))
	    os.rename(d + "/forked.new", d + "/forked")
	threading.Thread(target=forker).start()
	while not os.path.exists(d + "/forked"):
	    time.sleep(0.02)
	os._exit(0)
	EOF
	lab_spawn h1 "$D/py.log" "$D/$P" "$D/fork.py" "$D" >/dev/null
	lab_wait 5 running "$P"
	tracked_pair "track process $P"
	touch "$D/go"
	lab_wait 5 test -e "$D/forked"
	lab_wait 5 ! running "$P"
	pgrep -x notracked >/dev/null
	lab_wait 3 is_state h1 fault
	lab_wait 3 is_state h2 master
	kill "$(cat "$D/forked")"
}

@test "track process: a forged process event is refused by the kernel to a user, and ignored by vrrpd from root" {
	pp=$(proc h1)
	tracked_pair "track process $P"
	# "PID exited", unicast to every connector socket but the kernel's:
	# prints how many sends went through
	cat >"$D/forge.py" <<-'EOF'
	import socket, struct, sys
	victim = int(sys.argv[1])
	ports = []
	with open("/proc/net/netlink") as f:
	    for line in f.read().splitlines()[1:]:
	        w = line.split()
	        if int(w[1]) == 11 and int(w[2]) != 0:	# NETLINK_CONNECTOR
	            ports.append(int(w[2]) & 0xffffffff)
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)
	ev = struct.pack("=IIQ", 0x80000000, 0, 0) + struct.pack("=IIII", victim, victim, 0, 0)
	cn = struct.pack("=IIIIHH", 1, 1, 0, 0, len(ev), 0) + ev
	nl = struct.pack("=IHHII", 16 + len(cn), 3, 0, 0, 0) + cn
	sent = 0
	for p in ports:
	    try:
	        s.sendto(nl, (p, 0))
	        sent += 1
	    except OSError:
	        pass
	print(sent)
	EOF
	# a user may not send to another's netlink port at all
	run setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/python3 - "$pp" <"$D/forge.py"
	assert_success
	[ "$output" = 0 ]
	# root may: vrrpd believes only the kernel (port 0)
	run /usr/bin/python3 - "$pp" <"$D/forge.py"
	assert_success
	[ "$output" -ge 1 ]
	sleep 1
	is_state h1 master
	run ! logged h1 "track process $P: no process"
	# the real exit still counts
	lab_kill "$pp" KILL
	lab_wait 3 is_state h1 fault
}
