#!/usr/bin/env bash
# t5200-replay: 'latticectl replay' of the example v1 -> v2 upgrade against
# latticesim: 0.21 mode reproduces wasmCloud #4704 (errors, exit 1), fixed
# mode has no error finding (exit 0); preflight and manifest errors.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests

# start_probe: an HTTP front on a free port that forwards to the port the
# simulator logged last for the component (its listener port is only known
# once the component runs). Sets PROBE_URL.
start_probe() {
	bg python3 "$LT_SRCDIR/tests/helper/probe-front.py" "$TEST_DIR/sim.log" \
	    >"$TEST_DIR/probe.port"
	wait_for "probe front" 10 test -s "$TEST_DIR/probe.port"
	PROBE_URL="http://127.0.0.1:$(cat "$TEST_DIR/probe.port")/"
}

start_nats n1

# replay_run NAME LATTICE: replay v1 -> v2, output in NAME.out/.err, RC.
replay_run() {	# NAME LATTICE [GLOBAL-OPTION...] (-v: the whole timeline)
	local name=$1 lattice=$2
	shift 2
	lt -x "$lattice" -v "$@" --timeout 20s replay "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" \
	    --probe "$PROBE_URL" --yes --settle 3s --record "$TEST_DIR/$name.ltrec" \
	    >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err"
	RC=$?
}

# --- 0.21: #4704 ---
start_sim --lattice r21 --wadm-mode 0.21 --http --heartbeat 1s --wadm-backoff 1s
start_probe
replay_run r21 r21
is "$RC" 1 "0.21: error findings, exit 1"
out=$(cat "$TEST_DIR/r21.out")
F=$TEST_DIR/r21.ltrec
finding() { jq -c "select(.kind==\"finding\" and .id==\"$1\")" "$F"; }
like "$(finding config-deleted-while-referenced)" 'config rust_hello_world-custom_config was deleted .*DeleteConfig' \
    "config-deleted-while-referenced names the config and the DeleteConfig command"
ev=$(finding config-deleted-while-referenced | jq -r '.evidence[0]')
is "$(jq -r "select(.seq==$ev) | .kind" "$F")" wadm.cmd "its first evidence is the wadm.cmd record"
like "$(finding image-not-updated)" 'host replied: .*will not be updated' "image-not-updated quotes the host"
like "$(finding status-mismatch)" '"severity":"error"' "status-mismatch"
like "$(finding probe-changed)" 'Hello, world.*-> 200 \\"Hello, \\"' "the probe lost the greeting"
like "$out" '-- phase: phase=deploy-new' "the timeline is grouped by phase"
like "$out" '-- finding: severity=error id=config-deleted-while-referenced' "findings are printed"
is "$(jq -r .kind "$F" | sed -n '1p;$p' | tr '\n' ' ')" "meta end " "a complete recording"
for k in event ctl.request ctl.reply wadm.request wadm.reply wadm.cmd wadm.status kv snapshot inventory probe; do
	ok "$(jq -r .kind "$F" | grep -qx "$k" && echo 0 || echo 1)" "the recording has $k records"
done
puts() { jq -c 'select(.kind=="wadm.request" and (.subject|endswith(".model.put")))' "$F"; }
is "$(puts | jq -r '[.from, .payload.metadata.name, .payload.metadata.annotations.version] | join(" ")' | tr '\n' ';')" \
    "latticectl rust-hello-world v0.0.1;latticectl rust-hello-world v0.0.2;" \
    "the recording holds both manifests, in latticectl's model.put requests"
is "$(puts | jq -r .pair | while read -r p; do
	jq -r --argjson p "$p" 'select(.kind=="wadm.reply" and .pair==$p) | .payload.result' "$F"
done | tr '\n' ' ')" "created newversion " "... each paired with wadm's reply"
like "$(jq -c 'select(.kind=="wadm.request" and (.subject|contains(".model.deploy.")))' "$F" | head -n 1)" \
    '"from":"latticectl".*"payload":\{"version":"v0\.0\.1"\}' "model.deploy is recorded with its body"
like "$(jq -c 'select(.kind=="kv" and .op=="purge")' "$F")" 'CONFIGDATA_r21.*rust_hello_world-custom_config' \
    "the CONFIGDATA purge is recorded"
like "$(jq -c 'select(.kind=="kv" and .op=="put")' "$F" | head -n 1)" \
    '"kind":"kv","bucket":"CONFIGDATA_r21","key":"[^"]+","op":"put","revision":[0-9]+,"created":"[0-9T:.-]+Z","value":\{' \
    "kv records are kv watch's: bucket, key, op, revision, created, value"
is "$(jq -c 'select(.kind=="kv" and has("payload"))' "$F")" "" "... with no payload member"
rev=$(jq 'select(.kind=="kv" and .op=="purge" and .key=="rust_hello_world-custom_config") | .revision' "$F" | tail -n 1)
like "$rev" '^[0-9]+$' "the purge has its revision"
is "$(jq 'select(.kind=="snapshot") | .deleted["rust_hello_world-custom_config"].revision' "$F" | tail -n 1)" \
    "$rev" "... the one the last snapshot reads from the bucket"
like "$(jq -c 'select(.kind=="ctl.reply")' "$F" | head -1)" '"latency_ms":' "replies carry their latency"
like "$(lt show "$F" --type config_deleted)" 'config_deleted .*rust_hello_world-custom_config' "show reads the replay"
like "$out" 'wadm.cmd: .* DeleteConfig config_name=rust_hello_world-custom_config' \
    "the timeline names the wadm command that deleted the config"
like "$out" 'ctl.reply: .* ok message=Requested to scale existing component to a different image' \
    "the timeline quotes the host's reply"
lt report "$F" --format markdown >"$TEST_DIR/r21.md"
like "$(cat "$TEST_DIR/r21.md")" '### Phase: deploy-new' "report: a diagram for deploy-new"
kill "$SIM_PID"

# --- fixed ---
start_sim --lattice fx --wadm-mode fixed --http --heartbeat 1s --wadm-backoff 1s

# --- no terminal and no --yes: refused before anything is sent ---
start_rec wapi 'wadm.api.fx.>' lt.marker
exit_code 2 "stdin not a terminal, no --yes: refused" lt -x fx --timeout 5s replay \
    "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" --settle 0s \
    --record "$TEST_DIR/noyes.ltrec" </dev/null
like "$(cat "$TEST_DIR/last.err")" "^latticectl: replay: .*no terminal to confirm on; pass --yes" \
    "the error says to pass --yes"
is "$(grep -vc "^see 'latticectl replay --help'\$" "$TEST_DIR/last.err")" 1 \
    "in one line (and the usage hint)"
echo . | T pub lt.marker - >/dev/null
wait_for "the marker" 10 grep -q '^lt\.marker' "$TEST_DIR/wapi.rec"
is "$(grep -c '^wadm\.api' "$TEST_DIR/wapi.rec")" 0 "nothing reached wadm"
ok "$([ ! -e "$TEST_DIR/noyes.ltrec" ]; echo $?)" "no recording was started"
# a key no manifest references (one member a secret)
extra_rev=$(T kv-put CONFIGDATA_fx unrelated-config '{"mode":"x","api_key":"s3cret-77"}')
replay_run fx fx
is "$RC" 0 "fixed: exit 0"
snap=$(jq -c 'select(.kind=="snapshot")' "$TEST_DIR/fx.ltrec" | tail -n 1)
is "$(jq '.contents[] | select(.key=="unrelated-config") | .revision' <<<"$snap")" \
    "$extra_rev" "the snapshot holds the whole bucket: a key the manifest does not reference, with its revision"
is "$(jq -c '[(.entries | has("unrelated-config")), .stream_last_seq >= .revision, .keys == (.contents | length), .server.id != ""]' <<<"$snap")" \
    '[false,true,true,true]' "... not in entries; the stream sequence, revision, key count and server as kv snapshot's header"
is "$(jq '.contents[] | select(.key=="rust_hello_world-custom_config") | .revision' <<<"$snap")" \
    "$(jq '.entries["rust_hello_world-custom_config"].revision' <<<"$snap")" "... a referenced config at the revision entries has"
unlike "$(cat "$TEST_DIR/fx.ltrec")" 's3cret-77' "... values redacted"
is "$(jq -c 'select(.kind=="finding" and .severity=="error")' "$TEST_DIR/fx.ltrec")" "" "fixed: no error finding"
like "$(jq -c 'select(.kind=="probe")' "$TEST_DIR/fx.ltrec" | tail -1)" '"body":"Hello, world"' "fixed: the greeting stays"

# --- preflight and bad input ---
exit_code 6 "a version wadm already stores" lt -x fx --timeout 5s replay "$M/upgrade-v1.yaml" \
    "$M/upgrade-v2.yaml" --yes --settle 0s --record "$TEST_DIR/x.ltrec"
like "$(cat "$TEST_DIR/last.err")" "wadm already stores rust-hello-world v0\\.0\\.1 .*--version-suffix auto" \
    "names the stored version and the way out (t5600 has the whole line)"
ok "$([ ! -e "$TEST_DIR/x.ltrec" ]; echo $?)" "... found before anything is sent: no recording"
cp "$TEST_DIR/fx.ltrec" "$TEST_DIR/fx.copy"
exit_code 6 "--record EXISTING" lt -x fx --timeout 5s replay "$M/upgrade-v1.yaml" \
    "$M/upgrade-v2.yaml" --yes --settle 0s --version-suffix auto --record "$TEST_DIR/fx.ltrec"
like "$(cat "$TEST_DIR/last.err")" "fx.ltrec' exists: a recording never replaces a file" \
    "an existing recording is refused, and it says so"
cmp -s "$TEST_DIR/fx.ltrec" "$TEST_DIR/fx.copy"
ok $? "... and left as it was"
kill "$SIM_PID"

# --- a lattice on its own control subject prefix (--ctl-prefix) ---
start_sim --lattice px --ctl-prefix acme.ctl --wadm-mode fixed --http \
    --heartbeat 1s --wadm-backoff 1s
# (and on its own inbox prefix: latticectl's requests reply on LTX.*, the
# simulated wadm's on _INBOX.*)
replay_run px px --ctl-prefix acme.ctl --inbox-prefix LTX
is "$RC" 0 "--ctl-prefix: the upgrade runs, exit 0"
P=$TEST_DIR/px.ltrec
ping=$(jq -c 'select(.kind=="ctl.request" and .from=="latticectl" and (.subject|endswith(".host.ping")))' "$P" | head -n 1)
like "$ping" '"reply":"LTX\.' "--inbox-prefix: latticectl's requests reply under it"
is "$(jq -c --argjson p "$(jq .pair <<<"$ping")" 'select(.kind=="ctl.reply" and .pair==$p) | .kind' "$P" | head -n 1)" \
    '"ctl.reply"' "--inbox-prefix: their replies are recorded"
like "$(jq -c 'select(.kind=="ctl.request" and (.subject|contains(".component.scale.")))' "$P" | head -n 1)" \
    '"reply":"_INBOX\..*"reply_unseen":true' "--inbox-prefix: wadm's requests, replying elsewhere, are marked reply_unseen"
like "$(cat "$TEST_DIR/px.err")" "warning: reply subject '_INBOX\.[^']*' is not under the inbox prefix 'LTX'" \
    "--inbox-prefix: a warning says those replies cannot be recorded"
is "$(jq -c 'select(.kind=="finding" and .id=="scale-unacknowledged")' "$P")" "" \
    "--inbox-prefix: no scale-unacknowledged for replies it could not see"
like "$(jq -r 'select(.kind=="ctl.request" and .from=="latticectl") | .subject' \
    "$TEST_DIR/px.ltrec" | sort -u)" "^acme\\.ctl\\.v1\\.px\\.host\\.ping$" \
    "--ctl-prefix: its own requests are recorded on that prefix, marked as latticectl's"
like "$(jq -r 'select(.kind=="ctl.request" and .from==null) | .subject' \
    "$TEST_DIR/px.ltrec" | sort -u)" "acme\\.ctl\\.v1\\.px\\.component\\.scale\\." \
    "--ctl-prefix: wadm's scale commands are recorded, not marked as latticectl's"
kill "$SIM_PID"
start_sim --lattice nw --no-wadm
exit_code 4 "wadm not running" lt -x nw --timeout 2s replay "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" --yes
like "$(cat "$TEST_DIR/last.err")" 'wadm is not running on lattice nw' "names the missing wadm"
# a server without JetStream: refused before anything is sent
save=$NATS_URL
NATS_JS=0 start_nats nojs
NOJS_URL=$NATS_URL NATS_URL=$save
exit_code 6 "no JetStream" lt -s "$NOJS_URL" -x nj --timeout 2s replay "$M/upgrade-v1.yaml" \
    "$M/upgrade-v2.yaml" --yes --record "$TEST_DIR/nojs.ltrec"
like "$(grep -v 'replay: note: ' "$TEST_DIR/last.err")" \
    '^latticectl: replay: JetStream is not enabled on this server or account: .* nats-server with -js\)$' \
    "names the missing JetStream"
is "$(grep -vc 'replay: note: ' "$TEST_DIR/last.err")" 1 "in one line"
ok "$([ ! -e "$TEST_DIR/nojs.ltrec" ]; echo $?)" "no recording was started"
printf 'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: [x\n' >"$TEST_DIR/bad.yaml"
exit_code 6 "bad YAML" lt replay "$TEST_DIR/bad.yaml" "$M/upgrade-v2.yaml" --dry-run
like "$(cat "$TEST_DIR/last.err")" "bad\.yaml.*line" "the error names the file and line"
bad_manifest() { # NAME WANT-REGEX BODY
	printf 'apiVersion: core.oam.dev/v1beta1\n%b' "$3" >"$TEST_DIR/$1.yaml"
	exit_code 6 "manifest: $1" lt replay "$TEST_DIR/$1.yaml" "$M/upgrade-v2.yaml" --dry-run
	like "$(cat "$TEST_DIR/last.err")" "$2" "manifest: $1 names file, line and problem"
}
bad_manifest noname "noname\.yaml' line 4: missing 'name'" \
    'kind: Application\nmetadata:\n  annotations: {version: v1}\nspec:\n  components: []\n'
bad_manifest kind "kind\.yaml' line 2: unknown kind 'Foo'" \
    'kind: Foo\nmetadata:\n  name: a\nspec:\n  components: []\n'
bad_manifest empty "empty\.yaml' line 6: no components" \
    'kind: Application\nmetadata:\n  name: a\nspec:\n  components: []\n'
printf 'apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: other\nspec:\n  components:\n    - name: c\n      type: component\n      properties: {image: r/c:1}\n' \
    >"$TEST_DIR/other.yaml"
exit_code 2 "OLD and NEW name different applications" lt replay "$TEST_DIR/other.yaml" \
    "$M/upgrade-v2.yaml" --dry-run
lt replay "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" --dry-run >"$TEST_DIR/plan.out"
like "$(cat "$TEST_DIR/plan.out")" 'put and deploy NEW as rust-hello-world v0.0.2' "--dry-run prints the plan"

done_testing
