#!/usr/bin/env bash
# t7160-opt-names: every command option row is bound to a struct member,
# and every option a C file looks up by name (lt_args_get,
# lt_opt_find) is declared in an option table (tests/lib/opt-names.py);
# bound options are struct members, checked by the compiler.
set -u
exec python3 "${LT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/opt-names.py" \
    "${LT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
