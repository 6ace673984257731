# mote.bash: bash completion for mote(1) (make install puts it in
# share/bash-completion/completions/mote).  The subcommands come from `mote --help`
# and each one's options from `mote CMD --help`, so the lists are the tool's own.
_mote()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && NF { print $1 }') --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--device|--target)
		COMPREPLY=($(compgen -W "sim sim:rows=4,cols=4 sim:rows=8,cols=8 sim:rows=16,cols=16 sim:board=icebreaker sim:link=uart sim:board=icebreaker,link=uart usb" -- "$cur"))
		return;;
	--pattern)
		COMPREPLY=($(compgen -W "2:4" -- "$cur"))
		return;;
	--sparsity)
		COMPREPLY=($(compgen -W "auto dense 2:4" -- "$cur"))
		return;;
	--output|--dump|--onnx-test)
		COMPREPLY=($(compgen -d -- "$cur"))
		return;;
	-o|--data|--labels|--agree|--check|--predictions|--input)
		COMPREPLY=($(compgen -f -- "$cur"))
		return;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null | grep -oE -- '^  --[a-z0-9-]+' | tr -d ' ' | sort -u)" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _mote mote
