#!/usr/bin/env bash
# t5000-show: 'latticectl show' renders a real watch recording offline with
# watch's filters, re-emits ndjson, and survives damaged, unknown and
# truncated records.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
R=$TEST_DIR/w.ltrec

start_nats n1

# A real recording: watch --record while the example events are published.
bg_lt rec watch --count 19 --record "$R"
"$LT_HELPER" -s "$NATS_URL" pub-events "$E" >/dev/null
wait_pid "$LAST_PID" 20
is "$WAIT_RC" 0 "watch --record wrote the recording"

# Offline rendering matches what watch printed live (events only).
lt show "$R" >"$TEST_DIR/show.out" 2>"$TEST_DIR/show.err"
is "$?" 0 "show exits 0 on a complete recording"
# (show puts each record's number first: "#N ")
is "$(sed -E 's/^#[0-9]+ +//' "$TEST_DIR/show.out")" "$(cat "$TEST_DIR/rec.out")" \
    "show prints the same lines watch printed live, after the record numbers"
like "$(undated "$TEST_DIR/show.out" | head -n 1)" '^#2     [0-9]' "the first event is record #2 (after meta)"
is "$(cat "$TEST_DIR/show.err")" "" "no warning for a complete recording"

# Filters are watch's.
out=$(lt show "$R" --type 'config_*')
is "$(printf '%s\n' "$out" | grep -vc '^# 20')" 2 "--type config_* keeps config_set and config_deleted"
like "$out" 'config_deleted +NCTZ3B57 config=rust_hello_world-custom_config' "the config_deleted line"
out=$(lt show "$R" --for config/rust_hello_world-custom_config --type config_deleted)
is "$(printf '%s\n' "$out" | grep -vc '^# 20')" 1 "--for and --type combine"
out=$(lt show "$R" --where 'data.max_instances > 0' --type component_scaled)
like "$out" 'component_scaled' "--where on a recorded event"
exit_code 2 "bad --where is a usage error" lt show "$R" --where 'data.x ?? 1'
exit_code 2 "-o raw is refused" lt show "$R" -o raw
exit_code 6 "missing file" lt show "$TEST_DIR/nope.ltrec"
exit_code 2 "no file argument" lt show

# -o ndjson re-emits the records that pass, unchanged.
lt show "$R" -o ndjson >"$TEST_DIR/nd.out"
is "$(jq -c . "$R" | sha256sum)" "$(jq -c . "$TEST_DIR/nd.out" | sha256sum)" \
    "unfiltered ndjson is the whole recording"
is "$(lt show "$R" -o ndjson --type config_deleted | jq -r .kind)" event \
    "filtered ndjson: only the matching event record"

# Numbers as written: an event holding 2^64 + 1 (and a password, so its
# payload is redacted on the way) is recorded, shown and filtered with the
# number exact (it was 1.8446744073709552e+19 in the recording, and
# 18446744073709551616 never equalled itself).
B=$TEST_DIR/big.ltrec
jq -c '.data.max_instances = "BIG" | .data.password = "hunter2"' "$E/component_scaled.json" |
    sed 's/"BIG"/18446744073709551617/' >"$TEST_DIR/big.json"
bg_lt bigrec watch --count 1 --record "$B"
"$LT_HELPER" -s "$NATS_URL" pub wasmbus.evt.default.component_scaled "$TEST_DIR/big.json" >/dev/null
wait_pid "$LAST_PID" 20
is "$WAIT_RC" 0 "watch --record wrote the event"
like "$(cat "$TEST_DIR/bigrec.out")" ' max=18446744073709551617( |$)' "watch shows the number as sent"
is "$(grep -c '"max_instances":18446744073709551617' "$B")" 1 "the recording holds it exactly"
unlike "$(cat "$B")" 'hunter2' "(the payload was redacted)"
like "$(lt show "$B")" ' max=18446744073709551617( |$)' "show prints it exactly"
is "$(lt show "$B" --where 'data.max_instances=18446744073709551617' | grep -c component_scaled)" 1 \
    "--where = finds it"
is "$(lt show "$B" --where 'data.max_instances=18446744073709551616' | grep -c component_scaled)" 0 \
    "--where = tells it from 2^64"
is "$(lt show "$B" -o ndjson | grep -c '"max_instances":18446744073709551617')" 1 \
    "show -o ndjson re-emits it exactly"

# A sub recording: its msg records show their payload as sub printed it
# live (compact JSON, text, empty), secrets redacted in both.
S=$TEST_DIR/s.ltrec
bg_lt subrec sub 'demo.>' --count 4 --record "$S"
printf '{"x": 1, "password": "hunter2"}' | "$LT_HELPER" -s "$NATS_URL" pub demo.json - >/dev/null
printf 'two words' | "$LT_HELPER" -s "$NATS_URL" pub demo.text - >/dev/null
printf '' | "$LT_HELPER" -s "$NATS_URL" pub demo.empty - >/dev/null
printf 'line one\nline two' | "$LT_HELPER" -s "$NATS_URL" pub demo.lines - >/dev/null
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "sub --record wrote the recording"
out=$(lt show "$S" 2>/dev/null | sed -E 's/^#[0-9]+ +//')
is "$out" "$(cat "$TEST_DIR/subrec.out")" "show prints sub's messages as sub printed them live"
like "$out" '^[0-9:.]+  demo\.json  \{"x":1,"password":"[^"]*"\}$' "a JSON payload, compacted"
unlike "$out" 'hunter2' "the secret stays redacted"
like "$out" '^[0-9:.]+  demo\.text  two words$' "a text payload"
like "$out" '^[0-9:.]+  demo\.empty  <empty>$' "an empty payload"
like "$out" '^[0-9:.]+  demo\.lines  line one\\nline two$' "newlines escaped"

# A replay-style recording with other kinds, an unknown kind, a damaged
# line and a truncated last line.
D=$TEST_DIR/d.ltrec
rec() { # SEQ KIND JSON-MEMBERS
	printf '{"schema":"latticectl.rec/1","seq":%s,"t":"2026-11-24T08:00:%02d.000000000Z","kind":"%s"%s}\n' \
	    "$1" "$1" "$2" "${3:+,$3}"
}
{
	head -n 1 "$R"
	rec 2 phase '"phase":"deploy-new"'
	jq -c 'select(.kind=="event" and (.subject|endswith("config_deleted")))' "$R"
	rec 4 wadm.cmd '"subject":"wadm.cmd.default","payload":{"type":"DeleteConfig"}'
	rec 5 kv '"bucket":"CONFIGDATA_default","key":"app-cfg","op":"purge","revision":7'
	rec 6 future.kind '"x":1'
	echo 'this line is not json'
	rec 8 finding '"severity":"error","id":"config-deleted-while-referenced","title":"config deleted","evidence":[3,5]'
	printf '{"schema":"latticectl.rec/1","seq":9,"t":"2026-11-'
} >"$D"
lt show "$D" >"$TEST_DIR/d.out" 2>"$TEST_DIR/d.err"
is "$?" 0 "a damaged recording still renders"
out=$(cat "$TEST_DIR/d.out")
like "$out" '-- phase: phase=deploy-new' "phase line"
like "$out" '-- wadm.cmd: subject=wadm.cmd.default' "wadm.cmd line"
like "$out" '-- kv: bucket=CONFIGDATA_default key=app-cfg op=purge revision=7' "kv line"
like "$out" '-- finding: severity=error id=config-deleted-while-referenced .*evidence=\[3,5\]' \
    "finding line with evidence"
like "$out" 'config_deleted' "the event between them"
err=$(cat "$TEST_DIR/d.err")
like "$err" 'line 7' "the damaged line is named"
like "$err" '1 record of unknown kind skipped' "unknown kinds are counted"
like "$err" 'last line is truncated' "truncation warning at the end"
is "$(tail -n 1 "$TEST_DIR/d.err" | grep -c truncated)" 1 "the truncation warning comes last"
out=$(lt show "$D" --type config_deleted 2>/dev/null)
unlike "$out" 'wadm.cmd' "filters hide ctl/wadm/kv records"
like "$out" 'finding:' "filters keep findings"

# A recording cut off cleanly (no end record).
head -n 3 "$R" >"$TEST_DIR/cut.ltrec"
like "$(lt show "$TEST_DIR/cut.ltrec" 2>&1 >/dev/null)" 'no end record' \
    "a recording without an end record is flagged"

# Output that stops early is no damage: the file was not read to its end.
# A complete recording of 5000 events prints far more than a pipe holds,
# so show meets EPIPE long before its end record.
B=$TEST_DIR/big.ltrec
{
	head -n 1 "$R"
	ev=$(grep -m 1 '"kind":"event"' "$R")
	for _ in $(seq 5000); do printf '%s\n' "$ev"; done
	tail -n 1 "$R"
} >"$B"
is "$(tail -n 1 "$B" | jq -r .kind)" end "(the big recording is complete)"
lt show "$B" 2>"$TEST_DIR/head.err" | head -1 >/dev/null
is "$(cat "$TEST_DIR/head.err")" "" \
    "show | head -1: no 'no end record' warning about a complete file (EPIPE is no damage)"
lt show "$B" -o ndjson 2>"$TEST_DIR/head.err" | head -1 >/dev/null
is "$(cat "$TEST_DIR/head.err")" "" "show -o ndjson | head -1: no warning either"

# A file without one valid record is not a recording: exit 6.
head -c 3000 /dev/urandom | tr '\000' x >"$TEST_DIR/random.bin"
printf 'hello\nthis is text\n\n' >"$TEST_DIR/text.txt"
: >"$TEST_DIR/empty.ltrec"
for f in random.bin text.txt empty.ltrec; do
	exit_code 6 "show $f" lt show "$TEST_DIR/$f"
	like "$(tail -1 "$TEST_DIR/last.err")" "'.*$f' is not a latticectl recording" \
	    "show $f: not a latticectl recording"
	exit_code 6 "report $f" lt report "$TEST_DIR/$f"
	like "$(tail -1 "$TEST_DIR/last.err")" "'.*$f' is not a latticectl recording" \
	    "report $f: not a latticectl recording"
done

# The filters' typo warnings and exclusions are watch's too.
lt show "$R" --type '!host_heartbeat,!health_check_*' >"$TEST_DIR/sx.out" 2>"$TEST_DIR/sx.err"
is "$(lines "$TEST_DIR/sx.out")" 15 "--type '!T': the 15 other events"
is "$(cat "$TEST_DIR/sx.err")" "" "known types: no warning"
lt show "$R" --type compnent_scaled >/dev/null 2>"$TEST_DIR/st.err"
is "$?" 0 "an unknown --type: exit 0"
like "$(cat "$TEST_DIR/st.err")" "show: warning: unknown event type 'compnent_scaled' \(did you mean 'component_scaled'\?\)" \
    "show names the nearest known type"
is "$(lt show "$R" --where type=config_set | grep -vc '^# 20')" 1 "--where type=NAME: the short name"

# A watch recording of a lattice where nothing published says so.
lt -x nobody watch --idle 200ms --record "$TEST_DIR/nohost.ltrec" 2>"$TEST_DIR/we.err"
rc=$?; [ "$rc" = 0 ] || sed 's/^/# /' "$TEST_DIR/we.err"
is "$rc" 0 "watch of an empty lattice recorded"
lt show "$TEST_DIR/nohost.ltrec" >/dev/null 2>"$TEST_DIR/se.err"
is "$?" 0 "an empty watch recording: exit 0"
like "$(cat "$TEST_DIR/se.err")" "show: .*nohost\.ltrec: no host published an event on lattice 'nobody' while it was recorded" \
    "show says no host published"
is "$(lt -q show "$TEST_DIR/nohost.ltrec" 2>&1)" "" "-q: not said"

done_testing
