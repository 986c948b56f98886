#!/usr/bin/env bash
# t3100-kv-diff: kv diff of snapshot files, the live bucket and points
# rebuilt from history (@REVISION, @TIME): added, removed (delete vs
# purge), changed keys and JSON fields, masking, exit codes (5 when a
# point cannot say what some keys held), bad files,
# LATTICECTL_EXTERNAL_DIFF, and the #4704 story (a config purged during an
# image bump).
. "$LT_SRCDIR/tests/lib/lib.sh"

T() { "$LT_HELPER" "$@" >/dev/null; }
B=CONFIGDATA_default
S=$TEST_DIR

start_nats
T kv-create $B --history 5
T kv-put $B hello-custom_config '{"greeting":"hi","name":"old","api_key":"k-1"}'
T kv-put $B keep '{"x":1}'
T kv-put $B to-delete '{"d":1}'
T kv-put $B to-purge '{"p":1}'
T kv-put $B text 'v1'
lt kv snapshot -f "$S/before.snap" 2>/dev/null
rev_before=$(head -n 1 "$S/before.snap" | jq -r .revision)
t_before=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
exit_code 0 "diff of a snapshot with the unchanged bucket" lt kv diff "$S/before.snap"
like "$(cat "$S/last.err")" "0 added, 0 removed \(0 deleted, 0 purged\), 0 changed" "no difference: summary"

sleep 0.01	# @TIME must fall strictly between the two states
T kv-put $B hello-custom_config '{"greeting":"hello","name":"old","api_key":"k-2","port":8080}'
T kv-del $B to-delete
T kv-purge $B to-purge
T kv-put $B new-one '[1,2,3]'
T kv-put $B text 'v2'
lt kv snapshot -f "$S/after.snap" 2>/dev/null

exit_code 1 "diff with the live bucket: differences (exit 1)" lt kv diff "$S/before.snap"
out=$(cat "$S/last.out")
like "$out" "^\+ new-one  \(added, rev [0-9]+\)" "added key"
like "$out" "- to-delete  \(deleted at rev [0-9]+; was rev [0-9]+\)" "removed key: deleted"
like "$out" "- to-purge  \(purged at rev [0-9]+; was rev [0-9]+\)" "removed key: purged"
like "$out" "~ hello-custom_config  \(rev [0-9]+ -> [0-9]+\)" "changed key with revisions"
like "$out" "~ greeting: \"hi\" -> \"hello\"" "changed JSON field"
like "$out" "\+ port: 8080" "added JSON field"
like "$out" "~ api_key: \"<redacted:[0-9a-f]{8}>\" -> \"<redacted:[0-9a-f]{8}>\"" "changed secret field: masks differ"
unlike "$out" "k-1|k-2" "no secret in the diff"
unlike "$out" "name:" "unchanged field not shown"
unlike "$out" "keep" "unchanged key not shown"
like "$out" "- v1" "changed text value: old"
like "$out" "\+ v2" "changed text value: new"
like "$(cat "$S/last.err")" "1 added, 2 removed \(1 deleted, 1 purged\), 2 changed" "summary counts"
exit_code 1 "diff of two files" lt kv diff "$S/before.snap" "$S/after.snap"
is "$(cat "$S/last.out")" "$out" "two files: the same diff as file vs live"
exit_code 1 "--live" lt kv diff "$S/before.snap" --live
exit_code 0 "a file with itself" lt kv diff "$S/after.snap" "$S/after.snap"
like "$(lt kv diff "$S/before.snap" --show-secrets 2>/dev/null)" "~ api_key: \"<redacted:" "a masked file stays masked under --show-secrets"
like "$(lt kv diff "$S/before.snap" --show-secrets 2>&1 >/dev/null)" "comparing with redaction 'secrets'" "--show-secrets with a masked file: a note"
lt kv snapshot --show-secrets --at "@$rev_before" -f "$S/open.snap" 2>/dev/null
out=$(lt kv diff "$S/open.snap" 2>/dev/null)
like "$out" "~ api_key: \"<redacted:" "an unmasked file is masked in the diff by default"
like "$(lt kv diff "$S/open.snap" --show-secrets 2>/dev/null)" "~ api_key: \"k-1\" -> \"k-2\"" "--show-secrets with an unmasked file shows the values"
like "$(lt kv diff "$S/before.snap" --redact-all 2>/dev/null)" "~ greeting: \"<redacted:" "--redact-all"

# -o json
j=$(lt kv diff "$S/before.snap" "$S/after.snap" -o json 2>/dev/null)
is "$(jq -r .schema <<<"$j")" "latticectl.kv-diff/1" "-o json: schema"
is "$(jq -c .summary <<<"$j")" '{"added":1,"removed":2,"deleted":1,"purged":1,"changed":2}' "-o json: summary"
is "$(jq -r '.changes[] | select(.key=="to-purge") | .change + " " + .op' <<<"$j")" "removed purge" "-o json: purge"
is "$(jq -r '.changes[] | select(.key=="to-delete") | .op' <<<"$j")" "delete" "-o json: delete"
is "$(jq -r '[.changes[] | select(.key=="hello-custom_config") | .fields[] | .field + ":" + .change] | join(",")' <<<"$j")" \
    "greeting:changed,api_key:changed,port:added" "-o json: fields"
is "$(jq -r '.a.source + " " + .b.bucket' <<<"$j")" "$S/before.snap $B" "-o json: sides"

# -o ndjson: one object per line, each parsed on its own: a line per change
# (the document's changes), then a summary line (its sides and counts).
exit_code 1 "-o ndjson: differences" lt kv diff "$S/before.snap" "$S/after.snap" -o ndjson
nd=$S/last.out
python3 - "$nd" >"$S/nd.check" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "ends with a newline"
objs = [json.loads(l) for l in lines[:-1]]
print(len(objs), " ".join(o["schema"] for o in objs))
PY
is "$?" 0 "-o ndjson: every line is one JSON object"
is "$(cat "$S/nd.check")" "6 $(printf 'latticectl.kv-diff-change/1 %.0s' 1 2 3 4 5)latticectl.kv-diff-summary/1" \
    "-o ndjson: five change lines, then the summary line"
is "$(jq -c 'select(.schema == "latticectl.kv-diff-change/1") | del(.schema)' "$nd")" "$(jq -c '.changes[]' <<<"$j")" \
    "-o ndjson: the change lines are -o json's changes"
is "$(tail -n 1 "$nd" | jq -c 'del(.schema)')" "$(jq -c 'del(.schema, .changes)' <<<"$j")" \
    "-o ndjson: the summary line is -o json's sides and summary"
is "$(jq -r 'select(.key == "to-purge") | .change + " " + .op' "$nd")" "removed purge" "-o ndjson: purge"
exit_code 0 "-o ndjson, no difference" lt kv diff "$S/after.snap" "$S/after.snap" -o ndjson
is "$(jq -c '[.schema, .summary.changed]' "$S/last.out")" '["latticectl.kv-diff-summary/1",0]' \
    "-o ndjson, no difference: the summary line alone"

# points rebuilt from history
# A point before the purge cannot say what the purged key held: the
# differences are printed and the exit status is 5 (partial), never 0 or 1.
exit_code 5 "@REVISION vs live: one key unknown, partial" lt kv diff "@$rev_before"
lt kv diff "$S/before.snap" 2>/dev/null | grep -v -e '^- to-purge' -e '^    - {"p":1}' >"$S/file-live.out"
is "$(cat "$S/last.out")" "$(cat "$S/file-live.out")" "@REVISION rebuilds the state the snapshot saw (but the purged key)"
like "$(cat "$S/last.err")" "at @$rev_before the state of 1 key is unknown" "the purged key's earlier state is unknown: warned"
like "$(tail -n 1 "$S/last.err")" "^latticectl: kv diff: at @$rev_before the state of 1 key is unknown .*1 key not compared" \
    "the last line says why the answer is partial"
like "$(cat "$S/last.err")" "[0-9]+ changed, 1 not compared" "the summary counts the key not compared"
exit_code 5 "@REVISION equals the snapshot taken then but for the unknown key" lt kv diff "@$rev_before" "$S/before.snap"
is "$(cat "$S/last.out")" "" "nothing differs among the keys compared"
exit_code 5 "@TIME equals the snapshot taken then but for the unknown key" lt kv diff "@$t_before" "$S/before.snap"
exit_code 5 "@TIME vs live: partial" lt kv diff "@$t_before"
lt kv snapshot --at "@$rev_before" -f "$S/at.snap" 2>/dev/null
exit_code 5 "kv snapshot --at writes the rebuilt state, unknown key included" lt kv diff "$S/at.snap" "$S/before.snap"
like "$(tail -n 1 "$S/last.err")" "in '$S/at.snap' the state of 1 key is unknown" "a file's unknown keys: partial too"
is "$(head -n 1 "$S/at.snap" | jq -r '.source + " " + (.unknown_keys|tostring)')" "@$rev_before 1" "the rebuilt snapshot records its point and unknown keys"
is "$(grep '"key":"to-purge"' "$S/at.snap" | jq -r .op)" "unknown" "the unknown key is written with op unknown"
exit_code 5 "@10m (a duration ago) before the bucket existed: empty vs empty, but the purged key is unknown" lt kv diff @10m @10m
exit_code 5 "@REVISION @now" lt kv diff "@$rev_before" @now
is "$(cat "$S/last.out")" "$(lt kv diff "@$rev_before" 2>/dev/null)" "@now is the live bucket"
exit_code 2 "bad point" lt kv diff @nonsense
exit_code 2 "point in the future" lt kv diff @2999-01-01T00:00:00Z

# history 1 (as CONFIGDATA really is): older states are partly unknown
T kv-create H1 --history 1
T kv-put H1 a '{"v":1}'
T kv-put H1 b '{"v":1}'
T kv-put H1 a '{"v":2}'
# (issue 19: this said "0 changed" and exited 0, which a script reads as
# "no difference")
exit_code 5 "history-1 bucket: @1 vs live, nothing comparable: partial" lt kv diff @1 --bucket H1
like "$(cat "$S/last.err")" "0 changed, 2 not compared" "history-1 bucket: the summary says 2 keys were not compared"
like "$(tail -n 1 "$S/last.err")" "^latticectl: kv diff: at @1 the state of 2 keys is unknown \(the bucket keeps only the last value of each key\): 2 keys not compared" \
    "history-1 bucket: the error says why"
exit_code 5 "history-1 bucket, -o json: partial" lt kv diff @1 @now --bucket H1 -o json
is "$(jq -c '[.a.unknown_keys, .summary.changed]' "$S/last.out")" "[2,0]" "-o json: the unknown keys and what it knows"
exit_code 5 "history-1 bucket, -q: still partial" lt -q kv diff @1 @now --bucket H1
exit_code 1 "history-1 bucket, @now vs a file: every key known" lt kv diff @now "$S/before.snap" --bucket H1

# bad files
head -n 3 "$S/before.snap" >"$S/trunc.snap"
exit_code 6 "truncated file (no end line)" lt kv diff "$S/trunc.snap"
like "$(cat "$S/last.err")" "'$S/trunc.snap' is truncated after 2 entries" "truncated: says so"
head -c 300 "$S/before.snap" >"$S/cut.snap"
exit_code 6 "file cut mid-line" lt kv diff "$S/cut.snap"
like "$(cat "$S/last.err")" "truncated" "cut mid-line: truncated"
echo 'hello world' >"$S/notjson.snap"
exit_code 6 "not JSON" lt kv diff "$S/notjson.snap"
like "$(cat "$S/last.err")" "is not a latticectl snapshot \(line 1 is not JSON\)" "not JSON: says so"
sed '1s/latticectl.snapshot\/1/latticectl.snapshot\/2/' "$S/before.snap" >"$S/v2.snap"
exit_code 6 "other schema version" lt kv diff "$S/v2.snap"
like "$(cat "$S/last.err")" "schema 'latticectl.snapshot/2'; this latticectl reads latticectl.snapshot/1" "other version: names both"
: >"$S/empty.snap"
exit_code 6 "empty file" lt kv diff "$S/empty.snap"
exit_code 6 "missing file" lt kv diff "$S/nope.snap"
like "$(cat "$S/last.err")" "cannot open snapshot '$S/nope.snap'" "missing file: names it"
sed '2s/"revision":[0-9]*/"revision":"x"/' "$S/before.snap" >"$S/badline.snap"
exit_code 6 "a damaged entry" lt kv diff "$S/badline.snap"
like "$(cat "$S/last.err")" "line 2 is not a snapshot entry" "damaged entry: names the line"
# a key on three lines (its end line counting them): which would win?
{ head -n 2 "$S/before.snap"; sed -n 2p "$S/before.snap"; sed '1d;$d' "$S/before.snap"
} >"$S/dup.snap"
echo "{\"kind\":\"end\",\"keys\":$(($(wc -l <"$S/dup.snap") - 1))}" >>"$S/dup.snap"
k=$(sed -n 2p "$S/before.snap" | jq -r .key)
exit_code 6 "a key on three lines" lt kv diff "$S/dup.snap"
like "$(cat "$S/last.err")" "is damaged: key '$k' is on 3 lines" "repeated key: named, with its count"
# a NUL in a key ("\u0000") would cut it short
sed '2s/"key":"\([^"]*\)"/"key":"\1\\u0000x"/' "$S/before.snap" >"$S/nul.snap"
exit_code 6 "a NUL in a key" lt kv diff "$S/nul.snap"
like "$(cat "$S/last.err")" "line 2 holds a NUL character" "NUL in a key: names the line"
lt kv snapshot --bucket H1 -f "$S/h1.snap" 2>/dev/null
exit_code 1 "a snapshot of another bucket: still diffed" lt kv diff "$S/h1.snap"
like "$(cat "$S/last.err")" "warning: comparing bucket 'H1' \($S/h1.snap\) with bucket '$B' \(live\)" "another bucket: warned"
like "$(cat "$S/last.err")" "\(live\) \(use --bucket\)$" "another bucket: the hint to pass --bucket"
exit_code 1 "stdin as A" lt kv diff - <"$S/before.snap"
exit_code 2 "no arguments" lt kv diff
exit_code 2 "two files and --live" lt kv diff "$S/before.snap" "$S/after.snap" --live
exit_code 3 "live side, no server" lt -s nats://127.0.0.1:1 kv diff "$S/before.snap"
exit_code 6 "bad file before connecting" lt -s nats://127.0.0.1:1 kv diff "$S/notjson.snap"

# LATTICECTL_EXTERNAL_DIFF
LATTICECTL_EXTERNAL_DIFF="diff -u" lt kv diff "$S/before.snap" "$S/after.snap" >"$S/ext.out" 2>/dev/null
is "$?" 1 "external diff: exit 1 on differences"
like "$(cat "$S/ext.out")" "^\+== new-one" "external diff: rendered files, added key"
like "$(cat "$S/ext.out")" '^-  "greeting": "hi",' "external diff: pretty JSON lines"
LATTICECTL_EXTERNAL_DIFF="/nonexistent/tool" lt kv diff "$S/before.snap" "$S/after.snap" >/dev/null 2>"$S/ext.err"
is "$?" 6 "external diff that cannot run: exit 6"

# #4704: an image bump purges a config the new manifest still references
T kv-create CONFIGDATA_story
T kv-put CONFIGDATA_story hello-custom_config '{"greeting":"Hello from config"}'
T kv-put CONFIGDATA_story hello-other_config '{"name":"other"}'
lt kv snapshot --bucket CONFIGDATA_story -f "$S/story-before.snap" 2>/dev/null
T kv-purge CONFIGDATA_story hello-custom_config	# wadm's cleanup after the bump
out=$(lt kv diff "$S/story-before.snap" --bucket CONFIGDATA_story 2>/dev/null)
is "$?" 1 "#4704: the purge is a difference"
like "$out" "^- hello-custom_config  \(purged at rev 3; was rev 1\)" "#4704: the purged config, with its revision"
like "$out" "- \{\"greeting\":\"Hello from config\"\}" "#4704: what it held"

done_testing
