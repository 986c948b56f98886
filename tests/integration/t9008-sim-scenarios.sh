#!/usr/bin/env bash
# t9008-sim-scenarios: the fault manifests of tests/fixtures/manifests
# against latticesim's wadm 0.21, each beside its healthy twin on another
# lattice: two apps whose derived component ids clash (their scalers flap
# the instance between 1 and 2), a component start that fails for a
# missing config, a provider start that fails, an unhealthy provider, a
# refused link, a spread no host satisfies; and an upgrade that leaves an
# instance of the old image running (one started by hand, which wadm
# neither counts nor cleans up).
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
SPREAD_MSG="Could not satisfy spread pinned for localhost:5000/test/greeter:0.1.0, 0/1 eligible hosts found."

start_nats n1

count() {
	grep -Eac -- "$2" "$TEST_DIR/$1.rec"
}

at_least() {
	[ "$(count "$1" "$2")" -ge "$3" ]
}

# deploy L FILE APP: put FILE and deploy APP on lattice L.
deploy() {
	like "$(T req "wadm.api.$1.model.put" "@$M/$2")" '"result":"created"' "$1: put $2"
	like "$(T req "wadm.api.$1.model.deploy.$3")" '"result":"acknowledged"' "$1: deploy $3"
}

status_json() {
	T req "wadm.api.$1.model.status.$2"
}

status_is() {
	[ "$(jget "$(status_json "$1" "$2")" 'j["status"]["status"]["type"]')" = "$3" ]
}

# maxes REC ID: the max_instances of ID's component_scaled events, in order.
maxes() {
	python3 - "$TEST_DIR/$1.rec" "$2" <<'PY'
import sys, json
for l in open(sys.argv[1], errors="replace"):
    subj, _, body = l.partition(" ")
    if not subj.endswith(".component_scaled"):
        continue
    try:
        d = json.loads(body)["data"]
    except (ValueError, KeyError):
        continue
    if d.get("component_id") == sys.argv[2]:
        print(d.get("max_instances"))
PY
}

# flaps REC ID N: ID's instance count changed direction at least N times.
flaps() {
	[ "$(maxes "$1" "$2" | uniq | wc -l)" -gt "$3" ]
}

# --- faulty and healthy lattices side by side ---
start_rec fx "wasmbus.evt.fx.>" "wadm.cmd.fx" "wadm.status.fx.>"
start_rec ok "wasmbus.evt.ok.>" "wadm.cmd.ok" "wadm.status.ok.>"
start_sim --lattice fx --hosts 2 --heartbeat 1s --wadm-backoff 1s
FX_PID=$SIM_PID
mv "$TEST_DIR/sim.log" "$TEST_DIR/fx.log"
start_sim --lattice ok --hosts 2 --heartbeat 1s --wadm-backoff 1s

deploy fx conflict-a.yaml fight-a
deploy fx conflict-b.yaml fight_a
deploy fx scale-failed.yaml scale-failed
deploy fx provider-failed.yaml provider-failed
deploy fx provider-unhealthy.yaml provider-unhealthy
deploy fx spread-unsatisfied.yaml spread-unsatisfied
deploy fx link-config-v2.yaml link-config

deploy ok conflict-a.yaml fight-a
deploy ok conflict-b.healthy.yaml fight-b
deploy ok scale-failed.healthy.yaml scale-failed
deploy ok provider-failed.healthy.yaml provider-failed
deploy ok provider-unhealthy.healthy.yaml provider-unhealthy
deploy ok spread-unsatisfied.healthy.yaml spread-unsatisfied
deploy ok link-config-v1.yaml link-config

# scaler conflict: fight-a wants 1, fight_a 2, of the one id fight_a-web
wait_for "fight_a-web flaps" 30 flaps fx fight_a-web 3
ok $? "fight_a-web's count goes 1, 2, 1, 2: the two scalers fight"
is "$(maxes fx fight_a-web | sort -u | paste -sd, -)" "1,2" "only the two counts asked for"

wait_for "scale failed" 20 at_least fx \
    'component_scale_failed .*Config greeting does not exist' 1
ok $? "scale-failed: component_scale_failed names the missing config"
wait_for "provider failed" 20 at_least fx \
    'provider_start_failed .*Config backend-settings does not exist' 1
ok $? "provider-failed: provider_start_failed names the missing config"
wait_for "unhealthy" 20 at_least fx 'health_check_failed .*provider_unhealthy-backend' 1
ok $? "provider-unhealthy: health_check_failed"
wait_for "link failed" 20 at_least fx 'linkdef_set_failed .*not found in config store' 1
ok $? "link-config v2: linkdef_set_failed"
wait_for "spread failed" 20 status_is fx spread-unsatisfied failed
ok $? "spread-unsatisfied: status failed"
is "$(jget "$(status_json fx spread-unsatisfied)" 'j["status"]["status"]["message"]')" \
    "$SPREAD_MSG" "with wadm 0.21's message"
is "$(count fx 'ScaleComponent.*spread_unsatisfied-greeter')" 0 "no command for it"

for app in fight-a fight-b scale-failed provider-failed provider-unhealthy \
    spread-unsatisfied link-config; do
	wait_for "ok: $app deployed" 20 status_is ok "$app" deployed
	ok $? "healthy twin: $app deployed"
done
is "$(count ok '_failed |health_check_failed ')" 0 "healthy twins: no failure event"
is "$(maxes ok fight_a-web | paste -sd, -)" 1 "fight_a-web scaled once"
is "$(maxes ok fight_b-web | paste -sd, -)" 2 "fight_b-web scaled once"
stop_pid "$FX_PID"
stop_pid "$SIM_PID"

# --- an old instance left after an upgrade ---
# runs_v1 L: some host of L runs the v1 image of the component.
runs_v1() {
	local h
	for h in $(host_ids "$1"); do
		T req "wasmbus.ctl.v1.$1.host.get.$h" | grep -q 'http-hello-world:0.0.1' && return 0
	done
	return 1
}
runs_v2() {
	local h
	for h in $(host_ids "$1"); do
		T req "wasmbus.ctl.v1.$1.host.get.$h" | grep -q 'http-hello-world:0.0.2' && return 0
	done
	return 1
}
for L in old new; do
	start_sim --lattice $L --hosts 2 --heartbeat 1s --wadm-backoff 1s
	deploy $L upgrade-v1.yaml rust-hello-world
	wait_for "$L: v1 deployed" 20 status_is $L rust-hello-world deployed
	if [ $L = old ]; then
		# by hand on the second host (as `wash start component`):
		# no wadm annotation
		h=$(sed -n 's/.* host \(N[A-Z0-9]*\) (.*) started$/\1/p' "$TEST_DIR/sim.log" | tail -1)
		like "$(T req "wasmbus.ctl.v1.$L.component.scale.$h" \
		    '{"component_ref":"localhost:5000/test/http-hello-world:0.0.1","component_id":"rust_hello_world-http_component","count":1,"annotations":{}}')" \
		    '"success":true' "old: a v1 instance started by hand"
	fi
	like "$(T req "wadm.api.$L.model.put" "@$M/upgrade-v2.yaml")" '"result":"newversion"' "$L: put v2"
	like "$(T req "wadm.api.$L.model.deploy.rust-hello-world")" '"result":"acknowledged"' "$L: deploy v2"
	wait_for "$L: v2 runs" 30 runs_v2 $L
	ok $? "$L: v2 runs after the upgrade"
	wait_for "$L: deployed" 20 status_is $L rust-hello-world deployed
	ok $? "$L: status deployed"
	if [ $L = old ]; then
		runs_v1 $L
		ok $? "old: the hand-started v1 instance still runs"
	else
		! runs_v1 $L
		ok $? "new: no v1 instance left"
	fi
	stop_pid "$SIM_PID"
done
done_testing
