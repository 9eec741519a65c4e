# Every rule of vpnha.conf beyond a single statement (lib/conf_rules.c),
# one bad file each, for tests/vpnha-checkconf.bats and
# tests/conf-rules.bats.  Loaded after helper.

# rules_base: a file every daemon accepts, 7 lines, for lab host h1
# (192.0.2.11): one VRRP group, a one-node DDNS cluster.
rules_base() {
	cat <<-EOF
	set interfaces ethernet eth0 vrrp vrrp-group 1 virtual-address 192.0.2.100/24
	set interfaces ethernet eth0 vrrp vrrp-group 1 priority 100
	set service ipsec-ddns self 192.0.2.11
	set service ipsec-ddns secret mysecretpassword
	set service ipsec-ddns domain vpn.example.org
	set service ipsec-ddns join-time 0
	set service ipsec-ddns enable
	EOF
}

# rules_write FILE STATEMENT...: the base, then the statements (line 8 on)
rules_write() {
	local f=$1
	shift
	{ rules_base; printf '%s\n' "$@"; } >"$f"
	chmod 600 "$f"
}

# rules_each FN: FN MESSAGE STATEMENT... for every rule, MESSAGE being the
# error with FILE where the file's name goes.
rules_each() {
	local fn=$1 g1='set interfaces ethernet eth0 vrrp vrrp-group 1'
	local dd='set service ipsec-ddns' dp='set service dns-pool' i s
	local z=vpn.example.org

	# vrrpd's rules, one group at a time
	$fn "FILE:8: vrrp-group 2 on eth1 has no virtual-address" \
	    'set interfaces ethernet eth1 vrrp vrrp-group 2 priority 100'
	$fn "FILE:8: vrrp-group 1 on eth0: IPv4 and IPv6 virtual addresses in one group; VRRP runs one router per family: use two groups" \
	    "$g1 virtual-address 2001:db8::100/64"
	$fn "FILE:9: vrrp-group 3 on eth0: VRRP version 2 has no IPv6 (RFC 3768); use version 3" \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 virtual-address 2001:db8::100/64' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 version 2'
	$fn "FILE:8: vrrp-group 1 on eth0: authentication type ah: only plaintext-password is supported" \
	    "$g1 authentication type ah" "$g1 authentication password secret1"
	$fn "FILE:8: vrrp-group 1 on eth0: authentication without a password" \
	    "$g1 authentication type plaintext-password"
	$fn "FILE:8: vrrp-group 1 on eth0: authentication exists only in version 2 (RFC 5798 removed it)" \
	    "$g1 authentication password secret1" "$g1 version 3"
	$fn "FILE:8: vrrp-group 1 on eth0: advertise-interval 0.5: version 2 counts whole seconds; use version 3 for less" \
	    "$g1 advertise-interval 0.5"
	$fn "FILE:9: vrrp-group 1 on eth0: advertise-interval 41: version 3 allows at most 40.95 s (RFC 5798 5.2.7)" \
	    "$g1 version 3" "$g1 advertise-interval 41"
	s=()
	for i in $(seq 101 132); do s+=("$g1 virtual-address 192.0.2.$i/24"); done
	$fn "FILE:39: vrrp-group 1 on eth0: more than 32 virtual addresses" "${s[@]}"
	# unicast: peer-address, hello-source-address
	$fn "FILE:8: vrrp-group 1 on eth0: peer-address 2001:db8::12 is not IPv4, the family of the group's virtual addresses" \
	    "$g1 peer-address 2001:db8::12"
	$fn "FILE:8: vrrp-group 1 on eth0: peer-address 224.0.0.18 is not a unicast address" \
	    "$g1 peer-address 224.0.0.18"
	$fn "FILE:8: vrrp-group 1 on eth0: peer-address 0.0.0.0 is not a unicast address" \
	    "$g1 peer-address 0.0.0.0"
	$fn "FILE:8: vrrp-group 1 on eth0: hello-source-address ff02::12 is not IPv4, the family of the group's virtual addresses" \
	    "$g1 hello-source-address ff02::12"
	$fn "FILE:8: vrrp-group 1 on eth0: hello-source-address 255.255.255.255 is not a unicast address" \
	    "$g1 hello-source-address 255.255.255.255"
	$fn "FILE:8: vrrp-group 1 on eth0: hello-source-address 192.0.2.100 is a virtual-address of the group; use an address of the interface that stays when the group moves" \
	    "$g1 hello-source-address 192.0.2.100"
	$fn "FILE:9: vrrp-group 1 on eth0: peer-address 192.0.2.11 is the hello-source-address; list only the other routers" \
	    "$g1 hello-source-address 192.0.2.11" "$g1 peer-address 192.0.2.11"
	$fn "FILE:10: peer-address 192.0.2.12 is listed twice (also at line 8)" \
	    "$g1 peer-address 192.0.2.12" "$g1 peer-address 192.0.2.13" "$g1 peer-address 192.0.2.12"
	s=()
	for i in $(seq 12 28); do s+=("$g1 peer-address 192.0.2.$i"); done
	$fn "FILE:24: vrrp-group 1 on eth0: more than 16 peer addresses" "${s[@]}"
	$fn "FILE:9: vrrp-group 3 on eth0: peer-address ff02::12 is not a unicast address" \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 virtual-address 2001:db8::100/64' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 peer-address ff02::12'
	$fn "FILE:10: vrrp-group 3 on eth0: peer-address 2001:db8::12 is not link-local: set hello-source-address, the address the peers list as their peer-address" \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 virtual-address 2001:db8::100/64' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 peer-address fe80::ff:fe00:2' \
	    'set interfaces ethernet eth0 vrrp vrrp-group 3 peer-address 2001:db8::12'
	# trackers and their scripts
	$fn "FILE:8: vrrp-group 1 on eth0: track script chk: no such script: set vrrp script chk command \"CMD\"" \
	    "$g1 track script chk"
	$fn "FILE:8: vrrp script chk has no command" \
	    "set vrrp script chk interval 1"
	s=()
	for i in $(seq 17); do s+=("$g1 track process p$i"); done
	$fn "FILE:24: vrrp-group 1 on eth0: more than 16 trackers" "${s[@]}"
	$fn "FILE:8: weight: \"-255\" is out of range (-254..254)" \
	    "$g1 track process charon weight -255"
	$fn "FILE:8: weight: \"+5\" is not a decimal number" \
	    "$g1 track process charon weight +5"
	$fn "FILE:8: file: \"run/prio\" is not an absolute path (without spaces)" \
	    "$g1 track file run/prio"
	$fn "FILE:8: process: must be at most 15 characters" \
	    "$g1 track process charon-too-long1"
	$fn "FILE:8: interval: \"0.001\" has more than 2 decimal places" \
	    "set vrrp script chk interval 0.001"
	# across groups
	$fn "FILE:8: 192.0.2.100/24 is in vrrp-group 1 on eth0 and in vrrp-group 1 on eth1" \
	    'set interfaces ethernet eth1 vrrp vrrp-group 1 virtual-address 192.0.2.100/25'
	# ddns-syncd's: what enable needs, the peers
	$fn "FILE:7: service ipsec-ddns has no self: set service ipsec-ddns self ADDRESS (this node's own address)" \
	    "delete service ipsec-ddns self"
	$fn "FILE:7: service ipsec-ddns has no secret (the same on every node, at least 8 characters)" \
	    "delete service ipsec-ddns secret"
	$fn "FILE:7: service ipsec-ddns has no domain (the same on every node)" \
	    "delete service ipsec-ddns domain"
	$fn "FILE:8: peer 192.0.2.11 is this node's self address; list only the other nodes" \
	    "$dd peer 192.0.2.11"
	$fn "FILE:10: peer 192.0.2.12 is listed twice (also at line 8)" \
	    "$dd peer 192.0.2.12" "$dd peer 192.0.2.13" "$dd peer 192.0.2.12"
	s=()
	for i in $(seq 12 43); do s+=("$dd peer 192.0.2.$i"); done
	$fn "FILE:39: more than 31 peers" "${s[@]}"
	# ddns-named's: the name servers
	$fn "FILE:8: name-server a.b.$z: a name server under $z must be one label under it" \
	    "$dd name-server a.b.$z address 192.0.2.53"
	$fn "FILE:8: name-server ns.$z: a name under the domain needs an address (glue)" \
	    "$dd name-server ns.$z"
	$fn "FILE:8: name-server ns.example.net: an address is served only for a name under the domain" \
	    "$dd name-server ns.example.net address 192.0.2.53"
	s=()
	for i in $(seq 51 55); do s+=("$dd name-server dns.$z address 192.0.2.$i"); done
	$fn "FILE:12: name-server dns.$z: more than 4 addresses" "${s[@]}"
	s=()
	for i in $(seq 33); do s+=("$dd name-server ns$i.example.net"); done
	$fn "FILE:40: more than 32 name servers" "${s[@]}"
	$fn "FILE:8: acm2.$z is under $z: name it with name-server and its address" \
	    "$dd peer acm2.$z"
	# and the pool's
	$fn "FILE:8: service dns-pool without a name: set service dns-pool name NAME" \
	    "$dp ttl 5"
	$fn "FILE:9: service dns-pool without a domain: set service ipsec-ddns domain NAME (ddns-named serves the pool beside that zone)" \
	    "delete service ipsec-ddns" "$dp name pool.example.net"
	$fn "FILE:8: name a.b.$z: a pool name inside $z must be one label under it, and not a name server's" \
	    "$dp name a.b.$z"
	$fn "FILE:8: name ns1.$z: a pool name inside $z must be one label under it, and not a name server's" \
	    "$dp name ns1.$z"
	$fn "FILE:9: member 203.0.113.1 node 192.0.2.99: not a cluster node (service ipsec-ddns self or peer, as written there)" \
	    "$dp name pool.example.net" "$dp member 203.0.113.1 node 192.0.2.99"
	s=("$dp name pool.example.net")
	for i in $(seq 33); do s+=("$dp member 203.0.113.$i"); done
	$fn "FILE:41: more than 32 pool members" "${s[@]}"
	$fn "FILE:10: service dns-pool has no member (the cluster's nodes are not addresses): set service dns-pool member ADDRESS node NODE" \
	    "delete service ipsec-ddns self" "$dd self acm1.example.net" \
	    "$dp name pool.example.net"
	# ddns-named as a primary: its SOA, its secondaries and their keys
	rules_primary "$fn"
}

# rules_primary FN: rules_each's for the SOA, secondary and tsig-key
rules_primary() {
	local fn=$1 dd='set service ipsec-ddns' i s l63 d253
	local k32='MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI='

	$fn "FILE:8: secondary 192.0.2.53 tsig-key k1.example: no such key: set service ipsec-ddns tsig-key k1.example secret BASE64" \
	    "$dd secondary 192.0.2.53 tsig-key k1.example"
	$fn "FILE:9: secondary 2001:db8::53 tsig-key k2.example: no such key: set service ipsec-ddns tsig-key k2.example secret BASE64" \
	    "$dd tsig-key k1.example secret $k32" \
	    "$dd secondary 2001:db8::53 tsig-key k2.example"
	$fn "FILE:8: secondary 224.0.0.1 is not a unicast address" \
	    "$dd secondary 224.0.0.1"
	s=()
	for i in $(seq 33); do s+=("$dd secondary 198.51.100.$i"); done
	$fn "FILE:40: more than 32 secondaries" "${s[@]}"
	$fn "FILE:8: tsig-key k1.example has no secret: set service ipsec-ddns tsig-key k1.example secret BASE64" \
	    "$dd tsig-key k1.example"
	$fn "FILE:8: tsig-key k1.example: the secret is not base64 (RFC 4648, with its padding)" \
	    "$dd tsig-key k1.example secret not-base64!"
	$fn "FILE:8: tsig-key k1.example: the secret is not base64 (RFC 4648, with its padding)" \
	    "$dd tsig-key k1.example secret MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI"
	$fn "FILE:8: tsig-key k1.example: the secret is 15 bytes; HMAC-SHA256 takes 16 to 64 (RFC 8945 6)" \
	    "$dd tsig-key k1.example secret MTIzNDU2Nzg5MDEyMzQ1"
	$fn "FILE:8: tsig-key k1.example: the secret is 65 bytes; HMAC-SHA256 takes 16 to 64 (RFC 8945 6)" \
	    "$dd tsig-key k1.example secret $(head -c 65 /dev/zero | base64 -w0)"
	s=()
	for i in $(seq 33); do s+=("$dd tsig-key k$i.example secret $k32"); done
	$fn "FILE:40: more than 32 tsig keys" "${s[@]}"
	# the SOA timers, the defaults (3600 600 1209600) counted
	$fn "FILE:8: retry 600 (the default) is not shorter than refresh 600 (RFC 1912 2.2)" \
	    "$dd refresh 600"
	$fn "FILE:9: retry 7200 is not shorter than refresh 7200 (RFC 1912 2.2)" \
	    "$dd retry 7200" "$dd refresh 7200"
	$fn "FILE:8: retry 3600 is not shorter than refresh 3600 (the default) (RFC 1912 2.2)" \
	    "$dd retry 3600"
	$fn "FILE:8: expire 3600 is shorter than refresh 3600 (the default) and retry 600 (the default) together (RFC 1912 2.2)" \
	    "$dd expire 3600"
	$fn "FILE:8: expire 1209600 (the default) is shorter than refresh 2419200 and retry 600 (the default) together (RFC 1912 2.2)" \
	    "$dd refresh 2419200"
	# the contact: a mailbox, or a name in RNAME form
	$fn "FILE:8: contact hostmaster: no domain: write LOCAL@DOMAIN" \
	    "$dd contact hostmaster"
	$fn "FILE:8: contact @example.org: no local part before '@'" \
	    "$dd contact @example.org"
	$fn "FILE:8: contact a@b@example.org: not a domain name after the first label" \
	    "$dd contact a@b@example.org"
	$fn "FILE:8: contact a<b@example.org: a character a mailbox's local part may not hold" \
	    "$dd contact a<b@example.org"
	$fn "FILE:8: contact a\\b.example.org: a character a mailbox's local part may not hold" \
	    "$dd contact a\\b.example.org"
	l63=$(printf 'x%.0s' $(seq 63))
	$fn "FILE:8: contact ${l63}y@example.org: a local part longer than 63 characters" \
	    "$dd contact ${l63}y@example.org"
	d253=$l63.$l63.$l63.$(printf 'x%.0s' $(seq 61))
	$fn "FILE:8: contact a@$d253: longer than 255 bytes as a domain name" \
	    "$dd contact a@$d253"
}
