#!/usr/bin/env bash
# t0200-fit: text output fits the terminal (a pseudo-terminal from
# script(1), COLUMNS wide): no line of any command's text output is wider
# than the terminal, long values end in "…" (never inside an escape or a
# character, by display width), -o wide and pipes keep whole lines,
# --no-headers drops table headers, help is wrapped to 80 columns. Times:
# date lines where the day changes, UTC unless --local (TZ), one duration
# format. JSON: -o json is one document (one line, schema first), -o
# ndjson an object per line; streams refuse -o json.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

WIDTHS="python3 $LT_SRCDIR/tests/helper/widths.py"
M=$FIXTURES/manifests
APP=rust-hello-world
P=wasmbus.ctl.v1.default

# onterm COLS CMD...: run CMD with its stdout on a pseudo-terminal that
# says it is COLS wide (stdout in $TEST_DIR/term.out, stderr in term.err).
onterm() {
	local cols=$1
	shift
	[ "$1" = lt ] && { shift; set -- "$LATTICECTL" "$@"; }
	COLUMNS=$cols script -qec "$(printf '%q ' $LT_WRAPPER "$@") 2>$TEST_DIR/term.err" \
	    /dev/null </dev/null >"$TEST_DIR/term.out"
}

# fits DESC COLS: term.out has no line wider than COLS columns.
fits() {
	local w
	w=$($WIDTHS "$2" <"$TEST_DIR/term.out" 2>"$TEST_DIR/widths.err")
	ok $? "$1: no line wider than $2 columns (widest $w)"
	sed 's/^/#   /' "$TEST_DIR/widths.err" | head -5
}

# wider DESC COLS: term.out has a line wider than COLS (nothing was cut).
wider() {
	! $WIDTHS "$2" <"$TEST_DIR/term.out" >/dev/null 2>&1
	ok $? "$1: lines wider than $2 columns are kept"
}

term() { tr -d '\r' <"$TEST_DIR/term.out"; }

# A recording with chosen times: two events either side of midnight UTC.
ev() { # SEQ TIME TYPE DATA
	printf '{"schema":"latticectl.rec/1","seq":%s,"t":"%s","kind":"event","subject":"wasmbus.evt.default.%s","event":{"specversion":"1.0","id":"e%s","type":"com.wasmcloud.lattice.%s","source":"NAAAAAAABBBBBBBBCCCCCCCCDDDDDDDDEEEEEEEEFFFFFFFFGGGGGGG","time":"%s","data":%s}}\n' \
	    "$1" "$2" "$3" "$1" "$3" "$2" "$4"
}
{
	printf '{"schema":"latticectl.rec/1","seq":1,"t":"2026-11-24T23:59:58Z","kind":"meta","tool":"latticectl","version":"0","lattice":"default"}\n'
	ev 2 2026-11-24T23:59:59.500Z config_set '{"config_name":"a"}'
	ev 3 2026-11-25T00:00:00.250Z config_set '{"config_name":"b"}'
	ev 4 2026-11-25T00:00:01.000Z host_heartbeat '{"friendly_name":"x","uptime_seconds":3725,"uptime_human":"1h 2m 5s","components":[],"providers":[]}'
	printf '{"schema":"latticectl.rec/1","seq":5,"t":"2026-11-25T00:00:02Z","kind":"end","records":5}\n'
} >"$TEST_DIR/midnight.ltrec"

out=$(TZ=UTC0 lt show "$TEST_DIR/midnight.ltrec")
is "$(printf '%s\n' "$out" | grep -c '^# ')" 2 "a date line first and one where the day changes"
like "$out" $'^# 2026-11-24 UTC\n23:59:59\\.500  config_set' "UTC by default: the date line names the zone"
like "$out" $'\n# 2026-11-25 UTC\n00:00:00\\.250  config_set' "the new day's line comes before its first event"
out=$(TZ=JST-9 lt show "$TEST_DIR/midnight.ltrec")
like "$out" '^# 2026-11-24 UTC' "TZ alone changes nothing: text times are UTC"
out=$(TZ=JST-9 lt --local show "$TEST_DIR/midnight.ltrec")
like "$out" $'^# 2026-11-25 JST \\(\\+0900\\)\n08:59:59\\.500  config_set' "--local: local times, the zone in the date line"
is "$(printf '%s\n' "$out" | grep -c '^# ')" 1 "--local: the same local day, one date line"
is "$(TZ=JST-9 LATTICECTL_TIME=local lt show "$TEST_DIR/midnight.ltrec")" "$out" "LATTICECTL_TIME=local is --local"
like "$(LATTICECTL_TIME=local lt config show --sources)" "time +local +env \(LATTICECTL_TIME\)" "config show names the time setting"
exit_code 2 "LATTICECTL_TIME=mars" env LATTICECTL_TIME=mars "$LATTICECTL" version
like "$out" 'uptime=1h02m' "heartbeat uptime in the one duration format, not the host's '1h 2m 5s'"
like "$(lt report "$TEST_DIR/midnight.ltrec")" '\| recorded \| 2026-11-24T23:59:58Z \(UTC\) \|' "the report header carries the recording's RFC 3339 UTC time"
like "$(lt report "$TEST_DIR/midnight.ltrec" -o html)" 'recorded <time>2026-11-24T23:59:58Z</time>' "so does the HTML report"
is "$(lt report "$TEST_DIR/midnight.ltrec" -o html)" "$(lt report "$TEST_DIR/midnight.ltrec" --format html)" "report -o html is --format html"
is "$(lt report "$TEST_DIR/midnight.ltrec" -o ndjson | wc -l | tr -d ' ')" 5 "report -o ndjson: a record per line"
exit_code 2 "report -o html --format ndjson" lt report "$TEST_DIR/midnight.ltrec" -o html --format ndjson
like "$(cat "$TEST_DIR/last.err")" "ask for different reports" "says they disagree"

# Help: every command's --help and the main help within 80 columns.
for c in "" $(lt __complete commands | cut -f1) "kv ls" "kv get" "kv history" "kv watch" "kv snapshot" "kv diff" "config show"; do
	# shellcheck disable=SC2086
	lt $c --help >"$TEST_DIR/term.out" 2>&1
	fits "latticectl $c --help" 80
done

start_nats n1 -m -1
start_sim --hosts 2 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
status_is() {
	[ "$(jget "$(T req "wadm.api.default.model.status.$APP")" 'j["status"]["status"]["type"]')" = "$1" ]
}
T req wadm.api.default.model.put "@$M/upgrade-v1.yaml" >/dev/null
T req "wadm.api.default.model.deploy.$APP" >/dev/null
wait_for "v1 deployed" 30 status_is deployed
ok $? "v1 deployed"
# A value with wide characters, combining marks and escapes to cut.
long='{"greeting":"héllo wörld 日本語のテキスト e\u0301 \u001b[31m red \u202e bidi \u001b[0m '$(printf 'x%.0s' $(seq 1 120))'"}'
T req "$P.config.put.long_greeting" "$long" >/dev/null
wait_for "config stored" 10 sh -c "'$LATTICECTL' kv get long_greeting >/dev/null 2>&1"

onterm 80 lt hosts
fits "hosts" 80
like "$(term)" $'^HOST ID +NAME +VERSION +UPTIME +LABELS\nN[A-Z2-7]{7}  ' "hosts: short host ids (8 characters)"
like "$(term)" '  (0s|[0-9]+\.[0-9]s|[0-9]+m[0-9]{2}s)  ' "hosts: uptime in the one duration format"
onterm 80 lt hosts -o wide
like "$(term)" 'N[A-Z2-7]{55}  ' "hosts -o wide: whole host ids"
onterm 80 lt hosts --no-headers
unlike "$(term)" 'HOST ID' "hosts --no-headers: no header"
is "$(term | wc -l | tr -d ' ')" 2 "hosts --no-headers: a line per host"

onterm 80 lt inventory --wait 1s
fits "inventory" 80
like "$(term)" '…' "inventory: long cells end in …"
onterm 80 lt inventory --wait 1s -o wide
wider "inventory -o wide" 80
like "$(term)" 'localhost:5000/test/http-hello-world:0\.0\.1' "inventory -o wide: whole image refs"
onterm 80 lt inventory --wait 1s --no-headers
unlike "$(term)" 'KIND' "inventory --no-headers"
out=$(lt inventory --wait 1s 2>/dev/null)
like "$out" 'localhost:5000/test/http-hello-world:0\.0\.1' "a pipe gets whole lines"
unlike "$out" '…' "nothing cut in a pipe"

onterm 80 lt app "$APP" --wait 1s
fits "app NAME" 80
like "$(term)" '^APP +rust-hello-world' "app NAME: the key/value block"
like "$(term)" 'NAME +KIND +ID +HOST +IMAGE +STATE' "app NAME: the workloads' header"
onterm 80 lt app "$APP" --wait 1s --no-headers
like "$(term)" '^APP +rust-hello-world' "app NAME --no-headers: the block keeps its first row"
unlike "$(term)" 'NAME +KIND +ID' "app NAME --no-headers: no table header"
onterm 80 lt app "$APP" --wait 1s -o wide
wider "app NAME -o wide" 80
like "$(term)" 'N[A-Z2-7]{55}|localhost:5000/test/http-hello-world:0\.0\.1' "app NAME -o wide: whole ids and images"
onterm 80 lt app
fits "app" 80

onterm 80 lt kv ls
fits "kv ls" 80
onterm 80 lt kv ls CONFIGDATA_default -o wide
wider "kv ls BUCKET -o wide" 80
onterm 80 lt kv ls --no-headers
unlike "$(term)" 'BUCKET' "kv ls --no-headers"
for cols in $(seq 40 2 100); do
	onterm "$cols" lt kv history long_greeting
	w=$($WIDTHS "$cols" <"$TEST_DIR/term.out" 2>/dev/null) || break
	grep -Eq '\\(x[0-9a-f]?|u[0-9a-f]{0,3})?…' "$TEST_DIR/term.out" && break
	grep -q '…' "$TEST_DIR/term.out" || break
done
is "$cols" 100 "kv history at 40 to 100 columns: every one fits, cut with …, never inside an escape"
onterm 200 lt kv history long_greeting
like "$(term)" '2026-[0-9-]+ [0-9:]+Z' "kv history: a table time with its zone (Z)"
like "$(term)" '日本語のテキスト' "wide characters kept whole"
like "$(term)" '\\u001b\[31m red \\u202e' "escapes shown, never raw"

onterm 50 lt config show --sources
fits "config show --sources" 50
onterm 80 lt doctor -m "$NATS_MON_URL"
fits "doctor (wrapped, not cut)" 80
unlike "$(term)" '…' "doctor wraps its reasons"

onterm 80 lt watch --count 4 --record "$TEST_DIR/w.ltrec"
fits "watch" 80
like "$(term)" '^# [0-9]{4}-[0-9]{2}-[0-9]{2} UTC' "watch starts with a date line"
like "$(term)" '…' "watch: long lines end in …"
like "$(lt show "$TEST_DIR/w.ltrec")" 'uptime=([0-9]+m[0-9]{2}s|[0-9.]+s) components=' "heartbeat uptime as a duration"
onterm 80 lt show "$TEST_DIR/w.ltrec"
fits "show" 80
onterm 80 lt show "$TEST_DIR/w.ltrec" -o wide
wider "show -o wide" 80
onterm 80 lt --color always show "$TEST_DIR/w.ltrec"
fits "show in colour" 80
onterm 80 lt sub 'wasmbus.evt.default.>' --count 3
fits "sub" 80
like "$(term)" '…' "sub: long payloads end in …"
onterm 80 lt -v kv watch --count 1 --idle 20s &
kvw=$!
wait_for "kv watch subscribed" 10 grep -q subscribed "$TEST_DIR/term.err"
T req "$P.config.put.long_greeting" "${long/héllo/hello}" >/dev/null
wait "$kvw"
fits "kv watch" 80

# JSON: one rule. -o json: one document on one line, schema first.
json_doc() { # DESC CMD...: stdout is one line, one JSON object, schema first
	local desc=$1 out
	shift
	out=$("$@" 2>/dev/null)
	printf '%s' "$out" | python3 -c 'import sys,json
t=sys.stdin.read()
assert t.count("\n")==0, "more than one line"
j=json.loads(t)
assert isinstance(j,dict) and list(j)[0]=="schema", "schema is not first"'
	ok $? "$desc -o json: one document, one line, schema first"
}
json_lines() { # DESC CMD...: every line an object, the first with schema first
	local desc=$1
	shift
	"$@" 2>/dev/null | python3 -c 'import sys,json
n=0
for l in sys.stdin:
    j=json.loads(l); n+=1
    assert isinstance(j,dict) and (n>1 or list(j)[0]=="schema")
assert n>0'
	ok $? "$desc -o ndjson: an object per line, schema first"
}
json_doc hosts lt hosts -o json
json_doc inventory lt inventory --wait 1s -o json
json_doc doctor lt doctor -o json
json_doc "config show" lt config show -o json
json_doc version lt version -o json
json_doc "kv ls" lt kv ls -o json
json_doc "kv get" lt kv get long_greeting -o json
json_doc "kv history" lt kv history long_greeting -o json
lt kv snapshot -f "$TEST_DIR/a.snap" 2>/dev/null
json_doc "kv diff" lt kv diff "$TEST_DIR/a.snap" "$TEST_DIR/a.snap" -o json
json_lines hosts lt hosts -o ndjson
json_lines inventory lt inventory --wait 1s -o ndjson
json_lines doctor lt doctor -o ndjson
json_lines "kv snapshot" lt kv snapshot -o ndjson
json_lines show lt show "$TEST_DIR/w.ltrec" -o ndjson
is "$(lt inventory --wait 1s -o json 2>/dev/null | jget "$(cat)" '{h["lattice"] for h in j["hosts"]}')" "{'default'}" "inventory's hosts name their lattice"
for c in "watch" "sub x" "show $TEST_DIR/w.ltrec" "kv watch" "kv snapshot" "replay a b --dry-run"; do
	# shellcheck disable=SC2086
	exit_code 2 "$c -o json" lt $c -o json
	case $c in replay*) continue ;; esac
	like "$(head -1 "$TEST_DIR/last.err")" "-o json is one JSON document, but .* writes JSON lines: use -o ndjson" "$c -o json points at -o ndjson"
done

done_testing
