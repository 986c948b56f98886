#!/usr/bin/env python3
"""opt-names.py SRCDIR: every option a C file looks up by name is one an
option table declares, and every row of a command's option table is bound
to a member of its options struct, as TAP.

Commands read bound options as members of their options struct (a typo
is a compile error, include/latticectl/opt.h); the rest are looked up by
long name (lt_args_get(args, "since"), lt_opt_find(table, "output")),
where a misspelled name would silently read as absent. A name a file
looks up must be a row of a table in that file or its command's other
files (replay-check.c: replay.c), in a header of the
repository (shared rows such as LT_REDACT_OPTS_TO) or in the global table.
"""
import os
import re
import sys

LOOKUP = re.compile(r'\blt_(?:args_(?:has|get|count|nth|duration|uint|enum)'
                    r'|opt_find|opt_nearest)\s*\([^;"]*?"([^"]*)"', re.S)
ROW = re.compile(r'\{\s*"([a-z0-9-]+)"\s*,\s*(?:\'.\'|0)\s*,')
# a whole row, up to its closing brace (rows hold no braces)
# (name, short, flags, metavar: a struct lt_opt, not any initializer)
FULLROW = re.compile(r'\{\s*"([a-z0-9-]+)"\s*,\s*(?:\'.\'|0)\s*,\s*'
                     r'(?:0|LT_OPT_[A-Z_| ]+)\s*,\s*(?:NULL|"[^"]*")'
                     r'([^{}]*)\}')
COMMENT = re.compile(r'/\*.*?\*/', re.S)


def read(path):
    with open(path, encoding="utf-8") as f:
        return COMMENT.sub("", f.read())


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    headers, sources = [], []
    for d, _, files in os.walk(os.path.join(src, "include")):
        headers += [os.path.join(d, f) for f in files if f.endswith(".h")]
    for d, _, files in os.walk(os.path.join(src, "src")):
        headers += [os.path.join(d, f) for f in files if f.endswith(".h")]
        sources += [os.path.join(d, f) for f in files if f.endswith(".c")]
    shared = set()
    for h in headers:
        shared |= set(ROW.findall(read(h)))
    shared |= set(ROW.findall(read(os.path.join(src, "src", "lib",
                                                "config.c"))))
    # a command's files (replay.c, replay-check.c) share its tables
    def family(f):
        return os.path.dirname(f), os.path.basename(f).split("-")[0].split(".")[0]
    rows = {}
    for f in sources:
        rows.setdefault(family(f), set()).update(ROW.findall(read(f)))
    bad, n = [], 0
    for f in sorted(sources):
        text = read(f)
        known = shared | rows[family(f)]
        for name in LOOKUP.findall(text):
            n += 1
            if name not in known:
                bad.append("%s looks up '--%s', which no option table "
                           "declares" % (os.path.relpath(f, src), name))
    ok = not bad and n > 0
    print("%s 1 - every option looked up by name is declared (%d lookups)"
          % ("ok" if ok else "not ok", n))
    for b in bad:
        print("#   " + b)
    # every row outside the global table (which lt_config_load reads) is
    # bound: a command reads its options as members, never by name
    unbound = []
    for f in sorted(headers + sources):
        if f.endswith(os.path.join("lib", "config.c")):
            continue
        for name, rest in FULLROW.findall(read(f)):
            if "LT_TO_" not in rest:
                unbound.append("%s: --%s is not bound to an options "
                               "struct member" % (os.path.relpath(f, src),
                                                  name))
    print("%s 2 - every command option row is bound" %
          ("not ok" if unbound else "ok"))
    for b in unbound:
        print("#   " + b)
    print("1..2")
    return 0 if ok and not unbound else 1


if __name__ == "__main__":
    sys.exit(main())
