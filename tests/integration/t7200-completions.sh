#!/usr/bin/env bash
# t7200-completions: the bash script driven through COMP_WORDS/COMP_CWORD in
# a bash subshell (the function 'complete -p' names); fish and zsh when
# installed (zsh through stand-ins for compsys, lib-comp.sh). Live values
# and hostile names are t7250's.
. "$LT_SRCDIR/tests/lib/lib.sh"

. "$LT_SRCDIR/tests/integration/lib-comp.sh"
BINDIR=$COMP_BIN

like "$(PATH="$BINDIR:$PATH" bash --norc -c ". '$COMP/bash/latticectl'; complete -p latticectl")" \
    "^complete -F _latticectl latticectl$" "bash: complete -p names the function"
is "$(bcomp latticectl vers)" "version" "bash: command name"
like "$(bcomp latticectl '')" "shell" "bash: empty word lists commands"
unlike "$(bcomp latticectl '')" "__complete" "bash: hidden commands are not offered"
is "$(bcomp latticectl watch --cou)" "--count" "bash: command option"
like "$(bcomp latticectl watch --lat)" "^--lattice$" "bash: global option after a command"
is "$(bcomp latticectl -o nd)" "ndjson" "bash: value of a short option"
is "$(bcomp latticectl watch --output '' | tr '\n' ' ')" "ndjson raw text wide " "bash: enum values"
is "$(bcomp latticectl report --output '' | tr '\n' ' ')" "html markdown ndjson " "bash: -o values are the command's formats"
is "$(bcomp latticectl -x a doctor -o '' | tr '\n' ' ')" "json ndjson text " "bash: doctor's -o values"
is "$(bcomp latticectl kv snapshot -o '' | tr '\n' ' ')" "ndjson text " "bash: a subcommand's -o values"
# Each format is offered exactly when the command accepts it (a refused
# -o is exit 2 before any connection is tried).
bad="" n=0
for c in $(lt __complete commands | cut -f1); do
	subs=$(lt __complete commands -- "$c" | cut -f1)
	paths=$c; [ -n "$subs" ] && paths=$(printf "$c/%s " $subs)
	for path in $paths; do
		offered=$(lt __complete values -- ${path/\// } --output)
		for f in text wide json ndjson raw; do
			err=$(timeout 10 "$LATTICECTL" -s nats://127.0.0.1:1 --no-context \
			    ${path/\// } -o "$f" </dev/null 2>&1 >/dev/null)
			refused=no
			[[ $err == *"is not an output of"* || $err == *"-o json is one JSON document"* ]] && refused=yes
			grep -qxF "$f" <<<"$offered" && want=no || want=yes
			n=$((n + 1))
			[ "$refused" = "$want" ] || bad+=" ${path/\// }:-o $f(refused=$refused)"
		done
	done
done
is "$bad" "" "__complete values -o agrees with the formats each command accepts ($n checked)"
is "$(bcomp latticectl config s)" "show" "bash: subcommand"
is "$(bcomp latticectl config show --sou)" "--sources" "bash: subcommand option"
# A global option that takes a value, before the command: its value is
# not the command ('-x foo' is skipped whole).
is "$(bcomp latticectl -x foo wa)" "watch" "bash: -x VALUE before the command name"
is "$(bcomp latticectl -x foo watch --ty)" "--type" "bash: -x VALUE before a command option"
is "$(bcomp latticectl -s nats://127.0.0.1:4222 kv d)" "diff" "bash: -s URL before a subcommand"
is "$(bcomp latticectl --lattice foo -o json kv get --rev)" "--revision" "bash: long options with values before a subcommand option"
is "$(bcomp latticectl watch --type config_set --cou)" "--count" "bash: a command option's value is skipped"
is "$(bcomp latticectl -x=foo con)" "config" "bash: --opt=value is one word"
is "$(lt __complete commands -- -x foo | cut -f1 | sort)" \
    "$(lt __complete commands | cut -f1 | sort)" "__complete commands skips -x VALUE"
is "$(lt __complete commands -- watch)" "" "__complete commands: nothing after a plain command"
for grp in $(lt __complete commands | cut -f1); do
	subs=$(lt __complete commands "$grp" | cut -f1 | sort)
	[ -z "$subs" ] || [ "$subs" = "$(lt __complete commands | cut -f1 | sort)" ] && continue
	is "$(bcomp latticectl "$grp" '')" "$subs" "bash: $grp subcommands"
done

if command -v fish >/dev/null; then
	is "$(fcomp 'latticectl watch --cou')" "--count" "fish: option"
	is "$(fcomp 'latticectl vers')" "version" "fish: command"
	is "$(fcomp 'latticectl kv g')" "get" "fish: subcommand"
	is "$(fcomp 'latticectl watch -o nd')" "ndjson" "fish: enum value"
	is "$(fcomp 'latticectl watch --type=config_s')" "--type=config_set" "fish: --opt=VALUE"
else
	echo "ok $((tap_n += 1)) - fish # SKIP fish not installed"
fi
if command -v zsh >/dev/null; then
	zsh -n "$COMP/zsh/_latticectl"
	ok $? "zsh: script parses"
	is "$(zcomp latticectl vers)" "version" "zsh: command"
	is "$(zcomp latticectl watch --cou)" "--count" "zsh: option"
	is "$(zcomp latticectl kv g)" "get" "zsh: subcommand"
	is "$(zcomp latticectl -x foo watch -o nd)" "ndjson" "zsh: enum value after -x VALUE"
	is "$(zcomp latticectl show '')" "<files>" "zsh: file names where the command takes files"
	is "$(zcomp latticectl watch --for '')" "$(printf '%s\n' app/ component/ config/ host/ provider/)" "zsh: --for kinds"
else
	echo "ok $((tap_n += 1)) - zsh # SKIP zsh not installed"
fi

done_testing
