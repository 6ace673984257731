#!/usr/bin/env bash
# check_tflite.sh MOTE TMPDIR MODEL.tflite INPUT_NAME INPUT.npy: a TFLite model compiled for the
# simulated 8x8 and 16x16 arrays, with and without --keep-tensors, and run on INPUT.npy with
# --check MODEL.tflite.  Agreement required: exit status 0 from compile and run; both arrays have
# STORE ROUND_TFL, so compile must not warn that a step rounds once, and the reference executor
# must run TFLite's own arithmetic (two roundings: "reference arithmetic: tflite"); every tensor
# the device keeps equal to it byte for byte (run --check's "0 of N tensors differ, bit-exact"), N
# at least 1, and with --keep-tensors every tensor kept (none "not kept") and more than one
# compared.  One line per run.  Exit 1 on any failure.
set -u
mote=$1 tmp=$2 model=$3 in=$4 npy=$5
net=$(basename "$model" .tflite)
mkdir -p "$tmp" || exit 1
fail=0
for geo in 8x8 16x16; do
	t=sim:rows=${geo%x*},cols=${geo#*x}
	for keep in "" --keep-tensors; do
		what="$net $geo${keep:+ $keep}"
		mote_file=$tmp/${net}_$geo$keep.mote
		if ! cout=$("$mote" compile "$model" -o "$mote_file" --target "$t" $keep 2>&1); then
			printf '%s\n' "$cout"
			echo "check_tflite: $what: compile failed"
			fail=1
			continue
		fi
		if grep -q "round once" <<<"$cout"; then
			printf '%s\n' "$cout"
			echo "check_tflite: $what: compiled to round once on a target with STORE ROUND_TFL"
			fail=1
			continue
		fi
		if ! out=$("$mote" run "$mote_file" --device "$t" --input "$in=$npy" --output "$tmp/out" --check "$model" 2>&1)
		then
			printf '%s\n' "$out"
			echo "check_tflite: $what: run failed or differs from the reference executor"
			fail=1
			continue
		fi
		line=$(grep '^reference executor: ' <<<"$out")
		read -r bad n kept < <(sed -n 's/^reference executor: \([0-9]*\) of \([0-9]*\) tensors differ, bit-exact (\([0-9]*\) not kept.*/\1 \2 \3/p' <<<"$line")
		arith=$(sed -n 's/^reference arithmetic: //p' <<<"$out")
		if [ -z "${n:-}" ] || [ "$bad" != 0 ] || [ "$n" -lt 1 ] || [ "$arith" != tflite ] ||
			{ [ -n "$keep" ] && { [ "$kept" != 0 ] || [ "$n" -lt 2 ]; }; }; then
			printf '%s\n' "$out"
			echo "check_tflite: $what: not the agreement required ('$line', arithmetic '$arith')"
			fail=1
			continue
		fi
		echo "$what: $line, in TFLite's arithmetic"
	done
done
exit $fail
