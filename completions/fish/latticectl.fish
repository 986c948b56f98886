# fish completion for latticectl; everything comes from 'latticectl __complete',
# which is given the words typed so far and knows which options take a value.

function __latticectl_typed
	set -l words (commandline -opc)
	set -e words[1]
	printf '%s\n' $words
end

function __latticectl_commands
	latticectl __complete commands -- (__latticectl_typed) 2>/dev/null
end

function __latticectl_options
	latticectl __complete options -- (__latticectl_typed) 2>/dev/null | string replace -r '=\t' '\t'
end

function __latticectl_values
	latticectl __complete values -- (__latticectl_typed) 2>/dev/null
end

complete -c latticectl -f
complete -c latticectl -n 'not string match -q -- "-*" (commandline -ct)' -a '(__latticectl_commands)'
complete -c latticectl -n 'string match -q -- "-*" (commandline -opc)[-1]' -a '(__latticectl_values)'
complete -c latticectl -n 'string match -q -- "-*" (commandline -ct)' -a '(__latticectl_options)'
