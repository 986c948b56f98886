#!/usr/bin/env bash
# sub-safety-bench.sh: what observing costs the lattice. N config.get
# requests (lt-test-tool req-load, 32 in flight) go through latticesim's
# config queue group (2 hosts), ROUNDS times without observers and ROUNDS
# times while 'latticectl sub > --observe-requests --match-replies' and
# 'latticectl watch' run. Reports each round's wall time, lost/extra
# replies, sub's pairing latency (min/p50/p99/max, request seen to reply
# seen) and the server's /connz counters for the latticectl connections.
# Not run in CI.
#
#   tests/bench/sub-safety-bench.sh [N] [ROUNDS]   (default 10000 3;
#   BUILD_DIR=build)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
ROUNDS=${2:-3}
B=${BUILD_DIR:-build}
ninja -C "$B" >/dev/null
LT=$B/src/latticectl
T=$B/tests/helper/lt-test-tool
GET=wasmbus.ctl.v1.default.config.get.bench_cfg
. scripts/lib-demo.sh
demo_nats -m -1
MON=$(sed -n 's/.*"monitoring":\["\([^"]*\)".*/\1/p' "$demo_dir"/*.ports)
dir=$demo_dir

wait_line() { # FILE PATTERN
	local deadline=$((SECONDS + 20))
	until grep -q "$2" "$1" 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || { echo "bench: no '$2' in $1" >&2; exit 1; }
		sleep 0.05
	done
}

"$B/tests/sim/latticesim" --hosts 2 --no-wadm 2>"$dir/sim.log" &
demo_pids+=($!)
wait_line "$dir/sim.log" "ready:"
echo '{"greeting":"hi"}' >"$dir/cfg.json"
"$T" req "${GET/get/put}" "@$dir/cfg.json" >/dev/null

rounds() { # LABEL
	local i
	for ((i = 1; i <= ROUNDS; i++)); do
		printf '%-16s round %d: %s\n' "$1" "$i" "$("$T" req-load "$GET" --count "$N" --timeout 5s || true)"
	done
}

rounds "no observers"
"$LT" -v sub '>' --observe-requests --match-replies --timeout 2s -o ndjson \
    >"$dir/sub.out" 2>"$dir/sub.err" &
sub_pid=$!
demo_pids+=($sub_pid)
"$LT" -v watch >"$dir/watch.out" 2>"$dir/watch.err" &
watch_pid=$!
demo_pids+=($watch_pid)
wait_line "$dir/sub.err" subscribed
wait_line "$dir/watch.err" subscribed
rounds "sub > + watch"
curl -s "$MON/connz?subs=detail" | jq -r '.connections[] | select(.name | startswith("latticectl/")) |
    "connz: \(.name): in_msgs \(.in_msgs) in_bytes \(.in_bytes) out_msgs \(.out_msgs) queue subs \([.subscriptions_list_detail[] | select(.qgroup)] | length)"'
kill -INT "$sub_pid" "$watch_pid"
wait "$sub_pid" "$watch_pid" || true
tail -1 "$dir/sub.err"
jq -s -r --arg s "$GET" '[.[] | select(.kind == "ctl.reply" and .request_subject == $s and .reply_index == 1) | .latency_ms] | sort |
    "pairing latency ms (\(length) pairs): min \(.[0]) p50 \(.[length / 2 | floor]) p99 \(.[length * 99 / 100 | floor]) max \(.[-1])"' "$dir/sub.out"
