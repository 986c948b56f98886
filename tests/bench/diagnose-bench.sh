#!/usr/bin/env bash
# diagnose-bench.sh: 'latticectl diagnose' on a busy simulated lattice:
# latticesim with HOSTS hosts (100) heartbeating every second while APPS
# apps (20) deploy and then upgrade (latticesim --apps, fixed wadm, so a
# healthy upgrade is clean), the first four from fault templates (a
# component start that fails, an unhealthy provider, a refused link, a
# spread no host satisfies). diagnose follows it all (--until settled) and
# this prints: the records it saw and the events among them, gaps (it
# must keep up: 0), CPU seconds per 1,000 records and per event, peak RSS,
# and which apps have findings (only the faulty ones should). It stops
# after 90 s: apps wadm retries forever never settle. Not run in
# CI.
#
#   tests/bench/diagnose-bench.sh [HOSTS] [APPS]   (BUILD_DIR=build-rel)
set -euo pipefail
cd "$(dirname "$0")/../.."
HOSTS=${1:-100}
APPS=${2:-20}
B=${BUILD_DIR:-build-rel}
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" --buildtype=release >/dev/null
fi
ninja -C "$B" >/dev/null
LT=$B/src/latticectl
SIM=$B/tests/sim/latticesim
T=tests/fixtures/manifests/bench
. scripts/lib-demo.sh
demo_nats
dir=$demo_dir
FAULTS=(scale-failed provider-unhealthy link-failed spread-unsatisfied)

# diagnose first, so that it sees every deploy from the start
# (under a wait4 wrapper: its CPU time and peak RSS)
python3 - "$dir/time" "$LT" -v diagnose --until settled --settle 10s \
    --timeout 90s --record "$dir/bench.ltrec" >"$dir/diag.out" \
    2>"$dir/diag.err" <<'PY' &
import os, subprocess, sys
p = subprocess.Popen(sys.argv[2:])
_, status, ru = os.wait4(p.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%f %f %d\n" % (ru.ru_utime, ru.ru_stime, ru.ru_maxrss))
PY
diag=$!
deadline=$((SECONDS + 20))
until grep -q subscribed "$dir/diag.err"; do
	[ $SECONDS -lt $deadline ] || { echo "diagnose did not start" >&2; exit 1; }
	sleep 0.05
done
fargs=()
for f in "${FAULTS[@]}"; do fargs+=(--fault-template "$T/$f.yaml.in"); done
"$SIM" -s "$NATS_URL" --hosts "$HOSTS" --heartbeat 1s --wadm-mode fixed \
    --apps "$APPS" --app-template "$T/app.yaml.in" "${fargs[@]}" \
    --upgrade-after 15s 2>"$dir/sim.log" &
sim=$!
demo_pids+=("$sim")
wait "$diag" || true
kill "$sim" 2>/dev/null || true

read -r user sys rss <"$dir/time"
python3 - "$dir/bench.ltrec" "$user" "$sys" "$rss" "$HOSTS" "$APPS" \
    "${#FAULTS[@]}" <<'PY'
import json, sys
path, user, sys_, rss, hosts, apps, nfault = sys.argv[1:]
cpu = float(user) + float(sys_)
recs = events = gaps = 0
by_app = {}
settled = False
for line in open(path):
    r = json.loads(line)
    k = r.get("kind")
    recs += 1
    events += k == "event"
    gaps += k == "gap"
    if k == "finding":
        by_app.setdefault(r.get("app") or "(none)", set()).add(r["id"])
    if k == "end":
        settled = r.get("settled", False)
faulty = {"app-%03d" % i for i in range(int(nfault))}
print(f"{hosts} hosts, 1 s heartbeats, {apps} apps deployed then upgraded, "
      f"{nfault} from fault templates")
print(f"records {recs}, events {events}, gaps {gaps}, settled {settled}")
print(f"CPU {cpu:.2f} s: {1000 * cpu / max(recs, 1):.3f} s per 1,000 records, "
      f"{1e6 * cpu / max(events, 1):.0f} us per event; peak RSS "
      f"{int(rss) / 1024:.1f} MiB")
for app in sorted(by_app):
    mark = "fault" if app in faulty else "HEALTHY"
    print(f"  {app:12s} {mark:8s} {', '.join(sorted(by_app[app]))}")
missing = sorted(faulty - set(by_app))
if missing:
    print("  no finding for faulty apps: " + ", ".join(missing))
PY
