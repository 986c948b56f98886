#!/usr/bin/env bash
# t7250-completion-values: live values in the bash, zsh and fish scripts
# ('latticectl __complete args'): host ids and friendly names, app names,
# component ids, config names, KV buckets and keys from latticesim over a
# real nats-server; natscli context names; event types; --for KIND/ID.
# Hostile names (host ids, friendly names, app names, KV keys holding
# spaces, quotes, newlines, shell metacharacters, escape sequences) are
# never offered and nothing runs; secrets never appear; a server that
# accepts and never answers, or a ping nobody answers, ends quietly.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"
. "$LT_SRCDIR/tests/integration/lib-comp.sh"

# A loaded machine may answer slower than a second; the default is
# checked with the mute server below.
export LATTICECTL_COMPLETE_TIMEOUT=5s
start_nats
start_sim --hosts 1
mkdir -p "$TEST_DIR/cwd"
cd "$TEST_DIR/cwd" || exit 1
S=(-s "$NATS_URL")
host=$(host_ids default | head -1)
name=$(lt "${S[@]}" hosts -o json | python3 -c 'import sys,json
print(json.load(sys.stdin)["hosts"][0]["friendly_name"])')
like "$name" "^[a-z]+-[a-z]+-[0-9]+$" "the simulator's host has a friendly name"

# Hosts: ids and friendly names, for inventory and --for host/.
is "$(bcomp latticectl "${S[@]}" inventory '')" "$(printf '%s\n' "$host" "$name" | sort)" \
    "bash: inventory offers the host id and friendly name"
is "$(bcomp latticectl "${S[@]}" inventory "${name:0:3}")" "$name" "bash: by prefix"
is "$(bcomp latticectl "${S[@]}" watch --for host/)" "$(printf 'host/%s\n' "$host" "$name" | sort)" \
    "bash: --for host/ offers host/ID and host/NAME"
is "$(bcomp latticectl "${S[@]}" watch --for h)" "host/" "bash: --for kind stem"
is "$(bcomp latticectl "${S[@]}" watch --for '' | tr '\n' ' ')" \
    "app/ component/ config/ host/ provider/ " "bash: --for kinds"
is "$(bcomp latticectl "${S[@]}" watch --for = "host/${name:0:3}")" "host/$name" \
    "bash: --for=VALUE as bash splits it without bash-completion"
is "$(bcomp latticectl "${S[@]}" watch "--for=host/${name:0:3}")" "--for=host/$name" \
    "bash: --for=VALUE as one word"
is "$(bcomp latticectl "${S[@]}" -x other inventory '')" "" \
    "bash: -x typed on the line names the lattice asked"

# Apps (wadm model.get) and the component ids of their inventories.
like "$(T req wadm.api.default.model.put "@$FIXTURES/manifests/upgrade-v1.yaml")" \
    '"result":"created"' "put an app"
is "$(bcomp latticectl "${S[@]}" watch --for app/)" "app/rust-hello-world" "bash: --for app/ offers app names"
like "$(T req wadm.api.default.model.deploy.rust-hello-world)" '"result":"acknowledged"' "deploy it"
comp_running() { lt "${S[@]}" inventory -o json | grep -q rust_hello_world-http_component; }
wait_for "component running" 20 comp_running
like "$(bcomp latticectl "${S[@]}" watch --for component/)" "^component/rust_hello_world-http_component$" \
    "bash: --for component/ offers running component ids"

# Configs, buckets and keys (JetStream KV, keys only: no value is read).
T kv-put CONFIGDATA_default cfg-one '{"password":"KvSecret7250"}' >/dev/null
is "$(bcomp latticectl "${S[@]}" watch --for config/cfg)" "config/cfg-one" "bash: --for config/ offers config names"
is "$(bcomp latticectl "${S[@]}" kv get cfg)" "cfg-one" "bash: kv get offers CONFIGDATA keys"
like "$(bcomp latticectl "${S[@]}" kv ls '')" "^CONFIGDATA_default$" "bash: kv ls offers bucket names"
is "$(bcomp latticectl "${S[@]}" kv get --bucket CONFIGD)" "CONFIGDATA_default" "bash: --bucket offers bucket names"
T kv-create KVEVIL >/dev/null
T kv-put KVEVIL good.key '{"token":"KvSecret7250"}' >/dev/null

# Hostile names. KV keys are subjects: published raw, they may hold
# anything but blanks.
echo '{}' >"$TEST_DIR/v"
for k in 'a$(touch${IFS}PWN1)' 'b`touch${IFS}PWN2`' 'c;touch${IFS}PWN3' 'q"uote' \
    "s'q" $'esc\e]0;pwned\a' 'glob*' '{x,y}' '~root' 'p|q' '-rf'; do
	T pub "\$KV.KVEVIL.$k" "$TEST_DIR/v" >/dev/null
done
is "$(lt "${S[@]}" kv ls KVEVIL -o json | python3 -c 'import sys,json
print(len(json.load(sys.stdin)["keys"]))')" "12" "the bucket holds the hostile keys"
is "$(bcomp latticectl "${S[@]}" kv get --bucket KVEVIL '')" "good.key" \
    "bash: only the plain key is offered"
# Hosts and wadm of lattice 'evil' are responders that say what they like.
evil=('$(touch PWN4)' '`touch PWN5`' 'x;touch PWN6' 'two words' $'new\nline' \
    $'\e[31mred' 'q"q' "s'q" '*' '-rf' '~root' '{a,b}' 'a|b' 'a&b' 'a>b')
python3 - "$TEST_DIR" "${evil[@]}" <<'PY'
import json, sys
d, names = sys.argv[1], sys.argv[2:]
def host(i, hid, fname):
    r = {"id": hid, "friendly_name": fname, "version": "1.8.0",
         "lattice": "evil", "labels": {}, "uptime_seconds": 1,
         "uptime_human": "1s"}
    with open(f"{d}/host{i}.json", "w") as f:
        json.dump({"success": True, "message": "", "response": r}, f)
host(0, "NGOODHOSTAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "good-host-7250")
for i, n in enumerate(names[:6], 1):
    host(i, n, names[-i])
models = [{"name": n} for n in names] + [{"name": "good_app"}]
with open(f"{d}/models.json", "w") as f:
    json.dump({"result": "success", "message": "", "models": models}, f)
PY
for i in 0 1 2 3 4 5 6; do
	bg "$LT_HELPER" -s "$NATS_URL" responder wasmbus.ctl.v1.evil.host.ping - \
	    "@$TEST_DIR/host$i.json" >"$TEST_DIR/resp$i.out"
	wait_for "responder $i" 10 grep -q ready "$TEST_DIR/resp$i.out"
done
bg "$LT_HELPER" -s "$NATS_URL" responder wadm.api.evil.model.get - \
    "@$TEST_DIR/models.json" >"$TEST_DIR/respw.out"
wait_for "wadm responder" 10 grep -q ready "$TEST_DIR/respw.out"
is "$(T gather wasmbus.ctl.v1.evil.host.ping --timeout 1s | wc -l)" "7" "seven hosts answer in lattice evil"
good_host=$(printf '%s\n' NGOODHOSTAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA good-host-7250 | sort)
# settle NAME WANT CMD...: run CMD until it prints WANT (a ping ends 300ms
# after the last reply, and a busy responder may answer later; deadline
# 30s), then print every line any run printed: nothing else was offered.
settle() {
	local name=$1 want=$2
	shift 2
	: >"$TEST_DIR/$name.all"
	wait_for "$name" 30 settle_once "$name" "$want" "$@"
	sed '/^$/d' "$TEST_DIR/$name.all" | sort -u
}
settle_once() {
	local name=$1 want=$2 out
	shift 2
	out=$("$@")
	printf '%s\n' "$out" >>"$TEST_DIR/$name.all"
	[ "$out" = "$want" ]
}
is "$(settle c "$good_host" lt __complete args -- "${S[@]}" -x evil inventory '')" "$good_host" \
    "__complete: of seven hosts, only the plain ids and names"
is "$(settle b "$good_host" bcomp latticectl "${S[@]}" -x evil inventory '')" "$good_host" "bash: the same"
is "$(bcomp latticectl "${S[@]}" -x evil watch --for app/)" "app/good_app" "bash: only the plain app name"
is "$(bcomp latticectl "${S[@]}" -x evil watch --for app/'$(')" "" "bash: a hostile prefix finds nothing"
if command -v zsh >/dev/null; then
	is "$(settle z "$good_host" zcomp latticectl "${S[@]}" -x evil inventory '')" "$good_host" \
	    "zsh: only the plain host names"
	is "$(zcomp latticectl "${S[@]}" kv get --bucket KVEVIL '')" "good.key" "zsh: only the plain key"
	is "$(zcomp latticectl "${S[@]}" watch --for app/)" "app/rust-hello-world" "zsh: app names"
	is "$(zcomp latticectl "${S[@]}" inventory "${name:0:3}")" "$name" "zsh: a friendly name"
else
	echo "ok $((tap_n += 1)) - zsh # SKIP zsh not installed"
fi
if command -v fish >/dev/null; then
	is "$(settle f "$good_host" fcomp "latticectl -s $NATS_URL -x evil inventory ")" "$good_host" \
	    "fish: only the plain host names"
	is "$(fcomp "latticectl -s $NATS_URL kv get --bucket KVEVIL ")" "good.key" "fish: only the plain key"
	is "$(fcomp "latticectl -s $NATS_URL watch --for=app/")" "--for=app/rust-hello-world" "fish: --for=app/NAME"
	is "$(fcomp "latticectl -s $NATS_URL inventory ${name:0:3}")" "$name" "fish: a friendly name"
else
	echo "ok $((tap_n += 1)) - fish # SKIP fish not installed"
fi
is "$(ls "$TEST_DIR/cwd")" "" "no hostile name ran anything (no PWN file)"

# The scripts themselves never expand what they are given: a stand-in
# binary that offers hostile words gets them back as they are.
mkdir -p "$TEST_DIR/fake"
cat >"$TEST_DIR/fake/latticectl" <<'SH'
#!/bin/sh
[ "$2" = args ] && printf '%s\n' '$(touch PWN8)' '`touch PWN9`' 'a;touch PWN10' '*' '{a,b}'
exit 0
SH
chmod +x "$TEST_DIR/fake/latticectl"
hostile=$(printf '%s\n' '$(touch PWN8)' '`touch PWN9`' 'a;touch PWN10' '*' '{a,b}' | sort)
is "$(COMP_BIN=$TEST_DIR/fake bcomp latticectl inventory '')" "$hostile" "bash script: words kept as given"
if command -v zsh >/dev/null; then
	is "$(COMP_BIN=$TEST_DIR/fake zcomp latticectl inventory '')" "$hostile" "zsh script: words kept as given"
fi
if command -v fish >/dev/null; then
	is "$(COMP_BIN=$TEST_DIR/fake fcomp 'latticectl inventory ')" "$hostile" "fish script: words kept as given"
fi
is "$(ls "$TEST_DIR/cwd")" "" "and nothing ran (no PWN file)"

# Contexts: names of the natscli context files, plain ones only; the
# context typed is read for the connection; its secrets never show.
CTX=$XDG_CONFIG_HOME/nats/context
mkdir -p "$CTX"
printf '{"url":"%s","password":"CtxSecret7250"}\n' "$NATS_URL" >"$CTX/prod.json"
echo '{}' >"$CTX/staging.json"
for n in 'two words' 'x;y' '$(touch PWN7)' $'nl\nx'; do echo '{}' >"$CTX/$n.json"; done
is "$(bcomp latticectl --context '' | tr '\n' ' ')" "prod staging " "bash: --context offers plain context names"
is "$(bcomp latticectl --context p)" "prod" "bash: --context by prefix (no command names)"
is "$(bcomp latticectl --context prod inventory "${name:0:3}")" "$name" \
    "bash: the context typed gives the server"
all=$(for w in '' p; do lt __complete args -- "${S[@]}" --password "$w"; done)
is "$all" "" "--password offers nothing"
all=$(bcomp latticectl "${S[@]}" kv get --bucket KVEVIL ''; bcomp latticectl "${S[@]}" kv get '';
    bcomp latticectl --context ''; bcomp latticectl --context prod watch --for config/)
unlike "$all" "KvSecret7250|CtxSecret7250" "no secret value among the completions"

# Static values: event types, comma lists, files where files are taken.
is "$(bcomp latticectl watch --type component_sc | tr '\n' ' ')" \
    "component_scale_failed component_scaled " "bash: --type offers event types"
is "$(bcomp latticectl watch --type 'config_set,!host_h')" 'config_set,!host_heartbeat' \
    "bash: --type completes the last element of a list"
is "$(bcomp latticectl watch --until linkdef_set_)" "linkdef_set_failed" "bash: --until offers types"
touch rec.ndjson
is "$(bcomp latticectl show r)" "rec.ndjson" "bash: show takes file names"
if command -v fish >/dev/null; then
	is "$(fcomp 'latticectl show r')" "rec.ndjson" "fish: show takes file names"
	is "$(fcomp 'latticectl hosts r')" "" "fish: hosts takes none"
fi
is "$(bcomp latticectl help vers)" "version" "bash: help takes command names"
is "$(bcomp latticectl help kv sn)" "snapshot" "bash: and then a group's subcommands"
is "$(bcomp latticectl hosts '')" "" "bash: no file names for a command without arguments"
is "$(bcomp latticectl "${S[@]}" watch --count '')" "" "bash: nor for an option's free value"
rm rec.ndjson

# Never a hang: a server that accepts and never speaks, a ping that nobody
# answers (a plain subscriber), an unreachable server. Each ends by itself
# with nothing offered and no file names.
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8)
print(s.getsockname()[1], flush=True)
c=[]
while True: c.append(s.accept())' >"$TEST_DIR/mute.port" &
_bg_pids+=($!)
wait_for "mute listener" 10 test -s "$TEST_DIR/mute.port"
mute=nats://127.0.0.1:$(cat "$TEST_DIR/mute.port")
unset LATTICECTL_COMPLETE_TIMEOUT	# the default bound from here on
out=$(timeout 30 "$LATTICECTL" __complete args -- -s "$mute" inventory '' 2>&1)
is "$?:$out" "0:" "a server that never speaks: nothing, exit 0, before the test's deadline"
is "$(timeout 30 bash -c "$(declare -f bcomp); COMP=$COMP COMP_BIN=$COMP_BIN bcomp latticectl -s $mute kv get ''")" "" \
    "bash: the same, no file names"
bg "$LT_HELPER" -s "$NATS_URL" sub wasmbus.ctl.v1.mute.host.ping --count 0 --timeout 600s \
    >/dev/null 2>"$TEST_DIR/mutesub.err"
wait_for "silent ping subscriber" 10 grep -q subscribed "$TEST_DIR/mutesub.err"
out=$(timeout 30 "$LATTICECTL" __complete args -- "${S[@]}" -x mute inventory '' 2>&1)
is "$?:$out" "0:" "a ping nobody answers: nothing, exit 0"
out=$(timeout 30 "$LATTICECTL" __complete args -- -s nats://127.0.0.1:1 watch --for host/ 2>&1)
is "$?:$out" "0:" "an unreachable server: nothing, exit 0"

done_testing
