#!/usr/bin/env bash
# t5600-replay-ux: replay as people use it, against latticesim: a deploy
# slower than --timeout is waited for (--wait); the terminal gets the
# phases, commands, failures and findings with next steps in 80 columns
# and a summary (-v: every record); a re-run names the stored version and
# --version-suffix auto re-runs it, the recording saying which versions
# were put; the confirmation shows what is deployed and what will change;
# show prints and picks record numbers.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests
V1=$M/upgrade-v1.yaml V2=$M/upgrade-v2.yaml

# wider NAME: the lines of NAME over 80 characters (UTF-8 aware), but
# the evidence commands (to copy whole, with the recording's path).
wider() {
	python3 -c 'import sys
for l in open(sys.argv[1], encoding="utf-8"):
    l = l.rstrip("\n")
    if len(l) > 80 and not l.startswith("  evidence: latticectl show "):
        print(l)' "$1"
}

# contains TEXT BLOCK DESC: TEXT holds BLOCK (several lines) as it is.
contains() {
	if [[ "$1" == *"$2"* ]]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$1" | head -n 60 | sed 's/^/#   /'
		printf '#   does not hold:\n%s\n' "$2" | sed 's/^/#   /'
	fi
}

start_nats n1
# wadm's expectations expire after 7s: the 0.21 upgrade (the #4704 chain)
# takes longer than the default --timeout of 5s to report deployed
start_sim --lattice ux --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 7s

# --- a deploy slower than --timeout; the terminal view ---
lt -x ux replay "$V1" "$V2" --yes --settle 1s --record "$TEST_DIR/ux.ltrec" \
    >"$TEST_DIR/ux.out" 2>"$TEST_DIR/ux.err"
is "$?" 1 "0.21: error findings, exit 1 (default --timeout, default --wait)"
F=$TEST_DIR/ux.ltrec
out=$(cat "$TEST_DIR/ux.out")
unlike "$(cat "$TEST_DIR/ux.err")" 'still [a-z]+ after' "the deploy is waited for, not given up after --timeout"
took=$(jq -rs '[.[] | select(.kind=="phase" and .phase=="deploy-new")][0].seq as $p
    | [.[] | select(.seq > $p)] as $r
    | ([$r[] | select(.kind=="wadm.request" and (.subject|contains(".model.deploy.")))][0].t) as $a
    | ([$r[] | select(.kind=="wadm.reply" and .payload.status.status.type=="deployed")][0].t) as $b
    | [$a, $b] | map(sub("\\.[0-9]+Z$"; "Z") | fromdate) | .[1] - .[0]' "$F")
ok "$([ "$took" -ge 5 ]; echo $?)" "... deploy-new took ${took}s (>= 5s, the --timeout) and latticectl saw it deployed"
is "$(wider "$TEST_DIR/ux.out")" "" "every line fits 80 columns"
like "$out" '^#[0-9]+ +== deploy-new: rust-hello-world v0\.0\.2 at [0-9:]+$' "phases, with the app and version"
like "$out" '#[0-9]+ +model\.deploy rust-hello-world v0\.0\.2' "latticectl's wadm calls"
like "$out" '#[0-9]+ +cmd DeleteConfig config=rust_hello_world-custom_config' "wadm's commands"
like "$out" '#[0-9]+ +config_deleted [A-Z0-9]{8} config=rust_hello_world-custom_con' "the events that tell the story"
unlike "$out" 'host_heartbeat|health_check|link\.get|host\.ping|inventory' "no heartbeats, health checks, polls or checkpoints"
ok "$([ "$(wc -l <"$TEST_DIR/ux.out")" -lt "$(($(lt show "$F" | wc -l) / 2))" ]; echo $?)" \
    "less than half of the full timeline"
contains "$out" 'findings:
error config-deleted-while-referenced: config rust_hello_world-custom_config was' \
    "the findings come after the timeline"
ev=$(jq -r 'select(.kind=="finding" and .id=="config-deleted-while-referenced") | .evidence | map(tostring) | join(",")' "$F")
like "$out" "^  evidence: latticectl show $F --record $ev\$" \
    "a finding's evidence, as record numbers and the command that prints them"
like "$out" '  next: re-put the config \(wash config put\)' "... and its next step"
contains "$out" "summary: 4 errors, 0 warnings against rust-hello-world v0.0.2
  recording: $F (every record: latticectl show FILE)
  report:    latticectl report $F -f issue.md" "the closing summary names the files"

# --- show: record numbers ---
shown=$(lt show "$F" --record "$ev" | undated /dev/stdin)
is "$(sed 's/ .*//' <<<"$shown" | tr '\n' ' ')" "$(tr ',' '\n' <<<"$ev" | sed 's/^/#/' | tr '\n' ' ')" \
    "show --record prints exactly the evidence records, each after its number"
like "$shown" 'DeleteConfig config_name=rust_hello_world-custom_config' "... the command among them"
first=$(jq -r 'select(.kind=="phase") | .seq' "$F" | head -n 1)
is "$(lt show "$F" --record "$first-$((first + 2))" -o ndjson | jq -r .seq | tr '\n' ' ')" \
    "$first $((first + 1)) $((first + 2)) " "show --record A-B, -o ndjson: the records unchanged"
like "$(lt show "$F" --type config_deleted)" '^#[0-9]+ +[0-9:.]+  config_deleted ' "show's text lines start with the record number"
exit_code 2 "show --record 5-3" lt show "$F" --record 5-3
like "$(cat "$TEST_DIR/last.err")" "^latticectl: show: --record: '5-3' is not a record number or a range A-B \\(A <= B\\)" "names the bad range"
exit_code 2 "show --record x" lt show "$F" --record 1,x

# --- the same replay again: wadm stores v0.0.1 ---
start_rec wapi 'wadm.api.ux.>' lt.marker
exit_code 6 "a re-run" lt -x ux replay "$V1" "$V2" --yes --settle 0s --record "$TEST_DIR/again.ltrec"
like "$(grep -v 'replay: note:' "$TEST_DIR/last.err")" \
    "^latticectl: replay: wadm already stores rust-hello-world v0\\.0\\.1 \\(an earlier replay\\?\\); nothing was deployed: re-run with --version-suffix auto \\(deploys v0\\.0\\.1-r2\\.\\.\\.\\), or delete that version first \\(wash app delete rust-hello-world v0\\.0\\.1\\)$" \
    "one line: the app, the version and the ways out"
is "$(grep -vc 'replay: note:' "$TEST_DIR/last.err")" 1 "... in one line"
ok "$([ ! -e "$TEST_DIR/again.ltrec" ]; echo $?)" "... no recording started"
echo . | T pub lt.marker - >/dev/null
wait_for "the marker" 10 grep -q '^lt\.marker' "$TEST_DIR/wapi.rec"
is "$(grep -c '\.model\.\(put\|deploy\)' "$TEST_DIR/wapi.rec")" 0 "... nothing put or deployed"

# --- the confirmation: what is deployed, what will change (a terminal) ---
confirm_no() {	# ARGS...: run on a pty, answer n; output in confirm.out
	python3 - "$LATTICECTL" "$@" >"$TEST_DIR/confirm.out" <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, sent, end = b"", False, time.time() + 30
while time.time() < end:
    if select.select([fd], [], [], 0.5)[0]:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
        if b"[y/N]" in out and not sent:
            os.write(fd, b"n\n")
            sent = True
sys.stdout.write(out.decode("utf-8", "replace").replace("\r", ""))
print("exit", os.waitpid(pid, 0)[1] >> 8)
EOF
}
confirm_no -x ux replay "$V1" "$V2" --version-suffix auto --record "$TEST_DIR/no.ltrec"
c=$(cat "$TEST_DIR/confirm.out")
contains "$c" '  now: rust-hello-world v0.0.2 is deployed (status deployed);
       wadm stores v0.0.1, v0.0.2' "the prompt says which version of which app is deployed now"
contains "$c" '2. put and deploy OLD as rust-hello-world v0.0.1-r2;
     wait up to 2m00s for deployed/failed (--wait)' "... the versions it will put, and the wait"
contains "$c" 'changes from the deployed v0.0.2 to OLD v0.0.1-r2:
  component http-component:
    image
      - localhost:5000/test/http-hello-world:0.0.2
      + localhost:5000/test/http-hello-world:0.0.1
changes from OLD v0.0.1-r2 to NEW v0.0.2-r2:' "... and what each deploy changes, old -> new"
contains "$c" 'deploy to lattice ux? [y/N] n
latticectl: replay: not confirmed; nothing sent' "answered no"
like "$c" 'exit 2$' "... exit 2"
echo . | T pub lt.marker - >/dev/null
wait_for "the marker" 10 test "$(grep -c '^lt\.marker' "$TEST_DIR/wapi.rec")" -ge 2
is "$(grep -c '\.model\.\(put\|deploy\)' "$TEST_DIR/wapi.rec")" 0 "... nothing put or deployed"

# --- --version-suffix auto, -v ---
lt -x ux -v replay "$V1" "$V2" --yes --settle 0s --version-suffix auto \
    --record "$TEST_DIR/r2.ltrec" >"$TEST_DIR/r2.out" 2>"$TEST_DIR/r2.err"
rc=$?
# (what wadm 0.21 does with a version put again over the first run's
# instances varies; that the replay runs through is the point)
ok "$([ "$rc" = 0 ] || [ "$rc" = 1 ]; echo $?)" "--version-suffix auto: the re-run runs through (exit $rc)"
like "$(cat "$TEST_DIR/r2.err")" 'deploying as rust-hello-world v0\.0\.1-r2 and v0\.0\.2-r2 \(--version-suffix auto\)' \
    "it says which versions it deploys"
R=$TEST_DIR/r2.ltrec
is "$(jq -r 'select(.kind=="phase" and .version) | "\(.phase) \(.app) \(.version)"' "$R" | tr '\n' ';')" \
    "deploy-old rust-hello-world v0.0.1-r2;deploy-new rust-hello-world v0.0.2-r2;" \
    "the recording's phase records say which versions were put"
is "$(jq -r 'select(.kind=="wadm.request" and (.subject|endswith(".model.put"))) | .payload.metadata.annotations.version' "$R" | tr '\n' ' ')" \
    "v0.0.1-r2 v0.0.2-r2 " "... as the model.put bodies do"
like "$(cat "$TEST_DIR/r2.out")" '#[0-9]+ +[0-9:.]+  -- phase: phase=deploy-new app=rust-hello-world version=v0\.0\.2-r2' \
    "-v: the full timeline"
like "$(cat "$TEST_DIR/r2.out")" 'host_heartbeat' "-v: heartbeats included"
# --- --wait shorter than a deploy (a fresh lattice: deploy-new waits for
# wadm's 7s backoff) ---
start_sim --lattice uw --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 7s
lt -x uw replay "$V1" "$V2" --yes --settle 0s --wait 1s --record "$TEST_DIR/uw.ltrec" \
    >"$TEST_DIR/uw.out" 2>"$TEST_DIR/uw.err"
is "$?" 1 "--wait 1s: the replay goes on to its findings (exit 1)"
like "$(cat "$TEST_DIR/uw.err")" '^latticectl: replay: rust-hello-world v0\.0\.2: still [a-z]+ after --wait 1\.0s; going on' \
    "a deploy slower than --wait: said"
like "$(jq -r 'select(.kind=="phase") | .phase' "$TEST_DIR/uw.ltrec" | tr '\n' ' ')" \
    'baseline deploy-old deploy-new ' "... and the replay went on: every phase recorded"
exit_code 2 "--version-suffix with a blank" lt replay "$V1" "$V2" --dry-run --version-suffix 'a b'
like "$(cat "$TEST_DIR/last.err")" "^latticectl: replay: --version-suffix: 'a b' is not auto or up to 32 letters, digits and dots" \
    "names the bad suffix"
exit_code 2 "--wait bad" lt replay "$V1" "$V2" --dry-run --wait soon

# --- --dry-run: the plan and the manifest differences, offline ---
sed -e 's/instances: 1/instances: 3/' \
    -e 's/^              name: world$/&\n              greeting: hi\n          - name: shared-extra/' \
    -e 's/interfaces: \[incoming-handler\]/interfaces: [incoming-handler, outgoing-handler]/' \
    "$V2" >"$TEST_DIR/v3.yaml"
lt replay "$V1" "$TEST_DIR/v3.yaml" --dry-run --version-suffix r9 >"$TEST_DIR/plan.out"
p=$(cat "$TEST_DIR/plan.out")
like "$p" '  now: not asked \(--dry-run connects to nothing\)' "--dry-run: nothing asked"
like "$p" 'put and deploy NEW as rust-hello-world v0\.0\.2-r9;' "--version-suffix SUFFIX: the version with it"
like "$p" '    config custom-config: properties changed: greeting' "a config property named, not its value"
unlike "$p" 'hi$' "... the value not shown"
like "$p" '    config shared-extra added' "a config added"
contains "$p" '    scaler
      - spreadscaler, 1 instance
      + spreadscaler, 3 instances' "instances old -> new"
contains "$p" '  component httpserver:
    link
      - wasi:http/incoming-handler -> http-component
      + wasi:http/incoming-handler,outgoing-handler -> http-component' "a link's interfaces old -> new"
is "$(wider "$TEST_DIR/plan.out")" "" "the plan fits 80 columns"
lt replay "$V1" "$V1" --dry-run >"$TEST_DIR/same.out"
like "$(cat "$TEST_DIR/same.out")" 'none in images, configs, secrets, links or scalers' "no difference: said"

# --- completion of the new options (the scripts ask __complete) ---
is "$(lt __complete options -- replay | cut -f1 | grep -E '^--(wait|version-suffix)=' | tr '\n' ' ')" \
    "--wait= --version-suffix= " "completion: replay's --wait and --version-suffix"
is "$(lt __complete values -- replay --version-suffix)" auto "completion: --version-suffix auto"
is "$(lt __complete options -- show | cut -f1 | grep -c '^--record=')" 1 "completion: show --record"

done_testing
