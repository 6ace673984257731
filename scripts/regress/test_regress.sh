#!/bin/sh
# scripts/regress/test_regress.sh DIR "BENCHES": make test-regress.
#
#  1. The description's list of RTL benches is the makefiles' (BENCHES); its count of named
#     shapes test_system's (after 4.).
#  2. The runner on cases of known outcome (pass, fail, skip, timeout, XML-hostile output),
#     three shards run one by one: every case in exactly one shard, each status right in
#     results, JUnit XML (parsed) and the summary, the failures' reproduce commands, and the
#     shards to rerun.
#  3. A one-node Slurm cluster of its own in DIR/cluster (scripts/regress/cluster.sh: a fresh
#     munge key, munged, a slurm.conf with free ports, slurmctld, slurmd; stopped by their pids
#     at the end; nothing of the system's configuration read or written), then the smoke size of
#     scripts/regress/regress.txt (the cases of REGRESS_TEST_ONLY): run here (make regress),
#     as a job array of 4 shards (make regress SLURM=1): the two reports equal case for case;
#     submitted again with one shard cancelled while it runs: that shard reported CANCELLED,
#     its cases killed or not run, the merge failing; make regress-rerun SLURM=1 reruns only
#     that shard, and the report is the local one again.
# Needs root (slurmd starts the jobs as root); fails, never skips, without it.
set -eu

dir=$1
benches=$2
R=$(pwd)/build/tools/regress
MAKE=${MAKE:-make}
ONLY=${REGRESS_TEST_ONLY:-system/* fuzz/onnx-seed1 fuzz/tflite-seed1 fuzz/link-seed1 rtl/fifo-* onnx/test_qlinearconv-*}
t0=$(date +%s)

fail() {
	echo "test-regress: FAIL: $*" >&2
	exit 1
}
step() { echo "test-regress: $* ($(($(date +%s) - t0)) s)"; }

if [ "$(id -u)" != 0 ]; then
	fail "needs root: it starts a one-node Slurm cluster whose slurmd runs the jobs as root
(nothing outside $dir is touched; CI runs as root). Run: sudo make test-regress"
fi
for p in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
	command -v "$p" > /dev/null || fail "$p not found: scripts/install-deps installs slurm-wlm and munge"
done
# a surrounding Slurm job's variables must not steer the jobs submitted here
for v in $(env | sed -n 's/^\(S\(LURM\|BATCH\)_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done

rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# ---------------------------------------------------------------- 1. the bench list
"$R" plan scripts/regress/regress.txt --size smoke --only 'rtl/*-seed0' --out "$dir/benches" > /dev/null
"$R" results "$dir/benches" | sed 's|^rtl/\(.*\)-seed0 .*|\1|' | sort > "$dir/benches/listed"
printf '%s\n' $benches | sort > "$dir/benches/made"
diff "$dir/benches/made" "$dir/benches/listed" > "$dir/benches/diff" ||
	fail "scripts/regress/regress.txt's list bench differs from the benches the makefiles register (< makefiles, > list):
$(cat "$dir/benches/diff")"
step "the description lists the $(wc -l < "$dir/benches/made") RTL benches the makefiles register"

# ---------------------------------------------------------------- 2. cases of known outcome
k=$dir/known
mkdir -p "$k"
cat > "$k/desc.txt" << 'EOF'
size one n=3 t=1
size two n=5 t=2
suite good
case pass-{i} n 30 test {i} -lt {n}
case skip 1 30 echo not here; exit 77
suite bad
case fail-{i*10+7} 2 30 echo "<boom> & \"more\" {i}"; exit 3
case hang 1 t sleep 60
case pass 1 30 true
EOF
"$R" plan "$k/desc.txt" --size one --out "$k/run" --shards 3 > /dev/null
[ "$(awk -F"\t" "\$1 == \"case\"" "$k/run/plan.txt" | wc -l)" = 8 ] || fail "8 cases expected in the plan"
for s in 0 1 2; do "$R" run "$k/run" --shard $s --jobs 2 > "$k/run/shard$s.out" || true; done
# each case ran exactly once, in its shard
cat "$k"/run/shard?.out | sed -n 's/^[A-Z]* *\([a-z]*\/[^ ]*\) (.*/\1/p' | sort > "$k/ran"
"$R" results "$k/run" | cut -d' ' -f1 | sort > "$k/planned"
cmp -s "$k/ran" "$k/planned" || fail "the shards did not run each case once: $(diff "$k/planned" "$k/ran")"
"$R" results "$k/run" > "$k/results"
cat > "$k/expected" << 'EOF'
good/pass-0 pass
good/pass-1 pass
good/pass-2 pass
good/skip skip
bad/fail-7 fail
bad/fail-17 fail
bad/hang timeout
bad/pass pass
EOF
sort "$k/expected" > "$k/expected.s"
sort "$k/results" > "$k/results.s"
[ "$(wc -l < "$k/results")" = 8 ] || fail "8 cases expected, got $(wc -l < "$k/results")"
cmp -s "$k/expected.s" "$k/results.s" || fail "statuses (< expected, > got): $(diff "$k/expected.s" "$k/results.s")"
rc=0
"$R" merge "$k/run" > "$k/merge.out" || rc=$?
[ $rc = 1 ] || fail "merge of a run with failures exits $rc, not 1"
tail -1 "$k/merge.out" | grep -qx '4 passed, 3 failed, 1 skipped (8 cases)' ||
	fail "summary's last line: $(tail -1 "$k/merge.out")"
grep -qx 'good       3 passed, 0 failed, 1 skipped' "$k/merge.out" || fail "no line for suite good: $(cat "$k/merge.out")"
grep -qx 'bad        1 passed, 3 failed, 0 skipped' "$k/merge.out" || fail "no line for suite bad: $(cat "$k/merge.out")"
cmp -s "$k/merge.out" "$k/run/summary.txt" || fail "summary.txt differs from what merge printed"
grep -qF "reproduce: cd $(pwd) && echo \"<boom> & \\\"more\\\" 1\"; exit 3" "$k/merge.out" ||
	fail "no reproduce command for bad/fail-17: $(cat "$k/merge.out")"
# the reproduce command, run alone, fails the same way
repro=$(grep -A1 '^FAIL    bad/fail-17 ' "$k/merge.out" | sed -n 's/^ *reproduce: //p')
rc=0
out=$(sh -c "$repro") || rc=$?
[ $rc = 3 ] && [ "$out" = '<boom> & "more" 1' ] || fail "reproduce command of bad/fail-17: exit $rc, output $out"
/usr/bin/python3 - "$k/run/junit.xml" << 'EOF' || fail "junit.xml does not hold the run"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("tests") == "8", root.attrib
assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("3", "0", "1"), root.attrib
got = {}
for s in root:
    for c in s:
        kids = [k.tag + ":" + k.get("type", "") for k in c]
        got[s.get("name") + "/" + c.get("name")] = kids
want = {"good/pass-0": [], "good/pass-1": [], "good/pass-2": [], "good/skip": ["skipped:"],
        "bad/fail-7": ["failure:fail"], "bad/fail-17": ["failure:fail"], "bad/hang": ["failure:timeout"],
        "bad/pass": []}
assert got == want, got
f = [c for s in root for c in s if c.get("name") == "fail-17"][0][0]
assert '<boom> & "more" 1' in f.text and "reproduce: cd " in f.text, f.text
EOF
[ "$("$R" rerun-shards "$k/run")" = "$(awk -F'\t' '$1 == "case" && ($6 ~ /^fail|^hang/) { print $3 }' "$k/run/plan.txt" |
	sort -u | paste -sd, -)" ] || fail "rerun-shards: $("$R" rerun-shards "$k/run")"
step "the runner: pass, fail, skip and timeout right in results, summary and JUnit; the shards to rerun"

# ---------------------------------------------------------------- 3. a cluster of its own
c=$dir/cluster
stop() { sh scripts/regress/cluster.sh stop "$c"; }
trap stop EXIT
trap 'stop; exit 1' INT TERM
sh scripts/regress/cluster.sh start "$c" > "$dir/cluster.out" 2>&1 || { cat "$dir/cluster.out"; fail "no cluster"; }
export SLURM_CONF="$c/slurm.conf"
step "$(head -1 "$dir/cluster.out" | sed 's/^cluster.sh: //; s/:$//')"

# ---------------------------------------------------------------- 4. here and as a job array
m() { $MAKE --no-print-directory "$@"; }
m regress SIZE=smoke ONLY="$ONLY" REGRESS_DIR="$dir/local" > "$dir/local.out" 2>&1 ||
	{ cat "$dir/local.out"; fail "make regress (local) failed"; }
"$R" results "$dir/local" > "$dir/local.results"
ncases=$(wc -l < "$dir/local.results")
step "make regress SIZE=smoke: $(tail -1 "$dir/local.out")"
# the description's count of named shapes is test_system's
named=$(build/system/test_system --device sim:rows=4,cols=4 --named 100000 2>&1 | sed -n 's/.*(there are \([0-9]*\):.*/\1/p')
"$R" plan scripts/regress/regress.txt --size quick --only 'system/named-4x4-*' --out "$dir/named" > /dev/null
[ -n "$named" ] && [ "$("$R" results "$dir/named" | wc -l)" = "$named" ] ||
	fail "scripts/regress/regress.txt: named=$("$R" results "$dir/named" | wc -l), test_system has ${named:-?} named shapes"
m regress SIZE=smoke ONLY="$ONLY" SLURM=1 SHARDS=4 REGRESS_DIR="$dir/slurm" > "$dir/slurm.out" 2>&1 ||
	{ cat "$dir/slurm.out"; fail "make regress SLURM=1 failed"; }
"$R" results "$dir/slurm" > "$dir/slurm.results"
cmp -s "$dir/local.results" "$dir/slurm.results" ||
	fail "the Slurm run differs from the local one (< local, > slurm): $(diff "$dir/local.results" "$dir/slurm.results")"
grep -v ' pass$' "$dir/local.results" | grep -qv ' skip$' && fail "the smoke run has failures: $(cat "$dir/local.out")"
[ "$(grep -c 'COMPLETED$' "$dir/slurm.out")" = 4 ] || fail "4 COMPLETED tasks expected: $(cat "$dir/slurm.out")"
for s in 0 1 2 3; do [ -s "$dir/slurm/slurm/$(awk '{ print $1 }' "$dir/slurm/slurm/jobs")_$s.out" ] ||
	fail "no output of task $s"; done
tail -1 "$dir/slurm.out" | grep -q "^[0-9]* passed, 0 failed, [0-9]* skipped ($ncases cases)$" ||
	fail "summary of the Slurm run: $(tail -1 "$dir/slurm.out")"
step "make regress SLURM=1 SHARDS=4: the same $ncases cases with the same results"

# ---------------------------------------------------------------- 5. a shard cancelled on purpose
cn=$dir/cancel
m regress-submit SIZE=smoke ONLY="$ONLY" SHARDS=4 REGRESS_DIR="$cn" > "$dir/cancel.out" 2>&1 ||
	{ cat "$dir/cancel.out"; fail "make regress-submit failed"; }
job=$(tail -1 "$cn/slurm/jobs" | cut -d' ' -f1)
# the shard of the ONNX fuzz campaign (seconds long): cancelled a second after it starts
victim=$(awk -F'\t' '$1 == "case" && $5 == "fuzz" && $6 == "onnx-seed1" { print $3 }' "$cn/plan.txt")
[ -n "$victim" ] || fail "no fuzz/onnx-seed1 in the plan"
n=0
until [ -f "$cn/shards/$victim.start" ]; do
	n=$((n + 1))
	[ $n -lt 600 ] || fail "shard $victim did not start in 120 s"
	sleep 0.2
done
sleep 1
scancel "${job}_$victim"
rc=0
m regress-merge REGRESS_DIR="$cn" > "$dir/cancel-merge.out" 2>&1 || rc=$?
[ $rc != 0 ] || fail "the merge of a run with a cancelled shard passed: $(cat "$dir/cancel-merge.out")"
grep -q "^shard $victim: Slurm state CANCELLED: " "$dir/cancel-merge.out" ||
	fail "shard $victim not reported CANCELLED: $(cat "$dir/cancel-merge.out")"
"$R" results "$cn" > "$dir/cancel.results"
awk -F'\t' -v v="$victim" '$1 == "case" && $3 == v { print $5 "/" $6 }' "$cn/plan.txt" > "$dir/victim.cases"
grep -q '^fuzz/onnx-seed1 \(killed\|fail\)$' "$dir/cancel.results" ||
	fail "fuzz/onnx-seed1, running when cancelled: $(grep '^fuzz/onnx-seed1 ' "$dir/cancel.results")"
# every other shard's cases as in the local run; none of the cancelled shard's counted twice
grep -vFf "$dir/victim.cases" "$dir/local.results" > "$dir/others.local"
grep -vFf "$dir/victim.cases" "$dir/cancel.results" > "$dir/others.cancel"
cmp -s "$dir/others.local" "$dir/others.cancel" || fail "the other shards differ: $(diff "$dir/others.local" "$dir/others.cancel")"
[ "$(wc -l < "$dir/cancel.results")" = "$ncases" ] || fail "not $ncases cases in the cancelled run's report"
notrun=$(grep -c ' not-run$' "$dir/cancel.results" || true)
grep -q 'type="not-run"\|type="killed"' "$cn/junit.xml" || fail "junit.xml does not show the cancelled shard"
[ "$("$R" rerun-shards "$cn")" = "$victim" ] || fail "rerun-shards: $("$R" rerun-shards "$cn"), not $victim"
step "shard $victim cancelled while running: reported CANCELLED ($(grep -c "" "$dir/victim.cases") cases: 1 killed, $notrun not run), the merge fails"

# ---------------------------------------------------------------- 6. its rerun
m regress-rerun SLURM=1 REGRESS_DIR="$cn" > "$dir/rerun.out" 2>&1 || { cat "$dir/rerun.out"; fail "make regress-rerun failed"; }
[ "$(tail -1 "$cn/slurm/jobs" | cut -d' ' -f2)" = "$victim" ] || fail "the rerun submitted $(tail -1 "$cn/slurm/jobs")"
"$R" results "$cn" > "$dir/rerun.results"
cmp -s "$dir/local.results" "$dir/rerun.results" ||
	fail "after the rerun, differs from the local run: $(diff "$dir/local.results" "$dir/rerun.results")"
step "make regress-rerun SLURM=1 reran shard $victim alone: the report equals the local run again"
stop
trap - EXIT INT TERM
echo "test-regress: passed in $(($(date +%s) - t0)) s"
