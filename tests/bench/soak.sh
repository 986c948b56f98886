#!/usr/bin/env bash
# soak.sh: 10 million events (by default) through 'watch -o ndjson
# >/dev/null' from lt-bench, sampling watch's resident memory from /proc
# every second. Prints the RSS at start, peak and end, the end/start ratio
# and watch's summary (events, drops, gaps). Not run in CI.
#
#   tests/bench/soak.sh [EVENTS]      BUILD_DIR=build-rel by default
set -uo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000000}
B=${BUILD_DIR:-build-rel}
LATTICECTL=$B/src/latticectl
BENCH=$B/tests/bench/lt-bench
EV=$(cd "$(dirname "$0")/../fixtures/events" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/lt-soak.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

nats-server -a 127.0.0.1 -p -1 --ports_file_dir "$dir" -l "$dir/server.log" &
pids+=($!)
for _ in $(seq 100); do ls "$dir"/*.ports >/dev/null 2>&1 && break; sleep 0.1; done
url=$(sed -n 's/.*"nats":\["\([^"]*\)".*/\1/p' "$dir"/*.ports)

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

"$LATTICECTL" -v -s "$url" watch -o ndjson --idle 10s >/dev/null 2>"$dir/watch.err" &
wpid=$!
pids+=($wpid)
for _ in $(seq 200); do grep -q subscribed "$dir/watch.err" && break; sleep 0.05; done
start=$(rss "$wpid")
peak=$start
"$BENCH" -s "$url" pub --count "$N" "$EV"/*.json >"$dir/pub.out" 2>&1 &
bpid=$!
pids+=($bpid)
while kill -0 "$wpid" 2>/dev/null; do
	r=$(rss "$wpid")
	[ -n "$r" ] && { last=$r; [ "$r" -gt "$peak" ] && peak=$r; }
	sleep 1
done
wait "$wpid"
rc=$?
end=${last:-$start}
echo "soak: $N events published: $(tail -1 "$dir/pub.out")"
echo "soak: watch exit $rc; $(grep 'events' "$dir/watch.err" | tail -1)"
echo "soak: RSS start ${start} kB, peak ${peak} kB, end ${end} kB"
awk -v s="$start" -v e="$end" -v p="$peak" \
    'BEGIN { printf "soak: RSS end/start %.2f, peak/start %.2f\n", e / s, p / s }'
