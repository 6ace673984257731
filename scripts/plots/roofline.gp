# roofline.gp: every layer of every network on one geometry against the array's peak
# (rows x cols MACs per cycle) and the memory bus (mem_bytes per cycle x MACs per byte).
# src: one block per network (two blank lines between), columns intensity (MACs per byte moved)
# and MACs per cycle; nets: the networks' names in the order of the blocks; peak, bw, title_text.
load dir . "/common.gp"
# the axes: whole decades around the points and the ridge (peak / bw) (stats before logscale)
stats src using 1:2 nooutput
ridge = peak * 1.0 / bw
decade(v) = 10 ** floor(log10(v))
xmin = decade(STATS_min_x < ridge / 10 ? STATS_min_x : ridge / 10)
xmax = 10 ** ceil(log10(STATS_max_x > ridge * 10 ? STATS_max_x : ridge * 10))
ymin = decade(STATS_min_y < bw * xmin ? STATS_min_y : bw * xmin)
set title title_text
set logscale xy
set xrange [xmin:xmax]
set yrange [ymin:peak * 3]
set format x "%g"
set format y "%g"
set xlabel "operational intensity: MACs per byte moved (BYTES_READ + BYTES_WRITTEN)"
set ylabel "achieved MACs per cycle"
set grid xtics ytics lc rgb "#dddddd" lt 1
set key bottom right box
roof(x) = bw * x < peak ? bw * x : peak * 1.0
set samples 400
set label 1 sprintf("ridge: %g MACs per byte ", ridge) at ridge, peak * 1.6 right font ",9" tc rgb "#666666"
set arrow 1 from ridge, ymin to ridge, peak nohead dt 2 lc rgb "#999999"
plot roof(x) with lines lw 2 lc rgb "#333333" \
       title sprintf("min(peak %g MACs per cycle, %g bytes per cycle x intensity)", peak, bw), \
     for [i=1:words(nets)] src index (i - 1) using 1:2 with points pt (i + 4) ps 1.2 title word(nets, i)
