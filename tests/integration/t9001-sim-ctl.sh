#!/usr/bin/env bash
# t9001-sim-ctl: latticesim hosts answer every ctl verb with the host's
# reply texts, emit the matching events, and join the real queue groups.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

start_nats n1 -m -1
start_sim --lattice t1 --hosts 3 --no-wadm --heartbeat 1s
P=wasmbus.ctl.v1.t1
start_rec ev "wasmbus.evt.t1.>" '$KV.CONFIGDATA_t1.>'

is "$(T gather $P.host.ping --timeout 1s | wc -l | tr -d ' ')" 3 "ping answers 3 hosts"
ids=$(host_ids t1 | sort)
H=$(printf '%s\n' "$ids" | head -1)
like "$H" '^N[A-Z2-7]{55}$' "host id is nkey-shaped"
inv=$(T req "$P.host.get.$H")
is "$(jget "$inv" 'j["response"]["host_id"]')" "$H" "host.get is the inventory"
is "$(jget "$inv" 'sorted(j["response"].keys())')" \
    "['components', 'friendly_name', 'host_id', 'labels', 'providers', 'uptime_human', 'uptime_seconds', 'version']" \
    "inventory keys"
wait_for "heartbeat" 10 has_line "$TEST_DIR/ev.rec" "host_heartbeat"
ok $? "heartbeats flow"

# config.*
is "$(T req $P.config.put.cfg1 '{"greeting":"hi"}')" '{"success":true,"message":"successfully put config"}' "config.put"
is "$(T req $P.config.put.bad '{"n":1}')" '{"success":false,"message":"config data should be a map of string -> string"}' "config.put non-string"
is "$(T req $P.config.get.cfg1)" '{"success":true,"message":"","response":{"greeting":"hi"}}' "config.get"
is "$(T req $P.config.get.nope)" '{"success":true,"message":"Configuration not found"}' "config.get missing"
is "$(T req $P.config.del.cfg1)" '{"success":true,"message":"successfully deleted config"}' "config.del"
is "$(T req $P.config.get.cfg1)" '{"success":true,"message":"Configuration not found"}' "config gone after del"
wait_for "config events" 10 has_line "$TEST_DIR/ev.rec" "config_deleted"
like "$(cat "$TEST_DIR/ev.rec")" 'KV.CONFIGDATA_t1.cfg1 PURGE' "del is a KV purge"
like "$(cat "$TEST_DIR/ev.rec")" 'config_set \{.*"config_name":"cfg1"' "config_set event"

# component.scale
scale() { # REF COUNT CONFIGS [ALLOW]
	T req "$P.component.scale.$H" "{\"component_ref\":\"$1\",\"component_id\":\"c1\",\"annotations\":{},\"count\":$2,\"host_id\":\"$H\",\"config\":$3,\"allow_update\":${4:-false}}"
}
is "$(scale ghcr.io/x/hello:0.0.1 1 '["missing_cfg"]')" '{"success":true,"message":""}' "scale acknowledges"
wait_for "scale failure" 10 has_line "$TEST_DIR/ev.rec" "component_scale_failed"
like "$(grep component_scale_failed "$TEST_DIR/ev.rec")" '"error":"Unable to fetch requested config: Config missing_cfg does not exist"' "missing config failure text"
T req $P.config.put.cfg2 '{"name":"world"}' >/dev/null
is "$(scale ghcr.io/x/hello:0.0.1 1 '["cfg2"]')" '{"success":true,"message":""}' "scale with config"
wait_for "scaled" 10 has_line "$TEST_DIR/ev.rec" '"image_ref":"ghcr.io/x/hello:0.0.1","max_instances":1'
ok $? "component_scaled event"
out=$(scale ghcr.io/x/hello:0.0.2 1 '["cfg2"]')
like "$out" 'Requested to scale existing component to a different image reference: ghcr.io/x/hello:0.0.1 != ghcr.io/x/hello:0.0.2. The component will be scaled but the image reference will not be updated. If you meant to update this component to a new image ref, use the update command.' "changed ref message"
like "$(T req "$P.host.get.$H")" '"image_ref":"ghcr.io/x/hello:0.0.1"' "old image keeps running"
out=$(T req "$P.component.update.$H" "{\"component_id\":\"c1\",\"host_id\":\"$H\",\"new_component_ref\":\"ghcr.io/x/hello:0.0.2\"}")
is "$out" '{"success":true,"message":"component c1 updating from ghcr.io/x/hello:0.0.1 to ghcr.io/x/hello:0.0.2"}' "component.update"
like "$(T req "$P.component.update.$H" '{"component_id":"zz","host_id":"x","new_component_ref":"y"}')" '"success":false,"message":"component zz not found"' "update unknown"
is "$(scale ghcr.io/x/hello:0.0.2 0 '[]')" '{"success":true,"message":""}' "scale to zero"
wait_for "stopped" 10 has_line "$TEST_DIR/ev.rec" '"max_instances":0'
ok $? "scale to zero event"

# link.*
link='{"source_id":"p1","target":"c1","name":"default","wit_namespace":"wasi","wit_package":"http","interfaces":["incoming-handler"],"source_config":["nocfg"],"target_config":[]}'
like "$(T req $P.link.put "$link")" '"success":false,"message":"Failed to validate configuration and secrets. Configuration nocfg not found in config store. "' "link.put validates configs"
wait_for "link failed" 10 has_line "$TEST_DIR/ev.rec" linkdef_set_failed
ok $? "linkdef_set_failed event"
is "$(T req $P.link.put "${link/nocfg/cfg2}")" '{"success":true,"message":"successfully set link"}' "link.put"
like "$(T req $P.link.get)" '"source_id":"p1","target":"c1"' "link.get"
is "$(T req $P.link.del '{"source_id":"p1","name":"default","wit_namespace":"wasi","wit_package":"http"}')" '{"success":true,"message":"successfully deleted link"}' "link.del"
is "$(T req $P.link.del '{"source_id":"ghost","name":"default","wit_namespace":"wasi","wit_package":"http"}')" "{\"success\":true,\"message\":\"successfully deleted link (spec doesn't exist)\"}" "link.del without spec"

# label.*, provider.*, unsupported
is "$(T req "$P.label.put.$H" '{"key":"zone","value":"eu"}')" '{"success":true,"message":"successfully put label"}' "label.put"
like "$(T req "$P.label.put.$H" '{"key":"hostcore.os","value":"x"}')" '"success":false' "hostcore labels rejected"
is "$(T req "$P.label.del.$H" '{"key":"nope"}')" '{"success":true,"message":"successfully deleted label (no such label)"}' "label.del unknown"
is "$(T req "$P.label.del.$H" '{"key":"zone"}')" '{"success":true,"message":"successfully deleted label"}' "label.del"
prov="{\"provider_id\":\"p1\",\"provider_ref\":\"ghcr.io/wasmcloud/http-server:0.27.0\",\"host_id\":\"$H\",\"config\":[],\"annotations\":{}}"
is "$(T req "$P.provider.start.$H" "$prov")" '{"success":true,"message":"successfully started provider"}' "provider.start"
is "$(T req "$P.provider.start.$H" "$prov")" '{"success":false,"message":"provider with that ID is already running"}' "provider already running"
wait_for "health" 10 has_line "$TEST_DIR/ev.rec" health_check_passed
ok $? "health_check_passed"
is "$(T req "$P.provider.stop.$H" "{\"host_id\":\"$H\",\"provider_id\":\"p1\"}")" '{"success":true,"message":"successfully stopped provider"}' "provider.stop"
is "$(T req "$P.provider.stop.$H" "{\"host_id\":\"$H\",\"provider_id\":\"p1\"}")" '{"success":false,"message":"provider with that ID is not running"}' "provider not running"
is "$(T req "$P.component.frob.$H")" '{"success":false,"message":"unsupported subject"}' "unsupported subject"
for t in labels_changed provider_started provider_stopped linkdef_set linkdef_deleted; do
	wait_for "$t" 10 has_line "$TEST_DIR/ev.rec" "$t"
	ok $? "$t event"
done

# Queue groups as the server sees them.
connz=$(curl -s "$NATS_MON_URL/connz?subs=detail")
qs=$(printf '%s' "$connz" | python3 -c 'import sys,json
c=json.load(sys.stdin)
s=set()
for x in c["connections"]:
    for d in x.get("subscriptions_list_detail") or []:
        if d.get("qgroup"): s.add(d["subject"]+" "+d["qgroup"])
print("\n".join(sorted(s)))')
is "$qs" "$(printf '%s\n' "$P.claims.get $P.claims" "$P.config.> $P.config" "$P.link.* $P.link")" "queue groups as upstream"
like "$(printf '%s' "$connz" | python3 -c 'import sys,json
c=json.load(sys.stdin)
print(sum(1 for x in c["connections"] for d in x.get("subscriptions_list_detail") or [] if d["subject"]=="'$P'.host.ping" and not d.get("qgroup")))')" '^3$' "ping is a plain subscription on each host"

# host.stop: reply, then host_stopped
H3=$(printf '%s\n' "$ids" | tail -1)
is "$(T req "$P.host.stop.$H3" "{\"host_id\":\"$H3\"}")" '{"success":true,"message":"successfully handled stop host"}' "host.stop"
wait_for "host_stopped" 10 has_line "$TEST_DIR/ev.rec" host_stopped
ok $? "host_stopped event"
is "$(T gather $P.host.ping --timeout 1s | wc -l | tr -d ' ')" 2 "two hosts left"

# SIGTERM: clean exit with host_stopped from every host
kill -TERM "$SIM_PID"
wait_pid "$SIM_PID" 10
is "$WAIT_RC" 0 "SIGTERM exits 0"
three_stopped() { [ "$(grep -c host_stopped "$TEST_DIR/ev.rec")" = 3 ]; }
wait_for "host_stopped x3" 10 three_stopped
ok $? "host_stopped for each host"
done_testing
