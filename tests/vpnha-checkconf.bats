#!/usr/bin/env bats
# The vpnha.conf reader (lib/conf.c), seen through vpnha-checkconf(8).

load helper
load conf-rules

# conf STATEMENT...: the file, which only its owner may read
conf() {
	printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/vpnha.conf"
	chmod 600 "$BATS_TEST_TMPDIR/vpnha.conf"
}

check() {
	run vpnha-checkconf -f "$BATS_TEST_TMPDIR/vpnha.conf"
}

@test "the guide's VRRP statements, pasted as they are" {
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 99 rfc3768-compatibility true' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 101 rfc3768-compatibility true' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.33/24' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 101 virtual-address 198.51.100.33/24' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 99 preempt true' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 101 preempt true' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 99 priority 250' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 101 priority 250' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 99 sync-group ACM' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 101 sync-group ACM' \
	     'commit'
	check
	assert_success
	assert_output "set interfaces ethernet eth0 vrrp vrrp-group 99 rfc3768-compatibility true
set interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.33/24
set interfaces ethernet eth0 vrrp vrrp-group 99 preempt true
set interfaces ethernet eth0 vrrp vrrp-group 99 priority 250
set interfaces ethernet eth0 vrrp vrrp-group 99 sync-group ACM
set interfaces ethernet eth1 vrrp vrrp-group 101 rfc3768-compatibility true
set interfaces ethernet eth1 vrrp vrrp-group 101 virtual-address 198.51.100.33/24
set interfaces ethernet eth1 vrrp vrrp-group 101 preempt true
set interfaces ethernet eth1 vrrp vrrp-group 101 priority 250
set interfaces ethernet eth1 vrrp vrrp-group 101 sync-group ACM"
}

@test "the guide's 2-ACM DDNS example; the secret is never printed" {
	conf 'set service ipsec-ddns self 10.1.65.1' \
	     'set service ipsec-ddns peer 10.1.65.2' \
	     'set service ipsec-ddns secret mysecretpassword' \
	     'set service ipsec-ddns domain example.org' \
	     'set service ipsec-ddns enable' \
	     'commit'
	check
	assert_success
	assert_line 'set service ipsec-ddns self 10.1.65.1'
	assert_line 'set service ipsec-ddns enable'
	assert_line 'set service ipsec-ddns secret "(hidden)"'
	refute_output --partial mysecretpassword
}

@test "the guide's forced failover: a later priority replaces the earlier" {
	conf 'set interfaces ethernet eth1 vrrp vrrp-group 99 virtual-address 192.0.2.99/24' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 99 priority 150' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 99 priority 200' \
	     'commit' 'save'
	check
	assert_success
	assert_output 'set interfaces ethernet eth1 vrrp vrrp-group 99 virtual-address 192.0.2.99/24
set interfaces ethernet eth1 vrrp vrrp-group 99 priority 200'
}

@test "set is optional; comments, blank lines, CRLF and quotes" {
	printf '%s\r\n' '# a comment' '' \
	    '  service ipsec-ddns secret "two words \"quoted\""   # trailing' \
	    'set service ipsec-ddns self acm1.example.org' >"$BATS_TEST_TMPDIR/vpnha.conf"
	chmod 600 "$BATS_TEST_TMPDIR/vpnha.conf"
	check
	assert_success
	assert_line 'set service ipsec-ddns self acm1.example.org'
	run vpnha-checkconf -q -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	assert_output ''
}

@test "delete removes a value, a flag, a leaf or a subtree; deleting nothing is harmless" {
	conf 'set service ipsec-ddns peer 10.1.65.2' \
	     'set service ipsec-ddns peer 10.1.65.3' \
	     'set service ipsec-ddns enable' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 1 priority 100' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 1 preempt false' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 2 priority 100' \
	     'delete service ipsec-ddns peer 10.1.65.2' \
	     'delete service ipsec-ddns enable' \
	     'delete interfaces ethernet eth0 vrrp vrrp-group 1 priority' \
	     'delete interfaces ethernet eth1' \
	     'delete service ipsec-ddns peer 10.1.65.9' \
	     'delete service ipsec-ddns domain'
	check
	assert_success
	assert_output 'set service ipsec-ddns peer 10.1.65.3
set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24
set interfaces ethernet eth0 vrrp vrrp-group 1 preempt false'
}

@test "deleting a group's only tag leaves no bare keyword; the output reads back the same" {
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 99 priority 250' \
	     'delete interfaces ethernet eth0 vrrp vrrp-group 99' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 7 virtual-address 192.0.2.7/24' \
	     'set interfaces ethernet eth1 vrrp vrrp-group 8 priority 100' \
	     'delete interfaces ethernet eth1 vrrp vrrp-group 8'
	check
	assert_success
	refute_output --partial 'vrrp-group 99'
	refute_line --regexp 'vrrp-group$'
	# a tag whose last setting is deleted stays, by its name (and a
	# group without an address is refused by name)
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 99 priority 250' \
	     'delete interfaces ethernet eth0 vrrp vrrp-group 99 priority'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: vrrp-group 99 on eth0 has no virtual-address'
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.99/24' \
	     'delete interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.99/24' \
	     'set interfaces ethernet eth1 vrrp'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: vrrp-group 99 on eth0 has no virtual-address'
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.99/24' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 99 priority 250' \
	     'delete interfaces ethernet eth0 vrrp vrrp-group 99 priority'
	check
	assert_success
	assert_output 'set interfaces ethernet eth0 vrrp vrrp-group 99 virtual-address 192.0.2.99/24'
	echo "$output" >"$BATS_TEST_TMPDIR/again.conf"
	run vpnha-checkconf -f "$BATS_TEST_TMPDIR/again.conf"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/again.conf")"
}

@test "values are written in canonical form" {
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 007 virtual-address 2001:DB8:0::5' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 7 virtual-address 2001:db8::0:6' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 8 virtual-address 192.0.2.5' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 7 advertise-interval 0.050' \
	     'set service ipsec-ddns domain VPN.Example.ORG.'
	check
	assert_success
	assert_output 'set interfaces ethernet eth0 vrrp vrrp-group 7 virtual-address 2001:db8::5/128
set interfaces ethernet eth0 vrrp vrrp-group 7 virtual-address 2001:db8::6/128
set interfaces ethernet eth0 vrrp vrrp-group 7 advertise-interval 0.05
set interfaces ethernet eth0 vrrp vrrp-group 8 virtual-address 192.0.2.5/32
set service ipsec-ddns domain vpn.example.org'
}

@test "an unknown statement names file:line and the word" {
	conf '# line 1' 'set service ipsec-ddns self 10.1.65.1' 'set servce ipsec-ddns enable'
	check
	assert_failure 100
	assert_output --partial "vpnha.conf:3: unknown word \"servce\""
	assert_output --partial "interfaces, vrrp, service"
}

@test "an unknown word deep in a statement names it and what was expected" {
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 99 prioirty 250'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: unknown word "prioirty" after "vrrp-group 99"'
	assert_output --partial 'priority'
}

@test "bad quotes are errors with file:line" {
	conf 'set service ipsec-ddns domain example.org' 'set service ipsec-ddns secret "unterminated'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:2: unterminated quote'
	conf 'set service ipsec-ddns secret ab"cdefghij'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: stray quote'
	conf 'set service ipsec-ddns secret "abcdefghij"x'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: text right after a closing quote'
}

@test "bad values name the statement and the value" {
	for bad in 'vrrp-group 0' 'vrrp-group 256' 'vrrp-group 1 priority 0' \
	    'vrrp-group 1 priority 256' 'vrrp-group 1 priority -5' \
	    'vrrp-group 1 priority 1e2' 'vrrp-group 1 preempt yes' \
	    'vrrp-group 1 virtual-address 192.0.2.300/24' \
	    'vrrp-group 1 virtual-address 192.0.2.3/33' 'vrrp-group 1 version 4' \
	    'vrrp-group 1 advertise-interval 0.001'; do
		conf "set interfaces ethernet eth0 vrrp $bad"
		check
		assert_failure 100
		assert_output --partial 'vpnha.conf:1: '
		assert_output --partial "\"${bad##* }\""
	done
}

@test "interface names follow the kernel's rules" {
	conf 'set interfaces ethernet eth0.100 vrrp' 'set interfaces ethernet br-lan_2 vrrp'
	check
	assert_success
	for bad in 'a/b' 'eth0:1' 'abcdefghijklmnop' '..'; do
		conf "set interfaces ethernet $bad vrrp"
		check
		assert_failure 100
		assert_output --partial 'is not a valid interface name'
	done
}

@test "the guide's rules for ipsec-ddns values" {
	conf 'set service ipsec-ddns secret short'
	check
	assert_failure 100
	assert_output --partial 'secret: must be at least 8 characters'
	conf 'set service ipsec-ddns domain "not a domain"'
	check
	assert_failure 100
	assert_output --partial 'is not a valid domain name'
	conf 'set service ipsec-ddns peer 300.1.2.3'
	check
	assert_failure 100
	assert_output --partial 'is not an address or a domain name'
}

@test "missing and extra words" {
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 1 priority'
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: priority: missing value'
	conf 'set service ipsec-ddns enable yes'
	check
	assert_failure 100
	assert_output --partial 'unexpected "yes" after enable'
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 1 priority 5 6'
	check
	assert_failure 100
	assert_output --partial 'unexpected "6"'
	conf 'set'
	check
	assert_failure 100
	assert_output --partial 'set: missing statement'
	conf 'commit now'
	check
	assert_failure 100
}

@test "an operational command in the file is named as such" {
	conf 'show interfaces ethernet eth0 vrrp'
	check
	assert_failure 100
	assert_output --partial '"show" is an operational command'
}

@test "binary garbage, NUL bytes and over-long lines are errors, not crashes" {
	printf 'set service ipsec-ddns\0 enable\n' >"$BATS_TEST_TMPDIR/vpnha.conf"
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:1: NUL byte'
	{ echo '# ok'; head -c 5000 /dev/zero | tr '\0' a; echo; } >"$BATS_TEST_TMPDIR/vpnha.conf"
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:2: line longer than 4096 bytes'
	head -c 4096 /dev/urandom >"$BATS_TEST_TMPDIR/vpnha.conf"
	check
	assert_failure 100
	assert_output --partial 'vpnha.conf:'
}

@test "a missing file is a configuration error (100); usage errors too" {
	run vpnha-checkconf -f "$BATS_TEST_TMPDIR/nonexistent"
	assert_failure 100
	assert_output --partial 'nonexistent: unable to open: No such file or directory'
	run vpnha-checkconf -x
	assert_failure 100
	assert_line 'usage: vpnha-checkconf [-q] [-f CONF]'
	run vpnha-checkconf extra
	assert_failure 100
}

@test "canonical output reads back to itself" {
	cp "$VPNHA_TOP/tests/fuzz/conf/pair.conf" "$BATS_TEST_TMPDIR/vpnha.conf"
	chmod 600 "$BATS_TEST_TMPDIR/vpnha.conf"
	check
	assert_success
	printf '%s\n' "$output" | sed 's/"(hidden)"/"another secret"/' >"$BATS_TEST_TMPDIR/again.conf"
	chmod 600 "$BATS_TEST_TMPDIR/again.conf"
	run vpnha-checkconf -f "$BATS_TEST_TMPDIR/again.conf"
	assert_success
	first=$output
	cp "$BATS_TEST_TMPDIR/again.conf" "$BATS_TEST_TMPDIR/vpnha.conf"
	check
	assert_output "$first"
}

@test "every example in etc/ is a valid configuration" {
	for f in "$VPNHA_TOP"/etc/*.conf; do
		run vpnha-checkconf -q -f "$f"
		assert_success
	done
}

@test "what the daemons refuse is refused: a vrrp-group without virtual-address, a peer listed twice" {
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 1 priority 100'
	check
	assert_failure 100
	assert_output "vpnha-checkconf: fatal: $BATS_TEST_TMPDIR/vpnha.conf:1: vrrp-group 1 on eth0 has no virtual-address"
	conf 'set service ipsec-ddns peer 192.0.2.12' 'set service ipsec-ddns peer 192.0.2.13' \
	     'set service ipsec-ddns peer 192.0.2.12'
	check
	assert_failure 100
	assert_output "vpnha-checkconf: fatal: $BATS_TEST_TMPDIR/vpnha.conf:3: peer 192.0.2.12 is listed twice (also at line 1)"
}

# one_rule MESSAGE STATEMENT...: the file refused with MESSAGE
one_rule() {
	local f=$BATS_TEST_TMPDIR/vpnha.conf msg=$1
	shift
	rules_write "$f" "$@"
	run vpnha-checkconf -q -f "$f"
	[ "$status" -eq 100 ] || fail "exit $status, not 100, for: $msg"
	[ "$output" = "vpnha-checkconf: fatal: ${msg//FILE/$f}" ] ||
	    fail "for \"$*\": \"$output\", not \"${msg//FILE/$f}\""
}

@test "every rule across statements: exit 100, the message naming file:line" {
	f=$BATS_TEST_TMPDIR/vpnha.conf
	rules_write "$f"
	run vpnha-checkconf -q -f "$f"
	assert_success
	assert_output ''
	rules_each one_rule
}

@test "a peer deleted then set again is no duplicate; a value set twice elsewhere is one" {
	conf 'set service ipsec-ddns peer 192.0.2.12' 'delete service ipsec-ddns peer 192.0.2.12' \
	     'set service ipsec-ddns peer 192.0.2.12' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24'
	check
	assert_success
	assert_output 'set service ipsec-ddns peer 192.0.2.12
set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24'
}

@test "the guide's forced failover pasted with its prompt: a warning for each line, file:line; exit status unchanged" {
	# chapter 2, "Forcing an Artificial Failover", as printed
	conf 'set interfaces ethernet eth1 vrrp vrrp-group 99 virtual-address 192.0.2.99/24' \
	     '#set interfaces ethernet eth1 vrrp vrrp-group 99 priority 200' \
	     '#set interfaces ethernet eth0 vrrp vrrp-group 1 priority 200' \
	     '#commit' \
	     '#save'
	run --separate-stderr vpnha-checkconf -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	assert_output 'set interfaces ethernet eth1 vrrp vrrp-group 99 virtual-address 192.0.2.99/24'
	f=$BATS_TEST_TMPDIR/vpnha.conf
	w='is a comment, but without its "#" it is a statement: not applied (remove the "#" to apply it)'
	[ "$stderr" = "vpnha-checkconf: warning: $f:2: $w
vpnha-checkconf: warning: $f:3: $w
vpnha-checkconf: warning: $f:4: $w
vpnha-checkconf: warning: $f:5: $w" ] || fail "stderr: $stderr"
	# -q too; and a bad file still fails as before
	run vpnha-checkconf -q -f "$f"
	assert_success
	assert_line --index 0 "vpnha-checkconf: warning: $f:2: $w"
	echo 'set interfaces ethernet eth1 vrrp vrrp-group 99 prioritty 5' >>"$f"
	run vpnha-checkconf -q -f "$f"
	assert_failure 100
	assert_output --partial "$f:6: unknown word \"prioritty\""
}

@test "comments that are not statements are not warned about" {
	conf '# set' '#' '# a comment' '#set interfaces ethernet eth0 vrrp vrrp-group 1 priority 300' \
	     '## set interfaces ethernet eth0 vrrp' '#show vrrp' '#commit now' '#!/bin/sh' \
	     'set interfaces ethernet eth0 vrrp # set interfaces ethernet eth1 vrrp'
	run --separate-stderr vpnha-checkconf -q -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	[ -z "$stderr" ] || fail "stderr: $stderr"
	# with spaces and tabs after the "#", and "delete": warned
	printf '%s\n' '#   delete interfaces ethernet eth0' "#	service ipsec-ddns enable" \
	    '  # set service ipsec-ddns enable' >"$BATS_TEST_TMPDIR/vpnha.conf"
	run vpnha-checkconf -q -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	assert_line --index 0 --partial 'vpnha.conf:1: is a comment, but'
	assert_line --index 1 --partial 'vpnha.conf:2: is a comment, but'
	assert_line --index 2 --partial 'vpnha.conf:3: is a comment, but'
}

@test "a file that holds a secret and that others may read: a warning; exit status unchanged" {
	f=$BATS_TEST_TMPDIR/vpnha.conf
	conf 'set service ipsec-ddns secret mysecretpassword'
	chmod 644 "$f"
	run vpnha-checkconf -q -f "$f"
	assert_success
	assert_output "vpnha-checkconf: warning: $f: others may read it, and it holds a secret: chmod o-r $f"
	chmod 640 "$f"
	run vpnha-checkconf -q -f "$f"
	assert_success
	assert_output ''
	# no secret, nothing to hide
	conf 'set service ipsec-ddns domain example.org'
	chmod 644 "$f"
	run vpnha-checkconf -q -f "$f"
	assert_success
	assert_output ''
	# a VRRP password is a secret too
	conf 'set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.1/24' \
	     'set interfaces ethernet eth0 vrrp vrrp-group 1 authentication password secret1'
	chmod 604 "$f"
	run vpnha-checkconf -q -f "$f"
	assert_success
	assert_output --partial 'others may read it, and it holds a secret'
}

@test "ddns-named as a primary: secondary, tsig-key, notify-delay, contact and the SOA timers, printed back; the key's secret hidden" {
	k='MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI='
	conf 'set service ipsec-ddns domain vpn.example.org' \
	     "set service ipsec-ddns tsig-key K1.Example. secret $k" \
	     'set service ipsec-ddns secondary 192.0.2.53 tsig-key k1.example.' \
	     'set service ipsec-ddns secondary 2001:DB8::0:53' \
	     'set service ipsec-ddns notify-delay 0.50' \
	     'set service ipsec-ddns contact first.last@example.org' \
	     'set service ipsec-ddns refresh 07200' \
	     'set service ipsec-ddns retry 900' \
	     'set service ipsec-ddns expire 2419200'
	check
	assert_success
	assert_output 'set service ipsec-ddns domain vpn.example.org
set service ipsec-ddns tsig-key k1.example secret "(hidden)"
set service ipsec-ddns secondary 192.0.2.53 tsig-key k1.example
set service ipsec-ddns secondary 2001:db8::53
set service ipsec-ddns notify-delay 0.5
set service ipsec-ddns contact first.last@example.org
set service ipsec-ddns refresh 7200
set service ipsec-ddns retry 900
set service ipsec-ddns expire 2419200'
	refute_output --partial "$k"
	# a key's secret makes the file one others must not read
	chmod 644 "$BATS_TEST_TMPDIR/vpnha.conf"
	run vpnha-checkconf -q -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	assert_output --partial 'others may read it, and it holds a secret'
	# the contact as an RNAME already, the limits of each range
	conf 'set service ipsec-ddns contact hostmaster.example.org' \
	     'set service ipsec-ddns notify-delay 0' \
	     'set service ipsec-ddns refresh 2419200' \
	     'set service ipsec-ddns retry 60' \
	     'set service ipsec-ddns expire 14515200'
	run vpnha-checkconf -q -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	assert_output ''
	conf 'set service ipsec-ddns notify-delay 60' 'set service ipsec-ddns refresh 120' \
	     'set service ipsec-ddns retry 60' 'set service ipsec-ddns expire 3600' \
	     'set service ipsec-ddns contact first\.last.example.org'
	run vpnha-checkconf -f "$BATS_TEST_TMPDIR/vpnha.conf"
	assert_success
	assert_line 'set service ipsec-ddns contact "first\\.last.example.org"'
}

@test "ddns-named as a primary: each bad value names file:line, the statement and the value" {
	dd='set service ipsec-ddns'
	while IFS='|' read -r stmt msg; do
		conf '# line 1' "$dd $stmt"
		check
		assert_failure 100
		[ "$output" = "vpnha-checkconf: fatal: $BATS_TEST_TMPDIR/vpnha.conf:2: $msg" ] ||
		    fail "$stmt: $output"
	done <<-'EOF'
	refresh 59|refresh: "59" is out of range (60..2419200)
	refresh 2419201|refresh: "2419201" is out of range (60..2419200)
	retry 59|retry: "59" is out of range (60..1209600)
	retry 1209601|retry: "1209601" is out of range (60..1209600)
	expire 3599|expire: "3599" is out of range (3600..14515200)
	expire 14515201|expire: "14515201" is out of range (3600..14515200)
	refresh 1h|refresh: "1h" is not a decimal number
	notify-delay 60.01|notify-delay: "60.01" is out of range (0..60)
	notify-delay 0.001|notify-delay: "0.001" has more than 2 decimal places
	notify-delay -1|notify-delay: "-1" is not a decimal number
	secondary 192.0.2.300|secondary: "192.0.2.300" is not an IPv4 or IPv6 address
	secondary ns.example.net|secondary: "ns.example.net" is not an IPv4 or IPv6 address
	secondary 192.0.2.53 tsig-key a..b|tsig-key: "a..b" is not a valid domain name
	secondary 192.0.2.53 tsig-key|tsig-key: missing value
	tsig-key a..b secret MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=|tsig-key: "a..b" is not a valid domain name
	tsig-key k1.example secret|secret: missing value
	tsig-key k1.example algorithm hmac-sha1|unknown word "algorithm" after "tsig-key k1.example"; expected one of: secret
	contact "a b@example.org"|contact: "a b@example.org" has a control character or a space
	EOF
}
