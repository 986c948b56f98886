#!/usr/bin/env bash
# t4200-hosts: 'hosts' and 'inventory' against latticesim with 3 hosts, one
# running a component whose config the #4704 upgrade purged from CONFIGDATA; -o wide/json; exit 4 when nobody answers, 5 when a host answers
# ping but not host.get; a label named password and an annotation named
# token are masked. Without --wait, gathering ends 300ms after the last
# ping reply: 3 and 20 hosts all listed, a 1s-slow lattice still answers,
# --wait waits all of it; a full host id is asked without a ping.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
APP=rust-hello-world
CFG=rust_hello_world-custom_config
COMP=rust_hello_world-http_component

status_is() {
	[ "$(jget "$(T req "wadm.api.default.model.status.$APP")" 'j["status"]["status"]["type"]')" = "$1" ]
}

# Usage errors come before connecting (exit 2, not 3).
export NATS_URL=nats://127.0.0.1:1
exit_code 2 "hosts --wait with a bad duration" lt hosts --wait soon
like "$(cat "$TEST_DIR/last.err")" "--wait: invalid duration 'soon'" "names the bad value"
exit_code 2 "inventory -o raw" lt inventory -o raw
exit_code 2 "inventory with two hosts" lt inventory a b
exit_code 3 "hosts without a server" lt hosts

start_nats n1
# One host and wadm first, so that the upgrade's placement is certain (the
# sim's wadm puts 0.0.2 on the first host it knows, which has the config
# cached only if it ran 0.0.1); two more hosts join afterwards.
start_sim --hosts 1 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
like "$(T req wadm.api.default.model.put "@$M/upgrade-v1.yaml")" '"result":"created"' "put v1"
like "$(T req "wadm.api.default.model.deploy.$APP")" '"result":"acknowledged"' "deploy v1"
wait_for "v1 deployed" 20 status_is deployed
ok $? "v1 deployed"
v1_runs() { "$LATTICECTL" inventory --wait 1s 2>/dev/null | grep -q "component .*:0\.0\.1 .*$CFG "; }
wait_for "v1's component runs with its config" 20 v1_runs
exit_code 0 "inventory of a healthy deploy exits 0" lt inventory --wait 1s
unlike "$(cat "$TEST_DIR/last.out")" MISSING "nothing missing"
# doctor: a check per deployed app, passing on a healthy deploy.
app_status() {
	jq -r --arg c "app/$APP" '.checks[] | select(.check == $c) | "\(.status) \(.reason)"' "$TEST_DIR/last.out"
}
exit_code 0 "doctor on a healthy deploy" lt doctor --wait 1s -o json
like "$(app_status)" "^pass wadm says deployed \(v0\.0\.1\); the hosts run its 2 components with the manifest's images, its 2 configs are in CONFIGDATA_default$" \
    "doctor: the app passes, and says what it compared"
# The #4704 upgrade (wadm 0.21): v2 purges the config v2 still references;
# the sim's wadm then scales the component to 0 and starts 0.0.2 without it.
like "$(T req wadm.api.default.model.put "@$M/upgrade-v2.yaml")" '"result":"newversion"' "put v2"
like "$(T req "wadm.api.default.model.deploy.$APP")" '"result":"acknowledged"' "deploy v2"
purged_under_component() {
	"$LATTICECTL" inventory --wait 1s 2>/dev/null | grep -q "component .*:0\.0\.2 .*$CFG(MISSING)"
}
wait_for "the component runs without config '$CFG'" 30 purged_under_component
ok $? "the upgrade left the component running without config '$CFG'"
exit_code 1 "doctor after the upgrade" lt doctor --wait 1s
like "$(cat "$TEST_DIR/last.out")" "^FAIL  app/$APP +wadm says deployed \(v0\.0\.2\) but config '$CFG' is missing from CONFIGDATA_default$" \
    "doctor: the app fails, naming the missing config"
like "$(grep -A1 "^FAIL  app/" "$TEST_DIR/last.out" | tail -1)" "^ +fix: put the config back" "with the next step"
like "$(cat "$TEST_DIR/last.err")" "doctor: 1 check failed" "the only failure"
exit_code 1 "doctor after the upgrade, -o json" lt doctor --wait 1s -o json
like "$(app_status)" "^fail wadm says deployed" "json: the app check fails"
bg "$LT_SIM" -s "$NATS_URL" --hosts 2 --no-wadm --heartbeat 1s 2>"$TEST_DIR/sim2.log"
wait_for "two more hosts" 20 grep -q "ready:" "$TEST_DIR/sim2.log"
three_hosts() { [ "$(host_ids default | wc -l)" = 3 ]; }
wait_for "three hosts answer ping" 20 three_hosts
ok $? "three hosts answer ping"
ids=$(host_ids default | sort)

# hosts
exit_code 0 "hosts" lt hosts --wait 1s
out=$(cat "$TEST_DIR/last.out")
like "$(head -1 <<<"$out")" '^HOST ID +NAME +VERSION +UPTIME +LABELS$' "hosts: header, upper case"
# (text shows host ids by their first 8 characters, as watch does)
is "$(tail -n +2 <<<"$out" | awk '{print $1}' | sort)" "$(cut -c1-8 <<<"$ids" | sort)" "hosts: one row per host that answered ping"
like "$out" 'N[A-Z0-9]{7}  [a-z]+-[a-z]+-[0-9]{4} +1\.8\.0 +[0-9.]+s +-' "hosts: short id, name, version, uptime"
exit_code 0 "hosts -o wide" lt hosts --wait 1s -o wide
like "$(head -1 "$TEST_DIR/last.out")" 'LABELS +LATTICE +LATENCY$' "wide: lattice and latency columns"
like "$(cat "$TEST_DIR/last.out")" 'hostcore\.arch=[a-z0-9_]+,hostcore\.os=linux.* default +[0-9.]+[mu]?s$' \
    "wide: hostcore labels, lattice, latency"
exit_code 0 "hosts -o json" lt hosts --wait 1s -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | sort)" "$ids" "json: the same hosts"
is "$(jq -r '[.lattice, (.hosts[0] | .version, (.labels | has("hostcore.os")), (.uptime_seconds >= 0))] | join(" ")' "$TEST_DIR/last.out")" \
    "default 1.8.0 true true" "json: lattice, version, labels, uptime"
is "$(jq -r .schema "$TEST_DIR/last.out")" "latticectl.hosts/1" "json: schema"
# ndjson: a line per host, then the rest of the document as a summary line
ndjson_shape() {
	python3 -c 'import json, sys
recs = [json.loads(l) for l in sys.stdin]
print(len(recs) - 1, " ".join(sorted(set(r["schema"] for r in recs[:-1]))),
    recs[-1]["schema"], " ".join(sorted(k for k in recs[-1] if k != "schema")))' <"$TEST_DIR/last.out"
}
exit_code 0 "hosts -o ndjson" lt hosts --wait 1s -o ndjson
is "$(ndjson_shape)" "3 latticectl.host/1 latticectl.hosts-summary/1 invalid_replies lattice refused_replies" \
    "ndjson: 3 host lines, then the summary line (each line parses alone)"
is "$(head -3 "$TEST_DIR/last.out" | jq -r .id | sort)" "$ids" "ndjson: the same hosts"

# inventory
exit_code 1 "inventory with a missing config exits 1" lt inventory --wait 1s
out=$(cat "$TEST_DIR/last.out")
like "$(head -1 <<<"$out")" '^HOST +KIND +ID +IMAGE +MAX +CONFIGS +REVISION$' "inventory: header, upper case, with REVISION"
like "$out" "component +$COMP +localhost:5000/test/http-hello-world:0\.0\.2 +1 +$CFG\(MISSING\) +0$" \
    "the component, its image, max instances, its config marked MISSING and its revision"
like "$out" 'provider +rust_hello_world-httpserver +ghcr\.io/wasmcloud/http-server:0\.27\.0 +- +rust_hello_world-default_http +0$' \
    "the provider with its link config, present, and its revision"
is "$(grep -c "$COMP" <<<"$out")" 1 "the component runs on one of the 3 hosts"
like "$(cat "$TEST_DIR/last.err")" "1 referenced config is missing from CONFIGDATA_default" "stderr counts the missing config"
host=$(awk -v c="$COMP" '$3 == c {print $1}' <<<"$out")
exit_code 1 "inventory HOST -o wide" lt inventory "$host" --wait 1s -o wide
like "$(head -1 "$TEST_DIR/last.out")" 'CONFIGS +REVISION +APP +NAME$' "wide: revision, app and name columns"
like "$(cat "$TEST_DIR/last.out")" "^N[A-Z0-9]{55} +component +$COMP .* $CFG\(MISSING\) +0 +$APP +http-hello-world" \
    "wide: full host id, revision, app"
exit_code 1 "inventory HOST -o json: exit 1 too" lt inventory "$host" --wait 1s -o json
is "$(jq -r '.hosts[0].components[0].configs[] | "\(.name) \(.via) \(.state)"' "$TEST_DIR/last.out")" \
    "$CFG manifest missing" "json: config reference, where it came from, missing"
is "$(jq -r '.hosts[0].components[0] | "\(.image_ref) \(.max_instances) \(.revision) \(.annotations["wasmcloud.dev/appspec"])"' "$TEST_DIR/last.out")" \
    "localhost:5000/test/http-hello-world:0.0.2 1 0 $APP" "json: image, max instances, revision, annotations"
is "$(jq -r '"\(.missing_configs) \(.failed | length) \(.hosts | length)"' "$TEST_DIR/last.out")" "1 0 1" \
    "json: one missing config, no failures, one host"
exit_code 1 "inventory HOST -o ndjson" lt inventory "$host" --wait 1s -o ndjson
is "$(ndjson_shape)" "1 latticectl.inventory-host/1 latticectl.inventory-summary/1 failed lattice missing_configs" \
    "ndjson: the host's inventory, then the summary line"
exit_code 1 "inventory HOST, colour off" lt --color never inventory "$host" --wait 1s
plain=$(cat "$TEST_DIR/last.out")
unlike "$plain" $'\e' "--color never: no escape sequence"
exit_code 1 "inventory HOST --color always" lt --color always inventory "$host" --wait 1s
like "$(cat "$TEST_DIR/last.out")" "$CFG"$'\e\\[31m\\(MISSING\\)\e\\[0m +0$' \
    "--color always: MISSING in red"
is "$(sed $'s/\e\\[[0-9]*m//g' "$TEST_DIR/last.out")" "$plain" \
    "--color always: the same table, columns aligned, once colours are taken out"
exit_code 0 "inventory --no-config-check" lt inventory "$host" --wait 1s --no-config-check
unlike "$(cat "$TEST_DIR/last.out")" MISSING "--no-config-check marks nothing"
exit_code 0 "inventory by host id prefix" lt inventory "$(head -1 <<<"$ids" | cut -c1-8)" --wait 1s --no-config-check -o json
is "$(jq -r '.hosts[0].id' "$TEST_DIR/last.out")" "$(head -1 <<<"$ids")" "the prefix selects that host"
exit_code 2 "inventory of an unknown host" lt inventory no-such-host --wait 500ms
like "$(cat "$TEST_DIR/last.err")" "no host matches 'no-such-host'" "names the unknown host"

# Labels and annotations with secret names are masked in every output.
LABEL_PW=PlantLabelPw4200
ANN_TOK=PlantAnnToken4200
first=$(head -1 <<<"$ids")
like "$(T req "wasmbus.ctl.v1.default.label.put.$first" "{\"key\":\"password\",\"value\":\"$LABEL_PW\"}")" \
    '"success":true' "a label named password"
like "$(T req "wasmbus.ctl.v1.default.component.scale.$first" "{\"component_ref\":\"localhost:5000/test/sec:0.1.0\",\"component_id\":\"sec_comp\",\"annotations\":{\"token\":\"$ANN_TOK\"},\"count\":1,\"host_id\":\"$first\",\"config\":[]}")" \
    '"success":true' "a component with an annotation named token"
sec_comp_runs() { "$LATTICECTL" inventory "$first" --wait 1s 2>/dev/null | grep -q sec_comp; }
wait_for "sec_comp runs" 20 sec_comp_runs
ok $? "the component runs"
: >"$TEST_DIR/sec.all"
for o in text wide json ndjson; do
	lt hosts --wait 1s -o "$o" >>"$TEST_DIR/sec.all" 2>&1
	lt inventory "$first" --wait 1s -o "$o" >>"$TEST_DIR/sec.all" 2>&1
done
unlike "$(cat "$TEST_DIR/sec.all")" "$LABEL_PW|$ANN_TOK" "hosts and inventory never show them"
exit_code 0 "hosts -o json with the label" lt hosts --wait 1s -o json
like "$(jq -r --arg h "$first" '.hosts[] | select(.id == $h) | .labels.password' "$TEST_DIR/last.out")" \
    '^<redacted:[0-9a-f]{8}>$' "the label is a mask"
exit_code 0 "inventory -o json with the annotation" lt inventory "$first" --wait 1s --no-config-check -o json
like "$(jq -r '.hosts[0].components[] | select(.id == "sec_comp") | .annotations.token' "$TEST_DIR/last.out")" \
    '^<redacted:[0-9a-f]{8}>$' "the annotation is a mask"

# Without --wait, gathering ping replies stops 300ms after the last one
# (within --timeout): every host is still listed, with 3 hosts and with
# 20; --wait DUR waits all of DUR.
exit_code 0 "hosts without --wait" lt hosts -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | sort)" "$ids" "without --wait: all 3 hosts"
exit_code 1 "inventory without --wait (a config is missing)" lt inventory -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | sort)" "$ids" "inventory without --wait: all 3 hosts"
bg "$LT_SIM" -s "$NATS_URL" --lattice many --hosts 20 --no-wadm 2>"$TEST_DIR/many.log"
wait_for "20-host sim" 30 grep -q "ready:" "$TEST_DIR/many.log"
many=$(host_ids many | sort)
is "$(wc -l <<<"$many")" 20 "20 hosts answer ping"
exit_code 0 "20 hosts without --wait" lt -x many hosts -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | sort)" "$many" "all 20 hosts listed"
exit_code 0 "inventory of 20 hosts without --wait" lt -x many inventory -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | sort)" "$many" "20 inventories"
exit_code 1 "doctor on 20 hosts (no wadm) without --wait" lt -x many doctor -o json
is "$(jq -r '.checks[] | select(.check == "hosts") | .reason' "$TEST_DIR/last.out")" \
    "20 hosts answered ping (version 1.8.0)" "doctor counts all 20 hosts"
name=$(lt -x many hosts -o json | jq -r '.hosts[7].friendly_name')
exit_code 0 "inventory by friendly name without --wait" lt -x many inventory "$name" -o json
is "$(jq -r '[.hosts[].friendly_name] | join(" ")' "$TEST_DIR/last.out")" "$name" "that host only"

# A full host id is asked directly (host.get.ID), without a ping.
one=$(head -1 <<<"$many")
pings() { grep -c "ctl host.ping host " "$TEST_DIR/many.log"; }
before=$(pings)
exit_code 0 "inventory FULL-ID" lt -x many inventory "$one" -o json
is "$(jq -r '.hosts[0].id' "$TEST_DIR/last.out")" "$one" "that host's inventory"
wait_for "the host.get" 10 grep -q "ctl host.get.$one host ${one:0:8}" "$TEST_DIR/many.log"
is "$(pings)" "$before" "no host was pinged"

# A slow lattice still answers: the first reply may take all of --timeout.
bg "$LT_SIM" -s "$NATS_URL" --lattice slow --hosts 1 --no-wadm --reply-delay 1s 2>"$TEST_DIR/slow.log"
wait_for "slow sim" 20 grep -q "ready:" "$TEST_DIR/slow.log"
slow=$(sed -n 's/.*host \(N[A-Z0-9]*\) (.*) started.*/\1/p' "$TEST_DIR/slow.log")
exit_code 0 "a host answering after 1s, without --wait" lt -x slow hosts -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out")" "$slow" "the slow host is listed"
# A host answering long after the others may be missed without --wait
# (the documented trade-off); --wait DUR collects for all of DUR.
bg "$LT_SIM" -s "$NATS_URL" --lattice slow --hosts 2 --no-wadm 2>"$TEST_DIR/fast.log"
wait_for "fast sim" 20 grep -q "ready:" "$TEST_DIR/fast.log"
fast=$(sed -n 's/.*host \(N[A-Z0-9]*\) (.*) started.*/\1/p' "$TEST_DIR/fast.log" | sort)
exit_code 0 "--wait 3s: one slow and two fast hosts" lt -x slow hosts --wait 3s -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | sort)" "$(sort <<<"$fast
$slow")" "--wait 3s lists the slow host too"
exit_code 0 "one slow and two fast hosts, without --wait" lt -x slow hosts -o json
is "$(jq -r '.hosts[].id' "$TEST_DIR/last.out" | grep -vxF "$slow" | sort)" "$fast" \
    "without --wait: the fast hosts at least"

# Nobody answers: exit 4.
exit_code 4 "hosts on an empty lattice" lt -x empty hosts --wait 300ms
like "$(cat "$TEST_DIR/last.err")" "'wasmbus.ctl.v1.empty.host.ping': no responders" "names the subject and the cause"

# An unusable ping reply (a client that is not a wasmCloud host): exit 5,
# the real hosts still listed.
bg "$LT_HELPER" -s "$NATS_URL" responder wasmbus.ctl.v1.default.host.ping - 'not a host' >"$TEST_DIR/fake.out"
wait_for "fake host" 10 grep -q ready "$TEST_DIR/fake.out"
exit_code 5 "hosts with an unusable ping reply" lt hosts --wait 1s -o json
is "$(jq -r '"\(.hosts | length) \(.invalid_replies)"' "$TEST_DIR/last.out")" "3 1" "json: 3 hosts, 1 invalid reply"
like "$(cat "$TEST_DIR/last.err")" "1 of 4 ping replies could not be used" "the error counts the unusable reply"
stop_pid "$LAST_PID"

# A host that answers ping but not host.get: exit 5, the others listed.
bg "$LT_SIM" -s "$NATS_URL" --lattice muted --hosts 3 --no-wadm --mute-inventory 1 2>"$TEST_DIR/muted.log"
wait_for "muted sim" 20 grep -q "ready:" "$TEST_DIR/muted.log"
exit_code 5 "inventory with a mute host" lt -x muted --timeout 1s inventory --wait 500ms -o json
is "$(jq -r '"\(.hosts | length) \(.failed | length)"' "$TEST_DIR/last.out")" "2 1" "json: 2 inventories, 1 failure"
like "$(cat "$TEST_DIR/last.err")" "1 of 3 hosts gave no inventory: 'N[A-Z0-9]{55}' \(no reply on 'wasmbus.ctl.v1.muted.host.get.N" \
    "the error names the host and the subject"
muted=$(jq -r '.failed[0].host_id' "$TEST_DIR/last.out")
grep -q "fault: host ${muted:0:8} ignores host.get" "$TEST_DIR/muted.log"
ok $? "it is the host the sim muted"
exit_code 4 "inventory of the mute host alone" lt -x muted --timeout 500ms inventory "$muted"
exit_code 0 "hosts still lists all 3" lt -x muted hosts --wait 500ms -o json
is "$(jq '.hosts | length' "$TEST_DIR/last.out")" 3 "3 hosts answer ping"

# A host reporting counts no integer holds: max_instances 1e308 and a
# revision of 2^64 + 1 are shown as the host wrote them (not 0, not
# 1.8446744073709552e+19). jq would round them: placeholders, then sed.
C=$FIXTURES/ctl
jq -c '.replies[0]' "$C/host.ping.json" | sed 's/"lattice":"default"/"lattice":"odd"/' >"$TEST_DIR/odd-ping.json"
id=$(jq -r '.replies[0].response.id' "$C/host.ping.json")
jq -c '.reply | .response.components[0].max_instances = "MAX" |
    .response.components[0].revision = "REV"' "$C/host.get.json" |
    sed 's/"MAX"/1e308/; s/"REV"/18446744073709551617/' >"$TEST_DIR/odd-get.json"
bg "$LT_HELPER" -s "$NATS_URL" responder wasmbus.ctl.v1.odd.host.ping - "@$TEST_DIR/odd-ping.json" >"$TEST_DIR/odd1.out"
bg "$LT_HELPER" -s "$NATS_URL" responder "wasmbus.ctl.v1.odd.host.get.$id" - "@$TEST_DIR/odd-get.json" >"$TEST_DIR/odd2.out"
wait_for "fake odd host: ping" 10 grep -q ready "$TEST_DIR/odd1.out"
wait_for "fake odd host: host.get" 10 grep -q ready "$TEST_DIR/odd2.out"
exit_code 0 "inventory of a host with odd counts" lt -x odd inventory --wait 500ms --no-config-check
like "$(grep ' component ' "$TEST_DIR/last.out")" " 1e308 .* 18446744073709551617$" \
    "text: max 1e308 and the revision as the host wrote them"
exit_code 0 "the same, -o json" lt -x odd inventory --wait 500ms --no-config-check -o json
like "$(tr -d ' \t\n' <"$TEST_DIR/last.out")" '"revision":18446744073709551617,"max_instances":1e308' \
    "json: the numbers as the host wrote them"

# doctor compares the hosts with the deployed manifest: a wadm that says
# deployed (fixture replies) while the only host runs another image of the
# component and not the provider.
W=$FIXTURES/wadm
bg "$LT_SIM" -s "$NATS_URL" --lattice img --hosts 1 --no-wadm 2>"$TEST_DIR/img.log"
wait_for "img sim" 20 grep -q "ready:" "$TEST_DIR/img.log"
img=$(sed -n 's/.*host \(N[A-Z0-9]*\) (.*) started.*/\1/p' "$TEST_DIR/img.log")
for f in model.list:model.get model.status:model.status.$APP model.get:model.get.$APP; do
	jq -c .reply "$W/${f%%:*}.json" >"$TEST_DIR/${f%%:*}.reply"
	bg "$LT_HELPER" -s "$NATS_URL" responder "wadm.api.img.${f#*:}" - "@$TEST_DIR/${f%%:*}.reply" >"$TEST_DIR/${f%%:*}.out"
	wait_for "fake wadm: ${f#*:}" 10 grep -q ready "$TEST_DIR/${f%%:*}.out"
done
like "$(T req "wasmbus.ctl.v1.img.component.scale.$img" "{\"component_ref\":\"localhost:5000/test/http-hello-world:0.0.9\",\"component_id\":\"$COMP\",\"annotations\":{},\"count\":1,\"host_id\":\"$img\",\"config\":[]}")" \
    '"success":true' "the host runs the component with image :0.0.9"
img_runs() { "$LATTICECTL" -x img inventory --wait 500ms --no-config-check 2>/dev/null | grep -q ":0\.0\.9"; }
wait_for "the :0.0.9 component" 20 img_runs
exit_code 1 "doctor: the hosts do not run the manifest" lt -x img doctor --wait 500ms -o json
like "$(app_status)" "^fail wadm says deployed \(v0\.0\.2\) but .*'$COMP' on [a-z]+-[a-z]+-[0-9]+ runs localhost:5000/test/http-hello-world:0\.0\.9, the manifest says localhost:5000/test/http-hello-world:0\.0\.1; 'rust_hello_world-httpserver' runs on no host" \
    "names the other image and the provider that runs nowhere"

done_testing
