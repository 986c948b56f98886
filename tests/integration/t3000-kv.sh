#!/usr/bin/env bash
# t3000-kv: kv ls, get, history and snapshot against a real nats-server:
# put/delete/purge sequences, masking, binary and 1 MiB values, odd key
# characters, a missing bucket, JetStream disabled, exit codes.
. "$LT_SRCDIR/tests/lib/lib.sh"

T() { "$LT_HELPER" "$@"; }
B=CONFIGDATA_default
# json_doc: stdin is exactly one JSON document (a second one, or trailing
# data, fails the parse); prints its schema. ndjson_lines: every line of
# stdin is one JSON object with a schema; prints how many.
json_doc() {
	python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["schema"])'
}
ndjson_lines() {
	python3 -c '
import json, sys
n = 0
for line in sys.stdin.read().splitlines():
    o = json.loads(line)
    assert isinstance(o, dict) and "schema" in o, line
    n += 1
print(n)'
}

start_nats
T kv-create $B --history 5 >/dev/null
T kv-create LATTICEDATA_default >/dev/null
T kv-create CONFIGDATA_other >/dev/null
T kv-put $B hello-custom_config '{"greeting":"hi","name":"x","api_key":"s3cret-1"}' >/dev/null
T kv-put $B SECRET_db_password 'hunter2' >/dev/null
T kv-put $B plain 'just text' >/dev/null
T kv-put $B gone '{"a":1}' >/dev/null
T kv-del $B gone
T kv-put $B wiped '{"b":2}' >/dev/null
T kv-purge $B wiped

# kv ls
out=$(lt kv ls)
like "$out" "^BUCKET +KEYS" "kv ls: a table of buckets"
like "$out" "CONFIGDATA_default +[0-9]+ +[0-9]+ +[0-9]+ +5 " "kv ls: CONFIGDATA_default with history 5"
like "$out" "LATTICEDATA_default" "kv ls: the lattice's LATTICEDATA bucket"
unlike "$out" "CONFIGDATA_other" "kv ls: another lattice's bucket is not listed"
like "$(lt kv ls --all)" "CONFIGDATA_other" "kv ls --all: every bucket"
like "$(lt -x other kv ls)" "CONFIGDATA_other" "kv ls -x other"
is "$(lt kv ls -o json | jq -r '.buckets[0].bucket')" "CONFIGDATA_default" "kv ls -o json"
is "$(lt kv ls -o json | json_doc)" "latticectl.kv-buckets/1" "kv ls -o json: one document"
is "$(lt kv ls -o ndjson | ndjson_lines)" 2 "kv ls -o ndjson: one object per bucket"
is "$(lt kv ls -o ndjson | jq -r .schema | sort -u)" "latticectl.kv-bucket/1" "kv ls -o ndjson: schema per line"
out=$(lt kv ls $B)
like "$out" "^KEY +REVISION +OP +AGE +SIZE" "kv ls BUCKET: a table of keys"
like "$out" "gone +[0-9]+ +delete" "kv ls: a deleted key shows op delete"
like "$out" "wiped +[0-9]+ +purge" "kv ls: a purged key shows op purge"
is "$(lt kv ls --bucket $B | grep -c '^hello-custom_config ')" 1 "kv ls --bucket"
like "$(lt kv ls $B)" "plain +[0-9]+ +put +[^ ]+ +9$" "kv ls: the size of a value it did not fetch"
is "$(lt kv ls $B -o json | json_doc)" "latticectl.kv-keys/1" "kv ls BUCKET -o json: one document"
is "$(lt kv ls $B -o json | jq -r '[.keys[] | .key + ":" + .op + ":" + (.size // "-" | tostring)] | join(" ")')" \
    "SECRET_db_password:put:7 gone:delete:- hello-custom_config:put:49 plain:put:9 wiped:purge:-" "kv ls -o json: keys, ops and sizes"
is "$(lt kv ls $B -o json | jq '[.keys[] | select(has("value"))] | length')" 0 "kv ls -o json: no values"
is "$(lt kv ls $B -o ndjson | ndjson_lines)" 5 "kv ls BUCKET -o ndjson: one object per key"
is "$(lt kv ls $B -o ndjson | jq -r 'select(.key=="plain") | .schema + " " + .bucket')" "latticectl.kv-entry/1 $B" "kv ls -o ndjson: schema and bucket on each line"
out=$(lt kv ls $B -o wide)
like "$out" "hello-custom_config .*\"api_key\":\"<redacted:[0-9a-f]{8}>\"" "kv ls -o wide masks secret fields"
unlike "$out" "s3cret-1|hunter2" "kv ls -o wide shows no secret"
like "$(lt kv ls $B -o wide --show-secrets)" "s3cret-1" "kv ls --show-secrets"

# kv get
out=$(lt kv get hello-custom_config)
like "$out" '"greeting": "hi"' "kv get: pretty JSON"
like "$out" '"api_key": "<redacted:' "kv get: secret field masked"
like "$(lt kv get hello-custom_config --show-secrets)" '"api_key": "s3cret-1"' "kv get --show-secrets"
out=$(lt kv get hello-custom_config --redact-all)
unlike "$out" '"hi"' "kv get --redact-all masks every value"
like "$out" '"greeting": "<redacted:' "kv get --redact-all keeps member names"
is "$(lt kv get plain)" "just text" "kv get: text value"
like "$(lt kv get SECRET_db_password)" "^<redacted:[0-9a-f]{8}>$" "kv get: a secret key is masked whole"
is "$(lt kv get SECRET_db_password --show-secrets -o raw)" "hunter2" "kv get -o raw --show-secrets"
is "$(lt kv get hello-custom_config -o json | jq -r '.bucket + " " + .op + " " + .value.name')" \
    "$B put x" "kv get -o json"
is "$(lt kv get hello-custom_config -o json | json_doc)" "latticectl.kv-entry/1" "kv get -o json: one document"
is "$(lt kv get hello-custom_config -o ndjson | ndjson_lines)" 1 "kv get -o ndjson: one line"
rev=$(lt kv get hello-custom_config -o json | jq -r .revision)
T kv-put $B hello-custom_config '{"greeting":"hello","name":"x"}' >/dev/null
like "$(lt kv get hello-custom_config --revision "$rev")" '"greeting": "hi"' "kv get --revision N: an older revision"
like "$(lt kv get hello-custom_config -o wide)" "^# hello-custom_config revision [0-9]+" "kv get -o wide: a metadata line"
exit_code 6 "kv get: missing key" lt kv get nope
like "$(cat "$TEST_DIR/last.err")" "key 'nope' not found in bucket 'CONFIGDATA_default'" "missing key: one clear line"
exit_code 6 "kv get: deleted key" lt kv get gone
like "$(cat "$TEST_DIR/last.err")" "key 'gone' was deleted at revision [0-9]+" "deleted key: says when"
exit_code 6 "kv get: purged key" lt kv get wiped
like "$(cat "$TEST_DIR/last.err")" "was purged at revision" "purged key: says so"
exit_code 6 "kv get --revision of another key" lt kv get plain --revision 1
exit_code 2 "kv get: no key" lt kv get
exit_code 2 "kv get: bad --revision" lt kv get plain --revision x
exit_code 2 "kv get: --show-secrets with --redact-all" lt kv get plain --show-secrets --redact-all

# kv history
T kv-del $B plain
T kv-put $B plain 'back again' >/dev/null
out=$(lt kv history plain)
like "$out" "^REVISION +OP +CREATED +SIZE +VALUE" "kv history: a table"
is "$(printf '%s\n' "$out" | awk 'NR > 1 { print $2 }' | tr '\n' ' ')" "put delete put " "kv history: put, delete, put in order"
like "$out" "back again" "kv history: values"
is "$(lt kv history plain -o json | json_doc)" "latticectl.kv-history/1" "kv history -o json: one document"
is "$(lt kv history plain -o json | jq -r '.key + " " + ([.entries[].op] | join(",")) + " " + (.entries[2].value | @base64d)')" \
    "plain put,delete,put back again" "kv history -o json: the entries in order"
is "$(lt kv history plain -o ndjson | ndjson_lines)" 3 "kv history -o ndjson: one object per line"
is "$(lt kv history plain -o ndjson | jq -sr 'map(.op) | join(",")')" "put,delete,put" "kv history -o ndjson: the entries in order"
like "$(lt kv history hello-custom_config)" "<redacted:" "kv history masks secret fields"
exit_code 6 "kv history: unknown key" lt kv history nope
exit_code 2 "kv history: -o raw is refused" lt kv history plain -o raw
is "$(lt kv history plain 2>&1 >/dev/null)" "" "kv history, history 5: no note"
# A bucket that keeps only the last value (history 1, as hosts create
# CONFIGDATA): kv history says so on stderr, once.
T kv-create H1 --history 1 >/dev/null
T kv-put H1 k 'one' >/dev/null
T kv-put H1 k 'two' >/dev/null
exit_code 0 "kv history on a history-1 bucket" lt kv history k --bucket H1
is "$(awk 'NR > 1 { print $2, $NF }' "$TEST_DIR/last.out")" "put two" "history 1: the last value alone"
is "$(cat "$TEST_DIR/last.err")" "latticectl: kv history: note: bucket 'H1' keeps only the last value of each key (history 1): earlier values are not kept" \
    "history 1: a one-line note on stderr"
exit_code 0 "kv history on a history-1 bucket, -o json" lt kv history k --bucket H1 -o json
is "$(jq -r '[.entries[].op] | join(",")' "$TEST_DIR/last.out")" "put" "-o json: stdout stays the document"
like "$(cat "$TEST_DIR/last.err")" "keeps only the last value" "-o json: the note on stderr"
is "$(lt -q kv history k --bucket H1 2>&1 >/dev/null)" "" "-q: no note"

# odd keys, binary and 1 MiB values
for k in a.b.c x=y p/q _u -dash; do
	T kv-put $B "$k" "{\"k\":\"$k\"}" >/dev/null
done
ok_keys=0
for k in a.b.c x=y p/q _u -dash; do
	[ "$(lt kv get -o json -- "$k" | jq -r .value.k)" = "$k" ] && ok_keys=$((ok_keys + 1))
done
is "$ok_keys" 5 "odd key characters (. = / _ -) round-trip through get"
head -c 4096 /dev/urandom >"$TEST_DIR/bin"
printf '\0\1\2\377' >>"$TEST_DIR/bin"
T kv-put $B blob "@$TEST_DIR/bin" >/dev/null
lt kv get blob -o raw >"$TEST_DIR/bin.out"
check "kv get -o raw: binary bytes unchanged" cmp -s "$TEST_DIR/bin" "$TEST_DIR/bin.out"
like "$(lt kv get blob)" "^\(binary, 4100 bytes\)$" "kv get: binary shown as a size"
python3 -c 'import json; print(json.dumps({"data": "x" * (1024 * 1024 - 20)}))' >"$TEST_DIR/big"
T kv-put $B big "@$TEST_DIR/big" >/dev/null
is "$(lt kv get big -o json | jq -r '.value.data | length')" 1048556 "kv get: a 1 MiB value"

# kv snapshot
lt kv snapshot -f "$TEST_DIR/s.snap" 2>"$TEST_DIR/snap.err"
ok $? "kv snapshot -f FILE"
like "$(cat "$TEST_DIR/snap.err")" "kv snapshot: CONFIGDATA_default: [0-9]+ keys" "kv snapshot: a summary on stderr"
h=$(head -n 1 "$TEST_DIR/s.snap")
is "$(jq -r .schema <<<"$h")" "latticectl.snapshot/1" "snapshot header: schema"
is "$(jq -r '.bucket + " " + .lattice + " " + .redaction' <<<"$h")" "$B default secrets" "snapshot header: bucket, lattice, redaction"
like "$(jq -r '.server.id + " " + .server.version' <<<"$h")" "^N[A-Z0-9]+ 2\." "snapshot header: server id and version"
is "$(jq -r .stream_last_seq <<<"$h")" "$(lt kv ls -o json | jq -r '.buckets[] | select(.bucket=="'$B'") | .last_seq')" "snapshot header: the stream's last sequence"
like "$(jq -r .duration_ms <<<"$h")" "^[0-9.]+$" "snapshot header: time taken"
is "$(tail -n 1 "$TEST_DIR/s.snap" | jq -r .kind)" "end" "snapshot: an end line"
e=$(grep '"key":"hello-custom_config"' "$TEST_DIR/s.snap")
is "$(jq -r '.op + " " + .value.greeting' <<<"$e")" "put hello" "snapshot entry: op and JSON value"
like "$(jq -r .created <<<"$e")" "^20[0-9-]+T[0-9:.]+Z$" "snapshot entry: created time"
is "$(grep '"key":"gone"' "$TEST_DIR/s.snap" | jq -r '.op + " " + (.value // "none")')" "delete none" "snapshot: delete marker, no value"
is "$(grep '"key":"wiped"' "$TEST_DIR/s.snap" | jq -r .op)" "purge" "snapshot: purge marker"
is "$(grep '"key":"blob"' "$TEST_DIR/s.snap" | jq -r .encoding)" "base64" "snapshot: binary as base64"
grep '"key":"blob"' "$TEST_DIR/s.snap" | jq -r .value | base64 -d >"$TEST_DIR/bin.snap"
check "snapshot: base64 decodes to the bytes" cmp -s "$TEST_DIR/bin" "$TEST_DIR/bin.snap"
is "$(grep '"key":"SECRET_db_password"' "$TEST_DIR/s.snap" | jq -r .encoding)" "redacted" "snapshot: secret key masked, marked redacted"
unlike "$(cat "$TEST_DIR/s.snap")" "hunter2|s3cret" "snapshot file holds no secret"
is "$(lt kv snapshot --show-secrets 2>/dev/null | head -n 1 | jq -r .redaction)" "none" "snapshot --show-secrets records redaction none"
is "$(lt kv snapshot --show-secrets 2>/dev/null | grep '"key":"SECRET_db_password"' | jq -r .value | base64 -d)" "hunter2" "snapshot --show-secrets keeps values"
is "$(lt kv snapshot --redact-all 2>/dev/null | grep '"key":"plain"' | jq -r .encoding)" "redacted" "snapshot --redact-all masks text values"
is "$(lt kv snapshot 2>/dev/null | grep -c '"key":"big"')" 1 "snapshot to stdout with a 1 MiB value"
lt kv snapshot | head -c 100 >/dev/null
is "${PIPESTATUS[0]}" 0 "kv snapshot | head: exit 0"
is "$(lt kv snapshot --bucket LATTICEDATA_default 2>/dev/null | jq -sr '.[0].keys')" 0 "snapshot of an empty bucket"
exit_code 2 "kv snapshot: bad --at" lt kv snapshot --at nonsense
exit_code 2 "kv snapshot: --at in the future" lt kv snapshot --at 2999-01-01T00:00:00Z
exit_code 6 "kv snapshot: unwritable file" lt kv snapshot -f /nonexistent/dir/x.snap

# faults: missing bucket, JetStream disabled, no server
exit_code 6 "missing bucket" lt -x nolattice kv snapshot
err=$(cat "$TEST_DIR/last.err")
like "$err" "bucket 'CONFIGDATA_nolattice' not found \(lattice 'nolattice'\)" "missing bucket: names bucket and lattice"
like "$err" "-x" "missing bucket: suggests -x"
is "$(wc -l <"$TEST_DIR/last.err" | tr -d ' ')" 1 "missing bucket: one line"
exit_code 6 "missing --bucket" lt kv get k --bucket NOPE
like "$(cat "$TEST_DIR/last.err")" "bucket 'NOPE' not found" "missing --bucket: names it"
exit_code 2 "invalid bucket name" lt kv ls --bucket 'a b'
save=$NATS_URL
NATS_JS=0 start_nats nojs
exit_code 6 "JetStream disabled" lt kv ls
like "$(cat "$TEST_DIR/last.err")" "JetStream is not enabled" "JetStream disabled: says so"
exit_code 6 "JetStream disabled: snapshot" lt kv snapshot
NATS_URL=$save
exit_code 3 "no server" lt -s nats://127.0.0.1:1 kv snapshot
exit_code 2 "kv: no subcommand" lt kv
exit_code 2 "kv: unknown subcommand" lt kv frobnicate

# A TLS config's "key" is a private key: masked like any *key* name.
T kv-put CONFIGDATA_other tls '{"cert":"-----BEGIN CERTIFICATE-----c","key":"-----BEGIN PRIVATE KEY-----k"}' >/dev/null
out=$(lt -x other kv get tls)
like "$out" '"key": "<redacted:[0-9a-f]{8}>"' "kv get: a field named key is masked"
unlike "$out" "PRIVATE KEY" "kv get: the private key is not shown"
like "$out" "BEGIN CERTIFICATE" "kv get: the certificate is"

done_testing
