# Shell functions shared by the lab benchmarks (vrrpd.sh,
# vrrpd-keepalived.sh).  Sourced, not run: tests/bench/run runs *.sh only.
#
# The script sets, before sourcing: top (the source tree), bin (the
# programs), bench (its name, for messages).  bench_setup then gives it
# tmpdir (/dev/shm where it is a tmpfs), tmp (a fresh directory in it),
# targets (a file the script appends "target ... met / NOT met" lines to),
# keep (BENCH_KEEP), base (whole seconds subtracted from times before awk
# does sums), pid (an associative array HOST -> PID of its daemon) and the
# lab (tests/lab/).

# die MESSAGE: something broke; keep the files to look at
die() {
	echo "$bench: $*" >&2
	keep=1
	exit 1
}

# bench_setup TOOL...: root, the TOOLs, the directory, the traps, the lab's
# functions.  The run-time directories go on tmpfs (/dev/shm), as /run is
# on a real system: vrrpd rewrites the status file of every group once a
# second.
bench_setup() {
	local p
	tmpdir=/dev/shm
	if [ "$(id -u)" != 0 ]; then
		echo "$bench: needs root (network namespaces)" >&2
		exit 111
	fi
	for p; do
		command -v "$p" >/dev/null || {
			echo "$bench: $p not found" >&2
			exit 111
		}
	done
	[ "$(stat -f -c %T "$tmpdir" 2>/dev/null)" = tmpfs ] || tmpdir=${TMPDIR:-/tmp}
	tmp=$(mktemp -d "$tmpdir/${bench// /-}.XXXXXX") || exit 111
	targets=$tmp/targets
	: >"$targets"
	keep=${BENCH_KEEP-}
	# Set before lab_up, which keeps them: on SIGTERM or SIGHUP it ends
	# its labs, then passes the signal on here.
	trap 'lab_down
	if [ -n "$keep" ]; then echo "$bench: files kept in $tmp" >&2; else rm -rf "$tmp"; fi' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	# shellcheck source=../lab/lab.bash
	. "$top/tests/lab/lab.bash"
	base=${EPOCHREALTIME%.*}
	declare -gA pid
	spawns=0
}

# start HOST: vrrpd on HOST with $tmp/HOST.conf; its PID in pid[HOST],
# its log in $tmp/log.N
start() {
	local h=$1 log
	log=$tmp/log.$((++spawns))
	pid[$h]=$(lab_spawn "$h" "$log" "$bin/vrrpd" -f "$tmp/$h.conf" \
	    -r "$tmp/$h.run") || die "$h: lab_spawn failed"
	lab_wait 5 test -S "$tmp/$h.run/vrrpd/control" ||
		die "$h: vrrpd did not start: $(cat "$log")"
}

# stop HOST...: SIGTERM, and wait until it is gone
stop() {
	local h
	for h; do
		lab_kill "${pid[$h]}" TERM && lab_wait 5 ! lab_alive "${pid[$h]}" ||
			die "$h: ${pid[$h]} did not stop"
	done
}

# usec SECONDS: in microseconds
usec() {
	local i=${1%.*} f=
	[[ $1 == *.* ]] && f=${1#*.}
	f=${f}000000
	echo $((10#$i * 1000000 + 10#${f:0:6}))
}

# proc PID: "TICKS NS RSS HWM": utime+stime (clock ticks), time on a CPU
# (ns, schedstat), VmRSS and VmHWM (kB)
proc() {
	local s ns rss='' hwm='' k v _
	read -r s <"/proc/$1/stat" || return 1
	s=${s##*) }
	# shellcheck disable=SC2206 # numbers and a state letter
	local -a f=($s)
	read -r ns _ <"/proc/$1/schedstat" || return 1
	while read -r k v _; do
		case $k in
		VmRSS:) rss=$v ;;
		VmHWM:) hwm=$v ;;
		esac
	done <"/proc/$1/status"
	echo "$((f[11] + f[12])) $ns $rss $hwm"
}
