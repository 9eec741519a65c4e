#!/usr/bin/env bats
# What a node's journal (RUNDIR/ddns/journal, ddns-syncd(8) "What the
# cluster promises") keeps, in the lab (tests/lab/): every change answered
# `ok` is in it before the `ok`, whoever published the record; a node
# killed and started again brings back what it acknowledged; a record of
# its own it no longer holds is withdrawn without beating anything newer;
# a full disk loses nothing acknowledged; a bad line or a stamp from the
# far future is cut out, not spread.  h1 is 192.0.2.11, h2 .12, ...;
# heartbeats of 0.2 s.

load helper
load lab/lab
load ddns-lab

SECRET=mysecretpassword
DOMAIN=vpn.example.org

setup() {
	ddns_lab_setup
	MOUNTED=
}

teardown() {
	local rc=0
	ddns_lab_teardown || rc=$?
	# once the daemons that held files there are gone
	[ -z "$MOUNTED" ] || umount "$MOUNTED" || umount -l "$MOUNTED"
	return "$rc"
}

# journal I: node I's journal
journal() {
	cat "$D/h$1.run/ddns/journal"
}

# status I KEY=VALUE: node I's status has that line
status_is() {
	ctl "$1" status | grep -qx "$2"
}

# stamp SECONDS: an HLC stamp that many seconds from now (decimal, as the
# journal writes it)
stamp() {
	local ms
	ms=$(date +%s%3N)
	echo $(((ms + $1 * 1000) << 16))
}

@test "an acknowledged down of another node's record, on a node cut off and then killed, is not lost" {
	cluster 2
	ctl 1 up gw 192.0.2.41 >/dev/null
	lab_wait 2 has 2 gw 192.0.2.41
	lab_link h2 eth0 down
	lab_wait 3 member 2 1 down
	run ctl 2 down gw
	assert_success
	assert_output 'down gw'
	stop 2 KILL
	lab_link h2 eth0 up
	start 2
	lab_wait 5 member 1 2 up
	lab_wait 5 lacks 1 gw
	lab_wait 5 same 1 2
	lacks 2 gw
	# the withdrawal, journaled with its stamp
	grep -q '^- [0-9]* gw$' "$D/h2.run/ddns/journal" || fail "$(journal 2)"
}

@test "a node killed and restarted withdraws a stale record of its own with that record's stamp: a newer publication elsewhere stays" {
	cluster 3
	lab_wait 5 member 1 3 up
	lab_wait 5 member 2 3 up
	ctl 3 up gw 192.0.2.31 >/dev/null
	lab_wait 2 has 1 gw 192.0.2.31
	lab_wait 2 has 2 gw 192.0.2.31
	# h2 is cut off: it keeps h3's record
	lab_link h2 eth0 down
	lab_wait 3 member 1 2 down
	lab_wait 3 member 3 2 down
	# the gateway moves to h1: acknowledged, and h3 learns it
	ctl 1 up gw 192.0.2.32 >/dev/null
	lab_wait 2 has 3 gw 192.0.2.32
	stop 3 KILL
	# h3 starts again and meets only h2, which still holds h3's old record
	lab_link h1 eth0 down
	lab_link h2 eth0 up
	start 3
	lab_wait 5 grep -q 'gw: a record of ours we no longer hold; withdrawn' "$D/h3.log"
	lab_wait 3 lacks 2 gw
	lab_link h1 eth0 up
	# dials to a node cut off back off up to 10 s, and a dial that got
	# no answer gives up after 5 s
	lab_wait 30 member 1 2 up
	lab_wait 30 member 1 3 up
	lab_wait 10 same 1 2 3
	has 1 gw 192.0.2.32
	has 2 gw 192.0.2.32
	has 3 gw 192.0.2.32
}

@test "a journal line whose label the wire refuses is skipped and logged; replication goes on, the session stays up" {
	lab_up 2
	conf 1 2
	conf 2 2
	mkdir -p "$D/h1.run/ddns"
	s=$(stamp -10)
	{
		echo "+ $s good1 192.0.2.51"
		echo "+ $((s + 1)) bad_label 192.0.2.52"
		echo "+ $((s + 2)) -lead 192.0.2.53"
		echo "+ $((s + 3)) good2 192.0.2.54"
	} >"$D/h1.run/ddns/journal"
	start 1
	grep -q "journal:2: \"bad_label\" is not a gateway label (letters, digits and inner hyphens, 1 to 63); skipped" "$D/h1.log"
	grep -q "journal:3: \"-lead\" is not a gateway label" "$D/h1.log"
	run ctl 1 records
	assert_line --regexp '^good1 192\.0\.2\.51 '
	assert_line --regexp '^good2 192\.0\.2\.54 '
	[ "${#lines[@]}" -eq 2 ]
	# rewritten without them
	run journal 1
	refute_output --partial bad_label
	refute_output --partial -lead
	start 2
	lab_wait 5 has 2 good2 192.0.2.54
	has 2 good1 192.0.2.51
	lab_wait 3 member 1 2 up
	ctl 1 up later 192.0.2.55 >/dev/null
	lab_wait 2 has 2 later 192.0.2.55
	run grep -c 'peer 192.0.2.12: up' "$D/h1.log"
	assert_output 1
	run grep -c 'malformed' "$D/h2.log"
	assert_output 0
}

@test "a stamp from the far future in the journal is cut to 60 s ahead and logged; the node's later records are not refused" {
	lab_up 2
	conf 1 2
	conf 2 2
	mkdir -p "$D/h1.run/ddns"
	echo "+ $(stamp 86400) old 192.0.2.61" >"$D/h1.run/ddns/journal"
	start 1
	grep -Eq 'journal:1: old: stamped 86(39[0-9]|400) s ahead of the clock; cut to 60 s ahead' "$D/h1.log"
	# the clock of h1 is at most 60 s ahead (and a second of margin)
	hlc=$(ctl 1 status | sed -n 's/^hlc=\([0-9]*\)\..*/\1/p')
	[ "$hlc" -le $(($(date +%s%3N) + 61000)) ] || fail "hlc $hlc"
	start 2
	lab_wait 5 has 2 old 192.0.2.61
	ctl 1 up new 192.0.2.62 >/dev/null
	lab_wait 3 has 2 new 192.0.2.62
	run grep -c 'ahead of our clock' "$D/h2.log"
	assert_output 0
}

# fill DIR: every free page of the file system of DIR taken
fill() {
	dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null || :
	[ "$(df --output=avail "$1" | tail -n 1)" -eq 0 ]
}

# pad J TARGET: `up` on node 1 of labels made to length, until journal J
# is TARGET bytes long; C is the length of a line less its label
pad() {
	local j=$1 target=$2 left l k=0
	while :; do
		left=$((target - $(stat -c %s "$j")))
		if [ "$left" -le $((C + 63)) ]; then
			l=$((left - C))
		elif [ $((left - C - 63)) -ge $((C + 3)) ]; then
			l=63
		else
			l=$((left - 2 * C - 3))
		fi
		[ "$l" -ge 3 ] || fail "pad: $left bytes left"
		k=$((k + 1))
		ctl 1 up "$(printf 'p%0*d' $((l - 1)) "$k")" 192.0.2.1 >/dev/null
		[ "$l" -ne $((left - C)) ] || break
	done
	[ "$(stat -c %s "$j")" -eq "$target" ]
}

@test "a full disk: up answers ok, status says journal=failing once, no line is cut; once space returns the journal is whole again" {
	lab_up 1
	# a tmpfs of 8 pages for h1's run directory
	mkdir -p "$D/h1.run"
	mount -t tmpfs -o size=32k,mode=0755 tmpfs "$D/h1.run"
	MOUNTED=$D/h1.run
	conf 1 1
	start 1
	j=$D/h1.run/ddns/journal
	ctl 1 up abc 192.0.2.1 >/dev/null
	C=$(($(stat -c %s "$j") - 3))
	# the journal ends 10 bytes before the end of its first page, and
	# every other page is taken: the next line is cut after 10 bytes
	pad "$j" 4086
	fill "$D/h1.run"
	run ctl 1 up a-gateway-whose-line-crosses-the-page 192.0.2.2
	assert_success
	assert_output 'up a-gateway-whose-line-crosses-the-page 192.0.2.2'
	status_is 1 journal=failing
	run ctl 1 status
	assert_line --regexp "^journal_error=unable to (append to|write) $j: No space left on device$"
	# the cut line is gone: the journal ends on a whole line
	[ "$(stat -c %s "$j")" -eq 4086 ]
	[ "$(tail -c 1 "$j" | od -An -c | tr -d ' ')" = '\n' ]
	run ctl 1 down abc
	assert_success
	run ctl 1 up second 192.0.2.3
	assert_success
	run grep -c 'journal' "$D/h1.log"
	assert_output 1
	grep -q "warning: unable to append to $j: No space left on device; records are published but not journaled until it can be written" "$D/h1.log"
	# space returns
	rm "$D/h1.run/fill"
	lab_wait 5 status_is 1 journal=ok
	run ctl 1 status
	refute_line --partial journal_error
	grep -q "journal $j written whole again" "$D/h1.log"
	ctl 1 up third 192.0.2.4 >/dev/null
	# every acknowledged change survives a SIGKILL
	stop 1 KILL
	start 1
	run ctl 1 records
	assert_line --regexp '^a-gateway-whose-line-crosses-the-page 192\.0\.2\.2 '
	assert_line --regexp '^second 192\.0\.2\.3 '
	assert_line --regexp '^third 192\.0\.2\.4 '
	refute_line --regexp '^abc '
	run grep -c 'not a journal line' "$D/h1.log"
	assert_output 0
}

@test "a full disk at start: the journal's rewrite fails, is retried, and succeeds once space returns" {
	lab_up 1
	mkdir -p "$D/h1.run"
	mount -t tmpfs -o size=32k,mode=0755 tmpfs "$D/h1.run"
	MOUNTED=$D/h1.run
	conf 1 1
	start 1
	ctl 1 up kept 192.0.2.5 >/dev/null
	stop 1
	fill "$D/h1.run"
	start 1
	j=$D/h1.run/ddns/journal
	status_is 1 journal=failing
	run ctl 1 status
	assert_line "journal_error=unable to write $j: No space left on device"
	run ctl 1 up added 192.0.2.6
	assert_success
	rm "$D/h1.run/fill"
	lab_wait 5 status_is 1 journal=ok
	stop 1 KILL
	start 1
	run ctl 1 records
	assert_line --regexp '^kept 192\.0\.2\.5 '
	assert_line --regexp '^added 192\.0\.2\.6 '
}

@test "a journal that is a symbolic link is refused with one clear line, not followed: nothing read from it, nothing written through it" {
	lab_up 1
	conf 1 1
	mkdir -p "$D/h1.run/ddns"
	echo "+ $(stamp -10) elsewhere 192.0.2.71" >"$D/target"
	cp "$D/target" "$D/target.orig"
	ln -s "$D/target" "$D/h1.run/ddns/journal"
	start 1
	j=$D/h1.run/ddns/journal
	run grep -c "journal" "$D/h1.log"
	assert_output 1
	grep -q "warning: $j: a symbolic link; refused, not followed (the journal is written anew in its place)" "$D/h1.log"
	run ctl 1 records
	assert_success
	assert_output ''
	ctl 1 up here 192.0.2.72 >/dev/null
	# the link is gone, a file of this node's own records in its place
	[ ! -L "$j" ] && [ -f "$j" ] || fail "$(ls -l "$j")"
	grep -q '^+ [0-9]* here 192\.0\.2\.72$' "$j" || fail "$(journal 1)"
	cmp "$D/target" "$D/target.orig"
}

@test "a journal that is a FIFO is refused, not read: the daemon does not hang on it" {
	lab_up 1
	conf 1 1
	mkdir -p "$D/h1.run/ddns"
	mkfifo "$D/h1.run/ddns/journal"
	start 1
	j=$D/h1.run/ddns/journal
	grep -q "warning: $j: not a regular file; refused (the journal is written anew in its place)" "$D/h1.log"
	ctl 1 up here 192.0.2.73 >/dev/null
	[ -f "$j" ] && [ ! -p "$j" ] || fail "$(ls -l "$j")"
	grep -q '^+ [0-9]* here 192\.0\.2\.73$' "$j" || fail "$(journal 1)"
}
