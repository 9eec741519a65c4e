#!/usr/bin/env bats
# vrrpd(8) rfc3768-compatibility: the virtual MAC on a macvlan interface
# (true) or the interface's own MAC (false), seen on the wire by tshark,
# in the switch's forwarding table and in a third host's neighbour table.
# h1 = 192.0.2.11 (master, 150), h2 = .12 (backup, 100), h3 = .13 asks.

load helper
load lab/lab
load vrrp

VIP=192.0.2.100
VMAC=00:00:5e:00:01:01

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up 3
}

teardown() {
	lab_down
}

# tshark FILTER FIELD...: one line per matching frame of $D/wire.pcap
frames() {
	local filter=$1 f
	local -a e=()
	shift
	for f in "$@"; do
		e+=(-e "$f")
	done
	tshark -r "$D/wire.pcap" -Y "$filter" -T fields -E separator='|' "${e[@]}" 2>/dev/null
}

# port MAC: the switch port (hN-eth0) that has learnt MAC
port() {
	lab_exec switch bridge fdb show br br0 | awk -v m="$1" '$1 == m { print $3; exit }'
}

# vmac HOST: the virtual-MAC interface of HOST's group, from its status file
vmac() {
	field "$1" vmac_interface
}

@test "rfc3768-compatibility true: the address on a macvlan with 00:00:5e:00:01:VRID; adverts and ARP from it" {
	group h1 150 'rfc3768-compatibility true'
	group h2 100 'rfc3768-compatibility true'
	lab_capture eth0 "$D/wire.pcap"
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 backup
	sleep 1.5
	lab_capture_stop
	# both hosts have the interface; only the master has the address on it
	for h in h1 h2; do
		n=$(vmac "$h")
		[ -n "$n" ] || fail "$h: no vmac_interface in the status file"
		[ "$(field "$h" vmac_address)" = "$VMAC" ]
		run lab_exec "$h" ip -d -o link show dev "$n"
		assert_output --partial "link/ether $VMAC"
		assert_output --partial 'macvlan mode bridge'
		assert_output --partial '@eth0'
		assert_output --partial 'addrgenmode none'
	done
	run lab_exec h1 ip -o addr show dev "$(vmac h1)"
	assert_output --partial "$VIP/24"
	run lab_exec h1 ip -o addr show dev eth0
	refute_output --partial "$VIP"
	run ! has_vip h2
	# the parent no longer answers ARP for addresses that are not its own
	[ "$(lab_exec h1 cat /proc/sys/net/ipv4/conf/eth0/arp_ignore)" = 1 ]
	# on the wire: adverts and gratuitous ARP from the virtual MAC, and
	# nothing at all from it but the master's
	run frames vrrp eth.src ip.src vrrp.prio
	assert_success
	[ "${#lines[@]}" -ge 2 ]
	for l in "${lines[@]}"; do
		[ "$l" = "$VMAC|192.0.2.11|150" ] || fail "advert: $l"
	done
	run frames "arp.isgratuitous && arp.src.proto_ipv4 == $VIP" eth.src arp.src.hw_mac
	assert_line "$VMAC|$VMAC"
	run frames "eth.src == $VMAC" ip.src arp.src.proto_ipv4
	for l in "${lines[@]}"; do
		case $l in
		"192.0.2.11|" | "|$VIP") ;;
		*) fail "from the virtual MAC, not a master's advert or ARP: $l" ;;
		esac
	done
	# a third host reaches the address at the virtual MAC, behind h1's port
	lab_exec h3 ping -n -c 1 -W 2 "$VIP" >/dev/null
	[ "$(neigh h3 "$VIP")" = "$VMAC" ]
	[ "$(port "$VMAC")" = "$LAB-h1-eth0" ] || [ "$(port "$VMAC")" = h1-eth0 ]
}

@test "rfc3768-compatibility true: after a failover h3's ARP entry still holds; the switch moved the MAC to h2" {
	group h1 150 'rfc3768-compatibility true'
	group h2 100 'rfc3768-compatibility true'
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 backup
	lab_exec h3 ping -n -c 1 -W 2 "$VIP" >/dev/null
	[ "$(neigh h3 "$VIP")" = "$VMAC" ]
	lab_capture eth0 "$D/wire.pcap"
	lab_kill "$(pid h1)" TERM
	lab_wait 3 is_state h2 master
	lab_wait 3 ! lab_alive "$(pid h1)"
	sleep 0.3
	lab_capture_stop
	# h1 removed its interface and gave eth0 its arp_ignore back
	run lab_exec h1 ip -o link show
	refute_output --partial "$VMAC"
	[ "$(lab_exec h1 cat /proc/sys/net/ipv4/conf/eth0/arp_ignore)" = 0 ]
	run lab_exec h2 ip -o addr show dev "$(vmac h2)"
	assert_output --partial "$VIP/24"
	run frames "arp.isgratuitous && arp.src.proto_ipv4 == $VIP" eth.src arp.src.hw_mac
	assert_line "$VMAC|$VMAC"
	run frames vrrp ip.src eth.src vrrp.prio
	assert_line "192.0.2.11|$VMAC|0"
	assert_line "192.0.2.12|$VMAC|100"
	# the entry h3 had is still right: only h2 can answer now
	lab_exec h3 ping -n -c 1 -W 2 "$VIP" >/dev/null
	[ "$(neigh h3 "$VIP")" = "$VMAC" ]
	p=$(port "$VMAC")
	[ "$p" = "$LAB-h2-eth0" ] || [ "$p" = h2-eth0 ] || fail "switch has $VMAC on '$p'"
}

@test "rfc3768-compatibility false: the interface's own MAC on the wire; after a failover h3's entry points at h2" {
	group h1 150 'rfc3768-compatibility false'
	group h2 100 'rfc3768-compatibility false'
	lab_capture eth0 "$D/wire.pcap"
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 backup
	lab_exec h3 ping -n -c 1 -W 2 "$VIP" >/dev/null
	[ "$(neigh h3 "$VIP")" = "$(lab_mac h1 eth0)" ]
	lab_kill "$(pid h1)" TERM
	lab_wait 3 is_state h2 master
	sleep 0.3
	lab_capture_stop
	[ -z "$(field h2 vmac_interface)" ]
	run lab_exec h2 ip -o link show
	refute_output --partial 00:00:5e:00:01
	run frames vrrp ip.src eth.src
	assert_line "192.0.2.11|$(lab_mac h1 eth0)"
	assert_line "192.0.2.12|$(lab_mac h2 eth0)"
	refute_output --partial "$VMAC"
	run frames "arp.isgratuitous && arp.src.proto_ipv4 == $VIP" eth.src arp.src.hw_mac
	assert_line "$(lab_mac h1 eth0)|$(lab_mac h1 eth0)"
	assert_line "$(lab_mac h2 eth0)|$(lab_mac h2 eth0)"
	# the gratuitous ARP moved h3's entry
	lab_wait 3 eval '[ "$(neigh h3 "$VIP")" = "$(lab_mac h2 eth0)" ]'
	lab_exec h3 ping -n -c 1 -W 2 "$VIP" >/dev/null
}

@test "rfc3768-compatibility true, VRRPv3 and IPv6: 00:00:5e:00:02:VRID, adverts from the link-local address, NA with the virtual MAC" {
	for h in h1 h2; do
		cat >"$D/$h.conf" <<-EOF
		set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 2001:db8::100/64
		set interfaces ethernet eth0 vrrp vrrp-group 1 priority $([ $h = h1 ] && echo 150 || echo 100)
		set interfaces ethernet eth0 vrrp vrrp-group 1 advertise-interval 0.1
		set interfaces ethernet eth0 vrrp vrrp-group 1 rfc3768-compatibility true
		EOF
	done
	lab_capture eth0 "$D/wire.pcap"
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 backup
	sleep 0.5
	lab_exec h3 ping -6 -n -c 1 -W 2 2001:db8::100 >/dev/null
	lab_capture_stop
	vm6=00:00:5e:00:02:01
	[ "$(field h1 vmac_address)" = $vm6 ]
	run lab_exec h1 ip -o addr show dev "$(vmac h1)"
	assert_output --partial 2001:db8::100/64
	refute_output --partial fe80::
	ll=$(lab_exec h1 ip -6 -o addr show dev eth0 scope link | awk '{ sub("/.*", "", $4); print $4 }')
	run frames vrrp eth.src ipv6.src vrrp.version
	assert_success
	[ "${#lines[@]}" -ge 5 ]
	for l in "${lines[@]}"; do
		[ "$l" = "$vm6|$ll|3" ] || fail "advert: $l (want $vm6|$ll|3)"
	done
	run frames 'icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8::100 && icmpv6.nd.na.flag.s == 0' eth.src icmpv6.opt.linkaddr
	assert_line "$vm6|$vm6"
	[ "$(neigh h3 2001:db8::100)" = $vm6 ]
}

@test "a virtual-MAC interface left by a SIGKILLed vrrpd is removed at restart; one deleted under a master is made again" {
	group h1 150 'rfc3768-compatibility true'
	start h1
	lab_wait 6 is_state h1 master
	n=$(vmac h1)
	kill -s KILL "$(pid h1)"
	lab_wait 3 ! lab_alive "$(pid h1)"
	run lab_exec h1 ip -o addr show dev "$n"
	assert_output --partial "$VIP"
	start h1
	# the killed run's status file says master until the new run writes
	lab_wait 6 eval '[ "$(field h1 pid)" = "$(pid h1)" ] && is_state h1 master'
	grep -q "removing interface $n, left by an earlier run" "$D/h1.log"
	[ "$(lab_exec h1 ip -o link show | grep -c "$VMAC")" = 1 ]
	has_vip h1
	# an operator deletes it: vrrpd makes it again and puts the address back
	lab_exec h1 ip link del "$n"
	lab_wait 3 eval 'lab_exec h1 ip -o addr show dev "$n" 2>/dev/null | grep -q "$VIP"'
	grep -q "virtual MAC $VMAC on $n" "$D/h1.log"
	lab_exec h3 ping -n -c 1 -W 2 "$VIP" >/dev/null
	[ "$(neigh h3 "$VIP")" = "$VMAC" ]
}
