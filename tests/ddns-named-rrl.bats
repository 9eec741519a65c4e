#!/usr/bin/env bats
# ddns-named's response rate limiting (service ipsec-ddns rate-limit and
# rate-limit-slip): a flood of UDP queries from one /24 gets at most the
# limit a second, every Nth of the rest empty with TC and the rest
# dropped, counted in the log; other sources and other kinds of response
# go on; TCP is never limited.  And pool answers over UDP fit in 512
# bytes unless EDNS allows more.

load helper
load ddns-named

setup() {
	named_setup
}

teardown() {
	named_teardown
}

# burst COUNT NAME TYPE [SOURCE]: COUNT queries over UDP from SOURCE
# (default 127.0.0.1; ::1 asks the server at ::1) as fast as they go, NAME with %d replaced by the
# query's number; then every response until none comes for 1 s.  Prints
# "full F tc T secs S": answers, empty TC responses, the seconds the
# sending took.
burst() {
	python3 - "$PORT" "$@" <<-'EOF'
	import socket, struct, sys, time
	port, count, name, qtype = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
	src = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
	def q(i):
	    m = struct.pack(">HHHHHH", i & 0xffff, 0, 1, 0, 0, 0)
	    for l in (name % i if "%d" in name else name).split("."):
	        m += bytes([len(l)]) + l.encode()
	    return m + b"\0" + struct.pack(">HH", qtype, 1)
	six = ":" in src
	s = socket.socket(socket.AF_INET6 if six else socket.AF_INET, socket.SOCK_DGRAM)
	try:
	    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
	except OSError:
	    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
	s.bind((src, 0))
	s.connect(("::1" if six else "127.0.0.1", port))
	msgs = [q(i) for i in range(count)]
	full = tc = 0
	def take(r):
	    global full, tc
	    if r[2] & 2:
	        tc += 1
	    else:
	        full += 1
	t = time.time()
	s.setblocking(False)
	for m in msgs:
	    s.send(m)
	    try:
	        while True:
	            take(s.recv(4096))
	    except BlockingIOError:
	        pass
	secs = time.time() - t
	s.settimeout(1)
	try:
	    while True:
	        take(s.recv(4096))
	except socket.timeout:
	    pass
	print("full %d tc %d secs %.3f" % (full, tc, secs))
	EOF
}

# at_most LIMIT: the answers of the last burst are within LIMIT a second
# (a full bucket to start with, and what refills while it is sent)
at_most() {
	local full secs
	full=$(echo "$output" | awk '{ print $2 }')
	secs=$(echo "$output" | awk '{ print $6 }')
	awk -v f="$full" -v l="$1" -v s="$secs" 'BEGIN { exit !(f >= l && f <= l + l * s + 1) }' ||
	    fail "$full answers in ${secs} s with a limit of $1 a second"
}

# summary: the log's count of the last episode, "DROPPED TRUNCATED"
summary() {
	sed -n 's/.*rate-limit: \([0-9]*\) responses dropped, \([0-9]*\) sent truncated.*/\1 \2/p' "$T/log" | tail -n 1
}

@test "a UDP flood from one /24: the limit a second answered, 1 in 2 of the rest truncated, the rest dropped, logged" {
	start_named -d "$T/records"
	run burst 1000 gw1.$DOMAIN 1
	assert_success
	at_most 200
	full=$(echo "$output" | awk '{ print $2 }')
	tc=$(echo "$output" | awk '{ print $4 }')
	# the default slip: every second limited response goes out empty, TC
	[ $((1000 - full - 2 * tc)) -ge 0 ] && [ $((1000 - full - 2 * tc)) -le 1 ] ||
	    fail "$tc truncated of $((1000 - full)) limited"
	run grep -c 'rate-limit: 127.0.0.0/24 over 200 responses a second (answer)' "$T/log"
	assert_output 1
	# once it stops, one line counts what was held back
	wait_for grep -q 'responses dropped' "$T/log" || { sleep 1; grep -q 'responses dropped' "$T/log"; } ||
	    fail "no count in the log: $(cat "$T/log")"
	run summary
	assert_output "$((1000 - full - tc)) $tc"
	# the empty response: the question, TC, nothing else; dig retries over TCP
	run d +noall +comments +ignore gw1.$DOMAIN A
	assert_success
}

@test "other sources and other kinds of response are not held back by a flood" {
	start_named -d "$T/records"
	run burst 1000 gw1.$DOMAIN 1
	at_most 200
	# another /24, the same name; the same /24, another name; NODATA
	run burst 100 gw1.$DOMAIN 1 127.0.1.1
	assert_output --regexp '^full 100 tc 0 '
	run burst 100 gw2.$DOMAIN 1
	assert_output --regexp '^full 100 tc 0 '
	run burst 100 gw2.$DOMAIN 28
	assert_output --regexp '^full 100 tc 0 '
}

@test "IPv6: a source counts in its /56" {
	start_named -d "$T/records" -l "[::1]:$PORT"
	run burst 1000 gw1.$DOMAIN 1 ::1
	assert_success
	at_most 200
	run grep -c 'rate-limit: ::/56 over 200 responses a second (answer)' "$T/log"
	assert_output 1
}

@test "NXDOMAIN counts once for the zone: random names are one flood" {
	start_named -d "$T/records"
	run burst 1000 "rnd%d.$DOMAIN" 1
	assert_success
	at_most 200
	run grep -c 'rate-limit: 127.0.0.0/24 over 200 responses a second (nxdomain)' "$T/log"
	assert_output 1
	# errors count for the source alone: names outside the domain too
	run burst 1000 "rnd%d.example.net" 1 127.0.2.1
	at_most 200
	run grep -c 'rate-limit: 127.0.2.0/24 over 200 responses a second (error)' "$T/log"
	assert_output 1
}

@test "rate-limit N sets the limit; 0 turns it off; rate-limit-slip 1 and 0" {
	echo "set service ipsec-ddns rate-limit 50" >>"$T/vpnha.conf"
	start_named -d "$T/records"
	run burst 500 gw1.$DOMAIN 1
	at_most 50
	kill "$NPID"
	wait "$NPID" || true
	echo "set service ipsec-ddns rate-limit-slip 1" >>"$T/vpnha.conf"
	start_named -d "$T/records"
	run burst 500 gw1.$DOMAIN 1
	at_most 50
	full=$(echo "$output" | awk '{ print $2 }')
	assert_output --regexp "^full $full tc $((500 - full)) "
	kill "$NPID"
	wait "$NPID" || true
	echo "set service ipsec-ddns rate-limit-slip 0" >>"$T/vpnha.conf"
	start_named -d "$T/records"
	run burst 500 gw1.$DOMAIN 1
	at_most 50
	assert_output --regexp "^full [0-9]+ tc 0 "
	kill "$NPID"
	wait "$NPID" || true
	echo "set service ipsec-ddns rate-limit 0" >>"$T/vpnha.conf"
	: >"$T/log"
	start_named -d "$T/records"
	run burst 1000 gw1.$DOMAIN 1
	assert_output --regexp '^full 1000 tc 0 '
	run grep -c 'rate-limit' "$T/log"
	assert_output 0
}

@test "a reload applies a new limit" {
	start_named -d "$T/records"
	echo "set service ipsec-ddns rate-limit 0" >>"$T/vpnha.conf"
	kill -HUP "$NPID"
	wait_for grep -q reloaded "$T/log"
	run burst 1000 gw1.$DOMAIN 1
	assert_output --regexp '^full 1000 tc 0 '
}

@test "TCP is never limited" {
	start_named -d "$T/records"
	run burst 1000 gw1.$DOMAIN 1
	at_most 200
	run python3 - "$PORT" <<-'EOF'
	import socket, struct, sys
	q = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
	s.sendall((struct.pack(">H", len(q)) + q) * 1000)
	f = s.makefile("rb")
	n = 0
	for _ in range(1000):
	    r = f.read(struct.unpack(">H", f.read(2))[0])
	    n += r[7] == 1 and not r[2] & 2
	print(n)
	EOF
	assert_output 1000
}

@test "the statements: vpnha-checkconf takes them; a bad value is an error naming the line" {
	cat >>"$T/vpnha.conf" <<-EOF
	set service ipsec-ddns rate-limit 1000
	set service ipsec-ddns rate-limit-slip 3
	EOF
	run vpnha-checkconf -f "$T/vpnha.conf"
	assert_success
	assert_output --partial "set service ipsec-ddns rate-limit 1000"
	assert_output --partial "set service ipsec-ddns rate-limit-slip 3"
	echo "set service ipsec-ddns rate-limit-slip many" >>"$T/vpnha.conf"
	run vpnha-checkconf -f "$T/vpnha.conf"
	assert_failure 100
	assert_output --partial "vpnha.conf:7:"
	run ddns-named -f "$T/vpnha.conf" -l "127.0.0.1:$PORT" -d "$T/records"
	assert_failure 100
	assert_output --partial "vpnha.conf:7:"
}

@test "pool answers over UDP fit in 512 bytes without EDNS, in what EDNS allows with it, all over TCP" {
	echo "set service dns-pool name pool.$DOMAIN" >>"$T/vpnha.conf"
	for i in $(seq 32); do
		echo "set service dns-pool member 2001:db8::$i"
	done >>"$T/vpnha.conf"
	start_named -d "$T/records"
	# 12 + 26 (the question) + 16 x 28 = 486 bytes; a 17th would not fit
	run d +noall +comments +noedns +ignore pool.$DOMAIN AAAA
	assert_output --partial "flags: qr aa;"
	assert_output --partial "ANSWER: 16,"
	run d +noall +comments +bufsize=1232 +ignore pool.$DOMAIN AAAA
	assert_output --partial "flags: qr aa;"
	assert_output --partial "ANSWER: 32,"
	run d +noall +comments +bufsize=700 +ignore pool.$DOMAIN AAAA
	assert_output --partial "flags: qr aa;"
	assert_output --partial "ANSWER: 23,"
	run d +noall +comments +tcp +noedns pool.$DOMAIN AAAA
	assert_output --partial "ANSWER: 32,"
}
