#!/usr/bin/env bats
# One verdict per file: for every rule of vpnha.conf beyond a single
# statement (tests/conf-rules.bash), vpnha-checkconf, `DAEMON -t`, the
# daemon's start and its reload say the same thing, with the same
# file:line.  The daemons run in a lab host (tests/lab/), so that nothing
# they might do reaches the machine.

load helper
load lab/lab
load conf-rules

DAEMONS='vrrpd ddns-syncd ddns-named'

setup() {
	D=$BATS_TEST_TMPDIR
	R=$D/run
	F=$D/vpnha.conf
	echo 'gw1 192.0.2.10' >"$D/records"
	lab_up 1
}

teardown() {
	lab_down
}

# args DAEMON: what it needs beyond -f to start in h1
args() {
	case $1 in
	vrrpd | ddns-syncd) echo "-r $R" ;;
	ddns-named) echo "-r $R -l 127.0.0.1:5300 -d $D/records" ;;
	esac
}

# refused MESSAGE STATEMENT...: every caller refuses the file, exit 100,
# with MESSAGE on stderr and nothing else
refused() {
	local msg=$1 d want
	shift
	rules_write "$F" "$@"
	run vpnha-checkconf -q -f "$F"
	[ "$status" -eq 100 ] || fail "vpnha-checkconf: exit $status for: $msg"
	for d in $DAEMONS; do
		want="$d: fatal: ${msg//FILE/$F}"
		run lab_exec h1 timeout 20 "$VPNHA_BIN/$d" -t -f "$F"
		[ "$status" -eq 100 ] || fail "$d -t: exit $status for: $msg"
		[ "$output" = "$want" ] || fail "$d -t: \"$output\", not \"$want\""
		# shellcheck disable=SC2046
		run lab_exec h1 timeout 20 "$VPNHA_BIN/$d" -f "$F" $(args "$d")
		[ "$status" -eq 100 ] || fail "$d: exit $status for: $msg"
		[ "$output" = "$want" ] || fail "$d: \"$output\", not \"$want\""
	done
}

@test "-t: nothing printed and exit 0 for a good file, as vpnha-checkconf -q" {
	rules_write "$F"
	run vpnha-checkconf -q -f "$F"
	assert_success
	assert_output ''
	for d in $DAEMONS; do
		run lab_exec h1 "$VPNHA_BIN/$d" -t -f "$F"
		assert_success
		assert_output ''
	done
	[ ! -e "$R" ]	# -t creates nothing
}

@test "every rule: vpnha-checkconf, DAEMON -t and the daemon's start refuse it alike" {
	rules_each refused
}

@test "-t checks what the daemon itself needs too: vrrpd a group, ddns-named a domain; -d RECORDS is read" {
	printf '%s\n' 'set service ipsec-ddns domain vpn.example.org' >"$F"
	run lab_exec h1 "$VPNHA_BIN/vrrpd" -t -f "$F"
	assert_failure 100
	assert_output "vrrpd: fatal: $F: no vrrp-group configured"
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.100/24' >"$F"
	run lab_exec h1 "$VPNHA_BIN/ddns-named" -t -f "$F"
	assert_failure 100
	assert_output "ddns-named: fatal: $F: no domain: set service ipsec-ddns domain NAME"
	run lab_exec h1 "$VPNHA_BIN/ddns-syncd" -t -f "$F"
	assert_success
	rules_write "$F"
	echo 'gw1 not-an-address' >"$D/bad.records"
	run lab_exec h1 "$VPNHA_BIN/ddns-named" -t -f "$F" -d "$D/bad.records"
	assert_failure 100
	assert_output --partial "bad.records:1: "
	run lab_exec h1 "$VPNHA_BIN/vrrpd" -t -f "$D/missing"
	assert_failure 100
	assert_output --partial "missing: unable to open"
}

# markers: statements every rule leaves alone, which a reload shows
markers() {
	printf '%s\n' 'set interfaces ethernet eth0 vrrp vrrp-group 1 priority 200' \
	    'set service ipsec-ddns port 9101' 'set service ipsec-ddns ttl 300' >>"$F"
}

# ttl: the TTL ddns-named gives gw1
ttl() {
	lab_exec h1 dig @127.0.0.1 -p 5300 +norec +tries=1 +time=2 +noall \
	    +answer gw1.vpn.example.org A | awk '{ print $2 }'
}

ttl_is() {
	[ "$(ttl)" = "$1" ]
}

# kept MESSAGE STATEMENT...: each daemon, on SIGHUP, logs the error and
# keeps running
kept() {
	local msg=$1 d line
	shift
	rules_write "$F" "$@"
	markers
	for d in $DAEMONS; do
		lab_kill "$(cat "$D/$d.pid")" HUP
	done
	for d in $DAEMONS; do
		line="$d: warning: reload: ${msg//FILE/$F}; keeping the running configuration"
		lab_wait 10 grep -qxF "$line" "$D/$d.log" ||
		    fail "$d did not log: $line"
		lab_alive "$(cat "$D/$d.pid")" || fail "$d died on: $msg"
	done
}

@test "every rule: each daemon's reload logs the same message and keeps its running configuration" {
	rules_write "$F"
	for d in $DAEMONS; do
		# shellcheck disable=SC2046
		lab_spawn h1 "$D/$d.log" "$VPNHA_BIN/$d" -f "$F" $(args "$d") >"$D/$d.pid"
	done
	lab_wait 10 test -s "$R/vrrpd/eth0.1"
	lab_wait 10 test -s "$R/ddns/cluster"
	lab_wait 10 grep -q 'ddns-named: serving' "$D/ddns-named.log"
	rules_each kept
	# nothing of the refused files was applied
	grep -qx 'config_priority=100' "$R/vrrpd/eth0.1"
	run ddns-ctl -r "$R" status
	assert_line 'port=9100'
	run ttl
	assert_output 30
	# and a good file is
	rules_write "$F"
	markers
	for d in $DAEMONS; do
		lab_kill "$(cat "$D/$d.pid")" HUP
	done
	lab_wait 10 grep -qx 'config_priority=200' "$R/vrrpd/eth0.1"
	lab_wait 10 sh -c "ddns-ctl -r '$R' status | grep -qx port=9101"
	lab_wait 10 ttl_is 300
}

# lines_are N LINE FILE: FILE has LINE N times
lines_are() {
	[ "$(grep -cxF "$2" "$3")" = "$1" ]
}

@test "a secret others may read: each daemon warns at start, at reload and with -t, and goes on" {
	rules_write "$F"
	chmod 644 "$F"
	w="$F: others may read it, and it holds a secret: chmod o-r $F"
	for d in $DAEMONS; do
		run lab_exec h1 "$VPNHA_BIN/$d" -t -f "$F"
		assert_success
		assert_output "$d: warning: $w"
		# shellcheck disable=SC2046
		lab_spawn h1 "$D/$d.log" "$VPNHA_BIN/$d" -f "$F" $(args "$d") >"$D/$d.pid"
		lab_wait 10 grep -qxF "$d: warning: $w" "$D/$d.log"
		lab_kill "$(cat "$D/$d.pid")" HUP
		lab_wait 10 lines_are 2 "$d: warning: $w" "$D/$d.log"
		lab_alive "$(cat "$D/$d.pid")"
	done
}
