#!/usr/bin/env bats
# Every program has a manual page; every page is lint-clean; every usage
# line says what the page's SYNOPSIS says.

load helper

programs() {
	local d
	for d in "$VPNHA_TOP"/bin/*/; do
		basename "$d"
	done
}

page() {
	ls "$VPNHA_TOP"/man/"$1".[18] 2>/dev/null
}

# The SYNOPSIS of a page, one line per form, spaces collapsed.
synopsis() {
	mandoc -T ascii "$1" | col -bx | awk -v prog="$2" '
		/^SYNOPSIS/ { on = 1; next }
		/^[A-Z]/ { on = 0 }
		on && NF {
			sub(/^ +/, "")
			if (index($0, prog " ") == 1 || $0 == prog) {
				if (form != "") print form
				form = $0
			} else
				form = form " " $0
		}
		END { if (form != "") print form }' | tr -s ' '
}

# The usage message of a program given an option no program has.
usage() {
	"$1" -@ 2>&1 >/dev/null | sed -n '/^usage: /,$p' |
	    sed -e 's/^usage: //' -e 's/^ *//' | tr -s ' '
}

@test "mandoc -T lint finds nothing in any page" {
	run mandoc -T lint -W warning "$VPNHA_TOP"/man/*.[1-8]
	assert_success
	assert_output ''
}

@test "every program has a page in section 1 or 8" {
	for p in $(programs); do
		[ -n "$(page "$p")" ] || fail "no manual page for $p"
	done
}

@test "every usage line matches its page's SYNOPSIS" {
	for p in $(programs); do
		want=$(synopsis "$(page "$p")" "$p")
		got=$(usage "$VPNHA_BIN/$p")
		[ -n "$want" ] || fail "$p: empty SYNOPSIS"
		[ "$got" = "$want" ] || fail "$p: usage \"$got\" but SYNOPSIS \"$want\""
	done
}

@test "usage errors exit 100 in every program" {
	for p in $(programs); do
		run "$VPNHA_BIN/$p" -@
		[ "$status" -eq 100 ] || fail "$p -@ exited $status"
	done
}

@test "vpnha.conf(5) documents every statement the reader knows" {
	# every keyword of lib/conf_schema.c appears as .Ic in the page
	words=$(grep -o '{ "[a-z0-9-]*", CONF_' "$VPNHA_TOP/lib/conf_schema.c" | cut -d'"' -f2 | sort -u)
	[ -n "$words" ]
	for w in $words; do
		grep -qE "^\.(It )?Ic .*\b$w\b|^\.Dl .*Ic .*\b$w\b" "$VPNHA_TOP/man/vpnha.conf.5" ||
		    fail "vpnha.conf.5 does not document \"$w\""
	done
}

# dangling_sx PAGE: each .Sx of PAGE that names no .Sh or .Ss of it.  An
# .Sx points into its own page (mdoc(7)); another page's section is
# named in quotes beside its .Xr.
dangling_sx() {
	mandoc -T tree "$1" | awk '
		/^ *(Sh|Ss) \(head\)/ { want = "title"; next }
		/^ *Sx \(elem\)/ { want = "ref"; next }
		want != "" {
			t = $0
			sub(/^ */, "", t)
			sub(/ \(text\).*$/, "", t)
			if (want == "title") title[t] = 1; else ref[t] = 1
			want = ""
		}
		END { for (r in ref) if (!(r in title)) print r }'
}

@test "every .Sx points at a section of its own page" {
	local p bad all=
	for p in "$VPNHA_TOP"/man/*.[1-8]; do
		bad=$(dangling_sx "$p" | tr '\n' ',')
		[ -z "$bad" ] || all="$all $(basename "$p"): $bad"
	done
	[ -z "$all" ] || fail ".Sx to no section of its page:$all"
	# the check sees a dangling one
	printf '.Dd x\n.Dt X 1\n.Os\n.Sh NAME\n.Nm x\n.Nd y\n.Sh DESCRIPTION\nsee\n.Sx NOWHERE .\n' >"$BATS_TEST_TMPDIR/x.1"
	run dangling_sx "$BATS_TEST_TMPDIR/x.1"
	assert_output NOWHERE
}
