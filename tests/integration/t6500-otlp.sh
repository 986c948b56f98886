#!/usr/bin/env bash
# t6500-otlp: OpenTelemetry export. A replay against latticesim (hosts
# sending W3C traceparent headers) exported live with --otlp-endpoint to
# a receiver on loopback that decodes every request with the OpenTelemetry
# project's own OTLP definitions (npm @opentelemetry/otlp-transformer), a
# phase at a time; the trace's structure against the recording; re-export
# by 'report'; a phase's export refused mid-replay (all of it at the end);
# watch --record; the exporter environment; the failure cases (refused
# connection, 503 then 200, 429/502/504, Retry-After past --timeout, 400
# not retried, a receiver that never answers); traceparent in show, sub
# and the filters.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
R=$LT_SRCDIR/tests/helper/otlp-receiver.cjs

# a loopback port nothing listens on
dead_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_receiver NAME [STATUS...]: a receiver logging to NAME.log; sets
# RECV (its base URL) and RECV_PID.
start_receiver() {
	local name=$1
	shift
	: >"$TEST_DIR/$name.log"
	bg env OTLP_NODE_DIR="$OTEL" node "$R" "$TEST_DIR/$name.log" "$@" \
	    >"$TEST_DIR/$name.port" 2>"$TEST_DIR/$name.err"
	RECV_PID=$LAST_PID
	wait_for "receiver $name" 20 test -s "$TEST_DIR/$name.port"
	RECV=http://127.0.0.1:$(cat "$TEST_DIR/$name.port")
}

# reqs NAME JQ: jq -s over the receiver's log
reqs() {
	jq -rs "$2" "$TEST_DIR/$1.log"
}

# --- usage errors need no receiver ---
start_nats n1
exit_code 2 "report: --otlp-endpoint without --format otlp" \
    lt report "$FIXTURES/recordings/otlp-replay.ltrec" --otlp-endpoint http://127.0.0.1:1
exit_code 2 "report: an endpoint that is not http(s)" \
    lt report "$FIXTURES/recordings/otlp-replay.ltrec" --format otlp --otlp-endpoint ftp://x/
exit_code 2 "watch: --otlp-endpoint needs --record" lt watch --otlp-endpoint http://127.0.0.1:1
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:1 OTEL_EXPORTER_OTLP_HEADERS='a=1,hunter2secret' \
    exit_code 2 "a malformed OTEL_EXPORTER_OTLP_HEADERS" \
    lt report "$FIXTURES/recordings/otlp-replay.ltrec" --format otlp
like "$(cat "$TEST_DIR/last.err")" 'OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not a key=value header' \
    "... names the variable and the entry"
unlike "$(cat "$TEST_DIR/last.err")" hunter2 "... never its text"

# --- connection refused: one line, exit 3, local output kept ---
P=$(dead_port)
exit_code 3 "report: a refused connection" lt report "$FIXTURES/recordings/otlp-replay.ltrec" \
    --format otlp -f "$TEST_DIR/local.json" --otlp-endpoint "http://u:pw-secret@127.0.0.1:$P"
is "$(wc -l <"$TEST_DIR/last.err")" 1 "... one line"
like "$(cat "$TEST_DIR/last.err")" "^latticectl: report: otlp export: 'http://127.0.0.1:$P/v1/traces': " \
    "... naming the URL"
unlike "$(cat "$TEST_DIR/last.err")" pw-secret "... without the URL's password"
is "$(jq -r '.resourceSpans // .resourceLogs | length' "$TEST_DIR/local.json" | tr '\n' ' ')" "1 1 " \
    "... -f OUT was written first"

# --- secrets: a --show-secrets recording is masked again when exported ---
{
	sed -n 1p "$FIXTURES/recordings/otlp-replay.ltrec" | sed 's/"redaction":"secrets"/"redaction":"none"/'
	printf '%s\n' '{"schema":"latticectl.rec/1","seq":2,"t":"2026-11-24T08:00:01Z","kind":"kv","bucket":"CONFIGDATA_default","key":"app-db","op":"put","value":{"db_password":"hunter2-kv"}}' \
	    '{"schema":"latticectl.rec/1","seq":3,"t":"2026-11-24T08:00:02Z","kind":"ctl.request","subject":"wasmbus.ctl.v1.default.config.put.app-db","pair":1,"payload":{"token":"hunter2-req"}}' \
	    '{"schema":"latticectl.rec/1","seq":4,"t":"2026-11-24T08:00:02Z","kind":"event","subject":"wasmbus.evt.default.config_set","event":{"specversion":"1.0","id":"x","type":"com.wasmcloud.lattice.config_set","source":"h","time":"2026-11-24T08:00:02Z","data":{"config_name":"zzz","api_key":"hunter2-ev"}}}'
} >"$TEST_DIR/secret.ltrec"
exit_code 0 "report --format otlp of a --show-secrets recording" lt report "$TEST_DIR/secret.ltrec" --format otlp
unlike "$(cat "$TEST_DIR/last.out")" hunter2 "... masks its secrets again"
like "$(cat "$TEST_DIR/last.out")" '<redacted:[0-9a-f]{8}>' "... as masks"

if ! OTEL=$(npm_cached otel-transformer @opentelemetry/otlp-transformer@0.52); then
	skip "OTLP receiver" "npm cannot install @opentelemetry/otlp-transformer here: $(tail -1 "$TEST_DIR/npm.log" 2>/dev/null)"
	done_testing
fi

# --- a replay exported live ---
start_sim --lattice o21 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s --traceparent
start_receiver live
F=$TEST_DIR/r.ltrec
lt -x o21 --timeout 20s replay "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" --yes --settle 2s \
    --record "$F" --otlp-endpoint "$RECV" >"$TEST_DIR/r.out" 2>"$TEST_DIR/r.err"
is "$?" 1 "replay with --otlp-endpoint: findings still exit 1"
like "$(cat "$TEST_DIR/r.err")" 'latticectl: replay: exported [0-9]+ spans, [0-9]+ log records, [1-9][0-9]* links in trace [0-9a-f]{32} to http://127\.0\.0\.1:[0-9]+/v1/traces' \
    "... and says what it exported where"
# each phase goes when the next begins, the last with the root at the end
is "$(reqs live '[.[] | select(.path == "/v1/traces") | [.body.resourceSpans[0].scopeSpans[0].spans[] | select(.name | startswith("phase ") or startswith("replay ")) | .name] | join("+")] | join(" | ")')" \
    "phase baseline | phase deploy-old | replay rust-hello-world v0.0.1 -> v0.0.2+phase deploy-new" \
    "live: a traces request per phase as it ends, the root with the last"
is "$(reqs live '[.[] | select(.error)] | length')" 0 "every request decodes with the OTLP definitions"
like "$(reqs live '[.[] | .path] | join(" ")')" '^/v1/traces( /v1/logs)? /v1/traces( /v1/logs)? /v1/traces /v1/logs$' \
    "... each phase's log records after its spans"
like "$(jq -c 'select(.kind=="ctl.reply" and .traceparent)' "$F" | head -1)" \
    '"traceparent":"00-[0-9a-f]{32}-[0-9a-f]{16}-01"' "the recording keeps the hosts' traceparent"

# The trace against the recording (python: exact nanoseconds).
check_trace() {	# LOG RECORDING
	python3 - "$1" "$2" <<'EOF'
import json, sys, datetime
reqs = [json.loads(l) for l in open(sys.argv[1])]
recs = [json.loads(l) for l in open(sys.argv[2])]
def ns(t):
    d, frac = t.rstrip("Z").split(".")
    s = datetime.datetime.fromisoformat(d).replace(tzinfo=datetime.timezone.utc).timestamp()
    return str(int(s) * 10**9 + int(frac.ljust(9, "0")))
def attrs(o):
    return {a["key"]: list(a["value"].values())[0] for a in o.get("attributes", [])}
tr = [r["body"] for r in reqs if r["path"].endswith("traces")]
lg = [r["body"] for r in reqs if r["path"].endswith("logs")]
spans = [s for t in tr for rs in t["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
logs = [l for t in lg for rl in t["resourceLogs"] for sl in rl["scopeLogs"] for l in sl["logRecords"]]
res = attrs(tr[0]["resourceSpans"][0]["resource"])
meta = recs[0]
def out(name, ok):
    print(("ok " if ok else "FAIL ") + name)
out("resource", res.get("service.name") == "latticectl" and res.get("wasmcloud.lattice") == meta["lattice"]
    and res.get("nats.server.id") == meta["server"]["id"] and res.get("nats.server.version") == meta["server"]["version"]
    and res.get("service.version") == meta["version"])
tids = {s["traceId"] for s in spans} | {l["traceId"] for l in logs}
out("one trace id", len(tids) == 1)
byid = {s["spanId"]: s for s in spans}
roots = [s for s in spans if not s.get("parentSpanId")]
out("one root", len(roots) == 1 and roots[0]["name"] == "replay rust-hello-world v0.0.1 -> v0.0.2")
out("parents exist", all(s["parentSpanId"] in byid for s in spans if s.get("parentSpanId")))
phases = [s["name"] for s in spans if s.get("parentSpanId") == roots[0]["spanId"]]
out("phases under the root", phases == ["phase baseline", "phase deploy-old", "phase deploy-new"])
out("requests under phases", all(byid[s["parentSpanId"]]["name"].startswith("phase ")
    for s in spans if s["name"].startswith(("ctl ", "wadm")) ))
bseq = {}
for s in spans:
    a = attrs(s)
    if "latticectl.record.seq" in a:
        bseq[int(a["latticectl.record.seq"])] = s
reqrecs = [r for r in recs if r["kind"] in ("ctl.request", "wadm.request")]
out("a span per request", len(reqrecs) > 20 and all(r["seq"] in bseq for r in reqrecs))
bad = []
for r in reqrecs:
    s = bseq[r["seq"]]
    replies = [x for x in recs if x["kind"] in ("ctl.reply", "wadm.reply") and x.get("pair") == r["pair"]]
    if s["startTimeUnixNano"] != ns(r["t"]) or (replies and s["endTimeUnixNano"] != ns(replies[-1]["t"])):
        bad.append(r["seq"])
    a = attrs(s)
    if a.get("messaging.system") != "nats" or a.get("messaging.destination.name") != r["subject"]:
        bad.append(r["seq"])
out("request spans: start at the request, end at the last reply, messaging attributes", not bad)
cmds = [r for r in recs if r["kind"] == "wadm.cmd"]
out("a span per wadm command", all(r["seq"] in bseq and bseq[r["seq"]]["name"] == "wadm.cmd " + list(r["payload"])[0] for r in cmds))
errs = [f for f in recs if f["kind"] == "finding" and f["severity"] == "error"]
# every cited request/reply/command record's span is ERROR with the finding
def owner(seq):
    r = next(x for x in recs if x["seq"] == seq)
    if r["kind"] in ("ctl.reply", "wadm.reply"):
        return next((bseq[x["seq"]] for x in recs if x["kind"].endswith(".request") and x.get("pair") == r["pair"]), None)
    return bseq.get(seq)
cited = [owner(e) for f in errs for e in f["evidence"]]
cited = [c for c in cited if c]
out("cited spans are ERROR", len(cited) >= 2 and all(c["status"].get("code") == 2 for c in cited))
out("... with a finding event", all(any(e["name"] == "finding" for e in c["events"]) for c in cited))
dc = [s for s in spans if s["name"] == "wadm.cmd DeleteConfig"]
out("the DeleteConfig command is marked", len(dc) == 1 and dc[0]["status"].get("code") == 2)
out("the root holds every finding", sum(e["name"] == "finding" for e in roots[0]["events"]) == len([f for f in recs if f["kind"] == "finding"]))
tps = {(r["traceparent"][3:35], r["traceparent"][36:52]) for r in recs if "traceparent" in r}
links = {(l["traceId"], l["spanId"]) for s in spans for l in s.get("links", [])}
out("every traceparent is a link", len(tps) > 10 and tps == links)
events = sum(len(s["events"]) for s in spans)
nrec = len([r for r in recs if r["kind"] in ("event", "kv")])
attached = sum(1 for s in spans for e in s["events"] if e["name"] not in ("finding", "gap", "probe"))
out("every event and KV change is a span event or a log record", attached + len(logs) == nrec)
out("log records carry the trace and a span", all(l["spanId"] in byid for l in logs))
EOF
}
check_trace "$TEST_DIR/live.log" "$F" >"$TEST_DIR/verdicts" 2>&1
is "$(grep -c "^ok " "$TEST_DIR/verdicts")" 16 "the trace passes all 16 checks against the recording"
while read -r verdict name; do
	ok "$([ "$verdict" = ok ] && echo 0 || echo 1)" "trace: $name"
done <"$TEST_DIR/verdicts"

TRACE=$(reqs live '.[0].body.resourceSpans[0].scopeSpans[0].spans[0].traceId')
SPANS=$(reqs live '[.[] | select(.path == "/v1/traces") | .body.resourceSpans[0].scopeSpans[0].spans[].spanId] | sort | join(",")')

# --- re-export: same ids, so a backend sees the same trace ---
start_receiver again
OTEL_EXPORTER_OTLP_ENDPOINT="$RECV/base/" OTEL_EXPORTER_OTLP_HEADERS='api-key=s%3Dcret%2Cvalue, x-tenant = t1' \
    exit_code 0 "report --format otlp re-exports through OTEL_EXPORTER_OTLP_ENDPOINT" lt report "$F" --format otlp
is "$(cat "$TEST_DIR/last.out")" "" "... nothing on stdout when exporting"
is "$(reqs again '[.[] | .path] | join(" ")')" "/base/v1/traces /base/v1/logs" "... to the base URL's /v1/traces and /v1/logs"
is "$(reqs again '.[0].body.resourceSpans[0].scopeSpans[0].spans[0].traceId')" "$TRACE" "... the same trace id"
is "$(reqs again '[.[0].body.resourceSpans[0].scopeSpans[0].spans[].spanId] | sort | join(",")')" "$SPANS" \
    "... the same span ids as the phases exported live"
is "$(reqs again '.[0].headers["api-key"] + " " + .[0].headers["x-tenant"] + " " + .[0].headers["content-type"]')" \
    "s=cret,value t1 application/json" "... with the headers, URL-decoded"
unlike "$(cat "$TEST_DIR/last.err")" 'cret' "... which are never printed"
lt report "$F" --format otlp >"$TEST_DIR/local.otlp"
is "$(head -1 "$TEST_DIR/local.otlp" | jq -r '.resourceSpans[0].scopeSpans[0].spans[0].traceId')" "$TRACE" \
    "report --format otlp writes the same trace"
# A recording on a pipe is read in every pass (copied first), not once.
is "$(lt report - --format otlp <"$F" | md5sum)" "$(md5sum <"$TEST_DIR/local.otlp")" \
    "report - --format otlp of a pipe writes what the file gives"
start_receiver own
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:1 OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="$RECV/custom/traces" \
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="$RECV/custom/logs" \
    exit_code 0 "signal endpoints are used as they are" lt report "$F" --format otlp
is "$(reqs own '[.[] | .path] | join(" ")')" "/custom/traces /custom/logs" "... paths unchanged"
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:1 exit_code 0 "--otlp-endpoint none turns it off" \
    lt report "$F" --format otlp --otlp-endpoint none
is "$(head -c 17 "$TEST_DIR/last.out")" '{"resourceSpans":' "... and writes to stdout"

# --- traceparent in show, the filters and sub ---
TP=$(jq -r 'select(.kind=="event" and .traceparent) | .traceparent' "$F" | head -1)
ID=${TP:3:32}
like "$(lt show "$F" -o wide --type '!host_heartbeat' | grep -v -e ' -- ' -e '^# ' | head -1)" " trace=[0-9a-f]{32}" "show -o wide: the trace id"
is "$(lt show "$F" --where "trace=$ID" | grep -cv -e ' -- ' -e '^# ')" 1 "show --where trace=ID selects the one event"
is "$(lt show "$F" --for "trace/${ID:0:12}" | grep -cv -e ' -- ' -e '^# ')" 1 "show --for trace/PREFIX too"
exit_code 2 "--for with an unknown kind names trace among the kinds" lt show "$F" --for nope/x
like "$(cat "$TEST_DIR/last.err")" 'provider or trace' "... in its message"
bg_lt s sub "wasmbus.evt.o21.host_heartbeat" -o wide --count 1
wait_pid "$LAST_PID" 20
like "$(cat "$TEST_DIR/s.out")" 'host_heartbeat.* trace=[0-9a-f]{32}' "sub -o wide: the trace id"

# --- watch --record exports at the end of the run ---
start_receiver watch
exit_code 0 "watch --record --otlp-endpoint" lt -x o21 watch --count 3 --record "$TEST_DIR/w.ltrec" \
    --otlp-endpoint "$RECV"
is "$(reqs watch '[.[] | .path] | join(" ")')" "/v1/traces /v1/logs" "... posts the watch's trace and logs"
is "$(reqs watch '[.[] | select(.error)] | length')" 0 "... which decode"
is "$(reqs watch '.[0].body.resourceSpans[0].scopeSpans[0].spans[0].name')" "watch o21" "... a root span for the watch"
is "$(reqs watch '[.[1].body.resourceLogs[0].scopeLogs[0].logRecords[] | select(.traceId == "'"$(reqs watch '.[0].body.resourceSpans[0].scopeSpans[0].spans[0].traceId')"'")] | length')" 3 \
    "... the events as log records in its trace"
is "$(reqs watch '.[0].body.resourceSpans[0].scopeSpans[0].spans[0].links | length')" 3 \
    "... linked to the hosts' traceparents"
P=$(dead_port)
exit_code 3 "watch: an unreachable endpoint" lt -x o21 watch --count 1 --record "$TEST_DIR/w2.ltrec" \
    --otlp-endpoint "http://127.0.0.1:$P"
like "$(cat "$TEST_DIR/last.err")" "^latticectl: watch: otlp export: 'http://127.0.0.1:$P/v1/traces': .* \\(the recording is kept: .*w2.ltrec\\)$" \
    "... one line: what failed, and that the recording is kept"
is "$(grep -vc '^latticectl: watch: [0-9]* events\? (' "$TEST_DIR/last.err")" 1 \
    "... and nothing more than watch's summary"
is "$(jq -r .kind "$TEST_DIR/w2.ltrec" | tail -1)" end "... complete"
kill "$SIM_PID"

# --- a phase's export refused mid-replay: all of it at the end ---
start_sim --lattice o22 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s --traceparent
start_receiver flaky 400
F2=$TEST_DIR/r2.ltrec
lt -x o22 --timeout 20s replay "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" --yes --settle 1s \
    --record "$F2" --otlp-endpoint "$RECV" >"$TEST_DIR/r2.out" 2>"$TEST_DIR/r2.err"
is "$?" 1 "a refused phase export: the replay goes on (findings: exit 1)"
like "$(cat "$TEST_DIR/r2.err")" "latticectl: replay: warning: otlp export: .* refused the export: HTTP 400[^;]*; trying again when the replay ends" \
    "... with one warning"
is "$(reqs flaky '[.[] | .path] | join(" ")')" "/v1/traces /v1/traces /v1/logs" \
    "... no other phase export, then everything at the end"
start_receiver flaky2
lt report "$F2" --format otlp --otlp-endpoint "$RECV" 2>/dev/null
is "$(reqs flaky '[.[1].body.resourceSpans[0].scopeSpans[0].spans[].spanId] | sort | join(",")')" \
    "$(reqs flaky2 '[.[0].body.resourceSpans[0].scopeSpans[0].spans[].spanId] | sort | join(",")')" \
    "... the same spans as report exports"
kill "$SIM_PID"

# --- retries ---
X=$FIXTURES/recordings/otlp-replay.ltrec
start_receiver r503 503 200
exit_code 0 "503 then 200: retried" lt --timeout 20s report "$X" --format otlp --otlp-endpoint "$RECV"
is "$(reqs r503 '[.[] | .path] | join(" ")')" "/v1/traces /v1/traces /v1/logs" "... the same traces request twice"
start_receiver r5xx 429 502 504 200
exit_code 0 "429, 502, 504, then 200" lt --timeout 30s report "$X" --format otlp --otlp-endpoint "$RECV"
is "$(reqs r5xx 'length')" 5 "... four traces attempts and the logs"
start_receiver ra 503:30
exit_code 4 "Retry-After beyond --timeout: gives up" lt --timeout 2s report "$X" --format otlp --otlp-endpoint "$RECV"
is "$(reqs ra 'length')" 1 "... without a second attempt (Retry-After honoured)"
like "$(cat "$TEST_DIR/last.err")" "still HTTP 503 after 1 attempts, giving up at --timeout" "... says so"
# a hostile Retry-After: seconds that overflow nanoseconds (once a
# negative wait, and a loop on nanosleep's EINVAL that never ended)
start_receiver rahuge 503:9223372037
exit_code 4 "a Retry-After past int64 nanoseconds: gives up" timeout 20 $LT_WRAPPER "$LATTICECTL" --timeout 2s report "$X" \
    --format otlp --otlp-endpoint "$RECV"
is "$(reqs rahuge 'length')" 1 "... without a second attempt"
start_receiver r400 400
exit_code 6 "400: refused" lt --timeout 20s report "$X" --format otlp --otlp-endpoint "$RECV"
is "$(reqs r400 'length')" 1 "... not retried"
like "$(cat "$TEST_DIR/last.err")" "^latticectl: report: otlp export: 'http://127.0.0.1:[0-9]+/v1/traces' refused the export: HTTP 400" \
    "... one line with the status"
start_receiver hang hang
exit_code 4 "a receiver that never answers: --timeout bounds it" lt --timeout 1s report "$X" --format otlp \
    --otlp-endpoint "$RECV"
like "$(cat "$TEST_DIR/last.err")" "timed out" "... timed out"

# --- batches ---
{
	head -1 "$X"
	for i in $(seq 2 601); do
		printf '{"schema":"latticectl.rec/1","seq":%d,"t":"2026-11-24T08:00:01Z","kind":"ctl.request","subject":"wasmbus.ctl.v1.default.host.ping","pair":%d}\n' "$i" "$i"
	done
} >"$TEST_DIR/big.ltrec"
start_receiver big
exit_code 0 "601 spans" lt report "$TEST_DIR/big.ltrec" --format otlp --otlp-endpoint "$RECV"
is "$(reqs big '[.[] | .body.resourceSpans[0].scopeSpans[0].spans | length] | join(" ")')" "512 89" \
    "... go in batches of at most 512"
# a file holds the same batches, a request a line, each one the receiver
# decodes: 601 spans (the root, 600 requests), then 600 log records (KV
# changes no span shares a key with)
{
	cat "$TEST_DIR/big.ltrec"
	for i in $(seq 602 1201); do
		printf '{"schema":"latticectl.rec/1","seq":%d,"t":"2026-11-24T08:00:02Z","kind":"kv","bucket":"CONFIGDATA_default","key":"k%d","op":"put","revision":%d}\n' "$i" "$i" "$i"
	done
} >"$TEST_DIR/big2.ltrec"
exit_code 0 "601 spans and 600 log records to a file" lt report "$TEST_DIR/big2.ltrec" --format otlp \
    -f "$TEST_DIR/big2.otlp"
is "$(jq -r '(.resourceSpans[0].scopeSpans[0].spans // .resourceLogs[0].scopeLogs[0].logRecords) | length' \
    "$TEST_DIR/big2.otlp" | tr '\n' ' ')" "512 89 512 88 " "... four lines: the spans' batches, then the log records'"
is "$(jq -r 'if .resourceSpans then "traces" else "logs" end' "$TEST_DIR/big2.otlp" | tr '\n' ' ')" \
    "traces traces logs logs " "... traces first"
start_receiver lines
while IFS= read -r line; do
	case $line in '{"resourceSpans"'*) sig=traces ;; *) sig=logs ;; esac
	printf '%s' "$line" | curl -sS -o /dev/null -H 'Content-Type: application/json' \
	    --data-binary @- "$RECV/v1/$sig" || fail "POST a line of the file"
done <"$TEST_DIR/big2.otlp"
is "$(reqs lines '[.[] | select(.error | not) | .path] | join(" ")')" "/v1/traces /v1/traces /v1/logs /v1/logs" \
    "... each line decodes in the receiver as a request of its signal"
is "$(reqs lines '[.[] | (.body.resourceSpans[0].scopeSpans[0].spans // .body.resourceLogs[0].scopeLogs[0].logRecords) | length] | add')" \
    1201 "... all 601 spans and 600 log records"
done_testing
