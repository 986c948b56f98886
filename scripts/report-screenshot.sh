#!/usr/bin/env bash
# report-screenshot.sh BUILDDIR [PNG]: the README's picture of an HTML
# report. Starts a throwaway nats-server (scripts/lib-demo.sh), replays
# the simulator's #4704 upgrade with scripts/demo-replay.sh, renders its
# HTML report in headless Chromium at 1,400 px and writes PNG (default
# docs/report-4704.png), reduced to 64 colours when pngquant is installed,
# to keep the repository small.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: report-screenshot.sh BUILDDIR [PNG]}" && pwd)
png=${2:-$here/docs/report-4704.png}
chrome=$(command -v chromium || command -v chromium-browser) ||
    { echo "report-screenshot.sh: chromium is not installed" >&2; exit 1; }
. "$here/scripts/lib-demo.sh"
demo_nats
out=$demo_dir/replay
bash "$here/scripts/demo-replay.sh" "$build" "$out" >"$demo_dir/replay.log" 2>&1
[ -s "$out/report.html" ] ||
    { cat "$demo_dir/replay.log" >&2; echo "report-screenshot.sh: no report" >&2; exit 1; }
# The recording's temporary path is no part of the picture.
sed -i "s|$out/||g" "$out/report.html"
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$demo_dir/chrome" --hide-scrollbars \
    --window-size=1400,1100 --screenshot="$demo_dir/shot.png" \
    "file://$out/report.html" >/dev/null 2>&1
[ -s "$demo_dir/shot.png" ] || { echo "report-screenshot.sh: no screenshot" >&2; exit 1; }
pngquant --force --output "$png" 64 "$demo_dir/shot.png" 2>/dev/null ||
    cp "$demo_dir/shot.png" "$png"
echo "$png: $(stat -c %s "$png") bytes"
