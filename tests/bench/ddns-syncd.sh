#!/bin/bash
# ddns-syncd in the lab (tests/lab/): a cluster of five nodes, one per host.
#
# (c) propagation: LATENCY_N records published one at a time on h1 with
#     one control connection, 10 ms apart; each is stamped as its `up` line
#     is written, and again when its `+` line reaches a subscriber of h5
#     (`subscribe`, the stream ddns-named reads): p50, p99 and the worst of
#     the difference, and of the `up` -> `ok` round trip on h1 alone.  One
#     Python process does both ends with one clock
#     (ddns-syncd-latency.py), so no pipe or shell is inside the figure.
#     Where the rest goes (November 2026, this 2-core VM): each change costs
#     h1 about 0.17-0.19 ms on a CPU, most of it the kernel's TCP, veth
#     and bridge path of its four sends (the receivers' softirq runs in
#     the sender's time), and h5 about 0.08 ms; the tail is the wait for a
#     CPU of h1, h5 and the measuring process under the machine's other
#     load: the `up` -> `ok` round trip on h1 alone, which holds no
#     propagation at all, has nearly the same p99 as the whole path.  The
#     load average and the schedstat waits are printed beside the figure.
# (a) publish rate: N records (100,000) published on h1 through one control
#     connection (a batch of `up` lines), until the last `ok`.
# (b) convergence: from the first `up` until every node counts N records.
# (d) resync: h5 stopped, its run directory emptied, started again: from
#     its start (Argon2id and the join included), and from its join, until
#     it holds N records.
# (e) RSS of each node (VmRSS, and the peak VmHWM), with N records.
#
# Targets (issue 5): N converged on 5 nodes under 2 s; p99 under 10 ms;
# resync of N under 1 s; under 64 MiB RSS a node.  A benchmark: it prints
# figures and whether each target is met, and exits non-zero only when
# something broke.
#
# Environment: VPNHA_BIN (build/bin), BENCH_RECORDS (100000),
# BENCH_LATENCY_N (300), BENCH_KEEP=1 keeps the logs.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 111
bin=${VPNHA_BIN:-$top/build/bin}
bin=$(cd "$bin" 2>/dev/null && pwd) || {
	echo "ddns-syncd bench: no $VPNHA_BIN; run make first" >&2
	exit 111
}
N=${BENCH_RECORDS:-100000}
LATENCY_N=${BENCH_LATENCY_N:-300}
NODES=5

bench="ddns-syncd bench"
# shellcheck source=lib.bash
. "$top/tests/bench/lib.bash"
bench_setup "$bin/ddns-syncd" "$bin/ddns-ctl" socat /usr/bin/python3

conf() {
	local i=$1 j
	{
		echo "set service ipsec-ddns self 192.0.2.$((10 + i))"
		for ((j = 1; j <= NODES; j++)); do
			[ "$j" = "$i" ] || echo "set service ipsec-ddns peer 192.0.2.$((10 + j))"
		done
		echo "set service ipsec-ddns secret benchmarksecret"
		echo "set service ipsec-ddns domain vpn.example.org"
		echo "set service ipsec-ddns join-time 1"
		echo "set service ipsec-ddns enable"
	} >"$tmp/h$i.conf"
}

# begin I: ddns-syncd on hI, returns once it has decided its join
begin() {
	local i=$1 log=$tmp/h$1.log
	pid[h$i]=$(lab_spawn "h$i" "$log" "$bin/ddns-syncd" -f "$tmp/h$i.conf" \
	    -r "$tmp/h$i.run") || die "h$i: lab_spawn failed"
	lab_wait 10 test -e "$tmp/h$i.run/ddns/cluster" ||
		die "h$i: ddns-syncd did not join: $(cat "$log")"
}

count() {
	"$bin/ddns-ctl" -r "$tmp/h$1.run" status 2>/dev/null | sed -n 's/^records=//p'
}

# all_have N: every node counts N records
all_have() {
	local i
	for ((i = 1; i <= NODES; i++)); do
		[ "$(count "$i")" = "$1" ] || return 1
	done
}

now_us() {
	usec "$EPOCHREALTIME"
}

lab_up $NODES || die "lab_up failed"
for ((i = 1; i <= NODES; i++)); do
	conf "$i"
	begin "$i"
done
lab_wait 10 bash -c "[ \$(grep -c ' up ' '$tmp/h1.run/ddns/members') = $((NODES - 1)) ]" ||
	die "the cluster did not form: $(cat "$tmp/h1.run/ddns/members")"

# (c) propagation, one record at a time, h1 -> a subscriber of h5, measured
# by one process with one clock (ddns-syncd-latency.py)
# (/proc/PID/schedstat: time on a CPU, time waiting for one, and the
# number of times it got one; the difference across (c) says how much of
# the figure is the daemons' work and how much the machine's other load)
read -r c1 w1 n1 <"/proc/${pid[h1]}/schedstat"
read -r c5 w5 n5 <"/proc/${pid[h5]}/schedstat"
read -r nlat p50 p99 pmax r50 r99 < <("$top/tests/bench/ddns-syncd-latency.py" \
    "$tmp/h1.run/ddns/control" "$tmp/h5.run/ddns/control" "$LATENCY_N") ||
	die "the latency measurement failed"
[ -n "${r99-}" ] || die "the latency measurement failed"
read -r c1b w1b n1b <"/proc/${pid[h1]}/schedstat"
read -r c5b w5b n5b <"/proc/${pid[h5]}/schedstat"
read -r load _ </proc/loadavg
sched="h1 $(((c1b - c1) / 2000 / LATENCY_N)) us on a CPU a change (up or down), $(((w1b - w1) / 1000 / (n1b - n1 + 1))) us"
sched="$sched waiting for one a wakeup; h5 $(((c5b - c5) / 2000 / LATENCY_N)) us, $(((w5b - w5) / 1000 / (n5b - n5 + 1))) us"
lab_wait 10 all_have 0 || die "the latency records did not go"

# (a), (b): N records through one connection to h1
for ((k = 1; k <= N; k++)); do
	printf 'up gateway-%d 2001:db8:%x::%x\n' "$k" $((k >> 16)) $((k & 0xffff))
done >"$tmp/batch"
t0=$(now_us)
socat -t 60 - "UNIX-CONNECT:$tmp/h1.run/ddns/control" <"$tmp/batch" >"$tmp/batch.out"
t1=$(now_us)
[ "$(grep -c '^ok$' "$tmp/batch.out")" = "$N" ] || die "not every up was ok"
while ! all_have "$N"; do
	[ $(($(now_us) - t0)) -lt 60000000 ] || die "no convergence in 60 s"
	sleep 0.01
done
t2=$(now_us)
rate=$((N * 1000000 / (t1 - t0)))
conv=$(((t2 - t0) / 1000))

# (e) memory with N records
rss=
for ((i = 1; i <= NODES; i++)); do
	read -r _ _ r h < <(proc "${pid[h$i]}")
	rss="$rss h$i $((r / 1024)) MiB (peak $((h / 1024)))"
	[ $((h / 1024)) -lt 64 ] || rss_over=1
done

# (d) h5 starts again with nothing
stop h5
rm -rf "$tmp/h5.run"
t3=$(now_us)
begin 5
tj=$(now_us)
while [ "$(count 5)" != "$N" ]; do
	[ $(($(now_us) - t3)) -lt 60000000 ] || die "h5 did not resynchronise in 60 s"
	sleep 0.01
done
t4=$(now_us)
resync=$(((t4 - t3) / 1000))

echo "$bench: $NODES nodes, $N records"
echo "  (a) publish rate on h1, one connection: $rate records/s ($(((t1 - t0) / 1000)) ms)"
echo "  (b) every node holds all $N: $conv ms after the first up"
echo "  (c) propagation, up on h1 -> line at an h5 subscriber ($nlat records): p50 $p50 ms, p99 $p99 ms, worst $pmax ms"
echo "      (up -> ok on h1 alone: p50 $r50 ms, p99 $r99 ms; load average $load;"
echo "      $sched)"
echo "  (d) h5 restarted empty holds all $N: $resync ms after its start, $(((t4 - tj) / 1000)) ms after it joined"
echo "  (e) RSS:$rss"
target() {
	if [ "$2" = 1 ]; then echo "  target $1: met"; else echo "  target $1: NOT met"; fi
}
target "converged under 2 s" "$([ "$conv" -lt 2000 ] && echo 1)"
target "p99 propagation under 10 ms" "$(awk -v p="$p99" 'BEGIN { print (p < 10) }')"
target "resync under 1 s" "$([ "$resync" -lt 1000 ] && echo 1)"
target "under 64 MiB RSS a node" "$([ -z "${rss_over-}" ] && echo 1)"
exit 0
