#!/usr/bin/env bats
# bin/vrrpd/advert.c, the VRRP advertisement codec: its self-tests, then
# every capture of the reference set (tests/data/pcap/vrrp, copied from the
# project's shared captures: keepalived 2.2.7, FRR 8.4 vrrpd, ucarp 1.5; see
# its INDEX.txt) read by the
# unit driver and compared with tshark, the oracle, and with the decodes
# committed beside the captures.

load helper

PCAPS=$VPNHA_TOP/tests/data/pcap/vrrp
ADVERT=$VPNHA_TOP/build/san/unit/advert

# tshark, without its warning about running as root.
ts() {
	tshark "$@" 2>/dev/null
}

setup() {
	[ -x "$ADVERT" ] || fail "build/san/unit/advert not built (make VARIANT=san B=build/san unit)"
	[ -f "$PCAPS/INDEX.txt" ] || fail "no reference captures in $PCAPS"
	command -v tshark >/dev/null || fail "tshark not installed (contrib/deps)"
}

# What tshark makes of every VRRP packet of a capture, in the driver's
# format.  ICMP errors quoting an advert are not adverts (see the unicast
# test).  v2 carries seconds (vrrp.adver_int), v3 centiseconds
# (vrrp.short_adver_int); tshark shows the authentication data as a string
# for type 1 only, and keepalived sends zeros for the others.
oracle() {
	tshark -r "$1" -o ip.check_checksum:TRUE -Y 'vrrp && !icmp' -T fields \
	    -E separator=/t -E occurrence=a -E aggregator=, \
	    -e frame.number -e vrrp.version -e vrrp.virt_rtr_id -e vrrp.prio \
	    -e vrrp.addr_count -e vrrp.auth_type -e vrrp.adver_int \
	    -e vrrp.short_adver_int -e vrrp.checksum -e vrrp.checksum.status \
	    -e vrrp.ip_addr -e vrrp.ipv6_addr -e ip.src -e ipv6.src -e ah.spi \
	    -e vrrp.auth_string 2>/dev/null |
	awk -F '\t' '
	BEGIN { for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i }
	$10 == "0" { print $1 " drop=checksum"; next }
	$10 != "1" { print $1 " tshark-checksum-status=" $10; next }
	{
		iv = $2 == 2 ? $7 * 100 : $8
		fmt = "%s ok v=%s vrid=%s prio=%s count=%s auth=%s int=%s"
		fmt = fmt " cksum=%s ah=%d addrs=%s src=%s"
		line = sprintf(fmt, $1, $2, $3, $4, $5, $6 == "" ? 0 : $6, iv,
		    $9, $15 != "", $11 $12, $13 $14)
		if ($2 == 2) {
			hex = ""
			for (i = 1; i <= 8; i++) {
				c = i <= length($16) ? ord[substr($16, i, 1)] : 0
				hex = hex sprintf("%02x", c)
			}
			line = line " authdata=" hex
		}
		print line
	}'
}

# The frames the committed decode's summary (its first section) calls PROTO.
decoded() {
	awk -v p=" $2 " 'NR > 1 && /^$/ { exit } NR > 1 && index($0, p) { print $1 }' \
	    "$PCAPS/$1.decode.txt"
}

# Every VRRP packet of capture NAME (COUNT of them) parses, with the fields
# tshark sees, and they are the frames of the committed decode.
agree() {
	run "$ADVERT" "$PCAPS/$1.pcap"
	assert_success
	[ "${#lines[@]}" -eq "$2" ] || fail "$1: ${#lines[@]} adverts, not $2"
	refute_output --partial ' drop='
	assert_output "$(oracle "$PCAPS/$1.pcap")"
	if [ "$1" != keepalived_v2_sync_group ]; then
		[ "$(cut -d' ' -f1 <<<"$output")" = "$(decoded "$1" VRRP)" ] ||
		    fail "$1: not the VRRP frames of $1.decode.txt"
	fi
}

# The one advert of a bad_checksum sample: dropped for its checksum, as
# tshark says; and with the checksum the committed decode says it should
# have, it parses (so ours agrees with tshark's, and only that was wrong).
bad_checksum() {
	local f=$PCAPS/$1.pcap copy=$BATS_TEST_TMPDIR/$1.pcap have should
	run "$ADVERT" "$f"
	assert_success
	assert_output '1 drop=checksum'
	assert_output "$(oracle "$f")"
	have=$(sed -n 's/^    Checksum: \(0x[0-9a-f]*\) incorrect, should be.*/\1/p' "$PCAPS/$1.decode.txt")
	should=$(sed -n 's/^    Checksum: .* incorrect, should be \(0x[0-9a-f]*\)$/\1/p' "$PCAPS/$1.decode.txt")
	[ -n "$have" ] && [ -n "$should" ] || fail "$1.decode.txt: no bad checksum line"
	# pcap header 24, record header 16, Ethernet 14, IPv4 20, VRRP 6
	[ "0x$(xxd -s 80 -l 2 -p "$f")" = "$have" ] || fail "$1: checksum not at offset 80"
	cp "$f" "$copy"
	xxd -r -p <<<"${should#0x}" | dd of="$copy" bs=1 seek=80 conv=notrunc status=none
	run "$ADVERT" "$copy"
	assert_success
	assert_output --regexp "^1 ok v=[23] vrid=1 prio=151 count=1 .* cksum=$should "
}

# Every packet of protocol 112 of a ucarp capture is dropped for its length:
# the frames tshark decodes as CARP, and the committed decode names CARP.
carp() {
	local f=$PCAPS/$1.pcap
	run "$ADVERT" "$f"
	assert_success
	[ "${#lines[@]}" -ge 1 ] || fail "$1: no packet of protocol 112"
	assert_output "$(tshark -r "$f" -d ip.proto==112,carp -Y carp \
	    -T fields -e frame.number | sed 's/$/ drop=length/')"
	[ "$(cut -d' ' -f1 <<<"$output")" = "$(decoded "$1" CARP)" ] ||
	    fail "$1: not the CARP frames of $1.decode.txt"
}

# A copy of a pcap file changed by MODE: "swap" (the other byte order),
# "vlan" (an 802.1Q tag), "qinq" (802.1ad then 802.1Q), "sll" (Linux
# cooked capture), "pad" (short frames padded to 60 bytes, as on the wire).
transform() {
	python3 - "$@" <<'EOF'
import struct, sys
mode, src, dst = sys.argv[1:]
d = open(src, 'rb').read()
e = '<' if d[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
o = ('>' if e == '<' else '<') if mode == 'swap' else e
magic, vmaj, vmin, zone, sigfigs, snap, link = struct.unpack(e + 'IHHiIII', d[:24])
out, off = [], 24
while off < len(d):
    s, us, incl, orig = struct.unpack(e + 'IIII', d[off:off + 16])
    f = d[off + 16:off + 16 + incl]
    off += 16 + incl
    if mode == 'vlan':
        f = f[:12] + b'\x81\x00\x00\x64' + f[12:]
    elif mode == 'qinq':
        f = f[:12] + b'\x88\xa8\x00\x0a\x81\x00\x00\x64' + f[12:]
    elif mode == 'sll':
        f = struct.pack('>HHH8s', 0, 1, 6, f[6:12]) + f[12:]
    elif mode == 'pad':
        f = f + bytes(max(0, 60 - len(f)))
    out.append(struct.pack(o + 'IIII', s, us, len(f), orig + len(f) - incl) + f)
if mode == 'sll':
    link = 113
hdr = struct.pack(o + 'IHHiIII', magic, vmaj, vmin, zone, sigfigs, snap, link)
open(dst, 'wb').write(hdr + b''.join(out))
EOF
}

@test "advert: self-tests (round trips, captured bytes, every rejection)" {
	run "$ADVERT"
	assert_success
	assert_output ''
}

@test "advert: every capture of INDEX.txt is there, and has its test here" {
	local names n
	names=$(grep -o '[a-z0-9_]*\.pcap' "$PCAPS/INDEX.txt" | sort -u)
	[ "$(wc -l <<<"$names")" -ge 14 ] || fail "INDEX.txt lists too few captures"
	for n in $names; do
		[ -f "$PCAPS/$n" ] || fail "INDEX.txt lists $n, not in $PCAPS"
	done
	for n in "$PCAPS"/*.pcap; do
		n=$(basename "$n" .pcap)
		grep -q "$n.pcap" <<<"$names" || fail "$n.pcap is not in INDEX.txt"
		grep -qE "^	(agree|bad_checksum|carp) $n( |\$)" "$BATS_TEST_FILENAME" ||
		    fail "no test reads $n.pcap"
	done
}

@test "keepalived VRRPv2: election, prio 0 on SIGTERM, takeover" {
	agree keepalived_v2_basic 6
}

@test "keepalived VRRPv2, auth type 1 (PASS): the password is parsed" {
	agree keepalived_v2_auth_pass 5
	assert_line --index 0 --partial ' auth=1 '
	assert_line --index 0 --partial " authdata=$(printf s3cret12 | xxd -p)"
}

@test "keepalived VRRPv2, auth type 2: VRRP behind an IPsec AH header" {
	agree keepalived_v2_auth_ah 5
	assert_line --index 0 --partial ' auth=2 int=100 cksum=0x1c64 ah=1 '
}

@test "keepalived VRRPv2 sync group: two VRIDs, both fail over" {
	agree keepalived_v2_sync_group 17
	# its decode is a table: frame, time, source MAC, source, VRID, priority
	[ "$(cut -d' ' -f1,4,5 <<<"$output" | sed 's/vrid=//; s/prio=//')" = \
	    "$(awk -F '\t' 'NR > 1 && $5 != "" { print $1, $5, $6 }' \
	    "$PCAPS/keepalived_v2_sync_group.decode.txt")" ] ||
	    fail "not the adverts of keepalived_v2_sync_group.decode.txt"
}

@test "keepalived VRRPv3: checksum over the IPv4 pseudo-header" {
	agree keepalived_v3_basic 6
}

@test "keepalived VRRPv3, 10 cs advert interval" {
	agree keepalived_v3_adv10cs 42
	assert_line --index 0 --partial ' int=10 '
}

@test "keepalived VRRPv3, IPv4 and IPv6 groups" {
	agree keepalived_v3_ipv4_ipv6 12
	assert_line --index 1 --regexp ' addrs=fe80::100,2001:db8:100::100 src=fe80::ff:fe00:1$'
}

@test "keepalived VRRPv3 from the virtual MAC" {
	agree keepalived_v3_vmac 7
}

# The only adverts of the set with a TTL other than 255 are in frames 20
# and 27 here: ICMP protocol unreachable (type 3 code 2) from h1, which has
# stopped (prio 0 in frame 18) and so has no raw socket for protocol 112
# any more, quoting h2's unicast adverts.  The TTL of 64 is the ICMP
# packet's; the quoted advert has 255.  Multicast adverts never draw such
# errors (RFC 1122 3.2.2), which is why only unicast shows it.
@test "keepalived VRRPv3 unicast; ICMP errors quoting adverts are skipped" {
	agree keepalived_v3_unicast 6
	refute_line --regexp '^(20|27) '
	run ts -r "$PCAPS/keepalived_v3_unicast.pcap" -Y 'vrrp && icmp' \
	    -T fields -e frame.number -e icmp.type -e icmp.code -e ip.ttl
	assert_output "$(printf '20\t3\t2\t64,255\n27\t3\t2\t64,255')"
	local f
	for f in "$PCAPS"/*.pcap; do
		run ts -r "$f" -Y 'vrrp && (ip.ttl < 255 || ipv6.hlim < 255) && !icmp'
		assert_output ''
	done
}

@test "FRR vrrpd VRRPv3: failover after kill -9" {
	agree frr_vrrpd_v3_failover 5
}

@test "FRR vrrpd VRRPv3: prio 0 on SIGTERM, takeover" {
	agree frr_vrrpd_v3_prio0_stop 8
	assert_line --index 2 --partial ' prio=0 '
}

@test "bad checksum, VRRPv2: dropped as checksum" {
	bad_checksum bad_checksum_v2
}

@test "bad checksum, VRRPv3: dropped as checksum" {
	bad_checksum bad_checksum_v3
}

# ucarp's CARP shares protocol 112 and the first byte (version 2, type 1),
# and its checksum is valid: tshark's default decode takes it for VRRPv2
# with 7 addresses.  Only its length (36 bytes, not 8 + 7 * 4 + 8) tells.
@test "ucarp CARP: every packet dropped as length, none parsed as VRRP" {
	local f=$PCAPS/ucarp_carp_failover.pcap
	carp ucarp_carp_failover
	run ts -r "$f" -Y 'vrrp.version == 2 && vrrp.type == 1 && vrrp.addr_count == 7 && vrrp.checksum.status == 1' \
	    -T fields -e frame.number
	assert_output "$(printf '1\n6\n8\n9\n11')"
}


# The seed corpus of the fuzz target is made from these captures, thus:
#   LC_ALL=C build/san/unit/advert -s tests/fuzz/advert tests/data/pcap/vrrp/*.pcap
@test "fuzz seeds: tests/fuzz/advert/ holds the packets of the captures" {
	local LC_ALL=C
	mkdir "$BATS_TEST_TMPDIR/seeds"
	run "$ADVERT" -s "$BATS_TEST_TMPDIR/seeds" "$PCAPS"/*.pcap
	assert_success
	assert_output ''
	[ "$(find "$BATS_TEST_TMPDIR/seeds" -type f | wc -l)" -ge 50 ] || fail "too few seeds"
	run diff -r "$BATS_TEST_TMPDIR/seeds" "$VPNHA_TOP/tests/fuzz/advert"
	assert_success
}

@test "pcap: the other byte order, with µs and with ns stamps, reads the same" {
	local n t
	for n in keepalived_v3_ipv4_ipv6 frr_vrrpd_v3_prio0_stop; do
		t=$BATS_TEST_TMPDIR/$n.pcap
		transform swap "$PCAPS/$n.pcap" "$t"
		[ "$(head -c 4 "$t" | xxd -p)" != "$(head -c 4 "$PCAPS/$n.pcap" | xxd -p)" ] ||
		    fail "$n: not swapped"
		run "$ADVERT" "$t"
		assert_success
		assert_output "$("$ADVERT" "$PCAPS/$n.pcap")"
		assert_output "$(oracle "$t")"
	done
}

@test "pcap: 802.1Q and 802.1ad tags, Linux cooked capture, Ethernet padding" {
	local m n t
	for m in vlan qinq sll pad; do
		for n in keepalived_v2_auth_ah keepalived_v3_ipv4_ipv6 ucarp_carp_failover; do
			t=$BATS_TEST_TMPDIR/$n.$m.pcap
			transform "$m" "$PCAPS/$n.pcap" "$t"
			run "$ADVERT" "$t"
			assert_success
			assert_output "$("$ADVERT" "$PCAPS/$n.pcap")"
			[ "$n" = ucarp_carp_failover ] || assert_output "$(oracle "$t")"
		done
	done
}

@test "pcap: not a capture, a truncated one: exit 100 with the file named" {
	printf 'not a pcap file at all\n' >"$BATS_TEST_TMPDIR/x.pcap"
	run "$ADVERT" "$BATS_TEST_TMPDIR/x.pcap"
	assert_failure 100
	assert_output --partial "x.pcap: not a pcap file"
	head -c 100 "$PCAPS/keepalived_v2_basic.pcap" >"$BATS_TEST_TMPDIR/t.pcap"
	run "$ADVERT" "$BATS_TEST_TMPDIR/t.pcap"
	assert_failure 100
	assert_output --partial "t.pcap: truncated"
}
