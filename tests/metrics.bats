#!/usr/bin/env bats
# Metrics (issue 19): each daemon's RUN/NAME/NAME.prom in the Prometheus
# text format, linked as RUN/metrics/NAME.prom, served by a real
# node_exporter's textfile collector (on loopback, pointed at one node's
# RUN/metrics) and accepted by promtool.  Lab hosts as tests/vrrpd.bats'.

load helper
load lab/lab
load vrrp
load ddns-named
load prom

VIP=192.0.2.100
# a group's labels, in the order Prometheus gives them; with a state
G='family="inet",interface="eth0",vrid="1"'
st() {
	echo "vpnha_vrrp_state{family=\"inet\",interface=\"eth0\",state=\"$1\",vrid=\"1\"}"
}

setup() {
	D=$BATS_TEST_TMPDIR
	NE_PID=
	command -v prometheus-node-exporter >/dev/null ||
	    skip "prometheus-node-exporter is not installed (contrib/deps)"
	command -v promtool >/dev/null || skip "promtool is not installed (contrib/deps)"
	lab_up 3
}

teardown() {
	prom_teardown
	[ -z "${T-}" ] || named_teardown
	lab_down
}

# same_as_status HOST METRIC FIELD: the group's sample is what the status
# file says (each read anew: for lab_wait)
same_as_status() {
	value_is "$2{$G}" "$(field "$1" "$3")"
}

@test "vrrpd: its metrics, linked in RUN/metrics, served by node_exporter and accepted by promtool; a failover moves them" {
	pair 150 100
	for h in h1 h2; do
		[ -L "$D/$h.run/metrics/vrrpd.prom" ]
		[ "$(readlink "$D/$h.run/metrics/vrrpd.prom")" = ../vrrpd/vrrpd.prom ]
		run promtool check metrics <"$D/$h.run/metrics/vrrpd.prom"
		assert_success
		assert_output ''
	done
	exporter "$D/h2.run/metrics"
	run scrape
	assert_output --partial 'node_textfile_scrape_error 0'
	lab_wait 5 value_is "$(st backup)" 1
	value_is "$(st master)" 0
	value_is "vpnha_vrrp_priority{$G}" 100
	value_is "vpnha_vrrp_effective_priority{$G}" 100
	value_is "vpnha_vrrp_transitions_total{$G}" 1	# init -> backup
	lab_wait 5 same_as_status h2 vpnha_vrrp_adverts_received_total adverts_received
	value_is 'vpnha_vrrp_dropped_packets_total{interface="eth0",reason="checksum"}' 0
	# the master killed: the backup takes over, and says so at once
	lab_kill "$(pid h1)" KILL
	lab_wait 6 is_state h2 master
	lab_wait 2 value_is "$(st master)" 1
	value_is "$(st backup)" 0
	value_is "vpnha_vrrp_transitions_total{$G}" 2
	t=$(field h2 last_transition)
	value_is "vpnha_vrrp_last_transition_timestamp_seconds{$G}" "$t"
	# a master sends: the counter follows within a second or so
	lab_wait 5 eval 'awk -v v="$(value "vpnha_vrrp_adverts_sent_total{$G}")" "BEGIN { exit !(v > 0) }"'
	run promtool check metrics <"$D/h2.run/metrics/vrrpd.prom"
	assert_success
}

# transitions HOST: the transitions of the group that HOST's file counts
transitions() {
	awk -v m="vpnha_vrrp_transitions_total{$G}" '$1 == m { print $2 }' \
	    "$D/$1.run/vrrpd/vrrpd.prom"
}

# transitions_of HOST N: HOST's file counts N
transitions_of() {
	[ "$(transitions "$1")" = "$2" ]
}

@test "vrrpd: the guide's forced failover counts a transition on both nodes, and each file says who is master" {
	pair 150 100 'preempt true'
	n1=$(transitions h1)	# init -> backup -> master
	n2=$(transitions h2)	# init -> backup
	[ "$n1" -ge 2 ] && [ "$n2" -ge 1 ] || fail "at the start: h1 $n1, h2 $n2"
	run ctl h2 priority eth0 1 200
	assert_output ok
	lab_wait 6 is_state h2 master
	lab_wait 6 is_state h1 backup
	lab_wait 2 transitions_of h1 $((n1 + 1))
	lab_wait 2 transitions_of h2 $((n2 + 1))
	grep -qxF "$(st master) 1" "$D/h2.run/vrrpd/vrrpd.prom"
	grep -qxF "$(st backup) 1" "$D/h1.run/vrrpd/vrrpd.prom"
	grep -qxF "vpnha_vrrp_priority{$G} 100" "$D/h2.run/vrrpd/vrrpd.prom"
	grep -qxF "vpnha_vrrp_effective_priority{$G} 200" "$D/h2.run/vrrpd/vrrpd.prom"
}

@test "vrrpd: a hostile file where the link goes is replaced; the metrics directory is checked like the run directory" {
	group h1 150
	mkdir -p "$D/h1.run/metrics"
	echo 'vpnha_fake 1' >"$D/elsewhere.prom"
	ln -s "$D/elsewhere.prom" "$D/h1.run/metrics/vrrpd.prom"
	start h1
	lab_wait 6 is_state h1 master
	[ "$(readlink "$D/h1.run/metrics/vrrpd.prom")" = ../vrrpd/vrrpd.prom ]
	run cat "$D/elsewhere.prom"
	assert_output 'vpnha_fake 1'	# untouched
	grep -qF "$(st master) 1" "$D/h1.run/metrics/vrrpd.prom"
	lab_kill "$(pid h1)" TERM
	lab_wait 5 ! lab_alive "$(pid h1)"
	# others may write in it: refused, as the run directory would be
	chmod o+w "$D/h1.run/metrics"
	run lab_exec h1 "$VPNHA_BIN/vrrpd" -f "$D/h1.conf" -r "$D/h1.run"
	assert_failure 100
	assert_output --partial "$D/h1.run/metrics"
}

# dns_is NAME{LABELS} VALUE: as value_is, for ddns-named's samples
dns_is() {
	value_is "$1" "$2"
}

@test "ddns-named: queries, responses, TCP, the feed, the serial and the pool's members, served by node_exporter and accepted by promtool" {
	named_setup
	cat >>"$T/vpnha.conf" <<-EOF
	set service dns-pool name pool.$DOMAIN
	set service dns-pool member 203.0.113.1
	set service dns-pool member 203.0.113.2
	EOF
	start_feed
	start_named -s "$T/feed" -r "$T/run"
	feed "+ gw1 192.0.2.10"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN | grep -q ."
	[ "$(readlink "$T/run/metrics/ddns-named.prom")" = ../ddns-named/ddns-named.prom ]
	exporter "$T/run/metrics"
	lab_wait 5 dns_is 'vpnha_dns_feed_up' 1
	lab_wait 5 dns_is "vpnha_dns_records{zone=\"$DOMAIN\"}" 1
	lab_wait 5 dns_is "vpnha_dns_serial{zone=\"$DOMAIN\"}" "$(serial)"
	# queries move the counters within a second or so
	q0=$(value 'vpnha_dns_queries_total{rcode="NOERROR",transport="udp",type="A"}')
	n0=$(value 'vpnha_dns_queries_total{rcode="NXDOMAIN",transport="udp",type="A"}')
	for i in 1 2 3 4 5; do
		d +short "pool.$DOMAIN" >/dev/null
		d +short "nothere.$DOMAIN" >/dev/null
	done
	d +tcp +short "gw1.$DOMAIN" >/dev/null
	lab_wait 5 dns_is 'vpnha_dns_queries_total{rcode="NOERROR",transport="udp",type="A"}' $((q0 + 5))
	lab_wait 5 dns_is 'vpnha_dns_queries_total{rcode="NXDOMAIN",transport="udp",type="A"}' $((n0 + 5))
	lab_wait 5 dns_is 'vpnha_dns_queries_total{rcode="NOERROR",transport="tcp",type="A"}' 1
	lab_wait 5 dns_is 'vpnha_dns_tcp_connections_total' 1
	# each member was given in each of the five pool answers (2 members)
	lab_wait 5 dns_is "vpnha_dns_pool_answers_total{member=\"203.0.113.1\",pool=\"pool.$DOMAIN\"}" 5
	dns_is "vpnha_dns_pool_answers_total{member=\"203.0.113.2\",pool=\"pool.$DOMAIN\"}" 5
	# the feed lost: said at once, no query needed to move it
	stop_feed
	lab_wait 5 dns_is 'vpnha_dns_feed_up' 0
	run promtool check metrics <"$T/run/metrics/ddns-named.prom"
	assert_success
	assert_output ''
}

@test "ddns-named: a run directory it may not use costs the metrics, not the service" {
	named_setup
	mkdir -m 0777 "$T/run"
	start_named -d "$T/records" -r "$T/run"
	grep -q "no metrics: $T/run: writable by others" "$T/log"
	run d +short "gw1.$DOMAIN"
	assert_output 192.0.2.10
	[ ! -e "$T/run/metrics" ]
}
