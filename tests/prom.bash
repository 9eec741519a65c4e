# Shared by the metrics suites (tests/metrics.bats, tests/ddns-metrics.bats):
# a real node_exporter with its textfile collector alone, on loopback at a
# free high port, and its samples.  The suite sets D, and NE_PID= in setup;
# prom_teardown stops it by PID.

prom_teardown() {
	[ -z "${NE_PID-}" ] || kill "$NE_PID" 2>/dev/null || true
	[ -z "${NE_PID-}" ] || wait "$NE_PID" 2>/dev/null || true
	NE_PID=
}

# exporter DIR: node_exporter with the textfile collector alone, on DIR,
# at 127.0.0.1:$NE_PORT
exporter() {
	local i
	for i in $(seq 20); do
		NE_PORT=$((30000 + RANDOM % 20000))
		prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" \
		    --collector.disable-defaults --collector.textfile \
		    --collector.textfile.directory="$1" >"$D/ne.log" 2>&1 &
		NE_PID=$!
		lab_wait 5 scrape >/dev/null && return 0
		kill "$NE_PID" 2>/dev/null || true	# the port was taken: another
		wait "$NE_PID" 2>/dev/null || true
		NE_PID=
	done
	fail "node_exporter did not start: $(cat "$D/ne.log")"
}

scrape() {
	curl -sf "http://127.0.0.1:$NE_PORT/metrics"
}

# value NAME{LABELS}: the sample's value as node_exporter serves it
value() {
	scrape | awk -v m="$1" '$1 == m { print $2 }'
}

# value_is NAME{LABELS} VALUE: it is (in Go's form: 2 or 2e+00 alike)
value_is() {
	awk -v a="$(value "$1")" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'
}

