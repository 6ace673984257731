#!/bin/sh
# synth_report.sh STAT...: print the cell counts of Yosys `stat` reports as a table.
# Cells shown: logic (LUTs), flip-flops, carry, block RAM, DSP; per configuration.
for f in "$@"; do
	name=$(basename "$f" .stat)
	awk -v name="$name" '
	/Number of cells:/ { total = $4 }
	$1 ~ /^(SB_LUT4|LUT4)$/ { lut += $2 }
	$1 ~ /^(SB_DFF|TRELLIS_FF)/ { ff += $2 }
	$1 ~ /^(SB_CARRY|CCU2C)$/ { carry += $2 }
	$1 ~ /^(SB_RAM40_4K|SB_SPRAM256KA|DP16KD|TRELLIS_DPR16X4)$/ { ram[$1] += $2 }
	$1 ~ /^(SB_MAC16|MULT18X18D|ALU54B)$/ { dsp[$1] += $2 }
	END {
		r = ""; for (k in ram) r = r k "=" ram[k] " ";
		d = ""; for (k in dsp) d = d k "=" dsp[k] " ";
		printf "%-12s cells %7d  LUT4 %7d  FF %6d  carry %6d  RAM %s DSP %s\n", name, total, lut, ff, carry, (r == "" ? "0 " : r), (d == "" ? "0" : d)
	}' "$f"
done
