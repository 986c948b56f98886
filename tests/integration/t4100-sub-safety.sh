#!/usr/bin/env bash
# t4100-sub-safety: latticectl never steals, and finds what does (issue 6).
# 10,000 config.get requests go through the hosts' queue group while
# 'sub >' and 'watch' observe: every request gets exactly one reply, sub
# pairs all of them, and the server's own /connz counters show that no
# latticectl connection published anything or joined a queue group. Then a
# thief in the hosts' config queue group makes requests go unanswered, sub
# reports each one, and 'doctor --monitor' names the thief.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

N=${LT_SAFETY_REQUESTS:-10000}
CTL=wasmbus.ctl.v1.default
GET=$CTL.config.get.load_cfg
VER=$(lt version | awk '{print $2}')

# Refusals, before connecting (exit 2 with the explanation).
export NATS_URL=nats://127.0.0.1:1
exit_code 2 "sub '>' without --observe-requests" lt sub '>'
like "$(cat "$TEST_DIR/last.err")" "'>' overlaps request subjects .*times out instead of failing fast with 'no responders'; pass --observe-requests" \
    "'>': explanation and the flag"
exit_code 2 "sub wasmbus.ctl.> without --observe-requests" lt sub 'wasmbus.ctl.>'
like "$(cat "$TEST_DIR/last.err")" "'wasmbus.ctl.>' overlaps request subjects \(ctl 'wasmbus.ctl.v1.default.>'\)" \
    "wasmbus.ctl.>: explanation"
exit_code 2 "sub --queue" lt sub --queue spy 'wasmbus.evt.default.>'
like "$(cat "$TEST_DIR/last.err")" "refusing --queue 'spy': latticectl never joins a queue group" \
    "--queue: explanation"

start_nats n1 -m -1
[ -n "$NATS_MON_URL" ]
ok $? "nats-server has a monitoring port"
start_sim --hosts 2 --wadm-mode fixed
echo '{"greeting":"hi"}' >"$TEST_DIR/cfg.json"
like "$(T req "$CTL.config.put.load_cfg" "@$TEST_DIR/cfg.json")" '"success":true' "config put"

# load: run req-load, its summary line in $TEST_DIR/NAME.load.
load() {
	local name=$1
	shift
	T req-load "$@" >"$TEST_DIR/$name.load"
}
field() { # FILE NAME: the number after NAME in a req-load summary
	sed -n "s/.* $2 \([0-9]*\).*/\1/p; s/^$2 \([0-9]*\).*/\1/p" "$1" | head -1
}

load base "$GET" --count "$N" --timeout 5s
is "$?" 0 "$N requests without observers: all answered once"
echo "# without observers: $(cat "$TEST_DIR/base.load")"

bg_lt sub sub '>' --observe-requests --match-replies --timeout 2s --idle 5s -o ndjson
SUB_PID=$LAST_PID
bg_lt watch watch
WATCH_PID=$LAST_PID
load obs "$GET" --count "$N" --timeout 5s
rc=$?
echo "# with sub '>' and watch: $(cat "$TEST_DIR/obs.load")"
is "$rc" 0 "$N requests while observed: req-load exits 0"
like "$(cat "$TEST_DIR/obs.load")" "^sent $N ok $N lost 0 extra 0 no_responders 0 errors 0 " \
    "every request got exactly one reply (0 lost, 0 extra, 0 errors)"

# The server's view of every connection, while sub and watch still run.
curl -sf "$NATS_MON_URL/connz?subs=detail&limit=1000" >"$TEST_DIR/connz.json"
ok $? "/connz answers"
is "$(jq -r '[.connections[] | select(.name | startswith("latticectl/")) | .name] | sort | join(",")' "$TEST_DIR/connz.json")" \
    "latticectl/$VER sub,latticectl/$VER watch" "/connz names both latticectl connections 'latticectl/<version> <command>'"
# in_msgs counts messages the server received FROM a client (what it
# published); out_msgs what the server delivered TO it.
is "$(jq '[.connections[] | select(.name | startswith("latticectl/")) | .in_msgs] | add' "$TEST_DIR/connz.json")" \
    0 "in_msgs = 0: latticectl published nothing"
is "$(jq '[.connections[] | select(.name | startswith("latticectl/")) | .in_bytes] | add' "$TEST_DIR/connz.json")" \
    0 "in_bytes = 0"
is "$(jq '[.connections[] | select(.name | startswith("latticectl/")) | .subscriptions_list_detail[] | select(.qgroup)] | length' "$TEST_DIR/connz.json")" \
    0 "no latticectl subscription is in a queue group"
is "$(jq '[.connections[] | select(.name == "latticectl/'"$VER"' sub") | .out_msgs >= '"$((4 * N))"'] | all' "$TEST_DIR/connz.json")" \
    true "sub received every request and reply (out_msgs >= 4N: ctl and KV reads)"
# Positive control: the counter does move for a client that publishes.
is "$(jq '[.connections[] | select(.name | startswith("latticesim host")) | .in_msgs] | add >= '"$N" "$TEST_DIR/connz.json")" \
    true "in_msgs of the sim's hosts counts their $N replies"
is "$(jq '[.connections[] | select(.name | startswith("latticesim host")) | .subscriptions_list_detail[] | select(.qgroup == "'"$CTL"'.config")] | length' "$TEST_DIR/connz.json")" \
    2 "both hosts are in the config queue group"

wait_pid "$SUB_PID" 60
is "$WAIT_RC" 0 "sub exits 0 after --idle"
nd=$TEST_DIR/sub.out
is "$(jq -s '[.[] | select(.kind == "ctl.request" and .subject == "'"$GET"'")] | length' "$nd")" \
    "$N" "sub saw all $N requests"
is "$(jq -s '[.[] | select(.kind == "ctl.reply" and .request_subject == "'"$GET"'" and .reply_index == 1)] | length' "$nd")" \
    "$N" "--match-replies paired all $N"
is "$(jq -s '[.[] | select(.kind == "ctl.reply" and .request_subject == "'"$GET"'") | .pair] | unique | length' "$nd")" \
    "$N" "each with its own pair id"
like "$(jq -c 'select(.kind == "end")' "$nd")" '"extra_replies":0,"unanswered":0,"no_responders":0,"open":0,"unmatched_replies":0' \
    "end record: no extra, unanswered or unmatched replies"
echo "# pairing latency (ms) min/p50/p99/max: $(jq -s -r '[.[] | select(.kind == "ctl.reply" and .request_subject == "'"$GET"'") | .latency_ms] | sort | "\(.[0]) \(.[length/2|floor]) \(.[length*99/100|floor]) \(.[-1])"' "$nd")"
kill -INT "$WATCH_PID"
wait_pid "$WATCH_PID" 10
is "$WAIT_RC" 0 "watch exits 0"

# A thief: a queue subscriber in the hosts' config group that never answers.
bg "$LT_HELPER" -s "$NATS_URL" thief "$CTL.config.>" "$CTL.config" >"$TEST_DIR/thief.out"
wait_for "thief" 10 grep -q ready "$TEST_DIR/thief.out"
bg_lt tsub sub "$CTL.config.>" --observe-requests --match-replies --timeout 300ms --idle 3s -o ndjson
TSUB_PID=$LAST_PID
load theft "$GET" --count 300 --timeout 300ms
is "$?" 1 "req-load fails while the thief is in the group"
lost=$(field "$TEST_DIR/theft.load" lost)
echo "# with the thief: $(cat "$TEST_DIR/theft.load")"
[ "$lost" -gt 0 ]
ok $? "requests went unanswered ($lost of 300): the hazard is real"
is "$(grep -c '^took ' "$TEST_DIR/thief.out")" "$lost" "every lost request was taken by the thief"
wait_pid "$TSUB_PID" 30
like "$(jq -c 'select(.kind == "end")' "$TEST_DIR/tsub.out")" "\"unanswered\":$lost," \
    "sub --match-replies reports each stolen request as unanswered"

curl -sf "$NATS_MON_URL/connz?subs=detail" >"$TEST_DIR/connz2.json"
thief=$(jq -r '.connections[] | select(any(.subscriptions_list_detail[]?; .qgroup == "'"$CTL"'.config") and (.name | startswith("latticesim") | not)) | "\(.cid) \(.name) \(.ip) \(.port)"' "$TEST_DIR/connz2.json")
read -r cid name ip port <<<"$thief"
exit_code 1 "doctor --monitor fails on the thief" lt doctor --monitor "$NATS_MON_URL" --wait 500ms
like "$(cat "$TEST_DIR/last.out")" "^FAIL +queue-groups +connection cid $cid name '$name' from $ip:$port is in host queue group '$CTL.config' \(subject '$CTL.config.>', [0-9]+ messages taken\)" \
    "doctor names the thief: cid, name, IP and subject"
unlike "$(cat "$TEST_DIR/last.out")" "latticesim host" "no host is reported"
exit_code 1 "doctor -o json" lt doctor --monitor "$NATS_MON_URL" --wait 500ms -o json
is "$(jq -r '[.checks[] | select(.status == "fail") | .check] | join(",")' "$TEST_DIR/last.out")" \
    queue-groups "-o json: the thief is the only failed check"

done_testing
