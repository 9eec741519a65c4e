#!/usr/bin/env bats
# ddns-syncd(8) on one node: configuration checks, the control socket (every
# request, and bad input of every kind), status files, the journal, SIGHUP
# enable and disable, privileges.  The daemon runs in a lab host of its own
# (tests/lab/), so that its TCP port is never the machine's.

load helper
load lab/lab

setup() {
	D=$BATS_TEST_TMPDIR
	R=$D/run
	lab_up 1
	conf
}

teardown() {
	lab_down
	case $R in /tmp/ddns-syncd-u.*) rm -rf "$R" ;; esac
}

# conf [STATEMENT...]: $D/n.conf, a one-node cluster, plus the statements
conf() {
	{
		echo "set service ipsec-ddns self 192.0.2.11"
		echo "set service ipsec-ddns secret mysecretpassword"
		echo "set service ipsec-ddns domain vpn.example.org"
		echo "set service ipsec-ddns join-time 0.5"
		echo "set service ipsec-ddns enable"
		local s
		for s in "$@"; do echo "$s"; done
	} >"$D/n.conf"
}

# start [OPTION...]: ddns-syncd in h1, ready (-n) before it returns
start() {
	rm -f "$D/ready"
	mkfifo "$D/ready"
	lab_spawn h1 "$D/log" sh -c 'exec "$@" 3>"$0"' "$D/ready" \
	    "$VPNHA_BIN/ddns-syncd" -f "$D/n.conf" -r "$R" -n 3 "$@" >"$D/pid"
	notified "$D/ready" || fail "no readiness: $(cat "$D/log")"
}

ctl() {
	ddns-ctl -r "$R" "$@"
}

# raw LINE...: the lines, as they are, to the control socket; the reply
raw() {
	printf '%s\n' "$@" | socat -t 5 - "UNIX-CONNECT:$R/ddns/control"
}

@test "usage: unknown option or argument exits 100" {
	run ddns-syncd -x
	assert_failure 100
	assert_output --partial 'usage: ddns-syncd [-t] [-f CONF] [-r RUNDIR] [-n FD] [-l ADDRESS]'
	assert_output --partial '[-u USER] [-g GROUP]'
	run ddns-syncd extra
	assert_failure 100
	run ddns-syncd -n 1 -f "$D/n.conf"
	assert_failure 100
}

@test "config: the guide's rules, each an error with file:line, exit 100" {
	c=$D/bad.conf
	printf 'set service ipsec-ddns self 192.0.2.11\nset service ipsec-ddns secret short\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output "ddns-syncd: fatal: $c:2: secret: must be at least 8 characters"

	printf 'set service ipsec-ddns domain bad..example\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output "ddns-syncd: fatal: $c:1: domain: \"bad..example\" is not a valid domain name"

	printf 'set service ipsec-ddns secret mysecretpassword\nset service ipsec-ddns domain example.org\nset service ipsec-ddns enable\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output --regexp "^ddns-syncd: fatal: $c:[0-9]+: service ipsec-ddns has no self"

	printf 'set service ipsec-ddns self 192.0.2.11\nset service ipsec-ddns peer 192.0.2.12\nset service ipsec-ddns peer 192.0.2.13\nset service ipsec-ddns peer 192.0.2.12\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output "ddns-syncd: fatal: $c:4: peer 192.0.2.12 is listed twice (also at line 2)"

	printf 'set service ipsec-ddns self 192.0.2.11\nset service ipsec-ddns peer 192.0.2.11\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output "ddns-syncd: fatal: $c:2: peer 192.0.2.11 is this node's self address; list only the other nodes"

	printf 'set service ipsec-ddns self 192.0.2.11\nset service ipsec-ddns heartbeat 0.001\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output --partial "$c:2: "

	printf 'set service ipsec-ddns sekret x\n' >"$c"
	run ddns-syncd -f "$c" -r "$R"
	assert_failure 100
	assert_output --partial "$c:1: unknown word \"sekret\""
}

@test "config: a peer deleted then set again is not a duplicate" {
	conf "set service ipsec-ddns peer 192.0.2.12" \
	    "delete service ipsec-ddns peer 192.0.2.12" \
	    "set service ipsec-ddns peer 192.0.2.12" "set service ipsec-ddns join-time 0"
	start
	run cat "$R/ddns/members"
	assert_line --index 1 --regexp '^192\.0\.2\.12 down [0-9]+\.[0-9]{3} 0 down$'
}

@test "alone: Creating new ipsec-ddns cluster, in the log and the cluster file, before readiness" {
	start
	run cat "$R/ddns/cluster"
	assert_output 'Creating new ipsec-ddns cluster'
	grep -qx 'ddns-syncd: Creating new ipsec-ddns cluster' "$D/log"
	run ctl status
	assert_success
	assert_line 'cluster=Creating new ipsec-ddns cluster'
	assert_line 'self=192.0.2.11'
	assert_line 'domain=vpn.example.org'
	assert_line 'records=0'
	run ctl members
	assert_success
	assert_output --regexp '^192\.0\.2\.11 self [0-9]+\.[0-9]{3} 0 up$'
	run cat "$R/ddns/members"
	assert_output --regexp '^192\.0\.2\.11 self [0-9]+\.[0-9]{3} 0 up$'
}

@test "up, records, down, down with the address it no longer has" {
	start
	run ctl up gw1 192.0.2.50
	assert_success
	assert_output 'up gw1 192.0.2.50'
	run ctl up gw2 2001:db8::50
	assert_output 'up gw2 2001:db8::50'
	run ctl records
	assert_success
	assert_line --index 0 --regexp '^gw1 192\.0\.2\.50 192\.0\.2\.11 [0-9]+\.[0-9]{3}\.[0-9]+$'
	assert_line --index 1 --regexp '^gw2 2001:db8::50 192\.0\.2\.11 '
	# a gateway has one address: up again replaces it
	run ctl up gw1 192.0.2.51
	assert_success
	run ctl records
	assert_line --index 0 --regexp '^gw1 192\.0\.2\.51 '
	[ "${#lines[@]}" -eq 2 ]
	run ctl down gw1 192.0.2.50
	assert_failure 1
	assert_output 'ddns-ctl: error: gw1 has address 192.0.2.51, not 192.0.2.50: left as it is'
	run ctl down gw1 192.0.2.51
	assert_success
	assert_output 'down gw1'
	run ctl down gw2
	assert_success
	run ctl records
	assert_success
	assert_output ''
	run ctl down gw2
	assert_failure 1
	assert_output 'ddns-ctl: error: no record gw2'
	run ctl status
	assert_line 'records=0'
	assert_line 'tombstones=2'
}

@test "up: a certificate subject or a raw ID is sanitized; the reply names the label" {
	start
	run ctl up 'C=US, O=Acme, CN=gw 17' 192.0.2.60
	assert_success
	assert_output 'up gw-17 192.0.2.60'
	run ctl up '/C=US/O=Acme/CN=Zürich.north' 192.0.2.61
	assert_output 'up Z-rich-north 192.0.2.61'
	run ctl up 'SN:1234/56' 192.0.2.62
	assert_output 'up SN-1234-56 192.0.2.62'
	# labels match without regard to case, as DNS names do
	run ctl down GW-17
	assert_success
	run ctl records
	assert_output --regexp '^SN-1234-56 .*
Z-rich-north '
}

@test "bad input of every kind: error, and the table is unchanged" {
	start
	ctl up gw1 192.0.2.50 >/dev/null
	before=$(ctl records)
	run raw 'up --- 192.0.2.1'
	assert_output 'error: nothing left after sanitizing'
	run raw 'up gw2 192.0.2.300'
	assert_output 'error: the address is not an IPv4 or IPv6 address'
	run raw 'up gw2'
	assert_output 'error: usage: up GWID ADDRESS'
	run raw "up $(printf 'a%.0s' {1..64}) 192.0.2.1"
	assert_output 'error: label longer than 63 bytes'
	run raw 'up CN= 192.0.2.1'
	assert_output --partial 'error: '
	run raw 'down'
	assert_output 'error: usage: down GWID [ADDRESS]'
	run raw 'frobnicate gw1'
	assert_output 'error: unknown request (up, down, drain, undrain, members, records, status, subscribe)'
	run raw 'records please'
	assert_output 'error: this request takes no arguments'
	run raw ''
	assert_output --partial 'error: unknown request'
	run raw "up $(printf 'x%.0s' {1..1100}) 192.0.2.1"
	assert_output 'error: request longer than 1023 bytes'
	run bash -c "head -c 3000 /dev/urandom | socat -t 5 - UNIX-CONNECT:$R/ddns/control"
	refute_output --partial 'ok'
	run bash -c "printf 'up gw\\0x 192.0.2.9\\n' | socat -t 5 - UNIX-CONNECT:$R/ddns/control"
	assert_output 'error: NUL byte in request'
	[ "$(ctl records)" = "$before" ] || fail "table changed: $(ctl records)"
	run ctl status
	assert_line 'records=1'
	assert_line 'tombstones=0'
	lab_alive "$(cat "$D/pid")"
}

@test "several requests on one connection are answered in order" {
	start
	run raw 'up a 192.0.2.1' 'up b 192.0.2.2' 'bogus' 'down a' 'records'
	assert_success
	assert_output --regexp "^up a 192\.0\.2\.1
ok
up b 192\.0\.2\.2
ok
error: unknown request [^
]*
down a
ok
b 192\.0\.2\.2 192\.0\.2\.11 [0-9.]+
ok$"
}

@test "subscribe: the snapshot, a dot, then + and - lines as the table changes, each stamped" {
	start
	ctl up gw1 192.0.2.50 >/dev/null
	ctl up gw2 2001:db8::50 >/dev/null
	( echo subscribe; sleep 3 ) | socat -t 1 - "UNIX-CONNECT:$R/ddns/control" >"$D/sub" 2>&1 3>&- &
	sub=$!
	lab_wait 2 grep -q '^\. ' "$D/sub"
	ctl up gw3 192.0.2.52 >/dev/null
	ctl up gw1 192.0.2.53 >/dev/null
	ctl down gw2 >/dev/null
	ctl up gw2 2001:db8::50 >/dev/null
	ctl down gw2 2001:db8::50 >/dev/null
	ctl up gw3 192.0.2.52 >/dev/null	# the same address: only the stamp moves
	gw3=$(ctl records | awk '$1 == "gw3" { print $4 }')
	wait "$sub"
	run sed -E 's/ [0-9]+\.[0-9]{3}\.[0-9]+( |$)/\1/' "$D/sub"
	assert_output "+ gw1 192.0.2.50 192.0.2.11
+ gw2 2001:db8::50 192.0.2.11
@ 192.0.2.11 up
.
+ gw3 192.0.2.52 192.0.2.11
+ gw1 192.0.2.53 192.0.2.11
- gw2
+ gw2 2001:db8::50 192.0.2.11
- gw2
."
	# every line but @ has a stamp (the 4th word of +, the last of - and
	# .); the snapshot's dot holds the highest of the snapshot, every later
	# line a higher one than the line before
	run awk '
		function cmp(a, b) {	# of two stamps: -1, 0 or 1
			split(a, x, "."); split(b, y, ".")
			for (i = 1; i <= 3; i++)
				if (x[i] + 0 != y[i] + 0)
					return x[i] + 0 < y[i] + 0 ? -1 : 1
			return 0
		}
		$1 == "@" { next }
		{ st = $1 == "+" ? $4 : $NF }
		st !~ /^[0-9]+\.[0-9][0-9][0-9]\.[0-9]+$/ { print "bad: " $0; exit 1 }
		NR <= 2 { if (top == "" || cmp(st, top) > 0) top = st; next }
		NR == 4 { if (cmp(st, top) != 0) { print "dot " st " is not the highest " top; exit 1 } last = st; next }
		{ if (cmp(st, last) <= 0) { print "not increasing: " $0; exit 1 } last = st }' "$D/sub"
	assert_success
	# the last dot: gw3 published again, the table's high-water is its stamp
	run tail -n 1 "$D/sub"
	assert_output ". $gw3"
}

@test "subscribe: every configured node's state in the snapshot, self first, peers down until heard" {
	conf "set service ipsec-ddns peer 192.0.2.12" "set service ipsec-ddns peer 2001:db8::13" \
	    "set service ipsec-ddns join-time 0"
	start
	ctl up gw1 192.0.2.50 >/dev/null
	run raw subscribe
	assert_output --regexp '^\+ gw1 192\.0\.2\.50 [0-9]+\.[0-9]{3}\.[0-9]+ 192\.0\.2\.11
@ 192\.0\.2\.11 up
@ 192\.0\.2\.12 down
@ 2001:db8::13 down
\. [0-9]+\.[0-9]{3}\.[0-9]+$'
}

@test "subscribe: a subscriber that does not read is cut off, others go on" {
	start
	# a subscriber that reads its snapshot and then nothing more (once it
	# has the snapshot, so that the batch below is all changes to it), for
	# longer than the batch takes (30 s and more under the sanitizer on a
	# loaded machine; lab_down ends it)
	lab_spawn h1 "$D/stuck.log" python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"subscribe\n")
f = s.makefile("rb")
while True:
    line = f.readline()
    if not line or line.startswith(b"."):
        break
open(sys.argv[2], "w").close()
time.sleep(600)' "$R/ddns/control" "$D/stuck.ready" >/dev/null
	lab_wait 10 test -e "$D/stuck.ready"
	for i in $(seq 1 60000); do printf 'up gateway-number-%d 2001:db8::%x\n' "$i" "$i"; done >"$D/batch"
	socat -t 30 - "UNIX-CONNECT:$R/ddns/control" <"$D/batch" >"$D/batch.out"
	[ "$(grep -c '^ok$' "$D/batch.out")" -eq 60000 ]
	grep -q 'control: a subscriber is .* behind; disconnected' "$D/log"
	run ctl status
	assert_line 'records=60000'
}

@test "journal: a restart of the daemon alone republishes its records, stamps kept" {
	start
	ctl up gw1 192.0.2.50 >/dev/null
	ctl up gw2 192.0.2.51 >/dev/null
	ctl up gw3 192.0.2.52 >/dev/null
	ctl down gw2 >/dev/null
	before=$(ctl records)
	lab_kill "$(cat "$D/pid")" KILL
	lab_wait 5 ! lab_alive "$(cat "$D/pid")"
	start
	run ctl records
	assert_output "$before"
	[ "$(grep -c . "$R/ddns/journal")" -ge 2 ]
}

@test "drain and undrain: one @ line each to subscribers, members and status say it, the journal keeps it" {
	start
	ctl up gw1 192.0.2.50 >/dev/null
	( echo subscribe; sleep 4 ) | socat -t 1 - "UNIX-CONNECT:$R/ddns/control" >"$D/sub" 2>&1 3>&- &
	sub=$!
	lab_wait 2 grep -q '^\. ' "$D/sub"
	run ctl drain
	assert_success
	assert_output 'drained 192.0.2.11'
	run ctl drain		# again: nothing changes, still ok
	assert_success
	assert_output 'drained 192.0.2.11'
	run ctl members
	assert_output --regexp '^192\.0\.2\.11 self [0-9]+\.[0-9]{3} 1 drained$'
	run cat "$R/ddns/members"
	assert_output --regexp '^192\.0\.2\.11 self [0-9]+\.[0-9]{3} 1 drained$'
	run ctl status
	assert_line 'drained=1'
	grep -qx 'ddns-syncd: drained: out of pool answers on every node' "$D/log"
	grep -qx 'drained' "$R/ddns/journal"
	# the gateways it carries stay published: only pool answers leave it
	run ctl records
	assert_output --regexp '^gw1 192\.0\.2\.50 192\.0\.2\.11 '
	# a restart of the daemon alone keeps it, from the journal
	lab_kill "$(cat "$D/pid")" KILL
	lab_wait 5 ! lab_alive "$(cat "$D/pid")"
	wait "$sub" || :
	run grep '^@' "$D/sub"
	assert_output '@ 192.0.2.11 up
@ 192.0.2.11 drained'
	start
	run raw subscribe
	assert_line '@ 192.0.2.11 drained'
	run ctl undrain
	assert_success
	assert_output 'undrained 192.0.2.11'
	run ctl members
	assert_output --regexp ' 1 up$'
	run raw subscribe
	assert_line '@ 192.0.2.11 up'
	# undrained survives a restart too
	lab_kill "$(cat "$D/pid")" KILL
	lab_wait 5 ! lab_alive "$(cat "$D/pid")"
	start
	run ctl status
	assert_line 'drained=0'
}

@test "drain: refused while DDNS is disabled; takes no argument" {
	conf
	sed -i '/enable/d' "$D/n.conf"
	start
	run ctl drain
	assert_failure 1
	assert_output --partial 'DDNS is disabled'
	run raw 'drain now' 'undrain x' undrain
	assert_output "error: this request takes no arguments
error: this request takes no arguments
error: DDNS is disabled (set service ipsec-ddns enable, then SIGHUP)"
	# disabled: no cluster, so no node to tell of
	run raw subscribe
	refute_output --partial '@'
}

@test "without enable: validates, says DDNS is disabled, idles; SIGHUP enables and disables" {
	conf
	sed -i '/enable/d' "$D/n.conf"
	start
	grep -q 'ddns-syncd: DDNS is disabled' "$D/log"
	[ ! -e "$R/ddns/cluster" ]
	run ctl status
	assert_line 'cluster=disabled'
	run ctl up gw1 192.0.2.1
	assert_failure 1
	assert_output --partial 'DDNS is disabled'
	echo 'set service ipsec-ddns enable' >>"$D/n.conf"
	lab_kill "$(cat "$D/pid")" HUP
	lab_wait 5 grep -qx 'Creating new ipsec-ddns cluster' "$R/ddns/cluster"
	run ctl up gw1 192.0.2.1
	assert_success
	echo 'delete service ipsec-ddns enable' >>"$D/n.conf"
	lab_kill "$(cat "$D/pid")" HUP
	lab_wait 5 test ! -e "$R/ddns/cluster"
	grep -q 'ddns-syncd: left the cluster' "$D/log"
	run ctl status
	assert_line 'cluster=disabled'
	# a bad file on SIGHUP: kept running, the error logged
	echo 'set service ipsec-ddns bogus 1' >>"$D/n.conf"
	lab_kill "$(cat "$D/pid")" HUP
	lab_wait 5 grep -q "reload: $D/n.conf:.*keeping the running configuration" "$D/log"
	lab_alive "$(cat "$D/pid")"
}

@test "privileges: no capability kept; -u USER runs as that user" {
	start
	pid=$(pgrep -P "$(cat "$D/pid")" ddns-syncd || cat "$D/pid")
	run grep -E '^Cap(Eff|Prm):' "/proc/$pid/status"
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --regexp '^CapPrm:[[:space:]]+0+$'
	lab_kill "$(cat "$D/pid")"
	lab_wait 5 ! lab_alive "$(cat "$D/pid")"
	# a run directory the user can reach (the test's own is 0700)
	R=$(mktemp -d /tmp/ddns-syncd-u.XXXXXX)
	chmod 755 "$R"
	start -u nobody
	pid=$(pgrep -P "$(cat "$D/pid")" ddns-syncd || cat "$D/pid")
	run stat -c %U "/proc/$pid"
	assert_output nobody
	run ctl up gw1 192.0.2.1
	assert_success
	grep -q gw1 "$R/ddns/journal" || fail "journal: $(ls -la "$R/ddns"; cat "$D/log")"
}

@test "-g GROUP: the control socket is 0660 and the group's; an unknown group exits 100" {
	start -g 65534
	run stat -c '%a %U %g' "$R/ddns/control"
	assert_output '660 root 65534'
	run ddns-syncd -f "$D/n.conf" -r "$D/other" -g no-such-group-here
	assert_failure 100
	assert_output --partial '-g no-such-group-here: no such group'
}

@test "-l ADDRESS: peers are accepted on that address only; not an address exits 100" {
	start -l 192.0.2.11
	run lab_exec h1 ss -Hltn 'sport = :9100'
	assert_output --regexp '192\.0\.2\.11:9100 '
	refute_output --partial '*:9100'
	lab_kill "$(cat "$D/pid")"
	lab_wait 5 ! lab_alive "$(cat "$D/pid")"
	start -l 2001:db8::11
	run lab_exec h1 ss -Hltn 'sport = :9100'
	assert_output --regexp '\[2001:db8::11\]:9100 '
	run ddns-syncd -f "$D/n.conf" -r "$D/other" -l 192.0.2.300
	assert_failure 100
	assert_output 'ddns-syncd: fatal: -l 192.0.2.300: not an IPv4 or IPv6 address'
}
