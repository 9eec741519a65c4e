#!/usr/bin/env bats
# gwid-sanitize(1): the guide's chapter 4 rules, as a user runs them.

load helper

@test "the guide's examples: special characters, runs of hyphens, ends" {
	run gwid-sanitize 'gw.1/a' 'a..b' '@H100111G1050' 'gw_1 (test)'
	assert_success
	assert_output $'gw-1-a\na-b\nH100111G1050\ngw-1-test'
}

@test "an ID that starts with hyphens is an ID, not an option" {
	run gwid-sanitize '--x--'
	assert_success
	assert_output 'x'
	run gwid-sanitize -- '-y-'
	assert_success
	assert_output 'y'
}

@test "case is kept; hyphens inside stay single" {
	run gwid-sanitize 'MG90-North--Site' 'AbC.dEf'
	assert_success
	assert_output $'MG90-North-Site\nAbC-dEf'
}

@test "each byte of a multi-byte UTF-8 character is another character" {
	run gwid-sanitize 'Zürich' 'über' 'gw€1'
	assert_success
	assert_output $'Z-rich\nber\ngw-1'
}

@test "standard input: one ID per line, LF or CRLF, last line unterminated" {
	run bash -c "printf 'a.b\r\nc d\n@H1' | gwid-sanitize"
	assert_success
	assert_output $'a-b\nc-d\nH1'
}

@test "an empty result is an error naming the line; the others still come out" {
	run --separate-stderr bash -c "printf 'ok1\n---\n\nok2\n' | gwid-sanitize"
	assert_failure 1
	assert_output $'ok1\nok2'
	[[ $stderr == *'line 2: nothing left after sanitizing'* ]]
	[[ $stderr == *'line 3: nothing left after sanitizing'* ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "an empty argument is an error naming the argument" {
	run --separate-stderr gwid-sanitize good '' '!!'
	assert_failure 1
	assert_output 'good'
	[[ $stderr == *'argument 2: nothing left'* ]]
	[[ $stderr == *'argument 3: nothing left'* ]]
}

@test "a label over 63 bytes is an error; -t truncates" {
	long=$(printf 'a%.0s' {1..70})
	run gwid-sanitize "$long"
	assert_failure 1
	assert_output --partial 'argument 1: label longer than 63 bytes'
	run gwid-sanitize -t "$long"
	assert_success
	assert_output "$(printf 'a%.0s' {1..63})"
	# 63 bytes exactly is fine
	run gwid-sanitize "$(printf 'b%.0s' {1..63})"
	assert_success
}

@test "-t re-applies the trailing-hyphen rule after cutting" {
	id="$(printf 'a%.0s' {1..62})..bbbb"
	run gwid-sanitize -t "$id"
	assert_success
	assert_output "$(printf 'a%.0s' {1..62})"
}

@test "-c: the last CN of a certificate subject, in every common form" {
	run gwid-sanitize -c 'C=US, O=Acme, CN=gw 17' '/C=US/O=Acme/CN=gw 17' \
	    'CN=a\,b,O=Acme,C=US' 'CN=first, OU=x, CN=second' 'cn = low case' \
	    'CN=#0c03616263' 'O=Acme\2C Inc.,CN=gw\2B1' 'CN="quoted, value"'
	assert_success
	assert_output $'gw-17\ngw-17\na-b\nsecond\nlow-case\nabc\ngw-1\nquoted-value'
}

@test "-c: a subject without CN is an error for that ID" {
	run gwid-sanitize -c 'C=US, O=Acme' 'CN=ok'
	assert_failure 1
	assert_line --partial 'argument 1: no CN attribute'
	assert_line 'ok'
	run bash -c "printf 'O=x\nCN=y\n' | gwid-sanitize -c"
	assert_failure 1
	assert_line --partial 'line 1: no CN attribute'
	assert_line 'y'
}

@test "-d DOMAIN appends the domain" {
	run gwid-sanitize -d example.org 'gw.1/a'
	assert_success
	assert_output 'gw-1-a.example.org'
	run gwid-sanitize -d example.org. 'x'
	assert_output 'x.example.org'
}

@test "-d: a name over 253 bytes is an error" {
	d=$(printf 'd%.0s' {1..60}).$(printf 'e%.0s' {1..60}).$(printf 'f%.0s' {1..60}).$(printf 'g%.0s' {1..60})
	run gwid-sanitize -d "$d" abc "$(printf 'h%.0s' {1..10})"
	assert_failure 1
	assert_line "abc.$d"
	assert_line --partial 'argument 2: name longer than 253 bytes'
}

@test "-d: a bad domain is a usage error" {
	run gwid-sanitize -d 'bad domain' x
	assert_failure 100
	assert_output --partial '-d bad domain: not a valid domain name'
	run gwid-sanitize -d 'a..b' x
	assert_failure 100
}

@test "a NUL byte is an error for that line only" {
	run bash -c "printf 'a\0b\nc\n' | gwid-sanitize"
	assert_failure 1
	assert_line --partial 'line 1: contains a NUL byte'
	assert_line 'c'
}

@test "an over-long line is an error for that line, never a crash or a cut" {
	run --separate-stderr bash -c "{ echo first; head -c 200000 /dev/zero | tr '\0' x; echo; echo last; } | gwid-sanitize"
	assert_failure 1
	assert_output $'first\nlast'
	[[ $stderr == *'line 2: longer than 65536 bytes'* ]]
}

@test "a 64 KiB line just under the limit is sanitized whole, not cut" {
	run bash -c "head -c 65536 /dev/zero | tr '\0' x | gwid-sanitize -t"
	assert_success
	assert_output "$(printf 'x%.0s' {1..63})"
}

@test "streaming: an answer comes before the next question is asked" {
	coproc GW { exec gwid-sanitize; }
	pid=$GW_PID
	echo 'first.one' >&"${GW[1]}"
	read -r -t 10 a <&"${GW[0]}"
	echo 'second/two' >&"${GW[1]}"
	read -r -t 10 b <&"${GW[0]}"
	eval "exec ${GW[1]}>&-"
	wait "$pid"
	[ "$a" = first-one ]
	[ "$b" = second-two ]
}

@test "usage errors exit 100 with the usage line" {
	run gwid-sanitize -x foo
	assert_failure 100
	assert_output 'usage: gwid-sanitize [-c] [-t] [-d DOMAIN] [ID ...]'
	run gwid-sanitize -d
	assert_failure 100
}

@test "same labels as the guide's rules written as GNU sed, on 5000 random IDs" {
	python3 - >"$BATS_TEST_TMPDIR/ids" <<-'PY'
	import random
	random.seed(7)
	alpha = "abcXYZ019-._/@ :+=,\t" + "ü"
	n = 0
	while n < 5000:
	    s = "".join(random.choice(alpha) for _ in range(random.randint(1, 40)))
	    if any(c.isascii() and c.isalnum() for c in s):
	        print(s)
	        n += 1
	PY
	sed -E 's/[^A-Za-z0-9-]/-/g; s/-{2,}/-/g; s/^-+|-+$//g' "$BATS_TEST_TMPDIR/ids" >"$BATS_TEST_TMPDIR/want"
	gwid-sanitize <"$BATS_TEST_TMPDIR/ids" >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/got")" -eq 5000 ]
}
