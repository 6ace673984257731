#!/bin/sh
# scripts/regress/slurm.sh: the shards of a regression plan (build/tools/regress plan) as the
# tasks of one Slurm job array, each task running `regress run DIR --shard $SLURM_ARRAY_TASK_ID`.
#
#   slurm.sh submit DIR [LIST]   sbatch --array=LIST (default: every shard; LIST as sbatch takes
#                                it, e.g. 1,3), after forgetting those shards' old results;
#                                prints the job id, appends "JOBID LIST" to DIR/slurm/jobs
#   slurm.sh wait DIR            wait until the array last submitted has left the queue, then
#                                write each task's final Slurm state to DIR/shards/K.slurm
#                                (COMPLETED, FAILED, CANCELLED, TIMEOUT, ...; from sacct when
#                                accounting is on, else scontrol; UNKNOWN when neither knows)
#
# Environment: REGRESS (the runner; default build/tools/regress), REGRESS_CPUS (CPUs per task and
# cases run at once in it; default 1), REGRESS_TIME (time limit per task in minutes; default the
# partition's: a case's timeout is a bound, not an estimate, so their sum would ask for far too
# much; `regress info DIR` lists each shard's sum of timeouts), REGRESS_SBATCH_ARGS (more sbatch
# options: partition, account, ...), REGRESS_POLL (seconds between looks at the queue; default 3).
# The plan's directory must be on a file system every node shares.
set -eu

die() { echo "slurm.sh: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: slurm.sh submit DIR [LIST] | slurm.sh wait DIR"
cmd=$1
dir=$(cd "$2" && pwd) || die "no directory $2"
regress=${REGRESS:-build/tools/regress}
case $regress in /*) ;; *) regress=$(pwd)/$regress ;; esac
[ -x "$regress" ] || die "$regress: not built (make $regress)"
[ -f "$dir/plan.txt" ] || die "$dir/plan.txt: no plan"

# the task numbers of an --array LIST (N, N-M, comma-separated)
expand_list() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		seq "$a" "${b:-$a}"
	done
}

case $cmd in
submit)
	shards=$("$regress" info "$dir" | awk '$1 == "shards" { print $2 }')
	list=${3:-0-$((shards - 1))}
	tasks=$(expand_list "$list")
	for k in $tasks; do
		[ "$k" -ge 0 ] && [ "$k" -lt "$shards" ] || die "no shard $k (the plan has $shards)"
	done
	# shellcheck disable=SC2086
	"$regress" reset "$dir" $tasks
	cpus=${REGRESS_CPUS:-1}
	minutes=${REGRESS_TIME:-}
	root=$(awk -F'\t' '$1 == "root" { print $2 }' "$dir/plan.txt")
	mkdir -p "$dir/slurm"
	{
		echo '#!/bin/sh'
		echo "# one shard of $dir (scripts/regress/slurm.sh)"
		echo "cd '$root' || exit 1"
		echo "exec '$regress' run '$dir' --shard \"\$SLURM_ARRAY_TASK_ID\" --jobs \"\${SLURM_CPUS_PER_TASK:-1}\""
	} > "$dir/slurm/shard.sh"
	chmod +x "$dir/slurm/shard.sh"
	# shellcheck disable=SC2086
	out=$(sbatch --parsable --job-name=mote-regress --array="$list" --cpus-per-task="$cpus" \
		${minutes:+--time="$minutes"} --output="$dir/slurm/%A_%a.out" ${REGRESS_SBATCH_ARGS:-} "$dir/slurm/shard.sh") ||
		die "sbatch failed: $out"
	job=${out%%;*}
	echo "$job $list" >> "$dir/slurm/jobs"
	limit="the partition's time limit"
	[ -z "$minutes" ] || limit="a $minutes min time limit"
	echo "slurm.sh: submitted job array $job (tasks $list of $shards shards, $cpus CPU each, $limit)"
	;;
wait)
	[ -f "$dir/slurm/jobs" ] || die "$dir/slurm/jobs: nothing was submitted"
	read -r job list <<EOF
$(tail -1 "$dir/slurm/jobs")
EOF
	poll=${REGRESS_POLL:-3}
	last=
	errs=0
	while :; do
		if ! q=$(squeue -h -j "$job" -o '%T' 2> "$dir/slurm/squeue.err"); then
			# a job gone from the controller's memory is done; anything else is retried
			grep -q 'Invalid job id' "$dir/slurm/squeue.err" && break
			errs=$((errs + 1))
			[ $errs -lt 100 ] || die "squeue keeps failing: $(cat "$dir/slurm/squeue.err")"
			sleep "${REGRESS_POLL:-3}"
			continue
		fi
		errs=0
		# done when no task is left that has not ended
		q=$(echo "$q" | grep -v '^\(COMPLETED\|FAILED\|CANCELLED\|TIMEOUT\|NODE_FAIL\|OUT_OF_MEMORY\|BOOT_FAIL\|DEADLINE\|PREEMPTED\)$' || true)
		[ -n "$q" ] || break
		now=$(echo "$q" | sort | uniq -c | awk '{ printf "%s%s %s", n++ ? ", " : "", $1, tolower($2) }')
		[ "$now" = "$last" ] || echo "slurm.sh: job $job: $now"
		last=$now
		sleep "$poll"
	done
	mkdir -p "$dir/shards"
	st=$(scontrol -o show job "$job" 2>/dev/null || true)
	for k in $(expand_list "$list"); do
		s=$(sacct -n -P -X -j "${job}_$k" -o State 2>/dev/null | head -1 | awk '{ print $1 }') || s=
		[ -n "$s" ] || s=$(echo "$st" | tr ' ' '\n' | awk -v k="$k" \
			'/^ArrayTaskId=/ { t = substr($0, 13) } /^JobState=/ && t == k { print substr($0, 10); exit }')
		echo "${s:-UNKNOWN}" > "$dir/shards/$k.slurm"
		echo "slurm.sh: job ${job}_$k (shard $k): ${s:-UNKNOWN}"
	done
	;;
*)
	die "unknown command $cmd"
	;;
esac
