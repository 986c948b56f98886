# fish completion for latticectl; everything comes from 'latticectl __complete'.

function __latticectl_words
	set -l words (commandline -opc)
	set -e words[1]
	set -l out
	for w in $words
		string match -q -- '-*' $w; and continue
		set out $out $w
	end
	printf '%s\n' $out
end

function __latticectl_commands
	set -l w (__latticectl_words)
	if test (count $w) -eq 0
		latticectl __complete commands 2>/dev/null
	else if test (count $w) -eq 1
		set -l top (latticectl __complete commands 2>/dev/null)
		set -l subs (latticectl __complete commands $w[1] 2>/dev/null)
		test "$subs" != "$top"; and printf '%s\n' $subs
	end
end

function __latticectl_options
	set -l w (__latticectl_words)
	latticectl __complete options $w[1..2] 2>/dev/null | string replace -r '=\t' '\t'
end

function __latticectl_values
	set -l prev (commandline -opc)[-1]
	latticectl __complete values -- $prev 2>/dev/null
end

complete -c latticectl -f
complete -c latticectl -n 'not string match -q -- "-*" (commandline -ct)' -a '(__latticectl_commands)'
complete -c latticectl -n 'string match -q -- "-*" (commandline -opc)[-1]' -a '(__latticectl_values)'
complete -c latticectl -n 'string match -q -- "-*" (commandline -ct)' -a '(__latticectl_options)'
