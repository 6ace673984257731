#!/bin/sh
# scripts/regress/cluster.sh: a one-node Slurm cluster of its own in a scratch directory, as
# make test-regress uses it (and anyone can, to try make regress SLURM=1 on one machine):
#
#   cluster.sh start DIR    a fresh munge key, munged, a slurm.conf with two free TCP ports,
#                           slurmctld, slurmd (this host, all its CPUs, one partition), all
#                           files in DIR; waits until the node is idle; then
#                           SLURM_CONF=DIR/slurm.conf points sbatch, squeue, ... at it
#   cluster.sh stop DIR     stops slurmd, slurmctld and munged by their pid files in DIR
#
# Nothing of the system's configuration is read or written (no /etc/slurm, /etc/munge,
# /run/munge): the programs are Debian's slurm-wlm and munge (scripts/install-deps).  Root is
# needed: slurmd starts the jobs, and SlurmUser=root.
set -eu

die() { echo "cluster.sh: $*" >&2; exit 1; }
[ $# = 2 ] || die "usage: cluster.sh start|stop DIR"
mkdir -p "$2"
c=$(cd "$2" && pwd)

case $1 in
stop)
	for d in slurmd slurmctld munged; do
		[ -f "$c/$d.pid" ] || continue
		p=$(cat "$c/$d.pid")
		kill "$p" 2> /dev/null || true
		n=0
		while kill -0 "$p" 2> /dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
		kill -9 "$p" 2> /dev/null || true
		rm -f "$c/$d.pid"
	done
	;;
start)
	[ "$(id -u)" = 0 ] || die "needs root: slurmd runs the jobs (SlurmUser=root)"
	for p in munged slurmctld slurmd sinfo; do
		command -v "$p" > /dev/null || die "$p not found: scripts/install-deps installs slurm-wlm and munge"
	done
	[ ! -f "$c/slurmctld.pid" ] || die "$c: a cluster may be running (cluster.sh stop $c first)"
	mkdir -p "$c/state" "$c/spool"
	# two free TCP ports next to each other (no socket on them in /proc/net/tcp*)
	used() {
		awk -v p="$(printf ':%04X' "$1")" 'FNR > 1 && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
			/proc/net/tcp /proc/net/tcp6 2> /dev/null
	}
	port=$((20000 + $$ % 20000))
	while used $port || used $((port + 1)); do
		port=$((port + 2))
	done
	rm -f "$c/munge.key"
	dd if=/dev/urandom of="$c/munge.key" bs=1024 count=1 2> /dev/null
	chmod 400 "$c/munge.key"
	munged --key-file="$c/munge.key" --socket="$c/munge.sock" --pid-file="$c/munged.pid" \
		--log-file="$c/munged.log" --seed-file="$c/munged.seed" ||
		die "munged did not start: $(tail -3 "$c/munged.log" 2> /dev/null)"
	host=$(hostname)
	cat > "$c/slurm.conf" << EOF
# a one-node cluster of scripts/regress/cluster.sh
ClusterName=moteregress
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$c/munge.sock
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$c/state
SlurmdSpoolDir=$c/spool
SlurmctldPidFile=$c/slurmctld.pid
SlurmdPidFile=$c/slurmd.pid
SlurmctldLogFile=$c/slurmctld.log
SlurmdLogFile=$c/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=regress Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
	export SLURM_CONF="$c/slurm.conf"
	slurmctld -c -f "$SLURM_CONF" || { sh "$0" stop "$c"; die "slurmctld did not start: $(tail -5 "$c/slurmctld.log")"; }
	slurmd -f "$SLURM_CONF" || { sh "$0" stop "$c"; die "slurmd did not start: $(tail -5 "$c/slurmd.log")"; }
	n=0
	until [ "$(sinfo -h -o %T 2> /dev/null)" = idle ]; do
		n=$((n + 1))
		[ $n -lt 150 ] || { sh "$0" stop "$c"; die "the node is not idle after 30 s: $(tail -5 "$c/slurmd.log")"; }
		sleep 0.2
	done
	echo "cluster.sh: a one-node Slurm cluster in $c (ports $port and $((port + 1)), $(nproc) CPUs):"
	echo "  export SLURM_CONF=$c/slurm.conf"
	;;
*)
	die "usage: cluster.sh start|stop DIR"
	;;
esac
