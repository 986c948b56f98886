#!/usr/bin/env bash
# t5400-replay-cases: replay acceptance cases beyond the example upgrade
# (t5200): two components sharing one config (0.21 and fixed), a link
# whose target config does not exist, and wadm killed mid-replay. A
# recording truncated mid-line is t5000-show's case ("truncation warning
# at the end").
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

D=$FIXTURES/manifests

start_nats n1

# replay_run NAME LATTICE OLD NEW [ARGS...]: output in NAME.out/.err,
# recording NAME.ltrec, exit status in RC.
replay_run() {
	local name=$1 lattice=$2 old=$3 new=$4
	shift 4
	lt -x "$lattice" --timeout 10s replay "$old" "$new" --yes --settle 2s \
	    --record "$TEST_DIR/$name.ltrec" "$@" \
	    >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err"
	RC=$?
}
# findings NAME [ID]: the finding records of NAME.ltrec (of one id).
findings() {
	jq -c --arg id "${2:-}" 'select(.kind=="finding" and ($id=="" or .id==$id))' \
	    "$TEST_DIR/$1.ltrec"
}
# evidence_kinds NAME ID: the kinds of the first ID finding's evidence.
evidence_kinds() {
	local s
	for s in $(findings "$1" "$2" | head -n 1 | jq -r '.evidence[]'); do
		jq -r --argjson s "$s" 'select(.seq==$s) | .kind' "$TEST_DIR/$1.ltrec"
	done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'
}
# last_snapshot NAME: the entries of the last CONFIGDATA snapshot.
last_snapshot() {
	jq -c 'select(.kind=="snapshot") | .entries' "$TEST_DIR/$1.ltrec" | tail -n 1
}

# --- two components sharing one config ---
C=shared_config-shared
start_sim --lattice s21 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
replay_run s21 s21 "$D/shared-config-v1.yaml" "$D/shared-config-v2.yaml"
is "$RC" 1 "shared config, 0.21: error findings, exit 1"
like "$(findings s21 config-deleted-while-referenced)" \
    "\"severity\":\"error\".*config $C was deleted while the manifest references it \\(components front, back\\) \\(by 2 DeleteConfig commands\\)" \
    "the shared config was deleted although both components reference it; both DeleteConfig commands counted"
is "$(findings s21 config-deleted-while-referenced | wc -l)" 1 "one finding for the config"
like "$(evidence_kinds s21 config-deleted-while-referenced)" \
    'event:2 kv:2 wadm.cmd:2' "evidence: both DeleteConfig commands, both purges, both config_deleted events"
like "$(findings s21 config-missing)" "config $C is referenced but absent" \
    "config-missing: it stays gone"
unlike "$(last_snapshot s21)" "$C" "the last snapshot has no $C"
is "$(findings s21 image-not-updated | grep -c 'will not be updated')" 2 \
    "image-not-updated for front and back, quoting the host"
like "$(findings s21 status-mismatch)" 'shared-config deployed although' "status-mismatch"
like "$(jq -c 'select(.kind=="ctl.request" and (.subject|endswith(".host.ping")))' "$TEST_DIR/s21.ltrec" | head -n 1)" \
    '"from":"latticectl"' "latticectl's own checkpoint requests are marked"
unlike "$(jq -c 'select(.kind=="ctl.request" and (.subject|contains(".component.scale.")))' "$TEST_DIR/s21.ltrec")" \
    '"from"' "wadm's requests are not"
like "$(jq -c 'select(.kind=="snapshot")' "$TEST_DIR/s21.ltrec" | sed -n 2p)" \
    "\"entries\":\\{\"$C\":\\{\"revision\":[0-9]+,\"value\":\\{\"greeting\":\"hello\",\"api_token\":\"<redacted:[0-9a-f]+>\"\\}" \
    "the deploy-old snapshot has the config's revision and value, redacted"
is "$(grep -c not-a-real-token "$TEST_DIR/s21.ltrec")" 0 "the token is in no record"
like "$(last_snapshot s21)" '^\{\}$' "the deploy-new snapshot has none"
like "$(jq -c 'select(.kind=="snapshot") | .deleted' "$TEST_DIR/s21.ltrec" | tail -n 1)" \
    "\"$C\":\\{\"revision\":[0-9]+,\"op\":\"purge\"" "... and says it was purged"
lt report "$TEST_DIR/s21.ltrec" >"$TEST_DIR/s21.md"
md=$(cat "$TEST_DIR/s21.md")
like "$md" '    participant latticectl' "report: latticectl is a participant"
like "$md" 'latticectl->>host_[A-Z0-9]{8}: host\.get\.' "report: latticectl's host.get goes to the host"
like "$md" 'host_[A-Z0-9]{8}-->>latticectl: reply ok' "report: and its reply comes back to latticectl"
like "$md" 'latticectl->>wadm: model\.put' "report: latticectl's wadm API requests"
like "$md" "wadm->>host_[A-Z0-9]{8}: config\\.del\\.$C" "report: config.del (a queue-group request) goes to the host"
unlike "$md" 'wadm->>wadm: (host|config)\.' "report: no ctl request drawn as wadm->>wadm"
like "$md" "\\| \`$C\` \\| absent \\| \\*\\*rev [0-9]+ \`\\{\"greeting\":\"hello\",\"api_token\":\"<redacted:[0-9a-f]+>\"\\}\`\\*\\* \\| \\*\\*purge \\(rev [0-9]+\\)\\*\\* \\|" \
    "report: the config at each checkpoint, changes in bold"
like "$md" '\| wadm \| unknown \(wadm does not report it\) \|' "report: wadm's version is unknown"
kill "$SIM_PID"

# (three hosts: every host's answer to a checkpoint's host.ping is paired)
start_sim --lattice sfx --wadm-mode fixed --heartbeat 1s --wadm-backoff 1s --hosts 3
replay_run sfx sfx "$D/shared-config-v1.yaml" "$D/shared-config-v2.yaml"
is "$RC" 0 "shared config, fixed: exit 0"
pings=$(jq -r 'select(.kind=="ctl.request" and (.subject|endswith(".host.ping"))) | .pair' \
    "$TEST_DIR/sfx.ltrec")
like "$(printf '%s\n' "$pings" | grep -c .)" '^[1-9]' "latticectl pinged the hosts"
is "$(for p in $pings; do
	jq -c --argjson p "$p" 'select(.kind=="ctl.reply" and .pair==$p)' "$TEST_DIR/sfx.ltrec" | wc -l
done | sort -u | tr '\n' ' ')" "3 " "each host.ping has its three hosts' replies recorded, paired"
is "$(findings sfx)" "" "shared config, fixed: no finding"
is "$(jq -c 'select(.kind=="wadm.cmd" and .payload.DeleteConfig)' "$TEST_DIR/sfx.ltrec")" "" \
    "fixed: no DeleteConfig"
is "$(jq -c 'select(.kind=="wadm.cmd" and .payload.UpdateComponent) | .payload.UpdateComponent.component_id' \
    "$TEST_DIR/sfx.ltrec" | sort | tr '\n' ' ')" '"shared_config-back" "shared_config-front" ' \
    "fixed: both components updated in place"
like "$(last_snapshot sfx)" "\"$C\"" "fixed: the shared config is still there"
kill "$SIM_PID"

# --- a link whose target config does not exist ---
# Upstream wadm: a config without properties gets a ConfigScaler that only
# checks existence (failed, no command) and does not hold the link back,
# so PutLink goes out and the host refuses it; wadm retries it and stays
# 'reconciling'. v2's link scaler id differs (config names), so the v1
# link is deleted first, its managed source config too (and re-put).
start_sim --lattice l21 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
replay_run l21 l21 "$D/link-config-v1.yaml" "$D/link-config-v2.yaml" --wait 5s
is "$RC" 1 "missing link target config: exit 1"
like "$(cat "$TEST_DIR/l21.err")" 'link-config v[0-9.]+: still reconciling after --wait 5\.0s; going on' \
    "wadm never reports the app deployed"
lf=$(findings l21 link-failed)
is "$(printf '%s\n' "$lf" | grep -c .)" 1 "one link-failed finding for the repeated failures"
like "$lf" '"severity":"error".*linkdef_set_failed for link_config-httpserver: .*Configuration hello-settings not found in config store' \
    "link-failed quotes the host's validation error"
like "$(evidence_kinds l21 link-failed)" '^event:[0-9]+ $' "its evidence: the linkdef_set_failed events"
like "$(findings l21 config-missing)" 'config hello-settings is referenced but absent.*create the config before deploying' \
    "config-missing names the unmanaged config and says to create it"
is "$(findings l21 config-missing | grep -c default_http)" 0 "the re-put source config is not missing"
like "$(findings l21 config-deleted-while-referenced)" \
    '"severity":"warning".*link_config-default_http was deleted .*\(component httpserver\).*put back later' \
    "the source config deleted with the old link and put back: a warning"
is "$(findings l21 status-mismatch)" "" "no status-mismatch: wadm did not claim deployed"
kill "$SIM_PID"

# --- wadm killed mid-replay ---
# Hosts and wadm in two simulator processes; wadm gets SIGKILL once the
# replay deploys NEW.
start_sim --lattice k --no-wadm --heartbeat 1s
bg "$LT_SIM" -s "$NATS_URL" --lattice k --hosts 0 --wadm-mode 0.21 \
    --wadm-backoff 1s 2>"$TEST_DIR/wadm.log"
WADM_PID=$LAST_PID
wait_for "wadm alone" 20 grep -q "ready: 0 host" "$TEST_DIR/wadm.log"
K=$TEST_DIR/k.ltrec
bg lt -x k --timeout 5s replay "$FIXTURES/manifests/upgrade-v1.yaml" \
    "$FIXTURES/manifests/upgrade-v2.yaml" --yes --settle 1s --record "$K" \
    >"$TEST_DIR/k.out" 2>"$TEST_DIR/k.err"
RPID=$LAST_PID
wait_for "replay deploys NEW" 30 grep -q "replay: deploy-new" "$TEST_DIR/k.err"
# payloads that are not JSON text, on recorded subjects
printf '\000\001\377' >"$TEST_DIR/bin"
printf 'not json' >"$TEST_DIR/text"
T pub wasmbus.evt.k.lt_binary "$TEST_DIR/bin" >/dev/null
T pub wadm.cmd.k "$TEST_DIR/text" >/dev/null
wait_for "both recorded" 10 grep -q '"subject":"wadm.cmd.k","payload":"bm90IGpzb24="' "$K"
kill -9 "$WADM_PID"
wait "$WADM_PID" 2>/dev/null
wait_pid "$RPID" 30
ok "$([ "$WAIT_RC" = 4 ] || [ "$WAIT_RC" = 6 ]; echo $?)" "wadm killed: exit 4 or 6 (got $WAIT_RC)"
like "$(cat "$TEST_DIR/k.err")" 'replay: during deploy-new: wadm is not running on lattice k \(no reply on wadm\.api\.k\.model\.' \
    "a clear error: the phase, wadm, the lattice and the unanswered subject"
like "$(cat "$TEST_DIR/k.err")" "recording up to the failure is $K" "says where the recording is"
ok "$(jq -c . "$K" >/dev/null 2>&1; echo $?)" "every line of the recording is JSON"
is "$(jq -r .kind "$K" | head -n 1)" meta "it starts with meta"
is "$(jq -r 'select(.kind=="end") | .kind' "$K")" "" "no end record: it is not complete"
like "$(jq -c 'select(.kind=="phase")' "$K" | tail -n 1)" '"phase":"aborted","error":"during deploy-new: wadm is not running' \
    "the last phase record says why it ended"
is "$(jq -c 'select(.subject=="wasmbus.evt.k.lt_binary") | [.kind, .event, .encoding]' "$K")" \
    '["event","AAH/","base64"]' "a binary event is recorded base64, with encoding base64"
is "$(jq -c 'select(.kind=="wadm.cmd" and .encoding) | [.payload, .encoding]' "$K")" \
    '["bm90IGpzb24=","base64"]' "a text payload that is not JSON too"
lt show "$K" >"$TEST_DIR/k.show" 2>"$TEST_DIR/k.show.err"
is "$?" 0 "show renders it"
like "$(cat "$TEST_DIR/k.show")" '-- phase: phase=deploy-new' "show: the deploy-new phase"
like "$(cat "$TEST_DIR/k.show")" '-- phase: phase=aborted error=during deploy-new' "show: the abort"
like "$(cat "$TEST_DIR/k.show.err")" 'no end record' "show warns that it was interrupted"
lt report "$K" --format markdown >"$TEST_DIR/k.md" 2>"$TEST_DIR/k.md.err"
is "$?" 0 "report renders it"
like "$(cat "$TEST_DIR/k.md")" '### Phase: deploy-new' "report: the deploy-new diagram"
kill "$SIM_PID"

done_testing
