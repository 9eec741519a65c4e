#!/bin/bash
# ddns-named as a primary for secondaries (issue 18).
#
# (a) change -> secondary: in the lab (tests/lab/), a cluster of two nodes
#     h1 and h2 (ddns-syncd, ddns-named on port 53, notify-delay as
#     configured, default 0.1 s) with NSD on h3 as a TSIG-signed secondary
#     of both (xfrd-reload-timeout 0: by default NSD serves what it
#     transferred at most once a second, which would be NSD's figure).  BENCH_CHANGES (1,000) changes at 100 a second, each a new
#     name gw-I published with `ddns-ctl up` on node 1 (at 198.51.100.x).  One Python process
#     in h5 does both ends on one clock: it starts each ddns-ctl at its time
#     (t0: just before the fork, so the figure includes ddns-ctl's own start
#     and the cluster's feed), and every 2 ms asks NSD over UDP for each
#     name not yet answered; t1 is when the first answer with the new
#     address is read.  p50, p99 and the worst of t1 - t0; the resolution is
#     the 2 ms poll (plus a read's wait for a CPU), and the polling adds
#     queries to NSD's load (their number is printed).  Target: p99 under
#     100 ms.  NOTIFY waits notify-delay after the first change, so with
#     the default a change waits up to 0.1 s before NSD is even told:
#     BENCH_NOTIFY_DELAY sets it (0 to 60, in steps of 0.01).
# (b) 100,000-record AXFR: ddns-named serving a records file (-d) of
#     BENCH_RECORDS (100,000) gateways against Knot serving a zone file of
#     the same records as a primary, on loopback, each with an acl or
#     `secondary` for 127.0.0.1 and the same TSIG key, each pinned to CPU 0
#     (Knot with one worker of each kind), dig pinned to CPU 1.  In the
#     same run, alternately, BENCH_AXFRS (5) transfers from each with
#     `dig AXFR +noall +stats` (dig parses every record but prints none):
#     the median wall time of dig, and the server's CPU time per transfer,
#     before and after: its threads' time on a CPU (schedstat, in ns; the
#     ratio is of this one) and utime+stime of /proc/PID/stat (in ticks of
#     10 ms, coarse for one transfer), with dig's own CPU beside it, which
#     bounds the wall time when it is the larger.  Target: ddns-named no slower and no more CPU than Knot
#     (the ratios ddns-named/Knot are printed).
# (c) IXFR of one change against a full AXFR: ddns-named fed by the test
#     publisher (tests/ddns-feed) with the same BENCH_RECORDS records, on
#     loopback; one gateway moved; the bytes on the wire of `dig IXFR=S`
#     (S the serial before the change) and of `dig AXFR`, as dig's
#     ";; XFR size" line counts them (messages, TSIG included).
#
# A benchmark: it prints figures and whether each target is met, and exits
# non-zero only when something broke.
#
# Environment: VPNHA_BIN (build/bin), BENCH_CHANGES (1000),
# BENCH_NOTIFY_DELAY (0.1), BENCH_RECORDS (100000), BENCH_AXFRS (5),
# BENCH_KEEP=1 keeps the logs.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 111
bin=${VPNHA_BIN:-$top/build/bin}
bin=$(cd "$bin" 2>/dev/null && pwd) || {
	echo "ddns-secondary bench: no $VPNHA_BIN; run make first" >&2
	exit 111
}
CHANGES=${BENCH_CHANGES:-1000}
NDELAY=${BENCH_NOTIFY_DELAY:-0.1}
N=${BENCH_RECORDS:-100000}
AXFRS=${BENCH_AXFRS:-5}
DOMAIN=vpn.example.org
KEY=xfr-key
KEYSECRET=8gVTKeKCcoKk+Xq1BX6vU4Wo0/tvtDz4qu3oQzEUyXU=
P_NAMED=25363 P_KNOT=25364 P_IXFR=25365

bench="ddns-secondary bench"
# shellcheck source=lib.bash
. "$top/tests/bench/lib.bash"
bench_setup "$bin/ddns-syncd" "$bin/ddns-named" "$bin/ddns-ctl" nsd knotd \
    dig taskset /usr/bin/python3
[ "$(nproc)" -ge 2 ] || die "needs two CPUs"

# conf I: node I of the cluster h1, h2; NSD on h3 its secondary
conf() {
	local i=$1
	cat >"$tmp/h$i.conf" <<-EOF
	set service ipsec-ddns self 192.0.2.$((10 + i))
	set service ipsec-ddns peer 192.0.2.$((13 - i))
	set service ipsec-ddns secret benchmarksecret
	set service ipsec-ddns domain $DOMAIN
	set service ipsec-ddns join-time 1
	set service ipsec-ddns rate-limit 0
	set service ipsec-ddns notify-delay $NDELAY
	set service ipsec-ddns tsig-key $KEY secret $KEYSECRET
	set service ipsec-ddns secondary 192.0.2.13 tsig-key $KEY
	set service ipsec-ddns enable
	EOF
	chmod 600 "$tmp/h$i.conf"
}

# soa HOST SERVER: the serial SERVER answers, asked from HOST
soa() {
	lab_exec "$1" dig @"$2" +norec +tries=1 +time=1 +short "$DOMAIN" SOA |
	    awk '{ print $3 }'
}

# serves HOST SERVER: SERVER answers the SOA, asked from HOST
serves() {
	[ -n "$(soa "$1" "$2")" ]
}

# nsd_has NAME ADDRESS: NSD answers NAME with ADDRESS
nsd_has() {
	[ "$(lab_exec h5 dig @192.0.2.13 +short +tries=1 +time=1 "$1.$DOMAIN" A)" = "$2" ]
}

# --- (a) a change published -> answered by NSD
lab_up 5 >/dev/null || die "lab_up failed"
for i in 1 2; do
	conf "$i"
	lab_spawn "h$i" "$tmp/h$i.log" "$bin/ddns-syncd" -f "$tmp/h$i.conf" \
	    -r "$tmp/h$i.run" >/dev/null || die "h$i: lab_spawn failed"
done
lab_wait 10 grep -qs '^192\.0\.2\.12 up ' "$tmp/h1.run/ddns/members" ||
	die "the cluster did not form: $(cat "$tmp/h1.log")"
for i in 1 2; do
	lab_spawn "h$i" "$tmp/n$i.log" "$bin/ddns-named" -f "$tmp/h$i.conf" \
	    -r "$tmp/h$i.run" -l "192.0.2.$((10 + i))" >/dev/null ||
		die "n$i: lab_spawn failed"
	lab_wait 5 serves h5 "192.0.2.$((10 + i))" ||
		die "n$i does not answer: $(cat "$tmp/n$i.log")"
done
# a first name before NSD starts: its first transfer is of a real serial
"$bin/ddns-ctl" -r "$tmp/h1.run" up gw-first 203.0.113.1 >/dev/null ||
	die "ddns-ctl failed"
mkdir -p "$tmp/nsd"
cat >"$tmp/nsd/nsd.conf" <<EOF
server:
  ip-address: 192.0.2.13
  username: ""
  chroot: ""
  zonesdir: "$tmp/nsd"
  database: ""
  pidfile: "$tmp/nsd/nsd.pid"
  xfrdfile: "$tmp/nsd/xfrd.state"
  zonelistfile: "$tmp/nsd/zone.list"
  logfile: "$tmp/nsd/nsd.log"
  verbosity: 1
  server-count: 1
  rrl-ratelimit: 0
  xfrd-reload-timeout: 0
remote-control:
  control-enable: no
key:
  name: $KEY
  algorithm: hmac-sha256
  secret: "$KEYSECRET"
zone:
  name: $DOMAIN
  zonefile: "$tmp/nsd/$DOMAIN.zone"
  request-xfr: 192.0.2.11 $KEY
  request-xfr: 192.0.2.12 $KEY
  allow-notify: 192.0.2.11 $KEY
  allow-notify: 192.0.2.12 $KEY
EOF
lab_spawn h3 "$tmp/nsd.out" nsd -d -c "$tmp/nsd/nsd.conf" >/dev/null ||
	die "nsd: lab_spawn failed"
lab_wait 10 nsd_has gw-first 203.0.113.1 ||
	die "NSD did not transfer the zone: $(cat "$tmp/nsd/nsd.log")"

cat >"$tmp/latency.py" <<'PY'
# latency.py CTL RUNDIR DOMAIN SERVER N RATE: see the header of
# ddns-secondary.sh (a); prints one line per change: t1 - t0 in ms, or
# "lost"; then "queries Q" on the standard error.
import os, select, socket, struct, subprocess, sys, time

ctl, rundir, dom, server = sys.argv[1:5]
n, rate = int(sys.argv[5]), float(sys.argv[6])
POLL, GIVEUP = 0.002, 5.0

def addr(i):
    return "198.51.100.%d" % (1 + i % 250)

def query(qid, name):
    q = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack("!HH", 1, 1)

def answered(msg, want):
    # NOERROR, an answer, and an A record's data (RDLENGTH 4) of the address
    if len(msg) < 12 or msg[3] & 15 or struct.unpack("!H", msg[6:8])[0] < 1:
        return False
    return b"\0\4" + socket.inet_aton(want) in msg[12:]

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((server, 53))
s.setblocking(False)
t0, t1, procs = {}, {}, []
pending = set()
sent = 0
start = time.monotonic() + 0.05
nxt = 0
while nxt < n or pending:
    now = time.monotonic()
    while nxt < n and now >= start + nxt / rate:
        t0[nxt] = time.monotonic()
        procs.append(subprocess.Popen(
            [ctl, "-r", rundir, "up", "gw-%d" % nxt, addr(nxt)],
            stdout=subprocess.DEVNULL))
        pending.add(nxt)
        nxt += 1
        now = time.monotonic()
    for i in list(pending):
        if now - t0[i] > GIVEUP:
            pending.discard(i)
            continue
        try:
            s.send(query(i, "gw-%d.%s" % (i, dom)))
            sent += 1
        except BlockingIOError:
            pass
    deadline = now + POLL
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        try:
            msg = s.recv(512)
        except BlockingIOError:
            continue
        i = struct.unpack("!H", msg[:2])[0]
        if i in pending and answered(msg, addr(i)):
            t1[i] = time.monotonic()
            pending.discard(i)
    procs = [p for p in procs if p.poll() is None]
for p in procs:
    p.wait()
for i in range(n):
    print("%.3f" % ((t1[i] - t0[i]) * 1000) if i in t1 else "lost")
print("queries %d" % sent, file=sys.stderr)
PY
lab_exec h5 /usr/bin/python3 "$tmp/latency.py" "$bin/ddns-ctl" "$tmp/h1.run" \
    "$DOMAIN" 192.0.2.13 "$CHANGES" 100 >"$tmp/latency" 2>"$tmp/latency.err" ||
	die "latency.py failed: $(cat "$tmp/latency.err")"
lost=$(grep -c lost "$tmp/latency") || :
read -r p50 p99 worst < <(grep -v lost "$tmp/latency" | sort -n |
    awk '{ v[NR] = $1 } END {
	if (NR == 0) { print "- - -"; exit }
	i50 = int(NR * 0.50 + 0.999); i99 = int(NR * 0.99 + 0.999)
	print v[i50], v[i99], v[NR] }')
echo "(a) change -> NSD secondary, $CHANGES changes at 100/s, notify-delay $NDELAY s:"
echo "    p50 $p50 ms, p99 $p99 ms, worst $worst ms; not answered within 5 s: $lost;" \
    "$(awk '{ print $2 }' "$tmp/latency.err") polling queries"
echo "    transfers: $(grep -c 'XFR to 192.0.2.13' "$tmp/n1.log" "$tmp/n2.log" |
    awk -F: '{ s += $2 } END { print s }') to NSD"
if [ "$lost" = 0 ] && [ "$p99" != - ] && awk -v p="$p99" 'BEGIN { exit !(p < 100) }'; then
	echo "target change -> secondary p99 < 100 ms: met" >>"$targets"
else
	echo "target change -> secondary p99 < 100 ms: NOT met (p99 $p99 ms, $lost lost)" >>"$targets"
fi
lab_down

# --- (b) a 100,000-record AXFR: ddns-named against Knot
"$top/tests/bench/zone-gen" "$N" "$tmp" "$DOMAIN"
cat >"$tmp/named.conf" <<EOF
set service ipsec-ddns self 198.51.100.1
set service ipsec-ddns peer 198.51.100.2
set service ipsec-ddns domain $DOMAIN
set service ipsec-ddns rate-limit 0
set service ipsec-ddns tsig-key $KEY secret $KEYSECRET
set service ipsec-ddns secondary 127.0.0.1 tsig-key $KEY
EOF
chmod 600 "$tmp/named.conf"
mkdir -p "$tmp/knot"
cat >"$tmp/knot.conf" <<EOF
server:
    listen: 127.0.0.1@$P_KNOT
    rundir: "$tmp/knot"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "$tmp/knot"
key:
  - id: $KEY
    algorithm: hmac-sha256
    secret: $KEYSECRET
acl:
  - id: transfer
    address: 127.0.0.1
    key: $KEY
    action: transfer
template:
  - id: default
    storage: "$tmp"
    zonefile-sync: -1
    semantic-checks: off
zone:
  - domain: $DOMAIN
    file: zone
    acl: transfer
EOF
# in the machine's own namespace, on loopback: not lab processes
taskset -c 0 "$bin/ddns-named" -f "$tmp/named.conf" -d "$tmp/records" -r "$tmp/run" \
    -l "127.0.0.1:$P_NAMED" >"$tmp/named.log" 2>&1 &
npid=$!
taskset -c 0 knotd -c "$tmp/knot.conf" >"$tmp/knot.log" 2>&1 &
kpid=$!
# stop the two servers on every exit path, by their PIDs
trap 'kill "$npid" "$kpid" 2>/dev/null; wait "$npid" "$kpid" 2>/dev/null
lab_down
if [ -n "$keep" ]; then echo "$bench: files kept in $tmp" >&2; else rm -rf "$tmp"; fi' EXIT
for p in "$P_NAMED" "$P_KNOT"; do
	for ((i = 0; i < 100; i++)); do
		[ -n "$(dig @127.0.0.1 -p "$p" +short +tries=1 +time=1 "$DOMAIN" SOA)" ] && break
		sleep 0.1
	done
	[ "$i" -lt 100 ] || die "port $p does not answer: $(cat "$tmp/named.log" "$tmp/knot.log")"
done
# Knot's threads pinned back to CPU 0 (it sets its own affinity)
for t in /proc/"$kpid"/task/*; do
	taskset -p -c 0 "${t##*/}" >/dev/null
done

# cpu PID: "TICKS NS": utime+stime of the process (/proc/PID/stat, all
# its threads, in clock ticks), and its threads' time on a CPU summed
# (schedstat, ns: the finer figure, used for the ratio)
cpu() {
	local t ns=0 n _
	for t in /proc/"$1"/task/*/schedstat; do
		read -r n _ <"$t" && ns=$((ns + n))
	done
	echo "$(proc "$1" | awk '{ print $1 }') $ns"
}

# axfr NAME PID PORT: one transfer;
# "WALL_MS SERVER_TICKS SERVER_NS DIG_MS RECORDS"
axfr() {
	local c0 c1 t0 t1 out
	c0=$(cpu "$2") || die "$1 is gone"
	t0=$EPOCHREALTIME
	out=$( { TIMEFORMAT='%U %S'; time taskset -c 1 dig @127.0.0.1 -p "$3" \
	    -y "hmac-sha256:$KEY:$KEYSECRET" "$DOMAIN" AXFR +noall +stats; } 2>&1)
	t1=$EPOCHREALTIME
	c1=$(cpu "$2")
	grep -q 'XFR size' <<<"$out" || die "$1: AXFR failed: $out"
	awk -v w=$(($(usec "$t1") - $(usec "$t0"))) -v c0="$c0" -v c1="$c1" '
	/XFR size/ { r = $4 }
	NF == 2 && $1 ~ /^[0-9.]+$/ { d = ($1 + $2) * 1000 }
	END {
		split(c0, a, " "); split(c1, b, " ")
		printf "%.1f %d %d %.1f %s\n", w / 1000, b[1] - a[1], b[2] - a[2], d, r
	}' <<<"$out"
}

: >"$tmp/axfr.named"
: >"$tmp/axfr.knot"
for ((i = 0; i < AXFRS; i++)); do
	axfr ddns-named "$npid" "$P_NAMED" >>"$tmp/axfr.named"
	axfr knot "$kpid" "$P_KNOT" >>"$tmp/axfr.knot"
done
hz=$(getconf CLK_TCK)
# summary FILE: "MEDIAN_WALL_MS SERVER_MS SERVER_TICK_MS DIG_MS RECORDS",
# the CPU figures per transfer
summary() {
	sort -n "$1" | awk -v hz="$hz" '{ w[NR] = $1; t += $2; c += $3; d += $4; r = $5 }
	END { printf "%.1f %.1f %.1f %.1f %s\n", w[int((NR + 1) / 2)],
	    c / 1e6 / NR, t * 1000 / hz / NR, d / NR, r }'
}
read -r nw nc nt nd nr < <(summary "$tmp/axfr.named")
read -r kw kc kt kd kr < <(summary "$tmp/axfr.knot")
echo "(b) AXFR of $N records, $AXFRS each, TSIG-signed, loopback:"
echo "    ddns-named: median $nw ms, server CPU $nc ms per AXFR ($nt by ticks; dig $nd ms), $nr records"
echo "    Knot:       median $kw ms, server CPU $kc ms per AXFR ($kt by ticks; dig $kd ms), $kr records"
read -r rw rc < <(awk -v a="$nw" -v b="$kw" -v c="$nc" -v d="$kc" 'BEGIN {
	printf "%.2f %s\n", a / b, (d > 0 ? sprintf("%.2f", c / d) : "-") }')
echo "    ddns-named/Knot: time $rw, CPU $rc"
if awk -v r="$rw" 'BEGIN { exit !(r <= 1) }'; then
	echo "target AXFR no slower than Knot: met ($rw)" >>"$targets"
else
	echo "target AXFR no slower than Knot: NOT met ($rw)" >>"$targets"
fi
if awk -v c="$nc" -v d="$kc" 'BEGIN { exit !(c <= d) }'; then
	echo "target AXFR no more CPU than Knot: met ($rc)" >>"$targets"
else
	echo "target AXFR no more CPU than Knot: NOT met ($rc)" >>"$targets"
fi
# (c) IXFR of one change, against the AXFR of the same zone
"$top/tests/ddns-feed" "$tmp/feed" "$tmp/records" 2>"$tmp/feed.log" &
fpid=$!
for ((i = 0; i < 100; i++)); do
	[ -S "$tmp/feed.ctl" ] && break
	sleep 0.05
done
"$bin/ddns-named" -f "$tmp/named.conf" -s "$tmp/feed" -r "$tmp/run" \
    -l "127.0.0.1:$P_IXFR" >"$tmp/ixfr.log" 2>&1 &
ipid=$!
trap 'kill "$npid" "$kpid" "$fpid" "$ipid" 2>/dev/null
wait "$npid" "$kpid" "$fpid" "$ipid" 2>/dev/null
lab_down
if [ -n "$keep" ]; then echo "$bench: files kept in $tmp" >&2; else rm -rf "$tmp"; fi' EXIT
xdig() {
	dig @127.0.0.1 -p "$P_IXFR" +tries=1 +time=5 "$@"
}
for ((i = 0; i < 200; i++)); do
	[ "$(xdig +short "gw-0.$DOMAIN")" != "" ] && break
	sleep 0.05
done
s0=$(xdig +short "$DOMAIN" SOA | awk '{ print $3 }')
[ -n "$s0" ] || die "(c): ddns-named on the feed does not answer: $(cat "$tmp/ixfr.log")"
sleep 0.02	# a stamp of its own for the change
printf '+ gw-0 192.0.2.254\n' | socat -t 5 - "UNIX-CONNECT:$tmp/feed.ctl" >/dev/null
for ((i = 0; i < 200; i++)); do
	[ "$(xdig +short "gw-0.$DOMAIN")" = 192.0.2.254 ] && break
	sleep 0.01
done
ixfr=$(xdig -y "hmac-sha256:$KEY:$KEYSECRET" "$DOMAIN" IXFR="$s0" +noall +stats |
    sed -n 's/.*XFR size: \([0-9]*\) records (messages \([0-9]*\), bytes \([0-9]*\)).*/\1 \2 \3/p')
full=$(xdig -y "hmac-sha256:$KEY:$KEYSECRET" "$DOMAIN" AXFR +noall +stats |
    sed -n 's/.*XFR size: \([0-9]*\) records (messages \([0-9]*\), bytes \([0-9]*\)).*/\1 \2 \3/p')
read -r ir im ib <<<"$ixfr"
read -r ar am ab <<<"$full"
if [ -z "${ib-}" ] || [ -z "${ab-}" ]; then
	die "(c): a transfer failed: IXFR '$ixfr', AXFR '$full'"
fi
echo "(c) one change in $N records: IXFR $ib bytes ($ir records, $im messages);" \
    "AXFR $ab bytes ($ar records, $am messages); IXFR/AXFR $(awk -v a="$ib" -v b="$ab" 'BEGIN { printf "%.5f", a / b }')"
cat "$targets"
