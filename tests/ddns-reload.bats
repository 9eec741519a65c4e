#!/usr/bin/env bats
# ddns-syncd(8) reloads in the lab (tests/lab/): the guide's "commit" is a
# SIGHUP, which leaves the cluster and joins it again.  A reload changes
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
