# The chaos suite of tests/chaos/ in make check: a short run with a fixed
# seed (make chaos runs longer ones).  On failure the checker's report
# says why, and the run's files stay in build/chaos/check.  Then the
# checker alone on made-up runs: a check it narrowed still fails.
load helper

@test "ddns-syncd under a nemesis, seed 1, 60 s: same tables, no acknowledged change lost, no crash" {
	run "$VPNHA_TOP/tests/chaos/run" -t 60 -s 1 -d "$VPNHA_TOP/build/chaos/check"
	assert_success
	assert_line "chaos: no violation"
}

# run_of DIR SAW: the files of a made-up run in DIR, for the checker alone.
# h2 publishes gw, h1 publishes it after (acknowledged), h2 withdraws it;
# h1 is killed and started again, and its new process holds h2's first
# record, older than h1's own acknowledged up.  SAW: whether h1's first
# process had seen h2's withdrawal (1) or not (0) before it was killed.
run_of() {
	local d=$1
	mkdir -p "$d"
	echo "seed=0 seconds=1 nodes=2 gateways=1 rate=1 kinds=kill" >"$d/run.conf"
	echo 0 >"$d/rounds"
	echo "kill 1" >"$d/nemesis.count"
	cat >"$d/ops.log" <<-'E'
	#1 h2 up gw 2001:db8:c::1 ok lo=1000000.0 hi=1000000.1 pid=200 t=1.000/1.001/1.002/1.003 rss=1000 why=-
	#2 h1 up gw 2001:db8:c::2 ok lo=1000100.0 hi=1000100.1 pid=100 t=2.000/2.001/2.002/2.003 rss=1000 why=-
	#3 h2 down gw - ok lo=1000200.0 hi=1000200.1 pid=200 t=3.000/3.001/3.002/3.003 rss=1000 why=-
	E
	{
		echo "1.002 h2 200 + gw 2001:db8:c::1 1000.000.1 192.0.2.12"
		echo "1.003 h1 100 + gw 2001:db8:c::1 1000.000.1 192.0.2.12"
		echo "2.002 h1 100 + gw 2001:db8:c::2 1000.100.1 192.0.2.11"
		echo "2.003 h2 200 + gw 2001:db8:c::2 1000.100.1 192.0.2.11"
		echo "3.002 h2 200 - gw 1000.200.1"
		[ "$2" = 0 ] || echo "3.003 h1 100 - gw 1000.200.1"
		echo "5.001 h1 101 + gw 2001:db8:c::1 1000.000.1 192.0.2.12"
	} >"$d/ops.log.sub"
	cat >"$d/nemesis.log" <<-'E'
	0.100 start h1 pid=100 skew=0 log=h1.1.log
	0.200 start h2 pid=200 skew=0 log=h2.1.log
	4.000 kill h1 pid=100 sig=KILL
	5.000 start h1 pid=101 skew=0 log=h1.2.log
	7.000 kill h1 pid=101 sig=TERM
	7.001 kill h2 pid=200 sig=TERM
	E
	printf '100 137\n101 0\n200 0\n' >"$d/exits"
}

@test "the checker: a node restarted that holds a record older than its own acknowledged change has forgotten it" {
	run_of "$BATS_TEST_TMPDIR/run" 0
	run "$VPNHA_TOP/tests/chaos/check" "$BATS_TEST_TMPDIR/run"
	assert_failure 1
	assert_line --regexp "^  forgot +h1 \(pid 101, started at 5\.000\) holds \`\+ gw 2001:db8:c::1 1000\.000\.1 192\.0\.2\.12' at 5\.001, older than its own acknowledged up op #2 "
	assert_line "chaos: 1 violations"
}

@test "the checker: not when the node saw its change replaced by a newer one before it restarted (its journal no longer holds the gateway)" {
	run_of "$BATS_TEST_TMPDIR/run" 1
	run "$VPNHA_TOP/tests/chaos/check" "$BATS_TEST_TMPDIR/run"
	assert_success
	assert_line "chaos: no violation"
}
