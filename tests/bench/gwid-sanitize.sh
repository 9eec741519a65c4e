#!/bin/sh
# gwid-sanitize over 1,000,000 mixed IDs against the guide's rules written
# as a GNU sed pipeline, run here on the same file.  Prints each one's best
# of 3 wall-clock times, the throughput, and the ratio sed/gwid-sanitize.
# Both outputs must be identical (the IDs are chosen so that none is empty
# or over 63 bytes after sanitizing, where gwid-sanitize reports an error
# and sed prints a line).
set -eu
: "${VPNHA_BIN:=build/bin}"
N=${BENCH_IDS:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 - "$N" >"$tmp/ids" <<'PY'
import random, sys
random.seed(2019)
n = int(sys.argv[1])
words = ["MG90", "oMG2000", "North", "site", "Depot", "bus", "Zürich",
         "São-Paulo", "truck", "unit", "gw", "Acme Corp", "Ω"]
out = []
for i in range(n):
    k = i % 4
    if k == 0:      # PSK: serial number
        out.append("@H%07dG%04d" % (random.randrange(10**7), random.randrange(10**4)))
    elif k == 1:    # certificate CN with separators
        out.append("%s.%s/%d" % (random.choice(words), random.choice(words), i))
    elif k == 2:    # messy: runs of specials, edges
        out.append("--%s..%s__%d--" % (random.choice(words), random.choice(words), i))
    else:           # plain
        out.append("%s-%d" % (random.choice(words), i))
sys.stdout.write("\n".join(out) + "\n")
PY
bytes=$(wc -c <"$tmp/ids")

best() {	# best of 3 wall-clock seconds of "$@" <ids >out.LABEL
	label=$1
	shift
	b=
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" <"$tmp/ids" >"$tmp/out.$label"
		t1=$(date +%s.%N)
		b=$(echo "$t0 $t1 ${b:-}" | awk '{ t = $2 - $1; if ($3 != "" && $3 < t) t = $3; printf "%.4f", t }')
	done
	echo "$b"
}

sedcmd() { LC_ALL=C sed -E 's/[^A-Za-z0-9-]/-/g; s/-{2,}/-/g; s/^-+|-+$//g'; }

t_sed=$(best sed sedcmd)
t_gw=$(best gw "$VPNHA_BIN/gwid-sanitize")
if ! cmp "$tmp/out.sed" "$tmp/out.gw"; then
	echo "gwid-sanitize bench: output differs from sed's" >&2
	exit 1
fi
# through a pipe (answers flushed before each read) as a pipeline sees it
t0=$(date +%s.%N)
cat "$tmp/ids" | "$VPNHA_BIN/gwid-sanitize" >/dev/null
t_pipe=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.4f", $2 - $1 }')

awk -v n="$N" -v b="$bytes" -v s="$t_sed" -v g="$t_gw" -v p="$t_pipe" 'BEGIN {
	printf "gwid-sanitize bench: %d IDs, %.1f MB\n", n, b / 1e6
	printf "  GNU sed -E (LC_ALL=C)    %8.3f s  %12.0f IDs/s\n", s, n / s
	printf "  gwid-sanitize <file      %8.3f s  %12.0f IDs/s\n", g, n / g
	printf "  cat file | gwid-sanitize %8.3f s  %12.0f IDs/s\n", p, n / p
	printf "  ratio sed/gwid-sanitize: %.1fx (file), %.1fx (pipe); target >= 5x\n", s / g, s / p
}'
