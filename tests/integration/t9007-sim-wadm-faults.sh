#!/usr/bin/env bash
# t9007-sim-wadm-faults: --wadm-stall-after (wadm answers its API and does
# nothing else), --stop-heartbeat-after (a host connected but silent),
# --wadm-state-stale-after (wadm_state no longer written), a config
# changed behind wadm's back or through config.put, and wadm's refusal of
# an explicit component id another app deployed. Each fault fired by
# SIGUSR1 once the healthy deploy settled.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
APP=rust-hello-world
CFG=rust_hello_world-custom_config

start_nats n1

# count REC REGEX: lines of a recording matching REGEX.
count() {
	grep -Eac -- "$2" "$TEST_DIR/$1.rec"
}

# at_least REC REGEX N: the recording has N such lines (for wait_for).
at_least() {
	[ "$(count "$1" "$2")" -ge "$3" ]
}

status_of() {
	jget "$(T req "wadm.api.$1.model.status.$APP")" 'j["status"]["status"]["type"]'
}

status_is() {
	[ "$(status_of "$1")" = "$2" ]
}

# deploy_v L N: put and deploy upgrade-vN.yaml on lattice L.
deploy_v() {
	like "$(T req "wadm.api.$1.model.put" "@$M/upgrade-v$2.yaml")" \
	    '"result":"(created|newversion)"' "$1: put v$2"
	like "$(T req "wadm.api.$1.model.deploy.$APP")" '"result":"acknowledged"' \
	    "$1: deploy v$2"
}

# --- wadm stalls: API only ---
L=st
start_rec st "wadm.>" "wasmbus.evt.$L.>" "wasmbus.ctl.v1.$L.>"
start_sim --lattice $L --heartbeat 1s --wadm-backoff 1s --wadm-stall-after usr1
deploy_v $L 1
wait_for "v1 deployed" 20 status_is $L deployed
ok $? "healthy: v1 deployed before the stall"
wait_for "commands recorded" 10 at_least st "^wadm.cmd.$L " 2
ok $? "healthy: wadm sent commands"
kill -USR1 "$SIM_PID"
wait_for "stall" 10 grep -q "fault: wadm stalled" "$TEST_DIR/sim.log"
ok $? "SIGUSR1 stalls wadm"
deploy_v $L 2
wait_for "v2 published" 10 at_least st "^wadm.evt.$L.manifest_published .*v0.0.2" 1
ok $? "the API still publishes manifest_published"
mark=$(wc -l <"$TEST_DIR/st.rec")
after() {
	tail -n +"$((mark + 1))" "$TEST_DIR/st.rec"
}
three_beats() {
	[ "$(after | grep -ac "^wasmbus.evt.$L.host_heartbeat ")" -ge 3 ]
}
wait_for "3 heartbeats after the v2 deploy" 20 three_beats
ok $? "hosts keep heartbeating"
is "$(after | grep -Eac "^wadm.(cmd|status)\.")" 0 "no command and no status after the stall"
is "$(after | grep -Eac "^wasmbus.ctl.v1.$L.(claims|config|link)\.get")" 0 \
    "no read-only query either"
is "$(status_of $L)" deployed "model.status still answers the last status"
like "$(T req "wadm.api.$L.model.versions.$APP")" '"version":"v0.0.2","deployed":true' \
    "model.versions shows v2 deployed"
like "$(T req "wasmbus.ctl.v1.$L.host.get.$(host_ids $L)")" 'http-hello-world:0.0.1' \
    "v1 still runs"
stop_pid "$SIM_PID"

# --- a host stops heartbeating, stays connected ---
L=hb
start_rec hb "wasmbus.evt.$L.>"
start_sim --lattice $L --hosts 2 --heartbeat 1s --no-wadm --stop-heartbeat-after usr1
hosts=($(sed -n 's/.* host \(N[A-Z0-9]*\) (.*) started$/\1/p' "$TEST_DIR/sim.log"))
beats() {
	count hb "^wasmbus.evt.$L.host_heartbeat .*\"host_id\":\"$1\""
}
wait_for "muted host heartbeats" 10 at_least hb "\"host_id\":\"${hosts[1]}\"" 2
kill -USR1 "$SIM_PID"
wait_for "fault" 10 grep -q "fault: host ${hosts[1]} stops heartbeating" "$TEST_DIR/sim.log"
ok $? "SIGUSR1: the last host stops heartbeating"
n0=$(beats "${hosts[0]}")
wait_for "a heartbeat after the fault" 10 at_least hb "\"host_id\":\"${hosts[0]}\"" $((n0 + 1))
n1=$(beats "${hosts[1]}")
n0=$(beats "${hosts[0]}")
wait_for "3 more heartbeats of the other host" 20 at_least hb \
    "\"host_id\":\"${hosts[0]}\"" $((n0 + 3))
ok $? "the other host keeps heartbeating"
is "$(beats "${hosts[1]}")" "$n1" "the muted host sent no heartbeat meanwhile"
is "$(T gather "wasmbus.ctl.v1.$L.host.ping" --timeout 1s | wc -l)" 2 "both hosts answer ping"
like "$(T req "wasmbus.ctl.v1.$L.host.get.${hosts[1]}")" '"success":true' \
    "the muted host answers host.get"
is "$(count hb host_stopped)" 0 "no host_stopped"
stop_pid "$SIM_PID"

# --- wadm_state no longer written ---
L=ws
start_rec ws "wasmbus.evt.$L.host_heartbeat"
start_sim --lattice $L --heartbeat 1s --wadm-backoff 1s --wadm-state-stale-after usr1
deploy_v $L 1
wait_for "v1 deployed" 20 status_is $L deployed
comp_state() {
	lt kv get "component_$L" --bucket wadm_state -o raw 2>/dev/null
}
has_v1() {
	comp_state | grep -q "$CFG\|http_component"
}
wait_for "wadm_state has the component" 10 has_v1
ok $? "healthy: wadm_state lists the component"
kill -USR1 "$SIM_PID"
wait_for "fault" 10 grep -q "fault: wadm stops writing wadm_state" "$TEST_DIR/sim.log"
ok $? "SIGUSR1: wadm_state goes stale"
before=$(comp_state)
host_state_before=$(lt kv get "host_$L" --bucket wadm_state -o raw)
like "$(T req "wadm.api.$L.model.undeploy.$APP")" '"result":"acknowledged"' "undeploy"
gone() {
	! T req "wasmbus.ctl.v1.$L.host.get.$(host_ids $L)" | grep -q http_component
}
wait_for "component stopped" 20 gone
ok $? "the host stops the component"
beats=$(count ws host_heartbeat)
wait_for "2 heartbeats" 10 at_least ws host_heartbeat $((beats + 2))
is "$(comp_state)" "$before" "wadm_state still lists it"
# a heartbeat later, the host key has not moved either (uptime, components)
is "$(lt kv get "host_$L" --bucket wadm_state -o raw)" "$host_state_before" \
    "host_$L unchanged"
stop_pid "$SIM_PID"

# --- config drift ---
L=cd
start_rec cd "wadm.cmd.$L" "wasmbus.evt.$L.config_set"
start_sim --lattice $L --heartbeat 1s --wadm-backoff 1s
deploy_v $L 1
wait_for "v1 deployed" 20 status_is $L deployed
cfg() {
	jget "$(T req "wasmbus.ctl.v1.$L.config.get.$CFG")" 'j["response"]["name"]'
}
is "$(cfg)" world "healthy: the config holds the manifest's value"
puts=$(count cd "PutConfig.*$CFG")
# (a) behind wadm's back: a KV put, which no host reports (no config_set)
"$LT_HELPER" -s "$NATS_URL" kv-put "CONFIGDATA_$L" "$CFG" '{"name":"drifted"}' >/dev/null
ok $? "CONFIGDATA written directly"
start_rec cdh "wasmbus.evt.$L.host_heartbeat"
wait_for "3 heartbeats" 20 at_least cdh host_heartbeat 3
is "$(cfg)" drifted "wadm leaves the drifted value"
is "$(count cd "PutConfig.*$CFG")" "$puts" "no PutConfig"
is "$(status_of $L)" deployed "the status stays deployed"
# (b) through the host: config.put -> config_set -> the idle ConfigScaler
# puts the manifest's value back
like "$(T req "wasmbus.ctl.v1.$L.config.put.$CFG" '{"name":"other"}')" '"success":true' \
    "config.put of another value"
wait_for "PutConfig" 10 at_least cd "PutConfig.*$CFG.*\"name\":\"world\"" $((puts + 1))
ok $? "wadm re-puts the manifest's value after config_set"
back() {
	[ "$(cfg)" = world ]
}
wait_for "world again" 10 back
ok $? "the config holds the manifest's value again"
stop_pid "$SIM_PID"

# --- an explicit id deployed by another app ---
L=id
start_sim --lattice $L --heartbeat 1s
like "$(T req "wadm.api.$L.model.put" "@$M/conflict-explicit.yaml")" '"result":"created"' "put clash-one"
like "$(T req "wadm.api.$L.model.deploy.clash-one")" '"result":"acknowledged"' "deploy clash-one"
sed 's/^  name: clash-one$/  name: clash-two/' "$M/conflict-explicit.yaml" >"$TEST_DIR/two.yaml"
like "$(T req "wadm.api.$L.model.put" "@$TEST_DIR/two.yaml")" '"result":"created"' "put clash-two"
r=$(T req "wadm.api.$L.model.deploy.clash-two")
is "$(jget "$r" 'j["result"]')" error "deploy of the same explicit id is refused"
is "$(jget "$r" 'j["message"]')" \
    "Component identifier 'clash-web' is already deployed in a different application 'clash-one'." \
    "wadm 0.21's message"
like "$(T req "wadm.api.$L.model.undeploy.clash-one")" '"result":"acknowledged"' "undeploy clash-one"
like "$(T req "wadm.api.$L.model.deploy.clash-two")" '"result":"acknowledged"' \
    "once clash-one is undeployed, clash-two deploys"
stop_pid "$SIM_PID"
done_testing
