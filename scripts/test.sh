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

python3 - "$BUILD_DIR/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
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
