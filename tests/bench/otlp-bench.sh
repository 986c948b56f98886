#!/usr/bin/env bash
# otlp-bench.sh: time and peak RSS of 'latticectl report --format otlp'
# against 'report -o ndjson' (the baseline: read and print every record)
# on recordings of 10k, 100k and 1M records. The recordings are made from
# the replay fixture tests/fixtures/recordings/otlp-replay.ltrec: its first
# phase as it is, then the body of its last phase (requests, replies, a
# wadm command, KV changes, events, a gap) again and again with seq, pair
# and time moved on, then its findings and end. Not run in CI.
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
	awk -v n="$1" '
	function ts(sec, frac) {
		return sprintf("2026-11-24T%02d:%02d:%02d.%s", int(sec / 3600),
		    int(sec / 60) % 60, sec % 60, frac)
	}
	function renumber(l) {
		sub(/"seq":[0-9]+/, "\"seq\":" seq, l)
		sub(/"records":[0-9]+/, "\"records\":" seq, l)
		return l
	}
	{ line[NR] = $0 }
	/"kind":"phase"/ { lastphase = NR }
	/"kind":"finding"/ && !first { first = NR }
	END {
		tail = NR - first + 1
		for (seq = 1; seq <= lastphase; seq++)
			print line[seq]
		seq--
		for (b = 0; seq < n - tail; b++)
			for (i = lastphase + 1; i < first && seq < n - tail; i++) {
				seq++
				l = renumber(line[i])
				if (match(l, /"pair":[0-9]+/))
					sub(/"pair":[0-9]+/, "\"pair\":" \
					    (substr(l, RSTART + 7, RLENGTH - 7) + 100 * b), l)
				if (match(l, /"t":"[^"]*"/))
					sub(/"t":"[^"]*"/, "\"t\":\"" \
					    ts(b, substr(l, RSTART + 25, 9)) "Z\"", l)
				print l
			}
		for (i = first; i <= NR; i++) {
			seq++
			print renumber(line[i])
		}
	}' "$FIX"
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
