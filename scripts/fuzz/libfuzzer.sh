#!/bin/sh
# scripts/fuzz/libfuzzer.sh: runs the libFuzzer builds of the fuzz targets (scripts/fuzz/fuzz.mk);
# make fuzz-libfuzzer and the libfuzzer suite of scripts/regress/regress.txt call it.
#
#   libfuzzer.sh replay TARGET...
#        every regression input and committed seed of each TARGET (onnx tflite model link cmd)
#        run once (libFuzzer runs the files given as arguments); a crash fails
#   libfuzzer.sh campaign TARGET SECONDS RUNS SEED OUT
#        fuzz for SECONDS of wall clock or RUNS executions (0: no limit), whichever ends first,
#        from libFuzzer seed SEED: new inputs into OUT/corpus, crash files into OUT/crashes/,
#        libFuzzer's output in OUT/libfuzzer.log, the figures in OUT/stats (one line, NAME=VALUE)
#        and printed: executions, exec/s, cov (edges) and ft (features) at the end, corpus size,
#        crashes.  Starts from the committed seeds, the regression inputs and the corpus kept so
#        far ($LF_DIR/corpus/TARGET).  Exit 1 on a crash (or any libFuzzer failure).
#   libfuzzer.sh merge TARGET INTO DIR...
#        DIR... and the committed seeds merged into INTO (libFuzzer -merge=1: the inputs that add
#        coverage to what INTO holds), then INTO's coverage printed
#   libfuzzer.sh regress-merge REGRESS_DIR
#        after make regress: each target's campaign corpora (REGRESS_DIR/out/libfuzzer/TARGET-seed*)
#        merged into $LF_DIR/corpus/TARGET, and per target the executions, crashes and coverage of
#        the shards and of the merged corpus, into REGRESS_DIR/libfuzzer.txt (printed)
#   libfuzzer.sh afl TARGET SECONDS OUT
#        the AFL++ build ($AFL_DIR/fuzz_TARGET: afl-clang-fast, libAFLDriver, persistent mode) under
#        afl-fuzz for SECONDS, from the committed seeds and the regression inputs (copied into
#        OUT/in), findings in OUT/default; prints executions, exec/s, edges found, corpus and
#        crashes from its fuzzer_stats; exit 1 on a crash
# LF_DIR, AFL_DIR: the binaries' folders (default build/fuzz-clang, build/fuzz-afl).  Run from the
# top of the repository.
set -u

LF_DIR=${LF_DIR:-build/fuzz-clang}
AFL_DIR=${AFL_DIR:-build/fuzz-afl}

# The one table of the targets: regression folder, committed seed corpus, per-input timeout (s),
# extra libFuzzer options.  Inputs that take long (a whole network compiled and run through the
# reference executor) are scheduled less by -entropic_scale_per_exec_time.
target() {
	t=$1
	bin=$LF_DIR/fuzz_$t
	case $t in
	onnx) regress=compiler_backend/tests/fuzz_regress corpus=compiler_backend/tests/fuzz_onnx_corpus tmo=20 ;;
	tflite) regress=compiler_backend/tests/fuzz_tflite_regress corpus=compiler_backend/tests/fuzz_tflite_corpus tmo=20 ;;
	model) regress=driver/tests/fuzz/regress corpus=driver/tests/fuzz/model_corpus tmo=30 ;;
	link) regress=driver/tests/fuzz/link_regress corpus=driver/tests/fuzz/link_corpus tmo=10 ;;
	cmd) regress=driver/tests/fuzz/cmd_regress corpus=driver/tests/fuzz/cmd_corpus tmo=60 ;;
	*) echo "libfuzzer.sh: unknown target '$t' (onnx tflite model link cmd)" >&2; exit 2 ;;
	esac
	case $t in
	onnx | tflite | model) opts=-entropic_scale_per_exec_time=1 ;;
	*) opts= ;;
	esac
	[ -x "$bin" ] || { echo "libfuzzer.sh: $bin not built (make $bin)" >&2; exit 2; }
}

# the inputs of a folder, EXPECTED (the regression list) aside
inputs() {
	for f in "$1"/*; do
		[ -f "$f" ] && [ "${f##*/}" != EXPECTED ] && printf '%s\n' "$f"
	done
}

# field NAME FILE: the value of NAME=VALUE in a stats line
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2" | head -1; }

# The figures of a libFuzzer log: executions, exec/s, and cov, ft, corpus of its last status line.
log_figures() {
	log=$1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	[ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
replay)
	bad=0
	for t in "$@"; do
		target "$t"
		files=$( (inputs "$regress"; inputs "$corpus") | tr '\n' ' ')
		n=$(echo $files | wc -w)
		log=$LF_DIR/replay-$t.log
		mkdir -p "$LF_DIR"
		# shellcheck disable=SC2086
		if "$bin" -timeout="$tmo" $files > "$log" 2>&1; then
			echo "libfuzzer $t: $n inputs replayed ($regress, $corpus): no crash"
		else
			echo "libfuzzer $t: FAIL replaying $regress and $corpus ($log):"
			grep -E 'ERROR|SUMMARY|==fuzz==|Running:' "$log" | tail -8
			bad=1
		fi
	done
	exit $bad
	;;
campaign)
	[ $# = 5 ] || { echo "usage: libfuzzer.sh campaign TARGET SECONDS RUNS SEED OUT" >&2; exit 2; }
	target "$1"
	secs=$2 runs=$3 seed=$4 out=$5
	[ "$runs" = 0 ] && runs=-1
	rm -rf "$out/crashes" "$out/stats"
	mkdir -p "$out/corpus" "$out/crashes"
	kept=
	[ -d "$LF_DIR/corpus/$t" ] && kept=$LF_DIR/corpus/$t
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" -seed="$seed" -max_total_time="$secs" -runs="$runs" -timeout="$tmo" -print_final_stats=1 \
		-artifact_prefix="$out/crashes/" $opts "$out/corpus" "$corpus" "$regress" $kept > "$out/libfuzzer.log" 2>&1
	rc=$?
	wall=$(($(date +%s) - t0))
	log_figures "$out/libfuzzer.log"
	crashes=$(find "$out/crashes" -type f | wc -l)
	n=$(find "$out/corpus" -type f | wc -l)
	echo "target=$t seed=$seed seconds=$wall execs=${execs:-0} exec_per_s=${rate:-0} cov=${cov:-0} ft=${ft:-0}" \
		"corpus=${corp:-0} new=$n crashes=$crashes rc=$rc" > "$out/stats"
	echo "libfuzzer $t seed $seed: ${execs:-0} executions in $wall s (${rate:-0}/s), cov ${cov:-?} edges," \
		"ft ${ft:-?} features, corpus ${corp:-?} ($n new in $out/corpus), crashes $crashes"
	if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
		echo "libfuzzer $t: FAIL (exit $rc; $out/libfuzzer.log):"
		grep -E 'ERROR|SUMMARY|==fuzz==|Test unit written' "$out/libfuzzer.log" | tail -8
		for f in "$out"/crashes/*; do
			[ -f "$f" ] && echo "  reproduce: $bin $f"
		done
		exit 1
	fi
	;;
merge)
	[ $# -ge 3 ] || { echo "usage: libfuzzer.sh merge TARGET INTO DIR..." >&2; exit 2; }
	target "$1"
	into=$2
	shift 2
	mkdir -p "$into"
	"$bin" -merge=1 -timeout="$tmo" "$into" "$@" "$corpus" > "$into.merge.log" 2>&1 ||
		{ echo "libfuzzer $t: the merge into $into failed ($into.merge.log)"; tail -5 "$into.merge.log"; exit 1; }
	"$bin" -runs=0 -timeout="$tmo" "$into" > "$into.cov.log" 2>&1
	log_figures "$into.cov.log"
	echo "libfuzzer $t: merged corpus $into: $(find "$into" -type f | wc -l) inputs, cov ${cov:-?} edges, ft ${ft:-?} features"
	;;
regress-merge)
	[ $# = 1 ] || { echo "usage: libfuzzer.sh regress-merge REGRESS_DIR" >&2; exit 2; }
	rd=$1
	[ -d "$rd/out/libfuzzer" ] || exit 0
	report=$rd/libfuzzer.txt
	: > "$report"
	for t in onnx tflite model link cmd; do
		dirs= shards=0 execs_sum=0 crash_sum=0 max_cov=0 max_ft=0
		for s in "$rd"/out/libfuzzer/"$t"-seed*; do
			[ -f "$s/stats" ] || continue
			shards=$((shards + 1))
			execs_sum=$((execs_sum + $(field execs "$s/stats")))
			crash_sum=$((crash_sum + $(field crashes "$s/stats")))
			c=$(field cov "$s/stats") f=$(field ft "$s/stats")
			[ "$c" -gt "$max_cov" ] && max_cov=$c
			[ "$f" -gt "$max_ft" ] && max_ft=$f
			dirs="$dirs $s/corpus"
		done
		[ "$shards" = 0 ] && continue
		target "$t"
		# shellcheck disable=SC2086
		m=$(sh "$0" merge "$t" "$LF_DIR/corpus/$t" $dirs | tail -1)
		echo "libfuzzer $t: $shards campaign(s), $execs_sum executions, $crash_sum crashes; best shard cov $max_cov" \
			"edges, ft $max_ft features; ${m#libfuzzer "$t": }" >> "$report"
	done
	cat "$report"
	;;
afl)
	[ $# = 3 ] || { echo "usage: libfuzzer.sh afl TARGET SECONDS OUT" >&2; exit 2; }
	LF_DIR=$AFL_DIR target "$1"
	secs=$2 out=$3
	rm -rf "$out"
	mkdir -p "$out/in"
	for f in $(inputs "$corpus") $(inputs "$regress"); do cp "$f" "$out/in/"; done
	# no CPU frequency or core dump settings touched, no core bound (the machine is shared)
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
		afl-fuzz -V "$secs" -t $((tmo * 1000)) -i "$out/in" -o "$out" -- "$bin" > "$out/afl.log" 2>&1
	rc=$?
	st=$out/default/fuzzer_stats
	[ -f "$st" ] || { echo "afl++ $t: FAIL: no $st (exit $rc; $out/afl.log)"; tail -15 "$out/afl.log"; exit 1; }
	v() { sed -n "s/^$1 *: *//p" "$st"; }
	crashes=$(find "$out/default/crashes" -type f -name 'id:*' | wc -l)
	echo "afl++ $t: $(v execs_done) executions in $(v run_time) s ($(v execs_per_sec)/s), $(v edges_found) edges of" \
		"$(v total_edges) ($(v bitmap_cvg)), corpus $(v corpus_count), crashes $crashes, hangs $(v saved_hangs)"
	if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
		echo "afl++ $t: FAIL (exit $rc; $out/afl.log)"
		for f in "$out"/default/crashes/id:*; do
			[ -f "$f" ] && echo "  reproduce: $LF_DIR/fuzz_$t '$f' (the libFuzzer build), or $bin < '$f'"
		done
		exit 1
	fi
	;;
*)
	sed -n '2,28p' "$0"
	exit 2
	;;
esac
