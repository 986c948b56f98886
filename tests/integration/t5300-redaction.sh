#!/usr/bin/env bash
# t5300-redaction: planted secrets (config password and api_token, a
# SECRET_ config, a registry.put password, the connection's own password)
# never reach stdout, stderr, recordings, show output or reports of replay,
# watch and sub; masks are stable across runs; --show-secrets reveals the
# config values but never the registry credential; show and report mask a
# recording made with --show-secrets again unless told otherwise; masks
# are keyed by a per-user key file (0600), made when missing; a key file
# that is not private or is a symlink is not used (a key per run, one
# warning).
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

NATS_PW=PlantNatsPw5300
CFG_PW=PlantCfgPassword5300
CFG_TOKEN=PlantCfgToken5300
SECRET_VAL=PlantSecretValue5300
REG_PW=PlantRegistryPw5300
HDR_TOKEN=PlantHeaderToken5300
HDR_URL_PW=PlantHeaderUrlPw5300
TEXT_URL_PW=PlantTextUrlPw5300
ALL_PLANTS="$NATS_PW $CFG_PW $CFG_TOKEN $SECRET_VAL $REG_PW $HDR_TOKEN $TEXT_URL_PW"

start_nats n1 --user bob --pass "$NATS_PW"
AUTH_URL="nats://bob:$NATS_PW@${NATS_URL#nats://}"
NATS_URL=$AUTH_URL	# for the simulator and the test tool
export NATS_URL

# absent LABEL PLANTS... -- FILES...: none of PLANTS in any of FILES.
absent() {
	local label=$1 p f hits=""
	shift
	local plants=()
	while [ "$1" != -- ]; do plants+=("$1"); shift; done
	shift
	for p in "${plants[@]}"; do
		for f in "$@"; do
			grep -qF -- "$p" "$f" && hits="$hits $p in ${f##*/};"
		done
	done
	is "$hits" "" "$label"
}

# present LABEL PLANT FILE: PLANT is in FILE.
present() {
	ok "$(grep -qF -- "$2" "$3" && echo 0 || echo 1)" "$1"
}

# Manifests with a password and an api_token in the component's config.
for v in 1 2; do
	sed "s/^\( *\)name: world$/&\n\1password: $CFG_PW\n\1api_token: $CFG_TOKEN/" \
	    "$FIXTURES/manifests/upgrade-v$v.yaml" >"$TEST_DIR/v$v.yaml"
done
is "$(grep -c "$CFG_PW" "$TEST_DIR/v1.yaml")" 1 "the manifest carries the planted password"

# replay_run NAME LATTICE [OPTIONS]: replay v1 -> v2 against a fresh
# simulator; once deploy-old starts, plant a registry.put and a SECRET_
# config through the control interface.
replay_run() {
	local name=$1 l=$2
	shift 2
	start_sim --lattice "$l" --wadm-mode fixed --http --heartbeat 1s --wadm-backoff 1s
	$LT_WRAPPER "$LATTICECTL" -s "$AUTH_URL" -x "$l" --timeout 20s replay \
	    "$TEST_DIR/v1.yaml" "$TEST_DIR/v2.yaml" --yes --settle 2s \
	    --record "$TEST_DIR/$name.ltrec" "$@" \
	    >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err" &
	local pid=$!
	_bg_pids+=("$pid")
	wait_for "$name: deploy-old" 30 grep -q "replay: deploy-old" "$TEST_DIR/$name.err"
	T req "wasmbus.ctl.v1.$l.registry.put" \
	    "{\"ghcr.io\":{\"username\":\"bob\",\"password\":\"$REG_PW\"}}" \
	    >"$TEST_DIR/$name.reg" 2>&1
	T req "wasmbus.ctl.v1.$l.config.put.SECRET_db" "{\"value\":\"$SECRET_VAL\"}" \
	    >"$TEST_DIR/$name.cfg" 2>&1
	# the host's reply to config.get.SECRET_db carries the value, on an
	# inbox subject; a text payload carries a URL with a password
	T req "wasmbus.ctl.v1.$l.config.get.SECRET_db" "" >"$TEST_DIR/$name.get" 2>&1
	printf 'moving to nats://carol:%s@db:4222 now' "$TEXT_URL_PW" |
	    T pub "wadm.cmd.$l" - >/dev/null 2>&1
	wait_pid "$pid" 90
	RC=$WAIT_RC
	kill "$SIM_PID"
	wait "$SIM_PID" 2>/dev/null
}

# render NAME [OPTIONS]: show (text, ndjson) and report (markdown, html)
# of NAME.ltrec into NAME.show, NAME.nd, NAME.md, NAME.html.
render() {
	local name=$1
	shift
	lt show "$TEST_DIR/$name.ltrec" "$@" >"$TEST_DIR/$name.show" 2>&1
	lt show "$TEST_DIR/$name.ltrec" -o ndjson "$@" >"$TEST_DIR/$name.nd" 2>&1
	lt report "$TEST_DIR/$name.ltrec" --format markdown "$@" >"$TEST_DIR/$name.md" 2>&1
	lt report "$TEST_DIR/$name.ltrec" --format html "$@" >"$TEST_DIR/$name.html" 2>&1
	lt report "$TEST_DIR/$name.ltrec" --format ndjson "$@" >"$TEST_DIR/$name.rnd" 2>&1
}

# mask_of FILE JQ: the value JQ selects from the records of FILE.
mask_of() {
	jq -r "$2" "$1" | grep -v '^null$' | head -1
}
CFG_SEL='select(.kind=="ctl.request" and (.subject|test("config.put.rust"))) | .payload.password'
KV_SEL='select(.kind=="kv" and .key=="SECRET_db") | .value'
REG_SEL='select(.kind=="ctl.request" and (.subject|test("registry.put"))) | .payload["ghcr.io"].password'
GET_SEL='select(.kind=="ctl.reply" and (.request_subject // ""|test("config.get.SECRET_db"))) | .payload'
# text_payloads FILE: the base64 payloads of FILE's wadm.cmd records, decoded
text_payloads() {
	jq -r 'select(.kind=="wadm.cmd" and .encoding=="base64") | .payload' "$1" |
	    while read -r b; do printf '%s' "$b" | base64 -d; echo; done
}

# --- replay, default redaction, twice ---
for run in a b; do
	replay_run "r$run" "red$run"
	is "$RC" 0 "replay $run: exit 0"
	F=$TEST_DIR/r$run.ltrec
	like "$(jq -c 'select(.kind=="ctl.request") | .subject' "$F")" 'registry\.put' \
	    "replay $run: the registry.put was recorded"
	render "r$run"
	absent "replay $run: no planted secret in any output, recording or report" $ALL_PLANTS -- \
	    "$TEST_DIR/r$run.out" "$TEST_DIR/r$run.err" "$F" "$TEST_DIR/r$run.show" \
	    "$TEST_DIR/r$run.nd" "$TEST_DIR/r$run.md" "$TEST_DIR/r$run.html" "$TEST_DIR/r$run.rnd"
	is "$(jq -r 'select(.kind=="meta") | .redaction' "$F")" secrets "replay $run: meta records the mode"
	like "$(jq -c 'select(.kind=="meta") | .argv' "$F")" "nats://127.0.0.1" "replay $run: argv keeps the server without user info"
	like "$(mask_of "$F" "$CFG_SEL")" '^<redacted:[0-9a-f]{8}>$' "replay $run: config password masked"
	like "$(mask_of "$F" "$KV_SEL")" '^<redacted:[0-9a-f]{8}>$' "replay $run: SECRET_ KV value masked whole"
	like "$(mask_of "$F" "$REG_SEL")" '^<redacted:[0-9a-f]{8}>$' "replay $run: registry password masked"
	like "$(mask_of "$F" "$GET_SEL")" '^<redacted:[0-9a-f]{8}>$' \
	    "replay $run: the reply to config.get.SECRET_db is masked whole"
	is "$(text_payloads "$F")" "moving to nats://db:4222 now" \
	    "replay $run: a text payload is recorded without the URL's user information"
	like "$(jq -c 'select(.kind=="ctl.request" and (.subject|test("config.put.rust"))) | .payload' "$F" | head -1)" \
	    '"name":"world"' "replay $run: other config values stay"
done
for sel in "$CFG_SEL" "$KV_SEL" "$REG_SEL"; do
	is "$(mask_of "$TEST_DIR/ra.ltrec" "$sel")" "$(mask_of "$TEST_DIR/rb.ltrec" "$sel")" \
	    "masks are stable across runs (${sel##*| })"
done

# --- replay --show-secrets ---
replay_run rs reds --show-secrets
is "$RC" 0 "replay --show-secrets: exit 0"
F=$TEST_DIR/rs.ltrec
is "$(jq -r 'select(.kind=="meta") | .redaction' "$F")" none "meta records redaction none"
present "--show-secrets records the config password" "$CFG_PW" "$F"
present "--show-secrets records the api_token" "$CFG_TOKEN" "$F"
present "--show-secrets records the SECRET_ value" "$SECRET_VAL" "$F"
is "$(text_payloads "$F")" "moving to nats://db:4222 now" \
    "--show-secrets still drops a URL's user information from a text payload"
absent "--show-secrets never records the registry or connection password" "$REG_PW" "$NATS_PW" -- \
    "$F" "$TEST_DIR/rs.out" "$TEST_DIR/rs.err"
render rs
absent "show and report mask a --show-secrets recording by default" $ALL_PLANTS -- \
    "$TEST_DIR/rs.show" "$TEST_DIR/rs.nd" "$TEST_DIR/rs.md" "$TEST_DIR/rs.html" "$TEST_DIR/rs.rnd"
is "$(jq -r 'select(.kind=="meta") | .redaction' "$TEST_DIR/rs.nd")" secrets \
    "show -o ndjson says the records are redacted now"
render rs --show-secrets
present "show --show-secrets reveals the config password" "$CFG_PW" "$TEST_DIR/rs.nd"
present "report --show-secrets reveals it too" "$CFG_PW" "$TEST_DIR/rs.rnd"
absent "but never the registry password" "$REG_PW" -- "$TEST_DIR/rs.nd" "$TEST_DIR/rs.md" \
    "$TEST_DIR/rs.html" "$TEST_DIR/rs.show" "$TEST_DIR/rs.rnd"
lt show "$TEST_DIR/rs.ltrec" -o ndjson --redact-all >"$TEST_DIR/rs.all"
unlike "$(cat "$TEST_DIR/rs.all")" 'http-hello-world' "show --redact-all masks every value (image refs too)"
like "$(jq -r 'select(.kind=="meta") | .redaction' "$TEST_DIR/rs.all")" all "and says so"
exit_code 2 "--show-secrets with --redact-all" lt show "$F" --show-secrets --redact-all
like "$(cat "$TEST_DIR/last.err")" "cannot be combined" "names the conflict"

# --- watch and sub ---
EV=$TEST_DIR/ev.json
printf '{"specversion":"1.0","id":"e1","source":"N1","type":"com.wasmcloud.lattice.custom_thing","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":{"note":"hello","api_token":"%s","annotations":{"db_password":"%s"}}}' \
    "$CFG_TOKEN" "$CFG_PW" >"$EV"
for mode in text ndjson; do
	bg_lt "w$mode" -s "$AUTH_URL" watch -o "$mode" --record "$TEST_DIR/w$mode.ltrec" --count 1
	T pub wasmbus.evt.default.custom_thing "$EV" >/dev/null
	wait_pid "$LAST_PID" 10
	is "$WAIT_RC" 0 "watch -o $mode: exit 0"
	absent "watch -o $mode: no planted secret" $ALL_PLANTS -- "$TEST_DIR/w$mode.out" \
	    "$TEST_DIR/w$mode.err" "$TEST_DIR/w$mode.ltrec"
	like "$(jq -r 'select(.kind=="event") | .event.data.api_token' "$TEST_DIR/w$mode.ltrec")" \
	    '^<redacted:' "watch -o $mode: recorded token masked"
done
like "$(cat "$TEST_DIR/wtext.out")" 'api_token=<redacted:' "watch text shows the mask"
is "$(jq -r 'select(.kind=="event") | .event.data.note' "$TEST_DIR/wndjson.out")" hello \
    "watch ndjson keeps other values"
is "$(jq -r 'select(.kind=="event") | .event.data.api_token' "$TEST_DIR/wndjson.out")" \
    "$(jq -r 'select(.kind=="event") | .event.data.api_token' "$TEST_DIR/wtext.ltrec")" \
    "the same token gets the same mask in stdout and in the recording"
bg_lt wshow -s "$AUTH_URL" watch -o ndjson --count 1 --show-secrets
T pub wasmbus.evt.default.custom_thing "$EV" >/dev/null
wait_pid "$LAST_PID" 10
present "watch --show-secrets shows the token" "$CFG_TOKEN" "$TEST_DIR/wshow.out"

# sub: a registry.put, a config.put with a password and a header token.
sub_run() { # NAME OPTIONS...
	local name=$1
	shift
	bg_lt "$name" -s "$AUTH_URL" sub 'wasmbus.ctl.v1.default.>' --observe-requests \
	    --headers --record "$TEST_DIR/$name.ltrec" --count 2 "$@"
	T pub wasmbus.ctl.v1.default.registry.put - \
	    <<<"{\"ghcr.io\":{\"username\":\"bob\",\"password\":\"$REG_PW\"}}"
	T pub wasmbus.ctl.v1.default.config.put.app --header "Authorization:Bearer $HDR_TOKEN" - \
	    <<<"{\"greeting\":\"hi\",\"password\":\"$CFG_PW\"}"
	wait_pid "$LAST_PID" 10
}
sub_run s1
is "$WAIT_RC" 0 "sub: exit 0"
absent "sub: no planted secret" $ALL_PLANTS -- "$TEST_DIR/s1.out" "$TEST_DIR/s1.err" "$TEST_DIR/s1.ltrec"
like "$(cat "$TEST_DIR/s1.out")" '"greeting":"hi"' "sub: other config values stay"
like "$(cat "$TEST_DIR/s1.out")" 'Authorization: <redacted:' "sub: a secret header is masked"
sub_run s2 --show-secrets
present "sub --show-secrets shows the config password" "$CFG_PW" "$TEST_DIR/s2.out"
absent "sub --show-secrets still masks the registry password" "$REG_PW" "$NATS_PW" -- \
    "$TEST_DIR/s2.out" "$TEST_DIR/s2.ltrec"

# sub prints what it records: one redaction per message for the screen,
# stdout and the recording. (a) headers: a secret name, a URL with user
# information, and under --redact-all every value.
screen_headers() { sed -n 's/^    \([^:]*\): /\1=/p' "$1" | sort; }
rec_headers() { jq -r 'select(.headers) | .headers | to_entries[] | "\(.key)=\(.value)"' "$1" | sort; }
screen_payload() { sed -n 's/^[0-9:.]*  [^ ]*  //p' "$1" | head -1; }
for mode in secrets all; do
	opt=; [ "$mode" = all ] && opt=--redact-all
	bg_lt "h$mode" -s "$AUTH_URL" sub 'demo5300.>' --headers --count 1 \
	    --record "$TEST_DIR/h$mode.ltrec" $opt
	T pub demo5300.cfg --header "Authorization:Bearer $HDR_TOKEN" --header 'Trace:abc' \
	    --header "Upstream:nats://bob:$HDR_URL_PW@h:4222" - \
	    <<<"{\"greeting\":\"hi\",\"password\":\"$CFG_PW\"}" >/dev/null
	wait_pid "$LAST_PID" 10
	is "$WAIT_RC" 0 "sub --headers ($mode): exit 0"
	absent "sub --headers ($mode): no planted secret" $ALL_PLANTS "$HDR_URL_PW" -- \
	    "$TEST_DIR/h$mode.out" "$TEST_DIR/h$mode.err" "$TEST_DIR/h$mode.ltrec"
	like "$(rec_headers "$TEST_DIR/h$mode.ltrec" | tr '\n' ' ')" \
	    '^Authorization=<redacted:[0-9a-f]{8}> .*Upstream=' "sub --headers ($mode): headers recorded"
	is "$(screen_headers "$TEST_DIR/h$mode.out")" "$(rec_headers "$TEST_DIR/h$mode.ltrec")" \
	    "sub --headers ($mode): the screen shows the headers as recorded"
	is "$(screen_payload "$TEST_DIR/h$mode.out")" \
	    "$(jq -c 'select(.kind=="msg") | .payload' "$TEST_DIR/h$mode.ltrec")" \
	    "sub --headers ($mode): and the payload as recorded"
done
like "$(screen_headers "$TEST_DIR/hsecrets.out" | tr '\n' ' ')" 'Trace=abc Upstream=nats://h:4222' \
    "other headers stay, URLs lose their user information"
like "$(screen_headers "$TEST_DIR/hall.out" | tr '\n' ' ')" 'Trace=<redacted:[0-9a-f]{8}> ' \
    "--redact-all masks every header value"

# (b) a reply to config.get.SECRET_x arrives on an _INBOX subject: it is
# the secret's value, masked whole like its request, on the screen, on
# stdout and in the recording alike.
bg "$LT_HELPER" -s "$AUTH_URL" responder 'wasmbus.ctl.v1.default.config.get.>' - \
    "{\"success\":true,\"message\":\"\",\"response\":{\"value\":\"$SECRET_VAL\"}}" \
    >"$TEST_DIR/cresp.out"
RESP_PID=$LAST_PID
wait_for "config responder" 10 grep -q ready "$TEST_DIR/cresp.out"
for fmt in text ndjson; do
	bg_lt "g$fmt" -s "$AUTH_URL" sub 'wasmbus.ctl.v1.default.config.get.>' \
	    --observe-requests --match-replies --count 2 -o "$fmt" \
	    --record "$TEST_DIR/g$fmt.ltrec"
	T req wasmbus.ctl.v1.default.config.get.SECRET_api >"$TEST_DIR/g$fmt.req"
	wait_pid "$LAST_PID" 10
	is "$WAIT_RC" 0 "sub a secret config.get ($fmt): exit 0"
	present "the requester got the secret" "$SECRET_VAL" "$TEST_DIR/g$fmt.req"
	absent "sub a secret config.get ($fmt): no planted secret" $ALL_PLANTS -- \
	    "$TEST_DIR/g$fmt.out" "$TEST_DIR/g$fmt.err" "$TEST_DIR/g$fmt.ltrec"
	like "$(jq -r 'select(.kind=="ctl.reply") | .payload' "$TEST_DIR/g$fmt.ltrec")" \
	    '^<redacted:[0-9a-f]{8}>$' "sub a secret config.get ($fmt): the reply is recorded masked whole"
done
is "$(sed -n 's/^[0-9:.]*  rep #1  [^ ]*  [^ ]*  //p' "$TEST_DIR/gtext.out")" \
    "$(jq -r 'select(.kind=="ctl.reply") | .payload' "$TEST_DIR/gtext.ltrec")" \
    "the screen shows the reply as recorded"
is "$(sed -n 's/^[0-9:.]*  req #1  [^ ]*  //p' "$TEST_DIR/gtext.out")" \
    "$(jq -r 'select(.kind=="ctl.request") | .payload' "$TEST_DIR/gtext.ltrec")" \
    "the empty request too (masked alike)"
is "$(jq -r 'select(.kind=="ctl.reply") | .payload' "$TEST_DIR/gndjson.out")" \
    "$(jq -r 'select(.kind=="ctl.reply") | .payload' "$TEST_DIR/gtext.ltrec")" \
    "stdout (ndjson) and the recording agree"
lt show "$TEST_DIR/gtext.ltrec" -o ndjson >"$TEST_DIR/gtext.show" 2>&1
is "$(jq -r 'select(.kind=="ctl.reply") | .payload' "$TEST_DIR/gtext.show")" \
    "$(jq -r 'select(.kind=="ctl.reply") | .payload' "$TEST_DIR/gtext.ltrec")" \
    "show reads the same mask back"
kill "$RESP_PID"

# (c) secrets member names do not show: a non-JSON message on a secrets
# backend's subject (masked whole), a connection string, a URL query, JSON
# held in a string, a {"name","value"} setting and a passphrase.
VAL_PW=PlantValuePw5300
bg_lt vs -s "$AUTH_URL" sub 'wasmcloud.secrets.>' 'demo5300v.>' --observe-requests --count 2 \
    --record "$TEST_DIR/vs.ltrec"
printf '\001\002enc:%s' "$VAL_PW" | T pub wasmcloud.secrets.v1alpha1.vault.get - >/dev/null
T pub demo5300v.cfg - >/dev/null <<JSON
{"conn":"Server=db;User Id=u;Password=$VAL_PW;","url":"https://h/x?a=1&token=$VAL_PW",
 "config":"{\"db\":{\"password\":\"$VAL_PW\"}}","env":[{"name":"DB_PASSWORD","value":"$VAL_PW"}],
 "passphrase":"$VAL_PW","keep":"Server=db;User Id=u"}
JSON
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "sub of secret-looking values: exit 0"
lt show "$TEST_DIR/vs.ltrec" >"$TEST_DIR/vs.show" 2>&1
absent "no secret in values on the screen, in the recording or in show" "$VAL_PW" -- \
    "$TEST_DIR/vs.out" "$TEST_DIR/vs.err" "$TEST_DIR/vs.ltrec" "$TEST_DIR/vs.show"
like "$(jq -r 'select(.subject == "wasmcloud.secrets.v1alpha1.vault.get") | .payload' "$TEST_DIR/vs.ltrec")" \
    '^<redacted:[0-9a-f]{8}>$' "a non-JSON secrets message is recorded masked whole"
is "$(jq -r 'select(.subject == "demo5300v.cfg") | .payload | [.keep, (.config | fromjson | .db.password | test("^<redacted:")), (.conn | test("Password=<redacted:[0-9a-f]{8}>;$"))] | join(" ")' "$TEST_DIR/vs.ltrec")" \
    "Server=db;User Id=u true true" "the rest stays, nested JSON stays JSON"

# --- the mask key: masks are HMACs under a key of this user's ---
KEY=$XDG_STATE_HOME/latticectl/mask-key
is "$(stat -c '%a %s %F' "$KEY")" "600 32 regular file" "the mask key: 32 bytes, mode 600"
# key_mask [ENV...]: the config password's mask as show prints it.
key_mask() {
	env "$@" "$LATTICECTL" show "$TEST_DIR/rs.ltrec" -o ndjson 2>"$TEST_DIR/key.err" |
	    jq -r "$CFG_SEL" | grep -v '^null$' | head -1
}
M1=$(key_mask)
is "$M1" "$(mask_of "$TEST_DIR/ra.ltrec" "$CFG_SEL")" "show masks with the key the recording used"
M2=$(key_mask XDG_STATE_HOME="$TEST_DIR/state2")
like "$M2" '^<redacted:[0-9a-f]{8}>$' "another user's key: still a mask"
isnt_mask=$([ "$M1" != "$M2" ] && echo 0 || echo 1)
ok "$isnt_mask" "but another mask ($M1, $M2)"
is "$(stat -c '%a %s' "$TEST_DIR/state2/latticectl/mask-key")" "600 32" "that key made 0600 too"
is "$(key_mask XDG_STATE_HOME="$TEST_DIR/state2")" "$M2" "and kept"
chmod 644 "$TEST_DIR/state2/latticectl/mask-key"
M3=$(key_mask XDG_STATE_HOME="$TEST_DIR/state2")
like "$(cat "$TEST_DIR/key.err")" "^latticectl: warning: mask key '.*state2/latticectl/mask-key': readable by others" \
    "a key others can read is not used, and said so"
is "$(grep -c "warning: mask key" "$TEST_DIR/key.err")" 1 "once"
ok "$([ "$M3" != "$M2" ] && [ -n "$M3" ] && echo 0 || echo 1)" "that run masks with a key of its own"
mkdir -p "$TEST_DIR/state3/latticectl"
ln -s "$KEY" "$TEST_DIR/state3/latticectl/mask-key"
M4=$(key_mask XDG_STATE_HOME="$TEST_DIR/state3")
like "$(cat "$TEST_DIR/key.err")" "mask key .*: Too many levels of symbolic links" "a symlinked key is not followed"
ok "$([ "$M4" != "$M1" ] && echo 0 || echo 1)" "nor used"
M5=$(key_mask -u HOME -u XDG_STATE_HOME)
like "$(cat "$TEST_DIR/key.err")" "mask key 'mask-key': no \\\$XDG_STATE_HOME or \\\$HOME" "no home: said so"
like "$M5" '^<redacted:[0-9a-f]{8}>$' "and masked all the same"

# A wrong password: the error names the server without the password.
exit_code 3 "bad password" lt -s "nats://bob:WrongPw5300@${AUTH_URL#*@}" --timeout 2s watch --count 1
absent "the connect error hides the password" WrongPw5300 -- "$TEST_DIR/last.err"

done_testing
