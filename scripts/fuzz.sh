#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer harnesses (clang, -Dfuzz=true) and fuzz
# each for a fixed time, starting from tests/fuzz/corpus/NAME. New inputs
# go to a scratch corpus, never into the repository; a crash leaves its
# input as $FUZZ_DIR/crash-NAME-* and fails the run.
#
#   scripts/fuzz.sh [SECONDS-EACH] [HARNESS...]   (default 10 s, all)
#   FUZZ_BUILD_DIR=build-fuzz  FUZZ_DIR=$TMPDIR/latticectl-fuzz
#
# Ends with one TAP-ish line per harness ("ok fuzz-event 10s 12345 runs").
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
shift $(($# ? 1 : 0))
build=${FUZZ_BUILD_DIR:-build-fuzz}
work=${FUZZ_DIR:-${TMPDIR:-/tmp}/latticectl-fuzz}

if ! command -v clang >/dev/null; then
	echo "fuzz: clang not found" >&2
	exit 77
fi
all=(ctl event filter findings manifest otlp payload rec snapshot text wadm)
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Db_lto=false >/dev/null || exit 1
fi
ninja -C "$build" $(printf 'tests/fuzz/fuzz-%s ' "${all[@]}") \
    >/dev/null || exit 1

names=("$@")
((${#names[@]})) || names=("${all[@]}")
failed=0
for n in "${names[@]}"; do
	exe=$build/tests/fuzz/fuzz-$n
	corpus=$work/corpus-$n
	mkdir -p "$corpus"
	log=$work/$n.log
	if "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$work/crash-$n-" \
	    "$corpus" "tests/fuzz/corpus/$n" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok fuzz-$n ${secs}s ${runs:-?} runs"
	else
		failed=1
		echo "not ok fuzz-$n (see $log)"
		grep -m1 -A12 'ERROR:\|runtime error' "$log" >&2
	fi
done
exit $failed
