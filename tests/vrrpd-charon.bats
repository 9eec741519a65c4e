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
# virtual IP says which node it is connected to)
concentrator() {
	local i=$1 pool=$2
	swan_node "$D/h$i" "$D/ca" vpn
	cat >"$D/h$i/swanctl/swanctl.conf" <<-EOF
	connections {
		gateways {
			version = 2
			local_addrs = $VIP
			pools = gateways
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

# cluster [HOSTS]: the lab, the CA, both concentrators with their charon
# running, and h1's and h2's vrrpd configuration tracking it (the group's
# statements of vrrp.bash's group, then STATEMENTS of $TRACK)
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
	grep -q '^.*loaded plugins: .*vici' "$D/h1/charon.log"
	grep -q "^.*loaded plugins: .*vici" "$D/h2/charon.log"
}

# vrrp WEIGHT: both vrrpd, tracking their charon (with WEIGHT if given),
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
