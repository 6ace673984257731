#!/bin/sh
# report.sh --resources|--final DIR NEXTPNR_JSON TARGET_MHZ MACS_PER_CYCLE MAX_LC [GOAL_MHZ]: the
# UP5K build's resources (and, --final, its Fmax) from nextpnr's --report JSON, written as
# DIR/report.json and printed.  TARGET_MHZ is the clock the board runs (its PLL), GOAL_MHZ the
# clock the design aims at.  Exit 1 when the design exceeds the part (5,280 logic cells, 8 DSP,
# 30 EBR, 4 SPRAM), or, --resources, takes more than MAX_LC logic cells (what place and route is
# tried on), or, --final, misses the target clock.
set -eu
mode=$1 dir=$2 json=$3 target=$4 macs=$5 max_lc=${6:-5280} goal=${7:-$4}
[ -s "$json" ] || { echo "report.sh: no $json" >&2; exit 1; }
# nextpnr's report: "utilization": {"ICESTORM_LC": {"available": A, "used": U}, ...} and
# "fmax": {"<clock>": {"achieved": F, "constraint": T}}; read with the standard tools only.
flat=$(tr -d '\n ' < "$json")
num() { echo "$flat" | sed -n "s/.*\"$1\":{\"available\":\([0-9]*\),\"used\":\([0-9]*\)}.*/\2 \1/p"; }
set -- $(num ICESTORM_LC); lc=$1 lc_total=$2
set -- $(num ICESTORM_DSP); dsp=$1
set -- $(num ICESTORM_RAM); ebr=$1
set -- $(num ICESTORM_SPRAM); spram=$1
fmax=null gops=null
if [ "$mode" = --final ]; then
	fmax=$(echo "$flat" | sed -n 's/.*"fmax":{[^}]*"achieved":\([0-9.]*\).*/\1/p')
	gops=$(awk -v f="$fmax" -v m="$macs" 'BEGIN { printf "%.3f", 2 * m * f / 1000 }')
fi
cat > "$dir/report.json" <<J
{"board":"icebreaker","lc":$lc,"lc_total":$lc_total,"dsp":$dsp,"ebr":$ebr,"spram":$spram,
 "fmax_mhz":$fmax,"target_mhz":$target,"goal_mhz":$goal,"macs_per_cycle":$macs,"gops_at_fmax":$gops}
J
echo "icebreaker (UP5K): $lc / $lc_total logic cells, $dsp / 8 DSP, $ebr / 30 EBR, $spram / 4 SPRAM;" \
     "$macs MACs/cycle$( [ "$fmax" = null ] || echo "; Fmax $fmax MHz (the board's clock $target MHz, goal $goal)," \
     "$gops GOPS at Fmax")"
fits=$(awk -v lc="$lc" -v t="$lc_total" -v d="$dsp" -v e="$ebr" -v s="$spram" \
	'BEGIN { print (lc <= t && d <= 8 && e <= 30 && s <= 4) ? 1 : 0 }')
[ "$fits" = 1 ] || { echo "fpga: the board build exceeds the UP5K ($dir/report.json)" >&2; exit 1; }
if [ "$mode" = --resources ] && [ "$lc" -gt "$max_lc" ]; then
	echo "fpga: $lc logic cells: above the $max_lc (FPGA_IB_MAX_LC) place and route is tried on;" \
	     "nextpnr 0.4 did not route this design at 92.5% (see fpga/icebreaker/icebreaker.mk)" >&2
	exit 1
fi
if [ "$mode" = --final ]; then
	met=$(awk -v f="$fmax" -v t="$target" 'BEGIN { print (f >= t) ? 1 : 0 }')
	[ "$met" = 1 ] || { echo "fpga: Fmax $fmax MHz misses the $target MHz target" >&2; exit 1; }
fi
exit 0
