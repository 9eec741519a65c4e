#!/usr/bin/env bats
# contrib/prometheus (issue 19): the alert rules, checked and tested by
# Debian's promtool; a rule that does not fire where its test says fails.

load helper

setup() {
	command -v promtool >/dev/null || skip "promtool is not installed (contrib/deps)"
}

@test "the alert rules: promtool check rules accepts them, and their tests pass" {
	cd "$VPNHA_TOP/contrib/prometheus"
	run promtool check rules vpnha.rules.yml
	assert_success
	assert_output --partial 'SUCCESS: 6 rules found'
	run promtool test rules vpnha.rules.test.yml
	assert_success
	assert_output --partial 'SUCCESS'
}

@test "the alert rules' tests can fail: a rule changed makes them fail" {
	cp "$VPNHA_TOP"/contrib/prometheus/vpnha.rules*.yml "$BATS_TEST_TMPDIR/"
	cd "$BATS_TEST_TMPDIR"
	sed -i 's/for: 1m/for: 5m/' vpnha.rules.yml
	run promtool test rules vpnha.rules.test.yml
	assert_failure
	assert_output --partial 'VpnhaDnsSerialDisagree'
}
