# lib.sh: fixture and TAP helpers for integration tests. Source it first:
#   . "$LT_SRCDIR/tests/lib/lib.sh"
# Every test script gets its own temporary directory and, through
# start_nats, its own nats-server on a random loopback port.

set -u
LT_SRCDIR=${LT_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LT_BUILDDIR=${LT_BUILDDIR:-$LT_SRCDIR/build}
LATTICECTL=${LATTICECTL:-$LT_BUILDDIR/src/latticectl}
LT_SIM=${LT_SIM:-$LT_BUILDDIR/tests/sim/latticesim}
LT_HELPER=${LT_HELPER:-$LT_BUILDDIR/tests/helper/lt-test-tool}
LT_WRAPPER=${LT_WRAPPER:-}
FIXTURES=$LT_SRCDIR/tests/fixtures
export NO_COLOR=1 XDG_CONFIG_HOME XDG_STATE_HOME

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lt-test.XXXXXX")
XDG_CONFIG_HOME=$TEST_DIR/config
XDG_STATE_HOME=$TEST_DIR/state
HOME=$TEST_DIR/home
mkdir -p "$HOME"
unset NATS_URL NATS_CONTEXT WASMCLOUD_LATTICE WASMCLOUD_CTL_HOST WASMCLOUD_CTL_PORT
tap_n=0
tap_failed=0
_bg_pids=()

_cleanup() {
	local p
	for p in "${_bg_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${_bg_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	[ -n "${LT_KEEP:-}" ] || rm -rf "$TEST_DIR"
}
trap _cleanup EXIT

# lt ARGS: run latticectl (under $LT_WRAPPER, e.g. valgrind).
lt() {
	$LT_WRAPPER "$LATTICECTL" "$@"
}

find_nats_server() {
	local c
	for c in "${NATS_SERVER:-}" "$(command -v nats-server 2>/dev/null)" \
	    /usr/sbin/nats-server /usr/local/sbin/nats-server /usr/bin/nats-server; do
		[ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
	done
	return 1
}

NATS_SERVER_BIN=$(find_nats_server) || { echo "1..0 # SKIP no nats-server"; exit 0; }

# bg CMD...: start a background process that the EXIT trap stops.
bg() {
	"$@" &
	_bg_pids+=($!)
	LAST_PID=$!
}

# wait_for DESC SECONDS CMD...: poll CMD until it succeeds or the deadline.
wait_for() {
	local desc=$1 secs=$2 end
	shift 2
	end=$(($(date +%s%N) + secs * 1000000000))
	until "$@" >/dev/null 2>&1; do
		if [ "$(date +%s%N)" -ge "$end" ]; then
			echo "# timed out after ${secs}s waiting for: $desc" >&2
			return 1
		fi
		sleep 0.05
	done
}

# npm_cached NAME PKG...: install the npm packages PKG into
# $LT_BUILDDIR/npm-cache/NAME once (later runs reuse it; a lock keeps two
# tests from installing at once) and print that directory. Fails, with
# npm's last line in $TEST_DIR/npm.log, when node or npm is missing or npm
# cannot install them (no network): callers skip what needs them.
npm_cached() {
	local name=$1 dir
	shift
	dir=$LT_BUILDDIR/npm-cache/$name
	command -v node >/dev/null && command -v npm >/dev/null || {
		echo "node or npm is not installed" >"$TEST_DIR/npm.log"
		return 1
	}
	mkdir -p "$dir" || return 1
	(
		flock -w 300 9 || exit 1
		[ -f "$dir/.done" ] && exit 0
		timeout 240 npm install --prefix "$dir" --no-audit --no-fund \
		    --silent "$@" && touch "$dir/.done"
	) 9>"$dir.lock" >"$TEST_DIR/npm.log" 2>&1 || return 1
	echo "$dir"
}

# start_nats [NAME] [EXTRA ARGS...]: start a nats-server with JetStream on a
# random loopback port (NATS_JS=0: without); sets NATS_URL (and
# NATS_MON_URL with -m).
start_nats() {
	local name=${1:-n1} dir js
	shift || true
	dir=$TEST_DIR/nats-$name
	js=(-js -sd "$dir/js")
	[ "${NATS_JS:-1}" = 1 ] || js=()
	mkdir -p "$dir"
	bg "$NATS_SERVER_BIN" -a 127.0.0.1 -p -1 "${js[@]}" \
	    --ports_file_dir "$dir" -l "$dir/server.log" "$@"
	NATS_PID=$LAST_PID
	wait_for "nats-server ports file" 20 _ports_file "$dir" || return 1
	local pf
	pf=$(ls "$dir"/*.ports)
	NATS_URL=$(sed -n 's/.*"nats":\["\([^"]*\)".*/\1/p' "$pf")
	NATS_MON_URL=$(sed -n 's/.*"monitoring":\["\([^"]*\)".*/\1/p' "$pf")
	export NATS_URL
}

_ports_file() {
	ls "$1"/*.ports >/dev/null 2>&1
}

# stop_pid PID: stop a background process and wait for it.
stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

ok() {
	local cond=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$cond" = 0 ]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=$((tap_failed + 1))
	fi
}

# check DESC CMD...: one test point from a command's exit status.
check() {
	local desc=$1
	shift
	"$@"
	ok $? "$desc"
}

# skip DESC REASON: a TAP test point skipped.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# like TEXT REGEX DESC: TEXT matches the extended regex.
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   %s\n' "$(printf '%s' "$1" | head -c 2000 | sed 's/^/# /')"
		printf '#   does not match: %s\n' "$2"
	fi
}

unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   unexpectedly matches: %s\n' "$2"
		printf '%s\n' "$1" | grep -E -- "$2" | head -5 | sed 's/^/#     /'
	else
		ok 0 "$3"
	fi
}

# exit_code WANT DESC CMD...: run CMD, check its exit status.
exit_code() {
	local want=$1 desc=$2 got
	shift 2
	"$@" >"$TEST_DIR/last.out" 2>"$TEST_DIR/last.err"
	got=$?
	is "$got" "$want" "$desc (exit $want)"
	[ "$got" = "$want" ] || sed 's/^/#   stderr: /' "$TEST_DIR/last.err" | head -5
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
	exit $?
}

# bg_lt NAME ARGS...: run 'latticectl -v ARGS' in the background with
# stdout in $TEST_DIR/NAME.out and stderr in NAME.err, and wait until it
# reports that its subscriptions are in place. Sets LAST_PID.
bg_lt() {
	local name=$1
	shift
	$LT_WRAPPER "$LATTICECTL" -v "$@" >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err" &
	_bg_pids+=($!)
	LAST_PID=$!
	wait_for "$name subscribed" 20 grep -q "subscribed" "$TEST_DIR/$name.err"
}

# wait_pid PID SECONDS: wait for a background process to exit by itself;
# sets WAIT_RC to its exit status (or 124 after the deadline, when it is
# killed).
wait_pid() {
	local pid=$1 secs=$2
	if wait_for "process $pid to exit" "$secs" _not_running "$pid"; then
		wait "$pid"
		WAIT_RC=$?
	else
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		WAIT_RC=124
	fi
}

_not_running() {
	! kill -0 "$1" 2>/dev/null
}

# lines FILE: how many lines FILE has, not counting the date lines that
# text output puts first and where the day changes ("# 2026-11-24 UTC").
lines() {
	echo $(($(wc -l <"$1") - $(grep -c '^# [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] ' "$1")))
}

# undated FILE: FILE without its date lines.
undated() {
	grep -v '^# [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] ' "$1"
}

# start_cluster [N]: N (3) nats-servers with JetStream clustered on
# loopback (cluster "lt"), node I listening on CLUSTER_URL[I] (1-based),
# its process in CLUSTER_PID[I]. NATS_URL is node 1. restart_node I starts
# a stopped node again on the same ports and storage. CLUSTER_NO_JS[I]=1
# (set before start_cluster) runs node I without JetStream, so that R1
# streams are placed on the other nodes.
start_cluster() {
	local n=${1:-3} i ports
	ports=($(python3 -c 'import socket
socks = [socket.socket() for _ in range(2 * '"$n"')]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))'))
	CLUSTER_N=$n
	CLUSTER_ROUTES=
	for ((i = 1; i <= n; i++)); do
		CLUSTER_CPORT[$i]=${ports[$((n + i - 1))]}
		CLUSTER_PORT[$i]=${ports[$((i - 1))]}
		CLUSTER_URL[$i]=nats://127.0.0.1:${CLUSTER_PORT[$i]}
		CLUSTER_ROUTES+=${CLUSTER_ROUTES:+,}nats://127.0.0.1:${CLUSTER_CPORT[$i]}
	done
	for ((i = 1; i <= n; i++)); do
		restart_node "$i" || return 1
	done
	NATS_URL=${CLUSTER_URL[1]}
	export NATS_URL
}

restart_node() {
	local i=$1 dir=$TEST_DIR/cluster-$1
	mkdir -p "$dir"
	rm -f "$dir"/*.ports
	local js=-js
	[ -z "${CLUSTER_NO_JS[$i]:-}" ] || js=
	bg "$NATS_SERVER_BIN" -a 127.0.0.1 -p "${CLUSTER_PORT[$i]}" $js \
	    -sd "$dir/js" -n "node$i" --cluster_name lt \
	    --cluster "nats://127.0.0.1:${CLUSTER_CPORT[$i]}" \
	    --routes "$CLUSTER_ROUTES" --ports_file_dir "$dir" \
	    -l "$dir/server.log"
	CLUSTER_PID[$i]=$LAST_PID
	wait_for "node $i ports file" 20 _ports_file "$dir"
}
