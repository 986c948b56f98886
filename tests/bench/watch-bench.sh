#!/usr/bin/env bash
# watch-bench.sh: how close 'latticectl watch' comes to a bare nats.c
# subscriber that only counts messages. Each consumer receives the same N
# CloudEvents from lt-bench on a throwaway nats-server; we report two rates
# relative to the bare subscriber, and peak RSS. Events per CPU-second (N
# over user+sys, from wait4) price watch's work; events per second of wall
# time, from the first publish to the consumer's exit, say how fast it
# drains a flood (the bare subscriber keeps up with the publisher, so its
# rate is the publisher's). Not run in CI.
#
#   tests/bench/watch-bench.sh [EVENTS]   (default 500000; BUILD_DIR=build-rel)
#   BENCH_ONLY="ndjson filter" runs those consumers (and bare) only
#   ("app": --for app/NAME, the component id learned from a fake wadm);
#   BENCH_ROUNDS=3 runs every consumer that many times, in turns, and
#   reports the median ratio (each round's consumer against that round's
#   bare run) with the lowest and highest, and the highest peak RSS: on
#   two shared cores one run's ratio moves by a tenth either way;
#   BENCH_DEADLINE=300 kills a consumer still running after that many s.
# Ends with payload-bench: the same ndjson work on the same payloads
# without NATS, the part of the cost that is watch's own.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-500000}
B=${BUILD_DIR:-build-rel}
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" --buildtype=release >/dev/null
fi
ninja -C "$B" >/dev/null
LT=$B/src/latticectl
BENCH=$B/tests/bench/lt-bench
EV=$(cd "$(dirname "$0")/../fixtures/events" && pwd)
FILES=("$EV"/component_scaled.json "$EV"/config_set.json "$EV"/config_deleted.json
    "$EV"/linkdef_set.json "$EV"/host_heartbeat.json)
. scripts/lib-demo.sh
demo_nats
dir=$demo_dir

# run NAME READY-PATTERN PUBLISH-ARGS -- CONSUMER...: start the consumer
# under a wait4 wrapper, wait until it is subscribed, publish, wait for it.
run() {
	local name=$1 ready=$2 pubargs=$3 deadline t_pub
	shift 4
	case " bare ${BENCH_ONLY:-$name} " in *" $name "*) ;; *) return 0 ;; esac
	rm -f "$dir/$name".{out,err,pub,rusage}
	python3 - "$dir/$name.rusage" "$@" >"$dir/$name.out" 2>"$dir/$name.err" <<'PY' &
import os, signal, subprocess, sys, time
p = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGALRM, lambda *_: p.kill())
signal.alarm(int(os.environ.get("BENCH_DEADLINE", "300")))  # a lost event
_, status, ru = os.wait4(p.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%f %d %d %f\n" % (ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
                                 os.waitstatus_to_exitcode(status), time.time()))
PY
	local wpid=$!
	deadline=$((SECONDS + 20))
	until grep -q "$ready" "$dir/$name.out" "$dir/$name.err" 2>/dev/null; do
		kill -0 "$wpid" 2>/dev/null && [ $SECONDS -lt $deadline ] ||
		    { echo "bench: $name did not subscribe: $(tail -1 "$dir/$name.err")" >&2; exit 1; }
		sleep 0.05
	done
	t_pub=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$BENCH" -s "$NATS_URL" pub --count "$N" $pubargs "${FILES[@]}" 2>"$dir/$name.pub"
	wait "$wpid"
	local cpu rss rc t_end wall gaps
	read -r cpu rss rc t_end <"$dir/$name.rusage"
	wall=$(awk -v a="$t_pub" -v b="$t_end" 'BEGIN { print b - a }')
	[ "$rc" = 0 ] || { echo "bench: $name exited $rc: $(tail -2 "$dir/$name.err")" >&2; exit 1; }
	gaps=$(grep -o '[0-9]* gaps\?' "$dir/$name.err" | tail -1 || true)
	gaps=${gaps%% *}
	# one line per round: CPU s, peak RSS kB, wall s, gaps
	printf '%s %s %s %s\n' "$cpu" "$rss" "$wall" "${gaps:-0}" >>"$dir/$name.res"
}

W=(-v -s "$NATS_URL" watch --max-pending 16777216 --color never)
# A fake wadm that knows bench-app, whose component has the id
# bench-target: 'app' learns it at start (model.versions, model.get), so
# its raw test looks for the learned id as 'filter' looks for its own.
fake_wadm() {
	python3 - "$dir" <<'PY'
import json, sys
man = {"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
    "metadata": {"name": "bench-app", "annotations": {"version": "v1"}},
    "spec": {"components": [{"name": "c", "type": "component",
        "properties": {"image": "x/bench:1", "id": "bench-target"}}]}}
json.dump({"result": "success", "message": "", "versions":
    [{"version": "v1", "deployed": True}]}, open(sys.argv[1] + "/versions.json", "w"))
json.dump({"result": "success", "message": "", "manifest": man},
    open(sys.argv[1] + "/get.json", "w"))
PY
	local op
	for op in versions get; do
		"$B/tests/helper/lt-test-tool" -s "$NATS_URL" responder \
		    "wadm.api.default.model.$op.bench-app" - "@$dir/$op.json" >"$dir/$op.out" &
		demo_pids+=($!)
		local tries=200	# 10 s: a responder that never says ready
		until grep -q ready "$dir/$op.out"; do
			((--tries > 0)) || { echo "watch-bench: the fake wadm's $op responder did not start" >&2; exit 1; }
			sleep 0.05
		done
	done
}
fake_wadm
round() {
	run bare ready "" -- "$BENCH" -s "$NATS_URL" sub 'wasmbus.evt.default.>' --count "$N"
	run asub ready "" -- "$BENCH" -s "$NATS_URL" asub 'wasmbus.evt.default.>' --count "$N"
	run acopy ready "" -- "$BENCH" -s "$NATS_URL" asub 'wasmbus.evt.default.>' --count "$N" --copy
	run aenv ready "" -- "$BENCH" -s "$NATS_URL" asub 'wasmbus.evt.default.>' --count "$N" --envelope
	run text subscribed "" -- "$LT" "${W[@]}" --count "$N"
	run ndjson subscribed "" -- "$LT" "${W[@]}" -o ndjson --count "$N"
	rm -f "$dir/rec.ltrec"	# a recording never replaces a file
	run record subscribed "" -- "$LT" "${W[@]}" -o ndjson --count "$N" --record "$dir/rec.ltrec"
	run filter subscribed "--for-every 100 bench-target" -- \
	    "$LT" "${W[@]}" --for component/bench-target --count $((N / 100))
	local all=("${FILES[@]}")
	FILES=("$EV"/component_scaled.json)	# every event names the component
	run filter100 subscribed "--for-every 1 bench-target" -- \
	    "$LT" "${W[@]}" --for component/bench-target -o ndjson --count "$N"
	FILES=("${all[@]}")
	run app subscribed "--for-every 100 bench-target" -- \
	    "$LT" "${W[@]}" --for app/bench-app --count $((N / 100))
	run where subscribed "--for-every 100 bench-target" -- \
	    "$LT" "${W[@]}" --where 'data.component_id = bench-target' --count $((N / 100))
}
ROUNDS=${BENCH_ROUNDS:-3}
rm -f "$dir"/*.res
for ((r = 0; r < ROUNDS; r++)); do
	round
done

# line r of NAME.res is round r: ratios are bare's that round over NAME's
printf '%-10s %13s %8s %11s %13s %8s %11s %10s\n' consumer "events/cpu-s" ratio \
    "(low-high)" "events/s" ratio "(low-high)" "peak RSS"
for n in bare asub acopy aenv text ndjson record filter app filter100 where; do
	[ -f "$dir/$n.res" ] || continue
	paste -d ' ' "$dir/bare.res" "$dir/$n.res" | awk -v n="$n" -v N="$N" '
	    NF != 8 { next }
	    function median(a, k,   i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	    }
	    function range(a, k,   i, lo, hi) {
		lo = hi = a[1]
		for (i = 2; i <= k; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
		return sprintf("%.2f-%.2f", lo, hi)
	    }
	    {
		k++; rc[k] = $1 / $5; ec[k] = N / $5; rw[k] = $3 / $7; ew[k] = N / $7
		if ($6 > rss) rss = $6
		gaps += $8
	    }
	    END {
		printf "%-10s %13.0f %7.2fx %11s %13.0f %7.2fx %11s %7d kB\n", n,
		    median(ec, k), median(rc, k), range(rc, k), median(ew, k),
		    median(rw, k), range(rw, k), rss
		if (gaps)	# dropped events: the rates are not comparable
			printf "%-10s %d gap(s) in %d round(s)\n", "", gaps, k
	    }'
done
echo "($N events published as fast as lt-bench can, $ROUNDS round(s), medians; events/cpu-s"
echo " is N over the consumer's user+sys time, events/s N over the wall time from the first"
echo " publish to the consumer's exit; 'asub' is bare through an asynchronous"
echo " subscription, as latticectl receives; 'acopy' is asub writing every payload"
echo " to a file, the least an ndjson writer pays; 'aenv' writes the same records as"
echo " ndjson, the payload unchecked: ndjson's ceiling; 'filter' shows 1 in 100 events, 'app'"
echo " the same 1 in 100 through --for app/NAME and the component id it learned from wadm, 'filter100'"
echo " every event as ndjson through --for, 'where' 1 in 100 through --where (each event"
echo " decoded). Peak RSS includes"
echo " the backlog nats.c buffers while a consumer is slower than the publisher.)"
# watch's own work per ndjson event, without NATS, on the same payloads
echo "ndjson record building alone (payload-bench, no NATS, warm caches):"
"$B/tests/bench/payload-bench" "${FILES[@]}"
