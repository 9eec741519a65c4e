#!/usr/bin/env bats
# ddns-syncd(8) reloads in the lab (tests/lab/): the guide's "commit" is a
# SIGHUP, which applies the difference of peers (or leaves the cluster and
# joins it again when self, secret, domain or port changed).  A reload changes
# the nodes, never the table: a node's own records stay (they leave only
# by `down` or by the loss of the node), and the records of a node that
# the new configuration no longer lists go as a dead node's do, at the end
# of hold-time.  h1 is 192.0.2.11, h2 .12, ...; heartbeats of 0.2 s.

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

# synced I J LABEL ADDRESS: node J publishes LABEL, and node I has it:
# what J sent I before (a transfer after a reconnection) has come too
synced() {
	ctl "$2" up "$3" "$4" >/dev/null
	lab_wait 3 has "$1" "$3" "$4"
}

@test "reload: up X A, down X A, up X B, then SIGHUP, disable and enable: X stays at B on every node, and in the journal" {
	cluster 2
	lab_wait 5 member 1 2 up
	ctl 1 up x 192.0.2.51 >/dev/null
	ctl 1 down x 192.0.2.51 >/dev/null
	ctl 1 up x 192.0.2.52 >/dev/null
	lab_wait 2 has 2 x 192.0.2.52
	hup 1
	has 1 x 192.0.2.52
	grep -q '^+ [0-9]* x 192\.0\.2\.52$' "$D/h1.run/ddns/journal"
	lab_wait 5 member 1 2 up
	synced 1 2 after-hup 192.0.2.53
	has 1 x 192.0.2.52
	has 2 x 192.0.2.52
	# delete service ipsec-ddns enable; commit; set ...; commit
	echo 'delete service ipsec-ddns enable' >>"$D/h1.conf"
	hup 1
	echo 'set service ipsec-ddns enable' >>"$D/h1.conf"
	hup 1
	has 1 x 192.0.2.52
	lab_wait 5 member 1 2 up
	synced 1 2 after-enable 192.0.2.54
	has 1 x 192.0.2.52
	has 2 x 192.0.2.52
	grep -q '^+ [0-9]* x 192\.0\.2\.52$' "$D/h1.run/ddns/journal"
	run grep -c 'a record of ours we no longer hold' "$D/h1.log"
	assert_output 0
}

@test "reload: a gateway on h1, then on h2, then back on h1; h1's SIGHUP keeps it published at h1's address" {
	cluster 2
	lab_wait 5 member 1 2 up
	ctl 1 up gw 192.0.2.61 >/dev/null
	lab_wait 2 has 2 gw 192.0.2.61
	ctl 2 up gw 192.0.2.62 >/dev/null
	lab_wait 2 has 1 gw 192.0.2.62
	ctl 1 up gw 192.0.2.63 >/dev/null
	lab_wait 2 has 2 gw 192.0.2.63
	hup 1
	has 1 gw 192.0.2.63
	lab_wait 5 member 1 2 up
	synced 1 2 after-hup 192.0.2.64
	has 1 gw 192.0.2.63
	has 2 gw 192.0.2.63
	run grep -c 'a record of ours we no longer hold' "$D/h1.log"
	assert_output 0
}

@test "the guide's removal of a node: its records go at the end of hold-time on every other node, unless the gateway connected elsewhere first" {
	cluster 3 "hold-time 5"
	ctl 3 up gone 192.0.2.71 >/dev/null
	ctl 3 up moved 192.0.2.72 >/dev/null
	lab_wait 2 has 1 moved 192.0.2.72
	lab_wait 2 has 2 moved 192.0.2.72
	# on h3: delete service ipsec-ddns enable; commit
	echo 'delete service ipsec-ddns enable' >>"$D/h3.conf"
	hup 3
	lab_wait 3 member 1 3 down
	lab_wait 3 member 2 3 down
	# on the others: delete service ipsec-ddns peer 192.0.2.13; commit
	for i in 1 2; do
		echo 'delete service ipsec-ddns peer 192.0.2.13' >>"$D/h$i.conf"
		hup "$i"
	done
	# still published while the hold time runs
	has 1 gone 192.0.2.71
	has 2 gone 192.0.2.71
	# one of its gateways connects to h1 meanwhile
	ctl 1 up moved 192.0.2.73 >/dev/null
	lab_wait 2 has 2 moved 192.0.2.73
	lab_wait 15 lacks 1 gone
	lab_wait 2 lacks 2 gone
	has 1 moved 192.0.2.73
	has 2 moved 192.0.2.73
	for i in 1 2; do
		grep -q 'node 192.0.2.13: not a configured node; its 1 records withdrawn after 5 s' "$D/h$i.log" ||
		    fail "h$i: $(cat "$D/h$i.log")"
		run ctl "$i" members
		refute_line --partial 192.0.2.13
	done
	# and a reload does not bring them back
	hup 1
	lab_wait 5 member 1 2 up
	synced 1 2 after-hup 192.0.2.74
	lacks 1 gone
}

# links I: node I's established connections on the cluster port, one line
# each (local and peer address with ports), sorted: the same text before
# and after means the same TCP connections
links() {
	lab_exec "h$1" ss -Htn state established '( dport = :9100 or sport = :9100 )' |
	    awk '{ print $3, $4 }' | sort
}

# downs I J: how many times node I has logged node J down
downs() {
	grep -c "^ddns-syncd: peer 192\.0\.2\.$((10 + $2)): down" "$D/h$1.log" || :
}

@test "reload applies only the difference: an unchanged file, a peer added and a peer removed keep the other sessions; the guide's line each time" {
	cluster 3
	lab_wait 5 member 1 2 up
	lab_wait 5 member 1 3 up
	lab_wait 5 eval '[ "$(links 1 | wc -l)" = 2 ]'
	before=$(links 1)
	joined=$(grep -cE '^ddns-syncd: (Creating new|Joined existing) ipsec-ddns cluster$' "$D/h1.log")
	hup 1
	# the guide's commit answers with the cluster line again
	lab_wait 3 eval '[ "$(grep -c "^ddns-syncd: Joined existing ipsec-ddns cluster$" "$D/h1.log")" -gt 0 ]'
	[ "$(grep -cE '^ddns-syncd: (Creating new|Joined existing) ipsec-ddns cluster$' "$D/h1.log")" -gt "$joined" ]
	grep -qx 'Joined existing ipsec-ddns cluster' "$D/h1.run/ddns/cluster"
	synced 2 1 after-hup 192.0.2.81
	[ "$(links 1)" = "$before" ] || fail "connections changed: $before -> $(links 1)"
	[ "$(downs 2 1)" = 0 ] && [ "$(downs 3 1)" = 0 ] || fail "h1 seen down: $(cat "$D/h2.log" "$D/h3.log")"
	# h3 removed from h1's peers: that connection goes, h2's stays
	h12=$(links 1 | grep -E '192\.0\.2\.12]?:')
	echo 'delete service ipsec-ddns peer 192.0.2.13' >>"$D/h1.conf"
	hup 1
	lab_wait 5 eval '[ "$(links 1)" = "$h12" ]'
	synced 2 1 after-removal 192.0.2.82
	[ "$(downs 2 1)" = 0 ] || fail "h1 seen down by h2: $(cat "$D/h2.log")"
	run ctl 1 members
	refute_line --partial 192.0.2.13
	# and added again: h1 and h3 meet again, h2's connection is the same
	echo 'set service ipsec-ddns peer 192.0.2.13' >>"$D/h1.conf"
	hup 1
	lab_wait 5 member 1 3 up
	lab_wait 5 eval '[ "$(links 1 | wc -l)" = 2 ]'
	links 1 | grep -qxF "$h12" || fail "h1-h2 connection changed: $h12 -> $(links 1)"
	synced 3 1 after-return 192.0.2.83
	[ "$(downs 2 1)" = 0 ] || fail "h1 seen down by h2: $(cat "$D/h2.log")"
}
