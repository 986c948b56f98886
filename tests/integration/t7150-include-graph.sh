#!/usr/bin/env bash
# t7150-include-graph: the module graph (tests/lib/include-graph.py): each
# library function is defined by the module whose header declares it, the
# library's includes form no cycle, and no command includes another
# command's header.
set -u
exec python3 "${LT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/include-graph.py" \
    "${LT_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
