#!/usr/bin/env bash
# t7000-shell: 'latticectl shell' under tmux against a real nats-server:
# commands through lt_dispatch, ^C stops the command not the shell, history
# file (0600, persists, no secrets), tab completion, connection options
# refused, config show shows the session's settings, a nested shell is
# refused, ^R searches the history, 'clear', ^D exits.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
export LATTICECTL_COMPLETE_TIMEOUT=5s	# live names on a loaded machine
start_nats

SOCK=$TEST_DIR/tmux.sock
T() { "$LT_HELPER" -s "$NATS_URL" "$@"; }
tm() { tmux -S "$SOCK" "$@"; }
SESS=
pane() { tm capture-pane -p -t "$SESS" -S -200; }
pane_has() { pane | grep -Eq -- "$1"; }
# Lines that are a prompt (idle or with a typed command) so far.
prompts() { pane | grep -c '^latticectl>'; }
prompts_at_least() { [ "$(prompts)" -ge "$1" ]; }
trap 'tm kill-server 2>/dev/null; _cleanup' EXIT

# start_shell: a shell in a fresh tmux session; its status goes to rc file.
# The old session is killed only once the new one exists: killing the last
# session first makes the tmux server exit while new-session may already be
# talking to it ("server exited unexpectedly").
start_shell() {
	local old=$SESS
	rm -f "$TEST_DIR/shell.rc"
	SESS=lt$((${old#lt} + 1))
	tm new-session -d -s "$SESS" -x 200 -y 60 \
	    "env XDG_STATE_HOME='$XDG_STATE_HOME' HOME='$HOME' NO_COLOR=1 \
	    '$LATTICECTL' -s '$NATS_URL' shell; echo \$? > '$TEST_DIR/shell.rc'; sleep 600"
	[ -z "$old" ] || tm kill-session -t "$old" 2>/dev/null
	wait_for "prompt" 10 prompts_at_least 1
}

start_shell
ok $? "prompt appears"

# A streaming command runs through the shell and returns to the prompt.
tm send-keys -t "$SESS" "watch -v --count 2" Enter
wait_for "watch subscribed" 10 pane_has "subscribed"
ok $? "watch subscribes inside the shell"
T pub-events "$FIXTURES/events/host_heartbeat.json" --count 2 >/dev/null
wait_for "second prompt" 10 prompts_at_least 2
ok $? "watch --count 2 ends after two events"
like "$(pane)" "host_heartbeat" "events are printed"

# ^C stops the running command, not the shell.
tm send-keys -t "$SESS" "watch -v" Enter
wait_for "second watch subscribed" 10 eval '[ "$(pane | grep -c subscribed)" -ge 2 ]'
tm send-keys -t "$SESS" C-c
wait_for "prompt after ^C" 10 prompts_at_least 3
ok $? "^C ends watch and returns to the prompt"
tm send-keys -t "$SESS" "version" Enter
wait_for "version output" 10 pane_has "^latticectl [0-9.]+ \(nats.c"
ok $? "the shell still runs commands after ^C"

# ^C at the prompt clears the line.
tm send-keys -t "$SESS" "hosts --bogus" C-c
tm send-keys -t "$SESS" "version" Enter
wait_for "version again" 10 eval '[ "$(pane | grep -c "^latticectl [0-9]")" -ge 2 ]'
unlike "$(pane)" "bogus'" "^C at the prompt discards the line"

# Tab completion: command, option, enum value, subcommand.
# tab TYPED LINE DESC: Tab after TYPED on a cleared line leaves LINE (a
# regex; tmux drops the blank after a completed word) at the prompt.
tab() {
	tm send-keys -t "$SESS" C-c "$1" Tab
	wait_for "$3" 10 pane_has "^latticectl> $2$"
	ok $? "$3"
}
tab "vers" "version" "completes a command name"
tab "watch --cou" "watch --count" "completes an option"
tab "watch -o nd" "watch -o ndjson" "completes an enum value"
tab "config s" "config show" "completes a subcommand"
tm send-keys -t "$SESS" C-c

# A live value: host ids from a ping on the shell's connection.
start_sim
host=$(host_ids default | head -1)
like "$host" "^N" "the simulator's hosts answer ping"
tab "inventory ${host%?}" "inventory $host" "completes a live host id"

# Live kv values: bucket names and a bucket's keys.
"$LT_HELPER" kv-create KVCOMPLETE_x >/dev/null
"$LT_HELPER" kv-put KVCOMPLETE_x hello-custom_config '{}' >/dev/null
tab "kv ls KVCOMP" "kv ls KVCOMPLETE_x" "completes a bucket name"
tab "kv get --bucket KVCOMPLETE_x hello-c" \
    "kv get --bucket KVCOMPLETE_x hello-custom_config" "completes a key of the bucket given"
tab "watch --for host/${host%?}" "watch --for host/$host" "completes --for host/ID"
tm send-keys -t "$SESS" C-c "watch --for ho" Tab "Z"
wait_for "--for kind completed" 10 pane_has "^latticectl> watch --for host/Z$"
ok $? "completes a --for kind, with no space after it"
tab "watch --type config_set,component_scale_f" \
    "watch --type config_set,component_scale_failed" "completes the last event type of a list"
tm send-keys -t "$SESS" C-c

# Connection options are refused in one line that names the option but
# not its value (the connection is the shell's), and such lines are not
# kept; secrets in other lines are masked in the history.
SH_PW=PlantShellPw7000
refusals() { [ "$(pane | grep -c "sets up the connection")" -ge "$1" ]; }
n=0
for l in "hosts --password $SH_PW" "-s nats://u:$SH_PW@127.0.0.1:1 hosts" \
    "watch --token=$SH_PW" "-vsnats://$SH_PW@h hosts" "kv ls --user u" \
    "inventory --creds /c" "inventory --nkey /k" "hosts --context c" "--server x hosts" \
    "hosts --pasword $SH_PW"; do
	tm send-keys -t "$SESS" -- "$l" Enter
	n=$((n + 1))
	wait_for "refusal $n" 10 refusals $n
done
ok $? "each line with a connection option is refused"
like "$(pane | grep 'sets up the connection' | head -1)" \
    "^latticectl: shell: --password sets up the connection, which the shell opened at start: line not run" \
    "naming the option"
unlike "$(pane | grep 'sets up the connection')" "$SH_PW" "never its value"
like "$(pane | grep 'sets up the connection' | tail -1)" \
    "^latticectl: shell: unknown option, close to --password sets up" "a typo of one too"
is "$(pane | grep -c 'sets up the connection')" "$n" "one line each"
m=$(prompts)
tm send-keys -t "$SESS" "watch --where data.password=$SH_PW --idle 10ms" Enter
wait_for "watch with a secret in --where" 10 prompts_at_least $((m + 1))
tm send-keys -t "$SESS" "doctor --monitor http://u:$SH_PW@127.0.0.1:1/ --wait 10ms" Enter
wait_for "doctor with a URL password" 10 prompts_at_least $((m + 2))
# config show: the session's settings, not the defaults
tm send-keys -t "$SESS" "config show --sources" Enter
wait_for "config show" 10 pane_has "^server +nats://"
like "$(pane | grep '^server ' | tail -1)" "^server +${NATS_URL//./\\.} +flag$" \
    "config show shows the session's server"

# ^C during a command that does not stream leaves the shell running.
n=$(prompts)
tm send-keys -t "$SESS" "hosts --wait 2s" Enter
wait_for "hosts typed" 5 pane_has "^latticectl> hosts --wait 2s$"
tm send-keys -t "$SESS" C-c
wait_for "prompt after hosts" 10 prompts_at_least $((n + 1))
tm send-keys -t "$SESS" "version" Enter
wait_for "version after hosts" 10 eval '[ "$(pane | grep -c "^latticectl [0-9]")" -ge 3 ]'
ok $? "^C during hosts leaves the shell running"

# 'shell' does not nest: one line, and the shell goes on.
nest() { [ "$(pane | grep -c "already in the shell")" -ge "$1" ]; }
tm send-keys -t "$SESS" "shell" Enter
wait_for "nested shell refused" 10 nest 1
tm send-keys -t "$SESS" "-q shell --no-history" Enter
wait_for "nested shell with options refused" 10 nest 2
is "$(pane | grep "already in the shell" | sort -u)" \
    "latticectl: shell: already in the shell: 'shell' does not nest (exit leaves this one)" \
    "a nested shell is refused in one clear line"

# ^R searches the history back as it is typed; Enter runs what it found.
versions() { pane | grep -c "^latticectl [0-9]"; }
n=$(versions)
tm send-keys -t "$SESS" C-r "vers"
tm send-keys -t "$SESS" Enter
wait_for "the line ^R found ran" 10 eval '[ "$(versions)" -gt '"$n"' ]'
ok $? "^R finds 'version' in the history and Enter runs it"

# 'clear' clears the screen: what is on it now is gone, the prompt stays.
screen() { tm capture-pane -p -t "$SESS"; }
like "$(screen)" "^latticectl [0-9]" "the screen shows earlier output"
tm send-keys -t "$SESS" "clear" Enter
wait_for "screen cleared" 10 eval '! screen | grep -q "^latticectl [0-9]"'
ok $? "'clear' clears the screen"
like "$(screen | head -1)" "^latticectl> ?$" "the prompt is at the top"
tm send-keys -t "$SESS" "version" Enter
wait_for "version after clear" 10 eval 'screen | grep -q "^latticectl [0-9]"'

# ^D exits with status 0; the history file is 0600 and has the lines.
tm send-keys -t "$SESS" C-d
wait_for "shell exit" 10 test -s "$TEST_DIR/shell.rc"
is "$(cat "$TEST_DIR/shell.rc")" "0" "^D exits with status 0"
H=$XDG_STATE_HOME/latticectl/history
is "$(stat -c %a "$H")" "600" "history file mode 0600"
is "$(stat -c %a "$(dirname "$H")")" "700" "history directory mode 0700"
like "$(cat "$H")" 'watch\\040-v\\040--count\\0402' "history has the watch line"
unlike "$(cat "$H")" "bogus" "cleared lines are not in the history"
unlike "$(cat "$H")" "$SH_PW|--password|--token|--creds" "no secret and no refused line in the history"
like "$(cat "$H")" 'data\.password=<redacted:[0-9a-f]{8}>\\040--idle' "a secret in a line is masked there"
like "$(cat "$H")" 'http://127\.0\.0\.1:1/' "a URL keeps its host there"

# History persists: Up recalls the last line of the previous run.
start_shell
tm send-keys -t "$SESS" Up
wait_for "history recalled" 5 pane_has "^latticectl> version$"
ok $? "history persists across runs"
tm send-keys -t "$SESS" C-c "exit" Enter
wait_for "shell exit by 'exit'" 10 test -s "$TEST_DIR/shell.rc"
is "$(cat "$TEST_DIR/shell.rc")" "0" "'exit' leaves with status 0"

# The history file is written by the rules of every file: a symbolic link
# in its place is not followed (its target keeps its bytes).
H2=$TEST_DIR/st2/latticectl/history
mkdir -p "$(dirname "$H2")"
echo KEEP >"$TEST_DIR/target"
ln -s "$TEST_DIR/target" "$H2"
echo version | XDG_STATE_HOME=$TEST_DIR/st2 "$LATTICECTL" -s "$NATS_URL" \
    shell >/dev/null 2>"$TEST_DIR/hist.err"
is "$(cat "$TEST_DIR/target")" "KEEP" "a history symlink's target is untouched"
like "$(cat "$TEST_DIR/hist.err")" "history not saved: .*symbolic link" \
    "and the shell says why the history was not saved"

# Settings given to shell are every line's defaults: -q too.
echo "watch --idle 100ms" | "$LATTICECTL" -q -s "$NATS_URL" --no-context \
    shell --no-history >/dev/null 2>"$TEST_DIR/q.err"
unlike "$(cat "$TEST_DIR/q.err")" "watch: [0-9]+ events" \
    "'latticectl -q shell': a line's watch prints no summary"

done_testing
