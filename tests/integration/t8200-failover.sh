#!/usr/bin/env bash
# t8200-failover: a 3-node JetStream cluster; the node 'watch' is connected
# to is killed and restarted while events are published. 'watch --since'
# delivers every event the stream kept, each exactly once; a core-mode
# watch shows the gap.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
# T URL ARGS...: lt-test-tool against one node.
T() {
	local url=$1
	shift
	"$LT_HELPER" -s "$url" "$@"
}
make_stream() {
	T "${CLUSTER_URL[2]}" req '$JS.API.STREAM.CREATE.wasmbus_events' \
	    '{"name":"wasmbus_events","subjects":["wasmbus.evt.*.>"],"retention":"limits","max_age":3600000000000,"storage":"file","num_replicas":3}' \
	    >"$TEST_DIR/stream.json" 2>&1
	grep -q '"did_create":true\|"config"' "$TEST_DIR/stream.json"
}
# last_seq URL: the stream's last sequence as that node's cluster sees it.
last_seq() {
	T "$1" req '$JS.API.STREAM.INFO.wasmbus_events' 2>/dev/null |
	    jq -er '.state.last_seq // empty'
}
got() {
	jq -r 'select(.kind=="event") | .stream_seq' "$TEST_DIR/since.out" 2>/dev/null | wc -l
}
at_least() {
	[ "$(got)" -ge "$1" ]
}
flood() {
	T "$1" flood wasmbus.evt.default.config_set "$E/config_set.json" --count "$2" >/dev/null 2>&1
}

start_cluster 3
wait_for "R3 stream created" 60 make_stream
ok $? "3-node cluster with an R3 wasmbus_events stream"
flood "${CLUSTER_URL[2]}" 200
seq_at_least() { [ "$(last_seq "$1")" -ge "$2" ] 2>/dev/null; }	# polled afresh
wait_for "200 stored" 20 seq_at_least "${CLUSTER_URL[2]}" 200

bg_lt since watch -s "${CLUSTER_URL[1]}" --since 1h -o ndjson
since_pid=$LAST_PID
bg_lt core watch -s "${CLUSTER_URL[1]}"
core_pid=$LAST_PID
wait_for "history read" 30 at_least 200
ok $? "history read through node 1"

stop_pid "${CLUSTER_PID[1]}"
wait_for "disconnect noticed" 20 grep -q disconnected "$TEST_DIR/since.err"
ok $? "watch --since notices node 1 going away"
wait_for "stream available on node 2" 60 last_seq "${CLUSTER_URL[2]}"
flood "${CLUSTER_URL[2]}" 200
# (not jq -e: jq 1.6 takes its exit status from the last input line)
has_gap() {
	jq -r 'select(.kind=="gap") | .kind' "$TEST_DIR/since.out" 2>/dev/null |
	    grep -q gap
}
wait_for "reconnected elsewhere" 30 has_gap
ok $? "watch --since reconnects to another node (gap record)"
restart_node 1
wait_for "stream available on node 1" 60 last_seq "${CLUSTER_URL[1]}"
flood "${CLUSTER_URL[3]}" 200
wait_for "stream settled" 30 seq_at_least "${CLUSTER_URL[3]}" 400
last=$(last_seq "${CLUSTER_URL[3]}")
# (a re-creation refused during the leader election is retried on the
# consumer's missed-heartbeat timer, about 15 s later)
wait_for "all $last events seen" 60 at_least "$last"
kill -INT "$since_pid"
wait_pid "$since_pid" 20
is "$WAIT_RC" 0 "watch --since exits 0 on SIGINT"
seqs=$(jq -r 'select(.kind=="event") | .stream_seq' "$TEST_DIR/since.out")
is "$(echo "$seqs" | sort -n | uniq -d | wc -l | tr -d ' ')" 0 "no event delivered twice"
# (nats.c 3.4 recreates an ordered consumer after a failover by start
# sequence and keeps the rest of its config: watch resolves --since to a
# start sequence first, so the server accepts the re-creation.)
is "$(echo "$seqs" | sort -n | uniq | wc -l | tr -d ' ')" "$last" \
    "every one of the $last stored events delivered"
is "$(echo "$seqs" | sort -n | tail -1)" "$last" "up to the last sequence"
is "$(echo "$seqs" | awk 'NR > 1 && $1 != prev + 1 { n++ } { prev = $1 } END { print n + 0 }')" 0 \
    "in stream order, without a hole"
# A consumer re-creation refused while the cluster elects new leaders is
# retried by nats.c; watch shows each refusal as a client-error gap.
like "$(jq -r 'select(.kind=="gap") | "\(.reason) \(.detail)"' "$TEST_DIR/since.out" | sort -u)" \
    "^(disconnected nats://|client-error [a-zA-Z])" "gap records say what happened"

kill -INT "$core_pid"
wait_pid "$core_pid" 20
like "$(cat "$TEST_DIR/core.out")" "-- gap: .*disconnect" "core-mode watch shows a gap line"

done_testing
