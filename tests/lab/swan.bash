# strongSwan in the lab: a test CA made with pki(1), and one charon per lab
# host, each with its own configuration and its own /run.  Loaded after
# lab/lab (`load lab/lab`, `load lab/swan`).  See tests/lab/README,
# STRONGSWAN, for why it is done this way.
#
# A node's directory DIR holds everything of its charon:
#   DIR/strongswan.conf   charon's settings (STRONGSWAN_CONF)
#   DIR/swanctl/          swanctl.conf, x509/, x509ca/, private/ (SWANCTL_DIR)
#   DIR/run/              bind-mounted on /run for charon alone: charon.pid,
#                         charon.vici, and whatever else it puts in /run
# charon runs in the mount namespace `ip netns exec` makes for it, so the
# bind mount is its own and ends with it: nothing to unmount, ever.

: "${SWAN_CHARON:=/usr/lib/ipsec/charon}"
SWAN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # for the tests: the glue under test
SWAN_CONTRIB=$SWAN_TOP/contrib/strongswan

# swan_missing: what this machine lacks to run charon in the lab, one line;
# nothing if it has it all.
swan_missing() {
	local p
	for p in swanctl pki; do
		command -v "$p" >/dev/null || {
			echo "$p not installed (Debian: strongswan-swanctl, strongswan-pki)"
			return 0
		}
	done
	[ -x "$SWAN_CHARON" ] || {
		echo "$SWAN_CHARON not installed (Debian: strongswan-charon)"
		return 0
	}
	if [ "$(swan_esp)" = libipsec ]; then
		[ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] || {
			echo "the kernel has no ESP and charon's kernel-libipsec plugin is missing (Debian: libcharon-extra-plugins)"
			return 0
		}
		[ -c /dev/net/tun ] || echo "the kernel has no ESP, and no /dev/net/tun for kernel-libipsec"
	fi
}

# The plugins each program loads, by name: Debian's own strongswan.conf
# loads them through /etc/strongswan.d, which a lab node does not read.
# Debian 12 has no openssl plugin unless libstrongswan-standard-plugins is
# installed: RSA and MODP groups come from gmp, so the keys are RSA.
SWAN_PLUGINS_CRYPTO="random drbg nonce aes sha1 sha2 hmac kdf gmp mgf1 pem pkcs1 pkcs8 x509 pubkey"
SWAN_PLUGINS_CHARON="$SWAN_PLUGINS_CRYPTO constraints kernel-netlink socket-default vici updown"

# swan_esp: "kernel" if the kernel does ESP (XFRM with esp4), else
# "libipsec": charon's kernel-libipsec plugin then does ESP itself, over a
# TUN device, in UDP (port 4500).  Found by adding an ESP state in a
# network namespace of its own, which ends with the command.
swan_esp() {
	if unshare -n ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
		spi 0x100 mode tunnel enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
		auth-trunc 'hmac(sha256)' 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 \
		2>/dev/null; then
		echo kernel
	else
		echo libipsec
	fi
}

# swan_pki DIR ARGS...: pki with the plugins above.
swan_pki() {
	local dir=$1
	shift
	if [ ! -e "$dir/pki.conf" ]; then
		printf 'pki {\n\tload = %s\n}\n' "$SWAN_PLUGINS_CRYPTO" >"$dir/pki.conf" || return 1
	fi
	STRONGSWAN_CONF=$dir/pki.conf pki "$@"
}

# swan_ca DIR: a CA, DIR/ca.key and DIR/ca.pem, valid two days.
swan_ca() {
	swan_pki "$1" --gen --type rsa --size 2048 --outform pem >"$1/ca.key" &&
		swan_pki "$1" --self --ca --lifetime 2 --in "$1/ca.key" \
			--dn "C=US, O=vpnha lab, CN=vpnha lab CA" \
			--outform pem >"$1/ca.pem"
}

# swan_cert DIR NAME DN [SAN...]: DIR/NAME.key and DIR/NAME.pem, issued by
# the CA of DIR.
swan_cert() {
	local dir=$1 name=$2 dn=$3 s
	shift 3
	local -a san=()
	for s; do
		san+=(--san "$s")
	done
	swan_pki "$dir" --gen --type rsa --size 2048 --outform pem >"$dir/$name.key" &&
		swan_pki "$dir" --pub --in "$dir/$name.key" |
		swan_pki "$dir" --issue --cacert "$dir/ca.pem" --cakey "$dir/ca.key" \
			--dn "$dn" ${san[@]+"${san[@]}"} --lifetime 2 \
			--outform pem >"$dir/$name.pem"
}

# swan_node DIR CADIR NAME [SETTINGS]: lay out DIR for a charon that
# authenticates with CADIR/NAME.pem and trusts CADIR/ca.pem.  SETTINGS are
# more lines for the charon section of strongswan.conf.  The lab's timers:
# a request is retransmitted after 0.5 s, 0.7 s, then given up 1 s later
# (about 2.2 s in all; the default is 165 s).
swan_node() {
	local dir=$1 ca=$2 name=$3 extra=${4-}
	mkdir -p "$dir/run" "$dir/swanctl/x509" "$dir/swanctl/x509ca" \
		"$dir/swanctl/private" || return 1
	cp "$ca/ca.pem" "$dir/swanctl/x509ca/" &&
		cp "$ca/$name.pem" "$dir/swanctl/x509/" &&
		cp "$ca/$name.key" "$dir/swanctl/private/" || return 1
	local load=$SWAN_PLUGINS_CHARON
	: "${SWAN_ESP:=$(swan_esp)}"
	if [ "$SWAN_ESP" = libipsec ]; then
		load="kernel-libipsec $load"
	fi
	cat >"$dir/strongswan.conf" <<-EOF
	# charon of the lab node $dir
	charon {
		load = $load
		retransmit_timeout = 0.5
		retransmit_base = 1.4
		retransmit_tries = 2
		# no syslog: everything to stderr, which lab_spawn logs
		syslog {
			daemon {
				default = -1
			}
		}
		filelog {
			stderr {
				default = 1
				flush_line = yes
				time_format = %T
			}
		}
	$extra
	}
	swanctl {
		load = $SWAN_PLUGINS_CRYPTO
	}
	EOF
}

# swan_start HOST DIR: charon in HOST, configured by DIR (swan_node), its
# output in DIR/charon.log; once its vici socket answers, load DIR's
# swanctl.conf.  Prints charon's PID.
swan_start() {
	local host=$1 dir=$2 pid i
	rm -f "$dir/run/charon.pid" "$dir/run/charon.vici"
	# shellcheck disable=SC2016 # expanded by that sh
	pid=$(lab_spawn "$host" "$dir/charon.log" \
		env STRONGSWAN_CONF="$dir/strongswan.conf" \
		sh -c 'mount --bind "$1" /run && exec "$2"' swan-run \
		"$dir/run" "$SWAN_CHARON") || return 1
	for ((i = 0; i < 500; i++)); do
		if [ -S "$dir/run/charon.vici" ] &&
			swan_ctl "$dir" --stats >/dev/null 2>&1; then
			break
		fi
		lab_alive "$pid" || break
		sleep 0.02
	done
	if ! swan_ctl "$dir" --stats >/dev/null 2>&1; then
		_lab_err "swan_start: charon in $host did not start: $(cat "$dir/charon.log")"
		return 1
	fi
	if ! swan_ctl "$dir" --load-all >"$dir/load.log" 2>&1; then
		_lab_err "swan_start: swanctl --load-all in $host: $(cat "$dir/load.log")"
		return 1
	fi
	echo "$pid"
}

# swan_ctl DIR ARGS...: swanctl with DIR's configuration, to DIR's charon.
swan_ctl() {
	local dir=$1
	shift
	STRONGSWAN_CONF=$dir/strongswan.conf SWANCTL_DIR=$dir/swanctl \
		swanctl "$@" --uri "unix://$dir/run/charon.vici"
}
