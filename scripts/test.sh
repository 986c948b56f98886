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

python3 - "$BUILD_DIR/meson-logs/testlog.json" "$fuzz_out" <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
for line in open(sys.argv[2]):
    if line.startswith("ok "):
        counts["passed"] += 1
    elif line.startswith("not ok "):
        counts["failed"] += 1
for line in open(sys.argv[1]):
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
