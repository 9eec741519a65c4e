# Shared by tests/ddns-named*.bats: a ddns-named on loopback at a high
# port, its feed (tests/ddns-feed), dig and raw-packet helpers.  Every
# process started here is stopped by PID in named_teardown.

DOMAIN=vpn.example.org

named_setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ddns-named.XXXXXX")
	PORT=$((20000 + RANDOM % 20000))
	NPID= FPID=
	cat >"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns self 198.51.100.2
	set service ipsec-ddns peer 198.51.100.1
	set service ipsec-ddns peer 2001:db8::53
	set service ipsec-ddns domain $DOMAIN
	EOF
	cat >"$T/records" <<-EOF
	# the test records
	gw1 192.0.2.10
	gw2.$DOMAIN. 192.0.2.20
	GW6 2001:db8::6
	EOF
}

named_teardown() {
	[ -z "${SPID:-}" ] || kill "$SPID" 2>/dev/null || true
	[ -z "${SPID:-}" ] || wait "$SPID" 2>/dev/null || true
	[ -z "$NPID" ] || kill "$NPID" 2>/dev/null || true
	[ -z "$FPID" ] || kill "$FPID" 2>/dev/null || true
	[ -z "$NPID" ] || wait "$NPID" 2>/dev/null || true
	[ -z "$FPID" ] || wait "$FPID" 2>/dev/null || true
	rm -rf "$T"
}

# start_named ARGS...: start it on 127.0.0.1:$PORT and wait for its
# readiness line (-n 3); fails if it does not come within 10 s.
start_named() {
	rm -f "$T/ready"
	mkfifo "$T/ready"
	ddns-named -n 3 -f "$T/vpnha.conf" -r "$T/run" -l "127.0.0.1:$PORT" "$@" \
	    3>"$T/ready" 2>>"$T/log" &
	NPID=$!
	local line
	if ! read -r -t 10 line <"$T/ready"; then
		cat "$T/log" >&2
		fail "ddns-named did not become ready"
	fi
}

# start_feed [-n] [-c MS] [RECORDS]: the test publisher on $T/feed.
start_feed() {
	rm -f "$T/feed.ctl"
	"$VPNHA_TOP/tests/ddns-feed" "$T/feed" "$@" 2>>"$T/feed.log" &
	FPID=$!
	local i
	for i in $(seq 100); do
		[ -S "$T/feed.ctl" ] && return 0
		sleep 0.05
	done
	fail "the test feed did not start"
}

stop_feed() {
	kill "$FPID"
	wait "$FPID" 2>/dev/null || true
	FPID=
}

# feed LINE: one command to the publisher; prints its reply but "ok".
feed() {
	printf '%s\n' "$1" | socat -t 5 - "UNIX-CONNECT:$T/feed.ctl" | grep -v '^ok$' || true
}

# d ARGS: dig at the server, no recursion asked, short timeouts.
d() {
	dig @127.0.0.1 -p "$PORT" +norec +tries=1 +time=2 "$@"
}

# status NAME TYPE [ARGS]: "RCODE flags" of the answer, e.g. "NOERROR qr aa".
status() {
	d "$@" +noall +comments | awk '
		/->>HEADER<<-/ { s = $6; sub(/,$/, "", s) }
		/^;; flags:/ { sub(/^;; flags: /, ""); sub(/;.*/, ""); f = $0 }
		END { print s, f }'
}

# serial: the SOA serial the server gives now.
serial() {
	d +short "$DOMAIN" SOA | cut -d' ' -f3
}

# serial_of MS: the serial of a high-water of MS milliseconds.
serial_of() {
	echo $((($1 / 10) % 4294967296))
}

# newer A B: serial A is after serial B in RFC 1982 arithmetic.
newer() {
	local diff=$((($1 - $2 + 4294967296) % 4294967296))
	[ "$diff" -gt 0 ] && [ "$diff" -lt 2147483648 ] ||
	    fail "serial $1 is not after $2 (RFC 1982)"
}

# wait_for CMD...: retry CMD for up to 5 s.
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# raw HEX [tcp]: send one DNS message given in hex, print the reply in hex
# (nothing if none came within 1 s).
raw() {
	python3 - "$PORT" "$@" <<-'EOF'
	import socket, sys
	port, msg = int(sys.argv[1]), bytes.fromhex(sys.argv[2])
	tcp = len(sys.argv) > 3
	s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
	s.settimeout(1)
	s.connect(("127.0.0.1", port))
	try:
	    if tcp:
	        s.sendall(len(msg).to_bytes(2, "big") + msg)
	        n = int.from_bytes(s.recv(2), "big")
	        r = b""
	        while len(r) < n:
	            r += s.recv(n - len(r))
	    else:
	        s.send(msg)
	        r = s.recv(65535)
	    print(r.hex())
	except (socket.timeout, ConnectionError):
	    pass
	EOF
}

# qhex NAME TYPE: the hex of a plain query (id 0x1234, no RD).
qhex() {
	python3 - "$1" "$2" <<-'EOF'
	import sys
	name, t = sys.argv[1].rstrip("."), int(sys.argv[2])
	q = bytes.fromhex("123400000001000000000000")
	for l in name.split("."):
	    q += bytes([len(l)]) + l.encode()
	print((q + b"\0" + t.to_bytes(2, "big") + b"\0\1").hex())
	EOF
}

# start_syncd: the real ddns-syncd, a one-node cluster on loopback, with
# its run-time directory $T/run; ready (-n) before it returns.
start_syncd() {
	cat >"$T/syncd.conf" <<-EOF
	set service ipsec-ddns self 127.0.0.1
	set service ipsec-ddns port $((PORT + 2))
	set service ipsec-ddns secret mysecretpassword
	set service ipsec-ddns domain $DOMAIN
	set service ipsec-ddns join-time 0.2
	set service ipsec-ddns enable
	EOF
	rm -f "$T/sready"
	mkfifo "$T/sready"
	ddns-syncd -f "$T/syncd.conf" -r "$T/run" -n 3 3>"$T/sready" 2>>"$T/syncd.log" &
	SPID=$!
	local line
	read -r -t 10 line <"$T/sready" || fail "ddns-syncd not ready: $(cat "$T/syncd.log")"
}
