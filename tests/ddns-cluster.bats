#!/usr/bin/env bats
# ddns-syncd(8) clusters in the lab (tests/lab/): one daemon per host, each
# with its own -f and -r; h1 is 192.0.2.11, h2 .12, ...  Heartbeats are
# 0.2 s here (the default is 1 s) so that failures show within a second.
#
# Clock skew is real: the node runs under libfaketime (FAKETIME=-30s, its
# monotonic clock left alone), not under a test option of the daemon.  The
# sanitizer build refuses a preloaded library that comes before ASan's
# runtime; ASAN_OPTIONS=verify_asan_link_order=0 lets it run, and the test
# checks that the clock in that host really lags.
#
# The replay is of bytes a real session carried: captured on the lab's
# bridge, decoded by tshark, sent again from a third host.

load helper
load lab/lab

SECRET=mysecretpassword
DOMAIN=vpn.example.org

setup() {
	D=$BATS_TEST_TMPDIR
}

teardown() {
	local f
	if [ -z "${BATS_TEST_COMPLETED-}" ]; then
		for f in "$D"/h*.log; do
			echo "--- $f"
			cat "$f"
		done >&3
	fi
	lab_down
}

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

# start I [ENV=VALUE...]: ddns-syncd on hI, ready (-n) before it returns
start() {
	local i=$1
	shift
	rm -f "$D/h$i.ready"
	mkfifo "$D/h$i.ready"
	lab_spawn "h$i" "$D/h$i.log" env "$@" sh -c 'exec "$@" 3>"$0"' "$D/h$i.ready" \
	    "$VPNHA_BIN/ddns-syncd" -f "$D/h$i.conf" -r "$D/h$i.run" -n 3 >"$D/h$i.pid"
	timeout 20 head -c 1 "$D/h$i.ready" >/dev/null || fail "h$i not ready: $(cat "$D/h$i.log")"
}

stop() {
	lab_kill "$(cat "$D/h$1.pid")" "${2:-TERM}"
	lab_wait 5 ! lab_alive "$(cat "$D/h$1.pid")"
}

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
	local a=$1 b
	shift
	for b; do
		[ "$(ctl "$a" records)" = "$(ctl "$b" records)" ] || return 1
	done
}

# has I LABEL ADDRESS: node I publishes LABEL at ADDRESS
has() {
	ctl "$1" records | grep -q "^$2 $3 "
}

lacks() {
	! ctl "$1" records | grep -q "^$2 "
}

member() {
	grep -q "^192\.0\.2\.$((10 + $2)) $3 " "$D/h$1.run/ddns/members"
}

@test "the guide's two nodes: the first creates the cluster, the second joins it" {
	lab_up 2
	conf 1 2
	conf 2 2
	start 1
	run cat "$D/h1.run/ddns/cluster"
	assert_output 'Creating new ipsec-ddns cluster'
	grep -qx 'ddns-syncd: Creating new ipsec-ddns cluster' "$D/h1.log"
	start 2
	run cat "$D/h2.run/ddns/cluster"
	assert_output 'Joined existing ipsec-ddns cluster'
	grep -qx 'ddns-syncd: Joined existing ipsec-ddns cluster' "$D/h2.log"
	lab_wait 5 member 1 2 up
	lab_wait 5 member 2 1 up
	run ctl 1 up gw1 192.0.2.50
	assert_output 'up gw1 192.0.2.50'
	lab_wait 2 has 2 gw1 192.0.2.50
	ctl 2 up gw2 2001:db8::50
	lab_wait 2 has 1 gw2 2001:db8::50
	same 1 2
	run ctl 1 members
	assert_line --regexp '^192\.0\.2\.11 self [0-9.]+ 1$'
	assert_line --regexp '^192\.0\.2\.12 up [0-9.]+ 1$'
	ctl 2 down gw1 192.0.2.50
	lab_wait 2 lacks 1 gw1
	same 1 2
}

@test "five nodes: a record published on any node is on all" {
	cluster 5
	for i in 1 2 3 4 5; do
		[ "$(cat "$D/h$i.run/ddns/cluster")" = "$([ "$i" = 1 ] && echo 'Creating new ipsec-ddns cluster' || echo 'Joined existing ipsec-ddns cluster')" ] ||
		    fail "h$i: $(cat "$D/h$i.run/ddns/cluster")"
	done
	for i in 1 2 3 4 5; do
		ctl "$i" up "gw$i" "192.0.2.$((100 + i))" >/dev/null
	done
	lab_wait 5 same 1 2 3 4 5
	run ctl 3 records
	[ "${#lines[@]}" -eq 5 ]
	for i in 1 2 3 4 5; do
		assert_line --regexp "^gw$i 192\.0\.2\.$((100 + i)) 192\.0\.2\.$((10 + i)) "
	done
	for i in 1 2 3 4 5; do
		lab_wait 2 grep -c ' up ' "$D/h$i.run/ddns/members"
		[ "$(grep -c ' up ' "$D/h$i.run/ddns/members")" -eq 4 ] || fail "h$i: $(cat "$D/h$i.run/ddns/members")"
	done
}

@test "most recent connection wins, even from a node whose clock is 30 s behind" {
	lab_up 2
	conf 1 2
	conf 2 2
	start 1
	# libfaketime on the sanitizer build: ASan must not insist on being first
	start 2 LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
	    FAKETIME=-30s FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    ASAN_OPTIONS=verify_asan_link_order=0:$ASAN_OPTIONS
	lab_wait 5 member 2 1 up
	# h2's clock really is behind
	run lab_exec h2 env LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME=-30s date +%s
	[ $(($(date +%s) - output)) -ge 29 ]
	ctl 1 up gw 192.0.2.50 >/dev/null
	lab_wait 2 has 2 gw 192.0.2.50
	# the gateway reconnects to h2
	ctl 2 up gw 192.0.2.60 >/dev/null
	lab_wait 2 has 1 gw 192.0.2.60
	has 2 gw 192.0.2.60
	ctl 1 records | grep -q '^gw 192\.0\.2\.60 192\.0\.2\.12 '
	same 1 2
	# and back to h1
	ctl 1 up gw 192.0.2.70 >/dev/null
	lab_wait 2 has 2 gw 192.0.2.70
}

@test "concurrent publications on two sides of a partition resolve the same everywhere" {
	cluster 3
	lab_link h3 eth0 down
	lab_wait 3 member 1 3 down
	ctl 1 up both 192.0.2.71 >/dev/null
	ctl 3 up both 192.0.2.73 >/dev/null
	ctl 2 up left 192.0.2.72 >/dev/null
	ctl 3 up right 192.0.2.74 >/dev/null
	lab_link h3 eth0 up
	lab_wait 15 same 1 2 3
	run ctl 2 records
	assert_line --regexp '^both 192\.0\.2\.7[13] '
	assert_line --regexp '^left 192\.0\.2\.72 '
	assert_line --regexp '^right 192\.0\.2\.74 '
}

@test "SIGKILL: the node is down within the heartbeat bound; its records stay for the hold time, then go" {
	cluster 3 "hold-time 3"
	ctl 3 up moves 192.0.2.80 >/dev/null
	ctl 3 up stays 192.0.2.81 >/dev/null
	lab_wait 2 has 1 stays 192.0.2.81
	lab_wait 2 has 2 stays 192.0.2.81
	stop 3 KILL
	t0=$(date +%s%N)
	lab_wait 3 member 1 3 down
	lab_wait 3 member 2 3 down
	dt=$((($(date +%s%N) - t0) / 1000000))
	echo "# down after $dt ms (3 heartbeats: 600 ms)" >&3
	[ "$dt" -lt 2000 ]
	has 1 stays 192.0.2.81
	has 2 moves 192.0.2.80
	# the gateway reconnects to h1: it wins at once
	ctl 1 up moves 192.0.2.90 >/dev/null
	lab_wait 1 has 2 moves 192.0.2.90
	has 1 stays 192.0.2.81
	# hold time over: withdrawn on both
	lab_wait 6 lacks 1 stays
	lab_wait 1 lacks 2 stays
	grep -q 'peer 192.0.2.13: down for 3 s: its 1 records withdrawn' "$D/h1.log"
	has 1 moves 192.0.2.90
	same 1 2
}

@test "partition and heal: every node converges to the same table" {
	cluster 3
	ctl 1 up old 192.0.2.60 >/dev/null
	lab_wait 2 has 3 old 192.0.2.60
	lab_link h1 eth0 down
	lab_wait 3 member 2 1 down
	ctl 1 up a 192.0.2.61 >/dev/null
	ctl 1 down old >/dev/null
	ctl 2 up b 192.0.2.62 >/dev/null
	ctl 3 up c 192.0.2.63 >/dev/null
	ctl 3 up a 192.0.2.64 >/dev/null
	lab_link h1 eth0 up
	lab_wait 15 same 1 2 3
	run ctl 1 records
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	assert_line --regexp '^a 192\.0\.2\.64 192\.0\.2\.13 '
	assert_line --regexp '^b 192\.0\.2\.62 '
	assert_line --regexp '^c 192\.0\.2\.63 '
}

@test "restart: a node that missed changes catches up" {
	cluster 3
	ctl 1 up gone 192.0.2.40 >/dev/null
	lab_wait 2 has 3 gone 192.0.2.40
	stop 3
	ctl 1 up new1 192.0.2.41 >/dev/null
	ctl 2 up new2 192.0.2.42 >/dev/null
	ctl 2 down gone >/dev/null
	start 3
	run cat "$D/h3.run/ddns/cluster"
	assert_output 'Joined existing ipsec-ddns cluster'
	lab_wait 5 same 1 2 3
	lacks 3 gone
	has 3 new2 192.0.2.42
}

@test "long absence: whole resync, and nothing deleted comes back" {
	cluster 3 "tombstone-ttl 2"
	ctl 3 up mine 192.0.2.30 >/dev/null
	ctl 3 up kept 192.0.2.31 >/dev/null
	ctl 1 up theirs 192.0.2.32 >/dev/null
	lab_wait 2 has 1 mine 192.0.2.30
	lab_wait 2 has 3 theirs 192.0.2.32
	stop 3 KILL
	# while h3 is away: its gateway moves to h1 and leaves; another leaves
	ctl 1 up mine 192.0.2.33 >/dev/null
	ctl 1 down mine >/dev/null
	ctl 2 down theirs >/dev/null
	ctl 2 up fresh 192.0.2.34 >/dev/null
	lab_wait 6 bash -c "ddns-ctl -r $D/h1.run status | grep -qx tombstones=0"
	lab_wait 6 bash -c "ddns-ctl -r $D/h2.run status | grep -qx tombstones=0"
	# h3 comes back with its journal ("mine" and "kept")
	grep -q ' mine ' "$D/h3.run/ddns/journal"
	start 3
	lab_wait 5 same 1 2 3
	run ctl 3 records
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	assert_line --regexp '^fresh 192\.0\.2\.34 '
	assert_line --regexp '^kept 192\.0\.2\.31 '
	sleep 1
	same 1 2 3
	lacks 1 mine
}

@test "wrong secret: refused with one clear line, retried with backoff, nothing shared" {
	lab_up 2
	conf 1 2
	SECRET=anothersecret conf 2 2
	start 1
	start 2
	run cat "$D/h2.run/ddns/cluster"
	assert_output 'Creating new ipsec-ddns cluster'
	ctl 2 up secretive 192.0.2.99 >/dev/null
	sleep 3
	grep -q 'peer 192.0.2.12: authentication failed (wrong secret?)' "$D/h1.log"
	grep -q 'peer 192.0.2.11: authentication failed (wrong secret?)' "$D/h2.log"
	# not a hot loop: the same failure is logged once
	[ "$(grep -c 'authentication failed' "$D/h1.log")" -le 2 ]
	member 1 2 down
	lacks 1 secretive
	lab_alive "$(cat "$D/h1.pid")"
	lab_alive "$(cat "$D/h2.pid")"
}

@test "wrong domain: refused, and the line says it is the domain" {
	lab_up 2
	conf 1 2
	DOMAIN=other.example.org conf 2 2
	start 1
	start 2
	lab_wait 3 grep -q 'peer 192.0.2.12: domain mismatch' "$D/h1.log"
	lab_wait 3 grep -q 'peer 192.0.2.11: domain mismatch' "$D/h2.log"
	run grep -c 'wrong secret' "$D/h1.log"
	assert_output 0
	member 1 2 down
}

@test "replay: a real session's bytes sent again on a new connection reach nothing" {
	lab_up 3
	conf 1 2
	conf 2 2
	start 1
	lab_capture eth0 "$D/cap.pcap"
	start 2
	lab_wait 3 member 1 2 up
	ctl 1 up replayed 192.0.2.55 >/dev/null
	lab_wait 2 has 2 replayed 192.0.2.55
	ctl 1 down replayed >/dev/null
	lab_wait 2 lacks 2 replayed
	sleep 0.5
	lab_capture_stop
	# the bytes the dialling node sent on the session, as tshark decodes them
	read -r stream dst < <(tshark -r "$D/cap.pcap" -Y 'tcp.dstport==9100 && tcp.len>0' \
	    -T fields -e tcp.stream -e ip.dst 2>/dev/null | sort | uniq -c | sort -rn |
	    awk 'NR==1 {print $2, $3}')
	[ -n "$stream" ]
	tshark -r "$D/cap.pcap" -Y "tcp.stream==$stream && tcp.dstport==9100 && tcp.len>0" \
	    -T fields -e tcp.payload 2>/dev/null | tr -d '\n:' | xxd -r -p >"$D/replay.bin"
	[ "$(stat -c %s "$D/replay.bin")" -gt 100 ]
	n=${dst##*.}
	n=$((n - 10))
	before=$(ctl "$n" records)
	lab_exec h3 socat -t 2 -u "OPEN:$D/replay.bin" "TCP:$dst:9100" || :
	lab_wait 3 grep -q 'authentication failed (a replayed handshake' "$D/h$n.log"
	[ "$(ctl "$n" records)" = "$before" ]
	lacks "$n" replayed
	lab_alive "$(cat "$D/h$n.pid")"
	member "$n" $((3 - n)) up
}

@test "random bytes to port 9100: dropped, the daemon keeps serving" {
	lab_up 3
	conf 1 2
	conf 2 2
	start 1
	start 2
	ctl 1 up g 192.0.2.5 >/dev/null
	lab_wait 2 has 2 g 192.0.2.5
	for i in 1 2 3 4 5; do
		head -c $((i * 3000)) /dev/urandom >"$D/junk"
		lab_exec h3 socat -t 1 -u "OPEN:$D/junk" TCP:192.0.2.11:9100 || :
	done
	# a frame header promising more than ever comes: the handshake times out
	(printf '\377\377abc'; sleep 7) | lab_exec h3 socat -u - TCP:192.0.2.11:9100 || :
	lab_alive "$(cat "$D/h1.pid")"
	member 1 2 up
	ctl 2 up h 192.0.2.6 >/dev/null
	lab_wait 2 has 1 h 192.0.2.6
	run ctl 1 records
	[ "${#lines[@]}" -eq 2 ]
	grep -q 'handshake timed out' "$D/h1.log"
}

@test "the guide's adding a node, and disable then re-enable, by SIGHUP" {
	lab_up 3
	conf 1 2
	conf 2 2
	start 1
	start 2
	ctl 1 up early 192.0.2.20 >/dev/null
	# h3 knows the others, they do not know it yet
	conf 3 3
	start 3
	run cat "$D/h3.run/ddns/cluster"
	assert_output 'Creating new ipsec-ddns cluster'
	lab_wait 3 grep -q 'peer 192.0.2.13: not a configured peer' "$D/h1.log"
	# set service ipsec-ddns peer 192.0.2.13; commit (on h1 and h2)
	for i in 1 2; do
		echo 'set service ipsec-ddns peer 192.0.2.13' >>"$D/h$i.conf"
		lab_kill "$(cat "$D/h$i.pid")" HUP
	done
	lab_wait 5 grep -q 'peer 192.0.2.13: up' "$D/h1.log"
	lab_wait 5 grep -qx 'Joined existing ipsec-ddns cluster' "$D/h1.run/ddns/cluster"
	lab_wait 5 has 3 early 192.0.2.20
	# delete service ipsec-ddns enable; commit (on h3): it leaves cleanly
	echo 'delete service ipsec-ddns enable' >>"$D/h3.conf"
	lab_kill "$(cat "$D/h3.pid")" HUP
	lab_wait 3 member 1 3 down
	grep -q 'peer 192.0.2.13: down (left the cluster)' "$D/h1.log"
	[ ! -e "$D/h3.run/ddns/cluster" ]
	# set service ipsec-ddns enable; commit
	echo 'set service ipsec-ddns enable' >>"$D/h3.conf"
	lab_kill "$(cat "$D/h3.pid")" HUP
	lab_wait 5 grep -qx 'Joined existing ipsec-ddns cluster' "$D/h3.run/ddns/cluster"
	lab_wait 3 member 1 3 up
	ctl 3 up late 192.0.2.21 >/dev/null
	lab_wait 3 same 1 2 3
}
