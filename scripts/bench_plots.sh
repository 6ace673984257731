#!/bin/sh
# bench_plots.sh: the figures of `make bench`, drawn with gnuplot (Debian gnuplot-nox) from the
# data the bench scripts wrote; `make plots` runs it alone to redraw them.  Each figure is a .png
# and an .svg in build/bench/plots/, beside the table it was drawn from (scripts/plots/*.gp):
#   util_<network>      utilization per layer, a bar per geometry     (build/bench/layers.dat)
#   roofline_<geometry> every network's layers: MACs per byte moved against MACs per cycle,
#                       under the array's peak and the memory bus   (build/bench/layers.dat)
#   simspeed            simulated cycles per second per geometry      (build/bench/simspeed.dat)
#   sparse              2:4 sparse against dense per geometry          (build/bench/sparse.dat)
#   area_icebreaker     the board build's area per module  (build/synth/icebreaker.area.json)
# A figure whose data is missing is skipped with a note (the area: until `make synth`).
set -eu
OUT=${OUT:-build/bench}
SYNTH=${SYNTH:-build/synth}
GP=scripts/plots
P=$OUT/plots

if ! command -v gnuplot > /dev/null 2>&1; then
	echo "bench_plots: gnuplot is missing; install Debian's gnuplot-nox (make deps, or" >&2
	echo "  sudo apt-get install gnuplot-nox), then make plots draws the figures from $OUT/*.dat" >&2
	exit 1
fi
mkdir -p "$P"

drawn=""
draw() { # draw SCRIPT NAME GNUPLOT-ASSIGNMENTS: $P/NAME.png and $P/NAME.svg
	for fmt in png svg; do
		gnuplot -e "dir='$GP'; fmt='$fmt'; out='$P/$2'; $3" "$GP/$1.gp" ||
			{ echo "bench_plots: $P/$2.$fmt failed" >&2; exit 1; }
	done
	drawn="$drawn $2"
}
note() { echo "bench_plots: $*"; }
# shape TABLE: its number of columns (ncol, counted on the first data line: the heads may be
# quoted strings with blanks) and of data lines (nrow)
shape() {
	ncol=$(awk '!/^#/ && ++n == 2 { print NF; exit }' "$1")
	nrow=$(($(grep -vc '^#' "$1") - 1))
}
# pivot ROW COL VALUE NAME COMMENT < TABLE: a row per value of field ROW, a column per value of
# field COL (in the order first seen; '-' where a pair is missing), a line of column heads first
# (NAME: the first column's)
pivot() {
	awk -v rf="$1" -v cf="$2" -v vf="$3" -v name="$4" -v comment="$5" '
		/^#/ { next }
		!($rf in ri) { ri[$rf] = ++nr; row[nr] = $rf }
		!($cf in ci) { ci[$cf] = ++nc; col[nc] = $cf }
		{ v[$rf, $cf] = $vf }
		END {
			print "# " comment
			printf "%s", name
			for (c = 1; c <= nc; c++) printf " %s", col[c]
			printf "\n"
			for (r = 1; r <= nr; r++) {
				printf "%s", row[r]
				for (c = 1; c <= nc; c++) printf " %s", ((row[r], col[c]) in v) ? v[row[r], col[c]] : "-"
				printf "\n"
			}
		}'
}

# ---- from layers.dat: network geometry rows cols mem_bytes step layer op cycles macs
#      utilization bytes_read bytes_written
L=$OUT/layers.dat
if [ -f "$L" ]; then
	nets=$(awk '!/^#/ && !s[$1]++ { print $1 }' "$L")
	for net in $nets; do
		# a row per layer (in the order first seen), a column per geometry the network ran on;
		# a geometry's head gives the whole network's utilization on it
		awk -v net="$net" '
			/^#/ || $1 != net { next }
			!($2 in seen) { seen[$2] = 1; geo[++ng] = $2; pe[$2] = $3 * $4
				name[$2] = ($2 == $3 "x" $4) ? $2 : $2 " (" $3 "x" $4 ")" }
			!($7 in row) { row[$7] = ++nl; lay[nl] = $7 }
			{ u[$7, $2] = $11; cyc[$2] += $9; mac[$2] += $10 }
			END {
				printf "# %s: utilization per device layer and geometry (scripts/bench_plots.sh from layers.dat)\n", net
				printf "layer"
				for (g = 1; g <= ng; g++)
					printf " \"%s: %.3f overall\"", name[geo[g]], mac[geo[g]] / (cyc[geo[g]] * pe[geo[g]])
				printf "\n"
				for (l = 1; l <= nl; l++) {
					printf "%s", lay[l]
					for (g = 1; g <= ng; g++)
						printf " %s", ((lay[l], geo[g]) in u) ? u[lay[l], geo[g]] : "-"
					printf "\n"
				}
			}' "$L" > "$P/util_$net.dat"
		shape "$P/util_$net.dat"
		draw utilization "util_$net" "src='$P/util_$net.dat'; ncol=$ncol; nrow=$nrow; w=$((400 + 12 * nrow * ncol)); title_text='$net: array utilization per device layer'"
	done
	for geo in $(awk '!/^#/ && !s[$2]++ { print $2 }' "$L"); do
		if awk -v g="$geo" '!/^#/ && $2 == g && ($12 == "-" || $13 == "-") { bad = 1 } END { exit !bad }' "$L"; then
			note "no roofline for $geo: its device keeps no BYTES_READ/BYTES_WRITTEN counters"
			continue
		fi
		# a block per network: intensity (MACs per byte moved), MACs per cycle, layer
		awk -v g="$geo" '
			/^#/ || $2 != g { next }
			$1 != last { if (last != "") printf "\n\n"; last = $1; printf "# %s\n", $1 }
			{ printf "%g %g %s %s\n", $10 / ($12 + $13), $10 / $9, $7, $8 }' "$L" > "$P/roofline_$geo.dat"
		set -- $(awk -v g="$geo" '!/^#/ && $2 == g { print $3, $4, $5; exit }' "$L")
		gnets=$(awk -v g="$geo" '!/^#/ && $2 == g && !s[$1]++ { printf "%s ", $1 }' "$L")
		draw roofline "roofline_$geo" "src='$P/roofline_$geo.dat'; nets='$gnets'; peak=$(($1 * $2)); bw=$3; title_text='roofline of every device layer on $geo ($1 x $2 array, $3-byte memory bus)'"
	done
else
	note "no $L (scripts/bench_models.sh writes it): no utilization or roofline figures"
fi

# ---- from simspeed.dat: geometry device job cycles sim_cycles_per_second
S=$OUT/simspeed.dat
if [ -f "$S" ]; then
	pivot 1 3 5 geometry "simulated cycles per wall second, a column per job (scripts/bench_plots.sh from simspeed.dat)" \
		< "$S" > "$P/simspeed.dat"
	shape "$P/simspeed.dat"
	draw simspeed simspeed "src='$P/simspeed.dat'; ncol=$ncol; nrow=$nrow"
else
	note "no $S (scripts/bench.sh writes it): no simulation speed figure"
fi

# ---- from sparse.dat: network geometry dense_cycles sparse_cycles speedup
S=$OUT/sparse.dat
if [ -f "$S" ]; then
	pivot 2 1 5 geometry "2:4 speedup (dense / sparse cycles), a column per network (scripts/bench_plots.sh from sparse.dat)" \
		< "$S" > "$P/sparse.dat"
	shape "$P/sparse.dat"
	draw sparse sparse "src='$P/sparse.dat'; ncol=$ncol; nrow=$nrow; w=700"
else
	note "no $S (scripts/bench_models.sh writes it): no sparsity figure"
fi

# ---- from the board build's synthesis: its instances, with mote_top's opened up
A=$SYNTH/icebreaker.area.json
if [ -f "$A" ]; then
	awk '
		function val(s, k) { return match(s, "\"" k "\": *[0-9]+") ? substr(s, RSTART + length(k) + 3) + 0 : 0 }
		function field(s, k) { return match(s, "\"" k "\": *\"[^\"]*\"") ? substr(s, RSTART, RLENGTH) : "" }
		function unq(s) { sub(/^"[^"]*": *"/, "", s); sub(/"$/, "", s); return s }
		function short(p) { sub(/.*\//, "", p); sub(/.*\./, "", p); sub(/^u_/, "", p); return p }
		/"top":/ { top = unq(field($0, "top")) }
		/"totals":/ { tot = sprintf("LUT4 %d, FF %d, LC~%d, EBR %d, SPRAM %d, DSP %d", val($0, "lut4"), val($0, "ff"),
			val($0, "lc"), val($0, "bram"), val($0, "spram"), val($0, "dsp")) }
		/"path":/ { path = unq(field($0, "path")); mod = unq(field($0, "module")) }
		/"self":/ { self = $0 }
		/"total":/ {
			n = split(path, part, "/")
			if (path == top) next
			if (n == 1 && mod == "mote_top") { inner = path
				s = self; r = r sprintf("\"%s (%s, self)\" %d %d %d %d %d\n", short(path), mod, val(s, "lut4"), val(s, "ff"), val(s, "bram"), val(s, "spram"), val(s, "dsp"))
				next }
			if (n == 1 || (n == 2 && part[1] == inner))
				r = r sprintf("\"%s (%s)\" %d %d %d %d %d\n", short(path), mod, val($0, "lut4"), val($0, "ff"), val($0, "bram"), val($0, "spram"), val($0, "dsp"))
		}
		END {
			printf "# the board build (%s) per instance with its children (scripts/bench_plots.sh from icebreaker.area.json)\n", top
			printf "# totals: %s\n", tot
			print "instance lut4 ff bram spram dsp"
			printf "%s", r
		}' "$A" > "$P/area_icebreaker.dat"
	shape "$P/area_icebreaker.dat"
	draw area area_icebreaker "src='$P/area_icebreaker.dat'; nrow=$nrow; w=1000; title_text='iCEBreaker board build, area per module ($(sed -n 's/^# totals: //p' "$P/area_icebreaker.dat"))'"
else
	note "no $A: no area figure (make synth writes it, in several minutes)"
fi

echo "bench_plots: drew${drawn:- nothing} in $P (.png and .svg)"
