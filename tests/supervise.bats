#!/usr/bin/env bats
# contrib/runit/ and contrib/s6/ under Debian's own supervisors: runsvdir,
# runsv, sv and svlogd; s6-svscan, s6-supervise, s6-svc, s6-svwait, s6-log.
#
# The scan directory holds copies of the contrib service directories with
# their paths moved into the test's directory, $D: the programs from
# $VPNHA_BIN, $D/h1.conf, $D/h1.run, $D/log/NAME.  The supervisor runs in
# lab host h1 (192.0.2.11), so the three daemons it starts live there; h2
# (192.0.2.12) runs a plain vrrpd as the backup of the VRRP pair.  The
# virtual address is 192.0.2.100.

load helper
load lab/lab
load vrrp

VIP=192.0.2.100
DOMAIN=vpn.example.org
DAEMONS='vrrpd ddns-syncd ddns-named'
WAIT=60		# seconds sv and s6-svc may wait (the sanitizer build is slow)

setup() {
	D=$BATS_TEST_TMPDIR
	SUP='' SUPPID=''
	lab_up 2
}

teardown() {
	local rc=0
	sup_stop || rc=1
	lab_down || rc=1
	return "$rc"
}

# need SUP: skip, saying why, when a program of that supervisor is missing
need() {
	local p progs
	case $1 in
	runit) progs='runsvdir runsv sv svlogd' ;;
	s6) progs='s6-svscan s6-supervise s6-svscanctl s6-svc s6-svwait s6-svstat s6-svok s6-log' ;;
	esac
	for p in $progs; do
		command -v "$p" >/dev/null ||
		    skip "$p is not installed (Debian package $1; contrib/deps installs it)"
	done
	SUP=$1
}

# conf: h1 masters VRID 1 (priority 200) and is a DDNS node of its own
conf() {
	group h1 200 'preempt true'
	cat >>"$D/h1.conf" <<-EOF
	set service ipsec-ddns self 192.0.2.11
	set service ipsec-ddns secret supervised-secret
	set service ipsec-ddns domain $DOMAIN
	set service ipsec-ddns enable
	EOF
}

# scan: $D/scan, the contrib service directories of $SUP with their paths
# moved into $D; none of the machine's own paths may be left in them
scan() {
	local n
	mkdir "$D/scan"
	for n in $DAEMONS; do
		cp -Rp "$VPNHA_TOP/contrib/$SUP/$n" "$D/scan/"
	done
	find "$D/scan" -type f -exec sed -i \
	    -e 's|/usr/local/sbin/|@BIN@/|g' \
	    -e 's|/etc/vpnha/vpnha.conf|@CONF@|g' \
	    -e 's|/run/vpnha|@RUN@|g' \
	    -e 's|/var/log/vpnha|@LOG@|g' {} +
	run grep -rE '/usr/local|/etc/vpnha|/run/vpnha|/var/log' "$D/scan"
	assert_failure 1
	find "$D/scan" -type f -exec sed -i \
	    -e "s|@BIN@|$VPNHA_BIN|g" -e "s|@CONF@|$D/h1.conf|g" \
	    -e "s|@RUN@|$D/h1.run|g" -e "s|@LOG@|$D/log|g" {} +
}

# sup_start: the supervisor of $SUP on $D/scan, in h1.
#
# Without LeakSanitizer for the daemons.  At exit LSan stops the process by
# attaching to it with ptrace from a helper task, and runsv and s6-supervise
# stop a service with SIGTERM then SIGCONT.  In 4 runs of 16 where the three
# daemons stopped at once on two busy cores, one never exited: traced,
# running, its LSan helper waiting in wait4 for a stop that never came (a
# SIGCONT discards a pending SIGSTOP, the likely cause).  0 in 16 without
# LSan.  The other suites check for leaks at exit; ASan and UBSan stay on.
sup_start() {
	local asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	scan
	case $SUP in
	runit) SUPPID=$(lab_spawn h1 "$D/runsvdir.log" \
	    env "ASAN_OPTIONS=$asan" runsvdir "$D/scan") ;;
	s6) SUPPID=$(lab_spawn h1 "$D/s6-svscan.log" \
	    env "ASAN_OPTIONS=$asan" s6-svscan "$D/scan") ;;
	esac
}

# sup_stop: stop the supervisor the way an init does, then check that it
# took every process it started with it (they are all in h1)
sup_stop() {
	local ns left
	[ -n "$SUPPID" ] || return 0
	case $SUP in
	# runsvdir sends SIGTERM to each runsv and exits; a runsv that gets
	# SIGTERM stops its service, then its logger, then exits
	runit) lab_kill "$SUPPID" HUP || : ;;
	# s6-svscan stops every service and exits
	s6) s6-svscanctl -t "$D/scan" || lab_kill "$SUPPID" TERM || : ;;
	esac
	ns=$(lab_ns h1) || return 1
	if ! lab_wait 20 eval '[ -z "$(ip netns pids "$ns")" ]'; then
		left=$(ip netns pids "$ns" | xargs -r ps -o pid=,ppid=,stat=,wchan:16=,args= -p)
		echo "# still running in h1 after the $SUP supervisor stopped:" >&2
		echo "$left" >&2
		return 1
	fi
}

svc() {
	echo "$D/scan/$1"
}

# spid NAME: the PID of the daemon NAME as its supervisor reports it, or
# nothing when it is down
spid() {
	local p
	case $SUP in
	runit) p=$(cat "$(svc "$1")/supervise/pid" 2>/dev/null) || p='' ;;
	s6) p=$(s6-svstat -o pid "$(svc "$1")") || p='' ;;
	esac
	[ "${p:--1}" = -1 ] || [ "$p" = 0 ] || echo "$p"
}

# ready NAME: wait until NAME is up and has signalled readiness
ready() {
	local s
	s=$(svc "$1")
	# First the supervisor's own files: its control fifo exists a moment
	# before it reads it (runit: sv says "runsv not running") and before
	# its status file is written (s6: s6-svwait cannot read it).
	case $SUP in
	runit)
		lab_wait 10 eval 'sv status "$s" >/dev/null 2>&1'
		# up, and ./check succeeds
		sv -w "$WAIT" start "$s"
		;;
	s6)
		lab_wait 10 eval 's6-svstat "$s" >/dev/null 2>&1'
		s6-svwait -U -t "$((WAIT * 1000))" "$s"
		;;
	esac
}

# is_ready NAME: up and ready now
is_ready() {
	local s
	s=$(svc "$1")
	case $SUP in
	runit) [ -n "$(spid "$1")" ] && (cd "$s" && ./check) ;;
	s6) [ "$(s6-svstat -o up,ready "$s")" = 'true true' ] ;;
	esac
}

restart() {
	case $SUP in
	runit) sv -w "$WAIT" restart "$(svc "$1")" ;;
	s6) s6-svc -T "$((WAIT * 1000))" -wR -r "$(svc "$1")" ;;
	esac || {
		echo "# $1 not restarted and ready within $WAIT s; its log:" >&2
		tail -n 20 "$D/log/$1/current" >&2
		case $SUP in
		s6) s6-svstat "$(svc "$1")" >&2 ;;
		runit) sv status "$(svc "$1")" >&2 ;;
		esac
		return 1
	}
}

down() {
	case $SUP in
	runit) sv -w "$WAIT" down "$(svc "$1")" ;;
	s6) s6-svc -T "$((WAIT * 1000))" -wD -d "$(svc "$1")" ;;
	esac
}

# up NAME: start it, without waiting for it to be ready
up() {
	case $SUP in
	runit) sv up "$(svc "$1")" ;;
	s6) s6-svc -u "$(svc "$1")" ;;
	esac
}

hup() {
	case $SUP in
	runit) sv hup "$(svc "$1")" ;;
	s6) s6-svc -h "$(svc "$1")" ;;
	esac
}

# logged N NAME TEXT: wait until NAME's log holds the line TEXT N times,
# each after the logger's timestamp; logged_re: TEXT is an extended
# regular expression that matches the whole line
logged() {
	_logged -xF "$@"
}

logged_re() {
	_logged -xE "$@"
}

_logged() {
	local _m=$1 _n=$2 _name=$3 _text=$4
	lab_wait 10 eval '[ "$(stamped "$_m" "$_name" "$_text")" -ge "$_n" ]' || {
		echo "# $D/log/$_name/current:" >&2
		cat "$D/log/$_name/current" >&2
		return 1
	}
}

# stamped GREPOPT NAME TEXT: how many lines of NAME's log are TEXT after a
# timestamp (svlogd -tt: 2026-11-26_03:04:05.12345; s6-log T:
# 2026-11-26 03:04:05.123456789)
stamped() {
	local ts
	case $SUP in
	runit) ts='[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{5}' ;;
	s6) ts='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}' ;;
	esac
	grep -E "^$ts +" "$D/log/$2/current" 2>/dev/null | sed -E "s/^$ts +//" |
	    grep -c "$1" -e "$3" || :
}

# answers NAME ADDRESS: h1's ddns-named answers NAME.$DOMAIN with ADDRESS
answers() {
	[ "$(lab_exec h1 dig +short +time=1 +tries=1 @192.0.2.11 "$1.$DOMAIN" A)" = "$2" ]
}

# all_ready: the supervisor up with the three daemons ready, h1 master
# holding the address, a gateway published and served
all_ready() {
	local n
	sup_start
	for n in $DAEMONS; do
		ready "$n"
		[ -n "$(spid "$n")" ]
	done
	lab_wait 10 is_state h1 master
	[ "$(field h1 pid)" = "$(spid vrrpd)" ]
	has_vip h1
	ddns-ctl -r "$D/h1.run" up gw-one 203.0.113.5
	lab_wait 10 answers gw-one 203.0.113.5
}

# runs_binary NAME: the process the supervisor reports for NAME is
# $VPNHA_BIN/NAME.  Waited for: between a start and its exec the PID is the
# run script's shell.  The same file, not the same path: in a chroot (CI's
# pristine root) the lab's mount namespace shows a process's exe with the
# path from the real root.  On failure, what it runs instead ("(deleted)":
# the binary was rebuilt under the test).
runs_binary() {
	local exe _n=$1
	lab_wait 10 eval '[ "/proc/$(spid "$_n")/exe" -ef "$VPNHA_BIN/$_n" ]' || {
		exe=$(readlink "/proc/$(spid "$_n")/exe") || exe='(no process)'
		echo "# $_n: the supervisor's PID $(spid "$_n") runs $exe" >&2
		return 1
	}
}

t_up() {
	conf
	all_ready
	# the programs are the ones under test, as the scan directory says
	runs_binary vrrpd
	runs_binary ddns-named
	grep -qx 'Creating new ipsec-ddns cluster' "$D/h1.run/ddns/cluster"
	logged 1 vrrpd 'vrrpd: started with 1 group'
	logged 1 vrrpd 'vrrpd: eth0: vrid 1: backup -> master'
	logged 1 ddns-syncd 'ddns-syncd: Creating new ipsec-ddns cluster'
	logged 1 ddns-named "ddns-named: serving $DOMAIN from $D/h1.run/ddns/control"
}

t_restart() {
	local n old new
	conf
	all_ready
	for n in $DAEMONS; do
		old=$(spid "$n")
		restart "$n"
		lab_wait 10 eval '[ -n "$(spid "$n")" ] && [ "$(spid "$n")" != "$old" ]'
		ready "$n"
		is_ready "$n"
	done
	# each one stopped on its SIGTERM and was started again
	logged 1 vrrpd 'vrrpd: stopped'
	logged 2 vrrpd 'vrrpd: started with 1 group'
	logged 1 ddns-syncd 'ddns-syncd: stopped'
	logged 2 ddns-syncd 'ddns-syncd: Creating new ipsec-ddns cluster'
	logged 1 ddns-named 'ddns-named: stopping'
	logged 2 ddns-named "ddns-named: serving $DOMAIN from $D/h1.run/ddns/control"
	# the new vrrpd is master again; the new ddns-syncd had the gateway
	# in its journal, and the new ddns-named serves it
	new=$(spid vrrpd)
	lab_wait 10 eval '[ "$(field h1 pid)" = "$new" ] && is_state h1 master'
	has_vip h1
	lab_wait 10 answers gw-one 203.0.113.5
	# reload: SIGHUP, same process
	sed -i 's/priority 200/priority 180/' "$D/h1.conf"
	hup vrrpd
	lab_wait 10 eval '[ "$(field h1 priority)" = 180 ]'
	[ "$(spid vrrpd)" = "$new" ]
	logged 1 vrrpd "vrrpd: reloaded $D/h1.conf: 1 group, 0 added, 0 restarted, 0 removed"
	hup ddns-syncd
	logged 1 ddns-syncd "ddns-syncd: reloaded $D/h1.conf"
	hup ddns-named
	logged_re 1 ddns-named 'ddns-named: reloaded: .*'
}

t_kill() {
	local n old new
	conf
	group h2 100 'preempt true'
	start h2
	all_ready
	lab_wait 10 is_state h2 backup
	run ! has_vip h2
	# SIGKILL: no priority 0, the address stays behind; the supervisor
	# starts vrrpd again, which removes it, starts as backup and, with
	# preempt and the higher priority, takes the master's role back
	old=$(spid vrrpd)
	kill -KILL "$old"
	lab_wait 10 eval '[ -n "$(spid vrrpd)" ] && [ "$(spid vrrpd)" != "$old" ]'
	new=$(spid vrrpd)
	ready vrrpd
	lab_wait 15 eval '[ "$(field h1 pid)" = "$new" ] && is_state h1 master' || {
		echo "# vrrpd $old killed, $new started, $(spid vrrpd) now; h1's status, then its log:" >&2
		cat "$D/h1.run/vrrpd/eth0.1" "$D/log/vrrpd/current" >&2
		return 1
	}
	has_vip h1
	lab_wait 10 is_state h2 backup
	lab_wait 5 ! has_vip h2
	logged 2 vrrpd 'vrrpd: started with 1 group'
	run grep -c 'vrrpd: stopped' "$D/log/vrrpd/current"
	assert_output 0
	# the DDNS daemons too; the gateway is served again
	for n in ddns-syncd ddns-named; do
		old=$(spid "$n")
		kill -KILL "$old"
		lab_wait 10 eval '[ -n "$(spid "$n")" ] && [ "$(spid "$n")" != "$old" ]'
		ready "$n"
	done
	logged 2 ddns-syncd 'ddns-syncd: Creating new ipsec-ddns cluster'
	logged 2 ddns-named "ddns-named: serving $DOMAIN from $D/h1.run/ddns/control"
	lab_wait 10 answers gw-one 203.0.113.5
}

t_down() {
	conf
	group h2 100 'preempt true'
	start h2
	all_ready
	lab_wait 10 is_state h2 backup
	# down: SIGTERM, vrrpd resigns and removes the address; h2 takes over
	down vrrpd
	[ -z "$(spid vrrpd)" ]
	run ! has_vip h1
	lab_wait 5 is_state h2 master
	has_vip h2
	logged 1 vrrpd 'vrrpd: stopped'
	if [ "$SUP" = s6 ]; then
		[ "$(s6-svstat -o wantedup,exitcode "$(svc vrrpd)")" = 'false 0' ]
	fi
	# up again: ready, and master again by preemption
	up vrrpd
	ready vrrpd
	lab_wait 10 is_state h1 master
	lab_wait 10 is_state h2 backup
	has_vip h1
	lab_wait 5 ! has_vip h2
	# the DDNS daemons stop cleanly too
	down ddns-named
	down ddns-syncd
	[ -z "$(spid ddns-named)" ]
	[ -z "$(spid ddns-syncd)" ]
	logged 1 ddns-syncd 'ddns-syncd: stopped'
	logged 1 ddns-named 'ddns-named: stopping'
	if [ "$SUP" = s6 ]; then
		[ "$(s6-svstat -o exitcode "$(svc ddns-syncd)")" = 0 ]
		[ "$(s6-svstat -o exitcode "$(svc ddns-named)")" = 0 ]
	fi
	run lab_exec h1 dig +short +time=1 +tries=1 @192.0.2.11 "gw-one.$DOMAIN" A
	refute_output 203.0.113.5
}

# ddns-named started before ddns-syncd: up but not ready, until ddns-syncd
# comes; then ready without a restart
t_order() {
	local p
	conf
	all_ready
	down ddns-named
	down ddns-syncd
	up ddns-named
	lab_wait 10 eval '[ -n "$(spid ddns-named)" ]'
	p=$(spid ddns-named)
	logged_re 1 ddns-named "ddns-named: warning: feed: $D/h1.run/ddns/control: .*; retrying"
	run ! is_ready ddns-named
	up ddns-syncd
	ready ddns-syncd
	ready ddns-named
	[ "$(spid ddns-named)" = "$p" ]
	lab_wait 10 answers gw-one 203.0.113.5
}

@test "runit: the three daemons come up ready, serve, and log with timestamps" {
	need runit
	t_up
}

@test "runit: sv restart gives each daemon a new process, ready again; sv hup reloads" {
	need runit
	t_restart
}

@test "runit: a SIGKILLed daemon is started again; vrrpd is master again and holds the address, the backup does not" {
	need runit
	t_kill
}

@test "runit: sv down stops each daemon cleanly, vrrpd's address moves to the backup; sv up brings it back" {
	need runit
	t_down
}

@test "runit: ddns-named started before ddns-syncd is up but not ready until ddns-syncd comes" {
	need runit
	t_order
}

@test "s6: the three daemons come up ready, serve, and log with timestamps" {
	need s6
	t_up
}

@test "s6: s6-svc -r gives each daemon a new process, ready again; s6-svc -h reloads" {
	need s6
	t_restart
}

@test "s6: a SIGKILLed daemon is started again; vrrpd is master again and holds the address, the backup does not" {
	need s6
	t_kill
}

@test "s6: s6-svc -d stops each daemon cleanly (exit 0), vrrpd's address moves to the backup; s6-svc -u brings it back" {
	need s6
	t_down
}

@test "s6: ddns-named started before ddns-syncd is up but not ready until ddns-syncd comes" {
	need s6
	t_order
}
