#!/usr/bin/env bash
# t9009-sim-apps: the scenario driver. latticesim --apps 4 renders the
# bench templates (tests/fixtures/manifests/bench), puts and deploys each
# app through the wadm API on the wire, the first two from fault
# templates, then upgrades every app to v0.0.2: the healthy apps end up
# deployed on the new image, the faulty ones show their fault.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

B=$FIXTURES/manifests/bench
L=drv

start_nats n1
count() {
	grep -Eac -- "$2" "$TEST_DIR/$1.rec"
}
at_least() {
	[ "$(count "$1" "$2")" -ge "$3" ]
}
status_is() {
	[ "$(jget "$(T req "wadm.api.$L.model.status.$1")" 'j["status"]["status"]["type"]')" = "$2" ]
}

start_rec d "wadm.api.$L.>" "wadm.evt.$L.>" "wasmbus.evt.$L.>"
start_sim --lattice $L --hosts 3 --heartbeat 1s --wadm-backoff 1s --wadm-mode fixed \
    --apps 4 --app-template "$B/app.yaml.in" \
    --fault-template "$B/scale-failed.yaml.in" \
    --fault-template "$B/spread-unsatisfied.yaml.in" --upgrade-after 3s
wait_for "deployed" 20 grep -q "apps: 4 of 4 app(s) deployed, 2 from a fault template" "$TEST_DIR/sim.log"
ok $? "the driver deploys 4 apps"
wait_for "upgraded" 30 grep -q "apps: 4 of 4 app(s) upgraded to v0.0.2" "$TEST_DIR/sim.log"
ok $? "and upgrades them"
is "$(count d "^wadm.api.$L.model.put ")" 8 "8 model.put requests on the wire"
is "$(count d "^wadm.api.$L.model.deploy.app-00[0-3] ")" 8 "8 model.deploy requests"
is "$(count d "^wadm.evt.$L.manifest_published .*\"version\":\"v0.0.2\"")" 4 \
    "4 manifests published at v0.0.2"
like "$(T req "wadm.api.$L.model.get.app-002")" 'localhost:5000/bench/web:0.0.2' \
    "templates rendered: app-002 v2 has the new tag"
for app in app-002 app-003; do
	wait_for "$app deployed" 30 status_is $app deployed
	ok $? "$app (healthy) deployed"
done
v2_somewhere() {
	local h n=0
	for h in $(host_ids $L); do
		n=$((n + $(T req "wasmbus.ctl.v1.$L.host.get.$h" | grep -o '"image_ref":"localhost:5000/bench/web:0.0.2"' | wc -l)))
	done
	[ "$n" -ge 2 ]
}
wait_for "two v2 instances" 30 v2_somewhere
ok $? "the healthy apps run the v2 image"
wait_for "app-000 fails" 30 at_least d 'component_scale_failed .*Config missing does not exist' 1
ok $? "app-000 (scale-failed template): component_scale_failed"
wait_for "app-001 fails" 30 status_is app-001 failed
ok $? "app-001 (spread-unsatisfied template): status failed"
is "$(count d 'health_check_failed|linkdef_set_failed')" 0 "no other failure"
done_testing
