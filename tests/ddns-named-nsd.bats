#!/usr/bin/env bats
# Differential test: NSD and ddns-named serve the same records on
# loopback; a generated list of queries goes to both, and the answers must
# agree in rcode, flags and the RR sets of every section (TTLs and the SOA
# serial and timers normalised), unless the query is listed in KNOWN below
# with the RFC reason for the difference.

load helper
load ddns-named

# Queries on which the two may differ, and why.  A difference on any
# other query fails the test.
KNOWN=(
	# RFC 1035 4.1.1, RFC 1996 3.10: a server that does not take NOTIFY
	# says NOTIMP; NSD answers NOTIFY for a zone it is not a secondary of
	# with its own rcode, and without the question.
	"+opcode=notify $DOMAIN SOA"
	# RFC 4035 3.1.6: the name server side MUST copy the CD bit from a
	# query to the response; NSD leaves it clear.
	"+cd gw-1.$DOMAIN A"
	"+cd missing.$DOMAIN A"
	"+cd $DOMAIN NS"
	"+cd $DOMAIN MX"
)

setup() {
	named_setup
	command -v nsd >/dev/null || fail "nsd is not installed (contrib/deps)"
	NSDPID=
	NPORT=$((PORT + 1))
	records
	zonefile >"$T/zone"
	cat >"$T/nsd.conf" <<-EOF
	server:
	  ip-address: 127.0.0.1@$NPORT
	  username: ""
	  chroot: ""
	  zonesdir: "$T"
	  database: ""
	  pidfile: "$T/nsd.pid"
	  xfrdfile: "$T/xfrd.state"
	  zonelistfile: "$T/zone.list"
	  logfile: "$T/nsd.log"
	  hide-version: yes
	  hide-identity: yes
	  minimal-responses: yes
	  rrl-ratelimit: 0
	  server-count: 1
	remote-control:
	  control-enable: no
	zone:
	  name: $DOMAIN
	  zonefile: zone
	EOF
}

teardown() {
	[ -z "$NSDPID" ] || kill "$NSDPID" 2>/dev/null || true
	[ -z "$NSDPID" ] || wait "$NSDPID" 2>/dev/null || true
	named_teardown
}

# 60 gateways: IPv4 and IPv6, names of every length and case.
records() {
	local i
	: >"$T/records"
	for i in $(seq 40); do
		echo "gw-$i 192.0.2.$i"
	done >>"$T/records"
	for i in $(seq 15); do
		echo "V6-Gw$i 2001:db8::$(printf %x $((i * 7)))"
	done >>"$T/records"
	{
		echo "a 203.0.113.1"
		echo "$(printf 'x%.0s' $(seq 63)) 203.0.113.63"
		echo "9-lives 203.0.113.2"
		echo "MG90-SN-2A3B4C 203.0.113.3"
		echo "z9 2001:db8:ffff::1"
	} >>"$T/records"
}

# The same data as NSD reads it; only the serial is ours to pick.
zonefile() {
	echo "\$ORIGIN $DOMAIN."
	echo "@ 30 IN SOA ns1 hostmaster 1 3600 600 1209600 30"
	echo "@ 30 IN NS ns1"
	echo "@ 30 IN NS ns2"
	echo "@ 30 IN NS ns3"
	echo "ns1 30 IN A 198.51.100.1"
	echo "ns2 30 IN A 198.51.100.2"
	echo "ns3 30 IN AAAA 2001:db8::53"
	awk '{ print $1, 30, "IN", ($2 ~ /:/ ? "AAAA" : "A"), $2 }' "$T/records"
}

# The generated queries, one dig argument list a line.
queries() {
	local n t
	awk '{ print $1 }' "$T/records" | head -n 30 | while read -r n; do
		for t in A AAAA MX ANY TXT; do
			echo "$n.$DOMAIN $t"
		done
		echo "$(echo "$n" | tr 'a-z' 'A-Z').VPN.example.ORG A"
	done
	for n in missing nx-1 gw-999 Nothere sub.gw-1 a.b.c deep.deeper.x; do
		echo "$n.$DOMAIN A"
		echo "$n.$DOMAIN AAAA"
	done
	for t in SOA NS A AAAA MX TXT ANY CNAME DS DNSKEY SRV CAA; do
		echo "$DOMAIN $t"
	done
	for n in ns1 ns2 ns3 NS3; do
		for t in A AAAA MX ANY; do
			echo "$n.$DOMAIN $t"
		done
	done
	for n in example.org org . example.com other.test vpn.example.org.evil.test xvpn.example.org; do
		echo "$n A"
		echo "$n SOA"
	done
	for c in CH HS ANY NONE CLASS42; do
		echo "-c $c -t A gw-1.$DOMAIN"
		echo "-c $c -t SOA $DOMAIN"
	done
	for o in +noedns +bufsize=512 +bufsize=100 +bufsize=4096 +dnssec "+edns=1 +noednsneg" "+edns=0 +ednsflags=0x10" +rec +adflag; do
		echo "$o gw-1.$DOMAIN A"
		echo "$o missing.$DOMAIN A"
		echo "$o $DOMAIN NS"
		echo "$o $DOMAIN MX"
	done
	echo "+tcp gw-2.$DOMAIN A"
	echo "+tcp $DOMAIN NS"
	echo "+tcp nope.$DOMAIN A"
	echo "+opcode=status gw-1.$DOMAIN A"
	echo "+notcp $DOMAIN AXFR"
	echo "$DOMAIN IXFR=1"
	for k in "${KNOWN[@]}"; do
		echo "$k"
	done
}

# ask PORT: every query to one server, one normalised block per query.
ask() {
	local line
	while read -r line; do
		echo "=== $line"
		# shellcheck disable=SC2086
		dig @127.0.0.1 -p "$1" +norec +tries=1 +time=2 +noall +comments \
		    +answer +authority +additional $line 2>&1 | normalise
	done <"$T/queries"
}

# No id, no EDE (RFC 8914 is optional), no section counts (the sections
# themselves are compared; NSD leaves the question out of a REFUSED for
# a class it does not serve, ddns-named echoes it), TTLs and SOA numbers
# as words, the RRs of each section sorted.
normalise() {
	awk '
		/^;; Got answer:/ || /^; EDE:/ || /^$/ { next }
		/->>HEADER<<-/ { sub(/, id: [0-9]+/, "") }
		/^;; flags:/ { sub(/; QUERY:.*/, "") }
		/^;; [A-Z]+ SECTION:/ { flush(); print; insec = 1; next }
		/^;/ { flush(); insec = 0; print; next }
		insec {
			$2 = "TTL"
			if ($4 == "SOA") { $7 = $8 = $9 = $10 = $11 = "N" }
			rr[n++] = $0
			next
		}
		{ print }
		function flush(  i, j, t) {
			for (i = 1; i < n; i++)
				for (j = i; j > 0 && rr[j - 1] > rr[j]; j--) {
					t = rr[j]; rr[j] = rr[j - 1]; rr[j - 1] = t
				}
			for (i = 0; i < n; i++)
				print rr[i]
			n = 0
		}
		END { flush() }'
}

@test "ddns-named and NSD agree on 200+ generated queries" {
	queries >"$T/queries"
	nq=$(wc -l <"$T/queries")
	[ "$nq" -ge 200 ] || fail "only $nq queries"
	nsd -d -c "$T/nsd.conf" 2>>"$T/nsd.log" &
	NSDPID=$!
	start_named -d "$T/records"
	wait_for sh -c "dig @127.0.0.1 -p $NPORT +short $DOMAIN SOA | grep -q hostmaster" ||
	    fail "nsd did not start: $(cat "$T/nsd.log")"
	ask "$NPORT" >"$T/nsd.out"
	ask "$PORT" >"$T/named.out"
	python3 - "$T/nsd.out" "$T/named.out" "${KNOWN[@]}" <<-'EOF' >"$T/diff"
	import sys
	def blocks(path):
	    out, key = {}, None
	    for line in open(path):
	        if line.startswith("=== "):
	            key = line[4:].rstrip("\n")
	            out[key] = []
	        else:
	            out[key].append(line.rstrip("\n"))
	    return out
	a, b = blocks(sys.argv[1]), blocks(sys.argv[2])
	known = set(sys.argv[3:])
	bad = 0
	for q in a:
	    if a[q] == b.get(q):
	        continue
	    if q in known:
	        print("known: " + q)
	        continue
	    bad += 1
	    print("DIFFERS: " + q)
	    print("  nsd:        " + "\n  nsd:        ".join(a[q]))
	    print("  ddns-named: " + "\n  ddns-named: ".join(b.get(q, [])))
	print("%d queries, %d differ" % (len(a), bad))
	EOF
	cp "$T/diff" "$BATS_RUN_TMPDIR/nsd-diff" 2>/dev/null || true
	run cat "$T/diff"
	assert_output --partial "$nq queries, 0 differ"
	# the listed differences are real, or the list is stale
	for k in "${KNOWN[@]}"; do
		assert_line "known: $k"
	done
}
