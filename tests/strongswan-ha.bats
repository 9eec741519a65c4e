#!/usr/bin/env bats
# Tunnels that survive a failover (issue 17): a VRRP pair of concentrators
# whose charons copy every IKE_SA and CHILD_SA to each other (strongSwan's
# ha plugin), vrrpd giving the plugin's segment to the master through
# contrib/strongswan/ha/ha-segment, and 20 gateways pinging through their
# tunnels every 10 ms.  The lab is tests/lab/ha.bash's: h1 (priority 200)
# and h2 (100), the gateways on h3...h22.
#
# What a gateway must see of a failover: its tunnel carries traffic again
# through the other node under the same IKE_SA (its IKE SPIs unchanged),
# its name in the DNS unchanged on every node; and when the old master
# comes back, it stays passive (no preempt: contrib/strongswan/ha/README
# says why) and no tunnel is dropped.

load helper
load lab/lab
load lab/swan
load lab/ha

setup_file() {
	local why
	why=$(swan_missing)
	if [ -z "$why" ] && [ ! -e /usr/lib/ipsec/plugins/libstrongswan-ha.so ]; then
		why="charon's ha plugin is missing (Debian: libcharon-extra-plugins)"
	fi
	export HA_WHY=$why
	export HA_CA=$BATS_FILE_TMPDIR/ca
	[ -n "$why" ] || ha_certs "$HA_CA" "$HA_GW"
}

setup() {
	D=$BATS_TEST_TMPDIR
	[ -z "$HA_WHY" ] || skip "$HA_WHY"
	[ -e "$HA_CA/gw$HA_GW.pem" ] || fail "no certificates in $HA_CA"
}

teardown() {
	local f
	if [ -z "${BATS_TEST_COMPLETED-}" ] && [ -n "${D-}" ]; then
		for f in "$D"/vrrpd*.log "$D"/syncd*.log "$D"/h*/charon.log \
			"$D"/gw1/charon.log; do
			[ -e "$f" ] || continue
			echo "--- $f"
			tail -n 40 "$f"
		done >&3
	fi
	lab_down
}

# snapshot NAME: every gateway's IKE SPIs and state, and both nodes' DNS
# answers for every gateway, in $D/NAME.*
snapshot() {
	local k
	for ((k = 1; k <= HA_GW; k++)); do
		echo "gw$k $(ha_ike_spis "gw$k" | tr '\n' ' ')"
	done >"$D/$1.spis"
	ha_names 1 >"$D/$1.dns1"
	ha_names 2 >"$D/$1.dns2"
}

# same_tunnels A B: every gateway has the IKE_SA it had (one, ESTABLISHED)
same_tunnels() {
	run diff "$D/$1.spis" "$D/$2.spis"
	assert_success
	run grep -vc ' ESTABLISHED $' "$D/$2.spis"
	assert_output 0
}

# dns_same A B NODE...: NODE's DNS answers every gateway as it did
dns_same() {
	local a=$1 b=$2 i
	shift 2
	for i; do
		run diff "$D/$a.dns$i" "$D/$b.dns$i"
		assert_success
		run grep -c ' 198\.51\.100\.' "$D/$b.dns$i"
		assert_output "$HA_GW"
	done
}

# no_withdrawal: no updown script withdrew a gateway, no node removed one
no_withdrawal() {
	run grep -h 'withdrew' "$D"/h1/charon.log "$D"/h2/charon.log
	assert_failure
}

# aged: every gateway has had 300 replies, so that the outbound ESP
# sequence numbers the copies hold are far behind (300 and more): without
# the rekey after the takeover, the gateway would refuse that many
aged() {
	local k
	for ((k = 1; k <= HA_GW; k++)); do
		[ "$(grep -c 'bytes from' "$D/ping$k.log")" -ge 300 ] || return 1
	done
}

# few_refused: no gateway refused 50 ESP packets by its replay check
few_refused() {
	local k n
	for ((k = 1; k <= HA_GW; k++)); do
		n=$(grep -c 'ESP sequence number verification failed' "$D/gw$k/charon.log")
		[ "$n" -lt 50 ] || fail "gw$k refused $n ESP packets (stale sequence numbers)"
	done
}

# children_installed I: hI's charon has a CHILD_SA for every gateway
children_installed() {
	[ "$(ha_swan "h$1" --list-sas --raw 2>/dev/null | grep -o 'state=INSTALLED' | wc -l)" -ge "$HA_GW" ]
}

@test "ha plugin: SIGKILL of the master's vrrpd and charon; every tunnel carries traffic through the backup under the same IKE_SA, no name changes; the old master comes back passive, no tunnel dropped" {
	ha_up || fail "the lab did not come up"
	lab_wait 60 aged
	snapshot before
	ha_kill 1
	local t
	lab_wait 15 ha_state_is 2 master
	lab_wait 30 ha_all_replied_after "$(ha_master_since 2)"
	# the hook's own words: segment taken, CHILD_SAs rekeyed, gateways
	# published from the new master
	lab_wait 10 grep -q "$HA_GW gateways published from this node" "$D/vrrpd2.log"
	grep -q 'rekey CHILD_SAs gateways: rekey completed successfully' "$D/vrrpd2.log"
	run grep -c 'told charon .* +1' "$D/vrrpd2.log"
	assert_output 1
	few_refused
	snapshot after
	same_tunnels before after
	# h1's ddns-named still runs (only vrrpd and charon were killed)
	dns_same before after 1 2
	# the records are the new master's now: they outlive the old one
	run bash -c "ddns-ctl -r '$(ha_run 2)/vpnha' records | awk '\$3 != \"192.0.2.140\"'"
	assert_output ''
	no_withdrawal

	# The old master comes back: charon asks h2 for everything (resync),
	# vrrpd stays backup (no preempt), the segment stays h2's.
	ha_charon 1
	ha_vrrpd 1
	lab_wait 10 ha_state_is 1 backup
	lab_wait 15 ha_count_is h1 PASSIVE "$HA_GW"
	lab_wait 15 children_installed 1
	t=$EPOCHREALTIME
	lab_wait 10 ha_all_replied_after "$t"
	ha_state_is 2 master
	run grep -c 'told charon' "$D/vrrpd1.log"
	assert_output 0		# a fresh charon holds nothing: no -1 to send
	snapshot back
	same_tunnels before back
	dns_same before back 1 2
	no_withdrawal
}

@test "ha plugin: the master's cables cut; every tunnel carries traffic through the backup under the same IKE_SA, no name changes; cables back, the old master stays passive, no tunnel dropped" {
	ha_up || fail "the lab did not come up"
	lab_wait 60 aged
	snapshot before
	lab_link h1 eth0 down
	lab_link h1 eth1 down
	local t
	lab_wait 15 ha_state_is 2 master
	lab_wait 15 ha_state_is 1 fault
	lab_wait 30 ha_all_replied_after "$(ha_master_since 2)"
	# h1 gave the segment up when its links went (the sync link too, so
	# h2 never heard it: vrrpd decided)
	lab_wait 5 grep -q 'told charon .* -1' "$D/vrrpd1.log"
	lab_wait 5 ha_count_is h1 ESTABLISHED 0
	few_refused
	snapshot after
	same_tunnels before after
	dns_same before after 2
	no_withdrawal

	lab_link h1 eth0 up
	lab_link h1 eth1 up
	lab_wait 15 ha_state_is 1 backup
	t=$EPOCHREALTIME
	lab_wait 10 ha_all_replied_after "$t"
	ha_state_is 2 master
	ha_count_is h1 ESTABLISHED 0
	snapshot back
	same_tunnels before back
	dns_same before back 1 2
	no_withdrawal
}

@test "ha plugin: ha-segment release, then SIGTERM of the master's charon: the backup takes every tunnel under the same IKE_SA, no name changes" {
	ha_up || fail "the lab did not come up"
	lab_wait 60 aged
	snapshot before
	run ha_hook 1 release
	assert_success
	assert_output --partial "release: told charon $(cat "$D/charon1.pid") -1"
	# h2 took the segment on h1's DROP, before any VRRP move
	lab_wait 5 ha_count_is h2 ESTABLISHED "$HA_GW"
	ha_count_is h1 ESTABLISHED 0
	lab_kill "$(cat "$D/charon1.pid")" TERM
	lab_wait 10 ! lab_alive "$(cat "$D/charon1.pid")"
	# charon tracked: h1 faults, h2 takes the addresses
	lab_wait 15 ha_state_is 2 master
	lab_wait 30 ha_all_replied_after "$(ha_master_since 2)"
	lab_wait 10 grep -q "$HA_GW gateways published from this node" "$D/vrrpd2.log"
	few_refused
	snapshot after
	same_tunnels before after
	dns_same before after 1 2
	no_withdrawal
}

# segment_follows: after the flapping, one master, whose charon holds
# every IKE_SA active, the other's none
segment_follows() {
	local m o
	if ha_state_is 1 master; then m=1 o=2; else m=2 o=1; fi
	ha_state_is "$m" master && ! ha_state_is "$o" master &&
		ha_count_is "h$m" ESTABLISHED "$HA_GW" && ha_count_is "h$o" ESTABLISHED 0
}

@test "ha plugin: the master's cable flaps faster than the hook runs; the segment ends with the node VRRP ends with" {
	HA_GW=3 HA_ADVERT=0.1
	ha_up || fail "the lab did not come up"
	local n
	for n in 1 2 3 4 5 6; do
		lab_link h1 eth0 down
		lab_link h1 eth0 up
		lab_link h2 eth0 down
		lab_link h2 eth0 up
	done
	lab_wait 20 segment_follows
	local t=$EPOCHREALTIME
	lab_wait 15 ha_all_replied_after "$t"
	segment_follows
}
