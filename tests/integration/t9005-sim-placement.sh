#!/usr/bin/env bash
# t9005-sim-placement: latticesim's wadm on 3 hosts, next to another
# lattice's wadm on the same server. Each wadm answers only its own
# lattice's API (both are in queue group wadm_server), and a component
# whose start fails on the host wadm picked first (that host never loaded
# its purged config) is placed on the next host, not retried there forever.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

L=three
P=wasmbus.ctl.v1.$L
APP=placement
IMAGE=localhost:5000/test/greeter:0.1.0

start_nats n1

# --- two lattices, two wadms, one queue group name ---
bg "$LT_SIM" -s "$NATS_URL" --lattice other --heartbeat 1s 2>"$TEST_DIR/other.log"
wait_for "other lattice ready" 20 grep -q "ready:" "$TEST_DIR/other.log"
start_sim --lattice "$L" --hosts 3 --heartbeat 1s --wadm-backoff 1s

# answered LATTICE N: how many of N model.get requests got a reply.
answered() {
	local i n=0
	for ((i = 0; i < $2; i++)); do
		T req "wadm.api.$1.model.get" --timeout 1s | grep -q '"result":"success"' &&
		    n=$((n + 1))
	done
	echo "$n"
}
is "$(answered "$L" 10)" 10 "every request to lattice $L is answered"
is "$(answered other 10)" 10 "every request to lattice other is answered"

# --- placement after a failed start ---
# Hosts in start order, which is wadm's host order (README: placement).
hosts=($(sed -n 's/.* host \(N[A-Z0-9]*\) (.*) started$/\1/p' "$TEST_DIR/sim.log"))
is "${#hosts[@]}" 3 "3 hosts started"
CACHED=${hosts[2]}

start_rec pl "$P.component.scale.*" "wasmbus.evt.$L.>"

# Only the last host loads config 'greet'; then it is purged.
like "$(T req "$P.config.put.greet" '{"greeting":"cached"}')" '"success":true' "config put"
warm='{"component_ref":"localhost:5000/test/warm:0.1.0","component_id":"warm","count":%d,"config":["greet"],"annotations":{}}'
like "$(T req "$P.component.scale.$CACHED" "$(printf "$warm" 1)")" '"success":true' "last host starts a component with it"
wait_for "warm scaled" 10 has_line "$TEST_DIR/pl.rec" 'component_scaled .*warm:0.1.0.*"max_instances":1'
ok $? "last host loaded the config"
T req "$P.component.scale.$CACHED" "$(printf "$warm" 0)" >/dev/null
like "$(T req "$P.config.del.greet" '')" '"success":true' "config purged"

# The manifest names the config without properties: not wadm's, so only
# a host that loaded it before can start the component.
cat >"$TEST_DIR/app.yaml" <<EOF
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: $APP
  annotations:
    version: v0.0.1
spec:
  components:
    - name: greeter
      type: component
      properties:
        image: $IMAGE
        config:
          - name: greet
      traits:
        - type: spreadscaler
          properties:
            instances: 1
EOF
like "$(T req "wadm.api.$L.model.put" "@$TEST_DIR/app.yaml")" '"result":"created"' "put"
like "$(T req "wadm.api.$L.model.deploy.$APP")" '"result":"acknowledged"' "deploy"

status_is_deployed() {
	[ "$(jget "$(T req "wadm.api.$L.model.status.$APP")" \
	    'j["status"]["status"]["type"]')" = deployed ]
}
wait_for "deployed on another host" 20 status_is_deployed
ok $? "wadm converges: deployed"

# attempts: the greeter's scale requests and their outcomes, hosts by
# start index.
attempts() {
	python3 - "$TEST_DIR/pl.rec" "$IMAGE" "${hosts[@]}" <<'PY'
import sys, json
rec, image, hosts = sys.argv[1], sys.argv[2], sys.argv[3:]
idx = lambda h: "h%d" % hosts.index(h) if h in hosts else h
for l in open(rec).read().splitlines():
    subj, _, body = l.partition(" ")
    try:
        j = json.loads(body)
    except ValueError:
        continue
    if ".component.scale." in subj and j.get("component_ref") == image:
        print("scale %s" % idx(subj.rsplit(".", 1)[1]))
    elif subj.endswith((".component_scaled", ".component_scale_failed")):
        d = j.get("data", {})
        if d.get("image_ref") == image and d.get("max_instances", 1) > 0:
            print("%s %s" % ("failed" if "error" in d else "scaled",
                idx(d.get("host_id", j.get("source")))))
PY
}
got=$(attempts | head -6 | paste -sd, -)
is "$got" "scale h0,failed h0,scale h1,failed h1,scale h2,scaled h2" \
    "each host tried once, the one with the cached config last"
like "$(grep -a 'component_scale_failed' "$TEST_DIR/pl.rec" | head -1)" \
    'Config greet does not exist' "the first host could not fetch the config"
like "$(T req "$P.host.get.$CACHED")" '"image_ref":"'"$IMAGE"'"' "it runs on the host that loaded the config"
done_testing
