# steps.awk: the device steps of `mote run --json`, one line each:
#   step layer op cycles macs utilization bytes_read bytes_written
# (a layer name's blanks and '#' become '_'; a perf counter the device does not keep is '-').
# Reads the JSON object on stdin; prefix each line with -v pre="...".

# the first value of KEY in s (a step's own fields come before its perf object)
function num(s, k) {
	if (match(s, "\"" k "\":-?[0-9][0-9.eE+-]*"))
		return substr(s, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
	return "-"
}
function str(s, k,    v) {
	if (!match(s, "\"" k "\":\"([^\"\\\\]|\\\\.)*\""))
		return "-"
	v = substr(s, RSTART + length(k) + 4, RLENGTH - length(k) - 5)
	gsub(/[ \t#]/, "_", v)
	return v == "" ? "-" : v
}
{ json = json $0 }
END {
	i = index(json, "\"steps\":[")
	if (!i)
		exit 1
	n = split(substr(json, i), chunk, "{\"step\":")
	for (c = 2; c <= n; c++) {
		s = "\"step\":" chunk[c]
		if (index(s, "\"device\":true") == 0)
			continue
		print (pre == "" ? "" : pre " ") num(s, "step"), str(s, "name"), str(s, "op"), num(s, "cycles"),
		      num(s, "macs"), num(s, "utilization"), num(s, "bytes_read"), num(s, "bytes_written")
	}
}
