#!/usr/bin/env bash
# t9006-sim-upstream: where latticesim once differed from upstream's code,
# it now plays what the code at the tags does (docs/protocol.md, "What
# latticesim plays"): wadm's lattice state in wadm_state, component.update's
# events, component.scale without count, and the wadm API's replies
# (model.status of an unknown app, put's message, list's description,
# status without empty scalers). Hosts and wadm run as two processes so
# that the hosts can stop while wadm watches.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
APP=rust-hello-world
L=u1
P=wasmbus.ctl.v1.$L

start_nats n1 -m -1
bg "$LT_SIM" -s "$NATS_URL" --lattice $L --hosts 0 2>"$TEST_DIR/wadm.log"
WADM_PID=$LAST_PID
wait_for "wadm ready" 20 grep -q "ready:" "$TEST_DIR/wadm.log"
start_rec ev "wasmbus.evt.$L.>"
start_rec cl "$P.claims.get"
start_sim --lattice $L --hosts 2 --no-wadm --heartbeat 1s

api() {
	T req "wadm.api.$L.model.$1" "${2:-}"
}

# state KIND: the JSON map wadm keeps under KIND_{L} in wadm_state.
state() {
	lt -s "$NATS_URL" kv get "$1_$L" --bucket wadm_state -o json |
	    python3 -c 'import sys,json; print(json.dumps(json.load(sys.stdin)["value"], sort_keys=True))'
}

# state_has KIND PYEXPR: PYEXPR is true of the map (s) under KIND_{L}.
state_has() {
	[ "$(jget "$(state "$1")" "$2" 2>/dev/null)" = True ]
}

# scaled ID: the component_scaled events of component ID, one per line:
# "IMAGE_REF MAX ANNOTATIONS".
scaled() {
	python3 - "$TEST_DIR/ev.rec" "$1" <<'PY'
import sys, json
for l in open(sys.argv[1]):
    subj, _, body = l.rstrip("\n").partition(" ")
    if not subj.endswith(".component_scaled"):
        continue
    d = json.loads(body)["data"]
    if d.get("component_id") == sys.argv[2]:
        print(d["image_ref"], d["max_instances"],
              json.dumps(d["annotations"], sort_keys=True))
PY
}

# --- wadm API replies (handlers.rs, wadm-types api.rs @ v0.21.1) ---
r=$(api status.nosuchapp)
is "$(jget "$r" 'j["result"], j["status"]["status"]')" \
    "ok {'type': 'undeployed'}" "status of an unknown app: ok, default undeployed"
is "$(jget "$r" '"scalers" in j["status"]')" False "default status has no scalers key"
r=$(api put "@$M/upgrade-v1.yaml")
is "$(jget "$r" 'j["result"], j["current_version"], j["message"]')" \
    "created v0.0.1 Successfully put manifest $APP " \
    "first put: message names the version before it (none)"
r=$(api put "@$M/upgrade-v2.yaml")
is "$(jget "$r" 'j["result"], j["current_version"], j["message"]')" \
    "newversion v0.0.2 Successfully put manifest $APP v0.0.1" \
    "second put: message names the previous version, current_version the new"
is "$(jget "$(api status.$APP)" 'sorted(j["status"].keys()), j["status"]["status"]')" \
    "['components', 'status', 'version'] {'type': 'undeployed'}" \
    "put, never deployed: default status, no scalers key"
nodesc='{"apiVersion":"core.oam.dev/v1beta1","kind":"Application","metadata":{"name":"nodesc","annotations":{"version":"v1"}},"spec":{"components":[{"name":"c","type":"component","properties":{"image":"ghcr.io/x/c:1"}}]}}'
is "$(jget "$(api put "$nodesc")" 'j["result"]')" created "put a manifest without description"
is "$(jget "$(api get)" '[(m["name"], m["description"]) for m in j["models"]]')" \
    "[('$APP', 'HTTP hello world, upgrade replay (v2)'), ('nodesc', None)]" \
    "list: description is null when the manifest has none"

# --- wadm_state (storage/nats_kv.rs, storage/state.rs @ v0.21.1) ---
# populate_component_info asks for the claims on every heartbeat
wait_for "claims.get per heartbeat" 10 eval '[ "$(grep -c claims.get "$TEST_DIR/cl.rec")" -ge 2 ]'
ok $? "wadm sends claims.get on host heartbeats"
wait_for "both hosts in wadm_state" 10 state_has host 'len(j) == 2'
ok $? "host_$L lists both hosts"
is "$(jget "$(state host)" 'sorted(sorted(h.keys()) == ["components", "friendly_name", "id", "labels", "last_seen", "providers", "uptime_seconds", "version"] and h["id"] == k for k, h in j.items())')" \
    "[True, True]" "host state: wadm's Host fields, keyed by id"
is "$(jget "$(api deploy.$APP '{"version":"v0.0.1"}')" 'j["result"]')" acknowledged "deploy v1"
wait_for "component in wadm_state" 20 state_has component \
    'any(c["reference"].endswith(":0.0.1") and sum(i["count"] for v in c["instances"].values() for i in v) == 1 for c in j.values())'
ok $? "component_$L: the component with one instance"
C=rust_hello_world-http_component
c=$(state component)
is "$(jget "$c" 'sorted(j["'$C'"].keys())')" \
    "['id', 'instances', 'issuer', 'name', 'reference']" "component state fields"
H=$(jget "$c" 'list(j["'$C'"]["instances"])[0]')
is "$(jget "$c" 'j["'$C'"]["instances"]["'$H'"][0]["annotations"]["wasmcloud.dev/appspec"]')" \
    "$APP" "instances per host: annotations and count"
wait_for "host lists the component" 10 state_has host "j['$H']['components'] == {'$C': 1}"
ok $? "host state: components map id -> count"
wait_for "provider running" 10 state_has provider \
    "[(k[0], v) for k, v in j['rust_hello_world-httpserver']['hosts'].items()] == [('N', 'Running')]"
ok $? "provider_$L: hosts map, Running after a health check"
is "$(jget "$(state provider)" 'sorted(j["rust_hello_world-httpserver"].keys())')" \
    "['hosts', 'id', 'issuer', 'name', 'reference']" "provider state fields"
wait_for "status deployed" 20 eval '[ "$(jget "$(api status.$APP)" "j[\"status\"][\"status\"][\"type\"]")" = deployed ]'
ok $? "v1 deployed"
r=$(api undeploy.$APP)
is "$(jget "$r" 'j["result"]')" acknowledged "undeploy"
wait_for "undeployed status" 10 eval '[ "$(jget "$(api status.$APP)" "j[\"status\"][\"status\"].get(\"message\")")" = "Manifest has been undeployed" ]'
ok $? "undeployed: wadm's 'Manifest has been undeployed' status"
is "$(jget "$(api status.$APP)" '"scalers" in j["status"]')" False "undeployed status has no scalers key"
wait_for "component gone from wadm_state" 20 state_has component "'$C' not in j"
ok $? "component_$L drops a component scaled to zero"

# --- host ctl (control-interface ctl.rs, host wasmbus/mod.rs @ v1.9.2) ---
scale() {
	T req "$P.component.scale.$H" "$1"
}
is "$(scale '{"component_ref":"ghcr.io/x/up:0.1.0","component_id":"u-c1","host_id":"'$H'"}')" \
    '{"success":true,"message":""}' "scale without count: acknowledged"
is "$(scale '{"component_ref":"ghcr.io/x/up:0.1.0","component_id":"u-c1","max_instances":3}')" \
    '{"success":true,"message":""}' "scale with max_instances only: acknowledged"
wait_for "two zero scales" 10 eval '[ "$(scaled u-c1 | wc -l)" -ge 2 ]'
is "$(scaled u-c1)" 'ghcr.io/x/up:0.1.0 0 {}
ghcr.io/x/up:0.1.0 0 {}' "both read as count 0 (max_instances is not an alias of count)"
like "$(scale '{"component_ref":"x","component_id":"u-c1","count":-1}')" '"success":false' "a negative count is refused"
is "$(scale '{"component_ref":"ghcr.io/x/up:0.1.0","component_id":"u-c1","annotations":{"a":"1"},"count":1}')" \
    '{"success":true,"message":""}' "scale u-c1 to 1"
wait_for "u-c1 running" 10 eval '[ "$(scaled u-c1 | wc -l)" -ge 3 ]'
like "$(T req "$P.component.update.$H" '{"component_id":"u-c1","host_id":"'$H'","new_component_ref":"ghcr.io/x/up:0.2.0","annotations":{"b":"2"}}')" \
    '"success":true' "update with annotations"
wait_for "update events" 10 eval '[ "$(scaled u-c1 | wc -l)" -ge 5 ]'
is "$(scaled u-c1 | tail -2)" 'ghcr.io/x/up:0.2.0 1 {"b": "2"}
ghcr.io/x/up:0.2.0 0 {"b": "2"}' "update: both events carry the new ref and the request's annotations"
like "$(T req "$P.component.update.$H" '{"component_id":"u-c1","host_id":"'$H'","new_component_ref":"ghcr.io/x/up:0.3.0"}')" \
    '"success":true' "update without annotations"
wait_for "second update events" 10 eval '[ "$(scaled u-c1 | wc -l)" -ge 7 ]'
is "$(scaled u-c1 | tail -2)" 'ghcr.io/x/up:0.3.0 1 {}
ghcr.io/x/up:0.3.0 0 {}' "update without annotations: empty, the old ones are not kept"

# --- hosts stop: wadm_state follows host_stopped ---
stop_pid "$SIM_PID"
wait_for "hosts gone" 10 state_has host 'j == {}'
ok $? "host_$L is empty after host_stopped"
wait_for "providers gone" 10 state_has provider 'j == {}'
ok $? "provider_$L drops the stopped hosts' providers"
stop_pid "$WADM_PID"
done_testing
