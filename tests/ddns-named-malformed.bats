#!/usr/bin/env bats
# Malformed input: ddns-named answers FORMERR or nothing, never crashes
# (the sanitizer build aborts on any memory error), never hangs, and keeps
# answering everyone else.

load helper
load ddns-named

setup() {
	named_setup
	start_named -d "$T/records"
}

teardown() {
	# still alive and well after what each test sent
	if [ -n "$NPID" ] && ! kill -0 "$NPID" 2>/dev/null; then
		cat "$T/log" >&2
		named_teardown
		fail "ddns-named died"
	fi
	named_teardown
}

alive() {
	run d +short gw1.$DOMAIN A
	assert_output 192.0.2.10
}

@test "truncated headers and questions get no answer or FORMERR" {
	q=$(qhex gw1.$DOMAIN 1)
	for n in 0 1 11 12 13 20 23 24 36; do	# bytes
		run raw "${q:0:$((2 * n))}"
		case $n in
		0|1|11) assert_output "" ;;	# not even a header
		*) assert_output "${q:0:4}80010000000000000000" ;;
		esac
	done
	alive
}

@test "a response (QR set) is never answered" {
	q=$(qhex gw1.$DOMAIN 1)
	run raw "${q:0:4}8000${q:8}"
	assert_output ""
	alive
}

@test "compression: a pointer in the question, a loop, a pointer past the end" {
	# QNAME "gw1" then a pointer back to itself
	run raw "12340000000100000000000003677731c00c00010001"
	assert_output "123480010000000000000000"
	# an OPT whose owner is a pointer to itself, and one past the end
	q=$(qhex gw1.$DOMAIN 1)
	run raw "${q:0:20}0001${q:24}c025002904d0000000000000"
	assert_output "${q:0:4}80010000000000000000"
	run raw "${q:0:20}0001${q:24}cfff002904d0000000000000"
	assert_output "${q:0:4}80010000000000000000"
	# records claimed in additional that are not there
	run raw "${q:0:20}0005${q:24}"
	assert_output "${q:0:4}80010000000000000000"
	alive
}

@test "over-long names and labels, extended label types" {
	l63=$(printf 'a%.0s' $(seq 63))
	run raw "$(qhex "$l63.$l63.$l63.$l63.$DOMAIN" 1)"
	assert_output "123480010000000000000000"
	q=$(qhex gw1.$DOMAIN 1)
	run raw "${q:0:24}41${q:26}"	# label type 01 (extended)
	assert_output "123480010000000000000000"
	run raw "${q:0:24}81${q:26}"	# label type 10 (reserved)
	assert_output "123480010000000000000000"
	alive
}

@test "two OPT records, an OPT not owned by the root, an OPT in answer" {
	q=$(qhex gw1.$DOMAIN 1)
	opt=00002904d0000000000000
	run raw "${q:0:20}0002${q:24}$opt$opt"
	assert_output "${q:0:4}80010000000000000000"
	run raw "${q:0:20}0001${q:24}016100${opt:2}"
	assert_output "${q:0:4}80010000000000000000"
	run raw "${q:0:12}0001${q:16}$opt"
	assert_output "${q:0:4}80010000000000000000"
	alive
}

@test "garbage over TCP is answered or dropped, and others are served" {
	run python3 - "$PORT" <<-'EOF'
	import os, socket, sys
	port = int(sys.argv[1])
	for n in (0, 1, 2, 5, 12, 100, 3000):
	    s = socket.create_connection(("127.0.0.1", port), timeout=2)
	    s.sendall(os.urandom(n))
	    s.close()
	# a header with garbage in it, then a good query on the same connection
	q = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	s = socket.create_connection(("127.0.0.1", port), timeout=2)
	s.sendall(b"\0\x0c" + os.urandom(2) + b"\x80" + os.urandom(9) +
	          len(q).to_bytes(2, "big") + q)
	n = int.from_bytes(s.recv(2), "big")
	r = s.recv(n)
	print(r[:2].hex(), r[3] & 15, r[-4:].hex())
	EOF
	assert_success
	assert_output "1234 0 c000020a"
	alive
}

@test "a TCP client that sends a length and stalls holds nobody up, and is dropped after 10 s" {
	python3 - "$PORT" "$T/stalled" <<-'EOF' &
	import socket, sys, time
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	s.sendall(b"\0\x40\x12\x34")	# 64 bytes announced, 2 sent
	t = time.time()
	s.settimeout(15)
	try:
	    gone = s.recv(1) == b""
	except OSError:
	    gone = True
	open(sys.argv[2], "w").write("%s %.0f\n" % (gone, time.time() - t))
	EOF
	stall=$!
	sleep 0.5
	for i in 1 2 3; do
		alive
		run d +tcp +short gw2.$DOMAIN A
		assert_output 192.0.2.20
	done
	wait "$stall"
	run cat "$T/stalled"
	assert_output --regexp '^True (9|10|11)$'
	alive
}

@test "more TCP clients than allowed: the idlest make room, queries still answered" {
	run python3 - "$PORT" <<-'EOF'
	import socket, sys, time
	port = int(sys.argv[1])
	idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
	time.sleep(0.5)
	q = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	s = socket.create_connection(("127.0.0.1", port), timeout=3)
	s.sendall(len(q).to_bytes(2, "big") + q)
	n = int.from_bytes(s.recv(2), "big")
	print(len(s.recv(n)) > 12)
	closed = 0
	for c in idle:
	    c.settimeout(0.01)
	    try:
	        if c.recv(1) == b"":
	            closed += 1
	    except socket.timeout:
	        pass
	    except OSError:
	        closed += 1
	print(closed >= 200 - 128)
	EOF
	assert_success
	assert_output "True
True"
	alive
}

@test "a flood of random datagrams: every one answered or dropped, the server lives" {
	run python3 - "$PORT" <<-'EOF'
	import os, random, socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.connect(("127.0.0.1", int(sys.argv[1])))
	base = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	random.seed(7)
	for i in range(20000):
	    m = bytearray(base if i % 2 else os.urandom(random.randrange(0, 80)))
	    for _ in range(random.randrange(0, 4)):
	        if m:
	            m[random.randrange(len(m))] = random.randrange(256)
	    s.send(bytes(m))
	print("sent")
	EOF
	assert_output sent
	alive
}

@test "a TCP client that pipelines and never reads, then resets: no spinning" {
	run python3 - "$PORT" <<-'EOF'
	import socket, struct, sys, time
	q = bytes.fromhex("123400000001000000000000036777310376706e076578616d706c65036f72670000010001")
	s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
	s.setblocking(False)
	sent = 0
	try:
	    for _ in range(50000):
	        sent += s.send(struct.pack(">H", len(q)) + q)
	except BlockingIOError:
	    pass
	time.sleep(1)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
	s.close()
	print(sent > 100000)
	EOF
	assert_output True
	t0=$(sed 's/.*) //' "/proc/$NPID/stat" | awk '{ print $12 + $13 }')
	sleep 2
	t1=$(sed 's/.*) //' "/proc/$NPID/stat" | awk '{ print $12 + $13 }')
	[ $((t1 - t0)) -lt 20 ] || fail "ddns-named used $((t1 - t0)) ticks in 2 s"
	alive
}
