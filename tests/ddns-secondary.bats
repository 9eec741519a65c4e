#!/usr/bin/env bats
# The corporate DNS as secondaries (issue 18): two cluster nodes h1 and h2
# (ddns-syncd, and ddns-named on port 53 of 192.0.2.11 and .12) are the
# primaries of the zone; NSD on h3 (192.0.2.13), Knot on h4 (.14) and
# BIND 9 on h6 (.16) are its secondaries, each listing both nodes as
# primaries, with a TSIG key (hmac-sha256) for transfers and NOTIFY.  h5
# (.15) is a stranger.

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
	# type -P: named is also ddns-lab.bash's function (ddns-named on a node)
	BIND_NAMED=$(type -P named) || skip "BIND's named is not installed (contrib/deps)"
}

teardown() {
	local f
	if [ -z "${BATS_TEST_COMPLETED-}" ]; then
		for f in "$D"/nsd/nsd.log "$D"/knot/knot.log "$D"/bind.out; do
			[ -e "$f" ] || continue
			echo "--- $f"
			tail -n 40 "$f"
		done >&3
	fi
	ddns_lab_teardown
}

# The zones the secondaries copy: the domain's, and the pool's of its own
# when a test sets POOL (its name, outside the domain; members 203.0.113.1
# and 2001:db8::1 on both primaries)
ZONES=$DOMAIN
POOL=

# primaries [STATEMENT...]: h1 and h2, the cluster, each with ddns-named;
# the secondaries h3, h4 and h6 listed with the key
primaries() {
	local i
	lab_up 6
	for i in 1 2; do
		conf "$i" 2 "secondary 192.0.2.13 tsig-key $KEY" \
			"secondary 192.0.2.14 tsig-key $KEY" \
			"secondary 192.0.2.16 tsig-key $KEY" \
			"tsig-key $KEY secret $KEYSECRET" "$@"
		[ -z "$POOL" ] || printf 'set service dns-pool %s\n' "name $POOL" \
		    "member 203.0.113.1" "member 2001:db8::1" >>"$D/h$i.conf"
	done
	start 1
	start 2
	lab_wait 5 grep -q '^192\.0\.2\.12 up ' "$D/h1.run/ddns/members"
	named 1
	named 2
}

# nsd [SECRET]: NSD on h3, a secondary of both nodes; it gives the zone
# to h5 (AXFR), for tests that compare it with a primary's, and writes
# what it transferred to its zone file within a second (a restart starts
# from there)
nsd_secondary() {
	local z
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
	  zonefiles-write: 1
	remote-control:
	  control-enable: no
	key:
	  name: $KEY
	  algorithm: hmac-sha256
	  secret: "${1:-$KEYSECRET}"
	EOF
	for z in $ZONES; do
		cat >>"$D/nsd/nsd.conf" <<-EOF
		zone:
		  name: $z
		  zonefile: "$D/nsd/$z.zone"
		  request-xfr: 192.0.2.11 $KEY
		  request-xfr: 192.0.2.12 $KEY
		  allow-notify: 192.0.2.11 $KEY
		  allow-notify: 192.0.2.12 $KEY
		  provide-xfr: 192.0.2.15 NOKEY
		EOF
	done
	lab_spawn h3 "$D/nsd.out" nsd -d -c "$D/nsd/nsd.conf" >"$D/nsd.pid"
}

# knot: Knot on h4, a secondary of both nodes
knot_secondary() {
	local z
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
	EOF
	for z in $ZONES; do
		printf '  - domain: %s\n    master: [n1, n2]\n    acl: from-primaries\n' \
		    "$z" >>"$D/knot/knot.conf"
	done
	lab_spawn h4 "$D/knot.out" knotd -c "$D/knot/knot.conf" >"$D/knot.pid"
}

# bind [SECRET]: BIND 9 on h6, a secondary of both nodes, in the
# foreground (-g: its log on standard error, $D/bind.out).  Every file it
# would write (pid, lock, session key, managed keys, the zone) is in
# $D/bind; no control channel (it would read /etc/bind/rndc.key), no
# recursion, no NOTIFY of its own.
bind_secondary() {
	local z
	mkdir -p "$D/bind"
	cat >"$D/bind/named.conf" <<-EOF
	options {
	    directory "$D/bind";
	    pid-file "$D/bind/named.pid";
	    lock-file "$D/bind/named.lock";
	    session-keyfile "$D/bind/session.key";
	    managed-keys-directory "$D/bind";
	    dump-file "$D/bind/named.dump";
	    statistics-file "$D/bind/named.stats";
	    listen-on { 192.0.2.16; };
	    listen-on-v6 { none; };
	    recursion no;
	    dnssec-validation no;
	    notify no;
	    allow-transfer { none; };
	};
	controls { };
	key "$KEY" {
	    algorithm hmac-sha256;
	    secret "${1:-$KEYSECRET}";
	};
	EOF
	for z in $ZONES; do
		cat >>"$D/bind/named.conf" <<-EOF
		zone "$z" {
		    type secondary;
		    file "$z.db";
		    primaries { 192.0.2.11 key "$KEY"; 192.0.2.12 key "$KEY"; };
		    allow-notify { key "$KEY"; };
		};
		EOF
	done
	lab_spawn h6 "$D/bind.out" "$BIND_NAMED" -g -4 -n 1 -c "$D/bind/named.conf" >"$D/bind.pid"
}

# at HOST NAME: the A answer HOST's server gives for NAME, or its status
at() {
	lab_dig h5 "$1" "$2"
}

answers() {
	[ "$(at "$1" "$2")" = "$3" ]
}

# all_answer NAME ADDRESS: NSD, Knot and BIND answer it, each waited for
# in turn (20 s each: the first wait also covers their start)
all_answer() {
	local s
	for s in 192.0.2.13 192.0.2.14 192.0.2.16; do
		lab_wait 20 answers "$s" "$1" "$2" ||
		    fail "secondary $s does not answer $1 with $2: $(at "$s" "$1")"
	done
}

# first: a gateway gw0 published, and served by both nodes, before the
# secondaries start: their first transfer is then of a serial after the
# zone's first change (for the serial 0 before it, see the last test)
first() {
	ctl 1 up gw0 203.0.113.100
	lab_wait 10 answers 192.0.2.11 "gw0.$DOMAIN" 203.0.113.100
	lab_wait 10 answers 192.0.2.12 "gw0.$DOMAIN" 203.0.113.100
}

# zone HOST SERVER [DIG-OPTION...]: the records of SERVER's AXFR, asked
# from HOST, one a line, sorted; nothing if the transfer failed
zone() {
	local out
	out=$(lab_exec "$1" dig @"$2" "$DOMAIN" AXFR +noall +answer "${@:3}") || return 1
	grep -q 'SOA' <<<"$out" || return 1
	sort -u <<<"$out"
}

# nsd_same: NSD's zone is a primary's, record by record (one of the two:
# the nodes' serials may differ by a step until the next change)
nsd_same() {
	local mine n
	mine=$(zone h5 192.0.2.13) || return 1
	for n in 11 12; do
		[ "$mine" = "$(zone h3 "192.0.2.$n" -y "hmac-sha256:$KEY:$KEYSECRET")" ] && return 0
	done
	return 1
}

@test "NSD, Knot and BIND, TSIG-signed secondaries of both nodes: a gateway published is answered by each after NOTIFY and a transfer" {
	primaries
	first
	nsd_secondary
	knot_secondary
	bind_secondary
	ctl 1 up gw1 198.51.100.10
	all_answer "gw1.$DOMAIN" 198.51.100.10
	ctl 2 up gw2 198.51.100.20
	all_answer "gw2.$DOMAIN" 198.51.100.20
	# the secondaries have the primaries' serial
	local s
	s=$(lab_exec h5 dig @192.0.2.11 +short "$DOMAIN" SOA | awk '{ print $3 }')
	lab_wait 10 eval '[ "$(lab_exec h5 dig @192.0.2.13 +short "$DOMAIN" SOA | awk "{ print \$3 }")" = "$s" ]'
	grep -q "AXFR to 192.0.2.13\|IXFR to 192.0.2.13" "$D/n1.log" "$D/n2.log"
	grep -q "AXFR to 192.0.2.16\|IXFR to 192.0.2.16" "$D/n1.log" "$D/n2.log"
	# BIND took the NOTIFY as signed with the key, and transferred
	grep -q "notify from 192.0.2.1[12]#[0-9]*: serial" "$D/bind.out"
	grep -q "Transfer status: success" "$D/bind.out"
}

@test "a primary killed: the secondaries keep serving and follow the other node" {
	primaries
	first
	nsd_secondary
	knot_secondary
	bind_secondary
	ctl 1 up gw1 198.51.100.10
	all_answer "gw1.$DOMAIN" 198.51.100.10
	lab_kill "$(cat "$D/n1.pid")" KILL
	answers 192.0.2.13 "gw1.$DOMAIN" 198.51.100.10
	answers 192.0.2.16 "gw1.$DOMAIN" 198.51.100.10
	ctl 2 up gw3 198.51.100.30
	all_answer "gw3.$DOMAIN" 198.51.100.30
	answers 192.0.2.14 "gw1.$DOMAIN" 198.51.100.10
	answers 192.0.2.16 "gw1.$DOMAIN" 198.51.100.10
}

@test "a secondary with the wrong key is refused (NOTAUTH), and says so in its log" {
	primaries
	nsd_secondary "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	bind_secondary "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	ctl 1 up gw1 198.51.100.10
	lab_wait 20 grep -qi 'BADSIG\|bad signature\|NOTAUTH\|tsig' "$D/nsd/nsd.log"
	run at 192.0.2.13 "gw1.$DOMAIN"
	refute_output 198.51.100.10
	# BIND: its refresh refused by a primary (NOTAUTH, BADSIG), and the
	# primaries' NOTIFY, signed with the right key, failing its check
	lab_wait 20 grep -q 'refresh: failure trying primary 192\.0\.2\.1[12]#53 .*: tsig' "$D/bind.out"
	lab_wait 20 grep -q '192\.0\.2\.1[12]#[0-9]*: request has invalid signature: .*BADSIG' "$D/bind.out"
	run at 192.0.2.16 "gw1.$DOMAIN"
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

@test "a secondary that fell behind gets the whole zone: NSD stopped, many changes and a reload, started again with its old zone, ends with the primary's records" {
	local i
	primaries
	ctl 1 up gw1 198.51.100.1
	ctl 1 up gw2 198.51.100.2
	ctl 1 up gw3 198.51.100.3
	nsd_secondary
	lab_wait 20 answers 192.0.2.13 "gw3.$DOMAIN" 198.51.100.3
	lab_wait 20 nsd_same
	lab_wait 10 grep -q '^gw3[.[:space:]]' "$D/nsd/$DOMAIN.zone"
	lab_kill "$(cat "$D/nsd.pid")" TERM
	lab_wait 10 ! lab_alive "$(cat "$D/nsd.pid")"
	cp "$D/nsd/$DOMAIN.zone" "$D/old.zone"
	grep -q '^gw2[.[:space:]]' "$D/old.zone"
	# changes of every kind, on both nodes: new, moved, removed
	for ((i = 10; i < 210; i++)); do
		ctl $((i % 2 + 1)) up "gw$i" "198.51.100.$((i - 10))" || return 1
	done
	ctl 1 up gw1 203.0.113.1
	ctl 2 down gw2
	lab_wait 10 lacks 1 gw2
	lab_wait 10 lacks 2 gw2
	# a reload: the primaries tell NOTIFY to a secondary that is not there,
	# and may start the history of their changes again
	lab_kill "$(cat "$D/n1.pid")" HUP
	lab_kill "$(cat "$D/n2.pid")" HUP
	ctl 2 up gw300 203.0.113.30
	nsd_secondary
	lab_wait 20 answers 192.0.2.13 "gw300.$DOMAIN" 203.0.113.30
	lab_wait 20 nsd_same
	# the old zone was loaded first, and replaced
	grep -q "zone $DOMAIN read with success" "$D/nsd/nsd.log"
	run at 192.0.2.13 "gw2.$DOMAIN"
	assert_output NXDOMAIN
	answers 192.0.2.13 "gw1.$DOMAIN" 203.0.113.1
	[ "$(zone h5 192.0.2.13 | grep -c '	A	')" -ge 201 ]
}

# A regression test: the serial of a zone without a change yet is 0, and
# the first change's serial (a stamp, in 10 ms steps) may be more than
# 2^31 ahead of 0, which RFC 1982 arithmetic takes as older: a secondary
# that transferred serial 0 then never transfers again.
@test "a secondary that transferred the zone before any change follows the first change" {
	primaries
	nsd_secondary
	# NSD has the empty zone (its serial our clock's, not 0) before any change
	lab_wait 10 grep -q 'serial 0 is updated to [1-9]' "$D/nsd/nsd.log"
	ctl 1 up gw1 198.51.100.10
	lab_wait 20 answers 192.0.2.13 "gw1.$DOMAIN" 198.51.100.10
}

# soa_serial HOST ZONE: the serial of ZONE's SOA at HOST's server
soa_serial() {
	lab_exec h5 dig @"$1" +short "$2" SOA | awk '{ print $3 }'
}

# pool_copied HOST: HOST's server answers the pool name with both members,
# and has the pool's zone at the serial of its copy of the domain's
pool_copied() {
	[ "$(lab_exec h5 dig @"$1" +short "$POOL" A)" = 203.0.113.1 ] &&
	    [ "$(lab_exec h5 dig @"$1" +short "$POOL" AAAA)" = 2001:db8::1 ] &&
	    [ "$(soa_serial "$1" "$POOL")" = "$(soa_serial "$1" "$DOMAIN")" ]
}

@test "the pool's zone of its own: NSD, Knot and BIND copy it from both nodes, and follow its serial after NOTIFY" {
	POOL=pool.example.net
	ZONES="$DOMAIN $POOL"
	primaries
	first
	nsd_secondary
	knot_secondary
	bind_secondary
	local h
	for h in 192.0.2.13 192.0.2.14 192.0.2.16; do
		lab_wait 20 pool_copied "$h" ||
		    fail "$h: pool $(soa_serial "$h" "$POOL"), domain $(soa_serial "$h" "$DOMAIN")"
	done
	# a change of the domain moves both zones' serials: each secondary is
	# told of the pool's too (its refresh is an hour away), and copies it
	s0=$(soa_serial 192.0.2.13 "$POOL")
	ctl 1 up gw1 198.51.100.10
	all_answer "gw1.$DOMAIN" 198.51.100.10
	for h in 192.0.2.13 192.0.2.14 192.0.2.16; do
		lab_wait 20 pool_copied "$h" ||
		    fail "$h: pool $(soa_serial "$h" "$POOL"), domain $(soa_serial "$h" "$DOMAIN")"
	done
	[ "$(soa_serial 192.0.2.13 "$POOL")" != "$s0" ] || fail "the pool's serial at NSD did not move from $s0"
	grep -q "[AI]XFR of $POOL to 192.0.2.13: serial" "$D/n1.log" "$D/n2.log"
	grep -q "[AI]XFR of $POOL to 192.0.2.14: serial" "$D/n1.log" "$D/n2.log"
	grep -q "[AI]XFR of $POOL to 192.0.2.16: serial" "$D/n1.log" "$D/n2.log"
}

@test "100,000 records: NSD's copy of a primary's zone is, record by record, what the primary answers" {
	lab_up 6
	conf 1 1 "secondary 192.0.2.13 tsig-key $KEY" "tsig-key $KEY secret $KEYSECRET" \
	    "rate-limit 0"
	awk 'BEGIN { for (i = 0; i < 100000; i++) {
		if (i % 4 == 3) a = sprintf("2001:db8:%x::%x", int(i / 65536), i % 65536)
		else a = sprintf("203.0.113.%d", i % 256)
		printf "gw%d %s\n", i, a } }' >"$D/records"
	rm -f "$D/n1.ready"
	mkfifo "$D/n1.ready"
	lab_spawn h1 "$D/n1.log" sh -c 'exec "$@" 3>"$0"' "$D/n1.ready" \
	    "$VPNHA_BIN/ddns-named" -f "$D/h1.conf" -d "$D/records" -r "$D/h1.run" -n 3 \
	    -l 192.0.2.11 >"$D/n1.pid"
	notified "$D/n1.ready" || fail "n1 not ready: $(cat "$D/n1.log")"
	nsd_secondary
	lab_wait 60 grep -q "AXFR to 192.0.2.13: serial [0-9]*, 100000 records" "$D/n1.log"
	lab_wait 20 answers 192.0.2.13 "gw99998.$DOMAIN" 203.0.113.158
	# NSD's zone, from NSD, every record asked of the primary
	lab_exec h5 dig @192.0.2.13 "$DOMAIN" AXFR +noall +answer >"$D/nsd.axfr"
	run lab_exec h5 python3 - "$D/nsd.axfr" 192.0.2.11 <<-'EOF'
	import socket, struct, sys
	TYPES = {"A": 1, "AAAA": 28}
	want = {}
	for line in open(sys.argv[1]):
	    f = line.split()
	    if len(f) == 5 and f[3] in TYPES:
	        want.setdefault((f[0].lower(), f[3]), set()).add(f[4])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.connect((sys.argv[2], 53))
	s.settimeout(2)
	def ask(qid, name, qtype):
	    q = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split("."))
	    s.send(struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + q + b"\0" +
	           struct.pack(">HH", TYPES[qtype], 1))
	def addrs(m):
	    p = 12
	    while m[p]:
	        p += 1 + m[p]
	    p += 5
	    out = set()
	    for _ in range(struct.unpack(">H", m[6:8])[0]):
	        while m[p] and m[p] < 0xc0:
	            p += 1 + m[p]
	        p += 2 if m[p] >= 0xc0 else 1
	        t, _, _, n = struct.unpack(">HHIH", m[p:p + 10])
	        rd = m[p + 10:p + 10 + n]
	        p += 10 + n
	        if t in (1, 28):
	            out.add(socket.inet_ntop(socket.AF_INET if t == 1 else socket.AF_INET6, rd))
	    return out
	keys = sorted(want)
	bad, window, i, pending = 0, 64, 0, {}
	while i < len(keys) or pending:
	    while i < len(keys) and len(pending) < window:
	        pending[i & 0xffff] = keys[i]
	        ask(i & 0xffff, *keys[i])
	        i += 1
	    try:
	        m = s.recv(4096)
	    except socket.timeout:
	        for qid, k in pending.items():	# lost: ask again
	            ask(qid, *k)
	        continue
	    k = pending.pop(struct.unpack(">H", m[:2])[0], None)
	    if k is not None and addrs(m) != want[k]:
	        bad += 1
	        if bad <= 5:
	            print("differs:", k, sorted(want[k]), sorted(addrs(m)))
	print(len(keys), "records,", bad, "differ")
	EOF
	assert_success
	assert_output "100001 records, 0 differ"	# 100,000 gateways, ns1's glue
}
