#!/usr/bin/env bash
# t4000-sub: 'latticectl sub' refuses what is unsafe before it connects
# (queue groups, request subjects without --observe-requests), shows and
# records plain traffic, pairs requests with replies and reports the
# unanswered ones. No simulator: lt-test-tool publishes and responds.
. "$LT_SRCDIR/tests/lib/lib.sh"

T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}

# Refusals happen before connecting: no server needed, exit 2.
export NATS_URL=nats://127.0.0.1:1
# as watch: no buffer at all is a usage error (sub took 0 as nats.c's
# default, silently)
exit_code 2 "sub --max-pending 0" lt sub wasmbus.evt.default.x --max-pending 0
like "$(cat "$TEST_DIR/last.err")" "--max-pending must be at least 1" "says why"
exit_code 2 "sub '>' without --observe-requests" lt sub '>'
like "$(cat "$TEST_DIR/last.err")" "'>' overlaps request subjects \(ctl 'wasmbus.ctl.v1.default.>', wadm.api 'wadm.api.default.>'" \
    "explains which request subjects '>' overlaps"
like "$(cat "$TEST_DIR/last.err")" "times out instead of failing fast with 'no responders'; pass --observe-requests" \
    "explains the side effect and the flag"
exit_code 2 "sub wasmbus.ctl.> without --observe-requests" lt sub 'wasmbus.ctl.>'
like "$(cat "$TEST_DIR/last.err")" "'wasmbus.ctl.>' overlaps request subjects \(ctl 'wasmbus.ctl.v1.default.>'\)" \
    "wasmbus.ctl.> is the ctl class only"
exit_code 2 "sub wasmcloud.secrets.> without --observe-requests" lt sub 'wasmcloud.secrets.>'
like "$(cat "$TEST_DIR/last.err")" "'wasmcloud.secrets.>' overlaps request subjects \(host-request 'wasmcloud.secrets.>'\)" \
    "names the secrets pattern it overlaps"
unlike "$(cat "$TEST_DIR/last.err")" "wasmbus.cfg" "not the config request pattern"
exit_code 2 "sub wasmbus.cfg.*.req without --observe-requests" lt sub 'wasmbus.cfg.*.req'
like "$(cat "$TEST_DIR/last.err")" "\(host-request 'wasmbus.cfg.default.req'\)" "names the config request pattern"
exit_code 2 "sub _INBOX.> without --observe-requests" lt sub '_INBOX.>'
like "$(cat "$TEST_DIR/last.err")" "'_INBOX.>' overlaps reply subjects \(inbox '_INBOX.>'\): while subscribed, other clients' replies \(config values, secrets\) are seen.*; pass --observe-requests" \
    "an inbox subject needs --observe-requests, and says why"
exit_code 2 "_INBOX.* whatever --inbox-prefix says" lt --inbox-prefix MYBOX sub '_INBOX.*'
like "$(cat "$TEST_DIR/last.err")" "inbox '_INBOX.>'" "names _INBOX.>"
exit_code 2 "the custom inbox prefix too" lt --inbox-prefix MYBOX sub 'MYBOX.x.>'
like "$(cat "$TEST_DIR/last.err")" "inbox 'MYBOX.>'" "names the custom inbox"
exit_code 2 "'>' names the inbox among the rest" lt sub '>'
like "$(cat "$TEST_DIR/last.err")" "inbox '_INBOX.>'\): while subscribed, other clients' replies are seen, and a request nobody answers" \
    "'>' also says replies are seen"
exit_code 3 "_INBOX.> with --observe-requests, then connect fails" lt sub '_INBOX.>' --observe-requests
like "$(cat "$TEST_DIR/last.err")" "warning: observing reply subjects \(inbox '_INBOX.>'\) through '_INBOX.>'" \
    "warns when it does subscribe"
exit_code 3 "'>' with --observe-requests, then connect fails" lt sub '>' --observe-requests
like "$(cat "$TEST_DIR/last.err")" "warning: observing request subjects \(.*inbox '_INBOX.>'\) through '>': until this exits, other clients' replies are seen, and a request nobody answers" \
    "the warning for '>' names both effects, as the refusal does"
exit_code 2 "lattice and prefix are honoured" lt -x prod --ctl-prefix acme.ctl sub 'acme.ctl.v1.*.host.ping'
like "$(cat "$TEST_DIR/last.err")" "ctl 'acme.ctl.v1.prod.>'" "custom prefix in the explanation"
exit_code 2 "sub --queue is refused" lt sub --queue grp 'wasmbus.evt.default.>'
like "$(cat "$TEST_DIR/last.err")" "refusing --queue 'grp'.*'wasmbus.ctl.v1.default.link', 'wasmbus.ctl.v1.default.claims' and 'wasmbus.ctl.v1.default.config', wadm in 'wadm_server'" \
    "--queue refusal names the groups hosts and wadm use"
exit_code 2 "invalid subject" lt sub 'a..b'
like "$(cat "$TEST_DIR/last.err")" "invalid subject 'a..b'" "names the bad subject"
exit_code 2 "no subject" lt sub
exit_code 3 "events need no flag, then connect fails" lt sub 'wasmbus.evt.default.>'

start_nats n1

# Plain traffic: text, headers, count.
bg_lt plain sub 'demo.>' --headers --count 2
printf '{"x": 1}' | T pub demo.a - --header 'Trace:abc' >/dev/null
printf 'two words' | T pub demo.b - >/dev/null
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "--count 2 exits 0"
out=$(cat "$TEST_DIR/plain.out")
like "$out" '^[0-9:.]+  demo\.a  \{"x":1\}' "text line: time, subject, compact JSON"
like "$out" 'Trace: abc' "--headers prints headers"
like "$out" 'demo\.b  two words' "text payload as is"
like "$(cat "$TEST_DIR/plain.err")" 'sub: 2 messages' "summary on stderr"

# ndjson and a recording.
bg_lt nd sub 'wasmbus.evt.default.>' -o ndjson --record "$TEST_DIR/nd.ltrec" --count 1
T pub wasmbus.evt.default.config_set "$FIXTURES/events/config_set.json" >/dev/null
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "ndjson run exits 0"
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/nd.out")" \
    com.wasmcloud.lattice.config_set "events are recorded as kind event"
is "$(jq -r .kind "$TEST_DIR/nd.ltrec" | tr '\n' ' ')" "meta event end " \
    "recording: meta, event, end"
is "$(jq -r .kind "$TEST_DIR/nd.out" | tr '\n' ' ')" "meta event end " \
    "ndjson stdout: meta, event, end, as the recording"
is "$(head -1 "$TEST_DIR/nd.out" | jq -r '.schema + " " + .lattice')" \
    "latticectl.rec/1 default" "the meta record names the schema and lattice"

# 'sub -o ndjson > FILE' is a recording that show reads like --record's.
bg_lt ndshow sub 'wasmbus.evt.default.>' 'demo.>' -o ndjson --count 2
T pub wasmbus.evt.default.config_set "$FIXTURES/events/config_set.json" >/dev/null
printf 'plain' | T pub demo.c - >/dev/null
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "sub -o ndjson into a file exits 0"
lt show "$TEST_DIR/ndshow.out" >"$TEST_DIR/ndshow.show" 2>"$TEST_DIR/ndshow.showerr"
is "$?" 0 "show reads sub's ndjson output"
is "$(cat "$TEST_DIR/ndshow.showerr")" "" "complete: no warning (meta first, end last)"
like "$(cat "$TEST_DIR/ndshow.show")" 'config_set .*rust_hello_world-custom_config' \
    "show renders the event sub printed"
like "$(cat "$TEST_DIR/ndshow.show")" '^#[0-9]+ +[0-9:.]+  demo\.c  plain$' "and the plain message (kind msg) with its payload"
lt show "$TEST_DIR/ndshow.out" -o ndjson >"$TEST_DIR/ndshow.nd"
is "$(jq -c . "$TEST_DIR/ndshow.out" | sha256sum)" "$(jq -c . "$TEST_DIR/ndshow.nd" | sha256sum)" \
    "show -o ndjson re-emits every record sub wrote"

# Request/reply pairing with a responder; raw bytes out.
bg "$LT_HELPER" -s "$NATS_URL" responder 'svc.>' - '{"success":true,"message":"pong"}' >"$TEST_DIR/resp.out"
wait_for "responder" 10 grep -q ready "$TEST_DIR/resp.out"
bg_lt pair sub 'svc.>' --match-replies -o ndjson
is "$(T req svc.ping)" '{"success":true,"message":"pong"}' "request answered while observed"
T req svc.ping2 >/dev/null
wait_for "two replies paired" 10 grep -q '"reply_index":1.*svc.ping2\|svc.ping2.*"reply_index":1' "$TEST_DIR/pair.out"
kill -INT "$LAST_PID"
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "SIGINT drains and exits 0"
is "$(jq -s '[.[] | select(.kind=="msg" and .request_subject)] | length' "$TEST_DIR/pair.out")" 2 "two replies recorded"
is "$(jq -s '[.[] | select(.request_subject=="svc.ping")][0].pair == [.[] | select(.subject=="svc.ping")][0].pair' "$TEST_DIR/pair.out")" \
    true "reply carries the request's pair id"
like "$(jq -c 'select(.request_subject=="svc.ping")' "$TEST_DIR/pair.out")" '"latency_ms":[0-9.]+' "latency per reply"
like "$(jq -c 'select(.kind=="end")' "$TEST_DIR/pair.out")" '"requests":2,"paired":2,"extra_replies":0,"unanswered":0' \
    "end record counts"
unlike "$(cat "$TEST_DIR/pair.out")" '_INBOX[^"]*","payload":\{"stream' "no JetStream acks observed"
sh=$(lt show "$TEST_DIR/pair.out" 2>/dev/null)
like "$sh" '^#[0-9]+ +[0-9:.]+  req #1  svc\.ping  <empty>$' "show: a paired request as sub shows it live"
like "$sh" '^#[0-9]+ +[0-9:.]+  rep #1  [0-9.]+[^ ]*s  svc\.ping  \{"success":true,"message":"pong"\}$' \
    "show: its reply with the latency and the request's subject"
like "$(lt report "$TEST_DIR/pair.out" 2>/dev/null)" '#[0-9]+ +[0-9:.]+  rep #1  [^ ]+  svc\.ping  \{"success"' \
    "report's timeline draws them the same way"

# Unanswered after --timeout; replies to unobserved traffic are not shown.
bg_lt lone sub 'quiet.>' --observe-requests --match-replies --timeout 300ms --idle 3s \
    --record "$TEST_DIR/lone.ltrec"
T req quiet.nobody --timeout 200ms >/dev/null 2>&1
is "$?" 4 "the request times out (passive interest hides no-responders)"
T req svc.other >/dev/null
wait_for "unanswered report" 10 grep -q unanswered "$TEST_DIR/lone.out"
like "$(cat "$TEST_DIR/lone.out")" 'unanswered #1  quiet\.nobody  no reply within 300ms' "unanswered line"
unlike "$(cat "$TEST_DIR/lone.out")" 'svc.other|pong' "unrelated inbox traffic is not shown"
kill -INT "$LAST_PID"
wait_pid "$LAST_PID" 10
like "$(cat "$TEST_DIR/lone.err")" '1 requests, 0 paired .*1 unanswered' "summary counts the unanswered request"
like "$(lt show "$TEST_DIR/lone.ltrec" 2>/dev/null)" '^#[0-9]+ +[0-9:.]+  unanswered #1  quiet\.nobody  no reply$' \
    "show: the unanswered request as sub noted it"

# A requester whose inbox is outside --inbox-prefix: warned once.
bg_lt box sub 'svc.>' --match-replies --inbox-prefix MYBOX
T req svc.ping >/dev/null
wait_for "inbox warning" 10 grep -q "not under the inbox prefix" "$TEST_DIR/box.err"
like "$(cat "$TEST_DIR/box.err")" "reply subject '_INBOX\.[^']*' is not under the inbox prefix 'MYBOX'; its replies cannot be seen \(set --inbox-prefix\)" \
    "--inbox-prefix: a reply subject outside it is named"
kill -INT "$LAST_PID"
wait_pid "$LAST_PID" 10

# Raw output, and a closed pipe is a quiet success.
bg_lt raw sub 'raw.x' -o raw --count 1
printf 'bytes here' | T pub raw.x - >/dev/null
wait_pid "$LAST_PID" 10
is "$(cat "$TEST_DIR/raw.out")" "bytes here" "-o raw prints the payload"
( lt sub 'pipe.x' -v 2>"$TEST_DIR/pipe.err" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}" >"$TEST_DIR/pipe.rc" ) &
wait_for "pipe sub" 10 grep -q subscribed "$TEST_DIR/pipe.err"
for i in 1 2 3 4 5; do echo "line $i" | T pub pipe.x - >/dev/null; done
wait_for "pipe sub exits" 10 test -s "$TEST_DIR/pipe.rc"
is "$(cat "$TEST_DIR/pipe.rc")" 0 "EPIPE exits 0"

# A reader that went away without reading: the socket on stdout is reset,
# so the write fails with ECONNRESET, not EPIPE; that too is a reader gone
# (lt_output_reader_gone) and a quiet success, as in watch.
python3 - "$TEST_DIR/rst.port" <<'PY' &
import os, socket, struct, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = s.accept()
c.recv(1)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()	# with SO_LINGER 0: a reset, not a FIN
PY
_bg_pids+=($!)
wait_for "reset reader listening" 10 test -s "$TEST_DIR/rst.port"
( exec >/dev/tcp/127.0.0.1/"$(cat "$TEST_DIR/rst.port")" &&
    lt sub 'rst.x' -v 2>"$TEST_DIR/rst.err"; echo "$?" >"$TEST_DIR/rst.rc" ) &
wait_for "rst sub" 10 grep -q subscribed "$TEST_DIR/rst.err"
publish_until_exit() {
	echo "a line for a reader that is gone" | T pub rst.x - >/dev/null
	test -s "$TEST_DIR/rst.rc"
}
wait_for "sub exits after the reset" 20 publish_until_exit
is "$(cat "$TEST_DIR/rst.rc")" 0 "a reader gone (connection reset) exits 0"
unlike "$(cat "$TEST_DIR/rst.err")" "cannot write output" "and says nothing about it"

done_testing
