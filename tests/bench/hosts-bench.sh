#!/usr/bin/env bash
# hosts-bench.sh: wall time of hosts, inventory, inventory HOST (a short
# id, then a full id) and doctor against latticesim (3 hosts and wadm by
# default) on a throwaway nats-server, gathering ping replies the old way
# ("before": --wait 5s, all of the window, as every run did before the
# quiet gap) and the new way ("after": no --wait, gathering ends 300ms
# after the last reply), with the ratio before/after. Each figure is the
# median of ROUNDS runs. Not run in CI.
#
#   tests/bench/hosts-bench.sh [HOSTS]   (default 3; BUILD_DIR=build-rel)
#   ROUNDS=5 (default 3)
#   BEFORE_BUILD=DIR times DIR/src/latticectl (a build of an older
#   commit) without --wait as "before", instead of --wait 5s
set -euo pipefail
cd "$(dirname "$0")/../.."
HOSTS=${1:-3}
ROUNDS=${ROUNDS:-3}
B=${BUILD_DIR:-build-rel}
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" --buildtype=release >/dev/null
fi
ninja -C "$B" >/dev/null
LT=$B/src/latticectl
OLD=${BEFORE_BUILD:+$BEFORE_BUILD/src/latticectl}
SIM=$B/tests/sim/latticesim
. scripts/lib-demo.sh
demo_nats
dir=$demo_dir

"$SIM" -s "$NATS_URL" --hosts "$HOSTS" --heartbeat 1s 2>"$dir/sim.log" &
demo_pids+=($!)
deadline=$((SECONDS + 30))
until grep -q "ready:" "$dir/sim.log"; do
	if [ $SECONDS -ge $deadline ]; then
		echo "latticesim did not start" >&2
		exit 1
	fi
	sleep 0.05
done
id=$("$LT" hosts --wait 1s -o json | jq -r '.hosts[0].id')
n=$("$LT" hosts --wait 1s -o json | jq '.hosts | length')
[ "$n" = "$HOSTS" ] || { echo "$n of $HOSTS hosts answer ping" >&2; exit 1; }

# secs CMD...: seconds of wall time CMD takes (its exit status ignored:
# doctor exits 1 on a lattice without its buckets' history).
secs() {
	local t0
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	awk -v a="$t0" -v b="$(date +%s%N)" \
	    'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}

# median CMD...: the median of ROUNDS runs of secs CMD.
median() {
	local i
	for ((i = 0; i < ROUNDS; i++)); do secs "$@"; done |
	    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# row NAME ARGS...: before, after and their ratio for latticectl ARGS.
row() {
	local name=$1 before after
	shift
	if [ -n "$OLD" ]; then
		before=$(median "$OLD" "$@")
	else
		before=$(median "$LT" "$@" --wait 5s)
	fi
	after=$(median "$LT" "$@")
	printf '%-22s %8ss %8ss %7sx\n' "$name" "$before" "$after" "$(awk \
	    -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", a / b }')"
}

echo "$HOSTS hosts, median of $ROUNDS runs; before: ${OLD:-"--wait 5s"}"
printf '%-22s %9s %9s %8s\n' "" before after ratio
row hosts hosts
row inventory inventory
row "inventory SHORT-ID" inventory "${id:0:8}"
row "inventory FULL-ID" inventory "$id"
row doctor doctor
