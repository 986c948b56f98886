#!/usr/bin/env bash
# t8100-signals: the first SIGINT/SIGTERM to 'watch --record' drains and
# ends the recording with its end record (exit 0); a second signal while
# watch is stuck ends it at once with 130. The recording is valid JSON
# lines either way.
. "$LT_SRCDIR/tests/lib/lib.sh"

E=$FIXTURES/events
T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}
# recorded FILE KIND: number of records of KIND.
recorded() {
	jq -r .kind "$1" 2>/dev/null | grep -c "^$2\$"
}
at_least() {
	[ "$(recorded "$1" "$2")" -ge "$3" ]
}

start_nats n1 -m -1

for sig in INT TERM; do
	rec=$TEST_DIR/$sig.ltrec
	bg_lt "$sig" watch --record "$rec"
	pid=$LAST_PID
	T pub-events "$E" >/dev/null
	wait_for "19 events recorded" 20 at_least "$rec" event 19
	kill -"$sig" "$pid"
	wait_pid "$pid" 20
	is "$WAIT_RC" 0 "SIG$sig: watch drains and exits 0"
	ok "$(jq -e . "$rec" >/dev/null; echo $?)" "SIG$sig: every recorded line is JSON"
	is "$(jq -r .kind "$rec" | sed -n '1p;$p' | tr '\n' ' ')" "meta end " \
	    "SIG$sig: recording starts with meta and ends with the end record"
	is "$(recorded "$rec" event)" 19 "SIG$sig: all 19 events recorded"
	like "$(cat "$TEST_DIR/$sig.err")" "watch: 19 events" "SIG$sig: summary on stderr"
	is "$(lt show "$rec" 2>/dev/null | grep -vc '^# 20')" 19 \
	    "SIG$sig: the recording reads back with 'show'"
done

# Second signal: stdout is a pipe nobody reads, so watch blocks writing
# and cannot finish draining; the second SIGINT must end it at once.
fifo=$TEST_DIR/stdout.fifo
mkfifo "$fifo"
exec 7<>"$fifo"
rec=$TEST_DIR/twice.ltrec
"$LATTICECTL" -v watch --record "$rec" >"$fifo" 2>"$TEST_DIR/twice.err" &
pid=$!
_bg_pids+=("$pid")
wait_for "twice subscribed" 20 grep -q subscribed "$TEST_DIR/twice.err"
pipe_full() {
	grep -qs pipe_write /proc/"$pid"/task/*/wchan
}
for i in 1 2 3 4 5 6 7 8 9 10; do
	pipe_full && break
	T pub-events "$E" --count 100 >/dev/null
done
wait_for "watch blocked on its full stdout" 20 pipe_full
ok $? "watch is blocked writing to a full pipe"
kill -INT "$pid"
# Two SIGINTs sent before the first is taken are one signal: send the
# second once the first is no longer pending (the process's ShdPnd mask).
sigint_taken() {
	local m
	m=$(awk '/^ShdPnd:/ { print $2 }' /proc/"$pid"/status) || return 1
	[ $((16#$m & 2)) = 0 ]
}
wait_for "first SIGINT taken" 10 sigint_taken
ok "$(kill -0 "$pid"; echo $?)" "first SIGINT: still draining (stdout blocked)"
kill -INT "$pid"
wait_pid "$pid" 10
is "$WAIT_RC" 130 "second SIGINT exits 130 at once"
exec 7<&-
# Records are buffered, so the hard exit may cut the last one short; the
# recording reader takes that as a truncated end, and every whole line
# before it is a record.
n=$(lines "$rec")
ok "$(head -n "$n" "$rec" | jq -e . >/dev/null; echo $?)" "every complete line is JSON"
lt show "$rec" >"$TEST_DIR/twice.show" 2>"$TEST_DIR/twice.show.err"
show_rc=$?
is "$show_rc" 0 "'show' reads the recording"
# The exit may also land between two records: then no line is cut, and
# show says the recording has no end instead.
if [ -n "$(tail -c 1 "$rec")" ]; then
	like "$(cat "$TEST_DIR/twice.show.err")" "truncated" "'show' warns that the last line is cut off"
else
	like "$(cat "$TEST_DIR/twice.show.err")" "no end record" "'show' warns that the recording has no end (no line was cut)"
fi
is "$(lines "$TEST_DIR/twice.show")" "$(recorded "$rec" event)" "'show' shows every complete event"
is "$(head -1 "$rec" | jq -r .kind)" meta "recording starts with meta"
ok "$( [ "$(recorded "$rec" event)" -gt 0 ]; echo $?)" "events recorded before the signals"
is "$(recorded "$rec" end)" 0 "no end record after the hard exit"

# A reader that goes away (| head) is a quiet success, not SIGPIPE (141),
# also for commands that never start nats.c. A recording big enough to
# outlast the pipe's buffer:
big=$TEST_DIR/big.ltrec
{
	head -1 "$rec"
	for i in $(seq 3000); do
		grep -m1 '"kind":"event"' "$rec"
	done
} >"$big"
for cmd in "show" "show -o ndjson" "report --format markdown" "report --format html" \
    "report --format ndjson"; do
	# shellcheck disable=SC2086
	lt $cmd "$big" 2>"$TEST_DIR/pipe.err" | head -c 100 >/dev/null
	is "${PIPESTATUS[0]}" 0 "'$cmd | head' exits 0 when head stops reading"
	unlike "$(cat "$TEST_DIR/pipe.err")" "error|cannot|[Bb]roken pipe" \
	    "... and reports no error"
done

# First SIGINT under load: N events reach watch's client while its stdout
# is a pipe nobody reads yet, so nearly all of them wait in the client.
# After the signal (the pipe is then read), every event the server
# delivered is either in the recording or counted as dropped, in the
# summary and in the end record: none is lost silently.
N=20000
# delivered: messages the server sent to the newest watch connection
# (/connz; an earlier watch's may still be listed while it closes).
delivered() {
	curl -s "$NATS_MON_URL/connz" | jq '[.connections[] |
	    select(.name | test("latticectl/.* watch$"))] | max_by(.cid) |
	    .out_msgs'
}
delivered_all() {
	[ "$(delivered)" = "$N" ]
}
# flood NAME: 'watch --record NAME.ltrec' with stdout the FIFO NAME.fifo
# that nobody reads (fd 8 holds it open), N events delivered to it, then
# SIGINT. Sets pid and fifo.
flood() {
	fifo=$TEST_DIR/$1.fifo
	mkfifo "$fifo"
	exec 8<>"$fifo"
	"$LATTICECTL" -v watch --record "$TEST_DIR/$1.ltrec" >"$fifo" \
	    2>"$TEST_DIR/$1.err" &
	pid=$!
	_bg_pids+=("$pid")
	wait_for "$1 subscribed" 20 grep -q subscribed "$TEST_DIR/$1.err"
	T pub-events "$E/host_heartbeat.json" --count "$N" >/dev/null
	wait_for "the server delivered $N events to watch" 60 delivered_all
	ok $? "$1: the server delivered all $N events to watch's client"
	kill -INT "$pid"
}
# drained NAME: watch exited 0 and its end record accounts for every event
# the server delivered.
drained() {
	local rec=$TEST_DIR/$1.ltrec end events dropped
	wait_pid "$pid" 30
	is "$WAIT_RC" 0 "$1: first SIGINT under load: watch drains and exits 0"
	exec 8<&-
	end=$(jq -c 'select(.kind == "end")' "$rec")
	events=$(jq -r .events <<<"$end")
	dropped=$(jq -r .dropped <<<"$end")
	is "$((events + dropped))" "$N" \
	    "$1: end record: events ($events) + dropped ($dropped) = events delivered ($N)"
	is "$(recorded "$rec" event)" "$events" "$1: the end record counts the events recorded"
	like "$(cat "$TEST_DIR/$1.err")" "watch: $events events.* $dropped dropped" \
	    "$1: the summary says the same"
}
flood flood
bg cat "$fifo" >/dev/null
drained flood
# A reader too slow for the drain to finish in its second: what is left is
# counted as dropped (the sum holds however many that is). The reader's
# pauses make it slow; nothing here waits on them.
flood slow
bg python3 -c '
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
while os.read(fd, 4096):
    time.sleep(0.01)
' "$fifo"
drained slow

done_testing
