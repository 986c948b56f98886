#!/usr/bin/env bash
# t3200-kv-watch: kv watch shows put/delete/purge live (text, ndjson,
# --record), filters keys by glob, stops on --count/--idle, masks secrets;
# a server restart during the watch is a visible gap, then it resumes.
. "$LT_SRCDIR/tests/lib/lib.sh"

T() { "$LT_HELPER" "$@" >/dev/null; }
B=CONFIGDATA_default
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NATS_URL=nats://127.0.0.1:$port
export NATS_URL
server() {
	mkdir -p "$TEST_DIR/srv"
	rm -f "$TEST_DIR"/srv/*.ports
	bg "$NATS_SERVER_BIN" -a 127.0.0.1 -p "$port" -js -sd "$TEST_DIR/srv/js" \
	    --ports_file_dir "$TEST_DIR/srv" -l "$TEST_DIR/srv/server.log"
	SRV_PID=$LAST_PID
	wait_for "nats-server on $port" 20 _ports_file "$TEST_DIR/srv"
}
server
T kv-create $B --history 3
T kv-put $B before '{"old":true}'

bg_lt text kv watch --count 5
pid=$LAST_PID
bg_lt glob kv watch 'app-*' --count 2
gpid=$LAST_PID
T kv-put $B app-one '{"greeting":"hi","token":"t0p"}'
T kv-put $B other 'plain'
T kv-del $B app-one
T kv-purge $B other
T kv-put $B app-two 'x'
wait_pid "$pid" 20
is "$WAIT_RC" 0 "kv watch --count 5 exits 0"
out=$(cat "$TEST_DIR/text.out")
is "$(lines "$TEST_DIR/text.out")" 5 "five changes, nothing from before the watch"
like "$out" "^[0-9:.]+  put     app-one  rev 2  \{\"greeting\":\"hi\",\"token\":\"<redacted:[0-9a-f]{8}>\"\}" "put line: time, op, key, revision, value"
unlike "$out" "t0p" "secret field masked"
like "$out" "delete  app-one  rev 4$" "delete line"
like "$out" "purge   other  rev 5$" "purge line"
like "$(cat "$TEST_DIR/text.err")" "kv watch: 5 changes, 0 gaps" "summary on stderr"
wait_pid "$gpid" 20
is "$(undated "$TEST_DIR/glob.out" | awk '{ print $3 }' | tr '\n' ' ')" "app-one app-one " "KEY-GLOB filters keys"

bg_lt nd kv watch -o ndjson --count 2 --record "$TEST_DIR/w.ltrec" --show-secrets
pid=$LAST_PID
T kv-put $B app-three '{"token":"t0p"}'
T kv-del $B app-three
wait_pid "$pid" 20
is "$WAIT_RC" 0 "kv watch -o ndjson exits 0"
is "$(jq -r .kind "$TEST_DIR/nd.out" | tr '\n' ' ')" "meta kv kv end " "ndjson: meta, kv records, end"
is "$(jq -r 'select(.kind=="kv") | .op + ":" + .key + ":" + (.revision|tostring)' "$TEST_DIR/nd.out" | tr '\n' ' ')" \
    "put:app-three:7 delete:app-three:8 " "kv records: op, key, revision"
is "$(jq -r 'select(.kind=="kv" and .op=="put") | .value.token' "$TEST_DIR/nd.out")" "t0p" "--show-secrets in records"
is "$(jq -r 'select(.kind=="meta") | .redaction' "$TEST_DIR/nd.out")" "none" "meta records the redaction mode"
is "$(jq -c 'select(.kind=="kv") | [.bucket, .key]' "$TEST_DIR/w.ltrec" | head -n 1)" "[\"$B\",\"app-three\"]" "--record writes kv records"
like "$(lt show "$TEST_DIR/w.ltrec" 2>&1)" "app-three" "the recording renders with show"

# Values are redacted once, as the record is built: URL user information
# goes in every mode (JSON and text values), a secret key masks the value.
bg_lt red kv watch -o ndjson --count 3 --record "$TEST_DIR/red.ltrec"
pid=$LAST_PID
T kv-put $B app-url '{"db":"postgres://app:PlantUrlPw@db:5432/x","greeting":"hi"}'
T kv-put $B app-text 'connect to nats://u:PlantTextPw@h:4222'
T kv-put $B SECRET_app 'PlantSecretVal'
wait_pid "$pid" 20
is "$WAIT_RC" 0 "kv watch of redacted values exits 0"
for f in "$TEST_DIR/red.out" "$TEST_DIR/red.ltrec"; do
	is "$(jq -r 'select(.kind=="kv") | if (.value|type)=="object" then .value.db
	    elif .encoding=="base64" then (.value|@base64d) else .value end' "$f" | tr '\n' '|')" \
	    "postgres://db:5432/x|connect to nats://h:4222|$(jq -r 'select(.kind=="kv" and .key=="SECRET_app") | .value' "$f")|" \
	    "$(basename "$f"): URL user information dropped, values otherwise kept"
	like "$(jq -r 'select(.kind=="kv" and .key=="SECRET_app") | .value' "$f")" '^<redacted:[0-9a-f]{8}>$' \
	    "$(basename "$f"): a secret key's value masked"
	unlike "$(cat "$f")" "Plant" "$(basename "$f"): nothing planted left"
done
like "$(lt kv get app-text --show-secrets)" "^connect to nats://h:4222$" \
    "--show-secrets keeps values but not a URL's user information"

exit_code 0 "--idle ends a quiet watch" lt kv watch --idle 300ms
# a stream has no one document: -o json is refused, -o ndjson is the stream
exit_code 2 "kv watch -o json" lt kv watch -o json --idle 300ms
like "$(head -1 "$TEST_DIR/last.err")" "use -o ndjson" "kv watch -o json points at -o ndjson"
lt kv watch -o ndjson --idle 300ms >"$TEST_DIR/wj.out"
is "$(python3 -c 'import json, sys; print(" ".join(json.loads(l)["kind"] for l in sys.stdin))' <"$TEST_DIR/wj.out")" \
    "meta end" "kv watch -o ndjson: one object per line"
exit_code 2 "bad --count" lt kv watch --count x
exit_code 6 "watch of a missing bucket" lt kv watch --bucket NOPE

# --idle counts the changes shown: puts outside KEY-GLOB do not keep a
# watch running (they did: any message restarted the idle clock)
bg_lt idle kv watch 'only-*' --idle 1s
pid=$LAST_PID
i=0
outside_puts() {	# true once the watch has exited
	i=$((i + 1))
	T kv-put $B "elsewhere-$i" '{"n":1}' >/dev/null
	! kill -0 "$pid" 2>/dev/null
}
wait_for "kv watch ends on --idle while other keys change" 20 outside_puts
ok $? "--idle: changes outside KEY-GLOB do not count as activity"
wait_pid "$pid" 10
is "$WAIT_RC" 0 "--idle with KEY-GLOB exits 0"

# a server restart: a gap, then the watch resumes; sub, on the same
# pipeline, says it reconnected too
bg_lt gap kv watch
pid=$LAST_PID
bg_lt gapsub sub 'gap.>'
subpid=$LAST_PID
T kv-put $B r1 '{"n":1}'
wait_for "r1 seen" 20 grep -q " r1 " "$TEST_DIR/gap.out"
stop_pid "$SRV_PID"
wait_for "disconnect noticed" 20 grep -q "disconnected" "$TEST_DIR/gap.err"
ok $? "kv watch notices the server going away"
server
wait_for "gap shown" 30 grep -q -- "-- gap: disconnected" "$TEST_DIR/gap.out"
ok $? "a visible gap line after the restart"
wait_for "kv watch: reconnected" 20 grep -q "latticectl: kv watch: reconnected to nats://" "$TEST_DIR/gap.err"
ok $? "kv watch says it reconnected"
wait_for "sub: reconnected" 20 grep -q "latticectl: sub: reconnected to nats://" "$TEST_DIR/gapsub.err"
ok $? "sub says it reconnected"
kill -INT "$subpid"
wait_pid "$subpid" 20
is "$WAIT_RC" 0 "SIGINT ends sub with 0 after a reconnect"
like "$(cat "$TEST_DIR/gapsub.err")" "sub: 0 messages; 1 gaps, 0 dropped" "sub's summary counts the gap"
seen_r2() {
	T kv-put $B r2 '{"n":2}'
	grep -q " r2 " "$TEST_DIR/gap.out"
}
wait_for "watch resumed" 40 seen_r2
ok $? "the watch resumes after the restart"
kill -INT "$pid"
wait_pid "$pid" 20
is "$WAIT_RC" 0 "SIGINT ends kv watch with 0"
like "$(cat "$TEST_DIR/gap.err")" "[0-9]+ changes?, 1 gap" "summary counts the gap"

done_testing
