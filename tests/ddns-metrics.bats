#!/usr/bin/env bats
# ddns-syncd's metrics (issue 19): RUN/ddns/ddns-syncd.prom, linked as
# RUN/metrics/ddns-syncd.prom, served by a real node_exporter's textfile
# collector pointed at node 1's RUN/metrics, and accepted by promtool, in a
# cluster of two lab hosts (tests/ddns-lab.bash).

load helper
load lab/lab
load ddns-lab
load prom

SECRET=mysecretpassword
DOMAIN=vpn.example.org

setup() {
	ddns_lab_setup
	NE_PID=
	command -v prometheus-node-exporter >/dev/null ||
	    skip "prometheus-node-exporter is not installed (contrib/deps)"
	command -v promtool >/dev/null || skip "promtool is not installed (contrib/deps)"
}

teardown() {
	prom_teardown
	ddns_lab_teardown
}

# positive NAME{LABELS}: the sample is above 0
positive() {
	awk -v a="$(value "$1")" 'BEGIN { exit !(a != "" && a + 0 > 0) }'
}

@test "ddns-syncd: nodes up, records, changes, sessions, handshake failures and the journal, served by node_exporter and accepted by promtool; a node lost says so at once" {
	lab_up 2
	conf 1 2
	conf 2 2
	start 1
	start 2
	lab_wait 5 grep -q '^192\.0\.2\.12 up ' "$D/h1.run/ddns/members"
	[ "$(readlink "$D/h1.run/metrics/ddns-syncd.prom")" = ../ddns/ddns-syncd.prom ]
	exporter "$D/h1.run/metrics"
	lab_wait 5 value_is 'vpnha_ddns_node_up{node="192.0.2.11"}' 1
	lab_wait 5 value_is 'vpnha_ddns_node_up{node="192.0.2.12"}' 1
	lab_wait 5 value_is 'vpnha_ddns_sessions' 1
	value_is 'vpnha_ddns_journal_ok' 1
	value_is 'vpnha_ddns_records' 0
	# a gateway published on node 2: node 1 counts it, within a second
	ctl 2 up gw1 198.51.100.10
	lab_wait 5 value_is 'vpnha_ddns_records' 1
	lab_wait 5 value_is 'vpnha_ddns_node_records{node="192.0.2.12"}' 1
	value_is 'vpnha_ddns_node_records{node="192.0.2.11"}' 0
	run promtool check metrics <"$D/h1.run/metrics/ddns-syncd.prom"
	assert_success
	assert_output ''
	# the change came from a peer; on node 2 it was its own
	lab_wait 5 positive 'vpnha_ddns_changes_total{from="peers"}'
	grep -qx 'vpnha_ddns_changes_total{from="self"} [1-9][0-9]*' "$D/h2.run/ddns/ddns-syncd.prom"
	# node 2 stopped: node 1 sees it down, and its metrics say so
	stop 2
	lab_wait 10 value_is 'vpnha_ddns_node_up{node="192.0.2.12"}' 0
	value_is 'vpnha_ddns_sessions' 0
	value_is 'vpnha_ddns_node_up{node="192.0.2.11"}' 1
	value_is 'vpnha_ddns_handshake_failures_total{reason="auth"}' 0
	# back with another secret: its handshakes fail, counted by reason
	sed -i "s/secret $SECRET/secret another-secret-entirely/" "$D/h2.conf"
	start 2
	lab_wait 10 positive 'vpnha_ddns_handshake_failures_total{reason="auth"}'
	value_is 'vpnha_ddns_node_up{node="192.0.2.12"}' 0
	run promtool check metrics <"$D/h1.run/metrics/ddns-syncd.prom"
	assert_success
}
