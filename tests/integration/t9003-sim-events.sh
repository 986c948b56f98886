#!/usr/bin/env bash
# t9003-sim-events: every CloudEvent fixture in tests/fixtures/events
# has the same key set (envelope, data, and nested claims) as an event of
# that type the simulator publishes.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

start_nats n1
start_rec ev "wasmbus.evt.ke.>" "wadm.evt.ke.>"
start_sim --lattice ke --hosts 2 --heartbeat 1s --wadm-backoff 1s
P=wasmbus.ctl.v1.ke
ids=$(host_ids ke | sort)
H=$(printf '%s\n' "$ids" | head -1)
H2=$(printf '%s\n' "$ids" | tail -1)

T req "wadm.api.ke.model.put" "@$FIXTURES/manifests/upgrade-v1.yaml" >/dev/null
T req "wadm.api.ke.model.deploy.rust-hello-world" >/dev/null
wait_for "deployed" 20 has_line "$TEST_DIR/ev.rec" linkdef_set
T req "$P.component.scale.$H" "{\"component_ref\":\"file://./build/x.wasm\",\"component_id\":\"u1\",\"annotations\":{},\"count\":1,\"host_id\":\"$H\",\"config\":[],\"allow_update\":false}" >/dev/null
T req "$P.component.scale.$H" "{\"component_ref\":\"ghcr.io/x/y:1\",\"component_id\":\"f1\",\"annotations\":{},\"count\":1,\"host_id\":\"$H\",\"config\":[\"nope\"],\"allow_update\":false}" >/dev/null
T req "$P.provider.start.$H" "{\"provider_id\":\"pf\",\"provider_ref\":\"ghcr.io/x/p:9.9.9\",\"host_id\":\"$H\",\"config\":[\"nope\"],\"annotations\":{}}" >/dev/null
T req "$P.provider.start.$H" "{\"provider_id\":\"sick\",\"provider_ref\":\"ghcr.io/x/p:1\",\"host_id\":\"$H\",\"config\":[],\"annotations\":{\"latticesim.dev/health\":\"fail\"}}" >/dev/null
T req "$P.provider.start.$H" "{\"provider_id\":\"well\",\"provider_ref\":\"ghcr.io/x/p:2\",\"host_id\":\"$H\",\"config\":[],\"annotations\":{}}" >/dev/null
T req "$P.provider.stop.$H" "{\"host_id\":\"$H\",\"provider_id\":\"rust_hello_world-httpserver\"}" >/dev/null
T req "$P.link.put" '{"source_id":"a","target":"b","name":"default","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["nope"],"target_config":[]}' >/dev/null
T req "$P.link.del" '{"source_id":"rust_hello_world-httpserver","name":"other","wit_namespace":"wasi","wit_package":"http"}' >/dev/null
T req "$P.link.del" '{"source_id":"rust_hello_world-httpserver","name":"default","wit_namespace":"wasi","wit_package":"http"}' >/dev/null
T req "$P.label.put.$H" '{"key":"zone","value":"eu"}' >/dev/null
T req "$P.config.del.rust_hello_world-default_http" >/dev/null
T req "wadm.api.ke.model.undeploy.rust-hello-world" >/dev/null
T req "$P.host.stop.$H2" "{\"host_id\":\"$H2\"}" >/dev/null
wait_for "all types" 20 has_line "$TEST_DIR/ev.rec" 'health_check_failed'
wait_for "host_stopped" 20 has_line "$TEST_DIR/ev.rec" 'host_stopped'
wait_for "health_check_status" 20 has_line "$TEST_DIR/ev.rec" 'health_check_status'
wait_for "unpublished" 20 has_line "$TEST_DIR/ev.rec" 'manifest_unpublished'

python3 - "$TEST_DIR/ev.rec" "$FIXTURES/events" <<'PY'
import sys, json, os
def shape(ev):
    d = ev.get("data", {})
    s = [tuple(sorted(ev)), tuple(sorted(d)) if isinstance(d, dict) else ()]
    if isinstance(d, dict) and isinstance(d.get("claims"), dict):
        s.append(tuple(sorted(d["claims"])))
    return tuple(s)
seen = {}
for l in open(sys.argv[1]):
    subj, _, body = l.rstrip("\n").partition(" ")
    try:
        ev = json.loads(body)
    except ValueError:
        continue
    seen.setdefault(ev.get("type"), set()).add(shape(ev))
n = 0
for f in sorted(os.listdir(sys.argv[2])):
    ex = json.load(open(os.path.join(sys.argv[2], f)))
    n += 1
    shapes = seen.get(ex["type"], set())
    if shape(ex) in shapes:
        print("ok %d - %s: same keys as the sim's %s" % (n, f, ex["type"]))
    else:
        print("not ok %d - %s: no sim event with its key set" % (n, f))
        print("#   example: %s" % (shape(ex),))
        for s in shapes:
            print("#   sim:     %s" % (s,))
print("1..%d" % n)
PY
