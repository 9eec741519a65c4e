#!/usr/bin/env bats
# ddns-ctl(8): the request it sends, the reply it prints, its exit status
# (0 ok, 1 error:, 111 unreachable, 100 usage), against a real ddns-syncd
# in a lab host.

load helper
load lab/lab

setup() {
	D=$BATS_TEST_TMPDIR
	R=$D/run
}

teardown() {
	lab_down
}

start() {
	lab_up 1
	cat >"$D/n.conf" <<-EOC
	set service ipsec-ddns self 192.0.2.11
	set service ipsec-ddns secret mysecretpassword
	set service ipsec-ddns domain vpn.example.org
	set service ipsec-ddns enable
	EOC
	lab_spawn h1 "$D/log" "$VPNHA_BIN/ddns-syncd" -f "$D/n.conf" -r "$R" >"$D/pid"
	lab_wait 5 test -e "$R/ddns/cluster"
}

@test "usage: wrong words exit 100 with the usage" {
	for args in '' 'up' 'up gw1' 'up gw1 192.0.2.1 extra' 'down' \
	    'down gw1 192.0.2.1 extra' 'records x' 'frobnicate' 'subscribe' '-x status' \
	    'drain x' 'undrain 192.0.2.11' 'drain drain'; do
		# shellcheck disable=SC2086 # the words, split
		run ddns-ctl -r "$R" $args
		[ "$status" -eq 100 ] || fail "ddns-ctl $args: exit $status"
		assert_output --partial 'usage: ddns-ctl [-r RUNDIR] up ID ADDRESS'
		assert_output --partial 'ddns-ctl [-r RUNDIR] drain | undrain'
	done
	run ddns-ctl up "$(printf 'gw\n1')" 192.0.2.1
	assert_failure 100
	assert_output 'ddns-ctl: fatal: argument 2 has a line break'
	run ddns-ctl up "$(printf 'x%.0s' {1..1100})" 192.0.2.1
	assert_failure 100
	assert_output --partial 'request longer than'
}

@test "unreachable: exit 111 and why" {
	run ddns-ctl -r "$D/nowhere" status
	assert_failure 111
	assert_output "ddns-ctl: fatal: unable to reach ddns-syncd at $D/nowhere/ddns/control: No such file or directory"
}

@test "ok: exit 0, the reply on standard output; error: exit 1, the reason on standard error" {
	start
	run --separate-stderr ddns-ctl -r "$R" up 'C=FR, O=Acme, CN=gw 9' 192.0.2.9
	assert_success
	assert_output 'up gw-9 192.0.2.9'
	[ -z "$stderr" ]
	run --separate-stderr ddns-ctl -r "$R" up gw9 not-an-address
	assert_failure 1
	assert_output ''
	[ "$stderr" = 'ddns-ctl: error: the address is not an IPv4 or IPv6 address' ]
	run ddns-ctl -r "$R" records
	assert_success
	assert_output --regexp '^gw-9 192\.0\.2\.9 192\.0\.2\.11 [0-9]+\.[0-9]{3}\.[0-9]+$'
	run ddns-ctl -r "$R" members
	assert_success
	assert_output --regexp '^192\.0\.2\.11 self [0-9.]+ 1 up$'
	run ddns-ctl -r "$R" status
	assert_success
	assert_line 'records=1'
	run ddns-ctl -r "$R" down gw-9 192.0.2.9
	assert_success
	assert_output 'down gw-9'
}

@test "the updown glue: up then down with the same CN and virtual IP" {
	start
	CN='gw.north/7' VIRTUAL_IP=2001:db8:77::1
	ddns-ctl -r "$R" up "$CN" "$VIRTUAL_IP"
	run ddns-ctl -r "$R" records
	assert_output --regexp '^gw-north-7 2001:db8:77::1 '
	ddns-ctl -r "$R" down "$CN" "$VIRTUAL_IP"
	run ddns-ctl -r "$R" records
	assert_output ''
}

@test "drain, undrain: exit 0 and the node named; members says drained; 1 when disabled, 111 unreachable" {
	start
	run --separate-stderr ddns-ctl -r "$R" drain
	assert_success
	assert_output 'drained 192.0.2.11'
	[ -z "$stderr" ]
	run ddns-ctl -r "$R" members
	assert_output --regexp '^192\.0\.2\.11 self [0-9.]+ 0 drained$'
	run ddns-ctl -r "$R" undrain
	assert_success
	assert_output 'undrained 192.0.2.11'
	run ddns-ctl -r "$R" members
	assert_output --regexp '^192\.0\.2\.11 self [0-9.]+ 0 up$'
	# disabled: the daemon answers error:, ddns-ctl exits 1
	sed -i '/enable/d' "$D/n.conf"
	lab_kill "$(cat "$D/pid")" HUP
	lab_wait 5 test ! -e "$R/ddns/cluster"
	run --separate-stderr ddns-ctl -r "$R" drain
	assert_failure 1
	assert_output ''
	[ "$stderr" = 'ddns-ctl: error: DDNS is disabled (set service ipsec-ddns enable, then SIGHUP)' ]
	run ddns-ctl -r "$D/nowhere" undrain
	assert_failure 111
	assert_output --partial 'unable to reach ddns-syncd'
}

@test "-j: members, records and status, each one JSON document that says what the lines say; -j elsewhere is a usage error" {
	start
	ddns-ctl -r "$R" up gw1 192.0.2.50
	ddns-ctl -r "$R" up gw2 2001:db8::2
	for verb in members records status; do
		ddns-ctl -r "$R" "$verb" >"$D/$verb.txt"
		ddns-ctl -r "$R" -j "$verb" >"$D/$verb.json"
		run python3 -m json.tool "$D/$verb.json"
		assert_success
	done
	# each document against the lines, field by field
	run python3 - "$D" <<-'EOF'
	import json, sys
	d = sys.argv[1]
	def lines(v):
	    return [l.split() for l in open("%s/%s.txt" % (d, v)).read().splitlines()]
	m = json.load(open(d + "/members.json"))
	assert [[x["node"], x["state"], "%.3f" % x["since"], str(x["records"]), x["pool"]]
	        for x in m] == lines("members"), (m, lines("members"))
	r = json.load(open(d + "/records.json"))
	assert [[x["name"], x["address"], x["origin"], x["stamp"]] for x in r] == \
	    lines("records"), (r, lines("records"))
	s = json.load(open(d + "/status.json"))
	t = dict(l.split("=", 1) for l in open(d + "/status.txt").read().splitlines())
	assert {k: str(v) for k, v in s.items()} == t, (s, t)
	for k in ("port", "nodes", "up", "drained", "records", "tombstones"):
	    assert type(s[k]) is int, k
	for k in ("cluster", "self", "domain", "digest", "hlc", "journal"):
	    assert type(s[k]) is str, k
	print(len(m), len(r), s["records"])
	EOF
	assert_success
	assert_output "1 2 2"
	run ddns-ctl -r "$R" -j up gw3 192.0.2.51
	assert_failure 100
	assert_output --partial 'ddns-ctl [-r RUNDIR] [-j] members | records | status'
	run ddns-ctl -r "$R" -j drain
	assert_failure 100
}
