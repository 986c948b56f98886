#!/usr/bin/env bash
# sanitize.sh: build with AddressSanitizer + UndefinedBehaviorSanitizer and
# run the whole test suite, then run every unit test under valgrind
# (--leak-check=full, any error fails). CI runs the ASan+UBSan suite
# through scripts/test.sh (with SANITIZE_VALGRIND=0).
#
#   scripts/sanitize.sh [meson test args...]
#   ASAN_BUILD_DIR=build-asan  VALGRIND_BUILD_DIR=build-rel
#   SANITIZE_VALGRIND=0: no valgrind pass
set -uo pipefail
cd "$(dirname "$0")/.."
asan=${ASAN_BUILD_DIR:-build-asan}
plain=${VALGRIND_BUILD_DIR:-build-rel}
status=0

if [ ! -f "$asan/build.ninja" ]; then
	meson setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false \
	    >/dev/null || exit 1
fi
ninja -C "$asan" >/dev/null || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Third-party leaks only, each explained in the file.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
echo "sanitize: ASan+UBSan suite in $asan" >&2
meson test -C "$asan" --no-rebuild --print-errorlogs "$@" || status=1

if [ "${SANITIZE_VALGRIND:-1}" = 0 ]; then
	:
elif command -v valgrind >/dev/null; then
	[ -f "$plain/build.ninja" ] || meson setup "$plain" >/dev/null || exit 1
	ninja -C "$plain" >/dev/null || exit 1
	echo "sanitize: valgrind on the unit tests in $plain" >&2
	for t in "$plain"/tests/unit/test-*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		if valgrind -q --leak-check=full --error-exitcode=1 \
		    "$t" >/dev/null 2>"$plain/valgrind-${t##*/}.log"; then
			echo "ok valgrind ${t##*/}"
		else
			status=1
			echo "not ok valgrind ${t##*/} (see $plain/valgrind-${t##*/}.log)"
		fi
	done
else
	echo "sanitize: valgrind not installed, skipped" >&2
fi
exit $status
