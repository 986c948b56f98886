#!/usr/bin/env bash
# t5500-hostile-text: text that any lattice participant controls (event
# fields, subjects, headers, KV keys and values, a host's ping reply, a
# client's name, a recording's fields) reaches the terminal with every
# control character shown visibly (\x1b, \n, \u202e), never as itself,
# and never starts a line of its own; JSON output stays UTF-8; the
# markdown report keeps its fences, tables and <details> intact.
. "$LT_SRCDIR/tests/lib/lib.sh"
. "$LT_SRCDIR/tests/integration/lib-sim.sh"

start_nats n1 -m -1
T() { "$LT_HELPER" -s "$NATS_URL" "$@"; }
RAW=$TEST_DIR/raw.py
# A raw NATS client, so that nothing on the way checks what we send:
#   raw.py pub SUBJECT FILE [HEADER-LINE]  publish (with one header)
#   raw.py host REPLY-FILE                 answer host.ping until killed
#   raw.py client NAME SUBJECT GROUP       join a queue group under NAME
cat >"$RAW" <<'PY'
import json, os, socket, sys
url = os.environ["NATS_URL"].replace("nats://", "").split(":")
s = socket.create_connection((url[0], int(url[1])))
f = s.makefile("rb")
f.readline()
def arg(i): return os.fsencode(sys.argv[i])
name = sys.argv[2] if sys.argv[1] == "client" else "raw"
s.sendall(b"CONNECT " + json.dumps({"verbose": False, "name": name,
    "headers": True, "pedantic": False}).encode() + b"\r\n")
def sync():
    s.sendall(b"PING\r\n")
    while True:
        l = f.readline()
        if l.startswith(b"PONG"): return
        if not l or l.startswith(b"-ERR"): sys.exit("nats: %r" % l)
def pub(subject, body, header=None):
    if header is None:
        s.sendall(b"PUB %s %d\r\n%s\r\n" % (subject, len(body), body))
        return
    h = b"NATS/1.0\r\n" + header + b"\r\n\r\n"
    s.sendall(b"HPUB %s %d %d\r\n%s%s\r\n" % (subject, len(h),
        len(h) + len(body), h, body))
if sys.argv[1] == "pub":
    body = open(sys.argv[3], "rb").read()
    pub(arg(2), body, arg(4) if len(sys.argv) > 4 else None)
    sync()
    sys.exit(0)
if sys.argv[1] == "host":
    body = open(sys.argv[2], "rb").read()
    s.sendall(b"SUB wasmbus.ctl.v1.default.host.ping 1\r\n")
else:
    s.sendall(b"SUB %s %s 1\r\n" % (arg(3), arg(4)))
sync()
print("ready", flush=True)
while True:
    l = f.readline()
    if not l: break
    if l.startswith(b"PING"): s.sendall(b"PONG\r\n")
    if not l.startswith(b"MSG "): continue
    p = l.split()
    f.read(int(p[-1]) + 2)
    if sys.argv[1] == "host" and len(p) == 5: pub(p[3], body)
PY
rawpub() { python3 "$RAW" pub "$@"; }

# clean FILE DESC: no raw ESC, BEL, CR, C1 (as UTF-8 or raw bytes), DEL,
# bidi control; the whole file is UTF-8.
clean() {
	python3 - "$1" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
bad = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|"
    rb"\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c", b)
try:
    b.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
if bad:
    sys.exit("raw control at %d: %r" % (bad.start(), b[max(0, bad.start() - 20):bad.end() + 20]))
PY
}

# Hostile events: an OSC title, a clear screen, a bidi override and
# newlines that would forge a line, in the host id, the friendly name, a
# label, the type and the version.
H=NCTZ3B57642SU3Z4FFCZTEPTOWVBDDJ3LTLACKKAYTEXQ5CQ45P3TWCG
ESC='\u001b]0;pwned\u0007\u001b[2J'
cat >"$TEST_DIR/ev1.json" <<EOF2
{"specversion":"1.0","id":"e1","type":"com.wasmcloud.lattice.host_started","source":"$H","time":"2026-11-30T09:48:45Z","data":{"host_id":"N1\nFAKE  forged","friendly_name":"evil$ESC\u202egnp.exe\n09:00:00.000  host_stopped  FORGED1","version":"1.0\u009b31m\u0085","labels":{}}}
EOF2
cat >"$TEST_DIR/ev2.json" <<EOF2
{"specversion":"1.0","id":"e2","type":"com.wasmcloud.lattice.labels_changed","source":"$H","time":"2026-11-30T09:48:46Z","data":{"host_id":"$H","labels":{"zone$ESC":"a\nFORGED2","\u2066x\u2069":"\u200fy\u061c"}}}
EOF2
cat >"$TEST_DIR/ev3.json" <<EOF2
{"specversion":"1.0","id":"e3","type":"com.wasmcloud.lattice.evil$ESC\nFORGED3","source":"$H","time":"2026-11-30T09:48:47Z","data":{"k$ESC":"v\nFORGED4"}}
EOF2
bg_lt watch watch --count 3 --record "$TEST_DIR/w.ltrec"
wpid=$LAST_PID
for i in 1 2 3; do
	rawpub "wasmbus.evt.default.x$i" "$TEST_DIR/ev$i.json" || echo "# publish $i failed"
done
wait_pid "$wpid" 20
is "$WAIT_RC" 0 "watch got the three hostile events"
check "watch: no raw control byte reaches the terminal" clean "$TEST_DIR/watch.out"
is "$(lines "$TEST_DIR/watch.out")" 3 "watch: one line per event, nothing forged"
like "$(cat "$TEST_DIR/watch.out")" 'name="evil\\x1b]0;pwned\\x07\\x1b\[2J\\u202egnp\.exe\\n09:00' \
    "watch: the friendly name's controls are shown as \\x1b, \\u202e, \\n"
like "$(cat "$TEST_DIR/watch.out")" 'version="1\.0\\u009b31m\\u0085"' "watch: C1 shown as \\u009b"
like "$(cat "$TEST_DIR/watch.out")" '  N1\\nFAKE  name=' "watch: a newline in the host column is \\n"
unlike "$(cat "$TEST_DIR/watch.out")" '^(FAKE|FORGED|09:00:00)' "watch: no forged line"

# show and the markdown report of that recording, and of records with
# hostile phases, probe bodies, findings, keys, reply messages and hosts.
rec() { # SEQ KIND JSON-MEMBERS
	printf '{"schema":"latticectl.rec/1","seq":%s,"t":"2026-11-24T08:00:%02d.000000000Z","kind":"%s"%s}\n' \
	    "$1" "$1" "$2" "${3:+,$3}"
}
FENCE='\n```\n<img src=x onerror=alert(1)>\n</details>\n# FORGED heading'
R=$TEST_DIR/r.ltrec
{
	rec 1 meta '"tool":"latticectl","version":"0.1","lattice":"default|x'"$FENCE"'","server":{"name":"nats","version":"2.9 | evil"}'
	rec 2 phase '"phase":"deploy'"$ESC$FENCE"'"'
	rec 3 ctl.request '"subject":"wasmbus.ctl.v1.default.component.scale.N1'"$FENCE"'","pair":1,"payload":{"component_id":"c;#x-->y"}'
	rec 4 ctl.reply '"subject":"_INBOX.x","pair":1,"payload":{"success":false,"message":"no\u202e'"$FENCE"'"}'
	rec 5 inventory '"host":"N2\n```\n<b>x</b>","payload":{"friendly_name":"a|b'"$FENCE"'","version":"1|2\n| forged | row |","components":[]}'
	rec 6 probe '"url":"http://x/\u001b[2J","http_status":200,"body":"body'"$ESC$FENCE"'"'
	rec 7 kv '"bucket":"CONFIGDATA_default","key":"k'"$ESC"'\nFORGED5","op":"put","revision":2'
	rec 8 snapshot '"bucket":"CONFIGDATA_default","entries":{"cfg`|x'"$FENCE"'":{"revision":2,"value":{"a":"````|\u202e"}}}'
	rec 9 finding '"severity":"error","id":"f`1'"$FENCE"'","title":"t [link](http://evil) ![i](http://evil/p.png) <script>'"$FENCE"'","evidence":[3],"next":"n'"$ESC"'"'
	rec 10 end '"events":0'
} >"$R"
cat "$TEST_DIR/w.ltrec" >"$TEST_DIR/both.ltrec"
lt show "$TEST_DIR/both.ltrec" >"$TEST_DIR/show1.out" 2>"$TEST_DIR/show1.err"
check "show (watch's recording): no raw control byte" clean "$TEST_DIR/show1.out"
is "$(grep -c ' host_started \| labels_changed \| evil' "$TEST_DIR/show1.out")" 3 \
    "show: the three events, a line each"
unlike "$(cat "$TEST_DIR/show1.out")" '^(FAKE|FORGED|09:00:00)' "show: no forged line"
lt show "$R" >"$TEST_DIR/show2.out" 2>"$TEST_DIR/show2.err"
check "show (hostile records): no raw control byte" clean "$TEST_DIR/show2.out"
is "$(lines "$TEST_DIR/show2.out")" 8 "show: one line per record (meta and end aside), nothing forged"
unlike "$(cat "$TEST_DIR/show2.out")" '^(```|<img|</details>|# FORGED|FORGED)' "show: no forged line"
check "show's warnings: no raw control byte" clean "$TEST_DIR/show2.err"

lt report "$R" >"$TEST_DIR/r.md" 2>"$TEST_DIR/r.err"
is "$?" 0 "report --format markdown of hostile records"
check "report: no raw control byte" clean "$TEST_DIR/r.md"
# Walk the markdown as a renderer would: fences (by length), headings,
# tables, HTML outside fences, mermaid lines.
python3 - "$TEST_DIR/r.md" >"$TEST_DIR/md.check" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
fence, info, problems, fences, cols = None, None, [], [], None
ok_heading = re.compile(r"^(## latticectl report|### Findings|### Phase: .*|"
    r"### Counts|### Evidence of finding \d+: `[^`]*`|### Timeline|"
    r"### Configs at each checkpoint)$")
mermaid = re.compile(r"^(sequenceDiagram|    participant \w+( as [^;#<>{}\"&%`]*)?|"
    r"    (\w+(->>|-->>|-\))\w+|Note over \w+): [^;#<>{}\"&%`]*)$")
cells = lambda l: len(re.findall(r"(?<!\\)\|", re.sub(r"\\\\", "", l)))
for n, l in enumerate(lines, 1):
    if fence:
        m = re.match(r"^(`{3,})\s*$", l)
        if m and len(m.group(1)) >= len(fence):
            fence = None
            continue
        if info == "mermaid" and not mermaid.match(l):
            problems.append("%d: mermaid line %r" % (n, l))
        continue
    m = re.match(r"^(`{3,})([^`]*)$", l)
    if m:
        fence, info = m.group(1), m.group(2)
        fences.append(info)
        continue
    if l.startswith("#") and not ok_heading.match(l):
        problems.append("%d: heading %r" % (n, l))
    t = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", l)	# code spans
    if re.search(r"<(?!/?(details|summary|br)>)", t) or \
       (l.startswith("</details>") and n != len(lines) - 1):
        problems.append("%d: HTML %r" % (n, l))
    if re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", t):
        problems.append("%d: link %r" % (n, l))
    if l.startswith("|"):
        cols = cols if cols is not None and prev.startswith("|") else cells(l)
        if cells(l) != cols:
            problems.append("%d: table row %r" % (n, l))
    prev = l
if fence:
    problems.append("a fence is left open")
print("fences:", " ".join(fences))
print("\n".join(problems))
PY
is "$(head -1 "$TEST_DIR/md.check")" "fences: mermaid " "report: one mermaid block and the timeline, each closed by its own fence"
is "$(tail -n +2 "$TEST_DIR/md.check" | grep -c .)" 0 "report: no forged heading, HTML, link, table row or mermaid line"
tail -n +2 "$TEST_DIR/md.check" | head -5 | sed 's/^/#   /'
like "$(cat "$TEST_DIR/r.md")" '^### Phase: deploy\\\\x1b\\\]0;pwned' "report: the phase name is escaped text"
like "$(cat "$TEST_DIR/r.md")" '^````+$' "report: the timeline's fence outgrows the backticks it holds"

# sub: a hostile subject and header.
bg_lt sub sub 'evil.>' --headers --count 1
spid=$LAST_PID
printf 'body\xe2\x80\xae\nFORGED6\xc2\x85' >"$TEST_DIR/body"
rawpub $'evil.\033]0;t\007.\xe2\x80\xae' "$TEST_DIR/body" $'X-Evil\033[2J: v\033]0;x\007\xc2\x9b'
wait_pid "$spid" 20
is "$WAIT_RC" 0 "sub got the hostile message"
check "sub: no raw control byte" clean "$TEST_DIR/sub.out"
is "$(lines "$TEST_DIR/sub.out")" 2 "sub: the message line and one header line"
like "$(cat "$TEST_DIR/sub.out")" 'evil\.\\x1b\]0;t\\x07\.\\u202e  body\\u202e\\nFORGED6\\u0085$' "sub: subject and body escaped"
like "$(cat "$TEST_DIR/sub.out")" 'X-Evil\\x1b\[2J: v\\x1b\]0;x\\x07\\u009b' "sub: header name and value escaped"

# KV: keys published raw to the bucket's stream (no key check on the way).
B=CONFIGDATA_default
T kv-create $B --history 3 >/dev/null
T kv-put $B plain 'ok' >/dev/null
lt kv snapshot -f "$TEST_DIR/before.json" >/dev/null 2>&1
bg_lt kvw kv watch --count 1
kpid=$LAST_PID
printf 'v\033[2J\nFORGED7 \xe2\x80\xae' >"$TEST_DIR/kvval"
rawpub $'$KV.'$B$'.key\033]0;t\007\xe2\x80\xae' "$TEST_DIR/kvval"
wait_pid "$kpid" 20
is "$WAIT_RC" 0 "kv watch got the hostile key"
check "kv watch: no raw control byte" clean "$TEST_DIR/kvw.out"
is "$(lines "$TEST_DIR/kvw.out")" 1 "kv watch: one line"
lt kv ls $B >"$TEST_DIR/kvls.out"
check "kv ls: no raw control byte" clean "$TEST_DIR/kvls.out"
is "$(lines "$TEST_DIR/kvls.out")" 3 "kv ls: header and two keys"
like "$(cat "$TEST_DIR/kvls.out")" '^key\\x1b\]0;t\\x07\\u202e ' "kv ls: the key escaped"
lt kv diff "$TEST_DIR/before.json" --live >"$TEST_DIR/kvdiff.out" 2>/dev/null
check "kv diff: no raw control byte" clean "$TEST_DIR/kvdiff.out"
unlike "$(cat "$TEST_DIR/kvdiff.out")" '^FORGED' "kv diff: no forged line"
lt kv get $'key\033]0;t\007\xe2\x80\xae' >"$TEST_DIR/kvget.out" 2>&1
check "kv get (text): no raw control byte" clean "$TEST_DIR/kvget.out"
T kv-create other >/dev/null
T kv-put other note $'line one\tx\nline two\xe2\x80\xae\xc2\x85\r' >/dev/null
lt kv get note --bucket other >"$TEST_DIR/kvget2.out" 2>&1
check "kv get of a text value: no raw control byte" clean "$TEST_DIR/kvget2.out"
is "$(cat "$TEST_DIR/kvget2.out")" "$(printf 'line one\tx\nline two\\u202e\\u0085\\r')" \
    "kv get: the value's own lines and tabs kept, the rest escaped"

# hosts: a host answering ping with a hostile name, version, labels and id
# (and a byte that is not UTF-8).
printf '{"success":true,"message":"","response":{"id":"NEVIL\\n%s","friendly_name":"name\\u001b[2J\\u202e\\nN0000  forged  1.0","version":"1.0\xff\\u0085","lattice":"default","uptime_seconds":5,"labels":{"hostcore.os":"linux","zone\\u001b[31m":"a\\nFORGED8"}}}' \
    "$H" >"$TEST_DIR/ping.json"
bg python3 "$RAW" host "$TEST_DIR/ping.json" >"$TEST_DIR/host.out"
hpid=$LAST_PID
wait_for "fake host" 10 grep -q ready "$TEST_DIR/host.out"
lt hosts --wait 500ms >"$TEST_DIR/hosts.out" 2>"$TEST_DIR/hosts.err"
check "hosts: no raw control byte" clean "$TEST_DIR/hosts.out"
is "$(lines "$TEST_DIR/hosts.out")" 2 "hosts: header and one row, nothing forged"
like "$(cat "$TEST_DIR/hosts.out")" 'name\\x1b\[2J\\u202e\\nN0000' "hosts: the friendly name escaped"
lt hosts -o wide --wait 500ms >"$TEST_DIR/hostsw.out" 2>&1
check "hosts -o wide: no raw control byte" clean "$TEST_DIR/hostsw.out"
is "$(lines "$TEST_DIR/hostsw.out")" 2 "hosts -o wide: header and one row"
lt hosts -o json --wait 500ms >"$TEST_DIR/hosts.json" 2>&1
check "hosts -o json: UTF-8 and no raw control byte" clean "$TEST_DIR/hosts.json"
is "$(jq -r '.hosts[0].friendly_name' "$TEST_DIR/hosts.json" | head -1)" \
    "$(printf 'name\033[2J\xe2\x80\xae')" "hosts -o json: the value itself, in JSON escapes"
stop_pid "$hpid"

# doctor: a client whose name would print a PASS line of its own.
bg python3 "$RAW" client $'thief\033[1A\033[2K\nPASS  fake-check             all good' \
    'wadm.api.>' wadm_server >"$TEST_DIR/thief.out"
thief=$LAST_PID
wait_for "thief" 10 grep -q ready "$TEST_DIR/thief.out"
lt doctor --monitor "$NATS_MON_URL" --wait 500ms >"$TEST_DIR/doctor.out" 2>&1
check "doctor: no raw control byte" clean "$TEST_DIR/doctor.out"
unlike "$(cat "$TEST_DIR/doctor.out")" '^PASS  fake-check' "doctor: the client's name forges no PASS line"
like "$(cat "$TEST_DIR/doctor.out")" "name 'thief\\\\x1b\[1A\\\\x1b\[2K\\\\nPASS  fake-check" \
    "doctor: the name is shown escaped on the thief's line"
lt doctor --monitor "$NATS_MON_URL" --wait 500ms -o json >"$TEST_DIR/doctor.json" 2>/dev/null
check "doctor -o json: UTF-8 and no raw control byte" clean "$TEST_DIR/doctor.json"
stop_pid "$thief"	# it would take wadm's requests below

# app's view and replay's terminal view against latticesim's wadm.
# app: wadm (no hosts) holds the app; a fake host answers link.get with
# a link of the app whose fields are hostile and whose "state" member is
# not even a string (it once hid latticectl's own "state": a crash).
M=$FIXTURES/manifests
C=rust_hello_world-http_component
start_sim --lattice hx --hosts 0 --wadm-mode 0.21
T req wadm.api.hx.model.put @"$M/upgrade-v2.yaml" >/dev/null
T req wadm.api.hx.model.deploy.rust-hello-world '{}' >/dev/null
cat >"$TEST_DIR/links.json" <<EOF2
{"success":true,"message":"","response":[{"source_id":"$C","target":"t$ESC\nFORGED11","name":"n\u202e","wit_namespace":"wasi\u001b[2J","wit_package":"http\nFORGED12","interfaces":["i\u2066\u0085"],"source_config":[],"target_config":[],"state":5}]}
EOF2
bg "$LT_HELPER" -s "$NATS_URL" responder wasmbus.ctl.v1.hx.link.get - @"$TEST_DIR/links.json" \
    >"$TEST_DIR/links.out" 2>&1
lpid=$LAST_PID
wait_for "the link.get responder" 10 grep -q ready "$TEST_DIR/links.out"
lt -x hx app rust-hello-world >"$TEST_DIR/app.out" 2>"$TEST_DIR/app.err"
is "$?" 1 "app: a hostile link (state not a string) is shown, no crash (exit 1: wadm says failed)"
check "app: no raw control byte" clean "$TEST_DIR/app.out"
check "app's errors: no raw control byte" clean "$TEST_DIR/app.err"
unlike "$(cat "$TEST_DIR/app.out")" '^(FORGED|09:00:00)' "app: no forged line"
like "$(cat "$TEST_DIR/app.out")" "^$C +t\\\\x1b\]0;pwned.*present" "app: the lattice's link escaped, present"
lt -x hx app rust-hello-world -o json >"$TEST_DIR/app.json" 2>/dev/null
is "$(jq -r '[.links[0].state] | join(",")' "$TEST_DIR/app.json")" present "app -o json: one state, latticectl's"
lt -x hx app >"$TEST_DIR/apps.out" 2>&1
check "app (the list): no raw control byte" clean "$TEST_DIR/apps.out"
stop_pid "$lpid"
kill "$SIM_PID"

# replay's plan of manifests (a file from anywhere) whose name and
# versions hold an OSC title, a clear screen and a bidi override.
for v in 1 2; do
	sed 's/^  name: rust-hello-world/  name: "rust\\e]0;pwned\\aworld"/; s/^    version: v0.0.[12]/    version: "v'$v'\\e[2J\\u202e"/' \
	    "$M/upgrade-v$v.yaml" >"$TEST_DIR/hm$v.yaml"
done
lt -x hx replay "$TEST_DIR/hm1.yaml" "$TEST_DIR/hm2.yaml" --dry-run >"$TEST_DIR/plan.out" 2>&1
is "$?" 0 "replay --dry-run of hostile manifests"
check "replay's plan: no raw control byte" clean "$TEST_DIR/plan.out"
like "$(cat "$TEST_DIR/plan.out")" '^  3\. put and deploy NEW as rust\\x1b\]0;pwned\\x07world v2\\x1b\[2J\\u202e; the same$' \
    "replay's plan: the name and version escaped"

# replay: once it records, a hostile event and a hostile wadm status.
start_sim --lattice hy --wadm-mode 0.21 --heartbeat 1s
cat >"$TEST_DIR/ev4.json" <<EOF2
{"specversion":"1.0","id":"e4","type":"com.wasmcloud.lattice.component_scaled","source":"$H","time":"2026-11-30T09:48:48Z","data":{"component_id":"$C$ESC\nFORGED13","host_id":"$H","image_ref":"img\u202e\n09:00:00.000  FORGED14","max_instances":1,"annotations":{}}}
EOF2
cat >"$TEST_DIR/st.json" <<EOF2
{"status":{"type":"failed","message":"m$ESC\nFORGED15 \u202e"},"scalers":[]}
EOF2
bg $LT_WRAPPER "$LATTICECTL" -x hy replay "$M/upgrade-v1.yaml" "$M/upgrade-v2.yaml" --yes \
    --settle 1s --wait 2s --record "$TEST_DIR/hx.ltrec" >"$TEST_DIR/rp.out" 2>"$TEST_DIR/rp.err"
rpid=$LAST_PID
wait_for "the replay's first phase" 20 grep -q '"kind":"phase"' "$TEST_DIR/hx.ltrec"
rawpub wasmbus.evt.hy.component_scaled "$TEST_DIR/ev4.json" || echo "# publish ev4 failed"
rawpub wadm.status.hy.rust-hello-world "$TEST_DIR/st.json" || echo "# publish status failed"
wait_pid "$rpid" 60
ok "$([ "$WAIT_RC" -le 1 ]; echo $?)" "replay ran with the hostile traffic (exit $WAIT_RC)"
sed 's/^/#   /' "$TEST_DIR/rp.err" | head -3
check "replay: no raw control byte reaches the terminal" clean "$TEST_DIR/rp.out"
check "replay's errors: no raw control byte" clean "$TEST_DIR/rp.err"
unlike "$(cat "$TEST_DIR/rp.out")" '^(FAKE|FORGED|09:00:00)' "replay: no forged line"
like "$(cat "$TEST_DIR/rp.out")" "component_scaled .*component=\"?${C}\\\\x1b\]" \
    "replay: the hostile event on its line, escaped"
like "$(cat "$TEST_DIR/rp.out")" 'wadm\.status rust-hello-world failed message="?m\\x1b\]0;pwned' \
    "replay: the hostile wadm status, escaped"
kill "$SIM_PID"

# the HTML report of both hostile recordings: no markup of theirs
cat "$R" "$TEST_DIR/hx.ltrec" >"$TEST_DIR/all.ltrec"
for f in "$R" "$TEST_DIR/hx.ltrec"; do
	lt report "$f" --format html -f "$TEST_DIR/r.html" --force 2>"$TEST_DIR/html.err"
	is "$?" 0 "report --format html of $(basename "$f")"
	check "report html: no raw control byte" clean "$TEST_DIR/r.html"
	python3 - "$TEST_DIR/r.html" >"$TEST_DIR/html.check" <<'PY'
import html.parser, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
ours = {"html", "head", "meta", "title", "style", "script", "body", "h1", "h2",
    "p", "div", "button", "label", "input", "span", "svg", "defs", "marker",
    "path", "rect", "g", "a", "text", "line", "circle", "details", "summary",
    "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "b", "code",
    "pre", "br", "select", "option", "nav", "section", "small", "em", "i",
    "strong", "dl", "dt", "dd", "polygon", "polyline", "tspan", "header",
    "footer", "main", "fieldset", "legend", "time"}
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__()
        s.bad = []
        s.scripts = 0
    def handle_starttag(s, tag, attrs):
        if tag not in ours:
            s.bad.append("tag %s" % tag)
        if tag == "script":
            s.scripts += 1
        for k, v in attrs:
            if k.startswith("on") or (v or "").lower().startswith("javascript:"):
                s.bad.append("attribute %s=%r" % (k, v))
p = P()
p.feed(doc)
for m in re.finditer(r"<script[^>]*>(.*?)</script>", doc, re.S):
    if "<" in m.group(1).replace("<\\/", ""):
        p.bad.append("'<' inside a script")
print(p.scripts)
print("\n".join(p.bad))
PY
	is "$(tail -n +2 "$TEST_DIR/html.check" | grep -c .)" 0 "report html: no tag, handler or script of the records'"
	tail -n +2 "$TEST_DIR/html.check" | head -5 | sed 's/^/#   /'
done

done_testing
