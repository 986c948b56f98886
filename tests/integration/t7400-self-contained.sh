#!/usr/bin/env bash
# t7400-self-contained: the repository stands on its own. No file in it
# (git ls-files in a git checkout, else every file under the source
# directory except build directories) may name the design and style notes
# or the protocol notes that once lived in a directory beside the clone;
# docs/architecture.md and docs/protocol.md exist with the sections that
# source comments point at; and every file under docs/ that any file
# mentions exists.
# The forbidden names are assembled from pieces below, so this script holds
# none of them and is scanned like every other file.
. "$LT_SRCDIR/tests/lib/lib.sh"
export LC_ALL=C

src=$(cd "$LT_SRCDIR" && pwd -P)
forbidden=(".""./sha""red" "DES""IGN.md" "STY""LE.md")

# list_files DIR: every file of the checkout at DIR, NUL-separated, as
# paths relative to DIR; sets how.
list_files() {
	local top
	top=$(git -C "$1" rev-parse --show-toplevel 2>/dev/null) &&
	    [ "$(cd "$top" && pwd -P)" = "$1" ] && {
		how="git ls-files"
		git -C "$1" ls-files -z
		return
	}
	how="the source tree"
	(cd "$1" && find . -type d \( -name .git -o -path ./build -o \
	    -path './build-*' -o -exec test -d '{}/meson-private' \; \) \
	    -prune -o -type f -print0 |
	    sed -z 's#^\./##')
}

# mentions DIR: "FILE:LINE: TEXT" for each line of a file of DIR that names
# a forbidden string.
mentions() {
	local f args=()

	for f in "${forbidden[@]}"; do
		args+=(-e "$f")
	done
	(cd "$1" && list_files "$1" | while IFS= read -r -d '' f; do
		[ -f "$f" ] && printf '%s\0' "$f"
	done | xargs -0 -r grep -a -n -F "${args[@]}" -- /dev/null |
	    cut -c1-200 | tr -c '[:print:]\n' '?')
}

# The check itself can fail: a planted mention in a scratch tree is found.
plant=$TEST_DIR/plant
mkdir -p "$plant/src" "$plant/build/meson-private"
echo "/* see ${forbidden[1]} */" >"$plant/src/a.c"
echo "also ${forbidden[0]}/x" >"$plant/src/b.md"
echo "${forbidden[2]}" >"$plant/build/ignored.txt"
got=$(mentions "$(cd "$plant" && pwd -P)" | cut -d: -f1 | sort | tr '\n' ' ')
is "$got" "src/a.c src/b.md " "the check finds planted mentions and skips build directories"

# The real tree.
list=$TEST_DIR/files
list_files "$src" >"$list.z"
tr '\0' '\n' <"$list.z" >"$list"
n=$(grep -c . "$list")
ok "$([ "$n" -gt 50 ]; echo $?)" "$n files to scan (from $how)"
ok "$(grep -qxF tests/integration/t7400-self-contained.sh "$list"; echo $?)" \
    "this script is scanned too"
bad=$(mentions "$src")
ok "$([ -z "$bad" ]; echo $?)" "no file names the notes outside the repository"
[ -z "$bad" ] || printf '%s\n' "$bad" | head -20 | sed 's/^/#   /'

# The design documents exist, with the headings comments point at.
for h in Modules 'Data path' Threads Recordings Snapshots Findings \
    Redaction Output 'Errors and exit codes' 'Subscribing safely'; do
	ok "$(grep -qxF "## $h" "$src/docs/architecture.md" 2>/dev/null; \
	    echo $?)" "docs/architecture.md has '## $h'"
done
for h in 'The #4704 chain' 'What latticesim plays'; do
	ok "$(grep -qxF "## $h" "$src/docs/protocol.md" 2>/dev/null; echo $?)" \
	    "docs/protocol.md has '## $h'"
done

# Every file under docs/ mentioned anywhere exists (relative ../ prefixes
# included; a docs directory deeper in a path is someone else's tree).
named=$(cd "$src" && tr '\n' '\0' <"$list" | xargs -0 -r grep -a -o -h -E \
    '(^|[^A-Za-z0-9_./-])(\.\./)*docs/[A-Za-z0-9._/-]*[A-Za-z0-9_]' \
    -- /dev/null 2>/dev/null | sed -E 's/^[^.d]//; s#^(\.\./)*##' | sort -u)
missing=
for d in $named; do
	[ -e "$src/$d" ] || missing="$missing $d"
done
ok "$([ -n "$named" ]; echo $?)" "files mention docs/ ($(echo $named))"
is "$missing" "" "every docs/ file mentioned exists"

done_testing
