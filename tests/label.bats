#!/usr/bin/env bats
# One rule for a gateway's DNS label (gwid-sanitize(1), LABELS; lib/gwid.c
# gwid_label_ok): every place where a label enters vpnha accepts the same
# labels and refuses the same others.  gwid-sanitize and `ddns-ctl up`
# make a label of any ID: there a label is accepted when it comes out as
# it went in, and refused when it comes out changed or not at all.
# ddns-syncd runs on loopback as a one-node cluster (start_syncd).

load helper
load ddns-named

# accepted: a digit first, case kept, one letter, 63 bytes
GOOD=(gw-1 9a MG90-SN-2A3B4C x "$(printf 'g%.0s' $(seq 63))")
# refused: an underscore, a hyphen at either end, two hyphens in a row,
# 64 bytes
BAD=(under_score -lead trail- a--b "$(printf 'g%.0s' $(seq 64))")
RULE='not a DNS label (1 to 63 letters, digits and single inner hyphens)'

setup() {
	named_setup
}

teardown() {
	named_teardown
}

# labels: the labels `ddns-ctl records` lists, sorted, one a line
labels() {
	ddns-ctl -r "$T/run" records | cut -d' ' -f1 | sort
}

# sorted LABEL...: the labels, sorted, one a line
sorted() {
	printf '%s\n' "$@" | sort
}

@test "gwid-sanitize prints every accepted label as it is, and no refused one" {
	run gwid-sanitize -- "${GOOD[@]}"
	assert_success
	assert_output "$(printf '%s\n' "${GOOD[@]}")"
	for l in "${BAD[@]}"; do
		run gwid-sanitize -- "$l"
		[ "$output" != "$l" ] || fail "gwid-sanitize printed $l as it is"
	done
}

@test "a records file (-d): every accepted label is served, every refused one is an error naming FILE:LINE" {
	for l in "${GOOD[@]}"; do
		printf '# one record\n%s 192.0.2.1\n' "$l" >"$T/records"
		run ddns-named -t -f "$T/vpnha.conf" -d "$T/records"
		assert_success
		assert_output ''
	done
	for l in "${BAD[@]}"; do
		printf '# one record\n%s 192.0.2.1\n' "$l" >"$T/records"
		run ddns-named -t -f "$T/vpnha.conf" -d "$T/records"
		assert_failure 100
		assert_output "ddns-named: fatal: $T/records:2: $RULE"
	done
}

@test "the feed: ddns-named serves every accepted label, and skips and logs every refused one" {
	start_feed
	start_named -s "$T/feed"
	for l in "${BAD[@]}" "${GOOD[@]}"; do
		feed "+ $l 192.0.2.1"
	done
	# lines come in order: once the last is served, every one was read
	wait_for sh -c "[ \"\$(dig @127.0.0.1 -p $PORT +short ${GOOD[-1]}.$DOMAIN)\" = 192.0.2.1 ]" ||
	    fail "$(cat "$T/log")"
	for l in "${GOOD[@]}"; do
		run d +short "$l.$DOMAIN" A
		assert_output 192.0.2.1
	done
	run status under_score.$DOMAIN A
	assert_output 'NXDOMAIN qr aa'
	run grep -c ": $RULE\$" "$T/log"
	assert_output "${#BAD[@]}"
}

@test "the journal: ddns-syncd loads every accepted label and skips and logs every refused one" {
	local s i=0
	mkdir -p "$T/run/ddns"
	s=$((($(date +%s%3N) - 10000) << 16))
	for l in "${GOOD[@]}" "${BAD[@]}"; do
		i=$((i + 1))
		echo "+ $((s + i)) $l 192.0.2.$i"
	done >"$T/run/ddns/journal"
	start_syncd
	run labels
	assert_output "$(sorted "${GOOD[@]}")"
	run grep -c 'is not a gateway label' "$T/syncd.log"
	assert_output "${#BAD[@]}"
}

@test "ddns-ctl up: an accepted label is published as it is, a refused one never" {
	start_syncd
	for l in "${GOOD[@]}" "${BAD[@]}"; do
		ddns-ctl -r "$T/run" -- up "$l" 192.0.2.1 || true
	done
	run labels
	for l in "${GOOD[@]}"; do
		assert_line "$l"
	done
	for l in "${BAD[@]}"; do
		refute_line "$l"
	done
}
