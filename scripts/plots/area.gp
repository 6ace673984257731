# area.gp: the board build's area per module (its instances below the top and below mote_top,
# each with its children), LUT4 and flip-flops as bars, the hard blocks (block RAM, SPRAM,
# DSP) written above them.
# src: columns label, lut4, ff, bram, spram, dsp, a line of column heads first; nrow; title_text.
load dir . "/common.gp"
set title title_text
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9 relative
set xrange [-0.6:nrow - 0.4]
set datafile columnheaders
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set ylabel "cells (self and children)"
set xtics rotate by -40 scale 0 font ",9"
set rmargin 16
set key top center horizontal
set bmargin 10
hard(b, s, d) = (b > 0 ? sprintf("%d EBR ", b) : "") . (s > 0 ? sprintf("%d SPRAM ", s) : "") . (d > 0 ? sprintf("%d DSP", d) : "")
plot src using 2:xtic(1) title "LUT4", '' using 3 title "flip-flops", \
     '' using ($0):(($2 > $3 ? $2 : $3)):(hard($4, $5, $6)) with labels offset 0, 0.8 font ",8" notitle
