#!/usr/bin/env bash
# test.sh: set everything up, run every test suite against real
# nats-servers, and end with one line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
BUILD_DIR=${BUILD_DIR:-build}

meson test -C "$BUILD_DIR" --no-rebuild --print-errorlogs \
    --num-processes "${TEST_JOBS:-2}" ${MESON_TEST_ARGS:-}
status=$?

# A brief fuzz pass (~10 s per harness) when clang is there; each harness
# counts as one test.
fuzz_out=$BUILD_DIR/fuzz-results.txt
: >"$fuzz_out"
if command -v clang >/dev/null; then
	FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-$BUILD_DIR-fuzz} \
	    bash scripts/fuzz.sh "${FUZZ_SECONDS:-10}" | tee "$fuzz_out" || status=1
	grep -q '^ok ' "$fuzz_out" || { echo "not ok fuzz build" >>"$fuzz_out"; status=1; }
fi

# The same suite again built with ASan+UBSan (scripts/sanitize.sh, ~3 min
# on 2 cores); its tests count too. LT_SANITIZE=0 skips it.
logs=("$BUILD_DIR/meson-logs/testlog.json")
if [ "${LT_SANITIZE:-1}" != 0 ]; then
	asan=${ASAN_BUILD_DIR:-$BUILD_DIR-asan}
	rm -f "$asan/meson-logs/testlog.json"
	ASAN_BUILD_DIR=$asan SANITIZE_VALGRIND=0 bash scripts/sanitize.sh \
	    --num-processes "${TEST_JOBS:-2}" ${MESON_TEST_ARGS:-} || status=1
	[ -s "$asan/meson-logs/testlog.json" ] ||
	    echo "not ok asan build" >>"$fuzz_out"
	logs+=("$asan/meson-logs/testlog.json")
fi

python3 - "$fuzz_out" "${logs[@]}" <<'PY'
import json, os, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
for line in open(sys.argv[1]):
    if line.startswith("ok "):
        counts["passed"] += 1
    elif line.startswith("not ok "):
        counts["failed"] += 1
for log in sys.argv[2:]:
    for line in open(log) if os.path.exists(log) else ():
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            counts["passed"] += 1
        elif r == "SKIP":
            counts["skipped"] += 1
        else:
            counts["failed"] += 1
print("tests: %(passed)d passed, %(failed)d failed, %(skipped)d skipped" % counts)
PY
exit $status
