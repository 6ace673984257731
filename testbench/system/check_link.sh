#!/usr/bin/env bash
# check_link.sh MOTE TMPDIR [BACKEND]: the accelerator behind the link protocol, through the CLI.
#   BACKEND: sim:link=uart (default: the 8x8 link board), sim:board=icebreaker,link=uart (the
#   iCEBreaker board top whole, as it goes into the bitstream: 4x4, one command queue, no
#   DEPTHWISE or STORE ADD, 128 KB of SPRAM; models compiled for that board), or usb with the
#   libusb stand-in preloaded by the caller.
#   LINK_QUICK=1: one case of each kind (the usb run: the same link code, another transport;
#   there the wall clock drives the deadlines, so where an unplug lands varies and is not required
#   to hit a job: test_usb unplugs the USB device itself mid-job).
# - random-shaped GEMMs and convolutions and the Fashion-MNIST model (every tensor checked
#   against the reference executor), bit-exact, on a clean link and with the issue's faults
#   (one bit flipped in 1e-4 of the bytes, 1% of bytes dropped, 1% doubled, both ways);
# - a stall shorter than the retry budget: still bit-exact; one far longer: a clean I/O error;
# - the device unplugged at points all through a GEMM (uploads, job, download): each run is
#   bit-exact or a clean error (exit status 3, an I/O or lost-device message, no mismatch), at
#   least one of them mid-job (the device lost with the job's buffers kept), none hangs;
# - mote info --json shows the retries and damaged answers such faults cause.
set -u
mote=$1
tmp=$2
base=${3:-sim:link=uart}
mkdir -p "$tmp"
fail() { echo "test-link: $*"; exit 1; }

# run DESCRIPTION COMMAND...: must end within the timeout, exit 0, bit-exact
exact() {
	local what=$1 out rc
	shift
	out=$(timeout 600 "$@" 2>&1) || { rc=$?; printf '%s\n' "$out" | tail -5; fail "$what: exit $rc ($*)"; }
	grep -q "mismatches.*bit-exact\|every tensor bit-exact" <<<"$out" || { printf '%s\n' "$out" | tail -5; fail "$what: not bit-exact"; }
	echo "  ok $what"
}

# clean DESCRIPTION COMMAND...: bit-exact, or a clean link error
exact_or_clean() {
	local what=$1 out rc
	shift
	out=$(timeout 300 "$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		grep -q "bit-exact" <<<"$out" || fail "$what: exit 0 but not bit-exact"
		echo "  ok $what: bit-exact"
		return 0
	fi
	[ $rc = 124 ] && fail "$what: hung (timeout)"
	grep -q "mismatch at" <<<"$out" && { printf '%s\n' "$out" | tail -3; fail "$what: wrong results"; }
	grep -q "input/output failure\|stopped answering" <<<"$out" || { printf '%s\n' "$out" | tail -3; fail "$what: exit $rc without a link error"; }
	[ $rc = 3 ] || fail "$what: exit $rc"
	echo "  ok $what: $(grep -o 'input/output failure\|stopped answering' <<<"$out" | head -1)"
	grep -q "stopped answering" <<<"$out" && lost=$((lost + 1))
	return 0
}

faults="flip=1e-4,drop=0.01,dup=0.01"
quick=${LINK_QUICK:-0}
# the board build: its own compile target, the features it lacks, where its GEMM's job runs
board=
case "$base" in *board=icebreaker*) board=icebreaker ;; esac
target=sim:rows=8,cols=8
[ -n "$board" ] && target=sim:board=$board
seeds="1 2 3"
[ -n "$board" ] && seeds="1 2"
[ "$quick" = 1 ] && seeds=2
echo "== GEMMs and convolutions, clean and with $faults"
for s in $seeds; do
	m=$((9 + 23 * s % 50)); k=$((7 + 31 * s % 60)); n=$((5 + 17 * s % 40))
	exact "gemm ${m}x${k}x${n}" "$mote" gemm --m $m --k $k --n $n --seed $s --device "$base"
	[ "$quick" = 1 ] && m=16 k=16 n=16
	exact "gemm ${m}x${k}x${n}, faults" "$mote" gemm --m $m --k $k --n $n --seed $s --device "$base,$faults,seed=$s"
done
[ "$quick" = 1 ] || exact "conv 12x10x8->16 3x3 pad 1" "$mote" conv --h 12 --w 10 --cin 8 --cout 16 --kh 3 --kw 3 --pad 1 --relu --device "$base"
cf=",$faults,seed=7"
[ "$quick" = 1 ] && cf=""
exact "conv 11x11x3->8 3x3 stride 2${cf:+, faults}" "$mote" conv --h 11 --w 11 --cin 3 --cout 8 --kh 3 --kw 3 --stride 2 \
	--device "$base$cf"
[ "$quick" = 1 ] || [ -n "$board" ] || exact "depthwise 10x10x8 3x3, faults" "$mote" conv --h 10 --w 10 --cin 8 --cout 8 --kh 3 --kw 3 --pad 1 --groups 8 \
	--device "$base,$faults,seed=8"
[ "$quick" = 1 ] || [ -n "$board" ] || exact "conv with a residual add, faults" "$mote" conv --h 8 --w 8 --cin 16 --cout 16 --kh 1 --kw 1 --add \
	--device "$base,$faults,seed=9"

[ -n "$board" ] && echo "  (the $board build has neither DEPTHWISE nor STORE ADD: no depthwise or residual-add case)"

echo "== Fashion-MNIST (models/fashion_mnist), every tensor checked"
"$mote" compile models/fashion_mnist/model.onnx -o "$tmp/fm.mote" --target $target > /dev/null || fail "compile"
fm=("$mote" eval "$tmp/fm.mote" --data models/fashion_mnist/test_images.npy
	--labels models/fashion_mnist/test_labels.npy --check models/fashion_mnist/model.onnx)
if [ -n "$board" ]; then
	exact "fashion-mnist, 1 image" "${fm[@]}" --limit 1 --device "$base"
	exact "fashion-mnist, 1 image, faults" "${fm[@]}" --limit 1 --device "$base,$faults,seed=11"
elif [ "$quick" = 1 ]; then
	exact "fashion-mnist, 1 image" "${fm[@]}" --limit 1 --device "$base"
else
	exact "fashion-mnist, 2 images" "${fm[@]}" --limit 2 --device "$base"
	exact "fashion-mnist, 2 images, faults" "${fm[@]}" --limit 2 --device "$base,$faults,seed=11"
fi

echo "== a stall, an unplugged device"
exact "gemm 64^3, a 5 ms stall" "$mote" gemm --m 64 --k 64 --n 64 --device "$base,stall=5,stall_at=15000"
lost=0
out=$(timeout 300 "$mote" gemm --m 64 --k 64 --n 64 --device "$base,stall=60000,stall_at=15000,retries=3" 2>&1)
rc=$?
[ $rc = 124 ] && fail "a long stall hung"
[ $rc = 3 ] && grep -q "input/output failure\|stopped answering" <<<"$out" || { printf '%s\n' "$out" | tail -3; fail "a long stall: exit $rc, not a clean link error"; }
echo "  ok gemm 64^3, a 60 s stall, 3 retries: $(grep -o 'input/output failure\|stopped answering' <<<"$out" | head -1)"
# the job runs at about 14,000-14,200 bytes into the session (packed commands, spec 2.0)
points="3000 12000 14000 14200 17500 19000 21000"
[ "$quick" = 1 ] && points="9000 14000 21000"
# the board: 4x4, so more commands; its job runs at about 28,000-30,000 bytes
[ -n "$board" ] && points="9000 27000 28500 29500 33000"
for u in $points; do
	exact_or_clean "gemm 64^3, unplugged after $u bytes" "$mote" gemm --m 64 --k 64 --n 64 --device "$base,unplug=$u"
done
[ $lost -gt 0 ] || [ "$quick" = 1 ] || fail "no unplug landed in the job (no 'stopped answering')"

echo "== the device's link statistics"
json=$("$mote" info --json --device "$base,flip=1e-3,drop=0.02,dup=0.02,seed=5") || fail "info --json"
/usr/bin/python3 - "$json" <<'EOF' || fail "mote info --json: link statistics"
import json, sys
l = json.loads(sys.argv[1])["link"]
assert l["retries"] > 0 and l["crc_errors"] + l["timeouts"] > 0, l
assert l["injected_drops"] > 0 and l["injected_dups"] > 0, l
assert l["frames_sent"] == l["frames_received"] + l["timeouts"] + l["crc_errors"] - l["stale"] or l["frames_sent"] >= l["frames_received"], l
print("  ok mote info --json: %d frames, %d retries, %d damaged answers, %d timeouts; device dropped %d"
      % (l["frames_sent"], l["retries"], l["crc_errors"], l["timeouts"], l["device_rx_errors"]))
EOF
echo "test-link: $base: GEMMs, convolutions and Fashion-MNIST bit-exact, clean and faulty; stall; unplug; statistics"
