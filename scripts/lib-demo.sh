# lib-demo.sh: a throwaway nats-server with JetStream on a free loopback
# port, for scripts/demo.sh and the benchmarks. Source it; it sets
# NATS_URL and stops the server on exit.
demo_dir=$(mktemp -d "${TMPDIR:-/tmp}/latticectl-demo.XXXXXX")
demo_pids=()

demo_cleanup() {
	local p
	for p in "${demo_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${demo_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -n "${KEEP_DEMO:-}" ] || rm -rf "$demo_dir"
	return 0
}
trap demo_cleanup EXIT

demo_nats() {
	local bin deadline
	bin=$(command -v nats-server || echo /usr/sbin/nats-server)
	"$bin" -a 127.0.0.1 -p -1 -js -sd "$demo_dir/js" \
	    --ports_file_dir "$demo_dir" -l "$demo_dir/nats.log" "$@" &
	demo_pids+=($!)
	deadline=$((SECONDS + 20))
	until ls "$demo_dir"/*.ports >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || { echo "nats-server did not start" >&2; exit 1; }
		sleep 0.05
	done
	NATS_URL=$(sed -n 's/.*"nats":\["\([^"]*\)".*/\1/p' "$demo_dir"/*.ports)
	export NATS_URL
}
