#!/usr/bin/env bash
# otlp-bench.sh: time and peak RSS of 'latticectl report --format otlp'
# against 'report -o ndjson' (the baseline: read and print every record)
# on recordings of 10k, 100k and 1M records. The recordings are made from
# the replay fixture tests/fixtures/recordings/otlp-replay.ltrec: its first
# phase as it is, then the body of its last phase (requests, replies, a
# wadm command, KV changes, events; its gap only once: a gap is a span
# event on its phase span, which stays in memory whole) again and again
# with seq, pair and time moved on, then its findings and end. Not run in
# CI.
#
#   tests/bench/otlp-bench.sh [N...]   (default 10000 100000 1000000;
#   BUILD_DIR=build-rel, a release build made when missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${BUILD_DIR:-build-rel}
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" --buildtype=release >/dev/null
fi
ninja -C "$B" >/dev/null
LT=$B/src/latticectl
FIX=tests/fixtures/recordings/otlp-replay.ltrec
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# gen N: the recording of N records on stdout.
gen() {
	python3 - "$1" "$FIX" <<'PY'
import re, sys
n, lines = int(sys.argv[1]), open(sys.argv[2]).read().splitlines()
last = max(i for i, l in enumerate(lines) if '"kind":"phase"' in l)
first = min(i for i, l in enumerate(lines) if '"kind":"finding"' in l)
head, body, tail = lines[:last + 1], lines[last + 1:first], lines[first:]
out = sys.stdout
seq = 0

def put(l, b=None):
    global seq
    seq += 1
    l = re.sub(r'"seq":\d+', '"seq":%d' % seq, l)
    l = re.sub(r'"records":\d+', '"records":%d' % seq, l)
    if b is not None:
        l = re.sub(r'"pair":(\d+)', lambda m: '"pair":%d' % (int(m[1]) + 100 * b), l)
        l = re.sub(r'"t":"[^"]*\.(\d{9})Z"', lambda m: '"t":"2026-11-24T%02d:%02d:%02d.%sZ"'
                   % (b // 3600, b // 60 % 60, b % 60, m[1]), l)
    out.write(l + "\n")

for l in head:
    put(l)
b = 0
while seq < n - len(tail):
    for l in body:
        if seq < n - len(tail) and (b == 0 or '"kind":"gap"' not in l):
            put(l, b)
    b += 1
for l in tail:
    put(l)
PY
}

# measure FILE ARGS...: "seconds KiB" of one report run.
measure() {
	local f=$1
	shift
	/usr/bin/time -f "%e %M" -o "$dir/time" "$LT" report "$f" "$@" >"$dir/out"
	cat "$dir/time"
}

printf '%-9s %-22s %-22s %-14s %s\n' records "ndjson (s, MiB)" \
    "otlp (s, MiB)" "otlp/ndjson" "otlp lines"
for n in "${@:-10000 100000 1000000}"; do
	for n1 in $n; do
		gen "$n1" >"$dir/r.ltrec"
		read -r ns nk < <(measure "$dir/r.ltrec" -o ndjson)
		read -r os ok < <(measure "$dir/r.ltrec" --format otlp)
		lines=$(wc -l <"$dir/out")
		awk -v n="$n1" -v ns="$ns" -v nk="$nk" -v os="$os" -v ok="$ok" \
		    -v l="$lines" 'BEGIN {
			printf "%-9d %6.2f s %8.1f MiB   %6.2f s %8.1f MiB   " \
			    "%4.1fx %4.2fx  %d\n", n, ns, nk / 1024, os, ok / 1024,
			    os / ns, ok / nk, l }'
	done
done
