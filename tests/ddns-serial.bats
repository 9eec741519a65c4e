#!/usr/bin/env bats
# The SOA serial across a DDNS cluster (ddns-named(8), ddns-syncd(8)
# subscribe): every node runs ddns-syncd and a ddns-named fed by it, in a
# lab host of its own (tests/lab/); the same table gives the same serial
# on every node, and it only moves forward (RFC 1982).  Queries cross the
# lab's bridge: h1 asks every node.  Heartbeats are 0.2 s.

load helper
load lab/lab
load ddns-lab

SECRET=mysecretpassword
DOMAIN=vpn.example.org

setup() {
	ddns_lab_setup
}

teardown() {
	ddns_lab_teardown
}

# cluster N: N hosts, each with ddns-syncd and ddns-named
cluster() {
	local n=$1 i j
	shift
	lab_up "$n"
	for ((i = 1; i <= n; i++)); do
		conf "$i" "$n" "$@"
	done
	for ((i = 1; i <= n; i++)); do
		start "$i"
	done
	for ((i = 1; i <= n; i++)); do
		for ((j = 1; j <= n; j++)); do
			[ "$i" = "$j" ] || lab_wait 5 grep -q "^192\.0\.2\.$((10 + j)) up " "$D/h$i.run/ddns/members"
		done
		named "$i"
	done
}

# ask I NAME [TYPE]: node I's answer, asked from h1
ask() {
	lab_exec h1 dig @192.0.2.$((10 + $1)) +norec +tries=1 +time=2 +short "$2" "${3:-A}"
}

serial() {
	ask "$1" "$DOMAIN" SOA | cut -d' ' -f3
}

# answers NAME ADDRESS I...: every node I answers NAME with ADDRESS
answers() {
	local name=$1 want=$2 i
	shift 2
	for i; do
		[ "$(ask "$i" "$name.$DOMAIN")" = "$want" ] || return 1
	done
}

# gone NAME I...: every node I answers NXDOMAIN for NAME
gone() {
	local name=$1 i
	shift
	for i; do
		lab_exec h1 dig @192.0.2.$((10 + i)) +norec +tries=1 +time=2 "$name.$DOMAIN" |
		    grep -q 'status: NXDOMAIN' || return 1
	done
}

# same_serial I...: every node I shows the same, non-empty serial
same_serial() {
	local a b i
	a=$(serial "$1")
	[ -n "$a" ] || return 1
	for i; do
		b=$(serial "$i")
		[ "$a" = "$b" ] || return 1
	done
}

# newer A B: serial A is after serial B in RFC 1982 arithmetic
newer() {
	local diff=$((($1 - $2 + 4294967296) % 4294967296))
	[ "$diff" -gt 0 ] && [ "$diff" -lt 2147483648 ] ||
	    fail "serial $1 is not after $2 (RFC 1982)"
}

# hwm_serial I: the serial of node I's high-water, read from a subscription
hwm_serial() {
	local stamp
	stamp=$(echo subscribe | socat -t 0.5 - "UNIX-CONNECT:$D/h$1.run/ddns/control" |
	    awk '$1 == "." { print $2; exit }')
	[ -n "$stamp" ] || return 1
	local sec=${stamp%%.*} rest=${stamp#*.}
	echo $((((sec * 1000 + 10#${rest%%.*}) / 10) % 4294967296))
}

@test "two nodes: records published on both, the same serial on both, the high-water's" {
	cluster 2
	ctl 1 up gw1 192.0.2.101 >/dev/null
	ctl 2 up gw2 2001:db8::102 >/dev/null
	ctl 2 up gw3 192.0.2.103 >/dev/null
	ctl 1 down gw3 >/dev/null
	lab_wait 5 answers gw1 192.0.2.101 1 2
	lab_wait 5 gone gw3 1 2
	[ "$(ask 2 gw2.$DOMAIN AAAA)" = 2001:db8::102 ] || fail "gw2 not on h2"
	[ "$(ask 1 gw2.$DOMAIN AAAA)" = 2001:db8::102 ] || fail "gw2 not on h1"
	lab_wait 3 same_serial 1 2 || fail "serials differ: h1 $(serial 1), h2 $(serial 2)"
	s=$(serial 1)
	[ "$s" = "$(hwm_serial 1)" ] || fail "serial $s is not the high-water's, $(hwm_serial 1)"
	[ "$s" = "$(hwm_serial 2)" ] || fail "h2's high-water is $(hwm_serial 2), not $s"
	# a gateway moves to the other node, then back: both follow, forward
	sleep 0.02
	ctl 2 up gw1 192.0.2.111 >/dev/null
	lab_wait 5 answers gw1 192.0.2.111 1 2
	lab_wait 3 same_serial 1 2 || fail "serials differ: h1 $(serial 1), h2 $(serial 2)"
	newer "$(serial 1)" "$s"
	s=$(serial 1)
	sleep 0.02
	ctl 1 up gw1 192.0.2.101 >/dev/null
	lab_wait 5 answers gw1 192.0.2.101 1 2
	lab_wait 3 same_serial 1 2 || fail "serials differ: h1 $(serial 1), h2 $(serial 2)"
	newer "$(serial 1)" "$s"
	s=$(serial 1)
	# a ddns-named started afresh reads the same serial from its snapshot
	lab_kill "$(cat "$D/n2.pid")"
	lab_wait 5 ! lab_alive "$(cat "$D/n2.pid")"
	named 2
	run serial 2
	assert_output "$s"
}

@test "three nodes: one dies; at the end of the hold time the two left withdraw its records with the same, later serial" {
	cluster 3 "hold-time 1"
	ctl 3 up gw3 192.0.2.103 >/dev/null
	ctl 1 up gw1 192.0.2.101 >/dev/null
	lab_wait 5 answers gw3 192.0.2.103 1 2
	lab_wait 5 answers gw1 192.0.2.101 1 2
	lab_wait 3 same_serial 1 2 3 || fail "serials differ: $(serial 1) $(serial 2) $(serial 3)"
	s=$(serial 1)
	lab_kill "$(cat "$D/h3.pid")" KILL
	lab_kill "$(cat "$D/n3.pid")"
	lab_wait 10 gone gw3 1 2
	lab_wait 3 same_serial 1 2 || fail "serials differ: h1 $(serial 1), h2 $(serial 2)"
	newer "$(serial 1)" "$s"
	[ "$(serial 1)" = "$(((s + 1) % 4294967296))" ] || fail "serial $(serial 1): the next 10 ms above $s expected"
	s=$(serial 1)
	run ask 1 gw1.$DOMAIN
	assert_output 192.0.2.101
	# it comes back with its journal: its record is served again, and the
	# serial moves on, alike on both
	start 3
	lab_wait 10 answers gw3 192.0.2.103 1 2
	lab_wait 3 same_serial 1 2 || fail "serials differ: h1 $(serial 1), h2 $(serial 2)"
	newer "$(serial 1)" "$s"
}
