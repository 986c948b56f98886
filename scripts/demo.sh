#!/usr/bin/env bash
# demo.sh: set everything up on a fresh Debian 12 machine (as root), start a
# throwaway nats-server with JetStream and the simulated lattice (wadm 0.21),
# replay the wasmCloud #4704 image upgrade while recording it, and print the
# findings, the timeline and the reports' paths. Output: $DEMO_OUT (default
# ./demo-out). Exit 0 when the replay reproduced the bug, as it should.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/lib-demo.sh
out=${DEMO_OUT:-demo-out}
rm -rf "$out"

demo_nats
echo "== nats-server with JetStream at $NATS_URL"
rc=0
bash scripts/demo-replay.sh build "$out" || rc=$?
if [ "$rc" -ne 1 ]; then
	echo "demo: replay exited $rc; expected 1 (errors found); see $out/sim.log" >&2
	exit 1
fi
echo "== latticectl show $out/replay.ltrec --type 'config_*,component_scale*'"
build/src/latticectl show "$out/replay.ltrec" --type 'config_*,component_scale*'
echo "== the #4704 upgrade was reproduced: the findings above are the bug report's core"
