#!/usr/bin/env bash
# t0000-cli: help, versions, command lookup, usage errors and connect
# failures with their documented exit codes.
. "$LT_SRCDIR/tests/lib/lib.sh"

out=$(lt --help)
like "$out" "^usage: latticectl" "--help prints usage"
like "$out" "watch +tail lattice events" "--help lists watch"
like "$(lt version)" "^latticectl [0-9.]+ \(nats.c 3\.[0-9.]+, cJSON" "version names libraries"
is "$(lt --version | cut -d' ' -f1)" "latticectl" "--version works"
like "$(lt version -o json)" '"schema":"latticectl.version/1"' "version -o json"

exit_code 2 "no command" lt
exit_code 2 "unknown command" lt wacth
like "$(cat "$TEST_DIR/last.err")" "The most similar commands are" "suggests commands"
like "$(cat "$TEST_DIR/last.err")" "	watch" "suggests watch for wacth"
unlike "$(cat "$TEST_DIR/last.err")" "latticectl.error/1" "no JSON error without -o json"
exit_code 2 "unknown command, -o json" lt wacth -o json
is "$(grep '^{' "$TEST_DIR/last.err" | jq -r '"\(.schema) \(.code) \(.message)"')" \
    "latticectl.error/1 2 'wacth' is not a latticectl command" \
    "an unknown command under -o json also writes the JSON error"
exit_code 2 "unknown option" lt watch --bogus
like "$(cat "$TEST_DIR/last.err")" "unknown option '--bogus'" "names the option"
like "$(cat "$TEST_DIR/last.err")" "see 'latticectl watch --help'" "points at --help"
exit_code 2 "missing option value" lt watch --count
exit_code 2 "bad --count" lt watch --count many -s nats://127.0.0.1:1
exit_code 2 "bad output format" lt -o yaml version
like "$(cat "$TEST_DIR/last.err")" "invalid --output 'yaml'" "names the format"
exit_code 2 "too many arguments" lt version extra

# Usage errors under -o json|ndjson: the text lines, then one JSON object.
for fmt in json ndjson; do
	exit_code 2 "missing argument, -o $fmt" lt kv get -o "$fmt"
	like "$(head -1 "$TEST_DIR/last.err")" "^latticectl: kv get: missing arguments" "-o $fmt: the text line first"
	is "$(tail -1 "$TEST_DIR/last.err" | jq -c '[.schema, .code, .status]')" \
	    '["latticectl.error/1",2,"usage"]' "-o $fmt: then one JSON error object"
	is "$(cat "$TEST_DIR/last.out")" "" "-o $fmt: nothing on stdout"
done
exit_code 2 "bad value, -o json" lt -o json --timeout soon version
like "$(tail -1 "$TEST_DIR/last.err" | jq -r .message)" "invalid duration 'soon'" "the JSON object names the value"
# A mistyped option is named; the word after it (maybe its secret value)
# is never echoed, nor taken for the command.
OPW=PlantOptPw0000
for args in "--pasword $OPW watch" "--pasword=$OPW watch" "kv --pasword $OPW get" \
    "-P $OPW watch" "watch --pasword $OPW" "-o json --pasword $OPW hosts" "--pasword $OPW"; do
	exit_code 2 "latticectl ${args//$OPW/S}" lt $args
	unlike "$(cat "$TEST_DIR/last.out" "$TEST_DIR/last.err")" "$OPW|is not a latticectl command" \
	    "latticectl ${args//$OPW/S}: S is not shown"
	like "$(head -1 "$TEST_DIR/last.err")" "unknown option '(--pasword|-P)'" "and the option is named"
done
exit_code 2 "a mistyped global option" lt --pasword "$OPW" watch
is "$(cat "$TEST_DIR/last.err")" "latticectl: unknown option '--pasword' (did you mean '--password'?). See 'latticectl --help'." \
    "one line with the nearest option"
exit_code 2 "an unknown global option holding ESC" lt $'--pa\e]0;x\asword' watch
is "$(tr -d '\n' <"$TEST_DIR/last.err" | tr -dc '\000-\037\177' | wc -c)" 0 \
    "its name is shown escaped (no raw control bytes)"

exit_code 2 "unknown option after -o json" lt -o json watch --bogus
is "$(tail -1 "$TEST_DIR/last.err" | jq -r .code)" 2 "unknown option: JSON error object"
exit_code 2 "usage error, -o text" lt kv get
unlike "$(cat "$TEST_DIR/last.err")" "latticectl.error" "no JSON object without -o json"
exit_code 2 "config without subcommand" lt config
for grp in "kv --help" "config --help" "--help kv" "config -h"; do
	exit_code 0 "group help: $grp" lt $grp
	like "$(cat "$TEST_DIR/last.out")" "^usage: latticectl (kv|config) " "$grp: usage on stdout"
	is "$(cat "$TEST_DIR/last.err")" "" "$grp: nothing on stderr"
done
exit_code 2 "group with an unknown subcommand and --help" lt kv bogus --help
exit_code 0 "watch --help" lt watch --help
like "$(cat "$TEST_DIR/last.out")" "impact:ro" "read-only commands say so"

# Global options after the command name.
like "$(lt config show --sources -x prod)" "lattice +prod +flag" "global option after command"
like "$(lt -x prod config show --sources)" "lattice +prod +flag" "global option before command"

# -x '*' only where a command spans lattices; the rest refuse a wildcard
# before connecting (the server below does not exist).
for c in hosts: inventory: doctor: "kv get:k" "kv snapshot:" "kv diff:a.json b.json" \
    "replay:a.yaml b.yaml --dry-run"; do
	cmd=${c%%:*}
	exit_code 2 "-x '*' $cmd: refused" lt -s nats://127.0.0.1:1 --timeout 1s -x '*' $cmd ${c#*:}
	like "$(head -1 "$TEST_DIR/last.err")" \
	    "^latticectl: $cmd: lattice '\*' has a wildcard, but $cmd works on one lattice" \
	    "-x '*' $cmd: one line naming the command"
done
exit_code 2 "-x 'a.>' kv ls: refused" lt -s nats://127.0.0.1:1 -x 'a.>' kv ls
exit_code 2 "WASMCLOUD_LATTICE='*' hosts: refused" env WASMCLOUD_LATTICE='*' "$LATTICECTL" hosts
exit_code 3 "-x '*' watch: accepted (then no server)" lt -s nats://127.0.0.1:1 --timeout 1s -x '*' watch --count 1
exit_code 3 "-x '*' sub: accepted (then no server)" lt -s nats://127.0.0.1:1 --timeout 1s -x '*' sub foo --count 1
like "$(lt -x '*' config show)" "lattice +\*" "-x '*' config show shows it"

# Connect failures: exit 3 with one clear line.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
exit_code 3 "server unreachable" lt -s "nats://127.0.0.1:$port" --timeout 1s watch --count 1
like "$(cat "$TEST_DIR/last.err")" "^latticectl: watch: cannot connect to 'nats://127.0.0.1:$port'" "says what failed"
is "$(lines "$TEST_DIR/last.err")" 1 "one line"
exit_code 3 "bad URL" lt -s "nats://[bad" --timeout 1s watch --count 1
exit_code 3 "missing creds file" lt -s "nats://127.0.0.1:$port" --creds /nonexistent.creds watch --count 1
like "$(cat "$TEST_DIR/last.err")" "/nonexistent.creds" "names the creds file"

start_nats auth --user alice --pass s3cretpw
exit_code 3 "auth refused" lt -s "$NATS_URL" --user alice --password wrong --timeout 2s watch --count 1
unlike "$(cat "$TEST_DIR/last.err")" "wrong" "the password is not echoed"

# Completion helper: one source for names, options and values.
like "$(lt __complete commands)" "^config	" "__complete commands"
unlike "$(lt __complete commands)" "__complete" "hidden commands are not offered"
like "$(lt __complete options watch)" "--until=" "__complete options watch"
like "$(lt __complete options watch)" "--lattice=" "global options are offered too"
is "$(lt __complete values -- --output | tr '\n' ' ')" "text wide json ndjson raw markdown html " "__complete values"
like "$(lt __complete commands config)" "^show	" "subcommands"

# -o names a format the command writes; the others are usage errors,
# caught before anything connects.
exit_code 2 "report -o wide" lt report /dev/null -o wide
like "$(cat "$TEST_DIR/last.err")" "-o wide is not an output of report \(it takes -o ndjson, markdown, html; usage: report FILE \[-o markdown\|html\|ndjson\]" \
    "names the format, what the command takes and its usage"
exit_code 2 "kv snapshot -o json" lt -s nats://127.0.0.1:1 kv snapshot -o json
like "$(cat "$TEST_DIR/last.err")" "-o json is one JSON document, but kv snapshot writes JSON lines: use -o ndjson" "kv snapshot writes JSON lines: -o ndjson"
exit_code 2 "doctor -o wide" lt -s nats://127.0.0.1:1 doctor -o wide
like "$(cat "$TEST_DIR/last.err")" "it takes -o text, json, ndjson" "doctor lists its formats"
exit_code 2 "hosts -o raw" lt -s nats://127.0.0.1:1 hosts -o raw
exit_code 2 "replay -o json" lt replay a.yaml b.yaml --dry-run -o json
printf '{"schema":"latticectl.rec/1","seq":1,"t":"2026-11-24T10:00:00Z","kind":"end","records":1}\n' \
    >"$TEST_DIR/min.ltrec"
exit_code 0 "show reads a recording whatever -x says" lt -x '*' show "$TEST_DIR/min.ltrec"
exit_code 2 "a lattice name with a dot" lt -x a.b kv ls
like "$(cat "$TEST_DIR/last.err")" "lattice 'a.b' is not a lattice name" "says why"
exit_code 2 "watch: a lattice name with a dot" lt -x a.b watch
exit_code 2 "watch: a wildcard other than '*' alone" lt -x '>' watch
like "$(cat "$TEST_DIR/last.err")" "'\*' alone for every one" "says what watch takes"
exit_code 0 "a command that never uses the lattice takes any -x" lt -x a.b version

# filter operands: incomplete or NaN ones are usage errors, before any
# connection (the server address is a closed port)
exit_code 2 "watch --where without a value" \
    lt -s nats://127.0.0.1:1 watch --where 'data.max_instances>'
like "$(cat "$TEST_DIR/last.err")" "missing value after '>'" "names what is missing"
exit_code 2 "watch --where PATH>nan" lt -s nats://127.0.0.1:1 watch --where 'data.x>nan'
exit_code 2 "show --where PATH<NaN" lt show /dev/null --where 'data.x<NaN'
exit_code 2 "watch --since nan" lt -s nats://127.0.0.1:1 watch --since nan
like "$(cat "$TEST_DIR/last.err")" "invalid --since 'nan'" "names the bad --since"

# Option values are parsed once, into the command's options struct, before
# anything else is read or any connection made (docs/architecture.md,
# Commands): a bad value is exit 2 naming the option, even when the
# manifests cannot be read and no server listens.
exit_code 2 "replay --settle soon: before the manifests are read" \
    lt -s nats://127.0.0.1:1 replay "$TEST_DIR/none-a.yaml" "$TEST_DIR/none-b.yaml" --settle soon
like "$(cat "$TEST_DIR/last.err")" "--settle: invalid duration 'soon'" "names --settle"
unlike "$(cat "$TEST_DIR/last.err")" "cannot open" "nothing read first"
exit_code 2 "replay --wait soon" lt replay "$TEST_DIR/none-a.yaml" "$TEST_DIR/none-b.yaml" --wait soon
like "$(cat "$TEST_DIR/last.err")" "--wait: invalid duration 'soon'" "names --wait"
exit_code 2 "replay --version-suffix with a space" \
    lt replay "$TEST_DIR/none-a.yaml" "$TEST_DIR/none-b.yaml" --version-suffix 'x y'
like "$(cat "$TEST_DIR/last.err")" "--version-suffix: 'x y' is not auto" "names --version-suffix"
exit_code 2 "doctor --wait soon, no server" lt -s nats://127.0.0.1:1 doctor --wait soon
like "$(cat "$TEST_DIR/last.err")" "--wait: invalid duration 'soon'" "doctor names --wait"
exit_code 2 "doctor --since 0s, no server" lt -s nats://127.0.0.1:1 doctor --since 0s
like "$(cat "$TEST_DIR/last.err")" "--since must be longer than 0s" "doctor's own check"
exit_code 2 "app --wait soon, no server" lt -s nats://127.0.0.1:1 app --wait soon
exit_code 2 "kv get --revision x, no server" lt -s nats://127.0.0.1:1 kv get k --revision x
like "$(cat "$TEST_DIR/last.err")" "--revision: invalid number 'x'" "names --revision"
exit_code 2 "kv snapshot with both redaction flags, no server" \
    lt -s nats://127.0.0.1:1 kv snapshot --show-secrets --redact-all
exit_code 2 "report --format yaml" lt report /dev/null --format yaml
like "$(cat "$TEST_DIR/last.err")" "--format" "names --format"

# libcurl (and its TLS, Kerberos, LDAP libraries) is loaded only by the
# commands that fetch over HTTP: watch and the rest start without it.
unlike "$(ldd "$LATTICECTL")" "libcurl" "libcurl is not linked in"
unlike "$(LD_DEBUG=files lt version 2>&1 >/dev/null)" "libcurl" \
    "a command without HTTP does not load libcurl"

done_testing
