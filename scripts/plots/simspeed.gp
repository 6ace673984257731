# simspeed.gp: simulated cycles per wall second per geometry, one bar per job.
# src: columns geometry, then one column per job, a line of column heads first; ncol; nrow.
load dir . "/common.gp"
set title "Verilator simulation speed per geometry (best of the runs; the machine may be shared)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9 relative
set xrange [-0.6:nrow - 0.4]
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set ylabel "simulated cycles per wall second (millions)"
set xtics scale 0
set key top right
plot for [c=2:ncol] src using (column(c) / 1e6):xtic(1) title columnhead(c)
