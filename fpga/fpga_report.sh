#!/bin/sh
# fpga_report.sh STAT...: the flattened Yosys syntheses of `make fpga-report` against the
# parts they are for, one line per configuration and part.  A configuration is named
# <family>_<R>x<C> (build/synth/<name>.flat.stat).
#
# LUT4 counts what occupies a LUT4 site: LUT4 cells, two per carry cell (an ECP5 CCU2C
# fills both LUTs of a slice), four per 16x4 distributed RAM (ECP5 TRELLIS_DPR16X4, Gowin
# RAM16SDP4: an estimate; they also take a slice for the write port), one per Gowin ALU.
# Capacities are the vendors' data sheets: Lattice ECP5 family data sheet (FPGA-DS-02012),
# table 1.1: LFE5U-25F 24k LUT4, 28 18x18 multipliers, 56 EBR of 18 Kbit; 45F 44k, 72,
# 108; 85F 84k, 156, 208.  Gowin GW1NR series data sheet (DS117): GW1NR-9 8,640 LUT4, 20
# 18x18 multipliers, 26 BSRAM of 18 Kbit.
printf '%-12s %-11s %8s %6s %8s %7s %6s %6s %9s  %s\n' config part LUT4 "LUT%" FF DSP "DSP%" RAM "LUT4/MAC" fits
for f in "$@"; do
	name=$(basename "$f" .flat.stat)
	family=${name%%_*}
	geom=${name##*_}
	macs=$(( ${geom%x*} * ${geom#*x} ))
	case $family in
	ecp5)  parts="LFE5U-25F:24000:28:56 LFE5U-45F:44000:72:108 LFE5U-85F:84000:156:208" ;;
	gowin) parts="GW1NR-9:8640:20:26" ;;
	*)     echo "fpga_report.sh: unknown family in $name" >&2; exit 1 ;;
	esac
	for p in $parts; do
		awk -v name="$name" -v part="$p" -v macs="$macs" '
		$1 == "LUT4" || $1 ~ /^LUT[123]$/ || $1 == "ALU" { lut += $2 }
		$1 == "CCU2C" { lut += 2 * $2 }
		$1 == "TRELLIS_DPR16X4" || $1 == "RAM16SDP4" { lut += 4 * $2 }
		$1 ~ /^(TRELLIS_FF|DFF[A-Z]*)$/ { ff += $2 }
		$1 ~ /^(MULT18X18D|MULT9X9D|MULT18X18|MULT9X9|MULT36X36|MULTALU.*)$/ { dsp += $2 }
		$1 ~ /^(DP16KD|PDPW16KD|SDPB|SDPX9B|DPB|DPX9B|SP|SPX9|pROM|pROMX9)$/ { ram += $2 }
		END {
			split(part, c, ":")
			fits = (lut <= c[2] && dsp <= c[3] && ram <= c[4]) ? "yes" : "no"
			why = ""
			if (lut > c[2]) why = why " LUT4"
			if (dsp > c[3]) why = why " DSP"
			if (ram > c[4]) why = why " RAM"
			printf "%-12s %-11s %8d %5.0f%% %8d %7d %5.0f%% %6d %9.0f  %s%s\n", name, c[1], lut,
			       100 * lut / c[2], ff, dsp, 100 * dsp / c[3], ram, lut / macs, fits,
			       why == "" ? "" : " (over:" why ")"
		}' "$f"
	done
done
