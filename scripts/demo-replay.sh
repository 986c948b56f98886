#!/usr/bin/env bash
# demo-replay.sh BUILDDIR [OUTDIR]: the wasmCloud #4704 story end to end
# against a running nats-server (NATS_URL, with JetStream): start latticesim
# in wadm 0.21 mode with HTTP, replay the example v1 -> v2 upgrade with an
# HTTP probe, print what replay prints (the phases, commands, failures, the
# findings with their next steps and a summary) and what 'latticectl
# diagnose', read-only, saw of the same upgrade beside it (as it would
# beside 'wash app deploy' in production), write the whole timeline and
# the markdown and HTML reports to OUTDIR (default: a new temporary
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

# diagnose watches the lattice from the side, as an operator would
"$lt" -v -s "$NATS_URL" -x "$lattice" diagnose --settle 2s \
    --record "$out/diagnose.ltrec" >"$out/diagnose.txt" 2>"$out/diagnose.err" &
diag=$!
pids+=("$diag")
deadline=$((SECONDS + 20))
until grep -q "subscribed" "$out/diagnose.err" 2>/dev/null; do
	[ $SECONDS -lt $deadline ] || { echo "diagnose did not start" >&2; exit 6; }
	sleep 0.1
done

echo "== latticectl replay upgrade-v1.yaml upgrade-v2.yaml --probe $probe (lattice $lattice)"
"$lt" -s "$NATS_URL" -x "$lattice" replay \
    "$man/upgrade-v1.yaml" "$man/upgrade-v2.yaml" --probe "$probe" --yes \
    --settle 3s --record "$out/replay.ltrec" | tee "$out/replay.txt"
rc=${PIPESTATUS[0]}
kill -INT "$diag"	# the first signal: it drains, writes its end and exits
wait "$diag"
echo "== meanwhile, latticectl diagnose (read-only, beside it) said"
cat "$out/diagnose.txt"
"$lt" show "$out/replay.ltrec" >"$out/timeline.txt"
"$lt" report "$out/replay.ltrec" --format markdown -f "$out/report.md"
"$lt" report "$out/replay.ltrec" --format html -f "$out/report.html"
echo "== files"
echo "recording: $out/replay.ltrec ($(wc -l <"$out/replay.ltrec") records)"
echo "diagnose:  $out/diagnose.ltrec (latticectl diagnose $out/diagnose.ltrec)"
echo "timeline:  $out/timeline.txt (every record)"
echo "markdown:  $out/report.md"
echo "html:      $out/report.html"
exit $rc
