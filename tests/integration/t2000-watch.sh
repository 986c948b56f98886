#!/usr/bin/env bash
# t2000-watch: live events through every filter, output format and stop
# condition of 'latticectl watch', with the example CloudEvents as data.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}

# watch_run NAME PUBLISH-ARGS -- WATCH-ARGS: start watch, publish the
# example events with 'lt-test-tool pub-events PUBLISH-ARGS', wait for
# watch to exit by itself (WAIT_RC), output in $TEST_DIR/NAME.out/.err.
watch_run() {
	local name=$1 pubargs=()
	shift
	while [ "$1" != "--" ]; do
		pubargs+=("$1")
		shift
	done
	shift
	bg_lt "$name" watch "$@"
	T pub-events "${pubargs[@]}" >/dev/null
	wait_pid "$LAST_PID" 20
}

start_nats n1

# Text: one line per event, aligned, type-specific fields, short host id.
watch_run text "$E" -- --count 19
is "$WAIT_RC" 0 "--count 19 exits 0 after the 19 lattice events"
out=$(cat "$TEST_DIR/text.out")
is "$(lines "$TEST_DIR/text.out")" 19 "one line per event"
like "$out" "component_scaled +NCTZ3B57 component=rust_hello_world-http_component image=localhost:5000/test/http-hello-world:0\.0\.1 max=1" \
    "component_scaled: component, image, max instances, short host"
like "$out" 'config_deleted +NCTZ3B57 config=rust_hello_world-custom_config' "config_deleted names the config"
like "$out" 'component_scale_failed .* error="Unable to fetch requested config' "failure carries the host's error text"
cols=$(undated "$TEST_DIR/text.out" | awk '{ print index($0, $3) }' | sort -u | wc -l)
is "$cols" 1 "the third column starts at the same offset on every line"
err=$(cat "$TEST_DIR/text.err")
like "$err" 'watch: 19 events' "summary on stderr"
like "$err" 'component_scaled 2' "summary counts per type"

# --type globs are a server-side filter: other types never arrive.
watch_run type "$E" -- --type 'config_*,host_stopped' --count 3 -o ndjson
is "$WAIT_RC" 0 "--type exits after 3"
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/type.out" | sort | tr '\n' ' ')" \
    "com.wasmcloud.lattice.config_deleted com.wasmcloud.lattice.config_set com.wasmcloud.lattice.host_stopped " \
    "--type keeps only the matching types"
exit_code 2 "--type with an empty element" lt watch --type 'config_set,,x'

# --for, --where, --grep are client-side.
watch_run for "$E" -- --for component/rust_hello_world-http_component --idle 1s -o ndjson
is "$WAIT_RC" 0 "--idle exits 0"
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/for.out" | sort -u | tr '\n' ' ')" \
    "com.wasmcloud.lattice.component_scale_failed com.wasmcloud.lattice.component_scaled com.wasmcloud.lattice.linkdef_deleted com.wasmcloud.lattice.linkdef_set com.wasmcloud.lattice.linkdef_set_failed " \
    "--for component/ID keeps its events and links"
# each record's t is its time of receipt: after the meta record's, in order
# (events reach watch without one and get it when a filter keeps them)
in_order() { jq -rs '[.[].t] | . == sort and (.[0] | startswith("20"))' "$1"; }
is "$(in_order "$TEST_DIR/for.out")" true "--for: record times are times of receipt, in order"

watch_run where "$E" -- --where 'data.image_ref ~ 0\.0\.2$' --idle 1s
is "$(lines "$TEST_DIR/where.out")" 1 "--where ~ matches one event"
like "$(cat "$TEST_DIR/where.out")" 'component_scale_failed' "... the failed scale to 0.0.2"

watch_run where2 "$E" -- --where 'data.max_instances > 0' --where 'data.claims exists' --idle 1s -o ndjson
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/where2.out" | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')" \
    "1 " "repeated --where are ANDed (only the signed component_scaled)"

watch_run grep "$E" -- --grep 'manifest unknown' --idle 1s
is "$(lines "$TEST_DIR/grep.out")" 1 "--grep matches the payload"
like "$(cat "$TEST_DIR/grep.out")" 'provider_start_failed' "... of provider_start_failed"

exit_code 2 "bad --where operator" lt watch --where 'data.x =~ 1'
like "$(cat "$TEST_DIR/last.err")" "--where" "names the option"
exit_code 2 "bad --where regex" lt watch --where 'data.x ~ ('
exit_code 2 "bad --for kind" lt watch --for pod/x
like "$(cat "$TEST_DIR/last.err")" "pod" "names the bad kind"
exit_code 2 "more exact types than subscriptions" lt watch --type "$(seq -s, -f 't%g' 40)"
like "$(cat "$TEST_DIR/last.err")" "too many subscriptions \(at most 32\)" "says so instead of dropping types"
exit_code 2 "bad --since" lt watch --since yesterday-ish

# --until: exit 0 on the event; 4 when --timeout passes first.
watch_run until "$E" -- --until component_scale_failed
is "$WAIT_RC" 0 "--until exits 0 when the event arrives"
like "$(tail -1 "$TEST_DIR/until.out")" 'component_scale_failed' "the matching event is the last line"
watch_run until2 "$E" -- --until 'component_scaled:data.image_ref ~ 9\.9\.9' --timeout 1s
is "$WAIT_RC" 4 "--until with --timeout and no match exits 4"
like "$(cat "$TEST_DIR/until2.err")" "no event matched --until" "says why"

# ndjson is the recording stream; raw is the payload bytes.
watch_run nd "$E/config_set.json" -- --count 1 -o ndjson
is "$(jq -r .kind "$TEST_DIR/nd.out" | tr '\n' ' ')" "meta event end " "ndjson: meta, event, end"
is "$(jq -r 'select(.kind=="event") | .subject' "$TEST_DIR/nd.out")" \
    "wasmbus.evt.default.config_set" "ndjson keeps the subject"
is "$(jq -c 'select(.kind=="event") | .event' "$TEST_DIR/nd.out")" \
    "$(jq -c . "$E/config_set.json")" "ndjson keeps the event unchanged"
is "$(in_order "$TEST_DIR/nd.out")" true "ndjson: record times are times of receipt, in order"
watch_run raw "$E/config_set.json" -- --count 1 -o raw
is "$(jq -c . "$TEST_DIR/raw.out")" "$(jq -c . "$E/config_set.json")" "raw prints the payload"

# --idle counts shown events: filtered-out traffic does not keep it alive.
bg_lt idlef watch --for component/nobody --idle 1s
idle_pid=$LAST_PID
( for _ in $(seq 200); do T pub-events "$E/component_scaled.json" >/dev/null; sleep 0.1; done ) &
_bg_pids+=($!)
wait_pid "$idle_pid" 10
is "$WAIT_RC" 0 "--idle 1s exits while only filtered-out events arrive"
kill "${_bg_pids[-1]}" 2>/dev/null

# --record while showing text.
watch_run rec "$E/component_scaled.json" "$E/config_deleted.json" -- --count 2 --record "$TEST_DIR/w.ltrec"
is "$(jq -r .kind "$TEST_DIR/w.ltrec" | tr '\n' ' ')" "meta event event end " "--record writes meta, events, end"
is "$(jq -r 'select(.kind=="meta") | .argv | join(" ")' "$TEST_DIR/w.ltrec" | grep -c -- '--record')" 1 \
    "the meta record keeps the command line"
is "$(jq -r 'select(.kind=="end") | .events' "$TEST_DIR/w.ltrec")" 2 "the end record counts events"
is "$(lines "$TEST_DIR/rec.out")" 2 "text still shown with --record"
exit_code 6 "unwritable --record" lt watch --record /nonexistent/dir/x.ltrec --count 1
like "$(cat "$TEST_DIR/last.err")" "/nonexistent/dir/x.ltrec" "names the file"

# Lattices: -x picks one, -x '*' watches every lattice.
watch_run lat "$E/config_set.json" --lattice prod -- -x prod --count 1 -o ndjson
is "$(jq -r 'select(.kind=="event") | .subject' "$TEST_DIR/lat.out")" "wasmbus.evt.prod.config_set" "-x prod"
bg_lt all watch -x '*' --count 2 -o ndjson
T pub-events "$E/config_set.json" --lattice a >/dev/null
T pub-events "$E/config_set.json" --lattice b >/dev/null
wait_pid "$LAST_PID" 20
is "$(jq -r 'select(.kind=="event") | .subject' "$TEST_DIR/all.out" | sort | tr '\n' ' ')" \
    "wasmbus.evt.a.config_set wasmbus.evt.b.config_set " "-x '*' sees every lattice"

# --wadm adds wadm.evt.
watch_run wadm "$E/wadm.manifest_published.json" "$E/config_set.json" -- --wadm --count 2
like "$(cat "$TEST_DIR/wadm.out")" "manifest_published" "--wadm shows wadm events"

# --wadm also shows wadm.status (an app's Status, not a CloudEvent),
# readably, and records it as kind wadm.status.
ST=$FIXTURES/wadm/status.wadm.status.json
bg_lt wstat watch --wadm --count 2 --record "$TEST_DIR/wstat.ltrec"
jq -c .payload "$ST" | T pub wadm.status.default.rust-hello-world - >/dev/null
jq -c '.payload | .status = {"type":"failed","message":"no host can run it"}' "$ST" |
    T pub wadm.status.other.app - >/dev/null
jq -c '.payload | .status = {"type":"deployed"} | .scalers = []' "$ST" |
    T pub wadm.status.default.rust-hello-world - >/dev/null
wait_pid "$LAST_PID" 20
is "$WAIT_RC" 0 "--wadm --count 2 with status messages exits 0"
out=$(undated "$TEST_DIR/wstat.out")
is "$(lines "$TEST_DIR/wstat.out")" 2 "one line per status of this lattice (not another lattice's)"
like "$(head -1 <<<"$out")" '^[0-9:.]+  wadm\.status +- +app=rust-hello-world status=reconciling message="Scaling component on 1 host\(s\)"' \
    "status line: app, status type, message"
unlike "$out" '!!|not-cloudevent' "not shown as a bad event"
like "$(tail -1 <<<"$out")" 'app=rust-hello-world status=deployed$' "a deployed status"
is "$(jq -r 'select(.kind=="wadm.status") | "\(.subject) \(.payload.status.type)"' "$TEST_DIR/wstat.ltrec" | tr '\n' ' ')" \
    "wadm.status.default.rust-hello-world reconciling wadm.status.default.rust-hello-world deployed " \
    "recorded as kind wadm.status with subject and payload"
like "$(lt show "$TEST_DIR/wstat.ltrec")" '-- wadm\.status: subject=wadm\.status\.default\.rust-hello-world status=reconciling' \
    "show reads the recorded status"
like "$(cat "$TEST_DIR/wstat.err")" 'wadm\.status 2' "summary counts them"
# --for app/NAME and --grep pick statuses too (the app is the subject's
# last token); any other --for leaves none.
bg_lt wfor watch --wadm --for app/rust-hello-world --grep Scaling --count 1
jq -c .payload "$ST" | T pub wadm.status.default.other-app - >/dev/null
jq -c '.payload | .status = {"type":"deployed"} |
    .scalers |= map(.status = {"type":"deployed"})' "$ST" |
    T pub wadm.status.default.rust-hello-world - >/dev/null
jq -c .payload "$ST" | T pub wadm.status.default.rust-hello-world - >/dev/null
wait_pid "$LAST_PID" 20
is "$WAIT_RC" 0 "--wadm --for app/NAME --grep: exits after the one match"
like "$(cat "$TEST_DIR/wfor.out")" '^[0-9:.]+  wadm\.status +- +app=rust-hello-world status=reconciling' \
    "--for app/NAME --grep: only that app's status with the text"
is "$(lines "$TEST_DIR/wfor.out")" 1 "... and no other"
like "$(cat "$TEST_DIR/wfor.err")" '2 filtered out' "the other app's and the text-less status are filtered out"
bg_lt wcomp watch --wadm --for component/x --count 1
jq -c .payload "$ST" | T pub wadm.status.default.rust-hello-world - >/dev/null
jq -c '.data.component_id = "x"' "$E/component_scaled.json" |
    T pub wasmbus.evt.default.component_scaled - >/dev/null
wait_pid "$LAST_PID" 20
is "$WAIT_RC" 0 "--wadm --for component/X: exits after the component's event"
unlike "$(cat "$TEST_DIR/wcomp.out")" 'wadm\.status' "and shows no status (a status names no component)"

# Bad payloads are shown for what they are, never a crash.
bg_lt bad watch --count 4 -o ndjson
printf 'not json at all' | T pub wasmbus.evt.default.x - >/dev/null
printf '{"no":"type"}' | T pub wasmbus.evt.default.y - >/dev/null
head -c 1000000 /dev/zero | tr '\0' 'a' | sed 's/^/{"type":"com.wasmcloud.lattice.big","data":{"s":"/; s/$/"}}/' |
    T pub wasmbus.evt.default.big - >/dev/null
python3 -c 'print("["*5000 + "]"*5000)' | T pub wasmbus.evt.default.deep - >/dev/null
wait_pid "$LAST_PID" 20
is "$WAIT_RC" 0 "bad payloads: exit 0"
is "$(jq -r 'select(.kind=="event") | .subject' "$TEST_DIR/bad.out" | tr '\n' ' ')" \
    "wasmbus.evt.default.x wasmbus.evt.default.y wasmbus.evt.default.big wasmbus.evt.default.deep " \
    "every bad payload is recorded"
bg_lt badtext watch --count 2
printf 'not json at all' | T pub wasmbus.evt.default.x - >/dev/null
printf '\001\002\003' | T pub wasmbus.evt.default.z - >/dev/null
wait_pid "$LAST_PID" 20
like "$(cat "$TEST_DIR/badtext.out")" "not-json" "non-JSON payload is labelled"
like "$(cat "$TEST_DIR/badtext.out")" "binary" "binary payload is labelled"

# A closed pipe ends watch quietly with 0: events keep coming until
# watch writes into the pipe head has closed.
(
	"$LATTICECTL" -v watch 2>"$TEST_DIR/pipe.err" | head -n1 >"$TEST_DIR/pipe.head"
	echo "${PIPESTATUS[0]}" >"$TEST_DIR/pipe.rc"
) &
_bg_pids+=($!)
wait_for "piped watch subscribed" 20 grep -q subscribed "$TEST_DIR/pipe.err"
pub_until_done() {
	T pub-events "$E/config_set.json" >/dev/null
	[ -s "$TEST_DIR/pipe.rc" ]
}
wait_for "piped watch exits" 20 pub_until_done
is "$(cat "$TEST_DIR/pipe.rc")" 0 "watch | head -n1 exits 0"
is "$(grep -c . "$TEST_DIR/pipe.head")" 1 "head got its line"
unlike "$(cat "$TEST_DIR/pipe.err")" "Broken pipe|error" "no error on a closed pipe"

# Typos: an unknown --type is a warning naming the nearest known type (the
# watch still runs and exits 0); -q silences it.
lt watch --type compnent_scaled --idle 200ms >/dev/null 2>"$TEST_DIR/typo.err"
is "$?" 0 "an unknown --type: exit 0"
like "$(cat "$TEST_DIR/typo.err")" \
    "watch: warning: unknown event type 'compnent_scaled' \(did you mean 'component_scaled'\?\); no known event can match" \
    "an unknown --type is named with the nearest known type"
lt watch --type 'nosuch*,config_set' --idle 200ms >/dev/null 2>"$TEST_DIR/typo2.err"
like "$(cat "$TEST_DIR/typo2.err")" "unknown event type 'nosuch\*' \(known: component_scaled .*host_heartbeat.*\)$" \
    "a glob far from every type lists the known types"
unlike "$(cat "$TEST_DIR/typo2.err")" "config_set'|no known event can match" \
    "a known type beside it is not warned about"
lt -q watch --type compnent_scaled --idle 200ms >/dev/null 2>"$TEST_DIR/typoq.err"
is "$(cat "$TEST_DIR/typoq.err")" "" "-q: no warning"

# '!T' excludes a type, alone or with inclusions and globs.
watch_run excl "$E" -- --type '!host_heartbeat,!health_check_*' --count 15 -o ndjson
is "$WAIT_RC" 0 "--type '!T,!G*': exits after the 15 other events"
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/excl.out" | grep -c 'heartbeat\|health')" 0 \
    "no excluded type is shown"
like "$(cat "$TEST_DIR/excl.err")" '4 filtered out' "the 4 excluded events are counted as filtered"
unlike "$(cat "$TEST_DIR/excl.err")" 'warning' "known excluded types: no warning"
watch_run exin "$E" -- --type 'health_check_*' --type '!health_check_status' --idle 1s -o ndjson
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/exin.out" | sort | tr '\n' ' ')" \
    "com.wasmcloud.lattice.health_check_failed com.wasmcloud.lattice.health_check_passed " \
    "an exclusion narrows an included glob"
exit_code 2 "a lone '!' is refused" lt watch --type '!'

# --where type=NAME takes the short type name.
watch_run wshort "$E" -- --where type=component_scaled --count 2 -o ndjson
is "$WAIT_RC" 0 "--where type=component_scaled matches"
is "$(jq -r 'select(.kind=="event") | .event.type' "$TEST_DIR/wshort.out" | sort -u)" \
    "com.wasmcloud.lattice.component_scaled" "... only that type"

# Nothing heard on the lattice: one line at exit says so (not with -q, not
# when events came, not when --type narrowed the subscription).
lt -x nobody watch --idle 300ms >/dev/null 2>"$TEST_DIR/empty.err"
is "$?" 0 "an empty lattice: exit 0"
like "$(cat "$TEST_DIR/empty.err")" \
    "watch: no host published an event on lattice 'nobody' \(is the lattice name right\? 'latticectl hosts' lists" \
    "an empty lattice is named"
lt -q -x nobody watch --idle 300ms >/dev/null 2>"$TEST_DIR/emptyq.err"
is "$(cat "$TEST_DIR/emptyq.err")" "" "-q: not said"
unlike "$(cat "$TEST_DIR/text.err")" 'no host published' "not said when events came"
lt -x nobody watch --type host_started --idle 300ms >/dev/null 2>"$TEST_DIR/emptyt.err"
unlike "$(cat "$TEST_DIR/emptyt.err")" 'no host published' \
    "not said when --type narrowed what the server sends"

done_testing
