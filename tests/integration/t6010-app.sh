#!/usr/bin/env bash
# t6010-app: 'latticectl app [NAME]' against latticesim: usage errors, no
# wadm (exit 4, one line), no application, a healthy deploy (exit 0, the
# list, the table, -o json checked with python3), an unknown app (exit
# 6), and the #4704 state after the upgrade: the config purged and, on a
# second host, the old image still running (exit 1, MISSING and OLD IMAGE
# in red with --color always, the reason on stderr), as json too.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

RED="$(printf '\033')\[31m"	# a regular expression
M=$FIXTURES/manifests
APP=rust-hello-world	# the #4704 fixtures' app, its component and config
COMP=rust_hello_world-http_component
CFG=rust_hello_world-custom_config

status_is() {
	[ "$(jget "$(T req "wadm.api.default.model.status.$APP")" 'j["status"]["status"]["type"]')" = "$1" ]
}
# pyj PYEXPR: evaluate PYEXPR on the JSON document in last.out (as j)
pyj() {
	python3 -c "import sys,json
j=json.load(open(sys.argv[1]))
print($1)" "$TEST_DIR/last.out"
}

# Usage errors come before connecting (exit 2, not 3).
export NATS_URL=nats://127.0.0.1:1
exit_code 2 "two names" lt app a b
exit_code 2 "a bad --wait" lt app --wait soon
exit_code 2 "-o raw is not one of its formats" lt app -o raw
exit_code 3 "no server" lt app

start_nats n1
# Hosts without wadm: one line saying so, exit 4.
start_sim --hosts 1 --no-wadm --heartbeat 1s
exit_code 4 "no wadm: the list" lt app
is "$(cat "$TEST_DIR/last.err")" \
    "latticectl: app: wadm is not running on lattice default (no reply on wadm.api.default.model.get)" \
    "no wadm: one line naming the lattice and the subject"
exit_code 4 "no wadm: one app" lt app "$APP"
is "$(wc -l <"$TEST_DIR/last.err")" 1 "... one line too"
exit_code 4 "no wadm, -o json" lt app -o json
like "$(tail -1 "$TEST_DIR/last.err")" '"schema":"latticectl.error/1","code":4' "... and the JSON error object"
kill "$SIM_PID"
wait_pid "$SIM_PID" 20

start_sim --hosts 1 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
exit_code 0 "no application: exit 0" lt app
is "$(cat "$TEST_DIR/last.out")" "" "... nothing on stdout"
like "$(cat "$TEST_DIR/last.err")" "wadm knows no application on lattice default" "... and says so"
exit_code 6 "an unknown app" lt app nope
is "$(cat "$TEST_DIR/last.err")" \
    "latticectl: app: no application 'nope' on lattice default ('latticectl app' lists them)" \
    "unknown app: one line"

like "$(T req wadm.api.default.model.put "@$M/upgrade-v1.yaml")" '"result":"created"' "put v1"
like "$(T req "wadm.api.default.model.deploy.$APP")" '"result":"acknowledged"' "deploy v1"
wait_for "v1 deployed" 20 status_is deployed
v1_runs() { "$LATTICECTL" inventory --wait 1s 2>/dev/null | grep -q "component .*:0\.0\.1 .*$CFG "; }
wait_for "v1's component runs with its config" 20 v1_runs
ok $? "v1 runs"

exit_code 0 "the list" lt app
is "$(cat "$TEST_DIR/last.out")" "NAME              DEPLOYED  LATEST  STATUS    MESSAGE
$APP  v0.0.1    v0.0.1  deployed  -" "the list: name, deployed and latest version, status"
exit_code 0 "the list -o json" lt app -o json
is "$(pyj '" ".join([j["schema"], j["lattice"]] + [str(a[k]) for a in j["apps"] for k in ("name", "deployed_version", "latest_version", "status")])')" \
    "latticectl.apps/1 default $APP v0.0.1 v0.0.1 deployed" "the list as JSON"
exit_code 0 "the list -o ndjson" lt app -o ndjson
is "$(jq -r .schema "$TEST_DIR/last.out" | tr '\n' ' ')" "latticectl.apps-app/1 latticectl.apps-summary/1 " \
    "ndjson: a line per app, then the summary"

exit_code 0 "a healthy app: exit 0" lt app "$APP" --color always
out=$(cat "$TEST_DIR/last.out")
like "$out" "^APP +$APP" "the app's name"
like "$out" "STATUS +.*deployed" "wadm's status"
like "$out" "DEPLOYED +v0\.0\.1" "the deployed version"
like "$out" "SCALER +KIND +STATUS +MESSAGE" "the scalers' table"
like "$out" "$COMP +SpreadScaler" "... with the component's scaler"
like "$out" "http-component +component +$COMP +[a-z]+-[a-z]+-[0-9]{4} +localhost:5000/test/http-hello-world:0\.0\.1 +.*current" \
    "where the component runs, with the manifest's image"
like "$out" "$CFG +http-component +wadm +.*present" "its config, present"
like "$out" "rust_hello_world-httpserver +$COMP +default +wasi:http/incoming-handler +.*present" "its link"
unlike "$out" "$RED" "nothing in red"
is "$(cat "$TEST_DIR/last.err")" "" "nothing on stderr"
exit_code 0 "a healthy app -o json" lt app "$APP" -o json
is "$(pyj '" ".join(str(x) for x in [j["schema"], j["lattice"], j["name"], j["status"], j["deployed_version"], j["latest_version"], j["must_act"], j["missing_configs"], j["other_images"], j["not_running"]])')" \
    "latticectl.app/1 default $APP deployed v0.0.1 v0.0.1 False 0 0 0" "json: the summary members"
is "$(pyj '";".join("%s %s %s %s" % (c["kind"], c["id"], len(c["hosts"]), all(h["current"] for h in c["hosts"])) for c in j["components"])')" \
    "component $COMP 1 True;provider rust_hello_world-httpserver 1 True" "json: components and providers, where and current"
is "$(pyj '";".join("%s %s %s" % (c["name"], c["managed"], c["state"]) for c in j["configs"])')" \
    "$CFG True present;rust_hello_world-default_http True present" "json: configs"
is "$(pyj '";".join("%s %s %s" % (l["source_id"], l["target"], l["state"]) for l in j["links"])')" \
    "rust_hello_world-httpserver $COMP present" "json: links"
is "$(pyj '" ".join(sorted(set(s["kind"] + ":" + s["status"] for s in j["scalers"])))')" \
    "LinkScaler:deployed SpreadScaler:deployed" "json: scalers"

# The #4704 upgrade (wadm 0.21): v2 purges the config it references.
like "$(T req wadm.api.default.model.put "@$M/upgrade-v2.yaml")" '"result":"newversion"' "put v2"
like "$(T req "wadm.api.default.model.deploy.$APP")" '"result":"acknowledged"' "deploy v2"
purged() { "$LATTICECTL" inventory --wait 1s 2>/dev/null | grep -q "component .*:0\.0\.2 .*$CFG(MISSING)"; }
wait_for "the component runs without config '$CFG'" 30 purged
ok $? "the upgrade left the component running without its config"
wait_for "wadm says v2 is deployed" 30 status_is deployed
exit_code 1 "after the upgrade: exit 1" lt app "$APP" --color always
out=$(cat "$TEST_DIR/last.out")
like "$out" "$CFG +http-component +wadm +${RED}MISSING" "MISSING, in red"
like "$out" "DEPLOYED +v0\.0\.2" "v2 is deployed"
like "$(cat "$TEST_DIR/last.err")" "^latticectl: app: $APP: wadm says deployed \(v0\.0\.2\); config '$CFG' is missing from CONFIGDATA_default$" \
    "stderr: why, in one line"
exit_code 1 "after the upgrade, --color never" lt app "$APP" --color never
unlike "$(cat "$TEST_DIR/last.out")" "$(printf '\033')" "--color never: no colour"

# A second host left running the old image, as the #4704 hosts were.
bg "$LT_SIM" -s "$NATS_URL" --hosts 1 --no-wadm --heartbeat 1s 2>"$TEST_DIR/sim2.log"
wait_for "a second host" 20 grep -q "ready:" "$TEST_DIR/sim2.log"
H2=$(grep -o 'host N[A-Z0-9]\{55\}' "$TEST_DIR/sim2.log" | head -1 | cut -d' ' -f2)
like "$(T req "wasmbus.ctl.v1.default.component.scale.$H2" \
    "{\"component_id\":\"$COMP\",\"component_ref\":\"localhost:5000/test/http-hello-world:0.0.1\",\"count\":1,\"annotations\":{\"wasmcloud.dev/appspec\":\"$APP\"}}")" \
    '"success":true' "the old image starts on the second host"
old_runs() { "$LATTICECTL" inventory "$H2" 2>/dev/null | grep -q ":0\.0\.1"; }
wait_for "the second host runs the old image" 20 old_runs
exit_code 1 "an old image and a missing config: exit 1" lt app "$APP" --wait 1s --color always
out=$(cat "$TEST_DIR/last.out")
like "$out" "http-component +component +$COMP +[a-z]+-[a-z]+-[0-9]{4} +localhost:5000/test/http-hello-world:0\.0\.1 +${RED}OLD IMAGE" \
    "the old image, flagged in red"
like "$out" "http-component +component +$COMP +[a-z]+-[a-z]+-[0-9]{4} +localhost:5000/test/http-hello-world:0\.0\.2 +.*current" \
    "... next to the current one"
like "$(cat "$TEST_DIR/last.err")" "config '$CFG' is missing from CONFIGDATA_default; '$COMP' on [a-z]+-[a-z]+-[0-9]{4} runs localhost:5000/test/http-hello-world:0\.0\.1, the manifest says localhost:5000/test/http-hello-world:0\.0\.2$" \
    "stderr names both problems"
exit_code 1 "-o json: exit 1 too" lt app "$APP" --wait 1s -o json
is "$(pyj '" ".join(str(x) for x in [j["must_act"], j["missing_configs"], j["other_images"]])')" "True 1 1" \
    "json: must act, one config missing, one old image"
is "$(pyj '" ".join(sorted("%s:%s" % (h["image_ref"].split(":")[-1], h["current"]) for c in j["components"] if c["kind"] == "component" for h in c["hosts"]))')" \
    "0.0.1:False 0.0.2:True" "json: each host's image, current or not"
is "$(pyj '[c["state"] for c in j["configs"] if c["name"] == "'"$CFG"'"][0]')" missing "json: the config is missing"
# doctor reads the same and points at 'app'
exit_code 1 "doctor agrees" lt doctor --wait 1s
like "$(grep -A1 "^FAIL  app/$APP" "$TEST_DIR/last.out" | tail -1)" "fix: .*'latticectl app $APP' shows who references it" \
    "doctor's next step names 'latticectl app'"

# Hostile text: a fake wadm on lattice hx whose status, scalers and
# manifest (an explicit component id, an image) hold escape sequences
# and a newline; every one is shown escaped, never obeyed.
python3 - "$TEST_DIR" <<'PY'
import json, sys
d = sys.argv[1]
evil = "x\u001b[2J\nFORGED"
man = {"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
    "metadata": {"name": "evil", "annotations": {"version": "v1"}},
    "spec": {"components": [{"name": "c", "type": "component",
        "properties": {"image": "img" + evil, "id": "id" + evil},
        "traits": [{"type": "spreadscaler", "properties": {"instances": 1}}]}]}}
replies = {
    "versions": {"result": "success", "message": "", "versions": [{"version": "v1", "deployed": True}]},
    "status": {"result": "ok", "message": "", "status": {"status": {"type": "deployed", "message": "m" + evil},
        "scalers": [{"id": "1", "kind": "SpreadScaler", "name": "s" + evil, "status": {"type": "deployed"}}]}},
    "get": {"result": "success", "message": "", "manifest": man},
}
for k, v in replies.items():
    open(f"{d}/evil-{k}.json", "w").write(json.dumps(v))
PY
for op in versions status get; do
	bg "$LT_HELPER" -s "$NATS_URL" responder "wadm.api.hx.model.$op.evil" - "@$TEST_DIR/evil-$op.json" >"$TEST_DIR/evil-$op.out"
	wait_for "fake wadm $op" 10 grep -q ready "$TEST_DIR/evil-$op.out"
done
exit_code 1 "hostile wadm: exit 1 (runs nowhere while deployed)" lt -x hx app evil --timeout 1s --color never
raw_ctl() { LC_ALL=C grep -c $'\x1b' "$@"; }
is "$(raw_ctl "$TEST_DIR/last.out" "$TEST_DIR/last.err")" "$TEST_DIR/last.out:0
$TEST_DIR/last.err:0" "no raw escape byte on stdout or stderr"
unlike "$(cat "$TEST_DIR/last.out" "$TEST_DIR/last.err")" '(^|'$'\n'')FORGED' "no forged line"
like "$(cat "$TEST_DIR/last.out")" 'idx\\x1b\[2J\\nFORGED' "the id, escaped"
like "$(cat "$TEST_DIR/last.err")" "'idx\\\\x1b\[2J\\\\nFORGED' runs on no host" "stderr: escaped too"
exit_code 1 "hostile wadm -o json" lt -x hx app evil --timeout 1s -o json
is "$(pyj 'j["components"][0]["image"]')" "imgx$(printf '\033')[2J
FORGED" "json: the text as wadm sent it, JSON-escaped"

# completion knows the command and its option
like "$(lt __complete commands -- 2>/dev/null | cut -f1 | tr '\n' ' ')" '(^| )app ' "completion: the command"
like "$(lt __complete options -- app 2>/dev/null | cut -f1 | tr '\n' ' ')" '--wait' "completion: its option"

done_testing
