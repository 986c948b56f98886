# fish completion for latticectl; everything comes from 'latticectl __complete',
# which is given the words typed so far and knows which options take a value.
# 'args' exits 1 when the word takes file names. Values are printed, never
# evaluated, and are plain words.

function __latticectl_typed
	set -l words (commandline -opc)
	set -e words[1]
	set -q words[1]; and printf '%s\n' $words
end

function __latticectl_options
	latticectl __complete options -- (__latticectl_typed) 2>/dev/null | string replace -r '=\t' '\t'
end

function __latticectl_args
	set -l cur (commandline -ct)
	set -l out (latticectl __complete args -- (__latticectl_typed) "$cur" 2>/dev/null)
	or begin
		__fish_complete_path "$cur"
		return
	end
	printf '%s\n' $out
end

complete -c latticectl -f
complete -c latticectl -n 'not string match -q -- "-*" (commandline -ct); or string match -q -- "-*=*" (commandline -ct)' -a '(__latticectl_args)'
complete -c latticectl -n 'string match -q -- "-*" (commandline -ct); and not string match -q -- "-*=*" (commandline -ct)' -a '(__latticectl_options)'
