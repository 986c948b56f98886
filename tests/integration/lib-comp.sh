# lib-comp.sh: drive the completion scripts without a terminal (source
# after lib.sh). Each helper takes the words of a command line, the last
# being the word completed (may be empty), and prints the candidates
# sorted, one a line. The binary is found as 'latticectl' in $COMP_BIN.

COMP=$LT_SRCDIR/completions
COMP_BIN=$TEST_DIR/bin
mkdir -p "$COMP_BIN"
ln -sf "$LATTICECTL" "$COMP_BIN/latticectl"

# bcomp WORDS...: bash, through COMP_WORDS/COMP_CWORD and the function
# 'complete -p' names.
bcomp() {
	PATH="$COMP_BIN:$PATH" bash --norc --noprofile -c '
		. "$1"; shift
		fn=$(complete -p latticectl | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		"$fn" latticectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' bcomp "$COMP/bash/latticectl" "$@"
}

# zcomp WORDS...: zsh, with words/CURRENT/PREFIX set and compadd,
# _describe and _files standing in for compsys (which needs a terminal):
# what the script would offer that matches PREFIX, as compadd does;
# '<files>' for file names.
zcomp() {
	PATH="$COMP_BIN:$PATH" ZCOMP_FILE=$COMP/zsh/_latticectl zsh -f -c '
		compadd() {
			local -a w
			while (( $# )); do
				case $1 in
				-a) shift; w+=("${(@P)1}") ;;
				-S) shift ;;
				-*) ;;
				*) w+=("$1") ;;
				esac
				shift
			done
			w=(${(M)w:#${(b)PREFIX}*})
			(( ${#w} )) && print -rl -- "${w[@]}"
		}
		_describe() { local -a d; d=("${(@)${(@P)2}%%:*}"); compadd -a d; }
		_files() { print -r -- "<files>"; }
		words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
		source "$ZCOMP_FILE"' zcomp "$@" | sort
}

# fcomp LINE: fish's own 'complete -C' on a command line.
fcomp() {
	PATH="$COMP_BIN:$PATH" fish --no-config -c \
	    "source '$COMP/fish/latticectl.fish'; complete -C \$argv[1]" "$1" |
	    cut -f1 | sort
}
