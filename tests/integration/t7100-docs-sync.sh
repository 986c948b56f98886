#!/usr/bin/env bash
# t7100-docs-sync: for every command and subcommand, each long option in
# the C tables appears in --help, in man/latticectl-CMD.1.scd and in
# '__complete options'; each option a man page names exists in the tables.
# Every command has its page: a missing one fails.
. "$LT_SRCDIR/tests/lib/lib.sh"

MAN=$LT_SRCDIR/man

# no_page CMD DESC: a test point for a page that should exist and does not.
no_page() {
	ok 1 "$2"
	echo "#   man/latticectl-$1.1.scd is missing (docs/architecture.md, Commands)"
}

opts_of() { lt __complete options "$@" | cut -f1 | sed 's/=$//'; }
globals=$(opts_of version)
own_opts() { opts_of "$@" | grep -vxF -- "$globals"; }

# check_formats CMD [SUB]: a "-o a|b" that the usage line or the man
# page's synopsis gives names the formats '__complete values' offers.
check_formats() {
	local path="$*" page=$MAN/latticectl-$1.1.scd want got
	want=$(lt __complete values -- "$@" --output | sort | tr '\n' ' ')
	# the usage, wrapped to 80 columns, runs to the first blank line
	got=$(lt "$@" --help 2>&1 | sed -n '1,/^$/p' | tr -s '\n ' ' ' |
	    sed -n 's/.*-o \([a-z|]*\).*/\1/p' | tr '|' '\n' | sort | tr '\n' ' ')
	[ -z "$got" ] || is "$got" "$want" "$path: --help's -o lists the formats it takes"
	[ -f "$page" ] || return 0
	got=$(sed -n '/^# SYNOPSIS/,/^# /p' "$page" | tr -d '\\\n' |
	    grep -oE -- "\*latticectl $path\*[^*]*(\*[^l*][^*]*\*[^*]*)*\[\*-o\* [a-z|]*" |
	    sed 's/.*\[\*-o\* //' | tr '|' '\n' | sort | tr '\n' ' ')
	[ -z "$got" ] || is "$got" "$want" "$path: latticectl-$1(1)'s synopsis -o lists the formats it takes"
}

# check_cmd CMD [SUB]: --help and __complete agree with the C table, and
# the man page names every option.
check_cmd() {
	local path="$*" page=$MAN/latticectl-$1.1.scd help o missing_help="" missing_man=""
	check_formats "$@"
	help=$(lt "$@" --help 2>&1)
	for o in $(own_opts "$@"); do
		printf '%s' "$help" | grep -qF -- "$o" || missing_help+=" $o"
		[ -f "$page" ] && { grep -qF -- "*$o" "$page" || missing_man+=" $o"; }
	done
	is "$missing_help" "" "$path: every option in --help"
	if [ -f "$page" ]; then
		is "$missing_man" "" "$path: every option in latticectl-$1(1)"
	else
		no_page "$1" "$path: every option in latticectl-$1(1)"
	fi
}

# check_page_reverse CMD: each *--option* the page names exists.
check_page_reverse() {
	local cmd=$1 page=$MAN/latticectl-$1.1.scd known o unknown="" s
	if [ ! -f "$page" ]; then
		no_page "$cmd" "latticectl-$cmd(1) exists"
		return
	fi
	ok 0 "latticectl-$cmd(1) exists"
	known=$(opts_of "$cmd"; for s in $(lt __complete commands "$cmd" | cut -f1); do
		opts_of "$cmd" "$s"; done)
	for o in $(grep -oE -- '\*--[a-z][a-z0-9-]*' "$page" | sed 's/^\*//' | sort -u); do
		printf '%s\n' "$known" | grep -qxF -- "$o" || unknown+=" $o"
	done
	is "$unknown" "" "latticectl-$cmd(1) names no unknown option"
}

cmds=$(lt __complete commands | cut -f1)
like "$cmds" "shell" "__complete commands lists shell"
all=$(lt __complete commands | cut -f1 | sort)
for c in $cmds; do
	subs=$(lt __complete commands "$c" | cut -f1 | sort)
	if [ "$subs" != "$all" ] && [ -n "$subs" ]; then
		for s in $subs; do
			check_cmd "$c" "$s"
		done
	else
		check_cmd "$c"
	fi
	check_page_reverse "$c"
	grep -qE -- "^\*([a-z]+\*, \*)*$c[* ]" "$MAN/latticectl.1.scd"
	ok $? "latticectl(1) lists $c"
done

done_testing
