#!/bin/bash
# ddns-syncd in the lab (tests/lab/): a cluster of five nodes, one per host.
#
# (c) propagation: LATENCY_N records published one at a time on h1 with
#     one control connection; each is stamped as its `up` line is written,
#     and again when its line reaches a subscriber of h5 (`subscribe`, the
#     stream ddns-named reads); p50 and p99 of the difference.
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
bench_setup "$bin/ddns-syncd" "$bin/ddns-ctl" socat

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

# (c) propagation, one record at a time, to a subscriber of h5
(
	echo subscribe
	exec sleep 3600
) | socat - "UNIX-CONNECT:$tmp/h5.run/ddns/control" 2>/dev/null |
	while IFS= read -r line; do
		echo "${EPOCHREALTIME/./} $line"
	done >"$tmp/arrivals" &
sub=$!
lab_wait 5 grep -q ' \.$' "$tmp/arrivals" || die "no subscription on h5"
# one control connection to h1, so that no process start is measured
: >"$tmp/sent"
coproc CTL { exec socat - "UNIX-CONNECT:$tmp/h1.run/ddns/control"; }
for ((k = 1; k <= LATENCY_N; k++)); do
	t=${EPOCHREALTIME/./}
	echo "up lat$k 192.0.2.$((k % 250 + 1))" >&"${CTL[1]}"
	echo "$t lat$k" >>"$tmp/sent"
	read -r _ <&"${CTL[0]}" && read -r ok <&"${CTL[0]}" && [ "$ok" = ok ] ||
		die "up lat$k failed"
	sleep 0.01
done
exec {CTL[1]}>&-
lab_wait 10 grep -q " + lat$LATENCY_N " "$tmp/arrivals" || die "h5 did not get every record"
p=$(awk 'NR == FNR { t[$2] = $1; next }
	$2 == "+" && ($3 in t) { d[++n] = ($1 - t[$3]) / 1000 }
	END {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (d[j] < d[i]) { x = d[i]; d[i] = d[j]; d[j] = x }
		printf "%.2f %.2f %d", d[int(n * 0.5 + 0.5)], d[int(n * 0.99 + 0.5)], n
	}' "$tmp/sent" "$tmp/arrivals")
read -r p50 p99 nlat <<<"$p"
stop_subscriber() {
	local p
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
}
stop_subscriber
for ((k = 1; k <= LATENCY_N; k++)); do echo "down lat$k"; done |
	socat -t 30 - "UNIX-CONNECT:$tmp/h1.run/ddns/control" >/dev/null
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
echo "  (c) propagation, up on h1 -> line at an h5 subscriber ($nlat records): p50 $p50 ms, p99 $p99 ms"
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
