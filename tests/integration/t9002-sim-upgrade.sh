#!/usr/bin/env bash
# t9002-sim-upgrade: the v1 -> v2 image bump through latticesim's wadm.
# 0.21 mode reproduces wasmCloud #4704 step by step (the host keeps the old
# image, cleanup purges the config v2 still uses, status says deployed, the
# HTTP probe loses the greeting); fixed mode updates in place and keeps it.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
APP=rust-hello-world

# status LATTICE: the app's status type.
status() {
	jget "$(T req "wadm.api.$1.model.status.$APP")" 'j["status"]["status"]["type"]'
}

status_is() {
	[ "$(status "$1")" = "$2" ]
}

# probe: the HTTP answer of the component (port from the sim's log).
probe() {
	local port
	port=$(grep -ao 'http rust_hello_world-http_component on host [A-Z0-9]* at 127.0.0.1:[0-9]*' \
	    "$TEST_DIR/sim.log" | tail -1 | sed 's/.*://')
	curl -s --max-time 2 "http://127.0.0.1:$port/"
}

probe_is() {
	[ "$(probe)" = "$1" ]
}

# steps LATTICE: after the v2 manifest_published, the ordered commands,
# ctl commands, KV operations and events, without heartbeats, health
# polls and wadm's read-only queries.
steps() {
	python3 - "$TEST_DIR/$1.rec" "$1" <<'PY'
import sys, json
lines = open(sys.argv[1]).read().splitlines()
L = sys.argv[2]
start = max(i for i, l in enumerate(lines) if l.startswith("wadm.evt.%s.manifest_published" % L))
for l in lines[start + 1:]:
    subj, _, rest = l.partition(" ")
    if subj.startswith("wadm.cmd."):
        print("cmd " + next(iter(json.loads(rest))))
    elif subj.startswith("wasmbus.ctl."):
        verb = ".".join(subj.split(".")[4:6])
        if verb not in ("config.get", "link.get", "host.ping", "claims.get"):
            print("ctl " + verb)
    elif subj.startswith("$KV."):
        op = rest.split(" ", 1)[0] if rest.startswith(("PURGE", "DEL")) else "PUT"
        print("kv %s %s" % (op, subj.split(".", 2)[2]))
    elif subj.startswith("wasmbus.evt."):
        t = subj.split(".")[3]
        if t in ("host_heartbeat", "health_check_status", "health_check_passed"):
            continue
        ev = json.loads(rest)
        d = ev["data"]
        extra = d.get("image_ref", d.get("config_name", ""))
        if "max_instances" in d:
            extra += " max=%d" % d["max_instances"]
        print("evt %s %s" % (t, extra))
PY
}

run_upgrade() { # LATTICE MODE
	start_sim --lattice "$1" --wadm-mode "$2" --heartbeat 1s --wadm-backoff 1s
	start_rec "$1" "wadm.cmd.$1" "wasmbus.ctl.v1.$1.>" "wasmbus.evt.$1.>" \
	    "wadm.evt.$1.>" "\$KV.CONFIGDATA_$1.>"
	like "$(T req "wadm.api.$1.model.put" "@$M/upgrade-v1.yaml")" '"result":"created"' "$2: put v1"
	like "$(T req "wadm.api.$1.model.deploy.$APP")" '"result":"acknowledged"' "$2: deploy v1"
	wait_for "v1 deployed" 20 status_is "$1" deployed
	ok $? "$2: v1 deployed"
	wait_for "v1 probe" 10 probe_is "Hello, world"
	ok $? "$2: v1 answers Hello, world"
	like "$(T req "wadm.api.$1.model.put" "@$M/upgrade-v2.yaml")" '"result":"newversion"' "$2: put v2"
	like "$(T req "wadm.api.$1.model.deploy.$APP")" '"version":"v0.0.2"' "$2: deploy v2"
}

start_nats n1

# --- 0.21: #4704 ---
run_upgrade up21 0.21
wait_for "v2 scaled after the next heartbeat" 20 has_line "$TEST_DIR/up21.rec" \
    'component_scaled.*"wasmcloud.dev/appspec":"rust-hello-world".*http-hello-world:0.0.2'
ok $? "0.21: next heartbeat rescales v2"
wait_for "deployed again" 20 status_is up21 deployed
ok $? "0.21: status still says deployed"
want='cmd ScaleComponent
cmd DeleteConfig
cmd ScaleComponent
ctl component.scale
evt component_scaled localhost:5000/test/http-hello-world:0.0.1 max=1
ctl config.del
kv PURGE rust_hello_world-custom_config
evt config_deleted rust_hello_world-custom_config
ctl component.scale
evt component_scaled localhost:5000/test/http-hello-world:0.0.1 max=0
cmd ScaleComponent
ctl component.scale
evt component_scaled localhost:5000/test/http-hello-world:0.0.2 max=1'
got=$(steps up21 | head -13)
is "$got" "$want" "0.21: the #4704 sequence"
[ "$got" = "$want" ] || steps up21 | sed 's/^/#   /'
like "$(grep -a 'different image reference' "$TEST_DIR/sim.log")" 'image reference will not be updated' "0.21: host said it keeps the old image"
is "$(T req wadm.api.up21.model.status.$APP >/dev/null; T req wasmbus.ctl.v1.up21.config.get.rust_hello_world-custom_config)" \
    '{"success":true,"message":"Configuration not found"}' "0.21: config stays deleted"
wait_for "probe empty" 10 probe_is "Hello, "
ok $? "0.21: probe shows the lost config (Hello, )"
stop_pid "$SIM_PID"

# --- fixed ---
run_upgrade fx fixed
wait_for "fixed deployed" 20 status_is fx deployed
ok $? "fixed: deployed"
# both of the update's events carry the new ref (handle_update_component_task)
wait_for "update events" 10 has_line "$TEST_DIR/fx.rec" 'component_scaled.*0.0.2.*"max_instances":0'
want='cmd UpdateComponent
ctl component.update
evt component_scaled localhost:5000/test/http-hello-world:0.0.2 max=1
evt component_scaled localhost:5000/test/http-hello-world:0.0.2 max=0'
got=$(steps fx | head -4)
is "$got" "$want" "fixed: update in place"
[ "$got" = "$want" ] || steps fx | sed 's/^/#   /'
unlike "$(steps fx)" 'config.del|DeleteConfig' "fixed: no config deletion"
like "$(T req wasmbus.ctl.v1.fx.config.get.rust_hello_world-custom_config)" '"response":\{"name":"world"\}' "fixed: config kept"
like "$(T gather wasmbus.ctl.v1.fx.host.ping --timeout 1s | head -1)" '"id"' "host answers"
wait_for "fixed probe" 10 probe_is "Hello, world"
ok $? "fixed: probe still says Hello, world"
done_testing
