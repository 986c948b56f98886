#!/usr/bin/env bash
# kv-bench.sh: 'kv snapshot' and 'kv diff' at scale (issue 4). Fills a
# bucket with N keys (100,000 by default; values are ~60-byte JSON maps),
# then times, in one run:
#   baseline   kvStore_Keys + one kvStore_Get per key (what 'nats kv ls'
#              and 'nats kv get' amount to), from lt-bench kv-getall
#   bare walk  a bare nats.c kvStore_WatchAll loop (lt-bench kv-walk)
#   snapshot   latticectl kv snapshot -f FILE
#   diff       latticectl kv diff of two snapshots differing in 1% of keys
# and prints the ratios against the targets (snapshot >= 20x faster than
# the baseline, diff < 1/3 of the snapshot, diff peak RSS < 4x the two
# files) and peak RSS from /usr/bin/time -v. Not run in CI.
#
#   tests/bench/kv-bench.sh [N]        BUILD_DIR=build-rel by default
#   NO_BASELINE=1 skips the baseline (slow at 1,000,000 keys)
set -uo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
B=${BUILD_DIR:-build-rel}
LATTICECTL=$B/src/latticectl
BENCH=$B/tests/bench/lt-bench
TOOL=$B/tests/helper/lt-test-tool
. scripts/lib-demo.sh
demo_nats
dir=$demo_dir
export NATS_URL

# timed NAME CMD...: run CMD under /usr/bin/time -v; sets SECS and RSS_KB.
timed() {
	local name=$1
	shift
	/usr/bin/time -v -o "$dir/$name.time" "$@" >"$dir/$name.out" \
	    2>"$dir/$name.err"
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":");
	    s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
	    "$dir/$name.time")
	RSS_KB=$(awk -F': ' '/Maximum resident/ { print $2 }' "$dir/$name.time")
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

"$TOOL" kv-create BENCH --history 1 || exit 1
t0=$(date +%s.%N)
"$TOOL" kv-fill BENCH --count "$N" || exit 1
echo "filled $N keys in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"

if [ -z "${NO_BASELINE:-}" ]; then
	timed baseline "$BENCH" -s "$NATS_URL" kv-getall BENCH
	base=$SECS
	echo "baseline (keys + get each):   ${base}s  $(cat "$dir/baseline.out")"
fi
timed walk "$BENCH" -s "$NATS_URL" kv-walk BENCH
walk=$SECS
echo "bare nats.c watch-all loop:    ${walk}s  $(cat "$dir/walk.out")"
timed snap "$LATTICECTL" -q kv snapshot --bucket BENCH -f "$dir/a.snap"
snap=$SECS snap_rss=$RSS_KB
asize=$(stat -c %s "$dir/a.snap")
echo "latticectl kv snapshot:        ${snap}s  peak RSS ${snap_rss} KiB, file $((asize / 1024)) KiB"

"$TOOL" kv-fill BENCH --count "$N" --every 100 --tag changed || exit 1
"$LATTICECTL" -q kv snapshot --bucket BENCH -f "$dir/b.snap" || exit 1
bsize=$(stat -c %s "$dir/b.snap")
timed diff "$LATTICECTL" -q kv diff "$dir/a.snap" "$dir/b.snap"
diff=$SECS diff_rss=$RSS_KB
echo "latticectl kv diff (1%):       ${diff}s  peak RSS ${diff_rss} KiB, exit $(grep -c '^~' "$dir/diff.out") changed keys"

echo
[ -n "${NO_BASELINE:-}" ] || echo "snapshot vs baseline:  $(ratio "$base" "$snap")x faster (target >= 20x)"
echo "snapshot vs bare walk: $(ratio "$snap" "$walk")x the bare loop's time"
echo "diff / snapshot:       $(ratio "$diff" "$snap") (target < 0.33)"
echo "diff RSS / files:      $(ratio "$((diff_rss * 1024))" "$((asize + bsize))")x the two files' size (target < 4)"
echo "snapshot RSS / file:   $(ratio "$((snap_rss * 1024))" "$asize")x the file's size"
