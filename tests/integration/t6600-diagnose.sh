#!/usr/bin/env bash
# t6600-diagnose: 'latticectl diagnose' against latticesim: usage errors
# before connecting; the #4704 upgrade someone else runs (wadm 0.21),
# diagnosed live (findings as they fire, evidence as a command, exit 1, a
# recording with its findings), after the fact (--since, from wadm's
# streams) and offline (the recording: the same findings); the same
# upgrade with the fixed wadm diagnosed silent (exit 0); -o ndjson; and
# nothing written to the lattice (no consumer left, no queue group).
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
APP=rust-hello-world
CFG=rust_hello_world-custom_config

status_is() {
	[ "$(jget "$(T req "wadm.api.$1.model.status.$APP")" 'j["status"]["status"]["type"]')" = "$2" ]
}
# deploy L VERSION: put upgrade-VERSION.yaml on lattice L and deploy it.
deploy() {
	like "$(T req "wadm.api.$1.model.put" "@$M/upgrade-$2.yaml")" '"result":"(created|newversion)"' "$1: put $2"
	like "$(T req "wadm.api.$1.model.deploy.$APP")" '"result":"acknowledged"' "$1: deploy $2"
}
# ids FILE: the rule ids of the findings printed in FILE, sorted.
ids() {
	grep -Eo '^(error|warning) [a-z-]+:' "$1" | sed 's/:$//' | sort -u
}

# Usage errors come before connecting (exit 2, not 3).
export NATS_URL=nats://127.0.0.1:1
exit_code 2 "--until other than settled" lt diagnose --until deployed
exit_code 2 "a bad --since" lt diagnose --since yesterday
exit_code 2 "a bad --settle" lt diagnose --settle soon
exit_code 2 "a recording with app names" lt diagnose ./a.ltrec "$APP"
exit_code 2 "--since with a recording" lt diagnose --since 1m ./a.ltrec
exit_code 2 "-o json is not one of its formats" lt diagnose -o json
exit_code 3 "no server" lt diagnose
exit_code 6 "a recording that is not there" lt diagnose ./nope.ltrec

start_nats n1

# A version name from the wire goes into model.get's body as JSON: a
# quote in it must not break (or add members to) the body.
start_rec asked 'wadm.api.hx.model.get.app'
printf '%s' '{"result":"ok","versions":[{"version":"v1\",\"x\":\"y","deployed":true}]}' \
    >"$TEST_DIR/versions.json"
bg "$LT_HELPER" -s "$NATS_URL" responder wadm.api.hx.model.versions.app - \
    "@$TEST_DIR/versions.json" >"$TEST_DIR/resp1.out"
bg "$LT_HELPER" -s "$NATS_URL" responder wadm.api.hx.model.get.app - \
    '{"result":"error","message":"no"}' >"$TEST_DIR/resp2.out"
wait_for "responder 1" 10 grep -q ready "$TEST_DIR/resp1.out"
wait_for "responder 2" 10 grep -q ready "$TEST_DIR/resp2.out"
lt -x hx diagnose app --timeout 2s >/dev/null 2>&1
wait_for "model.get asked" 10 grep -q 'model.get.app' "$TEST_DIR/asked.rec"
body=$(grep -m1 'model.get.app' "$TEST_DIR/asked.rec" | cut -d' ' -f2-)
is "$(jget "$body" 'sorted(j.items())')" "[('version', 'v1\",\"x\":\"y')]" \
    "model.get's body is the version, escaped"

start_sim --hosts 1 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
deploy default v1
wait_for "v1 deployed" 30 status_is default deployed

# consumers STREAM: how many consumers STREAM has now.
consumers() {
	jget "$(T req "\$JS.API.STREAM.INFO.$1" '')" 'j["state"]["consumer_count"]'
}
declare -A BEFORE
for s in wasmbus_events wadm_events wadm_status wadm_commands KV_CONFIGDATA_default KV_wadm_state; do
	BEFORE[$s]=$(consumers "$s")
done

# Live: diagnose follows while someone else deploys v2.
bg_lt live diagnose --until settled --settle 3s --timeout 90s \
    --record "$TEST_DIR/live.ltrec"
DIAG=$LAST_PID
deploy default v2
wait_pid "$DIAG" 120
is "$WAIT_RC" 1 "live: the #4704 upgrade is an error (exit 1)"
out=$TEST_DIR/live.out
like "$(cat "$out")" "error config-deleted-while-referenced: .*$CFG" \
    "live: the config wadm deleted while v2 references it"
like "$(cat "$out")" "error image-not-updated: " "live: the image the host kept"
like "$(cat "$out")" "error config-missing: config $CFG" "live: at settle, the config is missing"
like "$(cat "$out")" "error status-mismatch: wadm reports $APP deployed" \
    "live: wadm says deployed while errors hold"
like "$(cat "$out")" "evidence: latticectl show $TEST_DIR/live.ltrec --record [0-9]" \
    "live: evidence as a command to copy"
like "$(cat "$out")" "next: " "live: a next step"
like "$(cat "$out")" "wadm.status .*app=$APP status=deployed" "live: wadm's status changes"
like "$(cat "$TEST_DIR/live.err")" "diagnose: [0-9]+ records over .*; settled; [1-9][0-9]* errors?" \
    "live: the summary says it settled, with the errors"
rec=$TEST_DIR/live.ltrec
like "$(tail -1 "$rec")" '"kind":"end".*"settled":true' "live: the recording ends, settled"
is "$(grep -c '"kind":"finding"' "$rec")" "$(grep -Ec '^(error|warning) ' "$out")" \
    "live: every finding printed is in the recording"
like "$(grep '"kind":"wadm.cmd"' "$rec" | head -5)" 'DeleteConfig' \
    "live: wadm's commands are recorded (seen, not consumed)"

# Offline: the recording gives the same findings.
exit_code 1 "offline: the recording's findings (exit 1)" lt diagnose "$rec"
is "$(ids "$TEST_DIR/last.out")" "$(ids "$out")" "offline: the same rules fire as live"
like "$(cat "$TEST_DIR/last.out")" "evidence: latticectl show $rec --record" \
    "offline: evidence points into the recording"

# After the fact: from what wadm's streams hold.
exit_code 1 "after the fact (--since)" lt diagnose --since 5m --until settled \
    --settle 2s --timeout 60s
like "$(cat "$TEST_DIR/last.out")" "error config-deleted-while-referenced: .*$CFG" \
    "--since: the deleted config, from history"
like "$(cat "$TEST_DIR/last.out")" "    #[0-9]+ +[0-9:.]+ +config_deleted" \
    "--since: without a recording, the evidence records are printed"

# -o ndjson: the recording on stdout.
exit_code 1 "-o ndjson" lt diagnose --since 5m --until settled --settle 2s \
    --timeout 60s -o ndjson
like "$(head -1 "$TEST_DIR/last.out")" '"kind":"meta"' "ndjson: meta first"
like "$(grep '"kind":"finding"' "$TEST_DIR/last.out" | head -3)" \
    '"id":"config-deleted-while-referenced"' "ndjson: finding records"
unlike "$(grep -v '^{' "$TEST_DIR/last.out")" "." "ndjson: nothing but records"

# Read-only: diagnose left no consumer behind on wadm's streams or the
# buckets it read (ordered consumers go with their connection).
for s in wasmbus_events wadm_events wadm_status wadm_commands KV_CONFIGDATA_default KV_wadm_state; do
	is "$(consumers "$s")" "${BEFORE[$s]}" "no consumer left on $s"
done

# The same upgrade with the fixed wadm: nothing to say (exit 0).
start_sim --lattice fixed --hosts 1 --wadm-mode fixed --heartbeat 1s --wadm-backoff 1s
deploy fixed v1
wait_for "fixed: v1 deployed" 30 status_is fixed deployed
bg_lt healthy -x fixed diagnose --until settled --settle 3s --timeout 90s --record "$TEST_DIR/healthy.ltrec"
DIAG=$LAST_PID
deploy fixed v2
wait_pid "$DIAG" 120
is "$WAIT_RC" 0 "fixed wadm: a healthy upgrade (exit 0)"
unlike "$(cat "$TEST_DIR/healthy.out")" "^(error|warning) " "fixed wadm: no finding"
like "$(cat "$TEST_DIR/healthy.err")" "settled; 0 errors, 0 warnings" "fixed wadm: the summary"

done_testing
