# common.gp: the terminal of every figure of scripts/bench_plots.sh.
# Takes fmt ("png" or "svg"), out (the file without its extension) and, if set, w and h
# (the size in pixels); labels are taken literally (layer names hold '_' and '/').
if (!exists("w")) w = 900
if (!exists("h")) h = 500
if (fmt eq "svg") {
	set terminal svg size w, h noenhanced font "sans,11" background "#ffffff"
} else {
	set terminal pngcairo size w, h noenhanced font "sans,10" background "#ffffff"
}
set output out . "." . fmt
set grid ytics lc rgb "#dddddd" lt 1
set border 3
set tics nomirror
