# utilization.gp: a network's array utilization per layer, one bar per geometry.
# src: columns layer, then one column per geometry ('-': the layer is not a device step
# there), a line of column heads first; ncol: the number of columns; nrow: of layers; title_text.
load dir . "/common.gp"
set title title_text
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9 relative
set xrange [-0.6:nrow - 0.4]
set datafile missing "-"
set yrange [0:1.12]
set ytics 0, 0.1, 1
set ylabel "utilization: useful MACs / (cycles x rows x cols)"
set xtics rotate by -50 scale 0 font ",9"
set key top right horizontal
set bmargin 7
plot for [c=2:ncol] src using c:xtic(1) title columnhead(c)
