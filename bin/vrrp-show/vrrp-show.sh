#!/bin/sh
# vrrp-show: the guide's `show vrrp interface IF` and `show vrrp summary`,
# rendered from vrrpd's status files (RUNDIR/vrrpd/IF.VRID, name=value lines);
# with -j, the groups as one JSON document (the schema is in vrrp-show(8)).
# The Makefile replaces each @RUN_...@ with the path of lib/run.h.
set -u
prog=vrrp-show
usage() {
	echo "usage: vrrp-show [-j] [-r RUNDIR] interface IF" >&2
	echo "       vrrp-show [-j] [-r RUNDIR] summary" >&2
	exit 100
}

run=@RUN_DEFAULT@
json=
while getopts jr: opt; do
	case $opt in
	j) json=1 ;;
	r) run=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case ${1-} in
interface) [ $# -eq 2 ] || usage; iface=$2 ;;
summary) [ $# -eq 1 ] || usage; iface= ;;
*) usage ;;
esac

dir=$run/@RUN_VRRPD@
if [ ! -d "$dir" ]; then
	echo "$prog: fatal: $dir: no such directory (is vrrpd running with -r $run?)" >&2
	exit 111
fi

# The status files to show, by interface name then VRID.
files=$(cd "$dir" && ls -- * 2>/dev/null | awk -v want="$iface" '
	match($0, /\.[0-9]+$/) {
		name = substr($0, 1, RSTART - 1)
		if (want == "" || name == want)
			print name, substr($0, RSTART + 1), $0
	}' | sort -k1,1 -k2,2n | awk '{ print $3 }')
if [ -z "$files" ]; then
	if [ -n "$iface" ]; then
		echo "$prog: no VRRP group on $iface" >&2
	else
		echo "$prog: no VRRP group" >&2
	fi
	exit 1
fi

now=$(date +%s)
cd "$dir" || exit 111
# shellcheck disable=SC2086
mode=${iface:+interface}
[ -z "$json" ] || mode=json
awk -F= -v now="$now" -v mode="$mode" '
function elapsed(t,    s, w, d, h, m, out) {
	s = int(now - t); if (s < 0) s = 0
	w = int(s / 604800); s -= w * 604800
	d = int(s / 86400);  s -= d * 86400
	h = int(s / 3600);   s -= h * 3600
	m = int(s / 60);     s -= m * 60
	out = ""
	if (w) out = w "w"
	if (out != "" || d) out = out d "d"
	if (out != "" || h) out = out h "h"
	if (out != "" || m) out = out m "m"
	return out s "s"
}
function block(    vip, peers, i) {
	vip = v["vips"]; gsub(/ /, ", ", vip)
	if (nblocks++) print ""
	printf "Physical interface: %s, Source Address %s\n", v["interface"], v["source_address"]
	printf "Interface state: %s, Group %s, State: %s\n", v["interface_state"], v["vrid"], v["state"]
	printf "Priority: %s, Advertisement interval: %s, Authentication type: %s\n", v["priority"], v["advert_interval"], v["auth_type"]
	printf "Preempt: %s, VIP count: %s, VIP: %s\n", v["preempt"], v["vip_count"], vip
	if (v["state"] == "backup" && v["master_address"] != "")
		printf "Master router: %s, Master Priority: %s\n", v["master_address"], v["master_priority"]
	else if (v["master_address"] != "")
		printf "Master router: %s\n", v["master_address"]
	if (v["sync_group"] != "")
		printf "Sync-group: %s\n", v["sync_group"]
	if (v["peer_addresses"] != "") {
		peers = v["peer_addresses"]; gsub(/ /, ", ", peers)
		printf "Unicast peers: %s\n", peers
	}
	printf "Last transition: %s\n", elapsed(v["last_transition"])
	# beyond the lines of the guide, only for a group that tracks something
	if (v["track_count"] + 0 > 0)
		printf "Effective priority: %s\n", v["effective_priority"]
	for (i = 1; i <= v["track_count"] + 0; i++)
		tracked(v["track" i])
}
# "KIND NAME STATE WEIGHT" (vrrpd(8)): one line of the trackers
function tracked(s,    t) {
	split(s, t, " ")
	if (t[1] == "file")
		printf "Tracked: file %s, value %s, weight %s\n", t[2], t[3], t[4]
	else if (t[4] == "fault")
		printf "Tracked: %s %s, %s, fault when down\n", t[1], t[2], t[3]
	else
		printf "Tracked: %s %s, %s, weight %s\n", t[1], t[2], t[3], t[4]
}
function row(    n, a, i) {
	n = split(v["vips"], a, " ")
	for (i = 1; i <= n; i++) {
		rows++
		c[rows, 1] = v["interface"]; c[rows, 2] = v["vrid"]; c[rows, 3] = "vip"
		c[rows, 4] = a[i]; c[rows, 5] = v["interface_state"]; c[rows, 6] = v["state"]
	}
}
# -j: a JSON string, and the value of a field as the schema has it
function jstr(s,    i, c, out) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\" || c == "\"") out = out "\\" c
		else if (c < " ") out = out sprintf("\\u%04x", ord[c])
		else out = out c
	}
	return "\"" out "\""
}
function jlist(s,    n, a, i, out) {
	n = split(s, a, " ")
	out = ""
	for (i = 1; i <= n; i++) out = out (i > 1 ? "," : "") jstr(a[i])
	return "[" out "]"
}
function jvalue(k, s) {
	if (k ~ /^(preempt|fast_preempt|rfc3768_compatibility)$/)
		return s == "true" ? "true" : "false"
	if (k ~ /^(vips|peer_addresses)$/)
		return jlist(s)
	if (k ~ /^(vrid|version|priority|effective_priority|config_priority|vip_count|master_priority|adverts_sent|adverts_received|priority0_sent|priority0_received|track_count|pid|drop_.*)$/ ||
	    k ~ /^(advert_interval|master_advert_interval|last_transition)$/)
		return s ~ /^[0-9]+(\.[0-9]+)?$/ ? s : "null"
	return jstr(s)
}
function jgroup(    i, out) {
	out = ""
	for (i = 1; i <= nk; i++)
		out = out (i > 1 ? "," : "") jstr(keys[i]) ":" jvalue(keys[i], v[keys[i]])
	printf "%s{%s}", ngroups++ ? "," : "[", out
}
function flush() {
	if (!have) return
	if (mode == "json") jgroup()
	else if (mode == "interface") block()
	else row()
	split("", v); have = 0; nk = 0
}
BEGIN { for (i = 1; i < 32; i++) ord[sprintf("%c", i)] = i }
FNR == 1 { flush() }
{ if (!($1 in v)) keys[++nk] = $1; v[$1] = substr($0, length($1) + 2); have = 1 }
END {
	flush()
	if (mode == "json") { print ngroups ? "]" : "[]"; exit }
	if (mode == "interface") exit
	split("Interface|VRRP Group|Addr Type|Address|Interface State|VRRP State", h, "|")
	for (j = 1; j <= 6; j++) w[j] = length(h[j])
	for (i = 1; i <= rows; i++)
		for (j = 1; j <= 6; j++)
			if (length(c[i, j]) > w[j]) w[j] = length(c[i, j])
	fmt = "%-" w[1] "s  %-" w[2] "s  %-" w[3] "s  %-" w[4] "s  %-" w[5] "s  %s\n"
	printf fmt, h[1], h[2], h[3], h[4], h[5], h[6]
	for (i = 1; i <= rows; i++)
		printf fmt, c[i, 1], c[i, 2], c[i, 3], c[i, 4], c[i, 5], c[i, 6]
}' $files
