#!/usr/bin/env bash
# t0100-stdio-files: what latticectl writes, and where: a closed standard
# descriptor never becomes the NATS socket, write errors on stdout exit 6,
# and files (kv snapshot -f, --record) follow one set of rules.
. "$LT_SRCDIR/tests/lib/lib.sh"

T() { "$LT_HELPER" "$@"; }
B=CONFIGDATA_default

start_nats
T kv-create $B >/dev/null
T kv-put $B evil $'PUB evil.injected 5\r\nHELLO\r\n' >/dev/null

# With stdout closed, the connection must not be opened on fd 1, else the
# value printed is sent to the server as protocol. A subscriber on evil.>
# sees a sentinel published after latticectl exited; an injected message
# would come first (the server routes one connection's input in order,
# and latticectl's connection is gone before the sentinel is sent).
bg T sub 'evil.>' --count 1 --timeout 20s >"$TEST_DIR/evil.out" \
    2>"$TEST_DIR/evil.err"
evil_pid=$LAST_PID
wait_for "evil.> subscriber" 20 grep -q subscribed "$TEST_DIR/evil.err"
lt kv get evil >&- 2>/dev/null
lt kv get evil <&- 2>&- >/dev/null
echo sentinel | T pub evil.sentinel - >/dev/null
wait_pid "$evil_pid" 20
like "$(cat "$TEST_DIR/evil.out")" '^evil\.sentinel' \
    "stdout closed: a value printed is not sent to the server as protocol"

done_testing
