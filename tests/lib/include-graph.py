#!/usr/bin/env python3
"""include-graph.py SRCDIR: the module graph of latticectl, as TAP.

A module is a library header include/latticectl/NAME.h with its sources
src/lib/NAME.c and src/lib/NAME-*.c (filter-app.c belongs to filter), or a
command src/cmd/NAME.c with its NAME-*.c and NAME.h. Edges: a file of
module A includes a header of module B. Checks (docs/architecture.md,
Modules):
- every lt_ function a library header declares is defined in that
  module's sources (a header does not speak for another module);
- the library's module graph has no cycle;
- no command includes another command's header (shared code belongs in
  the library).
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
DECL = re.compile(r'\b(lt_[a-z0-9_]+)\s*\(')
DEF = re.compile(r'^(lt_[a-z0-9_]+)\s*\(', re.M)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def module_of(name, known):
    """NAME of NAME.c, NAME-part.c or NAME.h when NAME is a module."""
    stem = re.sub(r'\.(c|h)$', '', name)
    while stem not in known and '-' in stem:
        stem = stem.rsplit('-', 1)[0]
    return stem


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    inc_dir = os.path.join(src, "include", "latticectl")
    lib_dir = os.path.join(src, "src", "lib")
    cmd_dir = os.path.join(src, "src", "cmd")
    libmods = {f[:-2] for f in os.listdir(inc_dir) if f.endswith(".h")}
    cmdfiles = sorted(os.listdir(cmd_dir))
    cmdmods = {f[:-2] for f in cmdfiles if f.endswith(".c") and "-" not in f}
    failures = []
    n = 0

    def ok(cond, what, detail=()):
        nonlocal n
        n += 1
        print(("ok" if cond else "not ok") + " %d - %s" % (n, what))
        for d in detail:
            print("#   " + d)
        if not cond:
            failures.append(what)

    # library files -> module, and their includes
    lib_edges = {m: set() for m in libmods}
    definer = {}
    files = [(os.path.join(inc_dir, f), f) for f in sorted(os.listdir(inc_dir))
             if f.endswith(".h")]
    files += [(os.path.join(lib_dir, f), f) for f in sorted(os.listdir(lib_dir))
              if f.endswith(".c")]
    for path, f in files:
        text = read(path)
        mod = module_of(f, libmods)
        for h in INCLUDE.findall(text):
            if h.startswith("latticectl/"):
                to = h[len("latticectl/"):-2]
                if mod in lib_edges and to != mod:
                    lib_edges[mod].add(to)
        if f.endswith(".c"):
            for fn in DEF.findall(text):
                definer[fn] = mod

    # declarations: owned by the header's module
    stray = []
    for m in sorted(libmods):
        text = COMMENT.sub("", read(os.path.join(inc_dir, m + ".h")))
        text = re.sub(r'^\s*#\s*define[^\n]*(\\\n[^\n]*)*', "", text, flags=re.M)
        for fn in sorted(set(DECL.findall(text))):
            d = definer.get(fn)
            if d is not None and d != m:
                stray.append("%s.h declares %s, defined in %s's sources"
                             % (m, fn, d))
    ok(not stray, "every library function is defined by the module whose "
       "header declares it", stray)

    # cycles (Tarjan's strongly connected components)
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(lib_edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(lib_edges):
        if v not in index:
            visit(v)
    ok(not sccs, "the library's include graph has no cycle",
       ["cycle among: " + ", ".join(c) for c in sccs])

    # commands: a header of another command
    cross = []
    for f in cmdfiles:
        mod = module_of(f, cmdmods)
        for h in INCLUDE.findall(read(os.path.join(cmd_dir, f))):
            if "/" in h or h in ("banned.h",):
                continue
            to = module_of(h, cmdmods)
            if to in cmdmods and to != mod:
                cross.append("src/cmd/%s includes %s (another command's "
                             "header: move what it shares to src/lib)" % (f, h))
    ok(not cross, "no command includes another command's header", cross)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
