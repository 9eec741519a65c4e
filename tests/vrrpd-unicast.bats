#!/usr/bin/env bats
# vrrpd(8) with peer-address and hello-source-address (UNICAST in the
# page) on a switch that drops multicast, as a public cloud's network
# does (tests/data/nft/mcast-drop.nft: every IPv4 multicast frame, every
# IPv6 one but ICMPv6, so that neighbour discovery still works).  A
# multicast group beside the unicast ones on the same hosts shows that
# the dropping works: there each host is master.  h1 = 192.0.2.11,
# h2 = .12, h3 = .13.

load helper
load lab/lab
load vrrp

VIP=192.0.2.100

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up 3
	mcast_drop
}

teardown() {
	lab_down
}

# mcast_drop: the switch forwards no multicast but neighbour discovery
mcast_drop() {
	lab_exec switch nft -f "$VPNHA_TOP/tests/data/nft/mcast-drop.nft"
}

# groups HOST PRIORITY PEER...: HOST's vpnha.conf of four groups on eth0
#   1  IPv4 v2, multicast (the control: no peer-address)
#   2  IPv4 v2, unicast to PEER (192.0.2.PEER), the primary address as source
#   3  IPv4 v3 0.1 s, unicast to 192.0.2.(PEER+50), from 192.0.2.(HOST+50)
#   4  IPv6 v3 0.1 s, unicast to 2001:db8::PEER, from 2001:db8::HOST
#   5  IPv6 v3 0.1 s, unicast to PEER's link-local address, from its own
# Extra statements for group 2 in the array G2.
groups() {
	local h=$1 p=$2 self e="set interfaces ethernet eth0 vrrp vrrp-group" x
	shift 2
	self=$((10 + ${h#h}))
	{
		echo "$e 1 virtual-address 192.0.2.100/24"
		echo "$e 2 virtual-address 192.0.2.101/24"
		echo "$e 3 virtual-address 192.0.2.102/24"
		echo "$e 3 version 3"
		echo "$e 3 advertise-interval 0.1"
		echo "$e 3 hello-source-address 192.0.2.$((self + 50))"
		echo "$e 4 virtual-address 2001:db8::104/64"
		echo "$e 4 advertise-interval 0.1"
		echo "$e 4 hello-source-address 2001:db8::$self"
		echo "$e 5 virtual-address 2001:db8::105/64"
		echo "$e 5 advertise-interval 0.1"
		for x in 1 2 3 4 5; do
			echo "$e $x priority $p"
		done
		for x in "$@"; do
			echo "$e 2 peer-address 192.0.2.$x"
			echo "$e 3 peer-address 192.0.2.$((x + 50))"
			echo "$e 4 peer-address 2001:db8::$x"
			echo "$e 5 peer-address fe80::ff:fe00:$((x - 10))"
		done
		for x in ${G2[@]+"${G2[@]}"}; do
			echo "$e 2 $x"
		done
	} >"$D/$h.conf"
}

# second HOST: the address group 3 sends from, beside the primary one
second() {
	lab_exec "$1" ip addr add "192.0.2.$((60 + ${1#h}))/24" dev eth0
}

states() {
	local h=$1 want=$2 v
	for v in 2 3 4 5; do
		is_state "$h" "$want" "eth0.$v" || return 1
	done
}

# unicast_pair: h1 (200) and h2 (100), their groups 1..5 started, h1
# master and h2 backup of the unicast ones
unicast_pair() {
	second h1
	second h2
	groups h1 200 12
	groups h2 100 11
	start h1
	start h2
	lab_wait 8 states h1 master
	lab_wait 8 states h2 backup
}

@test "multicast dropped: two masters of the multicast group, one master of each unicast group (IPv4 v2, v3; IPv6 global, link-local)" {
	unicast_pair
	# the control: multicast reaches no one, so each is master of group 1
	lab_wait 8 is_state h1 master eth0.1
	lab_wait 8 is_state h2 master eth0.1
	echo "# multicast group 1: h1 $(field h1 state eth0.1), h2 $(field h2 state eth0.1)" >&3
	# the backup names the master by the address it sends from
	[ "$(field h2 master_address eth0.2)" = 192.0.2.11 ]
	[ "$(field h2 master_address eth0.3)" = 192.0.2.61 ]
	[ "$(field h2 master_address eth0.4)" = 2001:db8::11 ]
	[ "$(field h2 master_address eth0.5)" = fe80::ff:fe00:1 ]
	[ "$(field h1 source_address eth0.3)" = 192.0.2.61 ]
	[ "$(field h1 hello_source_address eth0.3)" = 192.0.2.61 ]
	[ "$(field h1 hello_source_address eth0.2)" = "" ]
	[ "$(field h1 source_address eth0.2)" = 192.0.2.11 ]
	[ "$(field h1 peer_addresses eth0.4)" = 2001:db8::12 ]
	has_vip h1 192.0.2.101
	has_vip h1 192.0.2.102
	has_vip h1 2001:db8::104
	has_vip h1 2001:db8::105
	run ! has_vip h2 192.0.2.101
	run ! has_vip h2 2001:db8::104
	[ "$(field h2 drop_peer)" = 0 ]
	[ "$(field h2 drop_ttl)" = 0 ]
	[ "$(field h2 drop_checksum)" = 0 ]
	# vrrp-show: the peers, and the source a group sends from
	run vrrp-show -r "$D/h2.run" interface eth0
	assert_success
	assert_line 'Physical interface: eth0, Source Address 192.0.2.62'
	assert_line 'Unicast peers: 192.0.2.61'
	assert_line 'Unicast peers: 2001:db8::11'
	[ "$(grep -c '^Unicast peers:' <<<"$output")" = 4 ]
}

@test "unicast: SIGKILL of the master, the backup takes over; the master back takes over again (preempt)" {
	unicast_pair
	lab_kill "$(pid h1)" KILL
	lab_wait 8 states h2 master
	has_vip h2 192.0.2.101
	has_vip h2 2001:db8::104
	start h1
	lab_wait 8 states h1 master
	lab_wait 8 states h2 backup
	run ! has_vip h2 192.0.2.102
	[ "$(field h2 master_address eth0.3)" = 192.0.2.61 ]
	# h2 as master sent by unicast too: h1 heard it before it took over
	[ "$(field h1 adverts_received eth0.4)" -ge 1 ]
}

@test "an advert from an address not listed as peer-address is dropped (drop_peer), and changes nothing" {
	groups h1 200 12
	groups h2 100 11
	start h1
	start h2
	lab_wait 8 is_state h1 master eth0.2
	lab_wait 8 is_state h2 backup eth0.2
	t1=$(field h1 last_transition eth0.2)
	t2=$(field h2 last_transition eth0.2)
	# h3, priority 250, group 2 only, sends to both; neither lists it
	groups h3 250 11 12
	grep 'vrrp-group 2 ' "$D/h3.conf" >"$D/h3.2" && mv "$D/h3.2" "$D/h3.conf"
	start h3
	lab_wait 8 is_state h3 master eth0.2
	lab_wait 8 eval '[ "$(field h1 drop_peer eth0.2)" -ge 3 ]'
	lab_wait 8 eval '[ "$(field h2 drop_peer eth0.2)" -ge 3 ]'
	is_state h1 master eth0.2
	is_state h2 backup eth0.2
	[ "$(field h2 master_address eth0.2)" = 192.0.2.11 ]
	[ "$(field h1 last_transition eth0.2)" = "$t1" ]
	[ "$(field h2 last_transition eth0.2)" = "$t2" ]
	# the same h3, listed: h1 and h2 now back it up
	groups h1 200 12 13
	groups h2 100 11 13
	lab_kill "$(pid h1)" HUP
	lab_kill "$(pid h2)" HUP
	lab_wait 8 is_state h1 backup eth0.2
	lab_wait 8 is_state h2 backup eth0.2
	[ "$(field h2 master_address eth0.2)" = 192.0.2.13 ]
}

@test "reload adds and removes a peer-address and changes hello-source-address in place: no transition" {
	unicast_pair
	for v in 2 3 4 5; do
		t1[v]=$(field h1 last_transition "eth0.$v")
		t2[v]=$(field h2 last_transition "eth0.$v")
	done
	s=$(field h1 adverts_sent eth0.3)
	# add a peer on both sides
	groups h1 200 12 13
	groups h2 100 11 13
	lab_kill "$(pid h1)" HUP
	lab_kill "$(pid h2)" HUP
	lab_wait 5 grep -q 'vrid 3: peer-address 192.0.2.62 -> 192.0.2.62 192.0.2.63' "$D/h1.log"
	lab_wait 5 grep -q 'vrid 4: peer-address 2001:db8::11 -> 2001:db8::11 2001:db8::13' "$D/h2.log"
	lab_wait 5 grep -q 'reloaded .*, 0 added, 0 restarted, 0 removed' "$D/h2.log"
	[ "$(field h1 peer_addresses eth0.2)" = "192.0.2.12 192.0.2.13" ]
	# remove it again; h2 lists h1's second address too, then h1 sends
	# group 2 from it
	groups h2 100 11
	echo 'set interfaces ethernet eth0 vrrp vrrp-group 2 peer-address 192.0.2.61' >>"$D/h2.conf"
	lab_kill "$(pid h2)" HUP
	lab_wait 5 grep -q 'vrid 2: peer-address 192.0.2.11 192.0.2.13 -> 192.0.2.11 192.0.2.61' "$D/h2.log"
	G2=('hello-source-address 192.0.2.61')
	groups h1 200 12
	lab_kill "$(pid h1)" HUP
	lab_wait 5 grep -q 'vrid 2: hello-source-address (none) -> 192.0.2.61' "$D/h1.log"
	lab_wait 5 eval '[ "$(field h2 master_address eth0.2)" = 192.0.2.61 ]'
	[ "$(field h1 master_address eth0.2)" = 192.0.2.61 ]
	lab_wait 5 eval '[ "$(field h1 adverts_sent eth0.3)" -ge $((s + 20)) ]'
	for v in 2 3 4 5; do
		is_state h1 master "eth0.$v"
		is_state h2 backup "eth0.$v"
		[ "$(field h1 last_transition "eth0.$v")" = "${t1[v]}" ]
		[ "$(field h2 last_transition "eth0.$v")" = "${t2[v]}" ]
	done
	# only the start's init -> backup, once a group
	run grep -c 'vrid [2-5]: .*\(restarting\|-> master\|-> backup\)' "$D/h2.log"
	[ "$output" = 4 ]
	[ "$(field h2 drop_peer)" = 0 ]
}

# part HOST on|off: stop or restore forwarding on HOST's switch port
part() {
	lab_exec switch bridge link set dev "$1-eth0" state "$([ "$2" = on ] && echo 0 || echo 3)"
}

# deaf HOST: the switch drops HOST's VRRP packets; HOST still hears others
deaf() {
	cat >"$D/deaf.nft" <<-EOF
	table bridge deaf {
		chain forward {
			type filter hook forward priority 0;
			iifname "$1-eth0" ip protocol 112 drop
		}
	}
	EOF
	lab_exec switch nft -f "$D/deaf.nft"
}

@test "equal priorities: a master yields only to a higher address than its hello-source-address (RFC 5798 6.4.3)" {
	second h1
	local e="set interfaces ethernet eth0 vrrp vrrp-group" v
	# group 2: h1 sends from 192.0.2.61, above h2's 192.0.2.12; group 3,
	# the control: h1 from its primary 192.0.2.11, below
	for v in 2 3; do
		printf '%s\n' "$e $v virtual-address 192.0.2.10$v/24" \
		    "$e $v version 3" "$e $v advertise-interval 0.1" \
		    "$e $v peer-address 192.0.2.12"
	done >"$D/h1.conf"
	echo "$e 2 hello-source-address 192.0.2.61" >>"$D/h1.conf"
	printf '%s\n' "$e 2 virtual-address 192.0.2.102/24" "$e 2 version 3" \
	    "$e 2 advertise-interval 0.1" "$e 2 peer-address 192.0.2.61" \
	    "$e 3 virtual-address 192.0.2.103/24" "$e 3 version 3" \
	    "$e 3 advertise-interval 0.1" "$e 3 peer-address 192.0.2.11" >"$D/h2.conf"
	part h1 on
	start h1
	start h2
	for v in 2 3; do
		lab_wait 5 is_state h1 master "eth0.$v"
		lab_wait 5 is_state h2 master "eth0.$v"
	done
	# h1 hears h2's adverts, h2 none of h1's: h1 alone decides, so that
	# the outcome cannot depend on who heard whom first
	deaf h1
	part h1 off
	lab_wait 5 is_state h1 backup eth0.3
	r=$(field h1 adverts_received eth0.2)
	lab_wait 5 eval '[ "$(field h1 adverts_received eth0.2)" -ge $((r + 10)) ]'
	is_state h1 master eth0.2
	[ "$(field h1 master_address eth0.3)" = 192.0.2.12 ]
	run grep -c 'vrid 2: master -> backup' "$D/h1.log"
	[ "$output" = 0 ]
}
