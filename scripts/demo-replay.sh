#!/usr/bin/env bash
# demo-replay.sh BUILDDIR [OUTDIR]: the wasmCloud #4704 story end to end
# against a running nats-server (NATS_URL, with JetStream): start latticesim
# in wadm 0.21 mode with HTTP, replay the example v1 -> v2 upgrade with an
# HTTP probe, print what replay prints (the phases, commands, failures, the
# findings with their next steps and a summary), write the whole timeline
# and the markdown and HTML reports to OUTDIR (default: a new temporary
# directory). Exit status: replay's (1 when it found errors, as it does
# here).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: demo-replay.sh BUILDDIR [OUTDIR]}
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/latticectl-replay.XXXXXX")}
: "${NATS_URL:?NATS_URL must name a running nats-server with JetStream}"
lt=$build/src/latticectl
sim=$build/tests/sim/latticesim
man=$here/tests/fixtures/manifests
lattice=demo$$
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
mkdir -p "$out"

"$sim" -s "$NATS_URL" --lattice "$lattice" --wadm-mode 0.21 --http \
    --heartbeat 1s --wadm-backoff 1s 2>"$out/sim.log" &
pids+=($!)
python3 "$here/tests/helper/probe-front.py" "$out/sim.log" >"$out/probe.port" &
pids+=($!)
deadline=$((SECONDS + 20))
until grep -q "ready:" "$out/sim.log" 2>/dev/null && [ -s "$out/probe.port" ]; do
	[ $SECONDS -lt $deadline ] || { echo "latticesim did not start" >&2; exit 6; }
	sleep 0.1
done
probe="http://127.0.0.1:$(cat "$out/probe.port")/"

echo "== latticectl replay upgrade-v1.yaml upgrade-v2.yaml --probe $probe (lattice $lattice)"
"$lt" -s "$NATS_URL" -x "$lattice" replay \
    "$man/upgrade-v1.yaml" "$man/upgrade-v2.yaml" --probe "$probe" --yes \
    --settle 3s --record "$out/replay.ltrec" | tee "$out/replay.txt"
rc=${PIPESTATUS[0]}
"$lt" show "$out/replay.ltrec" >"$out/timeline.txt"
"$lt" report "$out/replay.ltrec" --format markdown -f "$out/report.md"
"$lt" report "$out/replay.ltrec" --format html -f "$out/report.html"
echo "== files"
echo "recording: $out/replay.ltrec ($(wc -l <"$out/replay.ltrec") records)"
echo "timeline:  $out/timeline.txt (every record)"
echo "markdown:  $out/report.md"
echo "html:      $out/report.html"
exit $rc
