# A VRRP pair of concentrators with strongSwan's ha plugin, and gateways
# that ping through their tunnels: the lab of tests/strongswan-ha.bats and
# tests/bench/strongswan-ha.sh (issue 17).  Loaded after lab/lab and
# lab/swan.
#
#   h1, h2   concentrators: out 192.0.2.11/.12, in 192.0.2.139/.140;
#            charon (ha plugin: local = in, remote = the other's in),
#            vrrpd (VRID 1 on eth0 = $HA_VIP, VRID 2 on eth1 = $HA_INVIP,
#            one sync group, priorities 200 and 100, no preempt, charon
#            tracked, contrib/strongswan/ha/ha-segment as -x), ddns-syncd
#            and ddns-named on the in address, the contrib updown
#   h3...    gateways gw1... (out 192.0.2.13...): charon, IKEv2 with a
#            certificate of CN gwK to $HA_VIP, a virtual IP, dead peer
#            detection every 2 s; ping $HA_INVIP through the tunnel every
#            10 ms (the active node answers itself)
#
# Settings, set before ha_up: D (a directory of the run), HA_GW (number
# of gateways), HA_ADVERT (the advert interval, 1 or 0.1), HA_PLUGIN (yes:
# the ha plugin and the hook; no: each node a charon of its own with a
# pool of its own, the gateways reconnect by dead peer detection), HA_CA
# (where ha_certs made the certificates).
#
# Each concentrator's charon is exec'd through a symlink of its own name
# (the lab's hosts share one process table, and vrrpd tracks a process by
# its name: see tests/vrrpd-charon.bats).

HA_VIP=192.0.2.100
HA_INVIP=192.0.2.200
HA_DOMAIN=vpn.example.org
HA_VPNDN="C=US, O=Example, CN=vpn.example.org"
# shellcheck disable=SC2153 # set by lab/swan
HA_HOOK=$SWAN_TOP/contrib/strongswan/ha/ha-segment
HA_UPDOWN=$SWAN_TOP/contrib/strongswan/updown
: "${HA_GW:=20}" "${HA_ADVERT:=1}" "${HA_PLUGIN:=yes}"

# ha_certs DIR N: a CA, the service's certificate and gw1..gwN in DIR
ha_certs() {
	local dir=$1 n=$2 k
	mkdir -p "$dir" && swan_ca "$dir" && swan_cert "$dir" vpn "$HA_VPNDN" ||
		return 1
	for ((k = 1; k <= n; k++)); do
		swan_cert "$dir" "gw$k" "C=US, O=Example, CN=gw$k" || return 1
	done
}

# ha_cname I: the name hI's charon runs by
ha_cname() {
	echo "charon$1.$$"
}

# ha_run I: hI's /run for charon, and the vpnha run directory in it
ha_run() {
	echo "$D/h$1/run"
}

_ha_esp() {
	# charon's own ESP has AES-CBC and HMAC here, not GCM
	[ "$SWAN_ESP" = libipsec ] && echo 'esp_proposals = aes128-sha256'
}

# _ha_plugin I: the plugins.ha section of hI (contrib's settings)
_ha_plugin() {
	local self=$((138 + $1)) peer=$((141 - $1))
	sed -n '/^\t\tha {/,/^\t\t}/p' "$SWAN_TOP/contrib/strongswan/ha/strongswan-ha.conf" |
		sed -e "s/local = .*/local = 192.0.2.$self/" \
		    -e "s/remote = .*/remote = 192.0.2.$peer/" \
		    -e "s|gateways = .*|gateways = 198.51.100.64/26|" |
		sed -e '1i\	plugins {' -e '$a\	}'
}

# _ha_concentrator I: hI's charon directory
_ha_concentrator() {
	local i=$1 pools=
	if [ "$HA_PLUGIN" = yes ]; then
		SWAN_PLUGINS_CHARON="$SWAN_PLUGINS_CHARON ha" \
			swan_node "$D/h$i" "$HA_CA" vpn "$(_ha_plugin "$i")" || return 1
	else
		swan_node "$D/h$i" "$HA_CA" vpn || return 1
		pools="pools { gateways { addrs = 198.51.100.$((i * 64))/26 } }"
	fi
	cat >"$D/h$i/swanctl/swanctl.conf" <<-EOF
	connections {
		gateways {
			version = 2
			local_addrs = $HA_VIP
			pools = gateways
			mobike = no
			local {
				auth = pubkey
				certs = vpn.pem
				id = "$HA_VPNDN"
			}
			remote {
				auth = pubkey
			}
			children {
				gateways {
					local_ts = 192.0.2.128/25
					updown = VPNHA_RUNDIR=/run/vpnha DDNS_CTL=$VPNHA_BIN/ddns-ctl $HA_UPDOWN
					$(_ha_esp)
				}
			}
		}
	}
	$pools
	EOF
	ln -sf "$SWAN_CHARON" "$D/bin/$(ha_cname "$i")"
}

# _ha_gateway K: gwK's charon directory, on host h(K+2).  Its
# retransmissions (0.5 s, then 1.4 times longer, 5 times: 8 s in all)
# outlast Master_Down_Interval, so that a takeover is not taken for a
# dead peer (FINDINGS.md, 2b); dpd_action = restart: without the ha
# plugin it connects again, to whichever node holds $HA_VIP.
_ha_gateway() {
	local k=$1
	swan_node "$D/gw$k" "$HA_CA" "gw$k" 'retransmit_tries = 5' || return 1
	cat >"$D/gw$k/swanctl/swanctl.conf" <<-EOF
	connections {
		vpn {
			version = 2
			remote_addrs = $HA_VIP
			vips = 0.0.0.0
			dpd_delay = 2s
			keyingtries = 0
			local {
				auth = pubkey
				certs = gw$k.pem
				id = "C=US, O=Example, CN=gw$k"
			}
			remote {
				auth = pubkey
				id = "$HA_VPNDN"
			}
			children {
				vpn {
					remote_ts = 192.0.2.128/25
					start_action = start
					dpd_action = restart
					$(_ha_esp)
				}
			}
		}
	}
	EOF
}

# ha_charon I: start hI's charon by its own name; its PID in $D/charonI.pid
ha_charon() {
	local i=$1
	SWAN_CHARON=$D/bin/$(ha_cname "$i") swan_start "h$i" "$D/h$i" \
		>"$D/charon$i.pid" || return 1
	if [ "$HA_PLUGIN" = yes ]; then
		lab_wait 5 test -p "$(ha_run "$i")/charon.ha" || return 1
	fi
}

# ha_ddns I: ddns-syncd and ddns-named of hI on its in address, ready
ha_ddns() {
	local i=$1 self=192.0.2.$((138 + $1)) peer=192.0.2.$((141 - $1)) run
	run=$(ha_run "$i")/vpnha
	mkdir -p "$run"
	cat >"$D/ddns$i.conf" <<-EOF
	set service ipsec-ddns self $self
	set service ipsec-ddns peer $peer
	set service ipsec-ddns secret ha-lab-secret
	set service ipsec-ddns domain $HA_DOMAIN
	set service ipsec-ddns heartbeat 0.2
	set service ipsec-ddns join-time 1
	set service ipsec-ddns enable
	EOF
	rm -f "$D/s$i.ready" "$D/n$i.ready"
	mkfifo "$D/s$i.ready" "$D/n$i.ready"
	# shellcheck disable=SC2016 # expanded by that sh
	lab_spawn "h$i" "$D/syncd$i.log" sh -c 'exec "$@" 3>"$0"' "$D/s$i.ready" \
		"$VPNHA_BIN/ddns-syncd" -f "$D/ddns$i.conf" -r "$run" -n 3 \
		>"$D/syncd$i.pid" || return 1
	[ "$(timeout 20 head -c 1 "$D/s$i.ready" | wc -c)" = 1 ] || return 1
	# shellcheck disable=SC2016 # expanded by that sh
	lab_spawn "h$i" "$D/named$i.log" sh -c 'exec "$@" 3>"$0"' "$D/n$i.ready" \
		"$VPNHA_BIN/ddns-named" -f "$D/ddns$i.conf" -r "$run" -l "$self" \
		-n 3 >"$D/named$i.pid" || return 1
	[ "$(timeout 20 head -c 1 "$D/n$i.ready" | wc -c)" = 1 ]
}

# ha_vrrpd I: hI's vrrpd, in the initial network namespace first (a
# tracked process's events reach only that one), then in hI's
ha_vrrpd() {
	local i=$1 g v=2 run
	run=$(ha_run "$i")/vpnha
	[ "$HA_ADVERT" = 1 ] || v=3
	: >"$D/v$i.conf"
	for g in "eth0 1 $HA_VIP/25" "eth1 2 $HA_INVIP/25"; do
		# shellcheck disable=SC2086 # three words
		set -- $g
		cat >>"$D/v$i.conf" <<-EOF
		set interfaces ethernet $1 vrrp vrrp-group $2 virtual-address $3
		set interfaces ethernet $1 vrrp vrrp-group $2 priority $((300 - 100 * i))
		set interfaces ethernet $1 vrrp vrrp-group $2 sync-group HA
		set interfaces ethernet $1 vrrp vrrp-group $2 version $v
		set interfaces ethernet $1 vrrp vrrp-group $2 advertise-interval $HA_ADVERT
		set interfaces ethernet $1 vrrp vrrp-group $2 preempt false
		set interfaces ethernet $1 vrrp vrrp-group $2 track process $(ha_cname "$i")
		EOF
	done
	local -a hook=()
	if [ "$HA_PLUGIN" = yes ]; then
		hook=(-x "$HA_HOOK")
	fi
	# shellcheck disable=SC2046 # words without spaces
	lab_spawn_init "$D/vrrpd$i.log" env $(_ha_hook_env "$i") \
		"$VPNHA_BIN/vrrpd" -N "$(lab_ns "h$i")" -f "$D/v$i.conf" -r "$run" \
		"${hook[@]}" >"$D/vrrpd$i.pid" || return 1
	lab_wait 5 test -S "$run/vrrpd/control"
}

# _ha_hook_env I: the settings of hI's hook, NAME=VALUE words (no spaces)
_ha_hook_env() {
	local run
	run=$(ha_run "$1")
	echo HA_GROUP=eth0.1 VPNHA_RUNDIR="$run/vpnha" HA_FIFO="$run/charon.ha" \
		HA_PIDFILE="$run/charon.pid" HA_STATE="$D/hook$1" \
		VICI_URI="unix://$run/charon.vici" \
		STRONGSWAN_CONF="$D/h$1/strongswan.conf" DDNS_CTL="$VPNHA_BIN/ddns-ctl"
}

# ha_hook I ARGS...: hI's hook run by hand, as vrrpd runs it
ha_hook() {
	local i=$1
	shift
	# shellcheck disable=SC2046 # words without spaces
	env $(_ha_hook_env "$i") "$HA_HOOK" "$@"
}

# ha_state I: hI's state of VRID 1 (vrrpd's status file)
ha_state() {
	sed -n 's/^state=//p' "$(ha_run "$1")/vpnha/vrrpd/eth0.1" 2>/dev/null
}

ha_state_is() {
	[ "$(ha_state "$1")" = "$2" ]
}

# ha_swan NAME ARGS...: swanctl to the charon of NAME (h1, h2, gwK)
ha_swan() {
	local n=$1
	shift
	swan_ctl "$D/$n" "$@"
}

# ha_ike_spis NAME: NAME's IKE_SAs, "INITIATOR_RESPONDER STATE" a line
ha_ike_spis() {
	ha_swan "$1" --list-sas --raw 2>/dev/null |
		sed -n 's/.* state=\([A-Z_]*\) .* initiator-spi=\([0-9a-f]*\) responder-spi=\([0-9a-f]*\) .*/\2_\3 \1/p'
}

# ha_installed NAME: NAME has a CHILD_SA installed
ha_installed() {
	ha_swan "$1" --list-sas --raw 2>/dev/null | grep -q 'state=INSTALLED'
}

# ha_count_state NAME STATE: how many IKE_SAs NAME has in STATE
ha_count_state() {
	ha_swan "$1" --list-sas --raw 2>/dev/null | grep -o " state=$2 " | wc -l
}

ha_count_is() {
	[ "$(ha_count_state "$1" "$2")" = "$3" ]
}

# ha_vip K: gwK's virtual IP
ha_vip() {
	ha_swan "gw$1" --list-sas --raw 2>/dev/null |
		sed -n 's/.*local-vips=\[\([0-9.]*\)\].*/\1/p' | head -n 1
}

# ha_dig I NAME: hI's ddns-named's A answer for NAME, or its status
ha_dig() {
	lab_dig "h$1" "192.0.2.$((138 + $1))" "$2"
}

# ha_names I: "gwK ADDRESS" for every gateway, as hI's DNS answers
ha_names() {
	local k
	for ((k = 1; k <= HA_GW; k++)); do
		echo "gw$k $(ha_dig "$1" "gw$k.$HA_DOMAIN")"
	done
}

# ha_published: both nodes' DNS answer every gateway with its virtual IP
ha_published() {
	local k v
	for ((k = 1; k <= HA_GW; k++)); do
		v=$(ha_vip "$k")
		[ -n "$v" ] && [ "$(ha_dig 1 "gw$k.$HA_DOMAIN")" = "$v" ] &&
			[ "$(ha_dig 2 "gw$k.$HA_DOMAIN")" = "$v" ] || return 1
	done
}

# ha_all_installed: every gateway has its CHILD_SA
ha_all_installed() {
	local k
	for ((k = 1; k <= HA_GW; k++)); do
		ha_installed "gw$k" || return 1
	done
}

# ha_pingers: every gateway pings $HA_INVIP every 10 ms, timestamps on
ha_pingers() {
	local k
	for ((k = 1; k <= HA_GW; k++)); do
		lab_spawn "h$((k + 2))" "$D/ping$k.log" stdbuf -oL \
			ping -n -D -i 0.01 -W 1 "$HA_INVIP" >"$D/ping$k.pid" || return 1
	done
}

# ha_master_since I: when hI's vrrpd last changed the state of VRID 1
# (epoch s): replies stamped after a takeover's have come through the new
# master, where replies stamped after the kill may have been on their way
ha_master_since() {
	sed -n 's/^last_transition=//p' "$(ha_run "$1")/vpnha/vrrpd/eth0.1" 2>/dev/null
}

# ha_replied_after K T: gwK has had a reply stamped after T (epoch s)
ha_replied_after() {
	awk -v t="$2" '/bytes from/ { s = substr($1, 2, length($1) - 2) + 0; if (s > t) { f = 1; exit } }
		END { exit !f }' "$D/ping$1.log"
}

# ha_all_replied_after T: every gateway has
ha_all_replied_after() {
	local k
	for ((k = 1; k <= HA_GW; k++)); do
		ha_replied_after "$k" "$1" || return 1
	done
}

# ha_gap K FROM: the largest gap between gwK's replies from FROM - 10 s
# on that ends after FROM (s, 3 decimals)
ha_gap() {
	awk -v from="$2" '
	/bytes from/ {
		t = substr($1, 2, length($1) - 2) + 0
		if (t < from - 10) { last = t; next }
		if (last != "" && t > from && t - last > max) max = t - last
		last = t
	}
	END { printf "%.3f\n", max }' "$D/ping$1.log"
}

# ha_up: the whole lab, every gateway connected and published, pinging
ha_up() {
	local i k
	mkdir -p "$D/bin"
	lab_up -2 $((HA_GW + 2)) || return 1
	for ((k = 1; k <= HA_GW; k++)); do
		lab_link "h$((k + 2))" eth1 admin-down || return 1
	done
	: "${SWAN_ESP:=$(swan_esp)}"
	for i in 1 2; do
		_ha_concentrator "$i" && ha_ddns "$i" && ha_charon "$i" || return 1
	done
	# Each charon asks its peer for every SA 1 s after its start; a
	# gateway that connects before h1 has answered would be copied to h2
	# twice (FINDINGS.md, "Duplicates")
	if [ "$HA_PLUGIN" = yes ]; then
		for i in 1 2; do
			lab_wait 5 grep -q 'requesting HA resynchronization' \
				"$D/h$i/charon.log" || return 1
		done
		lab_wait 5 grep -q 'resyncing HA segment' "$D/h1/charon.log" || return 1
	fi
	for i in 1 2; do
		ha_vrrpd "$i" || return 1
	done
	lab_wait 15 ha_state_is 1 master || return 1
	lab_wait 5 ha_state_is 2 backup || return 1
	if [ "$HA_PLUGIN" = yes ]; then
		lab_wait 5 grep -q 'told charon .* +1' "$D/vrrpd1.log" || return 1
	fi
	for ((k = 1; k <= HA_GW; k++)); do
		_ha_gateway "$k" || return 1
		swan_start "h$((k + 2))" "$D/gw$k" >"$D/gw$k.pid" || return 1
	done
	lab_wait 60 ha_all_installed || return 1
	if [ "$HA_PLUGIN" = yes ]; then
		lab_wait 10 ha_count_is h2 PASSIVE "$HA_GW" || return 1
	fi
	lab_wait 20 ha_published || return 1
	ha_pingers || return 1
	lab_wait 10 ha_all_replied_after "$EPOCHREALTIME"
}

# ha_kill I: SIGKILL hI's vrrpd and charon together
ha_kill() {
	lab_kill "$(cat "$D/vrrpd$1.pid")" KILL
	lab_kill "$(cat "$D/charon$1.pid")" KILL
}
