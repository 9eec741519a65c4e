# The chaos suite of tests/chaos/ in make check: a short run with a fixed
# seed (make chaos runs longer ones).  On failure the checker's report
# says why, and the run's files stay in build/chaos/check.
load helper

@test "ddns-syncd under a nemesis, seed 1, 60 s: same tables, no acknowledged change lost, no crash" {
	run "$VPNHA_TOP/tests/chaos/run" -t 60 -s 1 -d "$VPNHA_TOP/build/chaos/check"
	assert_success
	assert_line "chaos: no violation"
}
