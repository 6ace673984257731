# sparse.gp: 2:4 sparse against dense, dense cycles / sparse cycles on the same pruned weights,
# one bar per network in each geometry, the limit (2: half the passes) as a dashed line.
# src: columns geometry, then one column per network, a line of column heads first; ncol; nrow.
load dir . "/common.gp"
set title "2:4 sparse against dense: device cycles per inference, the same weights"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9 relative
set xrange [-0.6:nrow - 0.4]
set yrange [0:2.4]
set ytics 0, 0.25, 2
set ylabel "speedup: dense cycles / sparse cycles"
set xtics scale 0
set key top right
set arrow 1 from graph 0, first 2 to graph 1, first 2 nohead dt 2 lc rgb "#666666"
set label 1 "limit 2.0" at graph 0.01, first 2.06 left font ",9" tc rgb "#666666"
plot for [c=2:ncol] src using c:xtic(1) title columnhead(c)
