#!/usr/bin/env bats
# make install PREFIX= DESTDIR= puts programs and pages where they belong.

load helper

@test "make install: section 1 programs in bin, section 8 in sbin, every page" {
	root=$BATS_TEST_TMPDIR/root
	run make -s -C "$VPNHA_TOP" install PREFIX=/usr DESTDIR="$root"
	assert_success
	for p in "$VPNHA_TOP"/man/*.1; do
		n=$(basename "$p" .1)
		[ -x "$root/usr/bin/$n" ] || fail "usr/bin/$n missing"
		[ -f "$root/usr/share/man/man1/$n.1" ] || fail "man1/$n.1 missing"
	done
	for p in "$VPNHA_TOP"/man/*.8; do
		n=$(basename "$p" .8)
		[ -x "$root/usr/sbin/$n" ] || fail "usr/sbin/$n missing"
		[ -f "$root/usr/share/man/man8/$n.8" ] || fail "man8/$n.8 missing"
	done
	[ -f "$root/usr/share/man/man5/vpnha.conf.5" ]
	run "$root/usr/bin/gwid-sanitize" 'gw.1/a'
	assert_output 'gw-1-a'
}

@test "make install: the service directories and the glue in share/vpnha, runnable" {
	root=$BATS_TEST_TMPDIR/root
	run make -s -C "$VPNHA_TOP" install PREFIX=/usr DESTDIR="$root"
	assert_success
	d=$root/usr/share/vpnha
	[ -f "$d/README" ] || fail "share/vpnha/README missing"
	for n in vrrpd ddns-syncd ddns-named; do
		for s in runit s6; do
			[ -x "$d/$s/$n/run" ] || fail "$s/$n/run missing or not executable"
			[ -x "$d/$s/$n/log/run" ] || fail "$s/$n/log/run missing or not executable"
		done
		[ "$(cat "$d/s6/$n/notification-fd")" = 3 ] || fail "s6/$n/notification-fd"
	done
	[ -x "$d/strongswan/updown" ] || fail "strongswan/updown missing or not executable"
	[ -f "$d/frr/ospf.conf" ] && [ -f "$d/frr/bgp.conf" ] || fail "frr files missing"
	[ -f "$d/prometheus/vpnha.rules.yml" ] && [ -f "$d/prometheus/vpnha.rules.test.yml" ] ||
	    fail "prometheus files missing"
}
