#!/usr/bin/env bash
# t0100-stdio-files: what latticectl writes, and where: a closed standard
# descriptor never becomes the NATS socket, write errors on stdout exit 6,
# and files (kv snapshot -f, --record) follow one set of rules.
. "$LT_SRCDIR/tests/lib/lib.sh"

T() { "$LT_HELPER" "$@"; }
B=CONFIGDATA_default

start_nats
T kv-create $B >/dev/null
T kv-put $B evil $'PUB evil.injected 5\r\nHELLO\r\n' >/dev/null

# With stdout closed, the connection must not be opened on fd 1, else the
# value printed is sent to the server as protocol. A subscriber on evil.>
# sees a sentinel published after latticectl exited; an injected message
# would come first (the server routes one connection's input in order,
# and latticectl's connection is gone before the sentinel is sent).
bg T sub 'evil.>' --count 1 --timeout 20s >"$TEST_DIR/evil.out" \
    2>"$TEST_DIR/evil.err"
evil_pid=$LAST_PID
wait_for "evil.> subscriber" 20 grep -q subscribed "$TEST_DIR/evil.err"
lt kv get evil >&- 2>/dev/null
lt kv get evil <&- 2>&- >/dev/null
echo sentinel | T pub evil.sentinel - >/dev/null
wait_pid "$evil_pid" 20
like "$(cat "$TEST_DIR/evil.out")" '^evil\.sentinel' \
    "stdout closed: a value printed is not sent to the server as protocol"

# --- files: kv snapshot -f, report -f, --record ---
T kv-put $B app-config '{"name":"x","api_key":"s3cret-1"}' >/dev/null
cd "$TEST_DIR" || exit 1
umask 022
mode() { stat -c %a "$1"; }
ftype() { stat -c %F "$1"; }

exit_code 0 "kv snapshot -f NEW" lt kv snapshot -f snap
is "$(mode snap)" 644 "a new file: 0666 less the umask"
tail -n +2 snap >snap.body
test -s snap.body
ok $? "(the snapshot has entries)"
exit_code 6 "kv snapshot -f EXISTING" lt kv snapshot -f snap
like "$(cat last.err)" "'snap' exists \(--force replaces it\)" \
    "an existing file is not replaced without --force, and it says so"
chmod 640 snap
echo stale >snap
exit_code 0 "kv snapshot -f EXISTING --force" lt kv snapshot -f snap --force
is "$(tail -n +2 snap)" "$(cat snap.body)" "--force replaces the file"
is "$(mode snap)" 640 "--force keeps the replaced file's mode"
is "$(ls -a | grep -c '\.tmp\.')" 0 "no temporary file is left behind"
exit_code 0 "kv snapshot --show-secrets -f NEW" \
    lt kv snapshot --show-secrets -f secret.snap
is "$(mode secret.snap)" 600 "a file written with --show-secrets is 0600"
grep -q s3cret-1 secret.snap
ok $? "(it does hold the secret)"
exit_code 0 "kv snapshot -f -" lt kv snapshot -f -
is "$(tail -n +2 last.out)" "$(cat snap.body)" "-f - writes the snapshot to stdout"
test ! -e ./-
ok $? "-f - creates no file named '-'"

ln -s target.snap link.snap
exit_code 6 "kv snapshot -f SYMLINK --force" lt kv snapshot -f link.snap --force
like "$(cat last.err)" "'link.snap' is a symbolic link" "a symbolic link is refused"
is "$(ftype link.snap):$(test -e target.snap; echo $?)" "symbolic link:1" \
    "the link is left alone and its target not created"
mkdir dir.snap
exit_code 6 "kv snapshot -f DIRECTORY" lt kv snapshot -f dir.snap --force
like "$(cat last.err)" "'dir.snap' is a directory" "a directory is refused"

mkfifo fifo.snap
bg cat fifo.snap >fifo.snap.out
fifo_reader=$LAST_PID
exit_code 0 "kv snapshot -f FIFO" timeout 20 "$LATTICECTL" kv snapshot -f fifo.snap
wait_pid "$fifo_reader" 20
is "$(ftype fifo.snap)" "fifo" "a FIFO is written in place, never replaced"
is "$(tail -n +2 fifo.snap.out)" "$(cat snap.body)" "the reader got the snapshot"
# Never the system's own /dev/null as root: a build with the bug would
# replace it. Device nodes of our own (as root) or /dev/null (otherwise:
# /dev is not ours to replace).
null=/dev/null
if [ "$(id -u)" = 0 ]; then
	mknod null c 1 3 && null=null
fi
if [ "$null" = null ] || [ "$(id -u)" != 0 ]; then
	exit_code 0 "kv snapshot -f $null (a character device)" \
	    lt kv snapshot -f $null
	is "$(ftype $null)" "character special file" \
	    "a character device is written in place, never replaced"
fi
if [ "$(id -u)" = 0 ] && mknod full c 1 7 2>/dev/null; then
	exit_code 6 "as root, kv snapshot -f FULL-DEVICE --force" \
	    lt kv snapshot -f full --force
	like "$(cat last.err)" "cannot write .*No space left on device" \
	    "a write error on a device is reported"
	is "$(ftype full)" "character special file" \
	    "as root, a character device is written in place, never replaced"
	rm -f full
else
	ok 0 "# SKIP not root: no device node of our own"
	ok 0 "# SKIP not root"
	ok 0 "# SKIP not root"
fi

# report -f: the same rules
bg_lt kvw kv watch --record kv.ltrec -n 1
kvw=$LAST_PID
T kv-put $B other '{"a":1}' >/dev/null
wait_pid "$kvw" 20
is "$WAIT_RC" 0 "kv watch --record NEW -n 1"
exit_code 0 "report -f NEW" lt report kv.ltrec -f report.md
exit_code 6 "report -f EXISTING" lt report kv.ltrec -f report.md
like "$(cat last.err)" "'report.md' exists \(--force replaces it\)" \
    "report: an existing file is not replaced without --force"
chmod 604 report.md
exit_code 0 "report -f EXISTING --force" lt report kv.ltrec -f report.md --force
is "$(mode report.md)" 604 "report --force keeps the mode"
exit_code 0 "report --show-secrets -f NEW" \
    lt report kv.ltrec --show-secrets -f secret.md
is "$(mode secret.md)" 600 "report --show-secrets: 0600"

# --record: never over an existing file, never through a link
cp kv.ltrec kv.copy
ln -s target.ltrec link.ltrec
for cmd in "watch" "sub wasmbus.evt.>" "kv watch"; do
	exit_code 6 "$cmd --record EXISTING" timeout 20 "$LATTICECTL" $cmd --record kv.ltrec
	like "$(cat last.err)" "'kv.ltrec' exists: a recording never replaces" \
	    "$cmd: an existing recording is refused, and it says so"
	cmp -s kv.ltrec kv.copy
	ok $? "$cmd: the existing file is unchanged"
	exit_code 6 "$cmd --record SYMLINK" timeout 20 "$LATTICECTL" $cmd --record link.ltrec
	test ! -e target.ltrec
	ok $? "$cmd: a symbolic link is not followed"
	exit_code 2 "$cmd --record -" timeout 20 "$LATTICECTL" $cmd --record -
	like "$(cat last.err)" "a recording cannot go to stdout" "$cmd: --record - says why"
done

# a new recording with --show-secrets is 0600; a FIFO stays a FIFO
bg_lt sw watch --record secret.ltrec --show-secrets
kill -INT "$LAST_PID"
wait_pid "$LAST_PID" 20
is "$WAIT_RC:$(mode secret.ltrec)" "0:600" "watch --record --show-secrets: 0600"
bg_lt pw watch --record plain.ltrec
kill -INT "$LAST_PID"
wait_pid "$LAST_PID" 20
is "$WAIT_RC:$(mode plain.ltrec)" "0:644" "watch --record: 0666 less the umask"
mkfifo fifo.ltrec
bg cat fifo.ltrec >fifo.ltrec.out
fifo_reader=$LAST_PID
bg_lt fw sub 'evt.>' --record fifo.ltrec
kill -INT "$LAST_PID"
wait_pid "$LAST_PID" 20
is "$WAIT_RC:$(ftype fifo.ltrec)" "0:fifo" "sub --record FIFO: written in place"
wait_pid "$fifo_reader" 20
is "$(tail -1 fifo.ltrec.out | jq -r .kind)" end "the reader got the whole recording"

# --- write errors on stdout: exit 6 with one line, never a quiet 0 ---
to_full() { "$@" >/dev/full; }
closed() { "$@" >&-; }
write_error() {	# DESC CMD...: exit 6, one line naming the write error
	local desc=$1
	shift
	exit_code 6 "$desc" "$@"
	is "$(lines last.err):$(grep -Ec 'cannot write|write error' last.err)" 1:1 \
	    "$desc: one line says so"
}
write_error "show FILE >/dev/full" to_full lt show kv.ltrec
write_error "config show >/dev/full" to_full lt config show
write_error "version >/dev/full" to_full lt version
write_error "--help >/dev/full" to_full lt --help
write_error "watch --help >/dev/full" to_full lt watch --help
write_error "kv get KEY >&-" closed lt kv get app-config
exit_code 6 "kv snapshot >&-" closed lt kv snapshot
like "$(cat last.err)" "cannot write .*Bad file descriptor" \
    "kv snapshot >&-: says it could not write"
unlike "$(cat last.err)" "keys \(" "kv snapshot >&-: no success summary"
exit_code 6 "kv snapshot >/dev/full" to_full lt kv snapshot
unlike "$(cat last.err)" "keys \(" "kv snapshot >/dev/full: no success summary"
exit_code 0 "a reader that goes away is no error: show | true" \
    bash -c 'set -o pipefail; "$0" show kv.ltrec | true' "$LATTICECTL"

done_testing
