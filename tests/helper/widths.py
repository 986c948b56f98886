#!/usr/bin/env python3
"""widths.py MAX: read text a terminal showed (a pty's output, with CR LF
line ends and SGR colours) on stdin and check that no line is wider than
MAX display columns (East Asian wide and fullwidth characters take two,
combining marks none). Prints the widest width; exit 1 and the lines that
are too wide when any is."""
import re
import sys
import unicodedata

SGR = re.compile(r"\x1b\[[0-9;]*m")


def width(line):
    w = 0
    for ch in line:
        if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufe0f":
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def main():
    limit = int(sys.argv[1])
    text = sys.stdin.buffer.read().decode("utf-8")
    widest, bad = 0, []
    for line in text.replace("\r", "").split("\n"):
        n = width(SGR.sub("", line))
        widest = max(widest, n)
        if n > limit:
            bad.append("%d: %s" % (n, line))
    print(widest)
    for b in bad:
        print("# too wide: " + b, file=sys.stderr)
    return 1 if bad else 0


sys.exit(main())
