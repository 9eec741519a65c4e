# The issue 17 spike: strongSwan's ha plugin (Debian 12's charon 5.9.8) on
# two concentrators behind one virtual address, in the lab of tests/lab/.
# Sourced by tests/ha-spike/run; see tests/ha-spike/README.
#
#   h1  concentrator  out 192.0.2.11   in 192.0.2.139   ha local .139 remote .140
#   h2  concentrator  out 192.0.2.12   in 192.0.2.140   ha local .140 remote .139
#   h3  gateway       out 192.0.2.13                    IKEv2 to $VIP, asks a virtual IP
#
# The active node holds $VIP (outside, the IKE peer of the gateway) and
# $INVIP (inside, what the gateway pings through its tunnel: the node
# itself answers, so no router is needed behind it).  Addresses are moved
# by hand (ip addr), and the gateway's neighbour entry for $VIP is set as
# a gratuitous ARP would set it.
#
# Settings (environment): VRRP (set: vrrpd of VPNHA_BIN moves the
# addresses, ha-hook drives the segment), SECRET (the ha plugin's secret; empty: none),
# MONITOR (yes|no), POOL (ha: the ha plugin's own pool; swanctl: a pool
# of swanctl.conf on each node), OUT (where logs go; kept).

SPIKE_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.bash
. "$SPIKE_HOME/../lab/lab.bash"
# shellcheck source=../lab/swan.bash
. "$SPIKE_HOME/../lab/swan.bash"

VIP=192.0.2.100
INVIP=192.0.2.200
VPNDN="C=US, O=Example, CN=vpn.example.org"
GWDN="C=US, O=Example, CN=gw1"
POOLNET=198.51.100.16/28
: "${SECRET=spike-ha-secret}"
: "${MONITOR:=no}"
: "${POOL:=ha}"
: "${OUT:=/tmp/ha-spike.$$}"
D=$OUT

say() {
	printf '%s %s\n' "$(date -u +%T.%N | cut -c1-12)" "$*" | tee -a "$D/events"
}

# ha_settings I: the plugins.ha part of hI's charon section
ha_settings() {
	local self=$((138 + $1)) peer=$((138 + 3 - $1))
	cat <<-EOF
	plugins {
		ha {
			local = 192.0.2.$self
			remote = 192.0.2.$peer
	$( [ -n "$SECRET" ] && printf '\t\tsecret = %s\n' "$SECRET")
			segment_count = 1
			fifo_interface = yes
			monitor = $MONITOR
			resync = yes
	$( [ "$POOL" = ha ] && printf '\t\tpools {\n\t\t\tgateways = %s\n\t\t}\n' "$POOLNET")
		}
	}
	EOF
}

# concentrator I: hI's charon directory; the same connection on both
# nodes (the passive node finds the peer and child configuration of a
# synced SA by name)
concentrator() {
	local i=$1
	SWAN_PLUGINS_CHARON="$SWAN_PLUGINS_CHARON ha" \
		swan_node "$D/h$i" "$D/ca" vpn "$(ha_settings "$i")" || return 1
	cat >"$D/h$i/swanctl/swanctl.conf" <<-EOF
	connections {
		gateways {
			version = 2
			local_addrs = $VIP
			pools = gateways
			mobike = no
			local {
				auth = pubkey
				certs = vpn.pem
				id = "$VPNDN"
			}
			remote {
				auth = pubkey
			}
			children {
				gateways {
					local_ts = 192.0.2.128/25
					updown = $SPIKE_HOME/updown-log
					esp_proposals = aes128-sha256
				}
			}
		}
	}
	EOF
	if [ "$POOL" = swanctl ]; then
		printf 'pools {\n\tgateways {\n\t\taddrs = %s\n\t}\n}\n' "$POOLNET" \
			>>"$D/h$i/swanctl/swanctl.conf"
	fi
}

gateway() {
	# GWSETTINGS: more of the gateway's charon section (its retransmissions)
	swan_node "$D/gw" "$D/ca" gw1 "${GWSETTINGS-}" || return 1
	cat >"$D/gw/swanctl/swanctl.conf" <<-EOF
	connections {
		vpn {
			version = 2
			remote_addrs = $VIP
			vips = 0.0.0.0
			dpd_delay = 2s
			keyingtries = 1
			local {
				auth = pubkey
				certs = gw1.pem
				id = "$GWDN"
			}
			remote {
				auth = pubkey
				id = "$VPNDN"
			}
			children {
				vpn {
					remote_ts = 192.0.2.128/25
					start_action = start
					dpd_action = clear
					esp_proposals = aes128-sha256
				}
			}
		}
	}
	EOF
}

# vips_on I: hI holds both addresses, the other node none; the gateway's
# neighbour entry for $VIP points at hI (what vrrpd's gratuitous ARP does)
vips_on() {
	local i=$1 o=$((3 - $1))
	lab_exec "h$o" ip addr del "$VIP/25" dev eth0 2>/dev/null
	lab_exec "h$o" ip addr del "$INVIP/25" dev eth1 2>/dev/null
	lab_exec "h$i" ip addr add "$VIP/25" dev eth0
	lab_exec "h$i" ip addr add "$INVIP/25" dev eth1
	lab_exec h3 ip neigh replace "$VIP" lladdr "$(lab_mac "h$i" eth0)" dev eth0 nud reachable
}

# vrrpd_node I PRIORITY: hI's vrrpd (VPNHA_BIN), the outside group 1
# ($VIP) and the inside group 2 ($INVIP) in one sync group, advert
# interval 1 s, and ha-hook as its -x, driving hI's charon through the
# FIFO and vici; started after the charon
vrrpd_node() {
	local i=$1 g
	: >"$D/v$i.conf"
	for g in "eth0 1 $VIP/25" "eth1 2 $INVIP/25"; do
		# shellcheck disable=SC2086 # three words
		set -- $g
		{
			echo "set interfaces ethernet $1 vrrp vrrp-group $2 virtual-address $3"
			echo "set interfaces ethernet $1 vrrp vrrp-group $2 priority $((300 - 100 * i))"
			echo "set interfaces ethernet $1 vrrp vrrp-group $2 sync-group HA"
		} >>"$D/v$i.conf"
	done
	V[i]=$(lab_spawn "h$i" "$D/vrrpd$i.log" env HA_GROUP=eth0.1 \
		HA_STATUS="$D/v$i.run/vrrpd/eth0.1" HA_FIFO="$D/h$i/run/charon.ha" \
		HA_LOCK="$D/h$i.lock" HA_VICI="unix://$D/h$i/run/charon.vici" \
		HA_CHILDREN=gateways STRONGSWAN_CONF="$D/h$i/strongswan.conf" \
		"$VPNHA_BIN/vrrpd" -f "$D/v$i.conf" -r "$D/v$i.run" -x "$SPIKE_HOME/ha-hook")
	say "vrrpd h$i ${V[$i]}"
}

vstate() {
	[ "$(sed -n 's/^state=//p' "$D/v$1.run/vrrpd/eth0.1" 2>/dev/null)" = "$2" ]
}

# fifo I CMD: write CMD (+1, -1, *1) to hI's segment FIFO, as a hook would
fifo() {
	local f=$D/h$1/run/charon.ha
	if [ ! -p "$f" ]; then
		say "h$1: no FIFO at $f"
		return 1
	fi
	# shellcheck disable=SC2016 # expanded by that sh
	timeout 3 sh -c 'printf "%s\n" "$1" >"$2"' fifo "$2" "$f" || {
		say "h$1: writing $2 to $f failed or blocked (no reader?)"
		return 1
	}
	say "h$1: wrote $2 to $f"
}

ctl() {
	local n=$1
	shift
	swan_ctl "$D/$n" "$@"
}

gw_installed() {
	ctl gw --list-sas --raw 2>/dev/null | grep -q 'state=INSTALLED'
}

# snap TAG: every charon's view of its SAs, pretty and raw
snap() {
	local n
	for n in h1 h2 gw; do
		[ -S "$D/$n/run/charon.vici" ] || continue
		{
			echo "### $n $1 ($(date -u +%T.%N | cut -c1-12))"
			ctl "$n" --list-sas 2>&1
			ctl "$n" --list-sas --raw 2>&1
		} >>"$D/sas-$n.txt"
	done
}

# ike_spis N: the IKE SPIs N's IKE_SAs have (initiator_responder, one a line)
ike_spis() {
	ctl "$1" --list-sas --raw 2>/dev/null |
		sed -n 's/.*initiator-spi=\([0-9a-f]*\) responder-spi=\([0-9a-f]*\).*/\1_\2/p'
}

# up: the lab, the CA and certificates, both concentrators and the
# gateway; h1 active (its FIFO told +1) with the addresses; the gateway
# connected
up() {
	mkdir -p "$D/ca"
	: >"$D/events"
	lab_up -2 3 || return 1
	lab_link h3 eth1 admin-down
	SWAN_ESP=$(swan_esp)
	say "ESP: $SWAN_ESP; SECRET=${SECRET:-(none)} MONITOR=$MONITOR POOL=$POOL OUT=$D"
	swan_ca "$D/ca" && swan_cert "$D/ca" vpn "$VPNDN" &&
		swan_cert "$D/ca" gw1 "$GWDN" || return 1
	concentrator 1 && concentrator 2 && gateway || return 1
	[ -n "${VRRP-}" ] || vips_on 1
	C1=$(swan_start h1 "$D/h1") || return 1
	C2=$(swan_start h2 "$D/h2") || return 1
	say "charon h1 $C1, h2 $C2"
	lab_wait 5 test -p "$D/h1/run/charon.ha" || say "h1: no FIFO"
	lab_wait 5 test -p "$D/h2/run/charon.ha" || say "h2: no FIFO"
	if [ -n "${VRRP-}" ]; then
		vrrpd_node 1
		vrrpd_node 2
		lab_wait 10 vstate 1 master || say "h1's vrrpd not master"
		lab_wait 10 vstate 2 backup || say "h2's vrrpd not backup"
		lab_wait 5 grep -q 'HA segment 1 activated' "$D/h1/charon.log" ||
			say "h1: segment 1 not activated by the hook"
	else
		fifo 1 +1
	fi
	if [ -n "${SYNCCAP-}" ]; then
		lab_capture eth1 "$D/sync.pcap"
	fi
	# GWDELAY: seconds for the nodes' resync requests (1 s after their
	# start) to be answered before the gateway connects
	sleep "${GWDELAY:-0}"
	G=$(swan_start h3 "$D/gw") || return 1
	say "charon gw $G"
	if ! lab_wait 20 gw_installed; then
		say "the gateway did not connect"
		return 1
	fi
	say "gateway connected"
}

# pinger: the gateway pings $INVIP every 10 ms through its tunnel
pinger() {
	P=$(lab_spawn h3 "$D/ping.log" stdbuf -oL ping -n -D -O -i 0.01 -W 1 "$INVIP")
	say "ping started, pid $P"
}

# gaps FROM: from ping.log, the reply gaps over 0.1 s after time FROM
# (epoch seconds), the largest, the first reply after FROM
gaps() {
	awk -v from="$1" '
	/bytes from/ {
		t = substr($1, 2, length($1) - 2) + 0
		if (last != "" && t - last > 0.1 && t > from)
			printf "gap %.3f s: %.3f -> %.3f\n", t - last, last, t
		if (last != "" && t > from && t - last > max) { max = t - last }
		if (t > from && first == "") first = t
		last = t; n++
	}
	/no answer yet/ { lost++ }
	END {
		printf "replies %d, no-answer lines %d, largest gap after %.3f: %.3f s, first reply after it %s\n",
			n, lost, from, max, first
	}' "$D/ping.log"
}

down() {
	lab_down
	say "lab down; logs in $D"
}
