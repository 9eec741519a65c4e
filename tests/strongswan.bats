#!/usr/bin/env bats
# strongSwan glue (contrib/strongswan/): the updown script that publishes a
# gateway in the DDNS cluster, first driven by hand with the environment
# charon gives it, then under Debian's real charon in the lab:
#
#   h1  node A   charon, ddns-syncd, ddns-named   out 192.0.2.11  in 192.0.2.139
#   h2  node B   charon, ddns-syncd, ddns-named   out 192.0.2.12  in 192.0.2.140
#   h3  gateway  charon + connect-one, IKEv2 with a certificate, asks
#                for a virtual IP                 out 192.0.2.13
#   h4  corporate, only dig (and ping)                            in 192.0.2.142
#   h5  a second gateway, in one test                out 192.0.2.15
#
# "out" is the lab's eth0 segment (192.0.2.0/25), "in" its eth1 segment
# (192.0.2.128/25, the corporate LAN).  Node A's pool is 198.51.100.16/28,
# node B's 198.51.100.32/28.  The concentrators and the gateway run the
# example files of contrib/strongswan/ with the lab's paths and shorter
# dead peer detection.  The certificates come from a CA made with pki at
# the start of each test.

load helper
load lab/lab
load lab/swan

DOMAIN=vpn.example.org
SECRET=mysecretpassword
UPDOWN=$VPNHA_TOP/contrib/strongswan/updown
GWDN="C=US, O=Example, CN=gw1"

setup() {
	D=$BATS_TEST_TMPDIR
}

teardown() {
	local f
	if [ -n "${HUNG-}" ]; then
		kill "$HUNG" 2>/dev/null || :
		wait "$HUNG" 2>/dev/null || :
	fi
	if [ -z "${BATS_TEST_COMPLETED-}" ]; then
		for f in "$D"/*.log "$D"/*/charon.log; do
			[ -e "$f" ] || continue
			echo "--- $f"
			tail -n 60 "$f"
		done >&3
	fi
	lab_down
}

# need_swan: skip, saying why, when charon cannot run here.
need_swan() {
	local why
	why=$(swan_missing)
	[ -z "$why" ] || skip "$why"
}

# ddns I SELF PEER: ddns-syncd on hI, self SELF and peer PEER (none if
# empty), its run-time directory RUN (charon's /run is $D/hI/run, so the
# updown script finds the socket at its default /run/vpnha); ready before
# it returns.
ddns() {
	local i=$1 self=$2 peer=$3 run=$D/h$1/run/vpnha
	mkdir -p "$run"
	{
		echo "set service ipsec-ddns self $self"
		[ -z "$peer" ] || echo "set service ipsec-ddns peer $peer"
		echo "set service ipsec-ddns secret $SECRET"
		echo "set service ipsec-ddns domain $DOMAIN"
		echo "set service ipsec-ddns heartbeat 0.2"
		echo "set service ipsec-ddns join-time 1"
		echo "set service ipsec-ddns enable"
	} >"$D/h$i.conf"
	rm -f "$D/h$i.ready"
	mkfifo "$D/h$i.ready"
	lab_spawn "h$i" "$D/syncd$i.log" sh -c 'exec "$@" 3>"$0"' "$D/h$i.ready" \
		"$VPNHA_BIN/ddns-syncd" -f "$D/h$i.conf" -r "$run" -n 3 >"$D/syncd$i.pid"
	notified "$D/h$i.ready" ||
		fail "ddns-syncd on h$i not ready: $(cat "$D/syncd$i.log")"
}

# named I ADDRESS: ddns-named on hI at ADDRESS, fed by its ddns-syncd.
named() {
	local i=$1
	rm -f "$D/n$i.ready"
	mkfifo "$D/n$i.ready"
	lab_spawn "h$i" "$D/named$i.log" sh -c 'exec "$@" 3>"$0"' "$D/n$i.ready" \
		"$VPNHA_BIN/ddns-named" -f "$D/h$i.conf" -r "$D/h$i/run/vpnha" \
		-l "$2" -n 3 >/dev/null
	notified "$D/n$i.ready" ||
		fail "ddns-named on h$i not ready: $(cat "$D/named$i.log")"
}

records() {
	ddns-ctl -r "$D/h$1/run/vpnha" records
}

# updown ENV...: the script as charon runs it: only PATH and what is given.
updown() {
	env -i PATH="$PATH" "$@" "$UPDOWN"
}

# dig_at ADDRESS NAME: what corporate gets from the name server at ADDRESS:
# the address, or the status when there is none.
dig_at() {
	lab_dig h4 "$1" "$2"
}

# answer_is ADDRESS NAME WANT: the server at ADDRESS answers NAME with WANT.
answer_is() {
	[ "$(dig_at "$1" "$2")" = "$3" ]
}

# answers WANT: both nodes answer gw1.DOMAIN with WANT (an address, or
# NXDOMAIN).
answers() {
	[ "$(dig_at 192.0.2.139 "gw1.$DOMAIN")" = "$1" ] &&
		[ "$(dig_at 192.0.2.140 "gw1.$DOMAIN")" = "$1" ]
}

# vip: the gateway's virtual IP, as its charon reports it.
vip() {
	swan_ctl "$D/gw" --list-sas --raw 2>/dev/null |
		sed -n 's/.*local-vips=\[\([0-9.]*\)\].*/\1/p' | head -n 1
}

# peer_host: the node the gateway's IKE_SA is with.
peer_host() {
	swan_ctl "$D/gw" --list-sas --raw 2>/dev/null |
		sed -n 's/.* remote-host=\([0-9.]*\) .*/\1/p' | head -n 1
}

# ike_ids: the unique ids of the gateway's IKE_SAs, one a line.
ike_ids() {
	swan_ctl "$D/gw" --list-sas --raw 2>/dev/null |
		sed -n 's/^[^{]*[{][^{]*[{]uniqueid=\([0-9]*\) .*/\1/p'
}

# only_sa_not ID: the gateway has one IKE_SA, whose unique id is not ID.
only_sa_not() {
	local ids
	ids=$(ike_ids)
	[ "$(wc -l <<<"$ids")" = 1 ] && [ -n "$ids" ] && [ "$ids" != "$1" ]
}

in_pool() {
	[[ $1 =~ ^198\.51\.100\.([0-9]+)$ ]] &&
		[ "${BASH_REMATCH[1]}" -gt "$2" ] && [ "${BASH_REMATCH[1]}" -lt $(($2 + 15)) ]
}

# cluster: the lab, the CA and certificates, both nodes with ddns-syncd,
# ddns-named and charon, the gateway's charon (not yet connected).
cluster() {
	local n
	lab_up -2 "${HOSTS:-4}"
	# The gateways are only outside, corporate only inside.
	lab_link h3 eth1 admin-down
	lab_link h4 eth0 admin-down
	if [ "${HOSTS:-4}" = 5 ]; then
		lab_link h5 eth1 admin-down
	fi
	lab_exec h1 sysctl -q -w net.ipv4.ip_forward=1
	lab_exec h2 sysctl -q -w net.ipv4.ip_forward=1
	lab_exec h4 ip route add 198.51.100.16/28 via 192.0.2.139
	lab_exec h4 ip route add 198.51.100.32/28 via 192.0.2.140

	mkdir -p "$D/ca"
	swan_ca "$D/ca" || fail "pki: cannot make the CA"
	swan_cert "$D/ca" node-a "C=US, O=Example, CN=node-a.vpn.example.org" || fail "pki: node-a"
	swan_cert "$D/ca" node-b "C=US, O=Example, CN=node-b.vpn.example.org" || fail "pki: node-b"
	swan_cert "$D/ca" gw1 "$GWDN" || fail "pki: gw1"

	ddns 1 192.0.2.139 192.0.2.140
	ddns 2 192.0.2.140 192.0.2.139
	named 1 192.0.2.139
	named 2 192.0.2.140

	SWAN_ESP=$(swan_esp)
	swan_node "$D/h1" "$D/ca" node-a
	swan_node "$D/h2" "$D/ca" node-b
	swan_node "$D/gw" "$D/ca" gw1 "${GW_SETTINGS-}"
	# The example files, with the lab's script and quick dead peer
	# detection: a concentrator notices a vanished gateway after 5 s
	# and charon's retransmissions.
	sed -e "s|/usr/local/libexec/vpnha/updown|$UPDOWN|" \
		-e 's/dpd_delay = 30s/dpd_delay = 5s/' \
		"$SWAN_CONTRIB/swanctl-concentrator.conf" >"$D/h1/swanctl/swanctl.conf"
	# node B names a setting on its updown line, as the README shows
	sed -e 's/192\.0\.2\.11/192.0.2.12/' -e 's/gateways-a/gateways-b/' \
		-e 's/node-a/node-b/g' -e 's|198\.51\.100\.16/28|198.51.100.32/28|' \
		-e "s|updown = |updown = VPNHA_RUNDIR=/run/vpnha DDNS_TIMEOUT=3 |" \
		"$D/h1/swanctl/swanctl.conf" >"$D/h2/swanctl/swanctl.conf"
	sed -e 's/dpd_delay = 10s/dpd_delay = 1s/' \
		"$SWAN_CONTRIB/swanctl-gateway.conf" >"$D/gw/swanctl/swanctl.conf"
	if [ "$SWAN_ESP" = libipsec ]; then
		# charon's own ESP has AES-CBC and HMAC here, not GCM (that needs
		# the gcm or openssl plugin), and the default proposal starts
		# with GCM
		echo "# no ESP in this kernel: charon's kernel-libipsec does it, AES-CBC with HMAC-SHA-256" >&3
		for n in h1 h2 gw; do
			sed -i 's/^\(\t*\)dpd_action = clear$/&\n\1esp_proposals = aes128-sha256/' \
				"$D/$n/swanctl/swanctl.conf"
			grep -q 'esp_proposals = aes128-sha256' "$D/$n/swanctl/swanctl.conf" ||
				fail "$n: no esp_proposals"
		done
	fi
	for n in 1 2; do
		grep -q "updown = .*$UPDOWN\$" "$D/h$n/swanctl/swanctl.conf" || fail "h$n: no updown line"
	done
	grep -q 'dpd_delay = 1s' "$D/gw/swanctl/swanctl.conf" || fail "gateway: no dpd_delay"

	swan_start h1 "$D/h1" >"$D/charon1.pid" || fail "charon on node A"
	swan_start h2 "$D/h2" >"$D/charon2.pid" || fail "charon on node B"
	swan_start h3 "$D/gw" >"$D/charon3.pid" || fail "charon on the gateway"
}

# connect_one [HOST DIR CONN...]: a gateway's Connect One loop; by default
# gw1's, node A first.
connect_one() {
	local host=${1:-h3} dir=${2:-$D/gw}
	shift 2 || :
	[ $# -gt 0 ] || set -- node-a node-b
	lab_spawn "$host" "$D/connect-one$host.log" env STRONGSWAN_CONF="$dir/strongswan.conf" \
		SWANCTL_DIR="$dir/swanctl" "$SWAN_CONTRIB/connect-one" -i 0.2 \
		-u "unix://$dir/run/charon.vici" "$@" >"$D/connect-one$host.pid"
	if [ "$host" = h3 ]; then
		ln -sf "connect-one$host.log" "$D/connect-one.log"
		ln -sf "connect-one$host.pid" "$D/connect-one.pid"
	fi
}

# connected_to NODE: wait until the gateway's Connect One says NODE is up
connected_to() {
	lab_wait "${2:-30}" bash -c "grep -q '$1: up' '$D/connect-one.log'" ||
		fail "the gateway did not connect to $1"
}

@test "updown by hand: published, refused on another address, withdrawn; ddns-ctl's words in one line" {
	lab_up 1
	ddns 1 192.0.2.11 ''
	export VPNHA_RUNDIR=$D/h1/run/vpnha DDNS_CTL=$VPNHA_BIN/ddns-ctl
	local env=(VPNHA_RUNDIR="$VPNHA_RUNDIR" DDNS_CTL="$DDNS_CTL" SWANCTL=false PLUTO_VERSION=1.1
		PLUTO_UNIQUEID=3
		PLUTO_CONNECTION=gateways PLUTO_PEER=192.0.2.13 PLUTO_ME=192.0.2.11
		"PLUTO_PEER_ID=C=US, O=Acme, CN=gw 17" PLUTO_PEER_SOURCEIP=198.51.100.17
		PLUTO_PEER_SOURCEIP4_1=198.51.100.17 PLUTO_PEER_CLIENT=198.51.100.17/32
		PLUTO_MY_CLIENT=192.0.2.128/25)

	run updown "${env[@]}" PLUTO_VERB=up-client
	assert_success
	assert_output "vpnha-updown: published gw-17 198.51.100.17 (peer 192.0.2.13, id 'C=US, O=Acme, CN=gw 17')"
	run records 1
	assert_output --regexp '^gw-17 198\.51\.100\.17 192\.0\.2\.11 '

	# reconnected elsewhere since: this node's withdrawal must not win
	ddns-ctl -r "$VPNHA_RUNDIR" up gw-17 198.51.100.40 >/dev/null
	run updown "${env[@]}" PLUTO_VERB=down-client
	assert_success
	assert_output "vpnha-updown: not withdrawn: gw-17 has address 198.51.100.40, not 198.51.100.17: left as it is"
	run records 1
	assert_output --regexp '^gw-17 198\.51\.100\.40 '

	run updown "${env[@]}" PLUTO_VERB=up-client
	assert_output --partial "published gw-17 198.51.100.17"

	# charon has another IKE_SA, 7, with that virtual IP: a
	# make-before-break reauthentication; swanctl --list-sas --raw says so
	# (--noblock: not the IKE_SA going down, whose thread runs the script)
	cat >"$D/swanctl" <<-'EOF'
	#!/bin/sh
	[ "$*" = "--list-sas --noblock --raw" ] || exit 1
	echo "list-sa event {gateways {uniqueid=5 version=2 state=ESTABLISHED remote-id=CN=other remote-vips=[198.51.100.18] child-sas {gateways-5 {name=gateways uniqueid=5 reqid=5 state=INSTALLED}}}}"
	echo "list-sa event {gateways {uniqueid=7 version=2 state=ESTABLISHED remote-id=C=US, O=Acme, CN=gw 17 remote-vips=[198.51.100.17] child-sas {gateways-8 {name=gateways uniqueid=8 reqid=8 state=INSTALLED}}}}"
	echo "list-sas reply {}"
	EOF
	chmod +x "$D/swanctl"
	run updown "${env[@]}" PLUTO_VERB=down-client SWANCTL="$D/swanctl"
	assert_success
	assert_output "vpnha-updown: not withdrawn: 'C=US, O=Acme, CN=gw 17' 198.51.100.17 is still up in IKE_SA 7"
	run records 1
	assert_output --regexp '^gw-17 198\.51\.100\.17 '
	# IKE_SA 7 is ours (PLUTO_UNIQUEID): no other holds the address
	run updown "${env[@]}" PLUTO_VERB=down-client SWANCTL="$D/swanctl" PLUTO_UNIQUEID=7
	assert_success
	assert_output "vpnha-updown: withdrew gw-17 198.51.100.17 (id 'C=US, O=Acme, CN=gw 17')"
	run updown "${env[@]}" PLUTO_VERB=up-client
	assert_output --partial "published gw-17 198.51.100.17"

	run updown "${env[@]}" PLUTO_VERB=down-client
	assert_success
	assert_output "vpnha-updown: withdrew gw-17 198.51.100.17 (id 'C=US, O=Acme, CN=gw 17')"
	run records 1
	assert_output ""
}

@test "updown by hand: IPv6, a serial number, the host verbs, no virtual IP, not from charon" {
	lab_up 1
	ddns 1 192.0.2.11 ''
	local env=(VPNHA_RUNDIR="$D/h1/run/vpnha" DDNS_CTL="$VPNHA_BIN/ddns-ctl"
		SWANCTL=false PLUTO_CONNECTION=gateways PLUTO_PEER=2001:db8::13)

	run updown "${env[@]}" PLUTO_VERB=up-client-v6 PLUTO_PEER_ID=@H100111G1050 \
		PLUTO_PEER_SOURCEIP=2001:db8:100::1 PLUTO_PEER_SOURCEIP6_1=2001:db8:100::1
	assert_success
	assert_output --partial "published H100111G1050 2001:db8:100::1 "
	run updown "${env[@]}" PLUTO_VERB=up-host "PLUTO_PEER_ID=CN=gw.2/b" PLUTO_PEER_SOURCEIP=198.51.100.18
	assert_output --partial "published gw-2-b 198.51.100.18 "
	run records 1
	assert_line --regexp '^H100111G1050 2001:db8:100::1 '
	assert_line --regexp '^gw-2-b 198\.51\.100\.18 '

	run updown "${env[@]}" PLUTO_VERB=down-host-v6 PLUTO_PEER_ID=@H100111G1050 \
		PLUTO_PEER_SOURCEIP=2001:db8:100::1
	assert_output --partial "withdrew H100111G1050 2001:db8:100::1 "

	# a LAN-to-LAN tunnel: not a DDNS gateway
	run updown "${env[@]}" PLUTO_VERB=up-client "PLUTO_PEER_ID=CN=site9"
	assert_success
	assert_output "vpnha-updown: 'CN=site9' has no virtual IP: not a DDNS gateway, nothing done"
	run records 1
	refute_output --partial site9

	# an identity that gives no label: said, and still exit 0
	run updown "${env[@]}" PLUTO_VERB=up-client "PLUTO_PEER_ID=O=Acme" PLUTO_PEER_SOURCEIP=198.51.100.19
	assert_success
	assert_output --regexp "^vpnha-updown: warning: 'O=Acme' 198\.51\.100\.19 not published \(the tunnel stays up\): .+ \(exit [0-9]+\)\$"

	run env -i PATH="$PATH" "$UPDOWN"
	assert_failure 100
	assert_output --partial "usage:"
}

@test "updown by hand: DDNS down or hung never holds charon more than a few seconds" {
	local env=(VPNHA_RUNDIR="$D/run" DDNS_CTL="$VPNHA_BIN/ddns-ctl" SWANCTL=false
		PLUTO_VERB=up-client PLUTO_CONNECTION=gateways PLUTO_PEER=192.0.2.13
		"PLUTO_PEER_ID=CN=gw1" PLUTO_PEER_SOURCEIP=198.51.100.17 DDNS_TIMEOUT=1)

	# no ddns-syncd at all
	run updown "${env[@]}"
	assert_success
	assert_output --regexp "^vpnha-updown: warning: 'CN=gw1' 198\.51\.100\.17 not published \(the tunnel stays up\): unable to reach ddns-syncd at $D/run/ddns/control: .* \(exit 111\)\$"

	# a control socket that takes the connection and never answers
	mkdir -p "$D/run/ddns"
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen()
time.sleep(120)' "$D/run/ddns/control" &
	HUNG=$!
	local i t0 t1
	for ((i = 0; i < 100; i++)); do
		[ -S "$D/run/ddns/control" ] && break
		sleep 0.05
	done
	t0=$(now)
	run updown "${env[@]}"
	t1=$(now)
	assert_success
	assert_output "vpnha-updown: warning: 'CN=gw1' 198.51.100.17 not published (the tunnel stays up): ddns-ctl gave no answer within 1 s"
	echo "# hung ddns-syncd: the script took $(elapsed "$t0" "$t1") s (DDNS_TIMEOUT=1)" >&3
	# 1 s, then SIGKILL 1 s later at most: 5 s leaves room for a busy machine
	within 5 "$(elapsed "$t0" "$t1")"
}

@test "strongSwan lab: gw1 on node A is in both nodes' DNS; A's charon killed, it moves to B and the name follows; it leaves and the name goes" {
	need_swan
	cluster
	connect_one

	# connected to node A, a virtual IP from A's pool, published by A's
	# updown script, replicated to B
	connected_to node-a
	local a b
	a=$(vip)
	echo "# gw1 on node A: virtual IP $a" >&3
	in_pool "$a" 16 || fail "virtual IP '$a' is not from node A's pool"
	[ "$(peer_host)" = 192.0.2.11 ]
	lab_wait 10 answers "$a"
	grep -qF "updown: vpnha-updown: published gw1 $a (peer 192.0.2.13, id '$GWDN')" "$D/h1/charon.log"
	run records 2
	assert_output --regexp "^gw1 ${a//./\\.} 192\.0\.2\.139 "

	# real ESP: corporate reaches the gateway by its name, through A; on
	# the gateway's cable the pings are ESP in UDP, never ICMP in clear
	lab_capture h3-eth0 "$D/gw.pcap"
	lab_wait 10 lab_exec h4 ping -n -c 1 -W 1 "$(dig_at 192.0.2.140 "gw1.$DOMAIN")"
	lab_capture_stop
	run --separate-stderr tshark -r "$D/gw.pcap" -Y icmp
	assert_output ""
	run --separate-stderr tshark -r "$D/gw.pcap" -Y 'esp && ip.src == 192.0.2.11' -T fields -e esp.spi
	[ "${#lines[@]}" -ge 1 ] || fail "no ESP from node A to the gateway"
	run --separate-stderr tshark -r "$D/gw.pcap" -Y 'esp && ip.dst == 192.0.2.11' -T fields -e esp.spi
	[ "${#lines[@]}" -ge 1 ] || fail "no ESP from the gateway to node A"

	# node A's charon dies without a word: the gateway's dead peer
	# detection gives up, connect-one moves to node B
	lab_kill "$(cat "$D/charon1.pid")" KILL
	connected_to node-b 60
	b=$(vip)
	echo "# gw1 on node B: virtual IP $b" >&3
	in_pool "$b" 32 || fail "virtual IP '$b' is not from node B's pool"
	[ "$(peer_host)" = 192.0.2.12 ]
	lab_wait 10 answers "$b"
	grep -qF "updown: vpnha-updown: published gw1 $b " "$D/h2/charon.log"
	lab_wait 10 lab_exec h4 ping -n -c 1 -W 1 "$b"

	# the gateway leaves: B's charon runs down-client, the name goes
	lab_kill "$(cat "$D/connect-one.pid")"
	lab_wait 5 ! lab_alive "$(cat "$D/connect-one.pid")"
	run swan_ctl "$D/gw" --terminate --ike node-b --timeout 10
	assert_success
	lab_wait 10 answers NXDOMAIN
	grep -qF "updown: vpnha-updown: withdrew gw1 $b (id '$GWDN')" "$D/h2/charon.log"
	run records 1
	assert_output ""
}

@test "strongSwan lab: node A cut from the gateway withdraws nothing once gw1 is on node B" {
	need_swan
	cluster
	connect_one
	connected_to node-a
	local a b
	a=$(vip)
	lab_wait 10 answers "$a"

	# A's outside cable pulled: A's charon stays up and is told nothing.
	# The gateway notices within a second and its retransmissions and
	# moves to B; A's dead peer detection (5 s, then its own
	# retransmissions) comes later, and A's updown must then leave
	# gw1 alone: it has B's address.
	lab_link h1 eth0 down
	connected_to node-b 60
	b=$(vip)
	in_pool "$b" 32 || fail "virtual IP '$b' is not from node B's pool"
	lab_wait 30 grep -qF "updown: vpnha-updown: not withdrawn: gw1 has address $b, not $a: left as it is" "$D/h1/charon.log" ||
		fail "node A's updown did not run, or withdrew gw1"
	answers "$b"
}

@test "strongSwan lab: a make-before-break reauthentication keeps the name (the old IKE_SA's down-client withdraws nothing)" {
	need_swan
	GW_SETTINGS="make_before_break = yes"
	cluster
	grep -q 'make_before_break = yes' "$D/gw/strongswan.conf"
	connect_one
	connected_to node-a
	local a old
	a=$(vip)
	lab_wait 10 answers "$a"
	old=$(ike_ids)
	[ -n "$old" ] || fail "no IKE_SA id"

	# the gateway reauthenticates: a new IKE_SA with its CHILD_SA (up,
	# same virtual IP), then the old one deleted (down)
	run swan_ctl "$D/gw" --rekey --ike node-a --reauth
	assert_success
	lab_wait 20 only_sa_not "$old" || fail "the gateway still has its old IKE_SA"
	# A ran down-client for the old one, which found the new one
	lab_wait 10 grep -qE "updown: vpnha-updown: not withdrawn: '$GWDN' $a is still up in IKE_SA [0-9]+\$" "$D/h1/charon.log"
	run grep -c "vpnha-updown: withdrew" "$D/h1/charon.log"
	assert_output 0
	[ "$(vip)" = "$a" ]
	answers "$a"
	sleep 1
	answers "$a"
}

@test "strongSwan lab: two gateways, one on each node: a certificate (its CN) and a pre-shared key (a serial number); names match in any case" {
	need_swan
	HOSTS=5
	cluster
	# gateway 2 authenticates with the pre-shared key of the example's
	# secrets, as H100111G1050
	mkdir -p "$D/gw2/run" "$D/gw2/swanctl"
	swan_node "$D/gw2" "$D/ca" gw1
	rm "$D/gw2/swanctl/x509/gw1.pem" "$D/gw2/swanctl/private/gw1.key"
	{
		sed -e 's/dpd_delay = 10s/dpd_delay = 1s/' -e 's/auth = pubkey/auth = psk/' \
			-e '/certs = gw1\.pem/d' -e 's/id = "C=US, O=Example, CN=gw1".*/id = H100111G1050/' \
			-e 's/id = "C=US, O=Example, CN=\(node-.\.vpn\.example\.org\)"/id = \1/' \
			"$SWAN_CONTRIB/swanctl-gateway.conf"
		sed -n '/^secrets {/,/^}/p' "$SWAN_CONTRIB/swanctl-concentrator.conf"
	} >"$D/gw2/swanctl/swanctl.conf"
	if [ "$SWAN_ESP" = libipsec ]; then
		sed -i 's/^\(\t*\)dpd_action = clear$/&\n\1esp_proposals = aes128-sha256/' \
			"$D/gw2/swanctl/swanctl.conf"
	fi
	run grep -c 'auth = psk\|id = H100111G1050\|id = node-.\.vpn\.example\.org$\|secret = ' "$D/gw2/swanctl/swanctl.conf"
	assert_output 10
	swan_start h5 "$D/gw2" >"$D/charon5.pid" || fail "charon on gateway 2"
	connect_one
	connect_one h5 "$D/gw2" node-b node-a
	lab_wait 30 grep -q 'node-a: up' "$D/connect-oneh3.log" || fail "gw1 did not connect to node A"
	lab_wait 30 grep -q 'node-b: up' "$D/connect-oneh5.log" || fail "gateway 2 did not connect to node B"

	local a b
	a=$(vip)
	b=$(swan_ctl "$D/gw2" --list-sas --raw 2>/dev/null |
		sed -n 's/.*local-vips=\[\([0-9.]*\)\].*/\1/p' | head -n 1)
	echo "# gw1 on node A: $a; H100111G1050 on node B: $b" >&3
	in_pool "$a" 16 && in_pool "$b" 32 || fail "virtual IPs $a and $b"
	lab_wait 10 answers "$a"
	lab_wait 10 answer_is 192.0.2.139 "H100111G1050.$DOMAIN" "$b"
	answer_is 192.0.2.140 "h100111g1050.$DOMAIN" "$b"
	answer_is 192.0.2.139 "GW1.$DOMAIN" "$a"
	grep -qF "updown: vpnha-updown: published H100111G1050 $b (peer 192.0.2.15, id 'H100111G1050')" "$D/h2/charon.log"
	run records 1
	assert_line --regexp "^H100111G1050 ${b//./\\.} 192\.0\.2\.140 "
	assert_line --regexp "^gw1 ${a//./\\.} 192\.0\.2\.139 "
}

@test "strongSwan lab: Connect One passes over a node that is down from the start" {
	need_swan
	cluster
	lab_kill "$(cat "$D/charon1.pid")"
	lab_wait 5 ! lab_alive "$(cat "$D/charon1.pid")"
	connect_one
	lab_wait 60 grep -q 'node-b: up' "$D/connect-one.log" ||
		fail "the gateway did not connect to node B"
	run grep -c 'node-a: failed' "$D/connect-one.log"
	assert_output 1
	local b
	b=$(vip)
	in_pool "$b" 32 || fail "virtual IP '$b' is not from node B's pool"
	lab_wait 10 answers "$b"
}
