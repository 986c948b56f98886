#!/usr/bin/env bash
# t5150-report-timeline: the HTML report's SVG sequence diagram, checked in
# headless Chromium (marks per lane, no console error, the script runs,
# readable without it, screenshots at 1,400 px, phone width and in the
# dark scheme kept in build/tests/artifacts), hostile wire text in every context, and long
# recordings: the markdown report fits a GitHub issue body with the
# timeline in a file beside it, the HTML report draws a window around the
# findings, and a pipe is read twice.
. "$LT_SRCDIR/tests/lib/lib.sh"

H=NCTZ3B57642SU3Z4FFCZTEPTOWVBDDJ3LTLACKKAYTEXQ5CQ45P3TWCG
R=$TEST_DIR/hostile.ltrec
ART=$LT_BUILDDIR/tests/artifacts
LS=$(printf '\xe2\x80\xa8')	# U+2028 LINE SEPARATOR
BAD="</script><script>document.title='pwned'</script><img src=x onerror=\\\"document.title='img'\\\"> \\\"q\\\" 'a' $LS end"
mkdir -p "$ART"

rec() { # SEQ KIND JSON-MEMBERS
	printf '{"schema":"latticectl.rec/1","seq":%s,"t":"2026-11-24T08:00:%02d.000000000Z","kind":"%s"%s}\n' \
	    "$1" "$1" "$2" "${3:+,$3}"
}
{
	rec 1 meta '"tool":"latticectl","version":"0.1","lattice":"default"'
	rec 2 phase '"phase":"deploy '"$BAD"'"'
	rec 3 ctl.request '"subject":"wasmbus.ctl.v1.default.component.scale.'$H'","pair":1,"payload":{"component_id":"'"$BAD"'"}'
	rec 4 ctl.reply '"subject":"_INBOX.x","pair":1,"latency_ms":7,"payload":{"success":false,"message":"'"$BAD"'"}'
	rec 5 event '"subject":"wasmbus.evt.default.component_scaled","event":{"specversion":"1.0","id":"e1","type":"com.wasmcloud.lattice.component_scaled","source":"'$H'","time":"2026-11-24T08:00:05Z","data":{"host_id":"'$H'","component_id":"'"$BAD"'","image_ref":"x","max_instances":1}}'
	rec 6 inventory '"host":"'$H'","payload":{"friendly_name":"'"$BAD"'","version":"1.8.0","components":[]}'
	rec 7 kv '"bucket":"CONFIGDATA_default","key":"'"$BAD"'","op":"put","revision":2'
	rec 8 probe '"url":"http://127.0.0.1:8000/","http_status":500,"body":"'"$BAD"'"'
	rec 9 wadm.request '"subject":"wadm.api.default.model.put","from":"latticectl","pair":2,"payload":{}'
	rec 10 wadm.reply '"subject":"_INBOX.a","pair":2,"payload":{"result":"created","message":"'"$BAD"'"}'
	rec 11 finding '"severity":"error","id":"scale-failed","title":"'"$BAD"'","evidence":[4,5],"next":"'"$BAD"'"'
	rec 12 end '"events":1'
} >"$R"
jq -e . "$R" >/dev/null
is "$?" 0 "the hostile recording is valid JSON lines"

lt report "$R" --format html -f "$TEST_DIR/h.html"
is "$?" 0 "report --format html of hostile text"
html=$(cat "$TEST_DIR/h.html")
is "$(grep -o '<script' "$TEST_DIR/h.html" | wc -l)" 2 "only the report's own two <script> elements"
is "$(grep -o '</script' "$TEST_DIR/h.html" | wc -l)" 2 "and only their two ends"
unlike "$html" '<img' "no <img> from the wire"
unlike "$html" "$LS" "no raw U+2028 anywhere"
json() { # the embedded records
	python3 -c 'import re,sys; print(re.search(r"<script type=\"application/json\" id=\"recs\">(.*?)</script>", open(sys.argv[1]).read(), re.S).group(1))' "$1"
}
is "$(json "$TEST_DIR/h.html" | jq -r '."5".event.data.component_id')" \
    "$(jq -r 'select(.seq==5).event.data.component_id' "$R")" \
    "the embedded JSON holds the hostile text exactly"
like "$html" 'data-lane="host NCTZ3B57"' "marks name their lane"
unlike "$(grep -o '\(src\|href\)="[a-z]*:' "$TEST_DIR/h.html")" '.' "no external URL"

CHROME=$(command -v chromium || command -v chromium-browser)
chrome() { # OUT-STEM WIDTH [FLAG...]: dump the DOM and a screenshot
	local stem=$1 w=$2
	shift 2
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$TEST_DIR/chrome-$stem" --enable-logging=stderr --v=0 \
	    --window-size="$w,900" "$@" --dump-dom "file://$PAGE" \
	    >"$TEST_DIR/$stem.dom" 2>"$TEST_DIR/$stem.log"
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$TEST_DIR/chrome-$stem" --window-size="$w,900" "$@" \
	    --screenshot="$ART/$stem.png" "file://$PAGE" >/dev/null 2>&1
}
if [ -n "$CHROME" ]; then
	PAGE=$TEST_DIR/h.html
	chrome report-hostile-1400 1400
	dom=$(cat "$TEST_DIR/report-hostile-1400.dom")
	like "$dom" '<title>latticectl report</title>' "no injected script ran (title kept)"
	unlike "$(grep CONSOLE "$TEST_DIR/report-hostile-1400.log")" '.' "no console message"
	like "$dom" '<div id="controls">' "the script ran: the controls are shown"
	host=$(grep -o 'data-lane="host NCTZ3B57"' "$TEST_DIR/report-hostile-1400.dom" | wc -l)
	is "$host" "$(jq -s '[.[] | select(.kind | test("^ctl\\.|^event$|^inventory$"))] | length' "$R")" \
	    "the host's lane has a mark per ctl message, event and inventory"
	is "$(grep -o 'data-lane="kv"' "$TEST_DIR/report-hostile-1400.dom" | wc -l)" 1 "one mark in the kv lane"
	is "$(grep -o 'data-lane="probe"' "$TEST_DIR/report-hostile-1400.dom" | wc -l)" 1 "one in the probe lane"
	is "$(grep -o 'data-lane="wadm"' "$TEST_DIR/report-hostile-1400.dom" | wc -l)" 2 "two wadm API calls in wadm's lane"
	like "$dom" 'class="m l1 k[0-9]+ ev rep"' "the evidence reply is highlighted"
	like "$dom" 'id="m11" data-seq="11" data-kind="finding" href="#m4"' "the finding links to its first evidence"
	check "screenshot at 1400 px" [ -s "$ART/report-hostile-1400.png" ]
	chrome report-hostile-390 390
	# The script: a click on a mark shows its whole record, the buttons
	# zoom, a box hides a lane (a copy of the page clicks for us).
	{ cat "$TEST_DIR/h.html"; cat <<'JS'; } >"$TEST_DIR/click.html"
<script>
document.getElementById('m5').dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
document.getElementById('zin').click();
document.querySelector('#controls input[data-hide="hl1"]').click();
</script>
JS
	PAGE=$TEST_DIR/click.html
	chrome click 1400
	dom=$(cat "$TEST_DIR/click.dom")
	like "$dom" '<div id="tl" class="hl1" style="zoom: 1.25;">' "zoom in and a lane hidden"
	like "$dom" '<pre id="detail">\{' "a click shows the record"
	like "$dom" '"component_id": "&lt;/script&gt;&lt;script&gt;document.title=' "the whole record, as text"
	like "$dom" 'class="m l1 k[0-9]+ ev sel"' "the clicked mark is selected"
	unlike "$(grep CONSOLE "$TEST_DIR/click.log")" '.' "no console message"
	check "screenshot at phone width" [ -s "$ART/report-hostile-390.png" ]
	PAGE=$TEST_DIR/h.html
	chrome report-hostile-dark 1400 --force-dark-mode
	check "screenshot in the dark scheme" [ -s "$ART/report-hostile-dark.png" ]
	unlike "$(grep CONSOLE "$TEST_DIR/report-hostile-dark.log")" '.' "no console message in the dark scheme"
else
	ok 0 "chromium is installed (scripts/setup.sh)"
fi

# Without JavaScript the page as written is the page shown: a static SVG.
like "$html" '<div id="controls" hidden>' "without JavaScript the controls stay hidden"
is "$(grep -o '<a class="m ' "$TEST_DIR/h.html" | wc -l)" 10 "the static SVG has all 10 marks"

# Markdown of the same: nothing escapes its context (the timeline is a
# fenced block, where it is text).
lt report "$R" -f "$TEST_DIR/h.md"
md=$(sed '/^<details>/,$d' "$TEST_DIR/h.md")
unlike "$md" '<script|<img' "markdown: no HTML from the wire"

cd "$TEST_DIR" || exit 1	# where a stray timeline file would go

# A long recording: the markdown fits an issue body, the timeline goes to
# a file next to it; HTML draws a window around the findings.
BIG=$TEST_DIR/big.ltrec
python3 "$LT_SRCDIR/tests/bench/gen-recording.py" 30000 "$BIG" --hosts 4 --findings 3
n=$(wc -l <"$BIG")
mkdir "$TEST_DIR/out"
lt report "$BIG" -f "$TEST_DIR/out/issue.md" 2>"$TEST_DIR/big.err"
is "$?" 0 "report of $n records"
chars=$(wc -m <"$TEST_DIR/out/issue.md")
check "the markdown holds at most 65,536 characters ($chars)" [ "$chars" -le 65536 ]
md=$(cat "$TEST_DIR/out/issue.md")
like "$md" 'it is in `issue\.timeline\.txt`, next to this report' "the report names the timeline file"
is "$(wc -l <"$TEST_DIR/out/issue.timeline.txt")" $((n - 2)) "the timeline file has a line per record but meta and end"
like "$md" '\| recorded \| 2026-11-30T00:00:00\.007000000Z \(UTC\) \|' "full RFC 3339 UTC times: the first record's"
like "$md" '\| last record \| 2026-11-30T00:03:30\.000000000Z \(UTC; 3m29s from' "and the last's"
like "$md" "\| kind \| meta 1, phase 5, ctl\.request [0-9]+" "counts per kind"
like "$md" '\| lane \| .*host NCTZAA57 [0-9]+' "counts per host"
is "$(grep -c '^### Evidence of finding' "$TEST_DIR/out/issue.md")" 3 "a diagram per finding"
ev=$(jq -r 'select(.kind=="finding") | .evidence[0]' "$BIG" | head -1)
like "$md" "\[$ev\] reply ok" "a finding's evidence is drawn"
like "$md" "\[$((ev - 1))\] component\.scale" "with the record before it"
exit_code 6 "an existing report is not replaced" lt report "$BIG" -f "$TEST_DIR/out/issue.md"
rm "$TEST_DIR/out/issue.md"
exit_code 6 "nor an existing timeline file" lt report "$BIG" -f "$TEST_DIR/out/issue.md"
like "$(cat "$TEST_DIR/last.err")" "issue\.timeline\.txt' exists" "which is named"
check "and no report is left half done" [ ! -e "$TEST_DIR/out/issue.md" ]
exit_code 0 "--force replaces both" lt report "$BIG" -f "$TEST_DIR/out/issue.md" --force
cat "$BIG" | lt report - --format markdown >"$TEST_DIR/pipe.md"
is "$?" 0 "a recording from a pipe is read twice"
like "$(cat "$TEST_DIR/pipe.md")" 'does not fit in an issue: `latticectl report` with `-f FILE\.md` writes it' \
    "to stdout the report says how to get the timeline"
is "$(ls "$TEST_DIR"/*.timeline.txt 2>/dev/null)" "" "and writes no file of its own"
is "$(sed 's/`-`/`X`/; s/`[^`]*big.ltrec`/`X`/' "$TEST_DIR/pipe.md" | grep -v timeline | md5sum)" \
    "$(sed 's/`[^`]*issue.md`/`X`/; s/`[^`]*big.ltrec`/`X`/' "$TEST_DIR/out/issue.md" | grep -v timeline | md5sum)" \
    "and gives the same report"

# The HTML of a recording longer than LT_REPORT_HTML_MAX (10,000).
lt report "$BIG" --format html -f "$TEST_DIR/big.html"
is "$?" 0 "report --format html of $n records"
like "$(cat "$TEST_DIR/big.html")" 'too long to draw whole' "says it draws a window"
drawn=$(grep -o '<a class="m ' "$TEST_DIR/big.html" | wc -l)
check "draws 200 to 10,000 records ($drawn)" [ "$drawn" -gt 200 -a "$drawn" -le 10000 ]
for s in $(jq -r 'select(.kind=="finding") | .evidence[]' "$BIG"); do
	grep -q "id=\"m$s\"" "$TEST_DIR/big.html" || echo "missing $s"
done >"$TEST_DIR/missing"
is "$(cat "$TEST_DIR/missing")" "" "every evidence record is drawn"
like "$(cat "$TEST_DIR/big.html")" 'records not drawn' "the gaps are marked"

done_testing
