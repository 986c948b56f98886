#!/usr/bin/env bash
# report-bench.sh: 'latticectl report' on long recordings (issue 17). For
# each size (10,000, 100,000 and 1,000,000 records by default), writes a
# replay-like recording with tests/bench/gen-recording.py (4 hosts, 4
# findings) and times, in one run, with peak RSS from /usr/bin/time -v:
#   show       latticectl show FILE > /dev/null (the baseline: one pass,
#              one line per record)
#   markdown   latticectl report FILE -f OUT.md (two passes; the timeline
#              file beside it)
#   html       latticectl report FILE --format html -f OUT.html
# then opens the HTML of the smallest size in headless Chromium and prints
# the time from navigation to the second frame after the load event
# (a copy of the page with a probe script appended), next to the same for
# an empty page, best and median of BENCH_ROUNDS (3). Not run in CI.
#
#   tests/bench/report-bench.sh [N...]     BUILD_DIR=build-rel by default
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${BUILD_DIR:-build-rel}
LATTICECTL=$B/src/latticectl
ROUNDS=${BENCH_ROUNDS:-3}
[ $# -gt 0 ] || set -- 10000 100000 1000000
dir=$(mktemp -d "${TMPDIR:-/tmp}/report-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# timed NAME CMD...: run CMD under /usr/bin/time -v; sets SECS (wall), CPU
# (user+sys, steadier on a shared machine) and MIB (peak RSS).
timed() {
	local name=$1
	shift
	/usr/bin/time -v -o "$dir/$name.time" "$@" >/dev/null 2>"$dir/$name.err"
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":");
	    s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
	    "$dir/$name.time")
	CPU=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' \
	    "$dir/$name.time")
	MIB=$(awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' \
	    "$dir/$name.time")
}
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

x() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }
echo "| records | file | show | markdown (report, timeline file) | html |"
echo "|---|---|---|---|---|"
for n in "$@"; do
	rec=$dir/r$n.ltrec
	python3 tests/bench/gen-recording.py "$n" "$rec" --hosts 4 --findings 4
	timed show "$LATTICECTL" show "$rec"
	show="$SECS s, CPU $CPU s, $MIB MiB"
	base=$SECS base_cpu=$CPU
	timed md "$LATTICECTL" report "$rec" -f "$dir/r$n.md"
	md="$SECS s ($(x "$SECS" "$base")), CPU $CPU s ($(x "$CPU" "$base_cpu")), $MIB MiB; $(wc -m <"$dir/r$n.md") chars"
	[ -e "$dir/r$n.timeline.txt" ] && md="$md + $(size "$dir/r$n.timeline.txt")"
	timed html "$LATTICECTL" report "$rec" --format html -f "$dir/r$n.html"
	html="$SECS s ($(x "$SECS" "$base")), CPU $CPU s ($(x "$CPU" "$base_cpu")), $MIB MiB; $(size "$dir/r$n.html")"
	echo "| $n | $(size "$rec") | $show | $md | $html |"
	rm -f "$rec" "$dir/r$n.timeline.txt"
done

CHROME=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROME" ] || { echo "(no chromium: no page timing)"; exit 0; }
probe="<script>addEventListener('load',function(){requestAnimationFrame(function(){requestAnimationFrame(function(){console.log('LT-LOADED '+Math.round(performance.now()))})})})</script>"
printf '<!DOCTYPE html><p>empty</p>%s\n' "$probe" >"$dir/empty.html"
{ cat "$dir/r$1.html"; echo "$probe"; } >"$dir/page.html"
# load PAGE: milliseconds to the second frame after load, one per round.
load() {
	local i
	for ((i = 0; i < ROUNDS; i++)); do
		timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		    --user-data-dir="$dir/chrome" --enable-logging=stderr --v=0 \
		    --window-size=1400,900 --screenshot="$dir/shot.png" \
		    "file://$1" 2>&1 | sed -n 's/.*LT-LOADED \([0-9]*\).*/\1/p'
	done | sort -n | awk '{ v[NR] = $1 } END { printf "best %d ms, median %d ms", v[1], v[int((NR + 1) / 2)] }'
}
echo
echo "Chromium, $1 records ($(size "$dir/r$1.html")): $(load "$dir/page.html"); an empty page: $(load "$dir/empty.html") (load average $(cut -d' ' -f1 /proc/loadavg))"
