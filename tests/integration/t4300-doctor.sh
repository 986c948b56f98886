#!/usr/bin/env bash
# t4300-doctor: 'doctor' against a healthy latticesim (all pass, exit 0),
# without wadm, without JetStream, with the monitoring port down, slow or
# answering something that is not JSON; -o json; exit 1 when any check
# fails; queue groups with hosts that answer no ping (cannot tell, a
# warning), and with one host silent to ping beside a thief (the silent
# host a warning, the thief a failure). (More host queue-group thieves are
# in t4100-sub-safety.)
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

# status CHECK: the status of one check in $TEST_DIR/last.out (-o json).
status() {
	jq -r --arg c "$1" '.checks[] | select(.check == $c) | .status' "$TEST_DIR/last.out"
}

# free_port: a loopback port nobody listens on.
free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The synopsis names every output doctor accepts.
exit_code 0 "doctor --help" lt doctor --help
# (the usage is wrapped to 80 columns: its lines joined)
like "$(sed -n '1,/^$/p' "$TEST_DIR/last.out" | tr -s '\n ' ' ')" "^usage: latticectl doctor .*\[-o text\|json\|ndjson\] $" "usage names -o text|json|ndjson"
like "$(sed -n '/^# SYNOPSIS/,/^# DESC/p' "$LT_SRCDIR/man/latticectl-doctor.1.scd")" \
    "\[\*-o\* text\|json\|ndjson\]" "the man page's synopsis too"

# Usage errors come before connecting (exit 2, not 3).
export NATS_URL=nats://127.0.0.1:1
exit_code 2 "a bad monitoring URL" lt doctor --monitor "ftp://127.0.0.1/"
like "$(cat "$TEST_DIR/last.err")" "--monitor 'ftp://127.0.0.1/' is not an http:// or https:// URL" "names the bad URL"
exit_code 2 "doctor -o raw" lt doctor -o raw
exit_code 2 "doctor --wait with a bad duration" lt doctor --wait soon
like "$(cat "$TEST_DIR/last.err")" "^latticectl: doctor: --wait: invalid duration 'soon'" "names the bad value"
exit_code 2 "doctor --since with a bad duration" lt doctor --since soon
like "$(cat "$TEST_DIR/last.err")" "^latticectl: doctor: --since: invalid duration 'soon'" "names the bad --since"
exit_code 3 "doctor without a server" lt doctor

start_nats n1 -m -1
start_sim --hosts 2 --events-max-age 1h

# Healthy.
exit_code 0 "healthy lattice" lt doctor --monitor "$NATS_MON_URL" --wait 500ms
out=$(cat "$TEST_DIR/last.out")
for c in server jetstream CONFIGDATA_default LATTICEDATA_default wadm hosts \
    events-history slow-consumers queue-groups; do
	like "$out" "^PASS  $c " "healthy: $c passes"
done
like "$out" "^PASS  server +nats-server [0-9]+\.[0-9]+\.[0-9]+ at nats://127\.0\.0\.1:" "server: version and URL"
like "$out" "^PASS  hosts +2 hosts answered ping \(version 1\.8\.0\)" "hosts: count and version"
like "$out" "^PASS  events-history +'wasmbus_events' keeps 1h" "events-history: what 'watch --since' can reach"
unlike "$out" "WARN|FAIL|fix:" "nothing to fix"
exit_code 0 "--since within the retention" lt doctor --wait 500ms --since 30m
like "$(cat "$TEST_DIR/last.out")" "^PASS  events-history +'wasmbus_events' keeps 1h00m \([0-9]+ events\): 'watch --since 30m' reaches that far" \
    "--since 30m on a 1h stream passes"
exit_code 0 "healthy, -o json" lt doctor --monitor "$NATS_MON_URL" --wait 500ms -o json
is "$(jq -c .summary "$TEST_DIR/last.out")" '{"pass":9,"warn":0,"fail":0,"skip":0}' "json: summary counts"
is "$(jq -r '[.lattice, (.checks[0] | keys | join(","))] | join(" ")' "$TEST_DIR/last.out")" \
    "default check,reason,status" "json: lattice; check, status, reason"
is "$(jq -r .schema "$TEST_DIR/last.out")" "latticectl.doctor/1" "json: schema"
exit_code 0 "healthy, -o ndjson" lt doctor --monitor "$NATS_MON_URL" --wait 500ms -o ndjson
is "$(python3 -c 'import json, sys
recs = [json.loads(l) for l in sys.stdin]
print(" ".join(sorted(set(r["schema"] for r in recs[:-1]))), len(recs) - 1,
    recs[-1]["schema"], json.dumps(recs[-1]["summary"], separators=(",", ":")))' \
    <"$TEST_DIR/last.out")" \
    'latticectl.doctor-check/1 9 latticectl.doctor-summary/1 {"pass":9,"warn":0,"fail":0,"skip":0}' \
    "ndjson: one line per check (each parses alone), then the summary line"
exit_code 0 "without --monitor" lt doctor --wait 500ms -o json
is "$(status monitor)" skip "without --monitor the monitor checks are skipped"

# A thief in wadm's queue group is named too.
bg "$LT_HELPER" -s "$NATS_URL" thief 'wadm.api.>' wadm_server >"$TEST_DIR/thief.out"
wait_for "thief" 10 grep -q ready "$TEST_DIR/thief.out"
exit_code 1 "a client in wadm_server" lt --timeout 1s doctor --monitor "$NATS_MON_URL" --wait 500ms
like "$(cat "$TEST_DIR/last.out")" "^FAIL  queue-groups +connection cid [0-9]+ name 'lt-test-tool' from 127\.0\.0\.1:[0-9]+ is in wadm queue group 'wadm_server' \(subject 'wadm\.api\.>', [0-9]+ messages taken\) but is not a wadm" \
    "names the wadm_server thief"
# (doctor's own model.get may be taken by the thief: then wadm fails too.)
unlike "$(grep '^FAIL  queue-groups' "$TEST_DIR/last.out")" "latticesim" "wadm itself is not reported"
stop_pid "$LAST_PID"

# Short event history: a warning, still exit 0.
stop_pid "$SIM_PID"
T req '$JS.API.STREAM.DELETE.wasmbus_events' >/dev/null
start_sim --hosts 1
exit_code 0 "warnings alone exit 0" lt doctor --wait 500ms
like "$(cat "$TEST_DIR/last.out")" "^WARN  events-history +'wasmbus_events' keeps events for 1m10s only" \
    "short retention is a warning"
like "$(cat "$TEST_DIR/last.out")" "fix: raise it: nats stream edit wasmbus_events --max-age" "with the fix"
exit_code 0 "--since shorter than the retention" lt doctor --wait 500ms --since 1m
like "$(cat "$TEST_DIR/last.out")" "^PASS  events-history +'wasmbus_events' keeps 1m10s .*'watch --since 1m' reaches that far" \
    "--since 1m on a 70s stream passes"
exit_code 1 "--since longer than the retention" lt doctor --wait 500ms --since 5m
like "$(cat "$TEST_DIR/last.out")" "^FAIL  events-history +'wasmbus_events' keeps events for 1m10s only, less than --since 5m: 'watch --since 5m' cannot reach that far back" \
    "--since 5m on a 70s stream fails"
like "$(cat "$TEST_DIR/last.err")" "doctor: 1 check failed" "and counts as a failed check"
exit_code 1 "--since, -o json" lt doctor --wait 500ms --since 5m -o json
is "$(status events-history)" fail "json: events-history fails"

# No wadm.
stop_pid "$SIM_PID"
start_sim --hosts 1 --no-wadm
exit_code 1 "no wadm" lt doctor --wait 500ms
like "$(cat "$TEST_DIR/last.out")" "^FAIL  wadm +no wadm is listening on 'wadm.api.default.>' \(queue group 'wadm_server'\)" \
    "names the missing wadm"
like "$(cat "$TEST_DIR/last.out")" "fix: start wadm for this lattice" "with the fix"
like "$(cat "$TEST_DIR/last.err")" "doctor: 1 check failed" "stderr counts the failures"
exit_code 1 "no wadm, -o json" lt doctor --wait 500ms -o json
is "$(jq -r '[.checks[] | select(.status == "fail") | .check] | join(",")' "$TEST_DIR/last.out")" wadm "json: only wadm fails"
like "$(jq -r '.checks[] | select(.check == "wadm") | .fix' "$TEST_DIR/last.out")" "^start wadm" "json: the fix"

# No hosts on another lattice: hosts and buckets fail.
exit_code 1 "empty lattice" lt -x nobody doctor --wait 300ms -o json
is "$(status hosts) $(status CONFIGDATA_nobody) $(status LATTICEDATA_nobody)" "fail fail fail" \
    "no hosts, no buckets"

# Monitoring port down, slow, not JSON, wrong path.
port=$(free_port)
exit_code 1 "monitoring port down" lt doctor --monitor "http://127.0.0.1:$port" --wait 300ms
like "$(cat "$TEST_DIR/last.out")" "^FAIL  monitor +monitoring endpoint unreachable: 'http://127\.0\.0\.1:$port/varz': " \
    "names the unreachable URL"
like "$(cat "$TEST_DIR/last.out")" "fix: start nats-server with -m PORT" "with the fix"
bg python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(600)' >"$TEST_DIR/mute.port"
wait_for "mute listener" 10 test -s "$TEST_DIR/mute.port"
exit_code 1 "monitoring port never answers" lt --timeout 500ms doctor --monitor "http://127.0.0.1:$(cat "$TEST_DIR/mute.port")" --wait 300ms
like "$(cat "$TEST_DIR/last.out")" "^FAIL  monitor +monitoring endpoint unreachable: .*timed out" "a silent endpoint times out"
mkdir -p "$TEST_DIR/www"
echo 'this is not JSON' >"$TEST_DIR/www/varz"
bg python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$TEST_DIR/www" >"$TEST_DIR/www.log" 2>&1
wait_for "http.server" 10 grep -q 'Serving HTTP' "$TEST_DIR/www.log"
www=http://127.0.0.1:$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$TEST_DIR/www.log" | head -1)
exit_code 1 "monitoring port answers non-JSON" lt doctor --monitor "$www" --wait 300ms
like "$(cat "$TEST_DIR/last.out")" "^FAIL  monitor +'$www/varz' did not answer with a JSON document \(content type '[^']*'\)" \
    "a non-JSON answer is named"
exit_code 1 "monitoring URL with a wrong path" lt doctor --monitor "$www/nats/" --wait 300ms -o json
like "$(jq -r '.checks[] | select(.check == "monitor") | .reason' "$TEST_DIR/last.out")" "'$www/nats/varz' answered HTTP 404" \
    "json: an HTTP error is named"
stop_pid "$SIM_PID"

# Some hosts answer ping, one does not (slow, or outside --wait): it still
# subscribes like a host (host.ping, its own host.*.ID...), so it is a
# warning, not a thief; a client in a host queue group is still a thief.
start_sim --hosts 2 --mute-ping 1
silent=$(sed -n 's/.*host \(N[A-Z0-9]*\) (.*) started$/\1/p' "$TEST_DIR/sim.log" | tail -1)
exit_code 0 "one host silent to ping: a warning, exit 0" lt doctor --monitor "$NATS_MON_URL" --wait 500ms
out=$(cat "$TEST_DIR/last.out")
like "$out" "^PASS  hosts +1 host answered ping" "one host answered"
like "$out" "^WARN  queue-groups +connection cid [0-9]+ name 'latticesim host ${silent:0:8}' from 127\.0\.0\.1:[0-9]+ in host queue group 'wasmbus\.ctl\.v1\.default\.[a-z]+' \(and 2 more\) looks like a host that did not answer the ping: it subscribes to host\.ping and to the subjects of host $silent" \
    "the silent host is a warning, named with its id"
like "$out" "fix: raise --wait; if it still does not answer, look at host $silent: it takes its share of link, claims and config requests$" "with the fix"
unlike "$out" "steals requests" "the silent host is not named a thief"
unlike "$out" "^PASS  queue-groups" "queue groups do not pass"
bg "$LT_HELPER" -s "$NATS_URL" thief 'wasmbus.ctl.v1.default.config.>' wasmbus.ctl.v1.default.config >"$TEST_DIR/thief3.out"
wait_for "thief" 10 grep -q ready "$TEST_DIR/thief3.out"
exit_code 1 "a silent host and a thief" lt doctor --monitor "$NATS_MON_URL" --wait 500ms
out=$(cat "$TEST_DIR/last.out")
like "$out" "^FAIL  queue-groups +connection cid [0-9]+ name 'lt-test-tool' from 127\.0\.0\.1:[0-9]+ is in host queue group 'wasmbus\.ctl\.v1\.default\.config' \(subject 'wasmbus\.ctl\.v1\.default\.config\.>', [0-9]+ messages taken\) but is not a host: it steals requests" \
    "the thief in a host group is named"
like "$out" "^WARN  queue-groups +connection cid [0-9]+ name 'latticesim host ${silent:0:8}' .* looks like a host that did not answer the ping" \
    "the silent host is still a warning"
unlike "$(grep '^FAIL' "$TEST_DIR/last.out")" "latticesim" "no host is named a thief"
like "$(cat "$TEST_DIR/last.err")" "doctor: 1 check failed" "stderr counts the thief alone"
exit_code 1 "a silent host and a thief, -o json" lt doctor --monitor "$NATS_MON_URL" --wait 500ms -o json
is "$(jq -r '[.checks[] | select(.check == "queue-groups") | .status] | sort | join(",")' "$TEST_DIR/last.out")" \
    "fail,warn" "json: the thief fails, the silent host warns"
is "$(jq -r '[.checks[] | select(.status == "fail") | .check] | unique | join(",")' "$TEST_DIR/last.out")" \
    "queue-groups" "json: nothing else fails"
stop_pid "$LAST_PID"
stop_pid "$SIM_PID"

# Hosts that answer no ping (every ctl reply dropped) still sit in their
# queue groups: with no host to tell them by, doctor names no host thief
# and says it cannot tell; a thief in wadm_server is still named.
start_sim --hosts 2 --no-wadm --drop-replies 1
bg "$LT_HELPER" -s "$NATS_URL" thief 'wadm.api.>' wadm_server >"$TEST_DIR/thief2.out"
wait_for "thief" 10 grep -q ready "$TEST_DIR/thief2.out"
exit_code 1 "hosts silent to ping" lt --timeout 1s doctor --monitor "$NATS_MON_URL" --wait 300ms
out=$(cat "$TEST_DIR/last.out")
like "$out" "^FAIL  hosts +no host answered" "no host answered ping"
like "$out" "^WARN  queue-groups +no host answered ping, so the 2 connections in host queue groups cannot be told from request thieves \(not checked\)" \
    "host groups: cannot tell"
unlike "$out" "host queue group '.*steals requests" "no host is named a thief"
like "$out" "^FAIL  queue-groups +connection cid [0-9]+ name 'lt-test-tool' .* is in wadm queue group 'wadm_server'" \
    "the wadm_server thief is still named"
unlike "$out" "^PASS  queue-groups" "queue groups do not pass"
exit_code 1 "hosts silent to ping, -o json" lt --timeout 1s doctor --monitor "$NATS_MON_URL" --wait 300ms -o json
is "$(jq -r '[.checks[] | select(.check == "queue-groups") | .status] | join(",")' "$TEST_DIR/last.out")" \
    "fail,warn" "json: the wadm thief fails, the host groups warn"
stop_pid "$LAST_PID"
stop_pid "$SIM_PID"

# No JetStream (and so no hosts).
start_nats plain -m -1 -js=false
exit_code 1 "no JetStream" lt doctor --monitor "$NATS_MON_URL" --wait 300ms
out=$(cat "$TEST_DIR/last.out")
like "$out" "^FAIL  jetstream +JetStream is disabled" "JetStream disabled fails"
like "$out" "fix: start nats-server with -js" "with the fix"
like "$out" "^SKIP  CONFIGDATA_default +JetStream is disabled" "bucket checks are skipped"
like "$out" "^PASS  queue-groups" "the monitoring checks still run"

done_testing
