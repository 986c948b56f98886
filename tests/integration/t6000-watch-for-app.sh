#!/usr/bin/env bash
# t6000-watch-for-app: 'watch --for app/NAME' and 'show --for app/NAME'
# cover everything the app owns, under the names wadm derives: through the
# #4704 upgrade on latticesim they keep the app's config_set, config_deleted
# and linkdef_set (which name configs and ids, not the app) and leave out
# another app's. watch learns the manifest from a manifest_published event
# or, started later, from wadm (model.versions + model.get, recorded);
# show learns it from the recording.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
APP=rust-hello-world
CFG=rust_hello_world-custom_config

status_is() {	# APP TYPE
	[ "$(jget "$(T req "wadm.api.default.model.status.$1")" 'j["status"]["status"]["type"]')" = "$2" ]
}
# events FILE: "type name" per event record of an ndjson recording, sorted
events() {
	jq -r 'select(.kind=="event") | "\(.event.type | sub(".*\\."; "")) \(.event.data | .config_name // .source_id // .component_id // .provider_id // .name // "-")"' "$1" | sort -u
}

start_nats n1
start_sim --hosts 1 --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s

# A: started before anything is deployed, so it learns from manifest_published.
bg_lt wa watch --for "app/$APP" --until config_deleted --timeout 90s -o ndjson --record "$TEST_DIR/wa.ltrec"
like "$(cat "$TEST_DIR/wa.err")" "warning: --for app/$APP: no application '$APP' on lattice default" \
    "wadm does not know the app yet: said once, on stderr"
WA=$LAST_PID
# C: everything, for show, until the app's config_deleted (--until learns too).
bg_lt wc watch --wadm --until "config_deleted:app/$APP" --timeout 90s --record "$TEST_DIR/all.ltrec" -o ndjson
WC=$LAST_PID

like "$(T req wadm.api.default.model.put "@$M/shared-config-v1.yaml")" '"result":"created"' "put another app"
like "$(T req wadm.api.default.model.deploy.shared-config)" '"result":"acknowledged"' "deploy it"
like "$(T req wadm.api.default.model.put "@$M/upgrade-v1.yaml")" '"result":"created"' "put v1"
like "$(T req "wadm.api.default.model.deploy.$APP")" '"result":"acknowledged"' "deploy v1"
wait_for "v1 deployed" 30 status_is "$APP" deployed
ok $? "v1 deployed"
wait_for "the other app deployed" 30 status_is shared-config deployed

# B: started once v1 is deployed, so it learns from wadm.
bg_lt wb watch --for "app/$APP" --until config_deleted --timeout 90s -o ndjson --record "$TEST_DIR/wb.ltrec"
WB=$LAST_PID
unlike "$(cat "$TEST_DIR/wb.err")" warning "B: wadm knows the app"
like "$(T req wadm.api.default.model.put "@$M/upgrade-v2.yaml")" '"result":"newversion"' "put v2"
like "$(T req "wadm.api.default.model.deploy.$APP")" '"result":"acknowledged"' "deploy v2"
for p in WA WB WC; do
	wait_pid "${!p}" 60
	is "$WAIT_RC" 0 "watch $p: exits 0 at the app's config_deleted"
done

got=$(events "$TEST_DIR/wa.out")
for e in "config_set $CFG" "config_set rust_hello_world-default_http" \
    "linkdef_set rust_hello_world-httpserver" "config_deleted $CFG" \
    "component_scaled rust_hello_world-http_component" \
    "provider_started rust_hello_world-httpserver"; do
	like "$got" "(^|$(printf '\n'))$e($(printf '\n')|$)" "A: --for app/$APP keeps $e"
done
unlike "$got" shared_config "A: nothing of the other app"
like "$(events "$TEST_DIR/all.ltrec")" "config_set shared_config-shared" "C: the other app's config_set happened"
is "$(diff <(jq -c 'select(.kind=="event") | .event.id' "$TEST_DIR/wa.out") \
    <(jq -c 'select(.kind=="event") | .event.id' "$TEST_DIR/wa.ltrec"))" "" "A: the recording holds the same events"

got=$(events "$TEST_DIR/wb.out")
like "$got" "config_deleted $CFG" "B: learned from wadm, keeps the config_deleted"
like "$got" "component_scaled rust_hello_world-http_component" "B: and the component's events"
unlike "$got" shared_config "B: nothing of the other app"
is "$(jq -r 'select(.kind=="wadm.reply") | "\(.from) \(.subject) \(.payload.manifest.metadata.annotations.version)"' "$TEST_DIR/wb.ltrec")" \
    "latticectl wadm.api.default.model.get.$APP v0.0.1" "B: the manifest read from wadm is recorded"

# show --for app/NAME on the recordings
show_events() {	# FILE ARGS...: "type name" of what show -o ndjson keeps
	local f=$1
	shift
	lt show "$f" -o ndjson "$@" >"$TEST_DIR/show.out" && events "$TEST_DIR/show.out"
}
got=$(show_events "$TEST_DIR/all.ltrec" --for "app/$APP")
for e in "config_set $CFG" "linkdef_set rust_hello_world-httpserver" "config_deleted $CFG"; do
	like "$got" "(^|$(printf '\n'))$e($(printf '\n')|$)" "show, learning from manifest_published: keeps $e"
done
unlike "$got" shared_config "show: nothing of the other app"
got=$(show_events "$TEST_DIR/all.ltrec" --for app/shared-config)
like "$got" "config_set shared_config-shared" "show --for app/shared-config: its config"
unlike "$got" rust_hello_world "... and nothing of $APP"
got=$(show_events "$TEST_DIR/wb.ltrec" --for "app/$APP" --type 'config_*')
is "$got" "config_deleted $CFG" "show, learning from the recorded model.get reply"
like "$(lt show "$TEST_DIR/all.ltrec" --for "app/$APP" --type linkdef_set)" \
    "linkdef_set .*source=rust_hello_world-httpserver" "show text: the app's link"
is "$(show_events "$TEST_DIR/all.ltrec" --for app/no-such-app)" "" "an app without a manifest: no event"

done_testing
