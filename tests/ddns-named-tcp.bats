#!/usr/bin/env bats
# ddns-named over TCP against clients that do not play fair: one that
# floods queries back to back must not starve UDP or another connection;
# a message too short to be a query closes its connection; only answers
# keep a connection from its idle timeout.

load helper
load ddns-named

setup() {
	named_setup
	start_named -d "$T/records"
}

teardown() {
	if [ -n "$NPID" ] && ! kill -0 "$NPID" 2>/dev/null; then
		cat "$T/log" >&2
		named_teardown
		fail "ddns-named died"
	fi
	named_teardown
}

# flood PORT: one TCP client writes queries back to back (and reads what
# comes back, so the server never waits for it) while UDP queries, and
# one query at a time on a second TCP connection, are asked 20 times
# each with a 0.5 s timeout.  Prints the answers each got, and whether
# the flood was answered all along (before, during and after them).
flood() {
	python3 - "$1" <<-'EOF'
	import socket, struct, sys, threading, time
	port = int(sys.argv[1])
	q = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	msg = struct.pack(">H", len(q)) + q
	blob = msg * 4000
	got = 0
	stop = False
	f = socket.create_connection(("127.0.0.1", port))
	def reader():
	    global got
	    while not stop:
	        d = f.recv(1 << 20)
	        if not d:
	            return
	        got += len(d)
	def writer():
	    try:
	        while not stop:
	            f.sendall(blob)
	    except OSError:
	        pass
	threading.Thread(target=reader, daemon=True).start()
	threading.Thread(target=writer, daemon=True).start()
	t = time.time()
	while got < 200000 and time.time() < t + 20:
	    time.sleep(0.01)
	before = got
	u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	u.connect(("127.0.0.1", port))
	u.settimeout(0.5)
	c = socket.create_connection(("127.0.0.1", port))
	c.settimeout(0.5)
	udp = tcp = 0
	for i in range(20):
	    u.send(q)
	    try:
	        u.recv(512)
	        udp += 1
	    except socket.timeout:
	        pass
	    try:
	        c.sendall(msg)
	        n = struct.unpack(">H", c.recv(2))[0]
	        tcp += len(c.recv(n)) == n
	    except (socket.timeout, struct.error):
	        pass
	during = got
	time.sleep(0.2)
	stop = True
	print("udp %d/20 tcp %d/20 flood %s" % (udp, tcp,
	    before >= 200000 and during > before and got > during))
	EOF
}

@test "a TCP client flooding queries back to back starves neither UDP nor another connection" {
	run flood "$PORT"
	assert_success
	# generous: each of these gets its turn within a round of the loop,
	# a few milliseconds; the unfair server answered none of them
	assert_output --regexp '^udp (1[0-9]|20)/20 tcp (1[0-9]|20)/20 flood True$'
}

# conn HEX...: one connection; each HEX is sent as it is, then whether the
# server answered and whether it closed the connection.
conn() {
	python3 - "$PORT" "$@" <<-'EOF'
	import socket, sys
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	s.settimeout(2)
	for h in sys.argv[2:]:
	    s.sendall(bytes.fromhex(h))
	data, closed = b"", False
	try:
	    while True:
	        d = s.recv(4096)
	        if not d:
	            closed = True
	            break
	        data += d
	except socket.timeout:
	    pass
	except ConnectionResetError:
	    closed = True
	print("answered" if data else "silent", "closed" if closed else "open")
	EOF
}

@test "a zero-length or too-short TCP message closes its connection, unanswered" {
	q=$(qhex gw1.$DOMAIN 1)
	good=$(printf '%04x' $((${#q} / 2)))$q
	run conn "$good"
	assert_output "answered open"
	run conn 0000 "$good"
	assert_output "silent closed"
	run conn 000568656c6c6f "$good"
	assert_output "silent closed"
	run conn "000b${q:0:22}" "$good"	# 11 bytes: less than a header
	assert_output "silent closed"
	# a header is the least that is read, and answered
	run conn "000c${q:0:24}" "$good"
	assert_output "answered open"
	run d +short gw1.$DOMAIN A
	assert_output 192.0.2.10
}

@test "only answered queries keep a TCP connection open: the idle timeout still comes" {
	# one answered query, then every 2 s a message that gets no answer
	# (a response, QR set); the connection must still close, about 10 s
	# after the answer, while those go on for up to 30 s
	run python3 - "$PORT" <<-'EOF'
	import socket, struct, sys, time
	q = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	r = q[:2] + b"\x80" + q[3:]
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	s.sendall(struct.pack(">H", len(q)) + q)
	n = struct.unpack(">H", s.recv(2))[0]
	s.recv(n)
	t = time.time()
	s.settimeout(2)
	closed = False
	while not closed and time.time() < t + 30:
	    try:
	        s.sendall(struct.pack(">H", len(r)) + r)
	        closed = s.recv(1) == b""
	    except socket.timeout:
	        pass
	    except OSError:
	        closed = True
	print(closed, "%.0f" % (time.time() - t))
	EOF
	assert_success
	# closed, and not before the timeout (seconds, as the client saw it)
	assert_output --regexp '^True (9|[12][0-9])$'
}
