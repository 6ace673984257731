#!/usr/bin/env bash
# check_bad_models.sh MOTE TMPDIR: bad .mote files and wrong targets get the
# documented error (exit status 3 and the error name), never a crash.
# Uses $TMPDIR/fm_8x8.mote, written by `make test-models` before.
set -u
mote=$1; tmp=$2; good=$tmp/fm_8x8.mote; img=models/fashion_mnist/one_image.npy
fail=0
expect() { # expect NAME WANT_TEXT FILE [DEVICE]
	local out rc
	out=$("$mote" run "$3" --input image=$img --device "${4:-sim:rows=8,cols=8}" 2>&1); rc=$?
	if [ $rc -ne 3 ] || ! grep -q -- "$2" <<<"$out"; then
		echo "check_bad_models: $1: exit $rc, wanted 3 and '$2'; got: $out"; fail=1
	fi
}
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" > "$tmp/trunc.mote";            expect truncated "truncated" "$tmp/trunc.mote"
head -c 10 "$good" > "$tmp/short.mote";                       expect short "shorter than the header" "$tmp/short.mote"
cp "$good" "$tmp/flip.mote"
printf '\x5a' | dd of="$tmp/flip.mote" bs=1 seek=$((size - 100)) conv=notrunc status=none
expect corrupted "checksum" "$tmp/flip.mote"
printf 'XXXX' | cat - <(tail -c +5 "$good") > "$tmp/magic.mote"; expect magic "not a .mote file" "$tmp/magic.mote"
expect geometry "model built for another device geometry or format version: built for a 8x8 array" "$good" sim:rows=4,cols=4
# 200 random single-byte corruptions: every one refused (the checksum), none crashes
for i in $(seq 1 200); do
	off=$(( (RANDOM * 32768 + RANDOM) % size ))
	cp "$good" "$tmp/rand.mote"
	printf "\\x$(printf %02x $(( (RANDOM % 255) + 1 )))" | dd of="$tmp/rand.mote" bs=1 seek=$off conv=notrunc status=none
	cmp -s "$good" "$tmp/rand.mote" && continue
	"$mote" run "$tmp/rand.mote" --input image=$img > /dev/null 2>&1; rc=$?
	if [ $rc -ne 3 ]; then echo "check_bad_models: corruption at $off: exit $rc"; fail=1; fi
done
exit $fail
