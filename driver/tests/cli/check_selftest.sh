#!/usr/bin/env bash
# check_selftest.sh MOTE MOTE_HW_H: `mote selftest` on the simulator (8x8, whole 16 MiB memory), on the
# iCEBreaker board build simulated (sim:board=icebreaker, whole 128 KiB) and on the simulated
# board behind its UART (sim:link=uart, --quick): six PASS lines in order and exit 0; --json one
# well-formed object; a board whose link dies mid-test (unplug=) fails the check it was in,
# says the rest were not run and exits 1; a device that is not there fails identity; valgrind
# finds nothing on a whole run and on a refused device.
# (Each check's failure on the fault it is there for: test_selftest.c.)
set -u
mote=$1
# the spec's number of perf counters (the generated header), of which the board keeps 3
nperf=$(( $(sed -n 's/^#define MOTE_NUM_PERF \(0x[0-9a-fA-F]*\)u.*/\1/p' "$2") ))
fail=0
bad() { echo "check_selftest: $*"; fail=1; }
checks="identity registers memory compute errors perf"

# passes DEVICE [ARGS]: every check passes, in order, then the summary (output in $out)
passes() {
	local dev=$1 rc; shift
	out=$("$mote" selftest --device "$dev" "$@" 2>&1); rc=$?
	[ $rc -eq 0 ] || bad "$dev: exit $rc, wanted 0: $out"
	local got
	got=$(sed -n 's/^\(PASS\|FAIL\) \([a-z]*\):.*/\1 \2/p' <<<"$out" | tr '\n' ' ')
	[ "$got" = "$(for c in $checks; do printf 'PASS %s ' $c; done)" ] || bad "$dev: lines '$got': $out"
	grep -q "^selftest: all 6 checks passed on $dev\$" <<<"$out" || bad "$dev: no summary: $out"
}
passes sim; grep -q "^PASS memory: 0x00000040..0x01000000 .*all the driver hands out" <<<"$out" ||
	bad "sim: the whole 16 MiB was not tested"
passes sim:board=icebreaker; grep -q "^PASS registers: .*clamped to the 128 KiB memory (spec 1.4)" <<<"$out" ||
	bad "sim:board=icebreaker: windows not checked clamped"
grep -q "^PASS perf: .*3 kept counters read as reported, $((nperf - 3)) not kept read 0" <<<"$out" ||
	bad "sim:board=icebreaker: the counters it does not keep were not checked"
passes sim:link=uart --quick; grep -q "^PASS memory: .*(8 KiB of 16 MiB, --quick" <<<"$out" ||
	bad "sim:link=uart --quick: not the quick memory test"

# --json: one object, every check named with its result, the status
py=/usr/bin/python3
"$mote" selftest --device sim:board=icebreaker --json > "${TMPDIR:-/tmp}/selftest.$$.json"; rc=$?
$py - "${TMPDIR:-/tmp}/selftest.$$.json" $rc <<'PY' || bad "json: $(cat "${TMPDIR:-/tmp}/selftest.$$.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert int(sys.argv[2]) == 0 and d["status"] == 0, d
assert [c["name"] for c in d["checks"]] == "identity registers memory compute errors perf".split(), d
assert all(c["result"] == "pass" and c["detail"] and c["seconds"] >= 0 for c in d["checks"]), d
assert d["passed"] == 6 and d["failed"] == 0 and d["not_run"] == 0 and d["rows"] == 4, d
PY
rm -f "${TMPDIR:-/tmp}/selftest.$$.json"

# the link dies during the memory check (60000 bytes into the session): memory fails on the
# I/O error, the checks after it are not run, exit 1; the same in JSON
dead=sim:link=uart,unplug=60000
out=$("$mote" selftest --device $dead --quick 2>&1); rc=$?
[ $rc -eq 1 ] || bad "unplugged: exit $rc, wanted 1: $out"
grep -q "^PASS identity: " <<<"$out" && grep -q "^PASS registers: " <<<"$out" || bad "unplugged: early checks: $out"
grep -q "^FAIL memory: address pass: success expected, the driver returned MOTE_ERROR_IO" <<<"$out" ||
	bad "unplugged: no memory failure: $out"
grep -q "^stopped after memory: the device stopped answering; not run: compute errors perf\$" <<<"$out" ||
	bad "unplugged: not said what was not run: $out"
grep -q "^selftest: FAILED: 1 of 3 checks failed" <<<"$out" || bad "unplugged: summary: $out"
grep -q "^PASS compute" <<<"$out" && bad "unplugged: a check ran after the stop: $out"
"$mote" selftest --device $dead --quick --json 2> /dev/null |
	$py -c 'import json,sys; d=json.load(sys.stdin); r=[c["result"] for c in d["checks"]]; assert d["status"]==1 and d["stopped_after"]=="memory" and r==["pass","pass","fail","not run","not run","not run"], d' ||
	bad "unplugged: --json"

# no leak, no invalid access, on a whole run and on a refused device
for dev in sim:board=icebreaker sim:rows=3,cols=3; do
	valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		"$mote" selftest --device $dev > /dev/null 2>&1
	[ $? -ne 9 ] || bad "valgrind: $dev: errors or leaks"
done

# no such device: identity fails, nothing else runs
out=$("$mote" selftest --device sim:rows=3,cols=3 2>&1); rc=$?
[ $rc -eq 1 ] || bad "no device: exit $rc, wanted 1"
grep -q "^FAIL identity: cannot open 'sim:rows=3,cols=3': no 3x3 simulator in this build (it has 4x4, 8x8, 16x16" <<<"$out" || bad "no device: $out"
grep -q "^stopped after identity: no mote device to test" <<<"$out" || bad "no device: $out"
[ "$(grep -c '^\(PASS\|FAIL\) ' <<<"$out")" = 1 ] || bad "no device: more than one check line: $out"

[ $fail -eq 0 ] && echo "check_selftest: sim, sim:board=icebreaker and sim:link=uart pass every check; JSON, a dead link and a missing device reported"
exit $fail
