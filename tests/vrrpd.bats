#!/usr/bin/env bats
# vrrpd(8) and vrrp-show(8) with real packets between hosts in network
# namespaces (tests/lab/).  h1 = 192.0.2.11, h2 = .12, h3 = .13; the
# virtual address is 192.0.2.100.  Times are printed, not judged by the
# clock alone: the bounds come from the RFC, with a margin for the
# sanitizer build.

load helper
load lab/lab
load vrrp

VIP=192.0.2.100

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up 3
}

teardown() {
	lab_down
}

@test "election by priority: the highest of three is master, the others back it up" {
	group h1 150
	group h2 250
	group h3 200
	start h1
	start h2
	start h3
	lab_wait 6 is_state h2 master
	lab_wait 2 is_state h1 backup
	lab_wait 2 is_state h3 backup
	has_vip h2
	run ! has_vip h1
	run ! has_vip h3
	# backups name the master as heard
	[ "$(field h1 master_address)" = 192.0.2.12 ]
	[ "$(field h3 master_priority)" = 250 ]
}

# part HOST on|off: stop or restore forwarding on HOST's switch port; the
# host keeps its carrier, so it sees no link change, only silence
part() {
	lab_exec switch bridge link set dev "$1-eth0" state "$([ "$2" = on ] && echo 0 || echo 3)"
}

@test "equal priorities: the higher primary address wins when two masters meet" {
	group h1 100 'advertise-interval 0.1' 'version 3'
	group h2 100 'advertise-interval 0.1' 'version 3'
	part h1 on
	start h1
	start h2
	lab_wait 3 is_state h1 master
	lab_wait 3 is_state h2 master
	part h1 off
	lab_wait 3 is_state h1 backup
	sleep 1
	is_state h2 master
	is_state h1 backup
	run ! has_vip h1
	# a running master is not preempted by an equal priority, even from a
	# higher address
	lab_kill "$(pid h2)" KILL
	lab_wait 2 is_state h1 master
	start h2
	lab_wait 3 is_state h2 backup
	sleep 1
	is_state h1 master
	is_state h2 backup
}

@test "the address owner (priority 255) is master at once and keeps its own address" {
	cat >"$D/h1.conf" <<-EOF
	set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.11/24
	set interfaces ethernet eth0 vrrp vrrp-group 1 priority 255
	EOF
	cat >"$D/h2.conf" <<-EOF
	set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.11/24
	set interfaces ethernet eth0 vrrp vrrp-group 1 priority 100
	EOF
	start h1
	lab_wait 1 is_state h1 master
	grep -q 'init -> master' "$D/h1.log"
	start h2
	lab_wait 6 is_state h2 backup
	lab_wait 3 eval '[ "$(field h2 master_priority)" = 255 ]'
	lab_kill "$(pid h1)" TERM
	lab_wait 3 is_state h2 master
	lab_wait 3 ! lab_alive "$(pid h1)"
	has_vip h1 192.0.2.11
}

@test "preempt true: a late higher priority takes over" {
	group h1 100 'preempt true'
	group h2 200 'preempt true'
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 master
	lab_wait 2 is_state h1 backup
	has_vip h2
	run ! has_vip h1
}

@test "preempt false: a late higher priority waits until the master fails" {
	group h1 100 'preempt false'
	group h2 200 'preempt false'
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 backup
	sleep 4.5	# more than Master_Down_Interval
	is_state h1 master
	is_state h2 backup
	lab_kill "$(pid h1)" KILL
	lab_wait 5 is_state h2 master
}

@test "master killed: the backup holds the address within Master_Down_Interval" {
	pair 150 100
	lab_exec h3 ping -c 1 -W 1 "$VIP"
	[ "$(neigh h3 "$VIP")" = "$(lab_mac h1 eth0)" ]
	t0=$(now)
	lab_kill "$(pid h1)" KILL
	lab_wait 6 has_vip h2
	t1=$(now)
	took=$(elapsed "$t0" "$t1")
	# Master_Down_Interval = 3 * 1 + (256 - 100) / 256 = 3.609 s
	echo "# SIGKILL -> backup holds the address after $took s (bound 3.609 s)" >&3
	within 3.9 "$took"
	lab_wait 2 is_state h2 master
	# the gratuitous ARP moved h3's entry; an ARP request gets h2's MAC
	lab_wait 3 eval '[ "$(neigh h3 "$VIP")" = "$(lab_mac h2 eth0)" ]'
	lab_exec h3 arping -c 1 -w 2 -I eth0 "$VIP" | grep -qi "$(lab_mac h2 eth0)"
}

@test "master stopped with SIGTERM: priority 0 on the wire, takeover after Skew_Time" {
	pair 150 100
	lab_capture eth0 "$D/wire.pcap"
	sleep 0.2
	t0=$(now)
	lab_kill "$(pid h1)" TERM
	lab_wait 3 has_vip h2
	t1=$(now)
	took=$(elapsed "$t0" "$t1")
	# Skew_Time = (256 - 100) / 256 = 0.609 s
	echo "# SIGTERM -> backup holds the address after $took s (bound 0.609 s)" >&3
	within 0.9 "$took"
	lab_wait 3 ! lab_alive "$(pid h1)"
	run ! has_vip h1
	lab_capture_stop
	run --separate-stderr tshark -r "$D/wire.pcap" -Y 'vrrp.prio == 0' -T fields -e ip.src
	assert_success
	assert_line 192.0.2.11
	grep -q 'vrrpd: stopped' "$D/h1.log"
}

@test "the guide's forced failover by control socket: 150/100, the backup raised to 200" {
	pair 150 100 'preempt true'
	run ctl h2 priority eth0 1 200
	assert_output ok
	[ "$(field h2 priority)" = 200 ]
	[ "$(field h2 config_priority)" = 100 ]
	t0=$(now)
	lab_wait 6 is_state h2 master
	took=$(elapsed "$t0" "$(now)")
	# fast-preempt (the default): on the master's next advert, at most
	# one interval later; by the RFC's timer alone (fast-preempt false) up
	# to Master_Down_Interval of priority 100: 3.609 s
	echo "# raised to 200 -> master after $took s (bound 1 s; RFC timer 3.609 s)" >&3
	within 1.3 "$took"
	lab_wait 2 is_state h1 backup
	run ctl h2 restore eth0 1
	assert_output ok
	[ "$(field h2 priority)" = 100 ]
}

@test "the guide's forced failover by control socket: the master lowered to 50" {
	pair 150 100 'preempt true'
	run ctl h1 priority eth0 1 50
	assert_output ok
	lab_wait 6 is_state h2 master
	lab_wait 2 is_state h1 backup
}

@test "forced failover without preemption does nothing (the guide)" {
	pair 150 100 'preempt false'
	run ctl h2 priority eth0 1 200
	assert_output ok
	sleep 5
	is_state h1 master
	is_state h2 backup
}

@test "forced failover by SIGHUP with an edited file; a broken file is refused" {
	pair 150 100 'preempt true'
	cp "$D/h2.conf" "$D/h2.good"
	echo 'set interfaces ethernet eth0 vrrp vrrp-group 1 prioritty 200' >>"$D/h2.conf"
	lab_kill "$(pid h2)" HUP
	lab_wait 3 grep -q 'reload: .*h2.conf:4: unknown word "prioritty"' "$D/h2.log"
	grep -q 'keeping the running configuration' "$D/h2.log"
	lab_alive "$(pid h2)"
	group h2 200 'preempt true'
	lab_kill "$(pid h2)" HUP
	lab_wait 6 is_state h2 master
	lab_wait 2 is_state h1 backup
	[ "$(field h2 config_priority)" = 200 ]
}

@test "VRRPv3 at 0.05 s with an IPv6 address, and v3 IPv4 beside it" {
	for h in h1 h2; do
		p=$([ $h = h1 ] && echo 200 || echo 100)
		cat >"$D/$h.conf" <<-EOF
		set interfaces ethernet eth0 vrrp vrrp-group 6 virtual-address fe80::100/64
		set interfaces ethernet eth0 vrrp vrrp-group 6 virtual-address 2001:db8::100/64
		set interfaces ethernet eth0 vrrp vrrp-group 6 advertise-interval 0.05
		set interfaces ethernet eth0 vrrp vrrp-group 6 priority $p
		set interfaces ethernet eth0 vrrp vrrp-group 4 virtual-address $VIP/24
		set interfaces ethernet eth0 vrrp vrrp-group 4 version 3
		set interfaces ethernet eth0 vrrp vrrp-group 4 advertise-interval 0.05
		set interfaces ethernet eth0 vrrp vrrp-group 4 priority $p
		EOF
	done
	start h1
	start h2
	lab_wait 3 is_state h1 master eth0.6
	lab_wait 3 is_state h2 backup eth0.6
	lab_wait 3 is_state h1 master eth0.4
	[ "$(field h1 version eth0.6)" = 3 ]
	[ "$(field h1 advert_interval eth0.6)" = 0.05 ]
	has_vip h1 2001:db8::100
	lab_exec h3 ping -6 -c 1 -W 1 2001:db8::100
	t0=$(now)
	lab_kill "$(pid h1)" KILL
	lab_wait 3 has_vip h2 2001:db8::100
	took=$(elapsed "$t0" "$(now)")
	# 3 * 0.05 + (256 - 100) * 0.05 / 256 = 0.180 s
	echo "# v3 0.05 s: SIGKILL -> IPv6 address on the backup after $took s (bound 0.180 s)" >&3
	within 0.5 "$took"
	lab_wait 3 eval 'lab_exec h3 ip -6 neigh show 2001:db8::100 | grep -q "$(lab_mac h2 eth0)"'
}

@test "tshark decodes every advert as valid VRRP with a good checksum (v2 and v3, IPv4 and IPv6)" {
	cat >"$D/h1.conf" <<-EOF
	set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address $VIP/24
	set interfaces ethernet eth0 vrrp vrrp-group 2 virtual-address 192.0.2.102/24
	set interfaces ethernet eth0 vrrp vrrp-group 2 version 3
	set interfaces ethernet eth0 vrrp vrrp-group 2 advertise-interval 0.1
	set interfaces ethernet eth0 vrrp vrrp-group 3 virtual-address 2001:db8::103/64
	set interfaces ethernet eth0 vrrp vrrp-group 3 advertise-interval 0.1
	EOF
	lab_capture eth0 "$D/wire.pcap"
	start h1
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h1 master eth0.2
	lab_wait 3 is_state h1 master eth0.3
	sleep 1.2
	lab_capture_stop
	run --separate-stderr tshark -r "$D/wire.pcap" -o ip.check_checksum:TRUE -Y vrrp -T fields -E separator='|' \
	    -e vrrp.version -e vrrp.virt_rtr_id -e vrrp.prio -e ip.ttl -e ipv6.hlim \
	    -e vrrp.checksum.status -e ip.dst -e ipv6.dst
	assert_success
	n=0
	while IFS='|' read -r ver vrid prio ttl hlim ck dst4 dst6; do
		n=$((n + 1))
		[ "$ck" = 1 ] || fail "bad checksum: $ver $vrid"
		[ "$prio" = 100 ]
		[ "${ttl}${hlim}" = 255 ]
		case $vrid in
		1) [ "$ver" = 2 ] && [ "$dst4" = 224.0.0.18 ] ;;
		2) [ "$ver" = 3 ] && [ "$dst4" = 224.0.0.18 ] ;;
		3) [ "$ver" = 3 ] && [ "$dst6" = ff02::12 ] ;;
		*) fail "unexpected vrid $vrid" ;;
		esac
	done <<<"$output"
	echo "# $n adverts decoded" >&3
	[ "$(grep -c '^2|1|' <<<"$output")" -ge 1 ]
	[ "$(grep -c '^3|2|' <<<"$output")" -ge 5 ]
	[ "$(grep -c '^3|3|' <<<"$output")" -ge 5 ]
	# and the gratuitous ARP and the unsolicited NA
	run --separate-stderr tshark -r "$D/wire.pcap" -Y "arp.isgratuitous && arp.src.proto_ipv4 == $VIP" -T fields -e arp.src.hw_mac
	assert_line "$(lab_mac h1 eth0)"
	run --separate-stderr tshark -r "$D/wire.pcap" -Y 'icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8::103' -T fields -e icmpv6.nd.na.flag.o
	assert_line --regexp '^(1|True)$'
}

@test "bad packets are dropped and counted; the state does not change; the daemon lives" {
	group h1 150
	start h1
	lab_wait 6 is_state h1 master
	lab_exec h3 /usr/bin/python3 - <<-'PY'
	from scapy.all import Ether, IP, Raw, sendp, conf, get_if_hwaddr
	import struct
	conf.verb = 0
	def cksum(b):
	    if len(b) % 2: b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16: s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	def v2(vrid=1, prio=254, ver=2, fix=True):
	    b = bytearray(struct.pack("!BBBBBBH4s8s", ver << 4 | 1, vrid, prio, 1, 0, 1, 0,
	                              bytes([192, 0, 2, 100]), b"\0" * 8))
	    if fix: b[6:8] = struct.pack("!H", cksum(bytes(b)))
	    return bytes(b)
	ip = dict(src="192.0.2.13", dst="224.0.0.18", proto=112)
	pkts = [
	    IP(ttl=64, **ip) / Raw(v2()),                  # TTL not 255
	    IP(ttl=255, **ip) / Raw(v2(fix=False)),        # bad checksum
	    IP(ttl=255, **ip) / Raw(v2()[:6]),             # short
	    IP(ttl=255, **ip) / Raw(v2(ver=4)),            # version 4
	    IP(ttl=255, **ip) / Raw(v2(ver=3)),            # v3 to a v2 group
	    IP(ttl=255, **ip) / Raw(v2(vrid=42)),          # unknown VRID
	    IP(ttl=255, **ip) / Raw(bytes(range(37))),     # garbage
	]
	for p in pkts:
	    sendp(Ether(src=get_if_hwaddr("eth0"), dst="01:00:5e:00:00:12") / p,
	          iface="eth0")
	PY
	lab_wait 3 eval '[ "$(field h1 drop_vrid)" -ge 1 ]'
	[ "$(field h1 drop_ttl)" -ge 1 ]
	[ "$(field h1 drop_checksum)" -ge 1 ]
	[ "$(field h1 drop_length)" -ge 2 ]
	[ "$(field h1 drop_version)" -ge 2 ]
	is_state h1 master
	lab_alive "$(pid h1)"
	has_vip h1
}

@test "the same addresses listed in another order are the same group; other addresses are dropped and logged once" {
	group h1 150 'virtual-address 192.0.2.101/24'
	{
		echo "set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.101/24"
		echo "set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address $VIP/24"
		echo "set interfaces ethernet eth0 vrrp vrrp-group 1 priority 100"
	} >"$D/h2.conf"
	start h1
	lab_wait 6 is_state h1 master
	start h2
	lab_wait 6 is_state h2 backup
	sleep 4		# longer than Master_Down_Interval: h2 hears h1
	is_state h2 backup
	[ "$(field h2 drop_addresses)" = 0 ]
	[ "$(field h2 adverts_received)" -ge 3 ]
	group h3 100 'virtual-address 192.0.2.102/24'
	start h3
	lab_wait 6 eval '[ "$(field h3 drop_addresses)" -ge 2 ]'
	[ "$(grep -c 'other virtual addresses than ours' "$D/h3.log")" = 1 ]
}

@test "a v2 plaintext password, only as an explicit option: same password elects, another is dropped" {
	group h1 150 'authentication password s3cret12'
	group h2 100 'authentication type plaintext-password' 'authentication password s3cret12'
	start h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
	[ "$(field h2 auth_type)" = plaintext-password ]
	grep -q 'protects against nothing' "$D/h1.log"
	# on the wire, in the clear, as RFC 2338 has it
	lab_capture eth0 "$D/wire.pcap"
	sleep 1.2
	lab_capture_stop
	run --separate-stderr tshark -r "$D/wire.pcap" -Y vrrp -T fields -e vrrp.auth_type -e vrrp.auth_string
	assert_line --regexp '^1	s3cret12$'
	# a router with another password (or none) is not heard
	lab_kill "$(pid h2)" TERM
	lab_wait 3 ! lab_alive "$(pid h2)"
	group h2 200 'authentication password other'
	start h2
	lab_wait 6 is_state h2 master
	lab_wait 3 eval '[ "$(field h2 drop_auth)" -ge 1 ]'
	is_state h1 master
	[ "$(field h1 drop_auth)" -ge 1 ] || lab_wait 2 eval '[ "$(field h1 drop_auth)" -ge 1 ]'
	# and v3 has no authentication at all
	group h3 100 'version 3' 'authentication password x'
	run vrrpd -f "$D/h3.conf" -r "$D/h3.run"
	assert_failure 100
	assert_output --partial 'authentication exists only in version 2'
}

@test "vrrp-show prints the guide's formats, field for field" {
	group h1 250 'preempt true' 'sync-group ACM'
	group h2 200 'preempt true' 'sync-group ACM'
	start h1
	start h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
	run vrrp-show -r "$D/h1.run" interface eth0
	assert_success
	assert_line --index 0 'Physical interface: eth0, Source Address 192.0.2.11'
	assert_line --index 1 'Interface state: up, Group 1, State: master'
	assert_line --index 2 'Priority: 250, Advertisement interval: 1, Authentication type: none'
	assert_line --index 3 "Preempt: true, VIP count: 1, VIP: $VIP/24"
	assert_line --index 4 'Master router: 192.0.2.11'
	assert_line --index 5 'Sync-group: ACM'
	assert_line --index 6 --regexp '^Last transition: ([0-9]+[wdhm])*[0-9]+s$'
	[ "${#lines[@]}" -eq 7 ]
	run vrrp-show -r "$D/h2.run" interface eth0
	assert_success
	assert_line --index 1 'Interface state: up, Group 1, State: backup'
	assert_line --index 2 'Priority: 200, Advertisement interval: 1, Authentication type: none'
	assert_line --index 4 'Master router: 192.0.2.11, Master Priority: 250'
	run vrrp-show -r "$D/h1.run" summary
	assert_success
	assert_line --index 0 --regexp '^Interface +VRRP Group +Addr Type +Address +Interface State +VRRP State$'
	assert_line --index 1 --regexp "^eth0 +1 +vip +$VIP/24 +up +master$"
	run vrrp-show -r "$D/h2.run" interface eth9
	assert_failure 1
}

@test "after opening its sockets only CAP_NET_RAW and CAP_NET_ADMIN remain" {
	group h1 150
	start h1
	lab_wait 6 is_state h1 master
	run grep -E '^Cap(Eff|Prm):' "/proc/$(pid h1)/status"
	assert_line --regexp '^CapEff:[[:space:]]+0000000000003000$'
	assert_line --regexp '^CapPrm:[[:space:]]+0000000000003000$'
}

@test "-g GROUP: the control socket is 0660 and the group's; without it 0600; an unknown group exits 100" {
	group h1 150
	start h1
	run stat -c '%a %U %G' "$D/h1.run/vrrpd/control"
	assert_output '600 root root'
	lab_kill "$(pid h1)"
	lab_wait 5 ! lab_alive "$(pid h1)"
	start h1 -g nogroup
	run stat -c '%a %U %G' "$D/h1.run/vrrpd/control"
	assert_output '660 root nogroup'
	run vrrpd -f "$D/h1.conf" -r "$D/other" -g no-such-group-here
	assert_failure 100
	assert_output --partial '-g no-such-group-here: no such group'
}

@test "a predecessor's addresses left by SIGKILL are removed before Backup" {
	group h1 150
	group h2 100
	start h1
	lab_wait 6 is_state h1 master
	lab_kill "$(pid h1)" KILL
	lab_wait 2 ! lab_alive "$(pid h1)"
	has_vip h1	# left behind
	start h2
	lab_wait 6 is_state h2 master
	group h1 50
	start h1
	lab_wait 3 is_state h1 backup
	run ! has_vip h1
	grep -q "removing $VIP/24, left by an earlier run" "$D/h1.log"
}

@test "-x runs the hook on every transition, with the sync group and addresses" {
	cat >"$D/hook" <<-EOF
	#!/bin/sh
	echo "\$1 \$2 \$3 \$4 sync=\$VRRP_SYNC_GROUP vips=\$VRRP_VIPS" >>"$D/hook.out"
	EOF
	chmod +x "$D/hook"
	group h1 150 'sync-group ACM'
	start h1 -x "$D/hook"
	lab_wait 6 is_state h1 master
	lab_wait 2 grep -q 'backup master' "$D/hook.out"
	run cat "$D/hook.out"
	assert_line "eth0 1 init backup sync=ACM vips=$VIP/24"
	assert_line "eth0 1 backup master sync=ACM vips=$VIP/24"
}

@test "readiness: -n FD gets a newline once every group has started" {
	group h1 150
	lab_spawn h1 "$D/h1.log" sh -c "exec 3>\"$D/ready\"; exec \"$VPNHA_BIN/vrrpd\" -f \"$D/h1.conf\" -r \"$D/h1.run\" -n 3" >"$D/h1.pid"
	lab_wait 5 test -s "$D/ready"
	[ "$(od -An -c "$D/ready" | tr -d ' ')" = '\n' ]
	[ -f "$D/h1.run/vrrpd/eth0.1" ]
}

@test "configuration errors exit 100 with file:line" {
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 priority 100' >"$D/c1"
	run vrrpd -f "$D/c1" -r "$D/run"
	assert_failure 100
	assert_output --partial 'c1:1: vrrp-group 1 on eth0 has no virtual-address'
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 1 advertise-interval 0.5' >"$D/c2"
	run vrrpd -f "$D/c2" -r "$D/run"
	assert_failure 100
	assert_output --partial 'c2:2: vrrp-group 1 on eth0: advertise-interval 0.5: version 2 counts whole seconds'
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 2001:db8::1/64' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 1 version 2' >"$D/c3"
	run vrrpd -f "$D/c3" -r "$D/run"
	assert_failure 100
	assert_output --partial 'VRRP version 2 has no IPv6'
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24' \
	    'set interfaces ethernet eth1 vrrp vrrp-group 2 virtual-address 192.0.2.1/24' >"$D/c4"
	run vrrpd -f "$D/c4" -r "$D/run"
	assert_failure 100
	assert_output --partial 'c4:2: 192.0.2.1/24 is in vrrp-group 1 on eth0 and in vrrp-group 2 on eth1'
	run vrrpd -f "$D/none" -r "$D/run"
	assert_failure 100
	run vrrpd -z
	assert_failure 100
}

@test "vrrp-show -j: the groups as one JSON document, field for field what the status files say" {
	group h1 150 "sync-group ACM" "virtual-address 192.0.2.101/24"
	start h1
	lab_wait 6 is_state h1 master
	run vrrp-show -r "$D/h1.run" -j summary
	assert_success
	printf '%s\n' "$output" >"$D/all.json"
	run vrrp-show -r "$D/h1.run" -j interface eth0
	assert_success
	printf '%s\n' "$output" >"$D/eth0.json"
	cmp "$D/all.json" "$D/eth0.json"
	run python3 - "$D/all.json" "$D/h1.run/vrrpd/eth0.1" <<-'EOF'
	import json, sys
	groups = json.load(open(sys.argv[1]))
	assert len(groups) == 1, groups
	g = groups[0]
	text = dict(l.split("=", 1) for l in open(sys.argv[2]).read().splitlines())
	assert list(g) == list(text), (list(g), list(text))
	for k, t in text.items():
	    j = g[k]
	    if isinstance(j, bool):
	        assert t == ("true" if j else "false"), k
	    elif isinstance(j, list):
	        assert t.split() == j, k
	    elif isinstance(j, (int, float)):
	        assert float(t) == j, k
	    elif j is None:
	        assert t == "", k
	    else:
	        assert t == j, k
	assert g["state"] == "master" and g["vrid"] == 1 and g["preempt"] is True
	assert g["vips"] == ["192.0.2.100/24", "192.0.2.101/24"], g["vips"]
	assert g["sync_group"] == "ACM" and g["priority"] == 150
	print("ok")
	EOF
	assert_success
	assert_output ok
	run vrrp-show -r "$D/h1.run" -j interface eth9
	assert_failure 1
}
