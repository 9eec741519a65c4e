#!/usr/bin/env bats
# lb-size: the guide's DNS load-balancing sizing (chapter 3, setup step 1).

load helper

setup() {
	USAGE1='usage: lb-size [-Fs] (-c CIPHER | -m MBPS) -n PEERS -t MBPS [-p PROTECT]'
}

# The value of one of the guide's variables in $output.
var() {
	awk -v n="$1" '$1 == n && NF == 2 { print $2 }' <<<"$output"
}

# Row F of the failure table in $output, blanks squeezed.
row() {
	awk -v f="$1" '$1 == f && $2 ~ /^[0-9]+$/' <<<"$output" | tr -s ' '
}

# The random-placement line for F failed appliances.
randline() {
	grep -E "^$1 failed, [0-9]+ active: " <<<"$output"
}

# For each N:K argument, the smallest m with k * P(Bin(n, 1/k) > m) <= 1/100,
# in exact integers: k^n P(X > m) = sum_{j>m} C(n,j) (k-1)^(n-j).
exact_busiest() {
	python3 - "$@" <<'EOF'
import sys
from math import comb
def busiest(n, k):
    if k == 1:
        return n
    tot, tail, m = k ** n, 0, n
    while m > 0:
        t = tail + comb(n, m) * (k - 1) ** (n - m)	# k^n P(X > m - 1)
        if 100 * k * t > tot:
            break
        tail, m = t, m - 1
    return m
for a in sys.argv[1:]:
    n, k = map(int, a.split(':'))
    print(busiest(n, k))
EOF
}

# Check M against the definition with Python's own log-gamma, term by
# term: k * P(X > M) <= 0.01 < k * P(X > M - 1).  Prints "ok" or why not.
lgamma_check() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
from math import lgamma, log, exp, log1p
n, k, m = map(int, sys.argv[1:])
lp, lq = -log(k), log1p(-1 / k)
def logpmf(j):
    return lgamma(n + 1) - lgamma(j + 1) - lgamma(n - j + 1) + j * lp + (n - j) * lq
def logtail(m):
    first = logpmf(m + 1)
    s, j = 0.0, m + 1
    while j <= n:
        t = exp(logpmf(j) - first)
        s += t
        if t < 1e-17 * s:
            break
        j += 1
    return first + log(s)
lim = log(0.01) - log(k)
hi, lo = logtail(m), logtail(m - 1)
print("ok" if hi <= lim < lo else f"no: {hi} {lo} {lim}")
EOF
}

@test "guide example: the seven variables, in order" {
	run lb-size -c AES128-SHA1 -n 800 -t 2
	assert_success
	assert_equal "$(head -n 7 <<<"$output")" "ACM_thru_max 897
peer_thru_avg 2
num_peers 800
ACM_peers 448
ACM_min 2
ACM_protect 1
ACM_total 3"
}

@test "guide example: one failed leaves two at 50% each, no protection" {
	run lb-size -c AES128-SHA1 -n 800 -t 2
	assert_success
	assert_equal "$(row 0)" " 0 3 267 33.4 534 59.5 within capacity, 1 more failure tolerated"
	assert_equal "$(row 1)" " 1 2 400 50 800 89.2 within capacity, no protection left"
	assert_equal "$(row 2)" " 2 1 800 100 1600 178.4 OVER CAPACITY by 352 peers"
	assert_equal "$(row 3)" ""
}

@test "the table has a header after one blank line" {
	run lb-size -c AES128-SHA1 -n 800 -t 2
	assert_success
	assert_equal "$(sed -n 8p <<<"$output")" ""
	assert_equal "$(sed -n 9p <<<"$output" | tr -s ' ')" \
	    "failed active peers/ACM %peers Mbps/ACM %thru_max state"
}

@test "four appliances carry 25% each and tolerate two failures" {
	run lb-size -c aes128-sha1 -n 800 -t 2 -p 2
	assert_success
	assert_equal "$(var ACM_total)" 4
	assert_equal "$(row 0)" " 0 4 200 25 400 44.6 within capacity, 2 more failures tolerated"
	assert_equal "$(row 2)" " 2 2 400 50 800 89.2 within capacity, no protection left"
	assert_equal "$(row 3)" " 3 1 800 100 1600 178.4 OVER CAPACITY by 352 peers"
	assert_equal "$(row 4)" ""
}

@test "ACM_protect defaults to 1" {
	run lb-size -m 100 -n 10 -t 10
	assert_success
	assert_equal "$(var ACM_protect)" 1
	assert_equal "$(var ACM_total)" 2
}

@test "ACM_min rounds up: a fraction of an appliance does not exist" {
	run lb-size -m 100 -n 21 -t 10 -p 0
	assert_success
	assert_equal "$(var ACM_peers)" 10
	assert_equal "$(var ACM_min)" 3
	assert_equal "$(var ACM_total)" 3
	run lb-size -m 100 -n 20 -t 10 -p 0
	assert_equal "$(var ACM_min)" 2
}

@test "ACM_peers drops the fraction" {
	run lb-size -m 100 -n 1 -t 30
	assert_success
	assert_equal "$(var ACM_peers)" 3
}

@test "exact decimals: 898 / 0.1 is 8980 and 0.3 / 0.1 is 3" {
	run lb-size -m 898 -n 8980 -t 0.1
	assert_success
	assert_equal "$(var ACM_peers)" 8980
	assert_equal "$(var ACM_min)" 1
	run lb-size -m 0.3 -n 1 -t 0.1
	assert_success
	assert_equal "$(var ACM_peers)" 3
	run lb-size -m 0.7 -n 1 -t 0.1
	assert_equal "$(var ACM_peers)" 7
}

@test "-m and -t take decimals, printed without trailing zeros" {
	run lb-size -m 2.50 -n 5 -t 0.250 -p 3
	assert_success
	assert_equal "$(var ACM_thru_max)" 2.5
	assert_equal "$(var peer_thru_avg)" 0.25
	assert_equal "$(var ACM_peers)" 10
	assert_equal "$(var ACM_protect)" 3
	run lb-size -m 1000 -n 3 -t 0.000001
	assert_success
	assert_equal "$(var peer_thru_avg)" 0.000001
	assert_equal "$(var ACM_peers)" 1000000000
}

@test "the non-FIPS rows of Table 3-1" {
	for r in AES128-MD5:898 AES128-SHA1:897 AES256-SHA512:885 3DES-SHA512:538; do
		run lb-size -c "${r%:*}" -n 1 -t 1
		assert_success
		assert_equal "$(var ACM_thru_max)" "${r#*:}"
	done
}

@test "-F selects the FIPS rows" {
	for r in AES128-GCM16:890 AES256-GCM16:898 AES256-SHA512:883; do
		run lb-size -F -c "${r%:*}" -n 1 -t 1
		assert_success
		assert_equal "$(var ACM_thru_max)" "${r#*:}"
	done
}

@test "-c ignores case" {
	run lb-size -c aEs256-ShA512 -n 1 -t 1
	assert_success
	assert_equal "$(var ACM_thru_max)" 885
	run lb-size -F -c aes128-gcm16 -n 1 -t 1
	assert_equal "$(var ACM_thru_max)" 890
}

@test "-l prints Table 3-1" {
	run lb-size -l
	assert_success
	assert_equal "$(tr -s ' ' <<<"$output")" "ACM type Encryption Rate (Mbps)
Non-FIPS AES128-MD5 898
Non-FIPS AES128-SHA1 897
Non-FIPS AES256-SHA512 885
Non-FIPS 3DES-SHA512 538
FIPS AES128-GCM16 890
FIPS AES256-GCM16 898
FIPS AES256-SHA512 883"
}

@test "-p 0: no protection from the start, over capacity at one failure" {
	run lb-size -m 100 -n 20 -t 10 -p 0
	assert_success
	assert_equal "$(var ACM_protect)" 0
	assert_equal "$(var ACM_total)" 2
	assert_equal "$(row 0)" " 0 2 10 50 100 100 within capacity, no protection left"
	assert_equal "$(row 1)" " 1 1 20 100 200 200 OVER CAPACITY by 10 peers"
	assert_equal "$(row 2)" ""
	# One random-placement line: the two cases are the same.
	assert_equal "$(grep -c ' active: at most ' <<<"$output")" 1
}

@test "the table stops where no appliance is left, and says so" {
	run lb-size -m 1000 -n 10 -t 1 -p 1
	assert_success
	assert_equal "$(var ACM_min)" 1
	assert_equal "$(row 1)" " 1 1 10 100 10 1 within capacity, no protection left"
	assert_equal "$(row 2)" " 2 0 - - - - no appliance left"
	assert_equal "$(row 3)" ""
}

@test "the table runs to ACM_protect + 1 failures" {
	run lb-size -m 100 -n 1000 -t 1 -p 5
	assert_success
	assert_equal "$(var ACM_total)" 15
	assert_equal "$(row 0)" " 0 15 67 6.7 67 67 within capacity, 5 more failures tolerated"
	assert_equal "$(row 5)" " 5 10 100 10 100 100 within capacity, no protection left"
	assert_equal "$(row 6)" " 6 9 112 11.2 112 112 OVER CAPACITY by 12 peers"
	assert_equal "$(row 7)" ""
}

@test "random placement: figures match exact binomial sums (n = 800)" {
	run lb-size -c AES128-SHA1 -n 800 -t 2
	assert_success
	assert_equal "$(grep -c '^random placement (busiest appliance, 99% probability):$' <<<"$output")" 1
	{ read -r m3; read -r m2; } < <(exact_busiest 800:3 800:2)
	assert_equal "$m3" 303	# the oracle itself, by hand once
	assert_equal "$(randline 0)" "0 failed, 3 active: at most $m3 peers, within ACM_peers (448)"
	assert_equal "$(randline 1)" "1 failed, 2 active: at most $m2 peers, within ACM_peers (448)"
}

@test "random placement: small pools against exact sums" {
	pools="1:3 2:2 10:7 100:4 1000:7 57:2 5:1"
	want=($(exact_busiest $pools))
	assert_equal "${#want[@]}" 7
	i=0
	for nk in $pools; do
		n=${nk%:*} k=${nk#*:}
		run lb-size -m "$n" -n "$n" -t 1 -p $((k - 1))
		assert_success
		assert_equal "$(var ACM_total)" "$k"
		assert_regex "$(randline 0)" "^0 failed, $k active: at most ${want[i]} peers?, "
		i=$((i + 1))
	done
}

@test "random placement: large pool against Python's lgamma" {
	run lb-size -m 100 -n 100000 -t 0.005 -p 0
	assert_success
	assert_equal "$(var ACM_total)" 5
	m=$(randline 0 | sed -E 's/.*at most ([0-9]+) peers.*/\1/')
	assert_equal "$(lgamma_check 100000 5 "$m")" ok
}

@test "random placement: a billion peers, fast and right" {
	SECONDS=0
	run lb-size -m 1000000000 -n 1000000000 -t 1 -p 1
	assert_success
	[ "$SECONDS" -le 20 ]
	m=$(randline 0 | sed -E 's/.*at most ([0-9]+) peers.*/\1/')
	assert_equal "$(lgamma_check 1000000000 2 "$m")" ok
	assert_equal "$(randline 1)" "1 failed, 1 active: at most 1000000000 peers, within ACM_peers (1000000000)"
}

@test "random placement: says when it exceeds ACM_peers" {
	run lb-size -m 500 -n 1000 -t 1
	assert_success
	{ read -r m2; read -r m3; } < <(exact_busiest 1000:2 1000:3)
	assert_equal "$(randline 1)" "1 failed, 2 active: at most $m2 peers, exceeds ACM_peers (500) by $((m2 - 500)): random placement can overload an appliance"
	assert_equal "$(randline 0)" "0 failed, 3 active: at most $m3 peers, within ACM_peers (500)"
}

@test "random placement: one appliance carries every peer" {
	run lb-size -m 1000 -n 10 -t 1 -p 0
	assert_success
	assert_equal "$(randline 0)" "0 failed, 1 active: at most 10 peers, within ACM_peers (1000)"
}

@test "usage: -c and -m together, neither, -F with -m" {
	for args in "-c AES128-SHA1 -m 5 -n 1 -t 1" "-n 1 -t 1" "-F -m 5 -n 1 -t 1"; do
		run lb-size $args
		assert_failure 100
		assert_line "$USAGE1"
		assert_line '       lb-size -l'
	done
	run lb-size -c AES128-SHA1 -m 5 -n 1 -t 1
	assert_line --partial '-c and -m'
	run lb-size -F -m 5 -n 1 -t 1
	assert_line --partial '-F'
}

@test "usage: -n and -t are required" {
	run lb-size -c AES128-SHA1 -t 1
	assert_failure 100
	assert_line --partial '-n is needed'
	run lb-size -c AES128-SHA1 -n 1
	assert_failure 100
	assert_line --partial '-t is needed'
}

@test "usage: -l alone, no operands, no unknown options" {
	for args in "-l -F" "-l -n 5" "-m 5 -n 1 -t 1 extra" "-l extra" "-x" "-c"; do
		run lb-size $args
		assert_failure 100
		assert_line "$USAGE1"
	done
	run lb-size -x
	assert_line 'lb-size: -x: unknown option'
	run lb-size -m 5 -n 1 -t
	assert_line 'lb-size: -t: needs an argument'
}

@test "-c: a cipher not in the chosen table lists the valid ones" {
	run lb-size -c AES999 -n 1 -t 1
	assert_failure 100
	assert_output 'lb-size: fatal: -c AES999: not in the non-FIPS table; choose one of AES128-MD5, AES128-SHA1, AES256-SHA512, 3DES-SHA512'
	run lb-size -F -c AES128-SHA1 -n 1 -t 1
	assert_failure 100
	assert_output --partial 'not in the FIPS table'
	assert_output --partial 'choose one of AES128-GCM16, AES256-GCM16, AES256-SHA512'
	run lb-size -c AES128-GCM16 -n 1 -t 1
	assert_failure 100
	assert_output --partial 'it is a FIPS row: add -F'
}

@test "bad numbers: zero, negative, not a number, too many places" {
	while IFS='|' read -r args msg; do
		run lb-size $args
		assert_failure 100
		assert_output "lb-size: fatal: $msg"
	done <<'EOF'
-c AES128-SHA1 -n 1 -t 0|-t 0: must be greater than 0
-c AES128-SHA1 -n 1 -t 0.000|-t 0.000: must be greater than 0
-c AES128-SHA1 -n 1 -t -1|-t -1: must be greater than 0
-c AES128-SHA1 -n 1 -t abc|-t abc: not a decimal number of Mbps
-c AES128-SHA1 -n 1 -t 1e3|-t 1e3: not a decimal number of Mbps
-c AES128-SHA1 -n 1 -t 0.0000001|-t 0.0000001: too many decimal places (at most 6)
-m 0 -n 1 -t 1|-m 0: must be greater than 0
-m -5 -n 1 -t 1|-m -5: must be greater than 0
-m 1,5 -n 1 -t 1|-m 1,5: not a decimal number of Mbps
-c AES128-SHA1 -n 0 -t 1|-n 0: must be greater than 0
-c AES128-SHA1 -n -3 -t 1|-n -3: must be greater than 0
-c AES128-SHA1 -n 2.5 -t 1|-n 2.5: not a whole number
-c AES128-SHA1 -n x -t 1|-n x: not a whole number
-c AES128-SHA1 -n 1 -t 1 -p -1|-p -1: must be 0 or more
-c AES128-SHA1 -n 1 -t 1 -p one|-p one: not a whole number
EOF
}

@test "too large: documented limits" {
	while IFS='|' read -r args msg; do
		run lb-size $args
		assert_failure 100
		assert_output "lb-size: fatal: $msg"
	done <<'EOF'
-c AES128-SHA1 -n 1000000001 -t 1|-n 1000000001: too large (at most 1000000000)
-c AES128-SHA1 -n 99999999999999999999999 -t 1|-n 99999999999999999999999: too large (at most 1000000000)
-m 1000000000.000001 -n 1 -t 1|-m 1000000000.000001: too large (at most 1000000000 Mbps)
-c AES128-SHA1 -n 1 -t 1000000001|-t 1000000001: too large (at most 1000000000 Mbps)
-c AES128-SHA1 -n 1 -t 1 -p 1001|-p 1001: too large (at most 1000)
EOF
	run lb-size -m 1000000000 -n 1000000000 -t 0.000001 -p 1000
	assert_success
}

@test "a peer needing more than an appliance carries" {
	run lb-size -c 3DES-SHA512 -n 10 -t 538.000001
	assert_failure 100
	assert_output 'lb-size: fatal: -t 538.000001: a single peer needs more than an appliance carries (ACM_thru_max 538 Mbps)'
	run lb-size -c 3DES-SHA512 -n 10 -t 538
	assert_success
	assert_equal "$(var ACM_peers)" 1
	assert_equal "$(var ACM_min)" 10
}

@test "overflow of the total throughput is an error, not a wrap" {
	run lb-size -m 1000000000 -n 1000000000 -t 100000
	assert_failure 100
	assert_output --partial 'lb-size: fatal: -n 1000000000 -t 100000: '
	assert_output --partial 'overflows'
}

@test "an unwritable output exits 111" {
	run bash -c 'lb-size -l >/dev/full'
	assert_failure 111
	assert_output --partial 'unable to write'
}

@test "usage line and manual SYNOPSIS agree" {
	run lb-size
	assert_failure 100
	usage=$(sed -n 's/^usage: //p; s/^       lb-size/lb-size/p' <<<"$output")
	synopsis=$(mandoc -T ascii "$VPNHA_TOP/man/lb-size.1" | col -b |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d;/^$/d;s/^ *//')
	assert_equal "$synopsis" "$usage"
	assert_equal "$(wc -l <<<"$usage")" 2
}

# sim ARGS...: the rows of -s as "policy failed active fewest most" lines
sim() {
	lb-size -s "$@" | sed -n '/^policy/,$p' | sed 1d |
	    awk '{ if ($2 == "1" && $3 == "back") print $1, "back", $4, $5, $6;
		   else print $1, $2, $3, $4, $5 }'
}

@test "-s: least-loaded spreads evenly (most = ceil(peers / active), fewest within 1)" {
	for args in "-c AES128-SHA1 -n 800 -t 2" "-m 900 -n 100000 -t 0.5 -p 3" \
	    "-m 100 -n 7 -t 50 -p 2"; do
		n=$(sed 's/.*-n \([0-9]*\).*/\1/' <<<"$args")
		# shellcheck disable=SC2086
		run sim $args
		assert_success
		lines=$(grep -c '^least-loaded [0-9]' <<<"$output")
		[ "$lines" -ge 2 ] || fail "$args: $lines least-loaded rows: $output"
		while read -r _ f a lo hi; do
			want=$(( (n + a - 1) / a ))
			[ "$hi" = "$want" ] || fail "$args, $f failed: most $hi, not $want"
			[ $((hi - lo)) -le 1 ] || fail "$args, $f failed: $lo..$hi"
		done < <(grep '^least-loaded [0-9]' <<<"$output")
	done
}

@test "-s: random is uneven, within the 99% bound lb-size prints, and never better than least-loaded" {
	run lb-size -s -m 900 -n 100000 -t 0.5 -p 2
	assert_success
	bound=$(sed -n 's/^0 failed, [0-9]* active: at most \([0-9]*\) peers.*/\1/p' <<<"$output")
	[ -n "$bound" ] || fail "no 99% figure: $output"
	run sim -m 900 -n 100000 -t 0.5 -p 2
	r0=($(grep '^random 0 ' <<<"$output"))
	l0=($(grep '^least-loaded 0 ' <<<"$output"))
	[ "${r0[4]}" -le "$bound" ] || fail "random most ${r0[4]} above the 99% bound $bound"
	[ "${r0[4]}" -gt "${l0[4]}" ] || fail "random ${r0[*]} not busier than least-loaded ${l0[*]}"
	[ "${r0[3]}" -lt "${l0[3]}" ] || fail "random ${r0[*]} not emptier than least-loaded ${l0[*]}"
	# every peer is somewhere: fewest * active <= peers <= most * active
	while read -r p f a lo hi; do
		[ $((lo * a)) -le 100000 ] && [ $((hi * a)) -ge 100000 ] ||
			fail "$p $f: $lo..$hi on $a appliances cannot hold 100000 peers"
	done <<<"$output"
}

@test "-s: an appliance back from a failure fills up under least-loaded, stays idle under random" {
	run sim -c AES128-SHA1 -n 800 -t 2
	assert_success
	r=($(grep '^random back ' <<<"$output"))
	l=($(grep '^least-loaded back ' <<<"$output"))
	[ "${r[2]}" = 3 ] && [ "${l[2]}" = 3 ] || fail "$output"
	# a quarter (200) reconnect: random gives the empty one about a third
	[ "${r[3]}" -lt 100 ] || fail "random: the returned appliance has ${r[3]}"
	[ "${l[3]}" -gt "${r[3]}" ] || fail "least-loaded ${l[*]} vs random ${r[*]}"
	[ "${l[4]}" -lt "${r[4]}" ] || fail "least-loaded ${l[*]} vs random ${r[*]}"
}

@test "-s: the same input prints the same figures (fixed seed); the state follows the busiest" {
	a=$(lb-size -s -m 900 -n 10000 -t 0.1 -p 1)
	b=$(lb-size -s -m 900 -n 10000 -t 0.1 -p 1)
	assert_equal "$a" "$b"
	# 9000 per appliance, 2 + 1 appliances: random overloads one at 1 failure
	run sim -m 900 -n 18000 -t 0.1 -p 1
	assert_line --regexp '^least-loaded 1 2 9000 9000$'
	run lb-size -s -m 900 -n 18000 -t 0.1 -p 1
	assert_line --regexp '^random +1 +2 +[0-9]+ +9[0-9]{3} +[0-9.]+ +OVER CAPACITY by [0-9]+ peers?$'
	assert_line --regexp '^least-loaded +1 +2 +9000 +9000 +100\.0 +within capacity, no protection left$'
}

@test "-s: limits and usage" {
	run lb-size -s -m 900 -n 10000001 -t 0.0001
	assert_failure 100
	assert_output --partial '-s: 10000001 peers on'
	assert_output --partial 'too large to simulate (at most 10000000 peers and 100000 appliances)'
	run lb-size -l -s
	assert_failure 100
	assert_output --partial '-l takes no other option'
	run lb-size -s -c AES128-SHA1 -n 1 -t 2 -p 0
	assert_success
	assert_line --regexp '^least-loaded +0 +1 +1 +1 '
}
