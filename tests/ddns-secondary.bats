#!/usr/bin/env bats
# The corporate DNS as secondaries (issue 18): two cluster nodes h1 and h2
# (ddns-syncd, and ddns-named on port 53 of 192.0.2.11 and .12) are the
# primaries of the zone; NSD on h3 (192.0.2.13) and Knot on h4 (.14) are
# its secondaries, each listing both nodes as primaries, with a TSIG key
# (hmac-sha256) for transfers and NOTIFY.  h5 (.15) is a stranger.

load helper
load lab/lab
load ddns-lab

SECRET=mysecretpassword
DOMAIN=vpn.example.org
KEY=xfr-key
# 32 random bytes, as tsig-keygen or keymgr would give
KEYSECRET=8gVTKeKCcoKk+Xq1BX6vU4Wo0/tvtDz4qu3oQzEUyXU=

setup() {
	ddns_lab_setup
	command -v nsd >/dev/null || skip "nsd is not installed (contrib/deps)"
	command -v knotd >/dev/null || skip "knotd is not installed (contrib/deps)"
}

teardown() {
	local f
	if [ -z "${BATS_TEST_COMPLETED-}" ]; then
		for f in "$D"/nsd/nsd.log "$D"/knot/knot.log; do
			[ -e "$f" ] || continue
			echo "--- $f"
			tail -n 40 "$f"
		done >&3
	fi
	ddns_lab_teardown
}

# primaries [STATEMENT...]: h1 and h2, the cluster, each with ddns-named;
# the secondaries h3 and h4 listed with the key
primaries() {
	local i
	lab_up 5
	for i in 1 2; do
		conf "$i" 2 "secondary 192.0.2.13 tsig-key $KEY" \
			"secondary 192.0.2.14 tsig-key $KEY" \
			"tsig-key $KEY secret $KEYSECRET" "$@"
	done
	start 1
	start 2
	lab_wait 5 grep -q '^192\.0\.2\.12 up ' "$D/h1.run/ddns/members"
	named 1
	named 2
}

# nsd [SECRET]: NSD on h3, a secondary of both nodes
nsd_secondary() {
	mkdir -p "$D/nsd"
	cat >"$D/nsd/nsd.conf" <<-EOF
	server:
	  ip-address: 192.0.2.13
	  username: ""
	  chroot: ""
	  zonesdir: "$D/nsd"
	  database: ""
	  pidfile: "$D/nsd/nsd.pid"
	  xfrdfile: "$D/nsd/xfrd.state"
	  zonelistfile: "$D/nsd/zone.list"
	  logfile: "$D/nsd/nsd.log"
	  verbosity: 2
	  server-count: 1
	remote-control:
	  control-enable: no
	key:
	  name: $KEY
	  algorithm: hmac-sha256
	  secret: "${1:-$KEYSECRET}"
	zone:
	  name: $DOMAIN
	  zonefile: "$DOMAIN.zone"
	  request-xfr: 192.0.2.11 $KEY
	  request-xfr: 192.0.2.12 $KEY
	  allow-notify: 192.0.2.11 $KEY
	  allow-notify: 192.0.2.12 $KEY
	EOF
	lab_spawn h3 "$D/nsd.out" nsd -d -c "$D/nsd/nsd.conf" >"$D/nsd.pid"
}

# knot: Knot on h4, a secondary of both nodes
knot_secondary() {
	mkdir -p "$D/knot"
	cat >"$D/knot/knot.conf" <<-EOF
	server:
	    listen: 192.0.2.14@53
	    rundir: "$D/knot"
	log:
	  - target: "$D/knot/knot.log"
	    any: info
	database:
	    storage: "$D/knot"
	key:
	  - id: $KEY
	    algorithm: hmac-sha256
	    secret: $KEYSECRET
	remote:
	  - id: n1
	    address: 192.0.2.11@53
	    key: $KEY
	  - id: n2
	    address: 192.0.2.12@53
	    key: $KEY
	acl:
	  - id: from-primaries
	    address: [192.0.2.11, 192.0.2.12]
	    key: $KEY
	    action: notify
	template:
	  - id: default
	    storage: "$D/knot"
	zone:
	  - domain: $DOMAIN
	    master: [n1, n2]
	    acl: from-primaries
	EOF
	lab_spawn h4 "$D/knot.out" knotd -c "$D/knot/knot.conf" >"$D/knot.pid"
}

# at HOST NAME: the A answer HOST's server gives for NAME, or its status
at() {
	local out
	out=$(lab_exec h5 dig @"$1" +norec +tries=1 +time=1 "$2" A +noall +answer +comments) || return 1
	if grep -q 'status: NOERROR' <<<"$out" && grep -q "	A	" <<<"$out"; then
		awk '$4 == "A" { print $5 }' <<<"$out"
	else
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$out"
	fi
}

answers() {
	[ "$(at "$1" "$2")" = "$3" ]
}

@test "NSD and Knot, TSIG-signed secondaries of both nodes: a gateway published is answered by each after NOTIFY and a transfer" {
	primaries
	nsd_secondary
	knot_secondary
	ctl 1 up gw1 198.51.100.10
	lab_wait 20 answers 192.0.2.13 "gw1.$DOMAIN" 198.51.100.10
	lab_wait 20 answers 192.0.2.14 "gw1.$DOMAIN" 198.51.100.10
	ctl 2 up gw2 198.51.100.20
	lab_wait 10 answers 192.0.2.13 "gw2.$DOMAIN" 198.51.100.20
	lab_wait 10 answers 192.0.2.14 "gw2.$DOMAIN" 198.51.100.20
	# the secondaries have the primaries' serial
	local s
	s=$(lab_exec h5 dig @192.0.2.11 +short "$DOMAIN" SOA | awk '{ print $3 }')
	lab_wait 10 eval '[ "$(lab_exec h5 dig @192.0.2.13 +short "$DOMAIN" SOA | awk "{ print \$3 }")" = "$s" ]'
	grep -q "AXFR to 192.0.2.13\|IXFR to 192.0.2.13" "$D/n1.log" "$D/n2.log"
}

@test "a primary killed: the secondaries keep serving and follow the other node" {
	primaries
	nsd_secondary
	knot_secondary
	ctl 1 up gw1 198.51.100.10
	lab_wait 20 answers 192.0.2.13 "gw1.$DOMAIN" 198.51.100.10
	lab_wait 20 answers 192.0.2.14 "gw1.$DOMAIN" 198.51.100.10
	lab_kill "$(cat "$D/n1.pid")" KILL
	answers 192.0.2.13 "gw1.$DOMAIN" 198.51.100.10
	ctl 2 up gw3 198.51.100.30
	lab_wait 20 answers 192.0.2.13 "gw3.$DOMAIN" 198.51.100.30
	lab_wait 20 answers 192.0.2.14 "gw3.$DOMAIN" 198.51.100.30
	answers 192.0.2.14 "gw1.$DOMAIN" 198.51.100.10
}

@test "a secondary with the wrong key is refused (NOTAUTH), and says so in its log" {
	primaries
	nsd_secondary "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	ctl 1 up gw1 198.51.100.10
	lab_wait 20 grep -qi 'BADSIG\|bad signature\|NOTAUTH\|tsig' "$D/nsd/nsd.log"
	run at 192.0.2.13 "gw1.$DOMAIN"
	refute_output 198.51.100.10
}

@test "AXFR and IXFR from an unlisted address are REFUSED, without the key too; with it, the whole zone" {
	primaries
	ctl 1 up gw1 198.51.100.10
	run lab_exec h5 dig @192.0.2.11 "$DOMAIN" AXFR +tcp
	assert_output --partial 'Transfer failed'
	run lab_exec h5 dig @192.0.2.11 "$DOMAIN" IXFR=0 +tcp +noall +comments
	assert_output --partial 'status: REFUSED'
	# a listed secondary's address, but no key where one is configured
	run lab_exec h3 dig @192.0.2.11 "$DOMAIN" AXFR +tcp
	assert_output --partial 'Transfer failed'
	# with the key: the whole zone, SOA first and last
	run lab_exec h3 dig @192.0.2.11 "$DOMAIN" AXFR -y "hmac-sha256:$KEY:$KEYSECRET" +noall +answer
	assert_success
	assert_line --index 0 --regexp "^$DOMAIN\.[[:space:]].*SOA"
	assert_line --regexp "^gw1\.$DOMAIN\.[[:space:]].*A[[:space:]]198\.51\.100\.10$"
	[ "$(printf '%s\n' "$output" | grep -c 'SOA')" = 2 ]
}
