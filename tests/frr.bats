#!/usr/bin/env bats
# contrib/frr: the guide's OSPF and BGP examples as FRR configuration, read
# by FRR's own parser in dry-run mode (vtysh -C), which must also refuse a
# broken copy, and written with documentation addresses only.

load helper

setup() {
	command -v vtysh >/dev/null || skip "vtysh not found (Debian package frr; contrib/deps installs it)"
	FRR=$VPNHA_TOP/contrib/frr
}

@test "contrib/frr: the OSPF and BGP files pass FRR's dry run" {
	for f in "$FRR"/ospf.conf "$FRR"/bgp.conf; do
		run vtysh -C -f "$f"
		[ "$status" = 0 ] || fail "$f: vtysh -C exit $status: $output"
		assert_output ''
	done
}

@test "contrib/frr: a line FRR does not know makes the dry run fail" {
	for f in ospf bgp; do
		sed 's/redistribute kernel$/redistribute kernal/; s/redistribute kernel metric/redistribute kernal metric/' "$FRR/$f.conf" >"$BATS_TEST_TMPDIR/$f.conf"
		run vtysh -C -f "$BATS_TEST_TMPDIR/$f.conf"
		[ "$status" -ne 0 ] || fail "$f: a misspelled command passed: $output"
		assert_output --partial 'kernal'
	done
}

@test "contrib/frr: the guide's parameters are there (router-id, areas, neighbours, timers)" {
	run cat "$FRR/ospf.conf"
	assert_line ' ospf abr-type cisco'
	assert_line ' area 0.0.0.1 nssa translate-candidate'
	assert_line ' redistribute kernel metric-type 2'
	assert_line --regexp '^ ospf router-id [0-9.]+$'
	run cat "$FRR/bgp.conf"
	assert_line 'router bgp 100'
	assert_line ' neighbor 203.0.113.3 ebgp-multihop 2'
	assert_line ' timers bgp 10 30'
	assert_line '  redistribute kernel'
	assert_line '  redistribute connected'
}

@test "contrib/frr: documentation addresses only" {
	for f in "$FRR"/*.conf "$FRR/README"; do
		grep -oE '\b[0-9]{1,3}(\.[0-9]{1,3}){3}\b' "$f" |
		    grep -vE '^(192\.0\.2|198\.51\.100|203\.0\.113)\.|^0\.0\.0\.1$' |
		    grep -vE '^(192\.168|10\.|172\.18)' >"$BATS_TEST_TMPDIR/bad" || :
		[ ! -s "$BATS_TEST_TMPDIR/bad" ] || fail "$f: $(cat "$BATS_TEST_TMPDIR/bad")"
	done
	# the guide's own private addresses appear only in the README's map
	run grep -lE '\b(192\.168|10\.[0-9]+|172\.18)\.[0-9]' "$FRR"/ospf.conf "$FRR"/bgp.conf
	assert_output ''
}
