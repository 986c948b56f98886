#!/usr/bin/env bash
# t4150-sub-jetstream: 'sub > --observe-requests --match-replies' while
# real clients use JetStream (API calls, KV puts, reads and watches, push
# and pull consumers): deliveries, acks and heartbeats are classified, not
# taken for requests; no request is falsely unanswered; no latency is
# negative or beyond the window; every $JS.API request pairs with its
# reply; a reply seen before its request pairs, marked so. The nats.c
# helper always drives the traffic; the JavaScript client (npm nats@2,
# installed here at run time) too when npm can install it.
. "$LT_SRCDIR/tests/lib/lib.sh"

T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}

# jq over the records of sub's ndjson output NAME.
recs() {
	jq -s "$2" "$TEST_DIR/$1.out"
}

# observe NAME: sub on everything, pairing, in the background; it exits
# 4s after the last message, when every 2s reply window has ended.
observe() {
	bg_lt "$1" sub '>' --observe-requests --match-replies --timeout 2s \
	    --idle 4s -o ndjson
	OBS_PID=$LAST_PID
}

# finish NAME: wait for sub to exit by itself (--idle).
finish() {
	wait_pid "$OBS_PID" 30
	is "$WAIT_RC" 0 "$1: sub exits 0 after --idle"
}

# saw_api NAME: the client's 30 $JS.API.INFO calls were seen (so the
# pairing checks are not vacuous).
saw_api() {
	is "$(recs "$1" '[.[] | select(.subject == "$JS.API.INFO" and
	    .reply)] | length >= 30')" true "$1: its \$JS.API.INFO calls were seen"
}

# check_pairing NAME: what every run must show.
check_pairing() {
	local n=$1
	is "$(recs "$n" '[.[] | select(.answered == false)] | length')" 0 \
	    "$n: no request reported unanswered"
	like "$(recs "$n" '.[] | select(.kind == "end")' | jq -c .)" \
	    '"unanswered":0,"no_responders":0,"open":0' \
	    "$n: end record: 0 unanswered, none left open"
	is "$(recs "$n" '[.[] | select(.latency_ms != null and
	    (.latency_ms < 0 or .latency_ms >= 2000))] | length')" 0 \
	    "$n: no negative or absurd latency"
	is "$(recs "$n" '[.[] | select(.before_request and .latency_ms)] |
	    length')" 0 "$n: no latency on a reply seen before its request"
	is "$(recs "$n" '[.[] | select((.subject // "" | startswith("$JS.API.")) and
	    .reply and .request_subject == null) | .pair] - [.[] |
	    select(.request_subject) | .pair] | length')" 0 \
	    "$n: every \$JS.API request is paired with its reply"
	is "$(recs "$n" '[.[] | select(.reply // "" | startswith("$JS.ACK.")) |
	    select(.role != "delivery")] | length')" 0 \
	    "$n: every message with an ack subject is a delivery"
	is "$(recs "$n" '[.[] | select(.role == "delivery" and .pair and
	    .request_subject == null)] | length')" 0 \
	    "$n: no delivery is tracked as a request"
}

start_nats n1

# The nats.c client: API calls, KV bucket, watch, puts and reads, a pull.
observe c
is "$(T js-traffic cbkt --count 30)" done "nats.c client: JetStream traffic"
bg "$LT_HELPER" -s "$NATS_URL" js-push KV_cbkt '$KV.cbkt.>' >"$TEST_DIR/push.out"
PUSH_PID=$LAST_PID
wait_for "push consumer" 10 grep -q ready "$TEST_DIR/push.out"
wait_for "a heartbeat" 10 grep -q '"role":"heartbeat"' "$TEST_DIR/c.out"
stop_pid "$PUSH_PID"
finish c
check_pairing c
saw_api c
like "$(recs c '[.[] | select(.role == "delivery")] | length')" \
    '^(6[0-9]|[7-9][0-9]|[1-9][0-9][0-9]+)$' \
    "c: the watch's and the push consumer's 60+ deliveries are deliveries"
ok "$(recs c '[.[] | select(.role == "ack")] | length >= 3' | grep -qx true; echo $?)" \
    "c: the consumers' acks are acks"
ok "$(recs c '[.[] | select(.role == "heartbeat")] | length >= 1' | grep -qx true; echo $?)" \
    "c: idle heartbeats are heartbeats"
is "$(recs c '[.[] | select(.request_subject == "$JS.API.CONSUMER.MSG.NEXT.KV_cbkt.puller" and .role == "delivery")] | length')" 3 \
    "c: the pull request pairs with the 3 messages it pulled"
like "$(cat "$TEST_DIR/c.err")" '[0-9]+ JetStream deliveries and [0-9]+ acks, flow control and heartbeats \(not requests\)' \
    "c: the summary counts them apart from requests"
out=$(lt show "$TEST_DIR/c.out" 2>/dev/null)
like "$out" '^#[0-9]+ +[0-9:.]+  delivery  \$KV\.cbkt\.k0  -> \$JS\.ACK\.KV_cbkt\.' "show: a delivery as sub shows it"
like "$out" '^#[0-9]+ +[0-9:.]+  heartbeat  _INBOX\.' "show: a heartbeat"
like "$out" '^#[0-9]+ +[0-9:.]+  rep #[0-9]+  [0-9.]+[^ ]*s  \$JS\.API\.CONSUMER\.MSG\.NEXT\.KV_cbkt\.puller  delivery \$KV\.cbkt\.k' \
    "show: a pulled message as a reply to its pull request"

# Replies the server generates can reach an observer before the request
# they answer; the helper publishes in that order on purpose.
observe o
T overtake svc.over --count 20 || ok 1 "overtake"
finish o
check_pairing o
is "$(recs o '[.[] | select(.before_request == true and .request_subject == "svc.over")] | length')" 20 \
    "o: 20 replies seen before their request are paired, marked so"
like "$(recs o '.[] | select(.kind == "end")' | jq -c .)" '"unmatched_replies":0,"before_request":20,"held_evicted":0' \
    "o: end record counts them"
like "$(lt show "$TEST_DIR/o.out" 2>/dev/null)" '^#[0-9]+ +[0-9:.]+  rep #1  seen before request  svc\.over  \{"answer":0\}' \
    "show: 'seen before request' instead of a latency"

# The JavaScript client (nats.js v2), when npm can install it.
if js=$(npm_cached nats-js nats@2); then
	observe j
	is "$(NATS_JS_DIR=$js node "$LT_SRCDIR/tests/helper/js-client.cjs" \
	    "$NATS_URL" 30 2>"$TEST_DIR/js.err")" "done 30" \
	    "nats.js client: JetStream traffic"
	finish j
	check_pairing j
	saw_api j
	like "$(recs j '[.[] | select(.role == "delivery")] | length')" '^(3[3-9]|[4-9][0-9]|[1-9][0-9][0-9]+)$' \
	    "j: the watch's deliveries and the pulled messages are deliveries"
	is "$(recs j '[.[] | select(.role == "delivery" and .request_subject != null)] | length')" 3 \
	    "j: the fetch's 3 messages pair with its pull request"
else
	skip "nats.js client" "npm cannot install nats@2 here: $(tail -1 "$TEST_DIR/npm.log" 2>/dev/null)"
fi

done_testing
