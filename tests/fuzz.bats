#!/usr/bin/env bats
# Every libFuzzer target (ASan + UBSan) runs for FUZZ_CHECK_TIME seconds,
# at least 10, from its seed corpus; a crash or a broken invariant fails.
# The targets are in $VPNHA_FUZZ (`make check` sets it), by default
# build/fuzz.

load helper

: "${VPNHA_FUZZ:=$VPNHA_TOP/build/fuzz}"
export VPNHA_FUZZ

fuzz() {
	[ -x "$VPNHA_FUZZ/$1" ] || fail "$VPNHA_FUZZ/$1 not built (make fuzz-build)"
	run "$VPNHA_TOP/tests/fuzz/run" "${FUZZ_CHECK_TIME:-10}" "$1"
	assert_success
	assert_output --partial 'stat::number_of_executed_units'
}

@test "fuzz: vpnha.conf reader (conf)" {
	fuzz conf
}

@test "fuzz: gateway-ID sanitizer and certificate subjects (gwid)" {
	fuzz gwid
}

@test "fuzz: VRRP advertisements, parsed and built again (advert)" {
	fuzz advert
}

@test "fuzz: DNS queries, one datagram to its response, checked by ldns (dns)" {
	fuzz dns
}

@test "fuzz: DNS over TCP, a stream of length-prefixed messages in reads and turns (dnstcp)" {
	fuzz dnstcp
}

@test "fuzz: a query's TSIG and transfer checks, and the transfer it starts (xfr)" {
	fuzz xfr
}

@test "fuzz: vrrpd control request lines, parsed and written again (vrrpctl)" {
	fuzz vrrpctl
}

@test "fuzz: ddns-syncd control request lines (ctlline)" {
	fuzz ctlline
}

@test "fuzz: ddns-syncd handshake, opening message and Noise messages (noisehs)" {
	fuzz noisehs
}

@test "fuzz: ddns-syncd frames and sync messages (frame)" {
	fuzz frame
}

@test "fuzz: ddns-named's feed lines against its table (dnsfeed)" {
	fuzz dnsfeed
}

@test "fuzz: the subscribe feed's lines, unpacked, packed and unpacked again (feed)" {
	fuzz feed
}

@test "fuzz: ddns-syncd's journal loader, read, written and read again (journal)" {
	fuzz journal
}

@test "fuzz: TSIG records of requests and answers, verified, signed and checked (tsig)" {
	fuzz tsig
}

@test "every target in tests/fuzz/ has its test here" {
	for f in "$VPNHA_TOP"/tests/fuzz/*.c; do
		t=$(basename "$f" .c)
		grep -q "^	fuzz $t\$" "$BATS_TEST_FILENAME" || fail "no test runs fuzz target $t"
	done
}
