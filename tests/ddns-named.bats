#!/usr/bin/env bats
# ddns-named on loopback, asked with dig: every kind of answer, EDNS, TC
# and TCP, case, long names, the feed coming and going, SIGHUP, privileges.

load helper
load ddns-named

setup() {
	named_setup
}

teardown() {
	named_teardown
}

@test "an A record: AA, no RA, the TTL, nothing else in the answer" {
	start_named -d "$T/records"
	run status gw1.$DOMAIN A
	assert_output "NOERROR qr aa"
	run d +noall +answer +authority +additional gw1.$DOMAIN A
	assert_output "$(printf 'gw1.%s.\t30\tIN\tA\t192.0.2.10' $DOMAIN)"
	run d +short gw2.$DOMAIN A
	assert_output 192.0.2.20
}

@test "an AAAA record" {
	start_named -d "$T/records"
	run d +short gw6.$DOMAIN AAAA
	assert_output 2001:db8::6
	run status gw6.$DOMAIN AAAA
	assert_output "NOERROR qr aa"
}

@test "the question is echoed as asked, and matched without regard to case" {
	start_named -d "$T/records"
	run d +noall +question +answer gW1.VpN.ExAmple.ORG A
	assert_line ";gW1.VpN.ExAmple.ORG.		IN	A"
	assert_line "$(printf 'gW1.VpN.ExAmple.ORG.\t30\tIN\tA\t192.0.2.10')"
}

@test "NODATA for another type of a name, and at the apex: SOA in authority" {
	start_named -d "$T/records"
	for q in "gw1.$DOMAIN MX" "gw1.$DOMAIN AAAA" "gw6.$DOMAIN A" "$DOMAIN A" "$DOMAIN TXT"; do
		run status $q
		assert_output "NOERROR qr aa"
		run d +noall +answer +authority $q
		assert_output --regexp "^$DOMAIN\.	30	IN	SOA	ns1\.$DOMAIN\. hostmaster\.$DOMAIN\. [0-9]+ 3600 600 1209600 30\$"
	done
}

@test "NXDOMAIN with the SOA for unknown names, below names too" {
	start_named -d "$T/records"
	for n in nothere.$DOMAIN x.gw1.$DOMAIN a.b.c.$DOMAIN; do
		run status $n A
		assert_output "NXDOMAIN qr aa"
		run d +noall +authority $n A
		assert_output --regexp "^$DOMAIN\.	30	IN	SOA	ns1\.$DOMAIN\. "
	done
}

@test "REFUSED outside the domain, other classes and transfers; never RA" {
	start_named -d "$T/records"
	for q in "example.org A" "org SOA" ". NS" "gw1.$DOMAIN.other.test A" "xvpn.example.org A"; do
		run status $q
		assert_output "REFUSED qr"
	done
	run status -c CH -t A gw1.$DOMAIN
	assert_output "REFUSED qr"
	run status +notcp $DOMAIN AXFR
	assert_output "REFUSED qr"
	run status $DOMAIN IXFR=1
	assert_output "REFUSED qr"
	# recursion asked for: still only what we hold, RA clear
	run status +rec example.net A
	assert_output "REFUSED qr rd"
	run status +rec gw1.$DOMAIN A
	assert_output "NOERROR qr aa rd"
}

@test "class ANY gets the data without AA" {
	start_named -d "$T/records"
	run status -c ANY -t A gw1.$DOMAIN
	assert_output "NOERROR qr"
	run d -c ANY -t A +short gw1.$DOMAIN
	assert_output 192.0.2.10
}

@test "SOA and NS at the apex; the NS set is the cluster's, sorted, with glue" {
	start_named -d "$T/records"
	run d +short $DOMAIN NS
	assert_output "ns1.$DOMAIN.
ns2.$DOMAIN.
ns3.$DOMAIN."
	run d +noall +additional $DOMAIN NS
	assert_output "$(printf 'ns1.%s.\t30\tIN\tA\t198.51.100.1\nns2.%s.\t30\tIN\tA\t198.51.100.2\nns3.%s.\t30\tIN\tAAAA\t2001:db8::53' $DOMAIN $DOMAIN $DOMAIN)"
	run d +short ns1.$DOMAIN A
	assert_output 198.51.100.1
	run d +short ns2.$DOMAIN A
	assert_output 198.51.100.2
	run d +short ns3.$DOMAIN AAAA
	assert_output 2001:db8::53
	run status ns3.$DOMAIN A
	assert_output "NOERROR qr aa"
	run d +short $DOMAIN SOA
	assert_output --regexp "^ns1\.$DOMAIN\. hostmaster\.$DOMAIN\. [0-9]+ 3600 600 1209600 30\$"
}

@test "name-server statements replace the NS set; the TTL is configurable" {
	cat >>"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns name-server dns.$DOMAIN address 203.0.113.53
	set service ipsec-ddns name-server dns.$DOMAIN address 2001:db8::35
	set service ipsec-ddns name-server ns.example.net
	set service ipsec-ddns ttl 300
	EOF
	start_named -d "$T/records"
	run d +short $DOMAIN NS
	assert_output "dns.$DOMAIN.
ns.example.net."
	run d +short dns.$DOMAIN AAAA
	assert_output 2001:db8::35
	run d +noall +answer gw1.$DOMAIN A
	assert_output "$(printf 'gw1.%s.\t300\tIN\tA\t192.0.2.10' $DOMAIN)"
	run d +short $DOMAIN SOA
	assert_output --regexp "^dns\.$DOMAIN\. hostmaster\.$DOMAIN\. [0-9]+ 3600 600 1209600 300\$"
	run d +short dns.$DOMAIN MX
	assert_output ""
}

@test "ANY gets one RRset (RFC 8482)" {
	start_named -d "$T/records"
	run d +noall +answer $DOMAIN ANY
	assert_output --regexp "^$DOMAIN\.	30	IN	SOA	"
	assert [ "${#lines[@]}" -eq 1 ]
	run d +short gw6.$DOMAIN ANY
	assert_output 2001:db8::6
	run d +short ns3.$DOMAIN ANY
	assert_output 198.51.100.1 || assert_output 2001:db8::53
}

@test "EDNS0: our size in the OPT, the DO bit echoed; none without EDNS" {
	start_named -d "$T/records"
	run d +noall +comments gw1.$DOMAIN A
	assert_output --partial "; EDNS: version: 0, flags:; udp: 1232"
	run d +noall +comments +dnssec gw1.$DOMAIN A
	assert_output --partial "; EDNS: version: 0, flags: do; udp: 1232"
	run d +noall +comments +noedns gw1.$DOMAIN A
	refute_output --partial "EDNS"
	assert_output --partial "status: NOERROR"
}

@test "EDNS version 1 gets BADVERS" {
	start_named -d "$T/records"
	run d +noall +comments +edns=1 +noednsneg gw1.$DOMAIN A
	assert_output --partial "status: BADVERS"
	assert_output --partial "; EDNS: version: 0,"
}

@test "NOTIMP for opcodes other than QUERY" {
	start_named -d "$T/records"
	run d +noall +comments +opcode=notify gw1.$DOMAIN SOA
	assert_output --partial "opcode: NOTIFY, status: NOTIMP"
	run d +noall +comments +opcode=status gw1.$DOMAIN A
	assert_output --partial "opcode: STATUS, status: NOTIMP"
	run d +noall +comments +opcode=update $DOMAIN SOA
	assert_output --partial "status: NOTIMP"
}

@test "FORMERR for QDCOUNT 0 and 2, the header alone" {
	start_named -d "$T/records"
	q=$(qhex gw1.$DOMAIN 1)
	run raw "${q:0:8}0000${q:12:12}"	# QDCOUNT 0, no question
	assert_output "${q:0:4}80010000000000000000"
	run raw "${q:0:8}0002${q:12}${q:24}"	# the question twice
	assert_output "${q:0:4}80010000000000000000"
	run raw "$q"	# the same, well formed
	assert_output --regexp "^${q:0:4}8400000100010000"
}

@test "an answer too big for the buffer is TC, and whole over TCP" {
	for i in $(seq -w 12); do
		echo "set service ipsec-ddns name-server name-server-with-a-long-label-$i.ns.example.net"
	done >>"$T/vpnha.conf"
	start_named -d "$T/records"
	run d +noall +comments +ignore +noedns $DOMAIN NS
	assert_output --partial "flags: qr aa tc;"
	assert_output --partial "ANSWER: 0,"
	run d +noall +comments +ignore +bufsize=512 $DOMAIN NS
	assert_output --partial "flags: qr aa tc;"
	run d +noall +comments +ignore +bufsize=1232 $DOMAIN NS
	assert_output --partial "ANSWER: 12,"
	# dig retries over TCP itself, and gets all of it
	run d +noall +answer +noedns $DOMAIN NS
	assert_equal "${#lines[@]}" 12
	run d +noall +comments +tcp +noedns $DOMAIN NS
	assert_output --partial "flags: qr aa;"
	assert_output --partial "ANSWER: 12,"
}

@test "TCP: several queries on one connection, answered in order" {
	start_named -d "$T/records"
	run python3 - "$PORT" <<-'EOF'
	import socket, struct, sys
	def q(i, name, t):
	    m = struct.pack(">HHHHHH", i, 0, 1, 0, 0, 0)
	    for l in name.split("."):
	        m += bytes([len(l)]) + l.encode()
	    m += b"\0" + struct.pack(">HH", t, 1)
	    return struct.pack(">H", len(m)) + m
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
	s.sendall(q(1, "gw1.vpn.example.org", 1) + q(2, "nope.vpn.example.org", 1) +
	          q(3, "gw6.vpn.example.org", 28))
	f = s.makefile("rb")
	for _ in range(3):
	    n = struct.unpack(">H", f.read(2))[0]
	    r = f.read(n)
	    i, fl, qd, an, ns, ar = struct.unpack(">HHHHHH", r[:12])
	    print(i, fl & 15, an, ns)
	EOF
	assert_success
	assert_output "1 0 1 0
2 3 0 1
3 0 1 0"
}

@test "names at the limits: a 63-byte label, a 253-character name" {
	long=$(printf 'a%.0s' $(seq 60)).$(printf 'b%.0s' $(seq 60)).$(printf 'c%.0s' $(seq 63)).org
	label=$(printf 'g%.0s' $(seq 63))
	sed -i "s/domain .*/domain $long/" "$T/vpnha.conf"
	printf '%s 192.0.2.63\n' "$label" >"$T/records"
	start_named -d "$T/records"
	name=$label.$long
	assert_equal "${#name}" 253
	run d +short "$name" A
	assert_output 192.0.2.63
	run d +noall +comments "$name" A
	assert_output --partial "status: NOERROR"
	# a 64-byte label, and a 255-byte name of 63-byte labels: FORMERR
	run raw "$(qhex "x$label.$DOMAIN" 1)"
	assert_output --regexp "^12348001"
	run raw "$(qhex "$label.$label.$label.$label" 1)"
	assert_output --regexp "^12348001"
	# and a record that long cannot be loaded
	printf '%sx 192.0.2.64\n' "$label" >"$T/records"
	run ddns-named -f "$T/vpnha.conf" -l 127.0.0.1:$((PORT + 1)) -d "$T/records"
	assert_equal "$status" 100
	assert_output --partial "records:1: not a DNS label"
}

@test "-d: the serial is the file's time in 10 ms units; rewritten it moves forward, never back" {
	touch -d @1795000000.123 "$T/records"
	start_named -d "$T/records"
	run serial
	assert_output $(((1795000000123 / 10) % 4294967296))
	s1=$output
	echo "gw3 192.0.2.30" >>"$T/records"
	touch -d @1795000100.5 "$T/records"
	kill -HUP "$NPID"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short gw3.$DOMAIN)\" = 192.0.2.30 ]"
	run serial
	assert_output $(((1795000100500 / 10) % 4294967296))
	newer "$output" "$s1"
	s2=$output
	# a file put back with an older time: the data changes, the serial stays
	echo "gw4 192.0.2.40" >>"$T/records"
	touch -d @1790000000 "$T/records"
	kill -HUP "$NPID"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short gw4.$DOMAIN)\" = 192.0.2.40 ]"
	run serial
	assert_output "$s2"
	# the same data, the same time: the same serial from another server
	kill "$NPID"; wait "$NPID" || true
	touch -d @1795000100.5 "$T/records"
	start_named -d "$T/records"
	run serial
	assert_output "$s2"
}

@test "SIGHUP re-reads the records file; a broken one keeps the old data" {
	start_named -d "$T/records"
	echo "gw3 192.0.2.30" >>"$T/records"
	kill -HUP "$NPID"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short gw3.$DOMAIN)\" = 192.0.2.30 ]"
	echo "gw4 not-an-address" >>"$T/records"
	kill -HUP "$NPID"
	wait_for grep -q "records:6: not an IPv4 or IPv6 address; keeping" "$T/log"
	run d +short gw3.$DOMAIN A
	assert_output 192.0.2.30
}

@test "bad records, configuration and usage: exit 100 naming where" {
	printf 'gw1 192.0.2.1\ngw1 192.0.2.2\n' >"$T/dup"
	run ddns-named -f "$T/vpnha.conf" -l 127.0.0.1:$PORT -d "$T/dup"
	assert_equal "$status" 100
	assert_output "ddns-named: fatal: $T/dup:2: name given twice"
	printf 'gw1\n' >"$T/bad"
	run ddns-named -f "$T/vpnha.conf" -l 127.0.0.1:$PORT -d "$T/bad"
	assert_equal "$status" 100
	assert_output --partial "bad:1: expected NAME ADDRESS"
	printf 'x.other.test 192.0.2.1\n' >"$T/bad"
	run ddns-named -f "$T/vpnha.conf" -l 127.0.0.1:$PORT -d "$T/bad"
	assert_equal "$status" 100
	assert_output --partial "bad:1: not one label under the domain"
	printf 'set service ipsec-ddns self 198.51.100.1\n' >"$T/nodomain.conf"
	run ddns-named -f "$T/nodomain.conf" -l 127.0.0.1:$PORT -d "$T/records"
	assert_equal "$status" 100
	assert_output --partial "no domain"
	run ddns-named -f "$T/vpnha.conf" -l 127.0.0.1:99999 -d "$T/records"
	assert_equal "$status" 100
	run ddns-named -f "$T/vpnha.conf" -s "$T/feed" -d "$T/records"
	assert_equal "$status" 100
	assert_output --partial "usage: ddns-named"
	run ddns-named -f "$T/vpnha.conf" -d "$T/missing"
	assert_equal "$status" 100
}

@test "a port in use: exit 111" {
	start_named -d "$T/records"
	run ddns-named -f "$T/vpnha.conf" -l "127.0.0.1:$PORT" -d "$T/records"
	assert_equal "$status" 111
	assert_output --partial "unable to listen on 127.0.0.1:$PORT"
}

@test "after binding it holds no capability; -u runs as the user" {
	start_named -d "$T/records"
	run grep -E '^Cap(Prm|Eff):' "/proc/$NPID/status"
	assert_line --regexp '^CapPrm:	0+$'
	assert_line --regexp '^CapEff:	0+$'
	kill "$NPID"; wait "$NPID" || true
	start_named -d "$T/records" -u nobody
	run stat -c %U "/proc/$NPID"
	assert_output nobody
	run grep '^CapEff:' "/proc/$NPID/status"
	assert_output --regexp '0+$'
	run d +short gw1.$DOMAIN
	assert_output 192.0.2.10
}

@test "-q logs one line per query; without it, none" {
	start_named -q -d "$T/records"
	d +short gw1.$DOMAIN A >/dev/null
	d +short Nope.$DOMAIN AAAA >/dev/null
	wait_for grep -q "query 127.0.0.1 Nope.$DOMAIN. AAAA NXDOMAIN" "$T/log"
	run grep -c "query 127.0.0.1 gw1.$DOMAIN. A NOERROR" "$T/log"
	assert_output 1
	kill "$NPID"; wait "$NPID" || true
	: >"$T/log"
	start_named -d "$T/records"
	d +short gw1.$DOMAIN A >/dev/null
	kill "$NPID"; wait "$NPID" || true
	NPID=
	run grep -c query "$T/log"
	assert_output 0
	run cat "$T/log"
	assert_line "ddns-named: stopping"
}

@test "feed: ready after the snapshot, then records appear and disappear as they come" {
	printf 'gw1 192.0.2.10\ngw6 2001:db8::6\n' >"$T/snap"
	start_feed "$T/snap"
	start_named -s "$T/feed"
	run d +short gw1.$DOMAIN A
	assert_output 192.0.2.10
	feed "+ gwNew 192.0.2.99"
	run d +short gwnew.$DOMAIN A
	assert_output 192.0.2.99
	feed "+ gwnew 2001:db8::99"	# a new address replaces the old
	run d +short gwnew.$DOMAIN AAAA
	assert_output 2001:db8::99
	run status gwnew.$DOMAIN A
	assert_output "NOERROR qr aa"
	feed "- gw1"
	run status gw1.$DOMAIN A
	assert_output "NXDOMAIN qr aa"
	run grep -c "feed: $T/feed: 2 records, serial" "$T/log"
	assert_output 1
}

@test "feed: the serial is the high-water; every change moves it forward, back to earlier data too" {
	printf 'gw1 192.0.2.10\n' >"$T/snap"
	start_feed "$T/snap"
	start_named -s "$T/feed"
	run serial
	assert_output "$(serial_of "$(feed hw)")"
	s=$output
	# each change: a new, higher serial, the high-water's (RFC 1982 order)
	step() {
		sleep 0.02	# changes within 10 ms may share a serial
		feed "$1"
		wait_for sh -c "$2" || fail "not applied: $1"
		run serial
		assert_output "$(serial_of "$(feed hw)")"
		newer "$output" "$s" || fail "after \"$1\": serial $output, not after $s"
		s=$output
	}
	step "+ gw2 192.0.2.20" "dig @127.0.0.1 -p $PORT +short gw2.$DOMAIN | grep -qx 192.0.2.20"
	a=$s	# the data: gw1, gw2
	step "- gw2" "dig @127.0.0.1 -p $PORT gw2.$DOMAIN | grep -q NXDOMAIN"
	step "+ gw2 192.0.2.20" "dig @127.0.0.1 -p $PORT +short gw2.$DOMAIN | grep -qx 192.0.2.20"
	newer "$s" "$a"	# the same data as at $a, a later serial
	step "+ gw1 2001:db8::1" "dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN AAAA | grep -qx 2001:db8::1"
	step "+ gw1 192.0.2.10" "dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN | grep -qx 192.0.2.10"
	# a `. STAMP` line: the high-water rose, no record changed
	step tick "[ \$(dig @127.0.0.1 -p $PORT +short $DOMAIN SOA | cut -d' ' -f3) != $s ]"
	# no change: the same serial
	sleep 0.05
	run serial
	assert_output "$s"
	run grep -c 'a second "."' "$T/log"
	assert_output 0
}

@test "feed: a snapshot with a lower high-water never lowers the serial, but other data moves it a step, as a change stamped below it does; stamp-less lines move it too" {
	start_feed
	start_named -s "$T/feed"
	feed "+ gw1 192.0.2.10"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN | grep -q ."
	s1=$(serial)
	assert_equal "$s1" "$(serial_of "$(feed hw)")"
	# the publisher comes back empty: its high-water is 0
	stop_feed
	start_feed
	wait_for sh -c "[ \"\$(grep -c 'records, serial' '$T/log')\" = 2 ]"
	run status gw1.$DOMAIN A
	assert_output "NXDOMAIN qr aa"
	# other data, no higher stamp: one step, so that secondaries ask
	run serial
	assert_output "$((s1 + 1))"
	# an hour behind, with records: the data is served, the serial moves
	# one step, and a change stamped below it one more
	printf 'old 192.0.2.11\n' >"$T/snap"
	stop_feed
	start_feed -c $(($(date +%s%3N) - 3600000)) "$T/snap"
	wait_for sh -c "[ \"\$(grep -c 'records, serial' '$T/log')\" = 3 ]"
	run d +short old.$DOMAIN
	assert_output 192.0.2.11
	feed "+ older 192.0.2.12"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short older.$DOMAIN | grep -q ."
	run serial
	assert_output "$((s1 + 3))"
	run grep -c "feed: $T/feed: 1 records, serial $((s1 + 2))\$" "$T/log"
	assert_output 1
	# a publisher without stamps: our own clock, later than s1
	stop_feed
	sleep 0.02
	start_feed -n "$T/snap"
	wait_for sh -c "[ \"\$(grep -c 'records, serial' '$T/log')\" = 4 ]"
	s2=$(serial)
	newer "$s2" "$((s1 + 3))"
	sleep 0.02
	feed "- old"
	wait_for sh -c "dig @127.0.0.1 -p $PORT old.$DOMAIN | grep -q NXDOMAIN"
	newer "$(serial)" "$s2"
}

@test "feed: no answer but SERVFAIL until the first snapshot" {
	ddns-named -f "$T/vpnha.conf" -l "127.0.0.1:$PORT" -s "$T/feed" 2>>"$T/log" &
	NPID=$!
	wait_for grep -q "unable to subscribe" "$T/log"
	run status gw1.$DOMAIN A
	assert_output "SERVFAIL qr"
	run status example.com A
	assert_output "REFUSED qr"
	printf 'gw1 192.0.2.10\n' >"$T/snap"
	start_feed "$T/snap"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN)\" = 192.0.2.10 ]"
	run grep -c "unable to subscribe" "$T/log"
	assert_output 1	# logged once while it lasts
}

@test "feed: when it dies the data stays; when it comes back its snapshot replaces it" {
	printf 'gw1 192.0.2.10\ngw2 192.0.2.20\ngw6 2001:db8::6\n' >"$T/snap1"
	start_feed "$T/snap1"
	start_named -s "$T/feed"
	feed "+ live 192.0.2.77"
	run d +short live.$DOMAIN A
	assert_output 192.0.2.77
	stop_feed
	wait_for grep -q "feed: $T/feed: closed; serving 4 records" "$T/log" || fail "$(cat "$T/log")"
	run d +short live.$DOMAIN A
	assert_output 192.0.2.77
	run d +short gw2.$DOMAIN A
	assert_output 192.0.2.20
	printf 'gw2 192.0.2.22\nback 192.0.2.88\n' >"$T/snap2"
	start_feed "$T/snap2"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short back.$DOMAIN)\" = 192.0.2.88 ]"
	run d +short gw2.$DOMAIN A
	assert_output 192.0.2.22
	run status live.$DOMAIN A
	assert_output "NXDOMAIN qr aa"
	run feed count
	assert_output 1
}

@test "feed: bad lines are logged and skipped; error: ends the subscription" {
	start_feed
	start_named -s "$T/feed"
	feed "raw + bad_label! 192.0.2.1"
	feed "raw + ok1 300.1.2.3"
	feed "raw what is this"
	feed "raw + ok3 192.0.2.3 1795000000.12.0"
	feed "raw - ok3 1795000000.120.65536"
	feed "+ ok2 192.0.2.2"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short ok2.$DOMAIN)\" = 192.0.2.2 ]"
	run cat "$T/log"
	assert_line --partial '"+ bad_label! 192.0.2.1": not a DNS label'
	assert_line --partial '"+ ok1 300.1.2.3": not an IPv4 or IPv6 address'
	assert_line --partial 'not a feed line: "what is this"'
	assert_line --partial 'not a feed line: "+ ok3 192.0.2.3 1795000000.12.0"'
	assert_line --partial 'not a feed line: "- ok3 1795000000.120.65536"'
	feed "raw error: going away"
	wait_for grep -q 'ddns-syncd said "error: going away"' "$T/log"
	run d +short ok2.$DOMAIN A
	assert_output 192.0.2.2
	# subscribed again; a line over 1024 bytes ends that subscription too
	wait_for sh -c "[ \"\$(grep -c 'records, serial' '$T/log')\" = 2 ]"
	feed "raw + $(printf 'x%.0s' $(seq 1100)) 192.0.2.1"
	wait_for grep -q "a line longer than 1024 bytes" "$T/log"
	wait_for sh -c "[ \"\$(grep -c 'records, serial' '$T/log')\" = 3 ]"
	run d +short ok2.$DOMAIN A
	assert_output 192.0.2.2
}

@test "feed: 10,000 changes in one burst, all answerable at once" {
	start_feed
	start_named -s "$T/feed"
	feed "burst 10000 b 192.0.2.55"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short b9999.$DOMAIN)\" = 192.0.2.55 ]"
	run d +short b0.$DOMAIN A
	assert_output 192.0.2.55
	run d +short b5000.$DOMAIN A
	assert_output 192.0.2.55
}

@test "glue that does not fit is left out, without TC (RFC 2181 9)" {
	for i in $(seq -w 20); do
		for a in 1 2 3; do
			echo "set service ipsec-ddns name-server ns$i.$DOMAIN address 203.0.113.$((10#$i * 10 + a))"
		done
	done >>"$T/vpnha.conf"
	start_named -d "$T/records"
	run d +noall +comments +ignore +noedns $DOMAIN NS
	assert_output --partial "flags: qr aa;"
	assert_output --regexp "ANSWER: 20, AUTHORITY: 0, ADDITIONAL: [1-9][0-9]?$"
	refute_output --partial "ADDITIONAL: 60"
	run d +noall +comments +tcp $DOMAIN NS
	assert_output --partial "ANSWER: 20, AUTHORITY: 0, ADDITIONAL: 61"
}

@test "the real feed: ddns-syncd's records appear and go; it dies and comes back" {
	start_syncd
	start_named -r "$T/run"
	ddns-ctl -r "$T/run" up gw-a 192.0.2.51 >/dev/null
	ddns-ctl -r "$T/run" up Gw-6 2001:db8::51 >/dev/null
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short gw-a.$DOMAIN)\" = 192.0.2.51 ]"
	run d +short gw-6.$DOMAIN AAAA
	assert_output 2001:db8::51
	ddns-ctl -r "$T/run" down gw-a >/dev/null
	wait_for sh -c "dig @127.0.0.1 -p $PORT gw-a.$DOMAIN | grep -q NXDOMAIN"
	# killed: the data stays served; restarted from its journal: resubscribed
	kill -KILL "$SPID"
	wait "$SPID" || true
	SPID=
	wait_for grep -q "feed: $T/run/ddns/control: closed; serving 1 records" "$T/log"
	run d +short gw-6.$DOMAIN AAAA
	assert_output 2001:db8::51
	start_syncd
	ddns-ctl -r "$T/run" up gw-b 192.0.2.52 >/dev/null
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short gw-b.$DOMAIN)\" = 192.0.2.52 ]"
	run d +short gw-6.$DOMAIN AAAA
	assert_output 2001:db8::51
	run grep -c "feed: $T/run/ddns/control: .* records, serial" "$T/log"
	assert_output 2
}

@test "wildcard addresses: replies come from the address asked, IPv4 and IPv6" {
	# ready: its own readiness, not an answer on the port (which another
	# server, on 127.0.0.1 alone, could give)
	mkfifo "$T/ready"
	ddns-named -n 3 -f "$T/vpnha.conf" -l "0.0.0.0:$PORT" -l "[::]:$PORT" \
	    -d "$T/records" 3>"$T/ready" 2>>"$T/log" &
	NPID=$!
	notified "$T/ready" || fail "ddns-named not ready: $(cat "$T/log")"
	# dig ignores a reply from another address than it asked
	for a in 127.0.0.2 127.0.0.3 ::1; do
		run dig @$a -p "$PORT" +tries=1 +time=2 +short gw1.$DOMAIN A
		assert_output 192.0.2.10
	done
	run dig @::1 -p "$PORT" +tcp +short gw6.$DOMAIN AAAA
	assert_output 2001:db8::6
}

@test "the default NS set: named nodes last; self again as a peer is refused, as by ddns-syncd" {
	echo "set service ipsec-ddns peer ns.example.net" >>"$T/vpnha.conf"
	start_named -d "$T/records"
	run d +short $DOMAIN NS
	assert_output "ns1.$DOMAIN.
ns2.$DOMAIN.
ns3.$DOMAIN.
ns.example.net."
	run d +short ns2.$DOMAIN A
	assert_output 198.51.100.2
	echo "set service ipsec-ddns peer 198.51.100.2" >>"$T/vpnha.conf"
	run -100 ddns-named -t -f "$T/vpnha.conf"
	assert_output "ddns-named: fatal: $T/vpnha.conf:6: peer 198.51.100.2 is this node's self address; list only the other nodes"
}

# ns_glue: the NS set with its glue, "NAME ADDRESS" on one line, in order
ns_glue() {
	d +noall +additional $DOMAIN NS | awk '{ printf "%s %s ", $1, $5 }'
}

# ns_glue_is TEXT: for wait_for
ns_glue_is() {
	[ "$(ns_glue)" = "$1" ]
}

@test "feed: the NS set is the cluster the feed names; a node added or removed moves it and the serial, without a reload" {
	# vpnha.conf names two nodes; the feed, as ddns-syncd does, every node
	cat >"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns self 198.51.100.2
	set service ipsec-ddns peer 198.51.100.1
	set service ipsec-ddns domain $DOMAIN
	EOF
	start_feed -c 1800000000000 "$T/records"
	feed "@ 198.51.100.2 up"
	feed "@ 198.51.100.1 up"
	feed "@ 2001:db8::53 down"
	start_named -s "$T/feed"
	run ns_glue
	assert_output "ns1.$DOMAIN. 198.51.100.1 ns2.$DOMAIN. 198.51.100.2 ns3.$DOMAIN. 2001:db8::53 "
	s0=$(serial)
	assert_equal "$s0" "$(serial_of "$(feed hw)")"
	# a peer statement added on ddns-syncd's reload: named, down
	feed "@ 198.51.100.3 down"
	wait_for ns_glue_is "ns1.$DOMAIN. 198.51.100.1 ns2.$DOMAIN. 198.51.100.2 ns3.$DOMAIN. 198.51.100.3 ns4.$DOMAIN. 2001:db8::53 " ||
	    fail "NS set: $(ns_glue)"
	# one step of the serial (10 ms) above the table's high-water
	assert_equal "$(serial)" $((s0 + 1))
	run d +short ns3.$DOMAIN A
	assert_output 198.51.100.3
	run d +short $DOMAIN SOA
	assert_output --regexp "^ns1\.$DOMAIN\. "
	# a state that changes is no change of the cluster
	feed "@ 198.51.100.3 up"
	feed "@ 198.51.100.1 down"
	feed "@ 198.51.100.1 drained"
	feed tick
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short $DOMAIN SOA | cut -d' ' -f3)\" = $(serial_of "$(feed hw)") ]" ||
	    fail "serial $(serial), high-water $(feed hw)"
	s1=$(serial)
	run ns_glue
	assert_output "ns1.$DOMAIN. 198.51.100.1 ns2.$DOMAIN. 198.51.100.2 ns3.$DOMAIN. 198.51.100.3 ns4.$DOMAIN. 2001:db8::53 "
	# removed: gone from the NS set, the serial one step on
	feed "@ 198.51.100.1 removed"
	wait_for ns_glue_is "ns1.$DOMAIN. 198.51.100.2 ns2.$DOMAIN. 198.51.100.3 ns3.$DOMAIN. 2001:db8::53 " ||
	    fail "NS set: $(ns_glue)"
	assert_equal "$(serial)" $((s1 + 1))
	run grep -c "feed: the cluster is" "$T/log"
	assert_output 3
	# the first line: the snapshot's cluster is not that of vpnha.conf
	run grep "feed: the cluster is 198.51.100.2 2001:db8::53 198.51.100.3; 3 name servers, serial $((s1 + 1))" "$T/log"
	assert_success
	# a reload of ddns-named keeps the feed's cluster, not its own file's
	kill -HUP "$NPID"
	wait_for grep -q reloaded "$T/log"
	run ns_glue
	assert_output "ns1.$DOMAIN. 198.51.100.2 ns2.$DOMAIN. 198.51.100.3 ns3.$DOMAIN. 2001:db8::53 "
	assert_equal "$(serial)" $((s1 + 1))
	# a new snapshot lists the cluster whole: the removed node stays out
	feed drop
	wait_for grep -q "feed: $T/feed: .* records, serial" "$T/log"
	wait_for sh -c "[ \$(grep -c 'feed: $T/feed: .* records, serial' '$T/log') = 2 ]"
	run ns_glue
	assert_output "ns1.$DOMAIN. 198.51.100.2 ns2.$DOMAIN. 198.51.100.3 ns3.$DOMAIN. 2001:db8::53 "
}

@test "feed: the serial a node set change gives is the table's, not the server's: two servers agree" {
	start_feed -c 1800000000000 "$T/records"
	feed "@ 198.51.100.2 up"
	feed "@ 198.51.100.1 up"
	start_named -s "$T/feed"
	# a second server on the same feed, started later, after a change
	feed "+ gw9 192.0.2.99"
	P2=$((PORT + 1))
	rm -f "$T/ready2"
	mkfifo "$T/ready2"
	ddns-named -n 3 -f "$T/vpnha.conf" -l "127.0.0.1:$P2" -s "$T/feed" \
	    3>"$T/ready2" 2>>"$T/log2" &
	SPID=$!
	read -r -t 10 _ <"$T/ready2" || fail "the second ddns-named is not ready"
	s=$(serial_of "$(feed hw)")
	feed "@ 198.51.100.9 down"
	for p in "$PORT" "$P2"; do
		wait_for sh -c "dig @127.0.0.1 -p $p +short ns3.$DOMAIN A | grep -q ." ||
		    fail "port $p: no ns3"
		run dig @127.0.0.1 -p "$p" +short "$DOMAIN" SOA
		assert_output --regexp " $((s + 1)) 3600 "
	done
}

@test "feed: name-server statements keep the NS set whatever the feed names" {
	echo "set service ipsec-ddns name-server ns.example.net" >>"$T/vpnha.conf"
	start_feed "$T/records"
	feed "@ 198.51.100.7 up"
	start_named -s "$T/feed"
	feed "@ 198.51.100.8 down"
	feed "@ 198.51.100.7 removed"
	feed tick
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short $DOMAIN SOA | cut -d' ' -f3)\" = $(serial_of "$(feed hw)") ]"
	run d +short $DOMAIN NS
	assert_output "ns.example.net."
	run grep -c "feed: the cluster is" "$T/log"
	assert_output 0
}

@test "the real feed: a peer added to ddns-syncd's configuration joins the NS set on its reload alone, and leaves it removed" {
	start_syncd
	start_named -r "$T/run"
	run d +short $DOMAIN NS
	assert_output "ns1.$DOMAIN."
	run d +short ns1.$DOMAIN A
	assert_output 127.0.0.1
	echo "set service ipsec-ddns peer 198.51.100.44" >>"$T/syncd.conf"
	kill -HUP "$SPID"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short ns2.$DOMAIN A | grep -qx 198.51.100.44" ||
	    fail "no ns2: $(d +short $DOMAIN NS) $(cat "$T/log")"
	run d +short $DOMAIN NS
	assert_output "ns1.$DOMAIN.
ns2.$DOMAIN."
	# the guide's removal (the peer is down: it never came), on this
	# node's reload alone
	echo "delete service ipsec-ddns peer 198.51.100.44" >>"$T/syncd.conf"
	kill -HUP "$SPID"
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short $DOMAIN NS)\" = ns1.$DOMAIN. ]" ||
	    fail "ns2 stays: $(d +short $DOMAIN NS) $(cat "$T/log")"
	run d +short ns2.$DOMAIN A
	assert_output ''
}

# soa NAME: the SOA's RDATA without the serial, as dig +short writes it
soa() {
	d +short "$1" SOA | awk '{ $3 = "S"; print }'
}

# soa_is NAME WANT: wait for the SOA of NAME to be WANT (after a reload)
soa_is() {
	[ "$(soa "$1")" = "$2" ]
}

@test "the SOA: contact, refresh, retry and expire configured, in the domain's zone and the pool's own; a reload changes them" {
	P=pool.example.net
	echo "set service dns-pool name $P" >>"$T/vpnha.conf"
	start_named -d "$T/records"
	# the defaults: hostmaster under each zone's apex
	run soa $DOMAIN
	assert_output "ns1.$DOMAIN. hostmaster.$DOMAIN. S 3600 600 1209600 30"
	run soa $P
	assert_output "ns1.$DOMAIN. hostmaster.$P. S 3600 600 1209600 10"
	cat >>"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns contact first.last@example.org
	set service ipsec-ddns refresh 7200
	set service ipsec-ddns retry 900
	set service ipsec-ddns expire 2419200
	EOF
	kill -HUP "$NPID"
	wait_for soa_is $DOMAIN "ns1.$DOMAIN. first\\.last.example.org. S 7200 900 2419200 30" ||
	    fail "after the reload: $(soa $DOMAIN)"
	run soa $P
	assert_output "ns1.$DOMAIN. first\\.last.example.org. S 7200 900 2419200 10"
	# and in the authority section of negative answers, both zones
	run d +noall +authority nothere.$DOMAIN A
	assert_output --regexp "	SOA	ns1\.$DOMAIN\. first\\\\\.last\.example\.org\. [0-9]+ 7200 900 2419200 30\$"
	run d +noall +authority x.$P A
	assert_output --regexp "	SOA	ns1\.$DOMAIN\. first\\\\\.last\.example\.org\. [0-9]+ 7200 900 2419200 10\$"
	# a contact under the domain, in RNAME form; the case asked is kept
	# in the owner, the RNAME is served in lower case
	sed -i '/contact/d' "$T/vpnha.conf"
	echo "set service ipsec-ddns contact DNS-Admin.$DOMAIN" >>"$T/vpnha.conf"
	kill -HUP "$NPID"
	wait_for soa_is $DOMAIN "ns1.$DOMAIN. dns-admin.$DOMAIN. S 7200 900 2419200 30" ||
	    fail "after the second reload: $(soa $DOMAIN)"
	run soa $P
	assert_output "ns1.$DOMAIN. dns-admin.$DOMAIN. S 7200 900 2419200 10"
	# every statement gone: the defaults again
	sed -i '/contact\|refresh\|retry\|expire/d' "$T/vpnha.conf"
	kill -HUP "$NPID"
	wait_for soa_is $DOMAIN "ns1.$DOMAIN. hostmaster.$DOMAIN. S 3600 600 1209600 30" ||
	    fail "after the third reload: $(soa $DOMAIN)"
	run soa $P
	assert_output "ns1.$DOMAIN. hostmaster.$P. S 3600 600 1209600 10"
}

@test "a reload with a bad SOA statement keeps the running SOA and says where" {
	start_named -d "$T/records"
	echo 'set service ipsec-ddns refresh 600' >>"$T/vpnha.conf"
	kill -HUP "$NPID"
	wait_for grep -q "keeping the running configuration" "$T/log"
	run grep 'reload:' "$T/log"
	assert_output "ddns-named: warning: reload: $T/vpnha.conf:5: retry 600 (the default) is not shorter than refresh 600 (RFC 1912 2.2); keeping the running configuration"
	run soa $DOMAIN
	assert_output "ns1.$DOMAIN. hostmaster.$DOMAIN. S 3600 600 1209600 30"
}

@test "AXFR of 100,000 records to a secondary: every record, once, as the server answers it; SOA first and last, one serial" {
	echo "set service ipsec-ddns secondary 127.0.0.1" >>"$T/vpnha.conf"
	awk 'BEGIN { for (i = 0; i < 100000; i++) {
		if (i % 3 == 0) a = sprintf("2001:db8:%x::1", int(i / 3) + 1)
		else a = sprintf("198.51.100.%d", i % 256)
		printf "gw%d %s\n", i, a } }' >"$T/records"
	start_named -d "$T/records"
	d "$DOMAIN" AXFR +noall +answer +onesoa >"$T/axfr" 2>&1 || :
	# the records file, as the answers give it: name, type, address
	awk '{ printf "%s.%s.\t%s\t%s\n", tolower($1), "'"$DOMAIN"'", ($2 ~ /:/) ? "AAAA" : "A", $2 }' \
	    "$T/records" | sort >"$T/want"
	awk '$4 == "A" || $4 == "AAAA" { print $1 "\t" $4 "\t" $5 }' "$T/axfr" |
	    grep -v '^ns' | sort >"$T/got"
	run diff "$T/want" "$T/got"
	assert_success
	run grep -c 'SOA' "$T/axfr"
	assert_output 1	# +onesoa: the closing SOA was the same as the first
	d "$DOMAIN" AXFR +noall +answer >"$T/axfr2"
	[ "$(awk '$4 == "SOA" { print $7 }' "$T/axfr2" | sort -u | wc -l)" = 1 ]
	[ "$(awk '$4 == "SOA"' "$T/axfr2" | wc -l)" = 2 ]
	# a sample of names asked one by one gives what the transfer gave
	for i in 0 1 2 3 99999 65536 12345 77777; do
		run d +short "gw$i.$DOMAIN" "$(awk -v n="gw$i.$DOMAIN." '$1 == n { print $2 }' "$T/got")"
		assert_output "$(awk -v n="gw$i.$DOMAIN." '$1 == n { print $3 }' "$T/got")"
	done
	grep -q "AXFR to 127.0.0.1: serial [0-9]*, 100000 records" "$T/log"
}

@test "AXFR while the feed changes the table: the zone as it was when the transfer began, to its last record" {
	echo "set service ipsec-ddns secondary 127.0.0.1" >>"$T/vpnha.conf"
	# more than the largest send buffer TCP may give the server holds
	n=$(awk '{ print int($3 / 20) + 10000 }' /proc/sys/net/ipv4/tcp_wmem)
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "gw%d 198.51.100.%d\n", i, i % 256 }' \
	    >"$T/snap"
	start_feed "$T/snap"
	start_named -s "$T/feed"
	# a secondary that reads one message, stops until told, then the rest:
	# its receive buffer kept small, so that the server cannot be done
	python3 - "$PORT" "$DOMAIN" "$T/paused" "$T/go" >"$T/slow" <<-'EOF' &
	import os, socket, struct, sys, time
	port, domain, paused, go = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
	s.connect(("127.0.0.1", port))
	qname = b"".join(bytes([len(l)]) + l.encode() for l in domain.split(".")) + b"\0"
	q = struct.pack(">HHHHHH", 0x4242, 0, 1, 0, 0, 0) + qname + struct.pack(">HH", 252, 1)
	s.sendall(struct.pack(">H", len(q)) + q)
	def read(n):
	    b = b""
	    while len(b) < n:
	        c = s.recv(n - len(b))
	        if not c:
	            sys.exit("closed after %d of %d bytes" % (len(b), n))
	        b += c
	    return b
	def name(m, p):
	    out, end, hops = [], None, 0
	    while m[p]:
	        if m[p] >= 0xc0:
	            end = end or p + 2
	            p = (m[p] & 0x3f) << 8 | m[p + 1]
	            hops += 1
	            assert hops < 64
	            continue
	        out.append(m[p + 1:p + 1 + m[p]].decode())
	        p += 1 + m[p]
	    return ".".join(out), end or p + 1
	soas, msgs = 0, 0
	while soas < 2:
	    m = read(struct.unpack(">H", read(2))[0])
	    msgs += 1
	    if msgs == 1:
	        open(paused, "w").close()
	        while not os.path.exists(go):
	            time.sleep(0.01)
	    assert m[3] & 15 == 0, "rcode %d" % (m[3] & 15)
	    p = name(m, 12)[1] + 4
	    for _ in range(struct.unpack(">H", m[6:8])[0]):
	        owner, p = name(m, p)
	        t, _, _, rdlen = struct.unpack(">HHIH", m[p:p + 10])
	        rd = m[p + 10:p + 10 + rdlen]
	        p += 10 + rdlen
	        if t == 6:
	            soas += 1
	            rp = name(m, name(m, p - rdlen)[1])[1]
	            print(owner, "SOA", struct.unpack(">I", m[rp:rp + 4])[0])
	        elif t == 1:
	            print(owner, "A", socket.inet_ntop(socket.AF_INET, rd))
	EOF
	slow=$!
	wait_for test -e "$T/paused" || fail "the transfer did not start"
	run grep -c "AXFR to 127.0.0.1" "$T/log"
	assert_output 0
	s0=$(serial)
	# the table changes under the transfer: a removal, a new address,
	# and enough new names that the table grows
	feed "- gw1"
	feed "+ gw2 192.0.2.99"
	feed "burst 60000 new 192.0.2.1"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short new59999.$DOMAIN | grep -q ."
	run d +short gw2.$DOMAIN
	assert_output 192.0.2.99
	run grep -c "AXFR to 127.0.0.1" "$T/log"
	assert_output 0	# the transfer is still going on
	touch "$T/go"
	wait "$slow" || fail "the slow secondary failed: $(cat "$T/slow")"
	# what it got: the zone at s0, every gateway once, none of the changes
	run awk '$2 == "SOA" { print $3 }' "$T/slow"
	assert_output "$s0"$'\n'"$s0"
	awk '$2 == "A" && $1 ~ /^gw/ { print $1, $3 }' "$T/slow" | sort >"$T/got"
	awk -v d="$DOMAIN" '{ print $1 "." d, $2 }' "$T/snap" | sort >"$T/want"
	run diff "$T/want" "$T/got"
	assert_success
	run grep -c '^new' "$T/slow"
	assert_output 0
	grep -q "AXFR to 127.0.0.1: serial $s0, $n records" "$T/log"
	# the next transfer has the changes
	run sh -c "dig @127.0.0.1 -p $PORT $DOMAIN AXFR +noall +answer | grep -c '^new'"
	assert_output 60000
}

@test "the pool's zone of its own: AXFR of its SOA, the NS set in full and every member; IXFR whole or up to date; REFUSED to others" {
	P=pool.example.net
	cat >>"$T/vpnha.conf" <<-EOF
	set service dns-pool name $P
	set service dns-pool member 203.0.113.1
	set service dns-pool member 203.0.113.2
	set service dns-pool member 2001:db8::1
	set service ipsec-ddns secondary 127.0.0.1
	EOF
	start_named -d "$T/records"
	d "$P" AXFR +noall +answer >"$T/axfr"
	awk '{ print $1, $4, $5 }' "$T/axfr" >"$T/got"
	s=$(serial)
	cat >"$T/want" <<-EOF
	$P. SOA ns1.$DOMAIN.
	$P. NS ns1.$DOMAIN.
	$P. NS ns2.$DOMAIN.
	$P. NS ns3.$DOMAIN.
	$P. A 203.0.113.1
	$P. A 203.0.113.2
	$P. AAAA 2001:db8::1
	$P. SOA ns1.$DOMAIN.
	EOF
	run diff "$T/want" "$T/got"
	assert_success
	# the domain's serial, in both SOAs; no gateway, no glue
	run awk '$4 == "SOA" { print $7 }' "$T/axfr"
	assert_output "$s"$'\n'"$s"
	grep -q "AXFR of $P to 127.0.0.1: serial $s, 3 records" "$T/log"
	# IXFR: up to date at our serial, the whole zone before it
	run sh -c "dig @127.0.0.1 -p $PORT $P IXFR=$s +noall +answer | wc -l"
	assert_output 1
	run sh -c "dig @127.0.0.1 -p $PORT $P IXFR=$((s - 1)) +noall +answer | grep -c '	A'"
	assert_output 3
	# over UDP, IXFR gets the SOA alone; AXFR is refused
	run sh -c "dig @127.0.0.1 -p $PORT +notcp $P IXFR=$((s - 1)) +noall +answer | awk '{ print \$4 }'"
	assert_output SOA
	# a name under the pool's apex is no zone of its own
	run status "x.$P" AXFR +tcp
	assert_output "REFUSED qr"
	# from an address that is no secondary
	run status "$P" AXFR -b 127.0.0.2
	assert_output "REFUSED qr"
}

# notify_listen FILE: a secondary at 127.0.0.2:53 that answers every
# NOTIFY and writes "WALL-CLOCK ZONE SERIAL" lines to FILE; SPID is its PID
notify_listen() {
	python3 - "$1" <<-'EOF' &
	import socket, struct, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("127.0.0.2", 53))
	out = open(sys.argv[1], "a")
	while True:
	    m, peer = s.recvfrom(4096)
	    if len(m) < 12 or (m[2] >> 3) & 15 != 4 or m[2] & 0x80:
	        continue
	    p, labels = 12, []
	    while m[p]:
	        labels.append(m[p + 1:p + 1 + m[p]].decode())
	        p += 1 + m[p]
	    qend = p + 5
	    # the answer's SOA: owner (a pointer), type .. rdlength, then
	    # MNAME and RNAME, then the serial
	    r = qend + 2 + 10
	    for _ in range(2):
	        while m[r] and m[r] < 0xc0:
	            r += 1 + m[r]
	        r += 2 if m[r] >= 0xc0 else 1
	    serial = struct.unpack(">I", m[r:r + 4])[0]
	    out.write("%.3f %s %d\n" % (time.time(), ".".join(labels), serial))
	    out.flush()
	    s.sendto(m[:2] + bytes([0x80 | m[2], 0]) + b"\0\1\0\0\0\0\0\0" +
	             m[12:qend], peer)
	EOF
	SPID=$!
}

# got_notify ZONE SERIAL: the listener has a NOTIFY of it
got_notify() {
	grep -q " $1 $2\$" "$T/notify"
}

# wait_notified ZONE SERIAL: wait for it, up to 15 s (notify-delay is 4)
wait_notified() {
	local i
	for i in $(seq 300); do
		got_notify "$1" "$2" && return 0
		sleep 0.05
	done
	fail "no NOTIFY of $1 serial $2: $(cat "$T/notify")"
}

@test "NOTIFY: the first change after a quiet time at once, those within notify-delay in one NOTIFY at its end; the pool's own zone too" {
	P=pool.example.net
	cat >>"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns secondary 127.0.0.2
	set service ipsec-ddns notify-delay 4
	set service dns-pool name $P
	set service dns-pool member 203.0.113.1
	EOF
	: >"$T/notify"
	notify_listen "$T/notify"
	start_feed
	start_named -s "$T/feed"
	feed "+ gw1 192.0.2.10"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN | grep -q ."
	# the first rounds: both zones, each with the serial of its moment
	s=$(serial)
	wait_notified $P "$s"
	wait_notified $DOMAIN "$s"
	# two changes at once: within notify-delay of the last round, they
	# wait for its end and go in one round, of the later serial
	t1=$(awk 'END { print $1 }' "$T/notify")
	n1=$(wc -l <"$T/notify")
	feed "+ gw2 192.0.2.20"
	feed "+ gw3 192.0.2.30"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw3.$DOMAIN | grep -q ."
	s=$(serial)
	wait_notified $DOMAIN "$s"
	wait_notified $P "$s"
	run awk -v n="$n1" 'NR > n' "$T/notify"
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 2	# one round: two zones
	t2=$(awk 'END { print $1 }' "$T/notify")
	awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b - a >= 4) }' ||
	    fail "the second round came $t1 -> $t2, within notify-delay"
	# a quiet time of notify-delay, then a change: told at once, long
	# before another notify-delay could end
	until awk -v a="$t2" -v now="$(date +%s.%N)" 'BEGIN { exit !(now - a > 4.1) }'; do
		sleep 0.1
	done
	n2=$(wc -l <"$T/notify")
	t3=$(date +%s.%N)
	feed "+ gw4 192.0.2.40"
	wait_for sh -c "[ \$(wc -l <'$T/notify') -ge $((n2 + 2)) ]" ||
	    fail "no NOTIFY after the quiet time: $(cat "$T/notify")"
	t4=$(awk 'END { print $1 }' "$T/notify")
	awk -v a="$t3" -v b="$t4" 'BEGIN { exit !(b - a < 2) }' ||
	    fail "the change at $t3 was told at $t4: not at once"
}

@test "IXFR: the versions since the secondary's serial, deletions and additions, each name once a version; older than the history, the whole zone" {
	echo "set service ipsec-ddns secondary 127.0.0.1" >>"$T/vpnha.conf"
	start_feed
	start_named -s "$T/feed"
	feed "+ gw1 192.0.2.10"
	feed "+ gw2 192.0.2.20"
	feed "+ gw3 192.0.2.30"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw3.$DOMAIN | grep -q ."
	s0=$(serial)
	sleep 0.02	# a later stamp: the next change is a version of its own
	feed "+ gw1 192.0.2.11"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw1.$DOMAIN | grep -qx 192.0.2.11"
	s1=$(serial)
	sleep 0.02
	feed "- gw2"
	feed "+ gw4 2001:db8::4"
	wait_for sh -c "dig @127.0.0.1 -p $PORT +short gw4.$DOMAIN AAAA | grep -q ."
	s2=$(serial)
	newer "$s1" "$s0"
	newer "$s2" "$s1"
	run d "$DOMAIN" IXFR="$s0" +noall +answer
	assert_success
	# SOA s2; SOA s0, gw1 old, SOA s1, gw1 new; SOA s1, (gw2), SOA s2,
	# (gw4); SOA s2 -- the versions may be folded differently by the
	# feed's reads, but the records are these, each where RFC 1995 puts it
	printf '%s\n' "$output" | awk '{ print $1, $4, ($4 == "SOA") ? $7 : $5 }' >"$T/ixfr"
	run head -n 1 "$T/ixfr"
	assert_output "$DOMAIN. SOA $s2"
	run tail -n 1 "$T/ixfr"
	assert_output "$DOMAIN. SOA $s2"
	run grep -c "^gw" "$T/ixfr"
	assert_output 4	# gw1 out and in, gw2 out, gw4 in: not the zone
	grep -qx "gw1.$DOMAIN. A 192.0.2.10" "$T/ixfr"
	grep -qx "gw1.$DOMAIN. A 192.0.2.11" "$T/ixfr"
	grep -qx "gw2.$DOMAIN. A 192.0.2.20" "$T/ixfr"
	grep -qx "gw4.$DOMAIN. AAAA 2001:db8::4" "$T/ixfr"
	# gw1's old record comes before its new one, after the SOA of s0
	[ "$(grep -n "^$DOMAIN. SOA $s0\$" "$T/ixfr" | head -n 1 | cut -d: -f1)" -lt \
	    "$(grep -n "192.0.2.10\$" "$T/ixfr" | cut -d: -f1)" ]
	[ "$(grep -n "192.0.2.10\$" "$T/ixfr" | cut -d: -f1)" -lt \
	    "$(grep -n "192.0.2.11\$" "$T/ixfr" | cut -d: -f1)" ]
	grep -q "IXFR to 127.0.0.1: serial $s0 to $s2" "$T/log"
	# from s1: only the second version
	run sh -c "dig @127.0.0.1 -p $PORT $DOMAIN IXFR=$s1 +noall +answer | grep -c '^gw'"
	assert_output 2
	# up to date
	run sh -c "dig @127.0.0.1 -p $PORT $DOMAIN IXFR=$s2 +noall +answer | wc -l"
	assert_output 1
	# older than the history: the whole zone, as an AXFR
	run sh -c "dig @127.0.0.1 -p $PORT $DOMAIN IXFR=$((s0 - 5)) +noall +answer | grep -c '^gw'"
	assert_output 3	# gw1, gw3, gw4
}
