#!/bin/bash
# vrrpd beside keepalived (Debian's 2.2.7) in the same lab and the same run,
# with the same settings (priorities, interval, version, preempt):
#
# (a) Failover on SIGKILL of the master (150; backup 100), VRRPv2 at 1 s and
#     VRRPv3 at 0.1 s: from the kill to the backup's first gratuitous ARP
#     for the virtual address on the wire.
# (b) The guide's figure 2-4: two groups in one sync group, on eth0 (VRID
#     99) and eth1 (VRID 101) of each host, v2 at 1 s; the master's eth1 is
#     cut (its switch port set down, as tests/vrrpd-sync.bats does): from
#     the cut to the backup's first gratuitous ARP for each group's address.
#     The cut is a line written to an `ip -batch` already running in the
#     switch: starting ip, or any program, takes 5 to 30 ms on this machine.
# (c) The guide's forced failover.  vrrpd: `vrrp-failover take eth0 1` on
#     the backup and `vrrp-failover release eth0 1` on the master, timed as
#     the command reports it and on the wire (from the command's start to
#     the new master's first gratuitous ARP; release also in two parts, to
#     and from the master's priority 0 advert, beside what starting
#     /bin/true costs).  The command is exec'd by a process forked before
#     the clock starts, as a supervisor or a shell's exec would run it.
#     keepalived's only way: edit
#     the priority in its configuration and reload it (SIGHUP), timed from
#     the signal to the new master's first gratuitous ARP: take raises the
#     backup 100 -> 200, release lowers the master 150 -> 50.  v2 at 1 s.
# (d) CPU (% of one core, over BENCH_CPU_SECONDS) and memory of one daemon
#     running 100 groups, v3 at 0.1 s, as master (peer absent) and as backup
#     (a master of priority 200 on the other host).  vrrpd and keepalived
#     run at once, on separate segments (vrrpd on eth0, keepalived on eth1),
#     so that each is measured under the same load of the machine.
#     keepalived is two processes, its parent and its VRRP child: both are
#     counted (CPU and VmRSS summed; their PSS too, which does not count the
#     pages they share twice).
# (u) Issue 16's (c): (a) by unicast, on a switch that drops multicast
#     (tests/data/nft/mcast-drop.nft, set for this part only): vrrpd with
#     peer-address and hello-source-address, keepalived with unicast_peer,
#     unicast_src_ip and unicast_ttl 255 (see tests/keepalived.bats).  h5 is
#     one more peer of each group, never heard from, so that it still hears
#     the master's adverts for the phase; the frames are captured on the
#     backups' switch ports (the bridge device sees only flooded ones).
#     Target: from the dead master's last advert to the backup's first
#     gratuitous ARP within Master_Down_Interval + 5 ms, as multicast.
# (t) Issue 16's (a): each router tracks its own charon (strongSwan's, a
#     symbolic link named charonPIDhN to it: the comm the kernel reports
#     is the name it was started by, and the lab's hosts share one process
#     table; a sleep(1) so named when charon is not installed), vrrpd with
#     `track process`, keepalived with vrrp_track_process; SIGKILL of the
#     master's charon, from the kill to the backup's first gratuitous ARP,
#     v2 at 1 s and v3 at 0.1 s.  Fault (no weight): the master resigns
#     with priority 0; target Skew_Time + 10 ms.  Weight -100: the master
#     drops from 150 to 50, below the backup's 100 (preempt on); target one
#     advert interval + Skew_Time.  vrrpd's master advertises 50 at once,
#     and its backup, with fast-preempt (the default), takes over on it;
#     an RFC backup discards a lower priority's advert (RFC 5798 6.4.2)
#     and waits out its Master_Down_Interval, as keepalived does: vrrpd
#     with fast-preempt false is the third row ("RFC timing"), whose target
#     is not met by the RFC's own rules.  Also printed: from the kill to
#     the master's advert at 0 (or 50), the time the process event takes
#     to reach the wire (keepalived sends its 50 with its next advert).  vrrpd is started in the initial
#     network namespace and joins the host (-N); keepalived runs with
#     tests/shim/initnet.c preloaded (see tests/keepalived.bats for why).
# (p) Issue 16's (b): vrrpd (h1, eth0) and keepalived (h3, eth1), each one
#     group of v2 at 1 s tracking the same 10 process names (weight -1
#     each), for BENCH_CPU_SECONDS while tests/bench/forkload.c forks 1,000
#     processes a second that exit at once (every 20th execs a tracked
#     name, every 20th more takes one with prctl and forks).  Names 0..4
#     run all along (sleep(1) so named), names 5..9 only in that churn.
#     CPU % of one core from utime+stime; target under 2 % for vrrpd.
#     Then no lost event: vrrpd never logged "process events lost"
#     (keepalived's "Missed ... messages" and a reinitialised receive buffer
#     are counted too), and every tracker's state matches what runs: each
#     daemon's adverts carry 150 - 5 = 145 on the wire, vrrpd's status
#     file says down for 5..9 and up for 0..4.
#
# Hosts (lab_up -2 5): vrrpd on h1 (master) and h2 (backup), keepalived on
# h3 and h4, h5 listens to the adverts.  Each figure is the median of its
# runs, printed as vrrpd, keepalived and vrrpd/keepalived, with the issue's
# target: (a) vrrpd/keepalived <= 1, from the kill and (whatever the phase
# turned out to be) from the dead master's last advert; (b) eth0's group
# within Skew_Time + 5 ms, and vrrpd/keepalived <= 1; (c) take within an
# advert interval plus Skew_Time (of the priority take sets), release within
# Skew_Time + 5 ms; (d) less CPU, and under a quarter of keepalived's
# VmRSS.  "Equal or better" is the ratio as printed, rounded to 1.00 or
# less: both daemons follow the same timers, and their medians differ by
# tenths of a millisecond either way from run to run.
#
# The times: frames are captured on the lab's bridges and stamped by the
# kernel (labtool capture, CLOCK_REALTIME); tshark decodes them.  A kill, a
# cut, a command or a reload is stamped with $EPOCHREALTIME (CLOCK_REALTIME
# too) just before it, and comes at a fixed phase after one of the master's
# adverts, heard by `labtool mcast-listen` on h5: run i of N waits
# (i + 1/2) / N of an interval after it, the same for both daemons.  A
# backup's timer runs from the last advert it heard: random phases would
# make the two medians differ by chance.  A crash of keepalived is SIGKILL
# to its whole process group: its VRRP child would resign (priority 0) if
# only its parent died.
#
# keepalived runs as in tests/keepalived.bats (keepalived -n -l -D -G -P,
# pid files of its own, global_defs vrrp_lower_prio_no_advert, state BACKUP;
# see there why); its state is the last "Entering ... STATE" it logged.
#
# A benchmark: it prints figures and whether each target is met, and exits
# non-zero only when something broke (a daemon that does not start, no
# failover at all).
#
# Environment: VPNHA_BIN (build/bin), BENCH_RUNS (5) runs of each kind of
# (a), BENCH_RUNS_SYNC (5) of (b), BENCH_RUNS_FORCE (3) of (c),
# BENCH_CPU_SECONDS (20); BENCH_KEEP=1 keeps the captures, configurations
# and logs; VPNHA_STATIC (build/musl/bin, from `make static`): where
# release is also timed with the static vrrp-failover, when it is there
# (exec'ing it skips the dynamic loader: about 1.5 ms less here);
# BENCH_PARTS ("a b c d u t p"): which parts to run.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 111
bin=${VPNHA_BIN:-$top/build/bin}
bin=$(cd "$bin" 2>/dev/null && pwd) || {
	echo "vrrpd-keepalived bench: no $VPNHA_BIN; run make first" >&2
	exit 111
}
static=${VPNHA_STATIC:-$top/build/musl/bin}/vrrp-failover
[ -x "$static" ] || static=
PARTS=${BENCH_PARTS:-a b c d u t p}
RUNS=${BENCH_RUNS:-5}
RUNS_SYNC=${BENCH_RUNS_SYNC:-5}
RUNS_FORCE=${BENCH_RUNS_FORCE:-3}
CPU_SECONDS=${BENCH_CPU_SECONDS:-20}
NGROUPS=100
VIP=192.0.2.100			# (a), (c), and eth0's group of (b)
VIP1=192.0.2.200		# eth1's group of (b)
L=h5				# the listener

bench="vrrpd-keepalived bench"
part() {
	[[ " $PARTS " == *" $1 "* ]]
}
# shellcheck source=lib.bash
. "$top/tests/bench/lib.bash"
bench_setup "$bin/vrrpd" "$bin/vrrp-failover" keepalived tshark
lab_up -2 5 || die "lab_up failed"
declare -A kind=([h1]=vrrpd [h2]=vrrpd [h3]=keepalived [h4]=keepalived)
declare -A master=([vrrpd]=h1 [keepalived]=h3) backup=([vrrpd]=h2 [keepalived]=h4)
declare -A klog cpid R
UNICAST=			# set in (u): the groups by unicast
TRACK=()			# (t), (p): tracked processes, "NAME: weight W" or
				# "NAME:" (Fault); an @ in NAME is the host
NOFAST=				# (t): vrrpd with fast-preempt false

# ------------------------------------------------------------ the daemons

# conf HOST PRIORITY VERSION INTERVAL SYNC GROUP...: HOST's configuration
# for its daemon, $tmp/HOST.conf: each GROUP ("IF VRID ADDRESS/LEN") with
# these settings and preempt, in the sync group ACM if SYNC is yes
conf() {
	local h=$1 p=$2 ver=$3 iv=$4 sync=$5 g i v a s t
	shift 5
	if [ "${kind[$h]}" = vrrpd ]; then
		for g; do
			read -r i v a <<<"$g"
			s="set interfaces ethernet $i vrrp vrrp-group $v"
			printf '%s\n' "$s virtual-address $a" "$s priority $p" \
			    "$s version $ver" "$s advertise-interval $iv" "$s preempt true"
			[ "$sync" = no ] || echo "$s sync-group ACM"
			[ -z "$NOFAST" ] || echo "$s fast-preempt false"
			for t in ${TRACK[@]+"${TRACK[@]}"}; do
				t=${t//@/$h}
				echo "$s track process ${t%:*}${t#*:}"
			done
			[ -z "$UNICAST" ] || printf '%s\n' \
			    "$s peer-address $(addr "$(other "$h")")" \
			    "$s peer-address $(addr $L)" \
			    "$s hello-source-address $(addr "$h")"
		done >"$tmp/$h.conf"
		return
	fi
	{
		printf 'global_defs {\n\trouter_id %s\n\tvrrp_lower_prio_no_advert true\n}\n' "$h"
		for t in ${TRACK[@]+"${TRACK[@]}"}; do
			t=${t//@/$h}
			printf 'vrrp_track_process %s {\n\tprocess %s\n}\n' "${t%:*}" "${t%:*}"
		done
		if [ "$sync" = yes ]; then
			printf 'vrrp_sync_group ACM {\n\tgroup {\n'
			for g; do
				read -r i v a <<<"$g"
				printf '\t\tVI_%s_%s\n' "$i" "$v"
			done
			printf '\t}\n}\n'
		fi
		for g; do
			read -r i v a <<<"$g"
			printf 'vrrp_instance VI_%s_%s {\n\tstate BACKUP\n\tinterface %s\n' "$i" "$v" "$i"
			printf '\tvirtual_router_id %s\n\tversion %s\n\tpriority %s\n' "$v" "$ver" "$p"
			[ -z "$UNICAST" ] || printf '\tunicast_src_ip %s\n\tunicast_peer {\n\t\t%s\n\t\t%s\n\t}\n\tunicast_ttl 255\n' \
			    "$(addr "$h")" "$(addr "$(other "$h")")" "$(addr $L)"
			if [ ${#TRACK[@]} -gt 0 ]; then
				printf '\ttrack_process {\n'
				for t in "${TRACK[@]}"; do
					t=${t//@/$h}
					printf '\t\t%s%s\n' "${t%:*}" "${t#*:}"
				done
				printf '\t}\n'
			fi
			printf '\tadvert_int %s\n\tvirtual_ipaddress {\n\t\t%s\n\t}\n}\n' "$iv" "$a"
		done
	} >"$tmp/$h.conf"
}

# other HOST: the other router of HOST's pair
other() {
	case $1 in
	h1) echo h2 ;; h2) echo h1 ;; h3) echo h4 ;; h4) echo h3 ;;
	esac
}

# kstart HOST: keepalived on HOST; its PID (the parent's) in pid[HOST],
# its VRRP child's in cpid[HOST], its log in klog[HOST]
kstart() {
	local h=$1 log
	log=$tmp/log.$((++spawns))
	klog[$h]=$log
	rm -f "$tmp/$h.kpid" "$tmp/$h.vpid" "$tmp/$h.bpid"
	local -a shim=()
	# tracking processes: the proc connector from the initial namespace
	# (tests/shim/initnet.c; see tests/keepalived.bats)
	[ ${#TRACK[@]} -eq 0 ] || shim=(env LD_PRELOAD="$tmp/initnet.so" INITNET_NS="/proc/$$/ns/net")
	pid[$h]=$(lab_spawn "$h" "$log" ${shim[@]+"${shim[@]}"} keepalived -n -l -D -G -P -f "$tmp/$h.conf" \
	    -p "$tmp/$h.kpid" -r "$tmp/$h.vpid" -b "$tmp/$h.bpid") || die "$h: lab_spawn failed"
	lab_wait 5 grep -q 'Startup complete' "$log" && lab_wait 2 test -s "$tmp/$h.vpid" ||
		die "$h: keepalived did not start: $(tail -n 3 "$log")"
	read -r "cpid[$h]" <"$tmp/$h.vpid"
}

# startn HOST: vrrpd started in the initial network namespace, joining
# HOST's (-N): its process events come only there
startn() {
	local h=$1 log
	log=$tmp/log.$((++spawns))
	pid[$h]=$(lab_spawn_init "$log" "$bin/vrrpd" -N "$(lab_ns "$h")" \
	    -f "$tmp/$h.conf" -r "$tmp/$h.run") || die "$h: lab_spawn_init failed"
	lab_wait 5 test -S "$tmp/$h.run/vrrpd/control" ||
		die "$h: vrrpd did not start: $(cat "$log")"
}

# up HOST: start HOST's daemon
up() {
	if [ "${kind[$1]}" = vrrpd ] && [ ${#TRACK[@]} -gt 0 ]; then
		startn "$1"
	elif [ "${kind[$1]}" = vrrpd ]; then
		start "$1"
	else
		kstart "$1"
	fi
}

# gone HOST: HOST's daemon has exited, keepalived's child too (it does not
# start again while its VRRP pid file names a process, even a zombie)
gone() {
	lab_wait 5 ! lab_alive "${pid[$1]}" || return 1
	[ "${kind[$1]}" = vrrpd ] || lab_wait 5 ! test -e "/proc/${cpid[$1]}"
}

# down HOST...: SIGTERM, and wait until it is gone
down() {
	local h
	stop "$@"
	for h; do
		gone "$h" || die "$h: ${kind[$h]} did not exit"
	done
}

# crash HOST: SIGKILL, no chance to resign; stamped in t0.  The caller
# checks first that the lab started HOST's daemon and it runs (lab_alive
# forks: not between an advert and the kill)
crash() {
	local h=$1 p=${pid[$1]}
	[ "${kind[$h]}" = vrrpd ] || p=-$p
	t0=$EPOCHREALTIME
	kill -s KILL -- "$p" || die "$h: kill failed"
}

# kstates HOST: "INSTANCE STATE" of each instance of HOST's keepalived
kstates() {
	sed -n 's/.*(\(VI_[^)]*\)) Entering \([A-Z]*\) STATE.*/\1 \2/p' "${klog[$1]}" |
	    awk '{ s[$1] = tolower($2) } END { for (i in s) print i, s[i] }'
}

# st HOST IF VRID STATE: the group is in STATE on HOST (vrrpd: the status
# file of the running vrrpd; keepalived: the state it last logged)
st() {
	local h=$1 s=
	if [ "${kind[$h]}" = vrrpd ]; then
		{ IFS= read -r -d '' s <"$tmp/$h.run/vrrpd/$2.$3"; } 2>/dev/null
		s=$'\n'$s
		[[ $s == *$'\n'state=$4$'\n'* && $s == *$'\n'pid=${pid[$h]}$'\n'* ]]
	else
		# no fork: the state is polled while the daemons race
		{ IFS= read -r -d '' s <"${klog[$h]}"; } 2>/dev/null
		[[ $s == *"(VI_$2_$3) Entering "* ]] || return 1
		s=${s##*"(VI_$2_$3) Entering "}
		[ "${s%% STATE*}" = "${4^^}" ]
	fi
}

# all HOST IF STATE: groups 1..NGROUPS on IF are all in STATE
all() {
	local v
	if [ "${kind[$1]}" = keepalived ]; then
		[ "$(kstates "$1" | grep -c " $3\$")" = "$NGROUPS" ]
		return
	fi
	for ((v = 1; v <= NGROUPS; v++)); do
		st "$1" "$2" "$v" "$3" || return 1
	done
}

# steady M B W GROUP...: within W seconds M is master and B backup of each
# GROUP ("IF VRID")
steady() {
	local m=$1 b=$2 w=$3 g
	shift 3
	for g; do
		# shellcheck disable=SC2086 # IF VRID
		lab_wait "$w" st "$m" $g master && lab_wait "$w" st "$b" $g backup || return 1
	done
}

# ------------------------------------------------------------ the phase

# listen: labtool mcast-listen on h5's eth0, its lines through a fifo on
# descriptor lfd
listen() {
	local l
	mkfifo "$tmp/adverts" || die "mkfifo failed"
	exec {lfd}<>"$tmp/adverts"
	lpid=$(lab_spawn $L "$tmp/adverts" "$LAB_TOOL" mcast-listen eth0 224.0.0.18) ||
		die "lab_spawn failed"
	read -r -t 5 -u "$lfd" l && [ "$l" = ready ] || die "mcast-listen did not start"
}

# addr HOST: its address on eth0
addr() {
	echo "192.0.2.1${1#h}"
}

# advert HOST: return as the next advert of HOST (on eth0) is heard
advert() {
	local ip l
	ip=$(addr "$1")
	while read -r -t 0 -u "$lfd"; do
		read -r -u "$lfd" l
	done
	while read -r -t 5 -u "$lfd" l; do
		[[ $l != "from $ip "* ]] || return 0
	done
	die "no advert from $1 ($ip) for 5 s"
}

# cutter: an ip -batch in the switch, reading its commands from a fifo
# on descriptor cfd, so that a cut is one write, not the 10 to 30 ms that
# starting ip (or any program) takes on this machine
cutter() {
	mkfifo "$tmp/cut" || die "mkfifo failed"
	exec {cfd}<>"$tmp/cut"
	cpid_cut=$(lab_spawn switch "$tmp/cut.log" ip -force -batch "$tmp/cut") ||
		die "lab_spawn failed"
}

# cut HOST: set the switch's end of HOST's eth1 down, as lab_link does;
# stamped in t0
cut() {
	t0=$EPOCHREALTIME
	echo "link set $1-eth1 down" >&"$cfd"
}

# mark, settle: settle waits until 1.2 s have passed since mark, so that
# vrrpd's repeated announcements (0.1 s and 1 s after it became master)
# are over before the next run starts
mark() {
	tm=$(usec "$EPOCHREALTIME")
}

settle() {
	nap $((tm + 1200000 - $(usec "$EPOCHREALTIME")))
}

# phase HOST I N INTERVAL: return (I + 1/2) / N of INTERVAL after the next
# advert of HOST; nothing forks between the advert and the return
phase() {
	local d
	d=$(($(usec "$4") * (2 * $2 + 1) / (2 * $3)))
	advert "$1"
	nap "$d"
}

# nap USEC: sleep without starting a program (a fork takes 5 to 30 ms, and
# more, on this machine): a read that times out, on a pipe no one writes to
exec {nfd}<> <(:)
nap() {
	local s
	[ "$1" -gt 0 ] || return 0
	printf -v s '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000))
	read -r -t "$s" -u "$nfd" _ || :
}

# ------------------------------------------------------------ the figures

# garps PCAP ADDRESS HOST IF: the times of HOST's gratuitous ARPs for
# ADDRESS in PCAP
garps() {
	tshark -r "$1" -Y "arp.isgratuitous && arp.src.proto_ipv4 == $2 &&
	    eth.src == $(lab_mac "$3" "$4")" -T fields -e frame.time_epoch 2>"$tmp/tshark.err" ||
		die "tshark: $(cat "$tmp/tshark.err")"
}

# delays STARTS EVENTS: for each time in the file STARTS, the ms to the
# first time in the file EVENTS after it and before the next start ("none")
delays() {
	awk -v base="$base" '
	function t(s,  a) { split(s, a, "."); return (a[1] - base) + ("0." a[2]) }
	FNR == NR { s[++n] = t($1); next }
	{ e[++m] = t($1) }
	END {
		for (i = 1; i <= n; i++) {
			hi = i < n ? s[i + 1] : 1e18
			d = "none"
			for (j = 1; j <= m; j++)
				if (e[j] > s[i] && e[j] < hi) {
					d = sprintf("%.1f", (e[j] - s[i]) * 1000)
					break
				}
			print d
		}
	}' "$1" "$2"
}

# ago STARTS EVENTS: for each time in the file STARTS, the ms since the
# last time in the file EVENTS before it
ago() {
	awk -v base="$base" '
	function t(s,  a) { split(s, a, "."); return (a[1] - base) + ("0." a[2]) }
	FNR == NR { s[++n] = t($1); next }
	{ e[++m] = t($1) }
	END {
		for (i = 1; i <= n; i++) {
			d = "none"
			for (j = m; j >= 1; j--)
				if (e[j] < s[i]) {
					d = sprintf("%.1f", (s[i] - e[j]) * 1000)
					break
				}
			print d
		}
	}' "$1" "$2"
}

# result KEY NAME PCAP ADDRESS HOST IF: R[KEY], "median min max n" of the
# delays from the starts in $tmp/KEY to HOST's gratuitous ARPs for ADDRESS
result() {
	local d
	d=$(delays "$tmp/$1" <(garps "$3" "$4" "$5" "$6")) || die "awk failed"
	[[ $d != *none* ]] || die "$2: no gratuitous ARP from $5 for $4 after a start (${d//$'\n'/ } ms)"
	R[$1]=$(stats <<<"$d")
}

# stats: "median min max n" of the numbers on stdin
stats() {
	sort -n | awk '{ x[++n] = $1 } END {
		printf "%.1f %.1f %.1f %d\n", n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2, x[1], x[n], n }'
}

# row TEXT KEY: a line of the table, R[KEY.vrrpd] beside R[KEY.keepalived]
# and their ratio (of the medians)
row() {
	# shellcheck disable=SC2086 # "median min max n"
	awk -v text="$1" -v v="${R[$2.vrrpd]}" -v k="${R[$2.keepalived]}" 'BEGIN {
		split(v, a, " "); split(k, b, " ")
		printf "%-34s %7.1f (%7.1f..%7.1f) %7.1f (%7.1f..%7.1f) %6.2f\n", text,
		    a[1], a[2], a[3], b[1], b[2], b[3], a[1] / b[1]
	}'
}

# target TEXT KEY EXPR: record whether the awk EXPR holds, on v (vrrpd's
# median of R[KEY.vrrpd]), vmax (its maximum), k (keepalived's median) and
# r (v / k, rounded as printed)
target() {
	local text=$1 key=$2 expr=$3
	awk -v text="$text" -v v="${R[$key.vrrpd]}" -v k="${R[$key.keepalived]}" "BEGIN {
		split(v, a, \" \"); split(k, b, \" \")
		v = a[1]; vmax = a[3]; k = b[1]; r = sprintf(\"%.2f\", v / k) + 0
		printf \"%-66s %s (vrrpd %.1f, keepalived %.1f, ratio %.2f)\\n\", text,
		    ($expr) ? \"met\" : \"NOT met\", v, k, v / k
	}" >>"$targets"
}

# heading TEXT: the columns of row
heading() {
	printf '%-34s %-25s %-25s %6s\n' "$1" "vrrpd, median (min..max)" "keepalived" ratio
}

# ------------------------------------------------------------ (a)

# pcap KEY KIND: the capture of (a), one for both daemons on the bridge;
# of (u), one per backup on its port (no unicast frame crosses the bridge
# device)
pcap() {
	if [ -n "$UNICAST" ]; then
		echo "$tmp/$1-${backup[$2]}.pcap"
	else
		echo "$tmp/$1.pcap"
	fi
}

# failover NAME VERSION INTERVAL: RUNS crashes of each master
failover() {
	local name=$1 ver=$2 iv=$3 k m b i w d pcap key=a$2
	[ -z "$UNICAST" ] || key=u$2
	w=$(((3 * 4 * $(usec "$iv") + 2000000) / 1000000 + 3))
	if [ -n "$UNICAST" ]; then
		for k in vrrpd keepalived; do
			lab_capture "${backup[$k]}-eth0" "$(pcap $key $k)" ||
				die "lab_capture failed"
		done
	else
		lab_capture eth0 "$(pcap $key)" || die "lab_capture failed"
	fi
	for k in vrrpd keepalived; do
		m=${master[$k]} b=${backup[$k]}
		conf "$m" 150 "$ver" "$iv" no "eth0 1 $VIP/25"
		conf "$b" 100 "$ver" "$iv" no "eth0 1 $VIP/25"
		up "$m"
		up "$b"
		steady "$m" "$b" "$w" "eth0 1" || die "$name $k: no steady state at start"
		: >"$tmp/$key.$k"
		for ((i = 0; i < RUNS; i++)); do
			lab_alive "${pid[$m]}" || die "$m: ${kind[$m]} is not running"
			phase "$m" "$i" "$RUNS" "$iv"
			crash "$m"
			echo "$t0" >>"$tmp/$key.$k"
			lab_wait "$w" st "$b" eth0 1 master ||
				die "$name $k: no failover after SIGKILL (run $((i + 1)))"
			mark
			gone "$m" || die "$name $k: the master outlived SIGKILL"
			up "$m"
			steady "$m" "$b" "$w" "eth0 1" ||
				die "$name $k: no steady state after a restart (run $((i + 1)))"
			settle
		done
		down "$m" "$b"
	done
	lab_capture_stop
	for k in vrrpd keepalived; do
		pcap=$(pcap $key $k)
		result "$key.$k" "$name $k" "$pcap" $VIP "${backup[$k]}" eth0
		# and from the dead master's last advert, whatever the phase
		d=$(paste <(delays "$tmp/$key.$k" <(garps "$pcap" $VIP "${backup[$k]}" eth0)) \
		    <(ago "$tmp/$key.$k" <(tshark -r "$pcap" -Y "vrrp && ip.src == $(addr "${master[$k]}")" \
		    -T fields -e frame.time_epoch 2>/dev/null)))
		[[ $d != *none* ]] || die "$name $k: no advert from ${master[$k]} before a kill"
		R[${key}l.$k]=$(awk '{ print $1 + $2 }' <<<"$d" | stats)
	done
	row "$name, from the kill" "$key"
	row "$name, from its last advert" "${key}l"
}

# ------------------------------------------------------------ (b)

# sync: RUNS_SYNC cuts of each master's eth1
sync() {
	local k m b i w=12 g0="eth0 99" g1="eth1 101"
	lab_capture eth0 "$tmp/b0.pcap" && lab_capture eth1 "$tmp/b1.pcap" ||
		die "lab_capture failed"
	for k in vrrpd keepalived; do
		m=${master[$k]} b=${backup[$k]}
		conf "$m" 150 2 1 yes "$g0 $VIP/25" "$g1 $VIP1/25"
		conf "$b" 100 2 1 yes "$g0 $VIP/25" "$g1 $VIP1/25"
		up "$m"
		up "$b"
		steady "$m" "$b" "$w" "$g0" "$g1" || die "sync $k: no steady state at start"
		: >"$tmp/b.$k"
		for ((i = 0; i < RUNS_SYNC; i++)); do
			phase "$m" "$i" "$RUNS_SYNC" 1
			cut "$m"
			echo "$t0" >>"$tmp/b.$k"
			# shellcheck disable=SC2086 # IF VRID
			lab_wait "$w" st "$b" $g0 master && lab_wait "$w" st "$b" $g1 master ||
				die "sync $k: no failover after the cut (run $((i + 1))) $(cat "$tmp/cut.log")"
			mark
			lab_link "$m" eth1 up || die "lab_link failed"
			steady "$m" "$b" "$w" "$g0" "$g1" ||
				die "sync $k: no steady state after the link came back (run $((i + 1)))"
			settle
		done
		down "$m" "$b"
	done
	lab_capture_stop
	for k in vrrpd keepalived; do
		cp "$tmp/b.$k" "$tmp/b1.$k"
		result "b.$k" "sync $k" "$tmp/b0.pcap" $VIP "${backup[$k]}" eth0
		result "b1.$k" "sync $k" "$tmp/b1.pcap" $VIP1 "${backup[$k]}" eth1
	done
	row "eth0 group (link up)" b
	row "eth1 group (link cut)" b1
	for k in vrrpd keepalived; do
		parts "$k: the cut" "$tmp/b.$k" "$tmp/b0.pcap" "${master[$k]}" "${backup[$k]}"
	done
}

# ------------------------------------------------------------ (c)

# failover_cmd HOST VERB [PROG [SUFFIX]]: PROG (vrrp-failover) VERB eth0 1
# on HOST, stamped in t0; the time it reports, in ms, appended to
# $tmp/cVERBSUFFIX-cmd.vrrpd.  The process is forked beforehand and waits
# on a fifo, so that what is timed is the exec of vrrp-failover and its
# work, as when a supervisor or a shell's `exec` runs it: forking this
# script's large bash costs 5 to 11 ms on a 2-core VM, more than the whole
# of vrrp-failover's part.
failover_cmd() {
	local h=$1 verb=$2 prog=${3:-$bin/vrrp-failover} sfx=${4-} s p
	rm -f "$tmp/go" && mkfifo "$tmp/go" || die "mkfifo $tmp/go failed"
	(
		read -r _ <"$tmp/go"
		exec "$prog" -r "$tmp/$h.run" "$verb" eth0 1
	) >"$tmp/out" 2>&1 &
	p=$!
	sleep 0.1
	t0=$EPOCHREALTIME
	echo >"$tmp/go"
	wait "$p" || die "vrrp-failover $verb on $h failed: $(cat "$tmp/out")"
	s=$(sed -n 's/^eth0 1: [a-z]* -> [a-z]* after \([0-9.]*\) s$/\1/p' "$tmp/out")
	[ -n "$s" ] || die "vrrp-failover $verb on $h: no time in: $(cat "$tmp/out")"
	awk -v s="$s" 'BEGIN { printf "%.1f\n", s * 1000 }' >>"$tmp/c$verb$sfx-cmd.vrrpd"
}

# reload HOST PRIORITY: keepalived on HOST with PRIORITY, by SIGHUP,
# stamped in t0
reload() {
	conf "$1" "$2" 2 1 no "eth0 1 $VIP/25"
	t0=$EPOCHREALTIME
	kill -s HUP "${pid[$1]}" || die "$1: kill -HUP failed"
}

# force_once I HOST VERB [PROG SUFFIX]: at run I's phase, vrrp-failover
# VERB on HOST (PROG, default the build's); its start stamped in
# $tmp/cVERBSUFFIX.vrrpd; until h2 is master, then h1 again (restore)
force_once() {
	local i=$1 h=$2 verb=$3 prog=${4-} sfx=${5-}
	phase h1 "$i" "$RUNS_FORCE" 1
	failover_cmd "$h" "$verb" "$prog" "$sfx"
	echo "$t0" >>"$tmp/c$verb$sfx.vrrpd"
	steady h2 h1 5 "eth0 1" || die "force vrrpd: h1 still master after $verb"
	mark
	"$bin/vrrp-failover" -r "$tmp/$h.run" restore eth0 1 || die "restore failed"
	steady h1 h2 8 "eth0 1" || die "force vrrpd: h1 not master again"
	settle
}

# force_vrrpd I: take, back, release, back (and with the static build)
force_vrrpd() {
	local i=$1
	lab_wait 3 grep -q '^master_priority=150$' "$tmp/h2.run/vrrpd/eth0.1" ||
		die "force vrrpd: h2 has not heard h1's priority"
	force_once "$i" h2 take
	force_once "$i" h1 release
	[ -z "$static" ] || force_once "$i" h1 release "$static" -static
}

# force_keepalived I: the same by reloads
force_keepalived() {
	local i=$1
	phase h3 "$i" "$RUNS_FORCE" 1
	reload h4 200
	echo "$t0" >>"$tmp/ctake.keepalived"
	steady h4 h3 8 "eth0 1" || die "force keepalived: h3 still master after h4 200"
	mark
	reload h4 100
	steady h3 h4 8 "eth0 1" || die "force keepalived: h3 not master again"
	settle
	phase h3 "$i" "$RUNS_FORCE" 1
	reload h3 50
	echo "$t0" >>"$tmp/crelease.keepalived"
	steady h4 h3 8 "eth0 1" || die "force keepalived: h3 still master at 50"
	mark
	reload h3 150
	steady h3 h4 8 "eth0 1" || die "force keepalived: h3 not master again"
	settle
}

# parts TEXT STARTS PCAP MASTER BACKUP: in two, the times from STARTS to
# BACKUP's gratuitous ARPs for $VIP on eth0: to MASTER's priority 0 advert
# (on eth0), and from there
parts() {
	local a b
	a=$(delays "$2" <(tshark -r "$3" -Y "vrrp.prio == 0 && ip.src == $(addr "$4")" \
	    -T fields -e frame.time_epoch 2>/dev/null))
	[[ $a != *none* ]] || {
		echo "    $1: no priority 0 advert"
		return
	}
	b=$(paste <(delays "$2" <(garps "$3" $VIP "$5" eth0)) - <<<"$a" |
	    awk '{ print $1 - $2 }')
	read -r a _ <<<"$(stats <<<"$a")"
	read -r b _ <<<"$(stats <<<"$b")"
	echo "    $1 -> priority 0 on the wire $a, -> the backup's GARP $b (medians)"
}

# spawn_cost: what exec'ing /bin/true from a process forked beforehand
# costs here, until it has exited and been waited for (median of 11, ms)
spawn_cost() {
	local i t u p
	for ((i = 0; i < 11; i++)); do
		rm -f "$tmp/go" && mkfifo "$tmp/go" || return
		( read -r _ <"$tmp/go"; exec /bin/true ) &
		p=$!
		sleep 0.05
		t=$EPOCHREALTIME
		echo >"$tmp/go"
		wait "$p"
		u=$EPOCHREALTIME
		awk -v a="$t" -v b="$u" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'
	done | stats | {
		read -r t _
		echo "$t"
	}
}

force() {
	local k m b i v
	lab_capture eth0 "$tmp/c.pcap" || die "lab_capture failed"
	for k in vrrpd keepalived; do
		m=${master[$k]} b=${backup[$k]}
		conf "$m" 150 2 1 no "eth0 1 $VIP/25"
		conf "$b" 100 2 1 no "eth0 1 $VIP/25"
		up "$m"
		up "$b"
		steady "$m" "$b" 12 "eth0 1" || die "force $k: no steady state at start"
		for ((i = 0; i < RUNS_FORCE; i++)); do
			"force_$k" "$i"
		done
		down "$m" "$b"
	done
	lab_capture_stop
	for v in take release; do
		for k in vrrpd keepalived; do
			result "c$v.$k" "$v $k" "$tmp/c.pcap" $VIP "${backup[$k]}" eth0
		done
	done
	R[ctake-cmd.vrrpd]=$(stats <"$tmp/ctake-cmd.vrrpd")
	R[crelease-cmd.vrrpd]=$(stats <"$tmp/crelease-cmd.vrrpd")
	R[ctake-cmd.keepalived]=${R[ctake.keepalived]}
	R[crelease-cmd.keepalived]=${R[crelease.keepalived]}
	row "take, on the wire" ctake
	row "take, vrrp-failover's own" ctake-cmd
	row "release, on the wire" crelease
	row "release, vrrp-failover's own (*)" crelease-cmd
	if [ -n "$static" ]; then
		result crelease-static.vrrpd "release static" "$tmp/c.pcap" $VIP h2 eth0
		R[crelease-static.keepalived]=${R[crelease.keepalived]}
		row "release, static (musl) build" crelease-static
	fi
	echo "(*) the time release reports is the master's own step down, at once"
	parts "vrrpd: release's start" "$tmp/crelease.vrrpd" "$tmp/c.pcap" h1 h2
	[ -z "$static" ] ||
		parts "vrrpd: static release's start" "$tmp/crelease-static.vrrpd" \
		    "$tmp/c.pcap" h1 h2
	echo "    (/bin/true, exec'd and waited for as the command was: $(spawn_cost))"
}

# ------------------------------------------------------------ (d)

# cost PID...: "TICKS NS RSS HWM PSS", summed over the PIDs
cost() {
	local p x t=0 n=0 r=0 h=0 s=0 a b c d k v _
	for p; do
		x=$(proc "$p") || return 1
		read -r a b c d <<<"$x"
		t=$((t + a)) n=$((n + b)) r=$((r + c)) h=$((h + d))
		while read -r k v _; do
			[ "$k" != Pss: ] || s=$((s + v))
		done <"/proc/$p/smaps_rollup"
	done
	echo "$t $n $r $h $s"
}

# measure PHASE LABEL KIND PIDS...: CPU and memory of each daemon (its
# PIDS, "P1 P2") over the same CPU_SECONDS; prints a line each, and sets
# R[PHASEcpu.KIND] and R[PHASErss.KIND]
measure() {
	local ph=$1 i t0 t1 hz line
	local -a ls=() ks=() ps=() c0=() c1=()
	shift
	while [ $# -ge 3 ]; do
		ls+=("$1") ks+=("$2") ps+=("$3")
		shift 3
	done
	hz=$(getconf CLK_TCK)
	t0=$EPOCHREALTIME
	for ((i = 0; i < ${#ks[@]}; i++)); do
		# shellcheck disable=SC2086 # PIDs
		c0[i]=$(cost ${ps[i]}) || die "${ls[i]}: a process is gone"
	done
	sleep "$CPU_SECONDS"
	for ((i = 0; i < ${#ks[@]}; i++)); do
		# shellcheck disable=SC2086 # PIDs
		c1[i]=$(cost ${ps[i]}) || die "${ls[i]}: a process is gone"
	done
	t1=$EPOCHREALTIME
	for ((i = 0; i < ${#ks[@]}; i++)); do
		line=$(awk -v hz="$hz" -v t0="$t0" -v t1="$t1" -v base="$base" \
		    -v label="${ls[i]}" -v n="$(wc -w <<<"${ps[i]}")" \
		    -v c0="${c0[i]}" -v c1="${c1[i]}" '
		function t(s,  a) { split(s, a, "."); return (a[1] - base) + ("0." a[2]) }
		BEGIN {
			split(c0, x, " "); split(c1, y, " ")
			dt = t(t1) - t(t0)
			cpu = (y[1] - x[1]) / hz / dt * 100
			printf "%.3f %.3f|%-38s %2d %6.2f %% (%5.2f %%)  %6.2f MiB  %6.2f MiB  %6.2f MiB\n",
			    cpu, y[3] / 1024, label, n, cpu, (y[2] - x[2]) / 1e9 / dt * 100,
			    y[3] / 1024, y[4] / 1024, y[5] / 1024
		}')
		echo "${line#*|}"
		line=${line%%|*}
		R[${ph}cpu.${ks[i]}]="${line% *} ${line% *} ${line% *} 1"
		R[${ph}rss.${ks[i]}]="${line#* } ${line#* } ${line#* } 1"
	done
}

# groups IF: the NGROUPS groups on IF ("IF VRID ADDRESS/32"), addresses
# 192.0.2.20..119 on eth0, 192.0.2.148..247 on eth1
groups() {
	local v o=19
	[ "$1" = eth0 ] || o=147
	for ((v = 1; v <= NGROUPS; v++)); do
		echo "$1 $v 192.0.2.$((o + v))/32"
	done
}

# pids HOST: its daemon's processes
pids() {
	echo "${pid[$1]}${cpid[$1]:+ ${cpid[$1]}}"
}

# many: (d)
many() {
	local -a g0 g1
	mapfile -t g0 < <(groups eth0)
	mapfile -t g1 < <(groups eth1)
	# masters 200, backups 100
	conf h1 200 3 0.1 no "${g0[@]}"
	conf h2 100 3 0.1 no "${g0[@]}"
	conf h3 200 3 0.1 no "${g1[@]}"
	conf h4 100 3 0.1 no "${g1[@]}"
	cpid[h1]='' cpid[h2]=''
	up h1
	up h3
	lab_wait 10 all h1 eth0 master || die "$NGROUPS groups: h1 (vrrpd) is not master of all"
	lab_wait 10 all h3 eth1 master || die "$NGROUPS groups: h3 (keepalived) is not master of all"
	sleep 1
	measure dm "vrrpd as master, peer absent" vrrpd "$(pids h1)" \
	    "keepalived as master, peer absent" keepalived "$(pids h3)"
	up h2
	up h4
	lab_wait 10 all h2 eth0 backup || die "$NGROUPS groups: h2 (vrrpd) is not backup of all"
	lab_wait 10 all h4 eth1 backup || die "$NGROUPS groups: h4 (keepalived) is not backup of all"
	lab_wait 2 all h1 eth0 master || die "$NGROUPS groups: h1 (vrrpd) lost a group"
	lab_wait 2 all h3 eth1 master || die "$NGROUPS groups: h3 (keepalived) lost a group"
	sleep 1
	measure db "vrrpd as backup" vrrpd "$(pids h2)" \
	    "keepalived as backup" keepalived "$(pids h4)" \
	    "vrrpd as master, with the backup" vrrpdm "$(pids h1)" \
	    "keepalived as master, with the backup" keepalivedm "$(pids h3)"
	down h1 h2 h3 h4
}

# ------------------------------------------------------------ (t)

# initnet: keepalived's shim for tracking processes in a lab host
initnet() {
	[ -e "$tmp/initnet.so" ] ||
		cc -shared -fPIC -o "$tmp/initnet.so" "$top/tests/shim/initnet.c" -ldl ||
		die "cc initnet.c failed"
}

# tracked: the processes (t) tracks, charon if it is installed
tracked_setup() {
	local h
	# shellcheck source=../lab/swan.bash
	. "$top/tests/lab/swan.bash"
	initnet
	TPROG=/bin/sleep
	if [ -z "$(swan_missing)" ]; then
		mkdir -p "$tmp/ca" && swan_ca "$tmp/ca" &&
		    swan_cert "$tmp/ca" node "C=US, O=vpnha lab, CN=node" ||
			die "pki failed"
		for h in h1 h2 h3 h4; do
			swan_node "$tmp/swan-$h" "$tmp/ca" node || die "swan_node failed"
		done
		TPROG=$SWAN_CHARON
	fi
	for h in h1 h2 h3 h4; do
		ln -sf "$TPROG" "$tmp/charon$$$h" || die "ln failed"
	done
}

# tstart HOST: HOST's tracked process; its PID in tpid[HOST]
declare -A tpid
tstart() {
	local h=$1
	if [ "$TPROG" = /bin/sleep ]; then
		tpid[$h]=$(lab_spawn "$h" "$tmp/t.$h.log" "$tmp/charon$$$h" 1000) ||
			die "lab_spawn failed"
	else
		tpid[$h]=$(SWAN_CHARON=$tmp/charon$$$h swan_start "$h" "$tmp/swan-$h") ||
			die "$h: charon did not start"
	fi
}

# tkill HOST: SIGKILL of HOST's tracked process, stamped in t0
tkill() {
	t0=$EPOCHREALTIME
	kill -s KILL "${tpid[$1]}" || die "$1: kill of the tracked process failed"
}

# trackfail NAME VERSION INTERVAL MODE: RUNS kills of each master's
# tracked process; MODE fault or weight (-100)
trackfail() {
	local name=$1 ver=$2 iv=$3 mode=$4 k m b i w d key=t$4$2 kk prio=0
	w=$(((3 * 4 * $(usec "$iv") + 2000000) / 1000000 + 3))
	TRACK=("charon$$@:")
	if [ "$mode" = weight ]; then
		TRACK=("charon$$@: weight -100")
		prio=50
	fi
	lab_capture eth0 "$tmp/$key.pcap" || die "lab_capture failed"
	for kk in vrrpd keepalived rfc; do
		[ "$kk" != rfc ] || [ "$mode" = weight ] || continue
		k=${kk/rfc/vrrpd} NOFAST=${kk#vrrpd}
		NOFAST=${NOFAST#keepalived}
		m=${master[$k]} b=${backup[$k]}
		conf "$m" 150 "$ver" "$iv" no "eth0 1 $VIP/25"
		conf "$b" 100 "$ver" "$iv" no "eth0 1 $VIP/25"
		tstart "$m"
		tstart "$b"
		up "$m"
		up "$b"
		steady "$m" "$b" "$w" "eth0 1" || die "$name $kk: no steady state at start"
		: >"$tmp/$key.$kk"
		for ((i = 0; i < RUNS; i++)); do
			phase "$m" "$i" "$RUNS" "$iv"
			tkill "$m"
			echo "$t0" >>"$tmp/$key.$kk"
			lab_wait "$w" st "$b" eth0 1 master ||
				die "$name $kk: no failover after the kill (run $((i + 1)))"
			mark
			tstart "$m"
			steady "$m" "$b" "$w" "eth0 1" ||
				die "$name $kk: no steady state after a restart (run $((i + 1)))"
			settle
		done
		down "$m" "$b"
		kill -s KILL "${tpid[$m]}" "${tpid[$b]}" 2>/dev/null
	done
	NOFAST=
	TRACK=()
	lab_capture_stop
	for kk in vrrpd keepalived rfc; do
		[ -e "$tmp/$key.$kk" ] || continue
		k=${kk/rfc/vrrpd}
		result "$key.$kk" "$name $kk" "$tmp/$key.pcap" $VIP "${backup[$k]}" eth0
		# and to the master's advert at 0 or 50: the process event's part
		d=$(delays "$tmp/$key.$kk" <(tshark -r "$tmp/$key.pcap" -Y "vrrp.prio == $prio && ip.src == $(addr "${master[$k]}")" \
		    -T fields -e frame.time_epoch 2>/dev/null))
		R[${key}p.$kk]=$(grep -v none <<<"$d" | stats)
	done
	row "$name, kill -> GARP" "$key"
	row "$name, kill -> its advert $prio" "${key}p"
	if [ "$mode" = weight ]; then
		R[${key}f.vrrpd]=${R[$key.rfc]} R[${key}f.keepalived]=${R[$key.keepalived]}
		row "$name, RFC timing, kill -> GARP" "${key}f"
	fi
}

# ------------------------------------------------------------ (p)

# churn: (p)
churn() {
	local i n t up want k x bad=0 lost
	local -a names=() paths=()
	for ((i = 0; i < 10; i++)); do
		n=pl$$-$i
		names+=("$n")
		TRACK+=("$n: weight -1")
		ln -sf /bin/true "$tmp/$n" || die "ln failed"
		paths+=("$tmp/$n")
	done
	cc -O2 -o "$tmp/forkload" "$top/tests/bench/forkload.c" || die "cc forkload.c failed"
	initnet
	# names 0..4 run all along
	for ((i = 0; i < 5; i++)); do
		mkdir -p "$tmp/r$i" &&
		    ln -sf /bin/sleep "$tmp/r$i/${names[i]}" || die "ln failed"
		lab_spawn h5 "$tmp/r$i.log" "$tmp/r$i/${names[i]}" 1000 >/dev/null ||
			die "lab_spawn failed"
	done
	conf h1 150 2 1 no "eth0 1 $VIP/25"
	conf h3 150 2 1 no "eth1 2 $VIP1/25"
	cpid[h1]=''
	up h1
	up h3
	lab_wait 8 st h1 eth0 1 master || die "churn: vrrpd is not master"
	lab_wait 8 st h3 eth1 2 master || die "churn: keepalived is not master"
	lab_spawn h5 "$tmp/forkload.out" "$tmp/forkload" 1000 $((CPU_SECONDS + 2)) \
	    "${paths[@]}" >"$tmp/forkload.pid" || die "lab_spawn failed"
	sleep 1
	measure p "vrrpd, 10 tracked names, 1,000 forks/s" vrrpd "$(pids h1)" \
	    "keepalived, the same" keepalived "$(pids h3)"
	lab_wait 10 grep -q '^forks' "$tmp/forkload.out" || die "forkload did not end"
	echo "    forkload: $(cat "$tmp/forkload.out")"
	sleep 1	# the last events read
	# every tracker as what runs: 0..4 up, 5..9 down
	for ((i = 0; i < 10; i++)); do
		want=down
		[ "$i" -ge 5 ] || want=up
		x=$(sed -n "s/^track$((i + 1))=process \\(${names[i]}\\) \\([a-z]*\\) .*/\\2/p" \
		    "$tmp/h1.run/vrrpd/eth0.1")
		[ "$x" = "$want" ] || { echo "    vrrpd: ${names[i]} $x, want $want"; bad=1; }
	done
	lab_capture eth0 "$tmp/p0.pcap" && lab_capture eth1 "$tmp/p1.pcap" ||
		die "lab_capture failed"
	sleep 2.2
	lab_capture_stop
	# vrrpd alone on eth0, keepalived alone on eth1
	for x in "vrrpd p0" "keepalived p1"; do
		read -r k t <<<"$x"
		up=$(tshark -r "$tmp/$t.pcap" -Y vrrp -T fields \
		    -e vrrp.prio 2>/dev/null | sort -u | tr '\n' ' ')
		echo "    $k: adverts at priority ${up% } after the churn (want 145)"
		[ "$up" = "145 " ] || bad=1
	done
	n=$(cat "$tmp"/log.* | grep -c 'process events lost')
	lost=$(grep -c -e 'Missed [0-9]* messages' -e 'process_monitor_rcv_bufs' "${klog[h3]}")
	echo "    vrrpd: \"process events lost\" $n times; keepalived: missed or reinitialised $lost times"
	R[plost.vrrpd]="$n $n $n 1" R[plost.keepalived]="$lost $lost $lost 1"
	R[pok.vrrpd]="$((1 - bad)) 1 1 1"
	lab_kill "$(cat "$tmp/forkload.pid")" 2>/dev/null
	down h1 h3
	TRACK=()
}

# ------------------------------------------------------------ the run

# skew PRIORITY INTERVAL [N]: Skew_Time in ms of PRIORITY at INTERVAL
# (seconds), plus N intervals (3: Master_Down_Interval); RFC 3768 6.1 and
# RFC 5798 6.1 alike
skew() {
	awk -v p="$1" -v i="$2" -v n="${3:-0}" 'BEGIN { printf "%.1f\n", ((256 - p) / 256 + n) * i * 1000 }'
}

printf '%s: %s/vrrpd and keepalived (%s); lab_up -2 5: vrrpd h1 (master) h2,\n' \
    "$bench" "$bin" "$(keepalived --version 2>&1 | sed -n '1s/^Keepalived //p')"
echo "  keepalived h3 (master) h4, h5 listens; priorities 150 and 100, preempt; times in ms"
start_s=$SECONDS
listen
cutter

sk=$(skew 100 1)
if part a; then
echo
echo "(a) SIGKILL of the master: from the kill (and from its last advert) to the backup's"
echo "    first gratuitous ARP;"
echo "    $RUNS runs each, killed (i + 1/2) / $RUNS of an interval after an advert (the backup's"
echo "    Master_Down_Interval: v2 1 s $(skew 100 1 3), v3 0.1 s $(skew 100 0.1 3))"
heading ""
failover "v2 1 s" 2 1
failover "v3 0.1 s" 3 0.1
echo "($((SECONDS - start_s)) s)"
target "(a) v2 1 s: kill -> GARP, vrrpd/keepalived <= 1" a2 'r <= 1'
target "(a) v2 1 s: last advert -> GARP, vrrpd/keepalived <= 1" a2l 'r <= 1'
target "(a) v3 0.1 s: kill -> GARP, vrrpd/keepalived <= 1" a3 'r <= 1'
target "(a) v3 0.1 s: last advert -> GARP, vrrpd/keepalived <= 1" a3l 'r <= 1'
fi

if part b; then
echo
echo "(b) Sync group (figure 2-4), v2 1 s, VRIDs 99 (eth0) and 101 (eth1): the master's eth1"
echo "    cut; from the cut to the backup's first gratuitous ARP for each group; $RUNS_SYNC runs"
echo "    (Skew_Time of the backup: $(skew 100 1))"
heading ""
sync
echo "($((SECONDS - start_s)) s)"
target "(b) eth0 group: cut -> GARP <= Skew_Time $sk + 5 (median)" b "v <= $sk + 5"
target "(b) eth0 group: vrrpd/keepalived <= 1" b 'r <= 1'
fi

if part c; then
echo
echo "(c) Forced failover, v2 1 s: vrrp-failover take (backup, 100 -> 151) and release"
echo "    (master, 150 -> 1) against keepalived reloaded (SIGHUP) with the backup 100 -> 200"
echo "    and the master 150 -> 50; to the new master's first gratuitous ARP; $RUNS_FORCE runs"
echo "    (keepalived: its reload time on the wire in both rows)"
heading ""
force
echo "($((SECONDS - start_s)) s)"
sk151=$(skew 151 1)
target "(c) take: <= interval + Skew_Time(151) = $(awk -v s="$sk151" 'BEGIN { print 1000 + s }') (max)" ctake \
    "vmax <= 1000 + $sk151"
target "(c) release: <= Skew_Time $sk + 5 (median)" crelease "v <= $sk + 5"
[ -z "$static" ] ||
	target "(c) release, static build: <= Skew_Time $sk + 5 (median)" \
	    crelease-static "v <= $sk + 5"
fi

if part d; then
echo
echo "(d) $NGROUPS groups, v3 at 0.1 s, one /32 address each; vrrpd on eth0 and keepalived on eth1"
echo "    at once; masters 200 alone, then with backups 100; over $CPU_SECONDS s: CPU % of one core"
echo "    from utime+stime (schedstat), VmRSS, VmHWM, PSS; keepalived: parent + VRRP child (2)"
printf '%-36s %5s %-20s  %-10s  %-10s  %-10s\n' "" procs CPU VmRSS VmHWM PSS
many
echo
heading "(d)"
row "CPU %, as master, peer absent" dmcpu
row "CPU %, as backup" dbcpu
R[dbmcpu.vrrpd]=${R[dbcpu.vrrpdm]} R[dbmcpu.keepalived]=${R[dbcpu.keepalivedm]}
row "CPU %, as master, with a backup" dbmcpu
row "VmRSS MiB, as master" dmrss
row "VmRSS MiB, as backup" dbrss
target "(d) as master: less CPU" dmcpu 'v < k'
target "(d) as backup: less CPU" dbcpu 'v < k'
target "(d) as master: VmRSS < 1/4" dmrss 'v < k / 4'
target "(d) as backup: VmRSS < 1/4" dbrss 'v < k / 4'
fi

if part u; then
echo
echo "(u) (a) by unicast on a switch that drops multicast: SIGKILL of the master, from the"
echo "    kill (and from its last advert) to the backup's first gratuitous ARP; $RUNS runs each"
echo "    (Master_Down_Interval: v2 1 s $(skew 100 1 3), v3 0.1 s $(skew 100 0.1 3))"
lab_exec switch nft -f "$top/tests/data/nft/mcast-drop.nft" || die "nft failed"
UNICAST=1
heading ""
failover "v2 1 s" 2 1
failover "v3 0.1 s" 3 0.1
UNICAST=
lab_exec switch nft delete table bridge mcdrop || die "nft failed"
echo "($((SECONDS - start_s)) s)"
target "(u) v2 1 s: last advert -> GARP <= Master_Down_Interval $(skew 100 1 3) + 5 (median)" u2l \
    "v <= $(skew 100 1 3) + 5"
target "(u) v2 1 s: last advert -> GARP, vrrpd/keepalived <= 1" u2l 'r <= 1'
target "(u) v3 0.1 s: last advert -> GARP <= Master_Down_Interval $(skew 100 0.1 3) + 5 (median)" u3l \
    "v <= $(skew 100 0.1 3) + 5"
target "(u) v3 0.1 s: last advert -> GARP, vrrpd/keepalived <= 1" u3l 'r <= 1'
fi

if part t; then
echo
echo "(t) SIGKILL of the tracked process on the master (150; backup 100, preempt): from the kill"
echo "    to the backup's first gratuitous ARP; $RUNS runs each; Fault (no weight) and weight -100"
tracked_setup
echo "    the tracked process: $TPROG, as charon$$hN"
heading ""
trackfail "v2 1 s Fault" 2 1 fault
trackfail "v3 0.1 s Fault" 3 0.1 fault
trackfail "v2 1 s weight" 2 1 weight
trackfail "v3 0.1 s weight" 3 0.1 weight
echo "($((SECONDS - start_s)) s)"
target "(t) v2 1 s Fault: kill -> GARP <= Skew_Time $sk + 10 (median)" tfault2 "v <= $sk + 10"
target "(t) v3 0.1 s Fault: kill -> GARP <= Skew_Time $(skew 100 0.1) + 10 (median)" tfault3 \
    "v <= $(skew 100 0.1) + 10"
target "(t) v2 1 s Fault: vrrpd/keepalived <= 1" tfault2 'r <= 1'
target "(t) v3 0.1 s Fault: vrrpd/keepalived <= 1" tfault3 'r <= 1'
target "(t) v2 1 s weight: kill -> GARP <= 1000 + Skew_Time $sk (median)" tweight2 "v <= 1000 + $sk"
target "(t) v2 1 s weight, fast-preempt false: <= 1000 + Skew_Time $sk (median)" tweight2f \
    "v <= 1000 + $sk"
target "(t) v3 0.1 s weight: kill -> GARP <= 100 + Skew_Time $(skew 100 0.1) (median)" tweight3 \
    "v <= 100 + $(skew 100 0.1)"
target "(t) v3 0.1 s weight, fast-preempt false: <= 100 + Skew_Time $(skew 100 0.1) (median)" tweight3f \
    "v <= 100 + $(skew 100 0.1)"
target "(t) v2 1 s weight: vrrpd/keepalived <= 1" tweight2 'r <= 1'
target "(t) v3 0.1 s weight: vrrpd/keepalived <= 1" tweight3 'r <= 1'
fi

if part p; then
echo
echo "(p) 10 tracked process names, v2 at 1 s, vrrpd (h1) and keepalived (h3) at once, while"
echo "    forkload forks 1,000 processes a second; over $CPU_SECONDS s: CPU % of one core"
printf '%-36s %5s %-20s  %-10s  %-10s  %-10s\n' "" procs CPU VmRSS VmHWM PSS
churn
echo
heading "(p)"
row "CPU %, 1,000 forks/s" pcpu
row "process events lost (count)" plost
target "(p) vrrpd under 2 % of a core" pcpu 'v < 2'
target "(p) vrrpd: no process event lost" plost 'v == 0'
R[pok.keepalived]=${R[pok.vrrpd]}
target "(p) every tracker's state as what runs (both daemons)" pok 'v == 1'
fi

lab_kill "$lpid" || :
[ -z "${cpid_cut:-}" ] || lab_kill "$cpid_cut" || :
echo
if cat "$tmp"/log.* | grep -e 'vrrpd: warning' -e 'vrrpd: fatal' >"$tmp/warnings"; then
	echo "vrrpd warnings and errors during the bench (count, line):"
	sort "$tmp/warnings" | uniq -c | sort -rn | head -10
	echo
fi
echo "Targets:"
cat "$targets"
echo "($((SECONDS - start_s)) s)"
