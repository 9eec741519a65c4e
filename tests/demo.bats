#!/usr/bin/env bats
# make demo (contrib/demo): the whole story runs, shows each step with the
# programs' real output, and leaves nothing behind, also when interrupted
# with Ctrl-C (SIGINT to its process group) in the middle.

load helper

setup() {
	T=$BATS_TEST_TMPDIR/t
	mkdir -p "$T"
}

# leftovers PID: the namespaces and processes of the demo run PID, if any
leftovers() {
	ip netns list | grep "^vl$1-" || :
	pgrep -af "$T/" || :
	ls -A "$T"
}

@test "make demo: VRRP, forced failover, a 3-node DDNS cluster fed by strongSwan, a node lost, lb-size; nothing left" {
	TMPDIR=$T "$VPNHA_TOP/contrib/demo" "$VPNHA_BIN" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	wait "$pid" || fail "exit $?: $(cat "$BATS_TEST_TMPDIR/out")"
	run cat "$BATS_TEST_TMPDIR/out"
	# VRRP: h1 master, h2 backup, then h2 master after the kill
	assert_line --regexp '^ +eth0 +99 +vip +192\.0\.2\.100/25 +up +master$'
	assert_line --regexp '^ +eth0 +99 +vip +192\.0\.2\.100/25 +up +backup$'
	assert_line --regexp '^h2 master after [0-9.]+ s'
	assert_line --regexp '^ +eth0 99: backup -> master after [0-9.]+ s$'
	# DDNS: one creates, two join; a strongSwan gateway's name on every
	# node; the node lost, the gateway on h2, the name follows; it leaves
	assert_line 'h1: ddns-syncd says: Creating new ipsec-ddns cluster'
	assert_line 'h2: ddns-syncd says: Joined existing ipsec-ddns cluster'
	assert_line 'h3: ddns-syncd says: Joined existing ipsec-ddns cluster'
	assert_line --regexp '^h1 charon: updown: published Branch-Office-1 198\.51\.100\.(1[7-9]|2[0-9]|30) '
	assert_line --regexp '^ +branch-office-1\.vpn\.example\.org\.[[:space:]]+30[[:space:]]+IN[[:space:]]+A[[:space:]]+198\.51\.100\.(1[7-9]|2[0-9]|30)$'
	assert_line --regexp '^ +64 bytes from 198\.51\.100\.(1[7-9]|2[0-9]|30): '
	assert_line --regexp '^ +1z2y3x4w\.vpn\.example\.org\.[[:space:]]+30[[:space:]]+IN[[:space:]]+AAAA[[:space:]]+2001:db8:100::3$'
	assert_line --regexp '^ +192\.0\.2\.139 down '
	assert_line --regexp '^h2 charon: updown: published Branch-Office-1 198\.51\.100\.(3[3-9]|4[0-6]) '
	assert_line --regexp '^ +branch-office-1\.vpn\.example\.org\.[[:space:]]+30[[:space:]]+IN[[:space:]]+A[[:space:]]+198\.51\.100\.(3[3-9]|4[0-6])$'
	assert_line --regexp 'status: NXDOMAIN'
	# lb-size: the guide's example
	assert_line --regexp '^ +ACM_total 3$'
	refute_output --partial 'demo:'
	run leftovers "$pid"
	assert_output ''
}

@test "make demo: Ctrl-C in the middle removes the namespaces, daemons and files" {
	# A background job of a script starts with SIGINT ignored, which bash
	# cannot undo: give the demo the default disposition a terminal's
	# foreground job has, in a process group of its own.
	TMPDIR=$T python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' "$VPNHA_TOP/contrib/demo" "$VPNHA_BIN" \
	    >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -q 'h1 charon: updown: published' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	grep -q 'h1 charon: updown: published' "$BATS_TEST_TMPDIR/out" ||
		fail "the strongSwan part never started: $(cat "$BATS_TEST_TMPDIR/out")"
	# every process in the demo's namespaces: daemons, charons, loops
	procs=$(for ns in $(ip netns list | awk -v p="vl$pid-" 'index($1, p) == 1 { print $1 }'); do
		ip netns pids "$ns"
	done)
	[ "$(wc -w <<<"$procs")" -ge 8 ] || fail "only these processes in the demo's namespaces: $procs"
	pgrep -f "$T/" >/dev/null || fail "no daemons of the demo to begin with"
	kill -INT -- "-$pid"
	s=0
	wait "$pid" || s=$?
	[ "$s" = 130 ] || fail "exit $s, not 130: $(cat "$BATS_TEST_TMPDIR/out")"
	run tail -n 1 "$BATS_TEST_TMPDIR/out"
	assert_output 'demo: interrupted; cleaning up'
	run leftovers "$pid"
	assert_output ''
	# (a zombie is gone: it waits only for this machine's init to reap it)
	for p in $procs; do
		st=$(ps -o stat= -p "$p") || continue
		[[ $st == Z* ]] || fail "process $p is left: $(ps -o stat=,args= -p "$p")"
	done
}
