#!/usr/bin/env bats
# The C unit drivers of tests/unit/, built with the sanitizers.

load helper

@test "every driver in tests/unit/ has its test here" {
	for f in "$VPNHA_TOP"/tests/unit/*.c; do
		t=$(basename "$f" .c)
		grep -q "build/san/unit/$t\"$" "$BATS_TEST_FILENAME" || fail "no test runs unit driver $t"
	done
}

@test "unit: lib/num (decimal parsing with range checks)" {
	run "$VPNHA_TOP/build/san/unit/num"
	assert_success
	assert_output ''
}

@test "unit: lib/err err_hush (a line a second; what was held back said after)" {
	run "$VPNHA_TOP/build/san/unit/hush"
	assert_success
	assert_output ''
}

@test "unit: bin/vrrpd/advert (VRRP advertisements: round trips, rejections)" {
	run "$VPNHA_TOP/build/san/unit/advert"
	assert_success
	assert_output ''
}

@test "unit: bin/ddns-syncd/noise (Noise NNpsk0 both roles, tampering, replay; wire codec)" {
	run "$VPNHA_TOP/build/san/unit/noise"
	assert_success
	assert_output ''
}

@test "unit: bin/ddns-syncd/noise against an initiator on other primitives (tests/unit/noise-interop.py)" {
	run python3 "$VPNHA_TOP/tests/unit/noise-interop.py" "$VPNHA_TOP/build/san/unit/noise"
	assert_success
	assert_output 'interop ok'
}

@test "unit: lib/tsig (TSIG with HMAC-SHA256: MACs as RFC 8945 composes them, errors, chains, malformed records)" {
	run "$VPNHA_TOP/build/san/unit/tsig"
	assert_success
	assert_output ''
}

@test "unit: lib/dnsname (a name in a message: limits, pointers, cut short)" {
	run "$VPNHA_TOP/build/san/unit/dnsname"
	assert_success
	assert_output ''
}

@test "unit: lib/sha256 (SHA-256 and HMAC-SHA256 against libsodium, every length and split)" {
	run "$VPNHA_TOP/build/san/unit/sha256"
	assert_success
	# the path taken is said: the SHA extensions where the CPU has them
	if grep -qw sha_ni /proc/cpuinfo; then
		assert_output ni
	else
		assert_output sodium
	fi
}

@test "unit: lib/prom (labels escaped, or none when cut; samples; a full buffer said)" {
	run "$VPNHA_TOP/build/san/unit/prom"
	assert_success
	assert_output ''
}
