#!/usr/bin/env bash
# t2100-watch-since: history from the wasmbus_events stream, then live
# events from the same ordered consumer, with neither a duplicate nor a
# hole at the boundary even while events are being published.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}

# make_stream MAX_AGE_NS: the stream wadm 0.13+ creates.
make_stream() {
	T req '$JS.API.STREAM.CREATE.wasmbus_events' \
	    "{\"name\":\"wasmbus_events\",\"subjects\":[\"wasmbus.evt.*.>\"],\"retention\":\"limits\",\"max_age\":$1,\"storage\":\"file\",\"num_replicas\":1}" \
	    >"$TEST_DIR/stream.json"
	grep -q '"did_create":true' "$TEST_DIR/stream.json"
}

start_nats n1

exit_code 6 "--since without the stream" lt watch --since 10m --count 1
like "$(cat "$TEST_DIR/last.err")" "no 'wasmbus_events' stream.*wadm 0\.13" "explains what is missing"
is "$(lines "$TEST_DIR/last.err")" 1 "in one line"

check "stream created" make_stream 3600000000000
T flood wasmbus.evt.default.config_set "$E/config_set.json" --count 500 >/dev/null 2>&1

# History only: --count stops inside the history.
exit_code 0 "--since reads history" lt watch --since 1h --count 3 -o ndjson
is "$(jq -r 'select(.kind=="event") | .stream_seq' "$TEST_DIR/last.out" | tr '\n' ' ')" "1 2 3 " \
    "history starts at the first event kept"
unlike "$(cat "$TEST_DIR/last.err")" "warning" "no retention warning within max_age"

# The boundary: 20000 more events are published while watch starts.
bg T flood wasmbus.evt.default.config_deleted "$E/config_deleted.json" --count 20000 >/dev/null 2>&1
flood_pid=$LAST_PID
bg_lt boundary watch --since 1h --count 20500 -o ndjson
watch_pid=$LAST_PID
wait_pid "$flood_pid" 60
is "$WAIT_RC" 0 "publisher finished"
wait_pid "$watch_pid" 60
is "$WAIT_RC" 0 "watch got all 20500"
jq -r 'select(.kind=="event") | .stream_seq' "$TEST_DIR/boundary.out" >"$TEST_DIR/seqs"
seq 1 20500 >"$TEST_DIR/want"
check "every stream sequence once, in order, across the boundary" cmp -s "$TEST_DIR/seqs" "$TEST_DIR/want"
is "$(jq -r 'select(.kind=="end") | .gaps' "$TEST_DIR/boundary.out")" 0 "no gap recorded"

# Live after history, from the same consumer.
bg_lt live watch --since 1h --type config_set --count 501 -o ndjson --where "data.config_name exists"
T pub-events "$E/config_set.json" >/dev/null
wait_pid "$LAST_PID" 30
is "$WAIT_RC" 0 "history then live: exits after the live event"
is "$(jq -r 'select(.kind=="event") | .stream_seq' "$TEST_DIR/live.out" | tail -1)" 20501 \
    "the live event carries the next stream sequence"
is "$(jq -r 'select(.kind=="event") | .subject' "$TEST_DIR/live.out" | sort -u)" \
    "wasmbus.evt.default.config_set" "--type: only that type"
like "$(cat "$TEST_DIR/live.err")" " 0 filtered out" \
    "--type filters on the server: the 20000 config_deleted never reach watch"

# --since as a time, and text output.
t0=$(date -u -d '-5 minutes' +%Y-%m-%dT%H:%M:%SZ)
exit_code 0 "--since RFC 3339 time" lt watch --since "$t0" --count 2
is "$(lines "$TEST_DIR/last.out")" 2 "two text lines"
like "$(undated "$TEST_DIR/last.out" | head -1)" "config_set" "text rendering of history"
exit_code 2 "--since in the future" lt watch --since 2200-01-01T00:00:00Z --count 1
exit_code 2 "--since garbage" lt watch --since 5 parsecs

# Retention shorter than asked: a warning, and history from the oldest.
T req '$JS.API.STREAM.DELETE.wasmbus_events' >/dev/null
check "short stream created" make_stream 60000000000
T pub-events "$E/config_set.json" >/dev/null
exit_code 0 "--since longer than retention" lt watch --since 2h --count 1
like "$(cat "$TEST_DIR/last.err")" "warning: 'wasmbus_events' keeps events for 1m" "warns about retention"

# A work-queue stream would lose events for wadm: refused.
T req '$JS.API.STREAM.DELETE.wasmbus_events' >/dev/null
T req '$JS.API.STREAM.CREATE.wasmbus_events' \
    '{"name":"wasmbus_events","subjects":["wasmbus.evt.*.>"],"retention":"workqueue","storage":"file","num_replicas":1}' >/dev/null
exit_code 6 "work-queue stream refused" lt watch --since 1h --count 1
like "$(cat "$TEST_DIR/last.err")" "not a limits stream" "says why"

done_testing
