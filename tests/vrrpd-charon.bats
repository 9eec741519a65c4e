#!/usr/bin/env bats
# vrrpd(8) tracking the real strongSwan charon (track process): two
# concentrators, h1 = 192.0.2.11 with priority 200 and h2 = .12 with 100,
# each with its charon tracked by its vrrpd, VRID 1 with $VIP on eth0.
# In one test h3 = .13 is a gateway whose charon connects to $VIP.
#
# The lab's hosts share one PID space, and vrrpd knows a process by its
# command name (comm), which is the basename it was exec'd by: each
# concentrator's charon is exec'd through a symlink of its own,
# $D/bin/charonI.PID (15 bytes at most).  charon reads nothing of its name:
# its plugins and settings section are compiled in, which the "loaded
# plugins" line and swanctl's answers show.

load helper
load lab/lab
load lab/swan
load vrrp

VIP=192.0.2.100
VPNDN="C=US, O=Example, CN=vpn.example.org"

setup() {
	D=$BATS_TEST_TMPDIR
	local why
	why=$(swan_missing)
	[ -z "$why" ] || skip "$why"
}

teardown() {
	local f
	if [ -z "${BATS_TEST_COMPLETED-}" ] && [ -n "${D-}" ]; then
		for f in "$D"/*.log "$D"/*/charon.log; do
			[ -e "$f" ] || continue
			echo "--- $f"
			tail -n 40 "$f"
		done >&3
	fi
	lab_down
}

# cname I: the name hI's charon runs by
cname() {
	echo "charon$1.$$"
}

# charon I: hI's charon, exec'd as cname I; its PID in $D/charonI.pid
charon() {
	local i=$1
	SWAN_CHARON=$D/bin/$(cname "$i") swan_start "h$i" "$D/h$i" >"$D/charon$i.pid" ||
		fail "charon on h$i"
	[ "$(cat "/proc/$(cat "$D/charon$i.pid")/comm")" = "$(cname "$i")" ]
}

charon_pid() {
	cat "$D/charon$1.pid"
}

# concentrator I POOL: hI's charon directory, the cluster's certificate
# (one identity for the service, wherever $VIP is), a responder on $VIP
# that hands out addresses of POOL (one pool a node: the gateway's
# virtual IP says which node it is connected to).  No MOBIKE: the
# service's one address is $VIP; told a node's own addresses too, a
# gateway would roam to them and stay with that node whatever VRRP says.
concentrator() {
	local i=$1 pool=$2
	swan_node "$D/h$i" "$D/ca" vpn
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
					$ESP
				}
			}
		}
	}
	pools {
		gateways {
			addrs = $pool
		}
	}
	EOF
	ln -s "$SWAN_CHARON" "$D/bin/$(cname "$i")"
}

# cluster [HOSTS]: the lab (2 hosts, or HOSTS), the CA, both
# concentrators with their charon running by its own name, its plugins
# loaded from where they always are
cluster() {
	lab_up -2 "${1:-2}"
	mkdir -p "$D/ca" "$D/bin"
	swan_ca "$D/ca" || fail "pki: cannot make the CA"
	swan_cert "$D/ca" vpn "$VPNDN" || fail "pki: vpn"
	SWAN_ESP=$(swan_esp)
	ESP=
	if [ "$SWAN_ESP" = libipsec ]; then
		# charon's own ESP has no GCM here (see strongswan.bats)
		ESP='esp_proposals = aes128-sha256'
	fi
	concentrator 1 198.51.100.16/28
	concentrator 2 198.51.100.32/28
	charon 1
	charon 2
	grep -q 'loaded plugins: .*vici' "$D/h1/charon.log"
	grep -q 'loaded plugins: .*vici' "$D/h2/charon.log"
}

# vrrp [WEIGHT]: both vrrpd, tracking their charon (with WEIGHT if given),
# started from the initial network namespace; h1 master, h2 backup
vrrp() {
	local w=${1:+ weight $1}
	group h1 200 "track process $(cname 1)$w"
	group h2 100 "track process $(cname 2)$w"
	startn h1
	startn h2
	lab_wait 6 is_state h1 master
	lab_wait 6 is_state h2 backup
	[ "$(field h1 track1)" = "process $(cname 1) up ${1:-fault}" ]
	[ "$(field h2 track1)" = "process $(cname 2) up ${1:-fault}" ]
	has_vip h1
	run ! has_vip h2
}

@test "track process charon without weight: h1's charon killed, h1 is in Fault and h2 master; charon again, h1 master again" {
	cluster
	vrrp
	lab_kill "$(charon_pid 1)" KILL
	lab_wait 3 is_state h1 fault
	lab_wait 3 is_state h2 master
	grep -qF "track process $(cname 1): no process" "$D/h1.log"
	[ "$(field h1 track1)" = "process $(cname 1) down fault" ]
	lab_wait 3 has_vip h2
	run ! has_vip h1
	charon 1
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h2 backup
	grep -qF "track process $(cname 1): running" "$D/h1.log"
	[ "$(field h1 track1)" = "process $(cname 1) up fault" ]
	has_vip h1
	lab_wait 3 ! has_vip h2
}

@test "track process charon weight -150: h1's charon killed, h1 backup at 50 and h2 master; charon again, h1 master again" {
	cluster
	vrrp -150
	[ "$(field h1 effective_priority)" = 200 ]
	lab_kill "$(charon_pid 1)" KILL
	lab_wait 3 is_state h2 master
	lab_wait 3 is_state h1 backup
	[ "$(field h1 priority)" = 200 ]
	[ "$(field h1 effective_priority)" = 50 ]
	[ "$(field h1 track1)" = "process $(cname 1) down -150" ]
	grep -qF 'effective priority 200 -> 50' "$D/h1.log"
	lab_wait 3 has_vip h2
	run ! has_vip h1
	charon 1
	lab_wait 6 is_state h1 master
	lab_wait 3 is_state h2 backup
	[ "$(field h1 effective_priority)" = 200 ]
	has_vip h1
}

# gateway: h3's charon, an initiator to $VIP that asks for a virtual IP,
# tries forever, and starts again when dead peer detection gives its
# peer up (about 1 s and 2.2 s of retransmissions with the lab's timers)
gateway() {
	swan_cert "$D/ca" gw1 "C=US, O=Example, CN=gw1" || fail "pki: gw1"
	swan_node "$D/gw" "$D/ca" gw1
	cat >"$D/gw/swanctl/swanctl.conf" <<-EOF
	connections {
		vpn {
			version = 2
			remote_addrs = $VIP
			vips = 0.0.0.0
			dpd_delay = 1s
			keyingtries = 0
			local {
				auth = pubkey
				certs = gw1.pem
				id = "C=US, O=Example, CN=gw1"
			}
			remote {
				auth = pubkey
				id = "$VPNDN"
			}
			children {
				vpn {
					remote_ts = 192.0.2.128/25
					start_action = start
					dpd_action = restart
					$ESP
				}
			}
		}
	}
	EOF
	swan_start h3 "$D/gw" >"$D/charon3.pid" || fail "charon on the gateway"
}

in_pool() {
	[[ $1 =~ ^198\.51\.100\.([0-9]+)$ ]] &&
		[ "${BASH_REMATCH[1]}" -gt "$2" ] && [ "${BASH_REMATCH[1]}" -lt $(($2 + 15)) ]
}

# gw_on BASE: the gateway has an IKE_SA established with $VIP, with a
# virtual IP from the pool 198.51.100.BASE/28 (16: h1's, 32: h2's)
gw_on() {
	local v
	for v in $(swan_ctl "$D/gw" --list-sas --raw 2>/dev/null |
		grep -F "remote-host=$VIP " |
		sed -n 's/.*state=ESTABLISHED .*local-vips=\[\([0-9.]*\)\].*/\1/p'); do
		in_pool "$v" "$1" && return 0
	done
	return 1
}

# sas I: how many established IKE_SAs hI's charon has
sas() {
	swan_ctl "$D/h$1" --list-sas --raw 2>/dev/null | grep -c 'state=ESTABLISHED' || :
}

@test "track process charon: a gateway connected to the virtual address sets its IKE_SA up again with h2 when h1's charon dies, and with h1 when it is back" {
	cluster 3
	lab_link h3 eth1 admin-down
	vrrp
	gateway
	lab_wait 20 gw_on 16 || fail "the gateway did not connect to h1"
	[ "$(sas 1)" = 1 ]
	[ "$(sas 2)" = 0 ]
	lab_kill "$(charon_pid 1)" KILL
	lab_wait 3 is_state h2 master
	lab_wait 30 gw_on 32 || fail "the gateway did not connect again, to h2"
	[ "$(sas 2)" = 1 ]
	# charon back on h1: h1 takes the address again, the gateway's dead
	# peer detection finds h2's IKE_SA unknown there and connects to h1
	charon 1
	lab_wait 6 is_state h1 master
	lab_wait 30 gw_on 16 || fail "the gateway did not connect again, to h1"
	[ "$(sas 1)" = 1 ]
}
