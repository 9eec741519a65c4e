#!/usr/bin/env bats
# The pool name across a real cluster (ddns-named(8) POOL NAME): three lab
# hosts (tests/lab/), each running ddns-syncd and a ddns-named fed by it,
# with service dns-pool whose members are the nodes themselves
# (192.0.2.11 to .13, the default).  Queries cross the lab's bridge from
# h1.  Heartbeats are 0.5 s, so a silent node is down within 1.5 s.  Each
# state of the feed, told by a test publisher instead:
# tests/ddns-named-pool-feed.bats.

load helper
load lab/lab
load ddns-lab

SECRET=mysecretpassword
DOMAIN=vpn.example.org
POOL=pool.$DOMAIN
HB=0.5

setup() {
	ddns_lab_setup
}

teardown() {
	ddns_lab_teardown
}

# cluster POOL-STATEMENT...: three hosts, each with ddns-syncd and
# ddns-named, the pool configured with the statements given
cluster() {
	local i j s
	lab_up 3
	for i in 1 2 3; do
		conf "$i" 3 "heartbeat $HB"
		{
			echo "set service dns-pool name $POOL"
			for s; do echo "set service dns-pool $s"; done
		} >>"$D/h$i.conf"
	done
	for i in 1 2 3; do
		start "$i"
	done
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] || lab_wait 5 grep -q "^192\.0\.2\.$((10 + j)) up " "$D/h$i.run/ddns/members"
		done
		named "$i"
	done
}

# pool I: node I's pool answer, in order, on one line
pool() {
	lab_exec h1 dig @192.0.2.$((10 + $1)) +norec +tries=1 +time=1 +short "$POOL" A |
	    tr '\n' ' '
}

# pool_is TEXT I...: every node I answers the pool with the members of
# TEXT (sorted, one space after each)
pool_is() {
	local want=$1 i
	shift
	for i; do
		[ "$(pool "$i" | tr ' ' '\n' | sort | tr '\n' ' ')" = "$want" ] || return 1
	done
}

# order_is TEXT I: node I answers the pool with TEXT, in that order
order_is() {
	[ "$(pool "$2")" = "$1" ]
}

# gw_is NAME ADDRESS I: node I answers NAME.DOMAIN with ADDRESS
gw_is() {
	[ "$(lab_exec h1 dig @192.0.2.$((10 + $3)) +norec +short "$1.$DOMAIN")" = "$2" ]
}

# records_are N I: node I's table holds N records
records_are() {
	[ "$(ctl "$2" records | wc -l)" = "$1" ]
}

usec() {
	echo $((${EPOCHREALTIME/./}))
}

ALL="192.0.2.11 192.0.2.12 192.0.2.13 "

@test "a node dies: out of every pool answer within the heartbeat bound; back when it returns" {
	cluster
	lab_wait 5 pool_is "$ALL" 1 2 3
	# the cable out, then the process killed: only the silence tells
	lab_link h3 eth0 down
	t0=$(usec)
	lab_kill "$(cat "$D/h3.pid")" KILL
	lab_wait 5 pool_is "192.0.2.11 192.0.2.12 " 1 2
	t1=$(usec)
	echo "# out of the pool answers of h1 and h2 in $(((t1 - t0) / 1000)) ms; bound 1500 ms, margin 1000 ms" >&3
	# three heartbeats, plus 1 s for a loaded machine and for the polling
	# (each round asks three nodes through the lab)
	[ $((t1 - t0)) -le 2500000 ] || fail "the dead node answered for $(((t1 - t0) / 1000)) ms"
	grep -q "pool $POOL: answering from the cluster" "$D/n1.log"
	lab_link h3 eth0 up
	start 3	# ready once it has joined (up to join-time, 2 s)
	t0=$(usec)
	lab_wait 5 pool_is "$ALL" 1 2 3
	t1=$(usec)
	echo "# back in every pool answer $(((t1 - t0) / 1000)) ms after its ddns-syncd was ready" >&3
	[ $((t1 - t0)) -le 2500000 ] || fail "back only after $(((t1 - t0) / 1000)) ms"
}

@test "ddns-ctl drain: out of the pool answers of every node; undrain: back" {
	cluster
	lab_wait 5 pool_is "$ALL" 1 2 3
	run -0 ctl 2 drain
	lab_wait 3 pool_is "192.0.2.11 192.0.2.13 " 1 2 3
	# every other node drained as well: the drained ones are answered
	run -0 ctl 1 drain
	run -0 ctl 3 drain
	lab_wait 3 pool_is "$ALL" 1 2 3
	run -0 ctl 1 undrain
	lab_wait 3 pool_is "192.0.2.11 " 1 2 3
	run -0 ctl 3 undrain
	run -0 ctl 2 undrain
	lab_wait 3 pool_is "$ALL" 1 2 3
	# the gateway names were served all along
	run -0 ctl 2 up gw1 192.0.2.101
	lab_wait 3 gw_is gw1 192.0.2.101 3
}

@test "least-loaded: the node with the fewest gateways first, on every node" {
	cluster "policy least-loaded"
	for g in a b c d; do ctl 1 up "$g" 192.0.2.101 >/dev/null; done
	ctl 2 up e 192.0.2.105 >/dev/null
	ctl 3 up f 192.0.2.106 >/dev/null
	ctl 3 up g 192.0.2.107 >/dev/null
	# h1 carries 4, h2 1, h3 2
	lab_wait 5 records_are 7 1
	for i in 1 2 3; do
		lab_wait 3 order_is "192.0.2.12 192.0.2.13 192.0.2.11 " "$i" ||
		    fail "node $i answered $(pool "$i")"
	done
	# gateways move from h1 to h2: h1 now carries the fewest
	for g in e f g b c d; do ctl 2 up "$g" 192.0.2.120 >/dev/null; done
	# h1 1 (a), h2 6, h3 0: h3, h1, h2
	for i in 1 2 3; do
		lab_wait 3 order_is "192.0.2.13 192.0.2.11 192.0.2.12 " "$i" ||
		    fail "node $i answered $(pool "$i")"
	done
}

@test "the feed gone: the static answer, every member, logged; back with it" {
	cluster
	lab_link h3 eth0 down
	lab_kill "$(cat "$D/h3.pid")" KILL
	lab_wait 5 pool_is "192.0.2.11 192.0.2.12 " 1
	lab_kill "$(cat "$D/h1.pid")" TERM
	lab_wait 5 grep -q "pool $POOL: no feed; answering all 3 members" "$D/n1.log"
	lab_wait 2 pool_is "$ALL" 1
	start 1
	lab_wait 10 pool_is "192.0.2.11 192.0.2.12 " 1
	run grep "pool $POOL: " "$D/n1.log"
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 "ddns-named: pool $POOL: answering from the cluster, 3 of 3 members alive"
	assert_line --index 1 "ddns-named: pool $POOL: no feed; answering all 3 members"
	# its peer may be told up a moment after its own snapshot: 1 or 2
	assert_line --index 2 --regexp "^ddns-named: pool $POOL: answering from the cluster, [12] of 3 members alive\$"
}
