#!/usr/bin/env bats
# The pool name of ddns-named (service dns-pool, vpnha.conf(5)), asked with
# dig on loopback, fed by the test publisher (tests/ddns-feed) standing in
# for ddns-syncd: `@ NODE STATE` lines say which cluster nodes are up,
# down or drained, the ORIGIN of `+` lines how many gateways each carries.
# The same pool across a lab of real nodes: tests/ddns-cluster-pool.bats.
# The nodes are 198.51.100.1 to .3 and 2001:db8::53; the members are
# 203.0.113.1 to .3, each tied to the node with the same last number.

load helper
load ddns-named

POOL=pool.$DOMAIN
N1=198.51.100.1 N2=198.51.100.2 N3=198.51.100.3

setup() {
	named_setup
	cat >"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns self $N2
	set service ipsec-ddns peer $N1
	set service ipsec-ddns peer $N3
	set service ipsec-ddns peer 2001:db8::53
	set service ipsec-ddns domain $DOMAIN
	set service dns-pool name $POOL
	EOF
}

teardown() {
	named_teardown
}

# tied: members 203.0.113.I node 198.51.100.I, I = 1..3
tied() {
	local i
	for i in 1 2 3; do
		echo "set service dns-pool member 203.0.113.$i node 198.51.100.$i"
	done >>"$T/vpnha.conf"
}

# pool [TYPE [NAME]]: the addresses answered, in order, one a line
pool() {
	d +short "${2:-$POOL}" "${1:-A}"
}

# sorted [TYPE]: the same, sorted, on one line
sorted() {
	pool "$@" | sort | tr '\n' ' '
}

# sorted_is TEXT: the IPv4 answer, sorted, is TEXT (for wait_for)
sorted_is() {
	[ "$(sorted A)" = "$1" ]
}

# nodes STATE...: node I of 1..3 in STATE I, told to every subscriber
nodes() {
	local i=1 s
	for s; do
		feed "@ 198.51.100.$i $s"
		i=$((i + 1))
	done
}

@test "by default the members are the cluster's nodes; unknown nodes: all of them, TTL 10, AA" {
	start_feed
	start_named -s "$T/feed"
	run sorted A
	assert_output "198.51.100.1 198.51.100.2 198.51.100.3 "
	run pool AAAA
	assert_output 2001:db8::53
	run status $POOL A
	assert_output "NOERROR qr aa"
	run d +noall +answer $POOL AAAA
	assert_output "$(printf '%s.\t10\tIN\tAAAA\t2001:db8::53' $POOL)"
	grep -q "pool $POOL: the cluster sees no member alive; answering all 4 members" "$T/log"
}

@test "by default the members are the nodes the feed names: a node added or removed without a reload" {
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	feed "@ 2001:db8::53 up"
	wait_for sorted_is "198.51.100.1 198.51.100.2 198.51.100.3 "
	# a peer added to ddns-syncd's configuration, then up; another removed
	feed "@ 198.51.100.4 down"
	feed "@ 198.51.100.4 up"
	wait_for sorted_is "198.51.100.1 198.51.100.2 198.51.100.3 198.51.100.4 " ||
	    fail "pool: $(sorted A)"
	feed "@ 198.51.100.1 removed"
	wait_for sorted_is "198.51.100.2 198.51.100.3 198.51.100.4 " ||
	    fail "pool: $(sorted A)"
	run pool AAAA
	assert_output 2001:db8::53
}

@test "answers N and ttl: N records of the members, with that TTL" {
	tied
	echo "set service dns-pool answers 2" >>"$T/vpnha.conf"
	echo "set service dns-pool ttl 5" >>"$T/vpnha.conf"
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	run d +noall +answer $POOL A
	assert_equal "${#lines[@]}" 2
	assert_line --regexp "^$POOL\.	5	IN	A	203\.0\.113\.[123]\$"
	refute_line --regexp "	10	"
}

@test "random: every member comes first, over many queries" {
	tied
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	for _ in $(seq 60); do
		pool A | head -1
	done | sort | uniq -c >"$T/firsts"
	cat "$T/firsts"
	run awk '{ print $2 }' "$T/firsts"
	assert_output "203.0.113.1
203.0.113.2
203.0.113.3"
	# and every answer holds all three
	run sorted A
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
}

@test "least-loaded: fewest gateways first, after an uneven load" {
	tied
	echo "set service dns-pool policy least-loaded" >>"$T/vpnha.conf"
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	feed "load 5 a 192.0.2.1 $N1"
	feed "load 1 b 192.0.2.2 $N2"
	feed "load 3 c 192.0.2.3 $N3"
	for _ in $(seq 10); do
		run pool A
		assert_output "203.0.113.2
203.0.113.3
203.0.113.1"
	done
	# gateways move: b0 now on node 1 (5+1), node 2 has none
	feed "+ b0 192.0.2.2 $N1"
	feed "- a0"
	feed "- a1"
	run pool A
	assert_output "203.0.113.2
203.0.113.3
203.0.113.1"
	feed "load 5 d 192.0.2.4 $N2"
	run pool A
	assert_output "203.0.113.3
203.0.113.1
203.0.113.2"
}

@test "least-loaded: ties are shuffled; + lines without an origin count nowhere" {
	tied
	echo "set service dns-pool policy random" >>"$T/vpnha.conf"
	echo "set service dns-pool policy least-loaded" >>"$T/vpnha.conf"
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	feed "load 3 a 192.0.2.1 $N1"
	feed "load 20 x 192.0.2.9"
	for _ in $(seq 40); do
		pool A | head -2 | sort | tr '\n' ' '
		echo
	done | sort -u >"$T/heads"
	run cat "$T/heads"
	assert_output "203.0.113.2 203.0.113.3 "
	for _ in $(seq 40); do
		pool A | head -1
	done | sort -u >"$T/firsts"
	run cat "$T/firsts"
	assert_output "203.0.113.2
203.0.113.3"
}

@test "drained and down members are left out; all alive drained: those" {
	tied
	start_feed
	start_named -s "$T/feed"
	nodes up drained down
	run sorted A
	assert_output "203.0.113.1 "
	nodes drained
	run sorted A
	assert_output "203.0.113.1 203.0.113.2 "
	nodes up up up
	run sorted A
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
	# the states come in the snapshot too
	nodes down drained up
	feed drop
	wait_for grep -q "pool $POOL: no feed" "$T/log"
	wait_for sorted_is "203.0.113.3 "
}

@test "all down: the static answer, every member, logged on each transition" {
	tied
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	# the first up is the transition; the others are not logged
	wait_for grep -q "pool $POOL: answering from the cluster, 1 of 3 members alive" "$T/log"
	nodes down down down
	run sorted A
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
	run grep -c "pool $POOL: the cluster sees no member alive; answering all 3 members" "$T/log"
	assert_output 2	# at the snapshot, none known yet, and now
	nodes down up
	run sorted A
	assert_output "203.0.113.2 "
	run grep -c "pool $POOL: answering from the cluster, 1 of 3 members alive" "$T/log"
	assert_output 2
	run grep -c "pool $POOL: " "$T/log"
	assert_output 4
}

@test "the feed gone: every member, logged once; back: the cluster's view" {
	tied
	start_feed
	start_named -s "$T/feed"
	nodes up down down
	run sorted A
	assert_output "203.0.113.1 "
	stop_feed
	wait_for grep -q "pool $POOL: no feed; answering all 3 members" "$T/log"
	run sorted A
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
	sleep 1	# reconnection attempts fail meanwhile: no new line
	run grep -c "pool $POOL: no feed" "$T/log"
	assert_output 1
	start_feed
	nodes up down down
	wait_for sorted_is "203.0.113.1 "
	run grep -c "pool $POOL: answering from the cluster, 1 of 3 members alive" "$T/log"
	assert_output 2
}

@test "a records file (-d): no feed, every member, said once" {
	tied
	start_named -d "$T/records"
	run sorted A
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
	run grep -c "pool $POOL: no feed (-d); answering all 3 members" "$T/log"
	assert_output 1
	run d +short gw1.$DOMAIN A
	assert_output 192.0.2.10
}

@test "NODATA for other types, with the domain's SOA; ANY gets the addresses" {
	tied
	start_feed
	start_named -s "$T/feed"
	nodes up up up
	for t in MX TXT AAAA SOA NS; do
		run status $POOL $t
		assert_output "NOERROR qr aa"
		run d +noall +answer +authority $POOL $t
		assert_output --regexp "^$DOMAIN\.	30	IN	SOA	ns1\.$DOMAIN\. hostmaster\.$DOMAIN\. "
	done
	run sorted ANY
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
	run status x.$POOL A
	assert_output "NXDOMAIN qr aa"
}

@test "members tied to no node: always alive, logged once at start" {
	echo "set service dns-pool member 203.0.113.1 node $N1" >>"$T/vpnha.conf"
	echo "set service dns-pool member 2001:db8::99" >>"$T/vpnha.conf"
	echo "set service dns-pool member 203.0.113.9" >>"$T/vpnha.conf"
	start_feed
	start_named -s "$T/feed"
	run grep -c "warning: pool $POOL: member 203.0.113.9 is tied to no node: always answered as alive" "$T/log"
	assert_output 1
	nodes down
	run sorted A
	assert_output "203.0.113.9 "
	run pool AAAA
	assert_output 2001:db8::99
	nodes up
	run sorted A
	assert_output "203.0.113.1 203.0.113.9 "
}

@test "a pool name outside the domain: a zone of its own, SOA and NS at its apex" {
	tied
	echo "set service dns-pool name Pool.Example.NET" >>"$T/vpnha.conf"
	start_feed
	start_named -s "$T/feed"
	nodes up up down
	feed "@ 2001:db8::53 down"	# ddns-syncd names every node: the NS set
	run sorted A pool.example.net
	assert_output "203.0.113.1 203.0.113.2 "
	run status pool.example.net A
	assert_output "NOERROR qr aa"
	run d +short pool.example.net SOA
	assert_output --regexp "^ns1\.$DOMAIN\. hostmaster\.pool\.example\.net\. [0-9]+ 3600 600 1209600 10\$"
	run d +short pool.example.net NS
	assert_output "ns1.$DOMAIN.
ns2.$DOMAIN.
ns3.$DOMAIN.
ns4.$DOMAIN."
	run status pool.example.net MX
	assert_output "NOERROR qr aa"
	run d +noall +authority pool.example.net MX
	assert_output --regexp "^pool\.example\.net\.	10	IN	SOA	"
	run status a.b.pool.example.net A
	assert_output "NXDOMAIN qr aa"
	run d +noall +authority a.b.POOL.example.net A
	assert_output --regexp "^POOL\.example\.net\.	10	IN	SOA	"
	for n in example.net example.com xpool.example.net; do
		run status $n A
		assert_output "REFUSED qr"
	done
	run status +notcp pool.example.net AXFR
	assert_output "REFUSED qr"
	# the domain is still served, and the pool's name no longer in it
	run status pool.$DOMAIN A
	assert_output "NXDOMAIN qr aa"
	run d +short $DOMAIN SOA
	assert_output --partial "hostmaster.$DOMAIN."
}

@test "configuration errors name the file and line, exit 100" {
	cp "$T/vpnha.conf" "$T/base.conf"
	try() {
		cp "$T/base.conf" "$T/vpnha.conf"
		printf '%s\n' "$@" >>"$T/vpnha.conf"
		run -100 ddns-named -f "$T/vpnha.conf" -l "127.0.0.1:$PORT" -d "$T/records"
	}
	try "set service dns-pool member 203.0.113.1 node 192.0.2.99"
	assert_output "ddns-named: fatal: $T/vpnha.conf:7: member 203.0.113.1 node 192.0.2.99: not a cluster node (service ipsec-ddns self or peer, as written there)"
	try "set service dns-pool name a.b.$DOMAIN"
	assert_output "ddns-named: fatal: $T/vpnha.conf:7: name a.b.$DOMAIN: a pool name inside $DOMAIN must be one label under it, and not a name server's"
	try "set service dns-pool name $DOMAIN"
	assert_output --partial "vpnha.conf:7: name $DOMAIN: a pool name inside"
	try "set service dns-pool name ns2.$DOMAIN"
	assert_output --partial "vpnha.conf:7: name ns2.$DOMAIN: a pool name inside"
	try "delete service dns-pool name" "set service dns-pool ttl 5"
	assert_output "ddns-named: fatal: $T/vpnha.conf:8: service dns-pool without a name: set service dns-pool name NAME"
	try "set service dns-pool answers 0"
	assert_output --partial "vpnha.conf:7:"
	assert_output --partial "answers"
	try "set service dns-pool policy round-robin"
	assert_output --partial "vpnha.conf:7: unknown word \"round-robin\" after \"policy\"; expected one of: random, least-loaded"
	try "set service dns-pool member pool.example.net"
	assert_output --partial "vpnha.conf:7:"
	cp "$T/base.conf" "$T/vpnha.conf"
	for i in $(seq 33); do
		echo "set service dns-pool member 203.0.113.$i"
	done >>"$T/vpnha.conf"
	run -100 ddns-named -f "$T/vpnha.conf" -l "127.0.0.1:$PORT" -d "$T/records"
	assert_output "ddns-named: fatal: $T/vpnha.conf:39: more than 32 pool members"
}

@test "vpnha-checkconf: the statements in canonical form; the schema's errors" {
	tied
	cat >>"$T/vpnha.conf" <<-EOF
	set service dns-pool member 2001:DB8:0::1
	set service dns-pool answers 2
	set service dns-pool ttl 010
	set service dns-pool policy least-loaded
	EOF
	run -0 vpnha-checkconf -f "$T/vpnha.conf"
	assert_line "set service dns-pool name $POOL"
	assert_line "set service dns-pool member 203.0.113.1 node 198.51.100.1"
	assert_line "set service dns-pool member 2001:db8::1"
	assert_line "set service dns-pool answers 2"
	assert_line "set service dns-pool ttl 10"
	assert_line "set service dns-pool policy least-loaded"
	echo "set service dns-pool policy fastest" >>"$T/vpnha.conf"
	run -100 vpnha-checkconf -f "$T/vpnha.conf"
	assert_output --partial "vpnha.conf:14: unknown word \"fastest\" after \"policy\""
}

@test "a reload keeps the pool's view and applies new members" {
	tied
	start_feed
	start_named -s "$T/feed"
	nodes up down up
	run sorted A
	assert_output "203.0.113.1 203.0.113.3 "
	echo "set service dns-pool member 203.0.113.3 node $N2" >>"$T/vpnha.conf"
	kill -HUP "$NPID"
	wait_for grep -q reloaded "$T/log"
	run sorted A
	assert_output "203.0.113.1 "
	run grep -c "pool $POOL: answering from the cluster" "$T/log"
	assert_output 1
}

@test "etc/dns-pool-node1.conf: ddns-named serves its pool name" {
	cp "$VPNHA_TOP/etc/dns-pool-node1.conf" "$T/vpnha.conf"
	start_named -d "$T/records"
	run sorted A vpn-pool.example.net
	assert_output "203.0.113.1 203.0.113.2 203.0.113.3 "
	run d +short vpn-pool.example.net SOA
	assert_output --regexp "^ns1\.vpn\.example\.org\. hostmaster\.vpn-pool\.example\.net\. "
}

@test "no snapshot yet: the pool gets the static answer, the domain SERVFAIL" {
	tied
	ddns-named -f "$T/vpnha.conf" -l "127.0.0.1:$PORT" -s "$T/nofeed" 2>>"$T/log" &
	NPID=$!
	wait_for sorted_is "203.0.113.1 203.0.113.2 203.0.113.3 "
	run status $POOL A
	assert_output "NOERROR qr aa"
	run status gw1.$DOMAIN A
	assert_output "SERVFAIL qr"
	refute grep -q "pool $POOL: " "$T/log"	# no transition: never fed
}
