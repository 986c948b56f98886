#!/usr/bin/env bash
# t8300-replay-node-loss: 'replay' loses the nats-server it is connected
# to once the deploy-new phase has begun. In a cluster it reconnects to
# another node, records the outage as a gap and completes; with a single
# server it ends with a one-line connection error (exit 3) naming the
# phase, and the recording is a valid prefix that show and report read.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

M=$FIXTURES/manifests

# replay_bg NAME LATTICE TIMEOUT [GLOBAL ARGS...]: replay v1 -> v2 in the
# background (NAME.out/.err, recording NAME.ltrec; pid in RPID) and wait
# until the recording has the deploy-new phase record.
replay_bg() {
	local name=$1 lattice=$2 timeout=$3
	shift 3
	bg lt -x "$lattice" "$@" --timeout "$timeout" replay "$M/upgrade-v1.yaml" \
	    "$M/upgrade-v2.yaml" --yes --settle 2s --record "$TEST_DIR/$name.ltrec" \
	    >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err"
	RPID=$LAST_PID
	wait_for "$name: deploy-new phase recorded" 60 has_line \
	    "$TEST_DIR/$name.ltrec" '"kind":"phase","phase":"deploy-new"'
}
# all_json FILE: every line parses on its own.
all_json() {
	local l
	while IFS= read -r l; do
		printf '%s' "$l" | jq -e . >/dev/null 2>&1 || return 1
	done <"$1"
}
kinds() {
	jq -r .kind "$1" | tr '\n' ' '
}
# lose PID: SIGKILL a server and reap it (quietly).
lose() {
	{ kill -9 "$1"; wait "$1"; } 2>/dev/null
}
js_ready() {
	"$LT_HELPER" -s "${CLUSTER_URL[1]}" req '$JS.API.INFO' 2>/dev/null |
	    grep -q '"streams"'
}

# --- a cluster: the replay's node goes, another takes the connection ---
# Nodes 1 and 3 run JetStream (the simulator's streams and buckets live
# there); node 2, the only server the replay is given, does not, so losing
# it loses no stream. The replay finds nodes 1 and 3 through the cluster's
# INFO (nats.c's discovered servers).
CLUSTER_NO_JS=([2]=1)
start_cluster 3
wait_for "JetStream on node 1" 60 js_ready
ok $? "3-node cluster, JetStream on nodes 1 and 3"
start_sim --lattice c --wadm-mode fixed --heartbeat 1s --wadm-backoff 1s
C=$TEST_DIR/c.ltrec
replay_bg c c 10s -s "${CLUSTER_URL[2]}"
is "$(jq -r 'select(.kind=="meta") | .server.name' "$C")" node2 "the replay is on node 2"
lose "${CLUSTER_PID[2]}"
wait_pid "$RPID" 60
is "$WAIT_RC" 0 "node 2 lost: the replay completes (fixed wadm: exit 0)"
like "$(cat "$TEST_DIR/c.err")" \
    "replay: disconnected from ${CLUSTER_URL[2]} during deploy-new, reconnecting" \
    "stderr says which server went away and in which phase"
ok "$(all_json "$C"; echo $?)" "every line of the recording is JSON"
like "$(kinds "$C")" '^meta .* end $' "a complete recording: meta first, end last"
gap=$(jq -c 'select(.kind=="gap")' "$C")
is "$(printf '%s\n' "$gap" | grep -c .)" 1 "one gap record"
like "$gap" "\"reason\":\"disconnected\",\"duration_ms\":[0-9]+,\"dropped\":0,\"detail\":\"(${CLUSTER_URL[1]}|${CLUSTER_URL[3]})\"" \
    "the gap: disconnected, how long, and the node it reconnected to"
like "$(jq -r 'select(.kind=="phase" or .kind=="gap" or .kind=="inventory") | .kind' "$C" | tr '\n' ' ')" \
    'phase gap inventory $' "after the gap, the deploy-new checkpoint still read the inventory"
is "$(jq -c 'select(.kind=="finding" and .severity=="error")' "$C")" "" "no error finding"
like "$(cat "$TEST_DIR/c.out")" '-- gap: reason=disconnected' "the printed timeline shows the gap"
lt show "$C" >"$TEST_DIR/c.show" 2>"$TEST_DIR/c.show.err"
is "$?" 0 "show reads it"
like "$(cat "$TEST_DIR/c.show")" '-- gap: reason=disconnected duration_ms=' "show: the gap line"
is "$(cat "$TEST_DIR/c.show.err")" "" "show: no warning"
stop_pid "$SIM_PID"
for i in 1 3; do
	stop_pid "${CLUSTER_PID[$i]}"
done

# --- a single server: nothing to reconnect to ---
start_nats n1
start_sim --lattice k --wadm-mode 0.21 --heartbeat 1s --wadm-backoff 1s
K=$TEST_DIR/k.ltrec
replay_bg k k 3s
t0=$(date +%s)
lose "$NATS_PID"
wait_pid "$RPID" 30
is "$WAIT_RC" 3 "server lost: exit 3 (connection)"
ok "$([ $(($(date +%s) - t0)) -le 10 ]; echo $?)" "it gives up within about twice --timeout"
err=$(grep -v '^latticectl: replay: \(note\|recording to\|baseline\|deploy-\)' "$TEST_DIR/k.err")
like "$err" "during deploy-new, reconnecting" "stderr: the disconnect, as it happens"
last=$(tail -n 1 "$TEST_DIR/k.err")
like "$last" "^latticectl: replay: during deploy-new: lost the connection to $NATS_URL; not reconnected within [0-9]+\\.[0-9]s$" \
    "the error: one line naming the phase and the lost server"
unlike "$(cat "$TEST_DIR/k.err")" 'wadm is not running' "wadm is not blamed"
like "$(cat "$TEST_DIR/k.err")" "recording up to the failure is $K \\(no end record\\)" \
    "says where the recording is"
ok "$(all_json "$K"; echo $?)" "every line of the recording is JSON"
like "$(kinds "$K")" '^meta .* phase .* gap phase $' "meta first; a gap, then the aborted phase last"
is "$(jq -r 'select(.kind=="end") | .kind' "$K")" "" "no end record"
like "$(jq -c 'select(.kind=="gap")' "$K")" \
    "\"reason\":\"disconnected\",\"duration_ms\":[0-9]+,\"dropped\":0,\"detail\":\"$NATS_URL; not reconnected\"" \
    "the gap record: the outage that did not end"
like "$(tail -n 1 "$K")" \
    "\"kind\":\"phase\",\"phase\":\"aborted\",\"error\":\"during deploy-new: lost the connection to $NATS_URL" \
    "the last record: phase aborted, saying why"
lt show "$K" >"$TEST_DIR/k.show" 2>"$TEST_DIR/k.show.err"
is "$?" 0 "show renders the prefix"
like "$(cat "$TEST_DIR/k.show")" '-- phase: phase=aborted error=during deploy-new: lost the connection' \
    "show: the abort"
like "$(cat "$TEST_DIR/k.show.err")" 'no end record \(the recording was interrupted\)' \
    "show warns that it was interrupted"
lt report "$K" --format markdown >"$TEST_DIR/k.md" 2>/dev/null
is "$?" 0 "report renders it"

done_testing
