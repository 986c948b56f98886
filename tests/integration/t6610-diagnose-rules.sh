#!/usr/bin/env bash
# t6610-diagnose-rules: each diagnose rule fired by a latticesim scenario
# (tests/fixtures/manifests, the sim's faults) and silent on the healthy
# twin of the same deploy. Every scenario runs on its own lattice with its
# own latticesim and its own 'latticectl diagnose --until settled'; they
# run side by side, so the whole takes about as long as the slowest.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
declare -A SIMS DIAGS RC

# begin L SIMARGS...: latticesim on lattice L, then diagnose following L
# until it settled (FOLLOW= : until TIMEOUT) or TIMEOUT passed (recording
# in L.ltrec, output in L.out / L.err).
begin() {
	local l=$1
	shift
	bg "$LT_SIM" -s "$NATS_URL" --lattice "$l" --heartbeat 1s \
	    --wadm-backoff 1s "$@" 2>"$TEST_DIR/$l.sim.log"
	SIMS[$l]=$LAST_PID
	wait_for "$l: latticesim ready" 30 grep -q "ready:" "$TEST_DIR/$l.sim.log"
	bg_lt "$l" -x "$l" diagnose ${FOLLOW---until settled} --settle 3s \
	    --timeout "${TIMEOUT:-120s}" --stuck-after 8s --silent-after 4s \
	    --record "$TEST_DIR/$l.ltrec"
	DIAGS[$l]=$LAST_PID
}
# deploy L FILE APP: put FILE and deploy APP on lattice L (as wash would).
deploy() {
	like "$(T req "wadm.api.$1.model.put" "@$M/$2")" '"result":"(created|newversion)"' "$1: put $2"
	like "$(T req "wadm.api.$1.model.deploy.$3")" '"result":"acknowledged"' "$1: deploy $3"
}
status_is() {
	[ "$(jget "$(T req "wadm.api.$1.model.status.$2")" 'j["status"]["status"]["type"]')" = "$3" ]
}
# finish L: wait for L's diagnose to exit; its status in RC[L].
finish() {
	wait_pid "${DIAGS[$1]}" 180
	RC[$1]=$WAIT_RC
}
# fires L SEVERITY RULE: L's diagnose printed a RULE finding.
fires() {
	like "$(cat "$TEST_DIR/$1.out")" "^$2 $3: " "$1: $3 fires ($2)"
}
# silent L: L's diagnose exited 0 without a finding.
silent() {
	is "${RC[$1]}" 0 "$1: healthy twin: exit 0"
	unlike "$(cat "$TEST_DIR/$1.out")" "^(error|warning) " "$1: healthy twin: no finding"
}

start_nats n1

# Faulty deploys and their healthy twins, side by side.
# (wadm retries a failing start on every heartbeat: the app goes
# between failed and reconciling and never settles)
TIMEOUT=20s begin sf
begin sfok
deploy sf scale-failed.yaml scale-failed
deploy sfok scale-failed.healthy.yaml scale-failed
TIMEOUT=20s begin pf
begin pfok
deploy pf provider-failed.yaml provider-failed
deploy pfok provider-failed.healthy.yaml provider-failed
begin pu
begin puok
deploy pu provider-unhealthy.yaml provider-unhealthy
deploy puok provider-unhealthy.healthy.yaml provider-unhealthy
begin su
begin suok
deploy su spread-unsatisfied.yaml spread-unsatisfied
deploy suok spread-unsatisfied.healthy.yaml spread-unsatisfied
for l in sf sfok pf pfok pu puok su suok; do finish "$l"; done

is "${RC[sf]}" 4 "sf: wadm keeps retrying: never settles (exit 4)"
fires sf error scale-failed
like "$(grep -A1 '^error scale-failed' "$TEST_DIR/sf.out")" "does not exist" \
    "sf: the host's error is quoted"
silent sfok
is "${RC[pf]}" 4 "pf: wadm keeps retrying: never settles (exit 4)"
fires pf error provider-start-failed
silent pfok
fires pu error provider-unhealthy
silent puok
fires su error spread-unsatisfied
silent suok

# A link the host refuses keeps its scaler reconciling: link-failed, and
# status-stuck past --stuck-after.
TIMEOUT=30s begin lf
begin lfok
deploy lf link-config-v2.yaml link-config
deploy lfok link-config-v1.yaml link-config
# Two apps whose derived component ids clash flap the instance count.
TIMEOUT=30s begin sc
begin scok
deploy sc conflict-a.yaml fight-a
deploy sc conflict-b.yaml fight_a
deploy scok conflict-a.yaml fight-a
deploy scok conflict-b.healthy.yaml fight-b
# wadm that stopped working: it takes the deploy and says nothing after.
TIMEOUT=20s begin ws --wadm-stall-after 0s
deploy ws upgrade-v1.yaml rust-hello-world
for l in lf lfok sc scok ws; do finish "$l"; done

fires lf error link-failed
fires lf error status-stuck
is "${RC[lf]}" 4 "lf: the app never settles (exit 4)"
silent lfok
fires sc error scaler-conflict
is "${RC[sc]}" 4 "sc: the apps never settle (exit 4)"
silent scok
fires ws error wadm-silent
is "${RC[ws]}" 4 "ws: wadm never settles the deploy: --until settled times out (exit 4)"

# After a healthy deploy (wadm fixed), something goes wrong while the
# next one is under way, or behind wadm's back.
V1=localhost:5000/test/http-hello-world:0.0.1
COMP=rust_hello_world-http_component
# (they follow for a while: the first deploy settles before the fault)
FOLLOW= TIMEOUT=35s begin hl --hosts 2 --wadm-mode fixed --stop-heartbeat-after usr1
FOLLOW= TIMEOUT=25s begin sd --hosts 2 --wadm-mode fixed --wadm-state-stale-after usr1
FOLLOW= TIMEOUT=20s begin cd --wadm-mode fixed
FOLLOW= TIMEOUT=25s begin oi --hosts 2 --wadm-mode fixed
for l in hl sd cd oi; do
	deploy "$l" upgrade-v1.yaml rust-hello-world
done
for l in hl sd cd oi; do
	wait_for "$l: v1 deployed" 30 status_is "$l" rust-hello-world deployed
done
kill -USR1 "${SIMS[hl]}"	# a host hangs: no more heartbeats
kill -USR1 "${SIMS[sd]}"	# wadm stops writing wadm_state
# a config changed straight in the bucket: no event, wadm never notices
T kv-put CONFIGDATA_cd rust_hello_world-custom_config '{"name":"drifted"}' >/dev/null
# v1 started by hand (no wadm annotations) beside wadm's
for h in $(host_ids oi); do
	T req "wasmbus.ctl.v1.oi.component.scale.$h" \
	    "{\"component_ref\":\"$V1\",\"component_id\":\"$COMP\",\"count\":1}" >/dev/null
done
deploy oi upgrade-v2.yaml rust-hello-world
# an app whose link the host refuses stays reconciling: a deploy under
# way while the hung host misses its heartbeats
deploy hl link-config-v2.yaml link-config
# a second app wadm runs but no longer writes into wadm_state
deploy sd shared-config-v1.yaml shared-config
for l in hl sd cd oi; do finish "$l"; done

fires hl warning host-lost
fires sd warning wadm-state-drift
fires cd warning config-drift
like "$(cat "$TEST_DIR/cd.out")" "custom_config" "cd: the drifted config is named"
fires oi error old-instances-left
is "${RC[oi]}" 1 "oi: exit 1"

# Hostile text from the lattice is escaped: a failure event whose
# component id and error carry terminal escapes.
FOLLOW= TIMEOUT=6s begin hx --no-wadm
ESC=$(printf '\033')
cat >"$TEST_DIR/hostile.json" <<'JSON'
{"specversion":"1.0","id":"1","source":"x","type":"com.wasmcloud.lattice.component_scale_failed","data":{"component_id":"evil\u001b]0;pwned\u0007","host_id":"NHOST","image_ref":"x","max_instances":1,"error":"bad \u001b[31mred\u001b[0m"}}
JSON
T pub wasmbus.evt.hx.component_scale_failed "$TEST_DIR/hostile.json" >/dev/null
finish hx
fires hx error scale-failed
unlike "$(cat "$TEST_DIR/hx.out")" "$ESC" "hx: no raw escape reaches the terminal"

done_testing
