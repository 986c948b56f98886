#!/usr/bin/env bash
# t7300-install: 'meson install --destdir' from the build directory puts the
# binary, the man pages (when scdoc is found) and the completion scripts in
# their standard places (docs/architecture.md, Building and installing);
# the installed binary runs.
. "$LT_SRCDIR/tests/lib/lib.sh"

DEST=$TEST_DIR/dest
meson install -C "$LT_BUILDDIR" --destdir "$DEST" --no-rebuild --quiet \
    >"$TEST_DIR/install.log" 2>&1
ok $? "meson install --destdir succeeds"
[ "$tap_failed" = 0 ] || sed 's/^/#   /' "$TEST_DIR/install.log" | tail -5

opt() {
	meson introspect "$LT_BUILDDIR" --buildoptions |
	    python3 -c "import json,sys; print([o['value'] for o in json.load(sys.stdin) if o['name']=='$1'][0])"
}
prefix=$(opt prefix)
root=$DEST$prefix
bin=$root/$(opt bindir)/latticectl
data=$root/$(opt datadir)
man=$root/$(opt mandir)

check "binary installed and executable" test -x "$bin"
like "$("$bin" --version)" "^latticectl [0-9.]+ \(nats.c" "installed binary runs"
like "$("$bin" __complete commands)" "shell" "installed binary lists commands"

check "bash completion as .../bash-completion/completions/latticectl" \
    test -f "$data/bash-completion/completions/latticectl"
check "zsh completion in site-functions" test -f "$data/zsh/site-functions/_latticectl"
check "fish completion in vendor_completions.d" \
    test -f "$data/fish/vendor_completions.d/latticectl.fish"

if command -v scdoc >/dev/null; then
	for p in man1/latticectl.1 man5/latticectl.5 man1/latticectl-shell.1 \
	    man1/latticectl-help.1 man1/latticectl-version.1 \
	    man1/latticectl-watch.1 man1/latticectl-config.1; do
		check "man page $p installed" test -s "$man/$p"
	done
	# Every page the build knows of is installed.
	missing=""
	for f in $(meson introspect "$LT_BUILDDIR" --installed |
	    python3 -c 'import json,sys; print("\n".join(v for v in json.load(sys.stdin).values() if "/man/man" in v))'); do
		[ -s "$DEST$f" ] || missing+=" $f"
	done
	is "$missing" "" "every configured man page is installed"
	if command -v man >/dev/null; then
		out=$(MANPATH=$man MANPAGER=cat PAGER=cat "$bin" help shell 2>&1)
		like "$out" "latticectl-shell - an interactive prompt" "help opens the installed man page"
	else
		echo "ok $((tap_n += 1)) - help opens the man page # SKIP no man"
	fi
else
	echo "ok $((tap_n += 1)) - man pages # SKIP scdoc not found"
fi

# Without man pages, help falls back to the --help text.
out=$(MANPATH=$TEST_DIR/nowhere PATH=/nonexistent "$bin" help shell 2>&1)
like "$out" "^usage: latticectl shell" "help without man prints --help"

done_testing
