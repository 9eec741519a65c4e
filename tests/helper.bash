# Loaded by every tests/*.bats: assertions, and the programs under test
# first on PATH.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${VPNHA_TOP:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${VPNHA_BIN:=$VPNHA_TOP/build/san/bin}"
PATH=$VPNHA_BIN:$PATH
# The sanitizer build must fail loudly, never limp on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Times, for tests that print how long something took: now is the wall
# clock in seconds with microseconds; elapsed START END and plus A B give
# seconds with milliseconds; within LIMIT SECONDS is true if SECONDS <= LIMIT.
now() {
	echo "${EPOCHREALTIME}"
}

elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

plus() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'
}

within() {
	awk -v l="$1" -v s="$2" 'BEGIN { exit !(s <= l) }'
}

# notified FIFO: a daemon started with -n 3 pointed at FIFO wrote its
# readiness newline within 20 s; false if it exited first (end of file)
notified() {
	[ "$(timeout 20 head -c 1 "$1" | wc -c)" = 1 ]
}
