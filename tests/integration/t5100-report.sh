#!/usr/bin/env bash
# t5100-report: 'latticectl report' turns a replay-style recording into a
# markdown bug report and a self-contained HTML swimlane page, the latter
# checked by rendering it in headless Chromium.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
H=NCTZ3B57642SU3Z4FFCZTEPTOWVBDDJ3LTLACKKAYTEXQ5CQ45P3TWCG
R=$TEST_DIR/r.ltrec
CFG=rust_hello_world-custom_config

rec() { # SEQ KIND JSON-MEMBERS
	printf '{"schema":"latticectl.rec/1","seq":%s,"t":"2026-11-24T08:00:%02d.000000000Z","kind":"%s"%s}\n' \
	    "$1" "$1" "$2" "${3:+,$3}"
}
ev() { # SEQ EXAMPLE
	jq -c --argjson s "$1" '{schema:"latticectl.rec/1",seq:$s,t:"2026-11-24T08:00:00Z",kind:"event",subject:("wasmbus.evt.default."+(.type|split(".")|last)),event:.}' "$E/$2.json"
}
{
	rec 1 meta '"tool":"latticectl","version":"0.1","lattice":"default","server":{"name":"nats","version":"2.9.20"},"wadm_version":"0.21"'
	rec 2 phase '"phase":"deploy-new"'
	rec 3 wadm.cmd '"subject":"wadm.cmd.default","payload":{"DeleteConfig":{"config_name":"'$CFG'"}}'
	ev 4 config_deleted
	rec 5 kv '"bucket":"CONFIGDATA_default","key":"'$CFG'","op":"purge","revision":4'
	rec 6 ctl.request '"subject":"wasmbus.ctl.v1.default.component.scale.'$H'","pair":1,"payload":{"component_id":"rust_hello_world-http_component"}'
	rec 7 ctl.reply '"subject":"_INBOX.x","pair":1,"latency_ms":3,"payload":{"success":true,"message":"image reference will not be updated"}'
	rec 8 inventory '"host":"'$H'","payload":{"friendly_name":"misty-forest-4170","version":"1.8.0","components":[]}'
	rec 9 probe '"url":"http://127.0.0.1:8000/","http_status":200,"body":"Hello, !"'
	rec 10 wadm.status '"subject":"wadm.status.default.rust-hello-world","payload":{"status":{"type":"deployed"}}'
	rec 11 finding '"severity":"error","id":"config-deleted-while-referenced","title":"config '$CFG' was deleted <while> referenced","evidence":[3,4,5],"next":"re-put the config"'
	rec 12 finding '"severity":"warning","id":"probe-changed","title":"probe changed","evidence":[9]'
	rec 13 end '"events":1'
} >"$R"

# Markdown.
lt report "$R" >"$TEST_DIR/r.md" 2>"$TEST_DIR/r.err"
is "$?" 0 "report exits 0"
md=$(cat "$TEST_DIR/r.md")
like "$md" '\| server \| nats 2\.9\.20 \|' "environment: server"
like "$md" '\| lattice \| default \|' "environment: lattice"
like "$md" '\| wadm \| 0\.21 \|' "environment: wadm version"
like "$md" "\`$H\` misty-forest-4170 1\.8\.0" "environment: hosts from inventories"
like "$md" '\*\*error\*\* `config-deleted-while-referenced`: .*\(evidence: #3 #4 #5\)' "finding with evidence"
like "$md" '\*\*warning\*\* `probe-changed`' "warning finding"
is "$(grep -c '^```mermaid$' "$TEST_DIR/r.md")" 1 "one mermaid block for the one phase"
like "$md" '### Phase: deploy-new' "the phase heading"
like "$md" 'sequenceDiagram' "a sequence diagram"
like "$md" 'wadm->>wadm: DeleteConfig rust_hello_world-custom_config' "wadm command arrow"
like "$md" 'wadm->>host_NCTZ3B57: component\.scale\.' "ctl request arrow to the host"
like "$md" 'host_NCTZ3B57-->>wadm: reply ok image reference will not be updated' "ctl reply arrow"
like "$md" 'host_NCTZ3B57-\)wadm: config_deleted' "event arrow"
like "$md" 'wadm->>kv: purge rust_hello_world-custom_config' "kv arrow"

# wadm API calls: latticectl's own (from) and another client's (wash, CI)
# are drawn from their callers.
{
	rec 1 meta '"tool":"latticectl","version":"0.1","lattice":"default"'
	rec 2 phase '"phase":"deploy-new"'
	rec 3 wadm.request '"subject":"wadm.api.default.model.put","from":"latticectl","pair":1,"payload":{}'
	rec 4 wadm.reply '"subject":"_INBOX.a","pair":1,"payload":{"result":"created","message":"put"}'
	rec 5 wadm.request '"subject":"wadm.api.default.model.undeploy.app","pair":2,"payload":{}'
	rec 6 wadm.reply '"subject":"_INBOX.b","pair":2,"payload":{"result":"acknowledged","message":"undeployed"}'
	rec 7 end '"events":0'
} >"$TEST_DIR/api.ltrec"
api=$(lt report "$TEST_DIR/api.ltrec")
like "$api" 'latticectl->>wadm: model\.put' "latticectl's own wadm call"
like "$api" 'wadm-->>latticectl: reply' "its reply goes back to latticectl"
like "$api" 'participant client as another wadm client' "another client gets a participant"
like "$api" 'client->>wadm: model\.undeploy\.app' "another client's call is drawn from it"
like "$api" 'wadm-->>client: reply' "and so is its reply"
like "$md" '<details><summary>Timeline \(13 records\)</summary>' "collapsed timeline"
like "$md" '#4 +[0-9:.]+ +config_deleted' "the timeline has seq numbers"
is "$(cat "$TEST_DIR/r.err")" "" "no warning for a complete recording"

# HTML, rendered by Chromium.
lt report "$R" --format html -f "$TEST_DIR/r.html"
is "$?" 0 "report --format html -f FILE"
unlike "$(grep -o '\(src\|href\)="[a-z]*:' "$TEST_DIR/r.html")" '.' \
    "no external URL in the HTML"
CHROME=$(command -v chromium || command -v chromium-browser)
if [ -n "$CHROME" ]; then
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$TEST_DIR/chrome" --dump-dom "file://$TEST_DIR/r.html" \
	    >"$TEST_DIR/dom.html" 2>/dev/null
	dom=$(cat "$TEST_DIR/dom.html")
	like "$dom" '<th class="lane">wadm</th><th class="lane">host NCTZ3B57</th><th class="lane">kv</th><th class="lane">probe</th>' \
	    "the rendered page has the wadm, host, kv and probe lanes"
	like "$dom" '<li class="error" data-id="config-deleted-while-referenced">' "the error finding"
	like "$dom" 'data-id="probe-changed"' "the warning finding"
	like "$dom" 'config rust_hello_world-custom_config was deleted &lt;while&gt; referenced' \
	    "text is escaped"
	like "$dom" '<tr id="r5" class="kv"><td class="t">#5 [0-9:.]+</td><td></td><td></td><td>purge rust_hello_world-custom_config</td>' \
	    "a kv record sits in the kv lane"
else
	ok 0 "chromium is installed (scripts/setup.sh)"
fi

# ndjson, damaged input, errors.
is "$(lt report "$R" --format ndjson | jq -s length)" 13 "ndjson: every record"
head -c 300 "$R" >"$TEST_DIR/cut.ltrec"
lt report "$TEST_DIR/cut.ltrec" >/dev/null 2>"$TEST_DIR/cut.err"
is "$?" 0 "a truncated recording still makes a report"
like "$(cat "$TEST_DIR/cut.err")" 'truncated' "with a warning"
exit_code 2 "unknown format" lt report "$R" --format pdf
exit_code 6 "missing recording" lt report "$TEST_DIR/none.ltrec"
exit_code 6 "unwritable --file" lt report "$R" --file /nonexistent/dir/r.md

# Numbers no int holds (a seq of 1e999 was '#-2147483648', converted out
# of range) are shown as the file wrote them; payload numbers stay exact.
N=$TEST_DIR/n.ltrec
{
	rec 1 meta '"tool":"latticectl","version":"0.1","lattice":"default"'
	rec 2 ctl.reply '"subject":"_INBOX.x","pair":1e999,"reply_index":1e300,"latency_ms":1e999,"payload":{"n":18446744073709551617}' |
	    sed 's/"seq":2,/"seq":1e999,/'
	rec 3 probe '"url":"http://127.0.0.1:8000/","http_status":1e999,"body":"x"'
	rec 4 finding '"severity":"error","id":"x","title":"t","evidence":[1e999,18446744073709551617]'
	rec 5 end '"events":0'
} >"$N"
lt report "$N" >"$TEST_DIR/n.md" 2>/dev/null
is "$?" 0 "report of huge numbers exits 0"
md=$(cat "$TEST_DIR/n.md")
unlike "$md" '2147483648' "no number turned into an int's limit"
like "$md" '#1e999' "a seq of 1e999 is shown as written"
like "$md" '#18446744073709551617' "evidence 2^64 + 1 is shown exactly"
like "$md" '18446744073709551617' "the payload's 2^64 + 1 is exact"
lt report "$N" --format html -f "$TEST_DIR/n.html" 2>/dev/null
like "$(cat "$TEST_DIR/n.html")" 'id="r1e999"' "html: the row's id as written"
is "$(lt report "$N" --format ndjson | grep -c '"n":18446744073709551617')" 1 \
    "ndjson: the payload number as written"

done_testing
