#!/usr/bin/env bats
# make static: every program as a static musl binary in build/musl/bin/, and
# the musl builds of libsodium, libcap-ng and ldns (contrib/musl-deps) that
# they link with.  The first run builds the libraries (a few minutes); later
# runs find them cached.

load helper

MUSL=$VPNHA_TOP/build/musl
PREFIX=$MUSL/prefix

setup_file() {
	# Its status is the first test's, so that the others still run.
	s=0
	make -C "$VPNHA_TOP" static >"$BATS_FILE_TMPDIR/make.log" 2>&1 || s=$?
	echo "$s" >"$BATS_FILE_TMPDIR/make.status"
}

@test "make static succeeds" {
	run tail -n 30 "$BATS_FILE_TMPDIR/make.log"
	[ "$(cat "$BATS_FILE_TMPDIR/make.status")" = 0 ] || fail "$output"
}

@test "every program of bin/ is in build/musl/bin/" {
	# A program, as the Makefile sees one: a folder with C files or a script.
	for d in "$VPNHA_TOP"/bin/*/; do
		p=$(basename "$d")
		compgen -G "$d*.c" >/dev/null || [ -e "$d$p.sh" ] || continue
		[ -x "$MUSL/bin/$p" ] || fail "build/musl/bin/$p is missing"
	done
}

@test "every binary in build/musl/bin/ is statically linked" {
	n=0
	for f in "$MUSL"/bin/*; do
		[ -f "$f" ] || continue
		[ "$(head -c 2 "$f")" != '#!' ] || continue
		run file -b "$f"
		assert_success
		[[ $output == *"statically linked"* ]] || fail "$f: $output"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no binary in build/musl/bin/"
}

@test "static gwid-sanitize: gw.1/a is gw-1-a" {
	[ -x "$MUSL/bin/gwid-sanitize" ] || skip "build/musl/bin/gwid-sanitize not built"
	run "$MUSL/bin/gwid-sanitize" 'gw.1/a'
	assert_success
	assert_output 'gw-1-a'
}

@test "static lb-size -l prints the throughput table" {
	[ -x "$MUSL/bin/lb-size" ] || skip "build/musl/bin/lb-size not built"
	run "$MUSL/bin/lb-size" -l
	assert_success
	assert_output --partial 'AES256-GCM16'
}

@test "contrib/musl-deps is cached: a second run prints nothing and succeeds" {
	run "$VPNHA_TOP/contrib/musl-deps" "$PREFIX"
	assert_success
	assert_output ''
}

@test "contrib/musl-deps without PREFIX is a usage error (100)" {
	run "$VPNHA_TOP/contrib/musl-deps"
	assert_failure 100
	assert_output --partial 'usage: contrib/musl-deps PREFIX'
}

# The three libraries and the kernel headers, linked statically with musl
# through the flags their pkg-config files give.
@test "libsodium, libcap-ng and ldns link statically with musl and work" {
	c=$BATS_TEST_TMPDIR/link.c
	cat >"$c" <<-'EOF'
	#include <stdio.h>
	#include <stdlib.h>
	#include <cap-ng.h>
	#include <ldns/ldns.h>
	#include <linux/rtnetlink.h>
	#include <sodium.h>

	int main(void)
	{
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[sizeof h * 2 + 1];
		ldns_rr *rr = NULL;
		char *s;

		if (sodium_init() < 0)
			return 10;
		crypto_hash_sha256(h, (const unsigned char *)"abc", 3);
		printf("sha256 %s\n", sodium_bin2hex(hex, sizeof hex, h, sizeof h));
		if (capng_get_caps_process() != 0)
			return 11;
		printf("capng ok\n");
		if (ldns_rr_new_frm_str(&rr, "gw-1-a.example.org. 30 IN A 192.0.2.33",
		    0, NULL, NULL) != LDNS_STATUS_OK)
			return 12;
		s = ldns_rr2str(rr);
		printf("%s", s);
		free(s);
		ldns_rr_free(rr);
		printf("RTM_NEWADDR %d\n", RTM_NEWADDR);
		return 0;
	}
	EOF
	run env PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig" PKG_CONFIG_PATH= \
		pkg-config --static --cflags --libs libsodium libcap-ng ldns
	assert_success
	flags=$output
	run musl-gcc -static -isystem "$PREFIX/include" -Wall -Werror -o "$BATS_TEST_TMPDIR/link" "$c" $flags
	assert_success
	run file -b "$BATS_TEST_TMPDIR/link"
	assert_output --partial 'statically linked'
	run "$BATS_TEST_TMPDIR/link"
	assert_success
	assert_output $'sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
capng ok
gw-1-a.example.org.\t30\tIN\tA\t192.0.2.33
RTM_NEWADDR 20'
}
