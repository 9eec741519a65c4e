#!/usr/bin/env bats
# The run directory and what the daemons make in it, when someone else can
# write there: with -u USER, RUNDIR/vrrpd and RUNDIR/ddns are USER's, and
# what USER puts there (a symbolic link where a file is about to be
# written, or a socket swapped for one) must not make root write or chown
# anything else.  The daemons run in a lab host (tests/lab/).

load helper
load lab/lab

setup() {
	D=$BATS_TEST_TMPDIR
	lab_up 1
	# a run directory the daemons can reach as nobody (the test's is 0700)
	R=$(mktemp -d /tmp/vpnha-rundir.XXXXXX)
	chmod 755 "$R"
	# what an attacker would point at: root's, 0644
	mkdir "$D/etc"
	echo precious >"$D/etc/target"
	chmod 644 "$D/etc/target"
	printf '%s\n' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.100/24' \
	    'set service ipsec-ddns self 192.0.2.11' \
	    'set service ipsec-ddns secret mysecretpassword' \
	    'set service ipsec-ddns domain vpn.example.org' \
	    'set service ipsec-ddns join-time 0' \
	    'set service ipsec-ddns enable' >"$D/vpnha.conf"
	chmod 600 "$D/vpnha.conf"
}

teardown() {
	lab_down
	case $R in /tmp/vpnha-rundir.*) rm -rf "$R" ;; esac
}

# untouched: the target is as the test made it
untouched() {
	run stat -c '%U %G %a' "$D/etc/target"
	assert_output 'root root 644'
	run cat "$D/etc/target"
	assert_output precious
}

# spawn DAEMON [OPTION...]: DAEMON in h1 on $R, with the environment
# ENV=(VAR=VALUE...) if set; its PID in $D/DAEMON.pid
spawn() {
	local d=$1
	shift
	lab_spawn h1 "$D/$d.log" env "${ENV[@]}" "$VPNHA_BIN/$d" \
	    -f "$D/vpnha.conf" -r "$R" "$@" >"$D/$d.pid"
}

# refused DAEMON MESSAGE [OPTION...]: it exits 100 at once with MESSAGE
refused() {
	local d=$1 msg=$2
	shift 2
	run lab_exec h1 timeout 10 "$VPNHA_BIN/$d" -f "$D/vpnha.conf" -r "$R" "$@"
	assert_failure 100
	assert_output "$d: fatal: $msg"
}

@test "vrrpd: a status file's NAME.new planted as a symbolic link is removed, not followed" {
	mkdir "$R/vrrpd"
	ln -s "$D/etc/target" "$R/vrrpd/eth0.1.new"
	spawn vrrpd
	lab_wait 10 grep -q '^state=' "$R/vrrpd/eth0.1"
	untouched
	[ -f "$R/vrrpd/eth0.1" ] && [ ! -L "$R/vrrpd/eth0.1" ]
	[ ! -e "$R/vrrpd/eth0.1.new" ] && [ ! -L "$R/vrrpd/eth0.1.new" ]
}

@test "ddns-syncd: status files' NAME.new planted as symbolic links are removed, not followed" {
	mkdir "$R/ddns"
	ln -s "$D/etc/target" "$R/ddns/cluster.new"
	ln -s "$D/etc/target" "$R/ddns/members.new"
	spawn ddns-syncd
	lab_wait 10 grep -qx 'Creating new ipsec-ddns cluster' "$R/ddns/cluster"
	lab_wait 10 test -s "$R/ddns/members"
	untouched
	[ ! -L "$R/ddns/cluster" ] && [ ! -L "$R/ddns/members" ]
	# a stale NAME.new of a crash, a plain file, is no obstacle either
	lab_kill "$(cat "$D/ddns-syncd.pid")"
	lab_wait 5 ! lab_alive "$(cat "$D/ddns-syncd.pid")"
	echo stale >"$R/ddns/cluster.new"
	spawn ddns-syncd
	lab_wait 10 test ! -e "$R/ddns/cluster.new"
	grep -qx 'Creating new ipsec-ddns cluster' "$R/ddns/cluster"
}

# swapped DAEMON DIR FILE: with -u nobody -g nogroup, DAEMON's control
# socket is swapped for a link to the target right after bind(); the
# target stays as it was, and the socket was born nobody's, 0660
swapped() {
	local d=$1 dir=$2 file=$3
	cc -shared -fPIC -o "$D/bindswap.so" "$VPNHA_TOP/tests/shim/bindswap.c" -ldl
	ENV=(LD_PRELOAD="$D/bindswap.so"
	    ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"
	    BINDSWAP_PATH="$R/$dir/control" BINDSWAP_TARGET="$D/etc/target")
	spawn "$d" -u nobody -g nogroup
	lab_wait 10 test -s "$R/$dir/$file"
	untouched
	[ -L "$R/$dir/control" ]	# the swap did happen
	run stat -c '%U %G %a' "$R/$dir/control.aside"
	assert_output 'nobody nogroup 660'
}

@test "vrrpd -u: the control socket is never given away by its path (swapped for a link right after bind)" {
	swapped vrrpd vrrpd eth0.1
}

@test "ddns-syncd -u: the control socket is never given away by its path (swapped for a link right after bind)" {
	swapped ddns-syncd ddns cluster
}

@test "-u USER: the daemon's directory and its control socket are USER's (0600); the run directory stays root's" {
	spawn vrrpd -u nobody
	spawn ddns-syncd -u nobody
	lab_wait 10 test -s "$R/vrrpd/eth0.1"
	lab_wait 10 test -s "$R/ddns/cluster"
	run stat -c '%U %G %a' "$R" "$R/vrrpd" "$R/vrrpd/control" "$R/ddns" "$R/ddns/control"
	assert_output "root root 755
nobody nogroup 755
nobody nogroup 600
nobody nogroup 755
nobody nogroup 600"
	run ddns-ctl -r "$R" status
	assert_success
	echo 'show' | socat -t 5 - "UNIX-CONNECT:$R/vrrpd/control" | grep -q '^ok$'
}

@test "a run directory others may write is refused (100), and a link planted in it is not followed" {
	mkdir "$D/etc/dir"
	chmod 1777 "$R"
	ln -s "$D/etc/dir" "$R/vrrpd"
	ln -s "$D/etc/dir" "$R/ddns"
	for d in vrrpd ddns-syncd; do
		refused "$d" "$R: writable by others than its owner (mode 1777): chmod go-w $R" -u nobody
	done
	run stat -c '%U %a' "$D/etc/dir"
	assert_output 'root 755'
	chmod 775 "$R"
	refused vrrpd "$R: writable by others than its owner (mode 775): chmod go-w $R"
}

@test "the daemon's own directory: a link, another user's, or writable by others is refused (100)" {
	mkdir "$D/etc/dir"
	ln -s "$D/etc/dir" "$R/vrrpd"
	refused vrrpd "$R/vrrpd: not a directory (a symbolic link?): remove it"
	rm "$R/vrrpd"
	mkdir "$R/vrrpd" "$R/ddns"
	chown nobody "$R/vrrpd" "$R/ddns"
	# left by an earlier run with -u nobody, and now without -u
	refused vrrpd "$R/vrrpd: owned by uid 65534, not by uid 0: remove it, or chown it"
	refused ddns-syncd "$R/ddns: owned by uid 65534, not by uid 0: remove it, or chown it"
	chown root "$R/ddns"
	chmod 777 "$R/ddns"
	refused ddns-syncd "$R/ddns: writable by others than its owner (mode 777): chmod go-w $R/ddns" -u nobody
	run stat -c '%U %a' "$D/etc/dir"
	assert_output 'root 755'
}
