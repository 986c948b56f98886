#!/usr/bin/env bash
# t9004-sim-faults: --drop-replies, --reply-delay, --garbage-events,
# --kill-host-after, --mute-ping, --events-max-age and load mode.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

start_nats n1
start_sim --lattice f1 --drop-replies 1 --no-wadm
exit_code 4 "dropped replies time out" T req wasmbus.ctl.v1.f1.host.ping --timeout 500ms
stop_pid "$SIM_PID"

start_sim --lattice f2 --reply-delay 300ms --no-wadm
start=$(date +%s%N)
T req wasmbus.ctl.v1.f2.config.get.x --timeout 2s >/dev/null
ok $? "delayed reply arrives"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok "$([ "$ms" -ge 300 ] && echo 0 || echo 1)" "reply delayed by >= 300ms (${ms}ms)"
stop_pid "$SIM_PID"

start_rec g "wasmbus.evt.f3.>"
start_sim --lattice f3 --hosts 2 --garbage-events 20 --kill-host-after 500ms --heartbeat 1s --no-wadm
wait_for "garbage" 10 has_line "$TEST_DIR/g.rec" 'not a CloudEvent'
ok $? "non-CloudEvent payload published"
wait_for "invalid JSON" 10 has_line "$TEST_DIR/g.rec" '"data":\{$'
ok $? "invalid JSON published"
wait_for "kill" 10 grep -q "fault: killing host" "$TEST_DIR/sim.log"
ok $? "a host was killed"
one_host() { [ "$(T gather wasmbus.ctl.v1.f3.host.ping --timeout 500ms | wc -l)" = 1 ]; }
wait_for "one host left" 10 one_host
ok $? "killed host stops answering"
unlike "$(cat "$TEST_DIR/g.rec")" host_stopped "a killed host sends no host_stopped"
stop_pid "$SIM_PID"

start_sim --lattice f6 --hosts 2 --mute-ping 1 --no-wadm
is "$(T gather wasmbus.ctl.v1.f6.host.ping --timeout 500ms | wc -l)" 1 "--mute-ping 1: one of two hosts answers ping"
muted=$(sed -n 's/.*host \(N[A-Z0-9]*\) (.*) started$/\1/p' "$TEST_DIR/sim.log" | tail -1)
like "$(T req "wasmbus.ctl.v1.f6.host.get.$muted" --timeout 2s)" '"success":true' "the muted host still answers host.get"
like "$(cat "$TEST_DIR/sim.log")" "fault: host ${muted:0:8} ignores host.ping" "the sim logs the ignored ping"
stop_pid "$SIM_PID"

start_sim --lattice f4 --events-max-age 5m --hosts 1
si=$(T req '$JS.API.STREAM.INFO.wasmbus_events')
is "$(jget "$si" 'j["config"]["max_age"]')" 300000000000 "wasmbus_events max_age from --events-max-age"
is "$(jget "$si" 'j["config"]["retention"]')" limits "wasmbus_events has limits retention"
is "$(jget "$si" 'j["config"]["subjects"]')" "['wasmbus.evt.*.>']" "wasmbus_events subjects"
stop_pid "$SIM_PID"

"$LT_SIM" -s "$NATS_URL" --lattice f5 --no-wadm --rate 2000 --duration 1s 2>"$TEST_DIR/load.log"
ok $? "load mode exits 0"
n=$(sed -n 's/.*published \([0-9]*\) events.*/\1/p' "$TEST_DIR/load.log")
ok "$([ "${n:-0}" -ge 1500 ] && [ "${n:-0}" -le 2600 ] && echo 0 || echo 1)" "--rate 2000 for 1s publishes about 2000 (${n:-none})"
done_testing
