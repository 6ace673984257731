# hot_code_kb.awk: the code a simulated cycle runs, in KB, from a callgrind profile made with
# --dump-instr=yes: the 64-byte lines of code that hold an instruction executed at least THR
# times (THR: half the cycles simulated, so code run every cycle and not start-up code).
#   usage: awk -v thr=THR -f scripts/hot_code_kb.awk callgrind.out
# Callgrind's format (valgrind's callgrind-format documentation): a cost line is a position
# (an address: absolute 0x..., relative +N / -N, or * for the same) and then the line and the
# count; the cost line after a calls= line is the call's inclusive cost, not this instruction's.
function num(s,   i, v) {
	if (s !~ /^0x/)
		return s + 0
	v = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function pos(s, prev) {
	if (s == "*")
		return prev
	if (s ~ /^\+/)
		return prev + num(substr(s, 2))
	if (s ~ /^-/)
		return prev - num(substr(s, 2))
	return num(s)
}
/^calls=/ { skip = 1; next }
/^[0-9+*-]/ {
	addr = pos($1, addr)
	if (skip) { skip = 0; next }
	if (NF >= 3)
		n[addr] += $3
}
END {
	for (a in n)
		if (n[a] >= thr)
			line[int(a / 64)] = 1
	k = 0
	for (x in line)
		k++
	printf "%.1f\n", k * 64 / 1024
}
