#!/usr/bin/env bash
# t2200-watch-faults: a server restart and a consumer too slow for the
# publisher are visible gaps (line, record, summary), never silent loss.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}

start_nats n1
port=${NATS_URL##*:}

# Server restart on the same port: a gap line and record, then events.
bg_lt restart watch --record "$TEST_DIR/restart.ltrec" --count 2
watch_pid=$LAST_PID
T pub-events "$E/config_set.json" >/dev/null
wait_for "first event shown" 20 grep -q config_set "$TEST_DIR/restart.out"
stop_pid "$NATS_PID"
wait_for "disconnect noticed" 20 grep -q "disconnected" "$TEST_DIR/restart.err"
"$NATS_SERVER_BIN" -a 127.0.0.1 -p "$port" -js -sd "$TEST_DIR/nats-n1/js" \
    -l "$TEST_DIR/nats-n1/server2.log" &
_bg_pids+=($!)
wait_for "reconnected" 30 grep -q "reconnected" "$TEST_DIR/restart.err"
T pub-events "$E/config_deleted.json" >/dev/null
wait_pid "$watch_pid" 20
is "$WAIT_RC" 0 "watch survives the restart and exits after 2 events"
out=$(cat "$TEST_DIR/restart.out")
like "$out" "config_set" "event before the restart"
like "$out" "-- gap: .*disconnected" "a gap line between them"
like "$(tail -1 "$TEST_DIR/restart.out")" "config_deleted" "event after the restart"
is "$(jq -r .kind "$TEST_DIR/restart.ltrec" | tr '\n' ' ')" "meta event gap event end " \
    "recording: the gap sits between the events"
like "$(jq -r 'select(.kind=="gap") | .reason' "$TEST_DIR/restart.ltrec")" "disconnect" \
    "the gap record says why"
like "$(cat "$TEST_DIR/restart.err")" "1 gap" "summary counts the gap"

# A consumer slower than the publisher: drops become a gap with a count.
bg_lt slow watch --max-pending 100 -o ndjson --idle 2s
slow_pid=$LAST_PID
kill -STOP "$slow_pid"
T flood wasmbus.evt.default.config_set "$E/config_set.json" --count 5000 >/dev/null 2>&1
T pub-events "$E/config_deleted.json" >/dev/null
kill -CONT "$slow_pid"
wait_pid "$slow_pid" 30
is "$WAIT_RC" 0 "slow watch exits on --idle"
shown=$(jq -r 'select(.kind=="event")' "$TEST_DIR/slow.out" | jq -s length)
dropped=$(jq -r 'select(.kind=="gap") | .dropped' "$TEST_DIR/slow.out" | awk '{s+=$1} END {print s+0}')
ok "$([ "$dropped" -gt 0 ] && echo 0 || echo 1)" "messages were dropped ($dropped) and recorded as a gap"
is "$((shown + dropped))" 5001 "shown + dropped = published ($shown + $dropped)"
like "$(jq -r 'select(.kind=="gap") | .reason' "$TEST_DIR/slow.out" | sort -u)" "slow" \
    "the gap says the consumer was slow"
is "$(jq -r 'select(.kind=="end") | .dropped' "$TEST_DIR/slow.out")" "$dropped" "the end record totals the drops"

# A recording that stops taking writes (a 16 KiB file size limit, as a
# full disk would): watch stops with the error, exit 6, and what reached
# the file is a valid prefix that show reads.
(
	trap '' XFSZ	# writes past the limit fail with EFBIG instead
	ulimit -f 16
	exec "$LATTICECTL" -v -s "$NATS_URL" watch --record "$TEST_DIR/full.ltrec" \
	    --count 5000
) >/dev/null 2>"$TEST_DIR/full.err" &
full_pid=$!
_bg_pids+=("$full_pid")
wait_for "subscribed under the file size limit" 20 grep -q subscribed "$TEST_DIR/full.err"
T flood wasmbus.evt.default.config_set "$E/config_set.json" --count 2000 >/dev/null 2>&1
wait_pid "$full_pid" 30
is "$WAIT_RC" 6 "a recording that cannot be written: exit 6"
like "$(cat "$TEST_DIR/full.err")" "cannot write recording: File too large" \
    "one line says why"
recorded=$(jq -r 'select(.kind=="event")' "$TEST_DIR/full.ltrec" 2>/dev/null | jq -s length)
ok "$([ "$recorded" -gt 0 ] && echo 0 || echo 1)" \
    "the events recorded before the failure stay readable ($recorded)"
like "$(lt show "$TEST_DIR/full.ltrec" 2>&1 >/dev/null)" "truncated|no end record" \
    "show reads the prefix and says it ends early"

exit_code 2 "--max-pending 0" lt watch --max-pending 0
# A regular expression the C library would spend gigabytes on.
exit_code 2 "a --where regular expression bomb" lt watch --where 'data.x~a{255}{255}{255}'
like "$(cat "$TEST_DIR/last.err")" "too complex" "and says why"

done_testing
