#!/usr/bin/env bats
# Inside a program, calls go one way (DESIGN.md, Layout): a lower layer
# reports up only through callbacks the upper one registered, so no two
# files call each other by name, directly or around a cycle.  The graph is
# GCC's own (-fcallgraph-info), read by tests/callgraph.

load helper

@test "tests/callgraph -c finds a cycle between files, and names it" {
	d=$BATS_TEST_TMPDIR/prog
	mkdir "$d"
	printf 'void b(void);\nvoid a(int n) { if (n) b(); }\n' >"$d/a.c"
	printf 'void a(int);\nvoid c(void);\nvoid b(void) { c(); }\n' >"$d/b.c"
	printf 'void a(int);\nvoid c(void) { a(0); }\n' >"$d/c.c"
	run "$VPNHA_TOP/tests/callgraph" -c "$d"
	assert_failure 1
	assert_output 'cycle: a.c, b.c, c.c: a.c -> b.c (b); b.c -> c.c (c); c.c -> a.c (a)'
	printf 'void c(void) { }\n' >"$d/c.c"
	run "$VPNHA_TOP/tests/callgraph" -c "$d"
	assert_success
	assert_output ''
	run "$VPNHA_TOP/tests/callgraph" "$d"
	assert_success
	assert_output $'a.c -> b.c (1: b)\nb.c -> c.c (1: c)'
}

@test "ddns-syncd: no cycle between its files" {
	run "$VPNHA_TOP/tests/callgraph" -c "$VPNHA_TOP/bin/ddns-syncd"
	assert_success
	assert_output ''
}

@test "vrrpd: no cycle between its files" {
	run "$VPNHA_TOP/tests/callgraph" -c "$VPNHA_TOP/bin/vrrpd"
	assert_success
	assert_output ''
}

@test "ddns-named: no cycle between its files" {
	run "$VPNHA_TOP/tests/callgraph" -c "$VPNHA_TOP/bin/ddns-named"
	assert_success
	assert_output ''
}
