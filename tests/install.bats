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
