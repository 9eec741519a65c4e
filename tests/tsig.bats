#!/usr/bin/env bats
# lib/tsig against real peers on 127.0.0.1: dig (BIND 9) signs queries
# to tests/unit/tsig's server and checks its answers, one message or an
# AXFR of four chained (RFC 8945 5.3.1); NSD checks the queries of its
# client and signs answers it checks, an AXFR of several messages too.

load helper

SECRET=s2bHSxoA3vqmqI+t5yUY4EVCFEdHiq8dT82Wn1QZaeE=
OTHER=rmBM6QeA5XiS3gpBLfnZ2A5mm6Z8UPkLl8ZQ8xgRfRI=
UNIT=$VPNHA_TOP/build/san/unit/tsig

setup() {
	command -v dig >/dev/null || fail "dig not installed (bind9-dnsutils)"
	[ -x "$UNIT" ] || fail "$UNIT not built (make san)"
	pids=()
}

teardown() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# serve [OPTIONS]: tests/unit/tsig's server, its port in $port; the key
# transfer.example. with $SECRET, or $key_name with $key_secret
serve() {
	local i
	"$UNIT" serve "$@" "${key_name:-transfer.example.}" \
	    "${key_secret:-$SECRET}" >"$BATS_TEST_TMPDIR/port" &
	pids+=($!)
	for i in $(seq 100); do
		port=$(cat "$BATS_TEST_TMPDIR/port")
		[ -n "$port" ] && return 0
		kill -0 "${pids[-1]}" || fail "the server ended"
		sleep 0.1
	done
	fail "the server printed no port in 10 s"
}

# ask KEY SECRET QNAME [TYPE]: dig's query signed with KEY and SECRET
ask() {
	run dig @127.0.0.1 -p "$port" -y "hmac-sha256:$1:$2" "$3" "${4:-A}" \
	    +tries=1 +time=5
	assert_success
}

@test "dig: a signed query answered and signed, and dig finds the signature good" {
	serve
	ask transfer.example "$SECRET" www.example.org
	assert_output --partial 'status: NOERROR'
	assert_output --regexp 'www\.example\.org\.	+3600	IN	A	192\.0\.2\.1'
	assert_output --regexp 'transfer\.example\.	+0	ANY	TSIG	hmac-sha256\. [0-9]+ 300 32 [^ ]+ [0-9]+ NOERROR 0'
	refute_output --partial "Couldn't verify"
	refute_output --partial 'could not be validated'
}

@test "dig: the key name in another case, and Knot's keymgr's secret, are the same key" {
	command -v keymgr >/dev/null || fail "keymgr not installed (knot)"
	line=$(keymgr -t Transfer.Example hmac-sha256 | sed -n 's/^# //p')
	[[ $line == hmac-sha256:Transfer.Example:* ]] || fail "keymgr printed: $line"
	key_name=transfer.example key_secret=${line##*:} serve
	run dig @127.0.0.1 -p "$port" -y "$line" www.example.org A +tries=1 +time=5
	assert_success
	assert_output --partial 'status: NOERROR'
	refute_output --partial "Couldn't verify"
	refute_output --partial 'could not be validated'
}

@test "dig: a query with the wrong secret is answered NOTAUTH, BADSIG, unsigned" {
	serve
	ask transfer.example "$OTHER" www.example.org
	assert_output --partial 'status: NOTAUTH'
	assert_output --regexp 'TSIG	hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADSIG 0'
	assert_output --partial "Couldn't verify signature: tsig indicates error"
}

@test "dig: a query with an unknown key is answered NOTAUTH, BADKEY, with the key's name" {
	serve
	ask nokey.example "$SECRET" www.example.org
	assert_output --partial 'status: NOTAUTH'
	assert_output --regexp 'nokey\.example\.	+0	ANY	TSIG	hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADKEY 0'
}

@test "dig: a query from a clock 1000 s behind is answered NOTAUTH, BADTIME, signed, with our time" {
	serve -t 1000
	ask transfer.example "$SECRET" www.example.org
	assert_output --partial 'status: NOTAUTH'
	assert_output --regexp 'TSIG	hmac-sha256\. [0-9]+ 300 32 [^ ]+ [0-9]+ BADTIME 6 [^ ]+'
	# BIND checks the MAC before it looks at the error: signed, and good
	assert_output --partial "Couldn't verify signature: clocks are unsynchronized"
	refute_output --partial 'tsig verify failure'
}

@test "dig: an answer signed with another secret makes dig say it could not verify it" {
	serve -w "$OTHER"
	ask transfer.example "$SECRET" www.example.org
	assert_output --partial "Couldn't verify signature: tsig verify failure"
	assert_output --partial 'WARNING -- Some TSIG could not be validated'
}

@test "dig: an AXFR of four messages, each chained to the one before (5.3.1), all good" {
	serve
	ask transfer.example "$SECRET" example.org AXFR
	assert_output --partial 'XFR size: 102 records (messages 4,'
	refute_output --partial "Couldn't verify"
	refute_output --partial 'could not be validated'
}

@test "dig: an AXFR whose third message is signed as a first finds dig saying so" {
	serve -b 3
	ask transfer.example "$SECRET" example.org AXFR
	assert_output --partial "Couldn't verify signature: tsig verify failure"
	assert_output --partial 'WARNING -- Some TSIG could not be validated'
}

# nsd_start: NSD on 127.0.0.1#$port with example.org (3,004 records) for
# the key transfer.example
nsd_start() {
	local d=$BATS_TEST_TMPDIR i
	command -v nsd >/dev/null || fail "nsd not installed"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	{
		printf '%s\n' "\$ORIGIN example.org." "\$TTL 3600"
		printf '@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n'
		printf 'ns A 192.0.2.53\n'
		for i in $(seq 3000); do
			echo "h$i A 198.51.100.$((i % 250 + 1))"
		done
	} >"$d/example.org.zone"
	cat >"$d/nsd.conf" <<-EOF
	server:
		ip-address: 127.0.0.1
		port: $port
		username: ""
		chroot: ""
		zonesdir: "$d"
		pidfile: "$d/nsd.pid"
		database: ""
		xfrdfile: "$d/xfrd.state"
		zonelistfile: "$d/zone.list"
		xfrdir: "$d"
		server-count: 1
		verbosity: 2
	remote-control:
		control-enable: no
	key:
		name: transfer.example
		algorithm: hmac-sha256
		secret: "$SECRET"
	zone:
		name: example.org
		zonefile: example.org.zone
		provide-xfr: 127.0.0.1 transfer.example
	EOF
	nsd -d -c "$d/nsd.conf" >"$d/nsd.log" 2>&1 &
	pids+=($!)
	for i in $(seq 100); do
		grep -q 'nsd started' "$d/nsd.log" && return 0
		kill -0 "${pids[-1]}" || fail "nsd ended: $(cat "$d/nsd.log")"
		sleep 0.1
	done
	fail "nsd did not start in 10 s: $(cat "$d/nsd.log")"
}

@test "nsd: our signed query is answered, and NSD's signature is good" {
	nsd_start
	run "$UNIT" ask "$port" transfer.example "$SECRET" h7.example.org 1
	assert_success
	assert_output "message 1: NOERROR NOERROR 1
records 1"
}

@test "nsd: an AXFR of several messages, each checked in NSD's chain (5.3.1)" {
	nsd_start
	run "$UNIT" ask "$port" transfer.example "$SECRET" example.org 252
	assert_success
	assert_line 'records 3004'
	refute_line --regexp '^message [0-9]+: .* (BADSIG|BADKEY|BADTIME|malformed)'
	[ "$(grep -c '^message' <<<"$output")" -ge 3 ] || fail "one or two messages: $output"
}

@test "nsd: a wrong secret, an unknown key, a clock 1000 s ahead: NOTAUTH with NSD's word" {
	nsd_start
	run "$UNIT" ask "$port" transfer.example "$OTHER" h7.example.org 1
	assert_line 'message 1: NOTAUTH BADSIG 0'
	run "$UNIT" ask "$port" nokey.example "$SECRET" h7.example.org 1
	assert_line 'message 1: NOTAUTH BADKEY 0'
	run "$UNIT" ask -t 1000 "$port" transfer.example "$SECRET" h7.example.org 1
	assert_line 'message 1: NOTAUTH BADTIME 0'
	run grep -c 'bad tsig' "$BATS_TEST_TMPDIR/nsd.log"
	assert_output 3
}
