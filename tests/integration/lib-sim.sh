# lib-sim.sh: helpers for the t9NNN-sim-* tests (source after lib.sh).

T() {
	"$LT_HELPER" -s "$NATS_URL" "$@"
}

# start_sim ARGS...: run latticesim in the background (stderr in
# $TEST_DIR/sim.log) and wait until its hosts are up.
start_sim() {
	bg "$LT_SIM" -s "$NATS_URL" "$@"  2>"$TEST_DIR/sim.log"
	SIM_PID=$LAST_PID
	wait_for "latticesim ready" 20 grep -q "ready:" "$TEST_DIR/sim.log"
}

# start_rec NAME SUBJECT...: record matching messages, in order, to
# $TEST_DIR/NAME.rec ("SUBJECT [KV-OP] BODY" lines).
start_rec() {
	local name=$1
	shift
	bg "$LT_HELPER" -s "$NATS_URL" sub "$@" --count 0 --timeout 600s \
	    >"$TEST_DIR/$name.rec" 2>"$TEST_DIR/$name.rec.err"
	wait_for "$name recorder" 10 grep -q subscribed "$TEST_DIR/$name.rec.err"
}

# host_ids LATTICE: the ids of the hosts answering ping, one per line.
host_ids() {
	T gather "wasmbus.ctl.v1.$1.host.ping" --timeout 1s |
	    python3 -c 'import sys,json
for l in sys.stdin: print(json.loads(l)["response"]["id"])'
}

# jget JSON PYEXPR: evaluate PYEXPR with the parsed JSON bound to j.
jget() {
	printf '%s' "$1" | python3 -c "import sys,json
j=json.load(sys.stdin)
print($2)"
}

# has_line FILE REGEX: FILE has a line matching REGEX (for wait_for).
has_line() {
	grep -Eq -- "$2" "$1"
}
