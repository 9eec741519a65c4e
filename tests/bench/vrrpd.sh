#!/bin/bash
# vrrpd in the lab (tests/lab/), two hosts on a bridge:
#
# 1. Failover: the backup's first gratuitous ARP for the virtual address
#    after its master is killed (SIGKILL) or stopped (SIGTERM), for VRRPv2
#    at 1 s and VRRPv3 at 0.1 s and 0.01 s, beside the RFC's bounds:
#    SIGKILL: Master_Down_Interval (MDI) after the dead master's last advert,
#    so between MDI - interval and MDI after the kill; SIGTERM: Skew_Time
#    after its priority 0 advert.
# 2. CPU and memory of one vrrpd running 100 groups at 0.1 s, as master
#    (peer absent) and as backup (a master of higher priority on the other
#    host).
#
# Frames are captured on the lab's bridge and stamped by the kernel
# (labtool: SO_TIMESTAMPNS, CLOCK_REALTIME); the kill is stamped with
# $EPOCHREALTIME (CLOCK_REALTIME too) just before kill(1).  Not through
# lab_kill: its lookup of the PID forks and takes 10 to 20 ms here before
# it signals, and a stamp after it is late whenever the woken daemon runs
# first; the master is checked with lab_alive (the lab started it, it runs),
# then stamped and signalled.  tshark decodes the capture.
#
# The run-time directories are on tmpfs (/dev/shm), as /run is on a real
# system: vrrpd rewrites the status file of every group once a second.
#
# A benchmark: it prints figures and whether each target is met, and exits
# non-zero only when something broke (a daemon that does not start, no
# failover at all).
#
# Environment: VPNHA_BIN (build/bin), BENCH_RUNS_V2 (5) and BENCH_RUNS_V3
# (10) runs of each kind, BENCH_CPU_SECONDS (20); BENCH_KEEP=1 keeps the
# captures, logs and status files.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 111
bin=${VPNHA_BIN:-$top/build/bin}
bin=$(cd "$bin" 2>/dev/null && pwd) || {
	echo "vrrpd bench: no $VPNHA_BIN; run make first" >&2
	exit 111
}
RUNS_V2=${BENCH_RUNS_V2:-5}
RUNS_V3=${BENCH_RUNS_V3:-10}
CPU_SECONDS=${BENCH_CPU_SECONDS:-20}
NGROUPS=100

M=h1 B=h2			# master priority 150, backup priority 100
M_IP=192.0.2.11 VIP=192.0.2.100

bench="vrrpd bench"
# shellcheck source=lib.bash
. "$top/tests/bench/lib.bash"
bench_setup "$bin/vrrpd" tshark
lab_up 2 || die "lab_up failed"
B_MAC=$(lab_mac $B eth0)

# is HOST STATE [VRID]: the status file of HOST's running vrrpd says STATE
# (the pid line tells it from one a killed predecessor left)
is() {
	local s=
	{ IFS= read -r -d '' s <"$tmp/$1.run/vrrpd/eth0.${3:-1}"; } 2>/dev/null
	s=$'\n'$s
	[[ $s == *$'\n'state=$2$'\n'* && $s == *$'\n'pid=${pid[$1]}$'\n'* ]]
}

# all HOST STATE: every one of the NGROUPS groups
all() {
	local v
	for ((v = 1; v <= NGROUPS; v++)); do
		is "$1" "$2" "$v" || return 1
	done
}

# conf HOST PRIORITY VERSION INTERVAL [N]: N groups (default 1: VRID 1,
# $VIP/24; else VRIDs 1..N with 192.0.2.(100+VRID)/32)
conf() {
	local h=$1 p=$2 ver=$3 iv=$4 n=${5:-1} v a g
	for ((v = 1; v <= n; v++)); do
		g="set interfaces ethernet eth0 vrrp vrrp-group $v"
		a=$VIP/24
		[ "$n" = 1 ] || a=192.0.2.$((100 + v))/32
		echo "$g virtual-address $a"
		echo "$g priority $p"
		echo "$g version $ver"
		echo "$g advertise-interval $iv"
	done >"$tmp/$h.conf"
}

# failover NAME VERSION INTERVAL RUNS: RUNS kills and RUNS stops of the
# master, alternating; prints one line per kind and records the targets
failover() {
	local name=$1 ver=$2 iv=$3 runs=$4 i sig t0 t1 ivu mdi skew w pcap
	pcap=$tmp/$name.pcap
	ivu=$(usec "$iv")
	# the backup's (priority 100) bounds, RFC 5798 6.1 / RFC 3768 6.1
	if [ "$ver" = 2 ]; then
		skew=$(((256 - 100) * 1000000 / 256))
	else
		skew=$(((256 - 100) * ivu / 256))
	fi
	mdi=$((3 * ivu + skew))
	w=$(((3 * mdi + 2000000) / 1000000 + 1))	# lab_wait seconds
	conf $M 150 "$ver" "$iv"
	conf $B 100 "$ver" "$iv"
	lab_capture eth0 "$pcap" || die "lab_capture failed"
	start $M
	start $B
	lab_wait "$w" is $M master && lab_wait "$w" is $B backup ||
		die "$name: no steady state at start"
	: >"$tmp/$name.kills"
	for ((i = 0; i < 2 * runs; i++)); do
		sig=KILL
		((i % 2)) && sig=TERM
		# a random phase against the master's adverts
		t0=$(((RANDOM * 32768 + RANDOM) % ivu))
		sleep "$((t0 / 1000000)).$(printf %06d $((t0 % 1000000)))"
		lab_alive "${pid[$M]}" || die "$name: the master is not running"
		t0=$EPOCHREALTIME
		kill -s $sig "${pid[$M]}" || die "$name: kill failed"
		t1=$EPOCHREALTIME
		echo "$sig $t0 $t1" >>"$tmp/$name.kills"
		lab_wait "$w" is $B master ||
			die "$name: no failover after SIG$sig (run $((i + 1)))"
		lab_wait 5 ! lab_alive "${pid[$M]}" ||
			die "$name: the master outlived SIG$sig"
		start $M
		lab_wait "$w" is $M master && lab_wait "$w" is $B backup ||
			die "$name: no steady state after a restart (run $((i + 1)))"
	done
	stop $M $B
	lab_capture_stop "$pcap"
	# the dead master's adverts and the backup's gratuitous ARPs for VIP
	tshark -r "$pcap" -Y "(vrrp && ip.src == $M_IP) ||
	    (arp.isgratuitous && arp.src.proto_ipv4 == $VIP && eth.src == $B_MAC)" \
	    -T fields -E separator='|' -e frame.time_epoch -e vrrp.prio \
	    -e arp.src.proto_ipv4 >"$tmp/$name.events" 2>"$tmp/tshark.err" ||
		die "tshark: $(cat "$tmp/tshark.err")"
	awk -v base="$base" -v name="$name" -v iv="$ivu" -v mdi="$mdi" \
	    -v skew="$skew" -v targets="$targets" -f /dev/fd/3 \
	    "$tmp/$name.kills" "$tmp/$name.events" 3<<'AWK' || die "$name: a failover missing on the wire"
function t(s,  a) {	# seconds since base, from "SEC.FRAC"
	split(s, a, ".")
	return (a[1] - base) + ("0." a[2])
}
function sort(x, n,  i, j, v) {
	for (i = 2; i <= n; i++) {
		v = x[i]
		for (j = i - 1; j >= 1 && x[j] > v; j--)
			x[j + 1] = x[j]
		x[j + 1] = v
	}
}
function med(x, n) {
	return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
}
# "median (min..max)" of x[1..n], in ms; sorts x
function stat(x, n) {
	sort(x, n)
	return sprintf("%7.1f (%.1f..%.1f)", med(x, n), x[1], x[n])
}
function target(text, ok, how) {
	printf "%-64s %s (%s)\n", text, ok ? "met" : "NOT met", how >> targets
}
FNR == NR {
	n++
	sig[n] = $1
	t0[n] = t($2)	# just before kill
	t1[n] = t($3)	# as it returned
	next
}
{
	split($0, f, "|")
	m++
	et[m] = t(f[1])
	garp[m] = f[3] != ""
	prio[m] = f[2]
}
END {
	for (i = 1; i <= n; i++) {
		hi = i < n ? t0[i + 1] : 1e18
		g = 0
		for (j = 1; j <= m; j++)
			if (garp[j] && et[j] > t0[i] && et[j] < hi) {
				g = j
				break
			}
		if (!g) {
			printf "vrrpd bench: %s: run %d (SIG%s): no gratuitous ARP from the backup\n",
			    name, i, sig[i] > "/dev/stderr"
			exit 1
		}
		w = 0
		for (j = g - 1; j >= 1; j--) {
			if (garp[j])
				continue
			if (sig[i] == "KILL" && prio[j] > 0 ||
			    sig[i] == "TERM" && prio[j] == 0 && et[j] > t0[i]) {
				w = j
				break
			}
		}
		if (!w) {
			printf "vrrpd bench: %s: run %d (SIG%s): no %s from the master\n",
			    name, i, sig[i], sig[i] == "KILL" ? "advert" : "priority 0 advert" > "/dev/stderr"
			exit 1
		}
		k = sig[i]
		c = ++cnt[k]
		ev[k, c] = (et[g] - t0[i]) * 1000
		wi[k, c] = (et[g] - et[w]) * 1000
		lk[++nlk] = (t1[i] - t0[i]) * 1000
		if (k == "KILL" && (t0[i] - et[w]) * 1000 > gap)
			gap = (t0[i] - et[w]) * 1000
	}
	for (s = 0; s < 2; s++) {
		k = s ? "TERM" : "KILL"
		c = cnt[k]
		for (j = 1; j <= c; j++) {
			a[j] = ev[k, j]
			b[j] = wi[k, j]
		}
		bound = (k == "KILL" ? mdi : skew) / 1000
		evs = stat(a, c)
		evlo = a[1]
		evhi = a[c]
		wis = stat(b, c)
		wmed = med(b, c)
		if (k == "KILL")
			evb = sprintf("%.1f..%.1f", bound - iv / 1000, bound)
		else
			evb = sprintf("> %.1f", bound)
		printf "%-10s SIG%-4s %3d  %-26s %-15s %-26s %7.1f %+6.1f\n", name, k, c,
		    evs, evb, wis, bound, wmed - bound
		if (k == "KILL") {
			target(sprintf("%s SIGKILL: last advert -> GARP, MDI %.1f ms + 0..5", name, bound),
			    wmed >= bound && wmed <= bound + 5, sprintf("median %+.1f ms", wmed - bound))
			target(sprintf("%s SIGKILL: kill -> GARP, MDI %.1f ms + at most 5", name, bound),
			    evhi <= bound + 5, sprintf("max %+.1f ms", evhi - bound))
		} else
			target(sprintf("%s SIGTERM: priority 0 -> GARP, Skew_Time %.1f ms + 0..5", name, bound),
			    wmed >= bound && wmed <= bound + 5, sprintf("median %+.1f ms", wmed - bound))
	}
	sort(lk, nlk)
	printf "%-10s (kill(1) returned after %.2f ms, median, max %.2f; the last advert of\n",
	    "", med(lk, nlk), lk[nlk]
	printf "%-10s  the killed master came at most %.1f ms before the kill, interval %.1f)\n",
	    "", gap, iv / 1000
}
AWK
}

# adverts HOST: adverts sent and received, summed over HOST's status files
adverts() {
	awk -F= '$1 == "adverts_sent" { s += $2 } $1 == "adverts_received" { r += $2 }
	    END { print s + 0, r + 0 }' "$tmp/$1.run/vrrpd"/eth0.{1..100}
}

# measure HOST LABEL JUDGE...: CPU and memory of each HOST's vrrpd over
# the same CPU_SECONDS; JUDGE yes: against the targets
measure() {
	local i t0 t1 hz
	local -a hs=() ls=() js=() p0=() p1=() a0=() a1=()
	while [ $# -ge 3 ]; do
		hs+=("$1") ls+=("$2") js+=("$3")
		shift 3
	done
	hz=$(getconf CLK_TCK)
	for ((i = 0; i < ${#hs[@]}; i++)); do
		a0[i]=$(adverts "${hs[i]}")
	done
	t0=$EPOCHREALTIME
	for ((i = 0; i < ${#hs[@]}; i++)); do
		p0[i]=$(proc "${pid[${hs[i]}]}") || die "${hs[i]}: vrrpd is gone"
	done
	sleep "$CPU_SECONDS"
	for ((i = 0; i < ${#hs[@]}; i++)); do
		p1[i]=$(proc "${pid[${hs[i]}]}") || die "${hs[i]}: vrrpd is gone"
	done
	t1=$EPOCHREALTIME
	for ((i = 0; i < ${#hs[@]}; i++)); do
		a1[i]=$(adverts "${hs[i]}")
		awk -v hz="$hz" -v t0="$t0" -v t1="$t1" -v base="$base" \
		    -v label="${ls[i]}" -v judge="${js[i]}" -v targets="$targets" \
		    -v p0="${p0[i]}" -v p1="${p1[i]}" -v a0="${a0[i]}" -v a1="${a1[i]}" '
		function t(s,  a) { split(s, a, "."); return (a[1] - base) + ("0." a[2]) }
		BEGIN {
			split(p0, x, " "); split(p1, y, " ")
			split(a0, u, " "); split(a1, v, " ")
			dt = t(t1) - t(t0)
			cpu = (y[1] - x[1]) / hz / dt * 100
			cpuns = (y[2] - x[2]) / 1e9 / dt * 100
			printf "%-28s %6.2f %% (%5.2f %%)  %5.2f MiB  %5.2f MiB  %6.0f %6.0f\n",
			    label, cpu, cpuns, y[3] / 1024, y[4] / 1024,
			    (v[1] - u[1]) / dt, (v[2] - u[2]) / dt
			if (judge == "yes") {
				printf "%-64s %s (%.2f %%)\n", "100 groups " label ": CPU < 2 % of a core",
				    cpu < 2 ? "met" : "NOT met", cpu >> targets
				printf "%-64s %s (%.2f MiB, peak %.2f)\n", "100 groups " label ": VmRSS < 4 MiB",
				    y[3] < 4096 ? "met" : "NOT met", y[3] / 1024, y[4] / 1024 >> targets
			}
		}'
	done
}

printf 'vrrpd bench: %s/vrrpd; 2 hosts on a bridge (lab); %s priority 150 (master), %s priority 100 (backup)\n' \
    "$bin" "$M" "$B"
printf 'run-time directories (status files) on %s (%s)\n' "$(stat -f -c %T "$tmp")" "$tmpdir"
echo
echo "Failover: the backup's first gratuitous ARP for $VIP on the wire, in ms: median (min..max)"
echo "  from the kill (stamped just before kill(1)), and on the wire from the dead master's"
echo "  last advert (SIGKILL) or its priority 0 advert (SIGTERM), against the RFC's bound:"
echo "  Master_Down_Interval (SIGKILL) or Skew_Time (SIGTERM) of the backup (priority 100)."
printf '%-10s %-7s %4s %-26s %-15s %-26s %7s %6s\n' case signal runs "from the kill" "bound" \
    "from the last/0 advert" bound diff
start_s=$SECONDS
failover "v2 1 s" 2 1 "$RUNS_V2"
failover "v3 0.1 s" 3 0.1 "$RUNS_V3"
failover "v3 0.01 s" 3 0.01 "$RUNS_V3"

echo
echo "$NGROUPS groups, v3 at 0.1 s, IPv4: VRIDs 1..$NGROUPS on eth0, one VIP each (192.0.2.101..200/32);"
echo "  master $B priority 200, alone then with backup $M priority 100; over ${CPU_SECONDS} s each:"
echo "  CPU % of one core from /proc/PID/stat utime+stime (and schedstat), VmRSS, VmHWM"
printf '%-28s %-18s  %-9s  %-9s  %6s %6s\n' "vrrpd" "CPU (schedstat)" VmRSS VmHWM sent/s recv/s
conf $B 200 3 0.1 "$NGROUPS"
conf $M 100 3 0.1 "$NGROUPS"
start $B
lab_wait 10 all $B master || die "$NGROUPS groups: $B is not master of all"
sleep 1
measure $B "as master, peer absent" yes
start $M
lab_wait 10 all $M backup || die "$NGROUPS groups: $M is not backup of all"
lab_wait 2 all $B master || die "$NGROUPS groups: $B lost a group"
sleep 1
measure $M "as backup" yes $B "as master, with the backup" no
stop $M $B
echo
if cat "$tmp"/log.* | grep -e warning -e fatal >"$tmp/warnings"; then
	echo "vrrpd warnings and errors during the bench (count, line):"
	sort "$tmp/warnings" | uniq -c | sort -rn | head -10
	echo
fi
echo "Targets:"
cat "$targets"
echo "($((SECONDS - start_s)) s)"
