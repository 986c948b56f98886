#!/usr/bin/env bash
# t1000-config: natscli contexts (read, never written), environment and
# flags with their precedence, against a real nats-server that wants a
# user and password; config show --sources never prints a secret.
. "$LT_SRCDIR/tests/lib/lib.sh"

start_nats n1 -m -1 --user ops --pass 'ctx-s3cret'
url=$NATS_URL
unset NATS_URL
ctxdir=$XDG_CONFIG_HOME/nats/context
mkdir -p "$ctxdir"
printf '{"url":"%s","user":"ops","password":"ctx-s3cret","description":"lab"}\n' "$url" >"$ctxdir/lab.json"
printf '{"url":"nats://127.0.0.1:1","user":"ops","password":"ctx-s3cret"}\n' >"$ctxdir/dead.json"
echo lab >"$XDG_CONFIG_HOME/nats/context.txt"
before=$(cd "$XDG_CONFIG_HOME" && find . -type f -exec md5sum {} + | sort)

# One event through a watch that got everything from the selected context.
bg_lt ctx watch --count 1
"$LT_HELPER" -s "nats://ops:ctx-s3cret@${url#nats://}" pub \
    wasmbus.evt.default.config_set "$FIXTURES/events/config_set.json" >/dev/null
wait_pid "$LAST_PID" 10
is "$WAIT_RC" 0 "context.txt selects the context: URL, user and password"
like "$(cat "$TEST_DIR/ctx.out")" "config_set" "the event arrived"

out=$(lt config show --sources)
like "$out" "server +${url//./\\.} +context \(.*lab\.json\)" "server from the context file, named"
like "$out" "context +lab +context \(context\.txt\)" "the context's own source"
like "$out" "password +\(set\) +context" "the password's source is shown"
unlike "$out$(lt config show --sources -o json)" "ctx-s3cret" "the password never is"
out=$(lt -s nats://u:pw999@127.0.0.1:4222 config show; lt -s nats://u:pw999@127.0.0.1:4222 config show -o json)
unlike "$out" "pw999|u:" "a password in the server URL never shows (text and json)"
like "$out" "server +nats://127\.0\.0\.1:4222" "the URL shows without it"

# Precedence: flag > environment > context > default.
like "$(lt --context dead config show --sources)" "server +nats://127\.0\.0\.1:1 +context" "--context picks another"
like "$(NATS_CONTEXT=dead lt config show --sources)" "server +nats://127\.0\.0\.1:1 " "NATS_CONTEXT picks another"
like "$(NATS_URL=nats://10.1.1.1:4222 lt config show --sources)" "server +nats://10\.1\.1\.1:4222 +env \(NATS_URL\)" "env beats context"
like "$(NATS_URL=nats://10.1.1.1:4222 lt -s nats://10.2.2.2:4222 config show --sources)" \
    "server +nats://10\.2\.2\.2:4222 +flag" "flag beats env"
like "$(WASMCLOUD_CTL_HOST=10.3.3.3 WASMCLOUD_CTL_PORT=4333 lt --no-context config show --sources)" \
    "server +nats://10\.3\.3\.3:4333 +env \(WASMCLOUD_CTL_HOST/PORT\)" "wash's variables"
like "$(WASMCLOUD_LATTICE=blue lt config show --sources)" "lattice +blue +env \(WASMCLOUD_LATTICE\)" "WASMCLOUD_LATTICE"
like "$(WASMCLOUD_LATTICE=blue lt config show --sources -x green)" "lattice +green +flag" "-x beats WASMCLOUD_LATTICE"
like "$(lt --no-context config show --sources)" "server +nats://127\.0\.0\.1:4222 +default" "--no-context ignores them"
for out in "$(lt --no-context config show --sources)" \
    "$(lt --context dead --no-context config show --sources)" \
    "$(NATS_CONTEXT=dead lt --no-context config show --sources)"; do
	like "$out" "context +- +flag \(--no-context\)" "--no-context: no context in use, and why"
	unlike "$out" "lab|dead|context\.txt" "--no-context: no context named"
done
is "$(lt --no-context config show -o json | jq -c .context)" \
    '{"value":null,"source":"flag","from":"--no-context"}' "--no-context in -o json"

# The context's credentials are used; without them the server says no.
exit_code 3 "--no-context: no credentials" lt --no-context -s "$url" --timeout 2s watch --count 1
like "$(cat "$TEST_DIR/last.err")" "Authorization Violation" "the server's reason"
unlike "$(cat "$TEST_DIR/last.err")" "ctx-s3cret" "and no secret"
exit_code 3 "flag password beats the context's" lt --password wrong --timeout 2s watch --count 1
exit_code 3 "a dead context's server" lt --context dead --timeout 1s watch --count 1

# Bad contexts are usage errors naming the file.
printf '{bad' >"$ctxdir/broken.json"
exit_code 2 "damaged context file" lt --context broken config show
like "$(cat "$TEST_DIR/last.err")" "broken\.json' is not a JSON object" "names the file"
exit_code 2 "missing context" lt --context nope config show
like "$(cat "$TEST_DIR/last.err")" "context 'nope': cannot read" "names the context"
exit_code 2 "context name with a slash" lt --context ../x config show
rm "$ctxdir/broken.json"

# The connection is named for /connz, and contexts were never written.
bg_lt named watch --idle 30s
like "$(curl -s "$NATS_MON_URL/connz")" '"name": *"latticectl/[0-9.]+ watch"' "connection named latticectl/<version> watch"
stop_pid "$LAST_PID"
is "$(cd "$XDG_CONFIG_HOME" && find . -type f -exec md5sum {} + | sort)" "$before" "context files untouched"
done_testing
