#!/usr/bin/env bats
# ddns-syncd(8) admission: who may open a connection to port 9100, how long
# it may take to say who it is, and what the log says about those who fail
# (issue 14, items 3 to 5).  Real nodes in the lab (tests/lab/, helpers in
# tests/ddns-lab.bash); the attacker is tests/ddns-flood, or a real
# ddns-syncd that knows the secret, in a lab host of its own.

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

# flood HOST NAME ARG...: tests/ddns-flood ARG... in HOST, its figures in
# $D/NAME.stat (attempts A connected C closedbypeer P open O held H ...)
flood() {
	local h=$1 name=$2
	shift 2
	lab_spawn "$h" "$D/$name.out" "$VPNHA_TOP/tests/ddns-flood" \
	    -s "$D/$name.stat" "$@" >"$D/$name.pid"
}

# fig NAME WORD: the figure after WORD in $D/NAME.stat
fig() {
	awk -v w="$2" '{ for (i = 1; i < NF; i++) if ($i == w) print $(i + 1) }' \
	    "$D/$1.stat" 2>/dev/null
}

# atleast NAME WORD N: that figure is N or more
atleast() {
	local v
	v=$(fig "$1" "$2")
	[ -n "$v" ] && awk -v v="$v" -v n="$3" 'BEGIN { exit !(v >= n) }'
}

# done_flood NAME: a flood with -n has tried them all and none is open
done_flood() {
	! lab_alive "$(cat "$D/$1.pid")" && [ "$(fig "$1" open)" = 0 ]
}

# restart I J: node I stopped and started again while J runs; it joins J,
# and each sees the other up within 2 s of I's readiness
restart() {
	local i=$1 j=$2
	stop "$i"
	start "$i"
	run cat "$D/h$i.run/ddns/cluster"
	assert_output 'Joined existing ipsec-ddns cluster'
	lab_wait 2 member "$j" "$i" up
	lab_wait 2 member "$i" "$j" up
}

# pair [STATEMENT...]: h1 and h2 of a cluster of N (default 2) with a
# hold time of 3 s, each with a record the other holds
pair() {
	local n=${N:-2}
	conf 1 "$n" "hold-time 3" "$@"
	conf 2 "$n" "hold-time 3" "$@"
	start 1
	start 2
	lab_wait 5 member 1 2 up
	lab_wait 5 member 2 1 up
	ctl 1 up gw1 192.0.2.51 >/dev/null
	ctl 2 up gw2 192.0.2.52 >/dev/null
	lab_wait 2 has 2 gw1 192.0.2.51
	lab_wait 2 has 1 gw2 192.0.2.52
}

# kept: neither withdrew the other's records, both still hold both
kept() {
	run grep -hE 'peer 192\.0\.2\.1[12]: .*withdrawn' "$D/h1.log" "$D/h2.log"
	assert_output ''
	has 1 gw1 192.0.2.51 && has 1 gw2 192.0.2.52
	has 2 gw1 192.0.2.51 && has 2 gw2 192.0.2.52
}

# confx I SELF [PEER...]: $D/hI.conf with the cluster's secret and
# domain, self SELF, and the PEERs (an impostor's, or one with names)
confx() {
	local i=$1 self=$2 p
	shift 2
	{
		echo "set service ipsec-ddns self $self"
		for p; do echo "set service ipsec-ddns peer $p"; done
		echo "set service ipsec-ddns secret $SECRET"
		echo "set service ipsec-ddns domain $DOMAIN"
		echo "set service ipsec-ddns heartbeat 0.2"
		echo "set service ipsec-ddns join-time 1"
		echo "set service ipsec-ddns enable"
	} >"$D/h$i.conf"
}

# refused_or_forged WHY: h1 has the confx's record, or has logged
# "peer 192.0.2.13: WHY"
refused_or_forged() {
	grep -qF "warning: peer 192.0.2.13: $1" "$D/h1.log" || ctl 1 records | grep -q '^forged '
}

# lines I ADDRESS: warnings of node I that name ADDRESS, but for the ones
# about its own dials (unable to connect)
lines() {
	grep -F "warning: peer $2: " "$D/h$1.log" | grep -cv 'unable to connect' || :
}

@test "a stranger's idle connections: refused at once, logged a few times; two nodes that restart under them find each other and withdraw nothing" {
	lab_up 3
	pair
	# h3, 192.0.2.13, is in no self or peer statement: it keeps up to 100
	# idle connections to each node, 1,000 new ones a second
	flood h3 f -r 1000 -k 100 192.0.2.11 192.0.2.12
	lab_wait 5 atleast f attempts 500
	restart 2 1
	restart 1 2
	kept
	a=$(fig f attempts)
	lab_wait 5 atleast f attempts $((a + 500))
	kept
	# refused at once, not held until the opening's 1 s is up
	held=$(fig f held)
	awk -v h="$held" 'BEGIN { exit !(h < 0.9) }' || fail "a connection of the flood was held $held s"
	# each node says so, at the first and then at most once a while
	for i in 1 2; do
		grep -q 'warning: peer 192\.0\.2\.13: not a configured peer' "$D/h$i.log"
		n=$(lines "$i" 192.0.2.13)
		[ "$n" -ge 1 ] && [ "$n" -le 3 ] || fail "h$i: $n lines about 192.0.2.13 for $(fig f attempts) connections"
	done
	echo "# $(cat "$D/f.stat")" >&3
}

@test "idle connections from a configured node's own address: a few slots at most, the oldest evicted; the real nodes still find each other" {
	lab_up 3
	# h3 is a configured node whose daemon does not run; its host floods
	N=3 pair
	t0=${EPOCHSECONDS}
	flood h3 f -r 1000 -k 100 192.0.2.11 192.0.2.12
	lab_wait 5 atleast f attempts 500
	restart 2 1
	restart 1 2
	kept
	# lines about a source: 3 at first, then one each 10 s at most
	bound=$((3 + (EPOCHSECONDS - t0 + 9) / 10))
	for i in 1 2; do
		grep -q 'warning: peer 192\.0\.2\.13: evicted: 4 connections from its address not yet authenticated' "$D/h$i.log"
		n=$(lines "$i" 192.0.2.13)
		[ "$n" -le "$bound" ] || fail "h$i: $n lines about 192.0.2.13 in $((EPOCHSECONDS - t0)) s"
	done
}

@test "a connection that does not send its opening is closed after 1 s" {
	lab_up 3
	conf 1 3
	start 1
	# two connections a second, from a configured node's address
	flood h3 f -r 2 -k 2 192.0.2.11
	lab_wait 15 atleast f closedbypeer 4
	held=$(fig f held)
	echo "# held at most $held s" >&3
	awk -v h="$held" 'BEGIN { exit !(h >= 0.9 && h < 2) }' || fail "held $held s (the opening gets 1 s)"
	grep -q 'warning: peer 192\.0\.2\.13: handshake timed out' "$D/h1.log"
}

@test "a node with the secret on an unlisted address, claiming a configured node that is down: refused, logged with its address, publishes nothing" {
	lab_up 3
	conf 1 2
	# h3, at 192.0.2.13, says it is 192.0.2.12 (h2, not running)
	confx 3 192.0.2.12 192.0.2.11
	start 1
	start 3
	ctl 3 up forged 192.0.2.66 >/dev/null
	lab_wait 5 refused_or_forged 'not a configured peer'
	lacks 1 forged
	grep -q 'warning: peer 192\.0\.2\.13: not a configured peer' "$D/h1.log"
	member 1 2 down
	run grep 'peer 192\.0\.2\.12: up' "$D/h1.log"
	assert_output ''
}

@test "a configured node claiming to be another: refused, both sides say why, nothing published" {
	lab_up 3
	conf 1 3
	# h3 is configured on h1 as 192.0.2.13, but says it is 192.0.2.12
	confx 3 192.0.2.12 192.0.2.11
	start 1
	start 3
	ctl 3 up forged 192.0.2.66 >/dev/null
	lab_wait 5 refused_or_forged 'says it is 192.0.2.12: source address mismatch'
	lacks 1 forged
	grep -q 'warning: peer 192\.0\.2\.13: says it is 192\.0\.2\.12: source address mismatch' "$D/h1.log"
	lab_wait 5 grep -q 'warning: peer 192\.0\.2\.11: source address mismatch' "$D/h3.log"
	grep 'warning: self 192\.0\.2\.12 is not an address of this host' "$D/h3.log"
	member 1 2 down
	member 1 3 down
}

@test "400 openings without the secret: a few lines, each naming the source address, never the node claimed" {
	lab_up 4
	N=3 pair
	# from h3 (configured): claiming h2, then itself; from h4 (not)
	flood h3 f3 -r 400 -n 400 -o 192.0.2.12,192.0.2.13 -d "$DOMAIN" 192.0.2.11
	flood h4 f4 -r 400 -n 400 -o 192.0.2.12 -d "$DOMAIN" 192.0.2.11
	lab_wait 30 done_flood f3
	lab_wait 30 done_flood f4
	[ "$(fig f3 connected)" = 400 ] && [ "$(fig f4 connected)" = 400 ]
	# none names h2 (but for h1's own dials before h2 ran)
	[ "$(lines 1 192.0.2.12)" = 0 ] || fail "$(grep 'peer 192\.0\.2\.12: ' "$D/h1.log")"
	n3=$(lines 1 192.0.2.13)
	n4=$(lines 1 192.0.2.14)
	echo "# h1 logged $n3 lines about 192.0.2.13 and $n4 about 192.0.2.14 for 800 connections" >&3
	[ "$n3" -ge 1 ] && [ "$n3" -le 4 ] || fail "$n3 lines about 192.0.2.13"
	[ "$n4" -ge 1 ] && [ "$n4" -le 2 ] || fail "$n4 lines about 192.0.2.14"
	grep -q 'warning: peer 192\.0\.2\.13: authentication failed (wrong secret?)' "$D/h1.log"
	member 1 2 up
	kept
}

# accepted I ADDRESS: node I has a connection to its port from ADDRESS
accepted() {
	lab_exec "h$1" ss -Htn state established '( sport = :9100 )' dst "$2" | grep -q .
}

# up_as I ID: node I's members file says ID is up
up_as() {
	grep -q "^$2 up " "$D/h$1.run/ddns/members"
}

@test "IPv6: the cluster forms; a stranger is refused and named by its IPv6 address, one on IPv4 by its IPv4 address" {
	lab_up 3
	confx 1 2001:db8::11 2001:db8::12
	confx 2 2001:db8::12 2001:db8::11
	start 1
	start 2
	lab_wait 5 up_as 1 2001:db8::12
	lab_wait 5 up_as 2 2001:db8::11
	ctl 1 up gw6 2001:db8::51 >/dev/null
	lab_wait 2 has 2 gw6 2001:db8::51
	flood h3 f -r 200 -n 200 '[2001:db8::11]:9100' 192.0.2.11
	lab_wait 20 done_flood f
	grep -qx 'ddns-syncd: warning: peer 2001:db8::13: not a configured peer (no self or peer statement has its address); refused' "$D/h1.log"
	grep -qx 'ddns-syncd: warning: peer 192.0.2.13: not a configured peer (no self or peer statement has its address); refused' "$D/h1.log"
	up_as 1 2001:db8::12
}

@test "names: self and peer given as names with an IPv4 and an IPv6 address each; the cluster forms, a stranger is refused" {
	lab_up 3
	# names outside the domain: one under it would need a name-server
	# statement with its address (vpnha.conf(5), Rules)
	for i in 1 2; do
		echo "192.0.2.1$i h$i.nodes.example.net"
		echo "2001:db8::1$i h$i.nodes.example.net"
	done >"$D/hosts"
	confx 1 h1.nodes.example.net h2.nodes.example.net
	confx 2 h2.nodes.example.net h1.nodes.example.net
	HOSTS=$D/hosts start 1
	HOSTS=$D/hosts start 2
	lab_wait 5 up_as 1 h2.nodes.example.net
	lab_wait 5 up_as 2 h1.nodes.example.net
	ctl 2 up named 192.0.2.52 >/dev/null
	lab_wait 2 has 1 named 192.0.2.52
	run lab_exec h1 ss -Htn state established '( sport = :9100 or dport = :9100 )'
	echo "# the session: $(echo "$output" | awk '{ print $3, $4 }')" >&3
	# h2's name has both addresses: an opening from either, as h2, is
	# admitted, and fails only for want of the secret
	flood h2 f2 -n 2 -o h2.nodes.example.net -d "$DOMAIN" -t h1.nodes.example.net \
	    '[2001:db8::11]:9100' 192.0.2.11
	lab_wait 20 done_flood f2
	grep -q 'warning: peer 2001:db8::12: authentication failed' "$D/h1.log"
	grep -q 'warning: peer 192\.0\.2\.12: authentication failed' "$D/h1.log"
	flood h3 f -r 200 -n 200 '[2001:db8::11]:9100' 192.0.2.11
	lab_wait 20 done_flood f
	grep -q 'warning: peer 2001:db8::13: not a configured peer' "$D/h1.log"
	grep -q 'warning: peer 192\.0\.2\.13: not a configured peer' "$D/h1.log"
	run grep -E 'mismatch|h2\.nodes\.example\.net: .*not a configured' "$D/h1.log"
	assert_output ''
	up_as 1 h2.nodes.example.net
}

@test "a node whose self is a second address of its host connects from that address, not the one its route prefers" {
	lab_up 2
	# h2's self is 192.0.2.10, added to its eth0 after 192.0.2.12: its route
	# to h1 prefers 192.0.2.12.  192.0.2.10 is below 192.0.2.11, so the
	# connection kept is the one h2 dials.
	lab_exec h2 ip addr add 192.0.2.10/24 dev eth0
	confx 1 192.0.2.11 192.0.2.10
	confx 2 192.0.2.10 192.0.2.11
	start 1
	start 2
	lab_wait 5 up_as 1 192.0.2.10
	lab_wait 5 accepted 1 192.0.2.10
	# no refusal (only h1's dials before h2 ran)
	[ "$(lines 1 192.0.2.10)" = 0 ] && [ "$(lines 1 192.0.2.12)" = 0 ] || fail "$(cat "$D/h1.log")"
	run grep 'is not an address of this host' "$D/h2.log"
	assert_output ''
}
